//! Text and straight lines filled by exact-area coverage: each pixel gets the share of its area
//! the outline covers (ab_glyph_rasterizer, the rasteriser of the font crate), blended over what
//! is drawn.
//!
//! A chart's text is most of what a PNG costs to draw: tiny-skia fills a path with 16-step
//! supersampling and its blending pipeline per run of pixels, about a quarter of a millisecond
//! for a footer line; the coverage rasteriser accumulates signed areas in one buffer and gives
//! 256-step coverage for a tenth of that. Horizontal and vertical lines (gridlines, candle
//! wicks, zone lines: [`straight_line`]) are filled as the rectangles they cover, where
//! tiny-skia's anti-aliased hairlines blend pixel by pixel through its pipeline. An outline's
//! coverage is computed on a grid anchored at its own bounds in the whole image, whatever band
//! of rows is drawn, so a band gets exactly the pixels of the whole image.

use std::cell::RefCell;

use ab_glyph_rasterizer::{point, Point, Rasterizer};
use tiny_skia::PixmapMut;

use super::scene::{positive, Color};
use super::text::PathCmd;

/// Largest coverage grid an outline gets (pixels, 64 MB of coverage); an outline whose bounds
/// are larger (coordinates far off the image, a font size no chart uses) is not drawn.
const MAX_GRID: usize = 1 << 24;

/// Most dashes a dashed line is cut into; a dash so short that the line holds more ends the line
/// there.
const MAX_DASHES: usize = 100_000;

/// Fills the closed contours `cmds` (whole-image coordinates, the non-zero rule) with `color`
/// into `pm`, which holds the image's rows from `y0`.
pub(super) fn fill(pm: &mut PixmapMut, cmds: &[PathCmd], y0: u32, color: Color) {
    let Some(bounds) = Bounds::of(cmds) else { return };
    let (w, rows) = (pm.width() as i64, pm.height() as i64);
    // The grid: the outline's bounds in whole pixels, one spare column each side (the
    // rasteriser adds coverage one column right of an edge; its accumulation runs on into the
    // next row, which the spare column keeps at zero).
    let (gx, gy) = (bounds.x0.floor() as i64 - 1, bounds.y0.floor() as i64);
    let gw = (bounds.x1.ceil() as i64 + 2 - gx).max(1);
    let gh = (bounds.y1.ceil() as i64 - gy).max(1);
    // Rows of the grid that fall in the band; none: nothing to draw.
    let (r0, r1) = ((i64::from(y0) - gy).max(0), (i64::from(y0) + rows - gy).min(gh));
    if r0 >= r1 || gx >= w || gx + gw <= 0 {
        return;
    }
    if (gw as u128) * (gh as u128) > MAX_GRID as u128 {
        return;
    }
    let (gw, gh) = (gw as usize, gh as usize);
    let at = |x: f32, y: f32| point(x - gx as f32, y - gy as f32);
    RASTER.with(|cell| {
        let mut r = cell.borrow_mut();
        r.reset(gw, gh);
        outline(&mut r, cmds, at);
        blend(&r, pm, (gx, gy), (r0 as usize, r1 as usize), y0, color);
    });
}

thread_local! {
    /// One coverage grid per thread, reused (its buffer grows to the largest text drawn).
    static RASTER: RefCell<Rasterizer> = RefCell::new(Rasterizer::new(0, 0));
}

/// The bounds of every point of an outline (control points included: the curves lie inside).
struct Bounds {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Bounds {
    fn of(cmds: &[PathCmd]) -> Option<Bounds> {
        let mut b = Bounds { x0: f32::INFINITY, y0: f32::INFINITY, x1: f32::NEG_INFINITY, y1: f32::NEG_INFINITY };
        let mut add = |x: f32, y: f32| {
            b.x0 = b.x0.min(x);
            b.y0 = b.y0.min(y);
            b.x1 = b.x1.max(x);
            b.y1 = b.y1.max(y);
        };
        for c in cmds {
            match *c {
                PathCmd::MoveTo(x, y) | PathCmd::LineTo(x, y) => add(x, y),
                PathCmd::QuadTo(x1, y1, x, y) => {
                    add(x1, y1);
                    add(x, y);
                }
                PathCmd::CubicTo(x1, y1, x2, y2, x, y) => {
                    add(x1, y1);
                    add(x2, y2);
                    add(x, y);
                }
                PathCmd::Close => {}
            }
        }
        // Infinite or NaN coordinates draw nothing (as tiny-skia refuses such a path).
        [b.x0, b.y0, b.x1, b.y1].iter().all(|v| v.is_finite() && v.abs() < 1e7).then_some(b)
    }
}

/// Draws the contours into the grid, closing each (at the next move and at the end).
fn outline(r: &mut Rasterizer, cmds: &[PathCmd], at: impl Fn(f32, f32) -> Point) {
    let (mut start, mut cur): (Option<Point>, Point) = (None, point(0.0, 0.0));
    let close = |r: &mut Rasterizer, start: Option<Point>, cur: Point| {
        if let Some(s) = start {
            if s != cur {
                r.draw_line(cur, s);
            }
        }
    };
    for c in cmds {
        match *c {
            PathCmd::MoveTo(x, y) => {
                close(r, start, cur);
                cur = at(x, y);
                start = Some(cur);
            }
            PathCmd::LineTo(x, y) => {
                let p = at(x, y);
                r.draw_line(cur, p);
                cur = p;
            }
            PathCmd::QuadTo(x1, y1, x, y) => {
                let p = at(x, y);
                r.draw_quad(cur, at(x1, y1), p);
                cur = p;
            }
            PathCmd::CubicTo(x1, y1, x2, y2, x, y) => {
                let p = at(x, y);
                r.draw_cubic(cur, at(x1, y1), at(x2, y2), p);
                cur = p;
            }
            PathCmd::Close => {
                close(r, start, cur);
                if let Some(s) = start {
                    cur = s;
                }
            }
        }
    }
    close(r, start, cur);
}

/// Coverage is rounded to sixteenths, the steps of tiny-skia's anti-aliasing that the rest of
/// the chart is drawn with: edges keep the look and the PNG its size (at all 256 steps, glyphs
/// repeated at different sub-pixel places share fewer byte runs: the example's PNG grew from
/// 191 to 242 KB).
const STEPS: f32 = 16.0;

/// Blends `color` at each pixel's coverage over the band's pixels (source over; the band is
/// premultiplied RGBA), for the grid's rows `rows` (grid anchored at `g` in the whole image).
fn blend(r: &Rasterizer, pm: &mut PixmapMut, g: (i64, i64), rows: (usize, usize), y0: u32, color: Color) {
    let (gw, _) = r.dimensions();
    let w = pm.width() as i64;
    let data = pm.data_mut();
    let alpha = f32::from(color.a) / 255.0;
    let src = [color.r, color.g, color.b].map(|c| f32::from(c) * alpha);
    // The grid's column and row of the pixel at hand (the rasteriser gives a flat index).
    let (mut gx, mut gy) = (0usize, 0usize);
    r.for_each_pixel(|_, coverage| {
        let (cx, cy) = (gx, gy);
        gx += 1;
        if gx == gw {
            (gx, gy) = (0, gy + 1);
        }
        // Rounded to the nearest step (coverage is not negative: `+ 0.5` and truncating).
        let c = ((coverage.min(1.0) * STEPS + 0.5) as u32) as f32 / STEPS;
        let x = g.0 + cx as i64;
        if c == 0.0 || cy < rows.0 || cy >= rows.1 || x < 0 || x >= w {
            return;
        }
        let y = (g.1 + cy as i64 - i64::from(y0)) as usize;
        let p = (y * w as usize + x as usize) * 4;
        let px = &mut data[p..p + 4];
        let keep = 1.0 - c * alpha;
        for (d, s) in px[..3].iter_mut().zip(src) {
            *d = (s * c + f32::from(*d) * keep + 0.5) as u8;
        }
        px[3] = (255.0 * alpha * c + f32::from(px[3]) * keep + 0.5) as u8;
    });
}

/// A horizontal or vertical line of one segment (solid or dashed) as the rectangles it covers
/// (butt caps; dashes of `dash` on and off from the first point, as tiny-skia dashes), for
/// [`fill`]: gridlines, candle wicks and zone lines, most of a chart's lines, cost a tenth of
/// tiny-skia's anti-aliased stroke that way. `None` for any other line.
pub(super) fn straight_line(points: &[(f32, f32)], width: f32, dash: Option<f32>) -> Option<Vec<PathCmd>> {
    let [(x0, y0), (x1, y1)] = points else { return None };
    let (vertical, horizontal) = (x0 == x1, y0 == y1);
    if !(vertical ^ horizontal) || ![*x0, *y0, *x1, *y1].iter().all(|v| v.is_finite()) {
        return None;
    }
    let (start, len) = if vertical { (y0.min(*y1), (y1 - y0).abs()) } else { (x0.min(*x1), (x1 - x0).abs()) };
    // A dash pattern runs from the first point: from its end when that is the larger one.
    let reversed = if vertical { y0 > y1 } else { x0 > x1 };
    let half = width / 2.0;
    let rect = |a: f32, b: f32| {
        let (a, b) = if reversed { (start + len - b, start + len - a) } else { (start + a, start + b) };
        let (l, t, r, btm) = if vertical { (x0 - half, a, x0 + half, b) } else { (a, y0 - half, b, y0 + half) };
        [PathCmd::MoveTo(l, t), PathCmd::LineTo(r, t), PathCmd::LineTo(r, btm), PathCmd::LineTo(l, btm), PathCmd::Close]
    };
    let mut cmds = Vec::new();
    match dash.filter(|d| positive(*d)) {
        None => cmds.extend(rect(0.0, len)),
        Some(d) => {
            let mut at = 0.0f32;
            while at < len && cmds.len() < 5 * MAX_DASHES {
                cmds.extend(rect(at, (at + d).min(len)));
                at += 2.0 * d;
            }
        }
    }
    Some(cmds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::render::scene::{HAlign, VAlign};
    use crate::output::render::text::outline_rotated;
    use tiny_skia::Pixmap;

    fn canvas(w: u32, h: u32, bg: [u8; 4]) -> Pixmap {
        let mut pm = Pixmap::new(w, h).unwrap();
        pm.fill(tiny_skia::Color::from_rgba8(bg[0], bg[1], bg[2], bg[3]));
        pm
    }

    fn at(pm: &Pixmap, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * pm.width() + x) * 4) as usize;
        pm.data()[i..i + 4].try_into().unwrap()
    }

    fn square(x0: f32, y0: f32, x1: f32, y1: f32) -> Vec<PathCmd> {
        use PathCmd::*;
        vec![MoveTo(x0, y0), LineTo(x1, y0), LineTo(x1, y1), LineTo(x0, y1), Close]
    }

    #[test]
    fn a_square_covers_its_pixels_by_their_area() {
        let mut pm = canvas(30, 30, [0, 0, 0, 255]);
        // Edges a quarter into pixel 10 and three quarters into pixel 20: 3/4 and 3/4 covered.
        fill(&mut pm.as_mut(), &square(10.25, 10.0, 20.75, 20.0), 0, Color::rgb(255, 255, 255));
        assert_eq!(at(&pm, 15, 15), [255, 255, 255, 255], "inside: the colour");
        assert_eq!(at(&pm, 9, 15), [0, 0, 0, 255], "outside: untouched");
        assert_eq!(at(&pm, 21, 15), [0, 0, 0, 255]);
        assert_eq!(at(&pm, 15, 20), [0, 0, 0, 255]);
        // 3/4 coverage: 12 sixteenths of 255.
        let three_quarters = (255.0 * 0.75 + 0.5) as u8;
        assert_eq!(at(&pm, 10, 15), [three_quarters, three_quarters, three_quarters, 255]);
        assert_eq!(at(&pm, 20, 15), [three_quarters, three_quarters, three_quarters, 255]);
    }

    #[test]
    fn coverage_is_rounded_to_sixteenths() {
        // An edge a fifth into the pixel: 0.8 of it covered, which rounds to 13/16.
        let mut pm = canvas(10, 4, [0, 0, 0, 255]);
        fill(&mut pm.as_mut(), &square(2.2, 0.0, 8.0, 4.0), 0, Color::rgb(160, 160, 160));
        let want = (160.0 * 13.0 / 16.0 + 0.5) as u8;
        assert_eq!(at(&pm, 2, 1)[0], want);
    }

    #[test]
    fn holes_stay_empty_and_translucent_colour_blends() {
        // "O": the counter (wound the other way) keeps the background.
        let mut pm = canvas(60, 60, [10, 20, 30, 255]);
        let o = outline_rotated("O", 30.0, 30.0, 40.0, true, HAlign::Center, VAlign::Middle, 0.0);
        fill(&mut pm.as_mut(), &o, 0, Color::rgb(250, 250, 250));
        assert_eq!(at(&pm, 30, 30), [10, 20, 30, 255], "the counter of O");
        // Half-transparent white over the background where the square covers a pixel fully.
        let mut pm = canvas(10, 10, [100, 100, 100, 255]);
        fill(&mut pm.as_mut(), &square(2.0, 2.0, 8.0, 8.0), 0, Color { r: 200, g: 0, b: 100, a: 128 });
        let a = 128.0 / 255.0;
        let mix = |s: f32| (s * a + 100.0 * (1.0 - a) + 0.5) as u8;
        assert_eq!(at(&pm, 5, 5), [mix(200.0), mix(0.0), mix(100.0), 255]);
    }

    /// A text cut by a band's edge gets in each band exactly the pixels of the whole image.
    #[test]
    fn bands_get_the_whole_images_pixels() {
        let (w, h) = (200u32, 40u32);
        let text = outline_rotated("Rag, 108,152 $7.45M", 6.3, 21.7, 17.0, false, HAlign::Left, VAlign::Middle, 0.0);
        let rotated = outline_rotated("time (UTC)", 150.4, 20.2, 12.0, false, HAlign::Center, VAlign::Middle, -90.0);
        let mut whole = canvas(w, h, [17, 18, 24, 255]);
        for t in [&text, &rotated] {
            fill(&mut whole.as_mut(), t, 0, Color::rgb(230, 230, 240));
        }
        for seam in [13u32, 20, 27] {
            let mut data = vec![0u8; (w * h * 4) as usize];
            let (top, bottom) = data.split_at_mut((seam * w * 4) as usize);
            for (band, y0) in [(top, 0u32), (bottom, seam)] {
                let rows = band.len() as u32 / (w * 4);
                let mut pm = PixmapMut::from_bytes(band, w, rows).unwrap();
                pm.fill(tiny_skia::Color::from_rgba8(17, 18, 24, 255));
                for t in [&text, &rotated] {
                    fill(&mut pm, t, y0, Color::rgb(230, 230, 240));
                }
            }
            assert!(data == whole.data(), "seam at row {seam}");
        }
    }

    #[test]
    fn text_beyond_the_edges_draws_its_visible_part() {
        // The same text 30 px further left on a canvas 30 px narrower: the columns both show
        // are the same (the grid's fraction of a pixel moves by a whole number: exact in f32).
        let t = |x: f32| outline_rotated("Hyblock 42", x, 20.0, 16.0, false, HAlign::Left, VAlign::Middle, 0.0);
        let mut wide = canvas(120, 40, [0, 0, 0, 255]);
        fill(&mut wide.as_mut(), &t(10.5), 0, Color::WHITE);
        let mut narrow = canvas(90, 40, [0, 0, 0, 255]);
        fill(&mut narrow.as_mut(), &t(-19.5), 0, Color::WHITE);
        for y in 0..40 {
            for x in 0..90 {
                assert_eq!(at(&narrow, x, y), at(&wide, x + 30, y), "({x}, {y})");
            }
        }
        // Above, below and far off the canvas: nothing drawn, nothing panics.
        let mut pm = canvas(20, 20, [0, 0, 0, 255]);
        for (x, y) in [(5.0, -40.0), (5.0, 80.0), (-500.0, 10.0), (500.0, 10.0), (f32::NAN, 5.0), (f32::INFINITY, 5.0)]
        {
            let t = outline_rotated("Ag", x, y, 12.0, false, HAlign::Left, VAlign::Middle, 0.0);
            fill(&mut pm.as_mut(), &t, 0, Color::WHITE);
        }
        assert!(pm.data().chunks_exact(4).all(|p| p == [0, 0, 0, 255]));
    }

    /// The lines tiny-skia strokes, for comparison.
    fn stroked(points: [(f32, f32); 2], width: f32, dash: Option<f32>) -> Pixmap {
        let mut pm = canvas(60, 60, [20, 20, 30, 255]);
        let mut pb = tiny_skia::PathBuilder::new();
        pb.move_to(points[0].0, points[0].1);
        pb.line_to(points[1].0, points[1].1);
        let dash = dash.and_then(|d| tiny_skia::StrokeDash::new(vec![d, d], 0.0));
        let stroke = tiny_skia::Stroke { width, line_cap: tiny_skia::LineCap::Butt, dash, ..Default::default() };
        let mut paint = tiny_skia::Paint::default();
        paint.set_color_rgba8(200, 210, 220, 255);
        paint.anti_alias = true;
        pm.stroke_path(&pb.finish().unwrap(), &paint, &stroke, tiny_skia::Transform::identity(), None);
        pm
    }

    #[test]
    fn straight_lines_cover_what_tiny_skia_strokes() {
        type Line = ([(f32, f32); 2], f32, Option<f32>);
        let lines: [Line; 8] = [
            ([(10.5, 5.0), (10.5, 50.0)], 1.0, None),
            ([(20.3, 50.2), (20.3, 4.7)], 1.0, None),
            ([(5.0, 30.25), (55.0, 30.25)], 1.5, None),
            ([(55.0, 12.0), (5.0, 12.0)], 2.0, None),
            ([(5.0, 40.5), (55.0, 40.5)], 1.0, Some(4.0)),
            ([(55.0, 44.6), (4.0, 44.6)], 1.0, Some(3.0)),
            ([(33.5, 3.0), (33.5, 57.0)], 1.0, Some(5.0)),
            ([(45.7, 56.0), (45.7, 3.0)], 2.0, Some(6.0)),
        ];
        for (points, width, dash) in lines {
            let want = stroked(points, width, dash);
            let mut got = canvas(60, 60, [20, 20, 30, 255]);
            let cmds = straight_line(&points, width, dash).expect("axis-aligned");
            fill(&mut got.as_mut(), &cmds, 0, Color::rgb(200, 210, 220));
            // The same pixels but for anti-aliasing arithmetic: a dash or an end in the wrong
            // place would be a whole line's colour apart (about 180 levels).
            let worst = got.data().iter().zip(want.data()).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
            assert!(worst <= 16, "{points:?} width {width} dash {dash:?}: {worst} levels apart");
        }
        assert!(straight_line(&[(0.0, 0.0), (10.0, 10.0)], 1.0, None).is_none(), "slanted");
        assert!(straight_line(&[(0.0, 0.0), (10.0, 0.0), (10.0, 5.0)], 1.0, None).is_none(), "two segments");
        assert!(straight_line(&[(3.0, 3.0), (3.0, 3.0)], 1.0, None).is_none(), "a point");
        assert!(straight_line(&[(f32::NAN, 0.0), (5.0, 0.0)], 1.0, None).is_none());
    }
}
