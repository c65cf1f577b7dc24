//! Inputs found by (or while writing) the fuzz targets in `fuzz/` that made a parser panic.
//! Each must now give an error or a value, never a panic.
//!
//! Candle times: every venue parser accepts open times up to chrono's largest date
//! (year 262142) and then adds the candle interval to filter by close time. `DateTime + Duration`
//! panics on overflow, so a candle opened within one interval of that date crashed the parse.

use chrono::{DateTime, Utc};
use liqshot::fetch::{binance, bybit, hyperliquid, okx};

/// The last whole millisecond chrono can represent (+262142-12-31T23:59:59.999Z).
fn last_ms() -> i64 {
    DateTime::<Utc>::MAX_UTC.timestamp_millis()
}

fn window() -> (DateTime<Utc>, DateTime<Utc>) {
    (DateTime::from_timestamp(1_600_000_000, 0).unwrap(), DateTime::from_timestamp(1_900_000_000, 0).unwrap())
}

#[test]
fn binance_kline_at_the_end_of_time_does_not_panic() {
    let body = format!(r#"[[{},"1","1","1","1","1",0,"1",1,"0","0","0"]]"#, last_ms());
    let (start, end) = window();
    let candles = binance::parse_klines(body.as_bytes(), start, end, 300).expect("parses");
    assert!(candles.is_empty(), "a candle that never closes within the window is dropped");
}

#[test]
fn bybit_kline_at_the_end_of_time_does_not_panic() {
    let body = format!(r#"{{"retCode":0,"retMsg":"OK","result":{{"list":[["{}","1","1","1","1","1","1"]]}}}}"#, last_ms());
    let (start, end) = window();
    let candles = bybit::parse_klines(body.as_bytes(), start, end, 300).expect("parses");
    assert!(candles.is_empty());
}

#[test]
fn okx_candle_at_the_end_of_time_does_not_panic() {
    let body = format!(r#"{{"code":"0","msg":"","data":[["{}","1","1","1","1","1","1","1","1"]]}}"#, last_ms());
    let rows: Vec<okx::wire::Row> = okx::parse_envelope("/api/v5/market/history-candles", body.as_bytes()).expect("envelope");
    let (start, end) = window();
    let candles = okx::candles_from_rows(&rows, start, end, 300).expect("parses");
    assert!(candles.is_empty());
}

#[test]
fn hyperliquid_candle_at_the_end_of_time_does_not_panic() {
    let body = format!(r#"[{{"t":{},"o":"1","h":"1","l":"1","c":"1","v":"1"}}]"#, last_ms());
    let rows: Vec<hyperliquid::wire::WireCandle> = hyperliquid::parse_answer("candleSnapshot", body.as_bytes()).expect("parses");
    let (start, end) = window();
    let candles = hyperliquid::candles_from_wire(&rows, start, end, 300).expect("parses");
    assert!(candles.is_empty());
}
