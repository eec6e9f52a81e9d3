//! `channels`: channel ROI — what each channel brought in for the time and
//! money put into it.
//!
//! ## What it does
//! One row per channel (sorted by name, cut to `--depth` and added up) that
//! has a cohort deal, a `spent` entry, income or a win in the period, then
//! `*`, the total: leads, won, win rate (lead → won; open and declined
//! deals left out), revenue (the won cohort deals' values), platform fees
//! (revenue × the channel's `fee:`, inherited from the nearest declared
//! ancestor), money and hours spent in the period, net = revenue − fees −
//! spent money, net per hour invested, median deal value, median days from
//! lead to won, average rating; then (analyses v2) the cohort deals you
//! declined, the share of cohort deals with time logged on them
//! (`hours_coverage`), the income earned on the days of the period by the
//! channel's deals whatever their lead date, the won cohort deals that were
//! cancelled and that are repeat business, and the median length and day
//! rate of the won cohort deals' contracts.
//!
//! ## Why
//! Hours are what a freelancer has least of. Net per hour invested says
//! where the next hour of prospecting is best spent — when enough hours
//! are logged and enough deals won for it to mean something.
//!
//! ## Findings
//! The best channel by net per hour among channels with at least 2 won
//! cohort deals and hours logged on at least half their cohort deals (and
//! the least, among those), naming the channels left out and why; the best
//! by win rate, with its counts ("3 of 4 won" is not oversold); channels
//! with no won lead yet for the effort put in (never "no win" for a
//! channel that signed a deal in the period from an earlier lead) or that
//! cost more than they brought in; channels with leads but no hours logged.

use std::collections::HashMap;

use chrono::NaiveDate;
use funnel_ledger::value::Amount;
use funnel_ledger::{Ledger, Name};
use rust_decimal::Decimal;

use crate::context::Context;
use crate::contract::{self, Contract};
use crate::deals::{self, Conversion, DealFacts, Status};
use crate::report::{Cell, Column, Kind, Report};
use crate::words::{count, hours_words, list, money, percent};
use crate::{Analysis, Run};

pub struct Channels;

impl Analysis for Channels {
    fn name(&self) -> &'static str {
        "channels"
    }

    fn description(&self) -> &'static str {
        "channel ROI: win rate, revenue, fees, time and money spent, net per hour invested, income"
    }

    fn run(&self, run: &Run<'_>) -> Report {
        let (ledger, ctx) = (run.ledger(), run.ctx());
        // The table view shows, within 100 columns, what a person reads
        // first: channel, leads, won, win rate, revenue, hours, net per
        // hour, hours coverage and income; the rest is left out by width,
        // highest `optional` first (CSV and JSON carry every column).
        let columns = vec![
            Column::new("channel", "channel", Kind::Text),
            Column::new("leads", "leads", Kind::Count),
            Column::new("won", "won", Kind::Count),
            Column::new("win_rate", "win rate", Kind::Ratio),
            // Before wrapping the channel column (a long channel name is
            // one word, which does not wrap), `declined` and then
            // `revenue` give way.
            Column::new("revenue", "revenue", Kind::Money).optional(3),
            Column::new("fees", "fees", Kind::Money).optional(9),
            Column::new("spent_money", "spent", Kind::Money).optional(9),
            Column::new("hours", "hours", Kind::Hours),
            Column::new("net", "net", Kind::Money).optional(4),
            Column::new("net_per_hour", "net per\nhour", Kind::MoneyPerHour),
            Column::new("median_value", "median\ndeal", Kind::Money).optional(5),
            Column::new("median_days_to_win", "time to\nwin", Kind::Days).optional(6),
            Column::new("avg_rating", "rating", Kind::Number).optional(8),
            Column::new("declined", "de-\nclined", Kind::Count).optional(3),
            Column::new("hours_coverage", "hours\nlogged on", Kind::Ratio),
            Column::new("income", "income", Kind::Money),
            Column::new("cancelled", "can-\ncelled", Kind::Count).optional(7),
            Column::new("repeat", "re-\npeat", Kind::Count).optional(7),
            Column::new("median_contract_days", "contract\nlength", Kind::Days).optional(7),
            Column::new("median_day_rate", "day\nrate", Kind::Money).optional(6),
            // The `n` of `win_rate` (its `k` is `won`) and the `k` of
            // `hours_coverage` (its `n` is `leads`).
            Column::new("decided", "decided", Kind::Count).denominator(),
            Column::new("deals_with_hours", "deals with\nhours", Kind::Count).denominator(),
        ];
        let mut report = Report::new(
            self.name(),
            "Channels: what each channel earns for the time and money put in",
            ctx,
            columns,
        );
        let facts = run.facts();
        let with_hours = deals::deals_with_hours(ledger, ctx.as_of);
        // Income is earned on the days of the period up to the as-of date.
        let (first, last) = (ctx.from.unwrap_or(NaiveDate::MIN), ctx.to.min(ctx.as_of));

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
        for deal in facts.iter().filter(|d| ctx.keeps_channel(&d.channel)) {
            let cohort = ctx.in_period(deal.lead_date);
            let contract = deal.contract();
            let income = contract.map_or(Decimal::ZERO, |c| c.income(first, last));
            // A deal of an earlier lead signed in the period: not of the
            // cohort, but a win the findings must not deny.
            let won_here = deal
                .won_entry(ledger)
                .filter(|w| !cohort && ctx.in_period(w.date))
                .map(|w| w.date);
            if !cohort && income.is_zero() && won_here.is_none() {
                continue;
            }
            let (group, fee) = *channels.entry(deal.channel.key()).or_insert_with(|| {
                (
                    groups.index(ctx.group(deal.channel.as_str())),
                    ledger.channel_fee(&deal.channel),
                )
            });
            let seen = Seen {
                deal,
                contract,
                hours_logged: with_hours.contains(&deal.id.key()),
            };
            for row in [&mut groups.rows[group].1, &mut total] {
                row.income += income;
                if let Some(date) = won_here {
                    row.earlier_wins.push((deal.id, deal.lead_date, date));
                }
                if cohort {
                    row.add_deal(ledger, &seen, fee, won_stage);
                }
            }
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

/// What a row needs to know of one deal besides its facts.
struct Seen<'a> {
    deal: &'a DealFacts,
    contract: Option<&'a Contract>,
    /// At least one `spent EFFORT on DEAL`.
    hours_logged: bool,
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
/// in the order of the facts, when it is added: a big ledger's facts do not
/// fit in the processor's cache, and reading them again per row (as a list
/// of the row's deals did) cost a tenth of the analysis at a million
/// entries.
#[derive(Default)]
struct Group {
    leads: usize,
    /// Lead → won, open and declined deals left out
    /// ([`DealFacts::undecided`]).
    win: Conversion,
    declined: usize,
    /// Cohort deals with time logged on them.
    hours_logged: usize,
    /// The won deals' values, ratings and days from lead to won, in the
    /// order of the cohort (a median among equal values keeps the scale of
    /// the first).
    values: Vec<Decimal>,
    ratings: Vec<Decimal>,
    days: Vec<Decimal>,
    /// The won deals' contract lengths in days and last agreed rates per
    /// day in the base currency.
    contract_days: Vec<Decimal>,
    day_rates: Vec<Decimal>,
    cancelled: usize,
    repeat: usize,
    fees: Decimal,
    spent: Decimal,
    hours: Decimal,
    income: Decimal,
    /// Deals of leads before the period signed in it: id, lead date, won
    /// date.
    earlier_wins: Vec<(Name, NaiveDate, NaiveDate)>,
}

impl Group {
    /// A cohort deal, with the fee of its own channel (a fraction).
    fn add_deal(&mut self, ledger: &Ledger, seen: &Seen<'_>, fee: Decimal, won_stage: usize) {
        let deal = seen.deal;
        self.fees += deal.value * fee;
        self.leads += 1;
        self.win
            .count(deal.reached(0), deal.reached(won_stage), deal.undecided());
        self.declined += usize::from(deal.status == Status::Declined);
        self.hours_logged += usize::from(seen.hours_logged);
        if deal.is_won() {
            self.values.push(deal.value);
            self.ratings.extend(deal.rating);
            self.days
                .extend(deal.days_between(0, won_stage).map(Decimal::from));
            self.repeat += usize::from(deal.repeat);
            if let Some(contract) = seen.contract {
                self.cancelled += usize::from(contract.cancelled_on.is_some());
                self.contract_days.extend(contract_days(contract));
                self.day_rates.extend(day_rate(ledger, contract));
            }
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
            declined: self.declined,
            hours_logged: self.hours_logged,
            income: self.income,
            cancelled: self.cancelled,
            repeat: self.repeat,
            median_contract_days: deals::median(self.contract_days),
            median_day_rate: deals::median(self.day_rates),
            earlier_wins: self.earlier_wins,
        }
    }
}

/// A contract's length in days, from its first start to its last end, both
/// counted; a cancelled contract ends on its cancellation (the days it
/// ran), and one cancelled before it started ran 0 days. `None` for a
/// contract without an end.
fn contract_days(contract: &Contract) -> Option<Decimal> {
    let end = contract.end()?;
    let end = contract.cancelled_on.map_or(end, |c| c.min(end));
    let days = (end - contract.start()).num_days() + 1;
    Some(Decimal::from(days.max(0)))
}

/// A contract's last agreed rate per day (analyses §1), converted to the
/// base currency on the date it was agreed.
fn day_rate(ledger: &Ledger, contract: &Contract) -> Option<Decimal> {
    let (rate, date) = contract.last_rate()?;
    let per_day = Amount {
        value: contract::per_day(&rate),
        currency: rate.amount.currency,
    };
    ledger.to_base(per_day, date)
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
    declined: usize,
    hours_logged: usize,
    income: Decimal,
    cancelled: usize,
    repeat: usize,
    median_contract_days: Option<Decimal>,
    median_day_rate: Option<Decimal>,
    earlier_wins: Vec<(Name, NaiveDate, NaiveDate)>,
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
            Cell::Count(self.declined as u64),
            Cell::rate(self.hours_logged, self.leads),
            Cell::money(self.income),
            Cell::Count(self.cancelled as u64),
            Cell::Count(self.repeat as u64),
            float(self.median_contract_days).map_or(Cell::Empty, Cell::Days),
            self.median_day_rate.map_or(Cell::Empty, Cell::money),
            Cell::Count(self.win.n as u64),
            Cell::Count(self.hours_logged as u64),
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

    /// "hours logged on 2 of 6 deals".
    fn coverage(&self) -> String {
        format!(
            "hours logged on {} of {}",
            self.hours_logged,
            count(self.leads, "deal", "deals")
        )
    }

    /// Whether its net per hour stands on enough: at least 2 won cohort
    /// deals, and hours logged on at least half of its cohort deals.
    fn thin(&self) -> Option<String> {
        if self.leads == 0 {
            return Some("no lead of this period".to_owned());
        }
        let mut why = Vec::new();
        match self.won {
            0 => why.push("no deal won".to_owned()),
            1 => why.push("1 deal won".to_owned()),
            _ => {}
        }
        if self.hours_logged * 2 < self.leads {
            why.push(self.coverage());
        }
        (!why.is_empty()).then(|| why.join(", "))
    }

    /// The deals of earlier leads it signed in the period: "`b0`, a lead
    /// of 2025-11-20, was won on 2026-01-07".
    fn earlier_wins(&self) -> Option<String> {
        if self.earlier_wins.is_empty() {
            return None;
        }
        let n = self.earlier_wins.len();
        Some(format!(
            "{} {} won on {}",
            list(
                self.earlier_wins
                    .iter()
                    .map(|(id, lead, _)| format!("`{id}` (a lead of {lead})"))
            ),
            if n == 1 { "was" } else { "were" },
            list(self.earlier_wins.iter().map(|(_, _, won)| won.to_string())),
        ))
    }
}

fn findings(report: &mut Report, rows: &[Summary<'_>], ctx: &Context) {
    let currency = ctx.currency.map(|c| c.to_string());
    let currency = currency.as_deref();
    if rows.is_empty() {
        report.info("No leads and nothing spent in this period.");
        return;
    }
    // Best (and, with two or more, least) by net per hour invested, among
    // the channels whose net per hour stands on enough.
    let mut by_time: Vec<(&Summary<'_>, Decimal)> = rows
        .iter()
        .filter_map(|r| r.net_per_hour.map(|n| (r, n)))
        .collect();
    by_time.sort_by(|(a, x), (b, y)| y.cmp(x).then(a.name.cmp(b.name)));
    let left_out: Vec<(&Summary<'_>, String)> = by_time
        .iter()
        .filter_map(|(r, _)| r.thin().map(|why| (*r, why)))
        .collect();
    let trusted: Vec<(&Summary<'_>, Decimal)> = by_time
        .iter()
        .copied()
        .filter(|(r, _)| r.thin().is_none())
        .collect();
    let per_hour = |label: &str, row: &Summary<'_>, value: Decimal| {
        format!(
            "{label}: `{}`, {} net for each hour invested ({} net over {}; {}; {}).",
            row.name,
            money(value, currency),
            money(row.net, currency),
            hours_words(row.hours),
            row.won_of(),
            row.coverage(),
        )
    };
    match (trusted.first(), by_time.is_empty()) {
        (_, true) => report.info("No hours are recorded with `spent`, so there is no net per hour: log prospecting time like `spent 2h via CHANNEL`."),
        (Some(&(best, value)), false) => {
            if value > Decimal::ZERO {
                report.info(per_hour("Best return on your time", best, value));
            } else {
                report.info("No channel has earned back the time put into it yet: every net per hour is 0 or below.");
            }
            if let Some(&(worst, worst_value)) = trusted.last().filter(|(r, _)| r.name != best.name) {
                report.info(per_hour("Least return on your time", worst, worst_value));
            }
        }
        (None, false) => report.info(
            "No channel has at least 2 won deals and hours logged on at least half of its deals, so none is named best per hour.",
        ),
    }
    if !left_out.is_empty() {
        report.info(format!(
            "Net per hour compares only channels with at least 2 won deals and hours logged on at least half of their deals: {}.",
            left_out
                .iter()
                .map(|(r, why)| format!("`{}` left out: {why}", r.name))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    // Best by win rate: highest rate, then more wins, then name.
    let best_rate = rows.iter().filter(|r| r.win.n > 0).max_by(|a, b| {
        let (ra, rb) = (a.win.ratio().unwrap_or(0.0), b.win.ratio().unwrap_or(0.0));
        ra.total_cmp(&rb)
            .then(a.win.k.cmp(&b.win.k))
            .then(b.name.cmp(a.name))
    });
    if let Some(row) = best_rate {
        let declined = match row.declined {
            0 => String::new(),
            n => format!("; {n} declined by you, not counted"),
        };
        let caution = if row.win.n < 5 {
            ": a small count, so read it as a hint"
        } else {
            ""
        };
        report.info(format!(
            "Highest win rate: `{}`, {} ({}{declined}){caution}.",
            row.name,
            row.won_of(),
            percent(row.win.ratio().unwrap_or(0.0)),
        ));
    }
    // Channels that have cost more than they brought in. A channel that
    // signed a deal in the period from an earlier lead is never said to
    // have no win (analyses §1).
    for row in rows {
        if row.won == 0 && (row.hours > Decimal::ZERO || row.spent > Decimal::ZERO) {
            let mut cost = Vec::new();
            if row.hours > Decimal::ZERO {
                cost.push(hours_words(row.hours));
            }
            if row.spent > Decimal::ZERO {
                cost.push(money(row.spent, currency));
            }
            let cost = cost.join(" and ");
            match row.earlier_wins() {
                None => report.warning(format!(
                    "No win yet from `{}` for {cost} put in: {}.",
                    row.name,
                    row.won_of()
                )),
                Some(earlier) => report.info(format!(
                    "`{}`: none of its leads of this period is won yet for {cost} put in ({}); {earlier}, and the channel earned {} on the days of the period.",
                    row.name,
                    row.won_of(),
                    money(row.income, currency),
                )),
            }
        } else if row.net < Decimal::ZERO {
            let earlier = row
                .earlier_wins()
                .map(|e| format!(" Not counted here: {e}, from leads before the period."))
                .unwrap_or_default();
            report.warning(format!(
                "`{}` cost more than it earned: {} revenue − {} fees − {} spent = {} net ({}).{earlier}",
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
