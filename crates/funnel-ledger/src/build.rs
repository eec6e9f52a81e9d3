//! Items → [`Ledger`]: declarations, stages, deals, prices and the base
//! currency, with the diagnostics that need the whole ledger to decide
//! (duplicates, unknown verbs and deals, amounts no price converts).

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Code, Diagnostic};
use crate::load::Read;
use crate::model::*;
use crate::name::Name;
use crate::parse::unknown_verb;
use crate::span::{Span, Spanned};
use crate::suggest::{did_you_mean, Suggester};
use crate::value::{Amount, Currency};

/// Builds the model. Also returns the ids of deals opened twice: which
/// entries belong to which of the two is unknowable, so the date rules
/// skip those deals rather than report consequences of one mistake.
pub(crate) fn build(read: Read, diagnostics: &mut Vec<Diagnostic>) -> (Ledger, HashSet<Name>) {
    let Read {
        sources,
        entries,
        mut directives,
        unresolved,
        failed_leads,
        ..
    } = read;
    let mut ledger = Ledger::from_sources(sources);
    let mut seen_options: HashMap<String, Span> = HashMap::new();
    let mut stages_at: Option<Span> = None;
    let mut duplicated = HashSet::new();

    // Declarations first: stages decide which verbs exist, wherever they
    // stand. They are few, so they are read in place, taking what the model
    // keeps.
    for directive in &mut directives {
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
                    OptionValue::TaxReserve(p) => {
                        ledger.options.tax_reserve = p / rust_decimal::Decimal::ONE_HUNDRED;
                    }
                }
            }
            DirectiveKind::Stages { names } => {
                if let Some(first) = stages_at {
                    diagnostics.push(duplicate(directive.span, first, "`stages`"));
                    continue;
                }
                stages_at = Some(directive.span);
                ledger.stages = Stages::new(names.iter().map(|n| n.value).collect());
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
                    name: name.value,
                    title: title.take(),
                    span: name.span,
                    extras: std::mem::take(&mut directive.extras),
                };
                ledger.channels.insert(name.value, channel);
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
                    id: id.value,
                    name: name.take(),
                    span: id.span,
                    extras: std::mem::take(&mut directive.extras),
                };
                ledger.contacts.insert(id.value, contact);
            }
            DirectiveKind::Client { id, name } => {
                if let Some(first) = ledger.clients.get(&id.value) {
                    diagnostics.push(duplicate(
                        id.span,
                        first.span,
                        &format!("client `{}`", id.value),
                    ));
                    continue;
                }
                let client = Client {
                    id: id.value,
                    name: name.take(),
                    span: id.span,
                    extras: std::mem::take(&mut directive.extras),
                };
                ledger.clients.insert(id.value, client);
            }
        }
    }
    drop(directives);

    let middle = &ledger.stages.names()[1..ledger.stages.len() - 1];
    for (verb, error) in unresolved {
        if middle.contains(&verb.value) {
            diagnostics.push(error);
        } else {
            diagnostics.push(unknown_verb(&verb, middle));
        }
    }

    // Entries: drop those naming unknown stages, open deals. One look at
    // every entry, in runs on all cores, finds what needs the whole ledger
    // (leads, prices, entries to drop); the deals are then opened in
    // reading order from the leads alone. The parser's vector becomes the
    // ledger's, filtered in place (only when something is dropped): a big
    // ledger's entries are never copied into a second vector.
    let mut entries = entries;
    let found = {
        let stages = &ledger.stages;
        let middle = &stages.names()[1..stages.len() - 1];
        let entries = &entries;
        crate::parallel::over_runs(entries.len(), |run| {
            let mut found = Found::default();
            for (index, entry) in run.clone().zip(&entries[run]) {
                match &entry.kind {
                    EntryKind::Stage { stage, .. } if stages.index_of(*stage).is_none() => {
                        found.dropped.push(index);
                        let verb = Spanned::new(*stage, ledger.verb_span(entry));
                        found.diagnostics.push(unknown_verb(&verb, middle));
                    }
                    EntryKind::Assume(assumption) => {
                        if let Err(err) = check_assumption_stages(stages, &assumption.metric) {
                            found.dropped.push(index);
                            found.diagnostics.push(err);
                        }
                    }
                    EntryKind::Lead {
                        deal,
                        channel,
                        contact,
                        ..
                    } => found.leads.push(Lead {
                        index,
                        deal: *deal,
                        channel: *channel,
                        contact: *contact,
                    }),
                    EntryKind::Price { .. } => found.prices.push(index),
                    _ => {}
                }
                if found.dropped.last() != Some(&index) {
                    for (position, amount) in entry.kind.amounts().enumerate() {
                        found.currencies.add(index, position, amount);
                    }
                }
            }
            found
        })
    };
    // The deals are allocated once, at their number and their ids' highest
    // number (counted from the leads; a duplicate id takes no place).
    ledger.deals = Deals::with_capacity(
        found.iter().map(|run| run.leads.len()).sum(),
        found
            .iter()
            .flat_map(|run| &run.leads)
            .map(|lead| lead.deal.key() + 1)
            .max()
            .unwrap_or(0),
    );
    let mut dropped: Vec<usize> = Vec::new();
    let mut currencies = Currencies::default();
    for run in found {
        currencies.then(run.currencies);
        diagnostics.extend(run.diagnostics);
        dropped.extend(run.dropped);
        for lead in run.leads {
            let deal = Deal {
                id: lead.deal,
                channel: lead.channel,
                contact: lead.contact,
                lead: u32::try_from(lead.index).expect("fewer than u32::MAX entries"),
                list: DealList::default(),
            };
            if let Err(first) = ledger.deals.insert(deal) {
                // Only a ledger with this error gets here: the places of
                // both ids are read again from their lines.
                let here = deal_span_in(&ledger.sources, &entries[lead.index]);
                let first =
                    deal_span_in(&ledger.sources, &entries[ledger.deals[first].lead as usize]);
                diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateDeal,
                        here,
                        format!("deal `{}` is opened twice", lead.deal),
                    )
                    .with_related(first, "first opened here")
                    .with_help(
                        "a client who comes back is a new deal: give it a new id, like `acme-2`",
                    ),
                );
                duplicated.insert(lead.deal);
                dropped.push(lead.index);
            }
        }
        for index in run.prices {
            if let EntryKind::Price { from, rate, to } = &entries[index].kind {
                ledger
                    .prices
                    .insert(entries[index].date, *from, **rate, *to);
            }
        }
    }
    if !dropped.is_empty() {
        // Only a ledger with errors gets here.
        dropped.sort_unstable();
        let mut index = 0;
        let mut next = dropped.iter().peekable();
        entries.retain(|_| {
            let keep = next.next_if_eq(&&index).is_none();
            index += 1;
            keep
        });
        for deal in ledger.deals.values_mut() {
            let before = dropped.partition_point(|&d| d < deal.lead as usize);
            deal.lead -= before as u32;
        }
        // The amounts were noted by their index before the drop (none
        // of them on a dropped entry).
        for at in [&mut currencies.first, &mut currencies.other]
            .into_iter()
            .flatten()
        {
            at.entry -= dropped.partition_point(|&d| d < at.entry);
        }
    }
    ledger.entries = entries;
    ledger.prices.finish();
    ledger.base_currency = match ledger.options.currency {
        Some(currency) => Some(currency),
        None => currencies.base(&ledger, diagnostics),
    };

    // Each entry's deal is found by its id's `Name::key` (a name's number:
    // the process's names are numbered densely from 1) in `Deals`' array:
    // one array read per entry, no hashing, without reading the id's text.
    let mut unknown: Vec<usize> = Vec::new();
    // Each entry's deal position (`NO_DEAL` for none). A big ledger's
    // entries are looked at in runs on all cores.
    // The same pass checks that every amount converts to the base currency
    // (`missing-price`), prices being complete by now, and notes where the
    // entries of each `Sparse` kind are.
    use crate::model::{Sparse, NO_DEAL};
    let entries = &ledger.entries;
    // Written in place, run by run: collecting each run's values and
    // joining them held both at once (docs/performance.md, seventh pass).
    let mut deal_of: Vec<u32> = vec![NO_DEAL; entries.len()];
    // Each entry's place in its deal's order ([`order_key`]), written in
    // the same pass, so that sorting the deals' lists below reads four
    // bytes an entry from one small vector instead of each entry where it
    // lies in the big one (a cache miss an entry: 2.4 % of `check` on a
    // terse million).
    let mut order: Vec<i32> = vec![0; entries.len()];
    let parts: Vec<(&mut [u32], &mut [i32])> = deal_of
        .chunks_mut(crate::parallel::RUN)
        .zip(order.chunks_mut(crate::parallel::RUN))
        .collect();
    let runs = crate::parallel::over_runs_into(entries.len(), parts, |run, (deal_of, order)| {
        let mut unknown = Vec::new();
        let mut unpriced = Vec::new();
        let mut sparse: [Vec<u32>; Sparse::ALL.len()] = Default::default();
        for (((index, entry), deal_of), order) in run
            .clone()
            .zip(&entries[run])
            .zip(deal_of.iter_mut())
            .zip(order.iter_mut())
        {
            *order = order_key(entry.date, same_day_rank(&entry.kind));
            if let Some(kind) = Sparse::of(&entry.kind) {
                sparse[kind as usize].push(index as u32);
            }
            if let Some(base) = ledger.base_currency {
                missing_prices(&ledger, base, entry, &mut unpriced);
            }
            if let Some(deal) = entry.kind.deal() {
                match ledger.deals.position_u32(deal) {
                    NO_DEAL => unknown.push(index),
                    position => *deal_of = position,
                }
            }
        }
        (unknown, unpriced, sparse)
    });
    let mut sparse: [Vec<u32>; Sparse::ALL.len()] = Default::default();
    for (run_unknown, run_unpriced, run_sparse) in runs {
        for (all, run) in sparse.iter_mut().zip(run_sparse) {
            all.extend(run);
        }
        unknown.extend(run_unknown);
        diagnostics.extend(run_unpriced);
    }
    // Ids whose `lead` did not parse: their entries are not "unknown" (the
    // lead's own error says why).
    let failed_leads: HashSet<&str> = failed_leads.iter().map(String::as_str).collect();
    // Built only when an id is unknown (a sorted copy of every id), and
    // gone before the deal lists are made.
    let mut suggester = None;
    for index in unknown {
        let deal = ledger.entries[index].kind.deal().expect("collected above");
        if failed_leads.contains(deal.as_str()) {
            continue;
        }
        let suggester = suggester
            .get_or_insert_with(|| Suggester::new(ledger.deals.keys().map(|k| k.as_str())));
        let help = suggester.did_you_mean(&deal).unwrap_or_else(|| {
            format!(
                "open it with a line like `{} lead {} via CHANNEL`",
                ledger.entries[index].date, deal
            )
        });
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownDeal,
                ledger.deal_span(&ledger.entries[index]),
                format!("unknown deal `{}`: no `lead` opens it", deal),
            )
            .with_help(help),
        );
    }
    drop(suggester);
    // Each deal's entries, sorted by date (a stable sort: entries of the
    // same day and rank keep reading order), all in one list, deal after
    // deal: counted first, so the list is allocated once at its size and
    // no deal needs an allocation of its own; filled in reading order; then
    // each deal's part sorted, the deals shared out in consecutive parts,
    // one per thread. (`NO_DEAL` is in no deal.)
    let deals = ledger.deals.len();
    let mut starts: Vec<u32> = vec![0; deals + 1];
    for &position in &deal_of {
        if position != NO_DEAL {
            starts[position as usize + 1] += 1;
        }
    }
    for i in 0..deals {
        starts[i + 1] += starts[i];
    }
    let mut lists: Vec<u32> = vec![0; starts[deals] as usize];
    let mut next: Vec<u32> = starts[..deals].to_vec();
    for (index, &position) in deal_of.iter().enumerate() {
        if position != NO_DEAL {
            let slot = &mut next[position as usize];
            lists[*slot as usize] = index as u32;
            *slot += 1;
        }
    }
    drop(next);
    let threads = crate::parallel::threads(entries.len(), crate::parallel::ENTRIES_PER_THREAD);
    let part_size = deals.div_ceil(threads).max(1);
    let mut parts = Vec::with_capacity(deals.div_ceil(part_size));
    let mut rest = lists.as_mut_slice();
    for first in (0..deals).step_by(part_size) {
        let last = (first + part_size).min(deals);
        let (part, tail) = rest.split_at_mut((starts[last] - starts[first]) as usize);
        parts.push(std::sync::Mutex::new(Some(part)));
        rest = tail;
    }
    crate::parallel::map_ordered(parts.len(), threads, |p| {
        let part = parts[p]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
            .expect("each part is sorted once");
        let first = p * part_size;
        let base = starts[first];
        for deal in first..(first + part_size).min(deals) {
            let range = (starts[deal] - base) as usize..(starts[deal + 1] - base) as usize;
            let list = &mut part[range];
            let key = |&i: &u32| order[i as usize];
            if !list.is_sorted_by_key(key) {
                list.sort_by_key(key);
            }
        }
    });
    drop(parts);
    drop(order);
    for (deal, bounds) in ledger.deals.values_mut().zip(starts.windows(2)) {
        deal.list = DealList {
            start: bounds[0],
            len: bounds[1] - bounds[0],
        };
    }
    ledger.set_deal_lists(lists);
    ledger.set_entry_deals(deal_of);
    ledger.set_sparse(sparse);
    (ledger, duplicated)
}

/// What one run of entries holds that needs the whole ledger to act on:
/// indices of its leads, prices and entries to drop, and why they drop.
#[derive(Default)]
struct Found {
    currencies: Currencies,
    leads: Vec<Lead>,
    prices: Vec<usize>,
    dropped: Vec<usize>,
    diagnostics: Vec<Diagnostic>,
}

/// What opening a deal takes from its `lead`.
struct Lead {
    index: usize,
    deal: Name,
    channel: Name,
    contact: Option<Name>,
}

/// Where an entry goes among its deal's: by date, then by its
/// [`same_day_rank`] (below 8), as one number, 8 × days from the common
/// era + rank, that orders exactly as the pair does for every date chrono
/// has (± 262,143 years: ± 766 million, inside `i32`; tested).
fn order_key(date: chrono::NaiveDate, rank: u8) -> i32 {
    8 * chrono::Datelike::num_days_from_ce(&date) + i32::from(rank)
}

/// The order of a deal's entries on one day, so that line order never
/// matters: the lead first, then stages and notes, then the close, then a
/// `reopened` or `extended` (which follow a close), then `ended`.
fn same_day_rank(kind: &EntryKind) -> u8 {
    match kind {
        EntryKind::Lead { .. } => 0,
        EntryKind::Won { .. } | EntryKind::Lost { .. } | EntryKind::Declined { .. } => 2,
        EntryKind::Reopened { .. } | EntryKind::Extended { .. } => 3,
        EntryKind::Ended { .. } => 4,
        EntryKind::Stage { .. }
        | EntryKind::Note { .. }
        | EntryKind::Spent { .. }
        | EntryKind::Touch { .. }
        | EntryKind::Assume(_)
        | EntryKind::Price { .. }
        | EntryKind::Balance { .. }
        | EntryKind::Costs { .. } => 1,
    }
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
    let known = |name: &Spanned<Name>| -> Result<usize, Diagnostic> {
        stages.index(&name.value).ok_or_else(|| {
            Diagnostic::new(
                Code::UnknownVerb,
                name.span,
                format!("unknown stage `{}` in an assumption", name.value),
            )
            .with_label("unknown stage")
            .with_help(
                did_you_mean(&name.value, stages.names().iter().map(|s| s.as_str()))
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
                    stages
                        .names()
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(" -> ")
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

/// The currencies of some entries' amounts, in reading order: the first
/// amount, and the first after it in another currency. Enough to know the
/// one currency a ledger uses, or where its second one starts.
#[derive(Default)]
struct Currencies {
    first: Option<AmountAt>,
    other: Option<AmountAt>,
}

/// An amount, the index of its entry and its position among the entry's
/// amounts ([`EntryKind::amounts`]): its place is read again from the
/// entry's line only if a diagnostic needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct AmountAt {
    entry: usize,
    position: usize,
    currency: Currency,
}

impl Currencies {
    fn add(&mut self, entry: usize, position: usize, amount: Amount) {
        let at = AmountAt {
            entry,
            position,
            currency: amount.currency,
        };
        match &self.first {
            None => self.first = Some(at),
            Some(first) if self.other.is_none() && first.currency != at.currency => {
                self.other = Some(at);
            }
            Some(_) => {}
        }
    }

    /// Appends the currencies of the entries that follow.
    fn then(&mut self, later: Currencies) {
        let Some(first) = &self.first else {
            *self = later;
            return;
        };
        if self.other.is_none() {
            // The later entries' first amount in another currency than
            // ours: their first amount, or else their first in another
            // currency than that one (which is then ours).
            self.other = [later.first, later.other]
                .into_iter()
                .flatten()
                .find(|amount| amount.currency != first.currency);
        }
    }

    /// The base currency of a ledger without `option currency`: the one
    /// its amounts use. With two, there is none, and a `missing-price` at
    /// the first amount in the second.
    fn base(self, ledger: &Ledger, diagnostics: &mut Vec<Diagnostic>) -> Option<Currency> {
        match (self.first, self.other) {
            (Some(first), None) => Some(first.currency),
            (Some(first), Some(second)) => {
                let c = first.currency;
                let span = amount_span(ledger, &ledger.entries[second.entry], second.position);
                diagnostics.push(
                    Diagnostic::new(Code::MissingPrice, span, format!("`{}` is a second currency, and the ledger names no base currency", second.currency))
                        .with_label(format!("first amount in {}", second.currency))
                        .with_help(format!("say which currency reports use, e.g. `option currency {c}`, and give `price` entries for the others")),
                );
                None
            }
            (None, _) => None,
        }
    }
}

/// Where the amount at `position` among an entry's amounts is written.
fn amount_span(ledger: &Ledger, entry: &Entry, position: usize) -> Span {
    ledger
        .form(entry)
        .amounts()
        .nth(position)
        .map_or(entry.span, |a| a.span)
}

/// `missing-price` for each amount of `entry` that no price converts to
/// `base`.
fn missing_prices(ledger: &Ledger, base: Currency, entry: &Entry, out: &mut Vec<Diagnostic>) {
    for (position, amount) in entry.kind.amounts().enumerate() {
        if amount.currency != base
            && ledger
                .prices
                .rate(amount.currency, base, entry.date)
                .is_none()
        {
            out.push(
                Diagnostic::new(
                    Code::MissingPrice,
                    amount_span(ledger, entry, position),
                    format!(
                        "no price converts {} to {} on or before {}",
                        amount.currency, base, entry.date
                    ),
                )
                .with_label(format!("cannot convert to {base}"))
                .with_help(format!(
                    "add a price on or before that date, like `{} price {} 0.92 {}`",
                    entry.date, amount.currency, base
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-number order of a deal's entries is the (date, rank)
    /// order: neighbouring days, the ends of chrono's range, every rank.
    #[test]
    fn order_keys_order_as_date_then_rank() {
        use chrono::NaiveDate;
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let dates = [
            NaiveDate::MIN,
            day(-1, 12, 31),
            day(0, 1, 1),
            day(1, 1, 1),
            day(2025, 12, 31),
            day(2026, 1, 1),
            day(2026, 1, 2),
            day(9999, 12, 31),
            NaiveDate::MAX,
        ];
        let mut pairs = Vec::new();
        for date in dates {
            for rank in 0..=4 {
                pairs.push((date, rank));
            }
        }
        for &(a, ra) in &pairs {
            for &(b, rb) in &pairs {
                assert_eq!(
                    order_key(a, ra).cmp(&order_key(b, rb)),
                    (a, ra).cmp(&(b, rb)),
                    "{a} {ra} / {b} {rb}"
                );
            }
        }
    }

    /// Runs of amounts merged with `then` say what one pass over all of
    /// them says, wherever the runs are cut.
    #[test]
    fn currencies_of_runs_add_up() {
        let amount = |currency: &str| Amount {
            value: rust_decimal::Decimal::ONE,
            currency: Currency::parse(currency).unwrap(),
        };
        let sequences: [&[&str]; 6] = [
            &["EUR", "EUR", "USD", "EUR", "GBP"],
            &["EUR", "USD", "GBP"],
            &["EUR", "EUR", "EUR"],
            &["USD", "EUR"],
            &["EUR"],
            &[],
        ];
        for currencies in sequences {
            let amounts: Vec<_> = currencies.iter().map(|c| amount(c)).collect();
            let add_all = |c: &mut Currencies, from: usize, run: &[Amount]| {
                for (i, a) in run.iter().enumerate() {
                    c.add(from + i, 0, *a);
                }
            };
            let mut whole = Currencies::default();
            add_all(&mut whole, 0, &amounts);
            let places = |c: &Currencies| (c.first, c.other);
            for cut in 0..=amounts.len() {
                for cut2 in cut..=amounts.len() {
                    let mut merged = Currencies::default();
                    for (from, run) in [
                        (0, &amounts[..cut]),
                        (cut, &amounts[cut..cut2]),
                        (cut2, &amounts[cut2..]),
                    ] {
                        let mut part = Currencies::default();
                        add_all(&mut part, from, run);
                        merged.then(part);
                    }
                    assert_eq!(
                        places(&merged),
                        places(&whole),
                        "{currencies:?} cut at {cut}, {cut2}"
                    );
                }
            }
        }
    }
}
