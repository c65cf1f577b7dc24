//! Zone plans and the bullish / bearish scenarios. A plan follows from its reaction type:
//! - `tap and reject` / `front-run`: fade the zone: short a zone above once price is rejected
//!   from it (stop above the far edge, target below), long a zone below (mirrored);
//! - `tap and continue`: trade the break: long on acceptance above a zone above's far edge
//!   (stop back inside the zone, target the next cluster or structure above), short below a
//!   zone below's far edge (mirrored);
//! - `ignore`: watch only, no direction.
//!
//! Targets come from structure (swing levels, prior day and week highs and lows) or the next
//! cluster, at least [`MIN_REWARD_RISK`] risks from the entry and never within
//! [`MIN_TARGET_FROM_PRICE_PCT`] of the current price; without one the plan says so instead of
//! printing a number. Checklist heuristics, not advice; the reasons cite the snapshot's own
//! backtest or say it has no evidence.

use crate::engine::zones;
use crate::model::fmt;
use crate::output::report::model::{Context, Evidence, Positioning, Structure, ZonePlan, ZoneRow};

/// A fade's stop sits this far beyond the zone's far edge (0.15 %): outside the cluster, so
/// the liquidation wick that runs the zone does not take it.
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
/// A target must be at least this many times the entry-to-stop risk away.
pub const MIN_REWARD_RISK: f64 = 1.0;
/// No target within this distance of the current price (0.05 %): that is no target.
pub const MIN_TARGET_FROM_PRICE_PCT: f64 = 0.05;

/// What the plans and scenarios read from the rest of the report.
pub struct PlanInputs<'a> {
    pub price: f64,
    /// Candle interval, e.g. `5m`.
    pub interval: &'a str,
    /// Price tick of the first venue, for rounding the alert level.
    pub tick: Option<f64>,
    pub zones: &'a [ZoneRow],
    /// Every shelf of the profile (labelled zones, the others within reach and the far ones):
    /// the clusters a break can run to.
    pub clusters: &'a [ZoneRow],
    pub structure: &'a Structure,
    pub positioning: &'a Positioning,
    pub context: &'a Context,
    pub evidence: &'a Evidence,
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

/// The trade a reaction implies on a zone: `none` for `ignore`; a break (`tap and continue`)
/// goes with the move (long above, short below); a fade goes against it (short above, long
/// below).
pub fn direction(z: &ZoneRow, reaction: &str) -> &'static str {
    let up = above(z);
    match reaction {
        "ignore" => "none",
        "tap and continue" if up => "long",
        "tap and continue" => "short",
        _ if up => "short",
        _ => "long",
    }
}

/// Entry and stop of a plan: a fade enters at the near edge with the stop [`STOP_BUFFER`]
/// beyond the far edge; a break enters at the far edge with the stop back inside the zone, at
/// its middle.
pub fn entry_and_stop(z: &ZoneRow, dir: &str) -> (f64, f64) {
    let up = above(z);
    let (near, far) = if up { (z.low, z.high) } else { (z.high, z.low) };
    let fade = (dir == "short") == up;
    if fade {
        (near, if up { far * (1.0 + STOP_BUFFER) } else { far * (1.0 - STOP_BUFFER) })
    } else {
        (far, (z.low + z.high) / 2.0)
    }
}

/// The first target of a `dir` trade entered at `entry` with stop `stop`: the nearest
/// candidate beyond the entry in the trade's direction that is at least [`MIN_REWARD_RISK`]
/// risks away and not within [`MIN_TARGET_FROM_PRICE_PCT`] of the current price. Candidates:
/// the 1 h and 4 h swing levels, the prior day's and week's high and low, and the near edge of
/// every cluster beyond the entry. `None` (with why) when there is none.
pub fn target(z: &ZoneRow, dir: &str, entry: f64, stop: f64, p: &PlanInputs) -> (Option<f64>, String) {
    let risk = (stop - entry).abs();
    let long = dir == "long";
    let s = p.structure;
    let c = p.context;
    let lv = &s.levels_interval;
    let tv = &s.trend_interval;
    let mut cands: Vec<(f64, String)> = Vec::new();
    let mut push = |x: Option<f64>, what: String| {
        if let Some(x) = x.filter(|x| x.is_finite() && *x > 0.0) {
            cands.push((x, what));
        }
    };
    if long {
        push(s.resistance, format!("{lv} swing resistance"));
        push(s.major_resistance, format!("{tv} swing resistance"));
        push(c.prior_day_high, "prior day high".into());
        push(c.prior_week_high, "prior week high".into());
    } else {
        push(s.support, format!("{lv} swing support"));
        push(s.major_support, format!("{tv} swing support"));
        push(c.prior_day_low, "prior day low".into());
        push(c.prior_week_low, "prior week low".into());
    }
    for o in p.clusters.iter().filter(|o| o.name != z.name || o.side != z.side) {
        // A long runs to the near edge of a cluster above it (shorts to liquidate) or of a
        // cluster below price it is heading back to; the same edge either way.
        let edge = if long { o.low.min(o.high) } else { o.high.max(o.low) };
        let label = if zones::LABELLED.contains(&o.name.as_str()) {
            format!("zone {} edge", o.name)
        } else {
            "next cluster edge".into()
        };
        push(Some(edge), label);
    }
    let price_gap = p.price * MIN_TARGET_FROM_PRICE_PCT / 100.0;
    let mut ok: Vec<(f64, String)> = cands
        .into_iter()
        .filter(|(x, _)| if long { *x > entry } else { *x < entry })
        .filter(|(x, _)| (x - entry).abs() >= MIN_REWARD_RISK * risk && risk > 0.0)
        .filter(|(x, _)| (x - p.price).abs() > price_gap)
        // Not inside the zone being traded.
        .filter(|(x, _)| !(*x > z.low && *x < z.high))
        .collect();
    ok.sort_by(|a, b| (a.0 - entry).abs().total_cmp(&(b.0 - entry).abs()));
    match ok.into_iter().next() {
        Some((x, what)) => (Some(x), what),
        None => (
            None,
            format!(
                "no target: no structure level or cluster {} the entry at least {MIN_REWARD_RISK:.0}× the risk away",
                if long { "above" } else { "below" }
            ),
        ),
    }
}

/// What the snapshot's own backtest says about fading zones, in one sentence: the reject rate
/// after touches against random levels at the same distance, or that there is no evidence.
pub fn fade_evidence(e: &Evidence) -> String {
    match (e.tested, &e.fade_short) {
        (true, Some(s)) => s.clone(),
        _ => "This snapshot's history cannot say whether zones like these are faded or broken.".into(),
    }
}

/// How price is expected to treat the zone, with the reasons, decided in this order:
/// 1. `ignore` when the zone's `share_in_band` is under [`IGNORE_SHARE`] or its near edge is
///    more than [`IGNORE_DISTANCE_PCT`] away;
/// 2. `front-run` when the near edge is under [`FRONT_RUN_DISTANCE_PCT`] away and the
///    `share_in_band` is at least [`FRONT_RUN_SHARE`];
/// 3. `tap and continue` when trend and open interest are with the break and funding is not
///    extreme: uptrend + rising OI for a zone above, downtrend + rising OI for a zone below;
/// 4. otherwise `tap and reject`. The reasons give the signals read and what the backtest says
///    about fades on this history ([`fade_evidence`]); no behaviour is claimed without it.
pub fn reaction(z: &ZoneRow, p: &PlanInputs) -> (String, Vec<String>) {
    let up = above(z);
    let who = if up { "shorts above" } else { "longs below" };
    let dist = z.edge_distance_pct.abs();
    let band = p.positioning.asymmetry_band_pct;
    let kind = z.liquidates.trim_end_matches('s');
    let size = match z.share_in_band {
        None => format!(
            "Zone {} holds {} of estimated {kind} liquidations, all beyond ±{band:.1}% of price.",
            z.name,
            fmt::usd(z.usd)
        ),
        Some(sh) => format!(
            "Zone {} holds {} of estimated {kind} liquidations: {} of the {who} price within ±{band:.1}%.",
            z.name,
            fmt::usd(z.usd),
            super::filters::share(sh, 1)
        ),
    };
    let share = z.share_in_band.unwrap_or(0.0);
    if z.share_in_band.is_some_and(|sh| sh < IGNORE_SHARE) {
        return (
            "ignore".into(),
            vec![
                size,
                format!(
                    "Under {:.0}% of the {who} price within ±{band:.1}%: too small to plan around.",
                    IGNORE_SHARE * 100.0
                ),
            ],
        );
    }
    if dist > IGNORE_DISTANCE_PCT {
        return (
            "ignore".into(),
            vec![
                size,
                format!("Its near edge is {dist:.2}% away, beyond {IGNORE_DISTANCE_PCT:.0}%: too far for today."),
            ],
        );
    }
    if dist < FRONT_RUN_DISTANCE_PCT && share >= FRONT_RUN_SHARE {
        return (
            "front-run".into(),
            vec![
                size,
                format!("Its near edge is {dist:.2}% from price, under {FRONT_RUN_DISTANCE_PCT}%, and dense: orders ahead of it may fill before the edge."),
                fade_evidence(p.evidence),
            ],
        );
    }
    let s = p.structure;
    let pos = p.positioning;
    let trend_with = if up { s.trend == "uptrend" } else { s.trend == "downtrend" };
    if trend_with && pos.oi_trend == "rising" && !pos.funding_extreme {
        let oi = pos.oi_change_24h_pct.map(|c| format!(" ({} over 24 h)", fmt::pct(c))).unwrap_or_default();
        return (
            "tap and continue".into(),
            vec![
                size,
                format!("The {} trend is {} and open interest is rising{oi}: a break would be with the trend and backed by new positions.", s.trend_interval, s.trend),
                pos.funding_reading.clone(),
                fade_evidence(p.evidence),
            ],
        );
    }
    let mut reasons = vec![
        size,
        format!("No continuation signal ({} trend {}, open interest {}).", s.trend_interval, s.trend, pos.oi_trend),
    ];
    if let Some(r) = s.rsi14.filter(|r| if up { *r >= 70.0 } else { *r <= 30.0 }) {
        reasons.push(format!("RSI 14 is {r:.0} ({}): stretched towards the zone.", s.rsi_label));
    }
    let chasing = if up { pos.funding_bias == "longs paying up" } else { pos.funding_bias == "shorts paying" };
    if chasing {
        reasons.push(pos.funding_reading.clone());
    }
    reasons.push(fade_evidence(p.evidence));
    ("tap and reject".into(), reasons)
}

/// The entry condition in words, matching the reaction.
fn entry_condition(z: &ZoneRow, reaction: &str, p: &PlanInputs) -> String {
    let (edge, far) = if above(z) { (z.low, z.high) } else { (z.high, z.low) };
    let (back, beyond, fade) = if above(z) { ("below", "above", "short") } else { ("above", "below", "long") };
    let brk = if above(z) { "long" } else { "short" };
    let (edge, far, iv) = (fmt::price(edge), fmt::price(far), p.interval);
    match reaction {
        "ignore" => "watch only".into(),
        "front-run" => {
            format!("{fade} on the first rejection just {back} {edge}, confirmed by a {iv} close back {back} {edge}")
        }
        "tap and continue" => format!("{brk} on acceptance: a {iv} close {beyond} {far}, the far edge"),
        _ => format!("{fade} on a {iv} close back {back} {edge} after tagging the zone"),
    }
}

/// One plan for `z` (see the module doc): alert at the near edge (rounded to the tick), entry,
/// stop and target by [`entry_and_stop`] and [`target`]. An `ignore` zone is watched only.
pub fn plan(z: &ZoneRow, p: &PlanInputs) -> ZonePlan {
    let up = above(z);
    let near = if up { z.low } else { z.high };
    let (reaction, reasons) = reaction(z, p);
    let dir = direction(z, &reaction);
    let (entry, stop, (take_profit, target_note)) = if dir == "none" {
        (None, None, (None, "watch only".to_string()))
    } else {
        let (entry, stop) = entry_and_stop(z, dir);
        (Some(entry), Some(stop), target(z, dir, entry, stop, p))
    };
    ZonePlan {
        zone: z.name.clone(),
        side: z.side.clone(),
        entry_condition: entry_condition(z, &reaction, p),
        reaction,
        direction: dir.into(),
        alert: round_to_tick(near, p.tick),
        entry,
        stop,
        take_profit,
        target_note,
        reasons,
    }
}

/// One plan per zone, in the zones' order.
pub fn plans(p: &PlanInputs) -> Vec<ZonePlan> {
    p.zones.iter().map(|z| plan(z, p)).collect()
}

/// The bullish and bearish scenarios: the path through zone A (B) and the C beyond it, the
/// swing level on the way, and the one funding reading. Missing zones are said so.
pub fn scenarios(p: &PlanInputs) -> (String, String) {
    let find = |name: &str, side: &str| p.zones.iter().find(|z| z.name == name && z.side == side);
    let side_text = |up: bool| {
        let (near, far) = (
            find(if up { "A" } else { "B" }, if up { "above" } else { "below" }),
            find(if up { zones::C_ABOVE } else { zones::C_BELOW }, if up { "above" } else { "below" }),
        );
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
            s.push_str(&format!(
                "; {verb} that, zone {} at {} ({}, {:+.2}% from price)",
                c.name,
                fmt::price(c.peak),
                fmt::usd(c.usd),
                c.distance_pct
            ));
        }
        s.push('.');
        let level = if up {
            p.structure.resistance.map(|r| ("resistance", r))
        } else {
            p.structure.support.map(|r| ("support", r))
        };
        if let Some((name, x)) = level {
            s.push_str(&format!(" {} swing {name} at {}.", p.structure.levels_interval, fmt::price(x)));
        }
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
                assert!(
                    (tp / price - 1.0).abs() * 100.0 > MIN_TARGET_FROM_PRICE_PCT,
                    "no target at the price: {plan:?}"
                );
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
        let f = Fixture::new(
            vec![zone("A", "above", 101.0, 101.5, 3e6, 0.3, 100.0)],
            s,
            positioning("flat", "neutral", false),
        );
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
}
