//! Price-structure indicators for the report: EMA, Wilder RSI, fractal swings, sweeps and
//! cumulative volume delta. Pure functions on slices; short series give `None` or empty
//! results, never a panic. These are checklist heuristics, not signals.

use crate::model::fmt;
use crate::model::snapshot::Candle;

/// The trend is read on candles of this timeframe (4 h), resampled from the snapshot.
pub(crate) const TREND_INTERVAL_SECS: i64 = 4 * 3600;
/// Period of the trend EMA, in trend candles (21 × 4 h = 3.5 days, so a 7-day lookback has it).
pub(crate) const TREND_EMA_PERIOD: usize = 21;
/// Fractal size of the trend swings: a 4 h swing high is above the 2 candles on each side (8 h).
pub(crate) const TREND_SWING_N: usize = 2;
/// Support, resistance, sweeps and the RSI are read on candles of this timeframe (1 h).
pub(crate) const LEVELS_INTERVAL_SECS: i64 = 3600;
/// Fractal size of the level swings: a 1 h swing high is above the 3 candles on each side.
pub(crate) const LEVELS_SWING_N: usize = 3;
/// Period of the RSI (Wilder's smoothing).
pub(crate) const RSI_PERIOD: usize = 14;
/// RSI at or above this is `overbought`.
pub(crate) const RSI_OVERBOUGHT: f64 = 70.0;
/// RSI at or below this is `oversold`.
pub(crate) const RSI_OVERSOLD: f64 = 30.0;
/// A sweep is looked for in the last `SWEEP_K` level candles (3 h at 1 h).
pub(crate) const SWEEP_K: usize = 3;
/// CVD within ± this share of the window's volume is `balanced`.
pub(crate) const CVD_BALANCED_SHARE: f64 = 0.05;

/// Exponential moving average of `values` with `period`: seeded with the simple mean of the
/// first `period` values, then `ema = ema + 2 / (period + 1) * (x - ema)`. Returns the last
/// value; `None` when there are fewer than `period` values or `period` is 0.
pub fn ema(values: &[f64], period: usize) -> Option<f64> {
    if period == 0 || values.len() < period {
        return None;
    }
    let alpha = 2.0 / (period as f64 + 1.0);
    let seed = values[..period].iter().sum::<f64>() / period as f64;
    Some(values[period..].iter().fold(seed, |e, x| e + alpha * (x - e)))
}

/// Relative strength index with Wilder's smoothing: the first average gain and loss are the
/// simple means of the first `period` changes, then `avg = (avg * (period - 1) + x) / period`.
/// `RSI = 100 - 100 / (1 + avg_gain / avg_loss)`; 100 when there were no losses (50 when the
/// series did not move at all). `None` with fewer than `period + 1` values.
pub(crate) fn rsi_wilder(closes: &[f64], period: usize) -> Option<f64> {
    if period == 0 || closes.len() < period + 1 {
        return None;
    }
    let changes: Vec<f64> = closes.windows(2).map(|w| w[1] - w[0]).collect();
    let p = period as f64;
    let mut gain = changes[..period].iter().map(|c| c.max(0.0)).sum::<f64>() / p;
    let mut loss = changes[..period].iter().map(|c| (-c).max(0.0)).sum::<f64>() / p;
    for c in &changes[period..] {
        gain = (gain * (p - 1.0) + c.max(0.0)) / p;
        loss = (loss * (p - 1.0) + (-c).max(0.0)) / p;
    }
    Some(match (gain > 0.0, loss > 0.0) {
        (_, true) => 100.0 - 100.0 / (1.0 + gain / loss),
        (true, false) => 100.0,
        (false, false) => 50.0,
    })
}

/// `overbought` (>= 70), `oversold` (<= 30), `neutral`, or `unknown` without an RSI.
pub fn rsi_label(rsi: Option<f64>) -> String {
    match rsi {
        Some(r) if r >= RSI_OVERBOUGHT => "overbought",
        Some(r) if r <= RSI_OVERSOLD => "oversold",
        Some(_) => "neutral",
        None => "unknown",
    }
    .into()
}

/// Whether a swing is a high or a low.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SwingKind {
    High,
    Low,
}

/// One fractal pivot: candle index, its high (for a high) or low (for a low).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Swing {
    pub index: usize,
    pub price: f64,
    pub kind: SwingKind,
}

/// Fractal pivots: candle `i` is a swing high when its high is strictly greater than the highs
/// of the `n` candles before and the `n` after it, a swing low likewise with lows. Candles
/// without `n` neighbours on both sides (the first and last `n`) are never pivots. Ascending by
/// index.
pub fn swings(candles: &[Candle], n: usize) -> Vec<Swing> {
    let len = candles.len();
    if n == 0 || len < 2 * n + 1 {
        return vec![];
    }
    let mut out = Vec::new();
    for i in n..len - n {
        let around = || (i - n..=i + n).filter(move |&j| j != i);
        let c = &candles[i];
        if around().all(|j| c.high > candles[j].high) {
            out.push(Swing { index: i, price: c.high, kind: SwingKind::High });
        }
        if around().all(|j| c.low < candles[j].low) {
            out.push(Swing { index: i, price: c.low, kind: SwingKind::Low });
        }
    }
    out
}

/// The last two prices of swings of `kind`, oldest first.
fn last_two(swings: &[Swing], kind: SwingKind) -> Option<(f64, f64)> {
    let mut it = swings.iter().rev().filter(|s| s.kind == kind);
    let last = it.next()?.price;
    let prev = it.next()?.price;
    Some((prev, last))
}

/// The pattern of the last two swing highs and the last two swing lows:
/// `higher highs and higher lows`, `lower highs and lower lows`, `mixed (higher highs, lower
/// lows)` and so on, or `not enough swings` with fewer than two of either.
pub fn swing_pattern(swings: &[Swing]) -> String {
    let (Some((h0, h1)), Some((l0, l1))) = (last_two(swings, SwingKind::High), last_two(swings, SwingKind::Low)) else {
        return "not enough swings".into();
    };
    let hh = if h1 > h0 { "higher highs" } else { "lower highs" };
    let hl = if l1 > l0 { "higher lows" } else { "lower lows" };
    match (h1 > h0, l1 > l0) {
        (true, true) | (false, false) => format!("{hh} and {hl}"),
        _ => format!("mixed ({hh}, {hl})"),
    }
}

/// `true` for `higher highs and higher lows`.
pub(crate) fn is_bullish_pattern(p: &str) -> bool {
    p == "higher highs and higher lows"
}

/// `true` for `lower highs and lower lows`.
pub(crate) fn is_bearish_pattern(p: &str) -> bool {
    p == "lower highs and lower lows"
}

/// Nearest swing low strictly below `price` (support) and swing high strictly above (resistance).
pub(crate) fn support_resistance(swings: &[Swing], price: f64) -> (Option<f64>, Option<f64>) {
    let support = swings
        .iter()
        .filter(|s| s.kind == SwingKind::Low && s.price < price)
        .map(|s| s.price)
        .fold(None, |m: Option<f64>, p| Some(m.map_or(p, |m| m.max(p))));
    let resistance = swings
        .iter()
        .filter(|s| s.kind == SwingKind::High && s.price > price)
        .map(|s| s.price)
        .fold(None, |m: Option<f64>, p| Some(m.map_or(p, |m| m.min(p))));
    (support, resistance)
}

/// A liquidity sweep: one of the last `k` candles traded beyond the most recent swing high
/// (low) found before those `k` candles, and the last candle closed back below (above) it.
/// Phrased as `swept the prior high 107,120 and closed back below`; both sides are joined with
/// `; ` when both happened. `None` when neither did (or the data is too short).
pub fn sweep(candles: &[Candle], swings: &[Swing], k: usize) -> Option<String> {
    let len = candles.len();
    if k == 0 || len <= k {
        return None;
    }
    let recent = &candles[len - k..];
    let last_close = recent.last()?.close;
    let prior = |kind| swings.iter().rev().find(|s| s.kind == kind && s.index < len - k).map(|s| s.price);
    let mut out = Vec::new();
    if let Some(h) = prior(SwingKind::High) {
        if recent.iter().any(|c| c.high > h) && last_close < h {
            out.push(format!("swept the prior high {} and closed back below", fmt::price(h)));
        }
    }
    if let Some(l) = prior(SwingKind::Low) {
        if recent.iter().any(|c| c.low < l) && last_close > l {
            out.push(format!("swept the prior low {} and closed back above", fmt::price(l)));
        }
    }
    (!out.is_empty()).then(|| out.join("; "))
}

/// Cumulative volume delta: `sum(2 * taker_buy - volume)` in base units over `candles`, when
/// every candle reports taker-buy volume; `None` otherwise (or for no candles).
pub fn cvd(candles: &[Candle]) -> Option<f64> {
    if candles.is_empty() {
        return None;
    }
    candles.iter().map(|c| c.taker_buy_volume.map(|tb| 2.0 * tb - c.volume)).sum()
}

/// `net taker buying` / `net taker selling` when |CVD| exceeds 5 % of the candles' volume,
/// else `balanced`; `None` without a CVD.
pub fn cvd_label(cvd: Option<f64>, candles: &[Candle]) -> Option<String> {
    let d = cvd?;
    let vol: f64 = candles.iter().map(|c| c.volume).sum();
    let share = if vol > 0.0 { d / vol } else { 0.0 };
    let label = if share > CVD_BALANCED_SHARE {
        "net taker buying"
    } else if share < -CVD_BALANCED_SHARE {
        "net taker selling"
    } else {
        "balanced"
    };
    Some(format!("{label} ({:+.1}% of volume)", share * 100.0))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    /// Candle `i` (5m apart) with the given high/low; open and close at the middle unless set.
    pub(crate) fn hl(i: usize, high: f64, low: f64, close: f64) -> Candle {
        let t0 = Utc.with_ymd_and_hms(2025, 11, 1, 0, 0, 0).unwrap();
        Candle {
            open_time: t0 + Duration::minutes(5 * i as i64),
            open: close,
            high,
            low,
            close,
            volume: 10.0,
            taker_buy_volume: None,
        }
    }

    #[test]
    fn ema_matches_hand_computation() {
        // period 3: seed (1+2+3)/3 = 2; alpha 0.5: 4 -> 3, 5 -> 4.
        assert_eq!(ema(&[1.0, 2.0, 3.0, 4.0, 5.0], 3), Some(4.0));
        assert_eq!(ema(&[1.0, 2.0, 3.0], 3), Some(2.0));
        assert_eq!(ema(&[1.0, 2.0], 3), None);
        assert_eq!(ema(&[], 0), None);
        // A constant series is its own EMA.
        assert_eq!(ema(&[7.0; 250], 200), Some(7.0));
    }

    #[test]
    fn rsi_rising_falling_flat_and_short() {
        let up: Vec<f64> = (0..30).map(|i| 100.0 + i as f64).collect();
        assert_eq!(rsi_wilder(&up, 14), Some(100.0));
        let down: Vec<f64> = up.iter().rev().copied().collect();
        assert_eq!(rsi_wilder(&down, 14), Some(0.0));
        assert_eq!(rsi_wilder(&[5.0; 20], 14), Some(50.0));
        assert_eq!(rsi_wilder(&up[..14], 14), None);
        assert_eq!(rsi_wilder(&[], 14), None);
    }

    #[test]
    fn rsi_known_15_point_series() {
        // 14 changes alternating +2, -1: avg gain 14/14 = 1, avg loss 7/14 = 0.5, RS = 2, RSI 66.67.
        let mut s = vec![100.0];
        for i in 0..14 {
            let last = s[s.len() - 1];
            s.push(if i % 2 == 0 { last + 2.0 } else { last - 1.0 });
        }
        assert_eq!(s.len(), 15);
        let r = rsi_wilder(&s, 14).unwrap();
        assert!((r - 200.0 / 3.0).abs() < 1e-9, "{r}");
        // One more change of -3 by Wilder: gain 13/14, loss (0.5*13 + 3)/14 = 9.5/14; RS 13/9.5.
        s.push(s[14] - 3.0);
        let r = rsi_wilder(&s, 14).unwrap();
        let expect = 100.0 - 100.0 / (1.0 + 13.0 / 9.5);
        assert!((r - expect).abs() < 1e-9, "{r} vs {expect}");
        assert_eq!(rsi_label(Some(r)), "neutral");
        assert_eq!(rsi_label(Some(70.0)), "overbought");
        assert_eq!(rsi_label(Some(30.0)), "oversold");
        assert_eq!(rsi_label(None), "unknown");
    }

    /// Zigzag: peaks every 8 candles. Triangle wave between `lo` and `hi` plus a drift per cycle.
    fn zigzag(cycles: usize, drift: f64) -> Vec<Candle> {
        let mut out = Vec::new();
        for i in 0..cycles * 8 {
            let phase = (i % 8) as f64;
            let tri = if phase <= 4.0 { phase } else { 8.0 - phase };
            let mid = 100.0 + tri * 2.0 + drift * (i as f64 / 8.0);
            out.push(hl(i, mid + 0.5, mid - 0.5, mid));
        }
        out
    }

    #[test]
    fn swings_on_a_rising_zigzag() {
        let c = zigzag(6, 1.0);
        let s = swings(&c, 3);
        let highs: Vec<usize> = s.iter().filter(|s| s.kind == SwingKind::High).map(|s| s.index).collect();
        let lows: Vec<usize> = s.iter().filter(|s| s.kind == SwingKind::Low).map(|s| s.index).collect();
        assert_eq!(highs, vec![4, 12, 20, 28, 36, 44]);
        assert_eq!(lows, vec![8, 16, 24, 32, 40]);
        assert_eq!(swing_pattern(&s), "higher highs and higher lows");
        assert!(is_bullish_pattern(&swing_pattern(&s)));
        let falling = swings(&zigzag(6, -1.0), 3);
        assert_eq!(swing_pattern(&falling), "lower highs and lower lows");
        assert!(is_bearish_pattern(&swing_pattern(&falling)));
        assert_eq!(swing_pattern(&[]), "not enough swings");
        assert!(swings(&c[..6], 3).is_empty());
        assert!(swings(&c, 0).is_empty());
        let (sup, res) = support_resistance(&s, 104.0);
        assert_eq!(sup, Some(103.5)); // low at index 32: mid 100 + 4 drift, low 103.5
        assert_eq!(res, Some(108.0 + 0.5 + 0.5)); // high at index 4: mid 108.5, high 109.0
    }

    #[test]
    fn sweep_true_and_false() {
        // Swing high 110 at index 3 (n = 2); then the last candle wicks to 111 and closes 108.
        let mut c: Vec<Candle> = [100.0, 102.0, 105.0, 110.0, 104.0, 103.0, 104.0, 105.0]
            .iter()
            .enumerate()
            .map(|(i, &h)| hl(i, h, h - 3.0, h - 1.0))
            .collect();
        let s = swings(&c, 2);
        assert!(s.iter().any(|s| s.kind == SwingKind::High && s.price == 110.0));
        assert_eq!(sweep(&c, &s, 2), None, "no candle went beyond 110");
        c.push(hl(8, 111.0, 106.0, 108.0));
        assert_eq!(sweep(&c, &s, 2).as_deref(), Some("swept the prior high 110.00 and closed back below"));
        // Broke out and held above: no sweep.
        c.push(hl(9, 113.0, 110.5, 112.0));
        assert_eq!(sweep(&c, &s, 2), None);
        // A low sweep: swing low 97 at index 3 (mirror), last candle wicks to 96, closes 99.
        let mut d: Vec<Candle> = [103.0, 101.0, 99.0, 97.0, 100.0, 101.0, 100.0]
            .iter()
            .enumerate()
            .map(|(i, &l)| hl(i, l + 3.0, l, l + 1.0))
            .collect();
        d.push(hl(7, 100.0, 96.0, 99.0));
        let s = swings(&d, 2);
        assert_eq!(sweep(&d, &s, 2).as_deref(), Some("swept the prior low 97.000 and closed back above"));
        assert_eq!(sweep(&d[..2], &s, 6), None);
    }

    #[test]
    fn cvd_needs_taker_volume_everywhere() {
        let mut c = vec![hl(0, 2.0, 1.0, 1.5), hl(1, 2.0, 1.0, 1.5)];
        assert_eq!(cvd(&c), None);
        c[0].taker_buy_volume = Some(7.0); // +4
        assert_eq!(cvd(&c), None);
        c[1].taker_buy_volume = Some(4.0); // -2
        assert_eq!(cvd(&c), Some(2.0));
        assert_eq!(cvd_label(Some(2.0), &c).as_deref(), Some("net taker buying (+10.0% of volume)"));
        assert_eq!(cvd_label(Some(-0.5), &c).as_deref(), Some("balanced (-2.5% of volume)"));
        assert_eq!(cvd_label(None, &c), None);
        assert_eq!(cvd(&[]), None);
    }
}
