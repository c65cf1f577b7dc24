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

impl Where {
    /// `above` or `below`, as the files write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Where::Above => "above",
            Where::Below => "below",
        }
    }
}

impl std::fmt::Display for Where {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
impl PartialEq<&str> for Where {
    fn eq(&self, o: &&str) -> bool {
        self.as_str() == *o
    }
}

#[cfg(test)]
impl From<&str> for Where {
    fn from(s: &str) -> Self {
        match s {
            "above" => Where::Above,
            "below" => Where::Below,
            _ => panic!("not a side of price: {s:?}"),
        }
    }
}
