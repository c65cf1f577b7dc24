//! Builders for the scoring tests: paths, zones, steps and a snapshot shell, made directly
//! (the walk is not needed to score).

use chrono::{DateTime, TimeZone, Utc};
use liqshot::engine::backtest::{volmodel, BacktestParams, PricePath, Step};
use liqshot::engine::zones::{Where, Zone, ZoneRule, Zones};
use liqshot::model::snapshot::{MarketSnapshot, FORMAT};
use rand::rngs::StdRng;
use rand::Rng;

/// 2025-01-01 00:00 UTC.
pub const T0: i64 = 1_735_689_600;

pub fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(T0 + secs, 0).unwrap()
}

pub fn snap() -> MarketSnapshot {
    MarketSnapshot {
        format: FORMAT.into(),
        symbol: "TESTUSDT".into(),
        captured_at: t(0),
        interval: "1h".into(),
        venues: Vec::new(),
        notes: Vec::new(),
        realized_periods: None,
        sources: None,
    }
}

pub fn empty_path(interval_secs: i64) -> PricePath {
    PricePath { interval_secs, open_time: Vec::new(), high: Vec::new(), low: Vec::new(), close: Vec::new() }
}

pub fn push(p: &mut PricePath, high: f64, low: f64, close: f64) {
    let at = t(p.open_time.len() as i64 * p.interval_secs);
    p.open_time.push(at);
    p.high.push(high);
    p.low.push(low);
    p.close.push(close);
}

pub fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A driftless geometric random walk from 100: `n` candles of `interval_secs`, each made of
/// `sub` steps with log-sd `sigma_sub` (high and low are the extremes of the sub-steps).
pub fn random_walk(rng: &mut StdRng, n: usize, interval_secs: i64, sub: usize, sigma_sub: f64) -> PricePath {
    let mut p = empty_path(interval_secs);
    let mut x: f64 = 100.0f64.ln();
    for _ in 0..n {
        let (mut hi, mut lo) = (x, x);
        for _ in 0..sub {
            x += sigma_sub * normal(rng);
            hi = hi.max(x);
            lo = lo.min(x);
        }
        push(&mut p, hi.exp(), lo.exp(), x.exp());
    }
    p
}

/// A zone whose near edge is `edge` (1 % wide outwards).
pub fn zone(name: &str, side: Where, edge: f64, usd: f64, price: f64) -> Zone {
    let (low, high) = match side {
        Where::Above => (edge, edge * 1.01),
        Where::Below => (edge * 0.99, edge),
    };
    Zone {
        name: name.parse().unwrap(),
        side,
        liquidates: if side == Where::Above { "shorts" } else { "longs" }.into(),
        low,
        high,
        peak: (low + high) / 2.0,
        usd,
        distance_pct: ((low + high) / 2.0 / price - 1.0) * 100.0,
        edge_distance_pct: (edge / price - 1.0) * 100.0,
        share_of_side: 0.5,
    }
}

pub fn zones(price: f64, list: Vec<Zone>) -> Zones {
    let above_usd = list.iter().filter(|z| z.side == Where::Above).map(|z| z.usd).sum();
    let below_usd = list.iter().filter(|z| z.side == Where::Below).map(|z| z.usd).sum();
    Zones {
        price,
        rule: ZoneRule::V2,
        reach_pct: None,
        above_usd,
        below_usd,
        zones: list,
        other: Vec::new(),
        far: Vec::new(),
    }
}

/// The step times the shared rules give: multiples of `step_secs` from `warmup` on, the last
/// whose horizon ends by the path's end.
pub fn step_times(path: &PricePath, bt: &BacktestParams) -> Vec<i64> {
    let start = path.open_time[0].timestamp() + bt.warmup_secs;
    let end = path.open_time.last().unwrap().timestamp() + path.interval_secs;
    let first = (start + bt.step_secs - 1).div_euclid(bt.step_secs) * bt.step_secs;
    (0..).map(|k| first + k * bt.step_secs).take_while(|a| a + bt.horizon_secs <= end).collect()
}

/// The price at `at`: the close of the last candle closed by then.
pub fn price_at(path: &PricePath, at: i64) -> f64 {
    let k = path.open_time.partition_point(|o| o.timestamp() + path.interval_secs <= at);
    path.close[k - 1]
}

/// Steps at `step_times`, each with the zones `make(at, price)` gives and the trailing vol.
pub fn steps(path: &PricePath, bt: &BacktestParams, mut make: impl FnMut(i64, f64) -> Vec<Zone>) -> Vec<Step> {
    step_times(path, bt)
        .into_iter()
        .map(|a| {
            let at = Utc.timestamp_opt(a, 0).unwrap();
            let price = price_at(path, a);
            Step {
                at,
                price,
                zones: zones(price, make(a, price)),
                vol: volmodel::trailing_vol(path, at, bt.vol_window_secs),
                bands: vec![],
            }
        })
        .collect()
}

/// Four zones at random distances (A, C above; B, C below) up to 2.5 sd of the horizon's move
/// at `sd_h` (log).
pub fn random_zones(rng: &mut StdRng, price: f64, sd_h: f64) -> Vec<Zone> {
    let (da, db): (f64, f64) = (sd_h * rng.random_range(0.02..2.5), sd_h * rng.random_range(0.02..2.5));
    let (dca, dcb): (f64, f64) = (da + sd_h * rng.random_range(0.1..1.5), db + sd_h * rng.random_range(0.1..1.5));
    vec![
        zone("A", Where::Above, price * da.exp(), rng.random_range(1.0..9.0), price),
        zone("B", Where::Below, price * (-db).exp(), rng.random_range(1.0..9.0), price),
        zone("C above", Where::Above, price * dca.exp(), 1.0, price),
        zone("C below", Where::Below, price * (-dcb).exp(), 1.0, price),
    ]
}

/// Hourly candles of a minute-resolution driftless walk (0.5 % an hour), 4 h steps, and four
/// zones per step at random distances ([`random_zones`]), `resamples` for the bootstrap.
pub fn walk_case(days: usize, seed: u64, resamples: usize) -> (PricePath, Vec<Step>, BacktestParams) {
    use rand::SeedableRng;
    let mut rng = StdRng::seed_from_u64(seed);
    let path = random_walk(&mut rng, days * 24, 3600, 60, 0.005 / 60f64.sqrt());
    let bt = BacktestParams { resamples, ..BacktestParams::default() };
    // sd over the 24 h horizon: 0.005 * sqrt(24) = 2.45 %; distances up to 2.5 of it.
    let steps = steps(&path, &bt, |_, price| random_zones(&mut rng, price, 0.005 * 24f64.sqrt()));
    (path, steps, bt)
}

/// `path` with every candle opening at or after `cut` taken from `alt`, scaled to continue
/// from the last close before it (the candles a forecast at `cut` must not read).
pub fn replace_after(path: &PricePath, cut: DateTime<Utc>, alt: &PricePath) -> PricePath {
    let mut other = path.clone();
    let from = other.open_time.partition_point(|o| *o < cut);
    let scale = other.close[from - 1] / alt.close[from - 1];
    for k in from..other.open_time.len() {
        other.high[k] = alt.high[k] * scale;
        other.low[k] = alt.low[k] * scale;
        other.close[k] = alt.close[k] * scale;
    }
    other
}
