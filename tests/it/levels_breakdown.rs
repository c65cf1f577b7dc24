//! The live profile by leverage tier and by venue: the parts of every band add up to the band
//! of `levels` (library, CSV columns, the chart's stacked bars of `--profile leverage|venue`
//! and of `render --view map`), per band and in total; the map has bars on both sides of
//! price; the profile panel's cumulative axis and curves stay inside the panel.

use crate::common;

use liqshot::engine::breakdown::{self, Breakdown, By};
use liqshot::engine::estimate::{self, EstimateParams};
use liqshot::engine::levels::{self, Levels};
use liqshot::output::render::chart::profile_parts::PART_COLORS;
use liqshot::output::render::chart::{ChartView, ProfileView};
use liqshot::output::render::layout::Layout;
use liqshot::output::render::map_chart::{self, MapLayout};
use liqshot::output::render::{render_scene, text, Item, RenderSettings, Scene};
use liqshot::MarketSnapshot;

fn example() -> MarketSnapshot {
    MarketSnapshot::load(&common::example_snapshot()).unwrap()
}

/// The example with a second venue: its binance series as "bybit", with Bybit's margin tiers
/// (another formula and maximum) and 60 % of the open interest.
fn two_venues() -> MarketSnapshot {
    let mut s = example();
    let mut v = s.venues[0].clone();
    v.venue = "bybit".into();
    v.margin_tiers = liqshot::model::tiers::builtin("bybit", "BTCUSDT").0;
    for p in &mut v.open_interest {
        p.oi_usd *= 0.6;
    }
    s.venues.push(v);
    s
}

fn whole(snap: &MarketSnapshot, params: &EstimateParams) -> Levels {
    let e = estimate::estimate(snap, params).unwrap();
    levels::levels(&e.profile, e.last_price)
}

/// Every band's parts sum to the band (long and short apart), and the totals agree.
fn assert_parts_sum(lv: &Levels, bd: &Breakdown, what: &str) {
    assert!(!bd.parts.is_empty(), "{what}: no parts");
    let (mut total, mut parts_total) = (0.0, 0.0);
    for (i, b) in lv.bands.iter().enumerate() {
        let st = bd.stack(i);
        let (l, s): (f64, f64) = (st.iter().map(|x| x.0).sum(), st.iter().map(|x| x.1).sum());
        let tol = 1e-6 * (b.long_usd + b.short_usd).max(1.0);
        assert!(
            (l - b.long_usd).abs() <= tol && (s - b.short_usd).abs() <= tol,
            "{what}: band {i} {b:?}: parts {l} / {s}"
        );
        for p in &bd.parts {
            assert_eq!(
                (p.bands[i].price_low, p.bands[i].price_high),
                (b.price_low, b.price_high),
                "{what}: the parts' bands are the whole's"
            );
        }
        total += b.long_usd + b.short_usd;
        parts_total += l + s;
    }
    assert!(total > 1e6 && (total - parts_total).abs() < 1e-6 * total, "{what}: {total} vs {parts_total}");
}

#[test]
fn leverage_tiers_sum_to_the_levels_band_by_band() {
    let snap = example();
    let params = EstimateParams::default();
    let lv = whole(&snap, &params);
    let bd = breakdown::by_leverage(&snap, &params, lv.price).unwrap();
    assert_eq!(bd.names, ["5x", "10x", "25x", "50x", "100x"]);
    assert_parts_sum(&lv, &bd, "leverage");
    // Not a trivial split: several tiers hold USD, at different distances from price.
    let nonzero = bd.parts.iter().filter(|p| p.bands.iter().any(|b| b.long_usd + b.short_usd > 0.0)).count();
    assert!(nonzero >= 4, "{nonzero} tiers hold USD");
    // --leverage keeps its tiers only, and they still sum to that filtered whole.
    let only = EstimateParams { leverage_filter: Some(vec![50.0, 100.0]), ..EstimateParams::default() };
    let lv = whole(&snap, &only);
    let bd = breakdown::by_leverage(&snap, &only, lv.price).unwrap();
    assert_eq!(bd.names, ["50x", "100x"]);
    assert_parts_sum(&lv, &bd, "leverage 50,100");
}

#[test]
fn venues_sum_to_the_levels_band_by_band() {
    let snap = two_venues();
    let params = EstimateParams::default();
    let lv = whole(&snap, &params);
    let bd = breakdown::by_venue(&snap, &params, lv.price).unwrap();
    assert_eq!(bd.names, ["binance", "bybit"]);
    assert_parts_sum(&lv, &bd, "venue");
    // The two venues differ (other tiers, less open interest): neither part is the other.
    assert_ne!(bd.parts[0], bd.parts[1]);
    // Leverage tiers of a two-venue snapshot (Bybit caps BTC at 100x too) sum as well.
    let bl = breakdown::by_leverage(&snap, &params, lv.price).unwrap();
    assert_parts_sum(&lv, &bl, "leverage, two venues");
}

/// `levels` CSV: the columns per tier and per venue sum to the row's long_usd / short_usd
/// (each rounded to the cent).
#[test]
fn levels_csv_columns_sum_to_the_row() {
    let csv = common::liqshot(["levels", "--snapshot", common::arg(&common::example_snapshot())]).ok().stdout;
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header,
        [
            "price_low",
            "price_high",
            "long_usd",
            "short_usd",
            "long_usd_5x",
            "short_usd_5x",
            "long_usd_10x",
            "short_usd_10x",
            "long_usd_25x",
            "short_usd_25x",
            "long_usd_50x",
            "short_usd_50x",
            "long_usd_100x",
            "short_usd_100x",
            "long_usd_binance",
            "short_usd_binance"
        ]
    );
    let mut rows = 0;
    for l in lines {
        let v: Vec<f64> = l.split(',').map(|c| c.parse().unwrap()).collect();
        assert_eq!(v.len(), header.len(), "{l}");
        let tiers = |side: usize| (0..5).map(|k| v[4 + 2 * k + side]).sum::<f64>();
        assert!((tiers(0) - v[2]).abs() <= 0.03 && (tiers(1) - v[3]).abs() <= 0.03, "{l}");
        assert!((v[14] - v[2]).abs() <= 0.005 && (v[15] - v[3]).abs() <= 0.005, "{l}");
        rows += 1;
    }
    assert_eq!(rows, 512);
    let json: serde_json::Value = serde_json::from_str(
        &common::liqshot(["levels", "--snapshot", common::arg(&common::example_snapshot()), "--json"]).ok().stdout,
    )
    .unwrap();
    assert_eq!(json["leverage_tiers"], serde_json::json!(["5x", "10x", "25x", "50x", "100x"]));
    for b in json["bands"].as_array().unwrap() {
        let sum = |k: &str| b[k].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).sum::<f64>();
        assert!((sum("long_by_leverage") - b["long_usd"].as_f64().unwrap()).abs() <= 0.03, "{b}");
        assert!((sum("short_by_venue") - b["short_usd"].as_f64().unwrap()).abs() <= 0.005, "{b}");
    }
}

fn settings(view: ProfileView, map: bool, w: u32, h: u32, scale: Option<f32>) -> RenderSettings {
    let mut s = RenderSettings::scaled(EstimateParams::default(), 86_400, w, h, scale);
    s.chart.profile = view;
    if map {
        s.chart.view = ChartView::Map;
    }
    s
}

fn is_part(c: liqshot::output::render::Color) -> bool {
    PART_COLORS.contains(&c)
}

/// The part-coloured rects of `sc` inside `area`, grouped by their x (one group per band).
fn stacks(sc: &Scene, x0: f32, x1: f32, y0: f32, y1: f32, by_x: bool) -> Vec<(f32, f32)> {
    let mut groups: Vec<(f32, f32)> = Vec::new();
    for i in &sc.items {
        if let Item::Rect { x, y, w, h, fill } = *i {
            if is_part(fill) && x >= x0 - 0.5 && x + w <= x1 + 0.5 && y >= y0 - 0.5 && y + h <= y1 + 0.5 {
                let (key, len) = if by_x { (x, h) } else { (y, w) };
                match groups.iter_mut().find(|g| (g.0 - key).abs() < 0.01) {
                    Some(g) => g.1 += len,
                    None => groups.push((key, len)),
                }
            }
        }
    }
    groups
}

/// The map's bars: one stack per band with USD, as tall as the band's total on the bars' scale
/// (so the parts drawn add up to `levels`), on both sides of price.
#[test]
fn map_bars_stack_to_the_levels_on_both_sides_of_price() {
    for (snap, view) in [(example(), ProfileView::Bars), (two_venues(), ProfileView::Venue)] {
        let s = settings(view, true, 1600, 900, None);
        let (a, sc) = render_scene(&snap, &s).unwrap();
        let l = MapLayout::new(1600, 900, None);
        let p = l.plot;
        let range = map_chart::price_range(&a);
        let by = if view == ProfileView::Venue { By::Venue } else { By::Leverage };
        let bd = breakdown::breakdown(&snap, &s.params, a.estimate.last_price, by).unwrap();
        let bars = map_chart::map_bars(&a, Some(&bd), range);
        // The bars' totals are the levels rows of the range.
        let lv = levels::levels(&a.estimate.profile, a.estimate.last_price);
        let drawn_total: f64 = bars.iter().map(|(b, _)| b.long_usd + b.short_usd).sum();
        let rows_total: f64 = lv
            .bands
            .iter()
            .filter(|b| {
                (b.price_low * b.price_high).sqrt() >= range.0 && (b.price_low * b.price_high).sqrt() <= range.1
            })
            .map(|b| b.long_usd + b.short_usd)
            .sum();
        assert!((drawn_total - rows_total).abs() < 1e-6 * rows_total);
        let top = liqshot::output::render::chart::fine_ceil(
            bars.iter().map(|(b, _)| b.long_usd + b.short_usd).fold(0.0, f64::max),
        );
        let got = stacks(&sc, p.x, p.right(), p.y, p.bottom(), true);
        let with_usd: Vec<&(levels::Band, Vec<f64>)> =
            bars.iter().filter(|(b, _)| b.long_usd + b.short_usd > 0.0).collect();
        assert!(with_usd.len() > 50, "{} bars", with_usd.len());
        assert_eq!(got.len(), with_usd.len(), "one stack per band with USD");
        let x_price = p.x + ((a.estimate.last_price / range.0).ln() / (range.1 / range.0).ln()) as f32 * p.w;
        let (mut left, mut right) = (0, 0);
        for (x, h) in &got {
            let (b, parts) = with_usd
                .iter()
                .find(|(b, _)| {
                    let bx = p.x + ((b.price_low.max(range.0) / range.0).ln() / (range.1 / range.0).ln()) as f32 * p.w;
                    (bx.max(p.x) - x).abs() < 0.01
                })
                .unwrap_or_else(|| panic!("a stack at x {x} is no band"));
            let expect = ((parts.iter().sum::<f64>() / top) as f32) * p.h;
            // A part drawn is at least 0.5 px tall (so a small one still shows).
            let slack = 0.5 * parts.iter().filter(|u| **u > 0.0).count() as f32 + 0.05;
            assert!((h - expect).abs() <= slack, "{view:?} band {b:?}: stack {h} px, expected {expect}");
            assert!((parts.iter().sum::<f64>() - b.long_usd - b.short_usd).abs() < 1e-6 * (b.long_usd + b.short_usd));
            if *x < x_price {
                left += 1
            } else {
                right += 1
            }
        }
        assert!(left > 10 && right > 10, "{view:?}: {left} stacks left of price, {right} right");
    }
}

/// The profile panel of `--profile leverage|venue`: one stack per visible band, as long as
/// the band's bar of the plain view would be (the parts add up to the `levels` row).
#[test]
fn profile_stacks_are_the_plain_bars() {
    for (snap, view) in [(example(), ProfileView::Leverage), (two_venues(), ProfileView::Venue)] {
        let s = settings(view, false, 1600, 900, None);
        let (a, sc) = render_scene(&snap, &s).unwrap();
        let l = Layout::new(1600, 900);
        let pr = l.profile;
        let top = liqshot::output::render::chart::profile_top(&a, &s.chart);
        let bands =
            liqshot::output::render::chart::profile_bands(&a, a.estimate.grid.price_lo, a.estimate.grid.price_hi);
        let got = stacks(&sc, pr.x, pr.right(), pr.y, pr.bottom(), false);
        let width = pr.w - 2.0;
        let expected: Vec<f32> =
            bands.iter().map(|b| ((b.long_usd + b.short_usd) / top) as f32 * width).filter(|w| *w > 0.0).collect();
        // The legend's swatches are part-coloured too: they are not band stacks.
        let by = if view == ProfileView::Venue { By::Venue } else { By::Leverage };
        let legend = breakdown::breakdown(&snap, &s.params, a.estimate.last_price, by).unwrap().names.len();
        assert!(got.len() >= expected.len(), "{view:?}: {} stacks for {} bands", got.len(), expected.len());
        let total_drawn: f32 = got.iter().map(|g| g.1).sum::<f32>();
        let total_expected: f32 = expected.iter().sum();
        let swatches = legend as f32 * 9.0;
        assert!(
            (total_drawn - swatches - total_expected).abs() < 0.002 * total_expected + 1.0,
            "{view:?}: {total_drawn} vs {total_expected} (+{swatches} of swatches)"
        );
    }
}

/// The cumulative curves and their axis stay inside the profile panel in every view, at the
/// default size and at the smallest and compact layouts; the axis has labelled ticks.
#[test]
fn cumulative_axis_and_curves_fit_the_panel() {
    for (snap, view) in [
        (example(), ProfileView::Bars),
        (example(), ProfileView::Cumulative),
        (example(), ProfileView::Leverage),
        (two_venues(), ProfileView::Venue),
    ] {
        for (w, h, scale) in [
            (1600, 900, None),
            (720, 400, None),
            (1200, 675, Some(liqshot::output::render::preset::Preset::X.layout_scale())),
        ] {
            let s = settings(view, false, w, h, scale);
            let (_, sc) = render_scene(&snap, &s).unwrap();
            let pr = Layout::with_scale(w, h, scale).profile;
            let sigma = sc.items.iter().find_map(|i| match i {
                Item::Text { text, y, .. } if text == "Σ" => Some(*y),
                _ => None,
            });
            let y_axis = sigma.unwrap_or_else(|| panic!("{view:?} {w}x{h}: no cumulative axis"));
            let labels: Vec<(String, f32, f32)> = sc
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Text { text, x, y, size, bold, .. }
                        if (*y - y_axis).abs() < 0.01 && text.starts_with('$') =>
                    {
                        Some((text.clone(), *x, *x + text::measure(text, *size, *bold)))
                    }
                    _ => None,
                })
                .collect();
            // The top and at least one round value between 0 and it.
            assert!(labels.len() >= 2, "{view:?} {w}x{h}: axis labels {labels:?}");
            for (t, x0, x1) in &labels {
                assert!(
                    *x0 >= pr.x && *x1 <= pr.right() + 0.5,
                    "{view:?} {w}x{h}: label {t} at {x0}..{x1} leaves the panel {pr:?}"
                );
            }
            for w2 in labels.windows(2) {
                assert!(w2[0].2 <= w2[1].1, "{view:?} {w}x{h}: labels overlap {w2:?}");
            }
            // The curves (side-coloured polylines in the panel) never leave it.
            for i in &sc.items {
                if let Item::Line { points, dash: None, .. } = i {
                    if points.len() > 2 && points.iter().all(|p| p.0 >= pr.x - 0.5) {
                        for p in points {
                            assert!(
                                p.0 <= pr.right() + 0.5 && p.1 >= pr.y - 0.5 && p.1 <= pr.bottom() + 0.5,
                                "{view:?} {w}x{h}: curve point {p:?} outside {pr:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The map's text stays inside the image, no two texts overlap, and its right axis is labelled
/// in USD: at the default size, the smallest and every preset, both themes.
#[test]
fn map_text_is_inside_the_image_apart_and_the_right_axis_labelled() {
    use liqshot::output::render::preset::Preset;
    let mut sizes: Vec<(u32, u32, Option<f32>, bool)> = vec![(1600, 900, None, true), (720, 400, None, false)];
    sizes.extend(Preset::ALL.iter().map(|p| (p.size().0, p.size().1, Some(p.layout_scale()), true)));
    for (w, h, scale, dark) in sizes {
        let mut s = settings(ProfileView::Bars, true, w, h, scale);
        s.chart.dark = dark;
        let (_, sc) = render_scene(&example(), &s).unwrap();
        let l = MapLayout::new(w, h, scale);
        let mut boxes: Vec<(String, f32, f32, f32, f32)> = Vec::new();
        let mut right = 0;
        for i in &sc.items {
            if let Item::Text { text, x, y, size, bold, halign, .. } = i {
                let tw = text::measure(text, *size, *bold);
                let th = text::line_height(*size, *bold);
                let x0 = match halign {
                    liqshot::output::render::HAlign::Left => *x,
                    liqshot::output::render::HAlign::Center => x - tw / 2.0,
                    liqshot::output::render::HAlign::Right => x - tw,
                };
                assert!(
                    x0 >= 0.0 && x0 + tw <= w as f32 && y - th / 2.0 >= 0.0 && y + th / 2.0 <= h as f32,
                    "{w}x{h}: {text} at {x0}..{}, y {y}",
                    x0 + tw
                );
                if text.starts_with('$') && x0 > l.plot.right() {
                    right += 1;
                }
                boxes.push((text.clone(), x0, x0 + tw, y - th / 2.0, y + th / 2.0));
            }
        }
        assert!(right >= 3, "{w}x{h}: {right} labels on the cumulative axis");
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let apart = a.2 <= b.1 + 0.5 || b.2 <= a.1 + 0.5 || a.4 <= b.3 + 0.5 || b.4 <= a.3 + 0.5;
                assert!(apart, "{w}x{h}: {:?} overlaps {:?}", a, b);
            }
        }
    }
}

/// docs/chart.md shows examples/btcusdt-map.png and btcusdt-24h-leverage.png, docs/publishing.md
/// links btcusdt-levels.pine: they are what the bundled snapshot gives today (scripts/regen-examples).
#[test]
fn bundled_map_leverage_and_pine_examples_are_current() {
    let dir = tempfile::tempdir().unwrap();
    let snap = common::example_snapshot();
    for (name, extra) in
        [("btcusdt-map", &["--view", "map"][..]), ("btcusdt-24h-leverage", &["--profile", "leverage"][..])]
    {
        let out = dir.path().join(format!("{name}.png"));
        let mut args = vec!["render", "--snapshot", common::arg(&snap), "-o", common::arg(&out)];
        args.extend_from_slice(extra);
        common::liqshot(args).ok();
        let bundled = common::root().join(format!("examples/{name}.png"));
        let diff = common::target_tmp(&format!("levels_breakdown/{name}.diff.png"));
        common::imgdiff::compare(&common::read_png(&out), &common::read_png(&bundled), 16, 0.005, &diff)
            .unwrap_or_else(|e| panic!("{} is stale: {e}", bundled.display()));
    }
    let pine = common::liqshot(["levels", "--snapshot", common::arg(&snap), "--pine"]).ok().stdout;
    assert_eq!(
        pine,
        std::fs::read_to_string(common::root().join("examples/btcusdt-levels.pine")).unwrap(),
        "examples/btcusdt-levels.pine is stale"
    );
}
