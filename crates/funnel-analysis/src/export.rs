//! `funnel export`: the ledger's own data as flat tables — one row per
//! deal, entry, channel or contact — for spreadsheets and scripts. Every
//! row names the `file` and `line` it comes from. Column names are a
//! stable interface, documented in `docs/export.md`.
//!
//! Derived fields (status, furthest stage, value in the base currency) come
//! from [`crate::deals`], the vocabulary every analysis uses, so an export
//! always agrees with the reports.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::NaiveDate;
use funnel_ledger::model::{Entry, EntryKind, Meta, MetaValue, Metric, Offer, Quantity, Sparse};
use funnel_ledger::{Ledger, Name, Span, Spanned};
use rust_decimal::Decimal;

use crate::context::{within, Context};
use crate::deals::{self, DealFacts};
use crate::report::{round_money, Kind};

/// A typed value of an export cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Int(i64),
    /// An exact number (money, hours, fractions).
    Decimal(Decimal),
    Bool(bool),
    Date(NaiveDate),
    /// Names: tags. A JSON array; in CSV, joined by spaces.
    List(Vec<String>),
    /// Metadata: a JSON object; in CSV, its JSON text.
    Json(serde_json::Value),
}

/// One exported table.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<Value>>,
}

/// What can be exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    Deals,
    Entries,
    Channels,
    Contacts,
}

impl What {
    /// Every table, in the order `funnel export all` writes them.
    pub const ALL: [What; 4] = [What::Deals, What::Entries, What::Channels, What::Contacts];

    /// The table's name, as `funnel export` takes it.
    pub fn name(self) -> &'static str {
        match self {
            What::Deals => "deals",
            What::Entries => "entries",
            What::Channels => "channels",
            What::Contacts => "contacts",
        }
    }

    /// What each column holds, in the order of [`What::columns`], in the
    /// vocabulary of reports (a typed spreadsheet formats by it): `Money`
    /// is an amount in the base currency; an amount as written, whose
    /// currency another column names, is a `Number`, as in `negotiation`.
    pub fn kinds(self) -> Vec<Kind> {
        self.columns()
            .iter()
            .map(|name| column_kind(self, name).unwrap_or(Kind::Text))
            .collect()
    }

    /// The names of the table's columns, in order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            What::Deals => DEAL_COLUMNS,
            What::Entries => ENTRY_COLUMNS,
            What::Channels => CHANNEL_COLUMNS,
            What::Contacts => CONTACT_COLUMNS,
        }
    }
}

/// The whole table.
///
/// The deals, channels and contacts tables compute the deal facts
/// ([`crate::deals::facts`]) once for the table; `funnel export` makes one
/// table a run, and the entries table needs none, so there is no
/// [`crate::Run`] to share them with.
pub fn export(ledger: &Ledger, ctx: &Context, what: What) -> Table {
    let mut rows = Vec::new();
    let done: Result<(), std::convert::Infallible> = export_each(ledger, ctx, what, |row| {
        rows.push(row);
        Ok(())
    });
    match done {
        Ok(()) => Table {
            columns: what.columns(),
            rows,
        },
    }
}

/// The table's rows one at a time, in order, each given to `emit` as soon
/// as it is made: a writer need not hold the table (a million entries' rows
/// took 20 times the ledger's size in memory). Stops at `emit`'s first
/// error and returns it.
pub fn export_each<E>(
    ledger: &Ledger,
    ctx: &Context,
    what: What,
    emit: impl FnMut(Vec<Value>) -> Result<(), E>,
) -> Result<(), E> {
    match what {
        What::Deals => deals_table(ledger, ctx, emit),
        What::Entries => entries_table(ledger, ctx, emit),
        What::Channels => channels_table(ledger, ctx, emit),
        What::Contacts => contacts_table(ledger, ctx, emit),
    }
}

/// The kind of each column, by name; `None` for a name that is no column
/// of the table (a test asserts every column has one, so a new column is
/// typed on purpose).
fn column_kind(what: What, name: &str) -> Option<Kind> {
    use Kind::*;
    let kind = match (what, name) {
        // Shared by several tables.
        (_, "file" | "metadata" | "tags" | "title" | "declared") => Text,
        (_, "line") => Count,
        (What::Deals, "deal" | "channel" | "contact" | "furthest_stage" | "status") => Text,
        (What::Deals, "asked_currency" | "asked_rate_currency" | "asked_rate_unit") => Text,
        (What::Deals, "currency" | "won_rate_currency" | "won_rate_unit" | "cancelled") => Text,
        (What::Deals, "client" | "buyer" | "repeat" | "reason" | "reason_category" | "lesson") => {
            Text
        }
        (What::Deals, "lead_date" | "status_date" | "start" | "until" | "ended_date") => Date,
        (What::Deals, "contract_start" | "contract_end") => Date,
        (What::Deals, "asked_value" | "asked_rate" | "won_value" | "won_rate") => Number,
        (What::Deals, "won_value_base" | "contract_value_full" | "income_to_date" | "day_rate") => {
            Money
        }
        (What::Deals, "rating" | "days_per_week") => Number,
        (What::Deals, "days_to_win" | "notice_days") => Days,
        (What::Deals, "reopenings" | "extensions") => Count,
        (What::Entries, "date") => Date,
        (What::Entries, "verb" | "deal" | "channel" | "contact" | "currency" | "note") => Text,
        (What::Entries, "rate_currency" | "rate_unit") => Text,
        (What::Entries, "amount" | "rate") => Number,
        (What::Entries, "amount_base") => Money,
        (What::Entries, "hours") => Hours,
        (What::Channels, "channel" | "kind") => Text,
        (What::Channels, "fee") => Ratio,
        (What::Channels, "deals" | "won" | "spent_entries") => Count,
        (What::Contacts, "contact" | "name" | "org") => Text,
        (What::Contacts, "referred" | "won" | "touches") => Count,
        (What::Contacts, "last_contact") => Date,
        _ => return None,
    };
    Some(kind)
}

pub const DEAL_COLUMNS: &[&str] = &[
    "deal",
    "title",
    "channel",
    "contact",
    "lead_date",
    "furthest_stage",
    "status",
    "status_date",
    "asked_value",
    "asked_currency",
    "asked_rate",
    "asked_rate_currency",
    "asked_rate_unit",
    "won_value",
    "currency",
    "won_value_base",
    "won_rate",
    "won_rate_currency",
    "won_rate_unit",
    "start",
    "until",
    "ended_date",
    "cancelled",
    "rating",
    "days_to_win",
    "tags",
    "file",
    "line",
    // Format v2, added at the end so that v1 columns keep their places.
    "client",
    "buyer",
    "repeat",
    "reason",
    "reason_category",
    "lesson",
    "reopenings",
    "extensions",
    "contract_start",
    "contract_end",
    "contract_value_full",
    "income_to_date",
    "day_rate",
    "days_per_week",
    "notice_days",
];

fn deals_table<E>(
    ledger: &Ledger,
    ctx: &Context,
    mut emit: impl FnMut(Vec<Value>) -> Result<(), E>,
) -> Result<(), E> {
    let facts = deals::facts(ledger, ctx.as_of);
    for fact in deals::cohort(&facts, ctx) {
        emit(deal_row(ledger, ctx, fact))?;
    }
    Ok(())
}

fn deal_row(ledger: &Ledger, ctx: &Context, fact: &DealFacts) -> Vec<Value> {
    let deal = fact.deal(ledger);
    let lead = &ledger.entries[deal.lead as usize];
    let entries: Vec<&Entry> = ledger
        .deal_entries(deal)
        .filter(|e| e.date <= ctx.as_of)
        .collect();
    // The close that decides the status (after a `reopened`, the latest).
    let close = crate::close::deciding_close(ledger, fact);
    let won = fact.won.map(|i| &ledger.entries[i]);
    let ended = entries
        .iter()
        .find(|e| matches!(e.kind, EntryKind::Ended { .. }));
    // The ask: the latest offer on a stage entry on or before the close
    // (or the as-of date, for a deal not closed).
    let asked = deals::latest_ask(ledger, fact, close.map_or(ctx.as_of, |c| c.date))
        .map(|(_, offer)| offer);
    let status_date = match fact.status {
        deals::Status::Ended => ended.map(|e| e.date),
        deals::Status::Won | deals::Status::Lost | deals::Status::Declined => close.map(|e| e.date),
        deals::Status::Stale | deals::Status::Open => Some(fact.last_entry),
    };
    let contract = fact.contract();
    let won_offer = won.and_then(|w| w.kind.offer());
    // `until` is the `won` entry's; `contract_end` the end after extensions.
    let (until, start) = match won.map(|w| (&w.kind, w)) {
        Some((EntryKind::Won { until, .. }, w)) => {
            let start = Some(deals::start_date(ledger, w));
            (*until, start)
        }
        _ => (None, None),
    };
    let cancelled = match ended.map(|e| &e.kind) {
        Some(EntryKind::Ended { cancelled, .. }) => Value::Bool(*cancelled),
        _ => Value::Empty,
    };
    let mut row = vec![
        text(&fact.id),
        opt_text(fact.title(ledger).as_deref()),
        text(&fact.channel),
        opt_text(deal.contact.as_deref()),
        Value::Date(fact.lead_date),
        text(&ledger.stages.names()[fact.furthest()]),
        text(fact.status.as_str()),
        status_date.map_or(Value::Empty, Value::Date),
    ];
    push_offer(&mut row, asked);
    push_offer(&mut row, won_offer);
    // `push_offer` wrote value, currency, rate, rate currency, unit; the
    // won part needs the base value after the currency.
    let won_base = if fact.status.is_won() {
        Value::Decimal(round_money(fact.value))
    } else {
        Value::Empty
    };
    row.insert(15, won_base);
    row.extend([
        start.map_or(Value::Empty, Value::Date),
        until.map_or(Value::Empty, Value::Date),
        ended.map_or(Value::Empty, |e| Value::Date(e.date)),
        cancelled,
        fact.rating.map_or(Value::Empty, Value::Decimal),
        fact.days_between(0, ledger.stages.won())
            .map_or(Value::Empty, Value::Int),
        tags(&ledger.tags(lead)),
    ]);
    push_location(&mut row, ledger, lead.span);
    // What the close says: for a won deal that ended, its `ended`.
    let said = match fact.status {
        deals::Status::Ended => ended.copied(),
        _ => close,
    };
    let why = said
        .map(|e| crate::close::why(ledger, e))
        .unwrap_or_default();
    let reason = said.and_then(|e| why.reason(ledger, e));
    let last = contract.as_ref().and_then(|c| c.tranches.last());
    let day_rate = contract
        .as_ref()
        .and_then(|c| c.last_rate())
        .and_then(|(rate, date)| {
            let per_day = funnel_ledger::value::Amount {
                value: crate::contract::per_day(&rate),
                currency: rate.amount.currency,
            };
            ledger.to_base(per_day, date)
        });
    row.extend([
        text(&fact.client),
        opt_text(fact.buyer.as_deref()),
        if fact.is_won() {
            Value::Bool(fact.repeat)
        } else {
            Value::Empty
        },
        opt_text(reason.as_deref()),
        opt_text(why.category.as_deref()),
        opt_text(why.lesson.as_deref()),
        Value::Int(i64::from(fact.reopenings)),
        Value::Int(fact.extensions.len() as i64),
        contract
            .as_ref()
            .map_or(Value::Empty, |c| Value::Date(c.start())),
        contract
            .as_ref()
            .and_then(|c| c.end())
            .map_or(Value::Empty, Value::Date),
        contract.as_ref().map_or(Value::Empty, |c| {
            Value::Decimal(round_money(c.full_value()))
        }),
        contract.as_ref().map_or(Value::Empty, |c| {
            Value::Decimal(round_money(c.income(c.start(), ctx.as_of)))
        }),
        day_rate.map_or(Value::Empty, |r| Value::Decimal(round_money(r))),
        last.map_or(Value::Empty, |t| Value::Decimal(t.days_per_week)),
        last.and_then(|t| t.notice_days)
            .map_or(Value::Empty, Value::Decimal),
    ]);
    debug_assert_eq!(row.len(), DEAL_COLUMNS.len());
    row
}

/// Five cells of an offer: value, currency, rate, rate currency, rate unit.
fn push_offer(row: &mut Vec<Value>, offer: Option<&Offer>) {
    let amount = offer.and_then(|o| o.amount.as_ref());
    let rate = offer.and_then(|o| o.rate.as_ref());
    row.extend([
        amount.map_or(Value::Empty, |a| Value::Decimal(a.value.value)),
        amount.map_or(Value::Empty, |a| text(a.value.currency.as_str())),
        rate.map_or(Value::Empty, |r| Value::Decimal(r.value.amount.value)),
        rate.map_or(Value::Empty, |r| text(r.value.amount.currency.as_str())),
        rate.map_or(Value::Empty, |r| text(r.value.unit.as_str())),
    ]);
}

pub const ENTRY_COLUMNS: &[&str] = &[
    "date",
    "verb",
    "deal",
    "channel",
    "contact",
    "amount",
    "currency",
    "amount_base",
    "rate",
    "rate_currency",
    "rate_unit",
    "hours",
    "note",
    "tags",
    "metadata",
    "file",
    "line",
];

fn entries_table<E>(
    ledger: &Ledger,
    ctx: &Context,
    mut emit: impl FnMut(Vec<Value>) -> Result<(), E>,
) -> Result<(), E> {
    for (index, entry) in ledger
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.date <= ctx.as_of && ctx.in_period(e.date))
    {
        let deal = ledger.deal_of(index);
        // Its own channel, else its deal's.
        let channel: Option<&str> = entry
            .kind
            .named_channel()
            .map(|c| c.as_str())
            .or_else(|| deal.map(|d| d.channel.as_str()));
        if let Some(filter) = &ctx.channel {
            if !channel.is_some_and(|c| within(c, filter)) {
                continue;
            }
        }
        let contact: Option<&str> = entry.kind.named_contact().map(|c| c.as_str());
        let (amount, rate, hours) = quantities(&entry.kind);
        // An assumption keeps its own note; every other kind's string is
        // on its line (`Ledger::line_string` decides which kinds have one).
        let note: Option<Cow<'_, str>> = match &entry.kind {
            EntryKind::Assume(a) => a.note.as_deref().map(Cow::Borrowed),
            _ => ledger.line_string(entry),
        };
        let deal_id = entry.kind.deal().map(|d| d.as_str());
        let mut row = vec![
            Value::Date(entry.date),
            text(entry.kind.verb()),
            opt_text(deal_id),
            opt_text(channel),
            opt_text(contact),
            amount.map_or(Value::Empty, |a| Value::Decimal(a.value)),
            amount.map_or(Value::Empty, |a| text(a.currency.as_str())),
            amount
                .and_then(|a| ledger.to_base(a, entry.date))
                .map_or(Value::Empty, |v| Value::Decimal(round_money(v))),
            rate.map_or(Value::Empty, |r| Value::Decimal(r.amount.value)),
            rate.map_or(Value::Empty, |r| text(r.amount.currency.as_str())),
            rate.map_or(Value::Empty, |r| text(r.unit.as_str())),
            hours.map_or(Value::Empty, Value::Decimal),
            opt_text(note.as_deref()),
            tags(&ledger.tags(entry)),
            metadata(ledger, &ledger.metadata(entry)),
        ];
        push_location(&mut row, ledger, entry.span);
        emit(row)?;
    }
    Ok(())
}

/// The amount, rate and effort an entry carries (prices carry their rate
/// as an amount in the target currency).
fn quantities(
    kind: &EntryKind,
) -> (
    Option<funnel_ledger::value::Amount>,
    Option<funnel_ledger::value::Rate>,
    Option<Decimal>,
) {
    match kind {
        EntryKind::Stage { offer, .. }
        | EntryKind::Won { offer, .. }
        | EntryKind::Extended { offer, .. } => (
            offer
                .as_ref()
                .and_then(|o| o.amount.as_ref())
                .map(|a| a.value),
            offer
                .as_ref()
                .and_then(|o| o.rate.as_ref())
                .map(|r| r.value),
            None,
        ),
        EntryKind::Spent(spending) => match spending.quantity() {
            Quantity::Money(a) => (Some(a), None, None),
            Quantity::Effort(e) => (None, None, Some(e.hours())),
        },
        EntryKind::Balance { amount } => (Some(*amount), None, None),
        EntryKind::Costs { rate } => (None, Some(**rate), None),
        EntryKind::Reopened { .. } => (None, None, None),
        EntryKind::Assume(assumption) => match &assumption.metric {
            Metric::Value { amount } => (Some(amount.value), None, None),
            Metric::Conversion { .. }
            | Metric::Cycle { .. }
            | Metric::Volume { .. }
            | Metric::Share { .. } => (None, None, None),
        },
        EntryKind::Price { rate, to, .. } => (
            Some(funnel_ledger::value::Amount {
                value: **rate,
                currency: *to,
            }),
            None,
            None,
        ),
        EntryKind::Lead { .. }
        | EntryKind::Lost { .. }
        | EntryKind::Declined { .. }
        | EntryKind::Ended { .. }
        | EntryKind::Touch { .. }
        | EntryKind::Note { .. } => (None, None, None),
    }
}

pub const CHANNEL_COLUMNS: &[&str] = &[
    "channel",
    "title",
    "declared",
    "kind",
    "fee",
    "metadata",
    "deals",
    "won",
    "spent_entries",
    "file",
    "line",
];

fn channels_table<E>(
    ledger: &Ledger,
    ctx: &Context,
    mut emit: impl FnMut(Vec<Value>) -> Result<(), E>,
) -> Result<(), E> {
    // Declared channels first (declaration order), then channels used
    // without a declaration (sorted), so every channel a row may name is here.
    let mut names: Vec<&str> = ledger.channels.keys().map(|k| k.as_str()).collect();
    let mut used: Vec<&str> = ledger
        .deals
        .values()
        .map(|d| d.channel.as_str())
        .chain(
            ledger
                .entries_of(Sparse::Spent)
                .filter_map(|(_, e)| match &e.kind {
                    EntryKind::Spent(spending) => spending.channel().map(|c| c.as_str()),
                    _ => None,
                }),
        )
        .filter(|c| !ledger.channels.contains_key(*c))
        .collect();
    used.sort_unstable();
    used.dedup();
    names.extend(used);
    // Each channel's counts, from one pass over the cohort and one over
    // the spending (a filter of both per channel grew with channels ×
    // deals).
    #[derive(Default)]
    struct Counts {
        deals: i64,
        won: i64,
        spent: i64,
    }
    let mut counts: HashMap<&str, Counts> = HashMap::new();
    let facts = deals::facts(ledger, ctx.as_of);
    for deal in deals::cohort(&facts, ctx) {
        let counts = counts.entry(deal.channel.as_str()).or_default();
        counts.deals += 1;
        counts.won += i64::from(deal.is_won());
    }
    for spend in deals::spends(ledger, ctx.as_of) {
        if ctx.in_period(spend.date) {
            counts.entry(spend.channel).or_default().spent += 1;
        }
    }
    for name in names.into_iter().filter(|n| ctx.keeps_channel(n)) {
        let declared = ledger.channels.get(name);
        let kind = match ledger.channel_meta(name, "kind").map(|v| &v.value) {
            Some(MetaValue::Ident(kind)) => text(kind),
            _ => Value::Empty,
        };
        let here = counts.get(name);
        let mut row = vec![
            text(name),
            opt_text(declared.and_then(|c| c.title.as_deref())),
            Value::Bool(declared.is_some()),
            kind,
            Value::Decimal(ledger.channel_fee(name).normalize()),
            resolved_metadata(ledger, name),
            Value::Int(here.map_or(0, |c| c.deals)),
            Value::Int(here.map_or(0, |c| c.won)),
            Value::Int(here.map_or(0, |c| c.spent)),
        ];
        match declared {
            Some(channel) => push_location(&mut row, ledger, channel.span),
            None => row.extend([Value::Empty, Value::Empty]),
        }
        emit(row)?;
    }
    Ok(())
}

pub const CONTACT_COLUMNS: &[&str] = &[
    "contact",
    "name",
    "org",
    "declared",
    "metadata",
    "referred",
    "won",
    "touches",
    "last_contact",
    "file",
    "line",
];

fn contacts_table<E>(
    ledger: &Ledger,
    ctx: &Context,
    mut emit: impl FnMut(Vec<Value>) -> Result<(), E>,
) -> Result<(), E> {
    // Declared contacts first (declaration order), then those used in a
    // `lead … from` or a `touch` without a declaration (sorted), found
    // from the deals' leads and the touches rather than every entry.
    let mut ids: Vec<Name> = ledger.contacts.keys().copied().collect();
    let mut used: HashMap<usize, Name, foldhash::fast::RandomState> = HashMap::default();
    let lead_contacts =
        ledger
            .deals
            .values()
            .filter_map(|deal| match ledger.entries[deal.lead as usize].kind {
                EntryKind::Lead { contact, .. } => contact,
                _ => None,
            });
    let touch_contacts =
        ledger
            .entries_of(Sparse::Touch)
            .filter_map(|(_, entry)| match entry.kind {
                EntryKind::Touch { contact, .. } => Some(contact),
                _ => None,
            });
    for contact in lead_contacts.chain(touch_contacts) {
        if !ledger.contacts.contains_key(&contact) {
            used.insert(contact.key(), contact);
        }
    }
    let mut used: Vec<Name> = used.into_values().collect();
    used.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
    ids.extend(used);
    let facts = deals::facts(ledger, ctx.as_of);
    let tallies = deals::contact_tallies(ledger, &facts, ctx);
    for id in ids {
        let declared = ledger.contacts.get(&id);
        let here = tallies.get(&id.key()).map(|(_, tally)| tally);
        let id = id.as_str();
        let org = match declared.and_then(|c| c.extras.get("org")).map(|v| &v.value) {
            Some(MetaValue::String(org)) => text(org),
            _ => Value::Empty,
        };
        let mut row = vec![
            text(id),
            opt_text(declared.and_then(|c| c.name.as_deref())),
            org,
            Value::Bool(declared.is_some()),
            declared.map_or(
                Value::Json(serde_json::Value::Object(Default::default())),
                |c| metadata(ledger, &c.extras.meta),
            ),
            Value::Int(here.map_or(0, |t| t.referred as i64)),
            Value::Int(here.map_or(0, |t| t.won as i64)),
            Value::Int(here.map_or(0, |t| t.touches as i64)),
            here.and_then(|t| t.last_contact)
                .map_or(Value::Empty, Value::Date),
        ];
        match declared {
            Some(contact) => push_location(&mut row, ledger, contact.span),
            None => row.extend([Value::Empty, Value::Empty]),
        }
        emit(row)?;
    }
    Ok(())
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Empty, text)
}

fn tags(tags: &[Spanned<Name>]) -> Value {
    Value::List(tags.iter().map(|t| t.value.to_string()).collect())
}

/// Metadata as a JSON object: numbers as numbers, everything else as the
/// text it was written as.
fn metadata(ledger: &Ledger, meta: &[Meta]) -> Value {
    let mut map = serde_json::Map::new();
    for meta in meta {
        map.insert(
            meta.key.value.to_string(),
            meta_json(ledger, &meta.value.value, meta.value.span),
        );
    }
    Value::Json(serde_json::Value::Object(map))
}

fn meta_json(ledger: &Ledger, value: &MetaValue, span: Span) -> serde_json::Value {
    match value {
        MetaValue::Number(n) => n
            .normalize()
            .to_string()
            .parse::<serde_json::Number>()
            .map_or_else(
                |_| serde_json::Value::String(n.to_string()),
                serde_json::Value::Number,
            ),
        MetaValue::String(s) | MetaValue::Text(s) => serde_json::Value::String(s.clone()),
        MetaValue::Ident(s) => serde_json::Value::String(s.to_string()),
        MetaValue::Date(d) => serde_json::Value::String(d.to_string()),
        _ => serde_json::Value::String(ledger.sources.text(span).to_owned()),
    }
}

/// A channel's metadata with inherited keys filled in from its ancestors.
fn resolved_metadata(ledger: &Ledger, channel: &str) -> Value {
    let mut map = serde_json::Map::new();
    let mut name = channel;
    loop {
        if let Some(declared) = ledger.channels.get(name) {
            for meta in &declared.extras.meta {
                map.entry(meta.key.value)
                    .or_insert_with(|| meta_json(ledger, &meta.value.value, meta.value.span));
            }
        }
        match name.rfind(':') {
            Some(i) => name = &name[..i],
            None => break,
        }
    }
    Value::Json(serde_json::Value::Object(map))
}

fn push_location(row: &mut Vec<Value>, ledger: &Ledger, span: Span) {
    let (file, line, _) = ledger.sources.location(span);
    row.push(text(file));
    row.push(Value::Int(line as i64));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger};

    /// Every column of every table has a kind of its own: a new column
    /// fails here until it is given one.
    #[test]
    fn every_column_is_typed() {
        for what in What::ALL {
            for name in what.columns() {
                assert!(
                    column_kind(what, name).is_some(),
                    "the {} column `{name}` has no kind",
                    what.name()
                );
            }
        }
        assert_eq!(
            column_kind(What::Deals, "won_value_base"),
            Some(Kind::Money)
        );
        assert_eq!(column_kind(What::Deals, "won_value"), Some(Kind::Number));
        assert_eq!(column_kind(What::Channels, "fee"), Some(Kind::Ratio));
        assert_eq!(column_kind(What::Entries, "date"), Some(Kind::Date));
        assert_eq!(column_kind(What::Entries, "no_such_column"), None);
    }

    /// `asked_value` is [`deals::latest_ask`], the ask `negotiation` reads:
    /// the latest offer on or before the close, or before the as-of date
    /// for a deal still open.
    #[test]
    fn the_ask_is_the_latest_offer_on_or_before_the_close() {
        let l = ledger(
            "2026-01-01 lead a via x\n2026-01-05 proposed a 100 EUR\n\
             2026-01-09 proposed a 120 EUR\n2026-01-09 won a 110 EUR\n\
             2026-01-01 lead b via x\n2026-01-05 proposed b 200 EUR\n\
             2026-03-01 proposed b 300 EUR\n",
        );
        let asked = |as_of: &str| -> Vec<Value> {
            let table = export(&l, &Context::new(&l, date(as_of)), What::Deals);
            let column = DEAL_COLUMNS.iter().position(|c| *c == "asked_value");
            let column = column.expect("an asked_value column");
            table.rows.iter().map(|r| r[column].clone()).collect()
        };
        let d = |n: i64| Value::Decimal(Decimal::from(n));
        assert_eq!(asked("2026-02-01"), [d(120), d(200)]);
        assert_eq!(asked("2026-03-01"), [d(120), d(300)]);
    }
}
