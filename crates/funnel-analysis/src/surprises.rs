//! `surprises`: assumptions against reality.
//!
//! ## What it does
//! Every `assume` entry dated on or before the as-of date is held against
//! its evidence: the deals whose `lead` lies between the assumption's date
//! and the as-of date (for `volume`, the stage entries so dated), of its
//! `via` channel and sub-channels. `--from`/`--to` do not narrow it. Each
//! row gives the observed value, the number of observations n, the 90%
//! Wilson interval (for proportions), the exact two-sided p-value, the
//! surprise in bits (−log2 p) and a verdict; rows are sorted most
//! surprising first, ties in file order, assumptions without evidence last.
//!
//! | metric | n, k | test |
//! |---|---|---|
//! | `conversion` | n = decided(FROM→TO), k = reached(TO) | Binomial(n, claim) |
//! | `cycle` | days from reaching FROM to TO; sign test | Binomial(n, 1/2) |
//! | `value` | values of won deals; sign test | Binomial(n, 1/2) |
//! | `volume` | k = deals reaching STAGE in the window | Poisson(claim × elapsed) |
//! | `share` | n = won deals (all channels), k = those via the channel | Binomial(n, claim) |
//!
//! With `--channel C`, only assumptions `via` C or one of its sub-channels
//! are shown: an assumption about all deals cannot be judged on a part.
//!
//! ## Why
//! Writing down what you expect and checking it later is how a freelancer
//! learns which beliefs about their business are wrong. Small counts make
//! bare percentages misleading, so every verdict comes from an exact test.
//!
//! ## Findings
//! The biggest surprise in plain words with natural frequencies ("You
//! expected about 1 in 10 … It was 1 in 15 (n = 15) …"), with how often
//! one of the m assumptions with evidence would look that far off by
//! chance, 1 − (1 − p)^m; then every other assumption that does not hold,
//! then those without evidence yet.

use std::collections::HashMap;

use chrono::NaiveDate;
use funnel_ledger::model::{Assumption, Entry, EntryKind, Metric};
use funnel_ledger::value::DurationUnit;
use funnel_ledger::Ledger;
use rust_decimal::Decimal;

use crate::context::{within, Context};
use crate::deals::{self, Conversion, DealFacts};
use crate::report::{Cell, Column, Kind, Report};
use crate::stats::{self, Verdict};
use crate::words::{self, about, chance, f64_of, in_words, list, money};
use crate::{Analysis, Run};

pub struct Surprises;

impl Analysis for Surprises {
    fn name(&self) -> &'static str {
        "surprises"
    }

    fn description(&self) -> &'static str {
        "assumptions against reality: exact tests, surprise in bits, most surprising first"
    }

    fn run(&self, run: &Run<'_>) -> Report {
        let (ledger, ctx) = (run.ledger(), run.ctx());
        let columns = vec![
            Column::new("assumption", "assumption", Kind::Text),
            Column::new("source", "source", Kind::Text).optional(4),
            Column::new("metric", "metric", Kind::Text).optional(5),
            Column::new("channel", "channel", Kind::Text).optional(5),
            Column::new("assumed", "assumed", Kind::Mixed).optional(3),
            Column::new("observed", "observed", Kind::Mixed),
            Column::new("n", "n", Kind::Count),
            // The header reads "90% interval" over the two bounds.
            Column::new("interval_low", "90%\nlow", Kind::Ratio).optional(2),
            Column::new("interval_high", "interval\nhigh", Kind::Ratio).optional(2),
            Column::new("p_value", "p", Kind::PValue),
            Column::new("surprise_bits", "bits", Kind::Bits),
            Column::new("verdict", "verdict", Kind::Text),
        ];
        let mut report = Report::new(
            self.name(),
            "Surprises: your assumptions against what happened",
            ctx,
            columns,
        );
        // Each assumption's evidence runs from its own date to the as-of
        // date; the period does not narrow it, so the report says so.
        report.from = None;
        report.to = ctx.as_of;
        let facts = run.facts();
        let keys = Keys::of(facts);
        // One buffer for every assumption's evidence (a fresh one each time
        // was a megabyte of new pages per assumption on a big ledger).
        let mut evidence = Vec::new();
        let assumptions: Vec<(&Entry, &Assumption)> = ledger
            .entries
            .iter()
            .filter(|e| e.date <= ctx.as_of)
            .filter_map(|entry| match &entry.kind {
                EntryKind::Assume(assumption) => Some((entry, &**assumption)),
                _ => None,
            })
            .filter(|(_, a)| match (&ctx.channel, &a.channel) {
                (None, _) => true,
                (Some(filter), Some(via)) => within(&via.value, filter),
                (Some(_), None) => false,
            })
            .collect();
        // Every `file:line` at once (one count of the file's lines).
        let spans: Vec<_> = assumptions.iter().map(|(entry, _)| entry.span).collect();
        let mut evaluations: Vec<Evaluation> = assumptions
            .iter()
            .zip(ledger.sources.lines(&spans))
            .map(|(&(entry, assumption), (file, line))| {
                let mut e = evaluate(ledger, ctx, facts, &keys, &mut evidence, entry, assumption);
                e.source = format!("{file}:{line}");
                e
            })
            .collect();
        // Most surprising first; a stable sort keeps file order for ties.
        // Assumptions without evidence have no p-value and come last.
        evaluations.sort_by(|a, b| {
            b.bits()
                .unwrap_or(-1.0)
                .total_cmp(&a.bits().unwrap_or(-1.0))
        });

        for e in &evaluations {
            let (low, high) = e.interval.map_or((Cell::Empty, Cell::Empty), |(l, h)| {
                (Cell::Fraction(l), Cell::Fraction(h))
            });
            report.rows.push(vec![
                Cell::text(e.text.clone()),
                Cell::text(e.source.clone()),
                Cell::text(e.metric),
                e.channel.clone().map_or(Cell::Empty, Cell::Text),
                e.assumed.clone(),
                e.observed.clone(),
                Cell::Count(e.n),
                low,
                high,
                e.p.map_or(Cell::Empty, Cell::Number),
                e.bits().map_or(Cell::Empty, Cell::Number),
                Cell::text(e.verdict.as_str()),
            ]);
        }
        findings(&mut report, &evaluations);
        report
    }
}

/// One assumption held against its evidence.
struct Evaluation {
    text: String,
    source: String,
    metric: &'static str,
    channel: Option<String>,
    assumed: Cell,
    observed: Cell,
    n: u64,
    interval: Option<(f64, f64)>,
    /// `None`: no evidence.
    p: Option<f64>,
    verdict: Verdict,
    /// The finding: what was expected, what happened, how likely by chance.
    sentence: String,
}

impl Evaluation {
    fn bits(&self) -> Option<f64> {
        self.p.map(stats::surprise_bits)
    }
}

/// What the assumptions' scans test of each deal, compact (20 bytes a
/// deal, the channel as a number, the furthest stage reached) so that a
/// big ledger's scans, several per assumption, stay in the processor's
/// cache; a deal's full facts are read only for the few numbers that need
/// them (a cycle's dates, a won deal's value).
struct Keys {
    /// The distinct channels of the deals.
    channels: Vec<&'static str>,
    /// Per deal, in the order of the facts.
    deals: Vec<Key>,
    /// Per channel, its deals as (lead date, index into `deals`), sorted,
    /// so that an assumption's evidence (the wanted channels' deals led
    /// since a date) is a few slices found by binary search, where each
    /// assumption scanned every deal (70 of them over a terse million's
    /// 141,000 deals).
    by_lead: Vec<Vec<(NaiveDate, u32)>>,
}

struct Key {
    lead: NaiveDate,
    /// When it reached the first stage: its lead's date, unless an entry
    /// is dated before the lead (an error `check` reports).
    first: Option<NaiveDate>,
    /// Index in [`Keys::channels`].
    channel: u32,
    /// Its furthest stage: it reached every stage up to this one
    /// ([`DealFacts::furthest`]).
    furthest: usize,
    won: bool,
    open: bool,
}

impl Keys {
    fn of(facts: &[DealFacts]) -> Keys {
        // By the channel name's number: no hashing of its text per deal.
        let mut ids: HashMap<usize, u32, foldhash::fast::RandomState> = HashMap::default();
        let mut channels = Vec::new();
        let deals = facts
            .iter()
            .map(|deal| {
                let channel = *ids.entry(deal.channel.key()).or_insert_with(|| {
                    channels.push(deal.channel.as_str());
                    (channels.len() - 1) as u32
                });
                Key {
                    lead: deal.lead_date,
                    first: deal.reached_on.first().copied().flatten(),
                    channel,
                    furthest: deal.furthest(),
                    won: deal.is_won(),
                    open: deal.undecided(),
                }
            })
            .collect::<Vec<Key>>();
        let mut by_lead = vec![Vec::new(); channels.len()];
        for (i, key) in deals.iter().enumerate() {
            by_lead[key.channel as usize].push((key.lead, i as u32));
        }
        for group in &mut by_lead {
            group.sort_unstable();
        }
        Keys {
            channels,
            deals,
            by_lead,
        }
    }

    /// The deals of the channels `wanted` (by index in [`Keys::channels`])
    /// led on or after `since`, into `out`: channel by channel, each by
    /// lead date (every use of the evidence counts or takes a median, so
    /// its order does not matter).
    fn led_since(&self, wanted: &[bool], since: NaiveDate, out: &mut Vec<usize>) {
        out.clear();
        for (group, _) in self.by_lead.iter().zip(wanted).filter(|(_, &w)| w) {
            let start = group.partition_point(|&(lead, _)| lead < since);
            out.extend(group[start..].iter().map(|&(_, i)| i as usize));
        }
    }

    /// Whether deal `i` reached `stage`: [`DealFacts::reached`].
    fn reached(&self, i: usize, stage: usize) -> bool {
        stage <= self.deals[i].furthest
    }

    /// [`deals::conversion`] of the deals `evidence`, from their keys.
    fn conversion(&self, evidence: &[usize], from: usize, to: usize) -> Conversion {
        let mut c = Conversion::default();
        for &i in evidence {
            c.count(
                self.reached(i, from),
                self.reached(i, to),
                self.deals[i].open,
            );
        }
        c
    }
}

fn evaluate(
    ledger: &Ledger,
    ctx: &Context,
    facts: &[DealFacts],
    keys: &Keys,
    evidence: &mut Vec<usize>,
    entry: &Entry,
    assumption: &Assumption,
) -> Evaluation {
    let since = entry.date;
    let via = assumption.channel.as_ref().map(|c| c.value.as_str());
    let wanted: Vec<bool> = keys
        .channels
        .iter()
        .map(|channel| via.is_none_or(|c| within(channel, c)))
        .collect();
    let of_channel = |key: &Key| wanted[key.channel as usize];
    // The evidence deals (their indices in `facts` and `keys.deals`): lead
    // in [assumption date, as-of], of the channel.
    keys.led_since(&wanted, since, evidence);
    let evidence = &evidence[..];
    let currency = ctx.currency.map(|c| c.to_string());
    let currency = currency.as_deref();
    let via_words = via.map(|c| format!(" via `{c}`")).unwrap_or_default();
    let mut e = Evaluation {
        text: assumption.text.clone(),
        // Set by the caller, which finds every assumption's line at once.
        source: String::new(),
        metric: assumption.metric.name(),
        channel: via.map(str::to_owned),
        assumed: Cell::Empty,
        observed: Cell::Empty,
        n: 0,
        interval: None,
        p: None,
        verdict: Verdict::NoEvidence,
        sentence: String::new(),
    };
    let stage = |name: &str| ledger.stages.index(name).unwrap_or(0);
    match &assumption.metric {
        Metric::Conversion { from, to, percent } => {
            let p0 = fraction(*percent);
            let c = keys.conversion(evidence, stage(from), stage(to));
            let subject = if stage(from) == 0 {
                "leads".to_owned()
            } else {
                format!("deals that reached `{}`", from.value)
            };
            let goal = if stage(to) == ledger.stages.won() {
                "to be won".to_owned()
            } else {
                format!("to reach `{}`", to.value)
            };
            e.assumed = Cell::Fraction(p0);
            let expected = format!("You expected {} {subject}{via_words} {goal}.", about(p0));
            proportion(&mut e, c.k as u64, c.n as u64, p0, expected, since);
        }
        Metric::Share { percent } => {
            let p0 = fraction(*percent);
            // The share is of all won deals, so the evidence is not
            // restricted to the channel here.
            let mut led = Vec::new();
            keys.led_since(&vec![true; keys.channels.len()], since, &mut led);
            let won = led.iter().map(|&i| &keys.deals[i]).filter(|k| k.won);
            let (n, k) = won.fold((0, 0), |(n, k), key| {
                (n + 1, k + u64::from(of_channel(key)))
            });
            e.assumed = Cell::Fraction(p0);
            let expected = format!("You expected {} won deals to come{via_words}.", about(p0));
            proportion(&mut e, k, n, p0, expected, since);
        }
        Metric::Cycle { from, to, duration } => {
            let claim = duration.days();
            let (from_stage, to_stage) = (stage(from), stage(to));
            let days: Vec<Decimal> = evidence
                .iter()
                .filter(|&&i| keys.reached(i, from_stage) && keys.reached(i, to_stage))
                .filter_map(|&i| facts[i].days_between(from_stage, to_stage))
                .map(Decimal::from)
                .collect();
            e.assumed = Cell::Days(f64_of(claim));
            let show = |d: Decimal| format!("{} days", words::decimal(d.round_dp(1).normalize()));
            let expected = format!(
                "You expected a median of {} from `{}` to `{}`{via_words}.",
                show(claim),
                from.value,
                to.value
            );
            let claim = MedianClaim {
                claim,
                expected,
                noun: "deals",
                above: "took longer",
                below: "were quicker",
                show: &show,
                cell: |d| Cell::Days(f64_of(d)),
            };
            median(&mut e, days, claim, since);
        }
        Metric::Value { amount } => {
            let claim = ledger
                .to_base(amount.value, entry.date)
                .unwrap_or(Decimal::ZERO);
            let values: Vec<Decimal> = evidence
                .iter()
                .filter(|&&i| keys.deals[i].won)
                .map(|&i| facts[i].value)
                .collect();
            e.assumed = Cell::money(claim);
            let show = |d: Decimal| money(d, currency);
            let expected = format!(
                "You expected a median won deal{via_words} of {}.",
                show(claim)
            );
            let claim = MedianClaim {
                claim,
                expected,
                noun: "won deals",
                above: "above",
                below: "below",
                show: &show,
                cell: Cell::money,
            };
            median(&mut e, values, claim, since);
        }
        Metric::Volume {
            stage: name,
            frequency,
        } => {
            let per_days = frequency.per.days();
            let elapsed = f64_of(Decimal::from((ctx.as_of - since).num_days()) / per_days);
            let stage = stage(name);
            let k = keys
                .by_lead
                .iter()
                .zip(&wanted)
                .filter(|(_, &wanted)| wanted)
                .flat_map(|(group, _)| group)
                .map(|&(_, i)| (i as usize, &keys.deals[i as usize]))
                .filter(|&(i, _)| keys.reached(i, stage))
                .filter(|&(i, key)| {
                    let date = if stage == 0 {
                        key.first
                    } else {
                        facts[i].reached_on[stage]
                    };
                    date.is_some_and(|date| date >= since && date <= ctx.as_of)
                })
                .count() as u64;
            let claim = f64_of(frequency.count);
            let unit = per_word(frequency.per);
            let what = if stage == 0 {
                format!("new leads{via_words}")
            } else {
                format!("deals{via_words} to reach `{}`", name.value)
            };
            e.assumed = Cell::Frequency {
                value: claim,
                per: frequency.per,
            };
            e.n = k;
            let expected = format!(
                "You expected about {} {what} a {unit}.",
                words::number(claim, 1)
            );
            if elapsed <= 0.0 {
                e.sentence =
                    format!("{expected} No time has passed since you wrote it down on {since}.");
                return e;
            }
            let observed = k as f64 / elapsed;
            e.observed = Cell::Frequency {
                value: observed,
                per: frequency.per,
            };
            let lambda = claim * elapsed;
            let p = stats::poisson_p(k, lambda);
            e.p = Some(p);
            e.verdict = Verdict::judge(p, k as f64 > lambda);
            e.sentence = format!(
                "{expected} There were {} a {unit} ({k} since {since}). If {} a {unit} were true, a result this far off would happen {}: {}.",
                words::number(observed, 1),
                words::number(claim, 1),
                chance(p),
                advice(p),
            );
        }
    }
    e
}

/// Binomial test of k of n against p0, with the Wilson interval.
fn proportion(e: &mut Evaluation, k: u64, n: u64, p0: f64, expected: String, since: NaiveDate) {
    e.n = n;
    if n == 0 {
        e.sentence = format!("{expected} No deal has been decided on it since {since}.");
        return;
    }
    let p = stats::binomial_p(k, n, p0);
    e.observed = Cell::Rate { k, n };
    e.interval = stats::wilson(k, n);
    e.p = Some(p);
    e.verdict = Verdict::judge(p, (k as f64) > p0 * n as f64);
    e.sentence = format!(
        "{expected} It was {} (n = {n}). If {} were true, a result this far off would happen {}: {}.",
        in_words(k, n),
        words::frequency(p0),
        chance(p),
        advice(p),
    );
}

/// A claimed median and the words to talk about it.
struct MedianClaim<'a> {
    claim: Decimal,
    /// The sentence saying what was expected.
    expected: String,
    /// What the observations are: "deals", "won deals".
    noun: &'a str,
    /// How observations above and below the claim are called.
    above: &'a str,
    below: &'a str,
    show: &'a dyn Fn(Decimal) -> String,
    cell: fn(Decimal) -> Cell,
}

/// Sign test of a claimed median.
fn median(
    e: &mut Evaluation,
    observations: Vec<Decimal>,
    claim: MedianClaim<'_>,
    since: NaiveDate,
) {
    let test = stats::sign_test(&observations, &claim.claim);
    let count = observations.len();
    e.n = test.n;
    let Some(observed) = deals::median(observations) else {
        e.sentence = format!(
            "{} No {} to judge it by since {since}.",
            claim.expected, claim.noun
        );
        return;
    };
    e.observed = (claim.cell)(observed);
    e.p = Some(test.p);
    let below = test.n - test.above;
    e.verdict = Verdict::judge(test.p, test.above > below);
    e.sentence = format!(
        "{} The median was {} over {count} {}: {} {}, {below} {}. If {} were the median, a result this far off would happen {}: {}.",
        claim.expected,
        (claim.show)(observed),
        claim.noun,
        test.above,
        claim.above,
        claim.below,
        (claim.show)(claim.claim),
        chance(test.p),
        advice(test.p),
    );
}

/// What to do about a p-value.
fn advice(p: f64) -> &'static str {
    if p >= 0.5 {
        "the data fit it"
    } else if p >= stats::ALPHA {
        "keep watching"
    } else if p >= 0.01 {
        "probably not chance, look into it"
    } else {
        "hardly chance, time to revise it"
    }
}

/// The chance that at least one of `m` true assumptions looks as far off
/// as a p-value of `p`: 1 − (1 − p)^m, computed so that a tiny p keeps its
/// digits.
fn any_of(p: f64, m: usize) -> f64 {
    let m = m as f64;
    (-(m * (-p.clamp(0.0, 1.0)).ln_1p()).exp_m1()).clamp(0.0, 1.0)
}

fn fraction(percent: Decimal) -> f64 {
    (f64_of(percent) / 100.0).clamp(0.0, 1.0)
}

fn per_word(unit: DurationUnit) -> &'static str {
    match unit {
        DurationUnit::Days => "day",
        DurationUnit::Weeks => "week",
        DurationUnit::Months => "month",
        DurationUnit::Years => "year",
    }
}

fn findings(report: &mut Report, evaluations: &[Evaluation]) {
    if evaluations.is_empty() {
        report.info(
            "No assumptions to check. Write down what you expect before the evidence comes in, like \
             `2026-01-01 assume conversion lead->won 20%`, and this report will hold it against what happens.",
        );
        return;
    }
    let (judged, unjudged): (Vec<&Evaluation>, Vec<&Evaluation>) =
        evaluations.iter().partition(|e| e.p.is_some());
    match judged.first() {
        Some(first) => {
            let mut message = format!("Biggest surprise: {}", first.sentence);
            if let (Some(p), m @ 2..) = (first.p, judged.len()) {
                message.push_str(&format!(
                    " With {m} assumptions tested, one this far off happens by chance {}.",
                    chance(any_of(p, m))
                ));
            }
            if first.verdict == Verdict::Holds {
                report.info(message);
            } else {
                report.warning(message);
            }
        }
        None => report.info(format!(
            "None of your {} assumptions has evidence yet.",
            evaluations.len()
        )),
    }
    for e in judged
        .iter()
        .skip(1)
        .filter(|e| e.verdict != Verdict::Holds)
    {
        report.warning(e.sentence.clone());
    }
    if !unjudged.is_empty() && !judged.is_empty() {
        report.info(format!(
            "No evidence yet for {}.",
            list(
                unjudged
                    .iter()
                    .map(|e| format!("`{}` ({})", e.text, e.source))
            )
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger};

    fn column(report: &Report, name: &str) -> Vec<Cell> {
        let index = report.column(name).unwrap();
        report.rows.iter().map(|r| r[index].clone()).collect()
    }

    /// The evidence found by binary search in each channel's deals is the
    /// set a scan of every deal finds: leads on many dates (several a
    /// day, out of date order in the file, on the cut date itself), every
    /// set of channels, cut dates before, on, between and after the leads.
    #[test]
    fn evidence_by_lead_is_the_scan() {
        let mut text = String::new();
        for d in 0..120 {
            let day = 1 + (d * 13) % 28;
            let month = 1 + (d * 7) % 3;
            text.push_str(&format!(
                "2026-0{month}-{day:02} lead d{d} via ch{}\n",
                (d * 5) % 4
            ));
        }
        let l = ledger(&text);
        let facts = deals::facts(&l, date("2026-06-30"));
        let keys = Keys::of(&facts);
        assert_eq!(keys.channels.len(), 4);
        let mut evidence = Vec::new();
        for since in [
            "2025-12-31",
            "2026-01-01",
            "2026-01-14",
            "2026-02-01",
            "2026-02-28",
            "2026-03-28",
            "2026-03-29",
        ] {
            let since = date(since);
            for set in 0..16u32 {
                let wanted: Vec<bool> = (0..4).map(|c| set & (1 << c) != 0).collect();
                keys.led_since(&wanted, since, &mut evidence);
                evidence.sort_unstable();
                let scan: Vec<usize> = (0..keys.deals.len())
                    .filter(|&i| {
                        let key = &keys.deals[i];
                        key.lead >= since && wanted[key.channel as usize]
                    })
                    .collect();
                assert_eq!(evidence, scan, "{since} {set:04b}");
            }
        }
    }

    /// The compact keys answer as the facts do: stages reached (40 of
    /// them), conversions, wins, the first stage's date.
    #[test]
    fn keys_agree_with_the_facts() {
        let stages: Vec<String> = (1..=40).map(|i| format!("s{i}")).collect();
        let mut text = format!("stages {}\n", stages.join(" "));
        for d in 0..30 {
            text.push_str(&format!("2026-01-01 lead d{d} via ch{}\n", d % 3));
            let furthest = (d * 7) % 41;
            if furthest > 0 {
                text.push_str(&format!("2026-01-0{} s{furthest} d{d}\n", 2 + d % 5));
            }
            match d % 4 {
                0 => text.push_str(&format!("2026-02-01 won d{d} 10 EUR\n")),
                1 => text.push_str(&format!("2026-02-01 lost d{d}\n")),
                _ => {}
            }
        }
        let l = ledger(&text);
        let facts = deals::facts(&l, date("2026-06-30"));
        let keys = Keys::of(&facts);
        let all: Vec<usize> = (0..facts.len()).collect();
        let refs: Vec<&DealFacts> = facts.iter().collect();
        for (i, (fact, key)) in facts.iter().zip(&keys.deals).enumerate() {
            assert_eq!(key.won, fact.is_won());
            assert_eq!(key.open, fact.undecided());
            assert_eq!(key.first, fact.reached_on[0]);
            for stage in 0..=l.stages.won() {
                assert_eq!(
                    keys.reached(i, stage),
                    fact.reached(stage),
                    "{} {stage}",
                    fact.id
                );
            }
        }
        for (from, to) in [
            (0, 1),
            (0, 41),
            (5, 33),
            (31, 32),
            (33, 40),
            (40, 41),
            (0, 0),
        ] {
            assert_eq!(
                keys.conversion(&all, from, to),
                deals::conversion(&refs, from, to),
                "{from} → {to}"
            );
        }
    }

    #[test]
    fn units_of_claims() {
        // 6w is 42 days; 100 USD on 2026-01-01 at 0.9 is 90 EUR; 2/w per week.
        let l = ledger(
            "option currency EUR\n2026-01-01 price USD 0.9 EUR\n2026-02-01 price USD 0.5 EUR\n\
             2026-01-01 assume cycle lead->won 6w\n2026-01-01 assume value 100 USD\n\
             2026-01-01 assume volume lead 2/w\n2026-01-08 lead a via x\n",
        );
        let report = Surprises.run(&Run::new(&l, Context::new(&l, date("2026-01-15"))));
        let assumed = column(&report, "assumed");
        let texts = column(&report, "assumption");
        let of = |text: &str| {
            assumed[texts.iter().position(|t| *t == Cell::text(text)).unwrap()].clone()
        };
        assert_eq!(of("cycle lead->won 6w"), Cell::Days(42.0));
        assert_eq!(of("value 100 USD"), Cell::money(Decimal::from(90)));
        // 14 days = 2 weeks elapsed, 1 lead: observed 0.5 a week.
        let volume = texts
            .iter()
            .position(|t| *t == Cell::text("volume lead 2/w"))
            .unwrap();
        assert_eq!(
            report.rows[volume][5],
            Cell::Frequency {
                value: 0.5,
                per: DurationUnit::Weeks
            }
        );
    }

    #[test]
    fn no_time_elapsed_is_no_evidence_for_a_volume() {
        let l = ledger("2026-01-01 assume volume lead 8/mo\n2026-01-01 lead a via x\n");
        let report = Surprises.run(&Run::new(&l, Context::new(&l, date("2026-01-01"))));
        assert_eq!(column(&report, "verdict"), [Cell::text("no evidence")]);
        assert_eq!(column(&report, "p_value"), [Cell::Empty]);
        assert_eq!(column(&report, "n"), [Cell::Count(1)]);
    }

    #[test]
    fn medians_all_equal_to_the_claim_hold() {
        let l = ledger("2026-01-01 assume cycle lead->won 10d\n2026-01-01 lead a via x\n2026-01-11 won a 1 EUR\n");
        let report = Surprises.run(&Run::new(&l, Context::new(&l, date("2026-02-01"))));
        assert_eq!(column(&report, "n"), [Cell::Count(0)]);
        assert_eq!(column(&report, "p_value"), [Cell::Number(1.0)]);
        assert_eq!(column(&report, "verdict"), [Cell::text("holds")]);
    }

    /// Five assumptions with evidence (and one without, not counted): the
    /// biggest surprise is the value, p = 2 × (1/2)^5 = 1/16. The chance
    /// that one of five true assumptions looks this far off is
    /// 1 − (15/16)^5 = 0.2758, about 1 time in 4 (1 / 0.2758 = 3.6).
    /// The others: conversion lead->won 90% with 5 of 5 won, p = min(1,
    /// 2 × 0.9^5) = 1; lead->contacted 80%, 5 of 5, p = 2 × 0.8^5 = 0.655;
    /// cycle 10d, every deal took exactly 10 days, p = 1; share 100%, 5 of
    /// 5, p = 1.
    #[test]
    fn the_biggest_surprise_counts_the_assumptions_tested() {
        let mut text = "option currency EUR\n\
            2026-01-01 assume value 10000 EUR\n\
            2026-01-01 assume conversion lead->won 90%\n\
            2026-01-01 assume conversion lead->contacted 80%\n\
            2026-01-01 assume cycle lead->won 10d\n\
            2026-01-01 assume share 100% via x\n\
            2026-01-01 assume conversion lead->won 50% via y\n"
            .to_owned();
        for i in 1..=5 {
            text.push_str(&format!(
                "2026-02-0{i} lead d{i} via x\n2026-02-{} won d{i} {i}000 EUR\n",
                10 + i
            ));
        }
        let l = ledger(&text);
        let report = Surprises.run(&Run::new(&l, Context::new(&l, date("2026-06-30"))));
        let p: Vec<f64> = column(&report, "p_value")
            .iter()
            .filter_map(Cell::as_f64)
            .collect();
        assert_eq!(p.len(), 5);
        assert!(
            (p[0] - 0.0625).abs() < 1e-12 && (p[1] - 0.65536).abs() < 1e-12,
            "{p:?}"
        );
        assert!((any_of(0.0625, 5) - (1.0 - (15.0f64 / 16.0).powi(5))).abs() < 1e-15);
        assert_eq!(
            report.findings[0].message,
            "Biggest surprise: You expected a median won deal of 10,000 EUR. The median was 3,000 EUR \
             over 5 won deals: 0 above, 5 below. If 10,000 EUR were the median, a result this far off \
             would happen about 1 time in 16: probably not chance, look into it. With 5 assumptions \
             tested, one this far off happens by chance about 1 time in 4."
        );
        // A tiny p keeps its digits: 1 − (1 − 1e-12)^5 is 5e-12.
        assert!((any_of(1e-12, 5) / 5e-12 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn no_assumptions_says_how_to_write_one() {
        let l = ledger("2026-01-01 lead a via x\n");
        let report = Surprises.run(&Run::new(&l, Context::new(&l, date("2026-02-01"))));
        assert!(report.rows.is_empty());
        assert!(report.findings[0]
            .message
            .starts_with("No assumptions to check."));
    }
}
