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
            .rfind(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
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

const LEDGER: &str = "\
channel platform \"Freelance platforms\"
  fee: 10%
contact anna \"Anna Schmidt\"
  org: \"Acme GmbH\"
client acme-gmbh \"Acme GmbH\"

2026-01-02 lead   acme \"Müller — Café ☕\" via platform:upwork from anna
  client: acme-gmbh
2026-01-03 proposed acme 12000 EUR
2026-01-04 won acme 10000 EUR until 2026-03-01
2026-01-05 extended acme 2000 EUR until 2026-04-01
2026-01-05 lead   hooli via referral
";

/// `line:character` of the first `needle` in `text` (ASCII before it on
/// its line), plus `offset` characters.
fn at(text: &str, needle: &str, offset: u32) -> Value {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let line = text[..start].matches('\n').count();
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let character = text[line_start..start].encode_utf16().count() as u32 + offset;
    json!({ "line": line, "character": character })
}

fn position(uri: &str, position: Value) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": position })
}

#[test]
fn formatting_is_one_edit_of_the_whole_document() {
    let mut client = Client::start();
    let uri = "file:///nowhere/fmt.funnel";
    client.open(uri, LEDGER);
    let options = json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } });
    let edits = client.request("textDocument/formatting", options.clone());
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(
        edits[0]["range"],
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 12, "character": 0 } })
    );
    let formatted = edits[0]["newText"].as_str().unwrap();
    assert!(
        formatted.contains(
            "2026-01-02 lead     acme  \"Müller — Café ☕\" via platform:upwork from anna\n"
        ),
        "{formatted}"
    );
    assert!(
        formatted.contains("2026-01-03 proposed acme  12,000 EUR\n"),
        "{formatted}"
    );

    // Formatted already: no edit.
    client.change(uri, 2, formatted);
    assert_eq!(
        client.request("textDocument/formatting", options.clone()),
        json!([])
    );
    // A syntax error: not formatted.
    client.change(uri, 3, "2026-01-02 lead\n");
    assert_eq!(
        client.request("textDocument/formatting", options),
        Value::Null
    );
    client.stop();
}

/// The labels offered at `|` in a line appended to the ledger.
fn completions(client: &mut Client, uri: &str, version: i32, line: &str) -> Vec<String> {
    let column = line.find('|').unwrap();
    let text = format!("{LEDGER}{}", line.replace('|', ""));
    client.change(uri, version, &text);
    let position = json!({ "line": 12, "character": line[..column].encode_utf16().count() });
    let answer = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": position }),
    );
    let mut labels: Vec<String> = answer
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .map(|item| item["label"].as_str().unwrap().to_owned())
        .collect();
    labels.sort();
    labels
}

#[test]
fn completion_offers_the_names_the_grammar_expects() {
    let mut client = Client::start();
    let uri = "file:///nowhere/complete.funnel";
    client.open(uri, LEDGER);
    let mut version = 1;
    let mut offered = |line: &str| {
        version += 1;
        completions(&mut client, uri, version, line)
    };
    assert_eq!(offered("2026-01-06 talked |"), ["acme", "hooli"]);
    assert_eq!(offered("2026-01-06 spent 1h on ho|"), ["acme", "hooli"]);
    assert_eq!(
        offered("2026-01-06 lead new |"),
        Vec::<String>::new(),
        "after the new id: its title"
    );
    assert_eq!(
        offered("2026-01-06 lead |"),
        Vec::<String>::new(),
        "a new id"
    );
    assert_eq!(
        offered("2026-01-06 lead x \"Café ☕\" via |"),
        ["platform", "platform:upwork", "referral"]
    );
    assert_eq!(offered("2026-01-06 lead x via referral from |"), ["anna"]);
    assert_eq!(offered("2026-01-06 touch a|"), ["anna"]);
    let verbs = offered("2026-01-06 |");
    for verb in [
        "lead",
        "won",
        "extended",
        "spent",
        "contacted",
        "talked",
        "proposed",
    ] {
        assert!(verbs.contains(&verb.to_owned()), "{verb} in {verbs:?}");
    }
    assert_eq!(offered("cli|")[..3], ["channel", "client", "contact"]);
    let keys = offered("  |");
    assert_eq!(keys.len(), 10);
    assert!(keys.contains(&"days-per-week".to_owned()));
    assert_eq!(
        offered("option |"),
        ["currency", "stale-after", "strict", "tax-reserve"]
    );
    assert_eq!(offered("2026-01-06 won acme ; |"), Vec::<String>::new());

    // The edit replaces what was typed of the word, `:` segments included.
    client.change(
        uri,
        99,
        &format!("{LEDGER}2026-01-06 spent 1h via platform:up"),
    );
    let answer = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 12, "character": 35 } }),
    );
    let item = answer
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "platform:upwork")
        .unwrap()
        .clone();
    assert_eq!(
        item["textEdit"]["range"]["start"],
        json!({ "line": 12, "character": 24 })
    );
    assert_eq!(item["textEdit"]["newText"], "platform:upwork");
    client.stop();
}

#[test]
fn hover_shows_where_a_deal_stands() {
    let mut client = Client::start();
    let uri = "file:///nowhere/hover.funnel";
    client.open(uri, LEDGER);
    let hover = client.request(
        "textDocument/hover",
        position(uri, at(LEDGER, "acme 12000", 1)),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert_eq!(
        text,
        "**deal** `acme` — Müller — Café ☕\n\n\
         - status: won on 2026-01-04\n\
         - channel: `platform:upwork`, from `anna`\n\
         - lead: 2026-01-02; furthest stage: `won`\n\
         - value: 12000 EUR"
    );
    assert_eq!(hover["range"]["start"], at(LEDGER, "acme 12000", 0));

    let hover = client.request("textDocument/hover", position(uri, at(LEDGER, "hooli", 2)));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("- status: open\n"),
        "{hover}"
    );
    let hover = client.request(
        "textDocument/hover",
        position(uri, at(LEDGER, "platform:upwork", 10)),
    );
    assert_eq!(
        hover["contents"]["value"],
        "**channel** `platform:upwork`\n\nfee: 10%\n\n1 deal via this channel"
    );
    let hover = client.request("textDocument/hover", position(uri, at(LEDGER, "anna\n", 1)));
    assert_eq!(
        hover["contents"]["value"],
        "**contact** `anna` — Anna Schmidt\n\norg: Acme GmbH"
    );
    // Nothing to say on a date, a string, or past the end.
    for place in [
        at(LEDGER, "2026-01-03", 3),
        at(LEDGER, "Café", 0),
        json!({ "line": 99, "character": 99 }),
    ] {
        assert_eq!(
            client.request("textDocument/hover", position(uri, place)),
            Value::Null
        );
    }
    client.stop();
}

#[test]
fn definition_leads_to_the_lead_and_to_declarations() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pipeline.funnel");
    let other = dir.path().join("2026.funnel");
    std::fs::write(&root, LEDGER).unwrap();
    // An included file, not open: the definition is in the root.
    std::fs::write(
        &other,
        "2026-02-01 talked acme\n2026-02-01 lead b via platform:fiverr\n",
    )
    .unwrap();
    let (root_uri, other_uri) = (file_uri(&root), file_uri(&other));
    let mut client = Client::start();
    let text = format!("include \"2026.funnel\"\n{LEDGER}");
    client.open(&root_uri, &text);
    client.open(
        &other_uri,
        "2026-02-01 talked acme\n2026-02-01 lead b via platform:fiverr\n",
    );
    let definition = client.request(
        "textDocument/definition",
        position(&other_uri, json!({ "line": 0, "character": 19 })),
    );
    assert_eq!(definition["uri"], root_uri.as_str());
    let lead = at(&text, "acme \"Müller", 0);
    assert_eq!(definition["range"]["start"], lead);
    assert_eq!(
        definition["range"]["end"]["character"],
        lead["character"].as_u64().unwrap() + 4
    );
    // An undeclared channel leads to its nearest declared parent.
    let definition = client.request(
        "textDocument/definition",
        position(&other_uri, json!({ "line": 1, "character": 25 })),
    );
    assert_eq!(
        definition["range"]["start"],
        at(&text, "platform \"Freelance", 0)
    );
    // A contact and a client.
    let definition = client.request(
        "textDocument/definition",
        position(&root_uri, at(&text, "anna\n", 0)),
    );
    assert_eq!(definition["range"]["start"], at(&text, "anna \"Anna", 0));
    let definition = client.request(
        "textDocument/definition",
        position(&root_uri, at(&text, "acme-gmbh\n", 2)),
    );
    assert_eq!(
        definition["range"]["start"],
        at(&text, "acme-gmbh \"Acme", 0)
    );
    // An unknown name: nothing.
    client.change(&other_uri, 2, "2026-02-01 talked acne\n");
    let definition = client.request(
        "textDocument/definition",
        position(&other_uri, json!({ "line": 0, "character": 19 })),
    );
    assert_eq!(definition, Value::Null);
    client.stop();
}
