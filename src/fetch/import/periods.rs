//! Realized liquidations as period totals (`--liquidations` with `long_usd` and `short_usd`
//! columns): a header naming a time column (`time`, `timestamp`, `open_time` or
//! `hour_start_utc`: the period's start) and `long_usd`, `short_usd` (USD of the longs and of
//! the shorts liquidated in the period; other columns ignored), one row per period, e.g.
//! Coinglass's hourly export. The period is `--period`, or else the rows' most common spacing.
//! USD may be zero, not negative; two rows closer than one period are an error naming both lines.

use chrono::{DateTime, Utc};

use super::table::{self, err_at, err_file, Col, Table};
use crate::error::Error;
use crate::model::snapshot::{self, PeriodTotal};

/// The time columns a period-total file may use (the first found wins).
pub(crate) const TIME_COLUMNS: [&str; 4] = ["time", "timestamp", "open_time", "hour_start_utc"];

/// Whether the header of `t` names `long_usd` and `short_usd` (a period-total file).
pub(crate) fn is_periods(t: &Table) -> bool {
    t.rows.first().is_some_and(|h| {
        let names = table::names(h);
        table::find(&names, &["long_usd"]).is_some() && table::find(&names, &["short_usd"]).is_some()
    })
}

/// Period totals read from one file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Read {
    pub period_secs: i64,
    /// Whether the period was inferred from the rows (not given).
    pub inferred: bool,
    /// Ascending by start.
    pub rows: Vec<PeriodTotal>,
}

/// Parses period totals (see the [module documentation](self)); `period` is `--period` in
/// seconds when given.
pub(crate) fn parse(t: &Table, period: Option<i64>) -> Result<Read, Error> {
    let header = t.first()?;
    let names = table::names(header);
    let time = table::find(&names, &TIME_COLUMNS).map(|(index, name)| Col { index, name }).ok_or_else(|| {
        err_file(
            &t.path,
            format!(
                "no time column (expected one of {} with long_usd, short_usd; {})",
                TIME_COLUMNS.join(", "),
                table::found(header)
            ),
        )
    })?;
    let col = |name: &'static str| table::find(&names, &[name]).map(|(index, name)| Col { index, name });
    let (long, short) = match (col("long_usd"), col("short_usd")) {
        (Some(l), Some(s)) => (l, s),
        _ => return Err(err_file(&t.path, format!("no long_usd and short_usd columns ({})", table::found(header)))),
    };
    let mut rows = Vec::with_capacity(t.rows.len().saturating_sub(1));
    for row in t.data_after_header()? {
        let start = time.time(&t.path, row)?;
        let usd = |c: &Col| -> Result<f64, Error> {
            let x = c.num(&t.path, row)?;
            if x >= 0.0 {
                Ok(x)
            } else {
                Err(err_at(&t.path, row.line, format!("column {:?}: {x} is negative", c.name)))
            }
        };
        let (l, s) = (usd(&long)?, usd(&short)?);
        rows.push((row.line, start, PeriodTotal { start, long_usd: l, short_usd: s }));
    }
    table::sort_unique(&t.path, time.name, &mut rows)?;
    let (period_secs, inferred) = match period {
        Some(p) => (p, false),
        None => {
            let times: Vec<DateTime<Utc>> = rows.iter().map(|r| r.1).collect();
            let p = super::infer_interval(&times).ok_or_else(|| {
                err_file(&t.path, "only one period row: cannot infer the period (give it with --period)")
            })?;
            (p, true)
        }
    };
    for w in rows.windows(2) {
        let d = (w[1].1 - w[0].1).num_seconds();
        if d < period_secs {
            let how = if inferred { "the period inferred from the rows' most common spacing" } else { "--period" };
            return Err(err_at(
                &t.path,
                w[1].0,
                format!(
                    "column {:?}: this period starts {} after the one on line {}, less than {how} {}",
                    time.name,
                    snapshot::format_interval(d),
                    w[0].0,
                    snapshot::format_interval(period_secs)
                ),
            ));
        }
    }
    Ok(Read { period_secs, inferred, rows: rows.into_iter().map(|r| r.2).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse_str(s: &str, period: Option<i64>) -> Result<Read, Error> {
        parse(&Table::from_bytes(Path::new("p.csv"), s.as_bytes())?, period)
    }

    fn err(s: &str) -> String {
        parse_str(s, None).unwrap_err().to_string()
    }

    #[test]
    fn reads_the_rows_and_infers_the_period() {
        let r = parse_str("hour_start_utc,short_usd,long_usd,x\n2025-08-01 01:00:00,5,0,a\n2025-08-01 00:00:00,1.5,2,b\n2025-08-01 03:00:00,0,7,c\n", None).unwrap();
        assert_eq!((r.period_secs, r.inferred), (3600, true));
        assert_eq!(r.rows.len(), 3);
        assert_eq!((r.rows[0].long_usd, r.rows[0].short_usd), (2.0, 1.5));
        assert_eq!(r.rows[2].start.timestamp() - r.rows[0].start.timestamp(), 3 * 3600);
        let given = parse_str("time,long_usd,short_usd\n0,1,1\n", Some(3600)).unwrap();
        assert_eq!((given.period_secs, given.inferred), (3600, false));
    }

    #[test]
    fn bad_rows_name_the_line_and_column() {
        let h = "timestamp,long_usd,short_usd\n";
        assert_eq!(
            err(&format!("{h}2025-08-01 00:00:00,1,2\n2025-08-01 01:00:00,-3,2\n")),
            "p.csv: line 3: column \"long_usd\": -3 is negative"
        );
        assert_eq!(
            err(&format!("{h}2025-08-01 00:00:00,1,abc\n")),
            "p.csv: line 2: column \"short_usd\": \"abc\" is not a number"
        );
        assert!(
            err(&format!("{h}soon,1,2\n")).starts_with("p.csv: line 2: column \"timestamp\": \"soon\" is not a time")
        );
        assert_eq!(
            err(&format!("{h}2025-08-01 00:00:00,1\n")),
            "p.csv: line 2: column \"short_usd\": missing (the row has 2 columns)"
        );
        assert_eq!(
            err(&format!("{h}2025-08-01 00:00:00,1,2\n2025-08-01 01:00:00,1,2\n2025-08-01 02:00:00,1,2\n2025-08-01 02:30:00,1,2\n")),
            "p.csv: line 5: column \"timestamp\": this period starts 30m after the one on line 4, less than the period inferred from the rows' most common spacing 1h"
        );
        assert_eq!(
            parse_str(&format!("{h}2025-08-01 00:00:00,1,2\n2025-08-01 01:00:00,1,2\n"), Some(4 * 3600))
                .unwrap_err()
                .to_string(),
            "p.csv: line 3: column \"timestamp\": this period starts 1h after the one on line 2, less than --period 4h"
        );
        assert_eq!(
            err(&format!("{h}2025-08-01 00:00:00,1,2\n")),
            "p.csv: only one period row: cannot infer the period (give it with --period)"
        );
        assert!(err("when,long_usd,short_usd\n0,1,1\n")
            .starts_with("p.csv: no time column (expected one of time, timestamp, open_time, hour_start_utc"));
        assert!(err(&format!("{h}2025-08-01 00:00:00,1,2\n2025-08-01 00:00:00,1,2\n"))
            .starts_with("p.csv: line 3: duplicate timestamp"));
    }
}
