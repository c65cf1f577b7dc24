//! Reading input files with a size limit: a device or a runaway file (`--snapshot /dev/zero`)
//! fails at once with a clear error instead of filling memory.

use std::io::Read;
use std::path::Path;

use crate::error::Error;

/// The largest snapshot or CSV file read (a 10-million-row import makes a 2 GB snapshot).
pub const DATA_MAX: u64 = 4 << 30;
/// The largest JSON side file read (`--previous`, a cache file).
pub const JSON_MAX: u64 = 512 << 20;
/// The largest text file read (config file, `--events-file`, account list, template).
pub const TEXT_MAX: u64 = 1 << 20;

/// What a file must start with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// A JSON object: `{` after optional white space (and a UTF-8 BOM).
    JsonObject,
    /// Text: no NUL byte in the first 64 KiB.
    Text,
}

/// How much is read before the start is checked.
const HEAD: usize = 64 << 10;

/// The bytes of `path`, at most `max` of them; a file that does not start as `start` says (the
/// first 64 KiB are checked before the rest is read). Errors name the file.
pub fn read_limited(path: &Path, max: u64, start: Start) -> Result<Vec<u8>, Error> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    if let Ok(m) = file.metadata() {
        if m.is_dir() {
            return Err(Error::io(path, std::io::Error::other("is a directory")));
        }
        if m.is_file() && m.len() > max {
            return Err(too_big(path, max));
        }
    }
    let mut r = file.take(max + 1);
    let mut buf = Vec::new();
    (&mut r).take(HEAD as u64).read_to_end(&mut buf).map_err(|e| Error::io(path, e))?;
    check_start(&buf, start).map_err(|msg| Error::InFile { path: path.to_path_buf(), msg })?;
    r.read_to_end(&mut buf).map_err(|e| Error::io(path, e))?;
    if buf.len() as u64 > max {
        return Err(too_big(path, max));
    }
    Ok(buf)
}

/// [`read_limited`] as UTF-8 text.
pub fn read_text(path: &Path, max: u64) -> Result<String, Error> {
    let bytes = read_limited(path, max, Start::Text)?;
    String::from_utf8(bytes).map_err(|e| Error::InFile {
        path: path.to_path_buf(),
        msg: format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
    })
}

fn too_big(path: &Path, max: u64) -> Error {
    Error::InFile {
        path: path.to_path_buf(),
        msg: format!("larger than {}, the most liqshot reads from such a file", size(max)),
    }
}

/// `4 GiB`, `512 MiB`, `1 MiB`.
fn size(bytes: u64) -> String {
    if bytes >= 1 << 30 {
        format!("{} GiB", bytes >> 30)
    } else if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

fn check_start(head: &[u8], start: Start) -> Result<(), String> {
    match start {
        Start::Text => match head.iter().position(|b| *b == 0) {
            Some(at) => Err(format!("binary data (a NUL byte at offset {at}), not text")),
            None => Ok(()),
        },
        Start::JsonObject => {
            let body = head.strip_prefix("\u{feff}".as_bytes()).unwrap_or(head);
            match body.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'{') | None => Ok(()),
                Some(b) if b.is_ascii_graphic() => Err(format!("not JSON: starts with {:?}, not {{", char::from(*b))),
                Some(b) => Err(format!("not JSON: starts with the byte 0x{b:02x}, not {{")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_big_files_fail_at_once() {
        if Path::new("/dev/zero").exists() {
            let err = read_limited(Path::new("/dev/zero"), DATA_MAX, Start::JsonObject).unwrap_err().to_string();
            assert_eq!(err, "/dev/zero: not JSON: starts with the byte 0x00, not {");
            let err = read_text(Path::new("/dev/zero"), TEXT_MAX).unwrap_err().to_string();
            assert!(err.contains("/dev/zero: binary data (a NUL byte at offset 0)"), "{err}");
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.toml");
        std::fs::write(&p, vec![b'#'; 2000]).unwrap();
        let err = read_text(&p, 1000).unwrap_err().to_string();
        assert!(err.ends_with("big.toml: larger than 1000 bytes, the most liqshot reads from such a file"), "{err}");
        std::fs::write(&p, "\u{feff} {\"a\": 1}").unwrap();
        assert!(read_limited(&p, 1000, Start::JsonObject).is_ok());
        assert!(read_limited(dir.path(), 1000, Start::Text).unwrap_err().to_string().contains("is a directory"));
    }
}
