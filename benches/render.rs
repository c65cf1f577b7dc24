//! `render` benchmark: the bundled example's 24 h chart at 1600x900 (the default) and 3200x1800,
//! in-process: the median time of the analysis and the scene (with the reference week's colour
//! top), of rasterising, and of PNG encoding with each candidate setting (deflate level x row
//! filter, RGB or an exact palette), with the file sizes. The project's setting is
//! `raster::to_png` (the last line of each size). benches/README.md quotes it.
//!
//! Run: `cargo bench --bench render` (`-- --runs 9` to change the repetitions, `-- --all 1` for
//! every deflate level x filter).

use std::collections::HashMap;
use std::path::Path;

use liqshot::engine::estimate::EstimateParams;
use liqshot::output::render::{raster, render_scene, RenderSettings};
use liqshot::MarketSnapshot;

mod common;
use common::{arg, median_ms};

/// Encodes `rgb` (8-bit RGB rows) with `compression` and `filter`.
fn encode(
    rgb: &[u8],
    w: u32,
    h: u32,
    compression: png::DeflateCompression,
    filter: png::Filter,
    palette: Option<(&[u8], Vec<u8>)>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_deflate_compression(compression);
    enc.set_filter(filter);
    let data = match palette {
        Some((pal, idx)) => {
            enc.set_color(png::ColorType::Indexed);
            enc.set_palette(pal.to_vec());
            idx
        }
        None => {
            enc.set_color(png::ColorType::Rgb);
            rgb.to_vec()
        }
    };
    let mut wr = enc.write_header().unwrap();
    wr.write_image_data(&data).unwrap();
    wr.finish().unwrap();
    out
}

fn main() {
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(7);
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/btcusdt-2025-11-01_10.snapshot.json");
    let snap = MarketSnapshot::load(&example).expect("the bundled example loads");
    // `-- --write-repeated PATH`: also write the example repeated 10 times end to end (100
    // days, `liqshot bench --scale 10`'s input) as a snapshot file, to time whole processes on it.
    if let Some(path) = arg("--write-repeated") {
        std::fs::write(&path, liqshot::engine::synth::repeated(&snap, 10).to_json()).expect("writes the snapshot");
        println!("wrote {path}");
    }
    println!(
        "liqshot render benchmark: bundled example, 24h window, median of {runs}, release={}",
        !cfg!(debug_assertions)
    );
    for (w, h) in [(1600u32, 900u32), (3200, 1800)] {
        let s = RenderSettings::new(EstimateParams::default(), 86_400, w, h);
        stages(&example, &s, runs, w, h);
        let (t_scene, (_, scene)) = median_ms(runs, || render_scene(&snap, &s).expect("renders"));
        let (t_raster, pm) = median_ms(runs, || raster::to_pixmap(&scene));
        let (t_week, _) = median_ms(runs, || liqshot::output::render::heat::week_top(&snap, &s.params));
        let (t_est, _) = median_ms(runs, || liqshot::engine::estimate::estimate(&snap, &s.params).expect("estimates"));
        println!(
            "{w}x{h}: of which the reference week's colour top {t_week:.1} ms; the chart's own estimate {t_est:.1} ms"
        );
        let rgb: Vec<u8> = pm.data().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        let mut colours: HashMap<[u8; 3], u8> = HashMap::new();
        let mut exact = true;
        for p in rgb.chunks_exact(3) {
            let n = colours.len();
            if !colours.contains_key(p) {
                if n == 256 {
                    exact = false;
                    break;
                }
                colours.insert([p[0], p[1], p[2]], n as u8);
            }
        }
        println!(
            "{w}x{h}: analysis + scene {t_scene:.1} ms, rasterise {t_raster:.1} ms, {} colours{}",
            if exact { colours.len().to_string() } else { "more than 256".into() },
            if exact { " (an exact palette fits)" } else { "" }
        );
        use png::{DeflateCompression as D, Filter as F};
        let (t, bytes) = median_ms(runs, || encode(&rgb, w, h, D::FdeflateUltraFast, F::Adaptive, None));
        println!("  RGB  png crate fdeflate, adaptive filter {t:7.1} ms {:8} bytes", bytes.len());
        let levels: &[u32] = if arg("--all").is_some() { &[1, 2, 3, 4, 5, 6, 9] } else { &[1, 2, 3] };
        for &level in levels {
            let (t, bytes) =
                median_ms(runs, || liqshot::output::render::png::png_from_rgba_opaque(pm.data(), w, h, level));
            println!("  RGB  zlib-rs level {level}, no filter (from RGBA rows) {t:7.1} ms {:8} bytes", bytes.len());
        }
        let (t_png, png_bytes) = median_ms(runs, || raster::to_png(&scene));
        println!(
            "  raster::to_png (rasterise + encode, the project's setting) {t_png:.1} ms {} bytes",
            png_bytes.len()
        );
    }
}

/// The stages of one `liqshot render` in the order the command runs them (file writing aside):
/// the median of each, so the whole process's time can be split.
fn stages(example: &Path, s: &RenderSettings, runs: usize, w: u32, h: u32) {
    use liqshot::files::input::{read_limited, Start, DATA_MAX};
    let (t_read, bytes) = median_ms(runs, || read_limited(example, DATA_MAX, Start::JsonObject).expect("reads"));
    let (t_parse, snap) = median_ms(runs, || MarketSnapshot::from_json(&bytes).expect("parses"));
    let zp = liqshot::engine::zones::ZoneParams::default();
    let (t_analyse, analysis) =
        median_ms(runs, || liqshot::engine::pipeline::analyse(&snap, &s.params, &zp).expect("analyses"));
    let (t_opts, opts) = median_ms(runs, || liqshot::output::render::chart_options(&snap, s));
    let (t_build, scene) = median_ms(runs, || liqshot::output::render::chart::build(&snap, &analysis, &opts));
    let (t_raster, pm) = median_ms(runs, || raster::to_pixmap(&scene));
    let (t_png, png) = median_ms(runs, || raster::to_png(&scene));
    let (t_alt, _) = median_ms(runs, || liqshot::output::report::alt::alt_text(&snap, &analysis));
    drop(pm);
    println!(
        "{w}x{h} stages: read {t_read:.1} ms, parse {t_parse:.1}, analyse {t_analyse:.1}, colour top {t_opts:.1}, \
         scene {t_build:.1}, rasterise {t_raster:.1}, rasterise+encode {t_png:.1} ({} bytes), alt text {t_alt:.1}",
        png.len()
    );
}
