//! Several symbols in one run (`--symbol BTC,ETH,SOL`) against the local fake exchange
//! (Binance serves BTC, ETH and SOL there): placeholders in output paths, `--latest` copies,
//! partial failure and exit codes, `--quiet` and `--log-json`.

use crate::common;

use std::path::Path;

use common::fake_exchange;
use common::mock_server::MockServer;
use common::{dir_names, liqshot, Run};

/// Runs liqshot against `server` (Binance only, one day of 5-minute candles, small images).
fn run(server: &MockServer, args: &[&str]) -> Run {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    for (flag, value) in [
        ("--binance-url", server.base.as_str()),
        ("--exchange", "binance"),
        ("--lookback", "1d"),
        ("--retries", "0"),
        ("--timeout", "10s"),
    ] {
        all.push(flag.into());
        all.push(value.into());
    }
    liqshot(all)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The one file in `dir` whose name starts with `prefix` and is not a `-latest` copy (nor alt text).
fn dated(dir: &Path, prefix: &str) -> String {
    let v: Vec<String> = dir_names(dir)
        .into_iter()
        .filter(|n| n.starts_with(prefix) && !n.contains("latest") && !n.ends_with(".alt.txt"))
        .collect();
    assert_eq!(v.len(), 1, "{prefix} in {:?}", dir_names(dir));
    v[0].clone()
}

#[test]
fn renders_one_file_per_symbol_with_placeholders_and_latest_copies() {
    let server = fake_exchange::start_multi(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out/{symbol}-{date}-{window}-{venues}.png");
    let r = run(
        &server,
        &["render", "--symbol", "BTC,eth,SOL/USDT", "-o", s(&out), "--latest", "--size", "800x450", "--jobs", "2"],
    )
    .ok();
    let out_dir = dir.path().join("out");
    assert_eq!(
        dir_names(&out_dir).len(),
        12,
        "an image and its alt text per symbol and latest copy: {:?}",
        dir_names(&out_dir)
    );
    let today = chrono::Utc::now().date_naive();
    for sym in ["BTCUSDT", "ETHUSDT", "SOLUSDT"] {
        let name = dated(&out_dir, &format!("{sym}-"));
        // {date} is the capture date (the close of the last closed candle, so today or, just
        // after midnight, yesterday).
        let date = chrono::NaiveDate::parse_from_str(&name[sym.len() + 1..sym.len() + 11], "%Y-%m-%d").unwrap();
        assert!((today - date).num_days() <= 1, "{name}");
        assert!(name.ends_with("-24h-binance.png"), "{name}");
        let img = std::fs::read(out_dir.join(&name)).unwrap();
        assert_eq!(img, std::fs::read(out_dir.join(format!("{sym}-latest.png"))).unwrap(), "{sym} latest copy differs");
        assert_eq!(common::read_png(&out_dir.join(&name)).dimensions(), (800, 450));
        assert!(r.stderr.contains(&format!("{sym}: ok in ")), "{}", r.stderr);
        assert!(r.stderr.contains(&format!("fetched {sym} from binance")), "{}", r.stderr);
    }
    // Different symbols, different charts.
    let btc = std::fs::read(out_dir.join("BTCUSDT-latest.png")).unwrap();
    assert_ne!(btc, std::fs::read(out_dir.join("ETHUSDT-latest.png")).unwrap());
    assert!(!r.stderr.contains("error"), "{}", r.stderr);
}

#[test]
fn one_bad_symbol_exits_1_and_the_others_are_written() {
    let server = fake_exchange::start_multi(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("{symbol}.png");
    let r = run(&server, &["render", "--symbol", "BTC,FOO,ETH", "-o", s(&out), "--size", "800x450"]);
    assert_eq!(r.code, Some(1), "{r:#?}");
    assert_eq!(dir_names(dir.path()), ["BTCUSDT.png", "BTCUSDT.png.alt.txt", "ETHUSDT.png", "ETHUSDT.png.alt.txt"]);
    assert!(
        r.stderr.lines().any(|l| l.starts_with("liqshot: error: FOOUSDT: ") && l.contains("FOOUSDT")),
        "{}",
        r.stderr
    );
    let last = r.stderr.lines().last().unwrap();
    assert_eq!(last, "liqshot: error: 1 of 3 symbols failed: FOOUSDT");
}

#[test]
fn every_symbol_failing_to_fetch_exits_3() {
    let server = fake_exchange::start_multi(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("{symbol}.png");
    let r = run(&server, &["render", "--symbol", "FOO,BAR", "-o", s(&out)]);
    assert_eq!(r.code, Some(3), "{r:#?}");
    let last = r.stderr.lines().last().unwrap();
    assert!(
        last.starts_with("liqshot: error: nothing could be fetched: all 2 symbols failed (FOOUSDT, BARUSDT)"),
        "{last}"
    );
    assert!(dir_names(dir.path()).is_empty());
}

#[test]
fn usage_errors_of_paths_exit_2_before_fetching() {
    let server = fake_exchange::start_multi(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let same = dir.path().join("chart-{date}.png");
    let r = run(&server, &["render", "--symbol", "BTC,ETH", "-o", s(&same)]);
    let line = r.one_line_error(2);
    assert!(line.contains("-o ") && line.contains("{symbol}"), "{line}");
    let r = run(&server, &["render", "--symbol", "BTC", "-o", s(&dir.path().join("{coin}.png"))]);
    let line = r.one_line_error(2);
    assert!(line.contains("-o ") && line.contains("unknown placeholder {coin}"), "{line}");
    let r = run(&server, &["report", "--symbol", "BTC,ETH", "--out-dir", s(&dir.path().join("reports"))]);
    assert!(r.one_line_error(2).contains("--out-dir"));
    let r = run(&server, &["fetch", "--symbol", "BTC", "-o", s(&dir.path().join("{when}.json"))]);
    assert!(r.one_line_error(2).contains("unknown placeholder {when}"));
    assert!(server.seen().is_empty(), "no request before the flags are checked");
    assert!(dir_names(dir.path()).is_empty());
}

#[test]
fn quiet_prints_nothing_on_success() {
    let server = fake_exchange::start_multi(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("{symbol}.json");
    let r = run(&server, &["fetch", "--symbol", "BTC,ETH", "-o", s(&out), "--latest", "--quiet"]).ok();
    assert_eq!(r.stderr, "");
    assert_eq!(r.stdout, "");
    assert_eq!(dir_names(dir.path()), ["BTCUSDT-latest.json", "BTCUSDT.json", "ETHUSDT-latest.json", "ETHUSDT.json"]);
    let eth = liqshot::MarketSnapshot::load(&dir.path().join("ETHUSDT.json")).unwrap();
    assert_eq!(eth.symbol, "ETHUSDT");
    assert!(eth.venues[0].candles.last().unwrap().close < 10_000.0);
}

#[test]
fn log_json_lines_parse_as_json() {
    let server = fake_exchange::start_multi(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("{symbol}.png");
    let r = run(&server, &["render", "--symbol", "BTC,NOPE", "-o", s(&out), "--size", "800x450", "--log-json"]);
    assert_eq!(r.code, Some(1), "{r:#?}");
    let lines: Vec<serde_json::Value> =
        r.stderr.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect();
    assert!(
        lines.iter().any(|v| v["symbol"] == "BTCUSDT" && v["status"] == "ok" && v["level"] == "INFO"),
        "{}",
        r.stderr
    );
    assert!(
        lines.iter().any(|v| v["symbol"] == "NOPEUSDT" && v["status"] == "failed" && v["level"] == "ERROR"),
        "{}",
        r.stderr
    );
    let last = lines.last().unwrap();
    assert_eq!(last["level"], "ERROR");
    assert_eq!(last["exit_code"], 1);
    assert!(last["message"].as_str().unwrap().contains("1 of 2 symbols failed: NOPEUSDT"), "{last}");
}

#[test]
fn report_for_several_symbols_into_placeholder_directories() {
    let server = fake_exchange::start_multi(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports/{symbol}");
    let r = run(
        &server,
        &["report", "--symbol", "BTC,SOL", "--out-dir", s(&out), "--latest", "--size", "800x450", "--jobs", "1"],
    )
    .ok();
    let reports = dir.path().join("reports");
    assert_eq!(dir_names(&reports), ["BTCUSDT", "BTCUSDT-latest", "SOLUSDT", "SOLUSDT-latest"]);
    for sym in ["BTCUSDT", "SOLUSDT"] {
        let names = dir_names(&reports.join(sym));
        assert_eq!(
            names,
            [
                "heatmap-square.png",
                "heatmap-square.png.alt.txt",
                "heatmap.png",
                "heatmap.png.alt.txt",
                "heatmap.svg",
                "report.html",
                "report.md",
                "zones.json"
            ],
            "{sym}"
        );
        let md = std::fs::read_to_string(reports.join(sym).join("report.md")).unwrap();
        assert!(md.contains(sym), "{sym} report names another symbol");
        assert_eq!(md, std::fs::read_to_string(reports.join(format!("{sym}-latest/report.md"))).unwrap());
        assert!(r.stderr.contains(&format!("{sym}: ok in ")), "{}", r.stderr);
    }
}

#[test]
fn zones_of_several_symbols_as_one_json_array() {
    let server = fake_exchange::start_multi(|_| {});
    let r = run(&server, &["zones", "--symbol", "ETH,SOL", "--json", "-q"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let symbols: Vec<&str> = v.as_array().unwrap().iter().map(|d| d["symbol"].as_str().unwrap()).collect();
    assert_eq!(symbols, ["ETHUSDT", "SOLUSDT"]);
}
