//! `channels`: channel ROI — what each channel brought in for the time and
//! money put into it.
//!
//! ## What it does
//! One row per channel (sorted by name, cut to `--depth` and added up) that
//! has a cohort deal or a `spent` entry in the period, then `*`, the total:
//! leads, won, win rate (lead → won, undecided deals left out), revenue
//! (the won cohort deals' values), platform fees (revenue × the channel's
//! `fee:`, inherited from the nearest declared ancestor), money and hours
//! spent in the period, net = revenue − fees − spent money, net per hour
//! invested, median deal value, median days from lead to won, average
//! rating.
//!
//! ## Why
//! Hours are what a freelancer has least of. Net per hour invested says
//! where the next hour of prospecting is best spent.
//!
//! ## Findings
//! The best channel by net per hour (and the least, among channels that won
//! something) and by win rate, each with its counts ("3 of 4 won" is not
//! oversold); channels with no win yet for the effort put in or that cost
//! more than they brought in; channels with leads but no hours logged.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::context::Context;
use crate::deals::{self, Conversion, DealFacts};
use crate::report::{Cell, Column, Kind, Report};
use crate::words::{hours_words, money, percent};
use crate::{Analysis, Run};

pub struct Channels;

impl Analysis for Channels {
    fn name(&self) -> &'static str {
        "channels"
    }

    fn description(&self) -> &'static str {
        "channel ROI: win rate, revenue, fees, time and money spent, net per hour invested"
    }

    fn run(&self, run: &Run<'_>) -> Report {
        let (ledger, ctx) = (run.ledger(), run.ctx());
        let columns = vec![
            Column::new("channel", "channel", Kind::Text),
            Column::new("leads", "leads", Kind::Count),
            Column::new("won", "won", Kind::Count),
            Column::new("win_rate", "win rate", Kind::Ratio),
            Column::new("revenue", "revenue", Kind::Money),
            Column::new("fees", "fees", Kind::Money).optional(4),
            Column::new("spent_money", "spent", Kind::Money).optional(4),
            Column::new("hours", "hours", Kind::Hours),
            Column::new("net", "net", Kind::Money),
            Column::new("net_per_hour", "net per\nhour", Kind::MoneyPerHour),
            Column::new("median_value", "median\ndeal", Kind::Money).optional(1),
            Column::new("median_days_to_win", "time to\nwin", Kind::Days).optional(2),
            Column::new("avg_rating", "rating", Kind::Number).optional(3),
        ];
        let mut report = Report::new(
            self.name(),
            "Channels: what each channel earns for the time and money put in",
            ctx,
            columns,
        );
        let facts = run.facts();
        let cohort = deals::cohort(facts, ctx);

        // A row per channel group, found by the group's name; sorted by
        // name below.
        let mut groups = Groups::default();
        // Per channel of a deal (by the identity of its name): its row,
        // and the fee of the deal's own channel, so that a row that adds up
        // sub-channels with different fees (`--depth`) gets each right.
        // Both are looked up once per channel, not once per deal.
        let mut channels: HashMap<usize, (usize, Decimal), foldhash::fast::RandomState> =
            HashMap::default();
        let won_stage = ledger.stages.won();
        let mut total = Group::default();
        for deal in &cohort {
            let (group, fee) = *channels.entry(deal.channel.key()).or_insert_with(|| {
                (
                    groups.index(ctx.group(deal.channel.as_str())),
                    ledger.channel_fee(&deal.channel),
                )
            });
            groups.rows[group].1.add_deal(deal, fee, won_stage);
            total.add_deal(deal, fee, won_stage);
        }
        for spend in deals::spends(ledger, ctx.as_of) {
            if ctx.in_period(spend.date) && ctx.keeps_channel(spend.channel) {
                let group = groups.index(ctx.group(spend.channel));
                groups.rows[group].1.add_spend(spend.money, spend.hours);
                total.add_spend(spend.money, spend.hours);
            }
        }
        let mut groups = groups.rows;
        groups.sort_unstable_by(|a, b| a.0.cmp(b.0));

        let summaries: Vec<Summary<'_>> = groups
            .into_iter()
            .map(|(name, g)| g.summary(name))
            .collect();
        for summary in summaries.iter().chain(std::iter::once(&total.summary("*"))) {
            report.rows.push(summary.row());
        }
        findings(&mut report, &summaries, ctx);
        report
    }
}

/// The rows of channel groups, each found by its name.
#[derive(Default)]
struct Groups<'n> {
    rows: Vec<(&'n str, Group)>,
    by_name: HashMap<&'n str, usize, foldhash::fast::RandomState>,
}

impl<'n> Groups<'n> {
    /// The row of the group `name`, made on first use.
    fn index(&mut self, name: &'n str) -> usize {
        *self.by_name.entry(name).or_insert_with(|| {
            self.rows.push((name, Group::default()));
            self.rows.len() - 1
        })
    }
}

/// What one row adds up of its deals and spending. Each deal is read once,
/// in the cohort's order, when it is added: a big ledger's facts do not
/// fit in the processor's cache, and reading them again per row (as a list
/// of the row's deals did) cost a tenth of the analysis at a million
/// entries.
#[derive(Default)]
struct Group {
    leads: usize,
    /// Lead → won, undecided deals left out ([`deals::conversion`]).
    win: Conversion,
    /// The won deals' values, ratings and days from lead to won, in the
    /// order of the cohort (a median among equal values keeps the scale of
    /// the first).
    values: Vec<Decimal>,
    ratings: Vec<Decimal>,
    days: Vec<Decimal>,
    fees: Decimal,
    spent: Decimal,
    hours: Decimal,
}

impl Group {
    /// A deal, with the fee of its own channel (a fraction).
    fn add_deal(&mut self, deal: &DealFacts, fee: Decimal, won_stage: usize) {
        self.fees += deal.value * fee;
        self.leads += 1;
        self.win
            .count(deal.reached(0), deal.reached(won_stage), deal.undecided());
        if deal.is_won() {
            self.values.push(deal.value);
            self.ratings.extend(deal.rating);
            self.days
                .extend(deal.days_between(0, won_stage).map(Decimal::from));
        }
    }

    fn add_spend(&mut self, money: Decimal, hours: Decimal) {
        self.spent += money;
        self.hours += hours;
    }

    fn summary(self, name: &str) -> Summary<'_> {
        let revenue: Decimal = self.values.iter().sum();
        let net = revenue - self.fees - self.spent;
        Summary {
            name,
            leads: self.leads,
            won: self.values.len(),
            win: self.win,
            revenue,
            fees: self.fees,
            spent: self.spent,
            hours: self.hours,
            net,
            net_per_hour: (!self.hours.is_zero()).then(|| net / self.hours),
            avg_rating: deals::mean(&self.ratings),
            median_value: deals::median(self.values),
            median_days: deals::median(self.days),
        }
    }
}

/// One row's numbers.
struct Summary<'n> {
    name: &'n str,
    leads: usize,
    won: usize,
    win: Conversion,
    revenue: Decimal,
    fees: Decimal,
    spent: Decimal,
    hours: Decimal,
    net: Decimal,
    net_per_hour: Option<Decimal>,
    median_value: Option<Decimal>,
    median_days: Option<Decimal>,
    avg_rating: Option<Decimal>,
}

impl Summary<'_> {
    fn row(&self) -> Vec<Cell> {
        use rust_decimal::prelude::ToPrimitive;
        let float = |d: Option<Decimal>| d.and_then(|d| d.to_f64());
        vec![
            Cell::text(self.name),
            Cell::Count(self.leads as u64),
            Cell::Count(self.won as u64),
            Cell::rate(self.win.k, self.win.n),
            Cell::money(self.revenue),
            Cell::money(self.fees),
            Cell::money(self.spent),
            Cell::Hours(self.hours.normalize()),
            Cell::money(self.net),
            self.net_per_hour.map_or(Cell::Empty, Cell::money),
            self.median_value.map_or(Cell::Empty, Cell::money),
            float(self.median_days).map_or(Cell::Empty, Cell::Days),
            float(self.avg_rating).map_or(Cell::Empty, Cell::Number),
        ]
    }

    fn won_of(&self) -> String {
        if self.win.n == 0 {
            return "no lead decided yet".to_owned();
        }
        format!(
            "{} of {} decided lead{} won",
            self.win.k,
            self.win.n,
            if self.win.n == 1 { "" } else { "s" }
        )
    }
}

fn findings(report: &mut Report, rows: &[Summary<'_>], ctx: &Context) {
    let currency = ctx.currency.map(|c| c.to_string());
    let currency = currency.as_deref();
    if rows.is_empty() {
        report.info("No leads and nothing spent in this period.");
        return;
    }
    // Best (and, with two or more, least) by net per hour invested.
    let mut by_time: Vec<(&Summary<'_>, Decimal)> = rows
        .iter()
        .filter_map(|r| r.net_per_hour.map(|n| (r, n)))
        .collect();
    by_time.sort_by(|(a, x), (b, y)| y.cmp(x).then(a.name.cmp(b.name)));
    let per_hour = |label: &str, row: &Summary<'_>, value: Decimal| {
        format!(
            "{label}: `{}`, {} net for each hour invested ({} net over {}; {}).",
            row.name,
            money(value, currency),
            money(row.net, currency),
            hours_words(row.hours),
            row.won_of(),
        )
    };
    // The least is taken among channels that won something: the others get
    // their own warning below.
    let least = by_time.iter().rev().find(|(r, _)| r.won > 0);
    match by_time.first() {
        Some(&(best, value)) => {
            if value > Decimal::ZERO {
                report.info(per_hour("Best return on your time", best, value));
            } else {
                report.info("No channel has earned back the time put into it yet: every net per hour is 0 or below.");
            }
            if let Some(&(worst, worst_value)) = least.filter(|(r, _)| r.name != best.name) {
                report.info(per_hour("Least return on your time", worst, worst_value));
            }
        }
        None => report.info("No hours are recorded with `spent`, so there is no net per hour: log prospecting time like `spent 2h via CHANNEL`."),
    }
    // Best by win rate: highest rate, then more wins, then name.
    let best_rate = rows.iter().filter(|r| r.win.n > 0).max_by(|a, b| {
        let (ra, rb) = (a.win.ratio().unwrap_or(0.0), b.win.ratio().unwrap_or(0.0));
        ra.total_cmp(&rb)
            .then(a.win.k.cmp(&b.win.k))
            .then(b.name.cmp(a.name))
    });
    if let Some(row) = best_rate {
        let caution = if row.win.n < 5 {
            ": a small count, so read it as a hint"
        } else {
            ""
        };
        report.info(format!(
            "Highest win rate: `{}`, {} ({}){caution}.",
            row.name,
            row.won_of(),
            percent(row.win.ratio().unwrap_or(0.0)),
        ));
    }
    // Channels that have cost more than they brought in.
    for row in rows {
        if row.won == 0 && (row.hours > Decimal::ZERO || row.spent > Decimal::ZERO) {
            let mut cost = Vec::new();
            if row.hours > Decimal::ZERO {
                cost.push(hours_words(row.hours));
            }
            if row.spent > Decimal::ZERO {
                cost.push(money(row.spent, currency));
            }
            report.warning(format!(
                "No win yet from `{}` for {} put in: {}.",
                row.name,
                cost.join(" and "),
                row.won_of()
            ));
        } else if row.net < Decimal::ZERO {
            report.warning(format!(
                "`{}` cost more than it earned: {} revenue − {} fees − {} spent = {} net ({}).",
                row.name,
                money(row.revenue, currency),
                money(row.fees, currency),
                money(row.spent, currency),
                money(row.net, currency),
                row.won_of(),
            ));
        }
    }
    // Channels whose return on time is unknown.
    for row in rows
        .iter()
        .filter(|r| r.leads > 0 && r.hours.is_zero() && !by_time.is_empty())
    {
        report.info(format!(
            "No hours are logged for `{}`, so its return on your time is unknown: log them like `spent 1h via {}`.",
            row.name, row.name
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger, row};
    use crate::Cell;

    const TEXT: &str = "option currency EUR\n\
        channel platform\n  fee: 10%\nchannel platform:malt\n  fee: 8%\n\
        2026-01-01 lead u via platform:upwork\n2026-01-02 won u 1000 EUR\n\
        2026-01-01 lead m via platform:malt\n2026-01-02 won m 1000 EUR\n\
        2026-01-03 spent 2h via platform\n";

    #[test]
    fn depth_adds_up_fees_of_sub_channels_with_different_rates() {
        let l = ledger(TEXT);
        let mut ctx = Context::new(&l, date("2026-02-01"));
        let report = Channels.run(&Run::new(&l, ctx.clone()));
        assert_eq!(
            row(&report, "platform:upwork", "fees"),
            [Cell::money(Decimal::from(100))]
        );
        assert_eq!(
            row(&report, "platform:malt", "fees"),
            [Cell::money(Decimal::from(80))]
        );
        ctx.depth = Some(1);
        let report = Channels.run(&Run::new(&l, ctx));
        assert_eq!(report.rows.len(), 2, "`platform` and `*`");
        assert_eq!(
            row(&report, "platform", "fees"),
            [Cell::money(Decimal::from(180))]
        );
        // net 2000 - 180 = 1820 over 2 hours.
        assert_eq!(
            row(&report, "platform", "net_per_hour"),
            [Cell::money(Decimal::from(910))]
        );
    }

    #[test]
    fn no_hours_means_no_net_per_hour() {
        let l = ledger("2026-01-01 lead a via x\n2026-01-02 won a 500 EUR\n");
        let report = Channels.run(&Run::new(&l, Context::new(&l, date("2026-02-01"))));
        assert_eq!(row(&report, "x", "net_per_hour"), [Cell::Empty]);
        assert!(
            report.findings[0]
                .message
                .starts_with("No hours are recorded"),
            "{}",
            report.findings[0].message
        );
    }
}
