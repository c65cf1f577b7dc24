//! Measured positions: open Hyperliquid positions read from public accounts
//! (`clearinghouseState`), stored in the snapshot beside the modelled series, and their
//! validation. The check of the model against them is [`crate::engine::measured`].
//!
//! A measured position is a fact about one account, not an estimate: its liquidation price is
//! the venue's own (`liquidationPx`). Cross-margin positions with ample collateral have none
//! (`null`): they count in the coverage but put no level on the map.

use serde::{Deserialize, Serialize};

use crate::model::side::Side;

/// Margin mode of a measured position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarginMode {
    Cross,
    Isolated,
}

/// One open position of one account in the snapshot's symbol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredPosition {
    /// The account, `0x` and 40 hex digits, lower case.
    pub account: String,
    pub side: Side,
    /// Position size in coins (> 0; the venue's signed `szi` gives the side).
    pub size_coins: f64,
    /// Average entry price.
    pub entry: f64,
    /// The account's leverage on the coin (`leverage.value`).
    pub leverage: f64,
    pub margin_mode: MarginMode,
    /// The venue's liquidation price; `null` when the account's collateral covers any move.
    pub liquidation_price: Option<f64>,
    /// Position value in USD at the mark price (`positionValue`).
    pub notional_usd: f64,
}

/// `0x` and 40 hex digits.
pub(crate) fn is_address(s: &str) -> bool {
    s.len() == 42 && s.starts_with("0x") && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Checks a venue's measured series: `measured_positions` needs `measured_accounts`; at most
/// one position per account, no more accounts with a position than were queried; every number
/// finite and positive. The message names the item and field.
pub fn check(accounts: Option<u64>, positions: &[MeasuredPosition]) -> Result<(), String> {
    let Some(n) = accounts else {
        if positions.is_empty() {
            return Ok(());
        }
        return Err("measured_positions without measured_accounts (how many accounts were queried)".into());
    };
    let mut seen = std::collections::BTreeSet::new();
    for (i, p) in positions.iter().enumerate() {
        if !is_address(&p.account) {
            return Err(format!(
                "measured_positions #{i}: account {:?} is not a 0x… address (40 hex digits)",
                p.account
            ));
        }
        if !seen.insert(p.account.to_ascii_lowercase()) {
            return Err(format!("measured_positions #{i}: account {} appears twice", p.account));
        }
        for (name, x) in [
            ("size_coins", p.size_coins),
            ("entry", p.entry),
            ("leverage", p.leverage),
            ("notional_usd", p.notional_usd),
        ] {
            if !x.is_finite() || x <= 0.0 {
                return Err(format!(
                    "measured_positions #{i} ({}): {name} {x} is not a positive finite number",
                    p.account
                ));
            }
        }
        if let Some(x) = p.liquidation_price {
            if !x.is_finite() || x <= 0.0 {
                return Err(format!(
                    "measured_positions #{i} ({}): liquidation_price {x} is not a positive finite number or null",
                    p.account
                ));
            }
        }
    }
    if seen.len() as u64 > n {
        return Err(format!(
            "measured_positions: {} accounts with a position but measured_accounts is {n}",
            seen.len()
        ));
    }
    Ok(())
}
