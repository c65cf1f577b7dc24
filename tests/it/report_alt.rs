//! Alt text from the data (`report::alt`): what it says, its length limit (X: 1,000
//! characters) with many zones and long names, the `.alt.txt` files beside every image, and
//! its escaping in the report's Markdown and HTML.

use crate::common;

use common::{dir_names, example_snapshot, liqshot};
use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::pipeline::{analyse, Analysis};
use liqshot::engine::zones::{ZoneName, ZoneParams};
use liqshot::model::fmt;
use liqshot::output::report::alt::{alt_text, MAX_CHARS};
use liqshot::MarketSnapshot;

fn example() -> (MarketSnapshot, Analysis) {
    let snap = MarketSnapshot::load(&example_snapshot()).unwrap();
    let params = EstimateParams { window_secs: 86_400, ..Default::default() };
    let a = analyse(&snap, &params, &ZoneParams::default()).unwrap();
    (snap, a)
}

#[test]
fn alt_text_says_what_the_chart_shows() {
    let (snap, a) = example();
    let alt = alt_text(&snap, &a);
    for want in [
        "BTCUSDT",
        "price: btcusdt-spot-5m-2025-11-01_10.csv (5m candles)",
        "open interest: btc-usd-swap-okx-oi-1h-2025-11-01_10.csv",
        "24h to 2025-11-11 00:00 UTC",
        "not actual positions",
        "not advice",
    ] {
        assert!(alt.contains(want), "{want:?} missing: {alt}");
    }
    // The sources are named by file (the user's own notes, which follow, may say more).
    let head = alt.split(" Estimated shorts above").next().unwrap();
    assert!(
        !head.to_lowercase().contains("binance"),
        "imported without --venue: the sources are files, not a venue: {alt}"
    );
    assert!(alt.contains(&format!("price {}", fmt::price(a.estimate.last_price))), "{alt}");
    assert!(a.zones.zones.len() >= 3, "the example has zones");
    for z in &a.zones.zones {
        let range = format!("{}–{}, {}", fmt::price(z.low), fmt::price(z.high), fmt::usd(z.usd));
        // `Zone A above:`, `Zone C above:` (a C zone's name already says its side).
        let named = if matches!(z.name, ZoneName::CAbove | ZoneName::CBelow) {
            format!("Zone {}: ", z.name)
        } else {
            format!("Zone {} ", z.name)
        };
        assert!(alt.contains(&named) && alt.contains(&range), "zone {} {range} missing: {alt}", z.name);
    }
    assert!(alt.contains(&fmt::usd(a.zones.above_usd)) && alt.contains(&fmt::usd(a.zones.below_usd)), "{alt}");
    assert!(alt.chars().count() <= MAX_CHARS);
}

#[test]
fn alt_text_stays_under_the_limit_with_many_zones_and_long_names() {
    let (mut snap, mut a) = example();
    snap.symbol = "VERYLONGSYMBOLNAME".repeat(20);
    let z0 = a.zones.zones[0].clone();
    for i in 0..60 {
        let mut z = z0.clone();
        // Every name, the two-word C names (the longest) among them.
        z.name = [ZoneName::A, ZoneName::B, ZoneName::CAbove, ZoneName::CBelow, ZoneName::Far, ZoneName::Other][i % 6];
        a.zones.zones.push(z);
    }
    let alt = alt_text(&snap, &a);
    let n = alt.chars().count();
    assert!(n <= MAX_CHARS, "{n} characters: {alt}");
    assert!(n > MAX_CHARS - 200, "as many zones as fit are kept ({n} characters)");
    assert!(alt.contains("not actual positions") && alt.contains("more zones in the report"), "{alt}");
    assert!(alt.contains("Zone A "), "the first zones come first: {alt}");
}

#[test]
fn render_writes_the_alt_text_beside_the_images() {
    let dir = tempfile::tempdir().unwrap();
    let (png, svg) = (dir.path().join("a.png"), dir.path().join("a.svg"));
    let snap = example_snapshot();
    liqshot([
        "render",
        "--snapshot",
        snap.to_str().unwrap(),
        "-o",
        png.to_str().unwrap(),
        "-o",
        svg.to_str().unwrap(),
        "--size",
        "800x450",
        "--latest",
    ])
    .ok();
    let names = dir_names(dir.path());
    assert_eq!(
        names,
        [
            "BTCUSDT-latest.png",
            "BTCUSDT-latest.png.alt.txt",
            "BTCUSDT-latest.svg",
            "BTCUSDT-latest.svg.alt.txt",
            "a.png",
            "a.png.alt.txt",
            "a.svg",
            "a.svg.alt.txt"
        ]
    );
    let text = std::fs::read_to_string(dir.path().join("a.png.alt.txt")).unwrap();
    let (s, a) = example();
    assert_eq!(text, format!("{}\n", alt_text(&s, &a)));
    assert_eq!(text, std::fs::read_to_string(dir.path().join("BTCUSDT-latest.png.alt.txt")).unwrap());
}

#[test]
fn report_uses_the_alt_text_escaped() {
    let dir = tempfile::tempdir().unwrap();
    // A snapshot whose symbol carries markup.
    let mut snap = MarketSnapshot::load(&example_snapshot()).unwrap();
    snap.symbol = r#"BTC<img src=x onerror=alert(1)>"*_[x](y)"#.into();
    let path = dir.path().join("s.json");
    std::fs::write(&path, snap.to_json()).unwrap();
    let out = dir.path().join("out");
    liqshot([
        "report",
        "--snapshot",
        path.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
        "--image-base-url",
        "https://example.com/d",
    ])
    .ok();
    assert!(dir_names(&out).contains(&"heatmap.png.alt.txt".to_string()));
    let alt = std::fs::read_to_string(out.join("heatmap.png.alt.txt")).unwrap();
    assert!(alt.contains("BTC<img src=x onerror=alert(1)>") && alt.contains("Zone A "), "{alt}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains(r#"alt="Estimated liquidation heatmap of BTC&lt;img src=x onerror=alert(1)&gt;&quot;*_[x](y) ("#),
        "{html}"
    );
    assert!(!html.contains("<img src=x"), "unescaped markup in the HTML");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let line = md.lines().find(|l| l.starts_with("![")).expect("image line");
    assert!(line.contains(r"BTC&lt;img src=x onerror=alert(1)&gt;") && line.contains(r"\*\_\[x\](y)"), "{line}");
    assert!(line.ends_with("](https://example.com/d/heatmap.png)"), "{line}");
}

/// One naming rule for the alt text of every format: the image's whole file name and `.alt.txt`
/// (render's PNG and SVG, the report's chart, animate's GIF); an output that would be another's
/// alt text is a usage error naming the flags.
#[test]
fn alt_text_of_every_format_is_named_by_one_rule() {
    let dir = tempfile::tempdir().unwrap();
    let snap = example_snapshot();
    let snap = snap.to_str().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    liqshot(["-q", "render", "--snapshot", snap, "-o", &p("c.png"), "-o", &p("c.svg"), "--size", "800x450"]).ok();
    liqshot(["-q", "animate", "--snapshot", snap, "-o", &p("c.gif"), "--frames", "2", "--size", "720x400"]).ok();
    liqshot(["-q", "report", "--snapshot", snap, "--out-dir", &p("r")]).ok();
    for image in ["c.png", "c.svg", "c.gif", "r/heatmap.png"] {
        let alt = dir.path().join(format!("{image}.alt.txt"));
        assert!(alt.is_file(), "{image}: no {}", alt.display());
        assert_eq!(liqshot::output::report::alt::alt_path(&dir.path().join(image)), alt);
    }
    assert!(!dir.path().join("c.alt.txt").exists(), "no alt text named without the image's extension");
    // The GIF's alt text is the animation's, the stills' their own.
    assert!(std::fs::read_to_string(dir.path().join("c.gif.alt.txt")).unwrap().starts_with("Animation, 2 frames"));
    assert!(std::fs::read_to_string(dir.path().join("c.png.alt.txt"))
        .unwrap()
        .starts_with("Estimated liquidation heatmap"));
    // A collision with an alt text is a usage error naming the flags; nothing is written.
    let run = liqshot(["render", "--snapshot", snap, "-o", &p("d.png"), "--save-snapshot", &p("d.png.alt.txt")]);
    let line = run.one_line_error(2);
    assert!(line.contains("the alt text of -o") && line.contains("--save-snapshot"), "{line}");
    assert!(!dir.path().join("d.png").exists());
}
