//! A won deal's contract (format §4, analyses §1): its tranches, its value,
//! and the income it earns by the day.
//!
//! A contract is the `won` tranche (its amount, from `start:` or the `won`
//! date to `until`), then one tranche per `extended` (its amount, 0 when it
//! has none, from the day after the previous tranche's end or its own
//! `start:`, to its `until`). An extension without `until` adds scope to
//! the running contract: its tranche runs from its own `start:` or date to
//! the current end. A rate, `days-per-week:` or `notice:` on an extension
//! holds from it on; a tranche without its own keeps the contract's.
//!
//! **Value** sums the tranches' amounts, each converted on its own entry's
//! date; when the deal `ended … cancelled` before a tranche's end, that
//! tranche counts amount × (cancelled − start) / (end − start), never below
//! 0 (a tranche that starts after the cancellation counts 0). **Income**
//! spreads each tranche's counted amount evenly over its days, from start
//! to end (to the cancellation for a cancelled one), both counted; a
//! tranche without an end earns nothing by the day.

// The v2 analyses are moved onto this vocabulary one at a time; until each
// uses its part, some of it is used only by the tests.
#![allow(dead_code)]

use chrono::NaiveDate;
use funnel_ledger::model::{Entry, EntryKind, MetaValue};
use funnel_ledger::value::{Rate, RateUnit};
use funnel_ledger::Ledger;
use rust_decimal::Decimal;

/// Full time: the days a week that the default contract takes.
pub(crate) const FULL_WEEK: Decimal = Decimal::from_parts(5, 0, 0, false, 0);

/// One tranche of a contract.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Tranche {
    /// The index in [`Ledger::entries`] of its `won` or `extended` entry.
    pub entry: usize,
    /// The amount it adds, in the base currency (converted on the entry's
    /// date), before any pro-rating; 0 when the entry has none.
    pub amount: Decimal,
    pub start: NaiveDate,
    /// Its planned last day; `None` for a contract without an end.
    pub end: Option<NaiveDate>,
    /// The agreed rate in force on this tranche (its own, or the one before).
    pub rate: Option<(Rate, NaiveDate)>,
    /// The days a week it takes (its own `days-per-week:`, or the one before;
    /// 5 by default).
    pub days_per_week: Decimal,
    /// The contract's notice period in days, as in force on this tranche.
    pub notice_days: Option<Decimal>,
}

/// A won deal's contract.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Contract {
    pub tranches: Vec<Tranche>,
    /// The date of `ended … cancelled`, when the client ended it early.
    pub cancelled_on: Option<NaiveDate>,
    /// The date of its `ended`, cancelled or not.
    pub ended_on: Option<NaiveDate>,
}

impl Contract {
    /// The contract of a deal from its `won` entry, its `extended` entries
    /// (in date order) and its `ended` entry, all on or before the as-of
    /// date, each given by its index in [`Ledger::entries`].
    pub fn of(ledger: &Ledger, won: usize, extensions: &[u32], ended: Option<usize>) -> Contract {
        let (won_index, won) = (won, &ledger.entries[won]);
        let ended = ended.map(|i| &ledger.entries[i]);
        let mut tranches: Vec<Tranche> = Vec::with_capacity(1 + extensions.len());
        let (offer, until) = match &won.kind {
            EntryKind::Won { offer, until, .. } => (offer.as_deref(), *until),
            _ => (None, None),
        };
        let start = meta_date(ledger, won, "start").unwrap_or(won.date);
        let has_meta = !won.meta.is_empty();
        tranches.push(Tranche {
            entry: won_index,
            amount: amount(ledger, offer, won.date),
            start,
            end: until,
            rate: offer
                .and_then(|o| o.rate.as_ref())
                .map(|r| (r.value, won.date)),
            days_per_week: has_meta
                .then(|| meta_number(ledger, won, "days-per-week"))
                .flatten()
                .unwrap_or(FULL_WEEK),
            notice_days: has_meta.then(|| meta_days(ledger, won, "notice")).flatten(),
        });
        for &index in extensions {
            let extension = &ledger.entries[index as usize];
            let EntryKind::Extended { offer, until, .. } = &extension.kind else {
                continue;
            };
            let previous = tranches.last().expect("the won tranche comes first");
            let current_end = tranches.iter().filter_map(|t| t.end).max();
            let own_start = meta_date(ledger, extension, "start");
            let until = *until;
            let (start, end) = match until {
                Some(until) => {
                    let after = current_end.and_then(|e| e.succ_opt());
                    (own_start.or(after).unwrap_or(extension.date), Some(until))
                }
                None => (own_start.unwrap_or(extension.date), current_end),
            };
            let has_meta = !extension.meta.is_empty();
            tranches.push(Tranche {
                entry: index as usize,
                amount: amount(ledger, offer.as_deref(), extension.date),
                start,
                end,
                rate: offer
                    .as_deref()
                    .and_then(|o| o.rate.as_ref())
                    .map(|r| (r.value, extension.date))
                    .or(previous.rate),
                days_per_week: has_meta
                    .then(|| meta_number(ledger, extension, "days-per-week"))
                    .flatten()
                    .unwrap_or(previous.days_per_week),
                notice_days: has_meta
                    .then(|| meta_days(ledger, extension, "notice"))
                    .flatten()
                    .or(previous.notice_days),
            });
        }
        let ended_on = ended.map(|e| e.date);
        let cancelled_on = ended.and_then(|e| match e.kind {
            EntryKind::Ended {
                cancelled: true, ..
            } => Some(e.date),
            _ => None,
        });
        Contract {
            tranches,
            cancelled_on,
            ended_on,
        }
    }

    /// The value (format §1): every tranche's counted amount.
    pub fn value(&self) -> Decimal {
        self.tranches.iter().map(|t| self.counted(t)).sum()
    }

    /// The value before pro-rating: what the contract would have brought
    /// had it run to its ends.
    pub fn full_value(&self) -> Decimal {
        self.tranches.iter().map(|t| t.amount).sum()
    }

    /// A tranche's amount, pro-rated when the contract was cancelled before
    /// the tranche's end.
    pub fn counted(&self, tranche: &Tranche) -> Decimal {
        let (Some(cancelled), Some(end)) = (self.cancelled_on, tranche.end) else {
            return tranche.amount;
        };
        if cancelled >= end {
            return tranche.amount;
        }
        let planned = (end - tranche.start).num_days();
        if planned <= 0 {
            // Planned to end before it starts, and cancelled before its
            // end: nothing of it was worked.
            return Decimal::ZERO;
        }
        let worked = (cancelled - tranche.start).num_days().max(0);
        tranche.amount * Decimal::from(worked) / Decimal::from(planned)
    }

    /// The last day a tranche earns on: its end, or the cancellation when
    /// that comes first; `None` for a tranche without an end.
    pub fn last_day(&self, tranche: &Tranche) -> Option<NaiveDate> {
        let end = tranche.end?;
        Some(match self.cancelled_on {
            Some(cancelled) if cancelled < end => cancelled,
            _ => end,
        })
    }

    /// The income (gross, before fees and taxes) earned on the days from
    /// `first` to `last`, both counted.
    pub fn income(&self, first: NaiveDate, last: NaiveDate) -> Decimal {
        self.tranches
            .iter()
            .map(|t| self.tranche_income(t, first, last))
            .sum()
    }

    fn tranche_income(&self, tranche: &Tranche, first: NaiveDate, last: NaiveDate) -> Decimal {
        let Some(last_day) = self.last_day(tranche) else {
            return Decimal::ZERO;
        };
        let days = (last_day - tranche.start).num_days() + 1;
        if days <= 0 {
            return Decimal::ZERO;
        }
        let overlap = (last.min(last_day) - first.max(tranche.start)).num_days() + 1;
        if overlap <= 0 {
            return Decimal::ZERO;
        }
        if overlap == days {
            return self.counted(tranche);
        }
        self.counted(tranche) * Decimal::from(overlap) / Decimal::from(days)
    }

    /// The first day of work.
    pub fn start(&self) -> NaiveDate {
        self.tranches
            .iter()
            .map(|t| t.start)
            .min()
            .expect("a contract has its won tranche")
    }

    /// The planned last day of its latest tranche (`None` when a tranche
    /// has no end).
    pub fn end(&self) -> Option<NaiveDate> {
        if self.tranches.iter().any(|t| t.end.is_none()) {
            return None;
        }
        self.tranches.iter().filter_map(|t| t.end).max()
    }

    /// Whether some tranche has no end (it earns nothing by the day).
    pub fn has_open_end(&self) -> bool {
        self.tranches.iter().any(|t| t.end.is_none())
    }

    /// The last agreed rate (of the latest tranche that has one) and the
    /// date it was agreed on.
    pub fn last_rate(&self) -> Option<(Rate, NaiveDate)> {
        self.tranches.last().and_then(|t| t.rate)
    }

    /// The notice period in days, as in force on its latest tranche.
    pub fn notice_days(&self) -> Option<Decimal> {
        self.tranches.last().and_then(|t| t.notice_days)
    }

    /// The days a week it books on `day` (0 outside its tranches, and
    /// after its `ended`). A tranche without an end books every day from
    /// its start.
    pub fn booked_on(&self, day: NaiveDate) -> Decimal {
        if self.ended_on.is_some_and(|ended| day > ended) {
            return Decimal::ZERO;
        }
        // Where tranches overlap (scope added within the contract), the
        // latest one's days a week hold.
        self.tranches
            .iter()
            .rev()
            .find(|t| t.start <= day && t.end.is_none_or(|end| day <= end))
            .map_or(Decimal::ZERO, |t| t.days_per_week)
    }
}

/// A rate per day (analyses §1): `/day` as written, `/h` × 8, `/week` ÷ 5,
/// `/month` ÷ 21, `/year` ÷ 220, in the rate's own currency.
pub(crate) fn per_day(rate: &Rate) -> Decimal {
    let value = rate.amount.value;
    match rate.unit {
        RateUnit::Day => value,
        RateUnit::Hour => value * Decimal::from(8),
        RateUnit::Week => value / Decimal::from(5),
        RateUnit::Month => value / Decimal::from(21),
        RateUnit::Year => value / Decimal::from(220),
    }
}

fn amount(
    ledger: &Ledger,
    offer: Option<&funnel_ledger::model::Offer>,
    date: NaiveDate,
) -> Decimal {
    offer
        .and_then(|o| o.amount.as_ref())
        .and_then(|a| ledger.to_base(a.value, date))
        .unwrap_or(Decimal::ZERO)
}

fn meta_date(ledger: &Ledger, entry: &Entry, key: &str) -> Option<NaiveDate> {
    if entry.meta.is_empty() {
        return None;
    }
    match ledger.entry_meta(entry, key).map(|v| v.value) {
        Some(MetaValue::Date(date)) => Some(date),
        _ => None,
    }
}

fn meta_number(ledger: &Ledger, entry: &Entry, key: &str) -> Option<Decimal> {
    match ledger.entry_meta(entry, key).map(|v| v.value) {
        Some(MetaValue::Number(n)) => Some(n),
        _ => None,
    }
}

fn meta_days(ledger: &Ledger, entry: &Entry, key: &str) -> Option<Decimal> {
    match ledger.entry_meta(entry, key).map(|v| v.value) {
        Some(MetaValue::Duration(d)) => Some(d.days()),
        _ => None,
    }
}

/// The share of income that is net (analyses §1): (1 − the channel's
/// `fee`) × (1 − `option tax-reserve`).
pub(crate) fn net_share(ledger: &Ledger, channel: &str) -> Decimal {
    (Decimal::ONE - ledger.channel_fee(channel)) * (Decimal::ONE - ledger.options.tax_reserve)
}

/// When you are free for new work (analyses §3 `contacts`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Availability {
    /// The first day after the as-of date on which the running contracts
    /// book fewer than 5 days a week.
    pub available_from: NaiveDate,
    /// The days a week still booked on that day, by deal (the contracts
    /// that go on), in the order of the facts.
    pub still_booked: Vec<(funnel_ledger::Name, Decimal)>,
    /// `available_from` minus the median days from lead to `won` of every
    /// won deal, rounded up, not before the as-of date; `None` without a
    /// won deal.
    pub start_calling: Option<NaiveDate>,
    /// That median, in days.
    pub median_days_to_win: Option<Decimal>,
}

/// How far ahead availability is looked for: ten years.
const HORIZON_DAYS: u64 = 3653;

/// When the won deals that have not ended leave room for new work: `None`
/// when they book a full week for the next ten years (a contract without
/// an end books every day).
pub(crate) fn availability(
    ledger: &Ledger,
    facts: &[crate::deals::DealFacts],
    as_of: NaiveDate,
) -> Option<Availability> {
    let running: Vec<(funnel_ledger::Name, &Contract)> = facts
        .iter()
        .filter(|d| d.status == crate::deals::Status::Won)
        .filter_map(|d| Some((d.id, d.contract()?)))
        .collect();
    let booked_on =
        |day: NaiveDate| -> Decimal { running.iter().map(|(_, c)| c.booked_on(day)).sum() };
    let available_from = (1..=HORIZON_DAYS)
        .filter_map(|n| as_of.checked_add_days(chrono::Days::new(n)))
        .find(|&day| booked_on(day) < FULL_WEEK)?;
    let still_booked = running
        .iter()
        .map(|(id, c)| (*id, c.booked_on(available_from)))
        .filter(|(_, days)| *days > Decimal::ZERO)
        .collect();
    let days_to_win: Vec<Decimal> = facts
        .iter()
        .filter(|d| d.is_won())
        .filter_map(|d| {
            d.won
                .map(|w| Decimal::from((ledger.entries[w].date - d.lead_date).num_days()))
        })
        .collect();
    let median_days_to_win = crate::deals::median(days_to_win);
    let start_calling = median_days_to_win.map(|days| {
        let days = rust_decimal::prelude::ToPrimitive::to_u64(&days.ceil()).unwrap_or(0);
        available_from
            .checked_sub_days(chrono::Days::new(days))
            .unwrap_or(as_of)
            .max(as_of)
    });
    Some(Availability {
        available_from,
        still_booked,
        start_calling,
        median_days_to_win,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deals::{facts, Status};
    use crate::testing::{date, ledger};

    fn contract_of(text: &str, deal: &str) -> (Ledger, Contract) {
        let ledger = ledger(text);
        let facts = facts(&ledger, date("2026-12-31"));
        let fact = facts
            .iter()
            .find(|f| f.id.as_str() == deal)
            .expect("the deal");
        let contract = fact.contract().expect("won").clone();
        (ledger, contract)
    }

    const ACME: &str = "option currency EUR\n\
        2026-01-03 lead acme via referral\n\
        2026-02-01 won acme 48000 EUR at 800 EUR/day until 2026-04-30\n  \
          notice: 30d\n  days-per-week: 4\n  start: 2026-02-01\n\
        2026-04-15 extended acme 24000 EUR at 850 EUR/day until 2026-07-31 \"phase 2\"\n  \
          days-per-week: 2.5\n";

    /// Format §4: the won tranche, then the extension from the day after
    /// the previous end; rates, days a week and notice carry on.
    #[test]
    fn tranches_follow_each_other() {
        let (_, c) = contract_of(ACME, "acme");
        let spans: Vec<_> = c
            .tranches
            .iter()
            .map(|t| (t.start, t.end, t.amount))
            .collect();
        assert_eq!(
            spans,
            [
                (
                    date("2026-02-01"),
                    Some(date("2026-04-30")),
                    Decimal::from(48000)
                ),
                (
                    date("2026-05-01"),
                    Some(date("2026-07-31")),
                    Decimal::from(24000)
                ),
            ]
        );
        assert_eq!(c.value(), Decimal::from(72000));
        assert_eq!(c.tranches[1].days_per_week, Decimal::new(25, 1));
        assert_eq!(c.tranches[1].notice_days, Some(Decimal::from(30)));
        assert_eq!(
            c.last_rate().map(|(r, _)| r.amount.value),
            Some(Decimal::from(850))
        );
        assert_eq!(c.end(), Some(date("2026-07-31")));
        assert_eq!(c.booked_on(date("2026-03-01")), Decimal::from(4));
        assert_eq!(c.booked_on(date("2026-06-01")), Decimal::new(25, 1));
        assert_eq!(c.booked_on(date("2026-08-01")), Decimal::ZERO);
    }

    /// Income by the day: February has 28 of the won tranche's 89 days
    /// (2026-02-01..=04-30), so 48,000 × 28 / 89; May is 31 of the
    /// extension's 92 days.
    #[test]
    fn income_is_spread_over_each_tranches_days() {
        let (_, c) = contract_of(ACME, "acme");
        let feb = c.income(date("2026-02-01"), date("2026-02-28"));
        assert_eq!(
            feb,
            Decimal::from(48000) * Decimal::from(28) / Decimal::from(89)
        );
        let may = c.income(date("2026-05-01"), date("2026-05-31"));
        assert_eq!(
            may,
            Decimal::from(24000) * Decimal::from(31) / Decimal::from(92)
        );
        // Every day of the contract adds up to its value.
        assert_eq!(c.income(date("2026-01-01"), date("2026-12-31")), c.value());
    }

    /// A contract cancelled in the extension: the won tranche counts in
    /// full, the extension pro rata (2026-05-01 to 06-15: 45 of its 91
    /// planned days), and the income stops on the cancellation.
    #[test]
    fn a_cancelled_contract_counts_what_was_worked() {
        let text = format!("{ACME}2026-06-15 ended acme cancelled\n");
        let (_, c) = contract_of(&text, "acme");
        let extension = Decimal::from(24000) * Decimal::from(45) / Decimal::from(91);
        assert_eq!(c.value(), Decimal::from(48000) + extension);
        assert_eq!(c.full_value(), Decimal::from(72000));
        assert_eq!(
            c.income(date("2026-06-16"), date("2026-12-31")),
            Decimal::ZERO
        );
        assert_eq!(c.income(date("2026-01-01"), date("2026-12-31")), c.value());
        assert_eq!(c.booked_on(date("2026-06-20")), Decimal::ZERO);
    }

    /// An extension without `until` adds scope to the running contract:
    /// from its date to the current end.
    #[test]
    fn an_extension_without_until_adds_scope() {
        let text = "option currency EUR\n\
            2026-01-03 lead b via referral\n\
            2026-02-01 won b 10000 EUR until 2026-03-31\n\
            2026-03-01 extended b 3100 EUR\n";
        let (_, c) = contract_of(text, "b");
        assert_eq!(
            (c.tranches[1].start, c.tranches[1].end),
            (date("2026-03-01"), Some(date("2026-03-31")))
        );
        assert_eq!(
            c.income(date("2026-03-10"), date("2026-03-10")),
            Decimal::from(10000) / Decimal::from(59) + Decimal::from(100)
        );
    }

    #[test]
    fn rates_per_day() {
        let rate = |text: &str| {
            let l = ledger(&format!(
                "option currency EUR\n2026-01-01 lead a via x\n2026-01-02 won a 1 EUR at {text}\n"
            ));
            let offer = l.entries[1].kind.offer().cloned().expect("an offer");
            per_day(&offer.rate.expect("a rate").value)
        };
        assert_eq!(rate("800 EUR/day"), Decimal::from(800));
        assert_eq!(rate("100 EUR/h"), Decimal::from(800));
        assert_eq!(rate("4000 EUR/week"), Decimal::from(800));
        assert_eq!(rate("16800 EUR/month"), Decimal::from(800));
        assert_eq!(rate("176000 EUR/year"), Decimal::from(800));
    }

    /// Status after `reopened`: the latest close decides; a deal lost and
    /// won again is won; declined deals are undecided, not failures.
    #[test]
    fn reopened_deals_take_their_latest_close() {
        let l = ledger(
            "option currency EUR\n\
             2026-01-01 lead a via x\n2026-02-01 lost a #price\n2026-04-01 reopened a\n2026-04-20 won a 20000 EUR\n\
             2026-01-01 lead b via x\n2026-02-01 lost b\n2026-12-01 reopened b\n\
             2026-01-01 lead c via x\n2026-02-01 declined c\n2026-03-01 reopened c\n2026-03-05 lost c\n\
             2026-01-01 lead d via x\n2026-02-01 declined d\n",
        );
        let f = facts(&l, date("2026-12-31"));
        let status: Vec<_> = f
            .iter()
            .map(|d| (d.status, d.closed_on, d.reopenings))
            .collect();
        assert_eq!(
            status,
            [
                (Status::Won, Some(date("2026-04-20")), 1),
                (Status::Open, None, 1),
                (Status::Lost, Some(date("2026-03-05")), 1),
                (Status::Declined, Some(date("2026-02-01")), 0),
            ]
        );
        assert_eq!(
            f.iter().map(|d| d.undecided()).collect::<Vec<_>>(),
            [false, true, false, true]
        );
        assert_eq!(f[0].value, Decimal::from(20000));
    }

    /// Booked until the full-time contract ends on 2026-07-31; the part-time
    /// one goes on (2 days a week). Deals take a median of 30 days from
    /// lead to signature: start calling 30 days before.
    #[test]
    fn availability_waits_for_full_time_work_to_end() {
        let l = ledger(
            "option currency EUR\n\
             2026-01-01 lead a via x\n2026-01-31 won a 1 EUR until 2026-07-31\n\
             2026-03-01 lead b via x\n2026-03-31 won b 1 EUR until 2026-12-31\n  days-per-week: 2\n\
             2026-01-01 lead c via x\n2026-01-31 won c 1 EUR until 2026-02-28\n2026-02-28 ended c\n",
        );
        let f = facts(&l, date("2026-06-01"));
        let a = availability(&l, &f, date("2026-06-01")).expect("free some day");
        assert_eq!(a.available_from, date("2026-08-01"));
        assert_eq!(
            a.still_booked
                .iter()
                .map(|(d, n)| (d.as_str(), *n))
                .collect::<Vec<_>>(),
            [("b", Decimal::from(2))]
        );
        assert_eq!(a.median_days_to_win, Some(Decimal::from(30)));
        assert_eq!(a.start_calling, Some(date("2026-07-02")));
        // Free already: tomorrow, and the calls start today.
        let f = facts(&l, date("2026-12-31"));
        let a = availability(&l, &f, date("2026-12-31")).expect("free");
        assert_eq!(
            (a.available_from, a.start_calling),
            (date("2027-01-01"), Some(date("2026-12-31")))
        );
    }

    /// Repeat business: the second won deal of a client is a repeat deal.
    #[test]
    fn repeat_deals_share_a_client() {
        let l = ledger(
            "option currency EUR\n\
             2026-01-01 lead a via x\n  client: acme\n2026-02-01 won a 1 EUR\n\
             2026-03-01 lead b via x\n  client: acme\n  buyer: anna\n2026-04-01 won b 1 EUR\n\
             2026-03-01 lead c via x\n2026-04-01 won c 1 EUR\n",
        );
        let f = facts(&l, date("2026-12-31"));
        let shown: Vec<_> = f
            .iter()
            .map(|d| (d.client.as_str(), d.buyer.map(|b| b.as_str()), d.repeat))
            .collect();
        assert_eq!(
            shown,
            [
                ("acme", None, false),
                ("acme", Some("anna"), true),
                ("c", None, false)
            ]
        );
    }
}
