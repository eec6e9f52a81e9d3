//! What a `spent` entry carries, its quantity (hours or money) and where
//! it went, in 24 bytes: a `Quantity` and a `SpentOn` side by side take 32
//! (a `Decimal`'s 16 bytes hold a 96-bit mantissa and a 32-bit word for
//! only its scale and sign), which made every entry 56 bytes instead of 48
//! (about a fifth of a terse ledger's entries are `spent`; all entries pay
//! for the largest kind). Here the mantissa's three words, the currency and
//! the name are stored as they are, and the scale and the flags in a byte
//! each. Every value round-trips exactly, bit for bit (tested below against
//! the plain pair on the edges of `Decimal`'s range).

use std::fmt;

use rust_decimal::Decimal;

use crate::model::{Quantity, SpentOn};
use crate::name::Name;
use crate::value::{Amount, Currency, Effort, EffortUnit};

/// A `spent` entry's quantity and target: read them with
/// [`quantity`](Spending::quantity) and [`on`](Spending::on).
#[derive(Clone, Copy)]
pub struct Spending {
    /// The mantissa's magnitude, low word first (a `Decimal`'s 96 bits).
    lo: u32,
    mid: u32,
    hi: u32,
    /// `Some` for money; `None` for effort (its unit is `minutes`).
    currency: Option<Currency>,
    on: Name,
    /// The number's scale: at most 28 (`Decimal::MAX_SCALE`).
    scale: u8,
    negative: bool,
    /// Effort in minutes (rather than hours); false for money.
    minutes: bool,
    /// `on DEAL` (rather than `via CHANNEL`).
    on_deal: bool,
}

impl Spending {
    pub fn new(quantity: Quantity, on: SpentOn) -> Spending {
        let (value, currency, minutes) = match quantity {
            Quantity::Money(amount) => (amount.value, Some(amount.currency), false),
            Quantity::Effort(effort) => (effort.value, None, effort.unit == EffortUnit::Minutes),
        };
        let (on, on_deal) = match on {
            SpentOn::Channel(name) => (name, false),
            SpentOn::Deal(name) => (name, true),
        };
        // A `Decimal`'s mantissa is below 2^96 and its scale at most 28.
        let magnitude = value.mantissa().unsigned_abs();
        Spending {
            lo: magnitude as u32,
            mid: (magnitude >> 32) as u32,
            hi: (magnitude >> 64) as u32,
            currency,
            on,
            scale: value.scale() as u8,
            negative: value.is_sign_negative(),
            minutes,
            on_deal,
        }
    }

    pub fn quantity(&self) -> Quantity {
        let value = Decimal::from_parts(
            self.lo,
            self.mid,
            self.hi,
            self.negative,
            u32::from(self.scale),
        );
        match self.currency {
            Some(currency) => Quantity::Money(Amount { value, currency }),
            None => Quantity::Effort(Effort {
                value,
                unit: if self.minutes {
                    EffortUnit::Minutes
                } else {
                    EffortUnit::Hours
                },
            }),
        }
    }

    pub fn on(&self) -> SpentOn {
        if self.on_deal {
            SpentOn::Deal(self.on)
        } else {
            SpentOn::Channel(self.on)
        }
    }

    /// The channel, when spent `via` one.
    pub fn channel(&self) -> Option<Name> {
        (!self.on_deal).then_some(self.on)
    }

    /// The deal, when spent `on` one.
    pub fn deal(&self) -> Option<Name> {
        self.on_deal.then_some(self.on)
    }

    /// Whether the quantity is time (rather than money), without unpacking
    /// it.
    pub fn is_effort(&self) -> bool {
        self.currency.is_none()
    }
}

/// Equal when the quantities and targets are (`Decimal`s compare by value:
/// `1.0` equals `1.00`), as the plain pair would be.
impl PartialEq for Spending {
    fn eq(&self, other: &Self) -> bool {
        self.quantity() == other.quantity() && self.on() == other.on()
    }
}

impl Eq for Spending {}

impl fmt::Debug for Spending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spending")
            .field("quantity", &self.quantity())
            .field("on", &self.on())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimals() -> Vec<Decimal> {
        let mut out = vec![
            Decimal::ZERO,
            Decimal::ONE,
            Decimal::NEGATIVE_ONE,
            Decimal::MAX,
            Decimal::MIN,
            // Negative zero and zeros with a scale keep their bits.
            Decimal::from_parts(0, 0, 0, true, 0),
            Decimal::from_parts(0, 0, 0, false, 28),
            Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, true, 28),
            Decimal::from_parts(1, 0, 0, false, 28),
            Decimal::from_parts(0, 1, 0, false, 3),
            Decimal::from_parts(0, 0, 1, true, 14),
            crate::value::MAX_NUMBER,
        ];
        for text in [
            "12.5",
            "-0.25",
            "1000000000000",
            "0.0000000000000000000000000001",
            "3.50",
        ] {
            out.push(text.parse().unwrap());
        }
        // Pseudo-random words, scales and signs.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..500 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let y = x.rotate_left(29);
            out.push(Decimal::from_parts(
                x as u32,
                (x >> 32) as u32,
                if y.is_multiple_of(3) { y as u32 } else { 0 },
                y & 1 == 1,
                (y >> 8) as u32 % 29,
            ));
        }
        out
    }

    #[test]
    fn every_quantity_and_target_round_trip_bit_for_bit() {
        let eur = Currency::parse("EUR").unwrap();
        let usdc = Currency::parse("USDC").unwrap();
        let targets = [
            SpentOn::Channel(Name::new("upwork")),
            SpentOn::Deal(Name::new("acme-site")),
        ];
        for value in decimals() {
            let quantities = [
                Quantity::Money(Amount {
                    value,
                    currency: eur,
                }),
                Quantity::Money(Amount {
                    value,
                    currency: usdc,
                }),
                Quantity::Effort(Effort {
                    value,
                    unit: EffortUnit::Hours,
                }),
                Quantity::Effort(Effort {
                    value,
                    unit: EffortUnit::Minutes,
                }),
            ];
            for quantity in quantities {
                for on in targets {
                    let spending = Spending::new(quantity, on);
                    assert_eq!(spending.on(), on);
                    let (channel, deal) = match on {
                        SpentOn::Channel(name) => (Some(name), None),
                        SpentOn::Deal(name) => (None, Some(name)),
                    };
                    assert_eq!((spending.channel(), spending.deal()), (channel, deal));
                    assert_eq!(
                        spending.is_effort(),
                        matches!(quantity, Quantity::Effort(_))
                    );
                    let back = spending.quantity();
                    assert_eq!(back, quantity);
                    let (a, b) = match (back, quantity) {
                        (Quantity::Money(a), Quantity::Money(b)) => {
                            assert_eq!(a.currency, b.currency);
                            (a.value, b.value)
                        }
                        (Quantity::Effort(a), Quantity::Effort(b)) => {
                            assert_eq!(a.unit, b.unit);
                            (a.value, b.value)
                        }
                        _ => panic!("{quantity:?} came back as {back:?}"),
                    };
                    assert_eq!(a.serialize(), b.serialize(), "{b:?}");
                }
            }
        }
    }

    #[test]
    fn equal_by_value_like_the_plain_pair() {
        let on = SpentOn::Channel(Name::new("upwork"));
        let hours = |text: &str| {
            Spending::new(
                Quantity::Effort(Effort {
                    value: text.parse().unwrap(),
                    unit: EffortUnit::Hours,
                }),
                on,
            )
        };
        assert_eq!(hours("1.0"), hours("1.00"));
        assert_ne!(hours("1"), hours("2"));
        assert_ne!(
            hours("1"),
            Spending::new(hours("1").quantity(), SpentOn::Deal(Name::new("upwork")))
        );
    }
}
