//! Hostile user text (events, notes, symbol, venue names, reasons, trigger details) in the
//! report: inert in Markdown (checked on the text and through a CommonMark parser), escaped
//! in HTML, unchanged in `zones.json`, valid YAML in the front matter; a user's template
//! override gets the same escaping without any filter; and end to end through `--event`.

use crate::common;

use common::report::sample_report;
use liqshot::output::report::files::to_json;
use liqshot::output::report::model::Report;
use liqshot::output::report::templates::{render_html, render_markdown, TemplateOptions};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "| a | b |",
    "# heading",
    "[x](javascript:alert(1))",
    "*bold* and _it_ and `code`",
    "CPI 13:30\n- item\n# injected",
    "{{ 7*7 }} {% raw %}",
    "1. ordered",
    "> quoted & <img src=x onerror=alert(1)>",
    "<https://evil.example/>",
    "back\\|slash",
];

/// The sample report with hostile text in every user-supplied string the templates print.
fn hostile_report() -> Report {
    let mut r = sample_report();
    r.meta.symbol = "BTC<i>|USDT".into();
    r.meta.venues = vec!["binance".into(), "<b>okx</b>|x".into()];
    r.meta.notes = HOSTILE.iter().map(|s| s.to_string()).collect();
    r.events = HOSTILE.iter().map(|s| s.to_string()).collect();
    r.plans[0].reasons = HOSTILE.iter().map(|s| s.to_string()).collect();
    for (t, h) in r.triggers.iter_mut().zip(HOSTILE) {
        t.detail = h.to_string();
    }
    r.scenarios.bullish = "[click](javascript:alert(1)) <script>x</script>".into();
    r
}

/// Number of cell separators in a Markdown table row: `|` not preceded by a backslash.
fn columns(line: &str) -> usize {
    let b = line.as_bytes();
    (0..b.len()).filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\')).count()
}

/// What the CommonMark parser sees in `md`.
struct Parsed {
    html: Vec<String>,
    links: Vec<String>,
    headings: Vec<String>,
    items: usize,
    text: String,
}

fn parse(md: &str) -> Parsed {
    let mut opts = pulldown_cmark::Options::empty();
    opts.insert(pulldown_cmark::Options::ENABLE_TABLES);
    opts.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let mut p = Parsed { html: vec![], links: vec![], headings: vec![], items: 0, text: String::new() };
    let mut heading: Option<String> = None;
    for ev in Parser::new_ext(md, opts) {
        match ev {
            Event::Html(h) | Event::InlineHtml(h) => p.html.push(h.to_string()),
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
                p.links.push(dest_url.to_string())
            }
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => p.headings.extend(heading.take()),
            Event::Start(Tag::Item) => p.items += 1,
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
                p.text.push_str(&t);
            }
            Event::End(_) => p.text.push('\n'),
            _ => {}
        }
    }
    p
}

fn check_markdown(md: &str, r: &Report) {
    for raw in ["<script", "<img", "<b>", "<i>", "<https", "{{", "{%"] {
        assert!(!md.contains(raw), "raw {raw:?} in the Markdown:\n{md}");
    }
    // No value starts a new line: every hostile line fragment sits inside its item or cell.
    for line in md.lines() {
        assert!(
            !line.starts_with("- item") && !line.starts_with("# injected") && !line.starts_with("# heading"),
            "{line:?}"
        );
        assert!(!line.starts_with("1. ordered") && !line.starts_with("> quoted"), "{line:?}");
    }
    // Tables keep their column count: each row has as many cell separators as its header.
    let lines: Vec<&str> = md.lines().collect();
    let mut header = None;
    for l in &lines {
        if l.starts_with('|') {
            let n = columns(l);
            let h = *header.get_or_insert(n);
            assert_eq!(n, h, "table row with a different column count: {l:?}");
        } else {
            header = None;
        }
    }
    let p = parse(md);
    assert!(p.html.is_empty(), "raw HTML reaches the Markdown parser: {:?}", p.html);
    assert!(p.links.iter().all(|u| !u.to_ascii_lowercase().contains("javascript:")), "javascript: link: {:?}", p.links);
    assert!(p.links.len() == 1 && p.links[0] == r.image.png, "the only link is the chart: {:?}", p.links);
    assert!(p.headings.iter().all(|h| !h.contains("heading") && !h.contains("injected")), "{:?}", p.headings);
    // The list items of the default template and no more: the bigger picture (open interest,
    // funding, and daily trend, prior day, realized, notes where present), 4 positioning and
    // structure, two per plan of A and B (entry and reasons, or alert and reasons) and one per
    // C plan, 2 scenarios, events, notes, and the fuel of each zone.
    let c = &r.context;
    let bigger = 2
        + usize::from(c.daily_trend.is_some())
        + usize::from(c.prior_day_high.is_some())
        + usize::from(c.realized_24h_long_usd.is_some())
        + usize::from(!c.notes.is_empty());
    let plans: usize = r
        .plans
        .iter()
        .map(|p| {
            if matches!(p.zone, liqshot::engine::zones::ZoneName::A | liqshot::engine::zones::ZoneName::B) {
                2
            } else {
                1
            }
        })
        .sum();
    assert_eq!(p.items, bigger + 4 + plans + 2 + r.events.len() + r.meta.notes.len() + r.zones.len(), "list items");
    // The text reads back as the user wrote it (line breaks as spaces).
    for h in HOSTILE {
        let flat = h.split('\n').collect::<Vec<_>>().join(" ");
        assert!(p.text.contains(&flat), "{flat:?} not in the rendered text");
    }
    assert!(!p.text.contains("49"), "template syntax in user text was evaluated");
}

#[test]
fn hostile_text_is_inert_in_markdown() {
    let r = hostile_report();
    let md = render_markdown(&r, &TemplateOptions::default()).unwrap();
    check_markdown(&md, &r);
}

#[test]
fn a_user_template_gets_the_same_escaping_without_a_filter() {
    let dir = tempfile::tempdir().unwrap();
    let tpl = "# {{ r.meta.symbol }}\n\n{{ r.events[0] }}\n\n{% for e in r.events %}\n{{ e }}\n\n{% endfor %}\n| a | b |\n|---|---|\n{% for e in r.events %}\n| {{ e }} | {{ r.meta.venues }} |\n{% endfor %}\n";
    std::fs::write(dir.path().join("report.md.j2"), tpl).unwrap();
    // A partial with the .md.j2 name is escaped too.
    std::fs::write(dir.path().join("notes.md.j2"), "{% for n in r.meta.notes %}\n{{ n }}\n\n{% endfor %}\n").unwrap();
    std::fs::write(dir.path().join("report.md.j2"), format!("{tpl}\n{{% include \"notes.md.j2\" %}}\n")).unwrap();
    let r = hostile_report();
    let md = render_markdown(&r, &TemplateOptions { dir: Some(dir.path().into()), ..Default::default() }).unwrap();
    for raw in ["<script", "<img", "<i>", "<b>", "{{"] {
        assert!(!md.contains(raw), "raw {raw:?}:\n{md}");
    }
    for line in md.lines() {
        assert!(
            !line.starts_with("- ") && !line.starts_with("# h") && !line.starts_with("# i") && !line.starts_with("1. "),
            "{line:?}\n{md}"
        );
        if line.starts_with('|') {
            assert_eq!(columns(line), 3, "{line:?}");
        }
    }
    let p = parse(&md);
    assert!(p.html.is_empty() && p.links.is_empty() && p.items == 0, "{:?} {:?} {}", p.html, p.links, p.items);
    assert_eq!(p.headings, ["BTC<i>|USDT"]);
}

#[test]
fn hostile_text_is_escaped_in_html_and_kept_in_json() {
    let r = hostile_report();
    let html = render_html(&r, None, b"\x89PNG", &TemplateOptions::default()).unwrap();
    for raw in ["<script", "<img src=x", "<b>okx", "<i>|", "<https"] {
        assert!(!html.contains(raw), "raw {raw:?} in the HTML");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && html.contains("BTC&lt;i&gt;|USDT"));
    // Template syntax in user text is printed, not evaluated.
    assert!(html.contains("{{ 7*7 }}") && !html.contains(">49<"));
    let back: Report = serde_json::from_slice(&to_json(&r)).unwrap();
    assert_eq!(back, r, "zones.json keeps user text exactly");
}

#[test]
fn front_matter_stays_valid_yaml_with_hostile_text() {
    let mut r = hostile_report();
    r.meta.symbol = "BTC: \"x\"\n- y # z &a *b {c} [d] 'e' \\ \u{7}".into();
    let md = render_markdown(&r, &TemplateOptions { front_matter: true, ..Default::default() }).unwrap();
    let head = md.strip_prefix("---\n").expect("front matter first");
    let (yaml, _) = head.split_once("\n---\n").expect("front matter closed");
    let docs = yaml_rust2::YamlLoader::load_from_str(yaml).unwrap_or_else(|e| panic!("invalid YAML: {e}\n{yaml}"));
    let doc = &docs[0];
    assert_eq!(doc["title"].as_str(), Some(format!("{} pre-trade checklist 2025-11-11", r.meta.symbol).as_str()));
    assert_eq!(doc["date"].as_str(), Some("2025-11-11T00:00:00Z"));
    let tags: Vec<&str> = doc["tags"].as_vec().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert_eq!(tags, ["liqshot", "liquidations", r.meta.symbol.as_str()]);
}

#[test]
fn hostile_event_flags_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let events = dir.path().join("events.txt");
    std::fs::write(&events, "[x](javascript:alert(1))\n| a | b |\n{{ 7*7 }}\n").unwrap();
    let snap = common::example_snapshot();
    let (s, o, e) = (snap.to_str().unwrap(), out.to_str().unwrap(), events.to_str().unwrap());
    common::liqshot([
        "report",
        "--snapshot",
        s,
        "--out-dir",
        o,
        "--size",
        "800x450",
        "--event",
        "<script>alert(1)</script>",
        "--event",
        "# heading",
        "--events-file",
        e,
        "--front-matter",
    ])
    .ok();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        !md.contains("<script") && !md.contains("{{ 7") && md.contains("- &lt;script&gt;alert(1)&lt;/script&gt;\n"),
        "{md}"
    );
    assert!(
        md.contains("- \\# heading\n")
            && md.contains("- \\[x\\](javascript:alert(1))\n")
            && md.contains("- \\| a \\| b \\|\n"),
        "{md}"
    );
    let p = parse(&md);
    assert!(p.html.is_empty() && p.links == ["heatmap.png"], "{:?} {:?}", p.html, p.links);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script") && html.contains("<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>"));
}
