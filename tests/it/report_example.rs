//! Snapshots (insta) of the Markdown and HTML report computed from the bundled example: any
//! change to the computations or the templates shows up here as a reviewable diff.
//! After an intended change: `INSTA_UPDATE=always cargo test --test it report_example::`.

use std::path::Path;

use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::pipeline::analyse;
use liqshot::engine::zones::ZoneParams;
use liqshot::output::report::compute::{compute, ReportInputs};
use liqshot::output::report::model::{Image, PlanReaction};
use liqshot::output::report::templates::{render_html, render_markdown, TemplateOptions};
use liqshot::MarketSnapshot;

/// A short stand-in for the chart, so the HTML snapshot stays readable.
const DUMMY_SVG: &str =
    r#"<svg xmlns="http://www.w3.org/2000/svg" width="16" height="9"><rect width="16" height="9"/></svg>"#;

fn report() -> liqshot::output::report::model::Report {
    report_with(|_| {})
}

/// The example's report after `edit` changed its analysis.
fn report_with(edit: impl FnOnce(&mut liqshot::engine::pipeline::Analysis)) -> liqshot::output::report::model::Report {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/btcusdt-2025-11-01_10.snapshot.json"));
    let snap = MarketSnapshot::load(path).unwrap();
    let params = EstimateParams { window_secs: 86_400, ..Default::default() };
    let mut analysis = analyse(&snap, &params, &ZoneParams::default()).unwrap();
    edit(&mut analysis);
    let tested = liqshot::output::report::evidence::backtest_for(&snap, &params, 86_400).unwrap();
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
    insta::assert_snapshot!(
        "example_report_html",
        render_html(&report(), Some(DUMMY_SVG), &[], &TemplateOptions::default()).unwrap()
    );
}

#[test]
fn every_figure_has_one_basis_across_markdown_html_and_json() {
    let r = report();
    let md = render_markdown(&r, &TemplateOptions::default()).unwrap();
    let html = render_html(&r, Some(DUMMY_SVG), &[], &TemplateOptions::default()).unwrap();
    let json = String::from_utf8(liqshot::output::report::files::to_json(&r)).unwrap();
    let back: serde_json::Value = serde_json::from_str(&json).unwrap();

    // Open interest: one verdict, over 4 h, 24 h and 7 d, one 24 h figure.
    let oi = md.lines().find(|l| l.starts_with("- **Open interest:**")).unwrap();
    assert_eq!(oi.matches("24 h").count(), 1, "{oi}");
    assert!(oi.contains(" 4 h") && oi.contains(" 7 d") && oi.contains(r.positioning.oi_trend.as_str()), "{oi}");
    assert!(back["positioning"]["oi_change_window_pct"].is_null());

    // Funding: one reading, the same sentence wherever funding is mentioned; the source is the
    // file it came from and its period is said to be assumed.
    let reading = &r.positioning.funding_reading;
    assert_eq!(r.positioning.funding_bias.as_str(), "neutral", "0.0095 % per 8 h is at the usual base rate");
    let funding = md.lines().find(|l| l.starts_with("- **Funding:**")).unwrap();
    assert!(funding.contains(reading.as_str()) && funding.contains("period not stated (read as 8 h)"), "{funding}");
    assert!(!funding.to_lowercase().contains("binance"), "the funding came from the OKX file: {funding}");
    for text in [&md, &html] {
        for other in ["long crowding", "short crowding", "crowded longs", "not yet crowded", "usually", "magnet"] {
            assert!(!text.contains(other), "a second reading {other:?}");
        }
    }
    for plan in &r.plans {
        for reason in plan.reasons.iter().filter(|x| x.starts_with("Funding")) {
            assert_eq!(reason, reading, "plans quote the one funding reading");
        }
    }
    assert!(back["positioning"]["funding_rate_8h"].is_number() && back["positioning"].get("funding_rate").is_none());

    // Zone share: one basis; the table, the plan text, the HTML and zones.json agree.
    assert!(md.contains("Share within ±5.0% |") && html.contains("Share within ±5.0%"));
    let mut shown = 0;
    for (i, (z, plan)) in r.zones.iter().zip(&r.plans).enumerate() {
        let row = md.lines().find(|l| l.starts_with(&format!("| {} | {} |", z.name, z.liquidates))).unwrap();
        assert_eq!(back["zones"][i]["share_in_band"].as_f64(), z.share_in_band);
        let Some(sh) = z.share_in_band else {
            assert!(row.ends_with("| beyond ±5.0% |"), "{row}");
            continue;
        };
        let text = format!("{:.1}%", sh * 100.0);
        assert!(row.ends_with(&format!("| {text} |")), "{row}");
        assert!(plan.reasons[0].contains(&format!("{text} of the")), "{:?} vs {text}", plan.reasons);
        assert!(html.contains(&format!(">{text}</td>")), "{text}");
        shown += 1;
    }
    assert!(shown >= 2, "at least two zones inside the band");

    // Plans in zones.json: direction, alert, entry, stop, take_profit, reaction.
    for (i, plan) in r.plans.iter().enumerate() {
        let j = &back["plans"][i];
        for key in ["direction", "alert", "entry", "stop", "take_profit", "reaction", "target_note"] {
            assert!(j.get(key).is_some(), "zones.json plans[{i}] has no {key}: {j}");
        }
        assert_eq!(j["direction"].as_str(), Some(plan.direction.as_str()));
    }

    // An ignore zone prints no entry, target or stop, in Markdown and HTML. The example's
    // zone C below is on the chart, so a far cluster (-11.3 %) stands in for it here.
    let r = report_with(|a| {
        let far = a.zones.far.iter().find(|f| f.edge_distance_pct < -10.0).expect("a far cluster below").clone();
        let c = a.zones.zones.iter_mut().find(|z| z.name == liqshot::engine::zones::ZoneName::CBelow).unwrap();
        *c = liqshot::engine::zones::Zone { name: liqshot::engine::zones::ZoneName::CBelow, ..far };
    });
    let md = render_markdown(&r, &TemplateOptions::default()).unwrap();
    let ignored = r
        .plans
        .iter()
        .find(|p| p.reaction == PlanReaction::Ignore && p.zone == liqshot::engine::zones::ZoneName::CBelow)
        .expect("zone C below is ignored");
    assert_eq!(
        (ignored.take_profit, ignored.stop, ignored.entry, ignored.direction.as_str()),
        (None, None, None, "none")
    );
    let line = md.lines().find(|l| l.starts_with("- **Zone C below: ignore.**")).expect("a far C plan in one line");
    assert!(line.contains("watch only") && !line.contains("stop") && !line.contains("target"), "{line}");

    // Structure says its timeframes.
    assert!(md.contains("- **4h trend:**") && md.contains("(1h swings)") && md.contains("(4h swings)"), "{md}");
}

/// The words of a report's Markdown as the length rule counts them: whitespace-separated
/// tokens, front matter and the image's alt text not counted, tables counted.
fn words(md: &str) -> usize {
    let body = match md.strip_prefix("---\n") {
        Some(rest) => rest.split_once("\n---\n").map_or(rest, |(_, b)| b),
        None => md,
    };
    body.lines().filter(|l| !l.starts_with("![")).map(|l| l.split_whitespace().count()).sum()
}

/// Published text is for readers: no flag, no command, at most 900 words, zone names unique.
fn check_published(name: &str, md: &str, r: &liqshot::output::report::model::Report) {
    for token in md.split_whitespace() {
        let t = token.trim_start_matches(['(', '`', '*', '[']);
        assert!(
            !(t.starts_with("--") && t.len() > 2 && t.as_bytes()[2].is_ascii_lowercase()),
            "{name}: a flag in the report: {token:?}"
        );
    }
    let command = md.match_indices("liqshot ").any(|(i, _)| md[i + 8..].starts_with(|c: char| c.is_ascii_lowercase()));
    assert!(!command, "{name}: a command in the report");
    let n = words(md);
    assert!(n <= 900, "{name}: {n} words");
    let mut names: Vec<&str> = r.zones.iter().map(|z| z.name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), r.zones.len(), "{name}: zone names repeat");
    assert!(r.summary.len() <= 3 && !r.summary.is_empty(), "{name}: {:?}", r.summary);
    let table_zones = md.lines().filter(|l| r.zones.iter().any(|z| l.starts_with(&format!("| {} |", z.name)))).count();
    assert_eq!(table_zones, r.zones.len(), "{name}: one table row per zone");
}

#[test]
fn published_text_is_for_readers() {
    let r = report();
    let md = render_markdown(&r, &TemplateOptions::default()).unwrap();
    check_published("example", &md, &r);
    let fm = render_markdown(&r, &TemplateOptions { front_matter: true, ..Default::default() }).unwrap();
    check_published("example with front matter", &fm, &r);
    assert!(fm.contains("description: ") && fm.contains("image: \"heatmap.png\""), "{fm}");
    // The words counter counts: the whole report is well over a hundred words.
    assert!(words(&md) > 300, "{}", words(&md));

    // A snapshot imported from ../shared/data (ten days of BTC) without --venue.
    let shared = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    if !shared.join("btcusdt-spot-5m-2025-11-01_10.csv").exists() {
        panic!("../shared/data is missing: CI runs with ../shared beside the checkout");
    }
    let opts = liqshot::fetch::import::ImportOptions::new(
        shared.join("btcusdt-spot-5m-2025-11-01_10.csv"),
        shared.join("btc-usd-swap-okx-oi-1h-2025-11-01_10.csv"),
        "BTCUSDT",
    );
    let full = liqshot::fetch::import::import(&opts).unwrap();
    // Cut at 6 Nov 12:00 (another day than the example's), 24 h window.
    let cut = full.cut(None, chrono::DateTime::parse_from_rfc3339("2025-11-06T12:00:00Z").unwrap().into());
    let params = EstimateParams { window_secs: 86_400, ..Default::default() };
    let analysis = analyse(&cut, &params, &ZoneParams::default()).unwrap();
    let tested = liqshot::output::report::evidence::backtest_for(&cut, &params, 86_400).unwrap();
    let image = Image {
        png: "heatmap.png".into(),
        svg: "heatmap.svg".into(),
        url: None,
        alt: "a".into(),
        width: 1600,
        height: 900,
        small: None,
    };
    let r = compute(&ReportInputs {
        snap: &cut,
        analysis: &analysis,
        window_secs: 86_400,
        events: vec![],
        previous: None,
        image,
        history: tested.history(),
    });
    let md = render_markdown(&r, &TemplateOptions::default()).unwrap();
    check_published("shared data 6 Nov", &md, &r);
    assert!(
        r.meta.venues.is_empty() && !md.to_lowercase().contains("binance"),
        "an import without --venue names no venue:\n{md}"
    );
    let html = render_html(&r, Some(DUMMY_SVG), &[], &TemplateOptions::default()).unwrap();
    assert!(
        !html.to_lowercase().contains("binance") && !html.contains("liqshot import"),
        "no venue, no command in the HTML"
    );
}

#[test]
fn link_previews_carry_the_summary_and_the_image() {
    let r = report();
    let html = render_html(&r, Some(DUMMY_SVG), &[], &TemplateOptions::default()).unwrap();
    for tag in [
        "property=\"og:title\"",
        "property=\"og:description\"",
        "property=\"og:image\" content=\"heatmap.png\"",
        "name=\"twitter:card\" content=\"summary_large_image\"",
    ] {
        assert!(html.contains(tag), "{tag} missing");
    }
    let o = TemplateOptions { image_base_url: Some("https://cdn.example.com/btc/".into()), ..Default::default() };
    let html = render_html(&r, None, &[], &o).unwrap();
    assert!(
        html.contains("property=\"og:image\" content=\"https://cdn.example.com/btc/heatmap.png\""),
        "og:image follows --image-base-url"
    );
    let first = liqshot::output::report::templates::escape_html(&r.summary[0]);
    assert!(
        html.contains(&format!("property=\"og:description\" content=\"{}", first)),
        "the description starts with the summary"
    );
}
