//! The profile panel's breakdown and cumulative axis: bars stacked by leverage tier or venue
//! (`--profile leverage|venue`) with a legend naming each part's colour, and the cumulative
//! long and short curves on a labelled secondary USD axis along the panel's top, inside the
//! panel. Pure.

use super::{text, Ctx, HAlign, VAlign};
use crate::engine::breakdown::Breakdown;
use crate::engine::levels::Band;
use crate::model::fmt;
use crate::output::render::axis;
use crate::output::render::scene::Color;

/// The colours of a breakdown's parts, in order (none is the side colours' blue or orange,
/// which the cumulative curves keep): 5x, 10x, 25x, 50x, 100x of the default mix, or venues.
pub const PART_COLORS: [Color; 8] = [
    Color::rgb(0x2c, 0xa5, 0x8d),
    Color::rgb(0xbc, 0xbd, 0x22),
    Color::rgb(0x94, 0x67, 0xbd),
    Color::rgb(0xe3, 0x77, 0xc2),
    Color::rgb(0xd6, 0x27, 0x28),
    Color::rgb(0x17, 0xbe, 0xcf),
    Color::rgb(0x8c, 0x56, 0x4b),
    Color::rgb(0x7f, 0x7f, 0x7f),
];

/// The colour of part `i`.
pub(crate) fn part_color(i: usize) -> Color {
    PART_COLORS[i % PART_COLORS.len()]
}

/// The indices (into the whole `levels` bands) of `bands` whose (log) middle lies in `lo..=hi`.
pub fn visible(bands: &[Band], lo: f64, hi: f64) -> Vec<usize> {
    (0..bands.len())
        .filter(|&i| {
            let m = (bands[i].price_low * bands[i].price_high).sqrt();
            m >= lo && m <= hi
        })
        .collect()
}

/// The parts' USD (long + short) in band `i`, in the breakdown's order.
pub(crate) fn stack_usd(b: &Breakdown, i: usize) -> Vec<f64> {
    b.stack(i).into_iter().map(|(l, s)| l + s).collect()
}

/// Stacked bars: each visible band's parts one after another from the panel's left edge, in
/// the breakdown's order, on the scale `top` (USD per 0.1 % band); a stack never passes the
/// panel. Returns the parts drawn (for the legend).
pub(super) fn stacked_bars(c: &mut Ctx, bd: &Breakdown, all: &[Band], top: f64) {
    let prof = c.l.profile;
    let width = prof.w - 2.0;
    for i in visible(all, c.p_lo, c.p_hi) {
        let b = &all[i];
        let (y0, y1) = (c.y(b.price_high).max(prof.y), c.y(b.price_low).min(prof.bottom()));
        let h = (y1 - y0).max(1.0);
        let mut acc = 0.0;
        for (k, usd) in stack_usd(bd, i).into_iter().enumerate() {
            if usd <= 0.0 {
                continue;
            }
            let x0 = ((acc / top) as f32).min(1.0) * width;
            acc += usd;
            let x1 = ((acc / top) as f32).min(1.0) * width;
            if x1 > x0 {
                c.scene.rect(prof.x + 1.0 + x0, y0, x1 - x0, h, part_color(k));
            }
        }
    }
}

/// The legend of a breakdown: a swatch and the name of each part, in rows that fit the
/// panel's width, on a backing at the panel's bottom (inside it).
pub(super) fn legend(c: &mut Ctx, bd: &Breakdown) {
    let prof = c.l.profile;
    let s = c.l.s;
    let size = c.font(super::SMALLEST_TEXT);
    let sw = 9.0 * s;
    let gap = 8.0 * s;
    let lh = (text::line_height(size, false) + 2.0 * s).max(sw + 2.0 * s);
    let mut rows: Vec<Vec<(usize, f32)>> = vec![vec![]];
    let mut x = 0.0;
    for (k, name) in bd.names.iter().enumerate() {
        let w = sw + 3.0 * s + text::measure(name, size, false);
        if x > 0.0 && x + w > prof.w - 8.0 * s {
            rows.push(vec![]);
            x = 0.0;
        }
        rows.last_mut().expect("a row").push((k, x));
        x += w + gap;
    }
    let h = lh * rows.len() as f32 + 4.0 * s;
    let y_top = prof.bottom() - h - 2.0 * s;
    c.scene.rect(prof.x + 1.0, y_top, prof.w - 2.0, h, c.th.plot_background.with_alpha(0xe0));
    let text_c = c.th.text;
    for (r, row) in rows.iter().enumerate() {
        let yc = y_top + 2.0 * s + lh * (r as f32 + 0.5);
        for &(k, dx) in row {
            let x0 = prof.x + 4.0 * s + dx;
            c.scene.rect(x0, yc - sw / 2.0, sw, sw, part_color(k));
            c.scene.text(x0 + sw + 3.0 * s, yc, &bd.names[k], size, text_c, HAlign::Left, VAlign::Middle, false);
        }
    }
}

/// Where the secondary axis is: the strip at the panel's top (y from, y to).
pub(crate) fn axis_strip(top_y: f32, s: f32, size: f32) -> (f32, f32) {
    (top_y + 1.0, top_y + 1.0 + text::line_height(size, false) + 6.0 * s)
}

/// The cumulative curves (shorts from price upwards, longs downwards) as lines in `colors`
/// (up, down), on the scale `cum_top`, clipped to the panel below the axis strip; `fill` lays
/// a translucent area under each (the `cumulative` view).
pub(super) fn curves(
    c: &mut Ctx,
    up: &[(f64, f64)],
    down: &[(f64, f64)],
    price: f64,
    cum_top: f64,
    fill: bool,
    colors: (Color, Color),
) {
    let prof = c.l.profile;
    let s = c.l.s;
    let width = prof.w - 2.0;
    let (_, strip_bottom) = axis_strip(prof.y, s, c.font(super::SMALLEST_TEXT));
    let (top_y, bottom_y) = (strip_bottom, prof.bottom());
    let x = |v: f64| prof.x + 1.0 + ((v / cum_top) as f32).clamp(0.0, 1.0) * width;
    let y_price = c.y(price).clamp(top_y, bottom_y);
    for (curve, color) in [(up, colors.0), (down, colors.1)] {
        let mut points = vec![(prof.x + 1.0, y_price)];
        let mut inner = y_price;
        for &(edge, usd) in curve {
            let y = c.y(edge).clamp(top_y, bottom_y);
            if fill {
                let (y0, y1) = (inner.min(y), inner.max(y));
                c.scene.rect(prof.x + 1.0, y0, x(usd) - prof.x - 1.0, (y1 - y0).max(0.5), color.with_alpha(0x50));
            }
            points.push((x(usd), inner));
            points.push((x(usd), y));
            inner = y;
        }
        if points.len() > 1 {
            c.scene.polyline(points, color, (1.5 * s).max(1.0));
        }
    }
}

/// The secondary axis of the cumulative curves: a strip along the panel's top, inside it, on a
/// backing, with `Σ` and round USD ticks of `0..=cum_top` whose labels fit the panel (a label
/// that would touch the one before or leave the panel is left out; the top one always shows).
pub(super) fn cumulative_axis(c: &mut Ctx, cum_top: f64) {
    let prof = c.l.profile;
    let s = c.l.s;
    let size = c.font(super::SMALLEST_TEXT);
    let (y0, y1) = axis_strip(prof.y, s, size);
    let width = prof.w - 2.0;
    c.scene.rect(prof.x + 1.0, y0, width, y1 - y0, c.th.plot_background.with_alpha(0xe8));
    let (muted, text_c) = (c.th.muted, c.th.text);
    c.scene.line(prof.x + 1.0, y1, prof.right() - 1.0, y1, muted, c.stroke(1.0));
    let ym = (y0 + y1) / 2.0;
    let head = "Σ";
    c.scene.text(prof.x + 4.0 * s, ym, head, size, text_c, HAlign::Left, VAlign::Middle, true);
    let free_from = prof.x + 4.0 * s + text::measure(head, size, true) + 6.0 * s;
    let (mut ticks, step) = axis::price_ticks(0.0, cum_top, 4);
    ticks.retain(|t| *t > 0.0 && cum_top - t >= 0.99 * step);
    ticks.push(cum_top);
    // Each label centred on its tick, kept inside the panel.
    let placed: Vec<(f32, String, f32, f32)> = ticks
        .iter()
        .map(|&t| {
            let x = prof.x + 1.0 + (t / cum_top) as f32 * width;
            let label = fmt::usd(t);
            let w = text::measure(&label, size, false);
            (x, label, (x - w / 2.0).min(prof.right() - 3.0 * s - w), w)
        })
        .collect();
    let top_from = placed.last().map_or(f32::MAX, |p| p.2) - 6.0 * s;
    let mut free = free_from;
    for (i, (x, label, xl, w)) in placed.iter().enumerate() {
        c.scene.line(*x, y1 - 4.0 * s, *x, y1, muted, c.stroke(1.0));
        let last = i + 1 == placed.len();
        if !last && (*xl < free || xl + w > top_from) {
            continue;
        }
        c.scene.text(*xl, ym, label, size, muted, HAlign::Left, VAlign::Middle, false);
        free = xl + w + 6.0 * s;
    }
}
