//! Deterministic text layout and outlines from the bundled DejaVu Sans fonts.
//!
//! Units: `size` is the em size in pixels (CSS `font-size`), so one font unit
//! is `size / units_per_em` pixels. Layout uses each glyph's advance width plus
//! pair kerning from the font's `kern` table; glyph outlines are placed at the
//! pen position unchanged, so every glyph keeps its left side bearing.
//! Control characters are skipped; characters the font lacks use its
//! `.notdef` glyph (a box).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve};

use super::scene::{HAlign, VAlign};

static REGULAR_TTF: &[u8] = include_bytes!("../../../fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../../fonts/DejaVuSans-Bold.ttf");

/// One path command in pixel coordinates (y down).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PathCmd {
    MoveTo(f32, f32),
    LineTo(f32, f32),
    /// Control point, then end point.
    QuadTo(f32, f32, f32, f32),
    /// Two control points, then end point.
    CubicTo(f32, f32, f32, f32, f32, f32),
    /// Closes the current contour.
    Close,
}

/// The bundled regular or bold face, parsed once.
pub fn font(bold: bool) -> &'static FontRef<'static> {
    static REGULAR: OnceLock<FontRef<'static>> = OnceLock::new();
    static BOLD: OnceLock<FontRef<'static>> = OnceLock::new();
    let (cell, data) = if bold { (&BOLD, BOLD_TTF) } else { (&REGULAR, REGULAR_TTF) };
    cell.get_or_init(|| FontRef::try_from_slice(data).expect("bundled DejaVu font parses"))
}

/// Pixels per font unit at em size `size`.
fn scale(f: &FontRef<'_>, size: f32) -> f32 {
    size / f.units_per_em().unwrap_or(2048.0)
}

/// Distance from the baseline up to the ascent line, in px (positive).
pub fn ascent(size: f32, bold: bool) -> f32 {
    let f = font(bold);
    f.ascent_unscaled() * scale(f, size)
}

/// Distance from the baseline down to the descent line, in px (positive).
pub fn descent(size: f32, bold: bool) -> f32 {
    let f = font(bold);
    -f.descent_unscaled() * scale(f, size)
}

/// Recommended line height (ascent + descent + line gap), in px.
pub fn line_height(size: f32, bold: bool) -> f32 {
    let f = font(bold);
    (f.ascent_unscaled() - f.descent_unscaled() + f.line_gap_unscaled()) * scale(f, size)
}

/// A glyph placed on the pen line: `x` is its origin relative to the start of the text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedGlyph {
    pub id: GlyphId,
    pub ch: char,
    pub x: f32,
}

/// A laid-out single line of text, unanchored (pen starts at x = 0 on the baseline).
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub glyphs: Vec<PlacedGlyph>,
    /// Total advance width including kerning, in px.
    pub width: f32,
    /// Em size in px.
    pub size: f32,
    pub bold: bool,
}

impl Layout {
    /// Offset from the anchor to the pen start on the baseline for the given alignment.
    pub(crate) fn anchor_offset(&self, halign: HAlign, valign: VAlign) -> (f32, f32) {
        let dx = match halign {
            HAlign::Left => 0.0,
            HAlign::Center => -self.width / 2.0,
            HAlign::Right => -self.width,
        };
        (dx, baseline_offset(self.size, self.bold, valign))
    }
}

/// Offset from an anchor aligned by `valign` down to the baseline, in px (see [`VAlign`]).
pub(crate) fn baseline_offset(size: f32, bold: bool, valign: VAlign) -> f32 {
    let (a, d) = (ascent(size, bold), descent(size, bold));
    match valign {
        VAlign::Top => a,
        VAlign::Middle => (a - d) / 2.0,
        VAlign::Baseline => 0.0,
        VAlign::Bottom => -d,
    }
}

/// Lays out `text` on one line: advances plus pair kerning.
pub fn layout(text: &str, size: f32, bold: bool) -> Layout {
    let f = font(bold);
    let s = scale(f, size);
    let mut glyphs = Vec::with_capacity(text.len());
    let mut pen = 0.0f32;
    let mut prev: Option<GlyphId> = None;
    for ch in text.chars().filter(|c| !c.is_control()) {
        let id = f.glyph_id(ch);
        if let Some(p) = prev {
            pen += f.kern_unscaled(p, id) * s;
        }
        glyphs.push(PlacedGlyph { id, ch, x: pen });
        pen += f.h_advance_unscaled(id) * s;
        prev = Some(id);
    }
    Layout { glyphs, width: pen, size, bold }
}

/// Advance width of `text` in px (including kerning).
pub fn measure(text: &str, size: f32, bold: bool) -> f32 {
    layout(text, size, bold).width
}

/// Left side bearing of the glyph for `ch`, in px.
pub fn left_side_bearing(ch: char, size: f32, bold: bool) -> f32 {
    let f = font(bold);
    f.h_side_bearing_unscaled(f.glyph_id(ch)) * scale(f, size)
}

/// Outlines of `text` anchored at (`x`, `y`), horizontal.
pub fn outline(text: &str, x: f32, y: f32, size: f32, bold: bool, halign: HAlign, valign: VAlign) -> Vec<PathCmd> {
    outline_rotated(text, x, y, size, bold, halign, valign, 0.0)
}

/// Outlines of `text` anchored at (`x`, `y`) and rotated by `rotation` degrees
/// (clockwise on screen) about the anchor. Contours are closed; fill with the
/// non-zero rule.
#[allow(clippy::too_many_arguments)]
pub(crate) fn outline_rotated(
    text: &str,
    x: f32,
    y: f32,
    size: f32,
    bold: bool,
    halign: HAlign,
    valign: VAlign,
    rotation: f32,
) -> Vec<PathCmd> {
    let lay = layout(text, size, bold);
    let f = font(bold);
    let s = scale(f, size);
    let (dx, dy) = lay.anchor_offset(halign, valign);
    let (sin, cos) = if rotation == 0.0 { (0.0, 1.0) } else { rotation.to_radians().sin_cos() };
    let mut out = Vec::new();
    for g in &lay.glyphs {
        let Some(curves) = glyph_curves(f, bold, g.id) else { continue };
        let ox = dx + g.x;
        // Font units (y up) → pixels relative to the anchor → rotated → absolute.
        let map = |p: ab_glyph::Point| {
            let lx = ox + p.x * s;
            let ly = dy - p.y * s;
            (x + lx * cos - ly * sin, y + lx * sin + ly * cos)
        };
        push_curves(&curves, map, &mut out);
    }
    out
}

/// The outline curves of glyph `id` of the regular or bold face (`f`), in font units, read from
/// the font once per thread: a chart draws the same few glyphs (digits, most of all) many times.
fn glyph_curves(f: &FontRef<'_>, bold: bool, id: GlyphId) -> Option<Rc<[OutlineCurve]>> {
    type Curves = HashMap<(bool, u16), Option<Rc<[OutlineCurve]>>>;
    thread_local! {
        static CURVES: RefCell<Curves> = RefCell::new(HashMap::new());
    }
    CURVES.with(|c| {
        c.borrow_mut().entry((bold, id.0)).or_insert_with(|| f.outline(id).map(|ol| Rc::from(ol.curves))).clone()
    })
}

/// Appends outline curves as path commands, starting a new contour whenever a
/// curve does not begin where the previous one ended.
fn push_curves(curves: &[OutlineCurve], map: impl Fn(ab_glyph::Point) -> (f32, f32), out: &mut Vec<PathCmd>) {
    let mut last: Option<ab_glyph::Point> = None;
    for c in curves {
        let (start, end) = match *c {
            OutlineCurve::Line(a, b) => (a, b),
            OutlineCurve::Quad(a, _, b) => (a, b),
            OutlineCurve::Cubic(a, _, _, b) => (a, b),
        };
        let continues = last.is_some_and(|l| (l.x - start.x).abs() < 1e-3 && (l.y - start.y).abs() < 1e-3);
        if !continues {
            if last.is_some() {
                out.push(PathCmd::Close);
            }
            let (mx, my) = map(start);
            out.push(PathCmd::MoveTo(mx, my));
        }
        out.push(match *c {
            OutlineCurve::Line(_, b) => {
                let (bx, by) = map(b);
                PathCmd::LineTo(bx, by)
            }
            OutlineCurve::Quad(_, c1, b) => {
                let ((cx, cy), (bx, by)) = (map(c1), map(b));
                PathCmd::QuadTo(cx, cy, bx, by)
            }
            OutlineCurve::Cubic(_, c1, c2, b) => {
                let ((c1x, c1y), (c2x, c2y), (bx, by)) = (map(c1), map(c2), map(b));
                PathCmd::CubicTo(c1x, c1y, c2x, c2y, bx, by)
            }
        });
        last = Some(end);
    }
    if last.is_some() {
        out.push(PathCmd::Close);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measure_is_sum_of_advances_and_kerning() {
        let f = font(false);
        let s = 20.0 / f.units_per_em().unwrap();
        let text = "time (UTC)";
        let ids: Vec<GlyphId> = text.chars().map(|c| f.glyph_id(c)).collect();
        let mut want = 0.0;
        for (i, id) in ids.iter().enumerate() {
            want += f.h_advance_unscaled(*id) * s;
            if i > 0 {
                want += f.kern_unscaled(ids[i - 1], *id) * s;
            }
        }
        assert!((measure(text, 20.0, false) - want).abs() < 1e-3);
        assert!(measure(text, 20.0, true) > measure(text, 20.0, false));
    }

    #[test]
    fn kerning_is_applied() {
        // DejaVu Sans kerns "AV"; the pair must be narrower than its parts.
        let pair = measure("AV", 100.0, false);
        let parts = measure("A", 100.0, false) + measure("V", 100.0, false);
        assert!(pair < parts - 1.0, "pair {pair} parts {parts}");
    }

    #[test]
    fn alignment_offsets() {
        let lay = layout("abc", 10.0, false);
        assert_eq!(lay.anchor_offset(HAlign::Right, VAlign::Baseline), (-lay.width, 0.0));
        let (_, top) = lay.anchor_offset(HAlign::Left, VAlign::Top);
        assert!((top - ascent(10.0, false)).abs() < 1e-6);
        let (_, bottom) = lay.anchor_offset(HAlign::Left, VAlign::Bottom);
        assert!((bottom + descent(10.0, false)).abs() < 1e-6);
        assert!(ascent(10.0, false) > 8.0 && ascent(10.0, false) < 10.0);
    }

    #[test]
    fn outline_contours_are_closed_and_keep_bearing() {
        let cmds = outline("l", 10.0, 50.0, 20.0, false, HAlign::Left, VAlign::Baseline);
        assert!(matches!(cmds.first(), Some(PathCmd::MoveTo(..))));
        assert_eq!(cmds.last(), Some(&PathCmd::Close));
        let moves = cmds.iter().filter(|c| matches!(c, PathCmd::MoveTo(..))).count();
        let closes = cmds.iter().filter(|c| matches!(c, PathCmd::Close)).count();
        assert_eq!(moves, closes);
        let min_x = cmds
            .iter()
            .filter_map(|c| match *c {
                PathCmd::MoveTo(x, _) | PathCmd::LineTo(x, _) => Some(x),
                _ => None,
            })
            .fold(f32::INFINITY, f32::min);
        let lsb = left_side_bearing('l', 20.0, false);
        assert!(lsb > 1.0);
        assert!((min_x - (10.0 + lsb)).abs() < 0.01, "min_x {min_x} lsb {lsb}");
    }

    #[test]
    fn missing_and_control_chars_do_not_panic() {
        let cmds = outline("a\u{10FFFD}\n\u{0}b", 0.0, 0.0, 12.0, true, HAlign::Center, VAlign::Middle);
        assert!(!cmds.is_empty());
        assert_eq!(layout("a\nb", 12.0, false).glyphs.len(), 2);
        assert!(outline("", 0.0, 0.0, 12.0, false, HAlign::Left, VAlign::Top).is_empty());
        assert_eq!(measure("", 12.0, false), 0.0);
    }

    #[test]
    fn rotation_by_90_maps_x_to_y() {
        let flat = outline("T", 0.0, 0.0, 20.0, false, HAlign::Left, VAlign::Baseline);
        let rot = outline_rotated("T", 0.0, 0.0, 20.0, false, HAlign::Left, VAlign::Baseline, 90.0);
        let (PathCmd::MoveTo(fx, fy), PathCmd::MoveTo(rx, ry)) = (flat[0], rot[0]) else {
            panic!("expected MoveTo");
        };
        assert!((rx - -fy).abs() < 1e-3 && (ry - fx).abs() < 1e-3);
    }
}
