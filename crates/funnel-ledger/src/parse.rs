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

use std::collections::HashMap;
use std::mem::MaybeUninit;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::diagnostic::{Code, Diagnostic};
use crate::lexer::{self, shorten, Tok, Token};
use crate::model::*;
use crate::name::Name;
use crate::span::{FileId, Span, Spanned};
use crate::suggest::did_you_mean;
use crate::value::{self, Amount, Currency, DateError, NumberWord, Rate, RateUnit};

/// Built-in verbs of dated entries.
pub const VERBS: &[&str] = &[
    "lead", "won", "lost", "declined", "ended", "spent", "touch", "note", "assume", "price",
    "balance", "costs",
];

/// Keywords of undated directives.
pub const DIRECTIVES: &[&str] = &["include", "option", "stages", "channel", "contact"];

/// Words that cannot be stage names (format §7).
pub const RESERVED: &[&str] = &[
    "include",
    "option",
    "stages",
    "channel",
    "contact",
    "lead",
    "won",
    "lost",
    "declined",
    "ended",
    "spent",
    "touch",
    "note",
    "assume",
    "price",
    "balance",
    "costs",
    "via",
    "from",
    "at",
    "until",
    "on",
    "cancelled",
];

pub const OPTIONS: &[&str] = &["currency", "stale-after", "strict"];

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
}

/// Parses one file's text. Lines listed in `skip` (1-based; lines with
/// bytes that are not UTF-8, already reported) are not parsed.
///
/// A big file is cut into chunks at item boundaries (before a line that
/// starts at column 1) and the chunks are parsed on all cores: no parser
/// state crosses such a line, so the result is what one pass would give
/// (see [`parse_parallel`]).
pub fn parse(file: FileId, text: &str, skip: &[usize]) -> ParsedFile {
    let threads = if skip.is_empty() {
        threads_for(text.len())
    } else {
        1
    };
    if threads == 1 {
        return parse_chunk(file, text, 0, skip, None);
    }
    let chunks = chunks(text, text.len().div_ceil(CHUNK).max(threads));
    parse_parallel(file, text, &chunks, threads)
}

/// Parses `chunks` of `text` (consecutive, covering it, each starting at a
/// column-1 line) on `threads` threads.
///
/// Every entry line starts with a digit (its date), so the lines of a chunk
/// that start with one bound its entries. The entry vector is allocated
/// once for all of them and each chunk parses straight into its own window
/// of it: a million entries are written once, not once per chunk and again
/// when the chunks are joined. Windows are left partly empty only by lines
/// that failed to parse; the chunks' entries are then moved down to close
/// the gaps, keeping reading order.
// The one `unsafe` of the workspace: writing entries in place and
// closing the gaps between windows (`set_len`, `ptr::copy`). It saves
// writing every entry of a big file twice (see docs/performance.md).
#[allow(unsafe_code)]
fn parse_parallel(
    file: FileId,
    text: &str,
    chunks: &[std::ops::Range<usize>],
    threads: usize,
) -> ParsedFile {
    use std::sync::Mutex;

    let bounds: Vec<usize> = crate::parallel::map_ordered(chunks.len(), threads, |i| {
        entry_lines(&text[chunks[i].clone()])
    });
    let capacity: usize = bounds.iter().sum();
    let mut entries: Vec<Entry> = Vec::with_capacity(capacity);
    let mut windows = Vec::with_capacity(chunks.len());
    let mut rest = &mut entries.spare_capacity_mut()[..capacity];
    for &bound in &bounds {
        let (window, tail) = rest.split_at_mut(bound);
        windows.push(Mutex::new(Some(window)));
        rest = tail;
    }
    let parts = crate::parallel::map_ordered(chunks.len(), threads, |i| {
        let range = &chunks[i];
        let window = windows[i]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
            .expect("each chunk is parsed once");
        let mut written = 0;
        let part = parse_chunk(
            file,
            &text[range.clone()],
            range.start,
            &[],
            Some((window, &mut written)),
        );
        (part, written)
    });
    drop(windows);

    // Close the gaps: chunk i's entries sit at the start of its window.
    let mut out = ParsedFile::default();
    let mut window_start = 0;
    let mut len = 0;
    for ((mut part, written), bound) in parts.into_iter().zip(&bounds) {
        if window_start != len {
            // SAFETY: `written` slots from `window_start` were initialised by
            // the chunk's parser (`Window::push` writes them in order), and
            // the destination `len..len + written` lies in the allocation
            // (`len <= window_start`). `ptr::copy` allows the overlap. The
            // slots left behind are beyond the final length, so the moved
            // entries are never dropped twice.
            unsafe {
                let base = entries.as_mut_ptr();
                std::ptr::copy(base.add(window_start), base.add(len), written);
            }
        }
        // Entries the window could not hold (never, as every entry line
        // starts with a digit) would be in `part.entries`; they are placed
        // after the window's and keep their order because nothing else is
        // written between.
        let overflow = std::mem::take(&mut part.entries);
        for (at, _) in &mut part.directives {
            *at += len;
        }
        len += written;
        // SAFETY: slots `0..len` are initialised: the previous chunks' and
        // this chunk's entries were moved (or written) there above.
        unsafe { entries.set_len(len) };
        entries.extend(overflow);
        len = entries.len();
        window_start += bound;
        out.directives.extend(part.directives);
        out.diagnostics.extend(part.diagnostics);
        out.unresolved.extend(part.unresolved);
        out.failed_leads.extend(part.failed_leads);
    }
    out.entries = entries;
    out
}

/// How many lines start with a digit: an upper bound of the entries in
/// `text` (every entry line starts with its date), to size the vector once.
///
/// Compares fixed-size blocks of byte pairs without branching, which the
/// compiler turns into vector instructions: a big file's lines are counted
/// at about the speed memory delivers them (a search for each newline
/// stopped four million times at a million entries).
fn entry_lines(text: &str) -> usize {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    let Some(first) = bytes.first() else {
        return 0;
    };
    // Each byte paired with the next: a newline followed by a digit.
    let (ends, starts) = (&bytes[..bytes.len() - 1], &bytes[1..]);
    let mut end_blocks = ends.chunks_exact(BLOCK);
    let mut start_blocks = starts.chunks_exact(BLOCK);
    let mut count = usize::from(first.is_ascii_digit());
    for (end, start) in (&mut end_blocks).zip(&mut start_blocks) {
        let mut hits = 0u8;
        for i in 0..BLOCK {
            hits += u8::from(end[i] == b'\n') & u8::from(start[i].wrapping_sub(b'0') < 10);
        }
        count += usize::from(hits);
    }
    count
        + end_blocks
            .remainder()
            .iter()
            .zip(start_blocks.remainder())
            .filter(|(end, start)| **end == b'\n' && start.is_ascii_digit())
            .count()
}

/// Below this many bytes per thread, starting threads costs more than it
/// saves.
const MIN_CHUNK: usize = 1 << 20;

/// The size of the pieces a big file is parsed in.
const CHUNK: usize = 4 << 20;

fn threads_for(len: usize) -> usize {
    crate::parallel::threads(len, MIN_CHUNK).min(8)
}

/// Cuts `text` into about `n` ranges, each ending just before a line that
/// starts at column 1 with something other than white space (or at the
/// end), so that every item lies wholly inside one range.
fn chunks(text: &str, n: usize) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::with_capacity(n);
    let mut start = 0;
    for i in 1..n {
        let target = (text.len() * i / n).max(start);
        let cut = memchr::memchr_iter(b'\n', &bytes[target..])
            .map(|j| target + j + 1)
            .find(|&after| after < bytes.len() && !matches!(bytes[after], b' ' | b'\t'));
        let Some(cut) = cut else { break };
        ranges.push(start..cut);
        start = cut;
    }
    ranges.push(start..text.len());
    ranges
}

/// Parses `text`, which starts at byte `base` of the file. With a window,
/// entries go into it and the count of those written into the `usize`.
fn parse_chunk(
    file: FileId,
    text: &str,
    base: usize,
    skip: &[usize],
    window: Option<(&mut [MaybeUninit<Entry>], &mut usize)>,
) -> ParsedFile {
    let (window, written) = match window {
        Some((slots, written)) => (Some(Window { slots, len: 0 }), Some(written)),
        None => (None, None),
    };
    let mut parser = Parser::new(file, window);
    if parser.window.is_none() {
        parser.out.entries = Vec::with_capacity(entry_lines(text));
    }
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
            parser.skip(line);
            continue;
        }
        parser.line(line, start, &mut tokens);
    }
    parser.finish_item();
    if let (Some(window), Some(written)) = (&parser.window, written) {
        *written = window.len;
    }
    parser.out
}

/// A part of the final entry vector that one chunk's parser fills from
/// the start (see [`parse_parallel`]).
struct Window<'w> {
    slots: &'w mut [MaybeUninit<Entry>],
    len: usize,
}

struct Parser<'w> {
    file: FileId,
    out: ParsedFile,
    /// Where entries go when parsing a chunk of a big file; `out.entries`
    /// otherwise (and for any that would not fit, which cannot happen).
    window: Option<Window<'w>>,
    /// The item whose metadata lines may follow.
    current: Option<Item>,
    /// The metadata read so far for `current`: moved into it (sized
    /// exactly) when it is a directive, only checked when it is an entry.
    meta: Vec<Meta>,
    /// The byte range of `current`'s metadata lines read so far.
    meta_lines: Option<MetaLines>,
    /// Reading the metadata lines of an entry again
    /// ([`read_metadata`]): there is no item line above them.
    rereading: bool,
    /// The last item line failed: its metadata lines are skipped quietly.
    broken: bool,
    /// Metadata keys of the current item once it has more than
    /// [`FEW_KEYS`], to find a key given twice without a quadratic search
    /// when an entry has thousands of lines. Empty below that: a linear
    /// scan of `seen_keys` is faster and allocates nothing.
    keys: HashMap<Name, Span>,
    /// The metadata keys of the current item, to find one given twice:
    /// their text is copied into a buffer rather than interned (two thirds
    /// of a ledger's lines are metadata, and an entry's are only checked).
    seen_keys: SeenKeys,
}

/// Metadata keys, their texts one after the other in one buffer.
#[derive(Default)]
struct SeenKeys {
    text: String,
    /// Where each key's text ends in `text`, and the key's span.
    ends: Vec<(usize, Span)>,
}

impl SeenKeys {
    fn iter(&self) -> impl Iterator<Item = (&str, Span)> {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|&(end, _)| end));
        starts
            .zip(&self.ends)
            .map(|(start, &(end, span))| (&self.text[start..end], span))
    }

    fn find(&self, key: &str) -> Option<Span> {
        self.iter().find(|&(k, _)| k == key).map(|(_, span)| span)
    }

    fn push(&mut self, key: &str, span: Span) {
        self.text.push_str(key);
        self.ends.push((self.text.len(), span));
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }
}

/// Up to this many metadata keys on one item, duplicates are found by a
/// linear scan; beyond it, through [`Parser::keys`].
const FEW_KEYS: usize = 16;

impl<'w> Parser<'w> {
    fn new(file: FileId, window: Option<Window<'w>>) -> Parser<'w> {
        Parser {
            file,
            out: ParsedFile::default(),
            window,
            current: None,
            meta: Vec::new(),
            meta_lines: None,
            rereading: false,
            broken: false,
            keys: HashMap::new(),
            seen_keys: SeenKeys::default(),
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn finish_item(&mut self) {
        if !self.keys.is_empty() {
            self.keys.clear();
        }
        self.seen_keys.clear();
        let meta_lines = self.meta_lines.take();
        let Some(mut item) = self.current.take() else {
            return;
        };
        match &mut item {
            Item::Directive(d) if !self.meta.is_empty() => {
                d.extras.meta = self.meta.drain(..).collect();
            }
            Item::Directive(_) => {}
            Item::Entry(e) => {
                e.meta = meta_lines.unwrap_or_default();
                self.meta.clear();
            }
        }
        match item {
            Item::Entry(entry) => match &mut self.window {
                Some(window) if window.len < window.slots.len() => {
                    window.slots[window.len].write(entry);
                    window.len += 1;
                }
                _ => self.out.entries.push(entry),
            },
            Item::Directive(directive) => {
                let before = self.window.as_ref().map_or(0, |w| w.len) + self.out.entries.len();
                self.out.directives.push((before, directive));
            }
        }
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
        if let Err(err) = lexer::tokenize(self.file, line, start, tokens) {
            self.note_failed_lead(line);
            self.fail(err);
            return;
        }
        let line_span = self.span(start, start + line.len());
        match self.item_line(line, tokens, line_span) {
            Ok(item) => self.current = Some(item),
            Err(err) => {
                self.note_failed_lead(line);
                self.fail(err);
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
            if verb == "lead" || did_you_mean(verb, ["lead"]).is_some() {
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
    ) -> Result<Item, Diagnostic> {
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
                        .with_help("tags come after all the arguments of an entry: move it to the end of the line, before any `;` comment"));
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
            ));
        };
        let Tok::Word(word) = first.tok else {
            return Err(expected_line_start(first));
        };
        if DIRECTIVES.contains(&word) {
            cur.pos = 1;
            let kind = self.directive(word, &mut cur)?;
            return Ok(Item::Directive(Directive {
                kind,
                span: line,
                extras: Extras {
                    tags: tag_names(tags).collect(),
                    meta: Box::default(),
                },
            }));
        }
        let date = match value::parse_date(word) {
            Ok(date) => date,
            Err(DateError::Calendar) => return Err(invalid_date(word, first.span)),
            Err(DateError::Shape) => return Err(expected_line_start(first)),
        };
        cur.pos = 1;
        let verb = match cur.peek() {
            Some(Token {
                tok: Tok::Word(verb),
                span,
            }) => (*verb, *span),
            Some(other) => {
                return Err(syntax(
                    other.span,
                    format!("expected a verb after the date, found {}", other.describe()),
                ))
            }
            None => {
                return Err(syntax(
                    cur.end,
                    "expected a verb after the date, found the end of the line",
                )
                .with_help(verb_list()))
            }
        };
        cur.pos = 2;
        let kind = self.entry(verb, &mut cur)?;
        Ok(Item::Entry(Entry {
            date,
            kind,
            span: line,
            meta: MetaLines::default(),
        }))
    }

    fn directive(
        &mut self,
        keyword: &str,
        cur: &mut Cursor<'_, '_>,
    ) -> Result<DirectiveKind, Diagnostic> {
        let kind = match keyword {
            "include" => {
                let path =
                    cur.expect_string("a quoted path after `include`, like `\"2025.funnel\"`")?;
                cur.expect_end("the end of the `include`")?;
                DirectiveKind::Include { path }
            }
            "option" => self.option(cur)?,
            "stages" => {
                let mut names: Vec<Spanned<Name>> = Vec::new();
                while let Some(tok) = cur.next() {
                    let Tok::Word(word) = tok.tok else {
                        return Err(syntax(
                            tok.span,
                            format!("expected a stage name, found {}", tok.describe()),
                        ));
                    };
                    if !value::is_ident(word) {
                        return Err(syntax(
                            tok.span,
                            format!("`{}` is not a valid stage name", shorten(word)),
                        )
                        .with_help("names are letters and digits, then also `_`, `.` or `-`"));
                    }
                    if RESERVED.contains(&word) {
                        return Err(syntax(tok.span, format!("`{word}` is a reserved word and cannot be a stage name"))
                            .with_help("`lead` always comes first and `won` last; list only the stages between them"));
                    }
                    if let Some(first) = names.iter().find(|n| n.value == word) {
                        return Err(syntax(tok.span, format!("stage `{word}` is listed twice"))
                            .with_related(first.span, "first listed here"));
                    }
                    names.push(Spanned::new(Name::new(word), tok.span));
                }
                DirectiveKind::Stages { names }
            }
            "channel" => {
                let name =
                    cur.expect_channel("a channel name after `channel`, like `platform:upwork`")?;
                let title = cur.opt_string();
                cur.expect_end("a title string or the end of the `channel` line")?;
                DirectiveKind::Channel { name, title }
            }
            "contact" => {
                let id = cur.expect_ident("a contact id after `contact`, like `anna`")?;
                let name = cur.opt_string();
                cur.expect_end("a name string or the end of the `contact` line")?;
                DirectiveKind::Contact { id, name }
            }
            _ => unreachable!("caller checks DIRECTIVES"),
        };
        Ok(kind)
    }

    /// `option := "option" ident value`
    fn option(&mut self, cur: &mut Cursor<'_, '_>) -> Result<DirectiveKind, Diagnostic> {
        let name = cur
            .expect_word("an option name after `option` (`currency`, `stale-after` or `strict`)")?;
        if !OPTIONS.contains(&name.value) {
            return Err(Diagnostic::new(
                Code::UnknownOption,
                name.span,
                format!("unknown option `{}`", shorten(name.value)),
            )
            .with_help(
                did_you_mean(name.value, OPTIONS.iter().copied()).unwrap_or_else(|| {
                    "the options are `currency`, `stale-after` and `strict`".to_owned()
                }),
            ));
        }
        let Some(tok) = cur.next() else {
            return Err(syntax(
                cur.end,
                format!("expected a value for option `{}`", name.value),
            ));
        };
        let word = match &tok.tok {
            Tok::Word(w) => *w,
            _ => "",
        };
        let invalid = |expected: &str| {
            Diagnostic::new(
                Code::InvalidOption,
                tok.span,
                format!(
                    "invalid value for option `{}`: expected {expected}, found {}",
                    name.value,
                    tok.describe()
                ),
            )
        };
        let value = match name.value {
            "currency" => OptionValue::Currency(Currency::parse(word).ok_or_else(|| {
                invalid("a currency code like `EUR`").with_help("currency codes are an uppercase letter and 2 to 9 more uppercase letters or digits")
            })?),
            "stale-after" => match value::parse_number_word(word) {
                Some(Ok(NumberWord::Duration(d))) if d.value > Decimal::ZERO => OptionValue::StaleAfter(d),
                _ => return Err(invalid("a positive duration like `90d`, `6w` or `3mo`")),
            },
            "strict" => match word {
                "true" => OptionValue::Strict(true),
                "false" => OptionValue::Strict(false),
                _ => return Err(invalid("`true` or `false`")),
            },
            _ => unreachable!("checked against OPTIONS"),
        };
        cur.expect_end("the end of the `option` line")?;
        Ok(DirectiveKind::Option {
            name: Spanned::new(name.value.to_owned(), name.span),
            value: Spanned::new(value, tok.span),
        })
    }

    /// The arguments after `verb` (the word and its span).
    fn entry(
        &mut self,
        (verb_word, verb_span): (&str, Span),
        cur: &mut Cursor<'_, '_>,
    ) -> Result<EntryKind, Diagnostic> {
        let kind = match verb_word {
            "lead" => {
                let deal = cur.expect_deal()?;
                let title = cur.opt_string().map(String::into_boxed_str);
                if !cur.eat_keyword("via") {
                    let err = cur.unexpected_keyword(
                        if title.is_some() {
                            "`via CHANNEL`"
                        } else {
                            "a title string or `via CHANNEL`"
                        },
                        &["via"],
                    );
                    return Err(match cur.peek_word() {
                        Some(word) if err.help.is_none() && value::is_channel(word) => {
                            err.with_help(format!("name the channel with `via`: `via {word}`"))
                        }
                        _ => err,
                    });
                }
                let channel = cur.expect_channel(
                    "a channel after `via`, like `referral` or `platform:upwork`",
                )?;
                let contact = if cur.eat_keyword("from") {
                    Some(cur.expect_ident("a contact id after `from`")?)
                } else {
                    None
                };
                cur.expect_end(if contact.is_some() {
                    "tags or the end of the entry"
                } else {
                    "`from CONTACT`, tags or the end of the entry"
                })?;
                EntryKind::Lead {
                    deal,
                    title,
                    channel,
                    contact,
                }
            }
            "won" => {
                let deal = cur.expect_deal()?;
                let offer = cur.offer()?;
                let until = if cur.eat_keyword("until") {
                    Some(cur.expect_date("a date after `until`")?)
                } else {
                    None
                };
                cur.expect_end(if until.is_some() {
                    "tags or the end of the entry"
                } else {
                    "an amount, `at RATE`, `until DATE` or the end of the entry"
                })?;
                EntryKind::Won { deal, offer, until }
            }
            "lost" | "declined" => {
                let deal = cur.expect_deal()?;
                let reason = cur.opt_string().map(String::into_boxed_str);
                cur.expect_end("a reason string or the end of the entry")?;
                if verb_word == "lost" {
                    EntryKind::Lost { deal, reason }
                } else {
                    EntryKind::Declined { deal, reason }
                }
            }
            "ended" => {
                let deal = cur.expect_deal()?;
                let cancelled = cur.eat_keyword("cancelled");
                let note = cur.opt_string().map(String::into_boxed_str);
                cur.expect_end(if cancelled {
                    "a note string or the end of the entry"
                } else {
                    "`cancelled`, a note string or the end of the entry"
                })?;
                EntryKind::Ended {
                    deal,
                    cancelled,
                    note,
                }
            }
            "spent" => {
                let quantity = cur.quantity()?;
                let on = if cur.eat_keyword("via") {
                    SpentOn::Channel(cur.expect_channel("a channel after `via`")?)
                } else if cur.eat_keyword("on") {
                    SpentOn::Deal(cur.expect_deal()?)
                } else {
                    return Err(
                        cur.unexpected_keyword("`via CHANNEL` or `on DEAL`", &["via", "on"])
                    );
                };
                let note = cur.opt_string().map(String::into_boxed_str);
                cur.expect_end("a note string or the end of the entry")?;
                EntryKind::Spent { quantity, on, note }
            }
            "touch" => {
                let contact = cur.expect_ident("a contact id after `touch`")?;
                let note = cur.opt_string().map(String::into_boxed_str);
                cur.expect_end("a note string or the end of the entry")?;
                EntryKind::Touch { contact, note }
            }
            "note" => {
                let deal = cur.expect_deal()?;
                let text = cur
                    .expect_string("the note's text as a quoted string")?
                    .value;
                cur.expect_end("the end of the entry")?;
                EntryKind::Note {
                    deal,
                    text: text.into_boxed_str(),
                }
            }
            "assume" => EntryKind::Assume(Box::new(self.assume(cur)?)),
            "price" => {
                let from = cur.expect_currency("a currency after `price`, like `USD`")?;
                let rate = cur.expect_positive_number("the price of one unit, like `0.92`")?;
                let to = cur.expect_currency("the currency the price is in, like `EUR`")?;
                if from.value == to.value {
                    return Err(syntax(to.span, "a price needs two different currencies"));
                }
                cur.expect_end("the end of the entry")?;
                EntryKind::Price {
                    from: from.value,
                    rate,
                    to: to.value,
                }
            }
            "balance" => {
                let amount =
                    cur.expect_amount("an amount after `balance`, like `18000 EUR`", false)?;
                cur.expect_end("the end of the entry")?;
                EntryKind::Balance { amount }
            }
            "costs" => {
                let rate = cur.expect_rate("a rate after `costs`, like `3200 EUR/month`")?;
                if !matches!(rate.unit, RateUnit::Month | RateUnit::Year) {
                    return Err(syntax(
                        rate.span,
                        format!(
                            "costs are per `month` or per `year`, found `/{}`",
                            rate.unit.as_str()
                        ),
                    ));
                }
                cur.expect_end("the end of the entry")?;
                EntryKind::Costs { rate }
            }
            _ => {
                // Any other verb is a stage; whether it is a declared one is
                // known only once every file's `stages` has been read.
                let verb = Spanned::new(Name::new(verb_word), verb_span);
                let stage = verb.clone();
                let parsed = (|| {
                    let deal = cur.expect_deal()?;
                    let offer = cur.offer()?;
                    cur.expect_end("an amount, `at RATE` or the end of the entry")?;
                    Ok(EntryKind::Stage { deal, stage, offer })
                })();
                if !value::is_ident(verb.value.as_str()) {
                    return Err(unknown_verb(&verb, &[]));
                }
                match parsed {
                    Ok(kind) => kind,
                    Err(err) => {
                        self.out.unresolved.push((verb, err));
                        self.broken = true;
                        return Err(Diagnostic::new(Code::Syntax, verb_span, String::new()));
                    }
                }
            }
        };
        Ok(kind)
    }

    /// `assume := metric args ("via" channel)? string?`
    fn assume(&mut self, cur: &mut Cursor<'_, '_>) -> Result<Assumption, Diagnostic> {
        const METRICS: &[&str] = &["conversion", "cycle", "value", "volume", "share"];
        let metric_word = cur.expect_word(
            "a metric after `assume`: `conversion`, `cycle`, `value`, `volume` or `share`",
        )?;
        let steps =
            |cur: &mut Cursor<'_, '_>| -> Result<(Spanned<Name>, Spanned<Name>), Diagnostic> {
                let word = cur.expect_word("two stages joined by `->`, like `lead->won`")?;
                if !word.value.contains("->") {
                    return Err(syntax(
                        word.span,
                        format!(
                            "expected two stages joined by `->`, like `lead->won`, found `{}`",
                            shorten(word.value)
                        ),
                    ));
                }
                let Some((from, to)) = value::stage_steps(word.value) else {
                    return Err(syntax(
                        word.span,
                        format!(
                            "expected two stage names joined by `->`, found `{}`",
                            shorten(word.value)
                        ),
                    ));
                };
                let start = word.span.start as usize;
                let from_span = Span::new(word.span.file, start, start + from.len());
                let to_span = Span::new(
                    word.span.file,
                    start + from.len() + 2,
                    word.span.end as usize,
                );
                Ok((
                    Spanned::new(Name::new(from), from_span),
                    Spanned::new(Name::new(to), to_span),
                ))
            };
        let metric = match metric_word.value {
            "conversion" => {
                let (from, to) = steps(cur)?;
                let percent = cur.expect_share("a percent like `10%`")?;
                Metric::Conversion { from, to, percent }
            }
            "cycle" => {
                let (from, to) = steps(cur)?;
                let duration =
                    cur.expect_number_kind("a duration like `30d`, `6w` or `3mo`", |w| match w {
                        NumberWord::Duration(d) if d.value > Decimal::ZERO => Some(d),
                        _ => None,
                    })?;
                Metric::Cycle { from, to, duration }
            }
            "value" => Metric::Value {
                amount: cur.expect_amount("an amount like `15000 EUR`", true)?,
            },
            "volume" => {
                let stage = cur.expect_ident("a stage name, like `lead`")?;
                let frequency = cur.expect_number_kind(
                    "a frequency like `8/mo`, `2/w` or `50/y`",
                    |w| match w {
                        NumberWord::Frequency(f) if f.count > Decimal::ZERO => Some(f),
                        _ => None,
                    },
                )?;
                Metric::Volume { stage, frequency }
            }
            "share" => Metric::Share {
                percent: cur.expect_share("a percent like `20%`")?,
            },
            other => {
                return Err(syntax(
                    metric_word.span,
                    format!("unknown metric `{}`", shorten(other)),
                )
                .with_help(
                    did_you_mean(other, METRICS.iter().copied()).unwrap_or_else(|| {
                        "the metrics are `conversion`, `cycle`, `value`, `volume` and `share`"
                            .to_owned()
                    }),
                ))
            }
        };
        let channel = if cur.eat_keyword("via") {
            Some(cur.expect_channel("a channel after `via`")?)
        } else {
            None
        };
        // The claim in canonical spelling (as `funnel fmt` writes it), so
        // that reformatting a file never changes what reports show.
        let first = cur
            .toks
            .iter()
            .position(|t| t.span == metric_word.span)
            .unwrap_or(cur.pos);
        let words: Vec<&str> = cur.toks[first..cur.pos]
            .iter()
            .map(|t| {
                &cur.line
                    [t.span.start as usize - cur.line_start..t.span.end as usize - cur.line_start]
            })
            .collect();
        let text = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let is_name =
                    (i > 0 && words[i - 1] == "via") || (i == 1 && metric_word.value == "volume");
                if is_name {
                    (*w).to_owned()
                } else {
                    crate::format::normalize_number(w)
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        let note = cur.opt_string();
        cur.expect_end(if note.is_some() {
            "tags or the end of the entry"
        } else {
            "`via CHANNEL`, a note string or the end of the entry"
        })?;
        if matches!(metric, Metric::Share { .. }) && channel.is_none() {
            return Err(syntax(
                metric_word.span,
                "`assume share` needs `via CHANNEL`: the share of won deals that came through it",
            ));
        }
        Ok(Assumption {
            metric,
            channel,
            note,
            text,
        })
    }

    /// `meta-line := key ":" value comment?`. `tokens` is the parser's one
    /// token buffer, reused for the value.
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
                    shorten(&line[..word_end])
                ),
            )
            .with_help(
                "indented lines continue the entry above: `key: value` metadata or a `;` comment",
            );
            self.out.diagnostics.push(err);
            return;
        };
        let key_span = self.span(start, start + key.len());
        if self.current.is_none() && !self.rereading {
            if !self.broken {
                self.out.diagnostics.push(
                    Diagnostic::new(Code::InvalidMetadata, key_span, format!("metadata `{key}` has no entry above it"))
                        .with_help("metadata lines must directly follow their entry or directive, without a blank line or a comment at column 1 between"),
                );
            }
            return;
        }
        let value_start = start + key.len() + 1;
        let raw = match lexer::comment_start(rest) {
            Some(i) => &rest[..i],
            None => rest,
        };
        let (lead, value_text) = trim(raw);
        let value_span = Span::new(
            self.file,
            value_start + lead,
            value_start + lead + value_text.len(),
        );
        // An entry's metadata is read again from the text when asked for
        // (`read_metadata`): here it is only checked, so its keys are not
        // interned and text values not copied.
        let only_checked = !self.rereading && matches!(self.current, Some(Item::Entry(_)));
        let first = if self.seen_keys.len() <= FEW_KEYS {
            self.seen_keys.find(key)
        } else {
            if self.keys.is_empty() {
                let known = self.seen_keys.iter().map(|(k, span)| (Name::new(k), span));
                self.keys.extend(known);
            }
            self.keys.get(key).copied()
        };
        if let Some(first) = first {
            self.out.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidMetadata,
                    key_span,
                    format!("metadata key `{key}` is given twice on one entry"),
                )
                .with_label("given again here")
                .with_related(first, "first given here")
                .with_help("keep one of the two lines"),
            );
            return;
        }
        let value = match meta_value(value_text, value_span, tokens, !only_checked) {
            Ok(value) => value,
            Err(err) => {
                self.out.diagnostics.push(err);
                return;
            }
        };
        if let Err(err) = check_known_key(key, &value, value_span) {
            self.out.diagnostics.push(err);
            return;
        }
        self.seen_keys.push(key, key_span);
        if !self.keys.is_empty() {
            self.keys.insert(Name::new(key), key_span);
        }
        if !only_checked {
            self.meta.push(Meta {
                key: Spanned::new(Name::new(key), key_span),
                value: Spanned::new(value, value_span),
            });
        }
        let end = (start + line.len()) as u32;
        let lines = self.meta_lines.get_or_insert(MetaLines {
            start: start as u32,
            end,
        });
        lines.end = end;
    }
}

/// The tags among an item line's tokens (all tokens from the first tag on
/// are tags in a line that parsed).
fn tag_names<'t>(tokens: &'t [Token<'_>]) -> impl Iterator<Item = Spanned<Name>> + 't {
    tokens.iter().filter_map(|t| match &t.tok {
        Tok::Tag(name) => Some(Spanned::new(Name::new(name), t.span)),
        _ => None,
    })
}

/// The tags of an entry, read again from its line (`entry.span`'s text):
/// entries keep no tags, as most have none (see [`MetaLines`] for why).
pub fn read_tags(entry: &Entry, line: &str) -> Vec<Spanned<Name>> {
    // A tag starts with `#`; most lines have none and need no lexing.
    if !line.contains('#') {
        return Vec::new();
    }
    let mut tokens = Vec::new();
    match lexer::tokenize(
        entry.span.file,
        line,
        entry.span.start as usize,
        &mut tokens,
    ) {
        Ok(_) => tag_names(&tokens).collect(),
        Err(_) => Vec::new(),
    }
}

/// Where an entry's verb is: the second word of its line (`entry.span`'s
/// text), after the date, as the parser read it.
pub fn read_verb_span(entry: &Entry, line: &str) -> Span {
    let start = entry.span.start as usize;
    let mut tokens = Vec::new();
    match lexer::tokenize(entry.span.file, line, start, &mut tokens) {
        Ok(_) if tokens.len() > 1 => tokens[1].span,
        _ => entry.span,
    }
}

/// Reads the metadata lines of an entry again, from the text of its file:
/// what the parser accepted when it read them (a line it rejected is
/// skipped again, and its diagnostic not repeated).
pub fn read_metadata(file: FileId, text: &str, lines: MetaLines) -> Vec<Meta> {
    if lines.is_empty() {
        return Vec::new();
    }
    let mut parser = Parser::new(file, None);
    parser.rereading = true;
    let mut tokens = Vec::new();
    for (line, start) in indented_lines(text, lines) {
        if line.starts_with([';', '#', '*']) {
            continue;
        }
        parser.meta_line(line, start, &mut tokens);
    }
    parser.meta
}

/// The first of an entry's metadata lines that gives `key` a valid value,
/// as [`read_metadata`] would find it, without reading the other lines'
/// values (the analyses ask for one key of many entries).
pub fn read_metadata_key(file: FileId, text: &str, lines: MetaLines, key: &str) -> Option<Meta> {
    let mut parser = Parser::new(file, None);
    parser.rereading = true;
    let mut tokens = Vec::new();
    for (line, start) in indented_lines(text, lines) {
        if value::metadata_key(line).is_none_or(|(k, _)| k != key) {
            continue;
        }
        parser.meta_line(line, start, &mut tokens);
        if let Some(meta) = parser.meta.pop() {
            return Some(meta);
        }
    }
    None
}

/// The lines of `lines` in `text` that are not blank, without their
/// indentation and line ending, each with the offset where it starts.
fn indented_lines(text: &str, lines: MetaLines) -> impl Iterator<Item = (&str, usize)> {
    let block = text.get(lines.range()).unwrap_or_default();
    let mut offset = lines.start as usize;
    block.split_inclusive('\n').filter_map(move |raw| {
        let start = offset;
        offset += raw.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start_matches([' ', '\t']);
        (!trimmed.is_empty()).then(|| (trimmed, start + (line.len() - trimmed.len())))
    })
}

/// Reads a metadata value: string, date, amount, rate, percent, number,
/// duration, effort or ident; anything else is text.
/// With `keep_text` false, strings and text come back empty (what kind
/// of value it is is all that is checked).
fn meta_value<'a>(
    text: &'a str,
    span: Span,
    tokens: &mut Vec<Token<'a>>,
    keep_text: bool,
) -> Result<MetaValue, Diagnostic> {
    let start = span.start as usize;
    let owned = |s: &str| {
        if keep_text {
            s.to_owned()
        } else {
            String::new()
        }
    };
    if single_token(text, span, tokens) || lexer::tokenize(span.file, text, start, tokens).is_ok() {
        match tokens.as_slice() {
            [Token {
                tok: Tok::Str(s), ..
            }] => return Ok(MetaValue::String(owned(s))),
            [Token {
                tok: Tok::Word(w),
                span,
            }] => {
                match value::parse_date(w) {
                    Ok(date) => return Ok(MetaValue::Date(date)),
                    Err(DateError::Calendar) => return Err(invalid_date(w, *span)),
                    Err(DateError::Shape) => {}
                }
                if let Some(Ok(number)) = value::parse_number_word(w) {
                    match number {
                        NumberWord::Plain(n) => return Ok(MetaValue::Number(n)),
                        NumberWord::Effort(e) => return Ok(MetaValue::Effort(e)),
                        NumberWord::Duration(d) => return Ok(MetaValue::Duration(d)),
                        NumberWord::Percent(p) => return Ok(MetaValue::Percent(p)),
                        NumberWord::Frequency(_) => {}
                    }
                }
                if value::is_ident(w) {
                    // A value only checked is not interned: any name
                    // tells `check_known_key` it is a name.
                    let name = if keep_text {
                        Name::new(w)
                    } else {
                        static CHECKED: std::sync::OnceLock<Name> = std::sync::OnceLock::new();
                        *CHECKED.get_or_init(|| Name::new("name"))
                    };
                    return Ok(MetaValue::Ident(name));
                }
            }
            [Token {
                tok: Tok::Word(n), ..
            }, Token {
                tok: Tok::Word(c), ..
            }] => {
                if let Ok(value) = value::parse_number(n) {
                    if let Some(currency) = Currency::parse(c) {
                        return Ok(MetaValue::Amount(Amount { value, currency }));
                    }
                    if let Some(Ok((currency, unit))) = value::parse_rate_currency(c) {
                        return Ok(MetaValue::Rate(Rate {
                            amount: Amount { value, currency },
                            unit,
                        }));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(MetaValue::Text(owned(text)))
}

/// `text.trim()`, and how many bytes it cuts at the start; white space
/// that is ASCII is cut byte by byte, and only a value that starts or ends
/// with another character takes `str::trim`'s look at each character.
fn trim(text: &str) -> (usize, &str) {
    let bytes = text.as_bytes();
    let blank = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let start = bytes.iter().position(|c| !blank(c)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|c| !blank(c))
        .map_or(start, |i| i + 1);
    let trimmed = &text[start..end];
    let ascii_ends =
        |t: &[u8]| t.first().is_none_or(u8::is_ascii) && t.last().is_none_or(u8::is_ascii);
    if ascii_ends(trimmed.as_bytes()) {
        (start, trimmed)
    } else {
        let trimmed = text.trim();
        (text.len() - text.trim_start().len(), trimmed)
    }
}

/// Puts the one token of a metadata value into `tokens` when the value is
/// plainly one word or one string without escapes, as
/// [`lexer::tokenize`] would; `false` for anything else, which the caller
/// tokenises. Two thirds of a ledger's lines are metadata, and nearly all
/// their values are of this kind. `text` is trimmed and has no comment.
fn single_token<'a>(text: &'a str, span: Span, tokens: &mut Vec<Token<'a>>) -> bool {
    let bytes = text.as_bytes();
    let tok = match bytes {
        [b'"', body @ .., b'"'] if !body.iter().any(|&b| b == b'"' || b == b'\\') => {
            Tok::Str(std::borrow::Cow::Borrowed(&text[1..text.len() - 1]))
        }
        [first, ..]
            if !matches!(first, b'"' | b'#' | b';')
                && !bytes.iter().any(|&b| b == b' ' || b == b'\t') =>
        {
            Tok::Word(text)
        }
        _ => return false,
    };
    tokens.clear();
    tokens.push(Token { tok, span });
    true
}

/// Type-checks the known keys of format §5.
fn check_known_key(key: &str, value: &MetaValue, span: Span) -> Result<(), Diagnostic> {
    let ok = match key {
        "rating" => {
            matches!(value, MetaValue::Number(n) if n.fract().is_zero() && (Decimal::ONE..=Decimal::from(5)).contains(n))
        }
        "fee" => {
            matches!(value, MetaValue::Percent(p) if (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(p))
        }
        "kind" => matches!(value, MetaValue::Ident(_)),
        "start" => matches!(value, MetaValue::Date(_)),
        "org" => matches!(value, MetaValue::String(_)),
        _ => true,
    };
    if ok {
        return Ok(());
    }
    let expected = match key {
        "rating" => "a whole number from 1 to 5",
        "fee" => "a percent from 0% to 100%, like `10%`",
        "kind" => "a name, like `platform`",
        "start" => "a date, like `2026-03-01`",
        _ => "a quoted string, like `\"Acme GmbH\"`",
    };
    Err(Diagnostic::new(
        Code::InvalidMetadata,
        span,
        format!("`{key}` must be {expected}"),
    )
    .with_label(format!("expected {expected}")))
}

fn syntax(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::Syntax, span, message)
}

fn invalid_date(word: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidDate,
        span,
        format!("`{}` is not a date on the calendar", shorten(word)),
    )
    .with_help(
        "dates are `YYYY-MM-DD` with a month from 01 to 12 and a day that exists in that month",
    )
}

fn verb_list() -> String {
    format!(
        "the verbs are {}, and the names of the stages",
        VERBS
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// An `unknown-verb` diagnostic, suggesting a built-in verb or a stage.
pub(crate) fn unknown_verb(verb: &Spanned<Name>, stages: &[Name]) -> Diagnostic {
    let candidates = VERBS
        .iter()
        .copied()
        .chain(stages.iter().map(|s| s.as_str()));
    let list = || {
        let verbs = VERBS
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let stages = stages
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if stages.is_empty() {
            format!("the verbs are {verbs}; the ledger declares no stages between `lead` and `won`")
        } else {
            format!("the verbs are {verbs}, and the stages {stages}")
        }
    };
    Diagnostic::new(
        Code::UnknownVerb,
        verb.span,
        format!("unknown verb `{}`", shorten(&verb.value)),
    )
    .with_help(did_you_mean(&verb.value, candidates).unwrap_or_else(list))
}

fn expected_line_start(token: &Token<'_>) -> Diagnostic {
    let mut err = syntax(
        token.span,
        format!("expected a date (`YYYY-MM-DD`) or a directive (`include`, `option`, `stages`, `channel`, `contact`), found {}", token.describe()),
    );
    if let Tok::Word(word) = token.tok {
        if let Some(help) = did_you_mean(word, DIRECTIVES.iter().copied()) {
            err = err.with_help(help);
        } else if word.starts_with(|c: char| c.is_ascii_digit()) {
            err = err.with_help("dates are written `YYYY-MM-DD`, like `2026-01-03`");
        } else {
            err = err.with_help("entries start at column 1 with a date; indent a line to continue the entry above, or start a comment with `;`");
        }
    }
    err
}

/// Reads the arguments of one line, left to right.
struct Cursor<'t, 'a> {
    /// The whole line and where it starts in the file.
    line: &'a str,
    line_start: usize,
    toks: &'t [Token<'a>],
    pos: usize,
    /// An empty span at the end of the line, for "found the end of the line".
    end: Span,
}

impl<'t, 'a> Cursor<'t, 'a> {
    fn peek(&self) -> Option<&'t Token<'a>> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<&'t Token<'a>> {
        let tok = self.toks.get(self.pos)?;
        self.pos += 1;
        Some(tok)
    }

    fn peek_word(&self) -> Option<&'a str> {
        match self.peek()?.tok {
            Tok::Word(w) => Some(w),
            _ => None,
        }
    }

    fn eat_keyword(&mut self, keyword: &str) -> bool {
        let found = self.peek_word() == Some(keyword);
        if found {
            self.pos += 1;
        }
        found
    }

    /// A syntax error at the current token: "expected X, found Y".
    fn unexpected(&self, expected: &str) -> Diagnostic {
        match self.peek() {
            Some(tok) => syntax(
                tok.span,
                format!("expected {expected}, found {}", tok.describe()),
            ),
            None => syntax(
                self.end,
                format!("expected {expected}, found the end of the line"),
            ),
        }
    }

    /// Like [`Cursor::unexpected`], suggesting a keyword when the word found
    /// is a near miss of one (`vai` → `via`).
    fn unexpected_keyword(&self, expected: &str, keywords: &[&str]) -> Diagnostic {
        let err = self.unexpected(expected);
        match self
            .peek_word()
            .and_then(|w| did_you_mean(w, keywords.iter().copied()))
        {
            Some(help) => err.with_help(help),
            None => err,
        }
    }

    fn expect_end(&self, expected: &str) -> Result<(), Diagnostic> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.unexpected(expected)),
        }
    }

    fn expect_word(&mut self, expected: &str) -> Result<Spanned<&'a str>, Diagnostic> {
        match self.peek() {
            Some(Token {
                tok: Tok::Word(w),
                span,
            }) => {
                self.pos += 1;
                Ok(Spanned::new(*w, *span))
            }
            _ => Err(self.unexpected(expected)),
        }
    }

    fn expect_ident(&mut self, expected: &str) -> Result<Spanned<Name>, Diagnostic> {
        let word = self.expect_word(expected)?;
        if !value::is_ident(word.value) {
            return Err(syntax(
                word.span,
                format!("expected {expected}, found `{}`", shorten(word.value)),
            )
            .with_help(
                "names start with a letter or digit, then letters, digits, `_`, `.` or `-`",
            ));
        }
        Ok(Spanned::new(Name::new(word.value), word.span))
    }

    fn expect_deal(&mut self) -> Result<Spanned<Name>, Diagnostic> {
        self.expect_ident("a deal id, like `acme`")
    }

    fn expect_channel(&mut self, expected: &str) -> Result<Spanned<Name>, Diagnostic> {
        let word = self.expect_word(expected)?;
        if !value::is_channel(word.value) {
            return Err(syntax(
                word.span,
                format!("expected {expected}, found `{}`", shorten(word.value)),
            )
            .with_help("a channel is one or more names joined by `:`, like `platform:upwork`"));
        }
        Ok(Spanned::new(Name::new(word.value), word.span))
    }

    fn opt_string(&mut self) -> Option<String> {
        match &self.peek()?.tok {
            Tok::Str(s) => {
                self.pos += 1;
                Some(s.clone().into_owned())
            }
            _ => None,
        }
    }

    fn expect_string(&mut self, expected: &str) -> Result<Spanned<String>, Diagnostic> {
        match self.peek() {
            Some(Token {
                tok: Tok::Str(s),
                span,
            }) => {
                self.pos += 1;
                Ok(Spanned::new(s.clone().into_owned(), *span))
            }
            _ => Err(self.unexpected(expected)),
        }
    }

    fn expect_date(&mut self, expected: &str) -> Result<Spanned<NaiveDate>, Diagnostic> {
        let word = self.expect_word(expected)?;
        match value::parse_date(word.value) {
            Ok(date) => Ok(Spanned::new(date, word.span)),
            Err(DateError::Calendar) => Err(invalid_date(word.value, word.span)),
            Err(DateError::Shape) => Err(syntax(
                word.span,
                format!(
                    "expected {expected} (`YYYY-MM-DD`), found `{}`",
                    shorten(word.value)
                ),
            )),
        }
    }

    fn expect_currency(&mut self, expected: &str) -> Result<Spanned<Currency>, Diagnostic> {
        let word = self.expect_word(expected)?;
        match Currency::parse(word.value) {
            Some(c) => Ok(Spanned::new(c, word.span)),
            None => Err(syntax(word.span, format!("expected {expected}, found `{}`", shorten(word.value)))
                .with_help("currency codes are an uppercase letter and 2 to 9 more uppercase letters or digits")),
        }
    }

    /// Reads a number-like word as one kind of number (`pick`), reporting a
    /// malformed number as `invalid-number`.
    fn expect_number_kind<T>(
        &mut self,
        expected: &str,
        pick: impl Fn(NumberWord) -> Option<T>,
    ) -> Result<T, Diagnostic> {
        let Some(Token {
            tok: Tok::Word(word),
            span,
        }) = self.peek()
        else {
            return Err(self.unexpected(expected));
        };
        match value::parse_number_word(word) {
            None => Err(self.unexpected(expected)),
            Some(Err(err)) => Err(Diagnostic::new(Code::InvalidNumber, *span, err.0)),
            Some(Ok(number)) => {
                let positive = match number {
                    NumberWord::Plain(n) | NumberWord::Percent(n) => n > Decimal::ZERO,
                    NumberWord::Effort(e) => e.value > Decimal::ZERO,
                    NumberWord::Duration(d) => d.value > Decimal::ZERO,
                    NumberWord::Frequency(f) => f.count > Decimal::ZERO,
                };
                match pick(number) {
                    Some(value) => {
                        self.pos += 1;
                        Ok(value)
                    }
                    None if !positive => Err(Diagnostic::new(
                        Code::InvalidNumber,
                        *span,
                        format!(
                            "expected {expected}, found `{}`: it must be more than 0",
                            shorten(word)
                        ),
                    )),
                    None => Err(self.unexpected(expected)),
                }
            }
        }
    }

    fn expect_positive_number(&mut self, expected: &str) -> Result<Spanned<Decimal>, Diagnostic> {
        let span = self.peek().map_or(self.end, |t| t.span);
        let value = self.expect_number_kind(expected, |w| match w {
            NumberWord::Plain(n) if n > Decimal::ZERO => Some(n),
            _ => None,
        })?;
        Ok(Spanned::new(value, span))
    }

    /// A percent from 0% to 100%.
    fn expect_share(&mut self, expected: &str) -> Result<Decimal, Diagnostic> {
        let span = self.peek().map_or(self.end, |t| t.span);
        let percent = self.expect_number_kind(expected, |w| match w {
            NumberWord::Percent(p) => Some(p),
            _ => None,
        })?;
        if percent < Decimal::ZERO || percent > Decimal::ONE_HUNDRED {
            return Err(Diagnostic::new(
                Code::InvalidNumber,
                span,
                format!("a share must lie between 0% and 100%, found {percent}%"),
            ));
        }
        Ok(percent)
    }

    /// `amount := number currency`. Amounts must be positive unless
    /// `allow_negative` (a balance may be overdrawn).
    fn expect_amount(
        &mut self,
        expected: &str,
        positive: bool,
    ) -> Result<Spanned<Amount>, Diagnostic> {
        let start = self.peek().map_or(self.end, |t| t.span);
        let value = self.expect_number_kind(expected, |w| match w {
            NumberWord::Plain(n) => Some(n),
            _ => None,
        })?;
        let Some(Token {
            tok: Tok::Word(cur),
            span,
        }) = self.peek()
        else {
            return Err(self.unexpected("a currency code after the number, like `EUR`"));
        };
        let Some(currency) = Currency::parse(cur) else {
            if cur.contains('/') {
                return Err(syntax(
                    *span,
                    format!("expected {expected}, found the rate `{}`", shorten(cur)),
                )
                .with_help("write a rate after `at`, like `at 800 EUR/day`"));
            }
            return Err(self.unexpected("a currency code after the number, like `EUR`"));
        };
        self.pos += 1;
        let whole = start.to(*span);
        if positive && value <= Decimal::ZERO {
            return Err(Diagnostic::new(
                Code::InvalidNumber,
                start,
                format!("an amount here must be more than 0, found `{}`", value),
            )
            .with_label("not positive"));
        }
        Ok(Spanned::new(Amount { value, currency }, whole))
    }

    /// `rate := number currency "/" unit`
    fn expect_rate(&mut self, expected: &str) -> Result<Spanned<Rate>, Diagnostic> {
        let start = self.peek().map_or(self.end, |t| t.span);
        let value = self.expect_number_kind(expected, |w| match w {
            NumberWord::Plain(n) => Some(n),
            _ => None,
        })?;
        let Some(Token {
            tok: Tok::Word(word),
            span,
        }) = self.peek()
        else {
            return Err(self.unexpected("a currency and unit after the number, like `EUR/day`"));
        };
        let (currency, unit) = match value::parse_rate_currency(word) {
            Some(Ok(pair)) => pair,
            Some(Err(message)) => return Err(syntax(*span, message)),
            None => {
                return Err(syntax(*span, format!("expected {expected}, found `{}`", shorten(word)))
                    .with_help("a rate is an amount per unit, with no spaces around `/`: `800 EUR/day`, `95 EUR/h`"))
            }
        };
        self.pos += 1;
        if value <= Decimal::ZERO {
            return Err(Diagnostic::new(
                Code::InvalidNumber,
                start,
                format!("a rate must be more than 0, found `{value}`"),
            ));
        }
        Ok(Spanned::new(
            Rate {
                amount: Amount { value, currency },
                unit,
            },
            start.to(*span),
        ))
    }

    /// `offer := amount ("at" rate)? | "at" rate`
    fn offer(&mut self) -> Result<Option<Box<Offer>>, Diagnostic> {
        let mut offer = Offer::default();
        if self.peek_word().is_some_and(value::is_number_like) {
            offer.amount = Some(self.expect_amount("an amount like `12000 EUR`", true)?);
        }
        if self.eat_keyword("at") {
            offer.rate = Some(self.expect_rate("a rate after `at`, like `800 EUR/day`")?);
        }
        Ok((!offer.is_empty()).then(|| Box::new(offer)))
    }

    /// `quantity := effort | amount`
    fn quantity(&mut self) -> Result<Spanned<Quantity>, Diagnostic> {
        let expected = "an effort like `1.5h` or `45min`, or an amount like `120 EUR`";
        let Some(Token {
            tok: Tok::Word(word),
            span,
        }) = self.peek()
        else {
            return Err(self.unexpected(expected));
        };
        match value::parse_number_word(word) {
            Some(Ok(NumberWord::Effort(effort))) => {
                self.pos += 1;
                if effort.value <= Decimal::ZERO {
                    return Err(Diagnostic::new(
                        Code::InvalidNumber,
                        *span,
                        format!("an effort must be more than 0, found `{}`", shorten(word)),
                    ));
                }
                Ok(Spanned::new(Quantity::Effort(effort), *span))
            }
            Some(Ok(NumberWord::Plain(_))) => {
                let amount = self.expect_amount(expected, true)?;
                Ok(Spanned::new(Quantity::Money(amount.value), amount.span))
            }
            Some(Err(err)) => Err(Diagnostic::new(Code::InvalidNumber, *span, err.0)),
            _ => Err(self.unexpected(expected)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The block-wise count equals counting line by line, for texts around
    /// the block size and with digits and newlines at the block edges.
    #[test]
    fn entry_lines_counts_lines_that_start_with_a_digit() {
        let by_lines = |text: &str| {
            text.split('\n')
                .filter(|line| line.starts_with(|c: char| c.is_ascii_digit()))
                .count()
        };
        let pieces = ["\n", "1", "a", "\n1", "\n\n", "9x", " 2", "é", "0\n"];
        let mut state = 0x2545_f491_u32;
        for len in (0..200).chain([255, 256, 257, 1000]) {
            for _ in 0..4 {
                let mut text = String::new();
                while text.len() < len {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    text.push_str(pieces[state as usize % pieces.len()]);
                }
                assert_eq!(entry_lines(&text), by_lines(&text), "{text:?}");
            }
        }
        assert_eq!(entry_lines(""), 0);
        assert_eq!(entry_lines("2"), 1);
    }

    #[test]
    fn trim_agrees_with_str_trim() {
        for text in [
            "",
            " ",
            "  x ",
            "\tx\t",
            "x",
            " \u{a0}x\u{3000} ",
            "\u{85}",
            " é ",
            "a b ",
            "\x0Bx\x0C",
            " \r\n",
            "\u{2003} x",
        ] {
            let (lead, trimmed) = trim(text);
            assert_eq!(trimmed, text.trim(), "{text:?}");
            assert_eq!(lead, text.len() - text.trim_start().len(), "{text:?}");
        }
    }

    /// The shortcut for one-token metadata values agrees with the lexer
    /// wherever it answers.
    #[test]
    fn single_token_agrees_with_the_lexer() {
        let values = [
            "Frankfurt",
            "in-person",
            "2024-01-13",
            "3",
            "12%",
            "\"Metrix Consulting\"",
            "\"\"",
            "\"",
            "\"a\"b\"",
            "\"a\\\"b\"",
            "#tag",
            "a b",
            "a\tb",
            "é",
            "\"é ü\"",
            "x\u{a0}y",
            ";x",
            "\"unterminated",
            "a\"b",
        ];
        for value in values {
            let span = Span::new(FileId(0), 10, 10 + value.len());
            let mut fast = Vec::new();
            let mut lexed = Vec::new();
            let lexer = lexer::tokenize(FileId(0), value, 10, &mut lexed);
            if single_token(value, span, &mut fast) {
                assert!(lexer.is_ok(), "{value}");
                let pairs: Vec<_> = fast.iter().map(|t| (&t.tok, t.span)).collect();
                let expected: Vec<_> = lexed.iter().map(|t| (&t.tok, t.span)).collect();
                assert_eq!(pairs, expected, "{value}");
            }
        }
        let mut tokens = Vec::new();
        let span = Span::new(FileId(0), 0, 9);
        assert!(single_token("Frankfurt", span, &mut tokens));
        assert!(!single_token("a b", span, &mut tokens));
        assert!(!single_token("\"a\\\"b\"", span, &mut tokens));
    }

    /// Parsing in chunks gives exactly the items, spans and diagnostics of
    /// one pass, wherever the cuts fall.
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
                    .related
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
        assert_eq!(&text[read_verb_span(lead, line(lead)).range()], "lead");
        assert_eq!(&text[read_verb_span(note, line(note)).range()], "note");
        let tags: Vec<_> = read_tags(lead, line(lead))
            .iter()
            .map(|t| (t.value.as_str(), &text[t.span.range()]))
            .collect();
        assert_eq!(tags, [("a", "#a"), ("b-c", "#b-c")]);
        assert_eq!(read_tags(note, line(note)), vec![]);
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

    #[test]
    fn chunked_parse_equals_one_pass() {
        // Lines that fail (no entry for a line that starts with a digit)
        // at the start, in the middle and at the end, so windows have gaps.
        let broken = "2026-01-01 lead broken\n  key: 1\n\n2026-01-02 frobbed x\n  a: 1\n  a: 2\n\
                      2026-01-03 talked x at\n; comment\n  orphan: 1\n2026-13-01 note x \"y\"\r\n";
        let example = include_str!("../../../examples/freelancer.funnel");
        let cut = example
            .match_indices("\n2")
            .find(|(i, _)| *i > example.len() / 2)
            .map_or(example.len(), |(i, _)| i + 1);
        let text = format!(
            "{broken}{}{broken}{}{broken}",
            &example[..cut],
            &example[cut..]
        );
        let whole = parse_chunk(FileId(0), &text, 0, &[], None);
        let show = |p: &ParsedFile| {
            format!(
                "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
                p.entries, p.directives, p.diagnostics, p.unresolved, p.failed_leads
            )
        };
        for n in [2, 3, 7, 64, 1000] {
            let ranges = chunks(&text, n);
            assert!(ranges.len() > 1);
            assert_eq!(ranges.first().map(|r| r.start), Some(0));
            assert_eq!(ranges.last().map(|r| r.end), Some(text.len()));
            assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
            for threads in [1, 2, 3] {
                let out = parse_parallel(FileId(0), &text, &ranges, threads);
                assert_eq!(show(&out), show(&whole), "{n} chunks, {threads} threads");
            }
        }
    }
}
