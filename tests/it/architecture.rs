//! The layout rules of docs/architecture.md, checked on the source tree:
//! - the command line (clap, the config file) lives in the binary: `src/main.rs` and `src/cli/`,
//!   which the library (`src/lib.rs`) does not declare, so no stage can import it;
//! - the library's stages refer only to stages below them (error → files → model → fetch |
//!   engine → output), and no two of their modules refer to each other, directly or round a
//!   circle (test code aside);
//! - inside a module, no two of its files refer to each other, directly or round a circle;
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

/// The code of a file without its tests: no item under `#[cfg(test)]` (a `mod tests { … }`, a
/// `use`, an `impl`: to its `;` or its closing brace), no `tests.rs`, no comments.
fn code_of<'a>(path: &str, text: &'a str) -> Vec<(usize, &'a str)> {
    if path.ends_with("/tests.rs") {
        return Vec::new();
    }
    let lines: Vec<&str> = text.lines().map(|l| l.split("//").next().unwrap_or("")).collect();
    let mut keep = vec![true; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() != "#[cfg(test)]" {
            i += 1;
            continue;
        }
        let mut depth = 0i32;
        let mut j = i;
        'item: while j < lines.len() {
            keep[j] = false;
            for c in lines[j].chars() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break 'item;
                        }
                    }
                    ';' if depth == 0 => break 'item,
                    _ => {}
                }
            }
            j += 1;
        }
        i = j + 1;
    }
    lines.into_iter().enumerate().filter(|(i, l)| keep[*i] && !l.trim().is_empty()).map(|(i, l)| (i + 1, l)).collect()
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

/// The module a file is: `engine::backtest::types` for src/engine/backtest/types.rs,
/// `engine::backtest` for src/engine/backtest/mod.rs.
fn module_of(path: &str) -> String {
    let rel = path.strip_prefix("src/").unwrap().strip_suffix(".rs").unwrap();
    rel.strip_suffix("/mod").unwrap_or(rel).replace('/', "::")
}

/// The files a line of `module` refers to among its siblings (the files of its parent module):
/// through `super::x`, `super::{x, y::z}`, `crate::parent::x` or `crate::parent::{x, y}`.
fn siblings_in(line: &str, module: &str, modules: &BTreeSet<String>) -> Vec<String> {
    let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
    let ident = |s: &str| s.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut out = Vec::new();
    let crate_prefix = format!("crate::{parent}::");
    for prefix in ["super::", crate_prefix.as_str()] {
        for (i, _) in line.match_indices(prefix) {
            // `crate::engine::backtest::x` must not match inside `crate::a::engine::backtest::x`,
            // nor `super::` inside `super::super::`'s second half.
            if line[..i].ends_with("::") || line[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &line[i + prefix.len()..];
            let names: Vec<String> = match rest.strip_prefix('{') {
                Some(group) => group[..group.find('}').unwrap_or(group.len())].split(',').map(ident).collect(),
                None => vec![ident(rest)],
            };
            for name in names.into_iter().filter(|n| !n.is_empty()) {
                let sibling = format!("{parent}::{name}");
                if sibling != module && modules.contains(&sibling) {
                    out.push(sibling);
                }
            }
        }
    }
    out
}

/// Every edge between two files of one module: `from → to → where`. A module's `mod.rs` (which
/// declares its files and re-exports their items) is not one of its files.
fn file_edges(tree: &[(String, String)]) -> BTreeMap<String, BTreeMap<String, String>> {
    let files: Vec<&(String, String)> = tree
        .iter()
        .filter(|(p, _)| !in_shell(p) && p != "src/lib.rs" && !p.ends_with("/tests.rs") && !p.ends_with("/mod.rs"))
        .collect();
    let modules: BTreeSet<String> = tree.iter().filter(|(p, _)| p != "src/lib.rs").map(|(p, _)| module_of(p)).collect();
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (path, text) in files {
        let from = module_of(path);
        let tos = out.entry(from.clone()).or_default();
        for (n, line) in code_of(path, text) {
            for to in siblings_in(line, &from, &modules) {
                tos.entry(to).or_insert_with(|| format!("{path}:{n}"));
            }
        }
    }
    out
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
fn the_files_of_a_module_refer_to_each_other_in_no_circle() {
    let tree = tree();
    let e = file_edges(&tree);
    if let Some(c) = circle(&e) {
        let hops: Vec<String> =
            c.iter().zip(c.iter().cycle().skip(1)).map(|(a, b)| format!("{a} → {b} ({})", e[a][b])).collect();
        panic!(
            "a circle between the files of a module (move what they share into a file of its own):\n{}",
            hops.join("\n")
        );
    }
    // What the files look like, so the check is known to see them.
    assert!(
        e["engine::backtest::summary"].contains_key("engine::backtest::types"),
        "{:?}",
        e["engine::backtest::summary"]
    );
    assert!(e["output::report::triggers"].contains_key("output::report::model"), "{:?}", e["output::report::triggers"]);
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
fn the_checker_sees_a_circle_between_the_files_of_a_module() {
    let tree: Vec<(String, String)> = [
        ("src/engine/backtest/mod.rs", "pub use types::*;\nfn run() { walk::x(); fuel::y() }\n"),
        ("src/engine/backtest/types.rs", "pub struct Backtest {\n    fuel: Option<super::fuel::Fuel>,\n}\n"),
        ("src/engine/backtest/fuel.rs", "use super::{table::wrap, types::PricePath};\n"),
        (
            "src/engine/backtest/table.rs",
            "#[cfg(test)]\nmod tests {\n    use super::super::fuel::Fuel;\n    fn f() { crate::engine::backtest::types::g() }\n}\n",
        ),
        (
            "src/engine/backtest/walk.rs",
            "use super::Backtest;\n#[cfg(test)]\nimpl Backtest {\n    fn f() { super::fuel::g() }\n}\nfn h() -> crate::engine::backtest::table::T { todo!() }\n",
        ),
        ("src/engine/zones/mod.rs", "use crate::engine::backtest::types::Backtest;\n"),
    ]
    .into_iter()
    .map(|(p, t)| (p.to_string(), t.to_string()))
    .collect();
    let e = file_edges(&tree);
    let tos = |m: &str| e[m].keys().map(|k| k.as_str()).collect::<Vec<_>>();
    assert!(!e.contains_key("engine::backtest"), "a module's mod.rs is not one of its files");
    assert_eq!(tos("engine::backtest::types"), ["engine::backtest::fuel"]);
    assert_eq!(tos("engine::backtest::fuel"), ["engine::backtest::table", "engine::backtest::types"], "a group");
    assert!(tos("engine::backtest::table").is_empty(), "test code is not counted");
    assert_eq!(tos("engine::backtest::walk"), ["engine::backtest::table"], "after a test-only item, code counts");
    let mut c = circle(&e).expect("types ↔ fuel");
    c.sort();
    assert_eq!(c, ["engine::backtest::fuel", "engine::backtest::types"]);
    assert_eq!(e["engine::backtest::types"]["engine::backtest::fuel"], "src/engine/backtest/types.rs:2");
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
