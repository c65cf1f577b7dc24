//! Scoring benchmark: `liqshot::engine::backtest::summary::summarise` (score, placebo, model,
//! bootstrap, calibration) on synthetic steps and path: a driftless walk of 1 h candles,
//! 4 h steps with zones A, B, C above and C below at random distances, 24 h horizon, 2,000
//! resamples. At 1x (1,640 steps, about nine months) and 1/10 (164 steps), to show how the
//! placebo (every zone against every other step's path: O(steps^2)) grows. Prints the median
//! wall time of `summarise` and of the placebo alone.
//!
//! Run: `cargo bench --bench backtest_score` (`-- --runs 5` to change the repetitions).

use chrono::{TimeZone, Utc};
use liqshot::engine::backtest::{placebo, score, summary, volmodel, BacktestParams, PricePath, Step};
use liqshot::engine::zones::{Where, Zone, Zones};
use liqshot::model::snapshot::{MarketSnapshot, FORMAT};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod common;
use common::{arg, median_ms};

const T0: i64 = 1_735_689_600; // 2025-01-01 00:00 UTC

fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn zone(name: &str, side: Where, edge: f64, usd: f64, price: f64) -> Zone {
    let (low, high) = if side == Where::Above { (edge, edge * 1.01) } else { (edge * 0.99, edge) };
    Zone {
        name: name.parse().unwrap(),
        side,
        liquidates: String::new(),
        low,
        high,
        peak: (low + high) / 2.0,
        usd,
        distance_pct: 0.0,
        edge_distance_pct: (edge / price - 1.0) * 100.0,
        share_of_side: 0.5,
    }
}

fn case(n_steps: usize, bt: &BacktestParams) -> (PricePath, Vec<Step>) {
    let mut rng = StdRng::seed_from_u64(1);
    let n = (n_steps as i64 * bt.step_secs + bt.warmup_secs + bt.horizon_secs) / 3600;
    let mut p = PricePath { interval_secs: 3600, open_time: vec![], high: vec![], low: vec![], close: vec![] };
    let mut x = 100.0f64.ln();
    for k in 0..n {
        let (mut hi, mut lo) = (x, x);
        for _ in 0..12 {
            x += 0.005 / 12f64.sqrt() * normal(&mut rng);
            (hi, lo) = (hi.max(x), lo.min(x));
        }
        p.open_time.push(Utc.timestamp_opt(T0 + k * 3600, 0).unwrap());
        p.high.push(hi.exp());
        p.low.push(lo.exp());
        p.close.push(x.exp());
    }
    let steps = (0..n_steps)
        .map(|i| {
            let a = T0 + bt.warmup_secs + i as i64 * bt.step_secs;
            let price = p.close[(a - T0) as usize / 3600 - 1];
            let d: Vec<f64> = (0..4).map(|_| rng.random_range(0.002..0.06)).collect();
            let list = vec![
                zone("A", Where::Above, price * d[0].exp(), rng.random_range(1.0..9.0), price),
                zone("B", Where::Below, price * (-d[1]).exp(), rng.random_range(1.0..9.0), price),
                zone("C", Where::Above, price * (d[0] + d[2]).exp(), 1.0, price),
                zone("C", Where::Below, price * (-d[1] - d[3]).exp(), 1.0, price),
            ];
            let at = Utc.timestamp_opt(a, 0).unwrap();
            let vol = volmodel::trailing_vol(&p, at, bt.vol_window_secs);
            Step {
                at,
                price,
                zones: Zones {
                    price,
                    rule: liqshot::engine::zones::ZoneRule::V2,
                    reach_pct: None,
                    above_usd: 0.0,
                    below_usd: 0.0,
                    zones: list,
                    other: vec![],
                    far: vec![],
                },
                vol,
                bands: vec![],
            }
        })
        .collect();
    (p, steps)
}

fn main() {
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(3);
    let bt = BacktestParams::default();
    let snap = MarketSnapshot {
        format: FORMAT.into(),
        symbol: "SYNTH".into(),
        captured_at: Utc.timestamp_opt(T0, 0).unwrap(),
        interval: "1h".into(),
        venues: vec![],
        notes: vec![],
        realized_periods: None,
        sources: None,
    };
    println!(
        "liqshot backtest scoring benchmark: 1 h candles, 4 h steps, 4 zones a step, 24 h horizon, {} resamples, median of {runs}, release={}",
        bt.resamples,
        !cfg!(debug_assertions)
    );
    let mut prev: Option<(usize, f64)> = None;
    for (label, n) in [("1/10", 164), ("1x", 1640)] {
        let (path, steps) = case(n, &bt);
        let (t_sum, b) = median_ms(runs, || summary::summarise(&snap, &steps, &path, &bt));
        let (t_placebo, _) = median_ms(runs, || {
            let mut o = score::score(&steps, &path, &bt);
            placebo::fill(&mut o, &steps, &path, &bt);
            o
        });
        print!(
            "{label:>5}: {n} steps, {} candles, {} zones: summarise {t_sum:.1} ms (placebo {t_placebo:.1} ms); touch lift {:.2}",
            path.close.len(),
            b.outcomes.len(),
            b.overall.touch_lift.unwrap_or(f64::NAN)
        );
        if let Some((n0, t0)) = prev {
            print!("; x{:.0} steps -> x{:.1} time", n as f64 / n0 as f64, t_sum / t0);
        }
        println!();
        prev = Some((n, t_sum));
    }
}
