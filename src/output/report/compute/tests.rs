use std::path::Path;

use chrono::TimeZone;
use proptest::prelude::*;

use super::*;
use crate::engine::estimate::EstimateParams;
use crate::engine::pipeline::analyse;
use crate::engine::zones::{ZoneName, ZoneParams};
use crate::model::snapshot::{FundingPoint, OiPoint, VenueSeries, FORMAT};

pub(crate) fn image() -> model::Image {
    model::Image {
        png: "heatmap.png".into(),
        svg: "heatmap.svg".into(),
        url: None,
        alt: "heatmap".into(),
        width: 1600,
        height: 900,
        small: None,
    }
}

/// A one-venue snapshot of `closes` (5m candles, ±0.2 % wicks, hourly OI rising 1 %/h).
pub(crate) fn snapshot_of(closes: &[f64]) -> MarketSnapshot {
    let t0 = Utc.with_ymd_and_hms(2025, 11, 1, 0, 0, 0).unwrap();
    let candles: Vec<Candle> = closes
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let o = if i > 0 { closes[i - 1] } else { c };
            Candle {
                open_time: t0 + Duration::minutes(5 * i as i64),
                open: o,
                high: o.max(c) * 1.002,
                low: o.min(c) * 0.998,
                close: c,
                volume: 10.0,
                taker_buy_volume: None,
            }
        })
        .collect();
    let hours = closes.len() as i64 / 12 + 1;
    let open_interest =
        (0..=hours).map(|h| OiPoint { time: t0 + Duration::hours(h), oi_usd: 1e8 * (1.0 + 0.01 * h as f64) }).collect();
    let (margin_tiers, src) = crate::model::tiers::builtin("binance", "BTCUSDT");
    MarketSnapshot {
        format: FORMAT.into(),
        symbol: "BTCUSDT".into(),
        captured_at: t0 + Duration::minutes(5 * closes.len() as i64),
        interval: "5m".into(),
        venues: vec![VenueSeries {
            venue: "binance".into(),
            instrument: "BTCUSDT".into(),
            candles,
            open_interest,
            funding: vec![],
            mark_price: None,
            tick_size: Some(0.1),
            margin_tiers,
            margin_tiers_source: src,
            notes: vec![],
            liquidations: vec![],
            measured_accounts: None,
            measured_positions: vec![],
        }],
        notes: vec!["synthetic".into()],
        realized_periods: None,
        sources: None,
    }
}

/// `n` candles of a gentle sine around 100.
pub(crate) fn tiny_snapshot(n: usize) -> MarketSnapshot {
    let closes: Vec<f64> = (0..n).map(|i| 100.0 + (i as f64 * 0.3).sin()).collect();
    snapshot_of(&closes)
}

pub(crate) fn report_for(snap: &MarketSnapshot, window_secs: i64, previous: Option<PreviousZones>) -> Report {
    let params = EstimateParams { window_secs, ..Default::default() };
    let analysis = analyse(snap, &params, &ZoneParams::default()).expect("analysis");
    let tested = crate::output::report::evidence::backtest_for(snap, &params, 86_400).expect("backtest");
    compute(&ReportInputs {
        snap,
        analysis: &analysis,
        window_secs,
        events: vec!["FOMC 18:00".into()],
        previous,
        image: image(),
        history: tested.history(),
    })
}

pub(crate) fn example() -> MarketSnapshot {
    MarketSnapshot::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/btcusdt-2025-11-01_10.snapshot.json"
    )))
    .expect("example")
}

#[test]
fn example_fills_every_field() {
    let snap = example();
    let r = report_for(&snap, 86_400, None);
    assert_eq!(r.format, REPORT_FORMAT);
    let m = &r.meta;
    assert_eq!(m.price, 106_011.13);
    assert_eq!(m.symbol, "BTCUSDT");
    assert!(m.venues.is_empty(), "imported without --venue: no venue named: {:?}", m.venues);
    assert_eq!(
        (m.price_source.as_str(), m.oi_source.as_str()),
        ("btcusdt-spot-5m-2025-11-01_10.csv (5m candles)", "btc-usd-swap-okx-oi-1h-2025-11-01_10.csv")
    );
    assert!(!r.summary.is_empty() && r.summary.len() <= 3 && m.description == r.summary.join(" "), "{:?}", r.summary);
    assert_eq!(
        (m.captured_at.as_str(), m.captured_at_human.as_str(), m.date.as_str()),
        ("2025-11-11T00:00:00Z", "2025-11-11 00:00 UTC", "2025-11-11")
    );
    assert_eq!((m.window.as_str(), m.interval.as_str()), ("24h", "5m"));
    assert!(m.change_24h_pct.is_some_and(|c| c.is_finite() && c.abs() < 20.0), "{m:?}");
    assert!(m.generator.starts_with("liqshot ") && m.notice == NOTICE && m.notes.len() == 2);
    assert!(r.zones.iter().any(|z| z.name == ZoneName::A && z.side == "above"));
    assert!(r.zones.iter().any(|z| z.name == ZoneName::B && z.side == "below"));
    for z in &r.zones {
        let outside = if z.side == "above" { z.low >= m.price } else { z.high <= m.price };
        assert!(z.low < z.high && z.usd > 0.0 && outside, "{z:?}");
    }
    let p = &r.positioning;
    assert!(p.oi_change_24h_pct.is_some_and(f64::is_finite) && p.oi_change_window_pct.is_none(), "{p:?}");
    assert!(["rising", "flat", "falling"].contains(&p.oi_trend.as_str()));
    assert!(
        p.funding_rate_8h.is_some()
            && p.funding_bias == "neutral"
            && p.funding_periods == "btc-usd-swap-okx-oi-1h-2025-11-01_10.csv, period not stated (read as 8 h)",
        "{p:?}"
    );
    assert!(p.oi_change_4h_pct.is_some() && p.oi_change_7d_pct.is_some() && p.funding_percentile.is_some(), "{p:?}");
    assert!(p.liq_above_usd > 0.0 && p.liq_below_usd > 0.0 && p.asymmetry_ratio.is_some());
    assert!(p.volume_change_pct.is_some() && p.volume_trend != "unknown", "{p:?}");
    let s = &r.structure;
    assert!(s.ema.is_some() && s.rsi14.is_some_and(|x| (0.0..=100.0).contains(&x)), "{s:?}");
    assert!(["uptrend", "downtrend", "range"].contains(&s.trend.as_str()));
    assert!(s.support.is_some_and(|x| x < m.price) && s.resistance.is_some_and(|x| x > m.price), "{s:?}");
    assert_eq!((s.cvd, s.cvd_label.clone()), (None, None), "no taker volume in the example");
    assert_eq!(r.plans.len(), r.zones.len());
    for (z, pl) in r.zones.iter().zip(&r.plans) {
        assert_eq!(z.name, pl.zone);
        match pl.direction.as_str() {
            "none" => assert_eq!(
                (pl.stop, pl.take_profit, pl.entry),
                (None, None, None),
                "an ignore zone plans nothing: {pl:?}"
            ),
            "long" => assert!(
                pl.stop.unwrap() < pl.entry.unwrap() && pl.take_profit.is_none_or(|t| t > pl.entry.unwrap()),
                "{pl:?}"
            ),
            _ => assert!(
                pl.stop.unwrap() > pl.entry.unwrap() && pl.take_profit.is_none_or(|t| t < pl.entry.unwrap()),
                "{pl:?}"
            ),
        }
        if let Some(t) = pl.take_profit {
            assert!((t / m.price - 1.0).abs() > 0.0005, "no target within 0.05 % of price: {pl:?}");
        }
    }
    let c = &r.context;
    assert_eq!(c.days, 10);
    assert!(c.daily_trend.is_some() && c.prior_week_high.is_some(), "{c:?}");
    assert!(
        r.scenarios.bullish.starts_with("A break above") && r.scenarios.bearish.starts_with("A break below"),
        "{:?}",
        r.scenarios
    );
    assert_eq!(r.events, vec!["FOMC 18:00".to_string()]);
    assert_eq!(r.triggers.len(), 4);
    assert!(r.triggers.iter().all(|t| t.fired.is_none()));
    assert_eq!(r.image, image());
}

#[test]
fn previous_round_trip_and_triggers() {
    let snap = example();
    let r = report_for(&snap, 86_400, None);
    let bytes = serde_json::to_vec_pretty(&r).expect("json");
    let prev = previous_from_json(&bytes).expect("previous");
    assert_eq!(prev.price, r.meta.price);
    // serde_json's float parsing may differ from the written value in the last bit.
    assert_eq!(prev.zones.len(), r.zones.len());
    for (a, b) in prev.zones.iter().zip(&r.zones) {
        assert_eq!((&a.name, &a.side), (&b.name, &b.side));
        assert!((a.low / b.low - 1.0).abs() < 1e-12 && (a.high / b.high - 1.0).abs() < 1e-12, "{a:?} {b:?}");
    }
    assert_eq!(prev.captured_at, snap.captured_at);
    assert_eq!(
        (prev.funding_rate_8h, prev.funding_extreme),
        (r.positioning.funding_rate_8h, r.positioning.funding_extreme)
    );
    let again = report_for(&snap, 86_400, Some(prev.clone()));
    assert!(again.triggers.iter().all(|t| t.fired.is_some()), "{:?}", again.triggers);
    let by = |n: &str| again.triggers.iter().find(|t| t.name == n).cloned().expect(n);
    assert_eq!(by("range breakout").fired, Some(false), "same data, same range");
    assert_eq!(by("funding extreme").fired, Some(false), "was already what it is");
    // An earlier "previous" with other funding and a range far below: breakout fires.
    let mut old = prev;
    old.funding_extreme = !r.positioning.funding_extreme;
    old.zones.iter_mut().for_each(|z| {
        z.low *= 0.8;
        z.high *= 0.8;
    });
    old.captured_at = snap.captured_at - Duration::days(2);
    let moved = report_for(&snap, 86_400, Some(old));
    let by = |n: &str| moved.triggers.iter().find(|t| t.name == n).cloned().expect(n);
    assert_eq!(by("range breakout").fired, Some(true));
    assert_eq!(by("funding extreme").fired, Some(r.positioning.funding_extreme));
    assert!(by("open interest shock").detail.contains("since the previous report"), "{:?}", by("open interest shock"));
    assert_eq!(by("zone tagged").fired, Some(true));

    let bad = String::from_utf8(bytes).expect("utf8").replace(REPORT_FORMAT, "liqshot-report/9");
    let err = previous_from_json(bad.as_bytes()).unwrap_err();
    assert!(err.contains("unknown format \"liqshot-report/9\"") && err.contains(REPORT_FORMAT), "{err}");
    assert!(previous_from_json(b"{}").unwrap_err().contains("no \"format\""));
    assert!(previous_from_json(b"not json").is_err());
}

#[test]
fn short_series_do_not_panic() {
    let r = report_for(&tiny_snapshot(3), 86_400, None);
    assert_eq!(r.meta.change_24h_pct, None);
    assert_eq!((r.structure.ema, r.structure.rsi14), (None, None));
    assert_eq!(r.structure.trend, "range");
    assert_eq!(r.positioning.volume_trend, "unknown");
    assert_eq!(r.positioning.funding_bias, "unknown");
    assert_eq!(r.plans.len(), r.zones.len());
    let r1 = report_for(&tiny_snapshot(1), 3600, None);
    assert_eq!(r1.meta.window, "1h");
}

#[test]
fn window_labels_and_24h_change() {
    assert_eq!(window_label(86_400), "24h");
    assert_eq!(window_label(4 * 3600), "4h");
    assert_eq!(window_label(2 * 86_400), "2d");
    assert_eq!(window_label(3 * 86_400), "3d");
    assert_eq!(window_label(36 * 3600), "36h");
    assert_eq!(window_label(7 * 86_400), "7d");
    assert_eq!(window_label(5400), "90m");
    // 289 candles: the last opens exactly 24 h after the first.
    let closes: Vec<f64> = (0..289).map(|i| 100.0 + i as f64 / 288.0 * 10.0).collect();
    let s = snapshot_of(&closes);
    let c = change_24h_pct(&s.venues[0].candles).unwrap();
    assert!((c - 10.0).abs() < 1e-9, "{c}");
    assert_eq!(change_24h_pct(&s.venues[0].candles[1..]), None);
    assert_eq!(change_24h_pct(&[]), None);
}

#[test]
fn funding_in_the_report() {
    let mut s = tiny_snapshot(40);
    s.venues[0].funding =
        (0..3).map(|k| FundingPoint { time: s.captured_at - Duration::hours(8 * (3 - k)), rate: 0.0007 }).collect();
    let r = report_for(&s, 86_400, None);
    assert!(r.positioning.funding_extreme && r.positioning.funding_rate_8h == Some(0.0007));
    assert_eq!(r.positioning.funding_bias, "longs paying up");
    assert_eq!(r.positioning.funding_periods, "Binance every 8h");
    // Hyperliquid funds hourly: its rate is shown per 8 h, its own period said once.
    s.venues[0].venue = "hyperliquid".into();
    s.venues[0].funding.iter_mut().for_each(|f| f.rate = 0.00001);
    let r = report_for(&s, 86_400, None);
    assert!((r.positioning.funding_rate_8h.unwrap() - 0.00008).abs() < 1e-15, "{:?}", r.positioning);
    assert_eq!(r.positioning.funding_periods, "Hyperliquid every 1h");
    assert_eq!(r.positioning.funding_bias, "neutral", "0.008 %/8h is within the neutral band around 0.01 %");
}

#[test]
fn open_interest_change_is_given_once_for_a_24h_window() {
    let snap = example();
    let r = report_for(&snap, 86_400, None);
    assert!(r.positioning.oi_change_24h_pct.is_some());
    assert_eq!(r.positioning.oi_change_window_pct, None, "a second 24 h figure");
    let r = report_for(&snap, 2 * 86_400, None);
    assert!(r.positioning.oi_change_window_pct.is_some(), "a 48h window has its own figure");
}

#[test]
fn zone_shares_have_one_basis() {
    let snap = example();
    let r = report_for(&snap, 86_400, None);
    let p = &r.positioning;
    for side in ["above", "below"] {
        let sum: f64 = r.zones.iter().filter(|z| z.side == side).filter_map(|z| z.share_in_band).sum();
        assert!(sum > 0.0 && sum <= 1.0 + 1e-9, "{side}: {sum}");
    }
    for (z, pl) in r.zones.iter().zip(&r.plans) {
        let band_total = if z.side == "above" { p.liq_above_usd } else { p.liq_below_usd };
        match z.share_in_band {
            Some(sh) => {
                // Inside the band the zone's part is all of it (up to the bin edges).
                if z.edge_distance_pct.abs() < p.asymmetry_band_pct && (z.distance_pct.abs() < p.asymmetry_band_pct) {
                    assert!((sh * band_total / z.usd - 1.0).abs() < 0.05, "{z:?} {sh} {band_total}");
                }
                let text = crate::output::report::filters::share(sh, 1);
                assert!(
                    pl.reasons[0].contains(&format!(": {text} of the")),
                    "the plan quotes the table's share {text}: {:?}",
                    pl.reasons
                );
            }
            None => assert!(z.edge_distance_pct.abs() >= p.asymmetry_band_pct, "{z:?}"),
        }
    }
    // The example's zones all reach into ±5 %; its farther clusters beyond ±5 % have no share.
    for z in r.far_zones.iter().filter(|z| z.share_in_band.is_none()) {
        assert!(z.edge_distance_pct.abs() >= p.asymmetry_band_pct, "{z:?}");
    }
    assert!(r.far_zones.iter().any(|z| z.share_in_band.is_none()), "far clusters lie beyond ±5%");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    /// Any short random walk yields a full report without panicking.
    #[test]
    fn compute_never_panics_on_short_series(steps in proptest::collection::vec(-0.02f64..0.02, 1..40)) {
        let mut closes = vec![100.0];
        for s in steps {
            let last = closes[closes.len() - 1];
            closes.push(last * (1.0 + s));
        }
        let r = report_for(&snapshot_of(&closes), 86_400, None);
        prop_assert_eq!(r.plans.len(), r.zones.len());
        prop_assert_eq!(r.triggers.len(), 4);
    }
}
