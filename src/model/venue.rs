//! The venues liqshot reads, by name.

use crate::error::Error;

/// A supported venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Venue {
    Binance,
    Bybit,
    Okx,
    Hyperliquid,
}

impl Venue {
    pub const ALL: [Venue; 4] = [Venue::Binance, Venue::Bybit, Venue::Okx, Venue::Hyperliquid];

    pub fn name(self) -> &'static str {
        match self {
            Venue::Binance => "binance",
            Venue::Bybit => "bybit",
            Venue::Okx => "okx",
            Venue::Hyperliquid => "hyperliquid",
        }
    }

    /// The venue called `name` (any case), as `--exchange`, `--venue` and the config file take it.
    pub(crate) fn from_name(name: &str) -> Option<Venue> {
        Venue::ALL.into_iter().find(|v| v.name().eq_ignore_ascii_case(name))
    }

    /// The venue names, comma-separated, for messages listing what is allowed.
    pub fn names() -> String {
        Venue::ALL.map(Venue::name).join(", ")
    }

    /// Parses `binance,bybit,okx` (for `--exchange`).
    pub fn parse_list(s: &str) -> Result<Vec<Venue>, Error> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let v = Venue::from_name(part)
                .ok_or_else(|| Error::Usage(format!("--exchange: unknown venue {part:?} (use {})", Venue::names())))?;
            if !out.contains(&v) {
                out.push(v);
            }
        }
        if out.is_empty() {
            return Err(Error::Usage("--exchange: no venue given".into()));
        }
        Ok(out)
    }
}
