//! `backtest`'s `realized` section against SYNTHETIC events (the bundled example holds no
//! realized liquidations): planted in each step's densest band of the traded range (share ~1,
//! correlation > 0), and uniformly random over the traded range (share ~ the random map's 10 %).

use chrono::Duration;
use liqshot::engine::backtest::{self, realized, walk, BacktestParams, PricePath, Step};
use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::zones::ZoneParams;
use liqshot::model::snapshot::{Liquidation, Side};
use liqshot::MarketSnapshot;

fn example() -> MarketSnapshot {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    MarketSnapshot::load(&root.join("examples/btcusdt-2025-11-01_10.snapshot.json")).expect("example loads")
}

/// Steps a horizon apart (no overlap), so every event is scored at one step only.
fn bt() -> BacktestParams {
    BacktestParams { step_secs: 12 * 3600, horizon_secs: 12 * 3600, resamples: 50, ..BacktestParams::default() }
}

/// The example with one event before all data (so the walk keeps the bands), its steps and path.
fn walked() -> (MarketSnapshot, Vec<Step>, PricePath) {
    let mut snap = example();
    let first = snap.venues[0].candles[0].open_time;
    let p = snap.venues[0].candles[0].close;
    snap.venues[0].liquidations =
        vec![Liquidation { time: first - Duration::days(1), side: Side::Long, price: p, usd: 1.0 }];
    let steps = walk::walk(&snap, &EstimateParams::default(), &ZoneParams::default(), &bt()).unwrap();
    let path = walk::price_path(&snap);
    assert!(steps.len() >= 10 && steps.iter().all(|s| !s.bands.is_empty()), "{} steps", steps.len());
    (snap, steps, path)
}

/// The traded range of a step's horizon and the step's bands overlapping it.
fn traded(s: &Step, path: &PricePath) -> (f64, f64, Vec<liqshot::engine::levels::Band>) {
    let end = s.at + Duration::seconds(bt().horizon_secs);
    let a = path.open_time.partition_point(|t| *t < s.at);
    let b = path.open_time.partition_point(|t| *t < end);
    let lo = path.low[a..b].iter().copied().fold(f64::INFINITY, f64::min);
    let hi = path.high[a..b].iter().copied().fold(0.0, f64::max);
    (lo, hi, s.bands.iter().copied().filter(|x| x.price_high > lo && x.price_low < hi).collect())
}

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn events_in_the_densest_bands_score_a_share_of_one_and_a_positive_correlation() {
    let (mut snap, steps, path) = walked();
    let mut planted = vec![];
    for s in &steps {
        let (lo, hi, bands) = traded(s, &path);
        let best = bands
            .iter()
            .copied()
            .reduce(|a, b| if b.long_usd + b.short_usd > a.long_usd + a.short_usd { b } else { a })
            .unwrap();
        let price = ((best.price_low + best.price_high) / 2.0).clamp(lo.max(best.price_low), hi.min(best.price_high));
        let side = if price < s.price { Side::Long } else { Side::Short };
        planted.push(Liquidation { time: s.at + Duration::minutes(30), side, price, usd: 250_000.0 });
    }
    liqshot::model::snapshot::sort_liquidations(&mut planted);
    snap.venues[0].liquidations = planted.clone();
    let r = realized::realized(&snap, &steps, &path, bt().horizon_secs).expect("events: a section");
    assert_eq!((r.events, r.steps, r.step_events), (planted.len(), steps.len(), steps.len()));
    assert!((r.top_usd_share.unwrap() - 1.0).abs() < 1e-12, "{r:?}");
    assert_eq!(r.top_event_share, Some(1.0));
    assert!(r.random_share.unwrap() > 0.09 && r.random_share.unwrap() < 0.15, "{r:?}");
    assert!(r.top_event_wilson_lower.unwrap() > 0.7, "{r:?}");
    assert!(r.spearman_pooled.unwrap() > 0.0 && r.spearman_mean.unwrap() > 0.0, "{r:?}");
}

#[test]
fn uniformly_random_events_catch_what_a_random_map_does() {
    let (mut snap, steps, path) = walked();
    let mut rng = Lcg(7);
    let mut ev = vec![];
    for s in &steps {
        let (lo, hi, _) = traded(s, &path);
        for _ in 0..400 {
            let price = (lo.ln() + rng.next() * (hi / lo).ln()).exp();
            let time = s.at + Duration::seconds(1 + (rng.next() * (bt().horizon_secs - 2) as f64) as i64);
            ev.push(Liquidation { time, side: Side::Long, price, usd: 1_000.0 + rng.next() * 99_000.0 });
        }
    }
    liqshot::model::snapshot::sort_liquidations(&mut ev);
    snap.venues[0].liquidations = ev;
    let r = realized::realized(&snap, &steps, &path, bt().horizon_secs).unwrap();
    let (share, random) = (r.top_usd_share.unwrap(), r.random_share.unwrap());
    assert!((share - random).abs() < 0.04, "share {share} against a random map's {random}");
    assert!((r.top_event_share.unwrap() - random).abs() < 0.04, "{r:?}");
    assert!(r.spearman_pooled.unwrap().abs() < 0.1, "{r:?}");
}

#[test]
fn no_realized_liquidations_is_null_in_the_json_and_one_line_in_the_table() {
    let snap = example();
    let b = backtest::run(&snap, &EstimateParams::default(), &ZoneParams::default(), &bt()).unwrap();
    assert!(b.realized.is_none());
    let v = serde_json::to_value(&b).unwrap();
    assert!(v.get("realized").is_some_and(|x| x.is_null()));
    assert!(backtest::table::to_text(&b).contains("Realized liquidations: none in the snapshot"));
}

#[test]
fn the_section_is_in_the_run_table_and_json_with_events() {
    let (mut snap, steps, path) = walked();
    let s = &steps[3];
    let (lo, hi, _) = traded(s, &path);
    snap.venues[0].liquidations.push(Liquidation {
        time: s.at + Duration::minutes(5),
        side: Side::Short,
        price: (lo * hi).sqrt(),
        usd: 1e5,
    });
    let b = backtest::run(&snap, &EstimateParams::default(), &ZoneParams::default(), &bt()).unwrap();
    let r = b.realized.as_ref().unwrap();
    assert_eq!((r.events_in_snapshot, r.events, r.step_events), (2, 1, 1));
    let text = backtest::table::to_text(&b);
    assert!(text.contains("scored: 1 of 2 events"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= backtest::table::WIDTH), "{text}");
    let v = serde_json::to_value(&b).unwrap();
    assert_eq!(v["realized"]["step_events"], 1);
}
