//! The map as it stood at a time: what [`super::estimate_history`] records at chosen candle
//! slots during its single pass of the ledgers. Pure.
//!
//! A grid column only depends on the candles up to its own end (see [`Grid`]), so the columns
//! before a moment's column are the final grid's; the moment keeps its own column (folded over
//! the slots up to the moment only), the live profile, the price and the venues' accounting
//! at that time. Nothing after the moment's time is in it: a level that opens later is absent,
//! a level swept later is still there.

use chrono::{DateTime, Utc};

use super::grid::{Grid, Profile};
use super::ledger::{Bins, Ledger};
use super::{Estimate, VenueStats};

/// The estimate at the end of candle slot `slot` of the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    /// The last slot whose candles are included.
    pub slot: usize,
    /// End of that slot: data up to this time only.
    pub at: DateTime<Utc>,
    /// The grid column holding the slot.
    pub col: usize,
    /// That column's cells as far as the slot (`rows` values per side).
    pub col_long: Vec<f32>,
    pub col_short: Vec<f32>,
    /// USD liquidated in that column's slots up to the moment (longs, shorts).
    pub col_liquidated: (f64, f64),
    /// Positions open at the moment, by ledger bin (summed over venues).
    pub profile: Profile,
    /// Close of the last candle run (the first venue with candles), `NaN` before any.
    pub last_price: f64,
    /// Per-venue accounting so far (`alive_*` at the moment).
    pub venues: Vec<VenueStats>,
}

/// Records the state after slot `slot` (ending at `at`) has been folded into `grid`.
pub(super) fn capture<'a>(
    grid: &Grid,
    slot: usize,
    at: DateTime<Utc>,
    bins: Bins,
    runs: impl Iterator<Item = (&'a Ledger, &'a VenueStats, Option<f64>)>,
) -> Moment {
    let col = grid.col_of_slot(slot);
    let cells = col * grid.rows..(col + 1) * grid.rows;
    let mut profile = Profile { bins, long: vec![0.0; bins.count], short: vec![0.0; bins.count] };
    let mut venues = Vec::new();
    let mut last_price = None;
    for (ledger, stats, close) in runs {
        ledger.add_longs_into(&mut profile.long);
        ledger.add_shorts_into(&mut profile.short);
        let mut s = stats.clone();
        s.alive_long_usd = ledger.long_total();
        s.alive_short_usd = ledger.short_total();
        venues.push(s);
        last_price = last_price.or(close);
    }
    Moment {
        slot,
        at,
        col,
        col_long: grid.long[cells.clone()].to_vec(),
        col_short: grid.short[cells].to_vec(),
        col_liquidated: (grid.liquidated_long[col], grid.liquidated_short[col]),
        profile,
        last_price: last_price.unwrap_or(f64::NAN),
        venues,
    }
}

impl Moment {
    /// The grid as it stood: `full`'s columns before the moment's, the moment's own column,
    /// and empty columns after it (`full` is the grid of the same pass).
    pub fn grid(&self, full: &Grid) -> Grid {
        let mut g = full.clone();
        let r = g.rows;
        g.long[self.col * r..(self.col + 1) * r].copy_from_slice(&self.col_long);
        g.short[self.col * r..(self.col + 1) * r].copy_from_slice(&self.col_short);
        g.long[(self.col + 1) * r..].fill(0.0);
        g.short[(self.col + 1) * r..].fill(0.0);
        g.liquidated_long[self.col] = self.col_liquidated.0;
        g.liquidated_short[self.col] = self.col_liquidated.1;
        g.liquidated_long[self.col + 1..].fill(0.0);
        g.liquidated_short[self.col + 1..].fill(0.0);
        g
    }

    /// The estimate a chart of this moment draws (grid on `full`'s axes).
    pub fn estimate(&self, full: &Grid) -> Estimate {
        Estimate {
            grid: self.grid(full),
            profile: self.profile.clone(),
            last_price: self.last_price,
            venues: self.venues.clone(),
        }
    }
}

/// `frames` candle slots spread evenly over a window of `candles` slots, the last one the
/// window's end: slot `ceil(i * candles / frames) - 1` for `i = 1..=frames`. With more
/// frames than candles, each slot is used once (fewer frames).
pub(crate) fn slots_for_frames(candles: usize, frames: usize) -> Vec<usize> {
    let (n, k) = (candles as u128, frames.max(1) as u128);
    let mut out: Vec<usize> = (1..=k).map(|i| ((i * n).div_ceil(k)).max(1) as usize - 1).collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_slots_are_even_and_end_at_the_window_end() {
        assert_eq!(slots_for_frames(288, 4), vec![71, 143, 215, 287]);
        assert_eq!(slots_for_frames(10, 3), vec![3, 6, 9]);
        assert_eq!(slots_for_frames(3, 8), vec![0, 1, 2]);
        assert_eq!(slots_for_frames(1, 48), vec![0]);
        let s = slots_for_frames(1441, 48);
        assert_eq!(s.len(), 48);
        assert_eq!(*s.last().unwrap(), 1440);
        assert!(s.windows(2).all(|w| w[1] > w[0]));
    }
}
