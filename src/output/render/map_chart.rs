//! The liquidation map (`render --view map`), Coinglass's layout, full width: x = price (log
//! scale, so every 0.1 % band is as wide as the next), one bar per band of `liqshot levels`
//! stacked by leverage tier (or venue), long liquidations left of price and short ones right,
//! the cumulative long and short curves from price outwards on a labelled secondary axis at the
//! right, the current price and zones A/B/C marked. Pure: a [`Scene`] from the analysis.

use super::axis;
use super::chart::{cumulative, profile_parts::part_color, wrap, ChartOptions};
use super::layout::{Layout, Rect};
use super::palette::Theme;
use super::scene::{Color, HAlign, Scene, VAlign};
use super::text;
use crate::engine::breakdown::{Breakdown, By};
use crate::engine::levels::{self, Band};
use crate::engine::pipeline::Analysis;
use crate::model::fmt;
use crate::model::snapshot::MarketSnapshot;

/// The map's price range shows at least this far from price each side (a fraction), and every
/// labelled zone within [`crate::engine::levels::MAX_DISTANCE`] with a 0.5 % margin.
pub const MIN_REACH: f64 = 0.08;

/// Where the parts of the map go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapLayout {
    pub s: f32,
    /// The bars and curves.
    pub plot: Rect,
    pub width: f32,
    pub height: f32,
}

impl MapLayout {
    /// The map's regions at `width` x `height` with text at `scale` (default: that of a 1600x900
    /// chart fitted into the image, as the heatmap's).
    pub fn new(width: u32, height: u32, scale: Option<f32>) -> Self {
        let s = scale.filter(|s| s.is_finite() && *s > 0.0).unwrap_or_else(|| Layout::fit_scale(width, height));
        let (w, h) = (width as f32, height as f32);
        let margin = 18.0 * s;
        let axis_w = 72.0 * s;
        let x = (margin + axis_w).round();
        let y = (96.0 * s).round();
        let plot = Rect { x, y, w: (w - 2.0 * x).round(), h: (h - y - 132.0 * s).round().max(40.0) };
        MapLayout { s, plot, width: w, height: h }
    }
}

/// The price range the map shows for `a`: at least ±[`MIN_REACH`], widened for every labelled
/// zone, at most ±[`levels::MAX_DISTANCE`].
pub fn price_range(a: &Analysis) -> (f64, f64) {
    let p = a.estimate.last_price;
    let (lo, hi) = a.zones.zones.iter().fold((p * (1.0 - MIN_REACH), p * (1.0 + MIN_REACH)), |(lo, hi), z| {
        (lo.min(z.low / 1.005), hi.max(z.high * 1.005))
    });
    (lo.max(p * (1.0 - levels::MAX_DISTANCE)), hi.min(p * (1.0 + levels::MAX_DISTANCE)))
}

/// The bars the map draws: the bands of `levels` whose (log) middle lies in `range`, each
/// with its parts' USD (long + short, the breakdown's order; the band's total when there is
/// no breakdown), lowest price first.
pub fn map_bars(a: &Analysis, bd: Option<&Breakdown>, range: (f64, f64)) -> Vec<(Band, Vec<f64>)> {
    let all = levels::levels(&a.estimate.profile, a.estimate.last_price).bands;
    super::chart::profile_parts::visible(&all, range.0, range.1)
        .into_iter()
        .map(|i| {
            let parts = match bd {
                Some(bd) => super::chart::profile_parts::stack_usd(bd, i),
                None => vec![all[i].long_usd + all[i].short_usd],
            };
            (all[i], parts)
        })
        .collect()
}

struct Map<'a> {
    scene: Scene,
    l: MapLayout,
    th: Theme,
    lo: f64,
    hi: f64,
    a: &'a Analysis,
}

impl Map<'_> {
    fn x(&self, price: f64) -> f32 {
        let p = self.l.plot;
        p.x + ((price / self.lo).ln() / (self.hi / self.lo).ln()) as f32 * p.w
    }
    fn font(&self, px: f32) -> f32 {
        (px * self.l.s).max(9.0)
    }
    fn stroke(&self, px: f32) -> f32 {
        (px * self.l.s).round().max(1.0)
    }
    #[allow(clippy::too_many_arguments)]
    fn label(&mut self, x: f32, y: f32, s: &str, px: f32, color: Color, h: HAlign, bold: bool) {
        let size = self.font(px);
        self.scene.text(x, y, s, size, color, h, VAlign::Middle, bold);
    }
}

/// Builds the map of `a` (its breakdown is `opts.breakdown`; without one every bar is the
/// band's total in one colour).
pub fn build(snap: &MarketSnapshot, a: &Analysis, opts: &ChartOptions) -> Scene {
    let l = MapLayout::new(opts.width, opts.height, opts.scale);
    let th = if opts.dark { Theme::dark() } else { Theme::light() };
    let (lo, hi) = price_range(a);
    let mut m = Map { scene: Scene::new(opts.width, opts.height, th.background), l, th, lo, hi, a };
    let p = l.plot;
    let price = a.estimate.last_price;
    let bd = opts.breakdown.as_ref();
    let bars = map_bars(a, bd, (lo, hi));
    let top = axis::fine_ceil(bars.iter().map(|(_, v)| v.iter().sum::<f64>()).fold(0.0, f64::max).max(1.0));
    let bands: Vec<Band> = bars.iter().map(|(b, _)| *b).collect();
    let (up, down) = cumulative(&bands, price);
    let cum_top = axis::fine_ceil(up.last().map_or(0.0, |v| v.1).max(down.last().map_or(0.0, |v| v.1)).max(1.0));
    let y_bar = |v: f64| p.bottom() - ((v / top) as f32).min(1.0) * p.h;
    // The curves use the plot's height below a strip kept for the zone tags.
    let tag_room = 40.0 * l.s;
    let y_cum = |v: f64| p.bottom() - ((v / cum_top) as f32).clamp(0.0, 1.0) * (p.h - tag_room);

    m.scene.rect(p.x, p.y, p.w, p.h, th.plot_background);
    zones_behind(&mut m);
    axes(&mut m, top, cum_top, tag_room);
    // Bars: each band's parts stacked from the bottom, a hairline gap between bands when wide.
    for (b, parts) in &bars {
        let (x0, x1) = (m.x(b.price_low).max(p.x), m.x(b.price_high).min(p.right()));
        let w = if x1 - x0 > 3.0 { x1 - x0 - 1.0 } else { (x1 - x0).max(0.5) };
        let mut acc = 0.0;
        for (k, usd) in parts.iter().enumerate() {
            if *usd <= 0.0 {
                continue;
            }
            let (y0, y1) = (y_bar(acc), y_bar(acc + usd));
            acc += usd;
            let color = if bd.is_some() {
                part_color(k)
            } else if b.price_low >= price {
                th.shorts
            } else {
                th.longs
            };
            m.scene.rect(x0, y1, w, (y0 - y1).max(0.5), color);
        }
    }
    // Cumulative curves from price outwards.
    for (curve, color) in [(&up, th.shorts), (&down, th.longs)] {
        let mut pts = vec![(m.x(price), y_cum(0.0))];
        pts.extend(curve.iter().map(|&(edge, usd)| (m.x(edge).clamp(p.x, p.right()), y_cum(usd))));
        if pts.len() > 1 {
            let w = m.stroke(2.0);
            m.scene.polyline(pts, color, w);
        }
    }
    zone_tags(&mut m, tag_room);
    price_marker(&mut m, price);
    header(&mut m, snap, bd);
    let legend_y = legend(&mut m, bd);
    caption(&mut m, &crate::model::sources::credit_line(snap), legend_y);
    m.scene
}

/// Each labelled zone as a translucent column in its side's colour with dashed edges.
fn zones_behind(m: &mut Map) {
    let p = m.l.plot;
    let zs = m.a.zones.zones.clone();
    for z in &zs {
        let color = if z.side == crate::model::side::Where::Above { m.th.shorts } else { m.th.longs };
        let (x0, x1) = (m.x(z.low).clamp(p.x, p.right()), m.x(z.high).clamp(p.x, p.right()));
        m.scene.rect(x0, p.y, (x1 - x0).max(1.0), p.h, color.with_alpha(0x26));
        let w = m.stroke(1.0);
        for x in [x0, x1] {
            m.scene.dashed_line(x, p.y, x, p.bottom(), color.with_alpha(0xb0), w, 4.0 * m.l.s);
        }
    }
}

/// Price ticks along the bottom, USD per band at the left, cumulative USD at the right, with
/// the axes' titles above the plot's corners.
fn axes(m: &mut Map, top: f64, cum_top: f64, tag_room: f32) {
    let p = m.l.plot;
    let s = m.l.s;
    let (muted, grid) = (m.th.muted, m.th.gridline);
    let n = (p.w / (120.0 * s)).max(3.0) as usize;
    let (ticks, step) = axis::price_ticks(m.lo, m.hi, n);
    let dec = axis::step_decimals(step);
    let mut free = f32::MIN;
    for t in ticks {
        let x = m.x(t);
        let w = m.stroke(1.0);
        m.scene.line(x, p.y, x, p.bottom(), grid, w);
        m.scene.line(x, p.bottom(), x, p.bottom() + 5.0 * s, muted, w);
        let label = fmt::thousands(t, dec);
        let half = text::measure(&label, m.font(13.0), false) / 2.0;
        let xl = x.clamp(p.x + half, p.right() - half);
        if xl - half < free {
            continue;
        }
        free = xl + half + 8.0 * s;
        m.label(xl, p.bottom() + 16.0 * s, &label, 13.0, muted, HAlign::Center, false);
    }
    m.label(p.right(), p.bottom() + 34.0 * s, "price (log scale)", 12.0, muted, HAlign::Right, false);
    // Left: USD per 0.1 % band (bars).
    let (ticks, _) = axis::price_ticks(0.0, top, 5);
    for t in ticks.into_iter().filter(|t| *t <= top) {
        let y = p.bottom() - (t / top) as f32 * p.h;
        let w = m.stroke(1.0);
        m.scene.line(p.x, y, p.right(), y, grid, w);
        m.label(p.x - 6.0 * s, y, &fmt::usd(t), 12.0, muted, HAlign::Right, false);
    }
    // Right: cumulative USD (curves), on the plot's height below the zone tags.
    let (ticks, _) = axis::price_ticks(0.0, cum_top, 5);
    let text_c = m.th.text;
    for t in ticks.into_iter().filter(|t| *t <= cum_top) {
        let y = p.bottom() - (t / cum_top) as f32 * (p.h - tag_room);
        let w = m.stroke(1.0);
        m.scene.line(p.right(), y, p.right() + 5.0 * s, y, muted, w);
        m.label(p.right() + 7.0 * s, y, &fmt::usd(t), 12.0, text_c, HAlign::Left, false);
    }
    // The axes' titles: the longest pair of forms that fits the plot's width side by side.
    let forms = [
        ("bars: USD per 0.1 % band (left axis)", "lines: cumulative USD from price (right axis)"),
        ("bars: USD per 0.1 % band", "lines: cumulative USD"),
        ("bars (left)", "cumulative (right)"),
    ];
    let size = m.font(12.0);
    let fits = |(a, b): &(&str, &str)| text::measure(a, size, false) + text::measure(b, size, false) + 24.0 * s <= p.w;
    let (left, right) = forms.iter().copied().find(fits).unwrap_or(forms[2]);
    let y = p.y - 12.0 * s;
    m.label(p.x, y, left, 12.0, muted, HAlign::Left, false);
    m.label(p.right(), y, right, 12.0, muted, HAlign::Right, false);
}

/// Each zone's tag and USD at the plot's top, in rows so no two overlap.
fn zone_tags(m: &mut Map, tag_room: f32) {
    let p = m.l.plot;
    let s = m.l.s;
    let size = m.font(12.0);
    let rows = 2usize;
    let row_h = tag_room / rows as f32;
    let mut free = vec![f32::MIN; rows];
    let mut zs = m.a.zones.zones.clone();
    zs.sort_by(|a, b| a.low.total_cmp(&b.low));
    for z in &zs {
        let color = if z.side == crate::model::side::Where::Above { m.th.shorts } else { m.th.longs };
        let label = format!("{} {}", z.tag(), fmt::usd(z.usd));
        let w = text::measure(&label, size, true) + 8.0 * s;
        let xc = (m.x(z.low) + m.x(z.high)) / 2.0;
        let x0 = (xc - w / 2.0).clamp(p.x + 2.0 * s, p.right() - 2.0 * s - w);
        let Some(r) = (0..rows).find(|&r| free[r] <= x0) else { continue };
        free[r] = x0 + w + 4.0 * s;
        let y = p.y + row_h * (r as f32 + 0.5);
        let bg = m.th.label_background;
        m.scene.rect(x0, y - row_h / 2.0 + 1.0, w, row_h - 2.0, bg);
        m.scene.text(x0 + w / 2.0, y, &label, size, color, HAlign::Center, VAlign::Middle, true);
    }
}

/// The current price: a dashed line across the plot and its value in a box above the plot.
fn price_marker(m: &mut Map, price: f64) {
    let p = m.l.plot;
    let s = m.l.s;
    let x = m.x(price);
    let w = m.stroke(1.5);
    m.scene.dashed_line(x, p.y, x, p.bottom(), m.th.price_line.with_alpha(0xd0), w, 6.0 * s);
    let label = format!("price {}", fmt::price(price));
    let size = m.font(13.0);
    let bw = text::measure(&label, size, true) + 10.0 * s;
    let bh = text::line_height(size, true) + 4.0 * s;
    let bx = (x - bw / 2.0).clamp(p.x, p.right() - bw);
    let y = p.y - 32.0 * s;
    m.scene.rect(bx, y - bh / 2.0, bw, bh, m.th.price_line);
    m.scene.text(bx + bw / 2.0, y, &label, size, m.th.background, HAlign::Center, VAlign::Middle, true);
}

fn header(m: &mut Map, snap: &MarketSnapshot, bd: Option<&Breakdown>) {
    let s = m.l.s;
    let x = 18.0 * s;
    let by = match bd.map(|b| b.by) {
        Some(By::Leverage) => " by leverage",
        Some(By::Venue) => " by venue",
        None => "",
    };
    // The longest title and subtitle that fit the image's width.
    let room = m.l.width - 2.0 * x;
    let titles = [
        format!("{}  liquidation map{by} — ESTIMATED", snap.symbol),
        format!("{}  liquidation map — ESTIMATED", snap.symbol),
        format!("{}  liq. map — ESTIMATED", snap.symbol),
    ];
    let (t_size, sub_size) = (m.font(22.0), m.font(14.0));
    let title = titles.iter().find(|t| text::measure(t, t_size, true) <= room).unwrap_or(&titles[2]).clone();
    let text_c = m.th.text;
    m.label(x, 22.0 * s, &title, 22.0, text_c, HAlign::Left, true);
    let at = snap.captured_at.format("%Y-%m-%d %H:%M");
    let subs = [
        format!(
            "{} · still open at {at} UTC · longs liquidate left of price, shorts right",
            crate::model::sources::venue_label(snap)
        ),
        format!("{} · still open at {at} UTC", crate::model::sources::venue_label(snap)),
    ];
    let sub = subs.iter().find(|t| text::measure(t, sub_size, false) <= room).unwrap_or(&subs[1]).clone();
    let muted = m.th.muted;
    m.label(x, 46.0 * s, &sub, 14.0, muted, HAlign::Left, false);
    let warning = "Model estimate, not actual positions";
    let right = m.l.width - 18.0 * s;
    if text::measure(warning, m.font(13.0), true) <= right - x - text::measure(&title, m.font(22.0), true) - 24.0 * s {
        let warn = m.th.warning;
        m.label(right, 22.0 * s, warning, 13.0, warn, HAlign::Right, true);
    }
}

/// Swatches for the parts and the two curves, in one line under the price axis (wrapped when
/// it does not fit). Returns the middle of its last line.
fn legend(m: &mut Map, bd: Option<&Breakdown>) -> f32 {
    let p = m.l.plot;
    let s = m.l.s;
    let size = m.font(12.0);
    let sw = 10.0 * s;
    let mut items: Vec<(String, Color, bool)> = match bd {
        Some(bd) => bd.names.iter().enumerate().map(|(k, n)| (n.clone(), part_color(k), false)).collect(),
        None => vec![("longs".into(), m.th.longs, false), ("shorts".into(), m.th.shorts, false)],
    };
    items.push(("cumulative longs".into(), m.th.longs, true));
    items.push(("cumulative shorts".into(), m.th.shorts, true));
    let (mut x, mut y) = (p.x, p.bottom() + 58.0 * s);
    let text_c = m.th.text;
    for (name, color, line) in items {
        let w = sw + 4.0 * s + text::measure(&name, size, false);
        if x + w > m.l.width - 18.0 * s {
            x = p.x;
            y += 18.0 * s;
        }
        if line {
            let lw = m.stroke(2.0);
            m.scene.line(x, y, x + sw, y, color, lw);
        } else {
            m.scene.rect(x, y - sw / 2.0, sw, sw, color);
        }
        m.scene.text(x + sw + 4.0 * s, y, &name, size, text_c, HAlign::Left, VAlign::Middle, false);
        x += w + 14.0 * s;
    }
    y
}

/// How the map was made, under the legend (whose last line is at `legend_y`): the estimate
/// and its mix, the zone rule, the one-line credit naming the price and open-interest sources
/// (the snapshot's notes go to the alt text), each drawn whole or not at all (no sentence is
/// cut, no line runs off the image).
fn caption(m: &mut Map, credit: &str, legend_y: f32) {
    let s = m.l.s;
    let mix = crate::engine::estimate::leverage::describe_mixes(m.a.estimate.venues.iter().map(|v| &v.mix));
    let mut lines = vec![
        format!("Estimated from rising open interest spread over each candle's range; leverage mix {mix}. Not advice."),
        format!("Zones: {}.", super::chart::zone_rule_text(&m.a.zones)),
    ];
    lines.push(credit.to_string());
    let size = m.font(11.5);
    let width = m.l.width - 2.0 * 18.0 * s;
    let x = 18.0 * s;
    let mut y = (m.l.plot.bottom() + 84.0 * s).max(legend_y + 26.0 * s);
    let muted = m.th.muted;
    for line in &lines {
        let pieces = wrap(line, size, width);
        if y + 15.0 * s * (pieces.len() as f32 - 1.0) + 8.0 * s > m.l.height {
            break;
        }
        for piece in pieces {
            m.scene.text(x, y, &piece, size, muted, HAlign::Left, VAlign::Middle, false);
            y += 15.0 * s;
        }
    }
}
