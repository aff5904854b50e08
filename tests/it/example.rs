//! The shipped example (data/example, see its README): the README's main command gives
//! the hand-computed statuses, warnings, levies and receipts.

use crate::common::{read_csv, show, Workdir};

fn example_dir() -> String {
    format!("{}/data/example", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn example_outputs_match_the_hand_computation() {
    let w = Workdir::new();
    let out = w.run(&["assess", "--quarter", "2023Q4", "--data", &example_dir(), "--out", "out"]);
    assert!(out.status.success(), "{}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("levy total: EUR 6436.73"), "terminal summary:\n{stdout}");

    let rows = read_csv(&w.path("out/assessment.csv"));
    assert_eq!(rows.len(), 32);
    let get = |id: &str| rows.iter().find(|r| r["employer_id"] == id).unwrap_or_else(|| panic!("{id} missing"));
    let expect = [
        ("E01", "liable", "W1", "4561.73"),
        ("E02", "fewer_than_3_cases", "W2", ""),
        ("E03", "below_sector_multiple", "W3", ""),
        ("E04", "fewer_than_3_cases", "", ""),
        ("B01", "liable", "W1", "1875.00"),
        ("C01", "sector_too_small", "", ""),
        ("C02", "small_employer", "", ""),
        ("S01", "sheltered_workshop", "", ""),
        ("S02", "sheltered_workshop", "", ""),
        ("M02", "small_employer", "", ""),
        ("P01", "out_of_scope", "", ""),
    ];
    for (id, status, warning, levy) in expect {
        let r = get(id);
        assert_eq!(
            (r["status"].as_str(), r["warning"].as_str(), r["levy"].as_str()),
            (status, warning, levy),
            "{id}: expected {status}/{warning}/{levy}, row {r:?}"
        );
    }
    let e01 = get("E01");
    assert_eq!(e01["entries"], "3", "E01: the 56-year-old's entry is not counted");
    assert_eq!(e01["fte_r1"], "75", "E01: 5 workers reach 3 years only on 2022-06-30");
    assert_eq!(e01["fte_r2"], "80");
    assert_eq!(e01["wage_base"], "729876.00");
    assert_eq!(e01["due_quarter"], "2024Q2");
    assert_eq!(get("B01")["sector"], "25", "B01 falls back to NACE-2");
    assert_eq!(get("E01")["sector_employers"], "12");
    assert_eq!(get("E01")["private_ratio"], "0.0018534630918621638");

    let receipts = std::fs::read_to_string(w.path("out/receipts_by_joint_committee.csv")).expect("receipts");
    assert_eq!(receipts, "joint_committee,employers,levy\n111,1,1875.00\n201,1,3421.30\n311,1,1140.43\n");
    let warnings = read_csv(&w.path("out/warnings.csv"));
    assert_eq!(warnings.len(), 4);
    let sectors = read_csv(&w.path("out/sectors.csv"));
    let s4711 = sectors.iter().find(|s| s["sector"] == "4711" && s["level"] == "4").expect("4711");
    assert_eq!(
        (s4711["employers"].as_str(), s4711["entries_r1"].as_str(), s4711["fte_r1"].as_str()),
        ("12", "3", "825")
    );
    let summary: serde_json::Value = serde_json::from_str(&w.read("out/summary.json")).expect("json");
    assert_eq!(summary["levy_total"], "6436.73");
    assert_eq!(summary["liable"], 2);
    assert_eq!(summary["warnings"]["W2"], 1);
    assert_eq!(summary["inputs"]["employment"]["read"], 18760);
    assert_eq!(summary["inputs"]["employment"]["rejected"], 0);
}

#[test]
fn two_identical_runs_give_identical_bytes() {
    let w = Workdir::new();
    for out in ["a", "b"] {
        let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &example_dir(), "--out", out, "-q"]);
        assert!(o.status.success(), "{}", show(&o));
    }
    for f in [
        "assessment.csv",
        "levy.csv",
        "warnings.csv",
        "sectors.csv",
        "receipts_by_joint_committee.csv",
        "rejects.csv",
        "summary.json",
    ] {
        assert_eq!(w.read(&format!("a/{f}")), w.read(&format!("b/{f}")), "{f} differs between two runs");
    }
}

#[test]
fn several_quarters_in_one_run() {
    let w = Workdir::new();
    // The example holds no 2021 line: 2023Q3's denominator of 2021Q4 counts as empty.
    let o = w.run(&[
        "assess",
        "--quarters",
        "2023Q3..2023Q4",
        "--data",
        &example_dir(),
        "--out",
        "out",
        "-q",
        "--allow-incomplete-data",
    ]);
    assert!(o.status.success(), "{}", show(&o));
    let single = w.run(&["assess", "--quarter", "2023Q4", "--data", &example_dir(), "--out", "single", "-q"]);
    assert!(single.status.success(), "{}", show(&single));
    assert_eq!(w.read("out/2023Q4/assessment.csv"), w.read("single/assessment.csv"));
    assert!(w.path("out/2023Q3/assessment.csv").exists());
}

#[test]
fn one_file_per_quarter_in_sub_folders_gives_the_same_assessment() {
    let w = Workdir::new();
    let dir = example_dir();
    for name in ["employers", "employment"] {
        let text = std::fs::read_to_string(format!("{dir}/{name}.csv")).expect("example");
        let mut lines = text.lines();
        let header = lines.next().expect("header");
        let mut by_quarter: std::collections::BTreeMap<String, String> = Default::default();
        for l in lines {
            let q = l.split(',').next().unwrap_or_default().to_string();
            by_quarter.entry(q).or_insert_with(|| format!("{header}\n")).push_str(&format!("{l}\n"));
        }
        // 2022Q1..2023Q4 for the levy (the register also 2024Q1..Q2, for the notice of
        // 2024), 2025Q1..2025Q4 (and 2026Q1 in the register) for
        // the solidarity quarter.
        assert_eq!(by_quarter.len(), if name == "employers" { 15 } else { 12 }, "{name}");
        for (q, body) in by_quarter {
            w.write(&format!("split/{name}/{q}.csv"), body);
        }
    }
    w.write("split/invalidity.csv", std::fs::read(format!("{dir}/invalidity.csv")).expect("example"));
    for (data, out) in [("split", "a"), (dir.as_str(), "b")] {
        let o = w.run(&["assess", "--quarter", "2023Q4", "--data", data, "--out", out, "-q"]);
        assert!(o.status.success(), "{}", show(&o));
    }
    assert_eq!(w.read("a/assessment.csv"), w.read("b/assessment.csv"));
    assert_eq!(w.read("a/receipts_by_joint_committee.csv"), w.read("b/receipts_by_joint_committee.csv"));
}

#[test]
fn example_2026q1_solidarity_matches_the_hand_computation() {
    // data/example/README.md: eleven incapacities of 2026Q1, one or more of each status.
    // Due: E02-W001 51 days × 64.15 → 981.50; E04-W001 resumes part-time on 18 February:
    // 4–17 February less two Sundays = 12 days × 70.00 → 252.00; P01-W001 (a public
    // employer's contractual staff) 981.50. Total 2,215.00, due 2026Q4.
    let w = Workdir::new();
    let o = w.run(&["assess", "--quarter", "2026Q1", "--data", &example_dir(), "--out", "out", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let rows = read_csv(&w.path("out/solidarity.csv"));
    let status: Vec<(String, String, String)> =
        rows.iter().map(|r| (r["worker_id"].clone(), r["status"].clone(), r["contribution"].clone())).collect();
    let expected = [
        ("C02-W001", "small_employer", "0.00"),
        ("E02-W001", "due", "981.50"),
        ("E02-W002", "no_indemnified_day", "0.00"),
        ("E02-W003", "excluded_worker_type", "0.00"),
        ("E02-W004", "disability_recognised", "0.00"),
        ("E02-W005", "age_out_of_range", "0.00"),
        ("E02-W006", "short_service", "0.00"),
        ("E04-W001", "due", "252.00"),
        ("P01-W001", "due", "981.50"),
        ("P01-W002", "excluded_worker_type", "0.00"),
        ("S01-W001", "sheltered_workshop", "0.00"),
    ];
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(status, expected);
    let summary: serde_json::Value = serde_json::from_str(&w.read("out/summary.json")).expect("json");
    assert_eq!(summary["solidarity"]["contribution_total"], "2215.00");
    assert_eq!(summary["solidarity"]["due_quarter"], "2026Q4");
    assert_eq!(summary["solidarity"]["employers_liable"], 3);
    assert!(!w.path("out/assessment.csv").exists(), "no levy in 2026Q1");
    let o = w.run(&["explain", "--quarter", "2026Q1", "--employer", "E04", "--data", &example_dir()]);
    assert!(o.status.success(), "{}", show(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("on or after the part-time resumption: 45 days, 2026-02-18 .. 2026-04-03"), "{text}");
    assert!(text.contains("not a benefit weekday (Sundays): 2026-02-08, 2026-02-15"), "{text}");
    assert!(text.contains("30 % of 12 days × 70.00 = 30 % of 840.00 → 252.00"), "{text}");
}
