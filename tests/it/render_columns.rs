//! The heatmap has at most one time column per pixel column of the plot: a 30-day window of
//! 5-minute candles (8,640 of them) is aggregated to the plot's width, a 24-hour one is not.

use liqshot::engine::estimate::EstimateParams;
use liqshot::output::render::layout::Layout;
use liqshot::output::render::scene::Item;
use liqshot::output::render::{render_scene, RenderSettings};
use liqshot::MarketSnapshot;

fn example() -> MarketSnapshot {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/btcusdt-2025-11-01_10.snapshot.json");
    MarketSnapshot::load(std::path::Path::new(path)).expect("example snapshot loads")
}

/// The heatmap raster of a scene: the image drawn over the plot (px_w, px_h, box width).
fn heatmap(scene: &liqshot::output::render::Scene, l: &Layout) -> (u32, u32, f32) {
    scene
        .items
        .iter()
        .find_map(|i| match i {
            Item::Image { x, y, w, px_w, px_h, .. } if *x == l.plot.x && *y == l.plot.y => Some((*px_w, *px_h, *w)),
            _ => None,
        })
        .expect("the scene has a heatmap image over the plot")
}

#[test]
fn a_30_day_window_has_at_most_one_column_per_plot_pixel() {
    // 30 days of 5-minute candles: the example's 10 days repeated end to end three times.
    let snap = liqshot::engine::synth::repeated(&example(), 3);
    assert_eq!(snap.venues[0].candles.len(), 8_640);
    let (w, h) = (1600, 900);
    let l = Layout::new(w, h);
    let settings = RenderSettings::new(EstimateParams::default(), 30 * 86_400, w, h);
    let (a, scene) = render_scene(&snap, &settings).unwrap();
    let g = &a.estimate.grid;
    assert_eq!(l.plot.w, 1208.0);
    assert_eq!(g.candles, 8_640, "the grid still spans every candle of the window");
    assert_eq!(g.cols, 1208, "one column per pixel of the 1208-px plot, not one per candle");
    assert_eq!(g.end() - g.start, chrono::Duration::days(30));
    let (px_w, px_h, box_w) = heatmap(&scene, &l);
    assert_eq!((px_w as usize, px_h as usize, box_w), (g.cols, g.rows, l.plot.w));
}

#[test]
fn a_24_hour_window_keeps_one_column_per_candle() {
    let (w, h) = (1600, 900);
    let settings = RenderSettings::new(EstimateParams::default(), 86_400, w, h);
    let (a, scene) = render_scene(&example(), &settings).unwrap();
    let g = &a.estimate.grid;
    assert_eq!((g.candles, g.cols), (288, 288));
    assert_eq!(heatmap(&scene, &Layout::new(w, h)).0, 288);
}
