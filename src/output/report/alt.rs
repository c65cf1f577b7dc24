//! Alt text for every chart image, from the data: symbol, venues, window, price, zones with
//! ranges and USD, the estimate notice and the data sources (price, open interest, the
//! snapshot's notes). Plain text (escaped by whatever prints it), at most
//! [`MAX_CHARS`] characters (X's limit for an image description), written beside each image
//! as `NAME.EXT.alt.txt` ([`alt_path`]) and used as the `alt` of the report's image. Pure.

use std::path::{Path, PathBuf};

use crate::engine::pipeline::Analysis;
use crate::engine::zones::{Where, Zone, ZoneName};
use crate::model::fmt::span_label;
use crate::model::fmt::{self, shorten};
use crate::model::snapshot::MarketSnapshot;

/// X's limit for an image description, in characters.
pub const MAX_CHARS: usize = 1000;

/// Longest symbol or venue list quoted in full (a longer one is shortened with `…`).
const MAX_NAME_CHARS: usize = 40;

/// The alt text of the chart of `a` (drawn from `snap`), at most [`MAX_CHARS`] characters.
pub fn alt_text(snap: &MarketSnapshot, a: &Analysis) -> String {
    alt_text_within(snap, a, "", MAX_CHARS)
}

/// The alt text of an animation (`liqshot animate`) of `frames` frames from `first` to the
/// window's end, whose last frame is the chart of `a`: what it shows, then the last frame's
/// alt text; at most [`MAX_CHARS`] characters.
pub fn animation_alt_text(
    snap: &MarketSnapshot,
    a: &Analysis,
    frames: usize,
    first: chrono::DateTime<chrono::Utc>,
) -> String {
    let intro = format!(
        "Animation, {frames} frames from {} to {} UTC: the estimated liquidation levels as they stood at each time, appearing as open interest rose and vanishing as price ran through them. Last frame: ",
        first.format("%Y-%m-%d %H:%M"),
        a.estimate.grid.end().format("%Y-%m-%d %H:%M"),
    );
    alt_text_within(snap, a, &intro, MAX_CHARS)
}

/// `intro` and the alt text of the chart of `a`, at most `max` characters.
fn alt_text_within(snap: &MarketSnapshot, a: &Analysis, intro: &str, max: usize) -> String {
    let g = &a.estimate.grid;
    let symbol = shorten(&snap.symbol, MAX_NAME_CHARS);
    let src = crate::model::sources::names(snap);
    let (price_src, oi_src) =
        (shorten(&src.price, 2 * MAX_NAME_CHARS), shorten(&src.open_interest, 2 * MAX_NAME_CHARS));
    let head = format!(
        "Estimated liquidation heatmap of {symbol} (price: {price_src}; open interest: {oi_src}), {} to {} UTC; price {}. \
         A model estimate from open interest and price, not actual positions; not advice.",
        span_label((g.end() - g.start).num_seconds()),
        snap.captured_at.format("%Y-%m-%d %H:%M"),
        fmt::price(a.estimate.last_price),
    );
    let totals = format!(
        " Estimated shorts above price {}, longs below {} (within ±{}% of price).",
        fmt::usd(a.zones.above_usd),
        fmt::usd(a.zones.below_usd),
        crate::engine::zones::ZoneParams::default().max_distance * 100.0
    );
    // The data sources are in the head (the chart keeps only a one-line credit); then as many
    // of the snapshot's notes as fit.
    let notes: Vec<String> =
        snap.notes.iter().map(|n| format!(" {}", shorten(n.trim(), 2 * MAX_NAME_CHARS + 40))).collect();
    let zones: Vec<String> = a.zones.zones.iter().map(zone_sentence).collect();
    let none = if zones.is_empty() { " No zone stands out." } else { "" };
    // As many zones as fit, in order (A, B, C), then how many were left out; then the notes.
    for keep in (0..=zones.len()).rev() {
        let left = zones.len() - keep;
        let more = match left {
            0 => String::new(),
            1 => " 1 more zone in the report.".to_string(),
            n => format!(" {n} more zones in the report."),
        };
        let text = format!("{intro}{head}{}{none}{more}{totals}", zones[..keep].concat());
        if text.chars().count() <= max {
            let mut text = text;
            for n in &notes {
                if text.chars().count() + n.chars().count() <= max {
                    text.push_str(n);
                }
            }
            return text;
        }
    }
    shorten(&format!("{intro}{head}{totals}"), max)
}

/// ` Zone A above: 106,649–107,076, $3.6M of short liquidations, near edge +0.60%.`
fn zone_sentence(z: &Zone) -> String {
    // `C above` / `C below` already say their side.
    let name = match z.name {
        ZoneName::CAbove | ZoneName::CBelow => z.name.to_string(),
        n => format!("{n} {}", z.side),
    };
    format!(
        " Zone {}: {}–{}, {} of {} liquidations, near edge {}.",
        shorten(&name, 8),
        fmt::price(z.low),
        fmt::price(z.high),
        fmt::usd(z.usd),
        if z.side == Where::Above { "short" } else { "long" },
        fmt::pct(z.edge_distance_pct)
    )
}

/// Where the alt text of `image` goes, for every format: the image's whole file name and
/// `.alt.txt` (`heatmap.png` → `heatmap.png.alt.txt`, `map.gif` → `map.gif.alt.txt`), so the
/// alt texts of a PNG, an SVG and an animation of one name never replace each other.
pub fn alt_path(image: &Path) -> PathBuf {
    let mut p = image.as_os_str().to_owned();
    p.push(".alt.txt");
    p.into()
}

/// `text` as the bytes of a `.alt.txt` file (one line, final newline).
pub fn file_bytes(text: &str) -> Vec<u8> {
    let mut v = text.replace(['\n', '\r'], " ").into_bytes();
    v.push(b'\n');
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_counts_characters() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("ääää", 3), "ää…");
        assert_eq!(alt_path(Path::new("out/heatmap.png")), PathBuf::from("out/heatmap.png.alt.txt"));
        assert_eq!(alt_path(Path::new("x.svg")), PathBuf::from("x.svg.alt.txt"));
        assert_eq!(alt_path(Path::new("map.gif")), PathBuf::from("map.gif.alt.txt"));
        assert_eq!(file_bytes("a\nb"), b"a b\n");
    }
}
