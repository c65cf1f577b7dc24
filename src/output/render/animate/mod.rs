//! `liqshot animate`: the map's evolution over the window as an animated GIF or APNG. Pure:
//! frames are scenes built by the same chart code as `render` ([`super::chart::build`]), and
//! encoding returns bytes.
//!
//! Frame `i` of `n` is the map as it stood at the end of candle slot
//! `ceil((i + 1) * candles / n) - 1` of the window (the last frame is the window's end and
//! equals the static chart but for the frame marker): the grid columns up to that time, the
//! candles up to it, the live profile, price and zones at it (see
//! [`crate::engine::estimate::history`]). All frames share the final chart's axes and colour scale, so
//! a colour means the same USD in every frame. The moments are recorded in one pass of the
//! ledgers (with the zone-widening pass of [`crate::engine::pipeline::analyse`], at most two).
//!
//! GIF: one global palette of 255 colours plus a transparent index, built from the final
//! frame ([`Palette::from_image`]: its most common colours exactly, 64 colours of the colour
//! map sampled from its legend, the rest by median cut); each later frame stores only the pixels that changed
//! (cropped to their bounding box, unchanged pixels transparent). APNG: RGBA frames, later ones
//! cropped and blended over the previous one the same way. Same input, same bytes.
//! (Palette: [`palette`]; the GIF and APNG writers: [`writers`].)

use crate::output::render::RgbaImage;
use chrono::{DateTime, Utc};

use super::chart::{self, ChartOptions, ColorScale};
use super::layout::Layout;
use super::raster;
use super::scene::Scene;
use crate::engine::estimate::{EstimateParams, Moment};
use crate::engine::pipeline::{analyse_history, Analysis};
use crate::engine::zones::{self, ZoneParams, ZoneRule};
use crate::error::Error;
use crate::model::snapshot::MarketSnapshot;

mod palette;
mod writers;

use palette::MAX_KEPT;
pub use palette::{Palette, TRANSPARENT};
pub use writers::{ApngWriter, GifWriter};

/// X's limits for an animated GIF: at most this wide and high...
pub(crate) const GIF_MAX_WIDTH: u32 = 1280;
pub(crate) const GIF_MAX_HEIGHT: u32 = 1080;
/// ...and at most this many bytes (15 MB).
pub const GIF_MAX_BYTES: u64 = 15_000_000;
/// The last frame is held this long (ms) on top of its frame time before the loop restarts.
pub(crate) const HOLD_LAST_MS: u32 = 2_000;
/// Bounds of `--frames` and `--fps` (GIF delays are whole centiseconds; browsers slow
/// delays under 2 cs down, so 50 fps is the fastest a GIF plays as written).
pub(crate) const FRAMES_RANGE: (usize, usize) = (2, 600);
pub(crate) const FPS_RANGE: (u32, u32) = (1, 50);

/// Animation container, chosen by the output's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnimFormat {
    Gif,
    Apng,
}

impl AnimFormat {
    /// `.gif` → GIF, `.png`/`.apng` → APNG, else a usage error naming `-o`.
    pub fn of(path: &std::path::Path) -> Result<Self, Error> {
        match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
            Some("gif") => Ok(AnimFormat::Gif),
            Some("png") | Some("apng") => Ok(AnimFormat::Apng),
            _ => Err(Error::Usage(format!(
                "-o {}: unknown animation format (use a .gif, .png or .apng file name)",
                path.display()
            ))),
        }
    }
}

/// Checks `--frames` and `--fps`, and for GIF the image size against X's limit.
pub fn check_options(format: AnimFormat, frames: usize, fps: u32, width: u32, height: u32) -> Result<(), Error> {
    if !(FRAMES_RANGE.0..=FRAMES_RANGE.1).contains(&frames) {
        return Err(Error::Usage(format!("--frames {frames}: give {} to {} frames", FRAMES_RANGE.0, FRAMES_RANGE.1)));
    }
    if !(FPS_RANGE.0..=FPS_RANGE.1).contains(&fps) {
        return Err(Error::Usage(format!("--fps {fps}: give {} to {} frames per second", FPS_RANGE.0, FPS_RANGE.1)));
    }
    if format == AnimFormat::Gif && (width > GIF_MAX_WIDTH || height > GIF_MAX_HEIGHT) {
        return Err(Error::Usage(format!(
            "--size {width}x{height}: an animated GIF may be at most {GIF_MAX_WIDTH}x{GIF_MAX_HEIGHT} (X's limit); give a smaller --size, e.g. 1200x675"
        )));
    }
    Ok(())
}

/// The snapshot as it was at `t`: candles that closed by `t`, open interest and funding
/// sampled by `t`, captured at `t`.
pub(crate) fn snapshot_until(snap: &MarketSnapshot, t: DateTime<Utc>) -> MarketSnapshot {
    let step = chrono::Duration::seconds(snap.interval_secs());
    let mut s = snap.clone();
    s.captured_at = t.min(snap.captured_at);
    for v in &mut s.venues {
        v.candles.retain(|c| c.open_time + step <= t);
        v.open_interest.retain(|p| p.time <= t);
        v.funding.retain(|p| p.time <= t);
    }
    s
}

/// The frames of an animation: the final analysis and the recorded moments. Building a frame's
/// scene is a pure function of these.
pub struct Frames<'a> {
    snap: &'a MarketSnapshot,
    analysis: Analysis,
    moments: Vec<Moment>,
    chart: ChartOptions,
    zp: ZoneParams,
    rule: ZoneRule,
}

impl<'a> Frames<'a> {
    /// `frames` moments of `snap`'s window (fewer when the window has fewer candles), charted
    /// with `chart` (its size, theme and notes); the colour scale is the final chart's, or
    /// `chart.color_max` when set.
    pub fn new(
        snap: &'a MarketSnapshot,
        params: &EstimateParams,
        zp: &ZoneParams,
        chart: &ChartOptions,
        frames: usize,
    ) -> Result<Self, Error> {
        let (analysis, moments) = analyse_history(snap, params, zp, frames)?;
        let mut chart = chart.clone();
        chart.color_max = Some(ColorScale::pick(&analysis.estimate.grid, chart.color_max).hi);
        let mut f = Frames { snap, analysis, moments, chart, zp: *zp, rule: params.zone_rule };
        // The profile's scale: the largest any frame picks, so bars keep their scale.
        let top = (0..f.len()).map(|i| chart::profile_top(&f.analysis_at(i), &f.chart)).fold(0.0, f64::max);
        f.chart.profile_max = Some(top);
        Ok(f)
    }

    /// How many frames.
    pub fn len(&self) -> usize {
        self.moments.len()
    }

    /// Never true: a window has at least one candle slot.
    pub fn is_empty(&self) -> bool {
        self.moments.is_empty()
    }

    /// The analysis of the whole window (what `render` draws).
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// The moment frame `i` shows.
    pub fn moment(&self, i: usize) -> &Moment {
        &self.moments[i]
    }

    /// The analysis frame `i` draws: the estimate as it stood and the zones found in it.
    pub fn analysis_at(&self, i: usize) -> Analysis {
        let m = &self.moments[i];
        let estimate = m.estimate(&self.analysis.estimate.grid);
        let price = if m.last_price.is_finite() { m.last_price } else { self.analysis.estimate.last_price };
        // The zones of the snapshot cut at the frame (v2: its own reach); v1: zone C among the
        // clusters the chart's (final) price range shows.
        let zones = match self.rule {
            ZoneRule::V2 => {
                // The candles snapshot_until keeps, without copying the snapshot.
                let step = chrono::Duration::seconds(self.snap.interval_secs());
                let cuts = self
                    .snap
                    .venues
                    .iter()
                    .map(|v| &v.candles[..v.candles.partition_point(|c| c.open_time + step <= m.at)]);
                let reach = zones::reach_of_cuts(cuts, self.snap.interval_secs(), &self.zp);
                zones::shelves::find_zones(&estimate.profile, price, &self.zp, reach)
            }
            ZoneRule::V1 => {
                let range = (self.analysis.estimate.grid.price_lo, self.analysis.estimate.grid.price_hi);
                zones::v1::find_zones(&estimate.profile, price, &self.zp, Some(range))
            }
        };
        Analysis { estimate, zones }
    }

    /// The chart of frame `i`.
    pub fn scene(&self, i: usize) -> Scene {
        let m = &self.moments[i];
        let snap = snapshot_until(self.snap, m.at);
        let opts = ChartOptions { frame_at: Some(m.at), ..self.chart.clone() };
        chart::build(&snap, &self.analysis_at(i), &opts)
    }

    /// Frame `i` rasterised (RGBA, opaque).
    pub fn image(&self, i: usize) -> RgbaImage {
        raster::to_rgba(&self.scene(i))
    }

    /// Rasterises frames `range`, a few at a time in parallel, and hands them to `sink` in order.
    pub(crate) fn each_image(&self, range: std::ops::Range<usize>, mut sink: impl FnMut(usize, RgbaImage)) {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        let mut i = range.start;
        while i < range.end {
            let batch: Vec<usize> = (i..(i + threads).min(range.end)).collect();
            let images: Vec<RgbaImage> = std::thread::scope(|s| {
                let handles: Vec<_> = batch.iter().map(|&k| s.spawn(move || self.image(k))).collect();
                handles.into_iter().map(|h| h.join().expect("frame rendering does not panic")).collect()
            });
            for (k, img) in batch.into_iter().zip(images) {
                sink(k, img);
            }
            i += threads;
        }
    }
}

/// Renders and encodes the animation of `snap`: `frames` frames at `fps`, the last one held
/// [`HOLD_LAST_MS`] longer.
pub fn animate(
    snap: &MarketSnapshot,
    params: &EstimateParams,
    zp: &ZoneParams,
    chart: &ChartOptions,
    frames: usize,
    fps: u32,
    format: AnimFormat,
) -> Result<Vec<u8>, Error> {
    check_options(format, frames, fps, chart.width, chart.height)?;
    let f = Frames::new(snap, params, zp, chart, frames)?;
    Ok(encode_frames(&f, fps, format))
}

/// Encodes `f`'s frames.
pub fn encode_frames(f: &Frames, fps: u32, format: AnimFormat) -> Vec<u8> {
    let n = f.len();
    let last = f.image(n - 1);
    let (w, h) = last.dimensions();
    match format {
        AnimFormat::Gif => {
            let mut enc = GifWriter::new(
                w,
                h,
                Palette::from_image(&last, &legend_colours(&last, &Layout::with_scale(w, h, f.chart.scale))),
            );
            f.each_image(0..n - 1, |i, img| enc.push(&img, gif_delay_cs(i, n, fps)));
            enc.push(&last, gif_delay_cs(n - 1, n, fps));
            enc.finish()
        }
        AnimFormat::Apng => {
            let mut enc = ApngWriter::new(w, h, n as u32);
            f.each_image(0..n - 1, |i, img| {
                let (num, den) = apng_delay(i, n, fps);
                enc.push(&img, num, den);
            });
            let (num, den) = apng_delay(n - 1, n, fps);
            enc.push(&last, num, den);
            enc.finish()
        }
    }
}

/// Up to [`MAX_KEPT`] colours evenly spaced along the middle row of the chart's colour bar:
/// the colour map as the chart draws it (whatever the colour map is).
pub fn legend_colours(img: &RgbaImage, layout: &Layout) -> Vec<[u8; 3]> {
    let r = layout.colorbar;
    let y = ((r.y + r.h / 2.0) as u32).min(img.height() - 1);
    let (x0, x1) = ((r.x + 2.0).max(0.0) as u32, ((r.right() - 2.0) as u32).min(img.width() - 1));
    if x1 <= x0 {
        return vec![];
    }
    let n = MAX_KEPT as u32;
    let mut out: Vec<[u8; 3]> = (0..n)
        .map(|k| {
            let p = img.get_pixel(x0 + (x1 - x0) * k / (n - 1), y);
            [p[0], p[1], p[2]]
        })
        .collect();
    out.dedup();
    out
}

/// Delay of GIF frame `i` of `n` in centiseconds: the frame times are rounded so the total
/// is exact (at 8 fps: 12, 13, 12, 13 ...); the last frame adds [`HOLD_LAST_MS`].
pub(crate) fn gif_delay_cs(i: usize, n: usize, fps: u32) -> u16 {
    let at = |k: usize| ((k as u64 * 100 + fps as u64 / 2) / fps as u64) as u16;
    let d = at(i + 1) - at(i);
    if i + 1 == n {
        d + (HOLD_LAST_MS / 10) as u16
    } else {
        d
    }
}

/// Delay of APNG frame `i` of `n` as a fraction of a second.
pub(crate) fn apng_delay(i: usize, n: usize, fps: u32) -> (u16, u16) {
    if i + 1 == n {
        ((1 + fps * HOLD_LAST_MS / 1000) as u16, fps as u16)
    } else {
        (1, fps as u16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gif_delays_add_up_and_the_last_frame_holds() {
        let d: Vec<u16> = (0..8).map(|i| gif_delay_cs(i, 8, 8)).collect();
        assert_eq!(&d[..7], &[13, 12, 13, 12, 13, 12, 13]);
        assert_eq!(d.iter().map(|x| *x as u32).sum::<u32>(), 100 + HOLD_LAST_MS / 10);
        assert_eq!(apng_delay(0, 8, 8), (1, 8));
        assert_eq!(apng_delay(7, 8, 8), (17, 8));
    }
}
