//! Bybit v5 client for linear (USDT) perpetuals (`https://api.bybit.com`, public endpoints).
//!
//! One [`fetch`] plans every request up front (kline pages of 1000 rows, open-interest pages
//! of 200 rows by time range, funding pages, ticker, instrument info, risk limits) and runs
//! them all at once through [`VenueCtx::parallel`]. Lists arrive newest first and are sorted
//! ascending. Open interest comes in base coins, one side (`openInterest`, or
//! `singleOpenInterest` when an answer has it), and is converted to USD with candle closes.

pub mod wire;
pub mod ws;

use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;

use super::{sort_dedup, symbols, time_pages, FetchError, Job, VenueCtx};
use crate::model::snapshot::{Candle, FundingPoint, OiPoint, VenueSeries};
use crate::model::tiers::{self, MarginTier};

/// The venue's name in messages and snapshots.
pub(crate) const VENUE: &str = "bybit";
/// Klines (max [`KLINE_ROWS`] rows, newest first, no taker split).
pub(crate) const KLINE: &str = "/v5/market/kline";
/// Open-interest history (max [`OI_ROWS`] rows, newest first, base coins).
pub(crate) const OPEN_INTEREST: &str = "/v5/market/open-interest";
/// Funding-rate history (max [`FUNDING_ROWS`] rows, newest first).
pub(crate) const FUNDING: &str = "/v5/market/funding/history";
/// Tickers (mark price).
pub(crate) const TICKERS: &str = "/v5/market/tickers";
/// Instruments (tick size, the symbol list).
pub(crate) const INSTRUMENTS: &str = "/v5/market/instruments-info";
/// Risk-limit tiers (public).
pub(crate) const RISK_LIMIT: &str = "/v5/market/risk-limit";

/// Most rows one kline request returns.
pub(crate) const KLINE_ROWS: i64 = 1000;
/// Most rows one open-interest request returns.
pub(crate) const OI_ROWS: i64 = 200;
/// Most rows one funding-history request returns.
pub(crate) const FUNDING_ROWS: i64 = 200;
/// The shortest funding period Bybit uses (funding pages are planned with it).
const MIN_FUNDING_SECS: i64 = 3600;
/// Most instruments one instruments-info request returns.
const INSTRUMENT_ROWS: i64 = 1000;
/// The error code for bad parameters (an unknown symbol among them).
pub(crate) const BAD_PARAMS: i64 = 10001;
/// `margin_tiers_source` when the tiers were fetched.
pub(crate) const TIERS_SOURCE: &str = "bybit /v5/market/risk-limit (fetched)";

/// The perpetual's name for a base asset: `SOL` → `SOLUSDT`.
pub fn instrument(base: &str) -> String {
    format!("{}USDT", base.to_ascii_uppercase())
}

/// Bybit's kline `interval` name.
pub(crate) fn kline_interval(secs: i64) -> Option<&'static str> {
    Some(match secs {
        300 => "5",
        900 => "15",
        3600 => "60",
        14_400 => "240",
        86_400 => "D",
        _ => return None,
    })
}

/// Bybit's open-interest `intervalTime` name.
pub(crate) fn oi_interval(secs: i64) -> Option<&'static str> {
    Some(match secs {
        300 => "5min",
        900 => "15min",
        3600 => "1h",
        14_400 => "4h",
        86_400 => "1d",
        _ => return None,
    })
}

/// Decodes the body of a non-2xx answer (`{"retCode":..,"retMsg":..}`) into `<retMsg> (retCode N)`.
pub fn decode_error(_status: u16, body: &[u8]) -> Option<String> {
    let h: wire::Head = serde_json::from_slice(body).ok()?;
    Some(format!("{} (retCode {})", h.ret_msg, h.ret_code))
}

/// Parses an answer: `retCode != 0` → `bybit: <retMsg> (retCode N)`; JSON of another shape →
/// `bybit: <path>: unexpected JSON: ...`.
pub fn parse<T: DeserializeOwned>(path: &str, body: &[u8]) -> Result<T, FetchError> {
    let unexpected = |e: serde_json::Error| FetchError::new(format!("{VENUE}: {path}: unexpected JSON: {e}"));
    let head: wire::Head = serde_json::from_slice(body).map_err(unexpected)?;
    if head.ret_code != 0 {
        return Err(FetchError::new(format!("{VENUE}: {} (retCode {})", head.ret_msg, head.ret_code)));
    }
    let env: wire::Envelope<T> = serde_json::from_slice(body).map_err(unexpected)?;
    Ok(env.result)
}

/// Parses a list answer.
fn parse_list<T: DeserializeOwned>(path: &str, body: &[u8]) -> Result<Vec<T>, FetchError> {
    parse::<wire::ListResult<T>>(path, body).map(|r| r.list)
}

/// Epoch milliseconds → UTC time.
fn time_ms(path: &str, ms: i64) -> Result<DateTime<Utc>, FetchError> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| FetchError::new(format!("{VENUE}: {path}: time {ms} ms is out of range")))
}

impl TryFrom<wire::KlineRow> for Candle {
    type Error = FetchError;

    /// Strict about meaning: prices positive and finite, volume non-negative. No taker split.
    fn try_from(r: wire::KlineRow) -> Result<Self, FetchError> {
        let open_time = time_ms(KLINE, r.start)?;
        let bad = |what: &str| FetchError::new(format!("{VENUE}: {KLINE}: candle at {open_time}: {what}"));
        if [r.open, r.high, r.low, r.close].iter().any(|p| !(p.is_finite() && *p > 0.0)) {
            return Err(bad("a price is not a positive number"));
        }
        if !(r.volume.is_finite() && r.volume >= 0.0) {
            return Err(bad("volume is negative"));
        }
        Ok(Candle {
            open_time,
            open: r.open,
            high: r.high,
            low: r.low,
            close: r.close,
            volume: r.volume,
            taker_buy_volume: None,
        })
    }
}

impl TryFrom<wire::Funding> for FundingPoint {
    type Error = FetchError;

    fn try_from(r: wire::Funding) -> Result<Self, FetchError> {
        let time = time_ms(FUNDING, r.funding_rate_timestamp)?;
        if !r.funding_rate.is_finite() {
            return Err(FetchError::new(format!("{VENUE}: {FUNDING}: funding rate at {time} is not finite")));
        }
        Ok(FundingPoint { time, rate: r.funding_rate })
    }
}

/// Parses a kline answer into closed candles with open time in `[start, end)`, ascending.
pub fn parse_klines(
    body: &[u8],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    interval_secs: i64,
) -> Result<Vec<Candle>, FetchError> {
    let mut rows: Vec<wire::KlineRow> = parse_list(KLINE, body)?;
    sort_dedup(&mut rows, |r| r.start);
    let step = Duration::seconds(interval_secs);
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let c = Candle::try_from(r)?;
        if super::closed_within(c.open_time, start, end, step) {
            out.push(c);
        }
    }
    Ok(out)
}

/// Parses an open-interest answer (base coins), ascending.
pub fn parse_open_interest(body: &[u8]) -> Result<Vec<wire::OpenInterest>, FetchError> {
    let mut rows: Vec<wire::OpenInterest> = parse_list(OPEN_INTEREST, body)?;
    for r in &rows {
        let ok = |x: f64| x.is_finite() && x >= 0.0;
        if !ok(r.open_interest) || !r.single_open_interest.is_none_or(ok) {
            return Err(FetchError::new(format!(
                "{VENUE}: {OPEN_INTEREST}: open interest at {} ms is negative",
                r.timestamp
            )));
        }
    }
    sort_dedup(&mut rows, |r| r.timestamp);
    Ok(rows)
}

/// Parses a funding-history answer, ascending.
pub fn parse_funding(body: &[u8]) -> Result<Vec<FundingPoint>, FetchError> {
    let rows: Vec<wire::Funding> = parse_list(FUNDING, body)?;
    let mut out = rows.into_iter().map(FundingPoint::try_from).collect::<Result<Vec<_>, _>>()?;
    sort_dedup(&mut out, |p| p.time);
    Ok(out)
}

/// The mark price of `symbol` in a tickers answer.
pub fn parse_mark(body: &[u8], symbol: &str) -> Result<f64, FetchError> {
    let list: Vec<wire::Ticker> = parse_list(TICKERS, body)?;
    list.iter()
        .find(|t| t.symbol == symbol)
        .and_then(|t| t.mark_price)
        .filter(|m| m.is_finite() && *m > 0.0)
        .ok_or_else(|| FetchError::new(format!("{VENUE}: {TICKERS}: no mark price for {symbol}")))
}

/// The tick size of `symbol` in an instruments-info answer.
pub fn parse_tick_size(body: &[u8], symbol: &str) -> Result<Option<f64>, FetchError> {
    let list: Vec<wire::Instrument> = parse_list(INSTRUMENTS, body)?;
    Ok(list
        .iter()
        .find(|i| i.symbol == symbol)
        .and_then(|i| i.price_filter.as_ref())
        .and_then(|p| p.tick_size)
        .filter(|t| t.is_finite() && *t > 0.0))
}

/// Base coins of the USDT perpetuals in an instruments-info answer (for close matches).
pub fn perpetual_bases(body: &[u8]) -> Result<Vec<String>, FetchError> {
    let list: Vec<wire::Instrument> = parse_list(INSTRUMENTS, body)?;
    let mut bases: Vec<String> = list
        .into_iter()
        .filter(|i| i.quote_coin == "USDT" && (i.contract_type.is_empty() || i.contract_type == "LinearPerpetual"))
        .map(|i| i.base_coin)
        .filter(|b| !b.is_empty())
        .collect();
    bases.sort();
    bases.dedup();
    Ok(bases)
}

/// The price at time `t` in ms: the close of the latest candle closed by `t`, or the open of
/// the first candle when `t` falls inside it; `None` before the first candle.
pub fn price_at(candles: &[Candle], t: i64, interval_secs: i64) -> Option<f64> {
    let step = interval_secs * 1000;
    let closed = candles.partition_point(|c| c.open_time.timestamp_millis() + step <= t);
    if closed > 0 {
        return Some(candles[closed - 1].close);
    }
    candles.first().filter(|c| c.open_time.timestamp_millis() <= t).map(|c| c.open)
}

/// The field of a Bybit open-interest row a figure was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OiField {
    /// `openInterest`: one side in base coins (each contract counted once), the field every
    /// answer carries. Bybit's tickers agree: `openInterestValue = openInterest × markPrice`.
    OpenInterest,
    /// `singleOpenInterest`: one side, in base coins; preferred when an answer carries it.
    SingleOpenInterest,
}

impl OiField {
    pub fn name(self) -> &'static str {
        match self {
            OiField::OpenInterest => "openInterest",
            OiField::SingleOpenInterest => "singleOpenInterest",
        }
    }
}

/// Open interest in base coins → one-sided USD notional, priced with [`price_at`]. Both fields
/// are one side (like Binance's `sumOpenInterest` and OKX's `oi`): `singleOpenInterest` is
/// used when present, else `openInterest`, never halved. Returns the points and the fields
/// used (sorted, no repeats). Points before the first candle are dropped.
pub fn oi_to_usd(
    rows: &[wire::OpenInterest],
    candles: &[Candle],
    interval_secs: i64,
) -> Result<(Vec<OiPoint>, Vec<OiField>), FetchError> {
    let mut fields = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(price) = price_at(candles, r.timestamp, interval_secs) else { continue };
        let (coins, field) = match r.single_open_interest {
            Some(single) => (single, OiField::SingleOpenInterest),
            None => (r.open_interest, OiField::OpenInterest),
        };
        if !fields.contains(&field) {
            fields.push(field);
        }
        out.push(OiPoint { time: time_ms(OPEN_INTEREST, r.timestamp)?, oi_usd: coins * price });
    }
    fields.sort();
    Ok((out, fields))
}

/// The snapshot note naming the open-interest fields used.
pub(crate) fn oi_note(fields: &[OiField]) -> String {
    let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
    let names = if names.is_empty() { "no samples".to_string() } else { names.join(" and ") };
    format!("open interest from {OPEN_INTEREST} {names} (one side, base coins) × candle close → USD")
}

/// How the margin rates of a risk-limit row are written: 1 for fractions (`0.005`),
/// 0.01 for percentages (`0.5` = 0.5 %).
///
/// Bybit's docs example has `maintenanceMargin` "0.5", `initialMargin` "1" and `maxLeverage`
/// "100.00": an initial margin of 1 at 100x can only be 1 %, so the docs write percentages,
/// while other answers write fractions. The unit is therefore read per row: `initialMargin`
/// must equal 1/`maxLeverage` (as a fraction or a percentage); without it, the maintenance
/// rate must be below 1/`maxLeverage`.
fn rate_scale(r: &wire::RiskLimit) -> Result<f64, String> {
    let im = 1.0 / r.max_leverage;
    let close = |a: f64, b: f64| (a - b).abs() <= 0.1 * b;
    match r.initial_margin.filter(|x| *x > 0.0) {
        Some(x) if close(x, im) => Ok(1.0),
        Some(x) if close(x / 100.0, im) => Ok(0.01),
        Some(x) => Err(format!("initialMargin {x} does not match maxLeverage {}", r.max_leverage)),
        None if r.maintenance_margin < im => Ok(1.0),
        None if r.maintenance_margin / 100.0 < im => Ok(0.01),
        None => {
            Err(format!("maintenanceMargin {} is not below 1/maxLeverage {}", r.maintenance_margin, r.max_leverage))
        }
    }
}

/// Risk-limit rows → ascending, contiguous margin tiers: `riskLimitValue` is each tier's cap
/// (the previous cap its floor), `mmDeduction` the maintenance amount (`""` → derived).
/// Rows of other symbols are ignored; the result passes [`tiers::validate`] or is an error.
pub fn margin_tiers(mut rows: Vec<wire::RiskLimit>, symbol: &str) -> Result<Vec<MarginTier>, String> {
    rows.retain(|r| r.symbol.is_empty() || r.symbol == symbol);
    rows.sort_by(|a, b| a.risk_limit_value.total_cmp(&b.risk_limit_value));
    let mut out = Vec::with_capacity(rows.len());
    let mut floor = 0.0;
    for r in &rows {
        if !(r.max_leverage.is_finite() && r.max_leverage >= 1.0) {
            return Err(format!("maxLeverage {} is not >= 1", r.max_leverage));
        }
        let scale = rate_scale(r)?;
        out.push(MarginTier {
            notional_floor: floor,
            notional_cap: r.risk_limit_value,
            max_leverage: r.max_leverage,
            mmr: r.maintenance_margin * scale,
            maint_amount: r.mm_deduction,
        });
        floor = r.risk_limit_value;
    }
    tiers::validate(&out)?;
    Ok(out)
}

/// The result of one planned request.
enum Part {
    Candles(Vec<Candle>),
    Oi(Vec<wire::OpenInterest>),
    Funding(Vec<FundingPoint>),
    Mark(f64),
    Tick(Option<f64>),
    Tiers(Result<Vec<MarginTier>, String>),
}

type PartJob<'a> = Job<'a, Result<Part, FetchError>>;

/// One GET of `category=linear` plus `query`, with the Bybit error decoder.
fn get(ctx: &VenueCtx, path: &str, query: &[(&'static str, String)]) -> Result<Vec<u8>, FetchError> {
    let mut q = vec![("category", "linear".to_string())];
    q.extend_from_slice(query);
    ctx.get(path, &q, decode_error)
}

// The page plan is shared (`VenueCtx::pages`, `time_pages`); the requests built from it are
// Bybit's own (see the note above binance::candle_jobs for what differs between the two).

/// Kline pages of [`KLINE_ROWS`] rows over `[ctx.start, ctx.end)`.
fn candle_jobs<'a>(ctx: &'a VenueCtx, symbol: &'a str, interval: &'static str) -> Vec<PartJob<'a>> {
    ctx.pages(KLINE_ROWS)
        .into_iter()
        .map(|(s, e)| -> PartJob<'a> {
            Box::new(move || {
                let q = [
                    ("symbol", symbol.to_string()),
                    ("interval", interval.to_string()),
                    ("start", s.timestamp_millis().to_string()),
                    ("end", (e.timestamp_millis() - 1).to_string()),
                    ("limit", KLINE_ROWS.to_string()),
                ];
                parse_klines(&get(ctx, KLINE, &q)?, ctx.start, ctx.end, ctx.interval_secs).map(Part::Candles)
            })
        })
        .collect()
}

/// Open-interest pages of [`OI_ROWS`] rows over `[ctx.start, ctx.end]`, planned by time range.
fn oi_jobs<'a>(ctx: &'a VenueCtx, symbol: &'a str, interval: &'static str) -> Vec<PartJob<'a>> {
    let until = ctx.end + Duration::seconds(ctx.interval_secs);
    time_pages(ctx.start.timestamp_millis(), until.timestamp_millis(), ctx.interval_ms(), OI_ROWS)
        .into_iter()
        .map(|(s, e)| -> PartJob<'a> {
            Box::new(move || {
                let q = [
                    ("symbol", symbol.to_string()),
                    ("intervalTime", interval.to_string()),
                    ("startTime", s.to_string()),
                    ("endTime", (e - 1).to_string()),
                    ("limit", OI_ROWS.to_string()),
                ];
                parse_open_interest(&get(ctx, OPEN_INTEREST, &q)?).map(Part::Oi)
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
                let q = [
                    ("symbol", symbol.to_string()),
                    ("startTime", s.to_string()),
                    ("endTime", (e - 1).to_string()),
                    ("limit", FUNDING_ROWS.to_string()),
                ];
                parse_funding(&get(ctx, FUNDING, &q)?).map(Part::Funding)
            })
        })
        .collect()
}

/// The single requests: ticker (mark), instrument (tick size), risk limits (tiers).
fn single_jobs<'a>(ctx: &'a VenueCtx, symbol: &'a str) -> Vec<PartJob<'a>> {
    let q = move || [("symbol", symbol.to_string())];
    vec![
        Box::new(move || parse_mark(&get(ctx, TICKERS, &q())?, symbol).map(Part::Mark)),
        Box::new(move || parse_tick_size(&get(ctx, INSTRUMENTS, &q())?, symbol).map(Part::Tick)),
        Box::new(move || {
            let rows: Vec<wire::RiskLimit> = parse_list(RISK_LIMIT, &get(ctx, RISK_LIMIT, &q())?)?;
            Ok(Part::Tiers(margin_tiers(rows, symbol)))
        }),
    ]
}

/// Everything one fetch gathers before it is assembled.
#[derive(Default)]
struct Gathered {
    candles: Vec<Candle>,
    oi: Vec<wire::OpenInterest>,
    funding: Vec<FundingPoint>,
    mark: Option<f64>,
    tick: Option<f64>,
    tiers: Option<Result<Vec<MarginTier>, String>>,
    /// Failures of essential requests (candles, open interest).
    essential: Vec<FetchError>,
    /// Failures of optional requests (funding, ticker, instrument, risk limits).
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
            Ok(Part::Tick(t)) => g.tick = t,
            Ok(Part::Tiers(t)) => g.tiers = Some(t),
            Err(e) if i < optional_from => g.essential.push(e),
            Err(e) => g.optional.push(e),
        }
    }
    sort_dedup(&mut g.candles, |c| c.open_time);
    sort_dedup(&mut g.oi, |r| r.timestamp);
    sort_dedup(&mut g.funding, |p| p.time);
    g
}

/// Whether `e` says the symbol is unknown (`params error: symbol invalid (retCode 10001)`).
fn is_invalid_symbol(e: &FetchError) -> bool {
    e.message.contains(&format!("(retCode {BAD_PARAMS})")) && e.message.to_ascii_lowercase().contains("symbol")
}

/// `bybit: invalid symbol FOOUSDT: <retMsg> (retCode 10001); close matches: A, B`, listing
/// the linear instruments for suggestions (omitted when that fails).
fn explain_invalid_symbol(ctx: &VenueCtx, e: &FetchError, symbol: &str) -> FetchError {
    let detail = e.message.strip_prefix(&format!("{VENUE}: ")).unwrap_or(&e.message);
    let mut msg = format!("{VENUE}: invalid symbol {symbol}: {detail}");
    let bases = get(ctx, INSTRUMENTS, &[("limit", INSTRUMENT_ROWS.to_string())]).and_then(|b| perpetual_bases(&b));
    let matches = bases.map(|b| symbols::close_matches(&ctx.base, &b)).unwrap_or_default();
    if !matches.is_empty() {
        msg.push_str(&format!("; close matches: {}", matches.join(", ")));
    }
    FetchError { message: msg, ..e.clone() }
}

/// Fetches candles, open interest (→ USD), funding, mark price, tick size and risk-limit
/// tiers for `ctx.base`, all requests at once.
pub fn fetch(ctx: &VenueCtx) -> Result<VenueSeries, FetchError> {
    let symbol = instrument(&ctx.base);
    let unsupported = || {
        FetchError::new(format!(
            "{VENUE}: interval of {} s is not served (use 5m, 15m, 1h, 4h or 1d)",
            ctx.interval_secs
        ))
    };
    let kline = kline_interval(ctx.interval_secs).ok_or_else(unsupported)?;
    let oi = oi_interval(ctx.interval_secs).ok_or_else(unsupported)?;
    let mut jobs = candle_jobs(ctx, &symbol, kline);
    jobs.extend(oi_jobs(ctx, &symbol, oi));
    let optional_from = jobs.len();
    jobs.extend(funding_jobs(ctx, &symbol));
    jobs.extend(single_jobs(ctx, &symbol));
    let g = gather(ctx.parallel(jobs), optional_from);
    assemble(ctx, &symbol, g)
}

/// Builds the series from what arrived, or the most telling error.
fn assemble(ctx: &VenueCtx, symbol: &str, g: Gathered) -> Result<VenueSeries, FetchError> {
    if let Some(e) = g.essential.iter().chain(&g.optional).find(|e| is_invalid_symbol(e)) {
        return Err(explain_invalid_symbol(ctx, e, symbol));
    }
    if let Some(e) = g.essential.into_iter().next() {
        return Err(e);
    }
    if g.candles.is_empty() {
        return Err(super::no_candles(VENUE, symbol, ctx));
    }
    let mut notes: Vec<String> = g.optional.iter().map(|e| format!("skipped: {}", e.message)).collect();
    let (open_interest, fields) = oi_to_usd(&g.oi, &g.candles, ctx.interval_secs)?;
    notes.push(oi_note(&fields));
    let (margin_tiers, margin_tiers_source) = match g.tiers {
        Some(Ok(t)) => (t, TIERS_SOURCE.to_string()),
        other => {
            if let Some(Err(why)) = other {
                notes.push(format!("risk-limit tiers unusable ({why}); built-in tiers used"));
            }
            tiers::builtin(VENUE, symbol)
        }
    };
    Ok(VenueSeries {
        venue: VENUE.into(),
        instrument: symbol.into(),
        candles: g.candles,
        open_interest,
        funding: g.funding,
        mark_price: g.mark,
        tick_size: g.tick,
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
