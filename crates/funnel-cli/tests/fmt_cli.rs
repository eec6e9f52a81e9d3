//! `funnel fmt` through the binary: in place, `--check`, `--diff`, stdin,
//! line endings, broken files, untouched canonical files, include trees.

use std::path::Path;

use crate::support::{data, funnel, stdout, transcript, workspace};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn messy_ledger_snapshot() {
    let input = std::fs::read(data("fmt").join("messy.funnel")).unwrap();
    let output = funnel()
        .args(["fmt", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let formatted = stdout(&output);
    insta::assert_snapshot!(formatted);
    // Formatting the result again changes nothing.
    let again = funnel()
        .args(["fmt", "-"])
        .write_stdin(formatted.clone())
        .output()
        .unwrap();
    assert_eq!(stdout(&again), formatted);
}

#[test]
fn rewrites_in_place_and_keeps_crlf_and_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = std::fs::read(data("fmt").join("crlf.funnel")).unwrap();
    let path = write(dir.path(), "p.funnel", &crlf);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let output = funnel().args(["fmt", "-f"]).arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("formatted"));
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(after, "option currency EUR\r\n2026-01-03 lead acme via referral\r\n2026-01-04 won  acme 12,000 EUR\r\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
    // No temporary files are left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn canonical_files_are_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "p.funnel",
        b"2026-01-03 lead acme via referral\n",
    );
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let output = funnel().args(["fmt"]).arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(transcript(&output), "exit: 0\n");
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        before
    );
}

#[test]
fn check_lists_files_and_exits_1_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let messy = b"2026-01-03   lead acme via referral\n";
    let path = write(dir.path(), "p.funnel", messy);
    let output = funnel()
        .current_dir(dir.path())
        .args(["fmt", "--check", "p.funnel"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "would reformat p.funnel\n");
    assert_eq!(std::fs::read(&path).unwrap(), messy);
    let clean = write(
        dir.path(),
        "q.funnel",
        b"2026-01-03 lead acme via referral\n",
    );
    let output = funnel()
        .args(["fmt", "--check"])
        .arg(&clean)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn diff_prints_a_unified_diff() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.funnel",
        b"; keep me\n2026-01-03   lead acme via referral   ; and me\n",
    );
    let output = funnel()
        .current_dir(dir.path())
        .args(["fmt", "--diff", "p.funnel"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "--- p.funnel\n+++ p.funnel\n@@ -1,2 +1,2 @@\n ; keep me\n-2026-01-03   lead acme via referral   ; and me\n+2026-01-03 lead acme via referral ; and me\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("p.funnel")).unwrap(),
        b"; keep me\n2026-01-03   lead acme via referral   ; and me\n"
    );
}

/// GNU diff's details: a one-line range is written without its length, a
/// last line without a line ending is marked so that `patch` keeps it so,
/// and removed blank lines are a hunk of their own.
#[test]
fn diff_writes_ranges_and_line_endings_as_gnu_diff_does() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[u8], &str); 3] = [
        (
            b"2026-01-03   lead acme via referral\n",
            "@@ -1 +1 @@\n-2026-01-03   lead acme via referral\n+2026-01-03 lead acme via referral\n",
        ),
        (
            b"; keep me\n2026-01-05   talked   acme",
            "@@ -1,2 +1,2 @@\n ; keep me\n-2026-01-05   talked   acme\n\\ No newline at end of file\n+2026-01-05 talked acme\n",
        ),
        (
            b"2026-01-03 lead acme via referral\n\n\n\n2026-01-04 talked acme\n",
            "@@ -1,5 +1,3 @@\n 2026-01-03 lead acme via referral\n \n-\n-\n 2026-01-04 talked acme\n",
        ),
    ];
    for (text, hunks) in cases {
        write(dir.path(), "p.funnel", text);
        let output = funnel()
            .current_dir(dir.path())
            .args(["fmt", "--diff", "p.funnel"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(
            stdout(&output),
            format!("--- p.funnel\n+++ p.funnel\n{hunks}")
        );
    }
}

#[test]
fn broken_files_stay_untouched_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let broken = b"2026-01-03   lead acme \"open via referral\n2026-01-04   won acme 5 EUR\n";
    let path = write(dir.path(), "p.funnel", broken);
    let output = funnel()
        .current_dir(dir.path())
        .env("COLUMNS", "80")
        .args(["fmt", "p.funnel"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("funnel::syntax") && stderr.contains("p.funnel was not formatted"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), broken);
    // Bytes that are not UTF-8 are never rewritten either.
    let latin1 = write(
        dir.path(),
        "l.funnel",
        b"2026-01-03   lead m\xfcnchen via referral\n",
    );
    let output = funnel().args(["fmt"]).arg(&latin1).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read(&latin1).unwrap(),
        b"2026-01-03   lead m\xfcnchen via referral\n"
    );
}

#[test]
fn include_trees_are_formatted_file_by_file() {
    let dir = tempfile::tempdir().unwrap();
    let main = write(
        dir.path(),
        "main.funnel",
        b"include   \"years/*.funnel\"\n2026-01-03  lead acme via referral\n",
    );
    write(
        dir.path(),
        "years/2025.funnel",
        b"2025-03-01  lead old via network\n",
    );
    let output = funnel().args(["fmt"]).arg(&main).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(
        std::fs::read_to_string(&main).unwrap(),
        "include \"years/*.funnel\"\n2026-01-03 lead acme via referral\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("years/2025.funnel")).unwrap(),
        "2025-03-01 lead old via network\n"
    );
}

#[test]
fn bom_and_blank_runs() {
    let output = funnel()
        .args(["fmt", "-"])
        .write_stdin("\u{feff}\n\n; a\n\n\n\n; b\n\n")
        .output()
        .unwrap();
    assert_eq!(stdout(&output), "\u{feff}; a\n\n; b\n");
    let empty = funnel()
        .args(["fmt", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(stdout(&empty), "");
}

#[test]
fn examples_are_formatted() {
    let output = funnel()
        .current_dir(workspace())
        .args([
            "fmt",
            "--check",
            "examples/freelancer.funnel",
            "examples/small.funnel",
            "examples/multi/main.funnel",
            "examples/peers/alice.funnel",
            "examples/peers/bob.funnel",
            "examples/peers/carol.funnel",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "run `funnel fmt` on the examples: {}",
        transcript(&output)
    );
}
