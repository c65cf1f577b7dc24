//! The heatmap's colour transfer: which USD per 0.1 % band each colour stands for. Pure.
//!
//! The colours themselves ([`super::palette::heat_color`]) are shared by the cells and the legend.

use super::axis;
use super::chart::BAND;
use crate::estimate::Grid;

/// Cells below the top of the colour scale divided by this are not drawn (they would be
/// indistinguishable from the background).
pub const FLOOR_RATIO: f64 = 100.0;

/// The top of the colour scale is this percentile of the non-empty cells (USD per 0.1 % band),
/// rounded up with [`axis::fine_ceil`]; chosen on the 24 h charts of 3-7 Nov 2025 and checked on
/// 8-11 Nov and on 7-day charts (README "The chart", `tests/render_heat.rs`).
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
            let mut v: Vec<f32> = (0..grid.long.len()).map(|i| (grid.long[i] + grid.short[i]) * k).filter(|x| *x > 0.0).collect();
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
/// the colour scale: the figure README "The chart" reports per day.
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
