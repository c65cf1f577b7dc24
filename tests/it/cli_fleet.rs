//! Running on a fleet and packaging: `--shard I/N` (render, report, record, run) with
//! `--dry-run`, and `liqshot completions` / `liqshot man`.

use crate::common;

use std::collections::BTreeSet;

use common::mock_server::MockServer;
use common::{liqshot, Run};

/// Six symbols and the shards (of 2) the FNV-1a 64 hash of their base asset puts them in: fixed
/// here, so that a change of the split (which would move every shard's cache) fails.
const SIX: &str = "BTC,ETH,SOL,XRP,DOGE,BNB";
const SHARD_0_OF_2: [&str; 3] = ["BTCUSDT", "ETHUSDT", "DOGEUSDT"];
const SHARD_1_OF_2: [&str; 3] = ["SOLUSDT", "XRPUSDT", "BNBUSDT"];

/// `liqshot <command> --symbol SYMBOLS --dry-run <extra>` against `server` (which must see no
/// request).
fn dry_run(server: &MockServer, command: &str, symbols: &str, extra: &[&str]) -> Run {
    let mut args: Vec<String> = vec![command.into(), "--symbol".into(), symbols.into(), "--dry-run".into()];
    match command {
        "render" => args.extend(["-o".into(), "out/{symbol}.png".into()]),
        _ => args.extend(["--out-dir".into(), "out/{symbol}".into()]),
    }
    for url in ["--binance-url", "--bybit-url", "--okx-url", "--hyperliquid-url"] {
        args.extend([url.into(), server.base.clone()]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    liqshot(args)
}

fn lines(r: &Run) -> Vec<String> {
    r.stdout.lines().map(str::to_string).collect()
}

#[test]
fn dry_run_prints_the_shards_symbols_and_fetches_nothing() {
    let server = MockServer::start();
    for command in ["render", "report"] {
        let all = lines(&dry_run(&server, command, SIX, &[]).ok());
        assert_eq!(all, ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT", "BNBUSDT"], "{command}");
        let zero = lines(&dry_run(&server, command, SIX, &["--shard", "0/2"]).ok());
        let one = lines(&dry_run(&server, command, SIX, &["--shard", "1/2"]).ok());
        assert_eq!(zero, SHARD_0_OF_2, "{command}");
        assert_eq!(one, SHARD_1_OF_2, "{command}");
        // Stable across runs, and whatever the spelling and order of the list.
        assert_eq!(lines(&dry_run(&server, command, SIX, &["--shard", "1/2"]).ok()), one);
        let respelt = lines(&dry_run(&server, command, "bnb-usdt,xrpusdt,sol,DOGE,eth,BTC", &["--shard", "1/2"]).ok());
        assert_eq!(respelt, ["BNBUSDT", "XRPUSDT", "SOLUSDT"], "{command}");
    }
    assert!(server.seen().is_empty(), "--dry-run fetched: {:?}", server.seen());
}

#[test]
fn a_thousand_symbols_split_into_disjoint_shards_whose_union_is_the_list() {
    let server = MockServer::start();
    let symbols: Vec<String> = (0..1000).map(|i| format!("T{i}")).collect();
    let list = symbols.join(",");
    let n = 4;
    let mut union: Vec<String> = Vec::new();
    for i in 0..n {
        let shard = format!("{i}/{n}");
        let mine = lines(&dry_run(&server, "render", &list, &["--shard", &shard]).ok());
        assert!(mine.len() > 150 && mine.len() < 350, "shard {shard}: {} symbols", mine.len());
        union.extend(mine);
    }
    let distinct: BTreeSet<&String> = union.iter().collect();
    assert_eq!(distinct.len(), union.len(), "a symbol in two shards");
    let expected: BTreeSet<String> = symbols.iter().map(|s| format!("{s}USDT")).collect();
    assert_eq!(distinct, expected.iter().collect(), "the union of the shards is the list");
    assert!(server.seen().is_empty());
}

#[test]
fn the_index_may_come_from_the_environment() {
    let server = MockServer::start();
    let cmd = || {
        let mut c = common::command();
        c.args(["render", "--symbol", SIX, "--dry-run", "-o", "out/{symbol}.png", "--binance-url", &server.base]);
        c
    };
    // A Kubernetes Indexed Job sets JOB_COMPLETION_INDEX in each pod.
    let r = common::run_cmd(cmd().args(["--shard", "JOB_COMPLETION_INDEX/2"]).env("JOB_COMPLETION_INDEX", "1"));
    assert_eq!(lines(&r.ok()), SHARD_1_OF_2);
    // LIQSHOT_SHARD stands for --shard.
    let r = common::run_cmd(cmd().env("LIQSHOT_SHARD", "0/2"));
    assert_eq!(lines(&r.ok()), SHARD_0_OF_2);
    let r = common::run_cmd(cmd().env("LIQSHOT_SHARD", "IDX/2").env("IDX", "0"));
    assert_eq!(lines(&r.ok()), SHARD_0_OF_2);
    let r = common::run_cmd(cmd().args(["--shard", "JOB_COMPLETION_INDEX/2"]).env_remove("JOB_COMPLETION_INDEX"));
    let e = r.one_line_error(2);
    assert!(e.contains("--shard") && e.contains("JOB_COMPLETION_INDEX is not set"), "{e}");
}

#[test]
fn bad_shards_are_one_line_usage_errors() {
    let server = MockServer::start();
    for (bad, says) in [
        ("2/2", "index is 0 to 1"),
        ("1.5/2", "not a number"),
        ("1/0", "count"),
        ("x", "not I/N"),
        ("1", "not I/N"),
        ("1/2/3", "count"),
    ] {
        for command in ["render", "report"] {
            let r = dry_run(&server, command, SIX, &["--shard", bad]);
            let e = r.one_line_error(2);
            assert!(e.contains("--shard") && e.contains(says), "{command} --shard {bad}: {e}");
            assert!(r.stdout.is_empty());
        }
    }
    // With --snapshot there is no list to split.
    let snap = common::example_snapshot();
    let r = liqshot(["render", "--snapshot", common::arg(&snap), "-o", "out/x.png", "--shard", "0/2"]);
    assert!(r.one_line_error(2).contains("--shard 0/2: splits the symbols of --symbol"));
    // record checks it too, before connecting anywhere.
    let r = liqshot(["record", "--symbol", "BTC", "--for", "1m", "--shard", "5/3"]);
    assert!(r.one_line_error(2).contains("--shard"));
    assert!(server.seen().is_empty());
}

#[test]
fn record_with_an_empty_shard_records_nothing_and_succeeds() {
    // SOL is in shard 1 of 2: shard 0 has nothing to record, and ends at once (the stream URLs
    // point nowhere: a connection attempt would fail).
    let dead = "ws://127.0.0.1:9";
    let r = liqshot([
        "record",
        "--symbol",
        "SOL",
        "--for",
        "1h",
        "--shard",
        "0/2",
        "--binance-ws-url",
        dead,
        "--bybit-ws-url",
        dead,
        "--okx-ws-url",
        dead,
        "--okx-url",
        "http://127.0.0.1:9",
    ])
    .ok();
    assert!(r.stderr.contains("shard 0/2: 0 of the 1 symbols"), "{}", r.stderr);
}

#[test]
fn run_splits_each_jobs_symbols_by_shard() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("liqshot.toml");
    std::fs::write(
        &config,
        "[[job]]\nname = \"maps\"\ncommand = \"render\"\nsymbols = [\"BTC\", \"ETH\", \"SOL\", \"XRP\"]\noutputs = [\"out/{symbol}.png\"]\n\n\
         [[job]]\nname = \"doge\"\ncommand = \"report\"\nsymbols = \"DOGE\"\nout_dir = \"out/{symbol}\"\n\n\
         [[job]]\nname = \"bnb\"\ncommand = \"fetch\"\nsymbols = \"BNB\"\noutputs = [\"out/{symbol}.json\"]\n",
    )
    .unwrap();
    let run = |shard: &str| -> Vec<String> {
        let r = liqshot(["--config", common::arg(&config), "run", "--dry-run", "--shard", shard]).ok();
        lines(&r)
    };
    let symbol_of = |line: &String| -> String {
        let w = line.split_whitespace().find(|w| w.starts_with("--symbol=")).unwrap_or_else(|| panic!("{line}"));
        w.trim_start_matches("--symbol=").to_string()
    };
    let zero = run("0/2");
    let one = run("1/2");
    assert_eq!(zero.len(), 2, "{zero:?}");
    assert!(zero[0].contains(" render ") && symbol_of(&zero[0]) == "BTC,ETH", "{zero:?}");
    assert!(zero[1].contains(" report ") && symbol_of(&zero[1]) == "DOGE", "{zero:?}");
    assert_eq!(one.len(), 2, "{one:?}");
    assert!(one[0].contains(" render ") && symbol_of(&one[0]) == "SOL,XRP", "{one:?}");
    assert!(one[1].contains(" fetch ") && symbol_of(&one[1]) == "BNB", "{one:?}");
    assert_eq!(run("1/2"), one, "stable");
    // LIQSHOT_SHARD is --shard of run; the jobs' own command lines do not split again.
    let mut cmd = common::command();
    cmd.args(["--config", common::arg(&config), "run", "--dry-run"]).env("LIQSHOT_SHARD", "1/2");
    assert_eq!(lines(&common::run_cmd(&mut cmd).ok()), one);
    let mut cmd = common::command();
    cmd.args(["--config", common::arg(&config), "run", "--dry-run", "--shard", "0/2"]).env("LIQSHOT_SHARD", "1/2");
    assert_eq!(lines(&common::run_cmd(&mut cmd).ok()), zero, "the flag wins over the variable");
    // A bad shard: the usage error of the other commands.
    let r = liqshot(["--config", common::arg(&config), "run", "--dry-run", "--shard", "2/2"]);
    assert!(r.one_line_error(2).contains("--shard"));
    // --job and --shard: only the named job, only its symbols of the shard; none is fine.
    let r = liqshot(["--config", common::arg(&config), "run", "--dry-run", "--shard", "1/2", "--job", "doge"]).ok();
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn completions_name_the_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let r = liqshot(["completions", shell]).ok();
        for word in ["render", "report", "record", "--shard", "completions", "man"] {
            assert!(r.stdout.contains(word), "completions {shell} lacks {word}");
        }
    }
    assert_eq!(liqshot(["completions", "tcsh"]).code, Some(2));
}

#[test]
fn man_pages_name_the_commands() {
    let r = liqshot(["man"]).ok();
    assert!(r.stdout.contains(".TH liqshot 1"), "{}", r.stdout);
    for word in ["render", "report", "record", "completions"] {
        assert!(r.stdout.contains(word), "man lacks {word}");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    liqshot(["man", "--out-dir", common::arg(&out)]).ok();
    let names = common::dir_names(&out);
    for page in ["liqshot.1", "liqshot-render.1", "liqshot-report.1", "liqshot-run.1", "liqshot-config-check.1"] {
        assert!(names.iter().any(|n| n == page), "{page} in {names:?}");
    }
    let render = std::fs::read_to_string(out.join("liqshot-render.1")).unwrap();
    assert!(render.contains(".TH liqshot-render 1") && render.contains("shard"), "{render}");
}

/// The requests one `render --symbol BTC` makes to each venue with the default lookback (7d) and
/// window (24h: 5-minute candles), from a cold cache and then a warm one, against the local
/// fake exchange. docs/fleet.md budgets a fleet with these figures: they must not grow.
#[test]
fn requests_per_symbol_and_venue_stay_within_the_documented_budget() {
    use common::fake_exchange::{self, venue_of};
    // (venue, URL flag, most requests cold, most requests warm): the figures of docs/fleet.md
    // (measured 10/5, 18/6, 31/8, 3/3) and one page of slack for where "now" falls.
    let budget = [
        ("binance", "--binance-url", 11, 6),
        ("bybit", "--bybit-url", 19, 7),
        ("okx", "--okx-url", 32, 9),
        ("hyperliquid", "--hyperliquid-url", 3, 3),
    ];
    for (venue, flag, cold_max, warm_max) in budget {
        let server = fake_exchange::start(|_| {});
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        let out = dir.path().join("btc.png");
        let run = || {
            liqshot([
                "render",
                "--symbol",
                "BTC",
                "-o",
                common::arg(&out),
                "--size",
                "800x450",
                "--exchange",
                venue,
                flag,
                &server.base,
                "--cache-dir",
                common::arg(&cache),
                "--retries",
                "0",
            ])
            .ok()
        };
        let count = |seen: &[common::mock_server::Seen]| seen.iter().filter(|s| venue_of(&s.path) == venue).count();
        run();
        let cold = count(&server.seen());
        run();
        let warm = count(&server.seen()) - cold;
        println!("{venue}: {cold} requests cold, {warm} warm");
        assert!(cold <= cold_max, "{venue}: {cold} requests from a cold cache, budget {cold_max}");
        assert!(warm <= warm_max, "{venue}: {warm} requests from a warm cache, budget {warm_max}");
        assert!(warm > 0 && cold > 0);
    }
}

#[test]
fn a_run_shard_is_not_split_again_by_the_jobs() {
    // ETH is in shard 0 of 2, SOL in shard 1. `run --shard 1/2` with LIQSHOT_SHARD=0/2 in the
    // environment: the job runs for SOL (the flag's shard), and its own command line does not
    // apply the variable's shard to what is left.
    let server = common::fake_exchange::start_multi(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("liqshot.toml");
    std::fs::write(
        &config,
        format!(
            "[defaults]\nvenues = [\"binance\"]\nlookback = \"1d\"\nsize = \"800x450\"\n[http]\nbinance_url = \"{}\"\nretries = 0\n\
             [[job]]\nname = \"maps\"\ncommand = \"render\"\nsymbols = [\"ETH\", \"SOL\"]\noutputs = [\"out/{{symbol}}.png\"]\n",
            server.base
        ),
    )
    .unwrap();
    let mut cmd = common::command();
    cmd.args(["--config", common::arg(&config), "run", "--shard", "1/2"]).env("LIQSHOT_SHARD", "0/2");
    common::run_cmd(&mut cmd).ok();
    let out = dir.path().join("out");
    assert!(out.join("SOLUSDT.png").is_file(), "SOL was not rendered");
    assert!(!out.join("ETHUSDT.png").exists());
}
