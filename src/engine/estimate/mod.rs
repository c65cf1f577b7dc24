//! The estimation engine: a time-evolving position ledger per venue, summed into a
//! density grid and a live profile. Pure: no clock, no I/O.
//!
//! Per candle, in time order (see docs/method.md, "How the estimate is made"):
//! 1. consume: long levels the candle's low reaches and short levels its high reaches die;
//! 2. close: when open interest falls, every level shrinks in proportion;
//! 3. open: when open interest rises, the new notional is split into longs and shorts, spread
//!    over the candle's range and over the leverage mix, each slice at its exact liquidation price;
//! 4. decay (optional): every level shrinks by the half-life.

pub mod grid;
pub mod history;
pub mod ledger;
pub mod leverage;
pub mod liquidation;
pub mod oi_align;

use chrono::{DateTime, Duration, Utc};

pub use grid::{Grid, Profile};
pub use history::Moment;
pub use leverage::LeverageMix;
pub use liquidation::{Formula, Side};

use crate::error::Error;
use crate::model::snapshot::{Candle, MarketSnapshot, VenueSeries};
use crate::model::tiers;
use grid::Rebin;
use ledger::{Bins, Ledger};

/// Which rule finds the zones (`--zone-rule`): carried in [`EstimateParams`] so one set of
/// parameters drives the whole analysis; [`crate::engine::zones`] applies it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ZoneRule {
    /// The first rule: half-height clusters, C the densest within the chart's window.
    V1,
    /// Whole shelves; C the most fuel within the volatility reach (the default).
    #[default]
    V2,
}

impl ZoneRule {
    /// `v1` or `v2`.
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneRule::V1 => "v1",
            ZoneRule::V2 => "v2",
        }
    }
}

/// Tunable inputs of the estimate. `Default` is documented in docs/guide.md (estimate options) and docs/method.md.
#[derive(Debug, Clone)]
pub struct EstimateParams {
    /// Assumed leverages and their shares.
    pub mix: LeverageMix,
    /// `--leverage`: show only these leverages of the mix.
    pub leverage_filter: Option<Vec<f64>>,
    /// Relative width of a ledger bin (0.0002 = 0.02 % of price).
    pub bin_step: f64,
    /// Optional half-life of levels, in seconds.
    pub half_life_secs: Option<f64>,
    /// Notional of a typical position, used to pick its margin tier.
    pub typical_position_usd: f64,
    /// Time span shown in the grid, seconds.
    pub window_secs: i64,
    /// Number of price rows in the grid.
    pub rows: usize,
    /// At most this many time columns in the grid (a chart passes its plot's width in
    /// pixels); a window of more candles is aggregated (see [`Grid`]). `None`: one column per
    /// candle.
    pub max_cols: Option<usize>,
    /// Price range of the grid; `None` pads the window's range (see [`estimate`]).
    pub price_range: Option<(f64, f64)>,
    /// `--zone-rule`: which rule finds zones A, B and C in the estimate (not the estimate
    /// itself; carried here so every command that estimates uses the same rule).
    pub zone_rule: ZoneRule,
}

impl EstimateParams {
    /// Rejects parameters no estimate can use (`Error::Usage` naming the flag).
    pub fn check(&self) -> Result<(), Error> {
        if self.window_secs <= 0 {
            return Err(Error::Usage("--window must be positive".into()));
        }
        if self.rows < 10 {
            return Err(Error::Usage("grid needs at least 10 price rows".into()));
        }
        if self.max_cols == Some(0) {
            return Err(Error::Usage("grid needs at least one time column".into()));
        }
        Ok(())
    }
}

impl Default for EstimateParams {
    fn default() -> Self {
        EstimateParams {
            mix: LeverageMix::default(),
            leverage_filter: None,
            bin_step: 0.0002,
            half_life_secs: None,
            typical_position_usd: 10_000.0,
            window_secs: 86_400,
            rows: 600,
            max_cols: None,
            price_range: None,
            zone_rule: ZoneRule::V2,
        }
    }
}

/// What happened to one venue's estimated positions.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueStats {
    pub venue: String,
    pub candles: usize,
    /// Candles whose close had open-interest data (inside the sampled range).
    pub candles_with_oi: usize,
    pub opened_usd: f64,
    pub closed_usd: f64,
    pub decayed_usd: f64,
    pub liquidated_long_usd: f64,
    pub liquidated_short_usd: f64,
    pub alive_long_usd: f64,
    pub alive_short_usd: f64,
    /// Whether taker-buy volume decided the long/short split (else the candle-body fallback).
    pub taker_split: bool,
    /// The mix actually used (after the venue's leverage cap and `--leverage`).
    pub mix: LeverageMix,
    pub formula: Formula,
    pub mmr: f64,
}

/// The estimate: grid for the window, live profile, and per-venue accounting.
#[derive(Debug, Clone)]
pub struct Estimate {
    pub grid: Grid,
    pub profile: Profile,
    pub last_price: f64,
    pub venues: Vec<VenueStats>,
}

/// Share of new notional assumed long for one candle: taker-buy share of volume when known,
/// else `0.5 + 0.25 * (close - open) / (high - low)` (25 % to 75 %).
pub(crate) fn long_share(c: &Candle) -> (f64, bool) {
    match c.taker_buy_volume {
        Some(tb) if c.volume > 0.0 => ((tb / c.volume).clamp(0.0, 1.0), true),
        _ if c.high > c.low => (0.5 + 0.25 * (c.close - c.open) / (c.high - c.low), false),
        _ => (0.5, false),
    }
}

fn window_bounds(snap: &MarketSnapshot, window_secs: i64) -> (DateTime<Utc>, DateTime<Utc>) {
    let step = Duration::seconds(snap.interval_secs());
    let end = snap.venues.iter().filter_map(|v| v.candles.last()).map(|c| c.open_time + step).max();
    let first = snap.venues.iter().filter_map(|v| v.candles.first()).map(|c| c.open_time).min();
    let end = end.unwrap_or(snap.captured_at);
    let start = (end - Duration::seconds(window_secs)).max(first.unwrap_or(end));
    (start, end)
}

/// How many candle slots the grid of a `window_secs` window over `snap` spans (its
/// `Grid::candles`), e.g. to choose [`estimate_history`]'s slots.
pub(crate) fn window_candles(snap: &MarketSnapshot, window_secs: i64) -> usize {
    let step = snap.interval_secs();
    let (start, end) = window_bounds(snap, window_secs.max(1));
    (((end - start).num_seconds() + step - 1) / step).max(1) as usize
}

/// The grid's default price range for a window whose candles span `lo..hi`: padded by 35 % of
/// the window's (log) span and at least 3 % each side.
pub(crate) fn pad_range(lo: f64, hi: f64) -> (f64, f64) {
    let pad = (0.35 * (hi / lo).ln()).max(1.03f64.ln());
    (lo * (-pad).exp(), hi * pad.exp())
}

/// The price range the chart of a `window_secs` window of `snap` shows by default (no
/// `--price-range`): the window's low and high, padded by [`pad_range`]. `None` without candles.
pub(crate) fn window_price_range(snap: &MarketSnapshot, window_secs: i64) -> Option<(f64, f64)> {
    let (start, _) = window_bounds(snap, window_secs);
    let all = || snap.venues.iter().flat_map(|v| v.candles.iter());
    let fold = |it: &mut dyn Iterator<Item = &Candle>| {
        it.fold((f64::INFINITY, 0.0f64), |(lo, hi), c| (lo.min(c.low), hi.max(c.high)))
    };
    let (mut lo, mut hi) = fold(&mut all().filter(|c| c.open_time >= start));
    if !lo.is_finite() {
        (lo, hi) = fold(&mut all());
    }
    (lo.is_finite() && lo > 0.0 && hi > lo).then(|| pad_range(lo, hi))
}

/// The largest ratio of highest high to lowest low a snapshot may have.
pub(crate) const MAX_PRICE_RATIO: f64 = 1e6;

/// Runs the estimate for every venue of `snap` and sums them.
pub fn estimate(snap: &MarketSnapshot, params: &EstimateParams) -> Result<Estimate, Error> {
    begin(snap, params)?.finish(params, &[]).map(|(e, _)| e)
}

/// The estimate of `snap` and, in the same pass of the ledgers, the map as it stood at the end
/// of each of the window's candle `slots` (ascending, each `< grid.candles`; see
/// [`history::slots_for_frames`]): a [`Moment`] per slot, holding only what data up to that
/// time gives. [`Moment::estimate`] turns one into the estimate a chart draws.
pub fn estimate_history(
    snap: &MarketSnapshot,
    params: &EstimateParams,
    slots: &[usize],
) -> Result<(Estimate, Vec<Moment>), Error> {
    begin(snap, params)?.finish(params, slots)
}

/// An estimate run up to the start of its window: every venue's ledger as it stood then, and
/// the window's slots. What comes after does not depend on the grid's price range (only the
/// grid does), so one begun estimate serves both the live profile the zones are found in
/// ([`Begun::profile`]) and the grid over the range they ask for ([`Begun::finish`]), without
/// running the ledgers before the window twice.
#[derive(Clone)]
pub struct Begun<'a> {
    snap: &'a MarketSnapshot,
    runs: Vec<VenueRun<'a>>,
    bins: Bins,
    start: DateTime<Utc>,
    step: i64,
    candles: usize,
    cols: usize,
    /// The window's low and high.
    window: (f64, f64),
}

/// Begins the estimate of `snap` with `params` (its grid's price range aside, see [`Begun`]).
pub fn begin<'a>(snap: &'a MarketSnapshot, params: &EstimateParams) -> Result<Begun<'a>, Error> {
    params.check()?;
    let step = snap.interval_secs();
    let (start, end) = window_bounds(snap, params.window_secs);
    let candles = (((end - start).num_seconds() + step - 1) / step).max(1) as usize;
    let cols = params.max_cols.map_or(candles, |m| m.min(candles));

    // Price range of everything (for the ledger) and of the window (for the grid).
    let all = snap.venues.iter().flat_map(|v| v.candles.iter());
    let (mut lo_all, mut hi_all) = (f64::INFINITY, 0.0f64);
    let (mut lo_w, mut hi_w) = (f64::INFINITY, 0.0f64);
    for c in all {
        lo_all = lo_all.min(c.low);
        hi_all = hi_all.max(c.high);
        if c.open_time >= start {
            lo_w = lo_w.min(c.low);
            hi_w = hi_w.max(c.high);
        }
    }
    if !lo_w.is_finite() {
        (lo_w, hi_w) = (lo_all, hi_all);
    }
    let bins = ledger_bins(lo_all, hi_all, params)?;
    grid_range(params.price_range, (lo_w, hi_w))?;

    let mut runs = snap.venues.iter().map(|v| VenueRun::new(v, step, params, bins)).collect::<Result<Vec<_>, _>>()?;
    for r in &mut runs {
        while r.next_time().is_some_and(|t| t < start) {
            r.step(params);
        }
    }
    Ok(Begun { snap, runs, bins, start, step, candles, cols, window: (lo_w, hi_w) })
}

/// The grid's price range: `price_range` when given (a usage error unless low < high, both
/// positive), else the window's padded ([`pad_range`]).
fn grid_range(price_range: Option<(f64, f64)>, window: (f64, f64)) -> Result<(f64, f64), Error> {
    match price_range {
        Some((lo, hi)) if lo > 0.0 && hi > lo => Ok((lo, hi)),
        Some(r) => Err(Error::Usage(format!("price range {r:?} is not low < high, both positive"))),
        None => Ok(pad_range(window.0, window.1)),
    }
}

impl Begun<'_> {
    /// The price range of the grid [`Begun::finish`] makes with `price_range` (`None`: the
    /// window's padded).
    pub(crate) fn grid_range(&self, price_range: Option<(f64, f64)>) -> Result<(f64, f64), Error> {
        grid_range(price_range, self.window)
    }

    /// The live profile the finished estimate will have (its [`Estimate::profile`]), without
    /// making a grid.
    pub fn profile(&self, params: &EstimateParams) -> Profile {
        let mut profile =
            Profile { bins: self.bins, long: vec![0.0; self.bins.count], short: vec![0.0; self.bins.count] };
        for r in &self.runs {
            let mut r = r.clone();
            while r.next_time().is_some() {
                r.step(params);
            }
            let (ledger, _) = r.finish();
            ledger.add_longs_into(&mut profile.long);
            ledger.add_shorts_into(&mut profile.short);
        }
        profile
    }

    /// Runs the window into the grid over `params.price_range` (see [`Begun::grid_range`]) and
    /// the rest of the candles; `params` must be those the estimate was begun with, but for
    /// the price range. With the map at each of `frame_slots` (see [`estimate_history`]).
    pub fn finish(self, params: &EstimateParams, frame_slots: &[usize]) -> Result<(Estimate, Vec<Moment>), Error> {
        let Begun { snap, mut runs, bins, start, step, candles, cols, window } = self;
        let (g_lo, g_hi) = grid_range(params.price_range, window)?;
        let mut grid = Grid::new(start, step, candles, cols, params.rows, g_lo, g_hi);
        let rebin = Rebin::new(&bins, &grid);

        // Every venue's candles in time order, slot by slot, so a slot's cells are the sum over
        // venues at that time before they are folded (maximum) into the slot's column.
        let (mut slot_long, mut slot_short) = (vec![0.0f32; grid.rows], vec![0.0f32; grid.rows]);
        let mut moments = Vec::with_capacity(frame_slots.len());
        let slots = grid.candles;
        let mut wanted = frame_slots.iter().copied().filter(|&j| j < slots).peekable();
        for j in 0..grid.candles {
            let slot_end = start + Duration::seconds(step * (j as i64 + 1));
            let col = grid.col_of_slot(j);
            let mut any = false;
            for r in &mut runs {
                while r.next_time().is_some_and(|t| t < slot_end) {
                    let (liq_l, liq_s) = r.step(params);
                    grid.liquidated_long[col] += liq_l;
                    grid.liquidated_short[col] += liq_s;
                    if !any {
                        slot_long.fill(0.0);
                        slot_short.fill(0.0);
                        any = true;
                    }
                    rebin.add_into(&r.ledger, &mut slot_long, &mut slot_short);
                }
            }
            if any {
                grid.fold_slot(col, &slot_long, &slot_short);
            }
            while wanted.next_if(|&w| w <= j).is_some() {
                moments.push(history::capture(
                    &grid,
                    j,
                    slot_end,
                    bins,
                    runs.iter().map(|r| (&r.ledger, &r.stats, r.last_close())),
                ));
            }
        }
        for r in &mut runs {
            while r.next_time().is_some() {
                r.step(params);
            }
        }

        let mut profile = Profile { bins, long: vec![0.0; bins.count], short: vec![0.0; bins.count] };
        let mut venues = Vec::new();
        for r in runs {
            let (ledger, stats) = r.finish();
            ledger.add_longs_into(&mut profile.long);
            ledger.add_shorts_into(&mut profile.short);
            venues.push(stats);
        }
        Ok((Estimate { grid, profile, last_price: snap.last_price(), venues }, moments))
    }
}

/// The ledger bins for candles spanning `lo_all..hi_all`: wide enough for every liquidation
/// level of the mix (the lowest leverage's reach plus 5 %), on the absolute lattice of
/// [`Bins`] (so any sub-range bins a level identically).
pub(crate) fn ledger_bins(lo_all: f64, hi_all: f64, params: &EstimateParams) -> Result<Bins, Error> {
    // One bin per 0.02 % of price: a range of a factor 10^6 is ~69,000 bins. Beyond that the
    // data is not a price series (a wick to 1e-300 would ask for infinitely many bins).
    let ratio = hi_all / lo_all;
    if ratio.is_nan() || ratio > MAX_PRICE_RATIO {
        return Err(Error::Invalid(format!(
            "candle prices range from {lo_all:e} to {hi_all:e}, more than a factor of {MAX_PRICE_RATIO:e}: not a price series the estimate can bin"
        )));
    }
    let min_lev = params.mix.slices.iter().map(|s| s.0).fold(f64::INFINITY, f64::min).max(2.0);
    let reach = 1.0 / min_lev + 0.05;
    Ok(Bins::new(lo_all * (1.0 - reach).max(0.01), hi_all * (1.0 + reach), params.bin_step))
}

/// Steps 1 and 4 of a candle without open-interest data: consume what its wick reaches, then
/// decay (what [`VenueRun::step`] does to the ledger when the candle's close has no OI).
pub(crate) fn consume_only(ledger: &mut Ledger, c: &Candle, decay: f64) {
    ledger.consume_longs(c.low);
    ledger.consume_shorts(c.high);
    if decay < 1.0 {
        ledger.shrink(decay);
    }
}

/// One venue's ledger, advanced one candle at a time.
#[derive(Clone)]
pub(crate) struct VenueRun<'a> {
    candles: &'a [Candle],
    next: usize,
    oi: Vec<Option<f64>>,
    prev_oi: Option<f64>,
    decay: f64,
    mix: LeverageMix,
    formula: Formula,
    mmr: f64,
    maint: f64,
    ledger: Ledger,
    stats: VenueStats,
}

impl<'a> VenueRun<'a> {
    fn new(v: &'a VenueSeries, step: i64, params: &EstimateParams, bins: Bins) -> Result<Self, Error> {
        let closes: Vec<DateTime<Utc>> = v.candles.iter().map(|c| c.open_time + Duration::seconds(step)).collect();
        let oi = oi_align::align(&v.open_interest, &closes);
        Self::over(v, &v.candles, oi, step, params, Ledger::new(bins))
    }

    /// A run of `candles` (a part of `v`'s), with `oi` their open interest at close, starting
    /// from `ledger` (which must be empty).
    pub(crate) fn over(
        v: &VenueSeries,
        candles: &'a [Candle],
        oi: Vec<Option<f64>>,
        step: i64,
        params: &EstimateParams,
        ledger: Ledger,
    ) -> Result<Self, Error> {
        let formula = Formula::for_venue(&v.venue);
        let (tier, maint) = tiers::tier_for(&v.margin_tiers, params.typical_position_usd);
        let mut mix = params.mix.clone();
        if let Some(keep) = &params.leverage_filter {
            mix = mix.restrict(keep)?;
        }
        let mix = mix.capped(tier.max_leverage);

        let decay = params.half_life_secs.map(|h| 0.5f64.powf(step as f64 / h)).unwrap_or(1.0);
        let stats = VenueStats {
            venue: v.venue.clone(),
            candles: candles.len(),
            candles_with_oi: oi.iter().filter(|o| o.is_some()).count(),
            opened_usd: 0.0,
            closed_usd: 0.0,
            decayed_usd: 0.0,
            liquidated_long_usd: 0.0,
            liquidated_short_usd: 0.0,
            alive_long_usd: 0.0,
            alive_short_usd: 0.0,
            taker_split: candles.iter().any(|c| c.taker_buy_volume.is_some()),
            mix: mix.clone(),
            formula,
            mmr: tier.mmr,
        };
        Ok(VenueRun { candles, next: 0, oi, prev_oi: None, decay, mix, formula, mmr: tier.mmr, maint, ledger, stats })
    }

    /// Candles run so far.
    pub(crate) fn ran(&self) -> usize {
        self.next
    }

    /// The ledger as it stands.
    pub(crate) fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The per-candle decay factor (1 without a half-life).
    pub(crate) fn decay(&self) -> f64 {
        self.decay
    }

    /// The ledger, to reuse its buffers.
    pub(crate) fn into_ledger(self) -> Ledger {
        self.ledger
    }

    /// Open time of the next candle to run, if any is left.
    fn next_time(&self) -> Option<DateTime<Utc>> {
        self.candles.get(self.next).map(|c| c.open_time)
    }

    /// Close of the last candle run, if any.
    fn last_close(&self) -> Option<f64> {
        self.next.checked_sub(1).map(|i| self.candles[i].close)
    }

    /// Runs the next candle; returns the USD of longs and shorts it liquidated.
    pub(crate) fn step(&mut self, params: &EstimateParams) -> (f64, f64) {
        let i = self.next;
        let c = &self.candles[i];
        self.next += 1;
        let (ledger, stats) = (&mut self.ledger, &mut self.stats);
        // 1. consume
        let liq_l = ledger.consume_longs(c.low);
        let liq_s = ledger.consume_shorts(c.high);
        stats.liquidated_long_usd += liq_l;
        stats.liquidated_short_usd += liq_s;
        // 2./3. close or open on the change in open interest
        if let (Some(a), Some(b)) = (self.prev_oi, self.oi[i]) {
            if b < a && a > 0.0 {
                let before = ledger.long_total() + ledger.short_total();
                ledger.shrink(b / a);
                stats.closed_usd += before - (ledger.long_total() + ledger.short_total());
            } else if b > a {
                let added = open_positions(ledger, c, b - a, &self.mix, self.formula, self.mmr, self.maint, params);
                stats.opened_usd += added;
            }
        }
        if self.oi[i].is_some() {
            self.prev_oi = self.oi[i];
        }
        // 4. decay
        if self.decay < 1.0 {
            let before = ledger.long_total() + ledger.short_total();
            ledger.shrink(self.decay);
            stats.decayed_usd += before - (ledger.long_total() + ledger.short_total());
        }
        (liq_l, liq_s)
    }

    fn finish(mut self) -> (Ledger, VenueStats) {
        self.stats.alive_long_usd = self.ledger.long_total();
        self.stats.alive_short_usd = self.ledger.short_total();
        (self.ledger, self.stats)
    }
}

/// Adds `usd` of new positions opened during candle `c`. Returns the USD placed
/// (less than `usd` only after `--leverage` restricted the mix).
#[allow(clippy::too_many_arguments)]
fn open_positions(
    ledger: &mut Ledger,
    c: &Candle,
    usd: f64,
    mix: &LeverageMix,
    formula: Formula,
    mmr: f64,
    maint: f64,
    params: &EstimateParams,
) -> f64 {
    let (share, _) = long_share(c);
    let bins = ledger.bins;
    // Entry points spread evenly (in log price) over the candle's range, about one per bin.
    let span = (c.high / c.low).ln();
    let k = ((span / (1.0 + bins.step).ln()).ceil() as usize).clamp(1, 12);
    let mut placed = 0.0;
    for j in 0..k {
        let entry = c.low * (span * (j as f64 + 0.5) / k as f64).exp();
        for &(lev, w) in &mix.slices {
            let part = usd * w / k as f64;
            for side in [Side::Long, Side::Short] {
                let amount = if side == Side::Long { part * share } else { part * (1.0 - share) };
                if amount <= 0.0 {
                    continue;
                }
                let p =
                    liquidation::liquidation_price(formula, side, entry, lev, mmr, maint, params.typical_position_usd);
                // Levels outside the ledger's range (only possible for extreme inputs) are dropped.
                if let Some(b) = bins.index(p) {
                    match side {
                        Side::Long => ledger.add_long(b, amount),
                        Side::Short => ledger.add_short(b, amount),
                    }
                    placed += amount;
                }
            }
        }
    }
    placed
}

#[cfg(test)]
mod tests;
