//! Measured positions: `POST /info {"type":"clearinghouseState","user":ADDRESS}` for each
//! account of `--hl-accounts` (a file of addresses, or the top N of the public leaderboard).
//!
//! Hyperliquid allows a weight of 1200 per minute per IP; `clearinghouseState` weighs 2, so at
//! most 600 accounts a minute. The requests run concurrently (up to `--parallel` at once) but
//! start at most one per [`ACCOUNT_PACE`] (100 ms): N accounts take about N / 10 seconds
//! (100 accounts 10 s, 1000 accounts 1 min 40 s). A 429 is retried after the venue's
//! `Retry-After` by the HTTP client.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::wire::{ClearinghouseState, ClearinghouseStateRequest, Leaderboard, Position};
use super::{decode_error, parse_answer, PATH, VENUE};
use crate::error::Error;
use crate::fetch::{FetchError, Http};
use crate::model::measured::{is_address, MarginMode, MeasuredPosition};
use crate::model::side::Side;

/// The default leaderboard URL (`--hl-stats-url`).
pub const DEFAULT_STATS_URL: &str = "https://stats-data.hyperliquid.xyz/Mainnet/leaderboard";

/// Weight of one `clearinghouseState` request, and the venue's weight budget per minute.
pub(crate) const STATE_WEIGHT: u32 = 2;
pub(crate) const WEIGHT_PER_MINUTE: u32 = 1200;

/// The gap between two account requests: 60 s × weight / budget = 100 ms.
pub(crate) const ACCOUNT_PACE: Duration =
    Duration::from_millis(60_000 * STATE_WEIGHT as u64 / WEIGHT_PER_MINUTE as u64);

/// How long the leaderboard's account list is reused from the cache.
pub(crate) const LEADERBOARD_MAX_AGE_SECS: i64 = 86_400;

/// The cache file of the leaderboard, in the cache directory.
pub(crate) const LEADERBOARD_FILE: &str = "hyperliquid-leaderboard.json";

/// Where the accounts come from.
#[derive(Debug, Clone, PartialEq)]
pub enum AccountSource {
    /// Addresses read from a file (lower case, in the file's order, each once).
    List(Vec<String>),
    /// The N largest accounts by account value on the public leaderboard.
    Top(usize),
}

/// `--hl-accounts` and `--hl-stats-url`.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredOptions {
    pub accounts: AccountSource,
    /// The leaderboard JSON's URL.
    pub stats_url: String,
}

/// How long `n` accounts take at [`ACCOUNT_PACE`], e.g. `10 s`.
pub(crate) fn duration_for(n: usize) -> Duration {
    ACCOUNT_PACE * n as u32
}

/// The most accounts `top:N` reads (at [`ACCOUNT_PACE`] each, a few minutes).
pub(crate) const MAX_TOP: usize = 1000;

/// Parses `--hl-accounts VALUE`: `top:N` (N ≥ 1) or a file of addresses, one per line, with
/// blank lines and `#` comments (whole-line or after the address). A bad line is a usage error
/// `FILE:LINE: not a 0x… address (...)`.
pub fn parse_accounts_arg(value: &str) -> Result<AccountSource, Error> {
    if let Some(n) = value.strip_prefix("top:") {
        return match n.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_TOP).contains(&n) => Ok(AccountSource::Top(n)),
            _ => Err(Error::Usage(format!(
                "--hl-accounts {value}: N of top:N must be a whole number from 1 to {MAX_TOP}"
            ))),
        };
    }
    let path = Path::new(value);
    let text = crate::files::input::read_text(path, crate::files::input::TEXT_MAX).map_err(|e| match e {
        Error::Io { source, .. } => {
            Error::Usage(format!("--hl-accounts {value}: cannot read the account file: {source}"))
        }
        other => Error::Usage(format!("--hl-accounts {other}")),
    })?;
    parse_accounts(&text, &path.display().to_string()).map(AccountSource::List)
}

/// The addresses of an account file (see [`parse_accounts_arg`]); `name` names the file in errors.
pub(crate) fn parse_accounts(text: &str, name: &str) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let s = line.split('#').next().unwrap_or("").trim();
        if s.is_empty() {
            continue;
        }
        if !is_address(s) {
            let shown: String = s.chars().take(60).collect();
            return Err(Error::Usage(format!("{name}:{}: not a 0x… address (0x and 40 hex digits): {shown:?}", i + 1)));
        }
        let a = s.to_ascii_lowercase();
        if !out.contains(&a) {
            out.push(a);
        }
    }
    if out.is_empty() {
        return Err(Error::Usage(format!("{name}: no account addresses in the file")));
    }
    Ok(out)
}

/// The leaderboard cache file: when it was read and every account by value, largest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LeaderboardCache {
    format: String,
    url: String,
    fetched_at: DateTime<Utc>,
    /// `[address, account value USD]`, largest first.
    accounts: Vec<(String, f64)>,
}

const LEADERBOARD_FORMAT: &str = "liqshot-hl-leaderboard/1";

/// Accounts of the leaderboard answer, by account value, largest first (bad rows dropped).
pub(crate) fn ranked_accounts(body: &[u8]) -> Result<Vec<(String, f64)>, FetchError> {
    let board: Leaderboard = serde_json::from_slice(body)
        .map_err(|e| FetchError::new(format!("{VENUE}: malformed leaderboard answer: {e}")))?;
    let mut rows: Vec<(String, f64)> = board
        .leaderboard_rows
        .into_iter()
        .filter(|r| is_address(&r.eth_address) && r.account_value.is_finite())
        .map(|r| (r.eth_address.to_ascii_lowercase(), r.account_value))
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    // An account listed twice (also in another spelling of the address) counts once, at its
    // largest value: the rows are sorted by value, so the first of each address is kept.
    let mut seen = std::collections::HashSet::new();
    rows.retain(|(a, _)| seen.insert(a.clone()));
    Ok(rows)
}

/// The top `n` accounts: from the cache file in `cache` when it is from the same URL and less
/// than a day old at `now`, else from the leaderboard (then cached, atomically; a cache problem
/// is a warning, never fatal). Returns the accounts and a note of where they came from.
pub(crate) fn top_accounts(
    http: &Http,
    url: &str,
    n: usize,
    cache: Option<&Path>,
    now: DateTime<Utc>,
    warnings: &mut Vec<String>,
) -> Result<(Vec<String>, String), FetchError> {
    let file: Option<PathBuf> = cache.map(|d| d.join(LEADERBOARD_FILE));
    if let Some(f) = &file {
        if let Ok(bytes) = std::fs::read(f) {
            match serde_json::from_slice::<LeaderboardCache>(&bytes) {
                Ok(c) if c.format == LEADERBOARD_FORMAT && c.url == url => {
                    let age = (now - c.fetched_at).num_seconds();
                    if (0..LEADERBOARD_MAX_AGE_SECS).contains(&age) {
                        let top = c.accounts.iter().take(n).map(|a| a.0.clone()).collect();
                        let note = format!(
                            "top {n} of the leaderboard read at {} (cached)",
                            c.fetched_at.format("%Y-%m-%d %H:%M UTC")
                        );
                        return Ok((top, note));
                    }
                }
                Ok(_) => {}
                Err(e) => warnings.push(format!(
                    "{VENUE}: leaderboard cache {} unusable ({e}); reading the leaderboard again",
                    f.display()
                )),
            }
        }
    }
    let body = http.get(VENUE, url, &[], decode_error)?;
    let accounts = ranked_accounts(&body)?;
    if accounts.is_empty() {
        return Err(FetchError::new(format!("{VENUE}: the leaderboard at {url} lists no accounts")));
    }
    if let Some(f) = &file {
        let c = LeaderboardCache {
            format: LEADERBOARD_FORMAT.into(),
            url: url.into(),
            fetched_at: now,
            accounts: accounts.clone(),
        };
        let mut bytes = serde_json::to_vec(&c).expect("leaderboard cache serialises");
        bytes.push(b'\n');
        if let Err(e) = crate::files::write_atomic(f, &bytes) {
            warnings.push(format!("{VENUE}: cannot cache the leaderboard: {e}"));
        }
    }
    let top = accounts.iter().take(n).map(|a| a.0.clone()).collect();
    Ok((top, format!("top {n} of the leaderboard read at {}", now.format("%Y-%m-%d %H:%M UTC"))))
}

/// The account's position in `coin` as a measured position; `None` without one (or a zero size).
pub(crate) fn position_in(
    account: &str,
    state: &ClearinghouseState,
    coin: &str,
) -> Result<Option<MeasuredPosition>, String> {
    let Some(p) = state.asset_positions.iter().map(|a| &a.position).find(|p| p.coin.eq_ignore_ascii_case(coin)) else {
        return Ok(None);
    };
    measured(account, p)
}

fn measured(account: &str, p: &Position) -> Result<Option<MeasuredPosition>, String> {
    if p.szi == 0.0 {
        return Ok(None);
    }
    let margin_mode = match p.leverage.kind.as_str() {
        "cross" => MarginMode::Cross,
        "isolated" => MarginMode::Isolated,
        other => return Err(format!("leverage type {other:?} is not cross or isolated")),
    };
    let pos = MeasuredPosition {
        account: account.to_ascii_lowercase(),
        side: if p.szi > 0.0 { Side::Long } else { Side::Short },
        size_coins: p.szi.abs(),
        entry: p.entry_px,
        leverage: p.leverage.value,
        margin_mode,
        // A liquidation price of 0 or less means none (seen for tiny cross positions).
        liquidation_price: p.liquidation_px.filter(|x| x.is_finite() && *x > 0.0),
        notional_usd: p.position_value.abs(),
    };
    crate::model::measured::check(Some(1), std::slice::from_ref(&pos))?;
    Ok(Some(pos))
}

/// One account's answer: its position in the coin (if any), or why it could not be read.
type AccountResult = Result<Option<MeasuredPosition>, String>;

/// What reading the accounts gave.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// Accounts whose state was read.
    pub accounts: u64,
    pub positions: Vec<MeasuredPosition>,
    /// Where the accounts came from, failures (also in `warnings`), the time it took.
    pub notes: Vec<String>,
    /// Problems to print as warnings.
    pub warnings: Vec<String>,
}

/// Reads the state of every account of `opts` at `base_url` and keeps their positions in
/// `coin`: concurrently with up to `parallel` requests in flight, one started per
/// [`ACCOUNT_PACE`] at most. An account that cannot be read is left out (and named in a
/// warning); when the accounts cannot be listed at all (the leaderboard fails), the error says why.
pub fn measure(
    http: &Http,
    base_url: &str,
    coin: &str,
    opts: &MeasuredOptions,
    cache: Option<&Path>,
    now: DateTime<Utc>,
    parallel: usize,
) -> Result<Measured, FetchError> {
    let mut out = Measured::default();
    let (accounts, source) = match &opts.accounts {
        AccountSource::List(a) => (a.clone(), format!("{} accounts from the account file", a.len())),
        AccountSource::Top(n) => top_accounts(http, &opts.stats_url, *n, cache, now, &mut out.warnings)?,
    };
    let t0 = Instant::now();
    let url = format!("{}{PATH}", base_url.trim_end_matches('/'));
    let next_slot = Mutex::new(Instant::now());
    let results: Vec<AccountResult> = crate::pool::map(accounts.iter().collect(), parallel, |account| {
        // Pace: each request takes the next free slot, ACCOUNT_PACE after the previous one.
        let wait = {
            let mut slot = next_slot.lock().expect("pace");
            let at = (*slot).max(Instant::now());
            *slot = at + ACCOUNT_PACE;
            at
        };
        std::thread::sleep(wait.saturating_duration_since(Instant::now()));
        let body = serde_json::to_string(&ClearinghouseStateRequest { kind: "clearinghouseState", user: account })
            .expect("encodes");
        http.post_json(VENUE, &url, &body, decode_error)
            .and_then(|b| parse_answer::<ClearinghouseState>("clearinghouseState", &b))
            .map_err(|e| e.message)
            .and_then(|state| {
                position_in(account, &state, coin).map_err(|m| format!("{VENUE}: account {account}: {m}"))
            })
    });
    let mut failed = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(p) => {
                out.accounts += 1;
                out.positions.extend(p);
            }
            Err(m) => failed.push(format!("{} ({m})", accounts[i])),
        }
    }
    out.notes.push(format!(
        "{VENUE}: measured positions of {} accounts ({source}): {} with a {coin} position, {} with a liquidation price; read in {:.1} s",
        out.accounts,
        out.positions.len(),
        out.positions.iter().filter(|p| p.liquidation_price.is_some()).count(),
        t0.elapsed().as_secs_f64()
    ));
    if !failed.is_empty() {
        let shown: Vec<&String> = failed.iter().take(3).collect();
        let more = if failed.len() > 3 { format!(" and {} more", failed.len() - 3) } else { String::new() };
        let w = format!(
            "{VENUE}: {} of {} accounts could not be read and are left out of the measured positions: {}{more}",
            failed.len(),
            accounts.len(),
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ")
        );
        out.notes.push(w.clone());
        out.warnings.push(w);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATE: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/fetch/hyperliquid/hyperliquid_clearinghouseState.python-sdk-cassette.json"
    ));
    const A: &str = "0x5e9ee1089755c3435139848e47e6635505d5a13a";

    #[test]
    fn recorded_answer_short_with_level_and_long_without() {
        let s: ClearinghouseState = parse_answer("clearinghouseState", STATE).unwrap();
        let btc = position_in(A, &s, "BTC").unwrap().unwrap();
        assert_eq!((btc.side, btc.size_coins, btc.entry, btc.leverage), (Side::Short, 0.00785, 26951.0, 20.0));
        assert_eq!(
            (btc.margin_mode, btc.liquidation_price, btc.notional_usd),
            (MarginMode::Cross, Some(173198.69592357), 211.64542)
        );
        let eth = position_in(A, &s, "ETH").unwrap().unwrap();
        assert_eq!((eth.side, eth.liquidation_price), (Side::Long, None));
        assert_eq!(position_in(A, &s, "DOGE").unwrap(), None);
    }

    #[test]
    fn account_file_lines() {
        let text = format!("# whales\n\n{A}  # first\n{}\n", A.to_uppercase().replace("0X", "0x"));
        assert_eq!(parse_accounts(&text, "a.txt").unwrap(), [A]);
        let err = parse_accounts(&format!("{A}\n\n0x1234 # short\n"), "a.txt").unwrap_err().to_string();
        assert!(err.starts_with("a.txt:3: not a 0x… address"), "{err}");
        assert!(parse_accounts("# none\n", "a.txt").is_err());
        assert_eq!(parse_accounts_arg("top:25").unwrap(), AccountSource::Top(25));
        assert!(parse_accounts_arg("top:0").is_err());
        assert_eq!(parse_accounts_arg("top:1000").unwrap(), AccountSource::Top(1000));
        let big = parse_accounts_arg("top:99999999999").unwrap_err().to_string();
        assert!(big.contains("from 1 to 1000"), "{big}");
        assert_eq!(ACCOUNT_PACE, Duration::from_millis(100));
        assert_eq!(duration_for(600), Duration::from_secs(60));
    }

    #[test]
    fn leaderboard_is_ranked_by_account_value() {
        let body = br#"{"leaderboardRows":[
            {"ethAddress":"0x0000000000000000000000000000000000000001","accountValue":"10.5","windowPerformances":[],"prize":0,"displayName":null},
            {"ethAddress":"0x0000000000000000000000000000000000000002","accountValue":"300.0","windowPerformances":[],"prize":0,"displayName":"w"},
            {"ethAddress":"bad","accountValue":"999","windowPerformances":[],"prize":0,"displayName":null}]}"#;
        let r = ranked_accounts(body).unwrap();
        assert_eq!(r.iter().map(|a| a.1).collect::<Vec<_>>(), [300.0, 10.5]);
    }

    #[test]
    fn an_account_listed_twice_counts_once() {
        let row = |a: &str, v: &str| {
            format!(
                r#"{{"ethAddress":"{a}","accountValue":"{v}","windowPerformances":[],"prize":0,"displayName":null}}"#
            )
        };
        let a = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let b = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        let body = format!(
            r#"{{"leaderboardRows":[{},{},{}]}}"#,
            row(a, "1000"),
            row(b, "500"),
            row(&a.to_ascii_uppercase().replace("0X", "0x"), "10")
        );
        let r = ranked_accounts(body.as_bytes()).unwrap();
        assert_eq!(r, [(a.to_string(), 1000.0), (b.to_string(), 500.0)]);
    }
}
