//! The chart ([`chart::build`]) and the backend-independent drawing under it: build a [`Scene`] (display list), then turn it
//! into PNG ([`raster::to_png`]) or SVG ([`svg::to_svg`]). Text is drawn from
//! the bundled fonts' outlines in both, so the two outputs have the same geometry.

pub mod axis;
pub mod chart;
pub mod layout;
pub mod palette;
pub mod preset;
pub mod raster;
pub mod scene;
pub mod svg;
pub mod text;

pub use scene::{Color, HAlign, Item, Scene, VAlign};
pub use text::PathCmd;
