//! Parsing the time formats found in exchange CSV exports, and formatting times for notes.

use chrono::{DateTime, NaiveDateTime, Utc};

/// What [`parse_time`] accepts, for error messages.
pub(crate) const ACCEPTED: &str =
    "expected YYYY-MM-DD HH:MM:SS (UTC), RFC 3339, or epoch seconds/milliseconds/microseconds";

/// Parses a time cell.
///
/// Accepted:
/// * an unsigned integer, read as epoch seconds (< 1e11), milliseconds (< 1e14) or
///   microseconds (< 1e17) by its magnitude;
/// * `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS`, optionally with a fraction, read as UTC;
/// * RFC 3339 with an offset (`2025-11-01T00:00:00Z`, `2025-11-01 05:00:00+05:00`).
///
/// The error is a short description of what is wrong (without file or line).
pub(crate) fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty value".into());
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return parse_epoch(s);
    }
    if s.starts_with('-') && s[1..].bytes().all(|b| b.is_ascii_digit()) && s.len() > 1 {
        return Err(format!("{s:?} is a negative epoch time"));
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(t.and_utc());
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%#z"] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Ok(t.with_timezone(&Utc));
        }
    }
    Err(format!("{s:?} is not a time ({ACCEPTED})"))
}

/// Reads a string of ASCII digits as epoch seconds, milliseconds or microseconds.
fn parse_epoch(s: &str) -> Result<DateTime<Utc>, String> {
    let v: i64 = s.parse().map_err(|_| format!("{s:?} is too large for an epoch time"))?;
    let t = if v < 100_000_000_000 {
        DateTime::from_timestamp(v, 0)
    } else if v < 100_000_000_000_000 {
        DateTime::from_timestamp_millis(v)
    } else if v < 100_000_000_000_000_000 {
        DateTime::from_timestamp_micros(v)
    } else {
        None
    };
    t.ok_or_else(|| format!("{s:?} is out of range for epoch seconds, milliseconds or microseconds"))
}

/// Formats a time for notes and messages: `2025-11-01 00:05:00`.
pub fn show(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Formats a time span for notes: `2025-11-01 00:00:00 to 2025-11-01 02:25:00 UTC`.
pub fn span(first: DateTime<Utc>, last: DateTime<Utc>) -> String {
    format!("{} to {} UTC", show(first), show(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).unwrap()
    }

    #[test]
    fn epoch_by_magnitude() {
        let want = t("2025-11-01T00:00:00Z");
        assert_eq!(parse_time("1761955200"), Ok(want));
        assert_eq!(parse_time("1761955200000"), Ok(want));
        assert_eq!(parse_time("1761955200000000"), Ok(want));
        assert_eq!(parse_time("0"), Ok(t("1970-01-01T00:00:00Z")));
    }

    #[test]
    fn text_formats() {
        let want = t("2025-11-01T00:05:00Z");
        for s in [
            "2025-11-01 00:05:00",
            "2025-11-01T00:05:00",
            "2025-11-01 00:05:00.000",
            "2025-11-01T00:05:00Z",
            "2025-11-01T05:05:00+05:00",
            "2025-11-01 05:05:00+05:00",
            " 2025-11-01 00:05:00 ",
        ] {
            assert_eq!(parse_time(s), Ok(want), "{s}");
        }
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for s in
            ["", "abc", "-5", "-", "2025-13-01 00:00:00", "99999999999999999999", "123456789012345678", "2025-11-01"]
        {
            let e = parse_time(s).unwrap_err();
            assert!(!e.is_empty(), "{s}");
        }
        assert_eq!(parse_time("abc").unwrap_err(), format!("\"abc\" is not a time ({ACCEPTED})"));
        assert_eq!(parse_time("").unwrap_err(), "empty value");
    }

    #[test]
    fn shows_times() {
        let a = t("2025-11-01T00:00:00Z");
        let b = t("2025-11-01T02:25:00Z");
        assert_eq!(show(a), "2025-11-01 00:00:00");
        assert_eq!(span(a, b), "2025-11-01 00:00:00 to 2025-11-01 02:25:00 UTC");
    }
}
