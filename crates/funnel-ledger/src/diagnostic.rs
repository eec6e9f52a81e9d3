//! The one diagnostic type shared by the parser, the checks and (later) the
//! analyses and plugins: a stable code, a severity, a primary span, related
//! labels and an optional help line.

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::name::Name;
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
    /// The message and the help line: read them with
    /// [`message`](Diagnostic::message) and [`help`](Diagnostic::help).
    words: Words,
    /// The offending token.
    pub span: Span,
    /// The label under the primary span and the related places, when the
    /// diagnostic has either: boxed, so that the many that have neither
    /// (a `stale-deal` per deal) are 40 bytes smaller. Read them with
    /// [`label`](Diagnostic::label) and [`related`](Diagnostic::related).
    labels: Option<Box<Labels>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Labels {
    /// Text shown under the primary span; `None` shows the code's default.
    primary: Option<Cow<'static, str>>,
    related: Vec<Label>,
}

/// A diagnostic's message and help: written out, or, for a warning a big
/// ledger has one of per deal (a terse ledger of a million entries has
/// 64,155 `stale-deal`s), the facts they are worded from, worded each
/// time they are read. Written out, a `stale-deal`'s two texts took about
/// 160 bytes of heap each, at the moment a ledger's memory peaks
/// (docs/performance.md, "eighth pass").
#[derive(Clone, Debug, PartialEq, Eq)]
enum Words {
    Written {
        message: Box<str>,
        help: Option<Box<str>>,
    },
    /// `stale-deal`: `deal` has had no entry for `idle` days on `as_of`,
    /// and deals go stale after `stale_after` days.
    Stale {
        deal: Name,
        idle: i32,
        as_of: NaiveDate,
        stale_after: Decimal,
    },
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            words: Words::Written {
                message: exact(message.into()),
                help: None,
            },
            span,
            labels: None,
        }
    }

    /// `stale-deal` on `span` (the deal's latest entry): `deal` has had no
    /// entry for `idle` days on `as_of`, and deals go stale after
    /// `stale_after` days (`option stale-after`).
    pub fn stale_deal(
        span: Span,
        deal: Name,
        idle: i64,
        as_of: NaiveDate,
        stale_after: Decimal,
    ) -> Diagnostic {
        let words = match i32::try_from(idle) {
            Ok(idle) => Words::Stale {
                deal,
                idle,
                as_of,
                stale_after,
            },
            // Cannot happen between calendar dates, but costs nothing.
            Err(_) => Words::Written {
                message: stale_message(&deal, idle).into_boxed_str(),
                help: Some(stale_help(&deal, as_of, stale_after).into_boxed_str()),
            },
        };
        let written = matches!(words, Words::Written { .. });
        let diagnostic = Diagnostic {
            code: Code::StaleDeal,
            severity: Code::StaleDeal.severity(),
            words,
            span,
            labels: None,
        };
        // Kept as facts, the label comes with them ([`Diagnostic::label`]).
        if written {
            diagnostic.with_label("latest entry")
        } else {
            diagnostic
        }
    }

    /// The text shown under the primary span, if it has its own (else the
    /// code's default is shown).
    pub fn label(&self) -> Option<&str> {
        match (&self.labels, &self.words) {
            (Some(labels), _) if labels.primary.is_some() => labels.primary.as_deref(),
            (_, Words::Stale { .. }) => Some("latest entry"),
            _ => None,
        }
    }

    /// Other places the diagnostic points at, each with its message.
    pub fn related(&self) -> &[Label] {
        self.labels.as_ref().map_or(&[], |l| &l.related)
    }

    /// The one-line message.
    pub fn message(&self) -> Cow<'_, str> {
        match &self.words {
            Words::Written { message, .. } => Cow::Borrowed(message),
            Words::Stale { deal, idle, .. } => Cow::Owned(stale_message(deal, i64::from(*idle))),
        }
    }

    /// The help line, if any.
    pub fn help(&self) -> Option<Cow<'_, str>> {
        match &self.words {
            Words::Written { help, .. } => help.as_deref().map(Cow::Borrowed),
            Words::Stale {
                deal,
                as_of,
                stale_after,
                ..
            } => Some(Cow::Owned(stale_help(deal, *as_of, *stale_after))),
        }
    }

    pub fn with_label(mut self, label: impl Into<Cow<'static, str>>) -> Diagnostic {
        self.labels.get_or_insert_default().primary = Some(match label.into() {
            Cow::Owned(text) => Cow::Owned(exact(text).into_string()),
            text => text,
        });
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.get_or_insert_default().related.push(Label {
            span,
            message: exact(message.into()).into_string(),
        });
        self
    }

    pub fn with_help(self, help: impl Into<String>) -> Diagnostic {
        self.with_help_opt(Some(help.into()))
    }

    pub fn with_help_opt(mut self, help: Option<String>) -> Diagnostic {
        let help = help.map(exact);
        let message = match self.words {
            Words::Written { message, .. } => message,
            Words::Stale { .. } => {
                // Written out, it keeps the label the facts gave it.
                if let Some(label) = self.label() {
                    let label = label.to_owned();
                    self = self.with_label(label);
                }
                self.message().into_owned().into_boxed_str()
            }
        };
        self.words = Words::Written { message, help };
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
fn exact(text: String) -> Box<str> {
    if text.capacity() > text.len() {
        Box::from(text.as_str())
    } else {
        text.into_boxed_str()
    }
}

fn stale_message(deal: &Name, idle: i64) -> String {
    format!("deal `{deal}` has had no entry for {idle} days")
}

fn stale_help(deal: &Name, as_of: NaiveDate, stale_after: Decimal) -> String {
    format!(
        "follow up, or close it: `{as_of} lost {deal} \"no answer\"` (stale after {} days, `option stale-after`)",
        stale_after.normalize()
    )
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
            .chain(d.related().iter().map(|l| l.span))
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
        f.write_str(&self.diagnostic.message())
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
            .related()
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
        let help = d.help();
        if help.is_none() && elsewhere.is_empty() {
            return None;
        }
        let mut text = elsewhere.join("\n");
        if let Some(help) = &help {
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
                d.label()
                    .unwrap_or_else(|| default_label(d.code))
                    .to_owned(),
            ),
            miette::SourceSpan::new((d.span.start as usize).into(), d.span.len()),
        );
        let related = d
            .related()
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
        assert!(
            matches!(&d.words, Words::Written { message, help: Some(help) }
            if message.len() == 5 && help.len() == 5)
        );
        let labels = d.labels.as_deref().unwrap();
        assert!(matches!(&labels.primary, Some(Cow::Owned(label)) if label.capacity() == 3));
        assert_eq!(d.related()[0].message.capacity(), 3);
    }

    /// A `stale-deal` kept as facts reads exactly as the one written out
    /// when it was found (the wording `check` used before the facts were
    /// kept): message, help, label and rendered report, for whole and
    /// fractional `stale-after`s and for an idle time too long to keep.
    #[test]
    fn stale_deal_words_match_the_written_ones() {
        use crate::source::SourceMap;
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let text = "2026-01-05 stage acme-site proposal\n";
        let mut sources = SourceMap::default();
        let file = sources.add(crate::source::SourceFile::new(
            "ledger.funnel".into(),
            "ledger.funnel".into(),
            text.as_bytes(),
        ));
        let span = Span::new(file, 0, text.len() - 1);
        let stale_afters = ["90", "45.5", "30.0", "0.25"];
        for (stale_after, idle) in stale_afters.iter().zip([325_i64, 91, 4_000_000_000, 1]) {
            let stale_after: Decimal = stale_after.parse().unwrap();
            let deal = Name::new("acme-site");
            let written = Diagnostic::new(
                Code::StaleDeal,
                span,
                format!("deal `{deal}` has had no entry for {idle} days"),
            )
            .with_label("latest entry")
            .with_help(format!(
                "follow up, or close it: `{as_of} lost {deal} \"no answer\"` (stale after {} days, `option stale-after`)",
                stale_after.normalize()
            ));
            let kept = Diagnostic::stale_deal(span, deal, idle, as_of, stale_after);
            assert_eq!(kept.message(), written.message());
            assert_eq!(kept.help(), written.help());
            assert_eq!(kept.label(), written.label());
            assert_eq!(
                (kept.code, kept.severity, kept.span),
                (written.code, written.severity, written.span)
            );
            let render = |d: &Diagnostic| {
                let mut out = String::new();
                miette::GraphicalReportHandler::new_themed(
                    miette::GraphicalTheme::unicode_nocolor(),
                )
                .render_report(&mut out, &d.with_sources(&sources))
                .unwrap();
                out
            };
            assert_eq!(render(&kept), render(&written));
            // Once kept, adding a help writes the message out.
            let helped = kept.with_help("other");
            assert_eq!(helped.message(), written.message());
            assert_eq!(helped.help().as_deref(), Some("other"));
        }
    }
}
