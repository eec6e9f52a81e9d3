//! `funnel review`: the year in one page, for a person to read — the
//! funnel in numbers, the best channel by net per hour, the biggest
//! surprise, the three key negotiations, the people to call first, the
//! runway, the open pipeline and the trend sparklines.
//!
//! The review computes nothing itself: it runs the built-in analyses over
//! one context (the period defaults to the last 12 months) and takes its
//! numbers from their reports' cells and its sentences from their
//! findings, so every number traces back to `funnel report ANALYSIS` with
//! the same flags; each section names the analyses it comes from. It is
//! written as plain text (`--format table`) or Markdown, both from one
//! [`Review`] value.

use std::io::Write;

use anyhow::Result;
use chrono::NaiveDate;
use funnel_analysis::summary::{summary, Share};
use funnel_analysis::words::{self, money};
use funnel_analysis::{Cell, Context, Finding, Kind, Report, Run, Severity};

use crate::cli::{ReviewArgs, ReviewFormat};
use crate::diagnostics;
use crate::exit;
use crate::render::table::{display, trend, wrap, Style};

pub fn run(args: &ReviewArgs) -> Result<u8> {
    if let Some(word) = args.stray.first() {
        let message = crate::report::ledger_not_analysis(word).unwrap_or_else(|| {
            format!("unexpected argument `{word}`: `funnel review` takes no analysis names")
        });
        eprintln!("error: {message}");
        return Ok(exit::USAGE);
    }
    let ledger_args = args.ledger();
    let as_of = ledger_args.as_of();
    let (from, to) = args.period.resolve(as_of);
    if from > as_of {
        eprintln!(
            "error: the period starts on {from}, after the as-of date {as_of}: nothing in it has happened yet \
             (use --as-of to judge the ledger on a later day)"
        );
        return Ok(exit::USAGE);
    }
    if args.share {
        // A summary is JSON, whatever the extension of `-o FILE`.
        return share(args, from, to);
    }
    let format = match args.format() {
        Ok(format) => format,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(exit::USAGE);
        }
    };
    let checked = ledger_args.load(false)?;
    if diagnostics::refuse_errors(&checked, "not reviewed")? {
        return Ok(exit::FAILED);
    }
    let ledger = &checked.ledger;
    // One run: the deal facts are computed once for the eight analyses.
    let run = Run::new(
        ledger,
        Context::new(ledger, as_of).with_period(Some(from), Some(to)),
    );
    let report = |name: &str| funnel_analysis::find(name).map(|a| a.run(&run));
    let reports = Reports {
        funnel: report("funnel"),
        channels: report("channels"),
        surprises: report("surprises"),
        contacts: report("contacts"),
        negotiation: report("negotiation"),
        runway: report("runway"),
        pipeline: report("pipeline"),
        trends: report("trends"),
    };
    let review = Review::new(&reports, run.ctx(), &args.period.to_string());

    let output = args.output.as_deref();
    crate::output::write_to(output, |mut out| {
        match format {
            ReviewFormat::Table => review.write_text(&mut out, &Style::for_output(output)),
            ReviewFormat::Markdown => review.write_markdown(&mut out),
            ReviewFormat::Html => review.write_html(&mut out, &reports),
        }?;
        Ok(())
    })?;
    Ok(exit::OK)
}

/// `funnel review --share`: the anonymised summary of the period
/// (`funnel.summary/1`), as JSON, to standard output or `-o FILE` whatever
/// its extension.
fn share(args: &ReviewArgs, from: NaiveDate, to: NaiveDate) -> Result<u8> {
    let ledger_args = args.ledger();
    let as_of = ledger_args.as_of();
    let checked = ledger_args.load(false)?;
    if diagnostics::refuse_errors(&checked, "not summarised")? {
        return Ok(exit::FAILED);
    }
    let ledger = &checked.ledger;
    let ctx = Context::new(ledger, as_of).with_period(Some(from), Some(to));
    let share = Share {
        money: !args.no_money,
    };
    let json = summary(ledger, &ctx, share).to_json();
    crate::output::write_to(args.output.as_deref(), |out| {
        out.write_all(json.as_bytes())?;
        Ok(())
    })?;
    Ok(exit::OK)
}

impl Reports {
    /// The report of the named analysis.
    fn get(&self, name: &str) -> Option<&Report> {
        match name {
            "funnel" => self.funnel.as_ref(),
            "channels" => self.channels.as_ref(),
            "surprises" => self.surprises.as_ref(),
            "contacts" => self.contacts.as_ref(),
            "negotiation" => self.negotiation.as_ref(),
            "runway" => self.runway.as_ref(),
            "pipeline" => self.pipeline.as_ref(),
            "trends" => self.trends.as_ref(),
            _ => None,
        }
    }
}

/// The reports a review is built from.
struct Reports {
    funnel: Option<Report>,
    channels: Option<Report>,
    surprises: Option<Report>,
    contacts: Option<Report>,
    negotiation: Option<Report>,
    runway: Option<Report>,
    pipeline: Option<Report>,
    trends: Option<Report>,
}

/// One page: a title, what was reviewed, and the sections.
struct Review {
    title: String,
    subtitle: String,
    sections: Vec<Section>,
    /// The command that shows the tables behind the numbers.
    footer: String,
}

/// A heading, the analyses it is taken from, and what it says.
struct Section {
    heading: &'static str,
    sources: Vec<String>,
    items: Vec<Item>,
    /// The analyses whose charts the HTML view draws in this section.
    charts: Vec<&'static str>,
    /// Whether the section starts a new sheet when the HTML view is
    /// printed. Only "Trends" does: the year must print on at most six
    /// A4 sheets, and eight topics a sheet each would be eight
    /// (docs/analyses.md §11).
    new_page: bool,
}

enum Item {
    /// A line of numbers taken from cells.
    Text(String),
    /// A finding of an analysis, word for word.
    Finding(Finding),
    /// Sparklines of trend columns over the rows from `span`.
    Trends { span: String, lines: Vec<TrendLine> },
}

struct TrendLine {
    label: String,
    spark: String,
    range: String,
}

impl Review {
    fn new(reports: &Reports, ctx: &Context, period: &str) -> Review {
        let currency = ctx.currency.map(|c| c.to_string());
        let mut subtitle = vec![format!("as of {}", ctx.as_of)];
        if let Some(from) = ctx.from {
            subtitle.push(format!("{from} to {}", ctx.to));
        }
        if let Some(currency) = &currency {
            subtitle.push(format!("amounts in {currency}"));
        }
        let period_flag = if period.contains(' ') {
            format!("\"{period}\"")
        } else {
            period.to_owned()
        };
        let mut sections = Vec::new();
        if let (Some(funnel), Some(channels)) = (&reports.funnel, &reports.channels) {
            let mut section = in_numbers(funnel, channels);
            if !(matches!(period, "last 12 months" | "last 1 year") || period.len() == 4) {
                section.heading = "The period in numbers";
            }
            sections.push(section);
        }
        if let Some(channels) = &reports.channels {
            let mut section = quoted(
                "Best channel by net per hour",
                channels,
                channels.findings.iter().take(1),
            );
            section.charts.push("channels");
            sections.push(section);
        }
        if let Some(surprises) = &reports.surprises {
            let mut section = quoted(
                "Biggest surprise",
                surprises,
                surprises.findings.iter().take(1),
            );
            section.charts.push("surprises");
            sections.push(section);
        }
        if let Some(negotiation) = &reports.negotiation {
            sections.push(quoted(
                "Negotiations to review",
                negotiation,
                leading(negotiation),
            ));
        }
        if let Some(contacts) = &reports.contacts {
            // When you are free and when to start calling (always the
            // first finding), the people to call, then the warm contacts
            // gone quiet.
            let skip = leading_after(contacts, 1).count();
            let cold = contacts
                .findings
                .iter()
                .skip(skip)
                .filter(|f| f.severity == Severity::Warning);
            sections.push(quoted(
                "People to call first",
                contacts,
                leading_after(contacts, 1).chain(cold),
            ));
        }
        if let Some(runway) = &reports.runway {
            let mut section = quoted("Runway", runway, runway.findings.iter());
            section.charts.push("runway");
            let lines = trend_lines(runway);
            if !lines.is_empty() {
                section.items.push(Item::Trends {
                    span: span(runway),
                    lines,
                });
            }
            sections.push(section);
        }
        if let Some(pipeline) = &reports.pipeline {
            // What to expect from the open deals (its first finding),
            // then the deals to follow up (its warnings).
            let follow_ups = pipeline.findings.iter().skip(1);
            let follow_ups = follow_ups.filter(|f| f.severity == Severity::Warning);
            let findings = pipeline.findings.iter().take(1).chain(follow_ups);
            let mut section = quoted("Pipeline", pipeline, findings);
            section.charts.push("pipeline");
            sections.push(section);
        }
        if let Some(trends) = &reports.trends {
            let heading = match ctx.interval {
                funnel_analysis::Interval::Week => "Trends by week",
                funnel_analysis::Interval::Month => "Trends by month",
                funnel_analysis::Interval::Quarter => "Trends by quarter",
            };
            let mut section = quoted(heading, trends, std::iter::empty());
            section.charts.push("trends");
            section.new_page = true;
            let lines = trend_lines(trends);
            if !lines.is_empty() {
                section.items.push(Item::Trends {
                    span: span(trends),
                    lines,
                });
            }
            section
                .items
                .extend(trends.findings.iter().cloned().map(Item::Finding));
            sections.push(section);
        }
        Review {
            title: if period.starts_with("last ") {
                format!("Review of the {period}")
            } else {
                format!("Review of {period}")
            },
            subtitle: subtitle.join(" · "),
            sections,
            footer: format!(
                "funnel report ANALYSIS --as-of {} --period {period_flag}",
                ctx.as_of
            ),
        }
    }

    /// Plain text for the terminal, wrapped to the width.
    fn write_text(&self, out: &mut impl Write, style: &Style) -> std::io::Result<()> {
        let width = style.width.saturating_sub(2).max(20);
        writeln!(out, "{}", style.paint("1", &self.title))?;
        writeln!(out, "{}", style.paint("2", &self.subtitle))?;
        for section in &self.sections {
            writeln!(out)?;
            writeln!(
                out,
                "{}{}",
                style.paint("1", section.heading),
                style.paint("2", &format!(" (from {})", section.sources.join(", ")))
            )?;
            for item in &section.items {
                match item {
                    Item::Text(text) => {
                        for line in wrap(text, width) {
                            writeln!(out, "  {line}")?;
                        }
                    }
                    Item::Finding(finding) => {
                        let mark = match finding.severity {
                            Severity::Info => "•".to_owned(),
                            Severity::Warning => style.paint("33", "!"),
                        };
                        for (i, line) in wrap(&finding.message, width).iter().enumerate() {
                            let prefix = if i == 0 { mark.as_str() } else { " " };
                            writeln!(out, "{prefix} {line}")?;
                        }
                    }
                    Item::Trends { span, lines } => {
                        writeln!(out, "  {}", style.paint("2", span))?;
                        let label_width = lines
                            .iter()
                            .map(|l| l.label.chars().count())
                            .max()
                            .unwrap_or(0);
                        for line in lines {
                            let pad = label_width - line.label.chars().count();
                            writeln!(
                                out,
                                "  {}{}  {}  {}",
                                line.label,
                                " ".repeat(pad),
                                line.spark,
                                line.range
                            )?;
                        }
                    }
                }
            }
        }
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            style.paint("2", "The tables behind each section:")
        )?;
        writeln!(out, "{}", style.paint("2", &format!("  {}", self.footer)))?;
        Ok(())
    }

    /// The same page as Markdown: a heading per section, findings as a
    /// list, sparklines in a table.
    fn write_markdown(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out, "# {}", self.title)?;
        writeln!(out)?;
        writeln!(out, "{}", capitalised(&self.subtitle))?;
        for section in &self.sections {
            writeln!(out)?;
            writeln!(out, "## {}", section.heading)?;
            writeln!(out)?;
            let sources: Vec<String> = section
                .sources
                .iter()
                .map(|s| format!("`funnel report {s}`"))
                .collect();
            writeln!(out, "*From {}.*", sources.join(" and "))?;
            writeln!(out)?;
            for (i, item) in section.items.iter().enumerate() {
                // A table and a list need a blank line between them.
                let table = matches!(item, Item::Trends { .. });
                if i > 0 && (table || matches!(section.items[i - 1], Item::Trends { .. })) {
                    writeln!(out)?;
                }
                match item {
                    Item::Text(text) => writeln!(out, "- {text}")?,
                    Item::Finding(finding) => {
                        let mark = match finding.severity {
                            Severity::Info => "",
                            Severity::Warning => "**!** ",
                        };
                        writeln!(out, "- {mark}{}", finding.message)?;
                    }
                    Item::Trends { span, lines } => {
                        writeln!(out, "| | {span} | range |")?;
                        writeln!(out, "|---|---|---|")?;
                        for line in lines {
                            writeln!(out, "| {} | {} | {} |", line.label, line.spark, line.range)?;
                        }
                    }
                }
            }
        }
        writeln!(out)?;
        writeln!(out, "---")?;
        writeln!(out)?;
        writeln!(out, "The tables behind each section: `{}`.", self.footer)?;
        Ok(())
    }
}

impl Review {
    /// The same page as HTML (`render::html`): the text and findings of
    /// each section, then its charts with the numbers behind them as a
    /// table; sparklines give way to the charts. In print, a section
    /// marked `new_page` starts a new sheet.
    fn write_html(&self, out: &mut dyn Write, reports: &Reports) -> std::io::Result<()> {
        use crate::render::html::{self, charts, escape};
        html::open_page(out, &self.title)?;
        writeln!(out, "<header>")?;
        writeln!(out, "<h1>{}</h1>", escape(&self.title))?;
        writeln!(
            out,
            "<p class=\"subtitle\">{}</p>",
            escape(&capitalised(&self.subtitle))
        )?;
        writeln!(out, "</header>")?;
        for (i, section) in self.sections.iter().enumerate() {
            let class = if section.new_page {
                " class=\"page\""
            } else {
                ""
            };
            writeln!(out, "<section{class} id=\"section-{i}\">")?;
            writeln!(out, "<h2>{}</h2>", escape(section.heading))?;
            let sources: Vec<String> = section
                .sources
                .iter()
                .map(|s| format!("<code>funnel report {}</code>", escape(s)))
                .collect();
            writeln!(
                out,
                "<p class=\"sources\">From {}.</p>",
                sources.join(" and ")
            )?;
            let findings: Vec<&Finding> = section
                .items
                .iter()
                .filter_map(|item| match item {
                    Item::Finding(finding) => Some(finding),
                    _ => None,
                })
                .collect();
            for item in &section.items {
                if let Item::Text(text) = item {
                    writeln!(out, "<p class=\"numbers\">{}</p>", escape(text))?;
                }
            }
            html::write_findings(out, findings)?;
            for name in &section.charts {
                let Some(report) = reports.get(name) else {
                    continue;
                };
                let id = format!("s{i}-{name}");
                for group in charts::groups(report, &id, charts::Options::default()) {
                    html::write_group(out, &group, true)?;
                }
            }
            writeln!(out, "</section>")?;
        }
        writeln!(
            out,
            "<p class=\"footer\">The tables behind each section: <code>{}</code></p>",
            escape(&self.footer)
        )?;
        html::close_page(out)
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A section of findings quoted from one report.
fn quoted<'r>(
    heading: &'static str,
    report: &Report,
    findings: impl Iterator<Item = &'r Finding>,
) -> Section {
    Section {
        heading,
        sources: vec![report.analysis.clone()],
        items: findings.cloned().map(Item::Finding).collect(),
        charts: Vec::new(),
        new_page: false,
    }
}

/// The findings that lead a ranking report (`contacts`, `negotiation`):
/// one for each of its first three rows, or the one that says why there
/// are no rows.
fn leading(report: &Report) -> impl Iterator<Item = &Finding> {
    leading_after(report, 0)
}

/// [`leading`], after `first` findings about the whole report.
fn leading_after(report: &Report, first: usize) -> impl Iterator<Item = &Finding> {
    let count = match report.rows.len() {
        0 => 1,
        rows => rows.min(3),
    };
    report.findings.iter().take(first + count)
}

/// The cell of a row in the named column.
fn cell<'r>(report: &'r Report, row: &'r [Cell], column: &str) -> &'r Cell {
    report
        .column(column)
        .and_then(|i| row.get(i))
        .unwrap_or(&Cell::Empty)
}

/// The year in numbers: the funnel of all channels (`*`) stage by stage,
/// and the total row of `channels`.
fn in_numbers(funnel: &Report, channels: &Report) -> Section {
    let currency = channels.currency.as_deref();
    let mut items = Vec::new();
    let stages: Vec<String> = funnel
        .rows
        .iter()
        .filter(|row| *cell(funnel, row, "channel") == Cell::text("*"))
        .map(|row| {
            let stage = display(cell(funnel, row, "stage"), Kind::Text, currency);
            let reached = display(cell(funnel, row, "reached"), Kind::Count, currency);
            match stage.as_str() {
                "lead" => format!("{reached} leads"),
                _ => format!("{reached} {stage}"),
            }
        })
        .collect();
    if !stages.is_empty() {
        items.push(Item::Text(stages.join(" → ")));
    }
    let amount = |c: &Cell| match c {
        Cell::Money(d) => money(*d, currency),
        other => display(other, Kind::Money, currency),
    };
    if let Some(total) = channels
        .rows
        .iter()
        .find(|row| *cell(channels, row, "channel") == Cell::text("*"))
    {
        let column = |name: &str| cell(channels, total, name);
        let won = match column("won") {
            Cell::Count(n) => words::count(*n as usize, "won deal", "won deals"),
            other => display(other, Kind::Count, currency),
        };
        let rate = match column("win_rate") {
            Cell::Rate { k, n } => format!(
                "win rate {} ({k} of {n} decided leads)",
                words::percent(*k as f64 / *n as f64)
            ),
            _ => "no lead decided yet".to_owned(),
        };
        items.push(Item::Text(format!(
            "Revenue {} from {won}; {rate}.",
            amount(column("revenue"))
        )));
        items.push(Item::Text(format!(
            "Net {} after {} in platform fees and {} spent on finding work.",
            amount(column("net")),
            amount(column("fees")),
            amount(column("spent_money")),
        )));
        let per_hour = match column("net_per_hour") {
            Cell::Money(d) => format!(": {} net per hour", money(*d, currency)),
            _ => String::new(),
        };
        let hours = match column("hours") {
            Cell::Hours(h) => words::hours_words(*h),
            other => display(other, Kind::Hours, currency),
        };
        items.push(Item::Text(format!(
            "{hours} invested in finding work{per_hour}.",
        )));
    }
    Section {
        heading: "The year in numbers",
        sources: vec![funnel.analysis.clone(), channels.analysis.clone()],
        items,
        charts: vec!["funnel"],
        new_page: false,
    }
}

/// "2025-11 to 2026-11": the first cells of the first and last rows.
fn span(report: &Report) -> String {
    let label = |row: Option<&Vec<Cell>>| {
        row.and_then(|r| r.first())
            .map(|c| display(c, Kind::Text, None))
            .unwrap_or_default()
    };
    format!(
        "{} to {}",
        label(report.rows.first()),
        label(report.rows.last())
    )
}

/// A sparkline for each trend column, with its range.
fn trend_lines(report: &Report) -> Vec<TrendLine> {
    if report.rows.is_empty() {
        return Vec::new();
    }
    report
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.trend)
        .filter_map(|(i, column)| {
            let cells: Vec<&Cell> = report.rows.iter().map(|r| &r[i]).collect();
            if cells.iter().all(|c| c.is_empty()) {
                return None;
            }
            let (spark, range) = trend(&cells, column.kind, report.currency.as_deref());
            Some(TrendLine {
                label: column.label.replace('\n', " "),
                spark,
                range,
            })
        })
        .collect()
}
