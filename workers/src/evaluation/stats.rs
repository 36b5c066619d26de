//! Statistics for comparing two runs over the same items, pure and deterministic: the exact
//! McNemar test on pass/fail flips, a seeded paired bootstrap of the mean score difference,
//! and percentiles.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// Two-sided exact McNemar p-value for `b` items that passed only in the first run and `c`
/// only in the second: the binomial test of min(b, c) successes in b + c trials at p = ½,
/// doubled and capped at 1; 1 when nothing flipped. Summed in log space, so it is exact to
/// floating point for b + c in the hundreds of thousands.
pub fn mcnemar_exact(b: u64, c: u64) -> f64 {
    let n = b.saturating_add(c);
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    // log C(n, i) - n ln 2, built term by term; the tail is summed with log-sum-exp.
    let ln_half_n = -(n as f64) * std::f64::consts::LN_2;
    let mut log_term = ln_half_n;
    let mut logs = Vec::with_capacity(usize::try_from(k).unwrap_or(0).saturating_add(1));
    logs.push(log_term);
    for i in 0..k {
        log_term += ((n - i) as f64).ln() - ((i + 1) as f64).ln();
        logs.push(log_term);
    }
    let max = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let tail = max + logs.iter().map(|l| (l - max).exp()).sum::<f64>().ln();
    (2.0 * tail.exp()).min(1.0)
}

/// A mean and its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// Percentile bootstrap of the mean of paired differences: `resamples` resamples with
/// replacement from an RNG seeded with `seed` (so the same input and seed give the same
/// interval), the interval the central `confidence` (e.g. 0.95) of their means. Empty input:
/// all zero; no resamples: the mean as both ends.
pub fn paired_bootstrap(diffs: &[f64], resamples: usize, confidence: f64, seed: u64) -> Interval {
    if diffs.is_empty() {
        return Interval {
            mean: 0.0,
            low: 0.0,
            high: 0.0,
        };
    }
    let mean = diffs.iter().sum::<f64>() / diffs.len() as f64;
    if resamples == 0 {
        return Interval {
            mean,
            low: mean,
            high: mean,
        };
    }
    let confidence = if confidence.is_finite() {
        confidence.clamp(0.0, 1.0)
    } else {
        0.95
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| {
            let total: f64 = (0..diffs.len())
                .map(|_| diffs[rng.random_range(0..diffs.len())])
                .sum();
            total / diffs.len() as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let alpha = (1.0 - confidence) / 2.0;
    Interval {
        mean,
        low: percentile(&means, alpha).unwrap_or(mean),
        high: percentile(&means, 1.0 - alpha).unwrap_or(mean),
    }
}

/// The `p`-quantile (`p` in [0, 1]) of ascending `sorted`, by linear interpolation between
/// the closest ranks (R's type 7, numpy's default). `None` for no data or `p` outside [0, 1].
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let rank = p * (sorted.len() - 1) as f64;
    let below = rank.floor() as usize;
    let above = rank.ceil() as usize;
    let (low, high) = (*sorted.get(below)?, *sorted.get(above)?);
    Some(low + (high - low) * (rank - below as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcnemar_matches_hand_computed_values() {
        assert!((mcnemar_exact(1, 9) - 0.021_484_375).abs() < 1e-12);
        assert!((mcnemar_exact(9, 1) - 0.021_484_375).abs() < 1e-12);
        assert_eq!(mcnemar_exact(5, 5), 1.0);
        assert!((mcnemar_exact(0, 6) - 0.031_25).abs() < 1e-12);
        assert_eq!(mcnemar_exact(0, 0), 1.0);
        // 2 · (1 + 20 + 190) / 2^20
        assert!((mcnemar_exact(2, 18) - 422.0 / 1_048_576.0).abs() < 1e-15);
    }

    #[test]
    fn mcnemar_is_stable_for_large_counts() {
        let balanced = mcnemar_exact(50_000, 50_000);
        assert_eq!(balanced, 1.0);
        let lopsided = mcnemar_exact(49_000, 51_000);
        assert!(lopsided > 0.0 && lopsided < 1e-8, "{lopsided}");
        let near = mcnemar_exact(49_900, 50_100);
        assert!(near > 0.1 && near < 1.0, "{near}");
        assert_eq!(mcnemar_exact(0, 100_000), 0.0, "underflows to 0, never NaN");
    }

    #[test]
    fn bootstrap_contains_the_mean_and_is_reproducible() {
        let diffs: Vec<f64> = (0..200).map(|i| f64::from(i % 7) / 10.0 - 0.2).collect();
        let a = paired_bootstrap(&diffs, 2000, 0.95, 42);
        let b = paired_bootstrap(&diffs, 2000, 0.95, 42);
        assert_eq!(a, b);
        assert!(a.low <= a.mean && a.mean <= a.high, "{a:?}");
        assert!(a.low < a.high);
        let c = paired_bootstrap(&diffs, 2000, 0.95, 7);
        assert!((c.low - a.low).abs() < 0.02, "seeds agree roughly");
        let zero = Interval {
            mean: 0.0,
            low: 0.0,
            high: 0.0,
        };
        assert_eq!(paired_bootstrap(&[], 100, 0.95, 1), zero);
    }

    #[test]
    fn percentiles_interpolate() {
        let sorted = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&sorted, 0.0), Some(1.0));
        assert_eq!(percentile(&sorted, 1.0), Some(4.0));
        assert_eq!(percentile(&sorted, 0.5), Some(2.5));
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&sorted, 1.5), None);
    }
}
