//! CSV (RFC 4180, through the `csv` crate): one report, a header row of
//! column names, numbers plain (`.` decimal, no grouping, no currency),
//! ratios as fractions, dates ISO, empty cells empty. A text cell that a
//! spreadsheet would run as a formula is prefixed with `'`.

use std::io::Write;

use anyhow::Result;
use funnel_analysis::{Cell, Report};

pub fn write(out: &mut impl Write, report: &Report) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(report.columns.iter().map(|c| c.name.as_str()))?;
    for row in &report.rows {
        writer.write_record(row.iter().map(field))?;
    }
    writer.flush()?;
    Ok(())
}

/// One cell as a CSV field.
pub fn field(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(text) => protect(text),
        Cell::Count(n) => n.to_string(),
        Cell::Money(d) | Cell::Hours(d) => d.normalize().to_string(),
        Cell::Date(date) => date.to_string(),
        other => match other.as_f64() {
            // `f64`'s `Display` is the shortest text that reads back as the
            // same number, and never uses an exponent.
            Some(x) if x.is_finite() => x.to_string(),
            _ => String::new(),
        },
    }
}

/// Formula-injection protection (OWASP "CSV injection"): a text that starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.
/// Only text cells: a number such as -5 stays a number.
pub fn protect(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn fields() {
        assert_eq!(field(&Cell::text("=1+1")), "'=1+1");
        assert_eq!(field(&Cell::text("-5")), "'-5");
        assert_eq!(field(&Cell::text("@SUM(A1)")), "'@SUM(A1)");
        assert_eq!(field(&Cell::text("\tx")), "'\tx");
        assert_eq!(field(&Cell::text("platform:upwork")), "platform:upwork");
        assert_eq!(field(&Cell::Money(Decimal::from(-5))), "-5");
        assert_eq!(field(&Cell::Money(Decimal::new(120050, 2))), "1200.5");
        assert_eq!(field(&Cell::Rate { k: 1, n: 4 }), "0.25");
        assert_eq!(field(&Cell::Number(1e-20)), "0.00000000000000000001");
        assert_eq!(field(&Cell::Empty), "");
    }
}
