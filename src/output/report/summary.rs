//! The report's summary: at most three lines from the data, read first.
//! 1. The nearest fuel above and below: zone, range, USD, distance.
//! 2. The bias the positioning supports: the side with more estimated liquidations within the
//!    asymmetry band, unless funding (the one verdict) says the other side is crowded, and the
//!    daily trend when the snapshot has one.
//! 3. The level that invalidates the bias: the far edge of the nearest zone against it, or the
//!    range between the nearest zones when there is no bias.
//!
//! Pure.

use crate::model::fmt;
use crate::output::report::model::{ZoneName, ZoneRow};
use crate::output::report::plan::PlanInputs;
use crate::output::report::positioning::ASYMMETRY_TILT;

/// `zone A 107,398–108,152 ($7.45M of shorts, +1.31 %)`.
fn fuel(z: &ZoneRow) -> String {
    format!(
        "zone {} {}–{} ({} of {}, {})",
        z.name,
        fmt::price(z.low),
        fmt::price(z.high),
        fmt::usd(z.usd),
        z.liquidates,
        fmt::pct(z.edge_distance_pct)
    )
}

/// The bias: `up`, `down` or `none`, and the reasons in a few words.
pub(crate) fn bias(p: &PlanInputs) -> (&'static str, String) {
    let pos = p.positioning;
    let lean = match pos.asymmetry_ratio {
        Some(r) if r > ASYMMETRY_TILT => 1,
        Some(r) if r < 1.0 / ASYMMETRY_TILT => -1,
        None if pos.liq_above_usd > 0.0 => 1,
        _ => 0,
    };
    // Funding that says the side the fuel would squeeze is the crowded one agrees; the other way
    // it contradicts.
    let funding = match pos.funding_bias.as_str() {
        "shorts paying" => 1,
        "longs paying up" => -1,
        _ => 0,
    };
    let fuel_words = match lean {
        1 => format!(
            "more estimated short liquidations above ({})",
            pos.asymmetry_label
                .trim_start_matches("more short liquidations above ")
                .trim_matches(|c| c == '(' || c == ')')
        ),
        -1 => format!(
            "more estimated long liquidations below ({})",
            pos.asymmetry_label
                .trim_start_matches("more long liquidations below ")
                .trim_matches(|c| c == '(' || c == ')')
        ),
        _ => format!("estimated liquidations {}", pos.asymmetry_label),
    };
    let funding_words = format!("funding {}", pos.funding_bias);
    let trend_words = p.context.daily_trend.as_ref().map(|t| format!("daily trend {t}"));
    let mut why = vec![fuel_words, funding_words];
    why.extend(trend_words);
    let why = why.join(", ");
    match (lean, funding) {
        (0, _) => ("none", why),
        (l, f) if f == -l => ("none", why),
        (1, _) => ("up", why),
        _ => ("down", why),
    }
}

/// The summary lines (at most three).
pub fn summary(p: &PlanInputs) -> Vec<String> {
    let find = |name: ZoneName| p.zones.iter().find(|z| z.name == name);
    let (a, b) = (find(ZoneName::A), find(ZoneName::B));
    let first = match (a, b) {
        (Some(a), Some(b)) => format!("Nearest fuel: above, {}; below, {}.", fuel(a), fuel(b)),
        (Some(a), None) => format!("Nearest fuel: above, {}; no dense cluster below.", fuel(a)),
        (None, Some(b)) => format!("Nearest fuel: below, {}; no dense cluster above.", fuel(b)),
        (None, None) => "No dense cluster of estimated liquidations near price.".into(),
    };
    let (dir, why) = bias(p);
    let second = match dir {
        "up" => format!("Positioning leans up: {why}."),
        "down" => format!("Positioning leans down: {why}."),
        _ => format!("No bias from positioning: {why}."),
    };
    let third = match (dir, a, b) {
        ("up", _, Some(b)) => format!("A move below {} (zone B's far edge) would invalidate it.", fmt::price(b.low)),
        ("down", Some(a), _) => format!("A move above {} (zone A's far edge) would invalidate it.", fmt::price(a.high)),
        ("up", _, None) => match p.structure.support {
            Some(s) => format!(
                "A move below {} ({} swing support) would invalidate it.",
                fmt::price(s),
                p.structure.levels_interval
            ),
            None => String::new(),
        },
        ("down", None, _) => match p.structure.resistance {
            Some(r) => format!(
                "A move above {} ({} swing resistance) would invalidate it.",
                fmt::price(r),
                p.structure.levels_interval
            ),
            None => String::new(),
        },
        (_, Some(a), Some(b)) => {
            format!("Range to watch: {}–{} (the far edges of zones B and A).", fmt::price(b.low), fmt::price(a.high))
        }
        _ => String::new(),
    };
    [first, second, third].into_iter().filter(|s| !s.is_empty()).collect()
}
