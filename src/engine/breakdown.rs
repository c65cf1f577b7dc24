//! The live profile broken down by leverage tier and by venue: for each part, the same 0.1 %
//! bands as [`crate::engine::levels`] (`liqshot levels` columns, `--profile leverage|venue`, `render
//! --view map`). Pure.
//!
//! Each part is the estimate run again on a part of its inputs, on the same bands around the
//! same price as the whole:
//! - **leverage tier** `L`: the estimate with `--leverage L` (the slice of the mix that assumes
//!   leverage `L`, weight kept, so the USD is that slice's part of the whole); a venue whose
//!   maximum is below `L` places that slice at its maximum, as the whole estimate does;
//! - **venue** `V`: the estimate of `V`'s series alone.
//!
//! Every step of the estimate (open, consume, close, decay) is linear in the positions of each
//! slice and venue, so the parts of a band add up to the band's USD in `levels` (to rounding;
//! `tests/it/levels_breakdown.rs` checks it band by band).

use crate::engine::estimate::{self, EstimateParams};
use crate::engine::levels::{self, Levels};
use crate::error::Error;
use crate::model::snapshot::MarketSnapshot;

/// What a breakdown splits the profile by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The leverage tiers of the mix (`5x`, `10x`, ...).
    Leverage,
    /// The snapshot's venues (`binance`, `okx`, ...).
    Venue,
}

/// The live profile split into parts, each in the bands of the whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub by: By,
    /// The parts' names, in order: `5x`, `10x`, ... (ascending) or the venues as in the snapshot.
    pub names: Vec<String>,
    /// One profile per part, on the bands of the whole (same `price`, same band edges).
    pub parts: Vec<Levels>,
}

impl Breakdown {
    /// The parts' (long, short) USD in band `i` of the whole, in the order of `names`.
    pub fn stack(&self, i: usize) -> Vec<(f64, f64)> {
        self.parts.iter().map(|p| p.bands.get(i).map_or((0.0, 0.0), |b| (b.long_usd, b.short_usd))).collect()
    }
}

/// The leverages the estimate with `params` uses: the mix's, or those `--leverage` kept.
pub fn leverage_tiers(params: &EstimateParams) -> Vec<f64> {
    params
        .mix
        .slices
        .iter()
        .map(|s| s.0)
        .filter(|l| params.leverage_filter.as_ref().is_none_or(|keep| keep.contains(l)))
        .collect()
}

/// `25x`, `2.5x`.
pub(crate) fn tier_name(lev: f64) -> String {
    format!("{lev}x")
}

/// The estimate's live profile in the standard bands around `price` (the price of the whole).
fn part_levels(snap: &MarketSnapshot, params: &EstimateParams, price: f64) -> Result<Levels, Error> {
    // Only the live profile is read: the smallest grid the estimate takes.
    let p = EstimateParams { rows: 10, max_cols: Some(1), price_range: None, ..params.clone() };
    let e = estimate::estimate(snap, &p)?;
    Ok(levels::levels(&e.profile, price))
}

/// The live profile of `snap` with `params`, by leverage tier, in the bands around `price`.
pub fn by_leverage(snap: &MarketSnapshot, params: &EstimateParams, price: f64) -> Result<Breakdown, Error> {
    let tiers = leverage_tiers(params);
    let parts = tiers
        .iter()
        .map(|&l| part_levels(snap, &EstimateParams { leverage_filter: Some(vec![l]), ..params.clone() }, price))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Breakdown { by: By::Leverage, names: tiers.into_iter().map(tier_name).collect(), parts })
}

/// The live profile of `snap` with `params`, by venue, in the bands around `price`.
pub fn by_venue(snap: &MarketSnapshot, params: &EstimateParams, price: f64) -> Result<Breakdown, Error> {
    let mut names = Vec::new();
    let mut parts = Vec::new();
    for v in &snap.venues {
        let one = MarketSnapshot {
            format: snap.format.clone(),
            symbol: snap.symbol.clone(),
            captured_at: snap.captured_at,
            interval: snap.interval.clone(),
            venues: vec![v.clone()],
            notes: vec![],
            realized_periods: None,
            sources: snap.sources.clone(),
        };
        parts.push(part_levels(&one, params, price)?);
        names.push(v.venue.clone());
    }
    Ok(Breakdown { by: By::Venue, names, parts })
}

/// [`by_leverage`] or [`by_venue`].
pub fn breakdown(snap: &MarketSnapshot, params: &EstimateParams, price: f64, by: By) -> Result<Breakdown, Error> {
    match by {
        By::Leverage => by_leverage(snap, params, price),
        By::Venue => by_venue(snap, params, price),
    }
}
