//! `liqshot report` and the backtest of its own snapshot, end to end: each zone's touch
//! probability and track record in zones.json, Markdown and HTML are those of
//! `backtest::run` + `backtest::odds::zone_odds` on the same snapshot; `--horizon`; a snapshot
//! too short to backtest still gets its report, saying so instead of printing numbers.

use crate::common;

use std::path::Path;

use common::{example_snapshot, liqshot};
use liqshot::engine::backtest::{self, odds::zone_odds, BacktestParams};
use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::pipeline::analyse;
use liqshot::engine::zones::ZoneParams;
use liqshot::output::report::model::Report;
use liqshot::MarketSnapshot;

/// Runs `liqshot report` on `snap` into `out` (small chart) with `extra` flags.
fn report(snap: &Path, out: &Path, extra: &[&str]) -> common::Run {
    let mut args: Vec<String> = [
        "report",
        "--snapshot",
        &snap.display().to_string(),
        "--out-dir",
        &out.display().to_string(),
        "--size",
        "800x450",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    liqshot(&args)
}

fn read_report(out: &Path) -> (Report, String, String) {
    let r: Report = serde_json::from_slice(&std::fs::read(out.join("zones.json")).unwrap()).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    (r, md, html)
}

#[test]
fn the_example_reports_each_zones_odds_from_its_own_backtest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    report(&example_snapshot(), &out, &[]).ok();
    let (r, md, html) = read_report(&out);

    // What the report should say: the backtest of the same snapshot, computed here on its own.
    let snap = MarketSnapshot::load(&example_snapshot()).unwrap();
    let est = EstimateParams { window_secs: 86_400, ..Default::default() };
    let params = BacktestParams::default();
    let bt = backtest::run(&snap, &est, &ZoneParams::default(), &params).unwrap();
    let path = backtest::walk::price_path(&snap);
    let analysis = analyse(&snap, &est, &ZoneParams::default()).unwrap();

    let e = &r.evidence;
    assert!(e.tested, "{e:?}");
    assert_eq!(
        (e.headline.as_str(), e.steps, e.days, e.n),
        (bt.headline.as_str(), bt.steps, bt.overall.days, bt.overall.n)
    );
    assert_eq!(
        (e.touches, e.touch_lift, e.touch_lift_ci90),
        (bt.overall.touches, bt.overall.touch_lift, bt.overall.touch_lift_ci90)
    );
    assert_eq!((e.reaction_lift, e.reaction_lift_ci90), (bt.overall.reaction_lift, bt.overall.reaction_lift_ci90));
    assert_eq!((e.horizon_secs, e.step_secs, e.warmup_secs), (86_400, 4 * 3600, 72 * 3600));
    assert!(e.steps > 20 && e.days >= 6, "ten days of data, three of warm-up: {e:?}");
    assert!(
        md.contains(&e.plain[0]) && html.contains(&liqshot::output::report::templates::escape_html(&e.plain[0])),
        "the evidence in plain words in both"
    );

    assert_eq!(r.zones.len(), analysis.zones.zones.len());
    let mut numbers = 0;
    for (row, zone) in r.zones.iter().zip(&analysis.zones.zones) {
        let odds = zone_odds(&bt, &path, zone, analysis.estimate.last_price);
        assert_eq!(
            (row.touch_probability, row.model_probability),
            (odds.touch_probability, odds.model_probability),
            "{row:?}"
        );
        let t = odds.track_record.as_ref().map(|t| (t.steps, t.touched, t.lift));
        assert_eq!(row.track_record.as_ref().map(|t| (t.steps, t.touched, t.lift)), t, "{row:?}");
        let line = md
            .lines()
            .find(|l| l.starts_with(&format!("| {} | {} |", row.name, row.liquidates)))
            .unwrap_or_else(|| panic!("no row for {row:?}\n{md}"));
        match row.touch_probability {
            Some(p) => {
                numbers += 1;
                assert!((0.0..1.0).contains(&p), "{row:?}");
                let shown = row.touch_display.clone().expect("a printed probability");
                let star = if row.odds_model.as_deref() == Some("lift-adjusted") { "\\*" } else { "" };
                let md_shown = shown.replace('<', "&lt;").replace('>', "&gt;");
                assert!(line.contains(&format!("| {md_shown}{star} |")), "{line}");
                assert!(
                    html.contains(&format!(
                        ">{}{}</td>",
                        liqshot::output::report::templates::escape_html(&shown),
                        star.replace('\\', "")
                    )),
                    "{html}"
                );
            }
            None => {
                assert!(line.contains("| n/a |"), "{line}");
                assert!(row.odds_note.is_some(), "{row:?}");
            }
        }
        if let Some(t) = row.track_record.as_ref().filter(|t| t.steps > 0) {
            assert!(line.contains(&format!("| {}/{} (", t.touched, t.steps)), "{line}");
            assert!(html.contains(&format!("touched {} of {}", t.touched, t.steps)), "{html}");
        }
    }
    assert!(numbers >= 2, "ten days are enough for zones A and B to have a probability: {:?}", r.zones);
    assert!(r.far_zones.iter().all(|z| z.touch_probability.is_none() && z.track_record.is_none()));
}

#[test]
fn horizon_sets_the_probabilities_and_the_backtest() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("24h"), dir.path().join("12h"));
    report(&example_snapshot(), &a, &[]).ok();
    report(&example_snapshot(), &b, &["--horizon", "12h"]).ok();
    let ((day, _, _), (half, md, html)) = (read_report(&a), read_report(&b));
    assert_eq!((day.evidence.horizon_secs, half.evidence.horizon_secs), (86_400, 43_200));
    assert_eq!(half.evidence.horizon, "12 h");
    assert!(md.contains("| Touch within 12 h |") && !md.contains("Touch within 24 h"), "{md}");
    assert!(html.contains(">Touch within 12 h</th>"), "{html}");
    // Half the time to get there: no zone is more likely to be reached (the model is monotone in h).
    for (d, h) in day.zones.iter().zip(&half.zones) {
        if let (Some(pd), Some(ph)) = (d.model_probability, h.model_probability) {
            assert!(ph <= pd + 1e-12, "{d:?} vs {h:?}");
        }
    }
    assert!(half.evidence.steps >= day.evidence.steps, "a shorter horizon scores more steps before the end");
}

#[test]
fn a_snapshot_too_short_to_backtest_still_gets_its_report() {
    let dir = tempfile::tempdir().unwrap();
    // The example's last 48 hours: less than 72 h of warm-up plus a 24 h horizon.
    let mut snap = MarketSnapshot::load(&example_snapshot()).unwrap();
    for v in &mut snap.venues {
        let keep = 48 * 12;
        let cut = v.candles.len().saturating_sub(keep);
        v.candles.drain(..cut);
        let from = v.candles[0].open_time;
        v.open_interest.retain(|p| p.time >= from);
        v.funding.retain(|p| p.time >= from);
    }
    let short = dir.path().join("short.json");
    std::fs::write(&short, snap.to_json()).unwrap();
    let out = dir.path().join("out");
    let run = report(&short, &out, &[]).ok();
    assert!(run.stderr.contains("too little history"), "a warning says so: {}", run.stderr);
    let (r, md, html) = read_report(&out);
    let e = &r.evidence;
    assert!(!e.tested && e.touch_lift.is_none() && e.steps == 0, "{e:?}");
    let needs = "needs 100 h of candles or more: 72 h of warm-up, then steps every 4 h each scored 24 h ahead; the snapshot has 48 h";
    assert_eq!(e.headline, format!("Not tested: too little history (the backtest {needs})."));
    assert!(!r.zones.is_empty());
    for z in &r.zones {
        assert_eq!(
            (z.touch_probability, z.model_probability, z.odds_note.as_deref()),
            (None, None, Some(needs)),
            "{z:?}"
        );
    }
    for text in [&md, &html] {
        assert!(
            text.contains(&format!(
                "too short to test whether zones like these matter more than random levels: the test {needs}."
            )),
            "{text}"
        );
        assert!(!text.contains("Touch within"), "no odds column without odds: {text}");
    }
}

#[test]
fn a_bad_horizon_is_a_usage_error_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for bad in ["0", "0h", "soon", "-1h", ""] {
        let run = report(&example_snapshot(), &out, &[&format!("--horizon={bad}")]);
        let line = run.one_line_error(2);
        assert!(line.contains("--horizon") && line.contains(&format!("{bad:?}")), "{line}");
        assert!(!out.exists(), "nothing written for --horizon {bad:?}");
    }
}

#[test]
fn odds_model_picks_the_distance_only_model_and_a_bad_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reflection");
    report(&example_snapshot(), &out, &["--odds-model", "reflection"]).ok();
    let (r, _, _) = read_report(&out);
    let snap = MarketSnapshot::load(&example_snapshot()).unwrap();
    let est = EstimateParams { window_secs: 86_400, ..Default::default() };
    let params = BacktestParams { odds_model: backtest::OddsModel::Reflection, ..BacktestParams::default() };
    let bt = backtest::run(&snap, &est, &ZoneParams::default(), &params).unwrap();
    let path = backtest::walk::price_path(&snap);
    let analysis = analyse(&snap, &est, &ZoneParams::default()).unwrap();
    for (row, zone) in r.zones.iter().zip(&analysis.zones.zones) {
        let odds = zone_odds(&bt, &path, zone, analysis.estimate.last_price);
        assert_eq!(
            (row.touch_probability, row.model_probability),
            (odds.touch_probability, odds.model_probability),
            "{row:?}"
        );
        assert_eq!(row.odds_model.as_deref(), odds.odds_model.map(|m| m.name()), "{row:?}");
        assert_eq!(row.touch_display, odds.touch_display, "{row:?}");
    }
    // The default (the bundled report) is the empirical model: not the same figures.
    let default: Report =
        serde_json::from_slice(&std::fs::read(common::root().join("examples/report/zones.json")).unwrap()).unwrap();
    assert!(
        default.zones.iter().zip(&r.zones).any(|(d, x)| d.model_probability != x.model_probability),
        "{:?}",
        r.zones
    );

    let bad = dir.path().join("bad");
    let run = report(&example_snapshot(), &bad, &["--odds-model", "lucky"]);
    let line = run.one_line_error(2);
    assert!(line.contains("--odds-model") && line.contains("lucky"), "{line}");
    assert!(!bad.exists());
}
