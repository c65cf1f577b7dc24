//! Rasterises a [`Scene`] (anti-aliased) and encodes PNG.
//!
//! Output is always opaque: the background is painted with alpha 255, so the
//! premultiplied pixmap equals straight RGBA and PNGs are written as RGB8.
//! Scene sizes are clamped to `1..=MAX_SIDE` pixels per side.
//!
//! Text and horizontal or vertical lines are filled by [`super::coverage`] (exact-area
//! coverage), everything else by tiny-skia.
//!
//! A PNG of a large scene is drawn and deflated in two bands at once ([`to_png_on`]). The seam
//! is placed where no circle is cut; text and straight lines cut by it keep their pixels exactly,
//! any other line cut by it is anti-aliased from its cut ends, so its edge pixels can differ from
//! a whole-image draw by one level, or on a long slanted line by up to two of the rasteriser's 16
//! coverage steps (the tests bound both).

use tiny_skia::{
    FillRule, FilterQuality, IntSize, LineCap, LineJoin, Paint, PathBuilder, Pattern, Pixmap, PixmapMut, Rect,
    SpreadMode, Stroke, StrokeDash, Transform,
};

use super::png::{png_of_parts, rgba_part, split_row, two_parts, PNG_LEVEL};
use super::rgba::RgbaImage;
use super::scene::{image_is_valid, positive, Color, Item, Scene};
use super::text::outline_rotated;

/// Largest width or height rendered; larger scene sizes are clamped.
pub(crate) const MAX_SIDE: u32 = 16_384;

/// Renders the scene into a tiny-skia pixmap (premultiplied RGBA, all pixels opaque).
pub fn to_pixmap(scene: &Scene) -> Pixmap {
    to_pixmap_on(scene, None)
}

/// [`to_pixmap`] drawn on `canvas` (from [`prepare`]) when it has the scene's size; otherwise on
/// a new pixmap. The pixels are the same either way: the background is painted over all of it
/// first.
pub fn to_pixmap_on(scene: &Scene, canvas: Option<Pixmap>) -> Pixmap {
    let mut pm = canvas_for(scene, canvas);
    let w = pm.width();
    draw_band(scene, pm.data_mut(), w, 0);
    pm
}

/// `canvas` when it has the scene's size (clamped to `1..=MAX_SIDE`), else a new pixmap of it.
fn canvas_for(scene: &Scene, canvas: Option<Pixmap>) -> Pixmap {
    let (w, h) = (scene.width.clamp(1, MAX_SIDE), scene.height.clamp(1, MAX_SIDE));
    match canvas {
        Some(pm) if pm.width() == w && pm.height() == h => pm,
        _ => Pixmap::new(w, h).expect("size is clamped to a valid pixmap size"),
    }
}

/// Paints the scene's background and every item that reaches it into `band`: the rows of a
/// `w`-wide image starting at row `y0`, each item moved up by `y0`. Items wholly outside the band
/// are skipped.
fn draw_band(scene: &Scene, band: &mut [u8], w: u32, y0: u32) {
    let rows = (band.len() / (w as usize * 4)) as u32;
    let Some(mut pm) = PixmapMut::from_bytes(band, w, rows) else { return };
    let bg = scene.background;
    pm.fill(tiny_skia::Color::from_rgba8(bg.r, bg.g, bg.b, 255));
    let (top, bottom) = (y0 as f32, (y0 + rows) as f32);
    for item in &scene.items {
        if reaches(item, top, bottom) {
            draw_item(&mut pm, item, top);
        }
    }
}

/// Whether `item` may paint a pixel in rows `top..bottom` (conservative: it may say yes for an
/// item that paints nothing there, never no for one that does).
fn reaches(item: &Item, top: f32, bottom: f32) -> bool {
    let (lo, hi) = match item {
        Item::Rect { y, h, .. } | Item::Image { y, h, .. } => (*y, *y + *h),
        Item::StrokeRect { y, h, width, .. } => (*y - *width, *y + *h + *width),
        Item::Line { points, width, .. } => {
            let (lo, hi) =
                points.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
            (lo - *width, hi + *width)
        }
        // Rotated text runs along its length; it is always drawn.
        Item::Text { rotation, .. } if *rotation != 0.0 => return true,
        Item::Text { y, size, .. } => (*y - 2.0 * *size, *y + 2.0 * *size),
        Item::Circle { cy, r, width, .. } => (*cy - *r - *width, *cy + *r + *width),
    };
    // NaN bounds compare false both ways: such items are drawn (and skipped by draw_item).
    !(hi < top - 1.0 || lo > bottom + 1.0)
}

/// A `w` x `h` pixmap with every page of its buffer written, for [`to_png_on`]: made on a
/// second thread while the chart is estimated, it takes the page faults of a fresh 6 MB buffer
/// (a few milliseconds at 1600x900) off the rendering thread.
pub fn prepare(w: u32, h: u32) -> Option<Pixmap> {
    let mut pm = Pixmap::new(w.clamp(1, MAX_SIDE), h.clamp(1, MAX_SIDE))?;
    pm.fill(tiny_skia::Color::BLACK);
    Some(pm)
}

/// Renders the scene to straight (unpremultiplied) RGBA; every pixel is opaque.
pub fn to_rgba(scene: &Scene) -> RgbaImage {
    let pm = to_pixmap(scene);
    let (w, h) = (pm.width(), pm.height());
    RgbaImage::from_raw(w, h, pm.take()).expect("pixmap buffer is width*height*4 bytes")
}

/// Renders the scene and encodes it as an RGB8 PNG ([`PNG_LEVEL`], no row filter). The same
/// scene always gives the same bytes.
pub fn to_png(scene: &Scene) -> Vec<u8> {
    to_png_on(scene, None)
}

/// [`to_png`] drawn on `canvas` (see [`to_pixmap_on`]). An image of at least
/// [`SPLIT_MIN_PIXELS`](super::png::SPLIT_MIN_PIXELS) is drawn and deflated in two halves at
/// once: the top half on a second thread, each half a band of the same pixmap buffer with the
/// scene's items that reach it ([`super::png::png_from_rgba_opaque`] says how the two deflate
/// streams join).
pub fn to_png_on(scene: &Scene, canvas: Option<Pixmap>) -> Vec<u8> {
    let mut pm = canvas_for(scene, canvas);
    let (w, h) = (pm.width(), pm.height());
    let split = if split_row(w as usize, h as usize) == 0 { 0 } else { seam(scene, h) };
    let (top, bottom) = pm.data_mut().split_at_mut(split * w as usize * 4);
    let parts = two_parts((split > 0).then_some((0, top)), (split, bottom), |(y0, band), last| {
        draw_band(scene, band, w, y0 as u32);
        rgba_part(band, w as usize, PNG_LEVEL, last)
    });
    png_of_parts(w, h, 2, PNG_LEVEL, &parts)
}

/// Where [`to_png_on`] aims the seam, as a share of the height from the top. The bottom rows
/// of every chart hold the most work (the time axis's labels, the legend and its gradient, the
/// notes), so the top band takes more rows: at 1600x900 the bands took 9.5 and 13.5 ms with the
/// seam in the middle and came out even near 0.56 (benches/README.md, fifth round).
const SEAM_AT: f32 = 0.56;

/// The row where [`to_png_on`] splits a scene `h` pixels high in two bands: the row nearest
/// [`SEAM_AT`] (within a sixth of the height) that no circle reaches. A circle cut there would
/// be flattened differently and its anti-aliasing would change; text keeps its pixels whatever
/// the cut ([`super::coverage`]), and a straight line or a rectangle across it too, but for at
/// most one level on a line's edge.
fn seam(scene: &Scene, h: u32) -> usize {
    let spans: Vec<(f32, f32)> = scene
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Circle { cy, r, width, .. } => Some((*cy - *r - *width - 1.0, *cy + *r + *width + 1.0)),
            _ => None,
        })
        .collect();
    let free = |row: u32| {
        let (top, bottom) = (row as f32, row as f32 + 1.0);
        spans.iter().all(|&(lo, hi)| hi < top || lo > bottom)
    };
    let aim = ((h as f32 * SEAM_AT) as u32).clamp(1, h.saturating_sub(1).max(1));
    (0..=h / 6)
        .flat_map(|k| [aim.saturating_sub(k), aim + k])
        .find(|&row| row > 0 && row < h && free(row) && free(row - 1))
        .unwrap_or(aim) as usize
}

fn paint(c: Color, anti_alias: bool) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(c.r, c.g, c.b, c.a);
    p.anti_alias = anti_alias;
    p
}

/// Draws `item` moved up by `y0` pixels (the first row of the band `pm` holds). Every shape is
/// made at its place in the whole image and only then moved (an exact subtraction of a whole
/// number), so the band gets the pixels the whole image would, but where a shape is cut at the
/// band's edge.
fn draw_item(pm: &mut PixmapMut, item: &Item, y0: f32) {
    let ts = Transform::from_translate(0.0, -y0);
    match item {
        Item::Rect { x, y, w, h, fill } => {
            let r = Rect::from_xywh(*x, *y, *w, *h)
                .and_then(|r| Rect::from_ltrb(r.left(), r.top() - y0, r.right(), r.bottom() - y0));
            if let Some(r) = r {
                pm.fill_rect(r, &paint(*fill, true), Transform::identity(), None);
            }
        }
        Item::StrokeRect { x, y, w, h, color, width } => {
            if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                let path = PathBuilder::from_rect(r);
                let stroke = Stroke { width: *width, line_join: LineJoin::Miter, ..Stroke::default() };
                if positive(*width) {
                    pm.stroke_path(&path, &paint(*color, true), &stroke, ts, None);
                }
            }
        }
        Item::Line { points, color, width, dash } => draw_line(pm, points, y0, *color, *width, *dash),
        Item::Text { x, y, text, size, color, halign, valign, bold, rotation } => {
            let cmds = outline_rotated(text, *x, *y, *size, *bold, *halign, *valign, *rotation);
            super::coverage::fill(pm, &cmds, y0 as u32, *color);
        }
        Item::Image { x, y, w, h, px_w, px_h, rgba } => draw_image(pm, *x, *y - y0, *w, *h, *px_w, *px_h, rgba),
        Item::Circle { cx, cy, r, fill, stroke, width } => {
            if !(positive(*r) && cx.is_finite() && cy.is_finite()) {
                return;
            }
            let Some(path) = PathBuilder::from_circle(*cx, *cy, *r) else { return };
            pm.fill_path(&path, &paint(*fill, true), FillRule::Winding, ts, None);
            if positive(*width) {
                let st = Stroke { width: *width, ..Stroke::default() };
                pm.stroke_path(&path, &paint(*stroke, true), &st, ts, None);
            }
        }
    }
}

/// Strokes `points` (whole-image coordinates) into the band starting at row `y0`.
fn draw_line(pm: &mut PixmapMut, points: &[(f32, f32)], y0: f32, color: Color, width: f32, dash: Option<f32>) {
    if points.len() < 2 || !positive(width) {
        return;
    }
    if let Some(cmds) = super::coverage::straight_line(points, width, dash) {
        super::coverage::fill(pm, &cmds, y0 as u32, color);
        return;
    }
    let ts = Transform::from_translate(0.0, -y0);
    let mut pb = PathBuilder::new();
    pb.move_to(points[0].0, points[0].1);
    for &(px, py) in &points[1..] {
        pb.line_to(px, py);
    }
    let Some(path) = pb.finish() else { return };
    let dash = dash.filter(|d| positive(*d)).and_then(|d| StrokeDash::new(vec![d, d], 0.0));
    let stroke = Stroke { width, line_cap: LineCap::Butt, line_join: LineJoin::Round, dash, ..Stroke::default() };
    pm.stroke_path(&path, &paint(color, true), &stroke, ts, None);
}

/// Draws an RGBA raster scaled to (x, y, w, h) with nearest-neighbour sampling.
#[allow(clippy::too_many_arguments)]
fn draw_image(pm: &mut PixmapMut, x: f32, y: f32, w: f32, h: f32, px_w: u32, px_h: u32, rgba: &[u8]) {
    let usable = image_is_valid(px_w, px_h, rgba) && positive(w) && positive(h) && x.is_finite() && y.is_finite();
    if !usable {
        return;
    }
    let opaque = rgba.chunks_exact(4).all(|p| p[3] == 255);
    let integral = [x, y, w, h].iter().all(|v| (v - v.round()).abs() < 1e-3 && v.abs() < 1e7);
    if opaque && integral {
        blit_nearest(pm, x.round() as i64, y.round() as i64, w.round() as i64, h.round() as i64, px_w, px_h, rgba);
        return;
    }
    // General case: premultiply and fill the box with a nearest-sampled pattern.
    let premul: Vec<u8> = rgba
        .chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            let m = |c: u8| ((u16::from(c) * a + 127) / 255) as u8;
            [m(p[0]), m(p[1]), m(p[2]), p[3]]
        })
        .collect();
    let Some(size) = IntSize::from_wh(px_w, px_h) else { return };
    let Some(src) = Pixmap::from_vec(premul, size) else { return };
    let Some(rect) = Rect::from_xywh(x, y, w, h) else { return };
    let ts = Transform::from_row(w / px_w as f32, 0.0, 0.0, h / px_h as f32, x, y);
    let shader = Pattern::new(src.as_ref(), SpreadMode::Pad, FilterQuality::Nearest, 1.0, ts);
    let p = Paint { shader, anti_alias: true, ..Paint::default() };
    pm.fill_rect(rect, &p, Transform::identity(), None);
}

/// Fast path for opaque images on whole-pixel boxes: copies source pixels
/// directly, sampling each destination pixel centre.
#[allow(clippy::too_many_arguments)]
fn blit_nearest(pm: &mut PixmapMut, x: i64, y: i64, w: i64, h: i64, px_w: u32, px_h: u32, rgba: &[u8]) {
    let (pw, ph) = (i64::from(pm.width()), i64::from(pm.height()));
    let (x0, x1) = (x.max(0), (x + w).min(pw));
    let (y0, y1) = (y.max(0), (y + h).min(ph));
    if x0 >= x1 || y0 >= y1 {
        return;
    }
    let src_index = |d: i64, origin: i64, extent: i64, n: u32| -> usize {
        let s = ((d - origin) as f64 + 0.5) * f64::from(n) / extent as f64;
        (s as usize).min(n as usize - 1)
    };
    let cols: Vec<usize> = (x0..x1).map(|dx| src_index(dx, x, w, px_w) * 4).collect();
    let stride = pm.width() as usize * 4;
    let src_stride = px_w as usize * 4;
    let data = pm.data_mut();
    for dy in y0..y1 {
        let sy = src_index(dy, y, h, px_h);
        let src_row = &rgba[sy * src_stride..(sy + 1) * src_stride];
        let start = dy as usize * stride + x0 as usize * 4;
        let dst_row = &mut data[start..start + cols.len() * 4];
        for (dst, &sx) in dst_row.chunks_exact_mut(4).zip(&cols) {
            dst.copy_from_slice(&src_row[sx..sx + 4]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::render::scene::{HAlign, VAlign};
    use crate::output::render::text;

    fn px(img: &RgbaImage, x: u32, y: u32) -> [u8; 4] {
        img.get_pixel(x, y)
    }

    #[test]
    fn rect_on_white() {
        let mut s = Scene::new(40, 30, Color::WHITE);
        s.rect(10.0, 5.0, 20.0, 10.0, Color::rgb(255, 0, 0));
        let img = to_rgba(&s);
        assert_eq!(px(&img, 15, 10), [255, 0, 0, 255]);
        assert_eq!(px(&img, 5, 10), [255, 255, 255, 255]);
        assert_eq!(px(&img, 29, 14), [255, 0, 0, 255]);
        assert_eq!(px(&img, 30, 14), [255, 255, 255, 255]);
    }

    #[test]
    fn translucent_background_is_painted_opaque() {
        let s = Scene::new(2, 2, Color::rgba(10, 20, 30, 0));
        assert_eq!(px(&to_rgba(&s), 1, 1), [10, 20, 30, 255]);
    }

    #[test]
    fn zero_sized_and_degenerate_items_do_not_panic() {
        let mut s = Scene::new(0, 0, Color::WHITE);
        s.rect(f32::NAN, 0.0, 1.0, 1.0, Color::BLACK)
            .line(0.0, 0.0, 0.0, 0.0, Color::BLACK, 0.0)
            .polyline(vec![(1.0, 1.0)], Color::BLACK, 1.0)
            .dashed_line(0.0, 0.0, 5.0, 0.0, Color::BLACK, 1.0, -1.0)
            .image(0.0, 0.0, 5.0, 5.0, 3, 3, vec![0; 5])
            .image(0.0, 0.0, -5.0, 5.0, 1, 1, vec![0; 4]);
        let img = to_rgba(&s);
        assert_eq!(img.dimensions(), (1, 1));
    }

    #[test]
    fn nearest_image_keeps_hard_edges() {
        let mut s = Scene::new(120, 70, Color::WHITE);
        s.image(10.0, 10.0, 100.0, 50.0, 2, 1, vec![255, 0, 0, 255, 0, 0, 255, 255]);
        let img = to_rgba(&s);
        for y in 10..60 {
            for x in 10..60 {
                assert_eq!(px(&img, x, y), [255, 0, 0, 255], "at {x},{y}");
            }
            for x in 60..110 {
                assert_eq!(px(&img, x, y), [0, 0, 255, 255], "at {x},{y}");
            }
        }
        assert_eq!(px(&img, 9, 10), [255, 255, 255, 255]);
        assert_eq!(px(&img, 110, 59), [255, 255, 255, 255]);
    }

    #[test]
    fn fractional_or_translucent_image_uses_pattern_path() {
        let mut s = Scene::new(120, 70, Color::WHITE);
        // Half-transparent: pattern path; still nearest, so halves stay flat.
        s.image(10.5, 10.0, 100.0, 50.0, 2, 1, vec![255, 0, 0, 128, 0, 0, 255, 255]);
        let img = to_rgba(&s);
        let left = px(&img, 30, 30);
        assert!(left[0] == 255 && (125..=129).contains(&left[1]) && left[1] == left[2], "{left:?}");
        assert_eq!(px(&img, 90, 30), [0, 0, 255, 255]);
        assert_eq!(px(&img, 31, 40), left);
    }

    /// A scene large enough to be drawn in two bands, with text, a circle and lines across its
    /// middle.
    fn seam_scene() -> Scene {
        let mut s = Scene::new(1000, 500, Color::hex("#101018"));
        let grey = Color::rgb(150, 150, 160);
        s.rect(10.5, 100.3, 200.0, 300.2, Color::rgba(40, 120, 200, 200))
            .stroke_rect(20.25, 30.5, 900.0, 440.0, grey, 1.0)
            .line(500.5, 0.0, 500.5, 500.0, grey, 1.0)
            .dashed_line(620.3, 10.0, 640.7, 490.0, grey, 2.0, 6.0)
            .polyline(vec![(0.0, 300.0), (400.0, 200.0), (800.0, 320.0)], Color::rgb(250, 120, 80), 2.5)
            .text(300.0, 250.0, "Seam 123 Ág", 40.0, Color::rgb(255, 255, 0), HAlign::Center, VAlign::Middle, true)
            .text_rotated(60.0, 250.0, "USD per band", 14.0, grey, HAlign::Center, VAlign::Middle, false, -90.0)
            .circle(720.0, 262.0, 30.0, Color::rgb(200, 60, 60), Color::WHITE, 1.5)
            .text(800.0, 120.0, "top 109,500", 16.0, grey, HAlign::Right, VAlign::Baseline, false)
            .text(800.0, 400.0, "bottom 101,250", 16.0, grey, HAlign::Right, VAlign::Baseline, false);
        s
    }

    #[test]
    fn seam_avoids_circles_and_may_cut_text() {
        let s = seam_scene();
        assert_eq!(split_row(1000, 500), 250, "the scene is large enough to be split");
        let row = seam(&s, 500);
        // Aimed at row 280 (0.56 of 500), inside the circle's rows (229.5-294.5 with its stroke
        // and a pixel's margin): the nearest rows clear of it are 228 and 296; 296 is nearer.
        assert_eq!(row, 296);
        // The rotated label spans about rows 200-300: the seam cuts it, and its pixels are
        // the whole image's (`bands_draw_what_the_whole_image_draws`).
        let whole = to_rgba(&s);
        let label_rows: Vec<u32> = (0..500).filter(|&y| (50..70).any(|x| px(&whole, x, y)[0] > 60)).collect();
        assert!(label_rows.first() < Some(&296) && label_rows.last() > Some(&296), "{label_rows:?}");
        // No circle: the aim itself.
        let mut plain = Scene::new(1000, 500, Color::hex("#101018"));
        plain.text(300.0, 280.0, "cut 280", 40.0, Color::WHITE, HAlign::Center, VAlign::Middle, true);
        assert_eq!(seam(&plain, 500), 280);
    }

    #[test]
    fn bands_draw_what_the_whole_image_draws() {
        let s = seam_scene();
        let banded = image::load_from_memory(&to_png(&s)).expect("decodes").to_rgba8();
        let whole = to_rgba(&s);
        assert_eq!(banded.dimensions(), (1000, 500));
        let (mut differing, mut largest) = (0usize, 0u8);
        for (a, b) in banded.as_raw().chunks_exact(4).zip(whole.as_raw().chunks_exact(4)) {
            let d = a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0);
            differing += usize::from(d > 0);
            largest = largest.max(d);
        }
        // Lines cut at the seam are anti-aliased from their cut ends: at most one level apart,
        // on a few pixels; nothing else differs.
        assert!(largest <= 1, "a pixel differs by {largest} levels");
        assert!(differing < 200, "{differing} pixels differ");
        // A long slanted line cut by the seam is anti-aliased from its cut ends along all of
        // its length: a pixel's coverage there can move by one or two of the rasteriser's 16
        // sub-samples (at most 32 levels), nowhere else.
        let mut slanted = seam_scene();
        slanted.line(0.0, 0.0, 999.0, 499.0, Color::WHITE, 1.5);
        let banded = image::load_from_memory(&to_png(&slanted)).expect("decodes").to_rgba8();
        let whole = to_rgba(&slanted);
        for y in 0..500u32 {
            for x in 0..1000u32 {
                let d = banded.get_pixel(x, y).0.iter().zip(whole.get_pixel(x, y)).map(|(a, b)| a.abs_diff(b)).max();
                let on_line = (x as f32 - 999.0 / 499.0 * y as f32).abs() < 4.0;
                assert!(d <= Some(if on_line { 32 } else { 1 }), "({x}, {y}) differs by {d:?} levels");
            }
        }
        // Small scenes are drawn whole: the same pixels exactly.
        let mut small = Scene::new(300, 200, Color::hex("#101018"));
        small.line(0.0, 0.0, 299.0, 199.0, Color::WHITE, 1.5);
        let png = image::load_from_memory(&to_png(&small)).expect("decodes").to_rgba8();
        assert_eq!(png.as_raw(), to_rgba(&small).as_raw());
    }

    #[test]
    fn png_is_deterministic_and_decodes() {
        let mut s = Scene::new(64, 32, Color::hex("#202020"));
        s.rect(1.0, 1.0, 30.0, 30.0, Color::rgb(0, 200, 0))
            .dashed_line(0.0, 16.0, 64.0, 16.0, Color::WHITE, 1.0, 4.0)
            .text(32.0, 16.0, "Ag", 14.0, Color::WHITE, HAlign::Center, VAlign::Middle, true);
        let a = to_png(&s);
        let b = to_png(&s);
        assert_eq!(a, b);
        let img = image::load_from_memory(&a).expect("decodes").to_rgba8();
        assert_eq!(img.dimensions(), (64, 32));
        assert_eq!(img.get_pixel(5, 5).0, [0, 200, 0, 255]);
        assert_eq!(img.as_raw().as_slice(), to_rgba(&s).as_raw());
    }

    /// Columns (x) that contain any non-white pixel.
    fn ink_columns(img: &RgbaImage) -> Vec<u32> {
        (0..img.width()).filter(|&x| (0..img.height()).any(|y| px(img, x, y)[0] < 200)).collect()
    }

    #[test]
    fn text_keeps_left_side_bearing() {
        let mut s = Scene::new(60, 40, Color::WHITE);
        s.text(10.0, 30.0, "l", 20.0, Color::BLACK, HAlign::Left, VAlign::Baseline, false);
        let cols = ink_columns(&to_rgba(&s));
        let lsb = text::left_side_bearing('l', 20.0, false);
        let first = *cols.first().expect("some ink") as f32;
        assert!(lsb > 1.5);
        assert!((first - (10.0 + lsb)).abs() <= 1.0, "first ink column {first}, lsb {lsb}");
    }

    #[test]
    fn text_glyphs_are_separated() {
        // "mm" at 20 px: two separate runs of ink, the second shifted by one advance.
        let mut s = Scene::new(80, 40, Color::WHITE);
        s.text(10.0, 30.0, "mm", 20.0, Color::BLACK, HAlign::Left, VAlign::Baseline, false);
        let cols = ink_columns(&to_rgba(&s));
        let runs = runs(&cols);
        assert_eq!(runs.len(), 2, "{runs:?}");
        let adv = text::measure("m", 20.0, false);
        let shift = runs[1].0 as f32 - runs[0].0 as f32;
        assert!((shift - adv).abs() <= 1.0, "shift {shift} advance {adv}");
        // The same glyph at another fraction of a pixel (the advance is not whole) covers the
        // same width give or take a column.
        let ink_w = |r: (u32, u32)| (r.1 - r.0 + 1) as i64;
        assert!((ink_w(runs[1]) - ink_w(runs[0])).abs() <= 1, "{runs:?}");
        // "time": right edge of the ink lies within the advance box.
        let mut s = Scene::new(80, 40, Color::WHITE);
        s.text(10.0, 30.0, "time", 20.0, Color::BLACK, HAlign::Left, VAlign::Baseline, false);
        let cols = ink_columns(&to_rgba(&s));
        let w = text::measure("time", 20.0, false);
        let last = *cols.last().expect("ink") as f32;
        assert!(last < 10.0 + w && last > 10.0 + w - 4.0, "last {last} width {w}");
        // 't' 'i' 'm' 'e' leave gaps between t|i and i|m at this size.
        assert!(runs_of(&s).len() >= 3);
    }

    fn runs_of(s: &Scene) -> Vec<(u32, u32)> {
        runs(&ink_columns(&to_rgba(s)))
    }

    fn runs(cols: &[u32]) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        for &c in cols {
            match out.last_mut() {
                Some(r) if r.1 + 1 == c => r.1 = c,
                _ => out.push((c, c)),
            }
        }
        out
    }

    #[test]
    fn right_aligned_text_ends_at_anchor() {
        let mut s = Scene::new(100, 40, Color::WHITE);
        s.text(90.0, 20.0, "88", 16.0, Color::BLACK, HAlign::Right, VAlign::Middle, false);
        let cols = ink_columns(&to_rgba(&s));
        let last = *cols.last().expect("ink");
        assert!((85..90).contains(&last), "last {last}");
    }
}
