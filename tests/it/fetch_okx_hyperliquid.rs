//! The OKX and Hyperliquid clients against a local mock of each API: paging, ordering,
//! normalisation and error reporting.

use crate::common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::mock_server::{MockServer, Reply, Seen};
use liqshot::fetch::{hyperliquid, okx, FetchError, Http, HttpConfig, Venue, VenueCtx};
use liqshot::model::snapshot::VenueSeries;
use serde_json::{json, Value};

/// 2025-11-01 12:30 UTC, on the 5-minute grid.
const T0: i64 = 1_762_000_200_000;
const STEP: i64 = 300_000;

fn http() -> Http {
    Http::new(HttpConfig { retries: 1, backoff: Duration::from_millis(10), ..Default::default() }).expect("client")
}

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).expect("time")
}

fn ctx<'a>(http: &'a Http, venue: Venue, server: &MockServer, base: &str, candles: i64) -> VenueCtx<'a> {
    VenueCtx {
        http,
        venue,
        base_url: server.base.clone(),
        base: base.to_string(),
        start: at(T0),
        end: at(T0 + candles * STEP),
        lookback_start: at(T0),
        interval_secs: 300,
        max_parallel: 4,
        liquidations_since: None,
    }
}

/// The mock's price path: a candle's open, high, low, close at `ts`.
fn ohlc(ts: i64) -> [f64; 4] {
    let p = 100.0 + ((ts / STEP) % 17) as f64;
    [p, p + 1.0, p - 1.0, p + 0.5]
}

fn volume(ts: i64) -> f64 {
    1.0 + ((ts / STEP) % 5) as f64
}

fn param(s: &Seen, k: &str) -> Option<i64> {
    s.param(k)?.parse().ok()
}

fn okx_json(data: Value) -> Reply {
    Reply::json(json!({"code": "0", "msg": "", "data": data}).to_string())
}

fn okx_error(code: &str, msg: &str) -> Reply {
    Reply::json(json!({"code": code, "msg": msg, "data": []}).to_string())
}

/// Times on `step` strictly between `before` and `after`, newest first, at most `limit`.
fn newest_first(before: i64, after: i64, step: i64, limit: i64) -> Vec<i64> {
    let newest = (after - 1).div_euclid(step) * step;
    (0..limit).map(|i| newest - i * step).take_while(|&t| t > before).collect()
}

/// `history-candles`: rows for `(before, after)`, newest first. The page reaching the end also
/// carries the still-open candle at `end` (`confirm` "0"), as a sloppy server might.
fn okx_candles(s: &Seen, end: i64) -> Option<Reply> {
    let (after, before, limit) = (param(s, "after")?, param(s, "before")?, param(s, "limit")?);
    let mut ts = newest_first(before, after, STEP, limit.min(100));
    if after >= end - 1 {
        ts.insert(0, end);
    }
    let rows: Vec<Value> = ts
        .iter()
        .map(|&t| {
            let [o, h, l, c] = ohlc(t);
            let confirm = if t >= end { "0" } else { "1" };
            json!([
                t.to_string(),
                o.to_string(),
                h.to_string(),
                l.to_string(),
                c.to_string(),
                "999",
                volume(t).to_string(),
                "0",
                confirm
            ])
        })
        .collect();
    Some(okx_json(Value::Array(rows)))
}

/// OKX's open interest at `t`: contracts, coins and USD differ so the column used shows.
fn okx_oi_usd(t: i64) -> f64 {
    1_000_000.0 + (t - T0) as f64 / 1000.0
}

fn okx_oi(s: &Seen) -> Option<Reply> {
    let (begin, end, limit) = (param(s, "begin")?, param(s, "end")?, param(s, "limit")?);
    let rows: Vec<Value> = newest_first(begin, end, STEP, limit.min(100))
        .iter()
        .map(|&t| json!([t.to_string(), "7", "3", okx_oi_usd(t).to_string()]))
        .collect();
    Some(okx_json(Value::Array(rows)))
}

fn okx_instruments(s: &Seen) -> Option<Reply> {
    let inst = |id: &str| json!({"instId": id, "instType": "SWAP", "ctVal": "1", "tickSz": "0.001", "state": "live"});
    match s.param("instId").as_deref() {
        None => Some(okx_json(json!([
            inst("BTC-USDT-SWAP"),
            inst("SOL-USDT-SWAP"),
            inst("SOLV-USDT-SWAP"),
            inst("BTC-USD-SWAP")
        ]))),
        Some("SOL-USDT-SWAP") => Some(okx_json(json!([inst("SOL-USDT-SWAP")]))),
        Some(_) => Some(okx_error("51001", "Instrument ID or Spread ID doesn't exist.")),
    }
}

/// An OKX mock for `SOL-USDT-SWAP` whose candles end at `end`; `first` adds routes that win
/// over the standard ones.
fn okx_server(end: i64, first: impl FnOnce(&MockServer)) -> MockServer {
    let server = MockServer::start();
    first(&server);
    server.handle("GET", "/api/v5/market/history-candles", move |s| okx_candles(s, end));
    server.handle("GET", "/api/v5/rubik/stat/contracts/open-interest-history", okx_oi);
    server.handle("GET", "/api/v5/public/instruments", okx_instruments);
    server.route(
        "GET",
        "/api/v5/public/mark-price",
        vec![okx_json(json!([{"instId": "SOL-USDT-SWAP", "markPx": "150.5"}]))],
    );
    server.route(
        "GET",
        "/api/v5/public/funding-rate",
        vec![okx_json(json!([{"fundingRate": "0.0001", "fundingTime": (end + 3_600_000).to_string()}]))],
    );
    server.route(
        "GET",
        "/api/v5/public/funding-rate-history",
        vec![okx_json(json!([
            {"fundingRate": "0.0002", "realizedRate": "0.00021", "fundingTime": (T0 + 28_800_000).to_string()},
            {"fundingRate": "0.0003", "realizedRate": "", "fundingTime": (T0 + 1_000).to_string()}
        ]))],
    );
    let tier = |n: u32, min: &str, max: &str, mmr: &str, lev: &str| json!({"tier": n.to_string(), "minSz": min, "maxSz": max, "mmr": mmr, "maxLever": lev, "instFamily": "SOL-USDT", "uly": "SOL-USDT", "instId": ""});
    server.route(
        "GET",
        "/api/v5/public/position-tiers",
        vec![okx_json(json!([tier(1, "0", "1000", "0.01", "50"), tier(2, "1001", "5000", "0.02", "20")]))],
    );
    server
}

fn fetch_err(r: Result<VenueSeries, FetchError>) -> String {
    match r {
        Ok(v) => panic!("expected an error, got {} candles", v.candles.len()),
        Err(e) => e.message,
    }
}

/// Candles are exactly the grid `[T0, T0 + n·STEP)`, once each, closed, in order.
fn assert_grid(v: &VenueSeries, n: i64) {
    assert_eq!(v.candles.len() as i64, n);
    for (i, c) in v.candles.iter().enumerate() {
        let t = T0 + i as i64 * STEP;
        assert_eq!(c.open_time, at(t), "candle #{i}");
        let [o, h, l, cl] = ohlc(t);
        assert_eq!((c.open, c.high, c.low, c.close, c.volume), (o, h, l, cl, volume(t)), "candle #{i}");
        assert_eq!(c.taker_buy_volume, None);
    }
}

#[test]
fn okx_pages_candles_and_open_interest_concurrently() {
    let n = 350;
    let end = T0 + n * STEP;
    let server = okx_server(end, |_| {});
    let http = http();
    let v = okx::fetch(&ctx(&http, Venue::Okx, &server, "SOL", n)).expect("okx fetch");
    assert_eq!((v.venue.as_str(), v.instrument.as_str()), ("okx", "SOL-USDT-SWAP"));
    assert_grid(&v, n);
    let pages = server.seen_path("/api/v5/market/history-candles");
    assert_eq!(pages.len(), 4, "350 candles in pages of 100");
    assert!(pages
        .iter()
        .all(|s| s.param("bar").as_deref() == Some("5m") && s.param("instId").as_deref() == Some("SOL-USDT-SWAP")));
    assert!(server.seen_path("/api/v5/rubik/stat/contracts/open-interest-history").len() >= 4);
    // Open interest: oiUsd, one per 5 minutes from one period before the start through the end.
    assert_eq!(v.open_interest.len() as i64, n + 2);
    assert_eq!(v.open_interest[0].time, at(T0 - STEP));
    assert!(v.open_interest.iter().all(|p| p.oi_usd == okx_oi_usd(p.time.timestamp_millis())));
    assert!(v.open_interest.windows(2).all(|w| w[0].time < w[1].time));
    assert_eq!((v.mark_price, v.tick_size), (Some(150.5), Some(0.001)));
    let rates: Vec<f64> = v.funding.iter().map(|f| f.rate).collect();
    assert_eq!(rates, [0.0003, 0.00021, 0.0001]);
    assert_eq!(v.margin_tiers_source, "okx /api/v5/public/position-tiers (fetched)");
    assert_eq!(v.margin_tiers.len(), 2);
    // 1000 contracts × ctVal 1 × last close.
    let last_close = v.candles.last().unwrap().close;
    assert_eq!(v.margin_tiers[0].notional_cap, 1000.0 * last_close);
    assert!(liqshot::model::tiers::validate(&v.margin_tiers).is_ok());
}

#[test]
fn okx_error_envelope_after_http_200_is_reported() {
    let n = 20;
    let server = okx_server(T0 + n * STEP, |s| {
        s.route("GET", "/api/v5/market/history-candles", vec![okx_error("51000", "Parameter bar error")]);
    });
    let http = http();
    let e = fetch_err(okx::fetch(&ctx(&http, Venue::Okx, &server, "SOL", n)));
    assert_eq!(e, "okx: Parameter bar error (code 51000) (/api/v5/market/history-candles)");
}

#[test]
fn okx_error_without_msg_names_code_and_http_status() {
    let n = 20;
    let server = okx_server(T0 + n * STEP, |s| {
        s.route("GET", "/api/v5/market/history-candles", vec![okx_error("50011", "").status(429)]);
    });
    let http = http();
    let e = fetch_err(okx::fetch(&ctx(&http, Venue::Okx, &server, "SOL", n)));
    assert!(
        e.starts_with("okx: OKX gave no message (code 50011, HTTP 429) from /api/v5/market/history-candles"),
        "{e}"
    );
    assert!(!e.contains("refused"), "{e}");
}

#[test]
fn okx_numeric_code_on_http_404_is_reported() {
    let n = 20;
    let body =
        r#"{"code":404,"data":{},"detailMsg":"","error_code":"404","error_message":"Not Found","msg":"Not Found"}"#;
    let server = okx_server(T0 + n * STEP, |s| {
        s.route("GET", "/api/v5/public/instruments", vec![Reply::json(body).status(404)]);
    });
    let http = http();
    let e = fetch_err(okx::fetch(&ctx(&http, Venue::Okx, &server, "SOL", n)));
    assert!(e.starts_with("okx: Not Found (code 404)"), "{e}");
}

#[test]
fn okx_unknown_instrument_lists_close_matches() {
    let n = 20;
    let server = okx_server(T0 + n * STEP, |_| {});
    let http = http();
    let e = fetch_err(okx::fetch(&ctx(&http, Venue::Okx, &server, "SOLL", n)));
    assert_eq!(e, "okx: no perpetual SOLL-USDT-SWAP: Instrument ID or Spread ID doesn't exist. (code 51001); close matches: SOLV, SOL");
}

#[test]
fn okx_malformed_json_is_reported() {
    let n = 20;
    let server = okx_server(T0 + n * STEP, |s| {
        s.route("GET", "/api/v5/market/history-candles", vec![Reply::json(r#"{"code":"0","msg":"","data":[["#)]);
    });
    let http = http();
    let e = fetch_err(okx::fetch(&ctx(&http, Venue::Okx, &server, "SOL", n)));
    assert!(e.starts_with("okx: malformed response from /api/v5/market/history-candles"), "{e}");
}

#[test]
fn okx_empty_candle_list_is_a_clear_error() {
    let n = 20;
    let server = okx_server(T0 + n * STEP, |s| {
        s.route("GET", "/api/v5/market/history-candles", vec![okx_json(json!([]))]);
    });
    let http = http();
    let e = fetch_err(okx::fetch(&ctx(&http, Venue::Okx, &server, "SOL", n)));
    assert!(e.starts_with("okx: no closed candles for SOL-USDT-SWAP"), "{e}");
}

#[test]
fn okx_tier_failure_falls_back_to_builtin_with_a_note() {
    let n = 20;
    let server = okx_server(T0 + n * STEP, |s| {
        s.route(
            "GET",
            "/api/v5/public/position-tiers",
            vec![okx_error("50015", "Either parameter uly or instFamily is required")],
        );
        s.route("GET", "/api/v5/public/funding-rate-history", vec![Reply::json("oops")]);
    });
    let http = http();
    let v = okx::fetch(&ctx(&http, Venue::Okx, &server, "SOL", n)).expect("fetch despite tier failure");
    assert!(v.margin_tiers_source.starts_with("built-in okx default"), "{}", v.margin_tiers_source);
    assert!(
        v.notes.iter().any(|n| n.contains("position tiers unavailable") && n.contains("code 50015")),
        "{:?}",
        v.notes
    );
    assert!(v.notes.iter().any(|n| n.contains("no funding history")), "{:?}", v.notes);
    assert_eq!(v.funding.len(), 1, "the current rate remains");
}

// ---------------------------------------------------------------- Hyperliquid

fn hl_meta() -> Value {
    json!([
        {"universe": [
            {"name": "BTC", "maxLeverage": 40, "szDecimals": 5},
            {"name": "SOL", "maxLeverage": 20, "szDecimals": 2},
            {"name": "kPEPE", "maxLeverage": 10, "szDecimals": 0}
        ]},
        [
            {"markPx": "100000", "openInterest": "10", "funding": "0.00001"},
            {"markPx": "150", "openInterest": "1000", "funding": "0.0000125"},
            {"markPx": "0.01", "openInterest": "5000000", "funding": "0.00002"}
        ]
    ])
}

/// `candleSnapshot` rows for `[startTime, endTime]` (inclusive), at most 5000; the answer that
/// reaches `end` also carries the still-open candle at `end`.
fn hl_candles(req: &Value, end: i64) -> Value {
    let (Some(s), Some(e), Some(coin)) = (req["startTime"].as_i64(), req["endTime"].as_i64(), req["coin"].as_str())
    else {
        return json!(null);
    };
    if coin == "KPEPE" {
        return json!([]);
    }
    let first = (s + STEP - 1).div_euclid(STEP) * STEP;
    let last = if e >= end - 1 { end } else { e };
    let rows: Vec<Value> = (0..5000)
        .map(|i| first + i * STEP)
        .take_while(|&t| t <= last)
        .map(|t| {
            let [o, h, l, c] = ohlc(t);
            json!({"t": t, "T": t + STEP - 1, "s": coin, "i": "5m", "o": o.to_string(), "h": h.to_string(),
                   "l": l.to_string(), "c": c.to_string(), "v": volume(t).to_string(), "n": 3})
        })
        .collect();
    Value::Array(rows)
}

fn hl_funding(req: &Value) -> Value {
    let (Some(s), Some(e)) = (req["startTime"].as_i64(), req["endTime"].as_i64()) else { return json!(null) };
    let hour = 3_600_000;
    let first = (s + hour - 1).div_euclid(hour) * hour;
    let rows: Vec<Value> = (0..500)
        .map(|i| first + i * hour)
        .take_while(|&t| t <= e)
        .map(|t| json!({"coin": req["coin"], "fundingRate": "0.00001", "premium": "0", "time": t}))
        .collect();
    Value::Array(rows)
}

/// A Hyperliquid mock; `first` adds routes that win over the standard one.
fn hl_server(end: i64, first: impl FnOnce(&MockServer)) -> MockServer {
    let server = MockServer::start();
    first(&server);
    server.handle("POST", "/info", move |s| {
        let req: Value = serde_json::from_str(&s.body).ok()?;
        let body = match req["type"].as_str()? {
            "metaAndAssetCtxs" => hl_meta(),
            "candleSnapshot" => hl_candles(&req["req"], end),
            "fundingHistory" => hl_funding(&req),
            _ => return Some(Reply::json("Failed to deserialize the JSON body into the target type").status(422)),
        };
        Some(Reply::json(body.to_string()))
    });
    server
}

fn hl_types(server: &MockServer, kind: &str) -> Vec<Value> {
    server
        .seen_path("/info")
        .iter()
        .filter_map(|s| serde_json::from_str::<Value>(&s.body).ok())
        .filter(|v| v["type"] == kind)
        .collect()
}

#[test]
fn hyperliquid_pages_candles_and_estimates_open_interest() {
    let n = 10_500;
    let end = T0 + n * STEP;
    let server = hl_server(end, |_| {});
    let http = http();
    let v = hyperliquid::fetch(&ctx(&http, Venue::Hyperliquid, &server, "SOL", n)).expect("hyperliquid fetch");
    assert_eq!((v.venue.as_str(), v.instrument.as_str()), ("hyperliquid", "SOL"));
    assert_grid(&v, n);
    let pages = hl_types(&server, "candleSnapshot");
    assert_eq!(pages.len(), 3, "10 500 candles in pages of 5000");
    assert!(pages.iter().all(|p| p["req"]["coin"] == "SOL" && p["req"]["interval"] == "5m"));
    assert_eq!(hl_types(&server, "metaAndAssetCtxs").len(), 1);
    // Open interest: 1000 SOL × mark 150 spread by cumulative volume, one point per close.
    let oi = &v.open_interest;
    assert_eq!(oi.len() as i64, n);
    assert_eq!(oi.last().unwrap().oi_usd, 150_000.0);
    assert!(oi.windows(2).all(|w| w[0].oi_usd <= w[1].oi_usd && w[0].time < w[1].time));
    let total: f64 = v.candles.iter().map(|c| c.volume).sum();
    let expect_first = 150_000.0 * v.candles[0].volume / total;
    assert!((oi[0].oi_usd - expect_first).abs() < 1e-6);
    assert_eq!(oi[0].time, at(T0 + STEP));
    assert!(v.notes.iter().any(|n| n == hyperliquid::OI_NOTE));
    assert_eq!(v.mark_price, Some(150.0));
    assert_eq!(v.margin_tiers_source, "hyperliquid maxLeverage (fetched; no marginTables in the answer)");
    assert_eq!((v.margin_tiers[0].max_leverage, v.margin_tiers[0].mmr), (20.0, 0.025));
    // Hourly funding over the lookback, then the current rate at the end.
    assert!(v.funding.len() > 100);
    assert_eq!(v.funding.last().map(|f| (f.time, f.rate)), Some((at(end), 0.0000125)));
    assert!(v.funding.windows(2).all(|w| w[0].time < w[1].time));
}

#[test]
fn hyperliquid_margin_tables_give_the_tiers() {
    // The recorded `meta` answer (with its marginTables) as the first element of
    // metaAndAssetCtxs; the contexts beside it are made up.
    let meta = std::fs::read_to_string(
        "tests/fixtures/fetch/hyperliquid/hyperliquid_meta.nautilus-trader_http_meta_perp_sample.json",
    )
    .unwrap();
    let body = format!(
        r#"[{meta},[{{"markPx":"100000","openInterest":"10","funding":"0.00001"}},{{"markPx":"3000","openInterest":"100","funding":"0.00001"}},{{"markPx":"5","openInterest":"1000","funding":"0.00001"}}]]"#
    );
    let n = 30;
    let server = hl_server(T0 + n * STEP, move |s| {
        s.handle("POST", "/info", move |s| s.body.contains("metaAndAssetCtxs").then(|| Reply::json(body.clone())));
    });
    let http = http();
    let v = hyperliquid::fetch(&ctx(&http, Venue::Hyperliquid, &server, "BTC", n)).expect("BTC");
    assert_eq!(v.margin_tiers_source, "hyperliquid marginTables #56 \"tiered 40x\" (fetched)");
    let tiers: Vec<_> =
        v.margin_tiers.iter().map(|t| (t.notional_floor, t.max_leverage, t.mmr, t.maint_amount)).collect();
    assert_eq!(tiers, [(0.0, 40.0, 0.0125, Some(0.0)), (150_000_000.0, 20.0, 0.025, Some(1_875_000.0))]);
    let v = hyperliquid::fetch(&ctx(&http, Venue::Hyperliquid, &server, "ATOM", n)).expect("ATOM");
    assert_eq!(v.margin_tiers_source, "hyperliquid maxLeverage (fetched; margin table #5 not in the answer)");
    assert_eq!((v.margin_tiers.len(), v.margin_tiers[0].mmr), (1, 0.1));
}

#[test]
fn hyperliquid_coin_spelled_differently_is_requested_again() {
    let n = 30;
    let server = hl_server(T0 + n * STEP, |_| {});
    let http = http();
    let v = hyperliquid::fetch(&ctx(&http, Venue::Hyperliquid, &server, "KPEPE", n)).expect("kPEPE");
    assert_eq!(v.instrument, "kPEPE");
    assert_eq!(v.candles.len() as i64, n);
    assert_eq!(v.margin_tiers[0].mmr, 0.05);
}

#[test]
fn hyperliquid_unknown_coin_lists_close_matches() {
    let n = 30;
    let server = hl_server(T0 + n * STEP, |_| {});
    let http = http();
    let e = fetch_err(hyperliquid::fetch(&ctx(&http, Venue::Hyperliquid, &server, "SOLL", n)));
    assert_eq!(e, "hyperliquid: no perpetual SOLL (3 coins listed); close matches: SOL");
}

#[test]
fn hyperliquid_malformed_json_is_reported() {
    let n = 30;
    let server = hl_server(T0 + n * STEP, |s| {
        s.handle("POST", "/info", |s| s.body.contains("metaAndAssetCtxs").then(|| Reply::json("[{\"universe\":")));
    });
    let http = http();
    let e = fetch_err(hyperliquid::fetch(&ctx(&http, Venue::Hyperliquid, &server, "SOL", n)));
    assert!(e.starts_with("hyperliquid: malformed response from /info (metaAndAssetCtxs)"), "{e}");
}

#[test]
fn hyperliquid_empty_lists_are_clear_errors() {
    let n = 30;
    let server = hl_server(T0 + n * STEP, |s| {
        s.handle("POST", "/info", |s| s.body.contains("candleSnapshot").then(|| Reply::json("[]")));
    });
    let http = http();
    let e = fetch_err(hyperliquid::fetch(&ctx(&http, Venue::Hyperliquid, &server, "SOL", n)));
    assert!(e.starts_with("hyperliquid: no closed candles for SOL"), "{e}");

    let server = hl_server(T0 + n * STEP, |s| {
        s.handle("POST", "/info", |s| {
            s.body.contains("metaAndAssetCtxs").then(|| Reply::json(r#"[{"universe":[]},[]]"#))
        });
    });
    let e = fetch_err(hyperliquid::fetch(&ctx(&http, Venue::Hyperliquid, &server, "SOL", n)));
    assert_eq!(e, "hyperliquid: no perpetual SOL (0 coins listed); no close matches");
}

#[test]
fn hyperliquid_http_error_text_is_reported() {
    let n = 30;
    let server = hl_server(T0 + n * STEP, |s| {
        s.handle("POST", "/info", |s| {
            s.body.contains("metaAndAssetCtxs").then(|| Reply::json("Failed to deserialize the JSON body").status(422))
        });
    });
    let http = http();
    let e = fetch_err(hyperliquid::fetch(&ctx(&http, Venue::Hyperliquid, &server, "SOL", n)));
    assert!(e.starts_with("hyperliquid: HTTP 422: Failed to deserialize the JSON body ("), "{e}");
    assert!(e.ends_with("/info)"), "{e}");
}
