//! Unit tests of the chart's layout helpers.

use super::*;

#[test]
fn spread_separates_and_keeps_order() {
    let ys = spread(&[100.0, 101.0, 99.0, 300.0], 20.0, 0.0, 1000.0);
    let mut sorted: Vec<(f32, f32)> = [100.0, 101.0, 99.0, 300.0].into_iter().zip(ys.clone()).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    for w in sorted.windows(2) {
        assert!(w[1].1 - w[0].1 >= 20.0 - 1e-3, "{ys:?}");
    }
    assert_eq!(ys[3], 300.0);
    // Near the bottom edge they are pushed up, not out.
    let ys = spread(&[995.0, 996.0], 20.0, 0.0, 1000.0);
    assert!(ys.iter().all(|y| *y <= 1000.0) && (ys[0] - ys[1]).abs() >= 20.0 - 1e-3, "{ys:?}");
}

#[test]
fn wrap_respects_width() {
    let lines = wrap("the quick brown fox jumps over the lazy dog", 12.0, 80.0);
    assert!(lines.len() > 2);
    assert!(lines.iter().all(|l| text::measure(l, 12.0, false) <= 80.0 || !l.contains(' ')));
    assert_eq!(lines.join(" "), "the quick brown fox jumps over the lazy dog");
}
