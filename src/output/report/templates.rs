//! Rendering a [`Report`] through minijinja templates to Markdown and HTML.
//!
//! Templates are looked up by name: a file of that name in the user's `--templates DIR` wins,
//! otherwise the default compiled into the binary (see [`DEFAULTS`]) is used, so a user can
//! override one template or partial and keep the others. Every value a template prints is
//! escaped for the output by the name of the template it is printed in: `.html.j2` (and
//! `.htm.j2`, `.xml.j2`, `.svg.j2`) for HTML, `.md.j2` (and `.markdown.j2`) for Markdown by
//! [`filters::escape_markdown`], so a user's template override is as safe as the built-in
//! one without remembering a filter. Filters return already-escaped (safe) strings; `|safe`
//! and `{% autoescape false %}` opt out. Undefined values are errors
//! ([`UndefinedBehavior::Strict`]), reported with the template name and line.
//!
//! Variables every template sees:
//!
//! | variable | meaning |
//! |---|---|
//! | `r` | the [`Report`] (see `docs/report-format.md`) |
//! | `front_matter` | `--front-matter` was given (Markdown) |
//! | `email` | `--image-base-url` was given: newsletter markup, image by URL |
//! | `image_src` | what the image element points at: the PNG URL in e-mail mode, else the relative PNG path (Markdown) or a PNG data URI (HTML without SVG) |
//! | `og_image` | the image for link previews (`og:image`, front matter `image`): the PNG URL with `--image-base-url`, else the PNG's file name |
//! | `svg` | the chart as inline SVG markup (HTML only, `none` in e-mail mode or when not given) |
//!
//! Filters: see [`super::filters`].

use std::path::{Path, PathBuf};

use base64::Engine;
use minijinja::value::{Serde, Value};
use minijinja::{context, Environment, UndefinedBehavior};

use super::filters;
use super::model::Report;
use crate::error::Error;

/// Name of the Markdown template.
pub(crate) const MARKDOWN: &str = "report.md.j2";
/// Name of the HTML template.
pub const HTML: &str = "report.html.j2";

/// The built-in templates: name and source.
pub const DEFAULTS: &[(&str, &str)] = &[
    (MARKDOWN, include_str!("../../../templates/report.md.j2")),
    (HTML, include_str!("../../../templates/report.html.j2")),
    ("report.css.j2", include_str!("../../../templates/report.css.j2")),
];

/// How the templates are found and what they are told.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    /// `--templates DIR`: files here override the built-in templates of the same name.
    pub dir: Option<PathBuf>,
    /// `--front-matter`: start the Markdown with YAML front matter (title, date, tags).
    pub front_matter: bool,
    /// `--image-base-url URL`: newsletter mode; the image is `{URL}/heatmap.png`.
    pub image_base_url: Option<String>,
}

impl TemplateOptions {
    /// The URL of the published image `file` in e-mail mode (`None` otherwise).
    pub fn image_url(&self, file: &str) -> Option<String> {
        self.image_base_url.as_ref().map(|base| format!("{}/{}", base.trim_end_matches('/'), file))
    }
}

/// Renders the Markdown report.
pub fn render_markdown(r: &Report, o: &TemplateOptions) -> Result<String, Error> {
    let image_src = o.image_url(&r.image.png).unwrap_or_else(|| r.image.png.clone());
    let ctx = context! {
        r => Value::from(Serde(r)),
        og_image => image_src.clone(),
        front_matter => o.front_matter,
        email => o.image_base_url.is_some(),
        // A link destination: escaped, but its `https://` is no autolink to defuse.
        image_src => Value::from_safe_string(filters::escape_markdown_url(&image_src)),
        svg => Value::from(()),
    };
    render(MARKDOWN, ctx, o)
}

/// Renders the self-contained HTML report. The chart is `svg` inlined when given, else `png`
/// as a data URI; in e-mail mode (`image_base_url`) it is an `<img>` pointing at the published
/// PNG, since mail clients block inline SVG and data URIs.
pub fn render_html(r: &Report, svg: Option<&str>, png: &[u8], o: &TemplateOptions) -> Result<String, Error> {
    let (image_src, svg) = match o.image_url(&r.image.png) {
        Some(url) => (url, None),
        None => match svg {
            Some(s) => (String::new(), Some(inline_svg(s))),
            None => (format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png)), None),
        },
    };
    let ctx = context! {
        r => Value::from(Serde(r)),
        og_image => o.image_url(&r.image.png).unwrap_or_else(|| r.image.png.clone()),
        front_matter => o.front_matter,
        email => o.image_base_url.is_some(),
        image_src => image_src,
        svg => svg.map(Value::from_safe_string).unwrap_or(Value::from(())),
    };
    render(HTML, ctx, o)
}

/// Loads and compiles both report templates (and what they include at the top level), so a
/// broken user template is reported before any data is fetched or computed.
pub fn check(o: &TemplateOptions) -> Result<(), Error> {
    let env = environment(o.dir.clone());
    for name in [MARKDOWN, HTML] {
        env.get_template(name).map_err(|e| template_error(&e, name, o))?;
    }
    Ok(())
}

/// SVG markup ready to sit inside HTML: any XML declaration or doctype before `<svg` dropped.
fn inline_svg(s: &str) -> String {
    match s.find("<svg") {
        Some(i) => s[i..].trim_end().to_string(),
        None => s.trim().to_string(),
    }
}

fn render(name: &str, ctx: Value, o: &TemplateOptions) -> Result<String, Error> {
    let env = environment(o.dir.clone());
    let tmpl = env.get_template(name).map_err(|e| template_error(&e, name, o))?;
    tmpl.render(ctx).map_err(|e| template_error(&e, name, o))
}

/// The environment: loader (user directory first, then defaults), strict undefined values,
/// autoescape by extension, filters, block-tag whitespace trimmed.
fn environment(dir: Option<PathBuf>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // A template that loops without end (or nearly: 10^10 steps) fails instead of running for
    // hours; the built-in ones use a few hundred thousand steps.
    env.set_fuel(Some(FUEL));
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters are valid"),
    );
    env.set_auto_escape_callback(auto_escape_for);
    env.set_formatter(format_value);
    filters::register(&mut env);
    env.set_loader(move |name| load(dir.as_deref(), name));
    env
}

/// The steps (minijinja's fuel) a template may take to render one report.
pub(crate) const FUEL: u64 = 50_000_000;

/// The auto-escape mode [`format_value`] applies in a template called `name`.
const MARKDOWN_ESCAPE: &str = "markdown";

/// HTML escaping for `.html.j2` (minijinja's default rule), Markdown escaping for `.md.j2` and
/// `.markdown.j2` (also without the `.j2`), none otherwise.
fn auto_escape_for(name: &str) -> minijinja::AutoEscape {
    let base = name.strip_suffix(".j2").unwrap_or(name);
    if base.ends_with(".md") || base.ends_with(".markdown") {
        minijinja::AutoEscape::Custom(MARKDOWN_ESCAPE.into())
    } else {
        minijinja::default_auto_escape_callback(name)
    }
}

/// Writes a value into the output. In HTML, strings are escaped for text and quoted attributes
/// (`& < > " '`) but `/` is kept, so URLs and `liqshot-report/1` stay readable. In Markdown,
/// numbers and booleans print as they are and everything else (strings, lists, maps, `none`)
/// is printed and then made inert by [`filters::escape_markdown`]. Safe strings are written
/// as they are; anything else is minijinja's default.
fn format_value(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    use minijinja::value::ValueKind;
    match state.auto_escape() {
        _ if value.is_safe() => minijinja::escape_formatter(out, state, value),
        minijinja::AutoEscape::Html => match value.as_str() {
            Some(s) => Ok(out.write_str(&escape_html(s))?),
            None => minijinja::escape_formatter(out, state, value),
        },
        minijinja::AutoEscape::Custom(m) if m == MARKDOWN_ESCAPE => match value.kind() {
            ValueKind::Number | ValueKind::Bool => Ok(write!(out, "{value}")?),
            // Strict undefined values have failed before they get here; others print nothing.
            ValueKind::Undefined => Ok(()),
            _ => Ok(out.write_str(&filters::escape_markdown(&value.to_string()))?),
        },
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Escapes `& < > " '` for HTML text and quoted attribute values.
pub fn escape_html(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Loads `name`: from `dir` when a file of that name is there, else the built-in default.
fn load(dir: Option<&Path>, name: &str) -> Result<Option<String>, minijinja::Error> {
    if !is_plain_name(name) {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("template name {name:?} must be a file name inside the templates directory"),
        ));
    }
    if let Some(path) = dir.map(|d| d.join(name)).filter(|p| p.is_file()) {
        return crate::files::input::read_text(&path, crate::files::input::TEXT_MAX)
            .map(Some)
            .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, format!("cannot read {e}")));
    }
    Ok(DEFAULTS.iter().find(|(n, _)| *n == name).map(|(_, src)| src.to_string()))
}

/// A relative name of files and subdirectories, without `..`, so templates stay in their directory.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && name.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
}

/// `template DIR/report.md.j2 line 3: undefined value: ...`, naming where the template came from
/// (`requested`, the template asked for, when the error does not name one: it failed to load).
fn template_error(e: &minijinja::Error, requested: &str, o: &TemplateOptions) -> Error {
    let name = e.name().unwrap_or(requested);
    let origin = match &o.dir {
        Some(d) if d.join(name).exists() => d.join(name).display().to_string(),
        _ => format!("{name} (built-in)"),
    };
    if e.kind() == minijinja::ErrorKind::OutOfFuel {
        return Error::Template(format!(
            "template {origin}: stopped after {} steps (an endless or far too long loop?); nothing written",
            crate::model::fmt::thousands(FUEL as f64, 0)
        ));
    }
    let place = match e.line() {
        Some(l) => format!("template {origin} line {l}"),
        None => format!("template {origin}"),
    };
    let what = match e.detail() {
        Some(d) => format!("{}: {d}", e.kind()),
        None => e.kind().to_string(),
    };
    if e.kind() == minijinja::ErrorKind::UndefinedError {
        let source = e.line().and_then(|l| {
            load(o.dir.as_deref(), name).ok().flatten().and_then(|src| src.lines().nth(l - 1).map(str::to_string))
        });
        if let Some(hint) = source.as_deref().and_then(removed_field_hint) {
            return Error::Template(format!("{place}: {hint}"));
        }
    }
    Error::Template(format!("{place}: {what}"))
}

/// Report fields removed from earlier formats, and what replaced them.
pub(crate) const REMOVED_FIELDS: &[(&str, &str)] = &[
    ("alert_level", "removed in liqshot-report/3: use `plan.alert`"),
    ("invalidation", "removed in liqshot-report/3: a plan's `stop` is where it is wrong (with `entry`, `take_profit` and `direction`)"),
];

/// When `line` (of a template that failed on an undefined value) reads a removed field
/// (`.alert_level`), the message naming it.
pub(crate) fn removed_field_hint(line: &str) -> Option<String> {
    REMOVED_FIELDS.iter().find_map(|(field, instead)| {
        let dotted = format!(".{field}");
        let at = line.find(&dotted)?;
        let after = line[at + dotted.len()..].chars().next();
        after
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
            .then(|| format!("the report has no field `{field}` ({instead})"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_inside_the_directory() {
        assert!(is_plain_name("report.md.j2"));
        assert!(is_plain_name("partials/zones.html.j2"));
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "a\\b"] {
            assert!(!is_plain_name(bad), "{bad}");
        }
        assert!(load(None, "../report.md.j2").is_err());
        assert!(load(None, "nope.j2").unwrap().is_none());
        assert!(load(None, MARKDOWN).unwrap().is_some());
    }

    #[test]
    fn removed_fields_are_named() {
        assert_eq!(
            removed_field_hint("| {{ plan.alert_level | price }} |").as_deref(),
            Some("the report has no field `alert_level` (removed in liqshot-report/3: use `plan.alert`)")
        );
        assert!(removed_field_hint("{{ plan.invalidation }}").unwrap().contains("`invalidation`"));
        assert_eq!(removed_field_hint("{{ plan.invalidations }}"), None);
        assert_eq!(removed_field_hint("{{ plan.stop }}"), None);
    }

    #[test]
    fn svg_declaration_is_dropped() {
        assert_eq!(inline_svg("<?xml version=\"1.0\"?>\n<svg a=\"1\"></svg>\n"), "<svg a=\"1\"></svg>");
    }
}
