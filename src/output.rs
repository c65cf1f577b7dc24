//! Writing output files safely: a failed run never leaves a truncated file or replaces a good one.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Writes `bytes` to `path` via a temporary file in the same directory, then renames it into
/// place, creating missing parent directories. On any error the temporary file is removed and
/// `path` is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_all_atomic(&[(path.to_path_buf(), bytes.to_vec())])
}

/// Writes several files all-or-nothing as far as the file system allows: every file is first
/// written in full to a temporary file beside its destination; only when all of them succeeded
/// are they renamed into place. On failure every temporary file is removed and no destination
/// is touched.
pub fn write_all_atomic(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    let mut temps: Vec<(PathBuf, &Path)> = Vec::new();
    for (path, bytes) in files {
        match write_temp(path, bytes) {
            Ok(tmp) => temps.push((tmp, path)),
            Err(e) => {
                for (tmp, _) in &temps {
                    let _ = std::fs::remove_file(tmp);
                }
                return Err(e);
            }
        }
    }
    let mut result = Ok(());
    for (tmp, path) in &temps {
        if result.is_err() {
            let _ = std::fs::remove_file(tmp);
            continue;
        }
        if let Err(e) = std::fs::rename(tmp, path) {
            let _ = std::fs::remove_file(tmp);
            result = Err(Error::io(path, e));
        }
    }
    result
}

fn write_temp(path: &Path, bytes: &[u8]) -> Result<PathBuf, Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::Usage(format!("{}: not a file path", path.display())))?;
    if path.is_dir() {
        return Err(Error::io(path, std::io::Error::other("is a directory")));
    }
    // A parent that exists but is not a directory gets a clear message (not "File exists").
    if let Some(file) = dir.ancestors().find(|a| a.is_file()) {
        return Err(Error::io(path, std::io::Error::other(format!("{} is a file, not a directory", file.display()))));
    }
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let result = (|| {
        std::fs::create_dir_all(dir)?;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    result.map(|_| tmp.clone()).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_atomically_and_cleans_up_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        // Writing onto a directory fails: nothing is left behind.
        let d = dir.path().join("sub");
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("x"), b"x").unwrap();
        assert!(write_atomic(&d, b"three").is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        write_atomic(&dir.path().join("new/dir/f.png"), b"x").unwrap();
        let under_file = dir.path().join("a.txt/f.png");
        let err = write_atomic(&under_file, b"x").unwrap_err().to_string();
        assert!(err.contains("a.txt/f.png") && err.contains("is a file, not a directory"), "{err}");
    }

    #[test]
    fn several_files_are_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.png");
        std::fs::write(&good, b"old").unwrap();
        let blocker = dir.path().join("blocker");
        std::fs::write(&blocker, b"file").unwrap();
        let files = vec![(good.clone(), b"new".to_vec()), (blocker.join("x.svg"), b"svg".to_vec())];
        assert!(write_all_atomic(&files).is_err());
        assert_eq!(std::fs::read(&good).unwrap(), b"old", "first file untouched when the second fails");
        let hidden: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(hidden.is_empty(), "{hidden:?}");
        let ok = vec![(good.clone(), b"A".to_vec()), (dir.path().join("b.svg"), b"B".to_vec())];
        write_all_atomic(&ok).unwrap();
        assert_eq!(std::fs::read(&good).unwrap(), b"A");
    }
}
