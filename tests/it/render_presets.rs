//! `--preset`: each place's image size, text legible where it is shown (smallest text x display
//! scale >= 11 CSS px), nothing drawn off the image or over other text, file size limits.

use crate::common;

use liqshot::engine::estimate::EstimateParams;
use liqshot::output::render::preset::{Preset, MIN_TEXT_CSS_PX};
use liqshot::output::render::{encode, render_scene, Format, RenderSettings};
use liqshot::output::render::{text, HAlign, Item, Scene, VAlign};
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
        assert!(
            css >= MIN_TEXT_CSS_PX - 1e-3,
            "{p}: smallest text {smallest} px = {css:.1} CSS px at {} px wide",
            pr.display_width()
        );
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
        assert!(
            thinnest * p.display_scale() >= 1.0 - 1e-3,
            "{p}: a {thinnest} px stroke shows at {:.2} CSS px",
            thinnest * p.display_scale()
        );
    }
}

#[test]
fn preset_text_stays_on_the_image_and_off_other_text() {
    for (p, _, scene) in scenes() {
        let boxes = text_boxes(&scene);
        let (w, h) = (scene.width as f32, scene.height as f32);
        for b in &boxes {
            assert!(
                b.0 >= -0.5 && b.2 <= w + 0.5 && b.1 >= -0.5 && b.3 <= h + 0.5,
                "{p}: {:?} leaves the {w}x{h} image",
                b.5
            );
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

/// The heatmap: the largest image of the scene, (x, y, w, h).
fn heatmap_box(scene: &Scene) -> (f32, f32, f32, f32) {
    scene
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Image { x, y, w, h, .. } => Some((*x, *y, *w, *h)),
            _ => None,
        })
        .max_by(|a, b| (a.2 * a.3).total_cmp(&(b.2 * b.3)))
        .expect("a heatmap")
}

/// Each preset, both windows and both themes, with its analysis.
fn analysed() -> Vec<(String, liqshot::engine::pipeline::Analysis, Scene)> {
    let snap = MarketSnapshot::load(&common::example_snapshot()).unwrap();
    let mut v = Vec::new();
    for p in Preset::ALL {
        for (window, dark) in [(86_400, true), (7 * 86_400, false), (3 * 86_400, true)] {
            let mut s = RenderSettings::preset(EstimateParams::default(), window, p);
            s.chart.dark = dark;
            let (a, scene) = render_scene(&snap, &s).unwrap();
            v.push((format!("{p} {}h {}", window / 3600, if dark { "dark" } else { "light" }), a, scene));
        }
    }
    v
}

#[test]
fn every_preset_gives_the_heatmap_most_of_the_height_and_three_price_ticks() {
    for (name, _, scene) in analysed() {
        let (x, y, w, h) = heatmap_box(&scene);
        let share = h / scene.height as f32;
        assert!(share >= 0.55, "{name}: the heatmap is {:.0} % of the image height", share * 100.0);
        // Price tick labels: plain numbers right of the heatmap, beside it (the price marker is bold).
        let ticks: Vec<String> = text_boxes(&scene)
            .into_iter()
            .filter(|b| b.0 > x + w && b.1 >= y - 1.0 && b.3 <= y + h + 1.0)
            .filter(|b| b.5.replace(',', "").parse::<f64>().is_ok())
            .filter(|b| !scene.items.iter().any(|i| matches!(i, Item::Text { text, bold: true, .. } if *text == b.5)))
            .map(|b| b.5)
            .collect();
        assert!(ticks.len() >= 3, "{name}: price ticks {ticks:?}");
    }
}

#[test]
fn no_preset_says_omitted_and_each_keeps_a_one_line_credit() {
    let snap = MarketSnapshot::load(&common::example_snapshot()).unwrap();
    for (name, _, scene) in analysed() {
        let texts: Vec<String> = text_boxes(&scene).into_iter().map(|b| b.5).collect();
        assert!(!texts.iter().any(|t| t.contains("omitted")), "{name}");
        let credit: Vec<&String> = texts.iter().filter(|t| t.starts_with("liqshot · price: ")).collect();
        assert_eq!(credit.len(), 1, "{name}: {texts:?}");
        assert!(credit[0].contains(" · OI: ") && credit[0].ends_with(" · estimate"), "{name}: {}", credit[0]);
        // The snapshot's notes (its sources in full) are not on the image.
        for n in &snap.notes {
            assert!(!texts.iter().any(|t| n.starts_with(t.as_str()) && t.len() > 20), "{name}: note {n:?} drawn");
        }
    }
}

#[test]
fn zone_labels_hide_no_zones_brightest_band_at_any_preset() {
    for (name, a, scene) in analysed() {
        let (x, y, w, h) = heatmap_box(&scene);
        let g = &a.estimate.grid;
        let y_of = |price: f64| y + h - ((price / g.price_lo).ln() / (g.price_hi / g.price_lo).ln()) as f32 * h;
        let bands: Vec<(String, f32, f32)> =
            a.zones.zones.iter().map(|z| (z.name.to_string(), y_of(z.peak * 1.0005), y_of(z.peak / 1.0005))).collect();
        assert!(!bands.is_empty(), "{name}: no zones");
        let bold: Vec<String> = scene
            .items
            .iter()
            .filter_map(|i| if let Item::Text { text, bold: true, .. } = i { Some(text.clone()) } else { None })
            .collect();
        let mut labels = 0;
        for b in text_boxes(&scene).into_iter().filter(|b| bold.contains(&b.5)) {
            // A zone's label or tag: starts with the zone's tag, or an arrow.
            let is_zone = a.zones.zones.iter().any(|z| {
                b.5.starts_with(z.tag())
                    || b.5.starts_with(&format!("↑ {}", z.tag()))
                    || b.5.starts_with(&format!("↓ {}", z.tag()))
            });
            if !is_zone {
                continue;
            }
            labels += 1;
            let over_map = b.0 < x + w && b.2 > x && b.1 < y + h && b.3 > y;
            for (zone, top, bottom) in &bands {
                let hides = over_map && b.1 < *bottom && b.3 > *top;
                assert!(
                    !hides,
                    "{name}: label {:?} covers zone {zone}'s brightest band ({top:.0}..{bottom:.0} px)",
                    b.5
                );
            }
        }
        assert!(labels >= a.zones.zones.len(), "{name}: {labels} zone labels for {} zones", a.zones.zones.len());
    }
}

// ---- the command line ----

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn render_with_a_preset_writes_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.png");
    common::liqshot(["render", "--snapshot", s(&common::example_snapshot()), "--preset", "x", "-o", s(&out)]).ok();
    assert_eq!(common::read_png(&out).dimensions(), (1200, 675));
    assert!(dir.path().join("x.png.alt.txt").is_file());
}

#[test]
fn preset_and_size_together_are_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.png");
    let snap = common::example_snapshot();
    let base = ["render", "--snapshot", s(&snap), "-o", s(&out)];
    let run = common::liqshot(base.iter().copied().chain(["--preset", "x", "--size", "800x450"]));
    let line = run.one_line_error(2);
    assert!(line.contains("--preset x and --size 800x450: give one"), "{line}");
    // Rejected by the parser: its message, then the final one-line error.
    let run = common::liqshot(base.iter().copied().chain(["--preset", "instagram"]));
    assert_eq!(run.code, Some(2), "{run:?}");
    let line = run.stderr.lines().last().unwrap();
    assert!(
        line.starts_with("liqshot: error: invalid value 'instagram' for '--preset <PLACE>'")
            && line.contains("x, telegram, newsletter, square"),
        "{line}"
    );
    // A size from the environment is named as such.
    let mut cmd = common::command();
    cmd.args(base).args(["--preset", "square"]).env("LIQSHOT_SIZE", "800x450");
    let out_ = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out_.stderr);
    assert_eq!(out_.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--preset square and --size 800x450") && stderr.contains("--size from LIQSHOT_SIZE"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn the_config_files_size_or_preset_yields_to_the_other_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let snap = common::example_snapshot();
    let out = dir.path().join("a.png");
    let with_size = dir.path().join("size.toml");
    std::fs::write(&with_size, "[defaults]\nsize = \"800x450\"\n").unwrap();
    let with_preset = dir.path().join("preset.toml");
    std::fs::write(&with_preset, "[defaults]\npreset = \"telegram\"\n").unwrap();
    let render = |cfg: &std::path::Path, extra: &[&str]| {
        let mut args = vec!["--config", s(cfg), "render", "--snapshot", s(&snap), "-o", s(&out)];
        args.extend_from_slice(extra);
        common::liqshot(args).ok();
        common::read_png(&out).dimensions()
    };
    assert_eq!(render(&with_size, &[]), (800, 450));
    assert_eq!(render(&with_size, &["--preset", "square"]), (1080, 1080), "a --preset beats the file's size");
    assert_eq!(render(&with_preset, &[]), (1280, 720), "preset from the file");
    assert_eq!(render(&with_preset, &["--size", "720x400"]), (720, 400), "a --size beats the file's preset");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[defaults]\npreset = \"tiktok\"\n").unwrap();
    let run = common::liqshot(["--config", s(&bad), "render", "--snapshot", s(&snap), "-o", s(&out)]);
    let line = run.one_line_error(2);
    assert!(line.contains("defaults.preset") && line.contains("\"tiktok\" is not a preset"), "{line}");
}

#[test]
fn newsletter_report_with_the_preset_is_legible_and_says_so_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let snap = common::example_snapshot();
    let out = dir.path().join("plain");
    let url = "https://example.com/d";
    let run = common::liqshot(["report", "--snapshot", s(&snap), "--out-dir", s(&out), "--image-base-url", url]).ok();
    assert!(
        run.stderr.contains("liqshot: warning: --image-base-url: the 1600x900 chart shows 648 px wide in the mail, its smallest text at 4.7 px; --preset newsletter"),
        "{}",
        run.stderr
    );
    let out = dir.path().join("news");
    let run = common::liqshot([
        "report",
        "--snapshot",
        s(&snap),
        "--out-dir",
        s(&out),
        "--image-base-url",
        url,
        "--preset",
        "newsletter",
    ])
    .ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert_eq!(common::read_png(&out.join("heatmap.png")).dimensions(), (1280, 960));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(r#"width="648" height="486""#), "the mail column shows it 648 px wide");
}

#[test]
fn bundled_preset_examples_are_current() {
    // docs/publishing.md shows examples/btcusdt-24h-x.png and examples/btcusdt-7d-square.png (and their
    // alt text); regenerate with the commands in its "Presets" section.
    let dir = tempfile::tempdir().unwrap();
    let snap = common::example_snapshot();
    for (name, extra) in [
        ("btcusdt-24h-x", &["--preset", "x"][..]),
        ("btcusdt-7d-square", &["--preset", "square", "--window", "7d"][..]),
    ] {
        let out = dir.path().join(format!("{name}.png"));
        let mut args = vec!["render", "--snapshot", s(&snap), "-o", s(&out)];
        args.extend_from_slice(extra);
        common::liqshot(args).ok();
        let bundled = common::root().join(format!("examples/{name}.png"));
        let diff = common::target_tmp(&format!("render_presets/{name}.diff.png"));
        common::imgdiff::compare(&common::read_png(&out), &common::read_png(&bundled), 16, 0.005, &diff)
            .unwrap_or_else(|e| panic!("{} is stale: {e}", bundled.display()));
        let alt = |d: &std::path::Path| std::fs::read_to_string(d.join(format!("{name}.png.alt.txt"))).unwrap();
        assert_eq!(alt(dir.path()), alt(&common::root().join("examples")), "examples/{name}.png.alt.txt is stale");
    }
}
