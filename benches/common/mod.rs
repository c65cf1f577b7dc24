//! Helpers shared by the benchmark programs (`cargo bench --bench NAME -- [--runs N] ...`).

use std::time::Instant;

/// The value after `--name` on the bench's command line.
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

/// Runs `f` `runs` times (at least once); the median wall time in ms and the last result.
pub fn median_ms<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], last.expect("one run"))
}

/// `snap` with its candles aggregated to `secs` (open of the first, high/low of all, close of
/// the last, volumes summed), OI unchanged. (Used by the backtest and fuel benches only.)
#[allow(dead_code)]
pub fn resampled(
    snap: &liqshot::model::snapshot::MarketSnapshot,
    secs: i64,
) -> liqshot::model::snapshot::MarketSnapshot {
    let mut out = snap.clone();
    for v in &mut out.venues {
        let mut agg: Vec<liqshot::model::snapshot::Candle> = Vec::new();
        for c in &v.candles {
            let slot = c.open_time.timestamp().div_euclid(secs) * secs;
            match agg.last_mut() {
                Some(a) if a.open_time.timestamp() == slot => {
                    a.high = a.high.max(c.high);
                    a.low = a.low.min(c.low);
                    a.close = c.close;
                    a.volume += c.volume;
                    a.taker_buy_volume = a.taker_buy_volume.zip(c.taker_buy_volume).map(|(x, y)| x + y);
                }
                _ => agg.push(liqshot::model::snapshot::Candle {
                    open_time: chrono::DateTime::from_timestamp(slot, 0).unwrap(),
                    ..*c
                }),
            }
        }
        v.candles = agg;
    }
    out.interval = liqshot::model::snapshot::format_interval(secs);
    out
}
