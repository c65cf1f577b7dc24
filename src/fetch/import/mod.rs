//! Building a [`MarketSnapshot`] from CSV files: klines, open interest and
//! (optionally) funding rates, each in one of several common layouts.
//!
//! Formats are detected from the content, never the file name:
//!
//! * klines: Binance Vision futures klines (12 columns, with or without their
//!   header; open time in epoch milliseconds or microseconds), or a plain CSV whose
//!   header names `open_time,open,high,low,close,volume` and optionally
//!   `taker_buy_volume` (in any order, other columns ignored);
//! * open interest: a Binance Vision `metrics` file (`sum_open_interest_value`, USD,
//!   one side), or a plain CSV with a time column (`timestamp`, `time`, `open_time`
//!   or `create_time`) and `open_interest_usd` (or `oi_usd`);
//! * funding: a Binance Vision `fundingRate` file (`calc_time,funding_interval_hours,
//!   last_funding_rate`), or a plain CSV with a time column and `funding_rate` (or `rate`).
//!
//! Times may be `YYYY-MM-DD HH:MM:SS` (UTC), RFC 3339, or epoch seconds,
//! milliseconds or microseconds. Blank lines, a UTF-8 byte-order mark and CRLF line
//! ends are tolerated; rows out of time order are sorted; two rows with the same
//! time are an error. Every error names the file, and where it concerns one row,
//! the line (1-based) and the column: `k.csv: line 17: column "high": "abc" is not a number`.

mod funding;
mod klines;
mod liquidations;
mod open_interest;
mod periods;
mod table;
mod timefmt;

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::Error;
use crate::fetch::Venue;
use crate::model::snapshot::{self, Candle, MarketSnapshot, VenueSeries};
use crate::model::tiers;
use table::{err_at, err_file, file_name};

/// What to import, usually straight from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOptions {
    /// Kline (candle) CSV.
    pub klines: PathBuf,
    /// Open-interest CSV (one-sided USD notional).
    pub oi: PathBuf,
    /// Funding-rate CSV. When absent, a `funding_rate` column of a plain OI CSV is used.
    pub funding: Option<PathBuf>,
    /// Realized-liquidation CSV: events (`time,side,price,usd`), stored on the venue's series,
    /// or period totals (a time column with `long_usd`, `short_usd`), stored in the snapshot's
    /// `realized_periods`.
    pub liquidations: Option<PathBuf>,
    /// The period of period totals, such as `1h` (`--period`); the rows' most common spacing
    /// when absent.
    pub period: Option<String>,
    /// Symbol, e.g. `BTCUSDT`, `btcusdt` or `BTC` (normalised to `BTCUSDT`).
    pub symbol: String,
    /// Venue label, `binance` by default; selects the built-in margin tiers and the
    /// liquidation formula.
    pub venue: String,
    /// Whether the venue was named (`--venue`): only then do titles and reports name it;
    /// otherwise they name the input files.
    pub venue_named: bool,
    /// The period of the funding rates (`--funding-period`, e.g. `8h`); when absent the
    /// report reads the rates as per 8 h and says the period was assumed.
    pub funding_period: Option<String>,
    /// The venue's instrument name; the normalised symbol when absent.
    pub instrument: Option<String>,
    /// Candle interval such as `5m`; inferred from the klines when absent.
    pub interval: Option<String>,
    /// Extra provenance notes appended to the snapshot's notes.
    pub notes: Vec<String>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            klines: PathBuf::new(),
            oi: PathBuf::new(),
            funding: None,
            liquidations: None,
            period: None,
            symbol: String::new(),
            venue: "binance".to_string(),
            venue_named: false,
            funding_period: None,
            instrument: None,
            interval: None,
            notes: Vec::new(),
        }
    }
}

impl ImportOptions {
    /// Options for `klines` and `oi` files of `symbol`, with every other field at its default.
    pub fn new(klines: impl Into<PathBuf>, oi: impl Into<PathBuf>, symbol: impl Into<String>) -> Self {
        ImportOptions { klines: klines.into(), oi: oi.into(), symbol: symbol.into(), ..Default::default() }
    }
}

/// Rows read from one file: sorted by time, with their line numbers.
#[derive(Debug, Clone)]
pub(crate) struct Parsed<T> {
    /// The detected format, for notes.
    pub format: &'static str,
    /// The items, ascending by time.
    pub items: Vec<T>,
    /// `lines[i]` is the line `items[i]` came from.
    pub lines: Vec<u64>,
    /// Times of `items`.
    pub times: Vec<DateTime<Utc>>,
    /// Whether the rows had to be sorted.
    pub resorted: bool,
}

impl<T> Parsed<T> {
    /// Sorts `(line, time, item)` triples, rejecting duplicate times (`what` names the
    /// time column) and an empty result.
    pub(crate) fn build(
        path: &Path,
        format: &'static str,
        what: &str,
        mut rows: Vec<(u64, DateTime<Utc>, T)>,
    ) -> Result<Self, Error> {
        if rows.is_empty() {
            return Err(err_file(path, "no data rows"));
        }
        let resorted = table::sort_unique(path, what, &mut rows)?;
        let mut p = Parsed { format, items: Vec::new(), lines: Vec::new(), times: Vec::new(), resorted };
        for (line, time, item) in rows {
            p.lines.push(line);
            p.times.push(time);
            p.items.push(item);
        }
        Ok(p)
    }

    /// `fmt, N rows, first to last UTC[; ...sorted...]` for provenance notes.
    fn describe(&self) -> String {
        format!("{}, {}", self.format, self.describe_rows())
    }

    /// `N rows, first to last UTC[; ...sorted...]`.
    fn describe_rows(&self) -> String {
        let span = match (self.times.first(), self.times.last()) {
            (Some(a), Some(b)) => timefmt::span(*a, *b),
            _ => "no times".to_string(),
        };
        let n = self.items.len();
        let rows = if n == 1 { "row" } else { "rows" };
        let sorted = if self.resorted { "; rows were out of order and have been sorted by time" } else { "" };
        format!("{n} {rows}, {span}{sorted}")
    }

    /// Keeps the items whose time is within `lo..=hi`; returns how many were dropped.
    fn keep_within(&mut self, lo: DateTime<Utc>, hi: DateTime<Utc>) -> usize {
        let before = self.items.len();
        let keep: Vec<bool> = self.times.iter().map(|t| *t >= lo && *t <= hi).collect();
        let mut k = keep.iter();
        self.items.retain(|_| k.next().copied().unwrap_or(false));
        let mut k = keep.iter();
        self.lines.retain(|_| k.next().copied().unwrap_or(false));
        self.times.retain(|t| *t >= lo && *t <= hi);
        before - self.items.len()
    }
}

/// The venue of `--venue`, lower-case: one of the venues liqshot knows ([`Venue::ALL`], the list
/// `--exchange` and the config file's `venues` accept), whose margin tiers and liquidation
/// formula the snapshot then uses. Anything else is a usage error listing them.
fn venue_name(given: &str) -> Result<String, Error> {
    let name = given.trim();
    if name.is_empty() {
        return Err(Error::Usage(format!("--venue is empty (use {})", Venue::names())));
    }
    Venue::from_name(name)
        .map(|v| v.name().to_string())
        .ok_or_else(|| Error::Usage(format!("--venue: unknown venue {name:?} (use {})", Venue::names())))
}

/// Reads the files named in `opts` and builds a validated snapshot.
///
/// See the [module documentation](self) for the accepted formats. The interval is
/// `opts.interval` or the most common spacing of the candles; `captured_at` is the
/// close of the last candle; open-interest (and funding) samples earlier than one day
/// before the first candle or later than `captured_at` are dropped with a note.
pub fn import(opts: &ImportOptions) -> Result<MarketSnapshot, Error> {
    let symbol = normalise_symbol(&opts.symbol)?;
    let venue = venue_name(&opts.venue)?;
    let given_step = match &opts.interval {
        Some(s) => Some(
            snapshot::parse_interval(s)
                .ok_or_else(|| Error::Usage(format!("--interval {s:?} is not like 5m, 1h or 1d")))?,
        ),
        None => None,
    };
    let kpath = &opts.klines;
    let candles = klines::read(kpath)?;
    let mut notes = vec![format!("klines: {}, {}", file_name(kpath), candles.describe())];

    let step = match given_step {
        Some(step) => {
            check_spacing(kpath, &candles, step)?;
            notes.push(format!("interval {} as given", snapshot::format_interval(step)));
            step
        }
        None => {
            let step = infer_interval(&candles.times).ok_or_else(|| {
                err_file(kpath, "only one candle: cannot infer the interval (give it with --interval)")
            })?;
            notes.push(format!(
                "interval {} inferred from the klines (most common spacing)",
                snapshot::format_interval(step)
            ));
            step
        }
    };
    let gaps = candles.times.windows(2).filter(|w| (w[1] - w[0]).num_seconds() != step).count();
    if gaps > 0 {
        notes.push(format!("klines: {gaps} irregular spacing(s) (gaps) between consecutive candles"));
    }
    let (first, last) = match (candles.times.first(), candles.times.last()) {
        (Some(a), Some(b)) => (*a, *b),
        _ => return Err(err_file(kpath, "no data rows")),
    };
    let captured_at = TimeDelta::try_seconds(step)
        .and_then(|d| last.checked_add_signed(d))
        .ok_or_else(|| Error::Usage(format!("interval of {step} seconds is too large")))?;
    let window_start = first.checked_sub_signed(TimeDelta::days(1)).unwrap_or(DateTime::<Utc>::MIN_UTC);

    let mut oi_file = open_interest::read(&opts.oi)?;
    let oi_name = file_name(&opts.oi);
    notes.push(format!("open interest: {oi_name}, {}", oi_file.oi.describe()));
    let (file_first, file_last) = match (oi_file.oi.times.first(), oi_file.oi.times.last()) {
        (Some(a), Some(b)) => (*a, *b),
        _ => return Err(err_file(&opts.oi, "no data rows")),
    };
    let dropped = oi_file.oi.keep_within(window_start, captured_at);
    let window = timefmt::span(window_start, captured_at);
    if oi_file.oi.items.is_empty() {
        return Err(err_file(
            &opts.oi,
            format!(
                "no open-interest samples within {window} (one day before the first candle to the close of the last); \
                 the file covers {}",
                timefmt::span(file_first, file_last)
            ),
        ));
    }
    if dropped > 0 {
        notes.push(format!(
            "open interest: dropped {dropped} sample(s) outside {window} (one day before the first candle to captured_at)"
        ));
    }

    let mut funding = match (&opts.funding, oi_file.funding.take()) {
        (Some(path), _) => {
            let f = funding::read(path)?;
            notes.push(format!("funding: {}, {}", file_name(path), f.describe()));
            Some(f)
        }
        (None, Some(f)) => {
            notes.push(format!("funding: from the funding_rate column of {oi_name}, {}", f.describe_rows()));
            Some(f)
        }
        (None, None) => {
            notes.push("funding: none given".to_string());
            None
        }
    };
    if let Some(f) = funding.as_mut() {
        let dropped = f.keep_within(window_start, captured_at);
        if dropped > 0 {
            notes.push(format!("funding: dropped {dropped} sample(s) outside {window}"));
        }
    }

    let period = match &opts.period {
        Some(s) => Some(
            snapshot::parse_interval(s)
                .ok_or_else(|| Error::Usage(format!("--period {s:?} is not like 1h, 4h or 1d")))?,
        ),
        None => None,
    };
    let (mut liquidations, mut realized_periods) = (Vec::new(), None);
    match &opts.liquidations {
        Some(path) => {
            let t = table::Table::read(path)?;
            if periods::is_periods(&t) {
                realized_periods = Some(read_periods(path, &t, period, first, captured_at, &mut notes)?);
            } else if opts.period.is_some() {
                return Err(Error::Usage(format!(
                    "--period: applies to period totals (a time column with long_usd, short_usd), and {} holds events",
                    file_name(path)
                )));
            } else {
                liquidations = read_liquidations(path, liquidations::parse(&t)?, first, captured_at, &mut notes);
            }
        }
        None if opts.period.is_some() => {
            return Err(Error::Usage("--period: needs --liquidations FILE with period totals".into()))
        }
        None => {}
    }

    let funding_period_secs = match &opts.funding_period {
        Some(s) => Some(
            snapshot::parse_interval(s)
                .filter(|p| *p > 0)
                .ok_or_else(|| Error::Usage(format!("--funding-period {s:?} is not like 1h or 8h")))?,
        ),
        None => None,
    };
    let sources = imported_sources(opts, &venue, funding.as_ref().map(|_| ()).is_some(), funding_period_secs);
    let (margin_tiers, margin_tiers_source) = tiers::builtin(&venue, &symbol);
    let instrument = opts.instrument.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let venue_series = VenueSeries {
        venue,
        instrument: instrument.map_or_else(|| symbol.clone(), str::to_string),
        candles: candles.items,
        open_interest: oi_file.oi.items,
        funding: funding.map(|f| f.items).unwrap_or_default(),
        mark_price: None,
        tick_size: None,
        margin_tiers,
        margin_tiers_source,
        // What the files were and how they were read: provenance of this venue's series.
        notes,
        liquidations,
        measured_accounts: None,
        measured_positions: Vec::new(),
    };
    let mut snap = MarketSnapshot {
        format: snapshot::FORMAT.to_string(),
        symbol,
        captured_at,
        interval: snapshot::format_interval(step),
        venues: vec![venue_series],
        // The user's own notes (shown on the chart).
        notes: opts.notes.clone(),
        realized_periods,
        sources: Some(sources),
    };
    snap.clip_notes();
    snap.validate().map_err(|e| match e {
        Error::Invalid(m) => Error::Invalid(format!("imported snapshot is invalid: {m}")),
        other => other,
    })?;
    Ok(snap)
}

/// The sources of an import, by file: with `--venue` the venue is named beside the file.
fn imported_sources(
    opts: &ImportOptions,
    venue: &str,
    has_funding: bool,
    funding_period_secs: Option<i64>,
) -> crate::model::sources::Sources {
    let named = |path: &Path| match opts.venue_named {
        true => format!("{} (imported from {})", crate::model::sources::venue_title(venue), file_name(path)),
        false => file_name(path),
    };
    let funding = match (&opts.funding, has_funding) {
        (Some(f), true) => Some(named(f)),
        (None, true) => Some(named(&opts.oi)),
        _ => None,
    };
    crate::model::sources::Sources {
        price: named(&opts.klines),
        open_interest: named(&opts.oi),
        funding,
        funding_period_secs,
        venue_named: opts.venue_named,
    }
}

/// The period totals of `t` (read from `path`) that start at or after the first candle's open
/// and end by `captured_at` (others dropped with a note), with a provenance note.
fn read_periods(
    path: &Path,
    t: &table::Table,
    period: Option<i64>,
    first: DateTime<Utc>,
    captured_at: DateTime<Utc>,
    notes: &mut Vec<String>,
) -> Result<snapshot::RealizedPeriods, Error> {
    let read = periods::parse(t, period)?;
    let name = file_name(path);
    let p = TimeDelta::seconds(read.period_secs);
    let total = read.rows.len();
    let rows: Vec<snapshot::PeriodTotal> =
        read.rows.into_iter().filter(|r| r.start >= first && r.start + p <= captured_at).collect();
    let (Some(a), Some(b)) = (rows.first(), rows.last()) else {
        return Err(err_file(
            path,
            format!("no period within {} (the first candle to captured_at)", timefmt::span(first, captured_at)),
        ));
    };
    let how = if read.inferred { "inferred from the rows' most common spacing" } else { "as given" };
    let period = snapshot::format_interval(read.period_secs);
    notes.push(format!(
        "realized periods: {name}, {} of {period} ({how}), {}: longs {}, shorts {}",
        rows.len(),
        timefmt::span(a.start, b.start),
        crate::model::fmt::usd(rows.iter().map(|r| r.long_usd).sum()),
        crate::model::fmt::usd(rows.iter().map(|r| r.short_usd).sum())
    ));
    if rows.len() < total {
        notes.push(format!(
            "realized periods: dropped {} outside {} (the first candle to captured_at)",
            total - rows.len(),
            timefmt::span(first, captured_at)
        ));
    }
    Ok(snapshot::RealizedPeriods { period, source: name, rows })
}

/// The liquidations `read` from `path` from the first candle's open to `captured_at` (others
/// dropped with a note), with a provenance note: rows, span, count and USD per side.
fn read_liquidations(
    path: &Path,
    read: liquidations::Read,
    first: DateTime<Utc>,
    captured_at: DateTime<Utc>,
    notes: &mut Vec<String>,
) -> Vec<snapshot::Liquidation> {
    let name = file_name(path);
    let total = read.items.len();
    let mut items = read.items;
    items.retain(|l| l.time >= first && l.time <= captured_at);
    let side = |s: snapshot::Side| {
        let of: Vec<_> = items.iter().filter(|l| l.side == s).collect();
        (of.len(), of.iter().map(|l| l.usd).sum::<f64>())
    };
    let ((nl, ul), (ns, us)) = (side(snapshot::Side::Long), side(snapshot::Side::Short));
    let span = match (items.first(), items.last()) {
        (Some(a), Some(b)) => format!(", {}", timefmt::span(a.time, b.time)),
        _ => String::new(),
    };
    notes.push(format!(
        "liquidations: {name}, {} kept{span}: {nl} long ({}), {ns} short ({})",
        items.len(),
        crate::model::fmt::usd(ul),
        crate::model::fmt::usd(us)
    ));
    if read.repeats > 0 {
        notes.push(format!(
            "liquidations: {} repeated row(s) (equal time, side, price and usd) kept once",
            read.repeats
        ));
    }
    if items.len() < total {
        notes.push(format!(
            "liquidations: dropped {} outside {} (the first candle to captured_at)",
            total - items.len(),
            timefmt::span(first, captured_at)
        ));
    }
    items
}

/// Upper-cases a symbol and completes a bare base asset with `USDT`:
/// `btcusdt` → `BTCUSDT`, `BTC` → `BTCUSDT`, `BTC-USDT-SWAP` / `btc/usdt` → `BTCUSDT`.
pub(crate) fn normalise_symbol(s: &str) -> Result<String, Error> {
    let upper = s.trim().to_ascii_uppercase();
    let parts: Vec<&str> = upper.split(['-', '/', '_', ':']).filter(|p| !p.is_empty()).collect();
    let joined = match parts.as_slice() {
        [] => return Err(Error::Usage("--symbol is empty (e.g. BTCUSDT)".into())),
        [one] => {
            let quoted =
                ["USDT", "USDC", "BUSD", "USD"].iter().any(|q| one.strip_suffix(q).is_some_and(|b| !b.is_empty()));
            if quoted {
                one.to_string()
            } else {
                format!("{one}USDT")
            }
        }
        [base, quote, ..] => format!("{base}{quote}"),
    };
    if !joined.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::Usage(format!("--symbol {s:?} is not a symbol like BTCUSDT")));
    }
    Ok(joined)
}

/// The most common spacing (seconds) between consecutive times; the smaller one on
/// a tie. `None` with fewer than two times.
fn infer_interval(times: &[DateTime<Utc>]) -> Option<i64> {
    let mut diffs: Vec<i64> = times.windows(2).map(|w| (w[1] - w[0]).num_seconds()).filter(|d| *d > 0).collect();
    diffs.sort_unstable();
    let mut best: Option<(i64, usize)> = None;
    for run in diffs.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(_, n)| run.len() > n) {
            best = Some((run[0], run.len()));
        }
    }
    best.map(|(d, _)| d)
}

/// Rejects candles closer together than a given interval (the wrong `--interval`).
fn check_spacing(path: &Path, candles: &Parsed<Candle>, step: i64) -> Result<(), Error> {
    for (i, w) in candles.times.windows(2).enumerate() {
        let d = (w[1] - w[0]).num_seconds();
        if d < step {
            let (a, b) = (candles.lines[i], candles.lines[i + 1]);
            let (a, b) = (a.min(b), a.max(b));
            return Err(err_at(
                path,
                b,
                format!(
                    "candle is {} after the one on line {a}, less than --interval {}",
                    snapshot::format_interval(d),
                    snapshot::format_interval(step)
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols() {
        for (s, want) in [
            ("btcusdt", "BTCUSDT"),
            ("BTC", "BTCUSDT"),
            (" eth ", "ETHUSDT"),
            ("BTC-USDT-SWAP", "BTCUSDT"),
            ("btc/usdt", "BTCUSDT"),
            ("BTCUSD", "BTCUSD"),
            ("solusdc", "SOLUSDC"),
        ] {
            assert_eq!(normalise_symbol(s).unwrap(), want, "{s}");
        }
        assert!(matches!(normalise_symbol(""), Err(Error::Usage(_))));
        assert!(matches!(normalise_symbol("--"), Err(Error::Usage(_))));
        assert!(matches!(normalise_symbol("BT C"), Err(Error::Usage(_))));
    }

    #[test]
    fn interval_inference() {
        let t = |m: i64| DateTime::from_timestamp(m * 60, 0).unwrap();
        assert_eq!(infer_interval(&[t(0), t(5), t(10), t(20), t(25)]), Some(300));
        assert_eq!(infer_interval(&[t(0), t(5), t(65)]), Some(300));
        assert_eq!(infer_interval(&[t(0)]), None);
        assert_eq!(infer_interval(&[]), None);
    }

    proptest::proptest! {
        /// No input makes a reader panic.
        #[test]
        fn readers_never_panic(text in "[0-9a-z_,.:+ \\-\\n\\r\"]{0,300}", bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            for data in [text.as_bytes(), &bytes[..]] {
                if let Ok(t) = table::Table::from_bytes(Path::new("x.csv"), data) {
                    let _ = klines::parse(&t);
                    let _ = open_interest::parse(&t);
                    let _ = funding::parse(&t);
                }
            }
        }

        /// Headed klines with arbitrary cells: errors always name the file and a line.
        #[test]
        fn kline_errors_name_a_line(cells in proptest::collection::vec("[0-9a-z.\\-]{0,6}", 6..18)) {
            let mut s = String::from("open_time,open,high,low,close,volume\n");
            for row in cells.chunks(6) {
                s.push_str(&row.join(","));
                s.push('\n');
            }
            if let Ok(t) = table::Table::from_bytes(Path::new("x.csv"), s.as_bytes()) {
                if let Err(e) = klines::parse(&t) {
                    let m = e.to_string();
                    proptest::prop_assert!(m.starts_with("x.csv: line "), "{}", m);
                }
            }
        }
    }

    #[test]
    fn default_venue_is_binance() {
        let o = ImportOptions::new("k.csv", "oi.csv", "BTC");
        assert_eq!(o.venue, "binance");
        assert_eq!(o.klines, PathBuf::from("k.csv"));
        assert!(o.funding.is_none() && o.interval.is_none() && o.notes.is_empty());
    }
}
