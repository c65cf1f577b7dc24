//! Scoring, baselines, bootstrap, calibration and odds of `liqshot backtest`, on paths whose
//! answer is known (built directly: steps and path, no walk).

use crate::score_common as common;

use common::*;
use liqshot::engine::backtest::{odds, placebo, score, summary, volmodel, BacktestParams, Reaction, ZoneOutcome};
use liqshot::engine::zones::{Where, ZoneName};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn five_min(candles: &[(f64, f64, f64)]) -> liqshot::engine::backtest::PricePath {
    let mut p = empty_path(300);
    for &(h, l, c) in candles {
        push(&mut p, h, l, c);
    }
    p
}

fn bt_5m() -> BacktestParams {
    BacktestParams { horizon_secs: 3600, reaction_secs: 900, reaction_move: 0.005, ..BacktestParams::default() }
}

/// One step at t(0) at price 99 with zone A at 100 on `candles`.
fn reaction_of(candles: &[(f64, f64, f64)]) -> (bool, Option<Reaction>) {
    let path = five_min(candles);
    let bt = bt_5m();
    let step = liqshot::engine::backtest::Step {
        at: t(0),
        price: 99.0,
        zones: zones(99.0, vec![zone("A", Where::Above, 100.0, 1.0, 99.0)]),
        vol: None,
        bands: vec![],
    };
    let o = score::score(&[step], &path, &bt).remove(0);
    (o.touched, o.reaction)
}

#[test]
fn reaction_rules_at_the_near_edge() {
    let calm = (99.5, 99.0, 99.2);
    // The touching candle already ran 0.5 % through: continue.
    assert_eq!(reaction_of(&[calm, (100.6, 99.0, 100.4)]), (true, Some(Reaction::Continue)));
    // Reversal of 0.5 % in the next candle: reject.
    assert_eq!(reaction_of(&[calm, (100.2, 99.5, 100.0), (100.1, 99.4, 99.5)]), (true, Some(Reaction::Reject)));
    // Runs through in the second candle after: continue.
    assert_eq!(
        reaction_of(&[calm, (100.2, 99.8, 100.0), (100.3, 99.8, 100.1), (100.6, 100.0, 100.5)]),
        (true, Some(Reaction::Continue))
    );
    // Both in one candle: neither.
    assert_eq!(reaction_of(&[calm, (100.2, 99.8, 100.0), (100.6, 99.4, 100.0)]), (true, Some(Reaction::Neither)));
    // The reversal comes in the candle opening 15 min after the touch: outside the window.
    let late = [calm, (100.2, 99.8, 100.0), (100.1, 99.8, 100.0), (100.1, 99.8, 100.0), (100.0, 99.0, 99.1)];
    assert_eq!(reaction_of(&late), (true, Some(Reaction::Neither)));
    // Not reached: no reaction.
    assert_eq!(reaction_of(&[calm, (99.99, 99.0, 99.5)]), (false, None));
    // Reached only by the candle that closes after the horizon (t0 + 1 h): not a touch.
    let mut beyond = vec![calm; 12];
    beyond.push((101.0, 99.0, 100.5));
    assert_eq!(reaction_of(&beyond), (false, None));
    beyond[11] = (100.0, 99.0, 99.5);
    assert!(reaction_of(&beyond).0);
}

#[test]
fn below_side_and_time_to_touch() {
    let path = five_min(&[(101.0, 100.5, 100.8), (100.9, 100.3, 100.4), (100.4, 99.99, 100.2), (100.6, 100.0, 100.5)]);
    let step = liqshot::engine::backtest::Step {
        at: t(0),
        price: 101.0,
        zones: zones(101.0, vec![zone("B", Where::Below, 100.0, 1.0, 101.0)]),
        vol: None,
        bands: vec![],
    };
    let o = score::score(&[step], &path, &bt_5m()).remove(0);
    assert_eq!((o.touched, o.time_to_touch_secs, o.reaction), (true, Some(600), Some(Reaction::Reject)));
    assert!((o.log_distance - (100.0f64 / 101.0).ln()).abs() < 1e-15);
}

#[test]
fn first_touch_same_candle_is_not_counted() {
    // One candle reaches both A (101) and B (99).
    let path = five_min(&[(100.5, 99.5, 100.0), (101.2, 98.8, 100.0)]);
    let mk = |usd_a: f64| liqshot::engine::backtest::Step {
        at: t(0),
        price: 100.0,
        zones: zones(
            100.0,
            vec![zone("A", Where::Above, 101.0, usd_a, 100.0), zone("B", Where::Below, 99.0, 2.0, 100.0)],
        ),
        vol: None,
        bands: vec![],
    };
    let steps = [mk(1.0)];
    let o = score::score(&steps, &path, &bt_5m());
    let f = score::first_touches(&steps, &o);
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].first, f[0].bigger), (None, ZoneName::B));
    // A is 1.005 % away, B 1.005 %: a driftless walk reaches either first equally often.
    assert!((f[0].random_walk_bigger_first - 0.5).abs() < 0.01);
    let bt = summary::group(&o, |z| z.name == ZoneName::A || z.name == ZoneName::B, Some((&f, &steps)), &bt_5m());
    assert_eq!((bt.first_touch_steps, bt.bigger_first, bt.magnet_lift), (Some(0), Some(0), None));
}

/// 5-minute random walk; at every day's 2:30 price spikes to 0.4 % above the day's high so
/// far and falls back 1 % in the next candle. Zone A sits exactly at the spike.
fn planted_reversals(
    days: usize,
) -> (liqshot::engine::backtest::PricePath, Vec<liqshot::engine::backtest::Step>, BacktestParams) {
    let mut rng = StdRng::seed_from_u64(5);
    let mut p = empty_path(300);
    let mut x: f64 = 100.0;
    let mut edges = Vec::new();
    for d in 0..=days {
        let mut day_high = f64::MIN;
        for c in 0..288 {
            let open = x;
            if d > 0 && c == 30 {
                let edge = day_high * 1.004;
                push(&mut p, edge, open * 0.999, open);
                edges.push(edge);
                continue;
            }
            if d > 0 && c == 31 {
                x = edges[d - 1] * 0.99;
                push(&mut p, open, x, x);
                continue;
            }
            x *= (0.001 * normal(&mut rng)).exp();
            let h = open.max(x) * (1.0 + 0.0003 * rng.random::<f64>());
            let l = open.min(x) * (1.0 - 0.0003 * rng.random::<f64>());
            day_high = day_high.max(h);
            push(&mut p, h, l, x);
        }
    }
    let bt = BacktestParams {
        step_secs: 86_400,
        horizon_secs: 12 * 3600,
        warmup_secs: 86_400,
        vol_window_secs: 86_400,
        reaction_secs: 3600,
        resamples: 1000,
        ..BacktestParams::default()
    };
    let steps = steps(&p, &bt, |a, price| {
        let d = ((a - T0) / 86_400) as usize;
        vec![zone("A", Where::Above, edges[d - 1], 5.0, price), zone("B", Where::Below, price * 0.985, 3.0, price)]
    });
    (p, steps, bt)
}

#[test]
fn a_path_that_always_reverses_at_zone_a_gives_reaction_lift_above_one() {
    let (path, steps, bt) = planted_reversals(40);
    assert_eq!(steps.len(), 40);
    let b = summary::summarise(&snap(), &steps, &path, &bt);
    let a = &b.zones[&ZoneName::A];
    assert_eq!((a.n, a.touches, a.rejections), (40, 40, 40));
    let lift = a.reaction_lift.unwrap();
    let [lo, hi] = a.reaction_lift_ci90.unwrap();
    assert!(
        lift > 1.3 && lo > 1.0 && lo <= lift && lift <= hi,
        "reaction lift {lift} [{lo}, {hi}], placebo rate {:?}",
        a.placebo_reject_rate
    );
    assert!(
        a.verdict
            .iter()
            .any(|v| v.starts_with("Reaction lift") && v.ends_with("evidence of an edge over distance alone.")),
        "{:?}",
        a.verdict
    );
    // The headline (the report's header) must not say only "no measurable edge" when the
    // overall reaction lift is evidence.
    let o = &b.overall;
    assert!(
        o.verdict
            .iter()
            .any(|v| v.starts_with("Reaction lift") && v.ends_with("evidence of an edge over distance alone.")),
        "{:?}",
        o.verdict
    );
    assert!(
        b.headline.contains("after a touch, reaction lift")
            && b.headline.ends_with("evidence of an edge over distance alone."),
        "{}",
        b.headline
    );
}

/// Hourly candles of a minute-resolution driftless walk (0.5 % an hour), 4 h steps, and four
/// zones per step at random distances (A, C above; B, C below).
fn random_walk_case(
    days: usize,
    seed: u64,
) -> (liqshot::engine::backtest::PricePath, Vec<liqshot::engine::backtest::Step>, BacktestParams) {
    walk_case(days, seed, 1000)
}

#[test]
fn a_random_walk_gives_touch_lift_near_one_and_a_calibrated_model() {
    let (path, steps, bt) = random_walk_case(300, 11);
    let b = summary::summarise(&snap(), &steps, &path, &bt);
    let o = &b.overall;
    assert_eq!(o.n, 2 * steps.len());
    let lift = o.touch_lift.unwrap();
    let [lo, hi] = o.touch_lift_ci90.unwrap();
    assert!((0.9..1.1).contains(&lift) && lo < 1.0 && 1.0 < hi, "touch lift {lift} [{lo}, {hi}]");
    assert!(b.headline.ends_with("no measurable edge over distance alone."), "{}", b.headline);
    for (name, s) in
        [("overall", o), ("C above", &b.zones[&ZoneName::CAbove]), ("C below", &b.zones[&ZoneName::CBelow])]
    {
        // Neighbouring steps share 20 of their 24 hours, so bins scatter more than their n
        // suggests: each well-filled bin within 8 points, on average (by n) within 3.
        // (Each C zone has half the overall's outcomes: bins of 75 count as filled there.)
        let min_n = if name == "overall" { 150 } else { 75 };
        let filled: Vec<_> = s.reliability.iter().filter(|r| r.n >= min_n).collect();
        assert!(filled.len() >= 3, "{name}: {:?}", s.reliability);
        let n: usize = s.reliability.iter().map(|r| r.n).sum();
        let mean_dev =
            s.reliability.iter().map(|r| (r.observed - r.predicted).abs() * r.n as f64).sum::<f64>() / n as f64;
        assert!(mean_dev < 0.03, "mean deviation {mean_dev}");
        for r in &filled {
            eprintln!("bin {}-{}: predicted {:.3} observed {:.3} (n {})", r.lo, r.hi, r.predicted, r.observed, r.n);
            assert!(
                (r.observed - r.predicted).abs() < 0.08,
                "bin {}-{}: predicted {} observed {} (n {})",
                r.lo,
                r.hi,
                r.predicted,
                r.observed,
                r.n
            );
        }
        // A calibrated model's expected Brier score is the mean of p (1 - p).
        let g: Vec<&ZoneOutcome> = b
            .outcomes
            .iter()
            .filter(|z| {
                if name == "overall" {
                    z.name == ZoneName::A || z.name == ZoneName::B
                } else {
                    z.name.as_str() == name
                }
            })
            .collect();
        let expect = g.iter().filter_map(|z| z.model_probability).map(|p| p * (1.0 - p)).sum::<f64>() / g.len() as f64;
        let brier = s.brier.unwrap();
        assert!((brier - expect).abs() < 0.015, "brier {brier} vs expected {expect}");
        assert!(brier < s.brier_base_rate.unwrap(), "the model beats the base rate");
        assert!((s.brier_adjusted.unwrap() - brier).abs() < 0.01);
    }
}

#[test]
fn bootstrap_intervals_are_reproducible_with_a_seed() {
    let (path, steps, mut bt) = random_walk_case(20, 3);
    let a = summary::summarise(&snap(), &steps, &path, &bt);
    let again = summary::summarise(&snap(), &steps, &path, &bt);
    assert_eq!(a, again);
    bt.seed = 2;
    let other = summary::summarise(&snap(), &steps, &path, &bt);
    assert_eq!(a.overall.touch_lift, other.overall.touch_lift);
    assert!(a.overall.touch_lift_ci90.is_some());
    assert_ne!(a.overall.touch_lift_ci90, other.overall.touch_lift_ci90);
    assert_eq!(other.seed, 2);
}

#[test]
fn the_bigger_zone_always_first_gives_magnet_lift_above_one() {
    let mut rng = StdRng::seed_from_u64(21);
    let path = random_walk(&mut rng, 60 * 24, 3600, 60, 0.005 / 60f64.sqrt());
    let bt = BacktestParams { resamples: 1000, ..BacktestParams::default() };
    let mut st = steps(&path, &bt, |_, price| {
        vec![zone("A", Where::Above, price * 1.01, 1.0, price), zone("B", Where::Below, price * 0.985, 1.0, price)]
    });
    // Whichever the path reaches first gets the bigger notional.
    let pre = score::score(&st, &path, &bt);
    for (i, f) in score::first_touches(&st, &pre).iter().enumerate() {
        if f.first == Some(ZoneName::A) {
            st[i].zones.zones[0].usd = 9.0;
        } else {
            st[i].zones.zones[1].usd = 9.0;
        }
    }
    let b = summary::summarise(&snap(), &st, &path, &bt);
    let o = &b.overall;
    let (n, big) = (o.first_touch_steps.unwrap(), o.bigger_first.unwrap());
    assert!(n > 200 && big == n, "{big} of {n}");
    let lift = o.magnet_lift.unwrap();
    let [lo, _] = o.magnet_lift_ci90.unwrap();
    assert!(lift > 1.5 && lo > 1.0, "magnet lift {lift}, low {lo}");
    assert!(o.verdict.last().unwrap().starts_with("Magnet lift"));
    // Per letter there is no magnet figure.
    assert_eq!(b.zones[&ZoneName::A].magnet_lift, None);
}

#[test]
fn fast_placebo_equals_rescanning_every_path() {
    let mut rng = StdRng::seed_from_u64(8);
    let path = random_walk(&mut rng, 12 * 288, 300, 5, 0.0012);
    let bt = BacktestParams {
        step_secs: 3 * 3600,
        horizon_secs: 8 * 3600,
        warmup_secs: 86_400,
        reaction_secs: 1800,
        ..BacktestParams::default()
    };
    let steps = steps(&path, &bt, |_, price| {
        vec![zone("A", Where::Above, price * 1.006, 1.0, price), zone("B", Where::Below, price * 0.99, 1.0, price)]
    });
    let mut fast = score::score(&steps, &path, &bt);
    placebo::fill(&mut fast, &steps, &path, &bt);
    let mut rejects_seen = false;
    for o in &fast {
        let (mut n, mut hit, mut rej) = (0, 0, 0);
        for s in &steps {
            if (s.at - o.at).num_seconds().abs() < bt.horizon_secs {
                continue;
            }
            n += 1;
            let level = s.price * o.log_distance.exp();
            let (a, e) = score::horizon_range(&path, s.at, bt.horizon_secs);
            if let Some(k) = (a..e).find(|&k| score::reaches(&path, k, level, o.side)) {
                hit += 1;
                rej += (score::reaction(&path, k, level, o.side, &bt) == Reaction::Reject) as usize;
            }
        }
        assert_eq!(o.placebo_touch, hit as f64 / n as f64);
        assert_eq!(o.placebo_reject, (hit > 0).then(|| rej as f64 / hit as f64));
        rejects_seen |= rej > 0;
    }
    assert!(rejects_seen && fast.iter().any(|o| o.placebo_touch > 0.0 && o.placebo_touch < 1.0));
}

fn outcome(i: i64, touched: bool) -> ZoneOutcome {
    ZoneOutcome {
        step: i as usize,
        at: t(i * 3600),
        name: ZoneName::A,
        side: Where::Above,
        edge: 101.0,
        log_distance: 0.01,
        usd: 1.0,
        touched,
        time_to_touch_secs: None,
        reaction: None,
        placebo_touch: 0.25,
        placebo_reject: None,
        model_probability: None,
        adjusted_probability: None,
    }
}

#[test]
fn the_adjusted_probability_uses_only_horizons_already_over() {
    // Hourly steps, 24 h horizon; every third zone touched; a placebo level is touched on
    // every fourth step's path.
    let bt = BacktestParams { horizon_secs: 24 * 3600, ..BacktestParams::default() };
    let mut o: Vec<ZoneOutcome> = (0..80).map(|i| outcome(i, i % 3 == 0)).collect();
    let vols = vec![Some(0.000015); 80];
    let step_at: Vec<_> = (0..80).map(|i| t(i * 3600)).collect();
    let placebo = |s: usize, z: &ZoneOutcome| {
        ((step_at[s] - z.at).num_seconds().abs() >= bt.horizon_secs).then_some(s.is_multiple_of(4))
    };
    volmodel::fill(&mut o, &vols, &step_at, &bt, placebo);
    let p = o[0].model_probability.unwrap();
    assert!((p - volmodel::erfc(0.01 / (0.000015 * (2.0 * 86_400f64).sqrt()))).abs() < 1e-15);
    // Steps 0..=32 have fewer than 10 finished horizons before them: the model alone.
    for z in &o[..33] {
        assert_eq!(z.adjusted_probability, Some(p), "step {}", z.step);
    }
    // Step 70 sees steps 0..=46 (47 outcomes, 16 touched); each one's placebo counts only the
    // steps 0..=46 (over by step 70) that do not overlap it.
    let expected: f64 = (0..=46usize)
        .map(|j| {
            let eligible: Vec<usize> = (0..=46usize).filter(|&s| s.abs_diff(j) >= 24).collect();
            if eligible.is_empty() {
                0.0
            } else {
                eligible.iter().filter(|&&s| s % 4 == 0).count() as f64 / eligible.len() as f64
            }
        })
        .sum();
    let want = p * 16.0 / expected;
    assert!(want < 0.9, "not capped: {want}");
    assert!((o[70].adjusted_probability.unwrap() - want).abs() < 1e-12, "{:?} vs {want}", o[70].adjusted_probability);
    // What happens at or after step 47 cannot change step 70's figure: neither the touches...
    let before = o[70].adjusted_probability;
    for z in &mut o[47..] {
        z.touched = !z.touched;
    }
    volmodel::fill(&mut o, &vols, &step_at, &bt, placebo);
    assert_eq!(o[70].adjusted_probability, before);
    // ...nor the placebo levels on those later paths.
    let later = |s: usize, z: &ZoneOutcome| placebo(s, z).map(|hit| if s >= 47 { !hit } else { hit });
    volmodel::fill(&mut o, &vols, &step_at, &bt, later);
    assert_eq!(o[70].adjusted_probability, before);
    // ...but step 46 can.
    o[46].touched = !o[46].touched;
    volmodel::fill(&mut o, &vols, &step_at, &bt, placebo);
    assert_ne!(o[70].adjusted_probability, before);
}

#[test]
fn little_history_gives_no_figures_and_says_so() {
    let mut rng = StdRng::seed_from_u64(4);
    let path = random_walk(&mut rng, 5 * 24, 3600, 10, 0.001);
    let bt = BacktestParams { resamples: 200, ..BacktestParams::default() };
    let st = steps(&path, &bt, |_, price| vec![zone("A", Where::Above, price * 1.5, 1.0, price)]);
    let b = summary::summarise(&snap(), &st, &path, &bt);
    assert_eq!((b.overall.n, b.overall.touches), (st.len(), 0));
    assert_eq!(
        (b.overall.touch_lift, b.overall.touch_lift_ci90, b.overall.reaction_lift, b.overall.reject_rate),
        (None, None, None, None)
    );
    assert!(b.headline.contains("too little history"), "{}", b.headline);
    assert!(b.overall.verdict[0].starts_with("Too little history"));
    let json = serde_json::to_string(&b).unwrap();
    assert!(!json.contains("NaN") && !json.contains("inf"));
    // No steps at all.
    let e = summary::summarise(&snap(), &[], &path, &bt);
    assert_eq!((e.steps, e.overall.n, e.overall.brier, e.overall.brier_base_rate), (0, 0, None, None));
    assert!(e.headline.contains("too little history"));
}

#[test]
fn todays_odds_from_the_history() {
    let (path, steps, bt) = random_walk_case(20, 3);
    let b = summary::summarise(&snap(), &steps, &path, &bt);
    let end = *path.open_time.last().unwrap() + chrono::Duration::seconds(3600);
    let price = *path.close.last().unwrap();
    let z = zone("A", Where::Above, price * 1.01, 1.0, price);
    let odds = odds::zone_odds(&b, &path, &z, price);
    // The empirical model of trailing maxima (the default), from the trailing volatility at
    // the end and the whole path's excursions; clamped to the steps.
    let vol = volmodel::trailing_vol(&path, end, bt.vol_window_secs).unwrap();
    let e = liqshot::engine::backtest::excursion::Excursions::new(&path, 86_400, bt.vol_window_secs);
    let model = e.probabilities(&[(end, Some(vol), (1.01f64).ln())])[0].unwrap();
    assert_eq!(odds.model_probability, odds::clamp(model, b.steps).map(|c| c.0));
    let lift = b.zones[&ZoneName::A].touch_lift.unwrap();
    let want = match odds::printed(Some(&b.zones[&ZoneName::A])) {
        odds::Printed::LiftAdjusted => model * lift,
        odds::Printed::DistanceOnly => model,
    };
    assert!((odds.touch_probability.unwrap() - odds::clamp(want, b.steps).unwrap().0).abs() < 1e-12);
    let tr = odds.track_record.unwrap();
    let like: Vec<_> = b
        .outcomes
        .iter()
        .filter(|o| {
            o.name == ZoneName::A && o.log_distance >= 0.01f64.ln_1p() / 2.0 && o.log_distance <= 0.01f64.ln_1p() * 2.0
        })
        .collect();
    assert_eq!((tr.steps, tr.touched), (like.len(), like.iter().filter(|o| o.touched).count()));
    assert!(tr.steps >= 10 && tr.steps < b.zones[&ZoneName::A].n && tr.days >= 3 && tr.lift_ci90.is_some());
    // No history at that distance: no track record; B's side is not A's.
    let far = zone("A", Where::Above, price * 1.5, 1.0, price);
    assert_eq!(odds::zone_odds(&b, &path, &far, price).track_record, None);
    let b_zone = zone("B", Where::Below, price * 0.99, 1.0, price);
    let tb = odds::zone_odds(&b, &path, &b_zone, price).track_record.unwrap();
    assert!(b.outcomes.iter().filter(|o| o.name == ZoneName::B).count() >= tb.steps);
    // A history with no lift gives the distance-only model.
    let mut none = b.clone();
    none.zones.get_mut(&ZoneName::A).unwrap().touch_lift = None;
    let o2 = odds::zone_odds(&none, &path, &z, price);
    assert_eq!(
        (o2.touch_probability, o2.odds_model, o2.calibration_lift),
        (o2.model_probability, Some(odds::Printed::DistanceOnly), None)
    );
    assert!(o2.touch_probability.is_some());
}

#[test]
fn too_few_touches_or_first_touches_are_not_judged() {
    let (path, steps, bt) = planted_reversals(40);
    let b = summary::summarise(&snap(), &steps, &path, &bt);
    let mut a = b.zones[&ZoneName::A].clone();
    assert!(summary::verdicts(&a)[1].ends_with("evidence of an edge over distance alone."));
    a.touches = 9;
    let v = summary::verdicts(&a);
    assert!(v[1].starts_with("Reaction lift") && v[1].contains("too few touches (9) to judge"), "{v:?}");
    let mut o = b.overall.clone();
    o.first_touch_steps = Some(9);
    let v = summary::verdicts(&o);
    assert!(v[2].starts_with("Magnet lift") && v[2].contains("too few steps (9) to judge"), "{v:?}");
}

#[test]
fn the_adjusted_probability_reads_no_candle_after_its_step() {
    // The whole summary on a random walk; then every candle from day 12 on is replaced by
    // another walk. The adjusted probability of a step up to day 12 (its zones, price and
    // volatility are fixed) must not move: it is a forecast made at the step. The placebo
    // expectation of the earlier steps it divides by must come from paths over by then too.
    let (path, steps, bt) = random_walk_case(24, 21);
    let before = summary::summarise(&snap(), &steps, &path, &bt);
    let cut = t(12 * 86_400);
    let mut rng = StdRng::seed_from_u64(99);
    let alt = random_walk(&mut rng, path.open_time.len(), 3600, 60, 0.02 / 60f64.sqrt());
    let other = replace_after(&path, cut, &alt);
    let after = summary::summarise(&snap(), &steps, &other, &bt);
    let mut compared = 0;
    for (a, b) in before.outcomes.iter().zip(&after.outcomes) {
        if a.at > cut {
            continue;
        }
        assert_eq!(a.model_probability, b.model_probability, "the model at {} reads only the past", a.at);
        assert_eq!(
            a.adjusted_probability, b.adjusted_probability,
            "{} zone {} at {}: adjusted probability moved with later candles",
            a.step, a.name, a.at
        );
        compared += (a.adjusted_probability != a.model_probability) as usize;
    }
    assert!(compared > 20, "steps whose adjustment departs from the model: {compared}");
}

#[test]
fn hourly_candles_with_an_hour_of_reaction_window_say_that_reactions_measure_nothing() {
    // The random walk case has 1 h candles and the default 1 h reaction window: no candle
    // after the touching one fits in it, so no zone can be a rejection.
    let (path, steps, bt) = random_walk_case(20, 3);
    let b = summary::summarise(&snap(), &steps, &path, &bt);
    assert!(b.outcomes.iter().all(|o| o.reaction != Some(Reaction::Reject)));
    assert_eq!(b.notes.len(), 1, "{:?}", b.notes);
    assert!(
        b.notes[0].contains("reaction window (1h) is not longer than one candle (1h)")
            && b.notes[0].contains("--reaction-window"),
        "{}",
        b.notes[0]
    );
    let text = liqshot::engine::backtest::table::to_text(&b);
    assert!(text.contains("Note: The reaction window (1h)"), "{text}");
    let json: serde_json::Value = serde_json::from_slice(&liqshot::engine::backtest::json::to_json(&b)).unwrap();
    assert_eq!(json["notes"][0].as_str(), Some(b.notes[0].as_str()));
    // Two hours of window: a later candle fits, no note.
    let bt2 = BacktestParams { reaction_secs: 7200, ..bt.clone() };
    assert!(summary::summarise(&snap(), &steps, &path, &bt2).notes.is_empty());
    // A gap of three candles in the path is said too.
    let mut gapped = path.clone();
    for v in [&mut gapped.high, &mut gapped.low, &mut gapped.close] {
        v.drain(100..103);
    }
    gapped.open_time.drain(100..103);
    let notes = summary::notes(&gapped, &bt2);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with("The price path has 1 gap (3 candles missing)"), "{}", notes[0]);
}
