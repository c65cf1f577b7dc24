//! `liqshot animate`: each snapshot → the map's evolution over the window as an animated GIF
//! or APNG (the stage: [`liqshot::output::render::animate`]).

use std::path::PathBuf;

use clap::Args;

use super::collide::Dest;
use super::naming::{PathTemplate, Vars};
use super::options::{parse_size, EstimateArgs, ThemeArg};
use super::render::warn_short_window;
use super::source::{write_logged, Source};
use liqshot::engine::zones::ZoneParams;
use liqshot::error::Error;
use liqshot::output::render::animate::{self, AnimFormat, Frames, GIF_MAX_BYTES};
use liqshot::output::render::{chart_options, RenderSettings};
use liqshot::output::report::alt;
use liqshot::output::report::compute::window_label;

/// `Examples:` of `liqshot animate --help`.
pub const ANIMATE_EXAMPLES: &str = "\
Examples:
  # 48 frames of the bundled example's last 24 h, for X (1200x675, under 15 MB)
  liqshot animate --snapshot examples/btcusdt-2025-11-01_10.snapshot.json -o map.gif
  # Sized and lettered for a square post (1080x1080)
  liqshot animate --snapshot examples/btcusdt-2025-11-01_10.snapshot.json --preset square -o map-square.gif
  # The last 7 days as an APNG, 96 frames at 12 per second
  liqshot animate --snapshot examples/btcusdt-2025-11-01_10.snapshot.json --window 7d --frames 96 --fps 12 -o map.png
  # Live ETH data
  liqshot animate --symbol ETH -o 'out/{symbol}-{date}.gif'";

#[derive(Debug, Args)]
pub struct AnimateArgs {
    #[command(flatten)]
    pub estimate: EstimateArgs,
    /// Output: .gif (animated GIF) or .png/.apng (animated PNG); may use {symbol} {date} {time} {window} {venues}
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Number of frames, spread evenly over the window (the last one its end), 2 to 600
    #[arg(long, default_value_t = 48, value_name = "N")]
    pub frames: usize,
    /// Frames per second, 1 to 50 (the last frame is held 2 s longer)
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub fps: u32,
    /// Time span animated, e.g. 12h, 24h, 3d, 7d
    #[arg(long, default_value = "24h", value_name = "DURATION")]
    pub window: String,
    /// Frame size WIDTHxHEIGHT, from 720x400; a GIF at most 1280x1080 (X's limit) [default: 1200x675] (not with --preset)
    #[arg(long, value_name = "WxH")]
    pub size: Option<String>,
    /// Size and text scale for where it is posted: x (1200x675), telegram (1280x720), newsletter (1280x960), square (1080x1080); the map keeps most of the frame, text stays legible there
    #[arg(long, value_name = "PLACE", value_parser = super::options::parse_preset)]
    pub preset: Option<liqshot::output::render::preset::Preset>,
    /// Colour theme
    #[arg(long, value_enum, default_value = "dark")]
    pub theme: ThemeArg,
    /// Pin the top of the colour scale (USD per 0.1 % band); else the whole window's map sets it
    #[arg(long, allow_negative_numbers = true, value_name = "USD")]
    pub color_max: Option<f64>,
    /// Refuse to write a file larger than this many MB (10^6 bytes); X takes GIFs up to 15
    #[arg(long, default_value_t = 15.0, allow_negative_numbers = true, value_name = "MB")]
    pub max_mb: f64,
    /// Leave out realized liquidations (the dots and their legend)
    #[arg(long)]
    pub no_realized: bool,
}

/// Runs `liqshot animate`: every option is checked before any data is read or fetched; the
/// file and its alt text (`map.gif.alt.txt`) are written atomically, and only when within `--max-mb`.
pub fn run(a: AnimateArgs) -> Result<(), Error> {
    let format = AnimFormat::of(&a.output)?;
    let out = PathTemplate::parse("-o", &a.output)?;
    let window = super::options::parse_window(&a.window)?;
    let (w, h) = match (a.preset, &a.size) {
        (Some(p), Some(s)) => {
            return Err(Error::Usage(format!(
                "--preset {p} and --size {s}: give one (the preset sets the size and the text scale)"
            )))
        }
        (Some(p), None) => p.size(),
        (None, s) => parse_size(s.as_deref().unwrap_or("1200x675"))?,
    };
    animate::check_options(format, a.frames, a.fps, w, h)?;
    if let Some(m) = a.color_max.filter(|m| !(m.is_finite() && *m > 0.0)) {
        return Err(Error::Usage(format!("--color-max: {m} is not a positive amount")));
    }
    if !(a.max_mb.is_finite() && a.max_mb > 0.0) {
        return Err(Error::Usage(format!("--max-mb: {} is not a positive size", a.max_mb)));
    }
    let max_bytes = (a.max_mb * 1e6) as u64;
    let mut settings = match a.preset {
        Some(p) => RenderSettings::preset(a.estimate.params()?, window, p),
        None => RenderSettings::new(a.estimate.params()?, window, w, h),
    };
    settings.chart.dark = matches!(a.theme, ThemeArg::Dark);
    settings.chart.color_max = a.color_max;
    settings.chart.realized = !a.no_realized;
    let src = Source::of(&a.estimate, Some(window), window_label(window))?;
    src.check_outputs([&out])?;
    let dests = |v: &Vars| {
        let path = out.expand(v);
        let what = format!("-o {}", out.raw());
        vec![
            Dest::new(what.clone(), path.clone(), "animation"),
            Dest::new(format!("the alt text of {what}"), alt::alt_path(&path), "alt text"),
        ]
    };
    src.check_collisions(dests)?;
    src.each(
        |snap| {
            let t = std::time::Instant::now();
            let chart = chart_options(&snap, &settings);
            let frames = Frames::new(&snap, &settings.params, &ZoneParams::default(), &chart, a.frames)?;
            warn_short_window(&snap, frames.analysis(), &settings);
            if frames.len() < a.frames {
                tracing::warn!(symbol = %snap.symbol, "--frames {}: the window has only {} candles, one frame each", a.frames, frames.len());
            }
            let bytes = animate::encode_frames(&frames, a.fps, format);
            let vars = Vars::of(&snap, &src.window_label);
            src.check_snapshot_collisions(dests, &vars)?;
            let path = out.expand(&vars);
            if bytes.len() as u64 > max_bytes {
                return Err(Error::Usage(format!(
                    "-o {}: the animation is {:.1} MB, over --max-mb {}{}; give fewer --frames or a smaller --size (nothing written)",
                    path.display(),
                    bytes.len() as f64 / 1e6,
                    a.max_mb,
                    if max_bytes == GIF_MAX_BYTES { " (X's limit)" } else { "" }
                )));
            }
            tracing::info!(symbol = %snap.symbol, "{} frames of {w}x{h} in {:.1} s", frames.len(), t.elapsed().as_secs_f64());
            // The alt text beside it, named as `render` names one beside each image
            // (`map.gif.alt.txt`, see `alt::alt_path`).
            let last = frames.analysis_at(frames.len() - 1);
            let alt = alt::animation_alt_text(&snap, &last, frames.len(), frames.moment(0).at);
            let alt_file = alt::alt_path(&path);
            write_logged(&[(path, bytes), (alt_file, alt::file_bytes(&alt))])
        },
        String::clone,
    )
    .1
}
