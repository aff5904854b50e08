//! The repository explains itself: every path the README and docs/ name exists, every §
//! the code, the tests, the README and the docs cite is a heading of docs/, and the cron
//! script the README shows is the one shipped (and runs).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if p.extension().and_then(|x| x.to_str()).is_some_and(|x| ext.contains(&x)) {
            out.push(p);
        }
    }
}

fn documents() -> Vec<PathBuf> {
    let mut v = vec![root().join("README.md")];
    files_under(&root().join("docs"), &["md"], &mut v);
    v
}

/// The repository paths named in backquotes in a Markdown text.
fn named_paths(text: &str) -> Vec<String> {
    const ROOTS: [&str; 7] = ["src/", "tests/", "docs/", "data/", "benches/", "templates/", ".ci/"];
    let mut out = Vec::new();
    for (i, span) in text.split('`').enumerate() {
        if i % 2 == 0 {
            continue;
        }
        for word in span.split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')')) {
            let w = word.trim_end_matches(['.', ':', ';']);
            let placeholder = w.contains(['*', '{', '<', '…']) || w.chars().any(|c| c.is_ascii_uppercase());
            if ROOTS.iter().any(|r| w.starts_with(r)) && !placeholder {
                out.push(w.to_string());
            }
        }
    }
    out
}

#[test]
fn every_path_the_readme_and_docs_name_exists() {
    let mut missing = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("a document");
        for p in named_paths(&text) {
            if !root().join(&p).exists() {
                missing.push(format!("{}: {p}", doc.display()));
            }
        }
    }
    assert!(missing.is_empty(), "paths named but absent:\n{}", missing.join("\n"));
}

/// `§3.5`-style references, without the articles of law (`art. 142 §1`) and the outside
/// guides (`guide §9.2.6`) they quote.
fn references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices('§') {
        let after: String =
            text[i + '§'.len_utf8()..].trim_start().chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        let r = after.trim_end_matches('.');
        if r.is_empty() {
            continue;
        }
        let before = &text[text[..i].char_indices().rev().nth(14).map_or(0, |(k, _)| k)..i];
        if before.contains("art. ") || before.contains("article") || before.contains("guide") {
            continue;
        }
        out.push(r.to_string());
    }
    out
}

#[test]
fn every_section_cited_is_a_heading_of_the_docs() {
    let mut headings = BTreeSet::new();
    for doc in documents().into_iter().filter(|d| d.starts_with(root().join("docs"))) {
        for line in std::fs::read_to_string(&doc).expect("a document").lines().filter(|l| l.starts_with('#')) {
            headings.extend(references(line));
        }
    }
    assert!(headings.contains("3.5") && headings.contains("8.2"), "{headings:?}");
    let mut sources = documents();
    files_under(&root().join("src"), &["rs"], &mut sources);
    files_under(&root().join("tests"), &["rs", "toml"], &mut sources);
    files_under(&root().join("templates"), &["html"], &mut sources);
    sources.push(root().join("data/rules.toml"));
    let mut dangling = BTreeSet::new();
    for f in sources {
        let text = std::fs::read_to_string(&f).expect("a source");
        for r in references(&text) {
            if !headings.contains(&r) {
                dangling.insert(format!("{}: §{r}", f.strip_prefix(root()).unwrap_or(&f).display()));
            }
        }
    }
    assert!(
        dangling.is_empty(),
        "sections cited but not headings of docs/:\n{}",
        dangling.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_cron_script_in_the_readme_is_the_one_shipped() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let script = std::fs::read_to_string(root().join("docs/quarterly.sh")).expect("docs/quarterly.sh");
    assert!(readme.contains(&format!("```sh\n{script}```")), "the README shows docs/quarterly.sh as it is");
}

#[test]
fn the_cron_script_runs_as_written_and_says_what_failed() {
    let w = crate::common::Workdir::new();
    let home = w.path("srv");
    let extracts = home.join("extracts/2023Q4");
    std::fs::create_dir_all(&extracts).expect("mkdir");
    for f in ["employers.csv", "employment.csv", "invalidity.csv", "incapacity.csv"] {
        std::fs::copy(root().join("data/example").join(f), extracts.join(f)).expect("copy");
    }
    let script = root().join("docs/quarterly.sh");
    // As cron runs it: sh, a bare PATH (no mail), the binary named by its full path.
    let run = |args: &[&str], binary: &str| {
        std::process::Command::new("/bin/sh")
            .arg(&script)
            .args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", w.dir.path())
            .env("RESPONSA", binary)
            .env("RESPONSA_HOME", &home)
            .output()
            .expect("sh")
    };
    let bin = env!("CARGO_BIN_EXE_responsa");
    let o = run(&["2023Q4"], bin);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(home.join("reports/2023Q4/assessment.csv").is_file(), "{err}");
    let history = std::fs::read_to_string(home.join("logs/2023Q4.history")).unwrap_or_default();
    assert!(history.contains("Billed: nothing yet"), "the store's history is logged: {history}");
    assert!(String::from_utf8_lossy(&o.stdout).is_empty(), "nothing billed was out of date: nothing to mail");
    // The next quarter's extract corrects a wage of 2023Q3, which the billed 2023Q4 reads:
    // cron mails exactly that quarter, with the command to regularise it.
    let next = home.join("extracts/2024Q1");
    std::fs::create_dir_all(&next).expect("mkdir");
    for f in ["employers.csv", "invalidity.csv", "incapacity.csv"] {
        std::fs::copy(root().join("data/example").join(f), next.join(f)).expect("copy");
    }
    let lines = std::fs::read_to_string(root().join("data/example/employment.csv")).expect("example");
    std::fs::write(
        next.join("employment.csv"),
        lines.replacen(
            "2023Q3,E01,E01-W000,1,2019-06-30,true,9123.45,",
            "2023Q3,E01,E01-W000,1,2019-06-30,true,9223.45,",
            1,
        ),
    )
    .expect("write");
    let o = run(&["2024Q1"], bin);
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(out.contains("2023Q4 levy") && out.contains("responsa regularise --store store --quarter 2023Q4"), "{out}");
    assert!(!out.contains("2024Q1 levy"), "2024Q1 was not billed before this run: {out}");
    let o = run(&["2024Q2"], bin);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("no folder extracts/2024Q2"), "a missing quarter is said: {err}");
    let o = run(&["2023Q4"], "/nonexistent/responsa");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("no responsa at /nonexistent/responsa"), "{err}");
}

/// Every command the README shows on the example runs as shown (§11), in order, in one
/// scratch folder where `data/` is the repository's. A command on other data says so by
/// its placeholders (DIR, STORE, FILE, a path under /srv or /extracts, a correction folder
/// the README describes, alternatives with `|`): those are templates, not run. The cron
/// script is run by its own test.
#[test]
fn every_command_the_readme_shows_on_the_example_runs() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let w = crate::common::Workdir::new();
    #[cfg(unix)]
    std::os::unix::fs::symlink(root().join("data"), w.path("data")).expect("link data/");
    let mut commands: Vec<String> = Vec::new();
    let mut in_block = false;
    let mut pending = String::new();
    for line in readme.lines() {
        if line.starts_with("```") {
            in_block = line == "```sh";
            continue;
        }
        if !in_block {
            continue;
        }
        let line = line.split(" #").next().unwrap_or_default().trim_end();
        let joined = format!("{pending}{}", line.trim_start());
        if let Some(head) = joined.strip_suffix('\\') {
            pending = format!("{} ", head.trim_end());
            continue;
        }
        pending.clear();
        commands.push(joined);
    }
    let templates = ["DIR", "STORE", "FILE", "/srv/", "/extracts/", "corrections/", "|", "[", "0123456789", "<"];
    let mut ran = 0;
    for c in &commands {
        if let Some(args) = c.strip_prefix("cp ") {
            let v: Vec<&str> = args.split_whitespace().collect();
            std::fs::copy(w.path(v[0]), w.path(v[1])).expect("the README's cp");
            continue;
        }
        let args = match (c.strip_prefix("cargo run --release -- "), c.strip_prefix("responsa ")) {
            (Some(a), _) | (_, Some(a)) => a,
            _ => continue,
        };
        if templates.iter().any(|t| args.contains(t)) {
            continue;
        }
        let argv: Vec<&str> = args.split_whitespace().collect();
        let o = w.run(&argv);
        assert!(o.status.success(), "README: `{c}`\n{}", crate::common::show(&o));
        ran += 1;
    }
    assert!(ran >= 15, "the README's example commands were found and run: {ran}");
    // The commands quoted in the text on the example (`assess --quarters … --data
    // data/example`), with an --out of their own where they name none.
    let mut quoted = 0;
    for (k, span) in readme.split('`').skip(1).step_by(2).enumerate() {
        let is_command = ["assess --", "explain --", "funds --"].iter().any(|c| span.starts_with(c));
        if !is_command || !span.contains("data/example") || templates.iter().any(|t| span.contains(t)) {
            continue;
        }
        let mut argv: Vec<String> = span.split_whitespace().map(str::to_string).collect();
        if !span.starts_with("explain") && !span.contains("--out") {
            argv.extend(["--out".to_string(), format!("quoted-{k}")]);
        }
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let o = w.run(&argv);
        assert!(o.status.success(), "README: `{span}`\n{}", crate::common::show(&o));
        quoted += 1;
    }
    assert!(quoted >= 2, "the commands quoted in the README's text were found and run: {quoted}");
}
