//! The backtest's evidence in plain words, for readers of the published report: what price
//! did at zones like today's against random levels at the same distance, and after touching
//! them. Only what the snapshot's own backtest measured; "about as often" whenever the 90 %
//! interval of the lift includes 1. Pure.

use crate::output::report::evidence::History;
use crate::output::report::model::Evidence;

/// Fewer touches than this are not judged (the backtest's rule).
pub(crate) const MIN_TOUCHES: usize = 10;

/// How a lift with its 90 % interval compares with 1, as words: `more often than`, `less
/// often than` or `about as often as`.
pub fn compared(ci: Option<[f64; 2]>) -> &'static str {
    match ci {
        Some([lo, _]) if lo > 1.0 => "more often than",
        Some([_, hi]) if hi < 1.0 => "less often than",
        _ => "about as often as",
    }
}

fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

/// `e` with its plain sentences (`plain`, `reaction_plain`) filled from `history`.
pub(crate) fn with_plain(mut e: Evidence, history: &History) -> Evidence {
    let bt = match history {
        History::Tested { backtest, .. } => backtest,
        History::TooShort { needs, .. } => {
            e.plain = vec![format!("This snapshot is too short to test whether zones like these matter more than random levels: the test {needs}.")];
            e.reaction_plain = None;
            e.fade_short = None;
            return e;
        }
    };
    e.odds_model_name = match bt.odds_model {
        crate::engine::backtest::OddsModel::Empirical => "empirical distribution of trailing maxima".into(),
        crate::engine::backtest::OddsModel::Reflection => "random walk, reflection principle".into(),
    };
    let o = &bt.overall;
    let days = if o.days == 1 { "1 day".to_string() } else { format!("{} days", o.days) };
    let mut plain = Vec::new();
    if o.n == 0 || o.touch_lift.is_none() {
        plain.push(format!("Over the last {days} there were too few zones to compare with random levels."));
    } else {
        plain.push(format!(
            "Over the last {days}, price reached zones like these {} random levels at the same distance ({} touches against {:.0} expected).",
            compared(o.touch_lift_ci90),
            o.touches,
            o.placebo_expected_touches
        ));
    }
    let judged = o.touches >= MIN_TOUCHES && o.reject_rate.is_some() && o.placebo_reject_rate.is_some();
    e.fade_short = Some(match compared(o.reaction_lift_ci90) {
        _ if !judged => "Too few touches on this history to judge fades.".into(),
        "about as often as" => "This history shows no edge for fading zones (see above).".into(),
        w => format!("On this history zones were faded {w} random levels (see above)."),
    });
    let reaction = match (o.reject_rate, o.placebo_reject_rate, o.touches) {
        (Some(r), Some(pr), t) if t >= MIN_TOUCHES => Some(format!(
            "After a touch, price turned back {} of the time against {} at random levels: zones were faded {} any level on this history.",
            pct(r),
            pct(pr),
            compared(o.reaction_lift_ci90)
        )),
        _ => Some(format!("Too few touches on this history ({}) to say whether zones are faded or broken.", o.touches)),
    };
    plain.extend(reaction.clone());
    plain.extend(e.fuel_verdict.iter().cloned());
    e.plain = plain;
    e.reaction_plain = reaction;
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifts_in_words() {
        assert_eq!(compared(Some([0.55, 1.09])), "about as often as");
        assert_eq!(compared(Some([1.1, 1.9])), "more often than");
        assert_eq!(compared(Some([0.2, 0.9])), "less often than");
        assert_eq!(compared(None), "about as often as");
    }
}
