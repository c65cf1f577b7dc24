//! End-to-end tests of `liqshot animate` on the bundled example, running the real binary.
//!
//! `examples/btcusdt-24h.gif` is what docs/guide.md (Animation) and the README link show. After an intended change to the
//! chart or the animation, rewrite it with
//!
//! ```text
//! cargo run --release -- animate --snapshot examples/btcusdt-2025-11-01_10.snapshot.json -o examples/btcusdt-24h.gif
//! ```
//!
//! and look at its frames before committing it.

use crate::common;

use std::path::Path;

use common::anim::{decode_apng, decode_gif};
use common::{example_snapshot, liqshot, target_tmp};
use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::zones::ZoneParams;
use liqshot::output::render::animate::Frames;
use liqshot::output::render::RenderSettings;

fn animate(extra: &[&str]) -> common::Run {
    let mut args = vec!["animate".to_string(), "--snapshot".into(), example_snapshot().display().to_string()];
    args.extend(extra.iter().map(|s| s.to_string()));
    liqshot(args)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

#[test]
fn writes_a_gif_and_an_apng() {
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("new/dir/map.gif");
    let run = animate(&["--frames", "3", "-o", s(&gif)]).ok();
    assert!(run.stderr.contains("wrote "), "{}", run.stderr);
    let (frames, repeat) = decode_gif(&std::fs::read(&gif).unwrap());
    assert_eq!(frames.len(), 3);
    assert_eq!(frames[0].0.dimensions(), (1200, 675), "X's size by default");
    assert_eq!(repeat, gif::Repeat::Infinite);
    // Its alt text beside it, from the data, within X's 1,000 characters.
    let alt = std::fs::read_to_string(dir.path().join("new/dir/map.gif.alt.txt")).unwrap();
    assert!(alt.starts_with("Animation, 3 frames from 2025-11-10 08:00 to 2025-11-11 00:00 UTC:"), "{alt}");
    assert!(alt.contains("Zone A above") && alt.contains("not actual positions"), "{alt}");
    assert!(alt.chars().count() <= 1000 && alt.ends_with('\n') && alt.lines().count() == 1);
    let apng = dir.path().join("map.png");
    animate(&["--frames", "2", "--fps", "4", "--size", "800x450", "-o", s(&apng)]).ok();
    let (plays, frames) = decode_apng(&std::fs::read(&apng).unwrap());
    assert_eq!((plays, frames.len()), (0, 2));
    assert_eq!(frames[0].1, (1, 4));
    assert_eq!(frames[1].0.dimensions(), (800, 450));
}

#[test]
fn bad_options_fail_before_any_work_with_the_flag_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("map.gif");
    let o = s(&out);
    for (args, want) in [
        (vec!["--size", "1600x900", "-o", o], "--size 1600x900: an animated GIF may be at most 1280x1080"),
        (vec!["--frames", "1", "-o", o], "--frames 1: give 2 to 600 frames"),
        (vec!["--fps", "60", "-o", o], "--fps 60: give 1 to 50 frames per second"),
        (vec!["--max-mb", "0", "-o", o], "--max-mb: 0 is not a positive size"),
        (vec!["--window", "soon", "-o", o], "--window"),
        (vec!["-o", "map.webm"], "-o map.webm: unknown animation format"),
    ] {
        let run = animate(&args);
        let line = run.one_line_error(2);
        assert!(line.contains(want), "{args:?}: {line}");
    }
    assert!(!out.exists());
}

#[test]
fn an_animation_over_the_size_limit_is_not_written_and_leaves_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("map.gif");
    std::fs::write(&out, b"the good old file").unwrap();
    let run = animate(&["--frames", "2", "--size", "800x450", "--max-mb", "0.01", "-o", s(&out)]);
    let line = run.one_line_error(2);
    assert!(line.contains("over --max-mb 0.01") && line.contains("fewer --frames or a smaller --size"), "{line}");
    assert_eq!(std::fs::read(&out).unwrap(), b"the good old file");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file and no alt text left");
}

#[test]
fn bundled_example_gif_is_current() {
    // The GIF docs/guide.md shows (Animation): 48 frames of 1200x675 within X's limits, whose last frame is the
    // last frame animate draws today.
    let bundled = common::root().join("examples/btcusdt-24h.gif");
    let bytes = std::fs::read(&bundled).unwrap();
    assert!(bytes.len() <= 15_000_000);
    let (frames, _) = decode_gif(&bytes);
    assert_eq!(frames.len(), 48);
    if std::env::var_os("ANIM_DUMP").is_some() {
        // To look at: a few frames as a viewer shows them.
        for i in [0, 16, 32, 47] {
            frames[i].0.save(target_tmp(&format!("cli_animate/example-frame{i:02}.png"))).unwrap();
        }
    }
    let snap = liqshot::MarketSnapshot::load(&example_snapshot()).unwrap();
    let rs = RenderSettings::new(EstimateParams::default(), 86_400, 1200, 675);
    let chart = liqshot::output::render::chart_options(&snap, &rs);
    let f = Frames::new(&snap, &rs.params, &ZoneParams::default(), &chart, 48).unwrap();
    let diff = target_tmp("cli_animate/btcusdt-24h-last.diff.png");
    common::imgdiff::compare(&frames[47].0, &common::to_image(f.image(47)), 24, 0.01, &diff)
        .unwrap_or_else(|e| panic!("{} is stale: {e}", bundled.display()));
}

#[test]
fn offline_help_examples_run() {
    // The `--snapshot` examples of `liqshot animate --help`, with -o in a temporary directory
    // and 2 frames (to keep the test fast).
    let dir = tempfile::tempdir().unwrap();
    let lines = common::offline_help_examples("animate");
    assert_eq!(lines.len(), 3);
    for (k, line) in lines.iter().enumerate() {
        let mut args: Vec<String> = line.split_whitespace().skip(1).map(String::from).collect();
        let ext = args[args.iter().position(|a| a == "-o").unwrap() + 1].rsplit('.').next().unwrap().to_string();
        let out = dir.path().join(format!("ex{k}.{ext}"));
        for i in 0..args.len() {
            if args[i] == "-o" {
                args[i + 1] = s(&out).to_string();
            }
            if args[i] == "--frames" {
                args[i + 1] = "2".into();
            }
        }
        if !args.iter().any(|a| a == "--frames") {
            args.extend(["--frames".into(), "2".into()]);
        }
        liqshot(&args).ok();
        assert!(out.exists(), "{line}");
    }
}

#[test]
fn live_symbol_is_animated_from_the_fake_exchange() {
    // --symbol fetches (here from the local fake of the venues' APIs) and names the file.
    let server = common::fake_exchange::start(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("{symbol}-{window}.gif");
    let mut args: Vec<String> = [
        "animate",
        "--symbol",
        "BTC",
        "--exchange",
        "binance",
        "--lookback",
        "2d",
        "--frames",
        "2",
        "--size",
        "800x450",
        "-o",
        s(&out),
    ]
    .map(String::from)
    .to_vec();
    args.extend(["--binance-url".into(), server.base.clone(), "--retries".into(), "1".into(), "--no-cache".into()]);
    let run = liqshot(&args).ok();
    assert!(run.stderr.contains("fetched BTCUSDT from binance"), "{}", run.stderr);
    let (frames, _) = decode_gif(&std::fs::read(dir.path().join("BTCUSDT-24h.gif")).unwrap());
    assert_eq!((frames.len(), frames[0].0.dimensions()), (2, (800, 450)));
}

/// `animate --preset`: the preset's size, and every frame keeps the small-format rules of
/// `render --preset` (the map at least 55 % of the height, at least three price ticks, text
/// legible at the place's display width); with `--size` it is a usage error naming both.
#[test]
fn animate_with_a_preset_keeps_the_map_and_legible_text() {
    use liqshot::output::render::preset::{displayed_text_px, Preset, MIN_TEXT_CSS_PX};
    use liqshot::output::render::{Item, RenderSettings};
    let snap = liqshot::MarketSnapshot::load(&example_snapshot()).unwrap();
    for p in Preset::ALL {
        let settings = RenderSettings::preset(liqshot::engine::estimate::EstimateParams::default(), 86_400, p);
        let frames = Frames::new(&snap, &settings.params, &ZoneParams::default(), &settings.chart, 3).unwrap();
        for i in [0, frames.len() - 1] {
            let scene = frames.scene(i);
            assert_eq!((scene.width, scene.height), p.size(), "{p}");
            let heat = scene
                .items
                .iter()
                .filter_map(|it| if let Item::Image { x, y, w, h, .. } = it { Some((*x, *y, *w, *h)) } else { None })
                .max_by(|a, b| (a.2 * a.3).total_cmp(&(b.2 * b.3)))
                .unwrap();
            assert!(heat.3 >= 0.55 * p.size().1 as f32, "{p} frame {i}: heatmap {} px of {}", heat.3, p.size().1);
            let ticks = scene
                .items
                .iter()
                .filter(|it| matches!(it, Item::Text { x, y, text, bold: false, .. } if *x > heat.0 + heat.2 && *y > heat.1 && *y < heat.1 + heat.3 && text.replace(',', "").parse::<f64>().is_ok()))
                .count();
            assert!(ticks >= 3, "{p} frame {i}: {ticks} price ticks");
            let css = displayed_text_px(&scene, p.display_width()).unwrap();
            assert!(css >= MIN_TEXT_CSS_PX - 1e-3, "{p} frame {i}: smallest text {css} CSS px");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("sq.gif");
    animate(&["--frames", "2", "--preset", "square", "-o", s(&gif)]).ok();
    let (frames, _) = decode_gif(&std::fs::read(&gif).unwrap());
    assert_eq!(frames[0].0.dimensions(), (1080, 1080));
    let run = animate(&["--frames", "2", "--preset", "x", "--size", "800x450", "-o", s(&gif)]);
    let line = run.one_line_error(2);
    assert!(line.contains("--preset x and --size 800x450: give one"), "{line}");
}
