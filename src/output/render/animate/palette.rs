//! The GIF palette of an animation: one for every frame, from the last frame's colours.

use std::collections::HashMap;

use crate::output::render::RgbaImage;

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
pub(super) const MAX_KEPT: usize = 64;
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
        let exact: Vec<([u8; 3], u8)> =
            rgb.iter().take(exact.min(used)).enumerate().map(|(i, c)| (*c, i as u8)).collect();
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
    pub(crate) fn indices(&mut self, img: &RgbaImage) -> Vec<u8> {
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
        let (i, (s, ch)) = boxes
            .iter()
            .enumerate()
            .map(|(i, b)| (i, score(b)))
            .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.0.cmp(&a.0)))
            .expect("one box");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_keeps_common_colours_exact_and_maps_others_near() {
        let mut img = RgbaImage::new(100, 100);
        for (x, y) in (0..100).flat_map(|y| (0..100).map(move |x| (x, y))) {
            // A flat background, a band of a second flat colour, and a 2-D gradient.
            let p = if y < 40 {
                [0x12, 0x14, 0x1a, 255]
            } else if y < 50 {
                [0xe6, 0xe8, 0xee, 255]
            } else {
                [(x * 2) as u8, (y * 5 - 250) as u8, 128, 255]
            };
            img.put_pixel(x, y, p);
        }
        let mut p = Palette::from_image(&img, &[]);
        let bg = p.index([0x12, 0x14, 0x1a]);
        assert_eq!(p.rgb[bg as usize], [0x12, 0x14, 0x1a]);
        let fg = p.index([0xe6, 0xe8, 0xee]);
        assert_eq!(p.rgb[fg as usize], [0xe6, 0xe8, 0xee]);
        let mut worst = 0u32;
        for (x, y) in (0..100).flat_map(|y| (0..100).map(move |x| (x, y))) {
            let px = img.get_pixel(x, y);
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
}
