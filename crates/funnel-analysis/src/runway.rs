//! `runway`: how long the buffer lasts.
//!
//! ## What it does
//! Today's balance, then one row for the rest of the as-of month and one
//! for each of the 12 calendar months after it: the net income from the
//! contracts still running, the costs, and the balance at the end of the
//! row if no new work is won (analyses §3 `runway`).
//!
//! - **Today's balance** rolls the latest `balance` on or before the as-of
//!   date (B on d) forward: B plus the net income earned on the days after
//!   d up to the as-of date, by every won deal's contract (also those that
//!   have ended since), minus the costs of those days.
//! - **Costs** of a day: the `costs` in force on it (the latest on or
//!   before it, `/year` ÷ 12, in the base currency on the entry's date)
//!   divided by the days of its month. Days before the first `costs` cost
//!   nothing; the rows ahead use the costs in force on the as-of date.
//! - **Net income** (analyses §1): income by the day × (1 − the channel's
//!   `fee`) × (1 − `option tax-reserve`). A running contract is a won deal
//!   not `ended` on the as-of date; a tranche without an end earns nothing.
//!
//! The period, `--channel` and `--depth` do not apply: the balance and the
//! costs belong to all the work, and the rows are the months ahead. The
//! table view draws a sparkline of the balance; the JSON report carries
//! `balance_today`, `balance_date` (the date of the `balance` it rolls
//! forward) and `monthly_costs` (the costs per month in force on the
//! as-of date, the unit of the buffer) at top level. A fifth column,
//! `balance_if_cancelled`, is the balance if the contract with the most
//! income left were cancelled today (the scenario of the findings), so the
//! HTML view can draw it as a second line from the report alone.
//!
//! ## Why
//! The 3–6 month rule: a buffer of three months of costs lets a freelancer
//! survive a gap between contracts; six lets them turn down bad work. A
//! single large client can end a contract overnight, so the runway is also
//! shown without the contract with the most income left, ended after its
//! notice period.
//!
//! ## Findings
//! What to add when `balance` or `costs` is missing; today's balance and
//! how it was reached (estimated, with a nudge to write a fresh `balance`,
//! when the latest is more than 31 days old); the buffer today in months
//! of costs (flagged below 3, praised from 6); the month the balance would
//! fall below zero without new work; the same if the contract with the most
//! income left were cancelled today; the contracts that earn nothing for
//! want of an end, and those past their end without an `ended`.

use chrono::{Datelike, Days, NaiveDate};
use funnel_ledger::model::{EntryKind, Sparse};
use funnel_ledger::Ledger;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::context::{Context, Interval};
use crate::contract::net_share;
use crate::deals::{self, DealFacts, Running};
use crate::report::{Cell, Column, Kind, Report};
use crate::words::{self, f64_of, list, money};
use crate::{Analysis, Run};

pub struct Runway;

/// How many whole months are projected after the as-of month.
const MONTHS: usize = 12;

/// A `balance` older than this many days makes today's balance an
/// estimate worth replacing.
const FRESH_DAYS: i64 = 31;

impl Analysis for Runway {
    fn name(&self) -> &'static str {
        "runway"
    }

    fn description(&self) -> &'static str {
        "the buffer: running contracts, costs and balance over the next 12 months"
    }

    fn run(&self, run: &Run<'_>) -> Report {
        let (ledger, ctx) = (run.ledger(), run.ctx());
        let columns = vec![
            Column::new("month", "month", Kind::Text),
            Column::new("income", "net income", Kind::Money),
            Column::new("costs", "costs", Kind::Money),
            Column::new("balance_end", "balance at\nmonth end", Kind::Money).trend(),
            Column::new(
                "balance_if_cancelled",
                "if the largest\ncontract ended",
                Kind::Money,
            )
            .optional(1),
        ];
        let mut report = Report::new(
            self.name(),
            "Runway: your buffer over the next 12 months without new work",
            ctx,
            columns,
        );
        // Everything up to the as-of date counts; the period does not
        // narrow it.
        report.from = None;
        report.to = ctx.as_of;

        let facts = run.facts();
        let costs = Costs::of(ledger, ctx.as_of);
        let balance = deals::latest_balance(ledger, ctx.as_of);
        let today = balance
            .filter(|_| !costs.is_empty())
            .map(|(date, amount)| Today::of(ledger, facts, &costs, date, amount, ctx.as_of));
        let contracts: Vec<Earning<'_>> = deals::running_contracts(facts)
            .into_iter()
            .map(|running| Earning {
                share: net_share(ledger, running.channel),
                running,
            })
            .collect();
        let plan = Plan {
            as_of: ctx.as_of,
            rows: rows_after(ctx.as_of),
            costs: &costs,
            today: today.as_ref().map(|t| t.balance),
        };
        let projection = plan.project(&contracts, None);
        let scenario = Scenario::of(&plan, &contracts);
        for (i, row) in projection.iter().enumerate() {
            let if_cancelled = scenario
                .as_ref()
                .and_then(|s| s.projection.get(i))
                .and_then(|r| r.balance_end);
            report.rows.push(vec![
                Cell::text(Interval::Month.label(row.first)),
                Cell::money(row.income),
                row.costs.map_or(Cell::Empty, Cell::money),
                row.balance_end.map_or(Cell::Empty, Cell::money),
                if_cancelled.map_or(Cell::Empty, Cell::money),
            ]);
        }
        report.top_level(
            "balance_today",
            today
                .as_ref()
                .map_or(Cell::Empty, |t| Cell::money(t.balance)),
        );
        report.top_level(
            "balance_date",
            balance.map_or(Cell::Empty, |(date, _)| Cell::Date(date)),
        );
        let per_month = deals::monthly_costs(ledger, ctx.as_of).map(|(_, c)| c);
        report.top_level("monthly_costs", per_month.map_or(Cell::Empty, Cell::money));
        let seen = Seen {
            ctx,
            balance,
            per_month,
            today: today.as_ref(),
        };
        findings(
            &mut report,
            &seen,
            scenario.as_ref(),
            &contracts,
            &projection,
        );
        report
    }
}

/// The rows projected, first and last day of each: the rest of the as-of
/// month (none when the as-of date is its last day), then the 12 calendar
/// months after it.
fn rows_after(as_of: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let next_month = Interval::Month.next(Interval::Month.start(as_of));
    let mut rows = Vec::with_capacity(MONTHS + 1);
    if let Some(tomorrow) = as_of.succ_opt().filter(|d| *d < next_month) {
        rows.push((tomorrow, last_of_month(as_of)));
    }
    let mut first = next_month;
    for _ in 0..MONTHS {
        rows.push((first, last_of_month(first)));
        first = Interval::Month.next(first);
    }
    rows
}

fn last_of_month(day: NaiveDate) -> NaiveDate {
    let next = Interval::Month.next(Interval::Month.start(day));
    next.pred_opt().unwrap_or(next)
}

/// The `costs` entries on or before the as-of date: from each date, the
/// costs per month in the base currency (converted on that date).
struct Costs {
    /// By date; one per date (the last written on it).
    from: Vec<(NaiveDate, Decimal)>,
}

impl Costs {
    fn of(ledger: &Ledger, as_of: NaiveDate) -> Costs {
        let mut from: Vec<(NaiveDate, Decimal)> = ledger
            .entries_of(Sparse::Costs)
            .map(|(_, entry)| entry)
            .filter(|e| e.date <= as_of)
            .filter_map(|entry| {
                let EntryKind::Costs { rate } = &entry.kind else {
                    return None;
                };
                let per_month = deals::per_month(ledger, **rate, entry.date)?;
                Some((entry.date, per_month))
            })
            .collect();
        // A stable sort keeps reading order within a day; the last written
        // holds (as `deals::monthly_costs` reads it).
        from.sort_by_key(|(date, _)| *date);
        let mut kept: Vec<(NaiveDate, Decimal)> = Vec::with_capacity(from.len());
        for (date, per_month) in from {
            match kept.last_mut() {
                Some(last) if last.0 == date => last.1 = per_month,
                _ => kept.push((date, per_month)),
            }
        }
        Costs { from: kept }
    }

    fn is_empty(&self) -> bool {
        self.from.is_empty()
    }

    /// The costs of the days from `first` to `last`, both counted: each day
    /// costs the month's costs in force on it ÷ the days of its month, so a
    /// whole month costs exactly its monthly costs.
    fn between(&self, first: NaiveDate, last: NaiveDate) -> Decimal {
        let mut total = Decimal::ZERO;
        let mut day = first;
        while day <= last {
            let month_end = last_of_month(day);
            let in_force = self.from.partition_point(|(date, _)| *date <= day);
            // The run of days with one rate in one month.
            let mut end = last.min(month_end);
            if let Some(next) = self.from.get(in_force).and_then(|(d, _)| d.pred_opt()) {
                end = end.min(next);
            }
            if let Some((_, per_month)) = in_force.checked_sub(1).map(|i| self.from[i]) {
                let days = (end - day).num_days() + 1;
                let month_days = month_end.day();
                total += per_month * Decimal::from(days) / Decimal::from(month_days);
            }
            let Some(next) = end.succ_opt() else { break };
            day = next;
        }
        total
    }
}

/// Today's balance, rolled forward from the latest `balance`.
struct Today {
    /// The date and amount of the latest `balance`.
    balance_date: NaiveDate,
    balance_then: Decimal,
    /// Net income and costs of the days after it up to the as-of date.
    income: Decimal,
    costs: Decimal,
    balance: Decimal,
}

impl Today {
    fn of(
        ledger: &Ledger,
        facts: &[DealFacts],
        costs: &Costs,
        date: NaiveDate,
        amount: Decimal,
        as_of: NaiveDate,
    ) -> Today {
        let (income, spent) = match date.succ_opt().filter(|d| *d <= as_of) {
            None => (Decimal::ZERO, Decimal::ZERO),
            Some(first) => {
                // Every won deal earned on its days, also one ended since.
                let income = facts
                    .iter()
                    .filter(|d| d.is_won())
                    .filter_map(|d| {
                        let contract = d.contract()?;
                        let gross = contract.income(first, as_of);
                        (!gross.is_zero()).then(|| gross * net_share(ledger, &d.channel))
                    })
                    .sum();
                (income, costs.between(first, as_of))
            }
        };
        Today {
            balance_date: date,
            balance_then: amount,
            income,
            costs: spent,
            balance: amount + income - spent,
        }
    }
}

/// A running contract and the share of its income that is net.
struct Earning<'l> {
    running: Running<'l>,
    share: Decimal,
}

impl Earning<'_> {
    /// Net income on the days from `first` to `last`, none after `stop`.
    fn income(&self, first: NaiveDate, last: NaiveDate, stop: Option<NaiveDate>) -> Decimal {
        let last = stop.map_or(last, |stop| last.min(stop));
        if first > last {
            return Decimal::ZERO;
        }
        self.running.income(first, last) * self.share
    }
}

/// What the projection starts from.
struct Plan<'c> {
    as_of: NaiveDate,
    rows: Vec<(NaiveDate, NaiveDate)>,
    costs: &'c Costs,
    /// Today's balance; `None` without a `balance` or without `costs`.
    today: Option<Decimal>,
}

/// One projected row.
struct Row {
    first: NaiveDate,
    income: Decimal,
    /// `None` without `costs`.
    costs: Option<Decimal>,
    /// `None` without today's balance.
    balance_end: Option<Decimal>,
}

impl Plan<'_> {
    /// The rows ahead with the net income of `contracts`; the contract
    /// `cancelled` (an index into them) earns nothing after the day given.
    fn project(
        &self,
        contracts: &[Earning<'_>],
        cancelled: Option<(usize, NaiveDate)>,
    ) -> Vec<Row> {
        let mut balance = self.today;
        self.rows
            .iter()
            .map(|&(first, last)| {
                let income: Decimal = contracts
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let stop = cancelled.filter(|(j, _)| *j == i).map(|(_, s)| s);
                        c.income(first, last, stop)
                    })
                    .sum();
                let costs = (!self.costs.is_empty()).then(|| self.costs.between(first, last));
                if let (Some(b), Some(costs)) = (balance.as_mut(), costs) {
                    *b += income - costs;
                }
                Row {
                    first,
                    income,
                    costs,
                    balance_end: balance,
                }
            })
            .collect()
    }

    /// A contract's net income on every day after the as-of date.
    fn income_left(&self, contract: &Earning<'_>) -> Decimal {
        match self.as_of.succ_opt() {
            Some(tomorrow) => contract.income(tomorrow, NaiveDate::MAX, None),
            None => Decimal::ZERO,
        }
    }
}

/// "December 2026".
fn month_words(first: NaiveDate) -> String {
    first.format("%B %Y").to_string()
}

/// The first row that ends below zero.
fn runs_out(projection: &[Row]) -> Option<&Row> {
    projection
        .iter()
        .find(|m| m.balance_end.is_some_and(|b| b < Decimal::ZERO))
}

/// The row with the lowest balance at its end (the first, on ties).
fn lowest(projection: &[Row]) -> Option<(&Row, Decimal)> {
    projection
        .iter()
        .filter_map(|m| m.balance_end.map(|b| (m, b)))
        .fold(None, |low: Option<(&Row, Decimal)>, (m, b)| match low {
            Some((_, l)) if l <= b => low,
            _ => Some((m, b)),
        })
}

/// What the findings read besides the rows.
struct Seen<'a> {
    ctx: &'a Context,
    balance: Option<(NaiveDate, Decimal)>,
    /// The costs per month in force on the as-of date.
    per_month: Option<Decimal>,
    today: Option<&'a Today>,
}

fn findings(
    report: &mut Report,
    seen: &Seen<'_>,
    scenario: Option<&Scenario<'_, '_>>,
    contracts: &[Earning<'_>],
    projection: &[Row],
) {
    let ctx = seen.ctx;
    let currency = ctx.currency.map(|c| c.to_string());
    let currency = currency.as_deref();
    let as_of = ctx.as_of;
    let unit = currency.unwrap_or("EUR");
    match (seen.balance, seen.per_month, seen.today) {
        (None, None, _) => report.warning(format!(
            "There is no `balance` and no `costs` on or before {as_of}, so the runway cannot be projected: \
             add your savings and your monthly costs, like `{as_of} balance 15000 {unit}` and \
             `{as_of} costs 3000 {unit}/month`."
        )),
        (None, Some(_), _) => report.warning(format!(
            "There is no `balance` on or before {as_of}, so the balance cannot be projected: add your \
             savings, like `{as_of} balance 15000 {unit}`."
        )),
        (Some(_), None, _) | (Some(_), Some(_), None) => report.warning(format!(
            "There are no `costs` on or before {as_of}, so the balance cannot be projected: add what you \
             spend to live and work, like `{as_of} costs 3000 {unit}/month` (or `/year`)."
        )),
        (Some(_), Some(costs), Some(today)) => {
            balance_today(report, today, as_of, currency);
            buffer(report, today.balance, costs, currency);
            let baseline = runs_out(projection);
            match baseline {
                _ if today.balance < Decimal::ZERO => {
                    if let Some(last) = projection.last() {
                        report.warning(format!(
                            "Your balance is below zero already; without new work it would end {} at {}.",
                            month_words(last.first),
                            money(last.balance_end.unwrap_or_default(), currency),
                        ));
                    }
                }
                Some(row) => report.warning(format!(
                    "Without new work, your money runs out in {}: the balance would end it at {}.",
                    month_words(row.first),
                    money(row.balance_end.unwrap_or_default(), currency),
                )),
                None => {
                    if let Some((row, low)) = lowest(projection) {
                        report.info(format!(
                            "Without new work, the balance stays above zero for the next 12 months; \
                             it is lowest at the end of {}, at {}.",
                            month_words(row.first),
                            money(low, currency),
                        ));
                    }
                }
            }
            if today.balance >= Decimal::ZERO {
                cancelled(report, scenario, baseline, currency);
            }
        }
    }

    let unspread: Vec<String> = contracts
        .iter()
        .map(|c| &c.running)
        .filter(|c| c.contract.has_open_end() || c.days().is_none())
        .map(|c| {
            if c.contract.has_open_end() {
                format!("`{}` (no `until`)", c.id)
            } else {
                format!("`{}` (`until` before its start)", c.id)
            }
        })
        .collect();
    if !unspread.is_empty() {
        report.warning(format!(
            "No income is counted for {}: write the planned end on the `won` entry, like \
             `won DEAL 12000 {unit} until 2027-03-31`.",
            list(unspread)
        ));
    }
    let overdue: Vec<String> = contracts
        .iter()
        .map(|c| &c.running)
        .filter_map(|c| c.until().filter(|u| *u < as_of).map(|u| (c, u)))
        .map(|(c, until)| format!("`{}` (until {until})", c.id))
        .collect();
    if !overdue.is_empty() {
        report.info(format!(
            "Past their planned end but not `ended`: {}. Write `ended DEAL` when a contract is over, or \
             move its `until` if it runs on.",
            list(overdue)
        ));
    }
    if ctx.channel.is_some() {
        report.info(
            "The runway covers all your work: balance and costs are not per channel, so `--channel` \
             does not narrow it.",
        );
    }
}

/// Today's balance and how it was reached.
fn balance_today(report: &mut Report, today: &Today, as_of: NaiveDate, currency: Option<&str>) {
    let age = (as_of - today.balance_date).num_days();
    let now = money(today.balance, currency);
    if age == 0 {
        report.info(format!(
            "Your balance today is {now}, as written on {as_of}."
        ));
        return;
    }
    let ago = match age {
        1 => "1 day ago".to_owned(),
        n => format!("{n} days ago"),
    };
    let since = format!(
        "from your balance of {} on {}, {ago}, plus {} net income and {} costs since",
        money(today.balance_then, currency),
        today.balance_date,
        money(today.income, currency),
        money(today.costs, currency),
    );
    if age > FRESH_DAYS {
        report.warning(format!(
            "Your balance today is estimated at {now}, {since}: add a `balance` entry for today's figure."
        ));
    } else {
        report.info(format!("Your balance today is about {now}, {since}."));
    }
}

/// Buffer months today against the 3–6 month rule.
fn buffer(report: &mut Report, balance: Decimal, costs: Decimal, currency: Option<&str>) {
    if balance <= Decimal::ZERO {
        report.warning(format!(
            "You have no buffer: your balance today is {}. Aim for 3 months of costs ({}).",
            money(balance, currency),
            money(costs * Decimal::from(3), currency),
        ));
        return;
    }
    if costs <= Decimal::ZERO {
        return;
    }
    let months = balance / costs;
    let said = format!(
        "Your buffer of {} today covers {} of costs at {} a month",
        money(balance, currency),
        match words::number(f64_of(months), 1).as_str() {
            "1" => "1 month".to_owned(),
            n => format!("{n} months"),
        },
        money(costs, currency),
    );
    if months < Decimal::from(3) {
        report.warning(format!(
            "{said}: below the 3 months to keep at the least. Build it up to {} before taking risks.",
            money(costs * Decimal::from(3), currency),
        ));
    } else if months < Decimal::from(6) {
        report.info(format!(
            "{said}: within the 3–6 month rule. Six months ({}) would let you turn down bad work.",
            money(costs * Decimal::from(6), currency),
        ));
    } else {
        report.info(format!(
            "{said}: six months or more, well done. You can afford to turn down work that does not fit."
        ));
    }
}

/// The runway if the running contract with the most net income left were
/// cancelled today: it earns until its notice runs out, counted from the
/// as-of date (whole days), or stops at once without a `notice:`. Its
/// balances are the `balance_if_cancelled` column (the HTML view draws
/// them beside the balance); its finding says where it leads.
struct Scenario<'p, 'l> {
    contract: &'p Earning<'l>,
    /// The contract's net income on every day after the as-of date.
    income: Decimal,
    /// Its notice period in days, when it has one.
    notice: Option<Decimal>,
    /// The last day it earns.
    stop: NaiveDate,
    projection: Vec<Row>,
}

impl<'p, 'l> Scenario<'p, 'l> {
    /// `None` when no running contract brings income after today.
    fn of(plan: &Plan<'_>, contracts: &'p [Earning<'l>]) -> Option<Scenario<'p, 'l>> {
        let (index, contract, income) = contracts
            .iter()
            .enumerate()
            .map(|(i, c)| (i, c, plan.income_left(c)))
            .filter(|(_, _, income)| *income > Decimal::ZERO)
            .max_by(|(_, a, x), (_, b, y)| {
                x.cmp(y)
                    .then(a.running.contract.value().cmp(&b.running.contract.value()))
                    .then(b.running.id.cmp(a.running.id))
            })?;
        let notice = contract.running.contract.notice_days();
        let notice_days = notice.and_then(|d| d.floor().to_u64()).unwrap_or(0);
        let stop = plan
            .as_of
            .checked_add_days(Days::new(notice_days))
            .unwrap_or(NaiveDate::MAX);
        Some(Scenario {
            contract,
            income,
            notice,
            stop,
            projection: plan.project(contracts, Some((index, stop))),
        })
    }
}

/// The finding of the [`Scenario`].
fn cancelled(
    report: &mut Report,
    scenario: Option<&Scenario<'_, '_>>,
    baseline: Option<&Row>,
    currency: Option<&str>,
) {
    let Some(Scenario {
        contract,
        income,
        notice,
        stop,
        projection,
    }) = scenario
    else {
        report
            .info("No running contract brings income after today: the projection has costs only.");
        return;
    };
    let (income, stop) = (*income, *stop);
    let notice_days = notice.and_then(|d| d.floor().to_u64()).unwrap_or(0);
    let how = match notice {
        Some(_) => format!(
            "with its {} notice (income until {stop})",
            words::count(notice_days as usize, "day's", "days'")
        ),
        None => "with no `notice:` (its income stops at once)".to_owned(),
    };
    let head = format!(
        "If `{}`, the running contract with the most income left ({} net), were cancelled today {how},",
        contract.running.id,
        money(income, currency)
    );
    match (runs_out(projection), baseline) {
        (Some(row), None) => report.warning(format!(
            "{head} your money would run out in {}.",
            month_words(row.first)
        )),
        (Some(row), Some(before)) if row.first == before.first => report.warning(format!(
            "{head} your money would still run out in {}.",
            month_words(row.first)
        )),
        (Some(row), Some(before)) => report.warning(format!(
            "{head} your money would run out in {} instead of {}.",
            month_words(row.first),
            month_words(before.first)
        )),
        (None, _) => {
            if let Some((row, low)) = lowest(projection) {
                report.info(format!(
                    "{head} the balance would still stay above zero for the next 12 months, at its lowest {} at the end of {}.",
                    money(low, currency),
                    month_words(row.first)
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger};

    fn runway(text: &str, as_of: &str) -> Report {
        let l = ledger(text);
        Runway.run(&Run::new(&l, Context::new(&l, date(as_of))))
    }

    fn money_at(report: &Report, row: usize, column: &str) -> Cell {
        report.rows[row][report.column(column).expect("a column")].clone()
    }

    fn top(report: &Report, name: &str) -> Cell {
        report
            .extra
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.clone())
            .expect("a top-level key")
    }

    /// The costs in force that `runway` spreads over the days and the
    /// `monthly_costs` it reports read the `costs` entries through one rule
    /// (`deals::per_month`): on every day they agree, with `/year`, and
    /// with two entries on one day (the last written holds).
    #[test]
    fn the_costs_in_force_are_the_monthly_costs() {
        let l = ledger(
            "option currency EUR\n2026-01-01 costs 1200 EUR/month\n\
             2026-02-01 costs 24000 EUR/year\n2026-02-01 costs 1800 EUR/month\n\
             2026-03-10 costs 30000 EUR/year\n",
        );
        for as_of in [
            "2025-12-31",
            "2026-01-01",
            "2026-01-31",
            "2026-02-01",
            "2026-03-09",
            "2026-03-10",
            "2026-12-31",
        ] {
            let as_of = date(as_of);
            let in_force = Costs::of(&l, as_of).from.last().copied();
            assert_eq!(in_force, deals::monthly_costs(&l, as_of), "{as_of}");
        }
        let on = |day: &str| deals::monthly_costs(&l, date(day));
        assert_eq!(on("2025-12-31"), None);
        assert_eq!(
            on("2026-02-01"),
            Some((date("2026-02-01"), Decimal::from(1800)))
        );
        assert_eq!(
            on("2026-03-10"),
            Some((date("2026-03-10"), Decimal::from(2500)))
        );
    }

    #[test]
    fn the_rest_of_the_month_then_twelve_months() {
        let rows = rows_after(date("2026-11-26"));
        assert_eq!(rows.len(), 13);
        assert_eq!(rows[0], (date("2026-11-27"), date("2026-11-30")));
        assert_eq!(rows[1], (date("2026-12-01"), date("2026-12-31")));
        assert_eq!(rows[3], (date("2027-02-01"), date("2027-02-28")));
        assert_eq!(rows[12], (date("2027-11-01"), date("2027-11-30")));
        // On the month's last day, the rest of the month is empty: left out.
        let rows = rows_after(date("2026-02-28"));
        assert_eq!(rows.len(), 12);
        assert_eq!(rows[0], (date("2026-03-01"), date("2026-03-31")));
    }

    /// Costs by the day: 3,100 a month in May (31 days, 100 a day), then
    /// 36,000 a year = 3,000 a month from June 10 (June has 30 days, 100 a
    /// day). May 20 to June 15: 12 May days at 100, 9 June days at the
    /// May rate (3,100 / 30) and 6 at 100.
    #[test]
    fn costs_follow_the_rate_in_force_each_day() {
        let l = ledger(
            "option currency EUR\n2026-05-01 costs 3100 EUR/month\n2026-06-10 costs 36000 EUR/year\n",
        );
        let costs = Costs::of(&l, date("2026-06-30"));
        assert_eq!(
            costs.between(date("2026-05-01"), date("2026-05-31")),
            Decimal::from(3100)
        );
        assert_eq!(
            costs.between(date("2026-05-20"), date("2026-06-15")),
            Decimal::from(1200) + Decimal::from(3100 * 9) / Decimal::from(30) + Decimal::from(600)
        );
        // Before the first `costs`, a day costs nothing.
        assert_eq!(
            costs.between(date("2026-04-01"), date("2026-04-30")),
            Decimal::ZERO
        );
        // The rate in force on the as-of date is `deals::monthly_costs`.
        assert_eq!(
            costs.from.last().map(|(_, c)| *c),
            Some(Decimal::from(3000))
        );
        assert_eq!(
            deals::monthly_costs(&l, date("2026-06-30")),
            Some((date("2026-06-10"), Decimal::from(3000)))
        );
    }

    /// A ledger without contracts falls by its costs, row after row, from
    /// today's balance, which is the last balance minus the costs since.
    #[test]
    fn without_contracts_the_balance_falls_by_the_costs() {
        for (as_of, balance_on, per_month) in [
            ("2026-06-15", "2026-06-15", 3000),
            ("2026-06-15", "2026-04-20", 3100),
            ("2026-02-28", "2026-01-31", 2800),
            ("2026-12-31", "2026-12-01", 4500),
            ("2027-01-01", "2026-10-07", 1234),
        ] {
            let report = runway(
                &format!(
                    "option currency EUR\n2026-01-01 costs {per_month} EUR/month\n\
                     {balance_on} balance 50000 EUR\n"
                ),
                as_of,
            );
            let costs = Costs::of(
                &ledger(&format!("2026-01-01 costs {per_month} EUR/month\n")),
                date(as_of),
            );
            let since = match date(balance_on).succ_opt().filter(|d| *d <= date(as_of)) {
                Some(first) => costs.between(first, date(as_of)),
                None => Decimal::ZERO,
            };
            let mut balance = Decimal::from(50000) - since;
            assert_eq!(
                top(&report, "balance_today"),
                Cell::money(balance),
                "{as_of}"
            );
            assert_eq!(top(&report, "balance_date"), Cell::Date(date(balance_on)));
            for (i, &(first, last)) in rows_after(date(as_of)).iter().enumerate() {
                let days = Decimal::from((last - first).num_days() + 1);
                let row_costs =
                    Decimal::from(per_month) * days / Decimal::from(last_of_month(first).day());
                balance -= row_costs;
                assert_eq!(money_at(&report, i, "income"), Cell::money(Decimal::ZERO));
                assert_eq!(
                    money_at(&report, i, "costs"),
                    Cell::money(row_costs),
                    "{as_of} {first}"
                );
                assert_eq!(
                    money_at(&report, i, "balance_end"),
                    Cell::money(balance),
                    "{as_of} {first}"
                );
            }
        }
    }

    /// Net income: 100 a day gross via a channel with a 10% fee and a 30%
    /// tax reserve is 63 a day. Balance 10,000 on 2026-05-06, 40 days before
    /// the as-of date 2026-06-15; the contract runs 2026-06-01 to 06-30
    /// (3,000 EUR, 30 days). Since the balance: 15 days × 63 = 945 income;
    /// costs 3,100 a month: May 7–31 is 25 × 100 = 2,500, June 1–15 is 15 ×
    /// 3,100 / 30 = 1,550. Today: 10,000 + 945 − 4,050 = 6,895. The rest of
    /// June (16th–30th): 945 income, 1,550 costs, ends at 6,290.
    #[test]
    fn the_balance_rolls_forward_to_today() {
        let report = runway(
            "option currency EUR\noption tax-reserve 30%\nchannel platform\n  fee: 10%\n\
             2026-01-01 costs 3100 EUR/month\n2026-05-06 balance 10000 EUR\n\
             2026-05-01 lead a via platform:malt\n2026-05-20 won a 3000 EUR until 2026-06-30\n  start: 2026-06-01\n",
            "2026-06-15",
        );
        assert_eq!(
            top(&report, "balance_today"),
            Cell::money(Decimal::from(6895))
        );
        assert_eq!(money_at(&report, 0, "month"), Cell::text("2026-06"));
        assert_eq!(
            money_at(&report, 0, "income"),
            Cell::money(Decimal::from(945))
        );
        assert_eq!(
            money_at(&report, 0, "costs"),
            Cell::money(Decimal::from(1550))
        );
        assert_eq!(
            money_at(&report, 0, "balance_end"),
            Cell::money(Decimal::from(6290))
        );
        assert_eq!(
            report.findings[0].message,
            "Your balance today is estimated at 6,895 EUR, from your balance of 10,000 EUR on \
             2026-05-06, 40 days ago, plus 945 EUR net income and 4,050 EUR costs since: add a \
             `balance` entry for today's figure."
        );
    }

    #[test]
    fn missing_balance_and_costs_say_what_to_add() {
        let report = runway(
            "option currency EUR\n2026-01-01 lead a via x\n2026-01-02 won a 3100 EUR until 2026-12-31\n",
            "2026-11-15",
        );
        assert_eq!(report.rows.len(), 13);
        // The contract runs 364 days, 2026-01-02 to 2026-12-31 both counted;
        // 15 of them are in the rest of November, 31 in December, none later.
        let day = Decimal::from(3100) / Decimal::from(364);
        assert_eq!(report.rows[0][1], Cell::money(day * Decimal::from(15)));
        assert_eq!(
            report.rows[1][1],
            Cell::money(Decimal::from(3100) * Decimal::from(31) / Decimal::from(364))
        );
        assert_eq!(report.rows[2][1], Cell::money(Decimal::ZERO));
        assert_eq!(report.rows[0][2], Cell::Empty);
        assert_eq!(report.rows[0][3], Cell::Empty);
        assert_eq!(top(&report, "balance_today"), Cell::Empty);
        assert!(report.findings[0]
            .message
            .starts_with("There is no `balance` and no `costs`"));
    }
}
