//! Maintenance-margin tiers and built-in defaults per venue and symbol class.

use serde::{Deserialize, Serialize};

/// One maintenance-margin tier (bracket): applies to positions whose notional is
/// in `[notional_floor, notional_cap)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarginTier {
    /// Lower bound of position notional (USD) for this tier.
    pub notional_floor: f64,
    /// Upper bound of position notional (USD); `null` in JSON means unbounded.
    #[serde(default, with = "opt_inf")]
    pub notional_cap: f64,
    /// Highest leverage allowed in this tier.
    pub max_leverage: f64,
    /// Maintenance margin rate (0.004 = 0.4 %).
    pub mmr: f64,
    /// Maintenance amount ("cum", USD). Derived from the tiers when `null`.
    #[serde(default)]
    pub maint_amount: Option<f64>,
}

mod opt_inf {
    use serde::{Deserialize, Deserializer, Serializer};
    pub(crate) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_some(v)
        } else {
            s.serialize_none()
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
    }
}

/// Checks tiers: non-empty, ascending, contiguous, rates in (0, 1), leverage >= 1.
pub fn validate(tiers: &[MarginTier]) -> Result<(), String> {
    if tiers.is_empty() {
        return Err("no tiers".into());
    }
    for (i, t) in tiers.iter().enumerate() {
        if !(t.mmr > 0.0 && t.mmr < 1.0) {
            return Err(format!("tier #{i}: mmr {} is not within (0, 1)", t.mmr));
        }
        if !(t.max_leverage >= 1.0 && t.max_leverage.is_finite()) {
            return Err(format!("tier #{i}: max_leverage {} is not a finite number >= 1", t.max_leverage));
        }
        if !(t.notional_floor >= 0.0 && t.notional_cap > t.notional_floor) {
            return Err(format!(
                "tier #{i}: notional range {}..{} is empty or negative",
                t.notional_floor, t.notional_cap
            ));
        }
        if let Some(m) = t.maint_amount {
            if !m.is_finite() {
                return Err(format!("tier #{i}: maint_amount is not finite"));
            }
        }
        if i > 0 && (t.notional_floor - tiers[i - 1].notional_cap).abs() > 1e-6 * t.notional_floor.max(1.0) {
            return Err(format!(
                "tier #{i}: starts at {} but the previous tier ends at {}",
                t.notional_floor,
                tiers[i - 1].notional_cap
            ));
        }
    }
    Ok(())
}

/// The tier for a position of `notional` USD, with its maintenance amount
/// (given, or derived as Binance does: cum_n = cum_{n-1} + floor_n * (mmr_n - mmr_{n-1})).
pub(crate) fn tier_for(tiers: &[MarginTier], notional: f64) -> (MarginTier, f64) {
    let mut cum = 0.0;
    let mut prev_mmr = tiers[0].mmr;
    for (i, t) in tiers.iter().enumerate() {
        if i > 0 {
            cum += t.notional_floor * (t.mmr - prev_mmr);
        }
        prev_mmr = t.mmr;
        let amount = t.maint_amount.unwrap_or(cum);
        if notional < t.notional_cap || i == tiers.len() - 1 {
            return (*t, amount);
        }
    }
    unreachable!("tiers is non-empty")
}

/// The highest leverage any tier allows.
pub fn max_leverage(tiers: &[MarginTier]) -> f64 {
    tiers.iter().map(|t| t.max_leverage).fold(1.0, f64::max)
}

fn tier(floor: f64, cap: f64, lev: f64, mmr: f64) -> MarginTier {
    MarginTier { notional_floor: floor, notional_cap: cap, max_leverage: lev, mmr, maint_amount: None }
}

/// The date the built-in tables were checked against public documentation.
pub(crate) const BUILTIN_DATE: &str = "2026-11";

/// Built-in first tiers per venue and symbol class (see ../shared/notes/markets.md).
/// Only the first two or three brackets matter for retail-sized positions.
/// Returns the tiers and a description of their source.
pub fn builtin(venue: &str, symbol: &str) -> (Vec<MarginTier>, String) {
    let base = base_asset(symbol);
    let major = matches!(base.as_str(), "BTC" | "ETH");
    let inf = f64::INFINITY;
    let tiers = match (venue, base.as_str()) {
        ("bybit", _) if major => vec![tier(0.0, 2_000_000.0, 100.0, 0.005), tier(2_000_000.0, inf, 50.0, 0.01)],
        ("bybit", _) => vec![tier(0.0, 200_000.0, 50.0, 0.01), tier(200_000.0, inf, 25.0, 0.02)],
        ("okx", _) if major => vec![tier(0.0, 500_000.0, 100.0, 0.004), tier(500_000.0, inf, 50.0, 0.01)],
        ("okx", _) => vec![tier(0.0, 100_000.0, 50.0, 0.01), tier(100_000.0, inf, 20.0, 0.02)],
        ("hyperliquid", "BTC") => vec![tier(0.0, inf, 40.0, 0.0125)],
        ("hyperliquid", "ETH") => vec![tier(0.0, inf, 25.0, 0.02)],
        ("hyperliquid", "SOL") => vec![tier(0.0, inf, 20.0, 0.025)],
        ("hyperliquid", _) => vec![tier(0.0, inf, 10.0, 0.05)],
        (_, _) if major => vec![
            tier(0.0, 300_000.0, 150.0, 0.004),
            tier(300_000.0, 800_000.0, 100.0, 0.005),
            tier(800_000.0, 3_000_000.0, 75.0, 0.0065),
            tier(3_000_000.0, inf, 50.0, 0.01),
        ],
        (_, "SOL") => vec![
            tier(0.0, 50_000.0, 100.0, 0.005),
            tier(50_000.0, 250_000.0, 75.0, 0.0065),
            tier(250_000.0, inf, 50.0, 0.01),
        ],
        (_, _) => {
            vec![tier(0.0, 5_000.0, 75.0, 0.01), tier(5_000.0, 50_000.0, 50.0, 0.015), tier(50_000.0, inf, 25.0, 0.02)]
        }
    };
    let class = if major {
        "BTC/ETH"
    } else if base == "SOL" {
        "SOL"
    } else {
        "other"
    };
    let v = if matches!(venue, "bybit" | "okx" | "hyperliquid") { venue } else { "binance" };
    (tiers, format!("built-in {v} default for {class} ({BUILTIN_DATE})"))
}

/// `BTCUSDT`, `BTC-USDT-SWAP`, `BTC/USDT`, `btc` → `BTC`.
pub fn base_asset(symbol: &str) -> String {
    let s = symbol.to_ascii_uppercase();
    let s = s.split(['-', '/', '_', ':']).next().unwrap_or("").to_string();
    for quote in ["USDT", "USDC", "USD", "BUSD"] {
        if let Some(b) = s.strip_suffix(quote) {
            if !b.is_empty() {
                return b.to_string();
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cum_is_derived_like_binance() {
        let (t, _) = builtin("binance", "BTCUSDT");
        // 300k * (0.005 - 0.004) = 300
        let (tier1, cum1) = tier_for(&t, 500_000.0);
        assert_eq!(tier1.mmr, 0.005);
        assert!((cum1 - 300.0).abs() < 1e-9);
        // + 800k * (0.0065 - 0.005) = 1200 → 1500
        let (_, cum2) = tier_for(&t, 1_000_000.0);
        assert!((cum2 - 1500.0).abs() < 1e-9);
        let (tier0, cum0) = tier_for(&t, 10_000.0);
        assert_eq!((tier0.mmr, cum0), (0.004, 0.0));
    }

    #[test]
    fn validate_rejects_gaps_and_bad_rates() {
        let mut t = builtin("binance", "BTCUSDT").0;
        assert!(validate(&t).is_ok());
        t[1].notional_floor = 400_000.0;
        assert!(validate(&t).unwrap_err().contains("tier #1"));
        let mut t = builtin("binance", "BTCUSDT").0;
        t[0].mmr = 0.0;
        assert!(validate(&t).unwrap_err().contains("mmr"));
        assert!(validate(&[]).is_err());
    }

    #[test]
    fn base_assets() {
        for s in ["BTCUSDT", "btc", "BTC-USDT-SWAP", "BTC/USDT", "BTCUSD"] {
            assert_eq!(base_asset(s), "BTC", "{s}");
        }
        assert_eq!(max_leverage(&builtin("hyperliquid", "BTC").0), 40.0);
    }
}
