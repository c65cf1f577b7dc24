//! liqshot: estimated liquidation heatmaps from public exchange data.

pub mod error;
pub mod estimate;
pub mod import;
pub mod render;
pub mod snapshot;
pub mod tiers;
pub mod zones;

pub use error::Error;
pub use snapshot::MarketSnapshot;
