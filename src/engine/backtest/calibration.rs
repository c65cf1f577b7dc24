//! Is a predicted touch probability worth its number? A reliability table (predictions in ten
//! bins [0, 0.1), ..., [0.9, 1], mean prediction against observed frequency; empty bins left
//! out) and Brier scores (mean squared error of the probability against 0/1 outcomes).

use super::types::ReliabilityBin;

pub(crate) const BINS: usize = 10;

/// The reliability table of (predicted probability, touched) pairs.
pub fn reliability(pairs: &[(f64, bool)]) -> Vec<ReliabilityBin> {
    let mut sum_p = [0.0; BINS];
    let mut hits = [0usize; BINS];
    let mut n = [0usize; BINS];
    for &(p, y) in pairs {
        if !p.is_finite() {
            continue;
        }
        let b = ((p.clamp(0.0, 1.0) * BINS as f64).floor() as usize).min(BINS - 1);
        sum_p[b] += p;
        hits[b] += y as usize;
        n[b] += 1;
    }
    (0..BINS)
        .filter(|&b| n[b] > 0)
        .map(|b| ReliabilityBin {
            lo: b as f64 / BINS as f64,
            hi: (b + 1) as f64 / BINS as f64,
            predicted: sum_p[b] / n[b] as f64,
            observed: hits[b] as f64 / n[b] as f64,
            n: n[b],
        })
        .collect()
}

/// Mean of (p - y)^2; `None` without pairs.
pub fn brier(pairs: &[(f64, bool)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    Some(pairs.iter().map(|&(p, y)| (p - y as u8 as f64).powi(2)).sum::<f64>() / pairs.len() as f64)
}

/// The Brier score of predicting the group's overall touch frequency for every zone: the
/// reference a model must beat to say more than "this often, anywhere".
pub fn brier_base_rate(touched: &[bool]) -> Option<f64> {
    if touched.is_empty() {
        return None;
    }
    let f = touched.iter().filter(|&&t| t).count() as f64 / touched.len() as f64;
    brier(&touched.iter().map(|&t| (f, t)).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_and_scores() {
        let pairs = [(0.05, false), (0.15, true), (0.15, false), (0.95, true), (1.0, true)];
        let t = reliability(&pairs);
        assert_eq!(t.len(), 3);
        assert_eq!((t[0].lo, t[0].n, t[0].observed), (0.0, 1, 0.0));
        assert_eq!((t[1].n, t[1].observed), (2, 0.5));
        assert!((t[1].predicted - 0.15).abs() < 1e-12);
        assert_eq!((t[2].lo, t[2].hi, t[2].n, t[2].observed), (0.9, 1.0, 2, 1.0));
        let b = brier(&pairs).unwrap();
        let want = (0.05f64.powi(2) + 0.85f64.powi(2) + 0.15f64.powi(2) + 0.05f64.powi(2)) / 5.0;
        assert!((b - want).abs() < 1e-12);
        // Frequency 3/5: Brier = f (1 - f).
        assert!((brier_base_rate(&[false, true, false, true, true]).unwrap() - 0.24).abs() < 1e-12);
        assert_eq!(brier(&[]), None);
    }
}
