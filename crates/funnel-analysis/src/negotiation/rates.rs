//! The opening and the agreed rate of a negotiation row, compared in one
//! unit where they can be.

use chrono::NaiveDate;
use funnel_ledger::value::{Currency, Rate};
use funnel_ledger::Ledger;
use rust_decimal::Decimal;

/// The opening and the agreed rate of a row, in one unit where they can be
/// compared.
pub(super) struct Rates {
    pub(super) asked: Option<Decimal>,
    pub(super) got: Option<Decimal>,
    /// `EUR/day`; `EUR/day → EUR/h` when the units differ.
    pub(super) unit: Option<String>,
    /// 1 − got / asked, when both have the same unit.
    pub(super) discount: Option<Decimal>,
    /// Both rates written in the same unit and currency: the rate part of
    /// a concession can be told apart.
    pub(super) as_written: bool,
}

impl Rates {
    pub(super) fn compare(
        ledger: &Ledger,
        asked: Option<Rate>,
        got: Option<Rate>,
        close: NaiveDate,
    ) -> Rates {
        let written = |rate: Rate| (rate.amount.value, rate.amount.currency, rate.unit);
        match (asked, got) {
            (None, None) => Rates {
                asked: None,
                got: None,
                unit: None,
                discount: None,
                as_written: false,
            },
            (Some(one), None) | (None, Some(one)) => {
                let (value, currency, unit) = written(one);
                Rates {
                    asked: asked.map(|_| value),
                    got: got.map(|_| value),
                    unit: Some(format!("{currency}/{}", unit.as_str())),
                    discount: None,
                    as_written: false,
                }
            }
            (Some(a), Some(g)) => {
                // Compared as written in one currency; across currencies,
                // both converted to the base currency on the close date.
                let same_currency = a.amount.currency == g.amount.currency;
                let (asked, got, currency): (Option<Decimal>, Option<Decimal>, Option<Currency>) =
                    if same_currency {
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
                    as_written: same_unit && same_currency,
                }
            }
        }
    }
}
