//! Live data: each venue's public REST API → one [`MarketSnapshot`].
//!
//! All venues are fetched at once (one thread each); inside a venue, independent requests and
//! pages whose time ranges are known in advance run concurrently, bounded per venue. One venue
//! failing does not stop the others: the failure is recorded in the snapshot and shown on the chart.

pub mod binance;
pub mod bybit;
pub mod cache;
pub mod http;
pub mod hyperliquid;
pub mod import;
pub mod num;
pub mod okx;
pub mod progress;
// Realized liquidations from the venues' websocket streams (`liqshot record`).
pub mod record;
pub mod symbols;
// The TLS set-up shared by the REST client and the websocket streams (rustls on ring).
pub(crate) mod tls;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

use crate::error::Error;
use crate::model::snapshot::{format_interval, MarketSnapshot, VenueSeries, FORMAT};
pub use http::{ErrorDecoder, FetchError, Http, HttpConfig};

pub use crate::model::venue::Venue;

impl Venue {
    /// The public API's base URL.
    pub(crate) fn default_url(self) -> &'static str {
        match self {
            Venue::Binance => "https://fapi.binance.com",
            Venue::Bybit => "https://api.bybit.com",
            Venue::Okx => "https://www.okx.com",
            Venue::Hyperliquid => "https://api.hyperliquid.xyz",
        }
    }
}

/// What one venue client needs to know. Candles wanted: open times in `[start, end)`, where
/// `end` is the close of the last closed candle.
pub struct VenueCtx<'a> {
    pub http: &'a Http,
    pub venue: Venue,
    pub base_url: String,
    /// Base asset, e.g. `SOL`.
    pub base: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Start of the whole lookback: equals `start` unless the history before `start` comes from
    /// the local cache. Choices that depend on the lookback's length (OKX's open-interest
    /// period) use it, so an incremental fetch samples like a full one.
    pub lookback_start: DateTime<Utc>,
    pub interval_secs: i64,
    /// Requests in flight at once for this venue.
    pub max_parallel: usize,
    /// How far back realized liquidations are paged (OKX): `None` = `start`. The cache sets
    /// its newest liquidation, so a run asks only for what it has not seen.
    pub liquidations_since: Option<DateTime<Utc>>,
}

impl<'a> VenueCtx<'a> {
    /// The same venue and lookback, asking only for the history from `start` on.
    pub(crate) fn starting_at(&self, start: DateTime<Utc>) -> VenueCtx<'a> {
        VenueCtx {
            http: self.http,
            venue: self.venue,
            base_url: self.base_url.clone(),
            base: self.base.clone(),
            start,
            end: self.end,
            lookback_start: self.lookback_start,
            interval_secs: self.interval_secs,
            max_parallel: self.max_parallel,
            liquidations_since: self.liquidations_since,
        }
    }
}

/// A boxed job for [`VenueCtx::parallel`].
pub type Job<'a, T> = Box<dyn FnOnce() -> T + Send + 'a>;

/// Whether the candle opening at `open_time` belongs to a fetch of `[start, end)`: opened at or
/// after `start` and closed by `end` (the venues also return the still-open candle). A close
/// past chrono's last date (possible in hostile input) is not representable and counts as open.
pub(crate) fn closed_within(
    open_time: DateTime<Utc>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    step: Duration,
) -> bool {
    open_time >= start && open_time.checked_add_signed(step).is_some_and(|close| close <= end)
}

/// What a planned request asked for, named in messages (an endpoint path or a request type).
pub(crate) trait RequestKind: Copy + PartialEq {
    fn label(self) -> &'static str;
}

/// One planned request's kind and the body it got.
pub(crate) type Answer<K> = (K, Result<Vec<u8>, FetchError>);

/// The bodies of a venue's planned requests (run at once), each tagged with its kind.
pub(crate) struct Answers<K> {
    venue: &'static str,
    items: Vec<Answer<K>>,
}

impl<K: RequestKind + Send> Answers<K> {
    /// Runs `call` on every planned request concurrently (bounded by `ctx.max_parallel`) and
    /// keeps each answer, tagged with its kind, in request order.
    pub(crate) fn gather<R: Send>(ctx: &VenueCtx, requests: Vec<R>, call: impl Fn(R) -> Answer<K> + Sync) -> Self {
        let call = &call;
        let jobs: Vec<Job<Answer<K>>> =
            requests.into_iter().map(|r| -> Job<'_, _> { Box::new(move || call(r)) }).collect();
        Answers { venue: ctx.venue.name(), items: ctx.parallel(jobs) }
    }

    /// Every answer of `kind`, in request order.
    pub fn all(&self, kind: K) -> impl Iterator<Item = Result<&[u8], FetchError>> + '_ {
        self.items.iter().filter(move |(k, _)| *k == kind).map(|(_, r)| r.as_deref().map_err(Clone::clone))
    }

    /// The first answer of `kind` (an error if none was planned).
    pub fn one(&self, kind: K) -> Result<&[u8], FetchError> {
        self.all(kind)
            .next()
            .unwrap_or_else(|| Err(FetchError::new(format!("{}: {} was not requested", self.venue, kind.label()))))
    }
}

impl VenueCtx<'_> {
    /// GET `base_url + path`.
    pub fn get(&self, path: &str, query: &[(&str, String)], decode: ErrorDecoder) -> Result<Vec<u8>, FetchError> {
        self.http.get(self.venue.name(), &format!("{}{}", self.base_url.trim_end_matches('/'), path), query, decode)
    }

    /// POST JSON to `base_url + path`.
    pub fn post(&self, path: &str, body: &str, decode: ErrorDecoder) -> Result<Vec<u8>, FetchError> {
        self.http.post_json(
            self.venue.name(),
            &format!("{}{}", self.base_url.trim_end_matches('/'), path),
            body,
            decode,
        )
    }

    /// Runs `jobs` with at most `max_parallel` at once, in job order ([`crate::pool::map`]);
    /// results in job order.
    pub fn parallel<'j, T: Send>(&self, jobs: Vec<Job<'j, T>>) -> Vec<T> {
        // Every job sends one request (the progress display counts them).
        self.http.progress().plan(self.venue.name(), jobs.len());
        crate::pool::map(jobs, self.max_parallel, |job| job())
    }

    /// Candle interval in milliseconds.
    pub(crate) fn interval_ms(&self) -> i64 {
        self.interval_secs * 1000
    }

    /// Splits `[start, end)` into pages of at most `rows` candles: `(page_start, page_end)`,
    /// end exclusive, oldest first (see [`time_pages`]).
    pub fn pages(&self, rows: i64) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let at = |ms: i64| DateTime::from_timestamp_millis(ms).expect("a page bound lies between start and end");
        time_pages(self.start.timestamp_millis(), self.end.timestamp_millis(), self.interval_ms(), rows)
            .into_iter()
            .map(|(s, e)| (at(s), at(e)))
            .collect()
    }
}

/// Splits `[start_ms, end_ms)` into pages of at most `rows` steps of `step_ms`: `(page_start,
/// page_end)` in epoch milliseconds, end exclusive, oldest first. Every venue plans its paged
/// requests with this (candles through [`VenueCtx::pages`]; open interest and funding, whose
/// step is not the candle interval, directly); how a page becomes a request (parameter names,
/// inclusive or exclusive bounds) is the venue's own.
pub(crate) fn time_pages(start_ms: i64, end_ms: i64, step_ms: i64, rows: i64) -> Vec<(i64, i64)> {
    let span = step_ms.max(1) * rows.max(1);
    let mut out = Vec::new();
    let mut t = start_ms;
    while t < end_ms {
        let e = (t + span).min(end_ms);
        out.push((t, e));
        t = e;
    }
    out
}

/// Sorts rows by `key` (their time) and drops repeated keys, keeping the first of each: pages
/// may overlap by a row, and some venues list newest first.
pub(crate) fn sort_dedup<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    v.sort_by_key(|x| key(x));
    v.dedup_by_key(|x| key(x));
}

/// Settings of one fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// As the user typed it (`SOL`, `SOLUSDT`, ...).
    pub symbol: String,
    pub venues: Vec<Venue>,
    /// How much history builds the ledger, seconds.
    pub lookback_secs: i64,
    pub interval_secs: i64,
    /// Base URL per venue (defaults to [`Venue::default_url`]).
    pub urls: Vec<(Venue, String)>,
    pub http: HttpConfig,
    pub max_parallel_per_venue: usize,
    /// The time of the fetch (the caller's clock).
    pub now: DateTime<Utc>,
    /// Directory of the local history cache ([`cache`]); `None` fetches the whole lookback.
    pub cache: Option<PathBuf>,
    /// `--hl-accounts`: read these Hyperliquid accounts' positions into the Hyperliquid series
    /// ([`hyperliquid::positions`]); needs `hyperliquid` among the venues.
    pub measured: Option<hyperliquid::positions::MeasuredOptions>,
}

/// Intervals every venue serves candles for.
pub(crate) const INTERVALS: [&str; 5] = ["5m", "15m", "1h", "4h", "1d"];

/// The outcome of a fetch.
#[derive(Debug)]
pub struct FetchReport {
    pub snapshot: MarketSnapshot,
    pub failures: Vec<(Venue, FetchError)>,
    pub requests: usize,
    pub elapsed: std::time::Duration,
    /// Problems that did not stop the fetch (an unusable cache file), already printed on
    /// stderr as `liqshot: warning: ...`.
    pub warnings: Vec<String>,
}

impl FetchOptions {
    /// Checks what can be checked before any request: the symbol's spelling and the interval.
    pub fn check(&self) -> Result<String, Error> {
        let base = symbols::base_asset(&self.symbol)?;
        if self.measured.is_some() && !self.venues.contains(&Venue::Hyperliquid) {
            return Err(Error::Usage(
                "--hl-accounts: needs hyperliquid in --exchange (e.g. --exchange binance,bybit,okx,hyperliquid)".into(),
            ));
        }
        if self.lookback_secs > MAX_LOOKBACK_SECS {
            return Err(Error::Usage(format!(
                "--lookback {}: longer than {}, the most history liqshot fetches",
                crate::model::fmt::duration(self.lookback_secs),
                crate::model::fmt::duration(MAX_LOOKBACK_SECS)
            )));
        }
        if !INTERVALS.contains(&format_interval(self.interval_secs).as_str()) {
            return Err(Error::Usage(format!(
                "--interval {}: not served by every venue (use one of {})",
                format_interval(self.interval_secs),
                INTERVALS.join(", ")
            )));
        }
        Ok(base)
    }
}

/// The longest `--lookback` fetched: a year (at 5m candles about 70 Binance kline requests;
/// 99999d would be 19,200 and burn the IP's request weight).
pub(crate) const MAX_LOOKBACK_SECS: i64 = 365 * 86_400;

/// Fetches every venue concurrently and builds the snapshot, with a client of its own made from
/// `opts.http`. Fails only when no venue produced data (the error lists each venue's failure).
/// With [`FetchOptions::cache`], each venue fetches only the history its cache file lacks;
/// cache problems are printed on stderr as warnings and never fail the fetch.
pub fn fetch(opts: &FetchOptions) -> Result<FetchReport, Error> {
    opts.check()?;
    let http = Http::new(opts.http.clone()).map_err(|e| Error::Usage(e.message))?;
    fetch_with(&http, opts)
}

/// [`fetch`] through `http`, whose connection pool may be shared by several fetches running at
/// once (a batch of symbols); `opts.http` is not used. The report's request count is this
/// fetch's own.
pub fn fetch_with(http: &Http, opts: &FetchOptions) -> Result<FetchReport, Error> {
    let base = opts.check()?;
    let http = &http.fork();
    let step = opts.interval_secs;
    let end_secs = opts.now.timestamp().div_euclid(step) * step;
    let end = DateTime::<Utc>::from_timestamp(end_secs, 0).unwrap_or(opts.now);
    let start = end - Duration::seconds((opts.lookback_secs / step).max(2) * step);
    let t0 = Instant::now();
    let warnings = Mutex::new(Vec::new());
    for v in &opts.venues {
        http.progress().add_venue(v.name());
    }
    // On the client's display (the command line's: a terminal), one line says how far each
    // venue is, redrawn every 100 ms, cleared at the end.
    let symbol = format!("{base}USDT");
    let display = http.display().filter(|d| d.claim());
    let finished = std::sync::atomic::AtomicBool::new(false);
    let results: Vec<(Venue, Result<VenueSeries, FetchError>)> = std::thread::scope(|s| {
        let ticker = display.map(|display| {
            let (finished, symbol) = (&finished, &symbol);
            s.spawn(move || {
                // Nothing is drawn for a fetch done within the first 100 ms (a cached run).
                loop {
                    std::thread::park_timeout(std::time::Duration::from_millis(100));
                    if finished.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    display.show(symbol, &http.progress().snapshot());
                }
            })
        });
        let handles: Vec<_> = opts
            .venues
            .iter()
            .map(|&venue| {
                let url = opts.urls.iter().find(|(v, _)| *v == venue).map(|(_, u)| u.clone());
                let ctx = VenueCtx {
                    http,
                    venue,
                    base_url: url.unwrap_or_else(|| venue.default_url().to_string()),
                    base: base.clone(),
                    start,
                    end,
                    lookback_start: start,
                    interval_secs: step,
                    max_parallel: opts.max_parallel_per_venue,
                    liquidations_since: None,
                };
                let (cache, warnings) = (opts.cache.as_deref(), &warnings);
                s.spawn(move || {
                    let r = fetch_checked(&ctx, cache, warnings);
                    http.progress().finish(venue.name(), r.is_ok());
                    (venue, r)
                })
            })
            .collect();
        let results = handles.into_iter().map(|h| h.join().expect("venue thread panicked")).collect();
        finished.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = ticker {
            t.thread().unpark();
        }
        results
    });
    if let Some(display) = display {
        display.release();
    }
    let elapsed = t0.elapsed();
    let mut warnings = warnings.into_inner().expect("warnings lock");
    // A venue's optional series that failed (OKX's realized liquidations) is a warning too.
    for (_, r) in &results {
        if let Ok(v) = r {
            warnings.extend(v.notes.iter().filter(|n| n.contains(okx::liquidations::UNAVAILABLE)).cloned());
        }
    }
    for w in &warnings {
        tracing::warn!("{w}");
    }
    let mut venues = Vec::new();
    let mut failures = Vec::new();
    for (venue, r) in results {
        match r {
            Ok(mut v) => {
                if let (Venue::Hyperliquid, Some(m)) = (venue, &opts.measured) {
                    add_measured(http, opts, m, &mut v, &mut warnings);
                }
                venues.push(v)
            }
            Err(e) => failures.push((venue, e)),
        }
    }
    if venues.is_empty() {
        let all: Vec<String> = failures.iter().map(|(_, e)| e.message.clone()).collect();
        return Err(Error::Fetch(format!("no venue returned data: {}", all.join("; "))));
    }
    // Most important first: the chart shows as many as fit.
    let mut notes = Vec::new();
    for (v, e) in &failures {
        notes.push(format!("{} unavailable: {}", v.name(), e.message));
    }
    // Each venue's own notes (fallbacks, clamps) go on the chart too.
    for v in &venues {
        for n in &v.notes {
            let n = n.strip_prefix(&format!("{}: ", v.venue)).unwrap_or(n);
            notes.push(format!("{}: {n}", v.venue));
        }
    }
    notes.push(format!(
        "fetched {} at {} UTC: {} lookback of {} candles",
        opts.venues.iter().map(|v| v.name()).collect::<Vec<_>>().join(","),
        opts.now.format("%Y-%m-%d %H:%M:%S"),
        crate::model::fmt::duration(opts.lookback_secs),
        format_interval(step)
    ));
    let snapshot = MarketSnapshot {
        format: FORMAT.to_string(),
        symbol: format!("{base}USDT"),
        captured_at: end,
        interval: format_interval(step),
        venues,
        notes,
        realized_periods: None,
        sources: None,
    };
    snapshot.validate().map_err(|e| Error::Fetch(format!("fetched data failed validation: {e}")))?;
    Ok(FetchReport { snapshot, failures, requests: http.request_count(), elapsed, warnings })
}

/// Reads the measured positions of `--hl-accounts` into the Hyperliquid series `v`. Says (as
/// a `tracing` event) how long the accounts take at the venue's pace; a failure (the leaderboard cannot be
/// read) is a warning and a note, the series stays without measured positions.
fn add_measured(
    http: &Http,
    opts: &FetchOptions,
    m: &hyperliquid::positions::MeasuredOptions,
    v: &mut VenueSeries,
    warnings: &mut Vec<String>,
) {
    use hyperliquid::positions;
    let url = opts
        .urls
        .iter()
        .find(|(v, _)| *v == Venue::Hyperliquid)
        .map_or(Venue::Hyperliquid.default_url(), |(_, u)| u.as_str());
    if let positions::AccountSource::List(a) = &m.accounts {
        tracing::info!(
            "hyperliquid: reading {} accounts at {} per second (clearinghouseState weighs {} of {} per minute): about {:.0} s",
            a.len(),
            1000 / positions::ACCOUNT_PACE.as_millis(),
            positions::STATE_WEIGHT,
            positions::WEIGHT_PER_MINUTE,
            positions::duration_for(a.len()).as_secs_f64()
        );
    } else if let positions::AccountSource::Top(n) = &m.accounts {
        tracing::info!(
            "hyperliquid: reading the top {n} accounts at {} per second (clearinghouseState weighs {} of {} per minute): about {:.0} s",
            1000 / positions::ACCOUNT_PACE.as_millis(),
            positions::STATE_WEIGHT,
            positions::WEIGHT_PER_MINUTE,
            positions::duration_for(*n).as_secs_f64()
        );
    }
    match positions::measure(http, url, &v.instrument, m, opts.cache.as_deref(), opts.now, opts.max_parallel_per_venue)
    {
        Ok(r) => {
            for w in &r.warnings {
                tracing::warn!("{w}");
            }
            warnings.extend(r.warnings);
            v.notes.extend(r.notes);
            v.measured_accounts = Some(r.accounts);
            v.measured_positions = r.positions;
        }
        Err(e) => {
            let w = format!("{}: no measured positions: {}", Venue::Hyperliquid.name(), e.message);
            tracing::warn!("{w}");
            v.notes.push(w.clone());
            warnings.push(w);
        }
    }
}

/// One venue's checked series: through the cache in `cache` when given, else fetched whole.
fn fetch_checked(
    ctx: &VenueCtx,
    cache: Option<&Path>,
    warnings: &Mutex<Vec<String>>,
) -> Result<VenueSeries, FetchError> {
    match cache {
        Some(dir) => cache::fetch(ctx, dir, warnings),
        None => fetch_venue(ctx).and_then(|v| check_series(ctx.venue, v)),
    }
}

fn fetch_venue(ctx: &VenueCtx) -> Result<VenueSeries, FetchError> {
    match ctx.venue {
        Venue::Binance => binance::fetch(ctx),
        Venue::Bybit => bybit::fetch(ctx),
        Venue::Okx => okx::fetch(ctx),
        Venue::Hyperliquid => hyperliquid::fetch(ctx),
    }
}

/// No closed candles of `symbol` in the lookback of `ctx`: a new listing, or this computer's
/// clock running ahead of the venue's (then every candle asked for lies in the future).
pub(crate) fn no_candles(venue: &str, symbol: &str, ctx: &VenueCtx) -> FetchError {
    FetchError::new(format!(
        "{venue}: no closed {symbol} candles between {} and {} UTC: a new listing, or is this computer's clock ahead (it reads {} UTC)?",
        ctx.start.format("%Y-%m-%d %H:%M"),
        ctx.end.format("%Y-%m-%d %H:%M"),
        Utc::now().format("%Y-%m-%d %H:%M")
    ))
}

/// Rejects a venue's series that the estimator cannot use (validation in words of the venue).
fn check_series(venue: Venue, v: VenueSeries) -> Result<VenueSeries, FetchError> {
    if v.candles.len() < 2 {
        return Err(FetchError::new(format!(
            "{}: too few closed candles ({}), a new listing?",
            venue.name(),
            v.candles.len()
        )));
    }
    if v.open_interest.is_empty() {
        return Err(FetchError::new(format!("{}: no open-interest data", venue.name())));
    }
    let probe = MarketSnapshot {
        format: FORMAT.into(),
        symbol: "X".into(),
        captured_at: Utc::now(),
        interval: "5m".into(),
        venues: vec![v],
        notes: vec![],
        realized_periods: None,
        sources: None,
    };
    probe.validate().map_err(|e| FetchError::new(format!("{}: bad data: {e}", venue.name())))?;
    Ok(probe.venues.into_iter().next().expect("one venue"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One page plan for every venue: the candle pages of a fetch are [`time_pages`] of its
    /// range in candle steps, and a range that is not a whole number of pages ends in a short one.
    #[test]
    fn candle_pages_and_time_pages_are_one_plan() {
        let http = Http::new(HttpConfig::default()).unwrap();
        let start = DateTime::<Utc>::from_timestamp(1_762_000_200, 0).unwrap();
        let ctx = VenueCtx {
            http: &http,
            venue: Venue::Okx,
            base_url: String::new(),
            base: "BTC".into(),
            start,
            end: start + Duration::seconds(300 * 250),
            lookback_start: start,
            interval_secs: 300,
            max_parallel: 1,
            liquidations_since: None,
        };
        let pages = ctx.pages(100);
        let ms: Vec<(i64, i64)> = pages.iter().map(|(s, e)| (s.timestamp_millis(), e.timestamp_millis())).collect();
        assert_eq!(ms, time_pages(ctx.start.timestamp_millis(), ctx.end.timestamp_millis(), 300_000, 100));
        assert_eq!(pages.len(), 3);
        assert_eq!((pages[0].0, pages[2].1), (ctx.start, ctx.end));
        assert_eq!(pages[2].1 - pages[2].0, Duration::seconds(300 * 50));
        assert!(time_pages(5, 5, 10, 50).is_empty());
        // A zero step or row count still ends (one page per millisecond / step).
        assert_eq!(time_pages(0, 3, 0, 0), [(0, 1), (1, 2), (2, 3)]);
    }

    #[test]
    fn sort_dedup_orders_by_key_and_keeps_the_first_of_a_repeated_one() {
        let mut rows = vec![(3, "c"), (1, "a"), (3, "c again"), (2, "b")];
        sort_dedup(&mut rows, |r| r.0);
        assert_eq!(rows, [(1, "a"), (2, "b"), (3, "c")]);
    }
}
