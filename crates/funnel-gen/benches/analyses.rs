//! Each built-in analysis of `funnel_analysis::ANALYSES` alone, and all of
//! them in `funnel report`'s order, on generated ledgers of 1,000, 100,000
//! and 1,000,000 entries. Only the analysis is timed: each ledger is
//! generated, loaded and checked once per size, outside the timed code.
//!
//! Run with `cargo bench -p funnel-gen --bench analyses` (one analysis:
//! `… -- funnel`); CI only compiles this. The counter is the ledger's
//! entries, so divan prints entries per second.

use std::collections::HashMap;
use std::sync::Mutex;

use divan::counter::ItemsCount;
use divan::Bencher;
use funnel_analysis::{Analysis, Context, Run, ANALYSES};
use funnel_gen::{as_of, generate, Config, Size};
use funnel_ledger::{load_text, CheckOptions, Ledger};

fn main() {
    // A new analysis needs a line in `benches!` below.
    let benched: Vec<&str> = BENCHED.to_vec();
    let registered: Vec<&str> = ANALYSES.iter().map(|a| a.name()).collect();
    assert_eq!(benched, registered, "benches/analyses.rs is out of date");
    divan::main();
}

const ENTRIES: &[usize] = &[1_000, 100_000, 1_000_000];

/// The checked ledger of about `entries` generated entries (seed 1), made
/// once per size.
fn ledger(entries: usize) -> &'static Ledger {
    static CACHE: Mutex<Option<HashMap<usize, &'static Ledger>>> = Mutex::new(None);
    let mut cache = CACHE.lock().expect("no panics while loading");
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
            let options = CheckOptions {
                as_of: as_of(),
                strict: true,
            };
            let checked = load_text("bench.funnel", text.as_bytes(), &options);
            assert_eq!(checked.errors(), 0, "the generated ledger checks");
            Box::leak(Box::new(checked.ledger))
        })
}

/// Runs `analyses` one after the other over a fresh run, as `funnel
/// report` does: the deal facts they share are computed once per
/// iteration, inside the timed code. (The CLI runs them on all cores; here
/// they run on one, so each analysis's cost shows.)
fn run(bencher: Bencher, entries: usize, analyses: &[&'static dyn Analysis]) {
    let ledger = ledger(entries);
    bencher
        .counter(ItemsCount::new(ledger.entries.len()))
        .bench(|| {
            let run = Run::new(divan::black_box(ledger), Context::new(ledger, as_of()));
            analyses.iter().map(|a| a.run(&run)).collect::<Vec<_>>()
        });
}

fn find(name: &str) -> &'static dyn Analysis {
    funnel_analysis::find(name).expect("a built-in analysis")
}

macro_rules! benches {
    ($($name:ident),* $(,)?) => {
        /// The analyses benched one by one, in registry order.
        const BENCHED: &[&str] = &[$(stringify!($name)),*];
        $(
            #[divan::bench(args = ENTRIES, max_time = 5)]
            fn $name(bencher: Bencher, entries: usize) {
                run(bencher, entries, &[find(stringify!($name))]);
            }
        )*
    };
}

benches!(
    funnel,
    channels,
    surprises,
    contacts,
    negotiation,
    runway,
    trends
);

/// Every analysis in `funnel report`'s order, on one ledger.
#[divan::bench(args = ENTRIES, max_time = 5)]
fn all_analyses(bencher: Bencher, entries: usize) {
    run(bencher, entries, ANALYSES);
}

/// The deal facts alone (`Run::new`), which every analysis above needs
/// first and `funnel report` computes once for all of them.
#[divan::bench(args = ENTRIES, max_time = 5)]
fn deal_facts(bencher: Bencher, entries: usize) {
    let ledger = ledger(entries);
    bencher
        .counter(ItemsCount::new(ledger.entries.len()))
        .bench(|| Run::new(divan::black_box(ledger), Context::new(ledger, as_of())));
}
