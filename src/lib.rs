//! liqshot: estimated liquidation heatmaps from public exchange data.
//!
//! Pipeline: snapshot (import or fetch) → [`estimate`] → density grid → [`zones`]
//! → [`render`]. Every stage after loading is a pure function of its input.

pub mod error;
pub mod render;
pub mod snapshot;
pub mod tiers;

pub use error::Error;
pub use snapshot::MarketSnapshot;
