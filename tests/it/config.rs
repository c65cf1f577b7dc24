//! The config file: precedence (flags > LIQSHOT_* variables > file > built-in defaults), the
//! default location, errors naming the file and key, `liqshot config check`, and `liqshot run`
//! of [[job]] tables against the local fake exchange.

use crate::common;

use std::path::{Path, PathBuf};

use common::{command, dir_names, example_snapshot, fake_exchange, liqshot, read_png, run_cmd};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

/// Renders the example snapshot to `out` with `args` and `env`; returns the image size.
fn render_size(out: &Path, args: &[&str], env: &[(&str, &str)]) -> (u32, u32) {
    let mut cmd = command();
    cmd.args(["render", "--snapshot", s(&example_snapshot()), "-o", s(out)]).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_cmd(&mut cmd).ok();
    read_png(out).dimensions()
}

#[test]
fn flags_beat_environment_beats_file_beats_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let cfg =
        write(dir.path(), "liqshot.toml", "[defaults]\nsize = \"800x450\"\ntheme = \"light\"\nwindow = \"12h\"\n");
    let out = dir.path().join("a.png");
    let c = s(&cfg);
    assert_eq!(render_size(&out, &["--config", c], &[]), (800, 450), "file");
    assert_eq!(
        render_size(&out, &["--config", c], &[("LIQSHOT_SIZE", "900x500")]),
        (900, 500),
        "environment over file"
    );
    assert_eq!(
        render_size(&out, &["--config", c, "--size", "1000x560"], &[("LIQSHOT_SIZE", "900x500")]),
        (1000, 560),
        "flag over both"
    );
    assert_eq!(render_size(&out, &[], &[("LIQSHOT_CONFIG", c)]), (800, 450), "LIQSHOT_CONFIG names the file");
    assert_eq!(render_size(&out, &[], &[]), (1600, 900), "no file: built-in default");

    // Every setting of the file applies, not just the size: the image equals one drawn with
    // the same values as flags.
    let by_flags = dir.path().join("flags.png");
    liqshot([
        "render",
        "--snapshot",
        s(&example_snapshot()),
        "-o",
        s(&by_flags),
        "--size",
        "800x450",
        "--theme",
        "light",
        "--window",
        "12h",
    ])
    .ok();
    render_size(&out, &["--config", c], &[]);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&by_flags).unwrap());

    // The default location under XDG_CONFIG_HOME, and --no-config ignoring it.
    let home = dir.path().join("xdg");
    write(&home, "liqshot/liqshot.toml", "[defaults]\nsize = \"720x400\"\n");
    let xdg = s(&home);
    assert_eq!(render_size(&out, &[], &[("XDG_CONFIG_HOME", xdg)]), (720, 400), "default file");
    assert_eq!(render_size(&out, &["--no-config"], &[("XDG_CONFIG_HOME", xdg)]), (1600, 900), "--no-config");
    let r = liqshot(["config", "path"]);
    assert!(r.ok().stdout.contains("liqshot/liqshot.toml (does not exist)"));
}

#[test]
fn bad_files_are_usage_errors_naming_file_key_and_what_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let snap = example_snapshot();
    let out = dir.path().join("a.png");
    let cases = [
        ("[defaults]\nthme = \"dark\"\n", "liqshot.toml:2: defaults.thme: unknown key; did you mean theme? (allowed in defaults: venues, lookback, interval, window, size, preset, theme,"),
        ("[http]\nretries = \"three\"\n", "liqshot.toml:2: http.retries: expected a whole number, at least 0, found \"three\""),
        ("[leverage]\nmix = { 1 = 100 }\n", "leverage.mix: leverage 1 is below 2x"),
        ("[defaults]\nvenues = [\"binance\", \"kraken\"]\n", "defaults.venues: unknown venue \"kraken\" (use binance, bybit, okx, hyperliquid)"),
        ("[chart]\nsize = \"1x1\"\n", "liqshot.toml:1: chart: unknown section [chart] (allowed: [defaults], [http], [leverage], [[job]])"),
        ("[defaults]\nsize = 800x450\n", "liqshot.toml:2:8: "),
    ];
    for (text, want) in cases {
        let cfg = write(dir.path(), "liqshot.toml", text);
        let r = liqshot(["--config", s(&cfg), "render", "--snapshot", s(&snap), "-o", s(&out)]);
        let line = r.one_line_error(2);
        assert!(line.contains(&format!("{}", cfg.display())) && line.contains(want), "{text:?}: {line}");
        let r = liqshot(["config", "check", s(&cfg)]);
        assert!(r.one_line_error(2).contains(want), "config check {text:?}");
        assert!(!out.exists(), "nothing written");
    }
    let missing = dir.path().join("nope.toml");
    let line = liqshot(["render", "--config", s(&missing), "--snapshot", s(&snap), "-o", s(&out)])
        .one_line_error(2)
        .to_string();
    assert!(line.contains("config file") && line.contains("nope.toml"), "{line}");
}

const JOBS: &str = r#"
[defaults]
venues = ["binance"]
lookback = "1d"
size = "800x450"

[http]
retries = 0
timeout = "10s"
binance_url = "BASE"

[[job]]
name = "majors"
command = "render"
symbols = ["BTC", "ETH"]
windows = ["12h", "24h"]
outputs = ["img/{symbol}-{window}.png"]

[[job]]
name = "sol-report"
command = "report"
symbols = "SOL"
out_dir = "reports/{symbol}"
theme = "light"
events = ["FOMC 19:00 UTC"]
"#;

#[test]
fn run_carries_out_every_job_relative_to_the_config_directory() {
    let server = fake_exchange::start_multi(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(dir.path(), "liqshot.toml", &JOBS.replace("BASE", &server.base));
    let c = s(&cfg);

    let r = liqshot(["config", "check", c]).ok();
    assert!(r.stdout.contains("liqshot.toml: OK (6 settings, 2 jobs)"), "{}", r.stdout);
    assert!(r.stdout.contains("job majors: render BTC,ETH, windows 12h,24h -> "), "{}", r.stdout);

    // --dry-run: the command lines, nothing fetched or written.
    let r = liqshot(["--config", c, "run", "--dry-run"]).ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(
        lines[0].starts_with("liqshot render --symbol=BTC,ETH '--output=") && lines[0].contains("--window=12h"),
        "{}",
        lines[0]
    );
    assert!(lines[2].contains("'--event=FOMC 19:00 UTC'") && lines[2].contains("--theme=light"), "{}", lines[2]);
    assert!(server.seen().is_empty() && !dir.path().join("img").exists());

    // A real run; the size from the environment beats the file's.
    let r = run_cmd(command().args(["--config", c, "run"]).env("LIQSHOT_SIZE", "720x400")).ok();
    let img = dir.path().join("img");
    assert_eq!(
        dir_names(&img).into_iter().filter(|n| !n.ends_with(".alt.txt")).collect::<Vec<_>>(),
        ["BTCUSDT-12h.png", "BTCUSDT-24h.png", "ETHUSDT-12h.png", "ETHUSDT-24h.png"]
    );
    assert_eq!(read_png(&img.join("BTCUSDT-24h.png")).dimensions(), (720, 400));
    let report = dir.path().join("reports/SOLUSDT");
    assert_eq!(
        dir_names(&report),
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
    assert!(std::fs::read_to_string(report.join("report.md")).unwrap().contains("FOMC 19:00 UTC"));
    assert!(r.stderr.contains("job majors (12h): liqshot render"), "{}", r.stderr);
    assert!(r.stderr.contains("job sol-report: done"), "{}", r.stderr);

    // --job picks one; an unknown name is a usage error listing the jobs.
    std::fs::remove_dir_all(&img).unwrap();
    liqshot(["--config", c, "run", "--job", "sol-report"]).ok();
    assert!(!img.exists());
    let line = liqshot(["--config", c, "run", "--job", "btc"]).one_line_error(2).to_string();
    assert!(line.contains("--job btc: no such job") && line.contains("majors, sol-report"), "{line}");
}

#[test]
fn a_failing_job_does_not_stop_the_others() {
    let server = fake_exchange::start_multi(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let text = JOBS.replace("BASE", &server.base).replace("symbols = [\"BTC\", \"ETH\"]", "symbols = [\"NOPE\"]");
    let cfg = write(dir.path(), "liqshot.toml", &text);
    let r = liqshot(["--config", s(&cfg), "run"]);
    assert_eq!(r.code, Some(1), "{r:#?}");
    assert!(r.stderr.contains("job majors (12h): "), "{}", r.stderr);
    assert!(
        r.stderr.lines().last().unwrap().contains("2 of 3 job runs failed: majors (12h), majors (24h)"),
        "{}",
        r.stderr
    );
    assert!(dir.path().join("reports/SOLUSDT/report.md").exists(), "the report job still ran");
}

#[test]
fn config_check_catches_what_the_run_would_reject() {
    let dir = tempfile::tempdir().unwrap();
    let bad = [
        ("windows = [\"3d\"]\n", "job \"majors\": --window is longer than --lookback 1d"),
        ("outputs = [\"img/{window}.png\"]\n", "several symbols need {symbol}"),
        ("templates = \"t\"\n", "job \"majors\".templates: not used by a render job"),
    ];
    for (extra, want) in bad {
        let text = JOBS.replace("BASE", "http://127.0.0.1:9").replace(
            "windows = [\"12h\", \"24h\"]\noutputs = [\"img/{symbol}-{window}.png\"]\n",
            &format!("outputs = [\"img/{{symbol}}.png\"]\n{extra}"),
        );
        let text =
            if extra.starts_with("outputs") { text.replace("outputs = [\"img/{symbol}.png\"]\n", "") } else { text };
        let cfg = write(dir.path(), "liqshot.toml", &text);
        let line = liqshot(["config", "check", s(&cfg)]).one_line_error(2).to_string();
        assert!(line.contains(want), "{extra:?}: {line}");
        let line = liqshot(["--config", s(&cfg), "run"]).one_line_error(2).to_string();
        assert!(line.contains(want), "run {extra:?}: {line}");
    }
    let line = liqshot(["--no-config", "run"]).one_line_error(2).to_string();
    assert!(line.contains("run: no config file"), "{line}");
}

#[test]
fn file_switches_yield_to_their_negations_and_settings_go_before_a_double_dash() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(dir.path(), "liqshot.toml", "[defaults]\nlatest = true\nsize = \"800x450\"\n");
    let c = s(&cfg);
    let out = dir.path().join("out/BTC-day.png");
    let snap = example_snapshot();
    liqshot(["--config", c, "render", "--snapshot", s(&snap), "-o", s(&out), "--"]).ok();
    assert_eq!(
        dir_names(&dir.path().join("out")),
        ["BTC-day.png", "BTC-day.png.alt.txt", "BTCUSDT-latest.png", "BTCUSDT-latest.png.alt.txt"],
        "latest from the file"
    );
    assert_eq!(read_png(&out).dimensions(), (800, 450), "settings added before --");
    std::fs::remove_dir_all(dir.path().join("out")).unwrap();
    liqshot(["--config", c, "render", "--snapshot", s(&snap), "-o", s(&out), "--no-latest"]).ok();
    assert_eq!(
        dir_names(&dir.path().join("out")),
        ["BTC-day.png", "BTC-day.png.alt.txt"],
        "--no-latest beats the file"
    );
}

#[test]
fn config_environment_and_no_config() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.toml", "[defaults]\nthme = 1\n");
    let out = dir.path().join("a.png");
    let snap = example_snapshot();
    // --no-config beats LIQSHOT_CONFIG; an empty LIQSHOT_CONFIG is no file.
    let r = run_cmd(
        command().args(["--no-config", "render", "--snapshot", s(&snap), "-o", s(&out)]).env("LIQSHOT_CONFIG", s(&bad)),
    );
    r.ok();
    let r = run_cmd(command().args(["render", "--snapshot", s(&snap), "-o", s(&out)]).env("LIQSHOT_CONFIG", ""));
    r.ok();
    let line =
        run_cmd(command().args(["render", "--snapshot", s(&snap), "-o", s(&out)]).env("LIQSHOT_CONFIG", s(&bad)))
            .one_line_error(2)
            .to_string();
    assert!(line.contains("bad.toml:2: defaults.thme: unknown key"), "{line}");
    // import and bench do not read the config file, so a broken default file does not stop them.
    let home = dir.path().join("home");
    write(&home, "liqshot/liqshot.toml", "[defaults]\nthme = 1\n");
    let r = run_cmd(
        command()
            .args(["import", "--klines", "nope.csv", "--oi", "nope.csv", "--symbol", "X", "-o", s(&out)])
            .env("XDG_CONFIG_HOME", &home),
    );
    let line = r.one_line_error(1);
    assert!(line.contains("nope.csv") && !line.contains("thme"), "{line}");
    let line = liqshot(["--no-config", "config", "check"]).one_line_error(2).to_string();
    assert!(line.contains("--no-config leaves nothing to check"), "{line}");
}

#[test]
fn errors_say_where_a_value_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let snap = example_snapshot();
    let out = dir.path().join("a.png");
    // A variable.
    let line = run_cmd(command().args(["render", "--snapshot", s(&snap), "-o", s(&out)]).env("LIQSHOT_SIZE", "10x10"))
        .one_line_error(2)
        .to_string();
    assert!(line.contains("--size: \"10x10\"") && line.ends_with("(--size from LIQSHOT_SIZE)"), "{line}");
    // A file setting that only the command can reject, and config check catching it without jobs.
    let cfg = write(dir.path(), "liqshot.toml", "[leverage]\nshow = [7]\n");
    let line =
        liqshot(["--config", s(&cfg), "render", "--snapshot", s(&snap), "-o", s(&out)]).one_line_error(2).to_string();
    assert!(
        line.contains("--leverage: none of [7.0] is in the leverage mix")
            && line.contains("(--leverage from ")
            && line.ends_with("liqshot.toml: leverage.show)"),
        "{line}"
    );
    let line = liqshot(["config", "check", s(&cfg)]).one_line_error(2).to_string();
    assert!(line.contains("leverage.show"), "{line}");
    let cfg = write(dir.path(), "liqshot.toml", "[defaults]\nwindow = \"7d\"\nlookback = \"1d\"\n");
    let line = liqshot(["config", "check", s(&cfg)]).one_line_error(2).to_string();
    assert!(line.contains("--window is longer than --lookback 1d") && line.contains("defaults.window"), "{line}");
}

#[test]
fn jobs_whose_runs_would_overwrite_each_other_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let job = |extra: &str| format!("[[job]]\nname = \"c\"\ncommand = \"render\"\nsymbols = \"BTC\"\n{extra}\n");
    let cases = [
        (
            format!(
                "[defaults]\nlatest = true\n{}",
                job("windows = [\"24h\", \"7d\"]\noutputs = [\"{symbol}-{window}.png\"]")
            ),
            "latest = true (from defaults.latest) with several windows",
        ),
        (job("windows = [\"24h\", \"7d\"]\noutputs = [\"{{window}}-{symbol}.png\"]"), "job \"c\".outputs: "),
        (
            job("windows = [\"24h\", \"1d\"]\noutputs = [\"{symbol}-{window}.png\"]"),
            "job \"c\".windows: 1d is the same window as one listed before",
        ),
        (job("windows = []\noutputs = [\"a.png\"]"), "job \"c\".windows: empty list"),
        (job("outputs = []"), "job \"c\".outputs: empty list"),
        (job("outputs = [\"\"]"), "job \"c\".outputs[0]: empty text"),
        (
            "[[job]]\nname = \"-x\"\ncommand = \"render\"\nsymbols = \"BTC\"\noutputs = [\"a.png\"]\n".to_string(),
            "must be one word",
        ),
    ];
    for (text, want) in cases {
        let cfg = write(dir.path(), "liqshot.toml", &text);
        let line = liqshot(["config", "check", s(&cfg)]).one_line_error(2).to_string();
        assert!(line.contains(want), "{text}\n{line}");
    }
}

/// A file with mistakes of every kind in every table: `config check` reports all of them in one
/// run, in file order, each on its own line with its line number, then the count (issue 9).
const MISTAKES: &str = r#"[defaults]
theme = "blue"
colour_max = 5e7
window = "7d"
lookback = "1d"

[http]
retries = "three"
timeuot = "10s"

[leverage]
mix = { 1 = 100 }

[[job]]
name = "daily"
command = "report"
symbol = ["BTC"]
windows = ["24h", "7d"]
out_dir = "reports/{symbol}"

[job.http]
retriez = 2

[[job]]
name = "daily"
command = "reprot"
symbols = "ETH"

[charts]
size = "800x450"
"#;

#[test]
fn config_check_reports_every_problem_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(dir.path(), "liqshot.toml", MISTAKES);
    let f = cfg.display().to_string();
    let r = liqshot(["config", "check", s(&cfg)]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let want = [
        format!("{f}:2: defaults.theme: \"blue\" is not a theme (use \"dark\" or \"light\")"),
        format!("{f}:3: defaults.colour_max: unknown key; did you mean color_max? (allowed in defaults: venues, lookback, "),
        format!("{f}:8: http.retries: expected a whole number, at least 0, found \"three\""),
        format!("{f}:9: http.timeuot: unknown key; did you mean timeout? (allowed in http: timeout, "),
        format!("{f}:12: leverage.mix: leverage 1 is below 2x"),
        format!("{f}:14: job \"daily\": missing key symbols (e.g. symbols = [\"BTC\", \"ETH\"])"),
        format!("{f}:17: job \"daily\".symbol: unknown key; did you mean symbols? (allowed in a job: name, command, symbols, "),
        format!("{f}:19: job \"daily\".out_dir: {}/reports/{{symbol}}: several windows need {{window}} in the path", dir.path().display()),
        format!("{f}:22: job \"daily\".http.retriez: unknown key; did you mean retries? (allowed in job \"daily\".http: timeout, "),
        format!("{f}:25: job \"daily\".name: two jobs have this name (the first is on line 15)"),
        format!("{f}:26: job \"daily\".command: \"reprot\" is not a job command; did you mean report? (use render, report or fetch)"),
        format!("{f}:29: charts: unknown section [charts] (allowed: [defaults], [http], [leverage], [[job]])"),
        format!("liqshot: error: {f}: 12 problems"),
    ];
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), want.len(), "{}", r.stderr);
    for (line, want) in lines.iter().zip(&want) {
        let rest = line.strip_prefix("liqshot: error: ").unwrap_or_else(|| panic!("{line}"));
        assert!(
            rest.starts_with(want.trim_start_matches("liqshot: error: ")),
            "want {want}\ngot  {line}\n{}",
            r.stderr
        );
    }
    assert_eq!(*lines.last().unwrap(), want.last().unwrap().as_str(), "the final line is the count");

    // Other commands loading the file print the same problems (and write nothing).
    let out = dir.path().join("a.png");
    let r = liqshot(["--config", s(&cfg), "render", "--snapshot", s(&example_snapshot()), "-o", s(&out)]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert_eq!(r.stderr.lines().count(), want.len(), "{}", r.stderr);
    assert_eq!(r.stderr.lines().last().unwrap(), want.last().unwrap().as_str());
    assert!(!out.exists());
}

#[test]
fn config_check_reports_combination_problems_beside_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let check = |text: &str| {
        let cfg = write(dir.path(), "liqshot.toml", text);
        let r = liqshot(["config", "check", s(&cfg)]);
        assert_eq!(r.code, Some(2), "{r:#?}");
        let lines: Vec<String> =
            r.stderr.lines().map(|l| l.replace(&format!("liqshot: error: {}", cfg.display()), "F")).collect();
        lines
    };
    // Valid sections whose combination is not (reported at the first key blamed, line 2), and
    // a job with a bad key.
    let lines = check("[defaults]\nlookback = \"1d\"\nwindow = \"7d\"\n[[job]]\nname = \"b\"\ncommand = \"render\"\nsymbols = \"BTC\"\noutputs = [\"b.jpg\"]\n");
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        lines[0].starts_with("F:2: --window is longer than --lookback 1d")
            && lines[0].contains("--window from ")
            && lines[0].ends_with(": defaults.window)"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("F:8: job \"b\".outputs: ") && lines[1].contains("unknown image format"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "F: 2 problems");
    // Valid sections: every job is planned; each rejected command line is reported at its
    // [[job]] line, beside a key problem of another job.
    let job = |name: &str, rest: &str| format!("[[job]]\nname = \"{name}\"\ncommand = \"render\"\n{rest}\n");
    let text = format!(
        "[defaults]\nlookback = \"1d\"\n{}{}{}",
        job("a", "symbols = \"BTC,ETH\"\noutputs = [\"a.png\"]"),
        job("b", "symbols = \"BTC\"\noutputs = [\"b.jpg\"]"),
        job("c", "symbols = \"BTC\"\nwindows = [\"3d\"]\noutputs = [\"c.png\"]"),
    );
    let lines = check(&text);
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(
        lines[0].starts_with("F:3: job \"a\": ") && lines[0].contains("several symbols need {symbol}"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("F:12: job \"b\".outputs: "), "{}", lines[1]);
    assert!(lines[2].starts_with("F:13: job \"c\": --window is longer than --lookback 1d"), "{}", lines[2]);
    assert_eq!(lines[3], "F: 3 problems");
    // `liqshot run` plans the same way: both rejected jobs, nothing run.
    let cfg = write(dir.path(), "liqshot.toml", &text.replace("outputs = [\"b.jpg\"]", "outputs = [\"b.png\"]"));
    let r = liqshot(["--config", s(&cfg), "run"]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stderr);
    assert!(
        lines[0].contains("liqshot.toml:3: job \"a\": ") && lines[1].contains("liqshot.toml:13: job \"c\": "),
        "{}",
        r.stderr
    );
    assert!(lines[2].ends_with("liqshot.toml: 2 problems"), "{}", r.stderr);
    assert!(!dir.path().join("b.png").exists());
}

#[test]
fn syntax_errors_are_all_reported_one_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(dir.path(), "liqshot.toml", "[defaults]\ntheme = dark\nsize = 800x450\n[http]\nretries = = 3\n");
    let f = cfg.display().to_string();
    let r = liqshot(["config", "check", s(&cfg)]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{}", r.stderr);
    assert!(lines[0].starts_with(&format!("liqshot: error: {f}:2:9: ")), "{}", lines[0]);
    assert!(lines[1].starts_with(&format!("liqshot: error: {f}:3:8: ")), "{}", lines[1]);
    assert!(lines[2].starts_with(&format!("liqshot: error: {f}:5:11: ")), "{}", lines[2]);
    assert!(lines[3].starts_with(&format!("liqshot: error: {f}: 3 problems")), "{}", lines[3]);
}

/// An empty `symbols` list (or string) is reported as an empty list, not as `"": empty symbol
/// in the list` (which sounds like a list holding one empty item); `--symbol ""` likewise.
#[test]
fn an_empty_symbols_list_says_no_symbol_was_given() {
    let dir = tempfile::tempdir().unwrap();
    for value in ["[]", "\"\"", "\" , \""] {
        let text = format!("[[job]]\nname = \"a\"\ncommand = \"render\"\nsymbols = {value}\noutputs = [\"a.png\"]\n");
        let cfg = write(dir.path(), "liqshot.toml", &text);
        let line = liqshot(["config", "check", s(&cfg)]).one_line_error(2).to_string();
        assert!(
            line.ends_with("liqshot.toml:4: job \"a\".symbols: no symbol given (e.g. BTC or BTC,ETH,SOL)"),
            "{value}: {line}"
        );
    }
    let line = liqshot(["render", "--symbol", "", "-o", "x.png"]).one_line_error(2).to_string();
    assert!(line.ends_with("--symbol: no symbol given (e.g. BTC or BTC,ETH,SOL)"), "{line}");
}
