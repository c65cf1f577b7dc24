//! The profile panel at the right of the chart: the live profile in the 0.1 % bands of
//! [`crate::engine::levels`] (bars, on a scale from the data only) or cumulative from price outwards,
//! and the side totals under the panel. Pure.

use super::profile_parts;
use super::{axis, text, Ctx, HAlign, VAlign};
use crate::engine::breakdown::Breakdown;
use crate::engine::levels::{self, Band};
use crate::engine::pipeline::Analysis;
use crate::model::fmt;

/// What the profile panel at the right of the chart shows (`--profile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProfileView {
    /// Estimated USD per 0.1 % band: the rows of `liqshot levels`.
    #[default]
    Bars,
    /// Cumulative USD from price outwards (shorts upwards, longs downwards), Coinglass's
    /// "liquidation map".
    Cumulative,
    /// The bars stacked by leverage tier (`--profile leverage`), colours named in a legend.
    Leverage,
    /// The bars stacked by venue (`--profile venue`).
    Venue,
}

impl ProfileView {
    /// The breakdown this view stacks its bars by, if any.
    pub(crate) fn breakdown_by(self) -> Option<crate::engine::breakdown::By> {
        match self {
            ProfileView::Leverage => Some(crate::engine::breakdown::By::Leverage),
            ProfileView::Venue => Some(crate::engine::breakdown::By::Venue),
            _ => None,
        }
    }
}

/// The bands of [`levels::levels`] the profile panel draws: those whose (log) middle lies in
/// the chart's price range `lo..=hi`, lowest first. Data only: the same at every image size.
pub fn profile_bands(a: &Analysis, lo: f64, hi: f64) -> Vec<Band> {
    let lv = levels::levels(&a.estimate.profile, a.estimate.last_price);
    lv.bands
        .into_iter()
        .filter(|b| {
            let m = (b.price_low * b.price_high).sqrt();
            m >= lo && m <= hi
        })
        .collect()
}

/// Points of a cumulative curve: (outer band edge price, USD summed from price to there).
pub type Curve = Vec<(f64, f64)>;

/// Cumulative USD from `price` outwards over `bands` (lowest first): shorts above price summed
/// upwards, longs below summed downwards, as (outer band edge, USD so far) from price out.
pub fn cumulative(bands: &[Band], price: f64) -> (Curve, Curve) {
    let mut up = Vec::new();
    let mut acc = 0.0;
    for b in bands.iter().filter(|b| b.price_low >= price) {
        acc += b.short_usd;
        up.push((b.price_high, acc));
    }
    let mut down = Vec::new();
    acc = 0.0;
    for b in bands.iter().rev().filter(|b| b.price_high <= price) {
        acc += b.long_usd;
        down.push((b.price_low, acc));
    }
    (up, down)
}

/// The top of the scale the panel picks for `a` in the price range `lo..=hi` from its data
/// alone (USD per 0.1 % band for bars, cumulative USD for curves).
pub(crate) fn scale_top(a: &Analysis, lo: f64, hi: f64, view: ProfileView) -> f64 {
    let bands = profile_bands(a, lo, hi);
    let max = match view {
        ProfileView::Bars => bands.iter().fold(0.0f64, |m, b| m.max(b.long_usd).max(b.short_usd)),
        // A stack is the band's whole USD.
        ProfileView::Leverage | ProfileView::Venue => bands.iter().fold(0.0f64, |m, b| m.max(b.long_usd + b.short_usd)),
        ProfileView::Cumulative => {
            let (up, down) = cumulative(&bands, a.estimate.last_price);
            up.last().map_or(0.0, |p| p.1).max(down.last().map_or(0.0, |p| p.1))
        }
    };
    axis::fine_ceil(max.max(1.0))
}

/// The panel: `view`'s bars (stacked by `parts` for the leverage and venue views; plain bars
/// when no breakdown was given) or curve, the cumulative curves on their labelled axis, the
/// heading, the legend of the parts and the side totals.
pub(super) fn profile(c: &mut Ctx, a: &Analysis, view: ProfileView, parts: Option<&Breakdown>) {
    let prof = c.l.profile;
    let s = c.l.s;
    let price = a.estimate.last_price;
    let bands = profile_bands(a, c.p_lo, c.p_hi);
    let width = prof.w - 2.0;
    let (longs, shorts) = (c.th.longs, c.th.shorts);
    let band_y = |c: &Ctx, b: &Band| {
        let (y0, y1) = (c.y(b.price_high).max(prof.y), c.y(b.price_low).min(prof.bottom()));
        (y0, (y1 - y0).max(1.0))
    };
    let parts = parts.filter(|_| view.breakdown_by().is_some());
    let (title, scale) = match (view, parts) {
        (ProfileView::Leverage | ProfileView::Venue, Some(bd)) => {
            let top = c.profile_max.unwrap_or_else(|| scale_top(a, c.p_lo, c.p_hi, view));
            let all = levels::levels(&a.estimate.profile, price).bands;
            profile_parts::stacked_bars(c, bd, &all, top);
            let title =
                if view == ProfileView::Leverage { "Open now by leverage (est.)" } else { "Open now by venue (est.)" };
            (title, format!("0 … {} per 0.1 % band", fmt::usd(top)))
        }
        (ProfileView::Bars | ProfileView::Leverage | ProfileView::Venue, _) => {
            // `profile_max` (animate) pins the scale; a bar never passes the panel.
            let top = c.profile_max.unwrap_or_else(|| scale_top(a, c.p_lo, c.p_hi, view));
            let bar = |v: f64| ((v / top) as f32).min(1.0) * width;
            for b in &bands {
                let (y, h) = band_y(c, b);
                // The longer bar first, so a band holding both shows both.
                let mut parts = [(b.long_usd, longs), (b.short_usd, shorts)];
                parts.sort_by(|x, y| y.0.total_cmp(&x.0));
                for (v, color) in parts {
                    if v > 0.0 {
                        c.scene.rect(prof.x + 1.0, y, bar(v), h, color);
                    }
                }
            }
            ("Still open now (estimated)", format!("0 … {} per 0.1 % band", fmt::usd(top)))
        }
        (ProfileView::Cumulative, _) => {
            let (up, down) = cumulative(&bands, price);
            let top = c.profile_max.unwrap_or_else(|| scale_top(a, c.p_lo, c.p_hi, view));
            profile_parts::curves(c, &up, &down, price, top, true, (shorts, longs));
            ("Cumulative from price (estimated)", format!("0 … {} cumulative USD", fmt::usd(top)))
        }
    };
    // Every view: the cumulative curves (lines over the bars) on their own axis along the
    // panel's top, labelled, the curves never past the panel.
    let cum_top = if view == ProfileView::Cumulative {
        c.profile_max.unwrap_or_else(|| scale_top(a, c.p_lo, c.p_hi, view))
    } else {
        scale_top(a, c.p_lo, c.p_hi, ProfileView::Cumulative)
    };
    if view != ProfileView::Cumulative {
        let (up, down) = cumulative(&bands, price);
        // Over the plain bars (in the side colours) the curves are drawn in the text colour;
        // over stacked bars (the parts' colours) in the side colours.
        let colors = if parts.is_some() { (shorts, longs) } else { (c.th.text, c.th.text) };
        profile_parts::curves(c, &up, &down, price, cum_top, false, colors);
    }
    profile_parts::cumulative_axis(c, cum_top);
    if let Some(bd) = parts {
        profile_parts::legend(c, bd);
    }
    let (text_c, muted) = (c.th.text, c.th.muted);
    // A frame of `animate` says when its profile stood.
    let title = match c.frame_at {
        None => title.to_string(),
        Some(t) => title
            .replace("now", &format!("at {} UTC", t.format("%H:%M")))
            .replace("from price", &format!("from price at {}", t.format("%H:%M"))),
    };
    // Compact layouts have no room in the header: the heading goes under the panel,
    // right-aligned so a heading wider than the panel runs into the empty space under the
    // price axis rather than off the image; the side totals then follow below it.
    let (y1, y2) = if c.l.compact {
        (prof.bottom() + 14.0 * s, prof.bottom() + 31.0 * s)
    } else {
        (prof.y - 36.0 * s, prof.y - 18.0 * s)
    };
    let (hx, h) = if c.l.compact { (prof.right(), HAlign::Right) } else { (prof.x, HAlign::Left) };
    c.label(hx, y1, &title, 13.0, text_c, h, true);
    c.label(hx, y2, &scale, 12.0, muted, h, false);
    let below = if c.l.compact { 34.0 } else { 0.0 };
    // The side totals under the panel, never over its bars, with the band they count.
    let size = c.font(12.0);
    let room = prof.w + 12.0 * s;
    let (above, below_usd) = (fmt::usd(a.zones.above_usd), fmt::usd(a.zones.below_usd));
    let lines = [
        (
            [
                format!("shorts above, to +25 %: {above}"),
                format!("shorts to +25 %: {above}"),
                format!("shorts {above}"),
            ],
            shorts,
            14.0,
        ),
        (
            [
                format!("longs below, to −25 %: {below_usd}"),
                format!("longs to −25 %: {below_usd}"),
                format!("longs {below_usd}"),
            ],
            longs,
            30.0,
        ),
    ];
    // One wording for both lines: the longest form that fits them both.
    let form = (0..3).find(|&i| lines.iter().all(|l| text::measure(&l.0[i], size, true) <= room)).unwrap_or(2);
    for (candidates, color, dy) in lines {
        let label = candidates[form].clone();
        c.scene.text(prof.x, prof.bottom() + (dy + below) * s, &label, size, color, HAlign::Left, VAlign::Middle, true);
    }
}

/// `--measured`: the measured Hyperliquid levels of `snap` (positions with a liquidation price,
/// summed in the same 0.1 % bands) as outlined ticks on the profile panel, on the bars' scale
/// (a tick as long as the measured USD of its band, never filled so the estimated bars show
/// through), and the label `measured: N accounts, $X = Y % of Hyperliquid open interest` under
/// the side totals. A snapshot without measured positions gets the label saying so.
pub(super) fn measured(c: &mut Ctx, snap: &crate::model::snapshot::MarketSnapshot, a: &Analysis, view: ProfileView) {
    let prof = c.l.profile;
    let s = c.l.s;
    let Some(v) = crate::engine::measured::venue(snap) else {
        let muted = c.th.muted;
        c.label(
            prof.x + 4.0 * s,
            prof.y + 12.0 * s,
            "measured: none (--hl-accounts)",
            12.0,
            muted,
            HAlign::Left,
            false,
        );
        return;
    };
    let g = levels::BandGrid::standard(a.estimate.last_price);
    let lv = crate::engine::measured::levels_in(&v.measured_positions, &g);
    let top = match view {
        ProfileView::Bars => c.profile_max.unwrap_or_else(|| scale_top(a, c.p_lo, c.p_hi, ProfileView::Bars)),
        // The cumulative view's scale is for sums: ticks use the bars' scale of the estimate.
        ProfileView::Cumulative | ProfileView::Leverage | ProfileView::Venue => {
            scale_top(a, c.p_lo, c.p_hi, ProfileView::Bars)
        }
    };
    let width = prof.w - 2.0;
    let line = (1.5 * s).max(1.0);
    let (longs, shorts, text_c) = (c.th.longs, c.th.shorts, c.th.text);
    for b in &lv.bands {
        let m = (b.price_low * b.price_high).sqrt();
        if m < c.p_lo || m > c.p_hi {
            continue;
        }
        let (y0, y1) = (c.y(b.price_high).max(prof.y), c.y(b.price_low).min(prof.bottom()));
        let h = (y1 - y0).max(3.0 * s);
        for (usd, color) in [(b.long_usd, longs), (b.short_usd, shorts)] {
            if usd > 0.0 {
                // At least a few pixels, so a small account still shows; capped at the panel.
                let w = (((usd / top) as f32).min(1.0) * width).max(6.0 * s);
                c.scene.stroke_rect(prof.x + 1.0, y0 - (h - (y1 - y0)).max(0.0) / 2.0, w, h, text_c, line + 1.0);
                c.scene.stroke_rect(prof.x + 1.0, y0 - (h - (y1 - y0)).max(0.0) / 2.0, w, h, color, line);
            }
        }
    }
    // The label in the panel's top-left corner on a backing (the space under the panel holds
    // the side totals and the caption): two lines where one does not fit the panel.
    let summary = crate::engine::measured::headline(v);
    let size = c.font(12.0);
    let lines: Vec<String> = if text::measure(&summary, size, true) <= prof.w - 8.0 * s {
        vec![summary]
    } else {
        match summary.split_once(" = ") {
            Some((a, b)) => vec![a.to_string(), format!("= {b}")],
            None => vec![summary],
        }
    };
    let w = lines.iter().map(|l| text::measure(l, size, true)).fold(0.0f32, f32::max) + 8.0 * s;
    let lh = 16.0 * s;
    let bg = c.th.plot_background.with_alpha(0xd8);
    c.scene.rect(prof.x + 1.0, prof.y + 2.0 * s, w, lh * lines.len() as f32 + 4.0 * s, bg);
    for (i, l) in lines.iter().enumerate() {
        c.scene.text(
            prof.x + 4.0 * s,
            prof.y + 4.0 * s + lh * (i as f32 + 0.5),
            l,
            size,
            text_c,
            HAlign::Left,
            VAlign::Middle,
            true,
        );
    }
}
