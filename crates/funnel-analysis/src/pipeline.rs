//! `pipeline`: what the open deals are likely worth.
//!
//! ## What it does
//! One row per open deal of the cohort on the as-of date (status `open`:
//! not stale, not closed; a reopened deal is open again), by expected
//! value, largest first (ties: deal id; deals without an expected value
//! last), then `*`.
//!
//! - `stage`: the furthest stage the deal reached; `days_in_stage`: as-of
//!   − the date it reached it.
//! - `typical_days`: the median days from reaching that stage to reaching
//!   the next, over every deal of the ledger that reached both (any lead
//!   date, any channel: the period and `--channel` do not narrow the
//!   history). Empty when no deal did.
//! - `asked_value`: the latest offer on a stage entry of the deal
//!   ([`deals::latest_ask`]), its amount converted to the base currency on
//!   that entry's date and rounded to the cent. **Decision:** when that
//!   latest offer is a rate alone (`proposed x 900 EUR/day`), the value is
//!   empty: an older amount is not what is asked now.
//! - `win_probability`: conversion stage→`won` over every decided deal of
//!   the ledger (§1: open and declined deals that did not win are left
//!   out) of the deal's own (full) channel when that channel has at least
//!   5 decided deals for the step, else over all channels. Shown with its
//!   count ("70.0% (7 of 10)"), so a chance from few deals reads as such.
//! - `expected_value` = `win_probability` × `asked_value`, rounded to the
//!   cent; empty when either is.
//! - `*`: `channel` holds the number of open deals ("6 deals"), and the
//!   sums of `asked_value` and `expected_value` over the rows (the cells
//!   as shown, so the column adds up).
//!
//! `--depth` cuts the `channel` cells as elsewhere; the win probability
//! always comes from the deal's full channel.
//!
//! ## Why
//! "Runway without new work" is the floor; the open deals are what may
//! come on top. Weighting each ask by your own record from its stage is
//! the forecast CRMs lead with, and time in stage against your usual pace
//! shows which deal is cooling.
//!
//! ## Findings
//! - "6 open deals ask 66,380 EUR; expect about 46,700 EUR (90%: between
//!   28,000 and 66,380 EUR)." The interval is the 5th and the 95th
//!   percentile of the distribution of the sum, each deal bringing its
//!   asked value with its win probability, independently of the others,
//!   else nothing. The **percentile** q is the smallest sum s with
//!   P(S ≤ s) ≥ q (so both ends are sums that can happen). The expected
//!   value is the `*` row's. The JSON report carries both ends at top
//!   level (`expected_low`, `expected_high`), for the HTML view's chart.
//! - The open deals left out of that sum: without an asked value, or
//!   without a win probability (no deal of the ledger decided from their
//!   stage yet).
//! - Each deal whose `days_in_stage` is more than twice its `typical_days`
//!   (a warning, in row order): "`helix` has been at `proposed` for 27
//!   days; yours usually move on within 14: follow up."
//!
//! ## How the distribution is computed
//! Exactly, by dynamic programming over the deals: a map from each
//! possible sum (an exact `Decimal`) to its probability (`f64`), equal
//! sums merged, outcomes of probability 0 dropped. **Decision:** up to
//! [`EXACT_DEALS`] deals (at most 2^16 = 65,536 sums) nothing is rounded.
//! With more, the sums could number 2^n, so the asks are first rounded to
//! a grid (the smallest power of ten, from one cent up, that spans the
//! possible sums in at most [`grid_cells`] steps) and the distribution is
//! computed exactly on that grid, in a dense array: the interval is then
//! off by at most half a grid step per deal, and the finding says so.

use std::collections::{BTreeMap, HashMap};

use funnel_ledger::{Ledger, Name};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::context::Context;
use crate::deals::{self, Conversion, DealFacts, Status};
use crate::report::{round_money, Cell, Column, Kind, Report};
use crate::words::{self, count, list, money};
use crate::{Analysis, Run};

pub struct Pipeline;

/// Decided deals a channel needs for a step before its own conversion
/// stands for it (analyses §3 `pipeline`).
const MIN_CHANNEL_DECIDED: usize = 5;

/// Up to this many deals the sum's distribution is exact to the cent.
const EXACT_DEALS: usize = 16;

/// The percentiles of the interval in the first finding.
const LOW: f64 = 0.05;
const HIGH: f64 = 0.95;

impl Analysis for Pipeline {
    fn name(&self) -> &'static str {
        "pipeline"
    }

    fn description(&self) -> &'static str {
        "the open deals: what they ask, your chance to win each, what to expect, whom to follow up"
    }

    fn run(&self, run: &Run<'_>) -> Report {
        let (ledger, ctx) = (run.ledger(), run.ctx());
        let columns = vec![
            Column::new("deal", "deal", Kind::Text),
            // Deal ids do not wrap: the channel goes first when the table is
            // too wide (it stays in CSV and JSON).
            Column::new("channel", "channel", Kind::Text).optional(3),
            Column::new("stage", "stage", Kind::Text),
            Column::new("days_in_stage", "in stage", Kind::Days),
            Column::new("typical_days", "typical", Kind::Days),
            Column::new("asked_value", "asked", Kind::Money),
            Column::new("win_probability", "win\nprobability", Kind::Ratio),
            Column::new("expected_value", "expected", Kind::Money),
        ];
        let mut report = Report::new(
            self.name(),
            "Pipeline: what the open deals are likely worth",
            ctx,
            columns,
        );
        let facts = run.facts();
        let history = History::of(facts, ledger.stages.len());
        let mut rows: Vec<Row<'_>> = deals::cohort(facts, ctx)
            .into_iter()
            .filter(|d| d.status == Status::Open)
            .map(|deal| Row::of(ledger, ctx, &history, deal))
            .collect();
        // Deal ids are unique, so the order is total and an unstable sort
        // gives the same result as a stable one.
        rows.sort_unstable_by(|a, b| b.expected.cmp(&a.expected).then_with(|| a.id.cmp(&b.id)));
        let stages = ledger.stages.names();
        for row in &rows {
            report.rows.push(vec![
                Cell::text(row.deal.id.as_str()),
                Cell::text(ctx.group(row.deal.channel.as_str())),
                Cell::text(stages[row.stage].as_str()),
                Cell::Days(row.days_in_stage as f64),
                row.typical
                    .map_or(Cell::Empty, |t| Cell::Days(words::f64_of(t))),
                row.asked.map_or(Cell::Empty, Cell::Money),
                Cell::rate(row.chance.k, row.chance.n),
                row.expected.map_or(Cell::Empty, Cell::Money),
            ]);
        }
        let asked: Decimal = rows.iter().filter_map(|r| r.expected.and(r.asked)).sum();
        let expected: Decimal = rows.iter().filter_map(|r| r.expected).sum();
        report.rows.push(vec![
            Cell::text("*"),
            Cell::text(count(rows.len(), "deal", "deals")),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::money(asked),
            Cell::Empty,
            Cell::money(expected),
        ]);
        findings(&mut report, ledger, ctx, &rows, asked, expected);
        report
    }
}

/// One open deal, as its row shows it.
struct Row<'f> {
    deal: &'f DealFacts,
    /// The deal's id to sort by, made once: made in each comparison, it
    /// read the id's text twice a comparison (a cache miss each on a big
    /// ledger, where many open deals tie on the expected value).
    id: words::SortKey,
    /// Its furthest stage.
    stage: usize,
    days_in_stage: i64,
    typical: Option<Decimal>,
    /// The latest ask, in the base currency, rounded to the cent.
    asked: Option<Decimal>,
    /// Stage → won, of its channel or of all channels (n = 0: no history).
    chance: Conversion,
    /// asked × k / n, rounded to the cent; `None` without an ask or a
    /// chance.
    expected: Option<Decimal>,
}

impl<'f> Row<'f> {
    fn of(ledger: &Ledger, ctx: &Context, history: &History, deal: &'f DealFacts) -> Row<'f> {
        let stage = deal.furthest();
        let reached = deal.reached_on[stage].unwrap_or(deal.lead_date);
        let asked = deals::latest_ask(ledger, deal, ctx.as_of).and_then(|(entry, offer)| {
            let amount = offer.amount.as_ref()?.value;
            ledger.to_base(amount, entry.date).map(round_money)
        });
        let chance = history.chance(deal.channel, stage);
        let expected = asked.zip(chance.ratio()).map(|(asked, _)| {
            round_money(asked * Decimal::from(chance.k) / Decimal::from(chance.n))
        });
        Row {
            deal,
            id: words::SortKey::new(deal.id.as_str()),
            stage,
            days_in_stage: (ctx.as_of - reached).num_days(),
            typical: history.typical_days.get(stage).copied().flatten(),
            asked,
            chance,
            expected,
        }
    }

    /// Its win probability as a number, when it has one.
    fn probability(&self) -> Option<f64> {
        self.chance.ratio()
    }
}

/// What every deal of the ledger says about each stage: how long deals
/// stay at it, and how often they are won from it, by channel and in all.
struct History {
    /// Per stage: the median days from reaching it to reaching the next.
    typical_days: Vec<Option<Decimal>>,
    /// Per stage: conversion stage → won over all channels.
    all: Vec<Conversion>,
    /// The same per full channel, keyed by [`Name::key`].
    by_channel: HashMap<usize, Vec<Conversion>, foldhash::fast::RandomState>,
}

impl History {
    fn of(facts: &[DealFacts], stages: usize) -> History {
        let won = stages.saturating_sub(1);
        let mut days: Vec<Vec<Decimal>> = vec![Vec::new(); stages];
        let mut all = vec![Conversion::default(); stages];
        let mut by_channel: HashMap<usize, Vec<Conversion>, foldhash::fast::RandomState> =
            HashMap::default();
        for deal in facts {
            let furthest = deal.furthest();
            for (stage, list) in days.iter_mut().enumerate().take(furthest) {
                list.extend(deal.days_between(stage, stage + 1).map(Decimal::from));
            }
            let (is_won, undecided) = (deal.reached(won), deal.undecided());
            let channel = by_channel
                .entry(deal.channel.key())
                .or_insert_with(|| vec![Conversion::default(); stages]);
            // It reached every stage up to its furthest.
            for stage in 0..=furthest.min(won) {
                all[stage].count(true, is_won, undecided);
                channel[stage].count(true, is_won, undecided);
            }
        }
        History {
            typical_days: days.into_iter().map(deals::median).collect(),
            all,
            by_channel,
        }
    }

    /// The conversion from `stage` to won that stands for a deal of
    /// `channel`: its channel's when that has at least
    /// [`MIN_CHANNEL_DECIDED`] decided deals for the step, else all
    /// channels'.
    fn chance(&self, channel: Name, stage: usize) -> Conversion {
        let own = self
            .by_channel
            .get(&channel.key())
            .and_then(|c| c.get(stage).copied())
            .unwrap_or_default();
        if own.n >= MIN_CHANNEL_DECIDED {
            own
        } else {
            self.all.get(stage).copied().unwrap_or_default()
        }
    }
}

/// The 90% interval of the expected value as top-level keys of the JSON
/// report (`expected_low`, `expected_high`; empty when no deal has both an
/// ask and a win probability), which the HTML view draws.
fn interval(report: &mut Report, low: Option<Decimal>, high: Option<Decimal>) {
    let cell = |bound: Option<Decimal>| bound.map_or(Cell::Empty, Cell::money);
    report.top_level("expected_low", cell(low));
    report.top_level("expected_high", cell(high));
}

fn findings(
    report: &mut Report,
    ledger: &Ledger,
    ctx: &Context,
    rows: &[Row<'_>],
    asked: Decimal,
    expected: Decimal,
) {
    let currency = ctx.currency.map(|c| c.to_string());
    let currency = currency.as_deref();
    let stages = ledger.stages.names();
    if rows.is_empty() {
        report.info(format!(
            "No deal of the cohort is open on {}: there is nothing in the pipeline to forecast.",
            ctx.as_of
        ));
        interval(report, None, None);
        return;
    }
    let outcomes: Vec<(Decimal, f64)> = rows
        .iter()
        .filter(|r| r.expected.is_some())
        .filter_map(|r| Some((r.asked?, r.probability()?)))
        .collect();
    if !outcomes.is_empty() {
        let sum = SumDistribution::of(&outcomes);
        let (low, high) = (sum.percentile(LOW), sum.percentile(HIGH));
        interval(report, low, high);
        let grid = match sum.grid {
            Some(width) => format!(
                " With more than {EXACT_DEALS} deals, the interval is computed on asks rounded to {}.",
                money(width, currency)
            ),
            None => String::new(),
        };
        report.info(format!(
            "{} {} {}; expect about {} (90%: between {} and {}).{grid}",
            count(outcomes.len(), "open deal", "open deals"),
            if outcomes.len() == 1 { "asks" } else { "ask" },
            money(asked, currency),
            money(expected, currency),
            words::money_number(low.unwrap_or_default()),
            money(high.unwrap_or_default(), currency),
        ));
    }
    if outcomes.is_empty() {
        interval(report, None, None);
    }
    let more = if outcomes.is_empty() { "" } else { " more" };
    let unasked: Vec<&Row<'_>> = rows.iter().filter(|r| r.asked.is_none()).collect();
    if !unasked.is_empty() {
        let example = unasked[0];
        report.info(format!(
            "{}{more} {} no asked value: {}. Write the amount on the stage entry, like `proposed {} 12000 {}`, to count {} in the forecast.",
            words::thousands(unasked.len() as u64),
            if unasked.len() == 1 { "open deal has" } else { "open deals have" },
            list(unasked.iter().map(|r| format!("`{}`", r.deal.id))),
            example.deal.id,
            currency.unwrap_or("EUR"),
            if unasked.len() == 1 { "it" } else { "them" },
        ));
    }
    let unjudged: Vec<&Row<'_>> = rows
        .iter()
        .filter(|r| r.asked.is_some() && r.chance.n == 0)
        .collect();
    if !unjudged.is_empty() {
        report.info(format!(
            "{} no win probability yet, because no deal of the ledger has been won or lost from {} stage: {}.",
            count(unjudged.len(), "open deal has", "open deals have"),
            if unjudged.len() == 1 { "its" } else { "their" },
            list(unjudged.iter().map(|r| format!("`{}` ({})", r.deal.id, stages[r.stage]))),
        ));
    }
    for row in rows {
        let Some(typical) = row.typical else { continue };
        if Decimal::from(row.days_in_stage) <= typical * Decimal::TWO {
            continue;
        }
        let usual = if typical.is_zero() {
            "yours usually move on the same day".to_owned()
        } else {
            format!(
                "yours usually move on within {}",
                words::decimal(typical.round_dp(1).normalize())
            )
        };
        report.warning(format!(
            "`{}` has been at `{}` for {}; {usual}: follow up.",
            row.deal.id,
            stages[row.stage],
            count(row.days_in_stage as usize, "day", "days"),
        ));
    }
}

/// The distribution of a sum of independent outcomes, each bringing its
/// value with its probability, else nothing: the possible sums in
/// increasing order with their probabilities (all above 0).
#[derive(Debug, PartialEq)]
struct SumDistribution {
    points: Vec<(Decimal, f64)>,
    /// The grid the values were rounded to, for more than [`EXACT_DEALS`]
    /// outcomes; `None` when exact.
    grid: Option<Decimal>,
}

impl SumDistribution {
    fn of(outcomes: &[(Decimal, f64)]) -> SumDistribution {
        if outcomes.len() <= EXACT_DEALS {
            return SumDistribution {
                points: exact(outcomes),
                grid: None,
            };
        }
        let width = grid_width(outcomes, grid_cells(outcomes.len()));
        SumDistribution {
            points: on_grid(outcomes, width),
            grid: Some(width),
        }
    }

    /// The smallest sum s with P(S ≤ s) ≥ q. The running total is
    /// compared with a tolerance of 1e-9, so that float rounding in the
    /// probabilities (a total of 0.94999999999 for an exact 0.95) does not
    /// move the percentile to the next sum.
    fn percentile(&self, q: f64) -> Option<Decimal> {
        let mut total = 0.0;
        for &(sum, p) in &self.points {
            total += p;
            if total >= q - 1e-9 {
                return Some(sum);
            }
        }
        self.points.last().map(|&(sum, _)| sum)
    }
}

/// The exact distribution: a map from each possible sum to its
/// probability, one outcome at a time, equal sums merged.
fn exact(outcomes: &[(Decimal, f64)]) -> Vec<(Decimal, f64)> {
    let mut sums: BTreeMap<Decimal, f64> = BTreeMap::from([(Decimal::ZERO, 1.0)]);
    for &(value, p) in outcomes {
        let mut next: BTreeMap<Decimal, f64> = BTreeMap::new();
        for (&sum, &q) in &sums {
            // An outcome of probability 0 cannot be a percentile (the
            // sum before it reaches the same total first): left out.
            if p < 1.0 {
                *next.entry(sum).or_default() += q * (1.0 - p);
            }
            if p > 0.0 {
                // `normalize`: 10 and 10.00 are one sum.
                *next.entry((sum + value).normalize()).or_default() += q * p;
            }
        }
        sums = next;
    }
    sums.into_iter().collect()
}

/// How many grid steps the sums of `n` outcomes may span: at most 65,536,
/// and fewer as `n` grows, so that the work (n × steps) stays below 2^26
/// multiply-adds (some 50 ms) whatever the size of the pipeline.
fn grid_cells(n: usize) -> usize {
    ((1usize << 26) / n.max(1)).clamp(1 << 10, 1 << 16)
}

/// The smallest power of ten, from one cent up, in whose steps the range
/// of possible sums fits in `cells`.
fn grid_width(outcomes: &[(Decimal, f64)], cells: usize) -> Decimal {
    let span: Decimal = outcomes.iter().map(|(v, _)| v.abs()).sum();
    let mut width = Decimal::new(1, 2);
    while span / width > Decimal::from(cells) {
        width *= Decimal::TEN;
    }
    width
}

/// The distribution of the sum with every value rounded to a multiple of
/// `width` (half away from zero), in a dense array of grid steps.
fn on_grid(outcomes: &[(Decimal, f64)], width: Decimal) -> Vec<(Decimal, f64)> {
    let steps: Vec<(i64, f64)> = outcomes
        .iter()
        .map(|&(value, p)| {
            let step = (value / width)
                .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
                .to_i64()
                .unwrap_or(0);
            (step, p)
        })
        .collect();
    // Index 0 is the lowest possible sum (the negative steps all taken).
    let lowest: i64 = steps.iter().map(|&(s, _)| s.min(0)).sum();
    let len = steps
        .iter()
        .map(|&(s, _)| s.unsigned_abs() as usize)
        .sum::<usize>()
        + 1;
    let dist = convolve(&steps, lowest, len);
    dist.into_iter()
        .enumerate()
        .filter(|(_, q)| *q > 0.0)
        .map(|(i, q)| ((Decimal::from(i as i64 + lowest) * width).normalize(), q))
        .collect()
}

/// The chances of every sum of the `steps` (each taken with its chance),
/// index 0 standing for the sum `lowest`, in an array of `len`.
///
/// Only the part of the array that can hold a chance yet is visited: it
/// starts as the one point 0 and grows by each step, so a pipeline's sums
/// are found in about half the work of visiting the whole array at every
/// step (and the array is not cleared for every step). The same
/// multiply-adds in the same order as visiting it all (tested bit for bit
/// against that).
fn convolve(steps: &[(i64, f64)], lowest: i64, len: usize) -> Vec<f64> {
    let mut dist = vec![0.0; len];
    let mut next = vec![0.0; len];
    // `dist` is zero outside `lo..=hi`; `next` is zero everywhere.
    let (mut lo, mut hi) = ((-lowest) as usize, (-lowest) as usize);
    dist[lo] = 1.0;
    for &(step, p) in steps {
        for i in lo..=hi {
            let q = dist[i];
            if q > 0.0 {
                next[i] += q * (1.0 - p);
                let j = (i as i64 + step) as usize;
                next[j] += q * p;
            }
        }
        dist[lo..=hi].fill(0.0);
        std::mem::swap(&mut dist, &mut next);
        if step < 0 {
            lo -= step.unsigned_abs() as usize;
        } else {
            hi += step as usize;
        }
    }
    dist
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger, row};
    use crate::Context;
    use proptest::prelude::*;

    /// [`convolve`] as it was: every index visited at every step.
    fn convolve_all(steps: &[(i64, f64)], lowest: i64, len: usize) -> Vec<f64> {
        let mut dist = vec![0.0; len];
        dist[(-lowest) as usize] = 1.0;
        let mut next = vec![0.0; len];
        for &(step, p) in steps {
            next.iter_mut().for_each(|x| *x = 0.0);
            for (i, &q) in dist.iter().enumerate().filter(|(_, &q)| q > 0.0) {
                next[i] += q * (1.0 - p);
                let j = (i as i64 + step) as usize;
                next[j] += q * p;
            }
            std::mem::swap(&mut dist, &mut next);
        }
        dist
    }

    proptest! {
        /// Visiting only where chances can be gives the same bits.
        #[test]
        fn convolve_visits_only_the_support_with_the_same_bits(
            steps in prop::collection::vec((-40i64..40, prop_oneof![Just(0.0), Just(1.0), 0.0f64..1.0]), 0..30)
        ) {
            let lowest: i64 = steps.iter().map(|&(s, _)| s.min(0)).sum();
            let len = steps.iter().map(|&(s, _)| s.unsigned_abs() as usize).sum::<usize>() + 1;
            let ours: Vec<u64> = convolve(&steps, lowest, len).iter().map(|x| x.to_bits()).collect();
            let all: Vec<u64> = convolve_all(&steps, lowest, len).iter().map(|x| x.to_bits()).collect();
            prop_assert_eq!(ours, all);
        }
    }

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    /// Every one of the 2^n outcomes, summed; equal sums merged.
    fn brute_force(outcomes: &[(Decimal, f64)]) -> BTreeMap<Decimal, f64> {
        let mut sums = BTreeMap::new();
        for mask in 0u32..(1 << outcomes.len()) {
            let (mut sum, mut p) = (Decimal::ZERO, 1.0);
            for (i, &(value, chance)) in outcomes.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    sum += value;
                    p *= chance;
                } else {
                    p *= 1.0 - chance;
                }
            }
            if p > 0.0 {
                *sums.entry(sum.normalize()).or_insert(0.0) += p;
            }
        }
        sums
    }

    proptest! {
        /// The dynamic programme gives the distribution of enumerating
        /// every outcome: the same sums, the same probabilities.
        #[test]
        fn the_sum_distribution_is_that_of_every_outcome(
            outcomes in prop::collection::vec(
                (0i64..5_000_000, prop_oneof![Just(0.0), Just(1.0), Just(0.5), 0.0f64..=1.0]),
                0..=8,
            ),
        ) {
            // Cents, with repeats (so equal sums merge).
            let outcomes: Vec<(Decimal, f64)> = outcomes
                .into_iter()
                .map(|(cents, p)| (Decimal::new(cents % 7 * 100_000 + cents % 3, 2), p))
                .collect();
            let ours = SumDistribution::of(&outcomes);
            prop_assert_eq!(ours.grid, None);
            let expected = brute_force(&outcomes);
            prop_assert_eq!(
                ours.points.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
                expected.keys().copied().collect::<Vec<_>>()
            );
            for ((_, p), q) in ours.points.iter().zip(expected.values()) {
                prop_assert!((p - q).abs() < 1e-12, "{} {}", p, q);
            }
            let total: f64 = ours.points.iter().map(|(_, p)| p).sum();
            prop_assert!((total - 1.0).abs() < 1e-9);
            // The grid of many deals, on values that lie on it, is the
            // exact distribution too.
            let thousands: Vec<(Decimal, f64)> = outcomes
                .iter()
                .map(|&(v, p)| ((v / Decimal::ONE_THOUSAND).trunc() * Decimal::ONE_THOUSAND, p))
                .collect();
            let grid = on_grid(&thousands, Decimal::ONE_THOUSAND);
            let exact = exact(&thousands);
            prop_assert_eq!(
                grid.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
                exact.iter().map(|(s, _)| *s).collect::<Vec<_>>()
            );
            for ((_, p), (_, q)) in grid.iter().zip(&exact) {
                prop_assert!((p - q).abs() < 1e-12, "{} {}", p, q);
            }
        }
    }

    /// Two deals, 10,000 at 1 in 2 and 20,000 at 1 in 4: sums 0 (0.375),
    /// 10,000 (0.375), 20,000 (0.125), 30,000 (0.125). The running total
    /// reaches 0.05 at 0 and 0.95 only at 30,000.
    #[test]
    fn percentiles_by_hand() {
        let sum = SumDistribution::of(&[(d(10_000), 0.5), (d(20_000), 0.25)]);
        assert_eq!(
            sum.points,
            [
                (d(0), 0.375),
                (d(10_000), 0.375),
                (d(20_000), 0.125),
                (d(30_000), 0.125)
            ]
        );
        assert_eq!(sum.percentile(LOW), Some(d(0)));
        assert_eq!(sum.percentile(0.375), Some(d(0)));
        assert_eq!(sum.percentile(0.376), Some(d(10_000)));
        assert_eq!(sum.percentile(0.875), Some(d(20_000)));
        assert_eq!(sum.percentile(HIGH), Some(d(30_000)));
    }

    /// Past [`EXACT_DEALS`] deals the sums lie on a grid, and the
    /// distribution is that of the rounded asks, still a distribution.
    #[test]
    fn many_deals_are_summed_on_a_grid() {
        // 40 asks of 1,234.56, 49,382.40 in all, in at most 65,536 steps
        // (2^26 / 40 is more): not 4,938,240 cents, not 493,824 tenths of
        // a euro, but 49,383 euros.
        let outcomes = vec![(Decimal::new(123_456, 2), 0.5); 40];
        let sum = SumDistribution::of(&outcomes);
        assert_eq!(sum.grid, Some(d(1)));
        assert_eq!(sum.points.len(), 41, "0 to 40 wins");
        assert_eq!(sum.points[1].0, d(1235), "1,234.56 rounds to 1,235");
        let total: f64 = sum.points.iter().map(|(_, p)| p).sum();
        assert!((total - 1.0).abs() < 1e-12);
        // Binomial(40, 1/2): P(S ≤ 14 wins) = 0.0403, P(S ≤ 15) = 0.0769.
        assert_eq!(sum.percentile(LOW), Some(d(15 * 1235)));
        assert_eq!(sum.percentile(HIGH), Some(d(25 * 1235)));
        // The same on the exact path with 16 deals and the grid at 17.
        assert_eq!(SumDistribution::of(&outcomes[..16]).grid, None);
        assert!(SumDistribution::of(&outcomes[..17]).grid.is_some());
        // Many deals: fewer steps, the work bounded.
        assert_eq!(grid_cells(10_000), 6_710);
        assert_eq!(grid_cells(1), 65_536);
    }

    fn pipeline(text: &str, as_of: &str) -> Report {
        let l = ledger(text);
        Pipeline.run(&Run::new(&l, Context::new(&l, date(as_of))))
    }

    /// A channel's own record stands from 5 decided deals for the step;
    /// with 4, the record of all channels does.
    #[test]
    fn the_channels_own_record_needs_five_decided_deals() {
        let history = |lost_in_x: usize| {
            let mut text = String::from("option currency EUR\n");
            // x: one won from `proposed`, then `lost_in_x` lost; y: 5 won.
            text.push_str(
                "2026-01-01 lead x0 via x\n2026-01-02 proposed x0 1 EUR\n2026-01-03 won x0 1 EUR\n",
            );
            for i in 1..=lost_in_x {
                text.push_str(&format!("2026-01-01 lead x{i} via x\n2026-01-02 proposed x{i} 1 EUR\n2026-01-03 lost x{i}\n"));
            }
            for i in 0..5 {
                text.push_str(&format!("2026-01-01 lead y{i} via y\n2026-01-02 proposed y{i} 1 EUR\n2026-01-03 won y{i} 1 EUR\n"));
            }
            // A declined deal in x is not decided; an open one neither.
            text.push_str(
                "2026-01-01 lead xd via x\n2026-01-02 proposed xd\n2026-01-03 declined xd\n",
            );
            text.push_str("2026-06-01 lead open via x\n2026-06-10 proposed open 1000 EUR\n");
            text
        };
        // x has 1 + 3 = 4 decided deals from `proposed`: all channels
        // count, 1 + 5 won of 4 + 5 decided.
        let report = pipeline(&history(3), "2026-06-20");
        assert_eq!(
            row(&report, "open", "win_probability"),
            [Cell::Rate { k: 6, n: 9 }]
        );
        assert_eq!(
            row(&report, "open", "expected_value"),
            [Cell::money(Decimal::new(66667, 2))]
        );
        // With 5, its own record: 1 of 5.
        let report = pipeline(&history(4), "2026-06-20");
        assert_eq!(
            row(&report, "open", "win_probability"),
            [Cell::Rate { k: 1, n: 5 }]
        );
        assert_eq!(
            row(&report, "open", "expected_value"),
            [Cell::money(d(200))]
        );
    }

    /// Stale, closed and reopened deals; typical days over the whole
    /// ledger; the `*` row; the follow-up rule (more than twice).
    #[test]
    fn rows_findings_and_the_follow_up_rule() {
        let report = pipeline(
            "option currency EUR\noption stale-after 60d\n\
             2026-01-01 lead w1 via x\n2026-01-05 proposed w1 500 EUR\n2026-01-15 won w1 500 EUR\n\
             2026-01-01 lead w2 via x\n2026-01-05 proposed w2 500 EUR\n2026-01-15 lost w2\n\
             2026-05-01 lead late via x\n2026-05-20 proposed late 1000 EUR\n\
             2026-06-01 lead soon via x\n2026-06-15 proposed soon 3000 EUR\n\
             2026-06-01 lead re via x\n2026-06-02 lost re\n2026-06-03 reopened re\n\
             2026-01-01 lead gone via x\n\
             2026-06-10 lead rate via x\n2026-06-12 proposed rate at 900 EUR/day\n",
            "2026-06-20",
        );
        let deals: Vec<&Cell> = report.rows.iter().map(|r| &r[0]).collect();
        // soon 1,500, late 500, then re and rate without an ask (by id);
        // gone is stale.
        assert_eq!(
            deals,
            ["soon", "late", "rate", "re", "*"]
                .map(Cell::text)
                .iter()
                .collect::<Vec<_>>()
        );
        // proposed → won: w1 after 10 days, w2 never: typical 10 days.
        assert_eq!(row(&report, "late", "typical_days"), [Cell::Days(10.0)]);
        assert_eq!(row(&report, "late", "days_in_stage"), [Cell::Days(31.0)]);
        assert_eq!(row(&report, "soon", "days_in_stage"), [Cell::Days(5.0)]);
        // lead → contacted: w1 4, w2 4, late 19, soon 14, rate 2 days
        // (`proposed` reaches `contacted` too): median 4. `re`, reopened,
        // is open again and back at `lead`: 1 won of 3 decided (w2 lost,
        // `gone` stale).
        assert_eq!(row(&report, "re", "typical_days"), [Cell::Days(4.0)]);
        assert_eq!(
            row(&report, "re", "win_probability"),
            [Cell::Rate { k: 1, n: 3 }]
        );
        assert_eq!(row(&report, "rate", "asked_value"), [Cell::Empty]);
        assert_eq!(row(&report, "*", "channel"), [Cell::text("4 deals")]);
        assert_eq!(row(&report, "*", "asked_value"), [Cell::money(d(4000))]);
        assert_eq!(row(&report, "*", "expected_value"), [Cell::money(d(2000))]);
        let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                // soon: 3,000 at 1/2; late: 1,000 at 1/2: 0 (1/4), 1,000
                // (1/4), 3,000 (1/4), 4,000 (1/4).
                "2 open deals ask 4,000 EUR; expect about 2,000 EUR (90%: between 0 and 4,000 EUR).",
                "2 more open deals have no asked value: `rate`, `re`. Write the amount on the stage entry, like `proposed rate 12000 EUR`, to count them in the forecast.",
                // late: 31 > 2 × 10; re: 19 days at `lead` > 2 × 4.
                "`late` has been at `proposed` for 31 days; yours usually move on within 10: follow up.",
                "`re` has been at `lead` for 19 days; yours usually move on within 4: follow up.",
            ]
        );
    }

    #[test]
    fn an_empty_pipeline_says_so() {
        let report = pipeline("2026-01-01 lead a via x\n2026-01-02 lost a\n", "2026-06-20");
        assert_eq!(report.rows.len(), 1);
        assert_eq!(
            report.findings[0].message,
            "No deal of the cohort is open on 2026-06-20: there is nothing in the pipeline to forecast."
        );
    }
}
