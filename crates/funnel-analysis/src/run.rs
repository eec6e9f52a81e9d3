//! One run of analyses: the ledger, the settings ([`Context`]) and the
//! facts of every deal computed from them once, which every analysis of the
//! run reads.
//!
//! A command makes one [`Run`] and hands it by reference to each analysis
//! it runs, on as many threads as it likes: the facts are plain data,
//! computed in [`Run::new`], not a cache filled by whichever analysis asks
//! first.

use funnel_ledger::Ledger;

use crate::context::Context;
use crate::deals::{self, DealFacts};

/// The ledger, the settings and the deal facts of one run. Made only by
/// [`Run::new`], so its facts are always those of its ledger on its as-of
/// date.
#[derive(Debug)]
pub struct Run<'l> {
    ledger: &'l Ledger,
    ctx: Context,
    facts: Vec<DealFacts>,
}

impl<'l> Run<'l> {
    /// Computes the facts of every deal of `ledger` on the as-of date of
    /// `ctx` ([`deals::facts`]; on all cores for a big ledger).
    pub fn new(ledger: &'l Ledger, ctx: Context) -> Run<'l> {
        let facts = deals::facts(ledger, ctx.as_of);
        Run { ledger, ctx, facts }
    }

    pub fn ledger(&self) -> &'l Ledger {
        self.ledger
    }

    pub fn ctx(&self) -> &Context {
        &self.ctx
    }

    /// The facts of every deal whose `lead` is on or before the as-of
    /// date, in the reading order of their leads.
    pub(crate) fn facts(&self) -> &[DealFacts] {
        &self.facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger};

    /// The facts are those of the run's ledger on the run's as-of date.
    #[test]
    fn facts_are_the_ledgers_on_the_as_of_date() {
        let l =
            ledger("2026-01-01 lead a via x\n2026-01-05 won a 100 EUR\n2026-02-01 lead b via y\n");
        let run = Run::new(&l, Context::new(&l, date("2026-06-30")));
        assert_eq!(run.facts(), &deals::facts(&l, date("2026-06-30"))[..]);
        let ids: Vec<&str> = run.facts().iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(run.facts()[0].value, rust_decimal::Decimal::from(100));
        let before = Run::new(&l, Context::new(&l, date("2026-01-03")));
        assert_eq!(before.facts().len(), 1);
        assert_eq!(before.facts()[0].value, rust_decimal::Decimal::ZERO);
    }
}
