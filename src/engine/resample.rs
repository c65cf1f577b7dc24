//! Resampling candles to a higher timeframe (5m / 15m / 1h → 1 h, 4 h) for the market-structure
//! read. Pure: no clock; "complete" is judged from the candles themselves.
//!
//! Rules:
//! - buckets are aligned to UTC: a candle opening at `t` belongs to the bucket opening at
//!   `t - t mod target` (seconds since the Unix epoch), so 4 h candles open at 00, 04, 08 ... UTC;
//! - open = the first candle's open, high = the highest high, low = the lowest low, close = the
//!   last candle's close, volume = the sum; taker-buy volume = the sum when every candle of the
//!   bucket reports it, else none;
//! - the **last** bucket is dropped when its candles do not reach the bucket's end (it is still
//!   forming), and the **first** when its candles do not start at the bucket's start (its open
//!   would not be the bucket's open); both are counted in [`Resampled`]. Buckets inside the data
//!   that miss candles (gaps in the source) are kept, as the source shows them.

use chrono::{DateTime, Duration, Utc};

use crate::model::snapshot::Candle;

/// Candles at the target timeframe and what was left out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Resampled {
    /// Target timeframe, seconds.
    pub interval_secs: i64,
    pub candles: Vec<Candle>,
    /// The first bucket was dropped: the data starts inside it.
    pub dropped_first: bool,
    /// The last bucket was dropped: it was still forming.
    pub dropped_last: bool,
}

/// Open time of the UTC-aligned bucket of `target` seconds holding `t`.
pub(crate) fn bucket_start(t: DateTime<Utc>, target: i64) -> DateTime<Utc> {
    let s = t.timestamp();
    let start = s - s.rem_euclid(target);
    DateTime::from_timestamp(start, 0).unwrap_or(t)
}

/// Resamples `candles` of `source` seconds (ascending by open time) into `target`-second
/// candles by the rules of the module. `None` unless `target` is a positive whole multiple of
/// `source` (a 5m series cannot make 7m candles, a 4h series cannot make 1h candles);
/// `target == source` returns the candles as they are (nothing dropped).
pub(crate) fn resample(candles: &[Candle], source: i64, target: i64) -> Option<Resampled> {
    if source <= 0 || target <= 0 || target % source != 0 {
        return None;
    }
    if target == source {
        return Some(Resampled {
            interval_secs: target,
            candles: candles.to_vec(),
            dropped_first: false,
            dropped_last: false,
        });
    }
    let mut groups: Vec<(DateTime<Utc>, Vec<&Candle>)> = Vec::new();
    for c in candles {
        let b = bucket_start(c.open_time, target);
        match groups.last_mut() {
            Some((start, g)) if *start == b => g.push(c),
            _ => groups.push((b, vec![c])),
        }
    }
    let (src, tgt) = (Duration::seconds(source), Duration::seconds(target));
    let dropped_first = groups.first().is_some_and(|(start, g)| g[0].open_time > *start);
    let dropped_last = groups.len() > usize::from(dropped_first)
        && groups.last().is_some_and(|(start, g)| g[g.len() - 1].open_time + src < *start + tgt);
    let end = groups.len() - usize::from(dropped_last);
    let begin = usize::from(dropped_first).min(end);
    let out = groups[begin..end]
        .iter()
        .map(|(start, g)| Candle {
            open_time: *start,
            open: g[0].open,
            high: g.iter().map(|c| c.high).fold(f64::NEG_INFINITY, f64::max),
            low: g.iter().map(|c| c.low).fold(f64::INFINITY, f64::min),
            close: g[g.len() - 1].close,
            volume: g.iter().map(|c| c.volume).sum(),
            taker_buy_volume: g.iter().map(|c| c.taker_buy_volume).sum(),
        })
        .collect();
    Some(Resampled { interval_secs: target, candles: out, dropped_first, dropped_last })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn c(t: DateTime<Utc>, o: f64, h: f64, l: f64, cl: f64, v: f64, tb: Option<f64>) -> Candle {
        Candle { open_time: t, open: o, high: h, low: l, close: cl, volume: v, taker_buy_volume: tb }
    }

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 11, 1, h, m, 0).unwrap()
    }

    #[test]
    fn ohlc_volume_and_utc_buckets() {
        // 15m candles from 00:00 to 01:45: two full hours.
        let src: Vec<Candle> = (0..8)
            .map(|i| {
                let x = 100.0 + i as f64;
                c(
                    t(0, 0) + Duration::minutes(15 * i),
                    x,
                    x + 5.0 - (i % 3) as f64,
                    x - 2.0,
                    x + 0.5,
                    10.0 + i as f64,
                    Some(4.0),
                )
            })
            .collect();
        let r = resample(&src, 900, 3600).unwrap();
        assert_eq!((r.dropped_first, r.dropped_last), (false, false));
        assert_eq!(r.candles.len(), 2);
        let h0 = &r.candles[0];
        assert_eq!(h0.open_time, t(0, 0));
        assert_eq!((h0.open, h0.high, h0.low, h0.close), (100.0, 103.0 + 5.0, 98.0, 103.5));
        assert_eq!((h0.volume, h0.taker_buy_volume), (10.0 + 11.0 + 12.0 + 13.0, Some(16.0)));
        let h1 = &r.candles[1];
        assert_eq!((h1.open_time, h1.open, h1.close), (t(1, 0), 104.0, 107.5));
        assert_eq!(
            h1.high,
            [104.0 + 5.0 - 1.0, 105.0 + 5.0 - 2.0, 106.0 + 5.0, 107.0 + 5.0 - 1.0].into_iter().fold(0.0, f64::max)
        );
        // 4 h buckets are UTC-aligned: 02:00 and 03:55 share the 00:00 bucket, 04:00 starts one.
        assert_eq!(bucket_start(t(3, 55), 4 * 3600), t(0, 0));
        assert_eq!(bucket_start(t(4, 0), 4 * 3600), t(4, 0));
        assert_eq!(bucket_start(t(23, 59), 4 * 3600), t(20, 0));
    }

    #[test]
    fn incomplete_edge_buckets_are_dropped_and_said() {
        // 5m candles from 00:50 to 03:10: the 00:00 hour starts late, the 03:00 hour is forming.
        let src: Vec<Candle> =
            (0..29).map(|i| c(t(0, 50) + Duration::minutes(5 * i), 1.0, 2.0, 0.5, 1.5, 1.0, None)).collect();
        assert_eq!(src.last().unwrap().open_time, t(3, 10));
        let r = resample(&src, 300, 3600).unwrap();
        assert!(r.dropped_first && r.dropped_last);
        assert_eq!(r.candles.iter().map(|c| c.open_time).collect::<Vec<_>>(), [t(1, 0), t(2, 0)]);
        assert!(r.candles.iter().all(|c| c.volume == 12.0 && c.taker_buy_volume.is_none()));
        // The last bucket counts as complete once its last candle closes at the bucket's end.
        let full: Vec<Candle> =
            (0..24).map(|i| c(t(0, 0) + Duration::minutes(5 * i), 1.0, 2.0, 0.5, 1.5, 1.0, None)).collect();
        let r = resample(&full, 300, 3600).unwrap();
        assert_eq!((r.candles.len(), r.dropped_first, r.dropped_last), (2, false, false));
        let r = resample(&full[..23], 300, 3600).unwrap();
        assert_eq!((r.candles.len(), r.dropped_last), (1, true));
    }

    #[test]
    fn gaps_inside_are_kept_and_taker_volume_needs_every_candle() {
        let mut src: Vec<Candle> =
            (0..24).map(|i| c(t(0, 0) + Duration::minutes(5 * i), 1.0, 2.0, 0.5, 1.5, 1.0, Some(0.5))).collect();
        src.remove(3); // a missing 00:15 candle
        src[14].taker_buy_volume = None; // 01:15 has no taker volume
        let r = resample(&src, 300, 3600).unwrap();
        assert_eq!(r.candles.len(), 2);
        assert_eq!((r.candles[0].volume, r.candles[0].taker_buy_volume), (11.0, Some(5.5)));
        assert_eq!(r.candles[1].taker_buy_volume, None);
    }

    #[test]
    fn only_whole_multiples() {
        let src = vec![c(t(0, 0), 1.0, 1.0, 1.0, 1.0, 1.0, None)];
        assert!(resample(&src, 300, 420).is_none());
        assert!(resample(&src, 4 * 3600, 3600).is_none());
        assert!(resample(&src, 0, 3600).is_none());
        assert_eq!(resample(&src, 3600, 3600).unwrap().candles, src);
        let empty = resample(&[], 300, 3600).unwrap();
        assert!(empty.candles.is_empty() && !empty.dropped_first && !empty.dropped_last);
    }
}
