//! liqshot: estimated liquidation heatmaps from public exchange data.
//!
//! One pipeline, each stage a module with plain data at its boundary; a stage only uses the
//! stages above it in this list (tests/it/architecture.rs checks it). The command line is the
//! binary's (src/cli/, never imported here). See docs/architecture.md.
#![forbid(unsafe_code)]
// The docs are for contributors and link internal items: read them with
// `cargo doc --document-private-items` (CI builds them so, warnings denied).
#![allow(rustdoc::private_intra_doc_links)]

// The library's error type and its exit codes.
pub mod error;
// The one worker pool (a batch's symbols, a venue's requests, Hyperliquid's accounts).
pub mod pool;
// Files: reading input with a size limit, writing output atomically (a failed run never leaves
// a truncated file or replaces a good one).
pub mod files;
// The shared data: `MarketSnapshot` and what it carries.
pub mod model;
// Input: each venue's public API, the cache and `record` (network, clock), or CSV import →
// one `MarketSnapshot`.
pub mod fetch;
// The pure middle: estimate → levels → zones, realized, backtest.
pub mod engine;
// Output: render (PNG/SVG/GIF), report (MD/HTML/JSON), zones text, Pine, the archive.
pub mod output;

pub use error::Error;
pub use model::snapshot::MarketSnapshot;
