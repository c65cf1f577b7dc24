//! The zone rules on hand-made profiles.
use super::v1;
use super::*;
use crate::engine::estimate::ledger::Bins;

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
    let z = v1::find_zones(&p, 100.0, &ZoneParams::default(), None);
    let names: Vec<(ZoneName, Where)> = z.zones.iter().map(|z| (z.name, z.side)).collect();
    assert_eq!(
        names,
        vec![
            (ZoneName::A, Where::Above),
            (ZoneName::B, Where::Below),
            (ZoneName::CAbove, Where::Above),
            (ZoneName::CBelow, Where::Below)
        ]
    );
    let a = z.named(ZoneName::A).unwrap();
    assert!(a.low <= 101.0 && a.high >= 101.0, "{a:?}");
    assert!((a.peak - 101.0).abs() < 0.05);
    assert!((a.distance_pct - 1.0).abs() < 0.05);
    let c = z.named(ZoneName::CAbove).unwrap();
    assert!((c.peak - 105.0).abs() < 0.05, "C is the larger one beyond A: {c:?}");
    let b = z.named(ZoneName::B).unwrap();
    assert!((b.peak - 97.0).abs() < 0.05 && b.distance_pct < 0.0 && b.liquidates == "longs");
    assert!(z.named(ZoneName::CBelow).unwrap().usd > 3000.0);
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
    let z = v1::find_zones(&p, 100.0, &ZoneParams::default(), reach);
    let c = z.named(ZoneName::CAbove).unwrap();
    assert!((c.peak - 103.0).abs() < 0.2, "C is the tall cluster at +3 %, not the wider or the far one: {c:?}");
    // The +11 % cluster is beyond reach: listed as far, not as C.
    assert!(z.far.iter().any(|f| f.side == Where::Above && f.low > 108.0 && f.name == ZoneName::Far), "{:?}", z.far);
    // Below: the only cluster beyond B is out of reach: no C below, one far cluster.
    assert!(z.named(ZoneName::CBelow).is_none(), "{:?}", z.zones);
    assert!(z.far.iter().any(|f| f.side == Where::Below && (f.peak - 90.0).abs() < 1.1));
    // Without a reach limit nothing is far, and density still beats size.
    let z = v1::find_zones(&p, 100.0, &ZoneParams::default(), None);
    assert!((z.named(ZoneName::CAbove).unwrap().peak - 103.0).abs() < 0.2 && z.far.is_empty());
    assert!(z.named(ZoneName::CBelow).unwrap().low < 91.0);
}

#[test]
fn edge_distance_is_to_the_near_edge() {
    let p = profile_with_wide(&[(102.0, 0.5, 2000.0, false), (97.0, 0.5, 2000.0, true)]);
    let z = v1::find_zones(&p, 100.0, &ZoneParams::default(), None);
    let a = z.named(ZoneName::A).unwrap();
    assert!((a.edge_distance_pct - (a.low / 100.0 - 1.0) * 100.0).abs() < 1e-9 && a.edge_distance_pct < a.distance_pct);
    let b = z.named(ZoneName::B).unwrap();
    assert!(
        (b.edge_distance_pct - (b.high / 100.0 - 1.0) * 100.0).abs() < 1e-9 && b.edge_distance_pct > b.distance_pct
    );
}

#[test]
fn side_totals_are_within_25_pct_either_way() {
    // Longs at -22 % (inside ±25 %) count; longs at -27 % and shorts at +26 % do not.
    let p = profile_with(&[(78.0, 100.0, true), (73.0, 1000.0, true), (126.0, 1000.0, false)]);
    let z = v1::find_zones(&p, 100.0, &ZoneParams::default(), None);
    let bg_below = (0..p.bins.count).filter(|&i| p.bins.center(i) > 75.0 && p.bins.center(i) < 100.0).count() as f64;
    let bg_above = (0..p.bins.count).filter(|&i| p.bins.center(i) > 100.0 && p.bins.center(i) < 125.0).count() as f64;
    assert!((z.below_usd - (bg_below + 100.0)).abs() < 1e-6, "{}", z.below_usd);
    assert!((z.above_usd - bg_above).abs() < 1e-6, "{}", z.above_usd);
}

#[test]
fn uniform_or_empty_profiles_have_no_zones() {
    let z = v1::find_zones(&profile_with(&[]), 100.0, &ZoneParams::default(), None);
    assert!(z.zones.is_empty(), "{:?}", z.zones);
    let bins = Bins::new(50.0, 200.0, 0.0002);
    let empty = Profile { bins, long: vec![0.0; bins.count], short: vec![0.0; bins.count] };
    let z = v1::find_zones(&empty, 100.0, &ZoneParams::default(), None);
    assert!(z.zones.is_empty() && z.above_usd == 0.0);
}

#[test]
fn clusters_under_the_share_floor_are_noise() {
    // Background 5 USD per cluster bin; a 10 USD spike is dense (smoothed 8.3 >= 1.5 x mean)
    // and its cluster holds ~3 % of the side's ~1,100 USD.
    let p = profile_with(&[(102.0, 10.0, false)]);
    let strict = ZoneParams { min_share: 0.05, ..Default::default() };
    assert!(v1::find_zones(&p, 100.0, &strict, None).named(ZoneName::A).is_none());
    let a = v1::find_zones(&p, 100.0, &ZoneParams::default(), None).named(ZoneName::A).cloned().unwrap();
    assert!((a.peak - 102.0).abs() < 0.05);
    assert!(a.share_of_side > 0.02 && a.share_of_side < 0.05, "{a:?}");
    // The zone is the spike's neighbourhood, not the whole flat background.
    assert!(a.high - a.low < 1.0, "{a:?}");
}

// ---- v2: whole shelves ----

/// Zones by the v2 rule with the least reach (±8 %).
fn v2(p: &Profile) -> Zones {
    shelves::find_zones(p, 100.0, &ZoneParams::default(), MIN_REACH)
}

/// Adds `usd` spread as `shape` over [lo, hi] (a function of the position 0..1 in the range).
fn add_shelf(p: &mut Profile, lo: f64, hi: f64, usd: f64, long: bool, shape: impl Fn(f64) -> f64) {
    let idx: Vec<usize> = (0..p.bins.count).filter(|&i| p.bins.center(i) >= lo && p.bins.center(i) <= hi).collect();
    let w: Vec<f64> = idx.iter().map(|&i| shape((p.bins.center(i) - lo) / (hi - lo))).collect();
    let sum: f64 = w.iter().sum();
    for (&i, wi) in idx.iter().zip(w) {
        let v = if long { &mut p.long } else { &mut p.short };
        v[i] += usd * wi / sum;
    }
}

/// The side's bands as `liqshot levels` prints them: (low, high, usd of the side).
fn side_levels(p: &Profile, side: Where) -> Vec<(f64, f64, f64)> {
    crate::engine::levels::levels(p, 100.0)
        .bands
        .iter()
        .filter(|b| if side == Where::Above { b.price_low >= 100.0 } else { b.price_high <= 100.0 })
        .map(|b| (b.price_low, b.price_high, if side == Where::Above { b.short_usd } else { b.long_usd }))
        .collect()
}

/// Every zone's USD is the sum of the `levels` bands inside it, and no two zones of one
/// side touch or overlap.
fn check_invariants(p: &Profile, z: &Zones) {
    let all: Vec<&Zone> = z.zones.iter().chain(&z.other).chain(&z.far).collect();
    for zone in &all {
        let sum: f64 = side_levels(p, zone.side)
            .iter()
            .filter(|b| b.0 >= zone.low - 1e-9 && b.1 <= zone.high + 1e-9)
            .map(|b| b.2)
            .sum();
        assert!((sum - zone.usd).abs() < 1e-6 * zone.usd.max(1.0), "{} {sum} vs {}", zone.name, zone.usd);
    }
    for x in &all {
        for y in &all {
            if !std::ptr::eq(*x, *y) && x.side == y.side {
                assert!(x.high < y.low - 1e-9 || y.high < x.low - 1e-9, "{x:?} touches {y:?}");
            }
        }
    }
}

#[test]
fn one_wide_shelf_with_three_maxima_is_one_zone() {
    let mut p = profile_with(&[]);
    // 101..103.5 with peaks at a quarter, half and three quarters (dips to 40 % between).
    add_shelf(&mut p, 101.0, 103.5, 3000.0, false, |x| 0.4 + 0.6 * (x * 3.0 * std::f64::consts::PI).sin().abs());
    let z = v2(&p);
    check_invariants(&p, &z);
    let a = z.named(ZoneName::A).expect("zone A");
    assert!(a.low <= 101.05 && a.high >= 103.45, "the whole shelf is zone A: {a:?}");
    assert!(z.named(ZoneName::CAbove).is_none() && z.other.is_empty(), "{z:?}");
    // v1 cut the same shelf at half the height of its strongest maximum.
    let old = v1::find_zones(&p, 100.0, &ZoneParams::default(), None);
    let a1 = old.named(ZoneName::A).unwrap();
    assert!(a1.high - a1.low < a.high - a.low, "{a1:?}");
}

#[test]
fn two_shelves_with_a_gap_are_two_zones() {
    let mut p = profile_with(&[]);
    add_shelf(&mut p, 101.0, 102.0, 1500.0, false, |_| 1.0);
    add_shelf(&mut p, 103.0, 104.0, 2500.0, false, |_| 1.0);
    let z = v2(&p);
    check_invariants(&p, &z);
    let (a, c) = (z.named(ZoneName::A).unwrap(), z.named(ZoneName::CAbove).unwrap());
    assert!(a.low < 101.1 && a.high < 102.2 && a.high > 101.9, "{a:?}");
    assert!(c.low > 102.8 && c.low < 103.1 && c.high > 103.9, "{c:?}");
    // A gap of one empty band (0.1 %) is joined: one shelf.
    let mut q = profile_with(&[]);
    add_shelf(&mut q, 101.0, 102.0, 1500.0, false, |_| 1.0);
    add_shelf(&mut q, 102.12, 103.0, 1500.0, false, |_| 1.0);
    let z = v2(&q);
    assert!(z.named(ZoneName::A).unwrap().high > 102.9 && z.named(ZoneName::CAbove).is_none(), "{z:?}");
}

#[test]
fn a_thin_hot_band_beyond_a_wide_warm_shelf() {
    let mut p = profile_with(&[]);
    add_shelf(&mut p, 100.5, 103.0, 5000.0, false, |_| 1.0);
    add_shelf(&mut p, 106.0, 106.09, 2500.0, false, |_| 1.0);
    let z = v2(&p);
    check_invariants(&p, &z);
    assert!(z.named(ZoneName::A).unwrap().high > 102.9);
    let c = z.named(ZoneName::CAbove).unwrap();
    assert!(c.low > 105.8 && c.high < 106.3, "the hot band is C above: {c:?}");
    // A bigger but cooler shelf between them: C is still the hot band, the side's densest
    // band within ±8 % (the bigger shelf is listed as `other`).
    add_shelf(&mut p, 103.5, 105.5, 4500.0, false, |_| 1.0);
    let z = v2(&p);
    check_invariants(&p, &z);
    assert!(z.named(ZoneName::CAbove).unwrap().low > 105.8, "{z:?}");
    assert!(z.other.iter().any(|o| o.low < 103.6 && o.usd > 4000.0), "{:?}", z.other);
    // Without the hot band, C is the most fuel beyond A.
    let mut q = profile_with(&[]);
    add_shelf(&mut q, 100.5, 101.5, 1000.0, false, |_| 1.0);
    add_shelf(&mut q, 102.0, 102.5, 400.0, false, |_| 1.0);
    add_shelf(&mut q, 104.0, 106.0, 2500.0, false, |x| 0.8 + 0.4 * x);
    let z = v2(&q);
    assert!(z.named(ZoneName::CAbove).unwrap().low > 103.9, "{z:?}");
    assert!(z.other.iter().any(|o| o.low > 101.9 && o.high < 102.7), "{:?}", z.other);
}

#[test]
fn an_empty_side_has_no_zones() {
    let bins = Bins::new(50.0, 200.0, 0.0002);
    let mut p = Profile { bins, long: vec![0.0; bins.count], short: vec![0.0; bins.count] };
    add_shelf(&mut p, 101.0, 102.0, 1000.0, false, |_| 1.0);
    let z = v2(&p);
    assert_eq!(z.zones.iter().map(|z| z.name).collect::<Vec<_>>(), [ZoneName::A]);
    assert_eq!(z.below_usd, 0.0);
    let empty = Profile { bins, long: vec![0.0; bins.count], short: vec![0.0; bins.count] };
    assert!(v2(&empty).zones.is_empty());
    // A flat side: every band is as dense as the densest, one shelf across the whole side.
    let flat = v2(&profile_with(&[]));
    assert!(flat.named(ZoneName::A).is_some_and(|a| a.high > 124.0), "{:?}", flat.zones);
}

#[test]
fn a_side_whose_densest_band_is_seven_percent_away() {
    let mut p = profile_with(&[]);
    add_shelf(&mut p, 93.0, 93.09, 3000.0, true, |_| 1.0);
    let z = v2(&p);
    let b = z.named(ZoneName::B).expect("the only dense band below is B");
    assert!(b.low > 92.8 && b.high < 93.2 && (b.edge_distance_pct + 6.9).abs() < 0.2, "{b:?}");
    // With a nearer cluster, the band 7 % away is C below, not `far`.
    add_shelf(&mut p, 98.5, 99.0, 800.0, true, |_| 1.0);
    let z = v2(&p);
    check_invariants(&p, &z);
    assert!(z.named(ZoneName::B).unwrap().high > 98.9);
    assert!(z.named(ZoneName::CBelow).unwrap().low > 92.8, "{z:?}");
    // 9 % away is beyond the least reach: far; within a wider (volatile) reach: C below.
    let mut q = profile_with(&[]);
    add_shelf(&mut q, 98.5, 99.0, 800.0, true, |_| 1.0);
    add_shelf(&mut q, 90.9, 91.0, 3000.0, true, |_| 1.0);
    let z = v2(&q);
    assert!(z.named(ZoneName::CBelow).is_none() && z.far.iter().any(|f| f.low > 90.8 && f.high < 91.1), "{z:?}");
    let wide = shelves::find_zones(&q, 100.0, &ZoneParams::default(), 0.12);
    assert!(wide.named(ZoneName::CBelow).is_some_and(|c| c.low > 90.8), "{wide:?}");
    assert_eq!(wide.reach_pct, Some(12.0));
}

#[test]
fn the_densest_band_within_eight_percent_is_always_labelled() {
    // Below: B near price, a large warm shelf at -4..-6 % and a small hot band at -2 %
    // holding less than 2 % of the side: it is still labelled (C below).
    let mut p = profile_with(&[]);
    add_shelf(&mut p, 99.0, 99.5, 1500.0, true, |_| 1.0);
    add_shelf(&mut p, 94.0, 96.0, 6000.0, true, |_| 1.0);
    add_shelf(&mut p, 97.95, 98.0, 400.0, true, |_| 1.0);
    let z = v2(&p);
    check_invariants(&p, &z);
    let levels = side_levels(&p, Where::Below);
    let densest = levels.iter().filter(|b| b.1 > 92.0).max_by(|x, y| x.2.total_cmp(&y.2)).unwrap();
    assert!(
        z.zones.iter().any(|zone| zone.low <= densest.0 + 1e-9 && zone.high >= densest.1 - 1e-9),
        "{densest:?} in {z:?}"
    );
}

#[test]
fn tags_and_names() {
    let p = profile_with(&[(101.0, 500.0, false), (105.0, 2000.0, false), (97.0, 700.0, true), (93.0, 3000.0, true)]);
    let z = v2(&p);
    let tags: Vec<&str> = z.zones.iter().map(|z| z.tag()).collect();
    assert_eq!(tags, ["A", "B", "C↑", "C↓"]);
    assert_eq!(z.zones.iter().map(|z| z.name).collect::<Vec<_>>(), LABELLED);
}
