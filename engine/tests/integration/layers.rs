//! The engine's modules form layers that point one way: each top-level module of
//! `engine/src` imports only from modules of lower layers, so there is no import cycle
//! and the engine can be read bottom-up. This test reads the sources, collects every
//! `crate::module` path outside comments and test modules, and checks it against the
//! layer table below (the same table as in `lib.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every top-level module with its layer; a module may import only from lower layers.
const LAYERS: &[(&str, u32)] = &[
    ("limits", 0),
    ("gas", 1),
    ("ir", 1),
    ("types", 2),
    ("imports", 3),
    ("validation", 4),
    ("host", 5),
    ("translation", 5),
    ("module", 6),
    ("execution", 7),
    ("aot", 8),
    ("backend", 9),
    ("world", 10),
];

fn source_dir() -> PathBuf {
    crate::shared::manifest_dir().join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its test module (`mod tests`
/// under `#[cfg(test)]` or `#[cfg(all(test, ..))]`).
fn code_of(source: &str) -> String {
    let test_module = source.match_indices("\nmod tests").find_map(|(at, _)| {
        let attribute = source[..at].rfind('\n').map_or(0, |start| start + 1);
        let line = &source[attribute..at];
        (line == "#[cfg(test)]" || line.starts_with("#[cfg(all(test,")).then_some(attribute)
    });
    let source = match test_module {
        Some(at) => &source[..at],
        None => source,
    };
    source
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first path segments after `crate::` in `code` (`crate::a::b` and
/// `crate::{a::x, b}` give `a` and `b`).
fn crate_references(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            names.extend(group.split(',').map(ident).filter(|n| !n.is_empty()));
        } else {
            names.insert(ident(rest));
        }
    }
    names
}

/// Module -> the modules its code names.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let root = source_dir();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&root).unwrap();
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        let references = crate_references(&code);
        let entry = graph.entry(top.clone()).or_default();
        entry.extend(references.into_iter().filter(|r| *r != top));
    }
    graph
}

#[test]
fn modules_import_only_from_lower_layers() {
    let layer: BTreeMap<&str, u32> = LAYERS.iter().copied().collect();
    let graph = dependencies();
    let mut violations = Vec::new();
    for (module, uses) in &graph {
        if module == "lib" {
            continue;
        }
        let Some(&own) = layer.get(module.as_str()) else {
            violations.push(format!("{module}: not in the layer table"));
            continue;
        };
        for used in uses {
            match layer.get(used.as_str()) {
                None => violations.push(format!(
                    "{module} names crate::{used}, a re-export of lib.rs: name its module"
                )),
                Some(&theirs) if theirs >= own => violations.push(format!(
                    "{module} (layer {own}) imports {used} (layer {theirs})"
                )),
                Some(_) => {}
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layering violations:\n{}",
        violations.join("\n")
    );
}

#[test]
fn lib_rs_only_declares_and_reexports() {
    let lib = code_of(&std::fs::read_to_string(source_dir().join("lib.rs")).unwrap());
    // Drop attributes (`#[..]`, `#![..]`), then every item must be a declaration or a
    // re-export.
    let mut items = String::new();
    let mut chars = lib.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '#' {
            items.push(c);
            continue;
        }
        let mut depth = 0;
        for c in chars.by_ref() {
            match c {
                '[' => depth += 1,
                ']' if depth == 1 => break,
                ']' => depth -= 1,
                _ => {}
            }
        }
    }
    for item in items.split(';').map(str::trim).filter(|i| !i.is_empty()) {
        let allowed = ["extern crate ", "pub mod ", "mod ", "pub use "]
            .iter()
            .any(|prefix| item.starts_with(prefix));
        assert!(allowed, "lib.rs has more than declarations: {item}");
    }
}

#[test]
fn the_checker_sees_references() {
    let code = code_of(
        "use crate::a::B;\n// crate::hidden\nfn f() { crate::c::d(); }\nuse crate::{e::F, g};\n#[cfg(test)]\nmod tests { use crate::h; }",
    );
    let names: Vec<_> = crate_references(&code).into_iter().collect();
    assert_eq!(names, ["a", "c", "e", "g"]);
    let std_tests = code_of(
        "use crate::a::B;\n#[cfg(all(test, feature = \"std\"))]\nmod tests { use crate::h; }",
    );
    let names: Vec<_> = crate_references(&std_tests).into_iter().collect();
    assert_eq!(names, ["a"]);
}
