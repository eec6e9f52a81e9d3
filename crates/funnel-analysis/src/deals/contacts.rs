//! What each contact did: the deals they referred or bought and won, their
//! ratings, and their `touch` entries (`contacts`, `export contacts`).

use std::collections::HashMap;

use chrono::NaiveDate;
use funnel_ledger::model::{EntryKind, Sparse};
use funnel_ledger::{Ledger, Name};
use rust_decimal::Decimal;

use super::{in_cohort, DealFacts};
use crate::context::Context;

/// One `touch` entry: kept in touch with a contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Touch {
    pub date: NaiveDate,
    pub contact: Name,
}

/// Every `touch` entry dated on or before `as_of`, in reading order.
pub fn touches(ledger: &Ledger, as_of: NaiveDate) -> Vec<Touch> {
    ledger
        .entries_of(Sparse::Touch)
        .map(|(_, entry)| entry)
        .filter(|e| e.date <= as_of)
        .filter_map(|entry| match &entry.kind {
            EntryKind::Touch { contact, .. } => Some(Touch {
                date: entry.date,
                contact: *contact,
            }),
            _ => None,
        })
        .collect()
}

/// What one contact did, as `contacts` and `export contacts` count it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContactTally {
    /// Cohort deals they referred (`lead … from` them), how many of those
    /// were won and for how much in all (`export contacts`' `won`).
    pub referred: usize,
    pub won: usize,
    pub won_value: Decimal,
    /// Cohort deals they are the buyer of (`buyer:` on the `lead`).
    pub bought: usize,
    /// Won cohort deals they referred or bought, each counted once, and
    /// their value in all (`contacts`' `won` and `won_value`).
    pub won_either: usize,
    pub won_either_value: Decimal,
    /// The `rating:`s of the cohort deals they referred or bought, each
    /// deal once.
    pub ratings: Vec<Decimal>,
    /// Their `touch` entries in the period.
    pub touches: usize,
    /// Their latest touch, or lead they referred or bought, on or before
    /// the as-of date, in the period or before it.
    pub last_contact: Option<NaiveDate>,
}

/// The tally of every contact who referred or bought a deal of `deals` or
/// was touched on or before the as-of date, keyed by the identity of the
/// name ([`Name::key`]): one pass over the deals and one over the touches
/// (a filter of every deal per contact grew with contacts × deals).
pub fn contact_tallies(
    ledger: &Ledger,
    deals: &[DealFacts],
    ctx: &Context,
) -> HashMap<usize, (Name, ContactTally), foldhash::fast::RandomState> {
    let mut tallies: HashMap<usize, (Name, ContactTally), foldhash::fast::RandomState> =
        HashMap::default();
    for deal in deals {
        // The referrer, then the buyer when it is someone else: a person
        // who both referred and bought a deal counts it once.
        let buyer = deal.buyer.filter(|b| Some(*b) != deal.contact);
        for person in [deal.contact, buyer].into_iter().flatten() {
            let (_, tally) = tallies
                .entry(person.key())
                .or_insert_with(|| (person, ContactTally::default()));
            tally.last_contact = tally.last_contact.max(Some(deal.lead_date));
            if !in_cohort(deal, ctx) {
                continue;
            }
            let referred = deal.contact == Some(person);
            tally.referred += usize::from(referred);
            tally.bought += usize::from(deal.buyer == Some(person));
            tally.ratings.extend(deal.rating);
            if deal.is_won() {
                tally.won_either += 1;
                tally.won_either_value += deal.value;
                if referred {
                    tally.won += 1;
                    tally.won_value += deal.value;
                }
            }
        }
    }
    for touch in touches(ledger, ctx.as_of) {
        let (_, tally) = tallies
            .entry(touch.contact.key())
            .or_insert_with(|| (touch.contact, ContactTally::default()));
        tally.last_contact = tally.last_contact.max(Some(touch.date));
        tally.touches += usize::from(ctx.in_period(touch.date));
    }
    tallies
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deals::facts;
    use crate::deals::testing::{d, date, ledger};

    /// A buyer counts the deals they bought; a won deal its referrer also
    /// bought counts once; `export contacts`' `won` stays the referred
    /// deals won.
    #[test]
    fn contact_tallies_count_buyers() {
        let l = ledger(
            "2026-01-01 lead a via x from anna\n  buyer: jo\n2026-01-09 won a 100 EUR\n\
             2026-01-10 ended a\n  rating: 4\n\
             2026-01-02 lead b via x from jo\n  buyer: jo\n2026-01-09 won b 50 EUR\n\
             2026-01-03 lead c via x\n  buyer: jo\n2026-01-09 lost c\n",
        );
        let facts = facts(&l, date("2026-02-01"));
        let ctx = Context::new(&l, date("2026-02-01"));
        let tallies = contact_tallies(&l, &facts, &ctx);
        let tally = |name: &str| {
            tallies
                .values()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, t)| t.clone())
                .expect("a tally")
        };
        let jo = tally("jo");
        assert_eq!((jo.referred, jo.bought, jo.won), (1, 3, 1));
        assert_eq!((jo.won_either, jo.won_either_value), (2, d(150)));
        assert_eq!(jo.ratings, [d(4)]);
        assert_eq!(jo.last_contact, Some(date("2026-01-03")));
        let anna = tally("anna");
        assert_eq!((anna.referred, anna.bought, anna.won_either), (1, 0, 1));
    }
}
