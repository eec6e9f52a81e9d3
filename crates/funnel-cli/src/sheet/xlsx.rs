//! `--format xlsx`: the sheets as an Office Open XML workbook, through
//! `rust_xlsxwriter`. Numbers are stored as the format's binary floats,
//! converted from the exact decimals here and nowhere earlier.

use std::io::Write;

use anyhow::{Context as _, Result};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use super::{width, NumberFormat, Sheet, Value};

/// Writes the sheets as one `.xlsx` workbook to `out`.
pub fn write(out: &mut dyn Write, sheets: &[Sheet]) -> Result<()> {
    let bytes = workbook(sheets).context("cannot make the xlsx workbook")?;
    out.write_all(&bytes)?;
    Ok(())
}

fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let header = Format::new().set_bold();
    let mut workbook = Workbook::new();
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(&sheet.name)?;
        let formats: Vec<Format> = sheet
            .columns
            .iter()
            .map(|column| number_format(column.format))
            .collect();
        let date = number_format(NumberFormat::Date);
        for (col, column) in sheet.columns.iter().enumerate() {
            let col = col as u16;
            worksheet.write_string_with_format(0, col, &column.header, &header)?;
            worksheet.set_column_width(col, width(sheet, col as usize))?;
        }
        worksheet.set_freeze_panes(1, 0)?;
        for (index, row) in sheet.rows.iter().enumerate() {
            let row_number = index as u32 + 1;
            for (col, value) in row.iter().enumerate() {
                let format = &formats[col];
                let col = col as u16;
                match value {
                    Value::Empty => {}
                    Value::Text(text) => {
                        worksheet.write_string(row_number, col, text)?;
                    }
                    Value::Decimal(d) => {
                        let x = d.to_f64().unwrap_or(f64::NAN);
                        worksheet.write_number_with_format(row_number, col, x, format)?;
                    }
                    Value::Float(x) => {
                        worksheet.write_number_with_format(row_number, col, *x, format)?;
                    }
                    Value::Date(day) => {
                        use chrono::Datelike;
                        // Excel's dates start in 1900: an earlier one is
                        // written as its ISO text rather than not at all.
                        match u16::try_from(day.year()).ok().and_then(|year| {
                            ExcelDateTime::from_ymd(year, day.month() as u8, day.day() as u8).ok()
                        }) {
                            Some(excel) => {
                                worksheet
                                    .write_datetime_with_format(row_number, col, &excel, &date)?;
                            }
                            None => {
                                worksheet.write_string(row_number, col, day.to_string())?;
                            }
                        }
                    }
                    Value::Bool(b) => {
                        worksheet.write_boolean(row_number, col, *b)?;
                    }
                }
            }
        }
    }
    workbook.save_to_buffer()
}

/// A column's number format in Excel's format codes. `#,##0.00` and
/// `0.0%` are shown with the reader's own separators (`11.000,25` in a
/// German Excel or LibreOffice).
fn number_format(format: NumberFormat) -> Format {
    let code = match format {
        NumberFormat::General => "General",
        NumberFormat::Integer => "0",
        NumberFormat::Money => "#,##0.00",
        NumberFormat::TwoDecimals => "0.00",
        NumberFormat::Percent => "0.0%",
        NumberFormat::Date => "yyyy-mm-dd",
    };
    Format::new().set_num_format(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::{column, Sheet};
    use calamine::{Data, Reader};
    use funnel_analysis::Kind;

    /// Money reads back exactly; a date before Excel's 1900 is its text.
    #[test]
    fn values_read_back() {
        let date = |text: &str| Value::Date(text.parse().unwrap());
        let sheet = Sheet {
            name: "s".to_owned(),
            columns: vec![
                column("value", Kind::Money, Some("EUR")),
                column("day", Kind::Date, None),
            ],
            rows: vec![
                vec![
                    Value::Decimal(rust_decimal::Decimal::new(1_100_025, 2)),
                    date("2026-01-05"),
                ],
                vec![Value::Empty, date("1850-07-01")],
            ],
        };
        let bytes = workbook(&[sheet]).unwrap();
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("s").unwrap();
        assert_eq!(range.get_value((1, 0)), Some(&Data::Float(11000.25)));
        assert!(
            matches!(range.get_value((1, 1)), Some(Data::DateTime(d)) if d.as_f64() == 46027.0)
        );
        assert_eq!(
            range.get_value((2, 1)),
            Some(&Data::String("1850-07-01".to_owned()))
        );
    }
}
