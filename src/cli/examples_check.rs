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
