//! The plain data types of the backtest, shared by its parts and by its outputs. A leaf: it
//! refers to none of the other files of `backtest` (the whole result, which holds their
//! sections, is [`super::result::Backtest`]; the options' checks are in [`super::validate`]).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::engine::zones::{Where, ZoneName, Zones};

/// Options of a backtest (the command's flags; `Default` is documented in docs/method.md, "Backtest").
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestParams {
    /// `--step`: time between two steps, seconds. Steps fall on multiples of it (UTC).
    pub step_secs: i64,
    /// `--horizon`: how long after a step a touch counts, seconds.
    pub horizon_secs: i64,
    /// `--warmup`: history before the first step, seconds.
    pub warmup_secs: i64,
    /// `--lookback`: each step's estimate uses only this much trailing history (`None`: all).
    pub lookback_secs: Option<i64>,
    /// Reaction: a move of this fraction (0.005 = 0.5 %) away from or through the near edge...
    pub reaction_move: f64,
    /// ...within this long after the touch, seconds.
    pub reaction_secs: i64,
    /// Trailing window of the realised volatility the distance-only model uses, seconds.
    pub vol_window_secs: i64,
    /// Bootstrap resamples, and the seed that makes the intervals reproducible.
    pub resamples: usize,
    pub seed: u64,
    /// `--odds-model`: the distance-only touch model (`model_probability`).
    pub odds_model: OddsModel,
}

/// The distance-only touch model (`--odds-model`; docs/method.md, "The touch model").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OddsModel {
    /// The empirical distribution of trailing maxima ([`super::excursion`]): the default.
    #[default]
    Empirical,
    /// A driftless walk with the trailing volatility, by the reflection principle
    /// ([`super::volmodel::model_probability`]): the first model, overconfident near price.
    Reflection,
}

impl OddsModel {
    /// The flag's value: `empirical`, `reflection`.
    pub fn name(self) -> &'static str {
        match self {
            OddsModel::Empirical => "empirical",
            OddsModel::Reflection => "reflection",
        }
    }
}

impl Default for BacktestParams {
    fn default() -> Self {
        BacktestParams {
            step_secs: 4 * 3600,
            horizon_secs: 24 * 3600,
            warmup_secs: 72 * 3600,
            lookback_secs: None,
            reaction_move: 0.005,
            reaction_secs: 3600,
            vol_window_secs: 72 * 3600,
            resamples: 2000,
            seed: 1,
            odds_model: OddsModel::default(),
        }
    }
}

/// The longest duration any backtest option takes (ten years).
pub const MAX_DURATION_SECS: i64 = 3650 * 86_400;
/// Bootstrap resamples allowed.
pub const MIN_RESAMPLES: usize = 20;
pub const MAX_RESAMPLES: usize = 1_000_000;

/// `30d`, `72h`, `90m`, `9.5d`: a duration as a user would write it (to quote options back):
/// whole days from 4 days up, else whole hours, else days with one decimal past 2 days.
pub fn duration(secs: i64) -> String {
    match secs {
        s if s <= 0 => format!("{s}s"),
        s if s % 86_400 == 0 && s >= 4 * 86_400 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s > 2 * 86_400 => format!("{:.1}d", s as f64 / 86_400.0),
        s => crate::model::snapshot::format_interval(s),
    }
}

/// One step of the walk: the zones `liqshot zones` prints for the snapshot cut at `at`
/// (data up to `at` only; with `lookback_secs`, from `at - lookback` on).
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub at: DateTime<Utc>,
    /// Price at `at` (the cut snapshot's last price).
    pub price: f64,
    pub zones: Zones,
    /// Trailing realised volatility at `at`: standard deviation of log returns per second^0.5,
    /// over `vol_window_secs` of the path (`None` with too few candles).
    pub vol: Option<f64>,
    /// The step's live profile in 0.1 % bands within ±25 % of `price` ([`crate::engine::levels::levels`]),
    /// lowest first: what `realized` ranks against realized liquidations.
    pub bands: Vec<crate::engine::levels::Band>,
}

/// The path touches are scored on: the candles of the venue whose close is the price
/// (`MarketSnapshot::last_price`'s venue).
#[derive(Debug, Clone, PartialEq)]
pub struct PricePath {
    pub interval_secs: i64,
    pub open_time: Vec<DateTime<Utc>>,
    pub high: Vec<f64>,
    pub low: Vec<f64>,
    pub close: Vec<f64>,
}

/// After a touch: a reversal of `reaction_move` away from the near edge before price runs
/// `reaction_move` through it (tap and reject), the opposite (tap and continue), or neither
/// within `reaction_secs` (or both inside one candle: the order is unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reaction {
    Reject,
    Continue,
    Neither,
}

/// What became of one zone of one step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneOutcome {
    /// Index into the steps.
    pub step: usize,
    pub at: DateTime<Utc>,
    /// `A`, `B`, `C above` or `C below`.
    pub name: ZoneName,
    pub side: Where,
    /// The near edge (the zone's low above price, its high below).
    pub edge: f64,
    /// `ln(edge / price)`: positive above, negative below.
    pub log_distance: f64,
    pub usd: f64,
    pub touched: bool,
    /// From the step to the first candle that reached the edge, seconds.
    pub time_to_touch_secs: Option<i64>,
    /// Only when touched.
    pub reaction: Option<Reaction>,
    /// Placebo: probability that a level at the same log distance is touched within the
    /// horizon on the other steps' paths (those whose horizon does not overlap this one's).
    pub placebo_touch: f64,
    /// Placebo: of those touches, the share that were rejections (`None`: no placebo touch).
    pub placebo_reject: Option<f64>,
    /// Distance-only model: P(touch within the horizon) from the step's trailing volatility.
    pub model_probability: Option<f64>,
    /// The model's probability times the touch lift measured on earlier steps only (whose
    /// horizon had ended by this step), capped below 1.
    pub adjusted_probability: Option<f64>,
}

/// Which of A and B one step's price reached first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstTouch {
    pub step: usize,
    /// `A`, `B`, or `None` when neither was touched within the horizon.
    pub first: Option<ZoneName>,
    /// `A` or `B`: the one with more USD.
    pub bigger: ZoneName,
    /// A driftless walk's probability that the bigger one is reached first (from the two
    /// log distances: `d_other / (d_a + d_b)`).
    pub random_walk_bigger_first: f64,
}

/// One row of a reliability table: predictions in `[lo, hi)` and how often they came true.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReliabilityBin {
    pub lo: f64,
    pub hi: f64,
    /// Mean predicted probability in the bin.
    pub predicted: f64,
    /// Observed touch frequency in the bin.
    pub observed: f64,
    pub n: usize,
}

/// The figures for one group of zones (A and B together, or one letter).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Zone instances scored (steps x zones of the group).
    pub n: usize,
    /// Distinct UTC days the steps fell on (the bootstrap's blocks).
    pub days: usize,
    pub touches: usize,
    pub placebo_expected_touches: f64,
    pub touch_lift: Option<f64>,
    pub touch_lift_ci90: Option<[f64; 2]>,
    pub rejections: usize,
    /// Rejections / touches.
    pub reject_rate: Option<f64>,
    /// What the placebo levels' reject rate predicts for the same touches.
    pub placebo_reject_rate: Option<f64>,
    pub reaction_lift: Option<f64>,
    pub reaction_lift_ci90: Option<[f64; 2]>,
    /// Steps where A or B was touched (overall only; `None` per letter).
    pub first_touch_steps: Option<usize>,
    pub bigger_first: Option<usize>,
    pub random_walk_expected_bigger_first: Option<f64>,
    pub magnet_lift: Option<f64>,
    pub magnet_lift_ci90: Option<[f64; 2]>,
    /// Median time to touch of the touched zones, seconds.
    pub median_time_to_touch_secs: Option<i64>,
    /// Distance-only model alone.
    pub reliability: Vec<ReliabilityBin>,
    pub brier: Option<f64>,
    /// The model adjusted by the lift of earlier steps.
    pub reliability_adjusted: Vec<ReliabilityBin>,
    pub brier_adjusted: Option<f64>,
    /// Predicting the observed touch frequency for every zone (the reference a model must beat).
    pub brier_base_rate: Option<f64>,
    /// One sentence per lift, in the words docs/method.md uses: "evidence of an edge" only when the
    /// 90 % interval excludes 1 ("... worse than distance alone" when it lies below 1),
    /// otherwise "no measurable edge over distance alone".
    pub verdict: Vec<String>,
}
