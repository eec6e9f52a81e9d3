//! What was asked before a deal closed: the opening ask and the latest
//! ask (analyses §3 `negotiation`), read from the offers of its stage
//! entries.

use chrono::NaiveDate;
use funnel_ledger::model::{Entry, EntryKind, Offer};
use funnel_ledger::Ledger;

use super::DealFacts;

/// What was asked before a deal closed (analyses §3 `negotiation`): the
/// offer of its latest stage entry dated on or before `close` that carries
/// one, with that entry. Amount and rate both come from this one entry. On
/// one day, the entry written last counts.
pub fn latest_ask<'l>(
    ledger: &'l Ledger,
    deal: &DealFacts,
    close: NaiveDate,
) -> Option<(&'l Entry, &'l Offer)> {
    let deal = deal.deal(ledger);
    // `Ledger::deal_indices` is in date order (stages before `won` on one day), so
    // the last match is the latest: searched from the end, which reads a
    // few of the deal's entries (they lie all over a big ledger) instead
    // of all of them.
    ledger
        .deal_indices(deal)
        .iter()
        .rev()
        .map(|&i| &ledger.entries[i as usize])
        .filter(|e| e.date <= close)
        .find_map(|entry| match &entry.kind {
            EntryKind::Stage {
                offer: Some(offer), ..
            } => Some((entry, &**offer)),
            // The agreed offer of `won` is what was got, not asked.
            EntryKind::Stage { offer: None, .. }
            | EntryKind::Won { .. }
            | EntryKind::Extended { .. }
            | EntryKind::Reopened { .. }
            | EntryKind::Lead { .. }
            | EntryKind::Lost { .. }
            | EntryKind::Declined { .. }
            | EntryKind::Ended { .. }
            | EntryKind::Spent { .. }
            | EntryKind::Touch { .. }
            | EntryKind::Note { .. }
            | EntryKind::Assume(_)
            | EntryKind::Price { .. }
            | EntryKind::Balance { .. }
            | EntryKind::Costs { .. } => None,
        })
}

/// What was asked first (analyses §3 `negotiation`, the **opening ask**):
/// the offer of a deal's earliest stage entry dated on or before `close`
/// that carries one, with that entry. Amount and rate both come from this
/// one entry; on one day, the entry written first counts. A deal lost,
/// reopened and won keeps the opening ask it made before the loss.
pub fn opening_ask<'l>(
    ledger: &'l Ledger,
    deal: &DealFacts,
    close: NaiveDate,
) -> Option<(&'l Entry, &'l Offer)> {
    // `Ledger::deal_indices` is in date order, so the first match is the earliest.
    ledger
        .deal_indices(deal.deal(ledger))
        .iter()
        .map(|&i| &ledger.entries[i as usize])
        .take_while(|e| e.date <= close)
        .find_map(|entry| match &entry.kind {
            EntryKind::Stage {
                offer: Some(offer), ..
            } => Some((entry, &**offer)),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deals::facts;
    use crate::deals::testing::{d, date, ledger};

    /// The opening ask is the earliest stage offer on or before the
    /// close, however the lines are ordered, and survives a loss and a
    /// reopening; the latest ask is the last one.
    #[test]
    fn the_opening_ask_is_the_earliest_offer() {
        let l = ledger(
            "2026-01-01 lead a via x\n2026-01-05 contacted a\n\
             2026-02-10 proposed a 22000 EUR\n2026-01-20 proposed a 25000 EUR at 100 EUR/h\n\
             2026-03-01 lost a\n2026-04-01 reopened a\n2026-04-10 proposed a 21000 EUR\n\
             2026-04-20 won a 20000 EUR\n\
             2026-01-01 lead b via x\n2026-01-05 talked b\n2026-02-01 lost b\n",
        );
        let f = facts(&l, date("2026-12-31"));
        let amount = |ask: Option<(&Entry, &Offer)>| {
            ask.and_then(|(e, o)| Some((e.date, o.amount.as_ref()?.value.value)))
        };
        assert_eq!(
            amount(opening_ask(&l, &f[0], date("2026-04-20"))),
            Some((date("2026-01-20"), d(25000)))
        );
        assert_eq!(
            amount(latest_ask(&l, &f[0], date("2026-04-20"))),
            Some((date("2026-04-10"), d(21000)))
        );
        // Nothing was asked before 2026-01-20.
        assert_eq!(amount(opening_ask(&l, &f[0], date("2026-01-19"))), None);
        // A deal without an offer has no opening ask.
        assert_eq!(amount(opening_ask(&l, &f[1], date("2026-12-31"))), None);
    }
}
