//! Zones on the chart and the profile panel, checked on the bundled example and on snapshots
//! cut at other days of the shared data (tests/fixtures/render/btcusdt-*-cut.snapshot.json,
//! imported from ../shared/data): every labelled zone is on the chart, its label clear of its
//! peak band, the densest band within ±8 % labelled, the zones the same at every window; labels say the near edge's distance; the profile's scale depends on the data only,
//! its bars fill the panel and agree with `levels`; the side totals never cover a bar; the
//! cumulative view sums from price outwards.

use crate::common;

use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::levels;
use liqshot::engine::pipeline::Analysis;
use liqshot::engine::zones::Where;
use liqshot::output::render::chart::{self, ProfileView};
use liqshot::output::render::layout::Layout;
use liqshot::output::render::palette::Theme;
use liqshot::output::render::{render_scene, RenderSettings};
use liqshot::output::render::{Item, Scene};
use liqshot::MarketSnapshot;

fn load(path: &std::path::Path) -> MarketSnapshot {
    MarketSnapshot::load(path).expect("snapshot loads")
}

/// The example (cut at 2025-11-11) and two snapshots cut at earlier days.
fn snapshots() -> Vec<(String, MarketSnapshot)> {
    let mut out = vec![("example".to_string(), load(&common::example_snapshot()))];
    for day in ["2025-11-05", "2025-11-08"] {
        out.push((day.to_string(), load(&common::render_fixture(&format!("btcusdt-{day}-cut.snapshot.json")))));
    }
    out
}

fn scene(snap: &MarketSnapshot, window: i64, w: u32, h: u32, view: ProfileView) -> (Analysis, Scene, Layout) {
    let mut s = RenderSettings::new(EstimateParams::default(), window, w, h);
    s.chart.profile = view;
    let (a, sc) = render_scene(snap, &s).expect("renders");
    (a, sc, Layout::new(w, h))
}

fn texts(sc: &Scene) -> Vec<String> {
    sc.items
        .iter()
        .filter_map(|i| match i {
            Item::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// Filled rectangles inside the profile panel in `color` (the bars).
fn panel_rects(sc: &Scene, l: &Layout, color: liqshot::output::render::Color) -> Vec<(f32, f32, f32, f32)> {
    let p = l.profile;
    sc.items
        .iter()
        .filter_map(|i| match *i {
            Item::Rect { x, y, w, h, fill }
                if fill == color && x >= p.x && x < p.right() && y >= p.y - 0.5 && y <= p.bottom() =>
            {
                Some((x, y, w, h))
            }
            _ => None,
        })
        .collect()
}

/// The rows a label's box covers: (top, bottom) of the label-background rectangle behind the
/// text item starting with `prefix`.
fn label_box(sc: &Scene, prefix: &str) -> Option<(f32, f32)> {
    let th = Theme::dark();
    let (tx, ty) = sc.items.iter().find_map(|i| match i {
        Item::Text { x, y, text, .. } if text.starts_with(prefix) => Some((*x, *y)),
        _ => None,
    })?;
    sc.items.iter().find_map(|i| match *i {
        Item::Rect { x, y, w, h, fill }
            if fill == th.label_background && x <= tx && x + w >= tx && y <= ty && y + h >= ty =>
        {
            Some((y, y + h))
        }
        _ => None,
    })
}

#[test]
fn every_zone_is_on_the_chart_its_label_clear_of_its_peak_and_the_densest_band_labelled() {
    for (name, snap) in snapshots() {
        let mut seen = Vec::new();
        for window in [86_400, 7 * 86_400] {
            let (a, sc, l) = scene(&snap, window, 1600, 900, ProfileView::Bars);
            let (lo, hi) = (a.estimate.grid.price_lo, a.estimate.grid.price_hi);
            let y = |p: f64| l.plot.bottom() - ((p / lo).ln() / (hi / lo).ln()) as f32 * l.plot.h;
            let labels = texts(&sc);
            for z in &a.zones.zones {
                assert!(z.low > lo && z.high < hi, "{name} {window}: {z:?} not wholly on the chart {lo}..{hi}");
                let label = format!("{} {}", z.tag(), chart::zone_label_text(z));
                assert!(labels.iter().any(|t| t == &label), "{name} {window}: no label {label:?} in {labels:?}");
                let (top, bottom) = label_box(&sc, &label).expect("label box");
                let (pt, pb) = (y(z.peak * 1.0005), y(z.peak / 1.0005));
                assert!(
                    bottom <= pt || top >= pb,
                    "{name} {window}: label of {} ({top}..{bottom}) covers its peak band ({pt}..{pb})",
                    z.name
                );
            }
            // Farther and unlettered shelves are not labelled on the chart.
            for f in a.zones.far.iter().chain(&a.zones.other) {
                assert!(
                    !labels.iter().any(|t| t.contains(&chart::zone_label_text(f))),
                    "{name}: {} labelled: {f:?}",
                    f.name
                );
            }
            // The densest band within ±8 % of price on each side lies in a labelled zone.
            let lv = levels::levels(&a.estimate.profile, a.estimate.last_price);
            let price = a.estimate.last_price;
            for side in [Where::Above, Where::Below] {
                let best = lv
                    .bands
                    .iter()
                    .filter(|b| match side {
                        Where::Above => b.price_low >= price && b.price_high <= price * 1.08,
                        Where::Below => b.price_high <= price && b.price_low >= price * 0.92,
                    })
                    .map(|b| (b, if side == Where::Above { b.short_usd } else { b.long_usd }))
                    .filter(|(_, u)| *u > 0.0)
                    .max_by(|x, y| x.1.total_cmp(&y.1));
                let Some((best, usd)) = best else { continue };
                let inside = a
                    .zones
                    .zones
                    .iter()
                    .any(|z| z.side == side && z.low <= best.price_low + 1e-9 && z.high >= best.price_high - 1e-9);
                assert!(
                    inside,
                    "{name} {window}: densest band {best:?} ({usd}) is in no labelled zone: {:?}",
                    a.zones.zones
                );
            }
            seen.push(a.zones);
        }
        assert_eq!(seen[0], seen[1], "{name}: the 24 h and 7 d charts find the same zones");
    }
}

#[test]
fn the_example_labels_the_long_cluster_near_102400() {
    let (a, sc, _) = scene(&load(&common::example_snapshot()), 86_400, 1600, 900, ProfileView::Bars);
    let c = a.zones.named(liqshot::engine::zones::ZoneName::CBelow).expect("zone C below");
    assert!(c.low < 102_400.0 && c.high > 102_400.0, "{c:?}");
    // The label gives the range and the distance to the near edge (the high end below price).
    let edge = (c.high / a.zones.price - 1.0) * 100.0;
    assert!((c.edge_distance_pct - edge).abs() < 1e-9);
    let label = format!("C↓ {}", chart::zone_label_text(c));
    assert!(label.contains(&format!("edge {}", liqshot::model::fmt::pct(edge))), "{label}");
    assert!(texts(&sc).contains(&label), "{label}");
    // The wide cluster 11 % below is listed as far, not as C.
    assert!(a.zones.far.iter().any(|f| f.side == Where::Below && f.edge_distance_pct < -10.0), "{:?}", a.zones.far);
}

#[test]
fn profile_scale_depends_on_the_data_only_and_bars_fill_the_panel() {
    let snap = load(&common::example_snapshot());
    let mut scales = Vec::new();
    for (w, h) in [(800, 450), (1600, 900), (3840, 2160)] {
        let (a, sc, l) = scene(&snap, 86_400, w, h, ProfileView::Bars);
        let th = Theme::dark();
        let scale = texts(&sc).into_iter().find(|t| t.ends_with("per 0.1 % band")).expect("scale label");
        scales.push(scale);
        let bars: Vec<_> = [th.longs, th.shorts].into_iter().flat_map(|c| panel_rects(&sc, &l, c)).collect();
        let widest = bars.iter().map(|b| b.2).fold(0.0f32, f32::max);
        assert!(widest >= 0.75 * l.profile.w, "{w}x{h}: widest bar {widest} of {}", l.profile.w);
        assert!(widest <= l.profile.w, "{w}x{h}");
        // One bar per non-empty (band, side) the panel shows: the rows of `levels`.
        let bands = chart::profile_bands(&a, a.estimate.grid.price_lo, a.estimate.grid.price_hi);
        let nonzero = bands.iter().map(|b| (b.long_usd > 0.0) as usize + (b.short_usd > 0.0) as usize).sum::<usize>();
        assert_eq!(bars.len(), nonzero, "{w}x{h}");
        // Bar length is proportional to the band's USD, one factor for all.
        let max_usd = bands.iter().fold(0.0f64, |m, b| m.max(b.long_usd).max(b.short_usd));
        let k = widest as f64 / max_usd;
        let mut usds: Vec<f64> = bands.iter().flat_map(|b| [b.long_usd, b.short_usd]).filter(|v| *v > 0.0).collect();
        let mut widths: Vec<f64> = bars.iter().map(|b| b.2 as f64).collect();
        usds.sort_by(f64::total_cmp);
        widths.sort_by(f64::total_cmp);
        for (u, wd) in usds.iter().zip(&widths) {
            assert!((u * k - wd).abs() < 0.01, "{w}x{h}: {u} USD drawn {wd} px, expected {}", u * k);
        }
    }
    assert!(scales.windows(2).all(|s| s[0] == s[1]), "{scales:?}");
}

#[test]
fn side_totals_never_cover_the_bars_and_say_their_band() {
    for (name, snap) in snapshots() {
        for (w, h) in [(800, 450), (1600, 900), (3840, 2160)] {
            let (a, sc, l) = scene(&snap, 86_400, w, h, ProfileView::Bars);
            let th = Theme::dark();
            let totals: Vec<(f32, f32, String)> = sc
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Text { x, y, text, .. } if text.starts_with("shorts") || text.starts_with("longs") => {
                        Some((*x, *y, text.clone()))
                    }
                    _ => None,
                })
                .collect();
            assert_eq!(totals.len(), 2, "{name} {w}x{h}: {totals:?}");
            assert!(
                totals[0].2.contains(&liqshot::model::fmt::usd(a.zones.above_usd))
                    && totals[1].2.contains(&liqshot::model::fmt::usd(a.zones.below_usd))
            );
            if w >= 1600 {
                assert!(totals[0].2.contains("+25 %") && totals[1].2.contains("−25 %"), "{totals:?}");
            }
            // Text centred outside the panel, below it, so no bar is under it.
            for (_, y, t) in &totals {
                assert!(*y > l.profile.bottom() + 6.0 * l.s, "{name} {w}x{h}: {t:?} at y {y} inside the panel");
                assert!(*y < l.colorbar.y - 12.0 * l.s - 6.0 * l.s, "{name} {w}x{h}: {t:?} reaches the caption");
            }
            let bars: Vec<_> = [th.longs, th.shorts].into_iter().flat_map(|c| panel_rects(&sc, &l, c)).collect();
            assert!(bars.iter().all(|b| b.1 + b.3 <= l.profile.bottom() + 0.5), "{name} {w}x{h}");
        }
    }
}

#[test]
fn levels_rows_sum_to_the_chart_totals_and_match_the_bars() {
    for (name, snap) in snapshots() {
        let (a, _, _) = scene(&snap, 86_400, 1600, 900, ProfileView::Bars);
        let lv = levels::levels(&a.estimate.profile, a.estimate.last_price);
        assert!((lv.shorts_above() - a.zones.above_usd).abs() <= 1e-6 * a.zones.above_usd, "{name}");
        assert!((lv.longs_below() - a.zones.below_usd).abs() <= 1e-6 * a.zones.below_usd, "{name}");
        for w in lv.bands.windows(2) {
            assert_eq!(w[0].price_high, w[1].price_low, "{name}: bands not contiguous");
        }
        // Every zone is a run of whole bands and holds exactly their USD.
        for z in &a.zones.zones {
            let inside: f64 = lv
                .bands
                .iter()
                .filter(|b| b.price_low >= z.low - 1e-9 && b.price_high <= z.high + 1e-9)
                .map(|b| if z.side == Where::Above { b.short_usd } else { b.long_usd })
                .sum();
            assert!((inside - z.usd).abs() <= 1e-6 * z.usd, "{name}: {z:?} vs {inside}");
        }
    }
}

#[test]
fn cumulative_view_sums_from_price_outwards() {
    let snap = load(&common::example_snapshot());
    for (w, h) in [(800, 450), (1600, 900)] {
        let (a, sc, l) = scene(&snap, 86_400, w, h, ProfileView::Cumulative);
        let th = Theme::dark();
        let labels = texts(&sc);
        let scale = labels.iter().find(|t| t.ends_with("cumulative USD")).expect("cumulative axis label");
        let bands = chart::profile_bands(&a, a.estimate.grid.price_lo, a.estimate.grid.price_hi);
        let (up, down) = chart::cumulative(&bands, a.estimate.last_price);
        let top_usd = up.last().unwrap().1.max(down.last().unwrap().1);
        assert_eq!(scale, &format!("0 … {} cumulative USD", liqshot::model::fmt::usd(chart::fine_ceil(top_usd))));
        // One curve per side: shorts rise going up from price, longs going down.
        for (color, up_side) in [(th.shorts, true), (th.longs, false)] {
            let pts = sc
                .items
                .iter()
                .find_map(|i| match i {
                    Item::Line { points, color: c, .. } if *c == color && points[0].0 >= l.profile.x => {
                        Some(points.clone())
                    }
                    _ => None,
                })
                .expect("a curve");
            for p in pts.windows(2) {
                assert!(p[1].0 >= p[0].0 - 1e-3, "x never falls: {p:?}");
                if up_side {
                    assert!(p[1].1 <= p[0].1 + 1e-3, "shorts curve goes up: {p:?}");
                } else {
                    assert!(p[1].1 >= p[0].1 - 1e-3, "longs curve goes down: {p:?}");
                }
            }
            let end = pts.last().unwrap().0 - l.profile.x - 1.0;
            let total = if up_side { up.last().unwrap().1 } else { down.last().unwrap().1 };
            let expect = (total / chart::fine_ceil(top_usd)) as f32 * (l.profile.w - 2.0);
            assert!((end - expect).abs() < 0.5, "{w}x{h}: curve ends at {end}, expected {expect}");
        }
        // The decoded image shows the curves: shorts colour above the price row, longs below.
        let png = liqshot::output::render::encode(&sc, liqshot::output::render::Format::Png);
        let img = image::load_from_memory(&png).unwrap().to_rgba8();
        let p = l.profile;
        let count = |c: liqshot::output::render::Color, y0: f32, y1: f32| {
            let mut n = 0;
            for y in y0.max(p.y) as u32..y1.min(p.bottom()) as u32 {
                for x in p.x as u32..p.right() as u32 {
                    let px = img.get_pixel(x, y).0;
                    if px[0].abs_diff(c.r) < 8 && px[1].abs_diff(c.g) < 8 && px[2].abs_diff(c.b) < 8 {
                        n += 1;
                    }
                }
            }
            n
        };
        let yp = {
            let g = &a.estimate.grid;
            let f = (a.estimate.last_price / g.price_lo).ln() / (g.price_hi / g.price_lo).ln();
            p.bottom() - f as f32 * p.h
        };
        assert!(count(th.shorts, p.y, yp) > 50 && count(th.shorts, yp + 2.0, p.bottom()) == 0, "{w}x{h}");
        // Pixels of exactly the curve's colour along an anti-aliased line: at 800x450 the longs
        // curve has 31 below price (the chart's range now holds zone C above, so fewer pixels
        // lie below price), so ask for 25.
        assert!(
            count(th.longs, yp, p.bottom()) >= 25 && count(th.longs, p.y, yp - 2.0) == 0,
            "{w}x{h}: {}",
            count(th.longs, yp, p.bottom())
        );
    }
}

#[test]
fn zones_command_and_chart_find_the_same_zones_at_any_size() {
    // `liqshot zones` runs the analysis with the default estimate over 24 h; `render` and
    // `report` with the grid of their image size and window. The zones (and far clusters) are
    // the same.
    for (name, snap) in snapshots() {
        let params = EstimateParams { window_secs: 86_400, ..Default::default() };
        let z = liqshot::engine::pipeline::analyse(&snap, &params, &liqshot::engine::zones::ZoneParams::default())
            .unwrap()
            .zones;
        for (w, h) in [(800, 450), (1600, 900), (3840, 2160)] {
            for window in [12 * 3600, 86_400, 3 * 86_400, 7 * 86_400] {
                let (a, _, _) = scene(&snap, window, w, h, ProfileView::Bars);
                assert_eq!(a.zones, z, "{name} {w}x{h} {window}");
            }
        }
    }
}
