//! Where each part of the chart goes, from the image size alone.

/// A rectangle in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn right(&self) -> f32 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
}

/// The chart's regions for a given image size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    pub width: f32,
    pub height: f32,
    /// Scale factor relative to a 1600x900 chart (fonts, margins).
    pub s: f32,
    /// The heatmap with candles.
    pub plot: Rect,
    /// The live-profile panel at the right of the price axis.
    pub profile: Rect,
    /// The colour bar under the plot.
    pub colorbar: Rect,
    /// Text is large for the image (a preset's scale well above [`Layout::fit_scale`]): the
    /// chart packs its furniture tighter (see [`Layout::with_scale`]).
    pub compact: bool,
    /// Where the caption goes in a compact layout: the one-line credit's middle at `y`, `w` wide.
    pub caption: Rect,
}

impl Layout {
    pub fn new(width: u32, height: u32) -> Self {
        Layout::with_scale(width, height, None)
    }

    /// The scale text and margins get at `width` x `height` by default: that of a 1600x900
    /// chart fitted into the image.
    pub(crate) fn fit_scale(width: u32, height: u32) -> f32 {
        (width as f32 / 1600.0).min(height as f32 / 900.0).clamp(0.7, 4.0)
    }

    /// The regions with text and margins at scale `s` (a preset's, see
    /// [`super::preset::Preset::layout_scale`]) instead of [`Layout::fit_scale`].
    pub fn with_scale(width: u32, height: u32, s: Option<f32>) -> Self {
        let (w, h) = (width as f32, height as f32);
        let fit = Layout::fit_scale(width, height);
        let s = s.filter(|s| s.is_finite() && *s > 0.0).unwrap_or(fit);
        // Compact: the profile's heading moves under the panel (beside the time axis), the
        // colour bar right under the time labels and the caption under the colour bar, full
        // width, three lines.
        let compact = s > 1.25 * fit;
        let margin = 18.0 * s;
        // Compact (a preset's large text on a small image): the map keeps most of the height
        // (at least 55 %, tested at every preset): a two-line header, then under the plot the
        // time labels, the colour bar with the zone legend beside it and a one-line credit.
        let top = if compact { 52.0 } else { 84.0 } * s;
        let bottom = if compact { 98.0 } else { 136.0 } * s;
        // Compact: the price axis also holds the zones' tags (see `chart::zone_labels`).
        let axis_w = if compact { 96.0 } else { 84.0 } * s;
        let profile_w = (w * 0.17).max(150.0 * s).round();
        let plot_w = (w - 2.0 * margin - axis_w - profile_w).round();
        let plot = Rect { x: margin.round(), y: top.round(), w: plot_w, h: (h - top - bottom).round() };
        let profile = Rect { x: plot.right() + axis_w, y: plot.y, w: profile_w, h: plot.h };
        let colorbar = if compact {
            Rect { x: plot.x, y: plot.bottom() + 39.0 * s, w: (plot.w * 0.34).max(130.0 * s).min(plot.w), h: 10.0 * s }
        } else {
            Rect { x: plot.x, y: plot.bottom() + 62.0 * s, w: (plot.w * 0.45).max(220.0 * s), h: 12.0 * s }
        };
        // Compact: the credit line's middle at `caption.y`; otherwise the caption's first line.
        let cap_y = if compact { plot.bottom() + 90.0 * s } else { colorbar.bottom() + 36.0 * s };
        let caption = Rect { x: plot.x, y: cap_y, w: w - 2.0 * margin, h: (h - cap_y).max(0.0) };
        Layout { width: w, height: h, s, plot, profile, colorbar, compact, caption }
    }

    /// A stroke of `w` px at 1600x900, at this scale, in whole pixels (crisp; never thinner
    /// than one pixel).
    pub fn stroke(&self, w: f32) -> f32 {
        (w * self.s).round().max(1.0)
    }

    /// Price rows the grid should have so one row is one pixel of the plot.
    pub(crate) fn plot_rows(&self) -> usize {
        self.plot.h.max(10.0) as usize
    }

    /// Time columns the grid needs at most: one per pixel column of the plot (more cannot be seen).
    pub(crate) fn plot_cols(&self) -> usize {
        self.plot.w.max(1.0) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_fit_inside_the_image_and_do_not_overlap() {
        for (w, h) in [(1600, 900), (800, 450), (1200, 1200), (3840, 2160), (640, 480)] {
            let l = Layout::new(w, h);
            assert!(l.plot.x > 0.0 && l.plot.w > 100.0 && l.plot.h > 100.0, "{w}x{h}: {l:?}");
            assert!(l.plot.right() < l.profile.x, "{w}x{h}");
            assert!(l.profile.right() <= w as f32, "{w}x{h}");
            assert!(l.colorbar.bottom() + 40.0 * l.s <= h as f32, "{w}x{h}: {l:?}");
            assert!(!l.compact, "{w}x{h}");
        }
    }

    #[test]
    fn preset_layouts_are_compact_and_fit() {
        for p in crate::output::render::preset::Preset::ALL {
            let (w, h) = p.size();
            let l = Layout::with_scale(w, h, Some(p.layout_scale()));
            assert!(l.compact, "{p}");
            assert!(l.plot.h >= 0.55 * h as f32, "{p}: plot {} of {h} px high", l.plot.h);
            assert!(l.profile.right() <= w as f32 && l.colorbar.right() <= w as f32, "{p}: {l:?}");
            // The credit line fits under the colour bar.
            assert!(l.caption.y + 8.0 * l.s <= h as f32, "{p}: {l:?}");
        }
    }
}
