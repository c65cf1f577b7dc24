//! Binance USD-M futures client (`https://fapi.binance.com`, public endpoints only).
//!
//! One [`fetch`] plans every request up front (kline pages of 1500 rows, open-interest pages
//! of 500 rows, funding pages, mark price, exchange info) and runs them all at once through
//! [`VenueCtx::parallel`], so a fetch takes about as long as its slowest request.
//! Margin brackets need a signed key, so the tiers are the built-in defaults.

pub mod wire;
pub mod ws;

use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;

use super::{sort_dedup, symbols, time_pages, FetchError, Job, VenueCtx};
use crate::model::snapshot::{Candle, FundingPoint, OiPoint, VenueSeries};
use crate::model::tiers;

/// The venue's name in messages and snapshots.
pub(crate) const VENUE: &str = "binance";
/// Klines endpoint (max [`KLINE_ROWS`] rows).
pub(crate) const KLINES: &str = "/fapi/v1/klines";
/// Open-interest history endpoint (max [`OI_ROWS`] rows, last [`OI_HISTORY_DAYS`] days).
pub(crate) const OI_HIST: &str = "/futures/data/openInterestHist";
/// Funding-rate history endpoint (max [`FUNDING_ROWS`] rows).
pub(crate) const FUNDING: &str = "/fapi/v1/fundingRate";
/// Mark price and current funding.
pub(crate) const PREMIUM_INDEX: &str = "/fapi/v1/premiumIndex";
/// Every symbol with its filters (tick size).
pub(crate) const EXCHANGE_INFO: &str = "/fapi/v1/exchangeInfo";

/// Most rows one klines request returns.
pub(crate) const KLINE_ROWS: i64 = 1500;
/// Most rows one open-interest-history request returns.
pub(crate) const OI_ROWS: i64 = 500;
/// Most rows one funding-rate request returns.
pub(crate) const FUNDING_ROWS: i64 = 1000;
/// How far back `openInterestHist` serves data.
pub(crate) const OI_HISTORY_DAYS: i64 = 30;
/// The shortest funding period Binance uses (pages of funding history are planned with it).
const MIN_FUNDING_SECS: i64 = 3600;
/// The error code for an unknown symbol.
pub(crate) const INVALID_SYMBOL: i64 = -1121;

/// The perpetual's name for a base asset: `SOL` → `SOLUSDT`.
pub fn instrument(base: &str) -> String {
    format!("{}USDT", base.to_ascii_uppercase())
}

/// Binance's name for an interval (`klines` `interval` and `openInterestHist` `period`).
pub(crate) fn interval_name(secs: i64) -> Option<&'static str> {
    Some(match secs {
        300 => "5m",
        900 => "15m",
        3600 => "1h",
        14_400 => "4h",
        86_400 => "1d",
        _ => return None,
    })
}

/// Decodes a 4xx body `{"code":-1121,"msg":"Invalid symbol."}` into
/// `invalid symbol (code -1121)`, any other code into `<msg> (code N)`.
pub fn decode_error(_status: u16, body: &[u8]) -> Option<String> {
    let e: wire::ApiError = serde_json::from_slice(body).ok()?;
    if e.code == INVALID_SYMBOL {
        return Some(format!("invalid symbol (code {INVALID_SYMBOL})"));
    }
    let msg = e.msg.trim().trim_end_matches('.');
    Some(format!("{} (code {})", if msg.is_empty() { "error" } else { msg }, e.code))
}

/// Parses a body, naming the venue and endpoint when it is not what we expect.
pub fn parse<T: DeserializeOwned>(path: &str, body: &[u8]) -> Result<T, FetchError> {
    serde_json::from_slice(body).map_err(|e| FetchError::new(format!("{VENUE}: {path}: unexpected JSON: {e}")))
}

/// Epoch milliseconds → UTC time.
fn time_ms(path: &str, ms: i64) -> Result<DateTime<Utc>, FetchError> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| FetchError::new(format!("{VENUE}: {path}: time {ms} ms is out of range")))
}

impl TryFrom<wire::KlineRow> for Candle {
    type Error = FetchError;

    /// Strict about meaning: prices positive and finite, volumes non-negative,
    /// taker-buy volume within the volume.
    fn try_from(r: wire::KlineRow) -> Result<Self, FetchError> {
        let open_time = time_ms(KLINES, r.open_time)?;
        let bad = |what: &str| FetchError::new(format!("{VENUE}: {KLINES}: candle at {open_time}: {what}"));
        if [r.open, r.high, r.low, r.close].iter().any(|p| !(p.is_finite() && *p > 0.0)) {
            return Err(bad("a price is not a positive number"));
        }
        if !(r.volume.is_finite() && r.volume >= 0.0) {
            return Err(bad("volume is negative"));
        }
        let taker_ok = r.taker_buy_volume.is_finite()
            && r.taker_buy_volume >= 0.0
            && r.taker_buy_volume <= r.volume * (1.0 + 1e-9);
        Ok(Candle {
            open_time,
            open: r.open,
            high: r.high,
            low: r.low,
            close: r.close,
            volume: r.volume,
            taker_buy_volume: if taker_ok { Some(r.taker_buy_volume) } else { None },
        })
    }
}

impl TryFrom<wire::OpenInterestHist> for OiPoint {
    type Error = FetchError;

    /// `sumOpenInterestValue` is already one side in USDT.
    fn try_from(r: wire::OpenInterestHist) -> Result<Self, FetchError> {
        let time = time_ms(OI_HIST, r.timestamp)?;
        if !(r.sum_open_interest_value.is_finite() && r.sum_open_interest_value >= 0.0) {
            return Err(FetchError::new(format!(
                "{VENUE}: {OI_HIST}: open interest {} at {time} is negative",
                r.sum_open_interest_value
            )));
        }
        Ok(OiPoint { time, oi_usd: r.sum_open_interest_value })
    }
}

impl TryFrom<wire::FundingRate> for FundingPoint {
    type Error = FetchError;

    fn try_from(r: wire::FundingRate) -> Result<Self, FetchError> {
        let time = time_ms(FUNDING, r.funding_time)?;
        if !r.funding_rate.is_finite() {
            return Err(FetchError::new(format!("{VENUE}: {FUNDING}: funding rate at {time} is not finite")));
        }
        Ok(FundingPoint { time, rate: r.funding_rate })
    }
}

/// Parses a klines body into closed candles with open time in `[start, end)`, ascending.
pub fn parse_klines(
    body: &[u8],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    interval_secs: i64,
) -> Result<Vec<Candle>, FetchError> {
    let rows: Vec<wire::KlineRow> = parse(KLINES, body)?;
    let step = Duration::seconds(interval_secs);
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let c = Candle::try_from(r)?;
        if super::closed_within(c.open_time, start, end, step) {
            out.push(c);
        }
    }
    sort_dedup(&mut out, |c| c.open_time);
    Ok(out)
}

/// Parses an `openInterestHist` body (timestamps as strings or numbers), ascending.
pub fn parse_open_interest(body: &[u8]) -> Result<Vec<OiPoint>, FetchError> {
    let rows: Vec<wire::OpenInterestHist> = parse(OI_HIST, body)?;
    let mut out = rows.into_iter().map(OiPoint::try_from).collect::<Result<Vec<_>, _>>()?;
    sort_dedup(&mut out, |p| p.time);
    Ok(out)
}

/// Parses a `fundingRate` body, ascending.
pub fn parse_funding(body: &[u8]) -> Result<Vec<FundingPoint>, FetchError> {
    let rows: Vec<wire::FundingRate> = parse(FUNDING, body)?;
    let mut out = rows.into_iter().map(FundingPoint::try_from).collect::<Result<Vec<_>, _>>()?;
    sort_dedup(&mut out, |p| p.time);
    Ok(out)
}

/// Parses a `premiumIndex` body into the mark price.
pub fn parse_mark(body: &[u8]) -> Result<f64, FetchError> {
    let p: wire::PremiumIndex = parse(PREMIUM_INDEX, body)?;
    if !(p.mark_price.is_finite() && p.mark_price > 0.0) {
        return Err(FetchError::new(format!("{VENUE}: {PREMIUM_INDEX}: mark price {} is not positive", p.mark_price)));
    }
    Ok(p.mark_price)
}

/// The `PRICE_FILTER` tick size of `symbol` in exchange info.
pub fn tick_size(info: &wire::ExchangeInfo, symbol: &str) -> Option<f64> {
    let s = info.symbols.iter().find(|s| s.symbol == symbol)?;
    s.filters
        .iter()
        .find(|f| f.filter_type == "PRICE_FILTER")
        .and_then(|f| f.tick_size)
        .filter(|t| t.is_finite() && *t > 0.0)
}

/// Base assets of the USDT-margined perpetuals in exchange info (for close matches).
pub fn perpetual_bases(info: &wire::ExchangeInfo) -> Vec<String> {
    let mut bases: Vec<String> = info
        .symbols
        .iter()
        .filter(|s| s.contract_type == "PERPETUAL" && s.quote_asset == "USDT" && !s.base_asset.is_empty())
        .map(|s| s.base_asset.clone())
        .collect();
    bases.sort();
    bases.dedup();
    bases
}

/// Where open-interest history can start: `start`, or the oldest time Binance still serves
/// (30 days before `end`, rounded up to the interval), whichever is later.
pub(crate) fn oi_start(start: DateTime<Utc>, end: DateTime<Utc>, interval_secs: i64) -> DateTime<Utc> {
    let oldest = (end - Duration::days(OI_HISTORY_DAYS)).timestamp();
    let step = interval_secs.max(1);
    let rounded = (oldest + step - 1).div_euclid(step) * step;
    DateTime::from_timestamp(rounded, 0).map_or(start, |t| t.max(start))
}

/// The result of one planned request.
enum Part {
    Candles(Vec<Candle>),
    Oi(Vec<OiPoint>),
    Funding(Vec<FundingPoint>),
    Mark(f64),
    Info(wire::ExchangeInfo),
}

type PartJob<'a> = Job<'a, Result<Part, FetchError>>;

/// One GET with the Binance error decoder.
fn get(ctx: &VenueCtx, path: &str, query: Vec<(&str, String)>) -> Result<Vec<u8>, FetchError> {
    ctx.get(path, &query, decode_error)
}

// The page plan is shared with every venue (`VenueCtx::pages`, `time_pages`); what stays here
// and in bybit/mod.rs is only what the two APIs really do differently: parameter names
// (`startTime`/`endTime` and `period` here, `start`/`end`, `intervalTime` and `category=linear`
// there), page sizes, where open interest can start (Binance keeps 30 days), and what an answer
// holds (Binance's open interest is already USD; Bybit's is in coins, converted after
// gathering, and Bybit adds tick size and margin tiers), hence each venue's own `Part` and
// `Gathered`.

/// Kline pages of [`KLINE_ROWS`] rows over `[ctx.start, ctx.end)`.
fn candle_jobs<'a>(ctx: &'a VenueCtx, symbol: &'a str, interval: &'static str) -> Vec<PartJob<'a>> {
    ctx.pages(KLINE_ROWS)
        .into_iter()
        .map(|(s, e)| -> PartJob<'a> {
            Box::new(move || {
                let q = vec![
                    ("symbol", symbol.to_string()),
                    ("interval", interval.to_string()),
                    ("startTime", s.timestamp_millis().to_string()),
                    ("endTime", (e.timestamp_millis() - 1).to_string()),
                    ("limit", KLINE_ROWS.to_string()),
                ];
                let body = get(ctx, KLINES, q)?;
                parse_klines(&body, ctx.start, ctx.end, ctx.interval_secs).map(Part::Candles)
            })
        })
        .collect()
}

/// Open-interest pages of [`OI_ROWS`] rows over `[from, ctx.end]`.
fn oi_jobs<'a>(ctx: &'a VenueCtx, symbol: &'a str, period: &'static str, from: DateTime<Utc>) -> Vec<PartJob<'a>> {
    let until = ctx.end + Duration::seconds(ctx.interval_secs);
    time_pages(from.timestamp_millis(), until.timestamp_millis(), ctx.interval_ms(), OI_ROWS)
        .into_iter()
        .map(|(s, e)| -> PartJob<'a> {
            Box::new(move || {
                let q = vec![
                    ("symbol", symbol.to_string()),
                    ("period", period.to_string()),
                    ("startTime", s.to_string()),
                    ("endTime", (e - 1).to_string()),
                    ("limit", OI_ROWS.to_string()),
                ];
                parse_open_interest(&get(ctx, OI_HIST, q)?).map(Part::Oi)
            })
        })
        .collect()
}

/// Funding pages of [`FUNDING_ROWS`] hourly periods over `[ctx.start, ctx.end)`.
fn funding_jobs<'a>(ctx: &'a VenueCtx, symbol: &'a str) -> Vec<PartJob<'a>> {
    time_pages(ctx.start.timestamp_millis(), ctx.end.timestamp_millis(), MIN_FUNDING_SECS * 1000, FUNDING_ROWS)
        .into_iter()
        .map(|(s, e)| -> PartJob<'a> {
            Box::new(move || {
                let q = vec![
                    ("symbol", symbol.to_string()),
                    ("startTime", s.to_string()),
                    ("endTime", (e - 1).to_string()),
                    ("limit", FUNDING_ROWS.to_string()),
                ];
                parse_funding(&get(ctx, FUNDING, q)?).map(Part::Funding)
            })
        })
        .collect()
}

/// Everything one fetch gathers before it is assembled.
#[derive(Default)]
struct Gathered {
    candles: Vec<Candle>,
    oi: Vec<OiPoint>,
    funding: Vec<FundingPoint>,
    mark: Option<f64>,
    info: Option<wire::ExchangeInfo>,
    /// Failures of essential requests (candles, open interest).
    essential: Vec<FetchError>,
    /// Failures of optional requests (funding, mark, exchange info).
    optional: Vec<FetchError>,
}

/// Sorts the results of all jobs into [`Gathered`].
fn gather(results: Vec<Result<Part, FetchError>>, optional_from: usize) -> Gathered {
    let mut g = Gathered::default();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(Part::Candles(c)) => g.candles.extend(c),
            Ok(Part::Oi(p)) => g.oi.extend(p),
            Ok(Part::Funding(f)) => g.funding.extend(f),
            Ok(Part::Mark(m)) => g.mark = Some(m),
            Ok(Part::Info(info)) => g.info = Some(info),
            Err(e) if i < optional_from => g.essential.push(e),
            Err(e) => g.optional.push(e),
        }
    }
    sort_dedup(&mut g.candles, |c| c.open_time);
    sort_dedup(&mut g.oi, |p| p.time);
    sort_dedup(&mut g.funding, |p| p.time);
    g
}

/// `binance: invalid symbol FOOUSDT (code -1121); close matches: FOO1, FOOD` when `e` is an
/// invalid-symbol error (suggestions only when exchange info arrived), else `e` unchanged.
fn explain_invalid_symbol(e: FetchError, symbol: &str, base: &str, info: Option<&wire::ExchangeInfo>) -> FetchError {
    let code = format!("(code {INVALID_SYMBOL})");
    if !e.message.contains(&code) {
        return e;
    }
    let mut msg = format!("{VENUE}: invalid symbol {symbol} {code}");
    let matches = info.map(|i| symbols::close_matches(base, &perpetual_bases(i))).unwrap_or_default();
    if !matches.is_empty() {
        msg.push_str(&format!("; close matches: {}", matches.join(", ")));
    }
    FetchError { message: msg, ..e }
}

/// Fetches candles, open interest, funding, mark price and tick size for `ctx.base`, all
/// requests at once; margin tiers are the built-in Binance defaults.
pub fn fetch(ctx: &VenueCtx) -> Result<VenueSeries, FetchError> {
    let symbol = instrument(&ctx.base);
    let interval = interval_name(ctx.interval_secs).ok_or_else(|| {
        FetchError::new(format!(
            "{VENUE}: interval of {} s is not served (use 5m, 15m, 1h, 4h or 1d)",
            ctx.interval_secs
        ))
    })?;
    let mut notes = Vec::new();
    let from = oi_start(ctx.start, ctx.end, ctx.interval_secs);
    if from > ctx.start {
        notes.push(format!(
            "open interest starts at {} (Binance serves only the last {OI_HISTORY_DAYS} days of history)",
            from.format("%Y-%m-%d %H:%M")
        ));
    }
    let mut jobs = candle_jobs(ctx, &symbol, interval);
    jobs.extend(oi_jobs(ctx, &symbol, interval, from));
    let optional_from = jobs.len();
    jobs.extend(funding_jobs(ctx, &symbol));
    let sym = symbol.as_str();
    jobs.push(Box::new(move || {
        parse_mark(&get(ctx, PREMIUM_INDEX, vec![("symbol", sym.to_string())])?).map(Part::Mark)
    }));
    jobs.push(Box::new(move || {
        parse::<wire::ExchangeInfo>(EXCHANGE_INFO, &get(ctx, EXCHANGE_INFO, vec![])?).map(Part::Info)
    }));
    let g = gather(ctx.parallel(jobs), optional_from);
    assemble(ctx, &symbol, g, notes)
}

/// Builds the series from what arrived, or the most telling error.
fn assemble(ctx: &VenueCtx, symbol: &str, g: Gathered, mut notes: Vec<String>) -> Result<VenueSeries, FetchError> {
    let is_invalid_symbol = |e: &&FetchError| e.message.contains(&format!("(code {INVALID_SYMBOL})"));
    let invalid = g.essential.iter().chain(&g.optional).find(is_invalid_symbol);
    if let Some(e) = invalid.or(g.essential.first()) {
        return Err(explain_invalid_symbol(e.clone(), symbol, &ctx.base, g.info.as_ref()));
    }
    if g.candles.is_empty() {
        return Err(super::no_candles(VENUE, symbol, ctx));
    }
    for e in &g.optional {
        notes.push(format!("skipped: {}", e.message));
    }
    let tick_size = g.info.as_ref().and_then(|i| tick_size(i, symbol));
    let (margin_tiers, margin_tiers_source) = tiers::builtin(VENUE, symbol);
    notes.push("margin tiers are built-in defaults (Binance's brackets need an API key)".into());
    Ok(VenueSeries {
        venue: VENUE.into(),
        instrument: symbol.into(),
        candles: g.candles,
        open_interest: g.oi,
        funding: g.funding,
        mark_price: g.mark,
        tick_size,
        margin_tiers,
        margin_tiers_source,
        notes,
        liquidations: Vec::new(),
        measured_accounts: None,
        measured_positions: vec![],
    })
}

#[cfg(test)]
mod tests;
