//! Recalculation triggers: what changed since the previous report (`--previous zones.json`).
//! Without a previous report every trigger is listed with `fired: None`.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::model::fmt;
use crate::model::snapshot::{Candle, MarketSnapshot};
use crate::output::report::model::{
    Trigger, Where, ZoneName, ZoneRow, REPORT_FORMAT, REPORT_FORMAT_V1, REPORT_FORMAT_V2,
};
use crate::output::report::positioning::{self, pct_change};

/// |Open-interest change| at or above this (in %) is a shock.
pub(crate) const OI_SHOCK_PCT: f64 = 5.0;
/// Without a previous zone on a side, the range edge on that side is the previous price ±
/// this (in %).
pub(crate) const FALLBACK_RANGE_PCT: f64 = 3.0;

/// What the triggers need from a previous report (its `zones.json`, i.e. the serialised
/// [`crate::output::report::model::Report`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousZones {
    /// `meta.symbol` (absent in hand-made files).
    pub symbol: Option<String>,
    pub price: f64,
    pub captured_at: DateTime<Utc>,
    pub zones: Vec<ZoneRow>,
    pub oi_change_24h_pct: Option<f64>,
    /// Funding as an 8-hour equivalent (a `liqshot-report/1` file's per-period rate converted
    /// when all its venues share one period, else `None`).
    pub funding_rate_8h: Option<f64>,
    pub funding_extreme: bool,
}

#[derive(Deserialize)]
struct PrevDoc {
    format: Option<String>,
}

#[derive(Deserialize)]
struct PrevMeta {
    #[serde(default)]
    symbol: Option<String>,
    price: f64,
    captured_at: DateTime<Utc>,
    #[serde(default)]
    venues: Vec<String>,
}

#[derive(Deserialize)]
struct PrevPositioning {
    #[serde(default)]
    oi_change_24h_pct: Option<f64>,
    /// `liqshot-report/1`: per funding period.
    #[serde(default)]
    funding_rate: Option<f64>,
    /// `liqshot-report/2`: per 8 h.
    #[serde(default)]
    funding_rate_8h: Option<f64>,
    #[serde(default)]
    funding_extreme: bool,
}

#[derive(Deserialize)]
struct PrevReport {
    meta: PrevMeta,
    zones: Vec<ZoneRow>,
    positioning: PrevPositioning,
}

/// Reads a previous report's `zones.json`: checks `format` is `liqshot-report/2` or the
/// earlier `liqshot-report/1` first (an unknown or missing format is refused with a message
/// naming it), then takes `meta.price`, `meta.captured_at`, `zones` and
/// `positioning.{oi_change_24h_pct, funding_rate_8h, funding_extreme}` (`/1`: `funding_rate`
/// per period, converted to 8 h by `meta.venues`' period when they share one); other fields
/// are ignored.
pub fn previous_from_json(bytes: &[u8]) -> Result<PreviousZones, String> {
    let tag: PrevDoc = serde_json::from_slice(bytes).map_err(|e| format!("previous report is not JSON: {e}"))?;
    let v1 = match tag.format.as_deref() {
        Some(REPORT_FORMAT) | Some(REPORT_FORMAT_V2) => false,
        Some(REPORT_FORMAT_V1) => true,
        Some(other) => {
            return Err(format!("previous report has unknown format {other:?} (this liqshot reads {REPORT_FORMAT:?}, {REPORT_FORMAT_V2:?} and {REPORT_FORMAT_V1:?})"))
        }
        None => return Err(format!("previous report has no \"format\" (expected {REPORT_FORMAT:?})")),
    };
    let doc: PrevReport = serde_json::from_slice(bytes).map_err(|e| format!("previous report: {e}"))?;
    if !(doc.meta.price.is_finite() && doc.meta.price > 0.0) {
        return Err(format!("previous report: meta.price {} is not a positive number", doc.meta.price));
    }
    let funding_rate_8h = if v1 {
        let mut periods = doc.meta.venues.iter().map(|v| crate::model::sources::venue_funding_period_secs(v));
        let first = periods.next();
        match (doc.positioning.funding_rate, first) {
            (Some(r), Some(p)) if periods.all(|q| q == p) => Some(positioning::to_8h(r, p)),
            _ => None,
        }
    } else {
        doc.positioning.funding_rate_8h
    };
    Ok(PreviousZones {
        symbol: doc.meta.symbol,
        price: doc.meta.price,
        captured_at: doc.meta.captured_at,
        // Reports before the two C zones had names of their own call both `C`.
        zones: doc
            .zones
            .into_iter()
            .map(|mut z| {
                z.name = z.name.modern(z.side);
                z
            })
            .collect(),
        oi_change_24h_pct: doc.positioning.oi_change_24h_pct,
        funding_rate_8h,
        funding_extreme: doc.positioning.funding_extreme,
    })
}

/// The current state the triggers compare against the previous report.
pub struct Now<'a> {
    pub snap: &'a MarketSnapshot,
    /// The first venue's candles.
    pub candles: &'a [Candle],
    pub price: f64,
    pub oi_change_24h_pct: Option<f64>,
    pub funding_extreme: bool,
    pub funding_rate_8h: Option<f64>,
}

/// The previous range: (lower edge, upper edge, how each was chosen). Upper = the far edge
/// (`high`) of the previous zone A above, lower = the far edge (`low`) of the previous zone B
/// below; a missing side falls back to the previous price ± [`FALLBACK_RANGE_PCT`].
pub(crate) fn previous_range(prev: &PreviousZones) -> (f64, f64, String) {
    let get = |name: ZoneName, side: Where| prev.zones.iter().find(|z| z.name == name && z.side == side);
    let (hi, hi_from) = match get(ZoneName::A, Where::Above) {
        Some(a) => (a.high, "zone A high".to_string()),
        None => (prev.price * (1.0 + FALLBACK_RANGE_PCT / 100.0), format!("previous price +{FALLBACK_RANGE_PCT}%")),
    };
    let (lo, lo_from) = match get(ZoneName::B, Where::Below) {
        Some(b) => (b.low, "zone B low".to_string()),
        None => (prev.price * (1.0 - FALLBACK_RANGE_PCT / 100.0), format!("previous price -{FALLBACK_RANGE_PCT}%")),
    };
    (lo, hi, format!("{lo_from} to {hi_from}"))
}

/// Range breakout: fires when the current price is outside the previous range
/// ([`previous_range`]): through the whole of the previous zone A or B.
pub(crate) fn range_breakout(prev: Option<&PreviousZones>, price: f64) -> Trigger {
    let description = "Price leaves the previous report's range (beyond the far edge of zone A or zone B): the map has moved, recalculate.".to_string();
    let Some(prev) = prev else {
        return Trigger {
            name: "range breakout".into(),
            description,
            fired: None,
            detail: "no previous report given".into(),
        };
    };
    let (lo, hi, from) = previous_range(prev);
    let (fired, detail) = if price > hi {
        (
            true,
            format!(
                "price {} is above the previous range {}–{} ({from})",
                fmt::price(price),
                fmt::price(lo),
                fmt::price(hi)
            ),
        )
    } else if price < lo {
        (
            true,
            format!(
                "price {} is below the previous range {}–{} ({from})",
                fmt::price(price),
                fmt::price(lo),
                fmt::price(hi)
            ),
        )
    } else {
        (
            false,
            format!(
                "price {} is inside the previous range {}–{} ({from})",
                fmt::price(price),
                fmt::price(lo),
                fmt::price(hi)
            ),
        )
    };
    Trigger { name: "range breakout".into(), description, fired: Some(fired), detail }
}

/// Zone tagged: fires when a candle since the previous capture traded into a previous zone
/// (high at or above a zone above's `low`, or low at or below a zone below's `high`).
pub(crate) fn zone_tagged(prev: Option<&PreviousZones>, candles: &[Candle]) -> Trigger {
    let description =
        "Price trades into a zone of the previous report: its liquidations have likely been taken; recalculate."
            .to_string();
    let Some(prev) = prev else {
        return Trigger {
            name: "zone tagged".into(),
            description,
            fired: None,
            detail: "no previous report given".into(),
        };
    };
    let since: Vec<&Candle> = candles.iter().filter(|c| c.open_time >= prev.captured_at).collect();
    let tagged: Vec<String> = prev
        .zones
        .iter()
        .filter(|z| since.iter().any(|c| if z.side == Where::Above { c.high >= z.low } else { c.low <= z.high }))
        .map(|z| format!("{} {} ({}–{})", z.name, z.side, fmt::price(z.low), fmt::price(z.high)))
        .collect();
    let detail = if since.is_empty() {
        "no candles since the previous report".to_string()
    } else if tagged.is_empty() {
        format!("no previous zone reached in {} candles since the previous report", since.len())
    } else {
        format!("tagged since the previous report: {}", tagged.join(", "))
    };
    Trigger { name: "zone tagged".into(), description, fired: Some(!tagged.is_empty()), detail }
}

/// Open-interest shock: fires when |OI change since the previous capture| >= [`OI_SHOCK_PCT`].
/// The previous total OI is read from this snapshot's own OI history at the previous capture
/// time; when that time is outside the sampled range, the 24 h change is used instead and the
/// detail says "over 24 h".
pub(crate) fn oi_shock(prev: Option<&PreviousZones>, now: &Now) -> Trigger {
    let description = format!(
        "Open interest moves {OI_SHOCK_PCT}% or more: positioning has changed, the estimate needs fresh levels."
    );
    let Some(prev) = prev else {
        return Trigger {
            name: "open interest shock".into(),
            description,
            fired: None,
            detail: "no previous report given".into(),
        };
    };
    let (latest, _, _) = positioning::oi_changes(now.snap, prev.captured_at);
    let since_prev =
        positioning::oi_total_at(now.snap, prev.captured_at).zip(latest).and_then(|(then, now)| pct_change(then, now));
    let (change, span) = match since_prev {
        Some(c) => (Some(c), "since the previous report"),
        None => (now.oi_change_24h_pct, "over 24 h (the previous capture is outside the open-interest data)"),
    };
    let (fired, detail) = match change {
        Some(c) => (c.abs() >= OI_SHOCK_PCT, format!("open interest {} {span}", fmt::pct(c))),
        None => (false, "open-interest change unknown".to_string()),
    };
    Trigger { name: "open interest shock".into(), description, fired: Some(fired), detail }
}

/// Funding extreme: fires when funding is extreme now and was not in the previous report.
pub fn funding_extreme(prev: Option<&PreviousZones>, now: &Now) -> Trigger {
    let description = format!(
        "Funding turns extreme (|rate| at or above {} per 8 h): one side is crowded.",
        crate::output::report::filters::rate(positioning::FUNDING_EXTREME_8H)
    );
    let Some(prev) = prev else {
        return Trigger {
            name: "funding extreme".into(),
            description,
            fired: None,
            detail: "no previous report given".into(),
        };
    };
    let rate = crate::output::report::filters::rate;
    let now_text = match now.funding_rate_8h {
        Some(r) => format!("{} per 8 h ({})", rate(r), if now.funding_extreme { "extreme" } else { "not extreme" }),
        None => "unknown".into(),
    };
    let prev_text = format!(
        "{}{}",
        prev.funding_rate_8h.map(|r| format!("{} per 8 h, ", rate(r))).unwrap_or_default(),
        if prev.funding_extreme { "extreme" } else { "not extreme" }
    );
    let fired = now.funding_extreme && !prev.funding_extreme;
    Trigger {
        name: "funding extreme".into(),
        description,
        fired: Some(fired),
        detail: format!("funding now {now_text}; previous report {prev_text}"),
    }
}

/// All triggers, in a fixed order.
pub fn triggers(prev: Option<&PreviousZones>, now: &Now) -> Vec<Trigger> {
    vec![
        range_breakout(prev, now.price),
        zone_tagged(prev, now.candles),
        oi_shock(prev, now),
        funding_extreme(prev, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn prev(zones: Vec<ZoneRow>) -> PreviousZones {
        PreviousZones {
            symbol: None,
            price: 100.0,
            captured_at: Utc.with_ymd_and_hms(2025, 11, 1, 0, 0, 0).unwrap(),
            zones,
            oi_change_24h_pct: None,
            funding_rate_8h: None,
            funding_extreme: false,
        }
    }

    fn z(name: &str, side: &str, low: f64, high: f64) -> ZoneRow {
        ZoneRow {
            name: name.into(),
            side: side.into(),
            liquidates: "x".into(),
            low,
            high,
            peak: low,
            usd: 1.0,
            distance_pct: 0.0,
            edge_distance_pct: 0.0,
            share_in_band: Some(0.5),
            touch_probability: None,
            model_probability: None,
            calibration_lift: None,
            track_record: None,
            odds_note: None,
            fuel: String::new(),
            calibrated_usd: None,
            odds_model: None,
            touch_display: None,
        }
    }

    #[test]
    fn a_format_1_previous_report_is_still_read() {
        // liqshot-report/1: zones with `share_of_side`, funding per period.
        let v1 = r#"{"format":"liqshot-report/1","meta":{"price":100.0,"captured_at":"2025-11-01T00:00:00Z","venues":["hyperliquid"]},
            "zones":[{"name":"A","side":"above","liquidates":"shorts","low":101.0,"high":102.0,"peak":101.5,"usd":1.0,
            "distance_pct":1.5,"edge_distance_pct":1.0,"share_of_side":0.03}],
            "positioning":{"oi_change_24h_pct":1.0,"funding_rate":0.0001,"funding_extreme":true}}"#;
        let p = previous_from_json(v1.as_bytes()).unwrap();
        assert_eq!((p.zones.len(), p.zones[0].share_in_band), (1, None));
        assert!((p.funding_rate_8h.unwrap() - 0.0008).abs() < 1e-15, "hourly rate converted: {p:?}");
        // Mixed periods cannot be converted from a mean per-period rate.
        let mixed = v1.replace(r#"["hyperliquid"]"#, r#"["hyperliquid","binance"]"#);
        assert_eq!(previous_from_json(mixed.as_bytes()).unwrap().funding_rate_8h, None);
        let v2 =
            v1.replace("liqshot-report/1", "liqshot-report/2").replace(r#""funding_rate":"#, r#""funding_rate_8h":"#);
        assert_eq!(previous_from_json(v2.as_bytes()).unwrap().funding_rate_8h, Some(0.0001));
    }

    #[test]
    fn breakout_needs_the_far_edge() {
        let p = prev(vec![z("A", "above", 101.0, 102.0), z("B", "below", 97.0, 98.0)]);
        assert_eq!(range_breakout(None, 100.0).fired, None);
        assert_eq!(range_breakout(Some(&p), 101.5).fired, Some(false));
        let t = range_breakout(Some(&p), 102.5);
        assert_eq!(t.fired, Some(true));
        assert!(
            t.detail.contains("above the previous range 97.000–102.00 (zone B low to zone A high)"),
            "{}",
            t.detail
        );
        assert_eq!(range_breakout(Some(&p), 96.0).fired, Some(true));
        // Without zones: previous price ± 3 %.
        let bare = prev(vec![]);
        assert_eq!(range_breakout(Some(&bare), 102.9).fired, Some(false));
        assert_eq!(range_breakout(Some(&bare), 103.1).fired, Some(true));
    }

    #[test]
    fn zone_tagged_by_later_candles_only() {
        let p = prev(vec![z("A", "above", 101.0, 102.0)]);
        let t0 = p.captured_at;
        let mk = |mins: i64, high: f64| Candle {
            open_time: t0 + chrono::Duration::minutes(mins),
            open: 100.0,
            high,
            low: 99.0,
            close: 100.0,
            volume: 1.0,
            taker_buy_volume: None,
        };
        assert_eq!(zone_tagged(Some(&p), &[mk(-5, 101.5), mk(0, 100.5)]).fired, Some(false));
        let t = zone_tagged(Some(&p), &[mk(-5, 100.0), mk(5, 101.2)]);
        assert_eq!(t.fired, Some(true));
        assert!(t.detail.contains("A above (101.00–102.00)"), "{}", t.detail);
        assert_eq!(zone_tagged(None, &[]).fired, None);
    }
}
