//! Progress of one fetch: per venue, requests planned and finished, shown on a terminal as one
//! line rewritten in place (`fetching SOLUSDT: binance 4/10, bybit 2/18, okx 0/28 requests`).
//! The counting is always on (one short mutex update per request); the line is drawn only
//! through a [`Display`] the caller gives the client ([`Http::with_display`](super::Http::with_display)):
//! the library itself never writes to the terminal (the command line's display draws only when
//! stderr is a terminal showing info).

use std::sync::Mutex;

/// Where a venue's fetch stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenueProgress {
    pub venue: String,
    /// Requests planned so far (pages are planned up front; a follow-up request adds one).
    pub planned: usize,
    /// Requests finished (answered or failed for good; retries are part of one request).
    pub done: usize,
    /// `None` while running, then whether the venue produced data.
    pub ok: Option<bool>,
}

/// Counters shared by the venue threads of one fetch.
#[derive(Debug, Default)]
pub struct Progress {
    venues: Mutex<Vec<VenueProgress>>,
}

impl Progress {
    fn with<R>(&self, venue: &str, f: impl FnOnce(&mut VenueProgress) -> R) -> R {
        let mut v = self.venues.lock().unwrap_or_else(|e| e.into_inner());
        let i = match v.iter().position(|p| p.venue == venue) {
            Some(i) => i,
            None => {
                v.push(VenueProgress { venue: venue.to_string(), planned: 0, done: 0, ok: None });
                v.len() - 1
            }
        };
        f(&mut v[i])
    }

    /// Lists `venue` (in the order venues are listed here) before any request.
    pub(crate) fn add_venue(&self, venue: &str) {
        self.with(venue, |_| ());
    }

    /// `n` more requests planned for `venue`.
    pub fn plan(&self, venue: &str, n: usize) {
        self.with(venue, |p| p.planned += n);
    }

    /// One request of `venue` finished.
    pub(crate) fn request_done(&self, venue: &str) {
        self.with(venue, |p| p.done += 1);
    }

    /// The venue's fetch ended.
    pub fn finish(&self, venue: &str, ok: bool) {
        self.with(venue, |p| p.ok = Some(ok));
    }

    /// The state of every venue, in the order they were listed.
    pub fn snapshot(&self) -> Vec<VenueProgress> {
        self.venues.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Where a fetch shows how far it is. A fetch [`claim`](Display::claim)s the display, calls
/// [`show`](Display::show) about every 100 ms while its venues run, and
/// [`release`](Display::release)s it at the end.
pub trait Display: Send + Sync {
    /// Takes the display for one fetch; `false` when nothing is to be drawn (no terminal, or
    /// another fetch of a batch has it).
    fn claim(&self) -> bool;
    /// Draws where `symbol`'s venues stand (see [`line`](fn@line)).
    fn show(&self, symbol: &str, venues: &[VenueProgress]);
    /// Removes what was drawn and gives the display back (after `claim` returned `true`).
    fn release(&self);
}

/// The progress line: `fetching SOLUSDT: binance 4/10, bybit 2/18, okx 0/28 requests`. A venue
/// that is through shows `done` (or `failed`), one that has planned nothing yet `0/?`; a
/// request not planned up front (a follow-up) counts in both numbers. Cut to `max_chars` characters (ending in `…`) so it never wraps,
/// which would defeat rewriting it in place.
pub fn line(symbol: &str, venues: &[VenueProgress], max_chars: usize) -> String {
    let parts: Vec<String> = venues
        .iter()
        .map(|v| match v.ok {
            Some(true) => format!("{} done", v.venue),
            Some(false) => format!("{} failed", v.venue),
            None if v.planned == 0 && v.done == 0 => format!("{} 0/?", v.venue),
            None => format!("{} {}/{}", v.venue, v.done, v.planned.max(v.done)),
        })
        .collect();
    let running = venues.iter().any(|v| v.ok.is_none());
    let text = format!("fetching {symbol}: {}{}", parts.join(", "), if running { " requests" } else { "" });
    crate::model::fmt::shorten(&text, max_chars)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(venue: &str, done: usize, planned: usize, ok: Option<bool>) -> VenueProgress {
        VenueProgress { venue: venue.into(), planned, done, ok }
    }

    #[test]
    fn line_names_each_venue_and_its_requests() {
        let vs = [v("binance", 4, 10, None), v("bybit", 2, 18, None), v("okx", 0, 28, None)];
        assert_eq!(line("SOLUSDT", &vs, 200), "fetching SOLUSDT: binance 4/10, bybit 2/18, okx 0/28 requests");
        let vs = [v("binance", 10, 10, Some(true)), v("bybit", 3, 18, Some(false)), v("okx", 29, 28, None)];
        assert_eq!(line("SOLUSDT", &vs, 200), "fetching SOLUSDT: binance done, bybit failed, okx 29/29 requests");
        let vs = [v("binance", 0, 0, None), v("bybit", 0, 4, None)];
        assert_eq!(line("SOLUSDT", &vs, 200), "fetching SOLUSDT: binance 0/?, bybit 0/4 requests");
        let vs = [v("binance", 10, 10, Some(true))];
        assert_eq!(line("BTCUSDT", &vs, 200), "fetching BTCUSDT: binance done");
    }

    #[test]
    fn line_is_cut_to_the_width() {
        let vs =
            [v("binance", 4, 10, None), v("bybit", 2, 18, None), v("okx", 0, 28, None), v("hyperliquid", 1, 3, None)];
        let l = line("SOLUSDT", &vs, 40);
        assert_eq!(l.chars().count(), 40);
        assert!(l.starts_with("fetching SOLUSDT: binance 4/10, bybit") && l.ends_with('…'), "{l}");
    }

    #[test]
    fn counters_add_up_per_venue_in_listing_order() {
        let p = Progress::default();
        p.add_venue("okx");
        p.add_venue("binance");
        p.plan("binance", 3);
        p.request_done("binance");
        p.request_done("okx");
        p.finish("okx", false);
        assert_eq!(p.snapshot(), [v("okx", 1, 0, Some(false)), v("binance", 1, 3, None)]);
    }
}
