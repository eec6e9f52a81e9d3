//! How the facts of every deal ([`DealFacts`]) are computed: one pass over
//! compact marks of the entries, then one per deal over its own entries,
//! in runs on all cores for a big ledger, and last the repeat deals.

use std::collections::HashMap;

use chrono::NaiveDate;
use funnel_ledger::model::{Deal, Entry, EntryKind, MetaValue};
use funnel_ledger::rules;
use funnel_ledger::{Ledger, Name};
use rust_decimal::Decimal;

use super::{DealFacts, Reached, Status};
use crate::contract::Contract;

/// The facts of every deal whose `lead` is on or before `as_of`, in the
/// reading order of their leads.
pub fn facts(ledger: &Ledger, as_of: NaiveDate) -> Vec<DealFacts> {
    let marks = marks(ledger, MARKS_RUN);
    let mut facts = facts_in_runs(ledger, &marks, as_of, FACTS_RUN);
    mark_repeats(ledger, &mut facts);
    facts
}

/// Deals per run of [`facts_in_runs`].
const FACTS_RUN: usize = 2048;

/// The facts of every deal whose lead is on or before `as_of`, in runs of
/// `run` deals: on all cores from four runs on, else on this thread.
///
/// Every report waits for the facts, and a big ledger's are tens of
/// megabytes: each run writes its facts straight into its window of the
/// result, counted before (a deal has facts exactly when its lead's mark
/// is dated on or before `as_of`), instead of into a vector of its own
/// that is then copied into place, which held them twice at the peak.
fn facts_in_runs(ledger: &Ledger, marks: &[Mark], as_of: NaiveDate, run: usize) -> Vec<DealFacts> {
    let n = ledger.deals.len();
    let exists = |position: &usize| marks[ledger.deals[*position].lead as usize].date <= as_of;
    let of = |position: usize| deal_facts(ledger, marks, position, &ledger.deals[position], as_of);
    if n / 4 < run {
        return (0..n).filter_map(of).collect();
    }
    let runs = n.div_ceil(run);
    let range = |i: usize| i * run..((i + 1) * run).min(n);
    let counts: Vec<usize> = (0..runs).map(|i| range(i).filter(exists).count()).collect();
    let mut slots: Vec<Option<DealFacts>> = Vec::new();
    slots.resize_with(counts.iter().sum(), || None);
    fill_windows(&mut slots, &counts, |i, window| {
        for (slot, position) in window.iter_mut().zip(range(i).filter(exists)) {
            *slot = of(position);
        }
    });
    // Every slot is filled (`deal_facts` is `Some` exactly for the deals
    // counted); taken out in place, without a second vector.
    slots.into_iter().map_while(|slot| slot).collect()
}

/// Marks the repeat deals (analyses §1): won deals whose client has a won
/// deal with an earlier `won` date. Deals without `client:` are their own
/// client, so only ledgers that name clients pay for more than one pass.
fn mark_repeats(ledger: &Ledger, facts: &mut [DealFacts]) {
    let won_on = |d: &DealFacts| d.won.map(|i| ledger.entries[i].date);
    let mut first: HashMap<Name, NaiveDate> = HashMap::new();
    for deal in facts.iter().filter(|d| d.client != d.id) {
        if let Some(date) = won_on(deal) {
            first
                .entry(deal.client)
                .and_modify(|d| *d = (*d).min(date))
                .or_insert(date);
        }
    }
    if first.is_empty() {
        return;
    }
    for deal in facts.iter_mut() {
        let Some(date) = won_on(deal) else { continue };
        deal.repeat = first
            .get(&deal.client)
            .is_some_and(|&earliest| earliest < date);
    }
}

/// `fill(i, window)` for each window of `out`, cut in order into windows
/// of `sizes[i]` items: on all cores from four windows on, else on this
/// thread. A pass whose result size is known before writes straight into
/// one vector this way, instead of collecting runs and copying them into
/// place (which holds the result twice).
fn fill_windows<T: Send>(out: &mut [T], sizes: &[usize], fill: impl Fn(usize, &mut [T]) + Sync) {
    let mut windows = Vec::with_capacity(sizes.len());
    let mut rest = out;
    for &size in sizes {
        let (window, after) = rest.split_at_mut(size.min(rest.len()));
        windows.push(std::sync::Mutex::new(window));
        rest = after;
    }
    let threads = if sizes.len() < 4 {
        1
    } else {
        funnel_ledger::parallel::cores()
    };
    funnel_ledger::parallel::map_ordered(windows.len(), threads, |i| {
        let mut window = windows[i]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        fill(i, &mut window);
    });
}

/// What [`deal_facts`] reads of every entry, in 8 bytes.
///
/// A deal's entries lie scattered over the ledger (its lead in one month,
/// its `won` in another), so following each deal's list into
/// [`Ledger::entries`] reads memory at random: at a million entries (120
/// MB of them) nearly every step missed the processor's caches. The marks
/// are made in one pass in reading order and take a fifteenth of the
/// space, so the per-deal loop stays in the cache; only a deal's `won` and
/// `ended` entries are read whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mark {
    date: NaiveDate,
    /// The stage the entry shows the deal reached ([`NO_STAGE`] for none).
    stage: u16,
    close: Close,
}

const NO_STAGE: u16 = u16::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Close {
    Won,
    Ended,
    Lost,
    Declined,
    Reopened,
    Extended,
    /// Any other entry.
    Not,
}

fn mark(ledger: &Ledger, entry: &Entry) -> Mark {
    // A stage index past `u16::MAX - 1` (65,534 declared stages) is not
    // marked: no ledger has so many, and its deals would only look as if
    // they had not reached it.
    let stage = ledger
        .stages
        .of_entry(&entry.kind)
        .and_then(|stage| u16::try_from(stage).ok())
        .unwrap_or(NO_STAGE);
    let close = match entry.kind {
        EntryKind::Won { .. } => Close::Won,
        EntryKind::Ended { .. } => Close::Ended,
        EntryKind::Lost { .. } => Close::Lost,
        EntryKind::Declined { .. } => Close::Declined,
        EntryKind::Reopened { .. } => Close::Reopened,
        EntryKind::Extended { .. } => Close::Extended,
        EntryKind::Lead { .. }
        | EntryKind::Stage { .. }
        | EntryKind::Spent { .. }
        | EntryKind::Touch { .. }
        | EntryKind::Note { .. }
        | EntryKind::Assume(_)
        | EntryKind::Price { .. }
        | EntryKind::Balance { .. }
        | EntryKind::Costs { .. } => Close::Not,
    };
    Mark {
        date: entry.date,
        stage,
        close,
    }
}

/// Entries per run of [`marks`].
const MARKS_RUN: usize = 1 << 16;

/// The mark of every entry, in the order of [`Ledger::entries`]; from four
/// runs of `run` entries on, in runs on all cores.
fn marks(ledger: &Ledger, run: usize) -> Vec<Mark> {
    let entries = &ledger.entries;
    let blank = Mark {
        date: NaiveDate::MIN,
        stage: NO_STAGE,
        close: Close::Not,
    };
    let mut marks = vec![blank; entries.len()];
    let runs = entries.len().div_ceil(run);
    let sizes: Vec<usize> = (0..runs)
        .map(|i| run.min(entries.len() - i * run))
        .collect();
    fill_windows(&mut marks, &sizes, |i, window| {
        for (mark_of, entry) in window.iter_mut().zip(&entries[i * run..]) {
            *mark_of = mark(ledger, entry);
        }
    });
    marks
}

fn deal_facts(
    ledger: &Ledger,
    marks: &[Mark],
    position: usize,
    deal: &Deal,
    as_of: NaiveDate,
) -> Option<DealFacts> {
    let lead_date = marks[deal.lead as usize].date;
    if lead_date > as_of {
        return None;
    }
    let mut earliest = Reached::from_elem(None, ledger.stages.len());
    let mut won: Option<usize> = None;
    let mut ended: Option<&Entry> = None;
    let mut ended_index: Option<usize> = None;
    let mut closed: Option<Status> = None;
    let mut closed_on: Option<NaiveDate> = None;
    let mut reopened_on: Option<NaiveDate> = None;
    let mut reopenings = 0;
    let mut extensions: Vec<u32> = Vec::new();
    let mut rating = None;
    let mut last_entry = lead_date;
    // `Ledger::deal_indices` is sorted by date, so the first entry of each kind is
    // the earliest.
    for &index in ledger.deal_indices(deal) {
        let index = index as usize;
        let mark = marks[index];
        if mark.date > as_of {
            continue;
        }
        last_entry = last_entry.max(mark.date);
        if mark.stage != NO_STAGE {
            earliest[usize::from(mark.stage)].get_or_insert(mark.date);
        }
        match mark.close {
            Close::Won => {
                if won.is_none() {
                    won = Some(index);
                    closed = None;
                    closed_on = Some(mark.date);
                }
            }
            Close::Ended => {
                let entry = &ledger.entries[index];
                if ended.is_none() {
                    ended = Some(entry);
                    ended_index = Some(index);
                }
                // `rating:` belongs on `ended` (format §5); other entries'
                // metadata is never read here, which keeps this loop from
                // touching every entry's metadata.
                if let Some(MetaValue::Number(n)) =
                    ledger.entry_meta(entry, "rating").map(|v| v.value)
                {
                    rating = Some(n);
                }
            }
            // The latest close decides (format §4): a `reopened` opens the
            // deal again, and a later close closes it again. A won deal
            // is never reopened or closed again (`funnel check`).
            Close::Lost | Close::Declined if won.is_none() && closed.is_none() => {
                closed = Some(if mark.close == Close::Lost {
                    Status::Lost
                } else {
                    Status::Declined
                });
                closed_on = Some(mark.date);
            }
            Close::Lost | Close::Declined => {}
            Close::Reopened => {
                if won.is_none() && closed.is_some() {
                    closed = None;
                    closed_on = None;
                }
                reopened_on = Some(mark.date);
                reopenings += 1;
            }
            Close::Extended => extensions.push(index as u32),
            Close::Not => {}
        }
    }
    // Reached S on the earliest entry at S or any later stage.
    let mut reached_on = earliest;
    for stage in (0..reached_on.len().saturating_sub(1)).rev() {
        reached_on[stage] = match (reached_on[stage], reached_on[stage + 1]) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let won_entry = won.map(|i| &ledger.entries[i]);
    let status = match (won_entry, ended, closed) {
        (Some(_), Some(_), _) => Status::Ended,
        (Some(_), None, _) => Status::Won,
        (None, _, Some(status)) => status,
        (None, _, None) if rules::is_stale(last_entry, as_of, ledger.options.stale_after_days) => {
            Status::Stale
        }
        (None, _, None) => Status::Open,
    };
    let contract = won.map(|won| Box::new(Contract::of(ledger, won, &extensions, ended_index)));
    let value = contract.as_ref().map_or(Decimal::ZERO, |c| c.value());
    let lead = &ledger.entries[deal.lead as usize];
    let (client, buyer) = if lead.meta.is_empty() {
        (deal.id, None)
    } else {
        let name = |key: &str| match ledger.entry_meta(lead, key).map(|v| v.value) {
            Some(MetaValue::Ident(name)) => Some(name),
            _ => None,
        };
        (name("client").unwrap_or(deal.id), name("buyer"))
    };
    Some(DealFacts {
        id: deal.id,
        position,
        channel: deal.channel,
        contact: deal.contact,
        client,
        buyer,
        lead_date,
        reached_on,
        status,
        closed_on,
        reopened_on,
        reopenings,
        won,
        extensions: extensions.into_boxed_slice(),
        ended: ended_index,
        value,
        repeat: false,
        rating,
        last_entry,
        contract,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deals::testing::{d, date, ledger};

    /// Enough deals for the facts to be computed in runs on all cores:
    /// the same facts, in the same order, as one pass.
    #[test]
    fn facts_in_runs_equal_one_pass() {
        let mut text = String::new();
        for i in 0..9_000 {
            let day = 1 + i % 28;
            text.push_str(&format!("2026-03-{day:02} lead d{i} via ch{}\n", i % 7));
            match i % 4 {
                0 => text.push_str(&format!("2026-04-{day:02} won d{i} {} EUR\n", 100 + i)),
                1 => text.push_str(&format!("2026-04-{day:02} lost d{i}\n")),
                2 => text.push_str(&format!("2026-04-{day:02} proposed d{i} 50 EUR\n")),
                _ => {}
            }
        }
        let l = ledger(&text);
        let marks = marks(&l, usize::MAX);
        let one_pass = |as_of| -> Vec<DealFacts> {
            l.deals
                .values()
                .enumerate()
                .filter_map(|(position, deal)| deal_facts(&l, &marks, position, deal, as_of))
                .collect()
        };
        let as_of = date("2026-05-01");
        let one_pass_may = one_pass(as_of);
        assert_eq!(one_pass_may.len(), 9_000);
        assert!(facts(&l, as_of) == one_pass_may);
        // Runs of every size, with deals whose lead is after the as-of
        // date (no facts) scattered through them.
        let as_of = date("2026-03-14");
        let one_pass_march = one_pass(as_of);
        assert!(one_pass_march.len() > 1000 && one_pass_march.len() < 9_000);
        for run in [1, 7, 100, 2048, 2250, 9_000] {
            assert!(
                facts_in_runs(&l, &marks, as_of, run) == one_pass_march,
                "runs of {run}"
            );
        }
    }

    /// The entries' marks made in runs on all cores equal one pass, and
    /// say what each entry is.
    #[test]
    fn marks_in_runs_equal_one_pass() {
        let l = ledger(
            "stages talked\n\
             2026-01-01 lead a via x\n\
             2026-01-02 note a \"hi\"\n\
             2026-01-03 talked a\n\
             2026-01-04 lead b via x\n\
             2026-01-05 lost b\n\
             2026-01-06 lead c via x\n\
             2026-01-07 declined c\n\
             2026-01-08 won a 10 EUR\n\
             2026-01-09 ended a\n",
        );
        let one_pass = marks(&l, usize::MAX);
        let kinds: Vec<(u16, Close)> = one_pass.iter().map(|m| (m.stage, m.close)).collect();
        #[rustfmt::skip]
        assert_eq!(kinds, [
            (0, Close::Not), (NO_STAGE, Close::Not), (1, Close::Not),
            (0, Close::Not), (NO_STAGE, Close::Lost),
            (0, Close::Not), (NO_STAGE, Close::Declined),
            (2, Close::Won), (NO_STAGE, Close::Ended),
        ]);
        assert_eq!(one_pass[8].date, date("2026-01-09"));
        for run in 1..=3 {
            assert_eq!(marks(&l, run), one_pass, "runs of {run}");
        }
    }

    #[test]
    fn straight_to_won_reaches_every_stage() {
        let l = ledger("2026-01-01 lead a via x\n2026-01-11 won a 1000 EUR\n");
        let facts = facts(&l, date("2026-12-31"));
        let a = &facts[0];
        assert_eq!(a.furthest(), 4);
        assert!((0..5).all(|s| a.reached(s)));
        assert_eq!(a.reached_on[2], Some(date("2026-01-11")));
        assert_eq!(a.status, Status::Won);
        assert_eq!(a.value, d(1000));
        assert_eq!(a.days_between(0, 4), Some(10));
    }

    #[test]
    fn entries_after_as_of_have_not_happened() {
        let l = ledger("2026-01-01 lead a via x\n2026-01-05 talked a\n2026-03-01 won a 1000 EUR\n2026-03-02 lead b via x\n");
        let facts = facts(&l, date("2026-02-01"));
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].status, Status::Open);
        assert_eq!(facts[0].furthest(), 2);
        assert_eq!(facts[0].value, Decimal::ZERO);
    }

    #[test]
    fn stale_is_more_than_stale_after_days() {
        let l = ledger("option stale-after 30d\n2026-01-01 lead a via x\n2026-01-01 lead b via x\n2026-01-02 note b \"x\"\n");
        // as-of 2026-01-31: a idle 30 days (not more than 30), b idle 29.
        let f = facts(&l, date("2026-01-31"));
        assert_eq!((f[0].status, f[1].status), (Status::Open, Status::Open));
        let f = facts(&l, date("2026-02-01"));
        assert_eq!((f[0].status, f[1].status), (Status::Stale, Status::Open));
    }

    #[test]
    fn cancelled_contracts_are_pro_rated() {
        // start 2026-02-01, until 2026-05-02 (90 days), cancelled 2026-03-03
        // after 30 days: 9000 × 30 / 90 = 3000.
        let text = "2026-01-01 lead a via x\n2026-01-20 won a 9000 EUR until 2026-05-02\n  start: 2026-02-01\n\
                    2026-03-03 ended a cancelled\n";
        let l = ledger(text);
        assert_eq!(facts(&l, date("2026-12-31"))[0].value, d(3000));
        assert_eq!(facts(&l, date("2026-12-31"))[0].status, Status::Ended);
        // Before the cancellation happened, the whole contract counts.
        assert_eq!(facts(&l, date("2026-03-02"))[0].value, d(9000));
        // Cancelled before it started: nothing was worked.
        let l = ledger("2026-01-01 lead a via x\n2026-01-20 won a 9000 EUR until 2026-05-02\n  start: 2026-02-01\n2026-01-25 ended a cancelled\n");
        assert_eq!(facts(&l, date("2026-12-31"))[0].value, Decimal::ZERO);
        // Ended without `cancelled`, or on/after `until`: full value.
        let l = ledger("2026-01-01 lead a via x\n2026-01-20 won a 9000 EUR until 2026-05-02\n2026-03-03 ended a\n");
        assert_eq!(facts(&l, date("2026-12-31"))[0].value, d(9000));
    }
}
