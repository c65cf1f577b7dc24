//! Exact isolated-margin liquidation prices, per venue.

pub use crate::model::side::Side;

/// Which venue's liquidation formula to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formula {
    /// Binance USD-M: long = (E(1-1/L) - cum/Q)/(1-mmr), short = (E(1+1/L) + cum/Q)/(1+mmr).
    /// Hyperliquid's isolated formula reduces to this with cum = 0.
    Binance,
    /// Bybit linear: long = E - (IM-MM)/Q, short = E + (IM-MM)/Q, MM = N*mmr - deduction.
    Bybit,
    /// OKX isolated: long = E(1-1/L)/(1-mmr-fee), short = E(1+1/L)/(1+mmr+fee), taker fee 0.05 %.
    Okx,
}

/// OKX's default taker fee, which its isolated formula reserves.
pub(crate) const OKX_TAKER_FEE: f64 = 0.0005;

impl Formula {
    /// The formula a venue uses; unknown venues use Binance's.
    pub(crate) fn for_venue(venue: &str) -> Formula {
        match venue {
            "bybit" => Formula::Bybit,
            "okx" => Formula::Okx,
            _ => Formula::Binance,
        }
    }
}

/// Liquidation price of one isolated position.
///
/// `entry` price, `leverage` L, maintenance rate `mmr`, maintenance amount (Binance's `cum`,
/// Bybit's deduction) `maint_amount` in USD, and position `notional` in USD (Q = notional/entry).
/// Returns 0 or less when a long cannot be liquidated (leverage too low for the maintenance amount).
pub fn liquidation_price(
    formula: Formula,
    side: Side,
    entry: f64,
    leverage: f64,
    mmr: f64,
    maint_amount: f64,
    notional: f64,
) -> f64 {
    let qty = notional / entry;
    let per_unit = if qty > 0.0 { maint_amount / qty } else { 0.0 };
    let inv = 1.0 / leverage;
    match (formula, side) {
        (Formula::Binance, Side::Long) => (entry * (1.0 - inv) - per_unit) / (1.0 - mmr),
        (Formula::Binance, Side::Short) => (entry * (1.0 + inv) + per_unit) / (1.0 + mmr),
        (Formula::Bybit, Side::Long) => entry * (1.0 - inv + mmr) - per_unit,
        (Formula::Bybit, Side::Short) => entry * (1.0 + inv - mmr) + per_unit,
        (Formula::Okx, Side::Long) => entry * (1.0 - inv) / (1.0 - mmr - OKX_TAKER_FEE),
        (Formula::Okx, Side::Short) => entry * (1.0 + inv) / (1.0 + mmr + OKX_TAKER_FEE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test vectors from markets.md: mmr 0.4 %, cum 0, distance from entry in %.
    #[test]
    fn binance_vectors() {
        let long = [(5.0, 19.679), (10.0, 9.639), (25.0, 3.614), (50.0, 1.606), (100.0, 0.602)];
        let short = [(5.0, 19.522), (10.0, 9.562), (25.0, 3.586), (50.0, 1.594), (100.0, 0.598)];
        for (lev, pct) in long {
            let p = liquidation_price(Formula::Binance, Side::Long, 100.0, lev, 0.004, 0.0, 1000.0);
            assert!(((100.0 - p) - pct).abs() < 0.0006, "long {lev}x: {p}");
        }
        for (lev, pct) in short {
            let p = liquidation_price(Formula::Binance, Side::Short, 100.0, lev, 0.004, 0.0, 1000.0);
            assert!(((p - 100.0) - pct).abs() < 0.0006, "short {lev}x: {p}");
        }
    }

    #[test]
    fn maintenance_amount_moves_liquidation_towards_entry_less() {
        // Binance tier 2 of BTCUSDT: mmr 0.5 %, cum 300 at 500k notional, 10x.
        let e = 100_000.0;
        let p = liquidation_price(Formula::Binance, Side::Long, e, 10.0, 0.005, 300.0, 500_000.0);
        // Q = 5 BTC, cum/Q = 60: (90_000 - 60) / 0.995
        assert!((p - 89_940.0 / 0.995).abs() < 1e-6);
        let s = liquidation_price(Formula::Binance, Side::Short, e, 10.0, 0.005, 300.0, 500_000.0);
        assert!((s - 110_060.0 / 1.005).abs() < 1e-6);
    }

    #[test]
    fn bybit_and_okx() {
        // Bybit: E(1 - 1/L + mmr) with no deduction.
        let p = liquidation_price(Formula::Bybit, Side::Long, 100.0, 10.0, 0.005, 0.0, 1000.0);
        assert!((p - 90.5).abs() < 1e-9);
        let s = liquidation_price(Formula::Bybit, Side::Short, 100.0, 10.0, 0.005, 0.0, 1000.0);
        assert!((s - 109.5).abs() < 1e-9);
        let o = liquidation_price(Formula::Okx, Side::Long, 100.0, 10.0, 0.004, 0.0, 1000.0);
        assert!((o - 90.0 / 0.9955).abs() < 1e-9);
        assert_eq!(Formula::for_venue("okx"), Formula::Okx);
        assert_eq!(Formula::for_venue("hyperliquid"), Formula::Binance);
    }

    #[test]
    fn always_on_the_correct_side_of_entry() {
        for lev in [2.0, 3.0, 5.0, 20.0, 125.0] {
            for f in [Formula::Binance, Formula::Bybit, Formula::Okx] {
                let l = liquidation_price(f, Side::Long, 50.0, lev, 0.005, 0.0, 1e4);
                let s = liquidation_price(f, Side::Short, 50.0, lev, 0.005, 0.0, 1e4);
                assert!(l < 50.0 && s > 50.0, "{f:?} {lev}x: {l} {s}");
            }
        }
    }
}
