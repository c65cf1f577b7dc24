//! Computes the [`Report`] from a snapshot and its analysis. Pure: no clock, no I/O; the
//! previous report (for triggers) and the image names are passed in.
//!
//! Every rule and threshold is a documented checklist heuristic (see docs/report.md, "The
//! pre-trade checklist report"); the modules hold the details: [`indicators`](super::indicators) (EMA, RSI, swings,
//! sweep, CVD), [`positioning`](super::positioning) (OI, funding, asymmetry, volume),
//! [`super::plan`] (zone plans, reactions, scenarios), [`super::triggers`],
//! [`structure`](super::structure) (trend and levels on 1 h / 4 h candles). The odds of each
//! zone and the report's [`Evidence`](model::Evidence) come from the backtest of the snapshot's
//! own history, which the command runs and passes in ([`History`], see [`evidence`](super::evidence)).

use chrono::{DateTime, Duration, Utc};

use crate::engine::pipeline::Analysis;
use crate::engine::zones::{Where, Zone};
use crate::model::snapshot::{Candle, MarketSnapshot};
use crate::output::report::evidence::{evidence, with_odds};
use crate::output::report::model::{self, Meta, Positioning, Report, Scenarios, ZoneRow, REPORT_FORMAT};
use crate::output::report::plan::{self, PlanInputs};
use crate::output::report::positioning as pos;
use crate::output::report::structure::structure;
use crate::output::report::triggers::{self, Now};

pub use crate::output::report::evidence::History;
pub use crate::output::report::triggers::{previous_from_json, PreviousZones};

/// The notice at the top of every report.
pub(crate) const NOTICE: &str =
    "Estimated liquidation levels from a model of open interest and price — not actual positions, not financial advice.";

const DAY: i64 = 86_400;

/// Everything [`compute`] reads.
pub struct ReportInputs<'a> {
    pub snap: &'a MarketSnapshot,
    pub analysis: &'a Analysis,
    /// The shown window, seconds (`--window`).
    pub window_secs: i64,
    /// Catalysts from `--event` / `--events-file`, in order.
    pub events: Vec<String>,
    /// The previous report's zones (`--previous`), for the triggers.
    pub previous: Option<PreviousZones>,
    pub image: model::Image,
    /// The backtest of the snapshot's own history (or why there is none).
    pub history: History<'a>,
}

/// Builds the whole report. Structure, volume and the 24 h change are read on the first
/// venue's candles; open interest and funding over all venues; zones and asymmetry from the
/// analysis.
pub fn compute(inp: &ReportInputs) -> Report {
    let snap = inp.snap;
    let price = inp.analysis.estimate.last_price;
    let candles: &[Candle] = snap.venues.first().map(|v| v.candles.as_slice()).unwrap_or(&[]);
    let end = window_end(snap, candles);
    let start = end - Duration::seconds(inp.window_secs.max(0));

    let mut meta = meta(snap, price, candles, inp.window_secs);
    let funding = pos::funding(snap);
    let positioning = positioning(inp, price, candles, end, start, &funding);
    let context = super::context::context(snap, candles);
    let profile = &inp.analysis.estimate.profile;
    let zones: Vec<ZoneRow> = inp
        .analysis
        .zones
        .zones
        .iter()
        .map(|z| with_odds(zone_row(z, profile, price, pos::ASYMMETRY_BAND_PCT), z, price, &inp.history))
        .collect();
    let evidence = super::plain::with_plain(evidence(&inp.history), &inp.history);
    let row = |z: &Zone| zone_row(z, profile, price, pos::ASYMMETRY_BAND_PCT);
    let far_zones: Vec<ZoneRow> = inp.analysis.zones.far.iter().map(row).collect();
    let clusters: Vec<ZoneRow> = zones
        .iter()
        .cloned()
        .chain(inp.analysis.zones.other.iter().map(row))
        .chain(far_zones.iter().cloned())
        .collect();
    let structure = structure(snap, candles, price, start);
    let tick = snap.venues.first().and_then(|v| v.tick_size);
    let p = PlanInputs {
        price,
        interval: &snap.interval,
        tick,
        zones: &zones,
        clusters: &clusters,
        structure: &structure,
        positioning: &positioning,
        context: &context,
        evidence: &evidence,
    };
    let plans = plan::plans(&p);
    let (bullish, bearish) = plan::scenarios(&p);
    let summary = super::summary::summary(&p);
    meta.description = summary.join(" ");
    let now = Now {
        snap,
        candles,
        price,
        oi_change_24h_pct: positioning.oi_change_24h_pct,
        funding_extreme: positioning.funding_extreme,
        funding_rate_8h: funding.rate_8h,
    };
    let triggers = triggers::triggers(inp.previous.as_ref(), &now);
    Report {
        format: REPORT_FORMAT.into(),
        meta,
        summary,
        context,
        zones,
        far_zones,
        positioning,
        structure,
        plans,
        evidence,
        scenarios: Scenarios { bullish, bearish },
        events: inp.events.clone(),
        triggers,
        image: inp.image.clone(),
        realized: super::realized::section(snap, inp.previous.as_ref()),
        measured: None,
    }
}

/// End of the data: the close time of the first venue's last candle (the capture time
/// without candles).
fn window_end(snap: &MarketSnapshot, candles: &[Candle]) -> DateTime<Utc> {
    candles.last().map(|c| c.open_time + Duration::seconds(snap.interval_secs())).unwrap_or(snap.captured_at)
}

/// The window as shown: whole hours up to a day (`24h`, as the default reads), whole days
/// beyond (`2d`, `7d`: one rule, so `{window}` of 2d is `2d` as 3d is `3d`), else the shortest
/// unit (`90m`, `36h`).
pub fn window_label(secs: i64) -> String {
    if secs > 0 && secs % 3600 == 0 && secs <= DAY {
        format!("{}h", secs / 3600)
    } else if secs > 0 && secs % DAY == 0 {
        format!("{}d", secs / DAY)
    } else {
        crate::model::fmt::duration(secs)
    }
}

/// Change of the last close against the close of the candle that opened 24 h before the last
/// one (or the latest candle opened before that time), in %; `None` when the candles do not
/// reach back 24 h.
pub fn change_24h_pct(candles: &[Candle]) -> Option<f64> {
    let last = candles.last()?;
    let target = last.open_time - Duration::seconds(DAY);
    let i = candles.partition_point(|c| c.open_time <= target);
    let then = candles.get(i.checked_sub(1)?)?;
    pos::pct_change(then.close, last.close)
}

/// Meta: names, times (RFC 3339, `YYYY-MM-DD HH:MM UTC`, date), window, interval, price (the
/// estimate's last price), 24 h change ([`change_24h_pct`]), notice, generator, snapshot notes.
fn meta(snap: &MarketSnapshot, price: f64, candles: &[Candle], window_secs: i64) -> Meta {
    let t = snap.captured_at;
    let sources = crate::model::sources::names(snap);
    Meta {
        symbol: snap.symbol.clone(),
        venues: if sources.venues.is_empty() {
            Vec::new()
        } else {
            snap.venues.iter().map(|v| v.venue.clone()).collect()
        },
        price_source: sources.price,
        oi_source: sources.open_interest,
        description: String::new(),
        captured_at: t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        captured_at_human: t.format("%Y-%m-%d %H:%M UTC").to_string(),
        date: t.format("%Y-%m-%d").to_string(),
        window: window_label(window_secs),
        interval: snap.interval.clone(),
        price,
        change_24h_pct: change_24h_pct(candles),
        notice: NOTICE.into(),
        generator: format!("liqshot {}", env!("CARGO_PKG_VERSION")),
        notes: snap.notes.clone(),
    }
}

/// A zone as a report row (`side` is `above` / `below`), with its [`share_in_band`].
pub(crate) fn zone_row(z: &Zone, profile: &crate::engine::estimate::Profile, price: f64, band_pct: f64) -> ZoneRow {
    ZoneRow {
        name: z.name,
        side: z.side,
        liquidates: z.liquidates.clone(),
        low: z.low,
        high: z.high,
        peak: z.peak,
        usd: z.usd,
        distance_pct: z.distance_pct,
        edge_distance_pct: z.edge_distance_pct,
        share_in_band: share_in_band(z, profile, price, band_pct),
        touch_probability: None,
        model_probability: None,
        calibration_lift: None,
        track_record: None,
        odds_note: None,
        fuel: crate::output::report::evidence::fuel_sentence(z.name, &z.liquidates, z.usd, None),
        calibrated_usd: None,
        odds_model: None,
        touch_display: None,
    }
}

/// The report's one zone-share basis: the zone's estimated liquidations inside ± `band_pct` of
/// price over all estimated liquidations on its side inside that band, both summed over the
/// same profile bins as [`pos::asymmetry`] (centre strictly between price and the band edge;
/// for the zone, also within its range). `None` when no bin of the zone is inside the band or
/// the band holds nothing.
pub fn share_in_band(z: &Zone, profile: &crate::engine::estimate::Profile, price: f64, band_pct: f64) -> Option<f64> {
    let (lo, hi) = (price * (1.0 - band_pct / 100.0), price * (1.0 + band_pct / 100.0));
    let above = z.side == Where::Above;
    let values = if above { &profile.short } else { &profile.long };
    let (mut zone, mut band, mut inside) = (0.0, 0.0, false);
    for i in 0..profile.bins.count {
        let c = profile.bins.center(i);
        let in_band = if above { c > price && c < hi } else { c < price && c > lo };
        if !in_band {
            continue;
        }
        let v = values.get(i).copied().unwrap_or(0.0);
        band += v;
        if c >= z.low && c < z.high {
            zone += v;
            inside = true;
        }
    }
    (inside && band > 0.0).then(|| zone / band)
}

fn positioning(
    inp: &ReportInputs,
    price: f64,
    candles: &[Candle],
    end: DateTime<Utc>,
    start: DateTime<Utc>,
    funding: &pos::FundingRead,
) -> Positioning {
    let (_, oi_24h, oi_window) = pos::oi_changes(inp.snap, start);
    // Over a 24 h window the window change would be a second "24 h" figure (anchored at the
    // candles' end instead of the last OI sample): the 24 h change says it once.
    let oi_window = if inp.window_secs == DAY { None } else { oi_window };
    let asym = pos::asymmetry(&inp.analysis.estimate.profile, price, pos::ASYMMETRY_BAND_PCT);
    let (volume_change_pct, volume_trend) = pos::volume_change(candles, end);
    Positioning {
        oi_change_24h_pct: oi_24h,
        oi_change_4h_pct: pos::oi_change_over(inp.snap, 4 * 3600),
        oi_change_7d_pct: pos::oi_change_over(inp.snap, 7 * DAY),
        oi_change_window_pct: oi_window,
        oi_trend: pos::oi_trend(oi_24h, pos::OI_FLAT_BAND_PCT),
        oi_flat_band_pct: pos::OI_FLAT_BAND_PCT,
        funding_rate_8h: funding.rate_8h,
        funding_periods: funding.periods.clone(),
        funding_bias: funding.bias,
        funding_reading: funding.reading.clone(),
        funding_extreme: funding.extreme,
        funding_extreme_threshold: pos::FUNDING_EXTREME_8H,
        funding_base_8h: pos::FUNDING_BASE_8H,
        funding_neutral_band: pos::FUNDING_NEUTRAL_BAND_8H,
        funding_percentile: funding.percentile,
        funding_annualised_pct: funding.rate_8h.map(|r| r * 3.0 * 365.0 * 100.0),
        liq_above_usd: asym.above_usd,
        liq_below_usd: asym.below_usd,
        asymmetry_band_pct: pos::ASYMMETRY_BAND_PCT,
        asymmetry_ratio: asym.ratio,
        asymmetry_label: asym.label,
        chart_above_usd: inp.analysis.zones.above_usd,
        chart_below_usd: inp.analysis.zones.below_usd,
        chart_band_pct: crate::engine::zones::ZoneParams::default().max_distance * 100.0,
        volume_change_pct,
        volume_trend,
    }
}

#[cfg(test)]
pub(crate) mod tests;
