//! `liqshot zones`: zones A, B and C of each snapshot, as a table or JSON on stdout.

use clap::Args;

use super::options::{interval_without_window, EstimateArgs};
use super::source::Source;
use liqshot::engine::pipeline::analyse;
use liqshot::engine::zones::ZoneParams;
use liqshot::error::Error;
use liqshot::output::zone_report;

/// `Examples:` of `liqshot zones --help`. (tests/it/cli_render.rs runs those without --symbol.)
pub const ZONES_EXAMPLES: &str = "\
Examples:
  liqshot zones --snapshot examples/btcusdt-2025-11-01_10.snapshot.json
  # JSON (liqshot-zones/1), high-leverage part of the estimate only
  liqshot zones --snapshot examples/btcusdt-2025-11-01_10.snapshot.json --json --leverage 25,50,100
  # live data
  liqshot zones --symbol BTC,ETH,SOL --exchange binance,bybit";

#[derive(Debug, Args)]
#[command(mut_arg("interval", interval_without_window))]
pub struct ZonesArgs {
    #[command(flatten)]
    pub estimate: EstimateArgs,
    /// Print JSON (format liqshot-zones/1) instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Runs `liqshot zones`.
pub fn run(a: ZonesArgs) -> Result<(), Error> {
    let src = Source::of(&a.estimate, None, "24h".into())?;
    let mut params = a.estimate.params()?;
    params.window_secs = 86_400;
    let (texts, result) = src.each(
        |snap| {
            let analysis = analyse(&snap, &params, &ZoneParams::default())?;
            let m = liqshot::engine::measured::summarise(&snap, &params, &analysis.zones.zones, analysis.zones.price);
            Ok(if a.json {
                zone_report::to_json(&snap, &analysis, m.as_ref())
            } else {
                zone_report::to_text(&snap, &analysis, m.as_ref()).into_bytes()
            })
        },
        |_| "zones printed".into(),
    );
    // The symbols that worked are printed even when others failed.
    let out = match (texts.len(), a.json) {
        (0, _) => Vec::new(),
        (1, _) if src.len() == 1 => texts.into_iter().next().expect("one"),
        // Several JSON documents: one array, in the order of --symbol.
        (_, true) => {
            let docs: Vec<serde_json::Value> =
                texts.iter().map(|t| serde_json::from_slice(t).expect("zones JSON")).collect();
            let mut v = serde_json::to_vec_pretty(&docs).expect("serialises");
            v.push(b'\n');
            v
        }
        (_, false) => texts.join(&b"\n"[..]),
    };
    super::to_stdout(&out)?;
    result
}
