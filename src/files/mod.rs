//! Writing output files safely: a failed run never leaves a truncated file or replaces a good one.
//!
//! Every file of a set is first written in full to a temporary file of its own beside its
//! destination ([`temp`]); only then are they renamed into place, while the run holds a lock on
//! each destination directory (two runs at once never mix their sets). A rename that fails puts
//! back what the earlier renames replaced. A destination that is a symbolic link is written
//! through the link, and a replaced file keeps its permissions.

pub mod input;
pub mod temp;

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::error::Error;

/// Writes `bytes` to `path` via a temporary file in the same directory, then renames it into
/// place, creating missing parent directories. On any error the temporary file is removed and
/// `path` is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_all_atomic(&[(path.to_path_buf(), bytes.to_vec())])
}

/// `path` made absolute (against the working directory) with `.` and `a/..` taken out, as a
/// string compare of two outputs needs (`c/z.png` and `c/./z.png` are one file).
pub fn normalise(path: &Path) -> PathBuf {
    let abs =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Fails, naming the path, when two of `files` are one file (after [`normalise`]).
pub(crate) fn check_distinct(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    let mut seen: Vec<(PathBuf, &Path)> = Vec::new();
    for (p, _) in files {
        let n = normalise(p);
        if let Some((_, first)) = seen.iter().find(|(q, _)| *q == n) {
            return Err(Error::Usage(format!(
                "{} and {} are the same file: two outputs of one run cannot share a path (nothing written)",
                first.display(),
                p.display()
            )));
        }
        seen.push((n, p));
    }
    Ok(())
}

/// Writes several files all-or-nothing as far as the file system allows: every file is first
/// written in full to a temporary file beside its destination; only when all of them succeeded
/// are they renamed into place. On failure every temporary file is removed and every
/// destination is as it was (a rename that failed after others succeeded puts their old files
/// back).
pub fn write_all_atomic(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    check_distinct(files)?;
    // Each temporary file is written and flushed to disk (`fsync`) on a thread of its own, so
    // the flushes of a set (an image and its alt text) wait for the disk together, not in turn.
    let results: Vec<TempWritten> = if files.len() < 2 {
        files.iter().map(|(path, bytes)| write_temp_recording(path, bytes)).collect()
    } else {
        std::thread::scope(|sc| {
            let handles: Vec<_> =
                files.iter().map(|(path, bytes)| sc.spawn(move || write_temp_recording(path, bytes))).collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
        })
    };
    let mut temps: Vec<(PathBuf, PathBuf, &Path)> = Vec::new();
    let mut created: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut failed = None;
    for ((result, made), (path, _)) in results.into_iter().zip(files) {
        created.extend(made);
        match result {
            Ok((tmp, target)) => temps.push((tmp, target, path)),
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
    }
    if let Some(e) = failed {
        for (tmp, _, _) in &temps {
            let _ = std::fs::remove_file(tmp);
        }
        remove_created(&created);
        return Err(e);
    }
    let _locks = lock_dirs(temps.iter().map(|(tmp, _, _)| tmp.as_path()));
    commit(&temps).inspect_err(|_| remove_created(&created))
}

/// Removes the directories a failed write created (`(dir, top)`: `dir` and its parents up to
/// `top`, each only when empty), so a failed run leaves no empty `rep/` behind.
fn remove_created(created: &[(PathBuf, PathBuf)]) {
    for (dir, top) in created.iter().rev() {
        for d in dir.ancestors() {
            if std::fs::remove_dir(d).is_err() || d == top {
                break;
            }
        }
    }
}

/// Renames every temporary file over its target; on the first failure removes the temporary
/// files left and restores the targets already replaced (from hard links, or copies, taken
/// before each rename).
fn commit(temps: &[(PathBuf, PathBuf, &Path)]) -> Result<(), Error> {
    let mut done: Vec<(&Path, Option<PathBuf>)> = Vec::new();
    let mut failed = None;
    for (i, (tmp, target, shown)) in temps.iter().enumerate() {
        let backup = match keep_old(target) {
            Ok(b) => b,
            Err(e) => {
                failed = Some((i, Error::io(shown, e)));
                break;
            }
        };
        if let Err(e) = std::fs::rename(tmp, target) {
            if let Some(b) = backup {
                let _ = std::fs::remove_file(b);
            }
            failed = Some((i, Error::io(shown, e)));
            break;
        }
        done.push((target.as_path(), backup));
    }
    match failed {
        None => {
            for (_, b) in done {
                if let Some(b) = b {
                    let _ = std::fs::remove_file(b);
                }
            }
            Ok(())
        }
        Some((i, e)) => {
            for (tmp, _, _) in &temps[i..] {
                let _ = std::fs::remove_file(tmp);
            }
            for (target, b) in done.into_iter().rev() {
                let _ = match b {
                    Some(b) => std::fs::rename(b, target),
                    None => std::fs::remove_file(target),
                };
            }
            Err(e)
        }
    }
}

/// A second name for the file at `target` (a hard link, else a copy) so a failed set can put it
/// back; `None` when there is no file yet.
fn keep_old(target: &Path) -> std::io::Result<Option<PathBuf>> {
    if !target.is_file() {
        return Ok(None);
    }
    let dir = parent_of(target);
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let backup = temp::temp_path(dir, &name);
    if std::fs::hard_link(target, &backup).is_err() {
        std::fs::copy(target, &backup)?;
    }
    Ok(Some(backup))
}

/// Exclusive locks on the directories of `paths` (each once, in a fixed order), held while a
/// set is renamed into place so that two runs writing the same set never mix their files. A
/// directory that cannot be locked is not waited for.
fn lock_dirs<'a>(paths: impl Iterator<Item = &'a Path>) -> Vec<std::fs::File> {
    let mut dirs: Vec<PathBuf> = paths.map(|p| normalise(parent_of(p))).collect();
    dirs.sort();
    dirs.dedup();
    dirs.into_iter().filter_map(|d| std::fs::File::open(d).ok()).filter(|f| f.lock().is_ok()).collect()
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// The file a write to `path` replaces: `path` itself, or the file a symbolic link at `path`
/// points to (so the link stays a link and its target gets the new bytes).
fn target_of(path: &Path) -> PathBuf {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return path.to_path_buf();
    }
    match std::fs::read_link(path) {
        Ok(t) if t.is_absolute() => t,
        Ok(t) => parent_of(path).join(t),
        Err(_) => path.to_path_buf(),
    }
}

/// What [`write_temp`] returned for one file (its temporary file and target), and the directories
/// (`(dir, top)`) it created.
type TempWritten = (Result<(PathBuf, PathBuf), Error>, Vec<(PathBuf, PathBuf)>);

/// [`write_temp`] with the directories it created.
fn write_temp_recording(path: &Path, bytes: &[u8]) -> TempWritten {
    let mut created = Vec::new();
    (write_temp(path, bytes, &mut created), created)
}

/// Writes `bytes` to a new temporary file beside the target of `path` (see [`target_of`]),
/// with the permissions of the file it will replace; returns it and the target.
fn write_temp(path: &Path, bytes: &[u8], created: &mut Vec<(PathBuf, PathBuf)>) -> Result<(PathBuf, PathBuf), Error> {
    let target = target_of(path);
    let dir = parent_of(&target);
    let name = target
        .file_name()
        .ok_or_else(|| Error::Usage(format!("{}: not a file path", path.display())))?
        .to_string_lossy()
        .into_owned();
    if target.is_dir() {
        return Err(Error::io(path, std::io::Error::other("is a directory")));
    }
    // A parent that exists but is not a directory gets a clear message (not "File exists").
    if let Some(file) = dir.ancestors().find(|a| a.is_file()) {
        return Err(Error::io(path, std::io::Error::other(format!("{} is a file, not a directory", file.display()))));
    }
    temp::remove_stale(dir, &name);
    let tmp = temp::temp_path(dir, &name);
    if let Some(top) = dir.ancestors().take_while(|a| !a.as_os_str().is_empty() && !a.exists()).last() {
        created.push((dir.to_path_buf(), top.to_path_buf()));
    }
    let result = (|| {
        std::fs::create_dir_all(dir)?;
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        if let Ok(meta) = std::fs::metadata(&target) {
            f.set_permissions(meta.permissions())?;
        }
        f.sync_all()
    })();
    result.map(|_| (tmp.clone(), target.clone())).map_err(|e| {
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

    #[test]
    fn one_destination_twice_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("c/z.png");
        std::fs::create_dir_all(z.parent().unwrap()).unwrap();
        std::fs::write(&z, b"old").unwrap();
        let files = vec![(z.clone(), b"a".to_vec()), (dir.path().join("c/./z.png"), b"b".to_vec())];
        let err = write_all_atomic(&files).unwrap_err();
        assert!(matches!(err, Error::Usage(_)), "{err}");
        assert!(err.to_string().contains("are the same file"), "{err}");
        assert_eq!(std::fs::read(&z).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(z.parent().unwrap()).unwrap().count(), 1, "no temporary left");
    }

    #[test]
    fn a_failed_rename_puts_back_the_files_already_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.png"), dir.path().join("b.png"));
        std::fs::write(&a, b"old a").unwrap();
        let (ta, tb) = (dir.path().join(".a.png.1.tmp"), dir.path().join(".new.png.1.tmp"));
        std::fs::write(&ta, b"new a").unwrap();
        std::fs::write(&tb, b"new b").unwrap();
        let missing = dir.path().join(".c.png.1.tmp"); // its rename fails
        let temps = vec![
            (ta, a.clone(), a.as_path()),
            (tb, b.clone(), b.as_path()),
            (missing, dir.path().join("c.png"), Path::new("c.png")),
        ];
        let err = commit(&temps).unwrap_err().to_string();
        assert!(err.starts_with("c.png:"), "{err}");
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert!(!b.exists(), "a file the set created is removed again");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, vec![std::ffi::OsString::from("a.png")]);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_and_symbolic_links_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("p.png");
        std::fs::write(&private, b"old").unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&private, b"new").unwrap();
        assert_eq!(std::fs::metadata(&private).unwrap().permissions().mode() & 0o777, 0o600);
        let real = dir.path().join("real.png");
        std::fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.png");
        std::os::unix::fs::symlink("real.png", &link).unwrap();
        write_atomic(&link, b"through").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"through");
    }

    #[test]
    fn a_failed_set_leaves_no_directory_it_created() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("blocker"), b"file").unwrap();
        let files =
            vec![(dir.path().join("rep/a/x.png"), b"x".to_vec()), (dir.path().join("blocker/x.svg"), b"y".to_vec())];
        assert!(write_all_atomic(&files).is_err());
        assert!(!dir.path().join("rep").exists());
    }

    #[test]
    fn a_write_removes_what_a_killed_run_left() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".big.png.4000000000.tmp");
        std::fs::write(&stale, b"half").unwrap();
        write_atomic(&dir.path().join("big.png"), b"x").unwrap();
        if Path::new("/proc/self").exists() {
            assert!(!stale.exists());
        }
    }

    #[test]
    fn a_set_is_renamed_while_no_other_run_holds_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let (png, svg) = (dir.path().join("x.png"), dir.path().join("x.svg"));
        std::fs::write(&png, b"old").unwrap();
        // Another run renaming its set into this directory holds the lock.
        let held = std::fs::File::open(dir.path()).unwrap();
        held.lock().unwrap();
        let files = vec![(png.clone(), b"new png".to_vec()), (svg.clone(), b"new svg".to_vec())];
        let writer = std::thread::spawn(move || write_all_atomic(&files));
        std::thread::sleep(std::time::Duration::from_millis(300));
        // Waiting: neither file of the set is in place (this cannot fail on a slow machine).
        assert_eq!(std::fs::read(&png).unwrap(), b"old");
        assert!(!svg.exists());
        held.unlock().unwrap();
        writer.join().unwrap().unwrap();
        assert_eq!(std::fs::read(&png).unwrap(), b"new png");
        assert_eq!(std::fs::read(&svg).unwrap(), b"new svg");
    }
}
