//! `liqshot zones` output: a text table and a versioned JSON document.

use serde::Serialize;

use crate::engine::measured::{self, MeasuredSummary};
use crate::engine::pipeline::Analysis;
use crate::engine::zones::Zone;
use crate::model::fmt;
use crate::model::snapshot::MarketSnapshot;

/// The value of the `format` field of the zones JSON.
pub(crate) const ZONES_FORMAT: &str = "liqshot-zones/1";

#[derive(Serialize)]
struct VenueDoc<'a> {
    venue: &'a str,
    leverage_mix: String,
    maintenance_rate: f64,
    long_short_split: &'static str,
    alive_long_usd: f64,
    alive_short_usd: f64,
}

#[derive(Serialize)]
struct ZonesDoc<'a> {
    format: &'static str,
    estimated: bool,
    symbol: &'a str,
    venues: Vec<VenueDoc<'a>>,
    captured_at: String,
    price: f64,
    above_usd: f64,
    below_usd: f64,
    /// The rule that found the zones (`v2`, or `v1` with `--zone-rule v1`).
    zone_rule: &'static str,
    /// v2: the reach zone C is chosen within, % of price.
    #[serde(skip_serializing_if = "Option::is_none")]
    reach_pct: Option<f64>,
    zones: &'a [Zone],
    /// v2: dense shelves within the reach that carry no letter, nearest first per side.
    other: &'a [Zone],
    /// Clusters beyond the reach (not labelled on the chart), nearest first per side.
    far: &'a [Zone],
    /// Measured Hyperliquid positions and the model check against them (with `--hl-accounts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    measured: Option<&'a MeasuredSummary>,
}

/// The zones as pretty JSON (see docs/formats.md, "zones JSON").
pub fn to_json(snap: &MarketSnapshot, a: &Analysis, m: Option<&MeasuredSummary>) -> Vec<u8> {
    let venues = a
        .estimate
        .venues
        .iter()
        .map(|v| VenueDoc {
            venue: &v.venue,
            leverage_mix: v.mix.describe(),
            maintenance_rate: v.mmr,
            long_short_split: if v.taker_split { "taker-buy share" } else { "candle-body fallback" },
            alive_long_usd: v.alive_long_usd,
            alive_short_usd: v.alive_short_usd,
        })
        .collect();
    let doc = ZonesDoc {
        format: ZONES_FORMAT,
        estimated: true,
        symbol: &snap.symbol,
        venues,
        captured_at: snap.captured_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        price: a.zones.price,
        above_usd: a.zones.above_usd,
        below_usd: a.zones.below_usd,
        zone_rule: a.zones.rule.as_str(),
        reach_pct: a.zones.reach_pct,
        zones: &a.zones.zones,
        other: &a.zones.other,
        far: &a.zones.far,
        measured: m,
    };
    let mut v = serde_json::to_vec_pretty(&doc).expect("zones serialise");
    v.push(b'\n');
    v
}

/// A plain-text table of the zones.
pub fn to_text(snap: &MarketSnapshot, a: &Analysis, m: Option<&MeasuredSummary>) -> String {
    let mut out = zones_text(snap, a);
    if let Some(m) = m {
        out += &measured::to_text(m);
    }
    out
}

fn zones_text(snap: &MarketSnapshot, a: &Analysis) -> String {
    let z = &a.zones;
    let mut out = format!(
        "{} {} at {} UTC, price {} (estimated liquidation zones)\n",
        snap.symbol,
        crate::model::sources::venue_label(snap),
        snap.captured_at.format("%Y-%m-%d %H:%M"),
        fmt::price(z.price)
    );
    out += &format!(
        "estimated shorts above: {}   longs below: {}   (within ±25 % of price)\n",
        fmt::usd(z.above_usd),
        fmt::usd(z.below_usd)
    );
    if z.zones.is_empty() {
        out += "no dense cluster found on either side\n";
        return out;
    }
    out += &match z.reach_pct {
        Some(r) => format!("zone rule v2: whole shelves; C = the most fuel within the reach of ±{r:.1} % (3 daily sigmas, at least 8 %)\n"),
        None => "zone rule v1: C = the densest cluster within the 24 h chart's price range\n".into(),
    };
    out +=
        "zone     side   liquidates  range                      peak          size      edge dist  peak dist  share\n";
    for zone in &z.zones {
        out += &row(zone);
    }
    if !z.other.is_empty() {
        out += "other dense shelves within the reach (no letter):\n";
        for zone in &z.other {
            out += &row(zone);
        }
    }
    if !z.far.is_empty() {
        out += "farther shelves (beyond the reach, not labelled on the chart):\n";
        for zone in &z.far {
            out += &row(zone);
        }
    }
    out
}

fn row(zone: &Zone) -> String {
    let range = format!("{} – {}", fmt::price(zone.low), fmt::price(zone.high));
    format!(
        "{:<8} {:<6} {:<11} {:<26} {:<13} {:<9} {:<10} {:<10} {:.0}%\n",
        zone.name,
        format!("{:?}", zone.side).to_lowercase(),
        zone.liquidates,
        range,
        fmt::price(zone.peak),
        fmt::usd(zone.usd),
        fmt::pct(zone.edge_distance_pct),
        fmt::pct(zone.distance_pct),
        zone.share_of_side * 100.0
    )
}
