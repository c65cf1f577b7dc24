//! Fuel-test benchmark: the fuel test of `liqshot backtest` over hourly realized periods, on
//! synthetic snapshots made from the bundled example (its ten real days of 5-minute candles
//! resampled to 1 h and repeated, `liqshot::engine::synth::repeated`) with synthetic hourly totals
//! (lognormal, seeded) for every hour:
//! - 60 days of 1 h candles and hourly periods (1x);
//! - 600 days (10x).
//!
//! Prints the median wall time of: the statistics alone (`fuel::fuel` on maps already made:
//! rows, placebo, regressions, bootstrap), and the whole backtest with the periods against the
//! same backtest without them (the difference is the fuel test's cost, maps included).
//! Run: `cargo bench --bench fuel` (`-- --runs 5`).

use chrono::Duration;
use liqshot::engine::backtest::{self, fuel, walk, BacktestParams};
use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::synth::repeated;
use liqshot::engine::zones::ZoneParams;
use liqshot::model::snapshot::{MarketSnapshot, PeriodTotal, RealizedPeriods, Side};

mod common;
use common::{arg, median_ms, resampled};

/// `snap` with a synthetic total for every hour it covers.
fn with_periods(mut snap: MarketSnapshot) -> MarketSnapshot {
    let c = &snap.venues[0].candles;
    let (t0, t1) = (c[0].open_time, c[c.len() - 1].open_time);
    let mut x: u64 = 7;
    let mut draw = || {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        1e5 * (4.0 * ((x >> 11) as f64 / (1u64 << 53) as f64)).exp()
    };
    let rows = (0..)
        .map(|h| t0 + Duration::hours(h))
        .take_while(|t| *t < t1)
        .map(|start| PeriodTotal { start, long_usd: draw(), short_usd: draw() })
        .collect();
    snap.realized_periods = Some(RealizedPeriods { period: "1h".into(), source: "synthetic".into(), rows });
    snap
}

fn main() {
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(3);
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/btcusdt-2025-11-01_10.snapshot.json");
    let hourly = resampled(&MarketSnapshot::load(&example).expect("the bundled example loads"), 3600);
    let params = EstimateParams { window_secs: 86_400, ..EstimateParams::default() };
    let (zp, bt) = (ZoneParams::default(), BacktestParams::default());
    println!(
        "liqshot fuel-test benchmark: synthetic hourly snapshots and totals, median of {runs}, release={}",
        !cfg!(debug_assertions)
    );
    for (label, k) in [("60 days of 1h, hourly periods (1x)", 6), ("600 days of 1h, hourly periods (10x)", 60)] {
        let plain = repeated(&hourly, k);
        let snap = with_periods(plain.clone());
        let path = walk::price_path(&snap);
        let plan = fuel::plan(&snap, &path, &bt).expect("periods");
        let reach = plan.reach_bins(params.bin_step);
        let mut maps = vec![fuel::FuelMap::default(); plan.items.len()];
        walk::walk_with(&snap, &params, &zp, &bt, &plan.times(), |i, p| {
            maps[i] = fuel::FuelMap::new(p, plan.items[i].open, reach)
        })
        .expect("walks");
        let (stats_ms, f) = median_ms(runs, || fuel::fuel(&plan, &maps, params.bin_step, &bt));
        let (with_ms, out) = median_ms(runs, || backtest::run(&snap, &params, &zp, &bt).expect("runs"));
        let (without_ms, _) = median_ms(runs, || backtest::run(&plain, &params, &zp, &bt).expect("runs"));
        assert_eq!(out.fuel.as_ref().map(|f| f.periods), Some(plan.items.len()));
        let side = |s: Side| if s == Side::Long { &f.long } else { &f.short };
        println!(
            "  {label:38} {:6} candles, {:6} periods scored ({} resamples): statistics {stats_ms:7.1} ms; backtest with periods {with_ms:8.1} ms, without {without_ms:8.1} ms (fuel test {:+.1} ms); gain longs {:.3}",
            snap.venues[0].candles.len(),
            f.periods,
            bt.resamples,
            with_ms - without_ms,
            side(Side::Long).gain.unwrap_or(f64::NAN)
        );
    }
}
