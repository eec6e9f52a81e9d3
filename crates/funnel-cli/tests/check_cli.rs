//! `funnel check` through the binary: file selection, formats, exit codes.

use crate::support::{funnel, stdout, transcript, workspace};

const AS_OF: &str = "2026-11-26";

const CLEAN: &str = "option currency EUR\n\
2026-01-03 lead acme \"Rust backend\" via referral\n\
2026-01-20 proposed acme 12000 EUR\n\
2026-02-01 won acme 12000 EUR until 2026-05-01\n";

const BROKEN: &str = "2026-01-03 lead acme via referral\n\
2026-01-05 talked acne\n\
2026-01-06 won acme\n";

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn clean_ledger_exits_0_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "pipeline.funnel", CLEAN);
    let output = funnel()
        .args(["check", "--as-of", AS_OF, "-f"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "no problems in 1 file (1 deal, 3 entries)\n"
    );
}

#[test]
fn errors_exit_1_and_warnings_only_with_deny_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "p.funnel", BROKEN);
    let output = funnel()
        .args(["check", "--as-of", AS_OF])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).ends_with("1 error, 1 warning in 1 file\n"),
        "{}",
        transcript(&output)
    );

    let warn_only = write(
        &dir,
        "w.funnel",
        "2026-11-01 lead a via x\n2026-11-02 won a\n",
    );
    let output = funnel()
        .args(["check", "--as-of", AS_OF])
        .arg(&warn_only)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let output = funnel()
        .args(["check", "--deny-warnings", "--as-of", AS_OF])
        .arg(&warn_only)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn missing_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = funnel()
        .current_dir(dir.path())
        .args(["check", "-f", "nope.funnel"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot read `nope.funnel`"), "{stderr}");
}

#[test]
fn default_file_is_pipeline_funnel_and_its_absence_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let output = funnel()
        .current_dir(dir.path())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("hint: name a ledger with `-f FILE`"));

    write(&dir, "pipeline.funnel", CLEAN);
    let output = funnel()
        .current_dir(dir.path())
        .args(["check", "--as-of", AS_OF])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
}

#[test]
fn funnel_file_variable_is_used_when_no_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "elsewhere.funnel", BROKEN);
    let output = funnel()
        .current_dir(dir.path())
        .env("FUNNEL_FILE", &file)
        .args(["check", "--format", "short", "--as-of", AS_OF])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("elsewhere.funnel:2:19: error[unknown-deal]"),
        "{}",
        transcript(&output)
    );
    // An explicit file wins over the variable.
    let clean = write(&dir, "clean.funnel", CLEAN);
    let output = funnel()
        .env("FUNNEL_FILE", &file)
        .args(["check", "--as-of", AS_OF])
        .arg(&clean)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn stdin_is_read_with_a_dash() {
    let output = funnel()
        .args(["check", "--format", "short", "--as-of", AS_OF, "-"])
        .write_stdin(BROKEN)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "<stdin>:2:19: error[unknown-deal]: unknown deal `acne`: no `lead` opens it\n\
         <stdin>:3:12: warning[won-without-value]: `won` on `acme` has no amount: revenue counts it as 0\n"
    );
}

#[test]
fn several_files_make_one_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(&dir, "a.funnel", "2026-01-03 lead acme via referral\n");
    let b = write(
        &dir,
        "b.funnel",
        "2026-01-05 talked acme\n2026-01-06 won acme 10 EUR\n",
    );
    let output = funnel()
        .args(["check", "--as-of", AS_OF, "-f"])
        .arg(&a)
        .arg("-f")
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(
        stdout(&output),
        "no problems in 2 files (1 deal, 3 entries)\n"
    );
}

#[test]
fn includes_resolve_relative_to_the_including_file() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir, "ledger/main.funnel", "include \"years/*.funnel\"\ninclude \"contacts.funnel\"\n2026-01-03 lead acme via referral from anna\n");
    write(&dir, "ledger/contacts.funnel", "contact anna \"Anna\"\n");
    write(
        &dir,
        "ledger/years/2025.funnel",
        "2025-03-01 lead old via network\n2025-03-02 lost old\n",
    );
    write(
        &dir,
        "ledger/years/2026.funnel",
        "2026-01-04 contacted acme\n2026-01-05 talked acmee\n",
    );
    let output = funnel()
        .current_dir(dir.path())
        .args([
            "check",
            "--strict",
            "--format",
            "short",
            "--as-of",
            AS_OF,
            "ledger/main.funnel",
        ])
        .output()
        .unwrap();
    let out = stdout(&output);
    assert!(
        out.contains("ledger/years/2026.funnel:2:19: error[unknown-deal]: unknown deal `acmee`"),
        "{out}"
    );
    // Strict mode: the channels are not declared, the contact is.
    assert!(
        out.contains(
            "ledger/main.funnel:3:26: error[unknown-channel]: channel `referral` is not declared"
        ),
        "{out}"
    );
    assert!(!out.contains("unknown-contact"), "{out}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn crlf_and_mixed_line_endings_give_the_same_positions() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = write(&dir, "crlf.funnel", &BROKEN.replace('\n', "\r\n"));
    let output = funnel()
        .args(["check", "--format", "short", "--as-of", AS_OF])
        .arg(&crlf)
        .output()
        .unwrap();
    let out = stdout(&output);
    assert!(
        out.contains("crlf.funnel:2:19: error[unknown-deal]"),
        "{out}"
    );
    assert!(
        out.contains("crlf.funnel:3:12: warning[won-without-value]"),
        "{out}"
    );
    let clean = write(&dir, "mixed.funnel", "option currency EUR\r\n2026-01-03 lead acme via referral\n  kind: x\r\n2026-01-04 won acme 5 EUR\r\n");
    let output = funnel()
        .args(["check", "--as-of", AS_OF])
        .arg(&clean)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
}

#[test]
fn json_format_is_a_documented_array() {
    let output = funnel()
        .args(["check", "--format", "json", "--as-of", AS_OF, "-"])
        .write_stdin(BROKEN)
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let list = value.as_array().expect("an array");
    assert_eq!(list.len(), 2);
    let first = &list[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "unknown-deal");
    assert_eq!(first["file"], "<stdin>");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(2), Some(19))
    );
    assert_eq!(
        (first["end_line"].as_u64(), first["end_column"].as_u64()),
        (Some(2), Some(23))
    );
    assert_eq!(first["help"], "did you mean `acme`?");
    assert!(first["labels"].as_array().unwrap().is_empty());
    assert_eq!(list[1]["severity"], "warning");

    // Related places are labels with their own positions.
    let dup = "2026-11-03 lead acme via x\n2026-11-04 lead acme via y\n";
    let output = funnel()
        .args(["check", "--format", "json", "--as-of", AS_OF, "-"])
        .write_stdin(dup)
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let label = &value[0]["labels"][0];
    assert_eq!(value[0]["code"], "duplicate-deal");
    assert_eq!(
        (
            label["line"].as_u64(),
            label["column"].as_u64(),
            label["message"].as_str()
        ),
        (Some(1), Some(17), Some("first opened here"))
    );
}

#[test]
fn github_format_prints_workflow_commands() {
    let output = funnel()
        .args(["check", "--format", "github", "--as-of", AS_OF, "-"])
        .write_stdin(BROKEN)
        .output()
        .unwrap();
    assert_eq!(
        stdout(&output),
        "::error file=<stdin>,line=2,col=19,endLine=2,endColumn=23,title=funnel%3A%3Aunknown-deal::unknown deal `acne`: no `lead` opens it%0Ahelp: did you mean `acme`?\n\
         ::warning file=<stdin>,line=3,col=12,endLine=3,endColumn=15,title=funnel%3A%3Awon-without-value::`won` on `acme` has no amount: revenue counts it as 0%0Ahelp: write the contract's total value, like `won acme 12000 EUR`\n\
         ::notice::funnel check: 1 error, 1 warning in 1 file\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn human_format_renders_snippets_without_colour() {
    let output = funnel()
        .args(["check", "--as-of", AS_OF, "-"])
        .write_stdin(BROKEN)
        .output()
        .unwrap();
    insta::assert_snapshot!(transcript(&output));
}

#[test]
fn as_of_decides_staleness() {
    let ledger = "2026-01-03 lead acme via referral\n2026-02-01 talked acme\n";
    let early = funnel()
        .args(["check", "--format", "short", "--as-of", "2026-03-01", "-"])
        .write_stdin(ledger)
        .output()
        .unwrap();
    assert_eq!(stdout(&early), "");
    let late = funnel()
        .args(["check", "--format", "short", "--as-of", "2026-06-01", "-"])
        .write_stdin(ledger)
        .output()
        .unwrap();
    assert_eq!(
        stdout(&late),
        "<stdin>:2:1: warning[stale-deal]: deal `acme` has had no entry for 120 days\n"
    );
    // `option stale-after` moves the limit.
    let longer = format!("option stale-after 6mo\n{ledger}");
    let late = funnel()
        .args(["check", "--format", "short", "--as-of", "2026-06-01", "-"])
        .write_stdin(longer)
        .output()
        .unwrap();
    assert_eq!(stdout(&late), "");
}

#[test]
fn usage_errors_exit_2() {
    let output = funnel()
        .args(["check", "--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = funnel()
        .args(["check", "--as-of", "2026-02-30"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`2026-02-30` is not a date"));
}

#[test]
fn no_arguments_prints_an_overview() {
    let output = funnel().output().unwrap();
    let text = transcript(&output);
    assert!(
        text.contains("A plain-text ledger for a freelancer's sales funnel"),
        "{text}"
    );
    assert!(text.contains("check"), "{text}");
}

#[test]
fn the_example_ledger_checks_from_the_readme() {
    let output = funnel()
        .current_dir(workspace())
        .args(["check", "--as-of", AS_OF, "examples/small.funnel"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
}

/// The human format shows 20 warnings of a code with snippets and counts
/// the rest in one line; errors are never left out; `short` lists all.
#[test]
fn many_warnings_are_counted_not_all_shown() {
    let mut text = String::from("option currency EUR\n");
    for i in 0..25 {
        text.push_str(&format!(
            "2026-01-{:02} lead d{i} via referral\n",
            i % 28 + 1
        ));
    }
    for i in 0..22 {
        text.push_str(&format!("2026-02-01 talked nobody{i}\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.funnel");
    std::fs::write(&path, &text).unwrap();
    let run = |format: &str| {
        crate::support::funnel()
            .args([
                "check",
                "--as-of",
                "2026-11-26",
                "--color",
                "never",
                "--format",
                format,
                "-f",
            ])
            .arg(&path)
            .output()
            .unwrap()
    };
    let human = crate::support::stdout(&run("human"));
    assert_eq!(human.matches("funnel::stale-deal").count(), 20, "{human}");
    assert_eq!(human.matches("funnel::unknown-deal").count(), 22, "{human}");
    assert!(
        human.contains(
            "… and 5 more `stale-deal` warnings (`funnel check --format short` lists them all)"
        ),
        "{human}"
    );
    assert!(
        human
            .trim_end()
            .ends_with("22 errors, 25 warnings in 1 file"),
        "{human}"
    );
    let short = crate::support::stdout(&run("short"));
    assert_eq!(short.matches("warning[stale-deal]").count(), 25);
}

/// A `stale-deal` is kept as facts and worded when shown (issue 25): the
/// words in every format are those spelled out here by hand, the deal's
/// id, the days since its latest entry (2026-02-01 to 2026-06-01: 120)
/// and the `stale-after` of the ledger.
#[test]
fn stale_deal_is_worded_in_every_format() {
    let ledger = "option stale-after 45d\n\
2026-01-03 lead acme via referral\n\
2026-02-01 talked acme\n";
    let run = |format: &str| {
        funnel()
            .args(["check", "--format", format, "--as-of", "2026-06-01", "-"])
            .write_stdin(ledger)
            .output()
            .unwrap()
    };
    let message = "deal `acme` has had no entry for 120 days";
    let help = "follow up, or close it: `2026-06-01 lost acme \"no answer\"` \
                (stale after 45 days, `option stale-after`)";
    let json: serde_json::Value = serde_json::from_slice(&run("json").stdout).unwrap();
    assert_eq!(json[0]["code"], "stale-deal");
    assert_eq!(json[0]["message"], message);
    assert_eq!(json[0]["help"], help);
    assert_eq!(json[0]["line"], 3);
    assert_eq!(json.as_array().map(Vec::len), Some(1));
    assert_eq!(
        stdout(&run("short")),
        format!("<stdin>:3:1: warning[stale-deal]: {message}\n")
    );
    let github = stdout(&run("github"));
    assert!(
        github.contains(&format!("::{message}%0Ahelp: {help}\n")),
        "{github}"
    );
    let human = stdout(&run("human"));
    assert!(human.contains(message), "{human}");
    assert!(human.contains("latest entry"), "{human}");
    // miette wraps the help at 80 columns: compare with the lines joined.
    let joined = human.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(joined.contains(&format!("help: {help}")), "{human}");
}
