//! `liqshot fetch`: live data → one snapshot file per symbol.

use std::path::PathBuf;

use clap::Args;

use super::naming::{PathTemplate, Vars};
use super::options::{interval_without_window, parse_duration, FetchArgs};
use super::source::{with_latest, write_logged, Source};
use liqshot::error::Error;
use liqshot::output::report::compute::window_label;

/// `Examples:` of `liqshot fetch --help`.
pub const FETCH_EXAMPLES: &str = "\
Examples:
  liqshot fetch --symbol SOL -o sol.snapshot.json
  # 14 days of 15-minute candles for three symbols, one file each plus {symbol}-latest.json
  liqshot fetch --symbol BTC,ETH,SOL --lookback 14d --interval 15m -o \"snapshots/{symbol}-{date}.json\" --latest
  liqshot fetch --symbol BTC --exchange binance,okx,hyperliquid -o btc.snapshot.json";

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

/// `liqshot fetch` with every option checked.
pub struct FetchPlan {
    out: PathTemplate,
    src: Source,
}

impl FetchPlan {
    /// Checks every option without fetching anything.
    pub fn new(a: &FetchCmdArgs) -> Result<Self, Error> {
        let out = PathTemplate::parse("-o", &a.output)?;
        let lookback = parse_duration("--lookback", &a.fetch.lookback)?;
        let src = Source::live(&a.symbol, &a.fetch, None, window_label(lookback))?;
        src.check_outputs([&out])?;
        Ok(FetchPlan { out, src })
    }

    /// Fetches every symbol and writes its snapshot.
    pub fn run(self, a: &FetchCmdArgs) -> Result<(), Error> {
        let FetchPlan { out, src } = self;
        src.each(
            |snap| {
                let path = out.expand(&Vars::of(&snap, &src.window_label));
                write_logged(&with_latest(vec![(path, snap.to_json())], a.latest, &snap.symbol))
            },
            String::clone,
        )
        .1
    }
}
