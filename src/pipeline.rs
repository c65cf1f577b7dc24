//! The pure middle of the pipeline: snapshot → estimate → zones.

use crate::error::Error;
use crate::estimate::{self, Estimate, EstimateParams};
use crate::snapshot::MarketSnapshot;
use crate::zones::{self, ZoneParams, Zones};

/// The estimate of one snapshot and the zones found in it.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub estimate: Estimate,
    pub zones: Zones,
}

/// Zones farther than this from price (in %) do not widen the grid; the chart marks them
/// at its edge instead, so a distant zone does not squash the candles.
pub const MAX_ZOOM_OUT_PCT: f64 = 8.0;

/// Runs the estimate and finds the zones around the last price. When the caller did not fix
/// the price range and a zone within [`MAX_ZOOM_OUT_PCT`] lies outside the grid, the grid is
/// widened to show it (the estimate is run again; ledger and zones are the same, only the grid
/// changes).
pub fn analyse(snap: &MarketSnapshot, params: &EstimateParams, zp: &ZoneParams) -> Result<Analysis, Error> {
    let mut estimate = estimate::estimate(snap, params)?;
    let zones = zones::find_zones(&estimate.profile, estimate.last_price, zp);
    if params.price_range.is_none() {
        let near = zones.zones.iter().filter(|z| z.edge_distance_pct.abs() <= MAX_ZOOM_OUT_PCT);
        let (lo, hi) = near.fold((f64::INFINITY, 0.0f64), |(lo, hi), z| {
            (lo.min(z.low.max(zones.price * (1.0 - MAX_ZOOM_OUT_PCT / 100.0))), hi.max(z.high.min(zones.price * (1.0 + MAX_ZOOM_OUT_PCT / 100.0))))
        });
        let (lo, hi) = (lo / 1.005, hi * 1.005);
        let g = &estimate.grid;
        if lo < g.price_lo || hi > g.price_hi {
            let wider = EstimateParams { price_range: Some((lo.min(g.price_lo), hi.max(g.price_hi))), ..params.clone() };
            estimate = estimate::estimate(snap, &wider)?;
        }
    }
    Ok(Analysis { estimate, zones })
}
