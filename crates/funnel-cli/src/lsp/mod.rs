//! `funnel lsp`: a Language Server Protocol server on standard input and
//! output, so that every editor shows `check`'s diagnostics as you type.
//!
//! Synchronous, like rust-analyzer's own main loop on the same
//! `lsp-server` crate: one thread takes the messages in order, and a check
//! runs once the messages waiting are handled (so a burst of keystrokes is
//! checked once). A document is checked as part of the ledger it belongs
//! to: if another open document includes it, that one is checked instead,
//! and the editor's unsaved texts win over the files on disk.
//!
//! An LSP server must survive any input: a handler that panics (a bug)
//! answers with an error and the session goes on.

// `lsp_types::Uri` keys the maps of open documents and published files:
// clippy sees a `Cell` inside it (fluent-uri caches where the parts of the
// URI are), but `Uri` orders and hashes by its text, which never changes.
#![allow(clippy::mutable_key_type)]

mod at;
mod complete;
mod diagnostics;
mod documents;
mod format;
mod navigate;
mod position;
mod uri;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use funnel_ledger::{CheckOptions, Checked, Input};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification as note, request as req, Uri};

use crate::cli::LspArgs;
use documents::Documents;

/// How the ledgers are checked: `check`'s options.
#[derive(Clone, Copy, Debug, Default)]
pub struct Settings {
    pub strict: bool,
    /// The as-of date; `None` is today, at each check.
    pub as_of: Option<NaiveDate>,
}

/// `funnel lsp`: serves one editor session on standard input and output.
pub fn run(args: &LspArgs) -> Result<u8> {
    // Standard output is the protocol's: a panic report goes to standard
    // error (editors log it), and the session goes on (see `guarded`).
    std::panic::set_hook(Box::new(|info| {
        eprintln!("funnel lsp: internal error (a bug in funnel, please report it): {info}");
    }));
    let (connection, io_threads) = Connection::stdio();
    let settings = Settings {
        strict: args.strict,
        as_of: args.as_of,
    };
    let shut_down = serve(&connection, settings)?;
    drop(connection);
    io_threads.join()?;
    // The protocol's exit codes: 1 when the client left without asking
    // for a `shutdown` first.
    Ok(if shut_down {
        crate::exit::OK
    } else {
        crate::exit::FAILED
    })
}

/// The capabilities `initialize` answers with.
fn capabilities() -> serde_json::Value {
    let capabilities = lsp_types::ServerCapabilities {
        text_document_sync: Some(lsp_types::TextDocumentSyncCapability::Options(
            lsp_types::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp_types::TextDocumentSyncKind::FULL),
                save: Some(lsp_types::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        document_formatting_provider: Some(lsp_types::OneOf::Left(true)),
        completion_provider: Some(lsp_types::CompletionOptions {
            // A channel's segments and a metadata key's colon.
            trigger_characters: Some(vec![":".to_owned()]),
            ..Default::default()
        }),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp_types::OneOf::Left(true)),
        ..Default::default()
    };
    serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": { "name": "funnel", "version": env!("CARGO_PKG_VERSION") },
    })
}

/// Runs a session on a connection until the client says `exit` or goes
/// away: the handshake, then every message in order. `Ok(true)` when the
/// client asked for a `shutdown` before it left, as it should.
pub fn serve(connection: &Connection, settings: Settings) -> Result<bool> {
    let (id, _params) = connection.initialize_start()?;
    connection.initialize_finish(id, capabilities())?;
    let mut server = Server {
        connection,
        settings,
        documents: Documents::default(),
        checks: BTreeMap::new(),
        dirty: BTreeSet::new(),
    };
    // Handled here rather than by `Connection::handle_shutdown`, which
    // fails on any message but `exit` after a `shutdown` (Neovim 0.7 sends
    // a second `shutdown` when it quits).
    let mut shut_down = false;
    while let Ok(message) = connection.receiver.recv() {
        match message {
            Message::Request(request) if shut_down => {
                let error = Response::new_err(
                    request.id,
                    ErrorCode::InvalidRequest as i32,
                    "the server is shutting down".to_owned(),
                );
                server.send(error.into());
            }
            Message::Request(request) if request.method == req::Shutdown::METHOD => {
                shut_down = true;
                server.send(Response::new_ok(request.id, ()).into());
            }
            Message::Request(request) => {
                guarded(|| server.check_dirty());
                let id = request.id.clone();
                let response = guarded(|| server.request(request)).unwrap_or_else(|| {
                    Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        "funnel lsp failed on this request (a bug)".to_owned(),
                    )
                });
                server.send(response.into());
            }
            Message::Notification(notification) => {
                if notification.method == note::Exit::METHOD {
                    return Ok(shut_down);
                }
                if !shut_down {
                    guarded(|| server.notification(notification));
                }
            }
            Message::Response(_) => {}
        }
        if connection.receiver.is_empty() && !shut_down {
            guarded(|| server.check_dirty());
        }
    }
    Ok(shut_down)
}

/// Runs `f`; a panic in it (a bug) is reported on standard error by the
/// panic hook and gives `None` instead of ending the session.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).ok()
}

struct Server<'c> {
    connection: &'c Connection,
    settings: Settings,
    documents: Documents,
    /// The last check of each document checked as the root of its ledger.
    checks: BTreeMap<Uri, Check>,
    /// Documents changed since they were last checked.
    dirty: BTreeSet<Uri>,
}

/// One check of a ledger, read from a root document.
struct Check {
    checked: Checked,
    /// The files it published diagnostics for (to clear them later).
    published: BTreeSet<Uri>,
    /// The canonical paths of the files it read: an open document among
    /// them is checked as part of this ledger.
    files: BTreeSet<PathBuf>,
}

impl Server<'_> {
    fn send(&self, message: Message) {
        // A client that went away ends the loop at the next `recv`.
        let _ = self.connection.sender.send(message);
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_owned(), params).into());
    }

    fn notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(params) =
                    parse::<lsp_types::DidOpenTextDocumentParams>(notification.params)
                {
                    let document = params.text_document;
                    self.dirty.insert(document.uri.clone());
                    self.documents
                        .open(document.uri, document.text, document.version);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(params) =
                    parse::<lsp_types::DidChangeTextDocumentParams>(notification.params)
                {
                    let document = params.text_document;
                    self.documents
                        .change(&document.uri, params.content_changes, document.version);
                    self.dirty.insert(document.uri);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(params) =
                    parse::<lsp_types::DidSaveTextDocumentParams>(notification.params)
                {
                    self.dirty.insert(params.text_document.uri);
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(params) =
                    parse::<lsp_types::DidCloseTextDocumentParams>(notification.params)
                {
                    self.close(&params.text_document.uri);
                }
            }
            _ => {}
        }
    }

    fn request(&mut self, request: Request) -> Response {
        let Request { id, method, params } = request;
        let result = match method.as_str() {
            req::Formatting::METHOD => parse::<lsp_types::DocumentFormattingParams>(params)
                .map(|p| {
                    self.documents
                        .get(&p.text_document.uri)
                        .and_then(format::edits)
                })
                .map(to_json),
            req::Completion::METHOD => parse::<lsp_types::CompletionParams>(params)
                .map(|p| self.complete(&p.text_document_position))
                .map(to_json),
            req::HoverRequest::METHOD => parse::<lsp_types::HoverParams>(params)
                .map(|p| self.hover(&p.text_document_position_params))
                .map(to_json),
            req::GotoDefinition::METHOD => parse::<lsp_types::GotoDefinitionParams>(params)
                .map(|p| self.definition(&p.text_document_position_params))
                .map(to_json),
            _ => {
                let message = format!("funnel lsp does not handle `{method}`");
                return Response::new_err(id, ErrorCode::MethodNotFound as i32, message);
            }
        };
        match result {
            Ok(result) => Response::new_ok(id, result),
            Err(err) => Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                format!("invalid parameters: {err}"),
            ),
        }
    }

    /// The last check of the ledger `uri` belongs to, and its root.
    fn check_of(&self, uri: &Uri) -> Option<(Uri, &Check)> {
        let root = self.root_of(uri);
        let check = self.checks.get(&root)?;
        Some((root, check))
    }

    fn complete(
        &self,
        at: &lsp_types::TextDocumentPositionParams,
    ) -> Option<lsp_types::CompletionResponse> {
        let document = self.documents.get(&at.text_document.uri)?;
        let empty = funnel_ledger::Ledger::default();
        let ledger = self
            .check_of(&at.text_document.uri)
            .map_or(&empty, |(_, check)| &check.checked.ledger);
        let index = position::LineIndex::new(&document.text);
        let items = complete::items(ledger, &index, at.position);
        Some(lsp_types::CompletionResponse::Array(items))
    }

    fn hover(&self, at: &lsp_types::TextDocumentPositionParams) -> Option<lsp_types::Hover> {
        let document = self.documents.get(&at.text_document.uri)?;
        let (_, check) = self.check_of(&at.text_document.uri)?;
        let index = position::LineIndex::new(&document.text);
        navigate::hover(&check.checked.ledger, self.as_of(), &index, at.position)
    }

    fn definition(
        &self,
        at: &lsp_types::TextDocumentPositionParams,
    ) -> Option<lsp_types::GotoDefinitionResponse> {
        let document = self.documents.get(&at.text_document.uri)?;
        let (root, check) = self.check_of(&at.text_document.uri)?;
        let index = position::LineIndex::new(&document.text);
        let views = self.documents.views(&check.checked, &root);
        navigate::definition(&check.checked.ledger, &views, &index, at.position)
            .map(lsp_types::GotoDefinitionResponse::Scalar)
    }

    fn as_of(&self) -> NaiveDate {
        self.settings
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// A closed document no longer wins over the disk, and the diagnostics
    /// of a ledger read from it go; the other open documents are checked
    /// again, each as part of the ledger it now belongs to.
    fn close(&mut self, uri: &Uri) {
        self.documents.close(uri);
        self.dirty.remove(uri);
        if let Some(check) = self.checks.remove(uri) {
            for file in check.published {
                self.publish(file, Vec::new());
            }
        }
        let open: Vec<Uri> = self.documents.iter().map(|(uri, _)| uri.clone()).collect();
        self.dirty.extend(open);
    }

    /// Checks the ledger of every document changed since its last check.
    fn check_dirty(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        let roots: BTreeSet<Uri> = dirty
            .iter()
            .filter(|uri| self.documents.get(uri).is_some())
            .map(|uri| self.root_of(uri))
            .collect();
        for root in roots {
            self.check(&root);
        }
    }

    /// The open document whose ledger `uri` belongs to: the outermost open
    /// document that includes it (directly, through a glob, or through
    /// other files), as the last checks read them; else itself.
    fn root_of(&self, uri: &Uri) -> Uri {
        let mut root = uri.clone();
        let mut seen = vec![root.clone()];
        loop {
            let Some(path) = self.documents.get(&root).and_then(|d| d.canonical.clone()) else {
                return root;
            };
            let includer = self.checks.iter().find(|(other, check)| {
                !seen.contains(other)
                    && self.documents.get(other).is_some()
                    && check.files.contains(&path)
            });
            match includer {
                Some((other, _)) => {
                    root = other.clone();
                    seen.push(root.clone());
                }
                None => return root,
            }
        }
    }

    /// Checks the ledger read from the open document `root` and publishes
    /// the diagnostics of each of its files (none clears a file).
    fn check(&mut self, root: &Uri) {
        let Some(document) = self.documents.get(root) else {
            return;
        };
        let input = match &document.path {
            Some(path) => Input::Path(path.clone()),
            None => Input::Text {
                name: root.as_str().to_owned(),
                bytes: document.text.clone().into_bytes(),
            },
        };
        let options = CheckOptions {
            as_of: self.as_of(),
            strict: self.settings.strict,
        };
        let checked = match funnel_ledger::load_with(&[input], &options, &self.documents.overlay())
        {
            Ok(checked) => checked,
            Err(err) => {
                self.notify::<note::LogMessage>(lsp_types::LogMessageParams {
                    typ: lsp_types::MessageType::ERROR,
                    message: format!("funnel: {err}"),
                });
                return;
            }
        };
        let files: BTreeSet<PathBuf> = checked
            .ledger
            .sources
            .files()
            .map(|(_, file)| documents::canonical(&file.path))
            .collect();
        let by_file = diagnostics::by_file(&checked, &self.documents.views(&checked, root));
        let published: BTreeSet<Uri> = by_file.keys().cloned().collect();
        for (uri, diagnostics) in by_file {
            self.publish(uri, diagnostics);
        }
        // Earlier checks this one replaces: its own, and those of the open
        // documents it reads, which are part of this ledger now.
        let mut replaced: Vec<Check> = self.checks.remove(root).into_iter().collect();
        let covered: Vec<Uri> = self
            .documents
            .iter()
            .filter(|(uri, document)| {
                *uri != root
                    && document
                        .canonical
                        .as_ref()
                        .is_some_and(|path| files.contains(path))
            })
            .map(|(uri, _)| uri.clone())
            .collect();
        replaced.extend(covered.iter().filter_map(|uri| self.checks.remove(uri)));
        let gone: BTreeSet<Uri> = replaced
            .into_iter()
            .flat_map(|check| check.published)
            .filter(|uri| !published.contains(uri))
            .collect();
        for uri in gone {
            self.publish(uri, Vec::new());
        }
        self.checks.insert(
            root.clone(),
            Check {
                checked,
                published,
                files,
            },
        );
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>) {
        let version = self.documents.get(&uri).map(|d| d.version);
        self.notify::<note::PublishDiagnostics>(lsp_types::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        });
    }
}

/// A message's parameters.
fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(value)
}

/// A result as JSON (`null` for `None`).
fn to_json<T: serde::Serialize>(value: T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
