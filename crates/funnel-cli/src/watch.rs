//! `--watch`: runs a command again whenever a file of the ledger's include
//! tree changes, until Ctrl-C. The set of watched files is read anew after
//! every run, so a file named by a new `include` is followed from then on.
//!
//! Folders are watched rather than files: editors (and `funnel fmt`) save
//! by writing a new file and renaming it over the old one, which a watch on
//! the old file would miss. A file of the ledger that is deleted (or an
//! `include`d one that cannot be read any more) stays watched, so its
//! return is seen: the ledger no longer names a file it cannot read, but
//! the file may be back with the next save or `git checkout`. Whatever a
//! run finds — a missing file, bytes that are not UTF-8 — is reported and
//! the watch goes on.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::cli::LedgerArgs;

/// How long the files must be quiet before the next run: an editor's save
/// is several events, and a `git checkout` touches many files.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// Runs `once` now and after every change to the ledger's files. Returns
/// only when watching fails; Ctrl-C ends the process.
pub fn run(ledger: &LedgerArgs, mut once: impl FnMut() -> Result<u8>) -> Result<u8> {
    if ledger.paths().iter().any(|p| p.as_os_str() == "-") {
        bail!("`--watch` cannot watch standard input: name the ledger with `-f FILE`");
    }
    let (sender, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        // The receiver only goes away when the process ends.
        let _ = sender.send(event);
    })
    .context("cannot watch the ledger's files")?;
    let clear = std::io::stdout().is_terminal();
    let mut watched_dirs: HashSet<PathBuf> = HashSet::new();
    let mut files: HashSet<PathBuf> = HashSet::new();
    loop {
        if clear {
            // Clear the screen and the scrollback, cursor to the top left.
            write!(std::io::stdout(), "\x1b[2J\x1b[3J\x1b[H")?;
        }
        match once() {
            // Nobody reads any more: stop watching (`main` ends quietly).
            Err(err) if crate::output::is_broken_pipe(&err) => return Err(err),
            Err(err) => eprintln!("error: {err:#}"),
            Ok(_) => {}
        }
        std::io::stdout().flush()?;

        let mut now = ledger_files(ledger);
        now.extend(files.into_iter().filter(|f| !f.exists()));
        files = now;
        let dirs: HashSet<PathBuf> = files
            .iter()
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .collect();
        for dir in watched_dirs.difference(&dirs) {
            let _ = watcher.unwatch(dir);
        }
        for dir in dirs.difference(&watched_dirs) {
            if let Err(err) = watcher.watch(dir, RecursiveMode::NonRecursive) {
                eprintln!("warning: cannot watch `{}`: {err}", dir.display());
            }
        }
        watched_dirs = dirs;
        eprintln!(
            "watching {} file{} for changes; press Ctrl-C to stop",
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        );
        wait_for_change(&events, &files, &watched_dirs)?;
    }
}

/// The ledger's files as absolute paths: the root files (even when they
/// cannot be read yet) and every file the include tree read.
fn ledger_files(ledger: &LedgerArgs) -> HashSet<PathBuf> {
    let mut files: HashSet<PathBuf> = ledger.paths().iter().filter_map(|p| absolute(p)).collect();
    if let Ok(checked) = ledger.load(false) {
        files.extend(
            checked
                .ledger
                .sources
                .files()
                .filter_map(|(_, file)| absolute(&file.path)),
        );
    }
    files
}

/// An absolute path whose folder part is canonical, as the watcher reports
/// paths; the file itself need not exist.
fn absolute(path: &Path) -> Option<PathBuf> {
    if let Ok(path) = std::fs::canonicalize(path) {
        return Some(path);
    }
    let name = path.file_name()?;
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Some(std::fs::canonicalize(parent).ok()?.join(name))
}

/// Blocks until a ledger file (or a new `.funnel` file beside one, which
/// an `include` glob may pick up) changes, then until the files have been
/// quiet for [`DEBOUNCE`].
fn wait_for_change(
    events: &Receiver<notify::Result<notify::Event>>,
    files: &HashSet<PathBuf>,
    dirs: &HashSet<PathBuf>,
) -> Result<()> {
    let relevant = |event: &notify::Event| {
        !matches!(event.kind, EventKind::Access(_))
            && event.paths.iter().any(|path| {
                files.contains(path)
                    || (path.extension().is_some_and(|e| e == "funnel")
                        && path.parent().is_some_and(|p| dirs.contains(p)))
            })
    };
    loop {
        match events.recv() {
            Ok(Ok(event)) if relevant(&event) => break,
            Ok(Ok(_)) => {}
            Ok(Err(err)) => eprintln!("warning: watching the files: {err}"),
            Err(_) => bail!("the file watcher stopped"),
        }
    }
    loop {
        match events.recv_timeout(DEBOUNCE) {
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => return Ok(()),
            Err(RecvTimeoutError::Disconnected) => bail!("the file watcher stopped"),
        }
    }
}
