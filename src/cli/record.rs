//! `liqshot record`: realized liquidations from the venues' websocket streams into the cache
//! (the journal beside the cache files, read by every later fetch) and, with `--csv`, a file.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;
use clap::Args;

use super::options::{parse_duration, parse_timeout};
use liqshot::error::Error;
use liqshot::fetch::cache::{self, journal, Key};
use liqshot::fetch::record::session::{self, At, FeedReport, Settings};
use liqshot::fetch::record::Feed;
use liqshot::fetch::{binance, bybit, okx, symbols, Http, HttpConfig, Venue};
use liqshot::model::snapshot::{Liquidation, Side};

/// `Examples:` of `liqshot record --help`.
pub const RECORD_EXAMPLES: &str = "\
Examples:
  # 55 minutes of BTC and ETH liquidations from Binance, Bybit and OKX into the cache
  liqshot record --symbol BTC,ETH --for 55m
  # only Bybit and OKX, also written to a CSV file (time,venue,side,price,usd)
  liqshot record --symbol BTC --exchange bybit,okx --for 1h --csv btc-liquidations.csv
Later fetches (fetch, render, report, backtest with --symbol, same cache) include what it recorded.
With --shard I/N it records only the symbols of shard I (see render --help), e.g. one recorder per cache.
Binance's forceOrder stream sends at most one liquidation per symbol per second: its totals are a lower bound.";

const STREAMS: &str = "Streams";

#[derive(Debug, Args, Clone)]
pub struct RecordArgs {
    /// Symbol(s), comma-separated: BTC, BTCUSDT, BTC-USDT all mean the USDT-margined perpetual
    #[arg(long, value_name = "SYMBOLS")]
    pub symbol: String,
    /// Venues to record: binance, bybit, okx (the config file's `venues` is not used: it may name hyperliquid)
    #[arg(long = "exchange", id = "record_exchange", default_value = "binance,bybit,okx", value_name = "VENUES")]
    pub exchange: String,
    /// How long to record, e.g. 55m (then it stops cleanly, exit 0)
    #[arg(long = "for", value_name = "DURATION")]
    pub duration: String,
    /// Also write what was recorded to this CSV file: time,venue,side,price,usd
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Binance USD-M market-stream server (the path /stream?streams=... is added)
    #[arg(long, env = "LIQSHOT_BINANCE_WS_URL", default_value = binance::ws::WS_URL, value_name = "URL", help_heading = STREAMS)]
    pub binance_ws_url: String,
    /// Bybit v5 public linear stream
    #[arg(long, env = "LIQSHOT_BYBIT_WS_URL", default_value = bybit::ws::WS_URL, value_name = "URL", help_heading = STREAMS)]
    pub bybit_ws_url: String,
    /// OKX v5 public stream
    #[arg(long, env = "LIQSHOT_OKX_WS_URL", default_value = okx::ws::WS_URL, value_name = "URL", help_heading = STREAMS)]
    pub okx_ws_url: String,
    /// Base URL of OKX v5 REST (one request for the contract values of the swaps)
    #[arg(long, env = "LIQSHOT_OKX_URL", default_value = "https://www.okx.com", value_name = "URL", help_heading = STREAMS)]
    pub okx_url: String,
    /// Connection timeout (TCP, TLS and websocket handshakes; the REST request)
    #[arg(long, env = "LIQSHOT_CONNECT_TIMEOUT", default_value = "5s", value_name = "DURATION", help_heading = STREAMS)]
    pub connect_timeout: String,
    /// Cache the events go to [default: $XDG_CACHE_HOME/liqshot or ~/.cache/liqshot]
    #[arg(long, env = "LIQSHOT_CACHE_DIR", value_name = "DIR", help_heading = STREAMS)]
    pub cache_dir: Option<PathBuf>,
    #[command(flatten)]
    pub shard: super::shard::ShardArgs,
}

/// A websocket URL's `scheme://host[:port]` (what keeps a stand-in's events apart).
fn authority(url: &str) -> String {
    match url.parse::<tungstenite::http::Uri>() {
        Ok(u) => format!("{}://{}", u.scheme_str().unwrap_or(""), u.authority().map_or("", |a| a.as_str())),
        Err(_) => url.to_string(),
    }
}

/// Checks a `ws://` or `wss://` URL with a host.
fn ws_url(flag: &str, url: &str) -> Result<String, Error> {
    let bad = || Error::Usage(format!("{flag}: {url:?} is not a ws:// or wss:// URL with a host"));
    let u: tungstenite::http::Uri = url.trim().parse().map_err(|_| bad())?;
    match (u.scheme_str(), u.host()) {
        (Some("ws" | "wss"), Some(h)) if !h.is_empty() => Ok(url.trim().to_string()),
        _ => Err(bad()),
    }
}

/// Everything a run needs, checked.
pub struct Plan {
    pub bases: Vec<String>,
    pub venues: Vec<Venue>,
    pub secs: i64,
    pub csv: Option<PathBuf>,
    pub cache: PathBuf,
    pub connect_timeout: Duration,
}

impl Plan {
    pub fn new(a: &RecordArgs) -> Result<Plan, Error> {
        let secs = parse_duration("--for", &a.duration)?;
        let streams = |v: &Venue| matches!(v, Venue::Binance | Venue::Bybit | Venue::Okx);
        let venues = Venue::parse_list(&a.exchange).ok().filter(|v| v.iter().all(streams)).ok_or_else(|| {
            Error::Usage(format!(
                "--exchange: {:?} is not a list of venues with a liquidation stream (use binance, bybit, okx)",
                a.exchange
            ))
        })?;
        let mut bases = Vec::new();
        for s in a.symbol.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let b = symbols::base_asset(s)?;
            if !bases.contains(&b) {
                bases.push(b);
            }
        }
        if bases.is_empty() {
            return Err(Error::Usage("--symbol: no symbol given".into()));
        }
        if let Some(shard) = a.shard.shard()? {
            let total = bases.len();
            bases = shard.select(&bases)?.into_iter().cloned().collect();
            shard.log_kept(bases.len(), total);
        }
        ws_url("--binance-ws-url", &a.binance_ws_url)?;
        ws_url("--bybit-ws-url", &a.bybit_ws_url)?;
        ws_url("--okx-ws-url", &a.okx_ws_url)?;
        if !(a.okx_url.starts_with("http://") || a.okx_url.starts_with("https://")) {
            return Err(Error::Usage(format!("--okx-url: {:?} is not an http:// or https:// URL", a.okx_url)));
        }
        let cache = a.cache_dir.clone().or_else(cache::default_dir).ok_or_else(|| {
            Error::Usage("--cache-dir: record keeps what it records in the cache; give --cache-dir DIR (HOME and XDG_CACHE_HOME are not set)".into())
        })?;
        Ok(Plan {
            bases,
            venues,
            secs,
            csv: a.csv.clone(),
            cache,
            connect_timeout: parse_timeout("--connect-timeout", &a.connect_timeout)?,
        })
    }
}

/// The stream URL flag of `venue` and its default.
fn stream_url(a: &RecordArgs, venue: Venue) -> (&str, &'static str) {
    match venue {
        Venue::Binance => (&a.binance_ws_url, binance::ws::WS_URL),
        Venue::Bybit => (&a.bybit_ws_url, bybit::ws::WS_URL),
        _ => (&a.okx_ws_url, okx::ws::WS_URL),
    }
}

/// The venue's instrument name of `base`.
fn instrument(venue: Venue, base: &str) -> String {
    Key::new(venue, base, 60).instrument
}

/// The feed of `venue`, or why it cannot start (OKX: its contract values).
fn feed(a: &RecordArgs, plan: &Plan, venue: Venue) -> Result<Box<dyn Feed>, String> {
    let instruments: Vec<String> = plan.bases.iter().map(|b| instrument(venue, b)).collect();
    let url = stream_url(a, venue).0.trim().to_string();
    Ok(match venue {
        Venue::Binance => Box::new(binance::ws::ForceOrders { base_url: url, instruments }),
        Venue::Bybit => Box::new(bybit::ws::AllLiquidations { url, instruments }),
        _ => {
            let config = HttpConfig { connect_timeout: plan.connect_timeout, ..Default::default() };
            let http = Http::new(config).map_err(|e| e.message)?;
            let contracts = okx::ws::contract_values(&http, &a.okx_url, &instruments).map_err(|e| e.message)?;
            Box::new(okx::ws::LiquidationOrdersFeed { url, contracts })
        }
    })
}

/// One recorded event.
#[derive(Debug, Clone, Copy)]
struct Recorded {
    venue: Venue,
    event: Liquidation,
}

/// The CSV of the recorded events: `time,venue,side,price,usd`, in time order.
fn csv_bytes(events: &[Recorded]) -> Vec<u8> {
    let mut sorted = events.to_vec();
    sorted.sort_by(|a, b| a.event.order(&b.event).then(a.venue.cmp(&b.venue)));
    let mut out = String::from("time,venue,side,price,usd\n");
    for r in &sorted {
        let side = if r.event.side == Side::Long { "long" } else { "short" };
        out.push_str(&format!(
            "{},{},{side},{},{}\n",
            r.event.time.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
            r.venue.name(),
            r.event.price,
            r.event.usd
        ));
    }
    out.into_bytes()
}

/// The stderr line of one venue.
fn summary(r: &FeedReport, events: &[Recorded]) -> String {
    let venue = r.venue.map_or("?", Venue::name);
    let total = |side: Side| {
        events.iter().filter(|e| Some(e.venue) == r.venue && e.event.side == side).map(|e| e.event.usd).sum::<f64>()
    };
    let mut line = format!(
        "{venue}: {} liquidations (longs {}, shorts {}) over {} connection{}",
        r.events,
        liqshot::model::fmt::usd(total(Side::Long)),
        liqshot::model::fmt::usd(total(Side::Short)),
        r.connections,
        if r.connections == 1 { "" } else { "s" }
    );
    for (n, what) in [
        (r.repeats, "repeats dropped"),
        (r.unknown, "unknown messages ignored"),
        (r.unreadable, "unreadable entries"),
        (r.pings, "pings answered"),
    ] {
        if n > 0 {
            line.push_str(&format!(", {n} {what}"));
        }
    }
    if r.venue == Some(Venue::Binance) {
        line.push_str(&format!(" ({})", binance::ws::ONE_PER_SECOND));
    }
    line
}

pub fn run(a: RecordArgs) -> Result<(), Error> {
    let plan = Plan::new(&a)?;
    if plan.bases.is_empty() {
        // --shard left this one nothing to record.
        return Ok(());
    }
    let keep_from = Utc::now() - chrono::Duration::days(cache::LIQUIDATIONS_KEPT_DAYS);
    // Journal of each (venue, instrument); old events dropped first.
    let mut journals = Vec::new();
    for &venue in &plan.venues {
        let (url, default) = stream_url(&a, venue);
        for base in &plan.bases {
            let key = Key::new(venue, base, 60).served_by(&authority(url), &authority(default));
            let path = journal::path(&key, &plan.cache);
            if let Err(why) = journal::trim(&path, keep_from) {
                tracing::warn!("{why}");
            }
            journals.push((venue, key.instrument, path));
        }
    }
    let mut failed: Vec<String> = Vec::new();
    let mut feeds = Vec::new();
    for &venue in &plan.venues {
        match feed(&a, &plan, venue) {
            Ok(f) => feeds.push(f),
            Err(why) => {
                tracing::warn!("{} left out: {why}", venue.name());
                failed.push(format!("{}: {why}", venue.name()));
            }
        }
    }
    let recorded = Mutex::new(Vec::<Recorded>::new());
    let sink = |venue: Venue, events: &[(String, Liquidation)]| -> Result<(), String> {
        recorded.lock().expect("recorded lock").extend(events.iter().map(|(_, l)| Recorded { venue, event: *l }));
        let mut first_error = None;
        for (v, inst, path) in &journals {
            let mine: Vec<Liquidation> =
                events.iter().filter(|(i, _)| *v == venue && i == inst).map(|(_, l)| *l).collect();
            if !mine.is_empty() {
                if let Err(e) = journal::append(path, &mine) {
                    first_error.get_or_insert(e);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    };
    let settings = Settings { connect_timeout: plan.connect_timeout, ..Settings::default() };
    tracing::info!(
        "recording {} from {} for {}",
        plan.bases.join(","),
        feeds.iter().map(|f| f.venue().name()).collect::<Vec<_>>().join(", "),
        a.duration.trim()
    );
    // The recording time starts once the feeds are ready (OKX's contract values read).
    let deadline = At(Instant::now() + Duration::from_secs(plan.secs as u64));
    let reports: Vec<FeedReport> = std::thread::scope(|s| {
        let handles: Vec<_> =
            feeds.iter().map(|f| s.spawn(|| session::run(f.as_ref(), &settings, &deadline, &sink))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    let events = recorded.into_inner().expect("recorded lock");
    for r in &reports {
        tracing::info!("{}", summary(r, &events));
        let venue = r.venue.map_or("?", Venue::name);
        if r.connections == 0 {
            let why = r.problems.last().cloned().unwrap_or_else(|| "no connection".into());
            tracing::warn!("{venue}: never connected: {why}");
            failed.push(format!("{venue}: never connected: {why}"));
        } else if !r.problems.is_empty() {
            tracing::warn!(
                "{venue}: {} reconnection(s); last: {}",
                r.waits.len(),
                r.problems.last().map_or("", String::as_str)
            );
        }
        if r.unsaved > 0 {
            failed.push(format!(
                "{venue}: {} events not written to the cache: {}",
                r.unsaved,
                r.unsaved_why.clone().unwrap_or_default()
            ));
        }
    }
    if reports.iter().all(|r| r.connections == 0) {
        return Err(Error::Fetch(format!("record: no venue could be connected: {}", failed.join("; "))));
    }
    if let Some(path) = &plan.csv {
        liqshot::files::write_atomic(path, &csv_bytes(&events))?;
        tracing::info!(path = %path.display(), "wrote {} ({} liquidations)", path.display(), events.len());
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::Partial(format!("record: {}", failed.join("; "))))
    }
}
