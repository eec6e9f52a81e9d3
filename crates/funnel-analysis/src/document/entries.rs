//! The dated entries of the ledger document, one JSON object each, and
//! the amounts, rates, claims, metadata and locations that the deals and
//! channels write the same way.

use chrono::NaiveDate;
use funnel_ledger::model::{Entry, EntryKind, Meta, MetaValue, Metric, Offer, Quantity, SpentOn};
use funnel_ledger::value::{Amount, Rate, RateUnit};
use funnel_ledger::Span;
use rust_decimal::Decimal;

use super::json::{duration_unit, money, obj, opt_str, tags, Json};
use super::Builder;

impl Builder<'_> {
    pub(super) fn entry(&self, entry: &Entry) -> Json {
        let ledger = self.ledger;
        let date = entry.date;
        let (kind, specific): (&str, Vec<(&str, Json)>) = match &entry.kind {
            EntryKind::Lead {
                deal,
                channel,
                contact,
            } => (
                "lead",
                vec![
                    ("deal", Json::str(deal)),
                    ("title", opt_str(ledger.line_string(entry).as_deref())),
                    ("channel", Json::str(channel)),
                    ("contact", opt_str(contact.as_ref().map(|c| c.as_str()))),
                ],
            ),
            EntryKind::Stage { deal, stage, offer } => {
                let mut fields = vec![("deal", Json::str(deal)), ("stage", Json::str(stage))];
                fields.extend(self.offer(offer.as_deref(), date));
                ("stage", fields)
            }
            EntryKind::Won { deal, offer, until } => {
                let start = crate::deals::start_date(ledger, entry);
                let mut fields = vec![("deal", Json::str(deal))];
                fields.extend(self.offer(offer.as_deref(), date));
                fields.push((
                    "until",
                    until.as_ref().map_or(Json::Null, |u| Json::Date(*u)),
                ));
                fields.push(("start", Json::Date(start)));
                ("won", fields)
            }
            EntryKind::Lost { deal } => (
                "lost",
                vec![
                    ("deal", Json::str(deal)),
                    ("reason", opt_str(ledger.line_string(entry).as_deref())),
                ],
            ),
            EntryKind::Declined { deal } => (
                "declined",
                vec![
                    ("deal", Json::str(deal)),
                    ("reason", opt_str(ledger.line_string(entry).as_deref())),
                ],
            ),
            EntryKind::Ended { deal, cancelled } => (
                "ended",
                vec![
                    ("deal", Json::str(deal)),
                    ("cancelled", Json::Bool(*cancelled)),
                    ("note", opt_str(ledger.line_string(entry).as_deref())),
                ],
            ),
            EntryKind::Extended { deal, offer, until } => {
                let mut fields = vec![("deal", Json::str(deal))];
                fields.extend(self.offer(offer.as_deref(), date));
                fields.push((
                    "until",
                    until.as_ref().map_or(Json::Null, |u| Json::Date(*u)),
                ));
                fields.push(("note", opt_str(ledger.line_string(entry).as_deref())));
                ("extended", fields)
            }
            EntryKind::Reopened { deal } => (
                "reopened",
                vec![
                    ("deal", Json::str(deal)),
                    ("note", opt_str(ledger.line_string(entry).as_deref())),
                ],
            ),
            EntryKind::Spent(spending) => {
                let (deal, channel) = match spending.on() {
                    SpentOn::Channel(channel) => (None, Some(channel.as_str())),
                    SpentOn::Deal(deal) => (
                        Some(deal.as_str()),
                        ledger.deals.get(&deal).map(|d| d.channel.as_str()),
                    ),
                };
                let (amount, hours) = match spending.quantity() {
                    Quantity::Money(amount) => (self.amount(amount, date), Json::Null),
                    Quantity::Effort(effort) => (Json::Null, Json::Exact(effort.hours())),
                };
                (
                    "spent",
                    vec![
                        ("deal", opt_str(deal)),
                        ("channel", opt_str(channel)),
                        ("amount", amount),
                        ("hours", hours),
                        ("note", opt_str(ledger.line_string(entry).as_deref())),
                    ],
                )
            }
            EntryKind::Touch { contact } => (
                "touch",
                vec![
                    ("contact", Json::str(contact)),
                    ("note", opt_str(ledger.line_string(entry).as_deref())),
                ],
            ),
            EntryKind::Note { deal } => (
                "note",
                vec![
                    ("deal", Json::str(deal)),
                    (
                        "text",
                        Json::str(ledger.line_string(entry).unwrap_or_default()),
                    ),
                ],
            ),
            EntryKind::Assume(assumption) => (
                "assume",
                vec![
                    ("metric", Json::str(assumption.metric.name())),
                    ("text", Json::str(&assumption.text)),
                    (
                        "channel",
                        opt_str(assumption.channel.as_ref().map(|c| c.value.as_str())),
                    ),
                    ("note", opt_str(assumption.note.as_deref())),
                    ("claim", self.claim(&assumption.metric, date)),
                ],
            ),
            EntryKind::Price { from, rate, to } => (
                "price",
                vec![
                    ("from", Json::str(from.as_str())),
                    ("to", Json::str(to.as_str())),
                    ("rate", Json::Exact(**rate)),
                ],
            ),
            EntryKind::Balance { amount } => {
                ("balance", vec![("amount", self.amount(*amount, date))])
            }
            EntryKind::Costs { rate } => {
                let monthly = ledger
                    .to_base(rate.amount, date)
                    .and_then(|v| match rate.unit {
                        RateUnit::Month => Some(v),
                        RateUnit::Year => Some(v / Decimal::from(12)),
                        // `costs` takes `/month` or `/year` only.
                        RateUnit::Hour | RateUnit::Day | RateUnit::Week => None,
                    });
                (
                    "costs",
                    vec![
                        ("rate", self.rate(**rate, date)),
                        ("monthly", monthly.map_or(Json::Null, money)),
                    ],
                )
            }
        };
        let mut fields = vec![
            ("date", Json::Date(date)),
            ("kind", Json::str(kind)),
            ("verb", Json::str(entry.kind.verb())),
        ];
        fields.extend(specific);
        fields.push(("tags", tags(&ledger.tags(entry))));
        fields.push(("metadata", self.metadata(&ledger.metadata(entry))));
        fields.extend(self.location(entry.span));
        obj(fields)
    }

    /// `amount` and `rate` of an offer, each `null` when not given.
    pub(super) fn offer(
        &self,
        offer: Option<&Offer>,
        date: NaiveDate,
    ) -> [(&'static str, Json); 2] {
        [
            (
                "amount",
                offer
                    .and_then(|o| o.amount.as_ref())
                    .map_or(Json::Null, |a| self.amount(a.value, date)),
            ),
            (
                "rate",
                offer
                    .and_then(|o| o.rate.as_ref())
                    .map_or(Json::Null, |r| self.rate(r.value, date)),
            ),
        ]
    }

    /// `{"value", "currency", "base"}`: `base` is the amount in the base
    /// currency on `date`, `null` when it cannot be converted.
    pub(super) fn amount(&self, amount: Amount, date: NaiveDate) -> Json {
        obj([
            ("value", Json::Exact(amount.value)),
            ("currency", Json::str(amount.currency.as_str())),
            (
                "base",
                self.ledger.to_base(amount, date).map_or(Json::Null, money),
            ),
        ])
    }

    /// `{"value", "currency", "unit", "base"}`, like an amount per unit.
    pub(super) fn rate(&self, rate: Rate, date: NaiveDate) -> Json {
        obj([
            ("value", Json::Exact(rate.amount.value)),
            ("currency", Json::str(rate.amount.currency.as_str())),
            ("unit", Json::str(rate.unit.as_str())),
            (
                "base",
                self.ledger
                    .to_base(rate.amount, date)
                    .map_or(Json::Null, money),
            ),
        ])
    }

    /// What an assumption claims, by metric. Percentages are fractions
    /// (`10%` is 0.1), durations are in days as well as as written.
    pub(super) fn claim(&self, metric: &Metric, date: NaiveDate) -> Json {
        match metric {
            Metric::Conversion { from, to, percent } => obj([
                ("from", Json::str(from.value)),
                ("to", Json::str(to.value)),
                ("fraction", Json::Exact(*percent / Decimal::ONE_HUNDRED)),
            ]),
            Metric::Cycle { from, to, duration } => obj([
                ("from", Json::str(from.value)),
                ("to", Json::str(to.value)),
                ("days", Json::Exact(duration.days())),
                ("value", Json::Exact(duration.value)),
                ("unit", Json::str(duration_unit(duration.unit))),
            ]),
            Metric::Value { amount } => obj([("amount", self.amount(amount.value, date))]),
            Metric::Volume { stage, frequency } => obj([
                ("stage", Json::str(stage.value)),
                ("count", Json::Exact(frequency.count)),
                ("per", Json::str(duration_unit(frequency.per))),
            ]),
            Metric::Share { percent } => {
                obj([("fraction", Json::Exact(*percent / Decimal::ONE_HUNDRED))])
            }
        }
    }

    /// Metadata as an object in the order written: numbers as JSON
    /// numbers, every other value as the text it was written as (strings
    /// without their quotes), as `funnel export` writes it.
    pub(super) fn metadata(&self, meta: &[Meta]) -> Json {
        Json::Obj(
            meta.iter()
                .map(|m| {
                    (
                        m.key.value.to_string(),
                        self.meta_value(&m.value.value, m.value.span),
                    )
                })
                .collect(),
        )
    }

    pub(super) fn meta_value(&self, value: &MetaValue, span: Span) -> Json {
        match value {
            MetaValue::Number(n) => Json::Exact(*n),
            MetaValue::String(s) | MetaValue::Text(s) => Json::str(s),
            MetaValue::Ident(s) => Json::str(s),
            MetaValue::Date(d) => Json::Date(*d),
            _ => Json::str(self.ledger.sources.text(span)),
        }
    }

    /// `file` (as shown in diagnostics) and 1-based `line`.
    pub(super) fn location(&self, span: Span) -> [(&'static str, Json); 2] {
        let (file, line, _) = self.ledger.sources.location(span);
        [("file", Json::str(file)), ("line", Json::Int(line as i64))]
    }
}
