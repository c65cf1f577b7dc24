//! Integration tests for `liqshot::fetch::import` against small fixture files.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use liqshot::fetch::import::{import, ImportOptions};
use liqshot::{Error, MarketSnapshot};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

fn opts(klines: &str, oi: &str) -> ImportOptions {
    ImportOptions::new(fixture(klines), fixture(oi), "btc")
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test time").with_timezone(&Utc)
}

/// The error text of importing `o`, which must fail.
fn err(o: &ImportOptions) -> String {
    match import(o) {
        Ok(_) => panic!("import of {o:?} should fail"),
        Err(e) => e.to_string(),
    }
}

/// `path: rest` for a fixture path.
fn at(name: &str, rest: &str) -> String {
    format!("{}: {rest}", fixture(name).display())
}

#[test]
fn plain_klines_and_okx_oi_with_funding_column() {
    let snap = import(&opts("plain-klines.csv", "okx-oi.csv")).expect("imports");
    assert_eq!(snap.format, "liqshot-snapshot/2");
    assert_eq!(snap.symbol, "BTCUSDT");
    assert_eq!(snap.interval, "5m");
    assert_eq!(snap.captured_at, utc("2025-11-01T02:25:00Z"));
    let v = &snap.venues[0];
    assert_eq!((v.venue.as_str(), v.instrument.as_str()), ("binance", "BTCUSDT"));
    assert_eq!(v.candles.len(), 29);
    assert_eq!(v.candles[0].open, 109_608.01);
    assert_eq!(v.candles[0].taker_buy_volume, None);
    // Only the 01:00 sample is before the close of the last candle.
    assert_eq!(v.open_interest.len(), 1);
    assert_eq!(v.open_interest[0].oi_usd, 723_035_000.0);
    assert_eq!(v.funding.len(), 1);
    assert_eq!(v.funding[0].rate, 0.0001);
    assert_eq!(v.margin_tiers_source, "built-in binance default for BTC/ETH (2026-11)");
    assert_eq!(
        v.notes,
        vec![
            "klines: plain-klines.csv, plain CSV klines, 29 rows, 2025-11-01 00:00:00 to 2025-11-01 02:20:00 UTC",
            "interval 5m inferred from the klines (most common spacing)",
            "open interest: okx-oi.csv, plain CSV open interest, 14 rows, 2025-11-01 01:00:00 to 2025-11-01 15:00:00 UTC",
            "open interest: dropped 13 sample(s) outside 2025-10-31 00:00:00 to 2025-11-01 02:25:00 UTC \
             (one day before the first candle to captured_at)",
            "funding: from the funding_rate column of okx-oi.csv, \
             14 rows, 2025-11-01 01:00:00 to 2025-11-01 15:00:00 UTC",
            "funding: dropped 13 sample(s) outside 2025-10-31 00:00:00 to 2025-11-01 02:25:00 UTC",
        ]
    );
    snap.validate().expect("valid");
}

#[test]
fn snapshot_round_trips_through_json() {
    let mut o = opts("plain-klines.csv", "okx-oi.csv");
    o.notes = vec!["test note".into()];
    let snap = import(&o).expect("imports");
    assert_eq!(snap.notes, vec!["test note".to_string()]);
    assert!(!snap.venues[0].notes.iter().any(|n| n == "test note"));
    let json = snap.to_json();
    let back = MarketSnapshot::from_json(&json).expect("parses");
    assert_eq!(back, snap);
    assert_eq!(back.to_json(), json);
}

#[test]
fn binance_vision_klines_with_and_without_header_agree() {
    let a = import(&opts("binance-klines-noheader.csv", "binance-metrics.csv")).expect("no header");
    let b = import(&opts("binance-klines-header.csv", "binance-metrics.csv")).expect("header, µs");
    assert_eq!(a.venues[0].candles, b.venues[0].candles);
    let c = &a.venues[0].candles;
    assert_eq!(c.len(), 6);
    assert_eq!(c[0].open_time, utc("2025-11-01T00:00:00Z"));
    assert_eq!(c[0].taker_buy_volume, Some(456.506));
    assert_eq!(a.captured_at, utc("2025-11-01T00:30:00Z"));
    assert_eq!(a.venues[0].notes[0], "klines: binance-klines-noheader.csv, Binance Vision klines (no header), 6 rows, 2025-11-01 00:00:00 to 2025-11-01 00:25:00 UTC");
    assert_eq!(b.venues[0].notes[0], "klines: binance-klines-header.csv, Binance Vision klines (with header), 6 rows, 2025-11-01 00:00:00 to 2025-11-01 00:25:00 UTC");
}

#[test]
fn binance_vision_metrics_and_funding_files() {
    let mut o = opts("binance-klines-noheader.csv", "binance-metrics.csv");
    o.funding = Some(fixture("binance-funding.csv"));
    o.venue = "Bybit".into();
    o.instrument = Some("BTCUSDT-PERP".into());
    o.interval = Some("300s".into());
    let snap = import(&o).expect("imports");
    assert_eq!(snap.interval, "5m");
    let v = &snap.venues[0];
    assert_eq!(v.venue, "bybit");
    assert_eq!(v.instrument, "BTCUSDT-PERP");
    assert_eq!(v.margin_tiers_source, "built-in bybit default for BTC/ETH (2026-11)");
    // 2025-10-29 is more than a day before the first candle; 00:35 is after captured_at.
    assert_eq!(v.open_interest.len(), 9);
    assert_eq!(v.open_interest[0].time, utc("2025-10-31T23:50:00Z"));
    assert_eq!(v.open_interest[0].oi_usd, 8_760_000_000.0);
    assert_eq!(v.funding.iter().map(|f| f.rate).collect::<Vec<_>>(), vec![0.0001, 0.00007436]);
    assert_eq!(
        v.notes,
        vec![
            "klines: binance-klines-noheader.csv, Binance Vision klines (no header), 6 rows, 2025-11-01 00:00:00 to 2025-11-01 00:25:00 UTC",
            "interval 5m as given",
            "open interest: binance-metrics.csv, Binance Vision metrics, 11 rows, 2025-10-29 00:00:00 to 2025-11-01 00:35:00 UTC",
            "open interest: dropped 2 sample(s) outside 2025-10-31 00:00:00 to 2025-11-01 00:30:00 UTC \
             (one day before the first candle to captured_at)",
            "funding: binance-funding.csv, Binance Vision fundingRate, 3 rows, 2025-10-31 16:00:00 to 2025-11-01 08:00:00 UTC",
            "funding: dropped 1 sample(s) outside 2025-10-31 00:00:00 to 2025-11-01 00:30:00 UTC",
        ]
    );
}

#[test]
fn bom_crlf_blank_lines_and_unsorted_rows() {
    let snap = import(&opts("crlf-bom-klines.csv", "binance-metrics.csv")).expect("imports");
    let times: Vec<_> = snap.venues[0].candles.iter().map(|c| c.open_time).collect();
    assert_eq!(
        times,
        vec![
            utc("2025-11-01T00:00:00Z"),
            utc("2025-11-01T00:05:00Z"),
            utc("2025-11-01T00:10:00Z"),
            utc("2025-11-01T00:15:00Z")
        ]
    );
    assert!(
        snap.venues[0].notes[0].ends_with("; rows were out of order and have been sorted by time"),
        "{}",
        snap.venues[0].notes[0]
    );
}

#[test]
fn bad_number_names_file_line_and_column() {
    assert_eq!(
        err(&opts("bad-number-klines.csv", "okx-oi.csv")),
        at("bad-number-klines.csv", "line 17: column \"high\": \"abc\" is not a number")
    );
}

#[test]
fn high_below_low_names_line() {
    assert_eq!(
        err(&opts("high-below-low-klines.csv", "okx-oi.csv")),
        at("high-below-low-klines.csv", "line 5: high 109394.81 is below low 109493.85")
    );
}

#[test]
fn duplicate_time_names_both_lines() {
    assert_eq!(
        err(&opts("duplicate-time-klines.csv", "okx-oi.csv")),
        at("duplicate-time-klines.csv", "line 9: duplicate open_time 2025-11-01 00:10:00 (same as line 4)")
    );
}

#[test]
fn unknown_formats() {
    assert_eq!(
        err(&opts("unknown-format.csv", "okx-oi.csv")),
        at(
            "unknown-format.csv",
            "not a recognised kline CSV (expected Binance Vision 12-column klines \
             or a header with open_time,open,high,low,close,volume)"
        )
    );
    assert_eq!(
        err(&opts("plain-klines.csv", "unknown-format.csv")),
        at(
            "unknown-format.csv",
            "not a recognised open-interest CSV (expected a Binance Vision metrics file \
             or a header with a time column and open_interest_usd)"
        )
    );
    assert_eq!(
        err(&opts("plain-klines.csv", "no-oi-column.csv")),
        at("no-oi-column.csv", "no \"open_interest_usd\" column (found: timestamp, price)")
    );
    let mut o = opts("plain-klines.csv", "okx-oi.csv");
    o.funding = Some(fixture("plain-klines.csv"));
    assert_eq!(
        err(&o),
        at("plain-klines.csv", "no \"funding_rate\" column (found: open_time, open, high, low, close, volume)")
    );
}

#[test]
fn empty_and_header_only_files() {
    assert_eq!(err(&opts("empty.csv", "okx-oi.csv")), at("empty.csv", "line 1: file is empty"));
    assert_eq!(err(&opts("plain-klines.csv", "empty.csv")), at("empty.csv", "line 1: file is empty"));
    assert_eq!(
        err(&opts("header-only-klines.csv", "okx-oi.csv")),
        at("header-only-klines.csv", "line 1: header only, no data rows")
    );
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let e = import(&opts("no-such-file.csv", "okx-oi.csv")).expect_err("fails");
    assert!(matches!(e, Error::Io { .. }));
    assert!(e.to_string().starts_with(&fixture("no-such-file.csv").display().to_string()));
}

#[test]
fn open_interest_outside_the_klines_is_an_error() {
    // The OKX samples start at 01:00, after the Binance fixture's last close (00:30).
    assert_eq!(
        err(&opts("binance-klines-noheader.csv", "okx-oi.csv")),
        at(
            "okx-oi.csv",
            "no open-interest samples within 2025-10-31 00:00:00 to 2025-11-01 00:30:00 UTC \
             (one day before the first candle to the close of the last); \
             the file covers 2025-11-01 01:00:00 to 2025-11-01 15:00:00 UTC"
        )
    );
}

#[test]
fn interval_options() {
    let mut o = opts("plain-klines.csv", "okx-oi.csv");
    o.interval = Some("1h".into());
    assert_eq!(
        err(&o),
        at("plain-klines.csv", "line 3: candle is 5m after the one on line 2, less than --interval 1h")
    );
    o.interval = Some("5x".into());
    assert!(matches!(import(&o), Err(Error::Usage(m)) if m == "--interval \"5x\" is not like 5m, 1h or 1d"));
    o.interval = None;
    o.symbol = " ".into();
    assert!(matches!(import(&o), Err(Error::Usage(_))));
}

#[test]
fn one_candle_needs_an_interval() {
    let dir = tempfile::tempdir().expect("tempdir");
    let k = dir.path().join("one.csv");
    std::fs::write(&k, "open_time,open,high,low,close,volume\n2025-11-01 00:30:00,1,2,0.5,1.5,3\n").expect("write");
    let mut o = ImportOptions::new(&k, fixture("okx-oi.csv"), "BTCUSDT");
    assert_eq!(
        err(&o),
        format!("{}: only one candle: cannot infer the interval (give it with --interval)", k.display())
    );
    o.interval = Some("1h".into());
    let snap = import(&o).expect("imports with --interval");
    assert_eq!(snap.captured_at, utc("2025-11-01T01:30:00Z"));
    assert_eq!(snap.venues[0].open_interest.len(), 1);
}

#[test]
fn unknown_venue_is_a_usage_error_listing_the_venues() {
    let mut o = opts("plain-klines.csv", "okx-oi.csv");
    o.venue = "kraken".into();
    match import(&o) {
        Err(Error::Usage(m)) => {
            assert_eq!(m, "--venue: unknown venue \"kraken\" (use binance, bybit, okx, hyperliquid)")
        }
        other => panic!("kraken should be a usage error: {other:?}"),
    }
    // Every venue the fetcher knows is accepted, in any case, and gets its own tiers.
    for name in ["binance", "Bybit", "OKX", "hyperliquid"] {
        o.venue = name.into();
        let snap = import(&o).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(snap.venues[0].venue, name.to_ascii_lowercase());
        assert!(
            snap.venues[0].margin_tiers_source.contains(&name.to_ascii_lowercase()),
            "{}",
            snap.venues[0].margin_tiers_source
        );
    }
}
