//! A reader that stops early (`funnel … | head`) is a normal end for every
//! command: exit 0, nothing on standard error. And a crash says it is a bug.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{funnel, transcript};

const AS_OF: &str = "2026-11-26";

/// A ledger whose every command writes far more than a pipe holds (64 KiB):
/// 3,000 deals, each on its own channel (so `report channels` has 3,000
/// rows), each stale by the as-of date (a warning each: `check` prints a
/// lot but exits 0), each `proposed` line unaligned (so `fmt --diff` has a
/// hunk per deal).
pub fn big_ledger(dir: &Path) -> PathBuf {
    let mut text = String::from("option currency EUR\n\n");
    for i in 0..3_000 {
        let day = i % 28 + 1;
        text.push_str(&format!(
            "2026-01-{day:02} lead d{i} \"a deal with a title long enough to fill pipes\" via ch:c{i}\n\
             2026-02-{day:02} proposed   d{i} 12000 EUR at 800 EUR/day\n"
        ));
    }
    let path = dir.join("big.funnel");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs funnel, reads one line of its standard output and closes the pipe;
/// the command must then end with exit 0 and say nothing.
fn stops_early(args: &[&str], stdin: Option<Vec<u8>>) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("funnel"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .env_remove("FUNNEL_FILE")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let writer = stdin.map(|bytes| {
        let mut input = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            // funnel reads all of its input before it writes.
            input.write_all(&bytes).unwrap();
        })
    });
    let mut out = BufReader::new(child.stdout.take().unwrap());
    // Bytes up to the first newline: some outputs are binary (xlsx, ods).
    let mut line = Vec::new();
    out.read_until(b'\n', &mut line).unwrap();
    assert!(!line.is_empty(), "{args:?} printed nothing");
    // The reading end is closed here, with most of the output unread.
    drop(out);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    if let Some(writer) = writer {
        writer.join().unwrap();
    }
    assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
    assert_eq!(stderr, "", "{args:?}");
}

#[test]
fn every_command_ends_quietly_when_its_reader_stops() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = big_ledger(dir.path());
    let ledger = ledger.to_str().unwrap();
    let commands: &[&[&str]] = &[
        &["check"],
        &["check", "--format", "short"],
        &["check", "--format", "json"],
        &["check", "--format", "github"],
        &["fmt", "--diff"],
        &["report"],
        &["report", "channels", "--format", "csv"],
        &["report", "channels", "--format", "json"],
        &["review"],
        &["review", "--format", "markdown"],
        &["export", "entries"],
        &["export", "deals", "--format", "json"],
        &["export", "ledger"],
        // Binary workbooks, well over what a pipe holds.
        &["export", "entries", "--format", "xlsx"],
        &["export", "all", "--format", "ods"],
        &["report", "--format", "xlsx"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.extend(["--as-of", AS_OF, "-f", ledger]);
        stops_early(&args, None);
    }
    for command in [&["completions", "bash"][..], &["man"], &["analyses"]] {
        stops_early(command, None);
    }
}

#[test]
fn standard_input_commands_end_quietly_when_their_reader_stops() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(big_ledger(dir.path())).unwrap();
    stops_early(&["fmt", "-"], Some(bytes.clone()));
    stops_early(&["fmt", "--diff", "-"], Some(bytes.clone()));
    stops_early(&["check", "--as-of", AS_OF, "-"], Some(bytes.clone()));
    stops_early(
        &["report", "channels", "--as-of", AS_OF, "-f", "-"],
        Some(bytes),
    );
}

#[test]
fn a_panic_says_it_is_a_bug_and_exits_101() {
    let output = funnel()
        .env("FUNNEL_TEST_PANIC", "1")
        .args(["check", "-f", "my pipeline.funnel"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(101), "{}", transcript(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("funnel crashed: this is a bug\n"),
        "{stderr}"
    );
    for expected in [
        &format!("version: funnel {}", env!("CARGO_PKG_VERSION"))[..],
        // The command line, with an argument holding a space quoted.
        "check -f \"my pipeline.funnel\"",
        "panic: FUNNEL_TEST_PANIC is set",
        "please report it on the project's issue tracker, with the ledger that caused it",
    ] {
        assert!(stderr.contains(expected), "no `{expected}` in:\n{stderr}");
    }
    // Rust's own message is replaced, not added to.
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    assert!(output.stdout.is_empty());
}
