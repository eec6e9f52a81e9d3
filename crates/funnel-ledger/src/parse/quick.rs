//! The commonest entry lines, read without the lexer's token list.
//!
//! A terse hand-written ledger is mostly lines like `2026-01-06 contacted
//! acme` or `2026-01-07 note acme "call back in May"`: a date, a verb, a
//! name or two and maybe a string. The general path cuts such a line into
//! tokens (with places and escapes), reads them with a [`super::Cursor`]
//! ready to explain any mistake, and keeps only the [`EntryKind`]; for
//! these lines that was about two thousand instructions each.
//!
//! [`entry`] reads the same lines word by word and builds the same entry,
//! or gives up (`None`) on anything it does not know for certain: a tag, a
//! string with an escape, an offer, a date or name that does not read, any
//! other verb. A line it gives up on is read by the general path as if
//! this module did not exist, so it only ever answers where the general
//! path would have answered the same; the tests hold it to that on every
//! line of the examples and on generated near-misses.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::lexer::first_of;
use crate::model::{EntryKind, Quantity, Spending, SpentOn};
use crate::name::Name;
use crate::value::{self, Amount, Currency, LastDate, NumberWord};
use crate::verb::Verb;

/// The date and arguments of an entry line (its first line, without the
/// line ending), when it is one of the shapes read here; `None` means
/// "read it the general way".
pub(super) fn entry(line: &str, last_date: &mut LastDate) -> Option<(NaiveDate, EntryKind)> {
    let mut words = Words { line, pos: 0 };
    let date = last_date.parse(words.word()?).ok()?;
    let verb = words.word()?;
    let kind = match Verb::parse(verb) {
        None => {
            // A stage: the verb is a name (whether a declared one is
            // `build`'s question), then the deal and nothing else here (an
            // offer is the general path's).
            if !value::is_ident(verb) {
                return None;
            }
            let stage = Name::new(verb);
            let deal = words.ident()?;
            words.end()?;
            EntryKind::Stage {
                deal,
                stage,
                offer: None,
            }
        }
        Some(Verb::Lead) => {
            let deal = words.ident()?;
            words.string();
            words.keyword("via")?;
            let channel = words.channel()?;
            let contact = match words.keyword("from") {
                Some(()) => Some(words.ident()?),
                None => None,
            };
            words.end()?;
            EntryKind::Lead {
                deal,
                channel,
                contact,
            }
        }
        Some(Verb::Lost) => EntryKind::Lost {
            deal: words.ident_then_string()?,
        },
        Some(Verb::Declined) => EntryKind::Declined {
            deal: words.ident_then_string()?,
        },
        Some(Verb::Reopened) => EntryKind::Reopened {
            deal: words.ident_then_string()?,
        },
        Some(Verb::Touch) => EntryKind::Touch {
            contact: words.ident_then_string()?,
        },
        Some(Verb::Ended) => {
            let deal = words.ident()?;
            let cancelled = words.keyword("cancelled").is_some();
            words.string();
            words.end()?;
            EntryKind::Ended { deal, cancelled }
        }
        Some(Verb::Note) => {
            let deal = words.ident()?;
            if !words.string() {
                return None;
            }
            words.end()?;
            EntryKind::Note { deal }
        }
        Some(Verb::Spent) => {
            let quantity = words.quantity()?;
            let on = if words.keyword("via").is_some() {
                SpentOn::Channel(words.channel()?)
            } else {
                words.keyword("on")?;
                SpentOn::Deal(words.ident()?)
            };
            words.string();
            words.end()?;
            EntryKind::Spent(Spending::new(quantity, on))
        }
        Some(
            Verb::Won | Verb::Extended | Verb::Assume | Verb::Price | Verb::Balance | Verb::Costs,
        ) => return None,
    };
    Some((date, kind))
}

/// What comes next on the line, cut as the lexer cuts it.
enum Next<'a> {
    /// A run of bytes up to a blank (or the end), not starting a string,
    /// a tag or a comment.
    Word(&'a str),
    /// A string without escapes (its text stays in the line).
    Str,
    /// The end of the line or a `;` comment.
    End,
}

/// A line read left to right; every method answers `None` (or `false`)
/// where the general path has something to say.
#[derive(Clone, Copy)]
struct Words<'a> {
    line: &'a str,
    pos: usize,
}

impl<'a> Words<'a> {
    /// The next token, or `None` for one read only by the general path: a
    /// tag, a string with an escape or without its closing quote, or one
    /// followed by something other than a blank.
    fn next(&mut self) -> Option<Next<'a>> {
        let bytes = self.line.as_bytes();
        while let Some(b' ' | b'\t') = bytes.get(self.pos) {
            self.pos += 1;
        }
        let start = self.pos;
        match bytes.get(start) {
            None | Some(b';') => Some(Next::End),
            Some(b'#') => None,
            Some(b'"') => {
                let body = &bytes[start + 1..];
                let end = first_of(body, b'"', b'\\')?;
                if body[end] != b'"' {
                    return None;
                }
                self.pos = start + 1 + end + 1;
                match bytes.get(self.pos) {
                    None | Some(b' ' | b'\t') => Some(Next::Str),
                    Some(_) => None,
                }
            }
            Some(_) => {
                let len = first_of(&bytes[start..], b' ', b'\t').unwrap_or(bytes.len() - start);
                self.pos = start + len;
                Some(Next::Word(&self.line[start..self.pos]))
            }
        }
    }

    fn word(&mut self) -> Option<&'a str> {
        match self.next()? {
            Next::Word(word) => Some(word),
            Next::Str | Next::End => None,
        }
    }

    /// A deal or contact id.
    fn ident(&mut self) -> Option<Name> {
        let word = self.word()?;
        value::is_ident(word).then(|| Name::new(word))
    }

    fn channel(&mut self) -> Option<Name> {
        let word = self.word()?;
        value::is_channel(word).then(|| Name::new(word))
    }

    /// Steps over `keyword` if it is next: `Some(())` when it was.
    fn keyword(&mut self, keyword: &str) -> Option<()> {
        let mut ahead = *self;
        match ahead.next()? {
            Next::Word(word) if word == keyword => {
                *self = ahead;
                Some(())
            }
            _ => None,
        }
    }

    /// Steps over a string if one is next: whether there was one.
    fn string(&mut self) -> bool {
        let mut ahead = *self;
        let found = matches!(ahead.next(), Some(Next::Str));
        if found {
            *self = ahead;
        }
        found
    }

    fn end(&mut self) -> Option<()> {
        matches!(self.next()?, Next::End).then_some(())
    }

    /// `ID ["text"]` and the end: lost, declined, reopened, touch.
    fn ident_then_string(&mut self) -> Option<Name> {
        let id = self.ident()?;
        self.string();
        self.end()?;
        Some(id)
    }

    /// A `spent`'s effort (`1.5h`, `45min`) or amount (`120 EUR`), more
    /// than zero.
    fn quantity(&mut self) -> Option<Quantity> {
        match value::parse_number_word(self.word()?)?.ok()? {
            NumberWord::Effort(effort) if effort.value > Decimal::ZERO => {
                Some(Quantity::Effort(effort))
            }
            NumberWord::Plain(value) if value > Decimal::ZERO => {
                let currency = Currency::parse(self.word()?)?;
                Some(Quantity::Money(Amount { value, currency }))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, Item};
    use crate::span::FileId;

    /// The general path's entry for a one-line text, if it reads as one
    /// without a diagnostic.
    fn general(line: &str) -> Option<(NaiveDate, EntryKind)> {
        let parsed = super::super::parse_chunk_general(FileId(0), line);
        if !parsed.diagnostics.is_empty() || !parsed.unresolved.is_empty() {
            return None;
        }
        match &parsed.items()[..] {
            [Item::Entry(Entry { date, kind, .. })] => Some((*date, kind.clone())),
            _ => None,
        }
    }

    /// Whenever the quick reader answers, the general path gives the same
    /// entry; returns whether it answered.
    fn agrees(line: &str) -> bool {
        let quick = entry(line, &mut LastDate::default());
        if let Some(quick) = &quick {
            assert_eq!(Some(quick), general(line).as_ref(), "{line:?}");
        }
        quick.is_some()
    }

    #[test]
    fn reads_the_common_shapes_as_the_general_path_does() {
        for line in [
            "2026-01-06 contacted acme",
            "2026-01-06 talked  acme ; a comment",
            "2026-01-06\tproposed\tacme\t",
            "2026-01-06 lead acme via platform:upwork",
            "2026-01-06 lead acme \"A title, with \u{e9}\" via referral from ann.lee-2",
            "2026-01-06 lost acme",
            "2026-01-06 lost acme \"chose an agency\"",
            "2026-01-06 declined acme \"not my field\" ;why",
            "2026-01-06 reopened acme",
            "2026-01-06 touch ann \"video call\"",
            "2026-01-06 ended acme cancelled \"budget\"",
            "2026-01-06 ended acme",
            "2026-01-06 note acme \"x\"",
            "2026-01-06 note acme \"\"",
            "2026-01-06 spent 4.5h via platform:upwork \"profile\"",
            "2026-01-06 spent 45min on acme",
            "2026-01-06 spent 500 EUR via platform:malt \"connects\"",
            "2026-01-06 spent 1,500.50 USD on acme",
        ] {
            assert!(agrees(line), "not read quickly: {line:?}");
        }
    }

    #[test]
    fn leaves_to_the_general_path_what_it_does_not_read() {
        for line in [
            "2026-01-06 contacted acme #tag",
            "2026-01-06 contacted acme 12000 EUR",
            "2026-01-06 note acme \"say \\\"hi\\\"\"",
            "2026-01-06 note acme \"unclosed",
            "2026-01-06 note acme \"x\"y",
            "2026-01-06 note acme",
            "2026-01-06 lead acme via platform:",
            "2026-01-06 lead acme via",
            "2026-01-06 lead acme \"t\" \"u\" via x",
            "2026-02-30 contacted acme",
            "2026-1-06 contacted acme",
            "2026-01-06 won acme",
            "2026-01-06 spent 0h via x",
            "2026-01-06 spent -5 EUR via x",
            "2026-01-06 spent 5 via x",
            "2026-01-06 spent 5 eur via x",
            "2026-01-06 spent 5h via x y",
            "2026-01-06 spent 5d via x",
            "2026-01-06 c@ntacted acme",
            "2026-01-06 contacted -acme",
            "2026-01-06 contacted",
            "2026-01-06",
            "channel acme",
            "2026-01-06 ended acme cancelled cancelled",
        ] {
            assert!(!agrees(line), "read quickly: {line:?}");
        }
    }

    /// Lines put together from pieces of the grammar and near misses of
    /// them: every one the quick reader answers, the general path answers
    /// the same.
    #[test]
    fn agrees_with_the_general_path_on_generated_lines() {
        const PIECES: &[&str] = &[
            "2026-01-06",
            "2026-02-29",
            "2024-02-29",
            "2026-13-01",
            "lead",
            "contacted",
            "won",
            "lost",
            "declined",
            "ended",
            "reopened",
            "spent",
            "touch",
            "note",
            "price",
            "Lead",
            "via",
            "on",
            "from",
            "until",
            "cancelled",
            "acme",
            "a.b-c_d",
            "-x",
            "x:",
            "platform:upwork",
            "a::b",
            "ann",
            "\"t\"",
            "\"\"",
            "\"a\\\"b\"",
            "\"x",
            "\"é\"",
            "#tag",
            "#",
            ";c",
            "; c",
            "4.5h",
            "0h",
            "45min",
            "-1h",
            "1,5h",
            "500",
            "0",
            "1_000",
            "EUR",
            "eur",
            "USD",
            "5d",
            "12000",
            "at",
            "800",
            "EUR/day",
            "\t",
            "  ",
            "é",
            "x\"y",
            "x;y",
            "x#y",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut answered = 0;
        for _ in 0..60_000 {
            let mut line = String::from(PIECES[next(4)]);
            line.push(' ');
            line.push_str(PIECES[4 + next(10)]);
            for _ in 0..next(6) {
                line.push_str([" ", "  ", "\t", ""][next(4)]);
                line.push_str(PIECES[next(PIECES.len())]);
            }
            answered += usize::from(agrees(&line));
        }
        // The generator reaches the quick reader's answers, not only its
        // refusals.
        assert!(answered > 1_000, "{answered}");
    }

    /// Every entry line of the shipped examples and test ledgers.
    #[test]
    fn agrees_with_the_general_path_on_every_shipped_ledger() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        for dir in [
            "examples",
            "examples/peers",
            "tests/data/ok",
            "tests/data/err",
            "tests/data/analyses",
        ] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "funnel") {
                    files.push(path);
                }
            }
        }
        let (mut lines, mut answered) = (0, 0);
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for line in text.lines() {
                if line.starts_with(|c: char| c.is_ascii_digit()) {
                    lines += 1;
                    answered += usize::from(agrees(line));
                }
            }
        }
        assert!(lines > 500 && answered * 2 > lines, "{answered} of {lines}");
    }
}
