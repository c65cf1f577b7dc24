//! A hand-built sample [`Report`] for the template tests: every section filled, hostile text
//! (`<script>`, `&`) in the symbol and an event, one trigger of each state.
#![allow(dead_code)]

use liqshot::output::report::model::*;

/// The sample report (BTC-like numbers, 1600x900 image).
pub fn sample_report() -> Report {
    Report {
        format: REPORT_FORMAT.into(),
        summary: vec![
            "Nearest fuel: above, zone A 105,100–105,600 ($1.2B of shorts, +0.55%); below, zone B 102,900–103,400 ($3.6M of longs, -1.31%).".into(),
            "Positioning leans up: more estimated short liquidations above (1.4x), funding neutral.".into(),
            "A move below 102,900 (zone B's far edge) would invalidate it.".into(),
        ],
        context: Context {
            source: "UTC days resampled from 5m candles (10 complete days)".into(),
            days: 10,
            daily_trend: Some("up".into()),
            daily_detail: Some("last daily close 104,523 is +2.10% against 5 days before and above the 10-day mean 103,900".into()),
            weekly_direction: Some("flat".into()),
            weekly_change_pct: Some(0.4),
            prior_day_high: Some(105_020.0),
            prior_day_low: Some(103_100.0),
            prior_week_high: Some(106_000.0),
            prior_week_low: Some(99_000.0),
            realized_24h_long_usd: Some(12.5e6),
            realized_24h_short_usd: Some(3.1e6),
            realized_source: Some("OKX <i>".into()),
            notes: vec![],
        },
        meta: Meta {
            symbol: "BTCUSDT<b>&".into(),
            venues: vec!["binance".into(), "bybit".into(), "okx".into()],
            price_source: "Binance BTCUSDT<b>& 5m candles".into(),
            oi_source: "Binance, Bybit, OKX".into(),
            description: "Nearest fuel: above, zone A 105,100–105,600.".into(),
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
            oi_change_4h_pct: Some(0.5),
            oi_change_7d_pct: Some(8.25),
            oi_change_window_pct: Some(2.5),
            oi_trend: OiTrend::Rising,
            oi_flat_band_pct: 1.0,
            funding_rate_8h: Some(0.0001),
            funding_periods: "Binance every 8h, Bybit every 8h, OKX every 8h".into(),
            funding_bias: FundingBias::Neutral,
            funding_reading: "Funding 0.0100% per 8 h is near the usual 0.0100%: neither side is paying up.".into(),
            funding_extreme: false,
            funding_extreme_threshold: 0.0005,
            funding_base_8h: 0.0001,
            funding_neutral_band: 0.0001,
            funding_percentile: Some(64.0),
            funding_annualised_pct: Some(10.95),
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
            trend: Trend::Uptrend,
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
                zone: liqshot::engine::zones::ZoneName::A,
                side: Where::Above,
                reaction: PlanReaction::TapAndReject,
                direction: Direction::Short,
                alert: 105_100.0,
                entry: Some(105_100.0),
                entry_condition: "short on a 5m close back below 105,100 after tagging the zone".into(),
                stop: Some(105_758.4),
                take_profit: Some(103_210.0),
                target_note: "1h swing support".into(),
                reasons: vec!["Zone A holds $1.2B.".into(), "funding positive: longs crowded".into(), "RSI not overbought".into()],
            },
            ZonePlan {
                zone: liqshot::engine::zones::ZoneName::B,
                side: Where::Below,
                reaction: PlanReaction::TapAndContinue,
                direction: Direction::Short,
                alert: 103_400.0,
                entry: Some(102_900.0),
                entry_condition: "short on acceptance: a 5m close below 102,900, the far edge".into(),
                stop: Some(103_150.0),
                take_profit: None,
                target_note: "no target: no structure level or cluster below the entry at least 1× the risk away".into(),
                reasons: vec!["Zone B holds $3.6M.".into()],
            },
            ZonePlan {
                zone: liqshot::engine::zones::ZoneName::CAbove,
                side: Where::Above,
                reaction: PlanReaction::Ignore,
                direction: Direction::None,
                alert: 108_000.0,
                entry: None,
                entry_condition: "watch only".into(),
                stop: None,
                take_profit: None,
                target_note: "watch only".into(),
                reasons: vec!["Zone C above holds $950.".into(), "too far".into()],
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
            plain: vec![
                "Over the last 7 days, price reached zones like these about as often as random levels at the same distance (22 touches against 27 expected).".into(),
                "After a touch, price turned back 27 % of the time against 44 % at random levels: zones were faded about as often as any level on this history.".into(),
            ],
            reaction_plain: Some("After a touch, price turned back 27 % of the time against 44 % at random levels: zones were faded about as often as any level on this history.".into()),
            fade_short: Some("This history shows no edge for fading zones (see above).".into()),
            odds_model_name: "empirical distribution of trailing maxima".into(),
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
        name: name.parse().unwrap(),
        side: if side == "above" { Where::Above } else { Where::Below },
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
        odds_model: None,
        touch_display: None,
    }
}

/// `row` with a touch probability, the model's and its lift, and a track record (steps,
/// touched, placebo).
fn with_odds(row: ZoneRow, p: f64, model: f64, lift: f64, record: Option<(usize, usize, f64)>) -> ZoneRow {
    let track_record = record.map(|(steps, touched, placebo)| {
        let l = touched as f64 / placebo;
        TrackRecord {
            steps,
            touched,
            placebo_expected: placebo,
            lift: Some(l),
            lift_ci90: Some([l * 0.6, l * 1.4]),
            days: 5,
        }
    });
    let touch_display = liqshot::engine::backtest::odds::clamp(p, 42).map(|(_, shown)| shown);
    ZoneRow {
        touch_probability: Some(p),
        model_probability: Some(model),
        calibration_lift: Some(lift),
        track_record,
        odds_model: Some("lift-adjusted".into()),
        touch_display,
        ..row
    }
}

fn trigger(name: &str, fired: Option<bool>, detail: &str) -> Trigger {
    Trigger { name: name.into(), description: format!("when the {name} condition holds"), fired, detail: detail.into() }
}
