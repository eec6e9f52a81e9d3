//! The lock a writer of a ledger file holds from reading the file to
//! renaming the new text over it, so that two writers (two `funnel add`
//! at once, or `add` during `fmt`) never lose each other's change.
//!
//! The lock is not on the ledger itself: a write replaces the ledger by a
//! new file (an atomic rename), and a process waiting on the old one would
//! then hold a lock on a file no longer in the folder. It is an advisory
//! lock (`flock` on Unix) on `.NAME.lock` beside the file, which the
//! holder removes before it lets go. A waiter that gets the lock on a lock
//! file already removed (or replaced) starts again, so at most one process
//! holds the lock of a path at a time. A process that dies leaves at most
//! an empty, unlocked `.NAME.lock`, which the next writer takes and
//! removes. Editors do not take the lock: `add` reads the file only once
//! it holds the lock, so it appends to what an editor saved before.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A held lock; dropping it removes the lock file and releases the lock.
pub struct Lock {
    file: File,
    path: PathBuf,
}

/// Blocks until this process holds the lock of the ledger file `path` (a
/// resolved path: see [`crate::fmt::resolve_links`]).
pub fn lock(path: &Path) -> Result<Lock> {
    // Only files that exist are locked, so nothing was written yet.
    take(path).map_err(|err| anyhow::anyhow!("{err:#}; the file is as it was"))
}

fn take(path: &Path) -> Result<Lock> {
    let lock_path = lock_path(path);
    loop {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .with_context(|| format!("cannot create the lock file `{}`", lock_path.display()))?;
        file.lock()
            .with_context(|| format!("cannot lock `{}`", lock_path.display()))?;
        if still_in_place(&file, &lock_path) {
            return Ok(Lock {
                file,
                path: lock_path,
            });
        }
        // The holder before us removed it: the next lock is on a new file.
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so no one locks this file again after
        // us (see the module comment); closing the file releases the lock.
        if cfg!(unix) {
            let _ = std::fs::remove_file(&self.path);
        }
        let _ = self.file.unlock();
    }
}

/// `DIR/.NAME.lock` for `DIR/NAME`.
fn lock_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".lock");
    path.with_file_name(name)
}

/// Whether `path` still names the file we locked.
#[cfg(unix)]
fn still_in_place(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(held), Ok(named)) => held.dev() == named.dev() && held.ino() == named.ino(),
        _ => false,
    }
}

/// Elsewhere an open file cannot be removed, so the lock file stays and is
/// always the one in place.
#[cfg(not(unix))]
fn still_in_place(_: &File, _: &Path) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_is_hidden_beside_the_ledger() {
        assert_eq!(
            lock_path(Path::new("/a/b/pipeline.funnel")),
            Path::new("/a/b/.pipeline.funnel.lock")
        );
        assert_eq!(
            lock_path(Path::new("p.funnel")),
            Path::new(".p.funnel.lock")
        );
    }
}
