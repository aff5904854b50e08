//! The command line as a user meets it: usage errors, exit codes, the rules command.

mod common;

use common::{show, Workdir};

fn example_dir() -> String {
    format!("{}/data/example", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn wrong_usage_exits_2() {
    let w = Workdir::new();
    let o = w.run(&["assess", "--data", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let o = w.run(&["assess", "--quarter", "2023Q5", "--data", "x", "--out", "o"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("expected YYYYQn"), "{}", show(&o));
    let o = w.run(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
}

#[test]
fn quarter_before_first_quarter_is_refused_unless_allowed() {
    let w = Workdir::new();
    let o = w.run(&["assess", "--quarter", "2022Q3", "--data", &example_dir(), "--out", "o"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("before the first assessable quarter 2022Q4"));
    let o = w.run(&[
        "assess",
        "--quarter",
        "2022Q3",
        "--data",
        &example_dir(),
        "--out",
        "o",
        "-q",
        "--allow-before-first-quarter",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
}

#[test]
fn rules_prints_every_parameter_with_its_source() {
    let w = Workdir::new();
    let o = w.run(&["rules", "--quarter", "2023Q4"]);
    assert!(o.status.success(), "{}", show(&o));
    let s = String::from_utf8_lossy(&o.stdout);
    for p in responsa::rules::PARAMETERS {
        assert!(s.contains(p), "rules output lacks {p}:\n{s}");
    }
    assert!(s.contains("source: LP art. 142"), "{s}");
}

#[test]
fn a_broken_rule_file_is_a_usage_error() {
    let w = Workdir::new();
    let unknown = format!(
        "{}\n[max_agee]\ndescription = \"x\"\nrule = \"x\"\n[max_agee.values]\n\"2022Q4\" = {{ value = 1, source = \"x\" }}\n",
        responsa::rules::DEFAULT_RULES
    );
    w.write("r.toml", unknown);
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &example_dir(), "--out", "o", "--rules", "r.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown parameter 'max_agee'"), "{}", show(&o));
    w.write("r2.toml", responsa::rules::DEFAULT_RULES.replace("[max_age]", "[max_age"));
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &example_dir(), "--out", "o", "--rules", "r2.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 18"), "the error names the line: {}", show(&o));
}

#[test]
fn help_teaches() {
    let w = Workdir::new();
    let o = w.run(&["assess", "--help"]);
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    for needle in ["--quarter", "--data", "--out", "--rules", "--strict", "assessment.csv", "Exit codes"] {
        assert!(s.contains(needle), "assess --help lacks {needle}");
    }
}
