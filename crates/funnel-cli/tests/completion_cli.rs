//! Dynamic completion (`COMPLETE=SHELL funnel`): the candidates the binary
//! gives at a TAB, through clap_complete's environment protocol, and once
//! through a real bash that sourced the registration script and calls the
//! completion function it defines, as bash does at a TAB.

use std::path::{Path, PathBuf};

use crate::support::{funnel, transcript};

const LEDGER: &str = "\
option currency EUR

channel platform:upwork \"Upwork\"
contact anna \"Anna Schmidt\"

2026-01-05 lead acme \"Rust backend\" via platform:upwork from anna
2026-01-10 proposed acme 11000 EUR
2026-02-01 lead beta \"Audit\" via referral
2026-02-03 lead bolt \"API\" via platform:malt
";

fn ledger(dir: &Path) -> PathBuf {
    let path = dir.join("pipeline.funnel");
    std::fs::write(&path, LEDGER).unwrap();
    path
}

/// The candidates for the last of `words` (the word being typed), as bash
/// asks for them: `COMPLETE=bash funnel -- WORDS…` with the index of the
/// current word; one candidate a line.
fn candidates(dir: &Path, words: &[&str]) -> Vec<String> {
    let output = funnel()
        .current_dir(dir)
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .arg("--")
        .args(words)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(output.stderr.is_empty(), "{}", transcript(&output));
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn report_completes_analysis_names() {
    let dir = tempfile::tempdir().unwrap();
    let all = candidates(dir.path(), &["funnel", "report", ""]);
    for name in [
        "funnel",
        "channels",
        "surprises",
        "contacts",
        "negotiation",
        "runway",
        "pipeline",
        "trends",
    ] {
        assert!(all.iter().any(|c| c == name), "{name} in {all:?}");
    }
    assert_eq!(
        candidates(dir.path(), &["funnel", "report", "ch"]),
        ["channels"]
    );
    assert_eq!(
        candidates(dir.path(), &["funnel", "report", "channels", "ru"]),
        ["runway"]
    );
}

#[test]
fn channel_completes_the_ledgers_channels_and_their_parents() {
    let dir = tempfile::tempdir().unwrap();
    let file = ledger(dir.path());
    let file = file.to_str().unwrap();
    let expected = ["platform", "platform:malt", "platform:upwork", "referral"];
    assert_eq!(
        candidates(
            dir.path(),
            &["funnel", "report", "-f", file, "--channel", ""]
        ),
        expected
    );
    // `./pipeline.funnel` without `-f`; `--file=` too.
    assert_eq!(
        candidates(
            dir.path(),
            &["funnel", "export", "deals", "--channel", "platform:"]
        ),
        ["platform:malt", "platform:upwork"]
    );
    let other = tempfile::tempdir().unwrap();
    assert_eq!(
        candidates(
            other.path(),
            &[
                "funnel",
                "report",
                &format!("--file={file}"),
                "--channel",
                "r"
            ]
        ),
        ["referral"]
    );
    // No ledger there: nothing from it, and no error either.
    assert!(candidates(other.path(), &["funnel", "report", "--channel", ""]).is_empty());
}

#[test]
fn add_completes_verbs_deals_contacts_and_channels() {
    let dir = tempfile::tempdir().unwrap();
    ledger(dir.path());
    // The values offered for the word; clap offers the flags too when
    // nothing is typed yet (`--date`), which this leaves out.
    let at = |words: &[&str]| {
        let mut line = vec!["funnel", "add"];
        line.extend_from_slice(words);
        let all = candidates(dir.path(), &line);
        if words.last() == Some(&"") {
            assert!(all.iter().any(|c| c == "--date"), "{all:?}");
        }
        all.into_iter()
            .filter(|c| !c.starts_with('-'))
            .collect::<Vec<_>>()
    };
    let verbs = at(&[""]);
    for verb in [
        "lead",
        "won",
        "lost",
        "spent",
        "touch",
        "contacted",
        "proposed",
    ] {
        assert!(verbs.iter().any(|v| v == verb), "{verb} in {verbs:?}");
    }
    assert_eq!(at(&["pro"]), ["proposed"]);
    assert_eq!(at(&["won", ""]), ["acme", "beta", "bolt"]);
    assert_eq!(
        at(&["2026-03-01", "lost", "b"]),
        ["beta", "bolt"],
        "after a date"
    );
    assert_eq!(at(&["--date", "2026-03-01", "proposed", "a"]), ["acme"]);
    assert_eq!(at(&["touch", ""]), ["anna"]);
    assert_eq!(at(&["note", "a"]), ["acme", "anna"]);
    assert_eq!(
        at(&["lead", "new", "\"x\"", "via", "platform:u"]),
        ["platform:upwork"]
    );
    assert_eq!(
        at(&["lead", "new", "\"x\"", "via", "referral", "from", ""]),
        ["anna"]
    );
    assert_eq!(at(&["spent", "2h", "on", "b"]), ["beta", "bolt"]);
    assert!(at(&["lead", ""]).is_empty(), "a new deal's id is new");
}

/// bash itself: the registration script from `COMPLETE=bash funnel`,
/// sourced, defines the completion function of `funnel`; called as bash
/// calls it at a TAB (COMP_WORDS, COMP_CWORD, the command, the word, the
/// word before), it fills COMPREPLY from the binary.
#[test]
fn bash_completes_through_the_registered_function() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("note: bash is missing; the real-shell completion test is skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    ledger(dir.path());
    let binary = assert_cmd::cargo::cargo_bin("funnel");
    let script = r#"
set -e
source <(COMPLETE=bash "$FUNNEL_BIN")
complete -p funnel
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(( $# - 1 ))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _clap_complete_funnel funnel "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    echo "$* => ${COMPREPLY[*]}"
}
complete_words funnel report ch
complete_words funnel add won a
complete_words funnel report --channel plat
"#;
    let output = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", script])
        .current_dir(dir.path())
        .env("FUNNEL_BIN", &binary)
        .env_remove("FUNNEL_FILE")
        .env_remove("COMPLETE")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", transcript(&output));
    assert!(
        shown.contains("-F _clap_complete_funnel funnel"),
        "registered for `funnel`:\n{shown}"
    );
    assert!(shown.contains("funnel report ch => channels\n"), "{shown}");
    assert!(shown.contains("funnel add won a => acme\n"), "{shown}");
    assert!(
        shown.contains("funnel report --channel plat => platform platform:malt platform:upwork\n"),
        "{shown}"
    );
}
