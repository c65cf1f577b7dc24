//! Reading a CSV file into rows that remember their line numbers, plus the
//! cell parsers and error helpers shared by the format readers.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::timefmt;
use crate::error::Error;

/// One non-blank CSV record and the (1-based) line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub line: u64,
    pub fields: Vec<String>,
}

/// A whole CSV file: its path (for messages) and its non-blank rows.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub path: PathBuf,
    pub rows: Vec<Row>,
}

/// An error about `path` at `line`: displayed as `path: line N: msg`.
pub(crate) fn err_at(path: &Path, line: u64, msg: impl std::fmt::Display) -> Error {
    Error::InFile { path: path.to_path_buf(), msg: format!("line {line}: {msg}") }
}

/// An error about the whole of `path`: displayed as `path: msg`.
pub(crate) fn err_file(path: &Path, msg: impl std::fmt::Display) -> Error {
    Error::InFile { path: path.to_path_buf(), msg: msg.to_string() }
}

impl Table {
    /// Reads `path`.
    pub fn read(path: &Path) -> Result<Table, Error> {
        let bytes =
            crate::files::input::read_limited(path, crate::files::input::DATA_MAX, crate::files::input::Start::Text)?;
        Table::from_bytes(path, &bytes)
    }

    /// Parses CSV bytes. A UTF-8 byte-order mark is dropped, LF and CRLF line ends
    /// are both accepted, cells are trimmed and blank lines are skipped.
    pub(crate) fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Table, Error> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(bytes);
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        let mut lines = Lines::new(bytes);
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    if record.iter().all(str::is_empty) {
                        continue;
                    }
                    let line = record.position().map_or(0, |p| lines.at(p.byte()));
                    rows.push(Row { line, fields: record.iter().map(str::to_string).collect() });
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| lines.at(p.byte()));
                    let what = match e.kind() {
                        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_string(),
                        _ => e.to_string(),
                    };
                    return Err(if line > 0 { err_at(path, line, what) } else { err_file(path, what) });
                }
            }
        }
        if let Some(header) = rows.first().filter(|r| is_header(r)) {
            let names = names(header);
            if let Some((j, n)) = names.iter().enumerate().find(|(j, n)| !n.is_empty() && names[..*j].contains(n)) {
                let i = names.iter().position(|m| m == n).unwrap_or(0);
                return Err(err_at(
                    path,
                    header.line,
                    format!(
                        "column {:?} appears twice (columns {} and {}): which one is meant?",
                        header.fields[j],
                        i + 1,
                        j + 1
                    ),
                ));
            }
        }
        Ok(Table { path: path.to_path_buf(), rows })
    }

    /// The first row, or an error saying the file is empty.
    pub fn first(&self) -> Result<&Row, Error> {
        self.rows.first().ok_or_else(|| err_at(&self.path, 1, "file is empty"))
    }

    /// The rows after the header, or an error if there are none.
    pub(crate) fn data_after_header(&self) -> Result<&[Row], Error> {
        let header = self.first()?;
        if self.rows.len() < 2 {
            return Err(err_at(&self.path, header.line, "header only, no data rows"));
        }
        Ok(&self.rows[1..])
    }
}

/// Line numbers of byte positions, counted as the reader advances: each call scans only the
/// bytes since the previous one, so numbering every row of a file is linear in its size.
/// (The csv crate's own line count is off with CRLF line ends.)
struct Lines<'a> {
    bytes: &'a [u8],
    /// Bytes before `pos` are counted: `line` is the line `pos` is on.
    pos: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Lines { bytes, pos: 0, line: 1 }
    }

    /// The 1-based line of the first character at or after byte `pos` that is not a line
    /// end. Positions normally only grow; an earlier one is counted again from the start.
    fn at(&mut self, pos: u64) -> u64 {
        let bytes = self.bytes;
        let mut p = usize::try_from(pos).unwrap_or(usize::MAX).min(bytes.len());
        while p < bytes.len() && matches!(bytes[p], b'\r' | b'\n') {
            p += 1;
        }
        if p < self.pos {
            (self.pos, self.line) = (0, 1);
        }
        let seen = &bytes[self.pos..p];
        #[cfg(test)]
        SCANNED.with(|n| n.set(n.get() + seen.len() as u64));
        self.line += seen.iter().filter(|b| **b == b'\n').count() as u64;
        self.pos = p;
        self.line
    }
}

#[cfg(test)]
thread_local! {
    /// Bytes the line counter has looked at on this thread (tests check it stays linear).
    static SCANNED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Whether a row looks like a header: its first cell is neither a number nor a time.
pub(crate) fn is_header(row: &Row) -> bool {
    match row.fields.first() {
        Some(f) => f.parse::<f64>().is_err() && timefmt::parse_time(f).is_err(),
        None => false,
    }
}

/// Header names, lower-cased, for lookups.
pub(crate) fn names(header: &Row) -> Vec<String> {
    header.fields.iter().map(|f| f.trim().to_ascii_lowercase()).collect()
}

/// The index of the first of `candidates` present in `names`, with the name found.
pub(crate) fn find(names: &[String], candidates: &[&'static str]) -> Option<(usize, &'static str)> {
    candidates.iter().find_map(|c| names.iter().position(|n| n == c).map(|i| (i, *c)))
}

/// `found: a, b, c` for "no such column" messages.
pub(crate) fn found(header: &Row) -> String {
    format!("found: {}", header.fields.join(", "))
}

/// One column to read from each row: where it is and what it is called.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col {
    pub index: usize,
    pub name: &'static str,
}

impl Col {
    /// The trimmed cell, or an error if the row is too short.
    pub fn cell<'r>(&self, path: &Path, row: &'r Row) -> Result<&'r str, Error> {
        row.fields.get(self.index).map(String::as_str).ok_or_else(|| {
            err_at(
                path,
                row.line,
                format!("column {:?}: missing (the row has {} columns)", self.name, row.fields.len()),
            )
        })
    }

    /// The cell as a finite number.
    pub fn num(&self, path: &Path, row: &Row) -> Result<f64, Error> {
        let s = self.cell(path, row)?;
        if s.is_empty() {
            return Err(err_at(path, row.line, format!("column {:?}: empty value", self.name)));
        }
        match s.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            Ok(_) => Err(err_at(path, row.line, format!("column {:?}: {s:?} is not a finite number", self.name))),
            Err(_) => Err(err_at(path, row.line, format!("column {:?}: {s:?} is not a number", self.name))),
        }
    }

    /// The cell as a time (see [`timefmt::parse_time`]).
    pub fn time(&self, path: &Path, row: &Row) -> Result<DateTime<Utc>, Error> {
        let s = self.cell(path, row)?;
        timefmt::parse_time(s).map_err(|m| err_at(path, row.line, format!("column {:?}: {m}", self.name)))
    }
}

/// Sorts `(line, time, item)` triples by time and rejects equal times, naming both lines.
/// `what` names the time column in the message. Returns whether the rows were out of order.
pub(crate) fn sort_unique<T>(path: &Path, what: &str, items: &mut [(u64, DateTime<Utc>, T)]) -> Result<bool, Error> {
    let was_sorted = items.windows(2).all(|w| w[0].1 <= w[1].1);
    if !was_sorted {
        // Stable, so rows with equal times keep their order in the file.
        items.sort_by_key(|x| x.1);
    }
    for w in items.windows(2) {
        if w[0].1 == w[1].1 {
            let (a, b) = (w[0].0.min(w[1].0), w[0].0.max(w[1].0));
            return Err(err_at(path, b, format!("duplicate {what} {} (same as line {a})", timefmt::show(w[1].1))));
        }
    }
    Ok(!was_sorted)
}

/// The file name of `path` for provenance notes (the whole path if it has none).
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(s: &str) -> Result<Table, Error> {
        Table::from_bytes(Path::new("t.csv"), s.as_bytes())
    }

    #[test]
    fn a_column_named_twice_is_refused() {
        let err = table("time,close,Close\n2025-11-01T00:00:00Z,1,2\n").unwrap_err().to_string();
        assert_eq!(err, "t.csv: line 1: column \"Close\" appears twice (columns 2 and 3): which one is meant?");
        assert!(table("time,close,,\n2025-11-01T00:00:00Z,1,,\n").is_ok(), "unnamed columns may repeat");
    }

    #[test]
    fn keeps_line_numbers_across_blank_lines_bom_and_crlf() {
        let t = table("\u{feff}a,b\r\n\r\n1, 2\r\n\n  \n3,4\n").unwrap();
        let lines: Vec<u64> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 3, 6]);
        assert_eq!(t.rows[0].fields, vec!["a", "b"]);
        assert_eq!(t.rows[1].fields, vec!["1", "2"]);
    }

    /// Line numbers of late rows and of an error on a late row, with a header, CRLF and LF
    /// line ends mixed, blank lines (empty, spaces, CR only) and a quoted cell holding line
    /// ends: each row is numbered by the line it starts on, counted from the start of the file.
    #[test]
    fn late_rows_and_late_errors_name_the_right_line() {
        let mut s = String::from("\u{feff}open_time,note\r\n");
        let mut expect = vec![1u64];
        let mut line = 2u64;
        for i in 0..3000u64 {
            match i % 7 {
                0 => {
                    s.push_str(&format!("{i},\"two\r\nlines\"\r\n"));
                    expect.push(line);
                    line += 2;
                }
                1 => {
                    s.push_str("\r\n   \n");
                    line += 2;
                    s.push_str(&format!("{i},x\n"));
                    expect.push(line);
                    line += 1;
                }
                2 => {
                    s.push_str(&format!("{i},\"a\nb\nc\"\n"));
                    expect.push(line);
                    line += 3;
                }
                _ => {
                    s.push_str(&format!("{i},plain\r\n"));
                    expect.push(line);
                    line += 1;
                }
            }
        }
        let t = table(&s).unwrap();
        assert_eq!(t.rows.len(), 3001);
        assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), expect);
        assert_eq!(t.rows[1].fields, vec!["0", "two\r\nlines"]);
        assert_eq!(t.rows[3].fields, vec!["2", "a\nb\nc"]);

        // A bad cell on the last row: the message names its line.
        let last = t.rows.last().unwrap().line;
        let p = Path::new("t.csv");
        let e = Col { index: 1, name: "note" }.num(p, t.rows.last().unwrap()).unwrap_err();
        assert_eq!(e.to_string(), format!("t.csv: line {last}: column \"note\": \"plain\" is not a number"));

        // Invalid UTF-8 late in the file (the reader's own error): the line after all of the above.
        let mut b = s.into_bytes();
        b.extend_from_slice(b"\n\r\n9999,\xff\n");
        let e = Table::from_bytes(p, &b).unwrap_err();
        assert_eq!(e.to_string(), format!("t.csv: line {}: not valid UTF-8 text", line + 2));
    }

    /// Numbering rows looks at each byte of the file a bounded number of times, not once per
    /// row before it (which made importing a year of 5-minute klines take minutes). Counts
    /// work, not time, so it cannot flake.
    #[test]
    fn line_numbering_is_linear_in_file_size() {
        let s: String = (0..20_000).map(|i| format!("{i},1.5,2.5\r\n\n")).collect();
        SCANNED.with(|n| n.set(0));
        let t = table(&s).unwrap();
        assert_eq!(t.rows.len(), 20_000);
        assert_eq!(t.rows.last().unwrap().line, 39_999);
        let scanned = SCANNED.with(|n| n.get());
        assert!(scanned <= s.len() as u64, "looked at {scanned} bytes of a {}-byte file", s.len());
    }

    #[test]
    fn empty_and_header_only() {
        let t = table("").unwrap();
        assert_eq!(t.first().unwrap_err().to_string(), "t.csv: line 1: file is empty");
        let t = table("\n\n").unwrap();
        assert!(t.first().is_err());
        let t = table("a,b\n").unwrap();
        assert_eq!(t.data_after_header().unwrap_err().to_string(), "t.csv: line 1: header only, no data rows");
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let e = Table::from_bytes(Path::new("t.csv"), b"a,b\n1,\xff\n").unwrap_err();
        assert_eq!(e.to_string(), "t.csv: line 2: not valid UTF-8 text");
    }

    #[test]
    fn cells() {
        let t = table("x,y\n1.5,abc\n,inf\n7\n").unwrap();
        let p = Path::new("t.csv");
        let x = Col { index: 0, name: "x" };
        let y = Col { index: 1, name: "y" };
        assert_eq!(x.num(p, &t.rows[1]).unwrap(), 1.5);
        assert_eq!(
            y.num(p, &t.rows[1]).unwrap_err().to_string(),
            "t.csv: line 2: column \"y\": \"abc\" is not a number"
        );
        assert_eq!(x.num(p, &t.rows[2]).unwrap_err().to_string(), "t.csv: line 3: column \"x\": empty value");
        assert_eq!(
            y.num(p, &t.rows[2]).unwrap_err().to_string(),
            "t.csv: line 3: column \"y\": \"inf\" is not a finite number"
        );
        assert_eq!(
            y.num(p, &t.rows[3]).unwrap_err().to_string(),
            "t.csv: line 4: column \"y\": missing (the row has 1 columns)"
        );
        assert!(is_header(&t.rows[0]));
        assert!(!is_header(&t.rows[1]));
    }

    #[test]
    fn sorting_and_duplicates() {
        let p = Path::new("t.csv");
        let t = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
        let mut v = vec![(2, t(60), 'a'), (3, t(0), 'b')];
        assert!(sort_unique(p, "time", &mut v).unwrap());
        assert_eq!(v[0].2, 'b');
        let mut v = vec![(2, t(0), 'a'), (3, t(60), 'b')];
        assert!(!sort_unique(p, "time", &mut v).unwrap());
        let mut v = vec![(2, t(60), 'a'), (3, t(0), 'b'), (4, t(60), 'c')];
        assert_eq!(
            sort_unique(p, "open_time", &mut v).unwrap_err().to_string(),
            "t.csv: line 4: duplicate open_time 1970-01-01 00:01:00 (same as line 2)"
        );
    }
}
