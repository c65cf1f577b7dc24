//! Command-line parsing (clap) and conversion into typed library options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::Error;
use crate::estimate::{leverage, EstimateParams, LeverageMix};
use crate::snapshot::parse_interval;

#[derive(Debug, Parser)]
#[command(name = "liqshot", version, about = "Estimated liquidation heatmaps and zones from crypto-futures market data")]
#[command(after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Only warnings and errors on stderr (no progress, no "wrote ..." lines): for cron
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = LOGGING)]
    pub quiet: bool,
    /// More detail on stderr: -v debug, -vv trace (without -q/-v: LIQSHOT_LOG, else progress and warnings)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = LOGGING)]
    pub verbose: u8,
    /// Write diagnostics on stderr as JSON lines (for log collectors)
    #[arg(long, global = true, help_heading = LOGGING)]
    pub log_json: bool,
    /// Config file [default: LIQSHOT_CONFIG, else $XDG_CONFIG_HOME/liqshot/liqshot.toml or ~/.config/liqshot/liqshot.toml when it exists]
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "no_config", help_heading = LOGGING)]
    pub config: Option<PathBuf>,
    /// Use no config file (neither LIQSHOT_CONFIG nor the one in the user's config directory)
    #[arg(long, global = true, help_heading = LOGGING)]
    pub no_config: bool,
}

/// Help headings: the data flags come first (under "Options"), then these, plumbing last.
const CHART: &str = "Chart";
const ESTIMATE: &str = "Estimate";
const LIVE: &str = "Fetching live data";
const HTTP: &str = "HTTP";
const CACHE: &str = "Cache";
const LOGGING: &str = "Logging and config (any command)";

/// Printed after `--help`.
pub const AFTER_HELP: &str = "\
Exit codes:
  0  success (every symbol done)
  1  some symbols failed, bad input data, or an output could not be written
  2  usage or config error (the message names the flag, or the config file and key)
  3  nothing could be fetched (every venue of every symbol failed)

Output paths (-o, --out-dir, --save-snapshot) may use {symbol} {date} {time} {window} {venues},
e.g. -o \"out/{symbol}-{date}.png\"; with several symbols (--symbol BTC,ETH,SOL) they must use {symbol}.
Logging: --quiet, -v, -vv, --log-json, or LIQSHOT_LOG=debug (an env-filter directive; RUST_LOG too).
Config: flags override LIQSHOT_* variables, which override the config file (--config FILE, or
liqshot.toml in the user's config directory); `liqshot config check` validates a file and
`liqshot run` carries out its [[job]] tables.
Every level is a model estimate, not actual positions.";

/// What liqshot prints when clap rejects the command line: clap's own message (with its "tip:"
/// and usage lines, without its "For more information, try '--help'."), and the one line
/// `liqshot: error: ...` that ends every failed run (see [`parse_error_line`]).
pub fn parse_error_text(e: &clap::Error, ansi: bool) -> String {
    let styled = e.render();
    let text = if ansi { styled.ansi().to_string() } else { styled.to_string() };
    let mut lines: Vec<&str> = text.lines().filter(|l| !l.contains("For more information, try")).collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The one-line message of a command line clap rejected (`argv`, the process arguments), for
/// the final `liqshot: error: ...` line or JSON event: clap's message and tips on one line and
/// where to read more, e.g. `unexpected argument '--windw' found; tip: a similar argument
/// exists: '--window' (see liqshot render --help)`.
pub fn parse_error_line(e: &clap::Error, argv: &[std::ffi::OsString]) -> String {
    use clap::error::ErrorKind;
    use clap::CommandFactory;
    // The (sub)command the words of argv name: `liqshot config`.
    let mut cmd = Cli::command();
    let mut path = vec![cmd.get_name().to_string()];
    for a in argv.iter().skip(1).filter_map(|a| a.to_str()) {
        if a == "--" {
            break;
        }
        if let Some(sub) = cmd.find_subcommand(a).cloned() {
            path.push(sub.get_name().to_string());
            cmd = sub;
        }
    }
    let path = path.join(" ");
    let see = format!("(see {path} --help)");
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let subs: Vec<&str> = cmd.get_subcommands().filter(|c| !c.is_hide_set()).map(|c| c.get_name()).collect();
        return if subs.is_empty() {
            format!("{path}: missing arguments {see}")
        } else {
            format!("{path} needs a command: {} {see}", subs.join(", "))
        };
    }
    let text = e.render().to_string();
    let mut msg = String::new();
    let mut list = false;
    for line in text.lines().map(str::trim).take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information")) {
        if line.is_empty() {
            continue;
        }
        if msg.is_empty() {
            msg.push_str(line.strip_prefix("error: ").unwrap_or(line));
        } else if let Some(inner) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            msg.push_str(&format!(" ({inner})"));
        } else if (msg.ends_with(':') || list) && !line.starts_with("tip:") {
            // The items of `the following required arguments were not provided:`; a group of
            // alternatives `<--snapshot <FILE>|--symbol <SYMBOLS>>` reads `... or ...`.
            let item = match line.strip_prefix('<').and_then(|l| l.strip_suffix('>')) {
                Some(inner) if inner.contains('|') => inner.replace('|', " or "),
                _ => line.to_string(),
            };
            msg.push_str(if list { ", " } else { " " });
            msg.push_str(&item);
            list = true;
        } else {
            msg.push_str("; ");
            msg.push_str(line);
        }
    }
    if msg.is_empty() {
        msg = format!("{:?}", e.kind());
    }
    format!("{msg} {see}")
}

impl Cli {
    /// The logging options of the global flags.
    pub fn log_options(&self) -> crate::log::LogOptions {
        crate::log::LogOptions { quiet: self.quiet, verbose: self.verbose, json: self.log_json }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a snapshot from CSV files (Binance Vision klines/metrics or plain CSV)
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(ImportArgs),
    /// Fetch live public data from the exchanges and save it as a snapshot
    #[command(after_help = FETCH_EXAMPLES)]
    Fetch(FetchCmdArgs),
    /// Print zones A, B and C of a snapshot
    #[command(after_help = ZONES_EXAMPLES)]
    Zones(ZonesArgs),
    /// Render the heatmap to PNG and/or SVG
    #[command(after_help = RENDER_EXAMPLES)]
    Render(RenderArgs),
    /// Write the daily pre-trade checklist: heatmap.png/.svg, report.md, report.html, zones.json
    #[command(after_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
    /// Time each stage on a snapshot and print the figures
    #[command(after_help = BENCH_EXAMPLES)]
    Bench(BenchArgs),
    /// Run the [[job]] tables of the config file (render, report or fetch jobs)
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Config file commands
    #[command(subcommand, after_help = CONFIG_EXAMPLES)]
    Config(ConfigCommand),
}

/// `Examples:` of `liqshot import --help`. (tests/cli_render.rs runs them on fixture files.)
pub const IMPORT_EXAMPLES: &str = "\
Examples:
  # Binance Vision files (futures klines and metrics) of the BTCUSDT perpetual
  liqshot import --klines BTCUSDT-5m-2025-11-01.csv --oi BTCUSDT-metrics-2025-11-01.csv --symbol BTCUSDT -o btc.snapshot.json
  # plain CSV with a funding file, Bybit's margin tiers, a note printed on the chart
  liqshot import --klines klines.csv --oi oi.csv --funding funding.csv --symbol BTC --venue bybit --note \"my export\" -o out/btc-bybit.json";

/// `Examples:` of `liqshot fetch --help`.
pub const FETCH_EXAMPLES: &str = "\
Examples:
  liqshot fetch --symbol SOL -o sol.snapshot.json
  # 14 days of 15-minute candles for three symbols, one file each plus {symbol}-latest.json
  liqshot fetch --symbol BTC,ETH,SOL --lookback 14d --interval 15m -o \"snapshots/{symbol}-{date}.json\" --latest
  liqshot fetch --symbol BTC --exchange binance,okx,hyperliquid -o btc.snapshot.json";

/// `Examples:` of `liqshot zones --help`. (tests/cli_render.rs runs those without --symbol.)
pub const ZONES_EXAMPLES: &str = "\
Examples:
  liqshot zones --snapshot examples/btcusdt-2025-11-01_10.snapshot.json
  # JSON (liqshot-zones/1), high-leverage part of the estimate only
  liqshot zones --snapshot examples/btcusdt-2025-11-01_10.snapshot.json --json --leverage 25,50,100
  # live data
  liqshot zones --symbol BTC,ETH,SOL --exchange binance,bybit";

/// `Examples:` of `liqshot render --help`. (tests/cli_render.rs runs those without --symbol.)
pub const RENDER_EXAMPLES: &str = "\
Examples:
  # the bundled example (10 days of BTC) as PNG and SVG
  liqshot render --snapshot examples/btcusdt-2025-11-01_10.snapshot.json -o out/btc.png -o out/btc.svg
  liqshot render --snapshot examples/btcusdt-2025-11-01_10.snapshot.json -o out/btc-7d.png --window 7d --size 1200x800 --theme light
  # sized and lettered for an X post (1200x675; also telegram, newsletter, square); out/btc-x.alt.txt is its alt text
  liqshot render --snapshot examples/btcusdt-2025-11-01_10.snapshot.json -o out/btc-x.png --preset x
  # live data from Binance, Bybit and OKX, saved for replay with --snapshot
  liqshot render --symbol SOL -o sol.png --save-snapshot sol.snapshot.json
  # from cron: a file per symbol and hour, plus charts/{symbol}/{symbol}-latest.png
  liqshot render --symbol BTC,ETH,SOL -o \"charts/{symbol}/{date}_{time}.png\" --latest --quiet";

/// `Examples:` of `liqshot report --help`. (tests/cli_render.rs runs those without --symbol.)
pub const REPORT_EXAMPLES: &str = "\
Examples:
  liqshot report --snapshot examples/btcusdt-2025-11-01_10.snapshot.json --out-dir out/report --event \"FOMC 19:00 UTC\"
  # daily from cron, compared with yesterday's run (the latest copy, read before it is replaced)
  liqshot report --symbol BTC,ETH,SOL --out-dir \"reports/{symbol}/{date}\" --latest --previous \"reports/{symbol}/{symbol}-latest/zones.json\" --quiet
  # newsletter mode: the HTML links the PNG published at that URL, drawn legible in a 640 px mail column
  liqshot report --symbol BTC --out-dir site/btc --image-base-url https://example.com/btc --preset newsletter --front-matter";

/// `Examples:` of `liqshot bench --help`.
pub const BENCH_EXAMPLES: &str = "\
Examples:
  cargo run --release -- bench
  liqshot bench --runs 15 --window 7d --scale 1
  # 20 symbols rendered with --jobs 1, 2 and the core count
  liqshot bench --batch 20";

/// `Examples:` of `liqshot run --help`. (tests/cli_render.rs runs those without /etc/.)
pub const RUN_EXAMPLES: &str = "\
Examples:
  # the command lines the sample config's job daily-report would run
  liqshot --config examples/config/liqshot.toml run --job daily-report --dry-run
  # from cron: every job in file order
  liqshot --config /etc/liqshot/liqshot.toml run --quiet";

/// `Examples:` of `liqshot config --help` and its commands. (tests/cli_render.rs runs those
/// without /etc/, as it does those of run.)
pub const CONFIG_EXAMPLES: &str = "\
Examples:
  liqshot config check examples/config/liqshot.toml
  liqshot --config /etc/liqshot/liqshot.toml config check
  liqshot config path";

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Run only this job (repeatable) [default: every job, in file order]
    #[arg(long = "job", value_name = "NAME")]
    pub jobs: Vec<String>,
    /// Print the command line of each job run instead of running it
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check a config file (keys, values, every job's command line) without fetching anything
    #[command(after_help = CONFIG_EXAMPLES)]
    Check {
        /// The file [default: --config, else the one `liqshot config path` prints]
        file: Option<PathBuf>,
    },
    /// Print where the default config file is looked for
    #[command(after_help = CONFIG_EXAMPLES)]
    Path,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Kline CSV (Binance Vision 12-column, or header open_time,open,high,low,close,volume[,taker_buy_volume])
    #[arg(long, value_name = "FILE")]
    pub klines: PathBuf,
    /// Open-interest CSV (Binance Vision metrics, or header with timestamp and open_interest_usd)
    #[arg(long, value_name = "FILE")]
    pub oi: PathBuf,
    /// Funding CSV (Binance Vision fundingRate, or header with timestamp and funding_rate)
    #[arg(long, value_name = "FILE")]
    pub funding: Option<PathBuf>,
    /// Symbol, e.g. BTCUSDT or BTC
    #[arg(long)]
    pub symbol: String,
    /// Venue whose margin tiers and liquidation formula apply: binance, bybit, okx, hyperliquid
    #[arg(long, default_value = "binance")]
    pub venue: String,
    /// Candle interval, e.g. 5m (inferred from the klines when omitted)
    #[arg(long)]
    pub interval: Option<String>,
    /// Provenance note stored in the snapshot and printed on the chart (repeatable)
    #[arg(long = "note", value_name = "TEXT")]
    pub notes: Vec<String>,
    /// Output snapshot JSON (missing directories are created)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
}

/// Where live data comes from (fetch, and render/zones/report with --symbol).
#[derive(Debug, Args, Clone)]
pub struct FetchArgs {
    /// Venues to fetch and sum: binance, bybit, okx, hyperliquid
    #[arg(long, env = "LIQSHOT_EXCHANGE", default_value = "binance,bybit,okx", value_name = "VENUES", help_heading = LIVE)]
    pub exchange: String,
    /// History fetched; it builds the ledger (Binance keeps 30 days of open interest)
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
fn interval_without_window(a: clap::Arg) -> clap::Arg {
    a.help("Candle interval: 5m, 15m, 1h, 4h, 1d [default: 5m]")
}

#[derive(Debug, Args)]
#[command(mut_arg("interval", interval_without_window))]
pub struct FetchCmdArgs {
    /// Symbol(s), comma-separated: SOL, sol, SOLUSDT, SOL-USDT and SOL/USDT all mean the USDT-margined perpetual
    #[arg(long, value_name = "SYMBOLS")]
    pub symbol: String,
    /// Output snapshot JSON; may use {symbol} {date} {time} {window} (the lookback) {venues}
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Also write a stable copy {symbol}-latest.json beside the output
    #[arg(long, overrides_with = "no_latest")]
    pub latest: bool,
    /// No latest copy (undoes latest = true of the config file)
    #[arg(long, overrides_with = "latest")]
    pub no_latest: bool,
    #[command(flatten)]
    pub fetch: FetchArgs,
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
    /// Also save the fetched data as a snapshot (replay it with --snapshot); may use {symbol} {date} {time} {window} {venues}
    #[arg(long, requires = "symbol", value_name = "FILE", help_heading = LIVE)]
    pub save_snapshot: Option<PathBuf>,
    #[command(flatten)]
    pub fetch: FetchArgs,
}

#[derive(Debug, Args)]
#[command(mut_arg("interval", interval_without_window))]
pub struct ZonesArgs {
    #[command(flatten)]
    pub estimate: EstimateArgs,
    /// Print JSON (format liqshot-zones/1) instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ThemeArg {
    Dark,
    Light,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub chart: ChartArgs,
    #[command(flatten)]
    pub estimate: EstimateArgs,
    /// Output file(s): .png or .svg, by extension (repeat for both); may use {symbol} {date} {time} {window} {venues}
    #[arg(short = 'o', long = "output", required = true, value_name = "FILE")]
    pub outputs: Vec<PathBuf>,
    /// Also write a stable copy {symbol}-latest.png (.svg) beside each output
    #[arg(long, overrides_with = "no_latest")]
    pub latest: bool,
    /// No latest copy (undoes latest = true of the config file)
    #[arg(long, overrides_with = "latest")]
    pub no_latest: bool,
}

/// How the heatmap looks (render and report).
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// Time span shown, e.g. 12h, 24h, 3d, 7d (a snapshot holding less is a warning)
    #[arg(long, env = "LIQSHOT_WINDOW", default_value = "24h", value_name = "DURATION", help_heading = CHART)]
    pub window: String,
    /// Image size WIDTHxHEIGHT, from 720x400 to 8000x8000 [default: 1600x900] (not with --preset)
    #[arg(long, env = "LIQSHOT_SIZE", value_name = "WxH", help_heading = CHART)]
    pub size: Option<String>,
    /// Where the image is posted: x (1200x675), telegram (1280x720), newsletter (1280x960), square (1080x1080); sets the size and scales text and lines to stay legible as shown there (not with --size)
    #[arg(long, value_name = "PLACE", value_parser = parse_preset, help_heading = CHART)]
    pub preset: Option<crate::render::preset::Preset>,
    /// Colour theme of the heatmap
    #[arg(long, env = "LIQSHOT_THEME", value_enum, default_value = "dark", help_heading = CHART)]
    pub theme: ThemeArg,
    /// Pin the top of the colour scale (USD per 0.1 % band) so daily images compare (else: from the data)
    #[arg(long, env = "LIQSHOT_COLOR_MAX", allow_negative_numbers = true, value_name = "USD", help_heading = CHART)]
    pub color_max: Option<f64>,
}

impl ChartArgs {
    /// The window in seconds and the render settings for `params`, each flag checked.
    pub fn settings(&self, params: EstimateParams) -> Result<(i64, crate::app::RenderSettings), Error> {
        let window = parse_duration("--window", &self.window)?;
        if let Some(m) = self.color_max {
            if !(m.is_finite() && m > 0.0) {
                return Err(Error::Usage(format!("--color-max: {m} is not a positive amount")));
            }
        }
        let mut settings = match (self.preset, &self.size) {
            (Some(p), Some(s)) => {
                return Err(Error::Usage(format!("--preset {p} and --size {s}: give one (the preset sets the size and the text scale)")))
            }
            (Some(p), None) => crate::app::RenderSettings::preset(params, window, p),
            (None, s) => {
                let (w, h) = parse_size(s.as_deref().unwrap_or(DEFAULT_SIZE))?;
                crate::app::RenderSettings::new(params, window, w, h)
            }
        };
        settings.chart.dark = matches!(self.theme, ThemeArg::Dark);
        settings.chart.color_max = self.color_max;
        Ok((window, settings))
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub chart: ChartArgs,
    #[command(flatten)]
    pub estimate: EstimateArgs,
    /// Directory for heatmap.png, heatmap.svg, report.md, report.html and zones.json; may use {symbol} {date} {time} {window} {venues}
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
    /// Also write the five files into a stable directory {symbol}-latest beside the output directory
    #[arg(long, overrides_with = "no_latest")]
    pub latest: bool,
    /// No latest copy (undoes latest = true of the config file)
    #[arg(long, overrides_with = "latest")]
    pub no_latest: bool,
    /// Catalyst to list under event risk (repeatable), e.g. "FOMC 19:00 UTC"
    #[arg(long = "event", value_name = "TEXT")]
    pub events: Vec<String>,
    /// File of events, one per line (blank lines and # comments skipped), after the --event ones
    #[arg(long, value_name = "FILE")]
    pub events_file: Option<PathBuf>,
    /// The previous run's zones.json: marks which recalculation triggers fired since ({symbol} allowed)
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Directory of templates (report.md.j2, report.html.j2, report.css.j2) overriding the built-in ones
    #[arg(long, env = "LIQSHOT_TEMPLATES", value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Start report.md with YAML front matter (title, date, tags) for Hugo/Jekyll
    #[arg(long, overrides_with = "no_front_matter")]
    pub front_matter: bool,
    /// No front matter (undoes front_matter = true of the config file)
    #[arg(long, overrides_with = "front_matter")]
    pub no_front_matter: bool,
    /// Newsletter mode: the HTML shows URL/heatmap.png instead of inline SVG (publish the PNG there)
    #[arg(long, value_name = "URL")]
    pub image_base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Snapshot to time
    #[arg(long, default_value = "examples/btcusdt-2025-11-01_10.snapshot.json", value_name = "FILE")]
    pub snapshot: PathBuf,
    /// Repetitions per stage (the median is printed)
    #[arg(long, default_value_t = 7, value_name = "N")]
    pub runs: usize,
    /// Time span rendered, as render --window
    #[arg(long, default_value = "24h", value_name = "DURATION")]
    pub window: String,
    /// Image size WIDTHxHEIGHT, from 720x400 to 8000x8000
    #[arg(long, default_value = "1600x900", value_name = "WxH")]
    pub size: String,
    /// Also time snapshots made N times longer by repeating the price path (e.g. 3 for 30 days)
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub scale: usize,
    /// Instead: an offline batch of N symbols (the snapshot with prices scaled per symbol),
    /// rendered to PNG with --jobs 1 and 2 (and the core count), with total, per-symbol time and peak RSS
    #[arg(long, value_name = "N")]
    pub batch: Option<usize>,
}

/// Parses a duration like `24h`, `3d`, `90m`.
pub fn parse_duration(flag: &str, s: &str) -> Result<i64, Error> {
    parse_interval(s).ok_or_else(|| Error::Usage(format!("{flag}: {s:?} is not a duration like 12h, 24h, 3d or 7d")))
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
    pub fn options(&self, symbol: &str, window_secs: Option<i64>, now: chrono::DateTime<chrono::Utc>) -> Result<crate::fetch::FetchOptions, Error> {
        use crate::fetch::{FetchOptions, HttpConfig, Venue};
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
            return Err(Error::Usage(format!("--lookback {}: shorter than two candles of {}", self.lookback, crate::fmt::duration(interval))));
        }
        if let Some(w) = window_secs {
            if w > lookback {
                return Err(Error::Usage(format!("--window is longer than --lookback {} (raise --lookback)", self.lookback)));
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
            cache: if self.no_cache { None } else { self.cache_dir.clone().or_else(crate::fetch::cache::default_dir) },
        })
    }
}

/// The image size without `--size` or `--preset`.
pub const DEFAULT_SIZE: &str = "1600x900";

/// Parses `--preset`: `x`, `telegram`, `newsletter` or `square`.
pub fn parse_preset(s: &str) -> Result<crate::render::preset::Preset, String> {
    crate::render::preset::Preset::parse(s).ok_or_else(|| format!("{s:?} is not a preset (use {})", crate::render::preset::Preset::names()))
}

/// Parses `1600x900`.
pub fn parse_size(s: &str) -> Result<(u32, u32), Error> {
    let err = || Error::Usage(format!("--size: {s:?} is not WIDTHxHEIGHT between 720x400 and 8000x8000 (e.g. 1600x900)"));
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
