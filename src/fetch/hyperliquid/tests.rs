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
    assert_eq!(
        (c[0].open, c[0].high, c[0].low, c[0].close, c[0].volume),
        (0.001601, 0.001616, 0.001601, 0.001604, 520_665_683.0)
    );
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
    assert_eq!(e, "hyperliquid: no perpetual SOLL (1 coin listed); close matches: SOL");
    let e = find_asset(&meta(), "ZZZZZZZ").unwrap_err();
    assert!(e.ends_with("no close matches"), "{e}");
}

#[test]
fn empty_or_short_meta_is_an_error_not_a_panic() {
    let empty: MetaAndAssetCtxs = parse_answer("metaAndAssetCtxs", br#"[{"universe":[]},[]]"#).unwrap();
    assert!(find_asset(&empty, "SOL").unwrap_err().contains("0 coins"));
    let short: MetaAndAssetCtxs =
        parse_answer("metaAndAssetCtxs", br#"[{"universe":[{"name":"SOL","maxLeverage":20}]},[]]"#).unwrap();
    assert!(find_asset(&short, "SOL").unwrap_err().contains("no context"));
    let delisted: MetaAndAssetCtxs =
        parse_answer("metaAndAssetCtxs", br#"[{"universe":[{"name":"SOL","maxLeverage":20,"isDelisted":true}]},[{}]]"#)
            .unwrap();
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
    crate::model::tiers::validate(&t).unwrap();
    assert_eq!((t[0].max_leverage, t[0].mmr, t[0].notional_cap), (40.0, 0.0125, f64::INFINITY));
    assert!(tiers_from_max_leverage(0.0).is_err());
    assert!(tiers_from_max_leverage(f64::NAN).is_err());
}

#[test]
fn funding_history_then_current_rate() {
    let rows: Vec<FundingRow> =
        parse_answer("fundingHistory", fixture!("hyperliquid_fundingHistory.docs-shape.json")).unwrap();
    let now = ms(1_683_860_000_000);
    let f = funding_points(&rows, Some(0.0000198), 0, now.timestamp_millis(), now);
    assert_eq!(f.len(), 3);
    assert_eq!(f[0].rate, -0.00022196);
    assert_eq!((f[2].time, f[2].rate), (now, 0.0000198));
    assert!(funding_points(&[], None, 0, 1, now).is_empty());
}

#[test]
fn decoder_uses_text_or_error_field() {
    assert_eq!(
        decode_error(422, b"Failed to deserialize the JSON body").as_deref(),
        Some("HTTP 422: Failed to deserialize the JSON body")
    );
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

/// A real `meta` answer with `marginTables` (nautilus_trader's recorded sample, see the fixture README).
fn real_meta() -> wire::Meta {
    parse_answer("meta", fixture!("hyperliquid_meta.nautilus-trader_http_meta_perp_sample.json")).unwrap()
}

#[test]
fn margin_tables_of_a_real_answer_become_tiers() {
    let meta = real_meta();
    // `"isDelisted": null` in the real answer reads as listed.
    assert!(meta.universe.iter().all(|a| !a.is_delisted));
    let btc = meta.universe.iter().find(|a| a.name == "BTC").unwrap();
    let (t, source) = margin_tiers(&meta, btc).unwrap();
    assert_eq!(source, "hyperliquid marginTables #56 \"tiered 40x\" (fetched)");
    assert_eq!(t.len(), 2);
    assert_eq!(
        (t[0].notional_floor, t[0].notional_cap, t[0].max_leverage, t[0].mmr),
        (0.0, 150_000_000.0, 40.0, 0.0125)
    );
    assert_eq!(
        (t[1].notional_floor, t[1].notional_cap, t[1].max_leverage, t[1].mmr),
        (150_000_000.0, f64::INFINITY, 20.0, 0.025)
    );
    // cum_1 = 150M × (2.5 % − 1.25 %): maintenance margin N × mmr − cum is continuous at 150M.
    assert_eq!((t[0].maint_amount, t[1].maint_amount), (Some(0.0), Some(1_875_000.0)));
    let eth = meta.universe.iter().find(|a| a.name == "ETH").unwrap();
    let (t, _) = margin_tiers(&meta, eth).unwrap();
    assert_eq!(
        t.iter().map(|x| (x.notional_floor, x.max_leverage, x.mmr)).collect::<Vec<_>>(),
        [(0.0, 25.0, 0.02), (100_000_000.0, 15.0, 1.0 / 30.0)]
    );
}

#[test]
fn maintenance_is_continuous_across_a_margin_table_tier() {
    use crate::engine::estimate::liquidation::{liquidation_price, Formula, Side};
    let meta = real_meta();
    let btc = meta.universe.iter().find(|a| a.name == "BTC").unwrap();
    let (t, _) = margin_tiers(&meta, btc).unwrap();
    // Maintenance margin N × mmr − cum has no jump where a tier starts.
    let mm = |n: f64| {
        let (tier, cum) = crate::model::tiers::tier_for(&t, n);
        n * tier.mmr - cum
    };
    assert!(
        (mm(150_000_000.0 - 1e-3) - mm(150_000_000.0)).abs() < 1e-3,
        "{} vs {}",
        mm(150_000_000.0 - 1e-3),
        mm(150_000_000.0)
    );
    // So a position whose notional at its liquidation price is exactly the boundary gets the
    // same liquidation price from either tier's formula (as with Binance's cum); without the
    // maintenance amount the two would differ by about 1.3 %.
    let (lo, hi) = (t[0], t[1]);
    let (entry, lev) = (100_000.0, 10.0);
    let f = Formula::for_venue(VENUE);
    for side in [Side::Long, Side::Short] {
        let p0 = liquidation_price(f, side, entry, lev, lo.mmr, 0.0, 1.0);
        let qty = hi.notional_floor / p0;
        let p1 = liquidation_price(f, side, entry, lev, hi.mmr, hi.maint_amount.unwrap(), qty * entry);
        assert!((p0 - p1).abs() < 1e-6 * p0, "{side:?}: {p0} vs {p1}");
        let p1_no_cum = liquidation_price(f, side, entry, lev, hi.mmr, 0.0, qty * entry);
        assert!((p0 - p1_no_cum).abs() > 0.01 * p0, "{side:?}: {p0} vs {p1_no_cum}");
    }
}

#[test]
fn tiers_fall_back_to_max_leverage_and_say_why() {
    let real = real_meta();
    // ATOM refers to table 5, which the answer does not carry (ids below 50 are the venue's
    // single-tier tables): its maxLeverage is used, and the source says so.
    let atom = real.universe.iter().find(|a| a.name == "ATOM").unwrap();
    let (t, source) = margin_tiers(&real, atom).unwrap();
    assert_eq!(source, "hyperliquid maxLeverage (fetched; margin table #5 not in the answer)");
    assert_eq!((t.len(), t[0].max_leverage, t[0].mmr), (1, 5.0, 0.1));
    // An answer without marginTables at all (the ccxt example).
    let m = meta();
    let (t, source) = margin_tiers(&m.0, &m.0.universe[0]).unwrap();
    assert_eq!(source, "hyperliquid maxLeverage (fetched; no marginTables in the answer)");
    assert_eq!((t[0].max_leverage, t[0].mmr), (50.0, 0.01));
    // A table that cannot be used is an error naming it (the caller then uses built-in tiers).
    let bad: wire::Meta = serde_json::from_str(
        r#"{"universe":[{"name":"X","maxLeverage":10,"marginTableId":60}],"marginTables":[[60,{"description":"","marginTiers":[{"lowerBound":"5.0","maxLeverage":10}]}]]}"#,
    )
    .unwrap();
    let e = margin_tiers(&bad, &bad.universe[0]).unwrap_err();
    assert!(e.contains("margin table #60") && e.contains("lowerBound"), "{e}");
}
