//! Zone plans and the bullish / bearish scenarios. Every plan is a *fade* of its zone
//! (short a zone above once price is rejected from it, long a zone below), with the stop on
//! the cold side of the cluster; the `reaction` says how the inputs suggest price will treat
//! the zone. Checklist heuristics, not advice.

use crate::fmt;
use crate::zones;
use crate::report::model::{Positioning, Structure, ZonePlan, ZoneRow};

/// The stop sits this far beyond the zone's far edge (0.15 %): outside the cluster, so the
/// liquidation wick that runs the zone does not take it.
pub const STOP_BUFFER: f64 = 0.0015;
/// A zone holding less than this share (5 %) of the estimated liquidations on its side within
/// the asymmetry band (± 5 % of price: the zone's `share_in_band`) is `ignore`.
pub const IGNORE_SHARE: f64 = 0.05;
/// A zone whose near edge is farther than this (8 %) is `ignore`.
pub const IGNORE_DISTANCE_PCT: f64 = 8.0;
/// A zone whose near edge is closer than this (0.3 %) ...
pub const FRONT_RUN_DISTANCE_PCT: f64 = 0.3;
/// ... and that holds at least this `share_in_band` (15 %) is `front-run`.
pub const FRONT_RUN_SHARE: f64 = 0.15;
/// A take-profit candidate must be at least this many times the entry-to-stop risk away.
pub const MIN_REWARD_RISK: f64 = 1.0;
/// Without any candidate, the take-profit is this many risks from the entry.
pub const FALLBACK_REWARD_RISK: f64 = 2.0;

/// What the plans and scenarios read from the rest of the report.
pub struct PlanInputs<'a> {
    pub price: f64,
    /// Candle interval, e.g. `5m`.
    pub interval: &'a str,
    /// Price tick of the first venue, for rounding the alert level.
    pub tick: Option<f64>,
    pub zones: &'a [ZoneRow],
    pub structure: &'a Structure,
    pub positioning: &'a Positioning,
}

fn above(z: &ZoneRow) -> bool {
    z.side == "above"
}

/// `x` rounded to the nearest multiple of `tick` (unchanged without a positive tick).
pub fn round_to_tick(x: f64, tick: Option<f64>) -> f64 {
    match tick {
        Some(t) if t > 0.0 && t.is_finite() => {
            let r = (x / t).round() * t;
            // Trim float noise such as 106649.30000000002.
            let decimals = (-t.log10()).ceil().max(0.0) as i32;
            let m = 10f64.powi(decimals.min(12));
            (r * m).round() / m
        }
        _ => x,
    }
}

/// Stop for a fade of `z`: [`STOP_BUFFER`] beyond the far edge, so always outside the zone
/// (above `high` for a zone above, below `low` for a zone below).
pub fn stop_level(z: &ZoneRow) -> f64 {
    if above(z) {
        z.high * (1.0 + STOP_BUFFER)
    } else {
        z.low * (1.0 - STOP_BUFFER)
    }
}

/// Take-profit for a fade entered at `entry` with stop `stop`: among the candidates on the
/// other side of the entry (current price, support / resistance, the near edge of the closest
/// zone on the other side of price), the nearest one at least [`MIN_REWARD_RISK`] risks away;
/// else the farthest candidate; else [`FALLBACK_REWARD_RISK`] risks from the entry.
pub fn take_profit(z: &ZoneRow, entry: f64, stop: f64, p: &PlanInputs) -> f64 {
    let risk = (stop - entry).abs();
    let short = above(z);
    let opposite_edge = p
        .zones
        .iter()
        .filter(|o| above(o) != short)
        .map(|o| if short { o.high } else { o.low })
        .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| if short { m.max(x) } else { m.min(x) })));
    let level = if short { p.structure.support } else { p.structure.resistance };
    let mut cands: Vec<f64> = [Some(p.price), level, opposite_edge]
        .into_iter()
        .flatten()
        .filter(|x| x.is_finite() && if short { *x < entry } else { *x > entry })
        .collect();
    // Nearest first.
    cands.sort_by(|a, b| (a - entry).abs().total_cmp(&(b - entry).abs()));
    let far_enough = cands.iter().copied().find(|x| (x - entry).abs() >= MIN_REWARD_RISK * risk);
    match (far_enough, cands.last()) {
        (Some(x), _) => x,
        (None, Some(&x)) => x,
        (None, None) if short => entry - FALLBACK_REWARD_RISK * risk,
        (None, None) => entry + FALLBACK_REWARD_RISK * risk,
    }
}

/// How price is expected to treat the zone, with the reasons, decided in this order:
/// 1. `ignore` when the zone's `share_in_band` is under [`IGNORE_SHARE`] or its near edge is
///    more than [`IGNORE_DISTANCE_PCT`] away;
/// 2. `front-run` when the near edge is under [`FRONT_RUN_DISTANCE_PCT`] away and the
///    `share_in_band` is at least [`FRONT_RUN_SHARE`] (price tends to react just ahead of it);
/// 3. `tap and continue` when trend and open interest are with the break and funding is not
///    extreme: uptrend + rising OI for a zone above, downtrend + rising OI for a zone below;
/// 4. otherwise `tap and reject`, the default for a liquidation cluster (it is a magnet that is
///    taken and faded); the reasons say whether RSI is stretched towards the zone (>= 70 for a
///    zone above, <= 30 below) or funding shows the side chasing into the zone is crowded
///    (longs paying for a zone above, shorts paying for a zone below), else that no
///    continuation signal is present.
pub fn reaction(z: &ZoneRow, p: &PlanInputs) -> (String, Vec<String>) {
    let up = above(z);
    let who = if up { "shorts above" } else { "longs below" };
    let dist = z.edge_distance_pct.abs();
    let band = p.positioning.asymmetry_band_pct;
    let kind = z.liquidates.trim_end_matches('s');
    let size = match z.share_in_band {
        None => format!("Zone {} holds {} of estimated {kind} liquidations, all beyond ±{band:.1}% of price.", z.name, fmt::usd(z.usd)),
        Some(sh) => format!(
            "Zone {} holds {} of estimated {kind} liquidations: {} of the {who} price within ±{band:.1}%.",
            z.name,
            fmt::usd(z.usd),
            super::filters::share(sh, 1)
        ),
    };
    let near = format!("Its near edge is {:.2}% from price.", dist);
    let share = z.share_in_band.unwrap_or(0.0);
    if z.share_in_band.is_some_and(|sh| sh < IGNORE_SHARE) {
        return ("ignore".into(), vec![size, format!("That is under {:.0}% of them: too small to plan around.", IGNORE_SHARE * 100.0)]);
    }
    if dist > IGNORE_DISTANCE_PCT {
        return ("ignore".into(), vec![size, format!("Its near edge is {dist:.2}% away, beyond {IGNORE_DISTANCE_PCT:.0}%: too far for today.")]);
    }
    if dist < FRONT_RUN_DISTANCE_PCT && share >= FRONT_RUN_SHARE {
        return (
            "front-run".into(),
            vec![size, format!("{near} Under {FRONT_RUN_DISTANCE_PCT}% and dense: orders ahead of it may fill before the edge.")],
        );
    }
    let s = p.structure;
    let pos = p.positioning;
    let trend_with = if up { s.trend == "uptrend" } else { s.trend == "downtrend" };
    if trend_with && pos.oi_trend == "rising" && !pos.funding_extreme {
        let ema = s.ema.map(|e| format!(" (EMA {} of {} closes {})", s.ema_period, s.trend_interval, fmt::price(e))).unwrap_or_default();
        let oi = pos.oi_change_24h_pct.map(|c| format!(" ({} over 24 h)", fmt::pct(c))).unwrap_or_default();
        return (
            "tap and continue".into(),
            vec![
                size,
                format!("The {} trend is {}{ema} with {}: the break is with the trend.", s.trend_interval, s.trend, s.swing_pattern),
                format!("Open interest is rising{oi}: new positions back the move."),
                "Funding is not extreme, so the move is not yet crowded.".into(),
            ],
        );
    }
    let mut reasons = vec![size, near];
    let stretched = s.rsi14.filter(|r| if up { *r >= 70.0 } else { *r <= 30.0 });
    if let Some(r) = stretched {
        reasons.push(format!("RSI 14 is {r:.0} ({}): stretched towards the zone.", s.rsi_label));
    }
    let chasing = if up { pos.funding_bias.starts_with("longs pay") } else { pos.funding_bias.starts_with("shorts pay") };
    if chasing {
        let side = if up { "Longs" } else { "Shorts" };
        let extreme = if pos.funding_extreme { " at an extreme" } else { "" };
        reasons.push(format!("{side} pay funding{extreme}: the side chasing into the zone is crowded and is fuel for a rejection."));
    }
    if stretched.is_none() && !chasing {
        reasons.push(format!(
            "No continuation signal (trend {}, open interest {}): a cluster is usually tagged and faded.",
            s.trend, pos.oi_trend
        ));
    }
    ("tap and reject".into(), reasons)
}

/// The entry condition in words, matching the reaction.
fn entry_condition(z: &ZoneRow, reaction: &str, p: &PlanInputs) -> String {
    let (edge, far) = if above(z) { (z.low, z.high) } else { (z.high, z.low) };
    let (back, beyond, dir) = if above(z) { ("below", "above", "short") } else { ("above", "below", "long") };
    let (edge, far, iv) = (fmt::price(edge), fmt::price(far), p.interval);
    match reaction {
        "ignore" => format!("none planned: watch only; a {dir} fade would need a {iv} close back {back} {edge} after tagging the zone"),
        "front-run" => format!("a {dir} on the first rejection just {back} {edge} (the zone is close and may be front-run), confirmed by a {iv} close back {back} {edge}"),
        "tap and continue" => format!("only a {iv} close back {back} {edge} after tagging the zone; the read favours continuation, so stand aside while price holds {beyond} {far}"),
        _ => format!("a {iv} close back {back} {edge} after tagging the zone ({dir} fade)"),
    }
}

/// One plan for `z`: alert at the near edge (rounded to the tick); a fade entered back inside
/// the near edge; invalidation at the far edge (a close beyond it); stop by [`stop_level`];
/// take-profit by [`take_profit`] from the near edge; reaction by [`reaction`]. An `ignore`
/// zone is watched only: no invalidation, take-profit or stop.
pub fn plan(z: &ZoneRow, p: &PlanInputs) -> ZonePlan {
    let up = above(z);
    let near = if up { z.low } else { z.high };
    let stop = stop_level(z);
    let (reaction, reasons) = reaction(z, p);
    let planned = reaction != "ignore";
    ZonePlan {
        zone: z.name.clone(),
        side: z.side.clone(),
        alert_level: round_to_tick(near, p.tick),
        entry_condition: entry_condition(z, &reaction, p),
        invalidation: planned.then_some(if up { z.high } else { z.low }),
        take_profit: planned.then(|| take_profit(z, near, stop, p)),
        stop: planned.then_some(stop),
        reaction,
        reasons,
    }
}

/// One plan per zone, in the zones' order.
pub fn plans(p: &PlanInputs) -> Vec<ZonePlan> {
    p.zones.iter().map(|z| plan(z, p)).collect()
}

/// Trend, RSI and funding in one clause, with the caveat that matters for `bullish` (or not).
fn context_clause(p: &PlanInputs, bullish: bool) -> String {
    let s = p.structure;
    let pos = p.positioning;
    let (n, tf) = (s.ema_period, &s.trend_interval);
    let ema = match s.ema {
        Some(e) if p.price >= e => format!("price above the {tf} EMA {n} {}", fmt::price(e)),
        Some(e) => format!("price below the {tf} EMA {n} {}", fmt::price(e)),
        None => format!("{tf} EMA {n} not available"),
    };
    let rsi = s.rsi14.map(|r| format!("{} RSI {r:.0} ({})", s.levels_interval, s.rsi_label)).unwrap_or_else(|| "RSI unknown".into());
    let mut out = format!("{tf} trend: {}; {ema}; {tf} swings {}; {rsi}; funding: {}", s.trend, s.swing_pattern, pos.funding_bias);
    if pos.funding_extreme {
        out.push_str(", extreme");
    }
    out.push('.');
    let caveat = match bullish {
        true if s.rsi_label == "overbought" => Some("An overbought RSI makes a chase above risky."),
        true if pos.funding_bias.starts_with("longs pay") => Some("Longs already pay funding, which can cap a rally."),
        true if pos.funding_bias.starts_with("shorts pay") => Some("Shorts paying funding can fuel a squeeze."),
        false if s.rsi_label == "oversold" => Some("An oversold RSI makes a chase below risky."),
        false if pos.funding_bias.starts_with("shorts pay") => Some("Shorts already pay funding, which can cap a sell-off."),
        false if pos.funding_bias.starts_with("longs pay") => Some("Crowded longs paying funding can fuel a flush."),
        _ => None,
    };
    if let Some(c) = caveat {
        out.push(' ');
        out.push_str(c);
    }
    out
}

/// The bullish and bearish scenarios: the path through zone A (B) and the C beyond it, the
/// swing level on the way, then trend / RSI / funding. Missing zones are said so.
pub fn scenarios(p: &PlanInputs) -> (String, String) {
    let find = |name: &str, side: &str| p.zones.iter().find(|z| z.name == name && z.side == side);
    let side_text = |up: bool| {
        let (near, far) = (find(if up { "A" } else { "B" }, if up { "above" } else { "below" }), find(if up { zones::C_ABOVE } else { zones::C_BELOW }, if up { "above" } else { "below" }));
        let (verb, edge_word, kind) = if up { ("above", "up to", "short") } else { ("below", "down to", "long") };
        let mut s = match near {
            Some(z) => format!(
                "A break {verb} {} runs into zone {} ({} of estimated {kind} liquidations {edge_word} {})",
                fmt::price(if up { z.low } else { z.high }),
                z.name,
                fmt::usd(z.usd),
                fmt::price(if up { z.high } else { z.low })
            ),
            None => format!("No dense cluster of estimated {kind} liquidations {verb} price"),
        };
        if let Some(c) = far {
            s.push_str(&format!("; {verb} that, zone {} at {} ({}, {:+.2}% from price)", c.name, fmt::price(c.peak), fmt::usd(c.usd), c.distance_pct));
        }
        s.push('.');
        let level = if up { p.structure.resistance.map(|r| ("resistance", r)) } else { p.structure.support.map(|r| ("support", r)) };
        if let Some((name, x)) = level {
            s.push_str(&format!(" {} swing {name} at {}.", p.structure.levels_interval, fmt::price(x)));
        }
        s.push(' ');
        s.push_str(&context_clause(p, up));
        s
    };
    (side_text(true), side_text(false))
}

#[cfg(test)]
pub(crate) mod tests {
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
            rsi_label: crate::report::indicators::rsi_label(rsi),
            cvd: None,
            cvd_label: None,
        }
    }

    pub(crate) fn positioning(oi_trend: &str, bias: &str, extreme: bool) -> Positioning {
        Positioning {
            oi_change_24h_pct: Some(2.0),
            oi_change_window_pct: Some(2.0),
            oi_trend: oi_trend.into(),
            oi_flat_band_pct: 1.0,
            funding_rate_8h: Some(0.0001),
            funding_periods: "binance every 8 h".into(),
            funding_bias: bias.into(),
            funding_extreme: extreme,
            funding_extreme_threshold: 0.0005,
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

    fn inputs<'a>(zones: &'a [ZoneRow], s: &'a Structure, pos: &'a Positioning) -> PlanInputs<'a> {
        PlanInputs { price: 100.0, interval: "5m", tick: Some(0.1), zones, structure: s, positioning: pos }
    }

    #[test]
    fn stops_are_on_the_cold_side_and_targets_opposite_the_entry() {
        let z = zones();
        let s = structure("range", Some(50.0));
        let pos = positioning("flat", "neutral", false);
        let p = inputs(&z, &s, &pos);
        let plans = plans(&p);
        assert_eq!(plans.len(), z.len(), "every zone gets a plan");
        for (zone, plan) in z.iter().zip(&plans) {
            assert_eq!((&plan.zone, &plan.side), (&zone.name, &zone.side));
            if plan.reaction == "ignore" {
                // Watch only: an alert, no invalidation, take-profit or stop.
                assert_eq!((plan.invalidation, plan.take_profit, plan.stop), (None, None, None), "{plan:?}");
                assert!(plan.entry_condition.starts_with("none planned"), "{plan:?}");
                continue;
            }
            let (stop, tp, inv) = (plan.stop.unwrap(), plan.take_profit.unwrap(), plan.invalidation.unwrap());
            if zone.side == "above" {
                assert!(stop > zone.high && inv == zone.high, "{plan:?}");
                assert!(tp < plan.alert_level && plan.alert_level == zone.low, "{plan:?}");
            } else {
                assert!(stop < zone.low && inv == zone.low, "{plan:?}");
                assert!(tp > plan.alert_level && plan.alert_level == zone.high, "{plan:?}");
            }
            assert!(!plan.reasons.is_empty() && !plan.entry_condition.is_empty());
        }
        // A: entry 101, stop 101.652; risk 0.652: price (1.0 away) is the nearest far-enough target.
        assert_eq!(plans[0].take_profit, Some(100.0));
        assert!((plans[0].stop.unwrap() - 101.5 * 1.0015).abs() < 1e-9);
        // B: entry 99.2, stop 98.35; risk 0.85: price 0.8 away is too near, resistance 103 ... but
        // zone A's low 101 comes first.
        assert_eq!(plans[1].take_profit, Some(101.0));
        assert_eq!(plans[3].reaction, "ignore", "zone C below: 3 % share, 9 % away");
        assert_eq!(plans[0].entry_condition, "a 5m close back below 101.00 after tagging the zone (short fade)");
    }

    #[test]
    fn take_profit_falls_back_without_candidates() {
        let z = vec![zone("A", "above", 101.0, 102.0, 1e6, 0.5, 100.0)];
        let mut s = structure("range", None);
        s.support = None;
        let pos = positioning("flat", "neutral", false);
        let mut p = inputs(&z, &s, &pos);
        p.price = 101.5; // price inside the zone: no candidate below the entry
        let tp = take_profit(&z[0], 101.0, stop_level(&z[0]), &p);
        assert!((tp - (101.0 - 2.0 * (102.0 * 1.0015 - 101.0))).abs() < 1e-9, "{tp}");
    }

    #[test]
    fn reactions_follow_the_rules() {
        let z = zones();
        let pos = positioning("rising", "neutral", false);
        let s = structure("uptrend", Some(55.0));
        let p = inputs(&z, &s, &pos);
        // Tiny far zone (C below, 3 % share, 9 % away): ignore.
        assert_eq!(reaction(&z[3], &p).0, "ignore");
        let far = zone("C above", "above", 109.0, 110.0, 5e6, 0.4, 100.0);
        assert_eq!(reaction(&far, &p).0, "ignore");
        // Near but small: $0.2M, 2 % of the shorts within 5 %, is ignored; the text quotes the
        // share as the table prints it.
        let small = zone("A", "above", 101.0, 101.5, 2e5, 0.02, 100.0);
        let (r, reasons) = reaction(&small, &p);
        assert_eq!(r, "ignore", "{reasons:?}");
        assert!(reasons[0].contains("$200k of estimated short liquidations: 2.0% of the shorts above price within ±5.0%"), "{reasons:?}");
        assert!(reasons[1].contains("under 5%"), "{reasons:?}");
        // A zone with no part inside the band has no share; it is judged by distance alone.
        let outside = ZoneRow { share_in_band: None, ..zone("C above", "above", 105.5, 106.0, 5e6, 0.0, 100.0) };
        let (r, reasons) = reaction(&outside, &p);
        assert_ne!(r, "ignore", "{reasons:?}");
        assert!(reasons[0].contains("all beyond ±5.0% of price"), "{reasons:?}");
        // Uptrend + rising OI + calm funding: A continues; B below does not (trend against).
        assert_eq!(reaction(&z[0], &p).0, "tap and continue");
        assert_eq!(reaction(&z[1], &p).0, "tap and reject");
        // Very close and dense: front-run.
        let close = zone("A", "above", 100.2, 100.6, 3e6, 0.3, 100.0);
        assert_eq!(reaction(&close, &p).0, "front-run");
        // Funding extreme stops a continuation; long crowding and a stretched RSI give reasons.
        let pos = positioning("rising", "longs pay shorts (long crowding)", true);
        let s = structure("uptrend", Some(75.0));
        let p = inputs(&z, &s, &pos);
        let (r, reasons) = reaction(&z[0], &p);
        assert_eq!(r, "tap and reject");
        assert!(reasons.iter().any(|x| x.contains("RSI 14 is 75")), "{reasons:?}");
        assert!(reasons.iter().any(|x| x.contains("Longs pay funding at an extreme")), "{reasons:?}");
        assert!(reasons[0].contains("$3M") && reasons[0].contains("30.0% of the shorts above price within ±5.0%"), "{reasons:?}");
    }

    #[test]
    fn scenarios_name_zones_and_handle_missing_ones() {
        let z = zones();
        let s = structure("uptrend", Some(55.0));
        let pos = positioning("rising", "neutral", false);
        let (bull, bear) = scenarios(&inputs(&z, &s, &pos));
        assert!(bull.starts_with("A break above 101.00 runs into zone A ($3M of estimated short liquidations up to 101.50); above that, zone C above at 104.50"), "{bull}");
        assert!(bull.contains("1h swing resistance at 103.00") && bull.contains("4h trend: uptrend; price above the 4h EMA 21 100.00"), "{bull}");
        assert!(bear.starts_with("A break below 99.200 runs into zone B"), "{bear}");
        let (bull, bear) = scenarios(&inputs(&[], &s, &pos));
        assert!(bull.starts_with("No dense cluster of estimated short liquidations above price."), "{bull}");
        assert!(bear.starts_with("No dense cluster of estimated long liquidations below price."), "{bear}");
    }

    #[test]
    fn tick_rounding() {
        assert_eq!(round_to_tick(106_649.337, Some(0.1)), 106_649.3);
        assert_eq!(round_to_tick(106_649.337, None), 106_649.337);
        assert_eq!(round_to_tick(0.153_421, Some(0.0001)), 0.1534);
    }
}
