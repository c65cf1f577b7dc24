//! okx client (being written).

use super::{FetchError, VenueCtx};
use crate::snapshot::VenueSeries;

/// Fetches candles, open interest, funding, mark price and margin tiers for `ctx.base`.
pub fn fetch(_ctx: &VenueCtx) -> Result<VenueSeries, FetchError> {
    Err(FetchError::new("okx: client not written yet"))
}
