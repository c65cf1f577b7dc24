//! Reading the snapshot's candle and sample times: chrono's own `DateTime<Utc>` deserializer
//! (RFC 3339), with a fast path for the form every snapshot writes, `2025-11-01T00:05:00Z`.
//! A snapshot holds one such time per candle, and chrono's general parser was a quarter of the
//! time the example's JSON took to read; any other form, and every error, goes to chrono, so
//! the values and the messages are chrono's.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::de;

/// `#[serde(deserialize_with = "utc::deserialize")]` for a `DateTime<Utc>` field: the same
/// values and errors as chrono's `Deserialize`.
pub fn deserialize<'de, D: de::Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(Visitor)
}

struct Visitor;

impl de::Visitor<'_> for Visitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        // chrono's words, so a wrong type reads the same.
        f.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if let Some(t) = plain_utc(v) {
            return Ok(t);
        }
        v.parse::<DateTime<FixedOffset>>().map(|t| t.with_timezone(&Utc)).map_err(E::custom)
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` (a year from 1000, seconds up to 59) as chrono reads it; `None` for
/// anything else (chrono then parses it or says what is wrong).
fn plain_utc(v: &str) -> Option<DateTime<Utc>> {
    let b = v.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let year = num(0..4).filter(|y| *y >= 1000)?;
    let second = num(17..19).filter(|s| *s < 60)?;
    let date = NaiveDate::from_ymd_opt(year as i32, num(5..7)?, num(8..10)?)?;
    let time = NaiveTime::from_hms_opt(num(11..13)?, num(14..16)?, second)?;
    Some(NaiveDateTime::new(date, time).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Through serde_json, the fast path and chrono's parser side by side.
    fn both(s: &str) -> (Result<DateTime<Utc>, String>, Result<DateTime<Utc>, String>) {
        #[derive(serde::Deserialize)]
        struct Ours(#[serde(deserialize_with = "deserialize")] DateTime<Utc>);
        let json = serde_json::to_string(s).unwrap();
        let ours = serde_json::from_str::<Ours>(&json).map(|o| o.0).map_err(|e| e.to_string());
        let chrono = serde_json::from_str::<DateTime<Utc>>(&json).map_err(|e| e.to_string());
        (ours, chrono)
    }

    #[test]
    fn same_values_and_errors_as_chrono() {
        for s in [
            "2025-11-01T00:05:00Z",
            "1970-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2024-02-29T12:34:56Z",
            "2025-02-29T12:34:56Z",
            "2025-13-01T00:00:00Z",
            "2025-00-10T00:00:00Z",
            "2025-11-31T00:00:00Z",
            "2025-11-01T24:00:00Z",
            "2025-11-01T23:60:00Z",
            "2025-11-01T23:59:60Z",
            "0999-11-01T00:00:00Z",
            "2025-11-01t00:05:00z",
            "2025-11-01 00:05:00Z",
            "2025-11-01T00:05:00+02:00",
            "2025-11-01T00:05:00.250Z",
            "2025-11-01T00:05:00",
            "2025-1x-01T00:05:00Z",
            "+2025-11-01T00:05:00Z",
            "",
            "2025-11-01T00:05:00Zx",
        ] {
            let (ours, chrono) = both(s);
            assert_eq!(ours, chrono, "{s}");
        }
        let wrong_type = |json: &str| {
            #[derive(Debug, serde::Deserialize)]
            struct Ours(
                #[serde(deserialize_with = "deserialize")]
                #[allow(dead_code)]
                DateTime<Utc>,
            );
            let ours = serde_json::from_str::<Ours>(json).unwrap_err().to_string();
            let chrono = serde_json::from_str::<DateTime<Utc>>(json).unwrap_err().to_string();
            assert_eq!(ours, chrono, "{json}");
        };
        wrong_type("12");
        wrong_type("null");
    }
}
