//! `textDocument/formatting`: `funnel fmt`'s canonical layout of one
//! document, as one edit of the whole text. A document with syntax errors
//! is not formatted (as `funnel fmt` leaves such a file alone).

use funnel_ledger::{format, SourceFile};
use lsp_types::{Range, TextEdit};

use super::documents::Document;
use super::position::{self, LineIndex};

/// The edits that format `document`: none when it is canonical already,
/// `None` when it has syntax errors.
pub fn edits(document: &Document) -> Option<Vec<TextEdit>> {
    let path = document.path.clone().unwrap_or_default();
    let file = SourceFile::new(path.display().to_string(), path, document.text.as_bytes());
    let text = format::format(&file).ok()?;
    if text == document.text {
        return Some(Vec::new());
    }
    let index = LineIndex::new(&document.text);
    let whole = Range::new(position::start(), index.end());
    Some(vec![TextEdit::new(whole, text)])
}
