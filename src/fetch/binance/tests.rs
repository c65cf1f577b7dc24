//! Fixture-based tests of the Binance parsers and conversions.

use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/fetch/binance/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn t(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap()
}

#[test]
fn docs_kline_row_parses_with_taker_buy_volume() {
    // The docs row is a weekly candle: open 1499040000000, close time 1499644799999.
    let body = fixture("klines.docs.json");
    let week = 7 * 86_400;
    let c = parse_klines(&body, t(1_499_040_000_000), t(1_499_040_000_000 + week * 1000), week).unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].open_time, t(1_499_040_000_000));
    assert_eq!((c[0].open, c[0].high, c[0].low, c[0].close), (0.0163479, 0.8, 0.015758, 0.015771));
    assert_eq!(c[0].volume, 148_976.114_278_15);
    assert_eq!(c[0].taker_buy_volume, Some(1_756.874_023_97));
}

#[test]
fn open_candle_and_out_of_range_rows_are_dropped() {
    let row =
        |ms: i64, c: &str| format!(r#"[{ms},"10","12","9","{c}","100",{},"1000",5,"40","400","0"]"#, ms + 299_999);
    // Out of order, one before start, one duplicate, the last one still open at `end`.
    let body = format!(
        "[{},{},{},{},{}]",
        row(600_000, "11"),
        row(0, "10"),
        row(300_000, "10.5"),
        row(300_000, "10.5"),
        row(900_000, "11.5")
    );
    let c = parse_klines(body.as_bytes(), t(300_000), t(1_000_000), 300).unwrap();
    let times: Vec<_> = c.iter().map(|c| c.open_time.timestamp_millis()).collect();
    assert_eq!(times, [300_000, 600_000]);
}

#[test]
fn kline_rows_accept_numbers_and_extra_columns_but_not_short_rows() {
    let body = br#"[[300000,10,12,9,11,100,599999,1000,5,40,400,"0","extra"]]"#;
    let c = parse_klines(body, t(0), t(600_000), 300).unwrap();
    assert_eq!((c[0].close, c[0].taker_buy_volume), (11.0, Some(40.0)));
    let short = br#"[[300000,"10","12","9","11","100"]]"#;
    let e = parse_klines(short, t(0), t(600_000), 300).unwrap_err();
    assert!(e.message.starts_with("binance: /fapi/v1/klines: unexpected JSON:"), "{e}");
    let bad = br#"[[300000,"10","12","9","-1","100",599999,"1",5,"4","4","0"]]"#;
    assert!(parse_klines(bad, t(0), t(600_000), 300).unwrap_err().message.contains("positive"));
}

#[test]
fn open_interest_timestamps_as_strings_or_numbers() {
    let docs = parse_open_interest(&fixture("openInterestHist.docs.json")).unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].time, t(1_583_127_900_000));
    assert_eq!(docs[0].oi_usd, "150570784.07809979".parse::<f64>().unwrap());
    assert!(docs[0].time < docs[1].time);
    let live = parse_open_interest(&fixture("openInterestHist.connector-rust.json")).unwrap();
    assert_eq!((live[0].time, live[0].oi_usd), (t(1_591_261_042_378), 176_196_512.123_456_78));
    assert!(parse_open_interest(br#"[{"timestamp":"x","sumOpenInterestValue":"1"}]"#).is_err());
}

#[test]
fn funding_mark_and_tick_size() {
    let f = parse_funding(&fixture("fundingRate.connector-rust.json")).unwrap();
    assert_eq!((f[0].time, f[0].rate), (t(1_570_608_000_000), -0.0375));
    assert_eq!(parse_mark(&fixture("premiumIndex.docs.json")).unwrap(), 11_793.631_045_62);
    assert_eq!(parse_mark(&fixture("premiumIndex.connector-rust.json")).unwrap(), 11_793.631_045_62);
    let small: wire::ExchangeInfo = parse(EXCHANGE_INFO, &fixture("exchangeInfo.connector-rust.json")).unwrap();
    assert_eq!(tick_size(&small, "BLZUSDT"), Some(0.0001));
    assert_eq!(tick_size(&small, "SOLUSDT"), None);
    let real: wire::ExchangeInfo =
        parse(EXCHANGE_INFO, &fixture("exchangeInfo.real_2021-07-21.cryptofeed.json")).unwrap();
    assert_eq!(tick_size(&real, "BTCUSDT"), Some(0.01));
    let bases = perpetual_bases(&real);
    assert!(bases.contains(&"BTC".to_string()) && bases.contains(&"SOL".to_string()));
    assert!(symbols::close_matches("SOLA", &bases).contains(&"SOL".to_string()));
}

#[test]
fn error_bodies_decode() {
    let body = fixture("error_invalid_symbol.json");
    assert_eq!(decode_error(400, &body).unwrap(), "invalid symbol (code -1121)");
    assert_eq!(
        decode_error(400, br#"{"code":-1100,"msg":"Illegal characters found."}"#).unwrap(),
        "Illegal characters found (code -1100)"
    );
    assert_eq!(decode_error(502, b"<html>bad gateway</html>"), None);
    let e = FetchError::new(format!("binance: {} (/fapi/v1/klines)", decode_error(400, &body).unwrap()));
    let info: wire::ExchangeInfo =
        parse(EXCHANGE_INFO, &fixture("exchangeInfo.real_2021-07-21.cryptofeed.json")).unwrap();
    let e = explain_invalid_symbol(e, "SOLAUSDT", "SOLA", Some(&info));
    assert!(e.message.starts_with("binance: invalid symbol SOLAUSDT (code -1121); close matches: "), "{e}");
    assert!(e.message.contains("SOL"), "{e}");
    let other = explain_invalid_symbol(FetchError::new("binance: HTTP 500"), "X", "X", None);
    assert_eq!(other.message, "binance: HTTP 500");
}

#[test]
fn open_interest_start_is_clamped_to_30_days() {
    let end = t(1_700_000_000_000 - 1_700_000_000_000 % 300_000);
    let from = oi_start(end - Duration::days(60), end, 300);
    assert_eq!(from, end - Duration::days(30));
    assert_eq!(oi_start(end - Duration::days(2), end, 300), end - Duration::days(2));
}

#[test]
fn intervals_and_pages() {
    assert_eq!(
        [300, 900, 3600, 14_400, 86_400].map(interval_name),
        [Some("5m"), Some("15m"), Some("1h"), Some("4h"), Some("1d")]
    );
    assert_eq!(interval_name(60), None);
    let p = time_pages(t(0).timestamp_millis(), t(3_000 * 300_000).timestamp_millis(), 300_000, 1500);
    assert_eq!(p, [(0, 450_000_000), (450_000_000, 900_000_000)]);
    assert_eq!(instrument("sol"), "SOLUSDT");
}
