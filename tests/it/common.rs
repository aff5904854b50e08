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
/// The example data folder (data/example).
pub fn example() -> String {
    format!("{}/data/example", env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary and returns its standard output; any failure fails the test, showing both streams.
pub fn ok(w: &Workdir, args: &[&str]) -> String {
    let o = w.run(args);
    assert!(o.status.success(), "{:?}\n{}", args, show(&o));
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// The example with every wage of 3,000.00 doubled, in `folder` (employers, lines,
/// invalidity and incapacity): other data with the same quarters, for the store's tests.
pub fn doubled_wages(w: &Workdir, folder: &str) {
    let ex = example();
    for f in ["employers.csv", "invalidity.csv", "incapacity.csv"] {
        w.write(&format!("{folder}/{f}"), std::fs::read(format!("{ex}/{f}")).expect("example"));
    }
    let lines = std::fs::read_to_string(format!("{ex}/employment.csv")).expect("example");
    w.write(&format!("{folder}/employment.csv"), lines.replace(",3000.00,", ",6000.00,"));
}

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

/// The embedded rule set with dated values changed: each `(name, from, value)` gives
/// parameter `name` the value `value` (TOML) from quarter `from` on, sourced as a test's
/// what-if (replacing the value dated `from` when there is one). The way to build a what-if
/// rule file in a test, rather than editing the rule text by hand.
pub fn rules_with_all(changes: &[(&str, &str, &str)]) -> String {
    let mut lines: Vec<String> = responsa::rules::DEFAULT_RULES.lines().map(str::to_string).collect();
    for (name, from, value) in changes {
        let header = format!("[{name}.values]");
        let at = lines.iter().position(|l| *l == header).unwrap_or_else(|| panic!("no parameter {name}"));
        let line = format!(
            "\"{from}\" = {{ value = {value}, source = {{ act = \"what-if\", reading = \"what-if of a test\" }} }}"
        );
        let key = format!("\"{from}\" =");
        let end = (at + 1..lines.len()).find(|&i| !lines[i].starts_with('"')).unwrap_or(lines.len());
        match (at + 1..end).find(|&i| lines[i].starts_with(&key)) {
            Some(i) => lines[i] = line,
            None => lines.insert(end, line),
        }
    }
    lines.join("\n") + "\n"
}

/// [`rules_with_all`] with one change.
pub fn rules_with(name: &str, from: &str, value: &str) -> String {
    rules_with_all(&[(name, from, value)])
}

/// One `#[test]` per golden case, each calling the module's `check` with its name, and
/// `CASES`, the list of them (checked against the cases' folder by each module).
macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )*
        const CASES: &[&str] = &[$(stringify!($name)),*];
    };
}
pub(crate) use cases;

/// §12.3: a text written in `lang` cites every act in that language: it holds no act's
/// title of another language where the two differ (a German letter citing a French title
/// left untranslated holds it as its own German text, marked). Returns the acts' titles in
/// `lang` that `text` holds, for the caller to check the ones it expects.
pub fn cites_in_its_language(text: &str, lang: &str, what: &str) -> Vec<String> {
    let text = text.replace("&#x27;", "'").replace("&#39;", "'").replace("&amp;", "&").replace("&nbsp;", " ");
    let set = responsa::rules::RuleSet::embedded().expect("the embedded rules");
    let mut held = Vec::new();
    for (key, act) in &set.acts {
        let own = act.title(lang);
        for other in responsa::rules::LANGUAGES {
            let title = act.title(other);
            if other != lang && title != own {
                assert!(!text.contains(title), "{what} ({lang}) cites act '{key}' in {other}: «{title}»\n{text}");
            }
        }
        if text.contains(own) {
            held.push(own.to_string());
        }
    }
    held
}
