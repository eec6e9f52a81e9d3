//! Reads the arguments of one item line, left to right: `peek`/`eat_*`
//! look and take, `expect_*` take a construct or return a user-facing
//! "expected X, found Y" diagnostic.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::diagnostic::{Code, Diagnostic};
use crate::lexer::{shorten, Tok, Token};
use crate::meta::invalid_date;
use crate::model::{Offer, Quantity};
use crate::name::Name;
use crate::span::{Span, Spanned};
use crate::suggest::did_you_mean;
use crate::value::{self, Amount, Currency, DateError, NumberWord, Rate};
use crate::verb::Keyword;

pub(super) fn syntax(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::Syntax, span, message)
}

pub(super) fn expected_line_start(token: &Token<'_>) -> Diagnostic {
    let mut err = syntax(
        token.span,
        format!(
            "expected a date (`YYYY-MM-DD`) or a directive ({}), found {}",
            Keyword::ALL.map(|k| format!("`{}`", k.as_str())).join(", "),
            token.describe()
        ),
    );
    if let Tok::Word(word) = token.tok {
        if let Some(help) = did_you_mean(word, Keyword::ALL.map(Keyword::as_str)) {
            err = err.with_help(help);
        } else if word.starts_with(|c: char| c.is_ascii_digit()) {
            err = err.with_help("dates are written `YYYY-MM-DD`, like `2026-01-03`");
        } else {
            err = err.with_help("entries start at column 1 with a date; indent a line to continue the entry above, or start a comment with `;`");
        }
    }
    err
}

/// Reads the arguments of one line, left to right.
pub(super) struct Cursor<'t, 'a> {
    /// The whole line and where it starts in the file.
    pub(super) line: &'a str,
    pub(super) line_start: usize,
    pub(super) toks: &'t [Token<'a>],
    pub(super) pos: usize,
    /// An empty span at the end of the line, for "found the end of the line".
    pub(super) end: Span,
}

impl<'t, 'a> Cursor<'t, 'a> {
    pub(super) fn peek(&self) -> Option<&'t Token<'a>> {
        self.toks.get(self.pos)
    }

    pub(super) fn next(&mut self) -> Option<&'t Token<'a>> {
        let tok = self.toks.get(self.pos)?;
        self.pos += 1;
        Some(tok)
    }

    pub(super) fn peek_word(&self) -> Option<&'a str> {
        match self.peek()?.tok {
            Tok::Word(w) => Some(w),
            _ => None,
        }
    }

    pub(super) fn eat_keyword(&mut self, keyword: &str) -> bool {
        let found = self.peek_word() == Some(keyword);
        if found {
            self.pos += 1;
        }
        found
    }

    /// A syntax error at the current token: "expected X, found Y".
    pub(super) fn unexpected(&self, expected: &str) -> Diagnostic {
        match self.peek() {
            Some(tok) => syntax(
                tok.span,
                format!("expected {expected}, found {}", tok.describe()),
            ),
            None => syntax(
                self.end,
                format!("expected {expected}, found the end of the line"),
            ),
        }
    }

    /// Like [`Cursor::unexpected`], suggesting a keyword when the word found
    /// is a near miss of one (`vai` → `via`).
    pub(super) fn unexpected_keyword(&self, expected: &str, keywords: &[&str]) -> Diagnostic {
        let err = self.unexpected(expected);
        match self
            .peek_word()
            .and_then(|w| did_you_mean(w, keywords.iter().copied()))
        {
            Some(help) => err.with_help(help),
            None => err,
        }
    }

    pub(super) fn expect_end(&self, expected: &str) -> Result<(), Diagnostic> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.unexpected(expected)),
        }
    }

    pub(super) fn expect_word(&mut self, expected: &str) -> Result<Spanned<&'a str>, Diagnostic> {
        match self.peek() {
            Some(Token {
                tok: Tok::Word(w),
                span,
            }) => {
                self.pos += 1;
                Ok(Spanned::new(*w, *span))
            }
            _ => Err(self.unexpected(expected)),
        }
    }

    pub(super) fn expect_ident(&mut self, expected: &str) -> Result<Spanned<Name>, Diagnostic> {
        let word = self.expect_word(expected)?;
        if !value::is_ident(word.value) {
            return Err(syntax(
                word.span,
                format!("expected {expected}, found `{}`", shorten(word.value)),
            )
            .with_help(
                "names start with a letter or digit, then letters, digits, `_`, `.` or `-`",
            ));
        }
        Ok(Spanned::new(Name::new(word.value), word.span))
    }

    pub(super) fn expect_deal(&mut self) -> Result<Spanned<Name>, Diagnostic> {
        self.expect_ident("a deal id, like `acme`")
    }

    pub(super) fn expect_channel(&mut self, expected: &str) -> Result<Spanned<Name>, Diagnostic> {
        let word = self.expect_word(expected)?;
        if !value::is_channel(word.value) {
            return Err(syntax(
                word.span,
                format!("expected {expected}, found `{}`", shorten(word.value)),
            )
            .with_help("a channel is one or more names joined by `:`, like `platform:upwork`"));
        }
        Ok(Spanned::new(Name::new(word.value), word.span))
    }

    pub(super) fn opt_string(&mut self) -> Option<String> {
        match &self.peek()?.tok {
            Tok::Str(s) => {
                self.pos += 1;
                Some(s.clone().into_owned())
            }
            _ => None,
        }
    }

    /// Steps over a string, if one is next, without copying it: whether
    /// there was one.
    pub(super) fn skip_string(&mut self) -> bool {
        let found = matches!(
            self.peek(),
            Some(Token {
                tok: Tok::Str(_),
                ..
            })
        );
        self.pos += usize::from(found);
        found
    }

    pub(super) fn expect_string(&mut self, expected: &str) -> Result<Spanned<String>, Diagnostic> {
        match self.peek() {
            Some(Token {
                tok: Tok::Str(s),
                span,
            }) => {
                self.pos += 1;
                Ok(Spanned::new(s.clone().into_owned(), *span))
            }
            _ => Err(self.unexpected(expected)),
        }
    }

    pub(super) fn expect_date(&mut self, expected: &str) -> Result<Spanned<NaiveDate>, Diagnostic> {
        let word = self.expect_word(expected)?;
        match value::parse_date(word.value) {
            Ok(date) => Ok(Spanned::new(date, word.span)),
            Err(DateError::Calendar) => Err(invalid_date(word.value, word.span)),
            Err(DateError::Shape) => Err(syntax(
                word.span,
                format!(
                    "expected {expected} (`YYYY-MM-DD`), found `{}`",
                    shorten(word.value)
                ),
            )),
        }
    }

    pub(super) fn expect_currency(
        &mut self,
        expected: &str,
    ) -> Result<Spanned<Currency>, Diagnostic> {
        let word = self.expect_word(expected)?;
        match Currency::parse(word.value) {
            Some(c) => Ok(Spanned::new(c, word.span)),
            None => Err(syntax(word.span, format!("expected {expected}, found `{}`", shorten(word.value)))
                .with_help("currency codes are an uppercase letter and 2 to 9 more uppercase letters or digits")),
        }
    }

    /// Reads a number-like word as one kind of number (`pick`), reporting a
    /// malformed number as `invalid-number`.
    pub(super) fn expect_number_kind<T>(
        &mut self,
        expected: &str,
        pick: impl Fn(NumberWord) -> Option<T>,
    ) -> Result<T, Diagnostic> {
        let Some(Token {
            tok: Tok::Word(word),
            span,
        }) = self.peek()
        else {
            return Err(self.unexpected(expected));
        };
        match value::parse_number_word(word) {
            None => Err(self.unexpected(expected)),
            Some(Err(err)) => Err(invalid_number(word, *span, err.0)),
            Some(Ok(number)) => {
                let positive = match number {
                    NumberWord::Plain(n) | NumberWord::Percent(n) => n > Decimal::ZERO,
                    NumberWord::Effort(e) => e.value > Decimal::ZERO,
                    NumberWord::Duration(d) => d.value > Decimal::ZERO,
                    NumberWord::Frequency(f) => f.count > Decimal::ZERO,
                };
                match pick(number) {
                    Some(value) => {
                        self.pos += 1;
                        Ok(value)
                    }
                    None if !positive => Err(Diagnostic::new(
                        Code::InvalidNumber,
                        *span,
                        format!(
                            "expected {expected}, found `{}`: it must be more than 0",
                            shorten(word)
                        ),
                    )),
                    None => Err(self.unexpected(expected)),
                }
            }
        }
    }

    pub(super) fn expect_positive_number(
        &mut self,
        expected: &str,
    ) -> Result<Spanned<Decimal>, Diagnostic> {
        let span = self.peek().map_or(self.end, |t| t.span);
        let value = self.expect_number_kind(expected, |w| match w {
            NumberWord::Plain(n) if n > Decimal::ZERO => Some(n),
            _ => None,
        })?;
        Ok(Spanned::new(value, span))
    }

    /// A percent from 0% to 100%.
    pub(super) fn expect_share(&mut self, expected: &str) -> Result<Decimal, Diagnostic> {
        let span = self.peek().map_or(self.end, |t| t.span);
        let percent = self.expect_number_kind(expected, |w| match w {
            NumberWord::Percent(p) => Some(p),
            _ => None,
        })?;
        if percent < Decimal::ZERO || percent > Decimal::ONE_HUNDRED {
            return Err(Diagnostic::new(
                Code::InvalidNumber,
                span,
                format!("a share must lie between 0% and 100%, found {percent}%"),
            ));
        }
        Ok(percent)
    }

    /// `amount := number currency`. Amounts must be positive unless
    /// `allow_negative` (a balance may be overdrawn).
    pub(super) fn expect_amount(
        &mut self,
        expected: &str,
        positive: bool,
    ) -> Result<Spanned<Amount>, Diagnostic> {
        let start = self.peek().map_or(self.end, |t| t.span);
        let value = self.expect_number_kind(expected, |w| match w {
            NumberWord::Plain(n) => Some(n),
            _ => None,
        })?;
        let Some(Token {
            tok: Tok::Word(cur),
            span,
        }) = self.peek()
        else {
            return Err(self.unexpected("a currency code after the number, like `EUR`"));
        };
        let Some(currency) = Currency::parse(cur) else {
            if cur.contains('/') {
                return Err(syntax(
                    *span,
                    format!("expected {expected}, found the rate `{}`", shorten(cur)),
                )
                .with_help("write a rate after `at`, like `at 800 EUR/day`"));
            }
            return Err(self.unexpected("a currency code after the number, like `EUR`"));
        };
        self.pos += 1;
        let whole = start.to(*span);
        if positive && value <= Decimal::ZERO {
            return Err(Diagnostic::new(
                Code::InvalidNumber,
                start,
                format!("an amount here must be more than 0, found `{}`", value),
            )
            .with_label("not positive"));
        }
        Ok(Spanned::new(Amount { value, currency }, whole))
    }

    /// `rate := number currency "/" unit`
    pub(super) fn expect_rate(&mut self, expected: &str) -> Result<Spanned<Rate>, Diagnostic> {
        let start = self.peek().map_or(self.end, |t| t.span);
        let value = self.expect_number_kind(expected, |w| match w {
            NumberWord::Plain(n) => Some(n),
            _ => None,
        })?;
        let Some(Token {
            tok: Tok::Word(word),
            span,
        }) = self.peek()
        else {
            return Err(self.unexpected("a currency and unit after the number, like `EUR/day`"));
        };
        let (currency, unit) = match value::parse_rate_currency(word) {
            Some(Ok(pair)) => pair,
            Some(Err(message)) => return Err(syntax(*span, message)),
            None => {
                return Err(syntax(*span, format!("expected {expected}, found `{}`", shorten(word)))
                    .with_help("a rate is an amount per unit, with no spaces around `/`: `800 EUR/day`, `95 EUR/h`"))
            }
        };
        self.pos += 1;
        if value <= Decimal::ZERO {
            return Err(Diagnostic::new(
                Code::InvalidNumber,
                start,
                format!("a rate must be more than 0, found `{value}`"),
            ));
        }
        Ok(Spanned::new(
            Rate {
                amount: Amount { value, currency },
                unit,
            },
            start.to(*span),
        ))
    }

    /// `offer := amount ("at" rate)? | "at" rate`
    pub(super) fn offer(&mut self) -> Result<Option<Box<Offer>>, Diagnostic> {
        let mut offer = Offer::default();
        if self.peek_word().is_some_and(value::is_number_like) {
            offer.amount = Some(self.expect_amount("an amount like `12000 EUR`", true)?);
        }
        if self.eat_keyword("at") {
            offer.rate = Some(self.expect_rate("a rate after `at`, like `800 EUR/day`")?);
        }
        Ok((!offer.is_empty()).then(|| Box::new(offer)))
    }

    /// The end of an entry whose last argument may be an offer: a number
    /// left where the end should be is most likely a rate written without
    /// its `at` (`12000 EUR 800 EUR/day`), and the help says so.
    pub(super) fn expect_end_after_offer(&self, expected: &str) -> Result<(), Diagnostic> {
        self.expect_end(expected).map_err(|err| match self.peek_word() {
            Some(number) if value::is_number_like(number) => {
                // The rate as written: the number and the unit after it.
                let rate = match self.toks.get(self.pos + 1) {
                    Some(Token {
                        tok: Tok::Word(unit),
                        ..
                    }) => format!("{} {}", shorten(number), shorten(unit)),
                    _ => shorten(number),
                };
                err.with_help(format!(
                    "a rate follows `at`: `at {rate}` (an offer is `AMOUNT`, `at RATE` or `AMOUNT at RATE`)"
                ))
            }
            _ => err,
        })
    }

    /// `quantity := effort | amount`
    pub(super) fn quantity(&mut self) -> Result<Spanned<Quantity>, Diagnostic> {
        let expected = "an effort like `1.5h` or `45min`, or an amount like `120 EUR`";
        let Some(Token {
            tok: Tok::Word(word),
            span,
        }) = self.peek()
        else {
            return Err(self.unexpected(expected));
        };
        match value::parse_number_word(word) {
            Some(Ok(NumberWord::Effort(effort))) => {
                self.pos += 1;
                if effort.value <= Decimal::ZERO {
                    return Err(Diagnostic::new(
                        Code::InvalidNumber,
                        *span,
                        format!("an effort must be more than 0, found `{}`", shorten(word)),
                    ));
                }
                Ok(Spanned::new(Quantity::Effort(effort), *span))
            }
            Some(Ok(NumberWord::Plain(_))) => {
                let amount = self.expect_amount(expected, true)?;
                Ok(Spanned::new(Quantity::Money(amount.value), amount.span))
            }
            Some(Err(err)) => Err(invalid_number(word, *span, err.0)),
            _ => Err(self.unexpected(expected)),
        }
    }
}

/// An `invalid-number` diagnostic for a word that starts like a number;
/// when a currency follows the digits without a space (`1000EUR/day`), the
/// help says to put one in.
fn invalid_number(word: &str, span: Span, message: String) -> Diagnostic {
    let err = Diagnostic::new(Code::InvalidNumber, span, message);
    let digits =
        word.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '-' | '.' | ',' | '_'));
    let unit = digits.split('/').next().unwrap_or(digits);
    if digits.len() < word.len() && Currency::parse(unit).is_some() {
        let number = &word[..word.len() - digits.len()];
        return err.with_help(format!(
            "put a space between the number and the currency: `{number} {digits}`"
        ));
    }
    err
}
