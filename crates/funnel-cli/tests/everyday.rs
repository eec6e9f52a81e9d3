//! The everyday commands through the binary: `init`, `add`, `completions`,
//! `man`, `--watch`, and the help texts.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::support::{funnel, stderr, stdout, transcript};

const AS_OF: &str = "2026-11-26";

const LEDGER: &str = "; my pipeline\n\
option currency EUR\n\
\n\
2026-01-03 lead acme \"Rust backend\" via referral ; from the meetup\n\
2026-01-20 proposed   acme 12000 EUR\n";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, bytes).unwrap();
    path
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

// ---------------------------------------------------------------- init

#[test]
fn init_then_check_is_clean_and_formatted() {
    let dir = tempfile::tempdir().unwrap();
    let output = funnel()
        .current_dir(dir.path())
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(
        stdout(&output).contains("created pipeline.funnel"),
        "{}",
        transcript(&output)
    );
    let text = std::fs::read_to_string(dir.path().join("pipeline.funnel")).unwrap();
    for verb in [
        " lead ",
        " contacted ",
        " talked ",
        " proposed ",
        " won ",
        " lost ",
        " declined ",
        " ended ",
        " spent ",
        " touch ",
        " note ",
        " assume ",
        " price ",
        " balance ",
        " costs ",
        " extended ",
        " reopened ",
    ] {
        assert!(
            text.contains(verb),
            "the starter has no `{}` entry",
            verb.trim()
        );
    }
    for directive in [
        "\noption ",
        "\noption tax-reserve ",
        "\nstages ",
        "\nchannel ",
        "\ncontact ",
        "\nclient ",
    ] {
        assert!(
            text.contains(directive),
            "the starter has no `{}`",
            directive.trim()
        );
    }
    // Format version 2: the known keys, a reason tag on a close, and
    // repeat business (two deals with one `client:`).
    for key in [
        "\n  client: ",
        "\n  buyer: ",
        "\n  notice: ",
        "\n  days-per-week: ",
        "\n  lesson: ",
    ] {
        assert!(text.contains(key), "the starter has no `{}`", key.trim());
    }
    assert!(
        text.lines()
            .any(|line| line.contains(" lost ") && line.contains(" #")),
        "the starter has no `lost` with a reason tag"
    );
    assert!(
        text.matches("\n  client: acme\n").count() >= 2,
        "the starter has no repeat business"
    );

    // As of today (the default), strict, with warnings denied.
    let output = funnel()
        .current_dir(dir.path())
        .args(["check", "--strict", "--deny-warnings"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(
        stdout(&output).starts_with("no problems in 1 file"),
        "{}",
        transcript(&output)
    );

    let output = funnel()
        .current_dir(dir.path())
        .args(["fmt", "--check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn init_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "pipeline.funnel",
        b"2026-01-03 lead acme via referral\n",
    );
    let output = funnel()
        .current_dir(dir.path())
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("`pipeline.funnel` already exists"),
        "{}",
        transcript(&output)
    );
    assert_eq!(read(&file), b"2026-01-03 lead acme via referral\n");

    let output = funnel().arg("init").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    assert_eq!(read(&file), b"2026-01-03 lead acme via referral\n");
}

#[test]
fn init_into_a_folder_or_a_named_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sales")).unwrap();
    let output = funnel()
        .current_dir(dir.path())
        .args(["init", "sales"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(dir.path().join("sales/pipeline.funnel").is_file());

    let output = funnel()
        .current_dir(dir.path())
        .args(["init", "2026.funnel"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let output = funnel()
        .current_dir(dir.path())
        .args(["check", "-f", "2026.funnel"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
}

// ---------------------------------------------------------------- add

/// Runs `funnel add` on `file` as of [`AS_OF`].
fn add(file: &Path, words: &[&str]) -> std::process::Output {
    funnel()
        .args(["add", "--as-of", AS_OF, "-f"])
        .arg(file)
        .args(words)
        .output()
        .unwrap()
}

#[test]
fn add_appends_exactly_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", LEDGER.as_bytes());
    let output = add(
        &file,
        &[
            "--date",
            "2026-02-01",
            "won",
            "acme",
            "12000",
            "EUR",
            "until",
            "2026-05-01",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let expected = format!("{LEDGER}2026-02-01 won acme 12000 EUR until 2026-05-01\n");
    assert_eq!(String::from_utf8(read(&file)).unwrap(), expected);
    assert!(
        stdout(&output).ends_with(":6: 2026-02-01 won acme 12000 EUR until 2026-05-01\n"),
        "{}",
        transcript(&output)
    );

    // The shell has removed the quotes: funnel puts them back.
    let output = add(
        &file,
        &[
            "lead",
            "beta",
            "Rust backend",
            "via",
            "platform:upwork",
            "#rust",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let text = String::from_utf8(read(&file)).unwrap();
    let today = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        text,
        format!("{expected}{today} lead beta \"Rust backend\" via platform:upwork #rust\n")
    );
}

#[test]
fn add_quotes_words_where_a_string_is_expected() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", LEDGER.as_bytes());
    let cases: &[(&[&str], &str)] = &[
        (
            &["2026-02-03", "lost", "acme", "budget"],
            "2026-02-03 lost acme \"budget\"",
        ),
        (
            &["2026-01-04", "note", "acme", "said \"maybe\" \\ later"],
            "2026-01-04 note acme \"said \\\"maybe\\\" \\\\ later\"",
        ),
        (
            &["2026-01-04", "lead", "beta", "Rust", "via", "referral"],
            "2026-01-04 lead beta \"Rust\" via referral",
        ),
        (
            &["2026-01-05", "spent", "-1.5", "EUR", "on", "beta"],
            "2026-01-05 spent -1.5 EUR on beta",
        ),
    ];
    let mut expected = LEDGER.to_owned();
    for (words, line) in cases.iter().take(3) {
        let output = add(&file, words);
        assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
        expected.push_str(line);
        expected.push('\n');
        assert_eq!(String::from_utf8(read(&file)).unwrap(), expected);
    }
    // A negative amount is taken as a word, not a flag, and refused by the check.
    let (words, line) = cases[3];
    let output = add(&file, words);
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    assert!(stderr(&output).contains(line), "{}", transcript(&output));

    // A misspelt keyword is reported, not turned into a note.
    let output = add(&file, &["2026-06-01", "ended", "acme", "cancelld"]);
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("funnel::syntax") && stderr(&output).contains("`cancelld`"),
        "{}",
        transcript(&output)
    );
    assert_eq!(String::from_utf8(read(&file)).unwrap(), expected);
}

#[test]
fn add_keeps_crlf_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = LEDGER.replace('\n', "\r\n");
    let file = write(dir.path(), "p.funnel", crlf.as_bytes());
    let output = add(&file, &["--date", "2026-01-21", "talked", "acme"]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(
        String::from_utf8(read(&file)).unwrap(),
        format!("{crlf}2026-01-21 talked acme\r\n")
    );
}

#[test]
fn add_ends_a_file_without_final_newline() {
    let dir = tempfile::tempdir().unwrap();
    let unterminated = LEDGER.trim_end_matches('\n');
    let file = write(dir.path(), "p.funnel", unterminated.as_bytes());
    let output = add(&file, &["--date", "2026-01-21", "talked", "acme"]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(
        String::from_utf8(read(&file)).unwrap(),
        format!("{unterminated}\n2026-01-21 talked acme\n")
    );

    let crlf = "\u{feff}option currency EUR\r\n2026-01-03 lead acme via referral";
    let file = write(dir.path(), "q.funnel", crlf.as_bytes());
    let output = add(&file, &["--date", "2026-01-21", "talked", "acme"]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(
        String::from_utf8(read(&file)).unwrap(),
        format!("{crlf}\r\n2026-01-21 talked acme\r\n")
    );
}

#[test]
fn add_refuses_an_entry_that_breaks_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", LEDGER.as_bytes());
    let output = add(&file, &["--date", "2026-01-21", "talked", "acne"]);
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    let err = stderr(&output);
    assert!(err.contains("funnel::unknown-deal"), "{err}");
    assert!(err.contains("did you mean `acme`?"), "{err}");
    assert!(
        err.contains("p.funnel:6:"),
        "the diagnostic points where the line would be: {err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(String::from_utf8(read(&file)).unwrap(), LEDGER);

    // An entry that makes an existing line wrong is refused too.
    let output = add(
        &file,
        &["--date", "2026-01-25", "lead", "acme", "via", "referral"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("funnel::duplicate-deal"),
        "{}",
        transcript(&output)
    );
    assert_eq!(String::from_utf8(read(&file)).unwrap(), LEDGER);
}

#[test]
fn add_to_a_ledger_with_old_errors_refuses_only_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let broken = format!("{LEDGER}2026-01-22 talked nobody\n");
    let file = write(dir.path(), "p.funnel", broken.as_bytes());
    let output = add(&file, &["--date", "2026-01-23", "talked", "acme"]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(
        String::from_utf8(read(&file)).unwrap(),
        format!("{broken}2026-01-23 talked acme\n")
    );
}

#[test]
fn add_shows_warnings_but_writes() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", LEDGER.as_bytes());
    let output = add(&file, &["--date", "2026-02-01", "won", "acme"]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("funnel::won-without-value"),
        "{}",
        transcript(&output)
    );
    assert_eq!(
        String::from_utf8(read(&file)).unwrap(),
        format!("{LEDGER}2026-02-01 won acme\n")
    );
}

#[test]
fn add_with_includes_appends_to_the_top_level_file_or_to() {
    let dir = tempfile::tempdir().unwrap();
    let root_text = "option currency EUR\ninclude \"years/2026.funnel\"\n";
    let year_text = "2026-01-03 lead acme via referral\n";
    let root = write(dir.path(), "pipeline.funnel", root_text.as_bytes());
    let year = write(dir.path(), "years/2026.funnel", year_text.as_bytes());

    // The default ledger, ./pipeline.funnel, and its top-level file.
    let output = funnel()
        .current_dir(dir.path())
        .args([
            "add",
            "--as-of",
            AS_OF,
            "--date",
            "2026-01-10",
            "talked",
            "acme",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(
        String::from_utf8(read(&root)).unwrap(),
        format!("{root_text}2026-01-10 talked acme\n")
    );
    assert_eq!(String::from_utf8(read(&year)).unwrap(), year_text);

    // `--to` an included file; the ledger is named by $FUNNEL_FILE.
    let output = funnel()
        .env("FUNNEL_FILE", &root)
        .current_dir(dir.path().join("years"))
        .args([
            "add",
            "--as-of",
            AS_OF,
            "--to",
            "2026.funnel",
            "--date",
            "2026-01-20",
            "proposed",
            "acme",
            "9000",
            "EUR",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(
        String::from_utf8(read(&year)).unwrap(),
        format!("{year_text}2026-01-20 proposed acme 9000 EUR\n")
    );
    assert!(
        stdout(&output).contains("2026.funnel:2: 2026-01-20 proposed acme 9000 EUR"),
        "{}",
        transcript(&output)
    );

    // `--to` a file that is not part of the ledger.
    let stray = write(dir.path(), "stray.funnel", b"");
    let output = funnel()
        .current_dir(dir.path())
        .args(["add", "--to"])
        .arg(&stray)
        .args(["talked", "acme"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("is not a file of the ledger"),
        "{}",
        transcript(&output)
    );
    assert_eq!(read(&stray), b"");
}

#[test]
fn add_without_a_ledger_suggests_init() {
    let dir = tempfile::tempdir().unwrap();
    let output = funnel()
        .current_dir(dir.path())
        .args(["add", "talked", "acme"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("funnel init"),
        "{}",
        transcript(&output)
    );

    let output = funnel()
        .current_dir(dir.path())
        .args(["add", "-f", "-", "talked", "acme"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
}

#[test]
fn init_then_a_week_of_adds_stays_clean() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = funnel()
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}\n{}",
            transcript(&output)
        );
    };
    run(&["init"]);
    run(&[
        "add",
        "lead",
        "bigco",
        "Platform migration",
        "via",
        "platform:upwork",
    ]);
    run(&["add", "spent", "2h", "on", "bigco", "proposal"]);
    run(&["add", "contacted", "bigco"]);
    run(&[
        "add", "proposed", "bigco", "24000", "EUR", "at", "900", "EUR/day",
    ]);
    run(&["add", "touch", "anna", "lunch"]);
    run(&["add", "won", "bigco", "22000", "EUR"]);
    run(&["check", "--strict", "--deny-warnings"]);
}

// ---------------------------------------------------------------- completions and man

const SUBCOMMANDS: &[&str] = &[
    "check",
    "report",
    "analyses",
    "fmt",
    "init",
    "add",
    "completions",
    "man",
];

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = funnel().args(["completions", shell]).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            transcript(&output)
        );
        let script = stdout(&output);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: no `{sub}` in the script");
        }
        // Analysis names complete after `funnel report`.
        assert!(
            script.contains("surprises"),
            "{shell}: no analysis names in the script"
        );
    }
    let output = funnel().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn man_page_names_every_subcommand() {
    let output = funnel().arg("man").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let roff = stdout(&output);
    assert!(roff.contains(".TH funnel 1"), "{roff}");
    for sub in SUBCOMMANDS {
        assert!(
            roff.contains(&format!("funnel\\-{sub}(1)")),
            "no `{sub}` in the man page:\n{roff}"
        );
    }

    // Where `man` is installed, the page renders.
    let rendered = std::process::Command::new("man")
        .args(["-l", "-"])
        .env("MANWIDTH", "80")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .and_then(|mut man| {
            std::io::Write::write_all(&mut man.stdin.take().unwrap(), roff.as_bytes())?;
            man.wait_with_output()
        });
    if let Some(rendered) = rendered.ok().filter(|o| o.status.success()) {
        let text = stdout(&rendered);
        assert!(text.contains("funnel-add(1)"), "{text}");
    }

    let dir = tempfile::tempdir().unwrap();
    let output = funnel()
        .args(["man", "--out"])
        .arg(dir.path().join("man1"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    for page in [
        "funnel.1",
        "funnel-add.1",
        "funnel-init.1",
        "funnel-check.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join("man1").join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
}

// ---------------------------------------------------------------- help

#[test]
fn help_of_the_new_commands_ends_with_examples() {
    for sub in [
        "check",
        "report",
        "fmt",
        "init",
        "add",
        "completions",
        "man",
    ] {
        let output = funnel().args([sub, "--help"]).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{sub}: {}",
            transcript(&output)
        );
        let help = stdout(&output);
        let examples = help
            .rfind("Examples:")
            .unwrap_or_else(|| panic!("`funnel {sub} --help` has no examples:\n{help}"));
        let lines: Vec<&str> = help[examples..]
            .lines()
            .skip(1)
            .filter(|l| l.trim_start().starts_with("funnel"))
            .collect();
        assert!(
            lines.len() >= 2,
            "`funnel {sub} --help` has fewer than two examples:\n{help}"
        );
    }
    let help = stdout(&funnel().args(["add", "--help"]).output().unwrap());
    assert!(help.contains("Quoting:"), "{help}");
}

#[test]
fn no_arguments_prints_an_overview() {
    let output = funnel().output().unwrap();
    let text = format!("{}{}", stdout(&output), stderr(&output));
    assert!(!text.contains("error:"), "{text}");
    assert!(text.contains("Commands:"), "{text}");
    for sub in SUBCOMMANDS {
        assert!(
            text.contains(&format!("\n  {sub} ")),
            "no `{sub}` in the overview:\n{text}"
        );
    }
}

// ---------------------------------------------------------------- watch

/// A child process that is killed when the test ends, however it ends.
pub(crate) struct Killed(pub(crate) Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Lines of a child's output, sent as they come.
pub(crate) fn lines(stream: impl Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// Waits (at most 10 s) for a line containing `needle`; returns the lines seen.
pub(crate) fn wait_for(receiver: &Receiver<String>, needle: &str, seen: &mut Vec<String>) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match receiver.recv_timeout(left) {
            Ok(line) => {
                let found = line.contains(needle);
                seen.push(line);
                if found {
                    return;
                }
            }
            Err(_) => break,
        }
    }
    panic!(
        "no line with `{needle}` within 10 s; the output was:\n{}",
        seen.join("\n")
    );
}

#[test]
fn check_watch_runs_again_when_a_file_changes() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", b"2026-11-20 lead a via x\n");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("funnel"))
        .args(["check", "--watch", "--as-of", AS_OF, "-f"])
        .arg(&file)
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
    let (mut seen_out, mut seen_err) = (Vec::new(), Vec::new());

    wait_for(
        &out,
        "no problems in 1 file (1 deal, 1 entry)",
        &mut seen_out,
    );
    wait_for(&err, "watching 1 file", &mut seen_err);

    // An edit: the second run sees the new entry.
    std::fs::write(&file, "2026-11-20 lead a via x\n2026-11-21 lead b via x\n").unwrap();
    wait_for(
        &out,
        "no problems in 1 file (2 deals, 2 entries)",
        &mut seen_out,
    );
    wait_for(&err, "watching 1 file", &mut seen_err);

    // A new include: its file is watched from then on.
    let included = write(dir.path(), "sub/c.funnel", b"2026-11-22 lead c via x\n");
    std::fs::write(
        &file,
        "2026-11-20 lead a via x\n2026-11-21 lead b via x\ninclude \"sub/c.funnel\"\n",
    )
    .unwrap();
    wait_for(
        &out,
        "no problems in 2 files (3 deals, 3 entries)",
        &mut seen_out,
    );
    wait_for(&err, "watching 2 files", &mut seen_err);
    std::fs::write(&included, "2026-11-22 lead c via x\n2026-11-23 talked d\n").unwrap();
    wait_for(&out, "unknown deal `d`", &mut seen_out);
}

#[test]
fn report_watch_runs_again_when_a_file_changes() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.funnel", b"2026-11-20 lead a via x\n");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("funnel"))
        .args(["report", "funnel", "--watch", "--as-of", AS_OF, "-f"])
        .arg(&file)
        .env("NO_COLOR", "1")
        .env_remove("FUNNEL_FILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    let _out = lines(child.0.stdout.take().unwrap());
    let err = lines(child.0.stderr.take().unwrap());
    let mut seen = Vec::new();
    wait_for(&err, "watching 1 file", &mut seen);
    std::fs::write(&file, "2026-11-20 lead a via x\n2026-11-21 talked b\n").unwrap();
    // The ledger now has an error: the report says so on standard error.
    wait_for(&err, "unknown deal `b`", &mut seen);
    wait_for(&err, "watching 1 file", &mut seen);
}
