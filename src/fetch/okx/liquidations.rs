//! Realized liquidations from OKX: `GET /api/v5/public/liquidation-orders?instType=SWAP&
//! instFamily=BTC-USDT&state=filled`, pages of up to 100 details, newest first, paged back with
//! the `after` cursor (epoch ms: older than) until a page reaches the lookback's start, the venue
//! has no more (an empty page; OKX keeps about a day), or [`MAX_PAGES`]. Each page depends on
//! the one before, so the pages go one at a time, at least [`MIN_GAP`] apart (the endpoint
//! allows 40 requests per 2 s), alongside the client's other requests.
//!
//! Normalised to [`Liquidation`]s: time `ts`, the liquidated side (`posSide` where it says
//! `long`/`short`, else from `side`: a `buy` closes a short, a `sell` a long), price `bkPx`
//! (the bankruptcy price) and USD `sz × ctVal × bkPx` (`sz` counts contracts).

use std::time::{Duration, Instant};

use super::wire::{LiquidationDetail, LiquidationOrders};
use super::{decode_error, inst_family, parse_envelope, VENUE};
use crate::fetch::{FetchError, VenueCtx};
use crate::model::snapshot::{sort_liquidations, Liquidation, Side};

/// The endpoint's path.
pub const PATH: &str = "/api/v5/public/liquidation-orders";

/// Details per page (the documented maximum).
pub(crate) const PAGE_ROWS: usize = 100;

/// Most pages one fetch asks for (10,000 liquidations); a note says when it stopped there.
pub(crate) const MAX_PAGES: usize = 200;

/// Least time between two page requests: 40 requests per 2 s.
pub(crate) const MIN_GAP: Duration = Duration::from_millis(50);

/// OKX's rate-limit code (HTTP 429 is retried by the client; this catches it in a 200 answer).
const RATE_LIMITED: &str = "50011";

/// The words of the note (and warning) when the endpoint failed.
pub(crate) const UNAVAILABLE: &str = "realized liquidations unavailable";

/// Why the paging stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// A page reached back to the start asked for.
    Lookback,
    /// The venue had no older details (an empty page).
    VenueEnd,
    /// [`MAX_PAGES`] pages were read.
    PageCap,
}

/// The raw answers of one paging run.
#[derive(Debug, Clone)]
pub struct Pages {
    pub orders: Vec<LiquidationOrders>,
    pub pages: usize,
    pub reach: Reach,
}

/// The liquidated side of a detail: `posSide` when it names one, else the opposite of the
/// closing order's `side`.
pub(crate) fn liquidated_side(pos_side: &str, side: &str) -> Option<Side> {
    match (pos_side.trim(), side.trim()) {
        ("long", _) => Some(Side::Long),
        ("short", _) => Some(Side::Short),
        (_, "sell") => Some(Side::Long),
        (_, "buy") => Some(Side::Short),
        _ => None,
    }
}

/// A detail's time in whole epoch milliseconds.
fn detail_ms(d: &LiquidationDetail) -> Option<i64> {
    d.ts.filter(|t| t.is_finite() && t.fract() == 0.0 && *t >= 0.0 && *t < 9e15).map(|t| t as i64)
}

pub fn liquidation(d: &LiquidationDetail, ct_val: f64) -> Result<Liquidation, String> {
    let ms = detail_ms(d).ok_or_else(|| format!("ts {:?} is not epoch milliseconds", d.ts))?;
    let time = chrono::DateTime::from_timestamp_millis(ms).ok_or_else(|| format!("ts {ms} is out of range"))?;
    let side = liquidated_side(&d.pos_side, &d.side)
        .ok_or_else(|| format!("neither posSide {:?} nor side {:?} names the liquidated side", d.pos_side, d.side))?;
    let price = d
        .bk_px
        .filter(|p| p.is_finite() && *p > 0.0)
        .ok_or_else(|| format!("bkPx {:?} is not a positive number", d.bk_px))?;
    let sz =
        d.sz.filter(|s| s.is_finite() && *s > 0.0).ok_or_else(|| format!("sz {:?} is not a positive number", d.sz))?;
    Ok(Liquidation { time, side, price, usd: sz * ct_val * price })
}

/// Liquidations read from pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalised {
    /// Of `id`, with times in `[from_ms, to_ms)`, sorted, each event once.
    pub liquidations: Vec<Liquidation>,
    /// Details of `id` that could not be read, and the first one's problem.
    pub skipped: usize,
    pub first_problem: Option<String>,
}

/// The details of instrument `id` in `orders` as liquidations with times in `[from_ms,
/// to_ms)`; `ct_val` is the instrument's contract value (coins per contract). Unreadable
/// details are counted, not fatal.
pub fn normalise(
    orders: &[LiquidationOrders],
    id: &str,
    ct_val: f64,
    from_ms: i64,
    to_ms: i64,
) -> Result<Normalised, String> {
    if !(ct_val.is_finite() && ct_val > 0.0) {
        return Err(format!("contract value {ct_val} of {id} is not a positive number"));
    }
    let mut out = Normalised { liquidations: Vec::new(), skipped: 0, first_problem: None };
    for d in orders.iter().filter(|o| o.inst_id == id).flat_map(|o| &o.details) {
        match liquidation(d, ct_val) {
            Ok(l) => {
                let ms = l.time.timestamp_millis();
                if (from_ms..to_ms).contains(&ms) {
                    out.liquidations.push(l);
                }
            }
            Err(why) => {
                out.skipped += 1;
                out.first_problem.get_or_insert(why);
            }
        }
    }
    sort_liquidations(&mut out.liquidations);
    Ok(out)
}

/// The next `after` cursor after a page whose oldest detail is at `oldest`: one millisecond
/// past it, so details sharing that millisecond on both sides of the page boundary are all
/// read (repeats are dropped later); `oldest` itself when that would not move back. `None`
/// when the cursor cannot move back (the paging would repeat itself).
pub(crate) fn next_cursor(oldest: i64, previous: Option<i64>) -> Option<i64> {
    match previous {
        None => Some(oldest + 1),
        Some(p) if oldest + 1 < p => Some(oldest + 1),
        Some(p) if oldest < p => Some(oldest),
        Some(_) => None,
    }
}

/// One page request: the client's retries cover HTTP 429 and 5xx; an answer that says 50011
/// with HTTP 200 is retried here the same number of times, with the same backoff.
fn page(ctx: &VenueCtx, query: &[(&str, String)]) -> Result<Vec<LiquidationOrders>, FetchError> {
    let config = &ctx.http.config;
    let mut attempt = 0;
    loop {
        ctx.http.progress().plan(ctx.venue.name(), 1);
        let body = ctx.get(PATH, query, decode_error)?;
        match parse_envelope::<Vec<LiquidationOrders>>(PATH, &body) {
            Err(e) if e.message.contains(&format!("(code {RATE_LIMITED}")) && attempt < config.retries => {
                std::thread::sleep(config.backoff.saturating_mul(1 << attempt.min(5)));
                attempt += 1;
            }
            r => return r,
        }
    }
}

/// Spaces requests at least `gap` apart: [`Pacer::next`] says how long to wait before the
/// next one and books it for then (what the client schedules, whatever a busy machine's clock
/// shows on the other side).
#[derive(Debug, Clone)]
pub(crate) struct Pacer {
    gap: Duration,
    last: Option<Instant>,
}

impl Pacer {
    pub fn new(gap: Duration) -> Self {
        Pacer { gap, last: None }
    }

    /// The wait before a request wanted at `now`; the request is booked at `now` + the wait.
    pub fn next(&mut self, now: Instant) -> Duration {
        let wait = self.last.map_or(Duration::ZERO, |l| (l + self.gap).saturating_duration_since(now));
        self.last = Some(now + wait);
        wait
    }
}

/// Pages the filled liquidation orders of the family of `ctx.base` back to `since_ms`.
pub(crate) fn fetch_pages(ctx: &VenueCtx, since_ms: i64) -> Result<Pages, FetchError> {
    let mut orders = Vec::new();
    let mut after: Option<i64> = None;
    let mut pacer = Pacer::new(MIN_GAP);
    for n in 1..=MAX_PAGES {
        std::thread::sleep(pacer.next(Instant::now()));
        let mut query = vec![
            ("instType", "SWAP".to_string()),
            ("instFamily", inst_family(&ctx.base)),
            ("state", "filled".to_string()),
            ("limit", PAGE_ROWS.to_string()),
        ];
        if let Some(a) = after {
            query.push(("after", a.to_string()));
        }
        let list = page(ctx, &query)?;
        let oldest = list.iter().flat_map(|o| &o.details).filter_map(detail_ms).min();
        let details = list.iter().map(|o| o.details.len()).sum::<usize>();
        orders.extend(list);
        let Some(oldest) = oldest else { return Ok(Pages { orders, pages: n, reach: Reach::VenueEnd }) };
        // A page short of full that holds only the millisecond the cursor re-reads: nothing older.
        let only_overlap = after == Some(oldest + 1) && details < PAGE_ROWS;
        if only_overlap {
            return Ok(Pages { orders, pages: n, reach: Reach::VenueEnd });
        }
        if oldest < since_ms {
            return Ok(Pages { orders, pages: n, reach: Reach::Lookback });
        }
        match next_cursor(oldest, after) {
            Some(c) => after = Some(c),
            None => return Ok(Pages { orders, pages: n, reach: Reach::VenueEnd }),
        }
    }
    Ok(Pages { orders, pages: MAX_PAGES, reach: Reach::PageCap })
}

/// The realized liquidations of `id` for `ctx`, with times in the whole lookback
/// (`[ctx.lookback_start, ctx.end)`: an incremental fetch keeps every one the pages brought), with venue
/// notes; a failure is a note starting with [`UNAVAILABLE`] (the fetch shows it as a warning)
/// and no liquidations, never an error.
pub fn collect(
    ctx: &VenueCtx,
    pages: Result<Pages, FetchError>,
    id: &str,
    ct_val: Option<f64>,
    notes: &mut Vec<String>,
) -> Vec<Liquidation> {
    let (from, to) = (ctx.lookback_start.timestamp_millis(), ctx.end.timestamp_millis());
    let read = pages
        .map_err(|e| e.message)
        .and_then(|p| normalise(&p.orders, id, ct_val.unwrap_or(f64::NAN), from, to).map(|n| (p.pages, p.reach, n)));
    match read {
        Ok((pages, reach, n)) => {
            let oldest = n
                .liquidations
                .first()
                .map_or(String::new(), |l| format!(", oldest {}", l.time.format("%Y-%m-%d %H:%M UTC")));
            notes.push(format!(
                "{VENUE}: {} realized liquidations from {PATH} ({pages} pages{oldest}; bkPx, sz × ctVal)",
                n.liquidations.len()
            ));
            if reach == Reach::PageCap {
                notes.push(format!(
                    "{VENUE}: realized liquidations stopped after {MAX_PAGES} pages; older ones are missing"
                ));
            }
            if n.skipped > 0 {
                notes.push(format!(
                    "{VENUE}: {} liquidation details unreadable and left out (first: {})",
                    n.skipped,
                    n.first_problem.unwrap_or_default()
                ));
            }
            n.liquidations
        }
        Err(why) => {
            let why = why.strip_prefix(&format!("{VENUE}: ")).unwrap_or(&why).to_string();
            notes.push(format!("{VENUE}: {UNAVAILABLE}: {why}"));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(side: &str, pos_side: &str, px: f64, sz: f64, ts: i64) -> LiquidationDetail {
        LiquidationDetail {
            side: side.into(),
            pos_side: pos_side.into(),
            bk_px: Some(px),
            sz: Some(sz),
            ts: Some(ts as f64),
        }
    }

    #[test]
    fn side_from_pos_side_else_from_the_closing_order() {
        assert_eq!(liquidated_side("short", "buy"), Some(Side::Short));
        assert_eq!(liquidated_side("long", "sell"), Some(Side::Long));
        assert_eq!(liquidated_side("", "buy"), Some(Side::Short));
        assert_eq!(liquidated_side("net", "sell"), Some(Side::Long));
        assert_eq!(liquidated_side("net", ""), None);
    }

    #[test]
    fn normalise_converts_contracts_filters_and_counts_bad_details() {
        let orders = vec![
            LiquidationOrders {
                inst_id: "BTC-USDT-SWAP".into(),
                details: vec![
                    detail("buy", "", 60_000.0, 2.5, 2_000),
                    detail("sell", "long", 50_000.0, 1.0, 1_000),
                    detail("sell", "long", 50_000.0, 1.0, 1_000),
                    detail("sell", "long", 50_000.0, 1.0, 999),
                    detail("sell", "long", 50_000.0, 1.0, 3_000),
                    LiquidationDetail { bk_px: None, ..detail("buy", "short", 1.0, 1.0, 1_500) },
                ],
            },
            LiquidationOrders { inst_id: "BTC-USDC-SWAP".into(), details: vec![detail("buy", "", 1.0, 1.0, 1_500)] },
        ];
        let n = normalise(&orders, "BTC-USDT-SWAP", 0.01, 1_000, 3_000).unwrap();
        let got: Vec<(i64, Side, f64)> =
            n.liquidations.iter().map(|l| (l.time.timestamp_millis(), l.side, l.usd)).collect();
        assert_eq!(got, [(1_000, Side::Long, 500.0), (2_000, Side::Short, 1_500.0)]);
        assert_eq!(n.skipped, 1);
        assert!(n.first_problem.unwrap().contains("bkPx"));
        assert!(normalise(&orders, "BTC-USDT-SWAP", f64::NAN, 0, 1).unwrap_err().contains("contract value"));
    }

    #[test]
    fn cursor_moves_back_one_millisecond_past_the_oldest() {
        assert_eq!(next_cursor(1_000, None), Some(1_001));
        assert_eq!(next_cursor(1_000, Some(5_000)), Some(1_001));
        // A full page within one millisecond: step past it rather than ask again.
        assert_eq!(next_cursor(1_000, Some(1_001)), Some(1_000));
        assert_eq!(next_cursor(1_000, Some(1_000)), None);
    }
}
