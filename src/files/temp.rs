//! Temporary files beside a destination: a name unique to each write (process id, a sequence
//! number of the process and a random tag), and the clean-up of those a killed run left.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use rand::Rng;

/// A temporary file of a killed run older than this is removed even when its process id is
/// alive again (another program may have it now).
pub(crate) const STALE_AFTER: Duration = Duration::from_secs(3600);

/// `dir/.{name}.{pid}.{seq}.{random}.tmp`: unique per write, even for two writes of one path in
/// one process at once.
pub(crate) fn temp_path(dir: &Path, name: &str) -> PathBuf {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let tag: u32 = rand::rng().random();
    dir.join(format!(".{name}.{}.{seq}.{tag:08x}.tmp", std::process::id()))
}

/// Removes the temporary files of `name` in `dir` that earlier runs left when they were killed:
/// `.{name}.{pid}[.{seq}[.{tag}]].tmp` whose process is gone (on systems with `/proc`) or which
/// are older than [`STALE_AFTER`]. Returns how many were removed; errors are ignored (this is
/// tidying, not the write).
pub(crate) fn remove_stale(dir: &Path, name: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let prefix = format!(".{name}.");
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)).and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some(pid) = pid_of(rest) else { continue };
        let old = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > STALE_AFTER);
        let own = pid == std::process::id();
        if !own && (old || alive(pid) == Some(false)) && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// The process id in a temporary name's tail: `PID` (outputs of earlier versions), `PID.SEQ`
/// (cache files of earlier versions) or `PID.SEQ.TAG` (now); `None` when it is not one of ours.
fn pid_of(tail: &str) -> Option<u32> {
    let parts: Vec<&str> = tail.split('.').collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let ours = match parts.as_slice() {
        [pid] => digits(pid),
        [pid, seq] => digits(pid) && digits(seq),
        [pid, seq, tag] => digits(pid) && digits(seq) && tag.len() == 8 && tag.bytes().all(|b| b.is_ascii_hexdigit()),
        _ => false,
    };
    if ours {
        parts[0].parse().ok()
    } else {
        None
    }
}

/// Whether process `pid` runs; `None` where that cannot be told (no `/proc`).
fn alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    proc.join("self").exists().then(|| proc.join(pid.to_string()).exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_differ_per_write() {
        let a = temp_path(Path::new("d"), "x.png");
        let b = temp_path(Path::new("d"), "x.png");
        assert_ne!(a, b);
        let name = a.file_name().unwrap().to_str().unwrap().to_string();
        assert!(name.starts_with(&format!(".x.png.{}.", std::process::id())) && name.ends_with(".tmp"), "{name}");
        let tail = name.strip_prefix(".x.png.").unwrap().strip_suffix(".tmp").unwrap();
        assert_eq!(pid_of(tail), Some(std::process::id()));
    }

    #[test]
    fn temporaries_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // No process has a pid this high (the kernel's limit is 2^22).
        let dead = 4_000_000_000u32;
        let names = [
            format!(".big.png.{dead}.tmp"),
            format!(".big.png.{dead}.7.tmp"),
            format!(".big.png.{dead}.7.0a1b2c3d.tmp"),
            format!(".big.png.{}.7.0a1b2c3d.tmp", std::process::id()),
            format!(".other.png.{dead}.tmp"),
            ".big.png.notes.tmp".to_string(),
        ];
        for n in &names {
            std::fs::write(dir.path().join(n), b"x").unwrap();
        }
        let removed = remove_stale(dir.path(), "big.png");
        let mut left: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        if Path::new("/proc/self").exists() {
            assert_eq!(removed, 3, "{left:?}");
            let mut want = vec![names[3].clone(), names[4].clone(), names[5].clone()];
            want.sort();
            assert_eq!(left, want);
        }
    }
}
