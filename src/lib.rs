//! liqshot: estimated liquidation heatmaps from public exchange data.
//!
//! The stages, in pipeline order. Each takes plain data and returns plain data; the clock and
//! I/O live in `fetch`, `output` and the command line (`cli`). See docs/architecture.md.

// Input: where a snapshot comes from.
// Fetch live data: each venue's public REST API → one `MarketSnapshot` (network, clock, cache).
pub mod fetch;
// Import CSV files (Binance Vision or plain) → one `MarketSnapshot`.
pub mod import;
// `MarketSnapshot`: the input of every later stage, saved as versioned JSON.
pub mod snapshot;
/// Where a snapshot's data came from, named for readers.
pub mod sources;
// A snapshot's parts checked against each other (names, capture time, grid, amounts).
pub mod consistency;
// Measured Hyperliquid positions and the model check against them.
pub mod measured;
// Maintenance-margin tiers per venue, carried in the snapshot.
pub mod tiers;

// The pure middle.
// Estimate: a time-evolving position ledger per venue → a density grid and a live profile.
pub mod estimate;
// Zones A, B and C: the nearest dense clusters of the profile above and below price.
pub mod zones;
// The live profile in 0.1 % price bands (the bands of zones, the chart's profile and `levels`).
pub mod levels;
// The live profile by leverage tier and by venue, in the bands of `levels`.
pub mod breakdown;
// snapshot → estimate → zones in one call (`pipeline::analyse`).
pub mod pipeline;
// Realized liquidations (what was force-closed): per-side totals and clusters of a span.
pub mod realized;
// Walk-forward evidence: how often each step's zones were reached against levels at the same
// distance, with bootstrap intervals and calibrated touch probabilities.
pub mod backtest;

// Output of the analysis.
// Render: the chart as a backend-independent scene → PNG or SVG bytes (`render::render_scene`
// from a snapshot).
pub mod render;
// `liqshot zones` output: the zones as a text table or JSON.
pub mod zone_report;
// `liqshot levels --pine`: zones and top levels as a TradingView Pine Script indicator.
pub mod pine;
// The daily pre-trade report: analysis → `report::model::Report` → Markdown, HTML, JSON.
pub mod report;
// Writing files atomically: a failed run never leaves a truncated file.
pub mod output;
// The publishing archive of reports: an index page and an Atom feed, newest first.
pub mod archive;
// Reading input files with a size limit.
pub mod input;

// Shared helpers.
// The library's error type and its exit codes.
pub mod error;
// Number formatting shared by the text outputs.
pub mod fmt;
// The one worker pool (a batch's symbols, a venue's requests, Hyperliquid's accounts).
pub mod pool;
// Rank statistics (Spearman) shared by the realized and measured checks.
pub mod stats;
// Synthetic inputs made from a real snapshot, for scaling measurements (bench, benches/).
pub mod synth;

// The shell.
// The command line: arguments, one module per command, config file, batches, logging.
pub mod cli;

pub use error::Error;
pub use snapshot::MarketSnapshot;
