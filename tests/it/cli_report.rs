//! `liqshot report` end to end on the bundled example: its files, events, flag errors.

use crate::common;

use common::{dir_names, example_snapshot, liqshot};

#[test]
fn report_writes_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let events = dir.path().join("events.txt");
    std::fs::write(&events, "# week 46\n\nCPI Thursday\n").unwrap();
    let snap = example_snapshot();
    liqshot([
        "report".as_ref(),
        "--snapshot".as_ref(),
        snap.as_os_str(),
        "--out-dir".as_ref(),
        out.as_os_str(),
        "--size".as_ref(),
        "800x450".as_ref(),
        "--event".as_ref(),
        "FOMC & <b>".as_ref(),
        "--events-file".as_ref(),
        events.as_os_str(),
        "--front-matter".as_ref(),
    ])
    .ok();
    assert_eq!(
        dir_names(&out),
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
    let r: liqshot::output::report::model::Report =
        serde_json::from_slice(&std::fs::read(out.join("zones.json")).unwrap()).unwrap();
    assert_eq!(r.format, "liqshot-report/3");
    assert_eq!(r.events, ["FOMC & <b>", "CPI Thursday"]);
    assert_eq!((r.image.width, r.image.height, r.image.url), (800, 450, None));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.starts_with("---\ntitle: ") && md.contains("](heatmap.png)"), "{md}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("FOMC &amp; &lt;b&gt;"));
    common::read_png(&out.join("heatmap.png"));
    // Phones (below 600 px) get the chart at the square preset, written beside the full one.
    assert_eq!(common::read_png(&out.join("heatmap-square.png")).dimensions(), (1080, 1080));
    assert!(html.contains(r#"<source media="(max-width: 600px)" srcset="heatmap-square.png">"#), "{html}");
    assert!(html
        .contains("@media (max-width: 600px) { .chart a.full { display: none; } .chart a.small { display: block; } }"));
    let small = r.image.small.as_ref().expect("the small image in zones.json");
    assert_eq!((small.png.as_str(), small.width, small.height), ("heatmap-square.png", 1080, 1080));
    assert_eq!(
        std::fs::read(out.join("heatmap-square.png.alt.txt")).unwrap(),
        std::fs::read(out.join("heatmap.png.alt.txt")).unwrap()
    );
}

#[test]
fn report_flag_errors_name_the_flag_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let snap = example_snapshot().display().to_string();
    let o = out.display().to_string();
    let missing = dir.path().join("missing").display().to_string();
    let bad_tpl = dir.path().join("tpl");
    std::fs::create_dir(&bad_tpl).unwrap();
    std::fs::write(bad_tpl.join("report.html.j2"), "<p>\n{% for x in %}\n").unwrap();
    let bad_tpl = bad_tpl.display().to_string();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["--window", "1 day"], 2, "--window"),
        (&["--size", "10x10"], 2, "--size"),
        (&["--image-base-url", "example.com"], 2, "--image-base-url"),
        (&["--templates", &missing], 2, "--templates"),
        (&["--events-file", &missing], 2, "--events-file"),
        (&["--previous", &bad_tpl], 2, "--previous"),
        (&["--event", " "], 2, "--event"),
        (&["--templates", &bad_tpl], 1, "report.html.j2 line 2"),
    ];
    for (extra, code, needle) in cases {
        let mut args = vec!["report", "--snapshot", &snap, "--out-dir", &o];
        args.extend_from_slice(extra);
        let run = liqshot(&args);
        let line = run.one_line_error(*code);
        assert!(line.contains(needle), "{extra:?}: {line}");
        assert!(!out.exists(), "{extra:?} wrote output");
    }
}

#[test]
fn a_previous_report_that_does_not_exist_yet_is_a_warning() {
    // The first run of a daily job: --previous names the file the run itself will write.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let prev = out.join("zones.json");
    let run = liqshot([
        "report",
        "--snapshot",
        example_snapshot().to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
        "--previous",
        prev.to_str().unwrap(),
    ])
    .ok();
    assert!(
        run.stderr.contains(&format!(
            "liqshot: warning: --previous {}: no such file yet; recalculation triggers not evaluated",
            prev.display()
        )),
        "{}",
        run.stderr
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("Recalculate after a range breakout, a tagged zone, an open-interest shock or extreme funding."),
        "a first report lists what to watch: {md}"
    );
    assert!(!md.contains("--previous") && !html_has_flags(&md), "no tool instructions in the published text: {md}");
    assert!(!md.contains("| unknown |"), "no rows of unknowns: {md}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(r#"<ul class="checklist">"#) && !html.contains(">unknown<"), "a checklist in the HTML too");
    assert!(!html.contains("--previous"), "no tool instructions in the HTML either");
    // The second run reads it.
    let run = liqshot([
        "report",
        "--snapshot",
        example_snapshot().to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
        "--previous",
        prev.to_str().unwrap(),
    ])
    .ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

/// Whether `text` tells the reader to pass a flag (` --word`).
fn html_has_flags(text: &str) -> bool {
    text.split_whitespace().any(|w| {
        w.trim_start_matches(['(', '`']).starts_with("--")
            && w.len() > 2
            && w.chars().nth(2).is_some_and(|c| c.is_ascii_lowercase())
    })
}
