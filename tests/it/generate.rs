//! `responsa generate` (§7): deterministic, within its stated sizes, assessable end to
//! end, and its deliberate faults come back in rejects.csv, each and only them.

use std::collections::BTreeSet;

use crate::common::{read_csv, show, Workdir};

fn generate(w: &Workdir, out: &str, extra: &[&str]) {
    let mut args = vec!["generate", "--scale", "tiny", "--seed", "7", "--out", out, "-q"];
    args.extend(extra);
    let o = w.run(&args);
    assert!(o.status.success(), "{}", show(&o));
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let w = Workdir::new();
    generate(&w, "a", &[]);
    generate(&w, "b", &[]);
    let o = w.run(&["generate", "--scale", "tiny", "--seed", "8", "--out", "c", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    for f in ["employers.csv", "employment.csv", "invalidity.csv"] {
        assert!(w.read(&format!("a/{f}")) == w.read(&format!("b/{f}")), "{f}: same seed, different bytes");
    }
    assert!(w.read("a/employment.csv") != w.read("c/employment.csv"), "another seed gives other data");
}

#[test]
fn tiny_is_within_its_bounds_and_assesses_cleanly() {
    let w = Workdir::new();
    generate(&w, "data", &[]);
    let employers = read_csv(&w.path("data/employers.csv"));
    let ids: BTreeSet<&str> = employers.iter().map(|r| r["employer_id"].as_str()).collect();
    assert_eq!(ids.len(), 200, "tiny has 200 employers");
    assert_eq!(employers.len(), 200 * 8, "one register row per employer and quarter");
    let lines = read_csv(&w.path("data/employment.csv"));
    let q3 = lines.iter().filter(|r| r["quarter"] == "2023Q3").count();
    assert!((5_000..=20_000).contains(&q3), "tiny: {q3} workers in 2023Q3, expected ~10,000");
    let workers: BTreeSet<&str> = lines.iter().map(|r| r["worker_id"].as_str()).collect();
    assert!(workers.len() > q3, "turnover: more distinct workers over 8 quarters than in one");
    assert!(lines.iter().any(|r| r["fte"] != "1"), "part-time lines");
    assert!(lines.iter().any(|r| r["joint_committee"] == "200"), "lines in a second joint committee");
    assert!(lines.iter().any(|r| r["in_service_at_quarter_end"] == "false"), "leavers");
    assert!(employers.iter().any(|r| r["private_sector"] == "false"), "public employers");
    assert!(
        employers.iter().any(|r| r["employer_category"] == "073" || r["joint_committee"].starts_with("327")),
        "sheltered workshops"
    );
    let inv = read_csv(&w.path("data/invalidity.csv"));
    assert!(inv.iter().any(|r| r["resumption_authorized"] == "true"), "resumption authorised");

    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", "data", "--out", "out", "-q", "--strict"]);
    assert!(o.status.success(), "clean generated data has no reject: {}", show(&o));
    let rows = read_csv(&w.path("out/assessment.csv"));
    assert_eq!(rows.len(), 200);
    let statuses: BTreeSet<&str> = rows.iter().map(|r| r["status"].as_str()).collect();
    for s in ["out_of_scope", "sheltered_workshop", "small_employer", "fewer_than_3_cases"] {
        assert!(statuses.contains(s), "tiny shows {s}: {statuses:?}");
    }
}

#[test]
fn every_deliberate_fault_is_rejected_and_nothing_else() {
    let w = Workdir::new();
    generate(&w, "data", &["--faults", "0.01"]);
    let manifest = read_csv(&w.path("data/faults.csv"));
    let kinds: BTreeSet<&str> = manifest.iter().map(|r| r["kind"].as_str()).collect();
    for k in [
        "bad_date",
        "bad_number",
        "bad_quarter",
        "bad_bool",
        "negative_fte",
        "negative_wages",
        "wages_decimals",
        "fte_above_max",
        "seniority_after_quarter",
        "unknown_employer",
        "birth_after_incapacity",
        "invalidity_before_incapacity",
        "duplicate_invalidity",
        "duplicate_register_row",
        "nace_not_5_digits",
    ] {
        assert!(kinds.contains(k), "the manifest has no fault of kind {k}: {kinds:?}");
    }
    // Faults on purpose, more than the default tolerance of §6 allows.
    let o = w.run(&[
        "assess",
        "--quarter",
        "2023Q4",
        "--data",
        "data",
        "--out",
        "out",
        "-q",
        "--max-rejected-share",
        "100",
    ]);
    assert!(o.status.success(), "{}", show(&o));
    let rejects = read_csv(&w.path("out/rejects.csv"));
    let name = |p: &str| std::path::Path::new(p).file_name().unwrap_or_default().to_string_lossy().to_string();
    let got: BTreeSet<(String, String)> = rejects.iter().map(|r| (name(&r["file"]), r["line"].clone())).collect();
    let want: BTreeSet<(String, String)> = manifest.iter().map(|r| (name(&r["file"]), r["line"].clone())).collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing from rejects: {missing:?}\nnot in the manifest: {extra:?}"
    );
    for m in &manifest {
        let r = rejects
            .iter()
            .find(|r| name(&r["file"]) == name(&m["file"]) && r["line"] == m["line"])
            .expect("matched above");
        assert!(
            r["reason"].starts_with(&m["reason"]),
            "{}:{} {}: got reason '{}'",
            m["file"],
            m["line"],
            m["kind"],
            r["reason"]
        );
    }
}

#[test]
fn parquet_and_csv_inputs_give_the_same_assessment() {
    let w = Workdir::new();
    generate(&w, "csv", &[]);
    generate(&w, "pq", &["--format", "parquet"]);
    assert!(w.path("pq/employment.parquet").exists());
    for d in ["csv", "pq"] {
        let o = w.run(&["assess", "--quarter", "2023Q4", "--data", d, "--out", &format!("out-{d}"), "-q"]);
        assert!(o.status.success(), "{d}: {}", show(&o));
    }
    for f in ["assessment.csv", "levy.csv", "warnings.csv", "sectors.csv", "receipts_by_joint_committee.csv"] {
        assert!(
            w.read(&format!("out-csv/{f}")) == w.read(&format!("out-pq/{f}")),
            "{f} differs between CSV and Parquet"
        );
    }
}

#[test]
fn each_scale_draws_a_population_within_its_stated_bounds() {
    use responsa::synth::{population, Scale};
    // §7: tiny ~200 employers and ~10,000 workers a quarter, small ~5,000 and
    // ~150,000, national ~250,000 and ~3,000,000 with 7,000–9,000 employers of 50 or more
    // (issue 4), most employers under 10 workers.
    let bounds = [
        (Scale::Tiny, 200, 5_000..=20_000u64),
        (Scale::Small, 5_000, 100_000..=250_000),
        (Scale::National, 250_000, 2_500_000..=3_800_000),
    ];
    for (scale, employers, workers) in bounds {
        let (n, w, big) = population(scale, 1);
        assert_eq!(n, employers, "{scale:?}");
        assert!(workers.contains(&w), "{scale:?}: {w} workers a quarter");
        if scale == Scale::National {
            assert!((6_000..=9_500).contains(&big), "national: {big} employers of 50 or more");
        }
    }
}

#[test]
fn quarters_from_2025_bring_incapacities_assessed_alike_from_csv_and_parquet() {
    let w = Workdir::new();
    let q = ["--quarters", "2025Q1..2026Q2"];
    generate(&w, "csv", &q);
    generate(&w, "again", &q);
    generate(&w, "pq", &[q[0], q[1], "--format", "parquet"]);
    assert_eq!(w.read("csv/incapacity.csv"), w.read("again/incapacity.csv"), "same seed, same incapacities");
    let rows = read_csv(&w.path("csv/incapacity.csv"));
    assert!(rows.len() > 100, "tiny: {} incapacities over six quarters", rows.len());
    assert!(rows.iter().all(|r| r["incapacity_start"].as_str() >= "2025-01-01"));
    let types: BTreeSet<&str> = rows.iter().map(|r| r["worker_type"].as_str()).collect();
    assert!(types.contains("ordinary") && types.len() >= 4, "{types:?}");
    for (data, out) in [("csv", "a"), ("pq", "b")] {
        let o = w.run(&["assess", "--quarter", "2026Q1", "--data", data, "--out", out, "--strict", "-q"]);
        assert!(o.status.success(), "{}", show(&o));
    }
    for f in ["solidarity.csv", "solidarity_by_employer.csv"] {
        assert_eq!(w.read(&format!("a/{f}")), w.read(&format!("b/{f}")), "{f}: CSV and Parquet differ");
    }
    let statuses: BTreeSet<String> =
        read_csv(&w.path("a/solidarity.csv")).into_iter().map(|r| r["status"].clone()).collect();
    assert!(statuses.contains("due") && statuses.len() >= 5, "{statuses:?}");
}

#[test]
fn a_range_across_the_switch_writes_each_quarter_under_its_law() {
    let w = Workdir::new();
    generate(&w, "data", &["--quarters", "2024Q3..2026Q2"]);
    // The data begin in 2024Q3: the levy quarters' earlier denominators count as empty.
    let o =
        w.run(&["assess", "--quarters", "2025Q3..2026Q2", "--data", "data", "--out", "out", "--allow-incomplete-data"]);
    assert!(o.status.success(), "{}", show(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("invalidity levy") && text.contains("solidarity contribution"), "{text}");
    for q in ["2025Q3", "2025Q4"] {
        assert!(w.path(&format!("out/{q}/assessment.csv")).exists(), "{q}: the levy");
        assert!(!w.path(&format!("out/{q}/solidarity.csv")).exists(), "{q}: no solidarity yet");
    }
    for q in ["2026Q1", "2026Q2"] {
        assert!(w.path(&format!("out/{q}/solidarity.csv")).exists(), "{q}: the solidarity contribution");
        assert!(!w.path(&format!("out/{q}/assessment.csv")).exists(), "{q}: no levy any more");
    }
}

#[test]
fn the_announced_extension_lists_every_employer_whose_contribution_changes() {
    let w = Workdir::new();
    generate(&w, "data", &["--quarters", "2026Q1..2027Q1"]);
    let what_if = format!("{}/data/what-if/solidarity-months-4-5.toml", env!("CARGO_MANIFEST_DIR"));
    let o = w.run(&[
        "assess",
        "--quarter",
        "2027Q1",
        "--data",
        "data",
        "--out",
        "out",
        "--rules",
        &what_if,
        "--compare-to",
        "default",
    ]);
    assert!(o.status.success(), "{}", show(&o));
    let changes = read_csv(&w.path("out/solidarity_what_if.csv"));
    assert!(!changes.is_empty(), "four months instead of two change some contributions");
    let due = read_csv(&w.path("out/solidarity_by_employer.csv"));
    let liable = due.iter().filter(|e| e["due_incapacities"] != "0").count();
    for c in &changes {
        let (before, after): (f64, f64) =
            (c["contribution_before"].parse().unwrap_or(-1.0), c["contribution_after"].parse().unwrap_or(-1.0));
        assert!(after >= before, "a longer window never lowers a contribution: {c:?}");
    }
    assert!(changes.len() <= liable, "only employers with a due incapacity can change");
    let summary: serde_json::Value = serde_json::from_str(&w.read("out/summary.json")).expect("summary");
    assert_eq!(summary["solidarity"]["what_if"]["changed_employers"].as_u64(), Some(changes.len() as u64));
}
