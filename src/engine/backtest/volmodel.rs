//! The second baseline: a distance-only model. Price is a driftless Brownian motion with the
//! trailing realised volatility sigma (per sqrt(second)); by the reflection principle a level at
//! log distance d is reached within h seconds with probability
//! `P = erfc(|d| / (sigma * sqrt(2 h)))`. Chosen before looking at any result, as the textbook
//! baseline; the empirical alternative (the distribution of trailing maxima) is not used.
//!
//! The adjusted probability multiplies it by the touch lift of the zone's letter measured on
//! earlier steps only, those whose horizon had ended by the step, against placebo levels on
//! paths that had ended by then too (no look-ahead).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::types::{BacktestParams, PricePath, ZoneOutcome};
use crate::engine::zones::ZoneName;

/// Outcomes of a letter an adjustment needs before it departs from the model alone.
pub(crate) const MIN_ADJUST_OUTCOMES: usize = 10;
/// The adjusted probability stays below certainty.
pub(crate) const CAP: f64 = 0.999;

/// The complementary error function, to about 1e-13 (absolute): the power series of erf below
/// 2.5, Lentz's continued fraction above.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.5 {
        // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
        let (x2, mut term, mut sum) = (x * x, x, x);
        for n in 1..200 {
            term *= -x2 / n as f64;
            let add = term / (2 * n + 1) as f64;
            sum += add;
            if add.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        return 1.0 - sum * std::f64::consts::FRAC_2_SQRT_PI;
    }
    if x > 27.0 {
        return 0.0;
    }
    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
    let tiny = 1e-300;
    let mut f = x;
    let (mut c, mut d) = (x, 0.0);
    for n in 1..500 {
        let a = n as f64 / 2.0;
        d = x + a * d;
        d = if d.abs() < tiny { tiny } else { d };
        c = x + a / c;
        c = if c.abs() < tiny { tiny } else { c };
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x * x).exp() / (f * std::f64::consts::PI.sqrt())
}

/// P(a driftless walk with volatility `vol` per sqrt(second) reaches log distance `d` within
/// `horizon_secs`). `None` without a usable volatility.
pub fn model_probability(vol: Option<f64>, log_distance: f64, horizon_secs: i64) -> Option<f64> {
    let sigma = vol.filter(|v| v.is_finite() && *v >= 0.0)?;
    if !log_distance.is_finite() || horizon_secs <= 0 {
        return None;
    }
    if log_distance == 0.0 {
        return Some(1.0);
    }
    if sigma == 0.0 {
        return Some(0.0);
    }
    Some(erfc(log_distance.abs() / (sigma * (2.0 * horizon_secs as f64).sqrt())))
}

/// Fewer close-to-close returns than this in the volatility window give no volatility (and
/// no model probability).
pub(crate) const MIN_VOL_RETURNS: usize = 10;

/// Trailing realised volatility at `at`: the sample standard deviation of the close-to-close
/// log returns of the candles closing in `(at - window_secs, at]`, divided by the square root
/// of the candle interval (per sqrt(second)). `None` with fewer than [`MIN_VOL_RETURNS`] returns.
pub fn trailing_vol(path: &PricePath, at: DateTime<Utc>, window_secs: i64) -> Option<f64> {
    let iv = path.interval_secs;
    let t = at.timestamp();
    // Candle k closes at open_time[k] + iv.
    let end = path.open_time.partition_point(|o| o.timestamp() + iv <= t);
    let start = path.open_time.partition_point(|o| o.timestamp() + iv <= t - window_secs);
    if end < start + MIN_VOL_RETURNS + 1 || iv <= 0 {
        return None;
    }
    let r: Vec<f64> = (start + 1..end).map(|k| (path.close[k] / path.close[k - 1]).ln()).collect();
    let mean = r.iter().sum::<f64>() / r.len() as f64;
    let var = r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (r.len() - 1) as f64;
    let v = var.sqrt() / (iv as f64).sqrt();
    v.is_finite().then_some(v)
}

/// The letter a lift is pooled by: the zone's name (`A`, `B`, `C above`, `C below`).
pub fn letter(o: &ZoneOutcome) -> ZoneName {
    o.name
}

/// Fills `model_probability` from each step's volatility (`vols[o.step]`) and
/// `adjusted_probability` from the touch lift of the same letter at earlier steps whose
/// horizon had ended by the outcome's step (`at_j + horizon <= at_i`); with fewer than
/// [`MIN_ADJUST_OUTCOMES`] of them, or none touched by the placebo, the lift is 1.
///
/// No look-ahead, in the placebo either: the expected touches of an earlier zone j are
/// counted, as of step i, on the paths of the steps whose horizon had ended by `at_i` (and
/// does not overlap j's), not on every other step's path as `placebo_touch` is (that one is a
/// description of the whole history, this a forecast made at step i).
/// `step_at[s]` is step s's time; `placebo(s, o)` says whether a level at `o`'s log distance
/// was touched on step s's path within the horizon, `None` when step s does not count for `o`
/// (its horizon overlaps `o`'s, or it has no candles).
pub fn fill(
    outcomes: &mut [ZoneOutcome],
    vols: &[Option<f64>],
    step_at: &[DateTime<Utc>],
    bt: &BacktestParams,
    placebo: impl Fn(usize, &ZoneOutcome) -> Option<bool>,
) {
    for o in outcomes.iter_mut() {
        o.model_probability = model_probability(vols.get(o.step).copied().flatten(), o.log_distance, bt.horizon_secs);
    }
    adjust(outcomes, step_at, bt, placebo);
}

/// The `adjusted_probability` of [`fill`] from the `model_probability` already in `outcomes`
/// (whichever model gave it).
pub(crate) fn adjust(
    outcomes: &mut [ZoneOutcome],
    step_at: &[DateTime<Utc>],
    bt: &BacktestParams,
    placebo: impl Fn(usize, &ZoneOutcome) -> Option<bool>,
) {
    // Per outcome: (eligible steps ended so far, of them touched); per letter over the
    // outcomes whose own horizon has ended: (outcomes, touched, sum of their current rates).
    let mut counts = vec![(0usize, 0usize); outcomes.len()];
    let rate = |c: (usize, usize)| if c.0 > 0 { c.1 as f64 / c.0 as f64 } else { 0.0 };
    let mut seen = vec![false; outcomes.len()];
    let mut letters: HashMap<ZoneName, (usize, f64, f64)> = HashMap::new();
    let mut by_step: Vec<Vec<usize>> = vec![Vec::new(); step_at.len()];
    for (i, o) in outcomes.iter().enumerate() {
        if let Some(v) = by_step.get_mut(o.step) {
            v.push(i);
        }
    }
    let mut order: Vec<usize> = (0..outcomes.len()).collect();
    order.sort_by_key(|&i| (outcomes[i].at, i));
    // Steps in time order; every horizon has the same length, so ending order is starting order.
    let mut steps_by_at: Vec<usize> = (0..step_at.len()).collect();
    steps_by_at.sort_by_key(|&s| (step_at[s], s));
    let mut next = 0;
    let mut lifts = vec![1.0; outcomes.len()];
    for &i in &order {
        let at_i = outcomes[i].at.timestamp();
        while next < steps_by_at.len() && step_at[steps_by_at[next]].timestamp() + bt.horizon_secs <= at_i {
            let s = steps_by_at[next];
            next += 1;
            // Step s's path is now history: it counts for every zone it does not overlap.
            for j in 0..outcomes.len() {
                let Some(hit) = placebo(s, &outcomes[j]) else { continue };
                let old = rate(counts[j]);
                counts[j].0 += 1;
                counts[j].1 += hit as usize;
                if seen[j] {
                    letters.get_mut(&letter(&outcomes[j])).expect("seen letter").2 += rate(counts[j]) - old;
                }
            }
            // Step s's own zones are over: their outcomes join their letter's record.
            for &j in &by_step[s] {
                seen[j] = true;
                let e = letters.entry(letter(&outcomes[j])).or_insert((0, 0.0, 0.0));
                e.0 += 1;
                e.1 += outcomes[j].touched as u8 as f64;
                e.2 += rate(counts[j]);
            }
        }
        lifts[i] = match letters.get(&letter(&outcomes[i])) {
            Some(&(n, obs, exp)) if n >= MIN_ADJUST_OUTCOMES && exp > 0.0 => obs / exp,
            _ => 1.0,
        };
    }
    for (o, lift) in outcomes.iter_mut().zip(lifts) {
        o.adjusted_probability = o.model_probability.map(|p| (p * lift).min(CAP));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_known_values() {
        // The known values (ten significant digits)...
        for (x, want) in [(0.5, 0.4795001222), (1.0, 0.1572992071), (2.0, 0.004677734981)] {
            let got = erfc(x);
            assert!((got - want).abs() <= 1e-9 * want, "erfc({x}) = {got}, want {want}");
        }
        // ...and to 1e-12 relative against full-precision references (Python's math.erfc).
        for (x, want) in [
            (0.0, 1.0),
            (0.5, 0.4795001221869535),
            (1.0, 0.15729920705028513),
            (2.0, 0.004677734981047266),
            (2.5, 0.000406952017444959),
            (3.0, 2.209049699858544e-05),
            (4.0, 1.541725790028002e-08),
            (-1.0, 1.8427007929497148),
        ] {
            let got = erfc(x);
            assert!((got - want).abs() <= 1e-12 * want, "erfc({x}) = {got}, want {want}");
        }
        assert_eq!(erfc(30.0), 0.0);
    }

    #[test]
    fn reflection_principle_probability() {
        // sigma sqrt(2h) = 0.01 * sqrt(2 * 5000) = 1: P = erfc(|d|).
        let p = model_probability(Some(0.01), -1.0, 5000).unwrap();
        assert!((p - 0.1572992071).abs() < 1e-9);
        assert_eq!(model_probability(None, 0.01, 3600), None);
        assert_eq!(model_probability(Some(0.0), 0.01, 3600), Some(0.0));
    }
}
