//! `liqshot report --symbol BTC` end to end against the local four-venue fake exchange,
//! then again with `--previous` so the recalculation triggers are decided.

use crate::common;

use common::{fake_exchange, liqshot};

#[test]
fn live_report_then_previous() {
    let server = fake_exchange::start(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let mut args: Vec<String> =
        ["report", "--symbol", "BTC", "--lookback", "2d", "--out-dir"].iter().map(|s| s.to_string()).collect();
    args.push(out.to_str().unwrap().into());
    for venue in ["binance", "bybit", "okx", "hyperliquid"] {
        args.push(format!("--{venue}-url"));
        args.push(server.base.clone());
    }
    args.extend(["--event".into(), "CPI 13:30 UTC".into()]);
    liqshot(&args).ok();
    assert_eq!(
        common::dir_names(&out),
        [
            "heatmap-square.png",
            "heatmap-square.png.alt.txt",
            "heatmap.png",
            "heatmap.png.alt.txt",
            "heatmap.svg",
            "report.html",
            "report.md",
            "zones.json"
        ]
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.starts_with("# BTCUSDT pre-trade checklist"), "{md}");
    assert!(
        md.contains("| Open interest | Binance, Bybit, OKX")
            && md.contains("| Price data | Binance BTCUSDT 5m candles |"),
        "the sources, each named: {md}"
    );
    assert!(md.contains("CPI 13:30 UTC"));
    let first: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("zones.json")).unwrap()).unwrap();
    assert_eq!(first["format"], "liqshot-report/3");
    assert!(first["triggers"].as_array().unwrap().iter().all(|t| t["fired"].is_null()));

    // Second run with the first run's zones.json: every trigger is decided (fired or not).
    let prev = dir.path().join("prev.json");
    std::fs::copy(out.join("zones.json"), &prev).unwrap();
    args.extend(["--previous".into(), prev.to_str().unwrap().into()]);
    liqshot(&args).ok();
    let second: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("zones.json")).unwrap()).unwrap();
    let triggers = second["triggers"].as_array().unwrap();
    assert!(!triggers.is_empty());
    assert!(triggers.iter().all(|t| t["fired"].is_boolean()), "{triggers:?}");
}
