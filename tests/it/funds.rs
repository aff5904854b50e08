//! `responsa funds` (§10) on the example: the notice of 2024 adds up to the levies
//! due in 2024, and the example ledger's position on 1 March 2028 is derived by hand
//! (data/example/README.md walks through it).

use crate::common::{read_csv, show, Workdir};

fn example(f: &str) -> String {
    format!("{}/data/example/{f}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_notice_of_2024_adds_up_to_the_levies_due_in_2024() {
    let w = Workdir::new();
    // §6: 2023Q3 reads the lines of 2021Q4, which the example does not hold: refused as
    // `assess` refuses it (funds used to assess it without a word), nothing written.
    let o = w.run(&["funds", "--year", "2024", "--data", &example(""), "--out", "out", "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("2023Q3") && err.contains("2021Q4") && err.contains("--allow-incomplete-data"), "{err}");
    assert!(!w.path("out").exists(), "nothing published");
    let o =
        w.run(&["funds", "--year", "2024", "--data", &example(""), "--out", "out", "-q", "--allow-incomplete-data"]);
    assert!(o.status.success(), "{}", show(&o));
    // Due in 2024: the levies of 2023Q3 (due Q1: E03, 0.625 % of 450,000.00 = 2,812.50) and
    // 2023Q4 (due Q2: 4,561.73 + 1,875.00); 2024Q1 and 2024Q2 have no liable employer.
    let notice = std::fs::read_to_string(w.path("out/notice_2024.csv")).expect("notice");
    assert_eq!(
        notice,
        "joint_committee,employers,receipts_q1,receipts_q2,receipts_q3,receipts_q4,receipts_total,notice_date\n\
         111,1,0.00,1875.00,0.00,0.00,1875.00,2025-02-15\n\
         201,2,2812.50,3421.30,0.00,0.00,6233.80,2025-02-15\n\
         311,1,0.00,1140.43,0.00,0.00,1140.43,2025-02-15\n"
    );
    // The same parts as the receipts of the quarters' own assessments.
    // The example holds no 2021 lines nor any 2024 register row: the quarters are assessed
    // as the notice assesses them, with what is missing counted as empty.
    let o = w.run(&[
        "assess",
        "--quarters",
        "2023Q3..2024Q2",
        "--data",
        &example(""),
        "--out",
        "q",
        "-q",
        "--allow-incomplete-data",
    ]);
    assert!(o.status.success(), "{}", show(&o));
    let total: f64 = ["2023Q3", "2023Q4", "2024Q1", "2024Q2"]
        .iter()
        .flat_map(|q| read_csv(&w.path(&format!("q/{q}/levy.csv"))))
        .map(|r| r["levy"].parse::<f64>().unwrap_or(f64::NAN))
        .sum();
    assert!((total - 9249.23).abs() < 1e-6, "levies due in 2024: {total}");
    let summary: serde_json::Value = serde_json::from_str(&w.read("out/summary.json")).expect("summary");
    assert_eq!(summary["receipts_total"], "9249.23");
}

#[test]
fn the_example_ledger_on_1_march_2028() {
    let w = Workdir::new();
    let o = w.run(&[
        "funds",
        "--year",
        "2024",
        "--data",
        &example(""),
        "--out",
        "out",
        "--ledger",
        &example("ledger.csv"),
        "--as-of",
        "2028-03-01",
        "-q",
        "--allow-incomplete-data",
    ]);
    assert!(o.status.success(), "{}", show(&o));
    let ledger = std::fs::read_to_string(w.path("out/ledger.csv")).expect("ledger");
    assert_eq!(
        ledger,
        "joint_committee,notice_year,notice_date,receipts,requested,paid,allocated,returned,request_deadline,allocation_deadline,due_to_dg_hut,due_back_to_office,payment_overdue,overdue\n\
         111,2024,2025-02-15,1875.00,0.00,0.00,0.00,0.00,2028-02-15,,1875.00,0.00,0.00,request\n\
         201,2024,2025-02-15,6233.80,6233.80,6233.80,4500.00,0.00,2028-02-15,2027-12-31,0.00,1733.80,0.00,return\n\
         311,2024,2025-02-15,1140.43,1140.43,0.00,0.00,0.00,2028-02-15,,0.00,0.00,1140.43,payment\n",
        "111 never requested: to DG HUT after 15 February 2028; 201 allocated 4,500.00 of 6,233.80 paid in \
         2025 by the end of 2027: 1,733.80 back; 311 requested on 2 June 2025 and was never paid"
    );
    let rejects = read_csv(&w.path("out/rejects.csv"));
    let reason =
        |line: &str| rejects.iter().find(|r| r["line"] == line).map(|r| r["reason"].clone()).unwrap_or_default();
    assert!(reason("4").starts_with("more paid than available"), "{rejects:?}");
    assert!(reason("8").starts_with("payment without a request"), "{rejects:?}");
    assert!(reason("10").starts_with("joint_committee: unknown committee '999'"), "{rejects:?}");
    assert!(reason("11").starts_with("event: unknown event 'transfer'"), "{rejects:?}");
    assert_eq!(reason("12"), "amount: negative value", "{rejects:?}");
    assert_eq!(rejects.iter().filter(|r| r["file"].ends_with("ledger.csv")).count(), 5);
    let summary: serde_json::Value = serde_json::from_str(&w.read("out/summary.json")).expect("summary");
    assert_eq!((summary["ledger"]["read"].as_u64(), summary["ledger"]["rejected"].as_u64()), (Some(11), Some(5)));
}

#[test]
fn a_year_without_levy_is_refused() {
    let w = Workdir::new();
    let o = w.run(&["funds", "--year", "2028", "--data", &example(""), "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no levy falls due in 2028") && err.contains("2022Q4..2025Q4"), "{err}");
}

/// One place decides which quarter's rules read the lines of a run, for --data and
/// --store alike: quarters whose rules disagree on them are refused the same way (the
/// data path used the last quarter's, the store the first's, and funds did not check).
#[test]
fn quarters_whose_line_rules_differ_are_refused_from_data_and_store_alike() {
    let w = Workdir::new();
    w.write("two.toml", crate::common::rules_with("levy.min_seniority_years", "2024Q1", "2"));
    let o = w.run(&["ingest", "--data", &example(""), "--store", "store", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    for source in [["--data", example("").as_str()], ["--store", "store"]] {
        let o = w.run(&["funds", "--year", "2024", source[0], source[1], "--out", "f", "--rules", "two.toml", "-q"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{source:?}: {}", show(&o));
        assert!(err.contains("2023Q3 and 2024Q1") && err.contains("min_seniority_years"), "{source:?}: {err}");
    }
}
