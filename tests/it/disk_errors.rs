//! A full disk and a read-only output directory: a clear one-line error naming the file, exit
//! code 1, the previous outputs untouched and no temporary file left behind.
//!
//! Tests run as root in CI, where `chmod` does not stop writes, so the test directories are real
//! file systems: a small tmpfs (full disk) and a read-only tmpfs, mounted in a private mount
//! namespace (`unshare -m`, or `unshare -rm` as an ordinary user) that disappears with the test.
//! Where neither is allowed the tests say so on stderr and check nothing.

use crate::common;

use std::process::Command;

use common::example_snapshot;

/// How to get a private mount namespace here: `unshare -m` (root) or `unshare -rm` (a user
/// namespace), whichever can mount a tmpfs.
fn unshare_flags() -> Option<&'static str> {
    ["-m", "-rm"].into_iter().find(|flags| {
        Command::new("unshare")
            .args([flags, "sh", "-c", "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs \"$d\" && umount \"$d\"; r=$?; rmdir \"$d\"; exit $r"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

struct Outcome {
    /// The exit code of liqshot inside the namespace.
    code: i32,
    /// liqshot's stderr.
    stderr: String,
    /// Every path under the mounted directory after the run (`./r/report.md`), sorted, then
    /// `path: content` of each file under 100 bytes.
    listing: Vec<String>,
}

/// In a private namespace: mounts a tmpfs with `mount_opts` on a fresh directory `$D`, runs
/// `setup` (shell), then liqshot with `args` (`$D` replaced by the directory), then lists `$D`.
fn in_namespace(mount_opts: &str, setup: &str, args: &[&str]) -> Option<Outcome> {
    let Some(flags) = unshare_flags() else {
        eprintln!("disk_errors: skipped, this machine allows no private mount namespace (unshare -m / -rm)");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("mnt");
    std::fs::create_dir(&d).unwrap();
    let err_file = dir.path().join("stderr.txt");
    let bin = assert_cmd::cargo::cargo_bin("liqshot");
    let quoted: Vec<String> =
        args.iter().map(|a| format!("'{}'", a.replace('$', "").replace("{D}", d.to_str().unwrap()))).collect();
    let script = format!(
        "set -e\nmount -t tmpfs -o {mount_opts} tmpfs '{d}'\n{setup}\nset +e\n'{bin}' {args} 2>'{err}'\necho \"rc=$?\"\ncd '{d}'\nfind . -mindepth 1 | sort\nfor f in $(find . -type f | sort); do if [ $(wc -c <\"$f\") -lt 100 ]; then echo \"$f: $(cat \"$f\")\"; fi; done",
        d = d.display(),
        bin = bin.display(),
        args = quoted.join(" "),
        err = err_file.display(),
        setup = setup.replace("{D}", d.to_str().unwrap()),
    );
    let out = Command::new("unshare")
        .args([flags, "sh", "-c", &script])
        .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
        .env("LIQSHOT_CACHE_DIR", dir.path().join("cache"))
        .current_dir(common::root())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "namespace script failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let mut lines = stdout.lines();
    let code = lines.next().and_then(|l| l.strip_prefix("rc=")).and_then(|c| c.parse().ok()).expect("rc line");
    Some(Outcome {
        code,
        stderr: std::fs::read_to_string(&err_file).unwrap(),
        listing: lines.map(String::from).collect(),
    })
}

fn snap() -> String {
    example_snapshot().to_str().unwrap().to_string()
}

const REPORT_FILES: [&str; 5] = ["heatmap.png", "heatmap.svg", "report.html", "report.md", "zones.json"];

#[test]
fn full_disk_render_keeps_the_old_image_and_leaves_no_temporary_file() {
    // 64 KiB cannot hold the 270 KB PNG; the old image (3 bytes) stays.
    let Some(o) =
        in_namespace("size=64k", "printf old > '{D}/btc.png'", &["render", "--snapshot", &snap(), "-o", "{D}/btc.png"])
    else {
        return;
    };
    assert_eq!(o.code, 1, "{}", o.stderr);
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", o.stderr);
    assert!(
        lines[0].starts_with("liqshot: error: ") && lines[0].contains("/mnt/btc.png: No space left on device"),
        "{}",
        lines[0]
    );
    assert_eq!(o.listing, ["./btc.png", "./btc.png: old"], "only the old file, unchanged");
}

#[test]
fn full_disk_report_replaces_none_of_its_five_files() {
    // 1 MiB holds the PNG and SVG (0.8 MB) but not the HTML as well: no file may be replaced.
    let setup = format!("mkdir '{{D}}/r' && for f in {}; do printf old > '{{D}}/r/'$f; done", REPORT_FILES.join(" "));
    let Some(o) = in_namespace("size=1m", &setup, &["report", "--snapshot", &snap(), "--out-dir", "{D}/r"]) else {
        return;
    };
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert!(o.stderr.contains("/mnt/r/") && o.stderr.contains("No space left on device"), "{}", o.stderr);
    let mut want = vec!["./r".to_string()];
    want.extend(REPORT_FILES.iter().map(|f| format!("./r/{f}")));
    want.extend(REPORT_FILES.iter().map(|f| format!("./r/{f}: old")));
    assert_eq!(o.listing, want);
}

#[test]
fn read_only_directory_is_a_clear_error() {
    let Some(o) = in_namespace("ro,size=64k", "true", &["render", "--snapshot", &snap(), "-o", "{D}/charts/btc.png"])
    else {
        return;
    };
    assert_eq!(o.code, 1, "{}", o.stderr);
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", o.stderr);
    assert!(
        lines[0].starts_with("liqshot: error: ") && lines[0].contains("/mnt/charts/btc.png: Read-only file system"),
        "{}",
        lines[0]
    );
    assert!(o.listing.is_empty(), "{:?}", o.listing);
}
