//! `funnel compare`: several people's summaries ([`crate::summary`]) side
//! by side. One row per figure, one value per summary, the group's median
//! and where each value stands in the group. Plain data; the CLI renders
//! it as a table, CSV or JSON.
//!
//! - A figure a summary does not have (a channel group only some people
//!   use, amounts left out with `--no-money`, a ratio of 0 deals) is empty
//!   there, and the median and standings are over the summaries that have
//!   it. A figure no summary has is left out.
//! - The **median** of an even count is the mean of the two middle values
//!   (analyses §1); of ratios, the median of their fractions.
//! - The **standing** of a value: its rank from the highest, 1 + the
//!   number of values above it, said as "highest of 3", "2nd of 3",
//!   "lowest of 3"; "tied" when another value is equal ("tied highest of
//!   2"). None when fewer than two summaries have the figure, or when
//!   their values are all equal. Highest is
//!   not always best (days to win, cancellations): the words say where a
//!   value lies, not whether it is good.
//! - Amounts are compared only when every summary that has them is in one
//!   currency; otherwise the money rows show each value in its own
//!   currency, without median and standings, and a note says so.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::deals;
use crate::report::Cell;
use crate::summary::{Group, Ratio, Summary};

/// The comparison of several summaries.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The name of each summary's column, in the order given.
    pub names: Vec<String>,
    /// The currency of every amount, when all summaries with amounts share
    /// one.
    pub currency: Option<String>,
    /// Each summary's currency (`None` without money).
    pub currencies: Vec<Option<String>>,
    /// The period of every summary, when they all cover the same one.
    pub period: Option<(Option<NaiveDate>, NaiveDate)>,
    pub rows: Vec<Figure>,
    /// Sentences about the comparison as a whole (mixed currencies,
    /// different periods).
    pub notes: Vec<String>,
}

/// One figure across the summaries.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// The section's name in CSV and JSON: `funnel`, `channel:GROUP`,
    /// `money`, `negotiation`, `buffer`, `assumptions`.
    pub section: String,
    /// The section's heading in the table.
    pub heading: String,
    /// The figure's name in CSV and JSON (`win_rate`).
    pub name: String,
    /// Its label in the table (`win rate`).
    pub label: String,
    /// One value per summary; `Cell::Empty` where a summary lacks it.
    pub values: Vec<Cell>,
    pub median: Cell,
    /// One per summary.
    pub standings: Vec<Option<Standing>>,
}

/// Where a value stands among the values of a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    /// 1 for the highest; equal values share the rank.
    pub rank: usize,
    /// How many summaries have the figure.
    pub of: usize,
    /// Whether another value is equal to it.
    pub tied: bool,
    /// Whether no value is below it.
    pub lowest: bool,
}

impl std::fmt::Display for Standing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tied = if self.tied { "tied " } else { "" };
        let place = if self.rank == 1 {
            "highest".to_owned()
        } else if self.lowest {
            "lowest".to_owned()
        } else {
            ordinal(self.rank)
        };
        write!(f, "{tied}{place} of {}", self.of)
    }
}

/// "2nd", "3rd", "11th", "22nd".
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// How a figure's median is taken and whether standings apply.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Measure {
    Count,
    Ratio,
    Money,
    /// Days, months, fractions: numbers that are not counts.
    Number,
    /// Words (verdicts): no median, no standing.
    Text,
}

/// Compares summaries, named by `names` (one each, in the same order).
pub fn compare(names: Vec<String>, summaries: &[Summary]) -> Comparison {
    let currencies: Vec<Option<String>> = summaries.iter().map(|s| s.currency.clone()).collect();
    let mut distinct: Vec<&str> = currencies.iter().flatten().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let currency = match distinct.as_slice() {
        [one] => Some((*one).to_owned()),
        _ => None,
    };
    let mut notes = Vec::new();
    if distinct.len() > 1 {
        let each: Vec<String> = names
            .iter()
            .zip(&currencies)
            .filter_map(|(name, c)| c.as_ref().map(|c| format!("{name} in {c}")))
            .collect();
        notes.push(format!(
            "Amounts are in different currencies ({}), so they are shown each in its own and not compared: no median and no standing for them.",
            each.join(", ")
        ));
    }
    let without_money: Vec<&str> = names
        .iter()
        .zip(&currencies)
        .filter(|(_, c)| c.is_none())
        .map(|(n, _)| n.as_str())
        .collect();
    if !without_money.is_empty() && without_money.len() < names.len() {
        notes.push(format!(
            "Shared without amounts (`--no-money`): {}.",
            without_money.join(", ")
        ));
    }
    let mut periods: Vec<String> = summaries
        .iter()
        .map(|s| match s.period.from {
            Some(from) => format!("{from} to {}", s.period.to),
            None => format!("up to {}", s.period.to),
        })
        .collect();
    periods.sort_unstable();
    periods.dedup();
    if periods.len() > 1 {
        let each: Vec<String> = names
            .iter()
            .zip(summaries)
            .map(|(name, s)| match s.period.from {
                Some(from) => format!("{name} {from} to {}", s.period.to),
                None => format!("{name} up to {}", s.period.to),
            })
            .collect();
        notes.push(format!(
            "The summaries cover different periods ({}): counts of leads and deals compare unequal stretches of time.",
            each.join(", ")
        ));
    }

    let mut table = Table {
        summaries,
        comparable_money: distinct.len() <= 1,
        rows: Vec::new(),
    };
    // Funnel: the totals.
    table.group_figures("funnel", "Funnel", |s| Some(&s.total), false);
    table.figure(
        ("funnel", "Funnel"),
        ("median_days_to_win", "days lead → won"),
        Measure::Number,
        |s| s.median_days_to_win.map_or(Cell::Empty, Cell::Days),
    );
    // Channel groups: every group any summary has, by name.
    let mut groups: Vec<&str> = summaries
        .iter()
        .flat_map(|s| s.channels.iter().map(|g| g.channel.as_str()))
        .filter(|name| *name != "*")
        .collect();
    groups.sort_unstable();
    groups.dedup();
    for group in groups {
        let section = format!("channel:{group}");
        let heading = format!("Channel group {group}");
        table.group_figures(
            &section,
            &heading,
            |s| s.channels.iter().find(|g| g.channel == group),
            true,
        );
    }
    // Money: the totals' amounts.
    table.money_figures("money", "Money", |s| Some(&s.total));
    // Negotiation.
    let negotiation = ("negotiation", "Negotiation");
    table.figure(
        negotiation,
        ("below_opening_ask", "won below opening ask"),
        Measure::Ratio,
        |s| ratio(s.below_opening_ask),
    );
    table.figure(
        negotiation,
        ("median_rate_discount", "median rate discount"),
        Measure::Number,
        |s| s.median_rate_discount.map_or(Cell::Empty, Cell::Fraction),
    );
    table.figure(
        negotiation,
        ("cancelled", "contracts cancelled"),
        Measure::Ratio,
        |s| ratio(s.cancelled),
    );
    // Buffer.
    table.figure(
        ("buffer", "Buffer"),
        ("buffer_months", "months of costs"),
        Measure::Number,
        |s| s.buffer_months.map_or(Cell::Empty, Cell::Number),
    );
    // Assumptions: how many hold, then each metric and group's verdicts.
    let assumptions = ("assumptions", "Assumptions");
    table.figure(assumptions, ("holding", "holding"), Measure::Ratio, |s| {
        let judged = s
            .assumptions
            .iter()
            .filter(|a| a.verdict != "no evidence")
            .count() as u64;
        let holding = s
            .assumptions
            .iter()
            .filter(|a| a.verdict == "holds")
            .count() as u64;
        ratio(Ratio::of(holding, judged))
    });
    let mut kinds: Vec<(String, Option<String>)> = summaries
        .iter()
        .flat_map(|s| {
            s.assumptions
                .iter()
                .map(|a| (a.metric.clone(), a.channel.clone()))
        })
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    for (metric, channel) in kinds {
        let (name, label) = match &channel {
            Some(group) => (format!("{metric}:{group}"), format!("{metric} via {group}")),
            None => (metric.clone(), format!("{metric}, all channels")),
        };
        table.figure(assumptions, (&name, &label), Measure::Text, |s| {
            let verdicts: Vec<&str> = s
                .assumptions
                .iter()
                .filter(|a| a.metric == metric && a.channel == channel)
                .map(|a| a.verdict.as_str())
                .collect();
            if verdicts.is_empty() {
                Cell::Empty
            } else {
                Cell::text(verdicts.join(", "))
            }
        });
    }
    let period = summaries
        .first()
        .map(|s| (s.period.from, s.period.to))
        .filter(|_| periods.len() == 1);
    Comparison {
        names,
        period,
        currency: currency.filter(|_| distinct.len() == 1),
        currencies,
        rows: table.rows,
        notes,
    }
}

fn ratio(ratio: Option<Ratio>) -> Cell {
    ratio.map_or(Cell::Empty, |r| Cell::Rate { k: r.k, n: r.n })
}

/// The rows being built.
struct Table<'s> {
    summaries: &'s [Summary],
    /// All amounts in one currency.
    comparable_money: bool,
    rows: Vec<Figure>,
}

impl<'s> Table<'s> {
    /// The counts and ratios of a group (`total` or a channel group), and
    /// its amounts too when `with_money`.
    fn group_figures(
        &mut self,
        section: &str,
        heading: &str,
        group: impl Fn(&'s Summary) -> Option<&'s Group> + Copy,
        with_money: bool,
    ) {
        let at = (section, heading);
        self.figure(at, ("leads", "leads"), Measure::Count, |s| {
            group(s).map_or(Cell::Empty, |g| Cell::Count(g.leads))
        });
        self.figure(at, ("won", "won"), Measure::Count, |s| {
            group(s).map_or(Cell::Empty, |g| Cell::Count(g.won))
        });
        self.figure(at, ("declined", "declined by you"), Measure::Count, |s| {
            group(s).map_or(Cell::Empty, |g| Cell::Count(g.declined))
        });
        self.figure(at, ("win_rate", "win rate"), Measure::Ratio, |s| {
            ratio(group(s).and_then(|g| g.win_rate))
        });
        self.figure(
            at,
            ("hours_coverage", "hours logged on"),
            Measure::Ratio,
            |s| ratio(group(s).and_then(|g| g.hours_coverage)),
        );
        if with_money {
            self.money_figures(section, heading, group);
        }
    }

    /// The amounts of a group, when any summary has amounts.
    fn money_figures(
        &mut self,
        section: &str,
        heading: &str,
        group: impl Fn(&'s Summary) -> Option<&'s Group> + Copy,
    ) {
        if self.summaries.iter().all(|s| s.currency.is_none()) {
            return;
        }
        let at = (section, heading);
        let money = move |s: &'s Summary| group(s).and_then(|g| g.money.as_ref());
        self.figure(at, ("median_value", "median deal"), Measure::Money, |s| {
            money(s)
                .and_then(|m| m.median_value)
                .map_or(Cell::Empty, Cell::Money)
        });
        self.figure(
            at,
            ("median_day_rate", "median day rate"),
            Measure::Money,
            |s| {
                money(s)
                    .and_then(|m| m.median_day_rate)
                    .map_or(Cell::Empty, Cell::Money)
            },
        );
        self.figure(at, ("net_per_hour", "net per hour"), Measure::Money, |s| {
            money(s)
                .and_then(|m| m.net_per_hour)
                .map_or(Cell::Empty, Cell::Money)
        });
    }

    /// One row: each summary's value, the median and the standings.
    fn figure(
        &mut self,
        (section, heading): (&str, &str),
        (name, label): (&str, &str),
        measure: Measure,
        value: impl Fn(&'s Summary) -> Cell,
    ) {
        let values: Vec<Cell> = self.summaries.iter().map(value).collect();
        // A figure no summary has (no hours logged by anyone) says nothing.
        if values.iter().all(Cell::is_empty) {
            return;
        }
        let compared =
            measure != Measure::Text && (measure != Measure::Money || self.comparable_money);
        let (median, standings) = if compared {
            (median(&values, measure), standings(&values))
        } else {
            (Cell::Empty, vec![None; values.len()])
        };
        self.rows.push(Figure {
            section: section.to_owned(),
            heading: heading.to_owned(),
            name: name.to_owned(),
            label: label.to_owned(),
            values,
            median,
            standings,
        });
    }
}

/// The median of the values present: money as money, counts as a count
/// (or a number between two counts), ratios as a fraction.
fn median(values: &[Cell], measure: Measure) -> Cell {
    let present: Vec<&Cell> = values.iter().filter(|c| !c.is_empty()).collect();
    if present.is_empty() {
        return Cell::Empty;
    }
    match measure {
        Measure::Money => {
            let amounts: Vec<Decimal> = present
                .iter()
                .filter_map(|c| match c {
                    Cell::Money(d) => Some(*d),
                    _ => None,
                })
                .collect();
            deals::median(amounts).map_or(Cell::Empty, Cell::money)
        }
        Measure::Count => {
            let counts: Vec<Decimal> = present
                .iter()
                .filter_map(|c| match c {
                    Cell::Count(n) => Some(Decimal::from(*n)),
                    _ => None,
                })
                .collect();
            match deals::median(counts) {
                Some(m) if m.fract().is_zero() => {
                    Cell::Count(u64::try_from(m.trunc().mantissa()).unwrap_or(0))
                }
                Some(m) => Cell::Number(crate::words::f64_of(m)),
                None => Cell::Empty,
            }
        }
        Measure::Ratio | Measure::Number => {
            let mut numbers: Vec<f64> = present.iter().filter_map(|c| c.as_f64()).collect();
            numbers.sort_by(f64::total_cmp);
            let n = numbers.len();
            let middle = if n % 2 == 1 {
                numbers[n / 2]
            } else {
                (numbers[n / 2 - 1] + numbers[n / 2]) / 2.0
            };
            match (measure, present[0]) {
                (Measure::Ratio, _) => Cell::Fraction(middle),
                (_, Cell::Days(_)) => Cell::Days(middle),
                (_, Cell::Fraction(_)) => Cell::Fraction(middle),
                _ => Cell::Number(middle),
            }
        }
        Measure::Text => Cell::Empty,
    }
}

/// Each value's standing among the values present (none when fewer than
/// two are, or when they are all equal: then no one stands anywhere).
fn standings(values: &[Cell]) -> Vec<Option<Standing>> {
    let numbers: Vec<Option<f64>> = values.iter().map(Cell::as_f64).collect();
    let present: Vec<f64> = numbers.iter().flatten().copied().collect();
    let of = present.len();
    let differ = present.iter().any(|x| *x != present[0]);
    numbers
        .iter()
        .map(|value| {
            let value = (*value).filter(|_| of >= 2 && differ)?;
            let above = present.iter().filter(|x| **x > value).count();
            let below = present.iter().filter(|x| **x < value).count();
            let equal = of - above - below;
            Some(Standing {
                rank: above + 1,
                of,
                tied: equal > 1,
                lowest: below == 0,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(values: &[Option<u64>]) -> Vec<Cell> {
        values
            .iter()
            .map(|v| v.map_or(Cell::Empty, Cell::Count))
            .collect()
    }

    fn said(values: &[Option<u64>]) -> Vec<String> {
        standings(&counts(values))
            .into_iter()
            .map(|s| s.map(|s| s.to_string()).unwrap_or_default())
            .collect()
    }

    #[test]
    fn standings_are_said_from_the_highest() {
        assert_eq!(
            said(&[Some(3), Some(9), Some(5)]),
            ["lowest of 3", "highest of 3", "2nd of 3"]
        );
        assert_eq!(
            said(&[Some(5), Some(5), Some(1)]),
            ["tied highest of 3", "tied highest of 3", "lowest of 3"]
        );
        assert_eq!(
            said(&[Some(9), Some(2), Some(2)]),
            ["highest of 3", "tied lowest of 3", "tied lowest of 3"]
        );
        assert_eq!(
            said(&[Some(1), Some(2), Some(3), Some(4), Some(0)]),
            [
                "4th of 5",
                "3rd of 5",
                "2nd of 5",
                "highest of 5",
                "lowest of 5"
            ]
        );
        // A missing value has no standing and does not count.
        assert_eq!(
            said(&[Some(4), None, Some(2)]),
            ["highest of 2", "", "lowest of 2"]
        );
        // One value alone stands nowhere, and neither do equal values.
        assert_eq!(said(&[Some(4), None]), ["", ""]);
        assert_eq!(said(&[Some(4), Some(4), None]), ["", "", ""]);
    }

    #[test]
    fn medians_of_an_even_count_are_the_mean_of_the_middle_two() {
        assert_eq!(
            median(&counts(&[Some(3), Some(9), Some(5)]), Measure::Count),
            Cell::Count(5)
        );
        assert_eq!(
            median(&counts(&[Some(3), Some(4), None]), Measure::Count),
            Cell::Number(3.5)
        );
        let money = [
            Cell::Money(Decimal::new(100050, 2)),
            Cell::Money(Decimal::from(2000)),
            Cell::Empty,
        ];
        assert_eq!(
            median(&money, Measure::Money),
            Cell::Money(Decimal::new(150025, 2))
        );
        let ratios = [
            Cell::Rate { k: 1, n: 4 },
            Cell::Rate { k: 1, n: 2 },
            Cell::Rate { k: 3, n: 4 },
            Cell::Rate { k: 1, n: 1 },
        ];
        assert_eq!(median(&ratios, Measure::Ratio), Cell::Fraction(0.625));
    }

    #[test]
    fn ordinals() {
        let words: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            words,
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st"]
        );
    }
}
