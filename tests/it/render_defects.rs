//! Chart defects of issue 11, each checked on the scene or the decoded PNG: no unexplained
//! tint over swept (empty) zone rows, the left edge included; strokes and text that scale with
//! the image; a title that says when the map shows only part of the leverage mix.

use image::RgbaImage;
use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::pipeline::Analysis;
use liqshot::output::render::chart::{ColorScale, BAND};
use liqshot::output::render::layout::Layout;
use liqshot::output::render::palette::Theme;
use liqshot::output::render::{raster, Item, Scene};
use liqshot::output::render::{render_scene, RenderSettings};
use liqshot::MarketSnapshot;

fn example() -> MarketSnapshot {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/btcusdt-2025-11-01_10.snapshot.json");
    MarketSnapshot::load(std::path::Path::new(path)).expect("example snapshot loads")
}

fn render(params: EstimateParams, window_days: i64, w: u32, h: u32) -> (Analysis, Scene) {
    render_scene(&example(), &RenderSettings::new(params, window_days * 86_400, w, h)).unwrap()
}

fn rgb(img: &RgbaImage, x: u32, y: u32) -> [u8; 3] {
    let p = img.get_pixel(x, y).0;
    [p[0], p[1], p[2]]
}

/// Empty heatmap cells inside a zone's band (price swept through them, nothing left) show the
/// bare plot background: no tint without a legend entry. The 24 h example's zone B was swept by
/// the first candles, which drew a brown block at the chart's left edge.
#[test]
fn swept_zone_rows_show_the_bare_background_left_edge_included() {
    let (a, scene) = render(EstimateParams::default(), 1, 1600, 900);
    let img = image::load_from_memory(&raster::to_png(&scene)).unwrap().to_rgba8();
    let (l, th) = (Layout::new(1600, 900), Theme::dark());
    let p = l.plot;
    let bg = [th.plot_background.r, th.plot_background.g, th.plot_background.b];
    let g = &a.estimate.grid;
    let drawn = liqshot::output::render::chart_options(
        &example(),
        &RenderSettings::new(EstimateParams::default(), 86_400, 1600, 900),
    )
    .color_max;
    let scale = ColorScale::pick(g, drawn);
    let k = BAND / g.row_rel_width();
    // Pixels near anything drawn over the heatmap (candles, wicks, lines, labels) are skipped.
    let mut covered = vec![false; (p.w as usize + 1) * (p.h as usize + 1)];
    let mut cover = |x0: f32, y0: f32, x1: f32, y1: f32| {
        let (x0, x1) = (((x0 - p.x - 2.0).max(0.0)) as usize, ((x1 - p.x + 2.0).min(p.w)) as usize);
        let (y0, y1) = (((y0 - p.y - 2.0).max(0.0)) as usize, ((y1 - p.y + 2.0).min(p.h)) as usize);
        for y in y0..y1 {
            for x in x0..x1 {
                covered[y * (p.w as usize + 1) + x] = true;
            }
        }
    };
    for it in &scene.items {
        match it {
            // Candle bodies and label boxes; full-width rectangles (backgrounds, any tint) are
            // what is being checked.
            Item::Rect { x, y, w, h, .. } if *w < p.w - 1.0 => cover(*x, *y, x + w, y + h),
            Item::StrokeRect { x, y, w, h, .. } => cover(*x, *y, x + w, y + h),
            Item::Line { points, width, .. } => {
                for s in points.windows(2) {
                    let (a, b) = (s[0], s[1]);
                    let hw = width / 2.0;
                    cover(a.0.min(b.0) - hw, a.1.min(b.1) - hw, a.0.max(b.0) + hw, a.1.max(b.1) + hw);
                }
            }
            _ => {}
        }
    }
    let (mut bare, mut n, mut left) = (0, 0, 0);
    for z in &a.zones.zones {
        let (r0, r1) = (g.row_of(z.low).ceil().max(0.0) as usize, (g.row_of(z.high).floor() as usize).min(g.rows));
        for row in r0..r1 {
            let y = p.y + ((g.rows - 1 - row) as f32 + 0.5) * p.h / g.rows as f32;
            for col in 0..g.cols {
                if scale.t(g.total(col, row) as f64 * k).is_some() {
                    continue;
                }
                let x = p.x + (col as f32 + 0.5) * p.w / g.cols as f32;
                if covered[((y - p.y) as usize) * (p.w as usize + 1) + (x - p.x) as usize] {
                    continue;
                }
                n += 1;
                let is_bare = rgb(&img, x as u32, y as u32) == bg;
                bare += usize::from(is_bare);
                if x < p.x + 40.0 {
                    left += 1;
                    assert!(
                        is_bare,
                        "swept zone {} row at the left edge ({x}, {y}) is tinted: {:?}",
                        z.name,
                        rgb(&img, x as u32, y as u32)
                    );
                }
            }
        }
    }
    assert!(n > 200 && left > 5, "the example has swept zone rows ({n}, {left} at the left edge)");
    assert_eq!(bare, n, "{} of {n} swept zone-band pixels are tinted", n - bare);
}

/// The widths of the dashed lines (zone edges, price line) and the title's size.
fn strokes_and_title(scene: &Scene) -> (Vec<f32>, f32) {
    let dashed = scene.items.iter().filter_map(|i| match i {
        Item::Line { dash: Some(_), width, .. } => Some(*width),
        _ => None,
    });
    let title = scene.items.iter().find_map(|i| match i {
        Item::Text { text, size, .. } if text.contains("liquidation heatmap") => Some(*size),
        _ => None,
    });
    (dashed.collect(), title.expect("a title"))
}

#[test]
fn strokes_and_text_scale_with_the_image() {
    let (_, base) = render(EstimateParams::default(), 1, 1600, 900);
    let (lines, title) = strokes_and_title(&base);
    assert!(!lines.is_empty());
    for (w, h) in [(3840u32, 2160u32), (800, 450)] {
        let (_, big) = render(EstimateParams::default(), 1, w, h);
        let (l2, t2) = strokes_and_title(&big);
        let s = Layout::new(w, h).s / Layout::new(1600, 900).s;
        assert_eq!(lines.len(), l2.len(), "{w}x{h}: same zone and price lines");
        for (a, b) in lines.iter().zip(&l2) {
            // Proportional to the image in whole pixels (crisp lines), never thinner than one.
            let want = (a * s).round().max(1.0);
            assert!((b - want).abs() < 0.01, "{w}x{h}: a {a} px line at 1600x900 is {b} px, want {want}");
        }
        assert!((t2 - title * s).abs() < 0.01 * title * s, "{w}x{h}: title {t2} px, want {}", title * s);
    }
    // And on the pixels: the price line at 3840x2160 is more than one pixel thick.
    let (a, big) = render(EstimateParams::default(), 1, 3840, 2160);
    let img = image::load_from_memory(&raster::to_png(&big)).unwrap().to_rgba8();
    let l = Layout::new(3840, 2160);
    let g = &a.estimate.grid;
    let y = l.plot.bottom()
        - ((a.estimate.last_price / g.price_lo).ln() / (g.price_hi / g.price_lo).ln()) as f32 * l.plot.h;
    // Through the live-profile panel, where nothing else near-white is drawn at that height.
    let near_white = |x: u32, yy: u32| rgb(&img, x, yy).iter().all(|c| *c > 150);
    let (x0, x1) = (l.profile.x as u32 + 2, l.profile.right() as u32 - 2);
    let lit = (x0..x1).map(|x| (y as u32 - 6..y as u32 + 6).filter(|&yy| near_white(x, yy)).count()).max().unwrap();
    assert!(lit >= 2, "the price line at 3840x2160 is {lit} px thick");
}

fn texts(scene: &Scene) -> Vec<String> {
    scene
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_leverage_filtered_chart_says_so_in_its_title() {
    let params = EstimateParams { leverage_filter: Some(vec![50.0, 100.0]), ..EstimateParams::default() };
    let (_, scene) = render(params, 1, 1600, 900);
    let t = texts(&scene);
    let title = t.iter().find(|s| s.contains("liquidation heatmap")).expect("a title");
    assert!(title.contains("leverage 50x,100x only"), "title: {title:?}");
    assert!(title.contains("ESTIMATED"), "title: {title:?}");
    let (_, scene) = render(EstimateParams::default(), 1, 1600, 900);
    let t = texts(&scene);
    let title = t.iter().find(|s| s.contains("liquidation heatmap")).expect("a title");
    assert!(!title.contains("only"), "the full mix is not filtered: {title:?}");
}

/// A window that starts where the data starts (the example's 10 days, or a 7-day chart of a
/// 7-day fetch) has no levels from before: its empty left edge is labelled as such.
#[test]
fn a_window_that_starts_with_the_data_says_earlier_levels_are_missing() {
    let (_, scene) = render(EstimateParams::default(), 10, 1600, 900);
    let t = texts(&scene);
    assert!(t.iter().any(|s| s == "No data before Nov 1 00:00 UTC: levels opened earlier are missing"), "{t:?}");
    for days in [1, 7] {
        let (_, scene) = render(EstimateParams::default(), days, 1600, 900);
        assert!(!texts(&scene).iter().any(|s| s.starts_with("No data before")), "{days}d has data before its window");
    }
}
