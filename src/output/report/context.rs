//! The bigger picture ([`Context`]): daily trend and weekly direction from the first venue's
//! candles resampled to UTC days, the prior day's and week's ranges, and realized liquidations
//! of the last 24 h. Each read needs enough days; what the snapshot is too short for is said
//! in `notes`. Pure.

use chrono::{DateTime, Datelike, Duration, Utc};

use crate::engine::resample::resample;
use crate::model::snapshot::{Candle, MarketSnapshot, Side};
use crate::output::report::model::Context;

const DAY: i64 = 86_400;
/// The daily trend compares the last daily close with the close this many days before.
pub(crate) const DAILY_LOOKBACK: usize = 5;
/// ... and with the mean of up to this many daily closes.
pub(crate) const DAILY_MEAN: usize = 10;
/// A daily move within ± this (2 %) over [`DAILY_LOOKBACK`] days is `sideways`.
pub(crate) const DAILY_FLAT_PCT: f64 = 2.0;
/// A week-on-week change within ± this (1 %) is `flat`.
pub(crate) const WEEKLY_FLAT_PCT: f64 = 1.0;

/// The bigger picture of `snap` from `candles` (the first venue's).
pub fn context(snap: &MarketSnapshot, candles: &[Candle]) -> Context {
    let source = snap.interval_secs();
    let daily = resample(candles, source, DAY).map(|r| r.candles).unwrap_or_default();
    let mut c = Context {
        source: if daily.is_empty() {
            String::new()
        } else {
            format!("UTC days resampled from {} candles ({} complete days)", snap.interval, daily.len())
        },
        days: daily.len(),
        ..Context::default()
    };
    let closes: Vec<f64> = daily.iter().map(|d| d.close).collect();
    if closes.len() > DAILY_LOOKBACK {
        let last = closes[closes.len() - 1];
        let then = closes[closes.len() - 1 - DAILY_LOOKBACK];
        let tail = &closes[closes.len().saturating_sub(DAILY_MEAN)..];
        let mean = tail.iter().sum::<f64>() / tail.len() as f64;
        let ch = (last / then - 1.0) * 100.0;
        let trend = if ch > DAILY_FLAT_PCT && last > mean {
            "up"
        } else if ch < -DAILY_FLAT_PCT && last < mean {
            "down"
        } else {
            "sideways"
        };
        c.daily_trend = Some(trend.into());
        c.daily_detail = Some(format!(
            "last daily close {} is {} against {DAILY_LOOKBACK} days before and {} the {}-day mean {}",
            crate::model::fmt::price(last),
            crate::model::fmt::pct(ch),
            if last >= mean { "above" } else { "below" },
            tail.len(),
            crate::model::fmt::price(mean)
        ));
    } else {
        c.notes.push(format!(
            "daily trend needs {} complete days; the snapshot has {}",
            DAILY_LOOKBACK + 1,
            closes.len()
        ));
    }
    if closes.len() > 7 {
        let ch = (closes[closes.len() - 1] / closes[closes.len() - 8] - 1.0) * 100.0;
        c.weekly_change_pct = Some(ch);
        c.weekly_direction = Some(
            if ch > WEEKLY_FLAT_PCT {
                "up"
            } else if ch < -WEEKLY_FLAT_PCT {
                "down"
            } else {
                "flat"
            }
            .into(),
        );
    } else {
        c.notes.push(format!("weekly direction needs 8 complete days; the snapshot has {}", closes.len()));
    }
    if let Some(d) = daily.last() {
        c.prior_day_high = Some(d.high);
        c.prior_day_low = Some(d.low);
    }
    match prior_week(&daily) {
        Some((hi, lo)) => {
            c.prior_week_high = Some(hi);
            c.prior_week_low = Some(lo);
        }
        None => c.notes.push("prior week needs a complete Monday-to-Sunday week of days".into()),
    }
    realized_24h(snap, &mut c);
    c
}

/// High and low of the last complete ISO week (Monday to Sunday, UTC) among `daily`.
fn prior_week(daily: &[Candle]) -> Option<(f64, f64)> {
    let sunday = daily.iter().rev().find(|d| d.open_time.weekday() == chrono::Weekday::Sun)?;
    let monday = sunday.open_time - Duration::days(6);
    let week: Vec<&Candle> =
        daily.iter().filter(|d| d.open_time >= monday && d.open_time <= sunday.open_time).collect();
    (week.len() == 7).then(|| {
        (
            week.iter().map(|d| d.high).fold(f64::NEG_INFINITY, f64::max),
            week.iter().map(|d| d.low).fold(f64::INFINITY, f64::min),
        )
    })
}

/// Realized liquidations of the 24 h before the capture: venue events, else period totals.
fn realized_24h(snap: &MarketSnapshot, c: &mut Context) {
    let from: DateTime<Utc> = snap.captured_at - Duration::seconds(DAY);
    let events: Vec<(&str, &crate::model::snapshot::Liquidation)> = snap
        .venues
        .iter()
        .flat_map(|v| v.liquidations.iter().map(move |l| (v.venue.as_str(), l)))
        .filter(|(_, l)| l.time >= from)
        .collect();
    let has_events = snap.venues.iter().any(|v| !v.liquidations.is_empty());
    if has_events {
        let sum = |s: Side| events.iter().filter(|(_, l)| l.side == s).map(|(_, l)| l.usd).sum::<f64>();
        c.realized_24h_long_usd = Some(sum(Side::Long));
        c.realized_24h_short_usd = Some(sum(Side::Short));
        let mut venues: Vec<String> = snap
            .venues
            .iter()
            .filter(|v| !v.liquidations.is_empty())
            .map(|v| crate::model::sources::venue_title(&v.venue))
            .collect();
        venues.dedup();
        let caveat = if venues.iter().any(|v| v == "Binance") {
            format!("; {}", crate::fetch::binance::ws::ONE_PER_SECOND)
        } else {
            String::new()
        };
        c.realized_source = Some(format!("{}{caveat}", venues.join(", ")));
    } else if let Some(p) = &snap.realized_periods {
        let rows: Vec<_> = p.rows.iter().filter(|r| r.start >= from).collect();
        if !rows.is_empty() {
            c.realized_24h_long_usd = Some(rows.iter().map(|r| r.long_usd).sum());
            c.realized_24h_short_usd = Some(rows.iter().map(|r| r.short_usd).sum());
            c.realized_source =
                Some(if p.source.is_empty() { "imported period totals".into() } else { p.source.clone() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::report::compute::tests::{example, snapshot_of};

    #[test]
    fn the_example_has_days_but_no_complete_week_before_its_last_day() {
        let snap = example();
        let c = context(&snap, &snap.venues[0].candles);
        assert_eq!(c.days, 10);
        assert!(c.daily_trend.is_some() && c.weekly_direction.is_some(), "{c:?}");
        // 1-10 Nov 2025: Mon 3 .. Sun 9 Nov is complete.
        let nov = |d: u32| chrono::NaiveDate::from_ymd_opt(2025, 11, d).unwrap();
        let week: Vec<&Candle> = snap.venues[0]
            .candles
            .iter()
            .filter(|k| k.open_time.date_naive() >= nov(3) && k.open_time.date_naive() <= nov(9))
            .collect();
        let hi = week.iter().map(|k| k.high).fold(f64::MIN, f64::max);
        assert_eq!(c.prior_week_high, Some(hi));
        let last: Vec<&Candle> =
            snap.venues[0].candles.iter().filter(|k| k.open_time.date_naive() == nov(10)).collect();
        assert_eq!(c.prior_day_low, Some(last.iter().map(|k| k.low).fold(f64::MAX, f64::min)));
        assert_eq!(c.realized_24h_long_usd, None, "no realized liquidations in the example");
    }

    #[test]
    fn short_snapshots_say_what_they_lack() {
        // Two days of 5m candles rising 1 % a day.
        let closes: Vec<f64> = (0..576).map(|i| 100.0 * (1.0 + 0.01 * i as f64 / 288.0)).collect();
        let s = snapshot_of(&closes);
        let c = context(&s, &s.venues[0].candles);
        assert_eq!((c.daily_trend.clone(), c.weekly_direction.clone()), (None, None));
        assert!(
            c.notes.iter().any(|n| n.contains("daily trend needs 6 complete days; the snapshot has 2")),
            "{:?}",
            c.notes
        );
        assert!(c.prior_day_high.is_some() && c.prior_week_high.is_none());
    }

    #[test]
    fn daily_trend_words() {
        // Ten days falling 1 % a day: down, and the week is down.
        let closes: Vec<f64> = (0..2880).map(|i| 100.0 * (1.0 - 0.01 * i as f64 / 288.0)).collect();
        let s = snapshot_of(&closes);
        let c = context(&s, &s.venues[0].candles);
        assert_eq!(c.daily_trend.as_deref(), Some("down"));
        assert_eq!(c.weekly_direction.as_deref(), Some("down"));
        let flat: Vec<f64> = (0..2880).map(|i| 100.0 + (i as f64 / 50.0).sin() * 0.1).collect();
        let s = snapshot_of(&flat);
        let c = context(&s, &s.venues[0].candles);
        assert_eq!((c.daily_trend.as_deref(), c.weekly_direction.as_deref()), (Some("sideways"), Some("flat")));
    }
}
