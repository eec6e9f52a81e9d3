//! Rules of the format that more than one part of funnel applies, written
//! once: `funnel check` warns by them and the analyses count by them, so
//! the two can never disagree.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Whether an open deal is stale on `as_of` (format §4 `option
/// stale-after`): its latest entry on or before `as_of`, dated `latest`, is
/// *more* than `stale_after_days` days old. A deal idle exactly that many
/// days is not stale yet.
///
/// `funnel check` warns about such a deal (`stale-deal`) and the analyses
/// give it the status `stale`; both ask here.
pub fn is_stale(latest: NaiveDate, as_of: NaiveDate, stale_after_days: Decimal) -> bool {
    Decimal::from((as_of - latest).num_days()) > stale_after_days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn stale_is_more_than_stale_after_days() {
        let latest = date("2026-01-01");
        let days = Decimal::from(30);
        assert!(!is_stale(latest, date("2026-01-01"), days));
        assert!(!is_stale(latest, date("2026-01-31"), days), "30 days idle");
        assert!(is_stale(latest, date("2026-02-01"), days), "31 days idle");
        // `stale-after 1mo` is 30.436875 days: 31 whole days are more.
        let month = Decimal::new(30_436_875, 6);
        assert!(!is_stale(latest, date("2026-01-31"), month));
        assert!(is_stale(latest, date("2026-02-01"), month));
    }
}
