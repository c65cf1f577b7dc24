//! Realized liquidations in the snapshot: `liqshot import --liquidations FILE.csv`, bad lines
//! naming file, line and column; snapshot format 2 round-trips with liquidations; format 1 files
//! (the bundled example, the render fixtures) still read; the new series is validated with
//! one-line errors naming the field.

use crate::common;

use chrono::{DateTime, Utc};
use common::{dir_names, example_json, example_snapshot, import_fixture, liqshot};
use liqshot::fetch::import::{import, ImportOptions};
use liqshot::model::snapshot::{Liquidation, MarketSnapshot, Side, FORMAT, FORMAT_V1};
use serde_json::{json, Value};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test time").with_timezone(&Utc)
}

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

fn opts(liquidations: &str) -> ImportOptions {
    ImportOptions {
        liquidations: Some(import_fixture(liquidations)),
        ..ImportOptions::new(import_fixture("plain-klines.csv"), import_fixture("okx-oi.csv"), "btc")
    }
}

#[test]
fn import_stores_the_liquidations_of_the_file() {
    let snap = import(&opts("liquidations.csv")).expect("imports");
    assert_eq!(snap.format, FORMAT);
    let v = &snap.venues[0];
    let l = |t: &str, side, price, usd| Liquidation { time: utc(t), side, price, usd };
    // Sorted; the repeated row once; ms, ISO with an offset and a space-separated time read;
    // the rows before the first candle and after captured_at (02:25) dropped.
    assert_eq!(
        v.liquidations,
        [
            l("2025-11-01T00:12:03.250Z", Side::Long, 109380.5, 15234.75),
            l("2025-11-01T00:15:00Z", Side::Short, 109520.1, 802.4),
            l("2025-11-01T00:30:00Z", Side::Short, 109700.0, 5000.0),
            l("2025-11-01T00:40:00Z", Side::Long, 109401.0, 120000.0),
        ]
    );
    let notes = v.notes.join("\n");
    assert!(notes.contains("liquidations: liquidations.csv, 4 kept"), "{notes}");
    assert!(notes.contains("2 long ($135k), 2 short ($5.8k)"), "{notes}");
    assert!(notes.contains("1 repeated row(s)"), "{notes}");
    assert!(notes.contains("dropped 2 outside"), "{notes}");
    // Without the flag, none.
    let plain =
        import(&ImportOptions::new(import_fixture("plain-klines.csv"), import_fixture("okx-oi.csv"), "btc")).unwrap();
    assert!(plain.venues[0].liquidations.is_empty());
}

#[test]
fn format_2_round_trips_with_liquidations() {
    let snap = import(&opts("liquidations.csv")).unwrap();
    let bytes = snap.to_json();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("\"format\": \"liqshot-snapshot/2\"") && text.contains("\"side\": \"short\""), "{text}");
    let back = MarketSnapshot::from_json(&bytes).expect("reads back");
    assert_eq!(back, snap);
    assert_eq!(back.to_json(), bytes);
    // A cut (the backtest's view of an earlier moment) keeps the liquidations known by then.
    let cut = snap.cut(Some(utc("2025-11-01T00:15:00Z")), utc("2025-11-01T00:35:00Z"));
    let times: Vec<String> = cut.venues[0].liquidations.iter().map(|l| l.time.to_rfc3339()).collect();
    assert_eq!(times, ["2025-11-01T00:15:00+00:00", "2025-11-01T00:30:00+00:00"]);
}

#[test]
fn format_1_files_still_read() {
    // The bundled example as it was first written (version 1, before `sources`).
    let dir = tempfile::tempdir().unwrap();
    let mut v1: Value = serde_json::from_slice(&std::fs::read(example_snapshot()).unwrap()).unwrap();
    v1["format"] = FORMAT_V1.into();
    v1.as_object_mut().unwrap().remove("sources");
    let v1_path = dir.path().join("example-v1.json");
    std::fs::write(&v1_path, serde_json::to_vec(&v1).unwrap()).unwrap();
    for path in [v1_path, common::render_fixture("btcusdt-2025-11-05-cut.snapshot.json")] {
        let raw: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(raw["format"], FORMAT_V1, "{}", path.display());
        let snap = MarketSnapshot::load(&path).expect("a version-1 snapshot loads");
        // Read as version 2 without liquidations: written again, it is a version-2 file.
        assert_eq!(snap.format, FORMAT);
        assert!(snap.venues.iter().all(|v| v.liquidations.is_empty()));
        assert!(String::from_utf8(snap.to_json()).unwrap().contains("liqshot-snapshot/2"));
    }
    liqshot(["zones", "--snapshot", s(&example_snapshot())]).ok();
    // A version-1 file cannot carry liquidations.
    let mut v = v1.clone();
    v["venues"][0]["liquidations"] =
        json!([{"time": "2025-11-01T00:10:00Z", "side": "long", "price": 1.0, "usd": 1.0}]);
    let err = MarketSnapshot::from_json(&serde_json::to_vec(&v).unwrap()).unwrap_err().to_string();
    assert_eq!(err, "venue \"binance\": liquidations: not part of \"liqshot-snapshot/1\" (use \"liqshot-snapshot/2\")");
}

/// The example as version 2 with `liquidations` on its venue.
fn with_liquidations(items: Value) -> Vec<u8> {
    let mut v = example_json();
    v["format"] = json!(FORMAT);
    v["venues"][0]["liquidations"] = items;
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn the_liquidation_series_is_validated_field_by_field() {
    let ok = json!({"time": "2025-11-01T00:10:00Z", "side": "long", "price": 109000.0, "usd": 5000.0});
    let later = json!({"time": "2025-11-01T00:20:00Z", "side": "short", "price": 109100.0, "usd": 10.0});
    let snap = MarketSnapshot::from_json(&with_liquidations(json!([ok, later]))).expect("valid");
    assert_eq!(snap.venues[0].liquidations.len(), 2);
    let err = |items: Value| MarketSnapshot::from_json(&with_liquidations(items)).unwrap_err().to_string();
    let mut bad = ok.clone();
    bad["usd"] = json!(-5.0);
    assert_eq!(
        err(json!([bad])),
        "venue \"binance\": liquidations #0 (2025-11-01 00:10:00 UTC): usd -5 is not a positive finite number"
    );
    let mut bad = ok.clone();
    bad["price"] = json!(0.0);
    assert_eq!(
        err(json!([bad])),
        "venue \"binance\": liquidations #0 (2025-11-01 00:10:00 UTC): price 0 is not a positive finite number"
    );
    let mut bad = ok.clone();
    bad["side"] = json!("sell");
    assert!(
        err(json!([bad])).starts_with("liquidations: side \"sell\" is not \"long\" or \"short\""),
        "{}",
        err(json!([bad.clone()]))
    );
    assert_eq!(
        err(json!([later, ok])),
        "venue \"binance\": liquidations #1: time 2025-11-01 00:10:00 UTC is before 2025-11-01 00:20:00 UTC (must ascend by time, then side, price, usd)"
    );
    assert_eq!(err(json!([ok, ok])), "venue \"binance\": liquidations #1: repeats #0 (2025-11-01 00:10:00 UTC)");
    let mut extra = ok.clone();
    extra["qty"] = json!(1.0);
    assert!(err(json!([extra])).contains("unknown field `qty`"));
}

#[test]
fn the_cli_imports_liquidations_and_names_a_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap.json");
    let run = common::import_with_liquidations(&import_fixture("liquidations.csv"), &out).ok();
    assert!(run.stderr.contains("4 liquidations"), "{}", run.stderr);
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["format"], "liqshot-snapshot/2");
    assert_eq!(v["venues"][0]["liquidations"].as_array().unwrap().len(), 4);
    assert_eq!(
        v["venues"][0]["liquidations"][0],
        json!({"time": "2025-11-01T00:12:03.250Z", "side": "long", "price": 109380.5, "usd": 15234.75})
    );

    // A bad line: one line on stderr naming file, line and column; the good snapshot stays.
    let before = std::fs::read(&out).unwrap();
    let bad = import_fixture("liquidations-bad-side.csv");
    let run = common::import_with_liquidations(&bad, &out);
    let line = run.one_line_error(1);
    assert_eq!(
        line,
        format!(
            "liqshot: error: {}: line 3: column \"side\": \"sell\" is not long or short (the side that was liquidated)",
            bad.display()
        )
    );
    assert_eq!(std::fs::read(&out).unwrap(), before);
    assert_eq!(dir_names(dir.path()), ["snap.json"]);
}
