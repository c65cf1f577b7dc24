//! The fuel test: does the map's estimated USD inside the range a period traded through explain
//! the liquidations that really happened in it, beyond the size of the move and the open
//! interest? Pure.
//!
//! For every period with realized totals ([`periods`]: the snapshot's period totals, or else
//! its events summed into 1 h periods):
//! - the map at the period's start, from data up to then only (the walk's one pass, see
//!   [`super::walk::walk_with`]); the period's open is the close of the candle that ended at
//!   its start, its high and low those of the candles inside it (which must cover it whole);
//! - the map's long USD between the open and the low, and its short USD between the open and
//!   the high, ledger bins cut pro rata ([`FuelMap`]): what the map says the path liquidated;
//! - the placebo: the maps of other periods at least [`PLACEBO_GAP_SECS`] away (of a fixed set
//!   of at most [`PLACEBO_MAPS`] evenly spaced over all periods), each laid at the same relative
//!   distances from its own open and scaled by this period's open interest over its own, averaged.
//!
//! Per side, least squares of `ln(1 + realized USD)` on the controls — the move `m` (the log
//! return from the open to the low for longs, to the high for shorts; 0 when price never went
//! that way), `m²` and `ln(open interest)` — then with `ln(1 + map USD)` added, and with
//! `ln(1 + placebo USD)` added instead. The gain is the rise of R² over the controls alone.
//! The scale is realized USD / map USD summed over the periods. 90 % intervals: the existing
//! day-block bootstrap ([`super::bootstrap`], whole UTC days resampled): the regressions' sums
//! of squares and products add up over days, so a resample costs one pass over the days.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::bootstrap::{intervals, per_day, DaySum, Ratio};
use super::types::{BacktestParams, PricePath};
use crate::engine::estimate::Profile;
use crate::model::snapshot::{MarketSnapshot, PeriodTotal, Side};

/// A placebo map comes from a period at least this far from the scored one (48 h).
pub(crate) const PLACEBO_GAP_SECS: i64 = 48 * 3600;
/// The placebo maps come from a fixed set of at most this many periods, evenly spaced over all
/// scored periods (every `ceil(n / 240)`-th), so the test stays linear in the number of periods.
pub(crate) const PLACEBO_MAPS: usize = 240;
/// Events (not period totals) are summed into periods this long (1 h, UTC hours).
pub(crate) const EVENT_PERIOD_SECS: i64 = 3600;
/// Below this many periods, or [`MIN_DAYS`] days, a side is not judged.
pub(crate) const MIN_PERIODS: usize = 30;
pub(crate) const MIN_DAYS: usize = 3;

/// The realized totals the test scores: one row per period.
#[derive(Debug, Clone, PartialEq)]
pub struct Periods {
    pub period_secs: i64,
    /// Where they came from, one phrase.
    pub source: String,
    pub rows: Vec<PeriodTotal>,
}

/// The snapshot's period totals ([`MarketSnapshot::realized_periods`]); without them, its
/// realized events summed into UTC hours from the hour of the first to that of the last
/// (hours without an event count as zero); `None` with neither.
pub fn periods(snap: &MarketSnapshot) -> Option<Periods> {
    if let Some(r) = snap.realized_periods.as_ref().filter(|r| !r.rows.is_empty()) {
        let source =
            if r.source.is_empty() { "period totals".to_string() } else { format!("period totals ({})", r.source) };
        return Some(Periods { period_secs: r.period_secs(), source, rows: r.rows.clone() });
    }
    let events = crate::engine::realized::all(snap);
    let (first, last) = (events.first()?.1.time, events.last()?.1.time);
    let p = EVENT_PERIOD_SECS;
    let slot = |t: DateTime<Utc>| t.timestamp().div_euclid(p);
    let (a, b) = (slot(first), slot(last));
    let mut rows: Vec<PeriodTotal> = (a..=b)
        .filter_map(|k| DateTime::from_timestamp(k * p, 0))
        .map(|start| PeriodTotal { start, long_usd: 0.0, short_usd: 0.0 })
        .collect();
    for (_, e) in &events {
        let r = &mut rows[(slot(e.time) - a) as usize];
        match e.side {
            Side::Long => r.long_usd += e.usd,
            Side::Short => r.short_usd += e.usd,
        }
    }
    let mut venues: Vec<&str> = events.iter().map(|e| e.0).collect();
    venues.dedup();
    venues.sort_unstable();
    venues.dedup();
    Some(Periods {
        period_secs: p,
        source: format!("{} events of {} summed into 1 h periods", events.len(), venues.join("+")),
        rows,
    })
}

/// One scored period: its start, prices, open interest and realized totals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Item {
    pub start: DateTime<Utc>,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    /// Open interest at the start (the venues' latest samples at or before it, summed), USD.
    pub oi: f64,
    pub long_usd: f64,
    pub short_usd: f64,
}

impl Item {
    /// The move toward the side's liquidations, a log return (≥ 0).
    pub fn moved(&self, side: Side) -> f64 {
        match side {
            Side::Long => (self.open / self.low).ln().max(0.0),
            Side::Short => (self.high / self.open).ln().max(0.0),
        }
    }

    pub fn realized(&self, side: Side) -> f64 {
        match side {
            Side::Long => self.long_usd,
            Side::Short => self.short_usd,
        }
    }
}

/// The periods the test can score, and why the others cannot be.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub periods: Periods,
    pub items: Vec<Item>,
    /// One sentence per reason periods were left out (with counts).
    pub notes: Vec<String>,
}

impl Plan {
    /// The times the walk must produce a map at: each item's start.
    pub fn times(&self) -> Vec<DateTime<Utc>> {
        self.items.iter().map(|i| i.start).collect()
    }

    /// How many ledger bins from the open the maps must reach: the largest move of any item.
    pub fn reach_bins(&self, bin_step: f64) -> usize {
        let m = self.items.iter().map(|i| i.moved(Side::Long).max(i.moved(Side::Short))).fold(0.0, f64::max);
        (m / (1.0 + bin_step).ln()).ceil() as usize + 2
    }
}

/// The items of `snap`'s realized periods: a period counts when it starts at or after the data
/// start + the warm-up, the path's candles cover it whole (the period a whole number of
/// candles), the candle before it closed at its start (its close is the open), and there is
/// open interest at its start. `None` without realized data.
pub fn plan(snap: &MarketSnapshot, path: &PricePath, bt: &BacktestParams) -> Option<Plan> {
    let periods = periods(snap)?;
    let (p, iv) = (periods.period_secs, path.interval_secs);
    let mut notes = Vec::new();
    let mut items = Vec::new();
    if iv <= 0 || p % iv != 0 {
        notes.push(format!(
            "The realized periods ({}) are not a whole number of the snapshot's {} candles: none can be scored.",
            crate::model::snapshot::format_interval(p),
            crate::model::snapshot::format_interval(iv.max(1))
        ));
        return Some(Plan { periods, items, notes });
    }
    let per = (p / iv) as usize;
    let first = path.open_time.first().copied();
    let (mut early, mut uncovered, mut no_oi) = (0usize, 0usize, 0usize);
    for r in &periods.rows {
        if first.is_none_or(|f| r.start < f + Duration::seconds(bt.warmup_secs.max(iv))) {
            early += 1;
            continue;
        }
        let a = path.open_time.partition_point(|t| *t < r.start);
        let covered = a >= 1
            && a + per <= path.open_time.len()
            && path.open_time[a - 1] + Duration::seconds(iv) == r.start
            && path.open_time[a + per - 1] == r.start + Duration::seconds(p - iv);
        if !covered {
            uncovered += 1;
            continue;
        }
        let high = path.high[a..a + per].iter().copied().fold(0.0, f64::max);
        let low = path.low[a..a + per].iter().copied().fold(f64::INFINITY, f64::min);
        let oi: f64 = snap
            .venues
            .iter()
            .filter_map(|v| v.open_interest[..v.open_interest.partition_point(|o| o.time <= r.start)].last())
            .map(|o| o.oi_usd)
            .sum();
        if oi <= 0.0 || !oi.is_finite() {
            no_oi += 1;
            continue;
        }
        items.push(Item {
            start: r.start,
            open: path.close[a - 1],
            high,
            low,
            oi,
            long_usd: r.long_usd,
            short_usd: r.short_usd,
        });
    }
    for (n, why) in [
        (early, "start before the warm-up ends"),
        (uncovered, "are not covered whole by the candles"),
        (no_oi, "have no open interest at their start"),
    ] {
        if n > 0 {
            notes.push(format!("{n} of {} realized periods {why}: not scored.", periods.rows.len()));
        }
    }
    Some(Plan { periods, items, notes })
}

/// One period's map as the test reads it: the long USD below the open and the short USD above
/// it, as a function of the distance from the open in ledger bins (pro rata inside a bin).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FuelMap {
    long: Outward,
    short: Outward,
}

/// One side's bins going outward from the open: `first` is the part of the open's own bin on
/// this side (in bins), `density[k]` the USD of the k-th bin out, `edge[k]` the USD between the
/// open and the inner edge of bin k.
#[derive(Debug, Clone, PartialEq, Default)]
struct Outward {
    first: f64,
    density: Vec<f64>,
    edge: Vec<f64>,
}

impl Outward {
    fn new(first: f64, density: Vec<f64>) -> Outward {
        let mut edge = Vec::with_capacity(density.len());
        let mut acc = 0.0;
        for (k, d) in density.iter().enumerate() {
            edge.push(acc);
            acc += if k == 0 { first * d } else { *d };
        }
        Outward { first, density, edge }
    }

    /// USD within `x` bins of the open (beyond the bins held: all of them).
    fn within(&self, x: f64) -> f64 {
        let n = self.density.len();
        if n == 0 || x <= 0.0 {
            return 0.0;
        }
        if x < self.first {
            return x * self.density[0];
        }
        let k = 1 + ((x - self.first).floor() as usize);
        if k >= n {
            return self.edge[n - 1] + if n == 1 { self.first } else { 1.0 } * self.density[n - 1];
        }
        self.edge[k] + (x - self.first - (k - 1) as f64) * self.density[k]
    }
}

impl FuelMap {
    /// The map of `profile` around `open`, `reach` bins out on each side.
    pub fn new(profile: &Profile, open: f64, reach: usize) -> FuelMap {
        let bins = &profile.bins;
        let ln_r = (1.0 + bins.step).ln();
        let u = open.ln() / ln_r - bins.k as f64;
        if !u.is_finite() {
            return FuelMap::default();
        }
        let i0 = u.floor() as i64;
        let f = u - i0 as f64;
        let at = |v: &[f64], i: i64| if i >= 0 && (i as usize) < v.len() { v[i as usize] } else { 0.0 };
        let long: Vec<f64> = (0..=reach as i64).map(|k| at(&profile.long, i0 - k)).collect();
        let short: Vec<f64> = (0..=reach as i64).map(|k| at(&profile.short, i0 + k)).collect();
        FuelMap { long: Outward::new(f, long), short: Outward::new(1.0 - f, short) }
    }

    /// The map's USD of `side` within the log distance `d` of the open (longs below, shorts above).
    pub fn within(&self, side: Side, d: f64, bin_step: f64) -> f64 {
        let x = d / (1.0 + bin_step).ln();
        match side {
            Side::Long => self.long.within(x),
            Side::Short => self.short.within(x),
        }
    }
}

/// The regressions' data of one period and side: `[m, m², ln OI, ln(1+map), ln(1+placebo),
/// ln(1+realized)]`, and the USD the scale sums.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub at: DateTime<Utc>,
    pub z: [f64; 6],
    pub realized_usd: f64,
    pub map_usd: f64,
    pub placebo_usd: f64,
}

const K: usize = 6;
const Y: usize = 5;
const CONTROLS: [usize; 3] = [0, 1, 2];

/// Sums of the rows of some days: enough for every regression and the scale.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Moments {
    n: f64,
    sum: [f64; K],
    cross: [[f64; K]; K],
    scale: Ratio,
}

impl DaySum for Moments {
    fn add(&mut self, o: &Self) {
        self.n += o.n;
        for a in 0..K {
            self.sum[a] += o.sum[a];
            for b in 0..K {
                self.cross[a][b] += o.cross[a][b];
            }
        }
        self.scale.add(&o.scale);
    }
}

impl Moments {
    pub fn of(r: &Row) -> Moments {
        let mut m = Moments { n: 1.0, sum: r.z, ..Default::default() };
        for a in 0..K {
            for b in 0..K {
                m.cross[a][b] = r.z[a] * r.z[b];
            }
        }
        m.scale = Ratio { observed: r.realized_usd, expected: r.map_usd };
        m
    }

    /// R² of `y` on a constant and the columns `cols` (a column collinear with the ones before
    /// it adds nothing); `None` with too few rows or a constant `y`.
    pub fn r2(&self, cols: &[usize]) -> Option<f64> {
        let n = self.n;
        if n < (cols.len() + 2) as f64 {
            return None;
        }
        let cov = |a: usize, b: usize| self.cross[a][b] - self.sum[a] * self.sum[b] / n;
        let syy = cov(Y, Y);
        if syy.is_nan() || syy <= 1e-12 * (1.0 + self.cross[Y][Y]) {
            return None;
        }
        let idx: Vec<usize> = cols.iter().copied().chain([Y]).collect();
        let k = idx.len();
        let mut a: Vec<Vec<f64>> = idx.iter().map(|&i| idx.iter().map(|&j| cov(i, j)).collect()).collect();
        let diag: Vec<f64> = (0..k).map(|i| a[i][i]).collect();
        for p in 0..k - 1 {
            let d = a[p][p];
            if d.is_nan() || d <= 1e-10 * diag[p].abs().max(1e-300) {
                continue;
            }
            let pivot = a[p].clone();
            for (i, row) in a.iter_mut().enumerate() {
                let f = row[p] / d;
                if i == p || f == 0.0 {
                    continue;
                }
                for (j, x) in row.iter_mut().enumerate() {
                    if j != p {
                        *x -= f * pivot[j];
                    }
                }
            }
            for row in a.iter_mut() {
                row[p] = 0.0;
            }
            a[p].fill(0.0);
        }
        Some((1.0 - a[k - 1][k - 1] / syy).clamp(0.0, 1.0))
    }

    /// R² gain of column `c` over the controls.
    pub fn gain(&self, c: usize) -> Option<f64> {
        let base = self.r2(&CONTROLS)?;
        let with = self.r2(&[CONTROLS[0], CONTROLS[1], CONTROLS[2], c])?;
        Some(with - base)
    }
}

/// The column of the map and of the placebo in [`Row::z`].
pub(crate) const MAP: usize = 3;
pub(crate) const PLACEBO: usize = 4;

/// One side's figures (`fuel.long`, `fuel.short` of `liqshot-backtest/1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FuelSide {
    /// Periods scored, and the distinct UTC days they fell on (the bootstrap's blocks).
    pub n: usize,
    pub days: usize,
    /// R² of the controls alone (the move, its square, ln open interest).
    pub r2_controls: Option<f64>,
    /// R² gain of the map's crossed USD over the controls, with its 90 % interval.
    pub gain: Option<f64>,
    pub gain_ci90: Option<[f64; 2]>,
    /// The same for the placebo (other periods' maps at the same relative distances).
    pub placebo_gain: Option<f64>,
    pub placebo_gain_ci90: Option<[f64; 2]>,
    /// Realized USD / map USD over the periods, with its 90 % interval.
    pub scale: Option<f64>,
    pub scale_ci90: Option<[f64; 2]>,
    pub realized_usd: f64,
    pub map_usd: f64,
    /// One sentence: the figures and what they amount to.
    pub verdict: String,
}

/// The `fuel` section of `backtest`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fuel {
    pub period_secs: i64,
    /// Where the realized totals came from.
    pub source: String,
    /// Periods with realized totals in the snapshot, and those scored.
    pub periods_in_snapshot: usize,
    pub periods: usize,
    pub placebo_gap_secs: i64,
    pub placebo_maps: usize,
    pub long: FuelSide,
    pub short: FuelSide,
    /// Why periods were left out, one sentence each.
    pub notes: Vec<String>,
}

/// The rows of `side`: each item with its map's and the placebo's USD.
pub fn rows(items: &[Item], maps: &[FuelMap], side: Side, bin_step: f64) -> Vec<Row> {
    let n = items.len();
    let starts: Vec<i64> = items.iter().map(|i| i.start.timestamp()).collect();
    // The placebo maps: a fixed set evenly spaced over all periods (small enough to stay in
    // cache, so the test is linear in the periods); each period uses those far enough away.
    let pool: Vec<usize> = (0..n).step_by(n.div_ceil(PLACEBO_MAPS).max(1)).collect();
    let mut out = Vec::with_capacity(n);
    for (i, it) in items.iter().enumerate() {
        let d = it.moved(side);
        let map_usd = maps[i].within(side, d, bin_step);
        let (mut sum, mut used) = (0.0, 0usize);
        for &j in &pool {
            if (starts[j] - starts[i]).abs() >= PLACEBO_GAP_SECS {
                sum += maps[j].within(side, d, bin_step) * it.oi / items[j].oi;
                used += 1;
            }
        }
        let placebo_usd = if used > 0 { sum / used as f64 } else { 0.0 };
        let real = it.realized(side);
        out.push(Row {
            at: it.start,
            z: [d, d * d, it.oi.ln(), map_usd.ln_1p(), placebo_usd.ln_1p(), real.ln_1p()],
            realized_usd: real,
            map_usd,
            placebo_usd,
        });
    }
    out
}

/// One side's figures from its rows.
pub(crate) fn side_figures(rows: &[Row], side: Side, bt: &BacktestParams) -> FuelSide {
    let days = per_day(rows.iter().map(|r| (r.at, Moments::of(r))));
    let all = days.iter().fold(Moments::default(), |mut a, d| {
        a.add(d);
        a
    });
    let gain = |c: usize| move |m: &Moments| m.gain(c);
    let [gain_ci90, placebo_gain_ci90, scale_ci90] =
        intervals(&days, bt.resamples, bt.seed, [&gain(MAP), &gain(PLACEBO), &|m: &Moments| m.scale.value()]);
    let mut s = FuelSide {
        n: rows.len(),
        days: days.len(),
        r2_controls: all.r2(&CONTROLS),
        gain: all.gain(MAP),
        gain_ci90,
        placebo_gain: all.gain(PLACEBO),
        placebo_gain_ci90,
        scale: all.scale.value(),
        scale_ci90,
        realized_usd: rows.iter().map(|r| r.realized_usd).sum(),
        map_usd: rows.iter().map(|r| r.map_usd).sum(),
        verdict: String::new(),
    };
    s.verdict = verdict(&s, side);
    s
}

/// The words for a gain against the placebo's: evidence only when the gain's 90 % interval
/// lies above the placebo's.
pub fn judge(gain: Option<[f64; 2]>, placebo: Option<[f64; 2]>) -> &'static str {
    match (gain, placebo) {
        (Some([lo, _]), Some([_, phi])) if lo > phi => {
            "evidence that the map measures fuel (its gain interval lies above the placebo's)"
        }
        (Some([_, hi]), Some([plo, _])) if hi < plo => "worse than another period's map",
        _ => "no measurable edge over another period's map",
    }
}

/// Whether `s` rests on too few periods or days to be judged.
pub(crate) fn too_little(s: &FuelSide) -> bool {
    s.n < MIN_PERIODS || s.days < MIN_DAYS
}

fn num(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.3}"))
}

fn ci(v: Option<[f64; 2]>) -> String {
    v.map_or("no interval".into(), |[a, b]| format!("{a:.3}-{b:.3}"))
}

/// The plural noun of a side's positions.
pub(crate) fn noun(side: Side) -> &'static str {
    match side {
        Side::Long => "longs",
        Side::Short => "shorts",
    }
}

/// One sentence per side ([`FuelSide::verdict`]).
pub fn verdict(s: &FuelSide, side: Side) -> String {
    let scope = format!("n = {} periods on {} days", s.n, s.days);
    let what = if too_little(s) {
        format!("too little history to judge (at least {MIN_PERIODS} periods on {MIN_DAYS} days are needed)")
    } else if s.gain.is_none() {
        "undefined (the realized totals or the move do not vary)".to_string()
    } else {
        judge(s.gain_ci90, s.placebo_gain_ci90).to_string()
    };
    let scale = match s.scale {
        Some(x) => format!(
            "; scale {x:.2} ({}): realized USD per USD the map showed crossed",
            s.scale_ci90.map_or("no interval".into(), |[a, b]| format!("{a:.2}-{b:.2}"))
        ),
        None => String::new(),
    };
    format!(
        "Fuel, {}: R² gain over the move and open interest {} ({}), another period's map {} ({}), {scope}: {what}{scale}.",
        noun(side),
        num(s.gain),
        ci(s.gain_ci90),
        num(s.placebo_gain),
        ci(s.placebo_gain_ci90),
    )
}

/// The test on `plan`'s items with their maps (`maps[i]` at `items[i].start`).
pub fn fuel(plan: &Plan, maps: &[FuelMap], bin_step: f64, bt: &BacktestParams) -> Fuel {
    let side = |s: Side| side_figures(&rows(&plan.items, maps, s, bin_step), s, bt);
    Fuel {
        period_secs: plan.periods.period_secs,
        source: plan.periods.source.clone(),
        periods_in_snapshot: plan.periods.rows.len(),
        periods: plan.items.len(),
        placebo_gap_secs: PLACEBO_GAP_SECS,
        placebo_maps: PLACEBO_MAPS,
        long: side(Side::Long),
        short: side(Side::Short),
        notes: plan.notes.clone(),
    }
}

/// The table's lines for the section (after a blank line).
pub(crate) fn table_lines(f: Option<&Fuel>) -> Vec<String> {
    let mut out = vec![String::new()];
    let Some(f) = f else {
        out.push("Fuel: no realized liquidations in the snapshot (import --liquidations), not measured.".into());
        return out;
    };
    let (wrap, w) = (super::text::wrap, super::text::WIDTH);
    let head = format!(
        "Fuel: the map's USD inside each {} period's traded range against realized liquidations ({}):",
        crate::model::snapshot::format_interval(f.period_secs),
        f.source
    );
    out.extend(wrap(&head, "", 2, w));
    let scored = format!(
        "{} of {} periods scored; placebo: up to {} maps of periods at least {} away, at the same relative distances, scaled by open interest",
        f.periods,
        f.periods_in_snapshot,
        f.placebo_maps,
        super::types::duration(f.placebo_gap_secs)
    );
    out.extend(wrap(&scored, "  ", 4, w));
    for s in [&f.long, &f.short] {
        out.extend(super::text::wrap(&s.verdict, "  ", 4, super::text::WIDTH));
    }
    for n in &f.notes {
        out.extend(super::text::wrap(n, "  Note: ", 4, super::text::WIDTH));
    }
    out
}

#[cfg(test)]
mod tests;
