//! The one diagnostic type shared by the parser, the checks and (later) the
//! analyses and plugins: a stable code, a severity, a primary span, related
//! labels and an optional help line.

use std::fmt;

use crate::source::SourceMap;
use crate::span::Span;

macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $summary:literal;)*) => {
        /// Every diagnostic code `funnel check` can report. The names are
        /// stable: editors, CI scripts and `docs/diagnostics.md` rely on them.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The kebab-case name, e.g. `unknown-deal`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// Whether the code is an error or a warning by default.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// One line describing when the code is reported.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }

            pub fn from_name(name: &str) -> Option<Code> {
                match name {
                    $($name => Some(Code::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    Syntax = "syntax", Error, "a line matches no entry or directive";
    InvalidDate = "invalid-date", Error, "a date that is not on the calendar";
    InvalidNumber = "invalid-number", Error, "a malformed number, or one that must be positive and is not";
    UnknownVerb = "unknown-verb", Error, "a verb that is neither built in nor a declared stage";
    UnknownDeal = "unknown-deal", Error, "an entry names a deal that no `lead` opens";
    DuplicateDeal = "duplicate-deal", Error, "a second `lead` for the same deal";
    BeforeLead = "before-lead", Error, "an entry on a deal is dated before its `lead`";
    AfterClose = "after-close", Error, "a stage or closing entry after the deal was won, lost or declined, with no `reopened` between";
    ExtendedWithoutWon = "extended-without-won", Error, "`extended` on a deal with no `won` on or before it, or after its `ended`";
    InvalidExtension = "invalid-extension", Error, "`extended` with an `until` not after the contract's current end, or with neither an offer nor `until`";
    ReopenedWithoutClose = "reopened-without-close", Error, "`reopened` on a deal that is not lost or declined on that date";
    EndedWithoutWon = "ended-without-won", Error, "`ended` on a deal that was never won, or before its `won`";
    UnknownChannel = "unknown-channel", Error, "strict mode: a channel that is not declared";
    UnknownContact = "unknown-contact", Error, "strict mode: a contact that is not declared";
    UnknownClient = "unknown-client", Error, "strict mode: a client that is not declared";
    DuplicateDeclaration = "duplicate-declaration", Error, "a channel, contact, client, option or `stages` declared twice";
    UnknownOption = "unknown-option", Error, "an `option` that does not exist";
    InvalidOption = "invalid-option", Error, "an `option` with a value of the wrong kind";
    IncludeNotFound = "include-not-found", Error, "an `include` whose file is missing or whose glob matches nothing";
    IncludeCycle = "include-cycle", Error, "an `include` of a file that is already being read";
    InvalidMetadata = "invalid-metadata", Error, "a known metadata key with a wrong value, a key given twice, or metadata with no entry";
    MissingPrice = "missing-price", Error, "an amount that cannot be converted to the base currency";
    InvalidEncoding = "invalid-encoding", Error, "bytes that are not UTF-8";
    WonWithoutValue = "won-without-value", Warning, "`won` with no amount: revenue counts it as 0";
    StaleDeal = "stale-deal", Warning, "an open deal with no entry for longer than `stale-after`";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A secondary place that explains a diagnostic, e.g. the first `lead` of a
/// duplicated deal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The offending token.
    pub span: Span,
    /// Text shown under the primary span; `None` shows the code's default.
    pub label: Option<String>,
    pub related: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: exact(message.into()),
            span,
            label: None,
            related: Vec::new(),
            help: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(exact(label.into()));
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.related.push(Label {
            span,
            message: exact(message.into()),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(exact(help.into()));
        self
    }

    pub fn with_help_opt(mut self, help: Option<String>) -> Diagnostic {
        self.help = help.map(exact);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Pairs the diagnostic with its sources so miette can render it.
    pub fn with_sources<'a>(&'a self, sources: &'a SourceMap) -> WithSource<'a> {
        WithSource {
            diagnostic: self,
            sources,
        }
    }
}

/// A diagnostic's text in an allocation of its own length. `format!`
/// reserves about twice its literal pieces, so a ledger with tens of
/// thousands of warnings (a terse ledger's `stale-deal`s) held a third
/// more memory in their texts than the texts take (docs/performance.md).
fn exact(text: String) -> String {
    if text.capacity() > text.len() {
        text.as_str().to_owned()
    } else {
        text
    }
}

/// Sorts diagnostics into reading order: by file (in the order files were
/// read), then by position; diagnostics at the same place keep their order.
///
/// The same order as a stable sort by that key (a unit test holds it), but
/// sorting small keys and then moving each diagnostic into place: the
/// stable sort of the diagnostics themselves took a scratch copy of them
/// all, at the moment a ledger's memory peaks.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    // `order[k]`: where the diagnostic that goes to position `k` is now.
    let mut order: Vec<(crate::span::FileId, u32, u32, u32)> = diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| (d.span.file, d.span.start, d.span.end, i as u32))
        .collect();
    order.sort_unstable();
    let mut from: Vec<u32> = order.into_iter().map(|(.., i)| i).collect();
    // Follow each cycle of the permutation, swapping along it; a position
    // done is marked by pointing at itself.
    for start in 0..from.len() {
        let mut at = start;
        loop {
            let next = from[at] as usize;
            from[at] = at as u32;
            if next == start {
                break;
            }
            diagnostics.swap(at, next);
            at = next;
        }
    }
}

/// A diagnostic and the sources it points into, implementing
/// [`miette::Diagnostic`]. Labels in another file than the primary span are
/// rendered as notes naming `file:line:column`, since one miette report shows
/// one source.
pub struct WithSource<'a> {
    pub diagnostic: &'a Diagnostic,
    pub sources: &'a SourceMap,
}

/// Lines longer than this are not shown as snippets: the report would be
/// unreadable, and miette's layout cannot pad beyond 65,535 columns.
const MAX_SNIPPET_LINE: usize = 2_000;

impl WithSource<'_> {
    /// Whether every labelled line is short enough to show.
    fn snippet(&self) -> bool {
        let d = self.diagnostic;
        std::iter::once(d.span)
            .chain(d.related.iter().map(|l| l.span))
            .all(|span| {
                let file = self.sources.get(span.file);
                let text = file.text.as_bytes();
                let (start, end) = (span.start as usize, span.end as usize);
                let line_start = text[..start.min(text.len())]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                let line_end = text[end.min(text.len())..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len(), |i| end + i);
                line_end - line_start <= MAX_SNIPPET_LINE
            })
    }
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diagnostic.fmt(f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for WithSource<'_> {}

impl miette::Diagnostic for WithSource<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("funnel::{}", self.diagnostic.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let d = self.diagnostic;
        let elsewhere: Vec<String> = d
            .related
            .iter()
            .filter(|l| l.span.file != d.span.file)
            .map(|l| {
                let (name, line, col) = self.sources.location(l.span);
                format!("{}: {name}:{line}:{col}", l.message)
            })
            .collect();
        let mut elsewhere = elsewhere;
        if !self.snippet() {
            // Without a snippet, say where the problem is in words.
            let (name, line, col) = self.sources.location(d.span);
            elsewhere.insert(
                0,
                format!("at {name}:{line}:{col} (the line is too long to show)"),
            );
        }
        if d.help.is_none() && elsewhere.is_empty() {
            return None;
        }
        let mut text = elsewhere.join("\n");
        if let Some(help) = &d.help {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(help);
        }
        Some(Box::new(text))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.snippet()
            .then(|| self.sources.get(self.diagnostic.span.file) as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        if !self.snippet() {
            return None;
        }
        let d = self.diagnostic;
        let primary = miette::LabeledSpan::new_primary_with_span(
            Some(
                d.label
                    .clone()
                    .unwrap_or_else(|| default_label(d.code).to_owned()),
            ),
            miette::SourceSpan::new((d.span.start as usize).into(), d.span.len()),
        );
        let related = d
            .related
            .iter()
            .filter(|l| l.span.file == d.span.file)
            .map(|l| {
                miette::LabeledSpan::new_with_span(
                    Some(l.message.clone()),
                    miette::SourceSpan::new((l.span.start as usize).into(), l.span.len()),
                )
            });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

fn default_label(code: Code) -> &'static str {
    match code {
        Code::Syntax => "here",
        Code::InvalidDate => "not a calendar date",
        Code::InvalidNumber => "invalid number",
        Code::UnknownVerb => "unknown verb",
        Code::UnknownDeal => "no `lead` opens this deal",
        Code::DuplicateDeal => "opened again here",
        Code::BeforeLead => "dated before the lead",
        Code::AfterClose => "after the deal closed",
        Code::EndedWithoutWon => "not won",
        Code::ExtendedWithoutWon => "no running contract",
        Code::InvalidExtension => "not an extension",
        Code::ReopenedWithoutClose => "nothing to reopen",
        Code::UnknownChannel => "not declared",
        Code::UnknownContact => "not declared",
        Code::UnknownClient => "not declared",
        Code::DuplicateDeclaration => "declared again here",
        Code::UnknownOption => "unknown option",
        Code::InvalidOption => "invalid value",
        Code::IncludeNotFound => "not found",
        Code::IncludeCycle => "already being read",
        Code::InvalidMetadata => "invalid metadata",
        Code::MissingPrice => "no price for this currency",
        Code::InvalidEncoding => "not UTF-8",
        Code::WonWithoutValue => "no amount",
        Code::StaleDeal => "last entry",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    /// `sort` puts diagnostics in the order of a stable sort by file and
    /// position, ties (the same span) in the order they came, for lists
    /// with every kind of permutation cycle.
    #[test]
    fn sort_is_the_stable_sort_by_place() {
        let mut state = 0x9e37_79b9_u32;
        let mut next = |below: u32| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state % below
        };
        for len in (0..40).chain([100, 1000]) {
            for spread in [1, 3, 50] {
                let diagnostics: Vec<Diagnostic> = (0..len)
                    .map(|i| {
                        let start = next(spread) as usize;
                        let span = Span::new(FileId(next(2)), start, start + next(3) as usize);
                        Diagnostic::new(Code::StaleDeal, span, format!("number {i}"))
                    })
                    .collect();
                let mut expected = diagnostics.clone();
                expected.sort_by_key(|d| (d.span.file, d.span.start, d.span.end));
                let mut sorted = diagnostics;
                sort(&mut sorted);
                assert_eq!(sorted, expected, "{len} diagnostics, spread {spread}");
            }
        }
    }

    /// Texts are kept in allocations of their own length, whatever
    /// `format!` reserved.
    #[test]
    fn texts_are_stored_exactly() {
        let d = Diagnostic::new(Code::Syntax, Span::default(), format!("a {} b", 1))
            .with_label(format!("c {}", 2))
            .with_help(format!("d {} e", 3))
            .with_related(Span::default(), format!("f {}", 4));
        assert_eq!(d.message.capacity(), d.message.len());
        assert_eq!(d.label.as_ref().map(String::capacity), Some(3));
        assert_eq!(d.help.as_ref().map(|h| h.capacity()), Some(5));
        assert_eq!(d.related[0].message.capacity(), 3);
    }
}
