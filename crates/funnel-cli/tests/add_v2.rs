//! `funnel add` with the forms of format version 2: the new verbs,
//! metadata (`KEY: VALUE` words and `--meta`), declarations refused, and a
//! backfilled entry showing only the diagnostics it brings.

use std::path::{Path, PathBuf};

use crate::support::{funnel, stdout, transcript};

const AS_OF: &str = "2026-11-26";

const LEDGER: &str = "option currency EUR\n\
\n\
2026-01-03 lead acme \"Rust backend\" via referral\n\
2026-02-01 won acme 48000 EUR at 800 EUR/day until 2026-05-01\n\
2026-03-01 lead hausbank \"Payments\" via referral\n\
2026-03-10 lost hausbank \"budget freeze\" #budget\n";

fn ledger(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("p.funnel");
    std::fs::write(&path, text).unwrap();
    path
}

fn add(file: &Path, words: &[&str]) -> std::process::Output {
    funnel()
        .args(["add", "--as-of", AS_OF, "-f"])
        .arg(file)
        .args(words)
        .output()
        .unwrap()
}

fn text(file: &Path) -> String {
    std::fs::read_to_string(file).unwrap()
}

#[test]
fn add_writes_the_v2_verbs() {
    let dir = tempfile::tempdir().unwrap();
    let file = ledger(dir.path(), LEDGER);
    let extended = add(
        &file,
        &[
            "--date",
            "2026-04-20",
            "extended",
            "acme",
            "24000",
            "EUR",
            "until",
            "2026-07-31",
            "phase 2",
        ],
    );
    assert_eq!(extended.status.code(), Some(0), "{}", transcript(&extended));
    let reopened = add(
        &file,
        &[
            "--date",
            "2026-06-01",
            "reopened",
            "hausbank",
            "budget came back",
        ],
    );
    assert_eq!(reopened.status.code(), Some(0), "{}", transcript(&reopened));
    assert_eq!(
        text(&file),
        format!(
            "{LEDGER}2026-04-20 extended acme 24000 EUR until 2026-07-31 \"phase 2\"\n\
             2026-06-01 reopened hausbank \"budget came back\"\n"
        )
    );
    // A second reopening is refused with the new code, and nothing is written.
    let again = add(&file, &["--date", "2026-06-02", "reopened", "hausbank"]);
    assert_eq!(again.status.code(), Some(1), "{}", transcript(&again));
    assert!(transcript(&again).contains("reopened-without-close"));
    assert!(!text(&file).contains("2026-06-02"));
}

#[test]
fn add_writes_metadata_from_words_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = ledger(dir.path(), LEDGER);
    // `rating: 5` was a syntax error before: now it is a metadata line, and
    // free text is quoted (a `;` in it is not a comment).
    let output = add(
        &file,
        &[
            "--date",
            "2026-05-01",
            "ended",
            "acme",
            "rating:",
            "5",
            "lesson:",
            "ask",
            "for",
            "notice;",
            "always",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let output = add(
        &file,
        &[
            "--date",
            "2026-05-02",
            "lead",
            "acme-2",
            "via",
            "referral",
            "--meta",
            "client=acme",
            "--meta",
            "budget=12000 EUR",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(
        text(&file),
        format!(
            "{LEDGER}2026-05-01 ended acme\n  rating: 5\n  lesson: \"ask for notice; always\"\n\
             2026-05-02 lead acme-2 via referral\n  client: acme\n  budget: 12000 EUR\n"
        )
    );
    assert!(stdout(&output).contains(":10: 2026-05-02 lead acme-2 via referral"));
    // A wrong value is refused like any other error.
    let bad = add(
        &file,
        &[
            "--date",
            "2026-05-03",
            "note",
            "acme",
            "x",
            "--meta",
            "rating=9",
        ],
    );
    assert_eq!(bad.status.code(), Some(1), "{}", transcript(&bad));
    let bad = add(
        &file,
        &[
            "--date",
            "2026-05-03",
            "note",
            "acme",
            "x",
            "--meta",
            "rating",
        ],
    );
    assert_eq!(bad.status.code(), Some(2), "{}", transcript(&bad));
    assert!(!text(&file).contains("2026-05-03"));
}

#[test]
fn add_keeps_crlf_for_metadata_lines() {
    let dir = tempfile::tempdir().unwrap();
    let file = ledger(dir.path(), &LEDGER.replace('\n', "\r\n"));
    let output = add(
        &file,
        &["--date", "2026-05-01", "ended", "acme", "rating:", "4"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(text(&file).ends_with("2026-05-01 ended acme\r\n  rating: 4\r\n"));
}

#[test]
fn add_refuses_declarations() {
    let dir = tempfile::tempdir().unwrap();
    let file = ledger(dir.path(), LEDGER);
    for words in [
        &["client", "acme", "Acme GmbH"][..],
        &["channel", "referral"],
        &["option", "strict", "true"],
    ] {
        let output = add(&file, words);
        assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
        assert!(
            transcript(&output).contains("declarations are written by hand"),
            "{}",
            transcript(&output)
        );
    }
    assert_eq!(text(&file), LEDGER);
}

/// Backfilling an entry on a deal that was already stale does not repeat
/// its warning; a new lead that is stale is reported.
#[test]
fn a_backfilled_entry_shows_only_what_it_brings() {
    let dir = tempfile::tempdir().unwrap();
    let stale = "option currency EUR\n2026-01-03 lead old \"x\" via referral\n2026-01-04 lead older via referral\n";
    let file = ledger(dir.path(), stale);
    let output = add(&file, &["--date", "2026-02-01", "contacted", "old"]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(
        !transcript(&output).contains("stale-deal"),
        "{}",
        transcript(&output)
    );
    let output = add(
        &file,
        &["--date", "2026-02-01", "lead", "newer", "via", "referral"],
    );
    let shown = transcript(&output);
    assert!(shown.contains("deal `newer` has had no entry"), "{shown}");
    assert!(
        !shown.contains("`old`") && !shown.contains("`older`"),
        "{shown}"
    );
}
