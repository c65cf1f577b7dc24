//! Many symbols in one run: one piece of work per symbol, at most `--jobs` at once, one
//! symbol's failure not stopping the others, a summary line per symbol and the exit status of
//! the whole batch.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use liqshot::error::Error;

/// The result of one symbol's work.
#[derive(Debug)]
pub struct Outcome<T> {
    /// The symbol as shown in messages (`BTCUSDT`).
    pub name: String,
    pub result: Result<T, Error>,
    pub elapsed: Duration,
}

/// Runs `work(i)` for every `i` in `0..names.len()`, at most `jobs` at once, in order
/// ([`liqshot::pool::map`]); outcomes in the order of `names`. Shows a progress counter when
/// stderr is a terminal.
pub fn run<T: Send>(names: &[String], jobs: usize, work: impl Fn(usize) -> Result<T, Error> + Sync) -> Vec<Outcome<T>> {
    let n = names.len();
    let finished = AtomicUsize::new(0);
    let progress = n > 1 && crate::cli::log::progress_wanted();
    let results = liqshot::pool::map((0..n).collect(), jobs, |i| {
        tracing::debug!(symbol = %names[i], "{}: started", names[i]);
        let t0 = Instant::now();
        let r = work(i);
        let elapsed = t0.elapsed();
        let done = finished.fetch_add(1, Ordering::Relaxed) + 1;
        if progress {
            let status = if r.is_ok() { "done" } else { "failed" };
            crate::cli::log::show_progress(&format!("[{done}/{n}] {} {status}", names[i]));
        }
        (r, elapsed)
    });
    crate::cli::log::clear_progress();
    names.iter().zip(results).map(|(name, (result, elapsed))| Outcome { name: name.clone(), result, elapsed }).collect()
}

/// Reports each symbol of a batch on stderr (`BTCUSDT: ok in 1.2 s: wrote ...`, or an error
/// line naming it) and turns the outcomes into the run's result. A single symbol keeps the
/// plain behaviour: no summary line, its own error. With several: all ok → `Ok`; every one
/// failed to fetch → [`Error::Fetch`] (exit 3); every one a usage error → [`Error::Usage`]
/// (exit 2); otherwise some failed → [`Error::Partial`] (exit 1). The results of the symbols
/// that worked are returned either way, in order.
pub fn conclude<T>(outcomes: Vec<Outcome<T>>, summary: impl Fn(&T) -> String) -> (Vec<T>, Result<(), Error>) {
    if outcomes.len() == 1 {
        let o = outcomes.into_iter().next().expect("one");
        return match o.result {
            Ok(t) => (vec![t], Ok(())),
            Err(e) => (vec![], Err(e)),
        };
    }
    let total = outcomes.len();
    let mut ok = Vec::new();
    let mut failed: Vec<(String, Error)> = Vec::new();
    for o in outcomes {
        let secs = o.elapsed.as_secs_f64();
        match o.result {
            Ok(t) => {
                tracing::info!(symbol = %o.name, status = "ok", seconds = secs, "{}: ok in {secs:.1} s: {}", o.name, summary(&t));
                ok.push(t);
            }
            Err(e) => {
                tracing::error!(symbol = %o.name, status = "failed", seconds = secs, exit_code = e.exit_code(), "{}: {e}", o.name);
                failed.push((o.name, e));
            }
        }
    }
    if failed.is_empty() {
        return (ok, Ok(()));
    }
    let names = failed.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ");
    let err = if ok.is_empty() && failed.iter().all(|(_, e)| matches!(e, Error::Fetch(_))) {
        Error::Fetch(format!("nothing could be fetched: all {total} symbols failed ({names})"))
    } else if ok.is_empty() && failed.iter().all(|(_, e)| matches!(e, Error::Usage(_))) {
        Error::Usage(format!("all {total} symbols failed ({names}): {}", failed[0].1))
    } else {
        Error::Partial(format!("{} of {total} symbols failed: {names}", failed.len()))
    };
    (ok, Err(err))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn runs_everything_in_order_with_a_bound() {
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let out = run(&names(&["A", "B", "C", "D", "E"]), 2, |i| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(20));
            running.fetch_sub(1, Ordering::SeqCst);
            if i == 3 {
                Err(Error::Invalid("bad".into()))
            } else {
                Ok(i * 10)
            }
        });
        assert!(peak.load(Ordering::SeqCst) <= 2);
        assert_eq!(out.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["A", "B", "C", "D", "E"]);
        assert_eq!(out[2].result.as_ref().unwrap(), &20);
        let (ok, r) = conclude(out, |v| v.to_string());
        assert_eq!(ok, [0, 10, 20, 40]);
        let err = r.unwrap_err();
        assert!(matches!(&err, Error::Partial(m) if m == "1 of 5 symbols failed: D"), "{err:?}");
        assert_eq!(err.exit_code(), 1);
    }

    #[test]
    fn exit_status_of_a_batch() {
        let fetch = |name: &str| Outcome::<()> {
            name: name.into(),
            result: Err(Error::Fetch("down".into())),
            elapsed: Duration::ZERO,
        };
        assert_eq!(conclude(vec![fetch("A"), fetch("B")], |_| String::new()).1.unwrap_err().exit_code(), 3);
        let usage = Outcome::<()> { name: "C".into(), result: Err(Error::Usage("x".into())), elapsed: Duration::ZERO };
        assert_eq!(conclude(vec![fetch("A"), usage], |_| String::new()).1.unwrap_err().exit_code(), 1);
        // One symbol: its own error, unchanged.
        let one = conclude(
            vec![Outcome::<()> { name: "A".into(), result: Err(Error::Usage("u".into())), elapsed: Duration::ZERO }],
            |_| String::new(),
        );
        assert!(matches!(one.1, Err(Error::Usage(m)) if m == "u"));
        let ok = Outcome { name: "A".into(), result: Ok(1), elapsed: Duration::ZERO };
        let (both, r) =
            conclude(vec![ok, Outcome { name: "B".into(), result: Ok(2), elapsed: Duration::ZERO }], |v| v.to_string());
        assert_eq!((both, r.is_ok()), (vec![1, 2], true));
    }
}
