//! Items → [`Ledger`]: declarations, stages, deals, prices and the base
//! currency, with the diagnostics that need the whole ledger to decide
//! (duplicates, unknown verbs and deals).

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Code, Diagnostic};
use crate::load::Read;
use crate::model::*;
use crate::parse::unknown_verb;
use crate::span::{Span, Spanned};
use crate::suggest::did_you_mean;
use crate::value::Currency;

/// Builds the model. Also returns the ids of deals opened twice: which
/// entries belong to which of the two is unknowable, so the date rules
/// skip those deals rather than report consequences of one mistake.
pub(crate) fn build(read: Read, diagnostics: &mut Vec<Diagnostic>) -> (Ledger, HashSet<String>) {
    let Read {
        sources,
        items,
        unresolved,
        failed_leads,
        ..
    } = read;
    let mut ledger = Ledger {
        sources,
        ..Ledger::default()
    };
    let mut items = items;
    let mut seen_options: HashMap<String, Span> = HashMap::new();
    let mut stages_at: Option<Span> = None;
    let mut duplicated = HashSet::new();

    // Declarations first: stages decide which verbs exist, wherever they
    // stand. They are few, so they are read in place (taking what the model
    // keeps) and the entries are moved only once, below.
    for item in &mut items {
        let Item::Directive(directive) = item else {
            continue;
        };
        match &mut directive.kind {
            DirectiveKind::Include { .. } => {}
            DirectiveKind::Option { name, value } => {
                if let Some(first) = seen_options.get(&name.value) {
                    diagnostics.push(duplicate(
                        name.span,
                        *first,
                        &format!("option `{}`", name.value),
                    ));
                    continue;
                }
                seen_options.insert(name.value.clone(), name.span);
                match value.value.clone() {
                    OptionValue::Currency(c) => ledger.options.currency = Some(c),
                    OptionValue::StaleAfter(d) => ledger.options.stale_after_days = d.days(),
                    OptionValue::Strict(b) => ledger.options.strict = b,
                }
            }
            DirectiveKind::Stages { names } => {
                if let Some(first) = stages_at {
                    diagnostics.push(duplicate(directive.span, first, "`stages`"));
                    continue;
                }
                stages_at = Some(directive.span);
                ledger.stages = Stages::new(names.iter().map(|n| n.value.clone()).collect());
            }
            DirectiveKind::Channel { name, title } => {
                if let Some(first) = ledger.channels.get(&name.value) {
                    diagnostics.push(duplicate(
                        name.span,
                        first.span,
                        &format!("channel `{}`", name.value),
                    ));
                    continue;
                }
                let channel = Channel {
                    name: name.value.clone(),
                    title: title.take(),
                    span: name.span,
                    extras: std::mem::take(&mut directive.extras),
                };
                ledger.channels.insert(name.value.clone(), channel);
            }
            DirectiveKind::Contact { id, name } => {
                if let Some(first) = ledger.contacts.get(&id.value) {
                    diagnostics.push(duplicate(
                        id.span,
                        first.span,
                        &format!("contact `{}`", id.value),
                    ));
                    continue;
                }
                let contact = Contact {
                    id: id.value.clone(),
                    name: name.take(),
                    span: id.span,
                    extras: std::mem::take(&mut directive.extras),
                };
                ledger.contacts.insert(id.value.clone(), contact);
            }
        }
    }

    let middle = &ledger.stages.names()[1..ledger.stages.len() - 1];
    for (verb, error) in unresolved {
        if middle.contains(&verb.value) {
            diagnostics.push(error);
        } else {
            diagnostics.push(unknown_verb(&verb, middle));
        }
    }

    // Entries: drop those naming unknown stages, open deals, attach the rest.
    ledger.entries.reserve(items.len());
    for item in items {
        let Item::Entry(entry) = item else {
            continue;
        };
        match &entry.kind {
            EntryKind::Stage { stage, .. } if ledger.stages.index(&stage.value).is_none() => {
                diagnostics.push(unknown_verb(stage, middle));
                continue;
            }
            EntryKind::Assume(assumption) => {
                if let Err(err) = check_assumption_stages(&ledger.stages, &assumption.metric) {
                    diagnostics.push(err);
                    continue;
                }
            }
            EntryKind::Lead {
                deal,
                title,
                channel,
                contact,
            } => {
                if let Some(first) = ledger.deals.get(&deal.value) {
                    let first_span = ledger_entry_deal_span(&ledger.entries, first.lead);
                    diagnostics.push(
                        Diagnostic::new(Code::DuplicateDeal, deal.span, format!("deal `{}` is opened twice", deal.value))
                            .with_related(first_span, "first opened here")
                            .with_help("a client who comes back is a new deal: give it a new id, like `acme-2`"),
                    );
                    duplicated.insert(deal.value.clone());
                    continue;
                }
                let index = ledger.entries.len();
                ledger.deals.insert(
                    deal.value.clone(),
                    Deal {
                        id: deal.value.clone(),
                        title: title.clone(),
                        channel: channel.value.clone(),
                        contact: contact.as_ref().map(|c| c.value.clone()),
                        lead: index,
                        entries: Vec::new(),
                    },
                );
            }
            EntryKind::Price { from, rate, to } => {
                ledger.prices.insert(entry.date, *from, rate.value, *to)
            }
            _ => {}
        }
        ledger.entries.push(entry);
    }
    ledger.prices.finish();

    // Deal ids → positions in `ledger.deals`, with a fast hasher: this is
    // one lookup per entry, and `ledger.deals` (part of the public model)
    // hashes with SipHash. The keys borrow the ids in the lead entries.
    let mut unknown: Vec<usize> = Vec::new();
    let entries = &ledger.entries;
    let mut positions: HashMap<&str, usize, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(ledger.deals.len(), Default::default());
    for (position, deal) in ledger.deals.values().enumerate() {
        if let Some(id) = entries[deal.lead].kind.deal() {
            positions.insert(&id.value, position);
        }
    }
    for (index, entry) in entries.iter().enumerate() {
        let Some(deal) = entry.kind.deal() else {
            continue;
        };
        match positions.get(deal.value.as_str()) {
            Some(&position) => ledger.deals[position].entries.push(index),
            None => unknown.push(index),
        }
    }
    drop(positions);
    for index in unknown {
        let deal = ledger.entries[index].kind.deal().expect("collected above");
        if failed_leads.contains(&deal.value) {
            continue;
        }
        let help = did_you_mean(&deal.value, ledger.deals.keys().map(String::as_str))
            .unwrap_or_else(|| {
                format!(
                    "open it with a line like `{} lead {} via CHANNEL`",
                    ledger.entries[index].date, deal.value
                )
            });
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownDeal,
                deal.span,
                format!("unknown deal `{}`: no `lead` opens it", deal.value),
            )
            .with_help(help),
        );
    }
    let entries = &ledger.entries;
    for deal in ledger.deals.values_mut() {
        deal.entries
            .sort_by_key(|&i| (entries[i].date, same_day_rank(&entries[i].kind), i));
    }

    ledger.base_currency = ledger.options.currency.or_else(|| single_currency(&ledger));
    (ledger, duplicated)
}

/// The order of a deal's entries on one day, so that line order never
/// matters: the lead first, then stages and notes, then the close, then
/// `ended`.
fn same_day_rank(kind: &EntryKind) -> u8 {
    match kind {
        EntryKind::Lead { .. } => 0,
        EntryKind::Won { .. } | EntryKind::Lost { .. } | EntryKind::Declined { .. } => 2,
        EntryKind::Ended { .. } => 3,
        _ => 1,
    }
}

fn ledger_entry_deal_span(entries: &[Entry], index: usize) -> Span {
    entries[index]
        .kind
        .deal()
        .map_or(entries[index].span, |d| d.span)
}

fn duplicate(span: Span, first: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateDeclaration,
        span,
        format!("{what} is declared twice"),
    )
    .with_related(first, "first declared here")
    .with_help("keep one declaration and merge the other into it")
}

fn check_assumption_stages(stages: &Stages, metric: &Metric) -> Result<(), Diagnostic> {
    let known = |name: &Spanned<String>| -> Result<usize, Diagnostic> {
        stages.index(&name.value).ok_or_else(|| {
            Diagnostic::new(
                Code::UnknownVerb,
                name.span,
                format!("unknown stage `{}` in an assumption", name.value),
            )
            .with_label("unknown stage")
            .with_help(
                did_you_mean(&name.value, stages.names().iter().map(String::as_str))
                    .unwrap_or_else(|| {
                        format!(
                            "the stages are {}",
                            stages
                                .names()
                                .iter()
                                .map(|s| format!("`{s}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }),
            )
        })
    };
    match metric {
        Metric::Conversion { from, to, .. } | Metric::Cycle { from, to, .. } => {
            let (a, b) = (known(from)?, known(to)?);
            if a >= b {
                return Err(Diagnostic::new(
                    Code::Syntax,
                    from.span.to(to.span),
                    format!(
                        "`{}->{}` does not go forward through the stages",
                        from.value, to.value
                    ),
                )
                .with_help(format!(
                    "the stage order is {}",
                    stages.names().join(" -> ")
                )));
            }
        }
        Metric::Volume { stage, .. } => {
            known(stage)?;
        }
        Metric::Value { .. } | Metric::Share { .. } => {}
    }
    Ok(())
}

/// Every amount an entry carries, with its span (for `missing-price`): at
/// most two (an offer's amount and rate), so no `Vec` per entry.
pub(crate) fn amounts(kind: &EntryKind) -> impl Iterator<Item = Spanned<crate::value::Amount>> {
    let rate = |r: &Spanned<crate::value::Rate>| Spanned::new(r.amount, r.span);
    let pair = match kind {
        EntryKind::Stage { offer: o, .. } | EntryKind::Won { offer: o, .. } => {
            [o.amount.clone(), o.rate.as_ref().map(rate)]
        }
        EntryKind::Spent { quantity, .. } => match quantity.value {
            Quantity::Money(a) => [Some(Spanned::new(a, quantity.span)), None],
            Quantity::Effort(_) => [None, None],
        },
        EntryKind::Balance { amount } => [Some(amount.clone()), None],
        EntryKind::Costs { rate: r } => [Some(rate(r)), None],
        EntryKind::Assume(Assumption {
            metric: Metric::Value { amount },
            ..
        }) => [Some(amount.clone()), None],
        _ => [None, None],
    };
    pair.into_iter().flatten()
}

/// The one currency the ledger's amounts use, if exactly one.
fn single_currency(ledger: &Ledger) -> Option<Currency> {
    let mut found: Option<Currency> = None;
    for entry in &ledger.entries {
        for amount in amounts(&entry.kind) {
            match found {
                None => found = Some(amount.currency),
                Some(c) if c != amount.currency => return None,
                Some(_) => {}
            }
        }
    }
    found
}
