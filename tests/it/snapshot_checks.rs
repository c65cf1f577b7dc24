//! Snapshots whose parts contradict each other or could steer a file name (findings D2, D6,
//! D9, D12, D16 and E5 of the reliability run): refused with a message naming the field and
//! the file, or (a very long note) clipped.

use crate::common;

use std::path::Path;

use common::{arg, example_json, liqshot};
use serde_json::{json, Value};

/// Writes `v` as a snapshot in `dir`; returns its path.
fn write(dir: &Path, v: &Value) -> std::path::PathBuf {
    let p = dir.join("s.json");
    std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
    p
}

/// The one error line of `zones` on `v`, with exit code 1, naming the file.
fn refused(v: &Value) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), v);
    let r = liqshot(["zones", "--snapshot", arg(&p)]);
    let line = r.one_line_error(1).to_string();
    assert!(line.starts_with(&format!("liqshot: error: {}: ", arg(&p))), "{line}");
    line
}

#[test]
fn names_that_would_leave_the_output_directory_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = example_json();
    v["symbol"] = json!("../../../outside/ESCAPED");
    let p = write(dir.path(), &v);
    let out = dir.path().join("deep/a/b/{symbol}.png");
    let line = liqshot(["render", "--snapshot", arg(&p), "-o", arg(&out)]).one_line_error(1).to_string();
    assert!(line.contains("symbol \"../../../outside/ESCAPED\" cannot be part of a file name"), "{line}");
    for bad in ["BTC\u{1b}USDT", "BTC\rUSDT"] {
        let mut v = example_json();
        v["symbol"] = json!(bad);
        let line = refused(&v);
        assert!(
            line.contains("cannot be part of a file name") && !line.contains('\u{1b}') && !line.contains('\r'),
            "{line:?}"
        );
    }
    let mut v = example_json();
    v["venues"][0]["venue"] = json!("../../../outside/VENUEESC");
    assert!(refused(&v).contains("venues: unknown venue \"../../../outside/VENUEESC\""));
    assert!(!dir.path().join("deep").exists());
}

/// A change to the example snapshot.
type Edit = Box<dyn Fn(&mut Value)>;

#[test]
fn inconsistent_snapshots_are_refused_naming_the_field() {
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|v| v["captured_at"] = json!("2099-01-01T00:00:00Z")),
            "captured_at 2099-01-01 00:00 UTC does not fit the candles",
        ),
        (
            Box::new(|v| v["captured_at"] = json!("2000-01-01T00:00:00Z")),
            "captured_at 2000-01-01 00:00 UTC does not fit the candles",
        ),
        (
            Box::new(|v| v["interval"] = json!("1d")),
            "interval 1d: candles #0 and #1 of venue \"binance\" open 5m apart",
        ),
        (
            Box::new(|v| {
                let b = v["venues"][0].clone();
                v["venues"].as_array_mut().unwrap().push(b);
            }),
            "venues: binance is listed twice",
        ),
        (Box::new(|v| v["venues"][0]["venue"] = json!("kraken")), "venues: unknown venue \"kraken\""),
        (Box::new(|v| v["venues"][0]["tick_size"] = json!(1e6)), "tick_size 1000000 is not a price step"),
        (
            Box::new(|v| v["venues"][0]["open_interest"][3]["oi_usd"] = json!(1e300)),
            "open_interest #3: 1e300 USD is more than any market holds",
        ),
        (
            Box::new(|v| v["venues"][0]["candles"][7]["open_time"] = json!("2025-11-01T00:35:00.001Z")),
            "candle #7 opens at 2025-11-01 00:35:00.001 UTC, not on the 5m grid",
        ),
    ];
    for (edit, want) in cases {
        let mut v = example_json();
        edit(&mut v);
        let line = refused(&v);
        assert!(line.contains(want), "want {want:?}\n got {line}");
    }
}

#[test]
fn a_very_long_note_is_clipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = example_json();
    v["notes"] = json!(["n".repeat(100_000)]);
    let p = write(dir.path(), &v);
    let out = dir.path().join("r");
    liqshot(["report", "--snapshot", arg(&p), "--out-dir", arg(&out), "-q"]).ok();
    for f in ["heatmap.svg", "report.html", "report.md", "zones.json"] {
        let len = std::fs::metadata(out.join(f)).unwrap().len();
        assert!(len < 2_000_000, "{f}: {len} bytes");
        assert!(!std::fs::read_to_string(out.join(f)).unwrap().contains(&"n".repeat(501)), "{f}");
    }
}

#[test]
fn an_error_found_while_estimating_names_the_file() {
    let mut v = example_json();
    let c = &mut v["venues"][0]["candles"][10];
    c["low"] = json!(1e-300);
    let line = refused(&v);
    assert!(line.contains("candle prices range from 1e-300"), "{line}");
}
