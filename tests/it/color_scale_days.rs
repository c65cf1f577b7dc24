//! A colour scale comparable across days without a pinned number: two daily snapshots built
//! with `liqshot import` from the shared data (cut at 10 Nov and 11 Nov 2025 00:00 UTC, a Monday
//! and a Tuesday) take the top of their colour scale from the same reference week (3-10 Nov), so
//! the same USD is the same colour on both days' charts, and the legend says where the top
//! came from.

use crate::common;

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use liqshot::engine::estimate::EstimateParams;
use liqshot::output::render::chart::{ColorScale, ColorTop};
use liqshot::output::render::{chart_options, render_scene, Item, RenderSettings, Scene};
use liqshot::MarketSnapshot;

/// `liqshot import` of the shared data's rows before `cut` (`YYYY-MM-DD`) into `dir`.
fn import_until(dir: &Path, cut: &str) -> MarketSnapshot {
    let data = common::root().join("tests/fixtures/shared-data");
    let keep = |name: &str| {
        let text = std::fs::read_to_string(data.join(name)).unwrap();
        let mut lines = text.lines();
        let mut out = format!("{}\n", lines.next().unwrap());
        for l in lines.filter(|l| l[..10] < *cut) {
            out.push_str(l);
            out.push('\n');
        }
        let path = dir.join(format!("{cut}-{name}"));
        std::fs::write(&path, out).unwrap();
        path
    };
    let (k, oi) = (keep("btcusdt-spot-5m-2025-11-01_10.csv"), keep("btc-usd-swap-okx-oi-1h-2025-11-01_10.csv"));
    let snap: PathBuf = dir.join(format!("{cut}.snapshot.json"));
    common::liqshot([
        "-q",
        "import",
        "--klines",
        common::arg(&k),
        "--oi",
        common::arg(&oi),
        "--symbol",
        "BTCUSDT",
        "-o",
        common::arg(&snap),
    ])
    .ok();
    MarketSnapshot::load(&snap).unwrap()
}

/// The colour bar's pixels (the 256 x 1 legend image).
fn legend(scene: &Scene) -> Vec<u8> {
    scene
        .items
        .iter()
        .find_map(|i| if let Item::Image { px_w: 256, px_h: 1, rgba, .. } = i { Some(rgba.clone()) } else { None })
        .expect("a colour bar")
}

fn texts(scene: &Scene) -> Vec<String> {
    scene.items.iter().filter_map(|i| if let Item::Text { text, .. } = i { Some(text.clone()) } else { None }).collect()
}

#[test]
fn the_same_usd_is_the_same_colour_on_two_days() {
    let dir = tempfile::tempdir().unwrap();
    let week_end = Utc.with_ymd_and_hms(2025, 11, 10, 0, 0, 0).unwrap();
    let mut tops = Vec::new();
    let mut legends = Vec::new();
    for (cut, captured) in
        [("2025-11-10", week_end), ("2025-11-11", Utc.with_ymd_and_hms(2025, 11, 11, 0, 0, 0).unwrap())]
    {
        let snap = import_until(dir.path(), cut);
        assert_eq!(snap.captured_at, captured);
        for (w, h, window) in [(1600, 900, 86_400), (1200, 675, 12 * 3600)] {
            let s = RenderSettings::new(EstimateParams::default(), window, w, h);
            let opts = chart_options(&snap, &s);
            assert_eq!(opts.color_top, ColorTop::Week(week_end), "{cut} {w}x{h} {window}");
            let (a, scene) = render_scene(&snap, &s).unwrap();
            // The chart's own top (what the scale was before): printed for the record.
            println!(
                "{cut} {w}x{h} {window}: week top {:?}, the chart's own top {}",
                opts.color_max,
                ColorScale::pick(&a.estimate.grid, None).hi
            );
            assert!(
                texts(&scene).iter().any(|t| t.contains("top from the week to 10 Nov")),
                "{cut}: the legend says where the top came from"
            );
            tops.push(opts.color_max.unwrap());
            legends.push(legend(&scene));
        }
    }
    assert!(tops.windows(2).all(|t| t[0] == t[1]), "tops {tops:?}");
    assert!(legends.windows(2).all(|l| l[0] == l[1]), "the legends' colours differ");
    // The same USD, the same colour: a cell value's scale position on day 1 and day 2.
    let scale = ColorScale { lo: tops[0] / liqshot::output::render::chart::FLOOR_RATIO, hi: tops[0] };
    let other = ColorScale { lo: tops[2] / liqshot::output::render::chart::FLOOR_RATIO, hi: tops[2] };
    for usd in [5e4, 2.5e5, 1e6, 1.9e6] {
        assert_eq!(scale.t(usd), other.t(usd), "{usd}");
    }
}

#[test]
fn a_pinned_top_and_a_snapshot_without_the_week_say_so() {
    let snap = MarketSnapshot::load(&common::example_snapshot()).unwrap();
    let mut s = RenderSettings::new(EstimateParams::default(), 86_400, 1600, 900);
    s.chart.color_max = Some(3e6);
    let opts = chart_options(&snap, &s);
    assert_eq!((opts.color_top, opts.color_max), (ColorTop::Pinned, Some(3e6)));
    assert!(texts(&render_scene(&snap, &s).unwrap().1).iter().any(|t| t.contains("top pinned (--color-max)")));
    // Cut on Wednesday 5 Nov: the week before (27 Oct - 3 Nov) is not in the data.
    let short = snap.cut(None, Utc.with_ymd_and_hms(2025, 11, 5, 0, 0, 0).unwrap());
    let s = RenderSettings::new(EstimateParams::default(), 86_400, 1600, 900);
    assert_eq!(chart_options(&short, &s).color_top, ColorTop::Chart);
    assert!(texts(&render_scene(&short, &s).unwrap().1).iter().any(|t| t.contains("top from this chart")));
}

#[test]
fn every_capture_of_a_week_shares_the_reference_week() {
    use liqshot::output::render::heat::reference_week;
    let snap = MarketSnapshot::load(&common::example_snapshot()).unwrap();
    let at = |d: u32, h: u32| snap.cut(None, Utc.with_ymd_and_hms(2025, 11, d, h, 0, 0).unwrap());
    let week = Some((
        Utc.with_ymd_and_hms(2025, 11, 3, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2025, 11, 10, 0, 0, 0).unwrap(),
    ));
    for (d, h) in [(10, 0), (10, 13), (11, 0)] {
        assert_eq!(reference_week(&at(d, h)), week, "captured {d} Nov {h}:00");
    }
    // Sunday 9 Nov belongs to the week of 3 Nov, whose reference week (27 Oct - 3 Nov) the data
    // (from 1 Nov) does not hold.
    assert_eq!(reference_week(&at(9, 23)), None);
}
