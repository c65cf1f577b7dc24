//! Tick placement: prices (1-2-5 steps), times (whole hours and days), log colour scales.

use chrono::{DateTime, Duration, Timelike, Utc};

/// A "nice" step (1, 2, 2.5 or 5 times a power of ten) near `raw`.
pub(crate) fn nice_step(raw: f64) -> f64 {
    let p = 10f64.powf(raw.log10().floor());
    let f = raw / p;
    let m = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * p
}

/// Price ticks in `[lo, hi]`, about `target` of them, and the step used.
pub(crate) fn price_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
    let step = nice_step((hi - lo) / target.max(1) as f64);
    let mut v = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while v <= hi && out.len() < 1000 {
        out.push(v);
        v += step;
    }
    (out, step)
}

/// Decimals needed to tell ticks `step` apart.
pub(crate) fn step_decimals(step: f64) -> usize {
    if step >= 1.0 {
        if (step - step.round()).abs() < 1e-9 {
            0
        } else {
            1
        }
    } else {
        let mut d = (-step.log10()).ceil() as usize;
        if ((step * 10f64.powi(d as i32)) - (step * 10f64.powi(d as i32)).round()).abs() > 1e-6 {
            d += 1;
        }
        d.min(12)
    }
}

/// Time ticks in `[start, end]` at a whole-hour step that leaves at least `min_gap_secs`
/// between ticks.
pub(crate) fn time_ticks(start: DateTime<Utc>, end: DateTime<Utc>, min_gap_secs: i64) -> Vec<DateTime<Utc>> {
    const STEPS: [i64; 12] = [300, 900, 1800, 3600, 7200, 10800, 14400, 21600, 43200, 86400, 172800, 604800];
    let step = STEPS.iter().copied().find(|s| *s >= min_gap_secs).unwrap_or(604_800);
    let secs = start.timestamp();
    let first = secs.div_euclid(step) * step + if secs.rem_euclid(step) == 0 { 0 } else { step };
    let mut out = Vec::new();
    let mut t = DateTime::<Utc>::from_timestamp(first, 0).unwrap_or(start);
    while t <= end && out.len() < 500 {
        out.push(t);
        t += Duration::seconds(step);
    }
    out
}

/// Label for a time tick: `Nov 10` at midnight, else `14:00`.
pub(crate) fn time_label(t: DateTime<Utc>) -> String {
    if t.hour() == 0 && t.minute() == 0 {
        t.format("%b %-d").to_string()
    } else {
        t.format("%H:%M").to_string()
    }
}

/// The steps of [`fine_ceil`] within a decade (close to a Renard R10 series): the result is
/// at most a third above the input, and nearby inputs give the same value.
pub(crate) const FINE_STEPS: [f64; 11] = [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0];

/// Round `x` up to one of [`FINE_STEPS`] times a power of ten.
pub fn fine_ceil(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    let f = x / p;
    FINE_STEPS.iter().copied().find(|m| f <= m + 1e-9).unwrap_or(10.0) * p
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn price_ticks_are_round() {
        let (t, step) = price_ticks(101_234.0, 112_900.0, 12);
        assert_eq!(step, 1000.0);
        assert_eq!(t.first(), Some(&102_000.0));
        assert_eq!(t.last(), Some(&112_000.0));
        let (t, step) = price_ticks(0.1432, 0.1611, 8);
        assert!((step - 0.0025).abs() < 1e-12, "{step}");
        assert_eq!(step_decimals(step), 4);
        assert!(t.len() >= 6);
        assert_eq!(step_decimals(1000.0), 0);
        assert_eq!(step_decimals(0.5), 1);
    }

    #[test]
    fn time_ticks_fall_on_whole_hours() {
        let s = Utc.with_ymd_and_hms(2025, 11, 9, 23, 55, 0).unwrap();
        let e = s + Duration::hours(24);
        let t = time_ticks(s, e, 3 * 3600);
        assert_eq!(t[0], Utc.with_ymd_and_hms(2025, 11, 10, 0, 0, 0).unwrap());
        assert_eq!(t[1] - t[0], Duration::hours(3));
        assert_eq!(time_label(t[0]), "Nov 10");
        assert_eq!(time_label(t[1]), "03:00");
    }

    #[test]
    fn fine_ceil_rounds_up_at_most_a_third() {
        assert_eq!(fine_ceil(1_391_873.0), 1.5e6);
        assert_eq!(fine_ceil(1.5e6), 1.5e6);
        assert_eq!(fine_ceil(2.01e6), 2.5e6);
        assert_eq!(fine_ceil(8.5e4), 1e5);
        for i in 1..1000 {
            let x = i as f64 * 137.0;
            let r = fine_ceil(x);
            assert!(r >= x && r <= 4.0 / 3.0 * x + 1e-6, "{x} -> {r}");
        }
    }
}
