//! The charts of each analysis, drawn from its report's cells only: the
//! funnel by stage (and by channel, as small multiples), channels by net
//! per hour with their win rate and hours coverage, surprises as assumed
//! against observed with the 90% interval, the runway with the
//! cancellation scenario and the 3- and 6-month buffer levels, the
//! pipeline's expected value with its interval, and one bar chart per
//! trend column. `contacts` and `negotiation` are rankings with words in
//! every row; their table says it better than a chart.
//!
//! Every text and number shown is the table view's (`display`, `words`),
//! so the page and `funnel report` agree. The only arithmetic here is for
//! drawing (positions) and the buffer levels (3 and 6 × the monthly costs
//! the report carries, as its findings state them).

use funnel_analysis::words::{money, money_number, number, thousands};
use funnel_analysis::{Cell, Kind, Report};
use rust_decimal::Decimal;

use super::svg::{self, Bar, Estimate, Head, Level, Series, Shape, Stage};
use crate::render::table::{display, unit};

/// Charts drawn from one report, and one table of the numbers behind them.
pub struct Group {
    pub caption: String,
    /// One SVG each; small multiples are several.
    pub charts: Vec<String>,
    pub table: Table,
    /// Small multiples: laid out side by side.
    pub multiples: bool,
}

/// A table of texts as the table view writes them.
pub struct Table {
    pub headers: Vec<String>,
    /// Right-aligned columns (numbers).
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The named columns of a report's rows (those `keep` keeps), with
    /// their table-view labels and units.
    fn of(report: &Report, columns: &[&str], keep: impl Fn(&[Cell]) -> bool) -> Table {
        let currency = report.currency.as_deref();
        let found: Vec<usize> = columns.iter().filter_map(|c| report.column(c)).collect();
        let headers = found
            .iter()
            .map(|&i| header(&report.columns[i], currency))
            .collect();
        let numeric = found
            .iter()
            .map(|&i| report.columns[i].kind != Kind::Text)
            .collect();
        let rows = report
            .rows
            .iter()
            .filter(|row| keep(row))
            .map(|row| {
                found
                    .iter()
                    .map(|&i| display(&row[i], report.columns[i].kind, currency))
                    .collect()
            })
            .collect();
        Table {
            headers,
            numeric,
            rows,
        }
    }

    /// Every column of a report.
    pub fn whole(report: &Report) -> Table {
        let names: Vec<&str> = report.columns.iter().map(|c| c.name.as_str()).collect();
        Table::of(report, &names, |_| true)
    }
}

/// A column's header as the table view writes it: its label on one line,
/// then its unit in brackets.
pub fn header(column: &funnel_analysis::Column, currency: Option<&str>) -> String {
    let label = column.label.replace('\n', " ").trim().to_owned();
    let label = if label.is_empty() {
        column.name.clone()
    } else {
        label
    };
    match unit(column.kind, currency) {
        Some(unit) => format!("{label} ({unit})"),
        None => label,
    }
}

/// What to draw besides the defaults.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// The funnel of each channel as small multiples.
    pub funnel_by_channel: bool,
}

/// The chart groups of a report (none for an analysis without a chart, or
/// a report without the rows to draw); `id` prefixes the SVG ids.
pub fn groups(report: &Report, id: &str, options: Options) -> Vec<Group> {
    let mut groups = Vec::new();
    match report.analysis.as_str() {
        "funnel" => {
            groups.extend(funnel(report, id));
            if options.funnel_by_channel {
                groups.extend(funnel_by_channel(report, id));
            }
        }
        "channels" => groups.extend(channels(report, id)),
        "surprises" => groups.extend(surprises(report, id)),
        "runway" => groups.extend(runway(report, id)),
        "pipeline" => groups.extend(pipeline(report, id)),
        "trends" => groups.extend(trends(report, id)),
        _ => {}
    }
    groups
}

/// The cell of a row in the named column.
fn cell<'r>(report: &'r Report, row: &'r [Cell], column: &str) -> &'r Cell {
    report
        .column(column)
        .and_then(|i| row.get(i))
        .unwrap_or(&Cell::Empty)
}

/// A cell as the table view writes it in its column.
fn shown(report: &Report, row: &[Cell], column: &str) -> String {
    let kind = report
        .column(column)
        .map_or(Kind::Text, |i| report.columns[i].kind);
    display(cell(report, row, column), kind, report.currency.as_deref())
}

/// A top-level figure of the report (`monthly_costs`, `expected_low`).
fn top_level<'r>(report: &'r Report, name: &str) -> &'r Cell {
    report
        .extra
        .iter()
        .find(|(n, _)| n == name)
        .map_or(&Cell::Empty, |(_, c)| c)
}

fn is_total(report: &Report, row: &[Cell]) -> bool {
    *cell(report, row, "channel") == Cell::text("*")
        || row.first().is_some_and(|c| *c == Cell::text("*"))
}

/// The stages of one channel's rows of `funnel`; `short` notes give the
/// conversion alone (small multiples, whose caption says what it is).
fn stages(report: &Report, channel: &str, short: bool) -> Vec<Stage> {
    report
        .rows
        .iter()
        .filter(|row| *cell(report, row, "channel") == Cell::text(channel))
        .map(|row| {
            let previous = cell(report, row, "conversion_from_previous");
            Stage {
                label: shown(report, row, "stage"),
                value: cell(report, row, "reached").as_f64().unwrap_or(0.0),
                value_text: shown(report, row, "reached"),
                note: match previous {
                    Cell::Empty => String::new(),
                    _ if short => shown(report, row, "conversion_from_previous"),
                    _ => format!(
                        "{} from the stage before",
                        shown(report, row, "conversion_from_previous")
                    ),
                },
            }
        })
        .collect()
}

fn funnel(report: &Report, id: &str) -> Option<Group> {
    let all = stages(report, "*", false);
    let scale = all.first()?.value;
    let chart = svg::funnel(
        Head {
            id: &format!("{id}-all"),
            title: "The funnel of all channels",
            desc: &format!(
                "Deals reaching each stage: {}.",
                all.iter()
                    .map(|s| format!("{} {}", s.label, s.value_text))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        &all,
        scale,
        false,
    );
    Some(Group {
        caption: "The funnel: deals of the period reaching each stage (all channels)".to_owned(),
        charts: vec![chart],
        table: Table::of(
            report,
            &[
                "stage",
                "reached",
                "conversion_from_previous",
                "conversion_from_lead",
            ],
            |row| *cell(report, row, "channel") == Cell::text("*"),
        ),
        multiples: false,
    })
}

fn funnel_by_channel(report: &Report, id: &str) -> Option<Group> {
    let mut channels: Vec<String> = Vec::new();
    for row in &report.rows {
        let channel = shown(report, row, "channel");
        if channel != "*" && channels.last() != Some(&channel) {
            channels.push(channel);
        }
    }
    if channels.is_empty() {
        return None;
    }
    let by_channel: Vec<(String, Vec<Stage>)> = channels
        .into_iter()
        .map(|c| {
            let stages = stages(report, &c, true);
            (c, stages)
        })
        .collect();
    // One scale for all, so the funnels compare by size.
    let scale = by_channel
        .iter()
        .filter_map(|(_, s)| s.first().map(|s| s.value))
        .fold(0.0, f64::max);
    let charts = by_channel
        .iter()
        .enumerate()
        .map(|(i, (channel, stages))| {
            svg::funnel(
                Head {
                    id: &format!("{id}-c{i}"),
                    title: channel,
                    desc: &format!(
                        "The funnel of {channel}: {}.",
                        stages
                            .iter()
                            .map(|s| format!("{} {}", s.label, s.value_text))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                },
                stages,
                scale,
                true,
            )
        })
        .collect();
    Some(Group {
        caption:
            "The funnel of each channel, on one scale; beside each stage, the conversion from the \
                  stage before"
                .to_owned(),
        charts,
        table: Table::of(
            report,
            &["channel", "stage", "reached", "conversion_from_previous"],
            |row| *cell(report, row, "channel") != Cell::text("*"),
        ),
        multiples: true,
    })
}

fn channels(report: &Report, id: &str) -> Option<Group> {
    let currency = report.currency.as_deref();
    let per_hour_unit = unit(Kind::MoneyPerHour, currency).unwrap_or_default();
    let mut rows: Vec<&Vec<Cell>> = report
        .rows
        .iter()
        .filter(|row| !is_total(report, row))
        .collect();
    if rows.is_empty() {
        return None;
    }
    // Best first; channels without hours last, by name.
    rows.sort_by(|a, b| {
        let value = |row: &[Cell]| cell(report, row, "net_per_hour").as_f64();
        match (value(a), value(b)) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
    let bars: Vec<Bar> = rows
        .iter()
        .map(|row| {
            let value = cell(report, row, "net_per_hour").as_f64();
            let coverage = cell(report, row, "hours_coverage");
            let won = cell(report, row, "won").as_f64().unwrap_or(0.0);
            // The rule of the best-channel finding (analyses §3).
            let thin = won < 2.0 || coverage.as_f64().unwrap_or(0.0) < 0.5;
            let sample = format!(
                "won {} · hours on {}",
                shown(report, row, "win_rate"),
                shown(report, row, "hours_coverage")
            );
            Bar {
                label: shown(report, row, "channel"),
                value,
                value_text: match value {
                    Some(_) => format!("{} {per_hour_unit}", shown(report, row, "net_per_hour")),
                    None => "no hours logged".to_owned(),
                },
                note: if thin && value.is_some() {
                    format!("thin: {sample}")
                } else {
                    sample
                },
                thin: thin && value.is_some(),
            }
        })
        .collect();
    let chart = svg::bars(
        Head {
            id: &format!("{id}-net"),
            title: "Channels by net per hour",
            desc: &format!(
                "Net income per hour invested, by channel, best first: {}. A hollow bar is a thin sample \
                 (fewer than 2 won deals, or hours logged on fewer than half of the deals).",
                bars.iter()
                    .map(|b| format!("{} {}", b.label, b.value_text))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        &format!("net per hour ({per_hour_unit})"),
        &bars,
    );
    Some(Group {
        caption: format!(
            "Channels by net per hour ({per_hour_unit}), with the win rate and the share of deals with hours \
             logged; a hollow bar (\"thin\") is too thin a sample to trust: fewer than 2 won deals, or hours \
             on fewer than half of the deals"
        ),
        charts: vec![chart],
        table: Table::of(
            report,
            &[
                "channel",
                "net_per_hour",
                "net",
                "hours",
                "win_rate",
                "hours_coverage",
            ],
            |_| true,
        ),
        multiples: false,
    })
}

/// A cell like `like` (same unit) holding `value`: for the end of a
/// scale written as the table view writes the values on it.
fn like(like: &Cell, value: f64) -> Cell {
    match like {
        Cell::Money(_) => Cell::money(Decimal::from_f64_retain(value).unwrap_or_default()),
        Cell::Days(_) => Cell::Days(value),
        Cell::Frequency { per, .. } => Cell::Frequency { value, per: *per },
        Cell::Hours(_) => Cell::Hours(Decimal::from_f64_retain(value).unwrap_or_default()),
        Cell::Count(_) => Cell::Count(value.max(0.0).round() as u64),
        _ => Cell::Number(value),
    }
}

fn surprises(report: &Report, id: &str) -> Option<Group> {
    let currency = report.currency.as_deref();
    let estimates: Vec<Estimate> = report
        .rows
        .iter()
        .map(|row| {
            let assumed = cell(report, row, "assumed");
            let observed = cell(report, row, "observed");
            let (low, high) = (
                cell(report, row, "interval_low"),
                cell(report, row, "interval_high"),
            );
            let proportion = matches!(observed, Cell::Rate { .. } | Cell::Fraction(_))
                || matches!(assumed, Cell::Fraction(_) | Cell::Rate { .. });
            let (scale, scale_text) = if proportion {
                ((0.0, 1.0), ("0%".to_owned(), "100%".to_owned()))
            } else {
                let top = [assumed.as_f64(), observed.as_f64()]
                    .into_iter()
                    .flatten()
                    .fold(0.0, f64::max);
                let top = *svg::nice_ticks(0.0, top * 1.1).last().unwrap_or(&1.0);
                let unit_like = if observed.as_f64().is_some() {
                    observed
                } else {
                    assumed
                };
                (
                    (0.0, top),
                    (
                        "0".to_owned(),
                        display(&like(unit_like, top), Kind::Mixed, currency),
                    ),
                )
            };
            let interval = match (low.as_f64(), high.as_f64()) {
                (Some(a), Some(b)) => Some((a, b)),
                _ => None,
            };
            Estimate {
                label: shown(report, row, "assumption"),
                scale,
                scale_text,
                observed: observed.as_f64(),
                observed_text: display(observed, Kind::Mixed, currency),
                assumed: assumed.as_f64(),
                assumed_text: display(assumed, Kind::Mixed, currency),
                interval,
                interval_text: match interval {
                    Some(_) => format!(
                        "{} to {}",
                        shown(report, row, "interval_low"),
                        shown(report, row, "interval_high")
                    ),
                    None => String::new(),
                },
            }
        })
        .collect();
    if estimates.is_empty() {
        return None;
    }
    let chart = svg::intervals(
        Head {
            id: &format!("{id}-est"),
            title: "Assumed against observed",
            desc: &format!(
                "Each assumption, most surprising first: {}.",
                estimates
                    .iter()
                    .map(|e| format!(
                        "{}: assumed {}, observed {}",
                        e.label, e.assumed_text, e.observed_text
                    ))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        },
        ("observed", "assumed"),
        &estimates,
    );
    Some(Group {
        caption:
            "Your assumptions against what happened: the observed value with its 90% interval, \
                  and what you assumed, each on its own scale"
                .to_owned(),
        charts: vec![chart],
        table: Table::of(
            report,
            &[
                "assumption",
                "assumed",
                "observed",
                "n",
                "interval_low",
                "interval_high",
                "verdict",
            ],
            |_| true,
        ),
        multiples: false,
    })
}

/// Tick labels of a money axis, as the table view writes amounts.
fn money_tick(value: f64) -> String {
    money_number(Decimal::from_f64_retain(value).unwrap_or_default())
}

fn runway(report: &Report, id: &str) -> Option<Group> {
    let currency = report.currency.as_deref();
    let column = |name: &str| -> Vec<Option<f64>> {
        report
            .rows
            .iter()
            .map(|row| cell(report, row, name).as_f64())
            .collect()
    };
    let balance = column("balance_end");
    if balance.iter().all(Option::is_none) {
        return None;
    }
    let labels: Vec<String> = report
        .rows
        .iter()
        .map(|row| shown(report, row, "month"))
        .collect();
    let mut series = vec![Series {
        name: "balance, without new work".to_owned(),
        values: balance,
        dashed: false,
        shape: Shape::Circle,
    }];
    let cancelled = column("balance_if_cancelled");
    if cancelled.iter().any(Option::is_some) {
        series.push(Series {
            name: "if the largest contract ended".to_owned(),
            values: cancelled,
            dashed: true,
            shape: Shape::Square,
        });
    }
    let mut levels = Vec::new();
    if let Cell::Money(costs) = top_level(report, "monthly_costs") {
        for months in [3, 6] {
            let level = *costs * Decimal::from(months);
            levels.push(Level {
                label: format!("{months} months: {}", money(level, currency)),
                value: funnel_analysis::words::f64_of(level),
            });
        }
    }
    let money_unit = currency.unwrap_or("money");
    let chart = svg::lines(
        Head {
            id: &format!("{id}-bal"),
            title: "Your balance over the coming months",
            desc: &format!(
                "The balance at the end of each month from {} to {}, without new work{}{}.",
                labels.first().map_or("", String::as_str),
                labels.last().map_or("", String::as_str),
                if series.len() > 1 {
                    ", and if the running contract with the most income left were cancelled today"
                } else {
                    ""
                },
                if levels.is_empty() {
                    ""
                } else {
                    "; dotted lines mark 3 and 6 months of costs"
                }
            ),
        },
        ("month", &format!("balance at month end ({money_unit})")),
        &labels,
        &series,
        &levels,
        &money_tick,
    );
    Some(Group {
        caption: format!(
            "Balance at the end of each month ({money_unit}), without new work (solid) and if the \
             contract with the most income left were cancelled today (dashed); dotted lines mark 3 \
             and 6 months of costs"
        ),
        charts: vec![chart],
        table: Table::of(
            report,
            &[
                "month",
                "income",
                "costs",
                "balance_end",
                "balance_if_cancelled",
            ],
            |_| true,
        ),
        multiples: false,
    })
}

fn pipeline(report: &Report, id: &str) -> Option<Group> {
    let currency = report.currency.as_deref();
    let total = report.rows.iter().find(|row| is_total(report, row))?;
    let deals: Vec<&Vec<Cell>> = report
        .rows
        .iter()
        .filter(|row| !is_total(report, row))
        .collect();
    let asked = cell(report, total, "asked_value");
    let expected = cell(report, total, "expected_value");
    let (low, high) = (
        top_level(report, "expected_low"),
        top_level(report, "expected_high"),
    );
    let mut charts = Vec::new();
    if let (Some(asked_f), Some(expected_f)) = (asked.as_f64(), expected.as_f64()) {
        let top = *svg::nice_ticks(0.0, asked_f.max(expected_f))
            .last()
            .unwrap_or(&1.0);
        let interval = match (low.as_f64(), high.as_f64()) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => None,
        };
        let amount = |c: &Cell| display(c, Kind::Mixed, currency);
        let estimate = Estimate {
            label: "the open deals with an asked value and a win probability".to_owned(),
            scale: (0.0, top),
            scale_text: ("0".to_owned(), money_tick(top)),
            observed: Some(expected_f),
            observed_text: amount(expected),
            assumed: Some(asked_f),
            assumed_text: amount(asked),
            interval,
            interval_text: match interval {
                Some(_) => format!("{} to {}", amount(low), amount(high)),
                None => String::new(),
            },
        };
        charts.push(svg::intervals(
            Head {
                id: &format!("{id}-sum"),
                title: "What the open deals are likely worth",
                desc: &format!(
                    "Expected {} of {} asked{}.",
                    estimate.observed_text,
                    estimate.assumed_text,
                    match interval {
                        Some(_) => format!(", 90% interval {}", estimate.interval_text),
                        None => String::new(),
                    }
                ),
            },
            ("expected", "asked"),
            &[estimate],
        ));
    }
    if !deals.is_empty() {
        let bars: Vec<Bar> = deals
            .iter()
            .map(|row| {
                let value = cell(report, row, "expected_value").as_f64();
                Bar {
                    label: shown(report, row, "deal"),
                    value,
                    value_text: match value {
                        Some(_) => format!(
                            "{} {}",
                            shown(report, row, "expected_value"),
                            currency.unwrap_or("")
                        )
                        .trim_end()
                        .to_owned(),
                        None => "no expected value".to_owned(),
                    },
                    note: match cell(report, row, "asked_value") {
                        Cell::Empty => format!(
                            "no asked value · win probability {}",
                            shown(report, row, "win_probability")
                        ),
                        _ => format!(
                            "asked {} · win probability {}",
                            shown(report, row, "asked_value"),
                            shown(report, row, "win_probability")
                        ),
                    },
                    thin: false,
                }
            })
            .collect();
        charts.push(svg::bars(
            Head {
                id: &format!("{id}-deals"),
                title: "Expected value by open deal",
                desc: &format!(
                    "Each open deal's asked value times its win probability: {}.",
                    bars.iter()
                        .map(|b| format!("{} {}", b.label, b.value_text))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
            &format!("expected value ({})", currency.unwrap_or("money")),
            &bars,
        ));
    }
    if charts.is_empty() {
        return None;
    }
    Some(Group {
        caption:
            "The open pipeline: what it asks, what to expect (with its 90% interval), and each \
                  deal's expected value"
                .to_owned(),
        charts,
        table: Table::whole(report),
        multiples: false,
    })
}

fn trends(report: &Report, id: &str) -> Option<Group> {
    let currency = report.currency.as_deref();
    if report.rows.is_empty() {
        return None;
    }
    let interval = report.columns.first().map_or("period", |c| c.name.as_str());
    let labels: Vec<String> = report
        .rows
        .iter()
        .map(|row| {
            row.first()
                .map_or(String::new(), |c| display(c, Kind::Text, None))
        })
        .collect();
    let charts: Vec<String> = report
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.trend)
        .filter_map(|(i, column)| {
            let values: Vec<Option<f64>> = report.rows.iter().map(|row| row[i].as_f64()).collect();
            if values.iter().all(Option::is_none) {
                return None;
            }
            let label = column.label.replace('\n', " ");
            let y_unit = match unit(column.kind, currency) {
                Some(unit) => format!("{label} ({unit})"),
                None => format!("{label} (deals)"),
            };
            let tick: &dyn Fn(f64) -> String = match column.kind {
                Kind::Money => &money_tick,
                Kind::Count => &|v: f64| {
                    if v.fract() == 0.0 {
                        thousands(v.max(0.0) as u64)
                    } else {
                        number(v, 1)
                    }
                },
                _ => &|v: f64| number(v, 2),
            };
            let cells: Vec<&Cell> = report.rows.iter().map(|r| &r[i]).collect();
            let (_, range) = crate::render::table::trend(&cells, column.kind, currency);
            Some(svg::columns(
                Head {
                    id: &format!("{id}-{}", column.name),
                    title: &format!("{label} by {interval}"),
                    desc: &format!("{label} by {interval}, from {range}."),
                },
                (interval, &y_unit),
                &labels,
                &values,
                column.kind == Kind::Count,
                tick,
            ))
        })
        .collect();
    if charts.is_empty() {
        return None;
    }
    Some(Group {
        caption: format!("Each trend column by {interval}, oldest on the left"),
        charts,
        table: Table::whole(report),
        multiples: true,
    })
}
