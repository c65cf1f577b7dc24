//! The report's realized liquidations (Markdown, HTML, report JSON), end to end through
//! `liqshot report`. The events are SYNTHETIC, planted in the bundled example (which holds none):
//! one long liquidation inside the previous report's zone B, one short outside every zone, and
//! one older than 24 h.

use crate::common;

use chrono::Duration;
use common::{example_snapshot, liqshot};
use liqshot::model::snapshot::{Liquidation, Side};
use liqshot::MarketSnapshot;
use serde_json::Value;

fn report(
    snap: &std::path::Path,
    out: &std::path::Path,
    previous: Option<&std::path::Path>,
) -> (Value, String, String) {
    let mut args = vec![
        "report".to_string(),
        "--snapshot".into(),
        snap.display().to_string(),
        "--out-dir".into(),
        out.display().to_string(),
        "--size".into(),
        "800x450".into(),
    ];
    if let Some(p) = previous {
        args.extend(["--previous".to_string(), p.display().to_string()]);
    }
    liqshot(&args).ok();
    let json: Value = serde_json::from_slice(&std::fs::read(out.join("zones.json")).unwrap()).unwrap();
    (
        json,
        std::fs::read_to_string(out.join("report.md")).unwrap(),
        std::fs::read_to_string(out.join("report.html")).unwrap(),
    )
}

#[test]
fn last_24h_per_side_the_cluster_and_the_previous_zones() {
    let dir = tempfile::tempdir().unwrap();
    let full = MarketSnapshot::load(&example_snapshot()).unwrap();
    let end = full.captured_at;
    // The previous report: the same data 12 h earlier.
    let prev_snap = full.cut(None, end - Duration::hours(12));
    let prev_path = dir.path().join("prev.snapshot.json");
    std::fs::write(&prev_path, prev_snap.to_json()).unwrap();
    let (prev, ..) = report(&prev_path, &dir.path().join("prev"), None);
    let b = prev["zones"].as_array().unwrap().iter().find(|z| z["name"] == "B").expect("previous zone B").clone();
    let (lo, hi) = (b["low"].as_f64().unwrap(), b["high"].as_f64().unwrap());

    let mut snap = full.clone();
    let mid = (lo + hi) / 2.0;
    let inside = Liquidation { time: end - Duration::hours(6), side: Side::Long, price: mid, usd: 300_000.0 };
    let inside2 = Liquidation { time: end - Duration::hours(5), side: Side::Long, price: mid * 1.0002, usd: 200_000.0 };
    let outside = Liquidation { time: end - Duration::hours(2), side: Side::Short, price: hi * 1.2, usd: 100_000.0 };
    let old = Liquidation { time: end - Duration::hours(30), side: Side::Long, price: mid, usd: 9e6 };
    snap.venues[0].venue = "okx".into();
    snap.venues[0].liquidations = vec![old, inside, inside2, outside];
    let path = dir.path().join("now.snapshot.json");
    std::fs::write(&path, snap.to_json()).unwrap();
    let (json, md, html) = report(&path, &dir.path().join("now"), Some(&dir.path().join("prev/zones.json")));
    let r = &json["realized"];
    assert_eq!(r["available"], true);
    assert_eq!((r["events"].as_u64(), r["usd"].as_f64()), (Some(3), Some(600_000.0)));
    assert_eq!(
        (r["longs"]["events"].as_u64(), r["longs"]["usd"].as_f64(), r["longs"]["largest_usd"].as_f64()),
        (Some(2), Some(500_000.0), Some(300_000.0))
    );
    assert_eq!(r["shorts"]["largest_price"].as_f64(), Some(hi * 1.2));
    assert_eq!((r["cluster"]["usd"].as_f64(), r["cluster"]["events"].as_u64()), (Some(500_000.0), Some(2)));
    let p = &r["previous"];
    assert_eq!(
        (p["events"].as_u64(), p["usd"].as_f64(), p["inside_usd"].as_f64()),
        (Some(3), Some(600_000.0), Some(500_000.0))
    );
    assert!((p["inside_share"].as_f64().unwrap() - 5.0 / 6.0).abs() < 1e-9);
    let zb = p["zones"].as_array().unwrap().iter().find(|z| z["name"] == "B").unwrap();
    assert_eq!((zb["events"].as_u64(), zb["usd"].as_f64()), (Some(2), Some(500_000.0)));
    assert!(md.contains("## Realized liquidations") && md.contains("| longs | 2 | $500k |"), "{md}");
    assert!(md.contains("inside its zones $500k (83.3%)"), "{md}");
    assert!(
        html.contains("Realized liquidations</h2>") && html.contains("<td>longs</td><td>2</td><td>$500k</td>"),
        "{html}"
    );
}

#[test]
fn without_events_the_section_vanishes_and_stderr_says_where_they_come_from() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = liqshot([
        "report",
        "--snapshot",
        example_snapshot().to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
        "--size",
        "800x450",
    ])
    .ok();
    let json: Value = serde_json::from_slice(&std::fs::read(out.join("zones.json")).unwrap()).unwrap();
    let (md, html) = (
        std::fs::read_to_string(out.join("report.md")).unwrap(),
        std::fs::read_to_string(out.join("report.html")).unwrap(),
    );
    assert_eq!(json["realized"]["available"], false);
    assert_eq!(json["realized"]["previous"], Value::Null);
    assert!(
        !md.contains("Realized liquidations") && !html.contains("Realized liquidations"),
        "a section with nothing to say vanishes: {md}"
    );
    assert!(
        run.stderr.contains("no realized liquidations in the snapshot") && run.stderr.contains("--liquidations"),
        "the hint goes to stderr: {}",
        run.stderr
    );
}

#[test]
fn a_hostile_venue_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut snap = MarketSnapshot::load(&example_snapshot()).unwrap();
    let end = snap.captured_at;
    let p = snap.last_price();
    snap.venues[0].venue = "<script>x</script>|*y*".into();
    snap.venues[0].liquidations =
        vec![Liquidation { time: end - Duration::hours(1), side: Side::Long, price: p * 0.99, usd: 5e4 }];
    let path = dir.path().join("s.json");
    std::fs::write(&path, snap.to_json()).unwrap();
    // Venue names are one of the four liqshot knows (issue 19, D2/D6): a hostile one never
    // reaches a file name or a report.
    let out = dir.path().join("out");
    let r = liqshot(["report", "--snapshot", path.to_str().unwrap(), "--out-dir", out.to_str().unwrap()]);
    assert!(r.one_line_error(1).contains("venues: unknown venue \"<script>x</script>|*y*\""), "{r:?}");
    assert!(!out.exists());
}
