//! The measured series of a snapshot (`measured_accounts`, `measured_positions`): additive within
//! format 2, validated field by field, refused in a version-1 file, dropped by a cut before
//! capture, and read by `zones` from a snapshot file (`--snapshot`), not only live.

use crate::common;

use common::liqshot;
use liqshot::model::snapshot::{MarketSnapshot, FORMAT, FORMAT_V1};
use serde_json::{json, Value};

const EXAMPLE: &str = "examples/btcusdt-2025-11-01_10.snapshot.json";

fn example() -> Value {
    serde_json::from_slice(&std::fs::read(EXAMPLE).unwrap()).unwrap()
}

fn pos(account: &str, side: &str, liq: Value, usd: f64) -> Value {
    json!({"account": account, "side": side, "size_coins": usd / 106000.0, "entry": 106000.0, "leverage": 20.0,
           "margin_mode": "cross", "liquidation_price": liq, "notional_usd": usd})
}

const A1: &str = "0x0000000000000000000000000000000000000001";
const A2: &str = "0x0000000000000000000000000000000000000002";

fn with_measured(format: &str, accounts: Value, positions: Value) -> Vec<u8> {
    let mut v = example();
    v["format"] = json!(format);
    v["venues"][0]["venue"] = json!("hyperliquid");
    v["venues"][0]["measured_accounts"] = accounts;
    v["venues"][0]["measured_positions"] = positions;
    serde_json::to_vec(&v).unwrap()
}

fn err(bytes: &[u8]) -> String {
    MarketSnapshot::from_json(bytes).unwrap_err().to_string()
}

#[test]
fn measured_series_round_trips_in_format_2_and_old_files_still_read() {
    let bytes = with_measured(
        FORMAT,
        json!(5),
        json!([pos(A1, "long", json!(100000.0), 5e6), pos(A2, "short", Value::Null, 1e6)]),
    );
    let s = MarketSnapshot::from_json(&bytes).unwrap();
    assert_eq!(s.venues[0].measured_accounts, Some(5));
    assert_eq!(s.venues[0].measured_positions[1].liquidation_price, None);
    assert_eq!(MarketSnapshot::from_json(&s.to_json()).unwrap(), s);
    // Without them nothing is written: a file of before the change reads and writes the same.
    let plain = MarketSnapshot::from_json(&std::fs::read(EXAMPLE).unwrap()).unwrap();
    let text = String::from_utf8(plain.to_json()).unwrap();
    assert!(!text.contains("measured"));
    // A version-1 file carrying them is refused.
    let v1 = with_measured(FORMAT_V1, json!(5), json!([pos(A1, "long", json!(100000.0), 5e6)]));
    assert!(err(&v1).contains("measured_positions: not part of \"liqshot-snapshot/1\""), "{}", err(&v1));
}

#[test]
fn measured_series_is_validated_field_by_field() {
    let e = err(&with_measured(FORMAT, Value::Null, json!([pos(A1, "long", json!(1.0), 5.0)])));
    assert!(e.contains("measured_positions without measured_accounts"), "{e}");
    let e = err(&with_measured(
        FORMAT,
        json!(1),
        json!([pos(A1, "long", json!(1.0), 5.0), pos(A2, "long", json!(1.0), 5.0)]),
    ));
    assert!(e.contains("2 accounts with a position but measured_accounts is 1"), "{e}");
    let e = err(&with_measured(
        FORMAT,
        json!(3),
        json!([pos(A1, "long", json!(1.0), 5.0), pos(A1, "short", json!(1.0), 5.0)]),
    ));
    assert!(e.contains("appears twice"), "{e}");
    let e = err(&with_measured(FORMAT, json!(3), json!([pos("0x12", "long", json!(1.0), 5.0)])));
    assert!(e.contains("account \"0x12\" is not a 0x… address"), "{e}");
    let e = err(&with_measured(FORMAT, json!(3), json!([pos(A1, "long", json!(-1.0), 5.0)])));
    assert!(e.contains("venue \"hyperliquid\": measured_positions #0") && e.contains("liquidation_price -1"), "{e}");
    let mut zero = pos(A1, "long", json!(1.0), 5.0);
    zero["notional_usd"] = json!(0.0);
    let e = err(&with_measured(FORMAT, json!(3), json!([zero])));
    assert!(e.contains("notional_usd 0 is not a positive finite number"), "{e}");
    let mut bad = pos(A1, "long", json!(1.0), 5.0);
    bad["margin_mode"] = json!("portfolio");
    assert!(err(&with_measured(FORMAT, json!(3), json!([bad]))).contains("portfolio"));
}

#[test]
fn a_cut_before_capture_drops_the_measured_positions() {
    let s = MarketSnapshot::from_json(&with_measured(FORMAT, json!(2), json!([pos(A1, "long", json!(100000.0), 5e6)])))
        .unwrap();
    let early = s.cut(None, s.captured_at - chrono::Duration::hours(1));
    assert_eq!((early.venues[0].measured_accounts, early.venues[0].measured_positions.len()), (None, 0));
    let whole = s.cut(None, s.captured_at);
    assert_eq!(whole.venues[0].measured_accounts, Some(2));
}

#[test]
fn zones_reads_the_measured_positions_from_a_snapshot_file() {
    // Price of the example is about 106 011: a long level at −2 % and a short at +3 %, one
    // without a level, one out of the ±25 % range.
    let positions = json!([
        pos(A1, "long", json!(103900.0), 4e6),
        pos(A2, "short", json!(109200.0), 2e6),
        pos("0x0000000000000000000000000000000000000003", "long", Value::Null, 1e6),
        pos("0x0000000000000000000000000000000000000004", "short", json!(200000.0), 3e6)
    ]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.json");
    std::fs::write(&file, with_measured(FORMAT, json!(10), positions)).unwrap();
    let run = liqshot(["zones", "--snapshot", file.to_str().unwrap(), "--json"]).ok();
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let m = &doc["measured"];
    assert_eq!(
        (
            m["accounts_queried"].as_u64(),
            m["accounts_with_position"].as_u64(),
            m["accounts_with_liquidation_price"].as_u64()
        ),
        (Some(10), Some(4), Some(3))
    );
    assert_eq!(m["usd_with_levels"].as_f64(), Some(9e6));
    assert_eq!(m["position_usd"].as_f64(), Some(10e6));
    let c = &m["model_check"];
    assert_eq!(c["measured_usd_in_range"].as_f64(), Some(6e6));
    assert_eq!(c["bands_with_measured"], 2);
    let cov = c["coverage"].as_f64().unwrap();
    assert!((cov - 6e6 / c["model_usd"].as_f64().unwrap()).abs() < 1e-9);
    let share = c["share_in_zones"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&share));
    let by_zone: f64 = c["by_zone"].as_array().unwrap().iter().map(|z| z[2].as_f64().unwrap()).sum();
    assert!((by_zone - share).abs() < 1e-9 || by_zone >= share, "{c}");
    // The plain example has no measured section.
    let plain: Value = serde_json::from_str(&liqshot(["zones", "--snapshot", EXAMPLE, "--json"]).ok().stdout).unwrap();
    assert!(plain.get("measured").is_none());
}

#[test]
fn report_zones_json_carries_the_measured_section_and_reads_as_previous() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.json");
    std::fs::write(
        &file,
        with_measured(
            FORMAT,
            json!(7),
            json!([pos(A1, "long", json!(103900.0), 4e6), pos(A2, "short", Value::Null, 1e6)]),
        ),
    )
    .unwrap();
    let out = dir.path().join("r");
    liqshot(["report", "--snapshot", file.to_str().unwrap(), "--out-dir", out.to_str().unwrap(), "--measured"]).ok();
    let doc: Value = serde_json::from_slice(&std::fs::read(out.join("zones.json")).unwrap()).unwrap();
    assert_eq!(doc["measured"]["accounts_queried"], 7);
    assert_eq!(doc["measured"]["accounts_with_liquidation_price"], 1);
    assert_eq!(doc["measured"]["model_check"]["bands_with_measured"], 1);
    // The Markdown and HTML say it in words, with the model check.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for text in [&md, &html] {
        assert!(text.contains("Measured positions (hyperliquid)"), "{text}");
        assert!(text.contains("7 accounts queried, 2 with a position ($5M"), "{text}");
        assert!(text.contains("1 with a liquidation price ($4M: longs $4M, shorts $0)"), "{text}");
        let bands = format!("over {} bands (1 with a measured level)", doc["measured"]["model_check"]["bands"]);
        assert!(text.contains("Model check against them") && text.contains(&bands), "{text}");
        // No measured level lies in a zone here: 0 %, never "-0.0%".
        assert!(text.contains("0.0% of the measured USD inside zones A/B/C") && !text.contains("-0.0%"), "{text}");
    }
    // Without measured positions there is no such section.
    let plain = dir.path().join("plain");
    liqshot(["report", "--snapshot", EXAMPLE, "--out-dir", plain.to_str().unwrap()]).ok();
    assert!(!std::fs::read_to_string(plain.join("report.md")).unwrap().contains("Measured positions"));
    // A report with it is a valid --previous.
    let out2 = dir.path().join("r2");
    let prev = out.join("zones.json");
    liqshot([
        "report",
        "--snapshot",
        file.to_str().unwrap(),
        "--out-dir",
        out2.to_str().unwrap(),
        "--previous",
        prev.to_str().unwrap(),
    ])
    .ok();
}

#[test]
fn backtest_prints_the_model_check_of_the_measured_positions() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.json");
    std::fs::write(
        &file,
        with_measured(
            FORMAT,
            json!(5),
            json!([pos(A1, "long", json!(103900.0), 4e6), pos(A2, "short", json!(109200.0), 2e6)]),
        ),
    )
    .unwrap();
    let zones: Value =
        serde_json::from_str(&liqshot(["zones", "--snapshot", file.to_str().unwrap(), "--json"]).ok().stdout).unwrap();
    let bt: Value =
        serde_json::from_str(&liqshot(["backtest", "--snapshot", file.to_str().unwrap(), "--json"]).ok().stdout)
            .unwrap();
    // The same section `zones` prints: the model check on the whole snapshot's zones.
    assert_eq!(bt["measured"], zones["measured"]);
    assert_eq!(bt["measured"]["accounts_queried"], 5);
    let table = liqshot(["backtest", "--snapshot", file.to_str().unwrap()]).ok().stdout;
    assert!(table.contains("measured (hyperliquid): 5 accounts queried, 2 with a position"), "{table}");
    assert!(table.contains("model check: coverage"), "{table}");
    // Without measured positions: null, and no such lines.
    let plain: Value =
        serde_json::from_str(&liqshot(["backtest", "--snapshot", EXAMPLE, "--json"]).ok().stdout).unwrap();
    assert!(plain["measured"].is_null());
    assert!(!liqshot(["backtest", "--snapshot", EXAMPLE]).ok().stdout.contains("model check"));
}
