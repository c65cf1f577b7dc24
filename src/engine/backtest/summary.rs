//! Scores every step and puts the figures together: per group of zones (A and B together as
//! `overall`; A, B, C above and C below per name) the touches against the placebo,
//! the reactions, which of A and B came first, the bootstrap intervals, the calibration of
//! the distance-only model, and the sentences that say what it amounts to.
//!
//! Undefined figures (nothing expected, no touches) are `None`, never NaN or infinite. With
//! fewer than [`MIN_ZONES`] zones or [`MIN_DAYS`] days the sentences say there is too little
//! history instead of judging a figure; a reaction lift resting on fewer than [`MIN_ZONES`]
//! touches, or a magnet lift on fewer steps, is printed but not judged.

use std::collections::{BTreeMap, BTreeSet};

use super::bootstrap::{day_of, ratio_interval, Ratio};
use super::calibration::{brier, brier_base_rate, reliability};
use super::result::{Backtest, FORMAT};
use super::types::{BacktestParams, FirstTouch, OddsModel, PricePath, Reaction, Step, Summary, ZoneOutcome};
use super::{placebo, score, volmodel};
use crate::engine::zones::ZoneName;
use crate::model::snapshot::MarketSnapshot;

/// Below this many zones in a group, or days, a figure is not judged.
pub(crate) const MIN_ZONES: usize = 10;
pub(crate) const MIN_DAYS: usize = 3;

/// The backtest of `steps` (from [`super::walk::walk`]) on `path`.
pub fn summarise(snap: &MarketSnapshot, steps: &[Step], path: &PricePath, bt: &BacktestParams) -> Backtest {
    let mut outcomes = score::score(steps, path, bt);
    placebo::fill(&mut outcomes, steps, path, bt);
    let vols: Vec<Option<f64>> = steps.iter().map(|s| s.vol).collect();
    let horizons = placebo::Horizons::new(steps, path, bt.horizon_secs);
    let step_at: Vec<_> = steps.iter().map(|s| s.at).collect();
    let placebo = |s: usize, o: &ZoneOutcome| {
        horizons.placebo_touched(s, o.at.timestamp(), o.log_distance, o.side, bt.horizon_secs)
    };
    match bt.odds_model {
        OddsModel::Reflection => volmodel::fill(&mut outcomes, &vols, &step_at, bt, placebo),
        OddsModel::Empirical => {
            let queries: Vec<_> =
                outcomes.iter().map(|o| (o.at, vols.get(o.step).copied().flatten(), o.log_distance)).collect();
            let model =
                super::excursion::Excursions::new(path, bt.horizon_secs, bt.vol_window_secs).probabilities(&queries);
            for (o, p) in outcomes.iter_mut().zip(model) {
                o.model_probability = p;
            }
            volmodel::adjust(&mut outcomes, &step_at, bt, placebo);
        }
    }
    let first_touches = score::first_touches(steps, &outcomes);

    let overall = group(&outcomes, |o| matches!(o.name, ZoneName::A | ZoneName::B), Some((&first_touches, steps)), bt);
    let zones: BTreeMap<ZoneName, Summary> =
        crate::engine::zones::LABELLED.iter().map(|&l| (l, group(&outcomes, |o| o.name == l, None, bt))).collect();
    let headline = headline(&overall);

    let data_from = path.open_time.first().copied().unwrap_or(snap.captured_at);
    let data_to =
        path.open_time.last().map(|t| *t + chrono::Duration::seconds(path.interval_secs)).unwrap_or(snap.captured_at);
    Backtest {
        format: FORMAT,
        symbol: snap.symbol.clone(),
        venues: snap.venue_label(),
        interval: snap.interval.clone(),
        data_from,
        data_to,
        step_secs: bt.step_secs,
        horizon_secs: bt.horizon_secs,
        warmup_secs: bt.warmup_secs,
        lookback_secs: bt.lookback_secs,
        reaction_move: bt.reaction_move,
        reaction_secs: bt.reaction_secs,
        vol_window_secs: bt.vol_window_secs,
        resamples: bt.resamples,
        seed: bt.seed,
        odds_model: bt.odds_model,
        steps: steps.len(),
        overall,
        zones,
        headline,
        notes: notes(path, bt),
        outcomes,
        first_touches,
        realized: super::realized::realized(snap, steps, path, bt.horizon_secs),
        fuel: None,
        measured: None,
    }
}

/// The caveats of `bt` on `path` ([`Backtest::notes`]).
pub fn notes(path: &PricePath, bt: &BacktestParams) -> Vec<String> {
    let mut out = Vec::new();
    let iv = path.interval_secs;
    if iv > 0 && bt.reaction_secs <= iv {
        out.push(format!(
            "The reaction window ({}) is not longer than one candle ({}): no candle after the touching one fits in it, \
             so a reaction can only be \"continue\" (the touching candle ran through) or \"neither\", never \"reject\"; \
             the reaction figures measure nothing here (give --reaction-window longer than the candles, or use finer candles).",
            super::types::duration(bt.reaction_secs),
            super::types::duration(iv)
        ));
    }
    let (mut gaps, mut missing) = (0usize, 0i64);
    for w in path.open_time.windows(2) {
        let d = (w[1] - w[0]).num_seconds();
        if iv > 0 && d > iv {
            gaps += 1;
            missing += d / iv - 1;
        }
    }
    if gaps > 0 {
        out.push(format!(
            "The price path has {gaps} gap{} ({missing} candle{} missing): a touch inside a gap is not seen, and the trailing \
             volatility counts a return across a gap as one candle's.",
            if gaps == 1 { "" } else { "s" },
            if missing == 1 { "" } else { "s" }
        ));
    }
    out
}

/// The figures of the outcomes `keep` selects; `first` (overall only) adds the magnet figures.
pub fn group(
    outcomes: &[ZoneOutcome],
    keep: impl Fn(&ZoneOutcome) -> bool,
    first: Option<(&[FirstTouch], &[Step])>,
    bt: &BacktestParams,
) -> Summary {
    let g: Vec<&ZoneOutcome> = outcomes.iter().filter(|o| keep(o)).collect();
    let days = g.iter().map(|o| day_of(o.at)).collect::<BTreeSet<_>>().len();
    let touched: Vec<&&ZoneOutcome> = g.iter().filter(|o| o.touched).collect();
    let touches = touched.len();
    let placebo_expected_touches = g.iter().map(|o| o.placebo_touch).sum::<f64>();
    let touch_lift = Ratio { observed: touches as f64, expected: placebo_expected_touches }.value();
    let touch_lift_ci90 =
        ratio_interval(g.iter().map(|o| (o.at, o.touched as u8 as f64, o.placebo_touch)), bt.resamples, bt.seed);

    let is_reject = |o: &ZoneOutcome| o.reaction == Some(Reaction::Reject);
    let rejections = touched.iter().filter(|o| is_reject(o)).count();
    let reject_rate = (touches > 0).then(|| rejections as f64 / touches as f64);
    // The reaction compares touched zones with placebo levels that were touched too.
    let compared: Vec<(&ZoneOutcome, f64)> =
        touched.iter().filter_map(|o| o.placebo_reject.map(|r| (**o, r))).collect();
    let placebo_reject_rate =
        (!compared.is_empty()).then(|| compared.iter().map(|c| c.1).sum::<f64>() / compared.len() as f64);
    let reaction_lift = Ratio {
        observed: compared.iter().filter(|c| is_reject(c.0)).count() as f64,
        expected: compared.iter().map(|c| c.1).sum(),
    }
    .value();
    let reaction_lift_ci90 =
        ratio_interval(compared.iter().map(|(o, r)| (o.at, is_reject(o) as u8 as f64, *r)), bt.resamples, bt.seed);

    let mut times: Vec<i64> = touched.iter().filter_map(|o| o.time_to_touch_secs).collect();
    times.sort_unstable();
    let median_time_to_touch_secs = (!times.is_empty()).then(|| times[(times.len() - 1) / 2]);

    let model: Vec<(f64, bool)> = g.iter().filter_map(|o| o.model_probability.map(|p| (p, o.touched))).collect();
    let adjusted: Vec<(f64, bool)> = g.iter().filter_map(|o| o.adjusted_probability.map(|p| (p, o.touched))).collect();
    let base: Vec<bool> = model.iter().map(|m| m.1).collect();

    let mut s = Summary {
        n: g.len(),
        days,
        touches,
        placebo_expected_touches,
        touch_lift,
        touch_lift_ci90,
        rejections,
        reject_rate,
        placebo_reject_rate,
        reaction_lift,
        reaction_lift_ci90,
        first_touch_steps: None,
        bigger_first: None,
        random_walk_expected_bigger_first: None,
        magnet_lift: None,
        magnet_lift_ci90: None,
        median_time_to_touch_secs,
        reliability: reliability(&model),
        brier: brier(&model),
        reliability_adjusted: reliability(&adjusted),
        brier_adjusted: brier(&adjusted),
        brier_base_rate: brier_base_rate(&base),
        verdict: Vec::new(),
    };
    if let Some((firsts, steps)) = first {
        let counted: Vec<&FirstTouch> = firsts.iter().filter(|f| f.first.is_some()).collect();
        let bigger = |f: &FirstTouch| f.first == Some(f.bigger);
        let expected = counted.iter().map(|f| f.random_walk_bigger_first).sum::<f64>();
        let big = counted.iter().filter(|f| bigger(f)).count();
        s.first_touch_steps = Some(counted.len());
        s.bigger_first = Some(big);
        s.random_walk_expected_bigger_first = Some(expected);
        s.magnet_lift = Ratio { observed: big as f64, expected }.value();
        s.magnet_lift_ci90 = ratio_interval(
            counted.iter().map(|f| (steps[f.step].at, bigger(f) as u8 as f64, f.random_walk_bigger_first)),
            bt.resamples,
            bt.seed,
        );
    }
    s.verdict = verdicts(&s);
    s
}

/// Too little history to judge a figure of `s`.
pub(crate) fn too_little(s: &Summary) -> bool {
    s.n < MIN_ZONES || s.days < MIN_DAYS
}

/// The words for a lift's 90 % interval: "evidence of an edge" only when it lies above 1.
pub fn judge(ci: Option<[f64; 2]>) -> &'static str {
    match ci {
        Some([lo, _]) if lo > 1.0 => "evidence of an edge over distance alone",
        Some([_, hi]) if hi < 1.0 => "worse than distance alone",
        _ => "no measurable edge over distance alone",
    }
}

/// [`judge`], unless the lift rests on fewer than [`MIN_ZONES`] `what` (touches for the
/// reaction, steps for the magnet): then it is not judged.
fn judge_n(ci: Option<[f64; 2]>, n: usize, what: &str) -> String {
    if n < MIN_ZONES {
        format!("too few {what} ({n}) to judge (at least {MIN_ZONES} are needed)")
    } else {
        judge(ci).to_string()
    }
}

fn ci_text(ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) => format!("90 % interval {lo:.2}-{hi:.2}"),
        None => "no interval".to_string(),
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.0} %", v * 100.0))
}

/// One sentence per lift (touch, reaction, and for `overall` the magnet).
pub fn verdicts(s: &Summary) -> Vec<String> {
    let scope = format!("n = {} zones, {} days", s.n, s.days);
    if too_little(s) {
        return vec![format!(
            "Too little history to measure an edge ({scope}; at least {MIN_ZONES} zones on {MIN_DAYS} days are needed)."
        )];
    }
    let mut out = Vec::new();
    out.push(match s.touch_lift {
        Some(l) => format!(
            "Touch lift {l:.2} ({}; {} touches against {:.1} expected at the same distances, {scope}): {}.",
            ci_text(s.touch_lift_ci90),
            s.touches,
            s.placebo_expected_touches,
            judge(s.touch_lift_ci90)
        ),
        None => format!(
            "Touch lift undefined: no level at these distances was touched on the other steps' paths ({scope})."
        ),
    });
    out.push(match s.reaction_lift {
        Some(l) => format!(
            "Reaction lift {l:.2} ({}; {} of touches rejected against {} at the same distances): {}.",
            ci_text(s.reaction_lift_ci90),
            pct(s.reject_rate),
            pct(s.placebo_reject_rate),
            judge_n(s.reaction_lift_ci90, s.touches, "touches")
        ),
        None if s.touches == 0 => "Reaction lift undefined: no zone was touched.".to_string(),
        None => "Reaction lift undefined: no level at the same distances was rejected elsewhere.".to_string(),
    });
    if let (Some(steps), Some(big), Some(exp)) =
        (s.first_touch_steps, s.bigger_first, s.random_walk_expected_bigger_first)
    {
        out.push(match s.magnet_lift {
            Some(l) if steps > 0 => format!(
                "Magnet lift {l:.2} ({}; the bigger of A and B first in {big} of {steps} steps against {exp:.1} for a random walk): {}.",
                ci_text(s.magnet_lift_ci90),
                judge_n(s.magnet_lift_ci90, steps, "steps")
            ),
            _ => "Magnet lift undefined: no step where A or B was touched first.".to_string(),
        });
    }
    out
}

/// The one sentence the report's header and the terminal lead with.
pub fn headline(overall: &Summary) -> String {
    let scope = format!("{} zones, {} days", overall.n, overall.days);
    if too_little(overall) {
        return format!(
            "On this history ({scope}) there is too little history to measure an edge over distance alone \
             (at least {MIN_ZONES} zones on {MIN_DAYS} days are needed)."
        );
    }
    // A reaction or magnet lift whose interval excludes 1 (and rests on enough touches or
    // steps) is said too, so the headline never reads "no measurable edge" over a lift the
    // verdicts call evidence.
    let mut also = String::new();
    let judged = |ci: Option<[f64; 2]>, n: usize| (n >= MIN_ZONES && judge(ci) != judge(None)).then(|| judge(ci));
    if let (Some(l), Some(j)) = (overall.reaction_lift, judged(overall.reaction_lift_ci90, overall.touches)) {
        also.push_str(&format!("; after a touch, reaction lift {l:.2} ({}): {j}", ci_text(overall.reaction_lift_ci90)));
    }
    if let (Some(l), Some(j)) =
        (overall.magnet_lift, judged(overall.magnet_lift_ci90, overall.first_touch_steps.unwrap_or(0)))
    {
        also.push_str(&format!("; bigger zone first, magnet lift {l:.2} ({}): {j}", ci_text(overall.magnet_lift_ci90)));
    }
    match overall.touch_lift {
        Some(l) => format!(
            "On this history ({scope}) zones A and B were touched {} times against {:.1} expected at the same distances (lift {l:.2}, {}): {}{also}.",
            overall.touches,
            overall.placebo_expected_touches,
            ci_text(overall.touch_lift_ci90),
            judge(overall.touch_lift_ci90)
        ),
        None => format!(
            "On this history ({scope}) zones A and B were touched {} times, and levels at the same distances never were: \
             the lift is undefined, no measurable edge over distance alone.",
            overall.touches
        ),
    }
}
