//! OKX parsing and normalisation against recorded and documented bodies.

use chrono::{DateTime, TimeZone, Utc};

use super::wire::{FundingHistory, FundingRate, Instrument, MarkPrice, PositionTier, Row};
use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fetch/okx/", $name)).as_slice()
    };
}

fn ms(t: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(t).unwrap()
}

/// A candle row `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]`.
fn row(ts: i64, close: f64, confirm: &str) -> Row {
    let json = format!(r#"["{ts}","100","110","90","{close}","10","1.5","150","{confirm}"]"#);
    serde_json::from_str(&json).unwrap()
}

#[test]
fn parses_history_candles_fixture() {
    let rows: Vec<Row> = parse_envelope("/h", fixture!("okx_market_history-candles.docs.json")).unwrap();
    assert_eq!(rows.len(), 2);
    let c = OkxCandle::try_from(&rows[0]).unwrap();
    assert_eq!(c.candle.open_time, ms(1_597_026_383_085));
    assert_eq!((c.candle.open, c.candle.high, c.candle.low, c.candle.close), (3.721, 3.743, 3.677, 3.708));
    assert_eq!(c.candle.volume, 22_698_348.048_284_91, "volCcy (base coins) is the volume");
    assert_eq!(c.candle.taker_buy_volume, None);
    assert!(c.confirmed);
}

#[test]
fn unconfirmed_candle_is_flagged_and_dropped() {
    let rows: Vec<Row> = parse_envelope("/c", fixture!("okx_market_candles.docs.json")).unwrap();
    assert!(!OkxCandle::try_from(&rows[0]).unwrap().confirmed);
    assert!(OkxCandle::try_from(&rows[1]).unwrap().confirmed);
    let t0 = 1_700_000_100_000;
    let rows = vec![row(t0 + 600_000, 101.0, "0"), row(t0 + 300_000, 102.0, "1"), row(t0, 103.0, "1")];
    let c = candles_from_rows(&rows, ms(t0), ms(t0 + 900_000), 300).unwrap();
    assert_eq!(c.len(), 2);
}

#[test]
fn newest_first_becomes_ascending_without_duplicates_or_strays() {
    let t0 = 1_700_000_100_000;
    let step = 300_000;
    // Newest first, a page overlap duplicate, one before start, one that closes after end.
    let rows = vec![
        row(t0 + 4 * step, 5.0, "1"),
        row(t0 + 3 * step, 4.0, "1"),
        row(t0 + 2 * step, 3.0, "1"),
        row(t0 + 2 * step, 3.0, "1"),
        row(t0 + step, 2.0, "1"),
        row(t0, 1.0, "1"),
        row(t0 - step, 0.5, "1"),
    ];
    let c = candles_from_rows(&rows, ms(t0), ms(t0 + 4 * step), 300).unwrap();
    let closes: Vec<f64> = c.iter().map(|c| c.close).collect();
    assert_eq!(closes, [1.0, 2.0, 3.0, 4.0]);
    assert!(c.windows(2).all(|w| w[0].open_time < w[1].open_time));
}

#[test]
fn short_or_bad_candle_rows_are_errors_not_panics() {
    let short: Row = serde_json::from_str(r#"["1700000000000","1","2"]"#).unwrap();
    assert!(OkxCandle::try_from(&short).unwrap_err().contains("columns"));
    let bad = serde_json::from_str::<Row>(r#"["1700000000000","x","2","1","1","1","1","1","1"]"#);
    assert!(bad.is_err(), "a non-number is rejected while parsing");
    let empty: Row = serde_json::from_str(r#"["1700000000000","","2","1","1","1","1","1","1"]"#).unwrap();
    assert!(OkxCandle::try_from(&empty).unwrap_err().contains("open"));
    assert!(candles_from_rows(&[], ms(0), ms(1), 300).unwrap().is_empty());
}

#[test]
fn open_interest_history_uses_oi_usd_ascending() {
    let rows: Vec<Row> =
        parse_envelope("/oi", fixture!("okx_rubik_contracts_open-interest-history.docs.comments-stripped.json"))
            .unwrap();
    let oi = oi_from_rows(&rows, 0, i64::MAX / 2).unwrap();
    assert_eq!(oi.len(), 2);
    assert_eq!(oi[0].time, ms(1_701_417_500_000));
    assert_eq!(oi[1].time, ms(1_701_417_600_000));
    assert_eq!(oi[0].oi_usd, 8_888_888.0);
    assert!(oi_from_rows(&rows, 1_701_417_550_000, i64::MAX / 2).unwrap().len() == 1);
}

#[test]
fn open_interest_volume_shape_is_rejected_with_a_reason() {
    // [ts, oi, vol]: a different endpoint's rows have no oiUsd column.
    let rows: Vec<Row> = parse_envelope("/oi", fixture!("okx_rubik_contracts_open-interest-volume.docs.json")).unwrap();
    let e = oi_from_rows(&rows, 0, i64::MAX / 2).unwrap_err();
    assert!(e.contains("oiUsd") && e.contains("3 columns"), "{e}");
}

#[test]
fn error_code_as_string_after_http_200() {
    let e = parse_envelope::<Vec<Row>>(
        "/api/v5/public/position-tiers",
        fixture!("okx_error_50015_uly_or_instFamily_required.json"),
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "okx: Either parameter uly or instFamily is required (code 50015) (/api/v5/public/position-tiers)"
    );
    let e = parse_envelope::<Vec<Row>>("/p", br#"{"code":"51001","msg":"Instrument ID does not exist","data":[]}"#)
        .unwrap_err();
    assert!(e.message.starts_with("okx: Instrument ID does not exist (code 51001)"), "{}", e.message);
}

#[test]
fn error_code_as_number_on_http_404() {
    let body = fixture!("okx_error_http404_unknown_path.json");
    assert_eq!(decode_error(404, body).as_deref(), Some("Not Found (code 404)"));
    assert!(parse_envelope::<Vec<Row>>("/x", body).unwrap_err().message.contains("(code 404)"));
    // No msg: the code and the HTTP status, and that OKX said nothing (no text of our own).
    assert_eq!(
        decode_error(429, br#"{"code":"50011","msg":""}"#).as_deref(),
        Some("OKX gave no message (code 50011, HTTP 429)")
    );
    assert_eq!(
        decode_error(400, br#"{"code":"51000"}"#).as_deref(),
        Some("OKX gave no message (code 51000, HTTP 400)")
    );
    assert_eq!(decode_error(502, b"<html>bad gateway</html>"), None);
}

#[test]
fn real_error_bodies_keep_the_venue_text_verbatim() {
    // The real bodies: the venue's msg, as written, with its code.
    let e50015 = fixture!("okx_error_50015_uly_or_instFamily_required.json");
    assert_eq!(
        decode_error(400, e50015).as_deref(),
        Some("Either parameter uly or instFamily is required (code 50015)")
    );
    assert_eq!(
        decode_error(404, fixture!("okx_error_http404_unknown_path.json")).as_deref(),
        Some("Not Found (code 404)")
    );
    // An envelope without msg says so and names the code.
    let e = parse_envelope::<Vec<Row>>("/api/v5/public/open-interest", br#"{"code":"50011","msg":"   ","data":[]}"#)
        .unwrap_err();
    assert_eq!(e.message, "okx: OKX gave no message (code 50011, HTTP 200) (/api/v5/public/open-interest)");
}

#[test]
fn malformed_json_names_venue_and_endpoint() {
    let e = parse_envelope::<Vec<Row>>("/api/v5/market/history-candles", b"{\"code\":\"0\",\"data\":[[").unwrap_err();
    assert!(e.message.starts_with("okx: malformed response from /api/v5/market/history-candles"), "{}", e.message);
    let e = parse_envelope::<Vec<Row>>("/p", br#"{"code":"0","msg":"","data":{"a":1}}"#).unwrap_err();
    assert!(e.message.contains("malformed"), "{}", e.message);
}

#[test]
fn instruments_give_tick_size_contract_value_and_bases() {
    let list: Vec<Instrument> =
        parse_envelope("/i", fixture!("okx_public_instruments_SWAP.real_2022-05-13.cryptofeed.json")).unwrap();
    let sol = list.iter().find(|i| i.inst_id == "SOL-USDT-SWAP").unwrap();
    assert_eq!((sol.tick_sz, sol.ct_val, sol.state.as_str()), (Some(0.001), Some(1.0), "live"));
    let btc = list.iter().find(|i| i.inst_id == "BTC-USDT-SWAP").unwrap();
    assert_eq!(btc.ct_val, Some(0.01));
    let bases = usdt_swap_bases(&list);
    assert!(bases.contains(&"SOL".to_string()) && !bases.iter().any(|b| b.contains('-')));
    assert_eq!(symbols::close_matches("SOLL", &bases)[0], "SOL");
    assert!(usdt_swap_bases(&[]).is_empty());
}

#[test]
fn position_tiers_become_contiguous_usd_tiers() {
    let rows: Vec<PositionTier> = parse_envelope("/t", fixture!("okx_public_position-tiers.ETH-USDT.json")).unwrap();
    // ETH-USDT-SWAP: ctVal 0.1 ETH; at 2000 USDT a contract is worth 200 USDT.
    let t = tiers_from_okx(&rows, "ETH-USDT", 0.1, 2000.0).unwrap();
    crate::model::tiers::validate(&t).unwrap();
    assert_eq!(t.len(), 3);
    assert_eq!((t[0].notional_floor, t[0].notional_cap, t[0].max_leverage, t[0].mmr), (0.0, 400_000.0, 75.0, 0.01));
    assert_eq!((t[1].notional_floor, t[1].notional_cap, t[1].mmr), (400_000.0, 800_000.0, 0.015));
    assert_eq!((t[2].notional_floor, t[2].notional_cap, t[2].max_leverage), (800_000.0, f64::INFINITY, 20.0));
}

#[test]
fn position_tiers_reject_other_families_and_bad_inputs() {
    let rows: Vec<PositionTier> = parse_envelope("/t", fixture!("okx_public_position-tiers.ETH-USDT.json")).unwrap();
    assert_eq!(tiers_from_okx(&rows, "SOL-USDT", 1.0, 100.0).unwrap_err(), "no tiers");
    assert!(tiers_from_okx(&rows, "ETH-USDT", f64::NAN, 100.0).unwrap_err().contains("contract value"));
    assert!(tiers_from_okx(&rows, "ETH-USDT", 0.1, 0.0).unwrap_err().contains("price"));
    assert_eq!(tiers_from_okx(&[], "ETH-USDT", 0.1, 1.0).unwrap_err(), "no tiers");
}

#[test]
fn funding_history_and_current_rate_ascending() {
    let hist: Vec<FundingHistory> =
        parse_envelope("/fh", fixture!("okx_public_funding-rate-history.docs-shape.json")).unwrap();
    let cur: Vec<FundingRate> = parse_envelope("/f", fixture!("okx_public_funding-rate.docs.json")).unwrap();
    let f = funding_points(&hist, cur.first(), 0);
    assert_eq!(f.len(), 3);
    assert_eq!(f[0].time, ms(1_703_059_200_000));
    assert_eq!(f[0].rate, 0.000227985782722);
    assert_eq!(f[2].time, ms(1_743_609_600_000));
    assert_eq!(f[2].rate, 0.0000182221218054);
    assert!(funding_points(&hist, None, 1_703_059_200_001).len() == 1);
    assert!(funding_points(&[], None, 0).is_empty());
}

#[test]
fn mark_price_parses() {
    let m: Vec<MarkPrice> = parse_envelope("/m", fixture!("okx_public_mark-price.docs-shape.json")).unwrap();
    assert_eq!(m[0].mark_px, Some(200.0));
}

#[test]
fn names_bars_and_periods() {
    assert_eq!((inst_id("SOL"), inst_family("SOL")), ("SOL-USDT-SWAP".to_string(), "SOL-USDT".to_string()));
    let bars: Vec<_> = [300, 900, 3600, 14_400, 86_400].iter().map(|&s| bar(s).unwrap()).collect();
    assert_eq!(bars, ["5m", "15m", "1H", "4H", "1Dutc"]);
    assert_eq!(bar(60), None);
    assert_eq!(oi_period(900, 86_400).0, "5m");
    assert_eq!(oi_period(300, 7 * 86_400).0, "1H", "a week of 5m samples would take 21 pages");
    assert_eq!(oi_period(14_400, 86_400).0, "1H");
    assert_eq!(oi_period(86_400, 86_400).0, "1D");
    assert_eq!(oi_period(3600, 30 * 86_400).0, "1D");
}

#[test]
fn time_pages_cover_the_range_once() {
    let p = time_pages(0, 1050, 10, 50);
    assert_eq!(p, [(0, 500), (500, 1000), (1000, 1050)]);
    assert!(time_pages(5, 5, 10, 50).is_empty());
}

#[test]
fn liquidation_pages_are_booked_at_least_the_gap_apart() {
    use super::liquidations::{Pacer, MIN_GAP};
    use std::time::{Duration, Instant};
    let t0 = Instant::now();
    let ms = Duration::from_millis;
    let mut p = Pacer::new(MIN_GAP);
    assert_eq!(p.next(t0), Duration::ZERO, "the first request goes at once");
    // Asked again 10 ms later: waits out the rest of the gap.
    assert_eq!(p.next(t0 + ms(10)), MIN_GAP - ms(10));
    // The second went at t0 + 50 ms; a third wanted at t0 + 70 ms waits until t0 + 100 ms.
    assert_eq!(p.next(t0 + ms(70)), MIN_GAP * 2 - ms(70));
    // Late (a slow answer): no wait, and the next is booked from then.
    assert_eq!(p.next(t0 + ms(500)), Duration::ZERO);
    assert_eq!(p.next(t0 + ms(501)), MIN_GAP - ms(1));
}
