//! Medians and means of money, days and ratings.

use rust_decimal::Decimal;

/// The median; of an even count, the mean of the two middle values.
pub fn median(values: Vec<Decimal>) -> Option<Decimal> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    if let Some(mut keys) = Keys::of(&values) {
        // One selection for both middle values of an even count: what
        // follows the lower one is at least it, so the upper one is the
        // least pair there (pairs are unique: ties go by place).
        let k = (n - 1) / 2;
        let (_, &mut (_, lower), above) = keys.0.select_nth_unstable(k);
        let lower = values[lower as usize];
        if n % 2 == 1 {
            return Some(lower);
        }
        let &(_, upper) = above.iter().min()?;
        return Some((lower + values[upper as usize]) / Decimal::TWO);
    }
    match n {
        _ if n % 2 == 1 => Some(nth_sorted(&values, n / 2)),
        _ => Some((nth_sorted(&values, n / 2 - 1) + nth_sorted(&values, n / 2)) / Decimal::TWO),
    }
}

/// The value a stable sort of `values` would put at index `k`, found in
/// linear time (a median of a big ledger's deals sorted tens of thousands
/// of values, the one step of the analyses that grew faster than the
/// ledger). Among equal values (`1.5` and `1.50`) it is the same one the
/// sort would pick, the first of them in `values` among those the sort
/// puts at or after `k`, so a median keeps the scale it always had.
///
/// The values are compared as whole numbers at their largest scale
/// ([`Keys`]), each with its place in `values`: comparing two `Decimal`s
/// rescales one of them first, and the selection made a few comparisons
/// per value (a sixth of `report`'s instructions on a big ledger were
/// medians). Where a value does not fit that way (28 decimal places and
/// 96-bit mantissas together), the `Decimal`s are compared as they are.
fn nth_sorted(values: &[Decimal], k: usize) -> Decimal {
    if let Some(mut keys) = Keys::of(values) {
        // A stable sort orders equal values by their place: so do the
        // pairs, and the pair at `k` names the value the sort puts there.
        let (_, &mut (_, at), _) = keys.0.select_nth_unstable(k);
        return values[at as usize];
    }
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
/// as the values are, ties by place. `None` when a value would not fit in
/// an `i128` that way, or there are more than `u32::MAX` values.
struct Keys(Vec<(i128, u32)>);

impl Keys {
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

    /// The keyed selection picks the value (and the scale it is written
    /// with) a stable sort puts at each place, negative values and
    /// `Decimal`'s extremes included; values too large to key at a common
    /// scale take the comparing path, with the same answers.
    #[test]
    fn nth_sorted_is_what_a_stable_sort_puts_there() {
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
            for (k, theirs) in sorted.iter().enumerate() {
                let ours = nth_sorted(&values, k);
                assert_eq!(ours.to_string(), theirs.to_string(), "{values:?} {k}");
            }
            keyed[usize::from(Keys::of(&values).is_some())] += 1;
        }
        // Both paths were taken (`Decimal::MAX` beside a value with 28
        // places does not fit an `i128`).
        assert!(keyed[0] > 10 && keyed[1] > 300, "{keyed:?}");
    }
}
