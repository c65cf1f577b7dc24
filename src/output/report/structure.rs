//! The report's market structure ([`Structure`]) on higher timeframes made from the first
//! venue's candles: the trend on 4 h candles, support / resistance, sweep and RSI on 1 h
//! candles, and CVD over the window on the snapshot's own candles.

use chrono::{DateTime, Utc};

use crate::engine::resample::{resample, Resampled};
use crate::model::snapshot::{Candle, MarketSnapshot};
use crate::output::report::indicators::{
    self as ind, LEVELS_INTERVAL_SECS, LEVELS_SWING_N, RSI_PERIOD, SWEEP_K, TREND_EMA_PERIOD, TREND_INTERVAL_SECS,
    TREND_SWING_N,
};
use crate::output::report::model::{Structure, Trend};

/// Trend from the last close, the trend EMA and the swing pattern: `uptrend` when the close
/// is above the EMA and the swings make higher highs and higher lows, `downtrend` when below
/// and lower highs and lower lows, else `range` (also without an EMA).
pub fn trend(close: f64, ema: Option<f64>, pattern: &str) -> Trend {
    match ema {
        Some(e) if close > e && ind::is_bullish_pattern(pattern) => Trend::Uptrend,
        Some(e) if close < e && ind::is_bearish_pattern(pattern) => Trend::Downtrend,
        _ => Trend::Range,
    }
}

/// The candles of one timeframe: `target` resampled from the snapshot's `source` interval when
/// `target` is a multiple of it, else the snapshot's candles as they are.
fn timeframe(candles: &[Candle], source: i64, target: i64) -> Resampled {
    resample(candles, source, target).unwrap_or_else(|| Resampled {
        interval_secs: source,
        candles: candles.to_vec(),
        dropped_first: false,
        dropped_last: false,
    })
}

/// Structure on higher timeframes made from the first venue's candles ([`resample`]):
/// - trend on 4 h candles: EMA 21 of the closes, fractal swings (N = 2) and their pattern,
///   [`trend`] of the last 4 h close, and the nearest 4 h swing levels around `price`;
/// - levels on 1 h candles: fractal swings (N = 3), nearest support / resistance around
///   `price`, the sweep of the last 3 candles, RSI 14;
/// - CVD over the window on the snapshot's own candles (candles opening at or after `start`).
///
/// When the snapshot's interval does not divide a timeframe (e.g. `1d` candles), that read
/// uses the snapshot's candles and says so through the interval labels.
pub fn structure(snap: &MarketSnapshot, candles: &[Candle], price: f64, start: DateTime<Utc>) -> Structure {
    let source = snap.interval_secs();
    let trend_tf = timeframe(candles, source, TREND_INTERVAL_SECS);
    let levels_tf = timeframe(candles, source, LEVELS_INTERVAL_SECS);
    let label = |secs: i64| crate::model::fmt::duration(secs);

    let trend_closes: Vec<f64> = trend_tf.candles.iter().map(|c| c.close).collect();
    let ema = ind::ema(&trend_closes, TREND_EMA_PERIOD);
    let trend_swings = ind::swings(&trend_tf.candles, TREND_SWING_N);
    let swing_pattern = ind::swing_pattern(&trend_swings);
    let (major_support, major_resistance) = ind::support_resistance(&trend_swings, price);
    let last_close = trend_closes.last().copied().unwrap_or(price);

    let level_closes: Vec<f64> = levels_tf.candles.iter().map(|c| c.close).collect();
    let level_swings = ind::swings(&levels_tf.candles, LEVELS_SWING_N);
    let (support, resistance) = ind::support_resistance(&level_swings, price);
    let rsi14 = ind::rsi_wilder(&level_closes, RSI_PERIOD);

    let window: &[Candle] = &candles[candles.partition_point(|c| c.open_time < start)..];
    let cvd = ind::cvd(window);
    Structure {
        source: structure_source(snap, &[&levels_tf, &trend_tf]),
        trend_interval: label(trend_tf.interval_secs),
        ema_period: TREND_EMA_PERIOD,
        ema,
        trend: trend(last_close, ema, &swing_pattern),
        swing_pattern,
        levels_interval: label(levels_tf.interval_secs),
        support,
        resistance,
        major_support,
        major_resistance,
        sweep: ind::sweep(&levels_tf.candles, &level_swings, SWEEP_K),
        rsi14,
        rsi_label: ind::rsi_label(rsi14),
        cvd,
        cvd_label: ind::cvd_label(cvd, window),
    }
}

/// `1h and 4h candles resampled from binance 5m candles (UTC buckets; the still-forming last
/// 1h and 4h candles left out)`, or `binance 1d candles as they are` when nothing was resampled.
fn structure_source(snap: &MarketSnapshot, tfs: &[&Resampled]) -> String {
    let source = snap.interval_secs();
    let venue = snap.venues.first().map(|v| v.venue.as_str()).unwrap_or("no venue");
    let made: Vec<&&Resampled> = tfs.iter().filter(|t| t.interval_secs != source).collect();
    if made.is_empty() {
        return format!("{venue} {} candles as they are", snap.interval);
    }
    let names = |list: &[&&Resampled]| {
        list.iter().map(|t| crate::model::fmt::duration(t.interval_secs)).collect::<Vec<_>>().join(" and ")
    };
    let mut s = format!("{} candles resampled from {venue} {} candles (UTC buckets", names(&made), snap.interval);
    let left_out = |list: Vec<&&Resampled>, what: &str| {
        let n = if list.len() > 1 { "candles" } else { "candle" };
        (!list.is_empty()).then(|| format!("; the {what} {} {n} left out", names(&list)))
    };
    s.extend(left_out(made.iter().copied().filter(|t| t.dropped_first).collect(), "partial first"));
    s.extend(left_out(made.iter().copied().filter(|t| t.dropped_last).collect(), "still-forming last"));
    s.push(')');
    s
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::output::report::compute::tests::{example, report_for, tiny_snapshot};

    #[test]
    fn trend_rule() {
        assert_eq!(trend(101.0, Some(100.0), "higher highs and higher lows"), "uptrend");
        assert_eq!(trend(99.0, Some(100.0), "higher highs and higher lows"), "range");
        assert_eq!(trend(99.0, Some(100.0), "lower highs and lower lows"), "downtrend");
        assert_eq!(trend(99.0, None, "lower highs and lower lows"), "range");
    }

    #[test]
    fn structure_is_read_on_1h_and_4h_candles() {
        let snap = example();
        let r = report_for(&snap, 86_400, None);
        let s = &r.structure;
        assert_eq!((s.trend_interval.as_str(), s.levels_interval.as_str(), s.ema_period), ("4h", "1h", 21));
        assert!(
            s.source.starts_with("1h and 4h candles resampled from binance 5m candles (UTC buckets"),
            "{}",
            s.source
        );
        // Support and resistance are swing lows / highs of the 1 h candles, not of the 5 m ones.
        let h1 = resample(&snap.venues[0].candles, 300, 3600).unwrap().candles;
        let swings = ind::swings(&h1, LEVELS_SWING_N);
        let price = r.meta.price;
        let sup = s.support.expect("support");
        let res = s.resistance.expect("resistance");
        assert!(swings.iter().any(|w| w.kind == ind::SwingKind::Low && w.price == sup), "{sup}");
        assert!(swings.iter().any(|w| w.kind == ind::SwingKind::High && w.price == res), "{res}");
        assert_eq!(ind::support_resistance(&swings, price), (Some(sup), Some(res)));
        // The trend EMA is the 4 h one.
        let h4: Vec<f64> =
            resample(&snap.venues[0].candles, 300, 4 * 3600).unwrap().candles.iter().map(|c| c.close).collect();
        assert_eq!(s.ema, ind::ema(&h4, TREND_EMA_PERIOD));
        // 40 candles from 00:00 end at 03:20: the 03:00 hour and the 00:00 4 h bucket are still forming.
        let r = report_for(&tiny_snapshot(40), 86_400, None);
        assert_eq!(
            r.structure.source,
            "1h and 4h candles resampled from binance 5m candles (UTC buckets; the still-forming last 1h and 4h candles left out)"
        );
        let mut late = tiny_snapshot(40);
        late.venues[0].candles.drain(..3); // starts at 00:15
        let r = report_for(&late, 86_400, None);
        // (the one 4 h bucket is counted once, as the partial first one)
        assert!(
            r.structure.source.ends_with("(UTC buckets; the partial first 1h and 4h candles left out; the still-forming last 1h candle left out)"),
            "{}",
            r.structure.source
        );
        // A snapshot of 1 d candles cannot be resampled to 1 h or 4 h: read as it is, and said.
        let mut daily = tiny_snapshot(40);
        daily.interval = "1d".into();
        for (i, c) in daily.venues[0].candles.iter_mut().enumerate() {
            c.open_time = daily.captured_at - Duration::days(40 - i as i64);
        }
        let r = report_for(&daily, 7 * 86_400, None);
        assert_eq!((r.structure.trend_interval.as_str(), r.structure.levels_interval.as_str()), ("1d", "1d"));
        assert_eq!(r.structure.source, "binance 1d candles as they are");
    }
}
