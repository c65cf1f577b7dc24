//! The pure middle of the pipeline: snapshot → estimate → zones ([`analyse`]), and on to the
//! chart's scene ([`render_scene`], with the plain [`RenderSettings`] a command builds from its
//! flags).

use crate::error::Error;
use crate::estimate::{self, Estimate, EstimateParams};
use crate::render::chart::{self, ChartOptions};
use crate::render::layout::Layout;
use crate::render::Scene;
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

/// Everything `render` needs besides the snapshot.
#[derive(Debug, Clone)]
pub struct RenderSettings {
    pub params: EstimateParams,
    pub chart: ChartOptions,
}

impl RenderSettings {
    /// Settings for an image of `width` x `height` showing `window_secs`.
    pub fn new(mut params: EstimateParams, window_secs: i64, width: u32, height: u32) -> Self {
        params.window_secs = window_secs;
        let layout = Layout::new(width, height);
        params.rows = layout.plot_rows();
        params.max_cols = Some(layout.plot_cols());
        RenderSettings { params, chart: ChartOptions { width, height, window_secs: Some(window_secs), ..Default::default() } }
    }
}

/// Estimates, finds zones and builds the chart scene: the in-memory entry point tests call.
pub fn render_scene(snap: &MarketSnapshot, s: &RenderSettings) -> Result<(Analysis, Scene), Error> {
    let analysis = analyse(snap, &s.params, &ZoneParams::default())?;
    let scene = chart::build(snap, &analysis, &chart_options(snap, s));
    Ok((analysis, scene))
}

/// The chart options `render_scene` draws `snap` with: the settings' plus the snapshot's notes.
pub fn chart_options(snap: &MarketSnapshot, s: &RenderSettings) -> ChartOptions {
    let mut chart_opts = s.chart.clone();
    chart_opts.notes.extend(snap.notes.iter().cloned());
    chart_opts
}
