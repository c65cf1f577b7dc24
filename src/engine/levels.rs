//! The live profile as data: estimated long and short liquidation USD per 0.1 % price band
//! within ±25 % of price (`liqshot levels`). Pure: rows from a profile, encoders to bytes.
//!
//! The bands are the ones zones A/B/C are found in and the ones the chart's profile panel
//! draws, so the rows are exactly what the chart shows:
//! - above price, band `k` (from 0) spans `price·1.001^k … price·1.001^(k+1)`;
//! - below price, band `k` spans `price/1.001^(k+1) … price/1.001^k`;
//! - the outermost band on each side is cut at `1.25·price` and `0.75·price`.
//!
//! Each ledger bin (0.02 % of price) counts in the band that holds its centre; a bin centred
//! exactly at price, or outside ±25 %, counts in none.

use serde::Serialize;

use crate::engine::estimate::Profile;
use crate::model::side::Where;

/// Width of one band, a fraction of price (0.1 %).
pub(crate) const BAND_WIDTH: f64 = 0.001;
/// How far from price the bands reach, a fraction of price (25 %).
pub(crate) const MAX_DISTANCE: f64 = 0.25;

/// The band geometry around one price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandGrid {
    pub price: f64,
    ln_w: f64,
    /// Bands above and below price.
    pub n_above: usize,
    pub n_below: usize,
    /// The outer limits (`0.75·price`, `1.25·price` by default).
    pub lo: f64,
    pub hi: f64,
}

impl BandGrid {
    /// Bands `width` wide (a fraction of price) within `max_distance` (a fraction, < 1) of `price`.
    pub fn new(price: f64, width: f64, max_distance: f64) -> Self {
        let ln_w = (1.0 + width).ln();
        let (lo, hi) = (price * (1.0 - max_distance), price * (1.0 + max_distance));
        let n_above = ((hi / price).ln() / ln_w - 1e-9).ceil().max(0.0) as usize;
        let n_below = ((price / lo).ln() / ln_w - 1e-9).ceil().max(0.0) as usize;
        BandGrid { price, ln_w, n_above, n_below, lo, hi }
    }

    /// The default bands: 0.1 % wide within ±25 %.
    pub fn standard(price: f64) -> Self {
        BandGrid::new(price, BAND_WIDTH, MAX_DISTANCE)
    }

    /// Number of bands on `side`.
    pub fn count(&self, side: Where) -> usize {
        match side {
            Where::Above => self.n_above,
            Where::Below => self.n_below,
        }
    }

    /// (inner edge, outer edge) of band `k` on `side`: inner is the one nearer price.
    pub fn edges(&self, side: Where, k: usize) -> (f64, f64) {
        let (a, b) = ((self.ln_w * k as f64).exp(), (self.ln_w * (k + 1) as f64).exp());
        match side {
            Where::Above => (self.price * a, (self.price * b).min(self.hi)),
            Where::Below => (self.price / a, (self.price / b).max(self.lo)),
        }
    }

    /// The band holding price `c`, if any.
    pub(crate) fn locate(&self, c: f64) -> Option<(Where, usize)> {
        let (side, d, n) = if c > self.price && c < self.hi {
            (Where::Above, (c / self.price).ln(), self.n_above)
        } else if c < self.price && c > self.lo {
            (Where::Below, (self.price / c).ln(), self.n_below)
        } else {
            return None;
        };
        let k = ((d / self.ln_w) as usize).min(n.saturating_sub(1));
        (n > 0).then_some((side, k))
    }
}

/// One price band of the live profile.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    pub price_low: f64,
    pub price_high: f64,
    /// Estimated long notional liquidated in the band (USD).
    pub long_usd: f64,
    /// Estimated short notional liquidated in the band (USD).
    pub short_usd: f64,
}

/// The live profile in bands around `price`, lowest band first.
#[derive(Debug, Clone, PartialEq)]
pub struct Levels {
    pub price: f64,
    pub bands: Vec<Band>,
}

impl Levels {
    /// Estimated shorts above price (what the zones and the chart call "shorts above").
    pub fn shorts_above(&self) -> f64 {
        self.bands.iter().filter(|b| b.price_low >= self.price).map(|b| b.short_usd).sum()
    }

    /// Estimated longs below price ("longs below").
    pub fn longs_below(&self) -> f64 {
        self.bands.iter().filter(|b| b.price_high <= self.price).map(|b| b.long_usd).sum()
    }
}

/// Sums the profile into the bands of `g`, lowest price first.
pub(crate) fn levels_in(profile: &Profile, g: &BandGrid) -> Levels {
    let mut below = vec![(0.0, 0.0); g.n_below];
    let mut above = vec![(0.0, 0.0); g.n_above];
    for i in 0..profile.bins.count {
        let (l, s) = (profile.long[i], profile.short[i]);
        if l == 0.0 && s == 0.0 {
            continue;
        }
        let Some((side, k)) = g.locate(profile.bins.center(i)) else { continue };
        let cell = match side {
            Where::Above => &mut above[k],
            Where::Below => &mut below[k],
        };
        cell.0 += l;
        cell.1 += s;
    }
    let mut bands = Vec::with_capacity(g.n_below + g.n_above);
    for k in (0..g.n_below).rev() {
        let (inner, outer) = g.edges(Where::Below, k);
        bands.push(Band { price_low: outer, price_high: inner, long_usd: below[k].0, short_usd: below[k].1 });
    }
    for (k, &(l, s)) in above.iter().enumerate() {
        let (inner, outer) = g.edges(Where::Above, k);
        bands.push(Band { price_low: inner, price_high: outer, long_usd: l, short_usd: s });
    }
    Levels { price: g.price, bands }
}

/// The live profile in the standard bands (0.1 % within ±25 % of `price`).
pub fn levels(profile: &Profile, price: f64) -> Levels {
    levels_in(profile, &BandGrid::standard(price))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::estimate::ledger::Bins;
    use crate::output::levels_export::{to_csv_by, to_json, LevelsMeta, LEVELS_FORMAT};

    fn profile() -> Profile {
        let bins = Bins::new(50.0, 200.0, 0.0002);
        let mut p = Profile { bins, long: vec![0.0; bins.count], short: vec![0.0; bins.count] };
        for i in 0..bins.count {
            let c = bins.center(i);
            p.long[i] = if c < 100.0 { 1.0 + (i % 7) as f64 } else { 0.0 };
            p.short[i] = if c > 100.0 { 2.0 + (i % 5) as f64 } else { 0.0 };
        }
        p
    }

    #[test]
    fn bands_are_contiguous_and_cover_25_pct() {
        let l = levels(&profile(), 100.0);
        assert_eq!(l.bands.len(), 224 + 288);
        assert!(
            (l.bands[0].price_low - 75.0).abs() < 1e-9 && (l.bands.last().unwrap().price_high - 125.0).abs() < 1e-9
        );
        for w in l.bands.windows(2) {
            assert_eq!(w[0].price_high, w[1].price_low);
            assert!(w[0].price_low < w[0].price_high);
        }
        let at = l.bands.iter().position(|b| b.price_low == 100.0).unwrap();
        assert_eq!(l.bands[at - 1].price_high, 100.0);
        // Every band but the cut outer ones is 0.1 % wide.
        for b in &l.bands[1..l.bands.len() - 1] {
            assert!(((b.price_high / b.price_low).ln() - 1.001f64.ln()).abs() < 1e-9, "{b:?}");
        }
    }

    #[test]
    fn rows_hold_every_bin_within_the_bands_once() {
        let p = profile();
        let l = levels(&p, 100.0);
        let expect_short: f64 = (0..p.bins.count)
            .filter(|&i| p.bins.center(i) > 100.0 && p.bins.center(i) < 125.0)
            .map(|i| p.short[i])
            .sum();
        let expect_long: f64 =
            (0..p.bins.count).filter(|&i| p.bins.center(i) < 100.0 && p.bins.center(i) > 75.0).map(|i| p.long[i]).sum();
        assert!((l.shorts_above() - expect_short).abs() < 1e-6 && expect_short > 0.0);
        assert!((l.longs_below() - expect_long).abs() < 1e-6 && expect_long > 0.0);
        // Each band holds exactly the bins whose centre lies inside it.
        for b in l.bands.iter().step_by(37) {
            let inside: f64 = (0..p.bins.count)
                .filter(|&i| p.bins.center(i) >= b.price_low && p.bins.center(i) < b.price_high)
                .map(|i| p.long[i] + p.short[i])
                .sum();
            assert!((inside - b.long_usd - b.short_usd).abs() < 1e-6, "{b:?} {inside}");
        }
    }

    #[test]
    fn csv_and_json_carry_the_same_rows() {
        let l = levels(&profile(), 100.0);
        let csv = String::from_utf8(to_csv_by(&l, &[])).unwrap();
        let meta = LevelsMeta {
            symbol: "X".into(),
            venues: vec!["binance".into()],
            captured_at: "t".into(),
            leverage_mix: "m".into(),
        };
        let json: serde_json::Value = serde_json::from_slice(&to_json(&l, &meta)).unwrap();
        let bands = json["bands"].as_array().unwrap();
        let rows: Vec<&str> = csv.lines().skip(1).collect();
        assert_eq!(rows.len(), bands.len());
        for (row, b) in rows.iter().zip(bands) {
            let cells: Vec<f64> = row.split(',').map(|c| c.parse().unwrap()).collect();
            let j: Vec<f64> =
                ["price_low", "price_high", "long_usd", "short_usd"].iter().map(|k| b[k].as_f64().unwrap()).collect();
            assert_eq!(cells, j, "{row}");
        }
        assert_eq!(json["format"], LEVELS_FORMAT);
        assert_eq!(json["symbol"], "X");
    }
}
