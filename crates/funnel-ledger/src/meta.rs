//! Metadata lines (format §5) and what an entry keeps as text: reading a
//! `key: value` line, type-checking the known keys, finding a key given
//! twice, and reading an entry's metadata, tags and verb again from its
//! text on demand. The parser and the model share this one reader, so what
//! the model reads back is exactly what the parser accepted.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::diagnostic::{Code, Diagnostic};
use crate::lexer::{self, shorten, Tok, Token};
use crate::name::Name;
use crate::span::{FileId, Span, Spanned};
use crate::value::{self, Amount, Currency, DateError, Duration, Effort, NumberWord, Rate};

/// A metadata value (format §5). Anything that is none of the typed forms is
/// kept as `Text`, up to a trailing comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetaValue {
    String(String),
    Date(NaiveDate),
    Amount(Amount),
    Rate(Rate),
    Percent(Decimal),
    Number(Decimal),
    Duration(Duration),
    Effort(Effort),
    Ident(Name),
    Text(String),
}

/// One indented `key: value` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    pub key: Spanned<Name>,
    pub value: Spanned<MetaValue>,
}

/// Where an entry's metadata lines are: a byte range of the entry's file,
/// from the first metadata line to the end of the last one (indented
/// comments between them included). Empty when the entry has none.
///
/// Entries keep their metadata as text and read it on demand
/// ([`crate::Ledger::metadata`], [`crate::Ledger::entry_meta`]): metadata lines are most
/// of a big ledger's lines, and the analyses read a few keys of a few
/// entries (`start:` of a `won`, `rating:` of an `ended`). Every line is
/// still parsed and checked once when the file is read, so a ledger that
/// loads without errors reads back exactly what the parser accepted.
/// (Directives are few and keep their metadata parsed, in
/// [`crate::model::Extras`].)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MetaLines {
    pub start: u32,
    pub end: u32,
}

impl MetaLines {
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// How much of a metadata value to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keep {
    /// Only check it: an entry's metadata is read again from the text when
    /// asked for ([`read_metadata`]), so its keys are not interned and its
    /// text values not copied.
    Kind,
    /// Parse it and keep it in [`MetaReader::meta`].
    Values,
}

/// Reads the metadata lines of one item: finds a key given twice and
/// type-checks the known keys; keeps what it accepted.
#[derive(Default)]
pub(crate) struct MetaReader {
    /// Metadata keys of the item once it has more than [`FEW_KEYS`], to
    /// find a key given twice without a quadratic search when an entry has
    /// thousands of lines. Empty below that: a linear scan of `seen_keys`
    /// is faster and allocates nothing.
    keys: HashMap<Name, Span>,
    /// The keys read so far: their text is copied into a buffer rather
    /// than interned (two thirds of a ledger's lines are metadata, and an
    /// entry's are only checked).
    seen_keys: SeenKeys,
    /// The lines accepted with [`Keep::Values`], parsed.
    pub(crate) meta: Vec<Meta>,
    /// The byte range of the lines accepted so far.
    pub(crate) lines: Option<MetaLines>,
}

impl MetaReader {
    /// Forgets the item read so far, for the next one.
    pub(crate) fn clear(&mut self) {
        if !self.keys.is_empty() {
            self.keys.clear();
        }
        self.seen_keys.clear();
        self.meta.clear();
        self.lines = None;
    }

    /// `meta-line := key ":" value comment?`: the line's key and what
    /// follows its colon (`value::metadata_key`), the line starting at
    /// byte `start` (after its indentation) and `len` bytes long.
    /// `tokens` is the caller's token buffer, reused for the value.
    pub(crate) fn read<'a>(
        &mut self,
        file: FileId,
        (key, rest): (&str, &'a str),
        start: usize,
        len: usize,
        tokens: &mut Vec<Token<'a>>,
        keep: Keep,
    ) -> Result<(), Diagnostic> {
        let key_span = Span::new(file, start, start + key.len());
        let value_start = start + key.len() + 1;
        let raw = match lexer::comment_start(rest) {
            Some(i) => &rest[..i],
            None => rest,
        };
        let (lead, value_text) = trim(raw);
        let value_span = Span::new(
            file,
            value_start + lead,
            value_start + lead + value_text.len(),
        );
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
            return Err(Diagnostic::new(
                Code::InvalidMetadata,
                key_span,
                format!("metadata key `{key}` is given twice on one entry"),
            )
            .with_label("given again here")
            .with_related(first, "first given here")
            .with_help("keep one of the two lines"));
        }
        let value = meta_value(value_text, value_span, tokens, keep == Keep::Values)?;
        check_known_key(key, &value, value_span)?;
        self.seen_keys.push(key, key_span);
        if !self.keys.is_empty() {
            self.keys.insert(Name::new(key), key_span);
        }
        if keep == Keep::Values {
            self.meta.push(Meta {
                key: Spanned::new(Name::new(key), key_span),
                value: Spanned::new(value, value_span),
            });
        }
        let end = (start + len) as u32;
        let lines = self.lines.get_or_insert(MetaLines {
            start: start as u32,
            end,
        });
        lines.end = end;
        Ok(())
    }
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
/// linear scan; beyond it, through [`MetaReader::keys`].
const FEW_KEYS: usize = 16;

/// The tags among an item line's tokens (all tokens from the first tag on
/// are tags in a line that parsed).
pub(crate) fn tag_names<'t>(tokens: &'t [Token<'_>]) -> impl Iterator<Item = Spanned<Name>> + 't {
    tokens.iter().filter_map(|t| match &t.tok {
        Tok::Tag(name) => Some(Spanned::new(Name::new(name), t.span)),
        _ => None,
    })
}

/// The tags of an entry, read again from its line (`entry.span`'s text):
/// entries keep no tags, as most have none (see [`MetaLines`] for why).
pub fn read_tags(line_span: Span, line: &str) -> Vec<Spanned<Name>> {
    // A tag starts with `#`; most lines have none and need no lexing.
    if !line.contains('#') {
        return Vec::new();
    }
    let mut tokens = Vec::new();
    match lexer::tokenize(line_span.file, line, line_span.start as usize, &mut tokens) {
        Ok(_) => tag_names(&tokens).collect(),
        Err(_) => Vec::new(),
    }
}

/// The string of a lead's line (its title) or a `spent`'s line (its note),
/// as the parser read it: the only string those lines can hold (their
/// other arguments are words). Borrowed from the line unless it has an
/// escape; `None` when there is none.
pub fn read_line_string(line_span: Span, line: &str) -> Option<std::borrow::Cow<'_, str>> {
    // Most lines of a terse ledger have no string and need no lexing.
    if !line.contains('"') {
        return None;
    }
    let mut tokens = Vec::new();
    lexer::tokenize(line_span.file, line, line_span.start as usize, &mut tokens).ok()?;
    tokens.into_iter().find_map(|token| match token.tok {
        lexer::Tok::Str(text) => Some(text),
        lexer::Tok::Word(_) | lexer::Tok::Tag(_) => None,
    })
}

/// Where an entry's verb is: the second word of its line (`entry.span`'s
/// text), after the date, as the parser read it.
pub fn read_verb_span(line_span: Span, line: &str) -> Span {
    let start = line_span.start as usize;
    let mut tokens = Vec::new();
    match lexer::tokenize(line_span.file, line, start, &mut tokens) {
        Ok(_) if tokens.len() > 1 => tokens[1].span,
        _ => line_span,
    }
}

/// Reads the metadata lines of an entry again, from the text of its file:
/// what the parser accepted when it read them (a line it rejected is
/// skipped again, and its diagnostic not repeated).
pub fn read_metadata(file: FileId, text: &str, lines: MetaLines) -> Vec<Meta> {
    if lines.is_empty() {
        return Vec::new();
    }
    let mut reader = MetaReader::default();
    let mut tokens = Vec::new();
    for (line, start) in indented_lines(text, lines) {
        if line.starts_with([';', '#', '*']) {
            continue;
        }
        if let Some((key, rest)) = value::metadata_key(line) {
            // A line the parser rejected was reported then.
            let _ = reader.read(
                file,
                (key, rest),
                start,
                line.len(),
                &mut tokens,
                Keep::Values,
            );
        }
    }
    reader.meta
}

/// The first of an entry's metadata lines that gives `key` a valid value,
/// as [`read_metadata`] would find it, without reading the other lines'
/// values (the analyses ask for one key of many entries).
pub fn read_metadata_key(file: FileId, text: &str, lines: MetaLines, key: &str) -> Option<Meta> {
    let mut reader = MetaReader::default();
    let mut tokens = Vec::new();
    for (line, start) in indented_lines(text, lines) {
        let Some((k, rest)) = value::metadata_key(line).filter(|(k, _)| *k == key) else {
            continue;
        };
        let _ = reader.read(
            file,
            (k, rest),
            start,
            line.len(),
            &mut tokens,
            Keep::Values,
        );
        if let Some(meta) = reader.meta.pop() {
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
        [b'"', body @ .., b'"'] if lexer::first_of(body, b'"', b'\\').is_none() => {
            Tok::Str(std::borrow::Cow::Borrowed(&text[1..text.len() - 1]))
        }
        [first, ..]
            if !matches!(first, b'"' | b'#' | b';')
                && lexer::first_of(bytes, b' ', b'\t').is_none() =>
        {
            Tok::Word(text)
        }
        _ => return false,
    };
    tokens.clear();
    tokens.push(Token { tok, span });
    true
}

/// The known metadata keys of format §6, which are type-checked wherever
/// they stand.
pub const KNOWN_KEYS: [&str; 10] = [
    "rating",
    "fee",
    "kind",
    "start",
    "org",
    "client",
    "buyer",
    "notice",
    "days-per-week",
    "lesson",
];

/// What the value of a known key must be, as the diagnostics say it;
/// `None` for a free key.
pub fn expected_value(key: &str) -> Option<&'static str> {
    Some(match key {
        "rating" => "a whole number from 1 to 5",
        "fee" => "a percent from 0% to 100%, like `10%`",
        "kind" => "a name, like `platform`",
        "client" => "a client id, like `acme`",
        "buyer" => "a contact id, like `anna`",
        "start" => "a date, like `2026-03-01`",
        "notice" => "a duration, like `30d`, `4w` or `3mo`",
        "days-per-week" => "a number of days from more than 0 to 7, like `4` or `2.5`",
        "lesson" => "a quoted string, like `\"anchor with the full scope\"`",
        "org" => "a quoted string, like `\"Acme GmbH\"`",
        _ => return None,
    })
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
        "kind" | "client" | "buyer" => matches!(value, MetaValue::Ident(_)),
        "start" => matches!(value, MetaValue::Date(_)),
        "org" | "lesson" => matches!(value, MetaValue::String(_)),
        "notice" => matches!(value, MetaValue::Duration(d) if d.value >= Decimal::ZERO),
        "days-per-week" => {
            matches!(value, MetaValue::Number(n) if *n > Decimal::ZERO && *n <= Decimal::from(7))
        }
        _ => true,
    };
    if ok {
        return Ok(());
    }
    let expected = expected_value(key).unwrap_or("a quoted string");
    Err(Diagnostic::new(
        Code::InvalidMetadata,
        span,
        format!("`{key}` must be {expected}"),
    )
    .with_label(format!("expected {expected}")))
}

/// An `invalid-date` diagnostic for a word shaped like a date.
pub(crate) fn invalid_date(word: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidDate,
        span,
        format!("`{}` is not a date on the calendar", shorten(word)),
    )
    .with_help(
        "dates are `YYYY-MM-DD` with a month from 01 to 12 and a day that exists in that month",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lead's title and a `spent`'s note read back from the model as the
    /// parser read them: escapes resolved, comments and tags left out.
    #[test]
    fn line_strings_read_back() {
        let text = "2026-01-01 lead acme \"Shop \\\"v2\\\"\" via referral #x ; \"no\"\n\
                    2026-01-02 spent 2h on acme \"call\"\n\
                    2026-01-03 spent 2h on acme ; \"a comment\"\n\
                    2026-01-04 lead beta via referral\n";
        let options = crate::CheckOptions {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("a date"),
            strict: false,
        };
        let checked = crate::load_text("t.funnel", text.as_bytes(), &options);
        assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
        let ledger = &checked.ledger;
        let strings: Vec<Option<String>> = ledger
            .entries
            .iter()
            .map(|e| ledger.line_string(e).map(|s| s.into_owned()))
            .collect();
        assert_eq!(
            strings,
            [
                Some("Shop \"v2\"".to_owned()),
                Some("call".to_owned()),
                None,
                None
            ]
        );
        let titles: Vec<Option<String>> = ledger
            .deals
            .values()
            .map(|d| ledger.deal_title(d).map(|s| s.into_owned()))
            .collect();
        assert_eq!(titles, [Some("Shop \"v2\"".to_owned()), None]);
    }

    /// Every known key says what its value must be, and no other key does.
    #[test]
    fn known_keys_are_one_list() {
        for key in KNOWN_KEYS {
            assert!(expected_value(key).is_some(), "{key}");
        }
        assert_eq!(expected_value("owner"), None);
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
}
