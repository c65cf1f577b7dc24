//! `liqshot levels`: the live profile as data, one row per 0.1 % price band within ±25 % of
//! price (CSV or JSON), to stdout or written atomically to `-o FILE`.

use std::path::PathBuf;

use clap::Args;

use super::naming::{PathTemplate, Vars};
use super::options::{interval_without_window, EstimateArgs};
use super::source::{write_logged, Source};
use liqshot::engine::breakdown::{self, By};
use liqshot::engine::estimate;
use liqshot::engine::levels;
use liqshot::error::Error;
use liqshot::model::snapshot::MarketSnapshot;
use liqshot::output::levels_export::{self, LevelsMeta};

/// `Examples:` of `liqshot levels --help`. (tests/it/cli_levels.rs runs those without --symbol.)
pub const LEVELS_EXAMPLES: &str = "\
Examples:
  liqshot levels --snapshot examples/btcusdt-2025-11-01_10.snapshot.json
  # JSON (liqshot-levels/1) to a file, high-leverage part of the estimate only
  liqshot levels --snapshot examples/btcusdt-2025-11-01_10.snapshot.json --json --leverage 25,50,100 -o levels.json
  # the zones and top levels as a TradingView indicator (Pine Script v6); also --pine
  liqshot levels --snapshot examples/btcusdt-2025-11-01_10.snapshot.json -o levels.pine
  # live data, one CSV per symbol
  liqshot levels --symbol BTC,ETH --csv -o \"levels-{symbol}.csv\"";

#[derive(Debug, Args)]
#[command(mut_arg("interval", interval_without_window))]
pub struct LevelsArgs {
    #[command(flatten)]
    pub estimate: EstimateArgs,
    /// CSV with header price_low,price_high,long_usd,short_usd then long_usd_TIER,short_usd_TIER per leverage tier and per venue (the default)
    #[arg(long, conflicts_with_all = ["json", "pine"])]
    pub csv: bool,
    /// JSON (format liqshot-levels/1) instead of CSV
    #[arg(long, conflicts_with = "pine")]
    pub json: bool,
    /// A TradingView Pine Script v6 indicator: zones as boxes, top levels as lines, an alert per zone edge (also: -o FILE.pine)
    #[arg(long)]
    pub pine: bool,
    /// Write to FILE (atomically) instead of stdout (a .pine file holds the Pine Script); may use {symbol} {date} {time} {window} {venues}
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// What `liqshot levels` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelsFormat {
    Csv,
    Json,
    Pine,
}

/// The bytes `liqshot levels` prints for one snapshot: the live profile of the estimate with
/// `params` (the same profile the chart's panel and the zones use), as CSV or JSON with the
/// columns per leverage tier and per venue, or as a Pine Script indicator of the zones
/// (those of `liqshot zones`) and the top levels.
pub fn levels_bytes(
    snap: &MarketSnapshot,
    params: &estimate::EstimateParams,
    format: LevelsFormat,
) -> Result<Vec<u8>, Error> {
    if format == LevelsFormat::Pine {
        let a = liqshot::engine::pipeline::analyse(snap, params, &liqshot::engine::zones::ZoneParams::default())?;
        let lv = levels::levels(&a.estimate.profile, a.estimate.last_price);
        let meta = liqshot::output::pine::PineMeta {
            symbol: snap.symbol.clone(),
            venues: snap.venues.iter().map(|v| v.venue.clone()).collect(),
            captured_at: snap.captured_at,
            price: a.estimate.last_price,
        };
        return Ok(liqshot::output::pine::to_pine(&meta, &a.zones.zones, &lv).into_bytes());
    }
    let est = estimate::estimate(snap, params)?;
    let lv = levels::levels(&est.profile, est.last_price);
    let by = [By::Leverage, By::Venue]
        .map(|b| breakdown::breakdown(snap, params, est.last_price, b))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    if format == LevelsFormat::Csv {
        return Ok(levels_export::to_csv_by(&lv, &by));
    }
    let mix = estimate::leverage::describe_mixes(est.venues.iter().map(|v| &v.mix));
    let meta = LevelsMeta {
        symbol: snap.symbol.clone(),
        venues: snap.venues.iter().map(|v| v.venue.clone()).collect(),
        captured_at: snap.captured_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        leverage_mix: mix,
    };
    Ok(levels_export::to_json_by(&lv, &meta, &by))
}

/// The format of `liqshot levels` from its flags and `-o` (a `.pine` file is Pine Script).
fn format_of(a: &LevelsArgs) -> Result<LevelsFormat, Error> {
    let pine_file = a.output.as_ref().and_then(|p| p.extension()).is_some_and(|e| e.eq_ignore_ascii_case("pine"));
    match (a.pine || pine_file, a.json, a.csv) {
        (true, true, _) | (true, _, true) => Err(Error::Usage(format!(
            "-o {}: a .pine file holds the Pine Script indicator; drop --{} or write to a .{} file",
            a.output.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
            if a.json { "json" } else { "csv" },
            if a.json { "json" } else { "csv" }
        ))),
        (true, ..) => Ok(LevelsFormat::Pine),
        (false, true, _) => Ok(LevelsFormat::Json),
        _ => Ok(LevelsFormat::Csv),
    }
}

/// Runs `liqshot levels`.
pub fn run(a: LevelsArgs) -> Result<(), Error> {
    let format = format_of(&a)?;
    let src = Source::of(&a.estimate, None, "24h".into())?;
    let out = a.output.as_ref().map(|p| PathTemplate::parse("-o", p)).transpose()?;
    match &out {
        Some(t) => src.check_outputs([t])?,
        None if src.len() > 1 && format != LevelsFormat::Json => {
            return Err(Error::Usage(
                "levels: several symbols print one CSV table (or Pine script) each; give -o FILE with {symbol}, or --json for one array".into(),
            ))
        }
        None => {}
    }
    let mut params = a.estimate.params()?;
    params.window_secs = 86_400;
    let (docs, result) = src.each(
        |snap| {
            let bytes = levels_bytes(&snap, &params, format)?;
            match &out {
                Some(t) => {
                    let path = t.expand(&Vars::of(&snap, &src.window_label));
                    write_logged(&[(path, bytes)]).map(|_| None)
                }
                None => Ok(Some(bytes)),
            }
        },
        |_| "levels written".into(),
    );
    let docs: Vec<Vec<u8>> = docs.into_iter().flatten().collect();
    let bytes = match docs.len() {
        0 => return result,
        1 if src.len() == 1 => docs.into_iter().next().expect("one"),
        // Several JSON documents: one array, in the order of --symbol.
        _ => {
            let values: Vec<serde_json::Value> =
                docs.iter().map(|d| serde_json::from_slice(d).expect("levels JSON")).collect();
            let mut v = serde_json::to_vec_pretty(&values).expect("serialises");
            v.push(b'\n');
            v
        }
    };
    super::to_stdout(&bytes)?;
    result
}
