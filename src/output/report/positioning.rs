//! Positioning: open interest, funding, liquidation asymmetry and volume, as read by the
//! report. Checklist heuristics with fixed, documented thresholds.

use chrono::{DateTime, Duration, Utc};

use crate::engine::estimate::oi_align::oi_at;
use crate::engine::estimate::Profile;
use crate::model::snapshot::{Candle, MarketSnapshot};
use crate::output::report::model::{FundingBias, OiTrend};

/// Open-interest changes within ± this (in %) read as `flat`.
pub(crate) const OI_FLAT_BAND_PCT: f64 = 1.0;
/// |Funding| at or above this per 8 h equivalent (0.05 %/8h) is `extreme`.
pub(crate) const FUNDING_EXTREME_8H: f64 = 0.0005;
/// The usual base rate of USD-margined perpetuals (0.01 % per 8 h): what funding is when
/// neither side pays up. The neutral band is this ± [`FUNDING_NEUTRAL_BAND_8H`].
pub(crate) const FUNDING_BASE_8H: f64 = 0.0001;
/// Half-width of the neutral band around [`FUNDING_BASE_8H`] (0.01 %): rates from 0 to
/// 0.02 % per 8 h read `neutral`, above it `longs paying up`, below zero `shorts paying`.
pub(crate) const FUNDING_NEUTRAL_BAND_8H: f64 = 0.0001;
/// Liquidation asymmetry is measured within ± this (in %) of price.
pub(crate) const ASYMMETRY_BAND_PCT: f64 = 5.0;
/// A ratio above this (or below its inverse) names the heavier side; else `balanced`.
pub(crate) const ASYMMETRY_TILT: f64 = 1.2;
/// Volume changes within ± this (in %) read as `steady`.
pub(crate) const VOLUME_STEADY_BAND_PCT: f64 = 10.0;

const DAY: i64 = 86_400;
const EIGHT_HOURS: i64 = 8 * 3600;

/// `(to / from - 1) * 100`, `None` unless `from > 0` and both are finite.
pub(crate) fn pct_change(from: f64, to: f64) -> Option<f64> {
    (from > 0.0 && from.is_finite() && to.is_finite()).then(|| (to / from - 1.0) * 100.0)
}

/// Sum over venues of `f(venue)`; `None` when any venue has no value (a partial sum would
/// look like a collapse in open interest).
fn sum_venues(snap: &MarketSnapshot, f: impl Fn(&[crate::model::snapshot::OiPoint]) -> Option<f64>) -> Option<f64> {
    snap.venues.iter().map(|v| f(&v.open_interest)).sum()
}

/// Total open interest (USD, one side) at time `t`, interpolated per venue by [`oi_at`];
/// `None` when `t` is outside any venue's sampled range.
pub(crate) fn oi_total_at(snap: &MarketSnapshot, t: DateTime<Utc>) -> Option<f64> {
    sum_venues(snap, |p| oi_at(p, t))
}

/// Open-interest changes, in %: each venue's last sample against its value 24 h before that
/// sample, and against its value at `window_start`; summed over venues before comparing.
/// Returns `(now, change_24h_pct, change_window_pct)`.
pub(crate) fn oi_changes(
    snap: &MarketSnapshot,
    window_start: DateTime<Utc>,
) -> (Option<f64>, Option<f64>, Option<f64>) {
    let now = sum_venues(snap, |p| p.last().map(|x| x.oi_usd));
    let day_ago = sum_venues(snap, |p| p.last().and_then(|x| oi_at(p, x.time - Duration::seconds(DAY))));
    let at_start = oi_total_at(snap, window_start);
    let ch = |from: Option<f64>| now.zip(from).and_then(|(n, f)| pct_change(f, n));
    (now, ch(day_ago), ch(at_start))
}

/// Open-interest change over `secs`, in %: each venue's last sample against its value `secs`
/// before that sample, summed over venues before comparing (the rule of the 24 h change);
/// `None` when any venue's data does not reach back that far.
pub(crate) fn oi_change_over(snap: &MarketSnapshot, secs: i64) -> Option<f64> {
    let now = sum_venues(snap, |p| p.last().map(|x| x.oi_usd))?;
    let then = sum_venues(snap, |p| p.last().and_then(|x| oi_at(p, x.time - Duration::seconds(secs))))?;
    pct_change(then, now)
}

/// `rising` / `falling` when the change is beyond ± `band` %, `flat` within, `unknown` without.
pub fn oi_trend(change_pct: Option<f64>, band: f64) -> OiTrend {
    match change_pct {
        Some(c) if c > band => OiTrend::Rising,
        Some(c) if c < -band => OiTrend::Falling,
        Some(_) => OiTrend::Flat,
        None => OiTrend::Unknown,
    }
}

/// `rate` per `period_secs` scaled to an 8-hour equivalent (hourly 0.0001 → 0.0008).
pub(crate) fn to_8h(rate: f64, period_secs: i64) -> f64 {
    rate * EIGHT_HOURS as f64 / period_secs.max(1) as f64
}

/// Funding across venues in one unit: the mean of each venue's latest rate converted to 8 h,
/// where the rates came from, the one verdict and its sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct FundingRead {
    pub rate_8h: Option<f64>,
    /// `Binance, every 8 h` / `Binance every 8 h, Hyperliquid every 1 h` / `oi.csv, period not
    /// stated (read as 8 h)`: each source and its period, once (empty without funding).
    pub periods: String,
    /// [`funding_verdict`].
    pub bias: FundingBias,
    /// [`funding_reading`].
    pub reading: String,
    pub extreme: bool,
    /// The latest 8 h rate's percentile among every funding sample of the snapshot (0..100).
    pub percentile: Option<f64>,
}

/// Fewer funding samples than this give no percentile.
pub(crate) const MIN_PERCENTILE_SAMPLES: usize = 10;

/// Latest funding rate of each venue that reports funding, converted to an 8-hour equivalent
/// ([`to_8h`] with `sources::funding_period_secs`); `rate_8h` is their mean; extreme when
/// |`rate_8h`| >= [`FUNDING_EXTREME_8H`]; verdict by [`funding_verdict`].
pub fn funding(snap: &MarketSnapshot) -> FundingRead {
    let period = |v: &str| crate::model::sources::funding_period_secs(snap, v);
    let latest: Vec<(&str, f64)> = snap
        .venues
        .iter()
        .filter_map(|v| v.funding.last().map(|f| (v.venue.as_str(), to_8h(f.rate, period(&v.venue)))))
        .collect();
    let rate_8h = (!latest.is_empty()).then(|| latest.iter().map(|x| x.1).sum::<f64>() / latest.len() as f64);
    let periods = match snap.sources.as_ref().and_then(|s| s.funding.as_ref().map(|f| (f, s.funding_period_secs))) {
        Some((file, Some(p))) => format!("{file}, every {}", crate::model::fmt::duration(p)),
        Some((file, None)) => format!("{file}, period not stated (read as 8 h)"),
        None => latest
            .iter()
            .map(|(v, _)| {
                format!("{} every {}", crate::model::sources::venue_title(v), crate::model::fmt::duration(period(v)))
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
    let all: Vec<f64> =
        snap.venues.iter().flat_map(|v| v.funding.iter().map(move |f| to_8h(f.rate, period(&v.venue)))).collect();
    let percentile = rate_8h.filter(|_| all.len() >= MIN_PERCENTILE_SAMPLES).map(|r| {
        let below = all.iter().filter(|x| **x < r).count() as f64;
        let equal = all.iter().filter(|x| **x == r).count() as f64;
        (below + equal / 2.0) / all.len() as f64 * 100.0
    });
    let extreme = rate_8h.is_some_and(|r| r.abs() >= FUNDING_EXTREME_8H);
    FundingRead {
        rate_8h,
        periods,
        bias: funding_verdict(rate_8h),
        reading: funding_reading(rate_8h, extreme),
        extreme,
        percentile,
    }
}

/// The one funding verdict: `neutral` within [`FUNDING_NEUTRAL_BAND_8H`] of the base rate
/// [`FUNDING_BASE_8H`] (0 to 0.02 % per 8 h, so 0.01 % is neutral), `longs paying up` above,
/// `shorts paying` below; `unknown` without funding.
pub(crate) fn funding_verdict(rate_8h: Option<f64>) -> FundingBias {
    match rate_8h {
        Some(r) if r > FUNDING_BASE_8H + FUNDING_NEUTRAL_BAND_8H => FundingBias::LongsPayingUp,
        Some(r) if r < FUNDING_BASE_8H - FUNDING_NEUTRAL_BAND_8H => FundingBias::ShortsPaying,
        Some(_) => FundingBias::Neutral,
        None => FundingBias::Unknown,
    }
}

/// The verdict in one sentence, the one every section quotes.
pub fn funding_reading(rate_8h: Option<f64>, extreme: bool) -> String {
    let Some(r) = rate_8h else {
        return "No funding data.".into();
    };
    let rate = crate::output::report::filters::rate(r);
    let base = crate::output::report::filters::rate(FUNDING_BASE_8H);
    let mut s = match funding_verdict(rate_8h).as_str() {
        "longs paying up" => {
            format!("Funding {rate} per 8 h is above the usual {base}: longs pay up to hold, a sign of long crowding")
        }
        "shorts paying" => format!("Funding {rate} per 8 h is below zero: shorts pay longs, a sign of short crowding"),
        _ => format!("Funding {rate} per 8 h is near the usual {base}: neither side is paying up"),
    };
    if extreme {
        s.push_str(&format!(
            ", at an extreme (beyond {} per 8 h)",
            crate::output::report::filters::rate(FUNDING_EXTREME_8H)
        ));
    }
    s.push('.');
    s
}

/// Liquidation asymmetry around price.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Asymmetry {
    pub above_usd: f64,
    pub below_usd: f64,
    pub ratio: Option<f64>,
    pub label: String,
}

/// Short USD of the profile in bins centred in `(price, price * (1 + band))` and long USD in
/// `(price * (1 - band), price)`, band = `band_pct` / 100. Ratio = above / below (None when
/// below is 0). Label: `more short liquidations above (1.4x)` when the ratio exceeds
/// [`ASYMMETRY_TILT`], `more long liquidations below (1.6x)` when under its inverse, else
/// `balanced (1.1x)`; `none within ±5%` when both are 0, `only short liquidations above` /
/// `only long liquidations below` when one side is 0.
pub(crate) fn asymmetry(profile: &Profile, price: f64, band_pct: f64) -> Asymmetry {
    let (lo, hi) = (price * (1.0 - band_pct / 100.0), price * (1.0 + band_pct / 100.0));
    let (mut above, mut below) = (0.0, 0.0);
    for i in 0..profile.bins.count {
        let c = profile.bins.center(i);
        if c > price && c < hi {
            above += profile.short.get(i).copied().unwrap_or(0.0);
        } else if c < price && c > lo {
            below += profile.long.get(i).copied().unwrap_or(0.0);
        }
    }
    let ratio = (below > 0.0).then(|| above / below);
    let label = match ratio {
        _ if above <= 0.0 && below <= 0.0 => format!("none within ±{band_pct}%"),
        None => "only short liquidations above".into(),
        Some(r) if r <= 0.0 => "only long liquidations below".into(),
        Some(r) if r > ASYMMETRY_TILT => format!("more short liquidations above ({r:.1}x)"),
        Some(r) if r < 1.0 / ASYMMETRY_TILT => format!("more long liquidations below ({:.1}x)", 1.0 / r),
        Some(r) => format!("balanced ({r:.1}x)"),
    };
    Asymmetry { above_usd: above, below_usd: below, ratio, label }
}

/// Volume of candles opening in `[end - 24h, end)` against `[end - 48h, end - 24h)`, in %;
/// `None` unless the candles reach back 48 h. Trend `expanding` / `contracting` beyond ±
/// [`VOLUME_STEADY_BAND_PCT`], `steady` within, `unknown` without.
pub(crate) fn volume_change(candles: &[Candle], end: DateTime<Utc>) -> (Option<f64>, String) {
    let day = Duration::seconds(DAY);
    let covered = candles.first().is_some_and(|c| c.open_time <= end - day - day);
    let sum = |a: DateTime<Utc>, b: DateTime<Utc>| -> f64 {
        candles.iter().filter(|c| c.open_time >= a && c.open_time < b).map(|c| c.volume).sum()
    };
    let change = if covered { pct_change(sum(end - day - day, end - day), sum(end - day, end)) } else { None };
    let trend = match change {
        Some(c) if c > VOLUME_STEADY_BAND_PCT => "expanding",
        Some(c) if c < -VOLUME_STEADY_BAND_PCT => "contracting",
        Some(_) => "steady",
        None => "unknown",
    };
    (change, trend.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::estimate::ledger::Bins;
    use crate::model::snapshot::FundingPoint;
    use crate::output::report::indicators::tests::hl;
    use chrono::TimeZone;

    fn fp(h: i64, rate: f64) -> FundingPoint {
        FundingPoint { time: Utc.with_ymd_and_hms(2025, 11, 1, 0, 0, 0).unwrap() + Duration::hours(h), rate }
    }

    #[test]
    fn eight_hour_equivalent() {
        assert!((to_8h(0.0001, 3600) - 0.0008).abs() < 1e-15);
        assert!((to_8h(0.0001, 8 * 3600) - 0.0001).abs() < 1e-15);
        assert!((to_8h(0.0001, 4 * 3600) - 0.0002).abs() < 1e-15);
    }

    #[test]
    fn funding_thresholds_put_the_base_rate_at_neutral() {
        assert_eq!(funding_verdict(Some(0.0001)), "neutral", "0.01 % per 8 h is the usual base rate");
        assert_eq!(funding_verdict(Some(0.000095)), "neutral");
        assert_eq!(funding_verdict(Some(0.0)), "neutral");
        assert_eq!(funding_verdict(Some(0.0002)), "neutral");
        assert_eq!(funding_verdict(Some(0.00021)), "longs paying up");
        assert_eq!(funding_verdict(Some(-0.00001)), "shorts paying");
        assert_eq!(funding_verdict(None), "unknown");
        assert!(funding_reading(Some(0.0001), false).contains("neither side"));
        assert!(funding_reading(Some(0.0006), true).contains("extreme"));
        // 0.0001 per hour on Hyperliquid is 0.08 %/8h: extreme; 0.0001 per 8 h elsewhere is not,
        // however often it was sampled.
        let mut snap = crate::output::report::compute::tests::tiny_snapshot(3);
        snap.venues[0].venue = "hyperliquid".into();
        snap.venues[0].funding = (0..10).map(|h| fp(h, 0.0001)).collect();
        let f = funding(&snap);
        assert!(
            f.extreme && (f.rate_8h.unwrap() - 0.0008).abs() < 1e-12 && f.periods == "Hyperliquid every 1h",
            "{f:?}"
        );
        assert_eq!(f.percentile, Some(50.0), "all samples equal");
        snap.venues[0].venue = "binance".into();
        let f = funding(&snap);
        assert!(
            !f.extreme && (f.rate_8h.unwrap() - 0.0001).abs() < 1e-12 && f.bias == "neutral",
            "hourly samples of an 8-hour rate: {f:?}"
        );
        snap.venues[0].funding = (0..12).map(|k| fp(8 * k, 0.00001 * k as f64)).collect();
        let f = funding(&snap);
        assert!(f.percentile.unwrap() > 90.0, "the latest is the highest: {f:?}");
        snap.venues[0].funding = (0..4).map(|k| fp(8 * k, -0.0006)).collect();
        assert!(funding(&snap).extreme, "negative extremes count too");
        assert_eq!(funding(&snap).percentile, None, "too few samples");
        snap.venues[0].funding.clear();
        let f = funding(&snap);
        assert_eq!((f.rate_8h, f.extreme, f.bias.as_str(), f.periods.as_str()), (None, false, "unknown", ""));
    }

    fn profile(levels: &[(f64, f64, bool)]) -> Profile {
        let bins = Bins::new(50.0, 200.0, 0.0002);
        let mut p = Profile { bins, long: vec![0.0; bins.count], short: vec![0.0; bins.count] };
        for &(price, usd, long) in levels {
            let i = bins.index(price).unwrap();
            if long {
                p.long[i] += usd;
            } else {
                p.short[i] += usd;
            }
        }
        p
    }

    #[test]
    fn asymmetry_counts_only_the_band() {
        // Shorts 300 at 102 (in), 1000 at 110 (out); longs 100 at 97 (in), 500 at 90 (out);
        // a short below price and a long above price are not liquidated by a move there.
        let p = profile(&[
            (102.0, 300.0, false),
            (110.0, 1000.0, false),
            (97.0, 100.0, true),
            (90.0, 500.0, true),
            (98.0, 7.0, false),
            (103.0, 9.0, true),
        ]);
        let a = asymmetry(&p, 100.0, 5.0);
        assert_eq!((a.above_usd, a.below_usd), (300.0, 100.0));
        assert_eq!(a.ratio, Some(3.0));
        assert_eq!(a.label, "more short liquidations above (3.0x)");
        let a = asymmetry(&profile(&[(102.0, 100.0, false), (97.0, 250.0, true)]), 100.0, 5.0);
        assert_eq!(a.label, "more long liquidations below (2.5x)");
        let a = asymmetry(&profile(&[(102.0, 100.0, false), (97.0, 90.0, true)]), 100.0, 5.0);
        assert_eq!(a.label, "balanced (1.1x)");
        let a = asymmetry(&profile(&[(102.0, 100.0, false)]), 100.0, 5.0);
        assert_eq!((a.ratio, a.label.as_str()), (None, "only short liquidations above"));
        assert_eq!(asymmetry(&profile(&[]), 100.0, 5.0).label, "none within ±5%");
        assert_eq!(asymmetry(&profile(&[(97.0, 1.0, true)]), 100.0, 5.0).label, "only long liquidations below");
    }

    #[test]
    fn oi_trend_and_volume_change() {
        assert_eq!(oi_trend(Some(1.5), 1.0), "rising");
        assert_eq!(oi_trend(Some(-1.5), 1.0), "falling");
        assert_eq!(oi_trend(Some(0.9), 1.0), "flat");
        assert_eq!(oi_trend(None, 1.0), "unknown");
        assert_eq!(pct_change(0.0, 1.0), None);
        // 576 5m candles = 48 h; the second day's candles have volume 12 vs 10.
        let mut c: Vec<Candle> = (0..576).map(|i| hl(i, 2.0, 1.0, 1.5)).collect();
        c[288..].iter_mut().for_each(|c| c.volume = 12.0);
        let end = c[575].open_time + Duration::minutes(5);
        let (ch, trend) = volume_change(&c, end);
        assert!((ch.unwrap() - 20.0).abs() < 1e-9 && trend == "expanding");
        let (ch, trend) = volume_change(&c[1..], end);
        assert_eq!((ch, trend.as_str()), (None, "unknown"));
    }
}
