//! Sides: of a position (long or short) and of price (above or below).

use serde::{Deserialize, Serialize};

/// Position side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Long,
    Short,
}

/// Which side of price a zone is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Where {
    /// Above price: short positions are liquidated there.
    Above,
    /// Below price: long positions are liquidated there.
    Below,
}
