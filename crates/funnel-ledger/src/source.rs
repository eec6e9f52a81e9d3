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
    /// Where each line starts, built the first time a position is turned
    /// into a line and column: a ledger that checks clean never needs it.
    line_starts: OnceLock<Vec<u32>>,
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
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = Vec::with_capacity(self.text.len() / 32 + 1);
            starts.push(0);
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| (i + 1) as u32));
            starts
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = line_starts[line] as usize;
        let mut col_end = offset;
        while !self.text.is_char_boundary(col_end) {
            col_end -= 1;
        }
        let col = self.text[start..col_end].chars().count() + 1;
        (line + 1, col)
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts()
            .get(line.saturating_sub(1))
            .map_or(self.text.len(), |&s| s as usize)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
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
        let line_starts = self.line_starts();
        let line_of = |offset: usize| line_starts.partition_point(|&s| s as usize <= offset) - 1;
        let first = line_of(start).saturating_sub(context_lines_before + 1);
        let last = (line_of(end.saturating_sub(1).max(start)) + context_lines_after + 1)
            .min(line_starts.len() - 1);
        let window_start = line_starts[first] as usize;
        let window_end = line_starts
            .get(last + 1)
            .map_or(self.text.len(), |&s| s as usize);
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

    #[test]
    fn truncated_sequence_at_end() {
        let file = SourceFile::new("x".into(), "x".into(), b"a\xE2\x82");
        assert_eq!(file.text, "a\u{FFFD}");
        assert_eq!(file.invalid_utf8, vec![(1, 0xE2)]);
    }
}
