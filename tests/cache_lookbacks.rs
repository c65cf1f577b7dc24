//! One cache shared by runs of different lookbacks (finding D15 of the reliability run): a 1d
//! run between two 7d runs no longer cuts the file to a day, so the second 7d run asks the venue
//! only for what is new.

mod common;

use std::path::Path;

use chrono::Utc;
use common::fake_exchange;
use common::mock_server::MockServer;
use liqshot::fetch::{fetch, FetchOptions, HttpConfig, Venue};

const DAY: i64 = 86_400;

fn options(server: &MockServer, lookback_secs: i64, cache: &Path) -> FetchOptions {
    FetchOptions {
        symbol: "BTC".into(),
        venues: vec![Venue::Binance],
        lookback_secs,
        interval_secs: 300,
        urls: Venue::ALL.iter().map(|v| (*v, server.base.clone())).collect(),
        http: HttpConfig { retries: 1, ..Default::default() },
        max_parallel_per_venue: 6,
        now: Utc::now(),
        cache: Some(cache.to_path_buf()),
        measured: None,
    }
}

fn klines(server: &MockServer) -> usize {
    server.seen_path("/fapi/v1/klines").len()
}

#[test]
fn a_shorter_run_between_two_longer_ones_does_not_make_them_fetch_everything() {
    let server = fake_exchange::start(|_| {});
    let cache = tempfile::tempdir().unwrap();
    let first = fetch(&options(&server, 7 * DAY, cache.path())).unwrap();
    assert!(first.failures.is_empty(), "{:?}", first.failures);
    let full = klines(&server);
    assert!(full >= 2, "a week of 5m candles takes several pages: {full}");
    let short = fetch(&options(&server, DAY, cache.path())).unwrap();
    assert_eq!(short.snapshot.venues[0].candles.len(), 288, "the snapshot has its own lookback");
    let before = klines(&server);
    let again = fetch(&options(&server, 7 * DAY, cache.path())).unwrap();
    assert_eq!(klines(&server) - before, 1, "only the newest candles are asked for");
    assert_eq!(again.snapshot.venues[0].candles.len(), first.snapshot.venues[0].candles.len());
}
