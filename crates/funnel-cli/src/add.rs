//! `funnel add`: appends one entry to the ledger from the command line.
//!
//! The entry is checked together with the whole ledger before anything is
//! written; an entry that would bring a new error is refused and the file
//! is left alone. The write is atomic and changes nothing but the end of
//! the file: the bytes before it stay as they are, line endings included.
//! The file's lock (`lock.rs`) is held from reading the file to the rename,
//! so concurrent `add`s each keep their entry.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use funnel_ledger::{CheckOptions, Checked, Diagnostic, FileId, Input};

use crate::cli::AddArgs;
use crate::diagnostics;
use crate::exit;
use crate::ledger_args::DEFAULT_FILE;

pub fn run(args: &AddArgs) -> Result<u8> {
    let ledger = args.ledger();
    let roots = ledger.paths();
    if roots.iter().any(|p| p.as_os_str() == "-") {
        bail!(
            "`funnel add` writes to a file, not to standard input: name the ledger with `-f FILE`"
        );
    }
    let (date, words) = split_date(&args.words, args.date)?;
    refuse_directive(words)?;
    let (words, mut meta) = split_metadata(words)?;
    meta.extend(
        args.meta
            .iter()
            .map(|pair| parse_meta_flag(pair))
            .collect::<Result<Vec<_>>>()?,
    );
    let line = entry_line(date, words)?;
    let line = with_metadata(&line, &meta)?;

    let target = args.to.clone().unwrap_or_else(|| roots[0].clone());
    let cannot_read = |err: std::io::Error| {
        let hint = if err.kind() == std::io::ErrorKind::NotFound
            && args.to.is_none()
            && target.as_os_str() == DEFAULT_FILE
        {
            "\n  hint: run `funnel init` to start a ledger here, or name one with `-f FILE` or $FUNNEL_FILE"
        } else {
            ""
        };
        anyhow::anyhow!("cannot read `{}`: {err}{hint}", target.display())
    };
    // A file that cannot be opened gets no lock file beside it.
    std::fs::File::open(&target).map_err(cannot_read)?;
    // Held until the new text is renamed over the file: the file is read
    // (and the ledger checked) only once no other writer is at work, so
    // concurrent `add`s each append to what the one before wrote, and an
    // editor's save before this point is what the entry is appended to.
    let write_path = crate::fmt::resolve_links(&target);
    let _lock = crate::lock::lock(&write_path)
        .with_context(|| format!("cannot write `{}`", target.display()))?;
    let bytes = std::fs::read(&target).map_err(cannot_read)?;

    let inputs: Vec<Input> = roots.iter().cloned().map(Input::Path).collect();
    let options = CheckOptions {
        as_of: ledger.as_of(),
        strict: false,
    };
    let before = funnel_ledger::load(&inputs, &options)?;
    let target_name = match find_source(&before, &target) {
        Some(name) => name,
        None => bail!(
            "`{}` is not a file of the ledger: `--to` names the top-level file or one it includes",
            target.display()
        ),
    };

    // The entry is checked in a stand-in file read after the whole ledger.
    // The meaning of a ledger does not depend on where an entry stands, so
    // this is the ledger after the append; the stand-in carries the target's
    // name and blank lines up to the new line's number, so diagnostics point
    // where the entry will be. The existing files keep their ids and spans,
    // which makes "new" diagnostics easy to tell from old ones.
    let line_number = new_line_number(&bytes);
    let mut stand_in = "\n".repeat(line_number - 1).into_bytes();
    stand_in.extend_from_slice(line.as_bytes());
    stand_in.push(b'\n');
    let mut with_entry = inputs.clone();
    with_entry.push(Input::Text {
        name: target_name.clone(),
        bytes: stand_in,
    });
    let after = funnel_ledger::load(&with_entry, &options)?;

    let new = new_diagnostics(&before, &after);
    let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        new.into_iter().partition(|d| d.is_error());
    if !errors.is_empty() {
        print(&after, &errors)?;
        eprintln!(
            "nothing was written: the entry would bring {} new error{} to the ledger\n  {line}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
        return Ok(exit::FAILED);
    }
    print(&after, &warnings)?;

    crate::fmt::write_atomically(&write_path, &appended(&bytes, &line))
        .with_context(|| format!("cannot write `{}`", target.display()))?;
    writeln!(std::io::stdout(), "{target_name}:{line_number}: {line}")?;
    Ok(exit::OK)
}

/// A leading `YYYY-MM-DD` word is the entry's date, as in the file; else
/// `--date`, else today.
fn split_date(words: &[String], flag: Option<NaiveDate>) -> Result<(NaiveDate, &[String])> {
    let first = words.first().and_then(|w| {
        NaiveDate::parse_from_str(w, "%Y-%m-%d")
            .ok()
            .filter(|_| w.len() == 10)
    });
    match (first, flag) {
        (Some(_), Some(_)) => {
            bail!("the entry starts with a date and `--date` gives another: give one of them")
        }
        (Some(date), None) => Ok((date, &words[1..])),
        (None, Some(date)) => Ok((date, words)),
        (None, None) => Ok((chrono::Local::now().date_naive(), words)),
    }
}

/// The entry's line: the date, then each word as a token of the language.
///
/// The shell has already removed the user's quotes, so a word is quoted
/// again when it cannot be one bare token: it holds white space or a `"`,
/// starts a comment (`;`) or is empty. A single word is also quoted where
/// the parser expects a string there (a title, reason or note, like
/// `funnel add lost acme budget`), unless it is close to a keyword the
/// parser also expected there: `ended acme cancelld` is a typo of
/// `cancelled` to report, not a note.
pub fn entry_line(date: NaiveDate, words: &[String]) -> Result<String> {
    if words.is_empty() {
        bail!("expected an entry after the date, like `funnel add talked acme`");
    }
    if let Some(word) = words.iter().find(|w| w.contains(['\r', '\0'])) {
        bail!("the word {word:?} holds a carriage return or a NUL, which no entry can");
    }
    let mut quoted: Vec<bool> = words.iter().map(|w| needs_quotes(w)).collect();
    // Each round quotes at most one more word; the parser says which.
    for _ in 0..words.len() {
        let line = render(date, words, &quoted);
        let Some(index) = word_needing_string(&line, date, words, &quoted) else {
            return Ok(line);
        };
        quoted[index] = true;
    }
    Ok(render(date, words, &quoted))
}

fn needs_quotes(word: &str) -> bool {
    word.is_empty()
        || word.starts_with(';')
        || word.contains(|c: char| c.is_whitespace() || c == '"')
}

fn render(date: NaiveDate, words: &[String], quoted: &[bool]) -> String {
    let mut line = date.format("%Y-%m-%d").to_string();
    for (word, &quote) in words.iter().zip(quoted) {
        line.push(' ');
        if quote {
            line.push_str(&funnel_ledger::format::quote(word));
        } else {
            line.push_str(word);
        }
    }
    line
}

/// The bare word at which parsing `line` fails with "expected … string",
/// if quoting it is safe. The verb (the first word) is never quoted.
fn word_needing_string(
    line: &str,
    date: NaiveDate,
    words: &[String],
    quoted: &[bool],
) -> Option<usize> {
    let parsed = funnel_ledger::parse::parse(FileId(0), line, &[]);
    let error = parsed
        .diagnostics
        .iter()
        .chain(parsed.unresolved.iter().map(|(_, d)| d))
        .find(|d| d.is_error())?;
    let message = error.message();
    if !message.contains("string") {
        return None;
    }
    // Where each word starts in the line.
    let mut start = date.format("%Y-%m-%d").to_string().len() + 1;
    for (index, word) in words.iter().enumerate() {
        if start == error.span.start as usize {
            let keywords = expected_keywords(&message);
            let keyword_typo = keywords.contains(&word.as_str())
                || funnel_ledger::suggest::closest(word, keywords.iter().copied()).is_some();
            let safe = index > 0 && !quoted[index] && !word.starts_with('#') && !keyword_typo;
            return safe.then_some(index);
        }
        start += if quoted[index] {
            funnel_ledger::format::quote(word).len()
        } else {
            word.len()
        } + 1;
    }
    None
}

/// The keywords a syntax error says were expected: the first word of
/// each backticked part before `found`, like `cancelled` and `via` in
/// "expected `cancelled`, a note string or `via CHANNEL`, found `x`".
fn expected_keywords(message: &str) -> Vec<&str> {
    let expected = message.split(", found").next().unwrap_or(message);
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|quoted| quoted.split_whitespace().next())
        .collect()
}

/// Declarations are undated and belong at the top of a file, among the
/// others; `add` writes dated entries at its end, so it refuses them.
fn refuse_directive(words: &[String]) -> Result<()> {
    let Some(first) = words.first() else {
        return Ok(());
    };
    if let Some(keyword) = funnel_ledger::verb::Keyword::parse(first) {
        bail!(
            "`{}` is a declaration, not a dated entry: declarations are written by hand, without a date, \
             at the top of the ledger file (`funnel add` only appends dated entries at its end)",
            keyword.as_str()
        );
    }
    Ok(())
}

/// One metadata line to write under the entry: a key and its value as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MetaPair {
    key: String,
    value: String,
}

/// Splits `KEY: VALUE…` words off the end of an entry's words: from the
/// first word that is a key followed by a colon (`rating:`), each key takes
/// the words up to the next key as its value. `funnel add ended acme
/// rating: 4 lesson: "ask for notice"` writes two metadata lines.
fn split_metadata(words: &[String]) -> Result<(&[String], Vec<MetaPair>)> {
    let is_key = |w: &str| {
        w.strip_suffix(':')
            .is_some_and(|k| !k.is_empty() && funnel_ledger::value::is_ident(k))
    };
    // The verb is never a key.
    let Some(first) = words.iter().skip(1).position(|w| is_key(w)).map(|i| i + 1) else {
        return Ok((words, Vec::new()));
    };
    let mut pairs: Vec<MetaPair> = Vec::new();
    for word in &words[first..] {
        if is_key(word) {
            pairs.push(MetaPair {
                key: word.trim_end_matches(':').to_owned(),
                value: String::new(),
            });
        } else if let Some(pair) = pairs.last_mut() {
            if !pair.value.is_empty() {
                pair.value.push(' ');
            }
            pair.value.push_str(word);
        }
    }
    if let Some(empty) = pairs.iter().find(|p| p.value.is_empty()) {
        bail!(
            "metadata `{}:` has no value: write `{}: VALUE`",
            empty.key,
            empty.key
        );
    }
    Ok((&words[..first], pairs))
}

/// `--meta KEY=VALUE`.
fn parse_meta_flag(pair: &str) -> Result<MetaPair> {
    match pair.split_once('=') {
        Some((key, value)) if funnel_ledger::value::is_ident(key) && !value.trim().is_empty() => {
            Ok(MetaPair {
                key: key.to_owned(),
                value: value.trim().to_owned(),
            })
        }
        _ => bail!("`--meta {pair}`: expected KEY=VALUE, like `--meta rating=4` or `--meta lesson=\"ask for a notice period\"`"),
    }
}

/// The entry's line with its metadata lines under it (two spaces of
/// indentation, as `funnel fmt` writes them). A value is written as typed
/// when it reads as a typed value (a number, date, amount, duration, name,
/// or a quoted string); otherwise it is quoted, so free text stays one
/// string and a `;` in it is not a comment.
fn with_metadata(line: &str, meta: &[MetaPair]) -> Result<String> {
    let mut text = line.to_owned();
    for pair in meta {
        if pair.value.contains(['\n', '\r', '\0']) {
            bail!(
                "the value of `{}` holds a line break or a NUL, which no metadata line can",
                pair.key
            );
        }
        let bare = format!("{line}\n  {}: {}\n", pair.key, pair.value);
        let parsed = funnel_ledger::parse::parse(FileId(0), &bare, &[]);
        let typed = parsed.diagnostics.is_empty()
            && parsed.entries.first().is_some_and(|entry| {
                funnel_ledger::meta::read_metadata(FileId(0), &bare, entry.meta)
                    .first()
                    .is_some_and(|m| {
                        !matches!(m.value.value, funnel_ledger::model::MetaValue::Text(_))
                    })
            });
        let value = if typed {
            pair.value.clone()
        } else {
            funnel_ledger::format::quote(pair.value.trim_matches('"'))
        };
        text.push_str(&format!("\n  {}: {value}", pair.key));
    }
    Ok(text)
}

/// The name under which the ledger read `target`, if it is one of its files.
fn find_source(checked: &Checked, target: &Path) -> Option<String> {
    let wanted = std::fs::canonicalize(target).ok()?;
    checked
        .ledger
        .sources
        .files()
        .find(|(_, file)| std::fs::canonicalize(&file.path).is_ok_and(|p| p == wanted))
        .map(|(_, file)| file.name.clone())
}

/// The 1-based number of the line the entry will be written on.
fn new_line_number(bytes: &[u8]) -> usize {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let newlines = body.iter().filter(|&&b| b == b'\n').count();
    let unterminated = !body.is_empty() && !body.ends_with(b"\n");
    newlines + usize::from(unterminated) + 1
}

/// The file's bytes with the line appended: in the file's line-ending style
/// (that of its first line ending), after a line ending if the last line
/// had none.
pub fn appended(bytes: &[u8], line: &str) -> Vec<u8> {
    let crlf = bytes
        .iter()
        .position(|&b| b == b'\n')
        .is_some_and(|i| i > 0 && bytes[i - 1] == b'\r');
    let newline: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut out = Vec::with_capacity(bytes.len() + line.len() + 4);
    out.extend_from_slice(bytes);
    if !body.is_empty() && !body.ends_with(b"\n") {
        out.extend_from_slice(newline);
    }
    // An entry with metadata is several lines: each ends in the file's style.
    for (i, part) in line.split('\n').enumerate() {
        if i > 0 {
            out.extend_from_slice(newline);
        }
        out.extend_from_slice(part.as_bytes());
    }
    out.extend_from_slice(newline);
    out
}

/// Diagnostics of `after` that `before` does not have. Files read before
/// the stand-in keep their ids and spans, so code and span identify one.
/// A `stale-deal` warning is the deal's, wherever its latest entry is: a
/// backfilled entry on a deal that was already stale does not make it new.
fn new_diagnostics<'a>(before: &Checked, after: &'a Checked) -> Vec<&'a Diagnostic> {
    let key = |d: &Diagnostic| (d.code, d.span.file, d.span.start, d.span.end);
    let old: HashSet<_> = before.diagnostics.iter().map(key).collect();
    let stale_deal = |d: &Diagnostic| {
        (d.code == funnel_ledger::Code::StaleDeal)
            .then(|| d.message().split('`').nth(1).map(str::to_owned))
            .flatten()
    };
    let old_stale: HashSet<String> = before.diagnostics.iter().filter_map(stale_deal).collect();
    after
        .diagnostics
        .iter()
        .filter(|d| !old.contains(&key(d)))
        .filter(|d| stale_deal(d).is_none_or(|deal| !old_stale.contains(&deal)))
        .collect()
}

/// Renders some of a check's diagnostics to standard error, for people.
fn print(checked: &Checked, selected: &[&Diagnostic]) -> Result<()> {
    let handler = diagnostics::human_handler(crate::terminal::colour_stderr());
    let mut err = std::io::stderr().lock();
    for diagnostic in selected {
        let mut text = String::new();
        handler.render_report(&mut text, &diagnostic.with_sources(&checked.ledger.sources))?;
        writeln!(err, "{text}")?;
    }
    Ok(())
}
