//! Where a snapshot's data came from: its price source and its open-interest source, named
//! separately, as the chart's one-line credit
//! (`liqshot · price: Binance BTCUSDT 5m · OI: Binance, Bybit, OKX · estimate`), the alt text and
//! the report. Pure: from the snapshot alone.
//!
//! A fetched venue is named as a venue. A series made by `liqshot import` is named by its input
//! files (`price: klines.csv (5m) · OI: oi.csv`), never as a venue, unless `import` was told the
//! venue with `--venue` (it then leaves the note [`VENUE_GIVEN`] on the series).

use crate::snapshot::{format_interval, MarketSnapshot, VenueSeries};

/// The start of the note `liqshot import --venue NAME` leaves on the series it makes
/// (`venue: okx (given with --venue)`): its data may be named after the venue.
pub const VENUE_GIVEN: &str = "venue: ";
const VENUE_GIVEN_TAIL: &str = " (given with --venue)";

/// The note `import` leaves on a series whose venue was given with `--venue`.
pub fn venue_given_note(venue: &str) -> String {
    format!("{VENUE_GIVEN}{venue}{VENUE_GIVEN_TAIL}")
}

/// A snapshot's two sources, each a short phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    /// Where the candles (the chart's price path) came from: `Binance BTCUSDT 5m`, or
    /// `klines.csv (5m)` for an import without `--venue`.
    pub price: String,
    /// Where the open interest came from: `Binance, Bybit, OKX`, or `oi.csv`.
    pub open_interest: String,
}

/// The display name of a venue (`okx` → `OKX`); an unknown name as it is.
pub fn venue_display(name: &str) -> String {
    match name.to_ascii_lowercase().as_str() {
        "binance" => "Binance".into(),
        "bybit" => "Bybit".into(),
        "okx" => "OKX".into(),
        "hyperliquid" => "Hyperliquid".into(),
        _ => name.to_string(),
    }
}

/// The file named by an import provenance note `PREFIX NAME, details` of `v`, if any.
fn imported_file<'a>(v: &'a VenueSeries, prefix: &str) -> Option<&'a str> {
    v.notes.iter().find_map(|n| n.strip_prefix(prefix)).map(|rest| rest.split(", ").next().unwrap_or(rest).trim())
}

/// Whether `v` is to be named by its input files: made by `import` (it carries the import's
/// `klines:` note) without `--venue`.
fn by_file(v: &VenueSeries) -> bool {
    imported_file(v, "klines: ").is_some() && !v.notes.iter().any(|n| n.starts_with(VENUE_GIVEN) && n.ends_with(VENUE_GIVEN_TAIL))
}

/// The price and open-interest sources of `snap`. The price is the first venue with candles
/// (the one whose candles the chart draws); open interest every venue that has some.
pub fn sources(snap: &MarketSnapshot) -> Sources {
    let interval = format_interval(snap.interval_secs());
    let price = match snap.venues.iter().find(|v| !v.candles.is_empty()).or(snap.venues.first()) {
        None => "none".to_string(),
        Some(v) if by_file(v) => format!("{} ({interval})", imported_file(v, "klines: ").unwrap_or("?")),
        Some(v) => format!("{} {} {interval}", venue_display(&v.venue), v.instrument),
    };
    let mut oi: Vec<String> = Vec::new();
    for v in snap.venues.iter().filter(|v| !v.open_interest.is_empty()) {
        let name = if by_file(v) { imported_file(v, "open interest: ").unwrap_or("?").to_string() } else { venue_display(&v.venue) };
        if !oi.contains(&name) {
            oi.push(name);
        }
    }
    let open_interest = if oi.is_empty() { "none".to_string() } else { oi.join(", ") };
    Sources { price, open_interest }
}

/// The venues of `snap` as the chart's subtitle and the alt text name them (`binance+okx`); a
/// series imported without `--venue` is `CSV import`, never a venue.
pub fn venue_label(snap: &MarketSnapshot) -> String {
    let mut names: Vec<String> = Vec::new();
    for v in &snap.venues {
        let n = if by_file(v) { "CSV import".to_string() } else { v.venue.clone() };
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names.join("+")
}

/// The chart's one-line credit: `liqshot · price: Binance BTCUSDT 5m · OI: Binance, OKX · estimate`.
pub fn credit_line(snap: &MarketSnapshot) -> String {
    let s = sources(snap);
    format!("liqshot · price: {} · OI: {} · estimate", s.price, s.open_interest)
}

/// [`credit_line`] in at most `fits(text)` room: the file or venue names are shortened (with
/// `…`) until `fits` accepts it; the shortest form keeps `liqshot`, both labels and `estimate`.
pub fn credit_line_fitting(snap: &MarketSnapshot, fits: impl Fn(&str) -> bool) -> String {
    let s = sources(snap);
    let line = |n: usize| {
        format!("liqshot · price: {} · OI: {} · estimate", crate::fmt::shorten(&s.price, n), crate::fmt::shorten(&s.open_interest, n))
    };
    let full = line(usize::MAX);
    if fits(&full) {
        return full;
    }
    (4..s.price.chars().count().max(s.open_interest.chars().count())).rev().map(line).find(|l| fits(l)).unwrap_or_else(|| line(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap() -> MarketSnapshot {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/btcusdt-2025-11-01_10.snapshot.json");
        MarketSnapshot::load(std::path::Path::new(path)).unwrap()
    }

    #[test]
    fn an_import_without_venue_is_named_by_file() {
        let s = snap();
        assert_eq!(
            credit_line(&s),
            "liqshot · price: btcusdt-spot-5m-2025-11-01_10.csv (5m) · OI: btc-usd-swap-okx-oi-1h-2025-11-01_10.csv · estimate"
        );
        assert_eq!(venue_label(&s), "CSV import");
    }

    #[test]
    fn venues_are_named_when_fetched_or_given() {
        let mut s = snap();
        s.venues[0].notes.push(venue_given_note("binance"));
        assert_eq!(credit_line(&s), "liqshot · price: Binance BTCUSDT 5m · OI: Binance · estimate");
        assert_eq!(venue_label(&s), "binance");
        // Fetched: no import notes; several venues with open interest, one name each.
        s.venues[0].notes.clear();
        let mut okx = s.venues[0].clone();
        okx.venue = "okx".into();
        okx.instrument = "BTC-USDT-SWAP".into();
        let mut bybit = okx.clone();
        bybit.venue = "bybit".into();
        bybit.open_interest.clear();
        s.venues.extend([okx, bybit]);
        assert_eq!(sources(&s), Sources { price: "Binance BTCUSDT 5m".into(), open_interest: "Binance, OKX".into() });
    }

    #[test]
    fn a_credit_that_does_not_fit_shortens_the_names() {
        let s = snap();
        let line = credit_line_fitting(&s, |l| l.chars().count() <= 80);
        assert!(line.chars().count() <= 80 && line.starts_with("liqshot · price: btcusdt") && line.contains(" · OI: btc") && line.ends_with(" · estimate"), "{line}");
    }
}
