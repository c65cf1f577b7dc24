//! `liqshot levels`: the live profile as data (CSV and JSON), run as the real binary on the
//! bundled example: rows sum to the totals the chart and zones use, band edges are contiguous,
//! CSV and JSON agree, rows are the bars the chart's profile draws, output is atomic.

use crate::common;

use common::{example_snapshot, liqshot};
use liqshot::engine::estimate::EstimateParams;
use liqshot::output::render::chart;
use liqshot::output::render::{render_scene, RenderSettings};

fn snap_arg() -> String {
    example_snapshot().display().to_string()
}

fn csv_rows(csv: &str) -> Vec<[f64; 4]> {
    let mut lines = csv.lines();
    // The four columns of the whole come first; the columns per leverage tier and per venue
    // follow (tests/it/levels_breakdown.rs).
    assert!(lines.next().is_some_and(|h| h.starts_with("price_low,price_high,long_usd,short_usd,")));
    lines
        .map(|l| {
            let v: Vec<f64> =
                l.split(',').map(|c| c.parse().unwrap_or_else(|_| panic!("not a number in {l:?}"))).collect();
            [v[0], v[1], v[2], v[3]]
        })
        .collect()
}

#[test]
fn csv_rows_are_contiguous_bands_within_25_pct_summing_to_the_zone_totals() {
    let csv = liqshot(["levels", "--snapshot", &snap_arg()]).ok().stdout;
    let rows = csv_rows(&csv);
    let zones: serde_json::Value =
        serde_json::from_str(&liqshot(["zones", "--snapshot", &snap_arg(), "--json"]).ok().stdout).unwrap();
    let price = zones["price"].as_f64().unwrap();
    // One row per 0.1 % band from 0.75 x price to 1.25 x price.
    assert_eq!(rows.len(), 288 + 224);
    assert!(
        (rows[0][0] / price - 0.75).abs() < 1e-6 && (rows.last().unwrap()[1] / price - 1.25).abs() < 1e-6,
        "{:?}",
        (rows[0], rows.last())
    );
    for w in rows.windows(2) {
        assert_eq!(w[0][1], w[1][0], "contiguous: {w:?}");
        assert!(w[0][0] < w[0][1]);
    }
    for r in &rows[1..rows.len() - 1] {
        assert!(((r[1] / r[0]).ln() / 1.001f64.ln() - 1.0).abs() < 1e-3, "0.1 % wide: {r:?}");
    }
    let shorts_above: f64 = rows.iter().filter(|r| r[0] >= price).map(|r| r[3]).sum();
    let longs_below: f64 = rows.iter().filter(|r| r[1] <= price).map(|r| r[2]).sum();
    // Rows are rounded to the cent: 512 rows differ by at most $2.56 from the exact totals.
    assert!(
        (shorts_above - zones["above_usd"].as_f64().unwrap()).abs() < 3.0,
        "{shorts_above} vs {}",
        zones["above_usd"]
    );
    assert!(
        (longs_below - zones["below_usd"].as_f64().unwrap()).abs() < 3.0,
        "{longs_below} vs {}",
        zones["below_usd"]
    );
}

#[test]
fn csv_and_json_agree_and_json_says_what_it_is() {
    let csv = csv_rows(&liqshot(["levels", "--snapshot", &snap_arg(), "--csv"]).ok().stdout);
    let json: serde_json::Value =
        serde_json::from_str(&liqshot(["levels", "--snapshot", &snap_arg(), "--json"]).ok().stdout).unwrap();
    assert_eq!(json["format"], "liqshot-levels/1");
    assert_eq!(json["estimated"], true);
    assert_eq!(json["symbol"], "BTCUSDT");
    let bands = json["bands"].as_array().unwrap();
    assert_eq!(bands.len(), csv.len());
    for (b, r) in bands.iter().zip(&csv) {
        let j = ["price_low", "price_high", "long_usd", "short_usd"].map(|k| b[k].as_f64().unwrap());
        assert_eq!(&j, r);
    }
    let above: f64 = csv.iter().filter(|r| r[0] >= json["price"].as_f64().unwrap()).map(|r| r[3]).sum();
    assert!((above - json["shorts_above_usd"].as_f64().unwrap()).abs() < 3.0);
}

#[test]
fn rows_are_the_bars_the_chart_draws() {
    let rows = csv_rows(&liqshot(["levels", "--snapshot", &snap_arg()]).ok().stdout);
    let snap = liqshot::MarketSnapshot::load(&example_snapshot()).unwrap();
    let (a, _) = render_scene(&snap, &RenderSettings::new(EstimateParams::default(), 86_400, 1600, 900)).unwrap();
    let drawn = chart::profile_bands(&a, a.estimate.grid.price_lo, a.estimate.grid.price_hi);
    assert!(drawn.len() > 50, "{}", drawn.len());
    let cents = |x: f64| (x * 100.0).round() / 100.0;
    for b in &drawn {
        let r =
            rows.iter().find(|r| (r[0] / b.price_low - 1.0).abs() < 1e-7).unwrap_or_else(|| panic!("no row for {b:?}"));
        assert!((r[1] / b.price_high - 1.0).abs() < 1e-7, "{r:?} {b:?}");
        assert_eq!((r[2], r[3]), (cents(b.long_usd), cents(b.short_usd)), "{b:?}");
    }
}

#[test]
fn output_file_is_written_atomically_and_a_failed_run_keeps_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("levels.csv");
    let stdout = liqshot(["levels", "--snapshot", &snap_arg()]).ok().stdout;
    let run = liqshot(["levels", "--snapshot", &snap_arg(), "-o", out.to_str().unwrap()]).ok();
    assert!(run.stdout.is_empty(), "nothing on stdout with -o: {:?}", run.stdout);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), stdout);
    // Bad input: one line naming it, exit 2, the good file untouched, no temp file left.
    let err = liqshot(["levels", "--snapshot", &snap_arg(), "--leverage", "7", "-o", out.to_str().unwrap()]);
    let line = err.one_line_error(2);
    assert!(line.contains("--leverage") || line.contains("7"), "{line}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), stdout);
    assert_eq!(common::dir_names(dir.path()), vec!["levels.csv".to_string()]);
    // A missing snapshot is a one-line error naming it (exit 1, as for zones) and writes nothing.
    let missing = dir.path().join("nope.json");
    let other = dir.path().join("other.csv");
    let run = liqshot(["levels", "--snapshot", missing.to_str().unwrap(), "-o", other.to_str().unwrap()]);
    assert!(run.one_line_error(1).contains("nope.json"));
    assert!(!other.exists());
    // --csv and --json together are a usage error.
    let run = liqshot(["levels", "--snapshot", &snap_arg(), "--csv", "--json"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("liqshot: error: the argument '--csv' cannot be used with '--json'"),
        "{run:?}"
    );
}

#[test]
fn estimate_options_change_the_rows_like_they_change_the_zones() {
    let all = csv_rows(&liqshot(["levels", "--snapshot", &snap_arg()]).ok().stdout);
    let high = csv_rows(&liqshot(["levels", "--snapshot", &snap_arg(), "--leverage", "50,100"]).ok().stdout);
    let zones: serde_json::Value = serde_json::from_str(
        &liqshot(["zones", "--snapshot", &snap_arg(), "--json", "--leverage", "50,100"]).ok().stdout,
    )
    .unwrap();
    let total = |rows: &[[f64; 4]]| rows.iter().map(|r| r[2] + r[3]).sum::<f64>();
    assert!(total(&high) < 0.5 * total(&all), "{} vs {}", total(&high), total(&all));
    let price = zones["price"].as_f64().unwrap();
    let above: f64 = high.iter().filter(|r| r[0] >= price).map(|r| r[3]).sum();
    assert!((above - zones["above_usd"].as_f64().unwrap()).abs() < 3.0);
}

#[test]
fn the_config_file_applies_to_levels_as_to_zones() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("liqshot.toml");
    std::fs::write(&cfg, "[leverage]\nmix = { 100 = 1 }\n").unwrap();
    let from_file = liqshot(["--config", cfg.to_str().unwrap(), "levels", "--snapshot", &snap_arg()]).ok().stdout;
    let from_flag = liqshot(["levels", "--snapshot", &snap_arg(), "--leverage-mix", "100:1"]).ok().stdout;
    let default = liqshot(["levels", "--snapshot", &snap_arg()]).ok().stdout;
    assert_eq!(from_file, from_flag);
    assert_ne!(from_file, default);
}
