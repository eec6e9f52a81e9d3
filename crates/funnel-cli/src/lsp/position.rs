//! Byte offsets into a document's text and LSP positions (a 0-based line
//! and a column in UTF-16 code units, the protocol's default encoding).
//!
//! Lines end at `\n` (a `\r` before it belongs to the line ending), as the
//! ledger's parser counts them; a lone `\r` is not a line break here, as in
//! rust-analyzer's line index and in Neovim's buffers.
//!
//! The ledger's spans point into a file's text *after* a leading
//! byte-order mark was removed; an editor that keeps the mark in the
//! buffer (one U+FEFF character) counts it as the first column of the
//! first line. [`LineIndex`] works on the editor's text, and
//! [`LineIndex::model_offset`] moves a span's offset past a kept mark.

use lsp_types::{Position, Range};

/// Where each line of a text starts, to convert offsets both ways.
pub struct LineIndex<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
    /// Whether `text` starts with a byte-order mark that the ledger's
    /// spans do not count.
    bom: bool,
}

impl<'t> LineIndex<'t> {
    /// The index of an editor's text (with its byte-order mark, if the
    /// editor keeps one).
    pub fn new(text: &'t str) -> LineIndex<'t> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text,
            line_starts,
            bom: text.starts_with('\u{feff}'),
        }
    }

    /// The offset in the editor's text of an offset in the ledger's text of
    /// the same file (which lost its byte-order mark when it was read).
    pub fn model_offset(&self, offset: usize) -> usize {
        if self.bom {
            offset + '\u{feff}'.len_utf8()
        } else {
            offset
        }
    }

    /// The position of a byte offset. An offset past the end is the end;
    /// one inside a character is the start of that character.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let character: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(to_u32(line), to_u32(character))
    }

    /// The range of a byte range.
    pub fn range(&self, range: std::ops::Range<usize>) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }

    /// The range of a span of the ledger's text of this file.
    pub fn model_range(&self, range: std::ops::Range<usize>) -> Range {
        self.range(self.model_offset(range.start)..self.model_offset(range.end))
    }

    /// The byte offset of a position. A line past the last is the end of
    /// the text; a column past the end of its line is the end of the line
    /// (before its `\r\n`); a column inside a surrogate pair is the start
    /// of that character.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line = self.line(position.line as usize).unwrap_or_default();
        let mut units = 0;
        for (i, c) in line.char_indices() {
            units += c.len_utf16();
            if units > position.character as usize {
                return start + i;
            }
        }
        start + line.len()
    }

    /// The text of 0-based line `line`, without its line ending.
    pub fn line(&self, line: usize) -> Option<&'t str> {
        let start = *self.line_starts.get(line)?;
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let text = &self.text[start..end];
        Some(text.strip_suffix('\r').unwrap_or(text))
    }

    /// The line a position is on: its text (without the line ending), the
    /// byte offset where it starts, and the position's byte column in it
    /// (clamped to the line's end). `None` past the last line.
    pub fn line_at(&self, position: Position) -> Option<(&'t str, usize, usize)> {
        let line = self.line(position.line as usize)?;
        let start = self.line_start(position.line as usize);
        let column = self.offset(position).saturating_sub(start).min(line.len());
        Some((line, start, column))
    }

    /// The byte offset where 0-based line `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The position just past the last character: the end of a
    /// whole-document edit.
    pub fn end(&self) -> Position {
        self.position(self.text.len())
    }
}

/// The first position of a text.
pub fn start() -> Position {
    Position::new(0, 0)
}

/// LSP positions are `u32`; a text over 4 GiB is not read by the ledger.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn ascii_both_ways() {
        let index = LineIndex::new("ab\ncd\n");
        assert_eq!(index.position(0), pos(0, 0));
        assert_eq!(index.position(2), pos(0, 2));
        assert_eq!(index.position(3), pos(1, 0));
        assert_eq!(index.position(6), pos(2, 0));
        assert_eq!(index.position(99), pos(2, 0));
        assert_eq!(index.offset(pos(1, 1)), 4);
        assert_eq!(index.offset(pos(1, 9)), 5, "clamped to the line's end");
        assert_eq!(index.offset(pos(9, 0)), 6, "past the last line");
        assert_eq!(index.end(), pos(2, 0));
    }

    /// `ü` and `é` are 2 bytes and 1 UTF-16 unit, `—` and `☕` 3 bytes and
    /// 1 unit, `😀` 4 bytes and 2 units (a surrogate pair).
    #[test]
    fn non_ascii_columns_count_utf16_units() {
        let line = "2026-01-02 lead acme \"Müller — Café ☕ 😀\" via x";
        let index = LineIndex::new(line);
        let via = line.find("via").unwrap();
        let units = line[..via].encode_utf16().count() as u32;
        assert_eq!(units, 42);
        assert_eq!(index.position(via), pos(0, units));
        assert_eq!(index.offset(pos(0, units)), via);
        // Every character boundary goes there and back.
        for (i, _) in line.char_indices() {
            assert_eq!(index.offset(index.position(i)), i, "at byte {i}");
        }
        // Inside the surrogate pair: the start of the emoji.
        let emoji = line.find('😀').unwrap();
        let at = index.position(emoji);
        assert_eq!(index.offset(pos(0, at.character + 1)), emoji);
        // Inside a multi-byte character: its start.
        let cafe = line.find('é').unwrap();
        assert_eq!(index.position(cafe + 1), index.position(cafe));
    }

    #[test]
    fn crlf_lines_end_before_the_carriage_return() {
        let text = "ab\r\ncdé\r\n\r\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.line(0), Some("ab"));
        assert_eq!(index.line(1), Some("cdé"));
        assert_eq!(index.line(2), Some(""));
        assert_eq!(index.line(3), Some("x"));
        assert_eq!(index.line(4), None);
        assert_eq!(index.position(4), pos(1, 0));
        assert_eq!(index.position(text.find('x').unwrap()), pos(3, 0));
        // The end of line 1 is before its `\r`.
        assert_eq!(index.offset(pos(1, 99)), text.find("\r\n\r\n").unwrap());
        assert_eq!(index.position(text.find("\r\n\r\n").unwrap()), pos(1, 3));
        assert_eq!(index.end(), pos(3, 1));
    }

    #[test]
    fn a_kept_byte_order_mark_shifts_the_first_line() {
        let model = "2026-01-02 talked acne\n";
        let editor = format!("\u{feff}{model}");
        let index = LineIndex::new(&editor);
        let deal = model.find("acne").unwrap();
        assert_eq!(
            index.model_range(deal..deal + 4),
            Range::new(pos(0, 19), pos(0, 23))
        );
        // Without the mark in the buffer, nothing moves.
        let index = LineIndex::new(model);
        assert_eq!(
            index.model_range(deal..deal + 4),
            Range::new(pos(0, 18), pos(0, 22))
        );
    }

    #[test]
    fn empty_text() {
        let index = LineIndex::new("");
        assert_eq!(index.position(0), pos(0, 0));
        assert_eq!(index.offset(pos(0, 5)), 0);
        assert_eq!(index.line(0), Some(""));
        assert_eq!(index.end(), pos(0, 0));
    }
}
