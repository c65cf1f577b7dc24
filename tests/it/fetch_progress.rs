//! The progress line of a fetch goes through the display the caller gives the client
//! (`Http::with_display`): the library draws nothing itself, a display that declines draws
//! nothing, and one that accepts is shown each venue's counts and released at the end.
//! Against the four-venue fake exchange (tests/common/fake_exchange.rs), never the internet.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use common::fake_exchange;
use common::mock_server::MockServer;
use liqshot::fetch::progress::{Display, VenueProgress};
use liqshot::fetch::{fetch_with, FetchOptions, Http, HttpConfig, Venue};

#[derive(Default)]
struct Recorder {
    accept: bool,
    events: Mutex<Vec<String>>,
    shown: Mutex<Vec<(String, Vec<VenueProgress>)>>,
}

impl Display for Recorder {
    fn claim(&self) -> bool {
        self.events.lock().unwrap().push("claim".into());
        self.accept
    }

    fn show(&self, symbol: &str, venues: &[VenueProgress]) {
        self.events.lock().unwrap().push("show".into());
        self.shown.lock().unwrap().push((symbol.to_string(), venues.to_vec()));
    }

    fn release(&self) {
        self.events.lock().unwrap().push("release".into());
    }
}

fn options(server: &MockServer) -> FetchOptions {
    FetchOptions {
        symbol: "BTC".into(),
        venues: vec![Venue::Binance, Venue::Okx],
        lookback_secs: 86_400,
        interval_secs: 300,
        urls: Venue::ALL.iter().map(|v| (*v, server.base.clone())).collect(),
        http: HttpConfig { retries: 1, ..Default::default() },
        max_parallel_per_venue: 2,
        now: Utc::now(),
        cache: None,
        measured: None,
    }
}

#[test]
fn a_fetch_draws_its_progress_only_on_the_display_it_was_given() {
    let server = fake_exchange::start(|_| {});
    // Slow answers, so the fetch outlives the 100 ms before the first redraw.
    server.set_latency(Duration::from_millis(60));
    let opts = options(&server);

    let accepting = Arc::new(Recorder { accept: true, ..Default::default() });
    let http = Http::new(opts.http.clone()).unwrap().with_display(accepting.clone());
    let report = fetch_with(&http, &opts).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let events = accepting.events.lock().unwrap().clone();
    assert_eq!(events.first().map(String::as_str), Some("claim"), "{events:?}");
    assert_eq!(events.last().map(String::as_str), Some("release"), "{events:?}");
    assert_eq!(events.iter().filter(|e| *e == "claim" || *e == "release").count(), 2, "{events:?}");
    let shown = accepting.shown.lock().unwrap().clone();
    assert!(!shown.is_empty(), "a fetch of {:?} showed nothing", report.elapsed);
    for (symbol, venues) in &shown {
        assert_eq!(symbol, "BTCUSDT");
        let names: Vec<&str> = venues.iter().map(|v| v.venue.as_str()).collect();
        assert_eq!(names, ["binance", "okx"], "every venue listed from the start, in order");
    }
    let last = &shown.last().unwrap().1;
    assert!(last.iter().all(|v| v.planned > 0), "{last:?}");

    // A display that declines (no terminal, or another fetch has it) is neither drawn on nor released.
    let declining = Arc::new(Recorder::default());
    let http = Http::new(opts.http.clone()).unwrap().with_display(declining.clone());
    fetch_with(&http, &opts).unwrap();
    assert_eq!(*declining.events.lock().unwrap(), ["claim"]);

    // A client forked for one symbol of a batch keeps the display.
    let forked = Arc::new(Recorder::default());
    let http = Http::new(opts.http.clone()).unwrap().with_display(forked.clone());
    assert!(http.fork().display().is_some());
}
