//! The position ledger: estimated open notional per liquidation-price bin, per side.
//!
//! Bins are logarithmic (each bin is the same fraction of price wide), so BTC at 90,000 and
//! DOGE at 0.15 get the same relative resolution. Consumption, proportional closing and decay
//! are O(1) or amortised O(bins touched): shrinking uses a per-side scale factor.

/// Log-spaced price bins on one absolute lattice: bin `i` covers `[r^(k+i), r^(k+i+1))`,
/// `r = 1 + step`, for the integer `k` of the range's low end. Every range of the same `step`
/// bins a price identically (same edges, bit for bit), so the ledger of a snapshot cut at some
/// moment holds each level in the same bin as the full snapshot's (the backtest relies on it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bins {
    /// Lower edge of bin 0 (`r^k`).
    pub p0: f64,
    pub step: f64,
    pub count: usize,
    /// Lattice index of bin 0: bin `i` is lattice bin `k + i`.
    pub k: i64,
    ln_r: f64,
}

impl Bins {
    /// The lattice bins covering `[lo, hi]` with relative width `step`.
    pub fn new(lo: f64, hi: f64, step: f64) -> Self {
        let ln_r = (1.0 + step).ln();
        let k = (lo.ln() / ln_r).floor() as i64;
        let top = (hi.ln() / ln_r).floor() as i64;
        let count = (top - k + 1).max(1) as usize;
        Bins { p0: (ln_r * k as f64).exp(), step, count, k, ln_r }
    }

    /// Lattice index of `price` (unbounded).
    fn lattice(&self, price: f64) -> i64 {
        (price.ln() / self.ln_r).floor() as i64
    }

    /// The bin holding `price`, or `None` outside the range.
    pub fn index(&self, price: f64) -> Option<usize> {
        if price.is_nan() || price <= 0.0 {
            return None;
        }
        let i = self.lattice(price) - self.k;
        (i >= 0 && (i as usize) < self.count).then_some(i as usize)
    }

    /// The bin holding `price`, clamped to the range (below → 0, above → last).
    pub(crate) fn index_clamped(&self, price: f64) -> usize {
        if price.is_nan() || price <= 0.0 {
            return 0;
        }
        (self.lattice(price) - self.k).clamp(0, self.count as i64 - 1) as usize
    }

    /// Lower edge of bin `i`.
    pub fn lower(&self, i: usize) -> f64 {
        (self.ln_r * (self.k + i as i64) as f64).exp()
    }

    /// Upper edge of bin `i`.
    pub fn upper(&self, i: usize) -> f64 {
        self.lower(i + 1)
    }

    /// Geometric centre of bin `i`.
    pub(crate) fn center(&self, i: usize) -> f64 {
        (self.ln_r * ((self.k + i as i64) as f64 + 0.5)).exp()
    }
}

/// One side of the ledger.
#[derive(Debug, Clone)]
struct Book {
    /// Stored notional; the live USD value is `raw * scale`.
    raw: Vec<f64>,
    /// Running sum of `raw`.
    sum: f64,
    scale: f64,
    /// Longs: highest bin that may be non-zero. Shorts: lowest. `None` when empty.
    edge: Option<usize>,
}

impl Book {
    fn new(n: usize) -> Self {
        Book { raw: vec![0.0; n], sum: 0.0, scale: 1.0, edge: None }
    }

    fn add(&mut self, bin: usize, usd: f64, long: bool) {
        self.raw[bin] += usd / self.scale;
        self.sum += usd / self.scale;
        self.edge = Some(match self.edge {
            None => bin,
            Some(e) if long => e.max(bin),
            Some(e) => e.min(bin),
        });
    }

    fn total(&self) -> f64 {
        (self.sum * self.scale).max(0.0)
    }

    fn shrink(&mut self, factor: f64) {
        self.scale *= factor;
        if self.scale < 1e-200 {
            // Renormalise before the scale underflows.
            for v in &mut self.raw {
                *v *= self.scale;
            }
            self.sum *= self.scale;
            self.scale = 1.0;
        }
    }
}

/// Estimated open positions by liquidation price.
#[derive(Debug, Clone)]
pub struct Ledger {
    pub bins: Bins,
    long: Book,
    short: Book,
}

impl Ledger {
    pub fn new(bins: Bins) -> Self {
        Ledger { bins, long: Book::new(bins.count), short: Book::new(bins.count) }
    }

    /// Empties the ledger, keeping its buffers (for a new run on the same bins).
    pub fn clear(&mut self) {
        for b in [&mut self.long, &mut self.short] {
            b.raw.fill(0.0);
            b.sum = 0.0;
            b.scale = 1.0;
            b.edge = None;
        }
    }

    /// Copies `other`'s levels into this ledger (same bins), reusing its buffers.
    pub(crate) fn copy_from(&mut self, other: &Ledger) {
        self.bins = other.bins;
        for (b, o) in [(&mut self.long, &other.long), (&mut self.short, &other.short)] {
            b.raw.clear();
            b.raw.extend_from_slice(&o.raw);
            (b.sum, b.scale, b.edge) = (o.sum, o.scale, o.edge);
        }
    }

    /// Adds a long level; its liquidation price lies in `bin`.
    pub(crate) fn add_long(&mut self, bin: usize, usd: f64) {
        self.long.add(bin, usd, true);
    }

    /// Adds a short level; its liquidation price lies in `bin`.
    pub(crate) fn add_short(&mut self, bin: usize, usd: f64) {
        self.short.add(bin, usd, false);
    }

    /// Removes every long level the wick `low` reaches: all bins from the one holding `low`
    /// upwards (a bin counts as reached once the wick enters it). Returns the USD removed.
    pub(crate) fn consume_longs(&mut self, low: f64) -> f64 {
        let Some(top) = self.long.edge else { return 0.0 };
        let from = self.bins.index_clamped(low);
        if from > top {
            return 0.0;
        }
        let mut removed = 0.0;
        for v in &mut self.long.raw[from..=top] {
            removed += *v;
            *v = 0.0;
        }
        self.long.edge = from.checked_sub(1);
        self.long.sum -= removed;
        removed * self.long.scale
    }

    /// Removes every short level the wick `high` reaches (bins from the one holding `high`
    /// downwards). Returns the USD removed.
    pub(crate) fn consume_shorts(&mut self, high: f64) -> f64 {
        let Some(bottom) = self.short.edge else { return 0.0 };
        let to = self.bins.index_clamped(high);
        if to < bottom {
            return 0.0;
        }
        let mut removed = 0.0;
        for v in &mut self.short.raw[bottom..=to] {
            removed += *v;
            *v = 0.0;
        }
        self.short.edge = if to + 1 < self.bins.count { Some(to + 1) } else { None };
        self.short.sum -= removed;
        removed * self.short.scale
    }

    /// Multiplies every level on both sides by `factor` (closing positions or decay).
    pub(crate) fn shrink(&mut self, factor: f64) {
        self.long.shrink(factor);
        self.short.shrink(factor);
    }

    /// Live USD per bin, longs (added into `out`, which must have `bins.count` entries).
    pub(crate) fn add_longs_into(&self, out: &mut [f64]) {
        add_into(&self.long, out);
    }

    /// Live USD per bin, shorts (added into `out`).
    pub(crate) fn add_shorts_into(&self, out: &mut [f64]) {
        add_into(&self.short, out);
    }

    pub fn long_total(&self) -> f64 {
        self.long.total()
    }

    pub fn short_total(&self) -> f64 {
        self.short.total()
    }

    /// Live USD in long bin `i` and short bin `i`.
    pub fn level(&self, i: usize) -> (f64, f64) {
        (self.long.raw[i] * self.long.scale, self.short.raw[i] * self.short.scale)
    }
}

fn add_into(book: &Book, out: &mut [f64]) {
    for (o, v) in out.iter_mut().zip(&book.raw) {
        *o += v * book.scale;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_relative() {
        let b = Bins::new(100.0, 200.0, 0.01);
        let i100 = b.index(100.0).unwrap();
        assert!(b.lower(i100) <= 100.0 && b.upper(i100) > 100.0);
        assert_eq!(b.index(100.0 * 1.01 * 1.0001), Some(i100 + 1));
        assert_eq!(b.index(b.lower(0) * 0.999), None);
        assert_eq!(b.index(1e9), None);
        assert!(b.index(200.0).is_some());
        assert!((b.upper(0) / b.lower(0) - 1.01).abs() < 1e-12);
        // Same relative resolution at any price level.
        let doge = Bins::new(0.1, 0.2, 0.01);
        assert!((doge.count as i64 - b.count as i64).abs() <= 1);
        assert!((doge.upper(3) / doge.lower(3) - 1.01).abs() < 1e-12);
    }

    #[test]
    fn bins_share_one_absolute_lattice() {
        // Two ranges bin every common price identically: same lattice bin, same edges, bit for bit.
        let wide = Bins::new(61_234.5, 140_000.0, 0.0002);
        let narrow = Bins::new(98_765.4, 101_000.0, 0.0002);
        for p in [98_765.4, 99_000.0, 99_999.99, 100_000.0, 100_500.25, 100_999.0] {
            let (iw, inn) = (wide.index(p).unwrap(), narrow.index(p).unwrap());
            assert_eq!(wide.lower(iw).to_bits(), narrow.lower(inn).to_bits(), "{p}");
            assert_eq!(wide.center(iw).to_bits(), narrow.center(inn).to_bits());
        }
        assert_eq!(narrow.p0.to_bits(), narrow.lower(0).to_bits());
    }

    #[test]
    fn consumption_clears_reached_bins_only() {
        let bins = Bins::new(100.0, 200.0, 0.01);
        let mut l = Ledger::new(bins);
        let b120 = bins.index(120.0).unwrap();
        let b130 = bins.index(130.0).unwrap();
        l.add_long(b120, 10.0);
        l.add_long(b130, 5.0);
        assert_eq!(l.consume_longs(132.0), 0.0);
        assert!((l.consume_longs(125.0) - 5.0).abs() < 1e-12);
        assert!((l.long_total() - 10.0).abs() < 1e-12);
        // A new long above the old edge is tracked again.
        l.add_long(b130, 1.0);
        assert!((l.consume_longs(118.0) - 11.0).abs() < 1e-12);
        assert_eq!(l.long_total(), 0.0);

        l.add_short(b120, 3.0);
        l.add_short(b130, 4.0);
        assert!((l.consume_shorts(125.0) - 3.0).abs() < 1e-12);
        l.shrink(0.5);
        assert!((l.short_total() - 2.0).abs() < 1e-12);
        l.add_short(b120, 1.0);
        assert!((l.short_total() - 3.0).abs() < 1e-12);
    }

    #[test]
    fn shrink_survives_underflow() {
        let bins = Bins::new(100.0, 200.0, 0.01);
        let mut l = Ledger::new(bins);
        l.add_long(3, 1.0);
        for _ in 0..100 {
            l.shrink(1e-5);
        }
        l.add_long(3, 1.0);
        assert!((l.long_total() - 1.0).abs() < 1e-9);
    }
}
