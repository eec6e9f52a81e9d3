//! Fuzzes the whole `check` pipeline on in-memory text: parse, build,
//! checks, and the rendering of every diagnostic with miette. Any panic is
//! a bug. Run with `cargo +nightly fuzz run check` from the `fuzz/` folder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Includes would read whatever the fuzzer names on disk; they are
    // covered by the CLI tests instead.
    let text = String::from_utf8_lossy(data);
    let data = if text.contains("include") {
        text.replace("include", "inclode").into_bytes()
    } else {
        data.to_vec()
    };
    let options = funnel_ledger::CheckOptions {
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).expect("a date"),
        strict: true,
    };
    let checked = funnel_ledger::load_text("fuzz.funnel", &data, &options);
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    for diagnostic in &checked.diagnostics {
        let mut out = String::new();
        handler
            .render_report(&mut out, &diagnostic.with_sources(&checked.ledger.sources))
            .expect("rendering a diagnostic never fails");
    }
    // Entries read their metadata, tags and verb from the text on demand.
    let ledger = &checked.ledger;
    for (index, entry) in ledger.entries.iter().enumerate() {
        let meta = ledger.metadata(entry);
        // One key read alone is the first that `metadata` gives (a few
        // keys: an entry of the hostile inputs has 50,000).
        for key in meta
            .iter()
            .take(4)
            .map(|m| m.key.value.as_str())
            .chain(["start"])
        {
            let first = meta.iter().find(|m| m.key.value == key);
            assert_eq!(
                ledger.entry_meta(entry, key),
                first.map(|m| m.value.clone()),
                "{key}"
            );
        }
        let _ = ledger.tags(entry);
        let _ = ledger.verb_span(entry);
        let _ = ledger.line_string(entry);
        // The model keeps no places: the line, read again, gives the
        // entry's arguments with them (`Ledger::form` must never fail).
        assert_eq!(ledger.form(entry).bare(), entry.kind);
        // The deal `build` recorded is the one the entry's id names.
        let by_id = entry.kind.deal().and_then(|d| ledger.deals.get(&d));
        assert_eq!(ledger.deal_of(index).map(|d| d.id), by_id.map(|d| d.id));
    }
});
