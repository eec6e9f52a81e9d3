//! Plugins stay contained: one that prints without end, never reads its
//! input, closes its output early or prints bytes that are not UTF-8 ends
//! the command with exit 3 and a message naming it, in bounded time and
//! memory; funnel never hangs or panics on it. Each with a throw-away shell
//! script written into a temporary folder on `PATH` (see `plugins.rs`).

use std::time::{Duration, Instant};

use crate::plugins::{plugin, report_with, run_with};
use crate::support::{stderr, stdout, transcript};

const REPORT: &str = r#"{"schema": "funnel.report/1", "columns": [{"name": "client", "kind": "text"}], "rows": [{"client": "acme"}]}"#;

fn plugin_failed(output: &std::process::Output, message: &str) {
    assert_eq!(output.status.code(), Some(3), "{}", transcript(output));
    assert!(stderr(output).contains(message), "{}", transcript(output));
    assert!(
        !stderr(output).contains("panicked"),
        "{}",
        transcript(output)
    );
}

#[test]
fn a_plugin_printing_without_end_is_stopped_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    // `yes` prints for ever; only the output limit ends it.
    plugin(dir.path(), "flood", "cat > /dev/null\nexec yes '[1, 2, 3]'");
    let started = Instant::now();
    let output = report_with(dir.path(), "flood", &["--plugin-timeout", "120"]);
    let took = started.elapsed();
    plugin_failed(
        &output,
        "plugin `funnel-flood` printed more than 64 MiB on standard output and was stopped",
    );
    // Stopped by the limit, not by the timeout.
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert!(output.stdout.is_empty());
}

#[test]
fn a_plugin_printing_without_end_on_standard_error_is_not_stopped() {
    // Standard error past its limit is read and dropped: a chatty plugin
    // still answers.
    let dir = tempfile::tempdir().unwrap();
    plugin(
        dir.path(),
        "chatty",
        &format!(
            "cat > /dev/null\nhead -c 3000000 /dev/zero | tr '\\0' 'x' | fold -w 100 >&2\necho '{REPORT}'"
        ),
    );
    let output = report_with(dir.path(), "chatty", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(stdout(&output).contains("acme"));
}

/// A ledger whose document is much bigger than a pipe's buffer (64 KiB), so
/// a plugin that does not read it leaves funnel's writer blocked.
fn big_ledger(dir: &std::path::Path) -> String {
    let mut text = String::new();
    for i in 0..3000 {
        text.push_str(&format!(
            "2026-01-10 lead deal{i} \"a fairly long title for deal {i}\" via platform:upwork\n"
        ));
    }
    let path = dir.join("big.funnel");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_plugin_that_never_reads_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = big_ledger(dir.path());
    // Answers without reading.
    plugin(dir.path(), "deaf", &format!("sleep 0.2\necho '{REPORT}'"));
    let output = run_with(
        &[dir.path()],
        &["report", "deaf", "-f", &ledger, "--as-of", "2026-06-30"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(stdout(&output).contains("acme"));
    // Neither reads nor ends: the timeout ends it.
    plugin(dir.path(), "stuck", "exec sleep 30");
    let started = Instant::now();
    let output = run_with(
        &[dir.path()],
        &[
            "report",
            "stuck",
            "-f",
            &ledger,
            "--as-of",
            "2026-06-30",
            "--plugin-timeout",
            "0.5",
        ],
    );
    assert!(started.elapsed() < Duration::from_secs(15));
    plugin_failed(&output, "plugin `funnel-stuck` did not finish within 0.5 s");
}

#[test]
fn a_plugin_that_closes_its_output_early() {
    let dir = tempfile::tempdir().unwrap();
    // Closes standard output before printing anything, then exits well.
    plugin(dir.path(), "mute", "exec >&-\ncat > /dev/null\nexit 0");
    plugin_failed(
        &report_with(dir.path(), "mute", &[]),
        "`funnel-mute` printed nothing on standard output",
    );
    // Half a report, then the output closed while it works on.
    plugin(
        dir.path(),
        "half",
        "cat > /dev/null\nprintf '{\"schema\": \"funnel.rep'\nexec >&-\nsleep 0.3\nexit 0",
    );
    plugin_failed(
        &report_with(dir.path(), "half", &[]),
        "plugin `funnel-half` printed output that is not JSON",
    );
    // Output closed and still running: the timeout ends it.
    plugin(dir.path(), "lingers", "exec >&-\nexec sleep 30");
    plugin_failed(
        &report_with(dir.path(), "lingers", &["--plugin-timeout", "0.5"]),
        "plugin `funnel-lingers` did not finish within 0.5 s",
    );
}

#[test]
fn a_plugin_that_prints_invalid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    // Not JSON at all.
    plugin(
        dir.path(),
        "binary",
        "cat > /dev/null\nprintf '\\377\\376\\000garbage'",
    );
    plugin_failed(
        &report_with(dir.path(), "binary", &[]),
        "plugin `funnel-binary` printed output that is not UTF-8 (byte 0xFF at offset 0)",
    );
    // A report whose one name is Latin-1, not UTF-8: an error, not a `�`.
    plugin(
        dir.path(),
        "latin1",
        &format!(
            "cat > /dev/null\nprintf '{}'",
            REPORT.replace("acme", "caf\\351")
        ),
    );
    plugin_failed(
        &report_with(dir.path(), "latin1", &[]),
        "plugin `funnel-latin1` printed output that is not UTF-8 (byte 0xE9 at offset",
    );
    // Invalid UTF-8 on standard error is passed on, lossily, without harm.
    plugin(
        dir.path(),
        "noisy",
        &format!("cat > /dev/null\nprintf 'caf\\351\\n' >&2\necho '{REPORT}'"),
    );
    let output = report_with(dir.path(), "noisy", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(stderr(&output).contains("funnel-noisy: caf\u{FFFD}"));
}
