use super::*;

pub(crate) fn zone(name: &str, side: &str, low: f64, high: f64, usd: f64, share: f64, price: f64) -> ZoneRow {
    let up = side == "above";
    let peak = (low + high) / 2.0;
    ZoneRow {
        name: name.into(),
        side: side.into(),
        liquidates: if up { "shorts" } else { "longs" }.into(),
        low,
        high,
        peak,
        usd,
        distance_pct: (peak / price - 1.0) * 100.0,
        edge_distance_pct: ((if up { low } else { high }) / price - 1.0) * 100.0,
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

pub(crate) fn structure(trend: &str, rsi: Option<f64>) -> Structure {
    Structure {
        source: "1h and 4h candles resampled from binance 5m candles (UTC buckets)".into(),
        trend_interval: "4h".into(),
        ema_period: 21,
        ema: Some(100.0),
        trend: trend.into(),
        swing_pattern: "higher highs and higher lows".into(),
        levels_interval: "1h".into(),
        support: Some(98.0),
        resistance: Some(103.0),
        major_support: None,
        major_resistance: None,
        sweep: None,
        rsi14: rsi,
        rsi_label: crate::output::report::indicators::rsi_label(rsi),
        cvd: None,
        cvd_label: None,
    }
}

pub(crate) fn positioning(oi_trend: &str, bias: &str, extreme: bool) -> Positioning {
    Positioning {
        oi_change_24h_pct: Some(2.0),
        oi_change_4h_pct: None,
        oi_change_7d_pct: None,
        oi_change_window_pct: Some(2.0),
        oi_trend: oi_trend.into(),
        oi_flat_band_pct: 1.0,
        funding_rate_8h: Some(0.0001),
        funding_periods: "Binance every 8h".into(),
        funding_bias: bias.into(),
        funding_reading: format!("Funding reads {bias}."),
        funding_extreme: extreme,
        funding_extreme_threshold: 0.0005,
        funding_base_8h: 0.0001,
        funding_neutral_band: 0.0001,
        funding_percentile: None,
        funding_annualised_pct: None,
        liq_above_usd: 10e6,
        liq_below_usd: 8e6,
        asymmetry_band_pct: 5.0,
        asymmetry_ratio: Some(1.0),
        asymmetry_label: "balanced (1.0x)".into(),
        chart_above_usd: 40e6,
        chart_below_usd: 30e6,
        chart_band_pct: 25.0,
        volume_change_pct: None,
        volume_trend: "unknown".into(),
    }
}

fn zones() -> Vec<ZoneRow> {
    vec![
        zone("A", "above", 101.0, 101.5, 3e6, 0.3, 100.0),
        zone("B", "below", 98.5, 99.2, 2e6, 0.25, 100.0),
        zone("C above", "above", 104.0, 105.0, 5e6, 0.4, 100.0),
        zone("C below", "below", 90.0, 91.0, 1e5, 0.03, 100.0),
    ]
}

fn tested() -> Evidence {
    Evidence {
        tested: true,
        fade_short: Some("This history shows no edge for fading zones (see above).".into()),
        ..Evidence::default()
    }
}

struct Fixture {
    zones: Vec<ZoneRow>,
    structure: Structure,
    positioning: Positioning,
    context: Context,
    evidence: Evidence,
}

impl Fixture {
    fn new(zones: Vec<ZoneRow>, structure: Structure, positioning: Positioning) -> Self {
        Fixture { zones, structure, positioning, context: Context::default(), evidence: tested() }
    }
    fn inputs(&self) -> PlanInputs<'_> {
        PlanInputs {
            price: 100.0,
            interval: "5m",
            tick: Some(0.1),
            zones: &self.zones,
            clusters: &self.zones,
            structure: &self.structure,
            positioning: &self.positioning,
            context: &self.context,
            evidence: &self.evidence,
        }
    }
}

/// Direction, entry, stop and target on the right sides for `plan` of `zone`.
fn check_sides(zone: &ZoneRow, plan: &ZonePlan, price: f64) {
    if plan.direction == "none" {
        assert_eq!((plan.entry, plan.stop, plan.take_profit), (None, None, None), "{plan:?}");
        return;
    }
    let (entry, stop) = (plan.entry.unwrap(), plan.stop.unwrap());
    let long = plan.direction == "long";
    if long {
        assert!(stop < entry, "a long's stop is below its entry: {plan:?}");
    } else {
        assert!(stop > entry, "a short's stop is above its entry: {plan:?}");
    }
    match plan.take_profit {
        Some(tp) => {
            assert!(if long { tp > entry } else { tp < entry }, "target beyond the entry: {plan:?}");
            assert!((tp - entry).abs() >= (stop - entry).abs() * MIN_REWARD_RISK - 1e-9, "at least 1R: {plan:?}");
            assert!((tp / price - 1.0).abs() * 100.0 > MIN_TARGET_FROM_PRICE_PCT, "no target at the price: {plan:?}");
        }
        None => assert!(plan.target_note.starts_with("no target"), "{plan:?}"),
    }
    let up = zone.side == "above";
    match plan.reaction.as_str() {
        "tap and continue" => {
            assert_eq!(plan.direction, if up { "long" } else { "short" });
            assert_eq!(entry, if up { zone.high } else { zone.low }, "a break enters at the far edge");
            assert!(stop > zone.low && stop < zone.high, "stop back inside the zone: {plan:?}");
        }
        _ => {
            assert_eq!(plan.direction, if up { "short" } else { "long" });
            assert_eq!(entry, if up { zone.low } else { zone.high }, "a fade enters at the near edge");
            assert!(if up { stop > zone.high } else { stop < zone.low }, "stop beyond the far edge: {plan:?}");
        }
    }
}

#[test]
fn every_reaction_has_its_sides_on_both_sides_of_price() {
    for (trend, oi) in [("range", "flat"), ("uptrend", "rising"), ("downtrend", "rising")] {
        for close in [false, true] {
            let mut z = zones();
            if close {
                z[0] = zone("A", "above", 100.2, 100.6, 3e6, 0.3, 100.0);
                z[1] = zone("B", "below", 99.4, 99.8, 3e6, 0.3, 100.0);
            }
            let f = Fixture::new(z, structure(trend, Some(50.0)), positioning(oi, "neutral", false));
            let ps = plans(&f.inputs());
            assert_eq!(ps.len(), f.zones.len());
            for (zone, plan) in f.zones.iter().zip(&ps) {
                check_sides(zone, plan, 100.0);
            }
        }
    }
    // Uptrend + rising OI: A (above) is a break long, B (below) a fade long.
    let f = Fixture::new(zones(), structure("uptrend", Some(50.0)), positioning("rising", "neutral", false));
    let ps = plans(&f.inputs());
    assert_eq!((ps[0].reaction.as_str(), ps[0].direction.as_str()), ("tap and continue", "long"));
    // A breaks out at 101.5, stop 101.25 (mid-zone): the 1h resistance at 103 comes before C above at 104.
    assert_eq!((ps[0].entry, ps[0].stop, ps[0].take_profit), (Some(101.5), Some(101.25), Some(103.0)));
    assert_eq!(ps[0].target_note, "1h swing resistance");
    assert_eq!((ps[1].reaction.as_str(), ps[1].direction.as_str()), ("tap and reject", "long"));
    // Downtrend + rising OI: B (below) is a break short, A a fade short.
    let f = Fixture::new(zones(), structure("downtrend", Some(50.0)), positioning("rising", "neutral", false));
    let ps = plans(&f.inputs());
    assert_eq!((ps[1].reaction.as_str(), ps[1].direction.as_str()), ("tap and continue", "short"));
    assert_eq!((ps[0].reaction.as_str(), ps[0].direction.as_str()), ("tap and reject", "short"));
    assert_eq!(ps[3].direction, "none", "zone C below: 3 % share, 9 % away");
}

#[test]
fn targets_are_never_the_current_price_and_may_be_missing() {
    // A fade of A above whose only candidate below is the price itself: no target.
    let z = vec![zone("A", "above", 101.0, 101.5, 3e6, 0.3, 100.0)];
    let mut s = structure("range", Some(50.0));
    s.support = Some(100.02);
    let f = Fixture::new(z, s, positioning("flat", "neutral", false));
    let pl = plan(&f.zones[0], &f.inputs());
    assert_eq!(pl.direction, "short");
    assert_eq!(pl.take_profit, None, "{pl:?}");
    assert!(pl.target_note.starts_with("no target: no structure level or cluster below"), "{pl:?}");
    // With a support far enough below it is the target.
    let mut s = structure("range", Some(50.0));
    s.support = Some(99.0);
    let f =
        Fixture::new(vec![zone("A", "above", 101.0, 101.5, 3e6, 0.3, 100.0)], s, positioning("flat", "neutral", false));
    let pl = plan(&f.zones[0], &f.inputs());
    assert_eq!((pl.take_profit, pl.target_note.as_str()), (Some(99.0), "1h swing support"));
}

#[test]
fn reactions_follow_the_rules_and_claim_nothing_unmeasured() {
    let f = Fixture::new(zones(), structure("uptrend", Some(55.0)), positioning("rising", "neutral", false));
    let p = f.inputs();
    assert_eq!(reaction(&f.zones[3], &p).0, "ignore");
    let far = zone("C above", "above", 109.0, 110.0, 5e6, 0.4, 100.0);
    assert_eq!(reaction(&far, &p).0, "ignore");
    let small = zone("A", "above", 101.0, 101.5, 2e5, 0.02, 100.0);
    let (r, reasons) = reaction(&small, &p);
    assert_eq!(r, "ignore", "{reasons:?}");
    assert!(
        reasons[0].contains("$200k of estimated short liquidations: 2.0% of the shorts above price within ±5.0%"),
        "{reasons:?}"
    );
    assert!(reasons[1].contains("Under 5%"), "{reasons:?}");
    let outside = ZoneRow { share_in_band: None, ..zone("C above", "above", 105.5, 106.0, 5e6, 0.0, 100.0) };
    let (r, reasons) = reaction(&outside, &p);
    assert_ne!(r, "ignore", "{reasons:?}");
    assert!(reasons[0].contains("all beyond ±5.0% of price"), "{reasons:?}");
    assert_eq!(reaction(&f.zones[0], &p).0, "tap and continue");
    assert_eq!(reaction(&f.zones[1], &p).0, "tap and reject");
    let close = zone("A", "above", 100.2, 100.6, 3e6, 0.3, 100.0);
    assert_eq!(reaction(&close, &p).0, "front-run");
    // Funding extreme stops a continuation; crowded longs and a stretched RSI give reasons.
    let f = Fixture::new(zones(), structure("uptrend", Some(75.0)), positioning("rising", "longs paying up", true));
    let (r, reasons) = reaction(&f.zones[0], &f.inputs());
    assert_eq!(r, "tap and reject");
    assert!(reasons.iter().any(|x| x.contains("RSI 14 is 75")), "{reasons:?}");
    assert!(reasons.iter().any(|x| x == "Funding reads longs paying up."), "{reasons:?}");
    // Every non-ignore plan cites the backtest, and no reason claims an unmeasured behaviour.
    for z in &f.zones {
        let (r, reasons) = reaction(z, &f.inputs());
        let text = reasons.join(" ");
        for claim in ["usually", "magnet", "tends to"] {
            assert!(!text.contains(claim), "{claim}: {text}");
        }
        if r != "ignore" {
            assert!(text.contains("This history shows no edge for fading zones"), "{text}");
        }
    }
    // Untested history: said so.
    let mut f = Fixture::new(zones(), structure("range", Some(50.0)), positioning("flat", "neutral", false));
    f.evidence = Evidence::default();
    let (_, reasons) = reaction(&f.zones[0], &f.inputs());
    assert!(reasons.last().unwrap().contains("cannot say"), "{reasons:?}");
}

#[test]
fn scenarios_name_zones_and_handle_missing_ones() {
    let f = Fixture::new(zones(), structure("uptrend", Some(55.0)), positioning("rising", "neutral", false));
    let (bull, bear) = scenarios(&f.inputs());
    assert!(bull.starts_with("A break above 101.00 runs into zone A ($3M of estimated short liquidations up to 101.50); above that, zone C above at 104.50"), "{bull}");
    assert!(bull.contains("1h swing resistance at 103.00"), "{bull}");
    assert!(bear.starts_with("A break below 99.200 runs into zone B"), "{bear}");
    let f = Fixture::new(vec![], structure("uptrend", Some(55.0)), positioning("rising", "neutral", false));
    let (bull, bear) = scenarios(&f.inputs());
    assert!(bull.starts_with("No dense cluster of estimated short liquidations above price."), "{bull}");
    assert!(bear.starts_with("No dense cluster of estimated long liquidations below price."), "{bear}");
}

#[test]
fn tick_rounding() {
    assert_eq!(round_to_tick(106_649.337, Some(0.1)), 106_649.3);
    assert_eq!(round_to_tick(106_649.337, None), 106_649.337);
    assert_eq!(round_to_tick(0.153_421, Some(0.0001)), 0.1534);
}
