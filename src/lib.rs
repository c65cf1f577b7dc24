//! liqshot: estimated liquidation heatmaps from public exchange data.
//!
//! Pipeline: snapshot ([`import`] or a saved file) → [`estimate`] → density grid → [`zones`]
//! → [`render`] (PNG/SVG). Every stage after loading is a pure function of its input; the
//! in-memory entry point is [`app::render_scene`].

pub mod app;
pub mod batch;
pub mod bench;
pub mod cli;
pub mod config;
pub mod error;
pub mod estimate;
pub mod fetch;
pub mod fmt;
pub mod import;
pub mod levels;
pub mod log;
pub mod naming;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod snapshot;
pub mod tiers;
pub mod zone_report;
pub mod zones;

pub use error::Error;
pub use snapshot::MarketSnapshot;
