//! The names of zones: what `Zone::name` holds. It serialises as (and prints) the strings
//! liqshot always wrote (`A`, `B`, `C above`, `C below`, `far`, `other`), so code decides on
//! variants while JSON, CSV and the templates keep their text.

use serde::{Deserialize, Serialize};

use crate::model::side::Where;

/// A zone's name. The variants are declared in the order of their strings, so `Ord` (and a
/// `BTreeMap` keyed by them, as the backtest's `zones`) orders them as the strings did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ZoneName {
    /// The nearest shelf above price.
    #[serde(rename = "A")]
    A,
    /// The nearest shelf below price.
    #[serde(rename = "B")]
    B,
    /// Either C zone, as liqshot wrote it before the two had names of their own: only read
    /// from old `--previous` files, and turned into [`ZoneName::CAbove`] or
    /// [`ZoneName::CBelow`] by [`ZoneName::modern`].
    #[serde(rename = "C")]
    C,
    /// The most fuel in reach beyond A.
    #[serde(rename = "C above")]
    CAbove,
    /// The most fuel in reach beyond B.
    #[serde(rename = "C below")]
    CBelow,
    /// A shelf beyond the reach ([`super::Zones::far`]).
    #[serde(rename = "far")]
    Far,
    /// A shelf within the reach that carries no letter ([`super::Zones::other`]).
    #[serde(rename = "other")]
    Other,
}

/// The labelled names, in the order [`super::Zones::zones`] holds them.
pub const LABELLED: [ZoneName; 4] = [ZoneName::A, ZoneName::B, ZoneName::CAbove, ZoneName::CBelow];

impl ZoneName {
    /// The name as liqshot writes it: `A`, `B`, `C`, `C above`, `C below`, `far`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneName::A => "A",
            ZoneName::B => "B",
            ZoneName::C => "C",
            ZoneName::CAbove => "C above",
            ZoneName::CBelow => "C below",
            ZoneName::Far => "far",
            ZoneName::Other => "other",
        }
    }

    /// The chart's short tag: `A`, `B`, `C↑`, `C↓` (other names as written).
    pub fn tag(self) -> &'static str {
        match self {
            ZoneName::CAbove => "C↑",
            ZoneName::CBelow => "C↓",
            n => n.as_str(),
        }
    }

    /// The nearest zone's name on `side` (A above, B below).
    pub fn near(side: Where) -> ZoneName {
        match side {
            Where::Above => ZoneName::A,
            Where::Below => ZoneName::B,
        }
    }

    /// The C zone's name on `side`.
    pub(crate) fn far_c(side: Where) -> ZoneName {
        match side {
            Where::Above => ZoneName::CAbove,
            Where::Below => ZoneName::CBelow,
        }
    }

    /// The name in today's form: the old `C` becomes the C of `side`; other names unchanged.
    /// Reads old `--previous` files.
    pub(crate) fn modern(self, side: Where) -> ZoneName {
        match self {
            ZoneName::C => ZoneName::far_c(side),
            n => n,
        }
    }

    /// One of A, B, C above, C below (not `far`, `other` or the old `C`).
    pub(crate) fn is_labelled(self) -> bool {
        LABELLED.contains(&self)
    }
}

impl std::str::FromStr for ZoneName {
    type Err = String;

    /// The name written `s` (exactly as [`ZoneName::as_str`] writes it).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ALL.into_iter().find(|n| n.as_str() == s).ok_or_else(|| format!("not a zone name: {s:?}"))
    }
}

/// Every name, in order.
const ALL: [ZoneName; 7] =
    [ZoneName::A, ZoneName::B, ZoneName::C, ZoneName::CAbove, ZoneName::CBelow, ZoneName::Far, ZoneName::Other];

impl std::fmt::Display for ZoneName {
    /// The name as written (`C above`); honours width and alignment like a `&str`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// For the unit tests' hand-built rows (`"C above".into()`), as the report's word enums.
#[cfg(test)]
impl From<&str> for ZoneName {
    fn from(s: &str) -> Self {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn serialises_displays_and_orders_as_the_strings() {
        for n in ALL {
            assert_eq!(serde_json::to_string(&n).unwrap(), format!("\"{}\"", n.as_str()));
            assert_eq!(serde_json::from_str::<ZoneName>(&format!("\"{n}\"")).unwrap(), n);
            assert_eq!(n.to_string().parse(), Ok(n));
        }
        let mut sorted = ALL;
        sorted.sort_by_key(|n| n.as_str());
        assert_eq!(sorted, ALL, "Ord is the strings' order");
        assert_eq!(format!("[{:<8}]", ZoneName::A), "[A       ]", "width pads like a &str");
        let map: BTreeMap<ZoneName, u8> = [(ZoneName::CBelow, 1), (ZoneName::A, 2)].into();
        assert_eq!(serde_json::to_string(&map).unwrap(), r#"{"A":2,"C below":1}"#);
        assert_eq!(serde_json::from_str::<BTreeMap<ZoneName, u8>>(r#"{"A":2,"C below":1}"#).unwrap(), map);
        assert!(serde_json::from_str::<ZoneName>("\"D\"").is_err() && "c above".parse::<ZoneName>().is_err());
    }

    #[test]
    fn the_old_c_takes_its_side() {
        assert_eq!(ZoneName::C.modern(Where::Below), ZoneName::CBelow);
        assert_eq!(ZoneName::C.modern(Where::Above), ZoneName::CAbove);
        assert_eq!(ZoneName::A.modern(Where::Below), ZoneName::A);
        assert!(LABELLED.iter().all(|n| n.is_labelled()) && !ZoneName::C.is_labelled());
        assert_eq!(LABELLED.map(ZoneName::tag), ["A", "B", "C↑", "C↓"]);
    }
}
