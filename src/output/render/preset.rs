//! Presets for the places a chart is posted: a fixed image size, the width (CSS px) the place
//! shows it at, and the layout scale that keeps the chart's smallest text legible there.
//!
//! "Legible" is defined as: the smallest text of the chart is at least [`MIN_TEXT_CSS_PX`] CSS
//! pixels tall (em size) when the image is shown at the preset's display width, and strokes at
//! least one CSS pixel. Every preset is drawn at twice the density of its display width (sharp
//! on high-density screens), so its text is twice [`MIN_TEXT_CSS_PX`] in image pixels.

use super::chart::SMALLEST_TEXT;
use super::scene::{Item, Scene};

/// Smallest text of a preset's chart, in CSS pixels as displayed.
pub const MIN_TEXT_CSS_PX: f32 = 11.0;

/// A place the output is posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// X (Twitter) single-image post, 16:9.
    X,
    /// Telegram photo, 16:9.
    Telegram,
    /// E-mail newsletter: a chart for a 640-px-wide mail column.
    Newsletter,
    /// Square post (X, Instagram, LinkedIn feeds).
    Square,
}

impl Preset {
    /// Every preset, in the order help texts list them.
    pub const ALL: [Preset; 4] = [Preset::X, Preset::Telegram, Preset::Newsletter, Preset::Square];

    /// The name used by `--preset` and the config file.
    pub fn name(self) -> &'static str {
        match self {
            Preset::X => "x",
            Preset::Telegram => "telegram",
            Preset::Newsletter => "newsletter",
            Preset::Square => "square",
        }
    }

    /// The preset called `name` (case-insensitive), or `None`.
    pub fn parse(name: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.name().eq_ignore_ascii_case(name.trim()))
    }

    /// `x, telegram, newsletter, square`: for messages.
    pub fn names() -> String {
        Preset::ALL.map(Preset::name).join(", ")
    }

    /// Image size in pixels.
    pub fn size(self) -> (u32, u32) {
        match self {
            Preset::X => (1200, 675),
            Preset::Telegram => (1280, 720),
            // 2x of a 640 x 480 CSS-px chart: mail clients show a 600-650 px column.
            Preset::Newsletter => (1280, 960),
            Preset::Square => (1080, 1080),
        }
    }

    /// The width, in CSS pixels, the place shows the image at: X's timeline column (about
    /// 600 px on a desktop), Telegram's photo bubble (about 640 px), a newsletter's 640 px
    /// mail column, a square post in a feed (about 540 px).
    pub fn display_width(self) -> f32 {
        self.size().0 as f32 / 2.0
    }

    /// CSS pixels per image pixel as displayed.
    pub fn display_scale(self) -> f32 {
        self.display_width() / self.size().0 as f32
    }

    /// The largest file the place accepts, if it has a limit worth checking (bytes):
    /// X: 5 MB per image; Telegram: 10 MB per photo. A preset's PNG cannot exceed it: even
    /// uncompressed its pixels are smaller (tested).
    pub fn max_bytes(self) -> Option<usize> {
        match self {
            Preset::X | Preset::Square => Some(5_000_000),
            Preset::Telegram => Some(10_000_000),
            Preset::Newsletter => None,
        }
    }

    /// The chart's layout scale (1 = a 1600x900 chart's text): the smallest text is
    /// [`MIN_TEXT_CSS_PX`] as displayed.
    pub fn layout_scale(self) -> f32 {
        MIN_TEXT_CSS_PX / (SMALLEST_TEXT * self.display_scale())
    }
}

/// The width, CSS px, at which the newsletter HTML (`--image-base-url`) shows a chart at most:
/// the mail column (the chart's `<img>` gets `width` = the smaller of this and the image's).
pub const MAIL_COLUMN_PX: f32 = 648.0;

/// The em size of the smallest text of `scene`, px (`None` without text).
pub(crate) fn smallest_text(scene: &Scene) -> Option<f32> {
    scene.items.iter().filter_map(|i| if let Item::Text { size, .. } = i { Some(*size) } else { None }).reduce(f32::min)
}

/// The smallest text of `scene` in CSS px when the image is shown `display_width` CSS px wide
/// (never enlarged past its own width).
pub fn displayed_text_px(scene: &Scene, display_width: f32) -> Option<f32> {
    let k = (display_width / scene.width.max(1) as f32).min(1.0);
    smallest_text(scene).map(|px| px * k)
}

impl std::fmt::Display for Preset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Preset::ALL {
            assert_eq!(Preset::parse(p.name()), Some(p));
            assert_eq!(Preset::parse(&p.name().to_uppercase()), Some(p));
        }
        assert_eq!(Preset::parse("instagram"), None);
        assert_eq!(Preset::names(), "x, telegram, newsletter, square");
    }

    #[test]
    fn displayed_text_size() {
        let mut s = Scene::new(1600, 900, crate::output::render::Color::BLACK);
        assert_eq!(smallest_text(&s), None);
        for px in [14.0, 9.0, 22.0] {
            s.text(
                0.0,
                0.0,
                "a",
                px,
                crate::output::render::Color::WHITE,
                crate::output::render::HAlign::Left,
                crate::output::render::VAlign::Top,
                false,
            );
        }
        assert_eq!(smallest_text(&s), Some(9.0));
        assert_eq!(displayed_text_px(&s, 800.0), Some(4.5));
        assert_eq!(displayed_text_px(&s, 3200.0), Some(9.0), "not enlarged");
    }

    #[test]
    fn no_png_of_a_preset_can_exceed_the_places_limit() {
        // Worst case: incompressible RGBA rows (a filter byte each) in stored deflate blocks
        // (5 bytes per 65,535), plus the PNG and zlib framing: still under the limit.
        for p in Preset::ALL {
            let (w, h) = p.size();
            let raw = (w as usize * 4 + 1) * h as usize;
            let worst = raw + raw.div_ceil(65_535) * 5 + 1_000;
            if let Some(max) = p.max_bytes() {
                assert!(worst < max, "{p}: {worst} bytes possible, limit {max}");
            }
        }
    }

    #[test]
    fn sizes_are_the_places_sizes() {
        assert_eq!(Preset::X.size(), (1200, 675));
        assert_eq!(Preset::Telegram.size(), (1280, 720));
        assert_eq!(Preset::Square.size(), (1080, 1080));
        let (w, _) = Preset::Newsletter.size();
        assert!((600.0..=650.0).contains(&Preset::Newsletter.display_width()), "{w}");
    }
}
