//! `liqshot backtest --json`: the [`Backtest`] as `liqshot-backtest/1` (pretty-printed, a final
//! newline; every field documented in docs/backtest-format.md). Pure.

use super::result::Backtest;

/// The JSON bytes of `bt`. Non-finite numbers (none are expected) come out as `null`.
pub fn to_json(bt: &Backtest) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(bt).expect("a backtest serialises");
    v.push(b'\n');
    v
}
