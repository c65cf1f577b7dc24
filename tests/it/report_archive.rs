//! `liqshot report --archive DIR`: reports under DIR/SYMBOL/DATE/, an index and an Atom feed
//! rewritten newest first; two days and a rerun give two entries, the rerun changes nothing,
//! the feed parses with an Atom parser, every link resolves to a file in DIR (or lies under
//! `--site-url`), `--archive-max` caps the entries, a broken manifest stops the run before
//! anything is written.

use crate::common;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use atom_syndication::Feed;
use common::{arg, example_snapshot, liqshot};
use liqshot::MarketSnapshot;

/// The example (captured 2025-11-11) and the same data cut a day earlier.
fn two_days(dir: &Path) -> (PathBuf, PathBuf) {
    let snap = MarketSnapshot::load(&example_snapshot()).unwrap();
    let cut = snap.cut(None, "2025-11-10T00:00:00Z".parse().unwrap());
    let day1 = dir.join("day1.json");
    std::fs::write(&day1, cut.to_json()).unwrap();
    (day1, example_snapshot())
}

fn report(snap: &Path, archive: &Path, extra: &[&str]) -> common::Run {
    let mut args = vec!["report", "--snapshot", arg(snap), "--archive", arg(archive), "-q"];
    args.extend_from_slice(extra);
    liqshot(args)
}

/// The `attr="..."` values of `html`.
fn attrs(html: &str, attr: &str) -> Vec<String> {
    html.split(&format!("{attr}=\"")).skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect()
}

fn feed(archive: &Path) -> Feed {
    Feed::from_str(&std::fs::read_to_string(archive.join("feed.xml")).unwrap()).expect("feed.xml parses as Atom")
}

#[test]
fn two_days_and_a_rerun_give_two_entries_newest_first_with_links_into_the_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let (day1, day2) = two_days(tmp.path());
    let site = tmp.path().join("site");
    report(&day1, &site, &[]).ok();
    report(&day2, &site, &[]).ok();
    let feed_before = std::fs::read(site.join("feed.xml")).unwrap();
    let index_before = std::fs::read(site.join("index.html")).unwrap();
    report(&day2, &site, &[]).ok();
    assert_eq!(std::fs::read(site.join("feed.xml")).unwrap(), feed_before, "a rerun of the same day changes nothing");
    assert_eq!(std::fs::read(site.join("index.html")).unwrap(), index_before);
    for d in ["2025-11-10", "2025-11-11"] {
        assert_eq!(
            common::dir_names(&site.join("BTCUSDT").join(d)),
            [
                "heatmap-square.png",
                "heatmap-square.png.alt.txt",
                "heatmap.png",
                "heatmap.png.alt.txt",
                "heatmap.svg",
                "report.html",
                "report.md",
                "zones.json"
            ]
        );
    }

    let f = feed(&site);
    let entries = f.entries();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].title().as_str(), "BTCUSDT estimated liquidation zones, 2025-11-11");
    assert_eq!(entries[1].title().as_str(), "BTCUSDT estimated liquidation zones, 2025-11-10");
    assert!(entries[0].updated() > entries[1].updated());
    assert_eq!(f.updated(), entries[0].updated());
    for e in entries {
        // The summary line is the report's summary, in one line.
        let zones: serde_json::Value = serde_json::from_slice(
            &std::fs::read(site.join("BTCUSDT").join(e.updated().format("%Y-%m-%d").to_string()).join("zones.json"))
                .unwrap(),
        )
        .unwrap();
        let summary: Vec<&str> = zones["summary"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
        assert!(!summary.is_empty());
        assert_eq!(e.summary().map(|s| s.as_str()), Some(summary.join(" ").as_str()));
        let rels: Vec<&str> = e.links().iter().map(|l| l.rel()).collect();
        assert_eq!(rels, ["alternate", "enclosure"]);
        for l in e.links() {
            let file = site.join(l.href());
            assert!(file.is_file(), "{} does not resolve to a file in the archive", l.href());
            if l.rel() == "enclosure" {
                assert_eq!(l.mime_type(), Some("image/png"));
                assert_eq!(l.length(), Some(std::fs::metadata(&file).unwrap().len().to_string().as_str()));
            }
        }
    }
    // The index: the two reports, newest first, every link and image a file in the archive.
    let html = String::from_utf8(index_before).unwrap();
    let hrefs = attrs(&html, "href");
    let reports: Vec<&String> = hrefs.iter().filter(|h| h.ends_with("report.html")).collect();
    assert_eq!(reports.len(), 4, "title and image link per entry: {hrefs:?}");
    assert!(reports[0].contains("2025-11-11") && reports[3].contains("2025-11-10"));
    for h in hrefs.iter().chain(&attrs(&html, "src")) {
        assert!(site.join(h).is_file(), "{h} does not resolve to a file in the archive");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("archive.json")).unwrap()).unwrap();
    assert_eq!(manifest["entries"].as_array().unwrap().len(), 2);
}

#[test]
fn site_url_makes_the_feed_links_absolute_and_max_caps_the_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let (day1, day2) = two_days(tmp.path());
    let site = tmp.path().join("site");
    let url = "https://example.com/liq";
    report(&day1, &site, &["--site-url", url]).ok();
    report(&day2, &site, &["--site-url", url]).ok();
    let f = feed(&site);
    assert_eq!(f.id(), "https://example.com/liq/");
    assert!(f.links().iter().any(|l| l.rel() == "self" && l.href() == "https://example.com/liq/feed.xml"));
    assert_eq!(f.entries().len(), 2);
    for e in f.entries() {
        for l in e.links() {
            let rel = l
                .href()
                .strip_prefix("https://example.com/liq/")
                .unwrap_or_else(|| panic!("{} is not under --site-url", l.href()));
            assert!(site.join(rel).is_file(), "{rel}");
        }
    }
    // A cap of one keeps the newest day only (the older report stays on disk, unlisted).
    report(&day1, &site, &["--site-url", url, "--archive-max", "1"]).ok();
    let f = feed(&site);
    assert_eq!(f.entries().len(), 1);
    assert!(f.entries()[0].title().contains("2025-11-11"));
    assert!(site.join("BTCUSDT/2025-11-10/report.html").is_file());
    let bad = liqshot(["report", "--snapshot", arg(&day2), "--archive", arg(&site), "--site-url", "example.com"]);
    assert!(bad.one_line_error(2).contains("--site-url"));
    let both = liqshot(["report", "--snapshot", arg(&day2), "--archive", arg(&site), "--out-dir", arg(&site)]);
    assert_eq!(both.code, Some(2));
}

#[test]
fn a_broken_manifest_stops_the_run_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("archive.json"), "{ not json").unwrap();
    let run = report(&example_snapshot(), &site, &[]);
    let line = run.one_line_error(1);
    assert!(line.contains("archive.json"), "{line}");
    assert!(!site.join("BTCUSDT").exists() && !site.join("feed.xml").exists() && !site.join("index.html").exists());
    assert_eq!(std::fs::read_to_string(site.join("archive.json")).unwrap(), "{ not json");
}

#[test]
fn a_job_writes_into_its_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("liqshot.toml");
    std::fs::write(&cfg, "[[job]]\nname = \"daily\"\ncommand = \"report\"\nsymbols = \"BTC\"\narchive = \"site\"\narchive_max = 7\nsite_url = \"https://example.com/x\"\n").unwrap();
    let out = liqshot(["--config", arg(&cfg), "run", "--dry-run"]).ok().stdout;
    let site = tmp.path().join("site");
    assert!(
        out.contains(&format!("--archive={}", site.display()))
            && out.contains("--archive-max=7")
            && out.contains("--site-url=https://example.com/x"),
        "{out}"
    );
    std::fs::write(
        &cfg,
        "[[job]]\nname = \"daily\"\ncommand = \"report\"\nsymbols = \"BTC\"\narchive = \"site\"\nout_dir = \"r\"\n",
    )
    .unwrap();
    let e = liqshot(["config", "check", arg(&cfg)]);
    assert!(e.stderr.contains("archive") && e.code == Some(2), "{e:?}");
}
