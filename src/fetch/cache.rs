//! A local cache of fetched history, so a repeated run (a cron job) fetches only what is new.
//!
//! One JSON file per venue, instrument and interval (`binance/BTCUSDT-5m.json`) holds the
//! candles, open interest and funding of the last run ([`CacheFile`], `"format":
//! "liqshot-cache/1"`). The next run asks the venue only for the history from the
//! second-to-last cached candle (or the last open-interest sample, if older) on: the last
//! cached rows may have been incomplete on the venue's side, so they are fetched again and the
//! new rows win. Mark price, tick size, margin tiers and the current funding rate are not
//! history and always come fresh with that request.
//!
//! Hyperliquid has no open-interest history (its series is an estimate from today's open
//! interest, see [`super::hyperliquid::oi_by_volume`]), so only its candles and funding are
//! cached and the estimate is made again over the merged candles.
//!
//! Realized liquidations (OKX's) are kept too, and each run adds the new ones (one event = equal
//! time, side, price and USD), so an hourly job builds a history far longer than the venue's
//! day: the file keeps them for [`LIQUIDATIONS_KEPT_DAYS`] days or the lookback, whichever is
//! longer; the snapshot gets those within the lookback. Version-1 files (no liquidations) are
//! still read.
//!
//! A cache file that cannot be used (not JSON, another format version, another venue,
//! instrument or interval, an invalid series) is ignored with a warning and rewritten; cache
//! problems never fail a fetch. Files are replaced atomically (a temporary file in the same
//! directory, then a rename), so concurrent runs leave a complete file: the last writer wins.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{binance, bybit, check_series, fetch_venue, hyperliquid, okx, FetchError, Venue, VenueCtx};
use crate::snapshot::{check_liquidations, format_interval, union_liquidations, Candle, FundingPoint, Liquidation, OiPoint, VenueSeries};

/// The value of the `format` field this version writes (and reads).
pub const FORMAT: &str = "liqshot-cache/2";

/// The previous format, still read: the same fields without `liquidations`.
pub const FORMAT_V1: &str = "liqshot-cache/1";

/// Realized liquidations stay in a cache file this many days (or the lookback, if longer).
pub const LIQUIDATIONS_KEPT_DAYS: i64 = 90;

/// The cached history of one venue, instrument and interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Venue name, e.g. `binance`.
    pub venue: String,
    /// The venue's instrument name, e.g. `BTCUSDT`, `BTC-USDT-SWAP`.
    pub instrument: String,
    /// Candle interval, e.g. `5m`.
    pub interval: String,
    /// Start of the lookback this history was fetched for: every candle the venue had from
    /// here to the last cached one is in the file.
    pub from: DateTime<Utc>,
    /// Closed candles, ascending, one per open time.
    pub candles: Vec<Candle>,
    /// Open interest, ascending (empty for Hyperliquid, whose series is an estimate).
    pub open_interest: Vec<OiPoint>,
    /// Funding rates, ascending.
    pub funding: Vec<FundingPoint>,
    /// Realized liquidations seen by this and earlier runs, sorted, each once (format 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub liquidations: Vec<Liquidation>,
}

/// What a cache file must hold to be used: venue, instrument and interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub venue: Venue,
    pub instrument: String,
    pub interval: String,
    /// The server when it is not the venue's public API (a test server, a mirror): its
    /// history is kept apart, `binance@127.0.0.1_8080/`.
    pub site: Option<String>,
}

impl Key {
    /// The key of `base` (e.g. `BTC`) on `venue` at `interval_secs`.
    pub fn new(venue: Venue, base: &str, interval_secs: i64) -> Self {
        let instrument = match venue {
            Venue::Binance => binance::instrument(base),
            Venue::Bybit => bybit::instrument(base),
            Venue::Okx => okx::inst_id(base),
            Venue::Hyperliquid => base.to_string(),
        };
        Key { venue, instrument, interval: format_interval(interval_secs), site: None }
    }

    /// The same key for data served by `base_url`.
    pub fn at(mut self, base_url: &str) -> Self {
        let url = base_url.trim_end_matches('/');
        if url != self.venue.default_url() {
            let host = url.split_once("://").map_or(url, |(_, rest)| rest);
            self.site = Some(host.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect());
        }
        self
    }

    /// `dir/<venue>/<instrument>-<interval>.json` (characters unsafe in a file name become `_`);
    /// `dir/<venue>@<site>/...` for another server.
    pub fn path(&self, dir: &Path) -> PathBuf {
        let safe: String = self
            .instrument
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
            .collect();
        let venue_dir = match &self.site {
            Some(site) => format!("{}@{site}", self.venue.name()),
            None => self.venue.name().to_string(),
        };
        dir.join(venue_dir).join(format!("{safe}-{}.json", self.interval))
    }
}

/// Whether the venue's open interest is real history worth caching (not Hyperliquid's estimate).
pub fn caches_open_interest(venue: Venue) -> bool {
    venue != Venue::Hyperliquid
}

/// The default cache directory: `$XDG_CACHE_HOME/liqshot`, else `$HOME/.cache/liqshot`;
/// `None` when neither variable is set to an absolute path.
pub fn default_dir() -> Option<PathBuf> {
    let absolute = |var: &str| std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_absolute());
    absolute("XDG_CACHE_HOME")
        .map(|d| d.join("liqshot"))
        .or_else(|| absolute("HOME").map(|h| h.join(".cache").join("liqshot")))
}

/// Reads the cache file at `path` for `key`: `Ok(None)` when there is none, `Err(why)` when
/// it exists but cannot be used.
pub fn load(path: &Path, key: &Key) -> Result<Option<CacheFile>, String> {
    let bytes = match crate::input::read_limited(path, crate::input::JSON_MAX, crate::input::Start::JsonObject) {
        Ok(b) => b,
        Err(crate::error::Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(crate::error::Error::Io { source, .. }) => return Err(format!("unreadable: {source}")),
        Err(e) => return Err(e.to_string().replacen(&format!("{}: ", path.display()), "", 1)),
    };
    parse(&bytes, key).map(Some)
}

/// Parses and checks cache JSON against `key`.
pub fn parse(bytes: &[u8], key: &Key) -> Result<CacheFile, String> {
    // The format tag first, so another version is named as such rather than as a bad field.
    #[derive(Deserialize)]
    struct Tag {
        format: Option<String>,
    }
    let tag: Tag = serde_json::from_slice(bytes).map_err(|e| format!("not cache JSON: {e}"))?;
    let v1 = match tag.format.as_deref() {
        Some(FORMAT) => false,
        Some(FORMAT_V1) => true,
        Some(other) => return Err(format!("format {other:?} (this liqshot reads {FORMAT:?} and {FORMAT_V1:?})")),
        None => return Err(format!("no \"format\": {FORMAT:?}")),
    };
    let mut file: CacheFile = serde_json::from_slice(bytes).map_err(|e| format!("not cache JSON: {e}"))?;
    if v1 {
        if !file.liquidations.is_empty() {
            return Err(format!("liquidations are not part of {FORMAT_V1:?}"));
        }
        file.format = FORMAT.into();
    }
    let want = (key.venue.name(), key.instrument.as_str(), key.interval.as_str());
    if (file.venue.as_str(), file.instrument.as_str(), file.interval.as_str()) != want {
        return Err(format!(
            "holds {} {} {}, not {} {} {}",
            file.venue, file.instrument, file.interval, want.0, want.1, want.2
        ));
    }
    validate(&file)?;
    Ok(file)
}

/// Checks what the merge relies on: every series ascending with one row per time, prices
/// positive, volumes, open interest and funding finite (volumes and open interest not negative).
pub fn validate(file: &CacheFile) -> Result<(), String> {
    ascending("candle", &file.candles, |c| c.open_time)?;
    ascending("open_interest", &file.open_interest, |p| p.time)?;
    ascending("funding", &file.funding, |f| f.time)?;
    for (i, c) in file.candles.iter().enumerate() {
        let prices_ok = [c.open, c.high, c.low, c.close].iter().all(|p| p.is_finite() && *p > 0.0);
        let inside = c.low <= c.high && (c.low..=c.high).contains(&c.open) && (c.low..=c.high).contains(&c.close);
        let volumes_ok = [Some(c.volume), c.taker_buy_volume].into_iter().flatten().all(|v| v.is_finite() && v >= 0.0);
        if !(prices_ok && inside && volumes_ok) {
            return Err(format!("candle #{i} ({}) is not a valid candle", c.open_time));
        }
    }
    sparse(file)?;
    if let Some((i, p)) = file.open_interest.iter().enumerate().find(|(_, p)| !(p.oi_usd.is_finite() && p.oi_usd >= 0.0)) {
        return Err(format!("open_interest #{i} ({}): {} is negative or not finite", p.time, p.oi_usd));
    }
    if let Some((i, f)) = file.funding.iter().enumerate().find(|(_, f)| !f.rate.is_finite()) {
        return Err(format!("funding #{i} ({}): rate is not finite", f.time));
    }
    check_liquidations(&file.liquidations)
}

/// Fails when the candles miss more than a tenth of the slots of their span (a hand-edited or
/// foreign file: merged, it would leave holes in every later snapshot), or leave the grid.
fn sparse(file: &CacheFile) -> Result<(), String> {
    let Some(step) = crate::snapshot::parse_interval(&file.interval) else { return Err(format!("interval {:?} is not like 5m", file.interval)) };
    let (Some(first), Some(last)) = (file.candles.first(), file.candles.last()) else { return Ok(()) };
    if let Some(c) = file.candles.iter().find(|c| c.open_time.timestamp_subsec_nanos() != 0 || c.open_time.timestamp().rem_euclid(step) != 0) {
        return Err(format!("candle at {} is not on the {} grid", c.open_time, file.interval));
    }
    let slots = (last.open_time - first.open_time).num_seconds() / step + 1;
    let held = file.candles.len() as i64;
    if held * 10 < slots * 9 {
        return Err(format!("sparse: {held} candles where their span has {slots} of {}", file.interval));
    }
    Ok(())
}

/// Fails unless `items` ascend strictly by `time`.
fn ascending<T>(what: &str, items: &[T], time: impl Fn(&T) -> DateTime<Utc>) -> Result<(), String> {
    match items.windows(2).position(|w| time(&w[1]) <= time(&w[0])) {
        None => Ok(()),
        Some(i) => Err(format!("{what} #{}: time {} does not come after {}", i + 1, time(&items[i + 1]), time(&items[i]))),
    }
}

/// Where the next fetch can start so that, merged with `file`, it covers `[start, end)`: the
/// second-to-last cached candle (the last may have been incomplete on the venue's side) or
/// the last cached open-interest sample when `with_oi` and it is older, on the candle grid
/// and at least two candles before `end`. `None` when the cache does not reach back to
/// `start` or would save nothing: then the whole lookback is fetched.
pub fn resume_at(file: &CacheFile, start: DateTime<Utc>, end: DateTime<Utc>, interval_secs: i64, with_oi: bool) -> Option<DateTime<Utc>> {
    if file.from > start {
        return None;
    }
    let candles_at = file.candles.iter().rev().nth(1)?.open_time;
    let oi_at = if with_oi { file.open_interest.last()?.time } else { candles_at };
    let step = interval_secs.max(1);
    let floored = candles_at.min(oi_at).timestamp().div_euclid(step) * step;
    let at = DateTime::from_timestamp(floored, 0)?.min(end - Duration::seconds(2 * step));
    (at > start).then_some(at)
}

/// Cached items before `cutoff`, then every fresh item; ascending, one per time, a fresh item
/// winning over a cached one at the same time.
pub fn splice<T: Copy>(cached: &[T], fresh: &[T], cutoff: DateTime<Utc>, time: impl Fn(&T) -> DateTime<Utc>) -> Vec<T> {
    let mut out: Vec<T> = cached.iter().filter(|x| time(x) < cutoff).chain(fresh).copied().collect();
    out.sort_by_key(&time); // stable: at equal times the fresh item comes last
    out.reverse();
    out.dedup_by_key(|x| time(x)); // keeps the first of equal times: the fresh one
    out.reverse();
    out
}

/// Drops history older than the lookback starting at `start`: candles opening before it,
/// funding before it, and open interest before the last sample at or before it (that sample
/// stays, so the first candle lies between two samples).
pub fn trim(series: &mut VenueSeries, start: DateTime<Utc>) {
    series.candles.retain(|c| c.open_time >= start);
    series.funding.retain(|f| f.time >= start);
    let keep_from = series.open_interest.iter().rposition(|p| p.time <= start).unwrap_or(0);
    series.open_interest.drain(..keep_from);
}

/// Merges a fetch of the history from `cutoff` on (`fresh`, with everything that is not
/// history) into the cached history, trims it to the lookback from `start` and checks it.
/// Hyperliquid's open interest is estimated again over the merged candles.
pub fn merge(file: &CacheFile, mut fresh: VenueSeries, venue: Venue, cutoff: DateTime<Utc>, start: DateTime<Utc>, interval_secs: i64) -> Result<VenueSeries, String> {
    fresh.candles = splice(&file.candles, &fresh.candles, cutoff, |c| c.open_time);
    fresh.funding = splice(&file.funding, &fresh.funding, cutoff, |f| f.time);
    if caches_open_interest(venue) {
        fresh.open_interest = splice(&file.open_interest, &fresh.open_interest, cutoff, |p| p.time);
    }
    trim(&mut fresh, start);
    if !caches_open_interest(venue) {
        let oi_now = fresh.open_interest.last().map(|p| p.oi_usd).ok_or("the fetch has no open interest")?;
        fresh.open_interest = hyperliquid::oi_by_volume(&fresh.candles, interval_secs, oi_now);
    }
    let merged = CacheFile {
        format: FORMAT.into(),
        venue: venue.name().into(),
        instrument: fresh.instrument.clone(),
        interval: format_interval(interval_secs),
        from: start,
        candles: fresh.candles.clone(),
        open_interest: fresh.open_interest.clone(),
        funding: fresh.funding.clone(),
        liquidations: Vec::new(),
    };
    validate(&merged).map(|()| fresh)
}

/// The cache file of a checked series fetched for the lookback from `from`, with the realized
/// liquidations `liquidations` (the series' own and earlier runs').
pub fn to_file(series: &VenueSeries, venue: Venue, from: DateTime<Utc>, interval_secs: i64, liquidations: Vec<Liquidation>) -> CacheFile {
    CacheFile {
        format: FORMAT.into(),
        venue: venue.name().into(),
        instrument: series.instrument.clone(),
        interval: format_interval(interval_secs),
        from,
        candles: series.candles.clone(),
        open_interest: if caches_open_interest(venue) { series.open_interest.clone() } else { Vec::new() },
        funding: series.funding.clone(),
        liquidations,
    }
}

/// Realized liquidations after a run: `kept`, the union of the cached and the fresh ones from
/// [`LIQUIDATIONS_KEPT_DAYS`] days before `end` (or `start`, if earlier) on, for the cache file;
/// and those in `[start, end)` for the snapshot, with how many of them only the cache had.
pub fn merge_liquidations(cached: &[Liquidation], fresh: &[Liquidation], start: DateTime<Utc>, end: DateTime<Utc>) -> (Vec<Liquidation>, Vec<Liquidation>, usize) {
    let keep_from = start.min(end - Duration::days(LIQUIDATIONS_KEPT_DAYS));
    let mut kept = union_liquidations(cached, fresh);
    kept.retain(|l| l.time >= keep_from);
    let shown: Vec<Liquidation> = kept.iter().filter(|l| l.time >= start && l.time < end).copied().collect();
    let fresh_shown = fresh.iter().filter(|l| l.time >= start && l.time < end).count();
    let from_cache = shown.len().saturating_sub(fresh_shown);
    (kept, shown, from_cache)
}

/// Drops the cached liquidations dated after `now` (a hand-edited or damaged cache; a clock
/// that ran ahead) and returns how many: the newest cached one sets how far back the next run
/// pages, and one in the future would stop the paging at its first page for good.
pub fn drop_future_liquidations(file: &mut CacheFile, now: DateTime<Utc>) -> usize {
    let before = file.liquidations.len();
    file.liquidations.retain(|l| l.time <= now);
    before - file.liquidations.len()
}

/// Writes `file` to `path` atomically: a uniquely named temporary file in the same directory
/// (created if missing), flushed, then renamed over `path`. Concurrent writers each rename a
/// complete file; the last one wins.
pub fn store(path: &Path, file: &CacheFile) -> Result<(), String> {
    let dir = path.parent().ok_or("no parent directory")?;
    let name = path.file_name().ok_or("not a file path")?.to_string_lossy();
    // What killed runs left beside it goes first.
    crate::output::temp::remove_stale(dir, &name);
    let tmp = crate::output::temp::temp_path(dir, &name);
    let bytes = serde_json::to_vec(file).map_err(|e| e.to_string())?;
    let written = (|| {
        std::fs::create_dir_all(dir)?;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        e.to_string()
    })
}

/// Fetches one venue through the cache in `dir`: only the history the cache lacks when it
/// can be used, else the whole lookback; then checks the series and writes it back. Cache
/// problems go to `warnings` and never fail the fetch.
pub fn fetch(ctx: &VenueCtx, dir: &Path, warnings: &Mutex<Vec<String>>) -> Result<VenueSeries, FetchError> {
    let warn = |w: String| warnings.lock().expect("warnings lock").push(w);
    let key = Key::new(ctx.venue, &ctx.base, ctx.interval_secs).at(&ctx.base_url);
    let path = key.path(dir);
    let mut cached = load(&path, &key).unwrap_or_else(|why| {
        warn(format!("cache file {} ignored: {why}", path.display()));
        None
    });
    if let Some(n) = cached.as_mut().map(|f| drop_future_liquidations(f, ctx.end)).filter(|n| *n > 0) {
        warn(format!("cache file {}: {n} realized liquidation(s) dated after now ({}) dropped", path.display(), ctx.end.format("%Y-%m-%d %H:%M UTC")));
    }
    // Realized liquidations are paged back to the newest cached one (none cached: as far as
    // the lookback, or the venue, goes), so a run after a failed one fills the gap.
    let since = cached.as_ref().map(|f| f.liquidations.last().map_or(ctx.lookback_start, |l| l.time.max(ctx.lookback_start)));
    let ctx = &VenueCtx { liquidations_since: since, ..ctx.starting_at(ctx.start) };
    let (series, cached_liquidations, older) = match cached {
        Some(file) => {
            let older = Older::of(&file, ctx.start, ctx.end);
            (fetch_rest(ctx, &file, &path, &warn)?, file.liquidations, older)
        }
        None => (fetch_venue(ctx)?, Vec::new(), None),
    };
    let mut series = check_series(ctx.venue, series)?;
    let (kept, shown, from_cache) = merge_liquidations(&cached_liquidations, &series.liquidations, ctx.start, ctx.end);
    if from_cache > 0 {
        series.notes.push(format!("{from_cache} of {} realized liquidations from the local cache", shown.len()));
    }
    series.liquidations = shown;
    // A renamed instrument (Hyperliquid's own spelling of the coin) would not match the key.
    if series.instrument == key.instrument {
        let mut file = to_file(&series, ctx.venue, ctx.start, ctx.interval_secs, kept);
        if let Some(older) = older {
            let mut longer = file.clone();
            older.under(&mut longer);
            if validate(&longer).is_ok() {
                file = longer;
            }
        }
        if let Err(why) = store(&path, &file) {
            warn(format!("cache file {} not written: {why}", path.display()));
        }
    }
    Ok(series)
}

/// The history a cache file holds before this run's `start` that stays in the file (not in the
/// snapshot): a run with a shorter lookback sharing the cache keeps what a longer one fetched,
/// up to the span the file held (its last candle less its `from`) back from `end`, so runs of
/// 7d, 1d and 7d on one cache do not fetch the 7 days twice (and the file does not grow).
#[derive(Debug, Clone, PartialEq)]
struct Older {
    from: DateTime<Utc>,
    candles: Vec<Candle>,
    open_interest: Vec<OiPoint>,
    funding: Vec<FundingPoint>,
}

impl Older {
    fn of(file: &CacheFile, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Older> {
        let step = Duration::seconds(crate::snapshot::parse_interval(&file.interval)?);
        let closed = file.candles.last()?.open_time + step;
        let from = file.from.max(end - (closed - file.from));
        let before = |t: DateTime<Utc>| t >= from && t < start;
        let candles: Vec<Candle> = file.candles.iter().filter(|c| before(c.open_time)).copied().collect();
        if candles.is_empty() {
            return None;
        }
        let open_interest = file.open_interest.iter().filter(|p| before(p.time)).copied().collect();
        let funding = file.funding.iter().filter(|f| before(f.time)).copied().collect();
        Some(Older { from, candles, open_interest, funding })
    }

    /// Puts this history under `file`'s (each series only before the first row it has).
    fn under(self, file: &mut CacheFile) {
        fn join<T: Copy>(older: Vec<T>, newer: &mut Vec<T>, time: impl Fn(&T) -> DateTime<Utc>) {
            let first = newer.first().map(&time);
            let mut all: Vec<T> = older.into_iter().filter(|x| first.is_none_or(|f| time(x) < f)).collect();
            all.append(newer);
            *newer = all;
        }
        join(self.candles, &mut file.candles, |c| c.open_time);
        join(self.open_interest, &mut file.open_interest, |p| p.time);
        join(self.funding, &mut file.funding, |f| f.time);
        file.from = self.from.min(file.from);
    }
}

/// Fetches the history after what `file` holds and merges it in; falls back to the whole
/// lookback when the cache cannot help or the merge is invalid.
fn fetch_rest(ctx: &VenueCtx, file: &CacheFile, path: &Path, warn: &dyn Fn(String)) -> Result<VenueSeries, FetchError> {
    let with_oi = caches_open_interest(ctx.venue);
    let Some(at) = resume_at(file, ctx.start, ctx.end, ctx.interval_secs, with_oi) else {
        return fetch_venue(ctx);
    };
    let fresh = fetch_venue(&ctx.starting_at(at))?;
    let fetched = fresh.candles.len();
    match merge(file, fresh, ctx.venue, at, ctx.start, ctx.interval_secs) {
        Ok(mut merged) => {
            let total = merged.candles.len();
            merged.notes.push(format!("{} of {total} candles from the local cache", total.saturating_sub(fetched)));
            Ok(merged)
        }
        Err(why) => {
            warn(format!("cache file {} ignored: merged with new data it is invalid: {why}", path.display()));
            fetch_venue(ctx)
        }
    }
}

#[cfg(test)]
mod tests {
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
        let (margin_tiers, margin_tiers_source) = crate::tiers::builtin("binance", "BTCUSDT");
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
        let mut s = series(
            (0..6).map(|i| candle(i * 5, 100.0)).collect(),
            vec![oi(-60, 1.0), oi(0, 2.0), oi(7, 3.0), oi(60, 4.0)],
        );
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
        let fresh = series(vec![candle(40, 101.0), candle(45, 102.0), candle(50, 103.0)], vec![oi(40, 2.0), oi(45, 2.0), oi(50, 2.0)]);
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
        let l = |min: i64, usd: f64| Liquidation { time: t(min), side: crate::snapshot::Side::Long, price: 100.0, usd };
        let old = Liquidation { time: t(10) - Duration::days(LIQUIDATIONS_KEPT_DAYS + 1), ..l(0, 9.0) };
        let (kept, shown, from_cache) = merge_liquidations(&[old, l(-10, 1.0), l(0, 1.0), l(5, 2.0)], &[l(5, 2.0), l(10, 3.0)], t(0), t(10));
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
        assert_eq!(short.open_interest.iter().map(|p| p.time).collect::<Vec<_>>(), [t(10), t(20), t(30), t(40), t(50), t(60)]);
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
}
