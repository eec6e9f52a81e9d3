//! The data-driven corpus: `tests/data/ok/*.funnel` must check clean;
//! `tests/data/err/*.funnel` each produce the diagnostic their name starts
//! with, rendered as a user sees it and compared with the `.snap` beside
//! the input. `docs/diagnostics.md` and the `err/` files match the codes
//! one to one.
//!
//! A file may start with `; args: …` to pass extra flags to `funnel check`
//! (the default is `--as-of 2026-11-26`).

use std::path::Path;

use funnel_ledger::Code;

use crate::support::{data, files_in, funnel, stdout, transcript, workspace};

const AS_OF: &str = "2026-11-26";

/// The flags a corpus file asks for in its first line.
fn extra_args(path: &Path) -> Vec<String> {
    let text = std::fs::read(path).expect("corpus file");
    let first = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first);
    match first.trim().strip_prefix("; args:") {
        Some(args) => args.split_whitespace().map(str::to_owned).collect(),
        None => Vec::new(),
    }
}

fn check_in_dir(dir: &Path, file: &str, format: &str, extra: &[String]) -> std::process::Output {
    funnel()
        .current_dir(dir)
        .args(["check", "--as-of", AS_OF, "--format", format, file])
        .args(extra)
        .output()
        .expect("funnel runs")
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn ok_files_check_clean() {
    let dir = data("ok");
    let files = files_in(&dir, "funnel");
    assert!(files.len() >= 5, "the ok corpus has {} files", files.len());
    for path in files {
        let name = name_of(&path);
        let output = check_in_dir(&dir, &name, "short", &extra_args(&path));
        assert_eq!(stdout(&output), "", "{name} should check clean");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name}: {}",
            transcript(&output)
        );
    }
}

#[test]
fn err_files_match_snapshots() {
    let dir = data("err");
    for path in files_in(&dir, "funnel") {
        let name = name_of(&path);
        let output = check_in_dir(&dir, &name, "human", &extra_args(&path));
        let stem = name.trim_end_matches(".funnel");
        let code =
            code_of(stem).unwrap_or_else(|| panic!("{name} does not start with a diagnostic code"));
        let text = transcript(&output);
        assert!(
            text.contains(&format!("funnel::{}", code.as_str())),
            "{name} does not report `{code}`:\n{text}"
        );
        let expected_exit = if code.severity() == funnel_ledger::Severity::Error {
            1
        } else {
            0
        };
        assert_eq!(output.status.code(), Some(expected_exit), "{name}");
        insta::with_settings!({
            snapshot_path => dir.clone(),
            prepend_module_to_snapshot => false,
            input_file => &path,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(stem.to_owned(), text);
        });
    }
}

/// The code a corpus file is about: its name, or its name up to `--`
/// (`unknown-deal--typo.funnel`).
fn code_of(stem: &str) -> Option<Code> {
    Code::from_name(stem.split("--").next().unwrap_or(stem))
}

#[test]
fn every_code_has_a_corpus_file_and_a_doc_entry() {
    let docs = std::fs::read_to_string(workspace().join("docs/diagnostics.md"))
        .expect("docs/diagnostics.md");
    let stems: Vec<String> = files_in(&data("err"), "funnel")
        .iter()
        .map(|p| name_of(p).trim_end_matches(".funnel").to_owned())
        .collect();
    let mut missing = Vec::new();
    for code in Code::ALL {
        if !docs.contains(&format!("## `{}`", code.as_str())) {
            missing.push(format!(
                "docs/diagnostics.md has no `## `{}`` entry",
                code.as_str()
            ));
        }
        if !stems.iter().any(|s| code_of(s) == Some(*code)) {
            missing.push(format!(
                "tests/data/err has no file for `{}`",
                code.as_str()
            ));
        }
    }
    // And nothing documented that does not exist.
    for line in docs.lines() {
        if let Some(name) = line.strip_prefix("## `").and_then(|l| l.strip_suffix('`')) {
            if Code::from_name(name).is_none() {
                missing.push(format!(
                    "docs/diagnostics.md documents unknown code `{name}`"
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn examples_check_clean() {
    let examples = workspace().join("examples");
    for file in [
        "freelancer.funnel",
        "small.funnel",
        "multi/main.funnel",
        "peers/alice.funnel",
        "peers/bob.funnel",
        "peers/carol.funnel",
    ] {
        let output = check_in_dir(&examples, file, "short", &["--deny-warnings".to_owned()]);
        let out = stdout(&output);
        // The big example has deals that went silent on purpose: only
        // `stale-deal` warnings are allowed there.
        let unexpected: Vec<&str> = out
            .lines()
            .filter(|l| !l.contains("warning[stale-deal]"))
            .collect();
        assert!(unexpected.is_empty(), "{file}:\n{out}");
        if file != "freelancer.funnel" {
            assert_eq!(output.status.code(), Some(0), "{file}: {out}");
        }
    }
}
