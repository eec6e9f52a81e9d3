//! `funnel fmt`: the canonical layout of one file, without losing a byte of
//! meaning. Works line by line on the lexer's tokens, so every comment,
//! tag, metadata line and string survives; only spacing, blank-line runs,
//! number spelling and string escapes change.
//!
//! The canonical form (documented in `docs/format.md`):
//! - items start at column 1, tokens are separated by one space;
//! - within a block of consecutive entries (ended by a blank line or a
//!   comment line at column 1) the verbs and first arguments are padded to
//!   one column each, amounts right after them are right-aligned, tags
//!   start in one column and trailing comments in the next (lines wider
//!   than 72 characters are left out of that alignment);
//! - metadata lines and indented comments are indented by two spaces,
//!   metadata as `key: value`;
//! - numbers lose `_` and `,`, and integer parts of five or more digits are
//!   grouped by thousands with `,` (`12000` → `12,000`, `1_500` → `1500`);
//! - strings are re-escaped (`\"`, `\\`, `\n`, `\t`);
//! - runs of blank lines become one, none at the start or the end, and the
//!   file ends with exactly one line ending; trailing blanks go;
//! - the line-ending style (that of the first line ending) and a BOM stay.

use crate::diagnostic::Diagnostic;
use crate::lexer::{self, Tok, Token};
use crate::parse;
use crate::source::SourceFile;
use crate::span::FileId;
use crate::value;
use crate::verb::Verb;

/// Formats one file. Fails with the file's syntax diagnostics when it does
/// not parse: a broken file is never rewritten.
pub fn format(file: &SourceFile) -> Result<String, Vec<Diagnostic>> {
    let id = FileId(0);
    // Only the errors are kept: the parsed entries are freed before the
    // file is formatted.
    let errors = parse::parse(id, &file.text, &[]).errors();
    if !errors.is_empty() {
        return Err(errors);
    }
    let newline = if file
        .text
        .split_once('\n')
        .is_some_and(|(first, _)| first.ends_with('\r'))
    {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = String::with_capacity(file.text.len() + 64);
    if file.bom {
        out.push('\u{feff}');
    }
    // Line by line, a block at a time (item lines with their indented
    // lines, up to a blank line or a comment at column 1): all lines at
    // once, cut into cells, took 12 times the file's size in memory.
    let mut block: Vec<Line<'_>> = Vec::new();
    let mut tokens = Vec::new();
    let mut pending_blank = false;
    let mut wrote_any = false;
    let flush = |block: &mut Vec<Line<'_>>, out: &mut String, wrote_any: &mut bool| {
        if !block.is_empty() {
            render_block(block, newline, out);
            block.clear();
            *wrote_any = true;
        }
    };
    for raw in file.text.split_inclusive('\n') {
        let line = classify(raw, &mut tokens);
        if matches!(line, Line::Blank) {
            flush(&mut block, &mut out, &mut wrote_any);
            pending_blank = wrote_any;
            continue;
        }
        let comment = matches!(line, Line::Comment(_));
        if comment {
            flush(&mut block, &mut out, &mut wrote_any);
        }
        if block.is_empty() && pending_blank {
            out.push_str(newline);
            pending_blank = false;
        }
        block.push(line);
        // A comment at column 1 is a block of its own.
        if comment {
            flush(&mut block, &mut out, &mut wrote_any);
        }
    }
    flush(&mut block, &mut out, &mut wrote_any);
    Ok(out)
}

enum Line<'a> {
    Blank,
    /// A comment line at column 1, kept as written (trailing blanks cut).
    Comment(&'a str),
    /// An indented comment line, without its indent.
    IndentedComment(&'a str),
    /// `key: value ; comment` with the value and comment as written.
    Meta {
        key: &'a str,
        value: &'a str,
        comment: Option<&'a str>,
    },
    Item(Row),
}

/// One item line cut into cells.
struct Row {
    entry: bool,
    /// Date, verb and first argument of an entry (padded into columns);
    /// every token of a directive.
    head: Vec<String>,
    /// The number of an amount right after the head, right-aligned.
    amount: Option<String>,
    rest: Vec<String>,
    tags: Vec<String>,
    comment: Option<String>,
}

/// One line of the file (with or without its line ending), cut into cells.
fn classify<'a>(raw: &'a str, tokens: &mut Vec<Token<'a>>) -> Line<'a> {
    let line = raw.strip_suffix('\n').unwrap_or(raw);
    // The `\r` of a `\r\n` and any more before it go with the trailing
    // blanks: the parser reads a line's last `\r` as part of its ending and
    // the others as white space (in a comment or a metadata value), so
    // cutting them changes nothing; keeping all but one lost one more
    // each time a file with `\n` endings was formatted (found by fuzzing).
    let line = line.trim_end_matches([' ', '\t', '\r']);
    let trimmed = line.trim_start_matches([' ', '\t']);
    let indented = trimmed.len() != line.len();
    if trimmed.is_empty() {
        Line::Blank
    } else if trimmed.starts_with([';', '#', '*']) {
        if indented {
            Line::IndentedComment(trimmed)
        } else {
            Line::Comment(line)
        }
    } else if indented {
        let (key, rest) =
            value::metadata_key(trimmed).expect("the file parsed, so this is metadata");
        let (value, comment) = match lexer::comment_start(rest) {
            Some(at) => (rest[..at].trim(), Some(rest[at..].trim_end())),
            None => (rest.trim(), None),
        };
        Line::Meta {
            key,
            value,
            comment,
        }
    } else {
        let comment =
            lexer::tokenize(FileId(0), line, 0, tokens).expect("the file parsed, so it tokenises");
        Line::Item(row(tokens, comment.map(|at| line[at..].to_owned())))
    }
}

fn row(tokens: &[Token<'_>], comment: Option<String>) -> Row {
    let mut words: Vec<String> = Vec::with_capacity(tokens.len());
    let mut tags = Vec::new();
    let first = match tokens.first().map(|t| &t.tok) {
        Some(Tok::Word(w)) => *w,
        _ => "",
    };
    let entry = value::parse_date(first).is_ok();
    let verb = match tokens.get(1).map(|t| &t.tok) {
        Some(Tok::Word(w)) => *w,
        _ => "",
    };
    // A verb that is not built in is a stage, which names a deal.
    let names_deal = Verb::parse(verb).is_none_or(Verb::names_deal_or_contact);
    for (i, token) in tokens.iter().enumerate() {
        match &token.tok {
            Tok::Tag(name) => tags.push(format!("#{name}")),
            Tok::Str(s) => words.push(quote(s)),
            Tok::Word(w) => {
                let previous = match i.checked_sub(1).map(|p| &tokens[p].tok) {
                    Some(Tok::Word(p)) => *p,
                    _ => "",
                };
                // Names never change, even when they look like numbers
                // (`12_000` is a valid deal id).
                let is_name = !entry
                    || i < 2
                    || (i == 2 && names_deal)
                    || matches!(previous, "via" | "from" | "on")
                    || (i == 3 && verb == "assume" && words.get(2).is_some_and(|m| m == "volume"));
                words.push(if is_name {
                    (*w).to_owned()
                } else {
                    value::normalize_number(w)
                });
            }
        }
    }
    if !entry {
        return Row {
            entry,
            head: words,
            amount: None,
            rest: Vec::new(),
            tags,
            comment,
        };
    }
    // Entries about a deal (or a contact) pad the name into a column, so
    // offers line up after it; other entries continue after the verb.
    let head_len = if names_deal { 3 } else { 2 };
    let mut rest = words.split_off(head_len.min(words.len()));
    let amount = match (rest.first(), rest.get(1)) {
        (Some(n), Some(c))
            if names_deal && value::is_number_like(n) && value::Currency::parse(c).is_some() =>
        {
            Some(rest.remove(0))
        }
        _ => None,
    };
    Row {
        entry,
        head: words,
        amount,
        rest,
        tags,
        comment,
    }
}

/// A string token in canonical form: `"…"` with `\"`, `\\`, `\n` and
/// `\t` escaped. Also used by `funnel add` to write strings.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn width(text: &str) -> usize {
    text.chars().count()
}

fn pad(out: &mut String, text: &str, to: usize) {
    out.push_str(text);
    out.extend(std::iter::repeat_n(' ', to.saturating_sub(width(text))));
}

/// Tags and trailing comments start in one column per block, set by the
/// longest line that is at most this wide; longer lines are not padded and
/// take one space, so one long entry does not push every comment far right.
const ALIGN_LIMIT: usize = 72;

fn render_block(lines: &[Line<'_>], newline: &str, out: &mut String) {
    let rows = || {
        lines.iter().filter_map(|l| match l {
            Line::Item(row) if row.entry => Some(row),
            _ => None,
        })
    };
    let column = |n: usize| {
        rows()
            .filter_map(|r| r.head.get(n))
            .map(|s| width(s))
            .max()
            .unwrap_or(0)
    };
    let (verb_width, first_width) = (column(1), column(2));
    let amount_width = rows()
        .filter_map(|r| r.amount.as_deref())
        .map(width)
        .max()
        .unwrap_or(0);
    let bodies: Vec<Option<String>> = lines
        .iter()
        .map(|l| match l {
            Line::Item(row) => Some(body(row, verb_width, first_width, amount_width)),
            _ => None,
        })
        .collect();
    let tag_column = lines
        .iter()
        .zip(&bodies)
        .filter_map(|(l, b)| match (l, b) {
            (Line::Item(row), Some(b)) if !row.tags.is_empty() || row.comment.is_some() => {
                Some(width(b))
            }
            _ => None,
        })
        .filter(|&w| w <= ALIGN_LIMIT)
        .max()
        .unwrap_or(0);
    let with_tags: Vec<Option<String>> = lines
        .iter()
        .zip(&bodies)
        .map(|(l, b)| match (l, b) {
            (Line::Item(row), Some(b)) if !row.tags.is_empty() => {
                let mut text = String::new();
                pad(&mut text, b, tag_column);
                text.push(' ');
                text.push_str(&row.tags.join(" "));
                Some(text)
            }
            (_, b) => b.clone(),
        })
        .collect();
    let comment_column = lines
        .iter()
        .zip(&with_tags)
        .filter_map(|(l, t)| match (l, t) {
            (Line::Item(row), Some(t)) if row.comment.is_some() => Some(width(t).max(tag_column)),
            _ => None,
        })
        .filter(|&w| w <= ALIGN_LIMIT)
        .max()
        .unwrap_or(0);
    for (line, text) in lines.iter().zip(&with_tags) {
        match line {
            Line::Blank => {}
            Line::Comment(text) => out.push_str(text),
            Line::IndentedComment(text) => {
                out.push_str("  ");
                out.push_str(text);
            }
            Line::Meta {
                key,
                value,
                comment,
            } => {
                out.push_str("  ");
                out.push_str(key);
                out.push(':');
                if !value.is_empty() {
                    out.push(' ');
                    out.push_str(value);
                }
                if let Some(comment) = comment {
                    out.push(' ');
                    out.push_str(comment);
                }
            }
            Line::Item(row) => {
                let text = text.as_deref().unwrap_or("");
                match &row.comment {
                    Some(comment) => {
                        pad(out, text, comment_column);
                        out.push(' ');
                        out.push_str(comment.trim_end());
                    }
                    None => out.push_str(text),
                }
            }
        }
        out.push_str(newline);
    }
}

/// The columns of an item line before its tags.
fn body(row: &Row, verb_width: usize, first_width: usize, amount_width: usize) -> String {
    let mut text = String::new();
    if !row.entry {
        return row.head.join(" ");
    }
    let has_more = row.amount.is_some() || !row.rest.is_empty();
    for (i, cell) in row.head.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        let last = i + 1 == row.head.len() && !has_more;
        match i {
            1 if !last => pad(&mut text, cell, verb_width),
            2 if !last => pad(&mut text, cell, first_width),
            _ => text.push_str(cell),
        }
    }
    if let Some(amount) = &row.amount {
        text.push(' ');
        text.extend(std::iter::repeat_n(
            ' ',
            amount_width.saturating_sub(width(amount)),
        ));
        text.push_str(amount);
    }
    for cell in &row.rest {
        text.push(' ');
        text.push_str(cell);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns line up within a block: item lines with their indented
    /// lines (an indented comment among them), up to a blank line or a
    /// comment at column 1; runs of blank lines become one.
    #[test]
    fn blocks_end_at_blank_lines_and_comments() {
        let text = "2026-01-03 lead acme via referral\n\
                    2026-01-04 talked acmecorp\n\
                    ; a comment splits\n\
                    2026-01-05 talked acme\n\
                    2026-01-06 proposed acmecorp 5000 EUR\n  \
                    ; indented comment\n  \
                    rate: 90 EUR/hour\n\
                    2026-01-07 won acme 12000 EUR\n\n\n\
                    2026-01-08 note acme \"x\"\n\
                    2026-01-09 note acmecorp \"y\"\n";
        let file = SourceFile::new("b.funnel".to_owned(), "b.funnel".into(), text.as_bytes());
        assert_eq!(
            format(&file).unwrap(),
            "2026-01-03 lead   acme     via referral\n\
             2026-01-04 talked acmecorp\n\
             ; a comment splits\n\
             2026-01-05 talked   acme\n\
             2026-01-06 proposed acmecorp   5000 EUR\n  \
             ; indented comment\n  \
             rate: 90 EUR/hour\n\
             2026-01-07 won      acme     12,000 EUR\n\n\
             2026-01-08 note acme     \"x\"\n\
             2026-01-09 note acmecorp \"y\"\n"
        );
    }
}
