//! Backend-independent drawing: build a [`Scene`] (display list), then turn it
//! into PNG ([`raster::to_png`]) or SVG ([`svg::to_svg`]). Text is drawn from
//! the bundled fonts' outlines in both, so the two outputs have the same geometry.

pub mod raster;
pub mod scene;
pub mod svg;
pub mod text;

pub use scene::{Color, HAlign, Item, Scene, VAlign};
pub use text::PathCmd;
