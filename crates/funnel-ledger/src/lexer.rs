//! Splits one line into words, strings and tags, and finds where a trailing
//! comment starts. The grammar of each word is in [`crate::value`].

use std::borrow::Cow;

use crate::diagnostic::{Code, Diagnostic};
use crate::span::{FileId, Span};
use crate::value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok<'a> {
    /// A run of non-blank characters.
    Word(&'a str),
    /// `"…"` with its escapes resolved: borrowed from the line unless it
    /// has an escape (almost never), so a string costs no allocation here.
    Str(Cow<'a, str>),
    /// `#name`, holding `name`.
    Tag(&'a str),
}

#[derive(Clone, Debug)]
pub(crate) struct Token<'a> {
    pub tok: Tok<'a>,
    pub span: Span,
}

impl Token<'_> {
    /// How the token reads in a message: "`via`", "a string", "a tag".
    pub fn describe(&self) -> String {
        match &self.tok {
            Tok::Word(w) => format!("`{}`", shorten(w)),
            Tok::Str(_) => "a string".to_owned(),
            Tok::Tag(t) => format!("the tag `#{}`", shorten(t)),
        }
    }
}

/// Cuts a long word for a message (lines may be megabytes long).
pub(crate) fn shorten(word: &str) -> String {
    const MAX: usize = 40;
    if word.chars().count() <= MAX {
        word.to_owned()
    } else {
        let head: String = word.chars().take(MAX).collect();
        format!("{head}…")
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Tokenises `line`, which starts at byte `offset` of `file`. Stops at a
/// comment: `;` at the start of a token, and returns where it starts in
/// `line`. Returns the first error, if any.
///
/// `tokens := (blank* (string | tag | word))* blank* comment?`
pub(crate) fn tokenize<'a>(
    file: FileId,
    line: &'a str,
    offset: usize,
    out: &mut Vec<Token<'a>>,
) -> Result<Option<usize>, Diagnostic> {
    out.clear();
    let mut pos = 0;
    let bytes = line.as_bytes();
    while pos < line.len() {
        let c = bytes[pos];
        if c == b' ' || c == b'\t' {
            pos += 1;
            continue;
        }
        let start = pos;
        match c {
            b';' => return Ok(Some(pos)),
            b'"' => {
                let (value, end) = string(file, line, offset, pos)?;
                out.push(Token {
                    tok: Tok::Str(value),
                    span: Span::new(file, offset + start, offset + end),
                });
                pos = end;
                let after = line[pos..].chars().next().unwrap_or(' ');
                if !is_blank(after) {
                    return Err(Diagnostic::new(
                        Code::Syntax,
                        Span::new(file, offset + pos, offset + pos + after.len_utf8()),
                        "expected a space after the closing `\"` of a string",
                    ));
                }
            }
            _ => {
                // `c` is not blank, so the word is never empty.
                let len = word_len(&bytes[pos..]);
                let word = &line[pos..pos + len];
                pos += len;
                let span = Span::new(file, offset + start, offset + pos);
                if c == b'#' {
                    match value::tag_name(word) {
                        Some(name) => out.push(Token {
                            tok: Tok::Tag(name),
                            span,
                        }),
                        None => {
                            return Err(Diagnostic::new(
                                Code::Syntax,
                                span,
                                format!("expected a tag name after `#`, found `{}`", shorten(word)),
                            )
                            .with_help(
                                "a tag is `#` followed by letters, digits, `_`, `.` or `-`; \
                                 start a comment with `;`",
                            ))
                        }
                    }
                } else {
                    out.push(Token {
                        tok: Tok::Word(word),
                        span,
                    });
                }
            }
        }
    }
    Ok(None)
}

/// The length of the word `bytes` starts with: up to its first blank
/// (space or tab), or all of it.
pub(crate) fn word_len(bytes: &[u8]) -> usize {
    first_of(bytes, b' ', b'\t').unwrap_or(bytes.len())
}

/// Where the closing quote is of the string that starts at `start` (its
/// opening `"`), when it has no escape; `None` when a `\` comes first or
/// the line ends. (Both are ASCII, so a byte search is safe in UTF-8.)
pub(crate) fn plain_string_close(bytes: &[u8], start: usize) -> Option<usize> {
    let body = &bytes[start + 1..];
    first_of(body, b'"', b'\\')
        .filter(|&end| body[end] == b'"')
        .map(|end| start + 1 + end)
}

/// Where the first `a` or `b` in `bytes` is. Eight bytes at a time: the
/// lexer's scans for the end of a word and of a string were a tenth of
/// `check`'s instructions on a terse ledger when they looked at one byte
/// at a time (`memchr2` costs more than it saves on strings this short).
/// Tested against that loop.
pub(crate) fn first_of(bytes: &[u8], a: u8, b: u8) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    /// The high bit of each byte of `v` that is zero, and maybe of bytes
    /// after the first zero one (a borrow runs on), never before it.
    fn zeros(v: u64) -> u64 {
        v.wrapping_sub(ONES) & !v & HIGHS
    }
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let v = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let found = zeros(v ^ (ONES * u64::from(a))) | zeros(v ^ (ONES * u64::from(b)));
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes[at..]
        .iter()
        .position(|&c| c == a || c == b)
        .map(|i| at + i)
}

/// `string := '"' (char - '"' - '\' | '\"' | '\\' | '\n' | '\t')* '"'`
///
/// Returns the unescaped text and the byte position after the closing quote.
fn string(
    file: FileId,
    line: &str,
    offset: usize,
    start: usize,
) -> Result<(Cow<'_, str>, usize), Diagnostic> {
    // Fast path: no `\` before the closing quote, so the text is a slice of
    // the line.
    if let Some(at) = plain_string_close(line.as_bytes(), start) {
        return Ok((Cow::Borrowed(&line[start + 1..at]), at + 1));
    }
    let mut value = String::new();
    let mut chars = line[start + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        let at = start + 1 + i;
        match c {
            '"' => return Ok((Cow::Owned(value), at + 1)),
            '\\' => match chars.next() {
                Some((_, '"')) => value.push('"'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, other)) => {
                    return Err(Diagnostic::new(
                        Code::Syntax,
                        Span::new(file, offset + at, offset + at + 1 + other.len_utf8()),
                        format!("unknown escape `\\{other}` in a string"),
                    )
                    .with_help("the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`"))
                }
                None => break,
            },
            _ => value.push(c),
        }
    }
    Err(Diagnostic::new(
        Code::Syntax,
        Span::new(file, offset + start, offset + start + 1),
        "unterminated string: expected a closing `\"` on the same line",
    )
    .with_label("string starts here"))
}

/// The byte position where a trailing comment starts in a metadata value:
/// a `;` at the start of the value or after a blank, outside a string.
pub(crate) fn comment_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // Most values have no `;` at all: one vectorised search settles them.
    memchr::memchr(b';', bytes)?;
    // Every byte looked at is ASCII, and the bytes of a multi-byte UTF-8
    // character are never ASCII, so a byte loop finds what a loop over
    // characters would (an escaped multi-byte character ends the escape
    // at its first byte; its other bytes match nothing).
    let mut in_string = false;
    let mut escaped = false;
    let mut prev_blank = true;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b';' && prev_blank {
            return Some(i);
        }
        prev_blank = b == b' ' || b == b'\t';
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word scan (and the string scan: `first_of` with `"` and `\\`),
    /// eight bytes at a time, against one byte at a time,
    /// on words of every length up to 40 with a blank (or none) at every
    /// place, and bytes next to a blank's value (a borrow from one byte to
    /// the next must not find a blank that is not there).
    #[test]
    fn word_len_matches_the_byte_loop() {
        let slow = |bytes: &[u8]| {
            bytes
                .iter()
                .position(|&b| b == b' ' || b == b'\t')
                .unwrap_or(bytes.len())
        };
        // The string scan's pair too.
        let string_end = |bytes: &[u8]| bytes.iter().position(|&b| b == b'"' || b == b'\\');
        let fillers = [
            b'a',
            0x00,
            0x01,
            0x08,
            0x0A,
            0x1F,
            0x21,
            0x80,
            0xA0,
            0xFF,
            b'\t' + 1,
        ];
        for len in 0..40 {
            for &filler in &fillers {
                let word = vec![filler; len];
                assert_eq!(word_len(&word), slow(&word));
                for blank_at in 0..len {
                    for blank in [b' ', b'\t'] {
                        let mut word = word.clone();
                        word[blank_at] = blank;
                        assert_eq!(word_len(&word), blank_at, "{word:?}");
                        // A second blank later changes nothing.
                        if blank_at + 3 < len {
                            word[blank_at + 3] = b' ';
                            assert_eq!(word_len(&word), blank_at, "{word:?}");
                        }
                    }
                }
            }
        }
        let mut x: u32 = 0x2545_F491;
        for _ in 0..20_000 {
            let bytes: Vec<u8> = (0..(x % 37))
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    [
                        b' ',
                        b'\t',
                        b'a',
                        0x00,
                        b'"',
                        b'\\',
                        0x09 ^ 0x80,
                        0xE2,
                        0x21,
                        0x5B,
                    ][(x % 10) as usize]
                })
                .collect();
            assert_eq!(word_len(&bytes), slow(&bytes), "{bytes:?}");
            assert_eq!(
                first_of(&bytes, b'"', b'\\'),
                string_end(&bytes),
                "{bytes:?}"
            );
            x = x.wrapping_add(1);
        }
    }

    fn toks(line: &str) -> Result<Vec<Tok<'_>>, String> {
        let mut out = Vec::new();
        tokenize(FileId(0), line, 0, &mut out).map_err(|d| d.message().into_owned())?;
        Ok(out.into_iter().map(|t| t.tok).collect())
    }

    #[test]
    fn words_strings_tags_comments() {
        assert_eq!(
            toks(r#"2026-01-03 lead acme "Rust \"x\" ; y" via a:b #rust ; note"#).unwrap(),
            vec![
                Tok::Word("2026-01-03"),
                Tok::Word("lead"),
                Tok::Word("acme"),
                Tok::Str("Rust \"x\" ; y".into()),
                Tok::Word("via"),
                Tok::Word("a:b"),
                Tok::Tag("rust"),
            ]
        );
        assert_eq!(toks("a;b").unwrap(), vec![Tok::Word("a;b")]);
        assert!(toks(r#"x "open"#).is_err());
        assert!(toks(r#"x "a"b"#).is_err());
        assert!(toks(r#"x "\q""#).is_err());
        assert!(toks("x #!").is_err());
    }

    #[test]
    fn comments_in_values() {
        assert_eq!(comment_start(r#""a ; b" ; c"#), Some(8));
        assert_eq!(comment_start("a;b"), None);
        assert_eq!(comment_start("; x"), Some(0));
        assert_eq!(comment_start("no comment"), None);
        assert_eq!(comment_start(r#""é\é ; x" ; y"#), Some(12));
        assert_eq!(comment_start("\t;x"), Some(1));
        assert_eq!(comment_start("x\u{a0};y"), None);
    }
}
