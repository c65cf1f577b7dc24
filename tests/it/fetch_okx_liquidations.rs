//! OKX realized liquidations (`public/liquidation-orders`) against a server on 127.0.0.1: paging
//! with the `after` cursor to the lookback or as far as the venue keeps, empty answers, rate
//! limiting (HTTP 429 and code 50011), an error answer (a warning and a note, never fatal), the
//! contract-size conversion and side mapping on a real recorded answer, and the cache building a
//! history longer than the venue's window over two runs.
//!
//! The rest of the OKX API comes from the fake exchange (tests/common/fake_exchange.rs), whose
//! rows exist up to the real current time.

use crate::common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use common::fake_exchange::{self, okx_liquidation_details, okx_liquidations_page};
use common::mock_server::{MockServer, Reply, Seen};
use liqshot::fetch::{fetch, FetchOptions, FetchReport, HttpConfig, Venue};
use liqshot::model::snapshot::{Liquidation, Side};
use serde_json::Value;

const PATH: &str = "/api/v5/public/liquidation-orders";
const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
/// The fake exchange's contract value of BTC-USDT-SWAP (coins per contract).
const CT_VAL: f64 = 0.01;

fn options(server: &MockServer, lookback_secs: i64, now: DateTime<Utc>, cache: Option<&Path>) -> FetchOptions {
    FetchOptions {
        symbol: "BTC".into(),
        venues: vec![Venue::Okx],
        lookback_secs,
        interval_secs: 300,
        urls: vec![(Venue::Okx, server.base.clone())],
        http: HttpConfig { retries: 2, backoff: Duration::from_millis(10), ..Default::default() },
        max_parallel_per_venue: 6,
        now,
        cache: cache.map(Path::to_path_buf),
        measured: None,
    }
}

fn run(opts: &FetchOptions) -> FetchReport {
    let r = fetch(opts).expect("fetch from the fake exchange");
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    r
}

fn liquidations(r: &FetchReport) -> &[Liquidation] {
    &r.snapshot.venues[0].liquidations
}

/// `(start, end)` of the fetch in ms: `end` the capture time, `start` a lookback before it.
fn span(r: &FetchReport, lookback_secs: i64) -> (i64, i64) {
    let end = r.snapshot.captured_at.timestamp_millis();
    (end - lookback_secs * 1000, end)
}

/// What the client must make of the server's details with times in `[lo, hi)`, worked out
/// here from the raw JSON: side from posSide, else the opposite of the closing order; USD =
/// sz (contracts) × ctVal × bkPx; ascending by time.
fn expected(lo: i64, hi: i64) -> Vec<Liquidation> {
    let mut out: Vec<Liquidation> = okx_liquidation_details(lo, hi - 1)
        .iter()
        .map(|d| {
            let f = |k: &str| d[k].as_str().unwrap().parse::<f64>().unwrap();
            let side = match (d.get("posSide").and_then(Value::as_str), d["side"].as_str()) {
                (Some("long"), _) | (None, Some("sell")) => Side::Long,
                (Some("short"), _) | (None, Some("buy")) => Side::Short,
                other => panic!("fake detail with sides {other:?}"),
            };
            let time = DateTime::from_timestamp_millis(f("ts") as i64).unwrap();
            Liquidation { time, side, price: f("bkPx"), usd: f("sz") * CT_VAL * f("bkPx") }
        })
        .collect();
    out.reverse();
    out
}

fn param(s: &Seen, k: &str) -> Option<i64> {
    s.param(k).and_then(|v| v.parse().ok())
}

/// The oldest detail time in a page body.
fn oldest_in(body: &Value) -> Option<i64> {
    body["data"]
        .as_array()?
        .iter()
        .flat_map(|o| o["details"].as_array().unwrap())
        .map(|d| d["ts"].as_str().unwrap().parse().unwrap())
        .min()
}

/// Liquidation pages over `[lo, hi]` (now-relative, as the fake's), recording when each
/// request arrived and what it answered.
fn paged(server: &MockServer, lo: i64, hi: i64) -> Arc<Mutex<Vec<(Instant, Value)>>> {
    let log: Arc<Mutex<Vec<(Instant, Value)>>> = Arc::default();
    let l = log.clone();
    server.handle("GET", PATH, move |q| {
        let now = Utc::now().timestamp_millis();
        let reply = okx_liquidations_page(q, now + lo, now + hi)?;
        l.lock().unwrap().push((Instant::now(), serde_json::from_slice(&reply.body).unwrap()));
        Some(reply)
    });
    log
}

#[test]
fn pages_back_with_the_after_cursor_until_the_lookback() {
    let log = Arc::new(Mutex::new(None));
    let server = fake_exchange::start(|s| {
        *log.lock().unwrap() = Some(paged(s, -24 * HOUR, 0));
    });
    let lookback = 20 * 3600;
    let r = run(&options(&server, lookback, Utc::now(), None));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let seen = server.seen_path(PATH);
    // 20 h hold about 109 liquidations (one every 11 minutes): a full page of 100, then a
    // second page that reaches past the lookback's start; no third request.
    assert_eq!(seen.len(), 2, "{seen:?}");
    for s in &seen {
        let q = |k: &str| s.param(k).unwrap_or_default();
        assert_eq!(
            (q("instType"), q("instFamily"), q("state"), q("limit")),
            ("SWAP".into(), "BTC-USDT".into(), "filled".into(), "100".into())
        );
    }
    let answers = log.lock().unwrap().take().unwrap();
    let answers = answers.lock().unwrap();
    assert_eq!(param(&seen[0], "after"), None);
    // The cursor: one millisecond past the first page's oldest detail.
    assert_eq!(param(&seen[1], "after"), Some(oldest_in(&answers[0].1).unwrap() + 1));
    let (start, end) = span(&r, lookback);
    let want = expected(start, end);
    assert!((105..=112).contains(&want.len()), "{}", want.len());
    assert_eq!(liquidations(&r), want.as_slice());
    assert!(want.iter().any(|l| l.side == Side::Long) && want.iter().any(|l| l.side == Side::Short));
    assert!(
        r.snapshot
            .notes
            .iter()
            .any(|n| n.starts_with(&format!("okx: {} realized liquidations from {PATH} (2 pages", want.len()))),
        "{:?}",
        r.snapshot.notes
    );
}

#[test]
fn stops_where_the_venue_keeps_no_more() {
    let log = Arc::new(Mutex::new(None));
    let server = fake_exchange::start(|s| {
        *log.lock().unwrap() = Some(paged(s, -24 * HOUR, 0));
    });
    let lookback = 3 * 86_400;
    let r = run(&options(&server, lookback, Utc::now(), None));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let seen = server.seen_path(PATH);
    // 24 h of liquidations (about 131): two pages, then a third from one millisecond past the
    // second's oldest that holds only that one again: nothing older, the paging ends.
    assert_eq!(seen.len(), 3, "{seen:?}");
    let answers = log.lock().unwrap().take().unwrap();
    let answers = answers.lock().unwrap();
    let last = answers[2].1["data"][0]["details"].as_array().unwrap();
    assert_eq!(last.len(), 1);
    assert_eq!(last[0]["ts"].as_str().unwrap().parse::<i64>().unwrap(), oldest_in(&answers[1].1).unwrap());
    // The pacing (40 requests per 2 s) is what the client books, checked in
    // src/fetch/okx/tests.rs with an injected clock: a loaded server's clock proves nothing.
    let (start, end) = span(&r, lookback);
    let oldest_kept = answers.iter().filter_map(|(_, b)| oldest_in(b)).min().unwrap();
    assert_eq!(liquidations(&r), expected(start.max(oldest_kept), end).as_slice());
    assert!((125..=135).contains(&liquidations(&r).len()), "{}", liquidations(&r).len());
}

#[test]
fn orders_sharing_a_millisecond_across_a_page_boundary_are_all_read() {
    // 150 orders one second apart, except that the 100th and 101st newest share a millisecond:
    // the first page ends between them.
    let base = (Utc::now().timestamp_millis() - HOUR) / 1000 * 1000;
    let times: Vec<i64> = (0..150).map(|k| base - 1000 * k.min(99) - 1000 * (k - 100).max(0)).collect();
    assert_eq!(times[99], times[100]);
    let server = fake_exchange::start(|s| {
        s.handle("GET", PATH, move |q| {
            let after = param(q, "after").unwrap_or(i64::MAX);
            let details: Vec<Value> = times
                .iter()
                .enumerate()
                .filter(|(_, t)| **t < after)
                .take(100)
                .map(|(k, t)| serde_json::json!({"bkPx": "100000", "side": "sell", "posSide": "long", "sz": format!("{}", 1 + k), "ts": t.to_string()}))
                .collect();
            let data = if details.is_empty() { serde_json::json!([]) } else { serde_json::json!([{"instId": "BTC-USDT-SWAP", "details": details}]) };
            Some(Reply::json(serde_json::json!({"code": "0", "msg": "", "data": data}).to_string()))
        });
    });
    let r = run(&options(&server, 6 * 3600, Utc::now(), None));
    let sizes: Vec<f64> = liquidations(&r).iter().map(|l| l.usd / (CT_VAL * 100_000.0)).collect();
    assert_eq!(liquidations(&r).len(), 150, "{sizes:?}");
}

#[test]
fn after_a_run_whose_liquidations_failed_the_next_fills_the_gap() {
    let failing = Arc::new(Mutex::new(true));
    let server = fake_exchange::start(|s| {
        let failing = failing.clone();
        s.handle("GET", PATH, move |q| {
            if *failing.lock().unwrap() {
                return Some(Reply::json(r#"{"code":"50001","msg":"Service temporarily unavailable"}"#).status(503));
            }
            let now = Utc::now().timestamp_millis();
            okx_liquidations_page(q, now - 24 * HOUR, now)
        });
    });
    let cache = tempfile::tempdir().unwrap();
    let lookback = 2 * 86_400;
    let first = run(&options(&server, lookback, Utc::now(), Some(cache.path())));
    assert_eq!(first.warnings.len(), 1, "{:?}", first.warnings);
    assert!(liquidations(&first).is_empty());
    *failing.lock().unwrap() = false;
    let second = run(&options(&server, lookback, Utc::now(), Some(cache.path())));
    assert!(second.warnings.is_empty(), "{:?}", second.warnings);
    // The cache held candles but no liquidations: the pages go back as far as the venue keeps
    // (the whole day), not only to where the candles resume.
    let (start, end) = span(&second, lookback);
    let got = liquidations(&second);
    assert_eq!(got, expected(start.max(got[0].time.timestamp_millis()), end).as_slice());
    assert!((125..=135).contains(&got.len()), "{}", got.len());
}

#[test]
fn empty_answers_are_no_liquidations() {
    for body in [
        r#"{"code":"0","msg":"","data":[]}"#,
        r#"{"code":"0","msg":"","data":[{"details":[],"instId":"BTC-USDT-SWAP"}]}"#,
    ] {
        let server = fake_exchange::start(|s| {
            s.route("GET", PATH, vec![Reply::json(body)]);
        });
        let r = run(&options(&server, 86_400, Utc::now(), None));
        assert!(r.warnings.is_empty(), "{body}: {:?}", r.warnings);
        assert!(liquidations(&r).is_empty());
        assert_eq!(server.seen_path(PATH).len(), 1, "{body}");
        assert!(
            r.snapshot.notes.iter().any(|n| n.starts_with("okx: 0 realized liquidations")),
            "{:?}",
            r.snapshot.notes
        );
        // No liquidations: the snapshot is written without the field.
        assert!(!String::from_utf8(r.snapshot.to_json()).unwrap().contains("\"liquidations\""));
    }
}

#[test]
fn rate_limits_are_waited_out() {
    let calls = Arc::new(Mutex::new(0));
    let server = fake_exchange::start(|s| {
        let calls = calls.clone();
        s.handle("GET", PATH, move |q| {
            let mut n = calls.lock().unwrap();
            *n += 1;
            match *n {
                // HTTP 429 with OKX's body, then the same code in an HTTP 200 answer.
                1 => Some(
                    Reply::json(r#"{"code":"50011","msg":"Too Many Requests"}"#).status(429).header("Retry-After", "0"),
                ),
                2 => Some(Reply::json(r#"{"code":"50011","msg":"Too Many Requests","data":[]}"#)),
                _ => {
                    let now = Utc::now().timestamp_millis();
                    okx_liquidations_page(q, now - 5 * HOUR, now)
                }
            }
        });
    });
    let r = run(&options(&server, 6 * 3600, Utc::now(), None));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let (start, end) = span(&r, 6 * 3600);
    let got = liquidations(&r);
    assert!(got.len() >= 20, "{}", got.len());
    assert_eq!(got, expected(start.max(got[0].time.timestamp_millis()), end).as_slice());
    // 429, 50011, the page of 5 h, the page of its oldest millisecond (nothing older).
    assert_eq!(server.seen_path(PATH).len(), 4);
}

#[test]
fn an_error_answer_is_a_warning_and_a_note_never_a_failure() {
    let error =
        std::fs::read(common::root().join("tests/fixtures/fetch/okx/okx_error_50015_uly_or_instFamily_required.json"))
            .unwrap();
    let cases: Vec<(Reply, &str)> = vec![
        (Reply::json(error), "Either parameter uly or instFamily is required (code 50015) (/api/v5/public/liquidation-orders)"),
        (Reply::json("<html>busy</html>"), "malformed response from /api/v5/public/liquidation-orders"),
        (Reply::json(r#"{"code":"50001","msg":"Service temporarily unavailable"}"#).status(503), "Service temporarily unavailable (code 50001) from /api/v5/public/liquidation-orders, gave up after 3 attempts"),
    ];
    for (reply, why) in cases {
        let server = fake_exchange::start(|s| {
            s.route("GET", PATH, vec![reply]);
        });
        let r = run(&options(&server, 86_400, Utc::now(), None));
        let want = "okx: realized liquidations unavailable: ";
        assert!(r.warnings.iter().any(|w| w.starts_with(want) && w.contains(why)), "{why}: {:?}", r.warnings);
        assert!(
            r.snapshot.notes.iter().any(|n| n.starts_with(want) && n.contains(why)),
            "{why}: {:?}",
            r.snapshot.notes
        );
        let v = &r.snapshot.venues[0];
        assert!(v.liquidations.is_empty() && v.candles.len() > 200 && !v.open_interest.is_empty());
    }
}

#[test]
fn a_recorded_answer_converts_contracts_and_maps_sides() {
    let body = std::fs::read(
        common::root()
            .join("tests/fixtures/fetch/okx/okx_public_liquidation-orders.real_2026-08-15.EzequielBes-invest.json"),
    )
    .unwrap();
    let server = fake_exchange::start(|s| {
        s.handle("GET", PATH, move |q| {
            Some(Reply::json(if q.param("after").is_some() {
                br#"{"code":"0","msg":"","data":[]}"#.to_vec()
            } else {
                body.clone()
            }))
        });
    });
    // The answer was recorded on 2026-08-15; fetch as of 16:00 UTC that day.
    let now = DateTime::from_timestamp_millis(1_786_809_600_000 + 2 * HOUR).unwrap();
    let r = run(&options(&server, 86_400, now, None));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let at = |ms| DateTime::from_timestamp_millis(ms).unwrap();
    // {"bkPx":"63060","side":"sell","sz":"0.15"}: a sell closes a long; 0.15 contracts × 0.01 BTC.
    // {"bkPx":"63064.9","side":"buy","sz":"2.41"}: a buy closes a short.
    let want = [
        Liquidation { time: at(1_786_809_726_226), side: Side::Long, price: 63060.0, usd: 0.15 * 0.01 * 63060.0 },
        Liquidation { time: at(1_786_810_247_378), side: Side::Short, price: 63064.9, usd: 2.41 * 0.01 * 63064.9 },
    ];
    assert_eq!(liquidations(&r), want);
    assert!((want[1].usd - 1519.864).abs() < 0.001);
    assert_eq!(server.seen_path(PATH).len(), 2);
}

#[test]
fn the_cache_keeps_what_the_venue_forgot_and_adds_what_is_new() {
    // The venue's window, relative to now: it moves between the runs.
    let window = Arc::new(Mutex::new((-10 * HOUR, -4 * HOUR)));
    let server = fake_exchange::start(|s| {
        let window = window.clone();
        s.handle("GET", PATH, move |q| {
            let (lo, hi) = *window.lock().unwrap();
            let now = Utc::now().timestamp_millis();
            okx_liquidations_page(q, now + lo, now + hi)
        });
    });
    let cache = tempfile::tempdir().unwrap();
    let lookback = 86_400;
    let first = run(&options(&server, lookback, Utc::now(), Some(cache.path())));
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);
    let n1 = liquidations(&first).len();
    assert!((30..=35).contains(&n1), "{n1}");
    let requests_before = server.seen_path(PATH).len();

    // An hour later (as far as the venue is concerned) it only has the last 6 hours.
    *window.lock().unwrap() = (-6 * HOUR, 0);
    let second = run(&options(&server, lookback, Utc::now(), Some(cache.path())));
    assert!(second.warnings.is_empty(), "{:?}", second.warnings);
    let (start, end) = span(&second, lookback);
    let now = Utc::now().timestamp_millis();
    let first_times: Vec<i64> = liquidations(&first).iter().map(|l| l.time.timestamp_millis()).collect();
    // The union: what the first run saw (older than the venue's window now) and the new ones.
    let want = expected(start.max(first_times[0]), end);
    assert_eq!(liquidations(&second), want.as_slice());
    assert!(want.len() > n1 + 20, "{} vs {n1}", want.len());
    assert!(want.first().unwrap().time.timestamp_millis() < now - 9 * HOUR);
    let from_cache = liquidations(&second).iter().filter(|l| l.time.timestamp_millis() < now - 6 * HOUR - MIN).count();
    assert!(
        second.snapshot.venues[0]
            .notes
            .iter()
            .any(|n| n.ends_with(&format!("of {} realized liquidations from the local cache", want.len()))),
        "{:?}",
        second.snapshot.venues[0].notes
    );
    assert!(from_cache >= 20, "{from_cache}");
    // The second run asked only from the cache's resume point on: one page.
    assert_eq!(server.seen_path(PATH).len() - requests_before, 1);
    // The cache file holds them all, in its own format.
    let dir = std::fs::read_dir(cache.path()).unwrap().next().unwrap().unwrap().path();
    let file: Value = serde_json::from_slice(&std::fs::read(dir.join("BTC-USDT-SWAP-5m.json")).unwrap()).unwrap();
    assert_eq!(file["format"], "liqshot-cache/2");
    assert_eq!(file["liquidations"].as_array().unwrap().len(), want.len());
}

#[test]
fn the_cli_warns_and_still_writes_the_snapshot() {
    let server = fake_exchange::start(|s| {
        s.route(
            "GET",
            PATH,
            vec![Reply::json(r#"{"code":"50015","msg":"Either parameter uly or instFamily is required"}"#)],
        );
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap.json");
    let run = common::liqshot([
        "fetch",
        "--symbol",
        "BTC",
        "--exchange",
        "okx",
        "--okx-url",
        &server.base,
        "--lookback",
        "1d",
        "--no-cache",
        "-o",
        out.to_str().unwrap(),
    ]);
    let run = run.ok();
    assert!(run.stderr.contains("liqshot: warning: okx: realized liquidations unavailable: Either parameter uly or instFamily is required (code 50015)"), "{}", run.stderr);
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["format"], "liqshot-snapshot/2");
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().starts_with("okx: realized liquidations unavailable")),
        "{}",
        v["notes"]
    );
}

#[test]
fn a_future_dated_cached_liquidation_does_not_stop_the_paging() {
    let server = fake_exchange::start(|s| {
        paged(s, -24 * HOUR, 0);
    });
    let cache = tempfile::tempdir().unwrap();
    let lookback = 20 * 3600;
    run(&options(&server, lookback, Utc::now(), Some(cache.path())));
    // A hand-edited cache: only the liquidations older than 15 h, and one in 2099.
    let dir = std::fs::read_dir(cache.path()).unwrap().next().unwrap().unwrap().path();
    let path = dir.join("BTC-USDT-SWAP-5m.json");
    let mut file: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let cut = Utc::now() - chrono::Duration::hours(15);
    let kept: Vec<Value> = file["liquidations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["time"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap() < cut)
        .cloned()
        .chain([serde_json::json!({"time": "2099-01-01T00:00:00Z", "side": "long", "price": 100000.0, "usd": 5000.0})])
        .collect();
    file["liquidations"] = Value::Array(kept);
    std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();
    let second = fetch(&options(&server, lookback, Utc::now(), Some(cache.path()))).unwrap();
    assert!(second.warnings.iter().any(|w| w.contains("dated after now")), "{:?}", second.warnings);
    let (start, end) = span(&second, lookback);
    // Every liquidation of the lookback: the pages went back past the 15 h the cache lacked.
    assert_eq!(liquidations(&second), expected(start, end).as_slice());
    assert!(liquidations(&second).iter().all(|l| l.time.timestamp_millis() < end));
}
