//! Realized liquidations on the chart: a dot per event at (time, price), its area proportional
//! to USD on a fixed scale (so two charts compare), and a legend with the last 24 h per side.

use super::Ctx;
use crate::engine::realized;
use crate::model::fmt;
use crate::model::snapshot::{MarketSnapshot, Side};
use crate::output::render::scene::{HAlign, VAlign};
use crate::output::render::text;
use chrono::{DateTime, Utc};

/// USD per square pixel of a dot at scale 1 (a $100k event: radius ≈ 5.6 px). Fixed, so a dot's
/// size means the same on every chart.
pub(crate) const USD_PER_PX2: f64 = 1_000.0;
/// A dot's radius is clamped to this range (px at scale 1): small events stay visible, a huge
/// one does not cover the map.
pub(crate) const MIN_RADIUS: f32 = 2.5;
pub(crate) const MAX_RADIUS: f32 = 16.0;

/// A dot's radius (px at scale 1) for `usd`: area = usd / [`USD_PER_PX2`], clamped.
pub fn radius(usd: f64) -> f32 {
    ((usd / USD_PER_PX2 / std::f64::consts::PI).sqrt() as f32).clamp(MIN_RADIUS, MAX_RADIUS)
}

/// The legend's text: `realized 24 h: longs $1.2M, shorts $340K, 57 events, OKX` (with
/// Binance among the venues: `, Binance at most 1/s: a lower bound`, its stream's limit).
pub fn legend_text(s: &realized::Summary) -> String {
    let venues = if s.venues.is_empty() {
        "no venue".to_string()
    } else {
        s.venues.iter().map(|v| v.to_uppercase()).collect::<Vec<_>>().join("+")
    };
    let binance = if s.venues.iter().any(|v| v == "binance") { ", Binance at most 1/s: a lower bound" } else { "" };
    format!(
        "realized 24 h: longs {}, shorts {}, {} event{}, {venues}{binance}",
        fmt::usd(s.longs.usd),
        fmt::usd(s.shorts.usd),
        s.total_events(),
        if s.total_events() == 1 { "" } else { "s" }
    )
}

/// Draws the events inside the plot window and the legend; nothing when the snapshot has none.
pub(super) fn draw(c: &mut Ctx, snap: &MarketSnapshot, end: DateTime<Utc>) {
    if !realized::any(snap) {
        return;
    }
    let p = c.l.plot;
    let (start, stop) = (c.grid.start, c.grid.end());
    let outline = c.th.background;
    let w = c.stroke(1.2);
    let mut events: Vec<_> =
        realized::all(snap).into_iter().map(|(_, l)| l).filter(|l| l.time >= start && l.time <= stop).collect();
    // Large dots first so small ones on top stay visible.
    events.sort_by(|a, b| b.usd.total_cmp(&a.usd));
    for l in events {
        if l.price < c.p_lo || l.price > c.p_hi {
            continue;
        }
        let x = c.x_of_secs((l.time - start).num_seconds() as f64);
        let y = c.y(l.price);
        let fill = match l.side {
            Side::Long => c.th.longs,
            Side::Short => c.th.shorts,
        };
        let r = radius(l.usd) * c.l.s;
        if x < p.x || x > p.right() {
            continue;
        }
        c.scene.circle(x, y, r, fill.with_alpha(0xe6), outline, w);
    }
    let sum = realized::summary(snap, end, realized::LAST_SECS);
    let label = legend_text(&sum);
    let s = c.l.s;
    let size = c.font(12.0);
    let r = 4.5 * s;
    let h = text::line_height(size, false) + 6.0 * s;
    let tw = text::measure(&label, size, false);
    let w_box = (tw + 4.0 * r + 22.0 * s).min(p.w - 8.0 * s);
    let (x0, y0) = (p.x + 4.0 * s, p.bottom() - 4.0 * s - h);
    c.scene.rect(x0, y0, w_box, h, c.th.label_background);
    let ym = y0 + h / 2.0;
    let (longs, shorts) = (c.th.longs, c.th.shorts);
    c.scene.circle(x0 + 6.0 * s + r, ym, r, longs, outline, w);
    c.scene.circle(x0 + 8.0 * s + 3.0 * r, ym, r, shorts, outline, w);
    let text_c = c.th.text;
    c.scene.text(x0 + 14.0 * s + 4.0 * r, ym, &label, size, text_c, HAlign::Left, VAlign::Middle, false);
}
