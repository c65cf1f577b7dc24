//! Every problem of a config file, collected instead of stopping at the first, with the line
//! each one is on: `liqshot.toml:3: defaults.colour_max: unknown key; did you mean color_max?
//! (allowed in defaults: ...)`. A TOML syntax error keeps the parser's line and column
//! (`liqshot.toml:2:9: ...`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use liqshot::error::Error;

/// One problem: where it is and what is wrong (`defaults.theme: "blue" is not a theme ...`).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based; none when the problem is not tied to one place of the file.
    pub line: Option<usize>,
    /// 1-based, for syntax errors only.
    pub column: Option<usize>,
    pub message: String,
}

/// The line of every key of a file, by its path: `defaults.theme`, `job[1]` (the `[[job]]`
/// header), `job[1].http.retries`, `defaults.events[2]`.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    lines: HashMap<String, usize>,
}

impl Lines {
    /// The line of `path`, else of the nearest enclosing table or list that has one
    /// (`job[0].symbols` when missing: the line of `job[0]`).
    pub fn of(&self, path: &str) -> Option<usize> {
        let mut p = path;
        loop {
            if let Some(&l) = self.lines.get(p) {
                return Some(l);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }
}

/// Byte offset → 1-based line and column, from the line starts computed once.
struct Offsets<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Offsets { text, starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    fn column(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let start = self.starts[self.line(offset) - 1];
        self.text.get(start..offset).map_or(0, |s| s.chars().count()) + 1
    }
}

/// Parses `text` for the line of each key. Err: the syntax errors, each with its line and
/// column, in file order, one per line (the parser's follow-up errors on a line are dropped).
pub fn lines(text: &str) -> Result<Lines, Vec<Problem>> {
    let (root, errors) = DeTable::parse_recoverable(text);
    let at = Offsets::new(text);
    if !errors.is_empty() {
        return Err(syntax_problems(&at, errors.iter().map(|e| (e.span(), e.message()))));
    }
    let mut out = Lines::default();
    walk_table(&at, root.get_ref(), "", &mut out.lines);
    Ok(out)
}

/// The parser's words where they do not say what is wrong in the user's terms: a section given
/// twice (`duplicate key`, at the section's header) and a whole number too large for TOML.
fn reword(at: &Offsets, msg: &str, span: Option<std::ops::Range<usize>>) -> String {
    let line = span.as_ref().and_then(|s| {
        let start = at.starts[at.line(s.start) - 1];
        at.text[start..].lines().next()
    });
    match line.map(str::trim) {
        Some(l) if msg.starts_with("duplicate key") && l.starts_with('[') => {
            let header = l.split('#').next().unwrap_or(l).trim();
            format!("section {header} is given twice (put its keys under one {header})")
        }
        _ if msg.contains("i128") || msg.contains("number too large") => {
            format!("a whole number out of range (TOML integers lie between {} and {})", i64::MIN, i64::MAX)
        }
        _ => msg.to_string(),
    }
}

/// Syntax errors as problems: sorted by position, the first of each line.
fn syntax_problems<'m>(
    at: &Offsets,
    errors: impl IntoIterator<Item = (Option<std::ops::Range<usize>>, &'m str)>,
) -> Vec<Problem> {
    let mut found: Vec<(Option<usize>, Problem)> = errors
        .into_iter()
        .map(|(span, msg)| {
            let msg = reword(at, msg.trim(), span.clone()).replace('\n', " ");
            let offset = span.map(|s| s.start);
            let p = Problem { line: offset.map(|o| at.line(o)), column: offset.map(|o| at.column(o)), message: msg };
            (offset, p)
        })
        .collect();
    found.sort_by_key(|(o, _)| (o.is_none(), *o));
    let mut out: Vec<Problem> = Vec::new();
    for (_, p) in found {
        if p.line.is_some() && out.iter().any(|q| q.line == p.line) {
            continue;
        }
        out.push(p);
    }
    out
}

fn walk_table(at: &Offsets, t: &DeTable, prefix: &str, out: &mut HashMap<String, usize>) {
    for (k, v) in t.iter() {
        let path = if prefix.is_empty() { k.get_ref().to_string() } else { format!("{prefix}.{}", k.get_ref()) };
        let key_line = at.line(k.span().start);
        match v.get_ref() {
            // `[[job]]`: each element's span is its header; the key's line is the first header.
            DeValue::Array(a) => {
                out.insert(path.clone(), key_line);
                for (i, e) in a.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    out.insert(p.clone(), at.line(e.span().start));
                    if let DeValue::Table(t) = e.get_ref() {
                        walk_table(at, t, &p, out);
                    }
                }
            }
            DeValue::Table(sub) => {
                out.insert(path.clone(), key_line);
                walk_table(at, sub, &path, out);
            }
            _ => {
                out.insert(path, key_line);
            }
        }
    }
}

/// The problems of one file, in the order they were found; [`Problems::sorted`] puts them in
/// file order.
#[derive(Debug, Clone)]
pub struct Problems {
    pub file: PathBuf,
    pub lines: Lines,
    list: Vec<Problem>,
}

impl Problems {
    pub fn new(file: &Path, lines: Lines) -> Self {
        Problems { file: file.to_path_buf(), lines, list: Vec::new() }
    }

    /// A problem of the key at `path` (for its line; see [`Lines::of`]).
    pub fn add(&mut self, path: &str, message: impl Into<String>) {
        let line = self.lines.of(path);
        self.list.push(Problem { line, column: None, message: message.into() });
    }

    /// A problem of the value at `path` whose message starts with `at`: when it names an element
    /// of a list (`defaults.events[2]: empty text`), the element's line.
    pub fn add_value(&mut self, path: &str, at: &str, message: impl Into<String>) {
        let message = message.into();
        let index =
            message.strip_prefix(at).and_then(|r| r.strip_prefix('[')).and_then(|r| r.split_once(']')).map(|(i, _)| i);
        match index.filter(|i| i.parse::<usize>().is_ok()) {
            Some(i) => self.add(&format!("{path}[{i}]"), message),
            None => self.add(path, message),
        }
    }

    /// A problem on `line` (none: not tied to a place).
    pub fn add_at(&mut self, line: Option<usize>, message: impl Into<String>) {
        self.list.push(Problem { line, column: None, message: message.into() });
    }

    pub fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        self.list.extend(problems);
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// In file order: by line (stable, so problems of one line keep the order they were
    /// found in), then those without a line.
    pub fn sorted(&self) -> Vec<&Problem> {
        let mut out: Vec<&Problem> = self.list.iter().collect();
        out.sort_by_key(|p| (p.line.is_none(), p.line, p.column));
        out
    }

    /// `FILE:LINE: message` (`FILE:LINE:COLUMN:` for a syntax error, `FILE: ` without a line).
    pub fn render(&self, p: &Problem) -> String {
        let f = self.file.display();
        match (p.line, p.column) {
            (Some(l), Some(c)) => format!("{f}:{l}:{c}: {}", p.message),
            (Some(l), None) => format!("{f}:{l}: {}", p.message),
            _ => format!("{f}: {}", p.message),
        }
    }

    /// Every problem as its line, in file order.
    pub fn messages(&self) -> Vec<String> {
        self.sorted().into_iter().map(|p| self.render(p)).collect()
    }

    /// The error of a file with problems: a single problem is the error itself (one line, as
    /// for any error); with several, each is logged as an error line (in file order) and the
    /// error is the count, `liqshot.toml: 5 problems`. Exit code 2.
    pub fn into_error(self) -> Error {
        let mut lines = self.messages();
        if lines.len() == 1 {
            return Error::Usage(lines.remove(0));
        }
        for (p, text) in self.sorted().into_iter().zip(&lines) {
            let text = text.replace('\r', "\\r").replace('\n', "\\n");
            tracing::error!(file = %self.file.display(), line = p.line, exit_code = 2, "{text}");
        }
        Error::Usage(format!("{}: {} problems", self.file.display(), lines.len()))
    }
}

/// A file `toml`'s parser rejected: its error as a problem with line and column.
pub fn toml_error(file: &Path, text: &str, e: &toml::de::Error) -> Problems {
    let mut p = Problems::new(file, Lines::default());
    p.extend(syntax_problems(&Offsets::new(text), [(e.span(), e.message())]));
    p
}

/// The closest of `allowed` to `typed`, if close enough to be a likely slip: the same apart
/// from case and `-`/`_`, or an edit distance (optimal string alignment, `strsim::osa_distance`:
/// insert, delete, replace, swap two neighbours; by characters) of at most 2 (1 for keys of up to
/// 3 letters).
pub fn did_you_mean<'a>(typed: &str, allowed: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let norm = |s: &str| s.to_lowercase().replace('-', "_");
    let t = norm(typed);
    let limit = if t.chars().count() <= 3 { 1 } else { 2 };
    let mut best: Option<(usize, &str)> = None;
    for a in allowed {
        if a == typed {
            continue;
        }
        let d = if norm(a) == t { 0 } else { strsim::osa_distance(&t, &norm(a)) };
        if d <= limit && !matches!(best, Some((bd, _)) if bd <= d) {
            best = Some((d, a));
        }
    }
    best.map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        use strsim::osa_distance as distance;
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("", "ab"), 2);
        assert_eq!(distance("colour_max", "color_max"), 1);
        assert_eq!(distance("thme", "theme"), 1);
        assert_eq!(distance("tiemout", "timeout"), 1, "a swap of neighbours is one edit");
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("ça", "ca"), 1, "characters, not bytes");
    }

    #[test]
    fn suggestions_are_near_misses_only() {
        let keys = ["venues", "theme", "color_max", "size", "jobs", "symbols", "cache_dir", "no_cache"];
        assert_eq!(did_you_mean("colour_max", keys), Some("color_max"));
        assert_eq!(did_you_mean("symbol", keys), Some("symbols"));
        assert_eq!(did_you_mean("Color-Max", keys), Some("color_max"), "case and - vs _");
        assert_eq!(did_you_mean("cache-dir", keys), Some("cache_dir"));
        assert_eq!(did_you_mean("venus", keys), Some("venues"));
        assert_eq!(did_you_mean("colours", keys), None);
        assert_eq!(did_you_mean("zzz", keys), None);
        assert_eq!(did_you_mean("jo", keys), None, "a short key needs a closer match");
        assert_eq!(did_you_mean("cache", keys), None);
    }

    #[test]
    fn lines_of_keys_tables_and_jobs() {
        let text = "[defaults]\ntheme = \"x\"\nevents = [\n  \"a\",\n  \"b\",\n]\n\n[[job]]\nname = \"a\"\n[job.http]\nretries = 1\n[[job]]\nname = \"b\"\n";
        let l = lines(text).unwrap();
        assert_eq!(l.of("defaults"), Some(1));
        assert_eq!(l.of("defaults.theme"), Some(2));
        assert_eq!(l.of("defaults.events[1]"), Some(5));
        assert_eq!(l.of("defaults.nope"), Some(1), "a missing key: the line of its table");
        assert_eq!(l.of("job[0]"), Some(8));
        assert_eq!(l.of("job[0].http.retries"), Some(11));
        assert_eq!(l.of("job[1].name"), Some(13));
        assert_eq!(l.of("job[1].symbols"), Some(12));
        assert_eq!(l.of("nope"), None);
    }

    #[test]
    fn syntax_errors_one_per_line_in_file_order() {
        let e = lines("a = 1\nb = x\nc = = 2\n").unwrap_err();
        let at: Vec<(Option<usize>, Option<usize>)> = e.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(at, [(Some(2), Some(5)), (Some(3), Some(5))], "{e:?}");
    }

    #[test]
    fn problems_sort_by_line_then_those_without() {
        let mut p = Problems::new(Path::new("c.toml"), Lines::default());
        p.add_at(None, "n1");
        p.add_at(Some(9), "l9a");
        p.add_at(Some(2), "l2");
        p.add_at(None, "n2");
        p.add_at(Some(9), "l9b");
        assert_eq!(p.messages(), ["c.toml:2: l2", "c.toml:9: l9a", "c.toml:9: l9b", "c.toml: n1", "c.toml: n2"]);
        assert_eq!(p.clone().into_error().to_string(), "c.toml: 5 problems");
        let mut one = Problems::new(Path::new("c.toml"), Lines::default());
        one.add_at(Some(3), "k: bad");
        assert_eq!(one.into_error().to_string(), "c.toml:3: k: bad", "one problem is the error itself");
    }
}
