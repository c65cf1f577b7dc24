//! Fetch-stage benchmark: a 7-day lookback of 5-minute candles from three venues, served by a
//! local fake exchange that holds every answer for 200 ms. Prints the request count and the wall
//! time, and compares the wall time with the longest sequential chain of requests.
//!
//! Run: `cargo bench --bench fetch` (add `-- --latency-ms 200 --parallel 6` to change settings).

// The test suite's fake exchange (`super::mock_server` resolves to the module below).
#[path = "../tests/it/common/fake_exchange.rs"]
mod fake_exchange;
#[path = "../tests/it/common/mock_server.rs"]
mod mock_server;

use std::collections::BTreeMap;
use std::time::Duration;

use liqshot::fetch::{fetch, FetchOptions, HttpConfig, Venue};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let latency = arg("--latency-ms", 200);
    let runs = arg("--runs", 3) as usize;
    println!("liqshot fetch benchmark: BTC, binance+bybit+okx, 7d lookback of 5m candles, {latency} ms per request, median of {runs}");
    for parallel in [arg("--parallel", 6) as usize, 32] {
        let server = fake_exchange::start(|_| {});
        server.set_latency(Duration::from_millis(latency));
        let opts = FetchOptions {
            symbol: "BTC".into(),
            venues: vec![Venue::Binance, Venue::Bybit, Venue::Okx],
            lookback_secs: 7 * 86_400,
            interval_secs: 300,
            urls: Venue::ALL.iter().map(|v| (*v, server.base.clone())).collect(),
            http: HttpConfig::default(),
            max_parallel_per_venue: parallel,
            now: chrono::Utc::now(),
            cache: None,
            measured: None,
        };
        let mut walls = Vec::new();
        let mut last = None;
        for _ in 0..runs.max(1) {
            let before = server.seen().len();
            let report = fetch(&opts).expect("fetch from the local fake exchange");
            assert!(report.failures.is_empty(), "{:?}", report.failures);
            walls.push(report.elapsed.as_secs_f64() * 1000.0);
            last = Some((report, before));
        }
        walls.sort_by(f64::total_cmp);
        let wall = walls[walls.len() / 2];
        let (report, before) = last.expect("one run");
        let mut per_venue: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &server.seen()[before..] {
            *per_venue.entry(fake_exchange::venue_of(&s.path)).or_default() += 1;
        }
        // Every request of a venue is independent (all pages are planned up front), except the
        // extra lookups made only on errors; the per-venue bound turns them into rounds.
        let chain = per_venue.values().map(|n| n.div_ceil(parallel)).max().unwrap_or(0);
        let chain_ms = chain as f64 * latency as f64;
        println!("  --parallel {parallel}:");
        for (venue, n) in &per_venue {
            println!("    {venue:<8} {n:3} requests = {} sequential round(s)", n.div_ceil(parallel));
        }
        println!(
            "    total {} requests ({} counted by the client); longest chain {} x {latency} ms = {chain_ms:.0} ms; \
             wall {wall:.0} ms (median) = {:.2}x the chain; one by one would take {:.1} s",
            per_venue.values().sum::<usize>(),
            report.requests,
            chain,
            wall / chain_ms,
            per_venue.values().sum::<usize>() as f64 * latency as f64 / 1000.0
        );
        println!(
            "    candles per venue: {:?}",
            report.snapshot.venues.iter().map(|v| (v.venue.as_str(), v.candles.len())).collect::<Vec<_>>()
        );
    }
}
