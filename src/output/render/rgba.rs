//! An opaque 8-bit RGBA image: the rasteriser's output and the animation's frames.
//!
//! The few operations the renderer needs (size, pixel access, the raw rows), kept here so the
//! library does not build a general image crate with its colour management for them.

/// Width × height pixels, 4 bytes each (R, G, B, A), rows top to bottom, no padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbaImage {
    width: u32,
    height: u32,
    data: Vec<u8>,
}

impl RgbaImage {
    /// A transparent black image.
    pub fn new(width: u32, height: u32) -> Self {
        Self { width, height, data: vec![0; width as usize * height as usize * 4] }
    }

    /// The image over `data`, or `None` when `data` is not `width * height * 4` bytes.
    pub fn from_raw(width: u32, height: u32, data: Vec<u8>) -> Option<Self> {
        (data.len() == width as usize * height as usize * 4).then_some(Self { width, height, data })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    pub fn dimensions(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The pixel bytes, row by row.
    pub fn as_raw(&self) -> &[u8] {
        &self.data
    }

    pub fn into_raw(self) -> Vec<u8> {
        self.data
    }

    fn offset(&self, x: u32, y: u32) -> usize {
        assert!(x < self.width && y < self.height, "pixel ({x}, {y}) outside {}x{}", self.width, self.height);
        (y as usize * self.width as usize + x as usize) * 4
    }

    /// The pixel at column `x`, row `y`; panics outside the image.
    pub fn get_pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = self.offset(x, y);
        [self.data[i], self.data[i + 1], self.data[i + 2], self.data[i + 3]]
    }

    /// Sets the pixel at column `x`, row `y`; panics outside the image.
    pub fn put_pixel(&mut self, x: u32, y: u32, p: [u8; 4]) {
        let i = self.offset(x, y);
        self.data[i..i + 4].copy_from_slice(&p);
    }

    /// Every pixel as its 4 bytes, row by row.
    pub fn pixels(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.data.chunks_exact(4)
    }
}

#[cfg(test)]
mod tests {
    use super::RgbaImage;

    #[test]
    fn pixels_are_addressed_row_by_row() {
        let mut img = RgbaImage::new(3, 2);
        img.put_pixel(2, 1, [1, 2, 3, 4]);
        assert_eq!(img.get_pixel(2, 1), [1, 2, 3, 4]);
        assert_eq!(&img.as_raw()[20..24], &[1, 2, 3, 4]);
        assert_eq!(img.pixels().count(), 6);
        assert_eq!(img.pixels().last(), Some(&[1u8, 2, 3, 4][..]));
    }

    #[test]
    fn from_raw_checks_the_length() {
        assert!(RgbaImage::from_raw(2, 2, vec![0; 15]).is_none());
        assert_eq!(RgbaImage::from_raw(2, 2, vec![7; 16]).map(|i| i.dimensions()), Some((2, 2)));
    }

    #[test]
    #[should_panic(expected = "outside 3x2")]
    fn pixels_outside_panic() {
        RgbaImage::new(3, 2).get_pixel(3, 0);
    }
}
