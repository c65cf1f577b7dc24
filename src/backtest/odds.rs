//! Today's zones in the light of the backtest: each one's touch probability within a horizon
//! and its track record (what the report and zones.json print).

use serde::Serialize;

use super::types::{Backtest, PricePath};
use crate::zones::Zone;

/// How zones like this one did on the snapshot's own history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackRecord {
    /// Past zones of the same letter and side whose near edge lay within a factor of 2 of this
    /// zone's distance from price.
    pub steps: usize,
    pub touched: usize,
    /// Touches levels at the same distances would have had on other steps' paths.
    pub placebo_expected: f64,
    pub lift: Option<f64>,
    pub lift_ci90: Option<[f64; 2]>,
    /// Distinct days those steps fell on.
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

/// The odds of `zone` (at the end of `path`, price `price`) within `bt.horizon_secs`.
pub fn zone_odds(bt: &Backtest, path: &PricePath, zone: &Zone, price: f64) -> ZoneOdds {
    let _ = (bt, path, zone, price);
    todo!()
}
