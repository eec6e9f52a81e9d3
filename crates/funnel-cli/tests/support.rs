//! Helpers shared by the CLI tests.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The workspace's top folder.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// `tests/data/<sub>` of the workspace.
pub fn data(sub: &str) -> PathBuf {
    workspace().join("tests/data").join(sub)
}

/// The `funnel` binary with a deterministic environment: no colour, a fixed
/// width, no ledger from the caller's environment.
pub fn funnel() -> Command {
    let mut cmd = Command::cargo_bin("funnel").expect("the funnel binary is built");
    cmd.env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .env_remove("FUNNEL_FILE");
    cmd
}

/// Exit code, stdout and stderr as one text, for snapshots.
pub fn transcript(output: &Output) -> String {
    let mut text = format!("exit: {}\n", output.status.code().unwrap_or(-1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !stdout.is_empty() {
        text.push_str("--- stdout\n");
        text.push_str(&stdout);
    }
    if !stderr.is_empty() {
        text.push_str("--- stderr\n");
        text.push_str(&stderr);
    }
    text
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Files in a folder with the given extension, sorted by name.
pub fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}
