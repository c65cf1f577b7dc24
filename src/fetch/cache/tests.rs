//! Unit tests of the cache: keys, splice, trim, resume, merge, validation, store, the longer
//! history a shorter lookback keeps.
use super::through::Older;
use super::*;

fn t(min: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_762_000_200 + min * 60, 0).unwrap()
}

fn candle(min: i64, close: f64) -> Candle {
    Candle { open_time: t(min), open: 100.0, high: 110.0, low: 90.0, close, volume: 1.0, taker_buy_volume: None }
}

fn oi(min: i64, usd: f64) -> OiPoint {
    OiPoint { time: t(min), oi_usd: usd }
}

fn file(candles: Vec<Candle>, open_interest: Vec<OiPoint>) -> CacheFile {
    CacheFile {
        format: FORMAT.into(),
        venue: "binance".into(),
        instrument: "BTCUSDT".into(),
        interval: "5m".into(),
        from: t(0),
        candles,
        open_interest,
        funding: vec![],
        liquidations: vec![],
    }
}

fn series(candles: Vec<Candle>, open_interest: Vec<OiPoint>) -> VenueSeries {
    let (margin_tiers, margin_tiers_source) = crate::model::tiers::builtin("binance", "BTCUSDT");
    VenueSeries {
        venue: "binance".into(),
        instrument: "BTCUSDT".into(),
        candles,
        open_interest,
        funding: vec![],
        mark_price: Some(100.0),
        tick_size: None,
        margin_tiers,
        margin_tiers_source,
        notes: vec![],
        liquidations: vec![],
        measured_accounts: None,
        measured_positions: vec![],
    }
}

fn key() -> Key {
    Key::new(Venue::Binance, "BTC", 300)
}

#[test]
fn keys_name_one_file_per_venue_instrument_interval() {
    let dir = Path::new("/c");
    assert_eq!(key().path(dir), Path::new("/c/binance/BTCUSDT-5m.json"));
    assert_eq!(Key::new(Venue::Okx, "BTC", 3600).path(dir), Path::new("/c/okx/BTC-USDT-SWAP-1h.json"));
    assert_eq!(Key::new(Venue::Hyperliquid, "BTC", 900).path(dir), Path::new("/c/hyperliquid/BTC-15m.json"));
    // Another server's history is kept apart from the public API's.
    assert_eq!(key().at("https://fapi.binance.com/").path(dir), Path::new("/c/binance/BTCUSDT-5m.json"));
    assert_eq!(key().at("http://127.0.0.1:8080").path(dir), Path::new("/c/binance@127.0.0.1_8080/BTCUSDT-5m.json"));
}

#[test]
fn splice_keeps_old_rows_and_lets_new_ones_win() {
    let cached = [candle(0, 100.0), candle(5, 100.0), candle(10, 100.0), candle(15, 100.0)];
    let fresh = [candle(10, 105.0), candle(15, 106.0), candle(20, 107.0)];
    let out = splice(&cached, &fresh, t(10), |c| c.open_time);
    let closes: Vec<(DateTime<Utc>, f64)> = out.iter().map(|c| (c.open_time, c.close)).collect();
    assert_eq!(closes, [(t(0), 100.0), (t(5), 100.0), (t(10), 105.0), (t(15), 106.0), (t(20), 107.0)]);
    // A fresh row at a time before the cutoff still wins over the cached one.
    let out = splice(&cached, &[candle(5, 101.0)], t(10), |c| c.open_time);
    assert_eq!(out.iter().map(|c| c.close).collect::<Vec<_>>(), [100.0, 101.0]);
    // Cached rows at or after the cutoff are dropped even when the fetch has none there.
    assert_eq!(splice(&cached, &[], t(10), |c| c.open_time).len(), 2);
}

#[test]
fn trim_keeps_the_lookback_and_one_oi_sample_before_it() {
    let mut s =
        series((0..6).map(|i| candle(i * 5, 100.0)).collect(), vec![oi(-60, 1.0), oi(0, 2.0), oi(7, 3.0), oi(60, 4.0)]);
    trim(&mut s, t(10));
    assert_eq!(s.candles.first().unwrap().open_time, t(10));
    assert_eq!(s.candles.len(), 4);
    assert_eq!(s.open_interest.iter().map(|p| p.oi_usd).collect::<Vec<_>>(), [3.0, 4.0]);
    trim(&mut s, t(60));
    assert_eq!(s.open_interest.len(), 1);
}

#[test]
fn resume_refetches_two_candles_or_from_the_last_oi_sample() {
    let candles: Vec<Candle> = (0..10).map(|i| candle(i * 5, 100.0)).collect();
    let f = file(candles.clone(), vec![oi(45, 1.0)]);
    // Candles at 0..=45 min: the last two (40, 45) are fetched again.
    assert_eq!(resume_at(&f, t(0), t(60), 300, true), Some(t(40)));
    // An older last OI sample moves the start back (to the candle grid).
    let f = file(candles.clone(), vec![oi(33, 1.0)]);
    assert_eq!(resume_at(&f, t(0), t(60), 300, true), Some(t(30)));
    assert_eq!(resume_at(&f, t(0), t(60), 300, false), Some(t(40)));
    // At least two candles before the end are fetched.
    assert_eq!(resume_at(&file(candles.clone(), vec![oi(45, 1.0)]), t(0), t(45), 300, true), Some(t(35)));
    // A cache that starts after the lookback, saves nothing, or lacks rows: fetch all.
    assert_eq!(resume_at(&f, t(-5), t(60), 300, true), None);
    assert_eq!(resume_at(&f, t(40), t(60), 300, true), None);
    assert_eq!(resume_at(&file(candles[..1].to_vec(), vec![oi(0, 1.0)]), t(0), t(60), 300, true), None);
    assert_eq!(resume_at(&file(candles, vec![]), t(0), t(60), 300, true), None);
}

#[test]
fn merge_trims_and_validates() {
    let f = file((0..10).map(|i| candle(i * 5, 100.0)).collect(), (0..10).map(|i| oi(i * 5, 1.0)).collect());
    let fresh = series(
        vec![candle(40, 101.0), candle(45, 102.0), candle(50, 103.0)],
        vec![oi(40, 2.0), oi(45, 2.0), oi(50, 2.0)],
    );
    let m = merge(&f, fresh, Venue::Binance, t(40), t(10), 300).unwrap();
    assert_eq!(m.candles.len(), 9);
    assert_eq!(m.candles.first().unwrap().open_time, t(10));
    assert_eq!(m.candles.iter().map(|c| c.close).rev().take(3).collect::<Vec<_>>(), [103.0, 102.0, 101.0]);
    assert_eq!(m.open_interest.len(), 9);
    assert_eq!(m.mark_price, Some(100.0), "what is not history comes from the fetch");
    // An invalid fresh row makes the merge fail instead of being cached.
    let mut bad = candle(50, 103.0);
    bad.high = 1.0;
    let fresh = series(vec![bad], vec![oi(50, 2.0)]);
    assert!(merge(&f, fresh, Venue::Binance, t(40), t(10), 300).unwrap_err().contains("candle #"));
}

#[test]
fn hyperliquid_open_interest_is_estimated_again_over_all_candles() {
    let mut f = file((0..10).map(|i| candle(i * 5, 100.0)).collect(), vec![]);
    f.venue = "hyperliquid".into();
    let fresh = series(vec![candle(40, 101.0), candle(45, 102.0)], vec![oi(45, 0.5), oi(50, 1000.0)]);
    let m = merge(&f, fresh, Venue::Hyperliquid, t(40), t(0), 300).unwrap();
    assert_eq!(m.open_interest, hyperliquid::oi_by_volume(&m.candles, 300, 1000.0));
    assert_eq!(m.open_interest.len(), 10);
    assert!(to_file(&m, Venue::Hyperliquid, t(0), 300, vec![]).open_interest.is_empty());
}

#[test]
fn foreign_or_broken_files_are_refused_with_a_reason() {
    let good = file(vec![candle(0, 100.0), candle(5, 100.0)], vec![oi(0, 1.0)]);
    let json = |f: &CacheFile| serde_json::to_vec(f).unwrap();
    assert_eq!(parse(&json(&good), &key()).unwrap(), good);
    assert!(parse(b"\x00\xffgarbage", &key()).unwrap_err().contains("not cache JSON"));
    let mut other = good.clone();
    other.format = "liqshot-cache/9".into();
    assert!(parse(&json(&other), &key()).unwrap_err().contains("liqshot-cache/9"));
    let mut other = good.clone();
    other.instrument = "ETHUSDT".into();
    assert!(parse(&json(&other), &key()).unwrap_err().contains("holds binance ETHUSDT 5m"));
    assert!(parse(&json(&good), &Key::new(Venue::Binance, "BTC", 3600)).is_err());
    let mut other = good.clone();
    other.candles.swap(0, 1);
    assert!(parse(&json(&other), &key()).unwrap_err().contains("candle #1"));
    let mut other = good;
    other.candles[1].open_time = t(0);
    assert!(parse(&json(&other), &key()).unwrap_err().contains("does not come after"));
}

#[test]
fn version_1_is_read_and_liquidations_merge_keep_and_show() {
    let good = file(vec![candle(0, 100.0), candle(5, 100.0)], vec![oi(0, 1.0)]);
    let mut v = serde_json::to_value(&good).unwrap();
    v["format"] = FORMAT_V1.into();
    assert_eq!(parse(&serde_json::to_vec(&v).unwrap(), &key()).unwrap(), good);
    v["liquidations"] = serde_json::json!([{"time": t(0), "side": "long", "price": 1.0, "usd": 1.0}]);
    assert!(parse(&serde_json::to_vec(&v).unwrap(), &key()).unwrap_err().contains("not part of"));
    let l =
        |min: i64, usd: f64| Liquidation { time: t(min), side: crate::model::snapshot::Side::Long, price: 100.0, usd };
    let old = Liquidation { time: t(10) - Duration::days(LIQUIDATIONS_KEPT_DAYS + 1), ..l(0, 9.0) };
    let (kept, shown, from_cache) =
        merge_liquidations(&[old, l(-10, 1.0), l(0, 1.0), l(5, 2.0)], &[l(5, 2.0), l(10, 3.0)], t(0), t(10));
    assert_eq!(kept, [l(-10, 1.0), l(0, 1.0), l(5, 2.0), l(10, 3.0)]);
    assert_eq!((shown, from_cache), (vec![l(0, 1.0), l(5, 2.0)], 1));
    let mut bad = good;
    bad.liquidations = vec![l(5, 2.0), l(0, 1.0)];
    assert!(validate(&bad).unwrap_err().starts_with("liquidations #1"));
}

#[test]
fn store_replaces_the_file_and_leaves_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let path = key().path(dir.path());
    let mut f = file(vec![candle(0, 100.0), candle(5, 100.0)], vec![oi(0, 1.0)]);
    store(&path, &f).unwrap();
    f.candles.push(candle(10, 100.0));
    store(&path, &f).unwrap();
    assert_eq!(load(&path, &key()).unwrap(), Some(f));
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["BTCUSDT-5m.json"]);
    assert_eq!(load(&dir.path().join("none.json"), &key()).unwrap(), None);
}

#[test]
fn a_shorter_lookback_keeps_the_longer_history_in_the_file() {
    // The file of a run over minutes 0..65 (its lookback from 0); a run whose lookback
    // starts at minute 50 and ends at 70 keeps minutes 5..50 (the span slid to 70).
    let mut f = file((0..=12).map(|i| candle(i * 5, 100.0)).collect(), (0..=6).map(|i| oi(i * 10, 1.0)).collect());
    f.from = t(0);
    let older = Older::of(&f, t(50), t(70)).unwrap();
    assert_eq!(older.from, t(5));
    assert_eq!(older.candles.first().unwrap().open_time, t(5));
    assert_eq!(older.candles.last().unwrap().open_time, t(45));
    let mut short = file((10..=13).map(|i| candle(i * 5, 100.0)).collect(), vec![oi(50, 1.0), oi(60, 1.0)]);
    short.from = t(50);
    older.under(&mut short);
    assert_eq!(short.from, t(5));
    assert_eq!(short.candles.len(), 13);
    assert_eq!(
        short.open_interest.iter().map(|p| p.time).collect::<Vec<_>>(),
        [t(10), t(20), t(30), t(40), t(50), t(60)]
    );
    assert!(validate(&short).is_ok());
    // Nothing older than the run's own lookback: nothing kept.
    assert_eq!(Older::of(&f, t(0), t(70)), None);
}

#[test]
fn a_sparse_or_off_grid_cache_is_refused() {
    // A 5m file holding only hourly candles.
    let hourly = file((0..22).map(|h| candle(h * 60, 100.0)).collect(), vec![oi(0, 1.0)]);
    assert!(validate(&hourly).unwrap_err().starts_with("sparse: 22 candles where their span has 253 of 5m"));
    let mut off = file(vec![candle(0, 100.0), candle(5, 100.0)], vec![oi(0, 1.0)]);
    off.candles[1].open_time += Duration::milliseconds(1);
    assert!(validate(&off).unwrap_err().contains("not on the 5m grid"));
    // One missing candle in ten is a venue's hiccup, not a broken file.
    let gappy = file((0..20).filter(|i| i % 10 != 3).map(|i| candle(i * 5, 100.0)).collect(), vec![oi(0, 1.0)]);
    assert!(validate(&gappy).is_ok());
}

#[test]
fn store_removes_what_killed_runs_left() {
    let dir = tempfile::tempdir().unwrap();
    let path = key().path(dir.path());
    let parent = path.parent().unwrap();
    std::fs::create_dir_all(parent).unwrap();
    let stale = parent.join(format!(".{}.4000000000.3.tmp", path.file_name().unwrap().to_string_lossy()));
    std::fs::write(&stale, b"half").unwrap();
    store(&path, &file(vec![candle(0, 100.0), candle(5, 100.0)], vec![oi(0, 1.0)])).unwrap();
    if std::path::Path::new("/proc/self").exists() {
        assert!(!stale.exists());
    }
}

#[test]
fn default_dir_is_under_the_user_cache() {
    // Only checks the shape: the environment belongs to the whole test process.
    if let Some(d) = default_dir() {
        assert!(d.ends_with("liqshot") && d.is_absolute(), "{}", d.display());
    }
}
