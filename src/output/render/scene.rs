//! A backend-independent display list: what to draw, in pixel coordinates.
//!
//! Coordinates are `f32` pixels with the origin at the top-left corner and y
//! growing downwards. Items are painted in order (later items on top). This
//! module is pure data; [`super::raster`] and [`super::svg`] turn a [`Scene`]
//! into PNG or SVG.

/// A straight (non-premultiplied) sRGB colour with 8-bit alpha.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: u8,
}

impl Color {
    pub const WHITE: Color = Color::rgb(255, 255, 255);
    pub const BLACK: Color = Color::rgb(0, 0, 0);

    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Color { r, g, b, a: 255 }
    }

    /// A colour with alpha (255 = opaque).
    pub const fn rgba(r: u8, g: u8, b: u8, a: u8) -> Self {
        Color { r, g, b, a }
    }

    /// The same colour with another alpha.
    pub const fn with_alpha(self, a: u8) -> Self {
        Color { a, ..self }
    }

    /// Whether the colour is fully opaque.
    pub const fn is_opaque(self) -> bool {
        self.a == 255
    }

    /// Parses `#rrggbb` or `#rrggbbaa` (the `#` is optional) at compile time.
    ///
    /// Meant for constants (`const RED: Color = Color::hex("#ff0000");`), where a
    /// malformed literal is a build error.
    ///
    /// # Panics
    /// On malformed input. Use [`Color::parse_hex`] for user-supplied text.
    pub const fn hex(s: &str) -> Self {
        match Color::parse_hex(s) {
            Some(c) => c,
            None => panic!("Color::hex expects #rrggbb or #rrggbbaa"),
        }
    }

    /// Parses `#rrggbb` or `#rrggbbaa` (the `#` is optional); `None` if malformed.
    pub const fn parse_hex(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        let start = if !b.is_empty() && b[0] == b'#' { 1 } else { 0 };
        let n = b.len() - start;
        if n != 6 && n != 8 {
            return None;
        }
        let mut vals = [255u8; 4];
        let mut i = 0;
        while i < n / 2 {
            let hi = match hex_digit(b[start + 2 * i]) {
                Some(v) => v,
                None => return None,
            };
            let lo = match hex_digit(b[start + 2 * i + 1]) {
                Some(v) => v,
                None => return None,
            };
            vals[i] = hi * 16 + lo;
            i += 1;
        }
        Some(Color::rgba(vals[0], vals[1], vals[2], vals[3]))
    }

    /// `#rrggbb` (alpha is not included).
    pub fn to_hex_rgb(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

const fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Horizontal anchor of a text item: where `x` lies on the text's advance box.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HAlign {
    /// `x` is the pen start (left edge of the advance box).
    Left,
    /// `x` is the middle of the advance width.
    Center,
    /// `x` is the pen end (right edge of the advance box).
    Right,
}

/// Vertical anchor of a text item: where `y` lies, using the font's ascent and
/// descent (not the ink of the particular string, so labels line up).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VAlign {
    /// `y` is the ascent line.
    Top,
    /// `y` is halfway between the ascent and descent lines.
    Middle,
    /// `y` is the baseline.
    Baseline,
    /// `y` is the descent line.
    Bottom,
}

/// One drawing operation.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A filled axis-aligned rectangle.
    Rect { x: f32, y: f32, w: f32, h: f32, fill: Color },
    /// A rectangle outline; the stroke is centred on the rectangle's edges.
    StrokeRect { x: f32, y: f32, w: f32, h: f32, color: Color, width: f32 },
    /// An open polyline (two points = a line), butt caps, round joins.
    /// `dash` is the length of both the dashes and the gaps, if any.
    Line { points: Vec<(f32, f32)>, color: Color, width: f32, dash: Option<f32> },
    /// A single line of text drawn from the bundled DejaVu Sans outlines.
    /// `size` is the em size in pixels (like CSS `font-size`); `rotation` is in
    /// degrees, clockwise on screen, about the anchor point (`x`, `y`).
    Text {
        x: f32,
        y: f32,
        text: String,
        size: f32,
        color: Color,
        halign: HAlign,
        valign: VAlign,
        bold: bool,
        rotation: f32,
    },
    /// A `px_w` × `px_h` raster of straight RGBA bytes (row-major), drawn
    /// scaled to the box (`x`, `y`, `w`, `h`) with nearest-neighbour sampling.
    /// Renderers skip an image whose `rgba.len()` is not `px_w * px_h * 4`.
    Image { x: f32, y: f32, w: f32, h: f32, px_w: u32, px_h: u32, rgba: Vec<u8> },
    /// A filled disc of radius `r` centred at (`cx`, `cy`), outlined by a stroke of `width`
    /// in `stroke` centred on its edge (no outline when `width` is 0).
    Circle { cx: f32, cy: f32, r: f32, fill: Color, stroke: Color, width: f32 },
}

/// A picture: size, an opaque background and items painted in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    pub width: u32,
    pub height: u32,
    /// Always painted opaque (its alpha is ignored).
    pub background: Color,
    pub items: Vec<Item>,
}

impl Scene {
    /// An empty scene.
    pub fn new(width: u32, height: u32, background: Color) -> Self {
        Scene { width, height, background, items: Vec::new() }
    }

    /// Appends any item.
    pub fn push(&mut self, item: Item) -> &mut Self {
        self.items.push(item);
        self
    }

    /// A filled rectangle.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Color) -> &mut Self {
        self.push(Item::Rect { x, y, w, h, fill })
    }

    /// A rectangle outline of stroke `width`.
    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color, width: f32) -> &mut Self {
        self.push(Item::StrokeRect { x, y, w, h, color, width })
    }

    /// A solid straight line.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, color: Color, width: f32) -> &mut Self {
        self.push(Item::Line { points: vec![(x1, y1), (x2, y2)], color, width, dash: None })
    }

    /// A dashed straight line: dashes and gaps are both `dash` pixels long.
    #[allow(clippy::too_many_arguments)]
    pub fn dashed_line(
        &mut self,
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: Color,
        width: f32,
        dash: f32,
    ) -> &mut Self {
        self.push(Item::Line { points: vec![(x1, y1), (x2, y2)], color, width, dash: Some(dash) })
    }

    /// A solid open polyline.
    pub fn polyline(&mut self, points: Vec<(f32, f32)>, color: Color, width: f32) -> &mut Self {
        self.push(Item::Line { points, color, width, dash: None })
    }

    /// A horizontal line of text anchored at (`x`, `y`); see [`Item::Text`].
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        x: f32,
        y: f32,
        text: &str,
        size: f32,
        color: Color,
        halign: HAlign,
        valign: VAlign,
        bold: bool,
    ) -> &mut Self {
        self.push(Item::Text { x, y, text: text.to_owned(), size, color, halign, valign, bold, rotation: 0.0 })
    }

    /// Like [`Scene::text`], rotated by `rotation` degrees (clockwise on screen)
    /// about the anchor; `-90.0` reads bottom-to-top (a y-axis title).
    #[allow(clippy::too_many_arguments)]
    pub fn text_rotated(
        &mut self,
        x: f32,
        y: f32,
        text: &str,
        size: f32,
        color: Color,
        halign: HAlign,
        valign: VAlign,
        bold: bool,
        rotation: f32,
    ) -> &mut Self {
        self.push(Item::Text { x, y, text: text.to_owned(), size, color, halign, valign, bold, rotation })
    }

    /// A filled, outlined disc; see [`Item::Circle`].
    pub fn circle(&mut self, cx: f32, cy: f32, r: f32, fill: Color, stroke: Color, width: f32) -> &mut Self {
        self.push(Item::Circle { cx, cy, r, fill, stroke, width })
    }

    /// A raster of straight RGBA bytes scaled to (`x`, `y`, `w`, `h`) with
    /// nearest-neighbour sampling; see [`Item::Image`].
    #[allow(clippy::too_many_arguments)]
    pub fn image(&mut self, x: f32, y: f32, w: f32, h: f32, px_w: u32, px_h: u32, rgba: Vec<u8>) -> &mut Self {
        self.push(Item::Image { x, y, w, h, px_w, px_h, rgba })
    }
}

/// `v > 0` (false for NaN): the test for usable widths, heights and dash lengths.
pub(crate) fn positive(v: f32) -> bool {
    v > 0.0
}

/// Whether an image item's buffer matches its declared size (and is non-empty).
pub(crate) fn image_is_valid(px_w: u32, px_h: u32, rgba: &[u8]) -> bool {
    px_w > 0
        && px_h > 0
        && (px_w as usize).checked_mul(px_h as usize).and_then(|n| n.checked_mul(4)).is_some_and(|n| n == rgba.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RED: Color = Color::hex("#ff0000");

    #[test]
    fn hex_parses_rgb_and_rgba() {
        assert_eq!(RED, Color::rgb(255, 0, 0));
        assert_eq!(Color::parse_hex("0a0B0c"), Some(Color::rgb(10, 11, 12)));
        assert_eq!(Color::parse_hex("#01020380"), Some(Color::rgba(1, 2, 3, 128)));
        assert_eq!(Color::parse_hex("#12345"), None);
        assert_eq!(Color::parse_hex("#gg0000"), None);
        assert_eq!(Color::parse_hex(""), None);
        assert_eq!(Color::parse_hex("#"), None);
        assert_eq!(Color::rgb(1, 2, 3).with_alpha(9), Color::rgba(1, 2, 3, 9));
        assert_eq!(Color::rgb(1, 2, 171).to_hex_rgb(), "#0102ab");
    }

    #[test]
    fn builders_append_items_in_order() {
        let mut s = Scene::new(10, 10, Color::WHITE);
        s.rect(0.0, 0.0, 1.0, 1.0, RED).dashed_line(0.0, 0.0, 5.0, 5.0, RED, 1.0, 3.0).text(
            1.0,
            2.0,
            "a",
            12.0,
            RED,
            HAlign::Left,
            VAlign::Top,
            false,
        );
        assert_eq!(s.items.len(), 3);
        assert!(matches!(s.items[1], Item::Line { dash: Some(d), .. } if d == 3.0));
        assert!(matches!(&s.items[2], Item::Text { text, rotation, .. } if text == "a" && *rotation == 0.0));
    }

    #[test]
    fn image_validity() {
        assert!(image_is_valid(2, 1, &[0; 8]));
        assert!(!image_is_valid(2, 1, &[0; 7]));
        assert!(!image_is_valid(0, 1, &[]));
        assert!(!image_is_valid(u32::MAX, u32::MAX, &[]));
    }
}
