//! The `liqshot` command lines of the cron and systemd examples, parsed by this binary's own
//! parser and checked as a run would check them (no data read, nothing fetched). The files'
//! structure (cron fields, unit keys) is checked in tests/it/examples_syntax.rs.

use std::path::{Path, PathBuf};

use clap::Parser;

use crate::cli::{check, parse_duration, Cli, Command};

fn example(rel: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples").join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The words of a shell command line from `liqshot` on (double quotes group; no other shell
/// syntax is used in these examples), up to a `>>` redirect.
fn words(line: &str) -> Vec<String> {
    let line = &line[line.find("liqshot ").unwrap_or_else(|| panic!("no liqshot command: {line}"))..];
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().filter(|w| !w.is_empty()).take_while(|w| w != ">>").collect()
}

fn parse(what: &str, line: &str) -> Command {
    let cli = Cli::try_parse_from(words(line)).unwrap_or_else(|e| panic!("{what}: {e}"));
    check(&cli.command).unwrap_or_else(|e| panic!("{what}: {e}"));
    cli.command
}

#[test]
fn record_runs_all_the_time_beside_the_hourly_renders_on_one_cache() {
    let cron = example("cron/liqshot-record.crontab");
    let jobs: Vec<&str> = cron.lines().filter(|l| !l.trim_start().starts_with('#') && l.contains("liqshot ")).collect();
    assert_eq!(jobs.len(), 2, "a record line and a render line: {jobs:?}");
    let Command::Record(r) = parse("crontab record", jobs[0]) else { panic!("not record: {}", jobs[0]) };
    let secs = parse_duration("--for", &r.duration).unwrap();
    assert!((3000..3600).contains(&secs), "--for ends before the next hourly start: {}", r.duration);
    let Command::Render(v) = parse("crontab render", jobs[1]) else { panic!("not render: {}", jobs[1]) };
    assert_eq!(r.cache_dir, v.estimate.fetch.cache_dir, "one cache for both");

    let unit = example("systemd/liqshot-record.service");
    let exec = unit.lines().find_map(|l| l.strip_prefix("ExecStart=")).expect("ExecStart=");
    let Command::Record(s) = parse("liqshot-record.service", exec) else { panic!("not record: {exec}") };
    assert_eq!(s.cache_dir.as_deref(), Some(Path::new("/var/cache/liqshot")), "the CacheDirectory");
}

#[test]
fn the_k8s_cronjob_runs_one_shard_per_completion_index() {
    use yaml_rust2::YamlLoader;
    let docs = YamlLoader::load_from_str(&example("k8s/cronjob.yaml")).expect("cronjob.yaml parses");
    let cron = docs.iter().find(|d| d["kind"].as_str() == Some("CronJob")).expect("a CronJob");
    let job = &cron["spec"]["jobTemplate"]["spec"];
    let n = job["completions"].as_i64().expect("completions");
    let c = &job["template"]["spec"]["containers"][0];
    let args = c["args"].as_vec().expect("args").iter().map(|a| a.as_str().unwrap().to_string());
    let cli = Cli::try_parse_from(std::iter::once("liqshot".to_string()).chain(args)).expect("the args parse");
    check(&cli.command).expect("the args check");
    let Command::Run(run) = &cli.command else { panic!("the CronJob runs `liqshot run`") };
    let shard = run.shard.shard.as_deref().expect("--shard");
    for i in 0..n {
        let s =
            crate::cli::shard::Shard::parse(shard, |v| (v == "JOB_COMPLETION_INDEX").then(|| i.to_string())).unwrap();
        assert_eq!((s.index, s.count), (i as u64, n as u64));
    }
    assert!(cli.config.is_some(), "--config FILE from the config map");
}
