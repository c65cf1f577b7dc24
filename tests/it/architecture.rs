//! The layout rules of docs/architecture.md, checked on the source tree:
//! - the command line (clap, the config file) lives in the binary: `src/main.rs` and `src/cli/`,
//!   which the library (`src/lib.rs`) does not declare, so no stage can import it;
//! - the library's stages refer only to stages below them (error → files → model → fetch |
//!   engine → output), and no two of their modules refer to each other, directly or round a
//!   circle (test code aside);
//! - no source file is over 600 lines.

use std::collections::{BTreeMap, BTreeSet};
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
fn only_the_binary_uses_clap_and_the_config_file() {
    let tree = tree();
    let offenders: Vec<String> = tree
        .iter()
        .filter(|(p, _)| !in_shell(p))
        .flat_map(|(p, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| {
                    let code = l.split("//").next().unwrap_or("");
                    code.contains("clap") || code.contains("toml::") || code.contains("cli::")
                })
                .map(move |(i, l)| format!("{p}:{}: {}", i + 1, l.trim()))
        })
        .collect();
    assert!(offenders.is_empty(), "clap, toml or the cli outside src/main.rs and src/cli/:\n{}", offenders.join("\n"));
    assert!(tree.iter().any(|(p, t)| p.starts_with("src/cli/") && t.contains("clap::")), "the cli is where clap is");
    let file = |name: &str| &tree.iter().find(|(p, _)| p == name).unwrap_or_else(|| panic!("{name}")).1;
    assert!(!file("src/lib.rs").lines().any(|l| l.trim_start().starts_with("pub mod cli") || l.contains("mod cli;")));
    assert!(file("src/main.rs").lines().any(|l| l.trim() == "mod cli;"), "the binary owns the cli");
}

/// The library's top-level modules, lowest first; a module may refer only to lower ones.
/// `fetch` and `engine` share a level: neither refers to the other.
const LEVELS: [(&str, u8); 7] =
    [("error", 0), ("pool", 0), ("files", 1), ("model", 2), ("fetch", 3), ("engine", 3), ("output", 4)];

/// The unit a file belongs to: `model::snapshot` for src/model/snapshot/consistency.rs, `error`
/// for src/error.rs.
fn unit_of(path: &str) -> String {
    let rel = path.strip_prefix("src/").unwrap().strip_suffix(".rs").unwrap();
    let parts: Vec<&str> = rel.split('/').filter(|p| *p != "mod").collect();
    match parts.as_slice() {
        [top, sub, ..] => format!("{top}::{sub}"),
        [top] => top.to_string(),
        [] => unreachable!(),
    }
}

/// The code of a file without its tests: nothing from the first `#[cfg(test)]` on, no
/// `tests.rs`, no comments.
fn code_of<'a>(path: &str, text: &'a str) -> Vec<(usize, &'a str)> {
    if path.ends_with("/tests.rs") {
        return Vec::new();
    }
    let end = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..end]
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or("")))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect()
}

/// The units a line refers to through `crate::a::b` or `crate::{a::b, c}`.
fn refs_in(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut unit = |path: &str| {
        let mut it = path.split("::");
        let top = ident(it.next().unwrap_or("").trim());
        if LEVELS.iter().any(|(m, _)| *m == top) {
            match it.next().map(|s| ident(s.trim())).filter(|s| !s.is_empty() && s != "self") {
                Some(sub) if top != "error" => out.push(format!("{top}::{sub}")),
                _ => out.push(top),
            }
        }
    };
    for (i, _) in line.match_indices("crate::") {
        let rest = &line[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let body = &group[..group.find('}').unwrap_or(group.len())];
            body.split(',').for_each(|p| unit(p.trim_start_matches('{')));
        } else {
            unit(rest);
        }
    }
    out
}

fn level(unit: &str) -> Option<u8> {
    let top = unit.split("::").next().unwrap();
    LEVELS.iter().find(|(m, _)| *m == top).map(|(_, l)| *l)
}

/// Every edge between units of the library: `from → to → where`.
fn edges(tree: &[(String, String)]) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (path, text) in tree.iter().filter(|(p, _)| !in_shell(p) && p != "src/lib.rs") {
        let from = unit_of(path);
        out.entry(from.clone()).or_default();
        for (n, line) in code_of(path, text) {
            for to in refs_in(line) {
                let same_top = to.split("::").next() == from.split("::").next();
                if to != from && (!same_top || to.contains("::")) {
                    out.get_mut(&from).unwrap().entry(to).or_insert_with(|| format!("{path}:{n}"));
                }
            }
        }
    }
    out
}

/// The arrows that point the wrong way: to a higher or equal level of another top module.
fn upward(edges: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<String> {
    let mut bad = Vec::new();
    for (from, tos) in edges {
        for (to, at) in tos {
            let other_top = to.split("::").next() != from.split("::").next();
            if let (Some(a), Some(b)) = (level(from), level(to)) {
                if other_top && b >= a {
                    bad.push(format!("{from} → {to} ({at})"));
                }
            }
        }
    }
    bad
}

/// A circle of units, if any: each refers to the next, the last to the first.
fn circle(edges: &BTreeMap<String, BTreeMap<String, String>>) -> Option<Vec<String>> {
    fn visit(
        u: &str,
        edges: &BTreeMap<String, BTreeMap<String, String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == u) {
            return Some(path[i..].to_vec());
        }
        if !done.insert(u.to_string()) {
            return None;
        }
        path.push(u.to_string());
        for to in edges.get(u).into_iter().flat_map(|t| t.keys()) {
            if let Some(c) = visit(to, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|u| visit(u, edges, &mut Vec::new(), &mut done))
}

#[test]
fn the_stages_refer_only_downwards_and_in_no_circle() {
    let tree = tree();
    let e = edges(&tree);
    assert!(e.len() > 30, "read {} units", e.len());
    let up = upward(&e);
    assert!(up.is_empty(), "arrows against the pipeline (see docs/architecture.md):\n{}", up.join("\n"));
    if let Some(c) = circle(&e) {
        let hops: Vec<String> =
            c.iter().zip(c.iter().cycle().skip(1)).map(|(a, b)| format!("{a} → {b} ({})", e[a][b])).collect();
        panic!("a circle:\n{}", hops.join("\n"));
    }
    // What the pipeline looks like, so the check is known to see it.
    assert!(e["engine::zones"].contains_key("engine::levels"), "{:?}", e["engine::zones"]);
    assert!(e["output::render"].contains_key("model::snapshot"));
}

#[test]
fn the_checker_sees_an_upward_arrow_and_a_circle() {
    let tree: Vec<(String, String)> = [
        ("src/model/snapshot/mod.rs", "use crate::engine::zones::Zone;\n"),
        ("src/engine/zones/mod.rs", "use crate::{engine::levels::BandGrid, model::side::Where};\n"),
        ("src/engine/levels.rs", "fn f() { crate::engine::zones::g() }\n#[cfg(test)]\nuse crate::output::x;\n"),
        ("src/output/render/mod.rs", "// crate::output::report is named in a comment only\n"),
    ]
    .into_iter()
    .map(|(p, t)| (p.to_string(), t.to_string()))
    .collect();
    let e = edges(&tree);
    assert_eq!(upward(&e), ["model::snapshot → engine::zones (src/model/snapshot/mod.rs:1)"]);
    let mut c = circle(&e).expect("zones ↔ levels");
    c.sort();
    assert_eq!(c, ["engine::levels", "engine::zones"]);
    assert!(e["engine::levels"].keys().all(|k| !k.starts_with("output")), "test code is not counted");
    assert!(e["output::render"].is_empty(), "comments are not counted");
}

#[test]
fn the_library_prints_nothing_itself() {
    // Warnings and progress go through `tracing` (which the binary's -q and --log-json govern)
    // or come back as values; only the binary writes to stdout and stderr.
    let offenders: Vec<String> = tree()
        .iter()
        .filter(|(p, _)| !in_shell(p))
        .flat_map(|(p, text)| {
            code_of(p, text)
                .into_iter()
                .filter(|(_, l)| ["println!", "eprintln!", "print!", "eprint!", "dbg!"].iter().any(|m| l.contains(m)))
                .map(move |(n, l)| format!("{p}:{n}: {}", l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(offenders.is_empty(), "the library prints:\n{}", offenders.join("\n"));
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
