//! The shared vocabulary of analyses §1, computed once per deal: lead date,
//! channel, referring contact, reached stages and the dates they were
//! reached on, status on the as-of date, close date, won value in the base
//! currency. Also `decided`, conversion, the cohort, `spent` and `touch`
//! entries, medians, the latest ask before a close, the contracts still
//! running, and the latest `balance` and `costs`.
//!
//! Every analysis takes its numbers from here, so `funnel` and `channels`
//! cannot disagree about a win rate. Entries dated after the as-of date are
//! ignored: a deal whose `lead` is later does not exist yet.

use std::collections::HashMap;

use chrono::NaiveDate;
use funnel_ledger::model::{Deal, Entry, EntryKind, MetaValue, Offer, Quantity, Sparse, SpentOn};
use funnel_ledger::rules;
use funnel_ledger::value::RateUnit;
use funnel_ledger::{Ledger, Name};
use rust_decimal::Decimal;

use crate::context::Context;
use crate::contract::Contract;

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
    /// ([`rules::is_stale`], as `funnel check`'s `stale-deal` counts it).
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
    pub fn contract(&self, ledger: &Ledger) -> Option<Contract> {
        Some(Contract::of(
            ledger,
            self.won?,
            &self.extensions,
            self.ended,
        ))
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

/// The facts of every deal whose `lead` is on or before `as_of`, in the
/// reading order of their leads.
pub fn facts(ledger: &Ledger, as_of: NaiveDate) -> Vec<DealFacts> {
    let marks = marks(ledger, MARKS_RUN);
    // Every report waits for the facts: a big ledger's are computed in
    // runs of deals on all cores.
    let mut facts = in_runs(ledger.deals.len(), 2048, |range| {
        range
            .filter_map(|position| {
                let deal = &ledger.deals[position];
                deal_facts(ledger, &marks, position, deal, as_of)
            })
            .collect()
    });
    mark_repeats(ledger, &mut facts);
    facts
}

/// Marks the repeat deals (analyses §1): won deals whose client has a won
/// deal with an earlier `won` date. Deals without `client:` are their own
/// client, so only ledgers that name clients pay for more than one pass.
fn mark_repeats(ledger: &Ledger, facts: &mut [DealFacts]) {
    let won_on = |d: &DealFacts| d.won.map(|i| ledger.entries[i].date);
    let mut first: HashMap<Name, NaiveDate> = HashMap::new();
    for deal in facts.iter().filter(|d| d.client != d.id) {
        if let Some(date) = won_on(deal) {
            first
                .entry(deal.client)
                .and_modify(|d| *d = (*d).min(date))
                .or_insert(date);
        }
    }
    if first.is_empty() {
        return;
    }
    for deal in facts.iter_mut() {
        let Some(date) = won_on(deal) else { continue };
        deal.repeat = first
            .get(&deal.client)
            .is_some_and(|&earliest| earliest < date);
    }
}

/// `f` over `0..n` cut into runs of `run`, joined in order: on all cores
/// from four runs on, else in one call on this thread.
fn in_runs<T: Send>(
    n: usize,
    run: usize,
    f: impl Fn(std::ops::Range<usize>) -> Vec<T> + Sync,
) -> Vec<T> {
    if n / 4 < run {
        return f(0..n);
    }
    let parts = funnel_ledger::parallel::map_ordered(
        n.div_ceil(run),
        funnel_ledger::parallel::cores(),
        |i| f(i * run..((i + 1) * run).min(n)),
    );
    let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        all.extend(part);
    }
    all
}

/// What [`deal_facts`] reads of every entry, in 8 bytes.
///
/// A deal's entries lie scattered over the ledger (its lead in one month,
/// its `won` in another), so following each deal's list into
/// [`Ledger::entries`] reads memory at random: at a million entries (120
/// MB of them) nearly every step missed the processor's caches. The marks
/// are made in one pass in reading order and take a fifteenth of the
/// space, so the per-deal loop stays in the cache; only a deal's `won` and
/// `ended` entries are read whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mark {
    date: NaiveDate,
    /// The stage the entry shows the deal reached ([`NO_STAGE`] for none).
    stage: u16,
    close: Close,
}

const NO_STAGE: u16 = u16::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Close {
    Won,
    Ended,
    Lost,
    Declined,
    Reopened,
    Extended,
    /// Any other entry.
    Not,
}

fn mark(ledger: &Ledger, entry: &Entry) -> Mark {
    // A stage index past `u16::MAX - 1` (65,534 declared stages) is not
    // marked: no ledger has so many, and its deals would only look as if
    // they had not reached it.
    let stage = ledger
        .stages
        .of_entry(&entry.kind)
        .and_then(|stage| u16::try_from(stage).ok())
        .unwrap_or(NO_STAGE);
    let close = match entry.kind {
        EntryKind::Won { .. } => Close::Won,
        EntryKind::Ended { .. } => Close::Ended,
        EntryKind::Lost { .. } => Close::Lost,
        EntryKind::Declined { .. } => Close::Declined,
        EntryKind::Reopened { .. } => Close::Reopened,
        EntryKind::Extended { .. } => Close::Extended,
        EntryKind::Lead { .. }
        | EntryKind::Stage { .. }
        | EntryKind::Spent { .. }
        | EntryKind::Touch { .. }
        | EntryKind::Note { .. }
        | EntryKind::Assume(_)
        | EntryKind::Price { .. }
        | EntryKind::Balance { .. }
        | EntryKind::Costs { .. } => Close::Not,
    };
    Mark {
        date: entry.date,
        stage,
        close,
    }
}

/// Entries per run of [`marks`].
const MARKS_RUN: usize = 1 << 16;

/// The mark of every entry, in the order of [`Ledger::entries`]; from four
/// runs of `run` entries on, in runs on all cores.
fn marks(ledger: &Ledger, run: usize) -> Vec<Mark> {
    let entries = &ledger.entries;
    in_runs(entries.len(), run, |range| {
        entries[range].iter().map(|e| mark(ledger, e)).collect()
    })
}

fn deal_facts(
    ledger: &Ledger,
    marks: &[Mark],
    position: usize,
    deal: &Deal,
    as_of: NaiveDate,
) -> Option<DealFacts> {
    let lead_date = marks[deal.lead].date;
    if lead_date > as_of {
        return None;
    }
    let mut earliest = Reached::from_elem(None, ledger.stages.len());
    let mut won: Option<usize> = None;
    let mut ended: Option<&Entry> = None;
    let mut ended_index: Option<usize> = None;
    let mut closed: Option<Status> = None;
    let mut closed_on: Option<NaiveDate> = None;
    let mut reopened_on: Option<NaiveDate> = None;
    let mut reopenings = 0;
    let mut extensions: Vec<u32> = Vec::new();
    let mut rating = None;
    let mut last_entry = lead_date;
    // `deal.entries` is sorted by date, so the first entry of each kind is
    // the earliest.
    for &index in &deal.entries {
        let index = index as usize;
        let mark = marks[index];
        if mark.date > as_of {
            continue;
        }
        last_entry = last_entry.max(mark.date);
        if mark.stage != NO_STAGE {
            earliest[usize::from(mark.stage)].get_or_insert(mark.date);
        }
        match mark.close {
            Close::Won => {
                if won.is_none() {
                    won = Some(index);
                    closed = None;
                    closed_on = Some(mark.date);
                }
            }
            Close::Ended => {
                let entry = &ledger.entries[index];
                if ended.is_none() {
                    ended = Some(entry);
                    ended_index = Some(index);
                }
                // `rating:` belongs on `ended` (format §5); other entries'
                // metadata is never read here, which keeps this loop from
                // touching every entry's metadata.
                if let Some(MetaValue::Number(n)) =
                    ledger.entry_meta(entry, "rating").map(|v| v.value)
                {
                    rating = Some(n);
                }
            }
            // The latest close decides (format §4): a `reopened` opens the
            // deal again, and a later close closes it again. A won deal
            // is never reopened or closed again (`funnel check`).
            Close::Lost | Close::Declined if won.is_none() && closed.is_none() => {
                closed = Some(if mark.close == Close::Lost {
                    Status::Lost
                } else {
                    Status::Declined
                });
                closed_on = Some(mark.date);
            }
            Close::Lost | Close::Declined => {}
            Close::Reopened => {
                if won.is_none() && closed.is_some() {
                    closed = None;
                    closed_on = None;
                }
                reopened_on = Some(mark.date);
                reopenings += 1;
            }
            Close::Extended => extensions.push(index as u32),
            Close::Not => {}
        }
    }
    // Reached S on the earliest entry at S or any later stage.
    let mut reached_on = earliest;
    for stage in (0..reached_on.len().saturating_sub(1)).rev() {
        reached_on[stage] = match (reached_on[stage], reached_on[stage + 1]) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let won_entry = won.map(|i| &ledger.entries[i]);
    let status = match (won_entry, ended, closed) {
        (Some(_), Some(_), _) => Status::Ended,
        (Some(_), None, _) => Status::Won,
        (None, _, Some(status)) => status,
        (None, _, None) if rules::is_stale(last_entry, as_of, ledger.options.stale_after_days) => {
            Status::Stale
        }
        (None, _, None) => Status::Open,
    };
    let value = won.map_or(Decimal::ZERO, |won| {
        Contract::of(ledger, won, &extensions, ended_index).value()
    });
    let lead = &ledger.entries[deal.lead];
    let (client, buyer) = if lead.meta.is_empty() {
        (deal.id, None)
    } else {
        let name = |key: &str| match ledger.entry_meta(lead, key).map(|v| v.value) {
            Some(MetaValue::Ident(name)) => Some(name),
            _ => None,
        };
        (name("client").unwrap_or(deal.id), name("buyer"))
    };
    Some(DealFacts {
        id: deal.id,
        position,
        channel: deal.channel,
        contact: deal.contact,
        client,
        buyer,
        lead_date,
        reached_on,
        status,
        closed_on,
        reopened_on,
        reopenings,
        won,
        extensions: extensions.into_boxed_slice(),
        ended: ended_index,
        value,
        repeat: false,
        rating,
        last_entry,
    })
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

/// Every `spent` entry dated on or before `as_of`, in reading order.
pub fn spends(ledger: &Ledger, as_of: NaiveDate) -> Vec<Spend<'_>> {
    let mut out = Vec::new();
    for (index, entry) in ledger.entries_of(Sparse::Spent) {
        if entry.date > as_of {
            continue;
        }
        let EntryKind::Spent { quantity, on, .. } = &entry.kind else {
            continue;
        };
        let channel = match on {
            SpentOn::Channel(channel) => channel.value.as_str(),
            SpentOn::Deal(_) => match ledger.deal_of(index) {
                Some(deal) => deal.channel.as_str(),
                None => continue,
            },
        };
        let (money, hours) = match quantity.value {
            Quantity::Money(amount) => (
                ledger.to_base(amount, entry.date).unwrap_or(Decimal::ZERO),
                Decimal::ZERO,
            ),
            Quantity::Effort(effort) => (Decimal::ZERO, effort.hours()),
        };
        out.push(Spend {
            date: entry.date,
            channel,
            money,
            hours,
        });
    }
    out
}

/// The deals with at least one `spent EFFORT on DEAL` dated on or before
/// `as_of`, by the identity of their id ([`Name::key`]): `channels`'
/// `hours_coverage`, how far a channel's net per hour can be trusted.
/// Money spent on a deal is not logged time, so it does not count.
pub fn deals_with_hours(
    ledger: &Ledger,
    as_of: NaiveDate,
) -> std::collections::HashSet<usize, foldhash::fast::RandomState> {
    ledger
        .entries_of(Sparse::Spent)
        .filter(|(_, entry)| entry.date <= as_of)
        .filter_map(|(index, entry)| match &entry.kind {
            EntryKind::Spent {
                quantity,
                on: SpentOn::Deal(_),
                ..
            } if matches!(quantity.value, Quantity::Effort(_)) => {
                ledger.deal_of(index).map(|deal| deal.id.key())
            }
            _ => None,
        })
        .collect()
}

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
                contact: contact.value,
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
    // `deal.entries` is in date order (stages before `won` on one day), so
    // the last match is the latest: searched from the end, which reads a
    // few of the deal's entries (they lie all over a big ledger) instead
    // of all of them.
    deal.entries
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
    // `deal.entries` is in date order, so the first match is the earliest.
    deal.deal(ledger)
        .entries
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

/// A contract signed and not ended on the as-of date (analyses §3
/// `runway`), with the deal it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Running<'l> {
    pub id: &'l str,
    pub channel: &'l str,
    pub contract: Contract,
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
pub fn running_contracts<'l>(ledger: &'l Ledger, deals: &[DealFacts]) -> Vec<Running<'l>> {
    deals
        .iter()
        .filter(|d| d.status == Status::Won)
        .filter_map(|deal| {
            Some(Running {
                id: deal.id.as_str(),
                channel: deal.channel.as_str(),
                contract: deal.contract(ledger)?,
            })
        })
        .collect()
}

/// The latest `balance` on or before `as_of` (the last written, on one
/// day): its date and its amount in the base currency, converted on it.
pub fn latest_balance(ledger: &Ledger, as_of: NaiveDate) -> Option<(NaiveDate, Decimal)> {
    latest(ledger, as_of, Sparse::Balance, |kind| match kind {
        EntryKind::Balance { amount } => Some(amount.value),
        _ => None,
    })
    .map(|(date, amount)| (date, ledger.to_base(amount, date).unwrap_or(Decimal::ZERO)))
}

/// The latest `costs` on or before `as_of` (the last written, on one day):
/// its date and the costs per month in the base currency, converted on it
/// (`/year` ÷ 12).
pub fn monthly_costs(ledger: &Ledger, as_of: NaiveDate) -> Option<(NaiveDate, Decimal)> {
    let (date, rate) = latest(ledger, as_of, Sparse::Costs, |kind| match kind {
        EntryKind::Costs { rate } => Some(rate.value),
        _ => None,
    })?;
    let per_month = ledger.to_base(rate.amount, date).unwrap_or(Decimal::ZERO);
    // `funnel check` only lets `/month` and `/year` through.
    match rate.unit {
        RateUnit::Month => Some((date, per_month)),
        RateUnit::Year => Some((date, per_month / Decimal::from(12))),
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

/// The median; of an even count, the mean of the two middle values.
pub fn median(values: Vec<Decimal>) -> Option<Decimal> {
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(nth_sorted(&values, n / 2)),
        _ => Some((nth_sorted(&values, n / 2 - 1) + nth_sorted(&values, n / 2)) / Decimal::TWO),
    }
}

/// The value a stable sort of `values` would put at index `k`, found in
/// linear time (a median of a big ledger's deals sorted tens of thousands
/// of values, the one step of the analyses that grew faster than the
/// ledger). Among equal values (`1.5` and `1.50`) it is the same one the
/// sort would pick, the `k - less`-th of them in their order in `values`,
/// so a median keeps the scale it always had.
fn nth_sorted(values: &[Decimal], k: usize) -> Decimal {
    let mut scratch = values.to_vec();
    let (_, &mut value, _) = scratch.select_nth_unstable(k);
    let less = values.iter().filter(|v| **v < value).count();
    values
        .iter()
        .filter(|v| **v == value)
        .nth(k - less)
        .copied()
        .unwrap_or(value)
}

/// The mean, `None` for no values.
pub fn mean(values: &[Decimal]) -> Option<Decimal> {
    (!values.is_empty()).then(|| values.iter().sum::<Decimal>() / Decimal::from(values.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use funnel_ledger::CheckOptions;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn ledger(text: &str) -> Ledger {
        let checked = funnel_ledger::load_text(
            "t.funnel",
            text.as_bytes(),
            &CheckOptions {
                as_of: date("2026-12-31"),
                strict: false,
            },
        );
        let errors: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message().into_owned())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        checked.ledger
    }

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    /// Enough deals for the facts to be computed in runs on all cores:
    /// the same facts, in the same order, as one pass.
    #[test]
    fn facts_in_runs_equal_one_pass() {
        let mut text = String::new();
        for i in 0..9_000 {
            let day = 1 + i % 28;
            text.push_str(&format!("2026-03-{day:02} lead d{i} via ch{}\n", i % 7));
            match i % 4 {
                0 => text.push_str(&format!("2026-04-{day:02} won d{i} {} EUR\n", 100 + i)),
                1 => text.push_str(&format!("2026-04-{day:02} lost d{i}\n")),
                2 => text.push_str(&format!("2026-04-{day:02} proposed d{i} 50 EUR\n")),
                _ => {}
            }
        }
        let l = ledger(&text);
        let as_of = date("2026-05-01");
        let marks = marks(&l, usize::MAX);
        let one_pass: Vec<DealFacts> = l
            .deals
            .values()
            .enumerate()
            .filter_map(|(position, deal)| deal_facts(&l, &marks, position, deal, as_of))
            .collect();
        assert_eq!(one_pass.len(), 9_000);
        assert!(facts(&l, as_of) == one_pass);
    }

    /// The entries' marks made in runs on all cores equal one pass, and
    /// say what each entry is.
    #[test]
    fn marks_in_runs_equal_one_pass() {
        let l = ledger(
            "stages talked\n\
             2026-01-01 lead a via x\n\
             2026-01-02 note a \"hi\"\n\
             2026-01-03 talked a\n\
             2026-01-04 lead b via x\n\
             2026-01-05 lost b\n\
             2026-01-06 lead c via x\n\
             2026-01-07 declined c\n\
             2026-01-08 won a 10 EUR\n\
             2026-01-09 ended a\n",
        );
        let one_pass = marks(&l, usize::MAX);
        let kinds: Vec<(u16, Close)> = one_pass.iter().map(|m| (m.stage, m.close)).collect();
        #[rustfmt::skip]
        assert_eq!(kinds, [
            (0, Close::Not), (NO_STAGE, Close::Not), (1, Close::Not),
            (0, Close::Not), (NO_STAGE, Close::Lost),
            (0, Close::Not), (NO_STAGE, Close::Declined),
            (2, Close::Won), (NO_STAGE, Close::Ended),
        ]);
        assert_eq!(one_pass[8].date, date("2026-01-09"));
        for run in 1..=3 {
            assert_eq!(marks(&l, run), one_pass, "runs of {run}");
        }
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![d(5)]), Some(d(5)));
        assert_eq!(median(vec![d(9), d(1), d(5)]), Some(d(5)));
        assert_eq!(median(vec![d(9), d(1), d(4), d(6)]), Some(d(5)));
        assert_eq!(median(vec![d(1), d(2)]), Some(Decimal::new(15, 1)));
        // The same value, written with the same scale, as sorting gives,
        // also among equal values of different scales.
        let sorted_median = |mut v: Vec<Decimal>| {
            v.sort();
            let n = v.len();
            (n > 0).then(|| {
                if n % 2 == 1 {
                    v[n / 2]
                } else {
                    (v[n / 2 - 1] + v[n / 2]) / Decimal::TWO
                }
            })
        };
        let mut seed = 7u64;
        for n in 0..60 {
            let values: Vec<Decimal> = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let (value, scale) = ((seed >> 33) % 7, (seed >> 20) % 3);
                    Decimal::new(value as i64 * 10_i64.pow(scale as u32), scale as u32)
                })
                .collect();
            let (ours, sorted) = (median(values.clone()), sorted_median(values));
            assert_eq!(
                ours.map(|d| d.to_string()),
                sorted.map(|d| d.to_string()),
                "{n}"
            );
        }
    }

    #[test]
    fn straight_to_won_reaches_every_stage() {
        let l = ledger("2026-01-01 lead a via x\n2026-01-11 won a 1000 EUR\n");
        let facts = facts(&l, date("2026-12-31"));
        let a = &facts[0];
        assert_eq!(a.furthest(), 4);
        assert!((0..5).all(|s| a.reached(s)));
        assert_eq!(a.reached_on[2], Some(date("2026-01-11")));
        assert_eq!(a.status, Status::Won);
        assert_eq!(a.value, d(1000));
        assert_eq!(a.days_between(0, 4), Some(10));
    }

    #[test]
    fn entries_after_as_of_have_not_happened() {
        let l = ledger("2026-01-01 lead a via x\n2026-01-05 talked a\n2026-03-01 won a 1000 EUR\n2026-03-02 lead b via x\n");
        let facts = facts(&l, date("2026-02-01"));
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].status, Status::Open);
        assert_eq!(facts[0].furthest(), 2);
        assert_eq!(facts[0].value, Decimal::ZERO);
    }

    #[test]
    fn stale_is_more_than_stale_after_days() {
        let l = ledger("option stale-after 30d\n2026-01-01 lead a via x\n2026-01-01 lead b via x\n2026-01-02 note b \"x\"\n");
        // as-of 2026-01-31: a idle 30 days (not more than 30), b idle 29.
        let f = facts(&l, date("2026-01-31"));
        assert_eq!((f[0].status, f[1].status), (Status::Open, Status::Open));
        let f = facts(&l, date("2026-02-01"));
        assert_eq!((f[0].status, f[1].status), (Status::Stale, Status::Open));
    }

    #[test]
    fn cancelled_contracts_are_pro_rated() {
        // start 2026-02-01, until 2026-05-02 (90 days), cancelled 2026-03-03
        // after 30 days: 9000 × 30 / 90 = 3000.
        let text = "2026-01-01 lead a via x\n2026-01-20 won a 9000 EUR until 2026-05-02\n  start: 2026-02-01\n\
                    2026-03-03 ended a cancelled\n";
        let l = ledger(text);
        assert_eq!(facts(&l, date("2026-12-31"))[0].value, d(3000));
        assert_eq!(facts(&l, date("2026-12-31"))[0].status, Status::Ended);
        // Before the cancellation happened, the whole contract counts.
        assert_eq!(facts(&l, date("2026-03-02"))[0].value, d(9000));
        // Cancelled before it started: nothing was worked.
        let l = ledger("2026-01-01 lead a via x\n2026-01-20 won a 9000 EUR until 2026-05-02\n  start: 2026-02-01\n2026-01-25 ended a cancelled\n");
        assert_eq!(facts(&l, date("2026-12-31"))[0].value, Decimal::ZERO);
        // Ended without `cancelled`, or on/after `until`: full value.
        let l = ledger("2026-01-01 lead a via x\n2026-01-20 won a 9000 EUR until 2026-05-02\n2026-03-03 ended a\n");
        assert_eq!(facts(&l, date("2026-12-31"))[0].value, d(9000));
    }

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
        let running = running_contracts(&l, &facts);
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
