//! The HTML report in a real browser (headless Chromium): it renders to a non-blank screenshot
//! at phone width and its DOM holds the zones table. Chromium is required: without
//! `/usr/bin/chromium` this test fails (CI installs it) unless `LIQSHOT_SKIP_BROWSER=1`.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::report::sample_report;
use liqshot::render::{encode, render_scene, Format, RenderSettings};
use liqshot::estimate::EstimateParams;
use liqshot::report::templates::{render_html, TemplateOptions};
use liqshot::MarketSnapshot;

const CHROMIUM: &str = "/usr/bin/chromium";

/// The browser, or `None` when the test is to be skipped; panics when it is missing in earnest.
fn chromium() -> Option<PathBuf> {
    if Path::new(CHROMIUM).exists() {
        return Some(PathBuf::from(CHROMIUM));
    }
    if std::env::var("LIQSHOT_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!("report_browser: SKIPPED: {CHROMIUM} not found and LIQSHOT_SKIP_BROWSER=1");
        return None;
    }
    panic!(
        "report_browser: {CHROMIUM} not found. Install it (Debian: apt-get install chromium; .ci/run does) \
         or set LIQSHOT_SKIP_BROWSER=1 to skip this test."
    );
}

/// Runs headless Chromium with a throwaway profile and no network chatter.
fn run_chromium(bin: &Path, profile: &Path, args: &[String]) -> std::process::Output {
    Command::new(bin)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium starts")
}

/// The sample report's HTML around a real chart of the example at 800x450.
fn sample_html() -> String {
    let snap = MarketSnapshot::load(&common::example_snapshot()).unwrap();
    let settings = RenderSettings::new(EstimateParams::default(), 86_400, 800, 450);
    let (_, scene) = render_scene(&snap, &settings).unwrap();
    let svg = String::from_utf8(encode(&scene, Format::Svg)).unwrap();
    let mut r = sample_report();
    (r.image.width, r.image.height) = (800, 450);
    render_html(&r, Some(&svg), &[], &TemplateOptions::default()).unwrap()
}

#[test]
fn html_report_renders_in_chromium() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, sample_html()).unwrap();
    let url = format!("file://{}", page.display());

    let shot = dir.path().join("shot.png");
    let out = run_chromium(
        &bin,
        &dir.path().join("profile-shot"),
        &["--window-size=420,2000".into(), format!("--screenshot={}", shot.display()), url.clone()],
    );
    assert!(shot.exists(), "no screenshot; chromium said: {}", String::from_utf8_lossy(&out.stderr));
    let img = common::read_png(&shot);
    assert_eq!(img.width(), 420, "screenshot width");
    let colours: HashSet<[u8; 4]> = img.pixels().map(|p| p.0).collect();
    assert!(colours.len() > 200, "screenshot looks blank: {} distinct colours", colours.len());
    let _ = std::fs::copy(&shot, common::target_tmp("report_browser_shot.png"));

    let out = run_chromium(&bin, &dir.path().join("profile-dom"), &["--dump-dom".into(), "--enable-logging=stderr".into(), "--v=0".into(), url]);
    assert!(out.status.success(), "chromium --dump-dom failed: {}", String::from_utf8_lossy(&out.stderr));
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("<table class=\"data zones\">") && dom.contains("105,350"), "zones table missing from the DOM");
    assert!(dom.contains("<svg"), "chart missing from the DOM");
    assert!(!dom.contains("<script>alert"), "unescaped script in the DOM");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains("CONSOLE") || l.contains("Uncaught")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
}
