//! The local history cache (`src/fetch/cache.rs`) against the four-venue fake exchange
//! (tests/common/fake_exchange.rs): a second run fetches only the newest rows and gives the
//! same candles as a full fetch; unusable cache files are ignored with a warning and rewritten;
//! concurrent runs leave a valid file; `--no-cache` touches no cache directory.
//!
//! The fake serves rows up to the real current time, so every fetch uses `now = Utc::now()`.

use crate::common;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use common::fake_exchange;
use common::mock_server::{MockServer, Seen};
use liqshot::fetch::{fetch, FetchOptions, FetchReport, HttpConfig, Venue};
use liqshot::model::snapshot::VenueSeries;
use serde_json::Value;

const DAY: i64 = 86_400;

fn options(server: &MockServer, venues: &[Venue], lookback_secs: i64, cache: Option<&Path>) -> FetchOptions {
    FetchOptions {
        symbol: "BTC".into(),
        venues: venues.to_vec(),
        lookback_secs,
        interval_secs: 300,
        urls: Venue::ALL.iter().map(|v| (*v, server.base.clone())).collect(),
        http: HttpConfig { retries: 1, ..Default::default() },
        max_parallel_per_venue: 6,
        now: Utc::now(),
        cache: cache.map(Path::to_path_buf),
        measured: None,
    }
}

fn run(opts: &FetchOptions) -> FetchReport {
    let r = fetch(opts).expect("fetch from the fake exchange");
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    r
}

fn venue<'a>(r: &'a FetchReport, name: &str) -> &'a VenueSeries {
    r.snapshot.venues.iter().find(|v| v.venue == name).unwrap_or_else(|| panic!("no {name}"))
}

/// Where the cache file `rel` (e.g. `binance/BTCUSDT-5m.json`) of the local test server is:
/// its history sits apart from the public API's, in `binance@127.0.0.1_PORT/`.
fn real(dir: &Path, rel: &str) -> PathBuf {
    let (venue, file) = rel.split_once('/').unwrap();
    let entries = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect::<Vec<_>>());
    let site = entries.unwrap_or_default().into_iter().find(|n| n.starts_with(&format!("{venue}@127.0.0.1_")));
    dir.join(site.as_deref().unwrap_or(venue)).join(file)
}

/// The cache file of `rel` (e.g. `binance/BTCUSDT-5m.json`) as JSON.
fn cache_json(dir: &Path, rel: &str) -> Value {
    let bytes = std::fs::read(real(dir, rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

/// Every file under `dir`, relative, sorted (hidden temporary files included).
fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                // `binance@127.0.0.1_PORT/x` (the test server's history) → `binance/x`.
                let rel = match rel.split_once("@127.0.0.1_") {
                    Some((venue, rest)) => format!("{venue}{}", &rest[rest.find('/').unwrap()..]),
                    None => rel,
                };
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn ms_param(s: &Seen, k: &str) -> i64 {
    s.param(k).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{k} in {s:?}"))
}

/// The start of the candle ranges asked for in `seen`, per venue (Hyperliquid's is in the body).
fn kline_starts(seen: &[Seen]) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for s in seen {
        match s.path.as_str() {
            "/fapi/v1/klines" => out.push(("binance", ms_param(s, "startTime"))),
            "/v5/market/kline" => out.push(("bybit", ms_param(s, "start"))),
            "/api/v5/market/history-candles" => out.push(("okx", ms_param(s, "before") + 1)),
            "/info" if s.body.contains("candleSnapshot") => {
                let v: Value = serde_json::from_str(&s.body).unwrap();
                out.push(("hyperliquid", v["req"]["startTime"].as_i64().unwrap()));
            }
            _ => {}
        }
    }
    out
}

/// Requests for candles or open-interest history.
fn history_requests(seen: &[Seen]) -> usize {
    let oi_paths = [
        "/futures/data/openInterestHist",
        "/v5/market/open-interest",
        "/api/v5/rubik/stat/contracts/open-interest-history",
    ];
    kline_starts(seen).len() + seen.iter().filter(|s| oi_paths.contains(&s.path.as_str())).count()
}

const FILES: [&str; 4] =
    ["binance/BTCUSDT-5m.json", "bybit/BTCUSDT-5m.json", "hyperliquid/BTC-5m.json", "okx/BTC-USDT-SWAP-5m.json"];

#[test]
fn second_run_fetches_only_new_rows_and_matches_a_full_fetch() {
    let server = fake_exchange::start(|_| {});
    let cache = tempfile::tempdir().unwrap();
    let first = run(&options(&server, &Venue::ALL, 7 * DAY, Some(cache.path())));
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);
    assert_eq!(files(cache.path()), FILES);
    let first_requests = server.seen().len();
    for rel in FILES {
        let v = cache_json(cache.path(), rel);
        assert_eq!(v["format"], "liqshot-cache/2", "{rel}");
        assert_eq!(v["interval"], "5m", "{rel}");
        assert!(v["candles"].as_array().unwrap().len() >= 2015, "{rel}");
        // Hyperliquid's open interest is an estimate from today's value: not cached.
        assert_eq!(v["open_interest"].as_array().unwrap().is_empty(), rel.starts_with("hyperliquid"), "{rel}");
    }

    let opts = options(&server, &Venue::ALL, 7 * DAY, Some(cache.path()));
    let second = run(&opts);
    let seen = server.seen();
    let again = &seen[first_requests..];
    // Mark price, tiers, tick size and current funding are asked again; history only at the end.
    assert!(again.len() * 2 < first_requests, "second run made {} requests, the first {first_requests}", again.len());
    let (first_history, again_history) = (history_requests(&seen[..first_requests]), history_requests(again));
    assert!(
        again_history <= 8 && again_history * 5 < first_history,
        "history requests: {again_history} after {first_history}"
    );
    // Candles and open interest are asked for only near the end (the last two cached candles on).
    let recent = (opts.now - Duration::minutes(30)).timestamp_millis();
    let starts = kline_starts(again);
    assert_eq!(starts.len(), 4, "one candle page per venue: {starts:?}");
    for (venue, start) in &starts {
        // OKX samples open interest hourly at this lookback: it resumes from the last sample.
        let recent = if *venue == "okx" { recent - 3_600_000 } else { recent };
        assert!(*start >= recent, "{venue}: candles from {start}, before {recent}");
    }
    for s in again.iter().filter(|s| s.path == "/futures/data/openInterestHist" || s.path == "/v5/market/open-interest")
    {
        assert!(ms_param(s, "startTime") >= recent, "{s:?}");
    }
    for v in &second.snapshot.venues {
        assert!(v.notes.iter().any(|n| n.contains("candles from the local cache")), "{}: {:?}", v.venue, v.notes);
    }

    // The merged history equals a full fetch at the same time.
    let full = run(&FetchOptions { cache: None, ..opts.clone() });
    for name in ["binance", "bybit", "okx", "hyperliquid"] {
        let (merged, whole) = (venue(&second, name), venue(&full, name));
        assert_eq!(merged.candles.len(), whole.candles.len(), "{name}");
        assert!(merged.candles == whole.candles, "{name}: candles differ");
        assert_eq!(merged.mark_price.is_some(), whole.mark_price.is_some(), "{name}");
    }
    assert!(
        venue(&second, "binance").open_interest == venue(&full, "binance").open_interest,
        "binance: open interest differs"
    );
    // Hyperliquid's estimate over the merged candles: the same shape, scaled by today's open
    // interest (which the fake moves with the clock between the two fetches).
    let (merged, whole) = (&venue(&second, "hyperliquid").open_interest, &venue(&full, "hyperliquid").open_interest);
    assert_eq!(merged.len(), whole.len());
    for (a, b) in merged.iter().zip(whole) {
        assert!(a.time == b.time && (a.oi_usd - b.oi_usd).abs() <= 1e-4 * b.oi_usd, "hyperliquid: {a:?} vs {b:?}");
    }
    // Every cached sample of Bybit and OKX is in the full fetch (OKX samples hourly at this lookback).
    for name in ["bybit", "okx"] {
        let whole = &venue(&full, name).open_interest;
        for p in &venue(&second, name).open_interest {
            let same =
                whole.iter().find(|q| q.time == p.time).unwrap_or_else(|| panic!("{name}: extra sample at {}", p.time));
            assert!((same.oi_usd - p.oi_usd).abs() <= 1e-6 * p.oi_usd, "{name} at {}", p.time);
        }
    }
}

/// Runs a Binance-only fetch over a cache holding `bytes` at the Binance file; returns the
/// report and the requests it made.
fn fetch_over(bytes: &[u8]) -> (FetchReport, Vec<Seen>, tempfile::TempDir) {
    let server = fake_exchange::start(|_| {});
    let cache = tempfile::tempdir().unwrap();
    let (venue, file) = FILES[0].split_once('/').unwrap();
    let site = server.base.trim_start_matches("http://").replace(':', "_");
    let path = cache.path().join(format!("{venue}@{site}")).join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    let r = run(&options(&server, &[Venue::Binance], DAY, Some(cache.path())));
    (r, server.seen(), cache)
}

/// A valid Binance cache file from a real run, as JSON.
fn valid_binance_file() -> Value {
    let server = fake_exchange::start(|_| {});
    let cache = tempfile::tempdir().unwrap();
    run(&options(&server, &[Venue::Binance], DAY, Some(cache.path())));
    cache_json(cache.path(), FILES[0])
}

/// One cache shared by runs of different lookbacks (issue 19, D15): a 1d run between two 7d runs
/// no longer cuts the file to a day, so the second 7d run asks only for what is new.
#[test]
fn a_shorter_run_between_two_longer_ones_does_not_make_them_fetch_everything() {
    let server = fake_exchange::start(|_| {});
    let cache = tempfile::tempdir().unwrap();
    let klines = || server.seen_path("/fapi/v1/klines").len();
    let first = run(&options(&server, &[Venue::Binance], 7 * DAY, Some(cache.path())));
    assert!(klines() >= 2, "a week of 5m candles takes several pages: {}", klines());
    let short = run(&options(&server, &[Venue::Binance], DAY, Some(cache.path())));
    assert_eq!(short.snapshot.venues[0].candles.len(), 288, "the snapshot has its own lookback");
    let before = klines();
    let again = run(&options(&server, &[Venue::Binance], 7 * DAY, Some(cache.path())));
    assert_eq!(klines() - before, 1, "only the newest candles are asked for");
    assert_eq!(again.snapshot.venues[0].candles.len(), first.snapshot.venues[0].candles.len());
}

#[test]
fn unusable_cache_files_are_ignored_with_a_warning_and_replaced() {
    let valid = valid_binance_file();
    let mut other_version = valid.clone();
    other_version["format"] = "liqshot-cache/0".into();
    let mut other_instrument = valid.clone();
    other_instrument["instrument"] = "ETHUSDT".into();
    let mut unsorted = valid.clone();
    unsorted["candles"].as_array_mut().unwrap().reverse();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("garbage", b"\x00\x9f\xffnot json at all".to_vec(), "not cache JSON"),
        ("other version", other_version.to_string().into_bytes(), "\"liqshot-cache/0\""),
        ("other instrument", other_instrument.to_string().into_bytes(), "holds binance ETHUSDT 5m"),
        ("unsorted", unsorted.to_string().into_bytes(), "does not come after"),
    ];
    for (what, bytes, why) in cases {
        let (r, seen, cache) = fetch_over(&bytes);
        assert_eq!(r.warnings.len(), 1, "{what}: {:?}", r.warnings);
        let w = &r.warnings[0];
        assert!(
            w.starts_with("cache file ") && w.contains("BTCUSDT-5m.json ignored: ") && w.contains(why),
            "{what}: {w}"
        );
        // A full fetch: the candles start a whole lookback back.
        let start = r.snapshot.captured_at - Duration::days(1);
        assert_eq!(kline_starts(&seen), [("binance", start.timestamp_millis())], "{what}");
        // The file is rewritten and holds the new history.
        let v = cache_json(cache.path(), FILES[0]);
        assert_eq!(
            (v["format"].as_str(), v["instrument"].as_str()),
            (Some("liqshot-cache/2"), Some("BTCUSDT")),
            "{what}"
        );
        assert_eq!(v["candles"].as_array().unwrap().len(), r.snapshot.venues[0].candles.len(), "{what}");
    }
}

#[test]
fn a_cache_older_than_the_lookback_or_shorter_is_refetched_whole_without_warning() {
    let mut v = valid_binance_file();
    // Written for a lookback that started later than this run's: it cannot cover the start.
    let from: DateTime<Utc> = serde_json::from_value(v["from"].clone()).unwrap();
    v["from"] = serde_json::to_value(from + Duration::hours(2)).unwrap();
    let (r, seen, _cache) = fetch_over(v.to_string().as_bytes());
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let start = r.snapshot.captured_at - Duration::days(1);
    assert_eq!(kline_starts(&seen), [("binance", start.timestamp_millis())]);
}

#[test]
fn concurrent_runs_on_one_cache_both_succeed_and_leave_a_valid_file() {
    let server = fake_exchange::start(|_| {});
    let cache = tempfile::tempdir().unwrap();
    let venues = [Venue::Binance, Venue::Okx, Venue::Hyperliquid];
    for round in 0..3 {
        let reports: Vec<FetchReport> = std::thread::scope(|s| {
            let handles: Vec<_> =
                (0..2).map(|_| s.spawn(|| run(&options(&server, &venues, 2 * DAY, Some(cache.path()))))).collect();
            handles.into_iter().map(|h| h.join().expect("fetch thread")).collect()
        });
        for r in &reports {
            assert!(r.warnings.is_empty(), "round {round}: {:?}", r.warnings);
            assert_eq!(r.snapshot.venues.len(), 3);
        }
        let names = files(cache.path());
        assert_eq!(
            names,
            ["binance/BTCUSDT-5m.json", "hyperliquid/BTC-5m.json", "okx/BTC-USDT-SWAP-5m.json"],
            "round {round}"
        );
        for rel in &names {
            assert_eq!(cache_json(cache.path(), rel)["format"], "liqshot-cache/2", "round {round}: {rel}");
        }
    }
    // The files left behind are used by the next run without complaint.
    let r = run(&options(&server, &venues, 2 * DAY, Some(cache.path())));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert!(r.snapshot.venues.iter().all(|v| v.notes.iter().any(|n| n.contains("from the local cache"))));
}

/// `liqshot fetch --symbol BTC --exchange binance --lookback 1d` against `server`, with `args`
/// and `env` added, and neither cache variable inherited.
fn cli(server: &MockServer, out: &Path, args: &[&str], env: &[(&str, &Path)]) -> common::Run {
    let mut cmd = common::command();
    cmd.env_remove("LIQSHOT_CACHE_DIR").env_remove("XDG_CACHE_HOME");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = out.to_str().unwrap();
    let base = [
        "fetch",
        "--symbol",
        "BTC",
        "--exchange",
        "binance",
        "--lookback",
        "1d",
        "--retries",
        "1",
        "-o",
        o,
        "--binance-url",
        &server.base,
    ];
    common::run_cmd(cmd.args(base).args(args))
}

#[test]
fn cli_cache_flags_environment_and_warning() {
    let server = fake_exchange::start(|_| {});
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("snap.json");
    let dir = |name: &str| -> PathBuf { tmp.path().join(name) };

    // --cache-dir; then a corrupt file is reported on stderr and replaced.
    cli(&server, &out, &["--cache-dir", dir("flag").to_str().unwrap()], &[]).ok();
    assert_eq!(files(&dir("flag")), ["binance/BTCUSDT-5m.json"]);
    std::fs::write(real(&dir("flag"), FILES[0]), b"{\"format\": 7").unwrap();
    let r = cli(&server, &out, &["--cache-dir", dir("flag").to_str().unwrap()], &[]).ok();
    let line =
        format!("liqshot: warning: cache file {} ignored: not cache JSON", real(&dir("flag"), FILES[0]).display());
    assert!(r.stderr.contains(&line), "{}", r.stderr);
    assert_eq!(cache_json(&dir("flag"), FILES[0])["format"], "liqshot-cache/2");

    // LIQSHOT_CACHE_DIR, and the default under XDG_CACHE_HOME.
    cli(&server, &out, &[], &[("LIQSHOT_CACHE_DIR", &dir("env"))]).ok();
    assert_eq!(files(&dir("env")), ["binance/BTCUSDT-5m.json"]);
    cli(&server, &out, &[], &[("XDG_CACHE_HOME", &dir("xdg"))]).ok();
    assert_eq!(files(&dir("xdg")), ["liqshot/binance/BTCUSDT-5m.json"]);

    // --no-cache wins over --cache-dir and the environment: no directory is created.
    let r = cli(
        &server,
        &out,
        &["--no-cache", "--cache-dir", dir("none").to_str().unwrap()],
        &[("XDG_CACHE_HOME", &dir("none-xdg"))],
    )
    .ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    cli(&server, &out, &["--no-cache"], &[("LIQSHOT_CACHE_DIR", &dir("none-env"))]).ok();
    for d in ["none", "none-xdg", "none-env"] {
        assert!(!dir(d).exists(), "{d} was created");
    }
    assert!(out.exists());
}
