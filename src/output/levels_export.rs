//! `liqshot levels` as files: the bands of [`crate::engine::levels`] as CSV and JSON
//! (`liqshot-levels/1`), with per-leverage and per-venue columns from
//! [`crate::engine::breakdown`]. Pure: levels in, bytes out.

use serde::Serialize;

use crate::engine::breakdown::{Breakdown, By};
use crate::engine::levels::{Band, Levels, BAND_WIDTH, MAX_DISTANCE};

/// The value of the `format` field of the levels JSON.
pub(crate) const LEVELS_FORMAT: &str = "liqshot-levels/1";

/// A number as CSV/JSON text: prices to 0.01 or 6 significant digits (whichever is finer),
/// USD to the cent. Shortest round-trip form, so CSV and JSON carry the same values.
fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

fn price_decimals(p: f64) -> i32 {
    let mag = if p > 0.0 { p.log10().floor() as i32 } else { 0 };
    (5 - mag).max(2)
}

fn rounded(l: &Levels) -> Vec<Band> {
    let d = price_decimals(l.price);
    l.bands
        .iter()
        .map(|b| Band {
            price_low: round_to(b.price_low, d),
            price_high: round_to(b.price_high, d),
            long_usd: round_to(b.long_usd, 2),
            short_usd: round_to(b.short_usd, 2),
        })
        .collect()
}

/// A part's name as a CSV column suffix: lower case, letters, digits, `.` and `_` only.
fn column_suffix(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c.to_ascii_lowercase() } else { '_' }).collect()
}

/// CSV: a header `price_low,price_high,long_usd,short_usd` and one row per band, lowest first,
/// plus, for each breakdown of `by` (e.g. by leverage, then by venue), two columns
/// per part after the four: `long_usd_5x,short_usd_5x,...,long_usd_binance,short_usd_binance`.
pub fn to_csv_by(l: &Levels, by: &[Breakdown]) -> Vec<u8> {
    let mut out = String::from("price_low,price_high,long_usd,short_usd");
    for b in by {
        for n in &b.names {
            let n = column_suffix(n);
            out += &format!(",long_usd_{n},short_usd_{n}");
        }
    }
    out.push('\n');
    let parts: Vec<Vec<Band>> = by.iter().flat_map(|b| b.parts.iter().map(rounded)).collect();
    for (i, b) in rounded(l).into_iter().enumerate() {
        out += &format!("{},{},{},{}", b.price_low, b.price_high, b.long_usd, b.short_usd);
        for p in &parts {
            let (lu, su) = p.get(i).map_or((0.0, 0.0), |x| (x.long_usd, x.short_usd));
            out += &format!(",{lu},{su}");
        }
        out.push('\n');
    }
    out.into_bytes()
}

/// What the JSON says about where the bands came from.
#[derive(Debug, Clone, Serialize)]
pub struct LevelsMeta {
    pub symbol: String,
    pub venues: Vec<String>,
    /// RFC 3339, UTC.
    pub captured_at: String,
    /// The leverage mix the estimate used, as the chart's caption says it.
    pub leverage_mix: String,
}

/// A band of the JSON: the CSV's columns, then the parts' USD in the order of the document's
/// `leverage_tiers` and `venues`.
#[derive(Serialize)]
struct JsonBand {
    #[serde(flatten)]
    band: Band,
    #[serde(skip_serializing_if = "Option::is_none")]
    long_by_leverage: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    short_by_leverage: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    long_by_venue: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    short_by_venue: Option<Vec<f64>>,
}

#[derive(Serialize)]
struct LevelsDoc<'a> {
    format: &'static str,
    estimated: bool,
    #[serde(flatten)]
    meta: &'a LevelsMeta,
    price: f64,
    band_width_pct: f64,
    max_distance_pct: f64,
    shorts_above_usd: f64,
    longs_below_usd: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    leverage_tiers: Option<Vec<String>>,
    bands: Vec<JsonBand>,
}

/// JSON (`liqshot-levels/1`): the bands as objects with the CSV's columns, plus the price,
/// the totals and where the estimate came from.
pub fn to_json(l: &Levels, meta: &LevelsMeta) -> Vec<u8> {
    to_json_by(l, meta, &[])
}

/// [`to_json`] plus the breakdowns `by`: a leverage breakdown adds `leverage_tiers` (the part
/// names) and per band `long_by_leverage`/`short_by_leverage` (USD per tier, in that order); a
/// venue breakdown adds per band `long_by_venue`/`short_by_venue` (in the order of `venues`).
pub fn to_json_by(l: &Levels, meta: &LevelsMeta, by: &[Breakdown]) -> Vec<u8> {
    let part = |which: By| by.iter().find(|b| b.by == which).map(|b| b.parts.iter().map(rounded).collect::<Vec<_>>());
    let (lev, ven) = (part(By::Leverage), part(By::Venue));
    let col = |parts: &Option<Vec<Vec<Band>>>, i: usize, long: bool| {
        parts.as_ref().map(|ps| {
            ps.iter().map(|p| p.get(i).map_or(0.0, |b| if long { b.long_usd } else { b.short_usd })).collect()
        })
    };
    let bands = rounded(l)
        .into_iter()
        .enumerate()
        .map(|(i, band)| JsonBand {
            band,
            long_by_leverage: col(&lev, i, true),
            short_by_leverage: col(&lev, i, false),
            long_by_venue: col(&ven, i, true),
            short_by_venue: col(&ven, i, false),
        })
        .collect();
    let doc = LevelsDoc {
        format: LEVELS_FORMAT,
        estimated: true,
        meta,
        price: l.price,
        band_width_pct: BAND_WIDTH * 100.0,
        max_distance_pct: MAX_DISTANCE * 100.0,
        shorts_above_usd: round_to(l.shorts_above(), 2),
        longs_below_usd: round_to(l.longs_below(), 2),
        leverage_tiers: by.iter().find(|b| b.by == By::Leverage).map(|b| b.names.clone()),
        bands,
    };
    let mut v = serde_json::to_vec_pretty(&doc).expect("levels serialise");
    v.push(b'\n');
    v
}
