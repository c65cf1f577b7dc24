//! Zone edges and labels on the chart: each zone's two dashed edges and its label. Full-size
//! charts put the label at the plot's right edge, beside the zone and clear of every zone's
//! brightest band; compact layouts (presets) put a short tag (`A`, `C↑`) in the price axis,
//! off the map, and the numbers in a legend beside the colour bar.

use super::{Ctx, SMALLEST_TEXT};
use crate::engine::zones::{Where, Zone};
use crate::model::fmt;
use crate::output::render::scene::{Color, HAlign, VAlign};
use crate::output::render::text;

/// A compact layout's zone tag in the price axis: its text, colour and box (px).
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub text: String,
    pub color: Color,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Tag {
    /// Whether the box (x0, y0)-(x1, y1) touches this tag.
    pub fn covers(&self, x0: f32, y0: f32, x1: f32, y1: f32) -> bool {
        x0 < self.x1 && self.x0 < x1 && y0 < self.y1 && self.y0 < y1
    }
}

/// The 0.1 % band around a zone's peak, its brightest: (top, bottom) px.
fn peak_rows(c: &Ctx, z: &Zone) -> (f32, f32) {
    (c.y(z.peak * 1.0005), c.y(z.peak / 1.0005))
}

/// The tags of a compact layout: each zone's tag right-aligned in the price axis at the zone's
/// middle (or the plot's edge for a zone off the chart), pushed apart and off the price marker.
pub(super) fn tags(c: &Ctx, zones: &[Zone], price: f64) -> Vec<Tag> {
    let (p, s) = (c.l.plot, c.l.s);
    let size = c.font(SMALLEST_TEXT);
    let h = text::line_height(size, true) + 4.0 * s;
    let marker = text::line_height(c.font(13.0), true) + 4.0 * s;
    let y_price = c.y(price).clamp(p.y, p.bottom());
    let (lo, hi) = (p.y + h / 2.0, p.bottom() - h / 2.0);
    let mut out = Vec::new();
    for above in [true, false] {
        let side: Vec<&Zone> = zones.iter().filter(|z| (z.side == Where::Above) == above).collect();
        let want: Vec<f32> = side.iter().map(|z| ((c.y(z.high) + c.y(z.low)) / 2.0).clamp(lo, hi)).collect();
        // Each side keeps to its side of the price marker.
        let (a, b) = if above {
            (lo, (y_price - marker / 2.0 - h / 2.0 - 2.0).max(lo))
        } else {
            ((y_price + marker / 2.0 + h / 2.0 + 2.0).min(hi), hi)
        };
        let ys = spread(&want, h + 2.0, a, b);
        for (z, y) in side.into_iter().zip(ys) {
            let off = if c.y(z.low) < p.y {
                "↑ "
            } else if c.y(z.high) > p.bottom() {
                "↓ "
            } else {
                ""
            };
            let text = format!("{off}{}", z.tag());
            let w = text::measure(&text, size, true) + 10.0 * s;
            let x1 = c.l.profile.x - 3.0 * s;
            let color = if z.side == Where::Above { c.th.shorts } else { c.th.longs };
            out.push(Tag { text, color, x0: x1 - w, y0: y - h / 2.0, x1, y1: y + h / 2.0 });
        }
    }
    out
}

/// Draws each zone's dashed edges and its label (full size) or its tag and legend line (compact,
/// `tags` from [`tags`]).
pub(super) fn zones(c: &mut Ctx, zones: &[Zone], tags: &[Tag]) {
    let (p, prof) = (c.l.plot, c.l.profile);
    for z in zones {
        let (y0, y1) = (c.y(z.high), c.y(z.low));
        if y1 < p.y || y0 > p.bottom() {
            continue;
        }
        let color = if z.side == Where::Above { c.th.shorts } else { c.th.longs };
        let (y0, y1) = (y0.max(p.y), y1.min(p.bottom()));
        // No tint over the band: over swept, empty rows it read as an unexplained brown block.
        // The zone is its two dashed edges and its label, both in the side's colour.
        let w = c.stroke(1.0);
        c.scene.dashed_line(p.x, y0, prof.right(), y0, color.with_alpha(0xb0), w, 4.0 * c.l.s);
        c.scene.dashed_line(p.x, y1, prof.right(), y1, color.with_alpha(0xb0), w, 4.0 * c.l.s);
    }
    if c.l.compact {
        compact_labels(c, zones, tags);
    } else {
        full_labels(c, zones);
    }
}

/// Compact: the tags in the price axis and a legend line per zone beside the colour bar
/// (`C↑ 111,221–111,890 $9.81M edge +4.91%`, shorter forms where that does not fit).
fn compact_labels(c: &mut Ctx, zones: &[Zone], tags: &[Tag]) {
    let s = c.l.s;
    let size = c.font(SMALLEST_TEXT);
    for t in tags {
        c.scene.rect(t.x0, t.y0, t.x1 - t.x0, t.y1 - t.y0, c.th.label_background);
        c.scene.stroke_rect(t.x0, t.y0, t.x1 - t.x0, t.y1 - t.y0, t.color, c.stroke(1.0));
        c.scene.text(t.x0 + 5.0 * s, (t.y0 + t.y1) / 2.0, &t.text, size, c.th.text, HAlign::Left, VAlign::Middle, true);
    }
    let bar = c.l.colorbar;
    let title_w = super::colorbar_text_width(c);
    let x = bar.x + bar.w.max(title_w) + 16.0 * s;
    // Into the price axis' free half (the profile's lines under it start further right).
    let right = c.l.plot.right() + (c.l.profile.x - c.l.plot.right()) / 2.0;
    let forms = |z: &Zone| {
        let range = format!("{}–{}", fmt::price(z.low), fmt::price(z.high));
        [
            format!("{range} {} edge {}", fmt::usd(z.usd), fmt::pct(z.edge_distance_pct)),
            format!("{range} {} {}", fmt::usd(z.usd), fmt::pct(z.edge_distance_pct)),
            format!("{range} {}", fmt::usd(z.usd)),
            range,
        ]
    };
    let tag_w = |z: &Zone| text::measure(z.tag(), size, true) + 5.0 * s;
    // One wording for every line: the longest form that fits them all.
    let form = (0..4)
        .find(|&k| zones.iter().all(|z| x + tag_w(z) + text::measure(&forms(z)[k], size, false) <= right))
        .unwrap_or(3);
    for (i, z) in zones.iter().enumerate() {
        let y = c.l.plot.bottom() + (30.0 + 15.0 * i as f32) * s;
        let color = if z.side == Where::Above { c.th.shorts } else { c.th.longs };
        c.scene.text(x, y, z.tag(), size, color, HAlign::Left, VAlign::Middle, true);
        let text_c = c.th.text;
        c.scene.text(x + tag_w(z), y, &forms(z)[form], size, text_c, HAlign::Left, VAlign::Middle, false);
    }
}

/// Full size: labels at the plot's right edge, pushed apart so none overlaps another, each
/// beside its zone (beyond its far edge first) and over no zone's brightest band where the
/// other side is free.
fn full_labels(c: &mut Ctx, zones: &[Zone]) {
    let p = c.l.plot;
    let size = c.font(13.0);
    let h = text::line_height(size, true) + 4.0 * c.l.s;
    let peaks: Vec<(f32, f32)> = zones.iter().map(|z| peak_rows(c, z)).collect();
    let mut labels = Vec::new();
    for z in zones {
        let (y0, y1) = (c.y(z.high), c.y(z.low));
        let color = if z.side == Where::Above { c.th.shorts } else { c.th.longs };
        let range = zone_label_text(z);
        if y1 < p.y {
            labels.push((LabelSpot::fixed(p.y), format!("↑ {} {range} (off chart)", z.tag()), color));
            continue;
        }
        if y0 > p.bottom() {
            labels.push((LabelSpot::fixed(p.bottom()), format!("↓ {} {range} (off chart)", z.tag()), color));
            continue;
        }
        let (y0, y1) = (y0.max(p.y), y1.min(p.bottom()));
        let (far, near) = if z.side == Where::Above {
            (y0 - h / 2.0 - 2.0, y1 + h / 2.0 + 2.0)
        } else {
            (y1 + h / 2.0 + 2.0, y0 - h / 2.0 - 2.0)
        };
        labels.push((
            LabelSpot { first: far, second: near, avoid: Some(peak_rows(c, z)) },
            format!("{} {range}", z.tag()),
            color,
        ));
    }
    let spots: Vec<LabelSpot> = labels.iter().map(|l| l.0).collect();
    let ys = place_labels_clear(&spots, &peaks, h, p.y + h / 2.0 + 2.0, p.bottom() - h / 2.0 - 2.0);
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
    place_labels_clear(spots, &[], h, lo, hi)
}

/// [`place_labels`], where a label also moves to its second choice when its first would
/// cover any of the rows `also` (other zones' brightest bands).
pub fn place_labels_clear(spots: &[LabelSpot], also: &[(f32, f32)], h: f32, lo: f32, hi: f32) -> Vec<f32> {
    let hits = |y: f32, (t, b): (f32, f32)| y - h / 2.0 < b && y + h / 2.0 > t;
    let covers =
        |y: f32, avoid: Option<(f32, f32)>| avoid.is_some_and(|r| hits(y, r)) || also.iter().any(|r| hits(y, *r));
    let mut second = vec![false; spots.len()];
    let mut ys = Vec::new();
    for _ in 0..=spots.len() {
        let want: Vec<f32> = spots.iter().zip(&second).map(|(s, &k)| if k { s.second } else { s.first }).collect();
        ys = spread(&want, h + 2.0, lo, hi);
        let mut changed = false;
        for (i, s) in spots.iter().enumerate() {
            if !second[i] && s.avoid.is_some() && covers(ys[i], s.avoid) {
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
pub fn zone_rule_text(z: &crate::engine::zones::Zones) -> String {
    match z.reach_pct {
        Some(r) => {
            format!("nearest dense shelves (A above, B below), C↑/C↓ the most fuel beyond them within ±{r:.1} %")
        }
        None => "nearest dense clusters (A above, B below), C the densest beyond them on the chart (rule v1)".into(),
    }
}

/// A zone's label without its name: range, USD and the distance from price to its near edge
/// (the report's "Edge distance"), e.g. `102,162–102,674  $4.34M  edge -3.15%`.
pub fn zone_label_text(z: &Zone) -> String {
    format!("{}–{}  {}  edge {}", fmt::price(z.low), fmt::price(z.high), fmt::usd(z.usd), fmt::pct(z.edge_distance_pct))
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
