//! Text → items. Parsing never fails: a line that does not parse becomes one
//! diagnostic and the next line is read as usual.
//!
//! ```text
//! file      := line*
//! line      := blank | comment-line | item-line | meta-line
//! item-line := (directive | entry) tags? comment?       ; starts at column 1
//! entry     := date verb arg*
//! meta-line := indent key ":" value comment?            ; attaches to the item above
//! tags      := ("#" ident)+
//! ```
//!
//! This module drives the reading of lines and items; each job has its own
//! file: `chunks` parses a big file on all cores, `cursor` reads one line's
//! arguments (`expect_*`), `entries` and `directives` hold one function per
//! form, and `crate::meta` reads metadata lines (shared with the model,
//! which reads an entry's metadata again on demand).

mod chunks;
mod cursor;
mod directives;
mod entries;
mod quick;

use crate::diagnostic::{Code, Diagnostic};
use crate::form::Form;
use crate::lexer::{self, Tok, Token};
use crate::meta::{self, invalid_date, Keep, MetaReader};
use crate::model::*;
use crate::name::Name;
use crate::span::{FileId, Span, Spanned};
use crate::suggest::did_you_mean;
use crate::value::{self, DateError};
use crate::verb::{Keyword, Verb};

use chunks::Window;
use cursor::{syntax, Cursor};

pub(crate) use entries::unknown_verb;

/// The result of parsing one file.
#[derive(Debug, Default)]
pub struct ParsedFile {
    /// The dated entries, in reading order.
    pub entries: Vec<Entry>,
    /// The directives in reading order, each with the number of entries
    /// read before it (so an `include` knows where its entries go).
    pub directives: Vec<(usize, Directive)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Entries with a verb that is not built in and whose arguments did not
    /// parse as a stage entry: an `unknown-verb` unless the verb turns out
    /// to be a declared stage, then this syntax error.
    pub unresolved: Vec<(Spanned<Name>, Diagnostic)>,
    /// Deal ids named by `lead` lines that failed to parse, so that the
    /// entries on them do not also each report `unknown-deal`.
    pub failed_leads: Vec<String>,
}

impl ParsedFile {
    /// Directives and entries interleaved again, in reading order.
    pub fn items(self) -> Vec<Item> {
        let mut items = Vec::with_capacity(self.entries.len() + self.directives.len());
        let mut directives = self.directives.into_iter().peekable();
        for (index, entry) in self.entries.into_iter().enumerate() {
            while let Some((_, directive)) = directives.next_if(|(at, _)| *at <= index) {
                items.push(Item::Directive(directive));
            }
            items.push(Item::Entry(entry));
        }
        items.extend(directives.map(|(_, d)| Item::Directive(d)));
        items
    }

    /// Every error the file has, as a user sees them: the syntax errors of
    /// lines whose verb is not built in included (which `build` decides
    /// between a syntax error and `unknown-verb` once every `stages` is
    /// known; a file read alone declares its own stages or none).
    pub fn errors(self) -> Vec<Diagnostic> {
        let mut errors = self.diagnostics;
        errors.extend(self.unresolved.into_iter().map(|(_, d)| d));
        errors
    }
}

/// Parses one file's text. Lines listed in `skip` (1-based; lines with
/// bytes that are not UTF-8, already reported) are not parsed.
///
/// A big file is cut into chunks at item boundaries (before a line that
/// starts at column 1) and the chunks are parsed on all cores: no parser
/// state crosses such a line, so the result is what one pass would give
/// (see [`chunks::parse_parallel`]).
pub fn parse(file: FileId, text: &str, skip: &[usize]) -> ParsedFile {
    let threads = if skip.is_empty() {
        chunks::threads_for(text.len())
    } else {
        1
    };
    if threads == 1 {
        return parse_chunk(file, text, 0, skip, None).0;
    }
    chunks::parse_parallel(file, text, threads)
}

/// The arguments of the entry on `line` (its first line, without the
/// line ending), which starts at byte `start` of `file`, with their
/// places: what [`crate::Ledger::form`] reads again. `None` when the line
/// is not an entry that parses.
pub(crate) fn entry_form(file: FileId, line: &str, start: usize) -> Option<Form> {
    let mut tokens = Vec::new();
    lexer::tokenize(file, line, start, &mut tokens).ok()?;
    let args = match tokens.iter().position(|t| matches!(t.tok, Tok::Tag(_))) {
        Some(tags) => &tokens[..tags],
        None => &tokens[..],
    };
    let end = start + line.len();
    let mut cur = Cursor {
        line,
        line_start: start,
        toks: args,
        pos: 2,
        end: Span::new(file, end, end),
    };
    let verb = match args.get(1)? {
        Token {
            tok: Tok::Word(verb),
            span,
        } => Spanned::new(*verb, *span),
        _ => return None,
    };
    entries::entry(verb, &mut cur).ok()
}

/// Parses `text`, which starts at byte `base` of the file. With a window,
/// entries go into it, and the count of those written comes back beside
/// the rest.
fn parse_chunk<'w>(
    file: FileId,
    text: &str,
    base: usize,
    skip: &[usize],
    window: Option<Window<'w>>,
) -> (ParsedFile, usize) {
    let mut parser = Parser::new(file, window);
    if parser.window.is_none() {
        parser.out.entries = Vec::with_capacity(chunks::entry_lines(text));
    }
    parser.read(text, base, skip);
    let written = parser.window.as_ref().map_or(0, Window::len);
    (parser.out, written)
}

/// Parses `text` without the quick reader: the general path alone, which
/// [`quick`]'s tests and the `quick` fuzz target hold it to (`parse` of a
/// text below a megabyte, one chunk, must give the same).
#[cfg(any(test, fuzzing))]
#[doc(hidden)]
pub fn parse_chunk_general(file: FileId, text: &str) -> ParsedFile {
    let mut parser = Parser::new(file, None);
    parser.quick = false;
    parser.read(text, 0, &[]);
    parser.out
}

/// Why an item line was not read.
#[derive(Debug)]
enum LineError {
    /// An error to report as it is.
    Error(Diagnostic),
    /// A line whose verb is not built in and whose arguments do not read as
    /// a stage entry: whether the verb is a stage at all is known only once
    /// every file's `stages` is read (`build` decides between this syntax
    /// error and `unknown-verb`).
    /// (Boxed: the verb and the error, on a rare path.)
    NotAStage(Box<(Spanned<Name>, Diagnostic)>),
}

impl From<Diagnostic> for LineError {
    fn from(error: Diagnostic) -> LineError {
        LineError::Error(error)
    }
}

struct Parser<'w> {
    file: FileId,
    out: ParsedFile,
    /// Where entries go when parsing a chunk of a big file; `out.entries`
    /// otherwise.
    window: Option<Window<'w>>,
    /// The item whose metadata lines may follow.
    current: Option<Item>,
    /// The metadata lines of `current` read so far: moved into it (sized
    /// exactly) when it is a directive, only checked when it is an entry.
    meta: MetaReader,
    /// The last item line failed: its metadata lines are skipped quietly.
    broken: bool,
    /// The date of the last entry line, to read the next one's cheaply.
    last_date: value::LastDate,
    /// Whether entry lines go to [`quick::entry`] first (off only in the
    /// tests that hold it to the general path).
    quick: bool,
}

impl<'w> Parser<'w> {
    fn new(file: FileId, window: Option<Window<'w>>) -> Parser<'w> {
        Parser {
            file,
            out: ParsedFile::default(),
            window,
            current: None,
            meta: MetaReader::default(),
            broken: false,
            last_date: value::LastDate::default(),
            quick: true,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// Reads every line of `text`, which starts at byte `base` of the
    /// file, and finishes the last item. Lines listed in `skip` (1-based)
    /// are not parsed.
    fn read(&mut self, text: &str, base: usize, skip: &[usize]) {
        let mut tokens = Vec::new();
        let mut offset = base;
        let mut skip = skip.iter().peekable();
        // Lines found with `memchr` (vectorised), as `split_inclusive('\n')`
        // would cut them.
        let ends = memchr::memchr_iter(b'\n', text.as_bytes())
            .map(|i| i + 1)
            .chain((!text.ends_with('\n') && !text.is_empty()).then_some(text.len()));
        let mut from = 0;
        for (number, end) in ends.enumerate() {
            let raw = &text[from..end];
            from = end;
            let start = offset;
            offset += raw.len();
            let line = raw.strip_suffix('\n').unwrap_or(raw);
            let line = line.strip_suffix('\r').unwrap_or(line);
            if skip.next_if_eq(&&(number + 1)).is_some() {
                self.skip(line);
                continue;
            }
            self.line(line, start, &mut tokens);
        }
        self.finish_item();
    }

    fn finish_item(&mut self) {
        if let Some(mut item) = self.current.take() {
            match &mut item {
                Item::Directive(d) => {
                    if !self.meta.meta.is_empty() {
                        d.extras.meta = self.meta.meta.drain(..).collect();
                    }
                }
                Item::Entry(e) => e.meta = self.meta.lines.unwrap_or_default(),
            }
            match item {
                Item::Entry(entry) => match &mut self.window {
                    Some(window) => window.push(entry),
                    None => self.out.entries.push(entry),
                },
                Item::Directive(directive) => {
                    let before =
                        self.window.as_ref().map_or(0, Window::len) + self.out.entries.len();
                    self.out.directives.push((before, directive));
                }
            }
        }
        self.meta.clear();
    }

    fn line<'a>(&mut self, line: &'a str, start: usize, tokens: &mut Vec<Token<'a>>) {
        let trimmed = line.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() {
            self.finish_item();
            self.broken = false;
            return;
        }
        let indented = trimmed.len() != line.len();
        if trimmed.starts_with([';', '#', '*']) {
            // Indented comments stay inside the entry; one at column 1 ends it.
            if !indented {
                self.finish_item();
                self.broken = false;
            }
            return;
        }
        if indented {
            let indent = line.len() - trimmed.len();
            self.meta_line(trimmed, start + indent, tokens);
            return;
        }
        self.finish_item();
        self.broken = false;
        if self.quick {
            if let Some((date, kind)) = quick::entry(self.file, line, start, &mut self.last_date) {
                self.current = Some(Item::Entry(Entry {
                    date,
                    kind,
                    span: self.span(start, start + line.len()),
                    meta: MetaLines::default(),
                }));
                return;
            }
        }
        if let Err(err) = lexer::tokenize(self.file, line, start, tokens) {
            self.note_failed_lead(line);
            self.fail(err);
            return;
        }
        let line_span = self.span(start, start + line.len());
        match self.item_line(line, tokens, line_span) {
            Ok(item) => self.current = Some(item),
            Err(LineError::Error(err)) => {
                self.note_failed_lead(line);
                self.fail(err);
            }
            Err(LineError::NotAStage(unresolved)) => {
                self.out.unresolved.push(*unresolved);
                self.note_failed_lead(line);
                self.broken = true;
            }
        }
    }

    fn fail(&mut self, err: Diagnostic) {
        self.out.diagnostics.push(err);
        self.broken = true;
    }

    /// A line that is not parsed (already reported). If it opens or
    /// continues an item, that item is treated as broken.
    fn skip(&mut self, line: &str) {
        if !line.starts_with([' ', '\t']) {
            self.finish_item();
            self.note_failed_lead(line);
        }
        self.broken = true;
    }

    /// Remembers the deal of a `lead` line that failed, so entries on it do
    /// not each report `unknown-deal` too.
    fn note_failed_lead(&mut self, line: &str) {
        let mut words = line.split_whitespace();
        let (_, verb, deal) = (words.next(), words.next(), words.next());
        if let (Some(verb), Some(deal)) = (verb, deal) {
            let lead = Verb::Lead.as_str();
            if verb == lead || did_you_mean(verb, [lead]).is_some() {
                self.out.failed_leads.push(deal.to_owned());
            }
        }
    }

    /// `item-line := (directive | date verb args) tags?`
    fn item_line<'a>(
        &mut self,
        text_line: &'a str,
        tokens: &[Token<'a>],
        line: Span,
    ) -> Result<Item, LineError> {
        let tag_start = tokens
            .iter()
            .position(|t| matches!(t.tok, Tok::Tag(_)))
            .unwrap_or(tokens.len());
        let (args, tags) = tokens.split_at(tag_start);
        for tag in tags {
            match &tag.tok {
                Tok::Tag(_) => {}
                _ => {
                    let first = &tags[0];
                    return Err(Diagnostic::new(Code::Syntax, first.span, format!("{} comes before the end of the arguments", first.describe()))
                        .with_label("tag")
                        .with_related(tag.span, "an argument after the tag")
                        .with_help("tags come after all the arguments of an entry: move it to the end of the line, before any `;` comment").into());
                }
            }
        }
        let mut cur = Cursor {
            line: text_line,
            line_start: line.start as usize,
            toks: args,
            pos: 0,
            end: self.span(line.end as usize, line.end as usize),
        };
        let Some(first) = args.first() else {
            return Err(Diagnostic::new(
                Code::Syntax,
                line,
                "expected a date or a directive, found only tags",
            )
            .into());
        };
        let Tok::Word(word) = first.tok else {
            return Err(cursor::expected_line_start(first).into());
        };
        if let Some(keyword) = Keyword::parse(word) {
            cur.pos = 1;
            let kind = directives::directive(keyword, &mut cur)?;
            return Ok(Item::Directive(Directive {
                kind,
                span: line,
                extras: Extras {
                    tags: meta::tag_names(tags).collect(),
                    meta: Box::default(),
                },
            }));
        }
        let date = match self.last_date.parse(word) {
            Ok(date) => date,
            Err(DateError::Calendar) => return Err(invalid_date(word, first.span).into()),
            Err(DateError::Shape) => return Err(cursor::expected_line_start(first).into()),
        };
        cur.pos = 1;
        let verb = match cur.peek() {
            Some(Token {
                tok: Tok::Word(verb),
                span,
            }) => Spanned::new(*verb, *span),
            Some(other) => {
                return Err(syntax(
                    other.span,
                    format!("expected a verb after the date, found {}", other.describe()),
                )
                .into())
            }
            None => {
                return Err(syntax(
                    cur.end,
                    "expected a verb after the date, found the end of the line",
                )
                .with_help(entries::verb_list())
                .into())
            }
        };
        cur.pos = 2;
        let kind = entries::entry(verb, &mut cur)?.bare();
        Ok(Item::Entry(Entry {
            date,
            kind,
            span: line,
            meta: MetaLines::default(),
        }))
    }

    /// `meta-line := indent key ":" value comment?`, without its
    /// indentation. `tokens` is the parser's one token buffer, reused for
    /// the value.
    fn meta_line<'a>(&mut self, line: &'a str, start: usize, tokens: &mut Vec<Token<'a>>) {
        let Some((key, rest)) = value::metadata_key(line) else {
            if self.broken {
                return;
            }
            let word_end = line.find([' ', '\t']).unwrap_or(line.len());
            let err = syntax(
                self.span(start, start + word_end),
                format!(
                    "expected a metadata line `key: value` or a comment, found `{}`",
                    lexer::shorten(&line[..word_end])
                ),
            )
            .with_help(
                "indented lines continue the entry above: `key: value` metadata or a `;` comment",
            );
            self.out.diagnostics.push(err);
            return;
        };
        let keep = match &self.current {
            Some(Item::Entry(_)) => Keep::Kind,
            Some(Item::Directive(_)) => Keep::Values,
            None => {
                if !self.broken {
                    let key_span = self.span(start, start + key.len());
                    self.out.diagnostics.push(
                        Diagnostic::new(Code::InvalidMetadata, key_span, format!("metadata `{key}` has no entry above it"))
                            .with_help("metadata lines must directly follow their entry or directive, without a blank line or a comment at column 1 between"),
                    );
                }
                return;
            }
        };
        if let Err(err) = self
            .meta
            .read(self.file, (key, rest), start, line.len(), tokens, keep)
        {
            self.out.diagnostics.push(err);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{read_metadata, read_metadata_key, read_tags, read_verb_span};

    /// A key given twice on one entry or directive is found whether the
    /// item has a few keys (a linear search) or many (a map), and the
    /// message points back at the first.
    #[test]
    fn a_key_given_twice_is_found_among_few_and_many() {
        for keys in [3, 40] {
            for directive in [false, true] {
                let mut text = String::from(if directive {
                    "channel net\n"
                } else {
                    "2026-01-02 lead d via net\n"
                });
                for i in 0..keys {
                    text.push_str(&format!("  k{i}: {i}\n"));
                }
                text.push_str("  k1: again\n  k2: again ; twice\n");
                let parsed = parse(FileId(0), &text, &[]);
                let found: Vec<&str> = parsed
                    .diagnostics
                    .iter()
                    .map(|d| &text[d.span.start as usize..d.span.end as usize])
                    .collect();
                assert_eq!(found, ["k1", "k2"], "{keys} keys, directive: {directive}");
                let first = text.find("k1:").unwrap();
                assert!(parsed.diagnostics[0]
                    .related()
                    .iter()
                    .any(|r| r.span.start as usize == first));
            }
        }
    }

    #[test]
    fn tags_verb_and_metadata_are_read_back_as_parsed() {
        let text = "2026-01-02   lead d \"T #x\" via net #a #b-c ; #no\r\n  start: 2026-02-01 ; why\r\n  ; an indented comment\r\n\tnote: \"a \\\"b\\\"\"\r\n  start: 2026-03-01\r\n  rating: 9\r\n  budget: 12 EUR\r\n\r\n2026-01-03 note d \"x\"\n";
        let parsed = parse(FileId(0), text, &[]);
        // The repeated key and the bad rating are reported once, when read.
        assert_eq!(parsed.diagnostics.len(), 2, "{:?}", parsed.diagnostics);
        let [lead, note] = &parsed.entries[..] else {
            panic!("{:?}", parsed.entries)
        };
        assert!(note.meta.is_empty());
        let line = |e: &Entry| &text[e.span.range()];
        assert_eq!(&text[read_verb_span(lead.span, line(lead)).range()], "lead");
        assert_eq!(&text[read_verb_span(note.span, line(note)).range()], "note");
        let tags: Vec<_> = read_tags(lead.span, line(lead))
            .iter()
            .map(|t| (t.value.as_str(), &text[t.span.range()]))
            .collect();
        assert_eq!(tags, [("a", "#a"), ("b-c", "#b-c")]);
        assert_eq!(read_tags(note.span, line(note)), vec![]);
        assert_eq!(read_metadata(FileId(0), text, note.meta), vec![]);
        let meta = read_metadata(FileId(0), text, lead.meta);
        let shown: Vec<String> = meta
            .iter()
            .map(|m| {
                format!(
                    "{}={:?}@{}",
                    m.key.value,
                    m.value.value,
                    &text[m.value.span.range()]
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                "start=Date(2026-02-01)@2026-02-01",
                "note=String(\"a \\\"b\\\"\")@\"a \\\"b\\\"\"",
                "budget=Amount(Amount { value: 12, currency: EUR })@12 EUR",
            ],
        );
        // One key read alone is the first line that gives it a value.
        for key in ["start", "note", "rating", "budget", "nothing"] {
            assert_eq!(
                read_metadata_key(FileId(0), text, lead.meta, key),
                meta.iter().find(|m| m.key.value == key).cloned(),
                "{key}"
            );
        }
        // The range runs from the first accepted line to the last one.
        assert!(text[lead.meta.range()].starts_with("start: 2026-02-01"));
        assert!(text[lead.meta.range()].ends_with("budget: 12 EUR"));
    }
}
