//! The heatmap's colour transfer: which USD per 0.1 % band each colour stands for. Pure.
//!
//! The colours themselves ([`super::palette::Fade::color`] through
//! [`super::palette::Theme::heat`]) are shared by the cells and the legend.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};

use super::axis;
use crate::engine::estimate::{EstimateParams, Grid};
use crate::model::snapshot::MarketSnapshot;

/// Colour scales and cell values are in USD per this fraction of price.
pub const BAND: f64 = 0.001;

/// Cells below the top of the colour scale divided by this are not drawn (they would be
/// indistinguishable from the background).
pub const FLOOR_RATIO: f64 = 100.0;

/// The top of the colour scale is this percentile of the non-empty cells (USD per 0.1 % band),
/// rounded up with [`axis::fine_ceil`]; chosen on the 24 h charts of 3-7 Nov 2025 and checked on
/// 8-11 Nov and on 7-day charts (docs/chart.md, `tests/it/render_heat.rs`).
pub const SCALE_TOP_PERCENTILE: f64 = 0.99;

/// Cells at or above this position of the colour scale are "hot" (its top third: orange to
/// pale yellow).
pub const HOT_T: f64 = 2.0 / 3.0;

/// The colour scale: linear in USD per 0.1 % band from 0 to `hi` (cells above `hi` are drawn
/// as `hi`); cells below `lo` are not drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColorScale {
    pub lo: f64,
    pub hi: f64,
}

impl ColorScale {
    /// From the option, or the [`SCALE_TOP_PERCENTILE`] of non-empty cells rounded up with
    /// [`axis::fine_ceil`], so the bulk of the map stays dark, only dense levels are bright,
    /// and a single outlier cannot wash out the rest.
    pub fn pick(grid: &Grid, color_max: Option<f64>) -> Self {
        let hi = color_max.unwrap_or_else(|| {
            let k = (BAND / grid.row_rel_width()) as f32;
            let mut v: Vec<f32> =
                (0..grid.long.len()).map(|i| (grid.long[i] + grid.short[i]) * k).filter(|x| *x > 0.0).collect();
            if v.is_empty() {
                return 1_000.0;
            }
            let idx = ((v.len() - 1) as f64 * SCALE_TOP_PERCENTILE).round() as usize;
            let (_, p, _) = v.select_nth_unstable_by(idx, |a, b| a.total_cmp(b));
            axis::fine_ceil(*p as f64)
        });
        ColorScale { lo: hi / FLOOR_RATIO, hi }
    }

    /// Position 0..=1 on the scale, `None` below its floor.
    pub fn t(&self, v: f64) -> Option<f64> {
        if v < self.lo || v <= 0.0 {
            return None;
        }
        Some((v / self.hi).min(1.0))
    }
}

/// Share of the heatmap's cells (all of them, empty ones included) drawn in the top third of
/// the colour scale: the figure docs/chart.md reports per day.
pub fn hot_share(grid: &Grid, scale: &ColorScale) -> f64 {
    let k = BAND / grid.row_rel_width();
    let n = grid.cols * grid.rows;
    if n == 0 {
        return 0.0;
    }
    let hot = (0..grid.cols)
        .flat_map(|c| (0..grid.rows).map(move |r| (c, r)))
        .filter(|&(c, r)| scale.t(grid.total(c, r) as f64 * k).is_some_and(|t| t >= HOT_T))
        .count();
    hot as f64 / n as f64
}

/// Where the top of the colour scale came from; the legend says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorTop {
    /// The chart's own cells ([`ColorScale::pick`]): the snapshot does not hold the reference week.
    #[default]
    Chart,
    /// `--color-max`.
    Pinned,
    /// The reference week: the full UTC week (Monday to Monday) before the week of the capture,
    /// ending at this time. Every chart captured in one week shares the top, so a daily series
    /// compares by eye (the same USD is the same colour Monday to Sunday).
    Week(DateTime<Utc>),
}

impl ColorTop {
    /// The legend's words for it, e.g. `top from the week to 10 Nov` (short: `top: week to 10 Nov`).
    pub fn legend(self, short: bool) -> String {
        match (self, short) {
            (ColorTop::Chart, false) => "top from this chart".into(),
            (ColorTop::Chart, true) => "top: this chart".into(),
            (ColorTop::Pinned, false) => "top pinned (--color-max)".into(),
            (ColorTop::Pinned, true) => "top: pinned".into(),
            (ColorTop::Week(end), false) => format!("top from the week to {} (same all week)", end.format("%-d %b")),
            (ColorTop::Week(end), true) => format!("top: week to {}", end.format("%-d %b")),
        }
    }
}

/// The reference week of `snap`: from the Monday 00:00 UTC a week before the Monday of the
/// capture's week to that Monday, when the snapshot holds all of it (candles from its start).
pub fn reference_week(snap: &MarketSnapshot) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let day = snap.captured_at.date_naive();
    let monday = day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()));
    let end = Utc.from_utc_datetime(&monday.and_hms_opt(0, 0, 0)?);
    let start = end - Duration::days(7);
    let first = snap.venues.iter().filter_map(|v| v.candles.first().map(|c| c.open_time)).min()?;
    (first <= start && end <= snap.captured_at).then_some((start, end))
}

/// Price rows of the reference week's map (a fixed resolution, so the top does not depend on
/// the image size).
const REFERENCE_ROWS: usize = 600;

/// The top of the colour scale from the reference week ([`reference_week`]): the
/// [`SCALE_TOP_PERCENTILE`] of the week's 7-day map (the snapshot as it stood at the week's
/// end, its candles merged to hourly ones when shorter — a twelfth of the work for 5-minute
/// candles, so the top costs a few milliseconds — one column per hour, [`REFERENCE_ROWS`]
/// rows), rounded up as [`ColorScale::pick`] rounds; `None` when the snapshot does not hold the
/// week or it cannot be estimated.
pub fn week_top(snap: &MarketSnapshot, params: &EstimateParams) -> Option<(f64, DateTime<Utc>)> {
    let (_, end) = reference_week(snap)?;
    let mut cut = snap.cut(None, end);
    let step = cut.interval_secs();
    if step < 3600 && 3600 % step == 0 {
        for v in &mut cut.venues {
            v.candles = crate::engine::resample::resample(&v.candles, step, 3600)?.candles;
        }
        cut.interval = "1h".into();
    }
    let p = EstimateParams {
        window_secs: 7 * 86_400,
        rows: REFERENCE_ROWS,
        max_cols: None,
        price_range: None,
        ..params.clone()
    };
    let est = crate::engine::estimate::estimate(&cut, &p).ok()?;
    Some((ColorScale::pick(&est.grid, None).hi, end))
}
