//! `liqshot bench`: the byte sizes it reports are those of the files `liqshot render` writes,
//! and without the bundled example it says what it needs.

use crate::common;

use common::{command, example_snapshot, liqshot, run_cmd};

/// The `(N bytes)` figure of bench's output line starting with `label`.
fn bytes_of(stdout: &str, label: &str) -> u64 {
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no {label:?} line in {stdout}"));
    let inner = line
        .rsplit_once('(')
        .and_then(|(_, r)| r.strip_suffix(" bytes)"))
        .unwrap_or_else(|| panic!("no byte count in {line:?}"));
    inner.parse().unwrap_or_else(|e| panic!("{inner:?} in {line:?}: {e}"))
}

#[test]
fn bench_reports_the_sizes_render_writes() {
    let dir = tempfile::tempdir().unwrap();
    let snap = example_snapshot();
    let snap = snap.to_str().unwrap();
    for (window, size) in [("24h", "800x450"), ("7d", "1200x700")] {
        let bench =
            liqshot(["bench", "--snapshot", snap, "--runs", "1", "--scale", "1", "--window", window, "--size", size])
                .ok();
        let (png, svg) = (dir.path().join(format!("{window}.png")), dir.path().join(format!("{window}.svg")));
        liqshot([
            "render",
            "--snapshot",
            snap,
            "--window",
            window,
            "--size",
            size,
            "-o",
            png.to_str().unwrap(),
            "-o",
            svg.to_str().unwrap(),
        ])
        .ok();
        let on_disk = |p: &std::path::Path| std::fs::metadata(p).unwrap().len();
        assert_eq!(bytes_of(&bench.stdout, "PNG encode"), on_disk(&png), "PNG, {window} {size}: {}", bench.stdout);
        assert_eq!(bytes_of(&bench.stdout, "SVG encode"), on_disk(&svg), "SVG, {window} {size}: {}", bench.stdout);
    }
}

#[test]
fn bench_outside_the_repository_says_it_needs_the_example_or_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_cmd(command().current_dir(dir.path()).args(["bench", "--runs", "1", "--scale", "1"]));
    let line = run.one_line_error(2);
    let looked = dir.path().join("examples/btcusdt-2025-11-01_10.snapshot.json");
    assert!(line.contains(&format!("no snapshot at {}", looked.display())), "{line}");
    assert!(line.contains("bundled example") && line.contains("--snapshot FILE"), "{line}");
    // An explicit --snapshot that does not exist gets the same one-line usage error naming it.
    let run = run_cmd(command().current_dir(dir.path()).args(["bench", "--snapshot", "nope.json"]));
    let line = run.one_line_error(2);
    assert!(line.contains(&format!("--snapshot: no snapshot at {}", dir.path().join("nope.json").display())), "{line}");
    // ... without telling the user to give the --snapshot FILE they just gave.
    assert!(!line.contains("bundled example") && !line.contains("or --snapshot FILE"), "{line}");
}
