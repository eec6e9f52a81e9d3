//! Fuzzes the whole `check` pipeline on in-memory text: parse, build,
//! checks, and the rendering of every diagnostic with miette. Any panic is
//! a bug. Run with `cargo +nightly fuzz run check` from the `fuzz/` folder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Includes would read whatever the fuzzer names on disk; they are
    // covered by the CLI tests instead.
    let text = String::from_utf8_lossy(data);
    let data = if text.contains("include") { text.replace("include", "inclode").into_bytes() } else { data.to_vec() };
    let options = funnel_ledger::CheckOptions {
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).expect("a date"),
        strict: true,
    };
    let checked = funnel_ledger::load_text("fuzz.funnel", &data, &options);
    let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    for diagnostic in &checked.diagnostics {
        let mut out = String::new();
        handler
            .render_report(&mut out, &diagnostic.with_sources(&checked.ledger.sources))
            .expect("rendering a diagnostic never fails");
    }
    // Entries read their metadata, tags and verb from the text on demand.
    let ledger = &checked.ledger;
    for entry in &ledger.entries {
        let _ = ledger.metadata(entry);
        let _ = ledger.tags(entry);
        let _ = ledger.verb_span(entry);
    }
});
