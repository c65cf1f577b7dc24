//! The pure middle of the pipeline: snapshot → estimate → zones.

use crate::error::Error;
use crate::estimate::{self, history, Estimate, EstimateParams, Grid, Moment};
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
    if let Some(wider) = widened(params, &zones, &estimate.grid) {
        estimate = estimate::estimate(snap, &wider)?;
    }
    Ok(Analysis { estimate, zones })
}

/// [`analyse`], plus the map as it stood at `frames` times spread evenly over the window (the
/// last one its end; see [`estimate::history`]), recorded in the same pass of the ledgers
/// that makes the final grid, on the final grid's axes.
pub fn analyse_history(snap: &MarketSnapshot, params: &EstimateParams, zp: &ZoneParams, frames: usize) -> Result<(Analysis, Vec<Moment>), Error> {
    let slots = history::slots_for_frames(estimate::window_candles(snap, params.window_secs), frames);
    let (mut estimate, mut moments) = estimate::estimate_history(snap, params, &slots)?;
    let zones = zones::find_zones(&estimate.profile, estimate.last_price, zp);
    if let Some(wider) = widened(params, &zones, &estimate.grid) {
        (estimate, moments) = estimate::estimate_history(snap, &wider, &slots)?;
    }
    Ok((Analysis { estimate, zones }, moments))
}

/// The parameters of the estimate again with a price range widened to show the zones within
/// [`MAX_ZOOM_OUT_PCT`], when the caller did not fix the range and one lies outside `g`.
fn widened(params: &EstimateParams, zones: &Zones, g: &Grid) -> Option<EstimateParams> {
    if params.price_range.is_some() {
        return None;
    }
    let near = zones.zones.iter().filter(|z| z.edge_distance_pct.abs() <= MAX_ZOOM_OUT_PCT);
    let (lo, hi) = near.fold((f64::INFINITY, 0.0f64), |(lo, hi), z| {
        (lo.min(z.low.max(zones.price * (1.0 - MAX_ZOOM_OUT_PCT / 100.0))), hi.max(z.high.min(zones.price * (1.0 + MAX_ZOOM_OUT_PCT / 100.0))))
    });
    let (lo, hi) = (lo / 1.005, hi * 1.005);
    (lo < g.price_lo || hi > g.price_hi).then(|| EstimateParams { price_range: Some((lo.min(g.price_lo), hi.max(g.price_hi))), ..params.clone() })
}
