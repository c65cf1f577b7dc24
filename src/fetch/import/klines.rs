//! Kline (candle) CSV readers: Binance Vision futures klines (with or without
//! their header row) and plain CSV with named columns.

use std::path::Path;

use super::table::{self, err_at, err_file, Col, Row, Table};
use super::Parsed;
use crate::error::Error;
use crate::model::snapshot::Candle;

/// The 12 columns of a Binance Vision futures kline file, in order.
pub(crate) const BINANCE_COLUMNS: [&str; 12] = [
    "open_time",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "close_time",
    "quote_volume",
    "count",
    "taker_buy_volume",
    "taker_buy_quote_volume",
    "ignore",
];

/// Names accepted for the candle open-time column of a plain CSV.
const TIME_NAMES: [&str; 3] = ["open_time", "timestamp", "time"];

const UNRECOGNISED: &str = "not a recognised kline CSV (expected Binance Vision 12-column klines \
                            or a header with open_time,open,high,low,close,volume)";

/// Where each field of a candle is in a row.
struct Layout {
    time: Col,
    open: Col,
    high: Col,
    low: Col,
    close: Col,
    volume: Col,
    taker_buy: Option<Col>,
}

impl Layout {
    /// The fixed Binance Vision positions.
    fn binance() -> Layout {
        let c = |index: usize| Col { index, name: BINANCE_COLUMNS[index] };
        Layout { time: c(0), open: c(1), high: c(2), low: c(3), close: c(4), volume: c(5), taker_buy: Some(c(9)) }
    }

    /// Positions by header name; `Err` holds the first missing column.
    fn from_header(names: &[String]) -> Result<Layout, &'static str> {
        let need =
            |cands: &[&'static str]| table::find(names, cands).map(|(index, name)| Col { index, name }).ok_or(cands[0]);
        Ok(Layout {
            time: need(&TIME_NAMES)?,
            open: need(&["open"])?,
            high: need(&["high"])?,
            low: need(&["low"])?,
            close: need(&["close"])?,
            volume: need(&["volume"])?,
            taker_buy: need(&["taker_buy_volume"]).ok(),
        })
    }
}

/// Reads a kline file, detecting its format from the content.
pub(crate) fn read(path: &Path) -> Result<Parsed<Candle>, Error> {
    parse(&Table::read(path)?)
}

/// Parses klines from a table (see [`read`]).
pub(crate) fn parse(t: &Table) -> Result<Parsed<Candle>, Error> {
    let first = t.first()?;
    // `fixed` marks the Binance Vision layout, whose rows must have exactly 12 cells.
    let (format, layout, rows, fixed): (&'static str, Layout, &[Row], bool) = if table::is_header(first) {
        let names = table::names(first);
        let rows = t.data_after_header()?;
        if names.len() == 12 && names.iter().zip(BINANCE_COLUMNS).all(|(a, b)| a == b) {
            ("Binance Vision klines (with header)", Layout::binance(), rows, true)
        } else {
            let looks_like_klines = names.iter().any(|n| ["open", "high", "low", "close"].contains(&n.as_str()));
            match Layout::from_header(&names) {
                Ok(l) => ("plain CSV klines", l, rows, false),
                Err(missing) if looks_like_klines => {
                    return Err(err_file(&t.path, format!("no {missing:?} column ({})", table::found(first))))
                }
                Err(_) => return Err(err_file(&t.path, UNRECOGNISED)),
            }
        }
    } else if first.fields.len() == 12 && first.fields[0].bytes().all(|b| b.is_ascii_digit()) {
        ("Binance Vision klines (no header)", Layout::binance(), &t.rows[..], true)
    } else {
        return Err(err_file(&t.path, UNRECOGNISED));
    };
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        if fixed && row.fields.len() != 12 {
            return Err(err_at(&t.path, row.line, format!("expected 12 columns, found {}", row.fields.len())));
        }
        let candle = candle(&t.path, &layout, row)?;
        items.push((row.line, candle.open_time, candle));
    }
    Parsed::build(&t.path, format, "open_time", items)
}

/// Reads and checks one candle.
fn candle(path: &Path, l: &Layout, row: &Row) -> Result<Candle, Error> {
    let open_time = l.time.time(path, row)?;
    let price = |c: Col| -> Result<f64, Error> {
        let x = c.num(path, row)?;
        if x <= 0.0 {
            return Err(err_at(path, row.line, format!("column {:?}: price {x} is not positive", c.name)));
        }
        Ok(x)
    };
    let (open, high, low, close) = (price(l.open)?, price(l.high)?, price(l.low)?, price(l.close)?);
    let volume = l.volume.num(path, row)?;
    let taker_buy_volume = match l.taker_buy {
        Some(c) => Some(c.num(path, row)?),
        None => None,
    };
    if high < low {
        return Err(err_at(path, row.line, format!("high {high} is below low {low}")));
    }
    for (name, x) in [("open", open), ("close", close)] {
        if x < low || x > high {
            return Err(err_at(path, row.line, format!("{name} {x} is outside low..high ({low}..{high})")));
        }
    }
    if volume < 0.0 {
        return Err(err_at(path, row.line, format!("column {:?}: volume {volume} is negative", l.volume.name)));
    }
    if let (Some(c), Some(t)) = (l.taker_buy, taker_buy_volume) {
        if t < 0.0 || t > volume * (1.0 + 1e-9) + 1e-12 {
            return Err(err_at(
                path,
                row.line,
                format!("column {:?}: {t} is not within 0..=volume ({volume})", c.name),
            ));
        }
    }
    Ok(Candle { open_time, open, high, low, close, volume, taker_buy_volume })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Parsed<Candle>, Error> {
        parse(&Table::from_bytes(Path::new("k.csv"), s.as_bytes())?)
    }

    fn err(s: &str) -> String {
        parse_str(s).unwrap_err().to_string()
    }

    const BV: &str = "1761955200000,100,110,90,105,10,1761955499999,1000,5,4,400,0\n\
                      1761955500000,105,106,104,104.5,2,1761955799999,200,3,1.5,150,0\n";

    #[test]
    fn binance_vision_without_and_with_header() {
        let p = parse_str(BV).unwrap();
        assert_eq!(p.format, "Binance Vision klines (no header)");
        assert_eq!(p.items.len(), 2);
        assert_eq!(p.items[0].taker_buy_volume, Some(4.0));
        assert_eq!(p.items[1].open_time.timestamp(), 1_761_955_500);
        let with = format!("{}\n{BV}", BINANCE_COLUMNS.join(","));
        let q = parse_str(&with).unwrap();
        assert_eq!(q.format, "Binance Vision klines (with header)");
        assert_eq!(q.items, p.items);
    }

    #[test]
    fn binance_vision_microseconds() {
        let p = parse_str("1761955200000000,100,110,90,105,10,1761955499999999,1000,5,4,400,0\n").unwrap();
        assert_eq!(p.items[0].open_time.timestamp(), 1_761_955_200);
    }

    #[test]
    fn plain_by_header_name() {
        let p = parse_str("close,open_time,extra,open,high,low,volume\n5,2025-11-01 00:00:00,x,4,6,3,1.5\n").unwrap();
        assert_eq!(p.format, "plain CSV klines");
        let c = p.items[0];
        assert_eq!((c.open, c.high, c.low, c.close, c.volume), (4.0, 6.0, 3.0, 5.0, 1.5));
        assert_eq!(c.taker_buy_volume, None);
        let p = parse_str("open_time,open,high,low,close,volume,taker_buy_volume\n1761955200,4,6,3,5,2,1\n").unwrap();
        assert_eq!(p.items[0].taker_buy_volume, Some(1.0));
    }

    #[test]
    fn sorts_rows() {
        let p = parse_str(
            "open_time,open,high,low,close,volume\n2025-11-01 00:05:00,1,1,1,1,1\n2025-11-01 00:00:00,2,2,2,2,2\n",
        )
        .unwrap();
        assert!(p.resorted);
        assert_eq!(p.items[0].open, 2.0);
    }

    #[test]
    fn bad_rows_name_line_and_column() {
        let h = "open_time,open,high,low,close,volume\n";
        assert_eq!(
            err(&format!("{h}2025-11-01 00:00:00,1,abc,1,1,1\n")),
            "k.csv: line 2: column \"high\": \"abc\" is not a number"
        );
        assert_eq!(
            err(&format!("{h}\n2025-11-01 00:00:00,1,100,101,1,1\n")),
            "k.csv: line 3: high 100 is below low 101"
        );
        assert_eq!(
            err(&format!("{h}2025-11-01 00:00:00,0,1,1,1,1\n")),
            "k.csv: line 2: column \"open\": price 0 is not positive"
        );
        assert_eq!(
            err(&format!("{h}2025-11-01 00:00:00,-2,1,1,1,1\n")),
            "k.csv: line 2: column \"open\": price -2 is not positive"
        );
        assert_eq!(
            err(&format!("{h}2025-11-01 00:00:00,1,NaN,1,1,1\n")),
            "k.csv: line 2: column \"high\": \"NaN\" is not a finite number"
        );
        assert_eq!(
            err(&format!("{h}2025-11-01 00:00:00,5,4,2,3,1\n")),
            "k.csv: line 2: open 5 is outside low..high (2..4)"
        );
        assert_eq!(
            err(&format!("{h}2025-11-01 00:00:00,3,4,2,1,1\n")),
            "k.csv: line 2: close 1 is outside low..high (2..4)"
        );
        assert_eq!(
            err(&format!("{h}2025-11-01 00:00:00,3,4,2,3,-1\n")),
            "k.csv: line 2: column \"volume\": volume -1 is negative"
        );
        assert_eq!(
            err(&format!("{h}2025-11-01 99:00:00,3,4,2,3,1\n")),
            format!(
                "k.csv: line 2: column \"open_time\": \"2025-11-01 99:00:00\" is not a time ({})",
                super::super::timefmt::ACCEPTED
            )
        );
        assert_eq!(
            err("1761955200000,100,110,90,105,10,1761955499999,1000,5,11,400,0\n"),
            "k.csv: line 1: column \"taker_buy_volume\": 11 is not within 0..=volume (10)"
        );
        assert_eq!(
            err("1761955200000,100,110,90,105,10,1761955499999,1000,5,4,400,0\n1761955500000,1,1,1,1\n"),
            "k.csv: line 2: expected 12 columns, found 5"
        );
        assert_eq!(
            err(&format!("{h}2025-11-01 00:00:00,3,4,2\n")),
            "k.csv: line 2: column \"close\": missing (the row has 4 columns)"
        );
    }

    #[test]
    fn duplicates_and_formats() {
        let h = "open_time,open,high,low,close,volume\n";
        assert_eq!(
            err(&format!("{h}2025-11-01 00:00:00,1,1,1,1,1\n2025-11-01 00:05:00,1,1,1,1,1\n1761955200,1,1,1,1,1\n")),
            "k.csv: line 4: duplicate open_time 2025-11-01 00:00:00 (same as line 2)"
        );
        assert_eq!(err(""), "k.csv: line 1: file is empty");
        assert_eq!(err(h), "k.csv: line 1: header only, no data rows");
        assert_eq!(err("a,b,c\n1,2,3\n"), format!("k.csv: {UNRECOGNISED}"));
        assert_eq!(err("1,2,3\n"), format!("k.csv: {UNRECOGNISED}"));
        assert_eq!(
            err("open_time,open,high,low,close\n1,1,1,1,1\n"),
            "k.csv: no \"volume\" column (found: open_time, open, high, low, close)"
        );
    }
}
