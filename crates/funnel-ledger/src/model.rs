//! The ledger model: what a set of `.funnel` files means, independent of
//! how it was laid out. Every item keeps the span it was read from.

use std::borrow::Cow;

use chrono::NaiveDate;
use indexmap::IndexMap;

pub use crate::deals::Deals;
use rust_decimal::Decimal;

pub use crate::form::{Form, SpentOnForm};
pub use crate::meta::{Meta, MetaLines, MetaValue};
use crate::name::Name;
use crate::source::SourceMap;
use crate::span::{Span, Spanned};
pub use crate::spending::Spending;
use crate::value::{Amount, Currency, Duration, Effort, Frequency, Rate};
use crate::verb::Verb;

/// What a directive carries besides its arguments. Boxed slices, sized
/// exactly. (An entry's tags and metadata stay in the text: [`MetaLines`].)
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extras {
    pub tags: Box<[Spanned<Name>]>,
    pub meta: Box<[Meta]>,
}

impl Extras {
    pub fn get(&self, key: &str) -> Option<&Spanned<MetaValue>> {
        self.meta
            .iter()
            .find(|m| m.key.value.as_str() == key)
            .map(|m| &m.value)
    }
}

/// `OFFER := AMOUNT | "at" RATE | AMOUNT "at" RATE`
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Offer {
    pub amount: Option<Spanned<Amount>>,
    pub rate: Option<Spanned<Rate>>,
}

impl Offer {
    pub fn is_empty(&self) -> bool {
        self.amount.is_none() && self.rate.is_none()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    Effort(Effort),
    Money(Amount),
}

/// Where a `spent` went: a channel (`via`) or one deal (`on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpentOn {
    Channel(Name),
    Deal(Name),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Metric {
    /// `conversion FROM->TO PERCENT`
    Conversion {
        from: Spanned<Name>,
        to: Spanned<Name>,
        percent: Decimal,
    },
    /// `cycle FROM->TO DURATION`
    Cycle {
        from: Spanned<Name>,
        to: Spanned<Name>,
        duration: Duration,
    },
    /// `value AMOUNT`
    Value { amount: Spanned<Amount> },
    /// `volume STAGE FREQUENCY`
    Volume {
        stage: Spanned<Name>,
        frequency: Frequency,
    },
    /// `share PERCENT` (with a required `via`)
    Share { percent: Decimal },
}

impl Metric {
    pub fn name(&self) -> &'static str {
        match self {
            Metric::Conversion { .. } => "conversion",
            Metric::Cycle { .. } => "cycle",
            Metric::Value { .. } => "value",
            Metric::Volume { .. } => "volume",
            Metric::Share { .. } => "share",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumption {
    pub metric: Metric,
    pub channel: Option<Spanned<Name>>,
    pub note: Option<String>,
    /// The text after `assume`, without the note, tags or comment, as written.
    pub text: String,
}

/// The verb and arguments of a dated entry (format §4), without where
/// each argument is written: a big ledger holds one per entry, and the
/// places are wanted only for a diagnostic or an editor's jump, so they
/// are read again from the entry's line then ([`Ledger::form`] gives the
/// [`Form`], the same arguments with their spans). A lead's title, a
/// `spent`'s note and an entry's tags and metadata stay in the text too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// The title, if any, stays in the text: [`Ledger::line_string`].
    Lead {
        deal: Name,
        channel: Name,
        contact: Option<Name>,
    },
    /// A custom or default stage between `lead` and `won`. The offer is
    /// boxed, and absent when the entry has none, to keep every entry small.
    Stage {
        deal: Name,
        stage: Name,
        offer: Option<Box<Offer>>,
    },
    Won {
        deal: Name,
        offer: Option<Box<Offer>>,
        until: Option<NaiveDate>,
    },
    /// The reason, if any, stays in the text: [`Ledger::line_string`].
    Lost {
        deal: Name,
    },
    /// The reason, if any, stays in the text: [`Ledger::line_string`].
    Declined {
        deal: Name,
    },
    /// The note, if any, stays in the text: [`Ledger::line_string`].
    Ended {
        deal: Name,
        cancelled: bool,
    },
    /// The running contract goes on: `until` its new planned end, the
    /// offer's amount the value it adds, its rate the rate from this date.
    /// At least one of the offer and `until` (the parser makes sure). The
    /// note, if any, stays in the text: [`Ledger::line_string`].
    Extended {
        deal: Name,
        offer: Option<Box<Offer>>,
        until: Option<NaiveDate>,
    },
    /// A deal that was lost or declined is open again. The note, if any,
    /// stays in the text: [`Ledger::line_string`].
    Reopened {
        deal: Name,
    },
    /// The note, if any, stays in the text: [`Ledger::line_string`]. The
    /// quantity and target packed into 24 bytes ([`Spending`]).
    Spent(Spending),
    /// The note, if any, stays in the text: [`Ledger::line_string`].
    Touch {
        contact: Name,
    },
    /// The text stays in the text: [`Ledger::line_string`].
    Note {
        deal: Name,
    },
    /// Boxed: assumptions are few and large (and keep their spans).
    Assume(Box<Assumption>),
    /// The rate boxed (prices are few): inline, its 16 bytes made every
    /// entry 8 bytes larger.
    Price {
        from: Currency,
        rate: Box<Decimal>,
        to: Currency,
    },
    Balance {
        amount: Amount,
    },
    /// Boxed like a price's rate (a `Rate` is 24 bytes; costs are few).
    Costs {
        rate: Box<Rate>,
    },
}

impl EntryKind {
    /// The built-in verb of the entry; `None` for a stage entry, whose verb
    /// is the stage's name.
    pub fn builtin_verb(&self) -> Option<Verb> {
        Some(match self {
            EntryKind::Lead { .. } => Verb::Lead,
            EntryKind::Stage { .. } => return None,
            EntryKind::Won { .. } => Verb::Won,
            EntryKind::Lost { .. } => Verb::Lost,
            EntryKind::Declined { .. } => Verb::Declined,
            EntryKind::Ended { .. } => Verb::Ended,
            EntryKind::Extended { .. } => Verb::Extended,
            EntryKind::Reopened { .. } => Verb::Reopened,
            EntryKind::Spent { .. } => Verb::Spent,
            EntryKind::Touch { .. } => Verb::Touch,
            EntryKind::Note { .. } => Verb::Note,
            EntryKind::Assume(_) => Verb::Assume,
            EntryKind::Price { .. } => Verb::Price,
            EntryKind::Balance { .. } => Verb::Balance,
            EntryKind::Costs { .. } => Verb::Costs,
        })
    }

    /// The verb as written in the ledger.
    pub fn verb(&self) -> &str {
        match (self, self.builtin_verb()) {
            (_, Some(verb)) => verb.as_str(),
            (EntryKind::Stage { stage, .. }, None) => stage.as_str(),
            (_, None) => unreachable!("only a stage entry has no built-in verb"),
        }
    }

    /// The deal an entry is about, if any (`spent … on DEAL` included).
    pub fn deal(&self) -> Option<Name> {
        match *self {
            EntryKind::Lead { deal, .. }
            | EntryKind::Stage { deal, .. }
            | EntryKind::Won { deal, .. }
            | EntryKind::Lost { deal, .. }
            | EntryKind::Declined { deal, .. }
            | EntryKind::Ended { deal, .. }
            | EntryKind::Extended { deal, .. }
            | EntryKind::Reopened { deal, .. }
            | EntryKind::Note { deal, .. } => Some(deal),
            EntryKind::Spent(spending) => spending.deal(),
            EntryKind::Touch { .. }
            | EntryKind::Assume(_)
            | EntryKind::Price { .. }
            | EntryKind::Balance { .. }
            | EntryKind::Costs { .. } => None,
        }
    }

    /// The channel the entry names itself: a lead's or a `spent`'s `via`,
    /// an assumption's `via` (not the channel of the deal it is about).
    pub fn named_channel(&self) -> Option<Name> {
        match self {
            EntryKind::Lead { channel, .. } => Some(*channel),
            EntryKind::Spent(spending) => spending.channel(),
            EntryKind::Assume(a) => a.channel.as_ref().map(|c| c.value),
            EntryKind::Stage { .. }
            | EntryKind::Won { .. }
            | EntryKind::Lost { .. }
            | EntryKind::Declined { .. }
            | EntryKind::Ended { .. }
            | EntryKind::Extended { .. }
            | EntryKind::Reopened { .. }
            | EntryKind::Touch { .. }
            | EntryKind::Note { .. }
            | EntryKind::Price { .. }
            | EntryKind::Balance { .. }
            | EntryKind::Costs { .. } => None,
        }
    }

    /// The contact the entry's line names: a lead's `from`, a `touch`'s
    /// person (a lead's `buyer:` is metadata, read apart).
    pub fn named_contact(&self) -> Option<Name> {
        match *self {
            EntryKind::Lead { contact, .. } => contact,
            EntryKind::Touch { contact, .. } => Some(contact),
            EntryKind::Stage { .. }
            | EntryKind::Won { .. }
            | EntryKind::Lost { .. }
            | EntryKind::Declined { .. }
            | EntryKind::Ended { .. }
            | EntryKind::Extended { .. }
            | EntryKind::Reopened { .. }
            | EntryKind::Spent { .. }
            | EntryKind::Note { .. }
            | EntryKind::Assume(_)
            | EntryKind::Price { .. }
            | EntryKind::Balance { .. }
            | EntryKind::Costs { .. } => None,
        }
    }

    /// Every amount the entry carries, in the order of [`Form::amounts`]
    /// (which gives their places): at most two, an offer's amount and rate.
    #[inline]
    pub fn amounts(&self) -> impl Iterator<Item = Amount> {
        let pair = match self {
            EntryKind::Stage { offer: Some(o), .. }
            | EntryKind::Won { offer: Some(o), .. }
            | EntryKind::Extended { offer: Some(o), .. } => [
                o.amount.as_ref().map(|a| a.value),
                o.rate.as_ref().map(|r| r.amount),
            ],
            EntryKind::Spent(spending) => match spending.quantity() {
                Quantity::Money(a) => [Some(a), None],
                Quantity::Effort(_) => [None, None],
            },
            EntryKind::Balance { amount } => [Some(*amount), None],
            EntryKind::Costs { rate } => [Some(rate.amount), None],
            EntryKind::Assume(assumption) => [
                crate::form::assumption_amount(assumption).map(|a| a.value),
                None,
            ],
            EntryKind::Stage { offer: None, .. }
            | EntryKind::Won { offer: None, .. }
            | EntryKind::Extended { offer: None, .. }
            | EntryKind::Reopened { .. }
            | EntryKind::Lead { .. }
            | EntryKind::Lost { .. }
            | EntryKind::Declined { .. }
            | EntryKind::Ended { .. }
            | EntryKind::Touch { .. }
            | EntryKind::Note { .. }
            | EntryKind::Price { .. } => [None, None],
        };
        pair.into_iter().flatten()
    }

    /// The offer on a stage, `won` or `extended` entry, if it has one.
    pub fn offer(&self) -> Option<&Offer> {
        match self {
            EntryKind::Stage { offer, .. }
            | EntryKind::Won { offer, .. }
            | EntryKind::Extended { offer, .. } => offer.as_deref(),
            EntryKind::Lead { .. }
            | EntryKind::Reopened { .. }
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
        }
    }
}

/// A dated entry. Equality ignores where it was written, and so also its
/// tags and metadata, and the string of its line (a title, a note, a
/// reason), which are read from the text on demand ([`MetaLines`],
/// [`Ledger::form`] for the places of its arguments): compare [`Ledger::tags`],
/// [`Ledger::metadata`] and [`Ledger::line_string`] (or
/// [`crate::meta::read_tags`], [`crate::meta::read_metadata`] and
/// [`crate::meta::read_line_string`]).
#[derive(Clone, Debug)]
pub struct Entry {
    pub date: NaiveDate,
    pub kind: EntryKind,
    /// The entry's first line, without its line ending. Its tags, the
    /// place of its verb and a lead's title or a `spent`'s note are read
    /// from it on demand ([`Ledger::tags`], [`Ledger::verb_span`],
    /// [`Ledger::line_string`]).
    pub span: Span,
    pub meta: MetaLines,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.date == other.date && self.kind == other.kind
    }
}

impl Eq for Entry {}

/// An undated directive (format §3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DirectiveKind {
    Include {
        path: Spanned<String>,
    },
    Option {
        name: Spanned<String>,
        value: Spanned<OptionValue>,
    },
    Stages {
        names: Vec<Spanned<Name>>,
    },
    Channel {
        name: Spanned<Name>,
        title: Option<String>,
    },
    Contact {
        id: Spanned<Name>,
        name: Option<String>,
    },
    /// `client ID ["Name"]`: the organisation behind deals (`client:`).
    Client {
        id: Spanned<Name>,
        name: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionValue {
    Currency(Currency),
    StaleAfter(Duration),
    Strict(bool),
    /// `tax-reserve`: a percent from 0% to 100%.
    TaxReserve(Decimal),
}

/// Equality ignores where it was written.
#[derive(Clone, Debug)]
pub struct Directive {
    pub kind: DirectiveKind,
    pub span: Span,
    pub extras: Extras,
}

impl PartialEq for Directive {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.extras == other.extras
    }
}

impl Eq for Directive {}

/// One parsed line group: a directive or an entry with its metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Directive(Directive),
    Entry(Entry),
}

/// A declared channel with its metadata resolved through its ancestors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Channel {
    pub name: Name,
    pub title: Option<String>,
    pub span: Span,
    pub extras: Extras,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub id: Name,
    pub name: Option<String>,
    pub span: Span,
    pub extras: Extras,
}

/// A declared client (`client ID "Name"`): the same shape as a contact.
pub type Client = Contact;

/// One opportunity, opened by its `lead`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deal {
    pub id: Name,
    pub channel: Name,
    pub contact: Option<Name>,
    /// Index of the opening `lead` in [`Ledger::entries`] (a `u32`, as
    /// every entry index the ledger keeps: a `Deal` is 24 bytes, not 32).
    pub lead: u32,
    /// Where the deal's entries are listed in the ledger: read them with
    /// [`Ledger::deal_indices`] or [`Ledger::deal_entries`]. (One list for
    /// all deals, each deal a part of it: a big ledger's hundreds of
    /// thousands of deals need no allocation each.)
    pub(crate) list: DealList,
}

/// A deal's part of the ledger's one list of every deal's entries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DealList {
    pub(crate) start: u32,
    pub(crate) len: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub currency: Option<Currency>,
    /// `option stale-after`, in days (default 90).
    pub stale_after_days: Decimal,
    pub strict: bool,
    /// `option tax-reserve` as a fraction (`30%` → 0.3; default 0): the
    /// share of income set aside for taxes.
    pub tax_reserve: Decimal,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            currency: None,
            stale_after_days: Decimal::from(90),
            strict: false,
            tax_reserve: Decimal::ZERO,
        }
    }
}

/// The stage order: `lead`, the declared (or default) stages, `won`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stages {
    names: Vec<Name>,
}

impl Default for Stages {
    fn default() -> Self {
        Stages::new(["contacted", "talked", "proposed"].map(Name::new).to_vec())
    }
}

impl Stages {
    pub fn new(middle: Vec<Name>) -> Stages {
        let mut names = Vec::with_capacity(middle.len() + 2);
        names.push(Name::new("lead"));
        names.extend(middle);
        names.push(Name::new("won"));
        Stages { names }
    }

    /// All stage names in order, `lead` first and `won` last.
    pub fn names(&self) -> &[Name] {
        &self.names
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.as_str() == name)
    }

    /// Like [`Stages::index`], comparing interned names (no text compare).
    pub fn index_of(&self, name: Name) -> Option<usize> {
        self.names.iter().position(|&n| n == name)
    }

    pub fn won(&self) -> usize {
        self.names.len() - 1
    }

    /// The stage an entry shows a deal reached, if any.
    pub fn of_entry(&self, kind: &EntryKind) -> Option<usize> {
        match kind {
            EntryKind::Lead { .. } => Some(0),
            EntryKind::Stage { stage, .. } => self.index_of(*stage),
            EntryKind::Won { .. } => Some(self.won()),
            _ => None,
        }
    }
}

/// `price` entries, indexed by currency pair, for converting amounts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prices {
    /// `(from, to)` → `(date, rate)` sorted by date; later entries of the
    /// same date win.
    pairs: std::collections::HashMap<(Currency, Currency), Vec<(NaiveDate, Decimal)>>,
}

impl Prices {
    pub fn insert(&mut self, date: NaiveDate, from: Currency, rate: Decimal, to: Currency) {
        self.pairs.entry((from, to)).or_default().push((date, rate));
    }

    pub fn finish(&mut self) {
        for list in self.pairs.values_mut() {
            list.sort_by_key(|(date, _)| *date);
        }
    }

    fn latest(
        &self,
        from: Currency,
        to: Currency,
        date: NaiveDate,
    ) -> Option<(NaiveDate, Decimal)> {
        let list = self.pairs.get(&(from, to))?;
        let n = list.partition_point(|(d, _)| *d <= date);
        n.checked_sub(1).map(|i| list[i])
    }

    /// The value of one `from` in `to` on `date`: the latest `price` on or
    /// before it, in either direction (an inverse price is inverted).
    pub fn rate(&self, from: Currency, to: Currency, date: NaiveDate) -> Option<Decimal> {
        if from == to {
            return Some(Decimal::ONE);
        }
        let direct = self.latest(from, to, date);
        let inverse = self.latest(to, from, date);
        match (direct, inverse) {
            (Some(d), Some(i)) if i.0 > d.0 => Decimal::ONE.checked_div(i.1),
            (Some(d), _) => Some(d.1),
            (None, Some(i)) => Decimal::ONE.checked_div(i.1),
            (None, None) => None,
        }
    }

    /// Converts an amount to `base` on `date`.
    pub fn convert(&self, amount: Amount, base: Currency, date: NaiveDate) -> Option<Decimal> {
        self.rate(amount.currency, base, date)
            .and_then(|r| amount.value.checked_mul(r))
    }
}

/// [`Ledger::form`], for code that holds only the sources.
pub(crate) fn form_in(sources: &SourceMap, entry: &Entry) -> Form {
    let text = &sources.get(entry.span.file).text[entry.span.range()];
    crate::parse::entry_form(entry.span.file, text, entry.span.start as usize)
        .expect("an entry of the model reads again from its line")
}

/// [`Ledger::deal_span`], for code that holds only the sources.
pub(crate) fn deal_span_in(sources: &SourceMap, entry: &Entry) -> Span {
    form_in(sources, entry)
        .deal()
        .map_or(entry.span, |d| d.span)
}

/// In [`Ledger`]'s deal of each entry: no deal (or one no `lead` opens).
pub(crate) const NO_DEAL: u32 = u32::MAX;

/// Kinds of entries that analyses read alone, each a minority of a ledger:
/// [`Ledger::entries_of`] finds them without passing over every entry (at
/// a million entries, a pass reads 56 MB; the spending is a fifth of it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sparse {
    Spent,
    Touch,
    Balance,
    Costs,
}

impl Sparse {
    pub const ALL: [Sparse; 4] = [Sparse::Spent, Sparse::Touch, Sparse::Balance, Sparse::Costs];

    /// The kind of `kind`, if it is one of these.
    pub fn of(kind: &EntryKind) -> Option<Sparse> {
        match kind {
            EntryKind::Spent { .. } => Some(Sparse::Spent),
            EntryKind::Touch { .. } => Some(Sparse::Touch),
            EntryKind::Balance { .. } => Some(Sparse::Balance),
            EntryKind::Costs { .. } => Some(Sparse::Costs),
            EntryKind::Lead { .. }
            | EntryKind::Stage { .. }
            | EntryKind::Won { .. }
            | EntryKind::Lost { .. }
            | EntryKind::Declined { .. }
            | EntryKind::Ended { .. }
            | EntryKind::Extended { .. }
            | EntryKind::Reopened { .. }
            | EntryKind::Note { .. }
            | EntryKind::Assume(_)
            | EntryKind::Price { .. } => None,
        }
    }
}

/// A whole ledger: every file's items, resolved.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    pub sources: SourceMap,
    pub options: Options,
    pub stages: Stages,
    /// Declared channels by name, in declaration order.
    pub channels: IndexMap<Name, Channel, foldhash::fast::RandomState>,
    pub contacts: IndexMap<Name, Contact, foldhash::fast::RandomState>,
    /// Declared clients by id, in declaration order.
    pub clients: IndexMap<Name, Client, foldhash::fast::RandomState>,
    /// Every dated entry, in reading order.
    pub entries: Vec<Entry>,
    /// Deals by id, in the reading order of their `lead`: a vector and an
    /// array from an id's [`Name::key`] to its place (see [`Deals`]).
    pub deals: Deals,
    pub prices: Prices,
    /// `option currency`, or the only currency the ledger uses.
    pub base_currency: Option<Currency>,
    /// For each entry, the position in `deals` of the deal it is about
    /// ([`NO_DEAL`] for none); see [`Ledger::deal_of`].
    entry_deals: Vec<u32>,
    /// Every deal's entry indices, deal after deal (see [`Deal::list`] and
    /// [`Ledger::deal_indices`]).
    deal_lists: Vec<u32>,
    /// The positions of the entries of each [`Sparse`] kind, in reading
    /// order; see [`Ledger::entries_of`].
    sparse: [Vec<u32>; Sparse::ALL.len()],
    /// Which ledger this is, among those read by this process (see
    /// [`Ledger::stamp`]).
    stamp: u64,
}

impl Ledger {
    /// A number no other ledger read by this process has: lets a cache of
    /// results derived from a ledger tell it from a later one. A clone
    /// keeps it (it holds the same data).
    pub fn stamp(&self) -> u64 {
        self.stamp
    }

    /// An empty ledger over `sources`: what diagnostics need to be shown
    /// when the files could not be read into a model.
    pub fn from_sources(sources: SourceMap) -> Ledger {
        Ledger {
            sources,
            stamp: Ledger::new_stamp(),
            ..Ledger::default()
        }
    }

    fn new_stamp() -> u64 {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
    /// The metadata value of `key` for a channel: its own, else the nearest
    /// declared ancestor's (`platform` for `platform:upwork`).
    pub fn channel_meta(&self, channel: &str, key: &str) -> Option<&Spanned<MetaValue>> {
        let mut name = channel;
        loop {
            if let Some(value) = self.channels.get(name).and_then(|c| c.extras.get(key)) {
                return Some(value);
            }
            name = &name[..name.rfind(':')?];
        }
    }

    /// The platform fee of a channel as a fraction (`10%` → 0.1), inherited.
    pub fn channel_fee(&self, channel: &str) -> Decimal {
        match self.channel_meta(channel, "fee").map(|v| &v.value) {
            Some(MetaValue::Percent(p)) => *p / Decimal::ONE_HUNDRED,
            _ => Decimal::ZERO,
        }
    }

    /// Converts an amount to the base currency on `date`.
    pub fn to_base(&self, amount: Amount, date: NaiveDate) -> Option<Decimal> {
        self.prices.convert(amount, self.base_currency?, date)
    }

    /// An entry's metadata lines, read from its file (see [`MetaLines`]).
    pub fn metadata(&self, entry: &Entry) -> Vec<Meta> {
        let file = entry.span.file;
        crate::meta::read_metadata(file, &self.sources.get(file).text, entry.meta)
    }

    /// An entry's tags, read from its line.
    pub fn tags(&self, entry: &Entry) -> Vec<Spanned<Name>> {
        crate::meta::read_tags(entry.span, self.sources.text(entry.span))
    }

    /// The one string an entry's line holds, read from the line: a lead's
    /// title, a `note`'s text, the reason of a `lost` or `declined`, the
    /// note of a `spent`, `touch`, `ended`, `extended` or `reopened`.
    /// Borrowed from the text unless it has an escape. `None` for an entry
    /// without one, and for the kinds that have none (an assumption keeps
    /// its own note).
    pub fn line_string(&self, entry: &Entry) -> Option<Cow<'_, str>> {
        match entry.kind {
            EntryKind::Lead { .. }
            | EntryKind::Spent { .. }
            | EntryKind::Lost { .. }
            | EntryKind::Declined { .. }
            | EntryKind::Ended { .. }
            | EntryKind::Extended { .. }
            | EntryKind::Reopened { .. }
            | EntryKind::Touch { .. }
            | EntryKind::Note { .. } => {
                crate::meta::read_line_string(entry.span, self.sources.text(entry.span))
            }
            EntryKind::Stage { .. }
            | EntryKind::Won { .. }
            | EntryKind::Assume(_)
            | EntryKind::Price { .. }
            | EntryKind::Balance { .. }
            | EntryKind::Costs { .. } => None,
        }
    }

    /// An entry's arguments with where each is written, read again from
    /// its line: what a diagnostic or an editor's jump needs. The entry
    /// was read from that line, so it reads again the same.
    pub fn form(&self, entry: &Entry) -> Form {
        form_in(&self.sources, entry)
    }

    /// Where the id of the deal an entry is about is written (the entry's
    /// line when it is about none).
    pub fn deal_span(&self, entry: &Entry) -> Span {
        deal_span_in(&self.sources, entry)
    }

    /// Where an entry's verb is written, read from its line.
    pub fn verb_span(&self, entry: &Entry) -> Span {
        crate::meta::read_verb_span(entry.span, self.sources.text(entry.span))
    }

    /// The value of one metadata key of an entry, read from its file.
    pub fn entry_meta(&self, entry: &Entry, key: &str) -> Option<Spanned<MetaValue>> {
        if entry.meta.is_empty() {
            return None;
        }
        let file = entry.span.file;
        crate::meta::read_metadata_key(file, &self.sources.get(file).text, entry.meta, key)
            .map(|m| m.value)
    }

    /// The deal entry `index` of [`Ledger::entries`] is about (a `spent …
    /// on DEAL` included), found without hashing its id: `build` knew it.
    pub fn deal_of(&self, index: usize) -> Option<&Deal> {
        match self.entry_deals.get(index) {
            Some(&position) if position != NO_DEAL => Some(&self.deals[position as usize]),
            _ => None,
        }
    }

    /// Records which deal each entry is about (`build` does, once).
    pub(crate) fn set_entry_deals(&mut self, entry_deals: Vec<u32>) {
        debug_assert_eq!(entry_deals.len(), self.entries.len());
        self.entry_deals = entry_deals;
    }

    /// Records where the entries of each [`Sparse`] kind are (`build`
    /// does, once).
    pub(crate) fn set_sparse(&mut self, sparse: [Vec<u32>; Sparse::ALL.len()]) {
        debug_assert!(sparse
            .iter()
            .flatten()
            .all(|&i| (i as usize) < self.entries.len()));
        self.sparse = sparse;
    }

    /// The entries of one [`Sparse`] kind with their indices in
    /// [`Ledger::entries`], in reading order: what a filter over every
    /// entry would give, reading only these.
    pub fn entries_of(&self, kind: Sparse) -> impl Iterator<Item = (usize, &Entry)> + '_ {
        self.sparse[kind as usize]
            .iter()
            .map(|&i| (i as usize, &self.entries[i as usize]))
    }

    /// The indices in [`Ledger::entries`] of every entry on a deal
    /// (including the lead and `spent … on`), sorted by date; on one day
    /// the lead comes first, then stages and other entries, then
    /// `won`/`lost`/`declined`, then `reopened`/`extended`, then `ended`,
    /// and otherwise reading order.
    pub fn deal_indices(&self, deal: &Deal) -> &[u32] {
        let start = deal.list.start as usize;
        &self.deal_lists[start..start + deal.list.len as usize]
    }

    /// The entries of a deal in date order (see [`Ledger::deal_indices`]).
    pub fn deal_entries<'a>(&'a self, deal: &'a Deal) -> impl Iterator<Item = &'a Entry> + 'a {
        self.deal_indices(deal)
            .iter()
            .map(|&i| &self.entries[i as usize])
    }

    /// Records every deal's entries, deal after deal (`build` does, once).
    pub(crate) fn set_deal_lists(&mut self, lists: Vec<u32>) {
        debug_assert!(self
            .deals
            .values()
            .all(|d| (d.list.start + d.list.len) as usize <= lists.len()));
        self.deal_lists = lists;
    }

    /// A deal's title, from its `lead`'s line.
    pub fn deal_title(&self, deal: &Deal) -> Option<Cow<'_, str>> {
        self.line_string(&self.entries[deal.lead as usize])
    }
}

// The size of an entry, of a metadata line and of an amount (in every
// `spent`, offer and balance) are what a big ledger's memory is made of
// (docs/performance.md): a change that grows them should be a decision, not
// an accident.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(
    std::mem::size_of::<Entry>() <= 48
        && std::mem::size_of::<Meta>() <= 72
        && std::mem::size_of::<Amount>() <= 20
);

#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    use super::*;
    use std::mem::size_of;

    /// The sizes of the types a big ledger holds one of per entry, per
    /// deal or per diagnostic (docs/performance.md, "Where the time and
    /// memory go"): a change of any of them, up or down, fails here, so
    /// that it is noticed and the page updated. `EntryKind` keeps no places
    /// (see [`Form`]) and no strings: it is as large as a `spent`
    /// ([`Spending`], 24 bytes), its tag in a spare value of one of
    /// `Spending`'s flags; a price's and a costs' rates are boxed to fit.
    /// Entry: the kind, a 12-byte span, 8 bytes of metadata lines, a date.
    #[test]
    fn hot_types_keep_their_sizes() {
        let sizes = [
            ("Entry", size_of::<Entry>()),
            ("EntryKind", size_of::<EntryKind>()),
            ("Span", size_of::<Span>()),
            ("Spanned<Name>", size_of::<Spanned<Name>>()),
            ("MetaLines", size_of::<MetaLines>()),
            ("Offer", size_of::<Offer>()),
            ("Amount", size_of::<Amount>()),
            ("Quantity", size_of::<Quantity>()),
            ("Spending", size_of::<Spending>()),
            ("Deal", size_of::<Deal>()),
            ("Meta", size_of::<Meta>()),
            ("Diagnostic", size_of::<crate::Diagnostic>()),
        ];
        let expected = [
            ("Entry", 48),
            ("EntryKind", 24),
            ("Span", 12),
            ("Spanned<Name>", 16),
            ("MetaLines", 8),
            ("Offer", 68),
            ("Amount", 20),
            ("Quantity", 24),
            ("Spending", 24),
            ("Deal", 24),
            ("Meta", 64),
            ("Diagnostic", 64),
        ];
        assert_eq!(sizes, expected);
    }
}
