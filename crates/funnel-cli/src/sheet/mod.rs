//! Typed spreadsheets: `--format xlsx` and `--format ods` of `report` and
//! `export`. A [`Sheet`] is one table with typed cells and a number format
//! per column; [`xlsx`] and [`ods`] write a list of them as one workbook.
//!
//! What a column's [`Kind`] becomes in a spreadsheet is decided once, by
//! [`column`], for both writers and for reports and exports alike: money
//! gets two decimals and the currency in its header, ratios are
//! percentages, counts whole numbers, dates dates. A cell's type comes from
//! its value (a date is a date cell in any column, text is never a
//! formula); money stays a `Decimal` up to the writer, which converts it at
//! the last step (xlsx stores a binary float; ods stores the decimal's own
//! digits).
//!
//! Unlike CSV and JSON, a workbook is written whole at the end, so an
//! export holds its table in memory (CSV and JSON stream their rows).

pub mod ods;
pub mod xlsx;

use chrono::NaiveDate;
use funnel_analysis::export::{self as table, What};
use funnel_analysis::{Cell, Kind, Report};
use rust_decimal::Decimal;

/// The most rows a sheet of either format holds (Excel's limit, and
/// LibreOffice's since 7.4), the header row included.
pub const MAX_ROWS: usize = 1_048_576;

/// One table of a workbook.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    /// The sheet's tab name, already valid (see [`sheet_names`]).
    pub name: String,
    pub columns: Vec<SheetColumn>,
    /// Each row has one value per column.
    pub rows: Vec<Vec<Value>>,
}

/// One column: the text of its header cell and how its numbers look.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetColumn {
    pub header: String,
    pub format: NumberFormat,
}

/// How the numbers of a column are shown. The cell keeps the full value;
/// this is only its display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberFormat {
    /// As many digits as the value has.
    General,
    /// A whole number: `12`.
    Integer,
    /// Two decimals with grouping: `11,000.25` (in the reader's locale).
    Money,
    /// Two decimals: `1.50` (hours).
    TwoDecimals,
    /// A fraction shown as a percentage with one decimal: `25.0%`.
    Percent,
    /// A date, ISO: `2026-03-01`.
    Date,
}

/// One typed cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    /// An exact number (money, hours, counts); converted to the file
    /// format's number only when written.
    Decimal(Decimal),
    /// A number computed as a float (ratios, statistics, days).
    Float(f64),
    Date(NaiveDate),
    Bool(bool),
}

/// The one mapping from what a column holds to its spreadsheet header and
/// number format; `currency` is the base currency of money columns.
pub fn column(name: &str, kind: Kind, currency: Option<&str>) -> SheetColumn {
    let (format, unit) = match kind {
        Kind::Text => (NumberFormat::General, None),
        Kind::Count => (NumberFormat::Integer, None),
        Kind::Money => (NumberFormat::Money, currency.map(str::to_owned)),
        Kind::MoneyPerHour => (NumberFormat::Money, currency.map(|c| format!("{c}/h"))),
        Kind::Ratio => (NumberFormat::Percent, None),
        Kind::Hours => (NumberFormat::TwoDecimals, None),
        Kind::Date => (NumberFormat::Date, None),
        // Values whose precision is their own (days, ratings, p-values,
        // bits) or whose unit depends on the row (`surprises`' assumed and
        // observed, amounts in a currency another column names).
        Kind::Days | Kind::Number | Kind::PValue | Kind::Bits | Kind::Mixed => {
            (NumberFormat::General, None)
        }
    };
    let header = match unit {
        Some(unit) => format!("{name} ({unit})"),
        None => name.to_owned(),
    };
    SheetColumn { header, format }
}

/// A report's cell as a spreadsheet value: rates as their fraction, money
/// and hours exact, statistics as floats (not finite: empty).
pub fn value_of_cell(cell: &Cell) -> Value {
    match cell {
        Cell::Empty => Value::Empty,
        Cell::Text(text) => Value::Text(text.clone()),
        Cell::Count(n) => Value::Decimal(Decimal::from(*n)),
        Cell::Money(d) | Cell::Hours(d) => Value::Decimal(*d),
        Cell::Date(date) => Value::Date(*date),
        other => match other.as_f64() {
            Some(x) if x.is_finite() => Value::Float(x),
            _ => Value::Empty,
        },
    }
}

/// An export's value as a spreadsheet value: lists joined by spaces and
/// metadata as its JSON text, as in CSV.
pub fn value_of_export(value: &table::Value) -> Value {
    match value {
        table::Value::Empty => Value::Empty,
        table::Value::Text(text) => Value::Text(text.clone()),
        table::Value::Int(n) => Value::Decimal(Decimal::from(*n)),
        table::Value::Decimal(d) => Value::Decimal(*d),
        table::Value::Bool(b) => Value::Bool(*b),
        table::Value::Date(d) => Value::Date(*d),
        table::Value::List(items) => Value::Text(items.join(" ")),
        table::Value::Json(json) => Value::Text(json.to_string()),
    }
}

/// The sheets of `funnel report`: one per analysis, in order, then the
/// findings of all of them on a sheet of their own.
pub fn report_sheets(reports: &[Report]) -> Vec<Sheet> {
    let mut sheets: Vec<Sheet> = reports
        .iter()
        .map(|report| Sheet {
            name: report.analysis.clone(),
            columns: report
                .columns
                .iter()
                .map(|c| column(&c.name, c.kind, report.currency.as_deref()))
                .collect(),
            rows: report
                .rows
                .iter()
                .map(|row| row.iter().map(value_of_cell).collect())
                .collect(),
        })
        .collect();
    sheets.push(Sheet {
        name: "findings".to_owned(),
        columns: ["analysis", "severity", "message"]
            .iter()
            .map(|name| column(name, Kind::Text, None))
            .collect(),
        rows: reports
            .iter()
            .flat_map(|report| {
                report.findings.iter().map(|finding| {
                    let severity = match finding.severity {
                        funnel_analysis::Severity::Info => "info",
                        funnel_analysis::Severity::Warning => "warning",
                    };
                    vec![
                        Value::Text(report.analysis.clone()),
                        Value::Text(severity.to_owned()),
                        Value::Text(finding.message.clone()),
                    ]
                })
            })
            .collect(),
    });
    name_sheets(&mut sheets);
    sheets
}

/// The sheet of one exported table, named after it (`deals`). An error
/// when it has more rows than a sheet holds.
pub fn export_sheet(
    ledger: &funnel_ledger::Ledger,
    ctx: &funnel_analysis::Context,
    what: What,
) -> anyhow::Result<Sheet> {
    let currency = ctx.currency.map(|c| c.to_string());
    let columns = what
        .columns()
        .iter()
        .zip(what.kinds())
        .map(|(name, kind)| column(name, kind, currency.as_deref()))
        .collect();
    let mut rows = Vec::new();
    table::export_each(ledger, ctx, what, |row| {
        if rows.len() + 1 >= MAX_ROWS {
            anyhow::bail!(
                "the {} table has more than {} rows, more than a spreadsheet holds: \
                 export it as CSV or JSON, or narrow it with --period or --channel",
                what.name(),
                MAX_ROWS - 1
            );
        }
        rows.push(row.iter().map(value_of_export).collect());
        Ok(())
    })?;
    Ok(Sheet {
        name: what.name().to_owned(),
        columns,
        rows,
    })
}

/// Makes the sheets' names valid and distinct in both formats: at most 31
/// characters, none of `[ ] : * ? / \`, no `'` at either end, not empty,
/// not Excel's reserved `History`, no two alike (ignoring case). A
/// plugin's name may be anything; built-in names pass unchanged.
pub fn name_sheets(sheets: &mut [Sheet]) {
    let mut taken: Vec<String> = vec!["History".to_owned()];
    for sheet in sheets {
        let clean: String = sheet
            .name
            .chars()
            .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
            .take(31)
            .collect();
        let clean = clean.trim_matches('\'').to_owned();
        let clean = if clean.trim().is_empty() {
            "sheet".to_owned()
        } else {
            clean
        };
        let mut name = clean.clone();
        let mut n = 2;
        while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
            let suffix = format!(" ({n})");
            let keep = 31 - suffix.chars().count();
            name = format!("{}{suffix}", clean.chars().take(keep).collect::<String>());
            n += 1;
        }
        taken.push(name.clone());
        sheet.name = name;
    }
}

/// How wide a column should be, in characters of the default font: its
/// widest cell as shown (header included), within 6 to 60.
pub fn width(sheet: &Sheet, column: usize) -> f64 {
    let format = sheet.columns[column].format;
    let header = sheet.columns[column].header.chars().count();
    let widest = sheet
        .rows
        .iter()
        .map(|row| shown_len(&row[column], format))
        .fold(header, usize::max);
    (widest.clamp(4, 58) + 2) as f64
}

/// The length of a value as its number format shows it (a close guess for
/// numbers: digits, grouping, decimals).
fn shown_len(value: &Value, format: NumberFormat) -> usize {
    let number = |x: f64| {
        let digits = format!("{:.0}", x.abs().trunc()).len() + usize::from(x < 0.0);
        match format {
            NumberFormat::Integer => digits,
            NumberFormat::Money => digits + (digits - 1) / 3 + 3,
            NumberFormat::TwoDecimals => digits + 3,
            NumberFormat::Percent => format!("{:.1}", x * 100.0).len() + 1,
            NumberFormat::General | NumberFormat::Date => format!("{x}").len().min(12),
        }
    };
    match value {
        Value::Empty => 0,
        Value::Text(text) => text.lines().map(|l| l.chars().count()).max().unwrap_or(0),
        Value::Decimal(d) => {
            use rust_decimal::prelude::ToPrimitive;
            match format {
                NumberFormat::General | NumberFormat::Date => d.normalize().to_string().len(),
                _ => number(d.to_f64().unwrap_or(0.0)),
            }
        }
        Value::Float(x) => number(*x),
        Value::Date(_) => 10,
        Value::Bool(_) => 5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(name: &str) -> Sheet {
        Sheet {
            name: name.to_owned(),
            columns: Vec::new(),
            rows: Vec::new(),
        }
    }

    #[test]
    fn headers_carry_the_currency_of_money() {
        assert_eq!(
            column("revenue", Kind::Money, Some("EUR")).header,
            "revenue (EUR)"
        );
        assert_eq!(
            column("net_per_hour", Kind::MoneyPerHour, Some("EUR")).header,
            "net_per_hour (EUR/h)"
        );
        assert_eq!(column("revenue", Kind::Money, None).header, "revenue");
        assert_eq!(column("leads", Kind::Count, Some("EUR")).header, "leads");
        assert_eq!(
            column("win_rate", Kind::Ratio, None).format,
            NumberFormat::Percent
        );
    }

    #[test]
    fn sheet_names_are_valid_and_distinct() {
        let mut sheets = vec![
            sheet("funnel"),
            sheet("a/b:c"),
            sheet("Funnel"),
            sheet(&"x".repeat(40)),
            sheet(&"x".repeat(40)),
            sheet(" "),
            sheet("'quoted'"),
            sheet("history"),
        ];
        name_sheets(&mut sheets);
        let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names[0], "funnel");
        assert_eq!(names[1], "a_b_c");
        assert_eq!(names[2], "Funnel (2)");
        assert_eq!(names[3], "x".repeat(31));
        assert_eq!(names[4], format!("{} (2)", "x".repeat(27)));
        assert_eq!(names[5], "sheet");
        assert_eq!(names[6], "quoted");
        assert_eq!(names[7], "history (2)");
    }

    #[test]
    fn widths_fit_the_widest_shown_value() {
        let sheet = Sheet {
            name: "s".to_owned(),
            columns: vec![column("revenue", Kind::Money, Some("EUR"))],
            rows: vec![
                vec![Value::Decimal(Decimal::new(123_456_725, 2))],
                vec![Value::Empty],
            ],
        };
        // The header, "revenue (EUR)", is 13 characters, wider than
        // "1,234,567.25" (12); then 2 of padding.
        assert_eq!(width(&sheet, 0), 15.0);
        let wide = Sheet {
            rows: vec![vec![Value::Decimal(Decimal::new(12_345_678_901_225, 2))]],
            ..sheet
        };
        // "123,456,789,012.25": 18 characters.
        assert_eq!(width(&wide, 0), 20.0);
    }
}
