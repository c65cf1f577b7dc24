//! Output paths with placeholders: `out/{symbol}-{date}.png` → `out/BTCUSDT-2025-11-10.png`,
//! and the stable `{symbol}-latest.{ext}` copies written by `--latest`.
//!
//! A [`PathTemplate`] is parsed (and checked) before any data is read or fetched, so an unknown
//! placeholder is a usage error naming the flag; it is expanded per symbol once the snapshot
//! is known.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use liqshot::error::Error;
use liqshot::model::snapshot::MarketSnapshot;

/// The placeholders an output path may use.
pub const PLACEHOLDERS: [&str; 5] = ["symbol", "date", "time", "window", "venues"];

/// One piece of a template: literal text or a placeholder name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Var(&'static str),
}

/// A parsed output path such as `out/{symbol}-{date}.png`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// The flag it came from (`-o`, `--out-dir`, ...), for messages.
    flag: &'static str,
    raw: String,
    parts: Vec<Part>,
}

/// The values of the placeholders for one symbol's outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vars {
    /// `BTCUSDT`.
    pub symbol: String,
    /// The capture time (date `YYYY-MM-DD` and time `HHMM`, UTC).
    pub captured_at: DateTime<Utc>,
    /// `24h`, `7d`.
    pub window: String,
    /// `binance+bybit`.
    pub venues: String,
}

impl Vars {
    /// The values for `snap` shown over `window` (a label such as `24h`).
    pub fn of(snap: &MarketSnapshot, window: &str) -> Self {
        Vars {
            symbol: snap.symbol.clone(),
            captured_at: snap.captured_at,
            window: window.to_string(),
            venues: snap.venue_label(),
        }
    }

    fn get(&self, name: &str) -> String {
        match name {
            "symbol" => self.symbol.clone(),
            "date" => self.captured_at.format("%Y-%m-%d").to_string(),
            "time" => self.captured_at.format("%H%M").to_string(),
            "window" => self.window.clone(),
            "venues" => self.venues.clone(),
            other => unreachable!("placeholder {other} is checked when parsing"),
        }
    }
}

impl PathTemplate {
    /// Parses `path` given to `flag`. `{name}` must be one of [`PLACEHOLDERS`]; `{{` and `}}`
    /// stand for literal braces.
    pub fn parse(flag: &'static str, path: &Path) -> Result<Self, Error> {
        let raw = path
            .to_str()
            .ok_or_else(|| Error::Usage(format!("{flag} {}: not valid UTF-8", path.display())))?
            .to_string();
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    let var = PLACEHOLDERS.iter().find(|p| **p == name).ok_or_else(|| {
                        Error::Usage(format!(
                            "{flag} {raw}: unknown placeholder {{{name}}} (use {})",
                            PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
                        ))
                    })?;
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Var(var));
                }
                '}' => {
                    return Err(Error::Usage(format!("{flag} {raw}: unmatched '}}' (write }}}} for a literal brace)")))
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(PathTemplate { flag, raw, parts })
    }

    /// The path as given.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The path when the template has no placeholder (the same for every symbol).
    pub fn literal(&self) -> Option<PathBuf> {
        match self.parts.as_slice() {
            [] => Some(PathBuf::new()),
            [Part::Text(t)] => Some(PathBuf::from(t)),
            _ => None,
        }
    }

    /// Whether the template uses `{symbol}`.
    pub fn has_symbol(&self) -> bool {
        self.uses("symbol")
    }

    /// Whether the template uses the placeholder `name` (not a literal `{{name}}`).
    pub fn uses(&self, name: &str) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Var(v) if *v == name))
    }

    /// With several symbols, every output must name the symbol, or the files would overwrite
    /// each other: a usage error naming the flag otherwise.
    pub fn check_for(&self, symbols: usize) -> Result<(), Error> {
        if symbols > 1 && !self.has_symbol() {
            return Err(Error::Usage(format!(
                "{} {}: several symbols need {{symbol}} in the path (e.g. out/{{symbol}}-{{date}}.png), or the files would overwrite each other",
                self.flag, self.raw
            )));
        }
        Ok(())
    }

    /// The path for one symbol's values.
    pub fn expand(&self, vars: &Vars) -> PathBuf {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => s.push_str(t),
                Part::Var(v) => s.push_str(&vars.get(v)),
            }
        }
        PathBuf::from(s)
    }
}

/// The stable copy of `output` written by `--latest`: `{symbol}-latest.{ext}` in the same
/// directory (`out/BTCUSDT-2025-11-10.png` → `out/BTCUSDT-latest.png`). A path without an
/// extension (a report directory) gets a sibling `{symbol}-latest`.
pub fn latest_path(output: &Path, symbol: &str) -> PathBuf {
    let name = match output.extension().and_then(|e| e.to_str()) {
        Some(ext) => format!("{symbol}-latest.{ext}"),
        None => format!("{symbol}-latest"),
    };
    match output.parent() {
        Some(dir) => dir.join(name),
        None => PathBuf::from(name),
    }
}

/// The stable copy of the report directory `dir` written by `--latest`: `{symbol}-latest`
/// beside it, whatever dots its name has (`od/v1.2` → `od/BTCUSDT-latest`).
pub fn latest_dir(dir: &Path, symbol: &str) -> PathBuf {
    match dir.parent() {
        Some(parent) => parent.join(format!("{symbol}-latest")),
        None => PathBuf::from(format!("{symbol}-latest")),
    }
}

/// Splits a `--symbol` value into symbols: `BTC,ETH, sol` → `["BTC", "ETH", "sol"]`, in the
/// order given, duplicates (same base asset) dropped.
pub fn split_symbols(list: &str) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    let mut bases: Vec<String> = Vec::new();
    if list.split(',').all(|s| s.trim().is_empty()) {
        return Err(Error::Usage("--symbol: no symbol given (e.g. BTC or BTC,ETH,SOL)".into()));
    }
    for s in list.split(',').map(str::trim) {
        if s.is_empty() {
            return Err(Error::Usage(format!("--symbol {list:?}: empty symbol in the list")));
        }
        let base = liqshot::fetch::symbols::base_asset(s)?;
        if !bases.contains(&base) {
            bases.push(base);
            out.push(s.to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        Vars {
            symbol: "BTCUSDT".into(),
            captured_at: DateTime::parse_from_rfc3339("2025-11-10T09:05:00Z").unwrap().with_timezone(&Utc),
            window: "24h".into(),
            venues: "binance+bybit".into(),
        }
    }

    fn t(s: &str) -> Result<PathTemplate, Error> {
        PathTemplate::parse("-o", Path::new(s))
    }

    #[test]
    fn expands_every_placeholder() {
        let p = t("out/{symbol}/{date}_{time}-{window}-{venues}.png").unwrap();
        assert_eq!(p.expand(&vars()), Path::new("out/BTCUSDT/2025-11-10_0905-24h-binance+bybit.png"));
        assert!(p.has_symbol());
        let plain = t("out/btc.png").unwrap();
        assert_eq!(plain.expand(&vars()), Path::new("out/btc.png"));
        assert!(!plain.has_symbol());
        assert_eq!(plain.literal(), Some(PathBuf::from("out/btc.png")));
        assert_eq!(p.literal(), None);
        assert_eq!(t("a{{b}}/{symbol}.svg").unwrap().expand(&vars()), Path::new("a{b}/BTCUSDT.svg"));
    }

    #[test]
    fn unknown_placeholders_and_stray_braces_are_usage_errors() {
        let err = t("out/{sym}.png").unwrap_err();
        assert!(matches!(err, Error::Usage(_)));
        let msg = err.to_string();
        assert!(msg.starts_with("-o out/{sym}.png: unknown placeholder {sym}"), "{msg}");
        assert!(msg.contains("{symbol}") && msg.contains("{venues}"), "{msg}");
        assert!(t("out/{symbol.png").unwrap_err().to_string().contains("unknown placeholder {symbol.png}"));
        assert!(t("out/x}.png").unwrap_err().to_string().contains("unmatched"));
        let dir = PathTemplate::parse("--out-dir", Path::new("r/{when}")).unwrap_err().to_string();
        assert!(dir.starts_with("--out-dir r/{when}: unknown placeholder {when}"), "{dir}");
    }

    #[test]
    fn several_symbols_need_the_symbol_placeholder() {
        let plain = t("out/{date}.png").unwrap();
        assert!(plain.check_for(1).is_ok());
        let msg = plain.check_for(3).unwrap_err().to_string();
        assert!(msg.starts_with("-o out/{date}.png: several symbols need {symbol}"), "{msg}");
        assert!(t("out/{symbol}.png").unwrap().check_for(3).is_ok());
    }

    #[test]
    fn latest_copies_sit_beside_the_output() {
        assert_eq!(
            latest_path(Path::new("out/BTCUSDT-2025-11-10.png"), "BTCUSDT"),
            Path::new("out/BTCUSDT-latest.png")
        );
        assert_eq!(latest_path(Path::new("x.svg"), "ETHUSDT"), Path::new("ETHUSDT-latest.svg"));
        assert_eq!(latest_path(Path::new("reports/SOLUSDT"), "SOLUSDT"), Path::new("reports/SOLUSDT-latest"));
        assert_eq!(latest_dir(Path::new("od/v1.2"), "BTCUSDT"), Path::new("od/BTCUSDT-latest"));
        assert_eq!(latest_dir(Path::new("r"), "BTCUSDT"), Path::new("BTCUSDT-latest"));
    }

    #[test]
    fn symbol_lists() {
        assert_eq!(split_symbols("BTC,ETH, sol").unwrap(), ["BTC", "ETH", "sol"]);
        assert_eq!(split_symbols("BTC,btcusdt,BTC-USDT").unwrap(), ["BTC"]);
        assert!(split_symbols("BTC,,ETH").unwrap_err().to_string().contains("empty symbol"));
        for empty in ["", " ", ",", " , "] {
            assert_eq!(
                split_symbols(empty).unwrap_err().to_string(),
                "--symbol: no symbol given (e.g. BTC or BTC,ETH,SOL)"
            );
        }
        assert!(matches!(split_symbols("BTC,ETH-USD"), Err(Error::Usage(_))));
    }
}
