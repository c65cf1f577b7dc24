//! `animate`: frames of the map as it stood, GIF/APNG encoding. The files are decoded here
//! (frames composited as a viewer does) and compared with the frames' own renders.

use crate::common;

use std::path::Path;

use common::anim::{decode_apng, decode_gif};

use image::RgbaImage;
use liqshot::engine::estimate::EstimateParams;
use liqshot::engine::zones::ZoneParams;
use liqshot::output::render::animate::{self, AnimFormat, Frames, GIF_MAX_BYTES};
use liqshot::output::render::layout::Layout;
use liqshot::output::render::RenderSettings;
use liqshot::MarketSnapshot;

fn example() -> MarketSnapshot {
    MarketSnapshot::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/btcusdt-2025-11-01_10.snapshot.json"))
        .unwrap()
}

fn settings(w: u32, h: u32, window: i64) -> RenderSettings {
    RenderSettings::new(EstimateParams::default(), window, w, h)
}

fn frames<'a>(snap: &'a MarketSnapshot, s: &RenderSettings, n: usize) -> Frames<'a> {
    Frames::new(snap, &s.params, &ZoneParams::default(), &s.chart, n).unwrap()
}

fn mean_abs_diff(a: &RgbaImage, b: &RgbaImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let s: u64 = a.as_raw().iter().zip(b.as_raw()).map(|(x, y)| x.abs_diff(*y) as u64).sum();
    s as f64 / a.as_raw().len() as f64
}

/// The heatmap image of a frame's scene (the image item covering the plot) as (columns,
/// rows, rgba).
fn heatmap_of(scene: &liqshot::output::render::Scene, l: &Layout) -> (usize, usize, Vec<u8>) {
    scene
        .items
        .iter()
        .find_map(|it| match it {
            liqshot::output::render::Item::Image { x, y, w, h, px_w, px_h, rgba }
                if (*x, *y, *w, *h) == (l.plot.x, l.plot.y, l.plot.w, l.plot.h) =>
            {
                Some((*px_w as usize, *px_h as usize, rgba.clone()))
            }
            _ => None,
        })
        .expect("the heatmap image")
}

/// Share of drawn cells (not the plot background: the heatmap is opaque, undrawn cells are the
/// background) in heatmap columns `cols`.
fn drawn_share(hm: &(usize, usize, Vec<u8>), cols: std::ops::Range<usize>) -> f64 {
    let (w, h, rgba) = hm;
    let n = cols.len() * h;
    let bg = liqshot::output::render::palette::Theme::dark().plot_background;
    let drawn = (0..*h)
        .flat_map(|r| cols.clone().map(move |c| (r * w + c) * 4))
        .filter(|&i| rgba[i..i + 3] != [bg.r, bg.g, bg.b])
        .count();
    drawn as f64 / n.max(1) as f64
}

#[test]
fn gif_shows_the_map_as_it_stood_frame_by_frame() {
    let snap = example();
    // The v1 zone rule keeps the chart's range to the 24 h window's, where the frames' own
    // profile scales differ (under v2 the range holds zone C above, whose band sets the top of
    // every frame's scale, so the "largest of all frames" check below could not fail).
    let mut s = settings(1200, 675, 86_400);
    s.params.zone_rule = liqshot::engine::zones::ZoneRule::V1;
    let f = frames(&snap, &s, 6);
    assert_eq!(f.len(), 6);
    let gif = animate::encode_frames(&f, 8, AnimFormat::Gif);
    let (shown, repeat) = decode_gif(&gif);
    assert_eq!(repeat, gif::Repeat::Infinite);
    assert_eq!(shown.len(), 6);
    let delays: Vec<u16> = shown.iter().map(|s| s.1).collect();
    assert_eq!(delays, vec![13, 12, 13, 12, 13, 12 + 200]);
    let l = Layout::new(1200, 675);
    let grid = &f.analysis().estimate.grid;
    let mut prev_profile = None;
    for (i, (img, _)) in shown.iter().enumerate() {
        let direct = common::to_image(f.image(i));
        assert_eq!(img.dimensions(), (1200, 675));
        // 256 colours for a chart of thousands: within a couple of levels on average.
        let d = mean_abs_diff(img, &direct);
        if std::env::var("ANIM_DUMP").is_ok() {
            img.save(format!("target/tmp/gif{i}.png")).unwrap();
            direct.save(format!("target/tmp/direct{i}.png")).unwrap();
        }
        assert!(d < 2.0, "frame {i}: mean difference {d:.2} from its render");
        let m = f.moment(i);
        // No cell after the frame's time is drawn (nothing from later data), and the map up
        // to it is: its share of drawn cells is the final map's over the same columns.
        let hm = heatmap_of(&f.scene(i), &l);
        assert_eq!((hm.0, hm.1), (grid.cols, grid.rows));
        assert_eq!(grid.col_of(m.at - chrono::Duration::seconds(1)), Some(m.col));
        assert_eq!(drawn_share(&hm, m.col + 1..grid.cols), 0.0, "frame {i} at {}: cells after its time", m.at);
        let final_hm = heatmap_of(&f.scene(f.len() - 1), &l);
        let (now, then) = (drawn_share(&hm, 0..m.col), drawn_share(&final_hm, 0..m.col));
        assert!(
            now > 0.3 && now == then,
            "frame {i}: {now:.3} of the cells before its time drawn, final map {then:.3}"
        );
        // Each frame's profile is its own moment's, not the final one.
        let alive = m.profile.long_total() + m.profile.short_total();
        assert_ne!(Some(alive), prev_profile, "frame {i} has the previous frame's profile");
        prev_profile = Some(alive);
    }
    // The last frame is the static chart's map: the same estimate as `render`.
    let (a, _) = liqshot::output::render::render_scene(&snap, &s).unwrap();
    let last = f.analysis_at(f.len() - 1);
    assert_eq!(last.estimate.grid, a.estimate.grid);
    assert_eq!(last.estimate.profile, a.estimate.profile);
    assert_eq!(last.zones, a.zones);
    // And the frames' titles and profile headings say when each one stood.
    let texts = |i: usize| -> Vec<String> {
        f.scene(i)
            .items
            .iter()
            .filter_map(|it| match it {
                liqshot::output::render::Item::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    };
    let t0 = texts(0);
    let at0 = f.moment(0).at.format("%Y-%m-%d %H:%M").to_string();
    assert!(t0.iter().any(|t| t.contains(&format!("as it stood at {at0} UTC"))), "{t0:?}");
    assert!(
        t0.iter().any(|t| t.starts_with(&format!("Still open at {} UTC", f.moment(0).at.format("%H:%M")))),
        "{t0:?}"
    );
    // One profile scale in every frame (bars keep their meaning), the largest any frame
    // would pick on its own (no bar is cut).
    let scale = |i: usize| texts(i).into_iter().find(|t| t.starts_with("0 … ")).expect("the profile's scale label");
    let scales: Vec<String> = (0..f.len()).map(scale).collect();
    assert!(scales.iter().all(|x| *x == scales[0]), "{scales:?}");
    let own: Vec<f64> =
        (0..f.len()).map(|i| liqshot::output::render::chart::profile_top(&f.analysis_at(i), &s.chart)).collect();
    assert!(
        own.iter().any(|t| *t < own[f.len() - 1]) || own.iter().any(|t| *t > own[f.len() - 1]),
        "frames pick different scales: {own:?}"
    );
    assert_eq!(
        scales[0],
        format!("0 … {} per 0.1 % band", liqshot::model::fmt::usd(own.iter().copied().fold(0.0, f64::max)))
    );
}

#[test]
fn apng_frames_are_the_renders_exactly() {
    let snap = example();
    let s = settings(800, 450, 86_400);
    let f = frames(&snap, &s, 4);
    let apng = animate::encode_frames(&f, 5, AnimFormat::Apng);
    let (plays, shown) = decode_apng(&apng);
    assert_eq!(plays, 0, "loops forever");
    assert_eq!(shown.len(), 4);
    for (i, (img, delay)) in shown.iter().enumerate() {
        assert!(img.as_raw() == f.image(i).as_raw(), "frame {i} differs from its render");
        assert_eq!(*delay, if i == 3 { (11, 5) } else { (1, 5) });
    }
    // Later frames store only what changed: smaller than four full frames encoded as the APNG's
    // are (fast deflate, the png crate's default filter).
    let one = {
        let img = f.image(3);
        let mut buf = Vec::new();
        let mut e = png::Encoder::new(&mut buf, img.width(), img.height());
        e.set_color(png::ColorType::Rgba);
        e.set_depth(png::BitDepth::Eight);
        e.set_compression(png::Compression::Fast);
        e.write_header().unwrap().write_image_data(img.as_raw()).unwrap();
        buf.len()
    };
    assert!(apng.len() < 4 * one, "{} bytes vs {one} for one frame", apng.len());
}

#[test]
fn same_input_same_bytes() {
    let snap = example();
    let s = settings(800, 450, 86_400);
    for format in [AnimFormat::Gif, AnimFormat::Apng] {
        let a = animate::animate(&snap, &s.params, &ZoneParams::default(), &s.chart, 3, 8, format).unwrap();
        let b = animate::animate(&snap, &s.params, &ZoneParams::default(), &s.chart, 3, 8, format).unwrap();
        assert!(a == b, "{format:?} output differs between runs");
    }
}

#[test]
fn x_limits_are_checked_before_any_work() {
    let e = animate::check_options(AnimFormat::Gif, 48, 8, 1600, 900).unwrap_err();
    assert!(matches!(e, liqshot::Error::Usage(_)));
    assert!(e.to_string().contains("--size 1600x900") && e.to_string().contains("1280x1080"), "{e}");
    assert!(animate::check_options(AnimFormat::Gif, 48, 8, 1280, 1080).is_ok());
    assert!(animate::check_options(AnimFormat::Apng, 48, 8, 1600, 900).is_ok());
    assert!(animate::check_options(AnimFormat::Gif, 1, 8, 1200, 675)
        .unwrap_err()
        .to_string()
        .starts_with("--frames 1:"));
    assert!(animate::check_options(AnimFormat::Gif, 48, 0, 1200, 675).unwrap_err().to_string().starts_with("--fps 0:"));
    assert!(animate::check_options(AnimFormat::Gif, 48, 51, 1200, 675).is_err());
    assert!(AnimFormat::of(Path::new("a.webm")).unwrap_err().to_string().contains("-o a.webm"));
    assert_eq!(AnimFormat::of(Path::new("A.GIF")).unwrap(), AnimFormat::Gif);
    assert_eq!(AnimFormat::of(Path::new("a.png")).unwrap(), AnimFormat::Apng);
}

/// The default animation (48 frames at X's 1200x675) of the example's 24 h and 7 d windows
/// stays within X's GIF limits.
#[test]
fn default_gif_is_within_x_limits() {
    let snap = example();
    for window in [86_400, 7 * 86_400] {
        let s = settings(1200, 675, window);
        let gif = animate::animate(&snap, &s.params, &ZoneParams::default(), &s.chart, 48, 8, AnimFormat::Gif).unwrap();
        assert!((gif.len() as u64) < GIF_MAX_BYTES, "{window}: {} bytes", gif.len());
        let d = gif::DecodeOptions::new().read_info(&gif[..]).unwrap();
        assert_eq!((d.width(), d.height()), (1200, 675));
        eprintln!("window {window}: {} bytes", gif.len());
    }
}

/// The GIF palette holds the colour map as the legend draws it: along the colour bar every
/// decoded pixel is within a few levels of the render (light theme, whose translucent faint
/// cells take many of the palette's colours).
#[test]
fn gif_keeps_the_colour_map_smooth() {
    let snap = example();
    let mut s = settings(1200, 675, 3 * 86_400);
    s.chart.dark = false;
    let f = frames(&snap, &s, 2);
    let (shown, _) = decode_gif(&animate::encode_frames(&f, 8, AnimFormat::Gif));
    let (gif, direct) = (&shown[1].0, common::to_image(f.image(1)));
    assert!(mean_abs_diff(gif, &direct) < 2.0);
    let r = Layout::new(1200, 675).colorbar;
    let y = (r.y + r.h / 2.0) as u32;
    let worst = ((r.x + 2.0) as u32..(r.right() - 2.0) as u32)
        .map(|x| (0..3).map(|c| gif.get_pixel(x, y)[c].abs_diff(direct.get_pixel(x, y)[c])).max().unwrap())
        .max()
        .unwrap();
    assert!(worst <= 8, "colour bar off by up to {worst} levels");
}
