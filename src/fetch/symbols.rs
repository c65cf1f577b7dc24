//! User symbols (`SOL`, `sol`, `SOLUSDT`, `SOL-USDT`, `SOL/USDT`) → each venue's name for the
//! USDT-margined perpetual, and close matches for unknown symbols.

use crate::error::Error;

/// The base asset of a user's symbol: `sol`, `SOLUSDT`, `SOL-USDT`, `SOL/USDT`,
/// `SOL-USDT-SWAP`, `SOL:USDT` → `SOL`.
pub fn base_asset(input: &str) -> Result<String, Error> {
    let s = input.trim().to_ascii_uppercase();
    let s = s.strip_suffix("-SWAP").unwrap_or(&s).to_string();
    let s = s.strip_suffix("PERP").unwrap_or(&s).trim_end_matches(['-', '_']).to_string();
    let base = if let Some((b, q)) = s.split_once(['-', '/', '_', ':']) {
        if q != "USDT" {
            return Err(Error::Usage(format!(
                "--symbol {input:?}: only USDT-margined perpetuals are supported (quote {q:?})"
            )));
        }
        b.to_string()
    } else {
        s.strip_suffix("USDT").filter(|b| !b.is_empty()).unwrap_or(&s).to_string()
    };
    if base.is_empty() || !base.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::Usage(format!("--symbol {input:?} is not a symbol like BTC, SOLUSDT or SOL-USDT")));
    }
    Ok(base)
}

/// Up to five names from `known` closest to `wanted` (prefix matches first).
pub(crate) fn close_matches(wanted: &str, known: &[String]) -> Vec<String> {
    let w = wanted.to_ascii_uppercase();
    let mut scored: Vec<(usize, usize, &String)> = known
        .iter()
        .map(|k| {
            // Optimal string alignment: a swap of two neighbours is one edit.
            let d = strsim::osa_distance(&w, k);
            let d = if k.starts_with(&w) || w.starts_with(k.as_str()) { d.min(1) } else { d };
            (d, k.len().abs_diff(w.len()), k)
        })
        .filter(|(d, _, k)| *d <= (w.len().max(k.len()) / 2).max(1))
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, _, k)| k.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_symbol() {
        for s in ["SOL", "sol", "SOLUSDT", "SOL-USDT", "SOL/USDT", "sol-usdt-swap", "SOLUSDT-PERP", " Sol "] {
            assert_eq!(base_asset(s).unwrap(), "SOL", "{s}");
        }
        assert_eq!(base_asset("1000PEPEUSDT").unwrap(), "1000PEPE");
        assert!(base_asset("SOL-USD").unwrap_err().to_string().contains("USDT"));
        assert!(base_asset("").is_err());
        assert!(base_asset("S O L").is_err());
    }

    #[test]
    fn close_matches_rank_by_edit_distance() {
        let known: Vec<String> = ["BTC", "ETH", "SOL", "SOLV", "SEI", "DOGE"].iter().map(|s| s.to_string()).collect();
        assert_eq!(close_matches("SLO", &known)[0], "SOL");
        let m = close_matches("SOLL", &known);
        assert!(m[..2].contains(&"SOL".to_string()) && m[..2].contains(&"SOLV".to_string()), "{m:?}");
        assert_eq!(close_matches("ETHH", &known)[0], "ETH");
        assert!(close_matches("ZZZZZZ", &known).is_empty());
    }
}
