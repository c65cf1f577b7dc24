//! The annotated liquidation heatmap, built as a [`Scene`] from the analysis. Pure.

use chrono::{DateTime, Duration, Utc};

use super::axis;
use super::layout::{Layout, Rect};
use super::palette::{HeatTable, Theme};
use super::scene::{Color, HAlign, Item, Scene, VAlign};
use super::text;
use crate::engine::estimate::Grid;
use crate::engine::pipeline::Analysis;
use crate::model::fmt::{self, span_label};
use crate::model::snapshot::{format_interval, Candle, MarketSnapshot};

mod colorbar;
mod profile;
pub mod profile_parts;
pub mod realized;
mod zone_labels;

pub use super::axis::fine_ceil;
use colorbar::{colorbar, colorbar_text_width, colorbar_title};
use profile::profile;
pub use profile::{cumulative, profile_bands, Curve, ProfileView};
use zone_labels::zones;
pub use zone_labels::{place_labels, place_labels_clear, spread, zone_label_text, zone_rule_text, LabelSpot, Tag};
/// The smallest text size the chart draws at scale 1 (the caption), px.
pub(crate) const SMALLEST_TEXT: f32 = 11.5;

pub use super::heat::BAND;

/// Chart settings.
#[derive(Debug, Clone)]
pub struct ChartOptions {
    pub width: u32,
    pub height: u32,
    pub dark: bool,
    /// Top of the colour scale in USD per 0.1 % band; `None` picks it from the data.
    pub color_max: Option<f64>,
    /// Take the top of the colour scale from the reference week when the snapshot holds it
    /// ([`super::chart_options`] resolves it into `color_max` and `color_top`).
    pub week_scale: bool,
    /// Where the top came from (the legend says it).
    pub color_top: ColorTop,
    /// The window asked for (`--window`), seconds. When the snapshot holds less, the title
    /// says so (`window 30d requested, 10d of data`) instead of `last 10d`.
    pub window_secs: Option<i64>,
    /// A frame of `animate`: the map as it stood at this time (the title says so and a line
    /// marks it on the plot); the snapshot holds data up to it only.
    pub frame_at: Option<DateTime<Utc>>,
    /// Top of the profile's USD scale (per 0.1 % band); `None` picks it from the profile.
    /// (`animate` pins it so bars keep their scale from frame to frame.)
    pub profile_max: Option<f64>,
    /// What the profile panel shows (`--profile`).
    pub profile: ProfileView,
    /// Scale of text, strokes and margins (1 = a 1600x900 chart's); `None`: fitted to the size.
    /// Presets set it so text stays legible where the image is shown.
    pub scale: Option<f32>,
    /// Draw the snapshot's realized liquidations (dots and a legend); off by `--no-realized`.
    pub realized: bool,
    /// `--measured`: draw the snapshot's measured Hyperliquid levels as outlined ticks on the
    /// profile panel, labelled with their accounts, USD and share of open interest.
    pub measured: bool,
    /// The live profile by leverage tier or venue, for `profile` `Leverage`/`Venue` and the
    /// map view (see [`crate::output::render::render_scene`], which fills it in); `None` draws those
    /// profiles as plain bars.
    pub breakdown: Option<crate::engine::breakdown::Breakdown>,
    /// The heatmap (default) or the liquidation map (`render --view map`).
    pub view: ChartView,
}

/// What `render` draws (`--view`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartView {
    /// The heatmap with candles, zones and the profile panel.
    #[default]
    Heatmap,
    /// The liquidation map: bars per price band stacked by leverage (or venue), cumulative
    /// curves, price and zones, full width ([`crate::output::render::map_chart`]).
    Map,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            width: 1600,
            height: 900,
            dark: true,
            color_max: None,
            week_scale: false,
            color_top: ColorTop::Chart,
            window_secs: None,
            profile: ProfileView::Bars,
            scale: None,
            frame_at: None,
            profile_max: None,
            realized: true,
            measured: false,
            breakdown: None,
            view: ChartView::Heatmap,
        }
    }
}

pub use super::heat::{hot_share, ColorScale, ColorTop, FLOOR_RATIO, HOT_T, SCALE_TOP_PERCENTILE};

struct Ctx<'a> {
    scene: Scene,
    l: Layout,
    th: Theme,
    grid: &'a Grid,
    p_lo: f64,
    p_hi: f64,
    /// `ChartOptions::frame_at` and `profile_max`.
    frame_at: Option<DateTime<Utc>>,
    profile_max: Option<f64>,
    /// `ChartOptions::color_top` (the legend's words).
    color_top: ColorTop,
}

impl Ctx<'_> {
    /// Pixel y of a price (log scale, matching the grid rows).
    fn y(&self, price: f64) -> f32 {
        let f = (price / self.p_lo).ln() / (self.p_hi / self.p_lo).ln();
        self.l.plot.bottom() - (f as f32) * self.l.plot.h
    }

    fn x_of_secs(&self, secs_from_start: f64) -> f32 {
        let span = (self.grid.end() - self.grid.start).num_seconds() as f64;
        self.l.plot.x + (secs_from_start / span) as f32 * self.l.plot.w
    }

    fn font(&self, px: f32) -> f32 {
        (px * self.l.s).max(9.0)
    }

    /// A stroke width of `px` at 1600x900, scaled with the image (never below one pixel).
    /// A stroke of `px` at scale 1, scaled with the image in whole pixels (never under 1 px).
    fn stroke(&self, px: f32) -> f32 {
        self.l.stroke(px)
    }

    #[allow(clippy::too_many_arguments)]
    fn label(&mut self, x: f32, y: f32, s: &str, size: f32, color: Color, h: HAlign, bold: bool) {
        let size = self.font(size);
        self.scene.text(x, y, s, size, color, h, VAlign::Middle, bold);
    }
}

fn ctx<'a>(a: &'a Analysis, opts: &ChartOptions) -> Ctx<'a> {
    let (l, grid) = (Layout::with_scale(opts.width, opts.height, opts.scale), &a.estimate.grid);
    let th = if opts.dark { Theme::dark() } else { Theme::light() };
    let scene = Scene::new(opts.width, opts.height, th.background);
    Ctx {
        scene,
        l,
        th,
        grid,
        p_lo: grid.price_lo,
        p_hi: grid.price_hi,
        frame_at: opts.frame_at,
        profile_max: opts.profile_max,
        color_top: opts.color_top,
    }
}

/// The top of the scale the profile panel of `a`'s chart picks from its data (USD per 0.1 %
/// band, or cumulative USD), whatever `opts.profile_max` says.
pub fn profile_top(a: &Analysis, opts: &ChartOptions) -> f64 {
    profile::scale_top(a, a.estimate.grid.price_lo, a.estimate.grid.price_hi, opts.profile)
}

/// Builds the chart. The grid in `a` should have `Layout::plot_rows` rows.
pub fn build(snap: &MarketSnapshot, a: &Analysis, opts: &ChartOptions) -> Scene {
    let l = Layout::with_scale(opts.width, opts.height, opts.scale);
    let th = if opts.dark { Theme::dark() } else { Theme::light() };
    let grid = &a.estimate.grid;
    let mut c = ctx(a, opts);
    let scale = ColorScale::pick(grid, opts.color_max);

    c.scene.rect(l.plot.x, l.plot.y, l.plot.w, l.plot.h, th.plot_background);
    c.scene.rect(l.profile.x, l.profile.y, l.profile.w, l.profile.h, th.plot_background);
    // Compact layouts tag the zones in the price axis (numbers in the legend): placed first,
    // so the price labels make room for them.
    let tags = if l.compact { zone_labels::tags(&c, &a.zones.zones, a.estimate.last_price) } else { vec![] };
    // The heatmap's pixels (a colour per cell: a quarter of a million at 1600x900) are made on a
    // second thread while the rest of the scene is laid out; the image goes in first, as drawn.
    let th = c.th;
    let at = c.scene.items.len();
    let rgba = std::thread::scope(|sc| {
        let pixels = sc.spawn(|| heat_pixels(grid, &th, &scale));
        // The price gridlines over the heatmap, as the time gridlines are (the heatmap is opaque).
        price_axis(&mut c, a.estimate.last_price, &tags);
        time_axis(&mut c);
        // Candles at least 3 px wide on a 1100-px plot share; compact: 3 px at the text's scale.
        let span = (grid.end() - grid.start).num_seconds() as f64;
        let per_px = if l.compact { span * l.s as f64 / l.plot.w as f64 } else { span / 1100.0 };
        let candles = window_candles(snap, grid, per_px);
        draw_candles(&mut c, &candles);
        data_start(&mut c, snap);
        if let Some(t) = opts.frame_at {
            now_line(&mut c, t);
        }
        if opts.realized {
            realized::draw(&mut c, snap, opts.frame_at.unwrap_or(snap.captured_at));
        }
        zones(&mut c, &a.zones.zones, &tags);
        profile(&mut c, a, opts.profile, opts.breakdown.as_ref());
        if opts.measured {
            profile::measured(&mut c, snap, a, opts.profile);
        }
        price_marker(&mut c, a.estimate.last_price);
        colorbar(&mut c, &scale, opts.color_top);
        header(&mut c, snap, a, opts);
        caption(&mut c, snap, a, opts.color_top);
        pixels.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
    });
    let p = c.l.plot;
    let image = Item::Image { x: p.x, y: p.y, w: p.w, h: p.h, px_w: grid.cols as u32, px_h: grid.rows as u32, rgba };
    c.scene.items.insert(at, image);
    c.scene
}

/// The heatmap's pixels: a row per price row (the highest first), a pixel per time column.
fn heat_pixels(g: &Grid, th: &Theme, scale: &ColorScale) -> Vec<u8> {
    let table = HeatTable::new(th);
    let k = BAND / g.row_rel_width();
    let (w, h) = (g.cols, g.rows);
    // Each cell's colour composited over the plot background here: an opaque image is copied
    // pixel for pixel by the rasteriser (a translucent one goes through its slower pattern
    // fill) and embeds in the SVG as RGB. Cells under the scale's floor are the background.
    let bg = th.plot_background;
    let mut rgba: Vec<u8> = [bg.r, bg.g, bg.b, 255].repeat(w * h);
    for col in 0..w {
        for row in 0..h {
            let v = g.total(col, row) as f64 * k;
            if let Some(t) = scale.t(v) {
                let color = table.color(t);
                let i = ((h - 1 - row) * w + col) * 4;
                rgba[i..i + 4].copy_from_slice(&[color.r, color.g, color.b, 255]);
            }
        }
    }
    rgba
}

/// The price axis: gridlines and labelled ticks, at least [`MIN_PRICE_TICKS`] labels (closer
/// ticks where the first choice labels fewer), none under the price marker or a zone's tag.
fn price_axis(c: &mut Ctx, price: f64, tags: &[zone_labels::Tag]) {
    let p = c.l.plot;
    let x_axis = p.right() + 8.0 * c.l.s;
    let font = c.font(13.0);
    let lh = text::line_height(font, true);
    let base = (p.h / (55.0 * c.l.s)).max(3.0) as usize;
    let room = c.l.profile.x - x_axis - 4.0 * c.l.s;
    // At `target` ticks: the gridlines' y, and the labels drawn (y, text).
    let labelled = |c: &Ctx, target: usize| {
        let (ticks, step) = axis::price_ticks(c.p_lo, c.p_hi, target);
        let dec = axis::step_decimals(step).max(if step >= 1.0 { 0 } else { 1 });
        let mut lines = Vec::new();
        let mut labels = Vec::new();
        for t in ticks {
            let y = c.y(t);
            if y < p.y + 4.0 || y > p.bottom() - 4.0 {
                continue;
            }
            lines.push(y);
            // The price marker's box covers this label: leave it out rather than under the box.
            if (y - c.y(price)).abs() < lh + 4.0 * c.l.s {
                continue;
            }
            let label = axis_label(t, step, dec, room, font);
            let (x0, x1) = (x_axis, x_axis + text::measure(&label, font, false));
            if tags.iter().any(|g| g.covers(x0, y - lh / 2.0, x1, y + lh / 2.0)) {
                continue;
            }
            labels.push((y, label));
        }
        (lines, labels)
    };
    let mut chosen = labelled(c, base);
    // Denser ticks until three are labelled, as long as labels stay a line and a half apart.
    let mut target = base;
    while chosen.1.len() < MIN_PRICE_TICKS && p.h / (target as f32 + 1.0) >= 1.5 * lh {
        target += 1;
        chosen = labelled(c, target);
    }
    let (lines, labels) = chosen;
    for y in lines {
        c.scene.line(p.x, y, p.right(), y, c.th.gridline, c.stroke(1.0));
        c.scene.line(c.l.profile.x, y, c.l.profile.right(), y, c.th.gridline, c.stroke(1.0));
    }
    let muted = c.th.muted;
    for (y, label) in labels {
        c.label(x_axis, y, &label, 13.0, muted, HAlign::Left, false);
    }
}

/// The fewest labelled price ticks a chart draws (where its plot has room for them).
pub(crate) const MIN_PRICE_TICKS: usize = 3;

/// A price tick's label: with thousands separators, or, where that does not fit in `room` px
/// (prices of 1e12 or 1e-12), in scientific notation with the digits the tick step needs.
fn axis_label(t: f64, step: f64, dec: usize, room: f32, size: f32) -> String {
    let plain = fmt::thousands(t, dec);
    if text::measure(&plain, size, false) <= room || t == 0.0 {
        return plain;
    }
    let digits = ((t.abs() / step).log10().ceil().max(1.0) as usize).min(12);
    format!("{:.*e}", digits, t)
}

fn time_axis(c: &mut Ctx) {
    let g = c.grid;
    let span = (g.end() - g.start).num_seconds().max(1);
    // Compact plots are few label widths wide: ticks closer (labels still apart, see the tests).
    let gap_px = if c.l.compact { 75.0 } else { 110.0 } * c.l.s as f64;
    let min_gap = (span as f64 * gap_px / c.l.plot.w as f64) as i64;
    let p = c.l.plot;
    for t in axis::time_ticks(g.start, g.end(), min_gap) {
        let x = c.x_of_secs((t - g.start).num_seconds() as f64);
        let w = c.stroke(1.0);
        c.scene.line(x, p.y, x, p.bottom(), c.th.gridline, w);
        c.scene.line(x, p.bottom(), x, p.bottom() + 5.0 * c.l.s, c.th.muted, w);
        let (muted, y) = (c.th.muted, p.bottom() + if c.l.compact { 14.0 } else { 16.0 } * c.l.s);
        let label = axis::time_label(t);
        // Keep labels at the plot's ends inside the plot's width.
        let half = text::measure(&label, c.font(13.0), false) / 2.0;
        let xl = x.clamp(p.x + half, p.right() - half);
        c.label(xl, y, &label, 13.0, muted, HAlign::Center, false);
    }
    if !c.l.compact {
        let (muted, y) = (c.th.muted, p.bottom() + 34.0 * c.l.s);
        c.label(p.right(), y, "time (UTC)", 12.0, muted, HAlign::Right, false);
    }
}

/// The first venue's candles inside the grid window, merged so each is >= 3 px wide.
fn window_candles(snap: &MarketSnapshot, g: &Grid, per_px: f64) -> Vec<(f64, f64, Candle)> {
    let Some(v) = snap.venues.first() else { return vec![] };
    let inside: Vec<&Candle> = v.candles.iter().filter(|c| c.open_time >= g.start && c.open_time < g.end()).collect();
    let step = snap.interval_secs() as f64;
    // Group so a display candle spans at least 3 px (`per_px`: seconds per px).
    let group = ((3.0 * per_px / step).ceil() as usize).max(1);
    let mut out = Vec::new();
    for chunk in inside.chunks(group) {
        let first = chunk[0];
        let last = chunk[chunk.len() - 1];
        let mut m = *first;
        m.close = last.close;
        m.high = chunk.iter().map(|c| c.high).fold(f64::MIN, f64::max);
        m.low = chunk.iter().map(|c| c.low).fold(f64::MAX, f64::min);
        let t0 = (first.open_time - g.start).num_seconds() as f64;
        let t1 = (last.open_time + Duration::seconds(step as i64) - g.start).num_seconds() as f64;
        out.push((t0, t1, m));
    }
    out
}

fn draw_candles(c: &mut Ctx, candles: &[(f64, f64, Candle)]) {
    for &(t0, t1, k) in candles {
        let (x0, x1) = (c.x_of_secs(t0), c.x_of_secs(t1));
        let w = ((x1 - x0) * 0.7).max(1.0);
        let xm = (x0 + x1) / 2.0;
        let (yo, yc) = (c.y(k.open), c.y(k.close));
        c.scene.line(xm, c.y(k.high), xm, c.y(k.low), c.th.wick, (0.12 * w).clamp(c.stroke(1.0), c.stroke(2.0)).min(w));
        let color = if k.close >= k.open { c.th.candle_up } else { c.th.candle_down };
        let (top, bottom) = (yo.min(yc), yo.max(yc));
        c.scene.rect(xm - w / 2.0, top, w, (bottom - top).max(1.0), color);
    }
}

/// The time of an animation frame: a dashed vertical line across the plot.
fn now_line(c: &mut Ctx, t: DateTime<Utc>) {
    let p = c.l.plot;
    let x = c.x_of_secs((t - c.grid.start).num_seconds() as f64).clamp(p.x, p.right());
    c.scene.dashed_line(x, p.y, x, p.bottom(), c.th.muted.with_alpha(0xc0), c.stroke(1.0), 4.0 * c.l.s);
}

/// When the window begins where the snapshot's data begins, the map's left part lacks every
/// level opened before: said at the plot's top-left, so an empty or faint left edge is not read
/// as "no liquidity there".
fn data_start(c: &mut Ctx, snap: &MarketSnapshot) {
    let Some(first) = snap.venues.iter().filter_map(|v| v.candles.first()).map(|k| k.open_time).min() else { return };
    if first < c.grid.start {
        return;
    }
    let s = c.l.s;
    let p = c.l.plot;
    let label = format!("No data before {} UTC: levels opened earlier are missing", first.format("%b %-d %H:%M"));
    let size = c.font(12.0);
    let (w, h) = (text::measure(&label, size, false) + 10.0 * s, text::line_height(size, false) + 4.0 * s);
    c.scene.rect(p.x + 4.0 * s, p.y + 4.0 * s, w, h, c.th.label_background);
    let muted = c.th.muted;
    c.scene.text(p.x + 9.0 * s, p.y + 4.0 * s + h / 2.0, &label, size, muted, HAlign::Left, VAlign::Middle, false);
}

fn price_marker(c: &mut Ctx, price: f64) {
    let (p, prof) = (c.l.plot, c.l.profile);
    let y = c.y(price);
    if y < p.y || y > p.bottom() {
        return;
    }
    c.scene.dashed_line(p.x, y, prof.right(), y, c.th.price_line.with_alpha(0xd0), c.stroke(1.0), 6.0 * c.l.s);
    let size = c.font(13.0);
    let s = fmt::price(price);
    let w = text::measure(&s, size, true) + 10.0 * c.l.s;
    let h = text::line_height(size, true) + 4.0 * c.l.s;
    let x = p.right() + 2.0 * c.l.s;
    c.scene.rect(x, y - h / 2.0, w, h, c.th.price_line);
    c.scene.text(x + 5.0 * c.l.s, y, &s, size, c.th.background, HAlign::Left, VAlign::Middle, true);
}

const COLORBAR_TITLE: &str = "Estimated liquidation notional, USD per 0.1 % price band (linear scale)";
/// The colour bar's title in a compact layout (same facts, fewer words).
const COLORBAR_TITLE_SHORT: &str = "USD per 0.1 % band";

/// The span the grid shows when `window_secs` was asked for and the snapshot holds less:
/// `Some(shown seconds)`, else `None`.
pub fn window_shortfall(grid: &Grid, window_secs: i64) -> Option<i64> {
    let shown = (grid.end() - grid.start).num_seconds();
    (shown < window_secs).then_some(shown)
}

/// `50x,100x` when the estimate was restricted to part of the leverage mix (`--leverage`), so
/// the title says the map is filtered; `None` for the whole mix.
pub fn leverage_filter(a: &Analysis) -> Option<String> {
    let filtered = a.estimate.venues.iter().any(|v| v.mix.total_weight() < 1.0 - 1e-9);
    if !filtered {
        return None;
    }
    let mut levs: Vec<f64> = a.estimate.venues.iter().flat_map(|v| v.mix.slices.iter().map(|s| s.0)).collect();
    levs.sort_by(f64::total_cmp);
    levs.dedup();
    Some(levs.iter().map(|l| format!("{l}x")).collect::<Vec<_>>().join(","))
}

fn header(c: &mut Ctx, snap: &MarketSnapshot, a: &Analysis, opts: &ChartOptions) {
    let s = c.l.s;
    let g = c.grid;
    let mut title = match leverage_filter(a) {
        Some(only) => format!("{}  liquidation heatmap — ESTIMATED, leverage {only} only", snap.symbol),
        None => format!("{}  liquidation heatmap — ESTIMATED", snap.symbol),
    };
    let width = c.l.width - 2.0 * c.l.plot.x;
    if text::measure(&title, c.font(22.0), true) > width {
        title = match leverage_filter(a) {
            Some(only) => format!("{}  liquidations — ESTIMATED, {only} only", snap.symbol),
            None => format!("{}  liquidations — ESTIMATED", snap.symbol),
        };
    }
    let (text_c, muted, warn) = (c.th.text, c.th.muted, c.th.warning);
    // Compact layouts pack the two header lines closer (the map keeps the height).
    let (title_y, sub_y) = if c.l.compact { (17.0 * s, 40.0 * s) } else { (24.0 * s, 50.0 * s) };
    c.label(c.l.plot.x, title_y, &title, 22.0, text_c, HAlign::Left, true);
    let head =
        format!("{} · {} candles · ", crate::model::sources::venue_label(snap), format_interval(snap.interval_secs()));
    let end = snap.captured_at.format("%Y-%m-%d %H:%M");
    let mut tail = format!(" · price {}", fmt::price(a.estimate.last_price));
    // The price is also on the price axis marker: left out of a subtitle too long for the image.
    if c.l.compact && text::measure(&format!("{head}last 24h to {end} UTC{tail}"), c.font(14.0), false) > width {
        tail.clear();
    }
    match opts.window_secs.and_then(|w| window_shortfall(g, w).map(|shown| (w, shown))) {
        _ if opts.frame_at.is_some() => {
            let at = opts.frame_at.map_or(snap.captured_at, |t| t).format("%Y-%m-%d %H:%M");
            let span = span_label((g.end() - g.start).num_seconds());
            let sub =
                format!("{head}{span} from {} UTC, as it stood at {at} UTC{tail}", g.start.format("%Y-%m-%d %H:%M"));
            c.label(c.l.plot.x, sub_y, &sub, 14.0, muted, HAlign::Left, false);
        }
        None => {
            let sub = format!("{head}last {} to {end} UTC{tail}", span_label((g.end() - g.start).num_seconds()));
            c.label(c.l.plot.x, sub_y, &sub, 14.0, muted, HAlign::Left, false);
        }
        // The snapshot is shorter than the window asked for: said in the warning colour.
        Some((asked, shown)) => {
            let short = format!("window {} requested, {} of data", span_label(asked), span_label(shown));
            let span = format!(": {} to {end} UTC", g.start.format("%Y-%m-%d %H:%M"));
            let mut x = c.l.plot.x;
            for (part, color) in
                [(head.as_str(), muted), (short.as_str(), warn), (span.as_str(), muted), (tail.as_str(), muted)]
            {
                c.label(x, sub_y, part, 14.0, color, HAlign::Left, false);
                x += text::measure(part, c.font(14.0), false);
            }
        }
    }
    let right = c.l.profile.right();
    let warning = "Model estimate, not actual positions";
    let free = right - c.l.plot.x - text::measure(&title, c.font(22.0), true) - 24.0 * s;
    if text::measure(warning, c.font(13.0), true) <= free {
        c.label(right, title_y, warning, 13.0, warn, HAlign::Right, true);
    }
}

/// Under the colour bar: how the map was made (full-size charts) and, always, the one-line
/// credit naming the price and the open-interest source ([`crate::model::sources::credit_line`]). The
/// snapshot's notes (the data sources in full) go to the alt text and the report, not here.
/// Compact layouts have the credit only; a method line that does not fit is left out whole.
fn caption(c: &mut Ctx, snap: &MarketSnapshot, a: &Analysis, top: ColorTop) {
    let s = c.l.s;
    let muted = c.th.muted;
    let size = c.font(11.5);
    if c.l.compact {
        let (x, w) = (c.l.caption.x, c.l.caption.w);
        let credit = crate::model::sources::credit_line_fitting(snap, |l| text::measure(l, size, false) <= w);
        c.label(x, c.l.caption.y, &credit, 11.5, muted, HAlign::Left, false);
        return;
    }
    let mixes: Vec<String> = a.estimate.venues.iter().map(|v| v.mix.describe()).collect();
    let mut mix = mixes.first().cloned().unwrap_or_default();
    if mixes.iter().any(|m| *m != mix) {
        mix = "per venue (capped at each venue's maximum)".into();
    }
    let vs = &a.estimate.venues;
    let split = if vs.iter().all(|v| v.taker_split) {
        "taker-buy share".to_string()
    } else if vs.iter().all(|v| !v.taker_split) {
        "candle-body fallback (no taker volume)".to_string()
    } else {
        let names =
            |t: bool| vs.iter().filter(|v| v.taker_split == t).map(|v| v.venue.as_str()).collect::<Vec<_>>().join(", ");
        format!("taker-buy share ({}), candle-body fallback ({})", names(true), names(false))
    };
    let line1 = format!(
        "Estimated from rising open interest spread over each candle's range; leverage mix {mix}; long/short split: {split}."
    );
    let line2 =
        format!("Levels vanish once price trades through them. Zones: {}. Not advice.", zone_rule_text(&a.zones));
    let title_w = text::measure(&colorbar_title(false, top), c.font(12.0), false);
    let x = c.l.colorbar.x + c.l.colorbar.w.max(title_w) + 24.0 * s;
    let (w_avail, mut y) = (c.l.width - x - 18.0 * s, c.l.colorbar.y - 12.0 * s);
    let step = 15.0 * s;
    let credit = crate::model::sources::credit_line_fitting(snap, |l| text::measure(l, size, false) <= w_avail);
    let pieces: Vec<String> = [line1, line2].iter().flat_map(|l| wrap(l, size, w_avail)).collect();
    // Never past the bottom edge: the method lines that fit above the credit, then the credit.
    let fit = ((c.l.height - 8.0 * s - y) / step).floor().max(0.0) as usize + 1;
    for piece in pieces.iter().take(fit.saturating_sub(1)) {
        c.label(x, y, piece, 11.5, muted, HAlign::Left, false);
        y += step;
    }
    c.label(x, y, &credit, 11.5, muted, HAlign::Left, false);
}

/// Greedy word wrap to `width` pixels.
pub fn wrap(s: &str, size: f32, width: f32) -> Vec<String> {
    wrap_text(s, size, false, width)
}

/// [`wrap`] of bold text.
pub(crate) fn wrap_bold(s: &str, size: f32, width: f32) -> Vec<String> {
    wrap_text(s, size, true, width)
}

fn wrap_text(s: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if !line.is_empty() && text::measure(&candidate, size, bold) > width {
            out.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests;
