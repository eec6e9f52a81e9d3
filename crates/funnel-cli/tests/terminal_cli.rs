//! Colour (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`) and width (`COLUMNS`)
//! through the binary. Tests run with a pipe for standard output, so
//! `auto` means "no colour" unless the environment forces it; the rule
//! for a terminal and `TERM=dumb` is unit-tested in `terminal.rs`.

use std::path::PathBuf;

use crate::support::{funnel, stdout, transcript, workspace};

const AS_OF: &str = "2026-11-26";

const BROKEN: &str = "2026-01-03 lead acme via referral\n2026-01-07 talked acne\n";

fn example() -> PathBuf {
    workspace().join("examples/freelancer.funnel")
}

/// Whether `check` (miette's rendering) and `report` (a table) colour
/// their output with this environment and these flags.
fn coloured(env: &[(&str, &str)], flags: &[&str]) -> (bool, bool) {
    let mut check = funnel();
    check.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    let mut report = funnel();
    report.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    for (key, value) in env {
        check.env(key, value);
        report.env(key, value);
    }
    let check = check
        .args(["check", "--as-of", AS_OF, "-"])
        .args(flags)
        .write_stdin(BROKEN)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1), "{}", transcript(&check));
    let report = report
        .args(["report", "funnel", "--as-of", AS_OF, "-f"])
        .arg(example())
        .args(flags)
        .output()
        .unwrap();
    assert_eq!(report.status.code(), Some(0), "{}", transcript(&report));
    let has_escape = |out: &[u8]| out.contains(&0x1b);
    (has_escape(&check.stdout), has_escape(&report.stdout))
}

#[test]
fn auto_colours_no_pipe() {
    assert_eq!(coloured(&[], &[]), (false, false));
    assert_eq!(coloured(&[], &["--color", "auto"]), (false, false));
}

#[test]
fn always_colours_even_a_pipe_and_beats_no_color() {
    assert_eq!(coloured(&[], &["--color", "always"]), (true, true));
    assert_eq!(
        coloured(&[("NO_COLOR", "1")], &["--color", "always"]),
        (true, true)
    );
}

#[test]
fn never_beats_clicolor_force() {
    assert_eq!(
        coloured(&[("CLICOLOR_FORCE", "1")], &["--color", "never"]),
        (false, false)
    );
}

#[test]
fn clicolor_force_colours_a_pipe_unless_no_color() {
    assert_eq!(coloured(&[("CLICOLOR_FORCE", "1")], &[]), (true, true));
    assert_eq!(
        coloured(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]),
        (false, false)
    );
    // `0` and the empty string force nothing.
    assert_eq!(coloured(&[("CLICOLOR_FORCE", "0")], &[]), (false, false));
    assert_eq!(coloured(&[("CLICOLOR_FORCE", "")], &[]), (false, false));
    // An empty NO_COLOR is no NO_COLOR.
    assert_eq!(
        coloured(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")], &[]),
        (true, true)
    );
}

#[test]
fn color_is_a_flag_of_every_command() {
    for args in [
        &["--color", "never", "analyses"][..],
        &["analyses", "--color", "always"],
        &["completions", "bash", "--color", "never"],
        &["man", "--color", "never"],
    ] {
        let output = funnel().args(args).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            transcript(&output)
        );
    }
    let output = funnel()
        .args(["analyses", "--color", "sometimes"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

/// The lines of the channels table, from its header to its last row.
fn channels_table(columns: &str) -> String {
    let output = funnel()
        .env("COLUMNS", columns)
        .args(["report", "channels", "--as-of", AS_OF, "-f"])
        .arg(example())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    stdout(&output)
}

/// The rows between the table's rules, which must all be as wide as the
/// table (each row ends with a right-aligned number).
fn rows(table: &str) -> Vec<&str> {
    table
        .lines()
        .skip_while(|l| !l.starts_with('─'))
        .skip(1)
        .take_while(|l| !l.starts_with('─'))
        .collect()
}

#[test]
fn a_narrow_width_leaves_columns_out_and_says_which() {
    let narrow = channels_table("60");
    assert!(
        narrow.contains("not shown, to fit 60 columns: revenue, fees, spent_money"),
        "{narrow}"
    );
    // The note itself fits.
    let note = narrow
        .lines()
        .skip_while(|l| !l.starts_with("not shown"))
        .take_while(|l| !l.is_empty());
    for line in note {
        assert!(line.chars().count() <= 60, "{line:?}");
    }
    // A channel id longer than the narrowest wrap stays whole, and the
    // rows stay aligned.
    let rows = rows(&narrow);
    assert!(
        rows.iter().any(|r| r.starts_with("outbound:cold-mail ")),
        "{narrow}"
    );
    let width = rows[0].chars().count();
    for row in &rows {
        assert_eq!(row.chars().count(), width, "{narrow}");
    }
    // No number is cut: every number of the narrow table is one of the
    // wide table's, whole.
    let wide = channels_table("220");
    let wide_words: std::collections::HashSet<&str> = wide.split_whitespace().collect();
    for row in rows {
        for word in row.split_whitespace().skip(1) {
            assert!(wide_words.contains(word), "`{word}` is cut in:\n{narrow}");
        }
    }
}

#[test]
fn a_wide_width_shows_every_column() {
    let wide = channels_table("220");
    assert!(!wide.contains("not shown"), "{wide}");
    for header in ["fees", "spent", "median", "rating"] {
        assert!(wide.contains(header), "no `{header}` in:\n{wide}");
    }
    assert!(rows(&wide)[0].chars().count() > 100, "{wide}");
}
