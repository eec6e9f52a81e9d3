//! The text of every file a ledger was read from, and the mapping from byte
//! offsets to 1-based lines and columns.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::span::{FileId, Span};

/// One file's text as the parser sees it.
///
/// Invalid UTF-8 is replaced by U+FFFD (one replacement character per bad
/// sequence) so that the rest of the file can still be checked and shown;
/// the positions of the replacements (and the first bad byte of each) are
/// kept in `invalid_utf8`. A leading
/// byte-order mark is removed and remembered in `bom`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown to users: the path as given or found through an
    /// `include`, or `<stdin>`.
    pub name: String,
    /// The path used to resolve relative `include`s (for standard input: a
    /// file in the current directory).
    pub path: PathBuf,
    pub text: String,
    pub bom: bool,
    pub invalid_utf8: Vec<(usize, u8)>,
    /// Where lines start, built the first time a position is turned into
    /// a line and column: a ledger that checks clean never needs it.
    lines: OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(name: String, path: PathBuf, bytes: &[u8]) -> SourceFile {
        SourceFile::from_vec(name, path, bytes.to_vec())
    }

    /// Like [`SourceFile::new`], taking the bytes: a file that is valid
    /// UTF-8 (the usual case) becomes the text without being copied.
    pub fn from_vec(name: String, path: PathBuf, mut bytes: Vec<u8>) -> SourceFile {
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        if bom {
            bytes.drain(..3);
        }
        let (text, invalid_utf8) = match String::from_utf8(bytes) {
            Ok(text) => (text, Vec::new()),
            Err(err) => decode_utf8(err.as_bytes()),
        };
        SourceFile {
            name,
            path,
            text,
            bom,
            invalid_utf8,
            lines: OnceLock::new(),
        }
    }

    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.lines().line_of(&self.text, offset);
        // The line's start: its line's length back, not a block's.
        let start =
            memchr::memrchr(b'\n', &self.text.as_bytes()[..offset]).map_or(0, |end| end + 1);
        let mut col_end = offset;
        while !self.text.is_char_boundary(col_end) {
            col_end -= 1;
        }
        let col = self.text[start..col_end].chars().count() + 1;
        (line + 1, col)
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.lines().start(&self.text, line.saturating_sub(1))
    }

    pub fn line_count(&self) -> usize {
        self.lines().count
    }

    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// Where a text's lines are, sampled by bytes: for every
/// [`LineIndex::BLOCK`]-th byte, how many line endings come before it, and
/// the line count. An offset's line is its block's count plus the endings
/// between the block's start and the offset (at most `BLOCK - 1` bytes,
/// counted with `memchr`'s vector count); a line's start is found from the
/// block its line ending is in. A unit test compares it with a full index
/// at every offset and line.
///
/// A full index took 4 bytes a line (30 MB for a million-entry ledger of
/// 7.5 million lines, and as many fresh pages to clear). Until December
/// 2026 this one sampled every sixteenth line's start: making it found
/// every line ending one `memchr` call at a time, which cost `check` on
/// the terse million (64,000 `stale-deal` warnings) ~15 ms of its ~330
/// to print the twenty snippets its human format shows; counting blocks
/// is one vector pass, and its memory is 4 bytes a KiB of text whatever
/// the lines' length (docs/performance.md, fourteenth pass).
#[derive(Clone, Debug)]
struct LineIndex {
    /// `endings[k]`: the line endings in the text's first `k * BLOCK`
    /// bytes, for `k` from 0 to the number of blocks (the last is the
    /// text's line endings).
    endings: Vec<u32>,
    /// Lines in the text: its line endings plus one.
    count: usize,
}

impl LineIndex {
    const BLOCK: usize = 1024;

    /// Below this many bytes a part, a thread costs more than it saves.
    const MIN_PART: usize = 4 << 20;

    fn new(text: &str) -> LineIndex {
        let parts = crate::parallel::threads(text.len(), Self::MIN_PART);
        LineIndex::in_parts(text, parts)
    }

    /// The index made in `parts` pieces of whole blocks, on as many
    /// threads as there are cores: each piece's blocks counted, then the
    /// counts added up. The same index for any number of parts (tested).
    fn in_parts(text: &str, parts: usize) -> LineIndex {
        let bytes = text.as_bytes();
        let blocks = bytes.len().div_ceil(Self::BLOCK);
        let parts = parts.clamp(1, blocks.max(1));
        let per_part = blocks.div_ceil(parts);
        let threads = parts.min(crate::parallel::cores());
        // Each block's own line endings, by part.
        let counts = crate::parallel::map_ordered(parts, threads, |i| {
            let from = (i * per_part * Self::BLOCK).min(bytes.len());
            let to = ((i + 1) * per_part * Self::BLOCK).min(bytes.len());
            bytes[from..to]
                .chunks(Self::BLOCK)
                .map(|block| memchr::memchr_iter(b'\n', block).count() as u32)
                .collect::<Vec<u32>>()
        });
        let mut endings = Vec::with_capacity(blocks + 1);
        let mut total = 0u32;
        endings.push(0);
        for count in counts.iter().flatten() {
            total += count;
            endings.push(total);
        }
        LineIndex {
            endings,
            count: total as usize + 1,
        }
    }

    /// The 0-based line `offset` (at most the text's length) is on: the
    /// line endings before it.
    fn line_of(&self, text: &str, offset: usize) -> usize {
        let block = offset / Self::BLOCK;
        let from = block * Self::BLOCK;
        self.endings[block] as usize
            + memchr::memchr_iter(b'\n', &text.as_bytes()[from..offset]).count()
    }

    /// Where 0-based `line` starts; the text's length past the last line.
    fn start(&self, text: &str, line: usize) -> usize {
        if line == 0 {
            return 0;
        }
        if line >= self.count {
            return text.len();
        }
        // The line starts after the text's `line`-th ending, which is in
        // the last block with fewer endings before it.
        let block = self.endings.partition_point(|&n| (n as usize) < line) - 1;
        let from = block * Self::BLOCK;
        let skip = line - self.endings[block] as usize;
        memchr::memchr_iter(b'\n', &text.as_bytes()[from..])
            .nth(skip - 1)
            .map_or(text.len(), |end| from + end + 1)
    }
}

/// Decodes UTF-8, replacing each invalid sequence by U+FFFD and noting where.
fn decode_utf8(mut bytes: &[u8]) -> (String, Vec<(usize, u8)>) {
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut bad = Vec::new();
    loop {
        match std::str::from_utf8(bytes) {
            Ok(rest) => {
                text.push_str(rest);
                break;
            }
            Err(err) => {
                let (valid, rest) = bytes.split_at(err.valid_up_to());
                // SAFETY of the unwrap: `valid_up_to` promises a valid prefix.
                text.push_str(std::str::from_utf8(valid).unwrap_or_default());
                bad.push((text.len(), rest.first().copied().unwrap_or(0)));
                text.push(char::REPLACEMENT_CHARACTER);
                let skip = err.error_len().unwrap_or(rest.len()).max(1);
                bytes = &rest[skip..];
            }
        }
    }
    (text, bad)
}

/// Every file read for one ledger, indexed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The text a span covers.
    pub fn text(&self, span: Span) -> &str {
        self.get(span.file).text.get(span.range()).unwrap_or("")
    }

    /// `(file name, line, column)` of the start of a span, 1-based.
    pub fn location(&self, span: Span) -> (&str, usize, usize) {
        let file = self.get(span.file);
        let (line, col) = file.line_col(span.start as usize);
        (&file.name, line, col)
    }

    /// `(file name, line)` of the start of each of `spans`, as
    /// [`SourceMap::location`] gives them, in their order. For a file whose
    /// line index is not made yet, the lines are counted in one pass over
    /// the file up to the last span instead of making the index: the few
    /// positions a report names (its assumptions' `file:line`) cost a
    /// sixth of that (on the terse 100,000, the index was 9.7 M of
    /// `report`'s 545 M instructions, for 70 positions). Tested equal to
    /// `location`.
    pub fn lines(&self, spans: &[Span]) -> Vec<(&str, usize)> {
        let mut order: Vec<usize> = (0..spans.len()).collect();
        order.sort_unstable_by_key(|&i| (spans[i].file.0, spans[i].start));
        let mut lines = vec![("", 0); spans.len()];
        // The file being counted, where the count got to and its line.
        let mut counted: Option<(FileId, usize, usize)> = None;
        for i in order {
            let span = spans[i];
            let file = self.get(span.file);
            let offset = (span.start as usize).min(file.text.len());
            let line = if file.lines.get().is_some() {
                file.line_col(offset).0
            } else {
                let (from, line) = match counted {
                    Some((id, from, line)) if id == span.file => (from, line),
                    _ => (0, 1),
                };
                let line =
                    line + memchr::memchr_iter(b'\n', &file.text.as_bytes()[from..offset]).count();
                counted = Some((span.file, offset, line));
                line
            };
            lines[i] = (file.name.as_str(), line);
        }
        lines
    }
}

/// Makes a file's text renderable by miette, under the file's name.
///
/// miette's own implementation for `str` counts lines from the start of the
/// text for every diagnostic, which is quadratic for a big file with many
/// problems; this one cuts a window of whole lines around the span first,
/// using the line index.
impl miette::SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let start = span.offset().min(self.text.len());
        let end = (start + span.len()).min(self.text.len());
        let lines = self.lines();
        let line_of = |offset: usize| lines.line_of(&self.text, offset);
        let first = line_of(start).saturating_sub(context_lines_before + 1);
        let last = (line_of(end.saturating_sub(1).max(start)) + context_lines_after + 1)
            .min(lines.count - 1);
        let window_start = lines.start(&self.text, first);
        let window_end = lines.start(&self.text, last + 1);
        let window = &self.text[window_start..window_end];
        let local = miette::SourceSpan::new((start - window_start).into(), end - start);
        let contents = window.read_span(&local, context_lines_before, context_lines_after)?;
        let found = contents.span();
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            miette::SourceSpan::new((found.offset() + window_start).into(), found.len()),
            contents.line() + first,
            contents.column(),
            contents.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `lines` gives every span's line as `location` does: spans out of
    /// order, repeated, at the ends of lines and of the text, past it, in
    /// two files, one with its index already made.
    #[test]
    fn lines_are_the_locations() {
        let mut map = SourceMap::default();
        let a = map.add(SourceFile::new(
            "a.funnel".into(),
            "a.funnel".into(),
            "one\r\ntwo\n\n\u{e9}four\nfive".as_bytes(),
        ));
        let b = map.add(SourceFile::new(
            "b.funnel".into(),
            "b.funnel".into(),
            b"x\ny\n",
        ));
        let len_a = map.get(a).text.len();
        let mut spans = Vec::new();
        for start in (0..=len_a + 2).rev().chain([3, 0, 5]) {
            spans.push(Span::new(a, start, start));
            spans.push(Span::new(b, start.min(6), start.min(6)));
        }
        let located = |map: &SourceMap| -> Vec<(String, usize)> {
            spans
                .iter()
                .map(|&s| {
                    let (name, line, _) = map.location(s);
                    (name.to_owned(), line)
                })
                .collect()
        };
        let counted = |map: &SourceMap| -> Vec<(String, usize)> {
            map.lines(&spans)
                .into_iter()
                .map(|(name, line)| (name.to_owned(), line))
                .collect()
        };
        let fresh = map.clone();
        let want = located(&map);
        assert!(fresh.get(a).lines.get().is_none());
        assert_eq!(counted(&fresh), want);
        // With `b`'s index made and `a`'s not.
        let mixed = fresh.clone();
        mixed.location(Span::new(b, 0, 0));
        assert_eq!(counted(&mixed), want);
        assert_eq!(want[0], ("a.funnel".to_owned(), 5));
    }

    #[test]
    fn bom_and_invalid_utf8() {
        let file = SourceFile::new("x".into(), "x".into(), b"\xEF\xBB\xBFab\n\xFFc\n");
        assert!(file.bom);
        assert_eq!(file.text, "ab\n\u{FFFD}c\n");
        assert_eq!(file.invalid_utf8, vec![(3, 0xFF)]);
        assert_eq!(file.line_col(3), (2, 1));
        assert_eq!(file.line_col(6), (2, 2));
        assert_eq!(file.line_count(), 3);
    }

    /// The sampled index answers what a full index of every line's start
    /// answers, at every offset and for every line, on texts of up to
    /// several blocks, with and without a last line ending, `\r\n`
    /// endings and characters of several bytes.
    #[test]
    fn sampled_lines_match_a_full_index() {
        let mut texts = vec![String::new(), "\n".into(), "a".into(), "\n\n\n".into()];
        // Texts of exactly one and two blocks, with and without an
        // ending as their last byte.
        for len in [LineIndex::BLOCK, 2 * LineIndex::BLOCK] {
            texts.push(format!("{}\n", "x".repeat(len - 1)));
            texts.push("\n".repeat(len));
            texts.push("y".repeat(len));
        }
        for lines in [1, 63, 64, 65, 127, 128, 129, 300, 1500] {
            let mut text = String::new();
            for i in 0..lines {
                text.push_str(&"é".repeat(i % 5));
                text.push_str(if i % 3 == 0 { "\r\n" } else { "\n" });
            }
            texts.push(text.clone());
            text.push_str("last");
            texts.push(text);
        }
        for text in &texts {
            let full: Vec<usize> = std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
                .collect();
            let index = LineIndex::new(text);
            assert_eq!(index.count, full.len());
            for offset in 0..=text.len() {
                let line = full.partition_point(|&s| s <= offset) - 1;
                assert_eq!(index.line_of(text, offset), line, "{offset} in {text:?}");
            }
            for line in 0..full.len() + 2 {
                let start = full.get(line).copied().unwrap_or(text.len());
                assert_eq!(index.start(text, line), start, "line {line} of {text:?}");
            }
            // And a file's line and column (in characters) of every offset.
            let file = SourceFile::new("t".into(), "t".into(), text.as_bytes());
            for offset in 0..=text.len() {
                let line = full.partition_point(|&s| s <= offset) - 1;
                let mut end = offset;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let col = text[full[line]..end].chars().count() + 1;
                assert_eq!(
                    file.line_col(offset),
                    (line + 1, col),
                    "{offset} in {text:?}"
                );
            }
            // Made in parts (cut anywhere, even inside a character or
            // between `\r` and `\n`), the index is the same.
            for parts in [2, 3, 7, 64, text.len() + 5] {
                let cut = LineIndex::in_parts(text, parts);
                assert_eq!(
                    (cut.endings, cut.count),
                    (index.endings.clone(), index.count),
                    "{parts} parts of {text:?}"
                );
            }
        }
    }

    #[test]
    fn truncated_sequence_at_end() {
        let file = SourceFile::new("x".into(), "x".into(), b"a\xE2\x82");
        assert_eq!(file.text, "a\u{FFFD}");
        assert_eq!(file.invalid_utf8, vec![(1, 0xE2)]);
    }
}
