//! No lost events: runs writing one cache at once (a `record` appending to a venue's journal,
//! `fetch` runs storing the venue's cache file with their realized liquidations) each keep
//! every event they wrote. Threads stand for the runs: each opens the lock file itself, and
//! `flock` locks belong to the open file, so threads contend exactly as processes do. The ignored
//! `measure_*` test prints the figures quoted in docs/guide.md, "No lost events" (`cargo test --test
//! cache_concurrency -- --ignored --nocapture`).

use std::path::Path;
use std::sync::Barrier;
use std::time::Instant;

use chrono::DateTime;
use liqshot::fetch::cache::{self, journal, CacheFile, Key};
use liqshot::fetch::Venue;
use liqshot::model::snapshot::{union_liquidations, Liquidation, Side};

fn event(writer: usize, i: usize) -> Liquidation {
    let ms = 1_765_000_000_000 + (writer * 100_000 + i) as i64;
    Liquidation {
        time: DateTime::from_timestamp_millis(ms).unwrap(),
        side: if i.is_multiple_of(2) { Side::Long } else { Side::Short },
        price: 90_000.0 + writer as f64,
        usd: 1_000.0 + i as f64,
    }
}

fn empty_file(key: &Key) -> CacheFile {
    CacheFile {
        format: cache::FORMAT.into(),
        venue: key.venue.name().into(),
        instrument: key.instrument.clone(),
        interval: key.interval.clone(),
        from: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        candles: vec![],
        open_interest: vec![],
        funding: vec![],
        liquidations: vec![],
    }
}

/// One fetch-like run: reads the cache file, "fetches" (its own events), stores the file
/// with what it read plus its events, `rounds` times; `merged` uses the locked merge.
fn fetch_like(path: &Path, key: &Key, writer: usize, rounds: usize, per_round: usize, merged: bool) {
    for r in 0..rounds {
        let read = cache::load(path, key).ok().flatten().unwrap_or_else(|| empty_file(key));
        let mine: Vec<Liquidation> = (0..per_round).map(|i| event(writer, r * per_round + i)).collect();
        let mut file = read.clone();
        file.liquidations = union_liquidations(&read.liquidations, &mine);
        if merged {
            cache::store_merged(path, key, file, |_| true).unwrap();
        } else {
            cache::store(path, &file).unwrap();
        }
    }
}

/// Events kept after `fetchers` fetch-like runs and `recorders` recorders ran at once; and
/// the seconds it took.
fn contend(
    dir: &Path,
    fetchers: usize,
    recorders: usize,
    rounds: usize,
    per_round: usize,
    merged: bool,
) -> (usize, usize, f64) {
    let key = Key::new(Venue::Okx, "BTC", 300);
    let (path, jpath) = (key.path(dir), journal::path(&key, dir));
    let barrier = Barrier::new(fetchers + recorders);
    let t = Instant::now();
    std::thread::scope(|s| {
        for w in 0..fetchers {
            let (path, key, barrier) = (&path, &key, &barrier);
            s.spawn(move || {
                barrier.wait();
                fetch_like(path, key, w, rounds, per_round, merged);
            });
        }
        for w in 0..recorders {
            let (jpath, barrier) = (&jpath, &barrier);
            s.spawn(move || {
                barrier.wait();
                for r in 0..rounds {
                    let batch: Vec<Liquidation> = (0..per_round).map(|i| event(1000 + w, r * per_round + i)).collect();
                    journal::append(jpath, &batch).unwrap();
                }
            });
        }
    });
    let secs = t.elapsed().as_secs_f64();
    let in_file = cache::load(&path, &key).unwrap().map_or(0, |f| f.liquidations.len());
    let read = journal::read(&jpath).unwrap();
    assert_eq!(read.bad_lines, 0, "no torn or mixed lines");
    (in_file, read.events.len(), secs)
}

#[test]
fn concurrent_fetch_runs_and_recorders_keep_every_event() {
    let dir = tempfile::tempdir().unwrap();
    let (fetchers, recorders, rounds, per_round) = (6, 4, 8, 5);
    let (in_file, in_journal, _) = contend(dir.path(), fetchers, recorders, rounds, per_round, true);
    assert_eq!(in_file, fetchers * rounds * per_round, "every fetch run's events in the cache file");
    assert_eq!(in_journal, recorders * rounds * per_round, "every recorded event in the journal");
}

#[test]
fn the_journal_keeps_appends_made_while_a_recorder_trims_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.liquidations.jsonl");
    journal::append(&path, &[event(0, 0)]).unwrap();
    let cutoff = event(0, 1).time;
    std::thread::scope(|s| {
        s.spawn(|| {
            for i in 0..50 {
                journal::append(&path, &[event(1, i)]).unwrap();
            }
        });
        s.spawn(|| {
            for _ in 0..20 {
                journal::trim(&path, cutoff).unwrap();
            }
        });
    });
    let read = journal::read(&path).unwrap();
    assert_eq!(read.events.len(), 50, "the old event trimmed, every appended one kept");
}

/// What docs/guide.md quotes: events kept and time for N writers at once, with the locked merge
/// and (for contrast) with the plain replace the cache used before.
#[test]
#[ignore]
fn measure_concurrent_writers() {
    let (rounds, per_round) = (10, 20);
    println!("N | fetch-like runs alone: kept/written, s | recorders alone: kept/written, s | both at once: kept/written, s | plain replace (before): kept/written");
    for n in [1, 4, 16] {
        let written = n * rounds * per_round;
        let d = tempfile::tempdir().unwrap();
        let (f_kept, _, f_secs) = contend(d.path(), n, 0, rounds, per_round, true);
        let d = tempfile::tempdir().unwrap();
        let (_, r_kept, r_secs) = contend(d.path(), 0, n, rounds, per_round, true);
        let d = tempfile::tempdir().unwrap();
        let (bf, br, b_secs) = contend(d.path(), n, n, rounds, per_round, true);
        let d = tempfile::tempdir().unwrap();
        let (plain_kept, _, _) = contend(d.path(), n, 0, rounds, per_round, false);
        println!("{n} | {f_kept}/{written}, {f_secs:.3} | {r_kept}/{written}, {r_secs:.3} | {}/{}, {b_secs:.3} | {plain_kept}/{written}", bf + br, 2 * written);
    }
}

#[test]
fn a_torn_last_line_is_counted_and_does_not_swallow_the_next_event() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.liquidations.jsonl");
    journal::append(&path, &[event(0, 0)]).unwrap();
    // A write cut short (power lost): half a line, no end.
    let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
    f.write_all(br#"{"time":"2025-12-06T05:46:40Z","si"#).unwrap();
    drop(f);
    journal::append(&path, &[event(0, 1)]).unwrap();
    let read = journal::read(&path).unwrap();
    assert_eq!((read.events.len(), read.bad_lines), (2, 1));
}
