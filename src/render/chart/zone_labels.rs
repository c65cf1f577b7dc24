//! Zone edges and labels on the chart: each zone's two dashed edges and a label at the plot's
//! right edge, beside the zone and clear of its own brightest band.

use super::{Ctx, SMALLEST_TEXT};
use crate::fmt;
use crate::render::scene::{HAlign, VAlign};
use crate::render::text;
use crate::zones::{Where, Zone};

pub(super) fn zones(c: &mut Ctx, zones: &[Zone]) {
    let (p, prof) = (c.l.plot, c.l.profile);
    let size = c.font(if c.l.compact { SMALLEST_TEXT } else { 13.0 });
    let h = text::line_height(size, true) + 4.0 * c.l.s;
    let mut labels = Vec::new();
    for z in zones {
        let (y0, y1) = (c.y(z.high), c.y(z.low));
        let color = if z.side == Where::Above { c.th.shorts } else { c.th.longs };
        let range = zone_label_with(z, if c.l.compact { " " } else { "  " });
        if y1 < p.y {
            labels.push((LabelSpot::fixed(p.y), format!("↑ {} {range} (off chart)", z.tag()), color));
            continue;
        }
        if y0 > p.bottom() {
            labels.push((LabelSpot::fixed(p.bottom()), format!("↓ {} {range} (off chart)", z.tag()), color));
            continue;
        }
        let (y0, y1) = (y0.max(p.y), y1.min(p.bottom()));
        // No tint over the band: over swept, empty rows it read as an unexplained brown block.
        // The zone is its two dashed edges and its label, both in the side's colour.
        let w = c.stroke(1.0);
        c.scene.dashed_line(p.x, y0, prof.right(), y0, color.with_alpha(0xb0), w, 4.0 * c.l.s);
        c.scene.dashed_line(p.x, y1, prof.right(), y1, color.with_alpha(0xb0), w, 4.0 * c.l.s);
        // The label goes beside the zone (beyond its far edge first), never over the zone's
        // own brightest band (the 0.1 % band around its peak).
        let (far, near) = if z.side == Where::Above { (y0 - h / 2.0 - 2.0, y1 + h / 2.0 + 2.0) } else { (y1 + h / 2.0 + 2.0, y0 - h / 2.0 - 2.0) };
        let peak = (c.y(z.peak * 1.0005), c.y(z.peak / 1.0005));
        labels.push((LabelSpot { first: far, second: near, avoid: Some(peak) }, format!("{} {range}", z.tag()), color));
    }
    // Labels at the plot's right edge, pushed apart so none overlaps another. Compact layouts
    // (large text on a small image) draw them at the smallest legible size with single spaces,
    // so they cover less of the plot.
    let spots: Vec<LabelSpot> = labels.iter().map(|l| l.0).collect();
    let ys = place_labels(&spots, h, p.y + h / 2.0 + 2.0, p.bottom() - h / 2.0 - 2.0);
    for ((_, mut s, color), y) in labels.into_iter().zip(ys) {
        let mut w = text::measure(&s, size, true) + 12.0 * c.l.s;
        // Too wide for the plot (large text): the arrow already says "off chart".
        if w + 6.0 * c.l.s > p.w && s.ends_with(" (off chart)") {
            s.truncate(s.len() - " (off chart)".len());
            w = text::measure(&s, size, true) + 12.0 * c.l.s;
        }
        let x = (p.right() - w - 6.0 * c.l.s).max(2.0);
        c.scene.rect(x, y - h / 2.0, w, h, c.th.label_background);
        c.scene.stroke_rect(x, y - h / 2.0, w, h, color, c.stroke(1.0));
        c.scene.text(x + 6.0 * c.l.s, y, &s, size, c.th.text, HAlign::Left, VAlign::Middle, true);
    }
}

/// Where a zone's label may go: its first and second choice of centre (px), and the rows
/// (top, bottom) it must not cover.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelSpot {
    pub first: f32,
    pub second: f32,
    pub avoid: Option<(f32, f32)>,
}

impl LabelSpot {
    fn fixed(y: f32) -> Self {
        LabelSpot { first: y, second: y, avoid: None }
    }
}

/// Label centres for `spots`, labels `h` tall, within `[lo, hi]`, none overlapping another:
/// each at its first choice, or its second where the first (after pushing labels apart)
/// would cover the rows it must avoid.
pub fn place_labels(spots: &[LabelSpot], h: f32, lo: f32, hi: f32) -> Vec<f32> {
    let covers = |y: f32, avoid: Option<(f32, f32)>| avoid.is_some_and(|(t, b)| y - h / 2.0 < b && y + h / 2.0 > t);
    let mut second = vec![false; spots.len()];
    let mut ys = Vec::new();
    for _ in 0..=spots.len() {
        let want: Vec<f32> = spots.iter().zip(&second).map(|(s, &k)| if k { s.second } else { s.first }).collect();
        ys = spread(&want, h + 2.0, lo, hi);
        let mut changed = false;
        for (i, s) in spots.iter().enumerate() {
            if !second[i] && covers(ys[i], s.avoid) {
                second[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    ys
}

/// How the zones were chosen, in a few words (the chart's caption and the alt text).
pub fn zone_rule_text(z: &crate::zones::Zones) -> String {
    match z.reach_pct {
        Some(r) => format!("nearest dense shelves (A above, B below), C↑/C↓ the most fuel beyond them within ±{r:.1} %"),
        None => "nearest dense clusters (A above, B below), C the densest beyond them on the chart (rule v1)".into(),
    }
}

/// A zone's label without its name: range, USD and the distance from price to its near edge
/// (the report's "Edge distance"), e.g. `102,162–102,674  $4.34M  edge -3.15%`.
pub fn zone_label_text(z: &Zone) -> String {
    zone_label_with(z, "  ")
}

/// [`zone_label_text`] with `sep` between its parts (one space in compact layouts).
fn zone_label_with(z: &Zone, sep: &str) -> String {
    format!("{}–{}{sep}{}{sep}edge {}", fmt::price(z.low), fmt::price(z.high), fmt::usd(z.usd), fmt::pct(z.edge_distance_pct))
}

/// Moves label centres `ys` apart to at least `gap`, keeping them within `[lo, hi]` and in order.
pub fn spread(ys: &[f32], gap: f32, lo: f32, hi: f32) -> Vec<f32> {
    let mut idx: Vec<usize> = (0..ys.len()).collect();
    idx.sort_by(|a, b| ys[*a].total_cmp(&ys[*b]));
    let mut out: Vec<f32> = idx.iter().map(|&i| ys[i].clamp(lo, hi)).collect();
    for i in 1..out.len() {
        out[i] = out[i].max(out[i - 1] + gap);
    }
    if let Some(&last) = out.last() {
        if last > hi {
            let shift = last - hi;
            for v in out.iter_mut() {
                *v -= shift;
            }
            for i in (0..out.len().saturating_sub(1)).rev() {
                out[i] = out[i].min(out[i + 1] - gap);
            }
        }
    }
    let mut result = vec![0.0; ys.len()];
    for (k, &i) in idx.iter().enumerate() {
        result[i] = out[k];
    }
    result
}

