//! `funnel export`: the ledger's data as CSV or JSON (the tables are built
//! by `funnel_analysis::export`; this module selects and writes them).

use std::io::Write;

use anyhow::Result;
use funnel_analysis::document::document;
use funnel_analysis::export::{self, Value, What};
use funnel_analysis::{Context, Run};
use funnel_ledger::Ledger;

use crate::cli::{ExportArgs, ExportFormat, ExportWhat};
use crate::{diagnostics, exit, render};

pub fn run(args: &ExportArgs) -> Result<u8> {
    let format = match args.format() {
        Ok(format) => format,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(exit::USAGE);
        }
    };
    if args.what == ExportWhat::Ledger && format == ExportFormat::Csv {
        eprintln!(
            "error: `funnel export ledger` writes one JSON document (the input of plugins, docs/plugins.md), \
             not a table: use `funnel export ledger --format json`"
        );
        return Ok(exit::USAGE);
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
    let what = match args.what {
        ExportWhat::Deals => Some(What::Deals),
        ExportWhat::Entries => Some(What::Entries),
        ExportWhat::Channels => Some(What::Channels),
        ExportWhat::Contacts => Some(What::Contacts),
        // Not a table: the one document plugins read on standard input.
        ExportWhat::Ledger => None,
    };
    // Rows are written as they are made, never held as a whole table.
    let write = |out: &mut dyn Write| -> Result<()> {
        match what {
            None => {
                let run = Run::new(ledger, ctx.clone());
                out.write_all(document(&run).to_json().as_bytes())?;
            }
            Some(what) => match format {
                ExportFormat::Csv => write_csv(out, ledger, &ctx, what)?,
                ExportFormat::Json => write_json(out, ledger, &ctx, what)?,
            },
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
