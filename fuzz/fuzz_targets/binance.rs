//! Every public Binance response parser on the same arbitrary bytes: never a panic.
#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use liqshot::fetch::binance::{self, wire};

fuzz_target!(|data: &[u8]| {
    let start = DateTime::<Utc>::from_timestamp(1_600_000_000, 0).unwrap();
    let end = DateTime::<Utc>::from_timestamp(1_900_000_000, 0).unwrap();
    for interval in [300, 86_400] {
        let _ = binance::parse_klines(data, start, end, interval);
    }
    let _ = binance::parse_klines(data, DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC, 300);
    let _ = binance::parse_open_interest(data);
    let _ = binance::parse_funding(data);
    let _ = binance::parse_mark(data);
    if let Ok(info) = binance::parse::<wire::ExchangeInfo>("/fapi/v1/exchangeInfo", data) {
        let _ = binance::tick_size(&info, "BTCUSDT");
        let _ = binance::perpetual_bases(&info);
    }
    let _ = binance::decode_error(400, data);
});
