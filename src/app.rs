//! The commands: glue between typed options and the pipeline stages.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::batch;
use crate::cli::{parse_duration, Cli, Command, ConfigCommand, EstimateArgs, FetchArgs, FetchCmdArgs, ImportArgs, RenderArgs, ZonesArgs};
use crate::config;
use crate::error::Error;
use crate::estimate::EstimateParams;
use crate::fetch::{FetchOptions, Http};
use crate::naming::{latest_path, split_symbols, PathTemplate, Vars};
use crate::output::{write_all_atomic, write_atomic};
use crate::report::compute::window_label;
use crate::pipeline::{analyse, Analysis};
use crate::render::chart::{self, ChartOptions};
use crate::render::layout::Layout;
use crate::render::{raster, svg};
use crate::snapshot::MarketSnapshot;
use crate::zones::ZoneParams;
use crate::{import, zone_report};

/// Everything `main` does once logging is set up: finds the config file (`--config`,
/// `LIQSHOT_CONFIG` or the default location), layers its settings under the command line
/// (`argv`, the process arguments) and runs the command.
pub fn main(cli: Cli, argv: Vec<OsString>) -> Result<(), Error> {
    let named = config::named(cli.config.as_deref());
    match &cli.command {
        Command::Config(ConfigCommand::Check { file }) => {
            if file.is_none() && cli.no_config {
                return Err(Error::Usage("config check: --no-config leaves nothing to check (give FILE)".into()));
            }
            let lines = config::jobs::check_file(file.as_deref().or(named.as_deref()))?;
            println!("{}", lines.join("\n"));
            return Ok(());
        }
        Command::Config(ConfigCommand::Path) => {
            let p = config::default_path().ok_or_else(|| Error::Usage("no home directory: give --config FILE".into()))?;
            let state = if p.is_file() { "exists" } else { "does not exist" };
            println!("{} ({state})", p.display());
            return Ok(());
        }
        // Their input is explicit and their figures must not depend on a user's file.
        Command::Import(_) | Command::Bench(_) => return run(cli.command),
        _ => {}
    }
    let found = config::find(cli.config.as_deref(), cli.no_config)?;
    match (cli.command, found) {
        (Command::Run(a), Some(c)) => config::jobs::run(&c, &a.jobs, a.dry_run),
        (Command::Run(_), None) => Err(Error::Usage(format!(
            "run: no config file (give --config FILE or create {})",
            config::default_path().map_or_else(|| config::FILE_NAME.to_string(), |p| p.display().to_string())
        ))),
        (command, None) => run(command).map_err(|e| config::layer::explain(e, &[], None)),
        (command, Some(c)) => {
            let settings: Vec<&config::Setting> = c.settings.iter().collect();
            let layered = config::layer::layer(&argv, &settings, &c.path)?;
            if !layered.added.is_empty() {
                tracing::debug!("config {}: {}", c.path.display(), config::jobs::shell_line(&layered.argv));
            }
            let command = if layered.added.is_empty() { command } else { config::layer::parse(&layered.argv, &c.path)?.command };
            run(command).map_err(|e| config::layer::explain(e, &layered.added, Some(&c.path)))
        }
    }
}

/// Runs one command. Output files are written only after everything succeeded.
pub fn run(cmd: Command) -> Result<(), Error> {
    match cmd {
        Command::Import(a) => run_import(a),
        Command::Fetch(a) => FetchPlan::new(&a)?.run(&a),
        Command::Zones(a) => run_zones(a),
        Command::Render(a) => RenderPlan::new(&a)?.run(&a),
        Command::Report(a) => crate::report::run::run(a),
        Command::Bench(a) => crate::bench::run(a),
        Command::Run(_) | Command::Config(_) => Err(Error::Usage("run and config need the config file (see app::main)".into())),
    }
}

/// Checks a command's options as far as possible without reading or fetching any data or
/// writing anything (what `liqshot config check` does for each job).
pub fn check(cmd: &Command) -> Result<(), Error> {
    match cmd {
        Command::Fetch(a) => FetchPlan::new(a).map(drop),
        Command::Render(a) => RenderPlan::new(a).map(drop),
        Command::Report(a) => crate::report::run::Plan::new(a).map(drop),
        Command::Zones(a) => a.estimate.params().map(drop),
        _ => Ok(()),
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
    tracing::info!(
        "wrote {}: {} {} candles, {} open-interest points, {} funding points",
        a.output.display(),
        v.candles.len(),
        snap.interval,
        v.open_interest.len(),
        v.funding.len()
    );
    Ok(())
}

/// Where the snapshots of a run come from: one snapshot file, or live data for one or more
/// symbols (`--symbol BTC,ETH,SOL`) fetched through one HTTP client whose connection pool all
/// symbols share.
pub struct Source {
    kind: Kind,
    /// The names shown in per-symbol messages (`BTCUSDT`).
    names: Vec<String>,
    jobs: usize,
    /// `{window}` of output paths (`24h`).
    pub window_label: String,
    save: Option<PathTemplate>,
}

enum Kind {
    File(PathBuf),
    Live { symbols: Vec<String>, args: Box<FetchArgs>, window: Option<i64>, http: Http },
}

impl Source {
    /// Live data for the comma-separated `symbols`; every option is checked before any request.
    pub fn live(symbols: &str, args: &FetchArgs, window: Option<i64>, window_label: String) -> Result<Self, Error> {
        let symbols = split_symbols(symbols)?;
        let opts = args.options(&symbols[0], window, chrono::Utc::now())?;
        let mut names = Vec::new();
        for s in &symbols {
            names.push(format!("{}USDT", FetchOptions { symbol: s.clone(), ..opts.clone() }.check()?));
        }
        let http = Http::new(opts.http.clone()).map_err(|e| Error::Usage(e.message))?;
        Ok(Source { kind: Kind::Live { symbols, args: Box::new(args.clone()), window, http }, names, jobs: args.jobs, window_label, save: None })
    }

    /// The snapshot (`--snapshot`) or live symbols (`--symbol`) of `args`, with `--save-snapshot`.
    pub fn of(args: &EstimateArgs, window: Option<i64>, window_label: String) -> Result<Self, Error> {
        let mut src = match (&args.snapshot, &args.symbol) {
            (Some(path), _) => Source {
                kind: Kind::File(path.clone()),
                names: vec![path.display().to_string()],
                jobs: 1,
                window_label,
                save: None,
            },
            (None, Some(symbols)) => Source::live(symbols, &args.fetch, window, window_label)?,
            (None, None) => return Err(Error::Usage("give --snapshot FILE or --symbol SYMBOL".into())),
        };
        if let Some(path) = &args.save_snapshot {
            let t = PathTemplate::parse("--save-snapshot", path)?;
            t.check_for(src.len())?;
            src.save = Some(t);
        }
        Ok(src)
    }

    /// How many snapshots (symbols) the run has.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Always false: a source has at least one snapshot.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Checks that output paths can hold every symbol's files.
    pub fn check_outputs<'a>(&self, templates: impl IntoIterator<Item = &'a PathTemplate>) -> Result<(), Error> {
        templates.into_iter().try_for_each(|t| t.check_for(self.len()))
    }

    /// Reads or fetches snapshot `i` (saving it with `--save-snapshot`). A venue that failed is
    /// reported as a warning; the snapshot's notes and the chart say so too.
    pub fn load(&self, i: usize) -> Result<MarketSnapshot, Error> {
        let (symbols, args, window, http) = match &self.kind {
            Kind::File(path) => return MarketSnapshot::load(path),
            Kind::Live { symbols, args, window, http } => (symbols, args, *window, http),
        };
        let opts = args.options(&symbols[i], window, chrono::Utc::now())?;
        let report = crate::fetch::fetch_with(http, &opts)?;
        let snap = report.snapshot;
        for (venue, e) in &report.failures {
            tracing::warn!(symbol = %snap.symbol, venue = venue.name(), "{} left out: {}", venue.name(), e.message);
        }
        tracing::info!(
            symbol = %snap.symbol,
            requests = report.requests,
            "fetched {} from {} in {:.1} s ({} requests)",
            snap.symbol,
            snap.venue_label(),
            report.elapsed.as_secs_f64(),
            report.requests
        );
        if let Some(t) = &self.save {
            let path = t.expand(&Vars::of(&snap, &self.window_label));
            write_atomic(&path, &snap.to_json())?;
            tracing::info!(symbol = %snap.symbol, "wrote {}", path.display());
        }
        Ok(snap)
    }

    /// Runs `work` on every snapshot, `--jobs` at a time, and concludes the batch: a summary
    /// line per symbol (several symbols) and the run's result (see [`batch::conclude`]).
    pub fn each<T: Send>(
        &self,
        work: impl Fn(MarketSnapshot) -> Result<T, Error> + Sync,
        summary: impl Fn(&T) -> String,
    ) -> (Vec<T>, Result<(), Error>) {
        let outcomes = batch::run(&self.names, self.jobs, |i| work(self.load(i)?));
        batch::conclude(outcomes, summary)
    }
}

/// `files` plus, with `latest`, a copy of each named `{symbol}-latest.{ext}` beside it.
pub fn with_latest(mut files: Vec<(PathBuf, Vec<u8>)>, latest: bool, symbol: &str) -> Vec<(PathBuf, Vec<u8>)> {
    if latest {
        let copies: Vec<_> = files
            .iter()
            .map(|(p, b)| (latest_path(p, symbol), b.clone()))
            .filter(|(p, _)| !files.iter().any(|(q, _)| q == p))
            .collect();
        files.extend(copies);
    }
    files
}

/// `images` plus the alt text `alt` beside each (`a.png` → `a.alt.txt`, once for `a.png` and `a.svg`).
pub fn with_alt_text(mut images: Vec<(PathBuf, Vec<u8>)>, alt: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for (p, _) in &images {
        let a = crate::report::alt::alt_path(p);
        if !paths.contains(&a) && !images.iter().any(|(q, _)| *q == a) {
            paths.push(a);
        }
    }
    let bytes = crate::report::alt::file_bytes(alt);
    images.extend(paths.into_iter().map(|p| (p, bytes.clone())));
    images
}

/// Writes `files` all-or-nothing and logs each; returns the summary `wrote a, b`.
pub fn write_logged(files: &[(PathBuf, Vec<u8>)]) -> Result<String, Error> {
    write_all_atomic(files)?;
    for (path, bytes) in files {
        tracing::info!(path = %path.display(), bytes = bytes.len(), "wrote {} ({} bytes)", path.display(), bytes.len());
    }
    Ok(format!("wrote {}", files.iter().map(|(p, _)| p.display().to_string()).collect::<Vec<_>>().join(", ")))
}

/// `liqshot fetch` with every option checked.
struct FetchPlan {
    out: PathTemplate,
    src: Source,
}

impl FetchPlan {
    fn new(a: &FetchCmdArgs) -> Result<Self, Error> {
        let out = PathTemplate::parse("-o", &a.output)?;
        let lookback = parse_duration("--lookback", &a.fetch.lookback)?;
        let src = Source::live(&a.symbol, &a.fetch, None, window_label(lookback))?;
        src.check_outputs([&out])?;
        Ok(FetchPlan { out, src })
    }

    fn run(self, a: &FetchCmdArgs) -> Result<(), Error> {
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

fn run_zones(a: ZonesArgs) -> Result<(), Error> {
    let src = Source::of(&a.estimate, None, "24h".into())?;
    let mut params = a.estimate.params()?;
    params.window_secs = 86_400;
    let (texts, result) = src.each(
        |snap| {
            let analysis = analyse(&snap, &params, &ZoneParams::default())?;
            Ok(if a.json { zone_report::to_json(&snap, &analysis) } else { zone_report::to_text(&snap, &analysis).into_bytes() })
        },
        |_| "zones printed".into(),
    );
    // The symbols that worked are printed even when others failed.
    let out = match (texts.len(), a.json) {
        (0, _) => Vec::new(),
        (1, _) if src.len() == 1 => texts.into_iter().next().expect("one"),
        // Several JSON documents: one array, in the order of --symbol.
        (_, true) => {
            let docs: Vec<serde_json::Value> = texts.iter().map(|t| serde_json::from_slice(t).expect("zones JSON")).collect();
            let mut v = serde_json::to_vec_pretty(&docs).expect("serialises");
            v.push(b'\n');
            v
        }
        (_, false) => texts.join(&b"\n"[..]),
    };
    std::io::stdout().write_all(&out).map_err(|e| Error::io(Path::new("<stdout>"), e))?;
    result
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
    pub fn new(params: EstimateParams, window_secs: i64, width: u32, height: u32) -> Self {
        RenderSettings::scaled(params, window_secs, width, height, None)
    }

    /// Settings for a preset's image (its size and text scale).
    pub fn preset(params: EstimateParams, window_secs: i64, preset: crate::render::preset::Preset) -> Self {
        let (w, h) = preset.size();
        RenderSettings::scaled(params, window_secs, w, h, Some(preset.layout_scale()))
    }

    /// Like [`RenderSettings::new`] with text and margins at `scale` (see [`ChartOptions::scale`]).
    pub fn scaled(mut params: EstimateParams, window_secs: i64, width: u32, height: u32, scale: Option<f32>) -> Self {
        params.window_secs = window_secs;
        let layout = Layout::with_scale(width, height, scale);
        params.rows = layout.plot_rows();
        params.max_cols = Some(layout.plot_cols());
        RenderSettings { params, chart: ChartOptions { width, height, window_secs: Some(window_secs), scale, ..Default::default() } }
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
        chart::span_label(s.params.window_secs),
        snap.symbol,
        chart::span_label(shown),
        grid.start.format("%Y-%m-%d %H:%M"),
        grid.end().format("%Y-%m-%d %H:%M"),
        chart::span_label(shown),
    );
    Some(shown)
}

/// Estimates, finds zones and builds the chart scene: the in-memory entry point tests call.
pub fn render_scene(snap: &MarketSnapshot, s: &RenderSettings) -> Result<(Analysis, crate::render::Scene), Error> {
    let analysis = analyse(snap, &s.params, &ZoneParams::default())?;
    let scene = chart::build(snap, &analysis, &chart_options(snap, s));
    Ok((analysis, scene))
}

/// The chart options `render_scene` draws `snap` with: the settings' plus the snapshot's notes.
pub fn chart_options(snap: &MarketSnapshot, s: &RenderSettings) -> ChartOptions {
    let mut chart_opts = s.chart.clone();
    chart_opts.notes.extend(snap.notes.iter().cloned());
    chart_opts
}

/// Encodes `scene` in `format`.
pub fn encode(scene: &crate::render::Scene, format: Format) -> Vec<u8> {
    match format {
        Format::Png => raster::to_png(scene),
        Format::Svg => svg::to_svg(scene),
    }
}

/// `liqshot render` with every option checked.
struct RenderPlan {
    outputs: Vec<(PathTemplate, Format)>,
    settings: RenderSettings,
    src: Source,
}

impl RenderPlan {
    fn new(a: &RenderArgs) -> Result<Self, Error> {
        let outputs: Vec<(PathTemplate, Format)> = a
            .outputs
            .iter()
            .map(|p| Ok((PathTemplate::parse("-o", p)?, format_of(p)?)))
            .collect::<Result<_, Error>>()?;
        let (window, settings) = a.chart.settings(a.estimate.params()?)?;
        let src = Source::of(&a.estimate, Some(window), window_label(window))?;
        src.check_outputs(outputs.iter().map(|(t, _)| t))?;
        Ok(RenderPlan { outputs, settings, src })
    }

    fn run(self, a: &RenderArgs) -> Result<(), Error> {
        let RenderPlan { outputs, settings, src } = self;
        src.each(
            |snap| {
                let (analysis, scene) = render_scene(&snap, &settings)?;
                warn_short_window(&snap, &analysis, &settings);
                let vars = Vars::of(&snap, &src.window_label);
                let encoded: Vec<(PathBuf, Vec<u8>)> = outputs.iter().map(|(t, f)| (t.expand(&vars), encode(&scene, *f))).collect();
                let alt = crate::report::alt::alt_text(&snap, &analysis);
                write_logged(&with_alt_text(with_latest(encoded, a.latest, &snap.symbol), &alt))
            },
            String::clone,
        )
        .1
    }
}
