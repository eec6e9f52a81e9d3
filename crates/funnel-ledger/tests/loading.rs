//! Reading order survives everything that splits the work: entries of
//! included files stand where their `include` does, and a big file parsed in
//! chunks and checked on several threads reports what one pass would.

use funnel_ledger::{load, CheckOptions, Input};

fn options() -> CheckOptions {
    CheckOptions {
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        strict: false,
    }
}

#[test]
fn included_entries_stand_where_the_include_does() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "main.funnel",
        "2026-01-01 lead a via referral\n\ninclude \"b.funnel\"\n\n2026-01-05 note a \"main, after b\"\n\ninclude \"empty.funnel\"\ninclude \"c.funnel\"\n",
    );
    write(
        "b.funnel",
        "2026-01-02 note a \"b, first\"\ninclude \"d.funnel\"\n2026-01-04 note a \"b, after d\"\n",
    );
    write("d.funnel", "2026-01-03 note a \"d\"\n");
    write("empty.funnel", "; nothing here\n");
    write("c.funnel", "2026-01-06 note a \"c\"\n");
    let checked = load(&[Input::Path(dir.path().join("main.funnel"))], &options()).unwrap();
    assert_eq!(checked.errors(), 0, "{:#?}", checked.diagnostics);
    let ledger = &checked.ledger;
    let read: Vec<String> = ledger
        .entries
        .iter()
        .map(|e| {
            let (file, line, _) = ledger.sources.location(e.span);
            let name = std::path::Path::new(file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            format!("{} {name}:{line}", e.date)
        })
        .collect();
    assert_eq!(
        read,
        [
            "2026-01-01 main.funnel:1",
            "2026-01-02 b.funnel:1",
            "2026-01-03 d.funnel:1",
            "2026-01-04 b.funnel:3",
            "2026-01-05 main.funnel:5",
            "2026-01-06 c.funnel:1",
        ]
    );
    // The lead of `a` is entry 0 and the deal holds all six, in date order.
    let deal = &ledger.deals["a"];
    assert_eq!(deal.lead, 0);
    assert_eq!(checked.ledger.deal_indices(deal), [0, 1, 2, 3, 4, 5]);
}

#[test]
fn a_first_file_with_only_includes() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "main.funnel",
        "include \"x.funnel\"\ninclude \"y.funnel\"\n",
    );
    write("x.funnel", "2026-01-01 lead a via referral\n");
    write("y.funnel", "2026-01-02 won a 100 EUR\n");
    let checked = load(&[Input::Path(dir.path().join("main.funnel"))], &options()).unwrap();
    assert_eq!(checked.errors(), 0, "{:#?}", checked.diagnostics);
    let dates: Vec<String> = checked
        .ledger
        .entries
        .iter()
        .map(|e| e.date.to_string())
        .collect();
    assert_eq!(dates, ["2026-01-01", "2026-01-02"]);
    assert_eq!(
        checked.ledger.deal_indices(&checked.ledger.deals["a"]),
        [0, 1]
    );
}

/// A ledger big enough to be parsed in chunks, built and checked on all
/// cores reports every problem once, in file order, and sorts each deal's
/// entries by date.
#[test]
fn a_big_ledger_reports_every_problem_once_in_order() {
    let mut text = String::new();
    let mut expected = Vec::new();
    // Over 100,000 entries, so that build also runs on all cores.
    let deals = 34_000;
    for i in 0..deals {
        text.push_str(&format!(
            "2026-11-01 lead d{i} \"a deal with a title long enough to pass 1 MiB\" via referral\n"
        ));
        // Written out of date order: the deal's entries are sorted by date.
        text.push_str(&format!(
            "2026-11-03 talked d{i}\n2026-11-02 contacted d{i}\n"
        ));
        if i % 997 == 0 {
            // Before its lead: one `before-lead` error on this line.
            text.push_str(&format!("2026-10-01 note d{i} \"too early\"\n"));
            expected.push(text.lines().count());
        }
        text.push('\n');
    }
    assert!(
        text.len() > 2 << 20,
        "the ledger is cut into several chunks"
    );
    let checked = funnel_ledger::load_text("big.funnel", text.as_bytes(), &options());
    let lines: Vec<usize> = checked
        .diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.code.as_str(), "before-lead", "{d:?}");
            checked.ledger.sources.location(d.span).1
        })
        .collect();
    assert_eq!(lines, expected);
    let ledger = &checked.ledger;
    assert!(ledger.entries.len() > 100_000);
    assert_eq!(ledger.deals.len(), deals);
    for (i, deal) in ledger.deals.values().enumerate() {
        let verbs: Vec<&str> = ledger.deal_entries(deal).map(|e| e.kind.verb()).collect();
        let expected: &[&str] = if i % 997 == 0 {
            &["note", "lead", "contacted", "talked"]
        } else {
            &["lead", "contacted", "talked"]
        };
        assert_eq!(verbs, expected, "{}", deal.id);
    }
    // The deal of each entry, as `build` recorded it on all cores, is the
    // one its id names.
    for (index, entry) in ledger.entries.iter().enumerate() {
        let by_id = entry.kind.deal().and_then(|d| ledger.deals.get(&d));
        assert_eq!(ledger.deal_of(index).map(|d| d.id), by_id.map(|d| d.id));
    }
}

/// `Ledger::deal_of` knows the deal of a `spent … on`, and none for a
/// channel's spending or a deal no `lead` opens.
#[test]
fn each_entry_knows_its_deal() {
    let text = "2026-01-01 lead a via net\n\
                2026-01-02 lead b via net\n\
                2026-01-03 spent 2h on b\n\
                2026-01-04 spent 1h via net\n\
                2026-01-05 talked ghost\n\
                2026-01-06 note a \"x\"\n";
    let checked = funnel_ledger::load_text("small.funnel", text.as_bytes(), &options());
    let ledger = &checked.ledger;
    let deals: Vec<Option<&str>> = (0..ledger.entries.len() + 1)
        .map(|i| ledger.deal_of(i).map(|d| d.id.as_str()))
        .collect();
    assert_eq!(
        deals,
        [Some("a"), Some("b"), Some("b"), None, None, Some("a"), None]
    );
}

/// A file big enough to be read in parts (one thread per core) reads back
/// byte for byte, multi-byte characters across the parts' edges included,
/// and loads as the same text given in memory does.
#[test]
fn a_big_file_is_read_whole() {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < (9 << 20) {
        text.push_str(&format!(
            "2026-11-01 lead d{i} \"Café für Über-Größe € {i}\" via referral\n  note: \"naïve ✓\"\n\n"
        ));
        i += 1;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.funnel");
    std::fs::write(&path, &text).unwrap();
    let from_disk = load(&[Input::Path(path)], &options()).unwrap();
    let in_memory = funnel_ledger::load_text("big.funnel", text.as_bytes(), &options());
    let file = from_disk.ledger.sources.get(funnel_ledger::FileId(0));
    assert!(file.text == text, "the text read differs from the file");
    assert!(file.invalid_utf8.is_empty());
    assert!(
        from_disk.diagnostics.is_empty(),
        "{:?}",
        from_disk.diagnostics
    );
    assert_eq!(from_disk.ledger.entries, in_memory.ledger.entries);
    assert_eq!(from_disk.ledger.deals.len(), i);
}

/// Entries `build` drops (an unknown stage, an assumption over unknown
/// stages, a deal opened twice) leave every deal's `lead` and entry list
/// pointing at the right entries, whether build runs on one thread (a few
/// hundred deals) or on all cores (over 100,000 entries).
#[test]
fn dropped_entries_leave_every_deal_in_place() {
    for deals in [300, 34_000] {
        let mut text = String::from("2026-10-01 assume conversion lead->haggled 10%\n\n");
        let mut expected = vec![(1, "unknown-verb")];
        for i in 0..deals {
            if i % 101 == 0 {
                text.push_str(&format!("2026-11-01 haggled d{i}\n"));
                expected.push((text.lines().count(), "unknown-verb"));
            }
            text.push_str(&format!(
                "2026-11-01 lead d{i} \"a deal with a title long enough to pass 1 MiB\" via referral\n\
                 2026-11-02 contacted d{i}\n"
            ));
            if i % 203 == 0 {
                text.push_str(&format!("2026-11-03 lead d{i} via referral\n"));
                expected.push((text.lines().count(), "duplicate-deal"));
            }
            text.push_str(&format!("2026-11-04 talked d{i}\n\n"));
        }
        let checked = funnel_ledger::load_text("drops.funnel", text.as_bytes(), &options());
        let found: Vec<(usize, &str)> = checked
            .diagnostics
            .iter()
            .map(|d| (checked.ledger.sources.location(d.span).1, d.code.as_str()))
            .collect();
        assert_eq!(found, expected, "{deals} deals");
        let ledger = &checked.ledger;
        assert_eq!(ledger.deals.len(), deals);
        assert_eq!(ledger.entries.len(), 3 * deals, "{deals} deals");
        for deal in ledger.deals.values() {
            let lead = &ledger.entries[deal.lead as usize];
            assert_eq!(lead.kind.verb(), "lead");
            assert_eq!(lead.kind.deal().unwrap(), deal.id);
            let verbs: Vec<&str> = ledger.deal_entries(deal).map(|e| e.kind.verb()).collect();
            assert_eq!(verbs, ["lead", "contacted", "talked"], "{}", deal.id);
            assert_eq!(
                ledger.deal_of(deal.lead as usize).map(|d| d.id),
                Some(deal.id)
            );
        }
    }
}

/// `missing-price` on a ledger big enough to be checked in runs on all
/// cores: each amount no price converts is reported once, in file order,
/// and a price from its date on silences the rest.
#[test]
fn missing_prices_are_found_in_every_run() {
    let mut text = String::from("option currency EUR\n");
    let mut expected = Vec::new();
    for i in 0..110_000 {
        if i == 100_000 {
            text.push_str("2026-06-01 price USD 0.9 EUR\n");
        }
        let date = if i < 100_000 {
            "2026-05-01"
        } else {
            "2026-06-01"
        };
        if i % 10_007 == 0 {
            text.push_str(&format!("{date} spent 10 USD via net\n"));
            if i < 100_000 {
                expected.push(text.lines().count());
            }
        } else {
            text.push_str(&format!("{date} spent 10 EUR via net\n"));
        }
    }
    let checked = funnel_ledger::load_text("prices.funnel", text.as_bytes(), &options());
    let lines: Vec<usize> = checked
        .diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.code.as_str(), "missing-price", "{d:?}");
            checked.ledger.sources.location(d.span).1
        })
        .collect();
    assert_eq!(lines, expected);
    assert_eq!(lines.len(), 10);
}

/// Without `option currency`, the base currency of a ledger checked in runs
/// on all cores is the one its amounts use; a second one, first met in a
/// later run, gets one `missing-price` at its first amount.
#[test]
fn the_one_currency_is_found_across_runs() {
    let mut one = String::new();
    for _ in 0..110_000 {
        one.push_str("2026-05-01 spent 10 EUR via net\n");
    }
    let checked = funnel_ledger::load_text("one.funnel", one.as_bytes(), &options());
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    assert_eq!(
        checked.ledger.base_currency.map(|c| c.to_string()),
        Some("EUR".to_owned())
    );
    let two = one.clone() + "2026-05-02 spent 10 USD via net\n2026-05-03 spent 10 GBP via net\n";
    let checked = funnel_ledger::load_text("two.funnel", two.as_bytes(), &options());
    let found: Vec<(usize, String)> = checked
        .diagnostics
        .iter()
        .map(|d| {
            (
                checked.ledger.sources.location(d.span).1,
                d.message().into_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [(
            110_001,
            "`USD` is a second currency, and the ledger names no base currency".to_owned()
        )]
    );
    assert_eq!(checked.ledger.base_currency, None);
}

/// `Ledger::entries_of` gives what a filter over every entry gives, in
/// reading order, on one thread and on all cores, with entries dropped
/// before it (an unknown verb) so that its indices are those after the drop.
#[test]
fn entries_of_a_kind_are_those_a_filter_finds() {
    use funnel_ledger::model::Sparse;
    for deals in [40_usize, 30_000] {
        let mut text = String::from("option currency EUR\n2026-01-01 costs 3000 EUR/month\n");
        for i in 0..deals {
            text.push_str(&format!("2026-02-01 lead d{i} via net from anna\n"));
            if i % 7 == 0 {
                text.push_str(&format!("2026-02-02 haggled d{i}\n"));
            }
            match i % 4 {
                0 => text.push_str(&format!("2026-02-03 spent 2h on d{i}\n")),
                1 => text.push_str("2026-02-03 touch anna\n"),
                2 => text.push_str("2026-02-03 spent 10 EUR via net\n"),
                _ => text.push_str(&format!("2026-02-03 contacted d{i}\n")),
            }
            if i % 1_000 == 999 {
                text.push_str("2026-02-04 balance 1000 EUR\n");
            }
        }
        let checked = funnel_ledger::load_text("kinds.funnel", text.as_bytes(), &options());
        let ledger = &checked.ledger;
        let unexpected = checked
            .diagnostics
            .iter()
            .find(|d| !matches!(d.code.as_str(), "unknown-verb" | "stale-deal"));
        assert!(unexpected.is_none(), "{unexpected:?}");
        let unknown = checked
            .diagnostics
            .iter()
            .filter(|d| d.code.as_str() == "unknown-verb")
            .count();
        assert_eq!(unknown, deals.div_ceil(7), "dropped entries");
        let mut counts = Vec::new();
        for kind in Sparse::ALL {
            let indexed: Vec<usize> = ledger.entries_of(kind).map(|(i, _)| i).collect();
            let filtered: Vec<usize> = (0..ledger.entries.len())
                .filter(|&i| Sparse::of(&ledger.entries[i].kind) == Some(kind))
                .collect();
            assert_eq!(indexed, filtered, "{kind:?}, {deals} deals");
            for (i, entry) in ledger.entries_of(kind) {
                assert!(std::ptr::eq(entry, &ledger.entries[i]));
            }
            counts.push(indexed.len());
        }
        assert_eq!(
            counts,
            [deals / 2, deals / 4, deals / 1_000, 1],
            "spent, touch, balance, costs of {deals} deals"
        );
    }
}

/// The model keeps an entry's arguments without their places, and reads
/// them again from the entry's line when a diagnostic or an editor asks
/// (`Ledger::form`): for every entry of every ledger the repository ships
/// (the examples, and the test ledgers, broken ones included), the form
/// read again is the entry's own kind with places, and each place is
/// inside the entry's line and holds the text of what it names.
#[test]
fn every_entry_reads_again_from_its_line() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in [
        "examples",
        "examples/peers",
        "tests/data/ok",
        "tests/data/err",
        "tests/data/analyses",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "funnel") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 50, "found only {} ledgers", files.len());
    let mut entries = 0;
    for path in &files {
        let Ok(checked) = load(&[Input::Path(path.clone())], &options()) else {
            continue;
        };
        let ledger = &checked.ledger;
        for entry in &ledger.entries {
            let form = ledger.form(entry);
            if let Some(deal) = form.deal() {
                let span = deal.span;
                assert!(entry.span.start <= span.start && span.end <= entry.span.end);
                assert_eq!(
                    ledger.sources.text(span),
                    deal.value.as_str(),
                    "{}",
                    path.display()
                );
            }
            assert_eq!(
                form.bare(),
                entry.kind,
                "{}: {:?}",
                path.display(),
                entry.span
            );
            entries += 1;
        }
    }
    assert!(entries > 500, "read only {entries} entries");
}

/// A second currency is reported at its amount even when entries before
/// it were dropped (a deal opened twice, a stage nobody declared): the
/// amount is found by its entry's place, which the drop moves. (A fuzzer
/// found the index taken before the drop, out of bounds after it.)
#[test]
fn a_second_currency_is_found_after_dropped_entries() {
    let text = "2026-01-01 lead a via net\n\
                2026-01-02 lead a via net\n\
                2026-01-03 pitched a\n\
                2026-01-04 spent 100 EUR on a\n\
                2026-01-05 spent 50 USD on a\n";
    let checked = funnel_ledger::load_text("drops.funnel", text.as_bytes(), &options());
    let codes: Vec<&str> = checked
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["duplicate-deal", "unknown-verb", "missing-price"]);
    let second = &checked.diagnostics[2];
    assert_eq!(checked.ledger.sources.text(second.span), "50 USD");
    assert_eq!(checked.ledger.sources.location(second.span).1, 5);
}
