//! The command line: argument types (clap), one module per command, the config file, batch
//! runs, output path naming and logging. Everything here is shell: it turns flags into the
//! plain types of the pipeline stages, calls them, and does the I/O around them. No stage
//! imports this module.

pub mod animate;
pub mod backtest;
pub mod batch;
pub mod bench;
pub mod collide;
pub mod config;
#[cfg(test)]
mod examples_check;
pub mod fetch;
pub mod import;
pub mod levels;
pub mod log;
pub mod naming;
pub mod options;
pub mod packaging;
pub mod parse_error;
pub mod record;
pub mod render;
pub mod report;
pub mod run;
pub mod shard;
pub mod source;
pub mod zones;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use animate::ANIMATE_EXAMPLES;
use backtest::BACKTEST_EXAMPLES;
use bench::BENCH_EXAMPLES;
use config::command::CONFIG_EXAMPLES;
use fetch::FETCH_EXAMPLES;
use import::IMPORT_EXAMPLES;
use levels::LEVELS_EXAMPLES;
use liqshot::error::Error;
use packaging::{COMPLETIONS_EXAMPLES, MAN_EXAMPLES};
use record::RECORD_EXAMPLES;
use render::RENDER_EXAMPLES;
use report::REPORT_EXAMPLES;
use run::RUN_EXAMPLES;
use zones::ZONES_EXAMPLES;

pub use animate::AnimateArgs;
pub use backtest::BacktestArgs;
pub use bench::BenchArgs;
pub use config::command::ConfigCommand;
pub use fetch::FetchCmdArgs;
pub use import::ImportArgs;
pub use levels::LevelsArgs;
pub use options::{parse_duration, parse_size, parse_timeout};
pub use packaging::{CompletionsArgs, ManArgs};
pub use parse_error::{parse_error_line, parse_error_text};
pub use record::RecordArgs;
pub use render::RenderArgs;
pub use report::ReportArgs;
pub use run::RunArgs;
pub use zones::ZonesArgs;

#[derive(Debug, Parser)]
#[command(
    name = "liqshot",
    version,
    about = "Estimated liquidation heatmaps and zones from crypto-futures market data"
)]
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

/// Help heading of the global flags (those of the commands: [`options`]).
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
Logging: --quiet, -v, -vv, --log-json, or LIQSHOT_LOG=debug (a list of [target=]level; RUST_LOG too).
Config: flags override LIQSHOT_* variables, which override the config file (--config FILE, or
liqshot.toml in the user's config directory); `liqshot config check` validates a file and
`liqshot run` carries out its [[job]] tables.
Every level is a model estimate, not actual positions.";

impl Cli {
    /// The logging options of the global flags.
    pub fn log_options(&self) -> log::LogOptions {
        log::LogOptions { quiet: self.quiet, verbose: self.verbose, json: self.log_json }
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
    /// Animate the map's evolution over the window: GIF (.gif) or APNG (.png)
    #[command(after_help = ANIMATE_EXAMPLES)]
    Animate(AnimateArgs),
    /// Print zones A, B and C of a snapshot
    #[command(after_help = ZONES_EXAMPLES)]
    Zones(ZonesArgs),
    /// Print the live profile as data: USD per 0.1 % price band within ±25 % of price, by leverage tier and venue (CSV or JSON), or the zones as a TradingView Pine Script (--pine)
    #[command(after_help = LEVELS_EXAMPLES)]
    Levels(LevelsArgs),
    /// Walk the snapshot forward: were its zones touched more often than levels at the same distance?
    #[command(after_help = BACKTEST_EXAMPLES)]
    Backtest(BacktestArgs),
    /// Render the heatmap to PNG and/or SVG
    #[command(after_help = RENDER_EXAMPLES)]
    Render(RenderArgs),
    /// Write the daily pre-trade checklist: heatmap.png/.svg, report.md, report.html, zones.json
    #[command(after_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
    /// Record realized liquidations from the venues' websocket streams into the cache (and --csv)
    #[command(after_help = RECORD_EXAMPLES)]
    Record(RecordArgs),
    /// Time each stage on a snapshot and print the figures
    #[command(after_help = BENCH_EXAMPLES)]
    Bench(BenchArgs),
    /// Run the [[job]] tables of the config file (render, report or fetch jobs)
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Config file commands
    #[command(subcommand, after_help = CONFIG_EXAMPLES)]
    Config(ConfigCommand),
    /// Print the shell completion script (bash, zsh, fish, elvish, powershell), for packagers
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write a page per command with --out-dir, for packagers
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
}

/// Everything `main` does once logging is set up: finds the config file (`--config`,
/// `LIQSHOT_CONFIG` or the default location), layers its settings under the command line
/// (`argv`, the process arguments) and runs the command.
pub fn main(cli: Cli, argv: Vec<OsString>) -> Result<(), Error> {
    let named = config::named(cli.config.as_deref());
    match &cli.command {
        Command::Config(c) => return config::command::run(c, named.as_deref(), cli.no_config),
        // Their input is explicit and their figures must not depend on a user's file (completions
        // and man describe the command line itself).
        Command::Import(_) | Command::Bench(_) | Command::Completions(_) | Command::Man(_) => return run(cli.command),
        _ => {}
    }
    let found = config::find(cli.config.as_deref(), cli.no_config)?;
    match (cli.command, found) {
        (Command::Run(a), Some(c)) => run::run(&c, &a.jobs, a.dry_run, a.shard.shard()?),
        (Command::Run(_), None) => Err(Error::Usage(format!(
            "run: no config file (give --config FILE or create {})",
            config::default_path().map_or_else(|| config::FILE_NAME.to_string(), |p| p.display().to_string())
        ))),
        (command, None) => run(command).map_err(|e| config::layer::explain(e, &[], None)),
        (command, Some(c)) => {
            let settings: Vec<&config::Setting> = c.settings.iter().collect();
            let layered = config::layer::layer(&argv, &settings, &c.path)?;
            if !layered.added.is_empty() {
                tracing::debug!("config {}: {}", c.path.display(), run::shell_line(&layered.argv));
            }
            let command =
                if layered.added.is_empty() { command } else { config::layer::parse(&layered.argv, &c.path)?.command };
            run(command).map_err(|e| config::layer::explain(e, &layered.added, Some(&c.path)))
        }
    }
}

/// Writes `bytes` to standard output and flushes it. A closed pipe (`| head`) or a full disk
/// behind a redirect is an error like any other: `liqshot: error: <stdout>: ...`, exit 1, the
/// same in every command (never a panic).
pub fn to_stdout(bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush()).map_err(|e| Error::io(std::path::Path::new("<stdout>"), e))
}

/// Runs one command. Output files are written only after everything succeeded.
pub fn run(cmd: Command) -> Result<(), Error> {
    match cmd {
        Command::Import(a) => import::run(a),
        Command::Fetch(a) => fetch::FetchPlan::new(&a)?.run(&a),
        Command::Zones(a) => zones::run(a),
        Command::Levels(a) => levels::run(a),
        Command::Backtest(a) => backtest::run(a),
        Command::Render(a) => render::RenderPlan::new(&a)?.run(&a),
        Command::Animate(a) => animate::run(a),
        Command::Report(a) => report::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Record(a) => record::run(a),
        Command::Completions(a) => packaging::completions(&a),
        Command::Man(a) => packaging::man(&a),
        Command::Run(_) | Command::Config(_) => {
            Err(Error::Usage("run and config need the config file (see cli::main)".into()))
        }
    }
}

/// Checks a command's options as far as possible without reading or fetching any data or
/// writing anything (what `liqshot config check` does for each job).
pub fn check(cmd: &Command) -> Result<(), Error> {
    match cmd {
        Command::Fetch(a) => fetch::FetchPlan::new(a).map(drop),
        Command::Render(a) => render::RenderPlan::new(a).map(drop),
        Command::Report(a) => report::Plan::new(a).map(drop),
        Command::Zones(a) => a.estimate.params().map(drop),
        Command::Levels(a) => a.estimate.params().map(drop),
        Command::Backtest(a) => a.params().and(a.estimate.params()).map(drop),
        Command::Record(a) => record::Plan::new(a).map(drop),
        _ => Ok(()),
    }
}
