//! The commands: glue between typed options and the pipeline stages.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{parse_duration, parse_size, Command, EstimateArgs, FetchArgs, FetchCmdArgs, ImportArgs, RenderArgs, ThemeArg, ZonesArgs};
use crate::error::Error;
use crate::estimate::EstimateParams;
use crate::output::{write_all_atomic, write_atomic};
use crate::pipeline::{analyse, Analysis};
use crate::render::chart::{self, ChartOptions};
use crate::render::layout::Layout;
use crate::render::{raster, svg};
use crate::snapshot::MarketSnapshot;
use crate::zones::ZoneParams;
use crate::{import, zone_report};

/// Runs one command. Output files are written only after everything succeeded.
pub fn run(cmd: Command) -> Result<(), Error> {
    match cmd {
        Command::Import(a) => run_import(a),
        Command::Fetch(a) => run_fetch(a),
        Command::Zones(a) => run_zones(a),
        Command::Render(a) => run_render(a),
        Command::Report(a) => crate::report::run::run(a),
        Command::Bench(a) => crate::bench::run(a),
    }
}

fn run_import(a: ImportArgs) -> Result<(), Error> {
    let opts = import::ImportOptions {
        klines: a.klines,
        oi: a.oi,
        funding: a.funding,
        symbol: a.symbol,
        venue: a.venue,
        instrument: None,
        interval: a.interval,
        notes: a.notes,
    };
    let snap = import::import(&opts)?;
    write_atomic(&a.output, &snap.to_json())?;
    let v = &snap.venues[0];
    eprintln!(
        "wrote {}: {} {} candles, {} open-interest points, {} funding points",
        a.output.display(),
        v.candles.len(),
        snap.interval,
        v.open_interest.len(),
        v.funding.len()
    );
    Ok(())
}

/// Fetches live data, reporting each venue that failed on stderr (the snapshot's notes and
/// the chart say so too).
fn fetch_live(symbol: &str, args: &FetchArgs, window: Option<i64>) -> Result<MarketSnapshot, Error> {
    let opts = args.options(symbol, window, chrono::Utc::now())?;
    let report = crate::fetch::fetch(&opts)?;
    for (venue, e) in &report.failures {
        eprintln!("liqshot: warning: {} left out: {}", venue.name(), e.message);
    }
    eprintln!(
        "fetched {} from {} in {:.1} s ({} requests)",
        report.snapshot.symbol,
        report.snapshot.venue_label(),
        report.elapsed.as_secs_f64(),
        report.requests
    );
    Ok(report.snapshot)
}

fn run_fetch(a: FetchCmdArgs) -> Result<(), Error> {
    let snap = fetch_live(&a.symbol, &a.fetch, None)?;
    write_atomic(&a.output, &snap.to_json())?;
    eprintln!("wrote {}", a.output.display());
    Ok(())
}

/// The snapshot (read, or fetched with `--symbol`) and the estimate parameters of `args`.
pub(crate) fn load(args: &EstimateArgs, window: Option<i64>) -> Result<(MarketSnapshot, EstimateParams), Error> {
    let params = args.params()?;
    let snap = match (&args.snapshot, &args.symbol) {
        (Some(path), _) => MarketSnapshot::load(path)?,
        (None, Some(symbol)) => {
            let snap = fetch_live(symbol, &args.fetch, window)?;
            if let Some(path) = &args.save_snapshot {
                write_atomic(path, &snap.to_json())?;
            }
            snap
        }
        (None, None) => return Err(Error::Usage("give --snapshot FILE or --symbol SYMBOL".into())),
    };
    Ok((snap, params))
}

fn run_zones(a: ZonesArgs) -> Result<(), Error> {
    let (snap, mut params) = load(&a.estimate, None)?;
    params.window_secs = 86_400;
    let analysis = analyse(&snap, &params, &ZoneParams::default())?;
    let out = if a.json { zone_report::to_json(&snap, &analysis) } else { zone_report::to_text(&snap, &analysis).into_bytes() };
    std::io::stdout().write_all(&out).map_err(|e| Error::io(Path::new("<stdout>"), e))
}

/// Output formats, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
}

/// The format of an output path, or a usage error naming `-o`.
pub fn format_of(path: &Path) -> Result<Format, Error> {
    match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("png") => Ok(Format::Png),
        Some("svg") => Ok(Format::Svg),
        _ => Err(Error::Usage(format!("-o {}: unknown image format (use a .png or .svg file name)", path.display()))),
    }
}

/// Everything `render` needs besides the snapshot.
#[derive(Debug, Clone)]
pub struct RenderSettings {
    pub params: EstimateParams,
    pub chart: ChartOptions,
}

impl RenderSettings {
    /// Settings for an image of `width` x `height` showing `window_secs`.
    pub fn new(mut params: EstimateParams, window_secs: i64, width: u32, height: u32) -> Self {
        params.window_secs = window_secs;
        params.rows = Layout::new(width, height).plot_rows();
        RenderSettings { params, chart: ChartOptions { width, height, ..Default::default() } }
    }
}

/// Estimates, finds zones and builds the chart scene: the in-memory entry point tests call.
pub fn render_scene(snap: &MarketSnapshot, s: &RenderSettings) -> Result<(Analysis, crate::render::Scene), Error> {
    let analysis = analyse(snap, &s.params, &ZoneParams::default())?;
    let mut chart_opts = s.chart.clone();
    chart_opts.notes.extend(snap.notes.iter().cloned());
    let scene = chart::build(snap, &analysis, &chart_opts);
    Ok((analysis, scene))
}

/// Encodes `scene` in `format`.
pub fn encode(scene: &crate::render::Scene, format: Format) -> Vec<u8> {
    match format {
        Format::Png => raster::to_png(scene),
        Format::Svg => svg::to_svg(scene),
    }
}

fn run_render(a: RenderArgs) -> Result<(), Error> {
    let outputs: Vec<(PathBuf, Format)> =
        a.outputs.iter().map(|p| format_of(p).map(|f| (p.clone(), f))).collect::<Result<_, _>>()?;
    let window = parse_duration("--window", &a.window)?;
    let (w, h) = parse_size(&a.size)?;
    if let Some(m) = a.color_max {
        if !(m.is_finite() && m > 0.0) {
            return Err(Error::Usage(format!("--color-max: {m} is not a positive amount")));
        }
    }
    let (snap, params) = load(&a.estimate, Some(window))?;
    let mut settings = RenderSettings::new(params, window, w, h);
    settings.chart.dark = matches!(a.theme, ThemeArg::Dark);
    settings.chart.color_max = a.color_max;
    let (_, scene) = render_scene(&snap, &settings)?;
    let encoded: Vec<(PathBuf, Vec<u8>)> = outputs.into_iter().map(|(p, f)| (p, encode(&scene, f))).collect();
    write_all_atomic(&encoded)?;
    for (path, bytes) in &encoded {
        eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    Ok(())
}
