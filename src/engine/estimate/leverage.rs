//! The leverage mix: which leverages new positions are assumed to use, and in what share.

use crate::error::Error;

/// Leverages with weights that sum to 1 (before any `--leverage` restriction).
#[derive(Debug, Clone, PartialEq)]
pub struct LeverageMix {
    /// `(leverage, weight)`, ascending by leverage.
    pub slices: Vec<(f64, f64)>,
}

impl Default for LeverageMix {
    /// 5/10/25/50/100x = 15/30/25/20/10 % (a mix used by public tools; see docs/method.md).
    fn default() -> Self {
        LeverageMix { slices: vec![(5.0, 0.15), (10.0, 0.30), (25.0, 0.25), (50.0, 0.20), (100.0, 0.10)] }
    }
}

fn parse_num(flag: &str, s: &str, what: &str) -> Result<f64, Error> {
    let t = s.trim().trim_end_matches(['x', 'X', '%']);
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
        .ok_or_else(|| Error::Usage(format!("{flag}: {what} {s:?} is not a positive number")))
}

impl LeverageMix {
    /// Parses `5:15,10:30,25:25,50:20,100:10` (leverage:weight; weights are normalised).
    pub fn parse(s: &str) -> Result<Self, Error> {
        const FLAG: &str = "--leverage-mix";
        let mut slices = Vec::new();
        for part in s.split(',').filter(|p| !p.trim().is_empty()) {
            let (l, w) = part
                .split_once(':')
                .ok_or_else(|| Error::Usage(format!("{FLAG}: {part:?} is not LEVERAGE:WEIGHT (e.g. 10:30)")))?;
            let lev = parse_num(FLAG, l, "leverage")?;
            if lev < 2.0 {
                return Err(Error::Usage(format!(
                    "{FLAG}: leverage {lev} is below 2x (such positions are not liquidated)"
                )));
            }
            slices.push((lev, parse_num(FLAG, w, "weight")?));
        }
        if slices.is_empty() {
            return Err(Error::Usage(format!("{FLAG}: empty mix")));
        }
        slices.sort_by(|a, b| a.0.total_cmp(&b.0));
        if slices.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(Error::Usage(format!("{FLAG}: a leverage appears twice")));
        }
        let total: f64 = slices.iter().map(|s| s.1).sum();
        for s in &mut slices {
            s.1 /= total;
        }
        Ok(LeverageMix { slices })
    }

    /// Keeps only the listed leverages, without renormalising: the map then shows the part
    /// of the estimated positions that uses those leverages.
    pub fn restrict(&self, keep: &[f64]) -> Result<Self, Error> {
        let slices: Vec<_> = self.slices.iter().copied().filter(|(l, _)| keep.contains(l)).collect();
        if slices.is_empty() {
            let have: Vec<String> = self.slices.iter().map(|(l, _)| format!("{l}")).collect();
            return Err(Error::Usage(format!(
                "--leverage: none of {keep:?} is in the leverage mix (it has {})",
                have.join(", ")
            )));
        }
        Ok(LeverageMix { slices })
    }

    /// Caps every leverage at the venue's maximum, merging slices that land on it.
    pub fn capped(&self, max: f64) -> Self {
        let mut out: Vec<(f64, f64)> = Vec::new();
        for &(l, w) in &self.slices {
            let l = l.min(max);
            match out.last_mut() {
                Some(last) if last.0 == l => last.1 += w,
                _ => out.push((l, w)),
            }
        }
        LeverageMix { slices: out }
    }

    /// Sum of weights (1 for a full mix, less after `restrict`).
    pub(crate) fn total_weight(&self) -> f64 {
        self.slices.iter().map(|s| s.1).sum()
    }

    /// Human description: `5x 15%, 10x 30%, ...`.
    pub fn describe(&self) -> String {
        self.slices
            .iter()
            .map(|(l, w)| format!("{}x {}%", l, (w * 1000.0).round() / 10.0))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The mix an estimate of several venues used, as its captions say it: the one mix when every
/// venue used the same, else `per venue (capped at each venue's maximum)`; empty without venues.
pub fn describe_mixes<'a>(mixes: impl IntoIterator<Item = &'a LeverageMix>) -> String {
    let described: Vec<String> = mixes.into_iter().map(LeverageMix::describe).collect();
    match described.first() {
        Some(m) if described.iter().all(|x| x == m) => m.clone(),
        Some(_) => "per venue (capped at each venue's maximum)".into(),
        None => String::new(),
    }
}

/// Parses `25,50,100` (an `x` suffix is allowed).
pub fn parse_leverage_list(s: &str) -> Result<Vec<f64>, Error> {
    s.split(',').filter(|p| !p.trim().is_empty()).map(|p| parse_num("--leverage", p, "leverage")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_normalises_and_sorts() {
        let m = LeverageMix::parse("100:10, 5:15,10:30,25:25,50:20").unwrap();
        assert_eq!(m, LeverageMix::default());
        let m = LeverageMix::parse("10x:1,20x:3").unwrap();
        assert_eq!(m.slices, vec![(10.0, 0.25), (20.0, 0.75)]);
        assert!(LeverageMix::parse("10").unwrap_err().to_string().contains("--leverage-mix"));
        assert!(LeverageMix::parse("1:5").is_err());
        assert!(LeverageMix::parse("10:1,10:2").is_err());
    }

    #[test]
    fn cap_merges_slices_above_the_maximum() {
        let m = LeverageMix::default().capped(40.0);
        assert_eq!(m.slices.len(), 4);
        assert_eq!(m.slices[3].0, 40.0);
        assert!((m.slices[3].1 - 0.30).abs() < 1e-12);
        assert!((m.total_weight() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn restrict_keeps_absolute_weights() {
        let keep = parse_leverage_list("25,50x,100").unwrap();
        let m = LeverageMix::default().restrict(&keep).unwrap();
        assert!((m.total_weight() - 0.55).abs() < 1e-12);
        assert!(LeverageMix::default().restrict(&[3.0]).unwrap_err().to_string().contains("--leverage"));
    }
}
