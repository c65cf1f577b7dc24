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

use crate::model::fmt;
use crate::output::report::model::{
    Context, Direction, Evidence, FundingBias, OiTrend, PlanReaction, Positioning, Structure, Trend, Where, ZoneName,
    ZonePlan, ZoneRow,
};

/// A fade's stop sits this far beyond the zone's far edge (0.15 %): outside the cluster, so
/// the liquidation wick that runs the zone does not take it.
pub(crate) const STOP_BUFFER: f64 = 0.0015;
/// A zone holding less than this share (5 %) of the estimated liquidations on its side within
/// the asymmetry band (± 5 % of price: the zone's `share_in_band`) is `ignore`.
pub(crate) const IGNORE_SHARE: f64 = 0.05;
/// A zone whose near edge is farther than this (8 %) is `ignore`.
pub(crate) const IGNORE_DISTANCE_PCT: f64 = 8.0;
/// A zone whose near edge is closer than this (0.3 %) ...
pub(crate) const FRONT_RUN_DISTANCE_PCT: f64 = 0.3;
/// ... and that holds at least this `share_in_band` (15 %) is `front-run`.
pub(crate) const FRONT_RUN_SHARE: f64 = 0.15;
/// A target must be at least this many times the entry-to-stop risk away.
pub(crate) const MIN_REWARD_RISK: f64 = 1.0;
/// No target within this distance of the current price (0.05 %): that is no target.
pub(crate) const MIN_TARGET_FROM_PRICE_PCT: f64 = 0.05;

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
    z.side == Where::Above
}

/// `x` rounded to the nearest multiple of `tick` (unchanged without a positive tick).
pub(crate) fn round_to_tick(x: f64, tick: Option<f64>) -> f64 {
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
pub fn direction(z: &ZoneRow, reaction: PlanReaction) -> Direction {
    let up = above(z);
    match reaction {
        PlanReaction::Ignore => Direction::None,
        PlanReaction::TapAndContinue if up => Direction::Long,
        PlanReaction::TapAndContinue => Direction::Short,
        _ if up => Direction::Short,
        _ => Direction::Long,
    }
}

/// Entry and stop of a plan: a fade enters at the near edge with the stop [`STOP_BUFFER`]
/// beyond the far edge; a break enters at the far edge with the stop back inside the zone, at
/// its middle.
pub(crate) fn entry_and_stop(z: &ZoneRow, dir: Direction) -> (f64, f64) {
    let up = above(z);
    let (near, far) = if up { (z.low, z.high) } else { (z.high, z.low) };
    let fade = (dir == Direction::Short) == up;
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
pub fn target(z: &ZoneRow, dir: Direction, entry: f64, stop: f64, p: &PlanInputs) -> (Option<f64>, String) {
    let risk = (stop - entry).abs();
    let long = dir == Direction::Long;
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
        let label = if o.name.is_labelled() { format!("zone {} edge", o.name) } else { "next cluster edge".into() };
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
pub(crate) fn fade_evidence(e: &Evidence) -> String {
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
pub fn reaction(z: &ZoneRow, p: &PlanInputs) -> (PlanReaction, Vec<String>) {
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
            PlanReaction::Ignore,
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
            PlanReaction::Ignore,
            vec![
                size,
                format!("Its near edge is {dist:.2}% away, beyond {IGNORE_DISTANCE_PCT:.0}%: too far for today."),
            ],
        );
    }
    if dist < FRONT_RUN_DISTANCE_PCT && share >= FRONT_RUN_SHARE {
        return (
            PlanReaction::FrontRun,
            vec![
                size,
                format!("Its near edge is {dist:.2}% from price, under {FRONT_RUN_DISTANCE_PCT}%, and dense: orders ahead of it may fill before the edge."),
                fade_evidence(p.evidence),
            ],
        );
    }
    let s = p.structure;
    let pos = p.positioning;
    let trend_with = if up { s.trend == Trend::Uptrend } else { s.trend == Trend::Downtrend };
    if trend_with && pos.oi_trend == OiTrend::Rising && !pos.funding_extreme {
        let oi = pos.oi_change_24h_pct.map(|c| format!(" ({} over 24 h)", fmt::pct(c))).unwrap_or_default();
        return (
            PlanReaction::TapAndContinue,
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
    let chasing =
        if up { pos.funding_bias == FundingBias::LongsPayingUp } else { pos.funding_bias == FundingBias::ShortsPaying };
    if chasing {
        reasons.push(pos.funding_reading.clone());
    }
    reasons.push(fade_evidence(p.evidence));
    (PlanReaction::TapAndReject, reasons)
}

/// The entry condition in words, matching the reaction.
fn entry_condition(z: &ZoneRow, reaction: PlanReaction, p: &PlanInputs) -> String {
    let (edge, far) = if above(z) { (z.low, z.high) } else { (z.high, z.low) };
    let (back, beyond, fade) = if above(z) { ("below", "above", "short") } else { ("above", "below", "long") };
    let brk = if above(z) { "long" } else { "short" };
    let (edge, far, iv) = (fmt::price(edge), fmt::price(far), p.interval);
    match reaction {
        PlanReaction::Ignore => "watch only".into(),
        PlanReaction::FrontRun => {
            format!("{fade} on the first rejection just {back} {edge}, confirmed by a {iv} close back {back} {edge}")
        }
        PlanReaction::TapAndContinue => format!("{brk} on acceptance: a {iv} close {beyond} {far}, the far edge"),
        PlanReaction::TapAndReject => format!("{fade} on a {iv} close back {back} {edge} after tagging the zone"),
    }
}

/// One plan for `z` (see the module doc): alert at the near edge (rounded to the tick), entry,
/// stop and target by [`entry_and_stop`] and [`target`]. An `ignore` zone is watched only.
pub fn plan(z: &ZoneRow, p: &PlanInputs) -> ZonePlan {
    let up = above(z);
    let near = if up { z.low } else { z.high };
    let (reaction, reasons) = reaction(z, p);
    let dir = direction(z, reaction);
    let (entry, stop, (take_profit, target_note)) = if dir == Direction::None {
        (None, None, (None, "watch only".to_string()))
    } else {
        let (entry, stop) = entry_and_stop(z, dir);
        (Some(entry), Some(stop), target(z, dir, entry, stop, p))
    };
    ZonePlan {
        zone: z.name,
        side: z.side,
        entry_condition: entry_condition(z, reaction, p),
        reaction,
        direction: dir,
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
    let find = |name: ZoneName, side: Where| p.zones.iter().find(|z| z.name == name && z.side == side);
    let side_text = |up: bool| {
        let (near, far) = (
            find(if up { ZoneName::A } else { ZoneName::B }, if up { Where::Above } else { Where::Below }),
            find(if up { ZoneName::CAbove } else { ZoneName::CBelow }, if up { Where::Above } else { Where::Below }),
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
pub(crate) mod tests;
