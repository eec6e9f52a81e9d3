//! Properties of `funnel fmt` over generated ledgers: idempotent, meaning
//! preserving (the parsed items are equal, spans aside), and comment
//! preserving (the multiset of comment texts is unchanged).

use funnel_ledger::format::format;
use funnel_ledger::meta::{read_line_string, read_metadata, read_tags};
use funnel_ledger::model::{Item, Meta};
use funnel_ledger::parse::parse;
use funnel_ledger::{FileId, Name, SourceFile, Spanned};
use proptest::prelude::*;

/// One generated line group: `(kind, a, b, style)` picks the template, its
/// values and its spacing.
type Spec = (u8, u32, u32, u8);

const SEPS: &[&str] = &[" ", "  ", "\t", " \t ", "   "];
const IDS: &[&str] = &["acme", "beta-2", "c.d", "12_000", "x", "nordlicht", "42"];
const CHANNELS: &[&str] = &[
    "referral",
    "platform:upwork",
    "network:alumni:2019",
    "inbound",
];
const TEXTS: &[&str] = &[
    "",
    "Rust backend",
    "a \\\"quoted\\\" word",
    "back\\\\slash",
    "semi ; colon",
    "tab\\there",
    "ünïcödé — ok",
    "#not-a-tag",
];
const COMMENTS: &[&str] = &[
    "; note",
    ";",
    "; 50% off; really",
    ";; double",
    "; \"quoted\"",
];

fn number(value: u32, style: u8) -> String {
    let plain = value.to_string();
    match style % 4 {
        0 => plain,
        1 if plain.len() > 3 => {
            let (head, tail) = plain.split_at(plain.len() - 3);
            format!("{head}_{tail}")
        }
        2 if plain.len() > 3 => {
            let (head, tail) = plain.split_at(plain.len() - 3);
            format!("{head},{tail}")
        }
        3 => format!("{plain}.50"),
        _ => plain,
    }
}

fn pick<'a>(list: &[&'a str], n: u32) -> &'a str {
    list[n as usize % list.len()]
}

/// Renders one spec as text lines (an item and its metadata, or comments).
fn render(spec: Spec) -> Vec<String> {
    let (kind, a, b, style) = spec;
    let s = |i: u8| pick(SEPS, (style as u32 + i as u32) % 7);
    let date = format!("2026-{:02}-{:02}", a % 12 + 1, b % 28 + 1);
    let id = pick(IDS, a);
    let text = pick(TEXTS, b);
    let n = number(a % 200_000 + 1, style);
    let trailing = if style % 3 == 0 {
        format!("{}{}", s(5), pick(COMMENTS, b))
    } else {
        String::new()
    };
    let tag = if style % 5 == 1 {
        format!("{}#rust{}#t.2", s(6), s(7))
    } else {
        String::new()
    };
    let line = match kind % 24 {
        0 => format!(
            "{date}{}lead{}{id}{}\"{text}\"{}via{}{}{}from{}anna",
            s(0),
            s(1),
            s(2),
            s(3),
            s(1),
            pick(CHANNELS, b),
            s(2),
            s(0)
        ),
        1 => format!(
            "{date}{}lead{}{id}{}via{}{}",
            s(0),
            s(1),
            s(2),
            s(3),
            pick(CHANNELS, b)
        ),
        2 => format!(
            "{date}{}proposed{}{id}{}{n}{}EUR{}at{}{}{}EUR/day",
            s(0),
            s(1),
            s(2),
            s(3),
            s(4),
            s(0),
            number(b % 2000 + 1, style),
            s(1)
        ),
        3 => format!(
            "{date}{}won{}{id}{}{n}{}USD{}until{}2027-01-31",
            s(0),
            s(1),
            s(2),
            s(3),
            s(4),
            s(0)
        ),
        4 => format!("{date}{}lost{}{id}{}\"{text}\"", s(0), s(1), s(2)),
        5 => format!("{date}{}declined{}{id}", s(0), s(1)),
        6 => format!(
            "{date}{}ended{}{id}{}cancelled\n{}rating:{}4",
            s(0),
            s(1),
            s(2),
            s(3),
            s(0)
        ),
        7 => format!(
            "{date}{}spent{}{}h{}via{}{}",
            s(0),
            s(1),
            number(b % 50 + 1, style),
            s(2),
            s(3),
            pick(CHANNELS, a)
        ),
        8 => format!(
            "{date}{}spent{}{n}{}EUR{}on{}{id}{}\"{text}\"",
            s(0),
            s(1),
            s(2),
            s(3),
            s(4),
            s(0)
        ),
        9 => format!("{date}{}touch{}anna{}\"{text}\"", s(0), s(1), s(2)),
        10 => format!("{date}{}note{}{id}{}\"{text}\"", s(0), s(1), s(2)),
        11 => format!(
            "{date}{}assume{}conversion{}lead->won{}{}%{}via{}{}",
            s(0),
            s(1),
            s(2),
            s(3),
            b % 100,
            s(4),
            s(0),
            pick(CHANNELS, a)
        ),
        12 => format!(
            "{date}{}assume{}volume{}lead{}{}/mo",
            s(0),
            s(1),
            s(2),
            s(3),
            b % 20 + 1
        ),
        13 => format!(
            "{date}{}assume{}value{}{n}{}EUR{}\"{text}\"",
            s(0),
            s(1),
            s(2),
            s(3),
            s(4)
        ),
        14 => format!(
            "{date}{}price{}USD{}0.9{}{}EUR",
            s(0),
            s(1),
            s(2),
            b % 10,
            s(3)
        ),
        15 => format!("{date}{}costs{}{n}{}EUR/month", s(0), s(1), s(2)),
        16 => format!(
            "channel{}{}{}\"{text}\"\n{}fee:{}10%{}\n{}; indented comment\n{}kind:{}platform",
            s(0),
            pick(CHANNELS, a),
            s(1),
            s(2),
            s(3),
            trailing,
            s(0),
            s(1),
            s(4)
        ),
        17 => format!(
            "contact{}anna{}\"Anna\"\n  org: \"Acme ; GmbH\"",
            s(0),
            s(1)
        ),
        19 => format!(
            "{date}{}extended{}{id}{}{n}{}EUR{}at{}900{}EUR/day{}until{}2027-06-30{}\"{text}\"\n{}notice:{}30d\n{}days-per-week:{}2.5",
            s(0),
            s(1),
            s(2),
            s(3),
            s(4),
            s(0),
            s(1),
            s(2),
            s(3),
            s(4),
            s(0),
            s(1),
            s(2),
            s(3)
        ),
        20 => format!("{date}{}reopened{}{id}{}\"{text}\"", s(0), s(1), s(2)),
        21 => format!(
            "client{}{}{}\"{text}\"\n{}org:{}\"Acme\"",
            s(0),
            pick(IDS, a),
            s(1),
            s(2),
            s(3)
        ),
        22 => format!(
            "{date}{}lost{}{id}{}#price\n{}lesson:{}\"{text}\"\n{}client:{}acme\n{}buyer:{}anna",
            s(0),
            s(1),
            s(2),
            s(3),
            s(4),
            s(0),
            s(1),
            s(2),
            s(3)
        ),
        18 => {
            return vec![format!(
                "{}{}",
                ["; ", "# ", "* ", "  ; ", ";"][(a % 5) as usize],
                text
            )]
        }
        _ => return vec![String::new(); (a % 3) as usize + 1],
    };
    let mut lines: Vec<String> = line.split('\n').map(str::to_owned).collect();
    lines[0] = format!(
        "{}{tag}{trailing}{}",
        lines[0],
        if style % 7 == 0 { "  " } else { "" }
    );
    lines
}

fn ledger(specs: &[Spec], crlf: bool, bom: bool) -> Vec<u8> {
    let newline = if crlf { "\r\n" } else { "\n" };
    let mut text = String::new();
    if bom {
        text.push('\u{feff}');
    }
    for spec in specs {
        for line in render(*spec) {
            text.push_str(&line);
            text.push_str(newline);
        }
    }
    text.into_bytes()
}

/// What a text means: its items, each entry with its tags, metadata and
/// line string (a lead's title, a `spent`'s note) read back (an entry
/// keeps only where they are written, which `fmt` moves).
#[allow(clippy::type_complexity)]
fn items(text: &str) -> Vec<(Item, Vec<Spanned<Name>>, Vec<Meta>, Option<String>)> {
    let parsed = parse(FileId(0), text, &[]);
    assert!(
        parsed.diagnostics.iter().all(|d| d.message().is_empty()),
        "{:#?}\n{text}",
        parsed.diagnostics
    );
    parsed
        .items()
        .into_iter()
        .map(|item| {
            let (tags, meta, string) = match &item {
                Item::Entry(entry) => (
                    read_tags(entry.span, &text[entry.span.range()]),
                    read_metadata(FileId(0), text, entry.meta),
                    read_line_string(entry.span, &text[entry.span.range()]).map(|s| s.into_owned()),
                ),
                Item::Directive(_) => (Vec::new(), Vec::new(), None),
            };
            (item, tags, meta, string)
        })
        .collect()
}

/// Every comment's text, found by the rule of the format (written again
/// here, independently of the lexer): a line starting with `;`, `#` or `*`
/// after optional blanks, or `;` after a blank outside a string.
fn comments(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches(['\r', ' ', '\t']);
        let trimmed = line.trim_start_matches([' ', '\t']);
        if trimmed.starts_with([';', '#', '*']) {
            found.push(trimmed.to_owned());
            continue;
        }
        let (mut in_string, mut escaped, mut prev_blank) = (false, false, true);
        for (i, c) in line.char_indices() {
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
            } else if c == '"' {
                in_string = true;
            } else if c == ';' && prev_blank {
                found.push(line[i..].to_owned());
                break;
            }
            prev_blank = c == ' ' || c == '\t';
        }
    }
    found.sort();
    found
}

fn fmt(bytes: &[u8]) -> String {
    let file = SourceFile::new("x.funnel".into(), "x.funnel".into(), bytes);
    format(&file).unwrap_or_else(|errors| panic!("{errors:#?}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn fmt_is_idempotent_and_keeps_meaning_and_comments(
        specs in proptest::collection::vec((any::<u8>(), any::<u32>(), any::<u32>(), any::<u8>()), 0..30),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let input = ledger(&specs, crlf, bom);
        let once = fmt(&input);
        let twice = fmt(once.as_bytes());
        prop_assert_eq!(&once, &twice, "not idempotent");
        let original = SourceFile::new("x".into(), "x".into(), &input);
        let formatted = SourceFile::new("x".into(), "x".into(), once.as_bytes());
        prop_assert_eq!(items(&original.text), items(&formatted.text));
        prop_assert_eq!(comments(&original.text), comments(&formatted.text));
        prop_assert_eq!(formatted.bom, bom);
        if once.contains('\n') {
            prop_assert_eq!(once.matches("\r\n").count(), if crlf { once.matches('\n').count() } else { 0 });
            prop_assert!(once.ends_with('\n'));
        }
        prop_assert!(!once.lines().any(|l| l.trim_end_matches('\r').ends_with([' ', '\t'])), "trailing blanks");
        prop_assert!(!once.contains("\n\n\n") && !once.contains("\r\n\r\n\r\n"), "blank runs");
    }
}

/// Carriage returns at the end of a line, more than a `\r\n` has, in a file
/// with `\n` endings and in one with `\r\n`: formatting cuts them with the
/// trailing blanks, once. (It cut one a run, so a second run changed the
/// file again; found by the `report` fuzz target.)
#[test]
fn stray_carriage_returns_are_cut_once() {
    for (input, expected) in [
        (
            "; lf\n; a (\r\r\r\n; b \r%\r \n2026-01-01 lead x via referral ; c\r\r\n  note: v\r\r\n",
            "; lf\n; a (\n; b \r%\n2026-01-01 lead x via referral ; c\n  note: v\n",
        ),
        (
            "; a (\r\r\r\n; b \r%\r \r\n2026-01-01 lead x via referral\r\n",
            "; a (\r\n; b \r%\r\n2026-01-01 lead x via referral\r\n",
        ),
    ] {
        let once = fmt(input.as_bytes());
        assert_eq!(once, expected);
        assert_eq!(fmt(once.as_bytes()), once);
        assert_eq!(comments(input), comments(&once));
    }
}

#[test]
fn broken_files_are_refused() {
    let file = SourceFile::new("x".into(), "x".into(), b"2026-01-01 lead acme \"open\n");
    assert!(format(&file).is_err());
}
