//! Synthetic snapshots made from a real one, for scaling measurements (`liqshot bench`,
//! `benches/import.rs`): the price path repeated end to end, a batch of symbols, and the
//! Binance Vision CSV files `import` reads.

use std::fmt::Write as _;

use chrono::Duration;

use crate::engine::estimate::long_share;
use crate::model::snapshot::MarketSnapshot;

/// The snapshot with its price and open-interest paths repeated `k` times end to end
/// (each copy scaled to start where the previous one ended), for scaling measurements.
pub fn repeated(snap: &MarketSnapshot, k: usize) -> MarketSnapshot {
    let mut out = snap.clone();
    let step = snap.interval_secs();
    for v in &mut out.venues {
        let base_c = v.candles.clone();
        let base_oi = v.open_interest.clone();
        let span = Duration::seconds(step * base_c.len() as i64);
        let p_ratio = base_c.last().unwrap().close / base_c[0].open;
        let oi_ratio = base_oi.last().unwrap().oi_usd / base_oi[0].oi_usd.max(1e-9);
        for i in 1..k {
            let (pf, of) = (p_ratio.powi(i as i32), oi_ratio.powi(i as i32));
            let shift = span * i as i32;
            v.candles.extend(base_c.iter().map(|c| {
                let mut c = *c;
                c.open_time += shift;
                (c.open, c.high, c.low, c.close) = (c.open * pf, c.high * pf, c.low * pf, c.close * pf);
                c
            }));
            let last_t = v.open_interest.last().unwrap().time;
            v.open_interest.extend(base_oi.iter().filter_map(|p| {
                let mut p = *p;
                p.time += shift;
                p.oi_usd *= of;
                (p.time > last_t).then_some(p)
            }));
        }
    }
    out.captured_at += Duration::seconds(step * snap.venues[0].candles.len() as i64 * (k as i64 - 1));
    out
}

/// `n` snapshots of different symbols made from `snap`: prices scaled by a different factor
/// each (`SYM01USDT` ...), as JSON, the way a batch run would read them.
pub fn batch_snapshots(snap: &MarketSnapshot, n: usize) -> Vec<(String, Vec<u8>)> {
    (0..n)
        .map(|i| {
            let mut s = snap.clone();
            let k = 1.0 / (1.0 + i as f64 * 0.37);
            s.symbol = format!("SYM{:02}USDT", i + 1);
            for v in &mut s.venues {
                for c in &mut v.candles {
                    (c.open, c.high, c.low, c.close) = (c.open * k, c.high * k, c.low * k, c.close * k);
                    if let Some(t) = &mut c.taker_buy_volume {
                        *t /= k;
                    }
                    c.volume /= k;
                }
            }
            (s.symbol.clone(), s.to_json())
        })
        .collect()
}

/// `snap`'s first venue, its path repeated end to end (see [`repeated`]) to `rows` candles, as
/// Binance Vision files for timing `import`: 12-column klines without a header (times in ms)
/// and a `metrics` file holding its open interest (`sum_open_interest_value`). The klines'
/// taker-buy volume is written as the candle-body share of volume (the estimate's own
/// fallback) where the snapshot has none, so the split the estimate makes is unchanged.
pub fn vision_csvs(snap: &MarketSnapshot, rows: usize) -> (String, String) {
    let n0 = snap.venues[0].candles.len().max(1);
    let big = repeated(snap, rows.div_ceil(n0).max(1));
    let v = &big.venues[0];
    let step_ms = big.interval_secs() * 1000;
    let candles = &v.candles[..rows.min(v.candles.len())];
    let mut k = String::with_capacity(candles.len() * 140);
    for c in candles {
        let t = c.open_time.timestamp_millis();
        let taker = c.taker_buy_volume.unwrap_or_else(|| long_share(c).0 * c.volume);
        let _ = writeln!(
            k,
            "{t},{},{},{},{},{},{},{},0,{},{},0",
            c.open,
            c.high,
            c.low,
            c.close,
            c.volume,
            t + step_ms - 1,
            c.volume * c.close,
            taker,
            taker * c.close
        );
    }
    let end = candles.last().map(|c| c.open_time + Duration::milliseconds(step_ms));
    let mut m = String::from(
        "create_time,symbol,sum_open_interest,sum_open_interest_value,count_toptrader_long_short_ratio,\
         sum_toptrader_long_short_ratio,count_long_short_ratio,sum_taker_long_short_vol_ratio\n",
    );
    let price = candles.last().map_or(1.0, |c| c.close);
    for p in v.open_interest.iter().filter(|p| end.is_none_or(|e| p.time <= e)) {
        let _ =
            writeln!(m, "{},{},{},{},,,,", p.time.format("%Y-%m-%d %H:%M:%S"), big.symbol, p.oi_usd / price, p.oi_usd);
    }
    (k, m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The generated Binance Vision files import back to the repeated path: same candles
    /// (prices, volumes, times), the taker split the estimate would use anyway, and the open
    /// interest up to the last candle's close.
    #[test]
    fn vision_csvs_import_back_to_the_repeated_snapshot() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/btcusdt-2025-11-01_10.snapshot.json");
        let snap = MarketSnapshot::load(&path).unwrap();
        let (k, m) = vision_csvs(&snap, 3_000);
        let dir = tempfile::tempdir().unwrap();
        let (kp, mp) = (dir.path().join("k.csv"), dir.path().join("m.csv"));
        std::fs::write(&kp, k).unwrap();
        std::fs::write(&mp, m).unwrap();
        let got = crate::fetch::import::import(&crate::fetch::import::ImportOptions::new(&kp, &mp, "BTCUSDT")).unwrap();
        let want = repeated(&snap, 2);
        let (g, w) = (&got.venues[0], &want.venues[0]);
        assert_eq!(got.interval, "5m");
        assert_eq!(g.candles.len(), 3_000);
        for (a, b) in g.candles.iter().zip(&w.candles) {
            assert_eq!(
                (a.open_time, a.open, a.high, a.low, a.close, a.volume),
                (b.open_time, b.open, b.high, b.low, b.close, b.volume)
            );
            let share = a.taker_buy_volume.unwrap() / a.volume;
            assert!(a.volume == 0.0 || (share - long_share(b).0).abs() < 1e-9, "{a:?} vs {b:?}");
        }
        let end = g.candles.last().unwrap().open_time + Duration::minutes(5);
        let oi: Vec<_> = w.open_interest.iter().filter(|p| p.time <= end).collect();
        assert_eq!(g.open_interest.len(), oi.len());
        assert!(g.open_interest.iter().zip(oi).all(|(a, b)| a.time == b.time && a.oi_usd == b.oi_usd));
    }
}
