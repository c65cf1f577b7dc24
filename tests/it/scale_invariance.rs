//! The estimate works in relative terms: the same market at a millionth of the price
//! (BTC at 106,000 vs a DOGE-like 0.106) gives the same zones at the same distances.

use liqshot::engine::estimate::EstimateParams;
use liqshot::output::render::{render_scene, RenderSettings};
use liqshot::MarketSnapshot;

fn example() -> MarketSnapshot {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/btcusdt-2025-11-01_10.snapshot.json");
    MarketSnapshot::load(std::path::Path::new(path)).expect("example snapshot loads")
}

#[test]
fn zones_keep_their_distances_at_any_price_level() {
    let btc = example();
    let mut doge = btc.clone();
    doge.symbol = "DOGEUSDT".into();
    for v in &mut doge.venues {
        // Keep BTC's margin tiers so only the price level differs.
        for c in &mut v.candles {
            (c.open, c.high, c.low, c.close) = (c.open * 1e-6, c.high * 1e-6, c.low * 1e-6, c.close * 1e-6);
            c.volume *= 1e6;
        }
    }
    doge.validate().unwrap();
    let settings = RenderSettings::new(EstimateParams::default(), 86_400, 1600, 900);
    let (a, _) = render_scene(&btc, &settings).unwrap();
    let (b, scene) = render_scene(&doge, &settings).unwrap();
    assert!(!a.zones.zones.is_empty(), "the example has zones");
    assert_eq!(a.zones.zones.len(), b.zones.zones.len());
    for (x, y) in a.zones.zones.iter().zip(&b.zones.zones) {
        assert_eq!((&x.name, x.side), (&y.name, y.side));
        // Ledger bins lie on one absolute lattice (powers of 1.0002, so every cut of a snapshot
        // bins a level alike: the backtest needs it), which a price scale of 1e-6 shifts by a
        // fraction of a bin (ln 1e-6 / ln 1.0002 = -69,081.6 bins). So the densest bin inside a
        // zone (its peak) may be a near-equal neighbour, and a cluster's edge may move by one of
        // the 0.1 % bands it is summed into, with the USD that band holds.
        assert!((x.edge_distance_pct - y.edge_distance_pct).abs() < 0.11, "{x:?} vs {y:?}");
        assert!((x.distance_pct - y.distance_pct).abs() < 0.1, "{x:?} vs {y:?}");
        assert!(y.peak >= y.low && y.peak <= y.high, "{y:?}");
        // The USD may differ by what the bands between the two edges hold (an edge band that
        // straddles the dense threshold counts at one scale and not the other), and 10 % besides.
        let lv = liqshot::engine::levels::levels(&a.estimate.profile, a.estimate.last_price);
        let between = |p: f64, q: f64| -> f64 {
            let (lo, hi) = (p.min(q) - 1e-6, p.max(q) + 1e-6);
            lv.bands.iter().filter(|b| b.price_low >= lo && b.price_high <= hi).map(|b| b.long_usd + b.short_usd).sum()
        };
        let moved = between(x.low, y.low * 1e6) + between(x.high, y.high * 1e6);
        assert!((x.usd - y.usd).abs() <= 0.1 * x.usd + moved, "{x:?} vs {y:?} (edge bands hold {moved})");
        assert!((y.low * 1e6 / x.low - 1.0).abs() < 0.002, "{x:?} vs {y:?}");
        assert!((y.high * 1e6 / x.high - 1.0).abs() < 0.002, "{x:?} vs {y:?}");
    }
    // Price labels on the DOGE chart carry enough decimals to tell levels apart.
    let labels: Vec<String> = scene
        .items
        .iter()
        .filter_map(|i| match i {
            liqshot::output::render::Item::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(labels.iter().any(|t| t.starts_with("0.10")), "{labels:?}");
}

/// At prices of 1e12 and 1e-12 the price axis' labels stay between the plot and the profile
/// panel (scientific notation where thousands separators would not fit) and tell ticks apart.
#[test]
fn axis_labels_fit_at_extreme_price_levels() {
    use liqshot::output::render::layout::Layout;
    for scale in [1e7, 1e-17] {
        let mut snap = example();
        for v in &mut snap.venues {
            for c in &mut v.candles {
                (c.open, c.high, c.low, c.close) = (c.open * scale, c.high * scale, c.low * scale, c.close * scale);
                c.volume /= scale;
                c.taker_buy_volume = c.taker_buy_volume.map(|t| t / scale);
            }
            v.tick_size = v.tick_size.map(|t| t * scale);
        }
        let settings = RenderSettings::new(EstimateParams::default(), 86_400, 1600, 900);
        let (_, scene) = render_scene(&snap, &settings).unwrap();
        let l = Layout::new(1600, 900);
        let axis_x = l.plot.right() + 8.0 * l.s;
        let labels: Vec<(f32, String, f32)> = scene
            .items
            .iter()
            .filter_map(|i| match i {
                liqshot::output::render::Item::Text { x, text, size, .. } if (*x - axis_x).abs() < 0.5 => {
                    Some((*x, text.clone(), *size))
                }
                _ => None,
            })
            .collect();
        assert!(labels.len() >= 3, "{scale}: {labels:?}");
        for (x, t, size) in &labels {
            let right = x + liqshot::output::render::text::measure(t, *size, false);
            assert!(right <= l.profile.x, "{scale}: {t:?} runs to {right}, the panel starts at {}", l.profile.x);
        }
        let distinct: std::collections::BTreeSet<&String> = labels.iter().map(|l| &l.1).collect();
        assert_eq!(distinct.len(), labels.len(), "{scale}: ticks look alike: {labels:?}");
    }
}
