//! Medians and means of money, days and ratings.

use rust_decimal::Decimal;

/// The median; of an even count, the mean of the two middle values.
///
/// The middle values are selected in linear time (a median of a big
/// ledger's deals sorted tens of thousands of values, the one step of the
/// analyses that grew faster than the ledger), each the value a stable
/// sort would put there: among equal values (`1.5` and `1.50`) the first
/// of them in `values` among those the sort puts at or after that place,
/// so a median keeps the scale it always had. The values are compared as
/// whole numbers ([`Keys`]); where they do not fit that way, as
/// `Decimal`s ([`nth_compared`]).
pub fn median(values: Vec<Decimal>) -> Option<Decimal> {
    let n = values.len();
    match Keys::of(&values) {
        _ if n == 0 => None,
        Some(keys) => Some(keys.median(&values)),
        None if n % 2 == 1 => Some(nth_compared(&values, n / 2)),
        None => {
            Some((nth_compared(&values, n / 2 - 1) + nth_compared(&values, n / 2)) / Decimal::TWO)
        }
    }
}

/// The value a stable sort of `values` would put at index `k`, by
/// comparing the `Decimal`s: for values [`Keys`] cannot hold (28 decimal
/// places beside a 96-bit mantissa), as comparing rescales one of two
/// values first.
fn nth_compared(values: &[Decimal], k: usize) -> Decimal {
    let mut scratch = values.to_vec();
    let (_, &mut value, _) = scratch.select_nth_unstable(k);
    let less = values.iter().filter(|v| **v < value).count();
    values
        .iter()
        .filter(|v| **v == value)
        .nth(k - less)
        .copied()
        .unwrap_or(value)
}

/// Each value as a whole number of the smallest unit among them (`12.5`
/// and `3` at one decimal place are 125 and 30) with its place: ordered
/// as the values are, ties by place, as a stable sort orders them.
/// Comparing two `Decimal`s rescales one of them first, and a selection
/// makes a few comparisons a value: a sixth of `report`'s instructions on
/// a big ledger were medians.
struct Keys(Vec<(i128, u32)>);

impl Keys {
    /// `None` when a value would not fit in an `i128` that way, or there
    /// are more than `u32::MAX` values.
    fn of(values: &[Decimal]) -> Option<Keys> {
        u32::try_from(values.len()).ok()?;
        let scale = values.iter().map(|v| v.scale()).max().unwrap_or(0);
        let keys = values
            .iter()
            .enumerate()
            .map(|(at, v)| {
                // Most values share one scale (whole days, whole amounts):
                // their mantissas are the keys as they are.
                let key = if v.scale() == scale {
                    v.mantissa()
                } else {
                    v.mantissa()
                        .checked_mul(10_i128.checked_pow(scale - v.scale())?)?
                };
                Some((key, at as u32))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Keys(keys))
    }

    /// The value of `values` (the ones the keys were made of) a stable
    /// sort puts at `k`; the keys a sort puts after it are left after `k`.
    fn select(&mut self, values: &[Decimal], k: usize) -> Decimal {
        let (_, &mut (_, at), _) = self.0.select_nth_unstable(k);
        values[at as usize]
    }

    /// The median of `values` (at least one; the ones the keys were made
    /// of), with one selection for both middle values of an even count.
    fn median(mut self, values: &[Decimal]) -> Decimal {
        let n = values.len();
        let lower = self.select(values, (n - 1) / 2);
        if n % 2 == 1 {
            return lower;
        }
        // The keys after the lower middle one are those a sort puts after
        // it, so the least of them is the upper one (keys are unique:
        // ties go by place).
        let &(_, upper) = self.0[n / 2..]
            .iter()
            .min()
            .expect("an even count has a value after its lower middle one");
        (lower + values[upper as usize]) / Decimal::TWO
    }
}

/// The mean, `None` for no values.
pub fn mean(values: &[Decimal]) -> Option<Decimal> {
    (!values.is_empty()).then(|| values.iter().sum::<Decimal>() / Decimal::from(values.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deals::testing::d;

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![d(5)]), Some(d(5)));
        assert_eq!(median(vec![d(9), d(1), d(5)]), Some(d(5)));
        assert_eq!(median(vec![d(9), d(1), d(4), d(6)]), Some(d(5)));
        assert_eq!(median(vec![d(1), d(2)]), Some(Decimal::new(15, 1)));
        // The same value, written with the same scale, as sorting gives,
        // also among equal values of different scales.
        let sorted_median = |mut v: Vec<Decimal>| {
            v.sort();
            let n = v.len();
            (n > 0).then(|| {
                if n % 2 == 1 {
                    v[n / 2]
                } else {
                    (v[n / 2 - 1] + v[n / 2]) / Decimal::TWO
                }
            })
        };
        let mut seed = 7u64;
        for n in 0..60 {
            let values: Vec<Decimal> = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let (value, scale) = ((seed >> 33) % 7, (seed >> 20) % 3);
                    Decimal::new(value as i64 * 10_i64.pow(scale as u32), scale as u32)
                })
                .collect();
            let (ours, sorted) = (median(values.clone()), sorted_median(values));
            assert_eq!(
                ours.map(|d| d.to_string()),
                sorted.map(|d| d.to_string()),
                "{n}"
            );
        }
    }

    /// The keyed selection and the comparing one pick the value (and the
    /// scale it is written with) a stable sort puts at each place,
    /// negative values and `Decimal`'s extremes included (values too large
    /// to key at a common scale have only the comparing one).
    #[test]
    fn selections_are_what_a_stable_sort_puts_there() {
        let mut seed = 11u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let extremes = [
            Decimal::MAX,
            Decimal::MIN,
            Decimal::new(1, 28),
            Decimal::new(-1, 28),
        ];
        let mut keyed = [0; 2];
        for case in 0..400 {
            let n = 1 + next(40) as usize;
            let values: Vec<Decimal> = (0..n)
                .map(|_| {
                    if case % 4 == 3 && next(5) == 0 {
                        return extremes[next(4) as usize];
                    }
                    let scale = next(4) as u32;
                    let value = next(9) as i64 - 4;
                    Decimal::new(value * 10_i64.pow(scale) / [1, 2][next(2) as usize], scale)
                })
                .collect();
            let mut sorted = values.clone();
            sorted.sort();
            let mut keys = Keys::of(&values);
            for (k, theirs) in sorted.iter().enumerate() {
                let compared = nth_compared(&values, k);
                assert_eq!(compared.to_string(), theirs.to_string(), "{values:?} {k}");
                if let Some(keys) = &mut keys {
                    let selected = keys.select(&values, k);
                    assert_eq!(selected.to_string(), theirs.to_string(), "{values:?} {k}");
                }
            }
            keyed[usize::from(keys.is_some())] += 1;
        }
        // Both paths were taken (`Decimal::MAX` beside a value with 28
        // places does not fit an `i128`).
        assert!(keyed[0] > 10 && keyed[1] > 300, "{keyed:?}");
    }
}
