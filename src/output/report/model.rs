//! The report's data: everything a template can show, computed from the snapshot. This is the
//! contract between the computations (`compute`) and the templates (`templates`); it is also
//! what `zones.json` is made from. Templates see it as the variable `r`.

use serde::{Deserialize, Serialize};

pub use crate::engine::zones::ZoneName;
pub use crate::model::side::Where;

pub mod realized;
pub use realized::{Previous, RealizedSection, SideRow, ZoneHit, NONE_NOTE};

/// An enum of the report that serialises as (and prints) the words the report always used, so
/// code decides on variants while the JSON and the templates keep their strings.
macro_rules! words {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $v),+
        }
        impl $name {
            /// The word as the report writes it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$v => $s),+
                }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        #[cfg(test)]
        impl PartialEq<&str> for $name {
            fn eq(&self, o: &&str) -> bool {
                self.as_str() == *o
            }
        }
        #[cfg(test)]
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($s => $name::$v,)+
                    _ => panic!("not a {}: {s:?}", stringify!($name)),
                }
            }
        }
    };
}

words!(
    /// The trend of the structure timeframe: last close vs the EMA and the swing pattern.
    Trend { Uptrend = "uptrend", Downtrend = "downtrend", Range = "range" }
);
words!(
    /// The one open-interest verdict: the 24 h change beyond ± the flat band.
    OiTrend { Rising = "rising", Flat = "flat", Falling = "falling", Unknown = "unknown" }
);
words!(
    /// The one funding verdict (`positioning::funding_verdict`).
    FundingBias { LongsPayingUp = "longs paying up", ShortsPaying = "shorts paying", Neutral = "neutral", Unknown = "unknown" }
);
words!(
    /// How price is expected to treat a zone, which decides the plan.
    PlanReaction {
        TapAndReject = "tap and reject",
        TapAndContinue = "tap and continue",
        FrontRun = "front-run",
        Ignore = "ignore",
    }
);
words!(
    /// A plan's direction: fade the zone, trade its break, or stand aside.
    Direction { Long = "long", Short = "short", None = "none" }
);

/// Value of `Report::format`.
pub const REPORT_FORMAT: &str = "liqshot-report/3";
/// The earlier formats, still read by `--previous` (see `triggers::previous_from_json`).
pub const REPORT_FORMAT_V1: &str = "liqshot-report/1";
pub const REPORT_FORMAT_V2: &str = "liqshot-report/2";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub format: String,
    pub meta: Meta,
    /// At most three lines from the data: the nearest fuel above and below, the bias the
    /// positioning supports and the level that invalidates it (`compute::summary`).
    #[serde(default)]
    pub summary: Vec<String>,
    /// The bigger picture: daily and weekly direction, prior day and week ranges, open
    /// interest over 4 h / 24 h / 7 d, funding against its own history, realized liquidations.
    #[serde(default)]
    pub context: Context,
    /// Zones A, B, C (above), C (below), where they exist.
    pub zones: Vec<ZoneRow>,
    /// Clusters beyond the chart's price range (named `far`, not labelled on the chart), nearest
    /// first per side, above then below.
    #[serde(default)]
    pub far_zones: Vec<ZoneRow>,
    pub positioning: Positioning,
    pub structure: Structure,
    /// One plan per zone, same order as `zones`.
    pub plans: Vec<ZonePlan>,
    /// What the backtest of the snapshot's own history says: has the liquidation model shown an
    /// edge over distance alone? Absent in files written before it: read as not tested.
    #[serde(default)]
    pub evidence: Evidence,
    pub scenarios: Scenarios,
    /// Catalysts the user passed (`--event`, `--events-file`), in order.
    pub events: Vec<String>,
    /// When to recalculate, each marked fired or not since `--previous` (None without it).
    pub triggers: Vec<Trigger>,
    pub image: Image,
    /// Realized liquidations of the last 24 h and, with `--previous`, inside its zones.
    #[serde(default, skip_deserializing)]
    pub realized: RealizedSection,
    /// Measured Hyperliquid positions and the model check (`--hl-accounts`; as in `zones
    /// --json`). Absent without them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<crate::engine::measured::MeasuredSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub symbol: String,
    /// The venues the data was fetched from (or named by `import --venue`); empty for an
    /// import without `--venue`, whose sources are files.
    pub venues: Vec<String>,
    /// Where the candles came from, e.g. `Binance BTCUSDT 5m candles` or
    /// `btcusdt-spot-5m.csv (5m candles)` (`sources::names`).
    #[serde(default)]
    pub price_source: String,
    /// Where the open interest came from, e.g. `Binance, OKX` or `oi.csv`.
    #[serde(default)]
    pub oi_source: String,
    /// A description for link previews (`og:description`): the summary in one line.
    #[serde(default)]
    pub description: String,
    /// RFC 3339, UTC.
    pub captured_at: String,
    /// `2025-11-11 00:00 UTC`.
    pub captured_at_human: String,
    /// `2025-11-11`.
    pub date: String,
    /// Shown window, e.g. `24h`.
    pub window: String,
    /// Candle interval, e.g. `5m`.
    pub interval: String,
    pub price: f64,
    /// Change of the last close over 24 h, % (None when the data is shorter).
    pub change_24h_pct: Option<f64>,
    /// "Estimated, not advice" text shown at the top.
    pub notice: String,
    /// `liqshot 0.1.0`.
    pub generator: String,
    /// Snapshot notes (fallbacks, failures) worth repeating in the report.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneRow {
    /// `A`, `B`, `C above`, `C below` (`far` in `far_zones`; `C` in files written before the two
    /// C zones had names of their own).
    pub name: ZoneName,
    /// `above` or `below`.
    pub side: Where,
    /// `shorts` (above) or `longs` (below).
    pub liquidates: String,
    pub low: f64,
    pub high: f64,
    pub peak: f64,
    pub usd: f64,
    pub distance_pct: f64,
    pub edge_distance_pct: f64,
    /// The zone's estimated liquidations inside ± `Positioning::asymmetry_band_pct` of price as
    /// a fraction (0..1) of all estimated liquidations on its side inside that band
    /// (`Positioning::liq_above_usd` for a zone above, `liq_below_usd` below). The one share
    /// basis of the report (table, plans, HTML, JSON). `None` when no part of the zone lies
    /// inside the band.
    #[serde(default)]
    pub share_in_band: Option<f64>,
    /// Probability (0..1) that price reaches the zone's near edge within
    /// `Evidence::horizon_secs` (`backtest::odds::zone_odds`): the distance-only model, or it
    /// times the touch lift of the zone's letter when that beat it walk-forward (`odds_model`
    /// says which), clamped to at least `1 / (steps + 1)` from 0 and 1 (`touch_display`).
    /// `None` with too little history (`odds_note` says why), and always in `far_zones`.
    #[serde(default)]
    pub touch_probability: Option<f64>,
    /// The distance-only model alone (the backtest's `odds_model`: by default the empirical
    /// distribution of trailing maxima), clamped like `touch_probability`.
    #[serde(default)]
    pub model_probability: Option<f64>,
    /// The touch lift of every zone of this letter on the history (`Summary::touch_lift` of
    /// the backtest's `zones[name]`) when it was applied (`odds_model` `lift-adjusted`:
    /// `touch_probability = model_probability x calibration_lift`, clamped). `None` when the
    /// distance-only model is printed, or there is no touch probability.
    #[serde(default)]
    pub calibration_lift: Option<f64>,
    /// How zones of this letter and side at a similar distance did on the snapshot's history.
    #[serde(default)]
    pub track_record: Option<TrackRecord>,
    /// Why `touch_probability` is `None` (e.g. `needs 100 h of candles or more (...); the snapshot has 48 h`);
    /// `None` when there is a probability, and in `far_zones`.
    #[serde(default)]
    pub odds_note: Option<String>,
    /// The zone's USD as fuel, one sentence: "A move through zone B would liquidate about $X of
    /// longs, estimated", and where the snapshot holds realized history the calibrated figure
    /// (x the backtest's measured scale, `calibrated_usd`) beside it.
    #[serde(default)]
    pub fuel: String,
    /// `usd` x the fuel test's scale of the zone's side (realized USD per USD the map showed
    /// crossed); `None` without realized history, or too little of it.
    #[serde(default)]
    pub calibrated_usd: Option<f64>,
    /// Which odds `touch_probability` is: `distance-only` (the model alone, the default) or
    /// `lift-adjusted` (times `calibration_lift`, only when that beat the model alone
    /// walk-forward on the snapshot's backtest: `backtest::odds::printed`). `None` when there is
    /// no touch probability.
    #[serde(default)]
    pub odds_model: Option<String>,
    /// `touch_probability` as the report prints it: `35 %`, or at the bounds the data supports
    /// (`>97 %`, `<3 %` for 37 steps: `backtest::odds::clamp`). `None` when there is no touch
    /// probability.
    #[serde(default)]
    pub touch_display: Option<String>,
}

/// Past zones of the same letter and side at a similar distance, over the backtested history.
pub use crate::engine::backtest::odds::TrackRecord;

/// The backtest behind the odds: the zones `liqshot zones` would have printed at every step of
/// the snapshot's history (data up to the step only), scored against levels at the same
/// distance (`liqshot backtest`, `liqshot-backtest/1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Whether the history was long enough to backtest; when false the numbers below are
    /// `0` / `null` and `headline` says what was missing.
    pub tested: bool,
    /// One plain sentence: has the liquidation model shown an edge over distance alone on this
    /// history (`Backtest::headline`), or why it could not be tested.
    pub headline: String,
    /// Horizon of the touch probabilities and the backtest, seconds (`--horizon`).
    pub horizon_secs: i64,
    /// The horizon as shown, e.g. `24 h`.
    pub horizon: String,
    /// Time between steps and the history before the first one, seconds.
    pub step_secs: i64,
    pub warmup_secs: i64,
    /// Steps scored, and the distinct UTC days they fell on.
    pub steps: usize,
    pub days: usize,
    /// Zones A and B scored (steps x zones), their touches and the placebo's expectation.
    pub n: usize,
    pub touches: usize,
    pub placebo_expected_touches: f64,
    /// Observed touches / placebo touches of zones A and B, with its 90 % interval.
    pub touch_lift: Option<f64>,
    pub touch_lift_ci90: Option<[f64; 2]>,
    /// Reject rate after a touch / the placebo's, with its 90 % interval.
    pub reaction_lift: Option<f64>,
    pub reaction_lift_ci90: Option<[f64; 2]>,
    /// The backtest's sentence on reversals after a touch (`Summary::verdict`), e.g.
    /// `Reaction lift 0.61 (90 % interval 0.30-1.12; ...): no measurable edge over distance alone.`
    #[serde(default)]
    pub reaction_verdict: Option<String>,
    /// The backtest's fuel verdicts (`fuel.long.verdict`, `fuel.short.verdict`): the map's USD
    /// against realized liquidations; empty without realized history.
    #[serde(default)]
    pub fuel_verdict: Vec<String>,
    /// The evidence in plain words, for readers: one sentence on touches, one on what price
    /// did after a touch, the fuel verdicts (`report::plain`).
    #[serde(default)]
    pub plain: Vec<String>,
    /// The sentence on what price did after a touch, which the plans quote (None untested).
    #[serde(default)]
    pub reaction_plain: Option<String>,
    /// The same in a few words, as the plans cite it.
    #[serde(default)]
    pub fade_short: Option<String>,
    /// The distance-only touch model in words (`--odds-model`): `empirical distribution of
    /// trailing maxima` or `random walk, reflection principle`; empty when not tested.
    #[serde(default)]
    pub odds_model_name: String,
}

impl Default for Evidence {
    /// Not tested (what a file written before the field reads as).
    fn default() -> Self {
        Evidence {
            tested: false,
            headline: String::new(),
            horizon_secs: 0,
            horizon: String::new(),
            step_secs: 0,
            warmup_secs: 0,
            steps: 0,
            days: 0,
            n: 0,
            touches: 0,
            placebo_expected_touches: 0.0,
            touch_lift: None,
            touch_lift_ci90: None,
            reaction_lift: None,
            reaction_lift_ci90: None,
            reaction_verdict: None,
            fuel_verdict: Vec::new(),
            plain: Vec::new(),
            reaction_plain: None,
            fade_short: None,
            odds_model_name: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Positioning {
    /// Open interest (summed over venues, USD) change over 24 h to each venue's last sample, %.
    pub oi_change_24h_pct: Option<f64>,
    /// The change from the window's start to the last sample, %; `None` when the window is
    /// 24 h (the 24 h figure says it) or the data does not reach the window's start.
    pub oi_change_window_pct: Option<f64>,
    /// Change over 4 h and 7 d, same rule (None when the data is shorter).
    #[serde(default)]
    pub oi_change_4h_pct: Option<f64>,
    #[serde(default)]
    pub oi_change_7d_pct: Option<f64>,
    /// The one open-interest verdict every section uses: `rising`, `flat` or `falling` (24 h
    /// change beyond ± `oi_flat_band_pct`); `unknown` when the data does not reach back 24 h.
    pub oi_trend: OiTrend,
    pub oi_flat_band_pct: f64,
    /// Latest funding rate as an 8-hour equivalent (0.0001 = 0.01 % per 8 h), mean over the
    /// venues that report funding, each converted from its own period. The one funding unit
    /// of the report.
    pub funding_rate_8h: Option<f64>,
    /// Where the rates came from and their period, said once: e.g. `Binance, every 8 h` or
    /// `oi.csv, period not stated (read as 8 h)`; empty without funding.
    pub funding_periods: String,
    /// The one funding verdict every section uses (`positioning::funding_verdict`):
    /// `neutral` (within `funding_neutral_band` of the 0.01 % per 8 h base rate),
    /// `longs paying up`, `shorts paying`, `unknown`.
    pub funding_bias: FundingBias,
    /// The verdict in one sentence, the same wherever funding is mentioned.
    #[serde(default)]
    pub funding_reading: String,
    pub funding_extreme: bool,
    /// |rate| at or above this per 8 h is "extreme".
    pub funding_extreme_threshold: f64,
    /// The usual base rate (0.0001 = 0.01 % per 8 h) and the half-width of the neutral band
    /// around it.
    #[serde(default)]
    pub funding_base_8h: f64,
    #[serde(default)]
    pub funding_neutral_band: f64,
    /// The latest rate's percentile (0..100) among the snapshot's own funding samples (None
    /// with fewer than 10).
    #[serde(default)]
    pub funding_percentile: Option<f64>,
    /// The rate annualised, % per year (8 h rate x 3 x 365).
    #[serde(default)]
    pub funding_annualised_pct: Option<f64>,
    /// Estimated liquidation notional within `asymmetry_band_pct` of price, above and below.
    pub liq_above_usd: f64,
    pub liq_below_usd: f64,
    pub asymmetry_band_pct: f64,
    /// above / below (None when below is 0).
    pub asymmetry_ratio: Option<f64>,
    /// e.g. `more short liquidations above (1.4x)`.
    pub asymmetry_label: String,
    /// The chart's side totals ("shorts above", "longs below" on the profile panel): estimated
    /// liquidations within ± `chart_band_pct` of price, the zone finder's range.
    pub chart_above_usd: f64,
    pub chart_below_usd: f64,
    pub chart_band_pct: f64,
    /// Volume of the last 24 h vs the 24 h before, %.
    pub volume_change_pct: Option<f64>,
    /// `expanding`, `contracting`, `steady` or `unknown`.
    pub volume_trend: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Structure {
    /// How the timeframes were made, e.g. `1h and 4h candles resampled from binance 5m
    /// candles (UTC buckets; the still-forming last 1h and 4h candles left out)`.
    pub source: String,
    /// Timeframe of the trend read: `4h` (resampled), or the snapshot's interval when that is
    /// not a divisor of 4 h.
    pub trend_interval: String,
    /// Period of the trend EMA, in `trend_interval` candles.
    pub ema_period: usize,
    /// EMA of the `trend_interval` closes (None with fewer than `ema_period` candles).
    pub ema: Option<f64>,
    /// `uptrend`, `downtrend` or `range`: the last `trend_interval` close vs the EMA and the
    /// `trend_interval` swing pattern.
    pub trend: Trend,
    /// Pattern of the last two `trend_interval` swing highs and lows, e.g. `higher highs and
    /// higher lows`.
    pub swing_pattern: String,
    /// Timeframe of support / resistance, sweep and RSI: `1h` (resampled), or the snapshot's
    /// interval when that is longer or not a divisor of 1 h.
    pub levels_interval: String,
    /// Nearest `levels_interval` swing low below price and swing high above price.
    pub support: Option<f64>,
    pub resistance: Option<f64>,
    /// Nearest `trend_interval` swing low below price and swing high above price: the
    /// higher-timeframe levels.
    pub major_support: Option<f64>,
    pub major_resistance: Option<f64>,
    /// e.g. `swept the prior high 107,120 and closed back below` (None if no sweep).
    pub sweep: Option<String>,
    /// RSI 14 of `levels_interval` closes.
    pub rsi14: Option<f64>,
    /// `overbought` (>= 70), `oversold` (<= 30) or `neutral`; `unknown` with fewer than 15 candles.
    pub rsi_label: String,
    /// Cumulative volume delta over the window in base units (None without taker volume).
    pub cvd: Option<f64>,
    pub cvd_label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZonePlan {
    /// Zone name and side, e.g. `A` / `above`.
    pub zone: ZoneName,
    pub side: Where,
    /// `tap and reject`, `tap and continue`, `front-run` or `ignore`.
    pub reaction: PlanReaction,
    /// `short`, `long` or `none` (`ignore`): tap and reject / front-run fade the zone (short
    /// above, long below); tap and continue trades the break (long above, short below).
    pub direction: Direction,
    /// Where to be alerted: the near edge, rounded to the tick.
    pub alert: f64,
    /// The entry level (None for `ignore`): the near edge for a fade, the far edge for a break.
    pub entry: Option<f64>,
    /// The entry in words, e.g. `a 5m close back below 107,398 after tagging the zone`.
    pub entry_condition: String,
    /// Where the plan is wrong: beyond the far edge for a fade, back inside the zone for a
    /// break (None for `ignore`).
    pub stop: Option<f64>,
    /// The first target: structure or the next cluster, at least the risk away (None when no
    /// sensible target exists: `target_note` says so, or for `ignore`).
    pub take_profit: Option<f64>,
    /// What the target is (`1h swing support`, `zone B near edge`) or why there is none.
    pub target_note: String,
    /// Why the inputs favour that reaction, with the evidence or the lack of it.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenarios {
    pub bullish: String,
    pub bearish: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    /// `range breakout`, `open interest shock`, `funding extreme`, ...
    pub name: String,
    pub description: String,
    /// Since the previous report; None when no `--previous` was given.
    pub fired: Option<bool>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// File names relative to the report (`heatmap.png`, `heatmap.svg`).
    pub png: String,
    pub svg: String,
    /// `--image-base-url` + png, for e-mail.
    pub url: Option<String>,
    pub alt: String,
    pub width: u32,
    pub height: u32,
    /// The same chart at the `square` preset, which the HTML shows below 600 px (phones).
    #[serde(default)]
    pub small: Option<SmallImage>,
}

/// The chart for narrow screens, written beside the full one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmallImage {
    /// File name relative to the report (`heatmap-square.png`).
    pub png: String,
    /// `--image-base-url` + png, for e-mail.
    pub url: Option<String>,
    pub width: u32,
    pub height: u32,
}

/// The bigger picture, from the snapshot's own candles (resampled to days and weeks), open
/// interest, funding and realized liquidations. Each read says what it was made from; a read
/// the snapshot is too short for is `None` and `notes` says so.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    /// How the daily and weekly candles were made, e.g. `daily and weekly candles resampled
    /// from 5m candles (UTC days, ISO weeks from Monday)`.
    pub source: String,
    /// Completed UTC days in the snapshot.
    pub days: usize,
    /// `up`, `down` or `sideways`: the last completed daily close against the close 5 days
    /// before and the 10-day mean (`context::DAILY_LOOKBACK`); None with fewer than 6 days.
    pub daily_trend: Option<String>,
    /// The daily trend in words, with its figures.
    pub daily_detail: Option<String>,
    /// `up`, `down` or `flat`: the last close against the close a week before (±1 %); None
    /// with less than 7 days.
    pub weekly_direction: Option<String>,
    pub weekly_change_pct: Option<f64>,
    /// The previous completed UTC day's high and low.
    pub prior_day_high: Option<f64>,
    pub prior_day_low: Option<f64>,
    /// The previous completed week's (Monday to Sunday, UTC) high and low.
    pub prior_week_high: Option<f64>,
    pub prior_week_low: Option<f64>,
    /// Realized liquidations of the last 24 h where the snapshot has them: longs and shorts
    /// liquidated, USD, and where from.
    pub realized_24h_long_usd: Option<f64>,
    pub realized_24h_short_usd: Option<f64>,
    pub realized_source: Option<String>,
    /// What the snapshot is too short for.
    pub notes: Vec<String>,
}
