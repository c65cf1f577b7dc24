//! The report templates: escaping, user overrides, errors, filters, front matter, e-mail mode,
//! and snapshots of the Markdown and HTML of a hand-built sample report.

use crate::common;

use std::path::Path;

use common::report::sample_report;
use liqshot::output::report::files::to_json;
use liqshot::output::report::templates::{render_html, render_markdown, TemplateOptions};

/// A short stand-in for the chart, so the HTML snapshot stays readable.
const DUMMY_SVG: &str = r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="16" height="9" viewBox="0 0 16 9"><rect width="16" height="9" fill="red"/></svg>"#;

fn opts() -> TemplateOptions {
    TemplateOptions::default()
}

fn with_dir(dir: &Path) -> TemplateOptions {
    TemplateOptions { dir: Some(dir.to_path_buf()), ..Default::default() }
}

fn email() -> TemplateOptions {
    TemplateOptions { image_base_url: Some("https://example.com/x/".into()), ..Default::default() }
}

#[test]
fn html_and_markdown_escape_user_text() {
    let r = sample_report();
    let html = render_html(&r, Some(DUMMY_SVG), &[], &opts()).unwrap();
    assert!(!html.contains("<script>alert"), "raw script in HTML");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;"), "escaped event missing");
    assert!(html.contains("BTCUSDT&lt;b&gt;&amp;"), "escaped symbol missing");
    assert!(!html.contains("BTCUSDT<b>"));
    let md = render_markdown(&r, &opts()).unwrap();
    assert!(md.contains("FOMC minutes 19:00 UTC &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"), "{md}");
    assert!(md.starts_with("# BTCUSDT&lt;b&gt;&amp; pre-trade checklist"), "{md}");
    assert!(!md.contains("<script") && !md.contains("<b>"), "{md}");
}

#[test]
fn user_template_error_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.md.j2"), "# {{ r.meta.symbol }}\n\nfine\n{{ r.nope }}\n").unwrap();
    let err = render_markdown(&sample_report(), &with_dir(dir.path())).unwrap_err().to_string();
    assert!(err.contains("report.md.j2") && err.contains("line 4") && err.contains("undefined"), "{err}");
    assert!(err.contains(&dir.path().display().to_string()), "names the user's file: {err}");
    // Strict also inside filters, and syntax errors name the line too.
    std::fs::write(dir.path().join("report.md.j2"), "{{ r.meta.price | usd }}\n{{ r.meta.nope | usd }}\n").unwrap();
    let err = render_markdown(&sample_report(), &with_dir(dir.path())).unwrap_err().to_string();
    assert!(err.contains("report.md.j2") && err.contains("line 2"), "{err}");
    std::fs::write(dir.path().join("report.md.j2"), "ok\n{% if %}\n").unwrap();
    let err = render_markdown(&sample_report(), &with_dir(dir.path())).unwrap_err().to_string();
    assert!(err.contains("report.md.j2") && err.contains("line 2") && err.contains("syntax"), "{err}");
}

#[test]
fn an_old_template_using_removed_fields_names_them() {
    let dir = tempfile::tempdir().unwrap();
    // A plan table of liqshot-report/2.
    let old = "{% for plan in r.plans %}\n| {{ plan.alert_level | price }} | {{ plan.invalidation | price }} |\n{% endfor %}\n";
    std::fs::write(dir.path().join("report.md.j2"), old).unwrap();
    let err = render_markdown(&sample_report(), &with_dir(dir.path())).unwrap_err().to_string();
    assert!(
        err.contains("report.md.j2 line 2") && err.contains("no field `alert_level`") && err.contains("plan.alert"),
        "{err}"
    );
    std::fs::write(dir.path().join("report.html.j2"), "{% for plan in r.plans %}{{ plan.invalidation }}{% endfor %}")
        .unwrap();
    let err = render_html(&sample_report(), None, &[], &with_dir(dir.path())).unwrap_err().to_string();
    assert!(err.contains("no field `invalidation`") && err.contains("stop"), "{err}");
}

#[test]
fn overriding_one_template_keeps_the_other_defaults() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.md.j2"), "custom {{ r.meta.date }}\n").unwrap();
    let o = with_dir(dir.path());
    let r = sample_report();
    assert_eq!(render_markdown(&r, &o).unwrap(), "custom 2025-11-11\n");
    let html = render_html(&r, Some(DUMMY_SVG), &[], &o).unwrap();
    assert_eq!(html, render_html(&r, Some(DUMMY_SVG), &[], &opts()).unwrap());
    // A partial overrides on its own: the default HTML includes the user's CSS.
    std::fs::write(dir.path().join("report.css.j2"), "body { color: rebeccapurple; }\n").unwrap();
    let html = render_html(&r, Some(DUMMY_SVG), &[], &o).unwrap();
    assert!(html.contains("rebeccapurple") && html.contains("class=\"data zones cards\""), "{html}");
}

#[test]
fn filters_format_as_specified() {
    let dir = tempfile::tempdir().unwrap();
    let tpl = "{{ 1234567.8 | thousands }}|{{ 1234567.891 | thousands(2) }}|{{ 1.2e9 | usd }}|{{ 3.6e6 | usd }}|{{ 950 | usd }}|\
{{ 1.234 | pct }}|{{ -0.5 | pct }}|{{ 0.035 | share }}|{{ 109523.4 | price }}|{{ 0.153421 | price }}|{{ 0.0001 | rate }}|\
{{ none | usd }}|{{ r.positioning.volume_change_pct | pct }}|{{ 'a|b' | cell }}|{{ 'x: \"y\"' | yaml }}\n";
    std::fs::write(dir.path().join("report.md.j2"), tpl).unwrap();
    let out = render_markdown(&sample_report(), &with_dir(dir.path())).unwrap();
    assert_eq!(
        out,
        "1,234,568|1,234,567.89|$1.2B|$3.6M|$950|+1.23%|-0.50%|3.5%|109,523|0.15342|0.0100%|n/a|n/a|a\\|b|\"x: \\\"y\\\"\"\n"
    );
    std::fs::write(dir.path().join("report.md.j2"), "{{ 'abc' | usd }}").unwrap();
    let err = render_markdown(&sample_report(), &with_dir(dir.path())).unwrap_err().to_string();
    assert!(err.contains("report.md.j2") && err.contains("expected a number"), "{err}");
}

#[test]
fn front_matter_only_with_the_option() {
    let r = sample_report();
    let plain = render_markdown(&r, &opts()).unwrap();
    assert!(!plain.starts_with("---"), "{plain}");
    let o = TemplateOptions { front_matter: true, ..Default::default() };
    let fm = render_markdown(&r, &o).unwrap();
    let head = fm.strip_prefix("---\n").expect("front matter first");
    let (yaml, body) = head.split_once("\n---\n").expect("front matter closed");
    assert!(yaml.contains("title: \"BTCUSDT<b>& pre-trade checklist 2025-11-11\""), "{yaml}");
    assert!(yaml.contains("date: \"2025-11-11T00:00:00Z\""), "{yaml}");
    assert!(yaml.contains("tags: [\"liqshot\", \"liquidations\", \"BTCUSDT<b>&\"]"), "{yaml}");
    assert_eq!(body.trim_start(), plain);
}

#[test]
fn email_mode_references_the_published_png() {
    let r = sample_report();
    let html = render_html(&r, Some(DUMMY_SVG), b"\x89PNG", &email()).unwrap();
    assert!(html.contains(r#"<img src="https://example.com/x/heatmap.png" width="648" height="364" alt="Estimated liquidation heatmap of BTCUSDT, 24h""#), "{html}");
    assert!(!html.contains("<svg"), "inline SVG in e-mail mode");
    assert!(!html.contains("data:"), "data URI in e-mail mode");
    assert!(html.contains("<table role=\"presentation\""), "table layout");
    assert!(
        html.contains("<td class=\"head\" data-label=\"Zone\" style=\"padding:6px 8px;border-bottom:1px solid #d9dde4"),
        "inline styles"
    );
    assert!(
        html.contains(r#"<a href="https://example.com/x/heatmap.png"><img src="https://example.com/x/heatmap.png""#),
        "the chart links to the full-size PNG: {html}"
    );
    let md = render_markdown(&r, &email()).unwrap();
    assert!(md.contains("](https://example.com/x/heatmap.png)"), "{md}");
}

#[test]
fn default_html_inlines_the_svg_and_loads_nothing() {
    let r = sample_report();
    let html = render_html(&r, Some(DUMMY_SVG), &[], &opts()).unwrap();
    assert!(html.contains("<svg xmlns"), "inline SVG");
    assert!(!html.contains("<?xml"), "XML declaration inside HTML");
    for needle in ["src=\"http", "href=\"http", "url(", "@import", "<script", "<link", "style=\""] {
        assert!(!html.contains(needle), "{needle} in the default HTML");
    }
    let outside_svg = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!outside_svg.contains("http://") && !outside_svg.contains("https://"), "external reference");
    assert!(
        html.contains("<meta name=\"viewport\"")
            && html.contains("prefers-color-scheme: dark")
            && html.contains("@media print")
    );
    let md = render_markdown(&r, &opts()).unwrap();
    assert!(md.contains("![Estimated liquidation heatmap of BTCUSDT, 24h](heatmap.png)"), "{md}");
}

#[test]
fn html_without_svg_falls_back_to_a_png_data_uri() {
    let html = render_html(&sample_report(), None, b"\x89PNG", &opts()).unwrap();
    assert!(html.contains(r#"<img src="data:image/png;base64,iVBORw==" width="1600" height="900""#), "{html}");
}

#[test]
fn zones_json_round_trips() {
    let r = sample_report();
    let bytes = to_json(&r);
    assert!(bytes.ends_with(b"}\n"));
    let back: liqshot::output::report::model::Report = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(back, r);
    assert!(String::from_utf8(bytes).unwrap().contains("\"format\": \"liqshot-report/3\""));
}

#[test]
fn snapshot_markdown() {
    insta::assert_snapshot!("report_md", render_markdown(&sample_report(), &opts()).unwrap());
}

#[test]
fn snapshot_html() {
    insta::assert_snapshot!("report_html", render_html(&sample_report(), Some(DUMMY_SVG), &[], &opts()).unwrap());
}

#[test]
fn snapshot_html_email() {
    insta::assert_snapshot!("report_html_email", render_html(&sample_report(), None, &[], &email()).unwrap());
}

/// Each zone's odds and track record in its table row, the evidence in plain words below the
/// chart (Markdown and HTML alike), "n/a" where there is no number, and the JSON fields.
#[test]
fn every_zone_says_its_touch_probability_and_track_record() {
    let r = sample_report();
    let md = render_markdown(&r, &opts()).unwrap();
    let html = render_html(&r, Some(DUMMY_SVG), &[], &opts()).unwrap();
    assert!(md.contains("| Zone | Liquidates | Range | Size | Edge distance | Touch within 24 h | Past touches | Share within ±3.0% |"), "{md}");
    assert!(md.contains("| A | shorts | 105,100 – 105,600 | $1.2B | +0.44% | 38 %\\* | 9/21 (10.4) |"), "{md}");
    assert!(md.contains("| B | longs | 102,900 – 103,400 | $3.6M | -1.05% | n/a | n/a |"), "{md}");
    // A small probability is clamped to what 42 steps support, never printed as 0 %.
    assert!(md.contains("| C above | shorts | 108,000 – 108,900 | $950 | +2.97% | &lt;3 %\\* | n/a |"), "{md}");
    assert!(md.contains("(\\* × the letter's touch lift, better on earlier steps)"), "{md}");
    assert!(
        html.contains("data-label=\"Touch within 24 h\">38 %*</td>")
            && html.contains("touched 9 of 21 (random levels: 10.4)"),
        "{html}"
    );
    // The evidence in plain words, below the chart, once per output.
    let plain = r.evidence.plain.join(" ");
    assert!(md.contains(&format!("*What this snapshot's history says:* {plain}\n")), "{md}");
    assert!(html.contains(&format!("<b>What this snapshot's history says:</b> {plain}</p>")), "{html}");
    assert!(
        md.find("](heatmap.png)").unwrap() < md.find("What this snapshot's history says").unwrap(),
        "below the chart"
    );
    assert!(
        !md.contains("Reaction lift") && !md.contains("distance-only 41%"),
        "the backtest's jargon stays in zones.json: {md}"
    );

    let back: serde_json::Value = serde_json::from_slice(&to_json(&r)).unwrap();
    let z = &back["zones"][0];
    assert_eq!(
        (z["touch_probability"].as_f64(), z["model_probability"].as_f64(), z["calibration_lift"].as_f64()),
        (Some(0.3804), Some(0.409), Some(0.93))
    );
    let t = &z["track_record"];
    assert_eq!(
        (t["steps"].as_u64(), t["touched"].as_u64(), t["placebo_expected"].as_f64(), t["lift"].as_f64()),
        (Some(21), Some(9), Some(10.44), Some(9.0 / 10.44))
    );
    assert_eq!(t["lift_ci90"].as_array().map(Vec::len), Some(2));
    assert!(back["zones"][1]["touch_probability"].is_null() && back["zones"][1]["odds_note"].is_string());
    assert!(back["far_zones"][0]["touch_probability"].is_null() && back["far_zones"][0]["track_record"].is_null());
    let e = &back["evidence"];
    assert_eq!(
        (e["tested"].as_bool(), e["steps"].as_u64(), e["days"].as_u64(), e["horizon_secs"].as_i64()),
        (Some(true), Some(42), Some(7), Some(86_400))
    );
    assert_eq!((e["touch_lift"].as_f64(), e["reaction_lift_ci90"][1].as_f64()), (Some(0.812), Some(1.12)));
    assert!(e["headline"].as_str().unwrap().ends_with("no measurable edge over distance alone."));
    assert!(e["reaction_verdict"].as_str().unwrap().starts_with("Reaction lift 0.61"));
    assert_eq!(e["plain"].as_array().map(Vec::len), Some(2));
}

/// Too little history for the backtest: the evidence says so and no zone prints a number.
#[test]
fn too_little_history_prints_no_number() {
    let mut r = sample_report();
    let needs = "needs 100 h of candles or more: 72 h of warm-up, then steps every 4 h each scored 24 h ahead; the snapshot has 48 h";
    r.evidence = liqshot::output::report::model::Evidence {
        tested: false,
        headline: format!("Not tested: too little history (the backtest {needs})."),
        horizon_secs: 86_400,
        horizon: "24 h".into(),
        plain: vec![format!("This snapshot is too short to test whether zones like these matter more than random levels: the test {needs}.")],
        ..Default::default()
    };
    for z in &mut r.zones {
        (z.touch_probability, z.model_probability, z.track_record, z.odds_note) =
            (None, None, None, Some(needs.into()));
    }
    let md = render_markdown(&r, &opts()).unwrap();
    let html = render_html(&r, Some(DUMMY_SVG), &[], &opts()).unwrap();
    for text in [&md, &html] {
        assert!(
            text.contains(&format!(
                "too short to test whether zones like these matter more than random levels: the test {needs}."
            )),
            "{text}"
        );
        assert!(!text.contains("Touch within") && !text.contains("Past touches") && !text.contains("× lift"), "{text}");
    }
}
