//! Realized liquidations as period totals: `liqshot import --liquidations FILE.csv` with a time
//! column and `long_usd`, `short_usd` (the period inferred from the rows or given with
//! `--period`), stored in the snapshot's `realized_periods`, validated, round-tripped and cut;
//! bad rows named by file, line and column.

use crate::common;

use chrono::{DateTime, Utc};
use common::{example_json, import_fixture, import_with_liquidations};
use liqshot::fetch::import::{import, ImportOptions};
use liqshot::model::snapshot::{MarketSnapshot, FORMAT};
use serde_json::{json, Value};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test time").with_timezone(&Utc)
}

fn opts(file: &str, period: Option<&str>) -> ImportOptions {
    ImportOptions {
        liquidations: Some(import_fixture(file)),
        period: period.map(str::to_string),
        ..ImportOptions::new(import_fixture("plain-klines.csv"), import_fixture("okx-oi.csv"), "btc")
    }
}

#[test]
fn import_stores_period_totals_with_the_inferred_period() {
    let snap = import(&opts("periods.csv", None)).expect("imports");
    let r = snap.realized_periods.as_ref().expect("period totals stored");
    assert_eq!((r.period.as_str(), r.source.as_str()), ("30m", "periods.csv"));
    // Sorted; the period before the first candle and the one ending after captured_at (02:25) dropped.
    let rows: Vec<(String, f64, f64)> =
        r.rows.iter().map(|x| (x.start.to_rfc3339(), x.long_usd, x.short_usd)).collect();
    assert_eq!(
        rows,
        [
            ("2025-11-01T00:00:00+00:00".to_string(), 120000.5, 3000.0),
            ("2025-11-01T00:30:00+00:00".to_string(), 0.0, 45000.0),
            ("2025-11-01T01:00:00+00:00".to_string(), 7000.0, 800.0),
            ("2025-11-01T01:30:00+00:00".to_string(), 2500.0, 0.0),
        ]
    );
    assert!(snap.venues[0].liquidations.is_empty());
    let notes = snap.venues[0].notes.join("\n");
    assert!(
        notes.contains("realized periods: periods.csv, 4 of 30m (inferred from the rows' most common spacing)"),
        "{notes}"
    );
    assert!(notes.contains("dropped 2 outside"), "{notes}");

    // Round trip, and a cut keeps the periods that ended by the cut.
    let bytes = snap.to_json();
    assert_eq!(MarketSnapshot::from_json(&bytes).unwrap(), snap);
    let cut = snap.cut(None, utc("2025-11-01T01:00:00Z"));
    assert_eq!(cut.realized_periods.unwrap().rows.len(), 2);
}

#[test]
fn period_flag_is_checked_against_the_rows_and_the_file_kind() {
    let e = import(&opts("periods.csv", Some("1h"))).unwrap_err().to_string();
    assert!(e.ends_with("periods.csv: line 3: column \"time\": this period starts 30m after the one on line 2, less than --period 1h"), "{e}");
    let e = import(&opts("liquidations.csv", Some("1h"))).unwrap_err().to_string();
    assert_eq!(e, "--period: applies to period totals (a time column with long_usd, short_usd), and liquidations.csv holds events");
    let e = import(&opts("periods.csv", Some("soon"))).unwrap_err().to_string();
    assert_eq!(e, "--period \"soon\" is not like 1h, 4h or 1d");
    let mut o = ImportOptions::new(import_fixture("plain-klines.csv"), import_fixture("okx-oi.csv"), "btc");
    o.period = Some("1h".into());
    assert_eq!(import(&o).unwrap_err().to_string(), "--period: needs --liquidations FILE with period totals");
}

/// The example as version 2 with `realized_periods`.
fn with_periods(r: Value) -> Vec<u8> {
    let mut v = example_json();
    v["format"] = json!(FORMAT);
    v["realized_periods"] = r;
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn the_period_totals_are_validated_field_by_field() {
    let row = |t: &str, l: f64, s: f64| json!({"start": t, "long_usd": l, "short_usd": s});
    let ok = json!({"period": "1h", "source": "x", "rows": [row("2025-11-01T00:00:00Z", 1.0, 0.0), row("2025-11-01T02:00:00Z", 0.0, 2.0)]});
    let snap = MarketSnapshot::from_json(&with_periods(ok)).expect("valid");
    assert_eq!(snap.realized_periods.unwrap().period_secs(), 3600);
    let err = |r: Value| MarketSnapshot::from_json(&with_periods(r)).unwrap_err().to_string();
    assert_eq!(
        err(json!({"period": "1h", "rows": [row("2025-11-01T00:00:00Z", -5.0, 0.0)]})),
        "realized_periods.rows #0 (2025-11-01 00:00:00 UTC): long_usd -5 is negative or not finite"
    );
    assert_eq!(
        err(json!({"period": "1h", "rows": [row("2025-11-01T00:00:00Z", 1.0, 0.0), row("2025-11-01T00:30:00Z", 1.0, 0.0)]})),
        "realized_periods.rows #1: start 2025-11-01 00:30:00 UTC is less than one period (1h) after 2025-11-01 00:00:00 UTC (rows must ascend, one per period)"
    );
    assert_eq!(
        err(json!({"period": "hourly", "rows": []})),
        "realized_periods.period \"hourly\" is not like 1h, 4h or 1d"
    );
    assert!(err(json!({"period": "1h", "rows": [], "extra": 1})).contains("unknown field `extra`"));
    // Not part of version 1.
    let mut v = example_json();
    v["format"] = "liqshot-snapshot/1".into();
    v.as_object_mut().unwrap().remove("sources");
    v["realized_periods"] = json!({"period": "1h", "rows": []});
    let e = MarketSnapshot::from_json(&serde_json::to_vec(&v).unwrap()).unwrap_err().to_string();
    assert_eq!(e, "realized_periods: not part of \"liqshot-snapshot/1\" (use \"liqshot-snapshot/2\")");
}

#[test]
fn the_cli_imports_period_totals_and_names_a_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap.json");
    let run = import_with_liquidations(&import_fixture("periods.csv"), &out).ok();
    assert!(run.stderr.contains("4 realized periods"), "{}", run.stderr);
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["realized_periods"]["period"], "30m");
    assert_eq!(
        v["realized_periods"]["rows"][0],
        json!({"start": "2025-11-01T00:00:00Z", "long_usd": 120000.5, "short_usd": 3000.0})
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "hour_start_utc,long_usd,short_usd\n2025-11-01 00:00:00,1,2\n2025-11-01 01:00:00,1,-2\n")
        .unwrap();
    let run = import_with_liquidations(&bad, &out);
    assert_eq!(
        run.one_line_error(1),
        format!("liqshot: error: {}: line 3: column \"short_usd\": -2 is negative", bad.display())
    );
}
