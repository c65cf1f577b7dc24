//! Streaming GIF and APNG writers: the first frame whole, each later one only the box of
//! pixels that changed since the previous frame (unchanged pixels transparent).

use crate::output::render::RgbaImage;

use super::palette::{Palette, TRANSPARENT};

/// The bounding box `(x, y, w, h)` of the pixels where `a` and `b` differ, `None` if equal.
pub(super) fn changed_box<T: PartialEq>(a: &[T], b: &[T], w: usize, px: usize) -> Option<(usize, usize, usize, usize)> {
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
                        px.extend(idx[r + x..r + x + bw].iter().zip(&prev[r + x..r + x + bw]).map(|(n, o)| {
                            if n == o {
                                TRANSPARENT
                            } else {
                                *n
                            }
                        }));
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
        self.prev = Some(data.to_vec());
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
    fn changed_box_bounds_the_difference() {
        let a = vec![0u8; 20];
        let mut b = a.clone();
        assert_eq!(changed_box(&a, &b, 5, 1), None);
        b[6] = 1; // (1, 1)
        b[13] = 1; // (3, 2)
        assert_eq!(changed_box(&a, &b, 5, 1), Some((1, 1, 3, 2)));
    }
}
