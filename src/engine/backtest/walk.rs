//! The walk: each step's zones, found in one pass of the ledgers.
//!
//! A step at time `t` sees exactly what a snapshot cut at `t` holds ([`MarketSnapshot::cut`]):
//! candles that closed by `t`, open-interest samples at or before `t` (with `--lookback D`,
//! also only candles opening and samples taken at or after `t - D`). Its zones are those
//! `liqshot zones` prints for that cut, bit for bit; `tests/it/backtest_walk.rs` checks it
//! against [`crate::engine::pipeline::analyse`] of the cut and against the binary.
//!
//! How, without re-running the estimate from the start for every step:
//! - The ledger bins lie on one absolute lattice ([`crate::engine::estimate::ledger::Bins`]), so the
//!   full snapshot's bins hold every level of every cut in the same bin.
//! - Open interest is interpolated between samples. The full pass gives the candles after
//!   the last sample at or before `t` interpolated OI from the *next* sample (look-ahead); the
//!   cut has no OI for them (they only consume and decay). So per venue, the step's ledger is a
//!   copy of the full pass's ledger after the last candle that closed by that sample (a
//!   checkpoint: steps and samples are known in advance, the pass only moves forward), then
//!   those few candles run consume-and-decay only.
//! - With `--lookback`, each step runs the ledgers over its own trailing window (the issue
//!   allows it): one lattice, the ledgers' buffers reused, no grid.
//! - The zones are chosen by [`crate::engine::pipeline::choose_zones`], the code `analyse` uses, on the
//!   step's profile and the cut's window price range.
//!
//! The estimate's `window_secs` is taken as given: the caller sets it as `liqshot zones` does
//! (`params.window_secs = 86_400`, src/cli/zones.rs), so the zones are those `zones` prints.

use chrono::{DateTime, Duration, Utc};

use super::types::{BacktestParams, PricePath, Step};
use super::volmodel::trailing_vol;
use crate::engine::estimate::ledger::{Bins, Ledger};
use crate::engine::estimate::{self, oi_align, EstimateParams, Profile, VenueRun};
use crate::engine::pipeline::choose_zones;
use crate::engine::zones::{ZoneParams, Zones};
use crate::error::Error;
use crate::model::snapshot::{Candle, MarketSnapshot, VenueSeries};

/// The path's data span: the open of its first candle to the close of its last (`None`
/// without candles). The path is [`price_path`]'s venue.
pub(crate) fn data_span(snap: &MarketSnapshot) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let v = snap.venues.iter().find(|v| !v.candles.is_empty())?;
    let step = Duration::seconds(snap.interval_secs());
    Some((v.candles[0].open_time, v.candles[v.candles.len() - 1].open_time + step))
}

/// The step times: multiples of `step_secs` since the Unix epoch (UTC), the first at or after
/// the data start + warm-up (and after the path's first candle closed, so a step always has a
/// price), the last with `at + horizon <= data end` ([`data_span`]). Empty for a
/// non-positive step.
pub fn step_times(snap: &MarketSnapshot, bt: &BacktestParams) -> Vec<DateTime<Utc>> {
    let Some((start, end)) = data_span(snap) else { return vec![] };
    if bt.step_secs <= 0 || bt.warmup_secs < 0 || bt.horizon_secs <= 0 {
        return vec![];
    }
    let first_close = start.timestamp() + snap.interval_secs();
    let lo = (start.timestamp().saturating_add(bt.warmup_secs)).max(first_close);
    let last = end.timestamp().saturating_sub(bt.horizon_secs);
    let mut t = lo.div_euclid(bt.step_secs) * bt.step_secs;
    if t < lo {
        t += bt.step_secs;
    }
    let mut out = Vec::new();
    while t <= last {
        out.extend(DateTime::from_timestamp(t, 0));
        t += bt.step_secs;
    }
    out
}

/// Every step's zones, exactly those `liqshot zones` prints for `snap` cut at the step
/// (see the module's notes). `params.window_secs` is the zones' window (the caller sets 24 h
/// as `liqshot zones` does).
pub fn walk(
    snap: &MarketSnapshot,
    params: &EstimateParams,
    zp: &ZoneParams,
    bt: &BacktestParams,
) -> Result<Vec<Step>, Error> {
    walk_with(snap, params, zp, bt, &[], |_, _| {})
}

/// [`walk`], and in the same pass the map (the summed live profile of every venue's ledger,
/// data up to then only) at each of `map_times` (ascending or not), handed to
/// `on_map(index into map_times, profile)`: what the fuel test reads.
pub fn walk_with(
    snap: &MarketSnapshot,
    params: &EstimateParams,
    zp: &ZoneParams,
    bt: &BacktestParams,
    map_times: &[DateTime<Utc>],
    mut on_map: impl FnMut(usize, &Profile),
) -> Result<Vec<Step>, Error> {
    // The estimate's own checks, so the walk refuses what `liqshot zones` refuses.
    params.check()?;
    if let Some(r @ (lo, hi)) = params.price_range {
        if !(lo > 0.0 && hi > lo) {
            return Err(Error::Usage(format!("price range {r:?} is not low < high, both positive")));
        }
    }
    let times = step_times(snap, bt);
    if times.is_empty() && map_times.is_empty() {
        return Ok(vec![]);
    }
    // Steps and maps in time order (a step before a map at the same time).
    let mut jobs: Vec<(DateTime<Utc>, Option<usize>)> =
        times.iter().map(|&t| (t, None)).chain(map_times.iter().enumerate().map(|(i, &t)| (t, Some(i)))).collect();
    jobs.sort_by_key(|j| (j.0, j.1.is_some()));
    let interval = snap.interval_secs();
    let (mut lo_all, mut hi_all) = (f64::INFINITY, 0.0f64);
    for c in snap.venues.iter().flat_map(|v| v.candles.iter()) {
        lo_all = lo_all.min(c.low);
        hi_all = hi_all.max(c.high);
    }
    let bins = estimate::ledger_bins(lo_all, hi_all, params)?;
    let path = price_path(snap);
    let mut w = Walker {
        snap,
        params,
        zp,
        interval,
        profile: Profile { bins, long: vec![0.0; bins.count], short: vec![0.0; bins.count] },
        ranges: vec![(0, 0); snap.venues.len()],
        want_bands: crate::engine::realized::any(snap),
    };
    let mut steps = Vec::with_capacity(times.len());
    let mut emit = |w: &mut Walker, ledgers: &[Ledger], at: DateTime<Utc>, job: Option<usize>| -> Result<(), Error> {
        match job {
            None => {
                let (price, zones, bands) = w.zones(ledgers)?;
                steps.push(Step { at, price, zones, vol: trailing_vol(&path, at, bt.vol_window_secs), bands });
            }
            Some(i) => {
                w.sum(ledgers);
                on_map(i, &w.profile);
            }
        }
        Ok(())
    };
    match bt.lookback_secs {
        None => {
            // One forward pass per venue (full OI: interpolated, look-ahead after the last
            // sample by a step), and a scratch ledger per venue for the step's copy.
            let mut mains = Vec::with_capacity(snap.venues.len());
            for v in &snap.venues {
                let oi = oi_align::align(&v.open_interest, &closes(&v.candles, interval));
                mains.push(VenueRun::over(v, &v.candles, oi, interval, params, Ledger::new(bins))?);
            }
            let mut scratch: Vec<Ledger> = snap.venues.iter().map(|_| Ledger::new(bins)).collect();
            for &(at, job) in &jobs {
                for (vi, v) in snap.venues.iter().enumerate() {
                    let n = closed_by(&v.candles, interval, at);
                    let samples = v.open_interest.partition_point(|p| p.time <= at);
                    let checkpoint = match samples.checked_sub(1) {
                        Some(s) => closed_by(&v.candles, interval, v.open_interest[s].time).min(n),
                        None => 0,
                    };
                    let main = &mut mains[vi];
                    debug_assert!(main.ran() <= checkpoint, "checkpoints only move forward");
                    while main.ran() < checkpoint {
                        main.step(params);
                    }
                    scratch[vi].copy_from(main.ledger());
                    let decay = main.decay();
                    for c in &v.candles[checkpoint..n] {
                        estimate::consume_only(&mut scratch[vi], c, decay);
                    }
                    w.ranges[vi] = (0, n);
                }
                emit(&mut w, &scratch, at, job)?;
            }
        }
        Some(lookback) => {
            let mut ledgers: Vec<Ledger> = snap.venues.iter().map(|_| Ledger::new(bins)).collect();
            for &(at, job) in &jobs {
                let from = at - Duration::seconds(lookback);
                for (vi, v) in snap.venues.iter().enumerate() {
                    let n = closed_by(&v.candles, interval, at);
                    let a = v.candles.partition_point(|c| c.open_time < from).min(n);
                    let (oa, on) = (
                        v.open_interest.partition_point(|p| p.time < from),
                        v.open_interest.partition_point(|p| p.time <= at),
                    );
                    let part = &v.candles[a..n];
                    let oi = oi_align::align(&v.open_interest[oa..on.max(oa)], &closes(part, interval));
                    let mut ledger =
                        std::mem::replace(&mut ledgers[vi], Ledger::new(Bins::new(1.0, 1.0, params.bin_step)));
                    ledger.clear();
                    ledgers[vi] = run_part(v, part, oi, interval, params, ledger)?;
                    w.ranges[vi] = (a, n);
                }
                emit(&mut w, &ledgers, at, job)?;
            }
        }
    }
    Ok(steps)
}

/// Runs every candle of `part` from an empty `ledger`; returns the ledger.
fn run_part(
    v: &VenueSeries,
    part: &[Candle],
    oi: Vec<Option<f64>>,
    interval: i64,
    params: &EstimateParams,
    ledger: Ledger,
) -> Result<Ledger, Error> {
    let mut run = VenueRun::over(v, part, oi, interval, params, ledger)?;
    for _ in 0..part.len() {
        run.step(params);
    }
    Ok(run.into_ledger())
}

fn closes(candles: &[Candle], interval: i64) -> Vec<DateTime<Utc>> {
    candles.iter().map(|c| c.open_time + Duration::seconds(interval)).collect()
}

/// How many of `candles` closed by `t`.
fn closed_by(candles: &[Candle], interval: i64, t: DateTime<Utc>) -> usize {
    let step = Duration::seconds(interval);
    candles.partition_point(|c| c.open_time + step <= t)
}

/// What one step's zones are made from, with buffers reused across steps.
struct Walker<'a> {
    snap: &'a MarketSnapshot,
    params: &'a EstimateParams,
    zp: &'a ZoneParams,
    interval: i64,
    profile: Profile,
    /// Per venue: the candles of the cut (`start..end` indices).
    ranges: Vec<(usize, usize)>,
    /// Whether steps carry their bands ([`Step::bands`]): only with realized liquidations.
    want_bands: bool,
}

impl Walker<'_> {
    /// Sums the venues' ledgers (in venue order, as the estimate does) into `profile`.
    fn sum(&mut self, ledgers: &[Ledger]) {
        let p = &mut self.profile;
        p.long.fill(0.0);
        p.short.fill(0.0);
        for l in ledgers {
            l.add_longs_into(&mut p.long);
            l.add_shorts_into(&mut p.short);
        }
    }

    /// The cut's price and zones, from the venues' ledgers at the step (in venue order, as the
    /// estimate sums them) and the candles in `ranges`.
    fn zones(&mut self, ledgers: &[Ledger]) -> Result<(f64, Zones, Vec<crate::engine::levels::Band>), Error> {
        self.sum(ledgers);
        let cut = |vi: usize| {
            let (a, n) = self.ranges[vi];
            &self.snap.venues[vi].candles[a..n]
        };
        let n = self.snap.venues.len();
        // MarketSnapshot::last_price: the first venue with candles.
        let price = (0..n).find_map(|vi| cut(vi).last()).map_or(f64::NAN, |c| c.close);
        // estimate::window_price_range of the cut (and the grid's range, as `estimate` pads it).
        let step = Duration::seconds(self.interval);
        let end = (0..n).filter_map(|vi| cut(vi).last()).map(|c| c.open_time + step).max();
        let first = (0..n).filter_map(|vi| cut(vi).first()).map(|c| c.open_time).min();
        let (lo_w, hi_w) = match (end, first) {
            (Some(end), Some(first)) => {
                let start = (end - Duration::seconds(self.params.window_secs)).max(first);
                let fold = |from: Option<DateTime<Utc>>| {
                    (0..n).fold((f64::INFINITY, 0.0f64), |acc, vi| {
                        let c = cut(vi);
                        let c = from.map_or(c, |s| &c[c.partition_point(|x| x.open_time < s)..]);
                        c.iter().fold(acc, |(lo, hi), c| (lo.min(c.low), hi.max(c.high)))
                    })
                };
                let (lo, hi) = fold(Some(start));
                if lo.is_finite() {
                    (lo, hi)
                } else {
                    fold(None)
                }
            }
            _ => (f64::INFINITY, 0.0),
        };
        if !lo_w.is_finite() {
            return Err(Error::Invalid("a step of the backtest has no candles to estimate from".into()));
        }
        let window = (lo_w > 0.0 && hi_w > lo_w).then(|| estimate::pad_range(lo_w, hi_w));
        let base = self.params.price_range.or(window);
        let grid = self.params.price_range.unwrap_or_else(|| estimate::pad_range(lo_w, hi_w));
        let reach = crate::engine::zones::reach_of_cuts((0..n).map(cut), self.interval, self.zp);
        let (zones, _) = choose_zones(
            &self.profile,
            price,
            self.zp,
            self.params.zone_rule,
            reach,
            base,
            self.params.price_range,
            grid,
        );
        // Only a snapshot with realized liquidations needs the bands (`realized`).
        let bands = if self.want_bands { crate::engine::levels::levels(&self.profile, price).bands } else { vec![] };
        Ok((price, zones, bands))
    }
}

/// The path touches are scored on (see [`PricePath`]): the candles of the first venue with
/// candles (the venue [`MarketSnapshot::last_price`] reads). Empty without candles.
pub fn price_path(snap: &MarketSnapshot) -> PricePath {
    let candles = snap.venues.iter().map(|v| &v.candles).find(|c| !c.is_empty()).map_or(&[][..], |c| &c[..]);
    PricePath {
        interval_secs: snap.interval_secs(),
        open_time: candles.iter().map(|c| c.open_time).collect(),
        high: candles.iter().map(|c| c.high).collect(),
        low: candles.iter().map(|c| c.low).collect(),
        close: candles.iter().map(|c| c.close).collect(),
    }
}
