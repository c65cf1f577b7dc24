//! Import benchmark: Binance Vision 5-minute klines and a `metrics` open-interest file made from
//! the bundled example (its ten real days repeated end to end, see `liqshot::engine::synth::vision_csvs`),
//! at 2,880 rows (the example), 10,512 (36.5 days), 28,800 (10x) and 105,120 (a year), written to
//! a temporary directory and imported with `liqshot::fetch::import::import`; then the snapshot JSON is
//! serialised. Prints the median time of each and the time per row (linear = equal per row).
//!
//! Run: `cargo bench --bench import` (`-- --runs 5` to change the repetitions; `-- --keep DIR`
//! to write the files into DIR and keep them, with the example repeated to 30 and 100 days as
//! snapshots `btcusdt-30d.snapshot.json` and `btcusdt-100d.snapshot.json`, for timing whole
//! `liqshot import` and `liqshot render` processes, e.g. with `/usr/bin/time -v`).

use std::path::{Path, PathBuf};

use liqshot::engine::synth::{repeated, vision_csvs};
use liqshot::fetch::import::{import, ImportOptions};
use liqshot::MarketSnapshot;

mod common;
use common::{arg, median_ms};

fn main() {
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(3);
    let keep = arg("--keep").map(PathBuf::from);
    let tmp = tempfile::tempdir().expect("temporary directory");
    let dir: &Path = keep.as_deref().unwrap_or(tmp.path());
    std::fs::create_dir_all(dir).expect("output directory");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/btcusdt-2025-11-01_10.snapshot.json");
    let snap = MarketSnapshot::load(&example).expect("the bundled example loads");
    println!(
        "liqshot import benchmark: Binance Vision 5m klines + metrics from the example (10 real days repeated), median of {runs}, release={}",
        !cfg!(debug_assertions)
    );
    let mut base: Option<f64> = None;
    for (label, rows) in [("the example", 2_880), ("36.5 days", 10_512), ("10x", 28_800), ("a year", 105_120)] {
        let (klines, metrics) = vision_csvs(&snap, rows);
        let (k, m) = (dir.join(format!("klines-{rows}.csv")), dir.join(format!("metrics-{rows}.csv")));
        std::fs::write(&k, &klines).expect("write klines");
        std::fs::write(&m, &metrics).expect("write metrics");
        let opts = ImportOptions::new(&k, &m, "BTCUSDT");
        let (t_import, imported) = median_ms(runs, || import(&opts).expect("the generated files import"));
        let (t_json, json) = median_ms(runs, || imported.to_json());
        let v = &imported.venues[0];
        assert_eq!(v.candles.len(), rows);
        let per_row = t_import * 1000.0 / rows as f64;
        let ratio = base.map_or(String::new(), |b| format!(", {:.2}x the example's time per row", per_row / b));
        base.get_or_insert(per_row);
        println!(
            "  {rows:7} candles ({label:11}) + {:5} OI rows, {:6.1} MB CSV: import {t_import:8.1} ms ({per_row:.2} µs/row{ratio}), snapshot JSON {t_json:6.1} ms ({:.1} MB)",
            v.open_interest.len(),
            (klines.len() + metrics.len()) as f64 / 1e6,
            json.len() as f64 / 1e6
        );
    }
    if let Some(dir) = &keep {
        for (days, k) in [(30, 3), (100, 10)] {
            let path = dir.join(format!("btcusdt-{days}d.snapshot.json"));
            std::fs::write(&path, repeated(&snap, k).to_json()).expect("write snapshot");
        }
        println!("kept the files in {}", dir.display());
    }
}
