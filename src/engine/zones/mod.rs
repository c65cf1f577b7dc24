//! Zones A, B, C above and C below: the nearest dense shelves of estimated liquidations around
//! price and the biggest fuel in reach beyond them.
//!
//! Zones come from the live profile alone (what is still open at the snapshot's last candle)
//! and the snapshot's own candles (for the reach), never from the chart's window, size or
//! preset: `zones`, `levels`, the chart, the report and `backtest` give the same zones for the
//! same snapshot and estimate options. The rule is [`shelves`] (v2, the default); the first
//! rule is kept as [`v1`] (`--zone-rule v1`). Both work in the bands of [`crate::engine::levels`]:
//! 0.1 % of price wide, out to ±25 %, so a zone's USD is the sum of its `levels` rows.
//!
//! Names: `A`, `B`, `C above`, `C below` (plain ASCII in JSON and CSV); the chart's short tags
//! are `A`, `B`, `C↑`, `C↓` ([`Zone::tag`]).

pub mod name;
pub mod reach;
pub mod shelves;
pub mod v1;

use serde::Serialize;

use crate::engine::estimate::Profile;
use crate::engine::levels::BandGrid;
use crate::model::snapshot::{Candle, MarketSnapshot};

pub use reach::{reach, MIN_REACH};

pub use name::{ZoneName, LABELLED};

pub use crate::engine::estimate::ZoneRule;

/// Parameters of the zone rules.
#[derive(Debug, Clone, Copy)]
pub struct ZoneParams {
    /// Width of a band, a fraction of price (0.1 %).
    pub cluster_width: f64,
    /// v1: a smoothed band is dense at this multiple of the side's mean (1.5).
    pub density_factor: f64,
    /// A cluster holding less than this share of its side's USD is noise (2 %).
    pub min_share: f64,
    /// How far the bands reach, a fraction of price (25 %).
    pub max_distance: f64,
    /// v2: a band is dense at this multiple of the side's mean USD per non-empty band in reach
    /// (1.25).
    pub shelf_density: f64,
    /// v2: dense runs at most this many bands apart form one shelf (2).
    pub join_gap: usize,
}

impl Default for ZoneParams {
    fn default() -> Self {
        ZoneParams {
            cluster_width: 0.001,
            density_factor: 1.5,
            min_share: 0.02,
            max_distance: 0.25,
            shelf_density: 1.25,
            join_gap: 2,
        }
    }
}

pub use crate::model::side::Where;

/// One labelled zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Zone {
    /// `A`, `B`, `C above`, `C below` (or `far`, `other` in those lists).
    pub name: ZoneName,
    pub side: Where,
    /// `shorts` (above) or `longs` (below): whose liquidations sit there.
    pub liquidates: String,
    pub low: f64,
    pub high: f64,
    /// Price of the densest level (0.02 % ledger bin) in the zone's densest 0.1 % band.
    pub peak: f64,
    /// Estimated USD notional liquidated across the zone.
    pub usd: f64,
    /// Distance from price to the peak, % (positive above, negative below).
    pub distance_pct: f64,
    /// Distance from price to the zone's near edge, % (positive above, negative below).
    pub edge_distance_pct: f64,
    /// Share of the side's total estimated notional (0..1).
    pub share_of_side: f64,
}

impl Zone {
    /// The chart's short tag: `A`, `B`, `C↑`, `C↓` (other names unchanged).
    pub fn tag(&self) -> &str {
        self.name.tag()
    }
}

/// The zones around `price`, with the side totals they were measured against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Zones {
    pub price: f64,
    /// The rule that found them.
    pub rule: ZoneRule,
    /// v2: the reach C was chosen within, % of price (see [`reach()`]); v1: none (the window's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reach_pct: Option<f64>,
    /// Estimated short notional above price, within `max_distance`.
    pub above_usd: f64,
    /// Estimated long notional below price, within `max_distance`.
    pub below_usd: f64,
    /// A, B, C above, C below, in that order, where each exists.
    pub zones: Vec<Zone>,
    /// v2: dense shelves within the reach that carry no letter (beyond A or B, less fuel than
    /// C), nearest first per side, named `other`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<Zone>,
    /// Clusters beyond the reach, named `far`, nearest first per side: listed in the report
    /// and `liqshot zones`, not labelled on the chart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub far: Vec<Zone>,
}

impl Zones {
    /// The labelled zone called `name` (`A`, `B`, `C above`, `C below`).
    pub fn named(&self, name: ZoneName) -> Option<&Zone> {
        self.zones.iter().find(|z| z.name == name)
    }
}

/// Collects one snapshot's zones side by side and orders them.
struct Builder {
    price: f64,
    rule: ZoneRule,
    reach_pct: Option<f64>,
    totals: [f64; 2],
    /// Per side (above, below): the near zone, then C.
    found: [Vec<Zone>; 2],
    other: Vec<Zone>,
    far: Vec<Zone>,
}

impl Builder {
    fn new(price: f64, rule: ZoneRule, reach_pct: Option<f64>) -> Self {
        Builder { price, rule, reach_pct, totals: [0.0; 2], found: [vec![], vec![]], other: vec![], far: vec![] }
    }

    fn set_total(&mut self, side: Where, total: f64) {
        self.totals[if side == Where::Above { 0 } else { 1 }] = total;
    }

    /// Order: A, B, C above, C below.
    fn finish(self) -> Zones {
        let [mut above, mut below] = self.found;
        let c_above = (above.len() > 1).then(|| above.remove(1));
        let c_below = (below.len() > 1).then(|| below.remove(1));
        let mut zones = above;
        zones.extend(below);
        zones.extend(c_above);
        zones.extend(c_below);
        Zones {
            price: self.price,
            rule: self.rule,
            reach_pct: self.reach_pct,
            above_usd: self.totals[0],
            below_usd: self.totals[1],
            zones,
            other: self.other,
            far: self.far,
        }
    }
}

/// Finds the zones of the v2 rule around `price` in the live profile of `snap` (whose
/// candles give the reach: see [`reach()`]).
pub fn find_zones(profile: &Profile, price: f64, p: &ZoneParams, snap: &MarketSnapshot) -> Zones {
    shelves::find_zones(profile, price, p, reach_of(snap, p))
}

/// The reach of `snap` (a fraction of price): from the candles of its first venue with
/// candles, the venue whose last close is the snapshot's price.
pub(crate) fn reach_of(snap: &MarketSnapshot, p: &ZoneParams) -> f64 {
    reach_of_cuts(snap.venues.iter().map(|v| &v.candles[..]), snap.interval_secs(), p)
}

/// [`reach_of`] a snapshot cut to the venues' candles `cuts` (in venue order), as the backtest
/// and the animation cut it: from the first non-empty one.
pub(crate) fn reach_of_cuts<'a>(
    cuts: impl IntoIterator<Item = &'a [Candle]>,
    interval_secs: i64,
    p: &ZoneParams,
) -> f64 {
    let candles = cuts.into_iter().find(|c| !c.is_empty()).unwrap_or(&[]);
    reach(candles, interval_secs, p.max_distance)
}
/// One side's cluster bins, ordered from price outwards.
struct SideBins {
    /// (inner price edge, outer price edge) per cluster bin.
    edges: Vec<(f64, f64)>,
    usd: Vec<f64>,
    /// Per cluster bin: (peak price, peak usd) of the profile bins inside.
    peak: Vec<(f64, f64)>,
}

/// The side's own liquidations (shorts above, longs below) in the bands of
/// [`crate::engine::levels::BandGrid`]: the same bands `liqshot levels` prints.
fn side_bins(profile: &Profile, price: f64, side: Where, p: &ZoneParams) -> SideBins {
    let g = BandGrid::new(price, p.cluster_width, p.max_distance);
    let n = g.count(side);
    let mut out =
        SideBins { edges: (0..n).map(|k| g.edges(side, k)).collect(), usd: vec![0.0; n], peak: vec![(0.0, 0.0); n] };
    let values = match side {
        Where::Above => &profile.short,
        Where::Below => &profile.long,
    };
    for (i, &v) in values.iter().enumerate() {
        if v <= 0.0 {
            continue;
        }
        let c = profile.bins.center(i);
        match g.locate(c) {
            Some((s, k)) if s == side => {
                out.usd[k] += v;
                if v > out.peak[k].1 {
                    out.peak[k] = (c, v);
                }
            }
            _ => {}
        }
    }
    out
}

/// One cluster: its first and last band (from price outwards).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cluster {
    a: usize,
    b: usize,
}

fn make_zone(name: ZoneName, side: Where, s: &SideBins, c: &Cluster, price: f64, total: f64) -> Zone {
    let (a, b) = (c.a, c.b);
    let usd: f64 = s.usd[a..=b].iter().sum();
    // The densest level of the zone's densest 0.1 % band (of two equal bands, the nearer):
    // in a wide shelf, near-equal levels far apart do not make the peak jump.
    let k = (a..=b).fold(a, |m, k| if s.usd[k] > s.usd[m] { k } else { m });
    let peak = s.peak[k].0;
    let (inner, outer) = (s.edges[a].0, s.edges[b].1);
    let (low, high) = if inner < outer { (inner, outer) } else { (outer, inner) };
    Zone {
        name,
        side,
        liquidates: if side == Where::Above { "shorts" } else { "longs" }.into(),
        low,
        high,
        peak,
        usd,
        distance_pct: (peak / price - 1.0) * 100.0,
        edge_distance_pct: (inner / price - 1.0) * 100.0,
        share_of_side: if total > 0.0 { usd / total } else { 0.0 },
    }
}

#[cfg(test)]
mod tests;
