//! Number filters for the report templates. Each takes a number (`none` prints `n/a`;
//! an undefined value is an error, so a typo in a template never prints quietly).
//!
//! | filter | input | output |
//! |---|---|---|
//! | `thousands(decimals=0)` | `1234567.8` | `1,234,568` |
//! | `usd` | `1.2e9`, `3.6e6`, `950` | `$1.2B`, `$3.6M`, `$950` |
//! | `pct` | `1.234` (already in %) | `+1.23%` |
//! | `share(decimals=1)` | `0.035` (a fraction) | `3.5%` |
//! | `price` | `109523.4` | `109,523` (about five significant figures) |
//! | `rate` | `0.0001` (funding per period) | `0.0100%` |
//! | `cell` | text | the text made safe for one Markdown table cell (`\|`, no line breaks) |
//! | `yaml` | text | a double-quoted YAML string |

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind};

use crate::fmt;

/// What a filter prints for `none` (a value the data did not allow to compute).
pub const MISSING: &str = "n/a";

/// Registers every filter of this module on `env`.
pub fn register(env: &mut Environment<'_>) {
    env.add_filter("thousands", |v: &Value, decimals: Option<usize>| number(v, |x| fmt::thousands(x, decimals.unwrap_or(0))));
    env.add_filter("usd", |v: &Value| number(v, fmt::usd));
    env.add_filter("pct", |v: &Value| number(v, fmt::pct));
    env.add_filter("share", |v: &Value, decimals: Option<usize>| number(v, |x| share(x, decimals.unwrap_or(1))));
    env.add_filter("price", |v: &Value| number(v, fmt::price));
    env.add_filter("rate", |v: &Value| number(v, rate));
    env.add_filter("cell", |s: &str| cell(s));
    env.add_filter("yaml", |s: &str| yaml(s));
}

/// Applies `f` to a number; `none` gives [`MISSING`]; anything else is an error.
fn number(v: &Value, f: impl Fn(f64) -> String) -> Result<String, Error> {
    if v.is_undefined() {
        return Err(Error::new(ErrorKind::UndefinedError, "a number filter got an undefined value"));
    }
    if v.is_none() {
        return Ok(MISSING.to_string());
    }
    let x = f64::try_from(v.clone())
        .map_err(|_| Error::new(ErrorKind::InvalidOperation, format!("expected a number, got {} ({v})", v.kind())))?;
    if !x.is_finite() {
        return Ok(MISSING.to_string());
    }
    Ok(f(x))
}

/// A fraction as a percentage: `0.035` → `3.5%`.
pub fn share(x: f64, decimals: usize) -> String {
    format!("{:.*}%", decimals, x * 100.0)
}

/// A funding rate per period as a percentage with four decimals: `0.0001` → `0.0100%`.
pub fn rate(x: f64) -> String {
    let s = format!("{:.4}%", x * 100.0);
    // `-0.0000%` reads as a negative rate that is not there.
    if s == "-0.0000%" { "0.0000%".into() } else { s }
}

/// Text for one Markdown table cell: pipes escaped, line breaks turned into spaces.
pub fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// A double-quoted YAML scalar (JSON string syntax, which YAML accepts).
pub fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(share(0.035, 1), "3.5%");
        assert_eq!(rate(0.0001), "0.0100%");
        assert_eq!(rate(-0.000_000_01), "0.0000%");
        assert_eq!(rate(-0.00005), "-0.0050%");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(yaml("say \"hi\": x"), "\"say \\\"hi\\\": x\"");
    }
}
