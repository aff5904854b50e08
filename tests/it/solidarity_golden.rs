//! Golden cases of the solidarity contribution, derived by hand from §8
//! (tests/solidarity/*.toml).
//!
//! Each case is a small universe: employers with a number of identical workers in service
//! in each of the four quarters before the assessed one (60 unless said), and
//! incapacities with defaults (start Monday 2026-01-05, born 1980-06-15, in service since
//! 2015-01-01, ordinary worker, no recognised disability, 64.15 a day). The harness writes
//! the inputs, runs the real binary for the case's quarter and compares each incapacity's
//! row of solidarity.csv with its expected outcome and one-line reason.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::common::{read_csv, show, Workdir};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    about: String,
    #[serde(default = "q1")]
    quarter: String,
    #[serde(default)]
    employer: Vec<Emp>,
    #[serde(default)]
    incapacity: Vec<Inc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Emp {
    id: String,
    #[serde(default = "cat")]
    category: String,
    #[serde(default = "jc")]
    jc: String,
    #[serde(default = "yes")]
    private: bool,
    #[serde(default = "sixty")]
    workers: u32,
    #[serde(default)]
    workers_in: BTreeMap<String, u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inc {
    worker: String,
    #[serde(default = "e")]
    employer: String,
    #[serde(default = "start")]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default = "birth")]
    birth: String,
    #[serde(default = "service")]
    service: String,
    #[serde(default = "ordinary", rename = "type")]
    worker_type: String,
    #[serde(default)]
    disability: bool,
    #[serde(default)]
    resumption: String,
    #[serde(default = "benefit")]
    benefit: String,
    because: String,
    expect: BTreeMap<String, toml::Value>,
}

fn q1() -> String {
    "2026Q1".into()
}
fn cat() -> String {
    "010".into()
}
fn jc() -> String {
    "200".into()
}
fn yes() -> bool {
    true
}
fn sixty() -> u32 {
    60
}
fn e() -> String {
    "E".into()
}
fn start() -> String {
    "2026-01-05".into()
}
fn birth() -> String {
    "1980-06-15".into()
}
fn service() -> String {
    "2015-01-01".into()
}
fn ordinary() -> String {
    "ordinary".into()
}
fn benefit() -> String {
    "64.15".into()
}

fn run_case(path: &std::path::Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let case: Case = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let q: responsa::quarter::Quarter = case.quarter.parse()?;
    let w = Workdir::new();
    let mut employers = String::from("quarter,employer_id,nace,employer_category,joint_committee,private_sector\n");
    let mut employment =
        String::from("quarter,employer_id,worker_id,fte,seniority_date,in_service_at_quarter_end,wages\n");
    for e in &case.employer {
        for k in -4..=1 {
            let p = q.offset(k);
            writeln!(employers, "{p},{},47110,{},{},{}", e.id, e.category, e.jc, e.private)
                .map_err(|e| e.to_string())?;
            if k < 0 {
                let n = e.workers_in.get(&p.to_string()).copied().unwrap_or(e.workers);
                for i in 0..n {
                    writeln!(employment, "{p},{},{}-w{i},1,2015-01-01,true,3000.00", e.id, e.id)
                        .map_err(|e| e.to_string())?;
                }
            }
        }
    }
    let mut incapacity = String::from(
        "worker_id,employer_id,incapacity_start,incapacity_end,birth_date,service_start,worker_type,disability_recognised,part_time_resumption,daily_benefit\n",
    );
    for i in &case.incapacity {
        writeln!(
            incapacity,
            "{},{},{},{},{},{},{},{},{},{}",
            i.worker,
            i.employer,
            i.start,
            i.end,
            i.birth,
            i.service,
            i.worker_type,
            i.disability,
            i.resumption,
            i.benefit
        )
        .map_err(|e| e.to_string())?;
    }
    w.write("data/employers.csv", employers);
    w.write("data/employment.csv", employment);
    w.write("data/incapacity.csv", incapacity);
    let o = w.run(&["assess", "--quarter", &case.quarter, "--data", "data", "--out", "out", "--strict", "-q"]);
    if !o.status.success() {
        return Err(format!("{} ({}): the run failed\n{}", path.display(), case.about, show(&o)));
    }
    let rows = read_csv(&w.path("out/solidarity.csv"));
    let by_employer = read_csv(&w.path("out/solidarity_by_employer.csv"));
    let mut failures = Vec::new();
    for i in &case.incapacity {
        if i.expect.is_empty() {
            failures.push(format!("  {}: the expectation checks nothing ({})", i.worker, i.because));
        }
        let Some(row) = rows.iter().find(|r| r["worker_id"] == i.worker) else {
            failures.push(format!("  {}: no row in solidarity.csv ({})", i.worker, i.because));
            continue;
        };
        for (field, expected) in &i.expect {
            let expected = match expected {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => format!("{other:?}"),
            };
            let actual = match field.as_str() {
                "days" => row["indemnified_days"].clone(),
                "employer_headcount" => by_employer
                    .iter()
                    .find(|e| e["employer_id"] == i.employer)
                    .map(|e| e["average_headcount"].clone())
                    .unwrap_or_default(),
                f => row.get(f).cloned().unwrap_or_else(|| format!("<no column {f}>")),
            };
            if actual != expected {
                failures.push(format!("  {} {field}: expected {expected}, got {actual}  — {}", i.worker, i.because));
            }
        }
    }
    if failures.is_empty() {
        Ok(case.incapacity.len())
    } else {
        Err(format!("{} ({}):\n{}", path.display(), case.about, failures.join("\n")))
    }
}

// One test per file, named after it (`case_01_window_and_days` runs
// `tests/solidarity/01_window_and_days.toml`), so that a failing file can be run alone.
crate::common::cases!(case_01_window_and_days, case_02_window_end_in_a_short_month, case_03_worker, case_04_employer,);

fn cases_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/solidarity")
}

fn check(test: &str) {
    let path = cases_dir().join(format!("{}.toml", test.trim_start_matches("case_")));
    if let Err(e) = run_case(&path) {
        panic!("{e}");
    }
}

#[test]
fn every_solidarity_case_file_has_its_test_and_the_cases_are_enough() {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/solidarity")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let names: Vec<String> =
        files.iter().map(|p| format!("case_{}", p.file_stem().unwrap_or_default().to_string_lossy())).collect();
    assert_eq!(names, CASES, "tests/solidarity and the cases! list of tests/it/solidarity_golden.rs differ");
    let incapacities: usize = files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("case");
            text.matches("[[incapacity]]").count()
        })
        .sum();
    assert!(incapacities >= 15, "at least 15 hand-derived incapacities, found {incapacities}");
}
