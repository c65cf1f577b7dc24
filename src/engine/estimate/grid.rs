//! The density grid (time columns x price rows) and the live profile.

use chrono::{DateTime, Duration, Utc};

use super::ledger::{Bins, Ledger};

/// Estimated open notional by time column and price row, long and short kept apart.
///
/// Rows are log-spaced from `price_lo` (row 0) to `price_hi`; each row is the same fraction of
/// price wide, so a cell's USD means the same at any price level.
///
/// The grid spans `candles` candle slots of `candle_secs` from `start`. With one column per
/// candle (`cols == candles`), column `c` shows the positions still open at the close of the
/// candle that opened at `start + c * candle_secs`. With fewer columns (the estimate's
/// `max_cols`, e.g. the plot's width in pixels), column `c` covers the consecutive slots
/// [`Grid::slots`]`(c)` (as evenly as integers allow) and each of its cells is the **maximum**
/// over those slots of what the one-column-per-candle grid would hold there, long and short
/// each on its own: a level alive at any moment of the column's time is shown, also one swept
/// before the column's last candle, and cells stay in absolute USD (a maximum, not a sum), so a
/// colour means the same amount whatever the candle length or window.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub start: DateTime<Utc>,
    /// Length of one candle slot (the snapshot's interval), seconds.
    pub candle_secs: i64,
    /// Candle slots the grid spans (one per candle of the window).
    pub candles: usize,
    /// Time columns, `1..=candles`.
    pub cols: usize,
    pub rows: usize,
    pub price_lo: f64,
    pub price_hi: f64,
    /// USD per cell, index `col * rows + row`.
    pub long: Vec<f32>,
    pub short: Vec<f32>,
    /// Estimated USD liquidated during each column's candles (longs, shorts).
    pub liquidated_long: Vec<f64>,
    pub liquidated_short: Vec<f64>,
}

impl Grid {
    /// A zero grid of `cols` columns (clamped to `1..=candles`) over `candles` slots.
    pub fn new(
        start: DateTime<Utc>,
        candle_secs: i64,
        candles: usize,
        cols: usize,
        rows: usize,
        price_lo: f64,
        price_hi: f64,
    ) -> Self {
        let candles = candles.max(1);
        let cols = cols.clamp(1, candles);
        Grid {
            start,
            candle_secs,
            candles,
            cols,
            rows,
            price_lo,
            price_hi,
            long: vec![0.0; cols * rows],
            short: vec![0.0; cols * rows],
            liquidated_long: vec![0.0; cols],
            liquidated_short: vec![0.0; cols],
        }
    }

    /// End of the last slot.
    pub fn end(&self) -> DateTime<Utc> {
        self.start + Duration::seconds(self.candle_secs * self.candles as i64)
    }

    /// Relative width of one row (e.g. 0.0003 = 0.03 % of price).
    pub fn row_rel_width(&self) -> f64 {
        (self.price_hi / self.price_lo).ln() / self.rows as f64
    }

    /// Fractional row of `price` (may be outside `0..rows`).
    pub fn row_of(&self, price: f64) -> f64 {
        (price / self.price_lo).ln() / self.row_rel_width()
    }

    /// Candle slot holding time `t`, if inside the grid.
    pub(crate) fn slot_of(&self, t: DateTime<Utc>) -> Option<usize> {
        let d = (t - self.start).num_seconds();
        if d < 0 {
            return None;
        }
        let j = (d / self.candle_secs) as usize;
        (j < self.candles).then_some(j)
    }

    /// The slots column `col` covers: `col * candles / cols .. (col + 1) * candles / cols`.
    pub fn slots(&self, col: usize) -> std::ops::Range<usize> {
        let (n, k) = (self.candles as u128, self.cols as u128);
        let at = |c: usize| (c as u128 * n / k) as usize;
        at(col)..at(col + 1)
    }

    /// The column covering slot `slot` (the inverse of [`Grid::slots`]).
    pub(crate) fn col_of_slot(&self, slot: usize) -> usize {
        ((((slot as u128 + 1) * self.cols as u128) - 1) / self.candles as u128) as usize
    }

    /// Column holding time `t`, if inside the grid.
    pub fn col_of(&self, t: DateTime<Utc>) -> Option<usize> {
        self.slot_of(t).map(|j| self.col_of_slot(j))
    }

    /// Long + short USD of a cell.
    pub fn total(&self, col: usize, row: usize) -> f32 {
        let i = col * self.rows + row;
        self.long[i] + self.short[i]
    }

    /// Folds one slot's cells (`rows` values per side) into column `col`: the cell-wise maximum.
    pub(crate) fn fold_slot(&mut self, col: usize, long: &[f32], short: &[f32]) {
        let base = col * self.rows;
        for (g, v) in self.long[base..base + self.rows].iter_mut().zip(long) {
            *g = g.max(*v);
        }
        for (g, v) in self.short[base..base + self.rows].iter_mut().zip(short) {
            *g = g.max(*v);
        }
    }
}

/// Maps ledger bins onto grid rows, splitting each bin over the rows it overlaps.
pub(crate) struct Rebin {
    /// For bin `i`: entries `offsets[i]..offsets[i+1]` of `parts`.
    offsets: Vec<u32>,
    parts: Vec<(u32, f32)>,
    /// The bins that overlap the grid (every other bin has no parts): the ledger spans every
    /// liquidation level of the whole snapshot, the grid only the window's padded range, often
    /// a tenth of the bins.
    overlapping: std::ops::Range<usize>,
}

impl Rebin {
    pub fn new(bins: &Bins, grid: &Grid) -> Self {
        let mut offsets = Vec::with_capacity(bins.count + 1);
        let mut parts = Vec::new();
        let rows = grid.rows as f64;
        for i in 0..bins.count {
            offsets.push(parts.len() as u32);
            let a = grid.row_of(bins.lower(i));
            let b = grid.row_of(bins.upper(i));
            if b <= 0.0 || a >= rows {
                continue;
            }
            let width = b - a;
            let mut r = a.max(0.0).floor();
            while r < b.min(rows) {
                let overlap = (r + 1.0).min(b) - r.max(a);
                if overlap > 0.0 {
                    parts.push((r as u32, (overlap / width) as f32));
                }
                r += 1.0;
            }
        }
        offsets.push(parts.len() as u32);
        let has_parts = |i: &usize| offsets[*i] < offsets[*i + 1];
        let first = (0..bins.count).find(has_parts).unwrap_or(0);
        let end = (first..bins.count).rev().find(has_parts).map_or(first, |i| i + 1);
        Rebin { offsets, parts, overlapping: first..end }
    }

    /// Adds the ledger's live levels into one column's cells (`rows` values per side).
    pub(crate) fn add_into(&self, ledger: &Ledger, long: &mut [f32], short: &mut [f32]) {
        for i in self.overlapping.clone() {
            let (lo, hi) = (self.offsets[i] as usize, self.offsets[i + 1] as usize);
            if lo == hi {
                continue;
            }
            let (l, s) = ledger.level(i);
            if l == 0.0 && s == 0.0 {
                continue;
            }
            for &(row, frac) in &self.parts[lo..hi] {
                let k = row as usize;
                long[k] += l as f32 * frac;
                short[k] += s as f32 * frac;
            }
        }
    }
}

/// Positions still open after the last candle, by ledger bin (summed over venues).
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub bins: Bins,
    /// USD of long levels per bin (liquidated if price falls to the bin).
    pub long: Vec<f64>,
    /// USD of short levels per bin (liquidated if price rises to the bin).
    pub short: Vec<f64>,
}

impl Profile {
    pub fn long_total(&self) -> f64 {
        self.long.iter().sum()
    }

    pub fn short_total(&self) -> f64 {
        self.short.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `add_into` visits only the bins that overlap the grid, and gives what splitting every
    /// bin of the ledger over the rows by its log-price overlap gives.
    #[test]
    fn rebin_adds_every_overlapping_bin_and_only_those() {
        let bins = Bins::new(100.0, 200.0, 0.01);
        let grid = Grid::new(DateTime::UNIX_EPOCH, 300, 1, 1, 10, 130.0, 150.0);
        let rebin = Rebin::new(&bins, &grid);
        let mut ledger = Ledger::new(bins);
        for i in 0..bins.count {
            ledger.add_long(i, 1.0 + i as f64);
            ledger.add_short(i, 1000.0 - i as f64);
        }
        let (mut long, mut short) = (vec![0.0f32; grid.rows], vec![0.0f32; grid.rows]);
        rebin.add_into(&ledger, &mut long, &mut short);

        let (first, end) = (rebin.overlapping.start, rebin.overlapping.end);
        assert!(bins.upper(first) > 130.0 && bins.lower(first) <= 130.0, "first bin {first}");
        assert!(bins.lower(end - 1) < 150.0 && bins.upper(end - 1) >= 150.0, "last bin {}", end - 1);
        assert!(first > 0 && end < bins.count, "the ledger reaches beyond the grid on both sides");

        let (lo, hi) = (grid.price_lo.ln(), grid.price_hi.ln());
        let row_w = (hi - lo) / grid.rows as f64;
        for row in 0..grid.rows {
            let (r0, r1) = (lo + row as f64 * row_w, lo + (row + 1) as f64 * row_w);
            let (mut want_l, mut want_s) = (0.0f64, 0.0f64);
            for i in 0..bins.count {
                let (b0, b1) = (bins.lower(i).ln(), bins.upper(i).ln());
                let overlap = (r1.min(b1) - r0.max(b0)).max(0.0) / (b1 - b0);
                let (l, s) = ledger.level(i);
                want_l += l * overlap;
                want_s += s * overlap;
            }
            assert!((long[row] as f64 - want_l).abs() < 1e-3 * want_l, "row {row}: {} vs {want_l}", long[row]);
            assert!((short[row] as f64 - want_s).abs() < 1e-3 * want_s, "row {row}: {} vs {want_s}", short[row]);
        }
    }

    #[test]
    fn rebin_of_a_grid_beside_the_bins_is_empty() {
        let bins = Bins::new(100.0, 200.0, 0.01);
        let grid = Grid::new(DateTime::UNIX_EPOCH, 300, 1, 1, 10, 300.0, 400.0);
        assert!(Rebin::new(&bins, &grid).overlapping.is_empty());
    }
}
