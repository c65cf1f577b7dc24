//! `liqshot report`: snapshot → heatmap (PNG, SVG) → [`Report`] → Markdown, HTML and
//! `zones.json` in one directory, written all-or-nothing.

use std::path::{Path, PathBuf};

use super::compute::{self, ReportInputs};
use super::model::{Image, Report};
use super::templates::{self, TemplateOptions};
use crate::app::{encode, render_scene, warn_short_window, write_logged, Format, Source};
use crate::cli::ReportArgs;
use crate::error::Error;
use crate::naming::{latest_path, PathTemplate, Vars};

/// File names written into `--out-dir`.
pub const PNG: &str = "heatmap.png";
pub const SVG: &str = "heatmap.svg";
pub const MARKDOWN: &str = "report.md";
pub const HTML: &str = "report.html";
pub const JSON: &str = "zones.json";
/// The chart's alt text (see [`super::alt`]).
pub const ALT: &str = "heatmap.alt.txt";

/// `liqshot report` with every flag checked and the templates compiled.
pub struct Plan {
    window: i64,
    settings: crate::app::RenderSettings,
    opts: TemplateOptions,
    events: Vec<String>,
    out_dir: PathTemplate,
    previous: Option<PathTemplate>,
    src: Source,
}

impl Plan {
    /// Checks every flag (and compiles the templates) without reading or fetching any data.
    pub fn new(a: &ReportArgs) -> Result<Self, Error> {
        let (window, settings) = a.chart.settings(a.estimate.params()?)?;
        if let Some(dir) = &a.templates {
            if !dir.is_dir() {
                return Err(Error::Usage(format!("--templates {}: not a directory", dir.display())));
            }
        }
        if let Some(url) = &a.image_base_url {
            check_base_url(url)?;
        }
        let opts = TemplateOptions { dir: a.templates.clone(), front_matter: a.front_matter, image_base_url: a.image_base_url.clone() };
        templates::check(&opts)?;
        let events = gather_events(&a.events, a.events_file.as_deref())?;
        let out_dir = PathTemplate::parse("--out-dir", &a.out_dir)?;
        let previous = match &a.previous {
            Some(p) => Some(PathTemplate::parse("--previous", p)?),
            None => None,
        };
        let src = Source::of(&a.estimate, Some(window), compute::window_label(window))?;
        src.check_outputs([&out_dir])?;
        if let Some(t) = &previous {
            t.check_for(src.len())?;
        }
        Ok(Plan { window, settings, opts, events, out_dir, previous, src })
    }
}

/// Runs `liqshot report`. Every flag is checked (and the templates compiled) before any data is
/// read or fetched; nothing is written unless every output was produced.
pub fn run(a: ReportArgs) -> Result<(), Error> {
    let Plan { window, settings, opts, events, out_dir, previous, src } = Plan::new(&a)?;
    // A --previous without placeholders is read before any data is fetched.
    let fixed_previous = match previous.as_ref().and_then(PathTemplate::literal) {
        Some(p) => read_previous(&p)?,
        None => None,
    };

    let one = |snap: crate::snapshot::MarketSnapshot| -> Result<String, Error> {
        let vars = Vars::of(&snap, &src.window_label);
        let previous = match (&fixed_previous, &previous) {
            (Some(p), _) => Some(p.clone()),
            (None, Some(t)) => read_previous(&t.expand(&vars))?,
            (None, None) => None,
        };
        let (analysis, scene) = render_scene(&snap, &settings)?;
        if opts.image_base_url.is_some() {
            warn_small_mail_text(&scene);
        }
        // A snapshot shorter than --window: the report covers (and names) what there is.
        let window = warn_short_window(&snap, &analysis, &settings).unwrap_or(window);
        let (png, svg) = (encode(&scene, Format::Png), encode(&scene, Format::Svg));
        let image = Image {
            png: PNG.into(),
            svg: SVG.into(),
            url: opts.image_url(PNG),
            alt: super::alt::alt_text(&snap, &analysis),
            width: settings.chart.width,
            height: settings.chart.height,
        };
        let inputs = ReportInputs { snap: &snap, analysis: &analysis, window_secs: window, events: events.clone(), previous, image };
        let report = compute::compute(&inputs);
        let named = outputs(&report, png, svg, &opts)?;
        let dir = out_dir.expand(&vars);
        let mut dirs = vec![dir.clone()];
        if a.latest {
            dirs.push(latest_path(&dir, &snap.symbol));
        }
        let files: Vec<(PathBuf, Vec<u8>)> =
            dirs.iter().flat_map(|d| named.iter().map(move |(name, bytes)| (d.join(name), bytes.clone()))).collect();
        write_logged(&files)?;
        Ok(format!("wrote {}", dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")))
    };
    src.each(one, String::clone).1
}

/// In newsletter mode, a warning when the chart's smallest text shows below the legible size in
/// the mail column (a 1600x900 chart there has 4.5 px labels): `--preset newsletter` fixes it.
fn warn_small_mail_text(scene: &crate::render::Scene) {
    use crate::render::preset::{displayed_text_px, MAIL_COLUMN_PX, MIN_TEXT_CSS_PX};
    if let Some(px) = displayed_text_px(scene, MAIL_COLUMN_PX).filter(|px| *px < MIN_TEXT_CSS_PX - 0.05) {
        tracing::warn!(
            "--image-base-url: the {}x{} chart shows {MAIL_COLUMN_PX} px wide in the mail, its smallest text at {px:.1} px; --preset newsletter keeps it at {MIN_TEXT_CSS_PX} px or more",
            scene.width,
            scene.height
        );
    }
}

/// Reads `--previous`. A file that does not exist yet (the first run of a daily job) is a
/// warning, and the triggers are reported as not evaluated; an unreadable or malformed file is
/// a usage error naming the flag.
fn read_previous(p: &Path) -> Result<Option<super::triggers::PreviousZones>, Error> {
    let bytes = match std::fs::read(p) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(path = %p.display(), "--previous {}: no such file yet; recalculation triggers not evaluated", p.display());
            return Ok(None);
        }
        Err(e) => return Err(Error::Usage(format!("--previous {}: {e}", p.display()))),
    };
    compute::previous_from_json(&bytes).map(Some).map_err(|e| Error::Usage(format!("--previous {}: {e}", p.display())))
}

/// The six output files (name, bytes) of `report` and its rendered chart.
pub fn outputs(report: &Report, png: Vec<u8>, svg: Vec<u8>, opts: &TemplateOptions) -> Result<Vec<(&'static str, Vec<u8>)>, Error> {
    let svg_text = std::str::from_utf8(&svg).map_err(|e| Error::Invalid(format!("rendered SVG is not UTF-8: {e}")))?;
    let md = templates::render_markdown(report, opts)?;
    let html = templates::render_html(report, Some(svg_text), &png, opts)?;
    let alt = super::alt::file_bytes(&report.image.alt);
    Ok(vec![(PNG, png), (SVG, svg), (ALT, alt), (MARKDOWN, md.into_bytes()), (HTML, html.into_bytes()), (JSON, to_json(report))])
}

/// `zones.json`: the report as pretty JSON with a final newline.
pub fn to_json(report: &Report) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(report).expect("a report serialises");
    v.push(b'\n');
    v
}

/// `--image-base-url` must be an absolute http(s) URL that can sit in an HTML attribute.
pub(crate) fn check_base_url(url: &str) -> Result<(), Error> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`'));
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!("--image-base-url: {url:?} is not an http:// or https:// URL")))
    }
}

/// The `--event` values, then the lines of `--events-file`.
fn gather_events(flags: &[String], file: Option<&Path>) -> Result<Vec<String>, Error> {
    let mut events = Vec::new();
    for e in flags {
        let e = e.trim();
        if e.is_empty() {
            return Err(Error::Usage("--event: empty text".into()));
        }
        events.push(e.to_string());
    }
    if let Some(path) = file {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Usage(format!("--events-file {}: {e}", path.display())))?;
        events.extend(parse_events(&text));
    }
    Ok(events)
}

/// Events from a file: one per line, trimmed; blank lines and lines starting with `#` skipped.
pub fn parse_events(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_file_skips_blanks_and_comments() {
        let text = "# this week\n\nFOMC 19:00 UTC\n  CPI Thursday  \n   # later\r\nETF flows #BTC\n";
        assert_eq!(parse_events(text), ["FOMC 19:00 UTC", "CPI Thursday", "ETF flows #BTC"]);
        assert!(gather_events(&["  ".into()], None).unwrap_err().to_string().contains("--event"));
        let err = gather_events(&[], Some(Path::new("/nonexistent/events.txt"))).unwrap_err().to_string();
        assert!(err.contains("--events-file /nonexistent/events.txt"), "{err}");
    }

    #[test]
    fn base_url_is_checked() {
        assert!(check_base_url("https://example.com/x").is_ok());
        for bad in ["example.com", "https://", "https://a b", "https://x\"><script>", "ftp://x"] {
            assert!(check_base_url(bad).unwrap_err().to_string().contains("--image-base-url"), "{bad}");
        }
    }
}
