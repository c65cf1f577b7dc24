//! The map against realized liquidations: at each step, over the price range the path then
//! traded through within the horizon, does the step's estimated density (its live profile in
//! 0.1 % bands, longs + shorts) rank where realized liquidations happened? Pure.
//!
//! Per step: the bands overlapping `[low, high]` of the horizon's candles; each realized
//! event of the horizon (`at < time <= at + horizon`) inside that range counts in the band
//! holding its price. Steps without such an event are left out. Steps overlap when the
//! horizon is longer than the step, so one event can be scored at several steps: the pooled
//! figures count (step, event) pairs.
//! - Spearman rank correlation between band density and band realized USD (average ranks for
//!   ties): pooled (Pearson's correlation of the ranks within each step, centred and divided by
//!   the step's band count, over every scored band of every scored step), and the mean of the
//!   per-step correlations (steps whose bands or USD are not all equal).
//! - Densest 10 %: per step the `ceil(10 %)` bands of highest density (ties: lower band first);
//!   the share of realized USD in them, against the share of bands they are (what a random map
//!   catches, ≈ 10 %), and the share of events in them with a Wilson 95 % lower bound, each
//!   (step, event) pair one trial.

use serde::Serialize;

use super::types::{PricePath, Step};
use crate::engine::stats::{pearson, ranks, spearman};
use crate::model::snapshot::{Liquidation, MarketSnapshot};
use chrono::Duration;

/// The fraction of bands called the map's densest.
pub(crate) const TOP_FRACTION: f64 = 0.10;

/// The `realized` section of `backtest` (`liqshot-backtest/1`, see docs/backtest-format.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Realized {
    /// Realized liquidations in the snapshot, and their USD.
    pub events_in_snapshot: usize,
    pub usd_in_snapshot: f64,
    /// Distinct events scored at least once (inside some step's horizon and traded range).
    pub events: usize,
    pub usd: f64,
    /// Steps with at least one event scored, and the (step, event) pairs scored.
    pub steps: usize,
    pub step_events: usize,
    /// Spearman correlation over every scored band of every scored step.
    pub spearman_pooled: Option<f64>,
    /// Mean of the per-step correlations, over `spearman_steps` steps.
    pub spearman_mean: Option<f64>,
    pub spearman_steps: usize,
    /// Share of scored realized USD in each step's densest 10 % of bands.
    pub top_usd_share: Option<f64>,
    /// What a random map catches: the USD-weighted share of bands the densest 10 % are (≈ 0.10).
    pub random_share: Option<f64>,
    /// Share of (step, event) pairs in the densest 10 %, and its Wilson 95 % lower bound.
    pub top_event_share: Option<f64>,
    pub top_event_wilson_lower: Option<f64>,
}

/// Scores `steps` against the snapshot's realized liquidations; `None` when it has none.
pub fn realized(snap: &MarketSnapshot, steps: &[Step], path: &PricePath, horizon_secs: i64) -> Option<Realized> {
    let events: Vec<Liquidation> = crate::engine::realized::all(snap).into_iter().map(|(_, l)| l).collect();
    if events.is_empty() {
        return None;
    }
    let mut used = vec![false; events.len()];
    let (mut pooled_d, mut pooled_u) = (Vec::new(), Vec::new());
    let (mut per_step, mut n_steps, mut pairs, mut hits) = (Vec::new(), 0usize, 0usize, 0usize);
    let (mut usd_all, mut usd_top, mut usd_rand) = (0.0, 0.0, 0.0);
    for s in steps {
        let end = s.at + Duration::seconds(horizon_secs);
        let a = path.open_time.partition_point(|t| *t < s.at);
        let b = path.open_time.partition_point(|t| *t < end);
        if a >= b {
            continue;
        }
        let lo = path.low[a..b].iter().copied().fold(f64::INFINITY, f64::min);
        let hi = path.high[a..b].iter().copied().fold(0.0, f64::max);
        let bands: Vec<_> = s.bands.iter().filter(|x| x.price_high > lo && x.price_low < hi).collect();
        if bands.is_empty() {
            continue;
        }
        let mut usd = vec![0.0; bands.len()];
        let mut count = vec![0usize; bands.len()];
        let from = events.partition_point(|e| e.time <= s.at);
        for (i, e) in events.iter().enumerate().skip(from).take_while(|(_, e)| e.time <= end) {
            if e.price < lo || e.price > hi {
                continue;
            }
            let k = bands.partition_point(|x| x.price_high <= e.price);
            if k < bands.len() && e.price >= bands[k].price_low {
                usd[k] += e.usd;
                count[k] += 1;
                used[i] = true;
            }
        }
        let total: f64 = usd.iter().sum();
        let n_ev: usize = count.iter().sum();
        if n_ev == 0 {
            continue;
        }
        n_steps += 1;
        pairs += n_ev;
        let density: Vec<f64> = bands.iter().map(|x| x.long_usd + x.short_usd).collect();
        let n_top = ((bands.len() as f64 * TOP_FRACTION).ceil() as usize).max(1);
        let mut order: Vec<usize> = (0..bands.len()).collect();
        order.sort_by(|&i, &j| density[j].total_cmp(&density[i]).then(i.cmp(&j)));
        for &k in &order[..n_top] {
            usd_top += usd[k];
            hits += count[k];
        }
        usd_all += total;
        usd_rand += total * n_top as f64 / bands.len() as f64;
        if let Some(r) = spearman(&density, &usd) {
            per_step.push(r);
        }
        // Pooled on ranks within the step, centred and scaled by the step's band count, so
        // steps of different ranges and densities do not correlate through their scale alone.
        let n = bands.len() as f64;
        pooled_d.extend(ranks(&density).iter().map(|r| (r - (n + 1.0) / 2.0) / n));
        pooled_u.extend(ranks(&usd).iter().map(|r| (r - (n + 1.0) / 2.0) / n));
    }
    let scored: Vec<&Liquidation> = events.iter().zip(&used).filter(|(_, u)| **u).map(|(e, _)| e).collect();
    let share = |x: f64| (usd_all > 0.0).then(|| x / usd_all);
    Some(Realized {
        events_in_snapshot: events.len(),
        usd_in_snapshot: events.iter().map(|e| e.usd).sum(),
        events: scored.len(),
        usd: scored.iter().map(|e| e.usd).sum(),
        steps: n_steps,
        step_events: pairs,
        spearman_pooled: pearson(&pooled_d, &pooled_u),
        spearman_mean: (!per_step.is_empty()).then(|| per_step.iter().sum::<f64>() / per_step.len() as f64),
        spearman_steps: per_step.len(),
        top_usd_share: share(usd_top),
        random_share: share(usd_rand),
        top_event_share: (pairs > 0).then(|| hits as f64 / pairs as f64),
        top_event_wilson_lower: (pairs > 0).then(|| wilson_lower(hits, pairs)),
    })
}

/// The table's lines for the section (after a blank line): the figures, or that the snapshot
/// has none.
pub(crate) fn table_lines(r: Option<&Realized>) -> Vec<String> {
    let f2 = |v: Option<f64>| v.map_or(super::text::NA.to_string(), |v| format!("{v:.2}"));
    let pc = |v: Option<f64>| v.map_or(super::text::NA.to_string(), |v| format!("{:.1} %", v * 100.0));
    let mut out = vec![String::new()];
    let Some(r) = r else {
        out.push(
            "Realized liquidations: none in the snapshot (OKX fetch, or import --liquidations), not scored.".into(),
        );
        return out;
    };
    out.push("Map against realized liquidations (over the range price traded through in each horizon):".into());
    out.push(format!(
        "  scored: {} of {} events, {} of {}; {} steps, {} step-event pairs",
        r.events,
        r.events_in_snapshot,
        crate::model::fmt::usd(r.usd),
        crate::model::fmt::usd(r.usd_in_snapshot),
        r.steps,
        r.step_events
    ));
    out.push(format!(
        "  Spearman, density vs realized USD per 0.1 % band: pooled {}, mean per step {} ({} steps)",
        f2(r.spearman_pooled),
        f2(r.spearman_mean),
        r.spearman_steps
    ));
    out.push(format!(
        "  realized USD in the map's densest 10 % of bands: {} (a random map: {})",
        pc(r.top_usd_share),
        pc(r.random_share)
    ));
    out.push(format!(
        "  events in them: {}, Wilson 95 % lower bound {} (each step-event pair a trial)",
        pc(r.top_event_share),
        pc(r.top_event_wilson_lower)
    ));
    out
}

/// The Wilson score interval's lower bound at 95 % (z = 1.96) for `k` successes in `n` trials.
pub(crate) fn wilson_lower(k: usize, n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let (z, n, p) = (1.96f64, n as f64, k as f64 / n as f64);
    let centre = p + z * z / (2.0 * n);
    let margin = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    ((centre - margin) / (1.0 + z * z / n)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_and_wilson_known_values() {
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), Some(1.0));
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
        // Ties: ranks (1.5, 1.5, 3) against (1, 2, 3): r = 0.866.
        assert!((spearman(&[1.0, 1.0, 2.0], &[1.0, 2.0, 3.0]).unwrap() - 0.8660254).abs() < 1e-6);
        // Wilson 95 %: 8 of 10 → 0.4902 (textbook value).
        assert!((wilson_lower(8, 10) - 0.4902).abs() < 1e-3);
        assert_eq!(wilson_lower(0, 0), 0.0);
    }
}
