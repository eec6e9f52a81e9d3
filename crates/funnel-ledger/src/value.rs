//! The typed values of the language (§2 of the format): numbers, amounts,
//! rates, efforts, durations, percents, frequencies, dates and names, with
//! their nom parsers. Money is `rust_decimal::Decimal`, never a float.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use nom::bytes::complete::{take_while, take_while1, take_while_m_n};
use nom::character::complete::{char, digit1};
use nom::combinator::{opt, recognize};
use nom::{IResult, Parser};
use rust_decimal::Decimal;

/// A currency code: an uppercase letter, then 2–9 uppercase letters or
/// digits. Stored inline so amounts are `Copy` and cheap.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    len: u8,
    bytes: [u8; 10],
}

impl Currency {
    /// `currency := [A-Z] [A-Z0-9]{2,9}`
    pub fn parse(text: &str) -> Option<Currency> {
        let b = text.as_bytes();
        if !(3..=10).contains(&b.len())
            || !b[0].is_ascii_uppercase()
            || !b[1..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            return None;
        }
        let mut bytes = [0u8; 10];
        bytes[..b.len()].copy_from_slice(b);
        Some(Currency {
            len: b.len() as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `amount := number " " currency`
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Amount {
    pub value: Decimal,
    pub currency: Currency,
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value.normalize(), self.currency)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum RateUnit {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl RateUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            RateUnit::Hour => "h",
            RateUnit::Day => "day",
            RateUnit::Week => "week",
            RateUnit::Month => "month",
            RateUnit::Year => "year",
        }
    }

    fn parse(text: &str) -> Option<RateUnit> {
        Some(match text {
            "h" => RateUnit::Hour,
            "day" => RateUnit::Day,
            "week" => RateUnit::Week,
            "month" => RateUnit::Month,
            "year" => RateUnit::Year,
            _ => return None,
        })
    }
}

/// `rate := amount "/" unit`, e.g. `800 EUR/day`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Rate {
    pub amount: Amount,
    pub unit: RateUnit,
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.amount, self.unit.as_str())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EffortUnit {
    Hours,
    Minutes,
}

/// `effort := number ("h" | "min")`, time invested.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Effort {
    pub value: Decimal,
    pub unit: EffortUnit,
}

impl Effort {
    pub fn hours(self) -> Decimal {
        match self.unit {
            EffortUnit::Hours => self.value,
            EffortUnit::Minutes => self.value / Decimal::from(60),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DurationUnit {
    Days,
    Weeks,
    Months,
    Years,
}

impl DurationUnit {
    /// Days per unit: 7 a week, 30.436875 a month, 365.2425 a year (the
    /// mean Gregorian month and year).
    pub fn days(self) -> Decimal {
        match self {
            DurationUnit::Days => Decimal::ONE,
            DurationUnit::Weeks => Decimal::from(7),
            DurationUnit::Months => Decimal::new(30_436_875, 6),
            DurationUnit::Years => Decimal::new(3_652_425, 4),
        }
    }
}

/// `duration := number ("d" | "w" | "mo" | "y")`
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Duration {
    pub value: Decimal,
    pub unit: DurationUnit,
}

impl Duration {
    pub fn days(self) -> Decimal {
        self.value * self.unit.days()
    }
}

/// `frequency := number "/" ("w" | "mo" | "y")`, e.g. `8/mo`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Frequency {
    pub count: Decimal,
    /// The period: weeks, months or years.
    pub per: DurationUnit,
}

/// What a word that starts like a number turned out to be.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NumberWord {
    Plain(Decimal),
    Effort(Effort),
    Duration(Duration),
    /// The number as written: `10%` is `10`.
    Percent(Decimal),
    Frequency(Frequency),
}

/// Why a number-like word is not a valid number; reported as
/// `invalid-number`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberError(pub String);

/// `number-prefix := "-"? digit (digit | "_" | "," | ".")*`
fn number_prefix(input: &str) -> IResult<&str, &str> {
    recognize((
        opt(char('-')),
        digit1,
        take_while(|c: char| c.is_ascii_digit() || c == '_' || c == ',' || c == '.'),
    ))
    .parse(input)
}

/// Whether a word starts like a number (and so is judged by the number
/// rules rather than as a name).
pub fn is_number_like(word: &str) -> bool {
    number_prefix(word).is_ok()
}

/// Parses a whole word as a number with an optional unit suffix. `None` when
/// the word does not start like a number at all.
pub fn parse_number_word(word: &str) -> Option<Result<NumberWord, NumberError>> {
    let (suffix, digits) = number_prefix(word).ok()?;
    Some(parse_number_word_inner(digits, suffix))
}

fn parse_number_word_inner(digits: &str, suffix: &str) -> Result<NumberWord, NumberError> {
    let value = parse_number(digits)?;
    let word = match suffix {
        "" => NumberWord::Plain(value),
        "h" => NumberWord::Effort(Effort {
            value,
            unit: EffortUnit::Hours,
        }),
        "min" => NumberWord::Effort(Effort {
            value,
            unit: EffortUnit::Minutes,
        }),
        "d" => NumberWord::Duration(Duration {
            value,
            unit: DurationUnit::Days,
        }),
        "w" => NumberWord::Duration(Duration {
            value,
            unit: DurationUnit::Weeks,
        }),
        "mo" => NumberWord::Duration(Duration {
            value,
            unit: DurationUnit::Months,
        }),
        "y" => NumberWord::Duration(Duration {
            value,
            unit: DurationUnit::Years,
        }),
        "%" => NumberWord::Percent(value),
        "/w" => NumberWord::Frequency(Frequency {
            count: value,
            per: DurationUnit::Weeks,
        }),
        "/mo" => NumberWord::Frequency(Frequency {
            count: value,
            per: DurationUnit::Months,
        }),
        "/y" => NumberWord::Frequency(Frequency {
            count: value,
            per: DurationUnit::Years,
        }),
        other => {
            return Err(NumberError(format!(
                "`{other}` is not a unit: expected `h` or `min` (effort), `d`, `w`, `mo` or `y` \
                 (duration), `%`, or `/w`, `/mo`, `/y` (frequency)"
            )))
        }
    };
    Ok(word)
}

/// `number := "-"? digits ("." digits)?` where digits may be grouped by `_`
/// between digits or by `,` followed by exactly three digits.
pub fn parse_number(text: &str) -> Result<Decimal, NumberError> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (int_part, frac_part) = match unsigned.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (unsigned, None),
    };
    let mut clean = String::with_capacity(text.len());
    if unsigned.len() != text.len() {
        clean.push('-');
    }
    push_digits(int_part, true, &mut clean)?;
    if let Some(frac) = frac_part {
        if frac.contains('.') {
            return Err(NumberError(format!(
                "`{text}` has more than one decimal point"
            )));
        }
        if frac.is_empty() {
            return Err(NumberError(format!(
                "`{text}` needs digits after the decimal point"
            )));
        }
        if frac.contains(',') {
            return Err(NumberError(format!(
                "`{text}` has a `,` after the decimal point; `,` only groups thousands"
            )));
        }
        clean.push('.');
        push_digits(frac, false, &mut clean)?;
    }
    Decimal::from_str(&clean).map_err(|_| NumberError(format!("`{text}` is too large a number")))
}

fn push_digits(part: &str, allow_comma: bool, out: &mut String) -> Result<(), NumberError> {
    let bytes = part.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => out.push(b as char),
            b'_' => {
                let between = i > 0
                    && bytes[i - 1].is_ascii_digit()
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
                if !between {
                    return Err(NumberError(format!(
                        "`_` in `{part}` must stand between two digits"
                    )));
                }
            }
            b',' if allow_comma => {
                let group = &bytes[i + 1..];
                let digits = group.iter().take_while(|c| c.is_ascii_digit()).count();
                let after = group.get(digits);
                if i == 0 || digits != 3 || !matches!(after, None | Some(b',')) {
                    let decimal =
                        after.is_none() && (1..=2).contains(&digits) && !part[..i].contains(',');
                    let hint = if decimal {
                        format!(
                            "; write decimals with `.`: `{}.{}`",
                            &part[..i],
                            &part[i + 1..]
                        )
                    } else {
                        String::new()
                    };
                    return Err(NumberError(format!(
                        "`,` in `{part}` separates thousands and must be followed by exactly three digits{hint}"
                    )));
                }
            }
            _ => {
                return Err(NumberError(format!(
                    "unexpected `{}` in number `{part}`",
                    b as char
                )))
            }
        }
    }
    Ok(())
}

/// What went wrong reading a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD`.
    Shape,
    /// Of that form, but not on the calendar (`2026-02-30`).
    Calendar,
}

/// `date := digit{4} "-" digit{2} "-" digit{2}`, a real calendar date.
pub fn parse_date(word: &str) -> Result<NaiveDate, DateError> {
    let two = || take_while_m_n(2, 2, |c: char| c.is_ascii_digit());
    let mut shape = (
        take_while_m_n(4, 4, |c: char| c.is_ascii_digit()),
        char('-'),
        two(),
        char('-'),
        two(),
    );
    let (rest, (y, _, m, _, d)) = shape
        .parse(word)
        .map_err(|_: nom::Err<nom::error::Error<&str>>| DateError::Shape)?;
    if !rest.is_empty() {
        return Err(DateError::Shape);
    }
    let (y, m, d) = (
        y.parse().unwrap_or(0),
        m.parse().unwrap_or(0),
        d.parse().unwrap_or(0),
    );
    NaiveDate::from_ymd_opt(y, m, d).ok_or(DateError::Calendar)
}

/// Whether a word has the shape of a date (so a bad one is `invalid-date`).
pub fn looks_like_date(word: &str) -> bool {
    !matches!(parse_date(word), Err(DateError::Shape))
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'
}

/// `ident := [A-Za-z0-9] [A-Za-z0-9_.-]*`
fn ident(input: &str) -> IResult<&str, &str> {
    recognize((
        take_while_m_n(1, 1, is_ident_start),
        take_while(is_ident_char),
    ))
    .parse(input)
}

pub fn is_ident(word: &str) -> bool {
    matches!(ident(word), Ok(("", _)))
}

/// `channel := ident (":" ident)*`
pub fn is_channel(word: &str) -> bool {
    let mut rest = word;
    loop {
        match ident(rest) {
            Ok(("", _)) => return true,
            Ok((tail, _)) => match tail.strip_prefix(':') {
                Some(next) => rest = next,
                None => return false,
            },
            Err(_) => return false,
        }
    }
}

/// `rate-currency := currency "/" unit`, the second word of a rate such as
/// `EUR/day`. Returns `None` for a word without `/`.
pub fn parse_rate_currency(word: &str) -> Option<Result<(Currency, RateUnit), String>> {
    let (cur, unit) = word.split_once('/')?;
    let currency = match Currency::parse(cur) {
        Some(c) => c,
        None => return Some(Err(format!("`{cur}` is not a currency code (like `EUR`)"))),
    };
    Some(match RateUnit::parse(unit) {
        Some(u) => Ok((currency, u)),
        None => Err(format!(
            "`{unit}` is not a rate unit: expected `h`, `day`, `week`, `month` or `year`"
        )),
    })
}

/// The words after a `#` that make a tag name.
pub fn tag_name(word: &str) -> Option<&str> {
    let name = word.strip_prefix('#')?;
    is_ident(name).then_some(name)
}

/// Leading run of characters allowed in a metadata key followed by `:`.
pub fn metadata_key(line: &str) -> Option<(&str, &str)> {
    let (rest, key) = ident(line).ok()?;
    let rest = rest.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some((key, rest))
}

/// `take_while1` re-exported for the lexer, so that module stays free of
/// nom imports it does not otherwise need.
pub(crate) fn non_blank(input: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c != ' ' && c != '\t').parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Result<String, String> {
        parse_number(text).map(|d| d.to_string()).map_err(|e| e.0)
    }

    #[test]
    fn numbers() {
        assert_eq!(num("12000"), Ok("12000".into()));
        assert_eq!(num("12_000"), Ok("12000".into()));
        assert_eq!(num("12,000.50"), Ok("12000.50".into()));
        assert_eq!(num("1,234,567"), Ok("1234567".into()));
        assert_eq!(num("-5"), Ok("-5".into()));
        assert!(num("12,00").is_err());
        assert!(num("1..5").is_err());
        assert!(num("1,0000").is_err());
        assert!(num("1__0").is_err());
        assert!(num("10_").is_err());
        assert!(num("1.").is_err());
        assert!(num("1.5,000").is_err());
        assert!(num("99999999999999999999999999999999").is_err());
    }

    #[test]
    fn number_words() {
        use NumberWord::*;
        assert!(matches!(parse_number_word("1.5h"), Some(Ok(Effort(_)))));
        assert!(matches!(parse_number_word("45min"), Some(Ok(Effort(_)))));
        assert!(matches!(parse_number_word("3mo"), Some(Ok(Duration(_)))));
        assert!(matches!(parse_number_word("12.5%"), Some(Ok(Percent(_)))));
        assert!(matches!(parse_number_word("8/mo"), Some(Ok(Frequency(_)))));
        assert!(matches!(parse_number_word("2hrs"), Some(Err(_))));
        assert!(parse_number_word("acme").is_none());
        assert!(parse_number_word("-").is_none());
        let Some(Ok(Effort(e))) = parse_number_word("45min") else {
            panic!()
        };
        assert_eq!(e.hours(), Decimal::new(75, 2));
    }

    #[test]
    fn dates() {
        assert!(parse_date("2026-02-28").is_ok());
        assert_eq!(parse_date("2026-02-30"), Err(DateError::Calendar));
        assert_eq!(parse_date("2026-13-01"), Err(DateError::Calendar));
        assert_eq!(parse_date("2026-1-01"), Err(DateError::Shape));
        assert_eq!(parse_date("2026-01-011"), Err(DateError::Shape));
    }

    #[test]
    fn names() {
        assert!(is_ident("acme-2026.q1"));
        assert!(!is_ident("-acme"));
        assert!(is_channel("platform:upwork"));
        assert!(!is_channel("platform:"));
        assert!(!is_channel(":x"));
        assert_eq!(
            Currency::parse("USDC").map(|c| c.to_string()),
            Some("USDC".into())
        );
        assert!(Currency::parse("Eur").is_none());
        assert!(Currency::parse("EU").is_none());
        assert_eq!(metadata_key("rating: 4"), Some(("rating", " 4")));
        assert_eq!(metadata_key("rating:4"), None);
    }
}
