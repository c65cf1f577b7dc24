//! Funding-rate CSV readers: Binance Vision `fundingRate` files and plain CSV
//! with a time column and a `funding_rate` (or `rate`) column.

use std::path::Path;

use super::table::{self, err_file, Col, Table};
use super::Parsed;
use crate::error::Error;
use crate::model::snapshot::FundingPoint;

/// Names accepted for the time column of a plain funding CSV.
const TIME_NAMES: [&str; 6] = ["timestamp", "time", "open_time", "create_time", "calc_time", "funding_time"];

const UNRECOGNISED: &str = "not a recognised funding CSV (expected a Binance Vision fundingRate file \
                            or a header with a time column and funding_rate)";

/// Reads a funding file, detecting its format from the content.
pub(crate) fn read(path: &Path) -> Result<Parsed<FundingPoint>, Error> {
    parse(&Table::read(path)?)
}

/// Parses funding rates from a table (see [`read`]).
pub(crate) fn parse(t: &Table) -> Result<Parsed<FundingPoint>, Error> {
    let header = t.first()?;
    if !table::is_header(header) {
        return Err(err_file(&t.path, UNRECOGNISED));
    }
    let names = table::names(header);
    let col = |cands: &[&'static str]| table::find(&names, cands).map(|(index, name)| Col { index, name });
    let (format, time, rate) = match (col(&["calc_time"]), col(&["last_funding_rate"])) {
        (Some(time), Some(rate)) => ("Binance Vision fundingRate", time, rate),
        _ => match (col(&TIME_NAMES), col(&["funding_rate", "rate"])) {
            (Some(time), Some(rate)) => ("plain CSV funding", time, rate),
            (Some(_), None) => {
                return Err(err_file(&t.path, format!("no \"funding_rate\" column ({})", table::found(header))))
            }
            (None, Some(_)) => {
                return Err(err_file(
                    &t.path,
                    format!("no time column (timestamp, time, calc_time or funding_time; {})", table::found(header)),
                ))
            }
            (None, None) => return Err(err_file(&t.path, UNRECOGNISED)),
        },
    };
    let rows = t.data_after_header()?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let at = time.time(&t.path, row)?;
        items.push((row.line, at, FundingPoint { time: at, rate: rate.num(&t.path, row)? }));
    }
    Parsed::build(&t.path, format, time.name, items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Parsed<FundingPoint>, Error> {
        parse(&Table::from_bytes(Path::new("f.csv"), s.as_bytes())?)
    }

    fn err(s: &str) -> String {
        parse_str(s).unwrap_err().to_string()
    }

    #[test]
    fn binance_vision_funding() {
        let p = parse_str("calc_time,funding_interval_hours,last_funding_rate\n1761955200000,8,0.00010000\n1761984000000,8,-0.00002000\n").unwrap();
        assert_eq!(p.format, "Binance Vision fundingRate");
        assert_eq!(p.items.len(), 2);
        assert_eq!(p.items[1].rate, -0.00002);
        assert_eq!(p.items[1].time.timestamp(), 1_761_984_000);
    }

    #[test]
    fn plain_funding() {
        let p = parse_str("time,rate\n2025-11-01T08:00:00Z,0.0001\n2025-11-01T00:00:00Z,0.0002\n").unwrap();
        assert_eq!(p.format, "plain CSV funding");
        assert!(p.resorted);
        assert_eq!(p.items[0].rate, 0.0002);
    }

    #[test]
    fn errors() {
        assert_eq!(
            err("time,price\n2025-11-01 00:00:00,1\n"),
            "f.csv: no \"funding_rate\" column (found: time, price)"
        );
        assert_eq!(err("x,y\n1,2\n"), format!("f.csv: {UNRECOGNISED}"));
        assert_eq!(
            err("calc_time,funding_interval_hours,last_funding_rate\n1761955200000,8,abc\n"),
            "f.csv: line 2: column \"last_funding_rate\": \"abc\" is not a number"
        );
        assert_eq!(
            err("calc_time,funding_interval_hours,last_funding_rate\n1761955200000,8,0.1\n1761955200000,8,0.1\n"),
            "f.csv: line 3: duplicate calc_time 2025-11-01 00:00:00 (same as line 2)"
        );
        assert_eq!(err(""), "f.csv: line 1: file is empty");
    }
}
