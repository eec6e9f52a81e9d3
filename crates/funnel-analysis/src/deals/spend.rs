//! The `spent` entries: each attributed to a channel (`channels`' costs),
//! and the deals with time logged on them.

use chrono::NaiveDate;
use funnel_ledger::model::{EntryKind, Quantity, Sparse, SpentOn};
use funnel_ledger::Ledger;
use rust_decimal::Decimal;

/// One `spent` entry, attributed to a channel.
#[derive(Clone, Debug, PartialEq)]
pub struct Spend<'l> {
    pub date: NaiveDate,
    /// The channel it was spent via, or the channel of the deal it was
    /// spent on.
    pub channel: &'l str,
    /// Money in the base currency (converted on the entry's date).
    pub money: Decimal,
    pub hours: Decimal,
}

/// Every `spent` entry dated on or before `as_of`, in reading order. An
/// iterator: its callers add each up as it comes, and a big ledger has
/// hundreds of thousands (a vector of them was the largest allocation of
/// `channels` and `trends`, which run side by side).
pub fn spends(ledger: &Ledger, as_of: NaiveDate) -> impl Iterator<Item = Spend<'_>> {
    ledger
        .entries_of(Sparse::Spent)
        .filter(move |(_, entry)| entry.date <= as_of)
        .filter_map(|(index, entry)| {
            let EntryKind::Spent(spending) = &entry.kind else {
                return None;
            };
            let channel = match spending.on() {
                SpentOn::Channel(channel) => channel.as_str(),
                SpentOn::Deal(_) => ledger.deal_of(index)?.channel.as_str(),
            };
            let (money, hours) = match spending.quantity() {
                Quantity::Money(amount) => (
                    ledger.to_base(amount, entry.date).unwrap_or(Decimal::ZERO),
                    Decimal::ZERO,
                ),
                Quantity::Effort(effort) => (Decimal::ZERO, effort.hours()),
            };
            Some(Spend {
                date: entry.date,
                channel,
                money,
                hours,
            })
        })
}

/// The deals with at least one `spent EFFORT on DEAL` dated on or before
/// `as_of`, by the identity of their id
/// ([`Name::key`](funnel_ledger::Name::key)): `channels`' `hours_coverage`,
/// how far a channel's net per hour can be trusted. Money spent on a deal
/// is not logged time, so it does not count.
pub fn deals_with_hours(
    ledger: &Ledger,
    as_of: NaiveDate,
) -> std::collections::HashSet<usize, foldhash::fast::RandomState> {
    ledger
        .entries_of(Sparse::Spent)
        .filter(|(_, entry)| entry.date <= as_of)
        .filter_map(|(index, entry)| match &entry.kind {
            EntryKind::Spent(spending) if spending.is_effort() && spending.deal().is_some() => {
                ledger.deal_of(index).map(|deal| deal.id.key())
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deals::testing::{date, ledger};

    /// Only time logged on a deal counts, not money or time via a
    /// channel, and not after the as-of date.
    #[test]
    fn deals_with_hours_are_those_with_time_logged_on_them() {
        let l = ledger(
            "2026-01-01 lead a via x\n2026-01-02 spent 30min on a\n\
             2026-01-01 lead b via x\n2026-01-02 spent 50 EUR on b\n2026-01-03 spent 2h via x\n\
             2026-01-01 lead c via x\n2026-03-01 spent 1h on c\n",
        );
        let with = deals_with_hours(&l, date("2026-02-01"));
        let ids: Vec<&str> = l
            .deals
            .values()
            .filter(|d| with.contains(&d.id.key()))
            .map(|d| d.id.as_str())
            .collect();
        assert_eq!(ids, ["a"]);
        assert_eq!(deals_with_hours(&l, date("2026-03-01")).len(), 2);
    }
}
