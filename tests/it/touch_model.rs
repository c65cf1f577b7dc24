//! The touch odds the report prints (issue 18, "Odds"): the empirical model of trailing maxima
//! against the reflection principle on paths whose answer is known, its lack of look-ahead, the
//! clamp of printed odds to what the steps support, and the walk-forward choice between the
//! distance-only and the lift-adjusted odds.

use crate::score_common as common;

use common::*;
use liqshot::engine::backtest::excursion::Excursions;
use liqshot::engine::backtest::odds::{self, Printed};
use liqshot::engine::backtest::{summary, volmodel, Backtest, BacktestParams, OddsModel, PricePath, Step};
use liqshot::engine::zones::{Where, ZoneName};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The n-weighted mean distance (points of probability) between predicted and observed over
/// the reliability bins of every zone, and the Brier score.
fn calibration(b: &Backtest) -> (f64, f64) {
    let pairs: Vec<(f64, bool)> =
        b.outcomes.iter().filter_map(|o| o.model_probability.map(|p| (p, o.touched))).collect();
    let bins = liqshot::engine::backtest::calibration::reliability(&pairs);
    let n: usize = bins.iter().map(|r| r.n).sum();
    let ece = bins.iter().map(|r| (r.observed - r.predicted).abs() * r.n as f64).sum::<f64>() / n as f64;
    (ece, liqshot::engine::backtest::calibration::brier(&pairs).unwrap())
}

#[test]
fn on_a_random_walk_the_empirical_model_is_the_reflection_principle() {
    // 300 days of hourly candles of a minute-resolution walk, 0.5 % an hour. The normalised
    // excursions of a driftless walk reach x with probability erfc(x / sqrt 2).
    let mut rng = StdRng::seed_from_u64(7);
    let sigma_hour = 0.005;
    let path = random_walk(&mut rng, 300 * 24, 3600, 60, sigma_hour / 60f64.sqrt());
    let h = 86_400;
    let e = Excursions::new(&path, h, 72 * 3600);
    let end = *path.open_time.last().unwrap() + chrono::Duration::seconds(3600);
    assert!(e.over_by(end) > 10_000, "{}", e.over_by(end));
    let sigma = sigma_hour / 3600f64.sqrt();
    for x in [0.25, 0.5, 1.0, 1.5, 2.0, 2.5] {
        let d = x * sigma * (h as f64).sqrt();
        for sign in [1.0, -1.0] {
            let got = e.probabilities(&[(end, Some(sigma), sign * d)])[0].unwrap();
            let want = volmodel::model_probability(Some(sigma), sign * d, h).unwrap();
            assert!((want - volmodel::erfc(x / 2f64.sqrt())).abs() < 1e-12);
            eprintln!("x {x}: empirical {got:.4}, reflection {want:.4}");
            assert!((got - want).abs() < 0.03, "x {x}: empirical {got} against the reflection principle's {want}");
        }
    }
}

/// Hourly candles whose volatility switches between calm (0.2 % an hour) and wild (1.2 %)
/// for spells of about two days: what the trailing 72 h volatility lags behind.
fn clustered(days: usize, seed: u64) -> PricePath {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut p = empty_path(3600);
    let mut x: f64 = 100.0f64.ln();
    let mut wild = false;
    for _ in 0..days * 24 {
        if rng.random_range(0.0..1.0) < 1.0 / 48.0 {
            wild = !wild;
        }
        let s = if wild { 0.012 } else { 0.002 } / 60f64.sqrt();
        let (mut hi, mut lo) = (x, x);
        for _ in 0..60 {
            x += s * normal(&mut rng);
            hi = hi.max(x);
            lo = lo.min(x);
        }
        push(&mut p, hi.exp(), lo.exp(), x.exp());
    }
    p
}

#[test]
fn with_clustered_volatility_the_empirical_model_is_better_calibrated() {
    let path = clustered(240, 5);
    let mut rng = StdRng::seed_from_u64(6);
    let bt = BacktestParams { resamples: 20, ..BacktestParams::default() };
    let st: Vec<Step> = steps(&path, &bt, |_, price| random_zones(&mut rng, price, 0.006 * 24f64.sqrt()));
    let of = |m: OddsModel| {
        calibration(&summary::summarise(&snap(), &st, &path, &BacktestParams { odds_model: m, ..bt.clone() }))
    };
    let ((ece_r, brier_r), (ece_e, brier_e)) = (of(OddsModel::Reflection), of(OddsModel::Empirical));
    eprintln!("reflection: calibration error {ece_r:.4}, Brier {brier_r:.4}; empirical: {ece_e:.4}, {brier_e:.4}");
    assert!(ece_e < ece_r, "empirical calibration error {ece_e} not below the reflection model's {ece_r}");
    assert!(brier_e < brier_r, "empirical Brier {brier_e} not below the reflection model's {brier_r}");
}

#[test]
fn the_empirical_model_reads_no_candle_after_its_forecast() {
    let mut rng = StdRng::seed_from_u64(11);
    let path = random_walk(&mut rng, 40 * 24, 3600, 60, 0.005 / 60f64.sqrt());
    let h = 86_400;
    let cut = t(20 * 86_400);
    let queries: Vec<_> = (1..=20i64)
        .flat_map(|day| {
            [0.01, -0.02, 0.004]
                .map(|d| (t(day * 86_400), volmodel::trailing_vol(&path, t(day * 86_400), 72 * 3600), d))
        })
        .collect();
    let later = [(t(30 * 86_400), Some(0.00008), 0.01)];
    let before = Excursions::new(&path, h, 72 * 3600);
    // Every candle that had not closed by the cut becomes another walk, ten times wilder.
    let alt = random_walk(&mut rng, path.open_time.len(), 3600, 60, 0.05 / 60f64.sqrt());
    let other = replace_after(&path, cut, &alt);
    let after = Excursions::new(&other, h, 72 * 3600);
    let (a, b) = (before.probabilities(&queries), after.probabilities(&queries));
    assert!(a.iter().filter(|p| p.is_some()).count() > 40, "{a:?}");
    assert_eq!(a, b, "a forecast up to the cut moved with candles after it");
    assert_ne!(before.probabilities(&later), after.probabilities(&later), "a forecast after the cut reads them");
}

#[test]
fn printed_odds_stay_within_what_the_steps_support() {
    // 37 steps: never nearer 0 or 1 than 1/38, printed >97 % and <3 % at the bounds.
    for i in 0..=10_000 {
        let p = i as f64 / 10_000.0;
        let (v, s) = odds::clamp(p, 37).unwrap();
        assert!((1.0 / 38.0..=37.0 / 38.0).contains(&v), "{p} -> {v}");
        assert!(!s.contains("99") && !s.contains("98") && s != "100 %" && s != "0 %", "{p} -> {s}");
    }
    assert_eq!(odds::clamp(0.999, 37).unwrap(), (37.0 / 38.0, ">97 %".to_string()));
    assert_eq!(odds::clamp(1.0, 37).unwrap().1, ">97 %");
    assert_eq!(odds::clamp(0.0, 37).unwrap(), (1.0 / 38.0, "<3 %".to_string()));
    assert_eq!(odds::clamp(0.35, 37).unwrap(), (0.35, "35 %".to_string()));
    // More steps support more: 343 steps print >99 % only above 343/344.
    assert_eq!(odds::clamp(0.9995, 343).unwrap().1, ">99 %");
    assert_eq!(odds::clamp(0.996, 999).unwrap().1, ">99 %", "never 100 %");
    assert_eq!(odds::clamp(0.5, 0), None);

    // The same through today's odds: a zone at the price from 37 steps.
    let (path, st, bt) = walk_case(30, 3, 100);
    let mut b = summary::summarise(&snap(), &st, &path, &bt);
    b.steps = 37;
    let price = *path.close.last().unwrap();
    let at_price = odds::zone_odds(&b, &path, &zone("A", Where::Above, price * 1.000_001, 1.0, price), price);
    assert_eq!(at_price.touch_display.as_deref(), Some(">97 %"), "{at_price:?}");
    assert_eq!(at_price.touch_probability, Some(37.0 / 38.0));
    let far = odds::zone_odds(&b, &path, &zone("A", Where::Above, price * 1.5, 1.0, price), price);
    assert_eq!((far.touch_display.as_deref(), far.touch_probability), (Some("<3 %"), Some(1.0 / 38.0)), "{far:?}");
}

#[test]
fn lift_adjusted_odds_are_printed_only_when_they_beat_the_model_walk_forward() {
    let (path, st, bt) = walk_case(40, 9, 100);
    let b = summary::summarise(&snap(), &st, &path, &bt);
    let price = *path.close.last().unwrap();
    let z = zone("A", Where::Above, price * 1.01, 1.0, price);
    let model = odds::model_at_end(&b, &path, (1.01f64).ln()).unwrap();
    let a = &b.zones[&ZoneName::A];
    let (brier, lift) = (a.brier.unwrap(), a.touch_lift.unwrap());
    assert!(a.reliability.iter().map(|r| r.n).sum::<usize>() >= odds::MIN_CHOICE_OUTCOMES);
    // As it came out: the rule read from the walk-forward figures.
    let want = if a.brier_adjusted.unwrap() < brier { Printed::LiftAdjusted } else { Printed::DistanceOnly };
    assert_eq!(odds::printed(Some(a)), want);

    // The lift-adjusted odds scored worse on the earlier steps: the distance-only model.
    let mut worse = b.clone();
    worse.zones.get_mut(&ZoneName::A).unwrap().brier_adjusted = Some(brier + 0.01);
    let o = odds::zone_odds(&worse, &path, &z, price);
    assert_eq!((o.odds_model, o.calibration_lift), (Some(Printed::DistanceOnly), None), "{o:?}");
    assert_eq!(o.touch_probability, odds::clamp(model, b.steps).map(|c| c.0));
    // Better: the model times the whole history's lift.
    let mut better = b.clone();
    better.zones.get_mut(&ZoneName::A).unwrap().brier_adjusted = Some(brier - 0.01);
    let o = odds::zone_odds(&better, &path, &z, price);
    assert_eq!((o.odds_model, o.calibration_lift), (Some(Printed::LiftAdjusted), Some(lift)), "{o:?}");
    assert_eq!(o.touch_probability, odds::clamp(model * lift, b.steps).map(|c| c.0));
    assert_eq!(o.model_probability, odds::clamp(model, b.steps).map(|c| c.0));
    // Better, but on too few outcomes: not trusted.
    let mut few = better.clone();
    for r in &mut few.zones.get_mut(&ZoneName::A).unwrap().reliability {
        r.n = 1;
    }
    assert!(few.zones[&ZoneName::A].reliability.len() < odds::MIN_CHOICE_OUTCOMES);
    assert_eq!(odds::zone_odds(&few, &path, &z, price).odds_model, Some(Printed::DistanceOnly));
    // No letter in the history: the model alone.
    assert_eq!(odds::printed(None), Printed::DistanceOnly);
}
