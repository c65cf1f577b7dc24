//! Serialises a [`Scene`] as a standalone SVG document.
//!
//! Text is written as filled `<path>`s built from the same outlines the PNG
//! rasteriser fills (no `<text>`, no fonts needed by the viewer), each wrapped
//! in `<g aria-label="...">` holding the original string. Images are embedded
//! as base64 PNG `<image>`s with pixelated (nearest-neighbour) rendering.
//! Numbers have at most 2 decimals, so the same scene always gives the same bytes.

use std::fmt::Write as _;

use base64::Engine as _;

use super::png::encode_png;
use super::scene::{image_is_valid, positive, Color, Item, Scene};
use super::text::{outline_rotated, PathCmd};

/// Renders the scene as SVG (UTF-8 bytes).
pub fn to_svg(scene: &Scene) -> Vec<u8> {
    let (w, h) = (scene.width, scene.height);
    let mut s = String::with_capacity(1024 + scene.items.len() * 96);
    let _ = write!(s, r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#);
    s.push('\n');
    let bg = scene.background;
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="{}"/>"#, bg.to_hex_rgb());
    for item in &scene.items {
        write_item(&mut s, item);
    }
    s.push_str("</svg>\n");
    s.into_bytes()
}

/// Formats a coordinate with at most 2 decimals, trailing zeros trimmed;
/// non-finite values become 0 and `-0` becomes `0`.
pub fn num(v: f32) -> String {
    if !v.is_finite() {
        return "0".to_owned();
    }
    let mut t = format!("{:.2}", v);
    if t.contains('.') {
        let keep = t.trim_end_matches('0').trim_end_matches('.').len();
        t.truncate(keep);
    }
    if t == "-0" {
        t.remove(0);
    }
    t
}

/// Escapes text for use in an XML attribute or element.
pub(crate) fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// ` fill="#rrggbb"` plus ` fill-opacity` when translucent (`attr` = "fill" or "stroke").
fn paint_attr(s: &mut String, attr: &str, c: Color) {
    let _ = write!(s, r#" {attr}="{}""#, c.to_hex_rgb());
    if !c.is_opaque() {
        let _ = write!(s, r#" {attr}-opacity="{}""#, num(f32::from(c.a) / 255.0));
    }
}

fn write_item(s: &mut String, item: &Item) {
    match item {
        Item::Rect { x, y, w, h, fill } => {
            if !(positive(*w) && positive(*h)) {
                return;
            }
            let _ = write!(s, r#"<rect x="{}" y="{}" width="{}" height="{}""#, num(*x), num(*y), num(*w), num(*h));
            paint_attr(s, "fill", *fill);
            s.push_str("/>\n");
        }
        Item::StrokeRect { x, y, w, h, color, width } => {
            if !(positive(*w) && positive(*h) && positive(*width)) {
                return;
            }
            let _ = write!(
                s,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="none""#,
                num(*x),
                num(*y),
                num(*w),
                num(*h)
            );
            paint_attr(s, "stroke", *color);
            let _ = writeln!(s, r#" stroke-width="{}"/>"#, num(*width));
        }
        Item::Line { points, color, width, dash } => {
            if points.len() < 2 || !positive(*width) {
                return;
            }
            s.push_str(r#"<polyline points=""#);
            for (i, (x, y)) in points.iter().enumerate() {
                if i > 0 {
                    s.push(' ');
                }
                let _ = write!(s, "{},{}", num(*x), num(*y));
            }
            s.push_str(r#"" fill="none""#);
            paint_attr(s, "stroke", *color);
            let _ = write!(s, r#" stroke-width="{}" stroke-linejoin="round""#, num(*width));
            if let Some(d) = dash.filter(|d| positive(*d)) {
                let _ = write!(s, r#" stroke-dasharray="{0} {0}""#, num(d));
            }
            s.push_str("/>\n");
        }
        Item::Text { x, y, text, size, color, halign, valign, bold, rotation } => {
            let cmds = outline_rotated(text, *x, *y, *size, *bold, *halign, *valign, *rotation);
            if cmds.is_empty() {
                return;
            }
            let _ = write!(s, r#"<g aria-label="{}"><path d=""#, escape_xml(text));
            path_data(s, &cmds);
            s.push('"');
            paint_attr(s, "fill", *color);
            s.push_str("/></g>\n");
        }
        Item::Circle { cx, cy, r, fill, stroke, width } => {
            if !(positive(*r) && cx.is_finite() && cy.is_finite()) {
                return;
            }
            let _ = write!(s, r#"<circle cx="{}" cy="{}" r="{}""#, num(*cx), num(*cy), num(*r));
            paint_attr(s, "fill", *fill);
            if positive(*width) {
                paint_attr(s, "stroke", *stroke);
                let _ = write!(s, r#" stroke-width="{}""#, num(*width));
            }
            s.push_str("/>\n");
        }
        Item::Image { x, y, w, h, px_w, px_h, rgba } => {
            if !(image_is_valid(*px_w, *px_h, rgba) && positive(*w) && positive(*h)) {
                return;
            }
            let png = if rgba.chunks_exact(4).all(|p| p[3] == 255) {
                let rgb: Vec<u8> = rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
                encode_png(&rgb, *px_w, *px_h, false)
            } else {
                encode_png(rgba, *px_w, *px_h, true)
            };
            let _ = write!(
                s,
                r#"<image x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,"#,
                num(*x),
                num(*y),
                num(*w),
                num(*h)
            );
            base64::engine::general_purpose::STANDARD.encode_string(&png, s);
            s.push_str("\"/>\n");
        }
    }
}

/// Appends compact SVG path data (absolute commands) for `cmds`.
fn path_data(s: &mut String, cmds: &[PathCmd]) {
    for c in cmds {
        let _ = match *c {
            PathCmd::MoveTo(x, y) => write!(s, "M{} {}", num(x), num(y)),
            PathCmd::LineTo(x, y) => write!(s, "L{} {}", num(x), num(y)),
            PathCmd::QuadTo(x1, y1, x, y) => write!(s, "Q{} {} {} {}", num(x1), num(y1), num(x), num(y)),
            PathCmd::CubicTo(x1, y1, x2, y2, x, y) => {
                write!(s, "C{} {} {} {} {} {}", num(x1), num(y1), num(x2), num(y2), num(x), num(y))
            }
            PathCmd::Close => write!(s, "Z"),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::render::scene::{HAlign, VAlign};

    fn sample() -> Scene {
        let mut s = Scene::new(200, 100, Color::hex("#101820"));
        s.rect(1.0, 2.5, 30.0, 40.125, Color::rgb(255, 0, 0).with_alpha(128))
            .stroke_rect(0.5, 0.5, 199.0, 99.0, Color::WHITE, 1.0)
            .dashed_line(0.0, 50.0, 200.0, 50.0, Color::rgb(0, 255, 0), 1.5, 4.0)
            .polyline(vec![(0.0, 0.0), (10.0, 20.0), (30.0, 5.0)], Color::WHITE, 2.0)
            .text(100.0, 50.0, "a < b & \"c\"", 14.0, Color::WHITE, HAlign::Center, VAlign::Middle, false)
            .image(10.0, 60.0, 40.0, 20.0, 2, 1, vec![255, 0, 0, 255, 0, 0, 255, 255]);
        s
    }

    #[test]
    fn numbers_have_at_most_two_decimals() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.5), "1.5");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(-2.10), "-2.1");
        assert_eq!(num(100.0), "100");
        assert_eq!(num(f32::NAN), "0");
    }

    #[test]
    fn svg_structure_and_escaping() {
        let svg = String::from_utf8(to_svg(&sample())).expect("utf-8");
        assert!(svg
            .starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">"#));
        assert!(!svg.contains("<text"));
        assert!(!svg.contains("font-family"));
        assert!(svg.contains(r#"<g aria-label="a &lt; b &amp; &quot;c&quot;"><path d="M"#));
        assert!(svg.contains(r##"fill="#ff0000" fill-opacity="0.5""##));
        assert!(svg.contains(r#"stroke-dasharray="4 4""#));
        assert!(svg.contains(r##"<polyline points="0,0 10,20 30,5" fill="none" stroke="#ffffff""##));
        assert!(svg.contains(r#"style="image-rendering:pixelated" href="data:image/png;base64,iVBOR"#));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("http").count(), 1, "only the namespace URI");
    }

    #[test]
    fn svg_is_deterministic() {
        assert_eq!(to_svg(&sample()), to_svg(&sample()));
    }

    #[test]
    fn escape_drops_invalid_xml_chars() {
        assert_eq!(escape_xml("a\u{1}b<'>"), "ab&lt;&apos;&gt;");
    }
}
