//! Issue 8's linearity target, measured so that a shared machine's noise
//! falls on both sides: "10× the entries costs at most 11× the time, for
//! check and every analysis". For load + check, for each analysis (deal
//! facts included, as `funnel report NAME` computes them) and for the
//! exports of channels and contacts, the 100,000- and 1,000,000-entry runs
//! alternate (small, big, small, big, …) and the ratio of their medians is
//! printed. Run by `scripts/bench.sh`,
//! or alone:
//!
//! ```text
//! cargo bench -p funnel-gen --bench linearity            # 15 rounds
//! LINEARITY_ROUNDS=31 cargo bench -p funnel-gen --bench linearity
//! ```
//!
//! CI only compiles it. divan's numbers (`--bench analyses`) time each
//! size in its own minutes, which on a busy machine moves a ratio by a
//! quarter either way; this bench does not.

use std::time::{Duration, Instant};

use funnel_analysis::export::{export, What};
use funnel_analysis::{Context, Run, ANALYSES};
use funnel_gen::{as_of, generate, Config, Size};
use funnel_ledger::{load_text, CheckOptions, Ledger};

const SMALL: usize = 100_000;
const BIG: usize = 1_000_000;
/// The target: 10× the entries at most this many times the time.
const LIMIT: f64 = 11.0;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and
    // then this only checks that it runs.
    let benching = std::env::args().any(|a| a == "--bench");
    let rounds: usize = match std::env::var("LINEARITY_ROUNDS") {
        Ok(n) => n.parse().expect("LINEARITY_ROUNDS is a number"),
        Err(_) if benching => 15,
        Err(_) => 1,
    };
    let (small, big) = if benching {
        (SMALL, BIG)
    } else {
        (1_000, 10_000)
    };
    let texts = [text(small), text(big)];
    let ledgers = [load(&texts[0]), load(&texts[1])];
    println!(
        "{rounds} rounds, {small} and {big} entries ({} and {} deals), alternating",
        ledgers[0].deals.len(),
        ledgers[1].deals.len()
    );
    println!(
        "{:<16} {:>12} {:>12} {:>8}  target ≤ {LIMIT}×",
        "", "small ms", "big ms", "ratio"
    );
    // (name, whether issue 8's target covers it, times): the target is
    // "check and every analysis"; the rest are watched for regressions (a
    // step that grows with the square of the ledger shows as 100×).
    let mut rows = vec![(
        "load + check",
        true,
        alternate(rounds, |i| {
            std::hint::black_box(load(&texts[i]));
        }),
    )];
    for analysis in ANALYSES {
        rows.push((
            analysis.name(),
            true,
            alternate(rounds, |i| {
                let ledger = &ledgers[i];
                let run = Run::new(ledger, Context::new(ledger, as_of()));
                std::hint::black_box(analysis.run(&run));
            }),
        ));
    }
    // The exports whose rows add up deals per channel or contact: a
    // filter of every deal per row once made `export contacts` grow with
    // contacts × deals (28 s at a million entries).
    for (name, what) in [
        ("export channels", What::Channels),
        ("export contacts", What::Contacts),
    ] {
        rows.push((
            name,
            false,
            alternate(rounds, |i| {
                let ledger = &ledgers[i];
                let ctx = Context::new(ledger, as_of());
                std::hint::black_box(export(ledger, &ctx, what));
            }),
        ));
    }
    rows.push((
        "all analyses",
        false,
        alternate(rounds, |i| {
            let ledger = &ledgers[i];
            let run = Run::new(ledger, Context::new(ledger, as_of()));
            for analysis in ANALYSES {
                std::hint::black_box(analysis.run(&run));
            }
        }),
    ));
    for (name, target, [small, big]) in rows {
        let ratio = big.as_secs_f64() / small.as_secs_f64();
        println!(
            "{name:<16} {:>12.2} {:>12.2} {:>7.1}×  {}",
            small.as_secs_f64() * 1e3,
            big.as_secs_f64() * 1e3,
            ratio,
            match (target, ratio <= LIMIT) {
                (true, true) => "met",
                (true, false) => "NOT MET",
                (false, _) => "(not a target)",
            }
        );
    }
}

fn text(entries: usize) -> String {
    generate(&Config {
        size: Size::Entries(entries),
        seed: 1,
        profile: Default::default(),
    })
    .single_file()
}

fn load(text: &str) -> Ledger {
    let options = CheckOptions {
        as_of: as_of(),
        strict: true,
    };
    let checked = load_text("bench.funnel", text.as_bytes(), &options);
    assert_eq!(checked.errors(), 0, "the generated ledger checks");
    checked.ledger
}

/// The median time of `f(0)` and of `f(1)`, run alternately `rounds`
/// times each after one warm-up run of each.
fn alternate(rounds: usize, mut f: impl FnMut(usize)) -> [Duration; 2] {
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for round in 0..=rounds {
        for (i, samples) in times.iter_mut().enumerate() {
            let start = Instant::now();
            f(i);
            if round > 0 {
                samples.push(start.elapsed());
            }
        }
    }
    times.map(|mut samples| {
        samples.sort_unstable();
        samples[samples.len() / 2]
    })
}
