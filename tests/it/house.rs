//! The house (docs/design.md): a contribution is named only by its wing and the registry,
//! and the library's layers point one way — a module imports only from its own layer or
//! the ones below.

use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A file's code: before its tests, without comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("a source file");
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// The path of a source file below src/, with `/`.
fn rel(path: &Path) -> String {
    path.strip_prefix(src()).expect("under src").to_string_lossy().replace('\\', "/")
}

/// The library's layers, lowest first: the law's arithmetic and the words; reading the
/// inputs; the publishing pieces; the contributions; the store; the runs. The command line
/// is the binary's (src/main.rs, src/cli/), above all of them.
const LAYERS: [&[&str]; 6] = [
    &["error", "memory", "quarter", "parse", "rules", "words", "volumes", "employer"],
    &["input", "dmfa", "occupation", "dataset"],
    &["report", "html", "xlsx"],
    &["wing", "assessed", "contribution", "levy", "solidarity", "correction"],
    &["store"],
    &["run", "pipeline", "regularise", "explain", "funds", "lines", "synth"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The first path segment of a file's module (`store` for src/store/ingest.rs).
fn module_of(rel: &str) -> String {
    rel.split('/').next().unwrap_or_default().trim_end_matches(".rs").to_string()
}

#[test]
fn layers_point_one_way() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut up = Vec::new();
    let mut unplaced = Vec::new();
    for f in &files {
        let r = rel(f);
        let m = module_of(&r);
        if ["lib", "main", "cli"].contains(&m.as_str()) {
            continue;
        }
        let Some(own) = layer(&m) else {
            unplaced.push(r);
            continue;
        };
        let text = code(f);
        for (i, _) in text.match_indices("crate::") {
            let used: String = text[i + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if let Some(l) = layer(&used).filter(|l| *l > own) {
                up.push(format!("{r} (layer {own}) uses crate::{used} (layer {l})"));
            }
        }
    }
    assert!(unplaced.is_empty(), "modules in no layer of docs/design.md: {unplaced:?}");
    up.sort();
    up.dedup();
    assert!(up.is_empty(), "arrows pointing up:\n{}", up.join("\n"));
}

#[test]
fn only_the_wings_and_the_registry_name_a_contribution() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut named = Vec::new();
    for f in &files {
        let r = rel(f);
        // The wings, the registry, and `funds`: the run of the levy's sector funds (§10).
        if r.starts_with("levy/") || r.starts_with("solidarity/") || r == "contribution.rs" || r == "funds.rs" {
            continue;
        }
        let text = code(f);
        let n = ["crate::levy", "crate::solidarity", "responsa::levy", "responsa::solidarity"]
            .iter()
            .map(|w| text.matches(w).count())
            .sum::<usize>();
        if n > 0 {
            named.push(format!("{r}: {n}"));
        }
    }
    assert!(named.is_empty(), "contributions named outside their wings and the registry:\n{}", named.join("\n"));
}
