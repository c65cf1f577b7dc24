//! Outputs that collide: two outputs of one run that name one file (after the placeholders are
//! filled in, with the `--latest` copies, the `.alt.txt` siblings and `--save-snapshot`, paths
//! compared after `normalise`). Found before any data is read or fetched (with sample values
//! for what only the snapshot tells), again with the snapshot's own values before anything is
//! written, and reported as a usage error naming both flags. `config check` runs the first
//! check for every job.

use std::path::{Path, PathBuf};

use super::naming::{latest_path, PathTemplate, Vars};
use liqshot::error::Error;
use liqshot::files::normalise;

/// One file a run writes.
#[derive(Debug, Clone)]
pub struct Dest {
    /// Where it comes from, for messages: `-o out/{symbol}.png`, `the --latest copy of -o ...`.
    pub what: String,
    pub path: PathBuf,
    /// Files with the same content (the alt text beside a PNG and an SVG of one name) may share
    /// a path; any other two may not.
    pub content: String,
}

impl Dest {
    pub fn new(what: impl Into<String>, path: PathBuf, content: impl Into<String>) -> Self {
        Dest { what: what.into(), path, content: content.into() }
    }
}

/// Fails when two of `dests` with different content name one file.
pub fn check(dests: &[Dest]) -> Result<(), Error> {
    let norm: Vec<PathBuf> = dests.iter().map(|d| normalise(&d.path)).collect();
    for (j, b) in dests.iter().enumerate() {
        if let Some((_, a)) = dests[..j].iter().enumerate().find(|(i, a)| norm[*i] == norm[j] && a.content != b.content)
        {
            let how = if a.what == b.what {
                format!("{} writes {} twice", a.what, b.path.display())
            } else {
                format!("{} and {} both write {}", a.what, b.what, b.path.display())
            };
            return Err(Error::Usage(format!(
                "{how}: give each output a file of its own (nothing was read or written)"
            )));
        }
    }
    Ok(())
}

/// The files of image outputs (`-o`): each image, its alt text (`a.png` → `a.png.alt.txt`) and, with `latest`, the `{symbol}-latest` copies of both.
pub fn images(outputs: &[&PathTemplate], latest: bool, vars: &Vars) -> Vec<Dest> {
    let mut out = Vec::new();
    for (i, t) in outputs.iter().enumerate() {
        let flag = format!("-o {}", t.raw());
        let path = t.expand(vars);
        out.push(Dest::new(flag.clone(), path.clone(), format!("image {i}")));
        out.push(Dest::new(
            format!("the alt text of {flag}"),
            liqshot::output::report::alt::alt_path(&path),
            "alt text",
        ));
        let copy = latest_path(&path, &vars.symbol);
        if latest && copy != path {
            out.push(Dest::new(format!("the --latest copy of {flag}"), copy.clone(), format!("image {i}")));
            out.push(Dest::new(
                format!("the alt text of the --latest copy of {flag}"),
                liqshot::output::report::alt::alt_path(&copy),
                "alt text",
            ));
        }
    }
    out
}

/// The files of `--save-snapshot` (none without it).
pub fn snapshot(save: Option<&PathTemplate>, vars: &Vars) -> Vec<Dest> {
    save.map(|t| Dest::new(format!("--save-snapshot {}", t.raw()), t.expand(vars), "snapshot")).into_iter().collect()
}

/// The files named `names` in `dir` (a report directory) under `what`.
pub fn in_dir(what: &str, dir: &Path, names: &[&str]) -> Vec<Dest> {
    names.iter().map(|n| Dest::new(what, dir.join(n), *n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn vars() -> Vars {
        Vars {
            symbol: "BTCUSDT".into(),
            captured_at: DateTime::<Utc>::from_timestamp(0, 0).unwrap(),
            window: "24h".into(),
            venues: "binance".into(),
        }
    }

    fn t(s: &str) -> PathTemplate {
        PathTemplate::parse("-o", Path::new(s)).unwrap()
    }

    #[test]
    fn latest_copies_of_two_outputs_collide() {
        let (a, b) = (t("lat/{symbol}-a.png"), t("lat/{symbol}-b.png"));
        let err = check(&images(&[&a, &b], true, &vars())).unwrap_err();
        assert!(matches!(err, Error::Usage(_)));
        assert_eq!(
            err.to_string(),
            "the --latest copy of -o lat/{symbol}-a.png and the --latest copy of -o lat/{symbol}-b.png both write lat/BTCUSDT-latest.png: give each output a file of its own (nothing was read or written)"
        );
        assert!(check(&images(&[&a, &b], false, &vars())).is_ok());
    }

    #[test]
    fn same_file_twice_and_shared_alt_texts() {
        let (a, b) = (t("c/z.png"), t("c/./z.png"));
        let err = check(&images(&[&a, &b], false, &vars())).unwrap_err().to_string();
        assert!(err.starts_with("-o c/z.png and -o c/./z.png both write c/./z.png"), "{err}");
        // A PNG and an SVG of one name have alt texts of their own, and an output already named
        // {symbol}-latest is its own latest copy.
        let (png, svg) = (t("x.png"), t("x.svg"));
        assert!(check(&images(&[&png, &svg], true, &vars())).is_ok());
        assert!(check(&images(&[&t("BTCUSDT-latest.png")], true, &vars())).is_ok());
    }

    #[test]
    fn a_saved_snapshot_may_not_replace_an_image_or_its_alt_text() {
        let img = t("ss/a.png");
        for save in ["ss/a.png", "ss/a.png.alt.txt"] {
            let s = PathTemplate::parse("--save-snapshot", Path::new(save)).unwrap();
            let mut d = images(&[&img], false, &vars());
            d.extend(snapshot(Some(&s), &vars()));
            let err = check(&d).unwrap_err().to_string();
            assert!(err.contains(&format!("--save-snapshot {save}")), "{err}");
        }
    }
}
