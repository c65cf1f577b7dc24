//! One snapshot, one set of zones: the bundled example's zones as `liqshot zones --json` prints
//! them are the zones of the report's zones.json at `--window 24h` and `--window 7d`, and of the
//! alt text of the chart at every preset; zones of one side never touch; each zone's USD is the
//! sum of its `levels` rows; the densest band within ±8 % of each side lies in a labelled zone;
//! `--zone-rule v1` still gives the first rule's zones. Run as the real binary.

use crate::common;

use common::{example_snapshot, liqshot};
use serde_json::Value;

fn snap_arg() -> String {
    example_snapshot().display().to_string()
}

/// (name, side, low, high, usd) of each zone, as printed.
fn rows(zones: &Value) -> Vec<(String, String, f64, f64, f64)> {
    zones
        .as_array()
        .expect("zones array")
        .iter()
        .map(|z| {
            (
                z["name"].as_str().unwrap().into(),
                z["side"].as_str().unwrap().into(),
                z["low"].as_f64().unwrap(),
                z["high"].as_f64().unwrap(),
                z["usd"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn zones_json(extra: &[&str]) -> Value {
    let mut args = vec!["zones", "--snapshot", &snap_arg(), "--json"].into_iter().map(String::from).collect::<Vec<_>>();
    args.extend(extra.iter().map(|s| s.to_string()));
    serde_json::from_str(&liqshot(args).ok().stdout).expect("zones JSON")
}

#[test]
fn the_same_zones_in_zones_the_report_at_24h_and_7d_and_every_presets_alt_text() {
    let doc = zones_json(&[]);
    let zones = rows(&doc["zones"]);
    assert_eq!(zones.iter().map(|z| z.0.as_str()).collect::<Vec<_>>(), ["A", "B", "C above", "C below"]);
    let dir = tempfile::tempdir().unwrap();
    for window in ["24h", "7d"] {
        let out = dir.path().join(format!("r{window}"));
        liqshot(["-q", "report", "--snapshot", &snap_arg(), "--window", window, "--out-dir", out.to_str().unwrap()])
            .ok();
        let report: Value = serde_json::from_slice(&std::fs::read(out.join("zones.json")).unwrap()).unwrap();
        assert_eq!(rows(&report["zones"]), zones, "report at {window}");
    }
    for preset in ["x", "telegram", "newsletter", "square"] {
        let png = dir.path().join(format!("{preset}.png"));
        liqshot(["-q", "render", "--snapshot", &snap_arg(), "--preset", preset, "-o", png.to_str().unwrap()]).ok();
        let alt = std::fs::read_to_string(dir.path().join(format!("{preset}.png.alt.txt"))).unwrap();
        for (name, side, low, high, usd) in &zones {
            let named = if name.contains(' ') { name.clone() } else { format!("{name} {side}") };
            let want = format!(
                "Zone {named}: {}–{}, {}",
                liqshot::model::fmt::price(*low),
                liqshot::model::fmt::price(*high),
                liqshot::model::fmt::usd(*usd)
            );
            assert!(alt.contains(&want), "{preset}: {want:?} not in {alt}");
        }
    }
}

#[test]
fn zones_never_touch_hold_their_levels_rows_and_label_the_densest_band() {
    let doc = zones_json(&[]);
    let levels: Value =
        serde_json::from_str(&liqshot(["levels", "--snapshot", &snap_arg(), "--json"]).ok().stdout).unwrap();
    let bands = levels["bands"].as_array().unwrap();
    let price = doc["price"].as_f64().unwrap();
    let mut all = rows(&doc["zones"]);
    all.extend(rows(&doc["other"]));
    all.extend(rows(&doc["far"]));
    assert!(all.len() > 6, "{all:?}");
    for (i, x) in all.iter().enumerate() {
        for y in &all[i + 1..] {
            if x.1 == y.1 {
                assert!(x.3 < y.2 || y.3 < x.2, "{x:?} touches {y:?}");
            }
        }
        // The zone's USD is the sum of its rows (each rounded to the cent in the file).
        let key = if x.1 == "above" { "short_usd" } else { "long_usd" };
        let inside: Vec<f64> = bands
            .iter()
            .filter(|b| {
                b["price_low"].as_f64().unwrap() >= x.2 - 0.01 && b["price_high"].as_f64().unwrap() <= x.3 + 0.01
            })
            .map(|b| b[key].as_f64().unwrap())
            .collect();
        let sum: f64 = inside.iter().sum();
        assert!((sum - x.4).abs() <= 0.01 * inside.len() as f64 + 1e-6, "{x:?}: rows sum to {sum}");
    }
    for (side, key) in [("above", "short_usd"), ("below", "long_usd")] {
        let best = bands
            .iter()
            .map(|b| (b["price_low"].as_f64().unwrap(), b["price_high"].as_f64().unwrap(), b[key].as_f64().unwrap()))
            .filter(|b| {
                if side == "above" {
                    b.0 >= price && b.1 <= price * 1.08
                } else {
                    b.1 <= price && b.0 >= price * 0.92
                }
            })
            .max_by(|x, y| x.2.total_cmp(&y.2))
            .unwrap();
        let labelled =
            rows(&doc["zones"]).into_iter().any(|z| z.1 == side && z.2 <= best.0 + 0.01 && z.3 >= best.1 - 0.01);
        assert!(labelled, "{side}: densest band {best:?} in no labelled zone");
    }
}

#[test]
fn zone_rule_v1_is_the_first_rule_and_is_said() {
    let v2 = zones_json(&[]);
    let v1 = zones_json(&["--zone-rule", "v1"]);
    assert_eq!((v2["zone_rule"].as_str(), v1["zone_rule"].as_str()), (Some("v2"), Some("v1")));
    assert!(v1.get("reach_pct").is_none() && v2["reach_pct"].as_f64().is_some_and(|r| r >= 8.0));
    // The first rule's zone A on the example: the half-height slice 106,649–107,183.
    let a1 = &rows(&v1["zones"])[0];
    assert_eq!((a1.0.as_str(), a1.2.round(), a1.3.round()), ("A", 106_649.0, 107_183.0), "{a1:?}");
    assert_ne!(rows(&v1["zones"]), rows(&v2["zones"]));
    let text = liqshot(["zones", "--snapshot", &snap_arg(), "--zone-rule", "v1"]).ok().stdout;
    assert!(text.contains("zone rule v1"), "{text}");
    let bad = liqshot(["zones", "--snapshot", &snap_arg(), "--zone-rule", "v3"]);
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
}
