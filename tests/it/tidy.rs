//! The architecture, checked (after rust-analyzer's `tidy` tests): the pure core
//! names no I/O, async, UI or clock; layers import only downwards; and no two
//! modules import each other, directly or round a longer circle.
//!
//! Read from the source text: `crate::…` and `super::…` paths outside comments
//! and outside the `#[cfg(test)]` module at the end of a file (clippy keeps test
//! modules last), and not in `tests.rs` files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What a file of the pure core may not name, with why.
const FORBIDDEN_IN_DOMAIN: &[(&str, &str)] = &[
    ("tokio", "async runtime"),
    ("reqwest", "HTTP"),
    ("slint", "the UI toolkit"),
    ("std::fs", "the disk"),
    ("std::net", "the network"),
    ("std::process", "processes"),
    ("std::env", "the environment"),
    ("std::thread", "threads"),
    ("SystemTime", "the clock"),
    ("Instant", "the clock"),
    ("Utc::now", "the clock"),
    ("Local::now", "the clock"),
    ("crate::edges", "an edge"),
    ("crate::ui", "the UI"),
    ("crate::cli", "the commands"),
];

/// The layers, top to bottom: a module may import its own layer and those below.
const LAYERS: &[&str] = &["cli", "ui", "edges", "domain"];

struct Source {
    /// The module path, e.g. `domain::config::parse`.
    module: String,
    path: PathBuf,
    /// The code without comments and without the trailing test module.
    code: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files
        .into_iter()
        .filter(|path| path.file_name().is_some_and(|name| name != "tests.rs" && name != "main.rs"))
        .map(|path| {
            let relative = path.strip_prefix(&root).unwrap().with_extension("");
            let mut parts: Vec<String> = relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
            if parts.last().is_some_and(|last| last == "mod" || last == "lib") {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            Source { module: parts.join("::"), path, code: code_of(&text) }
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
}

/// The code a file runs in the product: no comments, no test module.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
    text.lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                ""
            } else {
                // A trailing comment; `//` inside a string (a URL) is rare enough in code paths.
                line.split(" // ").next().unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn words(code: &str) -> Vec<&str> {
    code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).filter(|word| !word.is_empty()).collect()
}

/// Every `crate::…` and `super::…` path in the code, with `{a, b::c}` groups expanded.
fn paths_in(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for start in ["crate::", "super::"] {
        let mut rest = code;
        while let Some(at) = rest.find(start) {
            let before = rest[..at].chars().next_back();
            rest = &rest[at..];
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
            let head = &rest[..end];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                rest = &rest[end..];
                continue;
            }
            if rest[end..].starts_with('{') {
                let close = rest[end..].find('}').map_or(rest.len(), |close| end + close);
                for item in rest[end + 1..close].split(',') {
                    let item = item.split_whitespace().next().unwrap_or_default();
                    if !item.is_empty() && item != "self" {
                        paths.push(format!("{head}{item}"));
                    }
                }
                paths.push(head.trim_end_matches(':').to_string());
                rest = &rest[close.min(rest.len())..];
            } else {
                paths.push(head.to_string());
                rest = &rest[end..];
            }
        }
    }
    paths
}

/// The modules a source imports, resolved to the modules that exist.
fn imports(source: &Source, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let parent = source.module.rsplit_once("::").map_or("", |(parent, _)| parent);
    // `super` of a mod.rs is the module above its directory; of a file, the directory it is in.
    let own = parent;
    let mut found = BTreeSet::new();
    for path in paths_in(&source.code) {
        let path = if let Some(rest) = path.strip_prefix("crate::") {
            rest.to_string()
        } else if let Some(rest) = path.strip_prefix("super::") {
            if own.is_empty() {
                rest.to_string()
            } else {
                format!("{own}::{rest}")
            }
        } else {
            continue;
        };
        // The longest prefix of the path that is a module.
        let segments: Vec<&str> = path.split("::").filter(|segment| !segment.is_empty()).collect();
        if let Some(target) = (1..=segments.len())
            .rev()
            .map(|end| segments[..end].join("::"))
            .find(|candidate| modules.contains(candidate))
        {
            if target != source.module {
                found.insert(target);
            }
        }
    }
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let sources = sources();
    let modules: BTreeSet<String> = sources.iter().map(|source| source.module.clone()).collect();
    sources
        .iter()
        .map(|source| {
            // A parent module (mod.rs) declares and re-exports its children: not a dependency.
            let imports = imports(source, &modules)
                .into_iter()
                .filter(|target| !target.starts_with(&format!("{}::", source.module)) || source.module.is_empty())
                .collect();
            (source.module.clone(), imports)
        })
        .collect()
}

#[test]
fn the_core_names_no_io_clock_or_ui() {
    let mut found = Vec::new();
    for source in sources().iter().filter(|source| source.module.starts_with("domain")) {
        for (number, line) in source.code.lines().enumerate() {
            for (name, what) in FORBIDDEN_IN_DOMAIN {
                if words(line).iter().any(|word| word == name || word.starts_with(&format!("{name}::"))) {
                    found.push(format!("{}:{}: names {name} ({what})", relative(&source.path), number + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "the pure core (src/domain) must stay pure:\n{}", found.join("\n"));
}

#[test]
fn layers_import_only_downwards() {
    let layer = |module: &str| LAYERS.iter().position(|layer| module.split("::").next() == Some(layer));
    let mut found = Vec::new();
    for (module, imports) in graph() {
        let Some(own) = layer(&module) else { continue };
        for target in imports {
            if layer(&target).is_some_and(|theirs| theirs < own) {
                found.push(format!("{module} imports {target}, a layer above it"));
            }
        }
    }
    assert!(found.is_empty(), "layers ({}, top first):\n{}", LAYERS.join(" > "), found.join("\n"));
}

#[test]
fn no_module_imports_itself_round_a_circle() {
    let graph = graph();
    let mut circles = BTreeSet::new();
    for start in graph.keys() {
        // Every module reachable from `start`, with the path it was reached by.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((module, path)) = stack.pop() {
            for next in graph.get(&module).into_iter().flatten() {
                if next == start {
                    let mut circle = path.clone();
                    let first = circle.iter().min().unwrap().clone();
                    let at = circle.iter().position(|module| *module == first).unwrap();
                    circle.rotate_left(at);
                    circles.insert(circle.join(" → "));
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    assert!(
        circles.is_empty(),
        "modules in a circle of imports:\n{}",
        circles.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_checks_see_what_they_check() {
    // The graph is read at all: the commands import the core and the edges.
    let graph = graph();
    let commands = &graph["cli::commands"];
    assert!(commands.contains("edges::paths") && commands.contains("domain::config"), "{commands:?}");
    assert!(graph["edges::refresh"].contains("edges::fetch"), "{:?}", graph["edges::refresh"]);
    // A forbidden name is found in code and not in comments.
    let code = code_of("// std::fs in a comment\nlet x = std::fs::read(p); // and tokio here\n");
    assert!(words(&code).contains(&"std::fs::read") && !code.contains("tokio") && !code.contains("comment"));
}

fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(path).display().to_string()
}

/// Small rooms: no file in `src/` over 300 lines, no function over 50.
#[test]
fn files_and_functions_stay_small() {
    const MAX_FILE_LINES: usize = 300;
    const MAX_FUNCTION_LINES: usize = 50;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let mut found = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > MAX_FILE_LINES {
            found.push(format!("{}: {} lines (at most {MAX_FILE_LINES})", relative(&path), lines.len()));
        }
        for (start, name, indent) in functions(&lines) {
            // The function ends at the first line that is its indentation and a closing brace.
            let closing = format!("{indent}}}");
            if let Some(end) = lines[start + 1..].iter().position(|line| *line == closing) {
                let length = end + 2;
                if length > MAX_FUNCTION_LINES {
                    found.push(format!(
                        "{}:{}: fn {name} has {length} lines (at most {MAX_FUNCTION_LINES})",
                        relative(&path),
                        start + 1
                    ));
                }
            }
        }
    }
    assert!(found.is_empty(), "split these:\n{}", found.join("\n"));
}

/// Where functions start: (line index, name, indentation).
fn functions<'a>(lines: &[&'a str]) -> Vec<(usize, &'a str, &'a str)> {
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let mut rest = trimmed;
        for prefix in ["pub(crate) ", "pub(super) ", "pub ", "async ", "unsafe ", "const "] {
            rest = rest.strip_prefix(prefix).unwrap_or(rest);
        }
        if let Some(signature) = rest.strip_prefix("fn ") {
            let name = signature.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or_default();
            found.push((index, name, indent));
        }
    }
    found
}

/// ARCHITECTURE.md's code map names every module (by its file, or a folder it is in).
#[test]
fn the_architecture_page_names_every_module() {
    let page = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap();
    let missing: Vec<String> = sources()
        .iter()
        .map(|source| {
            source.path.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).unwrap().to_path_buf()
        })
        .filter(|path| !path.ends_with("mod.rs") && !path.ends_with("lib.rs") && !path.ends_with("test_support.rs"))
        .filter(|path| {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let folders = path.parent().into_iter().flat_map(|parent| parent.iter()).skip(1);
            !page.contains(&file)
                && !folders.map(|folder| format!("{}/", folder.to_string_lossy())).any(|f| page.contains(&f))
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md does not name {missing:?}");
}
