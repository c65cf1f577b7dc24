//! The zone rule (v2): whole shelves, the nearest and the biggest fuel in reach.
//!
//! On each side of price, alone (shorts above, longs below), in the 0.1 % bands of
//! [`crate::engine::levels`] out to ±25 %:
//! 1. **Reach** `R` = the larger of ±8 % and three trailing daily standard deviations (see
//!    [`super::reach()`]), at most ±25 %. It comes from the snapshot's own candles, never from the
//!    chart's window, size or preset.
//! 2. A band is **dense** when it holds at least `shelf_density` (1.25) times the side's mean USD
//!    per non-empty band within the reach (or as much as the densest band in reach, where no band
//!    reaches that: a lone plateau): clearly brighter than the side's average band.
//! 3. A **shelf** is a run of dense bands, joined across gaps of at most `join_gap` (2) bands
//!    (0.2 %). Its USD is the sum of every band inside it, gaps included. Shelves of one side are
//!    at least three bands apart: they never touch or overlap.
//! 4. A shelf holding less than `min_share` (2 %) of the side's USD within ±25 % is noise and
//!    dropped, unless it holds the side's densest band within ±8 %.
//! 5. **A** = the nearest shelf above price, **B** = the nearest below. **C above** / **C below** =
//!    of the shelves beyond A (B) whose near edge lies within the reach, the one with the most
//!    USD; if the side's densest band within ±8 % lies in neither A (B) nor that shelf, C is the
//!    shelf holding that band instead, so the brightest band a trader can see is always labelled.
//!    The other shelves within the reach are listed as `other`, the ones beyond it as `far`.

use super::{
    make_zone, side_bins, Builder, Cluster, SideBins, Where, ZoneName, ZoneParams, ZoneRule, Zones, MIN_REACH,
};
use crate::engine::estimate::Profile;

/// Number of bands of `s` whose inner edge lies within `reach` (a fraction of price) of `price`.
fn bands_within(s: &SideBins, price: f64, reach: f64) -> usize {
    s.edges.iter().take_while(|(inner, _)| (inner / price - 1.0).abs() < reach - 1e-12).count()
}

/// The shelves of one side (steps 2-4), ordered from price outwards.
fn shelves(s: &SideBins, p: &ZoneParams, n_reach: usize, densest: Option<usize>) -> Vec<Cluster> {
    let n = s.usd.len();
    let nr = n_reach.min(n);
    if nr == 0 {
        return vec![];
    }
    // The mean over the non-empty bands: empty bands far from price would pull it down until
    // every band near price counted as dense.
    let nonempty = s.usd[..nr].iter().filter(|u| **u > 0.0).count();
    if nonempty == 0 {
        return vec![];
    }
    let mean = s.usd[..nr].iter().sum::<f64>() / nonempty as f64;
    // At most the side's densest band in reach: a lone plateau (every non-empty band alike) is
    // one shelf, not none.
    let max = s.usd[..nr].iter().fold(0.0f64, |m, u| m.max(*u));
    let threshold = (p.shelf_density * mean).min(max);
    let mut runs: Vec<Cluster> = Vec::new();
    // The densest band within ±8 % counts as dense even when the reach's mean is higher.
    for k in (0..n).filter(|&k| (s.usd[k] > 0.0 && s.usd[k] >= threshold) || Some(k) == densest) {
        match runs.last_mut() {
            Some(c) if k - c.b - 1 <= p.join_gap => c.b = k,
            _ => runs.push(Cluster { a: k, b: k }),
        }
    }
    let total: f64 = s.usd.iter().sum();
    runs.retain(|c| {
        let usd: f64 = s.usd[c.a..=c.b].iter().sum();
        usd >= p.min_share * total || densest.is_some_and(|d| c.a <= d && d <= c.b)
    });
    runs
}

/// Zones A, B, C above and C below by the v2 rule, `reach` a fraction of price (see
/// [`super::reach()`]).
pub fn find_zones(profile: &Profile, price: f64, p: &ZoneParams, reach: f64) -> Zones {
    let mut out = Builder::new(price, ZoneRule::V2, Some(reach * 100.0));
    for (k, side) in [Where::Above, Where::Below].into_iter().enumerate() {
        let s = side_bins(profile, price, side, p);
        let total: f64 = s.usd.iter().sum();
        out.set_total(side, total);
        let n8 = bands_within(&s, price, MIN_REACH);
        let densest =
            (0..n8).filter(|&i| s.usd[i] > 0.0).max_by(|&x, &y| s.usd[x].total_cmp(&s.usd[y]).then(y.cmp(&x)));
        let nr = bands_within(&s, price, reach);
        let cl = shelves(&s, p, nr, densest);
        let Some(first) = cl.first() else { continue };
        out.found[k].push(make_zone(ZoneName::near(side), side, &s, first, price, total));
        let usd = |c: &Cluster| s.usd[c.a..=c.b].iter().sum::<f64>();
        let holds = |c: &Cluster, i: usize| c.a <= i && i <= c.b;
        let (inside, beyond): (Vec<&Cluster>, Vec<&Cluster>) = cl[1..].iter().partition(|c| c.a < nr);
        let mut c = inside.iter().copied().max_by(|x, y| usd(x).total_cmp(&usd(y)).then(y.a.cmp(&x.a)));
        if let Some(d) = densest.filter(|&d| !holds(first, d) && !c.is_some_and(|c| holds(c, d))) {
            c = inside.iter().copied().find(|x| holds(x, d)).or(c);
        }
        if let Some(c) = c {
            out.found[k].push(make_zone(ZoneName::far_c(side), side, &s, c, price, total));
        }
        for o in inside.iter().filter(|o| Some(**o) != c) {
            out.other.push(make_zone(ZoneName::Other, side, &s, o, price, total));
        }
        for f in beyond {
            out.far.push(make_zone(ZoneName::Far, side, &s, f, price, total));
        }
    }
    out.finish()
}
