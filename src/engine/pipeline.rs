//! The pure middle of the pipeline: snapshot → estimate → zones.

use crate::engine::estimate::{self, history, Estimate, EstimateParams, Moment, Profile};
use crate::engine::zones::{self, Zone, ZoneName, ZoneParams, ZoneRule, Zones};
use crate::error::Error;
use crate::model::snapshot::MarketSnapshot;

/// The estimate of one snapshot and the zones found in it.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub estimate: Estimate,
    pub zones: Zones,
}

/// v1 rule: zones farther than this from price (in %) do not widen the grid; the chart marks
/// them at its edge instead. (v2 widens the grid for every labelled zone.)
pub(crate) const MAX_ZOOM_OUT_PCT: f64 = 8.0;

/// Runs the estimate and finds the zones around the last price.
///
/// The zones come from the live profile and the snapshot's reach ([`zones::reach_of`]); the
/// chart's price range is the window's (padded, [`estimate::window_price_range`]) unless the
/// caller fixed it, widened to show every labelled zone (see [`choose_zones`]; the v1 rule
/// differs). A widened range runs the estimate again (ledger and zones are the same, only the
/// grid changes).
pub fn analyse(snap: &MarketSnapshot, params: &EstimateParams, zp: &ZoneParams) -> Result<Analysis, Error> {
    analyse_with(snap, params, zp, |b, p| b.finish(p, &[])).map(|(a, _)| a)
}

/// [`analyse`], plus the map as it stood at `frames` times spread evenly over the window (the
/// last one its end; see [`estimate::history`]), recorded in the same pass of the ledgers
/// that makes the final grid, on the final grid's axes.
pub(crate) fn analyse_history(
    snap: &MarketSnapshot,
    params: &EstimateParams,
    zp: &ZoneParams,
    frames: usize,
) -> Result<(Analysis, Vec<Moment>), Error> {
    let slots = history::slots_for_frames(estimate::window_candles(snap, params.window_secs), frames);
    analyse_with(snap, params, zp, |b, p| b.finish(p, &slots))
}

/// [`analyse`] with `finish` making the estimate from its begun run and the final parameters
/// (which may return something besides, of the run that made the final grid). The zones are
/// found in the live profile before any grid is made, so the grid is made once, over the
/// range they ask for.
fn analyse_with<T>(
    snap: &MarketSnapshot,
    params: &EstimateParams,
    zp: &ZoneParams,
    finish: impl FnOnce(estimate::Begun<'_>, &EstimateParams) -> Result<(Estimate, T), Error>,
) -> Result<(Analysis, T), Error> {
    let begun = estimate::begin(snap, params)?;
    let price = snap.last_price();
    let base = params.price_range.or_else(|| estimate::window_price_range(snap, params.window_secs));
    let g = begun.grid_range(params.price_range)?;
    let reach = zones::reach_of(snap, zp);
    let profile = begun.profile(params);
    let (zones, wider) = choose_zones(&profile, price, zp, params.zone_rule, reach, base, params.price_range, g);
    let (estimate, extra) = match wider {
        Some(range) => finish(begun, &EstimateParams { price_range: Some(range), ..params.clone() })?,
        None => finish(begun, params)?,
    };
    Ok((Analysis { estimate, zones }, extra))
}

/// The zones [`analyse`] prints, from the live `profile` around `price`, and, when the chart
/// must show more than `grid`, the wider range to run the estimate again with. (The backtest
/// calls this on each step's profile without building a grid.)
///
/// `rule` v2 (the default): the zones depend on `profile`, `price` and `reach` (see
/// [`zones::reach()`]) alone; the chart's range is `base` (the window's, or `fixed`, the
/// user's `--price-range`) widened to show every labelled zone with a 0.5 % margin (never when
/// the range is fixed: zones off it get arrows at the chart's edge).
///
/// `rule` v1 ([`zones::v1`]): `base` is the window's price range; the range is widened for A
/// and B, then C is chosen among the clusters inside it and the range widened for C (a few
/// rounds, never past [`MAX_ZOOM_OUT_PCT`]); `reach` is unused.
#[allow(clippy::too_many_arguments)]
pub(crate) fn choose_zones(
    profile: &Profile,
    price: f64,
    zp: &ZoneParams,
    rule: ZoneRule,
    reach: f64,
    base: Option<(f64, f64)>,
    fixed: Option<(f64, f64)>,
    grid: (f64, f64),
) -> (Zones, Option<(f64, f64)>) {
    if rule == ZoneRule::V1 {
        return choose_v1(profile, price, zp, base, fixed, grid);
    }
    let zones = zones::shelves::find_zones(profile, price, zp, reach);
    if fixed.is_some() {
        return (zones, None);
    }
    let g = grid;
    let (lo, hi) =
        zones.zones.iter().fold(base.unwrap_or(g), |(lo, hi), z| (lo.min(z.low / 1.005), hi.max(z.high * 1.005)));
    let (lo, hi) = (lo.min(g.0), hi.max(g.1));
    (zones, ((lo, hi) != g).then_some((lo, hi)))
}

/// [`choose_zones`] by the v1 rule.
fn choose_v1(
    profile: &Profile,
    price: f64,
    zp: &ZoneParams,
    base: Option<(f64, f64)>,
    fixed: Option<(f64, f64)>,
    grid: (f64, f64),
) -> (Zones, Option<(f64, f64)>) {
    let mut zones = zones::v1::find_zones(profile, price, zp, base);
    if fixed.is_some() {
        return (zones, None);
    }
    let g = grid;
    // Widen for A and B first, then for C, until the range holds every zone it shows and C is
    // chosen among all clusters that start inside it (a few rounds: the range only grows,
    // and never past MAX_ZOOM_OUT_PCT).
    let ab: Vec<&Zone> = zones.zones.iter().filter(|z| matches!(z.name, ZoneName::A | ZoneName::B)).collect();
    let mut reach = widen(base.unwrap_or(g), &ab, price);
    for _ in 0..4 {
        if Some(reach) != base {
            zones = zones::v1::find_zones(profile, price, zp, Some(reach));
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
