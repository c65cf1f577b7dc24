//! The real `liqshot` binary on malformed input: exit codes, one-line error messages that
//! name the input and the problem, and no partial or replaced output files.

use crate::common;

use std::path::{Path, PathBuf};

use common::{dir_names, example_json, example_snapshot, import_fixture, liqshot};
use serde_json::{json, Value};

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// Writes `snap` as `bad.snapshot.json` in a new temp dir and renders it to `out/` there.
/// Checks exit 1, a one-line error naming the snapshot file and containing every `needle`,
/// and that `out/` stays empty. Returns the error line.
fn render_rejects(snap: &[u8], needles: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.snapshot.json");
    std::fs::write(&file, snap).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let run = liqshot([
        "render",
        "--snapshot",
        s(&file),
        "--size",
        "800x450",
        "-o",
        s(&out.join("x.png")),
        "-o",
        s(&out.join("x.svg")),
    ]);
    let line = run.one_line_error(1).to_string();
    assert!(line.contains(s(&file)), "error does not name {}: {line}", file.display());
    for n in needles {
        assert!(line.contains(n), "error does not contain {n:?}: {line}");
    }
    assert!(dir_names(&out).is_empty(), "files written: {:?}", dir_names(&out));
    line
}

/// `render_rejects` for a JSON value.
fn render_rejects_json(snap: &Value, needles: &[&str]) -> String {
    render_rejects(&serde_json::to_vec_pretty(snap).unwrap(), needles)
}

fn candles(v: &mut Value) -> &mut Vec<Value> {
    v["venues"][0]["candles"].as_array_mut().expect("candles")
}

#[test]
fn unmodified_example_is_accepted() {
    // The mutations below start from this; if it failed they would prove nothing.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ok.snapshot.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&example_json()).unwrap()).unwrap();
    liqshot(["zones", "--snapshot", s(&file)]).ok();
}

#[test]
fn unknown_format_version() {
    let mut v = example_json();
    v["format"] = json!("liqshot-snapshot/9");
    render_rejects_json(&v, &["unknown format", "liqshot-snapshot/9", "liqshot-snapshot/1"]);
}

#[test]
fn missing_format() {
    let mut v = example_json();
    v.as_object_mut().unwrap().remove("format");
    render_rejects_json(&v, &["missing", "format"]);
}

#[test]
fn negative_price() {
    let mut v = example_json();
    candles(&mut v)[5]["low"] = json!(-1.0);
    render_rejects_json(&v, &["candle #5", "price -1", "not a positive"]);
}

#[test]
fn non_numeric_price() {
    // JSON has no NaN; the nearest thing a broken exporter writes is null or a string.
    let mut v = example_json();
    candles(&mut v)[5]["close"] = json!(null);
    render_rejects_json(&v, &["null", "f64"]);
}

#[test]
fn high_below_low() {
    let mut v = example_json();
    let c = &mut candles(&mut v)[17];
    let (high, low) = (c["high"].clone(), c["low"].clone());
    c["high"] = low;
    c["low"] = high;
    render_rejects_json(&v, &["candle #17", "high", "low", "<"]);
}

#[test]
fn unsorted_candle_times() {
    let mut v = example_json();
    let c = candles(&mut v);
    let t10 = c[10]["open_time"].clone();
    c[10]["open_time"] = c[11]["open_time"].clone();
    c[11]["open_time"] = t10;
    render_rejects_json(&v, &["candle #11", "before", "ascend"]);
}

#[test]
fn duplicate_candle_times() {
    let mut v = example_json();
    let c = candles(&mut v);
    c[11]["open_time"] = c[10]["open_time"].clone();
    render_rejects_json(&v, &["candle #11", "duplicate time"]);
}

#[test]
fn empty_candles() {
    let mut v = example_json();
    candles(&mut v).clear();
    render_rejects_json(&v, &["venue \"binance\"", "candles is empty"]);
}

#[test]
fn empty_open_interest() {
    let mut v = example_json();
    v["venues"][0]["open_interest"] = json!([]);
    render_rejects_json(&v, &["open_interest is empty"]);
}

#[test]
fn unknown_field() {
    let mut v = example_json();
    v["colour"] = json!("blue");
    render_rejects_json(&v, &["unknown field", "colour"]);
}

#[test]
fn unknown_field_in_a_candle() {
    let mut v = example_json();
    candles(&mut v)[3]["hihg"] = json!(1.0);
    render_rejects_json(&v, &["unknown field", "hihg"]);
}

#[test]
fn truncated_json() {
    let bytes = std::fs::read(example_snapshot()).unwrap();
    render_rejects(&bytes[..bytes.len() / 2], &["not snapshot JSON", "EOF"]);
}

#[test]
fn missing_snapshot_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.snapshot.json");
    let out = dir.path().join("out.png");
    let run = liqshot(["render", "--snapshot", s(&missing), "-o", s(&out)]);
    let line = run.one_line_error(1);
    assert!(line.contains(s(&missing)), "{line}");
    assert!(line.to_lowercase().contains("no such file"), "{line}");
    assert_eq!(dir_names(dir.path()), Vec::<String>::new());
}

#[test]
fn zones_rejects_a_bad_snapshot_too() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.snapshot.json");
    let mut v = example_json();
    v["venues"][0]["open_interest"] = json!([]);
    std::fs::write(&file, serde_json::to_vec(&v).unwrap()).unwrap();
    let run = liqshot(["zones", "--snapshot", s(&file), "--json"]);
    let line = run.one_line_error(1);
    assert!(line.contains(s(&file)) && line.contains("open_interest is empty"), "{line}");
    assert_eq!(run.stdout, "", "nothing on stdout");
}

// ---- usage errors: exit 2, the message names the flag, nothing written ----

/// Renders the example with `extra` flags into an empty temp dir; checks exit 2, a one-line
/// error containing every needle, and that nothing was written.
fn usage_error(extra: &[&str], needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.png");
    let mut args: Vec<String> =
        ["render", "--snapshot", s(&example_snapshot())].iter().map(|a| a.to_string()).collect();
    args.extend(extra.iter().map(|a| a.to_string()));
    if !extra.contains(&"-o") {
        args.extend(["-o".to_string(), s(&out).to_string()]);
    }
    let run = liqshot(&args);
    let line = run.one_line_error(2);
    for n in needles {
        assert!(line.contains(n), "error does not contain {n:?}: {line}");
    }
    assert_eq!(dir_names(dir.path()), Vec::<String>::new(), "files written");
}

#[test]
fn size_too_small() {
    usage_error(&["--size", "10x10"], &["--size", "10x10"]);
}

#[test]
fn window_with_a_space() {
    usage_error(&["--window", "3 days"], &["--window", "3 days"]);
}

#[test]
fn unknown_output_extension() {
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("out.gif");
    usage_error(&["-o", s(&gif)], &["-o", "out.gif", "png", "svg"]);
    assert!(!gif.exists());
}

#[test]
fn leverage_not_in_the_mix() {
    usage_error(&["--leverage", "7"], &["--leverage", "7", "mix"]);
}

#[test]
fn leverage_mix_without_weights() {
    usage_error(&["--leverage-mix", "10"], &["--leverage-mix", "10"]);
}

#[test]
fn negative_color_max() {
    usage_error(&["--color-max=-5"], &["--color-max", "-5"]);
}

#[test]
fn negative_color_max_as_separate_argument() {
    usage_error(&["--color-max", "-5"], &["--color-max", "-5"]);
}

#[test]
fn negative_position_usd() {
    usage_error(&["--position-usd", "-5"], &["--position-usd", "-5"]);
}

#[test]
fn clap_errors_exit_2_and_name_the_flag() {
    // clap's own messages are several lines; only the exit code and the flag are checked.
    let run = liqshot(["render", "--snapshot", s(&example_snapshot()), "-o", "x.png", "--theme", "sepia"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("--theme") && run.stderr.contains("sepia"), "{}", run.stderr);
    let run = liqshot(["render", "--snapshot", s(&example_snapshot())]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("--output"), "{}", run.stderr);
    assert!(!common::root().join("x.png").exists());
}

// ---- no partial output ----

/// A directory holding a complete, valid `out.png` (a copy of the bundled image).
fn dir_with_good_png() -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("out.png");
    std::fs::copy(common::root().join("examples/btcusdt-24h.png"), &good).unwrap();
    let bytes = std::fs::read(&good).unwrap();
    (dir, good, bytes)
}

#[test]
fn failed_render_leaves_existing_output_untouched() {
    let (dir, good, before) = dir_with_good_png();
    let bad = dir.path().join("bad.json");
    let mut v = example_json();
    candles(&mut v)[0]["volume"] = json!(-3.0);
    std::fs::write(&bad, serde_json::to_vec(&v).unwrap()).unwrap();
    let run = liqshot(["render", "--snapshot", s(&bad), "-o", s(&good), "-o", s(&dir.path().join("out.svg"))]);
    let line = run.one_line_error(1);
    assert!(line.contains("volume"), "{line}");
    assert_eq!(std::fs::read(&good).unwrap(), before, "out.png was changed");
    assert_eq!(dir_names(dir.path()), ["bad.json", "out.png"], "temp or partial files left");
}

/// Renders the example to `good.png` in a fresh dir and to `bad`; the second must fail.
/// Returns the run. Outputs are all-or-nothing: `good.png` must not have been written.
fn render_good_then_bad(dir: &Path, bad: &Path) -> common::Run {
    let good = dir.join("good.png");
    let run =
        liqshot(["render", "--snapshot", s(&example_snapshot()), "--size", "800x450", "-o", s(&good), "-o", s(bad)]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let last = run.stderr.lines().last().unwrap_or("");
    assert!(
        last.starts_with("liqshot: error: ") && last.contains(s(bad)),
        "error does not name {}: {}",
        bad.display(),
        run.stderr
    );
    assert!(!good.exists(), "good.png was written although another output failed");
    let hidden: Vec<_> = dir_names(dir).into_iter().filter(|n| n.starts_with('.')).collect();
    assert!(hidden.is_empty(), "temp files left: {hidden:?}");
    run
}

#[test]
fn output_under_a_regular_file_fails_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file"), b"not a dir").unwrap();
    let run = render_good_then_bad(dir.path(), &dir.path().join("file/x.svg"));
    assert!(run.stderr.contains("is a file, not a directory"), "{}", run.stderr);
    assert_eq!(std::fs::read(dir.path().join("file")).unwrap(), b"not a dir");
}

#[test]
fn output_in_an_impossible_directory_fails_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    render_good_then_bad(dir.path(), Path::new("/proc/nonexistent/x.svg"));
}

#[test]
fn output_onto_a_directory_fails_and_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("taken.svg");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep"), b"k").unwrap();
    render_good_then_bad(dir.path(), &target);
    assert_eq!(dir_names(&target), ["keep"]);
}

// ---- import ----

#[test]
fn import_bad_number_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap.json");
    let klines = import_fixture("bad-number-klines.csv");
    let run = liqshot([
        "import",
        "--klines",
        s(&klines),
        "--oi",
        s(&import_fixture("okx-oi.csv")),
        "--symbol",
        "btc",
        "-o",
        s(&out),
    ]);
    let line = run.one_line_error(1);
    assert_eq!(
        line,
        format!("liqshot: error: {}: line 17: column \"high\": \"abc\" is not a number", klines.display())
    );
    assert_eq!(dir_names(dir.path()), Vec::<String>::new(), "snapshot written");
}

#[test]
fn import_high_below_low_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap.json");
    let klines = import_fixture("high-below-low-klines.csv");
    let run = liqshot([
        "import",
        "--klines",
        s(&klines),
        "--oi",
        s(&import_fixture("okx-oi.csv")),
        "--symbol",
        "btc",
        "-o",
        s(&out),
    ]);
    let line = run.one_line_error(1);
    assert!(line.contains(s(&klines)) && line.contains("line 5") && line.contains("below low"), "{line}");
    assert!(!out.exists());
}

#[test]
fn import_unknown_venue_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap.json");
    let run = liqshot([
        "import",
        "--klines",
        s(&import_fixture("plain-klines.csv")),
        "--oi",
        s(&import_fixture("okx-oi.csv")),
        "--symbol",
        "btc",
        "--venue",
        "kraken",
        "-o",
        s(&out),
    ]);
    let line = run.one_line_error(2);
    assert_eq!(line, "liqshot: error: --venue: unknown venue \"kraken\" (use binance, bybit, okx, hyperliquid)");
    assert_eq!(dir_names(dir.path()), Vec::<String>::new(), "snapshot written");
}

#[test]
fn import_then_zones() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("sub/snap.json");
    let run = liqshot([
        "import",
        "--klines",
        s(&import_fixture("plain-klines.csv")),
        "--oi",
        s(&import_fixture("okx-oi.csv")),
        "--symbol",
        "btcusdt",
        "--note",
        "cli test",
        "-o",
        s(&snap),
    ])
    .ok();
    assert!(run.stderr.contains("29 5m candles"), "{}", run.stderr);
    let v: Value = serde_json::from_slice(&std::fs::read(&snap).unwrap()).expect("snapshot JSON");
    assert_eq!(v["format"], "liqshot-snapshot/2");
    assert_eq!(v["notes"], json!(["cli test"]));
    assert_eq!(dir_names(&dir.path().join("sub")), ["snap.json"]);

    let run = liqshot(["zones", "--snapshot", s(&snap)]).ok();
    assert!(run.stdout.starts_with("BTCUSDT CSV import at 2025-11-01 02:25 UTC"), "{}", run.stdout);
    let run = liqshot(["zones", "--snapshot", s(&snap), "--json"]).ok();
    let doc: Value = serde_json::from_str(&run.stdout).expect("zones JSON");
    assert_eq!(doc["format"], "liqshot-zones/1");
}

// ---- errors of the argument parser: clap's text, then the documented final line ----

/// Runs `liqshot args` (which clap must reject) and checks exit 2, nothing on stdout, and that
/// the last line of stderr is `liqshot: error: ...` containing every needle. Returns stderr.
fn parser_error(args: &[&str], needles: &[&str]) -> String {
    let run = liqshot(args);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(run.stdout, "", "{run:#?}");
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("liqshot: error: "), "last line of stderr: {last:?}\n{}", run.stderr);
    for n in needles {
        assert!(last.contains(n), "final line does not contain {n:?}: {last}");
    }
    assert!(!run.stderr.contains("For more information"), "the final line says where help is: {}", run.stderr);
    run.stderr
}

/// The same run with `--log-json` (as its first argument): every stderr line is a JSON object,
/// the last one the error, level ERROR, exit_code 2, its message containing every needle.
fn parser_error_json(args: &[&str], needles: &[&str]) {
    let args: Vec<&str> = [&["--log-json"][..], args].concat();
    let run = liqshot(&args);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(run.stdout, "", "{run:#?}");
    let lines: Vec<Value> = run
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}\n{}", run.stderr)))
        .collect();
    let last = lines.last().unwrap_or_else(|| panic!("no stderr: {run:#?}"));
    assert_eq!(last["level"], "ERROR", "{last}");
    assert_eq!(last["exit_code"], 2, "{last}");
    let msg = last["message"].as_str().unwrap_or_default();
    for n in needles {
        assert!(msg.contains(n), "message does not contain {n:?}: {msg}");
    }
}

#[test]
fn misspelled_flag_keeps_clap_tip_and_ends_with_the_documented_line() {
    let args = ["render", "--snapshot", "examples/btcusdt-2025-11-01_10.snapshot.json", "-o", "x.png", "--windw", "3d"];
    let stderr = parser_error(&args, &["--windw", "--window", "liqshot render --help"]);
    assert!(stderr.contains("tip: a similar argument exists: '--window'"), "clap's suggestion kept: {stderr}");
    assert!(stderr.contains("Usage: liqshot render"), "clap's usage line kept: {stderr}");
    parser_error_json(&args, &["--windw", "--window"]);
    assert!(!common::root().join("x.png").exists());
}

#[test]
fn bad_flag_value_ends_with_the_documented_line() {
    let args =
        ["render", "--snapshot", "examples/btcusdt-2025-11-01_10.snapshot.json", "-o", "x.png", "--theme", "sepia"];
    let stderr = parser_error(&args, &["--theme", "sepia", "dark, light"]);
    assert!(stderr.starts_with("error: invalid value 'sepia'"), "clap's message first: {stderr}");
    parser_error_json(&args, &["--theme", "sepia", "dark, light"]);
    parser_error(&["render", "--snapshot", "s.json", "-o", "x.png", "--retries", "three"], &["--retries", "three"]);
    parser_error_json(
        &["render", "--snapshot", "s.json", "-o", "x.png", "--retries", "three"],
        &["--retries", "three"],
    );
}

#[test]
fn missing_subcommand_ends_with_the_documented_line() {
    let stderr = parser_error(&[], &["command", "render", "report"]);
    assert!(stderr.contains("Usage: liqshot"), "{stderr}");
    parser_error_json(&[], &["command", "render"]);
    parser_error(&["config"], &["check", "path"]);
    parser_error_json(&["config"], &["check", "path"]);
    parser_error(&["rendr"], &["rendr", "render"]);
    parser_error_json(&["rendr"], &["rendr", "render"]);
}

#[test]
fn missing_required_flag_ends_with_the_documented_line() {
    parser_error(&["fetch", "-o", "x.json"], &["--symbol"]);
    parser_error_json(&["fetch", "-o", "x.json"], &["--symbol"]);
}

#[test]
fn help_and_version_still_go_to_stdout_with_exit_0() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["render", "--help"],
        &["help", "render"],
        &["--version"],
        &["-V"],
        &["--log-json", "--help"],
    ] {
        let run = liqshot(args);
        assert_eq!(run.code, Some(0), "{args:?}: {run:#?}");
        assert_eq!(run.stderr, "", "{args:?}");
        assert!(run.stdout.contains("liqshot"), "{args:?}: {}", run.stdout);
    }
    assert_eq!(liqshot(["--version"]).stdout, format!("liqshot {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn config_file_values_are_checked_before_the_parser_in_one_line() {
    // A value clap would reject (too large for u32) is caught by the file's own check: one line.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("liqshot.toml");
    std::fs::write(&cfg, "[http]\nretries = 99999999999\n").unwrap();
    let out = dir.path().join("out.png");
    let run = liqshot(["--config", s(&cfg), "render", "--snapshot", s(&example_snapshot()), "-o", s(&out)]);
    let line = run.one_line_error(2);
    assert!(line.contains("http.retries") && line.contains(s(&cfg)), "{line}");
    assert!(!out.exists());
    let run =
        liqshot(["--log-json", "--config", s(&cfg), "render", "--snapshot", s(&example_snapshot()), "-o", s(&out)]);
    assert_eq!(run.code, Some(2));
    let lines: Vec<Value> = run.stderr.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert_eq!(lines[0]["exit_code"], 2);
}

#[test]
fn a_missing_source_names_both_snapshot_and_symbol() {
    for args in
        [&["render", "-o", "out.png"][..], &["zones"], &["zones", "--json"], &["report", "--out-dir", "reports"]]
    {
        let stderr = parser_error(args, &["--snapshot", "--symbol"]);
        let first = stderr.lines().take_while(|l| !l.starts_with("Usage:")).collect::<Vec<_>>().join("\n");
        assert!(
            first.contains("--snapshot") && first.contains("--symbol"),
            "{args:?}: clap's message names both: {stderr}"
        );
    }
    // fetch has no choice: --symbol is its only source.
    parser_error(&["fetch", "-o", "x.json"], &["--symbol"]);
    // Both at once is still refused.
    parser_error(&["zones", "--snapshot", "s.json", "--symbol", "BTC"], &["--snapshot", "--symbol"]);
    assert!(!common::root().join("out.png").exists());
}
