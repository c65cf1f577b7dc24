//! The TOML config file: settings for every command (`[defaults]`, `[http]`, `[leverage]`)
//! and named jobs (`[[job]]`) that `liqshot run` carries out.
//!
//! Precedence: a flag on the command line, then its `LIQSHOT_*` environment variable, then the
//! config file, then the built-in default. The file's settings are turned into the flags they
//! stand for and added to the command line only for flags that neither the command line nor
//! the environment set ([`layer`]), so a value from the file goes through exactly the checks of
//! its flag. Every key and value is also checked when the file is loaded: each unknown key or
//! bad value is a problem naming the file, the line, the key and what is allowed, and all of a
//! file's problems are reported at once, in file order ([`problems`]).

pub mod command;
pub mod jobs;
pub mod keys;
pub mod layer;
pub mod problems;

use std::path::{Path, PathBuf};

use keys::{KeyDef, Value};
use liqshot::error::Error;
pub use problems::Problems;

/// The file name looked for in the user's config directory.
pub const FILE_NAME: &str = "liqshot.toml";

/// One checked setting: the key it came from and the flag it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// `http.timeout`, `job "daily".theme`: for messages.
    pub at: String,
    /// The line of the key in the file.
    pub line: Option<usize>,
    /// The clap argument id (`timeout`).
    pub id: &'static str,
    /// The flag (`--timeout`).
    pub flag: &'static str,
    /// The id of the flag that turns a switch off (`no_latest`).
    pub negation: Option<&'static str>,
    pub value: Value,
}

impl Setting {
    /// The command-line arguments for this setting (`--timeout=20s`; nothing for a false switch).
    pub fn args(&self) -> Vec<String> {
        match &self.value {
            Value::Switch(true) => vec![self.flag.to_string()],
            Value::Switch(false) => Vec::new(),
            Value::One(v) => vec![format!("{}={v}", self.flag)],
            Value::Many(vs) => vs.iter().map(|v| format!("{}={v}", self.flag)).collect(),
        }
    }
}

/// A loaded, checked config file.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file, as named (for messages).
    pub path: PathBuf,
    /// `[defaults]`, `[http]` and `[leverage]`.
    pub settings: Vec<Setting>,
    pub jobs: Vec<jobs::Job>,
}

/// The default config file: `$XDG_CONFIG_HOME/liqshot/liqshot.toml`, else
/// `~/.config/liqshot/liqshot.toml`.
pub fn default_path() -> Option<PathBuf> {
    let absolute = |var: &str| std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_absolute());
    absolute("XDG_CONFIG_HOME")
        .map(|d| d.join("liqshot"))
        .or_else(|| absolute("HOME").map(|h| h.join(".config").join("liqshot")))
        .map(|d| d.join(FILE_NAME))
}

/// The environment variable naming the config file (when `--config` is not given).
pub const ENV: &str = "LIQSHOT_CONFIG";

/// The file `--config` names, else `LIQSHOT_CONFIG` (when set and not empty).
pub fn named(flag: Option<&Path>) -> Option<PathBuf> {
    flag.map(Path::to_path_buf).or_else(|| std::env::var_os(ENV).filter(|v| !v.is_empty()).map(PathBuf::from))
}

/// The config of a run: the file named by `--config` or `LIQSHOT_CONFIG`, which must exist;
/// else the default file when it exists; none with `--no-config`.
pub fn find(flag: Option<&Path>, no_config: bool) -> Result<Option<Config>, Error> {
    if no_config {
        return Ok(None);
    }
    match named(flag).as_deref() {
        Some(p) => Config::load(p).map(Some),
        None => match default_path() {
            Some(p) if p.is_file() => Config::load(&p).map(Some),
            _ => Ok(None),
        },
    }
}

impl Config {
    /// Reads and checks `path`.
    pub fn load(path: &Path) -> Result<Config, Error> {
        Config::parse(path, &read(path)?)
    }

    /// Checks the text of a config file named `path` (relative paths inside it are resolved
    /// against `path`'s directory). With problems, the error is [`Problems::into_error`]: every
    /// problem is reported, not just the first.
    pub fn parse(path: &Path, text: &str) -> Result<Config, Error> {
        let checked = Config::check(path, text);
        if checked.problems.is_empty() {
            Ok(checked.config)
        } else {
            Err(checked.problems.into_error())
        }
    }

    /// Checks every key and value of the text of `path`, collecting each problem instead of
    /// stopping at the first. The config holds the settings and jobs that had none.
    pub fn check(path: &Path, text: &str) -> Checked {
        let base = path.parent().unwrap_or(Path::new(""));
        let mut config = Config { path: path.to_path_buf(), settings: Vec::new(), jobs: Vec::new() };
        let failed = |problems| Checked {
            config: Config { path: path.to_path_buf(), settings: Vec::new(), jobs: Vec::new() },
            problems,
            sections_ok: false,
        };
        let lines = match problems::lines(text) {
            Ok(l) => l,
            Err(syntax) => {
                let mut p = Problems::new(path, problems::Lines::default());
                p.extend(syntax);
                return failed(p);
            }
        };
        let table: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => return failed(problems::toml_error(path, text, &e)),
        };
        let mut p = Problems::new(path, lines);
        let mut section_problems = 0;
        for (section, v) in &table {
            let before = p.len();
            let defs: &[KeyDef] = match section.as_str() {
                "defaults" => keys::DEFAULTS,
                "http" => keys::HTTP,
                "leverage" => keys::LEVERAGE,
                "job" => {
                    match v.as_array() {
                        Some(_) => check_jobs(&mut p, base, text, &mut config.jobs),
                        None => p.add("job", "job: write each job as a [[job]] table"),
                    }
                    continue;
                }
                other => {
                    p.add(other, unknown_section(other, v));
                    section_problems += 1;
                    continue;
                }
            };
            match v.as_table() {
                Some(t) => {
                    let scope = Scope { at: section, path: section, allowed_in: section };
                    config.settings.extend(section_settings(&mut p, base, &scope, t, defs, &[]));
                }
                None => p.add(section, format!("{section}: expected a [{section}] table")),
            }
            section_problems += p.len() - before;
        }
        Checked { config, problems: p, sections_ok: section_problems == 0 }
    }
}

/// The `[[job]]` tables of `text` (a file that parses): each checked on its own; the jobs
/// without problems go to `out`. A second job of a name already used is a problem at its name,
/// and is left out.
fn check_jobs(p: &mut Problems, base: &Path, text: &str, out: &mut Vec<jobs::Job>) {
    let Ok(root) = toml::de::DeTable::parse(text) else { return };
    let list = root.get_ref().iter().find(|(k, _)| k.get_ref() == "job").and_then(|(_, v)| v.get_ref().as_array());
    let mut names: Vec<(String, usize)> = Vec::new();
    for (i, v) in list.into_iter().flatten().enumerate() {
        let Some(table) = jobs::JobTable::read(p, i, v) else { continue };
        let name = table.name().map(str::to_string);
        out.extend(table.check(p, base, i));
        let Some(name) = name else { continue };
        match names.iter().find(|(n, _)| *n == name) {
            Some(&(_, first)) => {
                let on = p
                    .lines
                    .of(&format!("job[{first}].name"))
                    .map_or(String::new(), |l| format!(" (the first is on line {l})"));
                p.add(&format!("job[{i}].name"), format!("job \"{name}\".name: two jobs have this name{on}"));
                out.retain(|j| j.index != i);
            }
            None => names.push((name, i)),
        }
    }
}

/// The text of a config file.
pub fn read(path: &Path) -> Result<String, Error> {
    liqshot::files::input::read_text(path, liqshot::files::input::TEXT_MAX).map_err(|e| match e {
        Error::Io { source, .. } => Error::Usage(format!("config file {}: {source}", path.display())),
        other => Error::Usage(format!("config file {other}")),
    })
}

/// A config file checked key by key: see [`Config::check`].
#[derive(Debug)]
pub struct Checked {
    /// The settings and jobs without problems.
    pub config: Config,
    /// Every problem found, for [`Problems::into_error`].
    pub problems: Problems,
    /// Whether `[defaults]`, `[http]` and `[leverage]` (and the file's top level) had no
    /// problem, so their settings are complete and can be checked together.
    pub sections_ok: bool,
}

/// The sections a file may have.
const SECTIONS: [&str; 4] = ["defaults", "http", "leverage", "job"];

/// The message for a top-level key that is not a section: a near miss of a section's name, or
/// a setting written outside its section.
fn unknown_section(name: &str, v: &toml::Value) -> String {
    let allowed = "(allowed: [defaults], [http], [leverage], [[job]])";
    if !v.is_table() && !v.is_array() {
        let home = [("defaults", keys::DEFAULTS), ("http", keys::HTTP), ("leverage", keys::LEVERAGE)]
            .into_iter()
            .find(|(_, defs)| defs.iter().any(|d| d.key == name));
        if let Some((section, _)) = home {
            return format!("{name}: a setting outside its section (write it under [{section}])");
        }
    }
    let hint = match problems::did_you_mean(name, SECTIONS) {
        Some("job") => "; did you mean [[job]]?".to_string(),
        Some(s) => format!("; did you mean [{s}]?"),
        None => String::new(),
    };
    format!("{name}: unknown section [{name}]{hint} {allowed}")
}

/// A table whose keys are settings: `at` names it in messages (`job "daily".http`), `path`
/// finds its lines (`job[0].http`), `allowed_in` heads the list of its keys (`a job`).
pub struct Scope<'a> {
    pub at: &'a str,
    pub path: &'a str,
    pub allowed_in: &'a str,
}

/// The settings of one table: every key must be in `defs` or `extra` (handled by the caller).
/// Each unknown key or bad value is a problem (the key is left out).
pub fn section_settings(
    p: &mut Problems,
    base: &Path,
    scope: &Scope,
    t: &toml::Table,
    defs: &[KeyDef],
    extra: &[&str],
) -> Vec<Setting> {
    let mut out = Vec::new();
    for (key, v) in t {
        if extra.contains(&key.as_str()) {
            continue;
        }
        let at = format!("{}.{key}", scope.at);
        let path = format!("{}.{key}", scope.path);
        let Some(def) = defs.iter().find(|d| d.key == key) else {
            let allowed: Vec<&str> = extra.iter().copied().chain(defs.iter().map(|d| d.key)).collect();
            let hint = problems::did_you_mean(key, allowed.iter().copied())
                .map_or(String::new(), |k| format!("; did you mean {k}?"));
            p.add(&path, format!("{at}: unknown key{hint} (allowed in {}: {})", scope.allowed_in, allowed.join(", ")));
            continue;
        };
        match keys::check(def, &at, v, base) {
            Ok(value) => out.push(Setting {
                line: p.lines.of(&path),
                at,
                id: def.id,
                flag: def.flag,
                negation: def.negation,
                value,
            }),
            Err(e) => p.add_value(&path, &at, e.to_string()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(Path::new("/etc/liqshot/liqshot.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn sections_become_flag_settings() {
        let c = parse(
            "[defaults]\nvenues = [\"binance\", \"okx\"]\ntheme = \"light\"\nlatest = true\n\
             [http]\ntimeout = \"10s\"\nretries = 5\n[leverage]\nmix = { 10 = 50, 25 = 50 }\nposition_usd = 5000\n",
        )
        .unwrap();
        let args: Vec<String> = c.settings.iter().flat_map(Setting::args).collect();
        for want in [
            "--exchange=binance,okx",
            "--theme=light",
            "--latest",
            "--timeout=10s",
            "--retries=5",
            "--leverage-mix=10:50,25:50",
            "--position-usd=5000",
        ] {
            assert!(args.contains(&want.to_string()), "{want} missing from {args:?}");
        }
        assert!(c.jobs.is_empty());
    }

    #[test]
    fn errors_name_file_key_and_what_is_allowed() {
        let e = parse("[defaults]\nthme = \"dark\"\n").unwrap_err();
        assert!(e.starts_with("/etc/liqshot/liqshot.toml:2: defaults.thme: unknown key; did you mean theme? (allowed in defaults: venues, lookback,"), "{e}");
        let e = parse("[defaults]\ntheme = \"blue\"\n").unwrap_err();
        assert_eq!(
            e,
            "/etc/liqshot/liqshot.toml:2: defaults.theme: \"blue\" is not a theme (use \"dark\" or \"light\")"
        );
        let e = parse("[output]\n").unwrap_err();
        assert!(e.contains("unknown section [output] (allowed: [defaults], [http], [leverage], [[job]])"), "{e}");
        let e = parse("[http]\ntimeout = \n").unwrap_err();
        assert!(e.starts_with("/etc/liqshot/liqshot.toml:2:"), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");
        let e = parse("defaults = 3\n").unwrap_err();
        assert!(e.contains("defaults: expected a [defaults] table"), "{e}");
    }

    fn problems(text: &str) -> (Vec<String>, Checked) {
        let c = Config::check(Path::new("c.toml"), text);
        (c.problems.messages(), c)
    }

    #[test]
    fn every_problem_is_collected_in_file_order_with_its_line() {
        // BTreeMap order would be defaults, http, job, leverage, zones; the file order differs.
        let (p, c) = problems(
            "zones = 1
theme = \"dark\"
[leverage]
show = \"x\"
[http]
retries = -1
parallel = 2
[default]
[[jobs]]
             [defaults]
size = \"1x\"
ThemE = \"dark\"
no-cache = true
",
        );
        assert_eq!(
            p,
            [
                "c.toml:1: zones: unknown section [zones] (allowed: [defaults], [http], [leverage], [[job]])",
                "c.toml:2: theme: a setting outside its section (write it under [defaults])",
                "c.toml:4: leverage.show: expected a list of leverages, e.g. [25, 50, 100], found \"x\"",
                "c.toml:6: http.retries: -1 is out of range (a whole number, at least 0)",
                "c.toml:8: default: unknown section [default]; did you mean [defaults]? (allowed: [defaults], [http], [leverage], [[job]])",
                "c.toml:9: jobs: unknown section [jobs]; did you mean [[job]]? (allowed: [defaults], [http], [leverage], [[job]])",
                "c.toml:11: defaults.size: \"1x\" is not WIDTHxHEIGHT between 720x400 and 8000x8000 (e.g. 1600x900)",
                "c.toml:12: defaults.ThemE: unknown key; did you mean theme? (allowed in defaults: venues, lookback, interval, window, size, preset, theme, color_max, jobs, cache_dir, no_cache, latest, templates, front_matter, image_base_url, events, events_file, archive_max, site_url)",
                "c.toml:13: defaults.no-cache: unknown key; did you mean no_cache? (allowed in defaults: venues, lookback, interval, window, size, preset, theme, color_max, jobs, cache_dir, no_cache, latest, templates, front_matter, image_base_url, events, events_file, archive_max, site_url)",
            ]
        );
        assert!(!c.sections_ok);
        assert_eq!(c.config.settings.len(), 1, "the valid setting is kept: {:?}", c.config.settings);
        assert_eq!(c.config.settings[0].line, Some(7));
        let e = Config::parse(Path::new("c.toml"), "[http]\nretries = -1\nparallel = 0\n").unwrap_err();
        assert_eq!(e.to_string(), "c.toml: 2 problems");
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn bad_jobs_do_not_hide_the_others_and_duplicates_are_named() {
        let job = |name: &str, extra: &str| {
            format!(
                "[[job]]\nname = \"{name}\"\ncommand = \"render\"\nsymbols = \"BTC\"\noutputs = [\"a.png\"]\n{extra}"
            )
        };
        let text = format!(
            "[defaults]\ntheme = \"dark\"\n{}{}{}{}",
            job("a", ""),
            job("b", "colour_max = 3\n"),
            job("a", ""),
            job("c", "")
        );
        let (p, c) = problems(&text);
        assert_eq!(
            p,
            [
                "c.toml:13: job \"b\".colour_max: unknown key; did you mean color_max? (allowed in a job: name, command, symbols, windows, outputs, out_dir, archive, previous, save_snapshot, http, leverage, venues, lookback, interval, size, preset, theme, color_max, jobs, cache_dir, no_cache, latest, templates, front_matter, image_base_url, events, events_file, archive_max, site_url)",
                "c.toml:15: job \"a\".name: two jobs have this name (the first is on line 4)",
            ]
        );
        assert!(c.sections_ok, "job problems leave the sections complete");
        let names: Vec<&str> = c.config.jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
        assert_eq!(c.config.jobs[1].line, Some(19));
    }

    #[test]
    fn a_syntax_error_stops_the_check_and_keeps_its_column() {
        let (p, c) = problems("[defaults]\ntheme = \"dark\"\nsize = 800x450\nthme = 1\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("c.toml:3:8: "), "{p:?}");
        assert!(!c.sections_ok && c.config.settings.is_empty());
    }

    #[test]
    fn a_bad_element_of_a_list_is_reported_at_its_line() {
        let job = "[[job]]\nname = \"j\"\ncommand = \"render\"\nsymbols = \"BTC\"\noutputs = [\"{symbol}-{window}.png\"]\nwindows = [\n  \"24h\",\n  \"1d\",\n]\n";
        let (p, _) =
            problems(&format!("[defaults]\nevents = [\n  \"FOMC\",\n  \" \",\n]\nvenues = [\"binance\",\n  3]\n{job}"));
        assert_eq!(
            p,
            [
                "c.toml:4: defaults.events[1]: empty text",
                "c.toml:7: defaults.venues[1]: expected a string, found 3",
                "c.toml:15: job \"j\".windows: 1d is the same window as one listed before",
            ]
        );
    }
}
