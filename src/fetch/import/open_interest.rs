//! Open-interest CSV readers: Binance Vision `metrics` files and plain CSV with
//! a time column and one-sided USD open interest (optionally also funding rates).

use std::path::Path;

use super::table::{self, err_at, err_file, Col, Table};
use super::Parsed;
use crate::error::Error;
use crate::model::snapshot::{FundingPoint, OiPoint};

/// Names accepted for the time column of a plain open-interest CSV.
pub(crate) const TIME_NAMES: [&str; 4] = ["timestamp", "time", "open_time", "create_time"];

const UNRECOGNISED: &str = "not a recognised open-interest CSV (expected a Binance Vision metrics file \
                            or a header with a time column and open_interest_usd)";

/// What an open-interest file holds.
#[derive(Debug)]
pub(crate) struct OiFile {
    /// One-sided USD open interest.
    pub oi: Parsed<OiPoint>,
    /// Funding rates from a `funding_rate` column of a plain CSV, if it has one.
    pub funding: Option<Parsed<FundingPoint>>,
}

/// Reads an open-interest file, detecting its format from the content.
pub(crate) fn read(path: &Path) -> Result<OiFile, Error> {
    parse(&Table::read(path)?)
}

/// Parses open interest from a table (see [`read`]).
pub(crate) fn parse(t: &Table) -> Result<OiFile, Error> {
    let header = t.first()?;
    if !table::is_header(header) {
        return Err(err_file(&t.path, UNRECOGNISED));
    }
    let names = table::names(header);
    let col = |cands: &[&'static str]| table::find(&names, cands).map(|(index, name)| Col { index, name });
    let (format, time, value, funding) = match (col(&["create_time"]), col(&["sum_open_interest_value"])) {
        (Some(time), Some(value)) => ("Binance Vision metrics", time, value, None),
        _ => {
            let time = col(&TIME_NAMES);
            let value = col(&["open_interest_usd", "oi_usd"]);
            match (time, value) {
                (Some(time), Some(value)) => ("plain CSV open interest", time, value, col(&["funding_rate"])),
                (Some(_), None) => {
                    return Err(err_file(
                        &t.path,
                        format!("no \"open_interest_usd\" column ({})", table::found(header)),
                    ))
                }
                (None, Some(_)) => {
                    return Err(err_file(
                        &t.path,
                        format!("no time column (timestamp, time, open_time or create_time; {})", table::found(header)),
                    ))
                }
                (None, None) => return Err(err_file(&t.path, UNRECOGNISED)),
            }
        }
    };
    let rows = t.data_after_header()?;
    let mut oi = Vec::with_capacity(rows.len());
    let mut rates = Vec::new();
    for row in rows {
        let at = time.time(&t.path, row)?;
        let v = value.num(&t.path, row)?;
        if v < 0.0 {
            return Err(err_at(&t.path, row.line, format!("column {:?}: {v} is negative", value.name)));
        }
        oi.push((row.line, at, OiPoint { time: at, oi_usd: v }));
        if let Some(f) = funding {
            // An empty funding cell only means no funding sample on that row.
            if !f.cell(&t.path, row).unwrap_or("").is_empty() {
                rates.push((row.line, at, FundingPoint { time: at, rate: f.num(&t.path, row)? }));
            }
        }
    }
    let oi = Parsed::build(&t.path, format, time.name, oi)?;
    let funding = match funding {
        Some(f) if !rates.is_empty() => {
            Some(Parsed::build(&t.path, "funding_rate column of the open-interest CSV", f.name, rates)?)
        }
        _ => None,
    };
    Ok(OiFile { oi, funding })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<OiFile, Error> {
        parse(&Table::from_bytes(Path::new("oi.csv"), s.as_bytes())?)
    }

    fn err(s: &str) -> String {
        parse_str(s).unwrap_err().to_string()
    }

    const METRICS: &str =
        "create_time,symbol,sum_open_interest,sum_open_interest_value,count_toptrader_long_short_ratio,\
sum_toptrader_long_short_ratio,count_long_short_ratio,sum_taker_long_short_vol_ratio\n\
2025-11-01 00:05:00,BTCUSDT,80000.5,8760000000.25,1.8,1.5,2.0,0.9\n\
2025-11-01 00:00:00,BTCUSDT,80001,8770000000,1.8,1.5,2.0,\n";

    #[test]
    fn binance_vision_metrics() {
        let f = parse_str(METRICS).unwrap();
        assert_eq!(f.oi.format, "Binance Vision metrics");
        assert!(f.oi.resorted);
        assert_eq!(f.oi.items.len(), 2);
        assert_eq!(f.oi.items[0].oi_usd, 8_770_000_000.0);
        assert_eq!(f.oi.items[1].oi_usd, 8_760_000_000.25);
        assert!(f.funding.is_none());
    }

    #[test]
    fn plain_with_and_without_funding() {
        let f = parse_str("timestamp,price,funding_rate,open_interest_usd\n2025-11-01 01:00:00,1,0.0001,723035000\n2025-11-01 03:00:00,1,,721299100\n").unwrap();
        assert_eq!(f.oi.format, "plain CSV open interest");
        assert_eq!(f.oi.items.len(), 2);
        let funding = f.funding.unwrap();
        assert_eq!(funding.items.len(), 1);
        assert_eq!(funding.items[0].rate, 0.0001);
        let f = parse_str("time,oi_usd\n1761955200000,5\n").unwrap();
        assert_eq!(f.oi.items[0].oi_usd, 5.0);
        assert!(f.funding.is_none());
    }

    #[test]
    fn errors() {
        assert_eq!(
            err("timestamp,price\n2025-11-01 00:00:00,1\n"),
            "oi.csv: no \"open_interest_usd\" column (found: timestamp, price)"
        );
        assert_eq!(
            err("when,oi_usd\n2025-11-01 00:00:00,1\n"),
            "oi.csv: no time column (timestamp, time, open_time or create_time; found: when, oi_usd)"
        );
        assert_eq!(err("a,b\n1,2\n"), format!("oi.csv: {UNRECOGNISED}"));
        assert_eq!(err("1,2\n"), format!("oi.csv: {UNRECOGNISED}"));
        assert_eq!(err(""), "oi.csv: line 1: file is empty");
        assert_eq!(err("time,oi_usd\n"), "oi.csv: line 1: header only, no data rows");
        assert_eq!(err("time,oi_usd\n2025-11-01 00:00:00,-1\n"), "oi.csv: line 2: column \"oi_usd\": -1 is negative");
        assert_eq!(
            err("time,oi_usd\n2025-11-01 00:00:00,x\n"),
            "oi.csv: line 2: column \"oi_usd\": \"x\" is not a number"
        );
        assert_eq!(
            err("time,oi_usd,funding_rate\n2025-11-01 00:00:00,1,zz\n"),
            "oi.csv: line 2: column \"funding_rate\": \"zz\" is not a number"
        );
        assert_eq!(
            err("time,oi_usd\r\n2025-11-01 00:00:00,1\r\n2025-11-01 00:00:00,2\r\n"),
            "oi.csv: line 3: duplicate time 2025-11-01 00:00:00 (same as line 2)"
        );
    }
}
