//! `liqshot animate`: the map's evolution over the window as an animated GIF or APNG. Pure:
//! frames are scenes built by the same chart code as `render` ([`super::chart::build`]), and
//! encoding returns bytes.
//!
//! Frame `i` of `n` is the map as it stood at the end of candle slot
//! `ceil((i + 1) * candles / n) - 1` of the window (the last frame is the window's end and
//! equals the static chart but for the frame marker): the grid columns up to that time, the
//! candles up to it, the live profile, price and zones at it (see
//! [`crate::estimate::history`]). All frames share the final chart's axes and colour scale, so
//! a colour means the same USD in every frame. The moments are recorded in one pass of the
//! ledgers (with the zone-widening pass of [`crate::pipeline::analyse`], at most two).
//!
//! GIF: one global palette of 255 colours plus a transparent index, built from the final
//! frame ([`Palette::from_image`]: its most common colours exactly, 64 colours of the colour
//! map sampled from its legend, the rest by median cut); each later frame stores only the pixels that changed
//! (cropped to their bounding box, unchanged pixels transparent). APNG: RGBA frames, later ones
//! cropped and blended over the previous one the same way. Same input, same bytes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use image::RgbaImage;

use super::chart::{self, ChartOptions, ColorScale};
use super::layout::Layout;
use super::raster;
use super::scene::Scene;
use crate::error::Error;
use crate::estimate::{EstimateParams, Moment};
use crate::pipeline::{analyse_history, Analysis};
use crate::snapshot::MarketSnapshot;
use crate::zones::{self, ZoneParams};

/// X's limits for an animated GIF: at most this wide and high...
pub const GIF_MAX_WIDTH: u32 = 1280;
pub const GIF_MAX_HEIGHT: u32 = 1080;
/// ...and at most this many bytes (15 MB).
pub const GIF_MAX_BYTES: u64 = 15_000_000;
/// The last frame is held this long (ms) on top of its frame time before the loop restarts.
pub const HOLD_LAST_MS: u32 = 2_000;
/// Bounds of `--frames` and `--fps` (GIF delays are whole centiseconds; browsers slow
/// delays under 2 cs down, so 50 fps is the fastest a GIF plays as written).
pub const FRAMES_RANGE: (usize, usize) = (2, 600);
pub const FPS_RANGE: (u32, u32) = (1, 50);

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
            _ => Err(Error::Usage(format!("-o {}: unknown animation format (use a .gif, .png or .apng file name)", path.display()))),
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
pub fn snapshot_until(snap: &MarketSnapshot, t: DateTime<Utc>) -> MarketSnapshot {
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
}

impl<'a> Frames<'a> {
    /// `frames` moments of `snap`'s window (fewer when the window has fewer candles), charted
    /// with `chart` (its size, theme and notes); the colour scale is the final chart's, or
    /// `chart.color_max` when set.
    pub fn new(snap: &'a MarketSnapshot, params: &EstimateParams, zp: &ZoneParams, chart: &ChartOptions, frames: usize) -> Result<Self, Error> {
        let (analysis, moments) = analyse_history(snap, params, zp, frames)?;
        let mut chart = chart.clone();
        chart.color_max = Some(ColorScale::pick(&analysis.estimate.grid, chart.color_max).hi);
        let mut f = Frames { snap, analysis, moments, chart, zp: *zp };
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
        let zones = zones::find_zones(&estimate.profile, price, &self.zp);
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
    pub fn each_image(&self, range: std::ops::Range<usize>, mut sink: impl FnMut(usize, RgbaImage)) {
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
            let mut enc = GifWriter::new(w, h, Palette::from_image(&last, &legend_colours(&last)));
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
pub fn legend_colours(img: &RgbaImage) -> Vec<[u8; 3]> {
    let r = Layout::new(img.width(), img.height()).colorbar;
    let y = ((r.y + r.h / 2.0) as u32).min(img.height() - 1);
    let (x0, x1) = ((r.x + 2.0).max(0.0) as u32, ((r.right() - 2.0) as u32).min(img.width() - 1));
    if x1 <= x0 {
        return vec![];
    }
    let n = MAX_KEPT as u32;
    let mut out: Vec<[u8; 3]> = (0..n).map(|k| {
        let p = img.get_pixel(x0 + (x1 - x0) * k / (n - 1), y).0;
        [p[0], p[1], p[2]]
    }).collect();
    out.dedup();
    out
}

/// Delay of GIF frame `i` of `n` in centiseconds: the frame times are rounded so the total
/// is exact (at 8 fps: 12, 13, 12, 13 ...); the last frame adds [`HOLD_LAST_MS`].
pub fn gif_delay_cs(i: usize, n: usize, fps: u32) -> u16 {
    let at = |k: usize| ((k as u64 * 100 + fps as u64 / 2) / fps as u64) as u16;
    let d = at(i + 1) - at(i);
    if i + 1 == n {
        d + (HOLD_LAST_MS / 10) as u16
    } else {
        d
    }
}

/// Delay of APNG frame `i` of `n` as a fraction of a second.
pub fn apng_delay(i: usize, n: usize, fps: u32) -> (u16, u16) {
    if i + 1 == n {
        ((1 + fps * HOLD_LAST_MS / 1000) as u16, fps as u16)
    } else {
        (1, fps as u16)
    }
}

/// A GIF palette: up to 255 opaque colours (index 255 is kept for "unchanged"), with a
/// lookup from colours to their nearest entry.
#[derive(Debug, Clone)]
pub struct Palette {
    /// RGB triples, 256 entries (unused ones black).
    pub rgb: Vec<[u8; 3]>,
    /// Entries in use (`1..=255`); the rest is padding.
    used: usize,
    /// Entries taken verbatim (the image's most common colours: backgrounds, text, lines).
    exact: Vec<([u8; 3], u8)>,
    /// Nearest entry per 6-bit-per-channel colour cell (low byte), [`UNSET`] until computed,
    /// [`HAS_EXACT`] set where the cell holds an exact colour.
    lut: Vec<u16>,
}

/// The palette index that means "pixel unchanged since the previous frame".
pub const TRANSPARENT: u8 = 255;
const COLOURS: usize = 255;
/// Colours covering at least this share of the image go into the palette exactly.
const EXACT_SHARE: f64 = 0.000_5;
const MAX_EXACT: usize = 48;
/// At most this many colour-map colours are kept in the palette.
const MAX_KEPT: usize = 64;
/// Marks a lookup cell that holds one of the exact colours.
const HAS_EXACT: u16 = 0x8000;
/// Marks a lookup cell whose nearest entry is not computed yet.
const UNSET: u16 = 0x4000;

fn cell(c: [u8; 3]) -> usize {
    ((c[0] as usize >> 2) << 12) | ((c[1] as usize >> 2) << 6) | (c[2] as usize >> 2)
}

fn dist(a: [u8; 3], b: [u8; 3]) -> u32 {
    // Weighted for perceived difference (green counts most, blue least).
    let d = |i: usize| (a[i] as i32 - b[i] as i32).pow(2) as u32;
    3 * d(0) + 4 * d(1) + 2 * d(2)
}

impl Palette {
    /// From an image's colours: those covering at least 0.05 % of it (up to 48, most common
    /// first) verbatim, then `keep` (e.g. the colour map, sampled from the chart's legend), the
    /// rest by median cut of the remaining colours (weighted by count); an image of at most
    /// 255 colours gets them all verbatim.
    pub fn from_image(img: &RgbaImage, keep: &[[u8; 3]]) -> Self {
        let mut counts: HashMap<[u8; 3], u32> = HashMap::new();
        for p in img.pixels() {
            *counts.entry([p[0], p[1], p[2]]).or_default() += 1;
        }
        let mut hist: Vec<([u8; 3], u32)> = counts.into_iter().collect();
        // Most common first, ties by colour: the order does not depend on the hash map.
        hist.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        if hist.len() <= COLOURS {
            return Palette::new(hist.iter().map(|e| e.0).collect(), hist.len());
        }
        let total = img.width() as f64 * img.height() as f64;
        let n_exact = hist.iter().take(MAX_EXACT).take_while(|(_, n)| *n as f64 >= EXACT_SHARE * total).count();
        let mut rgb: Vec<[u8; 3]> = hist[..n_exact].iter().map(|e| e.0).collect();
        for c in keep.iter().take(MAX_KEPT) {
            if !rgb.contains(c) {
                rgb.push(*c);
            }
        }
        let rest: Vec<([u8; 3], u32)> = hist[n_exact..].iter().filter(|e| !rgb.contains(&e.0)).copied().collect();
        let room = COLOURS - rgb.len();
        rgb.extend(median_cut(rest, room));
        Palette::new(rgb, n_exact)
    }

    /// `rgb[..exact]` are matched exactly.
    fn new(mut rgb: Vec<[u8; 3]>, exact: usize) -> Self {
        rgb.truncate(COLOURS);
        let used = rgb.len().max(1);
        let exact: Vec<([u8; 3], u8)> = rgb.iter().take(exact.min(used)).enumerate().map(|(i, c)| (*c, i as u8)).collect();
        rgb.resize(256, [0, 0, 0]);
        let mut lut = vec![UNSET; 1 << 18];
        for (c, _) in &exact {
            lut[cell(*c)] |= HAS_EXACT;
        }
        Palette { rgb, used, exact, lut }
    }

    fn nearest(&self, c: [u8; 3]) -> u8 {
        let n = self.used;
        let mut best = (u32::MAX, 0u8);
        for (i, p) in self.rgb[..n].iter().enumerate() {
            let d = dist(c, *p);
            if d < best.0 {
                best = (d, i as u8);
            }
        }
        best.1
    }

    /// The palette index drawing colour `c`.
    pub fn index(&mut self, c: [u8; 3]) -> u8 {
        let k = cell(c);
        let v = self.lut[k];
        if v & HAS_EXACT != 0 {
            if let Some((_, i)) = self.exact.iter().find(|(e, _)| *e == c) {
                return *i;
            }
        }
        if v & UNSET == 0 {
            return (v & 0xff) as u8;
        }
        // Nearest to the cell's centre, so the answer does not depend on which colour of the
        // cell came first.
        let centre = [(c[0] & !3) | 2, (c[1] & !3) | 2, (c[2] & !3) | 2];
        let i = self.nearest(centre);
        self.lut[k] = (v & HAS_EXACT) | i as u16;
        i
    }

    /// Palette indices of every pixel of `img`.
    pub fn indices(&mut self, img: &RgbaImage) -> Vec<u8> {
        img.pixels().map(|p| self.index([p[0], p[1], p[2]])).collect()
    }
}

/// Median cut of a weighted colour histogram into at most `k` colours (each a box's weighted
/// mean). Deterministic: the input order is fixed and ties are broken by position.
fn median_cut(hist: Vec<([u8; 3], u32)>, k: usize) -> Vec<[u8; 3]> {
    let mut boxes: Vec<Vec<([u8; 3], u32)>> = vec![hist];
    while boxes.len() < k {
        // Split the box with the largest weighted spread along its widest channel.
        let score = |b: &Vec<([u8; 3], u32)>| -> (u64, usize) {
            let mut best = (0u64, 0usize);
            for ch in 0..3 {
                let lo = b.iter().map(|e| e.0[ch]).min().unwrap_or(0);
                let hi = b.iter().map(|e| e.0[ch]).max().unwrap_or(0);
                let w: u64 = b.iter().map(|e| e.1 as u64).sum();
                let s = (hi - lo) as u64 * (w as f64).sqrt() as u64;
                if s > best.0 {
                    best = (s, ch);
                }
            }
            best
        };
        let (i, (s, ch)) = boxes.iter().enumerate().map(|(i, b)| (i, score(b))).max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.0.cmp(&a.0))).expect("one box");
        if s == 0 || boxes[i].len() < 2 {
            break;
        }
        let mut b = boxes.swap_remove(i);
        b.sort_by(|x, y| x.0[ch].cmp(&y.0[ch]).then(x.0.cmp(&y.0)));
        let total: u64 = b.iter().map(|e| e.1 as u64).sum();
        let mut acc = 0u64;
        let mut cut = 1;
        for (j, e) in b.iter().enumerate() {
            acc += e.1 as u64;
            if acc * 2 >= total {
                cut = (j + 1).clamp(1, b.len() - 1);
                break;
            }
        }
        let right = b.split_off(cut);
        boxes.push(b);
        boxes.push(right);
    }
    // Stable order of the output: by colour.
    let mut out: Vec<[u8; 3]> = boxes
        .iter()
        .map(|b| {
            let w: f64 = b.iter().map(|e| e.1 as f64).sum::<f64>().max(1.0);
            let m = |ch: usize| (b.iter().map(|e| e.0[ch] as f64 * e.1 as f64).sum::<f64>() / w).round() as u8;
            [m(0), m(1), m(2)]
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The bounding box `(x, y, w, h)` of the pixels where `a` and `b` differ, `None` if equal.
fn changed_box<T: PartialEq>(a: &[T], b: &[T], w: usize, px: usize) -> Option<(usize, usize, usize, usize)> {
    let h = a.len() / (w * px);
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for y in 0..h {
        let row = y * w * px..(y + 1) * w * px;
        let (ra, rb) = (&a[row.clone()], &b[row]);
        if ra == rb {
            continue;
        }
        let first = (0..w).find(|&x| ra[x * px..(x + 1) * px] != rb[x * px..(x + 1) * px]).expect("rows differ");
        let last = (0..w).rev().find(|&x| ra[x * px..(x + 1) * px] != rb[x * px..(x + 1) * px]).expect("rows differ");
        x0 = x0.min(first);
        x1 = x1.max(last);
        y0 = y0.min(y);
        y1 = y;
    }
    (x0 != usize::MAX).then(|| (x0, y0, x1 - x0 + 1, y1 - y0 + 1))
}

/// Streams indexed frames into a looping GIF with one global palette.
pub struct GifWriter {
    enc: gif::Encoder<Vec<u8>>,
    palette: Palette,
    prev: Option<Vec<u8>>,
    w: usize,
    h: usize,
}

impl GifWriter {
    /// A GIF of `w` x `h` (at most 65535 each).
    pub fn new(w: u32, h: u32, palette: Palette) -> Self {
        let flat: Vec<u8> = palette.rgb.iter().flatten().copied().collect();
        let mut enc = gif::Encoder::new(Vec::new(), w as u16, h as u16, &flat).expect("writing to memory");
        enc.set_repeat(gif::Repeat::Infinite).expect("writing to memory");
        GifWriter { enc, palette, prev: None, w: w as usize, h: h as usize }
    }

    /// Adds a frame shown for `delay_cs` centiseconds.
    pub fn push(&mut self, img: &RgbaImage, delay_cs: u16) {
        assert_eq!((img.width() as usize, img.height() as usize), (self.w, self.h), "frames have the animation's size");
        let idx = self.palette.indices(img);
        let mut frame = match &self.prev {
            None => gif::Frame::from_indexed_pixels(self.w as u16, self.h as u16, idx.clone(), None),
            Some(prev) => match changed_box(prev, &idx, self.w, 1) {
                None => gif::Frame::from_indexed_pixels(1, 1, vec![TRANSPARENT], Some(TRANSPARENT)),
                Some((x, y, bw, bh)) => {
                    let mut px = Vec::with_capacity(bw * bh);
                    for row in y..y + bh {
                        let r = row * self.w;
                        px.extend(idx[r + x..r + x + bw].iter().zip(&prev[r + x..r + x + bw]).map(|(n, o)| if n == o { TRANSPARENT } else { *n }));
                    }
                    let mut f = gif::Frame::from_indexed_pixels(bw as u16, bh as u16, px, Some(TRANSPARENT));
                    (f.left, f.top) = (x as u16, y as u16);
                    f
                }
            },
        };
        frame.dispose = gif::DisposalMethod::Keep;
        frame.delay = delay_cs;
        frame.palette = None;
        self.enc.write_frame(&frame).expect("writing to memory");
        self.prev = Some(idx);
    }

    /// The GIF's bytes.
    pub fn finish(self) -> Vec<u8> {
        self.enc.into_inner().expect("writing to memory")
    }
}

/// Streams RGBA frames into an APNG (looping); later frames hold only the changed box, with
/// unchanged pixels transparent and blended over the previous frame.
pub struct ApngWriter {
    w: u32,
    h: u32,
    frames: u32,
    out: Option<png::Writer<Shared>>,
    buf: Shared,
    prev: Option<Vec<u8>>,
}

/// The APNG's bytes, shared with the encoder (which only gives its writer back on error).
#[derive(Clone, Default)]
struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl ApngWriter {
    /// An APNG of `frames` frames of `w` x `h`.
    pub fn new(w: u32, h: u32, frames: u32) -> Self {
        ApngWriter { w, h, frames, out: None, buf: Shared::default(), prev: None }
    }

    /// Adds a frame shown for `num / den` seconds.
    pub fn push(&mut self, img: &RgbaImage, num: u16, den: u16) {
        assert_eq!(img.dimensions(), (self.w, self.h), "frames have the animation's size");
        let data = img.as_raw();
        let writer = self.out.get_or_insert_with(|| {
            let mut e = png::Encoder::new(self.buf.clone(), self.w, self.h);
            e.set_color(png::ColorType::Rgba);
            e.set_depth(png::BitDepth::Eight);
            e.set_compression(png::Compression::Fast);
            e.set_animated(self.frames, 0).expect("at least one frame");
            e.write_header().expect("writing to memory")
        });
        writer.set_frame_delay(num, den).expect("animated");
        match &self.prev {
            None => writer.write_image_data(data).expect("a frame of the image's size"),
            Some(prev) => {
                let (x, y, bw, bh) = changed_box(prev, data, self.w as usize, 4).unwrap_or((0, 0, 1, 1));
                let mut px = Vec::with_capacity(bw * bh * 4);
                for row in y..y + bh {
                    let r = (row * self.w as usize + x) * 4;
                    for (n, o) in data[r..r + bw * 4].chunks_exact(4).zip(prev[r..r + bw * 4].chunks_exact(4)) {
                        px.extend_from_slice(if n == o { &[0, 0, 0, 0] } else { n });
                    }
                }
                // Shrink first, then move: the box must fit the image at every step.
                writer.set_frame_dimension(bw as u32, bh as u32).expect("box inside the image");
                writer.set_frame_position(x as u32, y as u32).expect("box inside the image");
                writer.set_blend_op(png::BlendOp::Over).expect("animated");
                writer.set_dispose_op(png::DisposeOp::None).expect("animated");
                writer.write_image_data(&px).expect("a frame of the box's size");
            }
        }
        self.prev = Some(data.clone());
    }

    /// The APNG's bytes.
    pub fn finish(self) -> Vec<u8> {
        self.out.expect("at least one frame was pushed").finish().expect("every frame was written");
        self.buf.0.take()
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

    #[test]
    fn palette_keeps_common_colours_exact_and_maps_others_near() {
        let mut img = RgbaImage::new(100, 100);
        for (x, y, p) in img.enumerate_pixels_mut() {
            // A flat background, a band of a second flat colour, and a 2-D gradient.
            *p = if y < 40 {
                image::Rgba([0x12, 0x14, 0x1a, 255])
            } else if y < 50 {
                image::Rgba([0xe6, 0xe8, 0xee, 255])
            } else {
                image::Rgba([(x * 2) as u8, (y * 5 - 250) as u8, 128, 255])
            };
        }
        let mut p = Palette::from_image(&img, &[]);
        let bg = p.index([0x12, 0x14, 0x1a]);
        assert_eq!(p.rgb[bg as usize], [0x12, 0x14, 0x1a]);
        let fg = p.index([0xe6, 0xe8, 0xee]);
        assert_eq!(p.rgb[fg as usize], [0xe6, 0xe8, 0xee]);
        let mut worst = 0u32;
        for (x, y, px) in img.enumerate_pixels() {
            let i = p.index([px[0], px[1], px[2]]);
            assert_ne!(i, TRANSPARENT);
            if y >= 50 {
                let q = p.rgb[i as usize];
                worst = worst.max((0..3).map(|c| (q[c] as i32 - px[c] as i32).unsigned_abs()).max().unwrap());
            }
            let _ = x;
        }
        // 2,500 gradient colours in 253 entries: every pixel within a few levels.
        assert!(worst <= 12, "worst channel error {worst}");
    }

    #[test]
    fn changed_box_bounds_the_difference() {
        let a = vec![0u8; 20];
        let mut b = a.clone();
        assert_eq!(changed_box(&a, &b, 5, 1), None);
        b[6] = 1; // (1, 1)
        b[13] = 1; // (3, 2)
        assert_eq!(changed_box(&a, &b, 5, 1), Some((1, 1, 3, 2)));
    }
}
