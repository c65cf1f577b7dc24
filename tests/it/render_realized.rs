//! Realized liquidations on the chart: dots at (time, price) in the profile's colours, area by
//! USD, a legend with the last 24 h per side, nothing without events, off with `realized: false`.
//! The events here are SYNTHETIC (planted at chosen times and prices of the bundled example):
//! the example holds no realized liquidations.

use crate::common;

use chrono::Duration;
use liqshot::engine::estimate::EstimateParams;
use liqshot::model::snapshot::{Liquidation, Side};
use liqshot::output::render::chart::realized::{legend_text, radius};
use liqshot::output::render::layout::Layout;
use liqshot::output::render::palette::Theme;
use liqshot::output::render::{raster, render_scene, svg, Item, RenderSettings};
use liqshot::MarketSnapshot;

fn example() -> MarketSnapshot {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    MarketSnapshot::load(&root.join("examples/btcusdt-2025-11-01_10.snapshot.json")).expect("example loads")
}

fn settings() -> RenderSettings {
    RenderSettings::new(EstimateParams::default(), 86_400, 1600, 900)
}

/// The example with a big long liquidation 40 % into the 24 h window 1.5 % under the last
/// price, a short one 70 % in 1.5 % above, and one older than the window.
fn with_events() -> (MarketSnapshot, Liquidation, Liquidation) {
    let mut snap = example();
    let p = snap.last_price();
    let end = snap.captured_at;
    let long = Liquidation { time: end - Duration::minutes(864), side: Side::Long, price: p * 0.985, usd: 2_000_000.0 };
    let short = Liquidation { time: end - Duration::minutes(432), side: Side::Short, price: p * 1.015, usd: 500_000.0 };
    let old = Liquidation { time: end - Duration::hours(30), side: Side::Long, price: p, usd: 9_000_000.0 };
    snap.venues[0].venue = "okx".into();
    snap.venues[0].liquidations = vec![old, long, short];
    (snap, long, short)
}

fn circles(items: &[Item]) -> Vec<(f32, f32, f32, liqshot::output::render::Color)> {
    items
        .iter()
        .filter_map(|i| if let Item::Circle { cx, cy, r, fill, .. } = i { Some((*cx, *cy, *r, *fill)) } else { None })
        .collect()
}

/// Pixel position of (time, price) computed from the layout and the grid, independently of the chart code.
fn position(snap: &MarketSnapshot, a: &liqshot::engine::pipeline::Analysis, l: &Liquidation) -> (f32, f32) {
    let _ = snap;
    let lay = Layout::with_scale(1600, 900, None);
    let g = &a.estimate.grid;
    let span = (g.end() - g.start).num_seconds() as f64;
    let x = lay.plot.x as f64 + (l.time - g.start).num_seconds() as f64 / span * lay.plot.w as f64;
    let f = (l.price / g.price_lo).ln() / (g.price_hi / g.price_lo).ln();
    let y = (lay.plot.y + lay.plot.h) as f64 - f * lay.plot.h as f64;
    (x as f32, y as f32)
}

#[test]
fn png_has_a_dot_of_the_long_colour_where_the_long_event_is() {
    let (snap, long, short) = with_events();
    let (a, scene) = render_scene(&snap, &settings()).unwrap();
    let img = raster::to_rgba(&scene);
    // For looking at: target/tmp/render_realized.png.
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::write(dir.join("render_realized.png"), raster::to_png(&scene)).unwrap();
    let th = Theme::dark();
    for (ev, color) in [(long, th.longs), (short, th.shorts)] {
        let (x, y) = position(&snap, &a, &ev);
        let px = img.get_pixel(x.round() as u32, y.round() as u32);
        let d = (px[0] as i32 - color.r as i32).abs()
            + (px[1] as i32 - color.g as i32).abs()
            + (px[2] as i32 - color.b as i32).abs();
        assert!(d < 60, "pixel at ({x}, {y}) is {px:?}, expected about {color:?}");
    }
    // The same image without the events has no such colour there.
    let (_, plain) = render_scene(&example(), &settings()).unwrap();
    let img = raster::to_rgba(&plain);
    let (x, y) = position(&snap, &a, &long);
    let px = img.get_pixel(x.round() as u32, y.round() as u32);
    let d = (px[0] as i32 - th.longs.r as i32).abs()
        + (px[1] as i32 - th.longs.g as i32).abs()
        + (px[2] as i32 - th.longs.b as i32).abs();
    assert!(d >= 60, "without events the pixel is already the long colour: {px:?}");
}

#[test]
fn dots_only_inside_the_window_sized_by_usd_and_a_legend_of_the_last_24h() {
    let (snap, long, short) = with_events();
    let (a, scene) = render_scene(&snap, &settings()).unwrap();
    let c = circles(&scene.items);
    // Two events inside the window plus the legend's two swatches; the 30-hour-old one is not drawn.
    assert_eq!(c.len(), 4, "{c:?}");
    let (xl, yl) = position(&snap, &a, &long);
    let dot = c.iter().find(|d| (d.0 - xl).abs() < 0.5 && (d.1 - yl).abs() < 0.5).expect("long dot where the event is");
    assert_eq!(dot.2, radius(long.usd));
    // Area proportional to USD on a fixed scale: a quarter of the USD, half the radius (unclamped range).
    assert!((radius(400_000.0) / radius(100_000.0) - 2.0).abs() < 1e-4);
    assert!(radius(1.0) >= 2.5 && radius(1e12) <= 16.0);
    let (xs, ys) = position(&snap, &a, &short);
    assert!(c.iter().any(|d| (d.0 - xs).abs() < 0.5 && (d.1 - ys).abs() < 0.5 && d.2 == radius(short.usd)));
    let legend = scene.items.iter().find_map(|i| {
        if let Item::Text { text, .. } = i {
            text.starts_with("realized 24 h").then(|| text.clone())
        } else {
            None
        }
    });
    assert_eq!(legend.as_deref(), Some("realized 24 h: longs $2M, shorts $500k, 2 events, OKX"));
    let sum = liqshot::engine::realized::summary(&snap, snap.captured_at, 86_400);
    assert_eq!(legend.unwrap(), legend_text(&sum));
}

#[test]
fn no_events_or_no_realized_draws_nothing() {
    let (_, plain) = render_scene(&example(), &settings()).unwrap();
    assert!(circles(&plain.items).is_empty());
    let (snap, ..) = with_events();
    let mut s = settings();
    s.chart.realized = false;
    let (_, off) = render_scene(&snap, &s).unwrap();
    assert!(circles(&off.items).is_empty());
    assert!(!off.items.iter().any(|i| matches!(i, Item::Text { text, .. } if text.starts_with("realized"))));
    let mut none = snap.clone();
    none.venues[0].liquidations.clear();
    let (_, none) = render_scene(&none, &settings()).unwrap();
    assert!(off == none, "realized: false draws exactly the chart of a snapshot without events");
}

#[test]
fn svg_has_outlined_circles_in_the_side_colours() {
    let (snap, ..) = with_events();
    let (_, scene) = render_scene(&snap, &settings()).unwrap();
    let out = String::from_utf8(svg::to_svg(&scene)).unwrap();
    let th = Theme::dark();
    let n = |hex: String| {
        out.lines()
            .filter(|l| l.starts_with("<circle") && l.contains(&format!("fill=\"{hex}\"")) && l.contains("stroke="))
            .count()
    };
    assert_eq!(n(th.longs.to_hex_rgb()), 2, "long dot and legend swatch");
    assert_eq!(n(th.shorts.to_hex_rgb()), 2);
    assert!(out.contains("realized 24 h: longs $2M"));
}

/// The REAL recorded OKX answer (two filled liquidations on 2026-08-15, see
/// tests/fixtures/fetch/README.md) fetched from the local fake exchange (its candles are
/// synthetic): both drawn, the legend with their totals.
#[test]
fn the_real_okx_sample_fetched_from_the_fake_exchange_is_drawn() {
    use common::fake_exchange;
    use common::mock_server::Reply;
    use liqshot::fetch::{fetch, FetchOptions, HttpConfig, Venue};
    let body = std::fs::read(
        common::root()
            .join("tests/fixtures/fetch/okx/okx_public_liquidation-orders.real_2026-08-15.EzequielBes-invest.json"),
    )
    .unwrap();
    let server = fake_exchange::start(|s| {
        s.handle("GET", "/api/v5/public/liquidation-orders", move |q| {
            Some(Reply::json(if q.param("after").is_some() {
                br#"{"code":"0","msg":"","data":[]}"#.to_vec()
            } else {
                body.clone()
            }))
        });
    });
    let now = chrono::DateTime::from_timestamp_millis(1_786_809_600_000 + 2 * 3_600_000).unwrap();
    let opts = FetchOptions {
        symbol: "BTC".into(),
        venues: vec![Venue::Okx],
        lookback_secs: 86_400,
        interval_secs: 300,
        urls: vec![(Venue::Okx, server.base.clone())],
        http: HttpConfig { retries: 2, backoff: std::time::Duration::from_millis(10), ..Default::default() },
        max_parallel_per_venue: 6,
        now,
        cache: None,
        measured: None,
    };
    let snap = fetch(&opts).expect("fetch").snapshot;
    assert_eq!(snap.venues[0].liquidations.len(), 2);
    let (a, scene) = render_scene(&snap, &settings()).unwrap();
    std::fs::write(
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("render_realized_okx.png"),
        raster::to_png(&scene),
    )
    .unwrap();
    let legend = scene.items.iter().find_map(|i| {
        if let Item::Text { text, .. } = i {
            text.starts_with("realized").then(|| text.clone())
        } else {
            None
        }
    });
    assert_eq!(legend.as_deref(), Some("realized 24 h: longs $95, shorts $1.52k, 2 events, OKX"));
    // A dot per event whose price is on the chart (the fake exchange's candles are synthetic),
    // plus the legend's two swatches.
    let g = &a.estimate.grid;
    let on_chart =
        snap.venues[0].liquidations.iter().filter(|l| l.price >= g.price_lo && l.price <= g.price_hi).count();
    assert_eq!(circles(&scene.items).len(), on_chart + 2, "grid {}..{}", g.price_lo, g.price_hi);
}

#[test]
fn the_legend_says_binance_totals_are_a_lower_bound() {
    let (snap, ..) = with_events();
    let mut sum = liqshot::engine::realized::summary(&snap, snap.captured_at, 86_400);
    assert!(!legend_text(&sum).contains("Binance"));
    sum.venues = vec!["binance".into(), "okx".into()];
    assert!(legend_text(&sum).ends_with("BINANCE+OKX, Binance at most 1/s: a lower bound"), "{}", legend_text(&sum));
}
