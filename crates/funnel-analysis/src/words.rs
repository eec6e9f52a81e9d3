//! Numbers in words for findings: natural frequencies ("about 1 in 10"),
//! money with thousands separators ("12,000 EUR"), plurals. The CLI's table
//! view uses the same formatting so a finding and its table agree.

use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// A proportion as a natural frequency `a in b`, and whether it is exact.
///
/// Small proportions read as "1 in N" (1/15 → "1 in 15"); others as the
/// nearest fraction with a denominator up to 10 (0.4 → "2 in 5"). A
/// fraction k/n that reduces to a denominator of at most 20 is given
/// exactly (2/15 → "2 in 15").
pub fn natural(k: u64, n: u64) -> (u64, u64, bool) {
    if n == 0 {
        return (0, 0, true);
    }
    if k == 0 || k >= n {
        return (k, n, true);
    }
    let g = gcd(k, n);
    let (a, b) = (k / g, n / g);
    if b <= 20 {
        return (a, b, true);
    }
    let (a, b) = approximate(k as f64 / n as f64);
    (a, b, false)
}

/// The natural frequency closest to a proportion p in [0, 1], in the
/// forms people read best: "1 in N" below 1 in 4, "N−1 in N" above 3 in
/// 4, and in between the simplest of halves, thirds, quarters, fifths and
/// tenths that is within 2.5 points of the closest of them.
pub fn approximate(p: f64) -> (u64, u64) {
    let p = p.clamp(0.0, 1.0);
    if p == 0.0 || p == 1.0 {
        return (p as u64, 1);
    }
    let cap = |x: f64| {
        if x >= 1e15 {
            1_000_000_000_000_000
        } else {
            x as u64
        }
    };
    if p < 0.25 {
        return (1, cap((1.0 / p).round()));
    }
    if p > 0.75 {
        let n = cap((1.0 / (1.0 - p)).round()).max(2);
        return (n - 1, n);
    }
    let candidates: Vec<(u64, u64, f64)> = [2u64, 3, 4, 5, 10]
        .iter()
        .map(|&b| {
            let a = ((p * b as f64).round() as u64).clamp(1, b - 1);
            (a, b, (a as f64 / b as f64 - p).abs())
        })
        .collect();
    let best = candidates.iter().map(|c| c.2).fold(f64::INFINITY, f64::min);
    let (a, b, _) = candidates
        .into_iter()
        .find(|c| c.2 <= best + 0.025 + 1e-12)
        .unwrap_or((1, 2, 0.0));
    (a, b)
}

/// A proportion as a natural frequency without "about": "1 in 10", "all",
/// "none".
pub fn frequency(p: f64) -> String {
    match approximate(p) {
        (0, _) => "none".to_owned(),
        (a, b) if a == b => "all".to_owned(),
        (a, b) => format!("{} in {}", thousands(a), thousands(b)),
    }
}

/// "1 in 10", "about 2 in 5", "none of 12", "all 4".
pub fn in_words(k: u64, n: u64) -> String {
    let (a, b, exact) = natural(k, n);
    let about = if exact { "" } else { "about " };
    format!("{about}{} in {}", thousands(a), thousands(b))
}

/// A proportion as "about a in b" ("all" and "none" at the ends).
pub fn about(p: f64) -> String {
    match approximate(p) {
        (0, _) | (1, 1) => frequency(p),
        _ => format!("about {}", frequency(p)),
    }
}

/// How often a p-value's result would happen by chance, in words: "about 1
/// time in 3", "less than 1 time in a million".
pub fn chance(p: f64) -> String {
    if p >= 0.75 {
        "most of the time".to_owned()
    } else if p >= 0.4 {
        "about 1 time in 2".to_owned()
    } else if p < 1e-6 {
        "less than 1 time in a million".to_owned()
    } else {
        let n = (1.0 / p).round() as u64;
        format!("about 1 time in {}", thousands(round_significant(n)))
    }
}

/// Keeps two significant digits of a large count (12,345 → 12,000).
fn round_significant(n: u64) -> u64 {
    if n < 100 {
        return n;
    }
    let scale = 10u64.pow(n.ilog10() - 1);
    (n + scale / 2) / scale * scale
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// An integer with `,` between thousands.
pub fn thousands(n: u64) -> String {
    let mut out = String::new();
    thousands_into(&mut out, n);
    out
}

/// [`thousands`], appended to `out`.
pub fn thousands_into(out: &mut String, n: u64) {
    decimal_into(out, Decimal::from(n));
}

/// Money for people: whole units with thousands separators (`12,000 EUR`,
/// `-420 EUR`); below 100 the cents are kept when there are any (`85.50
/// EUR`), so small hourly figures stay meaningful.
pub fn money(value: Decimal, currency: Option<&str>) -> String {
    let mut out = String::new();
    money_number_into(&mut out, value);
    if let Some(c) = currency {
        out.push(' ');
        out.push_str(c);
    }
    out
}

/// The number part of [`money`].
pub fn money_number(value: Decimal) -> String {
    let mut out = String::new();
    money_number_into(&mut out, value);
    out
}

/// [`money_number`], appended to `out`.
pub fn money_number_into(out: &mut String, value: Decimal) {
    // A whole number (most sums of money) is shown as it is: the rounding
    // below leaves it alone (tested against it).
    if value.scale() == 0 {
        decimal_into(
            out,
            if value.is_zero() {
                Decimal::ZERO
            } else {
                value
            },
        );
        return;
    }
    money_number_rounded_into(out, value);
}

/// [`money_number_into`] for any value: rounded to cents below 100 and to
/// whole units from 100, the cents kept only when there are any.
fn money_number_rounded_into(out: &mut String, value: Decimal) {
    let places = if value.abs() < Decimal::ONE_HUNDRED {
        2
    } else {
        0
    };
    let rounded = value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    let shown = if rounded.is_zero() {
        Decimal::ZERO
    } else if rounded.fract().is_zero() {
        rounded.trunc().normalize()
    } else {
        let mut cents = rounded;
        cents.rescale(2);
        cents
    };
    decimal_into(out, shown);
}

/// A decimal with thousands separators in its integer part, as written.
pub fn decimal(value: Decimal) -> String {
    let mut out = String::new();
    decimal_into(&mut out, value);
    out
}

/// [`decimal`], appended to `out` (the table view writes a million cells
/// through it, so it allocates nothing).
///
/// The digits come from the mantissa when it fits in 64 bits, grouped as
/// they are written: going through `Display` (the formatting machinery,
/// a buffer, then cutting its text at the sign and the point) was a fifth
/// of the table view's time on a big report. Tested against that.
pub fn decimal_into(out: &mut String, value: Decimal) {
    let Ok(mut n) = u64::try_from(value.mantissa().unsigned_abs()) else {
        return decimal_into_by_display(out, value);
    };
    // The digits, from the right, at least `scale + 1` of them (`0.05`).
    let scale = value.scale() as usize;
    let mut digits = [b'0'; 48];
    let mut start = digits.len();
    while n > 0 {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let start = start.min(digits.len() - scale - 1);
    let point = digits.len() - scale;
    let int = &digits[start..point];
    out.reserve(1 + int.len() + int.len() / 3 + 1 + scale);
    if value.is_sign_negative() {
        out.push('-');
    }
    // A separator before every digit that starts a group of three counted
    // from the right.
    for (i, &digit) in int.iter().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(char::from(digit));
    }
    if scale > 0 {
        out.push('.');
        out.extend(digits[point..].iter().map(|&d| char::from(d)));
    }
}

/// [`decimal_into`] by way of `Display`: for mantissas beyond 64 bits.
fn decimal_into_by_display(out: &mut String, value: Decimal) {
    let mut text = Digits::new();
    // Writing to `Digits` cannot fail.
    let _ = write!(text, "{value}");
    let text = text.as_str();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    out.push_str(sign);
    group_into(out, int);
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
}

fn group_into(out: &mut String, digits: &str) {
    out.reserve(digits.len() + digits.len() / 3);
    // A separator goes before every digit that starts a group of three
    // counted from the right.
    let first_group = digits.len() % 3;
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && i % 3 == first_group {
            out.push(',');
        }
        out.push(c);
    }
}

/// A number's text on the stack: the `_into` writers format into it
/// instead of a `String` of their own. A decimal's text is at most 31
/// bytes and an integer's 20; a longer text (none is) moves to the heap
/// rather than being cut.
struct Digits {
    buf: [u8; 48],
    len: usize,
    spilled: String,
}

impl Digits {
    fn new() -> Digits {
        Digits {
            buf: [0; 48],
            len: 0,
            spilled: String::new(),
        }
    }

    fn as_str(&self) -> &str {
        if self.spilled.is_empty() {
            // Only whole `str`s are copied in, so the bytes are UTF-8.
            std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
        } else {
            &self.spilled
        }
    }
}

impl std::fmt::Write for Digits {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if self.spilled.is_empty() && end <= self.buf.len() {
            self.buf[self.len..end].copy_from_slice(s.as_bytes());
            self.len = end;
        } else {
            if self.spilled.is_empty() {
                let head = std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default();
                self.spilled.push_str(head);
            }
            self.spilled.push_str(s);
        }
        Ok(())
    }
}

/// A count with its noun: "1 deal", "3 deals".
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!(
        "{} {}",
        thousands(n as u64),
        if n == 1 { singular } else { plural }
    )
}

/// Up to six items joined by commas, then "and N more". Only the items
/// shown are made (a big ledger's list of open deals has thousands).
pub fn list<I>(items: I) -> String
where
    I: IntoIterator<Item = String>,
    I::IntoIter: ExactSizeIterator,
{
    const SHOWN: usize = 6;
    let items = items.into_iter();
    let total = items.len();
    let shown: Vec<String> = items.take(SHOWN).collect();
    if total <= SHOWN {
        return shown.join(", ");
    }
    format!("{} and {} more", shown.join(", "), total - SHOWN)
}

/// A number with at most `places` decimals, trailing zeros dropped.
pub fn number(value: f64, places: u32) -> String {
    let mut out = String::new();
    number_into(&mut out, value, places);
    out
}

/// [`number`], appended to `out`.
pub fn number_into(out: &mut String, value: f64, places: u32) {
    let d = Decimal::from_f64_retain(value).unwrap_or_default();
    let rounded = d
        .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    decimal_into(out, rounded);
}

/// Hours as written: "12.5 h".
pub fn hours(value: Decimal) -> String {
    format!("{} h", decimal(value.round_dp(2).normalize()))
}

/// Hours in a sentence: "1 hour", "12.5 hours".
pub fn hours_words(value: Decimal) -> String {
    let value = value.round_dp(2).normalize();
    format!(
        "{} hour{}",
        decimal(value),
        if value == Decimal::ONE { "" } else { "s" }
    )
}

/// A percentage with one decimal: "25.0%".
pub fn percent(p: f64) -> String {
    let mut out = String::new();
    percent_into(&mut out, p);
    out
}

/// [`percent`], appended to `out`.
pub fn percent_into(out: &mut String, p: f64) {
    // Halves round away from zero, as people round (1 in 16 is 6.3%, not
    // the 6.2% of `{:.1}`, which rounds halves to even).
    // Writing to a `String` cannot fail.
    let _ = write!(out, "{:.1}%", (p * 1000.0).round() / 10.0);
}

/// The `to_f64` of a decimal, 0 when out of range.
pub fn f64_of(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// A text to sort by, ordered exactly as the text: its first eight bytes
/// are kept in the key as a number, so most comparisons never read the
/// text (a big ledger's deal ids lie all over memory, and sorting 100,000
/// rows by them made reading them most of the sort's time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortKey {
    head: u64,
    text: &'static str,
}

impl SortKey {
    pub fn new(text: &'static str) -> SortKey {
        let mut head = [0u8; 8];
        let n = text.len().min(8);
        head[..n].copy_from_slice(&text.as_bytes()[..n]);
        SortKey {
            head: u64::from_be_bytes(head),
            text,
        }
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &SortKey) -> std::cmp::Ordering {
        // Big-endian, padded with zero bytes: a smaller head is a smaller
        // text (a zero byte pads a shorter text, which sorts first); equal
        // heads need the texts.
        self.head
            .cmp(&other.head)
            .then_with(|| self.text.cmp(other.text))
    }
}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &SortKey) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// Pseudo-random numbers for the tests below (a linear congruential
    /// generator: the same sequence on every run).
    fn next_random(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed
    }

    /// Whole numbers skip the rounding, which would have left them alone.
    #[test]
    fn whole_money_is_shown_as_the_rounding_shows_it() {
        let mut seed = 5u64;
        for i in 0..5_000 {
            let seed = next_random(&mut seed);
            let mut value = Decimal::from(((seed >> 20) % 400_000) as i64 - 200_000)
                / Decimal::from([1, 1, 1000][i % 3]);
            if i % 7 == 0 {
                value = Decimal::ZERO;
                value.set_sign_negative(i % 2 == 0);
            }
            let (mut ours, mut rounded) = (String::new(), String::new());
            money_number_into(&mut ours, value);
            money_number_rounded_into(&mut rounded, value);
            assert_eq!(ours, rounded, "{value:?}");
        }
    }

    /// Integers go through [`decimal_into`]: the same text as formatting
    /// them and grouping the digits.
    #[test]
    fn thousands_are_grouped_digits() {
        let mut seed = 9u64;
        let mut numbers = vec![0, 1, 999, 1_000, 999_999, 1_000_000, u64::MAX];
        for _ in 0..2_000 {
            let seed = next_random(&mut seed);
            numbers.push(seed >> (seed % 64));
        }
        for n in numbers {
            let (mut ours, mut grouped) = (String::new(), String::new());
            thousands_into(&mut ours, n);
            group_into(&mut grouped, &n.to_string());
            assert_eq!(ours, grouped, "{n}");
        }
    }

    /// The digits written directly are what going through `Display`
    /// writes, for every scale, both signs, negative zero, 64-bit
    /// mantissas at their edge and beyond (which take that way).
    #[test]
    fn decimal_digits_are_what_display_writes() {
        let mut mantissas: Vec<i128> = vec![0, 1, 5, 9, 10, 99, 100, 12_345, 1_000_000];
        for shift in [31, 32, 53, 63, 64, 65, 90, 95] {
            let m = 1i128 << shift;
            mantissas.extend([m - 1, m, m + 1]);
        }
        mantissas.extend([u64::MAX as i128, u64::MAX as i128 + 1, (1i128 << 96) - 1]);
        let mut seed = 3u64;
        for _ in 0..2_000 {
            let seed = next_random(&mut seed);
            mantissas.push(i128::from(seed >> (seed % 64)));
        }
        for m in mantissas {
            for scale in 0..=28 {
                for negative in [false, true] {
                    let Ok(mut value) = Decimal::try_from_i128_with_scale(m, scale) else {
                        continue;
                    };
                    value.set_sign_negative(negative);
                    let (mut ours, mut display) = (String::new(), String::new());
                    decimal_into(&mut ours, value);
                    decimal_into_by_display(&mut display, value);
                    assert_eq!(ours, display, "{m} {scale} {negative}");
                }
            }
        }
    }

    #[test]
    fn percent_rounds_halves_up() {
        assert_eq!(percent(1.0 / 16.0), "6.3%");
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(percent(0.07), "7.0%");
        assert_eq!(percent(1.0 / 3.0), "33.3%");
        assert_eq!(percent(0.0), "0.0%");
    }

    #[test]
    fn natural_frequencies() {
        assert_eq!(in_words(1, 15), "1 in 15");
        assert_eq!(in_words(2, 15), "2 in 15");
        assert_eq!(in_words(3, 12), "1 in 4");
        assert_eq!(in_words(0, 7), "0 in 7");
        assert_eq!(in_words(4, 4), "4 in 4");
        assert_eq!(in_words(31, 137), "about 1 in 4");
        assert_eq!(about(0.1), "about 1 in 10");
        assert_eq!(about(0.5), "about 1 in 2");
        assert_eq!(about(0.4), "about 2 in 5");
        assert_eq!(about(0.3), "about 3 in 10");
        assert_eq!(about(0.15), "about 1 in 7");
        assert_eq!(about(0.02), "about 1 in 50");
        assert_eq!(about(14.0 / 26.0), "about 1 in 2");
        assert_eq!(about(2.0 / 3.0), "about 2 in 3");
        assert_eq!(about(0.75), "about 3 in 4");
        assert_eq!(about(0.95), "about 19 in 20");
        assert_eq!(about(1.0), "all");
        assert_eq!(about(0.0), "none");
    }

    #[test]
    fn chances() {
        assert_eq!(chance(1.0), "most of the time");
        assert_eq!(chance(0.35), "about 1 time in 3");
        assert_eq!(chance(0.031), "about 1 time in 32");
        assert_eq!(chance(0.000081), "about 1 time in 12,000");
        assert_eq!(chance(1e-9), "less than 1 time in a million");
    }

    #[test]
    fn money_for_people() {
        let m = |s: &str| money(Decimal::from_str(s).unwrap(), Some("EUR"));
        assert_eq!(m("12000"), "12,000 EUR");
        assert_eq!(m("1234567.89"), "1,234,568 EUR");
        assert_eq!(m("-420.4"), "-420 EUR");
        assert_eq!(m("85.5"), "85.50 EUR");
        assert_eq!(m("85"), "85 EUR");
        assert_eq!(m("0"), "0 EUR");
        assert_eq!(money(Decimal::from(5), None), "5");
    }

    /// The writers that append give the texts of the functions that
    /// return them, after any text already there; a text longer than the
    /// stack buffer is kept whole.
    #[test]
    fn writers_append_what_the_functions_return() {
        let values = [
            "0",
            "-0.5",
            "85.5",
            "99.995",
            "100",
            "-420.4",
            "12000",
            "1234567.89",
            "0.0000000000000000000000000001",
            "-79228162514264337593543950335",
            "7922816251426433759354395.0335",
        ];
        for v in values {
            let d = Decimal::from_str(v).unwrap();
            let mut out = String::from("x");
            money_number_into(&mut out, d);
            decimal_into(&mut out, d);
            number_into(&mut out, f64_of(d), 1);
            percent_into(&mut out, f64_of(d));
            let percent = (f64_of(d) * 1000.0).round() / 10.0;
            let expected = format!(
                "x{}{}{}{percent:.1}%",
                money_number(d),
                decimal(d),
                number(f64_of(d), 1),
            );
            assert_eq!(out, expected, "{v}");
        }
        assert_eq!(
            decimal(Decimal::from_str("-1234567.5").unwrap()),
            "-1,234,567.5"
        );
        for n in [0, 7, 999, 1000, 123_456, u64::MAX] {
            let mut out = String::from("y");
            thousands_into(&mut out, n);
            let digits = n.to_string();
            let mut grouped = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(c);
            }
            assert_eq!(out, format!("y{grouped}"));
        }
        let mut long = Digits::new();
        let text = "1234567890".repeat(7);
        write!(long, "{}", &text[..40]).unwrap();
        write!(long, "{}", &text[40..]).unwrap();
        assert_eq!(long.as_str(), text);
    }

    #[test]
    fn lists_show_six_and_make_no_more() {
        let made = std::cell::Cell::new(0);
        let items = |n: usize| {
            (0..n).map(|i| {
                made.set(made.get() + 1);
                format!("d{i}")
            })
        };
        assert_eq!(list(items(0)), "");
        assert_eq!(list(items(2)), "d0, d1");
        assert_eq!(list(items(6)), "d0, d1, d2, d3, d4, d5");
        made.set(0);
        assert_eq!(list(items(1000)), "d0, d1, d2, d3, d4, d5 and 994 more");
        assert_eq!(made.get(), 6);
    }

    /// Sort keys order exactly as their texts: shorter prefixes, zero
    /// bytes, multi-byte characters, texts equal in their first eight bytes.
    #[test]
    fn sort_keys_order_as_their_texts() {
        let texts = [
            "",
            "a",
            "a\0",
            "a\0b",
            "ab",
            "abcdefgh",
            "abcdefgh",
            "abcdefghi",
            "abcdefgi",
            "abcdefgha",
            "b",
            "é",
            "e\u{301}",
            "zzzzzzzzzz",
            "tt-spreewerk-1ig",
            "tt-spreewerk-1ia",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(
                    SortKey::new(a).cmp(&SortKey::new(b)),
                    a.cmp(b),
                    "{a:?} {b:?}"
                );
            }
        }
    }
}
