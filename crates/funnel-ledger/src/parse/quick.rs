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
//! string with an escape, a date, name or number that does not read, the
//! rare verbs (`extended`, `assume`, `price`, `balance`, `costs`). A line
//! it gives up on is read by the general path as if this module did not
//! exist, so it only ever answers where the general path would have
//! answered the same: the tests hold it to that on every line of the
//! examples and on generated near-misses, and the `quick` fuzz target on
//! arbitrary text. (Names it interned before giving up are interned again
//! by the general path: the store holds each text once.)

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::lexer;
use crate::model::{EntryKind, Offer, Quantity, Spending, SpentOn};
use crate::name::Name;
use crate::span::{FileId, Span, Spanned};
use crate::value::{self, Amount, Currency, LastDate, NumberWord, Rate};
use crate::verb::Verb;

/// The date and arguments of an entry line (its first line, without the
/// line ending, which starts at byte `start` of `file`: an offer keeps
/// its places), when it is one of the shapes read here; `None` means
/// "read it the general way".
pub(super) fn entry(
    file: FileId,
    line: &str,
    start: usize,
    last_date: &mut LastDate,
) -> Option<(NaiveDate, EntryKind)> {
    let mut words = Words {
        line,
        pos: 0,
        file,
        base: start,
        peeked: None,
    };
    let date = last_date.parse(words.word()?).ok()?;
    let verb = words.word()?;
    let kind = match Verb::parse(verb) {
        None => {
            // A stage: the verb is a name (whether a declared one is
            // `build`'s question), the deal, maybe an offer.
            if !value::is_ident(verb) {
                return None;
            }
            let stage = Name::new(verb);
            let deal = words.ident()?;
            let offer = words.offer()?;
            words.end()?;
            EntryKind::Stage { deal, stage, offer }
        }
        Some(Verb::Won) => {
            let deal = words.ident()?;
            let offer = words.offer()?;
            let until = match words.keyword("until") {
                Some(()) => Some(value::parse_date(words.word()?).ok()?),
                None => None,
            };
            words.end()?;
            EntryKind::Won { deal, offer, until }
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
        Some(Verb::Extended | Verb::Assume | Verb::Price | Verb::Balance | Verb::Costs) => {
            return None
        }
    };
    Some((date, kind))
}

/// What comes next on the line, cut as the lexer cuts it.
#[derive(Clone, Copy)]
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
struct Words<'a> {
    line: &'a str,
    pos: usize,
    /// Where the line is, for the places an offer keeps.
    file: FileId,
    base: usize,
    /// The token after `pos` and where it ends, once looked at: an
    /// optional argument (a string, `via`, `until`) is looked at before it
    /// is taken, and reading it twice cost a tenth of the reader's work.
    peeked: Option<(Option<Next<'a>>, usize)>,
}

impl<'a> Words<'a> {
    /// The next token, or `None` for one read only by the general path: a
    /// tag, a string with an escape or without its closing quote, or one
    /// followed by something other than a blank.
    fn next(&mut self) -> Option<Next<'a>> {
        let (next, end) = self.peeked.take().unwrap_or_else(|| self.scan());
        self.pos = end;
        next
    }

    /// The next token without taking it.
    fn peek(&mut self) -> Option<Next<'a>> {
        let scanned = match self.peeked {
            Some(scanned) => scanned,
            None => *self.peeked.insert(self.scan()),
        };
        scanned.0
    }

    /// The token after `pos` and the position after it.
    fn scan(&self) -> (Option<Next<'a>>, usize) {
        let bytes = self.line.as_bytes();
        let mut start = self.pos;
        while let Some(b' ' | b'\t') = bytes.get(start) {
            start += 1;
        }
        match bytes.get(start) {
            None | Some(b';') => (Some(Next::End), start),
            Some(b'#') => (None, start),
            Some(b'"') => {
                let Some(close) = lexer::plain_string_close(bytes, start) else {
                    return (None, start);
                };
                let after = close + 1;
                match bytes.get(after) {
                    None | Some(b' ' | b'\t') => (Some(Next::Str), after),
                    Some(_) => (None, after),
                }
            }
            Some(_) => {
                let end = start + lexer::word_len(&bytes[start..]);
                (Some(Next::Word(&self.line[start..end])), end)
            }
        }
    }

    fn word(&mut self) -> Option<&'a str> {
        match self.next()? {
            Next::Word(word) => Some(word),
            Next::Str | Next::End => None,
        }
    }

    /// The next word and its place in the file.
    fn spanned_word(&mut self) -> Option<Spanned<&'a str>> {
        let word = self.word()?;
        let end = self.base + self.pos;
        Some(Spanned::new(
            word,
            Span::new(self.file, end - word.len(), end),
        ))
    }

    /// `offer := amount ("at" rate)? | "at" rate`, each more than zero:
    /// `Some(None)` when there is none.
    fn offer(&mut self) -> Option<Option<Box<Offer>>> {
        let mut offer = Offer::default();
        if let Next::Word(word) = self.peek()? {
            if value::is_number_like(word) {
                let (value, start) = self.positive_number()?;
                let currency = self.spanned_word()?;
                offer.amount = Some(Spanned::new(
                    Amount {
                        value,
                        currency: Currency::parse(currency.value)?,
                    },
                    start.to(currency.span),
                ));
            }
        }
        if self.keyword("at").is_some() {
            let (value, start) = self.positive_number()?;
            let unit = self.spanned_word()?;
            let (currency, unit_of) = value::parse_rate_currency(unit.value)?.ok()?;
            offer.rate = Some(Spanned::new(
                Rate {
                    amount: Amount { value, currency },
                    unit: unit_of,
                },
                start.to(unit.span),
            ));
        }
        Some((!offer.is_empty()).then(|| Box::new(offer)))
    }

    /// A plain number more than zero, and its place.
    fn positive_number(&mut self) -> Option<(Decimal, Span)> {
        let word = self.spanned_word()?;
        match value::parse_number_word(word.value)?.ok()? {
            NumberWord::Plain(value) if value > Decimal::ZERO => Some((value, word.span)),
            _ => None,
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
        match self.peek()? {
            Next::Word(word) if word == keyword => {
                self.next();
                Some(())
            }
            _ => None,
        }
    }

    /// Steps over a string if one is next: whether there was one.
    fn string(&mut self) -> bool {
        let found = matches!(self.peek(), Some(Next::Str));
        if found {
            self.next();
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

    /// Blank lines before the line in [`agrees`], so that places are
    /// counted from where the line starts in the file.
    const BEFORE: &str = "\n\n\n";

    /// The general path's entry for a line after [`BEFORE`], if it reads
    /// as one without a diagnostic.
    fn general(line: &str) -> Option<(NaiveDate, EntryKind)> {
        let text = format!("{BEFORE}{line}");
        let parsed = super::super::parse_chunk_general(FileId(0), &text);
        if !parsed.diagnostics.is_empty() || !parsed.unresolved.is_empty() {
            return None;
        }
        match &parsed.items()[..] {
            [Item::Entry(Entry { date, kind, .. })] => Some((*date, kind.clone())),
            _ => None,
        }
    }

    /// Whenever the quick reader answers, the general path gives the same
    /// entry, places of an offer included (which `==` does not compare);
    /// returns whether it answered.
    fn agrees(line: &str) -> bool {
        let quick = entry(FileId(0), line, BEFORE.len(), &mut LastDate::default());
        if let Some(quick) = &quick {
            let general = general(line);
            assert_eq!(Some(quick), general.as_ref(), "{line:?}");
            assert_eq!(
                format!("{quick:?}"),
                format!("{:?}", general.unwrap()),
                "{line:?}"
            );
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
            "2026-01-06 proposed acme 69,000 EUR at 600 EUR/day",
            "2026-01-06 proposed  acme  12000 EUR",
            "2026-01-06 proposed acme at 95.5 USD/h ; a comment",
            "2026-01-06 won acme",
            "2026-01-06 won acme 91770 USD at 105 USD/h until 2022-11-30",
            "2026-01-06 won acme until 2026-12-31",
            "2026-01-06 won acme at 800 EUR/month",
        ] {
            assert!(agrees(line), "not read quickly: {line:?}");
        }
    }

    #[test]
    fn leaves_to_the_general_path_what_it_does_not_read() {
        for line in [
            "2026-01-06 contacted acme #tag",
            "2026-01-06 contacted acme 12000",
            "2026-01-06 contacted acme 0 EUR",
            "2026-01-06 contacted acme 12000 EUR/day",
            "2026-01-06 contacted acme 12000 EUR 800 EUR/day",
            "2026-01-06 contacted acme at 800 EUR",
            "2026-01-06 contacted acme at 800 EUR/fortnight",
            "2026-01-06 contacted acme at -800 EUR/day",
            "2026-01-06 won acme until 2026-02-30",
            "2026-01-06 won acme until",
            "2026-01-06 won acme \"x\"",
            "2026-01-06 note acme \"say \\\"hi\\\"\"",
            "2026-01-06 note acme \"unclosed",
            "2026-01-06 note acme \"x\"y",
            "2026-01-06 note acme",
            "2026-01-06 lead acme via platform:",
            "2026-01-06 lead acme via",
            "2026-01-06 lead acme \"t\" \"u\" via x",
            "2026-02-30 contacted acme",
            "2026-1-06 contacted acme",
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
