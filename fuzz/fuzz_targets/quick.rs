//! Differential fuzzing of the parser's quick reader
//! (`crates/funnel-ledger/src/parse/quick.rs`): a text parsed as `check`
//! parses it (the quick reader first, the general path for what it leaves)
//! must give exactly what the general path alone gives: the same entries
//! (places of offers included), directives and diagnostics. Run with
//! `cargo +nightly fuzz run quick` from the `fuzz/` folder.
#![no_main]

use funnel_ledger::parse::{self, ParsedFile};
use funnel_ledger::span::FileId;
use libfuzzer_sys::fuzz_target;

/// Everything a parse gives, with places (`==` on entries ignores them).
fn shown(parsed: ParsedFile) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        parsed.entries, parsed.directives, parsed.diagnostics, parsed.unresolved, parsed.failed_leads
    )
}

fuzz_target!(|data: &[u8]| {
    // One chunk (`parse` cuts texts of a megabyte and more).
    if data.len() >= 1 << 20 {
        return;
    }
    let text = String::from_utf8_lossy(data);
    let with_quick = parse::parse(FileId(0), &text, &[]);
    let general = parse::parse_chunk_general(FileId(0), &text);
    assert_eq!(shown(with_quick), shown(general));
});
