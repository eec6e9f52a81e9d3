//! What every analysis runs against besides the ledger: the as-of date, the
//! period, the channel filter, the grouping depth, the base currency
//! (analyses §1) and the interval of `trends`, and the parser for
//! `--period`.
//!
//! Settings only: plain data, equal when every setting is. What is computed
//! from them and the ledger (the deal facts) is in [`crate::Run`].

use std::fmt;

use chrono::{Datelike, Days, Months, NaiveDate};
use funnel_ledger::value::Currency;
use funnel_ledger::Ledger;

/// The shared settings of one `funnel report` run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// The day the ledger is judged on. Entries dated after it have not
    /// happened yet and are ignored by every analysis.
    pub as_of: NaiveDate,
    /// First day of the period (inclusive); `None`: from the beginning.
    pub from: Option<NaiveDate>,
    /// Last day of the period (inclusive). Never later than `as_of` when
    /// built with [`Context::new`].
    pub to: NaiveDate,
    /// `--channel C`: keep C and its sub-channels.
    pub channel: Option<String>,
    /// `--depth N`: cut channel names to N segments.
    pub depth: Option<usize>,
    /// The base currency every amount is converted to.
    pub currency: Option<Currency>,
    /// `--interval`: the length of one row of `trends`.
    pub interval: Interval,
}

impl Context {
    /// The default context: everything up to `as_of`, every channel at full
    /// depth, the ledger's base currency.
    pub fn new(ledger: &Ledger, as_of: NaiveDate) -> Context {
        Context {
            as_of,
            from: None,
            to: as_of,
            channel: None,
            depth: None,
            currency: ledger.base_currency,
            interval: Interval::Month,
        }
    }

    /// Narrows the period; a `to` after the as-of date is cut back to it,
    /// because later entries have not happened yet.
    pub fn with_period(self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Context {
        let to = to.map_or(self.as_of, |to| to.min(self.as_of));
        Context { from, to, ..self }
    }

    /// Whether a date lies in the period (and not after the as-of date).
    pub fn in_period(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|from| date >= from) && date <= self.to && date <= self.as_of
    }

    /// Whether `--channel` keeps this channel: the filter itself or one of
    /// its sub-channels (`platform` keeps `platform:upwork`, not
    /// `platforms`).
    pub fn keeps_channel(&self, channel: &str) -> bool {
        self.channel
            .as_deref()
            .is_none_or(|filter| within(channel, filter))
    }

    /// The name a channel is grouped under: cut to `--depth` segments.
    pub fn group<'a>(&self, channel: &'a str) -> &'a str {
        match self.depth {
            Some(depth) => cut(channel, depth),
            None => channel,
        }
    }
}

/// Whether `channel` is `ancestor` or one of its sub-channels.
pub fn within(channel: &str, ancestor: &str) -> bool {
    channel == ancestor
        || (channel.starts_with(ancestor) && channel.as_bytes().get(ancestor.len()) == Some(&b':'))
}

/// The first `depth` segments of a channel name (at least one).
pub fn cut(channel: &str, depth: usize) -> &str {
    match channel.match_indices(':').nth(depth.max(1) - 1) {
        Some((at, _)) => &channel[..at],
        None => channel,
    }
}

/// `--interval week|month|quarter`: calendar intervals, weeks from Monday
/// to Sunday (ISO 8601).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Interval {
    Week,
    #[default]
    Month,
    Quarter,
}

impl Interval {
    /// The word for one interval: `week`, `month`, `quarter`.
    pub fn name(self) -> &'static str {
        match self {
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Quarter => "quarter",
        }
    }

    /// The first day of the interval that holds `date`.
    pub fn start(self, date: NaiveDate) -> NaiveDate {
        let first_of = |month: u32| date.with_day(1).and_then(|d| d.with_month(month));
        let start = match self {
            Interval::Week => {
                date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))
            }
            Interval::Month => date.with_day(1),
            Interval::Quarter => first_of((date.month0() / 3) * 3 + 1),
        };
        start.unwrap_or(date)
    }

    /// The first day of the interval after the one starting on `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        let next = match self {
            Interval::Week => start.checked_add_days(Days::new(7)),
            Interval::Month => start.checked_add_months(Months::new(1)),
            Interval::Quarter => start.checked_add_months(Months::new(3)),
        };
        next.unwrap_or(NaiveDate::MAX)
    }

    /// The interval's name in rows: `2026-W09` (the ISO week), `2026-03`,
    /// `2026-Q1`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Interval::Week => {
                let week = start.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            Interval::Month => format!("{}-{:02}", start.year(), start.month()),
            Interval::Quarter => format!("{}-Q{}", start.year(), start.month0() / 3 + 1),
        }
    }
}

/// A `--period` as written, before it is pinned to an as-of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodSpec {
    /// `2026`: the calendar year.
    Year(i32),
    /// `2026-Q1`: the calendar quarter (1–4).
    Quarter(i32, u32),
    /// `2026-03`: the calendar month.
    Month(i32, u32),
    /// `last N days|weeks|months|years`, ending on the as-of date.
    Last(u32, LastUnit),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastUnit {
    Days,
    Weeks,
    Months,
    Years,
}

/// Why a `--period` could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodError(pub String);

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PeriodError {}

const PERIOD_FORMS: &str =
    "expected `2026`, `2026-Q1`, `2026-03` or `last N days|weeks|months|years`";

impl PeriodSpec {
    /// `period := year | year "-Q" 1..4 | year "-" month | "last" N unit`
    pub fn parse(text: &str) -> Result<PeriodSpec, PeriodError> {
        let text = text.trim();
        let bad = || PeriodError(format!("`{text}` is not a period: {PERIOD_FORMS}"));
        if let Some(rest) = text.strip_prefix("last ") {
            let mut words = rest.split_whitespace();
            let (Some(count), Some(unit), None) = (words.next(), words.next(), words.next()) else {
                return Err(bad());
            };
            let count: u32 = count.parse().map_err(|_| bad())?;
            if count == 0 {
                return Err(PeriodError(format!(
                    "`{text}` is an empty period: use `last 1 {unit}` or more"
                )));
            }
            let unit = match unit {
                "day" | "days" => LastUnit::Days,
                "week" | "weeks" => LastUnit::Weeks,
                "month" | "months" => LastUnit::Months,
                "year" | "years" => LastUnit::Years,
                _ => return Err(bad()),
            };
            return Ok(PeriodSpec::Last(count, unit));
        }
        let year = |s: &str| -> Result<i32, PeriodError> {
            if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        match text.split_once('-') {
            None => Ok(PeriodSpec::Year(year(text)?)),
            Some((y, rest)) => {
                let y = year(y)?;
                if let Some(q) = rest.strip_prefix(['Q', 'q']) {
                    match q {
                        "1" | "2" | "3" | "4" => {
                            Ok(PeriodSpec::Quarter(y, q.parse().map_err(|_| bad())?))
                        }
                        _ => Err(PeriodError(format!(
                            "`{text}` names no quarter: use Q1 to Q4"
                        ))),
                    }
                } else if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) {
                    let month: u32 = rest.parse().map_err(|_| bad())?;
                    if (1..=12).contains(&month) {
                        Ok(PeriodSpec::Month(y, month))
                    } else {
                        Err(PeriodError(format!(
                            "`{text}` names no month: use 01 to 12"
                        )))
                    }
                } else {
                    Err(bad())
                }
            }
        }
    }

    /// The first and last day of the period (both inclusive), for an as-of
    /// date. `last N days` is the N days ending on the as-of date; `last N
    /// weeks` is 7·N days; `last N months` starts the day after the same
    /// day N calendar months earlier (as-of 2026-11-26: 2026-05-27 to
    /// 2026-11-26; a day that does not exist falls back to the month's
    /// last day); `last N years` is 12·N months.
    pub fn resolve(self, as_of: NaiveDate) -> (NaiveDate, NaiveDate) {
        let month_start =
            |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN);
        let month_end = |y: i32, m: u32| {
            let next = if m == 12 {
                month_start(y + 1, 1)
            } else {
                month_start(y, m + 1)
            };
            next.pred_opt().unwrap_or(next)
        };
        match self {
            PeriodSpec::Year(y) => (month_start(y, 1), month_end(y, 12)),
            PeriodSpec::Quarter(y, q) => (month_start(y, 3 * q - 2), month_end(y, 3 * q)),
            PeriodSpec::Month(y, m) => (month_start(y, m), month_end(y, m)),
            PeriodSpec::Last(n, unit) => {
                let from = match unit {
                    LastUnit::Days => as_of.checked_sub_days(Days::new(u64::from(n) - 1)),
                    LastUnit::Weeks => as_of.checked_sub_days(Days::new(7 * u64::from(n) - 1)),
                    LastUnit::Months => months_back(as_of, n),
                    LastUnit::Years => n.checked_mul(12).and_then(|m| months_back(as_of, m)),
                };
                (from.unwrap_or(NaiveDate::MIN), as_of)
            }
        }
    }
}

/// The day after the same day `months` calendar months earlier.
fn months_back(as_of: NaiveDate, months: u32) -> Option<NaiveDate> {
    as_of.checked_sub_months(Months::new(months))?.succ_opt()
}

impl fmt::Display for PeriodSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodSpec::Year(y) => write!(f, "{y}"),
            PeriodSpec::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            PeriodSpec::Month(y, m) => write!(f, "{y}-{m:02}"),
            PeriodSpec::Last(n, unit) => {
                let unit = match unit {
                    LastUnit::Days => "day",
                    LastUnit::Weeks => "week",
                    LastUnit::Months => "month",
                    LastUnit::Years => "year",
                };
                write!(f, "last {n} {unit}{}", if *n == 1 { "" } else { "s" })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn resolved(text: &str, as_of: &str) -> (String, String) {
        let (from, to) = PeriodSpec::parse(text).unwrap().resolve(date(as_of));
        (from.to_string(), to.to_string())
    }

    #[test]
    fn calendar_periods() {
        assert_eq!(
            resolved("2026", "2026-11-26"),
            ("2026-01-01".into(), "2026-12-31".into())
        );
        assert_eq!(
            resolved("2026-Q1", "2026-11-26"),
            ("2026-01-01".into(), "2026-03-31".into())
        );
        assert_eq!(
            resolved("2026-q4", "2026-11-26"),
            ("2026-10-01".into(), "2026-12-31".into())
        );
        assert_eq!(
            resolved("2024-02", "2026-11-26"),
            ("2024-02-01".into(), "2024-02-29".into())
        );
        assert_eq!(
            resolved("2026-12", "2026-11-26"),
            ("2026-12-01".into(), "2026-12-31".into())
        );
    }

    #[test]
    fn last_periods_end_on_the_as_of_date() {
        assert_eq!(
            resolved("last 1 day", "2026-11-26"),
            ("2026-11-26".into(), "2026-11-26".into())
        );
        assert_eq!(
            resolved("last 30 days", "2026-11-26"),
            ("2026-10-28".into(), "2026-11-26".into())
        );
        assert_eq!(
            resolved("last 2 weeks", "2026-11-26"),
            ("2026-11-13".into(), "2026-11-26".into())
        );
        assert_eq!(
            resolved("last 6 months", "2026-11-26"),
            ("2026-05-27".into(), "2026-11-26".into())
        );
        assert_eq!(
            resolved("last 1 month", "2026-03-31"),
            ("2026-03-01".into(), "2026-03-31".into())
        );
        assert_eq!(
            resolved("last 1 year", "2026-11-26"),
            ("2025-11-27".into(), "2026-11-26".into())
        );
    }

    #[test]
    fn bad_periods() {
        for text in [
            "",
            "26",
            "2026-Q5",
            "2026-13",
            "2026-3",
            "last",
            "last 0 days",
            "last six months",
            "last 3 fortnights",
            "next 3 days",
        ] {
            assert!(
                PeriodSpec::parse(text).is_err(),
                "{text:?} should not parse"
            );
        }
    }

    #[test]
    fn intervals() {
        let d = date("2026-02-18"); // a Wednesday
        assert_eq!(Interval::Week.start(d), date("2026-02-16"));
        assert_eq!(Interval::Month.start(d), date("2026-02-01"));
        assert_eq!(Interval::Quarter.start(d), date("2026-01-01"));
        assert_eq!(
            Interval::Quarter.start(date("2026-12-31")),
            date("2026-10-01")
        );
        assert_eq!(Interval::Week.next(date("2026-02-16")), date("2026-02-23"));
        assert_eq!(Interval::Month.next(date("2026-12-01")), date("2027-01-01"));
        assert_eq!(
            Interval::Quarter.next(date("2026-10-01")),
            date("2027-01-01")
        );
        assert_eq!(Interval::Week.label(date("2026-02-16")), "2026-W08");
        // 2026 has 53 ISO weeks; 2024-12-30 lies in the first week of 2025.
        assert_eq!(Interval::Week.label(date("2026-12-28")), "2026-W53");
        assert_eq!(Interval::Week.label(date("2024-12-30")), "2025-W01");
        assert_eq!(Interval::Month.label(date("2026-03-01")), "2026-03");
        assert_eq!(Interval::Quarter.label(date("2026-10-01")), "2026-Q4");
    }

    #[test]
    fn channel_helpers() {
        assert!(within("platform:upwork", "platform"));
        assert!(within("platform", "platform"));
        assert!(!within("platforms", "platform"));
        assert!(!within("platform", "platform:upwork"));
        assert_eq!(cut("platform:upwork:de", 1), "platform");
        assert_eq!(cut("platform:upwork:de", 2), "platform:upwork");
        assert_eq!(cut("platform", 3), "platform");
    }
}
