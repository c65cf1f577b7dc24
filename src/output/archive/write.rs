//! Writing a report into the publishing archive ([`crate::output::archive`]): under an exclusive lock
//! on the archive (a lock file at its root, so two runs or two symbols of one run never lose
//! each other's entries), the manifest is read, the new entry merged, and the report's files
//! written together with the new manifest, index and feed as one all-or-nothing set.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::output::archive::{self, ArchiveEntry, Manifest, Site};

/// The lock file at the archive's root.
pub(crate) const LOCK: &str = ".liqshot-archive.lock";

/// Adds `entry` to the archive at `root` and writes `files` (the report's, inside `root`) with
/// the archive's `archive.json`, `index.html` and `feed.xml` through `write` (all-or-nothing),
/// holding the archive's lock from reading the manifest until the set is written. Entries whose
/// page is no longer on disk (a directory removed by hand) leave the index and the feed.
pub fn publish<T>(
    root: &Path,
    site: &Site,
    entry: ArchiveEntry,
    mut files: Vec<(PathBuf, Vec<u8>)>,
    write: impl FnOnce(&[(PathBuf, Vec<u8>)]) -> Result<T, Error>,
) -> Result<T, Error> {
    std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
    let lock_path = root.join(LOCK);
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io(&lock_path, e))?;
    lock.lock().map_err(|e| Error::io(&lock_path, e))?;
    let manifest_path = root.join(archive::MANIFEST);
    let old = match std::fs::read(&manifest_path) {
        Ok(bytes) => archive::read_manifest(&bytes, &manifest_path.display().to_string())?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest::default(),
        Err(e) => return Err(Error::io(&manifest_path, e)),
    };
    let key = (entry.symbol.clone(), entry.date.clone());
    let mut m = archive::merge(&old, entry, site.max);
    m.entries.retain(|e| (e.symbol.clone(), e.date.clone()) == key || root.join(&e.dir).join(&e.page).is_file());
    files.push((manifest_path, archive::manifest_bytes(&m)));
    files.push((root.join(archive::INDEX), archive::index_html(&m, site)));
    files.push((root.join(archive::FEED), archive::feed_xml(&m, site)));
    let out = write(&files);
    drop(lock);
    out
}
