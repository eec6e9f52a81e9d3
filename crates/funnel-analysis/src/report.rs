//! A report: what one analysis returns. Plain data (a title, typed columns,
//! rows of typed cells, findings), rendered by the CLI as a table, CSV or
//! JSON. The JSON shape (analyses §4) is this module's `Serialize`.
//!
//! Money is `Decimal`, rounded to the cent when a cell is made, and written
//! to JSON as a number with exactly its decimal digits (never through a
//! binary float). Statistics (p-values, bits, intervals) are `f64`.

use chrono::NaiveDate;
use funnel_ledger::value::DurationUnit;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::context::Context;

/// The result of one analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The analysis's name, as given to `funnel report`.
    pub analysis: String,
    pub title: String,
    pub as_of: NaiveDate,
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
    /// The base currency of every money cell.
    pub currency: Option<String>,
    pub columns: Vec<Column>,
    /// Each row has one cell per column.
    pub rows: Vec<Vec<Cell>>,
    pub findings: Vec<Finding>,
    /// Figures that are no row, carried as extra top-level keys of the
    /// JSON object (after `currency`), in the order added: `runway`'s
    /// `balance_today`. The table and CSV views leave them out, so a
    /// finding says them too. See [`Report::top_level`].
    pub extra: Vec<(String, Cell)>,
}

impl Report {
    /// An empty report with the context's header fields.
    pub fn new(analysis: &str, title: &str, ctx: &Context, columns: Vec<Column>) -> Report {
        Report {
            analysis: analysis.to_owned(),
            title: title.to_owned(),
            as_of: ctx.as_of,
            from: ctx.from,
            to: ctx.to,
            currency: ctx.currency.map(|c| c.to_string()),
            columns,
            rows: Vec::new(),
            findings: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Adds a top-level key to the JSON view (analyses §3: `runway`'s
    /// `balance_today`, `contacts`' `available_from`). The name must not be
    /// one of the keys every report has.
    pub fn top_level(&mut self, name: &str, value: Cell) {
        debug_assert!(
            !RESERVED_KEYS.contains(&name) && self.extra.iter().all(|(n, _)| n != name),
            "`{name}` is already a key of the report"
        );
        self.extra.push((name.to_owned(), value));
    }

    /// The index of a column by its name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    pub fn info(&mut self, message: impl Into<String>) {
        self.findings.push(Finding {
            severity: Severity::Info,
            message: message.into(),
        });
    }

    pub fn warning(&mut self, message: impl Into<String>) {
        self.findings.push(Finding {
            severity: Severity::Warning,
            message: message.into(),
        });
    }
}

/// One column: its CSV/JSON name, a short label for tables, and what kind
/// of value it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The name in CSV headers and JSON rows (analyses §3).
    pub name: String,
    /// The header of the table view; a `\n` splits it over two lines.
    pub label: String,
    pub kind: Kind,
    /// 0: always in the table view. Otherwise the table view may leave the
    /// column out to fit the width, higher numbers first (the values stay
    /// in CSV and JSON).
    pub drop_order: u8,
    /// Whether consecutive rows with the same value here form a group (the
    /// funnel's channel): the table view shows the value once, as a
    /// heading above its rows.
    pub groups_rows: bool,
    /// Whether the column's values, row after row, are a time series (the
    /// columns of `trends`): the table view draws a sparkline of it.
    pub trend: bool,
    /// Whether the table view shows the column. A denominator is not
    /// shown: its rate's cell already reads `2 of 4` there, while CSV,
    /// JSON and spreadsheets, which write the rate as a fraction, carry it
    /// as a column of its own.
    pub in_table: bool,
}

impl Column {
    pub fn new(name: &str, label: &str, kind: Kind) -> Column {
        Column {
            name: name.to_owned(),
            label: label.to_owned(),
            kind,
            drop_order: 0,
            groups_rows: false,
            trend: false,
            in_table: true,
        }
    }

    /// A column of CSV, JSON and spreadsheets only (see
    /// [`Column::in_table`]): the `n` of a rate that the table shows as
    /// `k of n`.
    pub fn denominator(self) -> Column {
        Column {
            in_table: false,
            ..self
        }
    }

    /// A column the table view may leave out when it is too wide; higher
    /// `order`s go first.
    pub fn optional(self, order: u8) -> Column {
        Column {
            drop_order: order,
            ..self
        }
    }

    /// A first column whose runs of equal values group the rows.
    pub fn grouping(self) -> Column {
        Column {
            groups_rows: true,
            ..self
        }
    }

    /// A numeric column whose values, oldest row first, form a time series.
    pub fn trend(self) -> Column {
        Column {
            trend: true,
            ..self
        }
    }
}

/// What a column holds, for alignment and units in the table view. JSON
/// lists it as `kind` beside each column name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Text,
    Count,
    /// An amount in the base currency.
    Money,
    /// An amount in the base currency per hour.
    MoneyPerHour,
    /// A fraction between 0 and 1 (shown as a percentage).
    Ratio,
    Hours,
    Days,
    Number,
    /// A p-value between 0 and 1.
    PValue,
    /// Surprise in bits.
    Bits,
    Date,
    /// A value whose unit depends on the row (the `assumed` and `observed`
    /// columns of `surprises`: a fraction, days, money or a frequency).
    Mixed,
}

/// One typed value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Count(u64),
    /// An amount in the base currency (or per hour in a `MoneyPerHour`
    /// column), rounded to the cent. In a `Number` column, an amount in the
    /// unit another column names (the rates of `negotiation`).
    Money(Decimal),
    Hours(Decimal),
    /// A conversion: `k` of `n` (n > 0). Written as the fraction k/n.
    Rate {
        k: u64,
        n: u64,
    },
    /// A fraction between 0 and 1 that is not a count ratio (an assumed
    /// share, an interval bound).
    Fraction(f64),
    Days(f64),
    /// A count per week, month or year.
    Frequency {
        value: f64,
        per: DurationUnit,
    },
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// A money cell, rounded half away from zero to the cent.
    pub fn money(value: Decimal) -> Cell {
        Cell::Money(round_money(value))
    }

    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// A conversion `k of n`, empty when n = 0.
    pub fn rate(k: usize, n: usize) -> Cell {
        if n == 0 {
            Cell::Empty
        } else {
            Cell::Rate {
                k: k as u64,
                n: n as u64,
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The value as a number, where it is one (a rate as its fraction).
    pub fn as_f64(&self) -> Option<f64> {
        use rust_decimal::prelude::ToPrimitive;
        match *self {
            Cell::Count(n) => Some(n as f64),
            Cell::Money(d) | Cell::Hours(d) => d.to_f64(),
            Cell::Rate { k, n } => Some(k as f64 / n as f64),
            Cell::Fraction(x) | Cell::Days(x) | Cell::Number(x) => Some(x),
            Cell::Frequency { value, .. } => Some(value),
            Cell::Empty | Cell::Text(_) | Cell::Date(_) => None,
        }
    }
}

/// Money in reports: rounded half away from zero to the cent, trailing
/// zeros dropped (`12000`, `13155.56`).
pub fn round_money(value: Decimal) -> Decimal {
    value
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something to know.
    Info,
    /// Something to act on.
    Warning,
}

/// A plain sentence about what the table shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub message: String,
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Empty => serializer.serialize_none(),
            Cell::Text(text) => serializer.serialize_str(text),
            Cell::Count(n) => serializer.serialize_u64(*n),
            Cell::Money(d) | Cell::Hours(d) => exact_number(*d).serialize(serializer),
            Cell::Date(date) => serializer.collect_str(date),
            other => match other.as_f64() {
                Some(x) if x.is_finite() => serializer.serialize_f64(x),
                _ => serializer.serialize_none(),
            },
        }
    }
}

/// A decimal as a JSON number with exactly its digits. `Decimal`'s
/// `Display` never uses an exponent, so its text is a valid JSON number.
pub(crate) fn exact_number(value: Decimal) -> Box<serde_json::value::RawValue> {
    serde_json::value::RawValue::from_string(value.normalize().to_string()).unwrap_or_else(|_| {
        serde_json::value::RawValue::from_string("null".to_owned()).expect("`null` is JSON")
    })
}

/// One row as a JSON object, keys in column order.
struct Row<'a> {
    columns: &'a [Column],
    cells: &'a [Cell],
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for (column, cell) in self.columns.iter().zip(self.cells) {
            map.serialize_entry(&column.name, cell)?;
        }
        map.end()
    }
}

struct Rows<'a>(&'a Report);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.rows.len()))?;
        for cells in &self.0.rows {
            seq.serialize_element(&Row {
                columns: &self.0.columns,
                cells,
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct ColumnJson<'a> {
    name: &'a str,
    kind: Kind,
}

/// The version of a report's JSON shape: the `schema` key of every report
/// funnel writes and of every plugin's answer (`docs/plugins.md`), described
/// by `docs/funnel.report-1.schema.json`.
pub const SCHEMA: &str = "funnel.report/1";

/// The keys of every report's JSON object.
const RESERVED_KEYS: [&str; 10] = [
    "schema", "analysis", "title", "as_of", "from", "to", "currency", "columns", "rows", "findings",
];

/// `{"schema": "funnel.report/1", "analysis", "title", "as_of", "from",
/// "to", "currency", [top-level keys,] "columns", "rows": [{column:
/// value}], "findings": [{"severity", "message"}]}`
impl Serialize for Report {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_map(Some(RESERVED_KEYS.len() + self.extra.len()))?;
        s.serialize_entry("schema", SCHEMA)?;
        s.serialize_entry("analysis", &self.analysis)?;
        s.serialize_entry("title", &self.title)?;
        s.serialize_entry("as_of", &self.as_of.to_string())?;
        s.serialize_entry("from", &self.from.map(|d| d.to_string()))?;
        s.serialize_entry("to", &self.to.to_string())?;
        s.serialize_entry("currency", &self.currency)?;
        for (name, value) in &self.extra {
            s.serialize_entry(name, value)?;
        }
        let columns: Vec<ColumnJson<'_>> = self
            .columns
            .iter()
            .map(|c| ColumnJson {
                name: &c.name,
                kind: c.kind,
            })
            .collect();
        s.serialize_entry("columns", &columns)?;
        s.serialize_entry("rows", &Rows(self))?;
        s.serialize_entry("findings", &self.findings)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// Top-level values are keys of their own (null when empty).
    #[test]
    fn top_level_values_are_keys_of_the_report() {
        let ctx = Context {
            as_of: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            from: None,
            to: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            channel: None,
            depth: None,
            currency: None,
            interval: crate::context::Interval::Month,
        };
        let mut report = Report::new("x", "X", &ctx, Vec::new());
        report.top_level(
            "available_from",
            Cell::Date(NaiveDate::from_ymd_opt(2027, 4, 1).unwrap()),
        );
        report.top_level("start_calling", Cell::Empty);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["available_from"], "2027-04-01");
        assert!(json.as_object().unwrap().contains_key("start_calling"));
        assert_eq!(json["start_calling"], serde_json::Value::Null);
    }

    #[test]
    fn money_is_an_exact_json_number() {
        let cells = vec![
            Cell::money(Decimal::from_str("13155.555555555555").unwrap()),
            Cell::money(Decimal::from_str("12000.00").unwrap()),
            Cell::money(Decimal::from_str("-5").unwrap()),
            Cell::money(Decimal::from_str("0.005").unwrap()),
            Cell::Rate { k: 1, n: 4 },
            Cell::Number(f64::INFINITY),
            Cell::Empty,
        ];
        assert_eq!(
            serde_json::to_string(&cells).unwrap(),
            "[13155.56,12000,-5,0.01,0.25,null,null]"
        );
    }

    /// Top-level keys come after `currency`, typed like cells.
    #[test]
    fn top_level_keys_follow_the_header() {
        let ledger = crate::testing::ledger("option currency EUR\n");
        let date = crate::testing::date("2026-06-15");
        let mut report = Report::new("x", "X", &Context::new(&ledger, date), Vec::new());
        report.top_level("balance_today", Cell::money(Decimal::new(1974550, 2)));
        report.top_level("balance_date", Cell::Date(date));
        let json = serde_json::to_string(&report).unwrap();
        assert!(
            json.contains(r#""currency":"EUR","balance_today":19745.5,"balance_date":"2026-06-15","columns":[]"#),
            "{json}"
        );
    }
}
