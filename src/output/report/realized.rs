//! The report's realized liquidations: the last 24 h per side (total, largest, where they
//! clustered: the 0.1 % band holding the most USD) and, with `--previous`, how much of what was
//! liquidated since the previous report fell inside the zones it named. Pure.

use super::model::{Previous, RealizedSection, SideRow, ZoneHit, ZoneRow};
use super::triggers::PreviousZones;
use crate::engine::realized::{self, SideTotals};
use crate::model::snapshot::{Liquidation, MarketSnapshot};

fn side_row(t: &SideTotals) -> SideRow {
    SideRow {
        events: t.events,
        usd: t.usd,
        largest_usd: t.largest.map(|l| l.usd),
        largest_price: t.largest.map(|l| l.price),
        largest_time: t.largest.map(|l| l.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    }
}

/// The section for `snap` (its last 24 h up to `captured_at`) and the previous report's zones.
pub fn section(snap: &MarketSnapshot, previous: Option<&PreviousZones>) -> RealizedSection {
    if !realized::any(snap) {
        return RealizedSection::default();
    }
    let s = realized::summary(snap, snap.captured_at, realized::LAST_SECS);
    let note = if s.total_events() == 0 {
        "No realized liquidations in the last 24 h of the snapshot.".to_string()
    } else {
        let binance = if s.venues.iter().any(|v| v == "binance") {
            format!(" {}.", crate::fetch::binance::ws::ONE_PER_SECOND)
        } else {
            String::new()
        };
        format!(
            "Realized liquidations (force-closed positions, reported by {}) of the last 24 h.{binance}",
            s.venues.join(", ")
        )
    };
    let previous = previous.map(|p| against(snap, p));
    RealizedSection {
        available: true,
        note,
        venues: s.venues.clone(),
        longs: side_row(&s.longs),
        shorts: side_row(&s.shorts),
        events: s.total_events(),
        usd: s.total_usd(),
        cluster: realized::densest_band(&s.events, realized::CLUSTER_WIDTH),
        previous,
    }
}

fn against(snap: &MarketSnapshot, p: &PreviousZones) -> Previous {
    let secs = (snap.captured_at - p.captured_at).num_seconds().max(0);
    let ev: Vec<Liquidation> = realized::summary(snap, snap.captured_at, secs).events;
    let usd: f64 = ev.iter().map(|e| e.usd).sum();
    let share = |x: f64| (usd > 0.0).then(|| x / usd);
    let inside = |e: &Liquidation, z: &ZoneRow| e.price >= z.low && e.price <= z.high;
    let zones = p
        .zones
        .iter()
        .map(|z| {
            let hit: Vec<&Liquidation> = ev.iter().filter(|e| inside(e, z)).collect();
            let u = hit.iter().map(|e| e.usd).sum();
            ZoneHit {
                name: z.name,
                side: z.side.to_string(),
                low: z.low,
                high: z.high,
                events: hit.len(),
                usd: u,
                share: share(u),
            }
        })
        .collect();
    let inside_usd = ev.iter().filter(|e| p.zones.iter().any(|z| inside(e, z))).map(|e| e.usd).sum();

    Previous {
        since: p.captured_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        events: ev.len(),
        usd,
        zones,
        inside_usd,
        inside_share: share(inside_usd),
    }
}
