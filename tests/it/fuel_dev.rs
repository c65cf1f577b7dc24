//! The fuel test on the development set (tests/fixtures/fuel-dev: real Binance perpetual 1 h
//! candles, OKX open interest, Coinglass all-exchange realized totals as 385 hourly periods made
//! by scripts/coinglass-periods): `import` builds the snapshot, `backtest --json` measures, and
//! docs/method.md ("The map as fuel") states the figures exactly as the command prints them.

use crate::common;

use common::{liqshot, root};

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_method_doc_states_the_fuel_dev_figures_as_the_command_prints_them() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("fuel-dev.json");
    let f = |n: &str| root().join("tests/fixtures/fuel-dev").join(n);
    let (k, oi, cg) = (
        f("btcusdt-perp-1h-2025-06-20_08-19.csv"),
        f("btc-usd-swap-okx-oi-1h-2025-06-20_08-19.csv"),
        f("coinglass-1h-periods-2025-07-25_08-19.csv"),
    );
    let run = liqshot([
        "import",
        "--klines",
        s(&k),
        "--oi",
        s(&oi),
        "--liquidations",
        s(&cg),
        "--symbol",
        "BTCUSDT",
        "-o",
        s(&snap),
    ])
    .ok();
    assert!(run.stderr.contains("385 realized periods"), "{}", run.stderr);
    let out = liqshot(["backtest", "--snapshot", s(&snap), "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let fuel = &v["fuel"];
    assert_eq!((fuel["periods"].as_u64(), fuel["period_secs"].as_u64()), (Some(385), Some(3600)));
    let readme = std::fs::read_to_string(root().join("docs/method.md")).unwrap();
    for side in ["long", "short"] {
        let x = &fuel[side];
        let n = |k: &str| x[k].as_f64().unwrap_or_else(|| panic!("{side}.{k}: {x}"));
        let ci = |k: &str, d: usize| format!("({:.d$}-{:.d$})", x[k][0].as_f64().unwrap(), x[k][1].as_f64().unwrap());
        let row = format!(
            "| {side}s | {:.3} {} | {:.3} {} | {:.2} {} | {} |",
            n("gain"),
            ci("gain_ci90", 3),
            n("placebo_gain"),
            ci("placebo_gain_ci90", 3),
            n("scale"),
            ci("scale_ci90", 2),
            x["n"]
        );
        assert!(readme.contains(&row), "docs/method.md (The map as fuel) lacks the row {row}");
        // What docs/method.md calls it: evidence, the gain's interval above the placebo's.
        assert!(x["verdict"].as_str().unwrap().contains("evidence that the map measures fuel"), "{}", x["verdict"]);
    }
}
