//! Pixel comparison with a tolerance, writing a diff image on failure.
#![allow(dead_code)]

use std::path::Path;

use image::{Rgba, RgbaImage};

/// Compares two images pixel by pixel. A pixel is "bad" when any channel
/// differs by more than `channel_tol`. Fails when the sizes differ or when the
/// fraction of bad pixels exceeds `max_bad_fraction`; on failure writes a diff
/// image to `diff_path` (bad pixels red over a dimmed copy of `expected`) and
/// names it in the error.
pub fn compare(
    actual: &RgbaImage,
    expected: &RgbaImage,
    channel_tol: u8,
    max_bad_fraction: f64,
    diff_path: &Path,
) -> Result<(), String> {
    if actual.dimensions() != expected.dimensions() {
        return Err(format!("size differs: actual {:?}, expected {:?}", actual.dimensions(), expected.dimensions()));
    }
    let (w, h) = expected.dimensions();
    let mut diff = RgbaImage::new(w, h);
    let mut bad = 0u64;
    let mut worst = 0u8;
    for ((a, e), d) in actual.pixels().zip(expected.pixels()).zip(diff.pixels_mut()) {
        let delta = a.0.iter().zip(e.0.iter()).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0);
        worst = worst.max(delta);
        *d = if delta > channel_tol {
            bad += 1;
            Rgba([255, 0, 0, 255])
        } else {
            let dim = |c: u8| 160 + c / 4;
            Rgba([dim(e.0[0]), dim(e.0[1]), dim(e.0[2]), 255])
        };
    }
    let total = u64::from(w) * u64::from(h);
    let fraction = if total == 0 { 0.0 } else { bad as f64 / total as f64 };
    if fraction <= max_bad_fraction {
        return Ok(());
    }
    if let Some(dir) = diff_path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let saved = match diff.save(diff_path) {
        Ok(()) => format!("diff written to {}", diff_path.display()),
        Err(e) => format!("could not write diff {}: {e}", diff_path.display()),
    };
    Err(format!(
        "{bad} of {total} pixels ({:.4}%) differ by more than {channel_tol} (worst {worst}); allowed {:.4}%; {saved}",
        fraction * 100.0,
        max_bad_fraction * 100.0
    ))
}

/// Mean absolute channel difference (RGB, alpha ignored); `f64::INFINITY` on a size mismatch.
pub fn mean_abs_diff(a: &RgbaImage, b: &RgbaImage) -> f64 {
    if a.dimensions() != b.dimensions() {
        return f64::INFINITY;
    }
    let sum: u64 =
        a.pixels().zip(b.pixels()).map(|(p, q)| (0..3).map(|i| u64::from(p.0[i].abs_diff(q.0[i]))).sum::<u64>()).sum();
    sum as f64 / (f64::from(a.width()) * f64::from(a.height()) * 3.0).max(1.0)
}
