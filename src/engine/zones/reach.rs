//! How far price can go: the reach within which zone C is chosen (the v2 rule).
//!
//! Reach = the larger of [`MIN_REACH`] (±8 %) and [`REACH_SIGMAS`] (3) daily standard
//! deviations of the trailing [`VOL_LOOKBACK_SECS`] (7 days) of candles, at most
//! [`super::ZoneParams::max_distance`] (±25 %). The daily deviation is the root mean square of
//! the candles' close-to-close log returns, scaled by the square root of candles per day. It
//! uses only the snapshot's candles (no clock, no chart), so every view of one snapshot has the
//! same reach, and a backtest step's reach uses only data up to the step.

use crate::model::snapshot::Candle;

/// The least reach, a fraction of price (±8 %).
pub const MIN_REACH: f64 = 0.08;
/// How many trailing daily standard deviations a day is assumed able to go.
pub(crate) const REACH_SIGMAS: f64 = 3.0;
/// The span of candles the volatility is measured over (7 days).
pub(crate) const VOL_LOOKBACK_SECS: i64 = 7 * 86_400;

/// The daily standard deviation of log returns over the last [`VOL_LOOKBACK_SECS`] of
/// `candles` (`interval_secs` apart). `None` with fewer than two candles.
pub(crate) fn daily_sigma(candles: &[Candle], interval_secs: i64) -> Option<f64> {
    let interval = interval_secs.max(1);
    let last = candles.last()?;
    let from = last.open_time - chrono::Duration::seconds(VOL_LOOKBACK_SECS);
    let start = candles.partition_point(|c| c.open_time < from);
    let tail = &candles[start..];
    let returns: Vec<f64> = tail
        .windows(2)
        .filter(|w| w[0].close > 0.0 && w[1].close > 0.0)
        .map(|w| (w[1].close / w[0].close).ln())
        .filter(|r| r.is_finite())
        .collect();
    if returns.is_empty() {
        return None;
    }
    let per_candle = (returns.iter().map(|r| r * r).sum::<f64>() / returns.len() as f64).sqrt();
    Some(per_candle * (86_400.0 / interval as f64).sqrt())
}

/// The reach (a fraction of price) for `candles`, capped at `max_distance`.
pub fn reach(candles: &[Candle], interval_secs: i64, max_distance: f64) -> f64 {
    let vol = daily_sigma(candles, interval_secs).map_or(0.0, |s| REACH_SIGMAS * s);
    vol.max(MIN_REACH).min(max_distance)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn candles(closes: &[f64], interval: i64) -> Vec<Candle> {
        let t0 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        closes
            .iter()
            .enumerate()
            .map(|(i, &c)| Candle {
                open_time: t0 + Duration::seconds(i as i64 * interval),
                open: c,
                high: c,
                low: c,
                close: c,
                volume: 1.0,
                taker_buy_volume: None,
            })
            .collect()
    }

    #[test]
    fn quiet_markets_reach_eight_percent() {
        let c = candles(&[100.0; 50], 3600);
        assert_eq!(reach(&c, 3600, 0.25), MIN_REACH);
        assert_eq!(reach(&c[..1], 3600, 0.25), MIN_REACH, "one candle: no volatility, the floor");
    }

    #[test]
    fn volatile_markets_reach_three_daily_sigmas() {
        // Hourly returns alternating ±1 %: sigma per hour ~1 %, per day ~4.9 %, 3 sigma ~14.7 %.
        let mut closes = vec![100.0];
        for i in 0..100 {
            let last = *closes.last().unwrap();
            closes.push(if i % 2 == 0 { last * 1.01 } else { last / 1.01 });
        }
        let c = candles(&closes, 3600);
        let want = 3.0 * 1.01f64.ln() * 24f64.sqrt();
        assert!((reach(&c, 3600, 0.25) - want).abs() < 1e-9, "{}", reach(&c, 3600, 0.25));
        assert_eq!(reach(&c, 3600, 0.10), 0.10, "capped at the bands' distance");
    }

    #[test]
    fn only_the_trailing_week_counts() {
        // A wild first month, then a quiet week: the reach is the floor.
        let mut closes: Vec<f64> = (0..24 * 30).map(|i| if i % 2 == 0 { 100.0 } else { 110.0 }).collect();
        closes.extend(std::iter::repeat_n(100.0, 24 * 8));
        let c = candles(&closes, 3600);
        assert_eq!(reach(&c, 3600, 0.25), MIN_REACH);
        assert!(reach(&c[..24 * 30], 3600, 0.25) > 0.24);
    }
}
