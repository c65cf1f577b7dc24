//! `render --measured`: the measured Hyperliquid levels as outlined ticks on the profile panel
//! and their label, checked on the pixels of the PNG against the same chart without them.

use crate::common;

use common::liqshot;
use image::RgbaImage;
use liqshot::engine::estimate::EstimateParams;
use liqshot::model::snapshot::MarketSnapshot;
use liqshot::output::render::layout::Layout;
use liqshot::output::render::{raster, render_scene, RenderSettings};
use serde_json::{json, Value};

fn snapshot() -> (MarketSnapshot, Vec<u8>) {
    let mut v: Value =
        serde_json::from_slice(&std::fs::read("examples/btcusdt-2025-11-01_10.snapshot.json").unwrap()).unwrap();
    v["format"] = json!("liqshot-snapshot/2");
    v["venues"][0]["venue"] = json!("hyperliquid");
    v["venues"][0]["measured_accounts"] = json!(4);
    let p = |i: u8, side: &str, liq: Value, usd: f64| {
        json!({"account": format!("0x{i:040x}"), "side": side, "size_coins": usd / 106000.0, "entry": 106000.0,
               "leverage": 20.0, "margin_mode": "cross", "liquidation_price": liq, "notional_usd": usd})
    };
    // Price ~106 011: a long at 103 900, a short at 108 500, one without a level.
    v["venues"][0]["measured_positions"] = json!([
        p(1, "long", json!(103900.0), 800_000.0),
        p(2, "short", json!(108500.0), 400_000.0),
        p(3, "long", Value::Null, 1e6)
    ]);
    let bytes = serde_json::to_vec(&v).unwrap();
    (MarketSnapshot::from_json(&bytes).unwrap(), bytes)
}

fn png(snap: &MarketSnapshot, measured: bool) -> (RgbaImage, liqshot::engine::pipeline::Analysis) {
    let mut s = RenderSettings::new(EstimateParams::default(), 86_400, 1600, 900);
    s.chart.measured = measured;
    let (a, scene) = render_scene(snap, &s).unwrap();
    (image::load_from_memory(&raster::to_png(&scene)).unwrap().to_rgba8(), a)
}

#[test]
fn measured_ticks_sit_on_the_profile_panel_at_their_liquidation_price() {
    let (snap, _) = snapshot();
    let (with, a) = png(&snap, true);
    let (without, _) = png(&snap, false);
    let l = Layout::with_scale(1600, 900, None);
    let (prof, plot) = (l.profile, l.plot);
    let (lo, hi) = (a.estimate.grid.price_lo, a.estimate.grid.price_hi);
    let y = |p: f64| plot.bottom() - ((p / lo).ln() / (hi / lo).ln()) as f32 * plot.h;
    let diff: Vec<(u32, u32)> = with
        .enumerate_pixels()
        .filter(|(x, yy, px)| *px != without.get_pixel(*x, *yy))
        .map(|(x, y, _)| (x, y))
        .collect();
    assert!(!diff.is_empty(), "--measured changed nothing");
    // Everything drawn lies on the profile panel (nothing on the heatmap, axes or caption).
    for &(x, yy) in &diff {
        assert!(
            x as f32 >= prof.x - 1.0
                && x as f32 <= prof.right() + 1.0
                && yy as f32 >= prof.y - 1.0
                && yy as f32 <= prof.bottom() + 1.0,
            "pixel ({x}, {yy}) outside the profile panel {prof:?}"
        );
    }
    // An outline at each level: changed pixels on its row at the panel's left edge, and the
    // inside of the tick (its middle) left as the estimate drew it.
    for price in [103900.0, 108500.0] {
        let row = y(price).round() as i64;
        let near: Vec<&(u32, u32)> = diff.iter().filter(|(_, yy)| (*yy as i64 - row).abs() <= 3).collect();
        assert!(near.iter().any(|(x, _)| (*x as f32) < prof.x + 4.0), "no outline edge at {price} (row {row})");
        assert!(near.len() > 20, "tick at {price}: {} pixels", near.len());
    }
    // No tick between them, where no measured level is (rows of 105 000 .. 107 000), apart
    // from the label's corner at the top of the panel.
    let (y_a, y_b) = (y(107000.0) as u32, y(105000.0) as u32);
    assert!(diff.iter().all(|(_, yy)| *yy < y_a || *yy > y_b), "pixels drawn between the levels");
    // The label in the panel's top-left corner.
    assert!(diff.iter().any(|(x, yy)| (*yy as f32) < prof.y + 40.0 && (*x as f32) < prof.x + 100.0), "no label");
}

#[test]
fn render_cli_draws_the_measured_layer_only_when_asked() {
    let (_, bytes) = snapshot();
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("m.json");
    std::fs::write(&snap, bytes).unwrap();
    let (a, b) = (dir.path().join("a.png"), dir.path().join("b.png"));
    liqshot(["render", "--snapshot", snap.to_str().unwrap(), "--measured", "-o", a.to_str().unwrap()]).ok();
    liqshot(["render", "--snapshot", snap.to_str().unwrap(), "-o", b.to_str().unwrap()]).ok();
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}
