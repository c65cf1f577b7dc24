//! The first zone rule (`--zone-rule v1`), kept so a user can compare:
//! 1. The side's 0.1 % bands are smoothed with a triangular kernel (1-2-3-2-1) and a band is
//!    *dense* when its smoothed USD is at least `density_factor` (1.5) times the mean over the
//!    side's non-empty bands.
//! 2. Every local maximum of the smoothed profile that is dense is a cluster peak (strongest
//!    first); its cluster reaches out to where the smoothed profile falls to half the peak's
//!    height (or to the side's mean, if higher) or starts rising again. Clusters holding less
//!    than `min_share` (2 %) of the side's total are noise and dropped.
//! 3. A = the nearest cluster above price; B = the nearest below. C (each side) = among the
//!    clusters beyond A (B) whose near edge lies within the window's reach (the chart's price
//!    range), the densest: the most USD in one of its 0.1 % bands (of two as dense, the larger).
//!    Clusters beyond the reach are listed as `far`.
//!
//! Its zones depend on the chart's window (through the reach) and cut wide shelves into the
//! half-height width of one local maximum: see docs/method.md, "Zones A, B and C", for why v2 replaced it.

use super::{make_zone, side_bins, Builder, Cluster, SideBins, Where, ZoneName, ZoneParams, Zones};
use crate::engine::estimate::Profile;

/// Clusters on one side, ordered from price outwards.
fn clusters(s: &SideBins, p: &ZoneParams) -> Vec<Cluster> {
    let n = s.usd.len();
    let kernel = [1.0, 2.0, 3.0, 2.0, 1.0];
    let sm: Vec<f64> = (0..n)
        .map(|i| {
            let mut acc = 0.0;
            for (j, w) in kernel.iter().enumerate() {
                let k = i as isize + j as isize - 2;
                if k >= 0 && (k as usize) < n {
                    acc += w * s.usd[k as usize];
                }
            }
            acc / 9.0
        })
        .collect();
    let nonzero: Vec<f64> = sm.iter().copied().filter(|v| *v > 0.0).collect();
    if nonzero.is_empty() {
        return vec![];
    }
    let mean = nonzero.iter().sum::<f64>() / nonzero.len() as f64;
    let threshold = p.density_factor * mean;
    let total: f64 = s.usd.iter().sum();
    // Dense peaks: local maxima of the smoothed profile at or above the threshold,
    // strongest first so a weaker peak inside a stronger one's extent is absorbed.
    let mut peaks: Vec<usize> = (0..n)
        .filter(|&i| {
            let left = if i > 0 { sm[i - 1] } else { 0.0 };
            let right = if i + 1 < n { sm[i + 1] } else { 0.0 };
            sm[i] >= threshold && sm[i] >= left && sm[i] > right
        })
        .collect();
    peaks.sort_by(|a, b| sm[*b].total_cmp(&sm[*a]).then(a.cmp(b)));
    let mut taken = vec![false; n];
    let mut out = Vec::new();
    for k in peaks {
        if taken[k] {
            continue;
        }
        // Extent: while above half the peak's height (and above the side's mean), stopping
        // where the profile rises again.
        let level = (0.5 * sm[k]).max(mean);
        let (mut a, mut b) = (k, k);
        while a > 0 && !taken[a - 1] && sm[a - 1] > level && sm[a - 1] <= sm[a] {
            a -= 1;
        }
        while b + 1 < n && !taken[b + 1] && sm[b + 1] > level && sm[b + 1] <= sm[b] {
            b += 1;
        }
        taken[a..=b].iter_mut().for_each(|t| *t = true);
        let usd: f64 = s.usd[a..=b].iter().sum();
        if usd > 0.0 && usd >= p.min_share * total {
            out.push(Cluster { a, b });
        }
    }
    out.sort_by_key(|c| c.a);
    out
}

/// Zones A, B and C by the v1 rule. `reach` is the price range a trader can reach in the
/// window (the chart's default range, see [`crate::engine::estimate::window_price_range`]); zone C is
/// chosen among the clusters whose near edge lies inside it, and the clusters beyond it are
/// listed in [`Zones::far`]. `None`: no limit.
pub fn find_zones(profile: &Profile, price: f64, p: &ZoneParams, reach: Option<(f64, f64)>) -> Zones {
    let mut out = Builder::new(price, super::ZoneRule::V1, None);
    for (k, side) in [Where::Above, Where::Below].into_iter().enumerate() {
        let s = side_bins(profile, price, side, p);
        let total: f64 = s.usd.iter().sum();
        out.set_total(side, total);
        let cl = clusters(&s, p);
        let Some(first) = cl.first() else { continue };
        out.found[k].push(make_zone(ZoneName::near(side), side, &s, first, price, total));
        let within = |c: &Cluster| {
            let inner = s.edges[c.a].0;
            reach.is_none_or(|(lo, hi)| inner >= lo && inner <= hi)
        };
        let usd = |c: &Cluster| s.usd[c.a..=c.b].iter().sum::<f64>();
        // C: the densest reachable cluster beyond A (B); of two as dense, the larger.
        let densest = |c: &Cluster| s.usd[c.a..=c.b].iter().fold(0.0f64, |m, v| m.max(*v));
        let beyond = cl[1..]
            .iter()
            .filter(|c| within(c))
            .max_by(|x, y| densest(x).total_cmp(&densest(y)).then(usd(x).total_cmp(&usd(y))));
        if let Some(c) = beyond {
            out.found[k].push(make_zone(ZoneName::far_c(side), side, &s, c, price, total));
        }
        for c in cl[1..].iter().filter(|c| !within(c)) {
            out.far.push(make_zone(ZoneName::Far, side, &s, c, price, total));
        }
    }
    out.finish()
}
