//! PNG encoding of the charts: RGB8 rows straight into zlib-rs ([`PNG_LEVEL`], no row filter),
//! large images in pieces deflated at once that join into one zlib stream.

/// An RGB8 PNG of opaque RGBA rows (the alpha bytes are dropped row by row as they are
/// compressed: no RGB copy of the image is made), deflated at zlib `level` with no row filter.
/// An image of at least [`SPLIT_MIN_PIXELS`] is deflated in two halves at once (the top half
/// on a second thread), pigz-style: the top half's deflate stream ends on a byte boundary
/// without the final block and the bottom half's starts afresh, so the halves are one zlib
/// stream (the bottom half's matches cannot reach into the top half: a few hundred bytes more).
pub fn png_from_rgba_opaque(rgba: &[u8], w: u32, h: u32, level: u32) -> Vec<u8> {
    let (wu, hu) = (w as usize, h as usize);
    let split = split_row(wu, hu);
    let (top, bottom) = rgba[..wu * hu * 4].split_at(split * wu * 4);
    let parts = two_parts((split > 0).then_some(top), bottom, |rows, last| rgba_part(rows, wu, level, last));
    png_of_parts(w, h, 2, level, &parts)
}

/// The pieces of one zlib stream made by `part(piece, last)`: of `bottom` alone, or of `top` (on a
/// second thread) and `bottom` at once, in that order.
pub(crate) fn two_parts<T: Send>(top: Option<T>, bottom: T, part: impl Fn(T, bool) -> Part + Sync) -> Vec<Part> {
    let Some(top) = top else { return vec![part(bottom, true)] };
    std::thread::scope(|sc| {
        let t = sc.spawn(|| part(top, false));
        let b = part(bottom, true);
        vec![t.join().unwrap_or_else(|e| std::panic::resume_unwind(e)), b]
    })
}

/// The first row of the bottom half of a `w` x `h` image that is split in two, or 0 for an
/// image too small to split.
pub(crate) fn split_row(w: usize, h: usize) -> usize {
    if w * h >= SPLIT_MIN_PIXELS {
        h / 2
    } else {
        0
    }
}

/// The deflated RGB rows of opaque RGBA `rows` of width `w` (see [`deflate_rows`]).
pub(crate) fn rgba_part(rows: &[u8], w: usize, level: u32, last: bool) -> Part {
    let rgb_row = |src: &[u8], dst: &mut [u8]| {
        for (d, p) in dst.chunks_exact_mut(3).zip(src.chunks_exact(4)) {
            d.copy_from_slice(&p[..3]);
        }
    };
    deflate_rows(
        rows.len() / (w * 4).max(1),
        w * 3,
        |i, dst| rgb_row(&rows[i * w * 4..(i + 1) * w * 4], dst),
        level,
        last,
    )
}

/// Images of at least this many pixels are deflated in two halves at once
/// ([`png_from_rgba_opaque`]); smaller ones are not worth a thread.
pub(crate) const SPLIT_MIN_PIXELS: usize = 400_000;

/// The zlib level of every PNG, with no row filter: zlib-rs (the `flate2` backend) at this level
/// makes the 1600x900 example smaller than the 200 KB goal of #21 in less time than miniz_oxide's
/// level 1 took (`cargo bench --bench render`, benches/README.md). The pixels are the same
/// whatever the level: PNG is lossless.
pub(crate) const PNG_LEVEL: u32 = 2;

/// The row filter of every PNG: none. The chart is mostly flat colour and horizontal bands, whose
/// unfiltered rows deflate's matches already find; filtering made them larger at every zlib level
/// measured (benches/README.md).
pub(crate) const PNG_FILTER: u8 = 0;

/// Encodes 8-bit RGB rows (or RGBA rows, with `alpha`) as PNG with the project's settings.
pub(crate) fn encode_png(data: &[u8], w: u32, h: u32, alpha: bool) -> Vec<u8> {
    let (ct, bpp) = if alpha { (6, 4) } else { (2, 3) };
    let n = w as usize * bpp;
    let rows = data.len().checked_div(n).unwrap_or(0).min(h as usize);
    let part = deflate_rows(rows, n, |i, dst| dst.copy_from_slice(&data[i * n..(i + 1) * n]), PNG_LEVEL, true);
    png_of_parts(w, h, ct, PNG_LEVEL, &[part])
}

/// One piece of a zlib stream: raw deflate bytes, the Adler-32 of what they hold and its length.
pub(crate) struct Part {
    deflated: Vec<u8>,
    adler: u32,
    len: u64,
}

/// Raw deflate (no zlib header or checksum) of `rows` PNG rows of `row_len` bytes (each after
/// its filter byte, [`PNG_FILTER`]), `fill(i, buf)` writing row `i`; ends on a byte boundary
/// (a sync flush) or, when `last`, with the final block.
fn deflate_rows(rows: usize, row_len: usize, mut fill: impl FnMut(usize, &mut [u8]), level: u32, last: bool) -> Part {
    let mut z = flate2::Compress::new(flate2::Compression::new(level.min(9)), false);
    let mut out = Vec::with_capacity((rows * (row_len + 1) / 16).max(1024));
    let mut row = vec![0u8; row_len + 1];
    row[0] = PNG_FILTER;
    let mut adler = 1u32;
    for i in 0..rows {
        fill(i, &mut row[1..]);
        adler = zlib_rs::adler32::adler32(adler, &row);
        deflate(&mut z, &row, &mut out, flate2::FlushCompress::None);
    }
    let flush = if last { flate2::FlushCompress::Finish } else { flate2::FlushCompress::Sync };
    deflate(&mut z, &[], &mut out, flush);
    Part { deflated: out, adler, len: (rows * (row_len + 1)) as u64 }
}

/// Feeds `input` to `z`, growing `out` as needed, until all of it is taken and (with a flush)
/// everything is written out.
fn deflate(z: &mut flate2::Compress, mut input: &[u8], out: &mut Vec<u8>, flush: flate2::FlushCompress) {
    let finishing = matches!(flush, flate2::FlushCompress::Finish);
    loop {
        if out.capacity() - out.len() < 16 * 1024 {
            out.reserve(out.capacity().max(64 * 1024));
        }
        let before = z.total_in();
        let status = z.compress_vec(input, out, flush).expect("deflating into memory cannot fail");
        input = &input[(z.total_in() - before) as usize..];
        let spare = out.capacity() - out.len();
        if status == flate2::Status::StreamEnd || (!finishing && input.is_empty() && spare > 0) {
            return;
        }
    }
}

/// A PNG of one `w` x `h` 8-bit image of `color_type` (2 RGB, 6 RGBA) whose zlib stream at
/// `level` is `parts` in order (the last one ending with the final block): signature, IHDR,
/// one IDAT (the zlib header, the parts, the Adler-32 of all), IEND.
pub(crate) fn png_of_parts(w: u32, h: u32, color_type: u8, level: u32, parts: &[Part]) -> Vec<u8> {
    let size: usize = parts.iter().map(|p| p.deflated.len()).sum();
    let mut out = Vec::with_capacity(size + 64);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = [0u8; 13];
    ihdr[..4].copy_from_slice(&w.to_be_bytes());
    ihdr[4..8].copy_from_slice(&h.to_be_bytes());
    ihdr[8..].copy_from_slice(&[8, color_type, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let idat = out.len();
    out.extend_from_slice(&((size + 6) as u32).to_be_bytes());
    out.extend_from_slice(b"IDAT");
    // The zlib header as zlib writes it: deflate, 32 KB window, the level's class.
    let class: u16 = match level {
        0 | 1 => 0,
        2..=5 => 1,
        6 => 2,
        _ => 3,
    };
    let header = 0x7800 | (class << 6);
    out.extend_from_slice(&(header + 31 - header % 31).to_be_bytes());
    let mut adler = 1u32;
    for p in parts {
        out.extend_from_slice(&p.deflated);
        adler = zlib_rs::adler32::adler32_combine(adler, p.adler, p.len);
    }
    out.extend_from_slice(&adler.to_be_bytes());
    let crc = crc32fast::hash(&out[idat + 4..]);
    out.extend_from_slice(&crc.to_be_bytes());
    chunk(&mut out, b"IEND", &[]);
    out
}

/// Appends a PNG chunk: length, type, data, CRC of type and data.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}
