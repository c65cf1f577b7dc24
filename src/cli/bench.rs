//! `liqshot bench`: times each stage on a snapshot and prints the figures.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use super::options::parse_size;
use liqshot::engine::estimate::{self, EstimateParams};
use liqshot::engine::pipeline;
use liqshot::engine::synth::{batch_snapshots, repeated};
use liqshot::engine::zones::{self, ZoneParams};
use liqshot::error::Error;
use liqshot::model::snapshot::MarketSnapshot;
use liqshot::output::render::{chart, chart_options, encode, raster, render_scene, Format, RenderSettings};

/// `println!` that returns the error of a closed or full stdout (see [`super::to_stdout`]).
macro_rules! say {
    ($($arg:tt)*) => {
        super::to_stdout(format!("{}\n", format_args!($($arg)*)).as_bytes())?
    };
}

/// `Examples:` of `liqshot bench --help`.
pub const BENCH_EXAMPLES: &str = "\
Examples:
  cargo run --release -- bench
  liqshot bench --runs 15 --window 7d --scale 1
  # 20 symbols rendered with --jobs 1, 2 and the core count
  liqshot bench --batch 20";

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Snapshot to time
    #[arg(long, default_value = BUNDLED_EXAMPLE, value_name = "FILE")]
    pub snapshot: PathBuf,
    /// Repetitions per stage (the median is printed), 1 to 1000
    #[arg(long, default_value_t = 7, value_name = "N")]
    pub runs: usize,
    /// Time span rendered, as render --window
    #[arg(long, default_value = "24h", value_name = "DURATION")]
    pub window: String,
    /// Image size WIDTHxHEIGHT, from 720x400 to 8000x8000
    #[arg(long, default_value = "1600x900", value_name = "WxH")]
    pub size: String,
    /// Also time snapshots made N times longer by repeating the price path (e.g. 3 for 30 days), 1 to 100
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub scale: usize,
    /// Instead: an offline batch of N symbols (the snapshot with prices scaled per symbol),
    /// rendered to PNG with --jobs 1 and 2 (and the core count), with total, per-symbol time and peak RSS; 1 to 1000
    #[arg(long, value_name = "N")]
    pub batch: Option<usize>,
}

fn median_ms<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let v = f();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(v);
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], last.expect("at least one run"))
}

/// Peak resident memory of this process so far, in MB (Linux `VmHWM`).
pub fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Resets this process's peak RSS (`VmHWM`) to the current RSS (Linux `clear_refs` value 5);
/// false where unsupported.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// `liqshot bench --batch N`: the render pipeline (parse, estimate, zones, scene, PNG) for N
/// symbols through the batch runner with `--jobs` 1, 2 and the core count.
fn run_batch(a: &BenchArgs, n: usize, snap: &MarketSnapshot, settings: &RenderSettings) -> Result<(), Error> {
    let snaps = batch_snapshots(snap, n.max(1));
    let names: Vec<String> = snaps.iter().map(|(name, _)| name.clone()).collect();
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let mut jobs_list = vec![1, 2, cores];
    jobs_list.dedup();
    say!(
        "liqshot bench --batch {}: {} symbols from {} ({}x{}, window {}), render to PNG, {} core(s), release={}",
        n,
        snaps.len(),
        a.snapshot.display(),
        settings.chart.width,
        settings.chart.height,
        a.window,
        cores,
        !cfg!(debug_assertions)
    );
    // Warm-up (fonts, allocator, page cache), untimed, so the first pass is not penalised.
    let warm = MarketSnapshot::from_json(&snaps[0].1)?;
    raster::to_png(&render_scene(&warm, settings)?.1);
    let mut first = None;
    for jobs in jobs_list {
        let reset = reset_peak_rss();
        let t0 = Instant::now();
        let outcomes = super::batch::run(&names, jobs, |i| {
            let s = MarketSnapshot::from_json(&snaps[i].1)?;
            let (_, scene) = render_scene(&s, settings)?;
            Ok(raster::to_png(&scene).len())
        });
        let total = t0.elapsed().as_secs_f64();
        let mut per: Vec<f64> = outcomes.iter().map(|o| o.elapsed.as_secs_f64() * 1000.0).collect();
        if let Some(o) = outcomes.iter().find(|o| o.result.is_err()) {
            return Err(Error::Invalid(format!("bench batch: {} failed: {:?}", o.name, o.result.as_ref().err())));
        }
        per.sort_by(f64::total_cmp);
        let rss = peak_rss_mb()
            .map_or("n/a".into(), |mb| format!("{mb:.1} MB{}", if reset { "" } else { " (whole process)" }));
        let speedup = first.map_or(String::new(), |t1: f64| format!(", {:.2}x the speed of --jobs 1", t1 / total));
        say!(
            "  --jobs {jobs}: total {:7.2} s, {:6.1} ms/symbol (wall), per symbol median {:6.1} ms (min {:.1}, max {:.1}), peak RSS {rss}{speedup}",
            total,
            total * 1000.0 / per.len() as f64,
            per[per.len() / 2],
            per[0],
            per[per.len() - 1]
        );
        first.get_or_insert(total);
    }
    Ok(())
}

/// `--snapshot`'s default: the bundled example, relative to the current directory.
const BUNDLED_EXAMPLE: &str = "examples/btcusdt-2025-11-01_10.snapshot.json";

/// Reads the snapshot to time. A missing file is a usage error that says what bench needs:
/// without `--snapshot` it times the bundled example, found relative to the current directory;
/// a `--snapshot FILE` that does not exist is named as such (no advice to give --snapshot).
fn read_snapshot(path: &Path) -> Result<Vec<u8>, Error> {
    if path.exists() {
        return liqshot::files::input::read_limited(
            path,
            liqshot::files::input::DATA_MAX,
            liqshot::files::input::Start::JsonObject,
        );
    }
    std::fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            let looked = std::env::current_dir().map_or_else(|_| path.to_path_buf(), |d| d.join(path));
            if path != Path::new(BUNDLED_EXAMPLE) {
                return Error::Usage(format!("bench: --snapshot: no snapshot at {}", looked.display()));
            }
            Error::Usage(format!(
                "bench: no snapshot at {}: bench needs the bundled example (run it from the repository root) or --snapshot FILE",
                looked.display()
            ))
        } else {
            Error::io(path, e)
        }
    })
}

/// The bounds of `--runs`, `--scale` and `--batch` (each named in `--help`).
pub const MAX_RUNS: usize = 1000;
pub const MAX_SCALE: usize = 100;
pub const MAX_BATCH: usize = 1000;

/// Fails naming `flag` unless `n` is in `1..=max`.
fn bounded(flag: &str, n: usize, max: usize) -> Result<(), Error> {
    if (1..=max).contains(&n) {
        Ok(())
    } else {
        Err(Error::Usage(format!("{flag} {n}: must be from 1 to {max}")))
    }
}

pub fn run(a: BenchArgs) -> Result<(), Error> {
    bounded("--runs", a.runs, MAX_RUNS)?;
    bounded("--scale", a.scale, MAX_SCALE)?;
    if let Some(n) = a.batch {
        bounded("--batch", n, MAX_BATCH)?;
    }
    let bytes = read_snapshot(&a.snapshot)?;
    let window = super::options::parse_window(&a.window)?;
    let (w, h) = parse_size(&a.size)?;
    if let Some(n) = a.batch {
        let snap = MarketSnapshot::from_json(&bytes).map_err(|e| e.in_file(&a.snapshot))?;
        return run_batch(&a, n, &snap, &RenderSettings::new(EstimateParams::default(), window, w, h));
    }
    let runs = a.runs.max(1);
    let (t_load, snap) = median_ms(runs, || MarketSnapshot::from_json(&bytes));
    let snap = snap.map_err(|e| e.in_file(&a.snapshot))?;
    let settings = RenderSettings::new(EstimateParams::default(), window, w, h);
    let n = snap.venues.iter().map(|v| v.candles.len()).sum::<usize>();

    let (t_est, est) = median_ms(runs, || estimate::estimate(&snap, &settings.params));
    est?;
    // Zones, scene and encoders run on exactly what `liqshot render` draws (same analysis,
    // chart options and encoder), so the byte counts printed are those of its files.
    let analysis = pipeline::analyse(&snap, &settings.params, &ZoneParams::default())?;
    let (t_zones, _) = median_ms(runs, || {
        zones::find_zones(&analysis.estimate.profile, analysis.estimate.last_price, &ZoneParams::default(), &snap)
    });
    let opts = chart_options(&snap, &settings);
    let (t_scene, scene) = median_ms(runs, || chart::build(&snap, &analysis, &opts));
    let (t_png, png) = median_ms(runs, || encode(&scene, Format::Png));
    let (t_svg, svg_bytes) = median_ms(runs, || encode(&scene, Format::Svg));
    let (t_total, _) = median_ms(runs, || {
        let s = MarketSnapshot::from_json(&bytes).expect("parsed above");
        let (_, scene) = render_scene(&s, &settings).expect("rendered above");
        encode(&scene, Format::Png)
    });

    say!(
        "liqshot bench: {} ({} candles of {}, {} venue(s)), {}x{}, window {}, median of {} runs, release={}",
        a.snapshot.display(),
        n,
        snap.interval,
        snap.venues.len(),
        w,
        h,
        a.window,
        runs,
        !cfg!(debug_assertions)
    );
    say!("  load snapshot     {t_load:8.2} ms");
    say!("  estimate          {t_est:8.2} ms");
    say!("  zones             {t_zones:8.2} ms");
    say!("  chart scene       {t_scene:8.2} ms");
    say!("  PNG encode        {t_png:8.2} ms  ({} bytes)", png.len());
    say!("  SVG encode        {t_svg:8.2} ms  ({} bytes)", svg_bytes.len());
    say!("  render to PNG     {t_total:8.2} ms  (load + estimate + zones + scene + PNG)");
    if let Some(mb) = peak_rss_mb() {
        say!("  peak RSS          {mb:8.1} MB  (whole bench process so far)");
    }

    if a.scale > 1 {
        say!("scaling (path repeated end to end; same window and size):");
        let mut base = None;
        for k in [1, a.scale] {
            let big = repeated(&snap, k);
            let big_json = big.to_json();
            let candles = big.venues[0].candles.len();
            let (t_e, _) = median_ms(runs, || estimate::estimate(&big, &settings.params));
            let (t_all, _) = median_ms(runs, || {
                let s = MarketSnapshot::from_json(&big_json).expect("valid");
                let (_, scene) = render_scene(&s, &settings).expect("renders");
                encode(&scene, Format::Png)
            });
            let per = t_e * 1000.0 / candles as f64;
            say!("  {candles:6} candles: estimate {t_e:8.2} ms ({per:.2} µs/candle), render to PNG {t_all:8.2} ms");
            match base {
                None => base = Some((candles, t_e)),
                Some((c0, e0)) => say!(
                    "  estimate cost ratio {:.2} for {:.2}x the candles (linear = equal)",
                    t_e / e0,
                    candles as f64 / c0 as f64
                ),
            }
        }
    }
    Ok(())
}
