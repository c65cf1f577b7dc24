//! Hyperliquid parsing, lookup and the open-interest estimate.

use chrono::{DateTime, TimeZone, Utc};

use super::wire::{FundingRow, MetaAndAssetCtxs, WireCandle};
use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fetch/hyperliquid/", $name)).as_slice()
    };
}

fn ms(t: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(t).unwrap()
}

fn meta() -> MetaAndAssetCtxs {
    parse_answer("metaAndAssetCtxs", fixture!("hyperliquid_metaAndAssetCtxs.ccxt-comment_SOL.json")).unwrap()
}

fn candle(i: i64, volume: f64) -> Candle {
    Candle { open_time: ms(i * 300_000), open: 1.0, high: 1.0, low: 1.0, close: 1.0, volume, taker_buy_volume: None }
}

#[test]
fn candle_snapshot_fixture_parses_ascending() {
    let rows: Vec<WireCandle> = parse_answer("candleSnapshot", fixture!("hyperliquid_candleSnapshot.json")).unwrap();
    assert!(rows.len() > 10);
    let start = ms(rows[0].t);
    let end = ms(rows[rows.len() - 1].t + 3_600_000);
    let c = candles_from_wire(&rows, start, end, 3600).unwrap();
    assert_eq!(c.len(), rows.len());
    assert_eq!(c[0].open_time, ms(1_684_699_200_000));
    assert_eq!((c[0].open, c[0].high, c[0].low, c[0].close, c[0].volume), (0.001601, 0.001616, 0.001601, 0.001604, 520_665_683.0));
    assert!(c.windows(2).all(|w| w[0].open_time < w[1].open_time));
}

#[test]
fn open_last_candle_and_strays_are_dropped() {
    let rows: Vec<WireCandle> = parse_answer("candleSnapshot", fixture!("hyperliquid_candleSnapshot.json")).unwrap();
    let n = rows.len();
    // End one hour before the last candle's close: the last candle is still open then.
    let end = ms(rows[n - 1].t);
    let start = ms(rows[1].t);
    let c = candles_from_wire(&rows, start, end, 3600).unwrap();
    assert_eq!(c.len(), n - 2);
    assert!(c.last().unwrap().open_time < end);
}

#[test]
fn meta_lookup_matches_universe_index_ignoring_case() {
    let m = meta();
    let (asset, ctx) = find_asset(&m, "sol").unwrap();
    assert_eq!((asset.name.as_str(), asset.max_leverage), ("SOL", 50.0));
    assert_eq!((ctx.mark_px, ctx.open_interest, ctx.funding), (Some(108.04), Some(10_764.48), Some(0.0000198)));
    let usd = current_oi_usd(ctx, 108.04).unwrap();
    assert!((usd - 10_764.48 * 108.04).abs() < 1e-6);
}

#[test]
fn meta_lookup_by_position_not_first() {
    let body = br#"[{"universe":[{"name":"BTC","maxLeverage":40},{"name":"ETH","maxLeverage":"25"},{"name":"kPEPE","maxLeverage":10}]},
        [{"markPx":"1","openInterest":"1"},{"markPx":"2000","openInterest":"7","funding":"0.00001"},{"markPx":"0.01","openInterest":"5"}]]"#;
    let m: MetaAndAssetCtxs = parse_answer("metaAndAssetCtxs", body).unwrap();
    let (a, c) = find_asset(&m, "ETH").unwrap();
    assert_eq!((a.max_leverage, c.mark_px), (25.0, Some(2000.0)));
    assert_eq!(find_asset(&m, "KPEPE").unwrap().0.name, "kPEPE");
}

#[test]
fn unknown_coin_lists_close_matches() {
    let e = find_asset(&meta(), "SOLL").unwrap_err();
    assert_eq!(e, "hyperliquid: no perpetual SOLL (1 coins listed); close matches: SOL");
    let e = find_asset(&meta(), "ZZZZZZZ").unwrap_err();
    assert!(e.ends_with("no close matches"), "{e}");
}

#[test]
fn empty_or_short_meta_is_an_error_not_a_panic() {
    let empty: MetaAndAssetCtxs = parse_answer("metaAndAssetCtxs", br#"[{"universe":[]},[]]"#).unwrap();
    assert!(find_asset(&empty, "SOL").unwrap_err().contains("0 coins"));
    let short: MetaAndAssetCtxs = parse_answer("metaAndAssetCtxs", br#"[{"universe":[{"name":"SOL","maxLeverage":20}]},[]]"#).unwrap();
    assert!(find_asset(&short, "SOL").unwrap_err().contains("no context"));
    let delisted: MetaAndAssetCtxs =
        parse_answer("metaAndAssetCtxs", br#"[{"universe":[{"name":"SOL","maxLeverage":20,"isDelisted":true}]},[{}]]"#).unwrap();
    assert!(find_asset(&delisted, "SOL").unwrap_err().contains("delisted"));
    assert!(current_oi_usd(&AssetCtx::default(), 1.0).is_err());
    assert!(current_oi_usd(&find_asset(&meta(), "SOL").unwrap().1.clone(), f64::NAN).is_err());
}

#[test]
fn malformed_json_names_venue_and_request() {
    let e = parse_answer::<MetaAndAssetCtxs>("metaAndAssetCtxs", b"{\"universe\":").unwrap_err();
    assert!(e.message.starts_with("hyperliquid: malformed response from /info (metaAndAssetCtxs)"), "{}", e.message);
}

#[test]
fn oi_fallback_follows_cumulative_volume_and_ends_at_oi_now() {
    let vols = [10.0, 0.0, 30.0, 20.0, 40.0];
    let candles: Vec<Candle> = vols.iter().enumerate().map(|(i, &v)| candle(i as i64, v)).collect();
    let oi = oi_by_volume(&candles, 300, 1000.0);
    assert_eq!(oi.len(), 5);
    let expect = [100.0, 100.0, 400.0, 600.0, 1000.0];
    for (p, e) in oi.iter().zip(expect) {
        assert!((p.oi_usd - e).abs() < 1e-9, "{} vs {e}", p.oi_usd);
    }
    assert_eq!(oi[4].oi_usd, 1000.0, "ends exactly at OI_now");
    assert!(oi.windows(2).all(|w| w[0].oi_usd <= w[1].oi_usd), "monotone");
    // One point per candle close.
    assert!(oi.iter().zip(&candles).all(|(p, c)| p.time == c.open_time + chrono::Duration::seconds(300)));
}

#[test]
fn oi_fallback_without_volume_is_even_and_empty_is_empty() {
    let candles: Vec<Candle> = (0..4).map(|i| candle(i, 0.0)).collect();
    let oi: Vec<f64> = oi_by_volume(&candles, 300, 400.0).iter().map(|p| p.oi_usd).collect();
    assert_eq!(oi, [100.0, 200.0, 300.0, 400.0]);
    assert!(oi_by_volume(&[], 300, 400.0).is_empty());
}

#[test]
fn one_tier_from_max_leverage() {
    let t = tiers_from_max_leverage(40.0).unwrap();
    crate::tiers::validate(&t).unwrap();
    assert_eq!((t[0].max_leverage, t[0].mmr, t[0].notional_cap), (40.0, 0.0125, f64::INFINITY));
    assert!(tiers_from_max_leverage(0.0).is_err());
    assert!(tiers_from_max_leverage(f64::NAN).is_err());
}

#[test]
fn funding_history_then_current_rate() {
    let rows: Vec<FundingRow> = parse_answer("fundingHistory", fixture!("hyperliquid_fundingHistory.docs-shape.json")).unwrap();
    let now = ms(1_683_860_000_000);
    let f = funding_points(&rows, Some(0.0000198), 0, now.timestamp_millis(), now);
    assert_eq!(f.len(), 3);
    assert_eq!(f[0].rate, -0.00022196);
    assert_eq!((f[2].time, f[2].rate), (now, 0.0000198));
    assert!(funding_points(&[], None, 0, 1, now).is_empty());
}

#[test]
fn decoder_uses_text_or_error_field() {
    assert_eq!(decode_error(422, b"Failed to deserialize the JSON body").as_deref(), Some("HTTP 422: Failed to deserialize the JSON body"));
    assert_eq!(decode_error(400, br#"{"error":"bad coin"}"#).as_deref(), Some("HTTP 400: bad coin"));
    assert_eq!(decode_error(500, b"null"), None);
    assert_eq!(decode_error(500, b""), None);
}

#[test]
fn interval_names() {
    let names: Vec<_> = [300, 900, 3600, 14_400, 86_400].iter().map(|&s| interval_name(s).unwrap()).collect();
    assert_eq!(names, ["5m", "15m", "1h", "4h", "1d"]);
    assert_eq!(interval_name(7), None);
}
