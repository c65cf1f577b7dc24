//! The chart of `liqshot backtest -o backtest.png|svg`, built as a [`Scene`] from a
//! [`Backtest`] in the heatmap's style (theme colours, bundled fonts): left, the calibration
//! plot of zones A and B (predicted touch probability against observed frequency per reliability
//! bin, the distance-only model and the model adjusted by the earlier steps' lift, the
//! diagonal, marker area by n); right, the lifts (touch, reaction, magnet) per group with their
//! 90 % intervals as error bars on a log axis with a line at 1; the title (symbol, span, steps,
//! horizon) and the headline under it. Every number comes from the backtest. Pure.

use super::chart::{wrap, wrap_bold};
use super::layout::Rect;
use super::palette::Theme;
use super::scene::{Color, HAlign, Scene, VAlign};
use super::text;
use crate::engine::backtest::table::{lift_ci, NA};
use crate::engine::backtest::{Backtest, ReliabilityBin, Summary};

/// Size and theme of the chart.
#[derive(Debug, Clone, Copy)]
pub struct ChartStyle {
    pub width: u32,
    pub height: u32,
    pub dark: bool,
}

impl Default for ChartStyle {
    fn default() -> Self {
        ChartStyle { width: 1600, height: 900, dark: true }
    }
}

/// Markers of the distance-only model (disks) and of the adjusted model (squares).
pub const MODEL: Color = Color::rgb(0x4e, 0x9b, 0xe6);
pub(crate) const ADJUSTED: Color = Color::rgb(0xf2, 0x8e, 0x2b);
/// Error bars and points of the three lifts.
pub const TOUCH: Color = Color::rgb(0x4e, 0x9b, 0xe6);
pub const REACTION: Color = Color::rgb(0xf2, 0x8e, 0x2b);
pub(crate) const MAGNET: Color = Color::rgb(0xff, 0x6b, 0x9a);

/// Width of the lift panel's row labels, px.
const LABELS: f32 = 150.0;

/// Thickness of an error bar, px (odd, so a bar on a half-pixel row covers whole pixels).
pub const BAR: f32 = 3.0;

/// Which lift a row of the right panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lift {
    Touch,
    Reaction,
    Magnet,
}

impl Lift {
    pub fn name(self) -> &'static str {
        match self {
            Lift::Touch => "touch lift",
            Lift::Reaction => "reaction lift",
            Lift::Magnet => "magnet lift",
        }
    }

    pub fn color(self) -> Color {
        match self {
            Lift::Touch => TOUCH,
            Lift::Reaction => REACTION,
            Lift::Magnet => MAGNET,
        }
    }

    /// The lift and its interval in `s`.
    pub fn of(self, s: &Summary) -> (Option<f64>, Option<[f64; 2]>) {
        match self {
            Lift::Touch => (s.touch_lift, s.touch_lift_ci90),
            Lift::Reaction => (s.reaction_lift, s.reaction_lift_ci90),
            Lift::Magnet => (s.magnet_lift, s.magnet_lift_ci90),
        }
    }
}

/// One row of the lift panel.
#[derive(Debug, Clone, PartialEq)]
pub struct LiftRow {
    pub lift: Lift,
    /// `overall`, `A`, `B` or `C`.
    pub group: String,
    pub value: Option<f64>,
    pub ci90: Option<[f64; 2]>,
    /// Pixel y of the row's bar (a half-pixel: see [`BAR`]).
    pub y: f32,
}

/// Where everything goes: the tests read the data's positions from here.
#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    /// The calibration plot: predicted 0..1 left to right, observed 0..1 bottom to top.
    pub calib: Rect,
    /// The lift plot (log axis from `lift_lo` to `lift_hi`).
    pub lifts: Rect,
    pub lift_lo: f64,
    pub lift_hi: f64,
    pub rows: Vec<LiftRow>,
    /// Largest n of a reliability bin (the biggest marker).
    pub max_n: usize,
}

impl Geometry {
    /// Pixel position of (predicted, observed) on the calibration plot.
    pub fn calib_xy(&self, predicted: f64, observed: f64) -> (f32, f32) {
        let c = self.calib;
        (c.x + predicted.clamp(0.0, 1.0) as f32 * c.w, c.bottom() - observed.clamp(0.0, 1.0) as f32 * c.h)
    }

    /// Pixel x of a lift on the log axis (clamped to the plot).
    pub fn lift_x(&self, v: f64) -> f32 {
        let f = (v.max(1e-9).ln() - self.lift_lo.ln()) / (self.lift_hi.ln() - self.lift_lo.ln());
        self.lifts.x + f.clamp(0.0, 1.0) as f32 * self.lifts.w
    }

    /// Half the side of a reliability bin's marker with `n` zones: area proportional to n.
    pub fn marker_radius(&self, n: usize) -> f32 {
        if self.max_n == 0 {
            return 0.0;
        }
        3.0 + 11.0 * (n as f32 / self.max_n as f32).sqrt()
    }
}

/// The groups of the lift panel and their labels.
fn groups(bt: &Backtest) -> Vec<(&'static str, &Summary)> {
    let mut g = vec![("overall", &bt.overall)];
    for k in crate::engine::zones::LABELLED {
        if let Some(s) = bt.zones.get(&k) {
            g.push((k.as_str(), s));
        }
    }
    g
}

/// The chart's geometry for `bt` at `style`'s size.
pub fn geometry(bt: &Backtest, style: &ChartStyle) -> Geometry {
    let (w, h) = (style.width as f32, style.height as f32);
    let top = 150.0;
    let bottom = h - 110.0;
    let side = (bottom - top).min(w * 0.4);
    let calib = Rect { x: 100.0, y: top, w: side, h: side };
    let lx = calib.right() + LABELS + 90.0;
    let lifts = Rect { x: lx, y: top, w: (w - 190.0 - lx).max(100.0), h: side };
    let mut rows = Vec::new();
    for lift in [Lift::Touch, Lift::Reaction, Lift::Magnet] {
        for (name, s) in groups(bt) {
            // Which zone was reached first is a question about A and B together only.
            if lift == Lift::Magnet && name != "overall" {
                continue;
            }
            let (value, ci90) = lift.of(s);
            rows.push(LiftRow { lift, group: name.to_string(), value, ci90, y: 0.0 });
        }
    }
    // Rows evenly down the plot, a gap above each lift's rows (for its heading).
    let gaps = 3.0;
    let unit = lifts.h / (rows.len() as f32 + gaps);
    let mut y = lifts.y + 1.5 * unit;
    for i in 0..rows.len() {
        if i > 0 && rows[i].lift != rows[i - 1].lift {
            y += unit;
        }
        rows[i].y = y.floor() + 0.5;
        y += unit;
    }
    // The axis covers every lift and interval and 1, within 1/20 to 20.
    let mut lo: f64 = 1.0;
    let mut hi: f64 = 1.0;
    for r in &rows {
        for v in r.value.into_iter().chain(r.ci90.into_iter().flatten()).filter(|v| v.is_finite() && *v > 0.0) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    let (lo, hi) = ((lo / 1.25).clamp(0.05, 0.5), (hi * 1.25).clamp(2.0, 20.0));
    let all = [&bt.overall.reliability, &bt.overall.reliability_adjusted];
    let max_n = all.iter().flat_map(|v| v.iter().map(|b| b.n)).max().unwrap_or(0);
    Geometry { calib, lifts, lift_lo: lo, lift_hi: hi, rows, max_n }
}

/// Ticks of the lift axis within `lo..=hi`.
fn lift_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let fine = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0];
    let coarse = [0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0];
    let pick = |set: &[f64]| set.iter().copied().filter(|t| *t >= lo * 0.999 && *t <= hi * 1.001).collect::<Vec<f64>>();
    let f = pick(&fine);
    if f.len() <= 9 {
        f
    } else {
        pick(&coarse)
    }
}

struct Ctx {
    scene: Scene,
    th: Theme,
}

impl Ctx {
    #[allow(clippy::too_many_arguments)]
    fn label(&mut self, x: f32, y: f32, s: &str, size: f32, color: Color, h: HAlign, bold: bool) {
        self.scene.text(x, y, s, size, color, h, VAlign::Middle, bold);
    }
}

/// A span as the title shows it: `10d`, `24h`, `90m` (the heatmap's title's rule).
fn span_label(secs: i64) -> String {
    crate::model::fmt::span_label(secs.max(1))
}

/// Builds the chart of `bt`.
pub fn build(bt: &Backtest, style: &ChartStyle) -> Scene {
    let th = if style.dark { Theme::dark() } else { Theme::light() };
    let g = geometry(bt, style);
    let mut c = Ctx { scene: Scene::new(style.width, style.height, th.background), th };
    header(&mut c, bt, style);
    calibration(&mut c, bt, &g);
    lifts(&mut c, &g);
    caption(&mut c, bt, style);
    c.scene
}

fn header(c: &mut Ctx, bt: &Backtest, style: &ChartStyle) {
    let (text_c, muted, warn) = (c.th.text, c.th.muted, c.th.warning);
    let x = 24.0;
    let width = style.width as f32 - 48.0;
    let title = format!("{}  backtest — do the zones beat distance alone?", bt.symbol);
    c.label(x, 26.0, &title, 22.0, text_c, HAlign::Left, true);
    let notice = "Zones are model estimates, not actual positions";
    if text::measure(&title, 22.0, true) + text::measure(notice, 13.0, true) + 24.0 <= width {
        c.label(style.width as f32 - 24.0, 26.0, notice, 13.0, warn, HAlign::Right, true);
    }
    let history = match bt.lookback_secs {
        Some(l) => format!("estimate from the trailing {} at each step", span_label(l)),
        None => "estimate from all history up to each step".into(),
    };
    let sub = format!(
        "{} · {} candles · {} to {} UTC ({}) · {} steps every {} after {} · horizon {} · {history}",
        bt.venues,
        bt.interval,
        bt.data_from.format("%Y-%m-%d %H:%M"),
        bt.data_to.format("%Y-%m-%d %H:%M"),
        span_label((bt.data_to - bt.data_from).num_seconds()),
        bt.steps,
        span_label(bt.step_secs),
        if bt.warmup_secs > 0 { format!("{} warm-up", span_label(bt.warmup_secs)) } else { "no warm-up".into() },
        span_label(bt.horizon_secs),
    );
    let mut y = 52.0;
    for line in wrap(&sub, 14.0, width).into_iter().take(2) {
        c.label(x, y, &line, 14.0, muted, HAlign::Left, false);
        y += 19.0;
    }
    y += 6.0;
    for line in wrap_bold(&bt.headline, 16.0, width).into_iter().take(2) {
        c.label(x, y, &line, 16.0, text_c, HAlign::Left, true);
        y += 21.0;
    }
}

fn frame(c: &mut Ctx, r: Rect) {
    c.scene.rect(r.x, r.y, r.w, r.h, c.th.plot_background);
    c.scene.stroke_rect(r.x, r.y, r.w, r.h, c.th.gridline, 1.0);
}

/// A filled disk: a circle of radius `r / 2` stroked `r` wide.
fn disk(scene: &mut Scene, x: f32, y: f32, r: f32, color: Color) {
    if r <= 0.0 {
        return;
    }
    let pts: Vec<(f32, f32)> = (0..=48)
        .map(|i| {
            let a = i as f32 / 48.0 * std::f32::consts::TAU;
            (x + 0.5 * r * a.cos(), y + 0.5 * r * a.sin())
        })
        .collect();
    scene.polyline(pts, color, r);
}

fn calibration(c: &mut Ctx, bt: &Backtest, g: &Geometry) {
    let r = g.calib;
    let (text_c, muted, grid) = (c.th.text, c.th.muted, c.th.gridline);
    c.label(
        r.x,
        r.y - 20.0,
        &format!("Calibration, zones A and B: P(touch within {})", span_label(bt.horizon_secs)),
        15.0,
        text_c,
        HAlign::Left,
        true,
    );
    frame(c, r);
    for i in 0..=5 {
        let v = i as f64 / 5.0;
        let (x, _) = g.calib_xy(v, 0.0);
        let (_, y) = g.calib_xy(0.0, v);
        if i > 0 && i < 5 {
            c.scene.line(x, r.y, x, r.bottom(), grid, 1.0);
            c.scene.line(r.x, y, r.right(), y, grid, 1.0);
        }
        let l = format!("{:.0} %", v * 100.0);
        c.label(x, r.bottom() + 14.0, &l, 12.0, muted, HAlign::Center, false);
        c.label(r.x - 8.0, y, &l, 12.0, muted, HAlign::Right, false);
    }
    c.label(
        r.x + r.w / 2.0,
        r.bottom() + 34.0,
        "predicted P(touch): circles the model, squares adjusted",
        13.0,
        muted,
        HAlign::Center,
        false,
    );
    c.scene.text_rotated(
        r.x - 58.0,
        r.y + r.h / 2.0,
        "observed touch frequency",
        13.0,
        muted,
        HAlign::Center,
        VAlign::Middle,
        false,
        -90.0,
    );
    // The diagonal: a perfectly calibrated model.
    let (x0, y0) = g.calib_xy(0.0, 0.0);
    let (x1, y1) = g.calib_xy(1.0, 1.0);
    c.scene.line(x0, y0, x1, y1, muted, 2.0);
    let (model, adjusted) = (&bt.overall.reliability, &bt.overall.reliability_adjusted);
    if model.is_empty() && adjusted.is_empty() {
        c.label(
            r.x + r.w / 2.0,
            r.y + r.h / 2.0,
            &format!("{NA}: no model probability (too little history)"),
            14.0,
            muted,
            HAlign::Center,
            false,
        );
    }
    markers(c, g, adjusted, ADJUSTED, false);
    markers(c, g, model, MODEL, true);
    // Legend, top left inside the plot (calibration points of a useful model sit lower right
    // only when it overstates; the corner above the diagonal at the left is the emptiest).
    let (lx, mut ly) = (r.x + 14.0, r.y + 18.0);
    disk(&mut c.scene, lx + 5.0, ly, 8.0, MODEL);
    c.label(lx + 16.0, ly, "distance-only model", 12.5, text_c, HAlign::Left, false);
    ly += 20.0;
    c.scene.rect(lx + 1.0, ly - 4.0, 8.0, 8.0, ADJUSTED);
    c.label(lx + 16.0, ly, "adjusted by the earlier steps' touch lift", 12.5, text_c, HAlign::Left, false);
    ly += 20.0;
    c.scene.line(lx, ly, lx + 10.0, ly, muted, 2.0);
    c.label(
        lx + 16.0,
        ly,
        format!("diagonal: calibrated; marker area ~ n (largest {})", g.max_n).as_str(),
        12.5,
        muted,
        HAlign::Left,
        false,
    );
    if let Some(b) = bt.overall.brier {
        let adj = bt.overall.brier_adjusted.map_or_else(|| NA.to_string(), |v| format!("{v:.3}"));
        let base = bt.overall.brier_base_rate.map_or_else(|| NA.to_string(), |v| format!("{v:.3}"));
        let s = format!("Brier: model {b:.3}, adjusted {adj}, base rate {base}");
        c.label(r.right() - 10.0, r.bottom() - 16.0, &s, 12.5, text_c, HAlign::Right, false);
    }
}

fn markers(c: &mut Ctx, g: &Geometry, bins: &[ReliabilityBin], color: Color, round: bool) {
    for b in bins.iter().filter(|b| b.n > 0 && b.predicted.is_finite() && b.observed.is_finite()) {
        let (x, y) = g.calib_xy(b.predicted, b.observed);
        let r = g.marker_radius(b.n);
        let fill = color.with_alpha(0xd0);
        if round {
            disk(&mut c.scene, x, y, r, fill);
        } else {
            c.scene.rect(x - r * 0.89, y - r * 0.89, 1.78 * r, 1.78 * r, fill);
        }
    }
}

fn lifts(c: &mut Ctx, g: &Geometry) {
    let r = g.lifts;
    let (text_c, muted, grid) = (c.th.text, c.th.muted, c.th.gridline);
    c.label(
        r.x - LABELS,
        r.y - 20.0,
        "Lifts against the baselines, 90 % intervals (bootstrap over days)",
        15.0,
        text_c,
        HAlign::Left,
        true,
    );
    frame(c, r);
    for t in lift_ticks(g.lift_lo, g.lift_hi) {
        let x = g.lift_x(t);
        if (t - 1.0).abs() > 1e-9 {
            c.scene.line(x, r.y, x, r.bottom(), grid, 1.0);
        }
        let l = if t < 1.0 { format!("{t}") } else { format!("{t:.0}") };
        let l = if t == 1.5 { "1.5".to_string() } else { l };
        c.label(x, r.bottom() + 14.0, &l, 12.0, muted, HAlign::Center, false);
    }
    c.label(
        r.x + r.w / 2.0,
        r.bottom() + 34.0,
        "lift (log scale): 1 = no better than a level at the same distance",
        13.0,
        muted,
        HAlign::Center,
        false,
    );
    // The line at 1, over the grid, under the bars.
    let one = g.lift_x(1.0);
    c.scene.line(one, r.y, one, r.bottom(), text_c.with_alpha(0xb0), 2.0);
    let mut last: Option<Lift> = None;
    for row in &g.rows {
        if last != Some(row.lift) {
            let heading = match row.lift {
                Lift::Touch => "touch lift: touches / placebo's",
                Lift::Reaction => "reaction lift: reject rate / placebo's",
                Lift::Magnet => "magnet lift: bigger zone first / random walk's",
            };
            let unit = if g.rows.len() > 1 { (g.rows[1].y - g.rows[0].y).abs() } else { 20.0 };
            c.label(r.x - LABELS, row.y - 0.75 * unit.min(40.0), heading, 13.0, row.lift.color(), HAlign::Left, true);
            last = Some(row.lift);
        }
        let label = if row.group == "overall" { "A and B".to_string() } else { format!("zone {}", row.group) };
        c.label(r.x - LABELS + 12.0, row.y, &label, 13.0, text_c, HAlign::Left, false);
        c.label(r.right() + 10.0, row.y, &lift_ci(row.value, row.ci90), 13.0, text_c, HAlign::Left, false);
        let color = row.lift.color();
        if let Some([lo, hi]) = row.ci90 {
            let (x0, x1) = (g.lift_x(lo), g.lift_x(hi));
            c.scene.line(x0, row.y, x1, row.y, color, BAR);
            for (v, x, dir) in [(lo, x0, -1.0), (hi, x1, 1.0)] {
                if v < g.lift_lo || v > g.lift_hi {
                    // Beyond the axis (a lower end of 0 has no place on a log scale): an arrowhead.
                    c.scene.polyline(
                        vec![(x - dir * 9.0, row.y - 6.0), (x, row.y), (x - dir * 9.0, row.y + 6.0)],
                        color,
                        2.0,
                    );
                } else {
                    c.scene.line(x, row.y - 7.0, x, row.y + 7.0, color, 2.0);
                }
            }
        }
        match row.value {
            Some(v) => disk(&mut c.scene, g.lift_x(v), row.y, 6.0, color),
            None => c.label(r.x + 10.0, row.y, NA, 12.0, muted, HAlign::Left, false),
        }
    }
}

fn caption(c: &mut Ctx, bt: &Backtest, style: &ChartStyle) {
    let muted = c.th.muted;
    let lines = [
        format!(
            "Touch: a candle within {} reaches the zone's near edge. Placebo: the same log distance on the other steps' paths (horizons not overlapping). \
             Reaction: {} % away from the edge (reject) before {} % through it, within {}. Magnet: the bigger of A and B reached first, against a driftless walk's odds.",
            span_label(bt.horizon_secs),
            bt.reaction_move * 100.0,
            bt.reaction_move * 100.0,
            span_label(bt.reaction_secs)
        ),
        format!(
            "Model: driftless random walk (reflection principle) with the trailing {} realised volatility. Intervals: {} resamples of whole UTC days, seed {}; \
             an edge is claimed only when its interval excludes 1. Not advice.",
            span_label(bt.vol_window_secs),
            bt.resamples,
            bt.seed
        ),
    ];
    let width = style.width as f32 - 48.0;
    let pieces: Vec<String> = lines.iter().flat_map(|l| wrap(l, 11.5, width)).collect();
    // With a fuel test, its line (at most two) comes first and the lines move up a little.
    let fuel: Vec<String> =
        bt.fuel.as_ref().map_or(vec![], |f| wrap_bold(&fuel_line(f), 11.5, width).into_iter().take(2).collect());
    let (mut y, step) =
        if fuel.is_empty() { (style.height as f32 - 52.0, 15.0) } else { (style.height as f32 - 58.0, 14.0) };
    for p in &fuel {
        c.label(24.0, y, p, 11.5, c.th.text, HAlign::Left, true);
        y += step;
    }
    for p in pieces.iter().take(if fuel.is_empty() { 3 } else { 4 - fuel.len() }) {
        c.label(24.0, y, p, 11.5, muted, HAlign::Left, false);
        y += step;
    }
}

/// The chart's fuel line: per side the R² gain against the placebo's, the words, the scale.
pub fn fuel_line(f: &crate::engine::backtest::fuel::Fuel) -> String {
    use crate::engine::backtest::fuel::{judge, too_little};
    let ci = |v: Option<[f64; 2]>| v.map_or("n/a".to_string(), |[a, b]| format!("{a:.3}-{b:.3}"));
    let num = |v: Option<f64>, d: usize| v.map_or("n/a".to_string(), |v| format!("{v:.d$}"));
    let side = |name: &str, s: &crate::engine::backtest::fuel::FuelSide| {
        let words = if too_little(s) {
            "too little history"
        } else if judge(s.gain_ci90, s.placebo_gain_ci90).starts_with("evidence") {
            "evidence"
        } else {
            "no measurable edge"
        };
        format!(
            "{name} R² gain {} [{}] vs another period's map {} [{}], {words}, scale {} [{}]",
            num(s.gain, 3),
            ci(s.gain_ci90),
            num(s.placebo_gain, 3),
            ci(s.placebo_gain_ci90),
            num(s.scale, 2),
            s.scale_ci90.map_or("n/a".to_string(), |[a, b]| format!("{a:.2}-{b:.2}"))
        )
    };
    format!(
        "Fuel ({} {} periods, {} days, realized liquidations against the map's USD in the traded range): {}; {}.",
        f.periods,
        crate::model::snapshot::format_interval(f.period_secs),
        f.long.days,
        side("longs", &f.long),
        side("shorts", &f.short)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lift_ticks_stay_in_range_and_few() {
        assert_eq!(lift_ticks(0.5, 2.0), vec![0.5, 0.7, 1.0, 1.5, 2.0]);
        let t = lift_ticks(0.05, 20.0);
        assert!(t.len() <= 9 && t.contains(&1.0), "{t:?}");
    }
}
