//! End-to-end checks of the render layer: PNG pixels, SVG structure, and the
//! SVG rasterised by resvg matching our own raster of the same scene.

use crate::common;

use std::path::PathBuf;

use common::imgdiff;
use image::RgbaImage;
use liqshot::output::render::{raster, svg, text, Color, HAlign, Scene, VAlign};

fn target_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join("test-output").join(name)
}

/// A scene using every item kind, alignment and a rotated label.
fn sample_scene() -> Scene {
    let mut s = Scene::new(320, 200, Color::hex("#f4f4f0"));
    let (pw, ph) = (16u32, 8u32);
    let rgba: Vec<u8> = (0..pw * ph).flat_map(|i| [(i * 37 % 256) as u8, (i * 11 % 256) as u8, 200, 255]).collect();
    s.image(40.0, 30.0, 240.0, 120.0, pw, ph, rgba)
        .image(290.5, 30.25, 20.0, 40.0, 1, 2, vec![255, 0, 0, 128, 0, 0, 0, 255])
        .rect(60.0, 40.0, 50.0, 30.0, Color::rgb(220, 30, 30).with_alpha(140))
        .stroke_rect(40.5, 30.5, 239.0, 119.0, Color::BLACK, 1.0)
        .line(40.0, 160.0, 280.0, 160.0, Color::rgb(0, 90, 200), 2.0)
        .dashed_line(40.0, 90.5, 280.0, 90.5, Color::WHITE, 1.0, 4.0)
        .polyline(vec![(40.0, 140.0), (100.0, 60.0), (160.0, 120.0), (280.0, 45.0)], Color::rgb(255, 220, 0), 2.5)
        .text(160.0, 18.0, "time (UTC) — Av.", 15.0, Color::BLACK, HAlign::Center, VAlign::Middle, true)
        .text(36.0, 150.0, "60 000", 11.0, Color::rgb(60, 60, 60), HAlign::Right, VAlign::Baseline, false)
        .text(280.0, 165.0, "a<b & c", 11.0, Color::BLACK, HAlign::Right, VAlign::Top, false)
        .text(40.0, 198.0, "jumpy", 12.0, Color::BLACK, HAlign::Left, VAlign::Bottom, false)
        .text_rotated(14.0, 90.0, "price", 12.0, Color::BLACK, HAlign::Center, VAlign::Middle, false, -90.0);
    s
}

fn decode(png: &[u8]) -> RgbaImage {
    image::load_from_memory(png).expect("PNG decodes").to_rgba8()
}

fn resvg_render(svg_bytes: &[u8], w: u32, h: u32) -> RgbaImage {
    let tree = resvg::usvg::Tree::from_data(svg_bytes, &resvg::usvg::Options::default()).expect("SVG parses");
    let mut pm = resvg::tiny_skia::Pixmap::new(w, h).expect("pixmap");
    resvg::render(&tree, resvg::tiny_skia::Transform::identity(), &mut pm.as_mut());
    // The background rect is opaque, so premultiplied == straight.
    RgbaImage::from_raw(w, h, pm.take()).expect("buffer size")
}

#[test]
fn png_red_rect_on_white_has_expected_pixels() {
    let mut s = Scene::new(50, 40, Color::WHITE);
    s.rect(10.0, 10.0, 20.0, 15.0, Color::rgb(255, 0, 0));
    let img = decode(&raster::to_png(&s));
    assert_eq!(img.dimensions(), (50, 40));
    assert_eq!(img.get_pixel(20, 15).0, [255, 0, 0, 255]);
    assert_eq!(img.get_pixel(10, 10).0, [255, 0, 0, 255]);
    assert_eq!(img.get_pixel(29, 24).0, [255, 0, 0, 255]);
    assert_eq!(img.get_pixel(9, 10).0, [255, 255, 255, 255]);
    assert_eq!(img.get_pixel(30, 24).0, [255, 255, 255, 255]);
    assert_eq!(img.get_pixel(20, 25).0, [255, 255, 255, 255]);
}

#[test]
fn png_image_two_pixels_scaled_keeps_pure_halves() {
    let mut s = Scene::new(100, 50, Color::WHITE);
    s.image(0.0, 0.0, 100.0, 50.0, 2, 1, vec![0, 200, 0, 255, 40, 40, 40, 255]);
    let img = decode(&raster::to_png(&s));
    for (x, y, p) in img.enumerate_pixels() {
        let want = if x < 50 { [0, 200, 0, 255] } else { [40, 40, 40, 255] };
        assert_eq!(p.0, want, "pixel {x},{y}");
    }
}

#[test]
fn png_bytes_are_deterministic() {
    let s = sample_scene();
    assert_eq!(raster::to_png(&s), raster::to_png(&s));
}

#[test]
fn png_matches_to_rgba() {
    let s = sample_scene();
    assert_eq!(decode(&raster::to_png(&s)), common::to_image(raster::to_rgba(&s)));
}

#[test]
fn text_ink_starts_at_left_side_bearing() {
    for (ch, bold) in [('l', false), ('l', true), ('m', false)] {
        let mut s = Scene::new(60, 40, Color::WHITE);
        s.text(10.0, 30.0, &ch.to_string(), 20.0, Color::BLACK, HAlign::Left, VAlign::Baseline, bold);
        let img = common::to_image(raster::to_rgba(&s));
        let first = (0..60).find(|&x| (0..40).any(|y| img.get_pixel(x, y).0[0] < 128)).expect("ink");
        let want = 10.0 + text::left_side_bearing(ch, 20.0, bold);
        assert!((first as f32 - want).abs() <= 1.0, "{ch:?} bold={bold}: first ink {first}, want ~{want}");
        assert!(first > 10, "bearing dropped for {ch:?}");
    }
}

#[test]
fn measure_matches_rendered_extent() {
    // Right-aligned and left-aligned copies of the same string must cover the
    // same columns once shifted by the measured width.
    let w = text::measure("time (UTC)", 20.0, false);
    let mut a = Scene::new(300, 40, Color::WHITE);
    a.text(20.0, 30.0, "time (UTC)", 20.0, Color::BLACK, HAlign::Left, VAlign::Baseline, false);
    let mut b = Scene::new(300, 40, Color::WHITE);
    b.text(20.0 + w, 30.0, "time (UTC)", 20.0, Color::BLACK, HAlign::Right, VAlign::Baseline, false);
    assert_eq!(raster::to_rgba(&a), raster::to_rgba(&b));
}

#[test]
fn svg_has_paths_not_text_and_escapes_labels() {
    let svg = String::from_utf8(svg::to_svg(&sample_scene())).expect("utf-8");
    assert!(!svg.contains("<text"));
    assert!(!svg.contains("font-family"));
    assert!(svg.contains(r#"<g aria-label="a&lt;b &amp; c"><path d="M"#));
    assert!(svg.contains(r#"aria-label="time (UTC) — Av.""#));
    assert!(svg.contains("image-rendering:pixelated"));
    assert_eq!(svg::to_svg(&sample_scene()), svg::to_svg(&sample_scene()));
}

#[test]
fn svg_rasterised_by_resvg_matches_png() {
    let s = sample_scene();
    let ours = common::to_image(raster::to_rgba(&s));
    let theirs = resvg_render(&svg::to_svg(&s), s.width, s.height);
    let mad = imgdiff::mean_abs_diff(&ours, &theirs);
    eprintln!("SVG (resvg) vs PNG: mean abs difference {mad:.4}");
    let diff = target_path("svg_vs_png.diff.png");
    let res = imgdiff::compare(&theirs, &ours, 24, 0.002, &diff);
    let _ = ours.save(target_path("sample.png"));
    if res.is_err() || mad > 0.5 {
        let _ = ours.save(target_path("svg_vs_png.png.png"));
        let _ = theirs.save(target_path("svg_vs_png.svg.png"));
    }
    res.unwrap_or_else(|e| panic!("SVG vs PNG: {e}"));
    assert!(mad <= 0.5, "mean abs difference {mad}");
}

#[test]
fn imgdiff_reports_and_writes_diff() {
    let a = RgbaImage::from_pixel(10, 10, image::Rgba([0, 0, 0, 255]));
    let mut b = a.clone();
    b.put_pixel(3, 3, image::Rgba([50, 0, 0, 255]));
    let path = target_path("imgdiff_selftest.diff.png");
    let _ = std::fs::remove_file(&path);
    assert!(imgdiff::compare(&b, &a, 50, 0.0, &path).is_ok());
    assert!(imgdiff::compare(&b, &a, 10, 0.01, &path).is_ok());
    let err = imgdiff::compare(&b, &a, 10, 0.0, &path).expect_err("one bad pixel");
    assert!(err.contains("imgdiff_selftest.diff.png"), "{err}");
    let diff = image::open(&path).expect("diff written").to_rgba8();
    assert_eq!(diff.get_pixel(3, 3).0, [255, 0, 0, 255]);
    assert_ne!(diff.get_pixel(0, 0).0, [255, 0, 0, 255]);
    assert!(imgdiff::compare(&RgbaImage::new(2, 2), &a, 0, 1.0, &path).is_err());
}
