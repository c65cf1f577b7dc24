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
    report_with(|_| {})
}

/// The example's report after `edit` changed its analysis.
fn report_with(edit: impl FnOnce(&mut liqshot::pipeline::Analysis)) -> liqshot::report::model::Report {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/btcusdt-2025-11-01_10.snapshot.json"));
    let snap = MarketSnapshot::load(path).unwrap();
    let params = EstimateParams { window_secs: 86_400, ..Default::default() };
    let mut analysis = analyse(&snap, &params, &ZoneParams::default()).unwrap();
    edit(&mut analysis);
    let tested = liqshot::report::evidence::backtest_for(&snap, &params, 86_400).unwrap();
    let image = Image {
        png: "heatmap.png".into(),
        svg: "heatmap.svg".into(),
        url: None,
        alt: "Estimated liquidation heatmap of BTCUSDT".into(),
        width: 1600,
        height: 900,
        small: None,
    };
    compute(&ReportInputs {
        snap: &snap,
        analysis: &analysis,
        window_secs: 86_400,
        events: vec!["US CPI 13:30 UTC".into()],
        previous: None,
        image,
        history: tested.history(),
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

/// The lines of `text` from the one starting with `start` up to the next heading.
fn section<'a>(text: &'a str, start: &str) -> Vec<&'a str> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(start));
    let first = lines.next().unwrap_or_else(|| panic!("no {start:?} in\n{text}"));
    std::iter::once(first).chain(lines.take_while(|l| !l.starts_with('#'))).collect()
}

#[test]
fn every_figure_has_one_basis_across_markdown_html_and_json() {
    let r = report();
    let md = render_markdown(&r, &TemplateOptions::default()).unwrap();
    let html = render_html(&r, Some(DUMMY_SVG), &[], &TemplateOptions::default()).unwrap();
    let json = String::from_utf8(liqshot::report::files::to_json(&r)).unwrap();
    let back: serde_json::Value = serde_json::from_str(&json).unwrap();

    // Open interest over a 24 h window: one 24 h figure, not two.
    let oi = md.lines().find(|l| l.starts_with("- **Open interest:**")).unwrap();
    assert_eq!(oi.matches("24 h").count() + oi.matches("24h").count(), 1, "{oi}");
    assert!(back["positioning"]["oi_change_window_pct"].is_null());

    // Funding: one unit (per 8 h) everywhere, the venue's own period said once.
    for (name, text) in [("md", &md), ("html", &html), ("json", &json)] {
        assert!(!text.contains("per period"), "{name} still says 'per period'");
    }
    let funding = md.lines().find(|l| l.starts_with("- **Funding:**")).unwrap();
    assert!(funding.contains("0.0095% per 8 h (binance every 8 h)"), "{funding}");
    assert!(html.contains("0.0095% per 8 h (binance every 8 h)"));
    assert!(back["positioning"]["funding_rate_8h"].is_number() && back["positioning"].get("funding_rate").is_none());

    // Zone share: one basis; the table, the plan text, the HTML and zones.json agree.
    assert!(md.contains("| Share within ±5.0% |") && html.contains("Share within ±5.0%"));
    let mut shown = 0;
    for (i, (z, plan)) in r.zones.iter().zip(&r.plans).enumerate() {
        let row = md.lines().find(|l| l.starts_with(&format!("| {} | {} |", z.name, z.side))).unwrap();
        assert_eq!(back["zones"][i]["share_in_band"].as_f64(), z.share_in_band);
        let Some(sh) = z.share_in_band else {
            assert!(row.ends_with("| beyond ±5.0% |"), "{row}");
            continue;
        };
        let text = format!("{:.1}%", sh * 100.0);
        assert!(row.ends_with(&format!("| {text} |")), "{row}");
        assert!(plan.reasons[0].contains(&format!("{text} of the")), "{:?} vs {text}", plan.reasons);
        assert!(md.contains(&plan.reasons[0]) && html.contains(&format!(">{text}</td>")), "{text}");
        shown += 1;
    }
    assert!(shown >= 2, "at least two zones inside the band");
    assert!(md.contains("the chart's side totals count ±25.0%"), "the chart's basis is said");

    // An ignore zone prints no take-profit and no stop, in Markdown and HTML. The example's
    // zone C below is on the chart, so a far cluster (-11.3 %) stands in for it here.
    let r = report_with(|a| {
        let far = a.zones.far.iter().find(|f| f.edge_distance_pct < -10.0).expect("a far cluster below").clone();
        let c = a.zones.zones.iter_mut().find(|z| z.name == liqshot::zones::C_BELOW).unwrap();
        *c = liqshot::zones::Zone { name: liqshot::zones::C_BELOW.into(), ..far };
    });
    let md = render_markdown(&r, &TemplateOptions::default()).unwrap();
    let html = render_html(&r, Some(DUMMY_SVG), &[], &TemplateOptions::default()).unwrap();
    let ignored = r.plans.iter().find(|p| p.reaction == "ignore").expect("zone C below is ignored");
    assert_eq!((ignored.take_profit, ignored.stop), (None, None));
    // `C above` / `C below` say their side: no "(above)" after them.
    let title = if ignored.zone.contains(' ') { format!("Zone {}: ignore", ignored.zone) } else { format!("Zone {} ({}): ignore", ignored.zone, ignored.side) };
    let head = format!("### {title}");
    let sec = section(&md, &head).join("\n");
    assert!(!sec.contains("Take profit") && !sec.contains("Stop") && sec.contains("watch only"), "{sec}");
    let html_sec = html.split(&title).nth(1).unwrap();
    let html_sec = html_sec.split("<h3").next().unwrap().split("<h2").next().unwrap();
    assert!(!html_sec.contains("Take profit") && !html_sec.contains("Stop"), "{html_sec}");

    // Structure says its timeframes.
    assert!(md.contains("- **Trend (from 4h candles):**") && md.contains("(nearest 1h swings)") && md.contains("(nearest 4h swings)"), "{md}");
    assert!(md.contains("- **Candles:** 1h and 4h candles resampled from binance 5m candles"), "{md}");
}
