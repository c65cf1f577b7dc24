//! Unattended-run safety: a run killed midway leaves no partial output or cache file, and the
//! next run works.

use crate::common;

use std::process::Stdio;
use std::time::Duration;

use common::{dir_names, fake_exchange, liqshot};

fn args(server_base: &str, out: &str, cache: &str) -> Vec<String> {
    let mut v: Vec<String> = ["fetch", "--symbol", "BTC", "--lookback", "2d", "-o", out, "--cache-dir", cache]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for venue in ["binance", "bybit", "okx", "hyperliquid"] {
        v.push(format!("--{venue}-url"));
        v.push(server_base.to_string());
    }
    v
}

#[test]
fn killed_midway_leaves_nothing_partial_and_the_next_run_works() {
    let server = fake_exchange::start(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let snap = out.join("btc.json");
    std::fs::write(&snap, b"previous good snapshot").unwrap();
    let cache = dir.path().join("cache");

    // Every answer takes 1.5 s: the run is killed while its requests are in flight.
    server.set_latency(Duration::from_millis(1500));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("liqshot"))
        .args(args(&server.base, snap.to_str().unwrap(), cache.to_str().unwrap()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until requests are in flight, then kill -9.
    for _ in 0..100 {
        if !server.seen().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!server.seen().is_empty(), "the run never reached the server");
    child.kill().unwrap();
    child.wait().unwrap();

    assert_eq!(std::fs::read(&snap).unwrap(), b"previous good snapshot", "output was touched");
    assert_eq!(dir_names(&out), ["btc.json"], "temporary files left in the output directory");
    // Nothing half-written in the cache: it holds no file yet (cache files are written only
    // after a venue's fetch completed, through a temporary file and a rename).
    let cached: Vec<_> = walk(&cache);
    assert!(cached.is_empty(), "cache files after a killed run: {cached:?}");

    // The next run succeeds and fills the cache with valid files.
    server.set_latency(Duration::ZERO);
    liqshot(args(&server.base, snap.to_str().unwrap(), cache.to_str().unwrap())).ok();
    let snapshot = liqshot::MarketSnapshot::load(&snap).unwrap();
    assert_eq!(snapshot.venues.len(), 3);
    let cached = walk(&cache);
    assert_eq!(cached.len(), 3, "{cached:?}");
    for f in cached {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        assert_eq!(v["format"], "liqshot-cache/2", "{}", f.display());
    }
}

/// Every file under `dir` (none if it does not exist).
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
