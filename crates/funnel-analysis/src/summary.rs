//! The anonymised summary of a year, `"schema": "funnel.summary/1"`: what
//! `funnel review --share` writes for a review with peers, and what
//! `funnel compare` reads (analyses §3 "`funnel review` and peers").
//! Documented field by field in `docs/analyses.md`, and as a JSON Schema in
//! `docs/funnel.summary-1.schema.json`.
//!
//! A summary holds figures, never names: no deal ids, titles, notes,
//! lessons, contacts, clients, files or lines, and channels only by their
//! first segment (`platform`, not `platform:upwork`). Every figure comes
//! from the analyses over one run whose channels are grouped at depth 1:
//! the groups' figures are the rows of `channels --depth 1`, the
//! concessions are those `negotiation` counts, the buffer is `runway`'s
//! balance today over the monthly costs, the verdicts are those of
//! `surprises`. Without money (`--no-money`) the currency and every amount
//! are left out; counts, ratios, days and months stay.
//!
//! Money is rounded to the cent and written as a JSON number with exactly
//! its decimal digits; it is read back from the number's text, never
//! through a binary float.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use funnel_ledger::Ledger;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::context::{cut, Context};
use crate::report::{exact_number, round_money, Cell, Report};
use crate::words::f64_of;
use crate::{deals, negotiation, Analysis, Run};

/// The `schema` of a summary. A change that can break a reader (a field
/// removed, renamed or retyped) makes a new version; new fields may be
/// added within version 1, so readers ignore fields they do not know.
pub const SCHEMA: &str = "funnel.summary/1";

/// One person's year, anonymised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Always [`SCHEMA`].
    pub schema: String,
    #[serde(with = "iso_date")]
    pub as_of: NaiveDate,
    pub period: Period,
    /// The base currency of every amount; absent without money.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// One per channel group (first segment), sorted by name.
    pub channels: Vec<Group>,
    /// All channels together (`"channel": "*"`).
    pub total: Group,
    /// The median days from lead to won of the won cohort deals.
    #[serde(default)]
    pub median_days_to_win: Option<f64>,
    /// Today's balance in months of today's costs (0 without a buffer);
    /// `null` without a `balance` or `costs`.
    #[serde(default)]
    pub buffer_months: Option<f64>,
    /// Won cohort deals `ended … cancelled`, of the won cohort deals.
    #[serde(default)]
    pub cancelled: Option<Ratio>,
    /// Deals won in the period agreed below their opening ask, of the
    /// deals won in the period.
    #[serde(default)]
    pub below_opening_ask: Option<Ratio>,
    /// The median rate discount (1 − agreed rate / opening rate) of those
    /// concessions whose two rates share a unit.
    #[serde(default)]
    pub median_rate_discount: Option<f64>,
    /// Each assumption's metric, channel group and verdict, most
    /// surprising first.
    #[serde(default)]
    pub assumptions: Vec<Assumption>,
}

/// The period the cohort figures cover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Period {
    #[serde(with = "iso_date_opt")]
    pub from: Option<NaiveDate>,
    #[serde(with = "iso_date")]
    pub to: NaiveDate,
}

/// The figures of one channel group (or of all channels, `*`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The group's name: a channel's first segment, or `*`.
    pub channel: String,
    pub leads: u64,
    pub won: u64,
    pub declined: u64,
    /// Won of the decided leads (analyses §1): `null` when none is decided.
    #[serde(default)]
    pub win_rate: Option<Ratio>,
    /// Leads with hours logged on them, of the leads.
    #[serde(default)]
    pub hours_coverage: Option<Ratio>,
    /// The amounts; absent without money.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub money: Option<Money>,
}

/// A group's amounts, in the summary's currency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Money {
    #[serde(serialize_with = "exact", deserialize_with = "read_exact", default)]
    pub median_value: Option<Decimal>,
    #[serde(serialize_with = "exact", deserialize_with = "read_exact", default)]
    pub median_day_rate: Option<Decimal>,
    #[serde(serialize_with = "exact", deserialize_with = "read_exact", default)]
    pub net_per_hour: Option<Decimal>,
}

/// `k` of `n`, with n > 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    pub k: u64,
    pub n: u64,
}

impl Ratio {
    /// `None` when `n` is 0.
    pub fn of(k: u64, n: u64) -> Option<Ratio> {
        (n > 0).then_some(Ratio { k, n })
    }

    pub fn fraction(self) -> f64 {
        self.k as f64 / self.n as f64
    }
}

/// One assumption, without its text, source or numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assumption {
    /// `conversion`, `cycle`, `value`, `volume` or `share`.
    pub metric: String,
    /// The first segment of its `via`; `null` for all channels.
    #[serde(default)]
    pub channel: Option<String>,
    /// `holds`, `lower than assumed`, `higher than assumed` or `no evidence`.
    pub verdict: String,
}

/// What to leave out of a summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Share {
    /// Keep the currency and the amounts (`false`: `--no-money`).
    pub money: bool,
}

/// Builds the summary of a ledger over the period of `ctx` (its channel
/// filter and depth are not used: a summary covers every channel, grouped
/// by first segment).
pub fn summary(ledger: &Ledger, ctx: &Context, share: Share) -> Summary {
    let ctx = Context {
        channel: None,
        depth: Some(1),
        ..ctx.clone()
    };
    // One run for the four analyses: the deal facts are computed once.
    let run = Run::new(ledger, ctx);
    let ctx = run.ctx();
    let channels = crate::channels::Channels.run(&run);
    let surprises = crate::surprises::Surprises.run(&run);
    let runway = crate::runway::Runway.run(&run);
    let tally = negotiation::tally(&run);

    let mut groups: Vec<Group> = channels
        .rows
        .iter()
        .map(|row| group(&channels, row, share))
        .collect();
    // The total row comes last (`*`); a ledger without a channel row still
    // has it.
    let total_row = groups.pop().unwrap_or_else(|| Group {
        channel: "*".to_owned(),
        leads: 0,
        won: 0,
        declined: 0,
        win_rate: None,
        hours_coverage: None,
        money: share.money.then_some(Money {
            median_value: None,
            median_day_rate: None,
            net_per_hour: None,
        }),
    });
    let total_cells = channels.rows.last();
    let total_cell = |name: &str| {
        total_cells
            .and_then(|row| channels.column(name).and_then(|i| row.get(i)))
            .cloned()
            .unwrap_or(Cell::Empty)
    };
    let median_days_to_win = match total_cell("median_days_to_win") {
        Cell::Days(days) => Some(days),
        _ => None,
    };
    let cancelled = match total_cell("cancelled") {
        Cell::Count(k) => Ratio::of(k, total_row.won),
        _ => None,
    };
    let below_opening_ask = Ratio::of(tally.concessions.len() as u64, tally.won as u64);
    let discounts: Vec<Decimal> = tally.concessions.iter().filter_map(|(_, d)| *d).collect();
    let median_rate_discount = deals::median(discounts).map(|d| f64_of(d.round_dp(4)));
    let buffer_months = buffer_months(ledger, &runway, ctx.as_of);
    let assumptions = column_texts(&surprises, &["metric", "channel", "verdict"])
        .into_iter()
        .map(|cells| {
            let [metric, channel, verdict] = cells;
            Assumption {
                metric: metric.unwrap_or_default(),
                channel: channel.map(|c| cut(&c, 1).to_owned()),
                verdict: verdict.unwrap_or_default(),
            }
        })
        .collect();
    Summary {
        schema: SCHEMA.to_owned(),
        as_of: ctx.as_of,
        period: Period {
            from: ctx.from,
            to: ctx.to,
        },
        currency: ctx
            .currency
            .filter(|_| share.money)
            .map(|c| c.as_str().to_owned()),
        channels: groups,
        total: total_row,
        median_days_to_win,
        buffer_months,
        cancelled,
        below_opening_ask,
        median_rate_discount,
        assumptions,
    }
}

/// The figures of one row of `channels --depth 1`.
fn group(report: &Report, row: &[Cell], share: Share) -> Group {
    let cell = |name: &str| {
        report
            .column(name)
            .and_then(|i| row.get(i))
            .unwrap_or(&Cell::Empty)
    };
    let count = |name: &str| match cell(name) {
        Cell::Count(n) => *n,
        _ => 0,
    };
    let ratio = |name: &str| match cell(name) {
        Cell::Rate { k, n } => Ratio::of(*k, *n),
        _ => None,
    };
    let amount = |name: &str| match cell(name) {
        Cell::Money(d) => Some(round_money(*d)),
        _ => None,
    };
    Group {
        channel: match cell("channel") {
            Cell::Text(name) => name.clone(),
            _ => String::new(),
        },
        leads: count("leads"),
        won: count("won"),
        declined: count("declined"),
        win_rate: ratio("win_rate"),
        hours_coverage: ratio("hours_coverage"),
        money: share.money.then(|| Money {
            median_value: amount("median_value"),
            median_day_rate: amount("median_day_rate"),
            net_per_hour: amount("net_per_hour"),
        }),
    }
}

/// Today's balance (as `runway` rolls it forward) over the monthly costs
/// in force on the as-of date, to two decimals; 0 when the balance is 0
/// or below. `None` without a balance or costs.
fn buffer_months(ledger: &Ledger, runway: &Report, as_of: NaiveDate) -> Option<f64> {
    let balance = runway.extra.iter().find_map(|(name, cell)| match cell {
        Cell::Money(d) if name == "balance_today" => Some(*d),
        _ => None,
    })?;
    let (_, costs) = deals::monthly_costs(ledger, as_of)?;
    if balance <= Decimal::ZERO {
        return Some(0.0);
    }
    (costs > Decimal::ZERO).then(|| f64_of((balance / costs).round_dp(2)))
}

/// The text cells of the named columns, row by row.
fn column_texts<const N: usize>(report: &Report, names: &[&str; N]) -> Vec<[Option<String>; N]> {
    let indices = names.map(|name| report.column(name));
    report
        .rows
        .iter()
        .map(|row| {
            indices.map(|i| match i.and_then(|i| row.get(i)) {
                Some(Cell::Text(text)) => Some(text.clone()),
                _ => None,
            })
        })
        .collect()
}

impl Summary {
    /// The summary as pretty-printed JSON text, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self)
            .expect("a summary of strings, numbers and objects always serializes");
        text.push('\n');
        text
    }

    /// Reads a summary from JSON text: it must say `"schema":
    /// "funnel.summary/1"` and have the fields of version 1 (fields it
    /// does not know are ignored).
    pub fn parse(text: &str) -> Result<Summary, ParseError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(ParseError::NotJson)?;
        let schema = match value.get("schema") {
            Some(serde_json::Value::String(schema)) => schema.clone(),
            _ => return Err(ParseError::NotASummary(None)),
        };
        if schema != SCHEMA {
            return Err(match schema.strip_prefix("funnel.summary/") {
                Some(_) => ParseError::OtherVersion(schema),
                None => ParseError::NotASummary(Some(schema)),
            });
        }
        // Read again from the text, not from the `Value`, so that money is
        // read from the digits as written.
        serde_json::from_str(text).map_err(ParseError::Invalid)
    }
}

/// Why a text is not a summary this funnel reads.
#[derive(Debug)]
pub enum ParseError {
    /// Not JSON at all.
    NotJson(serde_json::Error),
    /// JSON without `"schema": "funnel.summary/…"`; the schema it names,
    /// if any.
    NotASummary(Option<String>),
    /// A summary of another version.
    OtherVersion(String),
    /// A `funnel.summary/1` with a field missing or of the wrong type.
    Invalid(serde_json::Error),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::NotJson(err) => write!(f, "it is not JSON: {err}"),
            ParseError::NotASummary(None) => write!(
                f,
                "it is not a funnel summary (no `\"schema\": \"{SCHEMA}\"`): write one with `funnel review --share`"
            ),
            ParseError::NotASummary(Some(schema)) => write!(
                f,
                "it is a `{schema}` document, not a funnel summary: write one with `funnel review --share`"
            ),
            ParseError::OtherVersion(schema) => write!(
                f,
                "it is a `{schema}`, but this funnel reads `{SCHEMA}`: update funnel, or write the summary again with this one"
            ),
            ParseError::Invalid(err) => write!(f, "it is not a valid `{SCHEMA}`: {err}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// An optional amount as an exact JSON number (or `null`).
fn exact<S: Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(d) => exact_number(*d).serialize(serializer),
        None => serializer.serialize_none(),
    }
}

/// An optional amount read from the text of a JSON number (or `null`).
fn read_exact<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
    let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
    let text = raw.get().trim();
    if text == "null" {
        return Ok(None);
    }
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("expected an amount, found `{text}`")))
}

/// Dates as `YYYY-MM-DD` (chrono's serde support is not built in).
mod iso_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(deserializer)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
            serde::de::Error::custom(format!("expected a date YYYY-MM-DD, found `{text}`"))
        })
    }
}

mod iso_date_opt {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        date: &Option<NaiveDate>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => serializer.collect_str(date),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            None => Ok(None),
            Some(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    serde::de::Error::custom(format!("expected a date YYYY-MM-DD, found `{text}`"))
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger};

    const TEXT: &str = "option currency EUR\n\
        2026-01-01 lead a via platform:upwork\n\
        2026-01-05 proposed a 1000.10 EUR at 333.37 EUR/day\n\
        2026-01-10 won a 1000.05 EUR at 333.35 EUR/day until 2026-01-13\n\
        2026-01-02 lead b via platform:malt\n2026-01-03 lost b\n";

    /// What is written reads back the same, amounts to the cent.
    #[test]
    fn a_summary_reads_back_exactly() {
        let l = ledger(TEXT);
        let ctx = Context::new(&l, date("2026-02-01"));
        let summary = summary(&l, &ctx, Share { money: true });
        let money = summary.total.money.as_ref().expect("amounts");
        assert_eq!(money.median_value, Some(Decimal::new(100005, 2)));
        assert_eq!(money.median_day_rate, Some(Decimal::new(33335, 2)));
        let text = summary.to_json();
        assert!(text.contains("\"median_value\": 1000.05"), "{text}");
        assert_eq!(Summary::parse(&text).unwrap(), summary);
        // One group for both sub-channels of `platform`.
        assert_eq!(summary.channels.len(), 1);
        assert_eq!(summary.channels[0].channel, "platform");
        assert_eq!(summary.channels[0].leads, 2);
    }

    #[test]
    fn amounts_are_read_from_their_digits() {
        let read = |text: &str| {
            let mut de = serde_json::Deserializer::from_str(text);
            read_exact(&mut de).map_err(|e| e.to_string())
        };
        assert_eq!(
            read("0.30000000000000004"),
            Ok(Some(Decimal::from_str("0.30000000000000004").unwrap()))
        );
        assert_eq!(read("12000.10"), Ok(Some(Decimal::new(1200010, 2))));
        assert_eq!(read("1.5e3"), Ok(Some(Decimal::from(1500))));
        assert_eq!(read("null"), Ok(None));
        assert!(read("\"12\"").is_err());
    }
}
