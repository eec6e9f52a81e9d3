//! Diagnostics in four views: miette's graphical report for people, one
//! line each for editors, JSON for scripts, workflow commands for GitHub.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;

use anyhow::Result;
use funnel_ledger::{Checked, Diagnostic, SourceMap, Span};
use miette::{GraphicalReportHandler, GraphicalTheme};
use serde::{Serialize, Serializer};

use crate::cli::DiagnosticFormat;

/// The human format shows at most this many warnings of one code with
/// their snippets; the rest are counted in one line per code (a ledger
/// with 30,000 stale deals would otherwise print 20 MB, and nobody reads
/// past the first screens). Errors are always shown, every one; `short`,
/// `json` and `github` list everything.
pub const WARNINGS_PER_CODE: usize = 20;

/// Writes the diagnostics in `format`; `colour` is for the human format,
/// decided by the caller for the stream `out` is.
pub fn print(
    out: &mut impl Write,
    checked: &Checked,
    format: DiagnosticFormat,
    colour: bool,
) -> Result<()> {
    let sources = &checked.ledger.sources;
    match format {
        DiagnosticFormat::Human => {
            let handler = human_handler(colour);
            let mut shown: HashMap<funnel_ledger::Code, usize> = HashMap::new();
            let mut elided: Vec<(funnel_ledger::Code, usize)> = Vec::new();
            for diagnostic in &checked.diagnostics {
                let count = shown.entry(diagnostic.code).or_default();
                *count += 1;
                if !diagnostic.is_error() && *count > WARNINGS_PER_CODE {
                    match elided.iter_mut().find(|(code, _)| *code == diagnostic.code) {
                        Some((_, n)) => *n += 1,
                        None => elided.push((diagnostic.code, 1)),
                    }
                    continue;
                }
                let mut text = String::new();
                handler.render_report(&mut text, &diagnostic.with_sources(sources))?;
                writeln!(out, "{text}")?;
            }
            for (code, n) in elided {
                writeln!(
                    out,
                    "… and {} more `{code}` warning{} (`funnel check --format short` lists them all)",
                    funnel_analysis::words::thousands(n as u64),
                    plural(n, "s"),
                )?;
            }
            if shown.values().any(|&n| n > WARNINGS_PER_CODE) {
                writeln!(out)?;
            }
            writeln!(out, "{}", summary(checked))?;
        }
        DiagnosticFormat::Short => {
            for d in &checked.diagnostics {
                let (file, line, col) = sources.location(d.span);
                writeln!(
                    out,
                    "{file}:{line}:{col}: {}[{}]: {}",
                    d.severity.as_str(),
                    d.code,
                    d.message()
                )?;
            }
        }
        DiagnosticFormat::Json => {
            // Streamed, one diagnostic worded at a time (the same text as
            // `to_writer_pretty` of the whole list).
            serde_json::Serializer::pretty(&mut *out).collect_seq(
                checked
                    .diagnostics
                    .iter()
                    .map(|d| JsonDiagnostic::new(d, sources)),
            )?;
            writeln!(out)?;
        }
        DiagnosticFormat::Github => {
            for d in &checked.diagnostics {
                let (file, line, col) = sources.location(d.span);
                let (end_line, end_col) = end_position(sources, d.span);
                let mut message = d.message().into_owned();
                if let Some(help) = d.help() {
                    message.push_str("\nhelp: ");
                    message.push_str(&help);
                }
                writeln!(
                    out,
                    "::{} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
                    d.severity.as_str(),
                    escape_property(file),
                    escape_property(&format!("funnel::{}", d.code)),
                    escape_data(&message),
                )?;
            }
            writeln!(out, "{}", github_notice(&summary(checked)))?;
        }
    }
    Ok(())
}

/// The last line of `--format github`: the counts as a `::notice`, since
/// GitHub shows only the first 10 annotations of each level on a pull
/// request and the rest are easy to miss.
pub(crate) fn github_notice(summary: &str) -> String {
    format!("::notice::funnel check: {}", escape_data(summary))
}

/// Commands that read a ledger to compute from it (report, review, export)
/// refuse one with errors: prints the diagnostics to stderr with what was
/// not done, and returns whether it refused.
pub fn refuse_errors(checked: &Checked, not_done: &str) -> Result<bool> {
    if checked.errors() == 0 {
        return Ok(false);
    }
    let mut err = std::io::stderr().lock();
    let colour = crate::terminal::colour_stderr();
    print(&mut err, checked, DiagnosticFormat::Human, colour)?;
    writeln!(err, "the ledger has errors, so it is {not_done}: fix them first (`funnel check` shows them too)")?;
    Ok(true)
}

/// The graphical handler, coloured or not as the caller decided for its
/// stream (`terminal::colour_stdout`, `colour_stderr`); as wide as
/// [`terminal::width`](crate::terminal::width).
pub fn human_handler(colour: bool) -> GraphicalReportHandler {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(crate::terminal::width())
        .with_links(false)
}

/// "2 errors, 1 warning in 3 files" — or "no problems in 1 file".
pub fn summary(checked: &Checked) -> String {
    let files = checked.ledger.sources.len();
    let files = format!("{files} file{}", if files == 1 { "" } else { "s" });
    let (errors, warnings) = (checked.errors(), checked.warnings());
    if errors == 0 && warnings == 0 {
        let deals = checked.ledger.deals.len();
        let entries = checked.ledger.entries.len();
        return format!(
            "no problems in {files} ({deals} deal{}, {entries} entr{})",
            plural(deals, "s"),
            if entries == 1 { "y" } else { "ies" }
        );
    }
    format!(
        "{errors} error{}, {warnings} warning{} in {files}",
        plural(errors, "s"),
        plural(warnings, "s")
    )
}

pub(crate) fn plural(n: usize, suffix: &'static str) -> &'static str {
    if n == 1 {
        ""
    } else {
        suffix
    }
}

/// 1-based line and column just after the span's last character.
pub(crate) fn end_position(sources: &SourceMap, span: Span) -> (usize, usize) {
    sources.get(span.file).line_col(span.end as usize)
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
pub(crate) struct JsonDiagnostic<'a> {
    severity: &'static str,
    code: &'static str,
    message: Cow<'a, str>,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    help: Option<Cow<'a, str>>,
    labels: Vec<JsonLabel<'a>>,
}

impl<'a> JsonDiagnostic<'a> {
    pub(crate) fn new(d: &'a Diagnostic, sources: &'a SourceMap) -> Self {
        let (file, line, column) = sources.location(d.span);
        let (end_line, end_column) = end_position(sources, d.span);
        let labels = d
            .related()
            .iter()
            .map(|l| {
                let (file, line, column) = sources.location(l.span);
                let (end_line, end_column) = end_position(sources, l.span);
                JsonLabel {
                    message: &l.message,
                    file,
                    line,
                    column,
                    end_line,
                    end_column,
                }
            })
            .collect();
        JsonDiagnostic {
            severity: d.severity.as_str(),
            code: d.code.as_str(),
            message: d.message(),
            file,
            line,
            column,
            end_line,
            end_column,
            help: d.help(),
            labels,
        }
    }
}

/// Escapes the message of a GitHub workflow command.
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a GitHub workflow command.
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
