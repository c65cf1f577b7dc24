//! Outputs of one run that name one file (findings A1, A2 and the `--latest` copy of a dotted
//! directory, F3, of the reliability run): a usage error naming both flags before anything is
//! read or written, also from `config check`; every file already there stays as it was.

use crate::common;

use common::{arg, dir_names, example_snapshot, liqshot};

#[test]
fn two_outputs_with_one_latest_copy_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let lat = dir.path().join("lat");
    let (a, b) = (lat.join("{symbol}-a.png"), lat.join("{symbol}-b.png"));
    let r = liqshot(["render", "--snapshot", arg(&example_snapshot()), "-o", arg(&a), "-o", arg(&b), "--latest"]);
    let line = r.one_line_error(2);
    assert!(
        line.contains(&format!(
            "the --latest copy of -o {} and the --latest copy of -o {} both write",
            arg(&a),
            arg(&b)
        )),
        "{line}"
    );
    assert!(!lat.exists(), "nothing written: {:?}", dir_names(dir.path()));
}

#[test]
fn one_file_named_twice_leaves_the_old_pair_alone() {
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("b");
    std::fs::create_dir(&b).unwrap();
    std::fs::write(b.join("z.png"), b"old png").unwrap();
    std::fs::write(b.join("z.png.alt.txt"), b"old alt").unwrap();
    for second in ["z.png", "./z.png"] {
        let r = liqshot([
            "render",
            "--snapshot",
            arg(&example_snapshot()),
            "-o",
            arg(&b.join("z.png")),
            "-o",
            arg(&b.join(second)),
        ]);
        let line = r.one_line_error(2);
        let one = arg(&b.join("z.png")).to_string();
        let want = if second == "z.png" {
            format!("-o {one} writes {one} twice")
        } else {
            format!("-o {one} and -o {} both write", arg(&b.join(second)))
        };
        assert!(line.contains(&want), "{line}");
        assert_eq!(std::fs::read(b.join("z.png")).unwrap(), b"old png");
        assert_eq!(std::fs::read(b.join("z.png.alt.txt")).unwrap(), b"old alt");
        assert_eq!(dir_names(&b), ["z.png", "z.png.alt.txt"]);
    }
}

#[test]
fn a_saved_snapshot_may_not_be_an_image_or_its_alt_text() {
    let dir = tempfile::tempdir().unwrap();
    let img = dir.path().join("ss/a.png");
    for save in ["ss/a.png", "ss/a.png.alt.txt"] {
        let save = dir.path().join(save);
        // Checked before anything is fetched: the venue URL is never asked.
        let r = liqshot([
            "render",
            "--symbol",
            "BTC",
            "--binance-url",
            "http://127.0.0.1:9",
            "--exchange",
            "binance",
            "--no-cache",
            "-o",
            arg(&img),
            "--save-snapshot",
            arg(&save),
        ]);
        let line = r.one_line_error(2);
        assert!(
            line.contains(&format!("--save-snapshot {}", arg(&save))) && line.contains(&format!("-o {}", arg(&img))),
            "{line}"
        );
    }
    assert!(!dir.path().join("ss").exists());
}

#[test]
fn a_report_directory_named_latest_is_its_own_copy() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lt2/{symbol}-latest");
    let r = liqshot([
        "report",
        "--snapshot",
        arg(&example_snapshot()),
        "--window",
        "7d",
        "--out-dir",
        arg(&out),
        "--latest",
        "-q",
    ]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert_eq!(dir_names(&dir.path().join("lt2")), ["BTCUSDT-latest"]);
    assert_eq!(dir_names(&dir.path().join("lt2/BTCUSDT-latest")).len(), liqshot::output::report::files::NAMES.len());
}

#[test]
fn the_latest_copy_of_a_dotted_directory_keeps_its_name_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("od/v1.2");
    liqshot(["report", "--snapshot", arg(&example_snapshot()), "--out-dir", arg(&out), "--latest", "-q"]).ok();
    assert_eq!(dir_names(&dir.path().join("od")), ["BTCUSDT-latest", "v1.2"]);
}

#[test]
fn config_check_reports_a_job_whose_latest_copies_collide() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("liqshot.toml");
    std::fs::write(&cfg, "[[job]]\nname = \"c\"\ncommand = \"render\"\nsymbols = \"BTC\"\nlatest = true\noutputs = [\"charts/{symbol}.png\", \"charts/{symbol}-x.png\"]\n").unwrap();
    let r = liqshot(["config", "check", arg(&cfg)]);
    let line = r.one_line_error(2);
    let d = arg(dir.path());
    assert!(line.contains(&format!("job \"c\": the --latest copy of -o {d}/charts/{{symbol}}.png and the --latest copy of -o {d}/charts/{{symbol}}-x.png both write {d}/charts/BTCUSDT-latest.png")), "{line}");
}
