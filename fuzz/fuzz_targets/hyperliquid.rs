//! Every public Hyperliquid response parser on the same arbitrary bytes: never a panic.
#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use liqshot::fetch::hyperliquid::{self, wire};

fuzz_target!(|data: &[u8]| {
    let start = DateTime::<Utc>::from_timestamp(1_600_000_000, 0).unwrap();
    let end = DateTime::<Utc>::from_timestamp(1_900_000_000, 0).unwrap();
    if let Ok(Some(rows)) = hyperliquid::parse_answer::<Option<Vec<wire::WireCandle>>>("candleSnapshot", data) {
        for (s, e, step) in [(start, end, 300), (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC, 86_400)] {
            if let Ok(candles) = hyperliquid::candles_from_wire(&rows, s, e, step) {
                let _ = hyperliquid::oi_by_volume(&candles, step, 1e9);
            }
        }
    }
    if let Ok(meta) = hyperliquid::parse_answer::<wire::MetaAndAssetCtxs>("metaAndAssetCtxs", data) {
        for coin in ["BTC", "SOL"] {
            if let Ok((asset, ctx)) = hyperliquid::find_asset(&meta, coin) {
                let _ = hyperliquid::tiers_from_max_leverage(asset.max_leverage);
                if let Some(mark) = ctx.mark_px {
                    let _ = hyperliquid::current_oi_usd(ctx, mark);
                }
            }
        }
    }
    if let Ok(Some(rows)) = hyperliquid::parse_answer::<Option<Vec<wire::FundingRow>>>("fundingHistory", data) {
        let _ = hyperliquid::funding_points(&rows, Some(0.0001), start.timestamp_millis(), end.timestamp_millis(), end);
        let _ = hyperliquid::funding_points(&rows, None, i64::MIN, i64::MAX, DateTime::<Utc>::MAX_UTC);
    }
    let _ = hyperliquid::decode_error(422, data);
});
