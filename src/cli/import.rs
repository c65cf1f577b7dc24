//! `liqshot import`: CSV files → a snapshot file.

use std::path::PathBuf;

use clap::Args;

use liqshot::error::Error;
use liqshot::fetch::import;
use liqshot::files::write_atomic;

/// `Examples:` of `liqshot import --help`. (tests/it/cli_render.rs runs them on fixture files.)
pub const IMPORT_EXAMPLES: &str = "\
Examples:
  # Binance Vision files (futures klines and metrics) of the BTCUSDT perpetual
  liqshot import --klines BTCUSDT-5m-2025-11-01.csv --oi BTCUSDT-metrics-2025-11-01.csv --symbol BTCUSDT -o btc.snapshot.json
  # plain CSV with a funding file, Bybit's margin tiers, a note printed on the chart
  liqshot import --klines klines.csv --oi oi.csv --funding funding.csv --symbol BTC --venue bybit --note \"my export\" -o out/btc-bybit.json";

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
    /// Realized liquidations CSV: events (header time,side,price,usd; side = the side liquidated) or period totals (a time column with long_usd,short_usd)
    #[arg(long, value_name = "FILE")]
    pub liquidations: Option<PathBuf>,
    /// Period of the period totals in --liquidations, e.g. 1h (the rows' most common spacing when omitted)
    #[arg(long, value_name = "DURATION")]
    pub period: Option<String>,
    /// Symbol, e.g. BTCUSDT or BTC
    #[arg(long)]
    pub symbol: String,
    /// Venue the files come from, whose margin tiers and liquidation formula apply: binance, bybit, okx, hyperliquid (without it, binance's margin model is used and outputs name the files, not a venue)
    #[arg(long)]
    pub venue: Option<String>,
    /// Period of the funding rates, e.g. 8h or 1h (without it the rates are read as per 8 h and reports say so)
    #[arg(long, value_name = "DURATION")]
    pub funding_period: Option<String>,
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

/// Runs `liqshot import`.
pub fn run(a: ImportArgs) -> Result<(), Error> {
    let opts = import::ImportOptions {
        klines: a.klines,
        oi: a.oi,
        funding: a.funding,
        liquidations: a.liquidations,
        period: a.period,
        symbol: a.symbol,
        venue_named: a.venue.is_some(),
        venue: a.venue.unwrap_or_else(|| "binance".into()),
        funding_period: a.funding_period,
        instrument: None,
        interval: a.interval,
        notes: a.notes,
    };
    let snap = import::import(&opts)?;
    write_atomic(&a.output, &snap.to_json())?;
    let v = &snap.venues[0];
    tracing::info!(
        "wrote {}: {} {} candles, {} open-interest points, {} funding points, {} liquidations, {} realized periods",
        a.output.display(),
        v.candles.len(),
        snap.interval,
        v.open_interest.len(),
        v.funding.len(),
        v.liquidations.len(),
        snap.realized_periods.as_ref().map_or(0, |r| r.rows.len())
    );
    Ok(())
}
