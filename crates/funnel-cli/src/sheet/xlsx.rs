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
                        let day = ExcelDateTime::from_ymd(
                            day.year() as u16,
                            day.month() as u8,
                            day.day() as u8,
                        )?;
                        worksheet.write_datetime_with_format(row_number, col, &day, &date)?;
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
