//! Advisory locks beside cache files (`.NAME.lock`, `std::fs::File::lock`, i.e. `flock` on
//! Unix): every writer of a cache file or journal holds the exclusive lock while it reads,
//! merges and replaces (or appends), so runs at once (a `record` and hourly `fetch` runs) each
//! add their events and none is lost. Readers of a journal hold the shared lock. The lock goes
//! with the returned file (closed on drop, also when the process dies).

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// `dir/.NAME.lock` for `dir/NAME`.
pub fn lock_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.lock"))
}

fn open(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    OpenOptions::new().create(true).truncate(false).write(true).open(lock_path(path))
}

/// Waits for and holds the exclusive lock of `path` (creating its directory and lock file).
pub fn exclusive(path: &Path) -> io::Result<File> {
    let f = open(path)?;
    f.lock()?;
    Ok(f)
}

/// Waits for and holds the shared lock of `path`.
pub fn shared(path: &Path) -> io::Result<File> {
    let f = open(path)?;
    f.lock_shared()?;
    Ok(f)
}
