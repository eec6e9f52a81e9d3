//! External analyses through the binary: the example plugins of
//! `examples/plugins/` on a temporary `PATH` in all three formats, `funnel
//! analyses`, `check --plugin`, one test per failure mode (with small
//! throw-away plugins written into a temporary folder), the walkthrough of
//! `docs/plugins.md`, and the ledger document against its JSON Schema.
//!
//! The numbers are worked out at the top of `tests/data/plugins/clients.funnel`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{data, funnel, stdout, transcript, workspace};

const AS_OF: &str = "2026-06-30";

fn examples() -> PathBuf {
    workspace().join("examples/plugins")
}

fn ledger() -> String {
    data("plugins/clients.funnel").display().to_string()
}

/// `PATH` with `dirs` first, then the caller's folders that hold no
/// `funnel-*` file (so `sh`, `awk` and `python3` are found, and no plugin
/// installed on this machine changes what the tests see).
fn path_with(dirs: &[&Path]) -> OsString {
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let clean = std::env::split_paths(&inherited).filter(|dir| {
        std::fs::read_dir(dir).map_or(true, |entries| {
            !entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("funnel-"))
        })
    });
    std::env::join_paths(dirs.iter().map(|d| d.to_path_buf()).chain(clean)).expect("a PATH")
}

/// Runs funnel with `dirs` on `PATH`.
pub(crate) fn run_with(dirs: &[&Path], args: &[&str]) -> Output {
    funnel()
        .env("PATH", path_with(dirs))
        .args(args)
        .output()
        .expect("funnel runs")
}

/// Runs funnel with the example plugins on `PATH`.
fn run(args: &[&str]) -> Output {
    run_with(&[&examples()], args)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn ok(output: Output) -> String {
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    stdout(&output)
}

fn report(analysis: &str, format: &str) -> String {
    let ledger = ledger();
    ok(run(&[
        "report", analysis, "-f", &ledger, "--as-of", AS_OF, "--format", format,
    ]))
}

/// The records of a CSV text, header first.
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.expect("RFC 4180").iter().map(str::to_owned).collect())
        .collect()
}

/// A throw-away plugin `funnel-NAME` with this shell script as its body.
pub(crate) fn plugin(dir: &Path, name: &str, body: &str) {
    let path = dir.join(format!("funnel-{name}"));
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write plugin");
    make_executable(&path);
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(not(unix))]
fn make_executable(_: &Path) {}

/// A plugin that reads the document and answers with `json`.
fn answering(dir: &Path, name: &str, json: &str) {
    plugin(
        dir,
        name,
        &format!("cat > /dev/null\ncat <<'JSON'\n{json}\nJSON"),
    );
}

/// Runs `funnel report NAME` on the test ledger with only `dir` added.
pub(crate) fn report_with(dir: &Path, name: &str, extra: &[&str]) -> Output {
    let ledger = ledger();
    let mut args = vec!["report", name, "-f", &ledger, "--as-of", AS_OF];
    args.extend(extra);
    run_with(&[dir], &args)
}

// ---------------------------------------------------------------- examples

#[test]
fn the_examples_are_executable() {
    for name in ["funnel-concentration", "funnel-count"] {
        let path = examples().join(name);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect(name).permissions().mode();
            assert!(mode & 0o111 != 0, "{name} is not executable");
        }
        assert!(path.is_file(), "{name}");
    }
}

#[test]
fn concentration_as_a_table() {
    insta::assert_snapshot!("concentration_table", report("concentration", "table"));
}

#[test]
fn concentration_as_csv() {
    let records = csv_records(&report("concentration", "csv"));
    assert_eq!(
        records,
        [
            vec!["client", "won", "revenue", "share", "cumulative_share"],
            vec!["acme", "2", "9000", "0.75", "0.75"],
            vec!["beta", "2", "3000", "0.25", "1"],
            vec!["*", "4", "12000", "1", ""],
        ]
    );
}

#[test]
fn concentration_as_json() {
    let text = report("concentration", "json");
    let reports: Value = serde_json::from_str(&text).expect("JSON");
    let report = &reports[0];
    assert_eq!(report["analysis"], "concentration");
    assert_eq!(report["as_of"], AS_OF);
    assert_eq!(report["currency"], "EUR");
    assert_eq!(
        report["columns"][2],
        serde_json::json!({"name": "revenue", "kind": "money"})
    );
    assert_eq!(report["rows"][0]["client"], "acme");
    assert_eq!(report["rows"][1]["share"], 0.25);
    // Money is an exact number, as in built-in reports.
    assert!(text.contains("\"revenue\": 9000,"), "{text}");
    let findings: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(findings[0].starts_with(
        "Your top client, acme, brought 75.0% of the revenue (9,000 EUR of 12,000 EUR)"
    ));
    assert!(
        findings[1].starts_with("Herfindahl index 0.63: concentrated"),
        "{}",
        findings[1]
    );
    assert_eq!(report["findings"][1]["severity"], "warning");
}

#[test]
fn concentration_follows_the_period() {
    let ledger = ledger();
    let text = ok(run(&[
        "report",
        "concentration",
        "-f",
        &ledger,
        "--as-of",
        AS_OF,
        "--period",
        "2026-Q1",
        "--format",
        "csv",
    ]));
    let records = csv_records(&text);
    assert_eq!(records[1][..3], ["acme", "2", "9000"]);
    assert_eq!(records[2][..3], ["beta", "1", "1800"]);
}

#[test]
fn count_as_a_table() {
    insta::assert_snapshot!("count_table", report("count", "table"));
}

#[test]
fn count_as_csv() {
    let records = csv_records(&report("count", "csv"));
    let counts: Vec<(&str, &str)> = records
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        counts,
        [
            ("status", "deals"),
            ("open", "1"),
            ("stale", "1"),
            ("won", "3"),
            ("ended", "1"),
            ("lost", "1"),
            ("declined", "1"),
            ("*", "8"),
        ]
    );
    assert_eq!(records[3][2], "0.375");
}

#[test]
fn count_as_json_with_built_ins() {
    let ledger = ledger();
    let text = ok(run(&[
        "report", "funnel", "count", "-f", &ledger, "--as-of", AS_OF, "--format", "json",
    ]));
    let reports: Value = serde_json::from_str(&text).expect("JSON");
    let names: Vec<&str> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["analysis"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["funnel", "count"]);
    assert_eq!(reports[1]["title"], "Deals by status");
    assert_eq!(
        reports[1]["rows"][2],
        serde_json::json!({"status": "won", "deals": 3, "share": 0.375})
    );
    assert_eq!(
        reports[1]["findings"][0]["message"],
        "8 deals in the period: 1 still open, 4 won (1 of them ended), 3 closed without a win."
    );
}

/// The plugin section of `funnel analyses`: (name, description) pairs.
fn plugin_lines(text: &str) -> Vec<(String, String)> {
    let (built_in, plugins) = text
        .split_once("\nplugins (funnel-NAME on PATH):\n")
        .unwrap_or_else(|| panic!("no plugin section:\n{text}"));
    assert!(built_in.starts_with("funnel "), "{built_in}");
    plugins
        .lines()
        .map(|l| {
            let (name, description) = l.split_once("  ").expect("name  description");
            (name.to_owned(), description.trim().to_owned())
        })
        .collect()
}

#[test]
fn analyses_lists_plugins_with_their_descriptions() {
    let text = ok(run(&["analyses"]));
    assert_eq!(
        plugin_lines(&text),
        [
            (
                "concentration".to_owned(),
                "client concentration: revenue share of the top client and the Herfindahl index"
                    .to_owned()
            ),
            (
                "count".to_owned(),
                "deals by status: open, stale, won, ended, lost, declined".to_owned()
            ),
        ]
    );
}

#[test]
fn analyses_without_plugins_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let text = ok(run_with(&[dir.path()], &["analyses"]));
    assert!(!text.contains("plugins"), "{text}");
}

#[test]
fn a_plugin_that_does_not_describe_itself() {
    let dir = tempfile::tempdir().unwrap();
    plugin(dir.path(), "mute", "exit 4");
    answering(
        dir.path(),
        "jsononly",
        r#"{"schema": "funnel.report/1", "diagnostics": []}"#,
    );
    let text = ok(run_with(&[dir.path()], &["analyses"]));
    assert_eq!(
        plugin_lines(&text),
        [
            (
                "jsononly".to_owned(),
                "(no description: `funnel-jsononly --describe` printed JSON, not a line of text)"
                    .to_owned()
            ),
            (
                "mute".to_owned(),
                "(no description: `funnel-mute --describe` failed (exit code 4))".to_owned()
            ),
        ]
    );
}

// ---------------------------------------------------------------- protocol

#[test]
fn a_plugin_reads_exactly_the_exported_document_and_no_path() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("stdin.json");
    let env = dir.path().join("env.txt");
    plugin(
        dir.path(),
        "capture",
        &format!(
            "cat > '{}'\necho \"args=$# funnel_file=${{FUNNEL_FILE-unset}}\" > '{}'\n\
             echo '{{\"schema\": \"funnel.report/1\", \"columns\": [{{\"name\": \"n\", \"kind\": \"count\"}}], \"rows\": [{{\"n\": 1}}]}}'",
            capture.display(),
            env.display()
        ),
    );
    let ledger = ledger();
    let flags = [
        "-f",
        ledger.as_str(),
        "--as-of",
        AS_OF,
        "--period",
        "2026-Q1",
        "--channel",
        "referral",
    ];
    let output = funnel()
        .env("PATH", path_with(&[dir.path()]))
        .env("FUNNEL_FILE", &ledger)
        .args(["report", "capture"])
        .args(flags)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let exported = ok(run(&[
        &["export", "ledger", "--format", "json"][..],
        &flags,
    ]
    .concat()));
    let sent = std::fs::read_to_string(&capture).unwrap();
    assert_eq!(
        sent, exported,
        "the plugin's input is `funnel export ledger`"
    );
    let doc: Value = serde_json::from_str(&sent).unwrap();
    assert_eq!(doc["context"]["from"], "2026-01-01");
    assert_eq!(doc["context"]["channel"], "referral");
    assert_eq!(
        std::fs::read_to_string(&env).unwrap().trim(),
        "args=0 funnel_file=unset"
    );
}

#[test]
fn export_ledger_is_json_only() {
    let ledger = ledger();
    let output = run(&[
        "export",
        "ledger",
        "-f",
        ledger.as_str(),
        "--as-of",
        AS_OF,
        "--format",
        "csv",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("use `funnel export ledger --format json`"),
        "{}",
        transcript(&output)
    );
    assert!(output.stdout.is_empty());
    // Without `--format`, `ledger` is written as JSON, its only form.
    let output = run(&["export", "ledger", "-f", ledger.as_str(), "--as-of", AS_OF]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let document: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(document["schema"], "funnel.ledger/1");
}

#[test]
fn export_ledger_matches_the_json_schema() {
    let schema_path = workspace().join("docs/funnel.ledger-1.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap())
        .expect("the schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("a valid JSON Schema");
    let mut ledgers = vec![data("plugins/clients.funnel")];
    ledgers.extend(crate::support::files_in(
        &workspace().join("examples"),
        "funnel",
    ));
    ledgers.push(workspace().join("examples/multi/main.funnel"));
    ledgers.extend(crate::support::files_in(
        &workspace().join("examples/peers"),
        "funnel",
    ));
    // Every form of format v2: tranches, clients, buyers, reopenings.
    ledgers.push(workspace().join("tests/data/ok/v2-forms.funnel"));
    for path in ledgers {
        let path = path.display().to_string();
        let text = ok(run(&[
            "export",
            "ledger",
            "-f",
            &path,
            "--as-of",
            "2026-11-26",
            "--format",
            "json",
        ]));
        let doc: Value = serde_json::from_str(&text).expect("JSON");
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .take(5)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{path}:\n{}", errors.join("\n"));
    }
    // The schema is strict: an undocumented field fails it.
    let text = ok(run(&[
        "export",
        "ledger",
        "-f",
        &ledger(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]));
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["deals"][0]["entries"][0]["surprise"] = Value::Bool(true);
    assert!(!validator.is_valid(&doc));
}

#[test]
fn the_walkthrough_of_the_docs_works() {
    let docs = std::fs::read_to_string(workspace().join("docs/plugins.md")).unwrap();
    let (_, after) = docs
        .split_once("<!-- walkthrough: funnel-years")
        .expect("the walkthrough marker");
    let script = after
        .split_once("```python\n")
        .and_then(|(_, rest)| rest.split_once("```\n"))
        .map(|(script, _)| script)
        .expect("the walkthrough's script");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("funnel-years");
    std::fs::write(&path, script).unwrap();
    make_executable(&path);
    let example = workspace()
        .join("examples/freelancer.funnel")
        .display()
        .to_string();
    let text = ok(run_with(
        &[dir.path()],
        &[
            "report",
            "years",
            "-f",
            &example,
            "--as-of",
            "2026-11-26",
            "--format",
            "csv",
        ],
    ));
    // The output shown in the walkthrough.
    assert!(docs.contains(&text), "the docs should show:\n{text}");
    assert_eq!(text.lines().next(), Some("year,deals,revenue"));
}

// ---------------------------------------------------------------- failures

#[test]
fn plugin_not_found() {
    let output = run(&["report", "concentraton", "-f", &ledger(), "--as-of", AS_OF]);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let err = stderr(&output);
    assert!(
        err.starts_with("error: unknown analysis `concentraton`; did you mean `concentration`?"),
        "{err}"
    );
    assert!(
        err.contains("\n  funnel "),
        "the built-ins are listed: {err}"
    );
    assert!(
        err.trim_end()
            .ends_with("plugins on PATH: concentration, count"),
        "{err}"
    );
    assert!(output.stdout.is_empty());

    let output = run(&[
        "check",
        "--plugin",
        "cont",
        "-f",
        &ledger(),
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    assert_eq!(
        stderr(&output),
        "error: no plugin `funnel-cont` on PATH; did you mean `count`?\nplugins on PATH: concentration, count\n"
    );
}

#[test]
fn plugin_exits_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    plugin(
        dir.path(),
        "crash",
        "cat > /dev/null\necho 'reading the ledger' >&2\necho 'KeyError: deals' >&2\nexit 3",
    );
    let output = report_with(dir.path(), "crash", &[]);
    assert_eq!(output.status.code(), Some(3), "{}", transcript(&output));
    assert_eq!(
        stderr(&output),
        "error: plugin `funnel-crash` failed (exit code 3)\n  its standard error:\n  | reading the ledger\n  | KeyError: deals\n"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn plugin_times_out_and_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    plugin(dir.path(), "slow", "echo 'thinking' >&2\nexec sleep 30");
    let started = Instant::now();
    let output = report_with(dir.path(), "slow", &["--plugin-timeout", "0.5"]);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "not stopped in time"
    );
    assert_eq!(output.status.code(), Some(3), "{}", transcript(&output));
    assert_eq!(
        stderr(&output),
        "error: plugin `funnel-slow` did not finish within 0.5 s and was stopped; \
         if it needs longer, raise `--plugin-timeout SECONDS`\n  its standard error:\n  | thinking\n"
    );
}

/// A plugin that exits but leaves a process of its own holding its output
/// open is waited for no longer than the timeout (docs/plugins.md).
#[test]
fn plugin_leaving_a_process_behind_times_out() {
    let dir = tempfile::tempdir().unwrap();
    plugin(
        dir.path(),
        "leaver",
        "cat > /dev/null\nsleep 30 &\necho '{\"schema\": \"funnel.report/1\", \"table\": {}}'\nexit 0",
    );
    let started = Instant::now();
    let output = report_with(dir.path(), "leaver", &["--plugin-timeout", "0.5"]);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "not stopped in time"
    );
    assert_eq!(output.status.code(), Some(3), "{}", transcript(&output));
    assert!(
        stderr(&output).starts_with(
            "error: plugin `funnel-leaver` did not finish within 0.5 s and was stopped"
        ),
        "{}",
        transcript(&output)
    );
}

#[test]
fn plugin_prints_malformed_json() {
    let dir = tempfile::tempdir().unwrap();
    plugin(
        dir.path(),
        "hello",
        "cat > /dev/null\necho 'Hello, funnel!'",
    );
    let output = report_with(dir.path(), "hello", &[]);
    assert_eq!(output.status.code(), Some(3), "{}", transcript(&output));
    assert_eq!(
        stderr(&output),
        "error: plugin `funnel-hello` printed output that is not JSON: expected value at line 1 column 1\n  \
         its output began: `Hello, funnel!`\n"
    );
    plugin(dir.path(), "silent", "cat > /dev/null");
    let output = report_with(dir.path(), "silent", &[]);
    assert_eq!(output.status.code(), Some(3), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("`funnel-silent` printed nothing on standard output"),
        "{}",
        transcript(&output)
    );
}

#[test]
fn plugin_speaks_another_version() {
    let dir = tempfile::tempdir().unwrap();
    answering(
        dir.path(),
        "future",
        r#"{"schema": "funnel.report/2", "table": {}}"#,
    );
    let output = report_with(dir.path(), "future", &[]);
    assert_eq!(output.status.code(), Some(3), "{}", transcript(&output));
    assert_eq!(
        stderr(&output),
        "error: plugin `funnel-future` speaks `funnel.report/2` (field `schema`), but this funnel reads \
         `funnel.report/1`; update the plugin or funnel\n"
    );
    answering(dir.path(), "unversioned", r#"{"columns": [], "rows": []}"#);
    let output = report_with(dir.path(), "unversioned", &[]);
    assert_eq!(output.status.code(), Some(3), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("without the field `schema`"),
        "{}",
        transcript(&output)
    );
}

#[test]
fn plugin_answers_with_a_wrong_field() {
    let dir = tempfile::tempdir().unwrap();
    answering(
        dir.path(),
        "typo",
        r#"[{"schema": "funnel.report/1", "columns": [{"name": "client", "kind": "text"}, {"name": "revenue", "kind": "money"}],
            "rows": [{"client": "acme", "revenue": 100}, {"client": "beta", "revenue": "12k"}]}]"#,
    );
    let output = report_with(dir.path(), "typo", &[]);
    assert_eq!(output.status.code(), Some(3), "{}", transcript(&output));
    assert_eq!(
        stderr(&output),
        "error: plugin `funnel-typo` printed an invalid report: field `[0].rows[1].revenue`: expected a number \
         (or a string holding a decimal number) for a `money` column, found a string (\"12k\")\n"
    );
}

#[test]
fn a_ledger_with_errors_is_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    plugin(
        dir.path(),
        "touchy",
        &format!("touch '{}'", marker.display()),
    );
    std::fs::write(
        dir.path().join("bad.funnel"),
        "2026-01-01 lead a via x\n2026-01-02 wonn a\n",
    )
    .unwrap();
    let bad = dir.path().join("bad.funnel").display().to_string();
    let output = run_with(
        &[dir.path()],
        &["report", "touchy", "-f", &bad, "--as-of", AS_OF],
    );
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    assert!(!marker.exists(), "the plugin ran");
}

// ---------------------------------------------------------------- check --plugin

const CHECKED: &str = "option currency EUR\n\
2026-01-03 lead acme \"Rust backend\" via referral\n\
2026-01-20 won acme 12000 EUR\r\n\
2026-01-21 note acme \"kick-off\"\n\
2026-06-01 lead beta via referral\n";

/// A folder with `pipeline.funnel` and a plugin `funnel-lint` answering
/// with these diagnostics.
fn lint_setup(diagnostics: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pipeline.funnel"), CHECKED).unwrap();
    answering(
        dir.path(),
        "lint",
        &format!(r#"{{"schema": "funnel.report/1", "diagnostics": {diagnostics}}}"#),
    );
    dir
}

fn check_in(dir: &Path, args: &[&str]) -> Output {
    funnel()
        .current_dir(dir)
        .env("PATH", path_with(&[dir]))
        .args(["check", "--as-of", AS_OF])
        .args(args)
        .output()
        .unwrap()
}

const LINT: &str = r#"[
  {"code": "no-rate", "severity": "warning", "message": "`acme` was won without a rate",
   "file": "pipeline.funnel", "line": 3, "help": "add `at RATE` to the `won` entry"},
  {"code": "vague-title", "message": "a title should say what the work is", "file": "pipeline.funnel", "line": 2}
]"#;

#[test]
fn check_shows_plugin_diagnostics_like_its_own() {
    let dir = lint_setup(LINT);
    let output = check_in(dir.path(), &["--plugin", "lint"]);
    assert_eq!(output.status.code(), Some(1), "an error fails the check");
    insta::assert_snapshot!("check_plugin_human", transcript(&output));

    let output = check_in(dir.path(), &["--plugin", "lint", "--format", "short"]);
    assert_eq!(
        stdout(&output),
        "pipeline.funnel:2:1: error[funnel-lint::vague-title]: a title should say what the work is\n\
         pipeline.funnel:3:1: warning[funnel-lint::no-rate]: `acme` was won without a rate\n"
    );

    let output = check_in(dir.path(), &["--plugin", "lint", "--format", "json"]);
    let list: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        list[1],
        serde_json::json!({
            "severity": "warning", "code": "funnel-lint::no-rate", "message": "`acme` was won without a rate",
            "file": "pipeline.funnel", "line": 3, "column": 1, "end_line": 3, "end_column": 30,
            "help": "add `at RATE` to the `won` entry", "labels": []
        })
    );

    let output = check_in(dir.path(), &["--plugin", "lint", "--format", "github"]);
    assert!(
        stdout(&output).starts_with(
            "::error file=pipeline.funnel,line=2,col=1,endLine=2,endColumn=49,title=funnel-lint%3A%3Avague-title::"
        ),
        "{}",
        transcript(&output)
    );
}

#[test]
fn check_plugin_warnings_and_built_in_diagnostics_merge() {
    // Out of order on purpose: funnel sorts them into reading order.
    let warning = r#"[{"code": "follow-up", "severity": "warning", "message": "call beta", "file": "pipeline.funnel", "line": 5},
                      {"code": "no-rate", "severity": "warning", "message": "no rate", "file": "pipeline.funnel", "line": 3}]"#;
    let dir = lint_setup(warning);
    let output = check_in(dir.path(), &["--plugin", "lint"]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(
        stdout(&output).ends_with("0 errors, 2 warnings in 1 file\n"),
        "{}",
        transcript(&output)
    );
    let output = check_in(dir.path(), &["--plugin", "lint", "--deny-warnings"]);
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    // A built-in warning (a stale deal, as of a later day) comes in reading
    // order with the plugin's, before a plugin's on the same line.
    let output = funnel()
        .current_dir(dir.path())
        .env("PATH", path_with(&[dir.path()]))
        .args([
            "check",
            "--as-of",
            "2026-12-31",
            "--plugin",
            "lint",
            "--format",
            "short",
        ])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&output),
        "pipeline.funnel:3:1: warning[funnel-lint::no-rate]: no rate\n\
         pipeline.funnel:5:1: warning[stale-deal]: deal `beta` has had no entry for 213 days\n\
         pipeline.funnel:5:1: warning[funnel-lint::follow-up]: call beta\n"
    );
}

#[test]
fn check_plugin_names_a_file_that_is_not_in_the_ledger() {
    let dir = lint_setup(r#"[{"code": "x", "message": "m", "file": "other.funnel", "line": 1}]"#);
    let output = check_in(dir.path(), &["--plugin", "lint"]);
    assert_eq!(output.status.code(), Some(3), "{}", transcript(&output));
    assert_eq!(
        stderr(&output),
        "error: plugin `funnel-lint` reported a diagnostic for `other.funnel` (field `diagnostics[0].file`), \
         which is not a file of the ledger; its files are `pipeline.funnel` (the `files` of the ledger document)\n"
    );
    let dir =
        lint_setup(r#"[{"code": "x", "message": "m", "file": "pipeline.funnel", "line": 6}]"#);
    let output = check_in(dir.path(), &["--plugin", "lint"]);
    assert_eq!(output.status.code(), Some(3), "{}", transcript(&output));
    assert!(stderr(&output).contains(
        "on line 6 of `pipeline.funnel` (field `diagnostics[0].line`), which has 5 lines"
    ));
}

#[test]
fn report_needs_a_report_and_notes_diagnostics() {
    let dir = lint_setup(LINT);
    let output = funnel()
        .current_dir(dir.path())
        .env("PATH", path_with(&[dir.path()]))
        .args(["report", "lint", "--as-of", AS_OF])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("answered with diagnostics but no report"),
        "{}",
        transcript(&output)
    );
}
