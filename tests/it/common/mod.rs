#![allow(dead_code)]
//! Helpers shared by the integration tests.

pub mod anim;
pub mod fake_exchange;
pub mod imgdiff;
pub mod mock_server;
pub mod report;
pub mod ws_stand_in;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// `p` as a command-line argument (test paths are UTF-8).
pub fn arg(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 test path")
}

/// The crate root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled example snapshot (10 days of 5m BTCUSDT candles, hourly OI).
pub fn example_snapshot() -> PathBuf {
    root().join("examples/btcusdt-2025-11-01_10.snapshot.json")
}

/// A file under `tests/fixtures/import`.
pub fn import_fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/import").join(name)
}

/// A file under `tests/fixtures/render`.
pub fn render_fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/render").join(name)
}

/// A scratch path under `target/tmp` (kept after the run, for diff images).
pub fn target_tmp(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// The outcome of one run of the real `liqshot` binary.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with the whole run unless it exited 0.
    pub fn ok(self) -> Self {
        assert_eq!(self.code, Some(0), "liqshot failed: {self:#?}");
        self
    }

    /// The stderr of a failed run, checked to be exactly one line
    /// `liqshot: error: ...` and exit code `code`.
    pub fn one_line_error(&self, code: i32) -> &str {
        assert_eq!(self.code, Some(code), "exit code: {self:#?}");
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "stderr should be one line: {:?}", self.stderr);
        assert!(lines[0].starts_with("liqshot: error: "), "stderr: {:?}", self.stderr);
        lines[0]
    }
}

/// The `liqshot` binary (working directory: the crate root) in a hermetic environment: no
/// `LIQSHOT_*` variable of the caller, no default config file, the history cache under
/// `target/tmp`.
pub fn command() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("liqshot").expect("liqshot binary is built");
    cmd.current_dir(root());
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("LIQSHOT_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("XDG_CONFIG_HOME", target_tmp("no-config-home")).env("LIQSHOT_CACHE_DIR", target_tmp("cache"));
    cmd
}

/// Runs `liqshot args...` (see [`command`]).
pub fn liqshot<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_cmd(command().args(args))
}

/// The `Examples:` lines of `liqshot CMD --help` that start with `liqshot CMD --snapshot`: the
/// offline examples a user would copy.
pub fn offline_help_examples(cmd: &str) -> Vec<String> {
    let prefix = format!("liqshot {cmd} --snapshot");
    help(&[cmd]).lines().map(str::trim).filter(|l| l.starts_with(&prefix)).map(String::from).collect()
}

/// What `liqshot CMD... --help` prints (it must succeed).
pub fn help(cmd: &[&str]) -> String {
    let args: Vec<&str> = cmd.iter().copied().chain(["--help"]).collect();
    liqshot(&args).ok().stdout
}

/// Runs a prepared command.
pub fn run_cmd(cmd: &mut assert_cmd::Command) -> Run {
    let out = cmd.output().expect("liqshot runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Sorted file names in `dir` (hidden ones too).
pub fn dir_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Decodes a PNG file to RGBA.
/// The library's own image as an `image` crate image (for saving, decoding and comparing).
pub fn to_image(img: liqshot::output::render::RgbaImage) -> image::RgbaImage {
    let (w, h) = img.dimensions();
    image::RgbaImage::from_raw(w, h, img.into_raw()).expect("width * height * 4 bytes")
}

pub fn read_png(path: &Path) -> image::RgbaImage {
    image::open(path).unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display())).to_rgba8()
}

/// The example snapshot as a JSON value, to be mutated by tests.
pub fn example_json() -> serde_json::Value {
    let bytes = std::fs::read(example_snapshot()).expect("example snapshot");
    serde_json::from_slice(&bytes).expect("example is JSON")
}

/// `liqshot import` of the plain klines and OKX open-interest fixtures (symbol BTC) with
/// `--liquidations FILE`, written to `out`.
pub fn import_with_liquidations(file: &Path, out: &Path) -> Run {
    let (klines, oi) = (import_fixture("plain-klines.csv"), import_fixture("okx-oi.csv"));
    let arg = |p: &Path| p.to_str().expect("UTF-8 path").to_string();
    liqshot([
        "import",
        "--klines",
        &arg(&klines),
        "--oi",
        &arg(&oi),
        "--symbol",
        "BTC",
        "--liquidations",
        &arg(file),
        "-o",
        &arg(out),
    ])
}
