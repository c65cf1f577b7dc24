//! What a report is given besides the snapshot (findings B2, D3, D4, E6 of the reliability run):
//! a previous report of another symbol or from the future is refused, an events file's BOM is
//! no part of its first line, a user template that loops without end stops with a clear error,
//! and a user template that cannot be read is named as the user's.

use crate::common;

use common::{arg, example_snapshot, liqshot};

#[test]
fn a_previous_report_of_another_symbol_or_from_the_future_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    liqshot(["report", "--snapshot", arg(&example_snapshot()), "--out-dir", arg(&first), "-q"]).ok();
    let zones: serde_json::Value = serde_json::from_slice(&std::fs::read(first.join("zones.json")).unwrap()).unwrap();
    for (field, value, want) in [
        ("symbol", "ETHUSDT", "a report of ETHUSDT, not of BTCUSDT"),
        ("captured_at", "2099-01-01T00:00:00Z", "captured at 2099-01-01 00:00 UTC, after this snapshot"),
    ] {
        let mut prev = zones.clone();
        prev["meta"][field] = serde_json::json!(value);
        let p = dir.path().join("prev.json");
        std::fs::write(&p, serde_json::to_vec(&prev).unwrap()).unwrap();
        let out = dir.path().join("second");
        let r =
            liqshot(["report", "--snapshot", arg(&example_snapshot()), "--out-dir", arg(&out), "--previous", arg(&p)]);
        let line = r.one_line_error(2);
        assert!(line.contains(&format!("--previous {}: {want}", arg(&p))), "{line}");
        assert!(!out.exists());
    }
}

#[test]
fn a_byte_order_mark_does_not_publish_the_first_comment() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.txt");
    std::fs::write(&events, "\u{feff}# internal note: do not publish\nCPI Thursday\n").unwrap();
    let out = dir.path().join("r");
    liqshot([
        "report",
        "--snapshot",
        arg(&example_snapshot()),
        "--out-dir",
        arg(&out),
        "--events-file",
        arg(&events),
        "-q",
    ])
    .ok();
    for f in ["report.md", "report.html", "zones.json"] {
        let text = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(!text.contains("internal note") && text.contains("CPI Thursday"), "{f}");
    }
}

#[test]
fn an_endless_user_template_stops_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("loop");
    std::fs::create_dir(&t).unwrap();
    std::fs::write(
        t.join("report.md.j2"),
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
    )
    .unwrap();
    let out = dir.path().join("o");
    let r = liqshot(["report", "--snapshot", arg(&example_snapshot()), "--out-dir", arg(&out), "--templates", arg(&t)]);
    let line = r.one_line_error(1);
    assert!(
        line.contains(&format!("template {}: stopped after 50,000,000 steps", arg(&t.join("report.md.j2")))),
        "{line}"
    );
    assert!(!out.exists());
}

#[test]
fn an_unreadable_user_template_is_named_as_the_users() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("bin");
    std::fs::create_dir(&t).unwrap();
    std::fs::write(t.join("report.html.j2"), b"\xff\xfe broken").unwrap();
    let r = liqshot([
        "report",
        "--snapshot",
        arg(&example_snapshot()),
        "--out-dir",
        arg(&dir.path().join("o")),
        "--templates",
        arg(&t),
    ]);
    let line = r.one_line_error(1);
    assert!(
        line.contains(&format!("template {}", arg(&t.join("report.html.j2"))))
            && !line.contains("built-in")
            && line.contains("not UTF-8"),
        "{line}"
    );
}
