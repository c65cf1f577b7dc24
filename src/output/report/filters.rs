//! Number filters for the report templates. Each takes a number (`none` prints `n/a`;
//! an undefined value is an error, so a typo in a template never prints quietly).
//!
//! | filter | input | output |
//! |---|---|---|
//! | `thousands(decimals=0)` | `1234567.8` | `1,234,568` |
//! | `usd` | `1.2e9`, `3.6e6`, `950` | `$1.2B`, `$3.6M`, `$950` |
//! | `pct` | `1.234` (already in %) | `+1.23%` |
//! | `share(decimals=1)` | `0.035` (a fraction) | `3.5%` |
//! | `prob` | `0.384`, `0.004`, `0.0002`, `0.998` (a probability) | `38%`, `0.4%`, `<0.1%`, `>99%` |
//! | `price` | `109523.4` | `109,523` (about five significant figures) |
//! | `rate` | `0.0001` (funding per period) | `0.0100%` |
//! | `cell` | text | the text made inert for a Markdown table cell (as [`escape_markdown`]; the `.md.j2` auto-escape already does this) |
//! | `yaml` | text | a double-quoted YAML string (for front matter) |
//!
//! Every filter returns a *safe* string: the number filters print only digits, signs, `%`, `$`,
//! `,`, `.` and unit letters, and `cell` / `yaml` have escaped their input for where it goes,
//! so the auto-escape of `.md.j2` and `.html.j2` templates does not escape them a second time.

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind};

use crate::model::fmt;

/// What a filter prints for `none` (a value the data did not allow to compute).
pub(crate) const MISSING: &str = "n/a";

/// Registers every filter of this module on `env`.
pub(crate) fn register(env: &mut Environment<'_>) {
    env.add_filter("thousands", |v: &Value, decimals: Option<usize>| {
        number(v, |x| fmt::thousands(x, decimals.unwrap_or(0)))
    });
    env.add_filter("usd", |v: &Value| number(v, fmt::usd));
    env.add_filter("pct", |v: &Value| number(v, fmt::pct));
    env.add_filter("share", |v: &Value, decimals: Option<usize>| number(v, |x| share(x, decimals.unwrap_or(1))));
    env.add_filter("prob", |v: &Value| number(v, prob));
    env.add_filter("price", |v: &Value| number(v, fmt::price));
    env.add_filter("rate", |v: &Value| number(v, rate));
    env.add_filter("cell", |s: &str| Value::from_safe_string(cell(s)));
    env.add_filter("yaml", |s: &str| Value::from_safe_string(yaml(s)));
}

/// Applies `f` to a number; `none` gives [`MISSING`]; anything else is an error. The result is
/// a safe string (see the module notes).
fn number(v: &Value, f: impl Fn(f64) -> String) -> Result<Value, Error> {
    if v.is_undefined() {
        return Err(Error::new(ErrorKind::UndefinedError, "a number filter got an undefined value"));
    }
    if v.is_none() {
        return Ok(Value::from_safe_string(MISSING.to_string()));
    }
    let x = f64::try_from(v.clone())
        .map_err(|_| Error::new(ErrorKind::InvalidOperation, format!("expected a number, got {} ({v})", v.kind())))?;
    if !x.is_finite() {
        return Ok(Value::from_safe_string(MISSING.to_string()));
    }
    Ok(Value::from_safe_string(f(x)))
}

/// A fraction as a percentage: `0.035` → `3.5%`.
pub fn share(x: f64, decimals: usize) -> String {
    format!("{:.*}%", decimals, x * 100.0)
}

/// A probability as a percentage a trader reads at a glance: whole percents from 1 % to 99 %,
/// one decimal below 1 %, and `<0.1%` / `>99%` at the ends (never a rounded `0%` or `100%`
/// for what is neither impossible nor certain).
pub(crate) fn prob(x: f64) -> String {
    if x <= 0.0 {
        "0%".into()
    } else if x >= 1.0 {
        "100%".into()
    } else if x < 0.0005 {
        "<0.1%".into()
    } else if x < 0.00995 {
        format!("{:.1}%", x * 100.0)
    } else if x < 0.995 {
        format!("{:.0}%", x * 100.0)
    } else {
        ">99%".into()
    }
}

/// A funding rate per period as a percentage with four decimals: `0.0001` → `0.0100%`.
pub fn rate(x: f64) -> String {
    let s = format!("{:.4}%", x * 100.0);
    // `-0.0000%` reads as a negative rate that is not there.
    if s == "-0.0000%" {
        "0.0000%".into()
    } else {
        s
    }
}

/// Text for one Markdown table cell: [`escape_markdown`] (pipes escaped, line breaks turned
/// into spaces, and everything else inert).
pub fn cell(s: &str) -> String {
    escape_markdown(s)
}

/// Makes user text inert wherever it lands in a Markdown document (a paragraph, a list item, a
/// table cell, a heading, link text), for CommonMark, GitHub and kramdown/Jekyll alike:
/// - `&`, `<`, `>` become entities, so no raw HTML (`<script>`) and no autolink survives;
/// - `{` and `}` become entities, so Liquid/Jekyll and Hugo shortcodes see no `{{`/`{%`;
/// - `\`, `|`, `` ` ``, `*`, `_`, `[`, `]`, `~` are backslash-escaped: no table column, code
///   span, emphasis, link or strike-through;
/// - line breaks (and the whitespace around them) collapse to one space, so the value cannot
///   start a new block;
/// - a block marker at the start of the value (`#`, `-`, `+`, `=`, `1.`, `1)`) is escaped, in
///   case the template puts the value at the start of a line.
pub(crate) fn escape_markdown(s: &str) -> String {
    escape_markdown_with(s, true)
}

/// [`escape_markdown`] for a link destination liqshot built (the image URL of e-mail mode):
/// `://`, `www.` and `@` stay as they are, a destination is no autolink.
pub(crate) fn escape_markdown_url(s: &str) -> String {
    escape_markdown_with(s, false)
}

fn escape_markdown_with(s: &str, no_autolinks: bool) -> String {
    let mut flat = String::with_capacity(s.len());
    let mut lines = s.split(['\r', '\n']).map(str::trim).filter(|l| !l.is_empty()).peekable();
    // Keep leading/trailing spaces of a single-line value (they are the template's business).
    if !s.contains(['\r', '\n']) {
        flat.push_str(s);
    } else {
        while let Some(l) = lines.next() {
            flat.push_str(l);
            if lines.peek().is_some() {
                flat.push(' ');
            }
        }
    }
    let mut o = String::with_capacity(flat.len() + 8);
    let start = flat.len() - flat.trim_start().len();
    o.push_str(&flat[..start]);
    let body = &flat[start..];
    // A leading ordered-list marker: digits then `.` or `)`.
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let ordered = digits > 0 && digits <= 9 && matches!(body.as_bytes().get(digits), Some(b'.' | b')'));
    for (i, c) in body.char_indices() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '{' => o.push_str("&#123;"),
            '}' => o.push_str("&#125;"),
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '~' => {
                o.push('\\');
                o.push(c);
            }
            // `$` before a digit (`$3.6M`) can neither open nor close inline math (a closing
            // `$` must not be followed by a digit), so amounts stay readable.
            '$' if !body[i + 1..].starts_with(|d: char| d.is_ascii_digit()) => o.push_str("\\$"),
            '#' | '-' | '+' | '=' if i == 0 => {
                o.push('\\');
                o.push(c);
            }
            '.' | ')' if ordered && i == digits => {
                o.push('\\');
                o.push(c);
            }
            // No extended autolink (GitHub: `https://…`, `www.…`, `a@b.c`): the character the
            // link is found by becomes an entity, which shows the same.
            ':' if no_autolinks && body[i + 1..].starts_with("//") => o.push_str("&#58;"),
            '@' if no_autolinks => o.push_str("&#64;"),
            '.' if no_autolinks && starts_www(&body[..i]) => o.push_str("&#46;"),
            c => o.push(c),
        }
    }
    o
}

/// Whether `before` ends with a word `www` (any case), which a `.` would make an autolink.
fn starts_www(before: &str) -> bool {
    let n = before.len();
    n >= 3
        && before.is_char_boundary(n - 3)
        && before[n - 3..].eq_ignore_ascii_case("www")
        && !before[..n - 3].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// A double-quoted YAML scalar (JSON string syntax, which YAML accepts).
pub fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_and_mail_addresses_are_no_autolinks() {
        let out = super::escape_markdown(
            "see https://evil.example/x and www.evil.example, WWW.x.y or mail me: a@evil.example",
        );
        assert!(!out.contains("://") && !out.to_lowercase().contains("www.") && !out.contains('@'), "{out}");
        assert_eq!(super::escape_markdown("awww.ok 10:30 //x"), "awww.ok 10:30 //x");
    }

    use super::*;

    #[test]
    fn formats() {
        assert_eq!(share(0.035, 1), "3.5%");
        assert_eq!(rate(0.0001), "0.0100%");
        let probs = [0.0, 0.0002, 0.0005, 0.004, 0.00994, 0.00996, 0.384, 0.5, 0.994, 0.995, 0.9999, 1.0];
        let shown: Vec<String> = probs.iter().map(|&p| prob(p)).collect();
        assert_eq!(shown, ["0%", "<0.1%", "0.1%", "0.4%", "1.0%", "1%", "38%", "50%", "99%", ">99%", ">99%", "100%"]);
        assert_eq!(rate(-0.000_000_01), "0.0000%");
        assert_eq!(rate(-0.00005), "-0.0050%");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(escape_markdown("FOMC 19:00 UTC"), "FOMC 19:00 UTC");
        assert_eq!(escape_markdown("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(escape_markdown("| a | b |"), "\\| a \\| b \\|");
        assert_eq!(escape_markdown("# heading"), "\\# heading");
        assert_eq!(escape_markdown("[x](javascript:alert(1))"), "\\[x\\](javascript:alert(1))");
        assert_eq!(escape_markdown("*bold* _it_ `code` ~~s~~"), "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~");
        assert_eq!(escape_markdown("CPI\n  - item\r\n"), "CPI - item");
        assert_eq!(escape_markdown("{{ 7*7 }} {% x %}"), "&#123;&#123; 7\\*7 &#125;&#125; &#123;% x %&#125;");
        assert_eq!(escape_markdown("1. first; 2) second; 12 pm"), "1\\. first; 2) second; 12 pm");
        assert_eq!(escape_markdown("2) x"), "2\\) x");
        assert_eq!(escape_markdown("> quote & \\| a"), "&gt; quote &amp; \\\\\\| a");
        assert_eq!(escape_markdown("-1.5% + 2"), "\\-1.5% + 2");
        assert_eq!(escape_markdown("ETF $5 and $6"), "ETF $5 and $6");
        assert_eq!(escape_markdown("$x^2$ and $$y$$ $"), "\\$x^2\\$ and \\$\\$y\\$\\$ \\$");
        assert_eq!(yaml("say \"hi\": x"), "\"say \\\"hi\\\": x\"");
    }
}
