//! The terminal table of `liqshot backtest`: per group (overall = A and B, then A, B, C above, C below) the
//! touches against the placebo, the lifts with their 90 % intervals, the reactions, which zone
//! was reached first, time to touch and the Brier scores; then the reliability table and the
//! headline and verdicts as they are. At most [`WIDTH`] columns (longer sentences are wrapped
//! at spaces). Pure.

use super::result::Backtest;
pub use super::text::{wrap, NA, WIDTH};
use super::types::{ReliabilityBin, Summary};
use crate::model::fmt::span_label;

/// Width of the row labels and of each group's column.
const LABEL_W: usize = 20;
const COL_W: usize = 16;

/// The groups in the order the table shows them, with their column headings.
pub fn groups(bt: &Backtest) -> Vec<(&'static str, Option<&Summary>)> {
    let mut g = vec![("overall (A+B)", Some(&bt.overall))];
    g.extend(crate::engine::zones::LABELLED.iter().map(|n| (n.as_str(), bt.zones.get(n))));
    g
}

/// A lift as the outputs print it: two decimals below 10, one above.
pub fn lift(v: f64) -> String {
    if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// `0.81 [0.56-1.03]`, `0.81` without an interval, `n/a` without a lift.
pub(crate) fn lift_ci(v: Option<f64>, ci: Option<[f64; 2]>) -> String {
    match (v, ci) {
        (Some(v), Some([lo, hi])) => format!("{} [{}-{}]", lift(v), lift(lo), lift(hi)),
        (Some(v), None) => format!("{} [{NA}]", lift(v)),
        (None, _) => NA.into(),
    }
}

/// A fraction as a whole percentage: `0.27` → `27 %`.
fn pct0(v: f64) -> String {
    format!("{:.0} %", v * 100.0)
}

/// A probability in %, one decimal: `0.041` → `4.1 %`.
fn pct1(v: f64) -> String {
    format!("{:.1} %", v * 100.0)
}

/// A time to touch: `45m`, `5h 20m`, `1d 3h`.
pub fn span(secs: i64) -> String {
    let m = (secs + 30) / 60;
    match m {
        m if m < 60 => format!("{m}m"),
        m if m < 24 * 60 => match m % 60 {
            0 => format!("{}h", m / 60),
            r => format!("{}h {r}m", m / 60),
        },
        m => match (m / 60) % 24 {
            0 => format!("{}d", m / 1440),
            h => format!("{}d {h}h", m / 1440),
        },
    }
}

fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map_or_else(|| NA.to_string(), f)
}

/// The rows of the group table: a label and one cell per group.
type Row = (&'static str, fn(&Summary) -> String);

const ROWS: [Row; 11] = [
    ("zones / days", |s| format!("{} / {}", s.n, s.days)),
    ("touches (placebo)", |s| format!("{} ({:.1})", s.touches, s.placebo_expected_touches)),
    ("touch lift [90 %]", |s| lift_ci(s.touch_lift, s.touch_lift_ci90)),
    ("rejects / touches", |s| format!("{} / {}", s.rejections, s.touches)),
    ("reject rate (plac.)", |s| match (s.reject_rate, s.placebo_reject_rate) {
        (None, None) => NA.into(),
        (r, p) => format!("{} ({})", opt(r, pct0), opt(p, pct0)),
    }),
    ("reaction lift [90 %]", |s| lift_ci(s.reaction_lift, s.reaction_lift_ci90)),
    ("bigger first (walk)", |s| match (s.bigger_first, s.first_touch_steps) {
        (Some(b), Some(n)) => {
            format!("{b} of {n} ({})", opt(s.random_walk_expected_bigger_first, |e| format!("{e:.1}")))
        }
        _ => NA.into(),
    }),
    ("magnet lift [90 %]", |s| lift_ci(s.magnet_lift, s.magnet_lift_ci90)),
    ("median time to touch", |s| opt(s.median_time_to_touch_secs, span)),
    ("Brier model / adj.", |s| match (s.brier, s.brier_adjusted) {
        (None, None) => NA.into(),
        (b, a) => format!("{} / {}", opt(b, |v| format!("{v:.3}")), opt(a, |v| format!("{v:.3}"))),
    }),
    ("Brier base rate", |s| opt(s.brier_base_rate, |v| format!("{v:.3}"))),
];

fn cell(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

/// The table of `bt` (a final newline included).
pub fn to_text(bt: &Backtest) -> String {
    let mut out: Vec<String> = Vec::new();
    let span_secs = (bt.data_to - bt.data_from).num_seconds();
    out.push(format!("{} backtest: do the zones beat distance alone? (zones are model estimates)", bt.symbol));
    out.push(format!(
        "{} · {} candles · {} to {} UTC ({})",
        bt.venues,
        bt.interval,
        bt.data_from.format("%Y-%m-%d %H:%M"),
        bt.data_to.format("%Y-%m-%d %H:%M"),
        span_label(span_secs.max(1))
    ));
    let history = match bt.lookback_secs {
        Some(l) => format!("its trailing {}", span_label(l)),
        None => "all history up to it".to_string(),
    };
    let warmup = if bt.warmup_secs > 0 {
        format!("after a {} warm-up", span_label(bt.warmup_secs))
    } else {
        "no warm-up".into()
    };
    out.push(format!(
        "{} steps every {} {warmup}, each scored over the next {}",
        bt.steps,
        span_label(bt.step_secs),
        span_label(bt.horizon_secs)
    ));
    out.push(format!(
        "each step's estimate from {history}; reaction: {} % within {}; volatility: trailing {}",
        bt.reaction_move * 100.0,
        span_label(bt.reaction_secs),
        span_label(bt.vol_window_secs),
    ));
    out.push(format!("90 % intervals: {} bootstrap resamples of whole UTC days, seed {}", bt.resamples, bt.seed));
    out.push(String::new());

    let groups = groups(bt);
    let mut head = cell("", LABEL_W);
    for (name, _) in &groups {
        head.push_str("  ");
        head.push_str(&cell(name, COL_W));
    }
    out.push(head.trim_end().to_string());
    for (label, f) in ROWS {
        let mut line = cell(label, LABEL_W);
        for (_, s) in &groups {
            line.push_str("  ");
            line.push_str(&cell(&s.map_or_else(|| NA.to_string(), f), COL_W));
        }
        out.push(line.trim_end().to_string());
    }
    out.push(String::new());

    out.push(format!(
        "Reliability of P(touch within {}), zones A and B, {} model (per letter: --json)",
        span_label(bt.horizon_secs),
        bt.odds_model.name()
    ));
    out.extend(reliability(&bt.overall.reliability, &bt.overall.reliability_adjusted));
    out.push(String::new());

    out.extend(wrap(&bt.headline, "", 2, WIDTH));
    out.push(String::new());
    for n in &bt.notes {
        out.extend(wrap(n, "Note: ", 2, WIDTH));
        out.push(String::new());
    }
    out.push("Verdicts (an edge only when the 90 % interval excludes 1):".into());
    for (name, s) in &groups {
        let Some(s) = s else { continue };
        for v in &s.verdict {
            out.extend(wrap(v, &format!("  {name}: "), 4, WIDTH));
        }
    }
    out.extend(super::realized::table_lines(bt.realized.as_ref()));
    out.extend(super::fuel::table_lines(bt.fuel.as_ref()));
    if let Some(m) = &bt.measured {
        out.push(String::new());
        out.extend(crate::engine::measured::to_text(m).lines().map(|l| l.to_string()));
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// The reliability rows: one per bin, the model's and the adjusted model's side by side.
fn reliability(model: &[ReliabilityBin], adjusted: &[ReliabilityBin]) -> Vec<String> {
    let mut bins: Vec<(f64, f64)> = model.iter().chain(adjusted).map(|b| (b.lo, b.hi)).collect();
    bins.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    bins.dedup();
    if bins.is_empty() {
        return vec![format!(
            "  {NA}: no zone had a model probability (too little history for the trailing volatility)"
        )];
    }
    let mut out = vec![format!(
        "  {:<13}  {:>16}  {:>9}  {:>6}    {:>19}  {:>9}  {:>6}",
        "predicted", "model: predicted", "observed", "n", "adjusted: predicted", "observed", "n"
    )];
    let side = |set: &[ReliabilityBin], lo: f64, hi: f64| match set.iter().find(|b| b.lo == lo && b.hi == hi) {
        Some(b) => (pct1(b.predicted), pct1(b.observed), b.n.to_string()),
        None => ("-".into(), "-".into(), "0".into()),
    };
    for (lo, hi) in bins {
        let (mp, mo, mn) = side(model, lo, hi);
        let (ap, ao, an) = side(adjusted, lo, hi);
        let range = format!("{:.0}-{:.0} %", lo * 100.0, hi * 100.0);
        out.push(format!("  {range:<13}  {mp:>16}  {mo:>9}  {mn:>6}    {ap:>19}  {ao:>9}  {an:>6}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_spans() {
        assert_eq!(lift_ci(Some(0.8123), Some([0.556, 1.031])), "0.81 [0.56-1.03]");
        assert_eq!(lift_ci(Some(12.0), Some([3.0, 25.04])), "12.0 [3.00-25.0]");
        assert_eq!(lift_ci(None, Some([0.5, 1.0])), NA);
        assert_eq!(span(45 * 60), "45m");
        assert_eq!(span(5 * 3600 + 20 * 60), "5h 20m");
        assert_eq!(span(3 * 3600), "3h");
        assert_eq!(span(27 * 3600), "1d 3h");
    }
}
