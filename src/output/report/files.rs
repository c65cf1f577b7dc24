//! The files of a report, by name: the rendered chart (PNG, SVG, and PNG at the `square`
//! preset for phones) and its alt text, the
//! [`Report`] through the templates (Markdown, HTML) and as `zones.json`.

use super::model::Report;
use super::templates::{self, TemplateOptions};
use crate::error::Error;

/// File names written into `--out-dir`.
pub const PNG: &str = "heatmap.png";
pub const SVG: &str = "heatmap.svg";
pub(crate) const MARKDOWN: &str = "report.md";
pub const HTML: &str = "report.html";
pub const JSON: &str = "zones.json";
/// The chart's alt text (see [`super::alt`]), named by the one rule ([`super::alt::alt_path`] of [`PNG`]).
pub(crate) const ALT: &str = "heatmap.png.alt.txt";
/// The chart at the `square` preset, which the HTML shows on narrow screens, and its alt text.
pub const SQUARE_PNG: &str = "heatmap-square.png";
pub(crate) const SQUARE_ALT: &str = "heatmap-square.png.alt.txt";

/// Every file name a report writes.
pub const NAMES: [&str; 8] = [PNG, SVG, ALT, SQUARE_PNG, SQUARE_ALT, MARKDOWN, HTML, JSON];

/// The output files (name, bytes; [`NAMES`]) of `report`, its rendered chart and the chart at
/// the `square` preset.
pub fn outputs(
    report: &Report,
    png: Vec<u8>,
    svg: Vec<u8>,
    square: Vec<u8>,
    opts: &TemplateOptions,
) -> Result<Vec<(&'static str, Vec<u8>)>, Error> {
    let svg_text = std::str::from_utf8(&svg).map_err(|e| Error::Invalid(format!("rendered SVG is not UTF-8: {e}")))?;
    let md = templates::render_markdown(report, opts)?;
    let html = templates::render_html(report, Some(svg_text), &png, opts)?;
    let alt = super::alt::file_bytes(&report.image.alt);
    Ok(vec![
        (PNG, png),
        (SVG, svg),
        (ALT, alt.clone()),
        (SQUARE_PNG, square),
        (SQUARE_ALT, alt),
        (MARKDOWN, md.into_bytes()),
        (HTML, html.into_bytes()),
        (JSON, to_json(report)),
    ])
}

/// `zones.json`: the report as pretty JSON with a final newline.
pub fn to_json(report: &Report) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(report).expect("a report serialises");
    v.push(b'\n');
    v
}
