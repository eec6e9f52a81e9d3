//! The findings of `negotiation`: a review of each of the first three
//! rows, then the patterns that hold (concessions, cancellations, the most
//! common reason for a loss), each with a next step.

use std::collections::BTreeMap;

use funnel_ledger::model::Offer;
use funnel_ledger::value::Rate;
use rust_decimal::Decimal;

use super::{Ask, Event, Row, Tally};
use crate::context::Context;
use crate::report::Report;
use crate::words::{self, f64_of, money, percent};

/// An amount in the base currency, with the amount as written when that
/// is in another currency: "9,000 EUR (10,000 USD)".
fn amount_words(offer: Option<&Offer>, value: Option<Decimal>, currency: Option<&str>) -> String {
    let Some(value) = value else {
        return "no amount".to_owned();
    };
    let mut text = money(value, currency);
    if let Some(amount) = offer.and_then(|o| o.amount.as_ref()) {
        if currency != Some(amount.value.currency.as_str()) {
            text.push_str(&format!(
                " ({})",
                money(amount.value.value, Some(amount.value.currency.as_str()))
            ));
        }
    }
    text
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

/// An ask in words: "25,000 EUR at 100 EUR/h", "90 EUR/h".
fn ask_words(ask: &Ask<'_>, currency: Option<&str>) -> String {
    let rate = ask.rate().map(|r| rate_words(&r));
    match (ask.value, rate) {
        (Some(_), Some(rate)) => format!(
            "{} at {rate}",
            amount_words(Some(ask.offer), ask.value, currency)
        ),
        (Some(_), None) => amount_words(Some(ask.offer), ask.value, currency),
        (None, Some(rate)) => rate,
        (None, None) => "no amount".to_owned(),
    }
}

/// A sentence's end: text without its own final period.
fn trimmed(text: &str) -> &str {
    text.trim_end().trim_end_matches('.')
}

/// The findings of the rows, from the first three of them (`rows`), the
/// money not earned and the notice period of every cancellation, in the
/// order of the rows (`cancelled`), and the tally.
pub(super) fn findings(
    report: &mut Report,
    ctx: &Context,
    rows: &[&Row<'_, '_>],
    cancelled: &[(Decimal, bool)],
    tally: &Tally,
) {
    let currency = ctx.currency.map(|c| c.to_string());
    let currency = currency.as_deref();
    if rows.is_empty() {
        report.info(
            "No deal in this period was won below your opening ask, lost after an offer or \
             cancelled before its end. Write what you ask on the stage where you ask it, like \
             `proposed acme 12000 EUR at 800 EUR/day`, to see what each negotiation won or cost you.",
        );
    }
    for r in rows.iter().take(3) {
        report.info(review(r, currency));
    }
    concessions(report, tally, currency);
    cancellations(report, cancelled, currency);
    reasons(report, tally);
}

/// "Review `brightloop` (concession): you opened at 42,000 EUR and agreed
/// 38,000 EUR: 4,000 EUR, of which 2,375 EUR from a 5.9% lower rate." and
/// its reason and lesson.
fn review(r: &Row<'_, '_>, currency: Option<&str>) -> String {
    let head = format!("Review `{}` ({})", r.deal.id, r.event.as_str());
    let gap = r.value_gap.map(|g| money(g, currency));
    let mut text = match r.event {
        Event::Concession => {
            let opening = r.opening.map(|a| a.value).unwrap_or_default();
            let mut text = format!(
                "{head}: you opened at {} and agreed {}: {}",
                amount_words(r.opening.map(|a| a.offer), opening, currency),
                amount_words(r.got, r.agreed_value, currency),
                gap.unwrap_or_default(),
            );
            // The split reads as the specification's example; without one,
            // the gap is "less".
            text.push_str(&match (r.rate_gap, r.rates.discount) {
                (Some(rate_gap), Some(d)) if d > Decimal::ZERO => format!(
                    ", of which {} from a {} lower rate",
                    money(rate_gap, currency),
                    percent(f64_of(d))
                ),
                (_, Some(d)) if d.is_zero() => " less, at the rate you asked: less work".to_owned(),
                (_, Some(d)) => {
                    format!(" less, at a {} higher rate: less work", percent(f64_of(-d)))
                }
                _ => " less".to_owned(),
            });
            text
        }
        Event::Lost => {
            let last = r.last.map(|a| ask_words(&a, currency)).unwrap_or_default();
            match r
                .opening
                .filter(|o| r.last.is_none_or(|l| l.offer != o.offer))
            {
                Some(opening) => format!(
                    "{head}: you opened at {} and lost at your final ask of {last}",
                    ask_words(&opening, currency)
                ),
                None => format!("{head}: you lost at your ask of {last}"),
            }
        }
        Event::Cancelled => {
            let c = r
                .cancellation
                .as_ref()
                .expect("a cancelled row has its cancellation");
            let notice = match &c.notice {
                Some(notice) if c.has_notice => format!("with a notice period of {notice}"),
                _ => "with no notice period".to_owned(),
            };
            format!(
                "{head}: cancelled on {} before its end on {}, {notice}: {} of {} not earned",
                r.date,
                c.end,
                gap.unwrap_or_default(),
                money(c.full, currency),
            )
        }
    };
    text.push('.');
    if let Some(reason) = &r.reason {
        text.push_str(&format!(" Reason: {}.", trimmed(reason)));
    }
    match &r.lesson {
        Some(lesson) => text.push_str(&format!(" Lesson: {}.", trimmed(lesson))),
        None => text.push_str(&format!(
            " No lesson yet: write one as `lesson:` on its `{}` entry.",
            r.event.close_verb()
        )),
    }
    text
}

/// "N of M deals won in the period were agreed below your opening ask, X
/// EUR in all (K with a lower rate)", from two concessions on.
fn concessions(report: &mut Report, tally: &Tally, currency: Option<&str>) {
    let n = tally.concessions.len();
    if n < 2 {
        return;
    }
    let total: Decimal = tally.concessions.iter().map(|(gap, _)| *gap).sum();
    let lower_rate = tally
        .concessions
        .iter()
        .filter(|(_, discount)| discount.is_some_and(|d| d > Decimal::ZERO))
        .count();
    report.warning(format!(
        "{n} of {} won in the period were agreed below your opening ask, {} in all ({lower_rate} \
         with a lower rate). Before you give a discount, ask what can leave the scope, and keep \
         your rate: a lower rate follows you to the next contract.",
        words::count(tally.won, "deal", "deals"),
        money(total, currency),
    ));
}

/// "N contracts were cancelled early, X EUR not earned; K had no notice
/// period: …", from one cancellation on.
fn cancellations(report: &mut Report, cancelled: &[(Decimal, bool)], currency: Option<&str>) {
    if cancelled.is_empty() {
        return;
    }
    let lost: Decimal = cancelled.iter().map(|(not_earned, _)| *not_earned).sum();
    let without = cancelled.iter().filter(|(_, notice)| !notice).count();
    let head = format!(
        "{} cancelled early, {} not earned",
        match cancelled.len() {
            1 => "1 contract was".to_owned(),
            n => format!("{n} contracts were"),
        },
        money(lost, currency),
    );
    let tail = match without {
        0 => "; each had a notice period: a kill fee on top protects the money the notice does not"
            .to_owned(),
        k => format!("; {k} had no notice period: a notice clause or kill fee protects that money"),
    };
    report.warning(format!("{head}{tail}."));
}

/// "The most common reason for a loss: #price (3 of 8 losses)", when a
/// category has two losses or more.
fn reasons(report: &mut Report, tally: &Tally) {
    let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
    for category in tally.losses.iter().flatten() {
        *by_category.entry(category.as_str()).or_default() += 1;
    }
    let Some(&most) = by_category.values().max() else {
        return;
    };
    if most < 2 {
        return;
    }
    // Tied categories are named together, in alphabetical order.
    let top: Vec<String> = by_category
        .iter()
        .filter(|(_, &n)| n == most)
        .map(|(category, _)| format!("#{category}"))
        .collect();
    let losses = tally.losses.len();
    let (head, count) = match top.len() {
        1 => (
            "The most common reason for a loss".to_owned(),
            format!("{most} of {losses} losses"),
        ),
        _ => (
            "The most common reasons for a loss".to_owned(),
            format!("{most} each of {losses} losses"),
        ),
    };
    report.info(format!(
        "{head}: {} ({count}). Prepare your answer to it before the next proposal, and write \
         down what would have changed the outcome as `lesson:` on the `lost` entry.",
        top.join(" and "),
    ));
}
