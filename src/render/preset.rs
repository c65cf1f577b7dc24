//! Presets for the places a chart is posted: a fixed image size, the width (CSS px) the place
//! shows it at, and the layout scale that keeps the chart's smallest text legible there.
//!
//! "Legible" is defined as: the smallest text of the chart is at least [`MIN_TEXT_CSS_PX`] CSS
//! pixels tall (em size) when the image is shown at the preset's display width, and strokes at
//! least one CSS pixel. Every preset is drawn at twice the density of its display width (sharp
//! on high-density screens), so its text is twice [`MIN_TEXT_CSS_PX`] in image pixels.

use super::chart::SMALLEST_TEXT;

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
    /// X: 5 MB per image; Telegram: 10 MB per photo.
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
    fn sizes_are_the_places_sizes() {
        assert_eq!(Preset::X.size(), (1200, 675));
        assert_eq!(Preset::Telegram.size(), (1280, 720));
        assert_eq!(Preset::Square.size(), (1080, 1080));
        let (w, _) = Preset::Newsletter.size();
        assert!((600.0..=650.0).contains(&Preset::Newsletter.display_width()), "{w}");
    }
}
