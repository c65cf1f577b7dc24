//! Snapshots (insta) of the Markdown and HTML report computed from the bundled example: any
//! change to the computations or the templates shows up here as a reviewable diff.
//! After an intended change: `INSTA_UPDATE=always cargo test --test report_example`.

use std::path::Path;

use liqshot::estimate::EstimateParams;
use liqshot::pipeline::analyse;
use liqshot::report::compute::{compute, ReportInputs};
use liqshot::report::model::Image;
use liqshot::report::templates::{render_html, render_markdown, TemplateOptions};
use liqshot::zones::ZoneParams;
use liqshot::MarketSnapshot;

/// A short stand-in for the chart, so the HTML snapshot stays readable.
const DUMMY_SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="16" height="9"><rect width="16" height="9"/></svg>"#;

fn report() -> liqshot::report::model::Report {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/btcusdt-2025-11-01_10.snapshot.json"));
    let snap = MarketSnapshot::load(path).unwrap();
    let params = EstimateParams { window_secs: 86_400, ..Default::default() };
    let analysis = analyse(&snap, &params, &ZoneParams::default()).unwrap();
    let image = Image {
        png: "heatmap.png".into(),
        svg: "heatmap.svg".into(),
        url: None,
        alt: "Estimated liquidation heatmap of BTCUSDT".into(),
        width: 1600,
        height: 900,
    };
    compute(&ReportInputs {
        snap: &snap,
        analysis: &analysis,
        window_secs: 86_400,
        events: vec!["US CPI 13:30 UTC".into()],
        previous: None,
        image,
    })
}

#[test]
fn example_markdown() {
    insta::assert_snapshot!("example_report_md", render_markdown(&report(), &TemplateOptions::default()).unwrap());
}

#[test]
fn example_html() {
    insta::assert_snapshot!("example_report_html", render_html(&report(), Some(DUMMY_SVG), &[], &TemplateOptions::default()).unwrap());
}
