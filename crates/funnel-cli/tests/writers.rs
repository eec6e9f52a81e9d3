//! The commands that write a ledger (`fmt` in place, `add`) lose nothing:
//! permissions, symbolic links, line endings, BOM and final newline are
//! kept; a write that fails (read-only file, read-only folder, full disk)
//! says so and leaves the file byte for byte as it was; concurrent `add`s
//! each keep their entry. Through the binary, as a user runs it.
//!
//! Some failures can only be made as root (a read-only or full file system
//! is a tmpfs mounted for the test); where that is not possible, the test
//! prints why it skipped the case instead of passing quietly.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{funnel, stderr, transcript};

const AS_OF: &str = "2026-11-26";
const LEDGER: &str = "2026-11-20 lead acme \"Rust backend\" via platform:upwork\n";
/// Not in canonical form: `fmt` rewrites it.
const UNFORMATTED: &str = "2026-11-20   lead acme \"Rust backend\" via platform:upwork\n";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn fmt(file: &Path) -> Output {
    funnel().arg("fmt").arg("-f").arg(file).output().unwrap()
}

fn add(file: &Path, words: &[&str]) -> Output {
    funnel()
        .args(["add", "--as-of", AS_OF, "--date", "2026-11-21", "-f"])
        .arg(file)
        .args(words)
        .output()
        .unwrap()
}

fn ok(output: &Output) {
    assert_eq!(output.status.code(), Some(0), "{}", transcript(output));
}

/// A write that failed: not exit 0, and standard error says which file and
/// that it was left alone.
fn failed(output: &Output, file: &str, why: &str) {
    assert_ne!(output.status.code(), Some(0), "{}", transcript(output));
    let err = stderr(output);
    assert!(
        err.contains(&format!("cannot write `{file}")) && err.contains(why),
        "expected `cannot write {file}` and `{why}`:\n{err}"
    );
    assert!(err.contains("the file is as it was"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// No temporary or lock file is left beside the ledger.
fn only_files(dir: &Path, names: &[&str]) {
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(found, names, "files left in {}", dir.display());
}

// ------------------------------------------------------------ permissions

#[test]
fn fmt_and_add_keep_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", UNFORMATTED.as_bytes());
    chmod(&file, 0o640);
    ok(&fmt(&file));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), LEDGER);
    assert_eq!(mode(&file), 0o640);
    ok(&add(&file, &["talked", "acme"]));
    assert_eq!(mode(&file), 0o640);
    chmod(&file, 0o600);
    ok(&add(&file, &["talked", "acme"]));
    assert_eq!(mode(&file), 0o600);
    only_files(dir.path(), &["p.funnel"]);
}

#[test]
fn a_new_file_gets_the_mode_any_new_file_gets() {
    // `-o` creates files through the same writer: not a temporary file's
    // private 0600, but 0666 less the umask, as any program's new file
    // (a file made here with `File::create` is the measure, whatever the
    // umask of the test run).
    let dir = tempfile::tempdir().unwrap();
    let usual = mode(&write(dir.path(), "usual", b""));
    let ledger = write(dir.path(), "p.funnel", LEDGER.as_bytes());
    for name in ["deals.csv", "report.json", "review.html", "deals.ods"] {
        let out = dir.path().join(name);
        let mut cmd = funnel();
        if name == "review.html" {
            cmd.arg("review");
        } else if name == "report.json" {
            cmd.arg("report");
        } else {
            cmd.args(["export", "deals"]);
        }
        ok(&cmd
            .args(["--as-of", AS_OF, "-f"])
            .arg(&ledger)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap());
        assert_eq!(mode(&out), usual, "{name}");
    }
    // An existing output keeps its own mode.
    let out = dir.path().join("deals.csv");
    chmod(&out, 0o600);
    ok(&funnel()
        .args(["export", "deals", "--as-of", AS_OF, "-f"])
        .arg(&ledger)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap());
    assert_eq!(mode(&out), 0o600);
}

// ---------------------------------------------------------- symbolic links

#[test]
fn fmt_and_add_write_through_a_symbolic_link() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    let target = write(&dir.path().join("real"), "p.funnel", UNFORMATTED.as_bytes());
    let link = dir.path().join("link.funnel");
    std::os::unix::fs::symlink("real/p.funnel", &link).unwrap();

    ok(&fmt(&link));
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), LEDGER);

    ok(&add(&link, &["talked", "acme"]));
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        format!("{LEDGER}2026-11-21 talked acme\n")
    );
    only_files(dir.path(), &["link.funnel", "real"]);
    only_files(&dir.path().join("real"), &["p.funnel"]);
}

#[test]
fn a_link_to_a_link_is_followed_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let target = write(dir.path(), "p.funnel", LEDGER.as_bytes());
    std::os::unix::fs::symlink("p.funnel", dir.path().join("a.funnel")).unwrap();
    std::os::unix::fs::symlink("a.funnel", dir.path().join("b.funnel")).unwrap();
    ok(&add(&dir.path().join("b.funnel"), &["talked", "acme"]));
    for link in ["a.funnel", "b.funnel"] {
        let meta = dir.path().join(link).symlink_metadata().unwrap();
        assert!(meta.file_type().is_symlink(), "{link}");
    }
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .ends_with("talked acme\n"));
}

// ------------------------------------------------- line endings and BOM

#[test]
fn add_keeps_crlf_bom_and_appends_after_a_missing_final_newline() {
    let dir = tempfile::tempdir().unwrap();
    let before = "\u{FEFF}2026-11-20 lead acme via x\r\n2026-11-20 talked acme";
    let file = write(dir.path(), "p.funnel", before.as_bytes());
    ok(&add(&file, &["talked", "acme"]));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("{before}\r\n2026-11-21 talked acme\r\n")
    );
}

#[test]
fn fmt_keeps_crlf_and_bom_and_ends_with_one_line_ending() {
    // docs/format.md, "fmt": the style of the first line ending everywhere,
    // the BOM kept, one line ending at the end.
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "p.funnel",
        "\u{FEFF}2026-11-20   lead acme via x\r\n2026-11-20 talked  acme".as_bytes(),
    );
    ok(&fmt(&file));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "\u{FEFF}2026-11-20 lead   acme via x\r\n2026-11-20 talked acme\r\n"
    );
}

// ------------------------------------------------------- failed writes

#[test]
fn a_read_only_file_is_refused_and_left_as_it_was() {
    // Root may write any file, and a rename replaces a read-only file
    // anyway: funnel refuses by the mode itself, so this holds for root too.
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", UNFORMATTED.as_bytes());
    chmod(&file, 0o444);
    failed(&fmt(&file), "", "is read-only");
    failed(&add(&file, &["talked", "acme"]), "", "is read-only");
    assert_eq!(std::fs::read(&file).unwrap(), UNFORMATTED.as_bytes());
    assert_eq!(mode(&file), 0o444);
    only_files(dir.path(), &["p.funnel"]);
}

/// A tmpfs mounted on a fresh folder for one test, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// `None` (with a note on standard error) where this process may not
    /// mount file systems.
    fn mount(size: &str, case: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match mounted {
            Ok(out) if out.status.success() => Some(Tmpfs { dir }),
            Ok(out) => {
                eprintln!(
                    "note: SKIPPED {case}: cannot mount a tmpfs here (needs root): {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                None
            }
            Err(err) => {
                eprintln!("note: SKIPPED {case}: cannot run `mount`: {err}");
                None
            }
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount_read_only(&self) {
        let out = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn is_root() -> bool {
    // The owner of a file this process creates.
    use std::os::unix::fs::MetadataExt;
    let file = tempfile::NamedTempFile::new().unwrap();
    file.as_file().metadata().unwrap().uid() == 0
}

#[test]
fn a_read_only_folder_fails_clearly_and_leaves_the_file() {
    // Root writes in a folder without write permission, so as root the
    // folder is a read-only file system instead (EROFS stops root too).
    let root = is_root();
    let tmpfs = if root {
        match Tmpfs::mount("1m", "the read-only folder case") {
            Some(fs) => Some(fs),
            None => return,
        }
    } else {
        None
    };
    let plain = tempfile::tempdir().unwrap();
    let dir = tmpfs.as_ref().map_or(plain.path(), Tmpfs::path);
    let file = write(dir, "p.funnel", UNFORMATTED.as_bytes());
    if let Some(fs) = &tmpfs {
        fs.remount_read_only();
    } else {
        chmod(dir, 0o555);
    }
    let why = if root {
        "Read-only file system"
    } else {
        "Permission denied"
    };
    failed(&fmt(&file), "", why);
    failed(&add(&file, &["talked", "acme"]), "", why);
    assert_eq!(std::fs::read(&file).unwrap(), UNFORMATTED.as_bytes());
    if !root {
        chmod(dir, 0o755);
    }
}

#[test]
fn a_full_disk_fails_clearly_and_leaves_the_file() {
    let Some(fs) = Tmpfs::mount("64k", "the full disk case") else {
        return;
    };
    // 40 KiB of ledger: a second copy (the temporary file) does not fit in
    // the 24 KiB left.
    let mut text = String::from(UNFORMATTED);
    while text.len() < 40 << 10 {
        text.push_str("2026-11-20   talked  acme\n");
    }
    let file = write(fs.path(), "p.funnel", text.as_bytes());
    let out = fmt(&file);
    failed(&out, "", "No space left on device");
    assert_eq!(std::fs::read(&file).unwrap(), text.as_bytes());
    let out = add(&file, &["talked", "acme"]);
    failed(&out, "", "No space left on device");
    assert_eq!(std::fs::read(&file).unwrap(), text.as_bytes());
    only_files(fs.path(), &["p.funnel"]);
}

// ------------------------------------------------------------ the lock

#[test]
fn concurrent_adds_lose_no_entry() {
    const WRITERS: usize = 200;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", LEDGER.as_bytes());
    let start = std::sync::Barrier::new(WRITERS);
    let outputs: Vec<Output> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|i| {
                let (file, start) = (&file, &start);
                scope.spawn(move || {
                    start.wait();
                    add(file, &["note", "acme", &format!("note {i}")])
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for output in &outputs {
        ok(output);
    }
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), WRITERS + 1, "{text}");
    assert_eq!(lines[0], LEDGER.trim_end());
    let mut notes: Vec<&str> = lines[1..].to_vec();
    notes.sort();
    let mut expected: Vec<String> = (0..WRITERS)
        .map(|i| format!("2026-11-21 note acme \"note {i}\""))
        .collect();
    expected.sort();
    assert_eq!(notes, expected);
    ok(&funnel()
        .args(["check", "--as-of", AS_OF, "-f"])
        .arg(&file)
        .output()
        .unwrap());
    only_files(dir.path(), &["p.funnel"]);
}

#[test]
fn add_waits_for_the_lock_and_appends_to_what_was_saved_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", LEDGER.as_bytes());
    // Another writer holds the lock.
    let held = std::fs::File::create(dir.path().join(".p.funnel.lock")).unwrap();
    held.lock().unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("funnel"))
        .env_remove("FUNNEL_FILE")
        .args(["add", "--as-of", AS_OF, "--date", "2026-11-21", "-f"])
        .arg(&file)
        .args(["talked", "acme"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(child.try_wait().unwrap().is_none(), "add did not wait");
    // Meanwhile an editor saves (a new file renamed over the old).
    let saved = format!("{LEDGER}2026-11-20 note acme \"from the editor\"\n");
    write(dir.path(), "saved.tmp", saved.as_bytes());
    std::fs::rename(dir.path().join("saved.tmp"), &file).unwrap();
    drop(held);
    assert!(child.wait().unwrap().success());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("{saved}2026-11-21 talked acme\n")
    );
}

#[test]
fn a_lock_file_left_by_a_crash_does_not_block() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", LEDGER.as_bytes());
    write(dir.path(), ".p.funnel.lock", b"");
    ok(&add(&file, &["talked", "acme"]));
    only_files(dir.path(), &["p.funnel"]);
}
