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
}

impl Layout {
    pub fn new(width: u32, height: u32) -> Self {
        let (w, h) = (width as f32, height as f32);
        let s = (w / 1600.0).min(h / 900.0).clamp(0.7, 4.0);
        let margin = 18.0 * s;
        let top = 84.0 * s;
        let bottom = 136.0 * s;
        let axis_w = 84.0 * s;
        let profile_w = (w * 0.17).max(150.0 * s).round();
        let plot_w = (w - 2.0 * margin - axis_w - profile_w).round();
        let plot = Rect { x: margin.round(), y: top.round(), w: plot_w, h: (h - top - bottom).round() };
        let profile = Rect { x: plot.right() + axis_w, y: plot.y, w: profile_w, h: plot.h };
        let colorbar = Rect { x: plot.x, y: plot.bottom() + 62.0 * s, w: (plot.w * 0.45).max(220.0 * s), h: 12.0 * s };
        Layout { width: w, height: h, s, plot, profile, colorbar }
    }

    /// Price rows the grid should have so one row is one pixel of the plot.
    pub fn plot_rows(&self) -> usize {
        self.plot.h.max(10.0) as usize
    }

    /// Time columns the grid needs at most: one per pixel column of the plot (more cannot be seen).
    pub fn plot_cols(&self) -> usize {
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
        }
    }
}
