//! Shared helpers of the integration tests: a scratch folder, the real binary, and CSV
//! reading with expected-vs-actual messages (in the manner of xsv's `tests/workdir.rs`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Workdir {
    pub dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("tempdir") }
    }
    pub fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    pub fn write(&self, p: &str, content: impl AsRef<[u8]>) {
        let path = self.path(p);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, content).expect("write");
    }
    pub fn read(&self, p: &str) -> String {
        std::fs::read_to_string(self.path(p)).unwrap_or_else(|e| panic!("reading {p}: {e}"))
    }
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_responsa"))
            .current_dir(self.dir.path())
            .args(args)
            .envs(env.iter().copied())
            .output()
            .expect("run responsa")
    }
}

/// Rows of a CSV file as maps column → value.
pub fn read_csv(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            h.iter().zip(rec.iter()).map(|(a, b)| (a.to_string(), b.to_string())).collect()
        })
        .collect()
}

pub fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The embedded rule set with one more dated value: `name` takes `value` (TOML) from
/// quarter `from` on, sourced as a what-if. The way to build a what-if rule file in a
/// test, rather than editing the rule text by hand.
pub fn rules_with(name: &str, from: &str, value: &str) -> String {
    let header = format!("[{name}.values]\n");
    let rules = responsa::rules::DEFAULT_RULES;
    let at = rules.find(&header).unwrap_or_else(|| panic!("no parameter {name} in the rule set"));
    let line = format!("\"{from}\" = {{ value = {value}, source = {{ act = \"what-if of a test\" }} }}\n");
    let mut out = rules.to_string();
    // After the parameter's last value line.
    let end = at + header.len() + rules[at + header.len()..].find("\n\n").map_or(0, |e| e + 1);
    out.insert_str(end, &line);
    out
}
