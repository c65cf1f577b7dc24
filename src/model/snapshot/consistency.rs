//! Checks of a snapshot's parts against each other, run by [`MarketSnapshot::validate`] after
//! each venue's own checks: names that become file names (the symbol and the venues: letters
//! and digits only, a venue liqshot knows, each once), a capture time that fits the candles,
//! candles on the interval's grid, a tick size and amounts a market can have. Each message
//! names the field.

use chrono::{DateTime, Utc};

use crate::error::Error;
use crate::model::snapshot::MarketSnapshot;

/// Largest open interest or liquidation believed, in USD (the whole crypto market is a few
/// 10^12): above, a value is a unit mistake and would print as a 300-digit amount.
pub(crate) const MAX_USD: f64 = 1e13;

/// How far a capture time may lie after now (another machine's clock running ahead).
pub(crate) const MAX_CLOCK_AHEAD_SECS: i64 = 86_400;

/// The checks (see the module doc); `step` is the interval in seconds.
pub fn check(snap: &MarketSnapshot, step: i64) -> Result<(), Error> {
    let bad = |msg: String| Err(Error::Invalid(msg));
    if !file_safe(&snap.symbol) {
        return bad(format!("symbol {:?} cannot be part of a file name (no /, \\, control character or leading dot; at most 64 characters)", snap.symbol));
    }
    let mut seen: Vec<&str> = Vec::new();
    for v in &snap.venues {
        if !crate::model::venue::Venue::ALL.iter().any(|k| k.name() == v.venue) {
            return bad(format!(
                "venues: unknown venue {:?} (liqshot knows {})",
                v.venue,
                crate::model::venue::Venue::names()
            ));
        }
        if seen.contains(&v.venue.as_str()) {
            return bad(format!("venues: {} is listed twice (its amounts would count double)", v.venue));
        }
        seen.push(&v.venue);
        grid(&v.venue, &v.candles.iter().map(|c| c.open_time).collect::<Vec<_>>(), &snap.interval, step)?;
        let last = v.candles.last().map_or(f64::NAN, |c| c.close);
        if let Some(t) = v.tick_size {
            if !(t.is_finite() && t > 0.0 && (last.is_nan() || t <= last / 100.0)) {
                return bad(format!(
                    "venue {:?}: tick_size {t} is not a price step below a hundredth of the price {last}",
                    v.venue
                ));
            }
        }
        if let Some((i, p)) = v.open_interest.iter().enumerate().find(|(_, p)| p.oi_usd > MAX_USD) {
            return bad(format!(
                "venue {:?}: open_interest #{i}: {:e} USD is more than any market holds (at most {MAX_USD:e})",
                v.venue, p.oi_usd
            ));
        }
        if let Some((i, l)) = v.liquidations.iter().enumerate().find(|(_, l)| l.usd > MAX_USD) {
            return bad(format!(
                "venue {:?}: liquidations #{i}: {:e} USD is more than any market holds (at most {MAX_USD:e})",
                v.venue, l.usd
            ));
        }
    }
    capture_time(snap, step)
}

/// What `{symbol}` may put into a file name: 1 to 64 characters, no path separator, no control
/// character, no leading dot (so never `.` or `..`). Markup characters are fine: every output
/// escapes them.
pub(crate) fn file_safe(symbol: &str) -> bool {
    (1..=64).contains(&symbol.chars().count())
        && !symbol.trim().is_empty()
        && !symbol.starts_with('.')
        && !symbol.chars().any(|c| c == '/' || c == '\\' || c.is_control())
}

/// Every candle of `venue` opens on a whole second and a whole number of intervals after the one
/// before (venues that start daily candles at another hour than 00:00 UTC are fine).
fn grid(venue: &str, opens: &[DateTime<Utc>], interval: &str, step: i64) -> Result<(), Error> {
    let off_grid = |i: usize, t: &DateTime<Utc>| {
        Err(Error::Invalid(format!("venue {venue:?}: candle #{i} opens at {t}, not on the {interval} grid")))
    };
    if let Some((i, t)) = opens.iter().enumerate().find(|(_, t)| t.timestamp_subsec_nanos() != 0) {
        return off_grid(i, t);
    }
    // Candles a fraction of the interval apart: the interval does not match them.
    if let Some(i) = opens.windows(2).position(|w| (w[1] - w[0]).num_seconds() % step != 0) {
        let gap = crate::model::fmt::duration((opens[i + 1] - opens[i]).num_seconds());
        return Err(Error::Invalid(format!(
            "interval {interval}: candles #{i} and #{} of venue {venue:?} open {gap} apart",
            i + 1
        )));
    }
    Ok(())
}

/// `captured_at` is not before the last candle opened, nor more than [`MAX_CLOCK_AHEAD_SECS`]
/// after now (a market halted since may have its last candle long before the capture).
fn capture_time(snap: &MarketSnapshot, step: i64) -> Result<(), Error> {
    let Some(last_open) = snap.venues.iter().filter_map(|v| v.candles.last()).map(|c| c.open_time).max() else {
        return Ok(());
    };
    let close = last_open + chrono::Duration::seconds(step);
    let at = snap.captured_at;
    let latest = Utc::now() + chrono::Duration::seconds(MAX_CLOCK_AHEAD_SECS);
    let why = if at < last_open {
        format!("before its last candle opened ({})", last_open.format("%Y-%m-%d %H:%M UTC"))
    } else if at > latest {
        format!("in the future (the candles end at {})", close.format("%Y-%m-%d %H:%M UTC"))
    } else {
        return Ok(());
    };
    Err(Error::Invalid(format!("captured_at {} does not fit the candles: {why}", at.format("%Y-%m-%d %H:%M UTC"))))
}
