//! The command line as a user meets it: usage errors, exit codes, the rules command.

use crate::common::{show, Workdir};

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
        "--allow-incomplete-data",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
}

#[test]
fn rules_prints_every_parameter_with_its_source() {
    let w = Workdir::new();
    let o = w.run(&["rules", "--quarter", "2023Q4"]);
    assert!(o.status.success(), "{}", show(&o));
    let s = String::from_utf8_lossy(&o.stdout);
    for (p, _) in responsa::rules::parameters() {
        assert!(s.contains(p), "rules output lacks {p}:\n{s}");
    }
    assert!(
        s.contains("Loi-programme du 27 décembre 2021, art. 142, § 1 (M.B. 31.12.2021); Loi du 20 novembre 2022"),
        "{s}"
    );
}

#[test]
fn a_broken_rule_file_is_a_usage_error() {
    let w = Workdir::new();
    let unknown = format!(
        "{}\n[max_agee]\ndescription = \"x\"\nrule = \"x\"\n[max_agee.values]\n\"2022Q4\" = {{ value = 1, source = {{ act = \"x\" }} }}\n",
        responsa::rules::DEFAULT_RULES
    );
    w.write("r.toml", unknown);
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &example_dir(), "--out", "o", "--rules", "r.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown parameter 'max_agee'"), "{}", show(&o));
    w.write("r2.toml", responsa::rules::DEFAULT_RULES.replace("[levy.max_age]", "[levy.max_age"));
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &example_dir(), "--out", "o", "--rules", "r2.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let line = responsa::rules::DEFAULT_RULES.lines().position(|l| l == "[levy.max_age]").expect("[levy.max_age]") + 1;
    let at = format!("r2.toml:{line}:");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&at), "the error names file and line ({at}): {}", show(&o));
    assert_eq!(err.lines().count(), 1, "one line, without the parser's caret display: {err}");
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

#[test]
fn an_output_folder_below_a_regular_file_is_named() {
    let w = Workdir::new();
    w.write("taken", "a file, not a folder");
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &example_dir(), "--out", "taken/out", "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("taken/out") && err.contains("--out"), "the error names the path:\n{err}");
}

#[test]
fn a_quarter_where_no_built_contribution_is_in_force_is_refused() {
    // §5: the levy ends with 2025Q4. A rule file without the solidarity contribution
    // leaves nothing in force for 2026Q2.
    let w = Workdir::new();
    w.write("none.toml", crate::common::rules_with("solidarity.in_force", "2026Q1", "false"));
    let o = w.run(&["assess", "--quarter", "2026Q2", "--data", &example_dir(), "--out", "o", "--rules", "none.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line:\n{err}");
    for needle in ["2026Q2", "invalidity levy", "2022Q4..2025Q4", "solidarity contribution", "in force never"] {
        assert!(err.contains(needle), "the refusal names '{needle}':\n{err}");
    }
    assert!(!w.path("o/assessment.csv").exists());
}

#[test]
fn a_what_if_switches_the_levy_on_for_2026() {
    let w = Workdir::new();
    let o =
        w.run(&["generate", "--scale", "tiny", "--seed", "3", "--quarters", "2025Q1..2026Q2", "--out", "data", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let on = crate::common::rules_with_all(&[
        ("levy.in_force", "2026Q1", "true"),
        ("solidarity.in_force", "2026Q1", "false"),
    ]);
    w.write("levy-2026.toml", on);
    // The generated data begin in 2025Q1: the levy's denominators of 2024 count as empty.
    let o = w.run(&[
        "assess",
        "--quarter",
        "2026Q2",
        "--data",
        "data",
        "--out",
        "o",
        "--rules",
        "levy-2026.toml",
        "--allow-incomplete-data",
    ]);
    assert!(o.status.success(), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("invalidity levy"), "{}", show(&o));
    let summary: serde_json::Value = serde_json::from_str(&w.read("o/summary.json")).expect("summary");
    assert_eq!(summary["quarter"], "2026Q2");
    assert_eq!(summary["rules"]["parameters"]["levy.in_force"], "true");
}

/// The office's lines of the notices come from a file it edits (--letters): its contact,
/// appeal and signature, and a fixed date (notices written again byte for byte); a file
/// with a date not written YYYY-MM-DD is refused naming it.
#[test]
fn the_notices_take_the_offices_lines_and_date_from_its_file() {
    let w = Workdir::new();
    let office = responsa::html::letters::DEFAULT_OFFICE.replace("date = \"\"", "date = \"2027-01-15\"").replace(
        "[À compléter dans letters.toml : le service, le téléphone et l'adresse électronique à contacter]",
        "Service Responsabilisation, 02 509 00 00, respo@example.be",
    );
    w.write("office.toml", office);
    let args = |out: &str| {
        vec![
            "assess".to_string(),
            "--quarter".into(),
            "2023Q4".into(),
            "--data".into(),
            example_dir(),
            "--out".into(),
            out.into(),
            "--letters".into(),
            "office.toml".into(),
            "-q".into(),
        ]
    };
    for out in ["a", "b"] {
        let a = args(out);
        let o = w.run(&a.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(o.status.success(), "{}", show(&o));
    }
    let letter = w.read("a/letters/E02.html");
    assert!(
        letter.contains("15\u{a0}janvier 2027") && letter.contains("respo@example.be"),
        "the office's date and lines"
    );
    assert_eq!(letter, w.read("b/letters/E02.html"), "a fixed date: the same bytes");
    w.write("bad.toml", responsa::html::letters::DEFAULT_OFFICE.replace("date = \"\"", "date = \"15/01/2027\""));
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &example_dir(), "--out", "c", "--letters", "bad.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.toml"), "{}", show(&o));
}
