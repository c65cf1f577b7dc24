//! Inputs found by (or while writing) the fuzz targets in `fuzz/` that made a parser panic.
//! Each must now give an error or a value, never a panic.
//!
//! Price range (found by the `snapshot` target in a second 600 s run): a candle low of 1e-307
//! made the ledger's price range infinite, so the bin count became `usize::MAX` and the estimate
//! overflowed (debug) or tried to allocate it (release). The estimate now refuses a snapshot whose
//! prices span more than a factor of 10^6.
//!
//! Intervals (found by the `snapshot` target in a third 600 s run): `parse_interval` split off
//! the last *byte* as the unit, so an interval ending in a multi-byte character (`"˕"`, or
//! `--window 5é` on the command line) panicked; a huge count overflowed `n * 86400`.
//!
//! Snapshot round trip (found by the `snapshot` target in a 600 s run): a price written with many
//! digits (`109682.2277777777777777...`) loaded as one f64, was saved in shortest form and loaded
//! back as a *different* f64, because serde_json's default float parser is not correctly
//! rounded for long inputs. serde_json's `float_roundtrip` feature makes it exact.
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
    let body =
        format!(r#"{{"retCode":0,"retMsg":"OK","result":{{"list":[["{}","1","1","1","1","1","1"]]}}}}"#, last_ms());
    let (start, end) = window();
    let candles = bybit::parse_klines(body.as_bytes(), start, end, 300).expect("parses");
    assert!(candles.is_empty());
}

#[test]
fn okx_candle_at_the_end_of_time_does_not_panic() {
    let body = format!(r#"{{"code":"0","msg":"","data":[["{}","1","1","1","1","1","1","1","1"]]}}"#, last_ms());
    let rows: Vec<okx::wire::Row> =
        okx::parse_envelope("/api/v5/market/history-candles", body.as_bytes()).expect("envelope");
    let (start, end) = window();
    let candles = okx::candles_from_rows(&rows, start, end, 300).expect("parses");
    assert!(candles.is_empty());
}

#[test]
fn hyperliquid_candle_at_the_end_of_time_does_not_panic() {
    let body = format!(r#"[{{"t":{},"o":"1","h":"1","l":"1","c":"1","v":"1"}}]"#, last_ms());
    let rows: Vec<hyperliquid::wire::WireCandle> =
        hyperliquid::parse_answer("candleSnapshot", body.as_bytes()).expect("parses");
    let (start, end) = window();
    let candles = hyperliquid::candles_from_wire(&rows, start, end, 300).expect("parses");
    assert!(candles.is_empty());
}

#[test]
fn a_snapshot_survives_save_and_load_unchanged_with_long_numbers() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/btcusdt-2025-11-01_10.snapshot.json"))
            .unwrap();
    // The literal the fuzzer found, on the candle it was found on (2025-11-01 00:50, low 109682.22).
    let long = format!("109682.22{}", "7".repeat(97));
    let text = text.replacen("\"close\": 109682.22,", &format!("\"close\": {long},"), 1);
    assert!(text.contains(&long));
    let snap = liqshot::MarketSnapshot::from_json(text.as_bytes()).expect("loads");
    let again = liqshot::MarketSnapshot::from_json(&snap.to_json()).expect("reloads");
    let close = |s: &liqshot::MarketSnapshot| s.venues[0].candles[10].close;
    assert_eq!(close(&snap), close(&again));
    assert_eq!(snap, again);
    // The value is the correctly rounded double of the decimal text (Rust's parser is exact).
    assert_eq!(close(&snap), long.parse::<f64>().unwrap());
}

#[test]
fn a_wick_to_almost_zero_is_an_error_not_a_crash() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/btcusdt-2025-11-01_10.snapshot.json"))
            .unwrap();
    // The first candle's low (109441.26), as the fuzzer changed it.
    let text = text.replacen("\"low\": 109441.26", "\"low\": 1.10126444e-307", 1);
    let snap = liqshot::MarketSnapshot::from_json(text.as_bytes()).expect("a valid snapshot");
    let params = liqshot::engine::estimate::EstimateParams { rows: 64, ..Default::default() };
    let err = liqshot::engine::pipeline::analyse(&snap, &params, &liqshot::engine::zones::ZoneParams::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("candle prices range from 1.10126444e-307 to") && err.contains("more than a factor of 1e6"),
        "{err}"
    );
    // A real crash (a 90 % wick) is still estimated.
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/btcusdt-2025-11-01_10.snapshot.json"))
            .unwrap();
    let snap =
        liqshot::MarketSnapshot::from_json(text.replacen("\"low\": 109441.26", "\"low\": 10944.13", 1).as_bytes())
            .unwrap();
    assert!(liqshot::engine::pipeline::analyse(&snap, &params, &liqshot::engine::zones::ZoneParams::default()).is_ok());
}

#[test]
fn intervals_ending_in_multibyte_characters_or_overflowing_are_rejected() {
    use liqshot::model::snapshot::parse_interval;
    for bad in ["\u{2d5}", "5\u{e9}", "\u{e9}m", "9223372036854775807d", "m", ""] {
        assert_eq!(parse_interval(bad), None, "{bad:?}");
    }
    assert_eq!(parse_interval("15m"), Some(900));
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/btcusdt-2025-11-01_10.snapshot.json"))
            .unwrap();
    let bad = text.replacen("\"interval\": \"5m\"", "\"interval\": \"\u{2d5}\"", 1);
    assert_ne!(bad, text);
    let err = liqshot::MarketSnapshot::from_json(bad.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("interval"), "{err}");
    // The command line: a usage error naming the flag, not a panic.
    let out = assert_cmd::Command::cargo_bin("liqshot")
        .unwrap()
        .args(["render", "--no-config", "--snapshot", "x.json", "-o", "x.png", "--window", "5\u{e9}"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--window"));
}
