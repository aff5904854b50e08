//! Golden cases derived by hand from docs/contract.md, one format for both contributions
//! (tests/golden/levy/*.toml, tests/golden/solidarity/*.toml) and for corrections
//! (tests/golden/regularisation/*.toml).
//!
//! Each case describes a small universe compactly: employers with a number of identical
//! workers (1 FTE, seniority 2010-01-01, 3,000.00 wages a quarter, in service, in every
//! quarter Q-7..Q of the assessed quarter Q unless said otherwise, with a register row
//! Q-7..Q+1), explicit extra lines, invalidity entries, and incapacities (start Monday
//! 2026-01-05, born 1980-06-15, in service since 2015-01-01, ordinary worker, no recognised
//! disability, 64.15 a day, unless said). Unless `base = false`, nine filler employers
//! F1..F9 (NACE 47110, 100 workers, no entries) and ten G01..G10 (NACE 25110, 100 workers)
//! are added, so a tested employer in 47110 has a NACE-4 group of 10 and the private sector
//! is diluted. `[[rule]]` gives a what-if value. The harness writes the CSV inputs, runs the
//! real binary and compares each expected row — an employer's of assessment.csv
//! (`[[expect]]`), a joint committee's receipts (`[[receipt]]`), an incapacity's of
//! solidarity.csv (`expect` of its `[[incapacity]]`) — with a one-line reason; an
//! expectation that checks nothing fails.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::common::{read_csv, show, Workdir};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    about: String,
    #[serde(default = "q4")]
    quarter: String,
    #[serde(default = "yes")]
    base: bool,
    /// What-if values: the rule set with these dated values (`crate::common::rules_with_all`).
    #[serde(default)]
    rule: Vec<RuleValue>,
    #[serde(default)]
    employer: Vec<Emp>,
    #[serde(default)]
    expect: Vec<Expect>,
    #[serde(default)]
    receipt: Vec<Receipt>,
    #[serde(default)]
    incapacity: Vec<Inc>,
}

/// One incapacity (§8.1) and what solidarity.csv must say of it.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Inc {
    worker: String,
    #[serde(default = "e")]
    employer: String,
    #[serde(default = "start")]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default = "birth_inc")]
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
    /// Required of an incapacity of tests/golden/solidarity (a missing one checks nothing and
    /// fails); a regularisation case states its expectations apart.
    #[serde(default)]
    because: String,
    #[serde(default)]
    expect: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleValue {
    /// `GROUP.NAME`, as in data/rules.toml.
    name: String,
    from: String,
    /// As TOML writes it: `"1.8"`, `4`, `true`.
    value: String,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Emp {
    id: String,
    #[serde(default = "nace")]
    nace: String,
    #[serde(default = "cat")]
    category: String,
    #[serde(default = "jc")]
    jc: String,
    #[serde(default = "yes")]
    private: bool,
    #[serde(default = "sixty")]
    workers: u32,
    #[serde(default = "one")]
    fte: String,
    #[serde(default = "sen")]
    seniority_date: String,
    #[serde(default = "wage")]
    wages: String,
    /// Quarters with the standard workers (default: all eight).
    #[serde(default)]
    quarters: Option<Vec<String>>,
    /// Standard workers per quarter, overriding `workers`.
    #[serde(default)]
    workers_in: BTreeMap<String, u32>,
    /// `n` copies named `id1..idn`.
    #[serde(default)]
    copies: Option<u32>,
    /// Line-level joint committees: the first N standard workers carry the first key,
    /// the next M the second, …; the others carry none (the employer's own applies).
    #[serde(default)]
    committees: BTreeMap<String, u32>,
    #[serde(default)]
    line: Vec<Line>,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Line {
    quarter: String,
    worker: String,
    #[serde(default = "one")]
    fte: String,
    #[serde(default = "sen")]
    seniority_date: String,
    #[serde(default = "wage")]
    wages: String,
    #[serde(default)]
    jc: String,
    #[serde(default = "yes")]
    in_service: bool,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// Quarter of invalidity_start: sets invalidity_start to the 15th of its middle month
    /// and primary_incapacity_start one year earlier.
    #[serde(default)]
    quarter: Option<String>,
    #[serde(default)]
    primary_incapacity_start: Option<String>,
    #[serde(default)]
    invalidity_start: Option<String>,
    #[serde(default = "birth")]
    birth_date: String,
    #[serde(default = "sen")]
    seniority_date: String,
    #[serde(default)]
    resumption_authorized: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    employer: String,
    because: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    warning: Option<String>,
    #[serde(default)]
    levy: Option<String>,
    #[serde(default)]
    entries: Option<String>,
    #[serde(default)]
    sector: Option<String>,
    #[serde(default)]
    employer_ratio: Option<String>,
    #[serde(default)]
    average_headcount: Option<String>,
    #[serde(default)]
    fte_r1: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Receipt {
    joint_committee: String,
    levy: String,
    because: String,
}

fn q4() -> String {
    "2023Q4".into()
}
fn yes() -> bool {
    true
}
fn nace() -> String {
    "47110".into()
}
fn cat() -> String {
    "010".into()
}
fn jc() -> String {
    "201".into()
}
fn sixty() -> u32 {
    60
}
fn one() -> String {
    "1".into()
}
fn sen() -> String {
    "2010-01-01".into()
}
fn wage() -> String {
    "3000.00".into()
}
fn birth() -> String {
    "1975-01-01".into()
}
fn e() -> String {
    "E".into()
}
fn start() -> String {
    "2026-01-05".into()
}
fn birth_inc() -> String {
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

fn filler(id: &str, nace: &str) -> Emp {
    toml::from_str(&format!("id = \"{id}\"\nnace = \"{nace}\"\nworkers = 100")).expect("filler")
}

fn mid_quarter(q: &str, years_back: i32) -> String {
    let y: i32 = q[..4].parse().expect("year");
    let n: u32 = q[5..].parse().expect("quarter");
    format!("{}-{:02}-15", y - years_back, (n - 1) * 3 + 2)
}

fn materialise(case: &Case, w: &Workdir) {
    let mut emps: Vec<Emp> = Vec::new();
    for e in &case.employer {
        match e.copies {
            Some(n) => emps.extend((1..=n).map(|i| Emp { id: format!("{}{i}", e.id), copies: None, ..e.clone() })),
            None => emps.push(e.clone()),
        }
    }
    if case.base {
        emps.extend((1..=9).map(|i| filler(&format!("F{i}"), "47110")));
        emps.extend((1..=10).map(|i| filler(&format!("G{i:02}"), "25110")));
    }
    let mut reg = String::from("quarter,employer_id,nace,employer_category,joint_committee,private_sector\n");
    let mut emp = String::from(
        "quarter,employer_id,worker_id,fte,seniority_date,in_service_at_quarter_end,wages,joint_committee\n",
    );
    let mut inv = String::from(
        "worker_id,employer_id,primary_incapacity_start,invalidity_start,birth_date,seniority_date,resumption_authorized\n",
    );
    let assessed: responsa::quarter::Quarter = case.quarter.parse().expect("the case's quarter");
    for k in -7..=1 {
        let q = assessed.offset(k).to_string();
        let q = q.as_str();
        for e in &emps {
            writeln!(reg, "{q},{},{},{},{},{}", e.id, e.nace, e.category, e.jc, e.private).ok();
            if k > 0 {
                continue; // the register of Q+1, for incapacities starting then
            }
            let active = e.quarters.as_ref().is_none_or(|qs| qs.iter().any(|x| x == q));
            let n = if active { e.workers_in.get(q).copied().unwrap_or(e.workers) } else { 0 };
            let mut committee_of = Vec::new();
            for (c, m) in &e.committees {
                committee_of.extend(std::iter::repeat_n(c.as_str(), *m as usize));
            }
            for k in 0..n {
                let c = committee_of.get(k as usize).copied().unwrap_or("");
                writeln!(emp, "{q},{},{}-w{k},{},{},true,{},{c}", e.id, e.id, e.fte, e.seniority_date, e.wages).ok();
            }
            for l in e.line.iter().filter(|l| l.quarter == q) {
                writeln!(
                    emp,
                    "{q},{},{},{},{},{},{},{}",
                    e.id, l.worker, l.fte, l.seniority_date, l.in_service, l.wages, l.jc
                )
                .ok();
            }
        }
    }
    for e in &emps {
        for (j, x) in e.entry.iter().enumerate() {
            let inv_start = x
                .invalidity_start
                .clone()
                .or_else(|| x.quarter.as_deref().map(|q| mid_quarter(q, 0)))
                .expect("entry needs quarter or invalidity_start");
            let pis = x
                .primary_incapacity_start
                .clone()
                .or_else(|| x.quarter.as_deref().map(|q| mid_quarter(q, 1)))
                .expect("entry needs quarter or primary_incapacity_start");
            writeln!(
                inv,
                "{}-i{j},{},{pis},{inv_start},{},{},{}",
                e.id, e.id, x.birth_date, x.seniority_date, x.resumption_authorized
            )
            .ok();
        }
    }
    let mut inc = String::from(
        "worker_id,employer_id,incapacity_start,incapacity_end,birth_date,service_start,worker_type,disability_recognised,part_time_resumption,daily_benefit\n",
    );
    for i in &case.incapacity {
        writeln!(
            inc,
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
        .ok();
    }
    w.write("data/employers.csv", reg);
    w.write("data/employment.csv", emp);
    // An input is written when it has rows (a file with a header alone is refused).
    if inv.lines().count() > 1 {
        w.write("data/invalidity.csv", inv);
    }
    if inc.lines().count() > 1 {
        w.write("data/incapacity.csv", inc);
    }
}

fn run_case(name: &str, text: &str) -> Vec<String> {
    let case: Case = toml::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let w = Workdir::new();
    materialise(&case, &w);
    let mut args = vec!["assess", "--quarter", &case.quarter, "--data", "data", "--out", "out", "--quiet", "--strict"];
    if !case.rule.is_empty() {
        let changes: Vec<(&str, &str, &str)> =
            case.rule.iter().map(|r| (r.name.as_str(), r.from.as_str(), r.value.as_str())).collect();
        w.write("rules.toml", crate::common::rules_with_all(&changes));
        args.extend(["--rules", "rules.toml"]);
    }
    let out = w.run(&args);
    assert!(out.status.success(), "{name}: {}\n{}", case.about, show(&out));
    let mut failures = incapacities(name, &case, &w);
    if case.expect.is_empty() && case.receipt.is_empty() {
        assert!(!case.incapacity.is_empty(), "{name}: a case must expect something");
        return failures;
    }
    let rows = read_csv(&w.path("out/assessment.csv"));
    for x in &case.expect {
        let Some(row) = rows.iter().find(|r| r["employer_id"] == x.employer) else {
            failures.push(format!("{name}: employer {} missing from assessment.csv", x.employer));
            continue;
        };
        let checks = [
            ("status", &x.status),
            ("warning", &x.warning),
            ("levy", &x.levy),
            ("entries", &x.entries),
            ("sector", &x.sector),
            ("employer_ratio", &x.employer_ratio),
            ("average_headcount", &x.average_headcount),
            ("fte_r1", &x.fte_r1),
        ];
        if checks.iter().all(|(_, want)| want.is_none()) {
            failures.push(format!("{name}: the expectation of {} checks nothing — {}", x.employer, x.because));
        }
        for (col, want) in checks {
            if let Some(want) = want {
                if &row[col] != want {
                    failures.push(format!(
                        "{name}: {} {col}: expected '{want}', got '{}' — {}\n    row: {:?}",
                        x.employer, row[col], x.because, row
                    ));
                }
            }
        }
    }
    if !case.receipt.is_empty() {
        let rec = read_csv(&w.path("out/receipts_by_joint_committee.csv"));
        for x in &case.receipt {
            let got = rec.iter().find(|r| r["joint_committee"] == x.joint_committee).map(|r| r["levy"].clone());
            if got.as_deref() != Some(x.levy.as_str()) {
                failures.push(format!(
                    "{name}: receipts of {}: expected {}, got {:?} — {}",
                    x.joint_committee, x.levy, got, x.because
                ));
            }
        }
    }
    failures
}

/// The incapacities' expectations against solidarity.csv (and the employer's average
/// headcount, `employer_headcount`, against solidarity_by_employer.csv).
fn incapacities(name: &str, case: &Case, w: &Workdir) -> Vec<String> {
    let mut failures = Vec::new();
    if case.incapacity.is_empty() {
        return failures;
    }
    let rows = read_csv(&w.path("out/solidarity.csv"));
    let by_employer = read_csv(&w.path("out/solidarity_by_employer.csv"));
    for i in &case.incapacity {
        if i.expect.is_empty() {
            failures.push(format!("{name}: {}: the expectation checks nothing — {}", i.worker, i.because));
        }
        let Some(row) = rows.iter().find(|r| r["worker_id"] == i.worker) else {
            failures.push(format!("{name}: {}: no row in solidarity.csv — {}", i.worker, i.because));
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
                failures
                    .push(format!("{name}: {} {field}: expected {expected}, got {actual} — {}", i.worker, i.because));
            }
        }
    }
    failures
}

fn check_in(folder: &str, test: &str) {
    let name = test.trim_start_matches("case_");
    let path = golden_dir().join(folder).join(format!("{name}.toml"));
    let failures = run_case(name, &std::fs::read_to_string(&path).expect("read case"));
    assert!(failures.is_empty(), "{} expectation(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// The case files of a folder against the tests of its `cases!` list.
fn listed(folder: &str, cases: &[&str]) {
    let mut files: Vec<String> = std::fs::read_dir(golden_dir().join(folder))
        .expect("a golden folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| format!("case_{}", p.file_stem().unwrap_or_default().to_string_lossy()))
        .collect();
    files.sort();
    assert_eq!(files, cases, "tests/golden/{folder} and its cases! list in tests/it/golden.rs differ");
}

// One test per case, named after its folder and file (`golden::levy::case_01_baseline_liable`
// runs `tests/golden/levy/01_baseline_liable.toml`), so that a failing case can be run alone.

mod levy {
    fn check(test: &str) {
        super::check_in("levy", test);
    }

    #[test]
    fn every_case_has_its_test() {
        super::listed("levy", CASES);
    }

    crate::common::cases!(
        case_01_baseline_liable,
        case_02_age_55_counted,
        case_03_age_56_not_counted,
        case_04_age_day_before_56_counted,
        case_05_leap_day_seniority_short,
        case_06_leap_day_seniority_met,
        case_07_seniority_exactly_3_years,
        case_08_seniority_one_day_short,
        case_09_resumption_authorized,
        case_10_fte3y_seniority_boundary,
        case_11_zero_denominator_skip,
        case_12_no_reference_employment,
        case_13_one_reference_quarter,
        case_14_sheltered_category,
        case_15_sheltered_joint_committee,
        case_16_small_employer_49_75,
        case_17_headcount_exactly_50,
        case_18_headcount_quarters_with_lines,
        case_19_two_cases_w2,
        case_20_sector_nace4_nine_falls_to_3,
        case_21_sector_falls_to_2,
        case_22_sector_too_small,
        case_23_exactly_twice_sector,
        case_24_hair_below_twice_sector,
        case_25_exactly_three_times_private,
        case_26_hair_below_three_times_private,
        case_27_levy_half_up,
        case_28_receipts_largest_remainder,
        case_29_entry_outside_window,
        case_30_twice_sector_where_floats_disagree,
        case_31_what_if_min_cases_two,
    );
}

mod solidarity {
    fn check(test: &str) {
        super::check_in("solidarity", test);
    }

    #[test]
    fn every_case_has_its_test_and_the_cases_are_enough() {
        super::listed("solidarity", CASES);
        let incapacities: usize = std::fs::read_dir(super::golden_dir().join("solidarity"))
            .expect("tests/golden/solidarity")
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .map(|t| t.matches("[[incapacity]]").count())
            .sum();
        assert!(incapacities >= 15, "at least 15 hand-derived incapacities, found {incapacities}");
    }

    crate::common::cases!(
        case_01_window_and_days,
        case_02_window_end_in_a_short_month,
        case_03_worker,
        case_04_employer,
    );
}

fn golden_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[test]
fn an_expectation_that_checks_nothing_fails() {
    let case = "about = \"x\"\nquarter = \"2023Q4\"\n[[employer]]\nid = \"E\"\nentry = [{ quarter = \"2023Q1\" }]\n[[expect]]\nemployer = \"E\"\nbecause = \"nothing\"\n";
    let failures = run_case("empty", case);
    assert!(failures.iter().any(|m| m.contains("checks nothing")), "an [[expect]] with no expected value must fail");
    let case = "about = \"x\"\nquarter = \"2026Q1\"\n[[employer]]\nid = \"E\"\n[[incapacity]]\nworker = \"W\"\nbecause = \"nothing\"\nexpect = {}\n";
    let failures = run_case("empty", case);
    assert!(failures.iter().any(|m| m.contains("checks nothing")), "an incapacity expecting nothing must fail");
}

// Regularisation cases (§12, tests/golden/regularisation/*.toml): a universe as above, ingested
// into a store (version 1), then the same universe with some employers replaced, added
// (`[[after]]`) or removed (`remove`), ingested again (version 2); `responsa regularise
// --from 1` must give each expected row of regularisation.csv, and no row for the
// employers of `no_row`.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegCase {
    about: String,
    #[serde(default = "q4")]
    quarter: String,
    #[serde(default = "yes")]
    base: bool,
    #[serde(default)]
    employer: Vec<Emp>,
    /// Employers of version 2 replacing those of the same id (after copies are expanded),
    /// or added.
    #[serde(default)]
    after: Vec<Emp>,
    /// Employers version 2 no longer holds.
    #[serde(default)]
    remove: Vec<String>,
    /// The incapacities of version 1; those of version 2 replacing them by worker, or
    /// added; the workers version 2 no longer holds (a solidarity quarter).
    #[serde(default)]
    incapacity: Vec<Inc>,
    #[serde(default)]
    after_incapacity: Vec<Inc>,
    #[serde(default)]
    remove_incapacity: Vec<String>,
    #[serde(default)]
    expect: Vec<RegExpect>,
    #[serde(default)]
    expect_incapacity: Vec<RegIncExpect>,
    #[serde(default)]
    no_row: Vec<String>,
}

/// Every column of a row of regularisation_incapacities.csv is expected.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegIncExpect {
    worker: String,
    status_before: String,
    status_after: String,
    days_before: String,
    days_after: String,
    amount_before: String,
    amount_after: String,
    difference: String,
    causes: String,
    because: String,
}

/// Every column of a row is expected: an expectation cannot check nothing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegExpect {
    employer: String,
    #[serde(default = "levy_code")]
    contribution: String,
    status_before: String,
    status_after: String,
    amount_before: String,
    amount_after: String,
    difference: String,
    causes: String,
    because: String,
}

/// The row of `rows` whose `key` column holds the value, compared column by column with
/// what a case expects; a line of `failures` for a missing row and for each difference.
fn expect_row(
    name: &str,
    rows: &[BTreeMap<String, String>],
    (key, id): (&str, &str),
    checks: &[(&str, &String)],
    because: &str,
    failures: &mut Vec<String>,
) {
    let Some(row) = rows.iter().find(|r| r[key] == id) else {
        failures.push(format!("{name}: no row for {id} — {because}\n    rows: {rows:?}"));
        return;
    };
    for (col, want) in checks {
        if &&row[*col] != want {
            failures.push(format!(
                "{name}: {id} {col}: expected '{want}', got '{}' — {because}\n    row: {row:?}",
                row[*col]
            ));
        }
    }
}

fn levy_code() -> String {
    "invalidity_levy".into()
}

fn expand(emps: &[Emp]) -> Vec<Emp> {
    let mut out = Vec::new();
    for e in emps {
        match e.copies {
            Some(n) => out.extend((1..=n).map(|i| Emp { id: format!("{}{i}", e.id), copies: None, ..e.clone() })),
            None => out.push(e.clone()),
        }
    }
    out
}

fn run_regularisation(name: &str, text: &str) -> Vec<String> {
    let case: RegCase = toml::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let w = Workdir::new();
    let universe = |employer: Vec<Emp>, incapacity: Vec<Inc>| Case {
        about: case.about.clone(),
        quarter: case.quarter.clone(),
        base: case.base,
        rule: Vec::new(),
        employer,
        expect: Vec::new(),
        receipt: Vec::new(),
        incapacity,
    };
    assert!(!case.expect.is_empty() || !case.expect_incapacity.is_empty(), "{name}: a case must expect something");
    let mut incapacities: Vec<Inc> =
        case.incapacity.iter().filter(|i| !case.remove_incapacity.contains(&i.worker)).cloned().collect();
    for a in &case.after_incapacity {
        match incapacities.iter_mut().find(|i| i.worker == a.worker) {
            Some(slot) => *slot = a.clone(),
            None => incapacities.push(a.clone()),
        }
    }
    let before = expand(&case.employer);
    let mut after: Vec<Emp> = before.iter().filter(|e| !case.remove.contains(&e.id)).cloned().collect();
    for a in expand(&case.after) {
        match after.iter_mut().find(|e| e.id == a.id) {
            Some(slot) => *slot = a,
            None => after.push(a),
        }
    }
    for (version, employers, incapacity) in [(1, before, case.incapacity.clone()), (2, after, incapacities)] {
        materialise(&universe(employers, incapacity), &w);
        let o = w.run(&["ingest", "--data", "data", "--store", "store", "-q"]);
        assert!(o.status.success(), "{name}: ingest {version}: {}", show(&o));
    }
    let o = w.run(&["regularise", "--store", "store", "--quarter", &case.quarter, "--from", "1", "--out", "out", "-q"]);
    assert!(o.status.success(), "{name}: {}\n{}", case.about, show(&o));
    let rows = read_csv(&w.path("out/regularisation.csv"));
    let mut failures = Vec::new();
    for x in &case.expect {
        let checks = [
            ("status_before", &x.status_before),
            ("status_after", &x.status_after),
            ("amount_before", &x.amount_before),
            ("amount_after", &x.amount_after),
            ("difference", &x.difference),
            ("causes", &x.causes),
            ("contribution", &x.contribution),
            ("quarter", &case.quarter),
        ];
        expect_row(name, &rows, ("employer_id", &x.employer), &checks, &x.because, &mut failures);
    }
    if !case.expect_incapacity.is_empty() {
        let rows = read_csv(&w.path("out/regularisation_incapacities.csv"));
        for x in &case.expect_incapacity {
            let checks = [
                ("status_before", &x.status_before),
                ("status_after", &x.status_after),
                ("indemnified_days_before", &x.days_before),
                ("indemnified_days_after", &x.days_after),
                ("amount_before", &x.amount_before),
                ("amount_after", &x.amount_after),
                ("difference", &x.difference),
                ("causes", &x.causes),
            ];
            expect_row(name, &rows, ("worker_id", &x.worker), &checks, &x.because, &mut failures);
        }
    }
    for id in &case.no_row {
        if rows.iter().any(|r| &r["employer_id"] == id) {
            failures.push(format!("{name}: {id} has a row though neither its status nor its levy moved"));
        }
    }
    failures
}

mod regularisation {
    use super::run_regularisation;

    crate::common::cases!(
        case_01_wage_base,
        case_02_entries,
        case_03_fte3y,
        case_04_average_headcount,
        case_05_register,
        case_06_sector_ratio,
        case_07_private_ratio,
        case_08_status_change_no_amount,
        case_09_added,
        case_10_withdrawn,
        case_11_incapacity_end,
        case_12_part_time_resumption,
        case_13_daily_benefit,
        case_14_incapacity_added,
        case_15_incapacity_withdrawn,
        case_16_incapacity_status_no_amount,
        case_17_wage_base_with_pools_moving,
    );

    fn dir() -> std::path::PathBuf {
        super::golden_dir().join("regularisation")
    }

    fn check(test: &str) {
        let name = test.trim_start_matches("case_");
        let path = dir().join(format!("{name}.toml"));
        let failures = run_regularisation(name, &std::fs::read_to_string(&path).expect("read case"));
        assert!(failures.is_empty(), "{} expectation(s) failed:\n{}", failures.len(), failures.join("\n"));
    }

    #[test]
    fn every_regularisation_case_has_its_test() {
        let mut files: Vec<String> = std::fs::read_dir(dir())
            .expect("tests/golden/regularisation")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| format!("case_{}", p.file_stem().unwrap_or_default().to_string_lossy()))
            .collect();
        files.sort();
        assert_eq!(files, CASES, "tests/golden/regularisation and the cases! list differ");
    }
}

/// §13: hand-written DmfA declarations (tests/golden/dmfa/*.toml), each with the lines it
/// must make — FTE, wages, in service, seniority, derived by hand in the case's `because`
/// — and the occupations it must reject. The harness writes the declarations and a
/// register of the employers named, runs `responsa lines` and compares every line: as
/// many lines as expected, each equal to one expected.
mod dmfa {
    use crate::common::{read_csv, show, Workdir};
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Case {
        about: String,
        /// The `Form`s of one file, between `<DmfAOriginal>` and its end.
        xml: String,
        /// The register's employers (each with a row in 2023Q3..2023Q4).
        employers: Vec<String>,
        /// An optional `seniority` input (CSV text).
        #[serde(default)]
        seniority: Option<String>,
        #[serde(default)]
        dmfa_employer_id: Option<String>,
        #[serde(default)]
        line: Vec<Line>,
        #[serde(default)]
        reject: Vec<RejectRow>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Line {
        #[serde(default = "q")]
        quarter: String,
        employer: String,
        worker: String,
        fte: String,
        wages: String,
        in_service: bool,
        seniority: String,
        #[serde(default)]
        joint_committee: String,
        because: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RejectRow {
        line: i64,
        reason: String,
        because: String,
    }

    fn q() -> String {
        "2023Q4".into()
    }

    fn check(test: &str) {
        let name = test.trim_start_matches("case_");
        let path = super::golden_dir().join("dmfa").join(format!("{name}.toml"));
        let text = std::fs::read_to_string(&path).expect("the case file");
        let case: Case = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!case.line.is_empty() || !case.reject.is_empty(), "{name}: a case that checks nothing");
        let w = Workdir::new();
        let mut register = String::from("quarter,employer_id,nace,employer_category,joint_committee,private_sector\n");
        for e in &case.employers {
            for q in ["2023Q3", "2023Q4"] {
                register.push_str(&format!("{q},{e},47110,010,200,true\n"));
            }
        }
        w.write("data/employers.csv", register);
        w.write(
            "data/dmfa/declarations.xml",
            format!("{}{}{}", responsa::dmfa::write::HEAD, case.xml, responsa::dmfa::write::TAIL),
        );
        if let Some(s) = &case.seniority {
            w.write("data/seniority.csv", s);
        }
        let mut args = vec!["lines", "--data", "data", "--out", "out"];
        if let Some(id) = &case.dmfa_employer_id {
            args.extend(["--dmfa-employer-id", id.as_str()]);
        }
        let o = w.run(&args);
        assert!(o.status.success(), "{name} ({}): {}", case.about, show(&o));
        let got = read_csv(&w.path("out/employment.csv"));
        assert_eq!(got.len(), case.line.len(), "{name}: lines made {got:#?}");
        for l in &case.line {
            let found = got.iter().any(|g| {
                g["quarter"] == l.quarter
                    && g["employer_id"] == l.employer
                    && g["worker_id"] == l.worker
                    && g["fte"] == l.fte
                    && g["wages"] == l.wages
                    && g["in_service_at_quarter_end"] == l.in_service.to_string()
                    && g["seniority_date"] == l.seniority
                    && g["joint_committee"] == l.joint_committee
            });
            assert!(
                found,
                "{name}: no line {} {} fte {} wages {} — {}\ngot {got:#?}",
                l.employer, l.worker, l.fte, l.wages, l.because
            );
        }
        let rejects = read_csv(&w.path("out/rejects.csv"));
        assert_eq!(rejects.len(), case.reject.len(), "{name}: rejects {rejects:#?}");
        for r in &case.reject {
            assert!(
                rejects.iter().any(|g| g["line"] == r.line.to_string() && g["reason"].contains(&r.reason)),
                "{name}: no reject at line {} «{}» — {}\ngot {rejects:#?}",
                r.line,
                r.reason,
                r.because
            );
        }
    }

    #[test]
    fn every_case_has_its_test() {
        super::listed("dmfa", CASES);
    }

    crate::common::cases!(
        case_01_full_time_by_days,
        case_02_part_time_by_hours,
        case_03_regime_change,
        case_04_ending_mid_quarter,
        case_05_notice_pay_only,
        case_06_student_block,
        case_07_two_employers,
        case_08_duplicate_declaration,
        case_09_seniority_input,
        case_10_noss_key,
        case_11_bad_values,
    );
}
