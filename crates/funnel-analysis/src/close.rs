//! The close of a deal (analyses §1, format §5): the entry that decides its
//! status, and what the user wrote on it — the reason (its note and tags,
//! the first tag being the reason category) and the `lesson:`.

use funnel_ledger::model::{Entry, EntryKind, MetaValue};
use funnel_ledger::Ledger;

use crate::deals::{DealFacts, Status};

/// The entry that decides a deal's status on the as-of date: its `won`, or
/// the `lost` or `declined` in force (the latest, when not reopened
/// since); `None` for an open or stale deal.
pub(crate) fn deciding_close<'l>(ledger: &'l Ledger, fact: &DealFacts) -> Option<&'l Entry> {
    match fact.status {
        Status::Won | Status::Ended => fact.won.map(|i| &ledger.entries[i]),
        Status::Lost | Status::Declined => {
            let closed_on = fact.closed_on?;
            ledger
                .deal_indices(fact.deal(ledger))
                .iter()
                .rev()
                .map(|&i| &ledger.entries[i as usize])
                .find(|e| {
                    e.date == closed_on
                        && matches!(e.kind, EntryKind::Lost { .. } | EntryKind::Declined { .. })
                })
        }
        Status::Open | Status::Stale => None,
    }
}

/// What a close says about why: its note (the reason of `lost` and
/// `declined`, the note of `ended`), its reason category (the first tag)
/// and its `lesson:`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Why {
    pub note: Option<String>,
    pub category: Option<String>,
    pub lesson: Option<String>,
}

impl Why {
    /// The reason as a person reads it: the note, then the tags (`went with
    /// an agency #price`).
    pub fn reason(&self, ledger: &Ledger, entry: &Entry) -> Option<String> {
        let tags: Vec<String> = ledger
            .tags(entry)
            .iter()
            .map(|t| format!("#{}", t.value))
            .collect();
        let parts: Vec<String> = self.note.iter().cloned().chain(tags).collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// The note, reason category and lesson of a `won`, `lost`, `declined` or
/// `ended` entry (the lesson of any entry that has one).
pub(crate) fn why(ledger: &Ledger, entry: &Entry) -> Why {
    let note = match &entry.kind {
        EntryKind::Lost { .. } | EntryKind::Declined { .. } | EntryKind::Ended { .. } => {
            ledger.line_string(entry)
        }
        _ => None,
    };
    let category = match entry.kind {
        EntryKind::Lost { .. } | EntryKind::Declined { .. } | EntryKind::Ended { .. } => {
            ledger.tags(entry).first().map(|t| t.value.to_string())
        }
        _ => None,
    };
    let lesson = match ledger.entry_meta(entry, "lesson").map(|v| v.value) {
        Some(MetaValue::String(s)) => Some(s),
        _ => None,
    };
    Why {
        note: note.map(std::borrow::Cow::into_owned),
        category,
        lesson,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deals::facts;
    use crate::testing::{date, ledger};

    #[test]
    fn the_close_in_force_and_what_it_says() {
        let l = ledger(
            "option currency EUR\n\
             2026-01-01 lead a via x\n\
             2026-02-01 lost a \"went with an agency\" #price #big\n  lesson: \"anchor high\"\n\
             2026-03-01 reopened a\n\
             2026-03-05 lost a \"budget freeze\" #budget\n\
             2026-01-01 lead b via x\n\
             2026-02-01 lost b\n\
             2026-03-01 reopened b\n",
        );
        let f = facts(&l, date("2026-12-31"));
        let close = deciding_close(&l, &f[0]).expect("lost");
        assert_eq!(close.date, date("2026-03-05"));
        let w = why(&l, close);
        assert_eq!(w.category.as_deref(), Some("budget"));
        assert_eq!(
            w.reason(&l, close).as_deref(),
            Some("budget freeze #budget")
        );
        assert_eq!(w.lesson, None);
        let first = &l.entries[1];
        let w = why(&l, first);
        assert_eq!(
            (w.category.as_deref(), w.lesson.as_deref()),
            (Some("price"), Some("anchor high"))
        );
        assert_eq!(deciding_close(&l, &f[1]), None);
    }
}
