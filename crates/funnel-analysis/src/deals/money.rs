//! Money on the as-of date (analyses §3 `runway`): the contracts still
//! running, the latest `balance`, and the costs per month of the latest
//! `costs` ([`per_month`] is the one rule for `/year` ÷ 12).

use chrono::NaiveDate;
use funnel_ledger::model::{EntryKind, Sparse};
use funnel_ledger::value::{Rate, RateUnit};
use funnel_ledger::Ledger;
use rust_decimal::Decimal;

use super::{DealFacts, Status};
use crate::contract::Contract;

/// A contract signed and not ended on the as-of date (analyses §3
/// `runway`), with the deal it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Running<'l> {
    pub id: &'l str,
    pub channel: &'l str,
    pub contract: &'l Contract,
}

impl Running<'_> {
    /// The planned end of its latest tranche (`None` without one).
    pub fn until(&self) -> Option<NaiveDate> {
        self.contract.end()
    }

    /// The days from its start to its end, both counted; `None` without an
    /// end or when the end is before the start: such a contract cannot be
    /// spread over time.
    pub fn days(&self) -> Option<i64> {
        let days = (self.until()? - self.contract.start()).num_days() + 1;
        (days > 0).then_some(days)
    }

    /// The income (gross) it earns on the days from `first` to `last`.
    pub fn income(&self, first: NaiveDate, last: NaiveDate) -> Decimal {
        self.contract.income(first, last)
    }
}

/// The contracts still running on the as-of date of `deals`: won and not
/// ended, in the order of `deals`.
pub fn running_contracts(deals: &[DealFacts]) -> Vec<Running<'_>> {
    deals
        .iter()
        .filter(|d| d.status == Status::Won)
        .filter_map(|deal| {
            Some(Running {
                id: deal.id.as_str(),
                channel: deal.channel.as_str(),
                contract: deal.contract()?,
            })
        })
        .collect()
}

/// The latest `balance` on or before `as_of` (the last written, on one
/// day): its date and its amount in the base currency, converted on it.
pub fn latest_balance(ledger: &Ledger, as_of: NaiveDate) -> Option<(NaiveDate, Decimal)> {
    latest(ledger, as_of, Sparse::Balance, |kind| match kind {
        EntryKind::Balance { amount } => Some(*amount),
        _ => None,
    })
    .map(|(date, amount)| (date, ledger.to_base(amount, date).unwrap_or(Decimal::ZERO)))
}

/// The latest `costs` on or before `as_of` (the last written, on one day):
/// its date and the costs per month in the base currency, converted on it
/// (`/year` ÷ 12).
pub fn monthly_costs(ledger: &Ledger, as_of: NaiveDate) -> Option<(NaiveDate, Decimal)> {
    let (date, rate) = latest(ledger, as_of, Sparse::Costs, |kind| match kind {
        EntryKind::Costs { rate } => Some(**rate),
        _ => None,
    })?;
    Some((date, per_month(ledger, rate, date)?))
}

/// The costs per month of a `costs` rate written on `date`, in the base
/// currency converted on that date: `/month` as it is, `/year` ÷ 12. The
/// one place this rule lives: `runway` reads every `costs` entry through
/// it, [`monthly_costs`] the latest. `None` for any other unit, which
/// `funnel check` does not let through.
pub fn per_month(ledger: &Ledger, rate: Rate, date: NaiveDate) -> Option<Decimal> {
    let amount = ledger.to_base(rate.amount, date).unwrap_or(Decimal::ZERO);
    match rate.unit {
        RateUnit::Month => Some(amount),
        RateUnit::Year => Some(amount / Decimal::from(12)),
        RateUnit::Hour | RateUnit::Day | RateUnit::Week => None,
    }
}

/// The value of the latest entry of `kind` (by date, then reading order) on
/// or before `as_of` that `pick` picks.
fn latest<T>(
    ledger: &Ledger,
    as_of: NaiveDate,
    kind: Sparse,
    pick: impl Fn(&EntryKind) -> Option<T>,
) -> Option<(NaiveDate, T)> {
    let mut found: Option<(NaiveDate, T)> = None;
    let entries = ledger.entries_of(kind).map(|(_, entry)| entry);
    for entry in entries.filter(|e| e.date <= as_of) {
        if found.as_ref().is_some_and(|(date, _)| entry.date < *date) {
            continue;
        }
        if let Some(value) = pick(&entry.kind) {
            found = Some((entry.date, value));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deals::facts;
    use crate::deals::testing::{d, date, ledger};

    #[test]
    fn the_latest_balance_and_costs_on_or_before_the_as_of_date() {
        let l = ledger(
            "option currency EUR\n2026-01-01 balance 100 EUR\n2026-02-01 balance 300 EUR\n\
             2026-02-01 balance 200 EUR\n2026-03-01 balance 900 EUR\n\
             2026-01-01 costs 1200 EUR/month\n2026-02-01 costs 24000 EUR/year\n",
        );
        // On one day, the entry written last counts.
        assert_eq!(
            latest_balance(&l, date("2026-02-15")),
            Some((date("2026-02-01"), d(200)))
        );
        assert_eq!(latest_balance(&l, date("2025-12-31")), None);
        assert_eq!(
            monthly_costs(&l, date("2026-01-31")),
            Some((date("2026-01-01"), d(1200)))
        );
        assert_eq!(
            monthly_costs(&l, date("2026-02-01")),
            Some((date("2026-02-01"), d(2000)))
        );
    }

    #[test]
    fn running_contracts_spread_their_value_over_their_days() {
        let l = ledger(
            "2026-01-01 lead a via x\n2026-01-02 won a 3100 EUR until 2026-01-31\n  start: 2026-01-01\n\
             2026-01-01 lead b via x\n2026-01-02 won b 500 EUR\n\
             2026-01-01 lead c via x\n2026-01-02 won c 500 EUR until 2026-03-01\n2026-01-20 ended c\n",
        );
        let facts = facts(&l, date("2026-01-25"));
        let running = running_contracts(&facts);
        let ids: Vec<&str> = running.iter().map(|c| c.id).collect();
        assert_eq!(ids, ["a", "b"], "c has ended");
        let a = &running[0];
        assert_eq!(a.days(), Some(31));
        // 100 a day, both ends counted.
        assert_eq!(a.income(date("2026-01-01"), date("2026-01-10")), d(1000));
        assert_eq!(a.income(date("2026-01-25"), date("2026-02-28")), d(700));
        assert_eq!(a.income(date("2026-02-01"), date("2026-02-28")), d(0));
        // Without `until`, nothing can be spread.
        assert_eq!(running[1].days(), None);
        assert_eq!(
            running[1].income(date("2026-01-01"), date("2026-12-31")),
            d(0)
        );
    }
}
