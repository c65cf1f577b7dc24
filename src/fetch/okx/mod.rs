//! OKX v5 client for USDT-margined perpetual swaps (`SOL-USDT-SWAP`, family `SOL-USDT`).
//!
//! Every request is known up front, so all of them run at once through [`VenueCtx::parallel`]:
//!
//! | request | what it gives |
//! |---|---|
//! | `market/history-candles` (pages of 100, by `after`/`before`) | closed candles, volume in base coins (`volCcy`) |
//! | `rubik/stat/contracts/open-interest-history` (pages of 100, by `begin`/`end`) | one-sided open interest in USD (`oiUsd`) |
//! | `public/instruments?instId=` | tick size, contract value (`ctVal`); tells an unknown instrument |
//! | `public/mark-price` | mark price |
//! | `public/funding-rate`, `public/funding-rate-history` | current and recent funding |
//! | `public/position-tiers` (isolated, by family) | maintenance-margin tiers |
//!
//! Only candles, open interest and the instrument are required; the others fall back with a
//! venue note (built-in tiers, no mark price, no funding).
//!
//! Alongside them, `public/liquidation-orders` is paged back one page at a time for the
//! realized liquidations ([`liquidations`]); its failure is a note and a warning, never fatal.

pub mod liquidations;
pub mod wire;
pub mod ws;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

use super::{sort_dedup, symbols, time_pages, FetchError, VenueCtx};
use crate::model::snapshot::{Candle, FundingPoint, OiPoint, VenueSeries};
use crate::model::tiers::{self, MarginTier};
use wire::{Data, FundingHistory, FundingRate, Head, Instrument, MarkPrice, OpenInterestNow, PositionTier, Row};

/// The venue's name in messages and snapshots.
pub const VENUE: &str = "okx";

/// Rows per page of `history-candles` and `open-interest-history` (the documented maximum).
pub const PAGE_ROWS: i64 = 100;

/// Error code OKX gives for an instrument it does not list.
const UNKNOWN_INSTRUMENT: &str = "51001";

/// OKX's name of the USDT-margined perpetual on `base`: `SOL` → `SOL-USDT-SWAP`.
pub fn inst_id(base: &str) -> String {
    format!("{base}-USDT-SWAP")
}

/// The instrument family of that perpetual: `SOL` → `SOL-USDT`.
pub fn inst_family(base: &str) -> String {
    format!("{base}-USDT")
}

/// OKX's bar name for a candle interval. Daily bars use `1Dutc`: plain `1D` opens at
/// 00:00 Hong Kong time (16:00 UTC), off the UTC grid the candles are asked for.
pub fn bar(interval_secs: i64) -> Option<&'static str> {
    match interval_secs {
        300 => Some("5m"),
        900 => Some("15m"),
        3600 => Some("1H"),
        14_400 => Some("4H"),
        86_400 => Some("1Dutc"),
        _ => None,
    }
}

/// The open-interest period for a candle interval and a lookback of `span_secs`, and its length
/// in milliseconds: the finest of `5m`, `1H`, `1D` not finer than needed, coarser when the
/// lookback would need more than [`MAX_OI_PAGES`] pages (linear interpolation fills between).
pub fn oi_period(interval_secs: i64, span_secs: i64) -> (&'static str, i64) {
    // The rubik endpoint allows 5 requests per 2 s per IP: use the finest period at or
    // above the candle interval that needs at most MAX_OI_PAGES pages for the lookback.
    let fits = |period: i64| span_secs / period <= MAX_OI_PAGES * PAGE_ROWS;
    if interval_secs >= 86_400 || !fits(3600) {
        ("1D", 86_400_000)
    } else if interval_secs >= 3600 || !fits(300) {
        ("1H", 3_600_000)
    } else {
        ("5m", 300_000)
    }
}

/// Most open-interest pages requested at once (the endpoint's rate limit is 5 per 2 s).
pub const MAX_OI_PAGES: i64 = 4;

/// The endpoints this client calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Candles,
    OpenInterest,
    Instrument,
    MarkPrice,
    FundingRate,
    FundingHistory,
    PositionTiers,
    OpenInterestNow,
}

impl Endpoint {
    fn path(self) -> &'static str {
        match self {
            Endpoint::Candles => "/api/v5/market/history-candles",
            Endpoint::OpenInterest => "/api/v5/rubik/stat/contracts/open-interest-history",
            Endpoint::Instrument => "/api/v5/public/instruments",
            Endpoint::MarkPrice => "/api/v5/public/mark-price",
            Endpoint::FundingRate => "/api/v5/public/funding-rate",
            Endpoint::FundingHistory => "/api/v5/public/funding-rate-history",
            Endpoint::PositionTiers => "/api/v5/public/position-tiers",
            Endpoint::OpenInterestNow => "/api/v5/public/open-interest",
        }
    }
}

/// One planned GET.
struct Request {
    endpoint: Endpoint,
    query: Vec<(&'static str, String)>,
}

/// Every request of one fetch. Page bounds are sent as `page_start - 1` (newer than) and
/// `page_end - 1` (older than): that selects `[page_start, page_end)` whether OKX treats the
/// bounds as exclusive (as documented) or inclusive.
fn plan(ctx: &VenueCtx) -> Result<Vec<Request>, FetchError> {
    let bar = bar(ctx.interval_secs).ok_or_else(|| {
        FetchError::new(format!(
            "{VENUE}: no candles for an interval of {} s (use 5m, 15m, 1h, 4h or 1d)",
            ctx.interval_secs
        ))
    })?;
    let id = inst_id(&ctx.base);
    let one = |endpoint, query: Vec<(&'static str, String)>| Request { endpoint, query };
    let mut out = Vec::new();
    for (s, e) in ctx.pages(PAGE_ROWS) {
        out.push(one(
            Endpoint::Candles,
            vec![
                ("instId", id.clone()),
                ("bar", bar.to_string()),
                ("after", (e.timestamp_millis() - 1).to_string()),
                ("before", (s.timestamp_millis() - 1).to_string()),
                ("limit", PAGE_ROWS.to_string()),
            ],
        ));
    }
    let (period, step) = oi_period(ctx.interval_secs, (ctx.end - ctx.lookback_start).num_seconds());
    let (from, to) = oi_range(ctx, step);
    for (s, e) in time_pages(from, to + step, step, PAGE_ROWS) {
        out.push(one(
            Endpoint::OpenInterest,
            vec![
                ("instId", id.clone()),
                ("period", period.to_string()),
                ("begin", (s - 1).to_string()),
                ("end", (e - 1).to_string()),
                ("limit", PAGE_ROWS.to_string()),
            ],
        ));
    }
    out.push(one(Endpoint::Instrument, vec![("instType", "SWAP".into()), ("instId", id.clone())]));
    out.push(one(Endpoint::MarkPrice, vec![("instType", "SWAP".into()), ("instId", id.clone())]));
    out.push(one(Endpoint::FundingRate, vec![("instId", id.clone())]));
    out.push(one(Endpoint::FundingHistory, vec![("instId", id), ("limit", PAGE_ROWS.to_string())]));
    out.push(one(
        Endpoint::PositionTiers,
        vec![("instType", "SWAP".into()), ("tdMode", "isolated".into()), ("instFamily", inst_family(&ctx.base))],
    ));
    Ok(out)
}

/// Open-interest samples kept: one period before the first candle through the last close, so
/// every candle close lies between two samples.
fn oi_range(ctx: &VenueCtx, step_ms: i64) -> (i64, i64) {
    (ctx.start.timestamp_millis() - step_ms, ctx.end.timestamp_millis())
}

/// The bodies of the planned requests, by endpoint.
type Answers = super::Answers<Endpoint>;

impl super::RequestKind for Endpoint {
    fn label(self) -> &'static str {
        self.path()
    }
}

/// Runs every request concurrently (bounded by `ctx.max_parallel`). Running and tagging the
/// answers is shared with Hyperliquid ([`Answers::gather`](super::Answers::gather)); only the
/// transport is OKX's: a GET per endpoint with a query (Hyperliquid POSTs a JSON body to one
/// path), decoded with OKX's error envelope.
fn run(ctx: &VenueCtx, requests: Vec<Request>) -> Answers {
    Answers::gather(ctx, requests, |r| (r.endpoint, ctx.get(r.endpoint.path(), &r.query, decode_error)))
}

/// Fetches candles, open interest, funding, mark price, tick size and margin tiers of the
/// USDT perpetual on `ctx.base`.
pub fn fetch(ctx: &VenueCtx) -> Result<VenueSeries, FetchError> {
    let id = inst_id(&ctx.base);
    let requests = plan(ctx)?;
    // The liquidation pages go one after another (each needs the one before) while the
    // planned requests run.
    let (answers, liquidation_pages) = std::thread::scope(|s| {
        let since = ctx.liquidations_since.unwrap_or(ctx.start);
        let pages = s.spawn(move || liquidations::fetch_pages(ctx, since.timestamp_millis()));
        let answers = run(ctx, requests);
        (answers, pages.join().unwrap_or_else(|_| Err(FetchError::new("the liquidation pager panicked"))))
    });
    let instrument = instrument(ctx, &answers, &id)?;
    let candles = candles(ctx, &answers, &id)?;
    let (period, step) = oi_period(ctx.interval_secs, (ctx.end - ctx.lookback_start).num_seconds());
    let open_interest = open_interest(ctx, &answers, &id, step)?;
    let mut notes = vec![
        format!("{VENUE}: candle volume is volCcy (base coins); OKX gives no taker buy/sell split"),
        format!("{VENUE}: open interest from rubik open-interest-history, period {period}, oiUsd (one side)"),
    ];
    let mark_price = optional(mark_price(&answers), "mark price", &mut notes);
    let funding = funding(ctx, &answers, &mut notes);
    let last_close = candles.last().map(|c| c.close).unwrap_or(f64::NAN);
    let (margin_tiers, margin_tiers_source) = margin_tiers(ctx, &answers, instrument.ct_val, last_close, &mut notes);
    let liquidations = liquidations::collect(ctx, liquidation_pages, &id, instrument.ct_val, &mut notes);
    Ok(VenueSeries {
        venue: VENUE.to_string(),
        instrument: id,
        candles,
        open_interest,
        funding,
        mark_price: mark_price.flatten(),
        tick_size: instrument.tick_sz.filter(|t| t.is_finite() && *t > 0.0),
        margin_tiers,
        margin_tiers_source,
        notes,
        liquidations,
        measured_accounts: None,
        measured_positions: Vec::new(),
    })
}

/// The current open interest of a perpetual (`public/open-interest`), one side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurrentOi {
    pub time: DateTime<Utc>,
    /// `oi`, in contracts.
    pub contracts: f64,
    /// The instrument's contract value (`ctVal`, coins per contract).
    pub ct_val: f64,
    /// `contracts × ct_val`, in base coins.
    pub coins: f64,
}

/// Reads the entry of `id` in a `public/open-interest` answer; coins are `oi × ct_val`.
pub fn current_oi(body: &[u8], id: &str, ct_val: f64) -> Result<CurrentOi, FetchError> {
    let path = Endpoint::OpenInterestNow.path();
    let list: Vec<OpenInterestNow> = parse_envelope(path, body)?;
    let row = list
        .iter()
        .find(|r| r.inst_id == id)
        .ok_or_else(|| FetchError::new(format!("{VENUE}: {path} has no entry for {id}")))?;
    let bad = |what: String| FetchError::new(format!("{VENUE}: {path}: {id}: {what}"));
    if !(row.oi.is_finite() && row.oi >= 0.0) {
        return Err(bad(format!("oi {} is not a non-negative number", row.oi)));
    }
    if !(ct_val.is_finite() && ct_val > 0.0) {
        return Err(bad(format!("contract value {ct_val} is not a positive number")));
    }
    let time = time(row.ts).map_err(bad)?;
    Ok(CurrentOi { time, contracts: row.oi, ct_val, coins: row.oi * ct_val })
}

/// The current open interest of the perpetual on `ctx.base` in coins: `public/instruments`
/// (for `ctVal`) and `public/open-interest`, both at once. A cross-check of the history's level
/// against the other venues (the history itself comes from the rubik endpoint, in USD).
pub fn fetch_current_oi(ctx: &VenueCtx) -> Result<CurrentOi, FetchError> {
    let id = inst_id(&ctx.base);
    let swap = |id: &str| vec![("instType", "SWAP".to_string()), ("instId", id.to_string())];
    let requests = vec![
        Request { endpoint: Endpoint::Instrument, query: swap(&id) },
        Request { endpoint: Endpoint::OpenInterestNow, query: swap(&id) },
    ];
    let answers = run(ctx, requests);
    let instrument = instrument(ctx, &answers, &id)?;
    current_oi(answers.one(Endpoint::OpenInterestNow)?, &id, instrument.ct_val.unwrap_or(f64::NAN))
}

/// The value of a non-essential request, or `None` with a venue note saying why it is missing.
fn optional<T>(r: Result<T, FetchError>, what: &str, notes: &mut Vec<String>) -> Option<T> {
    r.map_err(|e| notes.push(format!("{VENUE}: no {what}: {}", e.message))).ok()
}

/// [`ErrorDecoder`](super::ErrorDecoder) for OKX: `{"code":"51001","msg":"..."}` (or a numeric
/// `code` on HTTP 404) → the venue's own `msg` with its code, `Instrument ID does not exist
/// (code 51001)`; without a `msg`, `OKX gave no message (code 50011, HTTP 429)`.
pub fn decode_error(status: u16, body: &[u8]) -> Option<String> {
    serde_json::from_slice::<Head>(body).ok().map(|h| describe(&h, status))
}

/// The venue's `msg` (surrounding blanks aside) and code; never a text of our own in its place.
fn describe(head: &Head, status: u16) -> String {
    match head.msg.trim() {
        "" => format!("OKX gave no message (code {}, HTTP {status})", head.code),
        msg => format!("{msg} (code {})", head.code),
    }
}

/// Parses an OKX envelope from `path`: a non-`"0"` code (after HTTP 200) is an error, and so is
/// a body that is not the expected JSON.
pub fn parse_envelope<T: DeserializeOwned>(path: &str, body: &[u8]) -> Result<T, FetchError> {
    let malformed = |e: serde_json::Error| FetchError::new(format!("{VENUE}: malformed response from {path}: {e}"));
    let head: Head = serde_json::from_slice(body).map_err(malformed)?;
    if head.code != "0" {
        // Envelopes are read from successful (2xx) answers only; OKX sends most errors with 200.
        return Err(FetchError::new(format!("{VENUE}: {} ({path})", describe(&head, 200))));
    }
    let data: Data<T> = serde_json::from_slice(body).map_err(malformed)?;
    Ok(data.data)
}

fn parse<T: DeserializeOwned>(ep: Endpoint, body: Result<&[u8], FetchError>) -> Result<T, FetchError> {
    parse_envelope(ep.path(), body?)
}

/// The instrument's details; an unknown instrument becomes an error listing close matches.
fn instrument(ctx: &VenueCtx, answers: &Answers, id: &str) -> Result<Instrument, FetchError> {
    match parse::<Vec<Instrument>>(Endpoint::Instrument, answers.one(Endpoint::Instrument)) {
        Ok(list) => match list.into_iter().find(|i| i.inst_id == id) {
            Some(i) => Ok(i),
            None => Err(unknown_instrument(ctx, id, " (not listed)")),
        },
        Err(e) if e.message.contains(&format!("(code {UNKNOWN_INSTRUMENT}")) => {
            // The venue's own words: `okx: <msg> (code 51001) (<path>)` → `: <msg> (code 51001)`.
            let text = e.message.strip_prefix(&format!("{VENUE}: ")).unwrap_or(&e.message);
            let text = text.strip_suffix(&format!(" ({})", Endpoint::Instrument.path())).unwrap_or(text);
            Err(unknown_instrument(ctx, id, &format!(": {text}")))
        }
        Err(e) => Err(e),
    }
}

/// `okx: no perpetual SOLX-USDT-SWAP<why>; close matches: SOL, SOLV`, from the list of
/// USDT swaps (one more request).
fn unknown_instrument(ctx: &VenueCtx, id: &str, why: &str) -> FetchError {
    let head = format!("{VENUE}: no perpetual {id}{why}");
    let listed = ctx
        .get(Endpoint::Instrument.path(), &[("instType", "SWAP".to_string())], decode_error)
        .and_then(|b| parse_envelope::<Vec<Instrument>>(Endpoint::Instrument.path(), &b));
    match listed {
        Ok(list) => {
            let matches = symbols::close_matches(&ctx.base, &usdt_swap_bases(&list));
            if matches.is_empty() {
                FetchError::new(format!("{head}; no close matches among OKX USDT perpetuals"))
            } else {
                FetchError::new(format!("{head}; close matches: {}", matches.join(", ")))
            }
        }
        Err(e) => FetchError::new(format!("{head}; listing instruments failed too: {}", e.message)),
    }
}

/// Base assets of the `*-USDT-SWAP` instruments in `list`.
pub fn usdt_swap_bases(list: &[Instrument]) -> Vec<String> {
    list.iter().filter_map(|i| i.inst_id.strip_suffix("-USDT-SWAP")).map(str::to_string).collect()
}

/// A candle row with OKX's `confirm` flag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OkxCandle {
    pub candle: Candle,
    /// `false` when `confirm` is `"0"` (the candle is still open).
    pub confirmed: bool,
}

impl TryFrom<&Row> for OkxCandle {
    type Error = String;

    /// `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]`; volume is `volCcy` (base coins).
    /// A missing `confirm` counts as confirmed (the time filter still drops open candles).
    fn try_from(row: &Row) -> Result<Self, String> {
        let candle = Candle {
            open_time: time(row.ms(0, "ts")?)?,
            open: row.num(1, "open")?,
            high: row.num(2, "high")?,
            low: row.num(3, "low")?,
            close: row.num(4, "close")?,
            volume: row.num(6, "volCcy")?,
            taker_buy_volume: None,
        };
        let confirmed = row.0.len() < 9 || row.num(8, "confirm")? != 0.0;
        Ok(OkxCandle { candle, confirmed })
    }
}

fn time(ms: i64) -> Result<DateTime<Utc>, String> {
    DateTime::<Utc>::from_timestamp_millis(ms).ok_or_else(|| format!("time {ms} ms is out of range"))
}

/// Closed candles opened in `[start, end)` that also close by `end`, ascending, one per time.
pub fn candles_from_rows(
    rows: &[Row],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    interval_secs: i64,
) -> Result<Vec<Candle>, String> {
    let step = chrono::Duration::seconds(interval_secs);
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let c = OkxCandle::try_from(row)?;
        if c.confirmed && super::closed_within(c.candle.open_time, start, end, step) {
            out.push(c.candle);
        }
    }
    sort_dedup(&mut out, |c| c.open_time);
    Ok(out)
}

fn candles(ctx: &VenueCtx, answers: &Answers, id: &str) -> Result<Vec<Candle>, FetchError> {
    let path = Endpoint::Candles.path();
    let mut rows = Vec::new();
    for body in answers.all(Endpoint::Candles) {
        rows.extend(parse::<Vec<Row>>(Endpoint::Candles, body)?);
    }
    let candles = candles_from_rows(&rows, ctx.start, ctx.end, ctx.interval_secs)
        .map_err(|m| FetchError::new(format!("{VENUE}: malformed candle from {path}: {m}")))?;
    if candles.is_empty() {
        return Err(FetchError::new(format!(
            "{VENUE}: no closed candles for {id} between {} and {} ({path} returned {} rows)",
            ctx.start.format("%Y-%m-%d %H:%M"),
            ctx.end.format("%Y-%m-%d %H:%M"),
            rows.len()
        )));
    }
    Ok(candles)
}

impl TryFrom<&Row> for OiPoint {
    type Error = String;

    /// `[ts, oi (contracts), oiCcy (coins), oiUsd]` → one-sided USD notional (`oiUsd`).
    fn try_from(row: &Row) -> Result<Self, String> {
        let oi_usd = row.num(3, "oiUsd")?;
        if oi_usd < 0.0 {
            return Err(format!("oiUsd {oi_usd} is negative"));
        }
        Ok(OiPoint { time: time(row.ms(0, "ts")?)?, oi_usd })
    }
}

/// Open-interest samples with times in `[from_ms, to_ms]`, ascending, one per time.
pub fn oi_from_rows(rows: &[Row], from_ms: i64, to_ms: i64) -> Result<Vec<OiPoint>, String> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let p = OiPoint::try_from(row)?;
        let t = p.time.timestamp_millis();
        if (from_ms..=to_ms).contains(&t) {
            out.push(p);
        }
    }
    sort_dedup(&mut out, |p| p.time);
    Ok(out)
}

fn open_interest(ctx: &VenueCtx, answers: &Answers, id: &str, step_ms: i64) -> Result<Vec<OiPoint>, FetchError> {
    let path = Endpoint::OpenInterest.path();
    let mut rows = Vec::new();
    for body in answers.all(Endpoint::OpenInterest) {
        rows.extend(parse::<Vec<Row>>(Endpoint::OpenInterest, body)?);
    }
    let (from, to) = oi_range(ctx, step_ms);
    let points = oi_from_rows(&rows, from, to)
        .map_err(|m| FetchError::new(format!("{VENUE}: malformed open interest from {path}: {m}")))?;
    if points.is_empty() {
        return Err(FetchError::new(format!(
            "{VENUE}: no open-interest history for {id} since {} ({path} returned {} rows; OKX keeps short periods only for recent days)",
            ctx.start.format("%Y-%m-%d %H:%M"),
            rows.len()
        )));
    }
    Ok(points)
}

fn mark_price(answers: &Answers) -> Result<Option<f64>, FetchError> {
    let list: Vec<MarkPrice> = parse(Endpoint::MarkPrice, answers.one(Endpoint::MarkPrice))?;
    Ok(list.first().and_then(|m| m.mark_px).filter(|p| p.is_finite() && *p > 0.0))
}

/// Settled rates (realized where given) from `from_ms` on, then the current period's rate at
/// its settlement time; ascending, one per time.
pub fn funding_points(history: &[FundingHistory], current: Option<&FundingRate>, from_ms: i64) -> Vec<FundingPoint> {
    let mut out: Vec<FundingPoint> = history
        .iter()
        .filter(|h| h.funding_time >= from_ms)
        .filter_map(|h| {
            Some(FundingPoint { time: time(h.funding_time).ok()?, rate: h.realized_rate.unwrap_or(h.funding_rate) })
        })
        .filter(|p| p.rate.is_finite())
        .collect();
    sort_dedup(&mut out, |p| p.time);
    if let Some(c) = current {
        if let Ok(t) = time(c.funding_time) {
            if c.funding_rate.is_finite() && out.last().is_none_or(|l| l.time < t) {
                out.push(FundingPoint { time: t, rate: c.funding_rate });
            }
        }
    }
    out
}

fn funding(ctx: &VenueCtx, answers: &Answers, notes: &mut Vec<String>) -> Vec<FundingPoint> {
    let history: Vec<FundingHistory> =
        optional(parse(Endpoint::FundingHistory, answers.one(Endpoint::FundingHistory)), "funding history", notes)
            .unwrap_or_default();
    let current: Option<FundingRate> = optional(
        parse::<Vec<FundingRate>>(Endpoint::FundingRate, answers.one(Endpoint::FundingRate)),
        "current funding rate",
        notes,
    )
    .and_then(|v| v.into_iter().next());
    funding_points(&history, current.as_ref(), ctx.start.timestamp_millis())
}

/// OKX position tiers → [`MarginTier`]s. `minSz`/`maxSz` count contracts, so a tier's cap in
/// USD is `maxSz × ctVal × price` (price: the last close). Tiers are sorted by number and made
/// contiguous: each starts where the previous ends (OKX's next `minSz` is `maxSz + 1`
/// contracts), the first at 0 and the last is unbounded. Rows of another family are skipped.
pub fn tiers_from_okx(rows: &[PositionTier], family: &str, ct_val: f64, price: f64) -> Result<Vec<MarginTier>, String> {
    if !(ct_val.is_finite() && ct_val > 0.0) {
        return Err(format!("contract value {ct_val} is not a positive number"));
    }
    if !(price.is_finite() && price > 0.0) {
        return Err(format!("price {price} is not a positive number"));
    }
    let mut rows: Vec<&PositionTier> =
        rows.iter().filter(|r| [&r.inst_family, &r.uly].iter().all(|f| f.is_empty() || f.as_str() == family)).collect();
    rows.sort_by(|a, b| a.tier.total_cmp(&b.tier));
    let mut out: Vec<MarginTier> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let last = i + 1 == rows.len();
        let cap = match r.max_sz {
            _ if last => f64::INFINITY,
            Some(sz) => sz * ct_val * price,
            None => return Err(format!("tier {} has no maxSz", r.tier)),
        };
        let floor = out.last().map_or(0.0, |t| t.notional_cap);
        out.push(MarginTier {
            notional_floor: floor,
            notional_cap: cap,
            max_leverage: r.max_lever,
            mmr: r.mmr,
            maint_amount: None,
        });
    }
    tiers::validate(&out)?;
    Ok(out)
}

fn margin_tiers(
    ctx: &VenueCtx,
    answers: &Answers,
    ct_val: Option<f64>,
    price: f64,
    notes: &mut Vec<String>,
) -> (Vec<MarginTier>, String) {
    let fetched = parse::<Vec<PositionTier>>(Endpoint::PositionTiers, answers.one(Endpoint::PositionTiers))
        .map_err(|e| e.message)
        .and_then(|rows| tiers_from_okx(&rows, &inst_family(&ctx.base), ct_val.unwrap_or(f64::NAN), price));
    match fetched {
        Ok(t) => (t, format!("{VENUE} {} (fetched)", Endpoint::PositionTiers.path())),
        Err(why) => {
            let (t, source) = tiers::builtin(VENUE, &inst_id(&ctx.base));
            notes.push(format!("{VENUE}: position tiers unavailable ({why}); using {source}"));
            (t, source)
        }
    }
}
