//! Scenario and property tests of the whole engine.

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::model::snapshot::{Candle, OiPoint, FORMAT};

fn snap(candles: Vec<Candle>, oi: Vec<OiPoint>) -> MarketSnapshot {
    let (margin_tiers, src) = tiers::builtin("binance", "BTCUSDT");
    let captured_at = candles.last().unwrap().open_time + Duration::minutes(5);
    MarketSnapshot {
        format: FORMAT.into(),
        symbol: "BTCUSDT".into(),
        captured_at,
        interval: "5m".into(),
        venues: vec![VenueSeries {
            venue: "binance".into(),
            instrument: "BTCUSDT".into(),
            candles,
            open_interest: oi,
            funding: vec![],
            mark_price: None,
            tick_size: None,
            margin_tiers,
            margin_tiers_source: src,
            notes: vec![],
            liquidations: vec![],
            measured_accounts: None,
            measured_positions: vec![],
        }],
        notes: vec![],
        realized_periods: None,
        sources: None,
    }
}

fn candle(i: i64, o: f64, h: f64, l: f64, c: f64, taker: Option<f64>) -> Candle {
    let t0 = Utc.with_ymd_and_hms(2025, 11, 1, 0, 0, 0).unwrap();
    Candle {
        open_time: t0 + Duration::minutes(5 * i),
        open: o,
        high: h,
        low: l,
        close: c,
        volume: 10.0,
        taker_buy_volume: taker,
    }
}

fn oi(i: i64, usd: f64) -> OiPoint {
    let t0 = Utc.with_ymd_and_hms(2025, 11, 1, 0, 0, 0).unwrap();
    OiPoint { time: t0 + Duration::minutes(5 * i), oi_usd: usd }
}

#[test]
fn scenario_open_then_wick_liquidates_high_leverage_longs() {
    // Candle 0 closes at t=5m with OI 1M; candle 1 (flat at 100) opens 1M more; candle 2 wicks to 97.
    let candles = vec![
        candle(0, 100.0, 100.0, 100.0, 100.0, Some(5.0)),
        candle(1, 100.0, 100.0, 100.0, 100.0, Some(5.0)),
        candle(2, 100.0, 100.0, 97.0, 99.0, Some(5.0)),
    ];
    let s = snap(candles, vec![oi(1, 1e6), oi(2, 2e6), oi(3, 2e6)]);
    let e = estimate(&s, &EstimateParams::default()).unwrap();
    let v = &e.venues[0];
    assert!((v.opened_usd - 1e6).abs() < 1e-3, "{v:?}");
    // 50x (liq 98.39) and 100x (99.40) longs die at 97: 30 % of the 0.5M long side.
    assert!((v.liquidated_long_usd - 150_000.0).abs() < 1e-3, "{v:?}");
    assert_eq!(v.liquidated_short_usd, 0.0);
    assert!((v.alive_long_usd - 350_000.0).abs() < 1e-3);
    assert!((v.alive_short_usd - 500_000.0).abs() < 1e-3);
    // The 25x long level sits at (100 * 0.96) / 0.996 = 96.386.
    let b = e.profile.bins.index(96.386).unwrap();
    assert!((e.profile.long[b] - 125_000.0).abs() < 1e-3);
    assert!(taker_split_used(&e));
}

fn taker_split_used(e: &Estimate) -> bool {
    e.venues.iter().all(|v| v.taker_split)
}

#[test]
fn falling_open_interest_shrinks_levels_in_proportion() {
    let candles = vec![
        candle(0, 100.0, 100.0, 100.0, 100.0, None),
        candle(1, 100.0, 100.0, 100.0, 100.0, None),
        candle(2, 100.0, 100.0, 100.0, 100.0, None),
    ];
    // +1M, then OI falls from 2M to 1.5M: a quarter of everything closes.
    let s = snap(candles, vec![oi(1, 1e6), oi(2, 2e6), oi(3, 1.5e6)]);
    let e = estimate(&s, &EstimateParams::default()).unwrap();
    let v = &e.venues[0];
    assert!((v.closed_usd - 250_000.0).abs() < 1e-3, "{v:?}");
    assert!((v.alive_long_usd - 375_000.0).abs() < 1e-3);
    assert!(!v.taker_split);
}

#[test]
fn leverage_cap_and_filter() {
    let candles = vec![candle(0, 100.0, 100.0, 100.0, 100.0, None), candle(1, 100.0, 100.0, 100.0, 100.0, None)];
    let mut s = snap(candles, vec![oi(1, 1e6), oi(2, 2e6)]);
    s.venues[0].venue = "hyperliquid".into();
    s.venues[0].margin_tiers = tiers::builtin("hyperliquid", "BTC").0;
    let e = estimate(&s, &EstimateParams::default()).unwrap();
    assert_eq!(e.venues[0].mix.slices.last().unwrap().0, 40.0);
    // No level closer to price than a 40x position allows.
    let nearest = (0..e.profile.bins.count)
        .filter(|&i| e.profile.long[i] > 0.0)
        .map(|i| e.profile.bins.upper(i))
        .fold(0.0, f64::max);
    assert!(nearest < 100.0 * (1.0 - 1.0 / 40.0) / (1.0 - 0.0125) + 0.05, "{nearest}");

    let params = EstimateParams { leverage_filter: Some(vec![25.0, 50.0, 100.0]), ..Default::default() };
    let e = estimate(&snap(s.venues[0].candles.clone(), s.venues[0].open_interest.clone()), &params).unwrap();
    assert!((e.venues[0].opened_usd - 550_000.0).abs() < 1e-3);
}

#[test]
fn long_share_rules() {
    assert_eq!(long_share(&candle(0, 100.0, 110.0, 90.0, 110.0, None)).0, 0.625);
    assert_eq!(long_share(&candle(0, 100.0, 110.0, 90.0, 100.0, Some(7.0))), (0.7, true));
    assert_eq!(long_share(&candle(0, 100.0, 100.0, 100.0, 100.0, None)).0, 0.5);
}

#[test]
fn grid_columns_cover_the_window() {
    let candles: Vec<Candle> = (0..24).map(|i| candle(i, 100.0, 101.0, 99.0, 100.0, None)).collect();
    let oi_pts: Vec<OiPoint> = (0..=24).map(|i| oi(i, 1e6 + 1e4 * i as f64)).collect();
    let params = EstimateParams { window_secs: 3600, ..Default::default() };
    let e = estimate(&snap(candles, oi_pts), &params).unwrap();
    assert_eq!(e.grid.cols, 12);
    assert_eq!(e.grid.start, Utc.with_ymd_and_hms(2025, 11, 1, 1, 0, 0).unwrap());
    // The last column holds what the profile holds inside the grid's price range.
    let last: f64 = (0..e.grid.rows).map(|r| e.grid.total(11, r) as f64).sum();
    let alive = e.profile.long_total() + e.profile.short_total();
    assert!(last > 0.0 && last <= alive * 1.0001, "{last} vs {alive}");
}

fn arb_market() -> impl Strategy<Value = MarketSnapshot> {
    (
        prop::collection::vec((-0.02f64..0.02, 0.0f64..0.015, 0.0f64..0.015, 0.0f64..1.0, prop::bool::ANY), 3..60),
        prop::collection::vec(-0.05f64..0.08, 3..60),
        50.0f64..50_000.0,
    )
        .prop_map(|(moves, oi_moves, start)| {
            let mut price = start;
            let mut candles = Vec::new();
            for (i, (mv, up, down, tb, has_tb)) in moves.iter().enumerate() {
                let open = price;
                let close = price * (1.0 + mv);
                let high = open.max(close) * (1.0 + up);
                let low = open.min(close) * (1.0 - down);
                candles.push(candle(i as i64, open, high, low, close, has_tb.then_some(10.0 * tb)));
                price = close;
            }
            let mut level = 1e6;
            // OI samples end before the last candle's close: the last candle opens nothing.
            let n = candles.len() as i64;
            let oi_pts = oi_moves
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    level *= 1.0 + m;
                    oi(i as i64, level)
                })
                .filter(|p| p.time < candles[0].open_time + Duration::minutes(5 * n))
                .collect();
            snap(candles, oi_pts)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn notional_is_conserved_and_never_negative(s in arb_market(), half_life in prop::option::of(600.0f64..86_400.0)) {
        let params = EstimateParams { half_life_secs: half_life, ..Default::default() };
        let e = estimate(&s, &params).unwrap();
        for v in &e.venues {
            let out = v.alive_long_usd + v.alive_short_usd + v.liquidated_long_usd + v.liquidated_short_usd
                + v.closed_usd + v.decayed_usd;
            prop_assert!((v.opened_usd - out).abs() <= 1e-6 * v.opened_usd.max(1.0), "{v:?}");
            prop_assert!(v.alive_long_usd >= 0.0 && v.alive_short_usd >= 0.0);
        }
        prop_assert!(e.profile.long.iter().chain(&e.profile.short).all(|x| *x >= 0.0));
        prop_assert!(e.grid.long.iter().chain(&e.grid.short).all(|x| *x >= 0.0));
        let alive: f64 = e.venues.iter().map(|v| v.alive_long_usd + v.alive_short_usd).sum();
        prop_assert!((alive - e.profile.long_total() - e.profile.short_total()).abs() <= 1e-6 * alive.max(1.0));
    }

    #[test]
    fn nothing_survives_beyond_a_price_that_crossed_it(s in arb_market()) {
        let e = estimate(&s, &EstimateParams::default()).unwrap();
        let last = s.venues[0].candles.last().unwrap();
        let bins = e.profile.bins;
        for i in 0..bins.count {
            if e.profile.long[i] > 0.0 {
                prop_assert!(bins.upper(i) <= last.low, "long alive in bin {}..{} after low {}", bins.lower(i), bins.upper(i), last.low);
            }
            if e.profile.short[i] > 0.0 {
                prop_assert!(bins.lower(i) > last.high, "short alive in bin {}..{} after high {}", bins.lower(i), bins.upper(i), last.high);
            }
        }
    }
}

/// `s` with a second venue: the same candles with every third one missing (gaps; the first
/// and last are kept, so the span is the same) and half the open interest, so slots hold
/// different sums of venues.
fn with_second_venue(s: &MarketSnapshot) -> MarketSnapshot {
    let mut out = s.clone();
    let mut v = s.venues[0].clone();
    v.venue = "okx".into();
    let n = v.candles.len();
    v.candles = v.candles.iter().enumerate().filter(|(i, _)| i % 3 != 1 || *i == n - 1).map(|(_, c)| *c).collect();
    for p in &mut v.open_interest {
        p.oi_usd *= 0.5;
    }
    out.venues.push(v);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A grid capped at `cap` columns has `min(cap, candles)` of them, each covering a run of
    /// consecutive candle slots (together all of them, in order), and each of its cells is the
    /// maximum of the one-column-per-candle grid's cells over the slots it covers (long and
    /// short each); liquidations are summed; the ledger's results do not change.
    #[test]
    fn capped_grid_columns_are_the_maximum_of_the_columns_they_cover(
        s in arb_market(),
        cap in 1usize..70,
        two_venues in prop::bool::ANY,
        window in prop::sample::select(vec![3_600i64, 4 * 3_600, 86_400]),
    ) {
        let s = if two_venues { with_second_venue(&s) } else { s };
        let full = estimate(&s, &EstimateParams { window_secs: window, ..Default::default() }).unwrap();
        let capped = estimate(&s, &EstimateParams { window_secs: window, max_cols: Some(cap), ..Default::default() }).unwrap();
        let (f, g) = (&full.grid, &capped.grid);
        prop_assert_eq!(f.cols, f.candles);
        if two_venues {
            // Uncapped, a cell is the sum over venues. (The second venue here has every candle,
            // so each venue alone gets the same ledger bins and grid rows.)
            let mut both = s.clone();
            both.venues[1].candles = s.venues[0].candles.clone();
            let p = EstimateParams { window_secs: window, ..Default::default() };
            let sum = estimate(&both, &p).unwrap().grid;
            let one = |k: usize| {
                let mut s1 = both.clone();
                s1.venues = vec![both.venues[k].clone()];
                estimate(&s1, &p).unwrap().grid
            };
            let (a, b) = (one(0), one(1));
            prop_assert_eq!((a.cols, a.price_lo, a.price_hi), (sum.cols, sum.price_lo, sum.price_hi));
            // (Equal up to f32 rounding: the cells add the same terms in another order.)
            let close = |x: f32, y: f32| (x - y).abs() <= 1e-5 * x.abs().max(y.abs()).max(1.0);
            for i in 0..sum.long.len() {
                prop_assert!(close(sum.long[i], a.long[i] + b.long[i]), "{} vs {} + {}", sum.long[i], a.long[i], b.long[i]);
                prop_assert!(close(sum.short[i], a.short[i] + b.short[i]), "{} vs {} + {}", sum.short[i], a.short[i], b.short[i]);
            }
        }
        prop_assert_eq!(g.candles, f.candles);
        prop_assert_eq!(g.cols, cap.min(f.candles));
        prop_assert!(g.cols <= cap);
        prop_assert_eq!((g.start, g.end(), g.rows, g.price_lo, g.price_hi), (f.start, f.end(), f.rows, f.price_lo, f.price_hi));
        prop_assert_eq!(&capped.profile, &full.profile);
        prop_assert_eq!(&capped.venues, &full.venues);
        let mut next = 0;
        for c in 0..g.cols {
            let slots = g.slots(c);
            prop_assert_eq!(slots.start, next);
            prop_assert!(!slots.is_empty());
            next = slots.end;
            for j in slots.clone() {
                prop_assert_eq!(g.col_of_slot(j), c);
            }
            for r in 0..g.rows {
                let max_l = slots.clone().map(|j| f.long[j * f.rows + r]).fold(0.0f32, f32::max);
                let max_s = slots.clone().map(|j| f.short[j * f.rows + r]).fold(0.0f32, f32::max);
                prop_assert_eq!(g.long[c * g.rows + r], max_l, "col {} row {}", c, r);
                prop_assert_eq!(g.short[c * g.rows + r], max_s, "col {} row {}", c, r);
            }
            let liq: f64 = slots.clone().map(|j| f.liquidated_long[j] + f.liquidated_short[j]).sum();
            let got = g.liquidated_long[c] + g.liquidated_short[c];
            prop_assert!((got - liq).abs() <= 1e-9 * liq.max(1.0), "col {}: {} vs {}", c, got, liq);
        }
        prop_assert_eq!(next, g.candles);
    }
}

#[test]
fn a_cap_at_or_above_the_candle_count_changes_nothing() {
    let candles: Vec<Candle> =
        (0..24).map(|i| candle(i, 100.0, 101.0 + (i % 5) as f64, 99.0 - (i % 3) as f64, 100.0, None)).collect();
    let oi_pts: Vec<OiPoint> = (0..=24).map(|i| oi(i, 1e6 + 1e4 * i as f64)).collect();
    let s = with_second_venue(&snap(candles, oi_pts));
    let full = estimate(&s, &EstimateParams::default()).unwrap();
    for cap in [24, 25, 10_000] {
        let capped = estimate(&s, &EstimateParams { max_cols: Some(cap), ..Default::default() }).unwrap();
        assert_eq!(capped.grid, full.grid, "cap {cap}");
    }
    let e = estimate(&s, &EstimateParams { max_cols: Some(0), ..Default::default() }).unwrap_err();
    assert_eq!(e.to_string(), "grid needs at least one time column");
}

/// A flat market at 100 whose open interest rises by 1M in candle 5 (levels open) and whose
/// candle 10 wicks to 95 (the long levels above 95 are swept).
fn open_then_sweep() -> MarketSnapshot {
    let candles: Vec<Candle> = (0..16)
        .map(|i| {
            if i == 10 {
                candle(i, 100.0, 100.0, 95.0, 100.0, Some(5.0))
            } else {
                candle(i, 100.0, 100.0, 100.0, 100.0, Some(5.0))
            }
        })
        .collect();
    let oi_pts: Vec<OiPoint> = (1..=16).map(|i| oi(i, if i >= 6 { 2e6 } else { 1e6 })).collect();
    snap(candles, oi_pts)
}

#[test]
fn a_moment_shows_levels_opened_before_it_and_not_after_and_keeps_those_swept_later() {
    let s = open_then_sweep();
    let params = EstimateParams { price_range: Some((90.0, 110.0)), ..Default::default() };
    let (full, moments) = estimate_history(&s, &params, &[3, 7, 12]).unwrap();
    assert_eq!(moments.iter().map(|m| m.slot).collect::<Vec<_>>(), vec![3, 7, 12]);
    // The 25x long level at 96.386 (opened in candle 5, swept by candle 10's wick to 95).
    let b = full.profile.bins.index(96.386).unwrap();
    let row = full.grid.row_of(96.386) as usize;
    let cell = |g: &Grid, col: usize| g.long[col * g.rows + row];
    let [before, between, after] = [&moments[0], &moments[1], &moments[2]];
    // Before it opened: nowhere, not in the profile and not in any column.
    assert_eq!(before.profile.long_total() + before.profile.short_total(), 0.0);
    let g = before.estimate(&full.grid).grid;
    assert!(g.long.iter().chain(&g.short).all(|v| *v == 0.0));
    assert_eq!(before.at, s.venues[0].candles[3].open_time + Duration::minutes(5));
    // Opened, not yet swept: in the profile, and in the columns from candle 5 to 7 only.
    assert!((between.profile.long[b] - 125_000.0).abs() < 1e-3, "{}", between.profile.long[b]);
    let g = between.estimate(&full.grid).grid;
    assert!(cell(&g, 4) == 0.0 && cell(&g, 5) > 0.0 && cell(&g, 7) > 0.0 && cell(&g, 8) == 0.0);
    assert_eq!(g.long.len(), full.grid.long.len());
    // Swept: gone from the profile, while the columns before the sweep still show it.
    assert_eq!(after.profile.long[b], 0.0);
    let g = after.estimate(&full.grid).grid;
    assert!(cell(&g, 9) > 0.0 && cell(&g, 10) == 0.0 && cell(&g, 12) == 0.0);
    assert!((after.venues[0].liquidated_long_usd - full.venues[0].liquidated_long_usd).abs() < 1e-6);
    assert_eq!(between.venues[0].liquidated_long_usd, 0.0);
}

#[test]
fn the_last_moment_is_the_final_estimate() {
    let s = with_second_venue(&open_then_sweep());
    for cap in [None, Some(5)] {
        let params = EstimateParams { max_cols: cap, ..Default::default() };
        let (full, moments) = estimate_history(&s, &params, &[full_slots(&s) - 1]).unwrap();
        assert_eq!(full.grid, estimate(&s, &params).unwrap().grid);
        assert_eq!(window_candles(&s, params.window_secs), full.grid.candles);
        let e = moments[0].estimate(&full.grid);
        assert_eq!(e.grid, full.grid);
        assert_eq!(e.profile, full.profile);
        assert_eq!(e.last_price, full.last_price);
        assert_eq!(e.venues, full.venues);
    }
}

fn full_slots(s: &MarketSnapshot) -> usize {
    estimate(s, &EstimateParams::default()).unwrap().grid.candles
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// No look-ahead: two markets that agree up to a moment (the later candles reversed, so
    /// the all-time price range and hence the ledger bins are the same, and the later open
    /// interest different) have the same moment there. With capped columns, the moment's own
    /// column is the maximum over its slots up to the moment only.
    #[test]
    fn a_moment_depends_on_data_up_to_its_time_only(s in arb_market(), cut in 0.0f64..1.0, cap in prop::option::of(1usize..20)) {
        let n = s.venues[0].candles.len();
        let j = ((n - 1) as f64 * cut) as usize;
        let mut other = s.clone();
        let v = &mut other.venues[0];
        let t0 = v.candles[0].open_time;
        let mut later: Vec<Candle> = v.candles[j + 1..].to_vec();
        later.reverse();
        for (k, c) in later.iter_mut().enumerate() {
            c.open_time = t0 + Duration::minutes(5 * (j + 1 + k) as i64);
        }
        v.candles.truncate(j + 1);
        v.candles.extend(later);
        let close_j = t0 + Duration::minutes(5 * (j as i64 + 1));
        for p in v.open_interest.iter_mut().filter(|p| p.time > close_j) {
            p.oi_usd *= 1.5;
        }
        let params = EstimateParams { price_range: Some((10.0, 100_000.0)), max_cols: cap, ..Default::default() };
        let (fa, ma) = estimate_history(&s, &params, &[j]).unwrap();
        let (fb, mb) = estimate_history(&other, &params, &[j]).unwrap();
        prop_assert_eq!(&ma, &mb);
        let (ga, gb) = (ma[0].grid(&fa.grid), mb[0].grid(&fb.grid));
        prop_assert_eq!(&ga, &gb);
        // The partial column against the one-column-per-candle grid.
        let uncapped = estimate(&s, &EstimateParams { max_cols: None, ..params.clone() }).unwrap().grid;
        let c = ma[0].col;
        let slots = fa.grid.slots(c);
        for r in 0..ga.rows {
            let want = (slots.start..=j).map(|k| uncapped.long[k * uncapped.rows + r]).fold(0.0f32, f32::max);
            prop_assert_eq!(ga.long[c * ga.rows + r], want, "row {}", r);
        }
    }
}
