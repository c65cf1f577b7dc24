//! The walk: each step's zones, found in one pass of the ledgers.

use super::types::{BacktestParams, PricePath, Step};
use crate::error::Error;
use crate::estimate::EstimateParams;
use crate::snapshot::MarketSnapshot;
use crate::zones::ZoneParams;

/// Every step's zones, exactly those `liqshot zones` prints for `snap` cut at the step.
pub fn walk(snap: &MarketSnapshot, params: &EstimateParams, zp: &ZoneParams, bt: &BacktestParams) -> Result<Vec<Step>, Error> {
    let _ = (snap, params, zp, bt);
    todo!()
}

/// The path touches are scored on (see [`PricePath`]).
pub fn price_path(snap: &MarketSnapshot) -> PricePath {
    let _ = snap;
    todo!()
}
