//! Decoding animations as a viewer shows them (for the `animate` tests).
#![allow(dead_code)]

use image::{Rgba, RgbaImage};

/// A GIF's frames as shown (each composited over the previous one), with their delays (cs),
/// and its loop count.
pub fn decode_gif(bytes: &[u8]) -> (Vec<(RgbaImage, u16)>, gif::Repeat) {
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::RGBA);
    let mut d = opts.read_info(bytes).unwrap();
    let (w, h) = (d.width() as u32, d.height() as u32);
    let mut canvas = RgbaImage::new(w, h);
    let mut out = Vec::new();
    while let Some(f) = d.read_next_frame().unwrap() {
        assert_eq!(f.dispose, gif::DisposalMethod::Keep);
        for y in 0..f.height as u32 {
            for x in 0..f.width as u32 {
                let i = ((y * f.width as u32 + x) * 4) as usize;
                let p = &f.buffer[i..i + 4];
                if p[3] != 0 {
                    canvas.put_pixel(f.left as u32 + x, f.top as u32 + y, Rgba([p[0], p[1], p[2], 255]));
                }
            }
        }
        out.push((canvas.clone(), f.delay));
    }
    (out, d.repeat())
}

/// A frame as shown and its delay (numerator, denominator of a second).
pub type ApngFrame = (RgbaImage, (u16, u16));

/// An APNG's frames as shown (blend-over, no disposal, as written) and their delays.
pub fn decode_apng(bytes: &[u8]) -> (u32, Vec<ApngFrame>) {
    let mut r = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
    let info = r.info().clone();
    let actl = info.animation_control.expect("an animated PNG");
    let mut canvas = RgbaImage::new(info.width, info.height);
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let mut out = Vec::new();
    for _ in 0..actl.num_frames {
        let fi = r.next_frame(&mut buf).unwrap();
        let fc = r.info().frame_control.expect("every frame has a control chunk");
        for y in 0..fi.height {
            for x in 0..fi.width {
                let i = ((y * fi.width + x) * 4) as usize;
                let p = &buf[i..i + 4];
                assert!(p[3] == 0 || p[3] == 255, "pixels are opaque or transparent");
                if p[3] == 255 {
                    canvas.put_pixel(fc.x_offset + x, fc.y_offset + y, Rgba([p[0], p[1], p[2], 255]));
                }
            }
        }
        out.push((canvas.clone(), (fc.delay_num, fc.delay_den)));
    }
    (actl.num_plays, out)
}
