//! What became of each step's zones on the price path: touch, time to touch, the reaction at
//! the near edge, and which of A and B price reached first.
//!
//! The rules (docs/method.md, "Backtest"): a zone's near edge is its low above price, its high below.
//! It is touched by a candle opening at or after the step and closing by `at + horizon` whose
//! high (above) or low (below) reaches the edge. The reaction is read from the touching
//! candle on: if that candle already ran `reaction_move` through the edge, Continue; otherwise
//! the first later candle opening before the touching candle's open + `reaction_secs` that
//! reverses `reaction_move` away from the edge (Reject) or runs it through (Continue) decides;
//! both in one candle, or neither in time, is Neither.

use chrono::{DateTime, Utc};

use super::types::{BacktestParams, FirstTouch, PricePath, Reaction, Step, ZoneOutcome};
use crate::engine::zones::{Where, Zone, ZoneName};

/// The near edge of `zone`: its low above price, its high below.
pub(crate) fn near_edge(zone: &Zone) -> f64 {
    match zone.side {
        Where::Above => zone.low,
        Where::Below => zone.high,
    }
}

/// The candles a step scores: `[start, end)` = those opening at or after `at` and closing by
/// `at + horizon_secs`.
pub fn horizon_range(path: &PricePath, at: DateTime<Utc>, horizon_secs: i64) -> (usize, usize) {
    let t = at.timestamp();
    let start = path.open_time.partition_point(|o| o.timestamp() < t);
    let last_open = t + horizon_secs - path.interval_secs;
    let end = path.open_time.partition_point(|o| o.timestamp() <= last_open).max(start);
    (start, end)
}

/// Does candle `k` reach `edge` on `side`?
pub fn reaches(path: &PricePath, k: usize, edge: f64, side: Where) -> bool {
    match side {
        Where::Above => path.high[k] >= edge,
        Where::Below => path.low[k] <= edge,
    }
}

/// The reaction at `edge` after candle `k` touched it (rules in the module doc).
pub fn reaction(path: &PricePath, k: usize, edge: f64, side: Where, bt: &BacktestParams) -> Reaction {
    let m = bt.reaction_move;
    let (through, away) = match side {
        Where::Above => (edge * (1.0 + m), edge * (1.0 - m)),
        Where::Below => (edge * (1.0 - m), edge * (1.0 + m)),
    };
    let ran_through = |j: usize| match side {
        Where::Above => path.high[j] >= through,
        Where::Below => path.low[j] <= through,
    };
    let reversed = |j: usize| match side {
        Where::Above => path.low[j] <= away,
        Where::Below => path.high[j] >= away,
    };
    if ran_through(k) {
        return Reaction::Continue;
    }
    let until = path.open_time[k].timestamp() + bt.reaction_secs;
    for j in k + 1..path.open_time.len() {
        if path.open_time[j].timestamp() >= until {
            break;
        }
        match (reversed(j), ran_through(j)) {
            (true, true) => return Reaction::Neither,
            (true, false) => return Reaction::Reject,
            (false, true) => return Reaction::Continue,
            (false, false) => {}
        }
    }
    Reaction::Neither
}

/// The outcome of one zone of step `index` (baseline fields left for `placebo` and `volmodel`).
pub(crate) fn score_zone(index: usize, step: &Step, zone: &Zone, path: &PricePath, bt: &BacktestParams) -> ZoneOutcome {
    let edge = near_edge(zone);
    let (start, end) = horizon_range(path, step.at, bt.horizon_secs);
    let hit = (start..end).find(|&k| reaches(path, k, edge, zone.side));
    ZoneOutcome {
        step: index,
        at: step.at,
        name: zone.name,
        side: zone.side,
        edge,
        log_distance: (edge / step.price).ln(),
        usd: zone.usd,
        touched: hit.is_some(),
        time_to_touch_secs: hit.map(|k| path.open_time[k].timestamp() - step.at.timestamp()),
        reaction: hit.map(|k| reaction(path, k, edge, zone.side, bt)),
        placebo_touch: 0.0,
        placebo_reject: None,
        model_probability: None,
        adjusted_probability: None,
    }
}

/// Every zone of every step (A, B, C above, C below, where each exists), in step order.
pub fn score(steps: &[Step], path: &PricePath, bt: &BacktestParams) -> Vec<ZoneOutcome> {
    steps
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.zones.zones.iter().map(move |z| score_zone(i, s, z, path, bt)))
        .collect()
}

/// Which of A and B each step with both reached first. `first` is `None` when neither was
/// touched within the horizon, or both by the same candle (their order is unknown); such
/// steps are not counted by the magnet figures.
pub fn first_touches(steps: &[Step], outcomes: &[ZoneOutcome]) -> Vec<FirstTouch> {
    let mut out = Vec::new();
    // Outcomes are in step order; look each step's up by a moving window.
    let mut lo = 0;
    for i in 0..steps.len() {
        while lo < outcomes.len() && outcomes[lo].step < i {
            lo += 1;
        }
        let mut hi = lo;
        while hi < outcomes.len() && outcomes[hi].step == i {
            hi += 1;
        }
        let window = &outcomes[lo..hi];
        let (Some(a), Some(b)) = (
            window.iter().find(|o| o.name == ZoneName::A && o.side == Where::Above),
            window.iter().find(|o| o.name == ZoneName::B && o.side == Where::Below),
        ) else {
            continue;
        };
        let first = match (a.time_to_touch_secs, b.time_to_touch_secs) {
            (Some(ta), Some(tb)) if ta < tb => Some(ZoneName::A),
            (Some(ta), Some(tb)) if tb < ta => Some(ZoneName::B),
            (Some(_), Some(_)) => None,
            (Some(_), None) => Some(ZoneName::A),
            (None, Some(_)) => Some(ZoneName::B),
            (None, None) => None,
        };
        let (da, db) = (a.log_distance.abs(), b.log_distance.abs());
        let bigger_is_a = a.usd >= b.usd;
        let random_walk_bigger_first = if da + db > 0.0 {
            if bigger_is_a {
                db / (da + db)
            } else {
                da / (da + db)
            }
        } else {
            0.5
        };
        out.push(FirstTouch {
            step: i,
            first,
            bigger: if bigger_is_a { ZoneName::A } else { ZoneName::B },
            random_walk_bigger_first,
        });
    }
    out
}
