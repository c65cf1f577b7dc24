//! `liqshot backtest`: the terminal table, `--json` (every key documented in
//! docs/backtest-format.md), the chart (pixel facts of the PNG, the SVG parses), hostile
//! options, and the command end to end on the bundled example and on live data from the local
//! fake exchange.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use liqshot::engine::backtest::{self, Backtest, FirstTouch, Reaction, ReliabilityBin, Summary, ZoneOutcome, FORMAT};
use liqshot::engine::zones::{Where, ZoneName};
use liqshot::output::render::backtest_chart::{self, ChartStyle, Lift};
use liqshot::output::render::palette::Theme;
use liqshot::output::render::raster;

use common::{example_snapshot, liqshot, root};

fn t(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 11, day, hour, 0, 0).unwrap()
}

fn bin(lo: f64, predicted: f64, observed: f64, n: usize) -> ReliabilityBin {
    ReliabilityBin { lo, hi: lo + 0.1, predicted, observed, n }
}

/// A group's figures, shaped like a real run's (the issue's 1-10 Nov 2025 numbers for overall).
#[allow(clippy::too_many_arguments)]
fn summary(
    n: usize,
    touches: usize,
    placebo: f64,
    lift: [f64; 3],
    rejections: usize,
    placebo_reject: f64,
    reaction: [f64; 3],
    magnet: Option<[f64; 3]>,
) -> Summary {
    let some_if = |ok: bool, v: f64| ok.then_some(v);
    Summary {
        n,
        days: 7,
        touches,
        placebo_expected_touches: placebo,
        touch_lift: Some(lift[0]),
        touch_lift_ci90: Some([lift[1], lift[2]]),
        rejections,
        reject_rate: some_if(touches > 0, rejections as f64 / touches.max(1) as f64),
        placebo_reject_rate: Some(placebo_reject),
        reaction_lift: Some(reaction[0]),
        reaction_lift_ci90: Some([reaction[1], reaction[2]]),
        first_touch_steps: magnet.map(|_| 20),
        bigger_first: magnet.map(|_| 12),
        random_walk_expected_bigger_first: magnet.map(|_| 9.4),
        magnet_lift: magnet.map(|m| m[0]),
        magnet_lift_ci90: magnet.map(|m| [m[1], m[2]]),
        median_time_to_touch_secs: Some(5 * 3600 + 20 * 60),
        reliability: vec![
            bin(0.0, 0.05, 0.0, 8),
            bin(0.1, 0.15, 0.1, 10),
            bin(0.2, 0.25, 0.2, 15),
            bin(0.3, 0.34, 0.25, 20),
            bin(0.5, 0.55, 0.45, 21),
        ],
        brier: Some(0.182),
        reliability_adjusted: vec![bin(0.0, 0.04, 0.0, 10), bin(0.2, 0.22, 0.2, 30), bin(0.4, 0.44, 0.38, 34)],
        brier_adjusted: Some(0.190),
        brier_base_rate: Some(0.201),
        verdict: vec![
            format!(
                "Touch lift {:.2} (90 % interval {:.2}-{:.2}): no measurable edge over distance alone.",
                lift[0], lift[1], lift[2]
            ),
            format!(
                "Reaction lift {:.2} (90 % interval {:.2}-{:.2}): no measurable edge over distance alone.",
                reaction[0], reaction[1], reaction[2]
            ),
        ],
    }
}

fn outcome(step: usize, name: &str, side: Where, edge: f64, price: f64, touched: bool) -> ZoneOutcome {
    ZoneOutcome {
        step,
        at: t(4, 0) + chrono::Duration::hours(4 * step as i64),
        name: name.parse().unwrap(),
        side,
        edge,
        log_distance: (edge / price).ln(),
        usd: 3.6e6,
        touched,
        time_to_touch_secs: touched.then_some(7200),
        reaction: touched.then_some(Reaction::Reject),
        placebo_touch: 0.37,
        placebo_reject: Some(0.44),
        model_probability: Some(0.31),
        adjusted_probability: Some(0.25),
    }
}

/// A realistic backtest of the bundled example, built by hand (the walk and the scoring are
/// not needed to test the outputs).
pub fn sample() -> Backtest {
    let mut zones = BTreeMap::new();
    zones.insert(ZoneName::A, summary(37, 12, 13.9, [0.86, 0.52, 1.21], 3, 0.41, [0.59, 0.18, 1.3], None));
    zones.insert(ZoneName::B, summary(37, 10, 13.2, [0.76, 0.41, 1.12], 3, 0.47, [0.64, 0.2, 1.45], None));
    zones.insert(ZoneName::CAbove, summary(52, 9, 6.1, [1.48, 1.08, 2.05], 2, 0.39, [0.57, 0.0, 1.6], None));
    Backtest {
        format: FORMAT,
        symbol: "BTCUSDT".into(),
        venues: "binance".into(),
        interval: "5m".into(),
        data_from: t(1, 0),
        data_to: t(11, 0),
        step_secs: 4 * 3600,
        horizon_secs: 24 * 3600,
        warmup_secs: 72 * 3600,
        lookback_secs: None,
        reaction_move: 0.005,
        reaction_secs: 3600,
        vol_window_secs: 72 * 3600,
        resamples: 2000,
        seed: 1,
        odds_model: liqshot::engine::backtest::OddsModel::Empirical,
        steps: 37,
        overall: summary(74, 22, 27.1, [0.81, 0.56, 1.03], 6, 0.44, [0.62, 0.3, 1.1], Some([1.28, 0.84, 1.66])),
        zones,
        headline: "No measurable edge over distance alone: zones A and B were touched 22 times where levels at the same distances were touched 27.1 times (touch lift 0.81, 90 % interval 0.56-1.03; 74 zones over 7 days).".into(),
        notes: vec![],
        outcomes: vec![outcome(0, "A", Where::Above, 106_648.8, 106_011.1, true), outcome(0, "B", Where::Below, 104_900.0, 106_011.1, false)],
        first_touches: vec![
            FirstTouch { step: 0, first: Some(ZoneName::A), bigger: ZoneName::B, random_walk_bigger_first: 0.36 },
            FirstTouch { step: 1, first: None, bigger: ZoneName::A, random_walk_bigger_first: 0.52 },
        ],
        realized: Some(backtest::realized::Realized {
            events_in_snapshot: 40,
            usd_in_snapshot: 3.1e6,
            events: 30,
            usd: 2.5e6,
            steps: 12,
            step_events: 90,
            spearman_pooled: Some(0.21),
            spearman_mean: Some(0.18),
            spearman_steps: 11,
            top_usd_share: Some(0.34),
            random_share: Some(0.101),
            top_event_share: Some(0.3),
            top_event_wilson_lower: Some(0.215),
        }),
        measured: None,
        fuel: Some(backtest::fuel::Fuel {
            period_secs: 3600,
            source: "period totals (cg.csv)".into(),
            periods_in_snapshot: 200,
            periods: 150,
            placebo_gap_secs: 172_800,
            placebo_maps: 240,
            long: fuel_side(0.05),
            short: fuel_side(0.01),
            notes: vec!["50 of 200 realized periods start before the warm-up ends: not scored.".into()],
        }),
    }
}

fn fuel_side(gain: f64) -> backtest::fuel::FuelSide {
    backtest::fuel::FuelSide {
        n: 150,
        days: 7,
        r2_controls: Some(0.3),
        gain: Some(gain),
        gain_ci90: Some([gain - 0.01, gain + 0.01]),
        placebo_gain: Some(0.001),
        placebo_gain_ci90: Some([0.0, 0.01]),
        scale: Some(2.5),
        scale_ci90: Some([2.0, 3.1]),
        realized_usd: 2.5e8,
        map_usd: 1e8,
        verdict: "Fuel, longs: ...".into(),
    }
}

/// A backtest with too little history: nothing measured.
fn empty() -> Backtest {
    let none = Summary {
        n: 0,
        days: 0,
        touches: 0,
        placebo_expected_touches: 0.0,
        touch_lift: None,
        touch_lift_ci90: None,
        rejections: 0,
        reject_rate: None,
        placebo_reject_rate: None,
        reaction_lift: None,
        reaction_lift_ci90: None,
        first_touch_steps: None,
        bigger_first: None,
        random_walk_expected_bigger_first: None,
        magnet_lift: None,
        magnet_lift_ci90: None,
        median_time_to_touch_secs: None,
        reliability: vec![],
        brier: None,
        reliability_adjusted: vec![],
        brier_adjusted: None,
        brier_base_rate: None,
        verdict: vec![],
    };
    let mut bt = sample();
    bt.overall = none.clone();
    bt.zones = liqshot::engine::zones::LABELLED.iter().map(|&k| (k, none.clone())).collect();
    bt.steps = 1;
    bt.outcomes.clear();
    bt.first_touches.clear();
    bt.headline = "Too little history to say whether the zones beat distance alone (1 step).".into();
    bt
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---- the table -------------------------------------------------------------------------

#[test]
fn table_shows_each_group_the_reliability_table_and_the_words_as_they_are() {
    let bt = sample();
    let text = backtest::table::to_text(&bt);
    for line in text.lines() {
        assert!(line.chars().count() <= backtest::table::WIDTH, "{} columns: {line:?}", line.chars().count());
    }
    let row = |label: &str| {
        text.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("no row {label:?} in\n{text}")).to_string()
    };
    let head = row("                    ");
    for g in ["overall (A+B)", "A", "B", "C above", "C below"] {
        assert!(head.contains(g), "{head}");
    }
    // Each group's column, in order overall, A, B, C above, C below (none in this sample: n/a).
    let cells = |label: &str| -> Vec<String> {
        let r = row(label);
        r[20..].split("  ").map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()
    };
    assert_eq!(cells("zones / days"), ["74 / 7", "37 / 7", "37 / 7", "52 / 7", "n/a"]);
    assert_eq!(cells("touches (placebo)"), ["22 (27.1)", "12 (13.9)", "10 (13.2)", "9 (6.1)", "n/a"]);
    assert_eq!(
        cells("touch lift [90 %]"),
        ["0.81 [0.56-1.03]", "0.86 [0.52-1.21]", "0.76 [0.41-1.12]", "1.48 [1.08-2.05]", "n/a"]
    );
    assert_eq!(cells("reject rate (plac.)")[0], "27 % (44 %)");
    assert_eq!(cells("reaction lift [90 %]")[0], "0.62 [0.30-1.10]");
    // Which of A and B came first is an overall figure: n/a per letter.
    assert_eq!(cells("bigger first (walk)"), ["12 of 20 (9.4)", "n/a", "n/a", "n/a", "n/a"]);
    assert_eq!(cells("magnet lift [90 %]"), ["1.28 [0.84-1.66]", "n/a", "n/a", "n/a", "n/a"]);
    assert_eq!(cells("median time to touch")[0], "5h 20m");
    assert_eq!(cells("Brier model / adj.")[0], "0.182 / 0.190");
    assert_eq!(cells("Brier base rate")[0], "0.201");
    // Reliability: one row per bin, model and adjusted side by side (a bin only one has: "-").
    let rel: Vec<&str> =
        text.lines().skip_while(|l| !l.starts_with("Reliability")).skip(2).take_while(|l| !l.is_empty()).collect();
    assert_eq!(rel.len(), 6, "{rel:?}");
    assert_eq!(squash(rel[0]), "0-10 % 5.0 % 0.0 % 8 4.0 % 0.0 % 10");
    assert_eq!(squash(rel[3]), "30-40 % 34.0 % 25.0 % 20 - - 0");
    assert_eq!(squash(rel[4]), "40-50 % - - 0 44.0 % 38.0 % 34");
    // The headline and every verdict, word for word.
    let flat = squash(&text);
    assert!(flat.contains(&squash(&bt.headline)), "{text}");
    for (name, s) in [("overall (A+B)", &bt.overall), ("C above", &bt.zones[&ZoneName::CAbove])] {
        for v in &s.verdict {
            assert!(flat.contains(&format!("{name}: {}", squash(v))), "{name}: {v} in\n{text}");
        }
    }
}

#[test]
fn table_says_n_a_and_the_headline_with_too_little_history() {
    let bt = empty();
    let text = backtest::table::to_text(&bt);
    let lift = text.lines().find(|l| l.starts_with("touch lift")).unwrap();
    assert_eq!(squash(&lift[20..]), "n/a n/a n/a n/a n/a", "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("median time to touch") && squash(&l[20..]) == "n/a n/a n/a n/a n/a"),
        "{text}"
    );
    assert!(text.contains("n/a: no zone had a model probability"), "{text}");
    assert!(squash(&text).contains(&bt.headline), "{text}");
    assert!(!text.contains("NaN") && !text.contains("None"), "{text}");
}

// ---- JSON and its documentation -----------------------------------------------------------

fn json_of(bt: &Backtest) -> serde_json::Value {
    let bytes = backtest::json::to_json(bt);
    assert_eq!(bytes.last(), Some(&b'\n'));
    serde_json::from_slice(&bytes).expect("backtest JSON parses")
}

#[test]
fn json_carries_the_issues_fields_under_overall_and_each_letter() {
    let bt = sample();
    let v = json_of(&bt);
    assert_eq!(v["format"], "liqshot-backtest/1");
    assert_eq!(v["symbol"], "BTCUSDT");
    assert_eq!(v["data_from"], "2025-11-01T00:00:00Z");
    for (path, g) in [
        ("overall", &v["overall"]),
        ("zones.A", &v["zones"]["A"]),
        ("zones.B", &v["zones"]["B"]),
        ("zones.C above", &v["zones"]["C above"]),
    ] {
        for k in [
            "touches",
            "placebo_expected_touches",
            "touch_lift",
            "touch_lift_ci90",
            "reaction_lift",
            "reaction_lift_ci90",
            "magnet_lift",
            "reliability",
            "brier",
            "brier_base_rate",
        ] {
            assert!(g.get(k).is_some(), "{path}.{k} missing");
        }
        assert_eq!(g["touch_lift_ci90"].as_array().map(Vec::len), Some(2), "{path}: [low, high]");
        let r = &g["reliability"][0];
        assert!(r["predicted"].is_f64() && r["observed"].is_f64() && r["n"].is_u64(), "{path}: {r}");
    }
    assert_eq!(v["overall"]["touches"], 22);
    assert_eq!(v["overall"]["touch_lift_ci90"], serde_json::json!([0.56, 1.03]));
    assert_eq!(v["zones"]["A"]["magnet_lift"], serde_json::Value::Null);
    assert_eq!(v["outcomes"][0]["side"], "above");
    assert_eq!(v["outcomes"][0]["reaction"], "reject");
    assert_eq!(v["outcomes"][1]["reaction"], serde_json::Value::Null);
}

/// The field names each section of docs/backtest-format.md documents: the heading's backticked
/// names (`overall`, `reliability[]`, ...; "Top level" for the document itself) → the backticked
/// names in the first column of the section's table rows.
fn documented(doc: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Vec<String> = Vec::new();
    let ticks = |s: &str| -> Vec<String> { s.split('`').skip(1).step_by(2).map(String::from).collect() };
    for line in doc.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            current = if h.trim() == "Top level" { vec![String::new()] } else { ticks(h) };
            continue;
        }
        if let Some(row) = line.strip_prefix('|') {
            let first = row.split('|').next().unwrap_or("");
            for section in &current {
                out.entry(section.clone()).or_default().extend(ticks(first));
            }
        }
    }
    out
}

/// Every key of `v` that `doc` does not document, as `section: key` (the section an object is
/// documented under is its key, `[]` for array elements: `overall`, `zones.A`, `reliability[]`).
fn undocumented(v: &serde_json::Value, doc: &str) -> Vec<String> {
    fn walk(v: &serde_json::Value, at: &str, docs: &BTreeMap<String, BTreeSet<String>>, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, child) in m {
                    // The keys of `zones` are data (the letters), documented as `zones.A` etc.
                    if at == "zones" {
                        walk(child, &format!("zones.{k}"), docs, out);
                        continue;
                    }
                    if !docs.get(at).is_some_and(|s| s.contains(k)) {
                        out.push(format!("{}: {k}", if at.is_empty() { "top level" } else { at }));
                    }
                    walk(child, k, docs, out);
                }
            }
            serde_json::Value::Array(a) => {
                for child in a {
                    walk(child, &format!("{at}[]"), docs, out);
                }
            }
            _ => {}
        }
    }
    let docs = documented(doc);
    let mut out = Vec::new();
    walk(v, "", &docs, &mut out);
    out.sort();
    out.dedup();
    out
}

fn format_doc() -> String {
    std::fs::read_to_string(root().join("docs/backtest-format.md")).expect("docs/backtest-format.md")
}

#[test]
fn every_json_key_is_documented_and_a_missing_one_is_caught() {
    let doc = format_doc();
    let v = json_of(&sample());
    assert_eq!(undocumented(&v, &doc), Vec::<String>::new());
    // The check is not vacuous: drop one row and it names the key.
    let without: String = doc.lines().filter(|l| !l.starts_with("| `placebo_reject` ")).collect::<Vec<_>>().join("\n");
    assert_ne!(without.len(), doc.len(), "the doc has a placebo_reject row");
    assert_eq!(undocumented(&v, &without), ["outcomes[]: placebo_reject"]);
    // ...and a key the doc has never heard of.
    let mut extra = v.clone();
    extra["overall"]["new_figure"] = serde_json::json!(1);
    assert_eq!(undocumented(&extra, &doc), ["overall: new_figure"]);
}

// ---- the chart ---------------------------------------------------------------------------

fn px(img: &image::RgbaImage, x: f32, y: f32) -> [u8; 3] {
    let p = img.get_pixel(x as u32, y as u32);
    [p[0], p[1], p[2]]
}

fn rgb(c: liqshot::output::render::Color) -> [u8; 3] {
    [c.r, c.g, c.b]
}

fn near(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
    a.iter().zip(b).all(|(x, y)| (*x as i32 - y as i32).abs() <= tol)
}

#[test]
fn chart_draws_the_diagonal_the_bins_and_the_intervals_where_the_data_puts_them() {
    let bt = sample();
    let style = ChartStyle::default();
    let g = backtest_chart::geometry(&bt, &style);
    let png = raster::to_png(&backtest_chart::build(&bt, &style));
    let img = image::load_from_memory(&png).expect("PNG decodes").to_rgba8();
    assert_eq!(img.dimensions(), (1600, 900));
    // Kept for a look (target/tmp).
    std::fs::write(common::target_tmp("backtest-sample.png"), &png).unwrap();
    let th = Theme::dark();
    let bg = rgb(th.plot_background);
    // The diagonal: on it, the line's colour; a bit off it, the plot's background.
    for p in [0.65, 0.75, 0.85, 0.95] {
        let (x, y) = g.calib_xy(p, p);
        assert!(near(px(&img, x, y), rgb(th.muted), 40), "diagonal at {p}: {:?}", px(&img, x, y));
        let (x, y) = g.calib_xy(p, p - 0.04);
        assert!(near(px(&img, x, y), bg, 24), "off the diagonal at {p}: {:?}", px(&img, x, y));
    }
    // A bin of the model: its marker at (predicted, observed); the adjusted model's too.
    let b = &bt.overall.reliability[4];
    let (x, y) = g.calib_xy(b.predicted, b.observed);
    let m = px(&img, x, y);
    assert!(!near(m, bg, 40) && m[2] > m[0], "model marker at {b:?}: {m:?}");
    let a = &bt.overall.reliability_adjusted[2];
    let (x, y) = g.calib_xy(a.predicted, a.observed);
    let m = px(&img, x, y);
    assert!(!near(m, bg, 40) && m[0] > m[2], "adjusted marker at {a:?}: {m:?}");
    // Marker area grows with n.
    assert!(g.marker_radius(34) > g.marker_radius(8));
    // The overall touch lift's interval, 0.56 to 1.03: drawn between its ends, not beyond.
    let row = g.rows.iter().find(|r| r.lift == Lift::Touch && r.group == "overall").expect("touch row");
    assert_eq!(row.ci90, Some([0.56, 1.03]));
    let [lo, hi] = row.ci90.unwrap();
    let bar = rgb(backtest_chart::TOUCH);
    for v in [0.6, 0.7, 0.95] {
        assert!(near(px(&img, g.lift_x(v), row.y), bar, 30), "bar at {v}: {:?}", px(&img, g.lift_x(v), row.y));
    }
    assert!(
        near(px(&img, g.lift_x(lo) - 6.0, row.y), bg, 24),
        "left of the interval: {:?}",
        px(&img, g.lift_x(lo) - 6.0, row.y)
    );
    assert!(
        near(px(&img, g.lift_x(hi) + 6.0, row.y), bg, 24),
        "right of the interval: {:?}",
        px(&img, g.lift_x(hi) + 6.0, row.y)
    );
    // Zone C's touch lift lies wholly above 1: its bar starts right of the line at 1.
    let c = g.rows.iter().find(|r| r.lift == Lift::Touch && r.group == "C above").unwrap();
    assert!(near(px(&img, g.lift_x(1.5), c.y), bar, 30) && near(px(&img, g.lift_x(1.0) + 6.0, c.y), bg, 24));
    // The line at 1 crosses the whole plot, between the rows too.
    let between = (g.rows[0].y + g.rows[1].y) / 2.0;
    assert!(px(&img, g.lift_x(1.0), between)[0] > 150, "line at 1: {:?}", px(&img, g.lift_x(1.0), between));
    // Zone C's reaction interval starts at 0, off the log axis: an arrowhead at the left edge, no cap.
    let cr = g.rows.iter().find(|r| r.lift == Lift::Reaction && r.group == "C above").unwrap();
    assert_eq!(cr.ci90, Some([0.0, 1.6]));
    let (x0, react) = (g.lift_x(0.0), rgb(backtest_chart::REACTION));
    assert_eq!(x0, g.lifts.x);
    assert!(near(px(&img, x0 + 2.0, cr.y), react, 40), "bar to the edge: {:?}", px(&img, x0 + 2.0, cr.y));
    assert!(near(px(&img, x0 + 4.5, cr.y - 3.0), react, 70), "arrowhead: {:?}", px(&img, x0 + 4.5, cr.y - 3.0));
    assert!(near(px(&img, x0 + 0.5, cr.y - 6.0), bg, 24), "no cap: {:?}", px(&img, x0 + 0.5, cr.y - 6.0));
    // Magnet: overall only; the per-letter rows are left out.
    assert_eq!(g.rows.iter().filter(|r| r.lift == Lift::Magnet).count(), 1);
}

#[test]
fn chart_with_too_little_history_draws_no_markers_and_svg_parses() {
    let bt = empty();
    let style = ChartStyle::default();
    let g = backtest_chart::geometry(&bt, &style);
    assert!(g.rows.iter().all(|r| r.value.is_none()));
    let scene = backtest_chart::build(&bt, &style);
    let svg = liqshot::output::render::svg::to_svg(&scene);
    let tree = resvg::usvg::Tree::from_data(&svg, &resvg::usvg::Options::default()).expect("SVG parses");
    assert_eq!((tree.size().width(), tree.size().height()), (1600.0, 900.0));
    let svg = liqshot::output::render::svg::to_svg(&backtest_chart::build(&sample(), &style));
    resvg::usvg::Tree::from_data(&svg, &resvg::usvg::Options::default()).expect("SVG parses");
    // The fuel line: drawn with a fuel test (the sample's), not without one (empty's).
    let text = String::from_utf8_lossy(&svg).into_owned();
    assert!(text.contains("Fuel (150 1h periods, 7 days"), "no fuel line in the sample's chart");
    let no_fuel = backtest_chart::build(&Backtest { fuel: None, ..sample() }, &style);
    assert!(!String::from_utf8_lossy(&liqshot::output::render::svg::to_svg(&no_fuel)).contains("Fuel ("));
    let line = backtest_chart::fuel_line(sample().fuel.as_ref().unwrap());
    assert!(line.contains("longs R² gain 0.050 [0.040-0.060] vs another period's map 0.001 [0.000-0.010], evidence, scale 2.50 [2.00-3.10]"), "{line}");
    assert!(
        line.contains(
            "shorts R² gain 0.010 [0.000-0.020] vs another period's map 0.001 [0.000-0.010], no measurable edge"
        ),
        "{line}"
    );
}

// ---- the command -------------------------------------------------------------------------

fn snap_arg() -> String {
    example_snapshot().display().to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn hostile_options_name_the_flag_exit_2_and_leave_the_output_alone() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("backtest.png");
    std::fs::write(&png, b"a good chart").unwrap();
    for (args, flag) in [
        (vec!["--step", "0"], "--step"),
        (vec!["--horizon", "0h"], "--horizon"),
        (vec!["--warmup", "soon"], "--warmup"),
        (vec!["--resamples", "0"], "--resamples"),
        (vec!["--vol-window", "3 days"], "--vol-window"),
        (vec!["--lookback", "forever"], "--lookback"),
        (vec!["-o", "out.jpg"], "-o out.jpg"),
        // Whole candles only (the example has 5m candles): a step or horizon between candle
        // closes, or shorter than a candle (a 1s step would walk 500,000 steps).
        (vec!["--step", "7m"], "--step 7m: must be a whole number of the snapshot's 5m candles"),
        (vec!["--step", "1s"], "--step 1s"),
        (vec!["--horizon", "1m"], "--horizon 1m: must be a whole number"),
        (vec!["--horizon", "1441m"], "--horizon 1441m"),
        (vec!["--odds-model", "lucky"], "--odds-model"),
    ] {
        let mut all = vec!["backtest", "--snapshot", &snap_arg(), "-o", s(&png)]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        all.extend(args.iter().map(|a| a.to_string()));
        let r = liqshot(&all);
        let line = r.one_line_error(2);
        assert!(line.contains(flag), "{args:?}: {line}");
        assert_eq!(std::fs::read(&png).unwrap(), b"a good chart", "{args:?}");
        assert_eq!(r.stdout, "", "{args:?}");
    }
    assert_eq!(common::dir_names(dir.path()), ["backtest.png"]);
}

// ---- end to end (the walk and the scoring on real data) --------------------------------------

fn backtest_json(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["backtest", "--snapshot", &snap_arg(), "--json", "--resamples", "300"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    args.extend(extra.iter().map(|a| a.to_string()));
    serde_json::from_str(&liqshot(&args).ok().stdout).expect("backtest --json prints JSON")
}

#[test]
fn the_bundled_example_walks_37_steps_and_the_table_says_what_the_json_says() {
    let v = backtest_json(&[]);
    assert_eq!(v["format"], FORMAT);
    // 1-11 Nov 2025: the first step at 4 Nov 00:00 (3 days of warm-up), the last at 10 Nov
    // 00:00 (its 24 h end with the data), every 4 h: 6 days x 6 + 1.
    assert_eq!(v["steps"], 37, "{}", v["steps"]);
    assert_eq!(v["data_from"], "2025-11-01T00:00:00Z");
    assert_eq!(v["data_to"], "2025-11-11T00:00:00Z");
    let outcomes = v["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.first().unwrap()["at"], "2025-11-04T00:00:00Z");
    assert_eq!(outcomes.last().unwrap()["at"], "2025-11-10T00:00:00Z");
    // The JSON is the sum of its rows.
    let ab: Vec<&serde_json::Value> = outcomes.iter().filter(|o| o["name"] == "A" || o["name"] == "B").collect();
    let o = &v["overall"];
    assert_eq!(o["n"].as_u64().unwrap() as usize, ab.len());
    assert_eq!(o["touches"].as_u64().unwrap() as usize, ab.iter().filter(|o| o["touched"] == true).count());
    let placebo: f64 = ab.iter().map(|o| o["placebo_touch"].as_f64().unwrap()).sum();
    assert!(
        (o["placebo_expected_touches"].as_f64().unwrap() - placebo).abs() < 1e-6,
        "{} vs {placebo}",
        o["placebo_expected_touches"]
    );
    assert!(undocumented(&v, &format_doc()).is_empty(), "{:?}", undocumented(&v, &format_doc()));

    let text = liqshot(["backtest", "--snapshot", &snap_arg(), "--resamples", "300"]).ok().stdout;
    assert!(text.starts_with("BTCUSDT backtest"), "{text}");
    assert!(text.contains("37 steps every 4h after a 3d warm-up, each scored over the next 24h"), "{text}");
    let touches = text.lines().find(|l| l.starts_with("touches (placebo)")).unwrap();
    let expected = format!("{} ({:.1})", o["touches"], o["placebo_expected_touches"].as_f64().unwrap());
    assert!(touches[20..].trim_start().starts_with(&expected), "{touches} vs {expected}");
    assert!(squash(&text).contains(&squash(v["headline"].as_str().unwrap())), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= backtest::table::WIDTH), "{text}");
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_the_chart_files_come_together() {
    let dir = tempfile::tempdir().unwrap();
    let (png, svg) = (dir.path().join("bt.png"), dir.path().join("bt.svg"));
    let args = |out: &Path| {
        vec![
            "backtest".to_string(),
            "--snapshot".into(),
            snap_arg(),
            "--json".into(),
            "--resamples".into(),
            "300".into(),
            "-o".into(),
            s(out).into(),
        ]
    };
    let mut first = args(&png);
    first.extend(["-o".to_string(), s(&svg).to_string()]);
    let a = liqshot(&first).ok();
    let png_bytes = std::fs::read(&png).unwrap();
    let img = image::load_from_memory(&png_bytes).expect("PNG decodes").to_rgba8();
    assert_eq!(img.dimensions(), (1600, 900));
    resvg::usvg::Tree::from_data(&std::fs::read(&svg).unwrap(), &resvg::usvg::Options::default()).expect("SVG parses");
    let again = dir.path().join("again.png");
    let b = liqshot(args(&again)).ok();
    assert_eq!(a.stdout, b.stdout, "same seed, same JSON");
    assert_eq!(std::fs::read(&again).unwrap(), png_bytes, "same seed, same chart");
    // The chart draws the backtest it was made from: the line at 1 and the overall touch
    // interval where the printed JSON puts them.
    let v: serde_json::Value = serde_json::from_str(&a.stdout).unwrap();
    let snap = liqshot::MarketSnapshot::load(&example_snapshot()).unwrap();
    let bt = backtest::run(
        &snap,
        &chart_params(),
        &liqshot::engine::zones::ZoneParams::default(),
        &liqshot::engine::backtest::BacktestParams { resamples: 300, ..Default::default() },
    )
    .unwrap();
    assert_eq!(serde_json::to_value(&bt).unwrap(), v, "the library's backtest is the command's");
    std::fs::write(common::target_tmp("backtest-example.png"), &png_bytes).unwrap();
    let g = backtest_chart::geometry(&bt, &ChartStyle::default());
    let row = g.rows.iter().find(|r| r.lift == Lift::Touch && r.group == "overall").unwrap();
    let [lo, hi] = row.ci90.expect("the example has an overall touch interval");
    let (xl, xv, xh) = (g.lift_x(lo), g.lift_x(row.value.unwrap()), g.lift_x(hi));
    // On the bar, in the longer arm (away from the point marker).
    let x = if xv - xl > xh - xv { (xl + xv) / 2.0 } else { (xv + xh) / 2.0 };
    assert!((x - xv).abs() > 8.0, "interval {lo}-{hi} too short to probe");
    assert!(near(px(&img, x, row.y), rgb(backtest_chart::TOUCH), 40), "bar at x {x}: {:?}", px(&img, x, row.y));
    let one = g.lift_x(1.0);
    let gap = (g.rows[0].y + g.rows[1].y) / 2.0;
    assert!(px(&img, one, gap)[0] > 150, "line at 1: {:?}", px(&img, one, gap));
    let other = dir.path().join("seed2.png");
    let mut seed2 = args(&other);
    seed2.extend(["--seed".to_string(), "2".to_string()]);
    let c = liqshot(&seed2).ok();
    let vc: serde_json::Value = serde_json::from_str(&c.stdout).unwrap();
    assert_eq!(vc["seed"], 2);
    assert_eq!(vc["overall"]["touches"], v["overall"]["touches"], "the seed moves only the intervals");
}

/// The estimate options `liqshot backtest` uses by default (zones' 24 h window).
fn chart_params() -> liqshot::engine::estimate::EstimateParams {
    liqshot::engine::estimate::EstimateParams { window_secs: 86_400, ..Default::default() }
}

#[test]
fn lookback_with_a_snapshot_limits_each_steps_history() {
    let v = backtest_json(&["--lookback", "2d"]);
    assert_eq!(v["lookback_secs"], 2 * 86_400);
    assert_eq!(v["steps"], 37, "the lookback does not move the steps");
    let all = backtest_json(&[]);
    assert_eq!(all["lookback_secs"], serde_json::Value::Null);
    let edges = |v: &serde_json::Value| {
        v["outcomes"].as_array().unwrap().iter().map(|o| o["edge"].as_f64().unwrap()).collect::<Vec<_>>()
    };
    assert_ne!(edges(&v), edges(&all), "two days of history give other zones than ten");
}

#[test]
fn a_horizon_longer_than_the_data_is_a_usage_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("backtest.png");
    std::fs::write(&png, b"a good chart").unwrap();
    for (flag, value) in [("--horizon", "30d"), ("--warmup", "12d")] {
        let r = liqshot(["backtest", "--snapshot", &snap_arg(), flag, value, "-o", s(&png)]);
        let line = r.one_line_error(2);
        assert!(line.contains(flag), "{flag} {value}: {line}");
        assert_eq!(std::fs::read(&png).unwrap(), b"a good chart");
    }
    assert_eq!(common::dir_names(dir.path()), ["backtest.png"]);
}

#[test]
fn several_live_symbols_print_one_json_array_and_one_chart_each() {
    let server = common::fake_exchange::start_multi(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("{symbol}-backtest.png");
    let base = server.base.clone();
    let mut args: Vec<String> = ["backtest", "--symbol", "BTC,ETH", "--json", "--resamples", "200", "-o", s(&out)]
        .iter()
        .map(|a| a.to_string())
        .collect();
    for (flag, value) in [
        ("--binance-url", base.as_str()),
        ("--exchange", "binance"),
        ("--lookback", "5d"),
        ("--retries", "0"),
        ("--timeout", "10s"),
    ] {
        args.extend([flag.to_string(), value.to_string()]);
    }
    let r = liqshot(&args).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let docs = v.as_array().expect("one array");
    assert_eq!(docs.iter().map(|d| d["symbol"].as_str().unwrap()).collect::<Vec<_>>(), ["BTCUSDT", "ETHUSDT"]);
    for d in docs {
        assert_eq!(d["format"], FORMAT);
        assert_eq!(d["lookback_secs"], serde_json::Value::Null, "with --symbol the lookback is what was fetched");
        assert!(d["steps"].as_u64().unwrap() >= 6, "{}", d["steps"]);
    }
    assert_eq!(common::dir_names(dir.path()), ["BTCUSDT-backtest.png", "ETHUSDT-backtest.png"]);
    // Without {symbol}, two charts cannot share one name: refused before fetching.
    let mut clash = args.clone();
    let i = clash.iter().position(|a| a == "-o").unwrap();
    clash[i + 1] = s(&dir.path().join("one.png")).to_string();
    let line = liqshot(&clash).one_line_error(2).to_string();
    assert!(line.contains("{symbol}"), "{line}");
}

#[test]
fn a_missing_snapshot_is_one_line_exit_1_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.snapshot.json");
    let r = liqshot(["backtest", "--snapshot", s(&missing), "-o", s(&dir.path().join("bt.png"))]);
    let line = r.one_line_error(1);
    assert!(line.contains("nope.snapshot.json"), "{line}");
    assert_eq!(r.stdout, "");
    assert!(common::dir_names(dir.path()).is_empty());
}

#[test]
fn offline_help_examples_run() {
    // The `--snapshot` examples of `liqshot backtest --help`, with -o in a temporary directory
    // and fewer resamples (to keep the test fast).
    let dir = tempfile::tempdir().unwrap();
    let lines = common::offline_help_examples("backtest");
    assert_eq!(lines.len(), 3);
    for (k, line) in lines.iter().enumerate() {
        let mut args: Vec<String> = line.split_whitespace().skip(1).map(String::from).collect();
        let mut outs = Vec::new();
        for i in 0..args.len() {
            if args[i] == "-o" {
                let ext = args[i + 1].rsplit('.').next().unwrap().to_string();
                let out = dir.path().join(format!("ex{k}.{ext}"));
                args[i + 1] = s(&out).to_string();
                outs.push(out);
            }
        }
        args.extend(["--resamples".to_string(), "200".to_string()]);
        let r = liqshot(&args).ok();
        assert!(r.stdout.starts_with("BTCUSDT backtest") || r.stdout.starts_with('{'), "{line}: {}", r.stdout);
        assert!(outs.iter().all(|o| o.exists()), "{line}: {outs:?}");
    }
}

#[test]
fn the_method_doc_states_the_bundled_examples_figures_as_the_command_prints_them() {
    // The backtest results moved with the manual from the README to docs/method.md (issue 22).
    let readme = std::fs::read_to_string(root().join("docs/method.md")).unwrap();
    let at = readme.find("**On the bundled example**").expect("docs/method.md's backtest results");
    let block: Vec<&str> =
        readme[at..].lines().skip_while(|l| *l != "```").skip(1).take_while(|l| *l != "```").collect();
    assert_eq!(block.len(), 12, "{block:?}");
    let text = liqshot(["backtest", "--snapshot", &snap_arg()]).ok().stdout;
    let printed: Vec<&str> =
        text.lines().skip_while(|l| !l.trim_start().starts_with("overall (A+B)")).take(12).collect();
    assert_eq!(block, printed, "docs/method.md's table is stale: rerun liqshot backtest --snapshot examples/...");
}

#[test]
fn the_bundled_backtest_chart_is_current() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("bt.png");
    liqshot(["-q", "backtest", "--snapshot", &snap_arg(), "-o", s(&png)]).ok();
    let bundled = root().join("examples/btcusdt-backtest.png");
    let diff = common::target_tmp("cli_backtest/btcusdt-backtest.diff.png");
    std::fs::create_dir_all(diff.parent().unwrap()).unwrap();
    common::imgdiff::compare(&common::read_png(&png), &common::read_png(&bundled), 24, 0.002, &diff)
        .unwrap_or_else(|e| panic!("{} is stale (scripts/regen-examples remakes it): {e}", bundled.display()));
}
