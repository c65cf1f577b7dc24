//! `--preset`: each place's image size, text legible where it is shown (smallest text x display
//! scale >= 11 CSS px), nothing drawn off the image or over other text, file size limits.

mod common;

use liqshot::app::{encode, render_scene, Format, RenderSettings};
use liqshot::estimate::EstimateParams;
use liqshot::render::preset::{Preset, MIN_TEXT_CSS_PX};
use liqshot::render::{text, HAlign, Item, Scene, VAlign};
use liqshot::MarketSnapshot;

/// Every horizontal text item's box: (x0, y0, x1, y1, size, text).
fn text_boxes(scene: &Scene) -> Vec<(f32, f32, f32, f32, f32, String)> {
    scene
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text { x, y, text: t, size, halign, valign, bold, rotation, .. } if *rotation == 0.0 => {
                let w = text::measure(t, *size, *bold);
                let x0 = match halign {
                    HAlign::Left => *x,
                    HAlign::Center => x - w / 2.0,
                    HAlign::Right => x - w,
                };
                let (asc, desc) = (text::ascent(*size, *bold), text::descent(*size, *bold));
                let top = match valign {
                    VAlign::Top => *y,
                    VAlign::Middle => y - (asc + desc) / 2.0,
                    VAlign::Baseline => y - asc,
                    VAlign::Bottom => y - asc - desc,
                };
                Some((x0, top, x0 + w, top + asc + desc, *size, t.clone()))
            }
            _ => None,
        })
        .collect()
}

fn scene_of(p: Preset) -> Scene {
    scene_with(p, 86_400, true)
}

fn scene_with(p: Preset, window_secs: i64, dark: bool) -> Scene {
    let snap = MarketSnapshot::load(&common::example_snapshot()).unwrap();
    let mut s = RenderSettings::preset(EstimateParams::default(), window_secs, p);
    s.chart.dark = dark;
    render_scene(&snap, &s).unwrap().1
}

/// Each preset with the 24 h and the 7 d window (different labels, zones and candles).
fn scenes() -> Vec<(String, Preset, Scene)> {
    let mut v = Vec::new();
    for p in Preset::ALL {
        v.push((format!("{p} 24h"), p, scene_with(p, 86_400, true)));
        v.push((format!("{p} 7d light"), p, scene_with(p, 7 * 86_400, false)));
    }
    v
}

#[test]
fn preset_text_is_legible_as_displayed() {
    for (p, _, scene) in scenes() {
        let p = &p;
        let pr = Preset::ALL.into_iter().find(|x| p.starts_with(x.name())).unwrap();
        assert_eq!((scene.width, scene.height), pr.size(), "{p}");
        let boxes = text_boxes(&scene);
        assert!(boxes.len() > 15, "{p}: only {} texts", boxes.len());
        let smallest = boxes.iter().map(|b| b.4).fold(f32::MAX, f32::min);
        let css = smallest * pr.display_scale();
        assert!(css >= MIN_TEXT_CSS_PX - 1e-3, "{p}: smallest text {smallest} px = {css:.1} CSS px at {} px wide", pr.display_width());
    }
}

#[test]
fn preset_strokes_are_at_least_one_css_pixel() {
    for p in Preset::ALL {
        let scene = scene_of(p);
        let widths: Vec<f32> = scene
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Line { width, .. } | Item::StrokeRect { width, .. } => Some(*width),
                _ => None,
            })
            .collect();
        assert!(widths.len() > 20, "{p}");
        let thinnest = widths.iter().copied().fold(f32::MAX, f32::min);
        assert!(thinnest * p.display_scale() >= 1.0 - 1e-3, "{p}: a {thinnest} px stroke shows at {:.2} CSS px", thinnest * p.display_scale());
    }
}

#[test]
fn preset_text_stays_on_the_image_and_off_other_text() {
    for (p, _, scene) in scenes() {
        let boxes = text_boxes(&scene);
        let (w, h) = (scene.width as f32, scene.height as f32);
        for b in &boxes {
            assert!(b.0 >= -0.5 && b.2 <= w + 0.5 && b.1 >= -0.5 && b.3 <= h + 0.5, "{p}: {:?} leaves the {w}x{h} image", b.5);
        }
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let overlap = a.0 < b.2 - 1.0 && b.0 < a.2 - 1.0 && a.1 < b.3 - 1.0 && b.1 < a.3 - 1.0;
                assert!(!overlap, "{p}: {:?} overlaps {:?}", a.5, b.5);
            }
        }
    }
}

#[test]
fn preset_files_are_within_the_places_limits() {
    for p in Preset::ALL {
        let png = encode(&scene_of(p), Format::Png);
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!((img.width(), img.height()), p.size(), "{p}");
        if let Some(max) = p.max_bytes() {
            assert!(png.len() < max, "{p}: {} bytes, limit {max}", png.len());
        }
    }
}
