//! Hyperliquid client (`POST /info`) for the perpetual on a coin (`SOL`).
//!
//! All requests run at once through [`VenueCtx::parallel`]:
//!
//! | request body | what it gives |
//! |---|---|
//! | `{"type":"metaAndAssetCtxs"}` | the coin list, max leverage, current open interest (coins), mark price, hourly funding |
//! | `{"type":"candleSnapshot",...}` (pages of 5000) | candles, volume in coins |
//! | `{"type":"fundingHistory",...}` (pages of 500 hours) | hourly funding history |
//!
//! Hyperliquid publishes **no open-interest history**. The series gets an estimate instead, see
//! [`oi_by_volume`], and a venue note says so. Candle requests are sent with the coin as the user
//! spelled it (upper case); if the venue spells it differently (`kPEPE`) they are sent again.

pub mod positions;
pub mod wire;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;

use super::{sort_dedup, symbols, time_pages, FetchError, VenueCtx};
use crate::model::snapshot::{Candle, FundingPoint, OiPoint, VenueSeries};
use crate::model::tiers::{self, MarginTier};
use wire::{
    Asset, AssetCtx, CandleReq, CandleSnapshotRequest, FundingHistoryRequest, FundingRow, MetaAndAssetCtxs, WireCandle,
};

/// The venue's name in messages and snapshots.
pub const VENUE: &str = "hyperliquid";

/// The one endpoint.
pub const PATH: &str = "/info";

/// Most candles one `candleSnapshot` answer holds.
pub const MAX_CANDLES: i64 = 5000;

/// Most rows one `fundingHistory` answer holds (one per hour).
pub const MAX_FUNDING_ROWS: i64 = 500;

/// The venue note of the open-interest estimate.
pub const OI_NOTE: &str =
    "hyperliquid: no open-interest history; current open interest spread over the lookback by volume (estimate)";

/// Hyperliquid's interval name.
pub fn interval_name(interval_secs: i64) -> Option<&'static str> {
    match interval_secs {
        300 => Some("5m"),
        900 => Some("15m"),
        3600 => Some("1h"),
        14_400 => Some("4h"),
        86_400 => Some("1d"),
        _ => None,
    }
}

/// The kinds of `/info` request this client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Meta,
    Candles,
    Funding,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Meta => "metaAndAssetCtxs",
            Kind::Candles => "candleSnapshot",
            Kind::Funding => "fundingHistory",
        }
    }
}

/// One planned POST.
struct Request {
    kind: Kind,
    body: String,
}

fn to_body(kind: Kind, value: &impl serde::Serialize) -> Result<Request, FetchError> {
    serde_json::to_string(value)
        .map(|body| Request { kind, body })
        .map_err(|e| FetchError::new(format!("{VENUE}: cannot encode a {} request: {e}", kind.name())))
}

/// Candle and funding requests for `coin`; times are inclusive on Hyperliquid, so each page
/// asks for `[page_start, page_end - 1]`.
fn plan_series(ctx: &VenueCtx, coin: &str) -> Result<Vec<Request>, FetchError> {
    let interval = interval_name(ctx.interval_secs).ok_or_else(|| {
        FetchError::new(format!(
            "{VENUE}: no candles for an interval of {} s (use 5m, 15m, 1h, 4h or 1d)",
            ctx.interval_secs
        ))
    })?;
    let mut out = Vec::new();
    for (s, e) in ctx.pages(MAX_CANDLES) {
        let req = CandleReq { coin, interval, start_time: s.timestamp_millis(), end_time: e.timestamp_millis() - 1 };
        out.push(to_body(Kind::Candles, &CandleSnapshotRequest { kind: "candleSnapshot", req })?);
    }
    let (from, to) = (ctx.start.timestamp_millis(), ctx.end.timestamp_millis());
    for (s, e) in time_pages(from, to, 3_600_000, MAX_FUNDING_ROWS) {
        let req = FundingHistoryRequest { kind: "fundingHistory", coin, start_time: s, end_time: e - 1 };
        out.push(to_body(Kind::Funding, &req)?);
    }
    Ok(out)
}

/// The bodies of the planned requests, by kind.
type Answers = super::Answers<Kind>;

impl super::RequestKind for Kind {
    fn label(self) -> &'static str {
        self.name()
    }
}

/// Runs every request concurrently (bounded by `ctx.max_parallel`). Running and tagging the
/// answers is shared with OKX ([`Answers::gather`](super::Answers::gather)); only the transport
/// is Hyperliquid's: a POST of a JSON body to the one `/info` path (OKX GETs an endpoint per
/// kind with a query), decoded as Hyperliquid's plain-text errors.
fn run(ctx: &VenueCtx, requests: Vec<Request>) -> Answers {
    Answers::gather(ctx, requests, |r| (r.kind, ctx.post(PATH, &r.body, decode_error)))
}

/// Fetches candles, funding, mark price and the margin tier of the perpetual on `ctx.base`,
/// with open interest estimated by [`oi_by_volume`].
pub fn fetch(ctx: &VenueCtx) -> Result<VenueSeries, FetchError> {
    let mut requests = vec![to_body(Kind::Meta, &serde_json::json!({"type": "metaAndAssetCtxs"}))?];
    requests.extend(plan_series(ctx, &ctx.base)?);
    let mut answers = run(ctx, requests);
    let meta: MetaAndAssetCtxs = parse(Kind::Meta, answers.one(Kind::Meta))?;
    let (asset, asset_ctx) = find_asset(&meta, &ctx.base).map_err(FetchError::new)?;
    if asset.name != ctx.base {
        answers = run(ctx, plan_series(ctx, &asset.name)?);
    }
    let candles = candles(ctx, &answers, &asset.name)?;
    let mut notes = vec![OI_NOTE.to_string(), format!("{VENUE}: no taker buy/sell split in candles")];
    if let Some(first) = candles.first().filter(|c| c.open_time > ctx.start) {
        notes.push(format!(
            "{VENUE}: candles only from {} (the venue serves the latest {MAX_CANDLES} per interval)",
            first.open_time.format("%Y-%m-%d %H:%M")
        ));
    }
    let last_close = candles.last().map_or(f64::NAN, |c| c.close);
    let mark_price = asset_ctx.mark_px.filter(|p| p.is_finite() && *p > 0.0);
    let oi_now = current_oi_usd(asset_ctx, mark_price.unwrap_or(last_close))
        .map_err(|m| FetchError::new(format!("{VENUE}: {m}")))?;
    let open_interest = oi_by_volume(&candles, ctx.interval_secs, oi_now);
    let funding = funding(ctx, &answers, asset_ctx, &mut notes);
    let (margin_tiers, margin_tiers_source) = match margin_tiers(&meta.0, asset) {
        Ok(t) => t,
        Err(why) => {
            let (t, source) = tiers::builtin(VENUE, &asset.name);
            notes.push(format!("{VENUE}: {why}; using {source}"));
            (t, source)
        }
    };
    Ok(VenueSeries {
        venue: VENUE.to_string(),
        instrument: asset.name.clone(),
        candles,
        open_interest,
        funding,
        mark_price,
        tick_size: None,
        margin_tiers,
        margin_tiers_source,
        notes,
        liquidations: Vec::new(),
        measured_accounts: None,
        measured_positions: vec![],
    })
}

/// [`ErrorDecoder`](super::ErrorDecoder) for Hyperliquid, whose errors are plain text (HTTP 422
/// `Failed to deserialize the JSON body...`) or `{"error": "..."}`: the text, shortened.
pub fn decode_error(status: u16, body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        error: String,
    }
    let text = match serde_json::from_slice::<ErrorBody>(body) {
        Ok(e) => e.error,
        Err(_) => String::from_utf8_lossy(body).trim().to_string(),
    };
    if text.is_empty() || text == "null" || text.starts_with('<') {
        return None;
    }
    let short: String = text.chars().take(200).collect();
    Some(format!("HTTP {status}: {short}"))
}

/// Parses an `/info` answer of `kind`; names the venue and request on failure.
pub fn parse_answer<T: DeserializeOwned>(kind_name: &str, body: &[u8]) -> Result<T, FetchError> {
    serde_json::from_slice(body)
        .map_err(|e| FetchError::new(format!("{VENUE}: malformed response from {PATH} ({kind_name}): {e}")))
}

fn parse<T: DeserializeOwned>(kind: Kind, body: Result<&[u8], FetchError>) -> Result<T, FetchError> {
    parse_answer(kind.name(), body?)
}

/// The coin's metadata and live context (`universe[i]` belongs to `contexts[i]`), found by name
/// ignoring case. An unknown coin is an error listing close matches from the universe.
pub fn find_asset<'a>(meta: &'a MetaAndAssetCtxs, coin: &str) -> Result<(&'a Asset, &'a AssetCtx), String> {
    let MetaAndAssetCtxs(m, contexts) = meta;
    let Some(i) = m.universe.iter().position(|a| a.name.eq_ignore_ascii_case(coin)) else {
        let names: Vec<String> = m.universe.iter().filter(|a| !a.is_delisted).map(|a| a.name.clone()).collect();
        let matches = symbols::close_matches(coin, &names);
        let tail = if matches.is_empty() {
            "no close matches".to_string()
        } else {
            format!("close matches: {}", matches.join(", "))
        };
        let listed = if names.len() == 1 { "1 coin".to_string() } else { format!("{} coins", names.len()) };
        return Err(format!("{VENUE}: no perpetual {coin} ({listed} listed); {tail}"));
    };
    let asset = &m.universe[i];
    if asset.is_delisted {
        return Err(format!("{VENUE}: {} is delisted", asset.name));
    }
    let ctx = contexts.get(i).ok_or_else(|| {
        format!(
            "{VENUE}: metaAndAssetCtxs has no context for {} ({} coins, {} contexts)",
            asset.name,
            m.universe.len(),
            contexts.len()
        )
    })?;
    Ok((asset, ctx))
}

impl TryFrom<&WireCandle> for Candle {
    type Error = String;

    /// `{t, o, h, l, c, v}` → a candle; `v` is in coins. Hyperliquid has no taker split.
    fn try_from(w: &WireCandle) -> Result<Self, String> {
        let open_time =
            DateTime::<Utc>::from_timestamp_millis(w.t).ok_or_else(|| format!("time {} ms is out of range", w.t))?;
        Ok(Candle { open_time, open: w.o, high: w.h, low: w.l, close: w.c, volume: w.v, taker_buy_volume: None })
    }
}

/// Candles opened in `[start, end)` that close by `end` (the last one may still be open),
/// ascending, one per time.
pub fn candles_from_wire(
    rows: &[WireCandle],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    interval_secs: i64,
) -> Result<Vec<Candle>, String> {
    let step = Duration::seconds(interval_secs);
    let mut out = Vec::with_capacity(rows.len());
    for w in rows {
        let c = Candle::try_from(w)?;
        if super::closed_within(c.open_time, start, end, step) {
            out.push(c);
        }
    }
    sort_dedup(&mut out, |c| c.open_time);
    Ok(out)
}

fn candles(ctx: &VenueCtx, answers: &Answers, coin: &str) -> Result<Vec<Candle>, FetchError> {
    let mut rows = Vec::new();
    for body in answers.all(Kind::Candles) {
        // An answer of `null` (seen for coins without candles) counts as empty.
        rows.extend(parse::<Option<Vec<WireCandle>>>(Kind::Candles, body)?.unwrap_or_default());
    }
    let candles = candles_from_wire(&rows, ctx.start, ctx.end, ctx.interval_secs)
        .map_err(|m| FetchError::new(format!("{VENUE}: malformed candle from {PATH} (candleSnapshot): {m}")))?;
    if candles.is_empty() {
        return Err(FetchError::new(format!(
            "{VENUE}: no closed candles for {coin} between {} and {} (candleSnapshot returned {} rows)",
            ctx.start.format("%Y-%m-%d %H:%M"),
            ctx.end.format("%Y-%m-%d %H:%M"),
            rows.len()
        )));
    }
    Ok(candles)
}

/// Current one-sided open interest in USD: `openInterest` (coins) × `price` (the mark price).
pub fn current_oi_usd(ctx: &AssetCtx, price: f64) -> Result<f64, String> {
    let coins = ctx.open_interest.ok_or("metaAndAssetCtxs gives no openInterest for the coin")?;
    let usd = coins * price;
    if usd.is_finite() && usd >= 0.0 {
        Ok(usd)
    } else {
        Err(format!("open interest {coins} coins × price {price} is not a usable USD amount"))
    }
}

/// The open-interest estimate for a venue without history: today's open interest, opened over
/// the lookback in proportion to traded volume. At each candle close `t`,
/// `OI(t) = OI_now × (volume of the candles up to t) / (volume of all candles)`, so the ledger
/// sees positions opening where the volume traded, and the series ends at `OI_now`. With no
/// volume at all, each candle counts the same. Monotone by construction; `[]` for no candles.
pub fn oi_by_volume(candles: &[Candle], interval_secs: i64, oi_now_usd: f64) -> Vec<OiPoint> {
    let usable = |v: f64| if v.is_finite() && v > 0.0 { v } else { 0.0 };
    let volume: f64 = candles.iter().map(|c| usable(c.volume)).sum();
    let by_volume = volume > 0.0;
    let weight = |c: &Candle| if by_volume { usable(c.volume) } else { 1.0 };
    let total = if by_volume { volume } else { candles.len() as f64 };
    let step = Duration::seconds(interval_secs);
    let mut cum = 0.0;
    candles
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            cum += weight(c);
            let share = if i + 1 == candles.len() { 1.0 } else { (cum / total).min(1.0) };
            // A close past chrono's last date cannot be represented: no point for it.
            Some(OiPoint { time: c.open_time.checked_add_signed(step)?, oi_usd: oi_now_usd * share })
        })
        .collect()
}

/// Hourly funding in `[from_ms, to_ms)`, ascending, one per time, then the current rate at
/// `now` if it is later.
pub fn funding_points(
    rows: &[FundingRow],
    current: Option<f64>,
    from_ms: i64,
    to_ms: i64,
    now: DateTime<Utc>,
) -> Vec<FundingPoint> {
    let mut out: Vec<FundingPoint> = rows
        .iter()
        .filter(|r| (from_ms..to_ms).contains(&r.time) && r.funding_rate.is_finite())
        .filter_map(|r| {
            Some(FundingPoint { time: DateTime::<Utc>::from_timestamp_millis(r.time)?, rate: r.funding_rate })
        })
        .collect();
    sort_dedup(&mut out, |p| p.time);
    if let Some(rate) = current.filter(|r| r.is_finite()) {
        if out.last().is_none_or(|l| l.time < now) {
            out.push(FundingPoint { time: now, rate });
        }
    }
    out
}

fn funding(ctx: &VenueCtx, answers: &Answers, asset_ctx: &AssetCtx, notes: &mut Vec<String>) -> Vec<FundingPoint> {
    let mut rows = Vec::new();
    for body in answers.all(Kind::Funding) {
        match parse::<Option<Vec<FundingRow>>>(Kind::Funding, body) {
            Ok(r) => rows.extend(r.unwrap_or_default()),
            Err(e) => {
                notes.push(format!("{VENUE}: funding history incomplete: {}", e.message));
                break;
            }
        }
    }
    funding_points(&rows, asset_ctx.funding, ctx.start.timestamp_millis(), ctx.end.timestamp_millis(), ctx.end)
}

/// The margin tiers of `asset` and their source: from its entry in `marginTables` when the
/// answer has it ([`tiers_from_margin_table`]), else one tier from its `maxLeverage`
/// ([`tiers_from_max_leverage`]), the source saying why. An unusable table is an error.
pub fn margin_tiers(meta: &wire::Meta, asset: &Asset) -> Result<(Vec<MarginTier>, String), String> {
    let table = asset.margin_table_id.and_then(|id| meta.margin_tables.iter().find(|e| e.0 == id));
    if let Some(wire::MarginTableEntry(id, table)) = table {
        let t = tiers_from_margin_table(table).map_err(|why| format!("margin table #{id} of {}: {why}", asset.name))?;
        return Ok((t, format!("{VENUE} marginTables #{id} {:?} (fetched)", table.description)));
    }
    let why = match asset.margin_table_id {
        _ if meta.margin_tables.is_empty() => "no marginTables in the answer".to_string(),
        Some(id) => format!("margin table #{id} not in the answer"),
        None => "no marginTableId for the coin".to_string(),
    };
    Ok((tiers_from_max_leverage(asset.max_leverage)?, format!("{VENUE} maxLeverage (fetched; {why})")))
}

/// A margin table → contiguous tiers: tier `i` runs from its `lowerBound` (position notional,
/// USD) to the next one's (the last is unbounded), with maintenance rate `1 / (2 × maxLeverage)`
/// and maintenance amount `cum_i = cum_{i-1} + lowerBound_i × (mmr_i − mmr_{i−1})`, so the
/// maintenance margin `notional × mmr − cum` (and with it the liquidation price) is continuous
/// where one tier meets the next. The first tier must start at 0.
pub fn tiers_from_margin_table(table: &wire::MarginTable) -> Result<Vec<MarginTier>, String> {
    let mut rows = table.margin_tiers.clone();
    if rows.is_empty() {
        return Err("no marginTiers".into());
    }
    if let Some(r) = rows.iter().find(|r| !(r.lower_bound.is_finite() && r.lower_bound >= 0.0)) {
        return Err(format!("lowerBound {} is not a number >= 0", r.lower_bound));
    }
    rows.sort_by(|a, b| a.lower_bound.total_cmp(&b.lower_bound));
    if rows[0].lower_bound != 0.0 {
        return Err(format!("the first tier's lowerBound is {}, not 0", rows[0].lower_bound));
    }
    let mut out: Vec<MarginTier> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        if !(r.max_leverage.is_finite() && r.max_leverage >= 1.0) {
            return Err(format!("maxLeverage {} is not a number >= 1", r.max_leverage));
        }
        let mmr = 1.0 / (2.0 * r.max_leverage);
        let cum = out.last().map_or(0.0, |p| p.maint_amount.unwrap_or(0.0) + r.lower_bound * (mmr - p.mmr));
        let cap = rows.get(i + 1).map_or(f64::INFINITY, |n| n.lower_bound);
        out.push(MarginTier {
            notional_floor: r.lower_bound,
            notional_cap: cap,
            max_leverage: r.max_leverage,
            mmr,
            maint_amount: Some(cum),
        });
    }
    tiers::validate(&out)?;
    Ok(out)
}

/// Hyperliquid's rule: one tier up to the coin's max leverage, maintenance rate
/// `1 / (2 × maxLeverage)`.
pub fn tiers_from_max_leverage(max_leverage: f64) -> Result<Vec<MarginTier>, String> {
    if !(max_leverage.is_finite() && max_leverage >= 1.0) {
        return Err(format!("maxLeverage {max_leverage} is not a number >= 1"));
    }
    let t = vec![MarginTier {
        notional_floor: 0.0,
        notional_cap: f64::INFINITY,
        max_leverage,
        mmr: 1.0 / (2.0 * max_leverage),
        maint_amount: None,
    }];
    tiers::validate(&t)?;
    Ok(t)
}
