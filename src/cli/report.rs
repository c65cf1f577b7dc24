//! `liqshot report`: snapshot → heatmap (PNG, SVG) → [`Report`](liqshot::output::report::model::Report)
//! → Markdown, HTML and `zones.json` in one directory, written all-or-nothing.

use std::path::{Path, PathBuf};

use clap::Args;

use super::collide::{self, Dest};
use super::naming::{latest_dir, PathTemplate, Vars};
use super::options::{ChartArgs, EstimateArgs};
use super::render::warn_short_window;
use super::shard::{ShardArgs, SHARDING};
use super::source::{write_logged, Source};
use liqshot::engine::estimate::EstimateParams;
use liqshot::error::Error;
use liqshot::output::render::{encode, render_scene, Format, RenderSettings};
use liqshot::output::report::compute::{self, ReportInputs};
use liqshot::output::report::evidence::{backtest_for_with, Backtested};
use liqshot::output::report::files::{outputs, PNG, SQUARE_PNG, SVG};
use liqshot::output::report::model::{Image, SmallImage};
use liqshot::output::report::templates::{self, TemplateOptions};
use liqshot::output::report::triggers::PreviousZones;

/// `Examples:` of `liqshot report --help`. (tests/it/cli_render.rs runs those without --symbol.)
pub const REPORT_EXAMPLES: &str = "\
Examples:
  liqshot report --snapshot examples/btcusdt-2025-11-01_10.snapshot.json --out-dir out/report --event \"FOMC 19:00 UTC\"
  # daily from cron, compared with yesterday's run (the latest copy, read before it is replaced)
  liqshot report --symbol BTC,ETH,SOL --out-dir \"reports/{symbol}/{date}\" --latest --previous \"reports/{symbol}/{symbol}-latest/zones.json\" --quiet
  # newsletter mode: the HTML links the PNG published at that URL, drawn legible in a 640 px mail column
  liqshot report --symbol BTC --out-dir site/btc --image-base-url https://example.com/btc --preset newsletter --front-matter
  # publishing archive: site/BTCUSDT/2025-11-11/, site/index.html and an Atom feed site/feed.xml
  liqshot report --snapshot examples/btcusdt-2025-11-01_10.snapshot.json --archive site --site-url https://example.com/liq";

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub chart: ChartArgs,
    #[command(flatten)]
    pub estimate: EstimateArgs,
    /// Directory for heatmap.png, heatmap.svg, heatmap-square.png (for phones), their .alt.txt, report.md, report.html and zones.json; may use {symbol} {date} {time} {window} {venues}
    #[arg(long, value_name = "DIR", required_unless_present = "archive", conflicts_with = "archive")]
    pub out_dir: Option<PathBuf>,
    /// Publishing archive: the report goes to DIR/SYMBOL/DATE/ and DIR/index.html, DIR/feed.xml (Atom) and DIR/archive.json are rewritten, newest first (instead of --out-dir)
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    /// Entries the archive's index and feed keep, newest first
    #[arg(long, value_name = "N", requires = "archive", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub archive_max: Option<u32>,
    /// URL the archive directory is published at: the feed's links are absolute under it
    #[arg(long, value_name = "URL", requires = "archive")]
    pub site_url: Option<String>,
    /// Also write the six files into a stable directory {symbol}-latest beside the output directory
    #[arg(long, overrides_with = "no_latest")]
    pub latest: bool,
    /// No latest copy (undoes latest = true of the config file)
    #[arg(long, overrides_with = "latest")]
    pub no_latest: bool,
    /// Catalyst to list under event risk (repeatable), e.g. "FOMC 19:00 UTC"
    #[arg(long = "event", value_name = "TEXT")]
    pub events: Vec<String>,
    /// File of events, one per line (blank lines and # comments skipped), after the --event ones
    #[arg(long, value_name = "FILE")]
    pub events_file: Option<PathBuf>,
    /// The previous run's zones.json: marks which recalculation triggers fired since ({symbol} allowed)
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Directory of templates (report.md.j2, report.html.j2, report.css.j2) overriding the built-in ones
    #[arg(long, env = "LIQSHOT_TEMPLATES", value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Start report.md with YAML front matter (title, date, tags) for Hugo/Jekyll
    #[arg(long, overrides_with = "no_front_matter")]
    pub front_matter: bool,
    /// No front matter (undoes front_matter = true of the config file)
    #[arg(long, overrides_with = "front_matter")]
    pub no_front_matter: bool,
    /// Newsletter mode: the HTML shows URL/heatmap.png instead of inline SVG (publish the PNG there)
    #[arg(long, value_name = "URL")]
    pub image_base_url: Option<String>,
    /// Horizon of each zone's touch probability and of the backtest behind it, e.g. 12h, 24h, 3d
    #[arg(long, default_value = "24h", value_name = "DURATION")]
    pub horizon: String,
    #[arg(long, default_value = "empirical", value_name = "MODEL", help = super::options::ODDS_MODEL_HELP)]
    pub odds_model: String,
    #[command(flatten)]
    pub shard: ShardArgs,
    /// Print the symbols this run would process (after --shard), one per line, and fetch nothing
    #[arg(long, help_heading = SHARDING)]
    pub dry_run: bool,
}

/// `liqshot report` with every flag checked and the templates compiled.
pub struct Plan {
    window: i64,
    horizon: i64,
    odds_model: liqshot::engine::backtest::OddsModel,
    estimate: EstimateParams,
    settings: RenderSettings,
    opts: TemplateOptions,
    events: Vec<String>,
    out_dir: PathTemplate,
    previous: Option<PathTemplate>,
    src: Source,
    /// `--archive DIR` and where it is published.
    archive: Option<(PathBuf, liqshot::output::archive::Site)>,
}

impl Plan {
    /// Checks every flag (and compiles the templates) without reading or fetching any data.
    pub fn new(a: &ReportArgs) -> Result<Self, Error> {
        let estimate = a.estimate.params()?;
        let (window, settings) = a.chart.settings(estimate.clone())?;
        let horizon = super::options::parse_duration("--horizon", &a.horizon)?;
        let odds_model = super::options::parse_odds_model(&a.odds_model)?;
        if let Some(dir) = &a.templates {
            if !dir.is_dir() {
                return Err(Error::Usage(format!("--templates {}: not a directory", dir.display())));
            }
        }
        if let Some(url) = &a.image_base_url {
            check_base_url(url)?;
        }
        let opts = TemplateOptions {
            dir: a.templates.clone(),
            front_matter: a.front_matter,
            image_base_url: a.image_base_url.clone(),
        };
        templates::check(&opts)?;
        let events = gather_events(&a.events, a.events_file.as_deref())?;
        let (out_dir, archive) = match (&a.out_dir, &a.archive) {
            (Some(d), _) => (PathTemplate::parse("--out-dir", d)?, None),
            (None, Some(root)) => {
                if let Some(u) = &a.site_url {
                    check_url("--site-url", u)?;
                }
                let site = liqshot::output::archive::Site {
                    site_url: a.site_url.clone(),
                    max: a.archive_max.map_or(liqshot::output::archive::DEFAULT_MAX, |n| n as usize),
                };
                (archive_template(root)?, Some((root.clone(), site)))
            }
            (None, None) => return Err(Error::Usage("report: give --out-dir DIR or --archive DIR".into())),
        };
        let previous = match &a.previous {
            Some(p) => Some(PathTemplate::parse("--previous", p)?),
            None => None,
        };
        let shard = a.shard.shard()?;
        let mut src = Source::of(&a.estimate, Some(window), compute::window_label(window))?;
        src.check_outputs([&out_dir])?;
        src.check_collisions(|v| report_dests(&out_dir, a.latest, v))?;
        if let Some(t) = &previous {
            t.check_for(src.len())?;
        }
        src.shard(shard)?;
        Ok(Plan { window, horizon, odds_model, estimate, settings, opts, events, out_dir, previous, src, archive })
    }
}

/// Where `--archive DIR` puts a report: `DIR/{symbol}/{date}` (braces in DIR are literal).
fn archive_template(root: &Path) -> Result<PathTemplate, Error> {
    let raw = root.to_str().ok_or_else(|| Error::Usage(format!("--archive {}: not valid UTF-8", root.display())))?;
    let escaped = raw.replace('{', "{{").replace('}', "}}");
    PathTemplate::parse("--archive", &Path::new(&escaped).join("{symbol}").join("{date}"))
}

/// Runs `liqshot report`. Every flag is checked (and the templates compiled) before any data is
/// read or fetched; nothing is written unless every output was produced.
pub fn run(a: ReportArgs) -> Result<(), Error> {
    let Plan { window, horizon, odds_model, estimate, settings, opts, events, out_dir, previous, src, archive } =
        Plan::new(&a)?;
    if a.dry_run {
        return src.print_names();
    }
    // A --previous without placeholders is read before any data is fetched.
    let fixed_previous = match previous.as_ref().and_then(PathTemplate::literal) {
        Some(p) => read_previous(&p)?,
        None => None,
    };

    let one = |snap: liqshot::model::snapshot::MarketSnapshot| -> Result<String, Error> {
        let vars = Vars::of(&snap, &src.window_label);
        src.check_snapshot_collisions(|v| report_dests(&out_dir, a.latest, v), &vars)?;
        let previous = match (&fixed_previous, &previous) {
            (Some(p), _) => Some(p.clone()),
            (None, Some(t)) => read_previous(&t.expand(&vars))?,
            (None, None) => None,
        };
        if let (Some(p), Some(t)) = (&previous, &a.previous) {
            check_previous(p, &snap, t)?;
        }
        let (analysis, scene) = render_scene(&snap, &settings)?;
        if opts.image_base_url.is_some() {
            warn_small_mail_text(&scene);
        }
        // A snapshot shorter than --window: the report covers (and names) what there is.
        let window = warn_short_window(&snap, &analysis, &settings).unwrap_or(window);
        let (png, svg) = (encode(&scene, Format::Png), encode(&scene, Format::Svg));
        // The same chart at the square preset, which the HTML shows on phones.
        let small_settings = square_settings(&settings);
        let square = encode(&render_scene(&snap, &small_settings)?.1, Format::Png);
        let image = Image {
            png: PNG.into(),
            svg: SVG.into(),
            url: opts.image_url(PNG),
            alt: liqshot::output::report::alt::alt_text(&snap, &analysis),
            width: settings.chart.width,
            height: settings.chart.height,
            small: Some(SmallImage {
                png: SQUARE_PNG.into(),
                url: opts.image_url(SQUARE_PNG),
                width: small_settings.chart.width,
                height: small_settings.chart.height,
            }),
        };
        let tested = backtest_for_with(&snap, &estimate, horizon, odds_model)?;
        if let Backtested::TooShort { needs, .. } = &tested {
            tracing::warn!("{}: too little history for touch probabilities: the backtest {needs}", snap.symbol);
        }
        let inputs = ReportInputs {
            snap: &snap,
            analysis: &analysis,
            window_secs: window,
            events: events.clone(),
            previous,
            image,
            history: tested.history(),
        };
        let mut report = compute::compute(&inputs);
        let hints = operator_hints(&report, a.previous.is_some());
        report.measured =
            liqshot::engine::measured::summarise(&snap, &estimate, &analysis.zones.zones, analysis.zones.price);
        let named = outputs(&report, png, svg, square, &opts)?;
        let dir = out_dir.expand(&vars);
        let mut dirs = vec![dir.clone()];
        // A directory already named {symbol}-latest is its own latest copy.
        let copy = latest_dir(&dir, &snap.symbol);
        if a.latest && copy != dir {
            dirs.push(copy);
        }
        let files: Vec<(PathBuf, Vec<u8>)> =
            dirs.iter().flat_map(|d| named.iter().map(move |(name, bytes)| (d.join(name), bytes.clone()))).collect();
        match &archive {
            Some((root, site)) => {
                let png_len = named.iter().find(|(n, _)| *n == PNG).map_or(0, |(_, b)| b.len());
                let rel = format!("{}/{}", snap.symbol, snap.captured_at.format("%Y-%m-%d"));
                let entry =
                    liqshot::output::archive::entry_of(&report, &rel, liqshot::output::report::files::HTML, png_len);
                liqshot::output::archive::write::publish(root, site, entry, files, write_logged)?;
            }
            None => {
                write_logged(&files)?;
            }
        }
        for hint in hints {
            tracing::info!("{}: {hint}", snap.symbol);
        }
        Ok(format!("wrote {}", dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")))
    };
    src.each(one, String::clone).1
}

/// What the person running the report could do next, for stderr (the published report carries
/// no tool instructions).
fn operator_hints(r: &liqshot::output::report::model::Report, has_previous: bool) -> Vec<&'static str> {
    let mut hints = Vec::new();
    if !has_previous {
        hints.push(
            "pass this report's zones.json as --previous next time to mark the recalculation triggers fired or not",
        );
    }
    if !r.realized.available {
        hints.push("no realized liquidations in the snapshot: they come from an OKX fetch, `liqshot record`, or `liqshot import --liquidations FILE.csv`");
    }
    hints
}

/// `settings` at the `square` preset (the report's chart for phones): same estimate, theme and
/// colour options.
fn square_settings(settings: &RenderSettings) -> RenderSettings {
    let mut s = RenderSettings::preset(
        settings.params.clone(),
        settings.params.window_secs,
        liqshot::output::render::preset::Preset::Square,
    );
    let c = &settings.chart;
    (s.chart.dark, s.chart.color_max, s.chart.realized, s.chart.measured, s.chart.profile) =
        (c.dark, c.color_max, c.realized, c.measured, c.profile);
    s.chart.window_secs = c.window_secs;
    s
}

/// The files a report writes into `--out-dir` (and its `--latest` copy).
fn report_dests(out_dir: &PathTemplate, latest: bool, vars: &Vars) -> Vec<Dest> {
    let names = liqshot::output::report::files::NAMES;
    let dir = out_dir.expand(vars);
    let what = format!("--out-dir {}", out_dir.raw());
    let mut out = collide::in_dir(&what, &dir, &names);
    let copy = latest_dir(&dir, &vars.symbol);
    if latest && copy != dir {
        out.extend(collide::in_dir(&format!("the --latest copy of {what}"), &copy, &names));
    }
    out
}

/// In newsletter mode, a warning when the chart's smallest text shows below the legible size in
/// the mail column (a 1600x900 chart there has 4.5 px labels): `--preset newsletter` fixes it.
fn warn_small_mail_text(scene: &liqshot::output::render::Scene) {
    use liqshot::output::render::preset::{displayed_text_px, MAIL_COLUMN_PX, MIN_TEXT_CSS_PX};
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
fn read_previous(p: &Path) -> Result<Option<PreviousZones>, Error> {
    let bytes = match liqshot::files::input::read_limited(
        p,
        liqshot::files::input::JSON_MAX,
        liqshot::files::input::Start::JsonObject,
    ) {
        Ok(b) => b,
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(path = %p.display(), "--previous {}: no such file yet; recalculation triggers not evaluated", p.display());
            return Ok(None);
        }
        Err(Error::Io { source, .. }) => return Err(Error::Usage(format!("--previous {}: {source}", p.display()))),
        Err(e) => return Err(Error::Usage(format!("--previous {e}"))),
    };
    compute::previous_from_json(&bytes).map(Some).map_err(|e| Error::Usage(format!("--previous {}: {e}", p.display())))
}

/// A `--previous` report must be of the snapshot's symbol and from before its capture time.
fn check_previous(
    p: &PreviousZones,
    snap: &liqshot::model::snapshot::MarketSnapshot,
    path: &Path,
) -> Result<(), Error> {
    if let Some(s) = p.symbol.as_deref().filter(|s| *s != snap.symbol) {
        return Err(Error::Usage(format!(
            "--previous {}: a report of {}, not of {}",
            path.display(),
            liqshot::model::fmt::inert(s),
            snap.symbol
        )));
    }
    if p.captured_at > snap.captured_at {
        return Err(Error::Usage(format!(
            "--previous {}: captured at {}, after this snapshot ({}): not a previous report",
            path.display(),
            p.captured_at.format("%Y-%m-%d %H:%M UTC"),
            snap.captured_at.format("%Y-%m-%d %H:%M UTC")
        )));
    }
    Ok(())
}

/// `--image-base-url` must be an absolute http(s) URL that can sit in an HTML attribute.
pub(crate) fn check_base_url(url: &str) -> Result<(), Error> {
    check_url("--image-base-url", url)
}

/// `url`, given to `flag`, must be an absolute http(s) URL that can sit in an HTML attribute.
fn check_url(flag: &str, url: &str) -> Result<(), Error> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`'));
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!("{flag}: {url:?} is not an http:// or https:// URL")))
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
        if let Some(c) = e.chars().find(|c| c.is_control()) {
            return Err(Error::Usage(format!(
                "--event {}: a control character (U+{:04X}) in the text",
                liqshot::model::fmt::inert(e),
                c as u32
            )));
        }
        events.push(e.to_string());
    }
    if let Some(path) = file {
        let text = liqshot::files::input::read_text(path, liqshot::files::input::TEXT_MAX).map_err(|e| match e {
            Error::Io { source, .. } => Error::Usage(format!("--events-file {}: {source}", path.display())),
            other => Error::Usage(format!("--events-file {other}")),
        })?;
        let lines = parse_events(&text);
        if let Some((n, c)) =
            lines.iter().enumerate().find_map(|(i, l)| l.chars().find(|c| c.is_control() && *c != '\t').map(|c| (i, c)))
        {
            return Err(Error::Usage(format!(
                "--events-file {}: event {} has a control character (U+{:04X})",
                path.display(),
                n + 1,
                c as u32
            )));
        }
        events.extend(lines.into_iter().map(|l| l.replace('\t', " ")));
    }
    Ok(events)
}

/// Events from a file: one per line, trimmed; blank lines and lines starting with `#` skipped.
pub fn parse_events(text: &str) -> Vec<String> {
    // A byte-order mark (Windows editors) is not part of the first line: `# ...` stays a comment.
    text.strip_prefix('\u{feff}')
        .unwrap_or(text)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_file_skips_blanks_and_comments() {
        let text = "# this week\n\nFOMC 19:00 UTC\n  CPI Thursday  \n   # later\r\nETF flows #BTC\n";
        assert_eq!(parse_events(text), ["FOMC 19:00 UTC", "CPI Thursday", "ETF flows #BTC"]);
        assert_eq!(parse_events("\u{feff}# internal note: do not publish\nCPI\n"), ["CPI"]);
        let esc = gather_events(&["FOMC \u{1b}[31m".into()], None).unwrap_err().to_string();
        assert!(esc.contains("control character (U+001B)") && !esc.contains('\u{1b}'), "{esc}");
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
