//! Advisory locks on a cache file's directory (`std::fs::File::lock`, i.e. `flock` on the
//! directory, as [`crate::files`] locks the directories it renames into; no lock files): every
//! writer of a cache file or journal holds the exclusive lock while it reads, merges and
//! replaces (or appends), so runs at once (a `record` and hourly `fetch` runs) each add their
//! events and none is lost. Readers of a journal hold the shared lock. The lock goes with the
//! returned handle (released on drop, also when the process dies). While holding it, write with
//! [`super::replace`], never with `output::write_atomic` (which locks the directory itself).

use std::fs::File;
use std::io;
use std::path::Path;

fn open_dir(path: &Path) -> io::Result<File> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    File::open(dir)
}

/// Waits for and holds the exclusive lock of `path`'s directory (creating it).
pub(crate) fn exclusive(path: &Path) -> io::Result<File> {
    let f = open_dir(path)?;
    f.lock()?;
    Ok(f)
}

/// Waits for and holds the shared lock of `path`'s directory.
pub fn shared(path: &Path) -> io::Result<File> {
    let f = open_dir(path)?;
    f.lock_shared()?;
    Ok(f)
}
