//! `trends`: the last months at a glance.
//!
//! ## What it does
//! One row per calendar month (or ISO week, Monday to Sunday, or quarter,
//! with `--interval`) of the period: how many deals reached each stage in
//! it (a deal counts for a stage in the interval of the date it reached
//! that stage, whenever its lead came in), the value of the deals won in it
//! (by `won` date, pro-rated as everywhere), the hours and money `spent` in
//! it, and the gross income earned on its days (analyses §1: each won
//! deal's tranches spread over their days, before fees and taxes). Only
//! dates in the period count, so the first and last rows may cover part of
//! their interval. Without a period start, the rows begin with the
//! interval of the first lead, stage or `spent` entry; they end with the
//! interval of the period's last day. The table view draws a sparkline of
//! every column.
//!
//! ## Why
//! A year of work is too long to remember evenly. The direction of each
//! column — more leads or fewer, more won or less, more hours for it or
//! fewer — answers "am I getting better?" at a glance.
//!
//! ## Findings
//! The last N whole intervals against the N before, as means per interval
//! (leads, deals won, won value, gross income, hours invested); a row cut
//! by the period or the as-of date is left out of it, and the finding says
//! so. Then, when the first or last row covers only part of its interval,
//! which days it covers; and the won deals that earn nothing by the day
//! for want of an end.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use funnel_ledger::Ledger;
use rust_decimal::Decimal;

use crate::context::{Context, Interval};
use crate::deals;
use crate::report::{Cell, Column, Kind, Report};
use crate::words::{self, money};
use crate::{Analysis, Run};

pub struct Trends;

impl Analysis for Trends {
    fn name(&self) -> &'static str {
        "trends"
    }

    fn description(&self) -> &'static str {
        "per month, week or quarter: deals reaching each stage, won value, hours, money spent"
    }

    fn run(&self, run: &Run<'_>) -> Report {
        let (ledger, ctx) = (run.ledger(), run.ctx());
        let interval = ctx.interval;
        let stages = ledger.stages.names();
        let mut columns = vec![Column::new(interval.name(), interval.name(), Kind::Text)];
        columns.extend(
            stages
                .iter()
                .map(|stage| Column::new(stage, stage, Kind::Count).trend()),
        );
        columns.extend([
            Column::new("won_value", "won value", Kind::Money).trend(),
            Column::new("hours", "hours", Kind::Hours).trend(),
            Column::new("spent_money", "spent", Kind::Money).trend(),
            Column::new("income", "gross income", Kind::Money).trend(),
        ]);
        let mut report = Report::new(
            self.name(),
            &format!("Trends: what happened {}", per(interval)),
            ctx,
            columns,
        );

        let mut buckets: BTreeMap<NaiveDate, Bucket> = BTreeMap::new();
        let facts = run.facts();
        for deal in facts.iter().filter(|d| ctx.keeps_channel(&d.channel)) {
            for (stage, date) in deal.reached_on.iter().enumerate() {
                let Some(date) = date.filter(|d| ctx.in_period(*d)) else {
                    continue;
                };
                let bucket = buckets
                    .entry(interval.start(date))
                    .or_insert_with(|| Bucket::new(stages.len()));
                bucket.reached[stage] += 1;
                if stage == ledger.stages.won() {
                    bucket.won_value += deal.value;
                }
            }
        }
        for spend in deals::spends(ledger, ctx.as_of)
            .filter(|s| ctx.in_period(s.date) && ctx.keeps_channel(s.channel))
        {
            let bucket = buckets
                .entry(interval.start(spend.date))
                .or_insert_with(|| Bucket::new(stages.len()));
            bucket.hours += spend.hours;
            bucket.money += spend.money;
        }

        let first = ctx.from.or_else(|| buckets.keys().next().copied());
        let mut rows: Vec<(NaiveDate, Bucket)> = Vec::new();
        if let Some(first) = first {
            let last = interval.start(ctx.to);
            let mut start = interval.start(first);
            while start <= last {
                let bucket = buckets
                    .remove(&start)
                    .unwrap_or_else(|| Bucket::new(stages.len()));
                rows.push((start, bucket));
                start = interval.next(start);
            }
        }
        let open_ended = add_income(ctx, facts, &mut rows);
        for (start, bucket) in &rows {
            let mut cells = vec![Cell::text(interval.label(*start))];
            cells.extend(bucket.reached.iter().map(|&n| Cell::Count(n)));
            cells.extend([
                Cell::money(bucket.won_value),
                Cell::Hours(bucket.hours.normalize()),
                Cell::money(bucket.money),
                Cell::money(bucket.income),
            ]);
            report.rows.push(cells);
        }
        findings(&mut report, ledger, ctx, &rows);
        if !open_ended.is_empty() {
            report.warning(format!(
                "No income by the day is counted for {}: a contract without `until` earns nothing by \
                 the day; write its planned end on the `won` entry.",
                words::list(open_ended.into_iter().map(|id| format!("`{id}` (no `until`)")))
            ));
        }
        report
    }
}

/// "per month", "per ISO week", "per quarter".
fn per(interval: Interval) -> &'static str {
    match interval {
        Interval::Week => "week by week",
        Interval::Month => "month by month",
        Interval::Quarter => "quarter by quarter",
    }
}

/// What happened in one interval.
struct Bucket {
    /// Deals that reached each stage in it.
    reached: Vec<u64>,
    won_value: Decimal,
    hours: Decimal,
    money: Decimal,
    /// Gross income earned on its days in the period (analyses §1).
    income: Decimal,
}

impl Bucket {
    fn new(stages: usize) -> Bucket {
        Bucket {
            reached: vec![0; stages],
            won_value: Decimal::ZERO,
            hours: Decimal::ZERO,
            money: Decimal::ZERO,
            income: Decimal::ZERO,
        }
    }
}

/// The last day of the interval that starts on `start`.
fn end_of(interval: Interval, start: NaiveDate) -> NaiveDate {
    interval.next(start).pred_opt().unwrap_or(start)
}

/// Adds each won deal's gross income (analyses §1) to the rows its days
/// fall in, only the days in the period: a row cut by the period or the
/// as-of date gets its days in it. Returns the won deals of the period
/// whose contract has a tranche without an end (it earns nothing by the
/// day), by id.
fn add_income<'f>(
    ctx: &Context,
    facts: &'f [deals::DealFacts],
    rows: &mut [(NaiveDate, Bucket)],
) -> Vec<&'f str> {
    let interval = ctx.interval;
    let mut open_ended = Vec::new();
    let (Some(&(first_start, _)), Some(&(last_start, _))) = (rows.first(), rows.last()) else {
        return open_ended;
    };
    let period_first = ctx.from.map_or(first_start, |from| from.max(first_start));
    let period_last = ctx.to.min(end_of(interval, last_start));
    for deal in facts
        .iter()
        .filter(|d| d.is_won() && ctx.keeps_channel(&d.channel))
    {
        let Some(contract) = deal.contract() else {
            continue;
        };
        let start = contract.start().max(period_first);
        let end = contract
            .tranches
            .iter()
            .filter_map(|t| contract.last_day(t))
            .max()
            .map_or(period_last, |end| end.min(period_last));
        if contract.has_open_end()
            && contract.start() <= period_last
            && contract.ended_on.is_none_or(|ended| ended >= period_first)
        {
            open_ended.push(deal.id.as_str());
        }
        if start > end {
            continue;
        }
        // The rows that the contract's days in the period fall in.
        let from_row = rows.partition_point(|(s, _)| end_of(interval, *s) < start);
        for (row_start, bucket) in rows[from_row..].iter_mut() {
            if *row_start > end {
                break;
            }
            let first = start.max(*row_start);
            let last = end.min(end_of(interval, *row_start));
            bucket.income += contract.income(first, last);
        }
    }
    open_ended
}

fn findings(report: &mut Report, ledger: &Ledger, ctx: &Context, rows: &[(NaiveDate, Bucket)]) {
    let interval = ctx.interval;
    let name = interval.name();
    if rows.is_empty() {
        report
            .info("Nothing happened in this period: no lead, no stage reached, no `spent` entry.");
        return;
    }
    let currency = ctx.currency.map(|c| c.to_string());
    let currency = currency.as_deref();
    let label = |i: usize| interval.label(rows[i].0);

    // The last N whole intervals against the N before, as means per
    // interval: a row cut by the period or the as-of date would look like
    // a slump, so it is left out and the finding says so.
    let whole_from = usize::from(ctx.from.is_some_and(|from| from > rows[0].0));
    let last_cut = ctx.to < end_of(interval, rows[rows.len() - 1].0);
    let whole_to = if last_cut { rows.len() - 1 } else { rows.len() };
    let mut cut: Vec<(NaiveDate, &str)> = Vec::new();
    if whole_from == 1 {
        cut.push((rows[0].0, "the period"));
    }
    if last_cut && (rows.len() > 1 || whole_from == 0) {
        let by = if ctx.to == ctx.as_of {
            "the as-of date"
        } else {
            "the period"
        };
        cut.push((rows[rows.len() - 1].0, by));
    }
    let whole = whole_to.saturating_sub(whole_from);
    let n = whole / 2;
    let cut_words = cut_sentence(interval, &cut);
    if n == 0 {
        report.info(format!(
            "There are fewer than 2 whole {name}s in the period, so none are compared.{cut_words}"
        ));
    } else {
        let mean = |range: std::ops::Range<usize>| {
            let part = &rows[range];
            let won = ledger.stages.won();
            let count = Decimal::from(n);
            Means {
                leads: Decimal::from(part.iter().map(|(_, b)| b.reached[0]).sum::<u64>()) / count,
                won: Decimal::from(part.iter().map(|(_, b)| b.reached[won]).sum::<u64>()) / count,
                won_value: part.iter().map(|(_, b)| b.won_value).sum::<Decimal>() / count,
                income: part.iter().map(|(_, b)| b.income).sum::<Decimal>() / count,
                hours: part.iter().map(|(_, b)| b.hours).sum::<Decimal>() / count,
            }
        };
        let (recent, before) = (
            mean(whole_to - n..whole_to),
            mean(whole_to - 2 * n..whole_to - n),
        );
        let span = |from: usize, to: usize| {
            let (a, b) = (
                words_of(interval, rows[from].0),
                words_of(interval, rows[to].0),
            );
            if from == to {
                a
            } else {
                format!("{a} to {b}")
            }
        };
        let figure = |d: Decimal| words::decimal(d.round_dp(2).normalize());
        let head = if n == 1 {
            format!(
                "The last whole {name} ({}) against the one before ({})",
                span(whole_to - 1, whole_to - 1),
                span(whole_to - 2, whole_to - 2),
            )
        } else {
            format!(
                "Per {name} on average, the last {n} whole {name}s ({}) against the {n} before ({})",
                span(whole_to - n, whole_to - 1),
                span(whole_to - 2 * n, whole_to - n - 1),
            )
        };
        report.info(format!(
            "{head}: new leads {} against {}, deals won {} against {}, won value {} against {}, \
             gross income {} against {}, hours invested {} against {}.{cut_words}",
            figure(recent.leads),
            figure(before.leads),
            figure(recent.won),
            figure(before.won),
            money(recent.won_value, currency),
            money(before.won_value, currency),
            money(recent.income, currency),
            money(before.income, currency),
            figure(recent.hours),
            figure(before.hours),
        ));
    }

    // Rows that cover only part of their interval.
    let row_end = |start: NaiveDate| end_of(interval, start);
    let (first, last) = (rows[0].0, rows[rows.len() - 1].0);
    let starts_late = ctx.from.filter(|from| *from > first);
    let ends_early = (ctx.to < row_end(last)).then_some(ctx.to);
    let days = |from: NaiveDate, to: NaiveDate| {
        if from == to {
            from.to_string()
        } else {
            format!("{from} to {to}")
        }
    };
    let partial: Vec<String> = if rows.len() == 1 {
        (starts_late.is_some() || ends_early.is_some())
            .then(|| {
                format!(
                    "the only row ({}) covers only {}",
                    label(0),
                    days(
                        starts_late.unwrap_or(first),
                        ends_early.unwrap_or(row_end(first))
                    )
                )
            })
            .into_iter()
            .collect()
    } else {
        let first_row = starts_late.map(|from| {
            format!(
                "the first row ({}) covers only {}",
                label(0),
                days(from, row_end(first))
            )
        });
        let last_row = ends_early.map(|to| {
            format!(
                "the last row ({}) covers only {}",
                label(rows.len() - 1),
                days(last, to)
            )
        });
        first_row.into_iter().chain(last_row).collect()
    };
    if !partial.is_empty() {
        let text = partial.join(", and ");
        report.info(format!(
            "{}{}: read {} as part of a {name}.",
            text[..1].to_uppercase(),
            &text[1..],
            if partial.len() == 1 { "it" } else { "them" }
        ));
    }
}

/// The means per interval that the comparison finding compares.
struct Means {
    leads: Decimal,
    won: Decimal,
    won_value: Decimal,
    income: Decimal,
    hours: Decimal,
}

/// An interval in a sentence: "March 2026", "2026-W14", "2026-Q1".
fn words_of(interval: Interval, start: NaiveDate) -> String {
    match interval {
        Interval::Month => start.format("%B %Y").to_string(),
        Interval::Week | Interval::Quarter => interval.label(start),
    }
}

/// " March 2026 is cut by the as-of date and left out.", or nothing.
fn cut_sentence(interval: Interval, cut: &[(NaiveDate, &str)]) -> String {
    match cut {
        [] => String::new(),
        [(start, by)] => format!(
            " {} is cut by {by} and left out.",
            words_of(interval, *start)
        ),
        [(a, by_a), (b, by_b)] if by_a == by_b => format!(
            " {} and {} are cut by {by_a} and left out.",
            words_of(interval, *a),
            words_of(interval, *b)
        ),
        [(a, by_a), (b, by_b), ..] => format!(
            " {} is cut by {by_a} and {} by {by_b}: both are left out.",
            words_of(interval, *a),
            words_of(interval, *b)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger};

    #[test]
    fn a_deal_counts_where_it_reached_each_stage() {
        // Lead in January, straight to won in March: lead counts in
        // January, every later stage in March (it reached them on its won
        // date).
        let l = ledger("2026-01-10 lead a via x\n2026-03-05 won a 500 EUR\n");
        let report = Trends.run(&Run::new(&l, Context::new(&l, date("2026-03-31"))));
        let rows: Vec<Vec<Cell>> = report.rows.iter().map(|r| r[..6].to_vec()).collect();
        let c = Cell::Count;
        assert_eq!(
            rows,
            [
                vec![Cell::text("2026-01"), c(1), c(0), c(0), c(0), c(0)],
                vec![Cell::text("2026-02"), c(0), c(0), c(0), c(0), c(0)],
                vec![Cell::text("2026-03"), c(0), c(1), c(1), c(1), c(1)],
            ]
        );
        assert_eq!(report.rows[2][6], Cell::money(Decimal::from(500)));
    }

    #[test]
    fn quarters_and_weeks() {
        let l = ledger("2026-01-10 lead a via x\n2026-05-05 spent 2h via x\n");
        let mut ctx = Context::new(&l, date("2026-06-30"));
        ctx.interval = Interval::Quarter;
        let report = Trends.run(&Run::new(&l, ctx.clone()));
        assert_eq!(report.columns[0].name, "quarter");
        let labels: Vec<Cell> = report.rows.iter().map(|r| r[0].clone()).collect();
        assert_eq!(labels, [Cell::text("2026-Q1"), Cell::text("2026-Q2")]);
        assert_eq!(report.rows[1][7], Cell::Hours(Decimal::from(2)));
        ctx.interval = Interval::Week;
        let report = Trends.run(&Run::new(&l, ctx));
        assert_eq!(report.rows[0][0], Cell::text("2026-W02"));
        // 2026-01-05 (the Monday of W02) to 2026-06-29 (the Monday of W27).
        assert_eq!(report.rows.len(), 26);
    }

    #[test]
    fn nothing_in_the_period() {
        let l = ledger("option currency EUR\n");
        let report = Trends.run(&Run::new(&l, Context::new(&l, date("2026-06-30"))));
        assert!(report.rows.is_empty());
        assert!(report.findings[0].message.starts_with("Nothing happened"));
    }
}
