//! The data every stage shares: the `MarketSnapshot` (the input of every later stage, saved as
//! versioned JSON) and what it carries. No network, no clock, no other stage.

// Number, price and interval formatting shared by every text output.
pub mod fmt;
// `MarketSnapshot`: candles, open interest, funding, tiers, realized and measured data of one moment.
pub mod snapshot;
// Where a snapshot's data came from, named for readers.
pub mod sources;
// Maintenance-margin tiers per venue, carried in the snapshot.
pub mod tiers;
// Measured Hyperliquid positions carried in the snapshot, and their validation.
pub mod measured;
// The side of a position (long, short) and the venues by name.
pub mod side;
pub mod venue;
