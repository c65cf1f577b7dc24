//! Aligning irregular open-interest samples to candle close times.

use chrono::{DateTime, Utc};

use crate::model::snapshot::OiPoint;

/// Open interest (one-sided USD) at time `t`: linear interpolation between the samples
/// around `t`, the sample itself at an exact match, and `None` before the first or after
/// the last sample (no data is invented beyond the recorded range).
pub fn oi_at(points: &[OiPoint], t: DateTime<Utc>) -> Option<f64> {
    let first = points.first()?;
    let last = points.last()?;
    if t < first.time || t > last.time {
        return None;
    }
    let i = points.partition_point(|p| p.time <= t);
    // points[i-1].time <= t, and points[i].time > t when i < len.
    let a = &points[i - 1];
    if a.time == t || i == points.len() {
        return Some(a.oi_usd);
    }
    let b = &points[i];
    let span = (b.time - a.time).num_milliseconds() as f64;
    let f = (t - a.time).num_milliseconds() as f64 / span;
    Some(a.oi_usd + (b.oi_usd - a.oi_usd) * f)
}

/// Open interest at each of `times` (ascending), by [`oi_at`].
pub(crate) fn align(points: &[OiPoint], times: &[DateTime<Utc>]) -> Vec<Option<f64>> {
    times.iter().map(|&t| oi_at(points, t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 11, 1, h, m, 0).unwrap()
    }

    #[test]
    fn interpolates_inside_and_refuses_outside() {
        let pts = vec![OiPoint { time: t(1, 0), oi_usd: 100.0 }, OiPoint { time: t(3, 0), oi_usd: 200.0 }];
        assert_eq!(oi_at(&pts, t(0, 55)), None);
        assert_eq!(oi_at(&pts, t(1, 0)), Some(100.0));
        assert_eq!(oi_at(&pts, t(2, 0)), Some(150.0));
        assert_eq!(oi_at(&pts, t(2, 30)), Some(175.0));
        assert_eq!(oi_at(&pts, t(3, 0)), Some(200.0));
        assert_eq!(oi_at(&pts, t(3, 5)), None);
        assert_eq!(oi_at(&[], t(3, 5)), None);
    }
}
