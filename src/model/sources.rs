//! Where a snapshot's price, open interest and funding came from, named for readers: the
//! chart's credit, the alt text and the report say them separately, and a snapshot made by
//! `import` without `--venue` names its input files, never a venue it was not fetched from.
//! Pure.

use serde::{Deserialize, Serialize};

use crate::model::snapshot::MarketSnapshot;

pub use crate::model::snapshot::Sources;

/// The sources as a reader sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceNames {
    /// e.g. `Binance BTCUSDT 5m candles` or `btcusdt-spot-5m.csv (5m candles)`.
    pub price: String,
    /// e.g. `Binance, Bybit, OKX` or `btc-usd-swap-okx-oi-1h.csv`.
    pub open_interest: String,
    /// e.g. `Binance, OKX` or the file; `None` without funding.
    pub funding: Option<String>,
    /// The venues the data was fetched from (or named by `--venue`); empty for an import
    /// without `--venue`.
    pub venues: Vec<String>,
}

/// A venue name as printed: `binance` → `Binance`, `okx` → `OKX`.
pub(crate) fn venue_title(v: &str) -> String {
    match v {
        "okx" => "OKX".into(),
        "binance" => "Binance".into(),
        "bybit" => "Bybit".into(),
        "hyperliquid" => "Hyperliquid".into(),
        other => other.to_string(),
    }
}

/// The names of `snap`'s sources: from [`Sources`] when `import` recorded them, else from the
/// venues (price = the first venue's candles, open interest and funding = every venue that has
/// them).
pub fn names(snap: &MarketSnapshot) -> SourceNames {
    let interval = &snap.interval;
    if let Some(s) = &snap.sources {
        let venues =
            if s.venue_named { snap.venues.iter().map(|v| venue_title(&v.venue)).collect() } else { Vec::new() };
        return SourceNames {
            price: format!("{} ({interval} candles)", s.price),
            open_interest: s.open_interest.clone(),
            funding: s.funding.clone(),
            venues,
        };
    }
    if let Some(n) = from_import_notes(snap) {
        return n;
    }
    let first = snap.venues.first();
    let price = first.map_or_else(
        || "no candles".to_string(),
        |v| format!("{} {} {interval} candles", venue_title(&v.venue), v.instrument),
    );
    let list = |keep: &dyn Fn(&crate::model::snapshot::VenueSeries) -> bool| {
        snap.venues.iter().filter(|v| keep(v)).map(|v| venue_title(&v.venue)).collect::<Vec<_>>().join(", ")
    };
    let oi = list(&|v| !v.open_interest.is_empty());
    let funding = list(&|v| !v.funding.is_empty());
    SourceNames {
        price,
        open_interest: if oi.is_empty() { "none".into() } else { oi },
        funding: (!funding.is_empty()).then_some(funding),
        venues: snap.venues.iter().map(|v| venue_title(&v.venue)).collect(),
    }
}

/// One line for a chart credit or a report header: `price: …; open interest: …`.
pub fn line(n: &SourceNames) -> String {
    format!("price: {}; open interest: {}", n.price, n.open_interest)
}

/// The funding period of `venue`'s rates in `snap`, seconds: the imported period when
/// `import` recorded one, else 1 h on Hyperliquid and 8 h elsewhere (the period of BTC, ETH,
/// SOL and most USDT perpetuals on Binance, Bybit and OKX).
pub(crate) fn funding_period_secs(snap: &MarketSnapshot, venue: &str) -> i64 {
    match snap.sources.as_ref().and_then(|s| s.funding_period_secs).filter(|p| *p > 0) {
        Some(p) => p,
        None => venue_funding_period_secs(venue),
    }
}

/// A venue's own funding period, seconds: 1 h on Hyperliquid, 8 h elsewhere.
pub(crate) fn venue_funding_period_secs(venue: &str) -> i64 {
    if venue == "hyperliquid" {
        3600
    } else {
        8 * 3600
    }
}

/// A snapshot written by `import` before it recorded [`Sources`] carries the files in its
/// first series' provenance notes (`klines: FILE, ...`, `open interest: FILE, ...`): it is
/// named by them, never as the venue (`import` then defaulted the venue silently).
fn from_import_notes(snap: &MarketSnapshot) -> Option<SourceNames> {
    let v = snap.venues.first()?;
    let file = |prefix: &str| {
        v.notes
            .iter()
            .find_map(|n| n.strip_prefix(prefix))
            .map(|rest| rest.split(", ").next().unwrap_or(rest).trim().to_string())
    };
    let klines = file("klines: ")?;
    Some(SourceNames {
        price: format!("{klines} ({} candles)", snap.interval),
        open_interest: file("open interest: ").unwrap_or_else(|| "none".into()),
        funding: v
            .notes
            .iter()
            .any(|n| n.starts_with("funding: ") && n != "funding: none given")
            .then(|| file("funding: ").unwrap_or_default()),
        venues: Vec::new(),
    })
}

/// The venues of `snap` as the chart's subtitle names them (`binance+okx`); a snapshot whose
/// sources are files is `CSV import`, never a venue.
pub fn venue_label(snap: &MarketSnapshot) -> String {
    let n = names(snap);
    if n.venues.is_empty() && !snap.venues.is_empty() {
        return "CSV import".into();
    }
    snap.venues.iter().map(|v| v.venue.as_str()).collect::<Vec<_>>().join("+")
}

/// The price and open-interest sources (see [`names`]).
pub fn sources(snap: &MarketSnapshot) -> SourceNames {
    names(snap)
}

/// The chart's one-line credit: `liqshot · price: Binance BTCUSDT 5m candles · OI: Binance, OKX · estimate`.
pub(crate) fn credit_line(snap: &MarketSnapshot) -> String {
    let s = names(snap);
    format!("liqshot · price: {} · OI: {} · estimate", s.price, s.open_interest)
}

/// [`credit_line`] in at most `fits(text)` room: the file or venue names are shortened (with
/// `…`) until `fits` accepts it; the shortest form keeps `liqshot`, both labels and `estimate`.
pub(crate) fn credit_line_fitting(snap: &MarketSnapshot, fits: impl Fn(&str) -> bool) -> String {
    let s = names(snap);
    let line = |n: usize| {
        format!(
            "liqshot · price: {} · OI: {} · estimate",
            crate::model::fmt::shorten(&s.price, n),
            crate::model::fmt::shorten(&s.open_interest, n)
        )
    };
    let full = line(usize::MAX);
    if fits(&full) {
        return full;
    }
    (4..s.price.chars().count().max(s.open_interest.chars().count()))
        .rev()
        .map(line)
        .find(|l| fits(l))
        .unwrap_or_else(|| line(4))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::report::compute::tests::{example, tiny_snapshot};

    #[test]
    fn fetched_snapshots_name_their_venues() {
        let mut s = tiny_snapshot(20);
        let n = names(&s);
        assert_eq!(n.price, "Binance BTCUSDT 5m candles");
        assert_eq!(n.open_interest, "Binance");
        assert_eq!(n.funding, None);
        assert_eq!(n.venues, vec!["Binance".to_string()]);
        assert_eq!(venue_label(&s), "binance");
        assert_eq!(funding_period_secs(&s, "binance"), 8 * 3600);
        assert_eq!(funding_period_secs(&s, "hyperliquid"), 3600);
        let mut okx = s.venues[0].clone();
        okx.venue = "okx".into();
        let mut bybit = okx.clone();
        bybit.venue = "bybit".into();
        bybit.open_interest.clear();
        s.venues.extend([okx, bybit]);
        assert_eq!(names(&s).open_interest, "Binance, OKX");
        assert_eq!(credit_line(&s), "liqshot · price: Binance BTCUSDT 5m candles · OI: Binance, OKX · estimate");
    }

    #[test]
    fn an_import_without_venue_is_named_by_file() {
        let mut s = tiny_snapshot(20);
        s.sources = Some(Sources {
            price: "k.csv".into(),
            open_interest: "oi.csv".into(),
            funding: Some("oi.csv".into()),
            funding_period_secs: Some(3600),
            venue_named: false,
        });
        let n = names(&s);
        assert_eq!((n.price.as_str(), n.open_interest.as_str()), ("k.csv (5m candles)", "oi.csv"));
        assert!(n.venues.is_empty(), "an import without --venue names no venue");
        assert!(!line(&n).to_lowercase().contains("binance"), "{}", line(&n));
        assert_eq!(venue_label(&s), "CSV import");
        assert_eq!(funding_period_secs(&s, "binance"), 3600);
        // The bundled example, and the same file as an older import wrote it (notes only).
        let ex = example();
        assert_eq!(credit_line(&ex), "liqshot · price: btcusdt-spot-5m-2025-11-01_10.csv (5m candles) · OI: btc-usd-swap-okx-oi-1h-2025-11-01_10.csv · estimate");
        let old = MarketSnapshot { sources: None, ..ex };
        assert_eq!(names(&old).open_interest, "btc-usd-swap-okx-oi-1h-2025-11-01_10.csv");
        assert_eq!(venue_label(&old), "CSV import");
    }

    #[test]
    fn a_credit_that_does_not_fit_shortens_the_names() {
        let s = example();
        let line = credit_line_fitting(&s, |l| l.chars().count() <= 80);
        assert!(
            line.chars().count() <= 80
                && line.starts_with("liqshot · price: btcusdt")
                && line.contains(" · OI: btc")
                && line.ends_with(" · estimate"),
            "{line}"
        );
    }
}
