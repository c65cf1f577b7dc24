//! Backend-independent drawing: build a [`Scene`] (display list), then turn it
//! into pixels or SVG. Text is drawn from the bundled fonts' outlines.

pub mod scene;
pub mod text;

pub use scene::{Color, HAlign, Item, Scene, VAlign};
pub use text::PathCmd;
