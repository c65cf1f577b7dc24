//! Where a snapshot's price, open interest and funding came from, named for readers: the
//! chart's credit, the alt text and the report say them separately, and a snapshot made by
//! `import` without `--venue` names its input files, never a venue it was not fetched from.
//! Pure.

use serde::{Deserialize, Serialize};

use crate::snapshot::MarketSnapshot;

/// Sources recorded by `import` (absent in fetched snapshots, whose venues name them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sources {
    /// The price candles, e.g. `btcusdt-spot-5m.csv` or `bybit (imported from klines.csv)`.
    pub price: String,
    /// The open interest.
    pub open_interest: String,
    /// The funding rates (absent without funding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<String>,
    /// The funding period of the imported rates, seconds: `--funding-period`, or inferred from
    /// how often the rate changes (see `import::funding_period`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding_period_secs: Option<i64>,
    /// Whether `--venue` named the venue (else the venue only selects the margin model).
    #[serde(default)]
    pub venue_named: bool,
}

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
pub fn venue_title(v: &str) -> String {
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
        let venues = if s.venue_named { snap.venues.iter().map(|v| venue_title(&v.venue)).collect() } else { Vec::new() };
        return SourceNames {
            price: format!("{} ({interval} candles)", s.price),
            open_interest: s.open_interest.clone(),
            funding: s.funding.clone(),
            venues,
        };
    }
    let first = snap.venues.first();
    let price = first.map_or_else(|| "no candles".to_string(), |v| format!("{} {} {interval} candles", venue_title(&v.venue), v.instrument));
    let list = |keep: &dyn Fn(&crate::snapshot::VenueSeries) -> bool| {
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
pub fn funding_period_secs(snap: &MarketSnapshot, venue: &str) -> i64 {
    if let Some(p) = snap.sources.as_ref().and_then(|s| s.funding_period_secs).filter(|p| *p > 0) {
        return p;
    }
    if venue == "hyperliquid" {
        3600
    } else {
        8 * 3600
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::compute::tests::tiny_snapshot;

    #[test]
    fn fetched_snapshots_name_their_venues() {
        let mut s = tiny_snapshot(20);
        let n = names(&s);
        assert_eq!(n.price, "Binance BTCUSDT 5m candles");
        assert_eq!(n.open_interest, "Binance");
        assert_eq!(n.funding, None);
        assert_eq!(n.venues, vec!["Binance".to_string()]);
        assert_eq!(funding_period_secs(&s, "binance"), 8 * 3600);
        assert_eq!(funding_period_secs(&s, "hyperliquid"), 3600);
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
        assert_eq!(funding_period_secs(&s, "binance"), 3600);
    }
}
