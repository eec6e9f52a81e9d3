//! The documents the editor has open: their text (which wins over the
//! disk: it is what the user sees), and the mapping from the files of a
//! checked ledger back to the editor's URIs and texts.

use std::collections::BTreeMap;
use std::path::PathBuf;

use funnel_ledger::{Checked, FileId, Overlay};
use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::position::LineIndex;
use super::uri;

/// An open document.
pub struct Document {
    /// The text as the editor has it (a byte-order mark included, if the
    /// editor keeps one).
    pub text: String,
    pub version: i32,
    /// Its path, for a `file:` URI: `include`s resolve against it.
    pub path: Option<PathBuf>,
    /// The path with links and `..` resolved, to recognise the document
    /// among the files of a ledger.
    pub canonical: Option<PathBuf>,
}

/// Every open document, by URI.
#[derive(Default)]
pub struct Documents {
    open: BTreeMap<Uri, Document>,
}

impl Documents {
    pub fn open(&mut self, uri: Uri, text: String, version: i32) {
        let path = uri::to_path(&uri);
        let canonical = path.as_deref().map(canonical);
        self.open.insert(
            uri,
            Document {
                text,
                version,
                path,
                canonical,
            },
        );
    }

    /// Applies the editor's changes: whole texts (the sync kind the server
    /// asks for), or ranges, which some clients send anyway.
    pub fn change(
        &mut self,
        uri: &Uri,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
    ) {
        let Some(document) = self.open.get_mut(uri) else {
            return;
        };
        for change in changes {
            match change.range {
                None => document.text = change.text,
                Some(range) => {
                    let index = LineIndex::new(&document.text);
                    let start = index.offset(range.start);
                    let end = index.offset(range.end).max(start);
                    document.text.replace_range(start..end, &change.text);
                }
            }
        }
        document.version = version;
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.open.remove(uri)
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Uri, &Document)> {
        self.open.iter()
    }

    /// The open document that is the file at `canonical`, if any.
    pub fn find(&self, canonical: &std::path::Path) -> Option<(&Uri, &Document)> {
        self.open
            .iter()
            .find(|(_, d)| d.canonical.as_deref() == Some(canonical))
    }

    /// The texts of the open documents, for reading a ledger.
    pub fn overlay(&self) -> Overlay {
        let mut overlay = Overlay::default();
        for document in self.open.values() {
            if let Some(path) = &document.path {
                overlay.insert(path, document.text.clone().into_bytes());
            }
        }
        overlay
    }

    /// For each file of a checked ledger (by [`FileId`]), the URI the
    /// editor knows it by and the text the editor shows: the open
    /// document's when it is open, else the file's as read. `root` is the
    /// document the ledger was read from. `None` for a file whose path
    /// makes no URI.
    pub fn views<'a>(&'a self, checked: &'a Checked, root: &Uri) -> Vec<Option<View<'a>>> {
        checked
            .ledger
            .sources
            .files()
            .map(|(id, file)| {
                if id == FileId(0) {
                    if let Some(document) = self.get(root) {
                        return Some(View::new(root.clone(), &document.text));
                    }
                }
                let canonical = canonical(&file.path);
                match self.find(&canonical) {
                    Some((uri, document)) => Some(View::new(uri.clone(), &document.text)),
                    None => Some(View::new(uri::from_path(&file.path)?, &file.text)),
                }
            })
            .collect()
    }
}

/// One file of a ledger as the editor sees it.
pub struct View<'a> {
    pub uri: Uri,
    pub index: LineIndex<'a>,
}

impl<'a> View<'a> {
    fn new(uri: Uri, text: &'a str) -> View<'a> {
        View {
            uri,
            index: LineIndex::new(text),
        }
    }
}

pub fn canonical(path: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
