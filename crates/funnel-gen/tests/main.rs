//! Generated ledgers read back through the real parser and checks: they
//! must check without errors, in one file and split by year, and hold every
//! kind of entry the benchmarks are meant to exercise.

use std::collections::BTreeSet;

use funnel_gen::{as_of, generate, Config, Generated, Size};
use funnel_ledger::{load, load_text, CheckOptions, Checked, Input};

fn options(strict: bool) -> CheckOptions {
    CheckOptions {
        as_of: as_of(),
        strict,
    }
}

fn describe(checked: &Checked) -> String {
    let sources = &checked.ledger.sources;
    checked
        .diagnostics
        .iter()
        .take(20)
        .map(|d| {
            let (file, line, col) = sources.location(d.span);
            format!(
                "{file}:{line}:{col}: {}[{}]: {}\n    {}",
                d.severity.as_str(),
                d.code,
                d.message(),
                sources.text(d.span)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_no_errors(checked: &Checked) {
    assert_eq!(
        checked.errors(),
        0,
        "the generated ledger has errors:\n{}",
        describe(checked)
    );
}

fn small(seed: u64) -> Generated {
    generate(&Config {
        size: Size::Deals(300),
        seed,
        profile: Default::default(),
    })
}

#[test]
fn generated_ledgers_check_without_errors() {
    for seed in [1, 2, 3] {
        let text = small(seed).single_file();
        for strict in [false, true] {
            let checked = load_text("generated.funnel", text.as_bytes(), &options(strict));
            assert_no_errors(&checked);
            // No warnings either: quiet deals are closed before they go
            // stale, so `funnel check` prints nothing to render.
            assert_eq!(
                checked.warnings(),
                0,
                "the generated ledger has warnings:\n{}",
                describe(&checked)
            );
            assert_eq!(checked.ledger.deals.len(), 300);
        }
    }
}

#[test]
fn split_by_year_checks_the_same() {
    let generated = small(4);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let main = generated.write_split(dir.path()).expect("written");
    let split = load(&[Input::Path(main)], &options(true)).expect("main.funnel is readable");
    assert_no_errors(&split);
    assert_eq!(split.ledger.sources.len(), 1 + generated.years.len());
    assert!(
        generated.years.len() >= 2,
        "a few hundred deals span several years"
    );

    let single = load_text(
        "generated.funnel",
        generated.single_file().as_bytes(),
        &options(true),
    );
    assert_eq!(split.ledger.entries.len(), single.ledger.entries.len());
    assert_eq!(split.ledger.entries.len(), generated.entries);
    assert_eq!(split.ledger.deals.len(), single.ledger.deals.len());
}

#[test]
fn every_kind_of_entry_and_declaration_occurs() {
    let generated = small(5);
    let text = generated.single_file();
    let checked = load_text("generated.funnel", text.as_bytes(), &options(true));
    assert_no_errors(&checked);
    let ledger = &checked.ledger;
    let verbs: BTreeSet<&str> = ledger.entries.iter().map(|e| e.kind.verb()).collect();
    for verb in [
        "lead",
        "contacted",
        "talked",
        "proposed",
        "won",
        "lost",
        "declined",
        "ended",
        "spent",
        "touch",
        "note",
        "assume",
        "price",
        "balance",
        "costs",
    ] {
        assert!(verbs.contains(verb), "no `{verb}` entry in {verbs:?}");
    }
    assert!(
        ledger.channels.keys().any(|c| c.contains(':')),
        "hierarchical channels"
    );
    assert!(
        !ledger.channel_fee("platform:upwork").is_zero(),
        "fees inherited from `platform`"
    );
    assert!(ledger.contacts.len() >= 12);
    for needle in [
        " USD at ",
        " EUR at ",
        " EUR/day",
        " USD/h",
        " until ",
        " cancelled ",
        "  rating: ",
        " from ",
        " via ",
        " on ",
        " #",
        "  ; ",
        "\n; --- ",
        "\n# ",
        "\n## ",
        "min ",
        "h via ",
        "assume conversion",
        "assume cycle",
        "assume value",
        "assume volume",
        "assume share",
        "stages ",
        "option currency",
        "\\\"",
    ] {
        assert!(text.contains(needle), "the ledger never writes `{needle}`");
    }
}

#[test]
fn size_and_shape_match_the_issue() {
    // About 120 bytes and 4 lines per entry, like the journals the issue
    // compares against, so that MB/s figures are comparable.
    let generated = generate(&Config {
        size: Size::Entries(20_000),
        seed: 1,
        profile: Default::default(),
    });
    assert!((20_000..20_020).contains(&generated.entries));
    let text = generated.single_file();
    assert_eq!(text.len(), generated.len());
    let bytes_per_entry = text.len() as f64 / generated.entries as f64;
    let lines_per_entry = text.lines().count() as f64 / generated.entries as f64;
    assert!(
        (105.0..135.0).contains(&bytes_per_entry),
        "{bytes_per_entry:.1} bytes per entry"
    );
    assert!(
        (3.5..4.5).contains(&lines_per_entry),
        "{lines_per_entry:.2} lines per entry"
    );
}

#[test]
fn the_same_seed_gives_the_same_ledger() {
    assert_eq!(small(9).single_file(), small(9).single_file());
    assert_ne!(small(9).single_file(), small(10).single_file());
}

/// The journal of `funnel-gen --journal` reads without errors in hledger
/// and ledger, where they are installed (`scripts/bench.sh` times them on
/// it); without them there is nothing to run.
#[test]
fn the_journal_reads_in_hledger_and_ledger() {
    let generated = small(6);
    let journal = funnel_gen::journal::journal(&generated);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("generated.journal");
    std::fs::write(&path, &journal.text).expect("written");
    for (tool, command) in [("hledger", "check"), ("ledger", "bal")] {
        let Ok(output) = std::process::Command::new(tool)
            .arg("-f")
            .arg(&path)
            .arg(command)
            .output()
        else {
            continue; // not installed
        };
        assert!(
            output.status.success(),
            "`{tool} -f FILE {command}` failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The terse profile (issue 25): entries of one line each, about 40-50
/// bytes, no metadata, and many deals gone silent — and still no error.
#[test]
fn terse_ledgers_are_short_lines_without_errors() {
    let generated = generate(&Config {
        size: Size::Entries(20_000),
        seed: 1,
        profile: funnel_gen::Profile::Terse,
    });
    let text = generated.single_file();
    let checked = load_text("terse.funnel", text.as_bytes(), &options(false));
    assert_no_errors(&checked);
    let entry_lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    // Only the header's declarations have metadata lines.
    let first_entry = text.find("\n2").expect("dated entries");
    let indented = text[first_entry..]
        .lines()
        .filter(|l| l.starts_with(' '))
        .count();
    assert_eq!(entry_lines.len(), generated.entries);
    let mean = entry_lines.iter().map(|l| l.len() + 1).sum::<usize>() / entry_lines.len();
    assert!((35..=55).contains(&mean), "mean entry length {mean}");
    assert_eq!(indented, 0);
    let stale = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == funnel_ledger::Code::StaleDeal)
        .count();
    assert!(
        stale * 10 > generated.deals,
        "{stale} stale of {} deals",
        generated.deals
    );
}
