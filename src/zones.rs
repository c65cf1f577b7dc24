//! Zones A, B and C: the nearest dense clusters of estimated liquidations around price.
//!
//! The rule (documented in the README):
//! 1. The live profile is summed into cluster bins `cluster_width` wide (0.1 % of price) within
//!    `max_distance` (±25 %) of price, shorts above price and longs below, each side alone.
//! 2. Each side is smoothed with a triangular kernel (1-2-3-2-1) and a cluster bin is *dense*
//!    when its smoothed USD is at least `density_factor` (1.5) times the mean over the side's
//!    non-empty cluster bins.
//! 3. Every local maximum of the smoothed profile that is dense is a cluster peak (strongest
//!    first); its cluster reaches out to where the smoothed profile falls to half the peak's
//!    height (or to the side's mean, if higher) or starts rising again. Clusters holding less than `min_share`
//!    (2 %) of the side's total are noise and dropped.
//! 4. A = the nearest cluster above price; B = the nearest below. C (each side) = among the
//!    clusters beyond A (B) whose near edge lies within the window's reach (the chart's price
//!    range), the densest: the most USD in one of its 0.1 % bands, its longest bar on the
//!    chart's profile (of two as dense, the larger). Size counts through step 3's floor (2 % of the side). The brightest
//!    band a trader can reach is labelled, not a wide cluster far off the chart. Clusters beyond
//!    the reach are listed as `far` (report and `liqshot zones` only, not on the chart).
//!
//! The cluster bins are the bands of [`crate::levels`]: 0.1 % of price wide, out to ±25 %.

use serde::Serialize;

use crate::estimate::Profile;
use crate::levels::BandGrid;

/// Parameters of the dense-cluster rule.
#[derive(Debug, Clone, Copy)]
pub struct ZoneParams {
    pub cluster_width: f64,
    pub density_factor: f64,
    pub min_share: f64,
    pub max_distance: f64,
}

impl Default for ZoneParams {
    fn default() -> Self {
        ZoneParams { cluster_width: 0.001, density_factor: 1.5, min_share: 0.02, max_distance: 0.25 }
    }
}

/// Which side of price a zone is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Where {
    /// Above price: short positions are liquidated there.
    Above,
    /// Below price: long positions are liquidated there.
    Below,
}

/// One labelled zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Zone {
    /// `A`, `B` or `C`.
    pub name: String,
    pub side: Where,
    /// `shorts` (above) or `longs` (below): whose liquidations sit there.
    pub liquidates: String,
    pub low: f64,
    pub high: f64,
    /// Price of the densest level in the zone.
    pub peak: f64,
    /// Estimated USD notional liquidated across the zone.
    pub usd: f64,
    /// Distance from price to the peak, % (positive above, negative below).
    pub distance_pct: f64,
    /// Distance from price to the zone's near edge, % (positive above, negative below).
    pub edge_distance_pct: f64,
    /// Share of the side's total estimated notional (0..1).
    pub share_of_side: f64,
}

/// The zones around `price`, with the side totals they were measured against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Zones {
    pub price: f64,
    /// Estimated short notional above price, within `max_distance`.
    pub above_usd: f64,
    /// Estimated long notional below price, within `max_distance`.
    pub below_usd: f64,
    /// A, B, C (above), C (below), in that order, where each exists.
    pub zones: Vec<Zone>,
    /// Clusters beyond A (B) whose near edge lies outside the window's reach: listed in the
    /// report and `liqshot zones`, not labelled on the chart. Named `far`, nearest first per side.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub far: Vec<Zone>,
}

impl Zones {
    pub fn get(&self, name: &str, side: Where) -> Option<&Zone> {
        self.zones.iter().find(|z| z.name == name && z.side == side)
    }
}

/// One side's cluster bins, ordered from price outwards.
struct SideBins {
    /// (inner price edge, outer price edge) per cluster bin.
    edges: Vec<(f64, f64)>,
    usd: Vec<f64>,
    /// Per cluster bin: (peak price, peak usd) of the profile bins inside.
    peak: Vec<(f64, f64)>,
}

/// The side's own liquidations (shorts above, longs below) in the bands of
/// [`crate::levels::BandGrid`]: the same bands `liqshot levels` prints.
fn side_bins(profile: &Profile, price: f64, side: Where, p: &ZoneParams) -> SideBins {
    let g = BandGrid::new(price, p.cluster_width, p.max_distance);
    let n = g.count(side);
    let mut out = SideBins { edges: (0..n).map(|k| g.edges(side, k)).collect(), usd: vec![0.0; n], peak: vec![(0.0, 0.0); n] };
    let values = match side {
        Where::Above => &profile.short,
        Where::Below => &profile.long,
    };
    for (i, &v) in values.iter().enumerate() {
        if v <= 0.0 {
            continue;
        }
        let c = profile.bins.center(i);
        match g.locate(c) {
            Some((s, k)) if s == side => {
                out.usd[k] += v;
                if v > out.peak[k].1 {
                    out.peak[k] = (c, v);
                }
            }
            _ => {}
        }
    }
    out
}

/// One cluster: its first and last bin (from price outwards).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cluster {
    a: usize,
    b: usize,
}

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

fn make_zone(name: &str, side: Where, s: &SideBins, c: &Cluster, price: f64, total: f64) -> Zone {
    let (a, b) = (c.a, c.b);
    let usd: f64 = s.usd[a..=b].iter().sum();
    let peak = s.peak[a..=b].iter().copied().fold((0.0, -1.0), |m, x| if x.1 > m.1 { x } else { m }).0;
    let (inner, outer) = (s.edges[a].0, s.edges[b].1);
    let (low, high) = if inner < outer { (inner, outer) } else { (outer, inner) };
    Zone {
        name: name.into(),
        side,
        liquidates: if side == Where::Above { "shorts" } else { "longs" }.into(),
        low,
        high,
        peak,
        usd,
        distance_pct: (peak / price - 1.0) * 100.0,
        edge_distance_pct: (inner / price - 1.0) * 100.0,
        share_of_side: if total > 0.0 { usd / total } else { 0.0 },
    }
}

/// Finds zones A, B and C around `price` in the live profile. `reach` is the price range a
/// trader can reach in the window (the chart's default range, see
/// [`crate::estimate::window_price_range`]); zone C is chosen among the clusters whose near
/// edge lies inside it, and the clusters beyond it are listed in [`Zones::far`]. `None`: no limit.
pub fn find_zones(profile: &Profile, price: f64, p: &ZoneParams, reach: Option<(f64, f64)>) -> Zones {
    let mut zones = Vec::new();
    let mut far = Vec::new();
    let mut totals = [0.0; 2];
    let mut found: [Vec<Zone>; 2] = [vec![], vec![]];
    for (k, side) in [Where::Above, Where::Below].into_iter().enumerate() {
        let s = side_bins(profile, price, side, p);
        let total: f64 = s.usd.iter().sum();
        totals[k] = total;
        let cl = clusters(&s, p);
        let Some(first) = cl.first() else { continue };
        found[k].push(make_zone(if side == Where::Above { "A" } else { "B" }, side, &s, first, price, total));
        let within = |c: &Cluster| {
            let inner = s.edges[c.a].0;
            reach.is_none_or(|(lo, hi)| inner >= lo && inner <= hi)
        };
        let usd = |c: &Cluster| s.usd[c.a..=c.b].iter().sum::<f64>();
        // C: the densest reachable cluster beyond A (B); of two as dense, the larger.
        let densest = |c: &Cluster| s.usd[c.a..=c.b].iter().fold(0.0f64, |m, v| m.max(*v));
        let beyond = cl[1..].iter().filter(|c| within(c)).max_by(|x, y| densest(x).total_cmp(&densest(y)).then(usd(x).total_cmp(&usd(y))));
        if let Some(c) = beyond {
            found[k].push(make_zone("C", side, &s, c, price, total));
        }
        for c in cl[1..].iter().filter(|c| !within(c)) {
            far.push(make_zone("far", side, &s, c, price, total));
        }
    }
    // Order: A, B, C above, C below.
    let [mut above, mut below] = found;
    let c_above = (above.len() > 1).then(|| above.remove(1));
    let c_below = (below.len() > 1).then(|| below.remove(1));
    zones.extend(above);
    zones.extend(below);
    zones.extend(c_above);
    zones.extend(c_below);
    Zones { price, above_usd: totals[0], below_usd: totals[1], zones, far }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::ledger::Bins;

    fn profile_with(levels: &[(f64, f64, bool)]) -> Profile {
        let bins = Bins::new(50.0, 200.0, 0.0002);
        let mut p = Profile { bins, long: vec![0.0; bins.count], short: vec![0.0; bins.count] };
        // A thin uniform background on both sides so "dense" is relative to something.
        for i in 0..bins.count {
            let c = bins.center(i);
            if c < 100.0 {
                p.long[i] = 1.0;
            } else {
                p.short[i] = 1.0;
            }
        }
        for &(price, usd, long) in levels {
            let i = bins.index(price).unwrap();
            if long {
                p.long[i] += usd;
            } else {
                p.short[i] += usd;
            }
        }
        p
    }

    #[test]
    fn finds_nearest_and_larger_secondary_each_side() {
        let p = profile_with(&[
            (101.0, 500.0, false),
            (105.0, 2000.0, false),
            (103.0, 800.0, false),
            (97.0, 700.0, true),
            (90.0, 3000.0, true),
        ]);
        let z = find_zones(&p, 100.0, &ZoneParams::default(), None);
        let names: Vec<(String, Where)> = z.zones.iter().map(|z| (z.name.clone(), z.side)).collect();
        assert_eq!(
            names,
            vec![("A".into(), Where::Above), ("B".into(), Where::Below), ("C".into(), Where::Above), ("C".into(), Where::Below)]
        );
        let a = z.get("A", Where::Above).unwrap();
        assert!(a.low <= 101.0 && a.high >= 101.0, "{a:?}");
        assert!((a.peak - 101.0).abs() < 0.05);
        assert!((a.distance_pct - 1.0).abs() < 0.05);
        let c = z.get("C", Where::Above).unwrap();
        assert!((c.peak - 105.0).abs() < 0.05, "C is the larger one beyond A: {c:?}");
        let b = z.get("B", Where::Below).unwrap();
        assert!((b.peak - 97.0).abs() < 0.05 && b.distance_pct < 0.0 && b.liquidates == "longs");
        assert!(z.get("C", Where::Below).unwrap().usd > 3000.0);
        assert!(b.share_of_side > 0.0 && b.share_of_side < 1.0);
    }

    /// A profile with a thin background and spread-out clusters: (centre, half width, usd, long).
    fn profile_with_wide(levels: &[(f64, f64, f64, bool)]) -> Profile {
        let mut p = profile_with(&[]);
        for &(centre, half, usd, long) in levels {
            let idx: Vec<usize> = (0..p.bins.count).filter(|&i| (p.bins.center(i) - centre).abs() <= half).collect();
            for &i in &idx {
                let v = if long { &mut p.long } else { &mut p.short };
                v[i] += usd / idx.len() as f64;
            }
        }
        p
    }

    #[test]
    fn c_is_reachable_and_dense_not_just_large() {
        // Above: A at +1 %, a tall narrow cluster at +3 %, a wider one with more USD at +4.5 %
        // (lower peak), and the largest of all, wide, at +11 %.
        let p = profile_with_wide(&[
            (101.0, 0.1, 500.0, false),
            (103.0, 0.1, 2000.0, false),
            (104.5, 1.0, 3000.0, false),
            (111.0, 1.5, 9000.0, false),
            (98.0, 0.1, 600.0, true),
            (90.0, 1.0, 5000.0, true),
        ]);
        let reach = Some((95.0, 106.0));
        let z = find_zones(&p, 100.0, &ZoneParams::default(), reach);
        let c = z.get("C", Where::Above).unwrap();
        assert!((c.peak - 103.0).abs() < 0.2, "C is the tall cluster at +3 %, not the wider or the far one: {c:?}");
        // The +11 % cluster is beyond reach: listed as far, not as C.
        assert!(z.far.iter().any(|f| f.side == Where::Above && f.low > 108.0 && f.name == "far"), "{:?}", z.far);
        // Below: the only cluster beyond B is out of reach: no C below, one far cluster.
        assert!(z.get("C", Where::Below).is_none(), "{:?}", z.zones);
        assert!(z.far.iter().any(|f| f.side == Where::Below && (f.peak - 90.0).abs() < 1.1));
        // Without a reach limit nothing is far, and density still beats size.
        let z = find_zones(&p, 100.0, &ZoneParams::default(), None);
        assert!((z.get("C", Where::Above).unwrap().peak - 103.0).abs() < 0.2 && z.far.is_empty());
        assert!(z.get("C", Where::Below).unwrap().low < 91.0);
    }

    #[test]
    fn edge_distance_is_to_the_near_edge() {
        let p = profile_with_wide(&[(102.0, 0.5, 2000.0, false), (97.0, 0.5, 2000.0, true)]);
        let z = find_zones(&p, 100.0, &ZoneParams::default(), None);
        let a = z.get("A", Where::Above).unwrap();
        assert!((a.edge_distance_pct - (a.low / 100.0 - 1.0) * 100.0).abs() < 1e-9 && a.edge_distance_pct < a.distance_pct);
        let b = z.get("B", Where::Below).unwrap();
        assert!((b.edge_distance_pct - (b.high / 100.0 - 1.0) * 100.0).abs() < 1e-9 && b.edge_distance_pct > b.distance_pct);
    }

    #[test]
    fn side_totals_are_within_25_pct_either_way() {
        // Longs at -22 % (inside ±25 %) count; longs at -27 % and shorts at +26 % do not.
        let p = profile_with(&[(78.0, 100.0, true), (73.0, 1000.0, true), (126.0, 1000.0, false)]);
        let z = find_zones(&p, 100.0, &ZoneParams::default(), None);
        let bg_below = (0..p.bins.count).filter(|&i| p.bins.center(i) > 75.0 && p.bins.center(i) < 100.0).count() as f64;
        let bg_above = (0..p.bins.count).filter(|&i| p.bins.center(i) > 100.0 && p.bins.center(i) < 125.0).count() as f64;
        assert!((z.below_usd - (bg_below + 100.0)).abs() < 1e-6, "{}", z.below_usd);
        assert!((z.above_usd - bg_above).abs() < 1e-6, "{}", z.above_usd);
    }

    #[test]
    fn uniform_or_empty_profiles_have_no_zones() {
        let z = find_zones(&profile_with(&[]), 100.0, &ZoneParams::default(), None);
        assert!(z.zones.is_empty(), "{:?}", z.zones);
        let bins = Bins::new(50.0, 200.0, 0.0002);
        let empty = Profile { bins, long: vec![0.0; bins.count], short: vec![0.0; bins.count] };
        let z = find_zones(&empty, 100.0, &ZoneParams::default(), None);
        assert!(z.zones.is_empty() && z.above_usd == 0.0);
    }

    #[test]
    fn clusters_under_the_share_floor_are_noise() {
        // Background 5 USD per cluster bin; a 10 USD spike is dense (smoothed 8.3 >= 1.5 x mean)
        // and its cluster holds ~3 % of the side's ~1,100 USD.
        let p = profile_with(&[(102.0, 10.0, false)]);
        let strict = ZoneParams { min_share: 0.05, ..Default::default() };
        assert!(find_zones(&p, 100.0, &strict, None).get("A", Where::Above).is_none());
        let a = find_zones(&p, 100.0, &ZoneParams::default(), None).get("A", Where::Above).cloned().unwrap();
        assert!((a.peak - 102.0).abs() < 0.05);
        assert!(a.share_of_side > 0.02 && a.share_of_side < 0.05, "{a:?}");
        // The zone is the spike's neighbourhood, not the whole flat background.
        assert!(a.high - a.low < 1.0, "{a:?}");
    }
}
