//! 90 % intervals by a block bootstrap over UTC days. Steps overlap through the horizon, so
//! they are not independent; whole days of them are resampled with replacement instead.
//! Reproducible: the draws come from `StdRng::seed_from_u64(seed)`.
//!
//! The statistic is any function of per-day sums (`S: DaySum`); the lifts are ratios of sums,
//! observed / expected ([`Ratio`]), so a resample costs one pass over the days, not the zones.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The UTC day `at` falls on (days since the epoch): the bootstrap's block.
pub(crate) fn day_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(86_400)
}

/// A per-day summary that adds up over days.
pub trait DaySum: Copy + Default {
    fn add(&mut self, other: &Self);
}

/// Observed and expected counts: the statistic is observed / expected.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Ratio {
    pub observed: f64,
    pub expected: f64,
}

impl DaySum for Ratio {
    fn add(&mut self, o: &Self) {
        self.observed += o.observed;
        self.expected += o.expected;
    }
}

impl Ratio {
    /// `None` when nothing was expected (the ratio is undefined, not infinite).
    pub fn value(&self) -> Option<f64> {
        (self.expected > 0.0 && self.observed.is_finite()).then(|| self.observed / self.expected)
    }
}

/// Sums `items` per UTC day (in day order).
pub(crate) fn per_day<S: DaySum>(items: impl IntoIterator<Item = (DateTime<Utc>, S)>) -> Vec<S> {
    let mut days: BTreeMap<i64, S> = BTreeMap::new();
    for (at, s) in items {
        days.entry(day_of(at)).or_default().add(&s);
    }
    days.into_values().collect()
}

/// The `q` quantile of sorted `xs` (linear interpolation between order statistics).
fn quantile(xs: &[f64], q: f64) -> f64 {
    let pos = q * (xs.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    xs[lo] + (xs[hi] - xs[lo]) * (pos - lo as f64)
}

/// The 90 % percentile interval of `stat` over `resamples` resamples of `days` (whole days
/// drawn with replacement, as many as there are). Resamples where `stat` is undefined are
/// left out; `None` when no day, no resample, or fewer than half the resamples are defined.
pub fn interval<S: DaySum>(
    days: &[S],
    resamples: usize,
    seed: u64,
    stat: impl Fn(&S) -> Option<f64>,
) -> Option<[f64; 2]> {
    let [ci] = intervals(days, resamples, seed, [&stat]);
    ci
}

/// A statistic of summed days (`None`: undefined on them).
pub(crate) type Stat<'a, S> = &'a dyn Fn(&S) -> Option<f64>;

/// [`interval`] of several statistics on the same resamples (one pass): each result is what
/// [`interval`] gives for that statistic alone with the same seed.
pub fn intervals<S: DaySum, const N: usize>(
    days: &[S],
    resamples: usize,
    seed: u64,
    stats: [Stat<'_, S>; N],
) -> [Option<[f64; 2]>; N] {
    if days.is_empty() || resamples == 0 {
        return [None; N];
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut values: [Vec<f64>; N] = std::array::from_fn(|_| Vec::with_capacity(resamples));
    for _ in 0..resamples {
        let mut total = S::default();
        for _ in 0..days.len() {
            total.add(&days[rng.random_range(0..days.len())]);
        }
        for (stat, vals) in stats.iter().zip(values.iter_mut()) {
            if let Some(v) = stat(&total).filter(|v| v.is_finite()) {
                vals.push(v);
            }
        }
    }
    values.map(|mut vals| {
        if vals.len() * 2 < resamples {
            return None;
        }
        vals.sort_by(f64::total_cmp);
        Some([quantile(&vals, 0.05), quantile(&vals, 0.95)])
    })
}

/// The 90 % interval of observed / expected, resampling the days of `items` (at, observed,
/// expected).
pub(crate) fn ratio_interval(
    items: impl IntoIterator<Item = (DateTime<Utc>, f64, f64)>,
    resamples: usize,
    seed: u64,
) -> Option<[f64; 2]> {
    let days = per_day(items.into_iter().map(|(at, observed, expected)| (at, Ratio { observed, expected })));
    interval(&days, resamples, seed, Ratio::value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn items() -> Vec<(DateTime<Utc>, f64, f64)> {
        let mut rng = StdRng::seed_from_u64(99);
        (0..300)
            .map(|i| {
                (Utc.timestamp_opt(i * 7200, 0).unwrap(), rng.random_bool(0.3) as u8 as f64, rng.random_range(0.1..0.5))
            })
            .collect()
    }

    #[test]
    fn same_seed_same_interval_other_seed_other_interval() {
        let a = ratio_interval(items(), 500, 7).unwrap();
        assert_eq!(a, ratio_interval(items(), 500, 7).unwrap());
        assert_ne!(a, ratio_interval(items(), 500, 8).unwrap());
        // The point estimate lies inside.
        let it = items();
        let point = it.iter().map(|x| x.1).sum::<f64>() / it.iter().map(|x| x.2).sum::<f64>();
        assert!(a[0] < point && point < a[1], "{a:?} vs {point}");
    }

    #[test]
    fn days_are_the_blocks() {
        // 25 days, 12 items a day; within a day all or nothing is observed: the day-block
        // interval is much wider than treating the 300 items as independent would give.
        let it: Vec<_> =
            (0..300).map(|i| (Utc.timestamp_opt(i * 7200, 0).unwrap(), ((i / 12) % 2) as f64, 0.5)).collect();
        assert_eq!(per_day(it.iter().map(|&(t, o, e)| (t, Ratio { observed: o, expected: e }))).len(), 25);
        let [lo, hi] = ratio_interval(it, 1000, 1).unwrap();
        assert!(hi - lo > 0.45, "{lo}-{hi}");
    }

    #[test]
    fn undefined_when_nothing_expected() {
        let it: Vec<_> = (0..10).map(|i| (Utc.timestamp_opt(i * 86_400, 0).unwrap(), 1.0, 0.0)).collect();
        assert_eq!(ratio_interval(it, 100, 1), None);
        assert_eq!(ratio_interval(Vec::new(), 100, 1), None);
    }
}
