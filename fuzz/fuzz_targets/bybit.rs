//! Every public Bybit response parser on the same arbitrary bytes: never a panic.
#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use liqshot::fetch::bybit::{self, wire};

fuzz_target!(|data: &[u8]| {
    let start = DateTime::<Utc>::from_timestamp(1_600_000_000, 0).unwrap();
    let end = DateTime::<Utc>::from_timestamp(1_900_000_000, 0).unwrap();
    let candles = bybit::parse_klines(data, start, end, 300).unwrap_or_default();
    let _ = bybit::parse_klines(data, DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC, 86_400);
    if let Ok(rows) = bybit::parse_open_interest(data) {
        // Price the open interest with a fixed candle series as well as the parsed one.
        let fixed = [liqshot::model::snapshot::Candle {
            open_time: start,
            open: 100.0,
            high: 101.0,
            low: 99.0,
            close: 100.5,
            volume: 1.0,
            taker_buy_volume: None,
        }];
        let _ = bybit::oi_to_usd(&rows, &candles, 300);
        let _ = bybit::oi_to_usd(&rows, &fixed, 300);
    }
    let _ = bybit::parse_funding(data);
    let _ = bybit::parse_mark(data, "BTCUSDT");
    let _ = bybit::parse_tick_size(data, "BTCUSDT");
    let _ = bybit::perpetual_bases(data);
    if let Ok(r) = bybit::parse::<wire::ListResult<wire::RiskLimit>>("/v5/market/risk-limit", data) {
        let _ = bybit::margin_tiers(r.list.clone(), "BTCUSDT");
        let _ = bybit::margin_tiers(r.list, "");
    }
    let _ = bybit::decode_error(403, data);
});
