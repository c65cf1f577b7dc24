//! The keys a config file may hold, the command-line flag each stands for, and the check of
//! its value. A value is checked with the same parser as its flag; the message then names the
//! key instead of the flag (the caller adds the file and the line).

use std::path::Path;

use crate::cli::{parse_duration, parse_size, parse_timeout};
use liqshot::engine::estimate::{leverage, LeverageMix};
use liqshot::error::Error;
use liqshot::fetch::Venue;

/// How a key's value is written and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `"24h"`, `"7d"`.
    Duration,
    /// `"20s"`, `"500ms"`.
    Timeout,
    /// `"1600x900"`.
    Size,
    /// `"x"`, `"telegram"`, `"newsletter"`, `"square"`.
    Preset,
    /// `"dark"` or `"light"`.
    Theme,
    /// `["binance", "bybit"]` or `"binance,bybit"`.
    Venues,
    /// `"https://..."`.
    Url,
    /// A whole number, at least 0.
    Count0,
    /// A whole number, at least 1.
    Count1,
    /// A number above 0.
    Positive,
    /// `true` or `false`.
    Bool,
    /// A file or directory; relative paths are relative to the config file's directory.
    Path,
    /// A list of non-empty texts (`["FOMC 19:00 UTC"]`).
    Texts,
    /// A table `{ 5 = 15, 10 = 30 }` of leverage = weight.
    Mix,
    /// A list of leverages `[25, 50, 100]`.
    Leverages,
}

/// One key: its name in the file, the clap argument id and flag it stands for, its kind.
#[derive(Debug, Clone, Copy)]
pub struct KeyDef {
    pub key: &'static str,
    pub id: &'static str,
    pub flag: &'static str,
    pub kind: Kind,
    /// For a switch: the argument id of the flag that turns it off (`no_latest`), which on the
    /// command line also beats the file.
    pub negation: Option<&'static str>,
}

const fn k(key: &'static str, id: &'static str, flag: &'static str, kind: Kind) -> KeyDef {
    KeyDef { key, id, flag, kind, negation: None }
}

const fn switch(key: &'static str, id: &'static str, flag: &'static str, negation: &'static str) -> KeyDef {
    KeyDef { key, id, flag, kind: Kind::Bool, negation: Some(negation) }
}

/// `[defaults]`: settings for every command and job (each also allowed inside a `[[job]]`,
/// except `window`: a job has `windows`).
pub const DEFAULTS: &[KeyDef] = &[
    k("venues", "exchange", "--exchange", Kind::Venues),
    k("lookback", "lookback", "--lookback", Kind::Duration),
    k("interval", "interval", "--interval", Kind::Duration),
    k("window", "window", "--window", Kind::Duration),
    // --preset and --size exclude each other: the file's one is not added when the command line has the other.
    KeyDef { key: "size", id: "size", flag: "--size", kind: Kind::Size, negation: Some("preset") },
    KeyDef { key: "preset", id: "preset", flag: "--preset", kind: Kind::Preset, negation: Some("size") },
    k("theme", "theme", "--theme", Kind::Theme),
    k("color_max", "color_max", "--color-max", Kind::Positive),
    k("jobs", "jobs", "--jobs", Kind::Count1),
    k("cache_dir", "cache_dir", "--cache-dir", Kind::Path),
    switch("no_cache", "no_cache", "--no-cache", "cache"),
    switch("latest", "latest", "--latest", "no_latest"),
    k("templates", "templates", "--templates", Kind::Path),
    switch("front_matter", "front_matter", "--front-matter", "no_front_matter"),
    k("image_base_url", "image_base_url", "--image-base-url", Kind::Url),
    k("events", "events", "--event", Kind::Texts),
    k("events_file", "events_file", "--events-file", Kind::Path),
    k("archive_max", "archive_max", "--archive-max", Kind::Count1),
    k("site_url", "site_url", "--site-url", Kind::Url),
];

/// `[http]`: how the exchanges are reached.
pub const HTTP: &[KeyDef] = &[
    k("timeout", "timeout", "--timeout", Kind::Timeout),
    k("connect_timeout", "connect_timeout", "--connect-timeout", Kind::Timeout),
    k("retries", "retries", "--retries", Kind::Count0),
    k("parallel", "parallel", "--parallel", Kind::Count1),
    k("binance_url", "binance_url", "--binance-url", Kind::Url),
    k("bybit_url", "bybit_url", "--bybit-url", Kind::Url),
    k("okx_url", "okx_url", "--okx-url", Kind::Url),
    k("hyperliquid_url", "hyperliquid_url", "--hyperliquid-url", Kind::Url),
];

/// `[leverage]`: the leverage mix of the estimate.
pub const LEVERAGE: &[KeyDef] = &[
    k("mix", "leverage_mix", "--leverage-mix", Kind::Mix),
    k("show", "leverage", "--leverage", Kind::Leverages),
    k("half_life", "half_life", "--half-life", Kind::Duration),
    k("position_usd", "position_usd", "--position-usd", Kind::Positive),
];

/// Keys only a `[[job]]` has.
pub const JOB_KEYS: &[&str] = &[
    "name",
    "command",
    "symbols",
    "windows",
    "outputs",
    "out_dir",
    "archive",
    "previous",
    "save_snapshot",
    "http",
    "leverage",
];

/// A checked value, ready to become flag arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A switch: `--latest` when true, nothing when false.
    Switch(bool),
    /// `--flag=value`.
    One(String),
    /// `--flag=value` repeated.
    Many(Vec<String>),
}

/// Replaces the flag a parser put at the start of its message with `label`.
pub fn relabel(e: Error, flag: &str, label: &str) -> Error {
    let msg = e.to_string();
    let rest = msg.strip_prefix(flag).unwrap_or(&msg);
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    Error::Usage(format!("{label}: {rest}"))
}

fn type_error(label: &str, expected: &str, v: &toml::Value) -> Error {
    let shown = match v {
        toml::Value::String(s) => format!("{s:?}"),
        toml::Value::Table(_) => "a table".into(),
        toml::Value::Array(_) => "a list".into(),
        other => other.to_string(),
    };
    Error::Usage(format!("{label}: expected {expected}, found {shown}"))
}

/// A string value.
pub fn text(label: &str, v: &toml::Value, expected: &str) -> Result<String, Error> {
    v.as_str().map(str::to_string).ok_or_else(|| type_error(label, expected, v))
}

/// A list of strings, or one string (split at commas when `comma` is set).
pub fn texts(label: &str, v: &toml::Value, comma: bool) -> Result<Vec<String>, Error> {
    match v {
        toml::Value::String(s) if comma => {
            Ok(s.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect())
        }
        toml::Value::String(s) if s.trim().is_empty() => Err(Error::Usage(format!("{label}: empty text"))),
        toml::Value::String(s) => Ok(vec![s.clone()]),
        toml::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let at = format!("{label}[{i}]");
                let s = text(&at, item, "a string")?;
                if s.trim().is_empty() {
                    return Err(Error::Usage(format!("{at}: empty text")));
                }
                Ok(s)
            })
            .collect(),
        other => Err(type_error(label, "a list of strings", other)),
    }
}

fn number(label: &str, v: &toml::Value) -> Result<f64, Error> {
    match v {
        toml::Value::Integer(i) => Ok(*i as f64),
        toml::Value::Float(f) => Ok(*f),
        other => Err(type_error(label, "a number", other)),
    }
}

/// Checks `v` as the value of `def` and turns it into flag arguments. `base` is the config
/// file's directory (relative paths are resolved against it).
pub fn check(def: &KeyDef, label: &str, v: &toml::Value, base: &Path) -> Result<Value, Error> {
    let relabelled = |e: Error| relabel(e, def.flag, label);
    Ok(match def.kind {
        Kind::Duration => {
            let s = text(label, v, "a duration like \"24h\" or \"7d\"")?;
            parse_duration(def.flag, &s).map_err(relabelled)?;
            Value::One(s)
        }
        Kind::Timeout => {
            let s = text(label, v, "a duration like \"20s\" or \"500ms\"")?;
            parse_timeout(def.flag, &s).map_err(relabelled)?;
            Value::One(s)
        }
        Kind::Preset => {
            let s = text(label, v, "a preset name")?;
            crate::cli::options::parse_preset(&s).map_err(|e| Error::Usage(format!("{label}: {e}")))?;
            Value::One(s)
        }
        Kind::Size => {
            let s = text(label, v, "a size like \"1600x900\"")?;
            parse_size(&s).map_err(relabelled)?;
            Value::One(s)
        }
        Kind::Theme => match text(label, v, "\"dark\" or \"light\"")?.as_str() {
            s @ ("dark" | "light") => Value::One(s.into()),
            other => {
                return Err(Error::Usage(format!("{label}: {other:?} is not a theme (use \"dark\" or \"light\")")))
            }
        },
        Kind::Venues => {
            let joined = texts(label, v, true)?.join(",");
            Venue::parse_list(&joined).map_err(relabelled)?;
            Value::One(joined)
        }
        Kind::Url => {
            let s = text(label, v, "an http:// or https:// URL")?;
            let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
            if rest.is_none_or(|r| r.is_empty()) {
                return Err(Error::Usage(format!("{label}: {s:?} is not an http:// or https:// URL")));
            }
            if def.id == "image_base_url" {
                crate::cli::report::check_base_url(&s).map_err(relabelled)?;
            }
            Value::One(s)
        }
        Kind::Count0 | Kind::Count1 => {
            let min = if def.kind == Kind::Count1 { 1 } else { 0 };
            match v.as_integer() {
                Some(n) if n >= min && n <= u32::MAX as i64 => Value::One(n.to_string()),
                Some(n) => {
                    return Err(Error::Usage(format!("{label}: {n} is out of range (a whole number, at least {min})")))
                }
                None => return Err(type_error(label, &format!("a whole number, at least {min}"), v)),
            }
        }
        Kind::Positive => {
            let n = number(label, v)?;
            if !(n.is_finite() && n > 0.0) {
                return Err(Error::Usage(format!("{label}: {n} is not a positive number")));
            }
            Value::One(n.to_string())
        }
        Kind::Bool => Value::Switch(v.as_bool().ok_or_else(|| type_error(label, "true or false", v))?),
        Kind::Path => Value::One(resolve(base, &path_text(label, v)?, false)),
        Kind::Texts => {
            let items = texts(label, v, false)?;
            if let Some(i) = items.iter().position(|s| s.trim().is_empty()) {
                return Err(Error::Usage(format!("{label}[{i}]: empty text")));
            }
            Value::Many(items)
        }
        Kind::Mix => {
            let table = v
                .as_table()
                .ok_or_else(|| type_error(label, "a table of leverage = weight, e.g. { 5 = 15, 10 = 30 }", v))?;
            let mut parts = Vec::new();
            for (lev, w) in table {
                let w = number(&format!("{label}.{lev}"), w)?;
                parts.push(format!("{lev}:{w}"));
            }
            let mix = parts.join(",");
            LeverageMix::parse(&mix).map_err(relabelled)?;
            Value::One(mix)
        }
        Kind::Leverages => {
            let list = match v {
                toml::Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| number(&format!("{label}[{i}]"), x).map(|n| n.to_string()))
                    .collect::<Result<Vec<_>, _>>()?,
                other => return Err(type_error(label, "a list of leverages, e.g. [25, 50, 100]", other)),
            };
            let joined = list.join(",");
            leverage::parse_leverage_list(&joined).map_err(relabelled)?;
            if list.is_empty() {
                return Err(Error::Usage(format!("{label}: empty list")));
            }
            Value::One(joined)
        }
    })
}

/// A non-empty path string.
pub fn path_text(label: &str, v: &toml::Value) -> Result<String, Error> {
    let p = text(label, v, "a path")?;
    if p.trim().is_empty() {
        return Err(Error::Usage(format!("{label}: empty path")));
    }
    Ok(p)
}

/// `path` relative to `base` (a leading `~/` is the home directory). In an output template
/// (`template`), braces of `base` are doubled so they stay literal.
pub fn resolve(base: &Path, path: &str, template: bool) -> String {
    if let Some(rest) = path.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            let home = home.to_string_lossy().into_owned();
            return format!("{}/{rest}", escape(home.trim_end_matches('/'), template));
        }
    }
    if Path::new(path).is_absolute() || base.as_os_str().is_empty() {
        return path.to_string();
    }
    let base = base.to_string_lossy();
    format!("{}/{path}", escape(base.trim_end_matches('/'), template))
}

fn escape(s: &str, template: bool) -> String {
    if template {
        s.replace('{', "{{").replace('}', "}}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(key: &str) -> &'static KeyDef {
        DEFAULTS.iter().chain(HTTP).chain(LEVERAGE).find(|d| d.key == key).unwrap()
    }

    fn val(s: &str) -> toml::Value {
        toml::from_str::<toml::Table>(&format!("v = {s}")).unwrap().remove("v").unwrap()
    }

    #[test]
    fn values_become_flag_arguments() {
        let base = Path::new("/etc/liqshot");
        let c = |key: &str, v: &str| check(def(key), &format!("f.toml: {key}"), &val(v), base);
        assert_eq!(c("venues", r#"["binance", "OKX"]"#).unwrap(), Value::One("binance,OKX".into()));
        assert_eq!(c("venues", r#""bybit, okx""#).unwrap(), Value::One("bybit,okx".into()));
        assert_eq!(c("retries", "0").unwrap(), Value::One("0".into()));
        assert_eq!(c("color_max", "5e7").unwrap(), Value::One("50000000".into()));
        assert_eq!(c("latest", "false").unwrap(), Value::Switch(false));
        assert_eq!(c("templates", r#""tpl""#).unwrap(), Value::One("/etc/liqshot/tpl".into()));
        assert_eq!(c("cache_dir", r#""/var/cache/x""#).unwrap(), Value::One("/var/cache/x".into()));
        assert_eq!(c("events", r#"["FOMC", "CPI"]"#).unwrap(), Value::Many(vec!["FOMC".into(), "CPI".into()]));
        assert_eq!(c("mix", "{ 10 = 30, 5 = 15 }").unwrap(), Value::One("10:30,5:15".into()));
        assert_eq!(c("show", "[25, 50]").unwrap(), Value::One("25,50".into()));
    }

    #[test]
    fn bad_values_name_the_file_the_key_and_what_is_allowed() {
        let base = Path::new("");
        let e =
            |key: &str, v: &str| check(def(key), &format!("f.toml: s.{key}"), &val(v), base).unwrap_err().to_string();
        assert_eq!(
            e("venues", r#"["kraken"]"#),
            r#"f.toml: s.venues: unknown venue "kraken" (use binance, bybit, okx, hyperliquid)"#
        );
        assert_eq!(
            e("window", r#""3 days""#),
            r#"f.toml: s.window: "3 days" is not a duration like 12h, 24h, 3d or 7d"#
        );
        assert_eq!(e("window", "24"), "f.toml: s.window: expected a duration like \"24h\" or \"7d\", found 24");
        assert!(e("size", r#""10x10""#).starts_with("f.toml: s.size: \"10x10\" is not WIDTHxHEIGHT"));
        assert_eq!(e("theme", r#""blue""#), r#"f.toml: s.theme: "blue" is not a theme (use "dark" or "light")"#);
        assert_eq!(e("parallel", "0"), "f.toml: s.parallel: 0 is out of range (a whole number, at least 1)");
        assert_eq!(e("retries", r#""3""#), "f.toml: s.retries: expected a whole number, at least 0, found \"3\"");
        assert_eq!(e("color_max", "-1"), "f.toml: s.color_max: -1 is not a positive number");
        assert_eq!(e("latest", r#""yes""#), "f.toml: s.latest: expected true or false, found \"yes\"");
        assert!(e("mix", "{ 1 = 10 }").contains("f.toml: s.mix: leverage 1 is below 2x"));
        assert_eq!(e("events", r#"["ok", " "]"#), "f.toml: s.events[1]: empty text");
        assert_eq!(
            e("binance_url", r#""ftp://x""#),
            r#"f.toml: s.binance_url: "ftp://x" is not an http:// or https:// URL"#
        );
        assert!(e("timeout", r#""0s""#).starts_with("f.toml: s.timeout: \"0s\" is not a duration"));
        assert_eq!(e("venues", r#"["binance", ""]"#), "f.toml: s.venues[1]: empty text");
        assert_eq!(e("events_file", r#""""#), "f.toml: s.events_file: empty path");
        assert_eq!(
            e("binance_url", r#""https://""#),
            r#"f.toml: s.binance_url: "https://" is not an http:// or https:// URL"#
        );
        let base = Path::new("");
        assert!(check(def("binance_url"), "x", &val(r#""http://a""#), base).is_ok(), "as --binance-url accepts it");
    }

    #[test]
    fn paths_resolve_against_the_config_directory() {
        assert_eq!(resolve(Path::new("/srv/{x}"), "out/{symbol}.png", true), "/srv/{{x}}/out/{symbol}.png");
        assert_eq!(resolve(Path::new("/srv"), "/abs/a.png", true), "/abs/a.png");
        assert_eq!(resolve(Path::new(""), "rel.png", true), "rel.png");
    }
}
