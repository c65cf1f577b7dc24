//! The library's error type. Every message names the input and what is wrong.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// Data that does not satisfy the snapshot's rules (not tied to a file yet).
    #[error("{0}")]
    Invalid(String),
    /// Invalid data in a named file.
    #[error("{}: {msg}", path.display())]
    InFile { path: PathBuf, msg: String },
    /// A bad option value; the message names the flag.
    #[error("{0}")]
    Usage(String),
    /// Nothing could be fetched from any venue.
    #[error("{0}")]
    Fetch(String),
    /// Some symbols of a batch failed (each was reported on its own line); the others were written.
    #[error("{0}")]
    Partial(String),
    /// A report template failed: `template report.md.j2 line 3: undefined value`.
    #[error("{0}")]
    Template(String),
}

impl Error {
    /// The process exit code: 2 usage or config error, 3 nothing could be fetched, 1 anything
    /// else (bad input data, an output that could not be written, some symbols failed).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            Error::Fetch(_) => 3,
            _ => 1,
        }
    }

    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io { path: path.to_path_buf(), source }
    }

    /// Attaches a file name to an `Invalid` error.
    pub fn in_file(self, path: &Path) -> Self {
        match self {
            Error::Invalid(msg) => Error::InFile { path: path.to_path_buf(), msg },
            other => other,
        }
    }
}
