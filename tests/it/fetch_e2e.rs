//! End to end: `liqshot fetch|render|zones --symbol BTC` against a local server speaking the
//! four venues' APIs (tests/common/fake_exchange.rs). Nothing here reaches the internet: every
//! run passes all four base URLs.

use crate::common;

use std::path::Path;

use common::fake_exchange;
use common::mock_server::{MockServer, Reply};
use common::{liqshot, read_png, Run};
use liqshot::MarketSnapshot;

fn urls(server: &MockServer) -> Vec<String> {
    let mut v = Vec::new();
    for venue in ["binance", "bybit", "okx", "hyperliquid"] {
        v.push(format!("--{venue}-url"));
        v.push(server.base.clone());
    }
    v.extend(["--retries".to_string(), "1".to_string(), "--timeout".to_string(), "10s".to_string()]);
    // Every run fetches the whole lookback (tests/it/fetch_cache.rs covers the cache).
    v.push("--no-cache".to_string());
    v
}

fn run(server: &MockServer, args: &[&str]) -> Run {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend(urls(server));
    liqshot(all)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn render_symbol_btc_from_three_venues() {
    let server = fake_exchange::start(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("btc.png");
    let snap = dir.path().join("btc.json");
    let r = run(&server, &["render", "--symbol", "BTC", "-o", s(&png), "--save-snapshot", s(&snap)]).ok();
    assert!(r.stderr.contains("fetched BTCUSDT from binance+bybit+okx"), "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    // stderr is a pipe here: no progress line, no terminal control codes.
    assert!(
        !r.stderr.contains("fetching BTCUSDT") && !r.stderr.contains('\r') && !r.stderr.contains('\x1b'),
        "{:?}",
        r.stderr
    );
    let img = read_png(&png);
    assert_eq!(img.dimensions(), (1600, 900));
    // Kept for a human look: target/tmp/fetch_e2e_btc.png.
    let _ = std::fs::copy(&png, common::target_tmp("fetch_e2e_btc.png"));
    // The heatmap is not empty: many distinct colours in the plot area.
    let mut colours: Vec<[u8; 4]> = (100..700)
        .step_by(7)
        .flat_map(|y| (50..1200).step_by(11).map(move |x| (x, y)))
        .map(|(x, y)| img.get_pixel(x, y).0)
        .collect();
    colours.sort();
    colours.dedup();
    assert!(colours.len() > 50, "heatmap looks blank: {} colours", colours.len());

    let snapshot = MarketSnapshot::load(&snap).unwrap();
    assert_eq!(snapshot.symbol, "BTCUSDT");
    let venues: Vec<&str> = snapshot.venues.iter().map(|v| v.venue.as_str()).collect();
    assert_eq!(venues, ["binance", "bybit", "okx"]);
    // Default 7-day lookback of 5-minute candles (24 h window): 2016 closed candles per venue.
    for v in &snapshot.venues {
        assert!((2015..=2016).contains(&v.candles.len()), "{}: {} candles", v.venue, v.candles.len());
        let last_close = v.candles.last().unwrap().open_time + chrono::Duration::minutes(5);
        assert!(last_close <= snapshot.captured_at, "{}: open candle kept", v.venue);
        // One-sided USD open interest of the right magnitude (the fake has ~8e9 in all).
        let oi = v.open_interest.last().unwrap().oi_usd;
        assert!((1e9..1e10).contains(&oi), "{}: {oi}", v.venue);
    }
    assert!(snapshot.venues[0].candles.last().unwrap().taker_buy_volume.is_some());
    assert!(snapshot.venues[1].margin_tiers_source.contains("fetched"), "{}", snapshot.venues[1].margin_tiers_source);

    // The saved snapshot replays offline to the same image.
    let again = dir.path().join("again.png");
    liqshot(["render", "--snapshot", s(&snap), "-o", s(&again)]).ok();
    assert_eq!(std::fs::read(&png).unwrap(), std::fs::read(&again).unwrap(), "replay differs");
}

#[test]
fn fetch_saves_a_snapshot_and_spellings_agree() {
    let server = fake_exchange::start(|_| {});
    let dir = tempfile::tempdir().unwrap();
    for (i, spelling) in ["sol", "SOLUSDT", "SOL-USDT", "SOL/USDT"].iter().enumerate() {
        // The fake only lists BTC: every spelling of SOL must fail the same way, naming SOLUSDT.
        let out = dir.path().join(format!("{i}.json"));
        let r = run(&server, &["fetch", "--symbol", spelling, "-o", s(&out), "--exchange", "binance"]);
        assert_eq!(r.code, Some(3), "{r:#?}");
        assert!(r.stderr.contains("SOLUSDT"), "{}", r.stderr);
        assert!(!out.exists());
    }
    let out = dir.path().join("btc.json");
    let r = run(
        &server,
        &[
            "fetch",
            "--symbol",
            "btc/usdt",
            "-o",
            s(&out),
            "--exchange",
            "binance,hyperliquid",
            "--lookback",
            "2d",
            "--interval",
            "1h",
        ],
    )
    .ok();
    assert!(r.stderr.contains("wrote"), "{}", r.stderr);
    let snap = MarketSnapshot::load(&out).unwrap();
    assert_eq!(snap.interval, "1h");
    assert_eq!(snap.venues.len(), 2);
    let hl = &snap.venues[1];
    assert_eq!(hl.venue, "hyperliquid");
    assert!(hl.notes.iter().any(|n| n.contains("no open-interest history")), "{:?}", hl.notes);
    // Venue notes (such as the Hyperliquid fallback) reach the chart through the snapshot notes.
    assert!(snap.notes.iter().any(|n| n.contains("hyperliquid") && n.contains("open-interest")), "{:?}", snap.notes);
    assert!((47..=48).contains(&snap.venues[0].candles.len()));
}

#[test]
fn one_venue_down_still_renders_and_says_so() {
    let server = fake_exchange::start(|srv| {
        srv.route("GET", "/api/v5/market/history-candles", vec![Reply::json("upstream down").status(503)]);
    });
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("btc.png");
    let snap = dir.path().join("btc.json");
    let r =
        run(&server, &["render", "--symbol", "BTC", "-o", s(&png), "--save-snapshot", s(&snap), "--lookback", "2d"])
            .ok();
    assert!(r.stderr.contains("warning: okx left out") && r.stderr.contains("503"), "{}", r.stderr);
    assert!(r.stderr.contains("fetched BTCUSDT from binance+bybit"), "{}", r.stderr);
    assert_eq!(read_png(&png).dimensions(), (1600, 900));
    let _ = std::fs::copy(&png, common::target_tmp("fetch_e2e_okx_down.png"));
    let snapshot = MarketSnapshot::load(&snap).unwrap();
    assert_eq!(snapshot.venues.len(), 2);
    assert!(snapshot.notes.iter().any(|n| n.starts_with("okx unavailable:")), "{:?}", snapshot.notes);
}

#[test]
fn all_venues_down_exits_3_and_touches_no_output() {
    let server = fake_exchange::start(|srv| {
        for p in ["/fapi/v1/klines", "/v5/market/kline", "/api/v5/market/history-candles"] {
            srv.route("GET", p, vec![Reply::json("{}").status(500)]);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("btc.png");
    std::fs::write(&png, b"previous good image").unwrap();
    let r = run(&server, &["render", "--symbol", "BTC", "-o", s(&png), "--lookback", "1d"]);
    assert_eq!(r.code, Some(3), "{r:#?}");
    let last = r.stderr.lines().last().unwrap();
    assert!(last.starts_with("liqshot: error: no venue returned data"), "{last}");
    for venue in ["binance", "bybit", "okx"] {
        assert!(last.contains(venue), "{last}");
    }
    assert_eq!(std::fs::read(&png).unwrap(), b"previous good image");
    assert_eq!(common::dir_names(dir.path()), ["btc.png"]);
}

#[test]
fn unknown_symbol_lists_close_matches() {
    let server = fake_exchange::start(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.json");
    let r = run(
        &server,
        &["fetch", "--symbol", "BTCC", "-o", s(&out), "--exchange", "binance,okx,hyperliquid", "--lookback", "1d"],
    );
    assert_eq!(r.code, Some(3), "{r:#?}");
    assert!(r.stderr.contains("close matches: BTC"), "{}", r.stderr);
}

#[test]
fn base_urls_come_from_the_environment_too() {
    let server = fake_exchange::start(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("btc.json");
    let r = assert_cmd::Command::cargo_bin("liqshot")
        .unwrap()
        .env("LIQSHOT_OKX_URL", &server.base)
        .env("LIQSHOT_CACHE_DIR", dir.path().join("cache"))
        .args(["fetch", "--symbol", "BTC", "--exchange", "okx", "--lookback", "1d", "-o", s(&out)])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(!server.seen_path("/api/v5/market/history-candles").is_empty());
    let bad = assert_cmd::Command::cargo_bin("liqshot")
        .unwrap()
        .args(["fetch", "--symbol", "BTC", "--okx-url", "ftp://x", "-o", s(&out)])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--okx-url"));
}

/// Runs liqshot on a pseudo-terminal with `script` (util-linux) in the hermetic environment of
/// [`common::command`]; `None` when `script` is not installed. The pty's output is stdout and
/// stderr together.
fn on_a_terminal(server: &MockServer, args: &[&str]) -> Option<String> {
    let bin = assert_cmd::cargo::cargo_bin("liqshot");
    let quote = |a: &str| format!("'{}'", a.replace('\'', "'\\''"));
    let mut line = vec![quote(bin.to_str().unwrap())];
    line.extend(args.iter().map(|a| quote(a)));
    line.extend(urls(server).iter().map(|a| quote(a)));
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &line.join(" "), "/dev/null"]).current_dir(common::root());
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("LIQSHOT_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("XDG_CONFIG_HOME", common::target_tmp("no-config-home"))
        .env("LIQSHOT_CACHE_DIR", common::target_tmp("cache"));
    cmd.env_remove("COLUMNS").env_remove("RUST_LOG");
    let out = cmd.stdin(std::process::Stdio::null()).output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_terminal_shows_fetch_progress_and_clears_it() {
    let server = fake_exchange::start(|_| {});
    // Slow enough that the line is drawn more than once.
    server.set_latency(std::time::Duration::from_millis(40));
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("btc.json");
    let Some(tty) = on_a_terminal(&server, &["fetch", "--symbol", "BTC", "-o", s(&snap)]) else {
        eprintln!("fetch_e2e: skipped, `script` is not installed");
        return;
    };
    assert!(tty.contains("fetched BTCUSDT"), "{tty:?}");
    let lines: Vec<&str> = tty.split("\r\x1b[2K").filter(|l| l.starts_with("fetching BTCUSDT: ")).collect();
    assert!(lines.len() >= 2, "{tty:?}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("fetching BTCUSDT: binance ") && l.contains(", bybit ") && l.contains(", okx ")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.ends_with(" requests") && l.contains('/')), "{lines:?}");
    // Cleared before the summary line: it starts at the beginning of a clean line.
    assert!(tty.contains("\r\x1b[2Kfetched BTCUSDT"), "{tty:?}");
    // --quiet and --log-json: no progress line on the terminal either.
    for flag in ["--quiet", "--log-json"] {
        let tty = on_a_terminal(&server, &["fetch", "--symbol", "BTC", "-o", s(&snap), flag]).unwrap();
        assert!(!tty.contains("fetching BTCUSDT") && !tty.contains("\x1b[2K"), "{flag}: {tty:?}");
    }
}
