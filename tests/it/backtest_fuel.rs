//! `backtest`'s fuel test end to end (the walk's maps, the regressions, the bootstrap) on the
//! bundled example with SYNTHETIC hourly realized totals (the example holds none): totals made
//! from each period's own map (its USD crossed x 0.3, times noise) are evidence with a scale near
//! 0.3; totals independent of the map are not. Also: the maps are those of the snapshot cut at
//! each period's start (data up to then only), and events are summed into hours.

use chrono::Duration;
use liqshot::engine::backtest::{self, fuel, walk, BacktestParams};
use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::zones::ZoneParams;
use liqshot::model::snapshot::{Liquidation, PeriodTotal, RealizedPeriods, Side};
use liqshot::MarketSnapshot;

fn example() -> MarketSnapshot {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    MarketSnapshot::load(&root.join("examples/btcusdt-2025-11-01_10.snapshot.json")).expect("example loads")
}

fn params() -> EstimateParams {
    EstimateParams { window_secs: 86_400, ..EstimateParams::default() }
}

fn bt() -> BacktestParams {
    BacktestParams { resamples: 300, warmup_secs: 48 * 3600, ..BacktestParams::default() }
}

struct Lcg(u64);
impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// A standard normal draw (Box-Muller).
    fn normal(&mut self) -> f64 {
        (-2.0 * self.uniform().ln()).sqrt() * (std::f64::consts::TAU * self.uniform()).cos()
    }
}

/// The example with hourly totals over every hour it covers (placeholders), the plan, and
/// each period's map (from the walk's one pass).
fn maps() -> (MarketSnapshot, fuel::Plan, Vec<fuel::FuelMap>) {
    let mut snap = example();
    let v = &snap.venues[0];
    let (t0, t1) = (v.candles[0].open_time, v.candles.last().unwrap().open_time);
    let rows = (0..)
        .map(|h| t0 + Duration::hours(h))
        .take_while(|t| *t < t1)
        .map(|start| PeriodTotal { start, long_usd: 1.0, short_usd: 1.0 })
        .collect();
    snap.realized_periods = Some(RealizedPeriods { period: "1h".into(), source: "synthetic".into(), rows });
    let path = walk::price_path(&snap);
    let plan = fuel::plan(&snap, &path, &bt()).expect("periods: a plan");
    let reach = plan.reach_bins(params().bin_step);
    let mut maps = vec![fuel::FuelMap::default(); plan.items.len()];
    walk::walk_with(&snap, &params(), &ZoneParams::default(), &bt(), &plan.times(), |i, p| {
        maps[i] = fuel::FuelMap::new(p, plan.items[i].open, reach)
    })
    .unwrap();
    (snap, plan, maps)
}

/// `snap` with the plan's periods' totals set by `f(long map USD, short map USD, rng)`.
fn with_totals(
    mut snap: MarketSnapshot,
    plan: &fuel::Plan,
    maps: &[fuel::FuelMap],
    mut f: impl FnMut(f64, f64, &mut Lcg) -> (f64, f64),
) -> MarketSnapshot {
    let mut rng = Lcg(11);
    let step = params().bin_step;
    let rows = plan
        .items
        .iter()
        .zip(maps)
        .map(|(it, m)| {
            let (l, s) = f(
                m.within(Side::Long, it.moved(Side::Long), step),
                m.within(Side::Short, it.moved(Side::Short), step),
                &mut rng,
            );
            PeriodTotal { start: it.start, long_usd: l, short_usd: s }
        })
        .collect();
    snap.realized_periods.as_mut().unwrap().rows = rows;
    snap
}

#[test]
fn totals_made_from_the_map_are_evidence_with_a_scale_near_0_3() {
    let (snap, plan, maps) = maps();
    assert!(plan.items.len() > 150, "{} periods", plan.items.len());
    let snap = with_totals(snap, &plan, &maps, |l, s, r| {
        (0.3 * l * (0.3 * r.normal() - 0.045).exp(), 0.3 * s * (0.3 * r.normal() - 0.045).exp())
    });
    let b = backtest::run(&snap, &params(), &ZoneParams::default(), &bt()).unwrap();
    let f = b.fuel.expect("a fuel section");
    assert_eq!(f.periods, plan.items.len());
    for s in [&f.long, &f.short] {
        let (g, p) = (s.gain_ci90.unwrap(), s.placebo_gain_ci90.unwrap());
        assert!(g[0] > p[1], "gain {g:?} vs placebo {p:?}: {}", s.verdict);
        assert!(s.verdict.contains("evidence that the map measures fuel"), "{}", s.verdict);
        let sc = s.scale.unwrap();
        assert!((sc - 0.3).abs() < 0.05, "scale {sc}: {}", s.verdict);
    }
    // The table and the JSON carry it.
    let text = backtest::table::to_text(&b_with(&snap));
    assert!(text.contains("Fuel, longs: R² gain") && text.contains("Fuel, shorts: R² gain"), "{text}");
    let json: serde_json::Value = serde_json::from_slice(&backtest::json::to_json(&b_with(&snap))).unwrap();
    for key in ["gain", "gain_ci90", "placebo_gain", "placebo_gain_ci90", "scale", "scale_ci90", "n"] {
        assert!(!json["fuel"]["long"][key].is_null() && !json["fuel"]["short"][key].is_null(), "{key}");
    }
}

fn b_with(snap: &MarketSnapshot) -> backtest::Backtest {
    backtest::run(snap, &params(), &ZoneParams::default(), &bt()).unwrap()
}

#[test]
fn totals_independent_of_the_map_are_no_edge() {
    let (snap, plan, maps) = maps();
    // Realized grows with the move (what the controls see) and noise, not with the map.
    let moves: Vec<(f64, f64)> = plan.items.iter().map(|it| (it.moved(Side::Long), it.moved(Side::Short))).collect();
    let mut k = 0;
    let snap = with_totals(snap, &plan, &maps, |_, _, r| {
        let (dl, ds) = moves[k];
        k += 1;
        (2e5 * (1.0 + 300.0 * dl) * r.normal().exp(), 2e5 * (1.0 + 300.0 * ds) * r.normal().exp())
    });
    let f = b_with(&snap).fuel.unwrap();
    for s in [&f.long, &f.short] {
        assert!(s.verdict.contains("no measurable edge over another period's map"), "{}", s.verdict);
        let p = s.placebo_gain_ci90.unwrap();
        assert!(s.gain_ci90.unwrap()[0] <= p[1], "{}", s.verdict);
    }
}

#[test]
fn each_map_is_the_map_of_the_snapshot_cut_at_the_period_start() {
    let (snap, plan, maps) = maps();
    let step = params().bin_step;
    for i in [0, plan.items.len() / 2, plan.items.len() - 1] {
        let it = plan.items[i];
        let cut = snap.cut(None, it.start);
        let a = liqshot::engine::pipeline::analyse(&cut, &params(), &ZoneParams::default()).unwrap();
        let direct = fuel::FuelMap::new(&a.estimate.profile, it.open, plan.reach_bins(step));
        for side in [Side::Long, Side::Short] {
            let (x, y) = (maps[i].within(side, it.moved(side), step), direct.within(side, it.moved(side), step));
            assert!((x - y).abs() <= 1e-9 * x.abs().max(1.0), "period {i} {side:?}: walk {x} vs cut {y}");
        }
        assert_eq!(it.open, cut.last_price());
    }
}

#[test]
fn events_are_summed_into_hours_and_none_is_no_section() {
    let mut snap = example();
    assert!(fuel::periods(&snap).is_none());
    assert!(b_with(&snap).fuel.is_none());
    let t = snap.venues[0].candles[100].open_time + Duration::minutes(7);
    let l = |m: i64, side, usd| Liquidation { time: t + Duration::minutes(m), side, price: 100_000.0, usd };
    snap.venues[0].liquidations =
        vec![l(0, Side::Long, 5.0), l(10, Side::Short, 2.0), l(20, Side::Long, 1.0), l(190, Side::Short, 4.0)];
    let p = fuel::periods(&snap).unwrap();
    assert_eq!(p.period_secs, 3600);
    let got: Vec<(f64, f64)> = p.rows.iter().map(|r| (r.long_usd, r.short_usd)).collect();
    // Candle 100 opens at 08:20, so the events fall at 08:27, 08:37, 08:47 (one hour) and 11:37
    // (three hours later); the hours between are zero.
    let h = t.timestamp() / 3600 * 3600;
    assert_eq!(p.rows[0].start.timestamp(), h);
    assert_eq!(got[0], (6.0, 2.0));
    assert_eq!(got[1..], [(0.0, 0.0), (0.0, 0.0), (0.0, 4.0)]);
    assert!(p.source.contains("4 events of binance summed into 1 h periods"), "{}", p.source);
}

#[test]
fn the_report_gives_each_zone_as_fuel_calibrated_by_the_measured_scale() {
    let (snap, plan, maps) = maps();
    let snap = with_totals(snap, &plan, &maps, |l, s, r| {
        (0.3 * l * (0.3 * r.normal() - 0.045).exp(), 0.3 * s * (0.3 * r.normal() - 0.045).exp())
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snap.json");
    std::fs::write(&file, snap.to_json()).unwrap();
    let out = dir.path().join("r");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_liqshot"))
        .args(["report", "--snapshot", file.to_str().unwrap(), "--out-dir", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let zones: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("zones.json")).unwrap()).unwrap();
    // The report's own backtest (its options: `liqshot backtest`'s defaults, its horizon).
    let rp = liqshot::output::report::evidence::backtest_params(&snap, 86_400);
    let f = backtest::run(&snap, &params(), &ZoneParams::default(), &rp).unwrap().fuel.unwrap();
    // The evidence paragraph carries both fuel verdicts next to the touch verdict.
    assert!(md.contains(&f.long.verdict) && md.contains(&f.short.verdict), "{md}");
    // Each zone: its USD as fuel, and the calibrated figure at its side's scale.
    for z in zones["zones"].as_array().unwrap() {
        let (usd, side) = (z["usd"].as_f64().unwrap(), z["side"].as_str().unwrap());
        let scale = if side == "above" { f.short.scale } else { f.long.scale }.unwrap();
        assert!((z["calibrated_usd"].as_f64().unwrap() - usd * scale).abs() <= 1e-6 * usd, "{z}");
        let sentence = z["fuel"].as_str().unwrap();
        let what = if side == "above" { "shorts" } else { "longs" };
        assert!(
            sentence
                .starts_with(&format!("A move through zone {} would liquidate about ", z["name"].as_str().unwrap())),
            "{sentence}"
        );
        assert!(
            sentence.contains(&format!("of {what}, estimated; about "))
                && sentence.contains(&format!("(× {scale:.2}, 90 % interval ")),
            "{sentence}"
        );
        assert!(md.contains(sentence), "{sentence} not in the report");
    }
}
