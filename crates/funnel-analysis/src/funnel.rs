//! `funnel`: how deals move through the stages.
//!
//! ## What it does
//! For the cohort (deals whose `lead` lies in the period), for all deals
//! (`*`) and then for each channel with a cohort deal (sorted by name, cut
//! to `--depth`), one row per stage in stage order: how many deals reached
//! the stage, how many stopped there and why (`open`, `lost`, `declined`,
//! `stale`: deals whose furthest stage is this one, by status), and the
//! conversion from the previous stage and from `lead`.
//!
//! ## Why
//! It shows where deals leak. Conversions leave out undecided deals (open
//! deals that have not reached the next stage yet, and deals you declined:
//! your own no is not a failure), so a young pipeline does not look like a
//! failing one and a choosy freelancer does not look like a bad seller.
//!
//! ## Findings
//! The leakiest step (the one where the most decided deals stopped: lost
//! or stale), the deals you declined, the deals that went stale (follow up
//! or close them), and the open deals.

use std::collections::{BTreeMap, HashMap};

use funnel_ledger::Ledger;

use crate::deals::{self, Conversion, DealFacts, Status};
use crate::report::{Cell, Column, Kind, Report};
use crate::words::{self, about, count, list};
use crate::{Analysis, Run};

pub struct Funnel;

impl Analysis for Funnel {
    fn name(&self) -> &'static str {
        "funnel"
    }

    fn description(&self) -> &'static str {
        "how deals move through the stages: reached, where they stop and why, conversions"
    }

    fn run(&self, run: &Run<'_>) -> Report {
        let (ledger, ctx) = (run.ledger(), run.ctx());
        let columns = vec![
            Column::new("channel", "channel", Kind::Text).grouping(),
            Column::new("stage", "stage", Kind::Text),
            Column::new("reached", "reached", Kind::Count),
            Column::new("open", "open", Kind::Count),
            Column::new("lost", "lost", Kind::Count),
            Column::new("declined", "declined", Kind::Count),
            Column::new("stale", "stale", Kind::Count),
            Column::new(
                "conversion_from_previous",
                "conversion\nfrom previous",
                Kind::Ratio,
            ),
            Column::new("conversion_from_lead", "\nfrom lead", Kind::Ratio),
            // The `n` of the two conversions (their `k` is `reached`).
            Column::new("decided_from_previous", "decided", Kind::Count).denominator(),
            Column::new("decided_from_lead", "decided", Kind::Count).denominator(),
        ];
        let mut report = Report::new(
            self.name(),
            "Funnel: how deals move through the stages",
            ctx,
            columns,
        );
        let facts = run.facts();
        let cohort = deals::cohort(facts, ctx);

        // What the counts need of a deal is its furthest stage and its
        // status (it reached every stage up to the furthest): taken from
        // the facts in one pass, so the tallies read 16 bytes a deal.
        let all: Vec<Stop> = cohort.iter().map(|d| Stop::of(d)).collect();
        let mut by_channel: BTreeMap<&str, Vec<Stop>> = BTreeMap::new();
        // Each channel's group, looked up once per channel.
        let mut groups: HashMap<usize, &str, foldhash::fast::RandomState> = HashMap::default();
        for (deal, stop) in cohort.iter().zip(&all) {
            let group = *groups
                .entry(deal.channel.key())
                .or_insert_with(|| ctx.group(deal.channel.as_str()));
            by_channel.entry(group).or_default().push(*stop);
        }
        let stages = ledger.stages.names();
        let total = Tally::of(&all, stages.len());
        let tallies: Vec<(&str, Tally)> = by_channel
            .iter()
            .map(|(c, g)| (*c, Tally::of(g, stages.len())))
            .collect();
        for (channel, tally) in
            std::iter::once(("*", &total)).chain(tallies.iter().map(|(c, t)| (*c, t)))
        {
            for (stage, name) in stages.iter().enumerate() {
                let [from_previous, from_lead, decided_previous, decided_lead] = if stage == 0 {
                    [Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]
                } else {
                    let (previous, lead) = (tally.from_previous[stage], tally.from_lead[stage]);
                    [
                        Cell::rate(previous.k, previous.n),
                        Cell::rate(lead.k, lead.n),
                        Cell::Count(previous.n as u64),
                        Cell::Count(lead.n as u64),
                    ]
                };
                let stopped = tally.stopped[stage];
                report.rows.push(vec![
                    Cell::text(channel),
                    Cell::text(name.as_str()),
                    Cell::Count(tally.reached[stage] as u64),
                    Cell::Count(stopped[0] as u64),
                    Cell::Count(stopped[1] as u64),
                    Cell::Count(stopped[2] as u64),
                    Cell::Count(stopped[3] as u64),
                    from_previous,
                    from_lead,
                    decided_previous,
                    decided_lead,
                ]);
            }
        }
        findings(&mut report, ledger, &cohort, &total);
        report
    }
}

/// The numbers of one row group, counted in one pass over its deals (a
/// pass per stage and number was most of this analysis's time on a big
/// ledger). The same definitions as [`deals::reached`] and
/// [`deals::conversion`]; a unit test holds them equal.
struct Tally {
    reached: Vec<usize>,
    /// Per stage: deals whose furthest stage it is, by status: open, lost,
    /// declined, stale.
    stopped: Vec<[usize; 4]>,
    /// Per stage: conversion from the stage before it, and from `lead`.
    from_previous: Vec<Conversion>,
    from_lead: Vec<Conversion>,
}

/// A deal as the tallies see it.
#[derive(Clone, Copy)]
struct Stop {
    /// Its furthest stage: it reached every stage up to this one
    /// ([`DealFacts::furthest`]).
    furthest: usize,
    status: Status,
}

impl Stop {
    fn of(deal: &DealFacts) -> Stop {
        Stop {
            furthest: deal.furthest(),
            status: deal.status,
        }
    }
}

impl Tally {
    fn of(group: &[Stop], stages: usize) -> Tally {
        let mut t = Tally {
            reached: vec![0; stages],
            stopped: vec![[0; 4]; stages],
            from_previous: vec![Conversion::default(); stages],
            from_lead: vec![Conversion::default(); stages],
        };
        for deal in group {
            // Undecided (analyses §1): open, or declined (your own no).
            let open = matches!(deal.status, Status::Open | Status::Declined);
            let furthest = deal.furthest;
            let stopped = match deal.status {
                Status::Open => Some(0),
                Status::Lost => Some(1),
                Status::Declined => Some(2),
                Status::Stale => Some(3),
                Status::Won | Status::Ended => None,
            };
            if let Some(i) = stopped {
                t.stopped[furthest][i] += 1;
            }
            let reached = |stage: usize| stage <= furthest;
            let from_lead = reached(0);
            for stage in 0..stages {
                let here = reached(stage);
                t.reached[stage] += usize::from(here);
                if stage == 0 {
                    continue;
                }
                t.from_previous[stage].count(reached(stage - 1), here, open);
                t.from_lead[stage].count(from_lead, here, open);
            }
        }
        t
    }
}

fn findings(report: &mut Report, ledger: &Ledger, cohort: &[&DealFacts], total: &Tally) {
    if cohort.is_empty() {
        report.info("No deal has its lead in this period, so there is nothing to follow through the stages.");
        return;
    }
    let stages = ledger.stages.names();
    // The leakiest step: most decided deals stopped; ties go to the lower
    // conversion, then to the earlier step.
    let leakiest = (1..stages.len())
        .map(|stage| (stage, total.from_previous[stage]))
        .filter(|(_, c)| c.stopped() > 0)
        .min_by(|(sa, a), (sb, b)| {
            b.stopped()
                .cmp(&a.stopped())
                .then(
                    a.ratio()
                        .partial_cmp(&b.ratio())
                        .unwrap_or(std::cmp::Ordering::Equal),
                )
                .then(sa.cmp(sb))
        });
    match leakiest {
        Some((stage, step)) => {
            // `Tally::stopped` counts open, lost, declined, stale; the
            // decided deals that stopped are the lost and the stale ones
            // (a declined deal is your own no, not a failure).
            let stopped = &total.stopped[stage - 1];
            let why: Vec<String> = [(Status::Lost, stopped[1]), (Status::Stale, stopped[3])]
                .into_iter()
                .filter(|&(_, n)| n > 0)
                .map(|(status, n)| format!("{n} {}", status.as_str()))
                .collect();
            report.info(format!(
                "Most deals stop between `{}` and `{}`: of the {} decided deals that reached `{}`, {} stopped there ({}) and {} went on ({}).",
                stages[stage - 1],
                stages[stage],
                step.n,
                stages[stage - 1],
                step.stopped(),
                why.join(", "),
                step.k,
                about(step.k as f64 / step.n as f64),
            ));
        }
        None => report.info("No decided deal has stopped at any step yet."),
    }

    // Declined deals: your own no, counted apart (analyses §1, §7).
    let mut declined: Vec<&&DealFacts> = cohort
        .iter()
        .filter(|d| d.status == Status::Declined)
        .collect();
    declined.sort_by_key(|d| d.closed_on);
    if !declined.is_empty() {
        let list = list(
            declined
                .iter()
                .map(|d| format!("`{}` (at `{}`)", d.id, stages[d.furthest()])),
        );
        report.info(format!(
            "You declined {}: {list}. Declined deals are your choice, not a client's no: conversions leave them out.",
            count(declined.len(), "deal", "deals"),
        ));
    }

    let mut stale: Vec<&&DealFacts> = cohort
        .iter()
        .filter(|d| d.status == Status::Stale)
        .collect();
    stale.sort_by_key(|d| d.last_entry);
    if !stale.is_empty() {
        let list = list(
            stale
                .iter()
                .map(|d| format!("`{}` (last entry {})", d.id, d.last_entry)),
        );
        report.warning(format!(
            "{} had no entry for more than {} days: {list}. Follow up, or close {} with `lost`.",
            count(stale.len(), "deal", "deals"),
            words::decimal(ledger.options.stale_after_days.round_dp(1).normalize()),
            if stale.len() == 1 { "it" } else { "them" },
        ));
    }

    let open: Vec<&&DealFacts> = cohort.iter().filter(|d| d.status == Status::Open).collect();
    if !open.is_empty() {
        let list = list(
            open.iter()
                .map(|d| format!("`{}` ({})", d.id, ledger.stages.names()[d.furthest()])),
        );
        report.info(format!(
            "{} still open: {list}. Open deals are undecided, not failures: conversions leave them out until they move on or close.",
            match open.len() {
                1 => "1 deal is".to_owned(),
                n => format!("{n} deals are"),
            }
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger, row};
    use crate::{Cell, Context};

    #[test]
    fn custom_stages_set_the_rows() {
        let l = ledger(
            "stages qualified proposed\n\
             2026-01-01 lead a via x\n2026-01-02 qualified a\n2026-01-03 won a 10 EUR\n\
             2026-01-01 lead b via x\n2026-01-02 proposed b\n2026-01-03 lost b\n",
        );
        let report = Funnel.run(&Run::new(&l, Context::new(&l, date("2026-02-01"))));
        assert_eq!(report.rows.len(), 2 * 4, "`*` and `x`, four stages each");
        let stages: Vec<Cell> = report.rows.iter().take(4).map(|r| r[1].clone()).collect();
        assert_eq!(
            stages,
            ["lead", "qualified", "proposed", "won"].map(Cell::text)
        );
        // b jumped over `qualified` to `proposed`: both reached it.
        assert_eq!(row(&report, "*", "reached"), [2, 2, 2, 1].map(Cell::Count));
        assert_eq!(row(&report, "*", "lost")[2], Cell::Count(1));
        assert_eq!(
            row(&report, "*", "conversion_from_previous")[3],
            Cell::Rate { k: 1, n: 2 }
        );
    }

    /// The one-pass tally counts exactly what the shared definitions do,
    /// on deals at every stage and status, including stage jumps.
    #[test]
    fn tally_agrees_with_the_shared_definitions() {
        let l = ledger(
            "2026-01-01 lead a via x\n2026-01-02 lost a\n\
             2026-01-01 lead b via x\n2026-01-02 contacted b\n2026-01-03 declined b\n\
             2026-01-01 lead c via y\n2026-01-02 proposed c\n2026-01-03 won c 1 EUR\n\
             2026-01-01 lead d via y\n2026-01-05 talked d\n\
             2025-01-01 lead e via y\n2025-01-05 contacted e\n\
             2026-01-01 lead f via x\n2026-01-02 won f 2 EUR\n2026-01-09 ended f\n",
        );
        let facts = deals::facts(&l, date("2026-02-01"));
        let group: Vec<&DealFacts> = facts.iter().collect();
        let stages = l.stages.len();
        let stops: Vec<Stop> = group.iter().map(|d| Stop::of(d)).collect();
        let t = Tally::of(&stops, stages);
        for deal in &group {
            for stage in 0..stages {
                assert_eq!(
                    deal.reached(stage),
                    stage <= deal.furthest(),
                    "{} {stage}",
                    deal.id
                );
            }
        }
        for stage in 0..stages {
            assert_eq!(t.reached[stage], deals::reached(&group, stage), "{stage}");
            for (i, status) in [Status::Open, Status::Lost, Status::Declined, Status::Stale]
                .into_iter()
                .enumerate()
            {
                let n = group
                    .iter()
                    .filter(|d| d.furthest() == stage && d.status == status)
                    .count();
                assert_eq!(t.stopped[stage][i], n, "{stage} {status:?}");
            }
            if stage > 0 {
                assert_eq!(
                    t.from_previous[stage],
                    deals::conversion(&group, stage - 1, stage)
                );
                assert_eq!(t.from_lead[stage], deals::conversion(&group, 0, stage));
            }
        }
        assert_eq!(
            t.stopped.iter().flatten().sum::<usize>(),
            4,
            "a, b, d open, e stale"
        );
    }

    #[test]
    fn the_leakiest_step_prefers_the_lower_conversion_on_ties() {
        // lead->contacted: 1 of 3 stopped (2 of 3 went on);
        // contacted->won: 1 of 2 stopped (1 of 2 went on): same count, lower conversion.
        let l = ledger(
            "2026-01-01 lead a via x\n2026-01-02 lost a\n\
             2026-01-01 lead b via x\n2026-01-02 contacted b\n2026-01-03 lost b\n\
             2026-01-01 lead c via x\n2026-01-02 contacted c\n2026-01-03 won c 1 EUR\n",
        );
        let report = Funnel.run(&Run::new(&l, Context::new(&l, date("2026-02-01"))));
        assert!(
            report.findings[0]
                .message
                .starts_with("Most deals stop between `contacted` and `talked`"),
            "{}",
            report.findings[0].message
        );
    }
}
