//! The first baseline: "any level at that distance". A zone at step i with log distance d is
//! compared with a level at the same d from every other step j's own price, on j's own path,
//! for every j whose horizon does not overlap i's (`|t_j - t_i| >= horizon`).
//!
//! Fast: each step's horizon is reduced once to running maxima of the highs and minima of the
//! lows, so whether a level is touched is one comparison with the horizon's extreme, and the
//! touching candle a binary search on the running extreme. Only touched levels read candles
//! again, for the reaction (a window of `reaction_secs`).

use super::score::{horizon_range, reaction};
use super::types::{BacktestParams, PricePath, Reaction, Step, ZoneOutcome};
use crate::model::side::Where;

/// Each step's horizon as running extremes.
pub(crate) struct Horizons {
    at: Vec<i64>,
    price: Vec<f64>,
    /// Per step: index of its first candle, and the range of `run_max`/`run_min` it owns.
    start: Vec<usize>,
    span: Vec<(usize, usize)>,
    run_max: Vec<f64>,
    run_min: Vec<f64>,
}

impl Horizons {
    pub fn new(steps: &[Step], path: &PricePath, horizon_secs: i64) -> Horizons {
        let mut h = Horizons {
            at: Vec::with_capacity(steps.len()),
            price: Vec::with_capacity(steps.len()),
            start: Vec::with_capacity(steps.len()),
            span: Vec::with_capacity(steps.len()),
            run_max: Vec::new(),
            run_min: Vec::new(),
        };
        for s in steps {
            let (a, b) = horizon_range(path, s.at, horizon_secs);
            let from = h.run_max.len();
            let (mut hi, mut lo) = (f64::NEG_INFINITY, f64::INFINITY);
            for k in a..b {
                hi = hi.max(path.high[k]);
                lo = lo.min(path.low[k]);
                h.run_max.push(hi);
                h.run_min.push(lo);
            }
            h.at.push(s.at.timestamp());
            h.price.push(s.price);
            h.start.push(a);
            h.span.push((from, h.run_max.len()));
        }
        h
    }

    /// The candle of step `j`'s path that first reaches `level` on `side`, if any.
    /// Whether step `j` counts as a placebo for a zone of the step at `at` (its horizon does
    /// not overlap, and it has candles), and if so whether a level at `log_distance` from
    /// step `j`'s price was touched on its path.
    pub(crate) fn placebo_touched(
        &self,
        j: usize,
        at: i64,
        log_distance: f64,
        side: Where,
        horizon_secs: i64,
    ) -> Option<bool> {
        if (self.at[j] - at).abs() < horizon_secs || self.span[j].0 == self.span[j].1 {
            return None;
        }
        Some(self.first_touch(j, self.price[j] * log_distance.exp(), side).is_some())
    }

    pub(crate) fn first_touch(&self, j: usize, level: f64, side: Where) -> Option<usize> {
        let (from, to) = self.span[j];
        if from == to {
            return None;
        }
        let k = match side {
            Where::Above => {
                let run = &self.run_max[from..to];
                if run[run.len() - 1] < level {
                    return None;
                }
                run.partition_point(|&x| x < level)
            }
            Where::Below => {
                let run = &self.run_min[from..to];
                if run[run.len() - 1] > level {
                    return None;
                }
                run.partition_point(|&x| x > level)
            }
        };
        Some(self.start[j] + k)
    }
}

/// (touch probability, reject share of the touches) of a level at `log_distance` on `side`
/// on the paths of the steps whose horizon does not overlap step `i`'s.
pub(crate) fn placebo_for(
    h: &Horizons,
    path: &PricePath,
    i: usize,
    log_distance: f64,
    side: Where,
    bt: &BacktestParams,
) -> (f64, Option<f64>) {
    let factor = log_distance.exp();
    let t_i = h.at[i];
    let (mut eligible, mut touched, mut rejected) = (0usize, 0usize, 0usize);
    for j in 0..h.at.len() {
        if (h.at[j] - t_i).abs() < bt.horizon_secs || h.span[j].0 == h.span[j].1 {
            continue;
        }
        eligible += 1;
        let level = h.price[j] * factor;
        if let Some(k) = h.first_touch(j, level, side) {
            touched += 1;
            if reaction(path, k, level, side, bt) == Reaction::Reject {
                rejected += 1;
            }
        }
    }
    let touch = if eligible > 0 { touched as f64 / eligible as f64 } else { 0.0 };
    let reject = (touched > 0).then(|| rejected as f64 / touched as f64);
    (touch, reject)
}

/// Fills `placebo_touch` and `placebo_reject` of every outcome. With no step far enough
/// away, `placebo_touch` is 0 (the lifts of such a history are then undefined, not infinite).
pub fn fill(outcomes: &mut [ZoneOutcome], steps: &[Step], path: &PricePath, bt: &BacktestParams) {
    let h = Horizons::new(steps, path, bt.horizon_secs);
    for o in outcomes {
        let (t, r) = placebo_for(&h, path, o.step, o.log_distance, o.side, bt);
        o.placebo_touch = t;
        o.placebo_reject = r;
    }
}
