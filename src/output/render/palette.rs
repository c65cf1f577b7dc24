//! Colours: the heatmap's colour map (inferno: dark floor, perceptually ordered, readable with
//! colour-vision deficiencies), the one function that colours a heatmap cell, and the themes.

use super::scene::Color;

/// Matplotlib's inferno sampled at sixteen evenly spaced points (t = 0, 1/15, ..., 1).
/// Its lightness rises monotonically from near-black to pale yellow, so order reads without
/// hue (deuteranopia, protanopia and greyscale keep it), and its dark floor lets a few dense
/// levels stand out on a dark field.
const INFERNO: [(u8, u8, u8); 16] = [
    (0, 0, 4),
    (12, 8, 38),
    (36, 12, 79),
    (66, 10, 104),
    (93, 18, 110),
    (120, 28, 109),
    (147, 38, 103),
    (174, 48, 92),
    (199, 62, 76),
    (220, 81, 57),
    (237, 105, 37),
    (246, 133, 17),
    (251, 163, 12),
    (249, 195, 41),
    (240, 226, 96),
    (252, 255, 164),
];

/// A 256-entry lookup table of inferno (linear interpolation between the anchors).
pub(crate) fn inferno_lut() -> [Color; 256] {
    let mut lut = [Color::BLACK; 256];
    let n = (INFERNO.len() - 1) as f32;
    for (i, c) in lut.iter_mut().enumerate() {
        let t = i as f32 / 255.0 * n;
        let k = (t.floor() as usize).min(INFERNO.len() - 2);
        let f = t - k as f32;
        let (a, b) = (INFERNO[k], INFERNO[k + 1]);
        let mix = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * f).round() as u8;
        *c = Color::rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2));
    }
    lut
}

/// Below this scale position a cell fades into the plot background (alpha ramps from
/// [`FADE_FLOOR_ALPHA`] at 0 to opaque here), so the faintest levels do not draw a black
/// sheet over empty space.
pub(crate) const FADE_BELOW: f64 = 0.25;
/// Alpha of a cell at the very bottom of the scale.
pub(crate) const FADE_FLOOR_ALPHA: f64 = 96.0;

/// How faint cells fade into the plot background: alpha rises from `floor_alpha` at the bottom
/// of the scale to opaque at `below`, as `(t / below)^power`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fade {
    pub floor_alpha: f64,
    pub below: f64,
    pub power: f64,
}

impl Fade {
    /// Dark theme: inferno's near-black floor is close to the dark background already; a
    /// linear ramp from [`FADE_FLOOR_ALPHA`] keeps faint levels visible.
    pub(crate) const DARK: Fade = Fade { floor_alpha: FADE_FLOOR_ALPHA, below: FADE_BELOW, power: 1.0 };
    /// Light theme: the dark end of inferno on a light field read as a grey wash, with
    /// hairline stripes where a drawn row met an undrawn one; near-empty cells fade out from
    /// nothing (alpha 0 at the floor, quadratic up to opaque at half the scale), so they look
    /// as close to the background as on the dark theme (tested in `tests/it/render_heat.rs`).
    pub(crate) const LIGHT: Fade = Fade { floor_alpha: 0.0, below: 0.5, power: 2.0 };

    /// The colour of a cell at scale position `t`.
    pub fn color(self, lut: &[Color; 256], t: f64) -> Color {
        let t = t.clamp(0.0, 1.0);
        let c = lut[(t * 255.0).round() as usize];
        let a = if t >= self.below {
            255.0
        } else {
            self.floor_alpha + (255.0 - self.floor_alpha) * (t / self.below).powf(self.power)
        };
        c.with_alpha(a.round() as u8)
    }
}

/// The opaque colour of a heatmap cell at each of [`HeatTable::STEPS`] + 1 scale positions on a
/// theme: the cell's colour ([`Theme::heat`]) composited over the plot background. The heatmap
/// and its legend both read it, so they agree exactly, and a cell costs a lookup instead of a
/// power and a blend (the 1600x900 chart has about 800,000 cells).
pub(crate) struct HeatTable(Vec<Color>);

impl HeatTable {
    /// Scale positions in the table: a step of 1/4096 changes alpha by under 0.2 of a level.
    pub(crate) const STEPS: usize = 4096;

    pub fn new(theme: &Theme) -> Self {
        let lut = inferno_lut();
        HeatTable(
            (0..=Self::STEPS)
                .map(|i| over(theme.heat(&lut, i as f64 / Self::STEPS as f64), theme.plot_background))
                .collect(),
        )
    }

    /// The colour at scale position `t` (0..=1).
    pub fn color(&self, t: f64) -> Color {
        // `x.round()` for 0 <= x <= STEPS without the call to libm's `round` (this runs for
        // every drawn cell): the fraction `x - trunc(x)` is exact, and a half rounds up.
        let x = t.clamp(0.0, 1.0) * Self::STEPS as f64;
        let i = x as usize;
        self.0[if x - i as f64 >= 0.5 { i + 1 } else { i }]
    }
}

/// `top` composited over an opaque `under` (what a straight-alpha pixel looks like when drawn).
pub fn over(top: Color, under: Color) -> Color {
    let a = top.a as f32 / 255.0;
    let m = |t: u8, u: u8| (t as f32 * a + u as f32 * (1.0 - a)).round() as u8;
    Color::rgb(m(top.r, under.r), m(top.g, under.g), m(top.b, under.b))
}

/// Chart colours for one theme.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub background: Color,
    pub plot_background: Color,
    pub text: Color,
    pub muted: Color,
    pub gridline: Color,
    pub candle_up: Color,
    pub candle_down: Color,
    pub wick: Color,
    pub longs: Color,
    pub shorts: Color,
    pub price_line: Color,
    pub zone: Color,
    pub label_background: Color,
    pub warning: Color,
    /// How faint heatmap cells fade into `plot_background`.
    pub fade: Fade,
}

impl Theme {
    /// The colour of a heatmap cell (and its legend) at scale position `t` on this theme.
    pub fn heat(&self, lut: &[Color; 256], t: f64) -> Color {
        self.fade.color(lut, t)
    }

    pub fn dark() -> Self {
        Theme {
            background: Color::rgb(0x12, 0x14, 0x1a),
            plot_background: Color::rgb(0x1a, 0x1d, 0x26),
            text: Color::rgb(0xe6, 0xe8, 0xee),
            muted: Color::rgb(0x9a, 0xa1, 0xb2),
            gridline: Color::rgba(0xff, 0xff, 0xff, 0x1c),
            candle_up: Color::rgb(0xf2, 0xf2, 0xf2),
            candle_down: Color::rgb(0xff, 0x6b, 0x9a),
            wick: Color::rgb(0xc8, 0xcc, 0xd6),
            longs: Color::rgb(0xf2, 0x8e, 0x2b),
            shorts: Color::rgb(0x4e, 0x9b, 0xe6),
            price_line: Color::rgb(0xff, 0xff, 0xff),
            zone: Color::rgb(0xff, 0xff, 0xff),
            label_background: Color::rgba(0x12, 0x14, 0x1a, 0xd8),
            warning: Color::rgb(0xff, 0xc8, 0x57),
            fade: Fade::DARK,
        }
    }

    pub fn light() -> Self {
        Theme {
            background: Color::rgb(0xfb, 0xfb, 0xfc),
            plot_background: Color::rgb(0xf0, 0xf1, 0xf5),
            text: Color::rgb(0x1d, 0x20, 0x27),
            muted: Color::rgb(0x5d, 0x63, 0x70),
            gridline: Color::rgba(0x00, 0x00, 0x00, 0x1c),
            candle_up: Color::rgb(0x25, 0x28, 0x30),
            candle_down: Color::rgb(0xc2, 0x18, 0x5b),
            wick: Color::rgb(0x40, 0x44, 0x4e),
            longs: Color::rgb(0xd9, 0x6f, 0x0b),
            shorts: Color::rgb(0x1f, 0x6f, 0xc0),
            price_line: Color::rgb(0x10, 0x10, 0x10),
            zone: Color::rgb(0x10, 0x10, 0x10),
            label_background: Color::rgba(0xfb, 0xfb, 0xfc, 0xe0),
            warning: Color::rgb(0x9a, 0x5b, 0x00),
            fade: Fade::LIGHT,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lut_runs_from_black_to_pale_yellow_and_brightens() {
        let lut = inferno_lut();
        assert_eq!(lut[0], Color::rgb(0, 0, 4));
        assert_eq!(lut[255], Color::rgb(252, 255, 164));
        let luma = |c: Color| 0.2126 * c.r as f32 + 0.7152 * c.g as f32 + 0.0722 * c.b as f32;
        for w in lut.windows(2) {
            assert!(luma(w[1]) + 0.5 >= luma(w[0]), "{:?} -> {:?}", w[0], w[1]);
        }
    }

    #[test]
    fn heat_colour_fades_only_below_the_fade_point() {
        let lut = inferno_lut();
        assert_eq!(Fade::DARK.color(&lut, 0.0).a, FADE_FLOOR_ALPHA as u8);
        assert_eq!(Fade::DARK.color(&lut, FADE_BELOW).a, 255);
        assert_eq!(Fade::DARK.color(&lut, 1.0), lut[255]);
        let alphas: Vec<u8> = (0..=100).map(|i| Fade::DARK.color(&lut, i as f64 / 100.0).a).collect();
        assert!(alphas.windows(2).all(|w| w[1] >= w[0]), "{alphas:?}");
        assert_eq!(over(Color::rgba(255, 0, 0, 128), Color::rgb(0, 0, 255)), Color::rgb(128, 0, 127));
    }
}
