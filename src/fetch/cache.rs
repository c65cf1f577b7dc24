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
//! directory, then a rename), so concurrent runs leave a complete file; the replacement happens
//! under the directory's lock ([`lock`]) after reading the file again, so the realized liquidations
//! another run stored meanwhile are kept (its candles are the same venue history).
//!
//! Liquidations recorded from the websocket streams (`liqshot record`) go to an append-only
//! [`journal`] per venue and instrument beside these files; a fetch adds those within its
//! lookback to the snapshot.

pub mod journal;
pub mod lock;
mod through;

pub use through::fetch;

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{binance, bybit, hyperliquid, okx, Venue};
use crate::model::snapshot::{
    check_liquidations, format_interval, union_liquidations, Candle, FundingPoint, Liquidation, OiPoint, VenueSeries,
};

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
    pub fn at(self, base_url: &str) -> Self {
        let default = self.venue.default_url();
        self.served_by(base_url, default)
    }

    /// The same key for data served by `url` where the venue's own server is `default` (a
    /// websocket stream's, for recorded liquidations).
    pub fn served_by(mut self, url: &str, default: &str) -> Self {
        let url = url.trim_end_matches('/');
        if url != default.trim_end_matches('/') {
            let host = url.split_once("://").map_or(url, |(_, rest)| rest);
            self.site = Some(
                host.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect(),
            );
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
pub(crate) fn caches_open_interest(venue: Venue) -> bool {
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
    let bytes = match crate::files::input::read_limited(
        path,
        crate::files::input::JSON_MAX,
        crate::files::input::Start::JsonObject,
    ) {
        Ok(b) => b,
        Err(crate::error::Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(None)
        }
        Err(crate::error::Error::Io { source, .. }) => return Err(format!("unreadable: {source}")),
        Err(e) => {
            return Err(e.to_string().replacen(&format!("{}: ", path.display()), "", 1).replacen(
                "not JSON",
                "not cache JSON",
                1,
            ))
        }
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
    if let Some((i, p)) =
        file.open_interest.iter().enumerate().find(|(_, p)| !(p.oi_usd.is_finite() && p.oi_usd >= 0.0))
    {
        return Err(format!("open_interest #{i} ({}): {} is negative or not finite", p.time, p.oi_usd));
    }
    if let Some((i, f)) = file.funding.iter().enumerate().find(|(_, f)| !f.rate.is_finite()) {
        return Err(format!("funding #{i} ({}): rate is not finite", f.time));
    }
    check_liquidations(&file.liquidations)
}

/// Fails when the candles miss more than a tenth of the slots of their span (a hand-edited or
/// foreign file: merged, it would leave holes in every later snapshot), or leave the grid (a
/// fraction of a second, or of the interval, off the first candle).
fn sparse(file: &CacheFile) -> Result<(), String> {
    let Some(step) = crate::model::snapshot::parse_interval(&file.interval) else {
        return Err(format!("interval {:?} is not like 5m", file.interval));
    };
    let (Some(first), Some(last)) = (file.candles.first(), file.candles.last()) else { return Ok(()) };
    let off = |t: DateTime<Utc>| t.timestamp_subsec_nanos() != 0 || (t - first.open_time).num_seconds() % step != 0;
    if let Some(c) = file.candles.iter().find(|c| off(c.open_time)) {
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
        Some(i) => {
            Err(format!("{what} #{}: time {} does not come after {}", i + 1, time(&items[i + 1]), time(&items[i])))
        }
    }
}

/// Where the next fetch can start so that, merged with `file`, it covers `[start, end)`: the
/// second-to-last cached candle (the last may have been incomplete on the venue's side) or
/// the last cached open-interest sample when `with_oi` and it is older, on the candle grid
/// and at least two candles before `end`. `None` when the cache does not reach back to
/// `start` or would save nothing: then the whole lookback is fetched.
pub(crate) fn resume_at(
    file: &CacheFile,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    interval_secs: i64,
    with_oi: bool,
) -> Option<DateTime<Utc>> {
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
pub fn merge(
    file: &CacheFile,
    mut fresh: VenueSeries,
    venue: Venue,
    cutoff: DateTime<Utc>,
    start: DateTime<Utc>,
    interval_secs: i64,
) -> Result<VenueSeries, String> {
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
pub(crate) fn to_file(
    series: &VenueSeries,
    venue: Venue,
    from: DateTime<Utc>,
    interval_secs: i64,
    liquidations: Vec<Liquidation>,
) -> CacheFile {
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
pub(crate) fn merge_liquidations(
    cached: &[Liquidation],
    fresh: &[Liquidation],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> (Vec<Liquidation>, Vec<Liquidation>, usize) {
    let keep_from = liquidations_kept_from(start, end);
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
pub(crate) fn drop_future_liquidations(file: &mut CacheFile, now: DateTime<Utc>) -> usize {
    let before = file.liquidations.len();
    file.liquidations.retain(|l| l.time <= now);
    before - file.liquidations.len()
}

/// Writes `file` to `path` like [`store`], under the lock of `path`, with the realized
/// liquidations of the file there now that `keep` accepts added (another run may have stored
/// some since this one read it; `keep` is this run's window, so what it dropped as too old or
/// dated after now stays dropped): no run loses another's events.
pub fn store_merged(
    path: &Path,
    key: &Key,
    mut file: CacheFile,
    keep: impl Fn(&Liquidation) -> bool,
) -> Result<(), String> {
    let _lock = lock::exclusive(path).map_err(|e| e.to_string())?;
    if let Ok(Some(now)) = load(path, key) {
        let theirs: Vec<Liquidation> = now.liquidations.into_iter().filter(|l| keep(l)).collect();
        if !theirs.is_empty() {
            file.liquidations = union_liquidations(&theirs, &file.liquidations);
        }
    }
    store(path, &file)
}

/// The first time of the realized liquidations a run over `[start, end)` keeps in its cache
/// file: [`LIQUIDATIONS_KEPT_DAYS`] days before `end`, or `start` if earlier.
pub(crate) fn liquidations_kept_from(start: DateTime<Utc>, end: DateTime<Utc>) -> DateTime<Utc> {
    start.min(end - Duration::days(LIQUIDATIONS_KEPT_DAYS))
}

/// Writes `file` to `path` atomically: a uniquely named temporary file in the same directory
/// (created if missing), flushed, then renamed over `path`. Concurrent writers each rename a
/// complete file (use [`store_merged`] to keep each one's liquidations).
pub fn store(path: &Path, file: &CacheFile) -> Result<(), String> {
    replace(path, &serde_json::to_vec(file).map_err(|e| e.to_string())?)
}

/// Replaces `path` with `bytes` atomically: a uniquely named temporary file in the same
/// directory (created if missing), flushed, then renamed over `path`.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path.parent().ok_or("no parent directory")?;
    let name = path.file_name().ok_or("not a file path")?.to_string_lossy();
    // What killed runs left beside it goes first.
    crate::files::temp::remove_stale(dir, &name);
    let tmp = crate::files::temp::temp_path(dir, &name);
    let written = (|| {
        std::fs::create_dir_all(dir)?;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        e.to_string()
    })
}

#[cfg(test)]
mod tests;
