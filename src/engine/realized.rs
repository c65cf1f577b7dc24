//! Realized liquidations (positions actually force-closed, e.g. OKX's filled liquidation
//! orders) summarised for the chart, the report and `backtest`. Pure: plain data in, plain data out.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::model::snapshot::{Liquidation, MarketSnapshot, Side};

/// The span the chart's legend and the report summarise: the last 24 hours.
pub(crate) const LAST_SECS: i64 = 86_400;
/// Width of a cluster band, a fraction of price (0.1 %, the profile's bands).
pub(crate) const CLUSTER_WIDTH: f64 = 0.001;

/// Every realized liquidation of the snapshot, all venues, in time order, with its venue.
pub fn all(snap: &MarketSnapshot) -> Vec<(&str, Liquidation)> {
    let mut v: Vec<(&str, Liquidation)> =
        snap.venues.iter().flat_map(|s| s.liquidations.iter().map(move |l| (s.venue.as_str(), *l))).collect();
    v.sort_by(|a, b| a.1.order(&b.1));
    v
}

/// Whether the snapshot holds any realized liquidation.
pub fn any(snap: &MarketSnapshot) -> bool {
    snap.venues.iter().any(|v| !v.liquidations.is_empty())
}

/// Totals of one side's events.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct SideTotals {
    pub events: usize,
    pub usd: f64,
    /// The largest single event (by USD), if any.
    pub largest: Option<Liquidation>,
}

impl SideTotals {
    fn add(&mut self, l: &Liquidation) {
        self.events += 1;
        self.usd += l.usd;
        if self.largest.is_none_or(|b| l.usd > b.usd) {
            self.largest = Some(*l);
        }
    }
}

/// The events of a span `(from, to]`, per side, and the venues they came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub longs: SideTotals,
    pub shorts: SideTotals,
    /// Venues that contributed at least one event in the span (snapshot order).
    pub venues: Vec<String>,
    /// The events themselves, time order.
    #[serde(skip)]
    pub events: Vec<Liquidation>,
}

impl Summary {
    pub(crate) fn total_events(&self) -> usize {
        self.longs.events + self.shorts.events
    }
    pub(crate) fn total_usd(&self) -> f64 {
        self.longs.usd + self.shorts.usd
    }
}

/// The realized liquidations of the `secs` up to `to` (`to - secs < time <= to`).
pub fn summary(snap: &MarketSnapshot, to: DateTime<Utc>, secs: i64) -> Summary {
    let from = to - Duration::seconds(secs);
    let (mut longs, mut shorts, mut venues, mut events) =
        (SideTotals::default(), SideTotals::default(), Vec::<String>::new(), vec![]);
    for v in &snap.venues {
        let mut used = false;
        for l in v.liquidations.iter().filter(|l| l.time > from && l.time <= to) {
            used = true;
            events.push(*l);
            match l.side {
                Side::Long => longs.add(l),
                Side::Short => shorts.add(l),
            }
        }
        if used && !venues.contains(&v.venue) {
            venues.push(v.venue.clone());
        }
    }
    events.sort_by(Liquidation::order);
    Summary { from, to, longs, shorts, venues, events }
}

/// Where events clustered: the price band `width` wide (a fraction: `hi = lo·(1+width)`) that
/// holds the most USD, over every band starting at an event's price.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cluster {
    pub low: f64,
    pub high: f64,
    pub usd: f64,
    pub events: usize,
}

/// The densest band of `events` (see [`Cluster`]); `None` without events. Ties: the lowest band.
pub(crate) fn densest_band(events: &[Liquidation], width: f64) -> Option<Cluster> {
    let mut by_price: Vec<(f64, f64)> = events.iter().map(|l| (l.price, l.usd)).collect();
    by_price.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best: Option<Cluster> = None;
    let (mut j, mut usd) = (0usize, 0.0);
    for i in 0..by_price.len() {
        let lo = by_price[i].0;
        let hi = lo * (1.0 + width);
        while j < by_price.len() && by_price[j].0 <= hi {
            usd += by_price[j].1;
            j += 1;
        }
        if best.is_none_or(|b| usd > b.usd * (1.0 + 1e-12)) {
            best = Some(Cluster { low: lo, high: hi, usd, events: j - i });
        }
        usd -= by_price[i].1;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn liq(min: i64, side: Side, price: f64, usd: f64) -> Liquidation {
        Liquidation {
            time: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(min),
            side,
            price,
            usd,
        }
    }

    #[test]
    fn densest_band_finds_the_heaviest_tenth_of_a_percent() {
        let ev = [
            liq(0, Side::Long, 100_000.0, 5.0),
            liq(1, Side::Long, 100_050.0, 5.0),
            liq(2, Side::Short, 100_200.0, 8.0),
            liq(3, Side::Short, 101_000.0, 9.0),
        ];
        let c = densest_band(&ev, 0.001).unwrap();
        assert_eq!((c.low, c.usd, c.events), (100_000.0, 10.0, 2));
        assert!((c.high - 100_100.0).abs() < 1e-6);
        assert_eq!(densest_band(&[], 0.001), None);
    }
}
