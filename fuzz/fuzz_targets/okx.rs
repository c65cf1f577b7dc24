//! Every public OKX response parser on the same arbitrary bytes: never a panic.
#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use liqshot::fetch::okx::{self, wire};

fuzz_target!(|data: &[u8]| {
    let start = DateTime::<Utc>::from_timestamp(1_600_000_000, 0).unwrap();
    let end = DateTime::<Utc>::from_timestamp(1_900_000_000, 0).unwrap();
    let path = "/api/v5/market/history-candles";
    if let Ok(rows) = okx::parse_envelope::<Vec<wire::Row>>(path, data) {
        let _ = okx::candles_from_rows(&rows, start, end, 300);
        let _ = okx::candles_from_rows(&rows, DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC, 86_400);
        let _ = okx::oi_from_rows(&rows, start.timestamp_millis(), end.timestamp_millis());
        let _ = okx::oi_from_rows(&rows, i64::MIN, i64::MAX);
    }
    if let Ok(list) = okx::parse_envelope::<Vec<wire::Instrument>>(path, data) {
        let _ = okx::usdt_swap_bases(&list);
    }
    let _ = okx::parse_envelope::<Vec<wire::MarkPrice>>(path, data);
    let current = okx::parse_envelope::<Vec<wire::FundingRate>>(path, data).ok().and_then(|v| v.into_iter().next());
    if let Ok(history) = okx::parse_envelope::<Vec<wire::FundingHistory>>(path, data) {
        let _ = okx::funding_points(&history, current.as_ref(), start.timestamp_millis());
        let _ = okx::funding_points(&history, current.as_ref(), i64::MIN);
    }
    if let Ok(tiers) = okx::parse_envelope::<Vec<wire::PositionTier>>(path, data) {
        let _ = okx::tiers_from_okx(&tiers, "BTC-USDT", 0.01, 100_000.0);
        let _ = okx::tiers_from_okx(&tiers, "", 1.0, 1e-9);
    }
    let _ = okx::decode_error(404, data);
});
