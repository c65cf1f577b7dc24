//! `animate` benchmark: the bundled example animated at 1200x675 (X's size), 48 frames (the
//! default) and 96, over its last 24 h and 7 d, in-process. Prints the median time of the
//! history pass (estimate + zones, recording the frames' moments), of one frame's scene and
//! raster, of the palette, and of the whole GIF and APNG (history + every frame + encoding),
//! with the file sizes.
//!
//! Run: `cargo bench --bench animate` (`-- --runs 5` to change the repetitions). Whole
//! `liqshot animate` processes are timed from outside (benches/README.md, "Animation").

use std::path::Path;

use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::zones::ZoneParams;
use liqshot::output::render::animate::{self, encode_frames, AnimFormat, Frames, Palette};
use liqshot::output::render::raster;
use liqshot::output::render::{chart_options, RenderSettings};
use liqshot::MarketSnapshot;

mod common;
use common::{arg, median_ms};

fn main() {
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(3);
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/btcusdt-2025-11-01_10.snapshot.json");
    let snap = MarketSnapshot::load(&example).expect("the bundled example loads");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    println!(
        "liqshot animate benchmark: bundled example at 1200x675, median of {runs}, release={}, {threads} rendering thread(s)",
        !cfg!(debug_assertions)
    );
    for (label, window) in [("24h", 86_400), ("7d", 7 * 86_400)] {
        let s = RenderSettings::new(EstimateParams::default(), window, 1200, 675);
        let chart = chart_options(&snap, &s);
        for n in [48, 96] {
            let (t_hist, f) =
                median_ms(runs, || Frames::new(&snap, &s.params, &ZoneParams::default(), &chart, n).expect("frames"));
            let mid = f.len() / 2;
            let (t_scene, scene) = median_ms(runs, || f.scene(mid));
            let (t_raster, img) = median_ms(runs, || raster::to_rgba(&scene));
            let (t_pal, _) = median_ms(runs, || {
                Palette::from_image(
                    &img,
                    &animate::legend_colours(
                        &img,
                        &liqshot::output::render::layout::Layout::with_scale(1200, 675, chart.scale),
                    ),
                )
            });
            let (t_gif, gif) = median_ms(runs, || encode_frames(&f, 8, AnimFormat::Gif));
            let (t_apng, apng) = median_ms(runs, || encode_frames(&f, 8, AnimFormat::Apng));
            println!(
                "{label} window, {n} frames ({} candles per frame):",
                f.analysis().estimate.grid.candles / f.len()
            );
            println!("  history pass       {t_hist:8.1} ms  (estimate + zones, {n} moments recorded)");
            println!("  one frame          {:8.1} ms  (scene {t_scene:.1} + raster {t_raster:.1})", t_scene + t_raster);
            println!("  GIF palette        {t_pal:8.1} ms  (once, from the last frame)");
            println!(
                "  GIF                {:8.1} ms  ({} bytes, {:.2} MB)",
                t_hist + t_gif,
                gif.len(),
                gif.len() as f64 / 1e6
            );
            println!(
                "  APNG               {:8.1} ms  ({} bytes, {:.2} MB)",
                t_hist + t_apng,
                apng.len(),
                apng.len() as f64 / 1e6
            );
        }
    }
}
