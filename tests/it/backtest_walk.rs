//! The backtest's walk: every step's zones, found in one pass of the ledgers, are exactly the
//! zones `liqshot zones` prints for the snapshot cut at the step (exact f64 equality: the same
//! operations in the same order), with and without `--lookback`, on the bundled example
//! (hourly OI, with gaps), on a snapshot with 5-minute OI and on a two-venue one; changing data
//! after a step never changes that step; hostile options are refused naming the flag.

use crate::common;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use liqshot::engine::backtest::walk::{price_path, step_times, walk};
use liqshot::engine::backtest::{BacktestParams, Step};
use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::pipeline::analyse;
use liqshot::engine::zones::ZoneParams;
use liqshot::error::Error;
use liqshot::model::snapshot::{OiPoint, VenueSeries};
use liqshot::MarketSnapshot;

fn example() -> MarketSnapshot {
    MarketSnapshot::load(&common::example_snapshot()).expect("the example loads")
}

/// The estimate as `liqshot zones` runs it (24 h window).
fn zones_params() -> EstimateParams {
    EstimateParams { window_secs: 86_400, ..EstimateParams::default() }
}

/// The example with its open interest resampled to every 5 minutes (interpolated between the
/// hourly samples, with a deterministic wiggle so the 5-minute samples carry information).
fn five_minute_oi(snap: &MarketSnapshot) -> MarketSnapshot {
    let mut s = snap.clone();
    for v in &mut s.venues {
        v.open_interest = oi_every(v, 300, 0.002);
    }
    s
}

fn oi_every(v: &VenueSeries, every: i64, wiggle: f64) -> Vec<OiPoint> {
    let pts = &v.open_interest;
    let (a, b) = (pts[0].time.timestamp(), pts[pts.len() - 1].time.timestamp());
    let mut out = Vec::new();
    let mut t = a;
    let mut k = 0u64;
    while t <= b {
        let time = DateTime::from_timestamp(t, 0).unwrap();
        if let Some(oi) = liqshot::engine::estimate::oi_align::oi_at(pts, time) {
            k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let u = (k >> 11) as f64 / (1u64 << 53) as f64;
            out.push(OiPoint { time, oi_usd: oi * (1.0 + wiggle * (u - 0.5)) });
        }
        t += every;
    }
    out
}

/// Two venues: the example's binance (hourly OI) and a second venue whose prices sit 0.04 %
/// higher, starting 12 h later, with 5-minute OI at 40 % of the size.
fn two_venues(snap: &MarketSnapshot) -> MarketSnapshot {
    let mut s = snap.clone();
    let mut v = s.venues[0].clone();
    v.venue = "okx".into();
    v.instrument = "BTC-USDT-SWAP".into();
    let start = v.candles[0].open_time + Duration::hours(12);
    v.candles.retain(|c| c.open_time >= start);
    for c in &mut v.candles {
        (c.open, c.high, c.low, c.close) = (c.open * 1.0004, c.high * 1.0004, c.low * 1.0004, c.close * 1.0004);
    }
    v.open_interest = oi_every(&s.venues[0], 300, 0.004)
        .into_iter()
        .filter(|p| p.time >= start)
        .map(|p| OiPoint { oi_usd: p.oi_usd * 0.4, ..p })
        .collect();
    s.venues.push(v);
    s
}

/// Every `every`-th step and the last.
fn sampled(steps: &[Step], every: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..steps.len()).step_by(every).collect();
    if idx.last() != Some(&(steps.len() - 1)) {
        idx.push(steps.len() - 1);
    }
    idx
}

/// Walks `snap` and checks the sampled steps against `analyse` of the cut snapshot.
fn check_against_cuts(label: &str, snap: &MarketSnapshot, bt: &BacktestParams, every: usize) -> usize {
    let params = zones_params();
    let zp = ZoneParams::default();
    bt.validate(snap).expect("valid options");
    let steps = walk(snap, &params, &zp, bt).expect("walk runs");
    assert_eq!(steps.iter().map(|s| s.at).collect::<Vec<_>>(), step_times(snap, bt), "{label}");
    assert!(steps.len() >= 10, "{label}: {} steps", steps.len());
    let mut with_zones = 0;
    for i in sampled(&steps, every) {
        let s = &steps[i];
        let from = bt.lookback_secs.map(|l| s.at - Duration::seconds(l));
        let cut = snap.cut(from, s.at);
        let a = analyse(&cut, &params, &zp).expect("the cut analyses");
        assert_eq!(s.price.to_bits(), a.zones.price.to_bits(), "{label} step {i} at {}: price", s.at);
        assert_eq!(s.zones, a.zones, "{label} step {i} at {}: zones", s.at);
        with_zones += usize::from(!s.zones.zones.is_empty());
    }
    assert!(with_zones > 0, "{label}: no sampled step had zones: nothing was compared");
    steps.len()
}

#[test]
fn one_pass_equals_cut_snapshots_on_the_example_hourly_oi() {
    let snap = example();
    // 4 h steps fall on OI sample times (hourly); 35-minute steps fall between them, so the
    // candles after the last sample before a step run consume-only.
    check_against_cuts("example 4h", &snap, &BacktestParams::default(), 4);
    let bt = BacktestParams { step_secs: 35 * 60, ..BacktestParams::default() };
    check_against_cuts("example 35m", &snap, &bt, 23);
}

#[test]
fn one_pass_equals_cut_snapshots_with_five_minute_oi() {
    let snap = five_minute_oi(&example());
    let bt = BacktestParams { step_secs: 3 * 3600 + 25 * 60, ..BacktestParams::default() };
    check_against_cuts("5m OI", &snap, &bt, 5);
}

#[test]
fn one_pass_equals_cut_snapshots_on_two_venues() {
    let snap = two_venues(&example());
    let bt = BacktestParams { step_secs: 2 * 3600 + 35 * 60, ..BacktestParams::default() };
    check_against_cuts("two venues", &snap, &bt, 6);
}

#[test]
fn lookback_steps_equal_cut_snapshots_with_lookback() {
    let bt =
        BacktestParams { lookback_secs: Some(2 * 86_400), step_secs: 5 * 3600 + 5 * 60, ..BacktestParams::default() };
    check_against_cuts("example lookback 2d", &example(), &bt, 5);
    check_against_cuts("two venues lookback 2d", &two_venues(&example()), &bt, 7);
    let bt = BacktestParams { lookback_secs: Some(36 * 3600), ..BacktestParams::default() };
    check_against_cuts("5m OI lookback 36h", &five_minute_oi(&example()), &bt, 7);
}

#[test]
fn one_pass_equals_cut_snapshots_with_decay_and_a_leverage_filter() {
    // With a half-life every candle shrinks the ledger, also the consume-only ones after the
    // last OI sample; --leverage restricts the mix per venue.
    let snap = two_venues(&example());
    let params = EstimateParams {
        half_life_secs: Some(6.0 * 3600.0),
        leverage_filter: Some(vec![25.0, 50.0, 100.0]),
        ..zones_params()
    };
    let zp = ZoneParams::default();
    for bt in [
        BacktestParams { step_secs: 2 * 3600 + 35 * 60, ..BacktestParams::default() },
        BacktestParams {
            step_secs: 4 * 3600 + 10 * 60,
            lookback_secs: Some(86_400 + 7 * 300),
            ..BacktestParams::default()
        },
    ] {
        let steps = walk(&snap, &params, &zp, &bt).unwrap();
        assert!(steps.len() > 20);
        for i in sampled(&steps, 6) {
            let s = &steps[i];
            let cut = snap.cut(bt.lookback_secs.map(|l| s.at - Duration::seconds(l)), s.at);
            let a = analyse(&cut, &params, &zp).unwrap();
            assert_eq!(s.zones, a.zones, "step {i} at {} ({bt:?})", s.at);
            assert!(!s.zones.zones.is_empty());
        }
    }
}

#[test]
fn a_cut_file_gives_the_step_zones_with_the_real_binary() {
    let snap = example();
    let bt = BacktestParams::default();
    let steps = walk(&snap, &zones_params(), &ZoneParams::default(), &bt).unwrap();
    let s = &steps[steps.len() / 2];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.snapshot.json");
    std::fs::write(&path, snap.cut(None, s.at).to_json()).unwrap();
    let run = common::liqshot(["zones", "--snapshot", path.to_str().unwrap(), "--json"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["captured_at"].as_str().unwrap(), s.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    assert_eq!(doc["price"].as_f64().unwrap().to_bits(), s.price.to_bits());
    assert_eq!(doc["above_usd"].as_f64().unwrap().to_bits(), s.zones.above_usd.to_bits());
    let zones = doc["zones"].as_array().unwrap();
    assert_eq!(zones.len(), s.zones.zones.len(), "{zones:?} vs {:?}", s.zones.zones);
    assert!(!zones.is_empty());
    for (j, z) in zones.iter().zip(&s.zones.zones) {
        assert_eq!(j["name"].as_str().unwrap(), z.name.as_str());
        for (k, v) in
            [("low", z.low), ("high", z.high), ("peak", z.peak), ("usd", z.usd), ("share_of_side", z.share_of_side)]
        {
            assert_eq!(j[k].as_f64().unwrap().to_bits(), v.to_bits(), "zone {} {k}", z.name);
        }
    }
}

#[test]
fn cut_keeps_only_what_a_live_run_at_the_cut_had() {
    let snap = two_venues(&example());
    let at = DateTime::parse_from_rfc3339("2025-11-05T13:37:00Z").unwrap().with_timezone(&Utc);
    let from = at - Duration::hours(30);
    let cut = snap.cut(Some(from), at);
    assert_eq!(cut.captured_at, at);
    assert_eq!(cut.venues.len(), 2);
    for (v, full) in cut.venues.iter().zip(&snap.venues) {
        assert!(v.candles.iter().all(|c| c.open_time >= from && c.open_time + Duration::minutes(5) <= at));
        assert!(v.open_interest.iter().all(|p| p.time >= from && p.time <= at));
        let n = full.candles.iter().filter(|c| c.open_time >= from && c.open_time + Duration::minutes(5) <= at).count();
        assert_eq!(v.candles.len(), n);
        assert_eq!(v.candles.last().unwrap().open_time, DateTime::parse_from_rfc3339("2025-11-05T13:30:00Z").unwrap());
        assert!(v.mark_price.is_none());
    }
    cut.validate().expect("a cut with data on every venue is a valid snapshot");
    let back = MarketSnapshot::from_json(&cut.to_json()).unwrap();
    assert_eq!(back, cut);
}

#[test]
fn step_times_follow_the_shared_rules() {
    let snap = example();
    let bt = BacktestParams::default();
    let t = step_times(&snap, &bt);
    // Data 2025-11-01 00:00 .. 11-11 00:00; warm-up 72 h; horizon 24 h; 4 h steps.
    assert_eq!(t[0], DateTime::parse_from_rfc3339("2025-11-04T00:00:00Z").unwrap());
    assert_eq!(*t.last().unwrap(), DateTime::parse_from_rfc3339("2025-11-10T00:00:00Z").unwrap());
    assert_eq!(t.len(), 6 * 6 + 1);
    assert!(t.iter().all(|x| x.timestamp() % bt.step_secs == 0));
    // 7 h steps: multiples of 7 h since the epoch, not since the data start.
    let t = step_times(&snap, &BacktestParams { step_secs: 7 * 3600, ..bt.clone() });
    assert!(t.iter().all(|x| x.timestamp() % (7 * 3600) == 0));
    assert!(
        t[0] >= DateTime::parse_from_rfc3339("2025-11-04T00:00:00Z").unwrap()
            && (t[0] - Duration::hours(7)) < DateTime::parse_from_rfc3339("2025-11-04T00:00:00Z").unwrap()
    );
    let path = price_path(&snap);
    assert_eq!(path.close.len(), snap.venues[0].candles.len());
    assert_eq!(path.interval_secs, 300);
    assert!(*t.last().unwrap() + Duration::hours(24) <= *path.open_time.last().unwrap() + Duration::minutes(5));
}

#[test]
fn trailing_volatility_is_per_sqrt_second() {
    let snap = example();
    let bt = BacktestParams::default();
    let steps = walk(&snap, &zones_params(), &ZoneParams::default(), &bt).unwrap();
    let s = &steps[0];
    // By hand: the 864 5-minute candles of the 72 h before the step, 863 returns.
    let c: Vec<f64> = snap.venues[0]
        .candles
        .iter()
        .filter(|c| c.open_time >= s.at - Duration::hours(72) && c.open_time + Duration::minutes(5) <= s.at)
        .map(|c| c.close)
        .collect();
    assert_eq!(c.len(), 864);
    let r: Vec<f64> = c.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
    let m = r.iter().sum::<f64>() / r.len() as f64;
    let sd = (r.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (r.len() - 1) as f64).sqrt();
    let vol = s.vol.unwrap();
    assert!((vol - sd / 300f64.sqrt()).abs() < 1e-15, "{vol} vs {}", sd / 300f64.sqrt());
    // BTC: a few tenths of a percent per 5 minutes.
    assert!(sd > 0.0003 && sd < 0.01, "{sd}");
    // Too few returns: none.
    let short = BacktestParams { vol_window_secs: 45 * 60, ..bt };
    assert!(walk(&snap, &zones_params(), &ZoneParams::default(), &short).unwrap()[0].vol.is_none());
}

/// The snapshot with everything after `at` changed: candles that close after it scaled by a
/// smooth random factor (prices far outside the old range included), OI after it rescaled.
fn scramble_after(snap: &MarketSnapshot, at: DateTime<Utc>, f_price: f64, f_oi: f64, wobble: f64) -> MarketSnapshot {
    let mut s = snap.clone();
    for v in &mut s.venues {
        for (k, c) in v.candles.iter_mut().enumerate() {
            if c.open_time + Duration::minutes(5) > at {
                let f = f_price * (1.0 + wobble * ((k as f64) * 0.37).sin());
                (c.open, c.high, c.low, c.close) = (c.open * f, c.high * f, c.low * f, c.close * f);
            }
        }
        for (k, p) in v.open_interest.iter_mut().enumerate() {
            if p.time > at {
                p.oi_usd *= f_oi * (1.0 + wobble * (k as f64 * 0.91).cos());
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// No look-ahead: changing the data after a step never changes that step (or any earlier
    /// one), with or without a lookback, on hourly or 5-minute OI.
    #[test]
    fn later_data_never_changes_a_step(
        pick in 0.0f64..1.0,
        f_price in prop_oneof![0.5f64..0.97, 1.03f64..2.0],
        f_oi in 0.2f64..3.0,
        wobble in 0.0f64..0.05,
        five_min in any::<bool>(),
        lookback in any::<bool>(),
    ) {
        let base = if five_min { five_minute_oi(&example()) } else { example() };
        let bt = BacktestParams {
            step_secs: 3 * 3600 + 20 * 60,
            lookback_secs: lookback.then_some(30 * 3600),
            ..BacktestParams::default()
        };
        let (params, zp) = (zones_params(), ZoneParams::default());
        let steps = walk(&base, &params, &zp, &bt).unwrap();
        let i = ((steps.len() - 1) as f64 * pick) as usize;
        let changed = scramble_after(&base, steps[i].at, f_price, f_oi, wobble);
        let again = walk(&changed, &params, &zp, &bt).unwrap();
        prop_assert_eq!(again.len(), steps.len());
        for j in 0..=i {
            prop_assert_eq!(&again[j], &steps[j], "step {} of {} changed when data after step {} changed", j, steps.len(), i);
        }
    }
}

fn usage_error(snap: &MarketSnapshot, bt: BacktestParams) -> String {
    match bt.validate(snap) {
        Err(Error::Usage(m)) => m,
        other => panic!("expected a usage error for {bt:?}, got {other:?}"),
    }
}

#[test]
fn hostile_options_are_refused_naming_the_flag() {
    let snap = example();
    let d = BacktestParams::default();
    assert!(d.validate(&snap).is_ok());
    let cases: Vec<(BacktestParams, &str)> = vec![
        (BacktestParams { step_secs: 0, ..d.clone() }, "--step 0s: must be positive"),
        (BacktestParams { step_secs: -3600, ..d.clone() }, "--step"),
        (BacktestParams { horizon_secs: 0, ..d.clone() }, "--horizon"),
        (BacktestParams { warmup_secs: -1, ..d.clone() }, "--warmup -1s: must not be negative"),
        (BacktestParams { lookback_secs: Some(0), ..d.clone() }, "--lookback"),
        (BacktestParams { lookback_secs: Some(60), ..d.clone() }, "--lookback 1m: must be at least one candle (5m)"),
        (BacktestParams { reaction_move: 0.0, ..d.clone() }, "--reaction-move"),
        (BacktestParams { reaction_move: f64::NAN, ..d.clone() }, "--reaction-move"),
        (BacktestParams { reaction_move: 2.0, ..d.clone() }, "--reaction-move"),
        (BacktestParams { reaction_secs: 0, ..d.clone() }, "--reaction-window"),
        (BacktestParams { vol_window_secs: -5, ..d.clone() }, "--vol-window"),
        (BacktestParams { resamples: 0, ..d.clone() }, "--resamples 0"),
        (BacktestParams { step_secs: i64::MAX, ..d.clone() }, "--step"),
        (BacktestParams { horizon_secs: i64::MAX, ..d.clone() }, "--horizon"),
        (
            BacktestParams { horizon_secs: 30 * 86_400, ..d.clone() },
            "--horizon 30d: the snapshot holds 10d of data; warm-up 72h + horizon 30d need more",
        ),
        (
            BacktestParams { warmup_secs: 9 * 86_400, horizon_secs: 2 * 86_400, ..d.clone() },
            "--warmup 9d: the snapshot holds 10d of data; warm-up 9d + horizon 48h need more",
        ),
        // Warm-up + horizon fit, but no multiple of 45 days since the epoch falls in between: zero steps.
        (BacktestParams { step_secs: 45 * 86_400, ..d.clone() }, "--step 45d: no step falls between"),
    ];
    for (bt, want) in cases {
        let msg = usage_error(&snap, bt);
        assert!(msg.starts_with(want), "{msg:?} should start with {want:?}");
        assert!(!msg.contains('\n'), "{msg:?}");
    }
}
