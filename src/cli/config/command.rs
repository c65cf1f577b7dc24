//! `liqshot config check [FILE]` and `liqshot config path`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::{layer, Checked, Config, Setting};
use liqshot::error::Error;

/// `Examples:` of `liqshot config --help` and its commands. (tests/it/cli_render.rs runs those
/// without /etc/, as it does those of run.)
pub const CONFIG_EXAMPLES: &str = "\
Examples:
  liqshot config check examples/config/liqshot.toml
  liqshot --config /etc/liqshot/liqshot.toml config check
  liqshot config path";

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check a config file (keys, values, every job's command line) without fetching anything
    #[command(after_help = CONFIG_EXAMPLES)]
    Check {
        /// The file [default: --config, else the one `liqshot config path` prints]
        file: Option<PathBuf>,
    },
    /// Print where the default config file is looked for
    #[command(after_help = CONFIG_EXAMPLES)]
    Path,
}

/// Runs `liqshot config check|path`; `named` is the file `--config` or `LIQSHOT_CONFIG` names.
pub fn run(c: &ConfigCommand, named: Option<&Path>, no_config: bool) -> Result<(), Error> {
    match c {
        ConfigCommand::Check { file } => {
            if file.is_none() && no_config {
                return Err(Error::Usage("config check: --no-config leaves nothing to check (give FILE)".into()));
            }
            let lines = check_file(file.as_deref().or(named))?;
            crate::cli::to_stdout(format!("{}\n", lines.join("\n")).as_bytes())
        }
        ConfigCommand::Path => {
            let p =
                super::default_path().ok_or_else(|| Error::Usage("no home directory: give --config FILE".into()))?;
            let state = if p.is_file() { "exists" } else { "does not exist" };
            crate::cli::to_stdout(format!("{} ({state})\n", p.display()).as_bytes())
        }
    }
}

/// `liqshot config check [FILE]`: loads `file` (else the default file), checks the file-wide
/// settings as the command line of a report (the command that has every flag) and plans every
/// job; returns the lines to print. Every problem is reported, in file order. The settings are
/// checked together once each of them is valid, and the jobs are planned once the file-wide
/// settings pass (else the defaults a bad value falls back to, or the file-wide problem every
/// job inherits, would be reported again).
pub fn check_file(file: Option<&Path>) -> Result<Vec<String>, Error> {
    let path: PathBuf = match file {
        Some(p) => p.to_path_buf(),
        None => match super::default_path() {
            Some(p) if p.is_file() => p,
            Some(p) => {
                return Err(Error::Usage(format!("config check: no file given and {} does not exist", p.display())))
            }
            None => {
                return Err(Error::Usage("config check: no file given and no home directory for the default".into()))
            }
        },
    };
    let Checked { config, mut problems, sections_ok } = Config::check(&path, &super::read(&path)?);
    if sections_ok {
        match check_sections(&config) {
            Ok(()) => {
                for job in &config.jobs {
                    if let Err(e) = crate::cli::run::plan_job(&config, job) {
                        problems.add_at(job.line, e.to_string());
                    }
                }
            }
            Err((line, e)) => problems.add_at(line, e),
        }
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut lines = vec![format!(
        "{}: OK ({}, {})",
        path.display(),
        plural(config.settings.len(), "setting"),
        plural(config.jobs.len(), "job")
    )];
    lines.extend(config.jobs.iter().map(|j| format!("  job {}: {}", j.name, j.describe())));
    Ok(lines)
}

/// The file-wide settings together, as the command line of a report. The error is at the line
/// of the first key it blames (`--window is longer than --lookback 1d (--window from ...)`).
fn check_sections(config: &Config) -> Result<(), (Option<usize>, String)> {
    let probe: Vec<OsString> = ["liqshot", "report", "--symbol=BTC", "--out-dir=probe"].map(OsString::from).to_vec();
    let settings: Vec<&Setting> = config.settings.iter().collect();
    let unplaced = |e: Error| (None, e.to_string());
    let l = layer::layer(&probe, &settings, &config.path).map_err(unplaced)?;
    let blame = |msg: &str| {
        layer::blamed(msg, &l.added)
            .filter_map(|at| config.settings.iter().find(|s| &s.at == at).and_then(|s| s.line))
            .min()
    };
    let cli = layer::parse(&l.argv, &config.path).map_err(|e| (blame(&e.to_string()), e.to_string()))?;
    crate::cli::check(&cli.command).map_err(|e| {
        let line = blame(&e.to_string());
        (line, layer::explain(e, &l.added, Some(&config.path)).to_string())
    })
}
