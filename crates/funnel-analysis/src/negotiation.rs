//! `negotiation`: where a better negotiation would have paid.
//!
//! ## What it does
//! One row per deal closed in the period — won (or won and ended) or lost,
//! by the date of its `won` or `lost` entry — that had an offer on a stage
//! entry dated on or before the close. `asked` is the offer of the latest
//! such entry (its amount and its rate, both from that one entry); `got`
//! is the offer on `won`, as agreed (a contract cancelled later is not
//! pro-rated here: the negotiation was about what was signed).
//!
//! Values are in the base currency, each converted on the date of its own
//! entry; `value_gap` = asked − got, and for a lost deal the whole ask.
//! Rates are compared when both have the same unit (`/h`, `/day`, …):
//! `rate_discount` = 1 − got/asked, with both rates as written when their
//! currencies match, else both converted to the base currency on the close
//! date. `rate_unit` names the unit of the two rate columns (`EUR/day`);
//! when the units differ it names both (`EUR/day → EUR/h`) and there is no
//! discount. Rows are sorted by `value_gap`, largest first (rows without a
//! gap last), then by `rate_discount`, then by deal.
//!
//! ## Why
//! The gap between what you ask and what you sign is money you may be
//! leaving on the table every time. The few largest gaps are the
//! situations worth replaying.
//!
//! ## Findings
//! One for each of the first three rows, the key situations to review: the
//! deal, its channel, what was asked and what was agreed (the review quotes
//! them). Then what all won deals with an ask gave away together, and what
//! the lost ones had asked.

use std::cmp::Ordering;

use chrono::NaiveDate;
use funnel_ledger::model::Offer;
use funnel_ledger::value::{Amount, Currency, Rate};
use funnel_ledger::Ledger;
use rust_decimal::Decimal;

use crate::context::Context;
use crate::deals::{self, DealFacts, Status};
use crate::report::{Cell, Column, Kind, Report};
use crate::words::{self, f64_of, money, percent, SortKey};
use crate::{Analysis, Run};

pub struct Negotiation;

impl Analysis for Negotiation {
    fn name(&self) -> &'static str {
        "negotiation"
    }

    fn description(&self) -> &'static str {
        "asked against agreed, for deals won or lost after an offer: value gap, rate discount"
    }

    fn run(&self, run: &Run<'_>) -> Report {
        let (ledger, ctx) = (run.ledger(), run.ctx());
        let columns = vec![
            Column::new("deal", "deal", Kind::Text),
            Column::new("channel", "channel", Kind::Text).optional(2),
            Column::new("outcome", "outcome", Kind::Text),
            Column::new("asked_value", "asked", Kind::Money),
            Column::new("got_value", "got", Kind::Money),
            Column::new("value_gap", "gap", Kind::Money),
            Column::new("asked_rate", "asked\nrate", Kind::Number),
            Column::new("got_rate", "got\nrate", Kind::Number),
            Column::new("rate_unit", "rate\nunit", Kind::Text),
            Column::new("rate_discount", "rate\ndiscount", Kind::Ratio),
        ];
        let mut report = Report::new(
            self.name(),
            "Negotiation: what you asked against what you agreed",
            ctx,
            columns,
        );
        let facts = run.facts();
        let mut rows: Vec<Row<'_, '_>> = facts
            .iter()
            .filter(|d| ctx.keeps_channel(&d.channel))
            .filter_map(|deal| row(ledger, ctx, deal))
            .collect();
        // Deal ids are unique, so the order is total and an unstable sort
        // gives the same result as a stable one, faster.
        rows.sort_unstable_by(|a, b| {
            descending(a.value_gap, b.value_gap)
                .then(descending(a.rates.discount, b.rates.discount))
                .then_with(|| a.id.cmp(&b.id))
        });
        for r in &rows {
            let money_cell = |v: Option<Decimal>| v.map_or(Cell::Empty, Cell::money);
            report.rows.push(vec![
                Cell::text(r.deal.id),
                Cell::text(ctx.group(r.deal.channel.as_str())),
                Cell::text(if r.won { "won" } else { "lost" }),
                money_cell(r.asked_value),
                money_cell(r.got_value),
                money_cell(r.value_gap),
                money_cell(r.rates.asked),
                money_cell(r.rates.got),
                r.rates.unit.clone().map_or(Cell::Empty, Cell::Text),
                r.rates
                    .discount
                    .map_or(Cell::Empty, |d| Cell::Fraction(f64_of(d))),
            ]);
        }
        findings(&mut report, ctx, &rows);
        report
    }
}

/// Larger first, `None` last.
fn descending<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// One closed deal with an ask.
struct Row<'a, 'l> {
    deal: &'a DealFacts,
    /// The deal's id, the sort's last key (many rows tie on the others).
    id: SortKey,
    won: bool,
    asked: &'l Offer,
    /// The `won` offer.
    got: Option<&'l Offer>,
    asked_value: Option<Decimal>,
    got_value: Option<Decimal>,
    value_gap: Option<Decimal>,
    rates: Rates,
}

fn row<'a, 'l>(ledger: &'l Ledger, ctx: &Context, deal: &'a DealFacts) -> Option<Row<'a, 'l>> {
    let won = match deal.status {
        Status::Won | Status::Ended => true,
        Status::Lost => false,
        Status::Declined | Status::Stale | Status::Open => return None,
    };
    let close = deal.closed_on.filter(|date| ctx.in_period(*date))?;
    let (ask_entry, asked) = deals::latest_ask(ledger, deal, close)?;
    let got = if won {
        deal.won_entry(ledger).and_then(|e| e.kind.offer())
    } else {
        None
    };
    let value = |amount: Option<Amount>, date: NaiveDate| {
        amount.and_then(|amount| ledger.to_base(amount, date))
    };
    let asked_value = value(asked.amount.as_ref().map(|a| a.value), ask_entry.date);
    let got_value = value(got.and_then(|o| o.amount.as_ref()).map(|a| a.value), close);
    let value_gap = if won {
        asked_value.zip(got_value).map(|(asked, got)| asked - got)
    } else {
        asked_value
    };
    let rates = Rates::compare(
        ledger,
        asked.rate.as_ref().map(|r| r.value),
        got.and_then(|o| o.rate.as_ref()).map(|r| r.value),
        close,
    );
    Some(Row {
        deal,
        id: SortKey::new(deal.id.as_str()),
        won,
        asked,
        got,
        asked_value,
        got_value,
        value_gap,
        rates,
    })
}

/// The two rates of a row, in one unit where they can be compared.
struct Rates {
    asked: Option<Decimal>,
    got: Option<Decimal>,
    /// `EUR/day`; `EUR/day → EUR/h` when the units differ.
    unit: Option<String>,
    discount: Option<Decimal>,
}

impl Rates {
    fn compare(ledger: &Ledger, asked: Option<Rate>, got: Option<Rate>, close: NaiveDate) -> Rates {
        let written = |rate: Rate| (rate.amount.value, rate.amount.currency, rate.unit);
        match (asked, got) {
            (None, None) => Rates {
                asked: None,
                got: None,
                unit: None,
                discount: None,
            },
            (Some(one), None) | (None, Some(one)) => {
                let (value, currency, unit) = written(one);
                Rates {
                    asked: asked.map(|_| value),
                    got: got.map(|_| value),
                    unit: Some(format!("{currency}/{}", unit.as_str())),
                    discount: None,
                }
            }
            (Some(a), Some(g)) => {
                // Compared as written in one currency; across currencies,
                // both converted to the base currency on the close date.
                let (asked, got, currency): (Option<Decimal>, Option<Decimal>, Option<Currency>) =
                    if a.amount.currency == g.amount.currency {
                        (
                            Some(a.amount.value),
                            Some(g.amount.value),
                            Some(a.amount.currency),
                        )
                    } else {
                        (
                            ledger.to_base(a.amount, close),
                            ledger.to_base(g.amount, close),
                            ledger.base_currency,
                        )
                    };
                let currency = currency.map(|c| c.to_string()).unwrap_or_default();
                let same_unit = a.unit == g.unit;
                let unit = if same_unit {
                    format!("{currency}/{}", a.unit.as_str())
                } else {
                    format!(
                        "{currency}/{} → {currency}/{}",
                        a.unit.as_str(),
                        g.unit.as_str()
                    )
                };
                let discount = match (asked, got) {
                    (Some(asked), Some(got)) if same_unit && !asked.is_zero() => {
                        Some(Decimal::ONE - got / asked)
                    }
                    _ => None,
                };
                Rates {
                    asked,
                    got,
                    unit: Some(unit),
                    discount,
                }
            }
        }
    }
}

/// An offer as written, with its value in the base currency: "104,000 EUR
/// at 850 EUR/day", "25,500 EUR (30,000 USD) at 110 USD/h", "95 USD/h".
fn offer_words(offer: &Offer, value: Option<Decimal>, currency: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let (Some(amount), Some(value)) = (&offer.amount, value) {
        let mut text = money(value, currency);
        if currency != Some(amount.value.currency.as_str()) {
            text.push_str(&format!(
                " ({})",
                money(amount.value.value, Some(amount.value.currency.as_str()))
            ));
        }
        parts.push(text);
    }
    if let Some(rate) = &offer.rate {
        parts.push(rate_words(&rate.value));
    }
    parts.join(" at ")
}

/// A rate as written: "850 EUR/day", "82.5 USD/h".
fn rate_words(rate: &Rate) -> String {
    format!(
        "{} {}/{}",
        words::decimal(rate.amount.value.normalize()),
        rate.amount.currency,
        rate.unit.as_str()
    )
}

fn findings(report: &mut Report, ctx: &Context, rows: &[Row<'_, '_>]) {
    let currency = ctx.currency.map(|c| c.to_string());
    let currency = currency.as_deref();
    if rows.is_empty() {
        report.info(
            "No deal won or lost in this period had an offer on a stage before it. Write what you ask \
             on the stage where you ask it, like `proposed acme 12000 EUR at 800 EUR/day`, to see what \
             each negotiation won or cost you.",
        );
        return;
    }
    for r in rows.iter().take(3) {
        let asked = offer_words(r.asked, r.asked_value, currency);
        let head = format!(
            "Review `{}` (via `{}`): you asked {asked}",
            r.deal.id, r.deal.channel
        );
        if !r.won {
            let all = r
                .asked_value
                .map(|v| format!(": all {}", money(v, currency)))
                .unwrap_or_default();
            report.info(format!("{head} and lost it{all}."));
            continue;
        }
        let agreed = match r.got.filter(|o| !o.is_empty()) {
            Some(got) => offer_words(got, r.got_value, currency),
            None => "no value".to_owned(),
        };
        let mut outcome = Vec::new();
        if let (Some(gap), Some(asked)) = (r.value_gap, r.asked_value) {
            outcome.push(match gap.cmp(&Decimal::ZERO) {
                Ordering::Greater => format!(
                    "{} less ({} of the ask)",
                    money(gap, currency),
                    percent(f64_of(gap / asked))
                ),
                Ordering::Equal => "the full value you asked".to_owned(),
                Ordering::Less => format!("{} more than you asked", money(-gap, currency)),
            });
        }
        if let Some(discount) = r.rates.discount {
            outcome.push(match discount.cmp(&Decimal::ZERO) {
                Ordering::Greater => format!("a rate {} lower", percent(f64_of(discount))),
                Ordering::Equal => "the rate you asked".to_owned(),
                Ordering::Less => format!("a rate {} higher", percent(f64_of(-discount))),
            });
        }
        let outcome = if outcome.is_empty() {
            String::new()
        } else {
            format!(": {}", outcome.join(", and "))
        };
        report.info(format!("{head} and agreed {agreed}{outcome}."));
    }

    // All negotiations together.
    let won: Vec<(Decimal, Decimal)> = rows
        .iter()
        .filter(|r| r.won)
        .filter_map(|r| r.asked_value.zip(r.got_value))
        .collect();
    let lost: Vec<Decimal> = rows
        .iter()
        .filter(|r| !r.won)
        .filter_map(|r| r.asked_value)
        .collect();
    let mut summary = Vec::new();
    if !won.is_empty() {
        let asked: Decimal = won.iter().map(|(a, _)| a).sum();
        let got: Decimal = won.iter().map(|(_, g)| g).sum();
        let gap = asked - got;
        let given = match gap.cmp(&Decimal::ZERO) {
            Ordering::Greater => format!(
                "{} ({}) less",
                money(gap, currency),
                percent(f64_of(gap / asked))
            ),
            Ordering::Equal => "exactly what you asked".to_owned(),
            Ordering::Less => format!("{} more", money(-gap, currency)),
        };
        summary.push(format!(
            "Over the {} with an asked and an agreed value, you agreed {} of the {} you asked: {given}.",
            words::count(won.len(), "won deal", "won deals"),
            money(got, currency),
            money(asked, currency),
        ));
    }
    match lost.len() {
        0 => {}
        1 => summary.push(format!(
            "The lost deal with an asked value had asked {}.",
            money(lost[0], currency),
        )),
        n => summary.push(format!(
            "The {n} lost deals with an asked value had asked {} together.",
            money(lost.iter().sum(), currency),
        )),
    }
    if !summary.is_empty() {
        report.info(summary.join(" "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger, row};

    #[test]
    fn the_latest_ask_on_or_before_the_close_counts() {
        // The second ask is the latest before `won`, even written first;
        // an offer on the won day counts; a later one does not exist.
        let l = ledger(
            "2026-01-01 lead a via x\n2026-01-05 proposed a 900 EUR\n2026-01-03 talked a 1000 EUR at 10 EUR/h\n\
             2026-01-10 won a 800 EUR\n",
        );
        let report = Negotiation.run(&Run::new(&l, Context::new(&l, date("2026-02-01"))));
        assert_eq!(
            row(&report, "a", "asked_value"),
            [Cell::money(Decimal::from(900))]
        );
        // Amount and rate come from the one entry: 900 EUR has no rate.
        assert_eq!(row(&report, "a", "asked_rate"), [Cell::Empty]);
        assert_eq!(
            row(&report, "a", "value_gap"),
            [Cell::money(Decimal::from(100))]
        );
    }

    #[test]
    fn rates_in_different_units_are_not_compared() {
        let l = ledger(
            "2026-01-01 lead a via x\n2026-01-05 proposed a at 800 EUR/day\n2026-01-10 won a at 100 EUR/h\n",
        );
        let report = Negotiation.run(&Run::new(&l, Context::new(&l, date("2026-02-01"))));
        assert_eq!(
            row(&report, "a", "rate_unit"),
            [Cell::text("EUR/day → EUR/h")]
        );
        assert_eq!(row(&report, "a", "rate_discount"), [Cell::Empty]);
        assert_eq!(row(&report, "a", "value_gap"), [Cell::Empty]);
    }

    #[test]
    fn declined_and_open_deals_are_not_negotiations() {
        let l = ledger(
            "2026-01-01 lead a via x\n2026-01-05 proposed a 900 EUR\n2026-01-10 declined a\n\
             2026-01-01 lead b via x\n2026-01-05 proposed b 900 EUR\n",
        );
        let report = Negotiation.run(&Run::new(&l, Context::new(&l, date("2026-02-01"))));
        assert!(report.rows.is_empty());
        assert!(report.findings[0]
            .message
            .starts_with("No deal won or lost"));
    }
}
