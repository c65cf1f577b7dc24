//! The backtest behind each report: `liqshot backtest` run on the report's own snapshot
//! ([`backtest_for`]), each zone's touch probability and track record from it
//! ([`backtest::odds::zone_odds`]), and the report's [`Evidence`] (the backtest's verdict).
//! Pure: the snapshot carries its own time.

use crate::engine::backtest::odds::{zone_odds, ZoneOdds};
use crate::engine::backtest::{self, Backtest, BacktestParams, OddsModel, PricePath};
use crate::engine::estimate::EstimateParams;
use crate::engine::zones::{Zone, ZoneName, ZoneParams};
use crate::error::Error;
use crate::model::snapshot::MarketSnapshot;
use crate::output::report::model::{Evidence, Where, ZoneRow};

const DAY: i64 = 86_400;

/// The backtest the report's odds come from ([`backtest_for`], which the command runs).
pub enum History<'a> {
    /// The backtest, and the price path it was scored on.
    Tested { backtest: &'a Backtest, path: &'a PricePath },
    /// The snapshot is too short to backtest with these options: the report says so instead of
    /// printing numbers.
    TooShort {
        horizon_secs: i64,
        step_secs: i64,
        warmup_secs: i64,
        /// What it needs and what it has, e.g. `needs 100 h of candles or more (...); the
        /// snapshot has 48 h`.
        needs: String,
    },
}

/// The backtest behind a report's odds, or why there is none.
pub enum Backtested {
    Tested(Box<Backtest>, PricePath),
    TooShort { params: BacktestParams, needs: String },
}

impl Backtested {
    /// What [`compute`](super::compute::compute) reads.
    pub fn history(&self) -> History<'_> {
        match self {
            Backtested::Tested(backtest, path) => History::Tested { backtest, path },
            Backtested::TooShort { params, needs } => History::TooShort {
                horizon_secs: params.horizon_secs,
                step_secs: params.step_secs,
                warmup_secs: params.warmup_secs,
                needs: needs.clone(),
            },
        }
    }
}

/// The backtest options of a report of `snap`: `liqshot backtest`'s defaults (72 h warm-up,
/// 4 h steps) with the report's horizon; steps of one candle when candles are longer than 4 h
/// (a whole number of candles otherwise).
pub fn backtest_params(snap: &MarketSnapshot, horizon_secs: i64) -> BacktestParams {
    let d = BacktestParams::default();
    let interval = snap.interval_secs().max(1);
    let step_secs = (d.step_secs + interval - 1) / interval * interval;
    BacktestParams { step_secs, horizon_secs, ..d }
}

/// Walks `snap` forward like `liqshot backtest` (the zones of `liqshot zones`: the user's
/// estimate options with a 24 h window) with the report's horizon. A snapshot too short for it
/// is not an error: the report then says so instead of printing numbers.
/// The odds' distance-only model is the default one ([`backtest_for_with`] takes another).
pub fn backtest_for(snap: &MarketSnapshot, estimate: &EstimateParams, horizon_secs: i64) -> Result<Backtested, Error> {
    backtest_for_with(snap, estimate, horizon_secs, OddsModel::default())
}

/// [`backtest_for`] with `odds_model` as the distance-only model of the odds (`--odds-model`).
pub fn backtest_for_with(
    snap: &MarketSnapshot,
    estimate: &EstimateParams,
    horizon_secs: i64,
    odds_model: OddsModel,
) -> Result<Backtested, Error> {
    let params = BacktestParams { odds_model, ..backtest_params(snap, horizon_secs) };
    if let Err(e) = params.validate(snap) {
        let needs = needs_text(snap, &params, &e);
        return Ok(Backtested::TooShort { params, needs });
    }
    let est = EstimateParams { window_secs: 86_400, ..estimate.clone() };
    let bt = backtest::run(snap, &est, &ZoneParams::default(), &params)?;
    let path = backtest::walk::price_path(snap);
    Ok(Backtested::Tested(Box::new(bt), path))
}

/// What a backtest needs and what the snapshot has (`needs 100 h of candles or more: 72 h of
/// warm-up, then steps every 4 h each scored 24 h ahead; the snapshot has 48 h`), or the backtest's own reason when it is not the length.
fn needs_text(snap: &MarketSnapshot, p: &BacktestParams, rejected: &Error) -> String {
    let d = duration_text;
    let need = p.warmup_secs + p.horizon_secs;
    let span = snap.venues.iter().find(|v| !v.candles.is_empty()).map(|v| {
        let (first, last) = (&v.candles[0], &v.candles[v.candles.len() - 1]);
        (last.open_time - first.open_time).num_seconds() + snap.interval_secs()
    });
    match span {
        Some(have) if have < need + p.step_secs => format!(
            "needs {} of candles or more: {} of warm-up, then steps every {} each scored {} ahead; the snapshot has {}",
            d(need + p.step_secs),
            d(p.warmup_secs),
            d(p.step_secs),
            d(p.horizon_secs),
            d(have)
        ),
        None => "needs candles; the snapshot has none".into(),
        Some(_) => format!("the backtest rejected this snapshot: {rejected}"),
    }
}

/// `row` with the odds of its zone `z` (at `price`) from the backtest: touch probability,
/// the distance-only model's, the track record, or a note why there is no probability.
pub(crate) fn with_odds(row: ZoneRow, z: &Zone, price: f64, history: &History) -> ZoneRow {
    match history {
        History::Tested { backtest, path } => {
            with_fuel(odds_row(row, zone_odds(backtest, path, z, price), backtest), backtest)
        }
        History::TooShort { needs, .. } => ZoneRow { odds_note: Some(needs.clone()), ..row },
    }
}

/// `row` with `odds` filled in; when the probability is missing, `odds_note` says which part
/// of the history was missing.
pub(crate) fn odds_row(row: ZoneRow, odds: ZoneOdds, bt: &Backtest) -> ZoneRow {
    let odds_note = match (odds.touch_probability, odds.model_probability) {
        (Some(_), _) => None,
        (None, None) if bt.steps > 0 => Some(format!(
            "needs {} of candles before the capture for the trailing volatility",
            duration_text(bt.vol_window_secs)
        )),
        (None, _) => Some("needs backtest steps to check the model against; there were none".to_string()),
    };
    ZoneRow {
        touch_probability: odds.touch_probability,
        model_probability: odds.model_probability,
        calibration_lift: odds.calibration_lift,
        odds_model: odds.odds_model.map(|m| m.name().to_string()),
        touch_display: odds.touch_display,
        track_record: odds.track_record,
        odds_note,
        ..row
    }
}

/// "A move through zone B would liquidate about $12.3M of longs, estimated", and with a measured
/// `scale` (the fuel test's: value and 90 % interval) the calibrated figure beside it.
pub(crate) fn fuel_sentence(
    name: ZoneName,
    liquidates: &str,
    usd: f64,
    scale: Option<(f64, Option<[f64; 2]>)>,
) -> String {
    let base = format!(
        "A move through zone {name} would liquidate about {} of {liquidates}, estimated",
        crate::model::fmt::usd(usd)
    );
    match scale {
        Some((s, ci)) => {
            let range = ci.map_or(String::new(), |[lo, hi]| {
                format!(", 90 % interval {}–{}", crate::model::fmt::usd(usd * lo), crate::model::fmt::usd(usd * hi))
            });
            format!(
                "{base}; about {} at the scale measured on this snapshot's realized liquidations (× {s:.2}{range}).",
                crate::model::fmt::usd(usd * s)
            )
        }
        None => format!("{base}."),
    }
}

/// `row` with its fuel sentence calibrated by the backtest's fuel test (the scale of the zone's
/// side), when the snapshot holds enough realized history for one.
pub(crate) fn with_fuel(row: ZoneRow, bt: &Backtest) -> ZoneRow {
    let side = bt.fuel.as_ref().map(|f| if row.side == Where::Above { &f.short } else { &f.long });
    let scale =
        side.filter(|s| !crate::engine::backtest::fuel::too_little(s)).and_then(|s| s.scale.map(|v| (v, s.scale_ci90)));
    ZoneRow {
        fuel: fuel_sentence(row.name, &row.liquidates, row.usd, scale),
        calibrated_usd: scale.map(|(s, _)| row.usd * s),
        ..row
    }
}

/// A horizon or step as the report says it: `24 h`, `72 h`, `7 d`, `90 min`; a length that
/// is no whole number of minutes in hours with one decimal (`3.3 h`).
pub(crate) fn duration_text(secs: i64) -> String {
    if secs > 3 * DAY && secs % DAY == 0 {
        format!("{} d", secs / DAY)
    } else if secs > 0 && secs % 3600 == 0 {
        format!("{} h", secs / 3600)
    } else if secs > 0 && secs % 60 == 0 {
        format!("{} min", secs / 60)
    } else if secs >= 3600 {
        format!("{:.1} h", secs as f64 / 3600.0)
    } else {
        format!("{secs} s")
    }
}

/// The report's [`Evidence`]: zones A and B together (the backtest's `overall`) and its headline,
/// or "too little history" and what it needs.
pub fn evidence(history: &History) -> Evidence {
    match history {
        History::Tested { backtest: bt, .. } => {
            let o = &bt.overall;
            Evidence {
                tested: true,
                headline: bt.headline.clone(),
                horizon_secs: bt.horizon_secs,
                horizon: duration_text(bt.horizon_secs),
                step_secs: bt.step_secs,
                warmup_secs: bt.warmup_secs,
                steps: bt.steps,
                days: o.days,
                n: o.n,
                touches: o.touches,
                placebo_expected_touches: o.placebo_expected_touches,
                touch_lift: o.touch_lift,
                touch_lift_ci90: o.touch_lift_ci90,
                reaction_lift: o.reaction_lift,
                reaction_lift_ci90: o.reaction_lift_ci90,
                reaction_verdict: o.verdict.iter().find(|v| v.starts_with("Reaction")).cloned(),
                fuel_verdict: bt
                    .fuel
                    .as_ref()
                    .map_or(vec![], |f| vec![f.long.verdict.clone(), f.short.verdict.clone()]),
                ..Evidence::default()
            }
        }
        History::TooShort { horizon_secs, step_secs, warmup_secs, needs } => Evidence {
            tested: false,
            headline: format!("Not tested: too little history (the backtest {needs})."),
            horizon_secs: *horizon_secs,
            horizon: duration_text(*horizon_secs),
            step_secs: *step_secs,
            warmup_secs: *warmup_secs,
            ..Evidence::default()
        },
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::engine::pipeline::analyse;
    use crate::output::report::compute::tests::{image, tiny_snapshot};
    use crate::output::report::compute::{compute, ReportInputs};

    /// A summary of `n` zones over `days` days with `touches` against `placebo` expected.
    pub(crate) fn summary(
        n: usize,
        days: usize,
        touches: usize,
        placebo: f64,
        ci: Option<[f64; 2]>,
    ) -> crate::engine::backtest::Summary {
        crate::engine::backtest::Summary {
            n,
            days,
            touches,
            placebo_expected_touches: placebo,
            touch_lift: (placebo > 0.0).then(|| touches as f64 / placebo),
            touch_lift_ci90: ci,
            rejections: touches / 3,
            reject_rate: (touches > 0).then(|| (touches / 3) as f64 / touches as f64),
            placebo_reject_rate: Some(0.44),
            reaction_lift: Some(0.61),
            reaction_lift_ci90: Some([0.3, 1.12]),
            first_touch_steps: None,
            bigger_first: None,
            random_walk_expected_bigger_first: None,
            magnet_lift: None,
            magnet_lift_ci90: None,
            median_time_to_touch_secs: Some(7200),
            reliability: vec![],
            brier: None,
            reliability_adjusted: vec![],
            brier_adjusted: None,
            brier_base_rate: None,
            verdict: vec![
                "Touch lift: no measurable edge over distance alone.".into(),
                "Reaction lift 0.61: no measurable edge over distance alone.".into(),
            ],
        }
    }

    /// A hand-built backtest (the walk and the scoring are tested in `backtest`): 42 steps over
    /// 7 days, zones A and B touched 22 times against 27.1 for the placebo.
    pub(crate) fn constructed_backtest() -> Backtest {
        let t = |d: u32| Utc.with_ymd_and_hms(2025, 11, d, 0, 0, 0).unwrap();
        let mut zones = std::collections::BTreeMap::new();
        zones.insert(ZoneName::A, summary(42, 7, 12, 14.0, Some([0.5, 1.2])));
        zones.insert(ZoneName::B, summary(42, 7, 10, 13.1, Some([0.4, 1.1])));
        zones.insert(ZoneName::CAbove, summary(60, 7, 3, 4.0, None));
        Backtest {
            format: crate::engine::backtest::FORMAT,
            symbol: "BTCUSDT".into(),
            venues: "binance".into(),
            interval: "5m".into(),
            data_from: t(1),
            data_to: t(11),
            step_secs: 4 * 3600,
            horizon_secs: 12 * 3600,
            warmup_secs: 72 * 3600,
            lookback_secs: None,
            reaction_move: 0.005,
            reaction_secs: 3600,
            vol_window_secs: 72 * 3600,
            resamples: 2000,
            seed: 1,
            odds_model: crate::engine::backtest::OddsModel::Empirical,
            steps: 42,
            overall: summary(84, 7, 22, 27.1, Some([0.56, 1.03])),
            zones,
            headline: "No measurable edge over distance alone (touch lift 0.81, 90 % interval 0.56-1.03).".into(),
            notes: vec![],
            outcomes: vec![],
            first_touches: vec![],
            realized: None,
            fuel: None,
            measured: None,
        }
    }

    fn empty_path() -> PricePath {
        PricePath { interval_secs: 300, open_time: vec![], high: vec![], low: vec![], close: vec![] }
    }

    #[test]
    fn evidence_is_the_backtests_overall_figures() {
        let bt = constructed_backtest();
        let path = empty_path();
        let e = evidence(&History::Tested { backtest: &bt, path: &path });
        assert!(e.tested);
        assert_eq!(e.headline, bt.headline);
        assert_eq!(
            (e.horizon_secs, e.horizon.as_str(), e.step_secs, e.warmup_secs),
            (12 * 3600, "12 h", 4 * 3600, 72 * 3600)
        );
        assert_eq!((e.steps, e.days, e.n, e.touches), (42, 7, 84, 22));
        assert_eq!(e.placebo_expected_touches, 27.1);
        assert_eq!((e.touch_lift, e.touch_lift_ci90), (bt.overall.touch_lift, Some([0.56, 1.03])));
        assert_eq!((e.reaction_lift, e.reaction_lift_ci90), (Some(0.61), Some([0.3, 1.12])));
        assert_eq!(e.reaction_verdict.as_deref(), Some("Reaction lift 0.61: no measurable edge over distance alone."));
    }

    #[test]
    fn too_little_history_is_said_not_printed() {
        let snap = tiny_snapshot(40);
        let params = EstimateParams { window_secs: 86_400, ..Default::default() };
        let analysis = analyse(&snap, &params, &ZoneParams::default()).expect("analysis");
        assert!(!analysis.zones.zones.is_empty(), "the tiny snapshot has zones to say it of");
        let needs = "needs 100 h of candles or more: 72 h of warm-up, then steps every 4 h each scored 24 h ahead; the snapshot has 3.3 h".to_string();
        let history = History::TooShort {
            horizon_secs: 86_400,
            step_secs: 4 * 3600,
            warmup_secs: 72 * 3600,
            needs: needs.clone(),
        };
        let r = compute(&ReportInputs {
            snap: &snap,
            analysis: &analysis,
            window_secs: 86_400,
            events: vec![],
            previous: None,
            image: image(),
            history,
        });
        let e = &r.evidence;
        assert!(
            !e.tested
                && e.headline.starts_with("Not tested: too little history (the backtest needs")
                && e.headline.contains(&needs),
            "{e:?}"
        );
        assert_eq!((e.steps, e.n, e.touch_lift, e.reaction_lift, e.horizon.as_str()), (0, 0, None, None, "24 h"));
        for z in &r.zones {
            assert_eq!((z.touch_probability, z.model_probability, &z.track_record), (None, None, &None), "{z:?}");
            assert_eq!(z.odds_note.as_deref(), Some(needs.as_str()));
        }
        for z in &r.far_zones {
            assert_eq!((z.touch_probability, &z.odds_note), (None, &None), "far zones carry no odds: {z:?}");
        }
    }

    #[test]
    fn zone_odds_land_in_the_row_or_a_note_says_what_is_missing() {
        use crate::engine::backtest::odds::{Printed, TrackRecord as Tr, ZoneOdds};
        let bt = constructed_backtest();
        let row = || crate::output::report::plan::tests::zone("B", "below", 98.0, 99.0, 1e6, 0.3, 100.0);
        let record = Tr {
            steps: 21,
            touched: 9,
            placebo_expected: 10.4,
            lift: Some(9.0 / 10.4),
            lift_ci90: Some([0.5, 1.4]),
            days: 6,
        };
        let odds = |touch: Option<f64>, model: Option<f64>, lift: Option<f64>, printed: Option<Printed>| ZoneOdds {
            touch_probability: touch,
            model_probability: model,
            calibration_lift: lift,
            odds_model: printed,
            touch_display: touch.map(|p| format!("{:.0} %", p * 100.0)),
            track_record: Some(record.clone()),
        };
        let z = odds_row(row(), odds(Some(0.38), Some(0.41), Some(0.93), Some(Printed::LiftAdjusted)), &bt);
        assert_eq!(
            (z.touch_probability, z.model_probability, z.calibration_lift, z.odds_note.clone()),
            (Some(0.38), Some(0.41), Some(0.93), None)
        );
        assert_eq!((z.odds_model.as_deref(), z.touch_display.as_deref()), (Some("lift-adjusted"), Some("38 %")));
        let t = z.track_record.expect("track record");
        assert_eq!(
            (t.steps, t.touched, t.placebo_expected, t.lift, t.lift_ci90, t.days),
            (21, 9, 10.4, record.lift, Some([0.5, 1.4]), 6)
        );
        assert_eq!((z.name.as_str(), z.low, z.share_in_band), ("B", 98.0, Some(0.3)), "the zone's own fields are kept");
        // The distance-only model: no lift.
        let z = odds_row(row(), odds(Some(0.41), Some(0.41), None, Some(Printed::DistanceOnly)), &bt);
        assert_eq!((z.odds_model.as_deref(), z.calibration_lift, z.odds_note), (Some("distance-only"), None, None));

        // No trailing volatility: no model, no probability.
        let no_vol = odds_row(row(), odds(None, None, None, None), &bt);
        assert!(
            no_vol.odds_note.as_deref().is_some_and(|n| n.contains("72 h of candles") && n.contains("volatility")),
            "{no_vol:?}"
        );
        assert_eq!(
            (no_vol.calibration_lift, no_vol.odds_model, no_vol.touch_display, no_vol.track_record.is_some()),
            (None, None, None, true)
        );
        // No steps to check the model against.
        let mut none = constructed_backtest();
        none.steps = 0;
        let z = odds_row(row(), odds(None, None, None, None), &none);
        assert_eq!(z.odds_note.as_deref(), Some("needs backtest steps to check the model against; there were none"));
    }

    #[test]
    fn backtest_options_fit_the_snapshots_candles() {
        let mut snap = tiny_snapshot(3);
        let p = backtest_params(&snap, 12 * 3600);
        let d = BacktestParams::default();
        assert_eq!(
            p,
            BacktestParams { horizon_secs: 12 * 3600, ..d.clone() },
            "liqshot backtest's defaults, the report's horizon"
        );
        for (interval, step) in
            [("1h", 4 * 3600), ("4h", 4 * 3600), ("15m", 4 * 3600), ("7m", 245 * 60), ("6h", 6 * 3600), ("1d", 86_400)]
        {
            snap.interval = interval.into();
            assert_eq!(backtest_params(&snap, 86_400).step_secs, step, "{interval} candles");
        }
    }

    #[test]
    fn durations_as_the_report_says_them() {
        assert_eq!(duration_text(86_400), "24 h");
        assert_eq!(duration_text(12 * 3600), "12 h");
        assert_eq!(duration_text(3 * 86_400), "72 h");
        assert_eq!(duration_text(4 * 86_400), "4 d");
        assert_eq!(duration_text(100 * 3600), "100 h");
        assert_eq!(duration_text(5400), "90 min");
        assert_eq!(duration_text(12_030), "3.3 h");
        assert_eq!(duration_text(45), "45 s");
    }
}
