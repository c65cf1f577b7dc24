//! The TOML config file: settings for every command (`[defaults]`, `[http]`, `[leverage]`)
//! and named jobs (`[[job]]`) that `liqshot run` carries out.
//!
//! Precedence: a flag on the command line, then its `LIQSHOT_*` environment variable, then the
//! config file, then the built-in default. The file's settings are turned into the flags they
//! stand for and added to the command line only for flags that neither the command line nor
//! the environment set ([`layer`]), so a value from the file goes through exactly the checks of
//! its flag. Every key and value is also checked when the file is loaded: an unknown key or a
//! bad value is an error naming the file, the key and what is allowed.

pub mod jobs;
pub mod keys;
pub mod layer;

use std::path::{Path, PathBuf};

use crate::error::Error;
use keys::{KeyDef, Value};

/// The file name looked for in the user's config directory.
pub const FILE_NAME: &str = "liqshot.toml";

/// One checked setting: the key it came from and the flag it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// `http.timeout`, `job "daily".theme`: for messages.
    pub at: String,
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
        let text = std::fs::read_to_string(path).map_err(|e| Error::Usage(format!("config file {}: {e}", path.display())))?;
        Config::parse(path, &text)
    }

    /// Checks the text of a config file named `path` (relative paths inside it are resolved
    /// against `path`'s directory).
    pub fn parse(path: &Path, text: &str) -> Result<Config, Error> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| syntax_error(path, text, &e))?;
        let base = path.parent().unwrap_or(Path::new(""));
        let mut settings = Vec::new();
        let mut jobs = Vec::new();
        for (section, v) in &table {
            let defs: &[KeyDef] = match section.as_str() {
                "defaults" => keys::DEFAULTS,
                "http" => keys::HTTP,
                "leverage" => keys::LEVERAGE,
                "job" => {
                    let list = v.as_array().ok_or_else(|| {
                        Error::Usage(format!("{}: job: write each job as a [[job]] table", path.display()))
                    })?;
                    for (i, j) in list.iter().enumerate() {
                        jobs.push(jobs::Job::parse(path, base, i, j)?);
                    }
                    continue;
                }
                other => {
                    return Err(Error::Usage(format!(
                        "{}: unknown section [{other}] (allowed: [defaults], [http], [leverage], [[job]])",
                        path.display()
                    )))
                }
            };
            let t = v.as_table().ok_or_else(|| Error::Usage(format!("{}: {section}: expected a [{section}] table", path.display())))?;
            settings.extend(section_settings(path, base, section, t, defs, &[])?);
        }
        for (i, j) in jobs.iter().enumerate() {
            if jobs[..i].iter().any(|o| o.name == j.name) {
                return Err(Error::Usage(format!("{}: job \"{}\": two jobs have this name", path.display(), j.name)));
            }
        }
        Ok(Config { path: path.to_path_buf(), settings, jobs })
    }
}

/// The settings of one table: every key must be in `defs` or `extra` (handled by the caller).
pub fn section_settings(
    file: &Path,
    base: &Path,
    at: &str,
    t: &toml::Table,
    defs: &[KeyDef],
    extra: &[&str],
) -> Result<Vec<Setting>, Error> {
    let mut out = Vec::new();
    for (key, v) in t {
        if extra.contains(&key.as_str()) {
            continue;
        }
        let Some(def) = defs.iter().find(|d| d.key == key) else {
            let allowed: Vec<&str> = extra.iter().copied().chain(defs.iter().map(|d| d.key)).collect();
            return Err(Error::Usage(format!("{}: unknown key (allowed in {at}: {})", keys::label(file, &format!("{at}.{key}")), allowed.join(", "))));
        };
        let label = keys::label(file, &format!("{at}.{key}"));
        out.push(Setting { at: format!("{at}.{key}"), id: def.id, flag: def.flag, negation: def.negation, value: keys::check(def, &label, v, base)? });
    }
    Ok(out)
}

/// A TOML syntax or type error as one line: `liqshot.toml:3:7: expected ...`.
fn syntax_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let msg = e.message().trim().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Error::Usage(format!("{}:{line}:{col}: {msg}", path.display()))
        }
        None => Error::Usage(format!("{}: {msg}", path.display())),
    }
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
        for want in ["--exchange=binance,okx", "--theme=light", "--latest", "--timeout=10s", "--retries=5", "--leverage-mix=10:50,25:50", "--position-usd=5000"] {
            assert!(args.contains(&want.to_string()), "{want} missing from {args:?}");
        }
        assert!(c.jobs.is_empty());
    }

    #[test]
    fn errors_name_file_key_and_what_is_allowed() {
        let e = parse("[defaults]\nthme = \"dark\"\n").unwrap_err();
        assert!(e.starts_with("/etc/liqshot/liqshot.toml: defaults.thme: unknown key (allowed in defaults: venues, lookback,"), "{e}");
        let e = parse("[defaults]\ntheme = \"blue\"\n").unwrap_err();
        assert_eq!(e, "/etc/liqshot/liqshot.toml: defaults.theme: \"blue\" is not a theme (use \"dark\" or \"light\")");
        let e = parse("[output]\n").unwrap_err();
        assert!(e.contains("unknown section [output] (allowed: [defaults], [http], [leverage], [[job]])"), "{e}");
        let e = parse("[http]\ntimeout = \n").unwrap_err();
        assert!(e.starts_with("/etc/liqshot/liqshot.toml:2:"), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");
        let e = parse("defaults = 3\n").unwrap_err();
        assert!(e.contains("defaults: expected a [defaults] table"), "{e}");
    }
}
