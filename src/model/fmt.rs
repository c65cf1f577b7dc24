//! Number formatting shared by the chart and text outputs.

/// Decimals that show a price to about five significant figures (0 for >= 10,000).
pub(crate) fn price_decimals(price: f64) -> usize {
    let p = price.abs();
    if p >= 10_000.0 {
        0
    } else if p >= 1_000.0 {
        1
    } else if p >= 100.0 {
        2
    } else if p >= 1.0 {
        3
    } else if p > 0.0 {
        (4.0 - p.log10().floor()).min(10.0) as usize
    } else {
        2
    }
}

/// `109523.4` → `109,523`; `0.153421` → `0.15342`; below 10^-6 (and from 10^15) in
/// scientific notation with five significant figures, `1.2346e-12`, as fixed decimals would
/// show nothing but zeros (or 16 digits).
pub fn price(p: f64) -> String {
    let a = p.abs();
    if a > 0.0 && !(1e-6..1e15).contains(&a) {
        return format!("{p:.4e}");
    }
    thousands(p, price_decimals(p))
}

/// Formats with `decimals` and thousands separators.
pub fn thousands(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s, None),
    };
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    if x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    out
}

/// Compact USD: `$950`, `$12.3k`, `$4.56M`, `$1.2B`.
pub fn usd(x: f64) -> String {
    let a = x.abs();
    let sign = if x < 0.0 { "-" } else { "" };
    if a >= 1e15 {
        return format!("{sign}${a:.2e}");
    }
    let (v, unit) = if a >= 1e12 {
        (a / 1e12, "T")
    } else if a >= 1e9 {
        (a / 1e9, "B")
    } else if a >= 1e6 {
        (a / 1e6, "M")
    } else if a >= 1e3 {
        (a / 1e3, "k")
    } else {
        return format!("{sign}${a:.0}");
    };
    let s = if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    format!("{sign}${s}{unit}")
}

/// Signed percentage with two decimals: `+1.23%`, `-0.50%`.
pub fn pct(x: f64) -> String {
    format!("{x:+.2}%")
}

/// Seconds as the shortest whole unit: `604800` → `7d`, `5400` → `90m`.
pub fn duration(secs: i64) -> String {
    format_interval(secs)
}

/// Formats seconds as the shortest interval string (`300` → `5m`).
pub fn format_interval(secs: i64) -> String {
    for (unit, m) in [("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60)] {
        if secs % m == 0 && secs >= m {
            return format!("{}{}", secs / m, unit);
        }
    }
    format!("{secs}s")
}

/// `s` safe to print on a terminal or in a log line: line breaks as `\\n`/`\\r`, any other
/// control character (ESC, which starts terminal escape sequences, too) as `\\u{1b}`.
pub fn inert(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push('\t'),
            c if c.is_control() => o.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => o.push(c),
        }
    }
    o
}

/// `s` cut to `max` characters, the last one `…`, when longer (counts characters, not bytes).
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A time span as the title shows it: `10d` (whole days from two days on), `24h`, else `90m`.
pub fn span_label(secs: i64) -> String {
    if secs >= 2 * 86_400 && secs % 86_400 == 0 {
        format!("{}d", secs / 86_400)
    } else if secs >= 3600 && secs % 3600 == 0 {
        format!("{}h", secs / 3600)
    } else {
        duration(secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_and_money() {
        assert_eq!(price(109_523.4), "109,523");
        assert_eq!(price(3_412.56), "3,412.6");
        assert_eq!(price(187.123), "187.12");
        assert_eq!(price(0.153421), "0.15342");
        assert_eq!(price(0.00001234), "0.000012340");
        assert_eq!(thousands(-1234567.891, 2), "-1,234,567.89");
        assert_eq!(usd(950.0), "$950");
        assert_eq!(usd(12_345.0), "$12.3k");
        assert_eq!(usd(4_560_000.0), "$4.56M");
        assert_eq!(usd(1_200_000_000.0), "$1.2B");
        assert_eq!(usd(100_000.0), "$100k");
        assert_eq!(pct(1.234), "+1.23%");
        assert_eq!(pct(-0.5), "-0.50%");
    }

    #[test]
    fn tiny_and_huge_numbers_stay_readable() {
        assert_eq!(price(1.23456e-12), "1.2346e-12");
        assert_eq!(price(0.000001), "0.0000010000");
        assert_eq!(usd(4.2e12), "$4.2T");
        assert_eq!(usd(4.1846e300), "$4.18e300");
        assert_eq!(inert("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\nc");
    }
}
