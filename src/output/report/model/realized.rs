//! The data of the report's `realized` section (`report::realized` computes it): the last 24 h
//! per side and, with `--previous`, what fell inside the zones it named.

use serde::Serialize;

use crate::engine::realized::Cluster;
use crate::engine::zones::ZoneName;

/// Where the section's data comes from, said when the snapshot holds none.
pub const NONE_NOTE: &str = "The snapshot has no realized liquidations.";

/// One side's last 24 h.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SideRow {
    pub events: usize,
    pub usd: f64,
    /// The largest single event: USD, price and time (RFC 3339); null without events.
    pub largest_usd: Option<f64>,
    pub largest_price: Option<f64>,
    pub largest_time: Option<String>,
}

/// A previous zone and the realized USD inside it since the previous report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneHit {
    pub name: ZoneName,
    pub side: String,
    pub low: f64,
    pub high: f64,
    pub events: usize,
    pub usd: f64,
    /// `usd` / all realized USD since the previous report.
    pub share: Option<f64>,
}

/// Against the previous report's zones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Previous {
    /// The span: the previous report's time to this snapshot's (RFC 3339).
    pub since: String,
    pub events: usize,
    pub usd: f64,
    pub zones: Vec<ZoneHit>,
    /// Inside any of the zones (an event in two overlapping zones counts once), and its share.
    pub inside_usd: f64,
    pub inside_share: Option<f64>,
}

/// The report's `realized` section (the default: a snapshot without realized liquidations).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RealizedSection {
    /// Whether the snapshot holds any realized liquidation.
    pub available: bool,
    /// One line: what the section shows, or [`NONE_NOTE`].
    pub note: String,
    /// Venues of the last 24 h's events.
    pub venues: Vec<String>,
    pub longs: SideRow,
    pub shorts: SideRow,
    pub events: usize,
    pub usd: f64,
    /// The 0.1 % band with the most USD over the last 24 h (both sides).
    pub cluster: Option<Cluster>,
    /// With `--previous`: what fell inside the zones it named; null without.
    pub previous: Option<Previous>,
}

impl Default for RealizedSection {
    fn default() -> Self {
        RealizedSection {
            available: false,
            note: NONE_NOTE.into(),
            venues: vec![],
            longs: SideRow::default(),
            shorts: SideRow::default(),
            events: 0,
            usd: 0.0,
            cluster: None,
            previous: None,
        }
    }
}
