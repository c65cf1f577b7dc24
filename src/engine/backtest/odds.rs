//! Today's zones in the light of the backtest: each one's touch probability within a horizon
//! and its track record (what the report and zones.json print).

use serde::{Deserialize, Serialize};

use std::collections::BTreeSet;

use super::bootstrap::{day_of, ratio_interval};
use super::excursion::Excursions;
use super::result::Backtest;
use super::score::near_edge;
use super::types::{OddsModel, PricePath, Summary};
use super::volmodel::{model_probability, trailing_vol};
use crate::engine::zones::Zone;

/// Past outcomes a track record needs.
pub(crate) const MIN_TRACK: usize = 10;

/// How zones like this one did on the snapshot's own history (also the `track_record` of a
/// report's zone row, which reads it back from zones.json).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackRecord {
    /// Past zones of the same letter and side whose near edge lay within a factor of 2 of this
    /// zone's distance from price (one per step that had one).
    pub steps: usize,
    /// Of those, reached within the horizon.
    pub touched: usize,
    /// Touches levels at the same distances would have had on other steps' paths.
    pub placebo_expected: f64,
    /// touched / placebo_expected (`None` when the placebo expects none).
    pub lift: Option<f64>,
    /// 90 % interval of the lift, from resampling whole days.
    pub lift_ci90: Option<[f64; 2]>,
    /// Distinct UTC days those steps fell on.
    pub days: usize,
}

/// Which odds a zone's `touch_probability` is (`odds_model` of a report's zone row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Printed {
    /// The distance-only model alone (`--odds-model`).
    DistanceOnly,
    /// The model times the touch lift of the zone's letter on the history.
    LiftAdjusted,
}

impl Printed {
    /// `distance-only`, `lift-adjusted`.
    pub fn name(self) -> &'static str {
        match self {
            Printed::DistanceOnly => "distance-only",
            Printed::LiftAdjusted => "lift-adjusted",
        }
    }
}

/// Scored outcomes (with both probabilities) a letter needs before its lift-adjusted odds can
/// replace the distance-only ones; fixed before measuring anything.
pub const MIN_CHOICE_OUTCOMES: usize = 30;

/// The odds printed for zones of a letter whose backtest figures are `s`: the lift-adjusted
/// ones only when, over the backtest's outcomes of the letter, their Brier score (each computed
/// with the lift of the steps over before it, walk-forward: `adjusted_probability`) is lower
/// than the distance-only model's over the same outcomes, on at least [`MIN_CHOICE_OUTCOMES`]
/// of them, and the whole history gives the letter a lift; the distance-only model otherwise.
pub fn printed(s: Option<&Summary>) -> Printed {
    let Some(s) = s else { return Printed::DistanceOnly };
    let n: usize = s.reliability.iter().map(|b| b.n).sum();
    match (s.brier, s.brier_adjusted, s.touch_lift) {
        (Some(model), Some(adjusted), Some(_)) if n >= MIN_CHOICE_OUTCOMES && adjusted < model => Printed::LiftAdjusted,
        _ => Printed::DistanceOnly,
    }
}

/// A probability as the data behind it can support it: with `n` outcomes, never nearer 0 or
/// 1 than `1 / (n + 1)`. The clamped value and how it is printed: `35 %`, `>97 %` and `<3 %`
/// at the bounds (37 outcomes), never `0 %` or `100 %`. `None` without outcomes or for a
/// probability that is not one.
pub fn clamp(p: f64, n: usize) -> Option<(f64, String)> {
    if n == 0 || !p.is_finite() {
        return None;
    }
    let lo = 1.0 / (n as f64 + 1.0);
    let hi = 1.0 - lo;
    if p >= hi {
        return Some((hi, format!(">{:.0} %", (hi * 100.0).floor().max(1.0))));
    }
    if p <= lo {
        return Some((lo, format!("<{:.0} %", (lo * 100.0).ceil().min(99.0))));
    }
    let shown = match (p * 100.0).round() {
        x if x >= 100.0 => ">99 %".to_string(),
        x if x <= 0.0 => "<1 %".to_string(),
        x => format!("{x:.0} %"),
    };
    Some((p, shown))
}

/// One of today's zones: touch probability and track record (`None` with too little history:
/// the outputs then say so instead of printing a number).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneOdds {
    /// The printed probability ([`printed`]: the distance-only model, or it times the letter's
    /// lift), clamped to what the backtest's steps support ([`clamp`]).
    pub touch_probability: Option<f64>,
    /// The distance-only model alone (`Backtest::odds_model`), clamped the same way.
    pub model_probability: Option<f64>,
    /// The letter's touch lift when it was applied (`LiftAdjusted`), `None` otherwise.
    pub calibration_lift: Option<f64>,
    /// Which odds `touch_probability` is (`None` without a probability).
    pub odds_model: Option<Printed>,
    /// `touch_probability` as printed: `35 %`, `>97 %`, `<3 %`.
    pub touch_display: Option<String>,
    pub track_record: Option<TrackRecord>,
}

/// The distance-only model's probability (`bt.odds_model`) of a level at `log_distance` at
/// the end of `path` within `bt.horizon_secs`, from the trailing volatility at the end of the
/// path (the rule of `Step.vol`, [`trailing_vol`]) and, for the empirical model, the
/// excursions of the whole path. Not clamped.
pub fn model_at_end(bt: &Backtest, path: &PricePath, log_distance: f64) -> Option<f64> {
    let end = path.open_time.last().map(|t| *t + chrono::Duration::seconds(path.interval_secs))?;
    let vol = trailing_vol(path, end, bt.vol_window_secs);
    match bt.odds_model {
        OddsModel::Reflection => model_probability(vol, log_distance, bt.horizon_secs),
        OddsModel::Empirical => {
            Excursions::new(path, bt.horizon_secs, bt.vol_window_secs).probabilities(&[(end, vol, log_distance)])[0]
        }
    }
}

/// The odds of `zone` (at the end of `path`, price `price`) within `bt.horizon_secs`: the
/// distance-only model ([`model_at_end`]), times the touch lift of the zone's letter over the
/// whole history only when [`printed`] says the lift-adjusted odds beat it walk-forward;
/// clamped to the backtest's steps ([`clamp`]).
pub fn zone_odds(bt: &Backtest, path: &PricePath, zone: &Zone, price: f64) -> ZoneOdds {
    let d = (near_edge(zone) / price).ln();
    let model = model_at_end(bt, path, d);
    let letter = bt.zones.get(&zone.name);
    let choice = printed(letter);
    let lift = letter.and_then(|s| s.touch_lift).filter(|_| choice == Printed::LiftAdjusted);
    let raw = model.map(|p| p * lift.unwrap_or(1.0));
    let shown = raw.and_then(|p| clamp(p, bt.steps));
    ZoneOdds {
        touch_probability: shown.as_ref().map(|s| s.0),
        model_probability: model.and_then(|p| clamp(p, bt.steps)).map(|s| s.0),
        calibration_lift: lift.filter(|_| shown.is_some()),
        odds_model: shown.as_ref().map(|_| choice),
        touch_display: shown.map(|s| s.1),
        track_record: track_record(bt, zone, d),
    }
}

/// Past outcomes of the same letter and side whose near edge lay within a factor of 2 of
/// `log_distance` (in absolute value); `None` when fewer than [`MIN_TRACK`].
pub fn track_record(bt: &Backtest, zone: &Zone, log_distance: f64) -> Option<TrackRecord> {
    let d = log_distance.abs();
    if !d.is_finite() {
        return None;
    }
    let like: Vec<_> = bt
        .outcomes
        .iter()
        .filter(|o| o.name == zone.name && o.side == zone.side)
        .filter(|o| {
            let x = o.log_distance.abs();
            x >= d / 2.0 && x <= d * 2.0
        })
        .collect();
    if like.len() < MIN_TRACK {
        return None;
    }
    let touched = like.iter().filter(|o| o.touched).count();
    let placebo_expected = like.iter().map(|o| o.placebo_touch).sum::<f64>();
    Some(TrackRecord {
        steps: like.len(),
        touched,
        placebo_expected,
        lift: (placebo_expected > 0.0).then(|| touched as f64 / placebo_expected),
        lift_ci90: ratio_interval(
            like.iter().map(|o| (o.at, o.touched as u8 as f64, o.placebo_touch)),
            bt.resamples,
            bt.seed,
        ),
        days: like.iter().map(|o| day_of(o.at)).collect::<BTreeSet<_>>().len(),
    })
}
