//! The rules of format §4 that look at the resolved ledger: dates against a
//! deal's lead and close, strict declarations, and the warnings. (Missing
//! prices are found by `build`, in its pass over every entry.)

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::name::Name;
use crate::span::{Span, Spanned};
use crate::suggest::{did_you_mean, Suggester};

/// What a check run depends on besides the files.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// The day the ledger is judged on (`stale-deal`); later entries have
    /// not happened yet.
    pub as_of: NaiveDate,
    /// `--strict`: every channel and contact must be declared. `option
    /// strict true` turns it on too.
    pub strict: bool,
}

pub(crate) fn check(
    ledger: &Ledger,
    options: &CheckOptions,
    duplicated: &HashSet<Name>,
    out: &mut Vec<Diagnostic>,
) {
    // Deals are checked independently: on all cores for a big ledger, each
    // thread taking a consecutive run of deals, their diagnostics joined in
    // deal order.
    let deals = ledger.deals.as_slice();
    let threads = crate::parallel::threads(deals.len(), 10_000);
    let per_thread = deals.len().div_ceil(threads);
    let found = crate::parallel::map_ordered(threads, threads, |t| {
        let run =
            &deals[(t * per_thread).min(deals.len())..((t + 1) * per_thread).min(deals.len())];
        let mut found = Vec::new();
        let mut stale = Vec::new();
        for deal in run.iter().filter(|d| !duplicated.contains(&d.id)) {
            if let Some(latest) = check_deal(ledger, deal, options, &mut found) {
                // What the warning needs of the entry, read while it is
                // in this thread's cache: read after the join, each was
                // a cache miss (64,155 on the terse million: ~8 -> ~4 ms).
                stale.push((deal.id, latest.span, latest.date));
            }
        }
        (found, stale)
    });
    // Joined into a vector sized once (extending from a flattening
    // iterator grows it by doubling, copying what it holds each time). The
    // `stale-deal`s, one per open deal (64,155 on the terse million), wait
    // as a deal, a span and a date (20 bytes, not 64) and are made in place, so
    // they are never held twice; they go after the other diagnostics,
    // which keeps each deal's diagnostics in their order (the only ones
    // that can share a `stale-deal`'s place) for `diagnostic::sort`.
    out.reserve_exact(
        found
            .iter()
            .map(|(found, stale)| found.len() + stale.len())
            .sum(),
    );
    let mut stale_deals = Vec::with_capacity(found.len());
    for (mut run, stale) in found {
        out.append(&mut run);
        stale_deals.push(stale);
    }
    for (deal, span, latest) in stale_deals.into_iter().flatten() {
        out.push(stale_deal(ledger, deal, span, latest, options));
    }
    if options.strict || ledger.options.strict {
        check_declared(ledger, out);
    }
}

/// Checks one deal; its `stale-deal`, if it is stale, is its latest entry
/// (see [`stale_deal`]).
fn check_deal<'a>(
    ledger: &'a Ledger,
    deal: &'a Deal,
    options: &CheckOptions,
    out: &mut Vec<Diagnostic>,
) -> Option<&'a Entry> {
    let lead = &ledger.entries[deal.lead as usize];
    // The close in force: the `won`, `lost` or `declined` since the latest
    // `reopened` (in date order, then the order of one day, which is how
    // `Ledger::deal_indices` is sorted).
    let mut close: Option<&Entry> = None;
    let mut won: Option<&Entry> = None;
    let mut ended: Option<&Entry> = None;
    // The latest `reopened`, and the entry that set the contract's current
    // end (`won … until` or `extended … until`).
    let mut reopened: Option<&Entry> = None;
    let mut end: Option<(&Entry, NaiveDate)> = None;
    for entry in ledger.deal_entries(deal) {
        // Read again from the line only when a diagnostic needs it.
        let deal_span = || ledger.deal_span(entry);
        if entry.date < lead.date {
            out.push(
                Diagnostic::new(
                    Code::BeforeLead,
                    date_span(entry),
                    format!(
                        "`{}` on `{}` is dated {}, before its lead on {}",
                        entry.kind.verb(),
                        deal.id,
                        entry.date,
                        lead.date
                    ),
                )
                .with_label("dated before the lead")
                .with_related(ledger.deal_span(lead), "the lead is here")
                .with_help("fix the date, or move the `lead` earlier if the deal started before"),
            );
            continue;
        }
        match &entry.kind {
            EntryKind::Stage { .. } => {
                if let Some(c) = close.filter(|c| entry.date > c.date) {
                    out.push(after_close(ledger, entry, c, &deal.id));
                }
            }
            EntryKind::Won { .. } | EntryKind::Lost { .. } | EntryKind::Declined { .. } => {
                if let Some(c) = close {
                    out.push(after_close(ledger, entry, c, &deal.id));
                    continue;
                }
                close = Some(entry);
                if let EntryKind::Won { offer, until, .. } = &entry.kind {
                    won = Some(entry);
                    end = until.map(|u| (entry, u));
                    if offer.as_ref().is_none_or(|o| o.amount.is_none()) {
                        out.push(
                            Diagnostic::new(
                                Code::WonWithoutValue,
                                ledger.verb_span(entry),
                                format!(
                                    "`won` on `{}` has no amount: revenue counts it as 0",
                                    deal.id
                                ),
                            )
                            .with_help(format!(
                                "write the contract's total value, like `won {} 12000 EUR`",
                                deal.id
                            )),
                        );
                    }
                }
            }
            EntryKind::Ended { .. } => {
                if let Some(first) = ended {
                    out.push(
                        Diagnostic::new(
                            Code::AfterClose,
                            ledger.verb_span(entry),
                            format!("`{}` already ended on {}", deal.id, first.date),
                        )
                        .with_label("ended again")
                        .with_related(ledger.verb_span(first), "ended here")
                        .with_help("a contract ends once; a follow-up contract is a new deal"),
                    );
                    continue;
                }
                ended = Some(entry);
                if won.is_none() {
                    let later_won = ledger
                        .deal_entries(deal)
                        .find(|e| matches!(e.kind, EntryKind::Won { .. }) && e.date > entry.date);
                    let message = match (close, later_won) {
                        (Some(c), _) => format!(
                            "`ended` on `{}`, which was {} on {}, not won",
                            deal.id,
                            c.kind.verb(),
                            c.date
                        ),
                        (None, Some(later)) => format!(
                            "`ended` on `{}` is dated {}, before it was won on {}",
                            deal.id, entry.date, later.date
                        ),
                        (None, None) => format!("`ended` on `{}`, which was never won", deal.id),
                    };
                    out.push(
                    Diagnostic::new(Code::EndedWithoutWon, ledger.verb_span(entry), message)
                        .with_label("no `won` before this")
                        .with_related(deal_span(), "this deal")
                        .with_help("only a won contract can end; for a deal that fell through use `lost` or `declined`"),
                );
                }
            }
            EntryKind::Reopened { .. } => match close {
                Some(c) if matches!(c.kind, EntryKind::Lost { .. } | EntryKind::Declined { .. }) => {
                    close = None;
                    reopened = Some(entry);
                }
                Some(c) => out.push(
                    Diagnostic::new(
                        Code::ReopenedWithoutClose,
                        ledger.verb_span(entry),
                        format!("`reopened` on `{}`, which was won on {}", deal.id, c.date),
                    )
                    .with_label("a won deal is not reopened")
                    .with_related(ledger.verb_span(c), "won here")
                    .with_help(format!(
                        "a contract that runs on is `extended`: `{} extended {} until …`; new work for the same client is a new deal with the same `client:`",
                        entry.date, deal.id
                    )),
                ),
                None => {
                    let mut err = Diagnostic::new(
                        Code::ReopenedWithoutClose,
                        ledger.verb_span(entry),
                        format!("`reopened` on `{}`, which is not lost or declined on {}", deal.id, entry.date),
                    )
                    .with_label("nothing to reopen");
                    err = match reopened {
                        Some(r) => err
                            .with_related(ledger.verb_span(r), "already reopened here")
                            .with_help("a deal is reopened once after each `lost` or `declined`: remove one of the two"),
                        None => err
                            .with_related(deal_span(), "this deal is open")
                            .with_help("`reopened` follows a `lost` or `declined`; an open deal needs no reopening"),
                    };
                    out.push(err);
                }
            },
            EntryKind::Extended { until, .. } => {
                // A won deal is never reopened and closes once, so a `won`
                // seen is the close in force.
                if won.is_none() {
                    let mut err = Diagnostic::new(
                        Code::ExtendedWithoutWon,
                        ledger.verb_span(entry),
                        match close {
                            Some(c) => format!("`extended` on `{}`, which was {} on {}, not won", deal.id, c.kind.verb(), c.date),
                            None => format!("`extended` on `{}`, which is not won on {}", deal.id, entry.date),
                        },
                    )
                    .with_label("no running contract to extend");
                    err = match close {
                        Some(c) => err
                            .with_related(ledger.verb_span(c), format!("{} here", c.kind.verb()))
                            .with_help(format!(
                                "if the client came back, reopen it first: `{} reopened {}`, then `won`",
                                entry.date, deal.id
                            )),
                        None => err.with_related(deal_span(), "this deal").with_help(
                            "only a won contract runs on: write its `won` first (or fix the deal id)",
                        ),
                    };
                    out.push(err);
                    continue;
                }
                if let Some(e) = ended {
                    out.push(
                        Diagnostic::new(
                            Code::ExtendedWithoutWon,
                            ledger.verb_span(entry),
                            format!("`extended` on `{}` comes after its contract ended on {}", deal.id, e.date),
                        )
                        .with_label("after the contract ended")
                        .with_related(ledger.verb_span(e), "ended here")
                        .with_help("an ended contract does not run on: date the `extended` before the `ended`, or open a new deal with the same `client:`"),
                    );
                    continue;
                }
                if let (Some(until), Some((set_by, current))) = (until, end) {
                    if *until <= current {
                        out.push(
                            Diagnostic::new(
                                Code::InvalidExtension,
                                until_span(ledger, entry),
                                format!(
                                    "`extended … until {}` on `{}` is not after the contract's current end, {current}",
                                    until, deal.id
                                ),
                            )
                            .with_label(format!("not after {current}"))
                            .with_related(ledger.verb_span(set_by), format!("the contract runs until {current} from here"))
                            .with_help("an extension moves the end later; to end a contract early, write `ended` (with `cancelled` if the client ended it)"),
                        );
                        continue;
                    }
                }
                if let Some(until) = until {
                    end = Some((entry, *until));
                }
            }
            // No rule between a deal's entries: notes and time spent may
            // come at any time after the lead (the lead itself opened the
            // deal); the rest are not about one deal.
            EntryKind::Lead { .. } | EntryKind::Note { .. } | EntryKind::Spent { .. } => {}
            EntryKind::Touch { .. }
            | EntryKind::Assume(_)
            | EntryKind::Price { .. }
            | EntryKind::Balance { .. }
            | EntryKind::Costs { .. } => {}
        }
    }
    check_stale(ledger, deal, options)
}

/// The date at the start of an entry's line.
/// Where an entry's `until` date is written (its line when it has none).
fn until_span(ledger: &Ledger, entry: &Entry) -> crate::span::Span {
    match ledger.form(entry) {
        Form::Won {
            until: Some(until), ..
        }
        | Form::Extended {
            until: Some(until), ..
        } => until.span,
        _ => entry.span,
    }
}

fn date_span(entry: &Entry) -> crate::span::Span {
    crate::span::Span {
        end: entry.span.start + 10,
        ..entry.span
    }
}

fn after_close(ledger: &Ledger, entry: &Entry, close: &Entry, deal: &str) -> Diagnostic {
    let how = close.kind.verb();
    Diagnostic::new(Code::AfterClose, ledger.verb_span(entry), format!("`{}` on `{deal}` comes after the deal was {how} on {}", entry.kind.verb(), close.date))
        .with_label(format!("after the deal was {how}"))
        .with_related(ledger.verb_span(close), format!("{how} here"))
        .with_help(match close.kind {
            EntryKind::Won { .. } => format!("a won deal closes once: a contract that runs on is `extended`, like `{} extended {deal} until …`; new work for the same client is a new deal with the same `client:`", entry.date),
            _ => format!("if the client came back, reopen the deal first: `{} reopened {deal}`", entry.date),
        })
}

/// `stale-deal`: an open deal whose latest entry (on or before the as-of
/// date) is more than `stale-after` days old; that entry when it is.
fn check_stale<'a>(
    ledger: &'a Ledger,
    deal: &'a Deal,
    options: &CheckOptions,
) -> Option<&'a Entry> {
    let mut latest: Option<&Entry> = None;
    // Whether the latest close is in force (a `reopened` opens the deal
    // again; a won deal is never reopened).
    let mut closed = false;
    for entry in ledger
        .deal_entries(deal)
        .filter(|e| e.date <= options.as_of)
    {
        match entry.kind {
            EntryKind::Won { .. } => return None,
            EntryKind::Lost { .. } | EntryKind::Declined { .. } => closed = true,
            EntryKind::Reopened { .. } => closed = false,
            _ => {}
        }
        latest = Some(entry);
    }
    if closed {
        return None;
    }
    latest.filter(|latest| {
        crate::rules::is_stale(latest.date, options.as_of, ledger.options.stale_after_days)
    })
}

/// The `stale-deal` of `deal`, whose latest entry is at `span`, dated
/// `latest`.
fn stale_deal(
    ledger: &Ledger,
    deal: Name,
    span: Span,
    latest: NaiveDate,
    options: &CheckOptions,
) -> Diagnostic {
    let idle = (options.as_of - latest).num_days();
    Diagnostic::stale_deal(
        span,
        deal,
        idle,
        options.as_of,
        ledger.options.stale_after_days,
    )
}

/// Strict mode: channels, contacts (`from`, `buyer:`, `touch`) and clients
/// (`client:`) must be declared by their exact name.
fn check_declared(ledger: &Ledger, out: &mut Vec<Diagnostic>) {
    let channel = |name: &Spanned<Name>, out: &mut Vec<Diagnostic>| {
        if !ledger.channels.contains_key(&name.value) {
            out.push(
                Diagnostic::new(Code::UnknownChannel, name.span, format!("channel `{}` is not declared", name.value))
                    .with_help(did_you_mean(&name.value, ledger.channels.keys().map(|k| k.as_str())).unwrap_or_else(|| {
                        format!("declare it: `channel {} \"…\"` (strict mode wants every channel declared by its exact name)", name.value)
                    })),
            );
        }
    };
    // A big ledger may name thousands of undeclared contacts among
    // thousands of declared ones.
    let mut contacts = Suggester::new(ledger.contacts.keys().map(|k| k.as_str()));
    let mut contact = |id: &Spanned<Name>, out: &mut Vec<Diagnostic>| {
        if !ledger.contacts.contains_key(&id.value) {
            out.push(
                Diagnostic::new(Code::UnknownContact, id.span, format!("contact `{}` is not declared", id.value))
                    .with_help(contacts.did_you_mean(&id.value).unwrap_or_else(|| {
                        format!("declare it: `contact {} \"Full Name\"` (strict mode wants every contact declared)", id.value)
                    })),
            );
        }
    };
    let mut clients = Suggester::new(ledger.clients.keys().map(|k| k.as_str()));
    let mut client = |id: &Spanned<Name>, out: &mut Vec<Diagnostic>| {
        if !ledger.clients.contains_key(&id.value) {
            out.push(
                Diagnostic::new(Code::UnknownClient, id.span, format!("client `{}` is not declared", id.value))
                    .with_help(clients.did_you_mean(&id.value).unwrap_or_else(|| {
                        format!("declare it: `client {} \"Company name\"` (strict mode wants every client declared)", id.value)
                    })),
            );
        }
    };
    // `client:` and `buyer:` of a lead, when they are names.
    let named = |entry: &Entry, key: &str| match ledger.entry_meta(entry, key) {
        Some(Spanned {
            value: MetaValue::Ident(name),
            span,
        }) => Some(Spanned::new(name, span)),
        _ => None,
    };
    for entry in &ledger.entries {
        // Places are read again from the line only for a name that is not
        // declared.
        if (entry.kind.named_channel()).is_some_and(|c| !ledger.channels.contains_key(&c)) {
            if let Some(c) = ledger.form(entry).named_channel() {
                channel(&c, out);
            }
        }
        if (entry.kind.named_contact()).is_some_and(|c| !ledger.contacts.contains_key(&c)) {
            if let Some(p) = ledger.form(entry).named_contact() {
                contact(&p, out);
            }
        }
        if matches!(entry.kind, EntryKind::Lead { .. }) && !entry.meta.is_empty() {
            if let Some(buyer) = named(entry, "buyer") {
                contact(&buyer, out);
            }
            if let Some(id) = named(entry, "client") {
                client(&id, out);
            }
        }
    }
}
