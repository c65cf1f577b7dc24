//! The layout rules of docs/architecture.md, checked on the source tree: the command line
//! (clap) lives in `src/main.rs` and `src/cli/` only, no stage names `crate::cli`, and no
//! source file is over 600 lines.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `.rs` file under src/, as (path relative to the crate, text).
fn tree() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    files.sort();
    let tree: Vec<(String, String)> = files
        .into_iter()
        .map(|p| {
            (p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"), std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    assert!(tree.len() > 50, "read only {} files under src/", tree.len());
    tree
}

fn in_shell(path: &str) -> bool {
    path == "src/main.rs" || path.starts_with("src/cli/")
}

#[test]
fn only_main_and_the_cli_use_clap() {
    let tree = tree();
    let offenders: Vec<&str> =
        tree.iter().filter(|(p, text)| !in_shell(p) && text.contains("clap")).map(|(p, _)| p.as_str()).collect();
    assert!(offenders.is_empty(), "clap outside src/main.rs and src/cli/: {offenders:?}");
    assert!(tree.iter().any(|(p, t)| p.starts_with("src/cli/") && t.contains("clap::")), "the cli is where clap is");
}

#[test]
fn no_stage_imports_the_cli() {
    let tree = tree();
    let offenders: Vec<String> = tree
        .iter()
        .filter(|(p, _)| !p.starts_with("src/cli/"))
        .flat_map(|(p, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| l.contains("crate::cli") || l.contains("super::cli"))
                .map(move |(i, l)| format!("{p}:{}: {}", i + 1, l.trim()))
        })
        .collect();
    assert!(offenders.is_empty(), "outside src/cli/:\n{}", offenders.join("\n"));
    let main = &tree.iter().find(|(p, _)| p == "src/main.rs").expect("src/main.rs").1;
    assert!(main.contains("liqshot::cli"), "main.rs calls the library's cli");
}

#[test]
fn no_source_file_is_over_600_lines() {
    let long: Vec<String> = tree()
        .iter()
        .filter(|(_, t)| t.lines().count() > 600)
        .map(|(p, t)| format!("{p} ({} lines)", t.lines().count()))
        .collect();
    assert!(long.is_empty(), "split by what the parts do: {long:?}");
}
