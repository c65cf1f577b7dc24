//! The density grid (time columns x price rows) and the live profile.

use chrono::{DateTime, Duration, Utc};

use super::ledger::{Bins, Ledger};

/// Estimated open notional by time column and price row, long and short kept apart.
///
/// Rows are log-spaced from `price_lo` (row 0) to `price_hi`; each row is the same fraction of
/// price wide, so a cell's USD means the same at any price level. Column `c` shows the
/// positions still open at the close of the candle that opened at `start + c * col_secs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub start: DateTime<Utc>,
    pub col_secs: i64,
    pub cols: usize,
    pub rows: usize,
    pub price_lo: f64,
    pub price_hi: f64,
    /// USD per cell, index `col * rows + row`.
    pub long: Vec<f32>,
    pub short: Vec<f32>,
    /// Estimated USD liquidated during each column's candle (longs, shorts).
    pub liquidated_long: Vec<f64>,
    pub liquidated_short: Vec<f64>,
}

impl Grid {
    pub fn new(start: DateTime<Utc>, col_secs: i64, cols: usize, rows: usize, price_lo: f64, price_hi: f64) -> Self {
        Grid {
            start,
            col_secs,
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

    /// End of the last column.
    pub fn end(&self) -> DateTime<Utc> {
        self.start + Duration::seconds(self.col_secs * self.cols as i64)
    }

    /// Relative width of one row (e.g. 0.0003 = 0.03 % of price).
    pub fn row_rel_width(&self) -> f64 {
        (self.price_hi / self.price_lo).ln() / self.rows as f64
    }

    /// Lower edge price of `row`.
    pub fn row_price(&self, row: f64) -> f64 {
        self.price_lo * (self.row_rel_width() * row).exp()
    }

    /// Fractional row of `price` (may be outside `0..rows`).
    pub fn row_of(&self, price: f64) -> f64 {
        (price / self.price_lo).ln() / self.row_rel_width()
    }

    /// Column holding time `t`, if inside the grid.
    pub fn col_of(&self, t: DateTime<Utc>) -> Option<usize> {
        let d = (t - self.start).num_seconds();
        if d < 0 {
            return None;
        }
        let c = (d / self.col_secs) as usize;
        (c < self.cols).then_some(c)
    }

    /// Long + short USD of a cell.
    pub fn total(&self, col: usize, row: usize) -> f32 {
        let i = col * self.rows + row;
        self.long[i] + self.short[i]
    }
}

/// Maps ledger bins onto grid rows, splitting each bin over the rows it overlaps.
pub(crate) struct Rebin {
    /// For bin `i`: entries `offsets[i]..offsets[i+1]` of `parts`.
    offsets: Vec<u32>,
    parts: Vec<(u32, f32)>,
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
        Rebin { offsets, parts }
    }

    /// Adds the ledger's live levels into grid column `col`.
    pub fn add_column(&self, ledger: &Ledger, grid: &mut Grid, col: usize) {
        let base = col * grid.rows;
        for i in 0..self.offsets.len() - 1 {
            let (lo, hi) = (self.offsets[i] as usize, self.offsets[i + 1] as usize);
            if lo == hi {
                continue;
            }
            let (l, s) = ledger.level(i);
            if l == 0.0 && s == 0.0 {
                continue;
            }
            for &(row, frac) in &self.parts[lo..hi] {
                let k = base + row as usize;
                grid.long[k] += l as f32 * frac;
                grid.short[k] += s as f32 * frac;
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
