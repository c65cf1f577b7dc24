//! The colour bar under the heatmap: the scale's colours, its ticks and what its top is.

use super::*;

/// The colour bar's title: what it measures and where its top came from (compact layouts:
/// the top's source goes under the bar's labels, see [`colorbar()`]).
pub(super) fn colorbar_title(compact: bool, top: ColorTop) -> String {
    if compact {
        COLORBAR_TITLE_SHORT.to_string()
    } else {
        format!("{COLORBAR_TITLE}, {}", top.legend(false))
    }
}

/// The widest text of a compact colour bar (its title or the line under it), px.
pub(super) fn colorbar_text_width(c: &Ctx) -> f32 {
    text::measure(COLORBAR_TITLE_SHORT, c.font(12.0), false).max(text::measure(
        &c.color_top.legend(true),
        c.font(11.5),
        false,
    ))
}

/// The legend: the colour of every scale position drawn with the cells' own colour function
/// ([`Theme::heat`]) over the plot background, as the cells are, so faint translucent cells look
/// on the legend as they do on the map.
pub(super) fn colorbar(c: &mut Ctx, scale: &ColorScale, top: ColorTop) {
    let r: Rect = c.l.colorbar;
    let table = HeatTable::new(&c.th);
    const N: usize = 256;
    let mut rgba = Vec::with_capacity(N * 4);
    for i in 0..N {
        // The value at this legend column's centre, coloured exactly as a cell of that value.
        let v = scale.hi * (i as f64 + 0.5) / N as f64;
        let col = scale.t(v).map_or(c.th.plot_background, |t| table.color(t));
        rgba.extend_from_slice(&[col.r, col.g, col.b, col.a]);
    }
    c.scene.rect(r.x, r.y, r.w, r.h, c.th.plot_background);
    c.scene.image(r.x, r.y, r.w, r.h, N as u32, 1, rgba);
    c.scene.stroke_rect(r.x, r.y, r.w, r.h, c.th.muted, c.stroke(1.0));
    let (text_c, muted) = (c.th.text, c.th.muted);
    let s = c.l.s;
    let title = colorbar_title(c.l.compact, top);
    c.label(r.x, r.y - if c.l.compact { 8.0 } else { 12.0 } * s, &title, 12.0, text_c, HAlign::Left, false);
    if c.l.compact {
        let note = c.color_top.legend(true);
        c.label(r.x, r.bottom() + 26.0 * s, &note, 11.5, muted, HAlign::Left, false);
    }
    let (mut ticks, step) = axis::price_ticks(0.0, scale.hi, 5);
    // The top of the scale is always labelled (it is a ceiling: denser cells are drawn in its
    // colour, hence the "+"); a round tick too close to it to fit a label gives way.
    ticks.retain(|t| scale.hi - t >= 0.6 * step);
    ticks.push(scale.hi);
    let n = ticks.len();
    let mut free_from = f32::MIN;
    let font = c.font(12.0);
    let place = |i: usize, t: f64| {
        let x = r.x + (t / scale.hi) as f32 * r.w;
        let label = if t == 0.0 {
            "$0".to_string()
        } else if i + 1 == n {
            format!("{}+", fmt::usd(t))
        } else {
            fmt::usd(t)
        };
        let half = text::measure(&label, font, false) / 2.0;
        // Labels at the ends stay within the bar's width (the caption starts right of it).
        let xl = x.max(r.x + half - 2.0).min(r.right() - half + 2.0);
        (x, label, half, xl)
    };
    // The top label's left edge: no other label may reach it.
    let top_from = {
        let (_, _, half, xl) = place(n - 1, scale.hi);
        xl - half - 6.0 * s
    };
    for (i, t) in ticks.into_iter().enumerate() {
        let (x, label, half, xl) = place(i, t);
        c.scene.line(x, r.bottom(), x, r.bottom() + 4.0 * s, muted, c.stroke(1.0));
        // A label that would touch the one before it or the top one is left out (its tick
        // stays); the top of the scale is always labelled.
        if i + 1 < n && (xl - half < free_from || xl + half > top_from) {
            continue;
        }
        free_from = xl + half + 6.0 * s;
        c.label(xl, r.bottom() + if c.l.compact { 12.0 } else { 13.0 } * s, &label, 12.0, muted, HAlign::Center, false);
    }
}
