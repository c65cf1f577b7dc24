//! The publishing archive (`liqshot report --archive DIR`): each report in `DIR/SYMBOL/DATE/`,
//! and for the whole archive an `index.html` and an Atom `feed.xml`, newest first, at most
//! `max` entries, made from a manifest (`archive.json`) of the reports placed so far. Pure:
//! entries in, bytes out (the command reads and writes the files, `write`).
//!
//! - One entry per symbol and capture date: a rerun of the same day replaces that day's entry
//!   (and its directory's files), so running twice gives the same archive.
//! - Order: capture time, newest first, then symbol; the manifest, the index and the feed keep
//!   the newest `max` entries (older report directories stay on disk, unlisted).
//! - Links: in the index relative to `DIR` (they resolve to the files beside it); in the feed
//!   absolute under `--site-url` when given (else relative to the feed), the chart as the
//!   entry's `enclosure` (and an `<img>` in its content) at `--image-base-url`/heatmap.png when
//!   the report was made for a mail (newsletter mode), else beside the report.
//! - Every value from the data (symbol, summary, alt text) is escaped for its output: the
//!   index by [`crate::output::report::templates::escape_html`], the feed by the Atom writer.

pub mod write;

use std::collections::BTreeMap;

use atom_syndication::{Content, Entry as AtomEntry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::output::report::model::Report;
use crate::output::report::templates::escape_html;

/// The value of the manifest's `format`.
pub(crate) const ARCHIVE_FORMAT: &str = "liqshot-archive/1";
/// File names at the archive's root.
pub(crate) const MANIFEST: &str = "archive.json";
pub(crate) const INDEX: &str = "index.html";
pub(crate) const FEED: &str = "feed.xml";
/// Entries kept by default (`--archive-max`).
pub const DEFAULT_MAX: usize = 30;
/// The title of the index and the feed.
pub(crate) const TITLE: &str = "liqshot: estimated liquidation zones, daily";

/// One report of the archive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchiveEntry {
    pub symbol: String,
    /// Capture date (UTC), `2025-11-11`: with the symbol, the entry's key.
    pub date: String,
    /// Capture time, RFC 3339 UTC.
    pub captured_at: String,
    pub title: String,
    /// The report's summary line ([`summary_line`]).
    pub summary: String,
    /// The chart's alt text.
    pub alt: String,
    /// The report's directory under the archive, `BTCUSDT/2025-11-11` (always `/`).
    pub dir: String,
    /// File names of the report's page and chart in `dir`.
    pub page: String,
    pub image: String,
    pub image_width: u32,
    pub image_height: u32,
    /// Size of the chart's PNG (the enclosure's length).
    pub image_bytes: u64,
    /// Where the chart is published when the report was made with `--image-base-url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
}

/// `archive.json`: the entries, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub entries: Vec<ArchiveEntry>,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest { format: ARCHIVE_FORMAT.into(), entries: vec![] }
    }
}

/// Where the archive is published.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Site {
    /// `--site-url`: the URL of `DIR`; the feed's links are absolute under it.
    pub site_url: Option<String>,
    /// Entries kept (`--archive-max`).
    pub max: usize,
}

/// The one line of the report that summarises it, for the feed and the index: the report's
/// headline sentence (the first summary string its model has). One function, so the line can
/// follow the report when it gains a summary of its own.
pub(crate) fn summary_line(r: &Report) -> String {
    if r.summary.is_empty() {
        r.evidence.headline.clone()
    } else {
        r.summary.join(" ")
    }
}

/// `s` as one URL path segment: letters, digits and `-._~` as they are, every other byte as
/// `%XX`.
pub(crate) fn url_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out += &format!("%{b:02X}");
        }
    }
    out
}

/// The archive entry of report `r` placed in `DIR/{dir}` (e.g. `BTCUSDT/2025-11-11`), whose
/// page and chart are `page` and `r.image.png` there and whose PNG has `png_bytes` bytes.
pub fn entry_of(r: &Report, dir: &str, page: &str, png_bytes: usize) -> ArchiveEntry {
    ArchiveEntry {
        symbol: r.meta.symbol.clone(),
        date: r.meta.date.clone(),
        captured_at: r.meta.captured_at.clone(),
        title: format!("{} estimated liquidation zones, {}", r.meta.symbol, r.meta.date),
        summary: summary_line(r),
        alt: r.image.alt.clone(),
        dir: dir.to_string(),
        page: page.to_string(),
        image: r.image.png.clone(),
        image_width: r.image.width,
        image_height: r.image.height,
        image_bytes: png_bytes as u64,
        image_url: r.image.url.clone(),
    }
}

fn time_of(e: &ArchiveEntry) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(&e.captured_at).ok().map(|t| t.with_timezone(&Utc))
}

/// `m` with `e` in place of the entry of the same symbol and date (or added), newest first
/// (then by symbol), at most `max` entries.
pub fn merge(m: &Manifest, e: ArchiveEntry, max: usize) -> Manifest {
    let mut by_key: BTreeMap<(String, String), ArchiveEntry> =
        m.entries.iter().map(|x| ((x.symbol.clone(), x.date.clone()), x.clone())).collect();
    by_key.insert((e.symbol.clone(), e.date.clone()), e);
    let mut entries: Vec<ArchiveEntry> = by_key.into_values().collect();
    entries.sort_by(|a, b| time_of(b).cmp(&time_of(a)).then_with(|| a.symbol.cmp(&b.symbol)));
    entries.truncate(max.max(1));
    Manifest { format: ARCHIVE_FORMAT.into(), entries }
}

/// Reads `archive.json`; `name` is how errors name it.
pub(crate) fn read_manifest(bytes: &[u8], name: &str) -> Result<Manifest, Error> {
    let m: Manifest = serde_json::from_slice(bytes)
        .map_err(|e| Error::Invalid(format!("{name}: not a liqshot archive manifest: {e}")))?;
    if m.format != ARCHIVE_FORMAT {
        return Err(Error::Invalid(format!("{name}: format {:?}, expected {ARCHIVE_FORMAT}", m.format)));
    }
    Ok(m)
}

/// `archive.json` bytes.
pub(crate) fn manifest_bytes(m: &Manifest) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(m).expect("a manifest serialises");
    v.push(b'\n');
    v
}

/// The entry's directory as a relative URL path (`BTCUSDT/2025-11-11`).
fn dir_path(e: &ArchiveEntry) -> String {
    e.dir.split('/').map(url_segment).collect::<Vec<_>>().join("/")
}

/// `rel` (relative to the archive's root) as the feed links it: under `--site-url` when given.
fn href(site: &Site, rel: &str) -> String {
    match &site.site_url {
        Some(u) => format!("{}/{rel}", u.trim_end_matches('/')),
        None => rel.to_string(),
    }
}

/// The URL of an entry's page and chart in the feed.
pub(crate) fn entry_links(e: &ArchiveEntry, site: &Site) -> (String, String) {
    let d = dir_path(e);
    let page = href(site, &format!("{d}/{}", url_segment(&e.page)));
    let image = e.image_url.clone().unwrap_or_else(|| href(site, &format!("{d}/{}", url_segment(&e.image))));
    (page, image)
}

fn fixed(t: Option<DateTime<Utc>>) -> FixedDateTime {
    t.unwrap_or(DateTime::<Utc>::UNIX_EPOCH).fixed_offset()
}

fn link(href: String, rel: &str, mime: Option<&str>, length: Option<u64>) -> Link {
    let mut l = Link::default();
    l.set_href(href);
    l.set_rel(rel);
    l.set_mime_type(mime.map(String::from));
    l.set_length(length.map(|n| n.to_string()));
    l
}

/// `feed.xml`: an Atom feed of the entries, newest first. Its `updated` is the newest entry's
/// capture time (not the clock), so the same archive gives the same bytes.
pub(crate) fn feed_xml(m: &Manifest, site: &Site) -> Vec<u8> {
    let mut feed = Feed::default();
    feed.set_title(TITLE);
    feed.set_id(
        site.site_url.as_ref().map_or("urn:liqshot:archive".to_string(), |u| format!("{}/", u.trim_end_matches('/'))),
    );
    feed.set_updated(fixed(m.entries.iter().filter_map(time_of).max()));
    feed.set_subtitle(Some(Text::plain("Estimated liquidation levels from a model of open interest and price — not actual positions, not financial advice.")));
    let mut author = Person::default();
    author.set_name("liqshot");
    feed.set_authors(vec![author]);
    feed.set_links(vec![
        link(href(site, FEED), "self", Some("application/atom+xml"), None),
        link(href(site, INDEX), "alternate", Some("text/html"), None),
    ]);
    let entries = m
        .entries
        .iter()
        .map(|e| {
            let (page, image) = entry_links(e, site);
            let mut a = AtomEntry::default();
            a.set_title(e.title.as_str());
            a.set_id(match &site.site_url {
                Some(_) => page.clone(),
                None => format!("urn:liqshot:archive:{}:{}", url_segment(&e.symbol), url_segment(&e.date)),
            });
            a.set_updated(fixed(time_of(e)));
            a.set_published(Some(fixed(time_of(e))));
            a.set_summary(Some(Text::plain(e.summary.as_str())));
            a.set_links(vec![
                link(page.clone(), "alternate", Some("text/html"), None),
                link(image.clone(), "enclosure", Some("image/png"), Some(e.image_bytes)),
            ]);
            // RSS-to-email services show the content: the summary and the chart, escaped here
            // as HTML, then as XML by the writer.
            let html = format!(
                "<p>{}</p><p><a href=\"{}\"><img src=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\"></a></p>",
                escape_html(&e.summary),
                escape_html(&page),
                escape_html(&image),
                e.image_width,
                e.image_height,
                escape_html(&e.alt)
            );
            let mut c = Content::default();
            c.set_content_type(Some("html".to_string()));
            c.set_value(Some(html));
            a.set_content(Some(c));
            a
        })
        .collect::<Vec<_>>();
    feed.set_entries(entries);
    let mut out = Vec::new();
    feed.write_to(&mut out).expect("writing to a Vec cannot fail");
    out.push(b'\n');
    out
}

/// `index.html`: one self-contained page listing the entries, newest first, each with its
/// title linked to the report, capture time, summary and chart; links relative to the archive.
pub(crate) fn index_html(m: &Manifest, site: &Site) -> Vec<u8> {
    let mut s = String::new();
    s += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    s += &format!("<title>{}</title>\n", escape_html(TITLE));
    s += &format!(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{}\" href=\"{FEED}\">\n",
        escape_html(TITLE)
    );
    s += "<style>\n:root{color-scheme:light dark}body{font:16px/1.45 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem}\n";
    s += "article{border-top:1px solid #8884;padding:1rem 0}h2{font-size:1.15rem;margin:0 0 .25rem}.meta{color:#888;margin:0 0 .5rem;font-size:.9rem}\n";
    s +=
        "img{max-width:100%;height:auto;display:block}.notice{color:#888;font-size:.9rem}\n</style>\n</head>\n<body>\n";
    s += &format!("<h1>{}</h1>\n", escape_html(TITLE));
    s += "<p class=\"notice\">Estimated liquidation levels from a model of open interest and price — not actual positions, not financial advice. ";
    s += &format!("<a href=\"{FEED}\">Atom feed</a>.</p>\n");
    if m.entries.is_empty() {
        s += "<p>No reports yet.</p>\n";
    }
    for e in &m.entries {
        let d = dir_path(e);
        let page = format!("{d}/{}", url_segment(&e.page));
        let img = format!("{d}/{}", url_segment(&e.image));
        let when = time_of(e).map_or(e.captured_at.clone(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string());
        s += "<article>\n";
        s += &format!("<h2><a href=\"{}\">{}</a></h2>\n", escape_html(&page), escape_html(&e.title));
        s += &format!("<p class=\"meta\">captured {}</p>\n", escape_html(&when));
        s += &format!("<p>{}</p>\n", escape_html(&e.summary));
        s += &format!(
            "<a href=\"{}\"><img src=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\" loading=\"lazy\"></a>\n",
            escape_html(&page),
            escape_html(&img),
            e.image_width,
            e.image_height,
            escape_html(&e.alt)
        );
        s += "</article>\n";
    }
    if let Some(u) = &site.site_url {
        s += &format!("<p class=\"notice\">Published at <a href=\"{0}\">{0}</a>.</p>\n", escape_html(u));
    }
    s += "</body>\n</html>\n";
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(symbol: &str, date: &str, hour: u32) -> ArchiveEntry {
        ArchiveEntry {
            symbol: symbol.into(),
            date: date.into(),
            captured_at: format!("{date}T{hour:02}:00:00Z"),
            title: format!("{symbol} {date}"),
            summary: "s".into(),
            alt: "a".into(),
            dir: format!("{symbol}/{date}"),
            page: "report.html".into(),
            image: "heatmap.png".into(),
            image_width: 1600,
            image_height: 900,
            image_bytes: 10,
            image_url: None,
        }
    }

    #[test]
    fn a_rerun_of_a_day_replaces_its_entry_and_the_newest_come_first() {
        let m = merge(&Manifest::default(), entry("BTC", "2025-11-10", 0), 10);
        let m = merge(&m, entry("BTC", "2025-11-11", 0), 10);
        let m = merge(&m, entry("BTC", "2025-11-11", 6), 10);
        let keys: Vec<_> = m.entries.iter().map(|e| (e.date.as_str(), e.captured_at.as_str())).collect();
        assert_eq!(keys, [("2025-11-11", "2025-11-11T06:00:00Z"), ("2025-11-10", "2025-11-10T00:00:00Z")]);
        assert_eq!(merge(&m, entry("ETH", "2025-11-09", 0), 2).entries.len(), 2);
    }

    #[test]
    fn user_text_is_inert_in_the_index() {
        let mut e = entry("BTC", "2025-11-10", 0);
        e.summary = "<script>alert(1)</script>".into();
        e.symbol = "A<\"B".into();
        e.title = "A<\"B".into();
        e.dir = "A<\"B/2025-11-10".into();
        let html = String::from_utf8(index_html(
            &Manifest { format: ARCHIVE_FORMAT.into(), entries: vec![e] },
            &Site::default(),
        ))
        .unwrap();
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"), "{html}");
        assert!(
            !html.contains("A<") && html.contains("A%3C%22B/2025-11-10/report.html") && html.contains("A&lt;&quot;B"),
            "{html}"
        );
        assert_eq!(url_segment("a b/\"c"), "a%20b%2F%22c");
    }
}
