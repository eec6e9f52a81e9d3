//! `funnel report` and `funnel analyses`: pick the analyses, read and check
//! the ledger (a ledger with errors is not analysed), run them over one
//! shared [`Run`] (the settings and the deal facts, computed once), and
//! render the reports as a table, CSV, JSON, a typed spreadsheet or an
//! HTML page.

use std::io::Write;

use anyhow::Result;
use funnel_analysis::{Context, Run, ANALYSES};
use funnel_ledger::suggest::closest;
use funnel_ledger::Ledger;

use crate::cli::{ReportArgs, ReportFormat};
use crate::diagnostics;
use crate::exit;
use crate::plugin::{self, Selected};
use crate::render;
use crate::sheet;

pub fn run(args: &ReportArgs) -> Result<u8> {
    let format = match args.format() {
        Ok(format) => format,
        Err(message) => return usage(&message),
    };
    let analyses = match select(&args.analyses) {
        Ok(analyses) => analyses,
        Err(message) => return usage(&message),
    };
    if format == ReportFormat::Csv && analyses.len() != 1 {
        return usage(&format!(
            "CSV holds one table, so `--format csv` takes exactly one analysis, like `funnel report channels --format csv` \
             ({} selected: {})",
            analyses.len(),
            names(&analyses)
        ));
    }
    if matches!(format, ReportFormat::Xlsx | ReportFormat::Ods) {
        if let Some(message) =
            crate::output::binary_on_terminal(args.output.as_deref(), format.name())
        {
            return usage(&message);
        }
    }
    let ledger_args = args.ledger();
    let as_of = ledger_args.as_of();
    let (from, to) = crate::ledger_args::period_bounds(args.period, args.from, args.to, as_of);
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return usage(&format!(
                "the period starts on {from}, after it ends on {to}"
            ));
        }
    }

    let checked = ledger_args.load(false)?;
    if diagnostics::refuse_errors(&checked, "not analysed")? {
        return Ok(exit::FAILED);
    }
    let ledger = &checked.ledger;
    let mut ctx = Context::new(ledger, as_of).with_period(from, to);
    if let Some(from) = ctx.from.filter(|from| *from > ctx.to) {
        return usage(&format!(
            "the period starts on {from}, after the as-of date {as_of}: nothing in it has happened yet \
             (use --as-of to judge the ledger on a later day)"
        ));
    }
    ctx.channel = args.channel.clone();
    ctx.depth = args.depth.map(usize::from);
    ctx.interval = args.interval.interval();
    if let Some(channel) = &ctx.channel {
        warn_unknown_channel(ledger, channel);
    }

    let mut timer = funnel_ledger::Timings::from_env();
    let run = Run::new(ledger, ctx);
    timer.lap("deal facts");
    // The table view's cells are formatted on the thread that ran each
    // analysis, right after it (`render::table::write`).
    let table = format == ReportFormat::Table;
    let mut reports = Vec::with_capacity(analyses.len());
    let mut cells = Vec::with_capacity(analyses.len());
    for result in run_all(&analyses, &run, args.plugin_timeout, |report| {
        table.then(|| render::table::Cells::of(report))
    }) {
        match result {
            Ok((report, report_cells)) => {
                reports.push(report);
                cells.extend(report_cells);
            }
            Err(err) => {
                eprintln!("error: {err}");
                return Ok(exit::PLUGIN);
            }
        }
    }
    timer.lap("analyses");
    let output = args.output.as_deref();
    crate::output::write_to(output, |mut out| match format {
        ReportFormat::Table => {
            let style = render::table::Style::for_output(output);
            render::table::write(&mut out, &reports, &cells, run.ctx(), &style)
        }
        ReportFormat::Csv => render::csv::write(&mut out, &reports[0]),
        ReportFormat::Json => render::json::write(&mut out, &reports),
        ReportFormat::Xlsx => sheet::xlsx::write(out, &sheet::report_sheets(&reports)),
        ReportFormat::Ods => sheet::ods::write(out, &sheet::report_sheets(&reports)),
        ReportFormat::Html => render::html::write_reports(&mut out, &reports, run.ctx()),
    })?;
    timer.lap("render");
    if !args.watch {
        // The process exits right after this (as `check` does): freeing a
        // big ledger's model, facts and a million cells one by one would
        // be pure waste. `--watch` runs this again, so there they are
        // freed.
        std::mem::forget(reports);
        std::mem::forget(run);
        std::mem::forget(checked);
    }
    Ok(exit::OK)
}

/// Runs the analyses, on as many threads as there are cores (they only read
/// the run: the ledger and the deal facts they share), each report then
/// given to `then` on the same thread, and returns their results in the
/// order asked for.
fn run_all<T: Send>(
    analyses: &[Selected],
    run: &Run<'_>,
    timeout: std::time::Duration,
    then: impl Fn(&funnel_analysis::Report) -> T + Sync,
) -> Vec<Result<(funnel_analysis::Report, T), plugin::PluginError>> {
    funnel_ledger::parallel::map_ordered(analyses.len(), funnel_ledger::parallel::cores(), |i| {
        let mut timer = funnel_ledger::Timings::from_env();
        let report = analyses[i].run(run, timeout);
        timer.lap(&format!("analysis {}", analyses[i].name()));
        report.map(|report| {
            let then = then(&report);
            (report, then)
        })
    })
}

/// `funnel analyses`: every analysis with its one-line description, then
/// the plugins on PATH with theirs (`funnel-NAME --describe`).
pub fn list() -> Result<u8> {
    let mut out = std::io::stdout().lock();
    let plugins = plugin::discover();
    let width = ANALYSES
        .iter()
        .map(|a| a.name().len())
        .chain(plugins.iter().map(|p| p.name.len()))
        .max()
        .unwrap_or(0);
    for analysis in ANALYSES {
        writeln!(
            out,
            "{:width$}  {}",
            analysis.name(),
            analysis.description()
        )?;
    }
    if !plugins.is_empty() {
        writeln!(out, "\nplugins (funnel-NAME on PATH):")?;
        for (plugin, description) in plugins.iter().zip(plugin::describe_all(&plugins)) {
            let description = description.unwrap_or_else(|why| format!("({why})"));
            writeln!(out, "{:width$}  {description}", plugin.name)?;
        }
    }
    Ok(exit::OK)
}

/// The analyses named on the command line (built in, else a plugin
/// `funnel-NAME` on PATH), or every built-in in registry order.
fn select(names: &[String]) -> Result<Vec<Selected>, String> {
    if names.is_empty() {
        return Ok(ANALYSES.iter().map(|a| Selected::Builtin(*a)).collect());
    }
    let mut selected = Vec::new();
    for name in names {
        match funnel_analysis::find(name) {
            Some(analysis) => selected.push(Selected::Builtin(analysis)),
            None => {
                if let Some(plugin) = plugin::find(name).filter(|_| name != "-") {
                    selected.push(Selected::Plugin(plugin));
                    continue;
                }
                return Err(
                    ledger_not_analysis(name).unwrap_or_else(|| plugin::unknown_analysis(name))
                );
            }
        }
    }
    Ok(selected)
}

/// A word where an analysis name goes that is `-` or an existing file is a
/// ledger given without `-f`: say how to name one. (`select` asks only
/// about a word that names no analysis or plugin, so a file that happens to
/// be called `channels` does not stop `funnel report channels`.)
pub fn ledger_not_analysis(word: &str) -> Option<String> {
    let is_ledger = word == "-" || std::path::Path::new(word).is_file();
    is_ledger.then(|| {
        format!(
            "`{word}` is not an analysis: to read a ledger, use `-f FILE` (or `-f -` for standard input)"
        )
    })
}

fn names(analyses: &[Selected]) -> String {
    analyses
        .iter()
        .map(|a| a.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn usage(message: &str) -> Result<u8> {
    eprintln!("error: {message}");
    Ok(exit::USAGE)
}

/// A `--channel` that names nothing in the ledger is most likely a typo:
/// say so on standard error (the reports are still printed, empty).
fn warn_unknown_channel(ledger: &Ledger, channel: &str) {
    let mut known: Vec<&str> = ledger.channels.keys().map(|k| k.as_str()).collect();
    known.extend(ledger.deals.values().map(|d| d.channel.as_str()));
    for entry in &ledger.entries {
        if let funnel_ledger::model::EntryKind::Spent(spending) = &entry.kind {
            known.extend(spending.channel().map(|c| c.as_str()));
        }
    }
    if known.iter().any(|k| funnel_analysis::within(k, channel)) {
        return;
    }
    let hint = closest(channel, known.iter().copied())
        .map(|best| format!("; did you mean `{best}`?"))
        .unwrap_or_default();
    eprintln!("warning: no channel `{channel}` in the ledger{hint}");
}
