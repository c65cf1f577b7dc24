//! End-to-end tests of `liqshot render` and `liqshot zones` on the bundled example snapshot,
//! running the real binary.
//!
//! Image regression: `render_matches_reference_image` compares a fresh 800x450 render with
//! `tests/fixtures/render/btcusdt-24h-800x450.png` (small per-channel tolerance; on failure a
//! diff image is written under `target/tmp/`). After an intended change to the chart, rewrite
//! the reference with
//!
//! ```text
//! LIQSHOT_BLESS=1 cargo test --test it cli_render::render_matches_reference_image
//! ```
//!
//! and look at the new image before committing it.

use crate::common;

use std::path::Path;

use common::{example_snapshot, liqshot, read_png, render_fixture, target_tmp};
use image::RgbaImage;
use liqshot::output::render::layout::Layout;

/// `render --snapshot <example> <extra...>`.
fn render(extra: &[&str]) -> common::Run {
    let mut args = vec!["render".to_string(), "--snapshot".into(), example_snapshot().display().to_string()];
    args.extend(extra.iter().map(|s| s.to_string()));
    liqshot(args)
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// Pixels inside the plot area of a `w`x`h` chart that are exactly `rgb`.
fn plot_pixels_equal(img: &RgbaImage, rgb: [u8; 3]) -> usize {
    let plot = Layout::new(img.width(), img.height()).plot;
    let (x0, y0) = (plot.x.ceil() as u32, plot.y.ceil() as u32);
    let (x1, y1) = (plot.right().floor() as u32, plot.bottom().floor() as u32);
    (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y))).filter(|&(x, y)| img.get_pixel(x, y).0[..3] == rgb).count()
}

fn luma(p: &image::Rgba<u8>) -> f64 {
    0.2126 * f64::from(p.0[0]) + 0.7152 * f64::from(p.0[1]) + 0.0722 * f64::from(p.0[2])
}

#[test]
fn png_and_svg_in_one_run_have_the_default_size() {
    let dir = tempfile::tempdir().unwrap();
    let (png, svg) = (dir.path().join("a.png"), dir.path().join("b.svg"));
    let run = render(&["-o", path_str(&png), "-o", path_str(&svg)]).ok();
    assert!(run.stderr.contains("a.png") && run.stderr.contains("b.svg"), "{}", run.stderr);

    let img = read_png(&png);
    assert_eq!(img.dimensions(), (1600, 900));

    let svg_text = std::fs::read_to_string(&svg).expect("SVG is UTF-8");
    let tree = resvg::usvg::Tree::from_data(svg_text.as_bytes(), &resvg::usvg::Options::default()).expect("SVG parses");
    assert_eq!((tree.size().width(), tree.size().height()), (1600.0, 900.0));
    // Text is drawn as paths (so the SVG looks the same without the font), labelled for
    // screen readers; the title says the levels are estimates.
    assert!(!svg_text.contains("<text"), "SVG has a <text> element");
    let labelled_estimate = svg_text.split("aria-label=\"").skip(1).any(|rest| {
        let label = &rest[..rest.find('"').expect("closing quote")];
        label.contains("ESTIMATED")
    });
    assert!(labelled_estimate, "no aria-label contains ESTIMATED");
    assert_eq!(
        common::dir_names(dir.path()),
        ["a.png", "a.png.alt.txt", "b.svg", "b.svg.alt.txt"],
        "no stray files, the alt text beside each image"
    );
}

#[test]
fn same_flags_give_byte_identical_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = vec![];
    for run in ["1", "2"] {
        let (png, svg) = (dir.path().join(format!("{run}.png")), dir.path().join(format!("{run}.svg")));
        render(&["--size", "800x450", "--window", "3d", "-o", path_str(&png), "-o", path_str(&svg)]).ok();
        outputs.push((std::fs::read(png).unwrap(), std::fs::read(svg).unwrap()));
    }
    assert!(outputs[0].0 == outputs[1].0, "PNGs differ between runs");
    assert!(outputs[0].1 == outputs[1].1, "SVGs differ between runs");
}

#[test]
fn size_theme_window_and_leverage_flags() {
    let dir = tempfile::tempdir().unwrap();
    let light = dir.path().join("light.png");
    render(&[
        "--size",
        "800x450",
        "--theme",
        "light",
        "--window",
        "3d",
        "--leverage",
        "25,50,100",
        "-o",
        path_str(&light),
    ])
    .ok();
    let light = read_png(&light);
    assert_eq!(light.dimensions(), (800, 450));
    let corner = light.get_pixel(0, 0);
    assert!(luma(corner) > 200.0, "light theme corner {corner:?}");

    let dark = dir.path().join("dark.png");
    render(&["--size", "800x450", "--theme", "dark", "-o", path_str(&dark)]).ok();
    let dark = read_png(&dark);
    assert_eq!(dark.dimensions(), (800, 450));
    let corner = dark.get_pixel(0, 0);
    assert!(luma(corner) < 50.0, "dark theme corner {corner:?}");
}

#[test]
fn leverage_filter_changes_the_heatmap_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (all, some) = (dir.path().join("all.svg"), dir.path().join("some.svg"));
    render(&["--size", "800x450", "-o", path_str(&all)]).ok();
    render(&["--size", "800x450", "--leverage", "100", "-o", path_str(&some)]).ok();
    let (all, some) = (std::fs::read_to_string(all).unwrap(), std::fs::read_to_string(some).unwrap());
    // The title says the map is filtered, and only then.
    assert!(some.contains("ESTIMATED, leverage 100x only"), "the filtered title");
    assert!(!all.contains("leverage 100x only"), "the whole mix says no filter");
    // The heatmap itself (the SVG's embedded raster) is another picture.
    let heat = |svg: &str| svg.split("data:image/png;base64,").nth(1).map(|s| s[..s.find('"').unwrap()].to_string());
    let (h_all, h_some) = (heat(&all).expect("a heatmap raster"), heat(&some).expect("a heatmap raster"));
    assert_ne!(h_all, h_some, "the 100x-only heatmap is the whole mix's");
}

#[test]
fn color_max_pins_the_colour_scale() {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<_> = ["auto", "huge", "tiny"].iter().map(|n| dir.path().join(format!("{n}.png"))).collect();
    render(&["--size", "800x450", "-o", path_str(&paths[0])]).ok();
    render(&["--size", "800x450", "--color-max", "1e15", "-o", path_str(&paths[1])]).ok();
    render(&["--size", "800x450", "--color-max", "1", "-o", path_str(&paths[2])]).ok();
    let [auto, huge, tiny] = [0, 1, 2].map(|i| read_png(&paths[i]));
    assert_ne!(auto, huge);
    assert_ne!(auto, tiny);
    // With the top of the scale far above every level, (almost) no heatmap cell reaches the
    // bottom of the scale, so more of the plot shows its bare background; with a tiny top,
    // every non-empty cell is drawn.
    let bare = |img: &RgbaImage| plot_pixels_equal(img, [0x1a, 0x1d, 0x26]);
    let (b_auto, b_huge, b_tiny) = (bare(&auto), bare(&huge), bare(&tiny));
    assert!(b_huge > b_auto, "bare plot pixels: pinned huge {b_huge}, auto {b_auto}");
    assert!(b_tiny < b_auto, "bare plot pixels: pinned tiny {b_tiny}, auto {b_auto}");
}

#[test]
fn render_matches_reference_image() {
    let reference = render_fixture("btcusdt-24h-800x450.png");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("actual.png");
    render(&["--size", "800x450", "-o", path_str(&out)]).ok();
    if std::env::var_os("LIQSHOT_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(reference.parent().unwrap()).unwrap();
        std::fs::copy(&out, &reference).unwrap();
        eprintln!("LIQSHOT_BLESS=1: rewrote {}", reference.display());
        return;
    }
    let actual = read_png(&out);
    let expected = read_png(&reference);
    let diff = target_tmp("cli_render/btcusdt-24h-800x450.diff.png");
    if let Err(e) = common::imgdiff::compare(&actual, &expected, 16, 0.005, &diff) {
        let kept = target_tmp("cli_render/btcusdt-24h-800x450.actual.png");
        let _ = std::fs::copy(&out, &kept);
        panic!("render differs from {}: {e} (actual kept at {})", reference.display(), kept.display());
    }
}

#[test]
fn bundled_example_images_are_current() {
    // examples/btcusdt-24h.{png,svg} are what the README shows; they must be what the
    // default render of the bundled snapshot gives today.
    let dir = tempfile::tempdir().unwrap();
    let (png, svg) = (dir.path().join("a.png"), dir.path().join("a.svg"));
    render(&["-o", path_str(&png), "-o", path_str(&svg)]).ok();
    let diff = target_tmp("cli_render/btcusdt-24h.diff.png");
    let bundled = common::root().join("examples/btcusdt-24h.png");
    common::imgdiff::compare(&read_png(&png), &read_png(&bundled), 16, 0.005, &diff)
        .unwrap_or_else(|e| panic!("{} is stale: {e}", bundled.display()));
    let bundled = common::root().join("examples/btcusdt-24h.svg");
    assert!(std::fs::read(&svg).unwrap() == std::fs::read(&bundled).unwrap(), "{} is stale", bundled.display());
}

// ---- zones ----

fn zones_json() -> serde_json::Value {
    let run = liqshot(["zones", "--snapshot", path_str(&example_snapshot()), "--json"]).ok();
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("zones --json is not JSON: {e}\n{}", run.stdout))
}

#[test]
fn zones_json_document() {
    let doc = zones_json();
    assert_eq!(doc["format"], "liqshot-zones/1");
    assert_eq!(doc["estimated"], true);
    assert_eq!(doc["symbol"], "BTCUSDT");
    let price = doc["price"].as_f64().expect("price");
    assert!(price > 0.0);
    let zones = doc["zones"].as_array().expect("zones array");
    assert!(!zones.is_empty(), "the example has zones");
    for z in zones {
        let name = z["name"].as_str().expect("name");
        assert!(liqshot::engine::zones::LABELLED.iter().any(|n| n.as_str() == name), "zone name {name}");
        let side = z["side"].as_str().expect("side");
        assert!(side == "above" || side == "below", "side {side}");
        let (low, high) = (z["low"].as_f64().unwrap(), z["high"].as_f64().unwrap());
        assert!(low < high, "zone {name}: low {low} >= high {high}");
        match side {
            "above" => assert!(low > price, "zone {name} above price {price} starts at {low}"),
            _ => assert!(high < price, "zone {name} below price {price} ends at {high}"),
        }
        let usd = z["usd"].as_f64().unwrap();
        assert!(usd > 0.0, "zone {name}: usd {usd}");
        let share = z["share_of_side"].as_f64().unwrap();
        assert!(share > 0.0 && share <= 1.0, "zone {name}: share {share}");
    }
    let find = |n: &str| zones.iter().find(|z| z["name"] == n).unwrap_or_else(|| panic!("no zone {n}"));
    let (a, b) = (find("A"), find("B"));
    assert_eq!(a["side"], "above");
    assert_eq!(b["side"], "below");
    assert!(a["low"].as_f64().unwrap() > price);
    assert!(b["high"].as_f64().unwrap() < price);
}

#[test]
fn zones_json_price_is_the_last_close() {
    let snap = common::example_json();
    let last = snap["venues"][0]["candles"].as_array().unwrap().last().unwrap()["close"].as_f64().unwrap();
    assert_eq!(zones_json()["price"].as_f64().unwrap(), last);
}

#[test]
fn zones_text_table_has_a_and_b_rows() {
    let run = liqshot(["zones", "--snapshot", path_str(&example_snapshot())]).ok();
    let rows: Vec<&str> = run.stdout.lines().collect();
    assert!(rows[0].contains("BTCUSDT") && rows[0].contains("estimated"), "{}", run.stdout);
    assert!(rows.iter().any(|r| r.starts_with("zone ")), "no header row:\n{}", run.stdout);
    for (name, side) in [("A", "above"), ("B", "below")] {
        assert!(
            rows.iter().any(|r| r.split_whitespace().take(2).eq([name, side])),
            "no {name} row on the {side} side:\n{}",
            run.stdout
        );
    }
}

/// The `aria-label`s of an SVG: the text drawn on the chart.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split(r#"<g aria-label=""#).skip(1).filter_map(|s| s.split('"').next()).map(str::to_string).collect()
}

#[test]
fn a_window_longer_than_the_snapshot_is_a_warning_and_said_in_the_title() {
    // The example holds 10 days (2025-11-01 00:00 to 2025-11-11 00:00 UTC).
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("btc.svg");
    let run = render(&["--window", "30d", "--size", "800x450", "-o", path_str(&svg)]).ok();
    let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("liqshot: warning: ")).collect();
    assert_eq!(warnings.len(), 1, "one warning: {}", run.stderr);
    assert!(warnings[0].contains("--window 30d") && warnings[0].contains("10d"), "{}", warnings[0]);
    let texts = svg_texts(&std::fs::read_to_string(&svg).unwrap());
    assert!(texts.iter().any(|t| t.contains("window 30d requested, 10d of data")), "the title says so: {texts:?}");

    // A window the snapshot covers: no warning, the usual "last ..." title.
    for (window, shown) in [("10d", "last 10d"), ("24h", "last 24h")] {
        let run = render(&["--window", window, "--size", "800x450", "-o", path_str(&svg)]).ok();
        assert!(!run.stderr.contains("warning"), "{window}: {}", run.stderr);
        let texts = svg_texts(&std::fs::read_to_string(&svg).unwrap());
        assert!(
            texts.iter().any(|t| t.contains(shown)) && !texts.iter().any(|t| t.contains("requested")),
            "{window}: {texts:?}"
        );
    }
}

#[test]
fn report_with_a_window_longer_than_the_snapshot_warns_and_says_what_it_covers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let run = liqshot([
        "report",
        "--snapshot",
        path_str(&example_snapshot()),
        "--window",
        "30d",
        "--size",
        "800x450",
        "--out-dir",
        path_str(&out),
    ])
    .ok();
    let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("liqshot: warning: ")).collect();
    assert_eq!(warnings.len(), 1, "one warning: {}", run.stderr);
    assert!(warnings[0].contains("--window 30d") && warnings[0].contains("10d"), "{}", warnings[0]);
    let texts = svg_texts(&std::fs::read_to_string(out.join("heatmap.svg")).unwrap());
    assert!(texts.iter().any(|t| t.contains("window 30d requested, 10d of data")), "{texts:?}");
    // The report's figures cover the 10 days there are, and it says so.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| Window | 10d"), "{md}");
    assert!(!md.contains("30d"), "{md}");
}

// ---- help of every subcommand ----

/// Every subcommand, as arguments.
const SUBCOMMANDS: [&[&str]; 13] = [
    &["import"],
    &["fetch"],
    &["zones"],
    &["levels"],
    &["render"],
    &["report"],
    &["bench"],
    &["run"],
    &["config"],
    &["config", "check"],
    &["config", "path"],
    &["completions"],
    &["man"],
];

/// The index of the line listing `flag` (`--window `, `-o, --output `), if the help has one.
fn flag_line(help: &str, flag: &str) -> Option<usize> {
    help.lines().position(|l| l.trim_start().starts_with(flag))
}

#[test]
fn every_subcommand_help_has_examples() {
    for cmd in SUBCOMMANDS {
        let help = common::help(cmd);
        let after: Vec<&str> = help.lines().skip_while(|l| *l != "Examples:").skip(1).collect();
        assert!(
            after.iter().any(|l| l.starts_with("  liqshot ") || l.starts_with("  cargo run")),
            "{cmd:?}: no Examples: section with a command:\n{help}"
        );
        for l in after.iter().filter(|l| l.trim_start().starts_with("liqshot ")) {
            assert!(shell_words(l).iter().any(|w| w == cmd[0]), "{cmd:?}: an example of another command: {l}");
        }
    }
}

#[test]
fn help_lines_mention_a_default_once_and_only_flags_the_command_has() {
    for cmd in SUBCOMMANDS {
        let help = common::help(cmd);
        for l in help.lines() {
            assert!(l.to_ascii_lowercase().matches("default").count() <= 1, "{cmd:?}: two defaults in one line: {l}");
        }
        if flag_line(&help, "--window ").is_none() {
            assert!(!help.contains("--window"), "{cmd:?} has no --window but its help names it:\n{help}");
        }
    }
}

#[test]
fn help_lists_the_data_flags_before_the_plumbing() {
    let data = ["-o, --output ", "--out-dir ", "--window ", "--size ", "--snapshot ", "--symbol "];
    let plumbing =
        ["--timeout ", "--retries ", "--binance-url ", "--cache-dir ", "-q, --quiet ", "--log-json ", "--config "];
    for cmd in SUBCOMMANDS {
        let help = common::help(cmd);
        for d in data.iter().filter_map(|f| flag_line(&help, f).map(|i| (f, i))) {
            for p in plumbing.iter().filter_map(|f| flag_line(&help, f).map(|i| (f, i))) {
                assert!(d.1 < p.1, "{cmd:?}: {} is listed after {}:\n{help}", d.0, p.0);
            }
        }
    }
    // The ranges the flags accept are the ones the code enforces.
    let help = common::help(&["render"]);
    assert!(help.contains("720x400 to 8000x8000"), "{help}");
    liqshot(["render", "--snapshot", path_str(&example_snapshot()), "--size", "719x400", "-o", "x.png"])
        .one_line_error(2);
    liqshot(["render", "--snapshot", path_str(&example_snapshot()), "--size", "8000x8001", "-o", "x.png"])
        .one_line_error(2);
}

/// `liqshot ...` words of an example line (double quotes group, as in a shell).
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut cur, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
    for ch in line.chars() {
        match ch {
            '"' => (quoted, any) = (!quoted, true),
            c if c.is_whitespace() && !quoted => {
                if any {
                    words.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => (cur.push(c), any = true).1,
        }
    }
    if any {
        words.push(cur);
    }
    words
}

#[test]
fn the_offline_examples_of_import_zones_render_report_run_and_config_work() {
    // In a directory holding the bundled snapshot, the sample config and, under the examples'
    // file names, import fixtures; examples with --symbol (live data) are skipped, except
    // import's, and so are those naming a file under /etc/.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("examples")).unwrap();
    std::fs::copy(example_snapshot(), dir.path().join("examples/btcusdt-2025-11-01_10.snapshot.json")).unwrap();
    for (name, fixture) in [
        ("BTCUSDT-5m-2025-11-01.csv", "binance-klines-noheader.csv"),
        ("BTCUSDT-metrics-2025-11-01.csv", "binance-metrics.csv"),
        ("klines.csv", "plain-klines.csv"),
        ("oi.csv", "okx-oi.csv"),
        ("funding.csv", "binance-funding.csv"),
    ] {
        std::fs::copy(common::import_fixture(fixture), dir.path().join(name)).unwrap();
    }
    std::fs::create_dir(dir.path().join("examples/config")).unwrap();
    std::fs::copy(common::root().join("examples/config/liqshot.toml"), dir.path().join("examples/config/liqshot.toml"))
        .unwrap();
    for (cmd, at_least) in
        [("import", 2), ("zones", 2), ("levels", 2), ("render", 2), ("report", 1), ("run", 1), ("config", 2)]
    {
        let help = common::help(&[cmd]);
        let examples: Vec<Vec<String>> = help
            .lines()
            .skip_while(|l| *l != "Examples:")
            .filter(|l| l.trim_start().starts_with("liqshot "))
            .map(shell_words)
            .filter(|w| cmd == "import" || !w.iter().any(|a| a == "--symbol"))
            .filter(|w| !w.iter().any(|a| a.starts_with("/etc/")))
            .collect();
        assert!(examples.len() >= at_least, "{cmd}: {} offline examples:\n{help}", examples.len());
        for words in examples {
            let run = common::run_cmd(common::command().current_dir(dir.path()).args(&words[1..]));
            assert_eq!(run.code, Some(0), "example failed: {}\n{run:#?}", words.join(" "));
            for (flag, path) in words.iter().zip(words.iter().skip(1)) {
                if flag == "-o" || flag == "--out-dir" {
                    assert!(dir.path().join(path).exists(), "{}: {path} not written", words.join(" "));
                }
            }
        }
    }
}

#[test]
fn quiet_keeps_warnings_and_errors_but_not_progress() {
    // What cron mails: warnings and errors, not the "wrote ..." lines.
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("btc.png");
    let run = render(&["--window", "30d", "--size", "800x450", "-o", path_str(&png), "--quiet"]).ok();
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(lines[0].starts_with("liqshot: warning: --window 30d"), "{}", run.stderr);
    assert!(png.exists());
    let run = render(&["--size", "800x450", "-o", path_str(&png), "--quiet"]).ok();
    assert_eq!(run.stderr, "", "nothing to say on success");
    let run = render(&["--size", "800x450", "-o", path_str(&png)]).ok();
    assert!(run.stderr.contains("wrote "), "without --quiet: {}", run.stderr);
    // --quiet is not overridden by LIQSHOT_LOG.
    let run = common::run_cmd(common::command().env("LIQSHOT_LOG", "info").args([
        "render",
        "--snapshot",
        path_str(&example_snapshot()),
        "--window",
        "30d",
        "-o",
        path_str(&png),
        "--quiet",
    ]));
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn liqshot_log_sets_levels_per_target_and_a_bad_one_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("btc.png");
    let with_log = |filter: &str| {
        common::run_cmd(common::command().env("LIQSHOT_LOG", filter).args([
            "render",
            "--snapshot",
            path_str(&example_snapshot()),
            "--size",
            "800x450",
            "-o",
            path_str(&png),
        ]))
    };
    // A level for liqshot's own targets, another for the rest.
    let run = with_log("warn,liqshot=debug");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("liqshot: debug: "), "{}", run.stderr);
    let run = with_log("warn");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("wrote "), "warn hides the info lines: {}", run.stderr);
    std::fs::remove_file(&png).unwrap();
    let run = with_log("liqshot=loud");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.starts_with("liqshot: error: LIQSHOT_LOG=\"liqshot=loud\": "), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(!png.exists(), "nothing rendered");
}
