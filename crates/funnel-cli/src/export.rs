//! `funnel export`: the ledger's data as CSV, JSON or a typed spreadsheet
//! (the tables are built by `funnel_analysis::export`; this module selects
//! and writes them).

use std::io::Write;

use anyhow::Result;
use funnel_analysis::document::document;
use funnel_analysis::export::{self, Value, What};
use funnel_analysis::{Context, Run};
use funnel_ledger::Ledger;

use crate::cli::{ExportArgs, ExportFormat, ExportWhat};
use crate::{diagnostics, exit, render, sheet};

pub fn run(args: &ExportArgs) -> Result<u8> {
    let format = match args.format() {
        Ok(format) => format,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(exit::USAGE);
        }
    };
    if args.what == ExportWhat::Ledger && format != ExportFormat::Json {
        eprintln!(
            "error: `funnel export ledger` writes one JSON document (the input of plugins, docs/plugins.md), \
             not a table: use `funnel export ledger --format json`"
        );
        return Ok(exit::USAGE);
    }
    if args.what == ExportWhat::All && !format.is_sheet() {
        eprintln!(
            "error: `funnel export all` writes the four tables as the sheets of one workbook: \
             use `--format xlsx` or `--format ods` (or `-o FILE.xlsx`); {} holds one table, \
             like `funnel export deals --format {}`",
            format.name().to_uppercase(),
            format.name()
        );
        return Ok(exit::USAGE);
    }
    if format.is_sheet() {
        if let Some(message) =
            crate::output::binary_on_terminal(args.output.as_deref(), format.name())
        {
            eprintln!("error: {message}");
            return Ok(exit::USAGE);
        }
    }
    let ledger_args = args.ledger();
    let as_of = ledger_args.as_of();
    let (from, to) = crate::ledger_args::period_bounds(args.period, args.from, args.to, as_of);
    let checked = ledger_args.load(false)?;
    if diagnostics::refuse_errors(&checked, "not exported")? {
        return Ok(exit::FAILED);
    }
    let ledger = &checked.ledger;
    let mut ctx = Context::new(ledger, as_of).with_period(from, to);
    ctx.channel = args.channel.clone();
    let tables: &[What] = match args.what {
        ExportWhat::Deals => &[What::Deals],
        ExportWhat::Entries => &[What::Entries],
        ExportWhat::Channels => &[What::Channels],
        ExportWhat::Contacts => &[What::Contacts],
        ExportWhat::All => &What::ALL,
        // Not a table: the one document plugins read on standard input.
        ExportWhat::Ledger => &[],
    };
    // CSV and JSON rows are written as they are made, never held as a
    // whole table; a workbook is made whole first (its format needs every
    // row before the file can be written), so a table too big for a sheet
    // fails before a byte is written.
    let write = |out: &mut dyn Write| -> Result<()> {
        match (tables, format) {
            ([], _) => {
                let run = Run::new(ledger, ctx.clone());
                out.write_all(document(&run).to_json().as_bytes())?;
            }
            ([what], ExportFormat::Csv) => write_csv(out, ledger, &ctx, *what)?,
            ([what], ExportFormat::Json) => write_json(out, ledger, &ctx, *what)?,
            (tables, ExportFormat::Xlsx | ExportFormat::Ods) => {
                let sheets = tables
                    .iter()
                    .map(|what| sheet::export_sheet(ledger, &ctx, *what))
                    .collect::<Result<Vec<_>>>()?;
                if format == ExportFormat::Xlsx {
                    sheet::xlsx::write(out, &sheets)?;
                } else {
                    sheet::ods::write(out, &sheets)?;
                }
            }
            // `all` is refused above for CSV and JSON.
            (_, ExportFormat::Csv | ExportFormat::Json) => {
                anyhow::bail!("CSV and JSON hold one table each")
            }
        }
        Ok(())
    };
    crate::output::write_to(args.output.as_deref(), write)?;
    Ok(exit::OK)
}

/// RFC 4180 through the csv crate: a header row, plain numbers, ISO dates,
/// empty cells for empty, formula protection on text cells only.
pub fn write_csv(out: &mut dyn Write, ledger: &Ledger, ctx: &Context, what: What) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(what.columns())?;
    export::export_each(ledger, ctx, what, |row| {
        writer.write_record(row.iter().map(csv_field))
    })?;
    writer.flush()?;
    Ok(())
}

fn csv_field(value: &Value) -> String {
    match value {
        Value::Empty => String::new(),
        Value::Text(text) => render::csv::protect(text),
        Value::Int(n) => n.to_string(),
        Value::Decimal(d) => d.normalize().to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => d.to_string(),
        Value::List(items) => render::csv::protect(&items.join(" ")),
        Value::Json(json) => json.to_string(),
    }
}

/// An array of objects, keys in column order; decimals as exact numbers.
/// Written an element at a time, as `serde_json::to_writer_pretty` writes
/// a whole array.
pub fn write_json(out: &mut dyn Write, ledger: &Ledger, ctx: &Context, what: What) -> Result<()> {
    use serde::ser::{SerializeSeq, Serializer as _};
    let columns = what.columns();
    let mut serializer = serde_json::Serializer::pretty(&mut *out);
    let mut array = serializer.serialize_seq(None)?;
    export::export_each(ledger, ctx, what, |row| {
        array.serialize_element(&JsonRow { columns, row: &row })
    })?;
    array.end()?;
    writeln!(out)?;
    Ok(())
}

struct JsonRow<'a> {
    columns: &'a [&'a str],
    row: &'a [Value],
}

impl serde::Serialize for JsonRow<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for (name, value) in self.columns.iter().zip(self.row) {
            map.serialize_entry(name, &JsonValue(value))?;
        }
        map.end()
    }
}

struct JsonValue<'a>(&'a Value);

impl serde::Serialize for JsonValue<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Empty => serializer.serialize_none(),
            Value::Text(text) => serializer.serialize_str(text),
            Value::Int(n) => serializer.serialize_i64(*n),
            // The decimal's own digits, never through a binary float:
            // `Decimal`'s text has no exponent, so it is a JSON number.
            Value::Decimal(d) => {
                serde_json::value::RawValue::from_string(d.normalize().to_string())
                    .map_err(serde::ser::Error::custom)?
                    .serialize(serializer)
            }
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Date(d) => serializer.collect_str(d),
            Value::List(items) => items.serialize(serializer),
            Value::Json(json) => json.serialize(serializer),
        }
    }
}
