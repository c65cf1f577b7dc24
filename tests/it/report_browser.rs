//! The HTML report in a real browser (headless Chromium): it renders to a non-blank screenshot
//! at phone width and its DOM holds the zones table. Chromium is required: without
//! `/usr/bin/chromium` this test fails (CI installs it) unless `LIQSHOT_SKIP_BROWSER=1`.

use crate::common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::report::sample_report;
use liqshot::engine::estimate::EstimateParams;
use liqshot::output::render::{encode, render_scene, Format, RenderSettings};
use liqshot::output::report::templates::{render_html, TemplateOptions};
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

/// A real chart of the example at 800x450 as SVG, and the sample report sized for it.
fn sample_report_with_chart() -> (liqshot::output::report::model::Report, String) {
    let snap = MarketSnapshot::load(&common::example_snapshot()).unwrap();
    let settings = RenderSettings::new(EstimateParams::default(), 86_400, 800, 450);
    let (_, scene) = render_scene(&snap, &settings).unwrap();
    let svg = String::from_utf8(encode(&scene, Format::Svg)).unwrap();
    let mut r = sample_report();
    (r.image.width, r.image.height) = (800, 450);
    (r, svg)
}

/// The sample report's HTML around a real chart of the example at 800x450.
fn sample_html() -> String {
    let (r, svg) = sample_report_with_chart();
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

    let out = run_chromium(
        &bin,
        &dir.path().join("profile-dom"),
        &["--dump-dom".into(), "--enable-logging=stderr".into(), "--v=0".into(), url],
    );
    assert!(out.status.success(), "chromium --dump-dom failed: {}", String::from_utf8_lossy(&out.stderr));
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("<table class=\"data zones cards\">") && dom.contains("105,100 – 105,600"),
        "zones table missing from the DOM"
    );
    assert!(dom.contains("<svg"), "chart missing from the DOM");
    assert!(!dom.contains("<script>alert"), "unescaped script in the DOM");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains("CONSOLE") || l.contains("Uncaught")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
}

/// A page showing the report in an iframe `{W}` CSS px wide (headless Chromium's window is at
/// least 500 px wide, so narrower viewports are framed) and, once it has loaded, writing into
/// attributes of its own `<body>` (which `--dump-dom` shows): the report's scroll width, its
/// elements that stick out of the page's column (or the frame), the zones rows' display and the main text's wrapping
/// rule. The report itself has no scripts.
const HARNESS: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="f" src="{PAGE}" style="width:{W}px;height:3200px;border:0;display:block"></iframe>
<script>
document.getElementById('f').onload = function () {
  var d = this.contentDocument, vw = d.documentElement.clientWidth, over = [];
  // The page's column: nothing may stick out of it (a table scrolling inside it would).
  var main = d.querySelector('.main'), limit = Math.min(vw, main.getBoundingClientRect().right);
  main.querySelectorAll('*').forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > limit + 0.5 && !e.closest('svg')) { over.push(e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || '') + ':' + Math.round(r.right)); }
  });
  var row = d.querySelector('table.zones tbody tr'), b = document.body, cs = getComputedStyle(main);
  b.setAttribute('data-vw', vw);
  b.setAttribute('data-sw', d.scrollingElement.scrollWidth);
  b.setAttribute('data-over', over.slice(0, 8).join(' '));
  b.setAttribute('data-row', row ? getComputedStyle(row).display : 'none');
  b.setAttribute('data-wrap', cs.overflowWrap + '/' + cs.wordBreak);
  var split = [];
  d.querySelectorAll('code, td.num, .fired, h1 .date').forEach(function (e) { if (e.getClientRects().length > 1 || (e.tagName == 'CODE' && e.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(e).lineHeight || 20))) { split.push(e.textContent); } });
  b.setAttribute('data-split', split.join(' | '));
};
</script></body></html>"#;

/// `name="value"` of `<body ...>` in a dumped DOM.
fn body_attr(dom: &str, name: &str) -> String {
    let body = &dom[dom.find("<body").expect("body in the DOM")..];
    let body = &body[..body.find('>').unwrap()];
    let start = body.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("{name} missing: {body}")) + name.len() + 2;
    body[start..start + body[start..].find('"').unwrap()].to_string()
}

/// Loads `html` in a frame `width` CSS px wide: (DOM with the harness's results, screenshot).
fn probe(bin: &Path, dir: &Path, tag: &str, html: &str, width: u32) -> (String, PathBuf) {
    std::fs::write(dir.join(format!("{tag}.html")), html).unwrap();
    let harness = dir.join(format!("{tag}-{width}-harness.html"));
    std::fs::write(&harness, HARNESS.replace("{PAGE}", &format!("{tag}.html")).replace("{W}", &width.to_string()))
        .unwrap();
    let url = format!("file://{}", harness.display());
    let size = format!("--window-size={},3200", width.max(500));
    let flags = |what: String| {
        vec![
            "--allow-file-access-from-files".to_string(),
            "--virtual-time-budget=5000".into(),
            size.clone(),
            what,
            url.clone(),
        ]
    };
    let out = run_chromium(bin, &dir.join(format!("p-{tag}-{width}-dom")), &flags("--dump-dom".into()));
    assert!(out.status.success(), "chromium --dump-dom failed: {}", String::from_utf8_lossy(&out.stderr));
    let shot = dir.join(format!("{tag}-{width}.png"));
    run_chromium(bin, &dir.join(format!("p-{tag}-{width}-shot")), &flags(format!("--screenshot={}", shot.display())));
    let _ = std::fs::copy(&shot, common::target_tmp(&format!("report_browser_{tag}_{width}.png")));
    (String::from_utf8_lossy(&out.stdout).into_owned(), shot)
}

#[test]
fn html_report_fits_a_phone_without_sideways_scrolling() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (r, svg) = sample_report_with_chart();
    let email = TemplateOptions { image_base_url: Some("https://example.com/daily".into()), ..Default::default() };
    let mut first = r.clone();
    first.triggers.iter_mut().for_each(|t| t.fired = None);
    let pages = [
        ("inline", render_html(&r, Some(&svg), &[], &TemplateOptions::default()).unwrap()),
        ("email", render_html(&r, None, &[], &email).unwrap()),
        ("first", render_html(&first, Some(&svg), &[], &TemplateOptions::default()).unwrap()),
        // The bundled example report (real numbers, a zone "beyond ±5.0%").
        ("example", std::fs::read_to_string(common::root().join("examples/report/report.html")).unwrap()),
    ];
    for (tag, html) in &pages {
        let (dom, shot) = probe(&bin, dir.path(), tag, html, 390);
        assert_eq!(body_attr(&dom, "data-vw"), "390", "{tag}: viewport");
        let sw: u32 = body_attr(&dom, "data-sw").parse().unwrap();
        assert!(sw <= 390, "{tag}: page is {sw} px wide at 390 px; sticking out: {}", body_attr(&dom, "data-over"));
        assert_eq!(body_attr(&dom, "data-over"), "", "{tag}: elements wider than the phone");
        assert_eq!(body_attr(&dom, "data-row"), "block", "{tag}: zones rows are cards on a phone");
        assert_eq!(
            body_attr(&dom, "data-wrap"),
            "break-word/normal",
            "{tag}: words break only when one alone is wider than the line"
        );
        assert_eq!(body_attr(&dom, "data-split"), "", "{tag}: flags or numbers broken across lines");
        assert!(common::read_png(&shot).width() >= 390);

        for width in [640, 1280] {
            let (dom, _) = probe(&bin, dir.path(), tag, html, width);
            assert_eq!(body_attr(&dom, "data-over"), "", "{tag}: elements wider than {width} px");
        }
        let (dom, _) = probe(&bin, dir.path(), tag, html, 1280);
        assert_eq!(body_attr(&dom, "data-vw"), "1280", "{tag}: viewport");
        assert_eq!(body_attr(&dom, "data-row"), "table-row", "{tag}: a table on a desktop");
        assert!(body_attr(&dom, "data-sw").parse::<u32>().unwrap() <= 1280, "{tag}: desktop overflow");
        assert_eq!(body_attr(&dom, "data-split"), "", "{tag}: flags or numbers broken across lines at 1280 px");
    }
}
