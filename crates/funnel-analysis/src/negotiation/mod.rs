//! `negotiation`: where a better negotiation would have paid.
//!
//! ## What it does
//! One row per negotiation event of the period (analyses §3), one per deal:
//! - `concession`: a deal won in the period whose agreed value (the amount
//!   on `won`) is below its **opening ask**, the earliest offer on a stage
//!   entry of the deal ([`deals::opening_ask`]);
//! - `lost`: a deal whose status is lost, by a `lost` dated in the period,
//!   that has an offer: its **final ask** ([`deals::latest_ask`] on or
//!   before the loss) is the money at stake;
//! - `cancelled`: a contract `ended … cancelled` in the period before its
//!   planned end: the money at stake is its value before pro-rating minus
//!   its value. A deal both conceded and cancelled in the period is one
//!   `cancelled` row.
//!
//! Declined deals are not events. Values are in the base currency, each
//! converted on its own entry's date. A concession whose opening and
//! agreed rates share a unit and a currency splits its gap into a rate
//! part, (asked − got) × agreed / got, and a scope part, the rest. Rows
//! are sorted by `value_gap`, largest first (rows without one last), then
//! by the date of the event, then by deal.
//!
//! ## Why
//! The gap between what you open with and what you sign, the deals lost at
//! your last number and the contracts ended early are the money a better
//! negotiation (or a better contract) would have kept. The few largest are
//! the situations worth replaying, with the reason and the lesson you wrote.
//!
//! ## Findings
//! One for each of the first three rows, with its reason and lesson; then
//! one line per pattern that holds, each with a next step: concessions
//! (two or more), cancellations (one or more), the most common reason for
//! a loss (a category with two or more losses).
//!
//! This file finds the events and makes the rows; `rates.rs` compares the
//! opening and the agreed rate, `findings.rs` writes the findings.

mod findings;
mod rates;

use std::cmp::Ordering;

use chrono::NaiveDate;
use funnel_ledger::model::{Entry, EntryKind, MetaValue, Offer};
use funnel_ledger::value::{DurationUnit, Rate};
use funnel_ledger::{Ledger, Name};
use rust_decimal::Decimal;

use crate::context::Context;
use crate::contract::Contract;
use crate::deals::{self, DealFacts, Status};
use crate::report::{Cell, Column, Kind, Report};
use crate::words::{f64_of, SortKey};
use crate::{Analysis, Run};

use findings::findings;
use rates::Rates;

pub struct Negotiation;

impl Analysis for Negotiation {
    fn name(&self) -> &'static str {
        "negotiation"
    }

    fn description(&self) -> &'static str {
        "concessions, losses at your final ask, early cancellations: money at stake, reason, lesson"
    }

    fn run(&self, run: &Run<'_>) -> Report {
        let (ledger, ctx) = (run.ledger(), run.ctx());
        // The table shows the deal, the event, the money at stake and why
        // first; the columns a narrow table leaves out go last (CSV and
        // JSON carry every one, by name).
        let columns = vec![
            Column::new("deal", "deal", Kind::Text),
            Column::new("event", "event", Kind::Text),
            Column::new("value_gap", "at\nstake", Kind::Money),
            Column::new("reason", "reason", Kind::Text),
            Column::new("channel", "channel", Kind::Text).optional(5),
            Column::new("opening_value", "opening\nask", Kind::Money),
            Column::new("final_value", "final\nask", Kind::Money).optional(4),
            Column::new("agreed_value", "agreed", Kind::Money),
            Column::new("rate_gap", "rate\npart", Kind::Money).optional(2),
            Column::new("scope_gap", "scope\npart", Kind::Money).optional(3),
            Column::new("asked_rate", "asked\nrate", Kind::Number).optional(5),
            Column::new("got_rate", "got\nrate", Kind::Number).optional(5),
            Column::new("rate_unit", "rate\nunit", Kind::Text).optional(5),
            Column::new("rate_discount", "rate\ndiscount", Kind::Ratio).optional(1),
            Column::new("notice", "notice", Kind::Text).optional(2),
            Column::new("lesson", "lesson", Kind::Text).optional(6),
        ];
        let mut report = Report::new(
            self.name(),
            "Negotiation: concessions, losses at your final ask and early cancellations",
            ctx,
            columns,
        );
        // A row is a few hundred bytes and a big ledger has tens of
        // thousands: each is made into its cells as it is found, and only
        // its place in the order, the first three (for the findings) and
        // what the cancellations pattern counts are kept.
        let mut tally = Tally::default();
        let mut first = First::new(3);
        let mut found: Vec<Found> = Vec::new();
        let mut unsorted: Vec<Vec<Cell>> = Vec::new();
        for deal in run.facts().iter().filter(|d| ctx.keeps_channel(&d.channel)) {
            if let Some(row) = event(ledger, ctx, deal, &mut tally) {
                let order = row.order();
                found.push(Found {
                    order,
                    cells: unsorted.len(),
                    cancelled: row
                        .cancellation
                        .as_ref()
                        .map(|c| (c.full - c.earned, c.has_notice)),
                });
                unsorted.push(cells(ctx, &row));
                first.offer(order, row);
            }
        }
        // Deal ids are unique, so the order is total and an unstable sort
        // gives the same result as a stable one.
        found.sort_unstable_by_key(|f| f.order);
        report.rows = found
            .iter()
            .map(|f| std::mem::take(&mut unsorted[f.cells]))
            .collect();
        drop(unsorted);
        let cancelled: Vec<(Decimal, bool)> = found.iter().filter_map(|f| f.cancelled).collect();
        findings(&mut report, ctx, &first.items(), &cancelled, &tally);
        report
    }
}

/// Where a row goes: by `value_gap`, largest first (none last), then by
/// date, then by deal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Order {
    value_gap: Option<Decimal>,
    date: NaiveDate,
    id: SortKey,
}

impl Ord for Order {
    fn cmp(&self, other: &Order) -> Ordering {
        descending(self.value_gap, other.value_gap)
            .then(self.date.cmp(&other.date))
            .then_with(|| self.id.cmp(&other.id))
    }
}

impl PartialOrd for Order {
    fn partial_cmp(&self, other: &Order) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A row found: its place in the order, the index of its cells, and for
/// a cancellation the money not earned and whether it had a notice period.
struct Found {
    order: Order,
    cells: usize,
    cancelled: Option<(Decimal, bool)>,
}

/// The first `n` items by [`Order`] of those offered, kept as they come
/// (the rows the findings review), so the rest need not be kept.
struct First<T> {
    n: usize,
    items: Vec<(Order, T)>,
}

impl<T> First<T> {
    fn new(n: usize) -> First<T> {
        First {
            n,
            items: Vec::with_capacity(n + 1),
        }
    }

    fn offer(&mut self, order: Order, item: T) {
        if self.items.len() == self.n && self.items.last().is_none_or(|(last, _)| order >= *last) {
            return;
        }
        let at = self.items.partition_point(|(o, _)| *o < order);
        self.items.insert(at, (order, item));
        self.items.truncate(self.n);
    }

    /// The items kept, in order.
    fn items(&self) -> Vec<&T> {
        self.items.iter().map(|(_, item)| item).collect()
    }
}

/// The deals won in the period and their concessions, counted exactly as
/// the report's patterns count them (for `review --share`).
pub(crate) fn tally(run: &Run<'_>) -> Tally {
    let (ledger, ctx) = (run.ledger(), run.ctx());
    let mut tally = Tally::default();
    for deal in run.facts().iter().filter(|d| ctx.keeps_channel(&d.channel)) {
        event(ledger, ctx, deal, &mut tally);
    }
    tally
}

/// What kind of negotiation event a row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    Concession,
    Lost,
    Cancelled,
}

impl Event {
    fn as_str(self) -> &'static str {
        match self {
            Event::Concession => "concession",
            Event::Lost => "lost",
            Event::Cancelled => "cancelled",
        }
    }

    /// The verb of the entry whose `lesson:` the row shows.
    fn close_verb(self) -> &'static str {
        match self {
            Event::Concession => "won",
            Event::Lost => "lost",
            Event::Cancelled => "ended",
        }
    }
}

/// Larger first, `None` last.
fn descending<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// One ask: a stage entry with an offer, and its amount in the base
/// currency, converted on the entry's date.
#[derive(Clone, Copy)]
struct Ask<'l> {
    offer: &'l Offer,
    value: Option<Decimal>,
}

impl<'l> Ask<'l> {
    fn of(ledger: &Ledger, (entry, offer): (&'l Entry, &'l Offer)) -> Ask<'l> {
        Ask {
            offer,
            value: offer
                .amount
                .as_ref()
                .and_then(|a| ledger.to_base(a.value, entry.date)),
        }
    }

    fn rate(&self) -> Option<Rate> {
        self.offer.rate.as_ref().map(|r| r.value)
    }
}

/// A cancelled contract: what it would have brought and what it earned.
struct Cancellation {
    /// Its value before pro-rating (every tranche, extensions included).
    full: Decimal,
    /// Its value, pro-rated by the days worked.
    earned: Decimal,
    /// Its planned last day.
    end: NaiveDate,
    /// `notice:` as in force on its latest tranche, as written.
    notice: Option<String>,
    /// Whether it had a notice period of more than 0 days.
    has_notice: bool,
}

/// One negotiation event.
struct Row<'a, 'l> {
    deal: &'a DealFacts,
    /// The deal's id, the sort's last key.
    id: SortKey,
    event: Event,
    /// The date of the event: the `won`, `lost` or `ended` entry.
    date: NaiveDate,
    opening: Option<Ask<'l>>,
    /// The latest ask on or before the close.
    last: Option<Ask<'l>>,
    /// The `won` offer (none for a lost deal).
    got: Option<&'l Offer>,
    agreed_value: Option<Decimal>,
    value_gap: Option<Decimal>,
    rate_gap: Option<Decimal>,
    rates: Rates,
    reason: Option<String>,
    lesson: Option<String>,
    cancellation: Option<Cancellation>,
}

impl Row<'_, '_> {
    fn order(&self) -> Order {
        Order {
            value_gap: self.value_gap,
            date: self.date,
            id: self.id,
        }
    }

    fn scope_gap(&self) -> Option<Decimal> {
        self.rate_gap.and_then(|rate| Some(self.value_gap? - rate))
    }
}

/// What the patterns of the findings count over the whole period, rows or
/// not. `review --share` summarises the concessions of it
/// ([`tally`]).
#[derive(Default)]
pub(crate) struct Tally {
    /// Deals won in the period.
    pub(crate) won: usize,
    /// Of those, the ones agreed below their opening ask: the gap, and
    /// the rate discount (1 − got / asked) when the opening and the agreed
    /// rate share a unit.
    pub(crate) concessions: Vec<(Decimal, Option<Decimal>)>,
    /// Deals lost in the period (status lost): their reason category.
    losses: Vec<Option<Name>>,
}

/// The event of one deal in the period, if it has one; counts the deal in
/// `tally` on the way.
fn event<'a, 'l>(
    ledger: &'l Ledger,
    ctx: &Context,
    deal: &'a DealFacts,
    tally: &mut Tally,
) -> Option<Row<'a, 'l>> {
    if let Some(won) = deal.won_entry(ledger) {
        let won_in_period = ctx.in_period(won.date);
        if !won_in_period && deal.ended.is_none() {
            // Neither signed nor cancelled in the period.
            return None;
        }
        let got = won.kind.offer().filter(|o| !o.is_empty());
        let agreed_value = got
            .and_then(|o| o.amount.as_ref())
            .and_then(|a| ledger.to_base(a.value, won.date));
        let opening = deals::opening_ask(ledger, deal, won.date).map(|a| Ask::of(ledger, a));
        let last = deals::latest_ask(ledger, deal, won.date).map(|a| Ask::of(ledger, a));
        let rates = Rates::compare(
            ledger,
            opening.and_then(|a| a.rate()),
            got.and_then(|o| o.rate.as_ref()).map(|r| r.value),
            won.date,
        );
        let conceded = opening
            .and_then(|a| a.value)
            .zip(agreed_value)
            .map(|(opening, agreed)| opening - agreed)
            .filter(|gap| *gap > Decimal::ZERO);
        if won_in_period {
            tally.won += 1;
            if let Some(gap) = conceded {
                tally.concessions.push((gap, rates.discount));
            }
        }
        let cancelled = deal
            .ended
            .and_then(|_| deal.contract())
            .and_then(|c| cancellation(ledger, c))
            .filter(|(date, _)| ctx.in_period(*date));
        let (event, date, value_gap, cancellation, close) = match cancelled {
            Some((date, c)) => {
                let ended = deal.ended.map(|i| &ledger.entries[i]);
                (
                    Event::Cancelled,
                    date,
                    Some(c.full - c.earned),
                    Some(c),
                    ended,
                )
            }
            None if won_in_period && conceded.is_some() => {
                (Event::Concession, won.date, conceded, None, Some(won))
            }
            None => return None,
        };
        let rate_gap = match (
            event,
            rates.as_written,
            agreed_value,
            rates.asked,
            rates.got,
        ) {
            (Event::Concession, true, Some(agreed), Some(asked), Some(got)) if !got.is_zero() => {
                Some((asked - got) * agreed / got)
            }
            _ => None,
        };
        return Some(Row {
            deal,
            id: SortKey::new(deal.id.as_str()),
            event,
            date,
            opening,
            last,
            got,
            agreed_value,
            value_gap,
            rate_gap,
            rates,
            reason: close.and_then(|e| reason(ledger, e)),
            lesson: close.and_then(|e| lesson(ledger, e)),
            cancellation,
        });
    }
    if deal.status != Status::Lost {
        return None;
    }
    let lost_on = deal.closed_on.filter(|date| ctx.in_period(*date))?;
    let lost = deciding_loss(ledger, deal, lost_on);
    tally
        .losses
        .push(lost.and_then(|e| ledger.tags(e).first().map(|t| t.value)));
    let last = deals::latest_ask(ledger, deal, lost_on).map(|a| Ask::of(ledger, a))?;
    let opening = deals::opening_ask(ledger, deal, lost_on).map(|a| Ask::of(ledger, a));
    let rates = Rates::compare(ledger, opening.and_then(|a| a.rate()), None, lost_on);
    Some(Row {
        deal,
        id: SortKey::new(deal.id.as_str()),
        event: Event::Lost,
        date: lost_on,
        opening,
        last: Some(last),
        got: None,
        agreed_value: None,
        value_gap: last.value,
        rate_gap: None,
        rates,
        reason: lost.and_then(|e| reason(ledger, e)),
        lesson: lost.and_then(|e| lesson(ledger, e)),
        cancellation: None,
    })
}

/// The `lost` entry that decides a lost deal's status: its latest, dated
/// on the deal's close date.
fn deciding_loss<'l>(
    ledger: &'l Ledger,
    deal: &DealFacts,
    lost_on: NaiveDate,
) -> Option<&'l Entry> {
    ledger
        .deal_indices(deal.deal(ledger))
        .iter()
        .rev()
        .map(|&i| &ledger.entries[i as usize])
        .filter(|e| e.date == lost_on)
        .find(|e| matches!(e.kind, EntryKind::Lost { .. }))
}

/// When a contract was cancelled before its planned end: the date and
/// what that cost. `None` when it was not cancelled, or cancelled on or
/// after the end of every tranche that has one (nothing was cut short).
fn cancellation(ledger: &Ledger, contract: &Contract) -> Option<(NaiveDate, Cancellation)> {
    let cancelled = contract.cancelled_on?;
    let end = contract.tranches.iter().filter_map(|t| t.end).max()?;
    if cancelled >= end {
        return None;
    }
    let notice = contract.tranches.iter().rev().find_map(|t| {
        match ledger.entry_meta(&ledger.entries[t.entry], "notice") {
            Some(meta) => match meta.value {
                MetaValue::Duration(d) => Some(d),
                _ => None,
            },
            None => None,
        }
    });
    Some((
        cancelled,
        Cancellation {
            full: contract.full_value(),
            earned: contract.value(),
            end,
            has_notice: notice.is_some_and(|d| d.days() > Decimal::ZERO),
            notice: notice.map(|d| {
                let unit = match d.unit {
                    DurationUnit::Days => "d",
                    DurationUnit::Weeks => "w",
                    DurationUnit::Months => "mo",
                    DurationUnit::Years => "y",
                };
                format!("{}{unit}", d.value.normalize())
            }),
        },
    ))
}

/// A close's note and its tags, as written (`went with an agency #price`),
/// and its `lesson:` ([`crate::close::why`]).
fn reason(ledger: &Ledger, close: &Entry) -> Option<String> {
    crate::close::why(ledger, close).reason(ledger, close)
}

fn lesson(ledger: &Ledger, close: &Entry) -> Option<String> {
    crate::close::why(ledger, close).lesson
}

fn cells(ctx: &Context, r: &Row<'_, '_>) -> Vec<Cell> {
    let money_cell = |v: Option<Decimal>| v.map_or(Cell::Empty, Cell::money);
    let text_cell = |t: Option<&str>| t.map_or(Cell::Empty, Cell::text);
    vec![
        Cell::text(r.deal.id),
        Cell::text(r.event.as_str()),
        money_cell(r.value_gap),
        text_cell(r.reason.as_deref()),
        Cell::text(ctx.group(r.deal.channel.as_str())),
        money_cell(r.opening.and_then(|a| a.value)),
        money_cell(r.last.and_then(|a| a.value)),
        money_cell(r.agreed_value),
        money_cell(r.rate_gap),
        money_cell(r.scope_gap()),
        money_cell(r.rates.asked),
        money_cell(r.rates.got),
        text_cell(r.rates.unit.as_deref()),
        r.rates
            .discount
            .map_or(Cell::Empty, |d| Cell::Fraction(f64_of(d))),
        text_cell(r.cancellation.as_ref().and_then(|c| c.notice.as_deref())),
        text_cell(r.lesson.as_deref()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger, row};

    fn report(text: &str, as_of: &str) -> Report {
        let l = ledger(text);
        Negotiation.run(&Run::new(&l, Context::new(&l, date(as_of))))
    }

    fn money_of(n: i64) -> Cell {
        Cell::money(Decimal::from(n))
    }

    /// The example of the specification: opened 42,000 EUR at 850 EUR/day,
    /// agreed 38,000 EUR at 800 EUR/day. The rate part is 50 × 38,000 /
    /// 800 = 2,375, the scope part 4,000 − 2,375 = 1,625, the discount
    /// 1 − 800/850.
    #[test]
    fn a_concession_splits_into_rate_and_scope() {
        let r = report(
            "option currency EUR\n2026-01-01 lead b via x\n\
             2026-01-10 proposed b 42000 EUR at 850 EUR/day\n\
             2026-01-20 proposed b 40000 EUR at 850 EUR/day\n\
             2026-02-01 won b 38000 EUR at 800 EUR/day\n",
            "2026-06-30",
        );
        let cell = |c: &str| row(&r, "b", c);
        assert_eq!(cell("event"), [Cell::text("concession")]);
        assert_eq!(cell("opening_value"), [money_of(42000)]);
        assert_eq!(cell("final_value"), [money_of(40000)]);
        assert_eq!(cell("agreed_value"), [money_of(38000)]);
        assert_eq!(cell("value_gap"), [money_of(4000)]);
        assert_eq!(cell("rate_gap"), [money_of(2375)]);
        assert_eq!(cell("scope_gap"), [money_of(1625)]);
        assert_eq!(
            cell("rate_discount"),
            [Cell::Fraction(f64_of(
                Decimal::ONE - Decimal::from(800) / Decimal::from(850)
            ))]
        );
        assert_eq!(cell("reason"), [Cell::Empty]);
        assert_eq!(
            r.findings[0].message,
            "Review `b` (concession): you opened at 42,000 EUR and agreed 38,000 EUR: 4,000 EUR, \
             of which 2,375 EUR from a 5.9% lower rate. No lesson yet: write one as \
             `lesson:` on its `won` entry."
        );
    }

    /// Agreed at (or above) the opening ask is not a concession; a won
    /// deal without an ask neither.
    #[test]
    fn the_opening_ask_met_is_no_event() {
        let r = report(
            "2026-01-01 lead a via x\n2026-01-05 proposed a 900 EUR\n2026-01-10 won a 900 EUR\n\
             2026-01-01 lead b via x\n2026-01-05 proposed b 900 EUR\n2026-01-10 won b 1000 EUR\n\
             2026-01-01 lead c via x\n2026-01-10 won c 1000 EUR\n",
            "2026-02-01",
        );
        assert!(r.rows.is_empty());
    }

    /// A lost deal's money at stake is its final ask, a revised proposal;
    /// its reason is the note and the tags, its lesson that of `lost`.
    #[test]
    fn a_lost_deal_stakes_its_final_ask() {
        let r = report(
            "2026-01-01 lead h via x\n2026-01-10 proposed h 25000 EUR at 100 EUR/h\n\
             2026-01-20 proposed h 22000 EUR\n\
             2026-03-01 lost h \"went with an agency\" #price #agency\n  \
               lesson: \"anchor with the full scope, then cut\"\n",
            "2026-06-30",
        );
        let cell = |c: &str| row(&r, "h", c);
        assert_eq!(cell("event"), [Cell::text("lost")]);
        assert_eq!(cell("value_gap"), [money_of(22000)]);
        assert_eq!(cell("opening_value"), [money_of(25000)]);
        assert_eq!(cell("final_value"), [money_of(22000)]);
        assert_eq!(cell("agreed_value"), [Cell::Empty]);
        // The asked rate is the opening ask's.
        assert_eq!(cell("asked_rate"), [money_of(100)]);
        assert_eq!(cell("rate_unit"), [Cell::text("EUR/h")]);
        assert_eq!(cell("rate_gap"), [Cell::Empty]);
        assert_eq!(
            cell("reason"),
            [Cell::text("went with an agency #price #agency")]
        );
        assert_eq!(
            cell("lesson"),
            [Cell::text("anchor with the full scope, then cut")]
        );
    }

    /// Lost, reopened and won: not a `lost` event, and a concession
    /// against the opening ask made before the loss. Lost and reopened,
    /// still open: no event, and no loss for the reasons.
    #[test]
    fn a_reopened_deal_is_judged_by_its_latest_close() {
        let r = report(
            "2026-01-01 lead c via x\n2026-01-20 proposed c 30000 EUR at 750 EUR/day\n\
             2026-02-15 lost c #budget\n2026-04-01 reopened c\n\
             2026-04-10 proposed c 27000 EUR at 750 EUR/day\n\
             2026-04-20 won c 26000 EUR at 720 EUR/day\n\
             2026-01-01 lead p via x\n2026-01-05 proposed p 4000 EUR\n2026-02-01 lost p #budget\n\
             2026-05-01 reopened p\n",
            "2026-06-30",
        );
        assert_eq!(row(&r, "p", "event"), Vec::<Cell>::new());
        let cell = |c: &str| row(&r, "c", c);
        assert_eq!(cell("event"), [Cell::text("concession")]);
        assert_eq!(cell("opening_value"), [money_of(30000)]);
        assert_eq!(cell("final_value"), [money_of(27000)]);
        assert_eq!(cell("value_gap"), [money_of(4000)]);
        // 30 × 26,000 / 720 = 1,083.33; 4,000 − 1,083.33 = 2,916.67.
        assert_eq!(cell("rate_gap"), [Cell::money(Decimal::new(108333, 2))]);
        assert_eq!(cell("scope_gap"), [Cell::money(Decimal::new(291667, 2))]);
        // Two `#budget` losses, but neither deal is lost now.
        assert!(r.findings.iter().all(|f| !f.message.contains("#budget")));
    }

    /// A contract cancelled before its end: full − value, with its notice;
    /// conceded too, it is one `cancelled` row. Without `notice:`, the
    /// finding says so.
    #[test]
    fn a_cancelled_contract_stakes_what_it_did_not_earn() {
        let r = report(
            "option currency EUR\n\
             2026-01-01 lead a via x\n2026-01-20 proposed a 52000 EUR at 850 EUR/day\n\
             2026-02-01 won a 48000 EUR at 800 EUR/day until 2026-05-01\n  notice: 30d\n\
             2026-04-15 extended a 24000 EUR until 2026-07-31\n\
             2026-06-15 ended a cancelled \"new CTO\" #budget\n  lesson: \"ask for a kill fee\"\n\
             2026-01-01 lead n via x\n2026-03-15 won n 9000 EUR until 2026-06-13\n\
             2026-05-14 ended n cancelled\n\
             2026-01-01 lead f via x\n2026-01-10 won f 1000 EUR until 2026-03-01\n\
             2026-03-01 ended f cancelled\n",
            "2026-06-30",
        );
        let cell = |d: &str, c: &str| row(&r, d, c);
        assert_eq!(cell("a", "event"), [Cell::text("cancelled")]);
        // The extension runs 2026-05-02 to 07-31 (90 days), 44 of them
        // worked: 24,000 − 24,000 × 44 / 90 = 12,266.67.
        assert_eq!(
            cell("a", "value_gap"),
            [Cell::money(Decimal::new(1226667, 2))]
        );
        assert_eq!(cell("a", "agreed_value"), [money_of(48000)]);
        assert_eq!(cell("a", "rate_gap"), [Cell::Empty]);
        assert_eq!(cell("a", "notice"), [Cell::text("30d")]);
        assert_eq!(cell("a", "reason"), [Cell::text("new CTO #budget")]);
        assert_eq!(cell("a", "lesson"), [Cell::text("ask for a kill fee")]);
        // 9,000 × (1 − 60/90) = 3,000 not earned, no notice period.
        assert_eq!(cell("n", "value_gap"), [money_of(3000)]);
        assert_eq!(cell("n", "notice"), [Cell::Empty]);
        // Ended on its `until`: nothing was cut short.
        assert_eq!(cell("f", "event"), Vec::<Cell>::new());
        let cancellations: Vec<&str> = r
            .findings
            .iter()
            .map(|f| f.message.as_str())
            .filter(|m| m.contains("cancelled early"))
            .collect();
        assert_eq!(
            cancellations,
            [
                "2 contracts were cancelled early, 15,267 EUR not earned; 1 had no notice period: \
              a notice clause or kill fee protects that money."
            ]
        );
    }

    /// The reasons pattern needs a category with two losses, counted over
    /// every deal lost in the period (with an offer or not); declined
    /// deals are neither events nor losses.
    #[test]
    fn the_most_common_reason_for_a_loss() {
        let text = "2026-01-01 lead a via x\n2026-01-05 proposed a 900 EUR\n2026-02-01 lost a #price\n\
             2026-01-01 lead b via x\n2026-02-01 lost b \"too dear\" #price #agency\n\
             2026-01-01 lead c via x\n2026-02-01 lost c #timing\n\
             2026-01-01 lead d via x\n2026-01-05 proposed d 900 EUR\n2026-02-01 declined d #price\n";
        let r = report(text, "2026-06-30");
        assert_eq!(r.rows.len(), 1, "only `a` lost with an offer");
        assert_eq!(
            r.findings.last().map(|f| f.message.as_str()),
            Some(
                "The most common reason for a loss: #price (2 of 3 losses). Prepare your answer \
                 to it before the next proposal, and write down what would have changed the \
                 outcome as `lesson:` on the `lost` entry."
            )
        );
        let one_each = report(
            "2026-01-01 lead a via x\n2026-01-05 proposed a 900 EUR\n2026-02-01 lost a #price\n",
            "2026-06-30",
        );
        assert!(one_each
            .findings
            .iter()
            .all(|f| !f.message.contains("reason")));
    }

    /// `First` keeps what a full sort puts first, whatever the order the
    /// items come in.
    #[test]
    fn first_keeps_the_first_of_a_sort() {
        let ids: Vec<&'static str> = (0..40)
            .map(|i| &*Box::leak(format!("d{:02}", (i * 17) % 40).into_boxed_str()))
            .collect();
        let orders: Vec<Order> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| Order {
                value_gap: (i % 5 != 0).then(|| Decimal::from((i * 7) % 4)),
                date: date("2026-01-01") + chrono::Days::new((i % 3) as u64),
                id: SortKey::new(id),
            })
            .collect();
        let mut sorted = orders.clone();
        sorted.sort();
        for n in [0, 1, 3, 40, 50] {
            let mut first = First::new(n);
            for (i, order) in orders.iter().enumerate() {
                first.offer(*order, i);
            }
            let kept: Vec<Order> = first.items().iter().map(|&&i| orders[i]).collect();
            assert_eq!(kept, sorted[..n.min(40)], "first {n}");
        }
    }

    #[test]
    fn rates_in_different_units_are_not_split() {
        let r = report(
            "2026-01-01 lead a via x\n2026-01-05 proposed a 20000 EUR at 800 EUR/day\n\
             2026-01-10 won a 18000 EUR at 100 EUR/h\n",
            "2026-02-01",
        );
        assert_eq!(row(&r, "a", "rate_unit"), [Cell::text("EUR/day → EUR/h")]);
        assert_eq!(row(&r, "a", "value_gap"), [money_of(2000)]);
        assert_eq!(row(&r, "a", "rate_discount"), [Cell::Empty]);
        assert_eq!(row(&r, "a", "rate_gap"), [Cell::Empty]);
        assert_eq!(row(&r, "a", "scope_gap"), [Cell::Empty]);
    }

    #[test]
    fn no_events_say_how_to_get_them() {
        let r = report(
            "2026-01-01 lead a via x\n2026-01-05 proposed a 900 EUR\n2026-01-10 declined a\n\
             2026-01-01 lead b via x\n2026-01-05 proposed b 900 EUR\n",
            "2026-02-01",
        );
        assert!(r.rows.is_empty());
        assert!(r.findings[0].message.starts_with("No deal in this period"));
    }
}
