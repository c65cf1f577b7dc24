//! `[[job]]` tables and `liqshot run`: each job is the command line it stands for
//! (`liqshot report --symbol BTC,ETH --out-dir ... --window 24h` plus the file's settings),
//! built and checked for every job before the first one starts.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::keys::{self, KeyDef};
use super::{layer, section_settings, Config, Setting};
use crate::cli::{parse_duration, Cli, Command};
use crate::error::Error;
use crate::naming::{split_symbols, PathTemplate};

/// What a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobCommand {
    Render,
    Report,
    Fetch,
}

impl JobCommand {
    pub fn name(self) -> &'static str {
        match self {
            JobCommand::Render => "render",
            JobCommand::Report => "report",
            JobCommand::Fetch => "fetch",
        }
    }
}

/// One `[[job]]`.
#[derive(Debug, Clone)]
pub struct Job {
    pub name: String,
    pub command: JobCommand,
    /// `BTC,ETH,SOL`.
    pub symbols: String,
    /// One run per window; empty: the window of `[defaults]` or the built-in one.
    pub windows: Vec<String>,
    /// render: image files; fetch: the snapshot file (resolved against the config directory).
    pub outputs: Vec<String>,
    /// report: the output directory.
    pub out_dir: Option<String>,
    pub previous: Option<String>,
    pub save_snapshot: Option<String>,
    /// The job's own settings (they replace the file's sections).
    pub settings: Vec<Setting>,
}

impl Job {
    /// Reads and checks the `index`-th `[[job]]` of `file`.
    pub fn parse(file: &Path, base: &Path, index: usize, v: &toml::Value) -> Result<Job, Error> {
        let t = v.as_table().ok_or_else(|| Error::Usage(format!("{}: job[{index}]: expected a [[job]] table", file.display())))?;
        let name = match t.get("name") {
            Some(n) => keys::text(&keys::label(file, &format!("job[{index}].name")), n, "a string")?,
            None => return Err(Error::Usage(format!("{}: job[{index}]: missing key name (every job needs a name)", file.display()))),
        };
        let word = name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !word {
            return Err(Error::Usage(format!(
                "{}: job[{index}].name: {name:?} must be one word of letters, digits, -, _ or . (it is given to --job)",
                file.display()
            )));
        }
        let at = format!("job \"{name}\"");
        let label = |key: &str| keys::label(file, &format!("{at}.{key}"));
        let missing = |key: &str, what: &str| Error::Usage(format!("{}: {at}: missing key {key} ({what})", file.display()));
        let not_for = |key: &str, cmd: JobCommand| Error::Usage(format!("{}: not used by a {} job", label(key), cmd.name()));

        let command = match t.get("command") {
            Some(c) => match keys::text(&label("command"), c, "\"render\", \"report\" or \"fetch\"")?.as_str() {
                "render" => JobCommand::Render,
                "report" => JobCommand::Report,
                "fetch" => JobCommand::Fetch,
                other => return Err(Error::Usage(format!("{}: {other:?} is not a job command (use render, report or fetch)", label("command")))),
            },
            None => return Err(missing("command", "render, report or fetch")),
        };
        let symbols = match t.get("symbols") {
            Some(s) => keys::texts(&label("symbols"), s, true)?.join(","),
            None => return Err(missing("symbols", "e.g. symbols = [\"BTC\", \"ETH\"]")),
        };
        split_symbols(&symbols).map_err(|e| keys::relabel(e, "--symbol", &label("symbols")))?;

        let windows = match t.get("windows") {
            Some(_) if command == JobCommand::Fetch => return Err(not_for("windows", command)),
            Some(w) => keys::texts(&label("windows"), w, true)?,
            None => Vec::new(),
        };
        if t.contains_key("windows") && windows.is_empty() {
            return Err(Error::Usage(format!("{}: empty list (leave the key out for the default window)", label("windows"))));
        }
        let mut seconds = Vec::new();
        for w in &windows {
            let secs = parse_duration("--window", w).map_err(|e| keys::relabel(e, "--window", &label("windows")))?;
            if seconds.contains(&secs) {
                return Err(Error::Usage(format!("{}: {w} is the same window as one listed before", label("windows"))));
            }
            seconds.push(secs);
        }
        let path = |key: &str| -> Result<Option<String>, Error> {
            t.get(key).map(|v| keys::path_text(&label(key), v).map(|p| keys::resolve(base, &p, true))).transpose()
        };
        let outputs: Vec<String> = match t.get("outputs") {
            Some(_) if command == JobCommand::Report => return Err(not_for("outputs", command)),
            // A single string is one path (a path may hold a comma).
            Some(o) => keys::texts(&label("outputs"), o, false)?.iter().map(|p| keys::resolve(base, p, true)).collect(),
            None if command == JobCommand::Report => Vec::new(),
            None => return Err(missing("outputs", "the files to write, e.g. outputs = [\"out/{symbol}-{date}.png\"]")),
        };
        match command {
            JobCommand::Render if outputs.is_empty() => return Err(Error::Usage(format!("{}: empty list (at least one .png or .svg file)", label("outputs")))),
            JobCommand::Render => {
                for o in &outputs {
                    crate::app::format_of(Path::new(o)).map_err(|e| keys::relabel(e, "-o", &label("outputs")))?;
                }
            }
            JobCommand::Fetch if outputs.len() != 1 => {
                return Err(Error::Usage(format!("{}: a fetch job writes one snapshot file (one path)", label("outputs"))))
            }
            _ => {}
        }
        let out_dir = path("out_dir")?;
        match (command, &out_dir) {
            (JobCommand::Report, None) => return Err(missing("out_dir", "the report directory, e.g. out_dir = \"reports/{symbol}/{date}\"")),
            (JobCommand::Report, Some(_)) => {}
            (_, Some(_)) => return Err(not_for("out_dir", command)),
            _ => {}
        }
        let previous = path("previous")?;
        if previous.is_some() && command != JobCommand::Report {
            return Err(not_for("previous", command));
        }
        let save_snapshot = path("save_snapshot")?;
        if save_snapshot.is_some() && command == JobCommand::Fetch {
            return Err(not_for("save_snapshot", command));
        }

        let defs: Vec<KeyDef> = keys::DEFAULTS.iter().copied().filter(|d| d.key != "window").collect();
        if t.contains_key("window") {
            return Err(Error::Usage(format!("{}: unknown key (a job has windows = [\"24h\", ...])", label("window"))));
        }
        let mut settings = section_settings(file, base, &at, t, &defs, keys::JOB_KEYS)
            .map_err(|e| Error::Usage(e.to_string().replace(&format!("(allowed in {at}: "), "(allowed in a job: ")))?;
        // [job.http] and [job.leverage]: the sections' keys, for this job only.
        for (sub, sub_defs) in [("http", keys::HTTP), ("leverage", keys::LEVERAGE)] {
            if let Some(v) = t.get(sub) {
                let sub_at = format!("{at}.{sub}");
                let table = v.as_table().ok_or_else(|| Error::Usage(format!("{}: expected a [job.{sub}] table", keys::label(file, &sub_at))))?;
                settings.extend(section_settings(file, base, &sub_at, table, sub_defs, &[])?);
            }
        }
        if let Some(s) = settings.iter().find(|s| !applies(command, s.id)) {
            return Err(Error::Usage(format!("{}: not used by a {} job", keys::label(file, &s.at), command.name())));
        }

        // Every path must be a valid template (checked here to name the key); with several
        // windows each must use {window}, or the windows would overwrite each other's files.
        let keyed = outputs.iter().map(|p| ("outputs", p)).chain(out_dir.iter().map(|p| ("out_dir", p)));
        let keyed = keyed.chain(previous.iter().map(|p| ("previous", p))).chain(save_snapshot.iter().map(|p| ("save_snapshot", p)));
        for (key, p) in keyed {
            let tpl = PathTemplate::parse("-o", Path::new(p)).map_err(|e| keys::relabel(e, "-o", &label(key)))?;
            if windows.len() > 1 && key != "previous" && !tpl.uses("window") {
                return Err(Error::Usage(format!(
                    "{}: {p}: several windows need {{window}} in the path, or they would overwrite each other",
                    label(key)
                )));
            }
        }
        Ok(Job { name, command, symbols, windows, outputs, out_dir, previous, save_snapshot, settings })
    }

    /// The command lines of this job, one per window, with `base` (the file's sections) and
    /// the job's settings layered under them.
    pub fn command_lines(&self, config: &Config) -> Result<Vec<layer::Layered>, Error> {
        let settings = layer::merged(&self.settings, &config.settings);
        self.runs()
            .into_iter()
            .map(|w| {
                let mut argv: Vec<String> = vec!["liqshot".into(), self.command.name().into(), format!("--symbol={}", self.symbols)];
                argv.extend(self.outputs.iter().map(|o| format!("--output={o}")));
                argv.extend(self.out_dir.iter().map(|d| format!("--out-dir={d}")));
                argv.extend(w.map(|w| format!("--window={w}")));
                argv.extend(self.previous.iter().map(|p| format!("--previous={p}")));
                argv.extend(self.save_snapshot.iter().map(|p| format!("--save-snapshot={p}")));
                let argv: Vec<OsString> = argv.into_iter().map(OsString::from).collect();
                layer::layer(&argv, &settings, &config.path)
            })
            .collect()
    }

    /// The window of each run: one per listed window, or a single run with the default window.
    pub fn runs(&self) -> Vec<Option<&str>> {
        if self.windows.is_empty() {
            vec![None]
        } else {
            self.windows.iter().map(|w| Some(w.as_str())).collect()
        }
    }

    /// `report BTC,ETH, windows 24h,7d → reports/{symbol}/{date}`.
    pub fn describe(&self) -> String {
        let windows = if self.windows.is_empty() { String::new() } else { format!(", windows {}", self.windows.join(",")) };
        let to: Vec<&String> = self.outputs.iter().chain(&self.out_dir).collect();
        format!("{} {}{windows} -> {}", self.command.name(), self.symbols, to.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
    }
}

/// Whether a `[defaults]` key makes sense for a job's command (fetch has no chart or report).
fn applies(cmd: JobCommand, id: &str) -> bool {
    const CHART: [&str; 3] = ["size", "theme", "color_max"];
    const REPORT: [&str; 5] = ["templates", "front_matter", "image_base_url", "events", "events_file"];
    const ESTIMATE: [&str; 4] = ["leverage_mix", "leverage", "half_life", "position_usd"];
    match cmd {
        JobCommand::Report => true,
        JobCommand::Render => !REPORT.contains(&id),
        JobCommand::Fetch => !CHART.contains(&id) && !REPORT.contains(&id) && !ESTIMATE.contains(&id),
    }
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
/// line it stands for — no data is read or fetched. Errors name the file and the job.
pub fn plan<'a>(config: &'a Config, only: &[String]) -> Result<Vec<Planned<'a>>, Error> {
    if config.jobs.is_empty() {
        return Err(Error::Usage(format!("{}: no [[job]] to run", config.path.display())));
    }
    for name in only {
        if !config.jobs.iter().any(|j| &j.name == name) {
            let names: Vec<&str> = config.jobs.iter().map(|j| j.name.as_str()).collect();
            return Err(Error::Usage(format!("--job {name}: no such job in {} (it has {})", config.path.display(), names.join(", "))));
        }
    }
    let mut out = Vec::new();
    for job in config.jobs.iter().filter(|j| only.is_empty() || only.contains(&j.name)) {
        let at = |e: Error| Error::Usage(format!("{}: job \"{}\": {e}", config.path.display(), job.name));
        let latest = layer::merged(&job.settings, &config.settings).into_iter().find(|s| s.id == "latest");
        if job.windows.len() > 1 && latest.is_some_and(|s| s.value == keys::Value::Switch(true)) {
            return Err(at(Error::Usage(format!(
                "latest = true (from {}) with several windows: the {{symbol}}-latest copies would overwrite each other (make one job per window, or latest = false in the job)",
                latest.map_or("", |s| s.at.as_str())
            ))));
        }
        for (l, window) in job.command_lines(config)?.into_iter().zip(job.runs()) {
            let cli: Cli = layer::parse(&l.argv, &config.path)?;
            crate::app::check(&cli.command).map_err(|e| at(layer::explain(e, &l.added, Some(&config.path))))?;
            out.push(Planned { job, window, argv: l.argv, added: l.added, command: cli.command });
        }
    }
    Ok(out)
}

/// `liqshot run`: every selected job in file order; a job's failure does not stop the others.
/// The result is Ok when all succeeded, the failure's own error when there was one job run,
/// `Fetch` (exit 3) when every run failed to fetch anything, `Partial` (exit 1) otherwise.
pub fn run(config: &Config, only: &[String], dry_run: bool) -> Result<(), Error> {
    let planned = plan(config, only)?;
    if dry_run {
        for p in &planned {
            println!("{}", shell_line(&p.argv));
        }
        return Ok(());
    }
    let total = planned.len();
    let mut failures: Vec<(String, Error)> = Vec::new();
    for p in planned {
        let title = p.title();
        tracing::info!(job = %title, "job {title}: {}", shell_line(&p.argv));
        match crate::app::run(p.command).map_err(|e| layer::explain(e, &p.added, Some(&config.path))) {
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

/// `liqshot config check [FILE]`: loads `file` (else the default file), checks the file-wide
/// settings as the command line of a report (the command that has every flag) and plans every
/// job; returns the lines to print.
pub fn check_file(file: Option<&Path>) -> Result<Vec<String>, Error> {
    let path: PathBuf = match file {
        Some(p) => p.to_path_buf(),
        None => match super::default_path() {
            Some(p) if p.is_file() => p,
            Some(p) => return Err(Error::Usage(format!("config check: no file given and {} does not exist", p.display()))),
            None => return Err(Error::Usage("config check: no file given and no home directory for the default".into())),
        },
    };
    let config = Config::load(&path)?;
    let probe: Vec<OsString> = ["liqshot", "report", "--symbol=BTC", "--out-dir=probe"].map(OsString::from).to_vec();
    let settings: Vec<&Setting> = config.settings.iter().collect();
    let l = layer::layer(&probe, &settings, &config.path)?;
    let cli = layer::parse(&l.argv, &config.path)?;
    crate::app::check(&cli.command).map_err(|e| {
        Error::Usage(format!("{}: {}", path.display(), layer::explain(e, &l.added, Some(&config.path))))
    })?;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut lines = vec![format!(
        "{}: OK ({}, {})",
        path.display(),
        plural(config.settings.len(), "setting"),
        plural(config.jobs.len(), "job")
    )];
    if !config.jobs.is_empty() {
        plan(&config, &[])?;
        lines.extend(config.jobs.iter().map(|j| format!("  job {}: {}", j.name, j.describe())));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(Path::new("/srv/liq/liqshot.toml"), text).map_err(|e| e.to_string())
    }

    const GOOD: &str = r#"
[defaults]
theme = "light"
[[job]]
name = "majors"
command = "report"
symbols = ["BTC", "ETH"]
windows = ["24h", "7d"]
out_dir = "reports/{symbol}/{date}-{window}"
events = ["FOMC 19:00 UTC"]
[[job]]
name = "sol"
command = "render"
symbols = "SOL"
outputs = ["img/{symbol}.png", "/abs/{symbol}.svg"]
theme = "dark"
latest = true
"#;

    #[test]
    fn jobs_become_command_lines() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.jobs.len(), 2);
        let lines: Vec<String> = c.jobs[0].command_lines(&c).unwrap().iter().map(|l| shell_line(&l.argv)).collect();
        assert_eq!(
            lines,
            [
                "liqshot report --symbol=BTC,ETH '--out-dir=/srv/liq/reports/{symbol}/{date}-{window}' --window=24h '--event=FOMC 19:00 UTC' --theme=light",
                "liqshot report --symbol=BTC,ETH '--out-dir=/srv/liq/reports/{symbol}/{date}-{window}' --window=7d '--event=FOMC 19:00 UTC' --theme=light",
            ]
        );
        let sol = shell_line(&c.jobs[1].command_lines(&c).unwrap()[0].argv);
        assert_eq!(sol, "liqshot render --symbol=SOL '--output=/srv/liq/img/{symbol}.png' '--output=/abs/{symbol}.svg' --latest --theme=dark");
        assert!(c.jobs[0].describe().starts_with("report BTC,ETH, windows 24h,7d -> /srv/liq/reports/"));
    }

    #[test]
    fn jobs_may_have_their_own_http_and_leverage_tables() {
        let c = parse(
            "[leverage]\nposition_usd = 5000\n[http]\nretries = 2\n\
             [[job]]\nname = \"hi\"\ncommand = \"render\"\nsymbols = \"BTC\"\noutputs = [\"a.png\"]\n\
             [job.leverage]\nshow = [50, 100]\n[job.http]\nretries = 5\n",
        )
        .unwrap();
        let line = shell_line(&c.jobs[0].command_lines(&c).unwrap()[0].argv);
        assert!(line.contains("--leverage=50,100") && line.contains("--retries=5") && line.contains("--position-usd=5000"), "{line}");
        assert!(!line.contains("--retries=2"), "the job's table replaces the section's value: {line}");
        let e = parse("[[job]]\nname = \"hi\"\ncommand = \"render\"\nsymbols = \"BTC\"\noutputs = [\"a.png\"]\n[job.leverage]\nmixx = 1\n").unwrap_err();
        assert!(e.contains("job \"hi\".leverage.mixx: unknown key (allowed in job \"hi\".leverage: mix, show, half_life, position_usd)"), "{e}");
    }

    #[test]
    fn job_errors_name_the_job_and_key() {
        let e = |text: &str| parse(text).unwrap_err();
        let job = |extra: &str| format!("[[job]]\nname = \"d\"\ncommand = \"render\"\nsymbols = [\"BTC\"]\noutputs = [\"o/{{symbol}}.png\"]\n{extra}");
        assert!(e(&job("colour = 1")).contains("job \"d\".colour: unknown key (allowed in a job: name, command, symbols, windows, outputs"), "{}", e(&job("colour = 1")));
        assert!(e(&job("window = \"24h\"")).contains("a job has windows"));
        assert!(e(&job("templates = \"t\"")).contains("job \"d\".templates: not used by a render job"));
        let fetch = "[[job]]\nname = \"f\"\ncommand = \"fetch\"\nsymbols = \"BTC\"\noutputs = [\"a.json\"]\n[job.leverage]\nshow = [50]\n";
        assert!(e(fetch).contains("job \"f\".leverage.show: not used by a fetch job"), "{}", e(fetch));
        assert!(e(&job("windows = [\"24h\", \"7d\"]")).contains("several windows need {window}"));
        assert!(e(&job("windows = [\"1 day\"]")).contains("job \"d\".windows: \"1 day\" is not a duration"));
        assert!(e("[[job]]\nname = \"d\"\ncommand = \"draw\"\n").contains("\"draw\" is not a job command (use render, report or fetch)"));
        assert!(e("[[job]]\ncommand = \"render\"\n").contains("job[0]: missing key name"));
        assert!(e("[[job]]\nname = \"d\"\ncommand = \"report\"\nsymbols = \"BTC\"\n").contains("missing key out_dir"));
        assert!(e("[[job]]\nname = \"d\"\ncommand = \"render\"\nsymbols = \"BTC\"\noutputs = [\"a.jpg\"]\n").contains("job \"d\".outputs: /srv/liq/a.jpg: unknown image format (use a .png or .svg"));
        assert!(e(&format!("{}{}", job(""), job(""))).contains("job \"d\": two jobs have this name"));
        assert!(e("[[job]]\nname = \"f\"\ncommand = \"fetch\"\nsymbols = \"BTC\"\noutputs = [\"a.json\", \"b.json\"]\n").contains("one snapshot file"));
        assert!(e("[[job]]\nname = \"d\"\ncommand = \"render\"\nsymbols = \"BTC,ETH-USD\"\noutputs = [\"a.png\"]\n").contains("job \"d\".symbols"));
    }

    #[test]
    fn planning_checks_each_command_line() {
        let c = parse(GOOD).unwrap();
        let planned = plan(&c, &["sol".into()]).unwrap();
        assert_eq!(planned.len(), 1);
        assert_eq!(planned[0].title(), "sol");
        let e = plan(&c, &["nope".into()]).err().unwrap().to_string();
        assert!(e.contains("--job nope: no such job") && e.contains("majors, sol"), "{e}");
        // Two symbols into one file: caught before anything runs, naming the job.
        let two = parse("[[job]]\nname = \"x\"\ncommand = \"render\"\nsymbols = \"BTC,ETH\"\noutputs = [\"a.png\"]\n").unwrap();
        let e = plan(&two, &[]).err().unwrap().to_string();
        assert!(e.contains("job \"x\"") && e.contains("several symbols need {symbol}"), "{e}");
        // A window longer than the lookback.
        let long = parse("[defaults]\nlookback = \"1d\"\n[[job]]\nname = \"x\"\ncommand = \"render\"\nsymbols = \"BTC\"\nwindows = \"3d\"\noutputs = [\"a.png\"]\n").unwrap();
        assert!(plan(&long, &[]).err().unwrap().to_string().contains("--window is longer than --lookback"));
    }
}
