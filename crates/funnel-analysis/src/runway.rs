//! `runway`: how long the buffer lasts.
//!
//! ## What it does
//! One row per calendar month for the 12 months after the as-of month:
//! the income from the contracts still running, the costs, and the balance
//! at the end of the month if no new work is won.
//!
//! - The balance starts from the latest `balance` on or before the as-of
//!   date, taken as it stands (income and costs between its date and the
//!   end of the as-of month are not guessed at).
//! - Costs per month are the latest `costs` on or before the as-of date
//!   (`/year` ÷ 12), in the base currency on the date of that entry.
//! - A running contract is a won deal not `ended` on the as-of date. Its
//!   value is spread evenly over the days from its start (`start:`, else
//!   the `won` date) to its `until`, both counted; a month gets the days
//!   that fall in it. A contract without `until` (or whose `until` is
//!   before its start) adds no income.
//!
//! The period, `--channel` and `--depth` do not apply: the balance and the
//! costs belong to all the work, and the rows are the months ahead. The
//! table view draws a sparkline of the balance.
//!
//! ## Why
//! The 3–6 month rule: a buffer of three months of costs lets a freelancer
//! survive a gap between contracts; six lets them turn down bad work. A
//! single large client can end a contract overnight, so the runway is also
//! shown without the largest one.
//!
//! ## Findings
//! What to add when `balance` or `costs` is missing; the buffer today in
//! months of costs (flagged below 3, praised from 6); the month the balance
//! would fall below zero without new work; the same if the largest running
//! contract (by its income in the 12 months) were cancelled today; the
//! contracts that add no income for want of an `until`, and those past
//! their `until` without an `ended`.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::context::{Context, Interval};
use crate::deals::{self, Running};
use crate::report::{Cell, Column, Kind, Report};
use crate::words::{self, f64_of, list, money};
use crate::{Analysis, Run};

pub struct Runway;

/// How many months are projected.
const MONTHS: usize = 12;

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
            Column::new("income", "income", Kind::Money),
            Column::new("costs", "costs", Kind::Money),
            Column::new("balance_end", "balance at\nmonth end", Kind::Money).trend(),
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
        let contracts = deals::running_contracts(ledger, facts);
        let plan = Plan {
            months: months_after(ctx.as_of),
            balance: deals::latest_balance(ledger, ctx.as_of),
            costs: deals::monthly_costs(ledger, ctx.as_of),
        };
        let projection = plan.project(&contracts, None);
        for month in &projection {
            report.rows.push(vec![
                Cell::text(Interval::Month.label(month.first)),
                Cell::money(month.income),
                plan.costs.map_or(Cell::Empty, |(_, c)| Cell::money(c)),
                month.balance_end.map_or(Cell::Empty, Cell::money),
            ]);
        }
        findings(&mut report, ctx, &plan, &contracts, &projection);
        report
    }
}

/// The months projected: first and last day of each of the 12 calendar
/// months after the as-of month.
fn months_after(as_of: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut first = Interval::Month.next(Interval::Month.start(as_of));
    let mut months = Vec::with_capacity(MONTHS);
    for _ in 0..MONTHS {
        let next = Interval::Month.next(first);
        months.push((first, next.pred_opt().unwrap_or(next)));
        first = next;
    }
    months
}

/// What the projection starts from.
struct Plan {
    months: Vec<(NaiveDate, NaiveDate)>,
    /// Date and amount of the latest `balance`.
    balance: Option<(NaiveDate, Decimal)>,
    /// Date of the latest `costs` and the costs per month.
    costs: Option<(NaiveDate, Decimal)>,
}

/// One projected month.
struct Month {
    first: NaiveDate,
    income: Decimal,
    /// Empty without a `balance` or without `costs`.
    balance_end: Option<Decimal>,
}

impl Plan {
    /// The months ahead with the income of `contracts`, leaving out the
    /// contract `without` (cancelled today).
    fn project(&self, contracts: &[Running<'_>], without: Option<&str>) -> Vec<Month> {
        let mut balance = self
            .balance
            .zip(self.costs)
            .map(|((_, balance), _)| balance);
        self.months
            .iter()
            .map(|&(first, last)| {
                let income: Decimal = contracts
                    .iter()
                    .filter(|c| Some(c.id) != without)
                    .map(|c| c.income(first, last))
                    .sum();
                if let (Some(b), Some((_, costs))) = (balance.as_mut(), self.costs) {
                    *b += income - costs;
                }
                Month {
                    first,
                    income,
                    balance_end: balance,
                }
            })
            .collect()
    }

    /// The income of a contract over the months ahead.
    fn income_of(&self, contract: &Running<'_>) -> Decimal {
        self.months
            .iter()
            .map(|&(first, last)| contract.income(first, last))
            .sum()
    }
}

/// "December 2026".
fn month_words(first: NaiveDate) -> String {
    first.format("%B %Y").to_string()
}

/// The first month that ends below zero.
fn runs_out(projection: &[Month]) -> Option<&Month> {
    projection
        .iter()
        .find(|m| m.balance_end.is_some_and(|b| b < Decimal::ZERO))
}

/// The month with the lowest balance at its end (the first, on ties).
fn lowest(projection: &[Month]) -> Option<(&Month, Decimal)> {
    projection
        .iter()
        .filter_map(|m| m.balance_end.map(|b| (m, b)))
        .fold(None, |low: Option<(&Month, Decimal)>, (m, b)| match low {
            Some((_, l)) if l <= b => low,
            _ => Some((m, b)),
        })
}

fn findings(
    report: &mut Report,
    ctx: &Context,
    plan: &Plan,
    contracts: &[Running<'_>],
    projection: &[Month],
) {
    let currency = ctx.currency.map(|c| c.to_string());
    let currency = currency.as_deref();
    let as_of = ctx.as_of;
    let unit = currency.unwrap_or("EUR");
    match (plan.balance, plan.costs) {
        (None, None) => report.warning(format!(
            "There is no `balance` and no `costs` on or before {as_of}, so the runway cannot be projected: \
             add your savings and your monthly costs, like `{as_of} balance 15000 {unit}` and \
             `{as_of} costs 3000 {unit}/month`."
        )),
        (None, Some(_)) => report.warning(format!(
            "There is no `balance` on or before {as_of}, so the balance cannot be projected: add your \
             savings, like `{as_of} balance 15000 {unit}`."
        )),
        (Some(_), None) => report.warning(format!(
            "There are no `costs` on or before {as_of}, so the balance cannot be projected: add what you \
             spend to live and work, like `{as_of} costs 3000 {unit}/month` (or `/year`)."
        )),
        (Some((balance_date, balance)), Some((_, costs))) => {
            buffer(report, balance_date, balance, costs, currency);
            let baseline = runs_out(projection);
            match baseline {
                Some(month) => report.warning(format!(
                    "Without new work, your money runs out in {}: the balance would end it at {}.",
                    month_words(month.first),
                    money(month.balance_end.unwrap_or_default(), currency),
                )),
                None => {
                    if let Some((month, low)) = lowest(projection) {
                        report.info(format!(
                            "Without new work, the balance stays above zero for the next 12 months; \
                             it is lowest at the end of {}, at {}.",
                            month_words(month.first),
                            money(low, currency),
                        ));
                    }
                }
            }
            cancelled(report, plan, contracts, baseline, currency);
        }
    }

    let unspread: Vec<String> = contracts
        .iter()
        .filter(|c| c.days().is_none())
        .map(|c| match c.until() {
            None => format!("`{}` (no `until`)", c.id),
            Some(_) => format!("`{}` (`until` before its start)", c.id),
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

/// Buffer months today against the 3–6 month rule.
fn buffer(
    report: &mut Report,
    date: NaiveDate,
    balance: Decimal,
    costs: Decimal,
    currency: Option<&str>,
) {
    if balance <= Decimal::ZERO {
        report.warning(format!(
            "You have no buffer: your balance stood at {} on {date}. Aim for 3 months of costs ({}).",
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
        "Your buffer of {} (balance on {date}) covers {} of costs at {} a month",
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

/// The runway if the contract with the most income ahead were cancelled.
fn cancelled(
    report: &mut Report,
    plan: &Plan,
    contracts: &[Running<'_>],
    baseline: Option<&Month>,
    currency: Option<&str>,
) {
    let largest = contracts
        .iter()
        .map(|c| (c, plan.income_of(c)))
        .filter(|(_, income)| *income > Decimal::ZERO)
        .max_by(|(a, x), (b, y)| {
            x.cmp(y)
                .then(a.contract.value().cmp(&b.contract.value()))
                .then(b.id.cmp(a.id))
        });
    let Some((contract, income)) = largest else {
        report.info("No running contract brings income in the next 12 months: the projection has costs only.");
        return;
    };
    let projection = plan.project(contracts, Some(contract.id));
    let head = format!(
        "If `{}`, the largest running contract ({} of income in the next 12 months), were cancelled today,",
        contract.id,
        money(income, currency)
    );
    match (runs_out(&projection), baseline) {
        (Some(month), None) => report.warning(format!(
            "{head} your money would run out in {}.",
            month_words(month.first)
        )),
        (Some(month), Some(before)) if month.first == before.first => report.warning(format!(
            "{head} your money would still run out in {}.",
            month_words(month.first)
        )),
        (Some(month), Some(before)) => report.warning(format!(
            "{head} your money would run out in {} instead of {}.",
            month_words(month.first),
            month_words(before.first)
        )),
        (None, _) => {
            if let Some((month, low)) = lowest(&projection) {
                report.info(format!(
                    "{head} the balance would still stay above zero for the next 12 months, at its lowest {} at the end of {}.",
                    money(low, currency),
                    month_words(month.first)
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger};

    #[test]
    fn twelve_calendar_months_after_the_as_of_month() {
        let months = months_after(date("2026-11-26"));
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], (date("2026-12-01"), date("2026-12-31")));
        assert_eq!(months[2], (date("2027-02-01"), date("2027-02-28")));
        assert_eq!(months[11], (date("2027-11-01"), date("2027-11-30")));
    }

    #[test]
    fn missing_balance_and_costs_say_what_to_add() {
        let l = ledger("option currency EUR\n2026-01-01 lead a via x\n2026-01-02 won a 3100 EUR until 2026-12-31\n");
        let report = Runway.run(&Run::new(&l, Context::new(&l, date("2026-11-15"))));
        assert_eq!(report.rows.len(), 12);
        // The contract runs 364 days, 2026-01-02 to 2026-12-31 both counted;
        // 31 of them are in December, none later.
        let december = Decimal::from(3100) * Decimal::from(31) / Decimal::from(364);
        assert_eq!(report.rows[0][1], Cell::money(december));
        assert_eq!(report.rows[1][1], Cell::money(Decimal::ZERO));
        assert_eq!(report.rows[0][2], Cell::Empty);
        assert_eq!(report.rows[0][3], Cell::Empty);
        assert!(report.findings[0]
            .message
            .starts_with("There is no `balance` and no `costs`"));
    }
}
