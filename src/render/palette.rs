//! Colours: the viridis colour map (readable with colour-vision deficiencies) and the themes.

use super::scene::Color;

/// Viridis sampled at nine evenly spaced points (matplotlib's values).
const VIRIDIS: [(u8, u8, u8); 9] = [
    (0x44, 0x01, 0x54),
    (0x47, 0x2c, 0x7a),
    (0x3b, 0x51, 0x8b),
    (0x2c, 0x71, 0x8e),
    (0x21, 0x90, 0x8d),
    (0x27, 0xad, 0x81),
    (0x5c, 0xc8, 0x63),
    (0xaa, 0xdc, 0x32),
    (0xfd, 0xe7, 0x25),
];

/// A 256-entry lookup table of viridis.
pub fn viridis_lut() -> [Color; 256] {
    let mut lut = [Color::BLACK; 256];
    for (i, c) in lut.iter_mut().enumerate() {
        let t = i as f32 / 255.0 * 8.0;
        let k = (t.floor() as usize).min(7);
        let f = t - k as f32;
        let (a, b) = (VIRIDIS[k], VIRIDIS[k + 1]);
        let mix = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * f).round() as u8;
        *c = Color::rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2));
    }
    lut
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
}

impl Theme {
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lut_runs_from_purple_to_yellow_and_brightens() {
        let lut = viridis_lut();
        assert_eq!(lut[0], Color::rgb(0x44, 0x01, 0x54));
        assert_eq!(lut[255], Color::rgb(0xfd, 0xe7, 0x25));
        let luma = |c: Color| 0.2126 * c.r as f32 + 0.7152 * c.g as f32 + 0.0722 * c.b as f32;
        for w in lut.windows(2) {
            assert!(luma(w[1]) + 0.5 >= luma(w[0]), "{:?} -> {:?}", w[0], w[1]);
        }
    }
}
