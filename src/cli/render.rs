//! `liqshot render`: each snapshot → its heatmap as PNG and/or SVG files.

use std::path::{Path, PathBuf};

use clap::Args;

use super::naming::{PathTemplate, Vars};
use super::options::{ChartArgs, EstimateArgs};
use super::shard::{ShardArgs, SHARDING};
use super::source::{with_latest, write_logged, Source};
use liqshot::engine::pipeline::Analysis;
use liqshot::error::Error;
use liqshot::model::snapshot::MarketSnapshot;
use liqshot::output::render::{chart, raster, render_scene, svg, Format, RenderSettings};
use liqshot::output::report::compute::window_label;

/// `Examples:` of `liqshot render --help`. (tests/it/cli_render.rs runs those without --symbol.)
pub const RENDER_EXAMPLES: &str = "\
Examples:
  # the bundled example (10 days of BTC) as PNG and SVG
  liqshot render --snapshot examples/btcusdt-2025-11-01_10.snapshot.json -o out/btc.png -o out/btc.svg
  liqshot render --snapshot examples/btcusdt-2025-11-01_10.snapshot.json -o out/btc-7d.png --window 7d --size 1200x800 --theme light
  # the liquidation map: bars per price band stacked by leverage, cumulative curves
  liqshot render --snapshot examples/btcusdt-2025-11-01_10.snapshot.json -o out/btc-map.png --view map
  # sized and lettered for an X post (1200x675; also telegram, newsletter, square); out/btc-x.alt.txt is its alt text
  liqshot render --snapshot examples/btcusdt-2025-11-01_10.snapshot.json -o out/btc-x.png --preset x
  # live data from Binance, Bybit and OKX, saved for replay with --snapshot
  liqshot render --symbol SOL -o sol.png --save-snapshot sol.snapshot.json
  # from cron: a file per symbol and hour, plus charts/{symbol}/{symbol}-latest.png
  liqshot render --symbol BTC,ETH,SOL -o \"charts/{symbol}/{date}_{time}.png\" --latest --quiet
  # one of four machines: the symbols of shard 0 (of 0..3) only; --dry-run lists them
  liqshot render --symbol BTC,ETH,SOL,XRP,DOGE -o \"charts/{symbol}.png\" --shard 0/4 --dry-run";

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
    /// What to draw: the heatmap, or the liquidation map (bars per 0.1 % band stacked by leverage, or by venue with --profile venue, and cumulative curves)
    #[arg(long, value_enum, default_value = "heatmap", help_heading = super::options::CHART)]
    pub view: ViewArg,
    #[command(flatten)]
    pub shard: ShardArgs,
    /// Print the symbols this run would process (after --shard), one per line, and fetch nothing
    #[arg(long, help_heading = SHARDING)]
    pub dry_run: bool,
}

/// `--view`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ViewArg {
    Heatmap,
    Map,
}

/// The format of an output path, or a usage error naming `-o`.
pub fn format_of(path: &Path) -> Result<Format, Error> {
    match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("png") => Ok(Format::Png),
        Some("svg") => Ok(Format::Svg),
        _ => Err(Error::Usage(format!("-o {}: unknown image format (use a .png or .svg file name)", path.display()))),
    }
}

/// The span the chart of `analysis` shows when the snapshot holds less than the `--window`
/// of `s` (the chart's title says so too), after a warning naming both; `None` when the
/// snapshot covers the window.
pub fn warn_short_window(snap: &MarketSnapshot, analysis: &Analysis, s: &RenderSettings) -> Option<i64> {
    let grid = &analysis.estimate.grid;
    let shown = chart::window_shortfall(grid, s.params.window_secs)?;
    tracing::warn!(
        symbol = %snap.symbol,
        "--window {}: {} holds only {} of data ({} to {} UTC); the chart shows those {}",
        liqshot::model::fmt::span_label(s.params.window_secs),
        snap.symbol,
        liqshot::model::fmt::span_label(shown),
        grid.start.format("%Y-%m-%d %H:%M"),
        grid.end().format("%Y-%m-%d %H:%M"),
        liqshot::model::fmt::span_label(shown),
    );
    Some(shown)
}

/// `liqshot render` with every option checked.
pub struct RenderPlan {
    outputs: Vec<(PathTemplate, Format)>,
    settings: RenderSettings,
    src: Source,
}

impl RenderPlan {
    /// Checks every option without reading or fetching any data.
    pub fn new(a: &RenderArgs) -> Result<Self, Error> {
        let outputs: Vec<(PathTemplate, Format)> = a
            .outputs
            .iter()
            .map(|p| Ok((PathTemplate::parse("-o", p)?, format_of(p)?)))
            .collect::<Result<_, Error>>()?;
        let (window, mut settings) = a.chart.settings(a.estimate.params()?)?;
        if matches!(a.view, ViewArg::Map) {
            settings.chart.view = chart::ChartView::Map;
        }
        let shard = a.shard.shard()?;
        let mut src = Source::of(&a.estimate, Some(window), window_label(window))?;
        src.check_outputs(outputs.iter().map(|(t, _)| t))?;
        src.check_collisions(|v| dests(&outputs, a.latest, v))?;
        src.shard(shard)?;
        Ok(RenderPlan { outputs, settings, src })
    }

    /// Renders every snapshot and writes its images.
    pub fn run(self, a: &RenderArgs) -> Result<(), Error> {
        let RenderPlan { outputs, settings, src } = self;
        if a.dry_run {
            return src.print_names();
        }
        // The first PNG's pixmap is made on a thread of its own while the snapshot is read and
        // estimated (raster::prepare): its page faults are then off the rendering path.
        let (w, h) = (settings.chart.width, settings.chart.height);
        let canvas =
            outputs.iter().any(|(_, f)| *f == Format::Png).then(|| std::thread::spawn(move || raster::prepare(w, h)));
        let canvas = std::sync::Mutex::new(canvas);
        src.each(
            |snap| {
                let (analysis, scene) = render_scene(&snap, &settings)?;
                warn_short_window(&snap, &analysis, &settings);
                let vars = Vars::of(&snap, &src.window_label);
                src.check_snapshot_collisions(|v| dests(&outputs, a.latest, v), &vars)?;
                let thread = canvas.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
                let mut prepared = thread.and_then(|t| t.join().ok()).flatten();
                let encoded: Vec<(PathBuf, Vec<u8>)> = outputs
                    .iter()
                    .map(|(t, f)| {
                        let bytes = match f {
                            Format::Png => raster::to_png_on(&scene, prepared.take()),
                            Format::Svg => svg::to_svg(&scene),
                        };
                        (t.expand(&vars), bytes)
                    })
                    .collect();
                let alt = liqshot::output::report::alt::alt_text(&snap, &analysis);
                write_logged(&with_alt_text(with_latest(encoded, a.latest, &snap.symbol), &alt))
            },
            String::clone,
        )
        .1
    }
}

/// The files written for the `-o` outputs.
fn dests(outputs: &[(PathTemplate, Format)], latest: bool, vars: &Vars) -> Vec<super::collide::Dest> {
    super::collide::images(&outputs.iter().map(|(t, _)| t).collect::<Vec<_>>(), latest, vars)
}

/// `images` plus the alt text `alt` beside each (`a.png` → `a.png.alt.txt`, `a.svg` → `a.svg.alt.txt`).
fn with_alt_text(mut images: Vec<(PathBuf, Vec<u8>)>, alt: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for (p, _) in &images {
        let a = liqshot::output::report::alt::alt_path(p);
        if !paths.contains(&a) && !images.iter().any(|(q, _)| *q == a) {
            paths.push(a);
        }
    }
    let bytes = liqshot::output::report::alt::file_bytes(alt);
    images.extend(paths.into_iter().map(|p| (p, bytes.clone())));
    images
}
