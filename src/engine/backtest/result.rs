//! The whole result of a backtest (`liqshot-backtest/1`): the options, the figures of every
//! part and the sections of `realized` and `fuel`. Above the parts it holds; none of them
//! refers to it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::fuel::Fuel;
use super::realized::Realized;
use super::types::{FirstTouch, OddsModel, Summary, ZoneOutcome};
use crate::engine::measured::MeasuredSummary;
use crate::engine::zones::ZoneName;

/// Format tag of `liqshot backtest --json`.
pub const FORMAT: &str = "liqshot-backtest/1";

/// The whole result: `liqshot backtest --json` serialises this.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    pub format: &'static str,
    pub symbol: String,
    pub venues: String,
    pub interval: String,
    pub data_from: DateTime<Utc>,
    pub data_to: DateTime<Utc>,
    pub step_secs: i64,
    pub horizon_secs: i64,
    pub warmup_secs: i64,
    pub lookback_secs: Option<i64>,
    pub reaction_move: f64,
    pub reaction_secs: i64,
    pub vol_window_secs: i64,
    pub resamples: usize,
    pub seed: u64,
    /// The distance-only model of `model_probability` (`--odds-model`).
    pub odds_model: OddsModel,
    pub steps: usize,
    /// Zones A and B together.
    pub overall: Summary,
    /// Per letter: `A`, `B`, `C above`, `C below`.
    pub zones: BTreeMap<ZoneName, Summary>,
    /// One plain sentence: has the model shown an edge over distance alone on this history?
    pub headline: String,
    /// Caveats of these options on this data, one sentence each (empty when there is none):
    /// a reaction window no longer than a candle (reactions can then only be continue or
    /// neither), gaps in the price path.
    pub notes: Vec<String>,
    pub outcomes: Vec<ZoneOutcome>,
    pub first_touches: Vec<FirstTouch>,
    /// The map against realized liquidations ([`super::realized`]); `None` (JSON null) when
    /// the snapshot holds none.
    pub realized: Option<Realized>,
    /// The map as fuel against realized period totals ([`super::fuel`]); `None` (JSON null)
    /// when the snapshot holds no realized liquidations.
    pub fuel: Option<Fuel>,
    /// The model against measured Hyperliquid positions at the snapshot's end (the `measured`
    /// section of `liqshot zones --json`, on the zones of the whole snapshot); `None` (JSON
    /// null) when the snapshot holds none. Measured positions exist only at capture time, so
    /// no step before it is scored against them.
    pub measured: Option<MeasuredSummary>,
}
