//! `funnel check --plugin NAME`: the built-in checks, then the diagnostics
//! of each plugin, shown exactly like built-in ones (beancount's plugins,
//! across processes) in all four formats, merged in reading order.
//!
//! A plugin names a place by the document's `file` and a 1-based `line`;
//! it becomes a span over that line's text in the loaded sources. Its code
//! is shown as `funnel-NAME::CODE`, where a built-in one reads
//! `funnel::CODE` (`CODE` alone in the short and JSON views, as built-ins
//! are there), so the two can never be confused.

use std::borrow::Cow;
use std::fmt;
use std::io::Write;

use anyhow::Result;
use funnel_analysis::external::PluginDiagnostic;
use funnel_analysis::{Context, Run};
use funnel_ledger::{Checked, Diagnostic, Severity, SourceMap, Span};
use serde::Serialize;

use super::{Plugin, PluginError};
use crate::cli::{CheckArgs, DiagnosticFormat};
use crate::diagnostics::{
    self, end_position, escape_data, escape_property, plural, JsonDiagnostic,
};
use crate::exit;

/// A plugin's diagnostic, placed in the ledger's sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// `funnel-NAME::CODE`.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// The whole reported line, without its line ending.
    pub span: Span,
}

pub fn run(args: &CheckArgs) -> Result<u8> {
    // Find every plugin before reading anything: a name that finds none is
    // a usage error.
    let mut plugins = Vec::new();
    for name in &args.plugins {
        match super::resolve_plugin(name) {
            Ok(plugin) => plugins.push(plugin),
            Err(message) => {
                eprintln!("error: {message}");
                return Ok(exit::USAGE);
            }
        }
    }
    let checked = args.ledger.load(args.strict)?;
    let mut found = Vec::new();
    if checked.errors() > 0 {
        let names: Vec<String> = plugins
            .iter()
            .map(|p| format!("`{}`", p.program()))
            .collect();
        eprintln!(
            "note: the ledger has errors, so {} did not run: fix them first",
            names.join(", ")
        );
    } else {
        let run = Run::new(
            &checked.ledger,
            Context::new(&checked.ledger, args.ledger.as_of()),
        );
        for plugin in &plugins {
            let located = super::run(plugin, &run, args.plugin_timeout).and_then(|output| {
                output
                    .diagnostics
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| locate(&checked.ledger.sources, plugin, i, d))
                    .collect::<Result<Vec<_>, _>>()
            });
            match located {
                Ok(located) => found.extend(located),
                Err(err) => {
                    eprintln!("error: {err}");
                    return Ok(exit::PLUGIN);
                }
            }
        }
    }
    let mut out = crate::output::stdout();
    print(&mut out, &checked, &found, args.format)?;
    out.flush()?;
    let errors = checked.errors()
        + found
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
    let warnings = checked.warnings()
        + found
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    Ok(if failed { exit::FAILED } else { exit::OK })
}

/// Places a plugin's diagnostic on its line. An unknown file or a line past
/// the end of the file is the plugin's error.
pub fn locate(
    sources: &SourceMap,
    plugin: &Plugin,
    index: usize,
    diagnostic: PluginDiagnostic,
) -> Result<Located, PluginError> {
    let program = plugin.program();
    let Some((id, file)) = sources.files().find(|(_, f)| f.name == diagnostic.file) else {
        let names: Vec<String> = sources
            .files()
            .map(|(_, f)| format!("`{}`", f.name))
            .collect();
        return Err(PluginError::Location {
            program,
            message: format!(
                "reported a diagnostic for `{}` (field `diagnostics[{index}].file`), which is not a file of the ledger; \
                 its files are {} (the `files` of the ledger document)",
                diagnostic.file,
                names.join(", ")
            ),
        });
    };
    let text = &file.text;
    let lines = file.line_count() - usize::from(text.is_empty() || text.ends_with('\n'));
    if diagnostic.line > lines {
        return Err(PluginError::Location {
            program,
            message: format!(
                "reported a diagnostic on line {} of `{}` (field `diagnostics[{index}].line`), which has {lines} line{}",
                diagnostic.line,
                file.name,
                plural(lines, "s")
            ),
        });
    }
    let start = file.line_start(diagnostic.line);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = if text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    Ok(Located {
        code: format!("{}::{}", program, diagnostic.code),
        severity: diagnostic.severity,
        message: diagnostic.message,
        help: diagnostic.help,
        span: Span::new(id, start, end),
    })
}

/// One diagnostic of either kind.
#[derive(Clone, Copy)]
enum Shown<'a> {
    Builtin(&'a Diagnostic),
    Plugin(&'a Located),
}

impl Shown<'_> {
    fn span(self) -> Span {
        match self {
            Shown::Builtin(d) => d.span,
            Shown::Plugin(d) => d.span,
        }
    }
}

/// Built-in and plugin diagnostics in reading order (built-ins first on the
/// same spot), in the format `funnel check --format` asks for.
pub fn print(
    out: &mut impl Write,
    checked: &Checked,
    found: &[Located],
    format: DiagnosticFormat,
) -> Result<()> {
    if found.is_empty() {
        return diagnostics::print(out, checked, format, crate::terminal::colour_stdout());
    }
    let sources = &checked.ledger.sources;
    let mut all: Vec<Shown<'_>> = checked
        .diagnostics
        .iter()
        .map(Shown::Builtin)
        .chain(found.iter().map(Shown::Plugin))
        .collect();
    // A stable sort keeps built-ins first where both point at one place.
    all.sort_by_key(|d| {
        let span = d.span();
        (span.file, span.start, span.end)
    });
    match format {
        DiagnosticFormat::Human => {
            let handler = diagnostics::human_handler(crate::terminal::colour_stdout());
            for d in &all {
                let mut text = String::new();
                match d {
                    Shown::Builtin(d) => {
                        handler.render_report(&mut text, &d.with_sources(sources))?
                    }
                    Shown::Plugin(d) => handler.render_report(
                        &mut text,
                        &WithSource {
                            located: d,
                            sources,
                        },
                    )?,
                }
                writeln!(out, "{text}")?;
            }
            writeln!(out, "{}", summary(checked, found))?;
        }
        DiagnosticFormat::Short => {
            for d in &all {
                let (file, line, col) = sources.location(d.span());
                let (severity, code, message) = match d {
                    Shown::Builtin(d) => (d.severity, d.code.as_str(), d.message()),
                    Shown::Plugin(d) => (d.severity, d.code.as_str(), Cow::from(&d.message)),
                };
                writeln!(
                    out,
                    "{file}:{line}:{col}: {}[{code}]: {message}",
                    severity.as_str()
                )?;
            }
        }
        DiagnosticFormat::Json => {
            let list: Vec<JsonShown<'_>> = all
                .iter()
                .map(|d| match d {
                    Shown::Builtin(d) => JsonShown::Builtin(JsonDiagnostic::new(d, sources)),
                    Shown::Plugin(d) => JsonShown::Plugin(JsonPlugin::new(d, sources)),
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list)?;
            writeln!(out)?;
        }
        DiagnosticFormat::Github => {
            for d in &all {
                let span = d.span();
                let (file, line, col) = sources.location(span);
                let (end_line, end_col) = end_position(sources, span);
                let (severity, title, mut message, help) = match d {
                    Shown::Builtin(d) => (
                        d.severity,
                        format!("funnel::{}", d.code),
                        d.message().into_owned(),
                        d.help(),
                    ),
                    Shown::Plugin(d) => (
                        d.severity,
                        d.code.clone(),
                        d.message.clone(),
                        d.help.as_deref().map(Cow::from),
                    ),
                };
                if let Some(help) = help {
                    message.push_str("\nhelp: ");
                    message.push_str(&help);
                }
                writeln!(
                    out,
                    "::{} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
                    severity.as_str(),
                    escape_property(file),
                    escape_property(&title),
                    escape_data(&message),
                )?;
            }
            writeln!(
                out,
                "{}",
                diagnostics::github_notice(&summary(checked, found))
            )?;
        }
    }
    Ok(())
}

/// `check`'s last line, counting the plugins' diagnostics too.
fn summary(checked: &Checked, found: &[Located]) -> String {
    let files = checked.ledger.sources.len();
    let errors = checked.errors()
        + found
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
    let warnings = checked.warnings()
        + found
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
    format!(
        "{errors} error{}, {warnings} warning{} in {files} file{}",
        plural(errors, "s"),
        plural(warnings, "s"),
        plural(files, "s")
    )
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsonShown<'a> {
    Builtin(JsonDiagnostic<'a>),
    Plugin(JsonPlugin<'a>),
}

/// The fields of a built-in diagnostic in `--format json`.
#[derive(Serialize)]
struct JsonPlugin<'a> {
    severity: &'static str,
    code: &'a str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    help: Option<&'a str>,
    labels: [(); 0],
}

impl<'a> JsonPlugin<'a> {
    fn new(d: &'a Located, sources: &'a SourceMap) -> Self {
        let (file, line, column) = sources.location(d.span);
        let (end_line, end_column) = end_position(sources, d.span);
        JsonPlugin {
            severity: d.severity.as_str(),
            code: &d.code,
            message: &d.message,
            file,
            line,
            column,
            end_line,
            end_column,
            help: d.help.as_deref(),
            labels: [],
        }
    }
}

/// A plugin's diagnostic and the sources it points into, for miette.
struct WithSource<'a> {
    located: &'a Located,
    sources: &'a SourceMap,
}

/// Lines longer than this are not shown as snippets, as for built-ins.
const MAX_SNIPPET_LINE: usize = 2_000;

impl WithSource<'_> {
    fn snippet(&self) -> bool {
        self.located.span.len() <= MAX_SNIPPET_LINE
    }
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.located.fmt(f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.located.message)
    }
}

impl std::error::Error for WithSource<'_> {}

impl miette::Diagnostic for WithSource<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.located.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.located.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let mut lines = Vec::new();
        if !self.snippet() {
            let (name, line, col) = self.sources.location(self.located.span);
            lines.push(format!(
                "at {name}:{line}:{col} (the line is too long to show)"
            ));
        }
        lines.extend(self.located.help.clone());
        (!lines.is_empty()).then(|| Box::new(lines.join("\n")) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.snippet()
            .then(|| self.sources.get(self.located.span.file) as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        if !self.snippet() {
            return None;
        }
        let span = self.located.span;
        let label = miette::LabeledSpan::new_primary_with_span(
            Some("here".to_owned()),
            miette::SourceSpan::new((span.start as usize).into(), span.len()),
        );
        Some(Box::new(std::iter::once(label)))
    }
}
