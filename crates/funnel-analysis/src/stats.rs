//! Statistics for small counts (analyses §2): the Wilson score interval,
//! exact two-sided p-values by doubled tail for the binomial and Poisson
//! distributions, the sign test, surprise in bits and the verdict.
//!
//! Binomial tails up to n = 900 are summed term by term (exact for the sign
//! test's p = 1/2); beyond that, and for Poisson tails, they come from
//! statrs's regularized incomplete beta and gamma functions, which stay
//! accurate far into the tails (tested against SciPy up to n = 100,000
//! below). Degenerate parameters (p = 0 or 1, λ = 0) are
//! handled here, because the distributions reject or mishandle them.

use statrs::distribution::{Binomial, DiscreteCDF, Poisson};

/// z for a two-sided 90% interval.
pub const Z90: f64 = 1.6449;

/// A p-value below this is reported as a verdict other than `holds`.
pub const ALPHA: f64 = 0.10;

/// The Wilson score interval at 90% for k successes in n trials; `None`
/// when n = 0.
pub fn wilson(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z90 * Z90;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z90 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// `P[X ≤ k]` and `P[X ≥ k]` for X ~ Binomial(n, p).
pub fn binomial_tails(k: u64, n: u64, p: f64) -> (f64, f64) {
    let p = p.clamp(0.0, 1.0);
    if k > n {
        return (1.0, 0.0);
    }
    if p == 0.0 {
        return (1.0, if k == 0 { 1.0 } else { 0.0 });
    }
    if p == 1.0 {
        return (if k == n { 1.0 } else { 0.0 }, 1.0);
    }
    if n <= EXACT_UP_TO {
        return binomial_tails_by_sum(k, n, p);
    }
    let Ok(dist) = Binomial::new(p, n) else {
        return (1.0, 1.0);
    };
    let at_most = dist.cdf(k);
    let at_least = if k == 0 { 1.0 } else { dist.sf(k - 1) };
    (at_most.clamp(0.0, 1.0), at_least.clamp(0.0, 1.0))
}

/// Up to this n, binomial tails are summed term by term.
const EXACT_UP_TO: u64 = 900;

/// Binomial tails by summing the probabilities, each from the one before:
/// P(j + 1) = P(j)·(n − j)/(j + 1)·p/(1 − p), from P(0) = (1 − p)^n with
/// p ≤ 1/2 (the other case is mirrored), which cannot underflow for n ≤
/// 900. For p = 1/2 (the sign test) every term is exact, so small tests
/// give the p-values a reader computes by hand (4 of 5: exactly 0.375).
fn binomial_tails_by_sum(k: u64, n: u64, p: f64) -> (f64, f64) {
    if p > 0.5 {
        let (at_most, at_least) = binomial_tails_by_sum(n - k, n, 1.0 - p);
        return (at_least, at_most);
    }
    let ratio = p / (1.0 - p);
    let mut term = (1.0 - p).powi(n as i32);
    let (mut at_most, mut at_least) = (0.0, 0.0);
    for j in 0..=n {
        if j <= k {
            at_most += term;
        }
        if j >= k {
            at_least += term;
        }
        term = term * (n - j) as f64 / (j + 1) as f64 * ratio;
    }
    (at_most.min(1.0), at_least.min(1.0))
}

/// `P[X ≤ k]` and `P[X ≥ k]` for X ~ Poisson(λ).
pub fn poisson_tails(k: u64, lambda: f64) -> (f64, f64) {
    if lambda <= 0.0 || !lambda.is_finite() {
        return (1.0, if k == 0 { 1.0 } else { 0.0 });
    }
    let Ok(dist) = Poisson::new(lambda) else {
        return (1.0, 1.0);
    };
    let at_most = dist.cdf(k);
    let at_least = if k == 0 { 1.0 } else { dist.sf(k - 1) };
    (at_most.clamp(0.0, 1.0), at_least.clamp(0.0, 1.0))
}

/// The two-sided p-value by doubled tail: `min(1, 2·min(P[X ≤ k], P[X ≥ k]))`.
pub fn doubled_tail((at_most, at_least): (f64, f64)) -> f64 {
    (2.0 * at_most.min(at_least)).min(1.0)
}

/// Two-sided exact binomial test of k successes in n trials against p0.
pub fn binomial_p(k: u64, n: u64, p0: f64) -> f64 {
    doubled_tail(binomial_tails(k, n, p0))
}

/// Two-sided exact Poisson test of a count k against the expectation λ.
pub fn poisson_p(k: u64, lambda: f64) -> f64 {
    doubled_tail(poisson_tails(k, lambda))
}

/// The sign test of a claimed median: observations equal to the claim are
/// dropped; of the rest, n, k lie above it; X ~ Binomial(n, 1/2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SignTest {
    /// Observations not equal to the claim.
    pub n: u64,
    /// Of those, the ones above the claim.
    pub above: u64,
    pub p: f64,
}

pub fn sign_test<T: PartialOrd>(observations: &[T], claim: &T) -> SignTest {
    let above = observations.iter().filter(|x| *x > claim).count() as u64;
    let below = observations.iter().filter(|x| *x < claim).count() as u64;
    let n = above + below;
    SignTest {
        n,
        above,
        p: binomial_p(above, n, 0.5),
    }
}

/// The surprise of a p-value in bits, −log2(p): 0 for p = 1, 10 for about
/// 1/1000. A p-value of 0 (a result the claim rules out, or a tail below
/// the smallest normal double) is capped at 1022 bits.
pub fn surprise_bits(p: f64) -> f64 {
    let bits = -p.max(f64::MIN_POSITIVE).log2();
    // −log2(1) is −0.0, which would print as "-0".
    if bits <= 0.0 {
        0.0
    } else {
        bits
    }
}

/// How the evidence compares with an assumption (analyses §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    NoEvidence,
    Holds,
    Lower,
    Higher,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::NoEvidence => "no evidence",
            Verdict::Holds => "holds",
            Verdict::Lower => "lower than assumed",
            Verdict::Higher => "higher than assumed",
        }
    }

    /// The verdict of a test with evidence: `holds` at p ≥ 0.10, else the
    /// direction in which the observation differs.
    pub fn judge(p: f64, observed_is_higher: bool) -> Verdict {
        if p >= ALPHA {
            Verdict::Holds
        } else if observed_is_higher {
            Verdict::Higher
        } else {
            Verdict::Lower
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative closeness, for values that may be tiny.
    fn close(actual: f64, expected: f64, rel: f64) -> bool {
        if expected == 0.0 {
            return actual == 0.0;
        }
        ((actual - expected) / expected).abs() <= rel
    }

    macro_rules! assert_close {
        ($actual:expr, $expected:expr) => {
            assert_close!($actual, $expected, 1e-8)
        };
        ($actual:expr, $expected:expr, $rel:expr) => {{
            let (a, e) = ($actual, $expected);
            assert!(
                close(a, e, $rel),
                "{} = {a:e}, expected {e:e}",
                stringify!($actual)
            );
        }};
    }

    // Reference values from SciPy 1.17.1 (Python 3), computed as
    //   from scipy.stats import binom, poisson
    //   binom.cdf(k, n, p), binom.sf(k - 1, n, p)       # P[X <= k], P[X >= k]
    //   poisson.cdf(k, mu), poisson.sf(k - 1, mu)
    // and the two-sided p-value as min(1, 2 * min(cdf, sf)).

    #[test]
    fn binomial_small_counts() {
        // binom.cdf(1, 15, 0.1) = 0.5490430189190638, binom.sf(0, 15, 0.1) = 0.794108867905351
        let (at_most, at_least) = binomial_tails(1, 15, 0.1);
        assert_close!(at_most, 0.5490430189190638);
        assert_close!(at_least, 0.794108867905351);
        assert_eq!(binomial_p(1, 15, 0.1), 1.0);
        // binom.cdf(3, 20, 0.4) = 0.01596116279000825 -> p = 0.0319223255800165
        assert_close!(binomial_p(3, 20, 0.4), 0.0319223255800165);
    }

    #[test]
    fn binomial_at_n_zero_and_one() {
        // n = 0: both tails are 1, no evidence either way.
        assert_eq!(binomial_tails(0, 0, 0.5), (1.0, 1.0));
        assert_eq!(binomial_p(0, 0, 0.3), 1.0);
        // binom.cdf(1, 1, 0.1) = 1.0, binom.sf(0, 1, 0.1) = 0.1 -> p = 0.2
        assert_close!(binomial_p(1, 1, 0.1), 0.2);
        // binom.cdf(0, 1, 0.1) = 0.9, binom.sf(-1, 1, 0.1) = 1 -> p = 1
        assert_eq!(binomial_p(0, 1, 0.1), 1.0);
        // binom.cdf(0, 1, 0.95) = 0.05 -> p = 0.1
        assert_close!(binomial_p(0, 1, 0.95), 0.1);
    }

    #[test]
    fn binomial_at_n_100_000() {
        // binom.cdf(9800, 100000, 0.1) = 0.017525324737622874
        assert_close!(binomial_p(9800, 100_000, 0.1), 2.0 * 0.017525324737622874);
        // binom.cdf(9000, 100000, 0.1) = 5.235223531829388e-27
        assert_close!(binomial_p(9000, 100_000, 0.1), 2.0 * 5.235223531829388e-27);
        // binom.sf(10999, 100000, 0.1) = 1.41443730974507e-25
        assert_close!(binomial_p(11_000, 100_000, 0.1), 2.0 * 1.41443730974507e-25);
        // binom.cdf(49000, 100000, 0.5) = 1.2943580191734472e-10
        assert_close!(
            binomial_p(49_000, 100_000, 0.5),
            2.0 * 1.2943580191734472e-10
        );
        // binom.cdf(0, 100000, 0.001) = 3.538527688343456e-44
        assert_close!(binomial_p(0, 100_000, 0.001), 2.0 * 3.538527688343456e-44);
        // Around the mean both tails are about 1/2 and the p-value is 1.
        assert_eq!(binomial_p(10_000, 100_000, 0.1), 1.0);
        // binom.cdf(0, 100000, 0.1) underflows to 0.0 in SciPy too.
        assert_eq!(binomial_p(0, 100_000, 0.1), 0.0);
    }

    #[test]
    fn summed_and_incomplete_beta_tails_agree() {
        for (k, n, p) in [
            (0, 900, 0.5),
            (450, 900, 0.5),
            (80, 900, 0.1),
            (3, 900, 0.001),
            (899, 900, 0.97),
            (7, 20, 0.35),
        ] {
            let (a, b) = binomial_tails_by_sum(k, n, p);
            let dist = Binomial::new(p, n).unwrap();
            assert_close!(a, dist.cdf(k), 1e-9);
            assert_close!(b, if k == 0 { 1.0 } else { dist.sf(k - 1) }, 1e-9);
        }
        // binom.cdf(0, 900, 0.5) = 2**-900 = 1.18e-271, summed without underflow.
        assert_close!(binomial_tails(0, 900, 0.5).0, 2f64.powi(-900), 1e-12);
        // Exact for the sign test: binom.sf(3, 5, 0.5) = 0.1875.
        assert_eq!(binomial_p(4, 5, 0.5), 0.375);
        assert_eq!(binomial_p(0, 5, 0.5), 0.0625);
    }

    #[test]
    fn binomial_degenerate_claims() {
        assert_eq!(binomial_p(0, 10, 0.0), 1.0);
        assert_eq!(binomial_p(1, 10, 0.0), 0.0);
        assert_eq!(binomial_p(10, 10, 1.0), 1.0);
        assert_eq!(binomial_p(9, 10, 1.0), 0.0);
    }

    #[test]
    fn poisson_tails_against_scipy() {
        // poisson.cdf(3, 8.0) = 0.04238011199168396 -> p = 0.08476022398336792
        assert_close!(poisson_p(3, 8.0), 0.08476022398336792);
        // poisson.sf(119, 100.0) = 0.02823039396486565
        assert_close!(poisson_p(120, 100.0), 2.0 * 0.02823039396486565);
        // poisson.cdf(0, 0.5) = 0.6065306597126334, sf(-1) = 1 -> p = 1
        assert_eq!(poisson_p(0, 0.5), 1.0);
        // poisson.sf(0, 0.5) = 0.3934693402873666 -> p = 0.7869386805747332
        assert_close!(poisson_p(1, 0.5), 0.7869386805747332);
        // poisson.cdf(0, 700.0) = 9.85967654375939e-305
        assert_close!(poisson_p(0, 700.0), 2.0 * 9.85967654375939e-305);
    }

    #[test]
    fn poisson_at_100_000() {
        // poisson.cdf(99000, 100000.0) = 0.0007742008294447384
        assert_close!(poisson_p(99_000, 100_000.0), 2.0 * 0.0007742008294447384);
        // poisson.sf(101499, 100000.0) = 1.1193749619997961e-06
        assert_close!(poisson_p(101_500, 100_000.0), 2.0 * 1.1193749619997961e-06);
        assert_eq!(poisson_p(100_000, 100_000.0), 1.0);
    }

    #[test]
    fn poisson_without_elapsed_time() {
        assert_eq!(poisson_tails(0, 0.0), (1.0, 1.0));
        assert_eq!(poisson_p(3, 0.0), 0.0);
    }

    #[test]
    fn wilson_interval() {
        // SciPy: binomtest(1, 15, 0.1).proportion_ci(0.90, "wilson")
        //   = (0.015016114195611163, 0.25075056313317695), with z = norm.ppf(0.95) = 1.64485...
        // The same formula with z = 1.6449 exactly (Python, math.sqrt):
        //   (0.015015573606862412, 0.2507574300266729)
        let (low, high) = wilson(1, 15).unwrap();
        assert_close!(low, 0.015015573606862412, 1e-12);
        assert_close!(high, 0.2507574300266729, 1e-12);
        assert_close!(low, 0.015016114195611163, 1e-4);
        assert_close!(high, 0.25075056313317695, 1e-4);
        // binomtest(3, 12).proportion_ci(0.90, "wilson") = (0.10465256557048921, 0.4873380318032493)
        let (low, high) = wilson(3, 12).unwrap();
        assert_close!(low, 0.10465002556148825, 1e-12);
        assert_close!(high, 0.4873448044744415, 1e-12);
        // By hand, k = 0, n = 1: centre = (z²/2)/(1 + z²) = 1.35285/3.70570 = 0.36507;
        // half = z/(1 + z²)·sqrt(z²/4) = 1.6449/3.70570·0.82245 = 0.36507: (0, 0.73015).
        let (low, high) = wilson(0, 1).unwrap();
        assert!(low.abs() < 1e-12);
        assert_close!(high, 0.7301451610435795, 1e-12);
        assert_eq!(wilson(0, 0), None);
        // n = 100,000: (0.49739921992275793, 0.5026007800772421)
        let (low, high) = wilson(50_000, 100_000).unwrap();
        assert_close!(low, 0.49739921992275793, 1e-12);
        assert_close!(high, 0.5026007800772421, 1e-12);
    }

    #[test]
    fn sign_test_drops_ties() {
        let test = sign_test(&[10, 30, 30, 45, 60], &30);
        assert_eq!((test.n, test.above), (3, 2));
        // binom.cdf(2, 3, .5) = 0.875, binom.sf(1, 3, .5) = 0.5 -> p = 1
        assert_eq!(test.p, 1.0);
        let test = sign_test(&[31, 40, 52, 60, 75, 90], &30);
        // binom.sf(5, 6, .5) = 0.015625 -> p = 0.03125
        assert_eq!((test.n, test.above), (6, 6));
        assert_close!(test.p, 0.03125);
        let test = sign_test::<i64>(&[], &30);
        assert_eq!((test.n, test.p), (0, 1.0));
    }

    #[test]
    fn bits_and_verdicts() {
        assert_eq!(surprise_bits(1.0), 0.0);
        assert_close!(surprise_bits(0.5), 1.0);
        assert_close!(surprise_bits(1.0 / 1024.0), 10.0);
        assert_eq!(surprise_bits(0.0), 1022.0);
        assert_eq!(Verdict::judge(0.10, true), Verdict::Holds);
        assert_eq!(Verdict::judge(0.0999, true), Verdict::Higher);
        assert_eq!(Verdict::judge(0.01, false), Verdict::Lower);
    }
}
