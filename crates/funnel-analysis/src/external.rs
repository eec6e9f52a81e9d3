//! What an external analysis (a `funnel-NAME` plugin) answers: a report in
//! the JSON shape of `funnel report --format json` (analyses §4) with a
//! `schema` version, and optionally diagnostics about ledger lines. This
//! module reads that answer into a [`Report`] whose cells are typed by
//! their column's kind, so a plugin's report renders as a table, CSV or
//! JSON exactly like a built-in one. Documented in `docs/plugins.md`.
//!
//! It only reads text: running the plugin, and mapping a diagnostic's
//! `file` and `line` back to the ledger's sources, is the CLI's job.
//!
//! Every error names the field it is about, as a path into the JSON
//! (`rows[3].revenue`), so a plugin author knows what to fix.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use funnel_ledger::value::is_ident;
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use crate::context::Context;
use crate::report::{Cell, Column, Finding, Kind, Report, Severity};

/// The `schema` a plugin's answer must carry: the one every report funnel
/// writes carries too.
pub const SCHEMA: &str = crate::report::SCHEMA;

/// A plugin's answer: a report, diagnostics, or both.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// `None` when the answer has no `columns` (a plugin that only checks).
    pub report: Option<Report>,
    pub diagnostics: Vec<PluginDiagnostic>,
}

/// A problem a plugin found on a ledger line. `funnel check --plugin NAME`
/// shows it like a built-in diagnostic, with the code `funnel-NAME::CODE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginDiagnostic {
    /// The plugin's own code, e.g. `missing-rate`.
    pub code: String,
    pub severity: funnel_ledger::Severity,
    pub message: String,
    /// A `file` of the ledger document (as the ledger names it).
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub help: Option<String>,
}

/// Why an answer cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputError {
    /// Nothing but white space on standard output.
    Empty,
    /// Not JSON: serde_json's message, with line and column.
    NotJson(String),
    /// `schema` is missing or names a version this funnel does not read.
    Version { found: Option<String> },
    /// JSON, but not the expected shape: `path` names the field.
    Invalid { path: String, message: String },
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::Empty => write!(
                f,
                "printed nothing on standard output; expected a report as JSON with \"schema\": \"{SCHEMA}\""
            ),
            OutputError::NotJson(message) => write!(f, "printed output that is not JSON: {message}"),
            OutputError::Version { found: None } => write!(
                f,
                "printed JSON without the field `schema`; add \"schema\": \"{SCHEMA}\" to say which version of the report format it speaks"
            ),
            OutputError::Version { found: Some(found) } => write!(
                f,
                "speaks `{found}` (field `schema`), but this funnel reads `{SCHEMA}`; update the plugin or funnel"
            ),
            OutputError::Invalid { path, message } if path.is_empty() => {
                write!(f, "printed an invalid report: {message}")
            }
            OutputError::Invalid { path, message } => {
                write!(f, "printed an invalid report: field `{path}`: {message}")
            }
        }
    }
}

impl std::error::Error for OutputError {}

/// Reads the answer of plugin `name`. Fields the report leaves out (`title`,
/// `as_of`, `from`, `to`, `currency`) come from the run's context; the
/// report's `analysis` is always `name`.
pub fn parse(name: &str, text: &str, ctx: &Context) -> Result<Output, OutputError> {
    if text.trim().is_empty() {
        return Err(OutputError::Empty);
    }
    let top: &RawValue =
        serde_json::from_str(text).map_err(|err| OutputError::NotJson(err.to_string()))?;
    let (object, prefix) = match first_char(top) {
        '[' => {
            let items: Vec<&RawValue> = serde_json::from_str(top.get())
                .map_err(|err| OutputError::NotJson(err.to_string()))?;
            match items.as_slice() {
                [one] => (*one, "[0]."),
                _ => {
                    return Err(invalid(
                        "",
                        format!(
                            "an array of {} values, where a plugin prints one report object (or an array holding exactly one)",
                            items.len()
                        ),
                    ))
                }
            }
        }
        _ => (top, ""),
    };
    let fields = Fields::object(object, prefix.trim_end_matches('.'))?;
    match fields.get("schema") {
        None => return Err(OutputError::Version { found: None }),
        Some(raw) => {
            let schema = fields.string_at("schema", raw)?;
            if schema != SCHEMA {
                return Err(OutputError::Version {
                    found: Some(schema),
                });
            }
        }
    }

    let report = if fields.get("columns").is_some() || fields.get("rows").is_some() {
        Some(read_report(name, &fields, ctx)?)
    } else {
        None
    };
    let diagnostics = match fields.get("diagnostics") {
        Some(raw) => read_diagnostics(&fields.path("diagnostics"), raw)?,
        None => Vec::new(),
    };
    if report.is_none() && fields.get("diagnostics").is_none() {
        return Err(invalid(
            &fields.path(""),
            "no report (`columns` and `rows`) and no `diagnostics`: nothing to show".to_owned(),
        ));
    }
    Ok(Output {
        report,
        diagnostics,
    })
}

fn read_report(name: &str, fields: &Fields<'_>, ctx: &Context) -> Result<Report, OutputError> {
    let columns_raw = fields.require("columns")?;
    let rows_raw = fields.require("rows")?;
    let columns = read_columns(&fields.path("columns"), columns_raw)?;
    let title = match fields.get("title") {
        Some(raw) => fields.string_at("title", raw)?,
        None => name.to_owned(),
    };
    let mut report = Report::new(name, &title, ctx, columns);
    if let Some(raw) = fields.get("as_of") {
        report.as_of = date_at(&fields.path("as_of"), raw)?;
    }
    if let Some(raw) = fields.get_or_null("from") {
        report.from = match raw {
            Some(raw) => Some(date_at(&fields.path("from"), raw)?),
            None => None,
        };
    }
    if let Some(raw) = fields.get("to") {
        report.to = date_at(&fields.path("to"), raw)?;
    }
    if let Some(raw) = fields.get_or_null("currency") {
        report.currency = match raw {
            Some(raw) => Some(fields.string_at("currency", raw)?),
            None => None,
        };
    }
    report.rows = read_rows(&fields.path("rows"), rows_raw, &report.columns)?;
    if let Some(raw) = fields.get("findings") {
        report.findings = read_findings(&fields.path("findings"), raw)?;
    }
    Ok(report)
}

/// `[{"name", "kind", "label"?}]`: names unique and non-empty.
fn read_columns(path: &str, raw: &RawValue) -> Result<Vec<Column>, OutputError> {
    let items = array_at(path, raw)?;
    if items.is_empty() {
        return Err(invalid(
            path,
            "empty; a report has at least one column".to_owned(),
        ));
    }
    let mut columns: Vec<Column> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let fields = Fields::object(item, &format!("{path}[{i}]"))?;
        let name = fields.string_at("name", fields.require("name")?)?;
        if name.is_empty() {
            return Err(invalid(&fields.path("name"), "empty".to_owned()));
        }
        if columns.iter().any(|c| c.name == name) {
            return Err(invalid(
                &fields.path("name"),
                format!("`{name}` names two columns; column names are unique"),
            ));
        }
        let kind_text = fields.string_at("kind", fields.require("kind")?)?;
        let kind = kind_named(&kind_text).ok_or_else(|| {
            invalid(
                &fields.path("kind"),
                format!(
                    "`{kind_text}` is not a column kind; expected one of {}",
                    KIND_NAMES.join(", ")
                ),
            )
        })?;
        let label = match fields.get("label") {
            Some(raw) => fields.string_at("label", raw)?,
            None => name.clone(),
        };
        columns.push(Column::new(&name, &label, kind));
    }
    Ok(columns)
}

/// `[{column: value}]`: keys are column names; a missing key or `null` is
/// an empty cell; each value must suit its column's kind.
fn read_rows(
    path: &str,
    raw: &RawValue,
    columns: &[Column],
) -> Result<Vec<Vec<Cell>>, OutputError> {
    let items = array_at(path, raw)?;
    let mut rows = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let fields = Fields::object(item, &format!("{path}[{i}]"))?;
        if let Some(unknown) = fields
            .map
            .keys()
            .find(|k| !columns.iter().any(|c| &c.name == *k))
        {
            let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
            return Err(invalid(
                &fields.path(unknown),
                format!("not a column; the columns are {}", names.join(", ")),
            ));
        }
        let row = columns
            .iter()
            .map(|column| match fields.get_or_null(&column.name) {
                Some(Some(value)) => cell(&fields.path(&column.name), column.kind, value),
                _ => Ok(Cell::Empty),
            })
            .collect::<Result<Vec<Cell>, OutputError>>()?;
        rows.push(row);
    }
    Ok(rows)
}

/// One value as a cell of a column of `kind`.
fn cell(path: &str, kind: Kind, raw: &RawValue) -> Result<Cell, OutputError> {
    let text = raw.get();
    let wrong = |expected: &str| {
        invalid(
            path,
            format!(
                "expected {expected} for a `{}` column, found {}",
                kind_name(kind),
                describe(raw)
            ),
        )
    };
    match kind {
        Kind::Text => match first_char(raw) {
            '"' => Ok(Cell::Text(string(raw).ok_or_else(|| wrong("a string"))?)),
            _ => Err(wrong("a string")),
        },
        Kind::Count => serde_json::from_str::<u64>(text)
            .map(Cell::Count)
            .map_err(|_| wrong("a whole number of at least 0")),
        Kind::Money | Kind::MoneyPerHour => decimal(raw)
            .map(Cell::money)
            .ok_or_else(|| wrong("a number (or a string holding a decimal number)")),
        Kind::Hours => decimal(raw)
            .map(|d| Cell::Hours(d.normalize()))
            .ok_or_else(|| wrong("a number (or a string holding a decimal number)")),
        Kind::Ratio => float(raw)
            .map(Cell::Fraction)
            .ok_or_else(|| wrong("a number")),
        Kind::Days => float(raw).map(Cell::Days).ok_or_else(|| wrong("a number")),
        Kind::Number | Kind::PValue | Kind::Bits => float(raw)
            .map(Cell::Number)
            .ok_or_else(|| wrong("a number")),
        Kind::Date => string(raw)
            .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
            .map(Cell::Date)
            .ok_or_else(|| wrong("a date as \"YYYY-MM-DD\"")),
        Kind::Mixed => match first_char(raw) {
            '"' => Ok(Cell::Text(
                string(raw).ok_or_else(|| wrong("a number or a string"))?,
            )),
            _ => float(raw)
                .map(Cell::Number)
                .ok_or_else(|| wrong("a number or a string")),
        },
    }
}

/// `[{"severity": "info"|"warning", "message"}]`
fn read_findings(path: &str, raw: &RawValue) -> Result<Vec<Finding>, OutputError> {
    let items = array_at(path, raw)?;
    let mut findings = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let fields = Fields::object(item, &format!("{path}[{i}]"))?;
        let severity = match fields.get("severity") {
            None => Severity::Info,
            Some(raw) => match fields.string_at("severity", raw)?.as_str() {
                "info" => Severity::Info,
                "warning" => Severity::Warning,
                other => {
                    return Err(invalid(
                        &fields.path("severity"),
                        format!("`{other}` is not a severity; expected `info` or `warning`"),
                    ))
                }
            },
        };
        let message = fields.string_at("message", fields.require("message")?)?;
        findings.push(Finding { severity, message });
    }
    Ok(findings)
}

/// `[{"code", "message", "file", "line", "severity"?, "help"?}]`
fn read_diagnostics(path: &str, raw: &RawValue) -> Result<Vec<PluginDiagnostic>, OutputError> {
    let items = array_at(path, raw)?;
    let mut diagnostics = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let fields = Fields::object(item, &format!("{path}[{i}]"))?;
        let code = fields.string_at("code", fields.require("code")?)?;
        if !is_ident(&code) {
            return Err(invalid(
                &fields.path("code"),
                format!("`{code}` is not a code; use letters, digits, `-`, `_` and `.`, like `missing-rate`"),
            ));
        }
        let severity = match fields.get("severity") {
            None => funnel_ledger::Severity::Error,
            Some(raw) => match fields.string_at("severity", raw)?.as_str() {
                "error" => funnel_ledger::Severity::Error,
                "warning" => funnel_ledger::Severity::Warning,
                other => {
                    return Err(invalid(
                        &fields.path("severity"),
                        format!("`{other}` is not a severity; expected `error` or `warning`"),
                    ))
                }
            },
        };
        let message = fields.string_at("message", fields.require("message")?)?;
        let file = fields.string_at("file", fields.require("file")?)?;
        let line_raw = fields.require("line")?;
        let line = serde_json::from_str::<usize>(line_raw.get())
            .ok()
            .filter(|&l| l > 0)
            .ok_or_else(|| {
                invalid(
                    &fields.path("line"),
                    format!(
                        "expected a line number (1 or more), found {}",
                        describe(line_raw)
                    ),
                )
            })?;
        let help = match fields.get_or_null("help") {
            Some(Some(raw)) => Some(fields.string_at("help", raw)?),
            _ => None,
        };
        diagnostics.push(PluginDiagnostic {
            code,
            severity,
            message,
            file,
            line,
            help,
        });
    }
    Ok(diagnostics)
}

/// The fields of one JSON object, with the path that leads to it.
struct Fields<'a> {
    path: String,
    map: BTreeMap<String, &'a RawValue>,
}

impl<'a> Fields<'a> {
    fn object(raw: &'a RawValue, path: &str) -> Result<Fields<'a>, OutputError> {
        if first_char(raw) != '{' {
            let what = if path.is_empty() {
                "the output"
            } else {
                "this"
            };
            return Err(invalid(
                path,
                format!("expected an object for {what}, found {}", describe(raw)),
            ));
        }
        let map = serde_json::from_str(raw.get())
            .map_err(|err| invalid(path, format!("not an object of fields: {err}")))?;
        Ok(Fields {
            path: path.to_owned(),
            map,
        })
    }

    /// The path of a field of this object.
    fn path(&self, key: &str) -> String {
        match (self.path.is_empty(), key.is_empty()) {
            (_, true) => self.path.clone(),
            (true, false) => key.to_owned(),
            (false, false) => format!("{}.{key}", self.path),
        }
    }

    /// A field that is present and not `null`.
    fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.map.get(key).copied().filter(|raw| raw.get() != "null")
    }

    /// `None`: absent; `Some(None)`: `null`; `Some(Some(_))`: a value.
    fn get_or_null(&self, key: &str) -> Option<Option<&'a RawValue>> {
        self.map
            .get(key)
            .map(|raw| Some(*raw).filter(|raw| raw.get() != "null"))
    }

    fn require(&self, key: &str) -> Result<&'a RawValue, OutputError> {
        self.get(key)
            .ok_or_else(|| invalid("", format!("the field `{}` is missing", self.path(key))))
    }

    fn string_at(&self, key: &str, raw: &RawValue) -> Result<String, OutputError> {
        string(raw).ok_or_else(|| {
            invalid(
                &self.path(key),
                format!("expected a string, found {}", describe(raw)),
            )
        })
    }
}

fn array_at<'a>(path: &str, raw: &'a RawValue) -> Result<Vec<&'a RawValue>, OutputError> {
    if first_char(raw) != '[' {
        return Err(invalid(
            path,
            format!("expected an array, found {}", describe(raw)),
        ));
    }
    serde_json::from_str(raw.get()).map_err(|err| invalid(path, err.to_string()))
}

fn date_at(path: &str, raw: &RawValue) -> Result<NaiveDate, OutputError> {
    string(raw)
        .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
        .ok_or_else(|| {
            invalid(
                path,
                format!("expected a date as \"YYYY-MM-DD\", found {}", describe(raw)),
            )
        })
}

fn invalid(path: &str, message: String) -> OutputError {
    OutputError::Invalid {
        path: path.to_owned(),
        message,
    }
}

fn first_char(raw: &RawValue) -> char {
    raw.get().trim_start().chars().next().unwrap_or(' ')
}

fn string(raw: &RawValue) -> Option<String> {
    if first_char(raw) == '"' {
        serde_json::from_str(raw.get()).ok()
    } else {
        None
    }
}

fn float(raw: &RawValue) -> Option<f64> {
    match first_char(raw) {
        '-' | '0'..='9' => serde_json::from_str::<f64>(raw.get())
            .ok()
            .filter(|x| x.is_finite()),
        _ => None,
    }
}

/// An exact decimal from a JSON number's own digits, or from a string that
/// holds one (for languages whose JSON writers cannot write exact decimals).
fn decimal(raw: &RawValue) -> Option<Decimal> {
    let text = match first_char(raw) {
        '"' => string(raw)?,
        '-' | '0'..='9' => raw.get().trim().to_owned(),
        _ => return None,
    };
    let text = text.trim();
    if text.is_empty() || !text.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    {
        return None;
    }
    if text.contains(['e', 'E']) {
        Decimal::from_scientific(text).ok()
    } else {
        Decimal::from_str(text).ok()
    }
}

/// "a string (\"abc\")", "a number (12)", "an object", … for error messages.
fn describe(raw: &RawValue) -> String {
    let text = raw.get().trim();
    let short = |t: &str| {
        if t.chars().count() > 40 {
            format!("{}…", t.chars().take(40).collect::<String>())
        } else {
            t.to_owned()
        }
    };
    match first_char(raw) {
        '"' => format!("a string ({})", short(text)),
        '{' => "an object".to_owned(),
        '[' => "an array".to_owned(),
        't' | 'f' => format!("a boolean ({text})"),
        'n' => "null".to_owned(),
        _ => format!("a number ({})", short(text)),
    }
}

/// The names of the column kinds, as JSON writes them.
pub const KIND_NAMES: &[&str] = &[
    "text",
    "count",
    "money",
    "money_per_hour",
    "ratio",
    "hours",
    "days",
    "number",
    "p_value",
    "bits",
    "date",
    "mixed",
];

const KINDS: &[Kind] = &[
    Kind::Text,
    Kind::Count,
    Kind::Money,
    Kind::MoneyPerHour,
    Kind::Ratio,
    Kind::Hours,
    Kind::Days,
    Kind::Number,
    Kind::PValue,
    Kind::Bits,
    Kind::Date,
    Kind::Mixed,
];

/// The kind a column's `kind` names.
pub fn kind_named(name: &str) -> Option<Kind> {
    KIND_NAMES.iter().position(|n| *n == name).map(|i| KINDS[i])
}

fn kind_name(kind: Kind) -> &'static str {
    KINDS
        .iter()
        .position(|k| *k == kind)
        .map_or("?", |i| KIND_NAMES[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger};

    fn ctx() -> Context {
        let l = ledger("option currency EUR\n");
        Context::new(&l, date("2026-06-30"))
    }

    fn parse_ok(text: &str) -> Output {
        parse("conc", text, &ctx()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn parse_err(text: &str) -> String {
        parse("conc", text, &ctx()).unwrap_err().to_string()
    }

    #[test]
    fn kind_names_match_the_report_json() {
        for (name, kind) in KIND_NAMES.iter().zip(KINDS) {
            assert_eq!(serde_json::to_string(kind).unwrap(), format!("\"{name}\""));
            assert_eq!(kind_named(name), Some(*kind));
        }
    }

    #[test]
    fn a_report_with_typed_cells() {
        let out = parse_ok(
            r#"{"schema": "funnel.report/1", "title": "Concentration",
                "columns": [{"name": "client", "kind": "text"}, {"name": "revenue", "kind": "money"},
                            {"name": "share", "kind": "ratio"}, {"name": "deals", "kind": "count"},
                            {"name": "since", "kind": "date"}],
                "rows": [{"client": "acme", "revenue": 45800.10, "share": 0.5, "deals": 2, "since": "2026-01-02"},
                         {"client": "x", "revenue": "0.125", "share": null}],
                "findings": [{"severity": "warning", "message": "one client"}]}"#,
        );
        let report = out.report.unwrap();
        assert_eq!(report.analysis, "conc");
        assert_eq!(report.title, "Concentration");
        assert_eq!(report.currency.as_deref(), Some("EUR"));
        assert_eq!(report.as_of, date("2026-06-30"));
        assert_eq!(
            report.rows[0],
            vec![
                Cell::text("acme"),
                Cell::Money(Decimal::new(458001, 1)),
                Cell::Fraction(0.5),
                Cell::Count(2),
                Cell::Date(date("2026-01-02")),
            ]
        );
        // Money is rounded to the cent like every report's; missing is empty.
        assert_eq!(report.rows[1][1], Cell::Money(Decimal::new(13, 2)));
        assert_eq!(report.rows[1][2], Cell::Empty);
        assert_eq!(report.rows[1][3], Cell::Empty);
        assert_eq!(report.findings[0].severity, Severity::Warning);
        assert!(out.diagnostics.is_empty());
        // The same JSON as a built-in: exact money.
        let json = serde_json::to_string(&report).unwrap();
        assert!(json.contains("\"revenue\":45800.1,"), "{json}");
    }

    #[test]
    fn an_array_of_one_and_diagnostics_only() {
        let out = parse_ok(
            r#"[{"schema": "funnel.report/1", "diagnostics": [
                {"code": "no-rate", "message": "no rate", "file": "a.funnel", "line": 3, "severity": "warning", "help": "add one"}]}]"#,
        );
        assert!(out.report.is_none());
        assert_eq!(out.diagnostics[0].code, "no-rate");
        assert_eq!(out.diagnostics[0].line, 3);
        assert_eq!(
            out.diagnostics[0].severity,
            funnel_ledger::Severity::Warning
        );
        assert_eq!(out.diagnostics[0].help.as_deref(), Some("add one"));
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(parse("c", "  \n", &ctx()), Err(OutputError::Empty));
        assert!(parse_err("{\"schema\": ").starts_with("printed output that is not JSON: EOF"));
        assert_eq!(
            parse("c", r#"{"columns": []}"#, &ctx()),
            Err(OutputError::Version { found: None })
        );
        assert!(parse_err(r#"{"schema": "funnel.report/2"}"#).contains("speaks `funnel.report/2`"));
        let head = r#"{"schema": "funnel.report/1", "columns": [{"name": "n", "kind": "count"}], "rows": "#;
        assert_eq!(
            parse_err(&format!("{head}[{{\"n\": 1}}, {{\"n\": -1}}]}}")),
            "printed an invalid report: field `rows[1].n`: expected a whole number of at least 0 for a `count` column, found a number (-1)"
        );
        assert_eq!(
            parse_err(&format!("{head}[{{\"m\": 1}}]}}")),
            "printed an invalid report: field `rows[0].m`: not a column; the columns are n"
        );
        assert_eq!(
            parse_err(&format!("{head}{{}}}}")),
            "printed an invalid report: field `rows`: expected an array, found an object"
        );
        assert_eq!(
            parse_err(r#"{"schema": "funnel.report/1", "columns": [{"name": "n", "kind": "euros"}], "rows": []}"#)
                .split(';')
                .next()
                .unwrap(),
            "printed an invalid report: field `columns[0].kind`: `euros` is not a column kind"
        );
        assert_eq!(
            parse_err(
                r#"{"schema": "funnel.report/1", "columns": [{"name": "n", "kind": "text"}]}"#
            ),
            "printed an invalid report: the field `rows` is missing"
        );
        assert_eq!(
            parse_err(
                r#"[{"schema": "funnel.report/1", "diagnostics": [{"code": "x", "message": "m", "file": "f"}]}]"#
            ),
            "printed an invalid report: the field `[0].diagnostics[0].line` is missing"
        );
        assert!(parse_err("[1, 2]").contains("an array of 2 values"));
        assert!(parse_err(r#"{"schema": "funnel.report/1"}"#).contains("nothing to show"));
    }
}
