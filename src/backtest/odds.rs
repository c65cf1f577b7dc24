//! Today's zones in the light of the backtest: each one's touch probability within a horizon
//! and its track record (what the report and zones.json print).

use serde::{Deserialize, Serialize};

use std::collections::BTreeSet;

use super::bootstrap::{day_of, ratio_interval};
use super::score::near_edge;
use super::types::{Backtest, PricePath};
use super::volmodel::{model_probability, trailing_vol, CAP};
use crate::zones::Zone;

/// Past outcomes a track record needs.
pub const MIN_TRACK: usize = 10;

/// How zones like this one did on the snapshot's own history (also the `track_record` of a
/// report's zone row, which reads it back from zones.json).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackRecord {
    /// Past zones of the same letter and side whose near edge lay within a factor of 2 of this
    /// zone's distance from price (one per step that had one).
    pub steps: usize,
    /// Of those, reached within the horizon.
    pub touched: usize,
    /// Touches levels at the same distances would have had on other steps' paths.
    pub placebo_expected: f64,
    /// touched / placebo_expected (`None` when the placebo expects none).
    pub lift: Option<f64>,
    /// 90 % interval of the lift, from resampling whole days.
    pub lift_ci90: Option<[f64; 2]>,
    /// Distinct UTC days those steps fell on.
    pub days: usize,
}

/// One of today's zones: touch probability and track record (`None` with too little history:
/// the outputs then say so instead of printing a number).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneOdds {
    /// The calibrated probability (distance-only model times the history's touch lift).
    pub touch_probability: Option<f64>,
    /// The distance-only model alone.
    pub model_probability: Option<f64>,
    pub track_record: Option<TrackRecord>,
}

/// The odds of `zone` (at the end of `path`, price `price`) within `bt.horizon_secs`: the
/// distance-only model from the trailing volatility at the end of the path (the rule of
/// `Step.vol`, [`trailing_vol`]), times the touch lift of the zone's letter over the whole
/// history (capped at 0.999; `None` when the history gives no lift).
pub fn zone_odds(bt: &Backtest, path: &PricePath, zone: &Zone, price: f64) -> ZoneOdds {
    let d = (near_edge(zone) / price).ln();
    let end = path.open_time.last().map(|t| *t + chrono::Duration::seconds(path.interval_secs));
    let vol = end.and_then(|e| trailing_vol(path, e, bt.vol_window_secs));
    let model = model_probability(vol, d, bt.horizon_secs);
    let lift = bt.zones.get(&zone.name).and_then(|s| s.touch_lift);
    let touch_probability = match (model, lift) {
        (Some(p), Some(l)) => Some((p * l).min(CAP)),
        _ => None,
    };
    ZoneOdds { touch_probability, model_probability: model, track_record: track_record(bt, zone, d) }
}

/// Past outcomes of the same letter and side whose near edge lay within a factor of 2 of
/// `log_distance` (in absolute value); `None` when fewer than [`MIN_TRACK`].
pub fn track_record(bt: &Backtest, zone: &Zone, log_distance: f64) -> Option<TrackRecord> {
    let d = log_distance.abs();
    if !d.is_finite() {
        return None;
    }
    let like: Vec<_> = bt
        .outcomes
        .iter()
        .filter(|o| o.name == zone.name && o.side == zone.side)
        .filter(|o| {
            let x = o.log_distance.abs();
            x >= d / 2.0 && x <= d * 2.0
        })
        .collect();
    if like.len() < MIN_TRACK {
        return None;
    }
    let touched = like.iter().filter(|o| o.touched).count();
    let placebo_expected = like.iter().map(|o| o.placebo_touch).sum::<f64>();
    Some(TrackRecord {
        steps: like.len(),
        touched,
        placebo_expected,
        lift: (placebo_expected > 0.0).then(|| touched as f64 / placebo_expected),
        lift_ci90: ratio_interval(like.iter().map(|o| (o.at, o.touched as u8 as f64, o.placebo_touch)), bt.resamples, bt.seed),
        days: like.iter().map(|o| day_of(o.at)).collect::<BTreeSet<_>>().len(),
    })
}
