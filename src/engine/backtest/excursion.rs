//! The calibrated distance-only model (`--odds-model empirical`, the default): the empirical
//! distribution of trailing maxima.
//!
//! For every candle close `s` of the path whose horizon `(s, s + h]` is over by the time of the
//! forecast, the largest move up (the highest high of the candles opening at or after `s` and
//! closing by `s + h`, against the close at `s`) and the largest move down, in log terms,
//! each divided by `sigma_s sqrt(h)`, the trailing volatility at `s` ([`trailing_vol`]) times
//! the square root of the horizon: a normalised excursion. A level at log distance `d` at time
//! `t`, with trailing volatility `sigma_t`, is reached within the horizon with probability
//! `P = share of those excursions >= |d| / (sigma_t sqrt(h))`, up and down pooled.
//!
//! Under a driftless random walk the normalised excursion has the distribution the reflection
//! principle gives (`P(X >= x) = erfc(x / sqrt 2)`), so the two models agree there; on real
//! prices the empirical one carries what the walk leaves out (volatility that clusters and
//! mean-reverts, fat tails), which made the reflection model overconfident near price.
//!
//! No look-ahead: a forecast at `t` reads only excursions whose horizon ended by `t` and
//! volatilities of candles that closed by then. With fewer than [`MIN_SAMPLES`] excursions
//! the model falls back to the reflection principle ([`model_probability`]).
//! Chosen on `../shared/data/fuel-dev` (docs/method.md, "The touch model": the figures and the rule).

use chrono::{DateTime, Utc};

use super::score::horizon_range;
use super::types::PricePath;
use super::volmodel::{model_probability, trailing_vol};

/// Excursions (up and down together) a forecast needs before it departs from the reflection
/// principle; fixed before measuring anything.
pub(crate) const MIN_SAMPLES: usize = 100;

/// The normalised excursions of a path, in the order their horizons end.
#[derive(Debug, Clone)]
pub struct Excursions {
    /// When each start's horizon ended (`s + h`), Unix seconds, ascending.
    ends: Vec<i64>,
    /// Its largest move up and down, `ln(high / close) / (sigma sqrt h)` and
    /// `ln(close / low) / (sigma sqrt h)`.
    up: Vec<f64>,
    down: Vec<f64>,
    horizon_secs: i64,
}

impl Excursions {
    /// Every candle close of `path` whose whole horizon lies inside the path and whose
    /// trailing volatility over `vol_window_secs` is positive.
    pub fn new(path: &PricePath, horizon_secs: i64, vol_window_secs: i64) -> Excursions {
        let iv = path.interval_secs;
        let mut e = Excursions { ends: Vec::new(), up: Vec::new(), down: Vec::new(), horizon_secs };
        let Some(last) = path.open_time.last() else { return e };
        if iv <= 0 || horizon_secs <= 0 {
            return e;
        }
        let path_end = last.timestamp() + iv;
        let root_h = (horizon_secs as f64).sqrt();
        for k in 0..path.open_time.len() {
            let s = path.open_time[k].timestamp() + iv;
            let end = s + horizon_secs;
            if end > path_end {
                break;
            }
            let Some(at) = DateTime::<Utc>::from_timestamp(s, 0) else { continue };
            let Some(sigma) = trailing_vol(path, at, vol_window_secs).filter(|v| *v > 0.0) else { continue };
            let (a, b) = horizon_range(path, at, horizon_secs);
            if a >= b {
                continue;
            }
            let hi = path.high[a..b].iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lo = path.low[a..b].iter().copied().fold(f64::INFINITY, f64::min);
            let c = path.close[k];
            let (u, d) = ((hi / c).ln().max(0.0) / (sigma * root_h), (c / lo).ln().max(0.0) / (sigma * root_h));
            if u.is_finite() && d.is_finite() {
                e.ends.push(end);
                e.up.push(u);
                e.down.push(d);
            }
        }
        e
    }

    /// The model's probability for each query `(at, sigma at at, log distance)`, in the order
    /// given: the share of the excursions over by `at` that reach `|d| / (sigma sqrt h)`, or
    /// the reflection principle with fewer than [`MIN_SAMPLES`] of them. `None` without a
    /// usable volatility, as [`model_probability`].
    pub fn probabilities(&self, queries: &[(DateTime<Utc>, Option<f64>, f64)]) -> Vec<Option<f64>> {
        // Every excursion's rank among all of them, so that the ones over by a time can be
        // counted above a value as they are added (a Fenwick tree over ranks).
        let mut values: Vec<f64> = self.up.iter().chain(&self.down).copied().collect();
        values.sort_by(f64::total_cmp);
        let rank = |v: f64| values.partition_point(|x| *x < v);
        let mut tree = Fenwick::new(values.len());
        let mut order: Vec<usize> = (0..queries.len()).collect();
        order.sort_by_key(|&i| queries[i].0);
        let mut out = vec![None; queries.len()];
        let (mut added, mut next) = (0usize, 0usize);
        for i in order {
            let (at, vol, d) = queries[i];
            while next < self.ends.len() && self.ends[next] <= at.timestamp() {
                // Equal values share the rank of the first of them; counts below a rank
                // stay exact.
                tree.add(rank(self.up[next]));
                tree.add(rank(self.down[next]));
                added += 2;
                next += 1;
            }
            let reflection = model_probability(vol, d, self.horizon_secs);
            out[i] = match (reflection, vol) {
                (Some(_), Some(sigma)) if added >= MIN_SAMPLES && d != 0.0 && sigma > 0.0 => {
                    let x = d.abs() / (sigma * (self.horizon_secs as f64).sqrt());
                    let below = tree.count_below(rank(x));
                    Some((added - below) as f64 / added as f64)
                }
                // No volatility (None), a level at the price (1), a flat past (0), or too
                // few excursions: the reflection principle.
                (p, _) => p,
            };
        }
        out
    }

    /// Excursions (up and down) over by `at`.
    pub fn over_by(&self, at: DateTime<Utc>) -> usize {
        2 * self.ends.partition_point(|e| *e <= at.timestamp())
    }
}

/// Counts of ranks, and how many lie below a rank.
struct Fenwick {
    tree: Vec<usize>,
}

impl Fenwick {
    fn new(n: usize) -> Fenwick {
        Fenwick { tree: vec![0; n + 1] }
    }

    fn add(&mut self, rank: usize) {
        let mut i = rank + 1;
        while i < self.tree.len() {
            self.tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }

    /// How many added ranks are `< rank`.
    fn count_below(&self, rank: usize) -> usize {
        let mut i = rank.min(self.tree.len() - 1);
        let mut n = 0;
        while i > 0 {
            n += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenwick_counts_below_a_rank() {
        let mut f = Fenwick::new(6);
        for r in [0, 2, 2, 5] {
            f.add(r);
        }
        let want = |r: usize| [0usize, 2, 2, 5].iter().filter(|&&x| x < r).count();
        for r in 0..=7 {
            assert_eq!(f.count_below(r), want(r), "rank {r}");
        }
    }
}
