//! The check of the model against measured Hyperliquid positions ([`crate::model::measured`]):
//! the `measured` section of `zones --json` and zones.json.

use serde::{Deserialize, Serialize};

use crate::engine::estimate::{self, EstimateParams, Side};
use crate::engine::levels::{self, BandGrid, Levels};
use crate::engine::zones::{Where, Zone, ZoneName};
use crate::model::measured::MeasuredPosition;
use crate::model::snapshot::{MarketSnapshot, VenueSeries};

/// The Hyperliquid series of `snap` that carries measured positions, if any.
pub fn venue(snap: &MarketSnapshot) -> Option<&VenueSeries> {
    snap.venues.iter().find(|v| v.measured_accounts.is_some())
}

/// Sums measured levels (positions with a liquidation price) into the bands of `g`, like
/// [`levels::levels_in`] does for the model: longs at their price below, shorts above.
pub(crate) fn levels_in(positions: &[MeasuredPosition], g: &BandGrid) -> Levels {
    let mut below = vec![(0.0, 0.0); g.n_below];
    let mut above = vec![(0.0, 0.0); g.n_above];
    for p in positions {
        let Some(px) = p.liquidation_price else { continue };
        let Some((side, k)) = g.locate(px) else { continue };
        let cell = match side {
            Where::Above => &mut above[k],
            Where::Below => &mut below[k],
        };
        match p.side {
            Side::Long => cell.0 += p.notional_usd,
            Side::Short => cell.1 += p.notional_usd,
        }
    }
    let mut bands = Vec::with_capacity(g.n_below + g.n_above);
    for k in (0..g.n_below).rev() {
        let (inner, outer) = g.edges(Where::Below, k);
        bands.push(levels::Band { price_low: outer, price_high: inner, long_usd: below[k].0, short_usd: below[k].1 });
    }
    for (k, &(l, s)) in above.iter().enumerate() {
        let (inner, outer) = g.edges(Where::Above, k);
        bands.push(levels::Band { price_low: inner, price_high: outer, long_usd: l, short_usd: s });
    }
    Levels { price: g.price, bands }
}

/// Spearman rank correlation of two equally long series (average ranks for ties); `None` when
/// either is constant or shorter than 3.
pub(crate) fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() < 3 {
        return None;
    }
    crate::engine::stats::spearman(a, b)
}

/// The `measured` section of the zones JSON: what was measured and how the model compares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasuredSummary {
    pub venue: String,
    /// Accounts whose state was read.
    pub accounts_queried: u64,
    /// Of those, with an open position in the symbol.
    pub accounts_with_position: usize,
    /// Of those, with a liquidation price (the others are cross margin with ample collateral).
    pub accounts_with_liquidation_price: usize,
    /// Notional of all measured positions, USD.
    pub position_usd: f64,
    /// Notional of the positions with a liquidation price (the measured levels), USD.
    pub usd_with_levels: f64,
    pub long_usd_with_levels: f64,
    pub short_usd_with_levels: f64,
    /// `position_usd` over the venue's open interest (both sides: longs + shorts), 0..1; null
    /// without open interest.
    pub share_of_open_interest: Option<f64>,
    /// The venue's open interest at capture (one side, USD).
    pub open_interest_usd: Option<f64>,
    pub model_check: ModelCheck,
}

/// The modelled Hyperliquid profile against the measured levels, on the 0.1 % bands within
/// ±25 % of price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCheck {
    /// Modelled Hyperliquid levels within ±25 % (USD, both sides).
    pub model_usd: f64,
    /// Measured levels within ±25 % (USD): `coverage` = this / `model_usd`.
    pub measured_usd_in_range: f64,
    /// Measured USD within ±25 % over the modelled USD there; null without a model.
    pub coverage: Option<f64>,
    /// Bands compared (both sides, long and short USD summed per band).
    pub bands: usize,
    /// Bands holding a measured level.
    pub bands_with_measured: usize,
    /// Spearman rank correlation of modelled vs measured USD per band; null when either is flat.
    pub rank_correlation: Option<f64>,
    /// Share of the measured levels' USD (within ±25 %) whose liquidation price lies inside a
    /// zone A/B/C of the whole map on its own side (longs below, shorts above), 0..1.
    pub share_in_zones: Option<f64>,
    /// The same per zone, in the order of the zones: `[name, side, share]`.
    pub by_zone: Vec<(ZoneName, Where, f64)>,
}

/// The measured section of `snap`'s zones (zones of the whole map, `zones`), with the model
/// check: the Hyperliquid series alone, estimated with `params`. `None` without measured data.
pub fn summarise(
    snap: &MarketSnapshot,
    params: &EstimateParams,
    zones: &[Zone],
    price: f64,
) -> Option<MeasuredSummary> {
    let v = venue(snap)?;
    let accounts_queried = v.measured_accounts?;
    let pos = &v.measured_positions;
    let with_levels: Vec<&MeasuredPosition> = pos.iter().filter(|p| p.liquidation_price.is_some()).collect();
    let side_usd = |s: Side| with_levels.iter().filter(|p| p.side == s).map(|p| p.notional_usd).sum::<f64>();
    let position_usd: f64 = pos.iter().map(|p| p.notional_usd).sum();
    let oi = v.open_interest.last().map(|p| p.oi_usd).filter(|x| *x > 0.0);
    let g = BandGrid::standard(price);
    let measured = levels_in(pos, &g);
    let only_hl = MarketSnapshot { venues: vec![v.clone()], ..snap.clone() };
    let model = estimate::estimate(&only_hl, params).ok().map(|e| levels::levels_in(&e.profile, &g));
    let band_usd = |l: &Levels| l.bands.iter().map(|b| b.long_usd + b.short_usd).collect::<Vec<f64>>();
    let m_usd = band_usd(&measured);
    let measured_in_range: f64 = m_usd.iter().sum();
    let (model_usd, rank_correlation) = match &model {
        Some(l) => {
            let e = band_usd(l);
            (e.iter().sum::<f64>(), spearman(&e, &m_usd))
        }
        None => (0.0, None),
    };
    let in_zone = |z: &Zone, p: &MeasuredPosition| {
        let px = p.liquidation_price.unwrap_or(f64::NAN);
        let side_ok = matches!((z.side, p.side), (Where::Above, Side::Short) | (Where::Below, Side::Long));
        side_ok && px >= z.low && px <= z.high && g.locate(px).is_some()
    };
    let by_zone: Vec<(ZoneName, Where, f64)> = zones
        .iter()
        .map(|z| {
            let usd: f64 = with_levels.iter().filter(|p| in_zone(z, p)).map(|p| p.notional_usd).sum::<f64>() + 0.0;
            (z.name, z.side, if measured_in_range > 0.0 { usd / measured_in_range } else { 0.0 })
        })
        .collect();
    // `+ 0.0`: an empty f64 sum is -0.0, which would print as "-0.0 %".
    let inside: f64 =
        with_levels.iter().filter(|p| zones.iter().any(|z| in_zone(z, p))).map(|p| p.notional_usd).sum::<f64>() + 0.0;
    Some(MeasuredSummary {
        venue: v.venue.clone(),
        accounts_queried,
        accounts_with_position: pos.len(),
        accounts_with_liquidation_price: with_levels.len(),
        position_usd,
        usd_with_levels: side_usd(Side::Long) + side_usd(Side::Short),
        long_usd_with_levels: side_usd(Side::Long),
        short_usd_with_levels: side_usd(Side::Short),
        share_of_open_interest: oi.map(|oi| position_usd / (2.0 * oi)),
        open_interest_usd: oi,
        model_check: ModelCheck {
            model_usd,
            measured_usd_in_range: measured_in_range,
            coverage: (model_usd > 0.0).then(|| measured_in_range / model_usd),
            bands: m_usd.len(),
            bands_with_measured: m_usd.iter().filter(|x| **x > 0.0).count(),
            rank_correlation,
            share_in_zones: (measured_in_range > 0.0).then(|| inside / measured_in_range),
            by_zone,
        },
    })
}

/// The chart's label of the measured layer of `v`: `measured: N accounts, $X = Y % of
/// Hyperliquid open interest` (N accounts with a position, X their notional, Y that over the
/// venue's open interest, both sides).
pub fn headline(v: &VenueSeries) -> String {
    let usd: f64 = v.measured_positions.iter().map(|p| p.notional_usd).sum();
    let share = match v.open_interest.last().map(|p| p.oi_usd).filter(|x| *x > 0.0) {
        Some(oi) => format!(" = {:.2} % of Hyperliquid open interest", 100.0 * usd / (2.0 * oi)),
        None => String::new(),
    };
    format!("measured: {} accounts, {}{share}", v.measured_positions.len(), crate::model::fmt::usd(usd))
}

/// The measured section as text lines for `liqshot zones`.
pub fn to_text(s: &MeasuredSummary) -> String {
    let f = |x: Option<f64>, pct: bool| match x {
        Some(x) if pct => format!("{:.1} %", x * 100.0),
        Some(x) => format!("{x:.2}"),
        None => "n/a".into(),
    };
    let c = &s.model_check;
    let mut out = format!(
        "measured ({}): {} accounts queried, {} with a position ({}), {} with a liquidation price ({}: longs {}, shorts {}); {} of open interest\n",
        s.venue,
        s.accounts_queried,
        s.accounts_with_position,
        crate::model::fmt::usd(s.position_usd),
        s.accounts_with_liquidation_price,
        crate::model::fmt::usd(s.usd_with_levels),
        crate::model::fmt::usd(s.long_usd_with_levels),
        crate::model::fmt::usd(s.short_usd_with_levels),
        f(s.share_of_open_interest, true)
    );
    out += &format!(
        "model check: coverage {} (measured {} vs modelled {} within ±25 %), rank correlation {} over {} bands of 0.1 % ({} measured), {} of measured USD inside zones A/B/C\n",
        f(c.coverage, true),
        crate::model::fmt::usd(c.measured_usd_in_range),
        crate::model::fmt::usd(c.model_usd),
        f(c.rank_correlation, false),
        c.bands,
        c.bands_with_measured,
        f(c.share_in_zones, true)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::measured::{is_address, MarginMode};

    #[test]
    fn spearman_of_monotone_and_reversed_series() {
        let a = [1.0, 2.0, 3.0, 4.0];
        assert!((spearman(&a, &[10.0, 20.0, 30.0, 40.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((spearman(&a, &[4.0, 3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(spearman(&a, &[1.0, 1.0, 1.0, 1.0]), None);
        assert_eq!(crate::engine::stats::ranks(&[5.0, 1.0, 5.0]), [2.5, 1.0, 2.5]);
    }

    #[test]
    fn headline_counts_positions_usd_and_share_of_both_sides_of_open_interest() {
        let snap = crate::model::snapshot::MarketSnapshot::from_json(
            &std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/btcusdt-2025-11-01_10.snapshot.json"))
                .unwrap(),
        )
        .unwrap();
        let mut v = snap.venues[0].clone();
        let oi = v.open_interest.last().unwrap().oi_usd;
        let p = |i: u8, liq: Option<f64>, usd: f64| MeasuredPosition {
            account: format!("0x{i:040x}"),
            side: Side::Long,
            size_coins: 1.0,
            entry: 1.0,
            leverage: 1.0,
            margin_mode: MarginMode::Cross,
            liquidation_price: liq,
            notional_usd: usd,
        };
        v.measured_accounts = Some(9);
        v.measured_positions = vec![p(1, Some(1.0), oi * 0.02), p(2, None, oi * 0.02)];
        let want = format!(
            "measured: 2 accounts, {} = 2.00 % of Hyperliquid open interest",
            crate::model::fmt::usd(oi * 0.04)
        );
        assert_eq!(headline(&v), want);
    }

    #[test]
    fn addresses() {
        assert!(is_address("0x5e9ee1089755c3435139848e47e6635505d5a13a"));
        assert!(!is_address("0x5e9ee1089755c3435139848e47e6635505d5a13"));
        assert!(!is_address("5e9ee1089755c3435139848e47e6635505d5a13a00"));
        assert!(!is_address("0x5e9ee1089755c3435139848e47e6635505d5a13g"));
    }
}
