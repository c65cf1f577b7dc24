//! `liqshot run`: the `[[job]]` tables of the config file, each planned (its command line
//! parsed and checked) before the first one starts, then run in file order.

use std::ffi::OsString;

use clap::Args;

use super::config::jobs::Job;
use super::config::problems::Problems;
use super::config::{keys, layer, Config};
use super::{Cli, Command};
use liqshot::error::Error;

/// `Examples:` of `liqshot run --help`. (tests/it/cli_render.rs runs those without /etc/.)
pub const RUN_EXAMPLES: &str = "\
Examples:
  # the command lines the sample config's job daily-report would run
  liqshot --config examples/config/liqshot.toml run --job daily-report --dry-run
  # from cron: every job in file order
  liqshot --config /etc/liqshot/liqshot.toml run --quiet
  # on four machines (or a Kubernetes Indexed Job): each runs every job for its quarter of the symbols
  liqshot --config /etc/liqshot/liqshot.toml run --shard 0/4 --quiet";

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Run only this job (repeatable) [default: every job, in file order]
    #[arg(long = "job", value_name = "NAME")]
    pub jobs: Vec<String>,
    /// Print the command line of each job run instead of running it
    #[arg(long)]
    pub dry_run: bool,
    /// Each job keeps only the symbols of shard I of N (see render --shard); a job left with none is skipped
    #[command(flatten)]
    pub shard: super::shard::ShardArgs,
}

/// One window of one job, parsed and checked.
pub struct Planned<'a> {
    pub job: &'a Job,
    pub window: Option<&'a str>,
    pub argv: Vec<OsString>,
    /// The flags the file's settings added, for messages.
    pub added: Vec<(&'static str, String)>,
    pub command: Command,
}

impl Planned<'_> {
    /// `daily` or `daily (7d)`.
    pub fn title(&self) -> String {
        match self.window {
            Some(w) if self.job.windows.len() > 1 => format!("{} ({w})", self.job.name),
            _ => self.job.name.clone(),
        }
    }
}

/// The jobs named in `only` (all when empty), each window parsed and checked like the command
/// line it stands for — no data is read or fetched. Every job is planned; the error reports
/// each rejected job at its `[[job]]` line (see [`Problems::into_error`]).
pub fn plan<'a>(config: &'a Config, only: &[String]) -> Result<Vec<Planned<'a>>, Error> {
    if config.jobs.is_empty() {
        return Err(Error::Usage(format!("{}: no [[job]] to run", config.path.display())));
    }
    for name in only {
        if !config.jobs.iter().any(|j| &j.name == name) {
            let names: Vec<&str> = config.jobs.iter().map(|j| j.name.as_str()).collect();
            return Err(Error::Usage(format!(
                "--job {name}: no such job in {} (it has {})",
                config.path.display(),
                names.join(", ")
            )));
        }
    }
    let mut out = Vec::new();
    let mut problems = Problems::new(&config.path, Default::default());
    for job in config.jobs.iter().filter(|j| only.is_empty() || only.contains(&j.name)) {
        match plan_job(config, job) {
            Ok(runs) => out.extend(runs),
            Err(e) => problems.add_at(job.line, e.to_string()),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems.into_error())
    }
}

/// The runs of one job, each window's command line parsed and checked. The error names the
/// job (`job "daily": --window is longer than --lookback 1d (...)`), not the file.
pub fn plan_job<'a>(config: &'a Config, job: &'a Job) -> Result<Vec<Planned<'a>>, Error> {
    let at = |e: Error| Error::Usage(format!("job \"{}\": {e}", job.name));
    let latest = layer::merged(&job.settings, &config.settings).into_iter().find(|s| s.id == "latest");
    if job.windows.len() > 1 && latest.is_some_and(|s| s.value == keys::Value::Switch(true)) {
        return Err(at(Error::Usage(format!(
            "latest = true (from {}) with several windows: the {{symbol}}-latest copies would overwrite each other (make one job per window, or latest = false in the job)",
            latest.map_or("", |s| s.at.as_str())
        ))));
    }
    let mut out = Vec::new();
    for (l, window) in job.command_lines(config).map_err(at)?.into_iter().zip(job.runs()) {
        let cli: Cli = layer::parse(&l.argv, &config.path).map_err(at)?;
        super::check(&cli.command).map_err(|e| at(layer::explain(e, &l.added, Some(&config.path))))?;
        out.push(Planned { job, window, argv: l.argv, added: l.added, command: cli.command });
    }
    Ok(out)
}

/// `config` with each job's symbols cut to those of `shard`, and the jobs left with none taken
/// out: a job of several symbols is split by symbol, so that every symbol of every job is run
/// by exactly one shard (the one [`Shard`](super::shard::Shard) gives its base asset).
pub fn sharded(config: &Config, shard: super::shard::Shard) -> Result<Config, Error> {
    let mut out = config.clone();
    out.jobs.clear();
    for job in &config.jobs {
        let symbols = super::naming::split_symbols(&job.symbols)?;
        let mine = shard.select(&symbols)?;
        if mine.is_empty() {
            tracing::debug!(job = %job.name, "job {}: none of its symbols in shard {shard}", job.name);
            continue;
        }
        let mut j = job.clone();
        j.symbols = mine.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",");
        out.jobs.push(j);
    }
    Ok(out)
}

/// `liqshot run`: every selected job in file order; a job's failure does not stop the others.
/// The result is Ok when all succeeded, the failure's own error when there was one job run,
/// `Fetch` (exit 3) when every run failed to fetch anything, `Partial` (exit 1) otherwise.
/// With `shard`, every job is checked, then each runs for the symbols of the shard only
/// ([`sharded`]); a shard with nothing to do succeeds.
pub fn run(config: &Config, only: &[String], dry_run: bool, shard: Option<super::shard::Shard>) -> Result<(), Error> {
    let mine;
    let planned = match shard {
        None => plan(config, only)?,
        Some(shard) => {
            // Every shard checks the whole file, so that a mistake fails them all alike.
            plan(config, only)?;
            mine = sharded(config, shard)?;
            let jobs = mine.jobs.iter().filter(|j| only.is_empty() || only.contains(&j.name)).count();
            tracing::info!("shard {shard}: {jobs} job(s) with symbols in this shard");
            if jobs == 0 {
                return Ok(());
            }
            let only: Vec<String> = only.iter().filter(|n| mine.jobs.iter().any(|j| &j.name == *n)).cloned().collect();
            let mut planned = plan(&mine, &only)?;
            // The jobs hold the shard's symbols already: a LIQSHOT_SHARD the job command lines
            // picked up again must not split them a second time.
            for p in &mut planned {
                match &mut p.command {
                    Command::Render(a) => a.shard.shard = None,
                    Command::Report(a) => a.shard.shard = None,
                    _ => {}
                }
            }
            planned
        }
    };
    if dry_run {
        let lines: String = planned.iter().map(|p| format!("{}\n", shell_line(&p.argv))).collect();
        return super::to_stdout(lines.as_bytes());
    }
    let total = planned.len();
    let mut failures: Vec<(String, Error)> = Vec::new();
    for p in planned {
        let title = p.title();
        tracing::info!(job = %title, "job {title}: {}", shell_line(&p.argv));
        match super::run(p.command).map_err(|e| layer::explain(e, &p.added, Some(&config.path))) {
            Ok(()) => tracing::info!(job = %title, "job {title}: done"),
            Err(e) => {
                tracing::error!(job = %title, exit_code = e.exit_code(), "job {title}: {e}");
                failures.push((title, e));
            }
        }
    }
    match failures.len() {
        0 => Ok(()),
        _ if total == 1 => Err(failures.pop().expect("one").1),
        n if n == total && failures.iter().all(|(_, e)| matches!(e, Error::Fetch(_))) => {
            Err(Error::Fetch(format!("every job failed: nothing could be fetched ({n} runs)")))
        }
        n => Err(Error::Partial(format!(
            "{n} of {total} job runs failed: {}",
            failures.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// The arguments as one shell line (quoted where needed), for logs and `--dry-run`.
pub fn shell_line(argv: &[OsString]) -> String {
    argv.iter()
        .map(|a| {
            let s = a.to_string_lossy();
            if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_=./,:+@%".contains(c)) {
                s.into_owned()
            } else {
                format!("'{}'", s.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::config::jobs::tests::{parse, GOOD};

    #[test]
    fn planning_checks_each_command_line() {
        let c = parse(GOOD).unwrap();
        let planned = plan(&c, &["sol".into()]).unwrap();
        assert_eq!(planned.len(), 1);
        assert_eq!(planned[0].title(), "sol");
        let e = plan(&c, &["nope".into()]).err().unwrap().to_string();
        assert!(e.contains("--job nope: no such job") && e.contains("majors, sol"), "{e}");
        // Two symbols into one file: caught before anything runs, naming the job.
        let two = parse("[[job]]\nname = \"x\"\ncommand = \"render\"\nsymbols = \"BTC,ETH\"\noutputs = [\"a.png\"]\n")
            .unwrap();
        let e = plan(&two, &[]).err().unwrap().to_string();
        assert!(e.contains("job \"x\"") && e.contains("several symbols need {symbol}"), "{e}");
        // A window longer than the lookback.
        let long = parse("[defaults]\nlookback = \"1d\"\n[[job]]\nname = \"x\"\ncommand = \"render\"\nsymbols = \"BTC\"\nwindows = \"3d\"\noutputs = [\"a.png\"]\n").unwrap();
        assert!(plan(&long, &[]).err().unwrap().to_string().contains("--window is longer than --lookback"));
    }
}
