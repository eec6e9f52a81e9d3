//! The normalised ledger document, `"schema": "funnel.ledger/1"`: what an
//! external analysis (a `funnel-NAME` plugin) reads on its standard input,
//! and what `funnel export ledger --format json` prints. Documented field by
//! field in `docs/plugins.md`, and as a JSON Schema in
//! `docs/funnel.ledger-1.schema.json`.
//!
//! The document is the ledger as it stood on the as-of date: entries dated
//! later, and deals whose `lead` is later, are left out, because every
//! analysis ignores them. The period and the channel filter do *not* narrow
//! it; they are passed in `context`, and each deal says whether it is in
//! the cohort, so a plugin can honour them or not.
//!
//! Derived fields (status, furthest stage, reached-on dates, value) come
//! from [`crate::deals`], so a plugin sees the same numbers as the built-in
//! analyses. Money is converted to the base currency, rounded to the cent,
//! and written as a JSON number with exactly its decimal digits.
//!
//! This file builds the document's header, channels, contacts, deals and
//! clients; `entries.rs` writes each dated entry (and the amounts, rates
//! and metadata the deals share with them), `json.rs` the JSON value that
//! keeps exact decimals and the order of fields.

mod entries;
mod json;

use funnel_ledger::model::{Entry, Extras};
use funnel_ledger::{Ledger, Span};
use indexmap::IndexMap;
use serde::{Serialize, Serializer};

use crate::context::Context;
use crate::deals::{self, DealFacts};
use crate::run::Run;
use json::{money, obj, opt_str, tags, Json};

/// The `schema` of the document. A change that can break a plugin (a field
/// removed, renamed or retyped) makes a new version; new fields may be
/// added within a version, so plugins ignore fields they do not know.
pub const SCHEMA: &str = "funnel.ledger/1";

/// The document, ready to serialize with serde_json.
#[derive(Clone, Debug, PartialEq)]
pub struct Document(Json);

impl Serialize for Document {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl Document {
    /// The document as pretty-printed JSON text, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self)
            .expect("a document of strings, exact numbers and objects always serializes");
        text.push('\n');
        text
    }
}

/// Builds the document of a ledger for one run.
pub fn document(run: &Run<'_>) -> Document {
    let (ledger, ctx, facts) = (run.ledger(), run.ctx(), run.facts());
    let entries: Vec<&Entry> = ledger
        .entries
        .iter()
        .filter(|e| e.date <= ctx.as_of)
        .collect();
    let builder = Builder { ledger, ctx };
    Document(obj([
        ("schema", Json::str(SCHEMA)),
        ("context", builder.context()),
        (
            "files",
            Json::Arr(
                ledger
                    .sources
                    .files()
                    .map(|(_, f)| Json::str(&f.name))
                    .collect(),
            ),
        ),
        ("options", builder.options()),
        (
            "stages",
            Json::Arr(ledger.stages.names().iter().map(Json::str).collect()),
        ),
        ("channels", builder.channels(&entries)),
        ("contacts", builder.contacts(&entries)),
        ("clients", builder.clients(facts)),
        (
            "deals",
            Json::Arr(facts.iter().map(|f| builder.deal(f)).collect()),
        ),
        (
            "entries",
            Json::Arr(entries.iter().map(|e| builder.entry(e)).collect()),
        ),
    ]))
}

struct Builder<'a> {
    ledger: &'a Ledger,
    ctx: &'a Context,
}

impl Builder<'_> {
    fn context(&self) -> Json {
        let ctx = self.ctx;
        obj([
            ("as_of", Json::Date(ctx.as_of)),
            ("from", ctx.from.map_or(Json::Null, Json::Date)),
            ("to", Json::Date(ctx.to)),
            ("channel", opt_str(ctx.channel.as_deref())),
            (
                "depth",
                ctx.depth.map_or(Json::Null, |d| Json::Int(d as i64)),
            ),
            (
                "currency",
                opt_str(ctx.currency.as_ref().map(|c| c.as_str())),
            ),
        ])
    }

    fn options(&self) -> Json {
        let options = &self.ledger.options;
        obj([
            (
                "currency",
                opt_str(options.currency.as_ref().map(|c| c.as_str())),
            ),
            ("stale_after_days", Json::Exact(options.stale_after_days)),
            ("tax_reserve", Json::Exact(options.tax_reserve)),
            ("strict", Json::Bool(options.strict)),
        ])
    }

    /// Declared channels in declaration order, then the channels entries
    /// use without a declaration, sorted by name.
    fn channels(&self, entries: &[&Entry]) -> Json {
        let ledger = self.ledger;
        let mut first_use: IndexMap<&str, &Entry> = IndexMap::new();
        for entry in entries {
            if let Some(channel) = entry.kind.named_channel() {
                first_use.entry(channel.as_str()).or_insert(entry);
            }
        }
        // The place of an undeclared name, read again from its first line.
        let mut undeclared: Vec<(&str, Span)> = first_use
            .into_iter()
            .filter(|(name, _)| !ledger.channels.contains_key(*name))
            .map(|(name, entry)| {
                let form = ledger.form(entry);
                (name, form.named_channel().map_or(entry.span, |n| n.span))
            })
            .collect();
        undeclared.sort_by_key(|(name, _)| *name);

        let mut list = Vec::new();
        for channel in ledger.channels.values() {
            list.push(self.channel(
                &channel.name,
                channel.title.as_deref(),
                Some(&channel.extras),
                channel.span,
            ));
        }
        for (name, span) in undeclared {
            list.push(self.channel(name, None, None, span));
        }
        Json::Arr(list)
    }

    fn channel(&self, name: &str, title: Option<&str>, own: Option<&Extras>, span: Span) -> Json {
        let ledger = self.ledger;
        // Inherited metadata: the nearest declared ancestor's value of each
        // key, overridden by nearer ones and by the channel's own.
        let mut lineage = vec![name];
        let mut rest = name;
        while let Some(at) = rest.rfind(':') {
            rest = &rest[..at];
            lineage.push(rest);
        }
        let mut metadata: IndexMap<&str, Json> = IndexMap::new();
        for ancestor in lineage.iter().rev() {
            if let Some(declared) = ledger.channels.get(*ancestor) {
                for meta in &declared.extras.meta {
                    metadata.insert(
                        &meta.key.value,
                        self.meta_value(&meta.value.value, meta.value.span),
                    );
                }
            }
        }
        let parent = name.rfind(':').map(|at| &name[..at]);
        let mut fields = vec![
            ("name", Json::str(name)),
            ("title", opt_str(title)),
            ("parent", opt_str(parent)),
            ("declared", Json::Bool(own.is_some())),
            ("fee", Json::Exact(ledger.channel_fee(name))),
            (
                "metadata",
                Json::Obj(
                    metadata
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect(),
                ),
            ),
            ("tags", tags(own.map_or(&[][..], |e| &e.tags))),
        ];
        fields.extend(self.location(span));
        obj(fields)
    }

    /// Declared contacts in declaration order, then the contacts entries
    /// name without a declaration, sorted by id.
    fn contacts(&self, entries: &[&Entry]) -> Json {
        let ledger = self.ledger;
        let mut first_use: IndexMap<&str, &Entry> = IndexMap::new();
        for entry in entries {
            if let Some(contact) = entry.kind.named_contact() {
                first_use.entry(contact.as_str()).or_insert(entry);
            }
        }
        // The place of an undeclared name, read again from its first line.
        let mut undeclared: Vec<(&str, Span)> = first_use
            .into_iter()
            .filter(|(id, _)| !ledger.contacts.contains_key(*id))
            .map(|(name, entry)| {
                let form = ledger.form(entry);
                (name, form.named_contact().map_or(entry.span, |n| n.span))
            })
            .collect();
        undeclared.sort_by_key(|(id, _)| *id);

        self.declared(ledger.contacts.values(), undeclared)
    }

    /// Declared contacts or clients (one shape), then undeclared ones where
    /// an entry first names them.
    fn declared<'c>(
        &self,
        declared: impl Iterator<Item = &'c funnel_ledger::model::Contact>,
        undeclared: impl IntoIterator<Item = (&'c str, Span)>,
    ) -> Json {
        let mut list = Vec::new();
        for contact in declared {
            let mut fields = vec![
                ("id", Json::str(contact.id)),
                ("name", opt_str(contact.name.as_deref())),
                ("declared", Json::Bool(true)),
                ("metadata", self.metadata(&contact.extras.meta)),
                ("tags", tags(&contact.extras.tags)),
            ];
            fields.extend(self.location(contact.span));
            list.push(obj(fields));
        }
        for (id, span) in undeclared {
            let mut fields = vec![
                ("id", Json::str(id)),
                ("name", Json::Null),
                ("declared", Json::Bool(false)),
                ("metadata", Json::Obj(Vec::new())),
                ("tags", Json::Arr(Vec::new())),
            ];
            fields.extend(self.location(span));
            list.push(obj(fields));
        }
        Json::Arr(list)
    }

    fn deal(&self, facts: &DealFacts) -> Json {
        let ledger = self.ledger;
        let deal = facts.deal(ledger);
        let lead = &ledger.entries[deal.lead as usize];
        let reached_on = ledger
            .stages
            .names()
            .iter()
            .zip(&facts.reached_on)
            .map(|(stage, date)| (stage.to_string(), date.map_or(Json::Null, Json::Date)))
            .collect();
        let entries = ledger
            .deal_entries(deal)
            .filter(|e| e.date <= self.ctx.as_of)
            .map(|e| self.entry(e))
            .collect();
        let cohort = deals::in_cohort(facts, self.ctx);
        let mut fields = vec![
            ("id", Json::str(facts.id)),
            ("title", opt_str(facts.title(ledger).as_deref())),
            ("channel", Json::str(facts.channel)),
            ("contact", opt_str(deal.contact.as_deref())),
            ("lead_date", Json::Date(facts.lead_date)),
            ("status", Json::str(facts.status.as_str())),
            (
                "furthest_stage",
                Json::str(ledger.stages.names()[facts.furthest()]),
            ),
            ("reached_on", Json::Obj(reached_on)),
            ("value", money(facts.value)),
            ("rating", facts.rating.map_or(Json::Null, Json::Exact)),
            ("last_entry", Json::Date(facts.last_entry)),
            ("cohort", Json::Bool(cohort)),
            ("tags", tags(&ledger.tags(lead))),
        ];
        fields.extend(self.location(lead.span));
        fields.extend(self.deal_v2(facts));
        fields.push(("entries", Json::Arr(entries)));
        obj(fields)
    }

    /// The fields format v2 adds to a deal (additive within
    /// `funnel.ledger/1`): its client and buyer, whether it is repeat
    /// business, its reopenings, what its close says, and its contract.
    fn deal_v2(&self, facts: &DealFacts) -> Vec<(&'static str, Json)> {
        let ledger = self.ledger;
        let close = crate::close::deciding_close(ledger, facts);
        let said = match facts.status {
            deals::Status::Ended => facts.ended.map(|i| &ledger.entries[i]),
            _ => close,
        };
        let why = said
            .map(|e| crate::close::why(ledger, e))
            .unwrap_or_default();
        let contract = facts.contract().map_or(Json::Null, |c| self.contract(c));
        vec![
            ("client", Json::str(facts.client)),
            ("buyer", opt_str(facts.buyer.as_deref())),
            ("repeat", Json::Bool(facts.repeat)),
            ("reopenings", Json::Int(i64::from(facts.reopenings))),
            (
                "reason",
                opt_str(said.and_then(|e| why.reason(ledger, e)).as_deref()),
            ),
            ("reason_category", opt_str(why.category.as_deref())),
            ("lesson", opt_str(why.lesson.as_deref())),
            ("contract", contract),
        ]
    }

    /// A won deal's contract: its span, value, income so far and tranches.
    fn contract(&self, contract: &crate::contract::Contract) -> Json {
        let as_of = self.ctx.as_of;
        let tranches = contract
            .tranches
            .iter()
            .map(|t| {
                let date = self.ledger.entries[t.entry].date;
                obj([
                    ("date", Json::Date(date)),
                    ("start", Json::Date(t.start)),
                    ("end", t.end.map_or(Json::Null, Json::Date)),
                    ("amount", money(t.amount)),
                    ("counted", money(contract.counted(t))),
                    (
                        "rate",
                        t.rate
                            .map_or(Json::Null, |(rate, date)| self.rate(rate, date)),
                    ),
                    ("days_per_week", Json::Exact(t.days_per_week)),
                    ("notice_days", t.notice_days.map_or(Json::Null, Json::Exact)),
                ])
            })
            .collect();
        obj([
            ("start", Json::Date(contract.start())),
            ("end", contract.end().map_or(Json::Null, Json::Date)),
            ("value", money(contract.value())),
            ("value_full", money(contract.full_value())),
            (
                "income_to_date",
                money(contract.income(contract.start(), as_of)),
            ),
            (
                "cancelled_on",
                contract.cancelled_on.map_or(Json::Null, Json::Date),
            ),
            ("tranches", Json::Arr(tranches)),
        ])
    }

    /// Declared clients in declaration order, then the clients deals name
    /// (`client:`) without a declaration, sorted by id. A deal without
    /// `client:` is its own client and is not listed.
    fn clients(&self, facts: &[DealFacts]) -> Json {
        let ledger = self.ledger;
        // Each undeclared client where a lead first names it.
        let mut undeclared: IndexMap<&str, Span> = IndexMap::new();
        for fact in facts {
            if fact.client != fact.id && !ledger.clients.contains_key(&fact.client) {
                let lead = &ledger.entries[fact.deal(ledger).lead as usize];
                undeclared.entry(fact.client.as_str()).or_insert(lead.span);
            }
        }
        undeclared.sort_unstable_keys();
        self.declared(ledger.clients.values(), undeclared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger};
    use serde_json::Value;

    fn doc(text: &str, as_of: &str) -> (Value, String) {
        let l = ledger(text);
        let json = document(&Run::new(&l, Context::new(&l, date(as_of)))).to_json();
        (serde_json::from_str(&json).unwrap(), json)
    }

    const LEDGER: &str = "option currency EUR\n\
        channel platform \"Platforms\"\n  fee: 10%\n  kind: platform\n\
        channel platform:malt\n  fee: 8%\n\
        contact anna \"Anna\"\n  org: \"Acme GmbH\"\n\
        2026-01-01 price USD 0.9 EUR\n\
        2026-01-02 lead acme \"Backend\" via platform:upwork from anna #rust\n\
        2026-01-05 proposed acme 1000 USD at 90 USD/h\n\
        2026-01-10 won acme 900 USD until 2026-03-10\n  start: 2026-01-20\n\
        2026-01-11 spent 30min on acme\n\
        2026-01-12 spent 100 EUR via platform:malt \"ad\"\n\
        2026-01-13 touch bob\n\
        2026-02-01 assume conversion lead->won 25% via platform\n\
        2026-02-01 costs 36000 EUR/year\n\
        2026-12-01 lead later via platform:malt\n";

    #[test]
    fn header_context_and_options() {
        let (doc, _) = doc(LEDGER, "2026-06-30");
        assert_eq!(doc["schema"], "funnel.ledger/1");
        assert_eq!(doc["context"]["as_of"], "2026-06-30");
        assert_eq!(doc["context"]["from"], Value::Null);
        assert_eq!(doc["context"]["currency"], "EUR");
        assert_eq!(doc["files"], serde_json::json!(["t.funnel"]));
        assert_eq!(doc["options"]["stale_after_days"], 90);
        assert_eq!(
            doc["stages"],
            serde_json::json!(["lead", "contacted", "talked", "proposed", "won"])
        );
    }

    #[test]
    fn channels_resolve_inherited_metadata() {
        let (doc, raw) = doc(LEDGER, "2026-06-30");
        let channels = doc["channels"].as_array().unwrap();
        let names: Vec<&str> = channels
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        // Declared first, then used ones; `later` is after the as-of date.
        assert_eq!(names, ["platform", "platform:malt", "platform:upwork"]);
        let malt = &channels[1];
        assert_eq!(malt["metadata"]["fee"], "8%");
        assert_eq!(malt["metadata"]["kind"], "platform");
        assert_eq!(malt["parent"], "platform");
        let upwork = &channels[2];
        assert_eq!(upwork["declared"], false);
        assert_eq!(upwork["metadata"]["fee"], "10%");
        assert_eq!(upwork["line"], 10);
        assert!(raw.contains("\"fee\": 0.08,"), "{raw}");
    }

    #[test]
    fn deals_carry_derived_facts_and_their_entries() {
        let (doc, raw) = doc(LEDGER, "2026-06-30");
        let deals = doc["deals"].as_array().unwrap();
        assert_eq!(deals.len(), 1, "the lead after the as-of date is left out");
        let acme = &deals[0];
        assert_eq!(acme["status"], "won");
        assert_eq!(acme["furthest_stage"], "won");
        assert_eq!(acme["reached_on"]["talked"], "2026-01-05");
        assert_eq!(acme["reached_on"]["won"], "2026-01-10");
        assert_eq!(acme["contact"], "anna");
        assert_eq!(acme["cohort"], true);
        assert_eq!(acme["tags"], serde_json::json!(["rust"]));
        assert!(raw.contains("\"value\": 810,"), "money is exact: {raw}");
        let verbs: Vec<&str> = acme["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["verb"].as_str().unwrap())
            .collect();
        assert_eq!(verbs, ["lead", "proposed", "won", "spent"]);
        let won = &acme["entries"][2];
        assert_eq!(won["start"], "2026-01-20");
        assert_eq!(won["amount"]["currency"], "USD");
        assert_eq!(won["amount"]["base"], 810);
        assert_eq!(acme["entries"][3]["hours"], 0.5);
        assert_eq!(acme["entries"][3]["channel"], "platform:upwork");
    }

    #[test]
    fn every_entry_up_to_the_as_of_date() {
        let (doc, _) = doc(LEDGER, "2026-06-30");
        let entries = doc["entries"].as_array().unwrap();
        let kinds: Vec<&str> = entries
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            ["price", "lead", "stage", "won", "spent", "spent", "touch", "assume", "costs"]
        );
        assert_eq!(entries[7]["claim"]["fraction"], 0.25);
        assert_eq!(entries[8]["monthly"], 3000);
        let contacts = doc["contacts"].as_array().unwrap();
        assert_eq!(contacts[0]["metadata"]["org"], "Acme GmbH");
        assert_eq!(contacts[1]["id"], "bob");
        assert_eq!(contacts[1]["declared"], false);
    }

    #[test]
    fn cohort_follows_period_and_channel() {
        let l = ledger(LEDGER);
        let mut ctx =
            Context::new(&l, date("2026-06-30")).with_period(Some(date("2026-02-01")), None);
        ctx.channel = Some("platform".into());
        let doc: Value = serde_json::from_str(&document(&Run::new(&l, ctx)).to_json()).unwrap();
        assert_eq!(doc["context"]["from"], "2026-02-01");
        assert_eq!(doc["context"]["channel"], "platform");
        assert_eq!(doc["deals"][0]["cohort"], false);
    }
}
