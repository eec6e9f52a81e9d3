//! `textDocument/hover` and `textDocument/definition` on the names of a
//! ledger: a deal id shows where the deal stands and leads to its `lead`;
//! a channel, contact or client shows its declaration and leads to it.
//!
//! A deal's standing is read from its entries here (lead date, furthest
//! stage, the latest close, the contract's value), not from the analyses:
//! a hover must be cheap on every move of the mouse.

use chrono::NaiveDate;
use funnel_ledger::model::{Deal, EntryKind};
use funnel_ledger::{Ledger, Span};
use lsp_types::{Hover, HoverContents, Location, MarkupContent, MarkupKind, Position};

use super::at::{self, Role};
use super::documents::View;
use super::position::LineIndex;

/// The name at `position` and its part, with its range in the document.
fn name_at<'t>(
    index: &LineIndex<'t>,
    position: Position,
) -> Option<(Role, &'t str, lsp_types::Range)> {
    let (line, line_start, column) = index.line_at(position)?;
    let slot = at::at(line, column);
    let word = line.get(slot.word.clone()).filter(|w| !w.is_empty())?;
    let range = index.range(line_start + slot.word.start..line_start + slot.word.end);
    Some((slot.role, word, range))
}

pub fn hover(
    ledger: &Ledger,
    as_of: NaiveDate,
    index: &LineIndex,
    position: Position,
) -> Option<Hover> {
    let (role, word, range) = name_at(index, position)?;
    let text = match role {
        Role::Deal => deal_summary(ledger, ledger.deals.get(word)?, as_of),
        Role::Channel => {
            let mut text = format!("**channel** `{word}`");
            if let Some(channel) = ledger.channels.get(word) {
                push_title(&mut text, channel.title.as_deref());
            }
            let fee = ledger.channel_fee(word);
            if !fee.is_zero() {
                text.push_str(&format!(
                    "\n\nfee: {}%",
                    (fee * rust_decimal::Decimal::ONE_HUNDRED).normalize()
                ));
            }
            let deals = ledger.deals.values().filter(|d| d.channel == word).count();
            text.push_str(&format!(
                "\n\n{deals} deal{} via this channel",
                plural(deals)
            ));
            text
        }
        Role::Contact => {
            let contact = ledger.contacts.get(word)?;
            let mut text = format!("**contact** `{word}`");
            push_title(&mut text, contact.name.as_deref());
            if let Some(funnel_ledger::model::MetaValue::String(org)) =
                contact.extras.get("org").map(|v| &v.value)
            {
                text.push_str(&format!("\n\norg: {org}"));
            }
            text
        }
        Role::Client => {
            let client = ledger.clients.get(word)?;
            let mut text = format!("**client** `{word}`");
            push_title(&mut text, client.name.as_deref());
            text
        }
        Role::MetaKey => format!("`{word}:` {}", funnel_ledger::meta::expected_value(word)?),
        _ => return None,
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(range),
    })
}

/// Where the name at `position` is declared: a deal's `lead`, a channel's
/// (or its nearest declared parent's), a contact's or a client's
/// declaration.
pub fn definition(
    ledger: &Ledger,
    views: &[Option<View<'_>>],
    index: &LineIndex,
    position: Position,
) -> Option<Location> {
    let (role, word, _) = name_at(index, position)?;
    let span: Span = match role {
        Role::Deal => {
            let lead = ledger.entries.get(ledger.deals.get(word)?.lead as usize)?;
            ledger.form(lead).deal()?.span
        }
        Role::Channel => {
            let mut name = word;
            loop {
                if let Some(channel) = ledger.channels.get(name) {
                    break channel.span;
                }
                name = &name[..name.rfind(':')?];
            }
        }
        Role::Contact => ledger.contacts.get(word)?.span,
        Role::Client => ledger.clients.get(word)?.span,
        _ => return None,
    };
    let view = views.get(span.file.0 as usize)?.as_ref()?;
    Some(Location::new(
        view.uri.clone(),
        view.index.model_range(span.range()),
    ))
}

/// A deal's standing in a few lines of Markdown.
fn deal_summary(ledger: &Ledger, deal: &Deal, as_of: NaiveDate) -> String {
    let mut text = format!("**deal** `{}`", deal.id);
    push_title(&mut text, ledger.deal_title(deal).as_deref());
    let mut status = "open".to_owned();
    let mut furthest = 0;
    let mut latest = None;
    let mut values = Vec::new();
    for entry in ledger.deal_entries(deal) {
        if entry.date <= as_of {
            latest = Some(entry.date);
        }
        if let Some(stage) = ledger.stages.of_entry(&entry.kind) {
            furthest = furthest.max(stage);
        }
        let date = entry.date;
        match &entry.kind {
            EntryKind::Won { offer, .. } => {
                status = format!("won on {date}");
                values.extend(
                    offer
                        .as_ref()
                        .and_then(|o| o.amount.as_ref())
                        .map(|a| a.value),
                );
            }
            EntryKind::Extended { offer, .. } => {
                values.extend(
                    offer
                        .as_ref()
                        .and_then(|o| o.amount.as_ref())
                        .map(|a| a.value),
                );
            }
            EntryKind::Lost { .. } => status = format!("lost on {date}"),
            EntryKind::Declined { .. } => status = format!("declined on {date}"),
            EntryKind::Reopened { .. } => status = format!("open again since {date}"),
            EntryKind::Ended { cancelled, .. } => {
                status = format!(
                    "{} on {date}",
                    if *cancelled { "cancelled" } else { "ended" }
                );
            }
            _ => {}
        }
    }
    let open = status == "open" || status.starts_with("open again");
    if open
        && latest.is_some_and(|latest| {
            funnel_ledger::rules::is_stale(latest, as_of, ledger.options.stale_after_days)
        })
    {
        status.push_str(", stale");
    }
    let lead = &ledger.entries[deal.lead as usize];
    let stage = ledger
        .stages
        .names()
        .get(furthest)
        .map_or("lead", |s| s.as_str());
    text.push_str(&format!(
        "\n\n- status: {status}\n- channel: `{}`",
        deal.channel
    ));
    if let Some(contact) = deal.contact {
        text.push_str(&format!(", from `{contact}`"));
    }
    text.push_str(&format!(
        "\n- lead: {}; furthest stage: `{stage}`",
        lead.date
    ));
    if !values.is_empty() {
        // The `won` amount and those of the extensions, summed per
        // currency, as written (no conversion to the base currency).
        let mut sums: Vec<(funnel_ledger::value::Currency, rust_decimal::Decimal)> = Vec::new();
        for amount in &values {
            match sums
                .iter_mut()
                .find(|(currency, _)| *currency == amount.currency)
            {
                Some((_, sum)) => *sum += amount.value,
                None => sums.push((amount.currency, amount.value)),
            }
        }
        let sums: Vec<String> = sums
            .iter()
            .map(|(currency, sum)| format!("{} {currency}", sum.normalize()))
            .collect();
        text.push_str(&format!("\n- value: {}", sums.join(" + ")));
    }
    text
}

fn push_title(text: &mut String, title: Option<&str>) {
    if let Some(title) = title {
        text.push_str(" — ");
        text.push_str(title);
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
