//! `--watch` keeps running and checks again through what happens to files
//! on a real disk: the file deleted and created again, an editor's atomic
//! save (a new file renamed over the old), bytes that are not UTF-8, and
//! includes that come and go. A driver reads the child's output lines with
//! a timeout (`everyday.rs`).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::mpsc::Receiver;

use crate::everyday::{lines, wait_for, Killed};

const AS_OF: &str = "2026-11-26";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, bytes).unwrap();
    path
}

/// An editor's save: a new file in the same folder renamed over the old.
fn save_atomically(path: &Path, bytes: &[u8]) {
    let temp = path.with_extension("swp");
    std::fs::write(&temp, bytes).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

/// `funnel check --watch -f FILE`, its output and error lines.
struct Watching {
    child: Killed,
    out: Receiver<String>,
    err: Receiver<String>,
    seen_out: Vec<String>,
    seen_err: Vec<String>,
}

impl Watching {
    fn start(file: &Path) -> Watching {
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("funnel"))
            .args(["check", "--watch", "--as-of", AS_OF, "-f"])
            .arg(file)
            .env("NO_COLOR", "1")
            .env_remove("FUNNEL_FILE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut child = Killed(child);
        let out = lines(child.0.stdout.take().unwrap());
        let err = lines(child.0.stderr.take().unwrap());
        Watching {
            child,
            out,
            err,
            seen_out: Vec::new(),
            seen_err: Vec::new(),
        }
    }

    /// A line of standard output containing `needle`, then the next
    /// "watching" line: the run is over and the watch is set again.
    fn ran(&mut self, needle: &str, files: usize) {
        wait_for(&self.out, needle, &mut self.seen_out);
        self.watching(files);
    }

    fn watching(&mut self, files: usize) {
        let plural = if files == 1 { "" } else { "s" };
        wait_for(
            &self.err,
            &format!("watching {files} file{plural}"),
            &mut self.seen_err,
        );
    }

    fn error(&mut self, needle: &str) {
        wait_for(&self.err, needle, &mut self.seen_err);
    }

    fn still_running(&mut self) {
        assert!(
            self.child.0.try_wait().unwrap().is_none(),
            "--watch ended; its error output was:\n{}",
            self.seen_err.join("\n")
        );
    }
}

#[test]
fn watch_survives_the_file_deleted_and_created_again() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", b"2026-11-20 lead a via x\n");
    let mut watch = Watching::start(&file);
    watch.ran("no problems in 1 file (1 deal, 1 entry)", 1);

    std::fs::remove_file(&file).unwrap();
    watch.error("cannot read");
    watch.watching(1);
    watch.still_running();

    write(
        dir.path(),
        "p.funnel",
        b"2026-11-20 lead a via x\n2026-11-21 lead b via x\n",
    );
    watch.ran("no problems in 1 file (2 deals, 2 entries)", 1);
    watch.still_running();
}

#[test]
fn watch_follows_an_editors_atomic_saves() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", b"2026-11-20 lead a via x\n");
    let mut watch = Watching::start(&file);
    watch.ran("no problems in 1 file (1 deal, 1 entry)", 1);
    let mut text = String::from("2026-11-20 lead a via x\n");
    for n in 2..=4 {
        text.push_str(&format!("2026-11-21 lead d{n} via x\n"));
        save_atomically(&file, text.as_bytes());
        watch.ran(
            &format!("no problems in 1 file ({n} deals, {n} entries)"),
            1,
        );
    }
    watch.still_running();
}

#[test]
fn watch_reports_bytes_that_are_not_utf8_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", b"2026-11-20 lead a via x\n");
    let mut watch = Watching::start(&file);
    watch.ran("no problems in 1 file (1 deal, 1 entry)", 1);
    std::fs::write(
        &file,
        b"2026-11-20 lead a via x\n2026-11-21 note a \"caf\xE9\"\n",
    )
    .unwrap();
    watch.ran("invalid-encoding", 1);
    std::fs::write(&file, b"\xFF\xFE\x00\x01\x02").unwrap();
    watch.ran("invalid-encoding", 1);
    std::fs::write(
        &file,
        "2026-11-20 lead a via x\n2026-11-21 note a \"café\"\n",
    )
    .unwrap();
    watch.ran("no problems in 1 file (1 deal, 2 entries)", 1);
    watch.still_running();
}

#[test]
fn watch_follows_includes_as_they_change() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "p.funnel",
        b"2026-11-20 lead a via x\ninclude \"b.funnel\"\n",
    );
    let b = write(dir.path(), "b.funnel", b"2026-11-20 lead b via x\n");
    let c = write(dir.path(), "sub/c.funnel", b"2026-11-20 lead c via x\n");
    let mut watch = Watching::start(&file);
    watch.ran("no problems in 2 files (2 deals, 2 entries)", 2);

    // The include now names a file in another folder.
    save_atomically(
        &file,
        b"2026-11-20 lead a via x\ninclude \"sub/c.funnel\"\n",
    );
    watch.ran("no problems in 2 files (2 deals, 2 entries)", 2);
    std::fs::write(&c, b"2026-11-20 lead c via x\n2026-11-21 talked c\n").unwrap();
    watch.ran("no problems in 2 files (2 deals, 3 entries)", 2);

    // An included file deleted: the error, then its return.
    std::fs::remove_file(&c).unwrap();
    watch.ran("sub/c.funnel", 2);
    write(dir.path(), "sub/c.funnel", b"2026-11-20 lead c via x\n");
    watch.ran("no problems in 2 files (2 deals, 2 entries)", 2);

    // A glob: a new file it matches is read on the next run.
    save_atomically(
        &file,
        b"2026-11-20 lead a via x\ninclude \"sub/*.funnel\"\n",
    );
    watch.ran("no problems in 2 files (2 deals, 2 entries)", 2);
    write(dir.path(), "sub/d.funnel", b"2026-11-20 lead d via x\n");
    watch.ran("no problems in 3 files (3 deals, 3 entries)", 3);

    // The first include is no longer part of the ledger: no run for it.
    std::fs::write(&b, b"2026-11-20 lead b via x\n2026-11-21 talked nobody\n").unwrap();
    std::fs::write(&c, b"2026-11-20 lead c via x\n2026-11-22 talked c\n").unwrap();
    watch.ran("no problems in 3 files (3 deals, 4 entries)", 3);
    assert!(
        !watch.seen_out.iter().any(|l| l.contains("nobody")),
        "{:?}",
        watch.seen_out
    );
    watch.still_running();
}
