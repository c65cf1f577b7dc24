//! Backtest benchmark: the walk (`liqshot::engine::backtest::walk::walk`: every step's zones, those
//! `liqshot zones` prints for the snapshot cut at the step) on synthetic snapshots made from the
//! bundled example (its ten real days of 5-minute candles, `liqshot::engine::synth::repeated`):
//! - 30 days of 5-minute candles (the example repeated 3x), 4 h steps;
//! - 300 days of 5-minute candles (repeated 30x, 10x the 30 days), 4 h steps: how cost grows;
//! - nine months of 1 h candles (the example resampled to 1 h, repeated 27x: synthetic),
//!   4 h steps, `--lookback 30d` (each step runs the ledgers over its own 30 days);
//! - the same nine months without a lookback.
//!
//! Prints the median wall time of each: the walk alone, and the whole backtest
//! (`liqshot::engine::backtest::run`: walk, scoring, both baselines, bootstrap, calibration) in-process.
//! Run: `cargo bench --bench backtest` (`-- --runs 5`; `-- --write DIR` also writes each
//! synthetic snapshot to DIR, to time the whole `liqshot backtest` process on it).

use liqshot::engine::backtest::walk::{step_times, walk};
use liqshot::engine::backtest::BacktestParams;
use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::synth::repeated;
use liqshot::engine::zones::ZoneParams;
use liqshot::model::snapshot::MarketSnapshot;

mod common;
use common::{arg, median_ms, resampled};

fn main() {
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(3);
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/btcusdt-2025-11-01_10.snapshot.json");
    let snap = MarketSnapshot::load(&example).expect("the bundled example loads");
    let params = EstimateParams { window_secs: 86_400, ..EstimateParams::default() };
    let zp = ZoneParams::default();
    println!(
        "liqshot backtest walk benchmark: synthetic snapshots from the example (10 real days repeated), median of {runs}, release={}",
        !cfg!(debug_assertions)
    );
    let hourly = resampled(&snap, 3600);
    let cases: Vec<(&str, MarketSnapshot, BacktestParams)> = vec![
        ("30 days of 5m, 4h steps", repeated(&snap, 3), BacktestParams::default()),
        ("300 days of 5m, 4h steps (10x)", repeated(&snap, 30), BacktestParams::default()),
        (
            "9 months of 1h, 4h steps, lookback 30d",
            repeated(&hourly, 27),
            BacktestParams { lookback_secs: Some(30 * 86_400), ..BacktestParams::default() },
        ),
        ("9 months of 1h, 4h steps, no lookback", repeated(&hourly, 27), BacktestParams::default()),
    ];
    let mut per_step_base: Option<f64> = None;
    for (label, s, bt) in cases {
        bt.validate(&s).expect("valid options");
        let candles: usize = s.venues.iter().map(|v| v.candles.len()).sum();
        let days = (s.venues[0].candles.len() as i64 * s.interval_secs()) as f64 / 86_400.0;
        let n = step_times(&s, &bt).len();
        let (ms, steps) = median_ms(runs, || walk(&s, &params, &zp, &bt).expect("the walk runs"));
        assert_eq!(steps.len(), n);
        let with_zones = steps.iter().filter(|x| !x.zones.zones.is_empty()).count();
        let (run_ms, bt_out) =
            median_ms(runs, || liqshot::engine::backtest::run(&s, &params, &zp, &bt).expect("the backtest runs"));
        assert_eq!(bt_out.steps, n);
        if let Some(dir) = arg("--write") {
            let name: String = label.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
            std::fs::write(std::path::Path::new(&dir).join(format!("{name}.snapshot.json")), s.to_json())
                .expect("writes the snapshot");
        }
        let per_step = ms * 1000.0 / n as f64;
        let ratio = match (per_step_base, bt.lookback_secs) {
            (Some(b), None) => format!(", {:.2}x the 30 days' time per step", per_step / b),
            _ => String::new(),
        };
        if bt.lookback_secs.is_none() {
            per_step_base.get_or_insert(per_step);
        }
        println!(
            "  {label:40} {candles:6} candles ({days:.0} days, {}), {n:5} steps ({with_zones} with zones): walk {ms:8.1} ms ({per_step:.0} µs/step{ratio}); whole backtest {run_ms:8.1} ms",
            s.interval
        );
    }
}
