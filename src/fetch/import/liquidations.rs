//! Realized-liquidation CSV (`--liquidations`): a header naming `time`, `side`, `price` and
//! `usd` (in any order, other columns ignored), one liquidation a row. `side` is the side that
//! was liquidated, `long` or `short` (any case); `price` the fill or bankruptcy price; `usd` the
//! notional. Times as the other readers take them (RFC 3339 / ISO 8601, `YYYY-MM-DD HH:MM:SS`
//! UTC, or epoch seconds, milliseconds or microseconds). Several liquidations may share a time;
//! rows equal in all four fields are one event and kept once. A header alone means none.

use super::table::{self, err_at, err_file, Col, Table};
use crate::error::Error;
use crate::model::snapshot::{self, Liquidation, Side};

/// Liquidations read from one file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Read {
    /// Sorted by [`Liquidation::order`], each event once.
    pub items: Vec<Liquidation>,
    /// Rows dropped as exact repeats of another row.
    pub repeats: usize,
}

/// Parses liquidations from a table (see the [module documentation](self)).
pub(crate) fn parse(t: &Table) -> Result<Read, Error> {
    let header = t.first()?;
    if !table::is_header(header) {
        return Err(err_file(&t.path, "no header: expected a first line naming the columns time,side,price,usd"));
    }
    let names = table::names(header);
    let col = |name: &'static str| {
        table::find(&names, &[name]).map(|(index, name)| Col { index, name }).ok_or_else(|| {
            err_file(&t.path, format!("no {name:?} column (expected time,side,price,usd; {})", table::found(header)))
        })
    };
    let (time, side, price, usd) = (col("time")?, col("side")?, col("price")?, col("usd")?);
    // A header alone is a valid file: no liquidations were recorded.
    let rows = &t.rows[1..];
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let at = time.time(&t.path, row)?;
        let s = side.cell(&t.path, row)?;
        let side_value = match s.trim().to_ascii_lowercase().as_str() {
            "long" => Side::Long,
            "short" => Side::Short,
            _ => {
                return Err(err_at(
                    &t.path,
                    row.line,
                    format!("column \"side\": {s:?} is not long or short (the side that was liquidated)"),
                ))
            }
        };
        let positive = |c: &Col| -> Result<f64, Error> {
            let x = c.num(&t.path, row)?;
            if x > 0.0 {
                Ok(x)
            } else {
                Err(err_at(&t.path, row.line, format!("column {:?}: {x} is not positive", c.name)))
            }
        };
        let (p, u) = (positive(&price)?, positive(&usd)?);
        items.push(Liquidation { time: at, side: side_value, price: p, usd: u });
    }
    let n = items.len();
    snapshot::sort_liquidations(&mut items);
    Ok(Read { repeats: n - items.len(), items })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse_str(s: &str) -> Result<Read, Error> {
        parse(&Table::from_bytes(Path::new("l.csv"), s.as_bytes())?)
    }

    fn err(s: &str) -> String {
        parse_str(s).unwrap_err().to_string()
    }

    #[test]
    fn reads_sorts_and_drops_repeats() {
        let r = parse_str(
            "usd,side,time,price,venue\n500,SHORT,2025-11-01T00:10:00Z,110000,x\n1000,long,1761955200000,109000.5,y\n1000,long,2025-11-01 00:00:00,109000.5,z\n",
        )
        .unwrap();
        assert_eq!(r.repeats, 1);
        assert_eq!(r.items.len(), 2);
        assert_eq!(r.items[0], Liquidation { time: r.items[0].time, side: Side::Long, price: 109000.5, usd: 1000.0 });
        assert_eq!(r.items[0].time.timestamp(), 1_761_955_200);
        assert_eq!((r.items[1].side, r.items[1].time.timestamp()), (Side::Short, 1_761_955_800));
    }

    #[test]
    fn bad_lines_name_the_file_line_and_column() {
        let h = "time,side,price,usd\n";
        assert_eq!(
            err(&format!("{h}2025-11-01T00:00:00Z,long,1,2\n2025-11-01T00:00:00Z,buy,1,2\n")),
            "l.csv: line 3: column \"side\": \"buy\" is not long or short (the side that was liquidated)"
        );
        assert_eq!(
            err(&format!("{h}2025-11-01T00:00:00Z,long,-1,2\n")),
            "l.csv: line 2: column \"price\": -1 is not positive"
        );
        assert_eq!(
            err(&format!("{h}2025-11-01T00:00:00Z,long,1,abc\n")),
            "l.csv: line 2: column \"usd\": \"abc\" is not a number"
        );
        assert_eq!(
            err(&format!("{h}2025-11-01T00:00:00Z,short,1,0\n")),
            "l.csv: line 2: column \"usd\": 0 is not positive"
        );
        assert!(err(&format!("{h}yesterday,short,1,1\n"))
            .starts_with("l.csv: line 2: column \"time\": \"yesterday\" is not a time"));
        assert_eq!(
            err(&format!("{h}2025-11-01T00:00:00Z,short\n")),
            "l.csv: line 2: column \"price\": missing (the row has 2 columns)"
        );
        assert_eq!(
            err("time,side,price\n1,long,1\n"),
            "l.csv: no \"usd\" column (expected time,side,price,usd; found: time, side, price)"
        );
        assert_eq!(parse_str(h).unwrap(), Read { items: vec![], repeats: 0 });
        assert!(err("1761955200000,long,1,1\n").starts_with("l.csv: no header"));
    }
}
