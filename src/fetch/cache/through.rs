//! Fetching one venue through the cache: only the history the cache lacks, then the merged
//! series written back.

use std::path::Path;
use std::sync::Mutex;

use super::super::{binance, check_series, fetch_venue, FetchError, Venue, VenueCtx};
use crate::model::snapshot::{union_liquidations, Candle, FundingPoint, Liquidation, OiPoint, VenueSeries};
use chrono::{DateTime, Duration, Utc};

use super::{
    caches_open_interest, drop_future_liquidations, journal, liquidations_kept_from, load, merge, merge_liquidations,
    resume_at, store_merged, to_file, validate, CacheFile, Key,
};

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
        warn(format!(
            "cache file {}: {n} realized liquidation(s) dated after now ({}) dropped",
            path.display(),
            ctx.end.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    // Realized liquidations are paged back to the newest cached one (none cached: as far as
    // the lookback, or the venue, goes), so a run after a failed one fills the gap.
    let since =
        cached.as_ref().map(|f| f.liquidations.last().map_or(ctx.lookback_start, |l| l.time.max(ctx.lookback_start)));
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
    series.liquidations = with_recorded(shown, &mut series.notes, ctx, &journal::path(&key, dir), &warn);
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
        let (from, to) = (liquidations_kept_from(ctx.start, ctx.end), ctx.end);
        if let Err(why) = store_merged(&path, &key, file, |l| l.time >= from && l.time <= to) {
            warn(format!("cache file {} not written: {why}", path.display()));
        }
    }
    Ok(series)
}

/// `shown` with the recorded liquidations of the journal at `path` within `[ctx.start,
/// ctx.end)` added, and a venue note saying how many came from there (Binance's with its
/// one-per-second limit). A journal that cannot be read is a warning.
fn with_recorded(
    shown: Vec<Liquidation>,
    notes: &mut Vec<String>,
    ctx: &VenueCtx,
    path: &Path,
    warn: &dyn Fn(String),
) -> Vec<Liquidation> {
    let read = match journal::read(path) {
        Ok(r) => r,
        Err(why) => {
            warn(format!("recorded liquidations not read: {why}"));
            return shown;
        }
    };
    if read.bad_lines > 0 {
        warn(format!("{}: {} unreadable line(s) skipped", path.display(), read.bad_lines));
    }
    let recorded: Vec<Liquidation> =
        read.events.into_iter().filter(|l| l.time >= ctx.start && l.time < ctx.end).collect();
    if recorded.is_empty() {
        return shown;
    }
    let before = shown.len();
    let all = union_liquidations(&shown, &recorded);
    let limit = if ctx.venue == Venue::Binance { format!(" ({})", binance::ws::ONE_PER_SECOND) } else { String::new() };
    notes.push(format!(
        "{}: {} realized liquidations recorded from the websocket stream by liqshot record ({} not already among the fetched ones){limit}",
        ctx.venue.name(),
        recorded.len(),
        all.len() - before
    ));
    all
}

/// The history a cache file holds before this run's `start` that stays in the file (not in the
/// snapshot): a run with a shorter lookback sharing the cache keeps what a longer one fetched,
/// up to the span the file held (its last candle less its `from`) back from `end`, so runs of
/// 7d, 1d and 7d on one cache do not fetch the 7 days twice (and the file does not grow).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Older {
    pub(super) from: DateTime<Utc>,
    pub(super) candles: Vec<Candle>,
    pub(super) open_interest: Vec<OiPoint>,
    pub(super) funding: Vec<FundingPoint>,
}

impl Older {
    pub(super) fn of(file: &CacheFile, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Older> {
        let step = Duration::seconds(crate::model::snapshot::parse_interval(&file.interval)?);
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
    pub(super) fn under(self, file: &mut CacheFile) {
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
