//! The option groups several commands share — live data ([`FetchArgs`]), the estimate
//! ([`EstimateArgs`]), the chart ([`ChartArgs`]) — and the parsers of durations and sizes,
//! each turning flags into the plain types of the stages with the flag named in every error.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use liqshot::engine::estimate::{leverage, EstimateParams, LeverageMix};
use liqshot::error::Error;
use liqshot::fetch::{FetchOptions, HttpConfig, Venue};
use liqshot::model::snapshot::parse_interval;
use liqshot::output::render::chart::ProfileView;
use liqshot::output::render::preset::Preset;
use liqshot::output::render::RenderSettings;

/// Help headings: the data flags come first (under "Options"), then these, plumbing last
/// (the last, [`LOGGING`](super::LOGGING), is the global flags').
pub(crate) const CHART: &str = "Chart";
const ESTIMATE: &str = "Estimate";
const LIVE: &str = "Fetching live data";
const HTTP: &str = "HTTP";
const CACHE: &str = "Cache";

/// Where live data comes from (fetch, and render/zones/report with --symbol).
#[derive(Debug, Args, Clone)]
pub struct FetchArgs {
    /// Venues to fetch and sum: binance, bybit, okx, hyperliquid
    #[arg(long, env = "LIQSHOT_EXCHANGE", default_value = "binance,bybit,okx", value_name = "VENUES", help_heading = LIVE)]
    pub exchange: String,
    /// History fetched, at most 365d; it builds the ledger (Binance keeps 30 days of open interest)
    #[arg(long, env = "LIQSHOT_LOOKBACK", default_value = "7d", value_name = "DURATION", help_heading = LIVE)]
    pub lookback: String,
    /// Candle interval: 5m, 15m, 1h, 4h, 1d [default: from --window: 5m up to 24h, 15m up to 3d, else 1h]
    #[arg(long, env = "LIQSHOT_INTERVAL", help_heading = LIVE)]
    pub interval: Option<String>,
    /// Symbols processed at once (with --symbol A,B,C); they share one HTTP connection pool
    #[arg(long, env = "LIQSHOT_JOBS", default_value_t = 4, value_name = "N", help_heading = LIVE)]
    pub jobs: usize,
    /// Base URL of Binance USD-M futures
    #[arg(long, env = "LIQSHOT_BINANCE_URL", default_value = "https://fapi.binance.com", value_name = "URL", help_heading = HTTP)]
    pub binance_url: String,
    /// Base URL of Bybit v5
    #[arg(long, env = "LIQSHOT_BYBIT_URL", default_value = "https://api.bybit.com", value_name = "URL", help_heading = HTTP)]
    pub bybit_url: String,
    /// Base URL of OKX v5
    #[arg(long, env = "LIQSHOT_OKX_URL", default_value = "https://www.okx.com", value_name = "URL", help_heading = HTTP)]
    pub okx_url: String,
    /// Measured Hyperliquid positions: FILE of account addresses (one per line, # comments), or top:N (the N largest accounts of the leaderboard, N up to 1000); needs hyperliquid in --exchange
    #[arg(long, env = "LIQSHOT_HL_ACCOUNTS", value_name = "FILE|top:N", help_heading = LIVE)]
    pub hl_accounts: Option<String>,
    /// URL of Hyperliquid's leaderboard JSON (for --hl-accounts top:N)
    #[arg(long, env = "LIQSHOT_HL_STATS_URL", default_value = liqshot::fetch::hyperliquid::positions::DEFAULT_STATS_URL, value_name = "URL", help_heading = HTTP)]
    pub hl_stats_url: String,
    /// Base URL of the Hyperliquid info API
    #[arg(long, env = "LIQSHOT_HYPERLIQUID_URL", default_value = "https://api.hyperliquid.xyz", value_name = "URL", help_heading = HTTP)]
    pub hyperliquid_url: String,
    /// Whole-request timeout, e.g. 20s or 500ms
    #[arg(long, env = "LIQSHOT_TIMEOUT", default_value = "20s", value_name = "DURATION", help_heading = HTTP)]
    pub timeout: String,
    /// Connection timeout
    #[arg(long, env = "LIQSHOT_CONNECT_TIMEOUT", default_value = "5s", value_name = "DURATION", help_heading = HTTP)]
    pub connect_timeout: String,
    /// Retries on timeouts, connection errors, 429 and 5xx
    #[arg(long, env = "LIQSHOT_RETRIES", default_value_t = 3, value_name = "N", help_heading = HTTP)]
    pub retries: u32,
    /// Requests in flight at once per venue
    #[arg(long, env = "LIQSHOT_PARALLEL", default_value_t = 6, value_name = "N", help_heading = HTTP)]
    pub parallel: usize,
    /// Cache of fetched history: later runs fetch only what is new [default: $XDG_CACHE_HOME/liqshot or ~/.cache/liqshot]
    #[arg(long, env = "LIQSHOT_CACHE_DIR", value_name = "DIR", help_heading = CACHE)]
    pub cache_dir: Option<PathBuf>,
    /// Fetch the whole lookback and neither read nor write the cache
    #[arg(long, overrides_with = "cache", help_heading = CACHE)]
    pub no_cache: bool,
    /// Use the cache (undoes no_cache = true of the config file)
    #[arg(long, overrides_with = "no_cache", help_heading = CACHE)]
    pub cache: bool,
}

/// `--interval` of the commands without `--window` (fetch, zones): their candles are 5m unless told.
pub(super) fn interval_without_window(a: clap::Arg) -> clap::Arg {
    a.help("Candle interval: 5m, 15m, 1h, 4h, 1d [default: 5m]")
}

/// Options of the estimate shared by zones, render and report. One of `--snapshot` and
/// `--symbol` is required (a missing one names both).
#[derive(Debug, Args, Clone)]
#[command(group(clap::ArgGroup::new("source").args(["snapshot", "symbol"]).required(true).multiple(false)))]
pub struct EstimateArgs {
    /// Snapshot JSON written by `liqshot import` or `liqshot fetch`
    #[arg(long, conflicts_with = "symbol", value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// Fetch live data for these symbols instead of reading a snapshot (e.g. SOL, or BTC,ETH,SOL)
    #[arg(long, value_name = "SYMBOLS")]
    pub symbol: Option<String>,
    /// Show only these leverages of the mix, e.g. 25,50,100
    #[arg(long, value_name = "LIST", help_heading = ESTIMATE)]
    pub leverage: Option<String>,
    /// Leverage mix as LEVERAGE:WEIGHT,... [default: 5:15,10:30,25:25,50:20,100:10]
    #[arg(long, env = "LIQSHOT_LEVERAGE_MIX", value_name = "MIX", help_heading = ESTIMATE)]
    pub leverage_mix: Option<String>,
    /// Halve every level's size after this long, e.g. 3d (no decay when omitted)
    #[arg(long, env = "LIQSHOT_HALF_LIFE", value_name = "DURATION", help_heading = ESTIMATE)]
    pub half_life: Option<String>,
    /// Notional of a typical position in USD (selects its margin tier)
    #[arg(long, env = "LIQSHOT_POSITION_USD", default_value_t = 10_000.0, allow_negative_numbers = true, value_name = "USD", help_heading = ESTIMATE)]
    pub position_usd: f64,
    /// Rule that finds zones A, B and C: v2 (whole shelves; C the most fuel within the volatility reach) or v1 (the first rule, to compare)
    #[arg(long, env = "LIQSHOT_ZONE_RULE", value_enum, default_value = "v2", value_name = "RULE", help_heading = ESTIMATE)]
    pub zone_rule: ZoneRuleArg,
    /// Also save the fetched data as a snapshot (replay it with --snapshot); may use {symbol} {date} {time} {window} {venues}
    #[arg(long, requires = "symbol", value_name = "FILE", help_heading = LIVE)]
    pub save_snapshot: Option<PathBuf>,
    #[command(flatten)]
    pub fetch: FetchArgs,
}

/// `--odds-model` (backtest, report): `empirical` or `reflection`; anything else is a usage
/// error naming the flag (one line, exit 2).
pub fn parse_odds_model(s: &str) -> Result<liqshot::engine::backtest::OddsModel, Error> {
    use liqshot::engine::backtest::OddsModel;
    match s.trim() {
        "empirical" => Ok(OddsModel::Empirical),
        "reflection" => Ok(OddsModel::Reflection),
        other => Err(Error::Usage(format!("--odds-model {other:?}: give empirical or reflection"))),
    }
}

/// Help of `--odds-model`.
pub const ODDS_MODEL_HELP: &str = "Distance-only touch model: empirical (the distribution of trailing maxima over the snapshot's own earlier history, calibrated) or reflection (a driftless walk with the trailing volatility, the first model)";

/// `--zone-rule`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ZoneRuleArg {
    V1,
    V2,
}

impl From<ZoneRuleArg> for liqshot::engine::zones::ZoneRule {
    fn from(a: ZoneRuleArg) -> Self {
        match a {
            ZoneRuleArg::V1 => liqshot::engine::zones::ZoneRule::V1,
            ZoneRuleArg::V2 => liqshot::engine::zones::ZoneRule::V2,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ThemeArg {
    Dark,
    Light,
}

/// How the heatmap looks (render and report).
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// Time span shown, e.g. 12h, 24h, 3d, 7d; 1h to 3650d (a snapshot holding less is a warning)
    #[arg(long, env = "LIQSHOT_WINDOW", default_value = "24h", value_name = "DURATION", help_heading = CHART)]
    pub window: String,
    /// Image size WIDTHxHEIGHT, from 720x400 to 8000x8000 [default: 1600x900] (not with --preset)
    #[arg(long, env = "LIQSHOT_SIZE", value_name = "WxH", help_heading = CHART)]
    pub size: Option<String>,
    /// Where the image is posted: x (1200x675), telegram (1280x720), newsletter (1280x960), square (1080x1080); sets the size and scales text and lines to stay legible as shown there (not with --size)
    #[arg(long, value_name = "PLACE", value_parser = parse_preset, help_heading = CHART)]
    pub preset: Option<Preset>,
    /// Colour theme of the heatmap
    #[arg(long, env = "LIQSHOT_THEME", value_enum, default_value = "dark", help_heading = CHART)]
    pub theme: ThemeArg,
    /// Pin the top of the colour scale (USD per 0.1 % band) so daily images compare (else: from the data)
    #[arg(long, env = "LIQSHOT_COLOR_MAX", allow_negative_numbers = true, value_name = "USD", help_heading = CHART)]
    pub color_max: Option<f64>,
    /// The panel at the right: USD per 0.1 % band (bars), cumulative USD from price outwards, or the bars stacked by leverage tier or by venue; every view also draws the cumulative long and short curves on a labelled axis
    #[arg(long, value_enum, default_value = "bars", help_heading = CHART)]
    pub profile: ProfileArg,
    /// Leave realized liquidations off the chart (their dots and legend; the report still lists them)
    #[arg(long, help_heading = CHART)]
    pub no_realized: bool,
    /// Draw the measured Hyperliquid levels of the snapshot (--hl-accounts) as outlined ticks on the profile panel
    #[arg(long, help_heading = CHART)]
    pub measured: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProfileArg {
    Bars,
    Cumulative,
    Leverage,
    Venue,
}

impl ChartArgs {
    /// The window in seconds and the render settings for `params`, each flag checked.
    pub fn settings(&self, params: EstimateParams) -> Result<(i64, RenderSettings), Error> {
        let window = parse_window(&self.window)?;
        if let Some(m) = self.color_max {
            if !(m.is_finite() && m > 0.0) {
                return Err(Error::Usage(format!("--color-max: {m} is not a positive amount")));
            }
        }
        let mut settings = match (self.preset, &self.size) {
            (Some(p), Some(s)) => {
                return Err(Error::Usage(format!(
                    "--preset {p} and --size {s}: give one (the preset sets the size and the text scale)"
                )))
            }
            (Some(p), None) => RenderSettings::preset(params, window, p),
            (None, s) => {
                let (w, h) = parse_size(s.as_deref().unwrap_or(DEFAULT_SIZE))?;
                RenderSettings::new(params, window, w, h)
            }
        };
        settings.chart.dark = matches!(self.theme, ThemeArg::Dark);
        settings.chart.color_max = self.color_max;
        settings.chart.realized = !self.no_realized;
        settings.chart.measured = self.measured;
        settings.chart.profile = match self.profile {
            ProfileArg::Bars => ProfileView::Bars,
            ProfileArg::Cumulative => ProfileView::Cumulative,
            ProfileArg::Leverage => ProfileView::Leverage,
            ProfileArg::Venue => ProfileView::Venue,
        };
        Ok((window, settings))
    }
}

/// The longest duration any option takes (ten years, as backtest's): longer ones would overflow
/// the date arithmetic.
pub const MAX_DURATION_SECS: i64 = liqshot::engine::backtest::MAX_DURATION_SECS;

/// Parses a duration like `24h`, `3d`, `90m`, at most [`MAX_DURATION_SECS`].
pub fn parse_duration(flag: &str, s: &str) -> Result<i64, Error> {
    let secs = parse_interval(s)
        .ok_or_else(|| Error::Usage(format!("{flag}: {s:?} is not a duration like 12h, 24h, 3d or 7d")))?;
    if secs > MAX_DURATION_SECS {
        return Err(Error::Usage(format!(
            "{flag} {}: longer than {}, the longest duration liqshot takes",
            s.trim(),
            liqshot::model::fmt::duration(MAX_DURATION_SECS)
        )));
    }
    Ok(secs)
}

/// The shortest `--window`: a shorter one would show less than a candle of the finest interval
/// fetched (5m) and was silently widened.
pub const MIN_WINDOW_SECS: i64 = 3600;

/// Parses `--window`: a duration from [`MIN_WINDOW_SECS`] to [`MAX_DURATION_SECS`].
pub fn parse_window(s: &str) -> Result<i64, Error> {
    let secs = parse_duration("--window", s)?;
    if secs < MIN_WINDOW_SECS {
        return Err(Error::Usage(format!(
            "--window {}: shorter than {}, the shortest window a chart shows",
            s.trim(),
            liqshot::model::fmt::duration(MIN_WINDOW_SECS)
        )));
    }
    Ok(secs)
}

/// Parses `20s`, `500ms`, `1m` into a duration (for timeouts).
pub fn parse_timeout(flag: &str, s: &str) -> Result<std::time::Duration, Error> {
    let t = s.trim();
    let d = if let Some(ms) = t.strip_suffix("ms") {
        ms.trim().parse::<u64>().ok().map(std::time::Duration::from_millis)
    } else {
        parse_interval(t).map(|secs| std::time::Duration::from_secs(secs as u64))
    };
    d.filter(|d| !d.is_zero())
        .ok_or_else(|| Error::Usage(format!("{flag}: {s:?} is not a duration like 500ms, 20s or 1m")))
}

impl FetchArgs {
    /// Typed fetch options for `symbol`; `window_secs` picks the default interval.
    pub fn options(
        &self,
        symbol: &str,
        window_secs: Option<i64>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<FetchOptions, Error> {
        let venues = Venue::parse_list(&self.exchange)?;
        let lookback = parse_duration("--lookback", &self.lookback)?;
        let interval = match &self.interval {
            Some(i) => parse_duration("--interval", i)?,
            None => match window_secs.unwrap_or(86_400) {
                w if w <= 86_400 => 300,
                w if w <= 3 * 86_400 => 900,
                _ => 3600,
            },
        };
        if lookback < 2 * interval {
            return Err(Error::Usage(format!(
                "--lookback {}: shorter than two candles of {}",
                self.lookback,
                liqshot::model::fmt::duration(interval)
            )));
        }
        if let Some(w) = window_secs {
            if w > lookback {
                return Err(Error::Usage(format!(
                    "--window is longer than --lookback {} (raise --lookback)",
                    self.lookback
                )));
            }
        }
        let mut urls = Vec::new();
        for (venue, flag, url) in [
            (Venue::Binance, "--binance-url", &self.binance_url),
            (Venue::Bybit, "--bybit-url", &self.bybit_url),
            (Venue::Okx, "--okx-url", &self.okx_url),
            (Venue::Hyperliquid, "--hyperliquid-url", &self.hyperliquid_url),
        ] {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(Error::Usage(format!("{flag}: {url:?} is not an http:// or https:// URL")));
            }
            urls.push((venue, url.clone()));
        }
        let http = HttpConfig {
            timeout: parse_timeout("--timeout", &self.timeout)?,
            connect_timeout: parse_timeout("--connect-timeout", &self.connect_timeout)?,
            retries: self.retries,
            ..Default::default()
        };
        if !(self.hl_stats_url.starts_with("http://") || self.hl_stats_url.starts_with("https://")) {
            return Err(Error::Usage(format!(
                "--hl-stats-url: {:?} is not an http:// or https:// URL",
                self.hl_stats_url
            )));
        }
        let measured = match &self.hl_accounts {
            Some(v) => Some(liqshot::fetch::hyperliquid::positions::MeasuredOptions {
                accounts: liqshot::fetch::hyperliquid::positions::parse_accounts_arg(v)?,
                stats_url: self.hl_stats_url.clone(),
            }),
            None => None,
        };
        if self.parallel == 0 {
            return Err(Error::Usage("--parallel must be at least 1".into()));
        }
        if self.jobs == 0 {
            return Err(Error::Usage("--jobs must be at least 1".into()));
        }
        Ok(FetchOptions {
            symbol: symbol.to_string(),
            venues,
            lookback_secs: lookback,
            interval_secs: interval,
            urls,
            http,
            max_parallel_per_venue: self.parallel,
            now,
            cache: if self.no_cache {
                None
            } else {
                self.cache_dir.clone().or_else(liqshot::fetch::cache::default_dir)
            },
            measured,
        })
    }
}

/// The image size without `--size` or `--preset`.
pub const DEFAULT_SIZE: &str = "1600x900";

/// Parses `--preset`: `x`, `telegram`, `newsletter` or `square`.
pub fn parse_preset(s: &str) -> Result<Preset, String> {
    Preset::parse(s).ok_or_else(|| format!("{s:?} is not a preset (use {})", Preset::names()))
}

/// Parses `1600x900`.
pub fn parse_size(s: &str) -> Result<(u32, u32), Error> {
    let err =
        || Error::Usage(format!("--size: {s:?} is not WIDTHxHEIGHT between 720x400 and 8000x8000 (e.g. 1600x900)"));
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(err)?;
    let (w, h): (u32, u32) = (w.trim().parse().map_err(|_| err())?, h.trim().parse().map_err(|_| err())?);
    if !(720..=8000).contains(&w) || !(400..=8000).contains(&h) {
        return Err(err());
    }
    Ok((w, h))
}

impl EstimateArgs {
    /// Typed estimate parameters (window and rows are set by the caller).
    pub fn params(&self) -> Result<EstimateParams, Error> {
        let mut p = EstimateParams::default();
        if let Some(m) = &self.leverage_mix {
            p.mix = LeverageMix::parse(m)?;
        }
        if let Some(l) = &self.leverage {
            let keep = leverage::parse_leverage_list(l)?;
            p.mix.restrict(&keep)?; // fail early with the flag's name
            p.leverage_filter = Some(keep);
        }
        if let Some(h) = &self.half_life {
            p.half_life_secs = Some(parse_duration("--half-life", h)? as f64);
        }
        if !(self.position_usd.is_finite() && self.position_usd > 0.0) {
            return Err(Error::Usage(format!("--position-usd: {} is not a positive amount", self.position_usd)));
        }
        p.typical_position_usd = self.position_usd;
        p.zone_rule = self.zone_rule.into();
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations() {
        assert_eq!(parse_size("1600x900").unwrap(), (1600, 900));
        assert!(parse_size("16x9").unwrap_err().to_string().contains("--size"));
        assert!(parse_size("axb").is_err());
        assert_eq!(parse_duration("--window", "3d").unwrap(), 259_200);
        assert!(parse_duration("--window", "3 days").unwrap_err().to_string().contains("--window"));
        assert_eq!(parse_timeout("--timeout", "500ms").unwrap(), std::time::Duration::from_millis(500));
        assert_eq!(parse_timeout("--timeout", "20s").unwrap(), std::time::Duration::from_secs(20));
        assert!(parse_timeout("--timeout", "0s").unwrap_err().to_string().contains("--timeout"));
    }
}
