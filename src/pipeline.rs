//! The pure middle of the pipeline: snapshot → estimate → zones.

use crate::error::Error;
use crate::estimate::{self, history, Estimate, EstimateParams, Moment, Profile};
use crate::snapshot::MarketSnapshot;
use crate::zones::{self, Zone, ZoneParams, Zones};

/// The estimate of one snapshot and the zones found in it.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub estimate: Estimate,
    pub zones: Zones,
}

/// Zones farther than this from price (in %) do not widen the grid; the chart marks them
/// at its edge instead, so a distant zone does not squash the candles.
pub const MAX_ZOOM_OUT_PCT: f64 = 8.0;

/// Runs the estimate and finds the zones around the last price.
///
/// The chart's price range is the window's (padded, [`estimate::window_price_range`]) unless
/// the caller fixed it. When zone A or B lies outside it but within [`MAX_ZOOM_OUT_PCT`], the
/// range is widened to show it; zone C is then chosen among the clusters whose near edge lies
/// inside that range, the one the chart shows (farther clusters go to [`Zones::far`]), and the
/// range is widened to hold C's far edge (then C is chosen again in the wider range, up to a few
/// rounds). A widened range runs the estimate again (ledger and zones are the same, only the
/// grid changes).
pub fn analyse(snap: &MarketSnapshot, params: &EstimateParams, zp: &ZoneParams) -> Result<Analysis, Error> {
    analyse_with(snap, params, zp, |p| estimate::estimate(snap, p).map(|e| (e, ()))).map(|(a, ())| a)
}

/// [`analyse`], plus the map as it stood at `frames` times spread evenly over the window (the
/// last one its end; see [`estimate::history`]), recorded in the same pass of the ledgers
/// that makes the final grid, on the final grid's axes.
pub fn analyse_history(snap: &MarketSnapshot, params: &EstimateParams, zp: &ZoneParams, frames: usize) -> Result<(Analysis, Vec<Moment>), Error> {
    let slots = history::slots_for_frames(estimate::window_candles(snap, params.window_secs), frames);
    analyse_with(snap, params, zp, |p| estimate::estimate_history(snap, p, &slots))
}

/// [`analyse`] with `run` as the estimate (which may return something besides, of the run
/// that made the final grid).
fn analyse_with<T>(
    snap: &MarketSnapshot,
    params: &EstimateParams,
    zp: &ZoneParams,
    run: impl Fn(&EstimateParams) -> Result<(Estimate, T), Error>,
) -> Result<(Analysis, T), Error> {
    let (mut estimate, mut extra) = run(params)?;
    let price = estimate.last_price;
    let base = params.price_range.or_else(|| estimate::window_price_range(snap, params.window_secs));
    let g = (estimate.grid.price_lo, estimate.grid.price_hi);
    let (zones, wider) = choose_zones(&estimate.profile, price, zp, base, params.price_range, g);
    if let Some(range) = wider {
        let wider = EstimateParams { price_range: Some(range), ..params.clone() };
        (estimate, extra) = run(&wider)?;
    }
    Ok((Analysis { estimate, zones }, extra))
}

/// The zones [`analyse`] prints, from the live `profile` around `price`: `base` is the
/// window's price range (`fixed` when the caller fixed it, else [`estimate::window_price_range`]),
/// `grid` the range of the estimate's grid (the same as `base` unless the window has no range).
/// Without `fixed`, the range is widened for A and B, then C is chosen among the clusters inside
/// it and the range widened for C (a few rounds; see [`analyse`]). Returns the zones and, when
/// the chart must show more than `grid`, the wider range to run the estimate again with.
/// (The backtest calls this on each step's profile without building a grid.)
pub fn choose_zones(
    profile: &Profile,
    price: f64,
    zp: &ZoneParams,
    base: Option<(f64, f64)>,
    fixed: Option<(f64, f64)>,
    grid: (f64, f64),
) -> (Zones, Option<(f64, f64)>) {
    let mut zones = zones::find_zones(profile, price, zp, base);
    if fixed.is_some() {
        return (zones, None);
    }
    let g = grid;
    // Widen for A and B first, then for C, until the range holds every zone it shows and C is
    // chosen among all clusters that start inside it (a few rounds: the range only grows,
    // and never past MAX_ZOOM_OUT_PCT).
    let ab: Vec<&Zone> = zones.zones.iter().filter(|z| z.name != "C").collect();
    let mut reach = widen(base.unwrap_or(g), &ab, price);
    for _ in 0..4 {
        if Some(reach) != base {
            zones = zones::find_zones(profile, price, zp, Some(reach));
        }
        let next = widen(reach, &zones.zones.iter().collect::<Vec<_>>(), price);
        if next == reach {
            break;
        }
        reach = next;
    }
    let (lo, hi) = widen(reach, &zones.zones.iter().collect::<Vec<_>>(), price);
    let (lo, hi) = (lo.min(g.0), hi.max(g.1));
    (zones, ((lo, hi) != g).then_some((lo, hi)))
}

/// `range` widened to hold every zone of `zs` whose near edge is within [`MAX_ZOOM_OUT_PCT`]
/// of `price` (cut at that distance, plus 0.5 % of margin).
fn widen(range: (f64, f64), zs: &[&Zone], price: f64) -> (f64, f64) {
    let (min, max) = (price * (1.0 - MAX_ZOOM_OUT_PCT / 100.0), price * (1.0 + MAX_ZOOM_OUT_PCT / 100.0));
    zs.iter().filter(|z| z.edge_distance_pct.abs() <= MAX_ZOOM_OUT_PCT).fold(range, |(lo, hi), z| {
        let (zl, zh) = (z.low.max(min) / 1.005, z.high.min(max) * 1.005);
        (if zl < lo { zl } else { lo }, if zh > hi { zh } else { hi })
    })
}
