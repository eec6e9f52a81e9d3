//! The same generated ledger as an hledger / ledger-3 journal, so that
//! `scripts/bench.sh` can time those tools on equivalent input.
//!
//! The journal is translated from the generated `.funnel` text (the
//! generator writes text, not a model), entry by entry and in the same
//! order, so it is as deterministic as the ledger. Every dated entry becomes
//! one transaction, except the monthly `price` entries, which become `P`
//! directives:
//!
//! | `.funnel` entry | transaction: description; postings (the second amount elided) |
//! |---|---|
//! | `lead ID "title" via CH` | `lead ID title`; `funnel:leads:CH  1 LEAD`, `funnel:pipeline` |
//! | `contacted`/`talked`/`lost`/`declined`/`ended ID …` | `VERB ID …`; `funnel:VERB  1 LEAD`, `funnel:pipeline` |
//! | `proposed`/`won ID 52000 EUR at …` | `VERB ID`; `funnel:VERB  52000 EUR`, `funnel:offers` |
//! | `spent 4.5h on ID "…"`, `spent 30min via CH "…"` | `spent ID …`; `time:deals  4.5 H` or `time:channels:CH  0.5 H`, `time:budget` |
//! | `spent 120 EUR via CH "…"` | `spent CH …`; `expenses:channels:CH  120 EUR`, `assets:bank` |
//! | `note ID "…"`, `touch CONTACT "…"` | `note ID …`; `funnel:notes  1 NOTE` or `funnel:touches  1 TOUCH`, `funnel:pipeline` |
//! | `assume …` | `assume …`; `funnel:assume  1 ASSUME`, `funnel:plan` |
//! | `balance 12000 EUR` | `balance`; `assets:bank  = 12000 EUR` (a balance assignment), `equity:adjustments` |
//! | `costs 3100 EUR/month` | `costs`; `expenses:fixed  3100 EUR`, `assets:bank` |
//! | `price USD 0.86 EUR` | a directive `P DATE USD 0.86 EUR` |
//!
//! Deals and contacts are named in the description, not as accounts of
//! their own: with one account per deal, ledger 3.3's `bal` grows much
//! faster than linearly (30,000 entries: 4.6 s instead of 1.5 s), and
//! journals kept by hand use a few dozen accounts. Channels are declared
//! with `account`, contacts with `payee`.
//!
//! Quoted texts become the description; `from`, `at`, `until`, tags,
//! trailing comments and metadata become `; key: value` comments (hledger
//! tags) on the header and posting lines, so that a transaction keeps the
//! shape of the journals issue 8 compares against: four lines (header, two
//! postings, a blank line). It is longer than the `.funnel` entry, about 160
//! bytes instead of 119, because the posting lines add account names to the
//! same text and metadata. Money is written without
//! digit-group separators (`52,000` and `52_000` mean different things to
//! the two tools), minutes as fractions of an hour.

use std::fmt::Write as _;

use crate::Generated;

/// A journal and what is in it.
#[derive(Clone, Debug)]
pub struct Journal {
    pub text: String,
    /// One per dated `.funnel` entry other than `price`.
    pub transactions: usize,
    /// `P` directives, one per `price` entry.
    pub prices: usize,
}

/// Translates a generated ledger into an hledger / ledger-3 journal.
pub fn journal(generated: &Generated) -> Journal {
    let mut writer = Writer {
        out: String::with_capacity(generated.len() + generated.len() / 4),
        transactions: 0,
        prices: 0,
    };
    writer.header(&generated.header);
    for year in &generated.years {
        writer.out.push('\n');
        writer.year(&year.text);
    }
    Journal {
        text: writer.out,
        transactions: writer.transactions,
        prices: writer.prices,
    }
}

struct Writer {
    out: String,
    transactions: usize,
    prices: usize,
}

impl Writer {
    /// Options and stages become comments, channels `account` and contacts
    /// `payee` directives, with their metadata as indented comments.
    fn header(&mut self, header: &str) {
        for line in header.lines() {
            let out = &mut self.out;
            if let Some(meta) = line.strip_prefix("  ") {
                let _ = writeln!(out, "    ; {meta}");
            } else if let Some(rest) = line.strip_prefix("channel ") {
                let (name, title) = rest.split_once(' ').unwrap_or((rest, ""));
                let _ = writeln!(
                    out,
                    "account funnel:leads:{name}\n    ; title: {}",
                    unquote(title)
                );
            } else if let Some(rest) = line.strip_prefix("contact ") {
                let (id, name) = rest.split_once(' ').unwrap_or((rest, ""));
                let _ = writeln!(out, "payee {id}\n    ; name: {}", unquote(name));
            } else if line.starts_with("option ") || line.starts_with("stages ") {
                let _ = writeln!(out, "; {line}");
            } else if line.contains(".funnel") || line.contains("funnel check") {
                // The generator's note on how to check the ledger.
                let _ = writeln!(out, "; Translated by funnel-gen --journal; check it with `hledger -f FILE check` or `ledger -f FILE bal`.");
            } else {
                // Comments, `*` headings and blank lines read the same.
                let _ = writeln!(out, "{line}");
            }
        }
    }

    /// Headings and comments as they are; each entry (its line and the
    /// indented lines after it) as one transaction.
    fn year(&mut self, text: &str) {
        let mut lines = text.lines().peekable();
        while let Some(line) = lines.next() {
            if !line.starts_with(|c: char| c.is_ascii_digit()) {
                if !line.is_empty() {
                    self.out.push_str(line);
                    self.out.push('\n');
                }
                continue;
            }
            let mut meta = Vec::new();
            while let Some(next) = lines.next_if(|l| l.starts_with("  ")) {
                meta.push(next.trim_start());
            }
            self.entry(line, &meta);
        }
    }

    fn entry(&mut self, line: &str, meta_lines: &[&str]) {
        let (date, rest) = line.split_at(10);
        let (main, trailing) = match rest.find("  ; ") {
            Some(at) => (&rest[..at], Some(rest[at + 4..].trim())),
            None => (rest, None),
        };
        let words = tokens(main);
        let word = |i: usize| words.get(i).map_or("", String::as_str);

        if word(0) == "price" {
            // `price USD 0.86 EUR`: one USD is 0.86 EUR.
            let _ = write!(self.out, "P {date} {} {} {}", word(1), word(2), word(3));
            for meta in meta_lines {
                let _ = write!(self.out, "  ; {}", comment(meta));
            }
            self.out.push('\n');
            self.prices += 1;
            return;
        }

        // The comment items, in order: what the postings do not say, the
        // trailing comment, then the metadata.
        let mut notes: Vec<String> = Vec::new();
        let verb = word(0);
        // `VERB ID` and the quoted text: the deal (or contact) is named in
        // the description, the postings go to a few dozen accounts.
        let mut description = format!("{verb} {}", word(1));
        let (first, amount, second): (String, String, String);
        match verb {
            "lead" => {
                let _ = write!(description, " {}", word(2));
                first = format!("funnel:leads:{}", word(4));
                amount = "1 LEAD".into();
                second = "funnel:pipeline".into();
                let mut i = 5;
                while i < words.len() {
                    if word(i) == "from" {
                        notes.push(format!("from: {}", word(i + 1)));
                        i += 2;
                    } else {
                        notes.push(word(i).to_owned());
                        i += 1;
                    }
                }
            }
            "contacted" | "talked" | "lost" | "declined" | "ended" => {
                for w in &words[2..] {
                    description.push(' ');
                    description.push_str(w);
                }
                first = format!("funnel:{verb}");
                amount = "1 LEAD".into();
                second = "funnel:pipeline".into();
            }
            "proposed" | "won" => {
                first = format!("funnel:{verb}");
                amount = format!("{} {}", plain_number(word(2)), word(3));
                second = "funnel:offers".into();
                // `at RATE UNIT [until DATE]`
                notes.push(format!("at: {} {}", word(5), word(6)));
                if word(7) == "until" {
                    notes.push(format!("until: {}", word(8)));
                }
            }
            "spent" => {
                let effort = word(1).ends_with('h') || word(1).ends_with("min");
                let (account, value, target) = if effort {
                    let account = if word(2) == "on" {
                        "time:deals".to_owned()
                    } else {
                        format!("time:channels:{}", word(3))
                    };
                    (account, format!("{} H", hours(word(1))), word(3))
                } else {
                    (
                        format!("expenses:channels:{}", word(4)),
                        format!("{} {}", plain_number(word(1)), word(2)),
                        word(4),
                    )
                };
                description = format!("spent {target} {}", words.last().map_or("", String::as_str));
                first = account;
                amount = value;
                second = if effort { "time:budget" } else { "assets:bank" }.into();
            }
            "note" | "touch" => {
                let _ = write!(description, " {}", word(2));
                first = if verb == "note" {
                    "funnel:notes"
                } else {
                    "funnel:touches"
                }
                .into();
                amount = format!("1 {}", verb.to_ascii_uppercase());
                second = "funnel:pipeline".into();
            }
            "balance" => {
                description = "balance".into();
                first = "assets:bank".into();
                amount = format!("= {} {}", plain_number(word(1)), word(2));
                second = "equity:adjustments".into();
            }
            "costs" => {
                description = "costs".into();
                first = "expenses:fixed".into();
                let (currency, per) = word(2).split_once('/').unwrap_or((word(2), ""));
                amount = format!("{} {currency}", plain_number(word(1)));
                notes.push(format!("per: {per}"));
                second = "assets:bank".into();
            }
            _ => {
                // `assume …` and anything the generator may add later: the
                // entry's text, a counter posting.
                description = words.join(" ");
                first = format!("funnel:{verb}");
                amount = format!("1 {}", verb.to_ascii_uppercase());
                second = "funnel:plan".into();
            }
        }
        notes.extend(trailing.map(str::to_owned));
        notes.extend(meta_lines.iter().map(|m| comment(m)));

        // Header, two postings, a blank line; the comment items spread over
        // the three lines.
        let out = &mut self.out;
        let mut notes = notes.into_iter();
        let _ = write!(out, "{date} {}", clean(&description));
        if let Some(note) = notes.next() {
            let _ = write!(out, "  ; {note}");
        }
        let _ = write!(out, "\n    {first}  {amount}");
        if let Some(note) = notes.next() {
            let _ = write!(out, "  ; {note}");
        }
        let _ = write!(out, "\n    {second}");
        let rest: Vec<String> = notes.collect();
        if !rest.is_empty() {
            let _ = write!(out, "  ; {}", rest.join(", "));
        }
        out.push_str("\n\n");
        self.transactions += 1;
    }
}

/// The words of an entry line; a quoted string is one word, unquoted.
fn tokens(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = text.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        if c == ' ' {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut word = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => word.extend(chars.next()),
                    '"' => break,
                    c => word.push(c),
                }
            }
            words.push(word);
        } else {
            let mut word = String::new();
            while let Some(c) = chars.next_if(|&c| c != ' ') {
                word.push(c);
            }
            words.push(word);
        }
    }
    words
}

/// A `"…"` literal's content (or the text as it is).
fn unquote(text: &str) -> String {
    tokens(text).join(" ")
}

/// A metadata line `key: value` as a tag, the value unquoted.
fn comment(meta: &str) -> String {
    match meta.split_once(": ") {
        Some((key, value)) if !meta.starts_with(';') => format!("{key}: {}", unquote(value)),
        _ => meta.trim_start_matches(';').trim().to_owned(),
    }
}

/// A description safe for both tools: no `;` (a comment would start).
fn clean(text: &str) -> String {
    text.replace(';', ",")
}

/// `52,000` and `52_000` as `52000`.
fn plain_number(text: &str) -> String {
    text.replace([',', '_'], "")
}

/// `4.5h` → `4.5`, `45min` → `0.75`.
fn hours(effort: &str) -> String {
    if let Some(minutes) = effort.strip_suffix("min") {
        let minutes: u32 = minutes.parse().unwrap_or(0);
        let mut text = format!("{}.{:02}", minutes / 60, minutes % 60 * 100 / 60);
        while text.ends_with('0') {
            text.pop();
        }
        text.trim_end_matches('.').to_owned()
    } else {
        effort.trim_end_matches('h').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{generate, Config, Size};
    use std::collections::BTreeMap;

    fn small() -> (Generated, Journal) {
        let generated = generate(&Config {
            size: Size::Deals(200),
            seed: 7,
            profile: Default::default(),
        });
        let journal = journal(&generated);
        (generated, journal)
    }

    /// Parses a posting's amount: `(quantity in hundredths, commodity)`.
    fn amount(text: &str) -> (i64, String) {
        let (number, commodity) = text.split_once(' ').expect("NUMBER COMMODITY");
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let fraction = format!("{fraction:0<2}");
        assert!(fraction.len() == 2, "at most two decimals: {text}");
        let sign = if whole.starts_with('-') { -1 } else { 1 };
        let whole: i64 = whole.parse().expect("a number");
        let fraction: i64 = fraction.parse().expect("a number");
        (whole * 100 + sign * fraction, commodity.to_owned())
    }

    #[test]
    fn one_transaction_per_entry_each_balanced() {
        let (generated, journal) = small();
        assert_eq!(journal.transactions + journal.prices, generated.entries);
        assert!(journal.prices > 12, "monthly prices over several years");

        let mut transactions = 0;
        let mut prices = 0;
        let mut current: Option<Vec<&str>> = None;
        let check = |postings: Vec<&str>| {
            assert_eq!(postings.len(), 2, "two postings: {postings:?}");
            // Each posting: account, then after two spaces an amount, a
            // balance assignment or nothing, then maybe a comment. Balanced:
            // one amount elided (the tools infer it), or amounts that sum
            // to zero per commodity.
            let mut sums: BTreeMap<String, i64> = BTreeMap::new();
            let (mut elided, mut assigned) = (0, 0);
            for posting in &postings {
                let body = posting.split("  ; ").next().expect("text");
                match body.trim().split_once("  ") {
                    // A balance assignment: the tools compute the amount.
                    Some((_, value)) if value.starts_with("= ") => assigned += 1,
                    Some((_, value)) => {
                        let (quantity, commodity) = amount(value.trim());
                        *sums.entry(commodity).or_default() += quantity;
                    }
                    None => elided += 1,
                }
            }
            assert!(elided <= 1, "one elided amount at most: {postings:?}");
            assert!(
                elided == 1 || (assigned == 0 && sums.values().all(|&s| s == 0)),
                "unbalanced: {postings:?}"
            );
        };
        for line in journal.text.lines() {
            if line.starts_with(|c: char| c.is_ascii_digit()) {
                if let Some(postings) = current.take() {
                    check(postings);
                }
                current = Some(Vec::new());
                transactions += 1;
            } else if line.starts_with("    ") && !line.trim_start().starts_with(';') {
                current
                    .as_mut()
                    .expect("postings follow a transaction header")
                    .push(line);
            } else if line.starts_with("P ") {
                prices += 1;
            }
        }
        check(current.take().expect("at least one transaction"));
        assert_eq!(transactions, journal.transactions);
        assert_eq!(prices, journal.prices);
    }

    #[test]
    fn shape_like_the_ledger() {
        let (generated, journal) = small();
        let text = &journal.text;
        assert_eq!(
            journal.text,
            super::journal(&generated).text,
            "deterministic"
        );
        let per_entry = text.len() as f64 / generated.entries as f64;
        let lines = text.lines().count() as f64 / generated.entries as f64;
        // More bytes than the ledger's 119: the two posting lines carry
        // account names on top of the same text and metadata.
        assert!((130.0..175.0).contains(&per_entry), "{per_entry:.1} bytes");
        assert!((3.5..4.6).contains(&lines), "{lines:.2} lines");
        for needle in [
            " LEAD",
            " H\n",
            " EUR",
            " USD",
            "= ",
            "P 20",
            "account funnel:leads:platform:upwork",
        ] {
            assert!(text.contains(needle), "the journal never writes `{needle}`");
        }
        // No digit-group separators, no `;` in descriptions.
        for line in text.lines().filter(|l| l.starts_with("    ")) {
            let body = line.split("  ; ").next().unwrap_or(line);
            assert!(!body.contains(',') && !body.contains('_'), "{line}");
        }
    }

    #[test]
    fn efforts_in_hours() {
        assert_eq!(hours("15min"), "0.25");
        assert_eq!(hours("30min"), "0.5");
        assert_eq!(hours("60min"), "1");
        assert_eq!(hours("4.5h"), "4.5");
        assert_eq!(hours("3h"), "3");
        assert_eq!(plain_number("52,000"), "52000");
        assert_eq!(plain_number("52_000"), "52000");
    }
}
