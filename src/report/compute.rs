//! TEMPORARY stub of the report computations (branch `report-calc` replaces this file): the
//! signature the CLI is written against, returning a filled sample so the report pipeline can
//! be run end to end before the real computations land.

use super::model::{self, *};
use crate::pipeline::Analysis;
use crate::snapshot::MarketSnapshot;

/// Everything the computations read.
pub struct ReportInputs<'a> {
    pub snap: &'a MarketSnapshot,
    pub analysis: &'a Analysis,
    pub window_secs: i64,
    pub events: Vec<String>,
    pub previous: Option<PreviousZones>,
    pub image: model::Image,
}

/// The previous report's zones (`--previous zones.json`).
pub struct PreviousZones;

/// Reads a previous `zones.json`.
pub fn previous_from_json(bytes: &[u8]) -> Result<PreviousZones, String> {
    serde_json::from_slice::<Report>(bytes).map(|_| PreviousZones).map_err(|e| e.to_string())
}

/// The stub: a fixed sample with the snapshot's symbol, time and price, the user's events and image.
pub fn compute(inp: &ReportInputs) -> Report {
    let price = inp.analysis.zones.price;
    let t = inp.snap.captured_at;
    let zone = |name: &str, side: &str, f: f64| ZoneRow {
        name: name.into(),
        side: side.into(),
        liquidates: if side == "above" { "shorts" } else { "longs" }.into(),
        low: price * f,
        high: price * (f + 0.004),
        peak: price * (f + 0.002),
        usd: 2.5e8,
        distance_pct: (f + 0.002 - 1.0) * 100.0,
        edge_distance_pct: (f - 1.0) * 100.0,
        share_of_side: 0.04,
    };
    let plan = |z: &ZoneRow| ZonePlan {
        zone: z.name.clone(),
        side: z.side.clone(),
        alert_level: z.low,
        entry_condition: "STUB".into(),
        invalidation: z.high,
        take_profit: price,
        stop: z.high * 1.001,
        reaction: "tap and reject".into(),
        reasons: vec!["STUB".into()],
    };
    let zones = vec![zone("A", "above", 1.01), zone("B", "below", 0.98)];
    Report {
        format: REPORT_FORMAT.into(),
        meta: Meta {
            symbol: inp.snap.symbol.clone(),
            venues: inp.snap.venues.iter().map(|v| v.venue.clone()).collect(),
            captured_at: t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            captured_at_human: t.format("%Y-%m-%d %H:%M UTC").to_string(),
            date: t.format("%Y-%m-%d").to_string(),
            window: crate::fmt::duration(inp.window_secs),
            interval: inp.snap.interval.clone(),
            price,
            change_24h_pct: None,
            notice: "STUB report: estimated levels, not actual positions. Not advice.".into(),
            generator: format!("liqshot {}", env!("CARGO_PKG_VERSION")),
            notes: inp.snap.notes.clone(),
        },
        plans: zones.iter().map(plan).collect(),
        zones,
        positioning: Positioning {
            oi_change_24h_pct: None,
            oi_change_window_pct: None,
            oi_trend: "flat".into(),
            oi_flat_band_pct: 1.0,
            funding_rate: None,
            funding_bias: "unknown".into(),
            funding_extreme: false,
            funding_extreme_threshold: 0.0005,
            liq_above_usd: 0.0,
            liq_below_usd: 0.0,
            asymmetry_band_pct: 3.0,
            asymmetry_ratio: None,
            asymmetry_label: "STUB".into(),
            volume_change_pct: None,
            volume_trend: "unknown".into(),
        },
        structure: Structure {
            interval: inp.snap.interval.clone(),
            ema200: None,
            trend: "range".into(),
            swing_pattern: "STUB".into(),
            support: None,
            resistance: None,
            sweep: None,
            rsi14: None,
            rsi_label: "neutral".into(),
            cvd: None,
            cvd_label: None,
        },
        scenarios: Scenarios { bullish: "STUB".into(), bearish: "STUB".into() },
        events: inp.events.clone(),
        triggers: vec![Trigger {
            name: "range breakout".into(),
            description: "STUB".into(),
            fired: inp.previous.as_ref().map(|_| false),
            detail: "STUB".into(),
        }],
        image: inp.image.clone(),
    }
}
