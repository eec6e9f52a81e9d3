//! Parsing, and reading + checking, generated ledgers of 1,000, 100,000 and
//! 1,000,000 entries through `funnel-ledger`'s library API (no process, no
//! file IO, no rendering). `scripts/bench.sh` times the whole binary.
//!
//! Run with `cargo bench -p funnel-gen`; CI only compiles this
//! (`cargo bench --no-run`). The ledgers are generated once per size, in
//! memory, outside the timed code.

use std::collections::HashMap;
use std::sync::Mutex;

use divan::counter::BytesCount;
use divan::Bencher;
use funnel_gen::{as_of, generate, Config, Size};
use funnel_ledger::{load_text, parse, CheckOptions, FileId};

fn main() {
    divan::main();
}

const ENTRIES: &[usize] = &[1_000, 100_000, 1_000_000];

/// The generated ledger of about `entries` entries (seed 1), made once.
fn ledger(entries: usize) -> &'static str {
    static CACHE: Mutex<Option<HashMap<usize, &'static str>>> = Mutex::new(None);
    let mut cache = CACHE.lock().expect("no panics while generating");
    cache
        .get_or_insert_with(HashMap::new)
        .entry(entries)
        .or_insert_with(|| {
            let text = generate(&Config {
                size: Size::Entries(entries),
                seed: 1,
                profile: Default::default(),
            })
            .single_file();
            Box::leak(text.into_boxed_str())
        })
}

/// Text → items, one file, no model and no checks.
#[divan::bench(args = ENTRIES, max_time = 10)]
fn parse_only(bencher: Bencher, entries: usize) {
    let text = ledger(entries);
    bencher
        .counter(BytesCount::of_str(text))
        .bench(|| parse::parse(FileId(0), divan::black_box(text), &[]));
}

/// Everything `funnel check` does before printing: decode, parse, build the
/// model, run the checks.
#[divan::bench(args = ENTRIES, max_time = 10)]
fn load_and_check(bencher: Bencher, entries: usize) {
    let text = ledger(entries);
    let options = CheckOptions {
        as_of: as_of(),
        strict: true,
    };
    bencher.counter(BytesCount::of_str(text)).bench(|| {
        let checked = load_text("bench.funnel", divan::black_box(text.as_bytes()), &options);
        assert_eq!(checked.errors(), 0);
        checked
    });
}
