//! The server driven in-process through `Connection::memory()`, as an
//! editor drives it: the handshake, documents opened and changed, requests.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

use super::{serve, Settings};

/// A client talking to a server on another thread.
struct Client {
    connection: Connection,
    server: Option<std::thread::JoinHandle<()>>,
    next_id: i32,
    /// Notifications that arrived while waiting for a response.
    pending: Vec<Notification>,
}

impl Client {
    fn start() -> Client {
        let (server, connection) = Connection::memory();
        let settings = Settings {
            strict: false,
            // Early enough that no deal of these tests is stale.
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 1, 10),
        };
        let thread = std::thread::spawn(move || {
            assert!(serve(&server, settings).expect("the session ends well"))
        });
        let mut client = Client {
            connection,
            server: Some(thread),
            next_id: 0,
            pending: Vec::new(),
        };
        let answer = client.request("initialize", json!({ "capabilities": {} }));
        assert_eq!(answer["serverInfo"]["name"], "funnel");
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        let message = Notification::new(method.to_owned(), params);
        self.connection.sender.send(message.into()).unwrap();
    }

    /// Sends a request and waits for its answer: the result, or the error
    /// as `{"error": …}`.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let message = Request::new(id.clone(), method.to_owned(), params);
        self.connection.sender.send(message.into()).unwrap();
        loop {
            match self.receive() {
                Message::Response(response) if response.id == id => {
                    return match response.response_result {
                        Ok(result) => result,
                        Err(error) => json!({ "error": error.message, "code": error.code }),
                    };
                }
                Message::Notification(notification) => self.pending.push(notification),
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    fn receive(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(Duration::from_secs(20))
            .expect("the server answers within 20 s")
    }

    /// The next diagnostics published for `uri`, whatever was published
    /// for other files in between (kept for later).
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let is_for = |n: &Notification| {
            n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri
        };
        let notification = match self.pending.iter().position(is_for) {
            Some(i) => self.pending.remove(i),
            None => loop {
                match self.receive() {
                    Message::Notification(n) if is_for(&n) => break n,
                    Message::Notification(n) => self.pending.push(n),
                    other => panic!("unexpected message {other:?}"),
                }
            },
        };
        notification.params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The diagnostics of `uri` once every message sent so far is
    /// handled: a request is answered only after the checks it waited for
    /// (so an unknown one serves as a barrier), and the last of the
    /// diagnostics published before its answer counts.
    fn settled_diagnostics(&mut self, uri: &str) -> Vec<Value> {
        self.request("$/barrier", Value::Null);
        let published = std::mem::take(&mut self.pending)
            .into_iter()
            .filter(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
            .last()
            .expect("diagnostics were published");
        published.params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "funnel", "version": 1, "text": text } }),
        );
    }

    fn change(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// `shutdown` then `exit`; the server's thread ends. A second
    /// `shutdown` (Neovim 0.7 sends one) is refused, not fatal.
    fn stop(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        assert_eq!(self.request("shutdown", Value::Null)["code"], -32600);
        self.notify("exit", Value::Null);
        self.server
            .take()
            .unwrap()
            .join()
            .expect("the server thread ends without a panic");
    }
}

fn file_uri(path: &Path) -> String {
    super::uri::from_path(path).unwrap().as_str().to_owned()
}

/// Codes and ranges (`line:start-line:end` in UTF-16 columns) of diagnostics.
fn summary(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let r = &d["range"];
            format!(
                "{} {}:{}-{}:{}",
                d["code"].as_str().unwrap_or("?"),
                r["start"]["line"],
                r["start"]["character"],
                r["end"]["line"],
                r["end"]["character"]
            )
        })
        .collect()
}

#[test]
fn diagnostics_as_you_type_in_utf16_columns() {
    let mut client = Client::start();
    let uri = "file:///nowhere/pipeline.funnel";
    let text =
        "2026-01-02 lead acme \"Müller — Café ☕ 😀\" via referral\n2026-01-03 talked acne ; ☕\n";
    client.open(uri, text);
    let diagnostics = client.diagnostics(uri);
    assert_eq!(summary(&diagnostics), ["unknown-deal 1:18-1:22"]);
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["source"], "funnel");
    assert_eq!(diagnostic["severity"], 1);
    assert_eq!(
        diagnostic["message"],
        "unknown deal `acne`: no `lead` opens it\nhelp: did you mean `acme`?"
    );

    // The same mistake after the non-ASCII title, on its line.
    client.change(
        uri,
        2,
        "2026-01-02 lead acme \"Müller — Café ☕ 😀\" via referral\n2026-01-02 lead acme \"Müller — Café ☕ 😀\" via referral\n",
    );
    let diagnostics = client.diagnostics(uri);
    let line = "2026-01-02 lead acme \"Müller — Café ☕ 😀\" via referral";
    assert_eq!(line.find("acme"), Some(16));
    assert_eq!(summary(&diagnostics), ["duplicate-deal 1:16-1:20"]);
    // The related label points at the first `lead`.
    let related = &diagnostics[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri);
    assert_eq!(
        related["location"]["range"]["start"],
        json!({ "line": 0, "character": 16 })
    );
    assert_eq!(related["message"], "first opened here");

    // Fixed: the file's diagnostics are cleared.
    client.change(
        uri,
        3,
        "2026-01-02 lead acme \"Müller — Café ☕ 😀\" via referral\n",
    );
    assert_eq!(client.diagnostics(uri), Vec::<Value>::new());
    client.stop();
}

#[test]
fn a_kept_byte_order_mark_and_crlf_lines() {
    let mut client = Client::start();
    let uri = "file:///nowhere/bom.funnel";
    client.open(
        uri,
        "\u{feff}2026-01-02 talked acne\r\n2026-01-03 talked acne\r\n",
    );
    assert_eq!(
        summary(&client.diagnostics(uri)),
        ["unknown-deal 0:19-0:23", "unknown-deal 1:18-1:22"]
    );
    client.stop();
}

/// An included file is checked as part of the open file that includes it,
/// with the editor's unsaved texts, and each file gets its own diagnostics.
#[test]
fn an_included_buffer_is_checked_with_its_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pipeline.funnel");
    let deals = dir.path().join("deals.funnel");
    // On disk the root includes nothing: the unsaved buffer does.
    std::fs::write(&root, "").unwrap();
    std::fs::write(&deals, "2026-01-01 lead acme via referral\n").unwrap();
    let (root_uri, deals_uri) = (file_uri(&root), file_uri(&deals));
    let mut client = Client::start();
    client.open(&root_uri, "include \"*s.funnel\"\n2026-01-02 talked acme\n");
    assert_eq!(client.diagnostics(&root_uri), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&deals_uri), Vec::<Value>::new());

    // The included file, opened and changed without saving: the root's
    // `talked acme` now names a deal that its unsaved text does not open.
    client.open(&deals_uri, "2026-01-01 lead acme via referral\n");
    assert_eq!(client.diagnostics(&root_uri), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&deals_uri), Vec::<Value>::new());
    client.change(
        &deals_uri,
        2,
        "2026-01-01 lead acme via referral\n2026-01-01 lead acme via referral\n",
    );
    assert_eq!(client.diagnostics(&root_uri), Vec::<Value>::new());
    let diagnostics = client.diagnostics(&deals_uri);
    assert_eq!(summary(&diagnostics), ["duplicate-deal 1:16-1:20"]);
    client.change(&deals_uri, 3, "2026-01-01 lead acne via referral\n");
    assert_eq!(
        summary(&client.diagnostics(&root_uri)),
        ["unknown-deal 1:18-1:22"]
    );
    assert_eq!(client.diagnostics(&deals_uri), Vec::<Value>::new());

    // The root closed: the included file stands alone, and the root's
    // diagnostics go.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": root_uri } }),
    );
    assert_eq!(client.diagnostics(&root_uri), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&deals_uri), Vec::<Value>::new());
    client.stop();
}

#[test]
fn strict_and_as_of_are_those_of_check() {
    let (server, connection) = Connection::memory();
    let settings = Settings {
        strict: true,
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
    };
    let thread = std::thread::spawn(move || assert!(serve(&server, settings).unwrap()));
    let mut client = Client {
        connection,
        server: Some(thread),
        next_id: 0,
        pending: Vec::new(),
    };
    client.request("initialize", json!({ "capabilities": {} }));
    client.notify("initialized", json!({}));
    // An editor's unsaved buffer, and spans after non-ASCII text: UTF-16
    // columns, not bytes nor characters.
    let uri = "untitled:Untitled-1";
    let line = "2026-01-02 lead acme \"Müller — Café ☕ 😀\" via referral from anna";
    client.open(uri, &format!("{line}\n"));
    let column = |word: &str| line[..line.find(word).unwrap()].encode_utf16().count();
    assert_eq!(
        (column("referral"), line.find("referral").unwrap()),
        (46, 54)
    );
    let end = line.encode_utf16().count();
    assert_eq!(
        summary(&client.diagnostics(uri)),
        [
            "stale-deal 0:0-0:64".to_owned(),
            format!(
                "unknown-channel 0:{}-0:{}",
                column("referral"),
                column(" from")
            ),
            format!("unknown-contact 0:{}-0:{end}", column("anna")),
        ]
    );
    client.stop();
}

/// Nonsense in documents and in messages: answers and diagnostics, never
/// the end of the session.
#[test]
fn garbage_never_ends_the_session() {
    let mut client = Client::start();
    let uri = "file:///nowhere/garbage.funnel";
    let mut text = String::new();
    for i in 0..200u32 {
        let c = char::from_u32(i * 331 % 0x2FFF).unwrap_or('\u{fffd}');
        text.push(c);
        if i % 7 == 0 {
            text.push_str("\r\n  \"\\");
        }
    }
    client.open(uri, &text);
    assert!(!client.diagnostics(uri).is_empty());
    // Malformed parameters, unknown methods, positions far outside.
    client.notify("textDocument/didOpen", json!({ "nonsense": true }));
    client.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "range": { "start": { "line": 99, "character": 99 }, "end": { "line": 0, "character": 0 } }, "text": "é" }] }));
    client.notify("$/unknown", json!(null));
    let answer = client.request("$/unknown", json!({}));
    assert_eq!(answer["code"], -32601);
    client.change(uri, 3, "2026-01-02 talked acne\n");
    assert_eq!(
        summary(&client.settled_diagnostics(uri)),
        ["unknown-deal 0:18-0:22"]
    );
    client.stop();
}

#[test]
fn uri_of_a_relative_file_is_absolute() {
    let uri = super::uri::from_path(Path::new("x.funnel")).unwrap();
    assert!(uri.as_str().starts_with("file:///"));
    assert!(lsp_types::Uri::from_str(uri.as_str()).is_ok());
}
