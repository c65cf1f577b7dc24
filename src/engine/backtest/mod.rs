//! Walk-forward evidence for zones: how often the zones `liqshot zones` would have printed at
//! each moment of a snapshot were reached, and whether they beat levels at the same distance.
//! Pure: no clock, no I/O; the snapshot carries its own time.
//!
//! `walk` finds each step's zones in one pass of the ledgers (data up to the step only);
//! `score` follows the price path after each step (touch, time to touch, reaction, which of A
//! and B first); `placebo` and the distance-only model are the two baselines (the same distance
//! on other steps' paths; a distance-only model of the touch: by default `excursion`, the
//! empirical distribution of trailing maxima, or `volmodel`'s driftless walk); `odds` gives
//! today's zones their printed odds (distance-only unless the lift-adjusted ones scored better
//! walk-forward, clamped to what the steps support); `bootstrap` gives 90 % intervals by
//! resampling whole days; `calibration` the reliability table and Brier scores; `realized`
//! scores the map against realized liquidations and `fuel` its USD inside each period's traded
//! range against realized period totals; `summary` puts it together into [`Backtest`]
//! (`liqshot-backtest/1`, in `result`), which `table` prints. The files share what they share
//! through leaves that refer to none of them: `types` (the plain data) and `text` (the width
//! and wrapping of the printed lines); `validate` checks the options.

pub mod bootstrap;
pub mod calibration;
pub mod excursion;
pub mod fuel;
pub mod json;
pub mod odds;
pub mod placebo;
pub mod realized;
pub mod result;
pub mod score;
pub mod summary;
pub mod table;
pub mod text;
pub mod types;
pub mod validate;
pub mod volmodel;
pub mod walk;

pub use result::{Backtest, FORMAT};
pub use types::*;

use crate::engine::estimate::EstimateParams;
use crate::engine::zones::ZoneParams;
use crate::error::Error;
use crate::model::snapshot::MarketSnapshot;

/// Walks `snap` forward and scores every step: what `liqshot backtest` prints.
pub fn run(
    snap: &MarketSnapshot,
    params: &EstimateParams,
    zp: &ZoneParams,
    bt: &BacktestParams,
) -> Result<Backtest, Error> {
    bt.validate(snap)?;
    let path = walk::price_path(snap);
    // The fuel test's maps come from the same pass as the steps' zones.
    let plan = fuel::plan(snap, &path, bt);
    let (times, reach) = plan.as_ref().map_or((vec![], 0), |p| (p.times(), p.reach_bins(params.bin_step)));
    let mut maps = vec![fuel::FuelMap::default(); times.len()];
    let steps = walk::walk_with(snap, params, zp, bt, &times, |i, profile| {
        if let Some(p) = &plan {
            maps[i] = fuel::FuelMap::new(profile, p.items[i].open, reach);
        }
    })?;
    let mut out = summary::summarise(snap, &steps, &path, bt);
    out.fuel = plan.map(|p| fuel::fuel(&p, &maps, params.bin_step, bt));
    // The model check against measured positions, as `liqshot zones` prints it (zones of the
    // whole snapshot): only when the snapshot holds them.
    if crate::engine::measured::venue(snap).is_some() {
        let a = crate::engine::pipeline::analyse(snap, params, zp)?;
        out.measured = crate::engine::measured::summarise(snap, params, &a.zones.zones, a.zones.price);
    }
    Ok(out)
}
