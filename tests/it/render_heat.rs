//! The heatmap's colour transfer, checked on decoded PNGs: a dark field with few hot levels
//! (1-15 % of the heatmap area in the top third of the colour scale) on the bundled examples
//! and on every day of the example's data, zones among the hottest rows, and a legend that
//! shows exactly the colours the cells are drawn in.
//!
//! "Hot" is read off the picture itself: a plot pixel is hot when its colour is one of the
//! colours the legend shows over the top third of its width. Run
//!
//! ```text
//! cargo test --locked --test it render_heat:: -- --nocapture
//! ```
//!
//! to print the hot-area share of every day's 24 h chart and of the 7-day charts (docs/chart.md
//! quotes this table).

use chrono::{DateTime, Duration, TimeZone, Utc};
use image::RgbaImage;
use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::pipeline::Analysis;
use liqshot::output::render::chart::{hot_share, ColorScale, BAND};
use liqshot::output::render::layout::Layout;
use liqshot::output::render::raster;
use liqshot::output::render::{render_scene, RenderSettings};
use liqshot::MarketSnapshot;

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example() -> MarketSnapshot {
    MarketSnapshot::load(&root().join("examples/btcusdt-2025-11-01_10.snapshot.json")).expect("example snapshot loads")
}

/// The example as it stood at `end`: candles closed by then, open interest sampled by then.
fn cut(snap: &MarketSnapshot, end: DateTime<Utc>) -> MarketSnapshot {
    let mut s = snap.clone();
    let step = Duration::seconds(s.interval_secs());
    for v in &mut s.venues {
        v.candles.retain(|c| c.open_time + step <= end);
        v.open_interest.retain(|p| p.time <= end);
        v.funding.retain(|p| p.time <= end);
    }
    s.captured_at = end;
    s
}

fn day_end(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 11, d, 0, 0, 0).unwrap()
}

struct Chart {
    a: Analysis,
    img: RgbaImage,
    l: Layout,
    /// The colour scale the chart was drawn with (the reference week's top when the snapshot
    /// holds it, see `render::chart_options`).
    scale: ColorScale,
}

/// Renders like `liqshot render` (default estimate) and decodes the PNG.
fn chart(snap: &MarketSnapshot, window_days: i64, w: u32, h: u32, dark: bool) -> Chart {
    let mut settings = RenderSettings::new(EstimateParams::default(), window_days * 86_400, w, h);
    settings.chart.dark = dark;
    let (a, scene) = render_scene(snap, &settings).unwrap();
    let img = image::load_from_memory(&raster::to_png(&scene)).expect("PNG decodes").to_rgba8();
    let scale = ColorScale::pick(&a.estimate.grid, liqshot::output::render::chart_options(snap, &settings).color_max);
    Chart { a, img, l: Layout::new(w, h), scale }
}

fn rgb(img: &RgbaImage, x: u32, y: u32) -> [u8; 3] {
    let p = img.get_pixel(x, y).0;
    [p[0], p[1], p[2]]
}

fn close(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
    (0..3).all(|i| (a[i] as i32 - b[i] as i32).abs() <= tol)
}

/// The top third of the colour scale.
const HOT_T: f64 = 2.0 / 3.0;

/// Which RGB colours count as hot: those within 3 per channel of a colour the legend shows
/// over the top third of its width, as drawn (a 2^24-entry table).
fn hot_table(img: &RgbaImage, l: &Layout) -> Vec<bool> {
    let mut table = vec![false; 1 << 24];
    for c in hot_colours(img, l) {
        for dr in -3i32..=3 {
            for dg in -3i32..=3 {
                for db in -3i32..=3 {
                    let (r, g, b) = (c[0] as i32 + dr, c[1] as i32 + dg, c[2] as i32 + db);
                    if (0..256).contains(&r) && (0..256).contains(&g) && (0..256).contains(&b) {
                        table[((r << 16) | (g << 8) | b) as usize] = true;
                    }
                }
            }
        }
    }
    table
}

/// The colours the legend shows over the top third of its width, as drawn.
fn hot_colours(img: &RgbaImage, l: &Layout) -> Vec<[u8; 3]> {
    let r = l.colorbar;
    let y = (r.y + r.h / 2.0) as u32;
    let x0 = (r.x + r.w * 2.0 / 3.0).ceil() as u32 + 1;
    let x1 = (r.right() - 2.0).floor() as u32;
    let mut v: Vec<[u8; 3]> = (x0..x1).map(|x| rgb(img, x, y)).collect();
    v.sort();
    v.dedup();
    v
}

/// Per plot row, how many pixels are hot; and the hot share of the whole plot.
fn hot_rows(img: &RgbaImage, l: &Layout) -> (Vec<usize>, f64) {
    let hot = hot_table(img, l);
    let p = l.plot;
    let (x0, x1) = (p.x.ceil() as u32, p.right().floor() as u32);
    let (y0, y1) = (p.y.ceil() as u32, p.bottom().floor() as u32);
    let rows: Vec<usize> = (y0..y1)
        .map(|y| {
            (x0..x1)
                .filter(|&x| {
                    let [r, g, b] = rgb(img, x, y);
                    hot[((r as usize) << 16) | ((g as usize) << 8) | b as usize]
                })
                .count()
        })
        .collect();
    let share = rows.iter().sum::<usize>() as f64 / ((x1 - x0) * (y1 - y0)) as f64;
    (rows, share)
}

#[test]
fn bundled_examples_are_a_dark_field_with_few_hot_levels() {
    for (file, w) in [("examples/btcusdt-24h.png", 1), ("examples/btcusdt-7d-light.png", 7)] {
        let img = image::open(root().join(file)).expect("example PNG decodes").to_rgba8();
        let (_, share) = hot_rows(&img, &Layout::new(img.width(), img.height()));
        println!("{file} ({w}d): {:.1} % of the heatmap area hot", share * 100.0);
        assert!(
            (0.01..=0.15).contains(&share),
            "{file}: {:.1} % of the heatmap area is hot (want 1-15 %)",
            share * 100.0
        );
    }
}

#[test]
fn every_day_has_between_1_and_15_percent_hot_area() {
    let ex = example();
    let mut bad = Vec::new();
    println!("chart                    scale top   hot cells   hot pixels");
    // 24 h charts ending at each midnight from 3 Nov (the day ending 2 Nov has one day of data
    // behind it: printed, not checked), then the 7-day charts.
    let cases: Vec<(i64, u32)> = (2..=11).map(|d| (1, d)).chain((8..=11).map(|d| (7, d))).collect();
    for (win, d) in cases {
        let snap = cut(&ex, day_end(d));
        let c = chart(&snap, win, 1600, 900, true);
        // What is drawn in hot colours (cells, before anything is drawn over them), and what
        // the decoded picture shows (candles, lines and labels cover some cells).
        let (_, pixels) = hot_rows(&c.img, &c.l);
        let scale = c.scale;
        let cells = hot_share(&c.a.estimate.grid, &scale);
        println!(
            "{}d to 2025-11-{d:02} 00:00    {:>9}     {:5.1} %      {:5.1} %",
            win,
            liqshot::model::fmt::usd(scale.hi),
            cells * 100.0,
            pixels * 100.0
        );
        for (what, share) in [("cells", cells), ("pixels", pixels)] {
            if (win, d) != (1, 2) && !(0.01..=0.15).contains(&share) {
                bad.push(format!("{win}d to Nov {d}: {:.1} % of {what}", share * 100.0));
            }
        }
    }
    assert!(bad.is_empty(), "hot area outside 1-15 %: {bad:?}");
}

/// The dark field must not come from a scale raised until nothing is bright, and the brightest
/// cells are where the zones are: as the map stands now (its last column, what the zones are
/// computed from), the column's hottest row lies in a zone, on each side the zone with the
/// densest level is among the hottest tenth of rows, and the hotter of the two is drawn hot. (A and B are the *nearest*
/// clusters, not the densest: on the 24 h example B's densest level sits at 0.53 of the scale,
/// so it is not required to be hot; every zone's position is printed.)
#[test]
fn zone_bands_are_among_the_hottest_rows() {
    for (win, dark) in [(1, true), (7, false)] {
        let c = chart(&example(), win, 1600, 900, dark);
        let g = &c.a.estimate.grid;
        let scale = c.scale;
        let k = BAND / g.row_rel_width();
        let last = g.cols - 1;
        let t_of = |row: usize| scale.t(g.total(last, row) as f64 * k).unwrap_or(0.0);
        let mut ts: Vec<f64> = (0..g.rows).map(t_of).collect();
        ts.sort_by(|a, b| b.total_cmp(a));
        println!(
            "{win}d last column: top t {:.2}, 10th pct {:.2}, 5th pct {:.2}",
            ts[0],
            ts[g.rows / 10],
            ts[g.rows / 20]
        );
        let rows_of = |z: &liqshot::engine::zones::Zone| {
            (g.row_of(z.low).floor().max(0.0) as usize, (g.row_of(z.high).ceil() as usize).min(g.rows))
        };
        let mut densest: [Option<(f64, String)>; 2] = [None, None];
        for z in &c.a.zones.zones {
            let (r0, r1) = rows_of(z);
            if r1 <= r0 {
                continue; // off the chart
            }
            let best = (r0..r1).map(t_of).fold(0.0, f64::max);
            println!(
                "{win}d zone {} {:.0}-{:.0}: densest level now at scale position {best:.2}",
                z.name, z.low, z.high
            );
            let side = usize::from(z.low < a_price(&c.a));
            if densest[side].as_ref().is_none_or(|d| best > d.0) {
                densest[side] = Some((best, format!("{} {:.0}-{:.0}", z.name, z.low, z.high)));
            }
        }
        for (side, d) in ["above", "below"].iter().zip(&densest) {
            let (best, name) = d.as_ref().unwrap_or_else(|| panic!("{win}d: no zone {side} on the chart"));
            assert!(
                *best >= ts[g.rows / 10],
                "{win}d: the densest zone {side} ({name}) is not among the hottest tenth of rows"
            );
        }
        // The hotter side's densest zone is drawn hot. (The other side's may hold half as much
        // per band: on the 24 h example C below's densest level sits at 0.59 of a scale whose
        // top is C above's band.)
        let hottest_zone = densest.iter().flatten().map(|d| d.0).fold(0.0, f64::max);
        assert!(hottest_zone >= HOT_T, "{win}d: no zone is drawn hot ({densest:?})");
        let hottest = (0..g.rows).max_by(|a, b| t_of(*a).total_cmp(&t_of(*b))).unwrap();
        let in_zone = c.a.zones.zones.iter().any(|z| {
            let (r0, r1) = rows_of(z);
            (r0..r1).contains(&hottest)
        });
        assert!(in_zone, "{win}d: the hottest row now ({hottest}) lies in no zone");
    }
}

#[test]
fn the_legend_shows_the_cells_colours() {
    // Light theme first: there faint cells were translucent over the light plot background and
    // the legend opaque, so cells showed a lavender the legend did not have.
    for dark in [false, true] {
        let c = chart(&example(), 1, 1600, 900, dark);
        let g = &c.a.estimate.grid;
        let scale = c.scale;
        let (p, r) = (c.l.plot, c.l.colorbar);
        let k = BAND / g.row_rel_width();
        let legend_y = (r.y + r.h / 2.0) as u32;
        let mut checked = 0;
        for target in [0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6, 0.8, 0.95] {
            let (mut same, mut n) = (0, 0);
            let mut per_row = std::collections::HashMap::<usize, u8>::new();
            'cells: for col in 0..g.cols {
                for row in 0..g.rows {
                    let Some(t) = scale.t(g.total(col, row) as f64 * k) else { continue };
                    if (t - target).abs() > 0.002 {
                        continue;
                    }
                    // Zone bands are tinted over the cells on purpose (and edged by lines).
                    let in_zone = c.a.zones.zones.iter().any(|z| {
                        let (r0, r1) = (g.row_of(z.low).floor() - 1.0, g.row_of(z.high).ceil() + 1.0);
                        (r0..=r1).contains(&(row as f64))
                    });
                    // At most two cells per row: one row under a grid line must not be the sample.
                    let used = per_row.entry(row).or_insert(0);
                    if in_zone || *used >= 2 {
                        continue;
                    }
                    *used += 1;
                    let x = (p.x + (col as f32 + 0.5) * p.w / g.cols as f32) as u32;
                    let y = (p.y + ((g.rows - 1 - row) as f32 + 0.5) * p.h / g.rows as f32) as u32;
                    let lx = (r.x + t as f32 * r.w) as u32;
                    n += 1;
                    if close(rgb(&c.img, x, y), rgb(&c.img, lx, legend_y), 4) {
                        same += 1;
                    }
                    if n == 40 {
                        break 'cells;
                    }
                }
            }
            if n < 5 {
                continue;
            }
            checked += 1;
            // Candles and lines cover some cells; most must show the legend's colour.
            assert!(
                same * 10 >= n * 8,
                "{} theme: only {same} of {n} cells at scale position {target} look like the legend there",
                if dark { "dark" } else { "light" }
            );
        }
        assert!(checked >= 6, "cells found at only {checked} scale positions");
    }
}

/// A tool rather than a check: prints the hot-area share of any charts liqshot rendered at any
/// size, e.g. of a snapshot imported from other data:
///
/// ```text
/// LIQSHOT_HEAT_PNGS=a.png,b.png cargo test --locked --test it render_heat::hot_share_of_files -- --ignored --nocapture
/// ```
#[test]
#[ignore = "prints the hot share of the PNGs named in LIQSHOT_HEAT_PNGS"]
fn hot_share_of_files() {
    let list = std::env::var("LIQSHOT_HEAT_PNGS").expect("LIQSHOT_HEAT_PNGS=a.png,b.png");
    for f in list.split(',').filter(|f| !f.is_empty()) {
        let img = image::open(f).unwrap_or_else(|e| panic!("{f}: {e}")).to_rgba8();
        let (_, share) = hot_rows(&img, &Layout::new(img.width(), img.height()));
        println!("{f}: {:.1} % of the heatmap area hot", share * 100.0);
    }
}

/// The legend labels the top of the scale, with a "+" (denser cells are drawn in its colour),
/// also when the top is not a multiple of the round tick step, and its end labels stay within
/// the bar's width (the caption starts right of it).
#[test]
fn the_legend_labels_the_top_of_the_scale() {
    let r = Layout::new(1600, 900).colorbar;
    for (days, pinned) in [(1, None), (7, None), (1, Some(1.2e6)), (1, Some(7e5))] {
        let mut settings = RenderSettings::new(EstimateParams::default(), days * 86_400, 1600, 900);
        settings.chart.color_max = pinned;
        let (a, scene) = render_scene(&example(), &settings).unwrap();
        let drawn = liqshot::output::render::chart_options(&example(), &settings).color_max;
        let top = format!("{}+", liqshot::model::fmt::usd(ColorScale::pick(&a.estimate.grid, drawn).hi));
        let label = scene.items.iter().find_map(|i| match i {
            liqshot::output::render::Item::Text { text, x, size, .. } if *text == top => Some((*x, *size)),
            _ => None,
        });
        let Some((x, size)) = label else { panic!("{days}d, top {pinned:?}: no legend label {top:?}") };
        let right = x + liqshot::output::render::text::measure(&top, size, false) / 2.0;
        assert!(
            right <= r.right() + 2.5,
            "{days}d, top {pinned:?}: {top:?} ends at {right}, past the bar's end {}",
            r.right()
        );
    }
}

fn a_price(a: &liqshot::engine::pipeline::Analysis) -> f64 {
    a.estimate.last_price
}

/// Pixel statistics of the near-empty bands (cells under a tenth of the scale's top, undrawn
/// ones included) of one theme's heatmap, composited over its plot background as drawn:
/// (mean luma distance from the plot background, mean luma step between vertically adjacent
/// near-empty cells: hairline stripes).
fn empty_band_stats(snap: &MarketSnapshot, dark: bool) -> (f64, f64) {
    use liqshot::output::render::palette::{over, Theme};
    use liqshot::output::render::{Color, Item};
    let mut settings = RenderSettings::new(EstimateParams::default(), 7 * 86_400, 1600, 900);
    settings.chart.dark = dark;
    let (a, scene) = render_scene(snap, &settings).unwrap();
    let g = &a.estimate.grid;
    let scale = ColorScale::pick(g, liqshot::output::render::chart_options(snap, &settings).color_max);
    let bg = if dark { Theme::dark() } else { Theme::light() }.plot_background;
    let (cols, rows, rgba) = scene
        .items
        .iter()
        .filter_map(|i| {
            if let Item::Image { px_w, px_h, rgba, .. } = i {
                Some((*px_w as usize, *px_h as usize, rgba))
            } else {
                None
            }
        })
        .max_by_key(|i| i.0 * i.1)
        .unwrap();
    assert_eq!((cols, rows), (g.cols, g.rows));
    let luma = |c: Color| 0.2126 * c.r as f64 + 0.7152 * c.g as f64 + 0.0722 * c.b as f64;
    let k = BAND / g.row_rel_width();
    // Top image row first: grid row `rows - 1 - r`.
    let near_empty = |col: usize, r: usize| (g.total(col, rows - 1 - r) as f64 * k) < scale.hi / 10.0;
    let shown = |col: usize, r: usize| {
        let p = &rgba[(r * cols + col) * 4..(r * cols + col) * 4 + 4];
        luma(over(Color::rgba(p[0], p[1], p[2], p[3]), bg))
    };
    let (mut dist, mut n, mut step, mut m) = (0.0, 0usize, 0.0, 0usize);
    for col in 0..cols {
        for r in 0..rows {
            if !near_empty(col, r) {
                continue;
            }
            dist += (shown(col, r) - luma(bg)).abs();
            n += 1;
            if r > 0 && near_empty(col, r - 1) {
                step += (shown(col, r) - shown(col, r - 1)).abs();
                m += 1;
            }
        }
    }
    assert!(n > 10_000 && m > 10_000, "{n} near-empty cells");
    (dist / n as f64, step / m as f64)
}

/// The light theme draws near-empty bands as close to its background as the dark theme does
/// (no grey wash) and without more row-to-row contrast (no hairline stripes).
#[test]
fn light_theme_empty_bands_look_like_the_dark_themes() {
    let snap = example();
    let (dark_dist, dark_step) = empty_band_stats(&snap, true);
    let (light_dist, light_step) = empty_band_stats(&snap, false);
    println!("near-empty bands: dark {dark_dist:.2} from background, step {dark_step:.2}; light {light_dist:.2}, step {light_step:.2}");
    assert!(
        light_dist <= dark_dist * 1.25 + 1.0,
        "grey wash: light {light_dist:.2} from its background, dark {dark_dist:.2}"
    );
    assert!(light_step <= dark_step * 1.25 + 0.5, "stripes: light {light_step:.2} per row, dark {dark_step:.2}");
}
