//! The chart ([`chart::build`]) and the backend-independent drawing under it: build a [`Scene`] (display list), then turn it
//! into PNG ([`raster::to_png`]) or SVG ([`svg::to_svg`]). Text is drawn from
//! the bundled fonts' outlines in both, so the two outputs have the same geometry.
//!
//! [`render_scene`] is the in-memory entry point from a snapshot: the analysis and the chart's
//! scene for plain [`RenderSettings`] (which a command builds from its flags).

pub mod animate;
pub mod axis;
pub mod backtest_chart;
pub mod chart;
mod coverage;
pub mod heat;
pub mod layout;
pub mod map_chart;
pub mod palette;
pub mod png;
pub mod preset;
pub mod raster;
pub mod rgba;
pub mod scene;
pub mod svg;
pub mod text;

pub use rgba::RgbaImage;
pub use scene::{Color, HAlign, Item, Scene, VAlign};
pub use text::PathCmd;

use crate::engine::estimate::EstimateParams;
use crate::engine::pipeline::{analyse, Analysis};
use crate::engine::zones::ZoneParams;
use crate::error::Error;
use crate::model::snapshot::MarketSnapshot;
use chart::ChartOptions;
use layout::Layout;

/// Image formats a scene is encoded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
}

/// Encodes `scene` in `format`.
pub fn encode(scene: &Scene, format: Format) -> Vec<u8> {
    match format {
        Format::Png => raster::to_png(scene),
        Format::Svg => svg::to_svg(scene),
    }
}

/// Everything `render` needs besides the snapshot.
#[derive(Debug, Clone)]
pub struct RenderSettings {
    pub params: EstimateParams,
    pub chart: ChartOptions,
}

impl RenderSettings {
    /// Settings for an image of `width` x `height` showing `window_secs`.
    pub fn new(params: EstimateParams, window_secs: i64, width: u32, height: u32) -> Self {
        RenderSettings::scaled(params, window_secs, width, height, None)
    }

    /// Settings for a preset's image (its size and text scale).
    pub fn preset(params: EstimateParams, window_secs: i64, preset: preset::Preset) -> Self {
        let (w, h) = preset.size();
        RenderSettings::scaled(params, window_secs, w, h, Some(preset.layout_scale()))
    }

    /// Like [`RenderSettings::new`] with text and margins at `scale` (see [`ChartOptions::scale`]).
    pub fn scaled(mut params: EstimateParams, window_secs: i64, width: u32, height: u32, scale: Option<f32>) -> Self {
        params.window_secs = window_secs;
        let layout = Layout::with_scale(width, height, scale);
        params.rows = layout.plot_rows();
        params.max_cols = Some(layout.plot_cols());
        RenderSettings {
            params,
            chart: ChartOptions {
                width,
                height,
                window_secs: Some(window_secs),
                scale,
                week_scale: true,
                ..Default::default()
            },
        }
    }
}

/// Estimates, finds zones and builds the chart scene: the in-memory entry point tests call.
/// The leverage and venue profiles and the map view get their breakdown of the live profile
/// here ([`crate::engine::breakdown`]; the map stacks by leverage unless the profile is by venue).
pub fn render_scene(snap: &MarketSnapshot, s: &RenderSettings) -> Result<(Analysis, Scene), Error> {
    // The reference week's colour top (an estimate of its own) on a second thread while the
    // chart's estimate runs: they are independent.
    let (analysis, mut opts) = std::thread::scope(|sc| {
        let opts = sc.spawn(|| chart_options(snap, s));
        let analysis = analyse(snap, &s.params, &ZoneParams::default());
        (analysis, opts.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    });
    let analysis = analysis?;
    let by = match (opts.view, opts.profile.breakdown_by()) {
        (chart::ChartView::Map, None) => Some(crate::engine::breakdown::By::Leverage),
        (_, by) => by,
    };
    if let Some(by) = by.filter(|_| opts.breakdown.is_none()) {
        opts.breakdown = Some(crate::engine::breakdown::breakdown(snap, &s.params, analysis.estimate.last_price, by)?);
    }
    let scene = match opts.view {
        chart::ChartView::Heatmap => chart::build(snap, &analysis, &opts),
        chart::ChartView::Map => map_chart::build(snap, &analysis, &opts),
    };
    Ok((analysis, scene))
}

/// The chart options `render_scene` draws `snap` with: the settings', with the top of the
/// colour scale resolved (`--color-max`, else the reference week's when `week_scale` and the
/// snapshot holds it, else the chart's own; see [`heat::ColorTop`]). (The snapshot's notes,
/// its data sources in full, go to the alt text and the report; the chart has a one-line credit.)
pub fn chart_options(snap: &MarketSnapshot, s: &RenderSettings) -> ChartOptions {
    let mut o = s.chart.clone();
    if o.color_max.is_some() {
        o.color_top = heat::ColorTop::Pinned;
    } else if o.week_scale {
        if let Some((top, end)) = heat::week_top(snap, &s.params) {
            o.color_max = Some(top);
            o.color_top = heat::ColorTop::Week(end);
        }
    }
    o
}
