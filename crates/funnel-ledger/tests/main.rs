//! Robustness of the parser and checks: no input makes them panic or hang,
//! and every diagnostic points inside its file on character boundaries so
//! that it can be rendered.

mod format;
mod loading;

use funnel_ledger::{load_text, CheckOptions, Checked};
use proptest::prelude::*;

fn options() -> CheckOptions {
    CheckOptions {
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        strict: true,
    }
}

/// Checks `bytes` and renders every diagnostic, asserting spans are sane.
fn check_and_render(bytes: &[u8]) -> Checked {
    // A generated `include "/**"` would walk the whole disk: includes are
    // tested with real files in the CLI tests, not here.
    let text = String::from_utf8_lossy(bytes);
    let bytes = if text.contains("include") {
        text.replace("include", "inclode").into_bytes()
    } else {
        bytes.to_vec()
    };
    let checked = load_text("fuzz.funnel", &bytes, &options());
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    for diagnostic in &checked.diagnostics {
        let file = checked.ledger.sources.get(diagnostic.span.file);
        for span in
            std::iter::once(diagnostic.span).chain(diagnostic.related().iter().map(|l| l.span))
        {
            let text = &checked.ledger.sources.get(span.file).text;
            assert!(
                span.start <= span.end && span.end as usize <= text.len(),
                "span {span:?} outside the file"
            );
            assert!(
                text.is_char_boundary(span.start as usize)
                    && text.is_char_boundary(span.end as usize),
                "span {span:?} splits a character"
            );
        }
        assert!(!diagnostic.message().is_empty());
        let mut out = String::new();
        handler
            .render_report(&mut out, &diagnostic.with_sources(&checked.ledger.sources))
            .expect("renders");
        let _ = file;
    }
    // What entries keep as places in the text reads back without a panic,
    // whatever the text was.
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
        let verb = ledger.verb_span(entry);
        assert!(verb.start >= entry.span.start && verb.end <= entry.span.end);
        // The deal `build` recorded is the one the entry's id names.
        let by_id = entry.kind.deal().and_then(|d| ledger.deals.get(&d));
        assert_eq!(ledger.deal_of(index).map(|d| d.id), by_id.map(|d| d.id));
    }
    checked
}

const VALID: &str = "\u{feff}option currency EUR\n\
option stale-after 90d\n\
stages contacted talked proposed\n\
channel platform \"Platforms\"\n  fee: 10%\n  kind: platform\n\
channel platform:upwork\nchannel referral\ncontact anna \"Anna Schmidt\"\n  org: \"Acme GmbH\"\n\
; a comment\n# 2026\n* Q1\n\
2026-01-01 assume conversion lead->won 10% via platform:upwork \"a note\"\n\
2026-01-01 assume cycle lead->won 30d\n2026-01-01 assume volume lead 8/mo\n\
2026-01-01 assume share 20% via platform\n2026-01-01 assume value 12,000 EUR\n\
2026-01-01 price USD 0.92 EUR\n2026-01-01 balance 18_000 EUR\n2026-01-01 costs 3200 EUR/month\n\
2026-01-03 lead acme \"Rust \\\"backend\\\"\" via platform:upwork from anna #rust ; trailing\n\
2026-01-03 spent 1.5h on acme \"proposal\"\n2026-01-04 spent 45min via platform:upwork\n\
2026-01-04 spent 120 USD via platform:upwork\n2026-01-05 contacted acme\n  ; indented comment\n\
2026-01-10 talked acme\n2026-01-20 proposed acme 52000 EUR at 850 EUR/day\n\
2026-02-01 won acme 48000 EUR at 800 EUR/day until 2026-05-01\n  start: 2026-02-15\n\
2026-03-01 note acme \"going well\"\n2026-03-02 touch anna \"coffee\"\n\
2026-04-20 ended acme cancelled \"budget cut\"\n  rating: 4\n  custom: anything at all\r\n\
2026-05-01 lead beta via referral\n2026-05-02 lost beta \"price\"\n\
2026-05-01 lead gamma via referral\n2026-05-02 declined gamma\n";

#[test]
fn the_valid_ledger_is_valid() {
    let checked = check_and_render(VALID.as_bytes());
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
    assert_eq!(checked.ledger.deals.len(), 3);
    assert_eq!(checked.ledger.entries.len(), 23);
}

#[test]
fn hostile_inputs_do_not_panic_or_hang() {
    let long_line = format!("2026-01-01 lead {} via x\n", "a".repeat(4 << 20));
    let long_string = format!("2026-01-01 lead a \"{}\" via x\n", "é".repeat(1 << 20));
    let many_meta = format!(
        "2026-01-01 lead a via x\n{}",
        (0..50_000)
            .map(|i| format!("  k{i}: {i}\n"))
            .collect::<String>()
    );
    let repeated_meta = format!(
        "2026-01-01 lead a via x\n{}",
        "  rating: 9\n".repeat(50_000)
    );
    let orphans = "  k: v\n".repeat(50_000);
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\xEF\xBB\xBF".to_vec(),
        b"\0\0\0\n\0 lead\n".to_vec(),
        b"2026-01-01 lead a \xFF\xFE via x\n\xC0\n\xE2\x82".to_vec(),
        b"\r\r\r\n\r".to_vec(),
        long_line.into_bytes(),
        long_string.into_bytes(),
        many_meta.into_bytes(),
        repeated_meta.into_bytes(),
        orphans.into_bytes(),
        "2026-01-01 lead a via x\n".repeat(20_000).into_bytes(),
        b"9999-99-99 x\n0000-00-00 lead a via b\n-1 x\n2026-01-01 spent -1h via x\n".to_vec(),
        b"2026-01-01 price EUR 0 USD\n2026-01-01 costs 1 EUR/h\n".to_vec(),
        "2026-01-01 lead 𝓊 \"🦀\" via ü\n".as_bytes().to_vec(),
    ];
    for input in inputs {
        check_and_render(&input);
    }
}

fn mutate(base: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for &(at, op, byte) in edits {
        if bytes.is_empty() {
            bytes.push(byte);
            continue;
        }
        let at = at % bytes.len();
        match op % 4 {
            0 => bytes[at] = byte,
            1 => {
                bytes.remove(at);
            }
            2 => bytes.insert(at, byte),
            _ => {
                let end = (at + byte as usize % 40).min(bytes.len());
                let chunk = bytes[at..end].to_vec();
                bytes.splice(at..at, chunk);
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_and_render(&bytes);
    }

    #[test]
    fn mutations_of_a_valid_ledger_never_panic(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..12)) {
        check_and_render(&mutate(VALID.as_bytes(), &edits));
    }

}

proptest! {
    // Generating from the regex costs more than checking; fewer cases.
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn line_shaped_text_never_panics(lines in proptest::collection::vec("[0-9a-z :;#*\"\\\\/.,_%-]{0,40}|2026-0[1-9]-[0-3][0-9] [a-z]{2,9}( [a-z0-9.,_%:/\"-]{1,12}){0,6}", 0..30)) {
        check_and_render(lines.join("\n").as_bytes());
    }
}
