//! The pure middle: a snapshot in, numbers out. No network, no clock, no files.

// Candles resampled to a longer interval (the report's structure and context, the chart's
// reference week).
pub(crate) mod resample;
// Estimate: a time-evolving position ledger per venue → a density grid and a live profile.
pub mod estimate;
// The live profile in 0.1 % price bands (the bands of zones, the chart's profile and `levels`).
pub mod levels;
// The live profile by leverage tier and by venue, in the bands of `levels`.
pub mod breakdown;
// Zones A, B and C: the nearest dense clusters of the profile above and below price.
pub mod zones;
// snapshot → estimate → zones in one call (`pipeline::analyse`).
pub mod pipeline;
// Realized liquidations (what was force-closed): per-side totals and clusters of a span.
pub mod realized;
// The model checked against measured Hyperliquid positions (zones --json, zones.json).
pub mod measured;
// Rank statistics (Spearman) shared by the realized and measured checks.
pub mod stats;
// Walk-forward evidence: how often each step's zones were reached against levels at the same
// distance, with bootstrap intervals and calibrated touch probabilities; the map as fuel.
pub mod backtest;
// Synthetic inputs made from a real snapshot, for scaling measurements (bench, benches/).
pub mod synth;
