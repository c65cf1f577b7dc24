//! Unit tests of the fuel test: the pro-rata cut, the regressions, and synthetic periods where
//! the answer is known.

use super::*;
use crate::engine::estimate::ledger::Bins;

#[test]
fn outward_cuts_bins_pro_rata() {
    // The open a quarter into its bin: below it, a quarter of that bin.
    let o = Outward::new(0.25, vec![4.0, 10.0, 100.0]);
    assert_eq!(o.within(0.0), 0.0);
    assert_eq!(o.within(0.25), 1.0);
    assert_eq!(o.within(0.75), 1.0 + 5.0);
    assert_eq!(o.within(1.25), 11.0);
    assert_eq!(o.within(1.75), 61.0);
    assert_eq!(o.within(50.0), 111.0);
}

#[test]
fn map_reads_longs_below_and_shorts_above() {
    let bins = Bins::new(90.0, 110.0, 0.01);
    let mut p = Profile { bins, long: vec![0.0; bins.count], short: vec![0.0; bins.count] };
    let open = bins.center(10);
    p.long[8] = 7.0; // two bins below the open's
    p.short[12] = 3.0;
    p.long[12] = 1000.0; // longs above the open are never crossed going down
    let m = FuelMap::new(&p, open, 20);
    let d = |k: f64| k * (1.01f64).ln();
    assert!((m.within(Side::Long, d(1.4), 0.01)).abs() < 1e-9);
    assert!((m.within(Side::Long, d(3.0), 0.01) - 7.0).abs() < 1e-9);
    assert!((m.within(Side::Long, d(2.0), 0.01) - 3.5).abs() < 1e-9);
    assert!((m.within(Side::Short, d(3.0), 0.01) - 3.0).abs() < 1e-9);
}

#[test]
fn r2_of_known_fits() {
    let t0 = DateTime::from_timestamp(0, 0).unwrap();
    let mut m = Moments::default();
    for i in 0..50 {
        let x = i as f64;
        // y = 2 x exactly through the map column, noise-free; controls constant-ish.
        let z = [((i * 7) % 5) as f64, 0.0, 1.0, x, ((i * 3) % 11) as f64, 2.0 * x];
        m.add(&Moments::of(&Row { at: t0, z, realized_usd: 1.0, map_usd: 2.0, placebo_usd: 0.0 }));
    }
    assert!((m.r2(&[MAP]).unwrap() - 1.0).abs() < 1e-9);
    let g = m.gain(MAP).unwrap();
    assert!(g > 0.9, "{g}");
    assert!(m.gain(PLACEBO).unwrap() < 0.2);
    assert_eq!(m.scale.value(), Some(0.5));
    assert_eq!(Moments::default().r2(&[MAP]), None);
}

/// Normal draws (Box-Muller) from a seeded generator.
struct Gauss(rand::rngs::StdRng);
impl Gauss {
    fn new(seed: u64) -> Gauss {
        use rand::SeedableRng;
        Gauss(rand::rngs::StdRng::seed_from_u64(seed))
    }
    fn u(&mut self) -> f64 {
        use rand::Rng;
        self.0.random_range(1e-12..1.0)
    }
    fn n(&mut self) -> f64 {
        (-2.0 * self.u().ln()).sqrt() * (std::f64::consts::TAU * self.u()).cos()
    }
}

/// 60 days of hourly periods with random moves, open interest and maps (each period its
/// own lumpy map), and realized USD from `realized(map USD, item, noise)`.
fn synthetic(realized: impl Fn(f64, &Item, &mut Gauss) -> f64) -> (Plan, Vec<FuelMap>) {
    let mut g = Gauss::new(42);
    let step = 0.0002f64;
    let t0 = DateTime::from_timestamp(1_750_000_000 / 86_400 * 86_400, 0).unwrap();
    let (mut items, mut maps) = (vec![], vec![]);
    for i in 0..60 * 24 {
        let oi = 8e8 * (1.0 + 0.3 * (i as f64 / 200.0).sin());
        let (down, up) = ((0.006 * g.n()).abs(), (0.006 * g.n()).abs());
        let open = 100_000.0;
        let it = Item {
            start: t0 + Duration::hours(i),
            open,
            high: open * up.exp(),
            low: open * (-down).exp(),
            oi,
            long_usd: 0.0,
            short_usd: 0.0,
        };
        let lumpy = |g: &mut Gauss| (0..400).map(|_| oi * 2e-5 * (1.5 * g.n()).exp()).collect::<Vec<f64>>();
        let m = FuelMap { long: Outward::new(0.5, lumpy(&mut g)), short: Outward::new(0.5, lumpy(&mut g)) };
        let it = Item {
            long_usd: realized(m.within(Side::Long, down, step), &it, &mut g),
            short_usd: realized(m.within(Side::Short, up, step), &it, &mut g),
            ..it
        };
        items.push(it);
        maps.push(m);
    }
    let periods = Periods { period_secs: 3600, source: "synthetic".into(), rows: vec![] };
    (Plan { periods, items, notes: vec![] }, maps)
}

fn bt() -> BacktestParams {
    BacktestParams { resamples: 400, ..BacktestParams::default() }
}

#[test]
fn realized_as_map_usd_times_0_3_is_evidence_with_a_scale_near_0_3() {
    // Multiplicative noise of mean 1 (lognormal, sigma 0.5).
    let (plan, maps) = synthetic(|usd, _, g| 0.3 * usd * (0.5 * g.n() - 0.125).exp());
    let f = fuel(&plan, &maps, 0.0002, &bt());
    for s in [&f.long, &f.short] {
        let (g, p) = (s.gain_ci90.unwrap(), s.placebo_gain_ci90.unwrap());
        assert!(g[0] > p[1], "gain {g:?} vs placebo {p:?}: {}", s.verdict);
        assert!(s.verdict.contains("evidence that the map measures fuel"), "{}", s.verdict);
        let [lo, hi] = s.scale_ci90.unwrap();
        assert!((s.scale.unwrap() - 0.3).abs() < 0.03 && lo > 0.25 && hi < 0.35 && lo < hi, "{s:?}");
        assert_eq!((s.n, s.days), (1440, 60));
    }
}

#[test]
fn realized_independent_of_the_map_is_no_edge() {
    // Realized grows with the move and open interest (what the controls see), not the map.
    let (plan, maps) = synthetic(|_, it, g| it.oi * 1e-3 * (1.0 + 200.0 * (it.high / it.low).ln()) * g.n().exp());
    let f = fuel(&plan, &maps, 0.0002, &bt());
    for s in [&f.long, &f.short] {
        let p = s.placebo_gain_ci90.unwrap();
        assert!(p[0] <= s.gain.unwrap() && s.gain.unwrap() <= p[1], "gain {:?} vs placebo {p:?}", s.gain);
        assert!(s.verdict.contains("no measurable edge over another period's map"), "{}", s.verdict);
    }
}
