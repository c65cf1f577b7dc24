//! `liqshot bench`: times each stage on a snapshot and prints the figures.

use std::time::Instant;

use chrono::Duration;

use std::fmt::Write as _;
use std::path::Path;

use crate::app::{chart_options, encode, render_scene, Format, RenderSettings};
use crate::cli::{parse_duration, parse_size, BenchArgs};
use crate::error::Error;
use crate::estimate::{self, long_share, EstimateParams};
use crate::pipeline;
use crate::render::{chart, raster};
use crate::snapshot::MarketSnapshot;
use crate::zones::{self, ZoneParams};

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

/// The snapshot with its price and open-interest paths repeated `k` times end to end
/// (each copy scaled to start where the previous one ended), for scaling measurements.
pub fn repeated(snap: &MarketSnapshot, k: usize) -> MarketSnapshot {
    let mut out = snap.clone();
    let step = snap.interval_secs();
    for v in &mut out.venues {
        let base_c = v.candles.clone();
        let base_oi = v.open_interest.clone();
        let span = Duration::seconds(step * base_c.len() as i64);
        let p_ratio = base_c.last().unwrap().close / base_c[0].open;
        let oi_ratio = base_oi.last().unwrap().oi_usd / base_oi[0].oi_usd.max(1e-9);
        for i in 1..k {
            let (pf, of) = (p_ratio.powi(i as i32), oi_ratio.powi(i as i32));
            let shift = span * i as i32;
            v.candles.extend(base_c.iter().map(|c| {
                let mut c = *c;
                c.open_time += shift;
                (c.open, c.high, c.low, c.close) = (c.open * pf, c.high * pf, c.low * pf, c.close * pf);
                c
            }));
            let last_t = v.open_interest.last().unwrap().time;
            v.open_interest.extend(base_oi.iter().filter_map(|p| {
                let mut p = *p;
                p.time += shift;
                p.oi_usd *= of;
                (p.time > last_t).then_some(p)
            }));
        }
    }
    out.captured_at += Duration::seconds(step * snap.venues[0].candles.len() as i64 * (k as i64 - 1));
    out
}

/// Resets this process's peak RSS (`VmHWM`) to the current RSS (Linux `clear_refs` value 5);
/// false where unsupported.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// `n` snapshots of different symbols made from `snap`: prices scaled by a different factor
/// each (`SYM01USDT` ...), as JSON, the way a batch run would read them.
pub fn batch_snapshots(snap: &MarketSnapshot, n: usize) -> Vec<(String, Vec<u8>)> {
    (0..n)
        .map(|i| {
            let mut s = snap.clone();
            let k = 1.0 / (1.0 + i as f64 * 0.37);
            s.symbol = format!("SYM{:02}USDT", i + 1);
            for v in &mut s.venues {
                for c in &mut v.candles {
                    (c.open, c.high, c.low, c.close) = (c.open * k, c.high * k, c.low * k, c.close * k);
                    if let Some(t) = &mut c.taker_buy_volume {
                        *t /= k;
                    }
                    c.volume /= k;
                }
            }
            (s.symbol.clone(), s.to_json())
        })
        .collect()
}

/// `liqshot bench --batch N`: the render pipeline (parse, estimate, zones, scene, PNG) for N
/// symbols through the batch runner with `--jobs` 1, 2 and the core count.
fn run_batch(a: &BenchArgs, n: usize, snap: &MarketSnapshot, settings: &RenderSettings) -> Result<(), Error> {
    let snaps = batch_snapshots(snap, n.max(1));
    let names: Vec<String> = snaps.iter().map(|(name, _)| name.clone()).collect();
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let mut jobs_list = vec![1, 2, cores];
    jobs_list.dedup();
    println!(
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
        let outcomes = crate::batch::run(&names, jobs, |i| {
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
        let rss = peak_rss_mb().map_or("n/a".into(), |mb| format!("{mb:.1} MB{}", if reset { "" } else { " (whole process)" }));
        let speedup = first.map_or(String::new(), |t1: f64| format!(", {:.2}x the speed of --jobs 1", t1 / total));
        println!(
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

/// Reads the snapshot to time. A missing file is a usage error that says what bench needs:
/// without `--snapshot` it times the bundled example, found relative to the current directory.
fn read_snapshot(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            let looked = std::env::current_dir().map_or_else(|_| path.to_path_buf(), |d| d.join(path));
            Error::Usage(format!(
                "bench: no snapshot at {}: bench needs the bundled example (run it from the repository root) or --snapshot FILE",
                looked.display()
            ))
        } else {
            Error::io(path, e)
        }
    })
}

pub fn run(a: BenchArgs) -> Result<(), Error> {
    let bytes = read_snapshot(&a.snapshot)?;
    let window = parse_duration("--window", &a.window)?;
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
    let (t_zones, _) =
        median_ms(runs, || {
            let reach = estimate::window_price_range(&snap, settings.params.window_secs);
            zones::find_zones(&analysis.estimate.profile, analysis.estimate.last_price, &ZoneParams::default(), reach)
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

    println!(
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
    println!("  load snapshot     {t_load:8.2} ms");
    println!("  estimate          {t_est:8.2} ms");
    println!("  zones             {t_zones:8.2} ms");
    println!("  chart scene       {t_scene:8.2} ms");
    println!("  PNG encode        {t_png:8.2} ms  ({} bytes)", png.len());
    println!("  SVG encode        {t_svg:8.2} ms  ({} bytes)", svg_bytes.len());
    println!("  render to PNG     {t_total:8.2} ms  (load + estimate + zones + scene + PNG)");
    if let Some(mb) = peak_rss_mb() {
        println!("  peak RSS          {mb:8.1} MB  (whole bench process so far)");
    }

    if a.scale > 1 {
        println!("scaling (path repeated end to end; same window and size):");
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
            println!("  {candles:6} candles: estimate {t_e:8.2} ms ({per:.2} µs/candle), render to PNG {t_all:8.2} ms");
            match base {
                None => base = Some((candles, t_e)),
                Some((c0, e0)) => println!(
                    "  estimate cost ratio {:.2} for {:.2}x the candles (linear = equal)",
                    t_e / e0,
                    candles as f64 / c0 as f64
                ),
            }
        }
    }
    Ok(())
}

/// `snap`'s first venue, its path repeated end to end (see [`repeated`]) to `rows` candles, as
/// Binance Vision files for timing `import`: 12-column klines without a header (times in ms)
/// and a `metrics` file holding its open interest (`sum_open_interest_value`). The klines'
/// taker-buy volume is written as the candle-body share of volume (the estimate's own
/// fallback) where the snapshot has none, so the split the estimate makes is unchanged.
pub fn vision_csvs(snap: &MarketSnapshot, rows: usize) -> (String, String) {
    let n0 = snap.venues[0].candles.len().max(1);
    let big = repeated(snap, rows.div_ceil(n0).max(1));
    let v = &big.venues[0];
    let step_ms = big.interval_secs() * 1000;
    let candles = &v.candles[..rows.min(v.candles.len())];
    let mut k = String::with_capacity(candles.len() * 140);
    for c in candles {
        let t = c.open_time.timestamp_millis();
        let taker = c.taker_buy_volume.unwrap_or_else(|| long_share(c).0 * c.volume);
        let _ = writeln!(
            k,
            "{t},{},{},{},{},{},{},{},0,{},{},0",
            c.open,
            c.high,
            c.low,
            c.close,
            c.volume,
            t + step_ms - 1,
            c.volume * c.close,
            taker,
            taker * c.close
        );
    }
    let end = candles.last().map(|c| c.open_time + Duration::milliseconds(step_ms));
    let mut m = String::from(
        "create_time,symbol,sum_open_interest,sum_open_interest_value,count_toptrader_long_short_ratio,\
         sum_toptrader_long_short_ratio,count_long_short_ratio,sum_taker_long_short_vol_ratio\n",
    );
    let price = candles.last().map_or(1.0, |c| c.close);
    for p in v.open_interest.iter().filter(|p| end.map_or(true, |e| p.time <= e)) {
        let _ = writeln!(m, "{},{},{},{},,,,", p.time.format("%Y-%m-%d %H:%M:%S"), big.symbol, p.oi_usd / price, p.oi_usd);
    }
    (k, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generated Binance Vision files import back to the repeated path: same candles
    /// (prices, volumes, times), the taker split the estimate would use anyway, and the open
    /// interest up to the last candle's close.
    #[test]
    fn vision_csvs_import_back_to_the_repeated_snapshot() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/btcusdt-2025-11-01_10.snapshot.json");
        let snap = MarketSnapshot::load(&path).unwrap();
        let (k, m) = vision_csvs(&snap, 3_000);
        let dir = tempfile::tempdir().unwrap();
        let (kp, mp) = (dir.path().join("k.csv"), dir.path().join("m.csv"));
        std::fs::write(&kp, k).unwrap();
        std::fs::write(&mp, m).unwrap();
        let got = crate::import::import(&crate::import::ImportOptions::new(&kp, &mp, "BTCUSDT")).unwrap();
        let want = repeated(&snap, 2);
        let (g, w) = (&got.venues[0], &want.venues[0]);
        assert_eq!(got.interval, "5m");
        assert_eq!(g.candles.len(), 3_000);
        for (a, b) in g.candles.iter().zip(&w.candles) {
            assert_eq!((a.open_time, a.open, a.high, a.low, a.close, a.volume), (b.open_time, b.open, b.high, b.low, b.close, b.volume));
            let share = a.taker_buy_volume.unwrap() / a.volume;
            assert!(a.volume == 0.0 || (share - long_share(b).0).abs() < 1e-9, "{a:?} vs {b:?}");
        }
        let end = g.candles.last().unwrap().open_time + Duration::minutes(5);
        let oi: Vec<_> = w.open_interest.iter().filter(|p| p.time <= end).collect();
        assert_eq!(g.open_interest.len(), oi.len());
        assert!(g.open_interest.iter().zip(oi).all(|(a, b)| a.time == b.time && a.oi_usd == b.oi_usd));
    }
}
