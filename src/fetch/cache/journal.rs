//! The journal of recorded liquidations: one append-only file per venue and instrument,
//! `<cache>/<venue>/<instrument>.liquidations.jsonl` (`binance@host_port/` for a server other
//! than the venue's own, as the cache files), one event a line:
//!
//! ```json
//! {"time":"2026-12-07T03:15:06.123Z","side":"long","price":98765.4,"usd":12345.6}
//! ```
//!
//! `liqshot record` appends each new event as it arrives (under the exclusive lock of the
//! directory, [`super::lock`], one write
//! per batch, flushed to disk), so an event survives a kill of the recorder and any number of
//! runs writing at once; `fetch` (and `render`, `report`, `backtest` with `--symbol`) reads the
//! journal of each venue under the shared lock and adds its events within the lookback to the
//! snapshot. A line that cannot be read (a torn last line of a machine that lost power) is
//! skipped and counted. Events older than [`super::LIQUIDATIONS_KEPT_DAYS`] days are dropped
//! when a recorder starts ([`trim`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{lock, Key};
use crate::model::snapshot::{check_liquidations, sort_liquidations, Liquidation};

/// The journal of `key`'s venue and instrument (its interval is not used) in `dir`.
pub fn path(key: &Key, dir: &Path) -> PathBuf {
    let file = key.path(dir);
    let safe = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = safe.strip_suffix(&format!("-{}.json", key.interval)).unwrap_or(&safe).to_string();
    file.with_file_name(format!("{stem}.liquidations.jsonl"))
}

/// The lines of `events`.
fn lines(events: &[Liquidation]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for l in events {
        serde_json::to_writer(&mut out, l).map_err(|e| e.to_string())?;
        out.push(b'\n');
    }
    Ok(out)
}

/// Appends `events` to the journal at `path` (creating it), under its exclusive lock, in one
/// write, flushed to disk. A last line left without its end (a machine that lost power
/// mid-write) is ended first, so it cannot swallow the first new line.
pub fn append(path: &Path, events: &[Liquidation]) -> Result<(), String> {
    use std::io::{Read, Seek, SeekFrom};
    check_liquidations(&sorted(events))?;
    let mut bytes = lines(events)?;
    let at = |e: std::io::Error| format!("{}: {e}", path.display());
    let _lock = lock::exclusive(path).map_err(at)?;
    let mut f = std::fs::OpenOptions::new().create(true).read(true).append(true).open(path).map_err(at)?;
    if f.seek(SeekFrom::End(0)).map_err(at)? > 0 {
        let mut last = [0u8; 1];
        f.seek(SeekFrom::End(-1)).and_then(|_| f.read_exact(&mut last)).map_err(at)?;
        if last[0] != b'\n' {
            bytes.insert(0, b'\n');
        }
    }
    f.write_all(&bytes).and_then(|()| f.sync_data()).map_err(at)
}

fn sorted(events: &[Liquidation]) -> Vec<Liquidation> {
    let mut v = events.to_vec();
    sort_liquidations(&mut v);
    v
}

/// What a journal holds: its events (sorted, each once) and how many lines could not be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Read {
    pub events: Vec<Liquidation>,
    pub bad_lines: usize,
}

/// Parses journal text.
pub fn parse(text: &str) -> Read {
    let mut out = Read::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str::<Liquidation>(line) {
            Ok(l) if l.price.is_finite() && l.price > 0.0 && l.usd.is_finite() && l.usd > 0.0 => out.events.push(l),
            _ => out.bad_lines += 1,
        }
    }
    sort_liquidations(&mut out.events);
    out
}

/// Reads the journal at `path` under its shared lock; no journal is an empty one.
pub fn read(path: &Path) -> Result<Read, String> {
    if !path.exists() {
        return Ok(Read::default());
    }
    let _lock = lock::shared(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let bytes =
        crate::files::input::read_limited(path, crate::files::input::JSON_MAX, crate::files::input::Start::Text)
            .map_err(|e| e.to_string())?;
    Ok(parse(&String::from_utf8_lossy(&bytes)))
}

/// Drops the events before `keep_from` (and unreadable lines) from the journal at `path`:
/// under the exclusive lock, written to a temporary file and renamed over it. Returns how many
/// events were dropped.
pub fn trim(path: &Path, keep_from: DateTime<Utc>) -> Result<usize, String> {
    if !path.exists() {
        return Ok(0);
    }
    let _lock = lock::exclusive(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let all = parse(&text);
    let kept: Vec<Liquidation> = all.events.iter().filter(|l| l.time >= keep_from).copied().collect();
    let dropped = all.events.len() - kept.len();
    if dropped == 0 && all.bad_lines == 0 {
        return Ok(0);
    }
    super::replace(path, &lines(&kept)?).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(dropped)
}
