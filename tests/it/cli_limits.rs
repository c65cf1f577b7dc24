//! Bounds and failures that once hung or panicked (findings B4-B7, C1, C2, E2 and F2, F5 of the
//! reliability run): every one ends with the one `liqshot: error:` line and its exit code.

use crate::common;

use std::process::Stdio;

use common::{arg, command, example_snapshot, liqshot, run_cmd};

#[test]
fn huge_durations_are_usage_errors_not_panics() {
    let snap = example_snapshot();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.png");
    for window in ["1000000000d", "9223372036854775807s", "9999999999h"] {
        for cmd in ["render", "report", "animate"] {
            let target = if cmd == "report" { "--out-dir" } else { "-o" };
            let file = if cmd == "animate" { dir.path().join("x.gif") } else { out.clone() };
            let r = liqshot([cmd, "--snapshot", arg(&snap), target, arg(&file), "--window", window]);
            let line = r.one_line_error(2);
            assert!(line.contains(&format!("--window {window}: longer than 3650d")), "{cmd}: {line}");
        }
    }
    let r = run_cmd(command().env("LIQSHOT_WINDOW", "1000000000d").args([
        "render",
        "--snapshot",
        arg(&snap),
        "-o",
        arg(&out),
    ]));
    assert!(r.one_line_error(2).contains("longer than 3650d"));
    for lookback in ["1000000000d", "99999d"] {
        let r = liqshot([
            "fetch",
            "--symbol",
            "BTC",
            "--lookback",
            lookback,
            "--binance-url",
            "http://127.0.0.1:9",
            "--exchange",
            "binance",
            "-o",
            arg(&dir.path().join("f.json")),
        ]);
        let line = r.one_line_error(2);
        assert!(line.contains("--lookback") && line.contains("longer than"), "{line}");
    }
    assert!(!out.exists());
}

#[test]
fn windows_shorter_than_an_hour_are_refused() {
    let out = tempfile::tempdir().unwrap();
    let r = liqshot([
        "render",
        "--snapshot",
        arg(&example_snapshot()),
        "-o",
        arg(&out.path().join("x.png")),
        "--window",
        "1s",
    ]);
    assert!(r.one_line_error(2).contains("--window 1s: shorter than 1h"));
}

#[test]
fn bench_and_top_accounts_are_bounded() {
    for (flag, value, want) in [
        ("--scale", "100000", "from 1 to 100"),
        ("--batch", "100000000", "from 1 to 1000"),
        ("--runs", "100000000", "from 1 to 1000"),
    ] {
        let r = liqshot(["bench", flag, value]);
        let line = r.one_line_error(2);
        assert!(line.contains(&format!("{flag} {value}: must be {want}")), "{line}");
    }
    let dir = tempfile::tempdir().unwrap();
    let r = liqshot([
        "fetch",
        "--symbol",
        "BTC",
        "--exchange",
        "hyperliquid",
        "--hl-accounts",
        "top:99999999999",
        "--hyperliquid-url",
        "http://127.0.0.1:9",
        "-o",
        arg(&dir.path().join("x.json")),
    ]);
    assert!(r.one_line_error(2).contains("from 1 to 1000"));
    for flag in ["--lookback", "--window"] {
        let help = liqshot(["render", "--help"]).ok().stdout;
        let line = help.lines().find(|l| l.trim_start().starts_with(flag)).unwrap_or_default().to_string();
        assert!(line.contains("365d") || line.contains("3650d"), "{flag}: {line}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn special_files_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let r = liqshot(["render", "--snapshot", "/dev/zero", "-o", arg(&dir.path().join("x.png"))]);
    assert_eq!(r.one_line_error(1), "liqshot: error: /dev/zero: not JSON: starts with the byte 0x00, not {");
    let r = liqshot([
        "import",
        "--klines",
        "/dev/zero",
        "--oi",
        "/dev/zero",
        "--symbol",
        "BTC",
        "-o",
        arg(&dir.path().join("x.json")),
    ]);
    assert!(r.one_line_error(1).contains("/dev/zero: binary data"));
    let r = liqshot([
        "--config",
        "/dev/zero",
        "render",
        "--snapshot",
        arg(&example_snapshot()),
        "-o",
        arg(&dir.path().join("x.png")),
    ]);
    assert!(r.one_line_error(2).contains("config file /dev/zero: binary data"));
}

/// Runs `args` with stdout on `out`; returns the run.
fn with_stdout(args: &[&str], out: impl Into<Stdio>) -> common::Run {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_liqshot"));
    cmd.current_dir(common::root())
        .env("XDG_CONFIG_HOME", common::target_tmp("no-config-home"))
        .env_remove("LIQSHOT_CONFIG");
    let o = cmd.args(args).stdout(out).stderr(Stdio::piped()).output().unwrap();
    common::Run { code: o.status.code(), stdout: String::new(), stderr: String::from_utf8(o.stderr).unwrap() }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_or_closed_stdout_is_the_same_error_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "[http]\nbinance_url = \"http://127.0.0.1:9\"\n\n[[job]]\nname = \"a\"\ncommand = \"render\"\nsymbols = \"BTC\"\noutputs = [\"x.png\"]\n").unwrap();
    let snap = example_snapshot();
    let runs: Vec<Vec<&str>> = vec![
        vec!["config", "path"],
        vec!["--config", arg(&cfg), "config", "check"],
        vec!["--config", arg(&cfg), "run", "--dry-run"],
        vec!["levels", "--snapshot", arg(&snap)],
        vec!["zones", "--snapshot", arg(&snap)],
    ];
    for args in &runs {
        let full = with_stdout(args, std::fs::File::create("/dev/full").unwrap());
        let line = full.one_line_error(1);
        assert!(line.starts_with("liqshot: error: <stdout>: No space left on device"), "{args:?}: {line}");
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let closed = with_stdout(args, writer);
        let line = closed.one_line_error(1);
        assert!(line.starts_with("liqshot: error: <stdout>: Broken pipe"), "{args:?}: {line}");
    }
}

#[test]
fn a_dead_proxy_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let srv = common::mock_server::MockServer::start();
    let r = run_cmd(
        command().env("HTTP_PROXY", "http://127.0.0.1:9").env_remove("NO_PROXY").env_remove("no_proxy").args([
            "fetch",
            "--symbol",
            "BTC",
            "--exchange",
            "binance",
            "--binance-url",
            &srv.base,
            "--no-cache",
            "--retries",
            "0",
            "-o",
            arg(&dir.path().join("x.json")),
        ]),
    );
    let line = r.one_line_error(3);
    assert!(line.contains("the proxy http://127.0.0.1:9"), "{line}");
}
