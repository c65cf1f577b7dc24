//! Scores every step and puts the figures together.

use super::types::{Backtest, BacktestParams, PricePath, Step};
use crate::snapshot::MarketSnapshot;

/// The backtest of `steps` (from [`super::walk::walk`]) on `path`.
pub fn summarise(snap: &MarketSnapshot, steps: &[Step], path: &PricePath, bt: &BacktestParams) -> Backtest {
    let _ = (snap, steps, path, bt);
    todo!()
}
