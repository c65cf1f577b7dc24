//! `liqshot backtest`: walks each snapshot forward and measures whether its zones beat levels
//! at the same distance (the stage: [`liqshot::engine::backtest`]); prints a table or JSON and writes the
//! chart (`-o backtest.png|svg`).

use std::path::PathBuf;

use clap::Args;

use super::naming::{PathTemplate, Vars};
use super::options::{parse_duration, EstimateArgs};
use super::render::format_of;
use super::source::{write_logged, Source};
use liqshot::engine::backtest::{self, Backtest, BacktestParams, MAX_RESAMPLES, MIN_RESAMPLES};
use liqshot::engine::zones::ZoneParams;
use liqshot::error::Error;
use liqshot::output::render::{backtest_chart, encode, Format};

/// `Examples:` of `liqshot backtest --help`.
pub const BACKTEST_EXAMPLES: &str = "\
Examples:
  # the bundled example: a step every 4 h after 3 days, each scored over the next 24 h
  liqshot backtest --snapshot examples/btcusdt-2025-11-01_10.snapshot.json
  # JSON (liqshot-backtest/1) and the chart (calibration and lifts)
  liqshot backtest --snapshot examples/btcusdt-2025-11-01_10.snapshot.json --json -o backtest.png
  # each step's estimate from its trailing 3 days only, hourly steps, 12 h horizon
  liqshot backtest --snapshot examples/btcusdt-2025-11-01_10.snapshot.json --lookback 3d --step 1h --horizon 12h
  # live data: the last 30 days of BTC and ETH, one table each
  liqshot backtest --symbol BTC,ETH --lookback 30d";

/// Help heading of the backtest's own flags.
const BACKTEST: &str = "Backtest";

/// The fetch lookback of `--symbol` when `--lookback` is not given.
pub const LIVE_LOOKBACK: &str = "30d";

/// `--lookback` of `backtest`: no default in the flag (empty = not given), because its default
/// depends on the source (see [`BacktestArgs`]).
fn lookback_arg(a: clap::Arg) -> clap::Arg {
    a.default_value("").hide_default_value(true).help_heading(BACKTEST).help(
        "History: with --snapshot, each step's estimate uses only the trailing DURATION [default: all of it up to the step]; \
         with --symbol, what is fetched and walked [default: 30d]",
    )
}

#[derive(Debug, Args)]
#[command(mut_arg("interval", super::options::interval_without_window), mut_arg("lookback", lookback_arg))]
pub struct BacktestArgs {
    #[command(flatten)]
    pub estimate: EstimateArgs,
    /// Time between two steps, e.g. 1h, 4h, 1d (steps fall on multiples of it since 1970, UTC)
    #[arg(long, default_value = "4h", value_name = "DURATION", help_heading = BACKTEST)]
    pub step: String,
    /// How long after a step a touch counts
    #[arg(long, default_value = "24h", value_name = "DURATION", help_heading = BACKTEST)]
    pub horizon: String,
    /// History before the first step (0 for none)
    #[arg(long, default_value = "72h", value_name = "DURATION", help_heading = BACKTEST)]
    pub warmup: String,
    /// Reaction at a touched zone's near edge: a move of this fraction of the edge away from it (reject) or through it (continue); 0.005 = 0.5 %
    #[arg(long, default_value_t = 0.005, allow_negative_numbers = true, value_name = "FRACTION", help_heading = BACKTEST)]
    pub reaction_move: f64,
    /// ...within this long after the touching candle's open
    #[arg(long, default_value = "1h", value_name = "DURATION", help_heading = BACKTEST)]
    pub reaction_window: String,
    /// Trailing window of the realised volatility the distance-only model uses
    #[arg(long, default_value = "72h", value_name = "DURATION", help_heading = BACKTEST)]
    pub vol_window: String,
    /// Bootstrap resamples of whole days for the 90 % intervals, 20 to 1000000
    #[arg(long, default_value_t = 2000, value_name = "N", help_heading = BACKTEST)]
    pub resamples: usize,
    /// Seed of the bootstrap (same seed, same intervals)
    #[arg(long, default_value_t = 1, value_name = "N", help_heading = BACKTEST)]
    pub seed: u64,
    #[arg(long, default_value = "empirical", value_name = "MODEL", help = super::options::ODDS_MODEL_HELP, help_heading = BACKTEST)]
    pub odds_model: String,
    /// Print JSON (format liqshot-backtest/1) instead of a table
    #[arg(long)]
    pub json: bool,
    /// Also write the chart (calibration plot and lifts): .png or .svg, by extension (repeat for both); may use {symbol} {date} {time} {window} {venues}
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub outputs: Vec<PathBuf>,
}

/// A positive duration for `flag` (`0` is refused with the flag's name).
fn positive_duration(flag: &str, s: &str) -> Result<i64, Error> {
    parse_duration(flag, s)
        .map_err(|_| Error::Usage(format!("{flag}: {s:?} is not a positive duration like 1h, 4h or 1d")))
}

impl BacktestArgs {
    /// The backtest's parameters with every flag checked (the data-dependent checks, such as a
    /// horizon longer than the data, are [`BacktestParams::validate`]'s).
    pub fn params(&self) -> Result<BacktestParams, Error> {
        let mut p = BacktestParams {
            step_secs: positive_duration("--step", &self.step)?,
            horizon_secs: positive_duration("--horizon", &self.horizon)?,
            warmup_secs: match self.warmup.trim() {
                // No warm-up: `0`, or zero of any unit (`0h`).
                w if w.trim_end_matches(['s', 'm', 'h', 'd', 'w']) == "0" => 0,
                w => parse_duration("--warmup", w)
                    .map_err(|_| Error::Usage(format!("--warmup: {w:?} is not a duration like 0, 24h or 3d")))?,
            },
            vol_window_secs: positive_duration("--vol-window", &self.vol_window)?,
            reaction_move: self.reaction_move,
            reaction_secs: positive_duration("--reaction-window", &self.reaction_window)?,
            resamples: self.resamples,
            seed: self.seed,
            odds_model: super::options::parse_odds_model(&self.odds_model)?,
            ..BacktestParams::default()
        };
        if !(self.reaction_move.is_finite() && self.reaction_move > 0.0 && self.reaction_move < 0.5) {
            return Err(Error::Usage(format!(
                "--reaction-move {}: give a fraction of price above 0 and below 0.5 (0.005 = 0.5 %)",
                self.reaction_move
            )));
        }
        if !(MIN_RESAMPLES..=MAX_RESAMPLES).contains(&self.resamples) {
            return Err(Error::Usage(format!(
                "--resamples {}: give {MIN_RESAMPLES} to {MAX_RESAMPLES}",
                self.resamples
            )));
        }
        let lookback = self.estimate.fetch.lookback.trim();
        if !lookback.is_empty() && self.estimate.snapshot.is_some() {
            p.lookback_secs = Some(positive_duration("--lookback", lookback)?);
        }
        Ok(p)
    }

    /// The estimate options with the fetch lookback `--symbol` uses (30 days unless given).
    fn estimate_args(&self) -> EstimateArgs {
        let mut e = self.estimate.clone();
        if e.fetch.lookback.trim().is_empty() {
            e.fetch.lookback = LIVE_LOOKBACK.to_string();
        }
        e
    }
}

/// The bytes printed for one backtest: the table, or JSON.
fn printed(bt: &Backtest, json: bool) -> Vec<u8> {
    if json {
        backtest::json::to_json(bt)
    } else {
        backtest::table::to_text(bt).into_bytes()
    }
}

/// Runs `liqshot backtest`: every option is checked before any data is read or fetched; the
/// chart files are written atomically, all or none, after the backtest succeeded.
pub fn run(a: BacktestArgs) -> Result<(), Error> {
    let outputs: Vec<(PathTemplate, Format)> =
        a.outputs.iter().map(|p| Ok((PathTemplate::parse("-o", p)?, format_of(p)?))).collect::<Result<_, Error>>()?;
    let bt_params = a.params()?;
    let mut params = a.estimate.params()?;
    params.window_secs = 86_400;
    let estimate = a.estimate_args();
    let label = bt_params.lookback_secs.map_or_else(|| "all".to_string(), liqshot::model::fmt::duration);
    let src =
        Source::of(&estimate, None, if estimate.symbol.is_some() { estimate.fetch.lookback.clone() } else { label })?;
    src.check_outputs(outputs.iter().map(|(t, _)| t))?;
    let dests = |v: &Vars| -> Vec<super::collide::Dest> {
        outputs
            .iter()
            .enumerate()
            .map(|(i, (t, _))| super::collide::Dest::new(format!("-o {}", t.raw()), t.expand(v), format!("chart {i}")))
            .collect()
    };
    src.check_collisions(dests)?;
    let (docs, result) = src.each(
        |snap| {
            let t = std::time::Instant::now();
            let bt = backtest::run(&snap, &params, &ZoneParams::default(), &bt_params)?;
            tracing::info!(symbol = %snap.symbol, steps = bt.steps, "backtest of {}: {} step{} in {:.2} s", snap.symbol, bt.steps, if bt.steps == 1 { "" } else { "s" }, t.elapsed().as_secs_f64());
            let mut wrote = String::from("backtest done");
            if !outputs.is_empty() {
                let scene = backtest_chart::build(&bt, &backtest_chart::ChartStyle::default());
                let vars = Vars::of(&snap, &src.window_label);
                src.check_snapshot_collisions(dests, &vars)?;
                let files: Vec<(PathBuf, Vec<u8>)> = outputs.iter().map(|(t, f)| (t.expand(&vars), encode(&scene, *f))).collect();
                wrote = write_logged(&files)?;
            }
            Ok((printed(&bt, a.json), wrote))
        },
        |(_, wrote)| wrote.clone(),
    );
    let texts: Vec<Vec<u8>> = docs.into_iter().map(|(t, _)| t).collect();
    // The symbols that worked are printed even when others failed.
    let out = match (texts.len(), a.json) {
        (0, _) => Vec::new(),
        (1, _) if src.len() == 1 => texts.into_iter().next().expect("one"),
        // Several JSON documents: one array, in the order of --symbol.
        (_, true) => {
            let docs: Vec<serde_json::Value> =
                texts.iter().map(|t| serde_json::from_slice(t).expect("backtest JSON")).collect();
            let mut v = serde_json::to_vec_pretty(&docs).expect("serialises");
            v.push(b'\n');
            v
        }
        (_, false) => texts.join(&b"\n"[..]),
    };
    super::to_stdout(&out)?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn args(extra: &[&str]) -> BacktestArgs {
        let argv = ["liqshot", "backtest"].iter().chain(extra).copied();
        match Cli::try_parse_from(argv).expect("parses").command {
            Command::Backtest(a) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flags_become_params_and_the_lookback_depends_on_the_source() {
        let p = args(&["--snapshot", "s.json"]).params().unwrap();
        assert_eq!(p, BacktestParams::default());
        let p = args(&[
            "--snapshot",
            "s.json",
            "--step",
            "1h",
            "--horizon",
            "12h",
            "--warmup",
            "0h",
            "--lookback",
            "3d",
            "--seed",
            "7",
            "--resamples",
            "50",
            "--vol-window",
            "1d",
        ])
        .params()
        .unwrap();
        assert_eq!((p.step_secs, p.horizon_secs, p.warmup_secs, p.lookback_secs), (3600, 43_200, 0, Some(259_200)));
        assert_eq!((p.seed, p.resamples, p.vol_window_secs), (7, 50, 86_400));
        let p =
            args(&["--snapshot", "s.json", "--reaction-move", "0.01", "--reaction-window", "30m"]).params().unwrap();
        assert_eq!((p.reaction_move, p.reaction_secs), (0.01, 1800));
        // With --symbol the lookback is what is fetched (30 days unless given), not a per-step cut.
        let live = args(&["--symbol", "BTC"]);
        assert_eq!(live.params().unwrap().lookback_secs, None);
        assert_eq!(live.estimate_args().fetch.lookback, "30d");
        assert_eq!(args(&["--symbol", "BTC", "--lookback", "9d"]).estimate_args().fetch.lookback, "9d");
        for (flag, v) in [
            ("--step", "0"),
            ("--horizon", "0d"),
            ("--resamples", "0"),
            ("--resamples", "19"),
            ("--resamples", "1000001"),
            ("--warmup", "-"),
            ("--lookback", "0d"),
            ("--reaction-move", "0"),
            ("--reaction-move", "0.5"),
            ("--reaction-window", "0m"),
        ] {
            let e = args(&["--snapshot", "s.json", flag, v]).params().unwrap_err();
            assert!(matches!(&e, Error::Usage(m) if m.starts_with(flag)), "{flag} {v}: {e}");
        }
    }
}
