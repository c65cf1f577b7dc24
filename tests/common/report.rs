//! A hand-built sample [`Report`] for the template tests: every section filled, hostile text
//! (`<script>`, `&`) in the symbol and an event, one trigger of each state.
#![allow(dead_code)]

use liqshot::report::model::*;

/// The sample report (BTC-like numbers, 1600x900 image).
pub fn sample_report() -> Report {
    Report {
        format: REPORT_FORMAT.into(),
        meta: Meta {
            symbol: "BTCUSDT<b>&".into(),
            venues: vec!["binance".into(), "bybit".into(), "okx".into()],
            captured_at: "2025-11-11T00:00:00Z".into(),
            captured_at_human: "2025-11-11 00:00 UTC".into(),
            date: "2025-11-11".into(),
            window: "24h".into(),
            interval: "5m".into(),
            price: 104_523.4,
            change_24h_pct: Some(-1.234),
            notice: "Estimated levels from a model, not actual positions. Not advice.".into(),
            generator: "liqshot 0.1.0".into(),
            notes: vec!["okx: open interest sampled hourly".into()],
        },
        zones: vec![
            with_odds(zone("A", "above", 105_100.0, 105_600.0, 105_350.0, 1.2e9, 0.0055, 0.0352), 0.3804, 0.409, 0.93, Some((21, 9, 10.44))),
            ZoneRow {
                model_probability: Some(0.2),
                odds_note: Some("needs earlier zones B to calibrate the model; none in the 7 days tested".into()),
                ..zone("B", "below", 102_900.0, 103_400.0, 103_150.0, 3.6e6, -0.0131, 0.021)
            },
            with_odds(zone("C above", "above", 108_000.0, 108_900.0, 108_400.0, 950.0, 0.0371, 0.012), 0.0042, 0.0051, 0.82, None),
        ],
        far_zones: vec![
            zone("far", "above", 112_000.0, 112_600.0, 112_300.0, 8.5e6, 0.0731, 0.011),
            zone("far", "below", 93_000.0, 94_000.0, 93_700.0, 8.4e6, -0.1130, 0.010),
        ],
        positioning: Positioning {
            oi_change_24h_pct: Some(3.456),
            oi_change_window_pct: Some(2.5),
            oi_trend: "rising".into(),
            oi_flat_band_pct: 1.0,
            funding_rate_8h: Some(0.0001),
            funding_periods: "binance every 8 h, bybit every 8 h, okx every 8 h".into(),
            funding_bias: "longs pay shorts (long crowding)".into(),
            funding_extreme: false,
            funding_extreme_threshold: 0.0005,
            liq_above_usd: 1_234_567_890.0,
            liq_below_usd: 880_000_000.0,
            asymmetry_band_pct: 3.0,
            asymmetry_ratio: Some(1.4),
            asymmetry_label: "more short liquidations above (1.4x)".into(),
            chart_above_usd: 2_500_000_000.0,
            chart_below_usd: 1_900_000_000.0,
            chart_band_pct: 25.0,
            volume_change_pct: None,
            volume_trend: "unknown".into(),
        },
        structure: Structure {
            source: "1h and 4h candles resampled from binance 5m candles (UTC buckets; the still-forming last 1h candle left out)".into(),
            trend_interval: "4h".into(),
            ema_period: 21,
            ema: Some(103_988.12),
            trend: "uptrend".into(),
            swing_pattern: "higher highs and higher lows".into(),
            levels_interval: "1h".into(),
            support: Some(103_210.0),
            resistance: Some(105_020.0),
            major_support: Some(101_500.0),
            major_resistance: Some(107_900.0),
            sweep: Some("swept the prior high 105,020 and closed back below".into()),
            rsi14: Some(61.27),
            rsi_label: "neutral".into(),
            cvd: Some(1234567.8),
            cvd_label: Some("buyers in control".into()),
        },
        plans: vec![
            ZonePlan {
                zone: "A".into(),
                side: "above".into(),
                alert_level: 105_100.0,
                entry_condition: "a 5m close back below 105,100 after tagging the zone".into(),
                invalidation: Some(105_900.0),
                take_profit: Some(104_000.0),
                stop: Some(105_950.0),
                reaction: "tap and reject".into(),
                reasons: vec!["funding positive: longs crowded".into(), "RSI not overbought".into()],
            },
            ZonePlan {
                zone: "B".into(),
                side: "below".into(),
                alert_level: 103_400.0,
                entry_condition: "a 5m close back above 103,400".into(),
                invalidation: Some(102_700.0),
                take_profit: Some(104_500.0),
                stop: Some(102_650.0),
                reaction: "tap and continue".into(),
                reasons: vec![],
            },
            ZonePlan {
                zone: "C above".into(),
                side: "above".into(),
                alert_level: 108_000.0,
                entry_condition: "none planned: watch only".into(),
                invalidation: None,
                take_profit: None,
                stop: None,
                reaction: "ignore".into(),
                reasons: vec!["too far".into()],
            },
        ],
        evidence: Evidence {
            tested: true,
            headline: "On this history (84 zones, 7 days) zones A and B were touched 22 times against 27.1 expected at the same distances (lift 0.81, 90 % interval 0.56-1.03): no measurable edge over distance alone.".into(),
            horizon_secs: 86_400,
            horizon: "24 h".into(),
            step_secs: 4 * 3600,
            warmup_secs: 72 * 3600,
            steps: 42,
            days: 7,
            n: 84,
            touches: 22,
            placebo_expected_touches: 27.1,
            touch_lift: Some(0.812),
            touch_lift_ci90: Some([0.561, 1.034]),
            reaction_lift: Some(0.61),
            reaction_lift_ci90: Some([0.3, 1.12]),
            reaction_verdict: Some("Reaction lift 0.61 (90 % interval 0.30-1.12; 27 % of touches rejected against 44 % at the same distances): no measurable edge over distance alone.".into()),
            fuel_verdict: vec![],
        },
        scenarios: Scenarios {
            bullish: "Hold 103,400 and squeeze shorts into zone A at 105,100–105,600.".into(),
            bearish: "Lose 103,210 and flush longs into zone B at 102,900–103,400.".into(),
        },
        events: vec!["FOMC minutes 19:00 UTC <script>alert(1)</script> & more".into(), "CPI Thursday".into()],
        triggers: vec![
            trigger("range breakout", Some(true), "price left 103,210–105,020"),
            trigger("open interest shock", Some(false), "OI +3.5% (threshold ±5%)"),
            trigger("funding extreme", None, "no previous report"),
        ],
        image: Image {
            png: "heatmap.png".into(),
            svg: "heatmap.svg".into(),
            url: None,
            alt: "Estimated liquidation heatmap of BTCUSDT, 24h".into(),
            width: 1600,
            height: 900,
            small: None,
        },
        realized: Default::default(),
        measured: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn zone(name: &str, side: &str, low: f64, high: f64, peak: f64, usd: f64, dist: f64, share: f64) -> ZoneRow {
    ZoneRow {
        name: name.into(),
        side: side.into(),
        liquidates: if side == "above" { "shorts" } else { "longs" }.into(),
        low,
        high,
        peak,
        usd,
        distance_pct: dist * 100.0,
        edge_distance_pct: dist * 80.0,
        share_in_band: Some(share),
        touch_probability: None,
        model_probability: None,
        calibration_lift: None,
        track_record: None,
        odds_note: None,
        fuel: String::new(),
        calibrated_usd: None,
    }
}

/// `row` with a touch probability, the model's and its lift, and a track record (steps,
/// touched, placebo).
fn with_odds(row: ZoneRow, p: f64, model: f64, lift: f64, record: Option<(usize, usize, f64)>) -> ZoneRow {
    let track_record = record.map(|(steps, touched, placebo)| {
        let l = touched as f64 / placebo;
        TrackRecord { steps, touched, placebo_expected: placebo, lift: Some(l), lift_ci90: Some([l * 0.6, l * 1.4]), days: 5 }
    });
    ZoneRow { touch_probability: Some(p), model_probability: Some(model), calibration_lift: Some(lift), track_record, ..row }
}

fn trigger(name: &str, fired: Option<bool>, detail: &str) -> Trigger {
    Trigger { name: name.into(), description: format!("when the {name} condition holds"), fired, detail: detail.into() }
}
