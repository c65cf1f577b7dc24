//! Builds a chart-sized scene (1600x900, ~2,000 items, one 1200x700 raster),
//! times PNG and SVG output and writes both to target/render_bench.{png,svg}.
//!
//! Run with `cargo run --release --example render_bench`.

use std::time::Instant;

use liqshot::render::{raster, svg, Color, HAlign, Scene, VAlign};

fn build() -> Scene {
    let mut s = Scene::new(1600, 900, Color::hex("#0e1117"));
    // A smooth heatmap-like raster: a few gaussian blobs through a colour ramp.
    let (pw, ph) = (1200u32, 700u32);
    let mut rgba = Vec::with_capacity((pw * ph * 4) as usize);
    for y in 0..ph {
        for x in 0..pw {
            let (fx, fy) = (x as f32 / pw as f32, y as f32 / ph as f32);
            let v: f32 = [(0.2, 0.3), (0.5, 0.6), (0.8, 0.4)]
                .iter()
                .map(|(cx, cy)| (-((fx - cx).powi(2) + (fy - cy).powi(2)) * 40.0).exp())
                .sum::<f32>()
                .min(1.0);
            let q = (v * 255.0) as u8;
            rgba.extend_from_slice(&[q, q / 2, 255 - q, 255]);
        }
    }
    s.image(200.0, 100.0, 1200.0, 700.0, pw, ph, rgba);
    // Zone bands (translucent) and a colour bar.
    for i in 0..700 {
        let y = 100.0 + i as f32;
        s.rect(1410.0, y, 20.0, 1.0, Color::rgb((i % 256) as u8, 80, 160));
    }
    for i in 0..12 {
        let y = 120.0 + i as f32 * 55.0;
        s.rect(200.0, y, 1200.0, 6.0, Color::rgb(255, 200, 0).with_alpha(60));
    }
    // Ticks / markers.
    for i in 0..1000 {
        let x = 200.0 + i as f32 * 1.2;
        s.line(x, 800.0, x, 805.0, Color::WHITE.with_alpha(160), 1.0);
    }
    // Dashed gridlines.
    for i in 0..12 {
        let y = 100.5 + i as f32 * 60.0;
        s.dashed_line(200.0, y, 1400.0, y, Color::WHITE.with_alpha(60), 1.0, 4.0);
        let x = 200.5 + i as f32 * 100.0;
        s.dashed_line(x, 100.0, x, 800.0, Color::WHITE.with_alpha(60), 1.0, 4.0);
    }
    let price: Vec<(f32, f32)> =
        (0..1200).map(|i| (200.0 + i as f32, 450.0 + (i as f32 * 0.05).sin() * 120.0)).collect();
    s.polyline(price, Color::rgb(255, 255, 255), 1.5);
    for i in 0..140 {
        let y = 100.0 + i as f32 * 5.0;
        s.text(
            190.0,
            y,
            &format!("{:.1}", 60_000.0 + i as f32 * 25.0),
            12.0,
            Color::WHITE,
            HAlign::Right,
            VAlign::Middle,
            false,
        );
    }
    for i in 0..120 {
        let x = 200.0 + i as f32 * 10.0;
        s.text(
            x,
            812.0,
            &format!("{:02}:{:02}", i / 6, (i % 6) * 10),
            10.0,
            Color::WHITE,
            HAlign::Center,
            VAlign::Top,
            false,
        );
    }
    s.text(
        800.0,
        40.0,
        "BTCUSDT estimated liquidations — time (UTC)",
        24.0,
        Color::WHITE,
        HAlign::Center,
        VAlign::Middle,
        true,
    );
    s.text_rotated(60.0, 450.0, "price (USDT)", 16.0, Color::WHITE, HAlign::Center, VAlign::Middle, false, -90.0);
    s.stroke_rect(200.5, 100.5, 1199.0, 699.0, Color::WHITE, 1.0);
    s
}

fn median_ms(mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..7)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() -> std::io::Result<()> {
    let scene = build();
    println!("items: {}", scene.items.len());
    let png = raster::to_png(&scene);
    let svg = svg::to_svg(&scene);
    for kind in ["Rect", "Line", "Text", "Image", "StrokeRect"] {
        let mut sub = scene.clone();
        sub.items.retain(|i| format!("{i:?}").starts_with(kind));
        println!("  {kind}: {} items, {:.1} ms", sub.items.len(), median_ms(|| drop(raster::to_pixmap(&sub))));
    }
    println!("rasterise only: {:.1} ms", median_ms(|| drop(raster::to_pixmap(&scene))));
    println!("to_png: {:.1} ms ({} KB)", median_ms(|| drop(raster::to_png(&scene))), png.len() / 1024);
    println!("to_svg: {:.1} ms ({} KB)", median_ms(|| drop(svg::to_svg(&scene))), svg.len() / 1024);
    std::fs::create_dir_all("target")?;
    std::fs::write("target/render_bench.png", png)?;
    std::fs::write("target/render_bench.svg", svg)?;
    Ok(())
}
