//! The JSON value of the ledger document: numbers as exact decimals,
//! objects in the order their fields are written; and the small helpers
//! that make its values.

use chrono::NaiveDate;
use funnel_ledger::value::DurationUnit;
use funnel_ledger::{Name, Spanned};
use rust_decimal::Decimal;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::report::{exact_number, round_money};

pub(super) fn duration_unit(unit: DurationUnit) -> &'static str {
    match unit {
        DurationUnit::Days => "d",
        DurationUnit::Weeks => "w",
        DurationUnit::Months => "mo",
        DurationUnit::Years => "y",
    }
}

pub(super) fn tags(tags: &[Spanned<Name>]) -> Json {
    Json::Arr(tags.iter().map(|t| Json::str(t.value)).collect())
}

pub(super) fn opt_str(text: Option<&str>) -> Json {
    text.map_or(Json::Null, Json::str)
}

/// Money in the base currency: rounded half away from zero to the cent.
pub(super) fn money(value: Decimal) -> Json {
    Json::Exact(round_money(value))
}

pub(super) fn obj<'k>(fields: impl IntoIterator<Item = (&'k str, Json)>) -> Json {
    Json::Obj(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// A JSON value whose numbers are exact decimals and whose objects keep
/// their fields in the order written (the order of the field tables in
/// `docs/plugins.md`).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Json {
    Null,
    Bool(bool),
    Int(i64),
    /// Written with exactly its decimal digits.
    Exact(Decimal),
    Str(String),
    Date(NaiveDate),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    pub(super) fn str(text: impl AsRef<str>) -> Json {
        Json::Str(text.as_ref().to_owned())
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => serializer.serialize_none(),
            Json::Bool(b) => serializer.serialize_bool(*b),
            Json::Int(n) => serializer.serialize_i64(*n),
            Json::Exact(d) => exact_number(*d).serialize(serializer),
            Json::Str(s) => serializer.serialize_str(s),
            Json::Date(d) => serializer.collect_str(d),
            Json::Arr(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Obj(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (key, value) in fields {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}
