//! `-o FILE` (format from the extension), the hint for a ledger given where
//! an analysis name goes, the summary notice of `--format github`, and the
//! man page and completions.

use std::path::{Path, PathBuf};

use crate::support::{funnel, stdout, transcript, workspace};

const AS_OF: &str = "2026-11-26";

fn example() -> PathBuf {
    workspace().join("examples/freelancer.funnel")
}

/// Runs funnel in `dir` on the example ledger; returns the output.
fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    funnel()
        .current_dir(dir)
        .args(args)
        .args(["--as-of", AS_OF, "-f"])
        .arg(example())
        .output()
        .unwrap()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn the_extension_of_the_output_file_picks_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for args in [
        &["report", "channels", "-o", "channels.csv"][..],
        &["report", "channels", "-o", "channels.json"],
        &["report", "channels", "-o", "channels.txt"],
        &["report", "channels", "-o", "channels"],
        &["review", "-o", "review.md"],
        &["review", "-o", "review.txt"],
        &["export", "deals", "-o", "deals.json"],
        &["export", "deals", "-o", "deals.csv"],
    ] {
        let output = run_in(d, args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            transcript(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?} wrote to stdout");
    }
    assert!(read(d, "channels.csv").starts_with("channel,leads,won,"));
    let json: serde_json::Value = serde_json::from_str(&read(d, "channels.json")).unwrap();
    assert_eq!(json[0]["analysis"], "channels", "{json}");
    assert!(read(d, "channels.txt").starts_with("Channels: "));
    assert_eq!(read(d, "channels"), read(d, "channels.txt"));
    assert!(read(d, "review.md").starts_with("# Review of"));
    assert!(!read(d, "review.txt").starts_with('#'));
    // Before, `export deals -o deals.json` wrote CSV.
    let deals: serde_json::Value = serde_json::from_str(&read(d, "deals.json")).unwrap();
    assert!(deals[0]["deal"].is_string(), "{deals}");
    assert!(read(d, "deals.csv").starts_with("deal,"));
    // A file is never coloured unless asked, and as wide as COLUMNS.
    assert!(!read(d, "channels.txt").contains('\x1b'));
}

#[test]
fn format_and_extension_must_agree() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (args, message) in [
        (
            &["export", "deals", "-o", "x.json", "--format", "csv"][..],
            "error: `-o x.json` names a JSON file, but `--format csv` asks for another format",
        ),
        (
            &["report", "channels", "-o", "x.csv", "--format", "json"],
            "error: `-o x.csv` names a CSV file, but `--format json` asks for another format",
        ),
        (
            &["review", "-o", "x.md", "--format", "table"],
            "error: `-o x.md` names a Markdown file, but `--format table` asks for another format",
        ),
        (
            &["report", "channels", "-o", "x.md"],
            "error: `funnel report` cannot write Markdown (`-o x.md`)",
        ),
        (
            &["review", "-o", "x.csv"],
            "error: `funnel review` cannot write CSV (`-o x.csv`)",
        ),
    ] {
        let output = run_in(d, args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            transcript(&output)
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with(message), "{args:?}: {stderr}");
        assert!(!d
            .join(args[args.iter().position(|a| *a == "-o").unwrap() + 1])
            .exists());
    }
    // `--format` that agrees, or an extension that names no format, is fine.
    let output = run_in(
        d,
        &["report", "channels", "-o", "x.json", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let output = run_in(d, &["report", "channels", "-o", "x.dat", "--format", "csv"]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(read(d, "x.dat").starts_with("channel,"));
}

#[test]
fn output_files_are_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("channels.csv"), "old").unwrap();
    let output = run_in(d, &["report", "channels", "-o", "channels.csv"]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(read(d, "channels.csv").starts_with("channel,"));
    // Only the file itself: no temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["channels.csv"]);
    // A folder that does not exist is an I/O error (exit 2).
    let output = run_in(d, &["report", "channels", "-o", "missing/channels.csv"]);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot write `missing/channels.csv`"),
        "{}",
        transcript(&output)
    );
}

const HINT: &str = "to read a ledger, use `-f FILE` (or `-f -` for standard input)";

#[test]
fn a_ledger_where_an_analysis_goes_gets_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(example(), dir.path().join("s.funnel")).unwrap();
    let ledger = std::fs::read_to_string(example()).unwrap();
    for (args, stdin) in [
        (&["report", "channels", "-"][..], Some(&ledger)),
        (&["report", "-"], Some(&ledger)),
        (&["report", "s.funnel"], None),
        (&["review", "s.funnel"], None),
        (&["review", "-"], Some(&ledger)),
    ] {
        let mut cmd = funnel();
        cmd.current_dir(dir.path())
            .args(args)
            .args(["--as-of", AS_OF]);
        if let Some(stdin) = stdin {
            cmd.write_stdin(stdin.as_bytes());
        }
        let output = cmd.output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            transcript(&output)
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        let word = args.last().unwrap();
        assert_eq!(
            stderr,
            format!("error: `{word}` is not an analysis: {HINT}\n"),
            "{args:?}"
        );
        assert!(!stderr.contains("did you mean"), "{stderr}");
    }
    // A file named like an analysis does not hide the analysis.
    std::fs::write(dir.path().join("channels"), "").unwrap();
    let output = funnel()
        .current_dir(dir.path())
        .args(["report", "channels", "--as-of", AS_OF, "-f", "s.funnel"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    // A word that is neither keeps the usual message.
    let output = funnel()
        .current_dir(dir.path())
        .args(["report", "chanels", "-f", "s.funnel"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `channels`?"));
    let output = funnel()
        .current_dir(dir.path())
        .args(["review", "trends", "-f", "s.funnel"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("takes no analysis names"));
}

#[test]
fn github_format_ends_with_a_summary_notice() {
    let broken =
        "2026-01-03 lead acme via referral\n2026-01-07 talked acne\n2026-01-08 talked acme\n";
    let output = funnel()
        .args(["check", "--format", "github", "--as-of", AS_OF, "-"])
        .write_stdin(broken)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert_eq!(
        text.lines().last(),
        Some("::notice::funnel check: 1 error, 1 warning in 1 file"),
        "{text}"
    );
    let output = funnel()
        .args(["check", "--format", "github", "--as-of", "2026-01-05", "-"])
        .write_stdin("2026-01-03 lead acme via referral\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(
        stdout(&output),
        "::notice::funnel check: no problems in 1 file (1 deal, 1 entry)\n"
    );
}

#[test]
fn the_man_page_has_environment_exit_status_and_examples() {
    let output = funnel().arg("man").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let page = stdout(&output);
    for section in [".SH ENVIRONMENT", ".SH \"EXIT STATUS\"", ".SH EXAMPLES"] {
        assert!(page.contains(section), "no `{section}`");
    }
    let environment = &page[page.find(".SH ENVIRONMENT").unwrap()..];
    for variable in [
        "FUNNEL_FILE",
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "COLUMNS",
        "FUNNEL_TIMINGS",
        "COMPLETE",
    ] {
        assert!(environment.contains(variable), "no `{variable}`");
    }
    let exit_status =
        &page[page.find(".SH \"EXIT STATUS\"").unwrap()..page.find(".SH EXAMPLES").unwrap()];
    for code in [
        "\\fB0\\fR",
        "\\fB1\\fR",
        "\\fB2\\fR",
        "\\fB3\\fR",
        "\\fB101\\fR",
    ] {
        assert!(
            exit_status.contains(code),
            "no exit status {code} in:\n{exit_status}"
        );
    }
    // `--color` is on the page too, and the help's examples are not
    // repeated under EXTRA.
    assert!(page.contains("\\-\\-color"), "no --color");
    assert!(!page.contains(".SH EXTRA"));

    // `funnel man --out DIR` writes the same main page.
    let dir = tempfile::tempdir().unwrap();
    let output = funnel()
        .arg("man")
        .arg("--out")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("funnel.1")).unwrap(),
        page
    );
    assert!(dir.path().join("funnel-report.1").exists());
}

#[test]
fn completion_offers_no_file_names_for_a_channel() {
    let output = funnel().args(["completions", "bash"]).output().unwrap();
    let script = stdout(&output);
    // bash: each option taking a value has a `case` arm; `--channel`'s must
    // not run `compgen -f`.
    let mut arms = script.match_indices("--channel)").peekable();
    assert!(arms.peek().is_some(), "no --channel in the script");
    for (at, _) in arms {
        let arm = &script[at..at + script[at..].find(";;").unwrap()];
        assert!(!arm.contains("compgen -f"), "{arm}");
    }
    // `-f FILE` still completes file names.
    let at = script.find("--file)").unwrap();
    let arm = &script[at..at + script[at..].find(";;").unwrap()];
    assert!(arm.contains("compgen -f"), "{arm}");
}
