//! Fixture-based tests of the Bybit parsers and conversions.

use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/fetch/bybit/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn t(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap()
}

fn candle(ms: i64, open: f64, close: f64) -> Candle {
    let (high, low) = (open.max(close), open.min(close));
    Candle { open_time: t(ms), open, high, low, close, volume: 1.0, taker_buy_volume: None }
}

#[test]
fn docs_klines_newest_first_become_ascending() {
    // Hourly rows 1670601600000, 1670605200000, 1670608800000 listed newest first.
    let c = parse_klines(&fixture("kline.json"), t(1_670_601_600_000), t(1_670_612_400_000), 3600).unwrap();
    let times: Vec<_> = c.iter().map(|c| c.open_time.timestamp_millis()).collect();
    assert_eq!(times, [1_670_601_600_000, 1_670_605_200_000, 1_670_608_800_000]);
    assert_eq!(
        (c[2].open, c[2].high, c[2].low, c[2].close, c[2].volume),
        (17071.0, 17073.0, 17027.0, 17055.5, 268_611.0)
    );
    assert!(c.iter().all(|c| c.taker_buy_volume.is_none()));
}

#[test]
fn open_candle_is_dropped() {
    // `end` falls inside the newest candle: it is still open.
    let c = parse_klines(&fixture("kline.json"), t(0), t(1_670_610_000_000), 3600).unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(c[1].open_time, t(1_670_605_200_000));
}

#[test]
fn kline_rows_accept_numbers_and_reject_short_rows() {
    let body = br#"{"retCode":0,"retMsg":"OK","result":{"list":[[600000,10,12,9,11,5,55,"x"],["300000","10","12","9","11","5","55"]]}}"#;
    let c = parse_klines(body, t(0), t(900_000), 300).unwrap();
    assert_eq!(c.len(), 2);
    assert!(c[0].open_time < c[1].open_time);
    let short = br#"{"retCode":0,"retMsg":"OK","result":{"list":[["300000","10","12"]]}}"#;
    let e = parse_klines(short, t(0), t(900_000), 300).unwrap_err();
    assert!(e.message.starts_with("bybit: /v5/market/kline: unexpected JSON:"), "{e}");
}

#[test]
fn open_interest_prefers_single_side_and_converts_coins_to_usd() {
    let rows = parse_open_interest(&fixture("open-interest.json")).unwrap();
    assert_eq!(rows.len(), 5);
    assert!(rows.windows(2).all(|w| w[0].timestamp < w[1].timestamp));
    assert_eq!(rows[0].single_open_interest, Some(31_971_156.0));
    // Daily candles covering the samples; each sample is priced with the close of the candle
    // that closed at its time (the previous day).
    let day = 86_400_000;
    let first = rows[0].timestamp;
    let candles: Vec<Candle> =
        (0..6).map(|i| candle(first - day + i * day, 100.0 + i as f64, 101.0 + i as f64)).collect();
    let (oi, fields) = oi_to_usd(&rows, &candles, 86_400).unwrap();
    assert_eq!(fields, [OiField::SingleOpenInterest]);
    assert_eq!(oi.len(), 5);
    assert_eq!(oi[0].time, t(first));
    assert_eq!(oi[0].oi_usd, 31_971_156.0 * 101.0);
    assert_eq!(oi[4].oi_usd, 31_955_346.0 * 105.0);
}

#[test]
fn open_interest_without_single_side_is_one_side_not_halved() {
    let body = br#"{"retCode":0,"retMsg":"OK","result":{"list":[{"openInterest":"10","timestamp":600000},{"openInterest":8,"timestamp":"300000"}],"nextPageCursor":""}}"#;
    let rows = parse_open_interest(body).unwrap();
    let candles = [candle(300_000, 50.0, 60.0), candle(600_000, 60.0, 70.0)];
    let (oi, fields) = oi_to_usd(&rows, &candles, 300).unwrap();
    assert_eq!(fields, [OiField::OpenInterest]);
    // 300000 is inside the first candle (its open), 600000 is after it closed (its close).
    assert_eq!(oi.iter().map(|p| p.oi_usd).collect::<Vec<_>>(), [8.0 * 50.0, 10.0 * 60.0]);
    // A sample before the first candle is dropped.
    assert_eq!(price_at(&candles, 0, 300), None);
    assert!(oi_note(&fields).contains("openInterest (one side"), "{}", oi_note(&fields));
}

#[test]
fn real_capture_open_interest_is_taken_whole() {
    // A live BTCUSDT answer of 2026-08-15 (tests/fixtures/fetch/real-2026-08/): no singleOpenInterest.
    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/fetch/real-2026-08/bybit_open-interest_BTCUSDT_1h.json"
    ))
    .unwrap();
    let rows = parse_open_interest(&body).unwrap();
    assert_eq!(
        rows.iter().map(|r| (r.timestamp, r.single_open_interest)).collect::<Vec<_>>(),
        [(1_786_816_800_000, None), (1_786_820_400_000, None)]
    );
    let candles: Vec<Candle> = (0..3).map(|i| candle(1_786_813_200_000 + i * 3_600_000, 60_000.0, 60_000.0)).collect();
    let (oi, fields) = oi_to_usd(&rows, &candles, 3600).unwrap();
    assert_eq!(fields, [OiField::OpenInterest]);
    assert_eq!(oi[1].oi_usd, 64_992.054 * 60_000.0);
}

#[test]
fn funding_mark_and_tick_size() {
    let f = parse_funding(&fixture("funding-history.json")).unwrap();
    assert_eq!((f[0].time, f[0].rate), (t(1_672_041_600_000), 0.0001));
    assert_eq!(parse_mark(&fixture("tickers.json"), "BTCUSD").unwrap(), 114_898.43);
    assert!(parse_mark(&fixture("tickers.json"), "SOLUSDT").is_err());
    let info = br#"{"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[
        {"symbol":"SOLUSDT","contractType":"LinearPerpetual","baseCoin":"SOL","quoteCoin":"USDT","priceFilter":{"tickSize":"0.010"}},
        {"symbol":"SOLVUSDT","contractType":"LinearPerpetual","baseCoin":"SOLV","quoteCoin":"USDT","priceFilter":{"tickSize":0.0001}},
        {"symbol":"SOL-26DEC25","contractType":"LinearFutures","baseCoin":"SOL","quoteCoin":"USDC"}],"nextPageCursor":""}}"#;
    assert_eq!(parse_tick_size(info, "SOLUSDT").unwrap(), Some(0.01));
    assert_eq!(parse_tick_size(info, "BTCUSDT").unwrap(), None);
    assert_eq!(perpetual_bases(info).unwrap(), ["SOL", "SOLV"]);
}

#[test]
fn risk_limit_docs_example_reads_as_percent() {
    // The docs row: maintenanceMargin "0.5", initialMargin "1", maxLeverage "100.00",
    // mmDeduction "" → 0.5 % maintenance, 1 % initial (= 1/100x), amount derived.
    let rows: Vec<wire::RiskLimit> = parse_list(RISK_LIMIT, &fixture("risk-limit.ellipsis-removed.json")).unwrap();
    let t = margin_tiers(rows, "BTCUSD").unwrap();
    assert_eq!(t.len(), 1);
    assert_eq!((t[0].notional_floor, t[0].notional_cap, t[0].max_leverage, t[0].mmr), (0.0, 150.0, 100.0, 0.005));
    assert_eq!(t[0].maint_amount, None);
    assert!(tiers::validate(&t).is_ok());
}

#[test]
fn risk_limit_fractions_several_tiers_newest_order() {
    let body = br#"{"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[
        {"id":2,"symbol":"SOLUSDT","riskLimitValue":"400000","maintenanceMargin":"0.015","initialMargin":"0.0333","maxLeverage":"30.00","mmDeduction":"1000"},
        {"id":1,"symbol":"SOLUSDT","riskLimitValue":"200000","maintenanceMargin":"0.01","initialMargin":"0.02","maxLeverage":"50.00","mmDeduction":"0"},
        {"id":9,"symbol":"BTCUSDT","riskLimitValue":"2000000","maintenanceMargin":"0.005","initialMargin":"0.01","maxLeverage":"100.00","mmDeduction":""}]}}"#;
    let rows: Vec<wire::RiskLimit> = parse_list(RISK_LIMIT, body).unwrap();
    let t = margin_tiers(rows, "SOLUSDT").unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!((t[0].notional_cap, t[0].mmr, t[0].maint_amount), (200_000.0, 0.01, Some(0.0)));
    assert_eq!(
        (t[1].notional_floor, t[1].notional_cap, t[1].mmr, t[1].maint_amount),
        (200_000.0, 400_000.0, 0.015, Some(1000.0))
    );
    assert!(tiers::validate(&t).is_ok());
    // Rates that fit neither reading are refused rather than guessed.
    let bad = br#"{"retCode":0,"retMsg":"OK","result":{"list":[{"riskLimitValue":"1","maintenanceMargin":"0.5","initialMargin":"0.3","maxLeverage":"100"}]}}"#;
    assert!(margin_tiers(parse_list(RISK_LIMIT, bad).unwrap(), "X").is_err());
}

#[test]
fn ret_code_errors_decode() {
    let body = br#"{"retCode":10001,"retMsg":"params error: symbol invalid","result":{},"retExtInfo":{},"time":1672051897447}"#;
    let e = parse_klines(body, t(0), t(1), 300).unwrap_err();
    assert_eq!(e.message, "bybit: params error: symbol invalid (retCode 10001)");
    assert!(is_invalid_symbol(&e));
    assert!(!is_invalid_symbol(&FetchError::new("bybit: params error: limit (retCode 10001)")));
    assert_eq!(
        decode_error(403, br#"{"retCode":10006,"retMsg":"Too many visits!"}"#).unwrap(),
        "Too many visits! (retCode 10006)"
    );
    assert_eq!(decode_error(403, b"<html>forbidden</html>"), None);
    let e = parse_open_interest(b"{\"retCode\":0,\"result\":{\"list\":[{\"timestamp\":1}]}}").unwrap_err();
    assert!(e.message.starts_with("bybit: /v5/market/open-interest: unexpected JSON:"), "{e}");
}

#[test]
fn intervals_and_pages() {
    assert_eq!(
        [300, 900, 3600, 14_400, 86_400].map(kline_interval),
        [Some("5"), Some("15"), Some("60"), Some("240"), Some("D")]
    );
    assert_eq!(
        [300, 900, 3600, 14_400, 86_400].map(oi_interval),
        [Some("5min"), Some("15min"), Some("1h"), Some("4h"), Some("1d")]
    );
    assert_eq!(kline_interval(60), None);
    assert_eq!(time_pages(t(0).timestamp_millis(), t(450 * 300_000).timestamp_millis(), 300_000, 200).len(), 3);
}
