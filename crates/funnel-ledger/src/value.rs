//! The typed values of the language (§2 of the format): numbers, amounts,
//! rates, efforts, durations, percents, frequencies, dates and names, with
//! their parsers. Money is `rust_decimal::Decimal`, never a float.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use nom::bytes::complete::{tag, take_until};
use nom::combinator::rest;
use nom::sequence::separated_pair;
use nom::{IResult, Parser};
use rust_decimal::Decimal;

mod currency;

pub use currency::Currency;

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
///
/// Returns `(rest, prefix)`, `None` when the input does not start like a
/// number. The strict rules (where `_` and `,` may stand) are checked
/// afterwards by [`parse_number`], so that a malformed number is reported
/// as `invalid-number` rather than as a name.
///
/// Byte by byte (every amount, effort and rate of a ledger starts here);
/// the same as the grammar written with nom, which took three times the
/// instructions (`number_prefix_by_nom` in the tests, compared on every
/// word of up to five bytes over a mixed alphabet).
fn number_prefix(input: &str) -> Option<(&str, &str)> {
    let b = input.as_bytes();
    let sign = usize::from(b.first() == Some(&b'-'));
    let digits = b[sign..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let rest = b[sign + digits..]
        .iter()
        .take_while(|&&c| c.is_ascii_digit() || matches!(c, b'_' | b',' | b'.'))
        .count();
    // Every byte taken is ASCII, so `end` is a character boundary.
    let end = sign + digits + rest;
    Some((&input[end..], &input[..end]))
}

/// `steps := ident "->" ident`, the two stages of a `conversion` or `cycle`
/// assumption (`lead->won`), as `(from, to)`. The first `->` separates
/// them (idents may contain `-`, so `lead-` is not taken greedily).
pub fn stage_steps(word: &str) -> Option<(&str, &str)> {
    let steps: IResult<&str, (&str, &str)> =
        separated_pair(take_until("->"), tag("->"), rest).parse(word);
    let (_, (from, to)) = steps.ok()?;
    (is_ident(from) && is_ident(to)).then_some((from, to))
}

/// Whether a word starts like a number (and so is judged by the number
/// rules rather than as a name).
pub fn is_number_like(word: &str) -> bool {
    number_prefix(word).is_some()
}

/// Parses a whole word as a number with an optional unit suffix. `None` when
/// the word does not start like a number at all.
pub fn parse_number_word(word: &str) -> Option<Result<NumberWord, NumberError>> {
    let (suffix, digits) = number_prefix(word)?;
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
    if let NumberWord::Duration(duration) = word {
        if duration.days().abs() > MAX_DURATION_DAYS {
            return Err(NumberError(format!(
                "`{digits}{suffix}` is too long: a duration is at most 100 years \
                 (`100y`, `1200mo`, `5218w` or `36525d`)"
            )));
        }
    }
    Ok(word)
}

/// `number := "-"? digits ("." digits)?` where digits may be grouped by `_`
/// between digits or by `,` followed by exactly three digits.
pub fn parse_number(text: &str) -> Result<Decimal, NumberError> {
    let value = parse_number_unbounded(text)?;
    if value.abs() > MAX_NUMBER {
        return Err(NumberError(format!(
            "`{text}` is too large: a number in a ledger is at most 1,000,000,000,000 (10^12) \
             either way, which keeps every sum the reports make exact"
        )));
    }
    Ok(value)
}

/// The largest number a ledger may hold, either way (`docs/format.md`,
/// "Bounds"): amounts up to a trillion with cents. Every product and sum the
/// analyses make of such numbers (a rate times days, a million entries
/// added up) stays far inside `Decimal`'s range (about 7.9 × 10^28), so no
/// report can overflow.
pub const MAX_NUMBER: Decimal = Decimal::from_parts(0xD4A5_1000, 0xE8, 0, false, 0);

/// The longest duration a ledger may hold: 100 years, in days.
pub const MAX_DURATION_DAYS: Decimal = Decimal::from_parts(36_525, 0, 0, false, 0);

fn parse_number_unbounded(text: &str) -> Result<Decimal, NumberError> {
    if let Some(value) = plain_number(text) {
        return Ok(value);
    }
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

/// The common case of [`parse_number`] without building a `String`:
/// `-?digits(.digits)?` with no `_` or `,` and at most 18 digits (so the
/// mantissa fits a `u64` and the scale is far below `Decimal`'s 28).
/// `None` for anything else, which the general path then reads (or rejects
/// with its precise message).
fn plain_number(text: &str) -> Option<Decimal> {
    let b = text.as_bytes();
    let negative = b.first() == Some(&b'-');
    let digits = &b[usize::from(negative)..];
    let mut mantissa: u64 = 0;
    let mut count = 0u32;
    let mut scale: Option<u32> = None;
    for (i, &c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                count += 1;
            }
            // One point, with digits on both sides.
            b'.' if scale.is_none() && i > 0 && i + 1 < digits.len() => {
                scale = Some((digits.len() - i - 1) as u32);
            }
            _ => return None,
        }
        if count > 18 {
            return None;
        }
    }
    if count == 0 {
        return None;
    }
    // Same value, scale and sign as `Decimal::from_str` gives (which drops
    // the sign of a zero).
    let mut value = Decimal::from_i128_with_scale(i128::from(mantissa), scale.unwrap_or(0));
    value.set_sign_negative(negative && mantissa != 0);
    Some(value)
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
///
/// A fixed-shape byte check (every entry line starts with a date).
pub fn parse_date(word: &str) -> Result<NaiveDate, DateError> {
    let b = word.as_bytes();
    let digit = |i: usize| b[i].wrapping_sub(b'0');
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || [0, 1, 2, 3, 5, 6, 8, 9].iter().any(|&i| digit(i) > 9)
    {
        return Err(DateError::Shape);
    }
    let number =
        |range: std::ops::Range<usize>| range.fold(0u32, |n, i| n * 10 + u32::from(digit(i)));
    let (y, m, d) = (number(0..4), number(5..7), number(8..10));
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(DateError::Calendar)
}

/// [`parse_date`] remembering the last date it read: a ledger's lines come
/// day by day (a terse million entries has about 300 a day), so most dates
/// are the one before, and comparing ten bytes costs a tenth of reading a
/// date again. Tested against [`parse_date`].
#[derive(Debug, Default)]
pub struct LastDate(Option<([u8; 10], NaiveDate)>);

impl LastDate {
    pub fn parse(&mut self, word: &str) -> Result<NaiveDate, DateError> {
        if let Some((text, date)) = &self.0 {
            if word.as_bytes() == text {
                return Ok(*date);
            }
        }
        let date = parse_date(word)?;
        let text = word.as_bytes().try_into().expect("a date is ten bytes");
        self.0 = Some((text, date));
        Ok(date)
    }
}

/// Whether a word has the shape of a date (so a bad one is `invalid-date`).
pub fn looks_like_date(word: &str) -> bool {
    !matches!(parse_date(word), Err(DateError::Shape))
}

fn is_ident_char(c: u8) -> bool {
    IDENT_CHARS[usize::from(c)]
}

/// Which bytes may continue an ident: one load per byte instead of four
/// comparisons (every metadata key, deal id and channel is scanned).
static IDENT_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-';
        c += 1;
    }
    table
};

/// `ident := [A-Za-z0-9] [A-Za-z0-9_.-]*`
///
/// The length of the ident at the start of `input` (0 if none). Byte-wise:
/// the grammar is ASCII, and a non-ASCII byte simply ends the ident.
fn ident_len(input: &str) -> usize {
    let b = input.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphanumeric) {
        return 0;
    }
    1 + b[1..]
        .iter()
        .position(|&c| !is_ident_char(c))
        .unwrap_or(b.len() - 1)
}

pub fn is_ident(word: &str) -> bool {
    !word.is_empty() && ident_len(word) == word.len()
}

/// `channel := ident (":" ident)*`
///
/// One pass over the bytes (every `lead` and `spent … via` names a
/// channel; splitting on `:` first took three times the instructions).
/// Tested against the grammar's definition.
pub fn is_channel(word: &str) -> bool {
    // At the start of an ident: the next byte must begin one.
    let mut start = true;
    for &c in word.as_bytes() {
        if start {
            if !c.is_ascii_alphanumeric() {
                return false;
            }
            start = false;
        } else if c == b':' {
            start = true;
        } else if !is_ident_char(c) {
            return false;
        }
    }
    !start
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
    let len = ident_len(line);
    if len == 0 {
        return None;
    }
    let (key, rest) = line.split_at(len);
    let rest = rest.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some((key, rest))
}

/// The canonical spelling of a number-like word; other words unchanged.
pub fn normalize_number(word: &str) -> String {
    let Some(Ok(_)) = parse_number_word(word) else {
        return word.to_owned();
    };
    let end = word
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '_' | ',' | '.')))
        .unwrap_or(word.len());
    let (number, suffix) = word.split_at(end);
    let (sign, unsigned) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let digits: String = int.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::with_capacity(word.len() + 4);
    out.push_str(sign);
    if digits.len() >= 5 {
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
    } else {
        out.push_str(&digits);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.extend(frac.chars().filter(char::is_ascii_digit));
    }
    out.push_str(suffix);
    out
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

    /// The fast path gives exactly what `Decimal::from_str` gives (value,
    /// scale and sign), and leaves everything else to the general path.
    #[test]
    fn number_prefix_matches_the_nom_grammar() {
        use nom::bytes::complete::take_while;
        use nom::character::complete::{char, digit1};
        use nom::combinator::{opt, recognize};
        use nom::{IResult, Parser};
        fn number_prefix_by_nom(input: &str) -> Option<(&str, &str)> {
            let prefix: IResult<&str, &str> = recognize((
                opt(char('-')),
                digit1,
                take_while(|c: char| c.is_ascii_digit() || matches!(c, '_' | ',' | '.')),
            ))
            .parse(input);
            prefix.ok()
        }
        let alphabet = ["1", "0", "-", ".", ",", "_", "h", "é", " "];
        let mut words = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..5 {
            last = last
                .iter()
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            words.extend(last.iter().cloned());
        }
        for word in &words {
            assert_eq!(number_prefix(word), number_prefix_by_nom(word), "{word:?}");
        }
    }

    #[test]
    fn plain_numbers_match_from_str() {
        for text in [
            "0",
            "-0",
            "-0.0",
            "007",
            "12000",
            "-5",
            "1.50",
            "0.001",
            "123456789012345678",
            "-99999999.9999999999",
            "3.14159",
        ] {
            let fast = plain_number(text).unwrap_or_else(|| panic!("{text} takes the fast path"));
            let slow = Decimal::from_str(text).unwrap();
            assert_eq!(fast, slow, "{text}");
            assert_eq!(fast.to_string(), slow.to_string(), "{text}");
            assert_eq!(fast.scale(), slow.scale(), "{text}");
            assert_eq!(fast.is_sign_negative(), slow.is_sign_negative(), "{text}");
        }
        for text in [
            "1_000",
            "1,000",
            "1.",
            ".5",
            "-.5",
            "1..5",
            "-",
            "",
            "1234567890123456789",
        ] {
            assert_eq!(plain_number(text), None, "{text}");
        }
        // Past the fast path's 18 digits the slow path reads it, and the
        // bound then refuses it.
        assert_eq!(
            parse_number_unbounded("1234567890123456789").map(|d| d.to_string()),
            Ok("1234567890123456789".into())
        );
        assert!(num("1234567890123456789").is_err());
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
        // `is_channel` against `channel := ident (":" ident)*`, on every
        // word of up to five bytes over an alphabet with each kind of byte.
        let alphabet = [b'a', b'7', b':', b'-', b'_', b'.', b'/', 0xC3];
        let mut words = vec![Vec::new()];
        for _ in 0..5 {
            let longer: Vec<Vec<u8>> = words
                .iter()
                .filter(|w| w.len() == words.last().map_or(0, Vec::len))
                .flat_map(|w| alphabet.iter().map(move |&c| [w.as_slice(), &[c]].concat()))
                .collect();
            words.extend(longer);
        }
        for word in &words {
            let word = String::from_utf8_lossy(word);
            assert_eq!(is_channel(&word), word.split(':').all(is_ident), "{word:?}");
        }
        // The same answers with the last date remembered, in any order.
        let words = [
            "2026-02-28",
            "2026-02-28",
            "2026-02-30",
            "2026-02-28",
            "2026-1-01",
            "2026-03-01",
            "2026-03-01x",
            "2026-03-01",
            "2024-02-29",
            "2023-02-29",
            "2023-02-29",
            "",
            "2024-02-29",
        ];
        let mut last = LastDate::default();
        for word in words {
            assert_eq!(last.parse(word), parse_date(word), "{word:?}");
        }
        assert_eq!(parse_date("2026-02-30"), Err(DateError::Calendar));
        assert_eq!(parse_date("2026-13-01"), Err(DateError::Calendar));
        assert_eq!(parse_date("2026-1-01"), Err(DateError::Shape));
        assert_eq!(parse_date("2026-01-011"), Err(DateError::Shape));
    }

    #[test]
    fn steps() {
        assert_eq!(stage_steps("lead->won"), Some(("lead", "won")));
        assert_eq!(stage_steps("first-call->won"), Some(("first-call", "won")));
        assert_eq!(stage_steps("lead->"), None);
        assert_eq!(stage_steps("lead-won"), None);
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

    #[test]
    fn normalized_numbers() {
        assert_eq!(normalize_number("12000"), "12,000");
        assert_eq!(normalize_number("12_000"), "12,000");
        assert_eq!(normalize_number("1,500"), "1500");
        assert_eq!(normalize_number("1234567.50"), "1,234,567.50");
        assert_eq!(normalize_number("-12000.5"), "-12,000.5");
        assert_eq!(normalize_number("1_0.2_5h"), "10.25h");
        assert_eq!(normalize_number("12,000/mo"), "12,000/mo");
        assert_eq!(normalize_number("acme"), "acme");
        assert_eq!(normalize_number("2026-01-01"), "2026-01-01");
    }

    /// Numbers are bounded so that no sum or product of the reports can
    /// overflow: 10^12 either way, durations 100 years.
    #[test]
    fn numbers_have_bounds() {
        assert_eq!(MAX_NUMBER, Decimal::from(1_000_000_000_000_i64));
        assert!(parse_number("1000000000000").is_ok());
        assert!(parse_number("-1,000,000,000,000.99").is_err());
        assert!(parse_number("1000000000000.01").is_err());
        assert!(parse_number("79228162514264337593543950335").is_err());
        assert!(parse_number_word("36525d").is_some_and(|r| r.is_ok()));
        assert!(parse_number_word("100y").is_some_and(|r| r.is_ok()));
        let too_long = parse_number_word("101y").unwrap().unwrap_err();
        assert!(too_long.0.contains("100 years"), "{}", too_long.0);
        assert!(parse_number_word("5000000000000h").unwrap().is_err());
    }
}
