//! Medians and means of money, days and ratings.

use rust_decimal::Decimal;

/// The median; of an even count, the mean of the two middle values.
pub fn median(values: Vec<Decimal>) -> Option<Decimal> {
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(nth_sorted(&values, n / 2)),
        _ => Some((nth_sorted(&values, n / 2 - 1) + nth_sorted(&values, n / 2)) / Decimal::TWO),
    }
}

/// The value a stable sort of `values` would put at index `k`, found in
/// linear time (a median of a big ledger's deals sorted tens of thousands
/// of values, the one step of the analyses that grew faster than the
/// ledger). Among equal values (`1.5` and `1.50`) it is the same one the
/// sort would pick, the `k - less`-th of them in their order in `values`,
/// so a median keeps the scale it always had.
fn nth_sorted(values: &[Decimal], k: usize) -> Decimal {
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
}
