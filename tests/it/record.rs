//! `liqshot record` against local websocket stand-ins serving the venues' recorded messages
//! (tests/fixtures/record/): a connection dropped mid-stream (reconnected, events of both
//! connections kept once), a ping (answered), an unknown message (ignored, counted), the
//! deadline (stops, exit 0, files complete), bad flags (exit 2), and the recorded events in a
//! later fetch's snapshot and backtest. No test reaches the internet.

use crate::common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::ws_stand_in::{StandIn, Step};
use common::{arg, liqshot};
use liqshot::fetch::record::session::{self, Flag, Settings};
use liqshot::fetch::record::Feed;
use liqshot::fetch::{binance, bybit, okx, Venue};
use liqshot::model::snapshot::{Liquidation, Side};
use serde_json::Value;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(common::root().join("tests/fixtures/record").join(name))
        .expect("fixture")
        .trim()
        .to_string()
}

/// The recorded Binance message with trade time `ms` and average price `ap`.
fn binance_msg(ms: i64, ap: f64) -> String {
    let mut v: Value =
        serde_json::from_str(&fixture("binance_ws_forceOrder.real_BTCUSDT_2020-03-13.tardis-node-test.json")).unwrap();
    v["data"]["o"]["T"] = ms.into();
    v["data"]["o"]["ap"] = ap.to_string().into();
    v.to_string()
}

/// The recorded Bybit message for BTCUSDT at `ms`.
fn bybit_msg(ms: i64, side: &str) -> String {
    let mut v: Value =
        serde_json::from_str(&fixture("bybit_ws_allLiquidation.real_PIPPINUSDT_2025-02-25.tardis-node-test.json"))
            .unwrap();
    v["topic"] = "allLiquidation.BTCUSDT".into();
    v["data"][0]["s"] = "BTCUSDT".into();
    v["data"][0]["T"] = ms.into();
    v["data"][0]["S"] = side.into();
    v.to_string()
}

/// OKX's documented message, moved to BTC-USDT-SWAP at `ms`.
fn okx_msg(ms: i64) -> String {
    let mut v: Value = serde_json::from_str(&fixture("okx_ws_liquidation-orders.docs.json")).unwrap();
    v["data"][0]["instId"] = "BTC-USDT-SWAP".into();
    v["data"][0]["details"][0]["ts"] = ms.to_string().into();
    v.to_string()
}

/// Quick reconnection for the library-level runs.
fn fast() -> Settings {
    Settings {
        backoff_first: Duration::from_millis(20),
        backoff_max: Duration::from_millis(80),
        poll: Duration::from_millis(50),
        ..Settings::default()
    }
}

/// Runs `feed` against a stand-in until its last script is through (the stand-in trips the
/// deadline; a minute at most); returns the report and the events the sink got. The last
/// script ends with a ping `sync`: its pong says the client has read everything before it.
fn record_until_done(
    feed_of: impl FnOnce(&str) -> Box<dyn Feed>,
    path: &str,
    mut scripts: Vec<Vec<Step>>,
) -> (session::FeedReport, Vec<(String, Liquidation)>, common::ws_stand_in::Log) {
    scripts.last_mut().unwrap().push(Step::Ping(b"sync".to_vec()));
    let deadline = Arc::new(Flag::new(Instant::now() + Duration::from_secs(60)));
    let d = deadline.clone();
    let stand_in = StandIn::start(path, scripts, move || d.trip());
    let feed = feed_of(&stand_in.url);
    let got = Mutex::new(Vec::new());
    let sink = |_: Venue, events: &[(String, Liquidation)]| {
        got.lock().unwrap().extend_from_slice(events);
        Ok(())
    };
    let report = session::run(feed.as_ref(), &fast(), deadline.as_ref(), &sink);
    let log = stand_in.join();
    (report, got.into_inner().unwrap(), log)
}

fn binance_feed(url: &str) -> Box<dyn Feed> {
    let base = url.trim_end_matches("/stream").to_string();
    Box::new(binance::ws::ForceOrders { base_url: base, instruments: vec!["BTCUSDT".into()] })
}

#[test]
fn a_connection_dropped_mid_stream_is_made_again_and_keeps_each_event_once() {
    let (t1, t2, t3) = (1_765_000_000_000, 1_765_000_001_000, 1_765_000_002_000);
    let scripts = vec![
        vec![Step::Text(binance_msg(t1, 90_000.0)), Step::Text(binance_msg(t2, 90_100.0)), Step::Drop],
        // The second connection sends the last event of the first again, then a new one.
        vec![Step::Text(binance_msg(t2, 90_100.0)), Step::Text(binance_msg(t3, 90_200.0))],
    ];
    let (report, got, log) = record_until_done(binance_feed, "/stream", scripts);
    assert_eq!(log.connections, 2);
    assert_eq!(log.paths, ["/stream?streams=btcusdt@forceOrder"; 2]);
    assert_eq!(report.connections, 2);
    let times: Vec<i64> = got.iter().map(|(_, l)| l.time.timestamp_millis()).collect();
    assert_eq!(times, [t1, t2, t3], "each event once, from both connections");
    assert_eq!((report.events, report.repeats), (3, 1));
    // One wait was scheduled, the first of the backoff.
    assert_eq!(report.waits, [fast().backoff_first]);
    assert!(got.iter().all(|(i, l)| i == "BTCUSDT" && l.side == Side::Short), "a BUY order closes a short");
    assert_eq!(log.closed_by_client, 1, "the client closes at the deadline");
}

#[test]
fn a_ping_of_the_server_is_answered_with_its_payload() {
    let scripts = vec![vec![Step::Ping(b"liq".to_vec()), Step::Text(binance_msg(1_765_000_000_000, 1.0))]];
    let (report, got, log) = record_until_done(binance_feed, "/stream", scripts);
    assert_eq!(log.pongs, [b"liq".to_vec(), b"sync".to_vec()]);
    assert_eq!((report.pings, got.len()), (2, 1));
}

#[test]
fn unknown_messages_are_ignored_and_counted_and_bybit_is_subscribed_and_pinged() {
    let scripts = vec![vec![
        Step::Expect(r#"{"args":["allLiquidation.BTCUSDT"],"op":"subscribe"}"#.into()),
        Step::Text(r#"{"success":true,"ret_msg":"subscribe","conn_id":"c1","op":"subscribe"}"#.into()),
        Step::Text(r#"{"topic":"orderbook.50.BTCUSDT","type":"delta","data":{}}"#.into()),
        Step::Text("not json at all".into()),
        Step::Text(bybit_msg(1_765_000_000_000, "Buy")),
        Step::Text(bybit_msg(1_765_000_000_500, "Sell")),
    ]];
    let feed = |url: &str| -> Box<dyn Feed> {
        Box::new(bybit::ws::AllLiquidations { url: url.into(), instruments: vec!["BTCUSDT".into()] })
    };
    let (report, got, _) = record_until_done(feed, "/v5/public/linear", scripts);
    assert_eq!(report.unknown, 2);
    let sides: Vec<Side> = got.iter().map(|(_, l)| l.side).collect();
    assert_eq!(sides, [Side::Long, Side::Short], "Bybit's S is the position's side");
    assert!((got[0].1.usd - 2846.0 * 0.02456).abs() < 1e-9);
}

#[test]
fn okx_keeps_the_asked_swap_in_usd_and_skips_other_instruments() {
    let scripts = vec![vec![
        Step::Expect(r#""channel":"liquidation-orders""#.into()),
        Step::Text(fixture("okx_ws_liquidation-orders.real_XRP-USD-230929_2023-03-30.tardis-node-test.json")),
        Step::Text(okx_msg(1_765_000_000_000)),
    ]];
    let feed = |url: &str| -> Box<dyn Feed> {
        Box::new(okx::ws::LiquidationOrdersFeed { url: url.into(), contracts: vec![("BTC-USDT-SWAP".into(), 0.01)] })
    };
    let (report, got, _) = record_until_done(feed, "/ws/v5/public", scripts);
    assert_eq!(got.len(), 1);
    assert_eq!(report.unknown, 0, "another instrument's liquidation is not an unknown message");
    let l = got[0].1;
    assert_eq!((l.side, l.price), (Side::Short, 0.007831));
    assert!((l.usd - 13.0 * 0.01 * 0.007831).abs() < 1e-12);
}

/// The OKX REST stand-in: the swaps' contract values.
fn okx_rest() -> common::mock_server::MockServer {
    let server = common::mock_server::MockServer::start();
    server.route(
        "GET",
        "/api/v5/public/instruments",
        vec![common::mock_server::Reply::json(
            r#"{"code":"0","msg":"","data":[{"instId":"BTC-USDT-SWAP","ctVal":"0.01","tickSz":"0.1","state":"live"}]}"#,
        )],
    );
    server
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap_or_default().lines().map(str::to_string).collect()
}

#[test]
fn the_command_records_three_venues_until_the_deadline_into_the_cache_and_a_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, csv) = (dir.path().join("cache"), dir.path().join("out/liq.csv"));
    let b = StandIn::start(
        "",
        vec![
            vec![Step::Text(binance_msg(1_765_000_000_000, 90_000.0)), Step::Drop],
            vec![Step::Text(binance_msg(1_765_000_001_000, 90_100.0))],
        ],
        || {},
    );
    let y = StandIn::start(
        "/v5/public/linear",
        vec![vec![Step::Text("{\"what\":1}".into()), Step::Text(bybit_msg(1_765_000_000_200, "Buy"))]],
        || {},
    );
    let o = StandIn::start("/ws/v5/public", vec![vec![Step::Text(okx_msg(1_765_000_000_300))]], || {});
    let rest = okx_rest();
    let run = liqshot([
        "record",
        "--symbol",
        "BTC",
        "--for",
        "6s",
        "--csv",
        arg(&csv),
        "--cache-dir",
        arg(&cache),
        "--binance-ws-url",
        &b.url,
        "--bybit-ws-url",
        &y.url,
        "--okx-ws-url",
        &o.url,
        "--okx-url",
        &rest.base,
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let csv_lines = lines(&csv);
    assert_eq!(csv_lines[0], "time,venue,side,price,usd");
    let venues: Vec<&str> = csv_lines[1..].iter().map(|l| l.split(',').nth(1).unwrap()).collect();
    assert_eq!(venues, ["binance", "bybit", "okx", "binance"], "{csv_lines:?}");
    assert!(csv_lines[1].starts_with("2025-12-06T05:46:40.000Z,binance,short,90000,"), "{csv_lines:?}");
    // The journals, one per venue and instrument, kept apart from the real venues' by server.
    let journal = |venue: &str, site: u16, inst: &str| {
        lines(&cache.join(format!("{venue}@127.0.0.1_{site}")).join(format!("{inst}.liquidations.jsonl")))
    };
    assert_eq!(journal("binance", b.port, "BTCUSDT").len(), 2);
    assert_eq!(journal("bybit", y.port, "BTCUSDT").len(), 1);
    assert_eq!(journal("okx", o.port, "BTC-USDT-SWAP").len(), 1);
    // The summary: per venue, the unknown message, Binance's limit.
    assert!(
        run.stderr.contains("bybit: 1 liquidations") && run.stderr.contains("1 unknown messages ignored"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("binance: 2 liquidations")
            && run.stderr.contains("at most one liquidation per symbol per second"),
        "{}",
        run.stderr
    );
    assert_eq!(b.join().connections, 2, "binance reconnected after the drop");
    // At the deadline the client closed the silent connections itself.
    assert_eq!((y.join().closed_by_client, o.join().closed_by_client), (1, 1));
    assert_eq!(rest.seen_path("/api/v5/public/instruments").len(), 1);
}

#[test]
fn bad_flags_are_one_line_usage_errors_naming_the_flag() {
    for (args, flag) in [
        (vec!["--for", "55x"], "--for"),
        (vec!["--for", "1m", "--exchange", "binance,kraken"], "--exchange"),
        (vec!["--for", "1m", "--exchange", "hyperliquid"], "--exchange"),
        (vec!["--for", "1m", "--binance-ws-url", "https://fstream.binance.com"], "--binance-ws-url"),
        (vec!["--for", "1m", "--okx-ws-url", "wss://"], "--okx-ws-url"),
        (vec!["--for", "1m", "--okx-url", "ftp://x"], "--okx-url"),
    ] {
        let run = liqshot([&["record", "--symbol", "BTC"][..], &args].concat());
        let line = run.one_line_error(2);
        assert!(line.contains(flag), "{args:?}: {line}");
    }
}

/// `record` of Binance's BTC from `url` for `secs` (into `cache` if given), then `extra`.
fn record_binance(url: &str, secs: &str, cache: Option<&Path>, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> =
        ["record", "--symbol", "BTC", "--exchange", "binance", "--for", secs, "--binance-ws-url", url]
            .map(String::from)
            .to_vec();
    if let Some(dir) = cache {
        args.extend(["--cache-dir".to_string(), arg(dir).to_string()]);
    }
    args.extend(extra.iter().map(|a| a.to_string()));
    args
}

#[test]
fn no_reachable_venue_is_exit_3_and_writes_no_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("liq.csv");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("ws://127.0.0.1:{closed}");
    let run = liqshot(record_binance(&url, "1s", Some(dir.path()), &["--csv", arg(&csv)]));
    assert_eq!(run.code, Some(3), "{run:#?}");
    assert!(
        run.stderr.lines().last().unwrap().starts_with("liqshot: error: record: no venue could be connected: binance"),
        "{}",
        run.stderr
    );
    assert!(!csv.exists());
}

#[test]
fn what_record_wrote_is_in_the_next_fetch_and_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let now = chrono::Utc::now().timestamp_millis();
    let (t1, t2) = (now - 7_200_000, now - 5_400_000);
    let stand_in = StandIn::start(
        "",
        vec![vec![Step::Text(binance_msg(t1, 91_000.0)), Step::Text(binance_msg(t2, 92_000.0))]],
        || {},
    );
    let url = stand_in.url.clone();
    let run = liqshot(record_binance(&url, "2s", Some(&cache), &[]));
    assert_eq!(run.code, Some(0), "{run:#?}");
    // The stand-in's port now serves the venue's REST API: one server, as a mirror would be.
    let port = stand_in.port;
    assert_eq!(stand_in.join().connections, 1);
    let server = common::fake_exchange::start_on(&format!("127.0.0.1:{port}"), |_| {});
    let snap = dir.path().join("snap.json");
    let fetch = liqshot([
        "fetch",
        "--symbol",
        "BTC",
        "--exchange",
        "binance",
        "--lookback",
        "2d",
        "--binance-url",
        &server.base,
        "--cache-dir",
        arg(&cache),
        "-o",
        arg(&snap),
    ]);
    assert_eq!(fetch.code, Some(0), "{fetch:#?}");
    let v: Value = serde_json::from_slice(&std::fs::read(&snap).unwrap()).unwrap();
    let liqs = v["venues"][0]["liquidations"].as_array().expect("liquidations");
    let times: Vec<i64> = liqs
        .iter()
        .map(|l| chrono::DateTime::parse_from_rfc3339(l["time"].as_str().unwrap()).unwrap().timestamp_millis())
        .collect();
    assert_eq!(times, [t1, t2]);
    assert_eq!(liqs[1]["price"], 92_000.0);
    let notes = v["venues"][0]["notes"].to_string();
    assert!(
        notes.contains("2 realized liquidations recorded from the websocket stream")
            && notes.contains("at most one liquidation per symbol per second"),
        "{notes}"
    );
    // The report's realized section counts them, with Binance's limit beside the totals.
    let out = dir.path().join("report");
    liqshot(["report", "--snapshot", arg(&snap), "--out-dir", arg(&out), "--window", "24h"]).ok();
    let zones: Value = serde_json::from_slice(&std::fs::read(out.join("zones.json")).unwrap()).unwrap();
    assert_eq!(zones["realized"]["events"], 2, "{}", zones["realized"]);
    assert!(zones["realized"]["note"].as_str().unwrap().contains("at most one liquidation per symbol per second"));
}

#[test]
fn the_config_file_s_cache_dir_is_where_record_writes_and_its_venues_are_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("from-config");
    let config = dir.path().join("liqshot.toml");
    std::fs::write(
        &config,
        format!("[defaults]\nvenues = [\"binance\", \"hyperliquid\"]\ncache_dir = {:?}\n", arg(&cache)),
    )
    .unwrap();
    let stand_in = StandIn::start("", vec![vec![Step::Text(binance_msg(1_765_000_000_000, 90_000.0))]], || {});
    let mut cmd = common::command();
    cmd.env_remove("LIQSHOT_CACHE_DIR").args(["--config", arg(&config)]).args(record_binance(
        &stand_in.url,
        "2s",
        None,
        &[],
    ));
    let run = common::run_cmd(&mut cmd);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let journal = cache.join(format!("binance@127.0.0.1_{}", stand_in.port)).join("BTCUSDT.liquidations.jsonl");
    assert_eq!(lines(&journal).len(), 1, "{}", journal.display());
}

/// The OKX realized liquidations of a snapshot file, as epoch ms.
fn okx_liquidation_ms(snap: &Path) -> Vec<i64> {
    let v: Value = serde_json::from_slice(&std::fs::read(snap).unwrap()).unwrap();
    let okx = v["venues"].as_array().unwrap().iter().find(|s| s["venue"] == "okx").expect("okx in the snapshot");
    okx["liquidations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| chrono::DateTime::parse_from_rfc3339(l["time"].as_str().unwrap()).unwrap().timestamp_millis())
        .collect()
}

/// `fetch` of OKX's BTC for a day from `site` through `cache` into `out`.
fn fetch_okx(site: &str, cache: &Path, out: &Path) -> Vec<String> {
    let args = ["fetch", "--symbol", "BTC", "--exchange", "okx", "--lookback", "1d", "--okx-url", site];
    let paths = ["--cache-dir", arg(cache), "-o", arg(out)];
    args.iter().chain(&paths).map(|a| a.to_string()).collect()
}

#[test]
fn a_record_process_and_fetch_processes_at_once_on_one_cache_keep_every_event() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let rest = common::fake_exchange::start(|_| {});
    // One address for OKX's stream and REST API, as the venue's own servers are one site.
    let now = chrono::Utc::now().timestamp_millis();
    let recorded = [now - 7_200_007, now - 7_100_007, now - 7_000_007];
    let okx = StandIn::start_beside(
        rest.base.trim_start_matches("http://"),
        "/ws/v5/public",
        vec![
            vec![Step::Text(okx_msg(recorded[0])), Step::Text(okx_msg(recorded[1])), Step::Drop],
            vec![Step::Text(okx_msg(recorded[2]))],
        ],
    );
    let site = format!("http://127.0.0.1:{}", okx.port);
    let bin = env!("CARGO_BIN_EXE_liqshot");
    let record = std::process::Command::new(bin)
        .args([
            "record",
            "--symbol",
            "BTC",
            "--exchange",
            "okx",
            "--for",
            "6s",
            "--cache-dir",
            arg(&cache),
            "--okx-ws-url",
            &okx.url,
            "--okx-url",
            &site,
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let fetches: Vec<_> = (0..3)
        .map(|i| {
            let out = dir.path().join(format!("snap{i}.json"));
            let child = std::process::Command::new(bin)
                .args(fetch_okx(&site, &cache, &out))
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            (out, child)
        })
        .collect();
    let mut fetched: Vec<i64> = Vec::new();
    for (out, child) in fetches {
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "fetch: {}", String::from_utf8_lossy(&o.stderr));
        fetched.extend(okx_liquidation_ms(&out));
    }
    let o = record.wait_with_output().unwrap();
    assert!(o.status.success(), "record: {}", String::from_utf8_lossy(&o.stderr));
    // A fetch after both: every event any run wrote is there.
    let last = dir.path().join("last.json");
    liqshot(fetch_okx(&site, &cache, &last)).ok();
    let all = okx_liquidation_ms(&last);
    let start = all.first().copied().unwrap_or(0).min(now - 86_400_000 + 3_600_000);
    let said = String::from_utf8_lossy(&o.stderr);
    for t in recorded {
        assert!(all.contains(&t), "recorded event {t} kept; record said: {said}");
    }
    let missing: Vec<i64> = fetched.iter().copied().filter(|t| *t >= start && !all.contains(t)).collect();
    assert!(missing.is_empty(), "events of the concurrent fetches lost: {missing:?}");
    assert!(!fetched.is_empty(), "the fetches brought realized liquidations");
}
