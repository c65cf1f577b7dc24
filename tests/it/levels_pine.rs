//! `liqshot levels --pine` / `-o levels.pine`: a Pine Script v6 indicator whose boxes are the
//! zones of `liqshot zones --json` (the same prices, to the last digit), its lines the top
//! levels of `liqshot levels`, one alert per zone edge; deterministic; user text escaped.

use crate::common;

use common::{arg, example_snapshot, liqshot};

fn pine() -> String {
    liqshot(["levels", "--snapshot", arg(&example_snapshot()), "--pine"]).ok().stdout
}

fn zones() -> serde_json::Value {
    serde_json::from_str(&liqshot(["zones", "--snapshot", arg(&example_snapshot()), "--json"]).ok().stdout).unwrap()
}

/// The numeric arguments of each call of `func(` in `text`, in order.
fn calls(text: &str, func: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter_map(|l| l.split_once(func).map(|(_, rest)| rest))
        .map(|rest| rest.split(',').map(|a| a.trim().to_string()).collect())
        .collect()
}

#[test]
fn version_line_indicator_and_one_box_per_zone_at_the_zones_json_prices() {
    let text = pine();
    assert_eq!(text.lines().next(), Some("//@version=6"));
    let indicator: Vec<&str> = text.lines().filter(|l| l.starts_with("indicator(")).collect();
    assert_eq!(indicator.len(), 1);
    assert!(indicator[0].contains("overlay=true") && indicator[0].contains("estimate"), "{}", indicator[0]);
    let z = zones();
    let zs = z["zones"].as_array().unwrap();
    assert_eq!(zs.len(), 4, "the example has A, B, C above, C below");
    let boxes = calls(&text, "box.new(");
    assert_eq!(boxes.len(), zs.len(), "one box per zone");
    for (b, zone) in boxes.iter().zip(zs) {
        // box.new(left, top, right, bottom, ...): top = high, bottom = low, exactly zones.json's.
        let (top, bottom): (f64, f64) = (b[1].parse().unwrap(), b[3].parse().unwrap());
        assert_eq!(top, zone["high"].as_f64().unwrap(), "{zone}");
        assert_eq!(bottom, zone["low"].as_f64().unwrap(), "{zone}");
    }
    // One alert per zone edge, at the edge's price.
    let alerts = calls(&text, "alertcondition(ta.cross(close, ");
    assert_eq!(alerts.len(), 2 * zs.len());
    for zone in zs {
        for edge in ["low", "high"] {
            let p = zone[edge].as_f64().unwrap();
            assert!(
                alerts.iter().any(|a| a[0].trim_end_matches(')').parse::<f64>().unwrap() == p),
                "no alert at {edge} {p}"
            );
        }
    }
}

#[test]
fn top_levels_are_the_densest_levels_rows_with_labels() {
    let text = pine();
    let lines = calls(&text, "line.new(");
    assert_eq!(lines.len(), 2 * liqshot::output::pine::TOP_LEVELS);
    let labels: Vec<&str> = text.lines().filter(|l| l.contains("label.new(")).collect();
    assert_eq!(labels.len(), lines.len());
    for l in &labels {
        assert!(
            l.contains("(estimate, 2025-11-11 00:00 UTC)")
                && (l.contains(" shorts ") || l.contains(" longs "))
                && l.contains('$'),
            "{l}"
        );
    }
    // The densest short band above price from `levels --json` is the first line.
    let lv: serde_json::Value =
        serde_json::from_str(&liqshot(["levels", "--snapshot", arg(&example_snapshot()), "--json"]).ok().stdout)
            .unwrap();
    let price = lv["price"].as_f64().unwrap();
    let best = lv["bands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["price_low"].as_f64().unwrap() >= price)
        .max_by(|a, b| a["short_usd"].as_f64().unwrap().total_cmp(&b["short_usd"].as_f64().unwrap()))
        .unwrap();
    let y: f64 = lines[0][1].parse().unwrap();
    assert!(y > best["price_low"].as_f64().unwrap() && y < best["price_high"].as_f64().unwrap(), "{y} not in {best}");
}

#[test]
fn pine_file_by_extension_is_the_same_text_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("levels.pine");
    liqshot(["levels", "--snapshot", arg(&example_snapshot()), "-o", arg(&out)]).ok();
    let first = pine();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first);
    assert_eq!(pine(), first, "same snapshot, same text");
    let e = liqshot(["levels", "--snapshot", arg(&example_snapshot()), "--json", "-o", arg(&out)]);
    let line = e.one_line_error(2);
    assert!(line.contains("levels.pine") && line.contains("--json"), "{line}");
}

#[test]
fn symbol_text_cannot_break_out_of_a_pine_string() {
    let mut snap = common::example_json();
    snap["symbol"] = serde_json::json!("BTC\"USDT), title=\"x");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    std::fs::write(&path, serde_json::to_vec(&snap).unwrap()).unwrap();
    let text = liqshot(["levels", "--snapshot", arg(&path), "--pine"]).ok().stdout;
    assert!(!text.contains("BTC\"USDT"), "a raw quote ends the string");
    assert!(text.contains("BTC\\\"USDT), title=\\\"x"), "{text}");
    // Every string literal closes on its line: an even count of unescaped quotes per line.
    for l in text.lines() {
        let unescaped = l.replace("\\\\", "").replace("\\\"", "");
        assert_eq!(unescaped.matches('"').count() % 2, 0, "{l}");
    }
}
