//! The shared vocabulary of analyses §1, computed once per deal: lead date,
//! channel, referring contact, reached stages and the dates they were
//! reached on, status on the as-of date, close date, won value in the base
//! currency ([`DealFacts`], made by [`facts`]). Also `decided`, conversion
//! and the cohort (here), and beside them, each in its own file:
//!
//! - `facts.rs`: how the facts of every deal are computed (in one pass
//!   over compact marks of the entries, on all cores for a big ledger);
//! - `spend.rs`: the `spent` entries, by channel, and the deals with time
//!   logged on them;
//! - `contacts.rs`: the `touch` entries and what each contact referred,
//!   bought and won;
//! - `asks.rs`: the opening and the latest ask before a close;
//! - `money.rs`: the contracts still running, and the latest `balance` and
//!   `costs` (the one rule for costs per month);
//! - `averages.rs`: medians and means.
//!
//! Every analysis takes its numbers from here, so `funnel` and `channels`
//! cannot disagree about a win rate. Entries dated after the as-of date are
//! ignored: a deal whose `lead` is later does not exist yet.

mod asks;
mod averages;
mod contacts;
mod facts;
mod money;
mod spend;

use chrono::NaiveDate;
use funnel_ledger::model::{Deal, Entry, MetaValue};
use funnel_ledger::{Ledger, Name};
use rust_decimal::Decimal;

use crate::context::Context;
use crate::contract::Contract;

pub use asks::{latest_ask, opening_ask};
pub use averages::{mean, median};
pub use contacts::{contact_tallies, ContactTally};
pub use facts::facts;
pub use money::{latest_balance, monthly_costs, per_month, running_contracts, Running};
pub use spend::{deals_with_hours, spends};

/// A deal's status on the as-of date (analyses §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Won and still running (or without an `ended`).
    Won,
    /// Won, and the contract has ended.
    Ended,
    /// The client said no.
    Lost,
    /// I said no.
    Declined,
    /// Open, but its latest entry is more than `stale-after` days old
    /// ([`rules::is_stale`](funnel_ledger::rules::is_stale), as `funnel check`'s `stale-deal` counts it).
    Stale,
    Open,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Won => "won",
            Status::Ended => "ended",
            Status::Lost => "lost",
            Status::Declined => "declined",
            Status::Stale => "stale",
            Status::Open => "open",
        }
    }

    pub fn is_won(self) -> bool {
        matches!(self, Status::Won | Status::Ended)
    }
}

/// The date a deal reached each stage, by stage index: inline up to eight
/// stages (the facts of a big ledger are read in passes; a separate
/// allocation per deal made every pass chase a pointer per deal).
pub type Reached = smallvec::SmallVec<[Option<NaiveDate>; 8]>;

/// What the analyses need to know about one deal. Owns nothing of the
/// ledger (names are interned, entries are indices), so the facts of a
/// ledger are computed once per [`Run`](crate::Run) and shared by every
/// analysis of it.
#[derive(Clone, Debug, PartialEq)]
pub struct DealFacts {
    pub id: Name,
    /// Its index in [`Ledger::deals`]; see [`DealFacts::deal`].
    pub position: usize,
    /// The full channel name of its `lead`.
    pub channel: Name,
    /// The contact who referred it (`from CONTACT` on its `lead`).
    pub contact: Option<Name>,
    /// The client it is for: `client:` on its `lead`, else the deal itself.
    pub client: Name,
    /// The person who decides at the client (`buyer:` on its `lead`).
    pub buyer: Option<Name>,
    pub lead_date: NaiveDate,
    /// For each stage index (`lead` = 0 … `won`): the date the deal reached
    /// it, i.e. its earliest entry at that stage or a later one.
    pub reached_on: Reached,
    pub status: Status,
    /// The date of the close that decides its status: its `won`, or its
    /// latest `lost` or `declined` when not reopened since.
    pub closed_on: Option<NaiveDate>,
    /// The date of its latest `reopened`, and how many it has.
    pub reopened_on: Option<NaiveDate>,
    pub reopenings: u32,
    /// The index in [`Ledger::entries`] of its `won` entry (the agreed
    /// offer, `until` and `start:`); see [`DealFacts::won_entry`].
    pub won: Option<usize>,
    /// Its `extended` entries, in date order (indices in
    /// [`Ledger::entries`]).
    pub extensions: Box<[u32]>,
    /// Its `ended` entry.
    pub ended: Option<usize>,
    /// The deal's value in the base currency: the sum of its contract's
    /// tranches, each converted on its entry's date, pro-rated for a
    /// cancelled contract ([`Contract::value`]); 0 unless won.
    pub value: Decimal,
    /// Won, and its client has a won deal with an earlier `won` date.
    pub repeat: bool,
    /// `rating:` of the deal (on its `ended` entry).
    pub rating: Option<Decimal>,
    /// The date of its latest entry of any kind.
    pub last_entry: NaiveDate,
    /// Its contract, when it is won: made once with the facts (which need
    /// its value), where each analysis that reads it made it again (a
    /// vector of tranches, each amount converted to the base currency;
    /// 2.6 % of `report` on a terse million).
    pub(crate) contract: Option<Box<Contract>>,
}

impl DealFacts {
    /// Its `won` entry.
    pub fn won_entry<'l>(&self, ledger: &'l Ledger) -> Option<&'l Entry> {
        self.won.map(|i| &ledger.entries[i])
    }

    /// The deal in the ledger.
    pub fn deal<'l>(&self, ledger: &'l Ledger) -> &'l Deal {
        &ledger.deals[self.position]
    }

    /// The title of its `lead` (read from the lead's line).
    pub fn title<'l>(&self, ledger: &'l Ledger) -> Option<std::borrow::Cow<'l, str>> {
        ledger.deal_title(self.deal(ledger))
    }

    pub fn reached(&self, stage: usize) -> bool {
        self.reached_on.get(stage).is_some_and(Option::is_some)
    }

    /// The index of the furthest stage reached (0 = `lead`).
    pub fn furthest(&self) -> usize {
        self.reached_on
            .iter()
            .rposition(Option::is_some)
            .unwrap_or(0)
    }

    pub fn is_won(&self) -> bool {
        self.status.is_won()
    }

    /// Its contract, when it is won.
    pub(crate) fn contract(&self) -> Option<&Contract> {
        self.contract.as_deref()
    }

    /// Whether a decided conversion leaves it out (analyses §1): an open
    /// deal is undecided, and a deal you declined is your choice, not a
    /// failure.
    pub fn undecided(&self) -> bool {
        matches!(self.status, Status::Open | Status::Declined)
    }

    /// Days from reaching `from` to reaching `to`, when it reached both.
    pub fn days_between(&self, from: usize, to: usize) -> Option<i64> {
        let (a, b) = (
            self.reached_on.get(from).copied()??,
            self.reached_on.get(to).copied()??,
        );
        Some((b - a).num_days())
    }
}

/// The day a contract's work starts: `start:` on its `won` entry, else the
/// `won` date.
pub fn start_date(ledger: &Ledger, won: &Entry) -> NaiveDate {
    match ledger.entry_meta(won, "start").map(|v| v.value) {
        Some(MetaValue::Date(date)) => date,
        _ => won.date,
    }
}

/// The cohort: deals whose `lead` lies in the period, on the kept channels.
pub fn cohort<'a>(deals: &'a [DealFacts], ctx: &Context) -> Vec<&'a DealFacts> {
    deals.iter().filter(|d| in_cohort(d, ctx)).collect()
}

/// Whether `deal` is of the cohort: [`cohort`] of one deal.
pub fn in_cohort(deal: &DealFacts, ctx: &Context) -> bool {
    ctx.in_period(deal.lead_date) && ctx.keeps_channel(&deal.channel)
}

/// A conversion: `k` of the `n` decided deals reached the later stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Conversion {
    pub k: usize,
    pub n: usize,
}

impl Conversion {
    pub fn ratio(self) -> Option<f64> {
        (self.n > 0).then(|| self.k as f64 / self.n as f64)
    }

    /// Decided deals that did not make it.
    pub fn stopped(self) -> usize {
        self.n - self.k
    }

    /// Counts one deal: whether it reached the earlier stage and the later
    /// one, and whether it is undecided ([`DealFacts::undecided`]: open or
    /// declined; one that has not reached the later stage is left out).
    pub fn count(&mut self, from: bool, to: bool, open: bool) {
        if from && to {
            self.k += 1;
            self.n += 1;
        } else if from && !open {
            self.n += 1;
        }
    }
}

/// How many deals reached a stage. With [`conversion`], the definition by
/// the letter of analyses §1: the analyses count in one pass instead
/// (`funnel`'s tallies, `surprises`' keys), and their unit tests hold those
/// equal to these, so these two live in tests only.
#[cfg(test)]
pub fn reached(deals: &[&DealFacts], stage: usize) -> usize {
    deals.iter().filter(|d| d.reached(stage)).count()
}

/// Conversion `from`→`to` (analyses §1): of the deals that reached `from`,
/// those still `open` without reaching `to` are undecided and left out;
/// k = reached(`to`), n = the decided rest.
#[cfg(test)]
pub fn conversion(deals: &[&DealFacts], from: usize, to: usize) -> Conversion {
    let mut c = Conversion::default();
    for deal in deals {
        c.count(deal.reached(from), deal.reached(to), deal.undecided());
    }
    c
}

/// What the unit tests of every part of `deals` build their ledgers with.
#[cfg(test)]
mod testing {
    use rust_decimal::Decimal;

    pub(super) use crate::testing::{date, ledger};

    pub(super) fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deals::testing::{date, ledger};

    #[test]
    fn conversion_leaves_open_deals_undecided() {
        let text = "option stale-after 60d\n\
                    2026-01-01 lead won via x\n2026-01-05 won won 100 EUR\n\
                    2026-01-01 lead lost via x\n2026-01-05 lost lost\n\
                    2026-01-01 lead stale via x\n\
                    2026-03-01 lead open via x\n";
        let l = ledger(text);
        let facts = facts(&l, date("2026-03-15"));
        let all: Vec<_> = facts.iter().collect();
        assert_eq!(all[2].status, Status::Stale);
        assert_eq!(all[3].status, Status::Open);
        // decided: won, lost, stale; the open deal is left out.
        assert_eq!(conversion(&all, 0, 4), Conversion { k: 1, n: 3 });
    }
}
