//! `MarketSnapshot`: the input of every stage, saved as versioned JSON.
//!
//! A snapshot carries its own capture time, so every later stage is a pure
//! function of it. The field-by-field format is documented in `docs/snapshot-format.md`.

// The snapshot's parts checked against each other (names, capture time, grid, amounts).
pub mod consistency;
mod utc;

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Error;
pub use crate::model::side::Side;
use crate::model::tiers::MarginTier;

/// The value of the `format` field this version writes (and reads).
pub const FORMAT: &str = "liqshot-snapshot/2";

/// The previous format, still read: the same fields without `liquidations`. A version-1 file
/// loads as a version-2 snapshot with no realized liquidations.
pub const FORMAT_V1: &str = "liqshot-snapshot/1";

/// Everything the estimator needs for one symbol, from one or more venues.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketSnapshot {
    /// Always [`FORMAT`].
    pub format: String,
    /// Normalised symbol, e.g. `BTCUSDT`.
    pub symbol: String,
    /// When the data was captured (UTC). Stages use this, never the clock.
    pub captured_at: DateTime<Utc>,
    /// Candle interval, e.g. `5m`, `1h` (see [`parse_interval`]).
    pub interval: String,
    /// One entry per venue that contributed. Estimates are made per venue and summed.
    pub venues: Vec<VenueSeries>,
    /// Free-form provenance notes (where the data came from, substitutions made).
    #[serde(default)]
    pub notes: Vec<String>,
    /// Realized liquidations as period totals (e.g. an hourly export over all exchanges), where
    /// known. Optional and additive within format 2 (absent = none known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realized_periods: Option<RealizedPeriods>,
    /// Where the price, open interest and funding came from, as `import` recorded it (absent
    /// in fetched snapshots: their venues name them). Optional and additive within format 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<Sources>,
}

/// Sources recorded by `import` (absent in fetched snapshots, whose venues name them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sources {
    /// The price candles, e.g. `btcusdt-spot-5m.csv` or `bybit (imported from klines.csv)`.
    pub price: String,
    /// The open interest.
    pub open_interest: String,
    /// The funding rates (absent without funding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<String>,
    /// The funding period of the imported rates, seconds: `--funding-period`, or inferred from
    /// how often the rate changes (see `import::funding_period`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding_period_secs: Option<i64>,
    /// Whether `--venue` named the venue (else the venue only selects the margin model).
    #[serde(default)]
    pub venue_named: bool,
}

/// Realized liquidations summed per period: what `import --liquidations` reads from a file of
/// period totals (`long_usd`, `short_usd`), for every venue its source covers together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RealizedPeriods {
    /// The period every row covers, e.g. `1h` (see [`parse_interval`]).
    pub period: String,
    /// Where the totals came from (free text: a file name, which venues).
    #[serde(default)]
    pub source: String,
    /// One row per period, ascending by `start`, at least `period` apart (gaps allowed).
    pub rows: Vec<PeriodTotal>,
}

/// The realized liquidations of one period `[start, start + period)`, per side liquidated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodTotal {
    pub start: DateTime<Utc>,
    /// USD of long positions liquidated in the period.
    pub long_usd: f64,
    /// USD of short positions liquidated in the period.
    pub short_usd: f64,
}

impl RealizedPeriods {
    /// The period in seconds (validated by [`RealizedPeriods::check`]).
    pub fn period_secs(&self) -> i64 {
        parse_interval(&self.period).unwrap_or(3600)
    }

    /// Checks the period, the USD (finite, not negative) and the order (ascending, no two rows
    /// closer than one period). Messages name the row and field:
    /// `realized_periods.rows #3 (2025-08-01 04:00:00 UTC): long_usd -5 is negative or not finite`.
    pub fn check(&self) -> Result<(), String> {
        let Some(p) = parse_interval(&self.period) else {
            return Err(format!("realized_periods.period {:?} is not like 1h, 4h or 1d", self.period));
        };
        for (i, r) in self.rows.iter().enumerate() {
            for (name, x) in [("long_usd", r.long_usd), ("short_usd", r.short_usd)] {
                if !x.is_finite() || x < 0.0 {
                    return Err(format!(
                        "realized_periods.rows #{i} ({}): {name} {x} is negative or not finite",
                        r.start
                    ));
                }
            }
        }
        for (i, w) in self.rows.windows(2).enumerate() {
            let d = (w[1].start - w[0].start).num_seconds();
            if d < p {
                return Err(format!(
                    "realized_periods.rows #{}: start {} is less than one period ({}) after {} (rows must ascend, one per period)",
                    i + 1,
                    w[1].start,
                    self.period,
                    w[0].start
                ));
            }
        }
        Ok(())
    }
}

/// One venue's data for the symbol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VenueSeries {
    /// Venue name: `binance`, `bybit`, `okx`, `hyperliquid`, or another label.
    pub venue: String,
    /// The venue's instrument name, e.g. `BTCUSDT`, `BTC-USDT-SWAP`.
    pub instrument: String,
    /// Closed candles, ascending by `open_time`, no duplicates.
    pub candles: Vec<Candle>,
    /// Open interest, one side, in USD notional; ascending, irregular sampling allowed.
    pub open_interest: Vec<OiPoint>,
    /// Funding rates per funding period (e.g. 0.0001 = 0.01 %), ascending.
    #[serde(default)]
    pub funding: Vec<FundingPoint>,
    /// Mark price at capture time, if known.
    #[serde(default)]
    pub mark_price: Option<f64>,
    /// Price tick size, if known.
    #[serde(default)]
    pub tick_size: Option<f64>,
    /// Maintenance-margin tiers used for liquidation prices, ascending by notional.
    pub margin_tiers: Vec<MarginTier>,
    /// Where `margin_tiers` came from (e.g. `built-in binance default (2026-11)`).
    #[serde(default)]
    pub margin_tiers_source: String,
    /// Free-form notes for this venue (substitutions, fallbacks).
    #[serde(default)]
    pub notes: Vec<String>,
    /// Realized liquidations (force-closed positions) on this venue, where known: sorted by
    /// [`Liquidation::order`], no two equal. Optional (format 2 on; absent = none known).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub liquidations: Vec<Liquidation>,
    /// How many accounts' positions were read (Hyperliquid `--hl-accounts`); absent = none.
    /// Optional and additive within format 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured_accounts: Option<u64>,
    /// The open positions in the symbol of those accounts (one per account), see
    /// [`crate::model::measured`]. Needs `measured_accounts`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measured_positions: Vec<crate::model::measured::MeasuredPosition>,
}

/// One realized liquidation: a position of `side` force-closed at `time`, at `price` (OKX: the
/// bankruptcy price `bkPx`), of `usd` notional.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Liquidation {
    pub time: DateTime<Utc>,
    /// The side that was liquidated: `long` (closed by a sell) or `short` (closed by a buy).
    #[serde(deserialize_with = "liquidated_side")]
    pub side: Side,
    pub price: f64,
    /// Notional in USD (size in coins × price).
    pub usd: f64,
}

/// `"long"` or `"short"`; anything else is an error naming the field.
fn liquidated_side<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Side, D::Error> {
    let s = String::deserialize(d)?;
    match s.as_str() {
        "long" => Ok(Side::Long),
        "short" => Ok(Side::Short),
        _ => Err(serde::de::Error::custom(format!("liquidations: side {s:?} is not \"long\" or \"short\""))),
    }
}

impl Liquidation {
    /// The order of a liquidation series: by time, then side (long first), price and USD. Two
    /// liquidations equal in all four are one event (seen twice: overlapping pages, cache runs).
    pub fn order(&self, other: &Liquidation) -> std::cmp::Ordering {
        let side = |s: Side| matches!(s, Side::Short) as u8;
        self.time
            .cmp(&other.time)
            .then(side(self.side).cmp(&side(other.side)))
            .then(self.price.total_cmp(&other.price))
            .then(self.usd.total_cmp(&other.usd))
    }
}

/// Sorts liquidations by [`Liquidation::order`] and drops repeats (equal in all four fields).
pub fn sort_liquidations(v: &mut Vec<Liquidation>) {
    v.sort_by(Liquidation::order);
    v.dedup_by(|a, b| a.order(b).is_eq());
}

/// The union of two liquidation series, sorted, each event once.
pub fn union_liquidations(a: &[Liquidation], b: &[Liquidation]) -> Vec<Liquidation> {
    let mut all: Vec<Liquidation> = a.iter().chain(b).copied().collect();
    sort_liquidations(&mut all);
    all
}

/// Checks a liquidation series: price and USD finite and positive, sorted by
/// [`Liquidation::order`] with no repeats. The message names the item and field:
/// `liquidations #3 (2025-11-01 00:05:00 UTC): usd -5 is not a positive finite number`.
pub(crate) fn check_liquidations(items: &[Liquidation]) -> Result<(), String> {
    for (i, l) in items.iter().enumerate() {
        for (name, x) in [("price", l.price), ("usd", l.usd)] {
            if !x.is_finite() || x <= 0.0 {
                return Err(format!("liquidations #{i} ({}): {name} {x} is not a positive finite number", l.time));
            }
        }
    }
    for (i, w) in items.windows(2).enumerate() {
        match w[0].order(&w[1]) {
            std::cmp::Ordering::Less => {}
            std::cmp::Ordering::Equal => return Err(format!("liquidations #{}: repeats #{i} ({})", i + 1, w[1].time)),
            std::cmp::Ordering::Greater => {
                return Err(format!(
                    "liquidations #{}: time {} is before {} (must ascend by time, then side, price, usd)",
                    i + 1,
                    w[1].time,
                    w[0].time
                ))
            }
        }
    }
    Ok(())
}

/// One candle. Times are candle open times (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candle {
    #[serde(deserialize_with = "utc::deserialize")]
    pub open_time: DateTime<Utc>,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    /// Volume in base units.
    pub volume: f64,
    /// Taker-buy volume in base units, where the venue reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_buy_volume: Option<f64>,
}

/// One open-interest sample: one-sided USD notional at `time`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OiPoint {
    #[serde(deserialize_with = "utc::deserialize")]
    pub time: DateTime<Utc>,
    pub oi_usd: f64,
}

/// One funding-rate sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingPoint {
    #[serde(deserialize_with = "utc::deserialize")]
    pub time: DateTime<Utc>,
    pub rate: f64,
}

/// Parses an interval such as `1m`, `5m`, `15m`, `1h`, `4h`, `1d` into seconds.
pub fn parse_interval(s: &str) -> Option<i64> {
    let s = s.trim();
    // The unit is the last character (which may be any character in bad input).
    let unit_at = s.char_indices().last()?.0;
    let (num, unit) = s.split_at(unit_at);
    let n: i64 = num.parse().ok().filter(|n| *n > 0)?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    n.checked_mul(mult)
}

pub use crate::model::fmt::format_interval;

/// The longest note kept (see [`MarketSnapshot::clip_notes`]).
pub(crate) const MAX_NOTE_CHARS: usize = 500;

impl MarketSnapshot {
    /// Interval in seconds (validated by [`MarketSnapshot::validate`]).
    pub fn interval_secs(&self) -> i64 {
        parse_interval(&self.interval).unwrap_or(60)
    }

    /// Reads and validates a snapshot file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let bytes = crate::files::input::read_limited(
            path,
            crate::files::input::DATA_MAX,
            crate::files::input::Start::JsonObject,
        )?;
        Self::from_json(&bytes).map_err(|e| e.in_file(path))
    }

    /// Parses and validates snapshot JSON.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        // An unknown version gets a clear error rather than a complaint about some field it
        // renamed: the format tag is read on its own when the whole does not parse (a valid
        // snapshot is parsed once).
        #[derive(Deserialize)]
        struct Tag {
            format: Option<String>,
        }
        let version = |format: Option<&str>| match format {
            Some(FORMAT) => Ok(false),
            Some(FORMAT_V1) => Ok(true),
            Some(other) => Err(Error::Invalid(format!(
                "unknown format {other:?} (this liqshot reads {FORMAT:?} and {FORMAT_V1:?})"
            ))),
            None => Err(Error::Invalid(format!("missing \"format\": {FORMAT:?}"))),
        };
        let (mut snap, v1) = match serde_json::from_slice::<MarketSnapshot>(bytes) {
            Ok(snap) => {
                let v1 = version(Some(&snap.format))?;
                (snap, v1)
            }
            Err(e) => {
                let tag: Tag =
                    serde_json::from_slice(bytes).map_err(|e| Error::Invalid(format!("not snapshot JSON: {e}")))?;
                version(tag.format.as_deref())?;
                return Err(Error::Invalid(e.to_string()));
            }
        };
        if v1 {
            if let Some(v) =
                snap.venues.iter().find(|v| v.measured_accounts.is_some() || !v.measured_positions.is_empty())
            {
                return Err(Error::Invalid(format!(
                    "venue {:?}: measured_positions: not part of {FORMAT_V1:?} (use {FORMAT:?})",
                    v.venue
                )));
            }
            if let Some(v) = snap.venues.iter().find(|v| !v.liquidations.is_empty()) {
                return Err(Error::Invalid(format!(
                    "venue {:?}: liquidations: not part of {FORMAT_V1:?} (use {FORMAT:?})",
                    v.venue
                )));
            }
            if snap.realized_periods.is_some() {
                return Err(Error::Invalid(format!("realized_periods: not part of {FORMAT_V1:?} (use {FORMAT:?})")));
            }
            // Version 1 is version 2 without liquidations: read it as such.
            snap.format = FORMAT.to_string();
        }
        snap.clip_notes();
        snap.validate()?;
        Ok(snap)
    }

    /// Cuts every note (the snapshot's and each venue's) to [`MAX_NOTE_CHARS`] characters: a
    /// note is shown in the chart's caption, the alt text and the report, where a 100,000
    /// character note ran off the image and made 20 MB files.
    pub(crate) fn clip_notes(&mut self) {
        let clip = |n: &mut String| {
            if n.chars().count() > MAX_NOTE_CHARS {
                *n = crate::model::fmt::shorten(n, MAX_NOTE_CHARS);
            }
        };
        self.notes.iter_mut().for_each(clip);
        self.venues.iter_mut().flat_map(|v| v.notes.iter_mut()).for_each(clip);
    }

    /// Serialises to pretty JSON (deterministic: same snapshot, same bytes).
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("snapshot serialises");
        v.push(b'\n');
        v
    }

    /// Checks every invariant the stages rely on.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |msg: String| Err(Error::Invalid(msg));
        if self.format != FORMAT {
            return bad(format!("unknown format {:?} (expected {FORMAT:?})", self.format));
        }
        if self.symbol.trim().is_empty() {
            return bad("symbol is empty".into());
        }
        let step = match parse_interval(&self.interval) {
            Some(s) => s,
            None => return bad(format!("interval {:?} is not like 5m, 1h or 1d", self.interval)),
        };
        if self.venues.is_empty() {
            return bad("venues is empty: a snapshot needs at least one venue".into());
        }
        if let Some(r) = &self.realized_periods {
            r.check().map_err(Error::Invalid)?;
        }
        for v in &self.venues {
            v.validate().map_err(|e| match e {
                Error::Invalid(m) => Error::Invalid(format!("venue {:?}: {m}", v.venue)),
                other => other,
            })?;
        }
        crate::model::snapshot::consistency::check(self, step)
    }

    /// The latest close across venues' last candles (the first venue with candles).
    pub fn last_price(&self) -> f64 {
        self.venues.iter().filter_map(|v| v.candles.last()).map(|c| c.close).next().unwrap_or(f64::NAN)
    }

    /// The snapshot as a live run at `to` would have captured it (pure): candles that closed by
    /// `to` (`open_time + interval <= to`), open-interest and funding samples at or before `to`,
    /// and with `from` only candles opening and samples at or after `from` (a `--lookback`).
    /// Realized liquidations are cut like the samples, realized period totals like the candles.
    /// `captured_at` = `to`; `mark_price` (a capture-time value) is dropped; a note records
    /// the cut. Every venue is kept, also one left with no candles or samples (which
    /// [`MarketSnapshot::validate`] rejects: cut where every venue has data to save a file).
    pub fn cut(&self, from: Option<DateTime<Utc>>, to: DateTime<Utc>) -> MarketSnapshot {
        let step = chrono::Duration::seconds(self.interval_secs());
        let after = |t: DateTime<Utc>| from.is_none_or(|f| t >= f);
        let venues = self
            .venues
            .iter()
            .map(|v| VenueSeries {
                candles: v.candles.iter().filter(|c| after(c.open_time) && c.open_time + step <= to).copied().collect(),
                open_interest: v.open_interest.iter().filter(|p| after(p.time) && p.time <= to).copied().collect(),
                funding: v.funding.iter().filter(|f| after(f.time) && f.time <= to).copied().collect(),
                liquidations: v.liquidations.iter().filter(|l| after(l.time) && l.time <= to).copied().collect(),
                mark_price: None,
                // Measured positions are a fact of the capture time: a cut before it drops them.
                measured_accounts: v.measured_accounts.filter(|_| to >= self.captured_at),
                measured_positions: if to >= self.captured_at { v.measured_positions.clone() } else { Vec::new() },
                ..v.clone()
            })
            .collect();
        // Period totals are cut like the candles: periods that ended by `to`.
        let realized_periods = self.realized_periods.as_ref().map(|r| {
            let p = chrono::Duration::seconds(r.period_secs());
            RealizedPeriods {
                rows: r.rows.iter().filter(|x| after(x.start) && x.start + p <= to).copied().collect(),
                ..r.clone()
            }
        });
        let mut notes = self.notes.clone();
        notes.push(match from {
            Some(f) => format!("cut to {f} .. {to} from a snapshot captured at {}", self.captured_at),
            None => format!("cut at {to} from a snapshot captured at {}", self.captured_at),
        });
        MarketSnapshot { captured_at: to, venues, notes, realized_periods, ..self.clone() }
    }

    /// Venue names joined for titles (`binance+okx`).
    pub fn venue_label(&self) -> String {
        self.venues.iter().map(|v| v.venue.as_str()).collect::<Vec<_>>().join("+")
    }
}

fn check_price(what: &str, i: usize, x: f64) -> Result<(), Error> {
    if !x.is_finite() || x <= 0.0 {
        return Err(Error::Invalid(format!("{what} #{i}: price {x} is not a positive finite number")));
    }
    Ok(())
}

fn check_sorted<T>(what: &str, items: &[T], time: impl Fn(&T) -> DateTime<Utc>) -> Result<(), Error> {
    for (i, w) in items.windows(2).enumerate() {
        let (a, b) = (time(&w[0]), time(&w[1]));
        if b == a {
            return Err(Error::Invalid(format!("{what} #{}: duplicate time {a}", i + 1)));
        }
        if b < a {
            return Err(Error::Invalid(format!("{what} #{}: time {b} is before {a} (must ascend)", i + 1)));
        }
    }
    Ok(())
}

impl VenueSeries {
    fn validate(&self) -> Result<(), Error> {
        let bad = |msg: String| Err(Error::Invalid(msg));
        if self.candles.is_empty() {
            return bad("candles is empty".into());
        }
        if self.open_interest.is_empty() {
            return bad("open_interest is empty".into());
        }
        for (i, c) in self.candles.iter().enumerate() {
            for x in [c.open, c.high, c.low, c.close] {
                check_price("candle", i, x)?;
            }
            if c.high < c.low {
                return bad(format!("candle #{i} ({}): high {} < low {}", c.open_time, c.high, c.low));
            }
            if c.open > c.high || c.open < c.low || c.close > c.high || c.close < c.low {
                return bad(format!("candle #{i} ({}): open/close outside high-low", c.open_time));
            }
            if !c.volume.is_finite() || c.volume < 0.0 {
                return bad(format!("candle #{i} ({}): volume {} is negative or not finite", c.open_time, c.volume));
            }
            if let Some(t) = c.taker_buy_volume {
                if !t.is_finite() || t < 0.0 || t > c.volume * (1.0 + 1e-9) + 1e-12 {
                    return bad(format!(
                        "candle #{i} ({}): taker_buy_volume {t} is not within 0..=volume {}",
                        c.open_time, c.volume
                    ));
                }
            }
        }
        check_sorted("candle", &self.candles, |c| c.open_time)?;
        for (i, p) in self.open_interest.iter().enumerate() {
            if !p.oi_usd.is_finite() || p.oi_usd < 0.0 {
                return bad(format!("open_interest #{i} ({}): {} is negative or not finite", p.time, p.oi_usd));
            }
        }
        check_sorted("open_interest", &self.open_interest, |p| p.time)?;
        for (i, f) in self.funding.iter().enumerate() {
            if !f.rate.is_finite() {
                return bad(format!("funding #{i} ({}): rate is not finite", f.time));
            }
        }
        check_sorted("funding", &self.funding, |f| f.time)?;
        if let Some(m) = self.mark_price {
            check_price("mark_price", 0, m)?;
        }
        if let Some(t) = self.tick_size {
            if !t.is_finite() || t <= 0.0 {
                return bad(format!("tick_size {t} is not a positive finite number"));
            }
        }
        crate::model::tiers::validate(&self.margin_tiers).map_err(|m| Error::Invalid(format!("margin_tiers: {m}")))?;
        check_liquidations(&self.liquidations).map_err(Error::Invalid)?;
        crate::model::measured::check(self.measured_accounts, &self.measured_positions).map_err(Error::Invalid)?;
        Ok(())
    }
}
