//! `[[job]]` tables: each job is the command line it stands for (`liqshot report --symbol
//! BTC,ETH --out-dir ... --window 24h` plus the file's settings); `liqshot run` (`cli::run`)
//! plans and runs them.

use std::ffi::OsString;
use std::path::Path;

use super::keys::{self, KeyDef};
use super::problems::{did_you_mean, Problems};
use super::{layer, section_settings, Config, Scope, Setting};
use crate::cli::naming::{split_symbols, PathTemplate};
use liqshot::error::Error;

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
    /// report: the publishing archive (`--archive`), instead of `out_dir`.
    pub archive: Option<String>,
    pub previous: Option<String>,
    pub save_snapshot: Option<String>,
    /// The job's own settings (they replace the file's sections).
    pub settings: Vec<Setting>,
    /// Its place among the file's `[[job]]` tables, and the line of its header.
    pub index: usize,
    pub line: Option<usize>,
}

/// A job name: one word, as `--job` takes it.
pub(super) fn is_word(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl Job {
    /// Reads and checks the `index`-th `[[job]]`; every problem goes to `p`. None when it had
    /// any (the other jobs are still checked).
    pub fn parse(p: &mut Problems, base: &Path, index: usize, v: &toml::Value) -> Option<Job> {
        let before = p.len();
        let jp = format!("job[{index}]");
        let Some(t) = v.as_table() else {
            p.add(&jp, format!("{jp}: expected a [[job]] table"));
            return None;
        };
        let name = match t.get("name") {
            Some(n) => {
                match keys::text(&format!("{jp}.name"), n, "a string") {
                    Ok(name) if is_word(&name) => Some(name),
                    Ok(name) => {
                        p.add(&format!("{jp}.name"), format!("{jp}.name: {name:?} must be one word of letters, digits, -, _ or . (it is given to --job)"));
                        None
                    }
                    Err(e) => {
                        p.add(&format!("{jp}.name"), e.to_string());
                        None
                    }
                }
            }
            None => {
                p.add(&jp, format!("{jp}: missing key name (every job needs a name)"));
                None
            }
        };
        // Messages name the job (`job "daily".theme`); lines come from its place (`job[0].theme`).
        let at = name.as_ref().map_or_else(|| jp.clone(), |n| format!("job \"{n}\""));
        let label = |key: &str| format!("{at}.{key}");
        let path = |key: &str| format!("{jp}.{key}");
        let missing = |p: &mut Problems, key: &str, what: &str| p.add(&jp, format!("{at}: missing key {key} ({what})"));
        let not_for = |p: &mut Problems, key: &str, cmd: JobCommand| {
            p.add(&path(key), format!("{}: not used by a {} job", label(key), cmd.name()))
        };

        let command = match t.get("command") {
            Some(c) => match keys::text(&label("command"), c, "\"render\", \"report\" or \"fetch\"") {
                Ok(c) => match c.as_str() {
                    "render" => Some(JobCommand::Render),
                    "report" => Some(JobCommand::Report),
                    "fetch" => Some(JobCommand::Fetch),
                    other => {
                        let names = [JobCommand::Render, JobCommand::Report, JobCommand::Fetch].map(JobCommand::name);
                        let hint = did_you_mean(other, names).map_or(String::new(), |n| format!("; did you mean {n}?"));
                        p.add(
                            &path("command"),
                            format!(
                                "{}: {other:?} is not a job command{hint} (use render, report or fetch)",
                                label("command")
                            ),
                        );
                        None
                    }
                },
                Err(e) => {
                    p.add(&path("command"), e.to_string());
                    None
                }
            },
            None => {
                missing(p, "command", "render, report or fetch");
                None
            }
        };
        let symbols = match t.get("symbols").map(|s| keys::texts(&label("symbols"), s, true)) {
            Some(Ok(list)) => {
                let joined = list.join(",");
                match split_symbols(&joined) {
                    Ok(_) => Some(joined),
                    Err(e) => {
                        p.add(&path("symbols"), keys::relabel(e, "--symbol", &label("symbols")).to_string());
                        None
                    }
                }
            }
            Some(Err(e)) => {
                p.add_value(&path("symbols"), &label("symbols"), e.to_string());
                None
            }
            None => {
                missing(p, "symbols", "e.g. symbols = [\"BTC\", \"ETH\"]");
                None
            }
        };

        let mut windows = Vec::new();
        match t.get("windows") {
            Some(_) if command == Some(JobCommand::Fetch) => not_for(p, "windows", JobCommand::Fetch),
            Some(wv) => match keys::texts(&label("windows"), wv, true) {
                Ok(list) if list.is_empty() => p.add(
                    &path("windows"),
                    format!("{}: empty list (leave the key out for the default window)", label("windows")),
                ),
                Ok(list) => {
                    let mut seconds = Vec::new();
                    for (i, w) in list.iter().enumerate() {
                        // The element's line when the list is written as one (not "24h,7d").
                        let at = if wv.is_array() { format!("{}[{i}]", path("windows")) } else { path("windows") };
                        match super::super::options::parse_window(w) {
                            Ok(secs) if seconds.contains(&secs) => {
                                p.add(&at, format!("{}: {w} is the same window as one listed before", label("windows")))
                            }
                            Ok(secs) => seconds.push(secs),
                            Err(e) => p.add(&at, keys::relabel(e, "--window", &label("windows")).to_string()),
                        }
                    }
                    windows = list;
                }
                Err(e) => p.add_value(&path("windows"), &label("windows"), e.to_string()),
            },
            None => {}
        }
        let path_key = |p: &mut Problems, key: &str| -> Option<String> {
            match t.get(key).map(|v| keys::path_text(&label(key), v)) {
                Some(Ok(s)) => Some(keys::resolve(base, &s, true)),
                Some(Err(e)) => {
                    p.add(&path(key), e.to_string());
                    None
                }
                None => None,
            }
        };
        let mut outputs: Vec<String> = Vec::new();
        match t.get("outputs") {
            Some(_) if command == Some(JobCommand::Report) => not_for(p, "outputs", JobCommand::Report),
            // A single string is one path (a path may hold a comma).
            Some(o) => match keys::texts(&label("outputs"), o, false) {
                Ok(list) => {
                    outputs = list.iter().map(|o| keys::resolve(base, o, true)).collect();
                    match command {
                        Some(JobCommand::Render) if outputs.is_empty() => p.add(
                            &path("outputs"),
                            format!("{}: empty list (at least one .png or .svg file)", label("outputs")),
                        ),
                        Some(JobCommand::Render) => {
                            for o in &outputs {
                                if let Err(e) = crate::cli::render::format_of(Path::new(o)) {
                                    p.add(&path("outputs"), keys::relabel(e, "-o", &label("outputs")).to_string());
                                }
                            }
                        }
                        Some(JobCommand::Fetch) if outputs.len() != 1 => p.add(
                            &path("outputs"),
                            format!("{}: a fetch job writes one snapshot file (one path)", label("outputs")),
                        ),
                        _ => {}
                    }
                }
                Err(e) => p.add_value(&path("outputs"), &label("outputs"), e.to_string()),
            },
            None if command == Some(JobCommand::Render) => {
                missing(p, "outputs", "the files to write, e.g. outputs = [\"out/{symbol}-{date}.png\"]")
            }
            None if command == Some(JobCommand::Fetch) => {
                missing(p, "outputs", "the snapshot file to write, e.g. outputs = [\"snap/{symbol}.json\"]")
            }
            None => {}
        }
        let out_dir = path_key(p, "out_dir");
        let archive = path_key(p, "archive");
        // A report job writes to out_dir, or into its `archive`.
        let archived = t.contains_key("archive");
        match (command, t.contains_key("out_dir")) {
            (Some(JobCommand::Report), false) if !archived => missing(
                p,
                "out_dir",
                "the report directory, e.g. out_dir = \"reports/{symbol}/{date}\" (or archive = \"site\")",
            ),
            (Some(c @ (JobCommand::Render | JobCommand::Fetch)), true) => not_for(p, "out_dir", c),
            (Some(c @ (JobCommand::Render | JobCommand::Fetch)), false) if archived => not_for(p, "archive", c),
            (Some(JobCommand::Report), true) if archived => p.add(
                &path("archive"),
                format!("{}: a report job writes to out_dir or into its archive, not both", label("archive")),
            ),
            _ => {}
        }
        let previous = path_key(p, "previous");
        if let Some(c @ (JobCommand::Render | JobCommand::Fetch)) = command.filter(|_| t.contains_key("previous")) {
            not_for(p, "previous", c);
        }
        let save_snapshot = path_key(p, "save_snapshot");
        if command == Some(JobCommand::Fetch) && t.contains_key("save_snapshot") {
            not_for(p, "save_snapshot", JobCommand::Fetch);
        }

        // A job has `windows`, not `window`: the unknown key's message suggests it.
        let defs: Vec<KeyDef> = keys::DEFAULTS.iter().copied().filter(|d| d.key != "window").collect();
        let scope = Scope { at: &at, path: &jp, allowed_in: "a job" };
        let mut settings = section_settings(p, base, &scope, t, &defs, keys::JOB_KEYS);
        // [job.http] and [job.leverage]: the sections' keys, for this job only.
        for (sub, sub_defs) in [("http", keys::HTTP), ("leverage", keys::LEVERAGE)] {
            if let Some(v) = t.get(sub) {
                let (sub_at, sub_path) = (label(sub), path(sub));
                match v.as_table() {
                    Some(table) => {
                        let scope = Scope { at: &sub_at, path: &sub_path, allowed_in: &sub_at };
                        settings.extend(section_settings(p, base, &scope, table, sub_defs, &[]));
                    }
                    None => p.add(&sub_path, format!("{sub_at}: expected a [job.{sub}] table")),
                }
            }
        }
        if let Some(c) = command {
            for s in settings.iter().filter(|s| !applies(c, s.id)) {
                p.add_at(s.line, format!("{}: not used by a {} job", s.at, c.name()));
            }
        }

        // Every path must be a valid template (checked here to name the key); with several
        // windows each must use {window}, or the windows would overwrite each other's files.
        let keyed = outputs.iter().map(|o| ("outputs", o)).chain(out_dir.iter().map(|o| ("out_dir", o)));
        let keyed = keyed
            .chain(previous.iter().map(|o| ("previous", o)))
            .chain(save_snapshot.iter().map(|o| ("save_snapshot", o)));
        for (key, o) in keyed {
            match PathTemplate::parse("-o", Path::new(o)) {
                Ok(tpl) if windows.len() > 1 && key != "previous" && !tpl.uses("window") => p.add(
                    &path(key),
                    format!(
                        "{}: {o}: several windows need {{window}} in the path, or they would overwrite each other",
                        label(key)
                    ),
                ),
                Ok(_) => {}
                Err(e) => p.add(&path(key), keys::relabel(e, "-o", &label(key)).to_string()),
            }
        }
        if p.len() > before {
            return None;
        }
        let (name, command, symbols) = (name?, command?, symbols?);
        let line = p.lines.of(&jp);
        Some(Job {
            name,
            command,
            symbols,
            windows,
            outputs,
            out_dir,
            archive,
            previous,
            save_snapshot,
            settings,
            index,
            line,
        })
    }

    /// The command lines of this job, one per window, with `base` (the file's sections) and
    /// the job's settings layered under them.
    pub fn command_lines(&self, config: &Config) -> Result<Vec<layer::Layered>, Error> {
        let settings = layer::merged(&self.settings, &config.settings);
        self.runs()
            .into_iter()
            .map(|w| {
                let mut argv: Vec<String> =
                    vec!["liqshot".into(), self.command.name().into(), format!("--symbol={}", self.symbols)];
                argv.extend(self.outputs.iter().map(|o| format!("--output={o}")));
                argv.extend(self.out_dir.iter().map(|d| format!("--out-dir={d}")));
                argv.extend(self.archive.iter().map(|d| format!("--archive={d}")));
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
        let windows =
            if self.windows.is_empty() { String::new() } else { format!(", windows {}", self.windows.join(",")) };
        let to: Vec<&String> = self.outputs.iter().chain(&self.out_dir).chain(&self.archive).collect();
        format!(
            "{} {}{windows} -> {}",
            self.command.name(),
            self.symbols,
            to.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        )
    }
}

/// Whether a `[defaults]` key makes sense for a job's command (fetch has no chart or report).
fn applies(cmd: JobCommand, id: &str) -> bool {
    const CHART: [&str; 4] = ["size", "preset", "theme", "color_max"];
    const REPORT: [&str; 7] =
        ["templates", "front_matter", "image_base_url", "events", "events_file", "archive_max", "site_url"];
    const ESTIMATE: [&str; 4] = ["leverage_mix", "leverage", "half_life", "position_usd"];
    match cmd {
        JobCommand::Report => true,
        JobCommand::Render => !REPORT.contains(&id),
        JobCommand::Fetch => !CHART.contains(&id) && !REPORT.contains(&id) && !ESTIMATE.contains(&id),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cli::run::shell_line;

    pub(crate) fn parse(text: &str) -> Result<Config, String> {
        Config::parse(Path::new("/srv/liq/liqshot.toml"), text).map_err(|e| e.to_string())
    }

    pub(crate) const GOOD: &str = r#"
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
        assert!(
            line.contains("--leverage=50,100") && line.contains("--retries=5") && line.contains("--position-usd=5000"),
            "{line}"
        );
        assert!(!line.contains("--retries=2"), "the job's table replaces the section's value: {line}");
        let e = parse("[[job]]\nname = \"hi\"\ncommand = \"render\"\nsymbols = \"BTC\"\noutputs = [\"a.png\"]\n[job.leverage]\nmixx = 1\n").unwrap_err();
        assert!(e.ends_with(":7: job \"hi\".leverage.mixx: unknown key; did you mean mix? (allowed in job \"hi\".leverage: mix, show, half_life, position_usd)"), "{e}");
    }

    #[test]
    fn job_errors_name_the_job_and_key() {
        // Every problem of the file, one per line.
        let e = |text: &str| Config::check(Path::new("/srv/liq/liqshot.toml"), text).problems.messages().join("\n");
        let job = |extra: &str| {
            format!("[[job]]\nname = \"d\"\ncommand = \"render\"\nsymbols = [\"BTC\"]\noutputs = [\"o/{{symbol}}.png\"]\n{extra}")
        };
        assert!(
            e(&job("colour = 1"))
                .contains("job \"d\".colour: unknown key (allowed in a job: name, command, symbols, windows, outputs"),
            "{}",
            e(&job("colour = 1"))
        );
        assert!(e(&job("window = \"24h\""))
            .contains("job \"d\".window: unknown key; did you mean windows? (allowed in a job: "));
        assert!(e(&job("templates = \"t\"")).contains("job \"d\".templates: not used by a render job"));
        let fetch = "[[job]]\nname = \"f\"\ncommand = \"fetch\"\nsymbols = \"BTC\"\noutputs = [\"a.json\"]\n[job.leverage]\nshow = [50]\n";
        assert!(e(fetch).contains("job \"f\".leverage.show: not used by a fetch job"), "{}", e(fetch));
        assert!(e(&job("windows = [\"24h\", \"7d\"]")).contains("several windows need {window}"));
        assert!(e(&job("windows = [\"1 day\"]")).contains("job \"d\".windows: \"1 day\" is not a duration"));
        assert!(e("[[job]]\nname = \"d\"\ncommand = \"draw\"\n")
            .contains("\"draw\" is not a job command (use render, report or fetch)"));
        assert!(e("[[job]]\ncommand = \"render\"\n").contains("job[0]: missing key name"));
        assert!(e("[[job]]\nname = \"d\"\ncommand = \"report\"\nsymbols = \"BTC\"\n").contains("missing key out_dir"));
        assert!(e("[[job]]\nname = \"d\"\ncommand = \"render\"\nsymbols = \"BTC\"\noutputs = [\"a.jpg\"]\n")
            .contains("job \"d\".outputs: /srv/liq/a.jpg: unknown image format (use a .png or .svg"));
        assert!(e(&format!("{}{}", job(""), job("")))
            .contains(":7: job \"d\".name: two jobs have this name (the first is on line 2)"));
        assert!(e(
            "[[job]]\nname = \"f\"\ncommand = \"fetch\"\nsymbols = \"BTC\"\noutputs = [\"a.json\", \"b.json\"]\n"
        )
        .contains("one snapshot file"));
        assert!(e("[[job]]\nname = \"d\"\ncommand = \"render\"\nsymbols = \"BTC,ETH-USD\"\noutputs = [\"a.png\"]\n")
            .contains("job \"d\".symbols"));
    }

    #[test]
    fn every_problem_of_a_job_is_reported() {
        let text = "[[job]]\nname = \"d\"\ncommand = \"fetch\"\nwindows = [\"24h\"]\noutputs = [\"a.json\", \"b.json\"]\n\
                    out_dir = \"x\"\ntheme = \"dark\"\nsymbol = \"BTC\"\n[job.leverage]\nshow = [50]\n[job.http]\nretries = \"x\"\n\
                    [[job]]\ncommand = \"render\"\nsymbols = \"BTC\"\nwindows = [\"1d\", \"24h\", \"2 days\"]\noutputs = [\"{symbol}.png\", \"{symbol}.jpg\"]\n";
        let c = Config::check(Path::new("c.toml"), text);
        let want = [
            "c.toml:1: job \"d\": missing key symbols (e.g. symbols = [\"BTC\", \"ETH\"])",
            "c.toml:4: job \"d\".windows: not used by a fetch job",
            "c.toml:5: job \"d\".outputs: a fetch job writes one snapshot file (one path)",
            "c.toml:6: job \"d\".out_dir: not used by a fetch job",
            "c.toml:7: job \"d\".theme: not used by a fetch job",
            "c.toml:8: job \"d\".symbol: unknown key; did you mean symbols? (allowed in a job: ",
            "c.toml:10: job \"d\".leverage.show: not used by a fetch job",
            "c.toml:12: job \"d\".http.retries: expected a whole number, at least 0, found \"x\"",
            "c.toml:13: job[1]: missing key name (every job needs a name)",
            "c.toml:16: job[1].windows: 24h is the same window as one listed before",
            "c.toml:16: job[1].windows: \"2 days\" is not a duration",
            "c.toml:17: job[1].outputs: {symbol}.jpg: unknown image format (use a .png or .svg file name)",
            "c.toml:17: job[1].outputs: {symbol}.png: several windows need {window} in the path",
            "c.toml:17: job[1].outputs: {symbol}.jpg: several windows need {window} in the path",
        ];
        let got = c.problems.messages();
        assert_eq!(got.len(), want.len(), "{got:#?}");
        for (g, w) in got.iter().zip(want) {
            assert!(g.starts_with(w), "want {w}\ngot  {g}");
        }
        assert!(c.config.jobs.is_empty(), "neither job is kept");
    }

    #[test]
    fn values_of_the_wrong_type_are_reported_at_their_line() {
        let text = "[[job]]\nname = 3\ncommand = [\"render\"]\nsymbols = [\"BTC\", 4]\noutputs = { a = 1 }\n\
                    out_dir = 5\nprevious = \"\"\nhttp = 1\n\
                    [[job]]\nname = \"b\"\ncommand = \"render\"\nsymbols = \"BTC\"\nwindows = [\n  \"24h\",\n  true,\n]\n\
                    outputs = \"\"\nsave_snapshot = 1\nleverage = \"x\"\n\
                    [[job]]\nname = \"x y\"\ncommand = 3\nsymbols = 1.5\narchive = []\n";
        let got = Config::check(Path::new("c.toml"), text).problems.messages();
        let want = [
            "c.toml:2: job[0].name: expected a string, found 3",
            "c.toml:3: job[0].command: expected \"render\", \"report\" or \"fetch\", found a list",
            "c.toml:4: job[0].symbols[1]: expected a string, found 4",
            "c.toml:5: job[0].outputs: expected a list of strings, found a table",
            "c.toml:6: job[0].out_dir: expected a path, found 5",
            "c.toml:7: job[0].previous: empty path",
            "c.toml:8: job[0].http: expected a [job.http] table",
            "c.toml:15: job \"b\".windows[1]: expected a string, found true",
            "c.toml:17: job \"b\".outputs: empty text",
            "c.toml:18: job \"b\".save_snapshot: expected a path, found 1",
            "c.toml:19: job \"b\".leverage: expected a [job.leverage] table",
            "c.toml:21: job[2].name: \"x y\" must be one word of letters, digits, -, _ or . (it is given to --job)",
            "c.toml:22: job[2].command: expected \"render\", \"report\" or \"fetch\", found 3",
            "c.toml:23: job[2].symbols: expected a list of strings, found 1.5",
            "c.toml:24: job[2].archive: expected a path, found a list",
        ];
        assert_eq!(got, want);
        let got = |text: &str| Config::check(Path::new("c.toml"), text).problems.messages();
        assert_eq!(got("job = [1]\n"), ["c.toml:1: job[0]: expected a [[job]] table"]);
        assert_eq!(got("job = 1\n"), ["c.toml:1: job: write each job as a [[job]] table"]);
    }
}
