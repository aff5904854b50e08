//! Corrections (§12): every version of the store kept, a correction of one input alone,
//! past runs reproduced byte for byte, and `regularise` saying what to bill or refund
//! and why — the real binary on the example, as an analyst runs it.

use crate::common::{example, ok, read_csv, show, Workdir};

/// Every file under `a` equals the one under `b`; returns how many were compared.
fn identical(w: &Workdir, a: &str, b: &str) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(w.path(a)).expect("a folder").flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if e.path().is_dir() {
            n += identical(w, &format!("{a}/{name}"), &format!("{b}/{name}"));
        } else {
            let (x, y) = (std::fs::read(e.path()), std::fs::read(w.path(&format!("{b}/{name}"))));
            assert!(x.is_ok() && x.ok() == y.ok(), "{a}/{name} differs from {b}/{name}");
            n += 1;
        }
    }
    n
}

/// The sickness funds' corrected incapacity file for 2026Q1: an end reported late
/// (E02-W001), a later part-time resumption (E04-W001), a corrected daily benefit
/// (P01-W001; and E02-W005's, whose contribution is not due either way), a row withdrawn (E02-W006), one added (E02-W007), and a row of 2027Q1, a
/// quarter the store does not hold (rejected with its line, never dropped).
fn correction() -> String {
    let text = std::fs::read_to_string(format!("{}/incapacity.csv", example())).expect("example");
    let mut out = String::new();
    for line in text.lines() {
        let line = if line.starts_with("E02-W001,") {
            line.replace("2026-01-05,,1980", "2026-01-05,2026-02-10,1980")
        } else if line.starts_with("E04-W001,") {
            line.replace("2026-02-18", "2026-03-02")
        } else if line.starts_with("E02-W005,") {
            line.replace(",80.00", ",85.00")
        } else if line.starts_with("P01-W001,") {
            line.replace(",64.15", ",70.00")
        } else if line.starts_with("E02-W006,") {
            continue;
        } else {
            line.to_string()
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("E02-W007,E02,2026-01-19,,1979-04-04,2012-01-01,ordinary,false,,66.00\n");
    out.push_str("E02-W008,E02,2027-01-05,,1979-04-04,2012-01-01,ordinary,false,,66.00\n");
    out
}

#[test]
fn a_correction_is_a_new_version_the_billed_one_is_reproduced_and_the_difference_explained() {
    let w = Workdir::new();
    let out = ok(&w, &["ingest", "--data", &example(), "--store", "store"]);
    assert!(out.contains("version 1: ingested"), "{out}");
    ok(&w, &["assess", "--quarter", "2026Q1", "--store", "store", "--out", "billed", "-q", "--bill"]);

    // The correction: the incapacity file alone. It lost 1 of its 12 rows, beyond
    // max_rejected_share (1 %): committed only when the analyst accepts the loss.
    w.write("corr/incapacity.csv", correction());
    let o = w.run(&["ingest", "--data", "corr", "--store", "store"]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    let out = ok(&w, &["ingest", "--data", "corr", "--store", "store", "--max-rejected-share", "10", "--replace"]);
    assert!(out.contains("version 2: ingested 2026Q1 into store"), "{out}");
    assert!(out.contains("changed: 2026Q1") && out.contains("rejected input rows: 1"), "{out}");

    // history: two versions; the second wrote and changed 2026Q1 only, read = used + rejected.
    let h: serde_json::Value =
        serde_json::from_str(&ok(&w, &["history", "--store", "store", "--format", "json"])).expect("json");
    let versions = h["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2, "{h}");
    assert_eq!(versions[1]["touched"], serde_json::json!(["2026Q1"]));
    assert_eq!(versions[1]["changed"], serde_json::json!(["2026Q1"]));
    let sources = versions[1]["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 1, "the incapacity file alone: {sources:?}");
    let s = &sources[0];
    assert_eq!(s["input"], "incapacity");
    assert_eq!(s["read"].as_u64(), Some(s["used"].as_u64().unwrap_or(0) + s["rejected"].as_u64().unwrap_or(0)));
    assert_eq!((s["read"].as_u64(), s["rejected"].as_u64()), (Some(12), Some(1)), "{s}");
    let late = h["out_of_date"].as_array().expect("out_of_date");
    assert_eq!(late.len(), 1, "exactly the quarter billed: {h}");
    assert_eq!((late[0]["quarter"].as_str(), late[0]["contribution"].as_str()), (Some("2026Q1"), Some("solidarity")));
    assert_eq!((late[0]["billed_version"].as_u64(), late[0]["changed_in"].clone()), (Some(1), serde_json::json!([2])));
    let table = ok(&w, &["history", "--store", "store"]);
    assert!(table.contains("2026Q1 solidarity  billed on version 1, latest 2: OUT OF DATE"), "{table}");
    let batch = std::fs::read_dir(w.path("store/batches"))
        .expect("batches")
        .flatten()
        .map(|e| e.path())
        .find(|p| std::fs::read_to_string(p.join("batch.json")).is_ok_and(|b| b.contains("\"corr\"")))
        .expect("the correction's batch");
    let rejects = read_csv(&batch.join("rejects.csv"));
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!((rejects[0]["line"].as_str(), rejects[0]["quarter"].as_str()), ("13", "2027Q1"), "{rejects:?}");

    // The version billed, reproduced byte for byte; the latest differs.
    ok(&w, &["assess", "--quarter", "2026Q1", "--store", "store", "--version", "1", "--out", "again", "-q"]);
    assert!(identical(&w, "billed", "again") >= 6, "every output of version 1, summary.json and report.html included");
    // The correction lost 1 of its 12 rows: beyond max_rejected_share (1 %), no report
    // from it unless the analyst accepts the loss.
    let o = w.run(&["assess", "--quarter", "2026Q1", "--store", "store", "--out", "now", "-q"]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    let o = w.run(&["regularise", "--store", "store", "--quarter", "2026Q1", "--from", "1", "--out", "regul", "-q"]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    let accept = ["--max-rejected-share", "10"];
    ok(&w, &["assess", "--quarter", "2026Q1", "--store", "store", "--out", "now", "-q", accept[0], accept[1]]);
    assert_ne!(w.read("now/solidarity.csv"), w.read("billed/solidarity.csv"), "version 2 is assessed by default");
    let explain = |v: &[&str]| {
        let mut a =
            vec!["explain", "--quarter", "2026Q1", "--employer", "E04", "--store", "store", accept[0], accept[1]];
        a.extend(v);
        ok(&w, &a)
    };
    assert_ne!(explain(&["--version", "1"]), explain(&[]), "explain reads the version asked");
    ok(&w, &["ingest", "--data", &example(), "--store", "v1", "-q"]);
    assert_eq!(
        explain(&["--version", "1"]),
        ok(&w, &["explain", "--quarter", "2026Q1", "--employer", "E04", "--store", "v1"]),
        "explain --version 1 as it was"
    );
    // The register and the lines carried over: the levy of 2023Q4 is the same.
    ok(&w, &["assess", "--quarter", "2023Q4", "--data", &example(), "--out", "levy-data", "-q"]);
    ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--out", "levy-store", "-q"]);
    assert_eq!(w.read("levy-data/levy.csv"), w.read("levy-store/levy.csv"));

    // What to bill or refund, and why.
    let out = ok(
        &w,
        &[
            "regularise",
            "--store",
            "store",
            "--quarter",
            "2026Q1",
            "--from",
            "1",
            "--out",
            "regul",
            accept[0],
            accept[1],
        ],
    );
    assert!(out.contains("regularisation of version 2 against version 1"), "{out}");
    let inc = read_csv(&w.path("regul/regularisation_incapacities.csv"));
    let causes = |worker: &str| {
        inc.iter().find(|r| r["worker_id"] == worker).map(|r| r["causes"].clone()).unwrap_or_else(|| {
            panic!("no row for {worker}: {inc:?}");
        })
    };
    assert_eq!(causes("E02-W001"), "incapacity_end");
    assert_eq!(causes("E04-W001"), "part_time_resumption");
    assert_eq!(causes("P01-W001"), "daily_benefit");
    assert_eq!(causes("E02-W006"), "withdrawn");
    assert_eq!(causes("E02-W007"), "added");
    let w006 = inc.iter().find(|r| r["worker_id"] == "E02-W006").expect("withdrawn");
    assert!(w006["status_after"].is_empty() && w006["indemnified_days_after"].is_empty(), "{w006:?}");
    assert!(!inc.iter().any(|r| r["worker_id"] == "E02-W002"), "an unchanged incapacity has no row");
    assert!(!inc.iter().any(|r| r["worker_id"] == "E02-W005"), "a benefit corrected, nothing due either way");
    let emp = read_csv(&w.path("regul/regularisation.csv"));
    let e02 = emp.iter().find(|r| r["employer_id"] == "E02").expect("E02's row");
    assert_eq!((e02["contribution"].as_str(), e02["status_before"].as_str()), ("solidarity", ""));
    // The employer's difference is the sum of its incapacities'.
    let cents = |s: &str| -> i64 { s.replace('.', "").parse().expect("cents") };
    let sum: i64 = inc.iter().filter(|r| r["employer_id"] == "E02").map(|r| cents(&r["difference"])).sum();
    assert_eq!(cents(&e02["difference"]), sum, "{e02:?}");
    assert_eq!(cents(&e02["amount_after"]) - cents(&e02["amount_before"]), sum);
    let summary: serde_json::Value = serde_json::from_str(&w.read("regul/summary.json")).expect("summary");
    assert_eq!((summary["from_version"].as_u64(), summary["to_version"].as_u64()), (Some(1), Some(2)));
    let net: i64 = emp.iter().map(|r| cents(&r["difference"])).sum();
    assert_eq!(cents(summary["net"].as_str().unwrap_or_default()), net, "{summary}");
    let page = w.read("regul/report.html");
    assert!(page.contains("id=\"regularisation\"") && page.contains("E02"), "report.html lists the changes");

    // A levy quarter the correction does not reach: nothing to regularise.
    ok(&w, &["regularise", "--store", "store", "--quarter", "2023Q4", "--from", "1", "--out", "levy-regul", "-q"]);
    assert_eq!(read_csv(&w.path("levy-regul/regularisation.csv")).len(), 0);

    // A version the store does not hold.
    let o = w.run(&["assess", "--quarter", "2026Q1", "--store", "store", "--version", "3", "--out", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("versions 1 to 2"), "{}", show(&o));
}

/// A correction alone needs the quarters it corrects; employers without employment (or
/// the reverse) is refused: the lines are counted per register row.
#[test]
fn a_correction_needs_its_quarters_and_the_register_comes_with_the_lines() {
    let w = Workdir::new();
    w.write("corr/incapacity.csv", correction());
    let o = w.run(&["ingest", "--data", "corr", "--store", "store"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs a store holding its quarters"), "{}", show(&o));
    w.write("half/employers.csv", std::fs::read(format!("{}/employers.csv", example())).expect("example"));
    let o = w.run(&["ingest", "--data", "half", "--store", "store"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds employers but no employment"), "{}", show(&o));
}

/// Ingesting the same data again writes nothing and commits no version; a version that
/// changes one quarter writes only that quarter's files.
#[test]
fn the_same_data_again_is_a_version_that_changes_nothing() {
    let w = Workdir::new();
    ok(&w, &["ingest", "--data", &example(), "--store", "store", "-q"]);
    let folders = |w: &Workdir| std::fs::read_dir(w.path("store/quarters")).expect("quarters").count();
    let before = folders(&w);
    let out = ok(&w, &["ingest", "--data", &example(), "--store", "store"]);
    // §12.1: what the latest version holds is not committed again, and the ingest says so.
    assert!(out.contains("nothing new") && !out.contains("version 2"), "{out}");
    assert!(out.contains("2023Q4 employers   0 added, 0 withdrawn, 0 changed, 32 unchanged"), "{out}");
    assert_eq!(folders(&w), before, "no new folder: every file is the one version 1 names");
    let h: serde_json::Value =
        serde_json::from_str(&ok(&w, &["history", "--store", "store", "--format", "json"])).expect("json");
    assert_eq!(h["versions"].as_array().map(Vec::len), Some(1), "{h}");
    assert_eq!(h["out_of_date"], serde_json::json!([]));
    // One quarter corrected: one new folder.
    w.write("corr/incapacity.csv", correction());
    ok(&w, &["ingest", "--data", "corr", "--store", "store", "-q", "--max-rejected-share", "10", "--replace"]);
    assert_eq!(folders(&w), before + 1, "only 2026Q1's incapacity file is new");
}

/// A store written before versions (one manifest.json) reads as version 1, and the first
/// ingest into it keeps that version.
#[test]
fn a_store_written_before_versions_is_version_one() {
    let w = Workdir::new();
    ok(&w, &["ingest", "--data", &example(), "--store", "store", "-q"]);
    ok(&w, &["assess", "--quarter", "2026Q1", "--store", "store", "--out", "new", "-q"]);
    // The same store as the previous format wrote it.
    let v: serde_json::Value = serde_json::from_str(&w.read("store/versions/00000001.json")).expect("version");
    let mut quarters = serde_json::Map::new();
    for (q, e) in v["quarters"].as_object().expect("quarters") {
        let files = e["files"].as_object().expect("files");
        let dir = files["register.parquet"]["path"].as_str().expect("path").trim_end_matches("/register.parquet");
        let sha: serde_json::Map<String, serde_json::Value> =
            files.iter().map(|(n, f)| (n.clone(), f["sha256"].clone())).collect();
        quarters.insert(q.clone(), serde_json::json!({ "dir": dir, "batch": e["batch"], "sha256": sha }));
    }
    let legacy = serde_json::json!({
        "format": 1,
        "seniority_bound": v["seniority_bound"],
        "max_line_fte_micro": v["max_line_fte_micro"],
        "max_line_wages_cents": v["max_line_wages_cents"],
        "quarters": quarters,
    });
    std::fs::remove_dir_all(w.path("store/versions")).expect("remove versions");
    w.write("store/manifest.json", legacy.to_string());
    ok(&w, &["assess", "--quarter", "2026Q1", "--store", "store", "--out", "old", "-q"]);
    assert!(identical(&w, "new", "old") >= 6, "the same outputs from the old index");
    w.write("corr/incapacity.csv", correction());
    let out = ok(&w, &["ingest", "--data", "corr", "--store", "store", "--max-rejected-share", "10", "--replace"]);
    assert!(out.contains("version 2: "), "{out}");
    ok(&w, &["assess", "--quarter", "2026Q1", "--store", "store", "--version", "1", "--out", "v1", "-q"]);
    identical(&w, "new", "v1");
}

/// Readers in a loop while an ingest of other data runs (a real second process, held
/// before it commits, then committing): every run reads one whole version — its reports
/// are those of version 1 or of version 2, never a mix — and a second ingest meanwhile
/// stops naming the first. Afterwards the store gives exactly the second data's reports.
#[test]
fn readers_during_an_ingest_see_one_whole_version() {
    let w = Workdir::new();
    let ex = example();
    ok(&w, &["ingest", "--data", &ex, "--store", "store", "-q"]);
    crate::common::doubled_wages(&w, "other");
    let args = |from: &[&str], out: &str| -> Vec<String> {
        let mut a: Vec<String> = ["assess", "--quarter", "2023Q4", "--out", out, "-q"].map(String::from).to_vec();
        a.extend(from.iter().map(|s| s.to_string()));
        a
    };
    let run = |a: Vec<String>| ok(&w, &a.iter().map(String::as_str).collect::<Vec<_>>());
    run(args(&["--data", &ex], "one"));
    run(args(&["--data", "other"], "two"));
    let (one, two) = (w.read("one/levy.csv"), w.read("two/levy.csv"));
    assert_ne!(one, two, "the two data differ");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_responsa"))
        .current_dir(w.dir.path())
        .env("RESPONSA_PAUSE_BEFORE_PUBLISH_MS", "1500")
        .args(["ingest", "--data", "other", "--store", "store", "-q"])
        .spawn()
        .expect("spawn");
    // The ingest holds the store's lock (the lock file names it) before the readers start.
    let holder = format!("pid {}", child.id());
    let start = std::time::Instant::now();
    while !std::fs::read_to_string(w.path("store/.lock")).is_ok_and(|t| t.contains(&holder)) {
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "the ingest never took the lock");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let (mut seen_one, mut seen_two, mut n) = (0, 0, 0);
    let mut refused = false;
    while seen_two < 3 && n < 400 {
        n += 1;
        let out = format!("r{n}");
        run(args(&["--store", "store"], &out));
        let levy = w.read(&format!("{out}/levy.csv"));
        let assessment = w.read(&format!("{out}/assessment.csv"));
        if levy == one && assessment == w.read("one/assessment.csv") {
            seen_one += 1;
        } else if levy == two && assessment == w.read("two/assessment.csv") {
            seen_two += 1;
        } else {
            panic!("run {n} read a mix of two versions");
        }
        if !refused && seen_one > 0 {
            let o = w.run(&["ingest", "--data", &ex, "--store", "store", "-q"]);
            if o.status.code() == Some(2) {
                assert!(String::from_utf8_lossy(&o.stderr).contains("is writing this store"), "{}", show(&o));
                refused = true;
            }
        }
    }
    assert!(child.wait().expect("the ingest").success());
    assert!(seen_one > 0 && seen_two > 0, "runs before ({seen_one}) and after ({seen_two}) the commit");
    assert!(refused, "a second ingest during the first was refused");
    run(args(&["--store", "store"], "after"));
    assert_eq!(w.read("after/levy.csv"), two, "the store holds the second data");
    run(args(&["--store", "store", "--version", "1"], "first"));
    assert_eq!(w.read("first/levy.csv"), one, "and version 1 as it was");
}

/// An ingest killed at any point — while it reads, while it writes its quarters, around
/// its commit — leaves the store at one whole version: a run gives the reports of the old
/// data or of the new, never a mix, and the next ingest commits the next number.
#[test]
fn an_ingest_killed_at_any_point_leaves_one_whole_version() {
    let w = Workdir::new();
    let ex = example();
    ok(&w, &["ingest", "--data", &ex, "--store", "store", "-q"]);
    crate::common::doubled_wages(&w, "other");
    ok(&w, &["assess", "--quarter", "2023Q4", "--data", &ex, "--out", "one", "-q"]);
    ok(&w, &["assess", "--quarter", "2023Q4", "--data", "other", "--out", "two", "-q"]);
    let (one, two) = (w.read("one/levy.csv"), w.read("two/levy.csv"));
    for (k, delay) in [5u64, 30, 80, 150, 250, 400, 700].into_iter().enumerate() {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_responsa"))
            .current_dir(w.dir.path())
            .args(["ingest", "--data", "other", "--store", "store", "-q"])
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let out = format!("after-{k}");
        ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--out", &out, "-q"]);
        let levy = w.read(&format!("{out}/levy.csv"));
        assert!(levy == one || levy == two, "killed after {delay} ms: a mix of two versions");
        let numbers: Vec<u64> = std::fs::read_dir(w.path("store/versions"))
            .expect("versions")
            .flatten()
            .filter_map(|e| e.file_name().to_string_lossy().strip_suffix(".json").and_then(|n| n.parse().ok()))
            .collect();
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (1..=numbers.len() as u64).collect::<Vec<_>>(), "versions numbered without a gap");
    }
    let out = ok(&w, &["ingest", "--data", "other", "--store", "store"]);
    assert!(out.contains("version "), "{out}");
    ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--out", "last", "-q"]);
    assert_eq!(w.read("last/levy.csv"), two);
    ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--version", "1", "--out", "first", "-q"]);
    assert_eq!(w.read("first/levy.csv"), one, "version 1 whole after every kill");
}

/// On generated data with corrections made here — a tenth of the incapacities' daily
/// benefits raised, another tenth's end moved to their start, and the levy's lines of
/// 2025Q3 (the wage base of 2025Q4) raised (seed 5 has a liable employer in 2025Q4) — `regularise` agrees with the two
/// assessments it compares: per employer, amount_after − amount_before is what `assess
/// --version` gives on each side, every employer whose amount moved has its row, and the
/// net is the difference of the two totals.
#[test]
fn regularise_on_generated_data_agrees_with_the_two_assessments() {
    let w = Workdir::new();
    ok(&w, &["generate", "--scale", "tiny", "--seed", "5", "--quarters", "2024Q1..2026Q1", "--out", "gen", "-q"]);
    ok(&w, &["ingest", "--data", "gen", "--store", "store", "-q"]);
    // Correction 1: the incapacity file alone.
    let inc = w.read("gen/incapacity.csv");
    let mut lines = inc.lines();
    let mut out = format!("{}\n", lines.next().unwrap_or_default());
    for (i, l) in lines.enumerate() {
        let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
        if i % 10 == 3 && f.len() == 10 && !f[9].is_empty() {
            f[9] = format!("{}.00", f[9].split('.').next().unwrap_or("0").parse::<i64>().unwrap_or(0) + 7);
        } else if i % 10 == 6 && f.len() == 10 {
            f[3] = f[2].clone();
        }
        out.push_str(&f.join(","));
        out.push('\n');
    }
    w.write("corr1/incapacity.csv", out);
    ok(&w, &["ingest", "--data", "corr1", "--store", "store", "-q"]);
    // Correction 2: the register and lines of 2025Q3 again, their wages raised.
    let quarter = |file: &str, q: &str, edit: &dyn Fn(usize, &str) -> String| {
        let text = w.read(&format!("gen/{file}"));
        let mut lines = text.lines();
        let mut out = format!("{}\n", lines.next().unwrap_or_default());
        for (i, l) in lines.filter(|l| l.starts_with(q)).enumerate() {
            out.push_str(&edit(i, l));
            out.push('\n');
        }
        out
    };
    w.write("corr2/employers.csv", quarter("employers.csv", "2025Q3", &|_, l| l.to_string()));
    w.write(
        "corr2/employment.csv",
        quarter("employment.csv", "2025Q3", &|i, l| {
            let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
            if i % 2 == 0 && f.len() > 6 {
                f[6] = "9000.00".into();
            }
            f.join(",")
        }),
    );
    ok(&w, &["ingest", "--data", "corr2", "--store", "store", "-q"]);
    let partial = "--allow-incomplete-data";
    for (q, table, id, amount) in [
        ("2026Q1", "solidarity_by_employer.csv", "employer_id", "contribution"),
        ("2025Q4", "assessment.csv", "employer_id", "levy"),
    ] {
        let mut totals = Vec::new();
        for v in ["1", "3"] {
            let out = format!("{q}-v{v}");
            ok(&w, &["assess", "--quarter", q, "--store", "store", "--version", v, "--out", &out, "-q", partial]);
            let cents = |s: &str| -> i64 {
                if s.is_empty() {
                    0
                } else {
                    s.replace('.', "").parse().expect("cents")
                }
            };
            let by: std::collections::BTreeMap<String, i64> = read_csv(&w.path(&format!("{out}/{table}")))
                .into_iter()
                .map(|r| (r[id].clone(), cents(&r[amount])))
                .collect();
            totals.push(by);
        }
        let out = format!("regul-{q}");
        ok(&w, &["regularise", "--store", "store", "--quarter", q, "--from", "1", "--out", &out, "-q", partial]);
        let rows = read_csv(&w.path(&format!("{out}/regularisation.csv")));
        let cents = |s: &str| -> i64 { s.replace('.', "").parse().expect("cents") };
        let moved: Vec<&String> =
            totals[1].iter().filter(|(e, a)| totals[0].get(*e).copied().unwrap_or(0) != **a).map(|(e, _)| e).collect();
        assert!(!moved.is_empty(), "{q}: the corrections moved some amounts");
        for e in &moved {
            let row = rows.iter().find(|r| &&r["employer_id"] == e).unwrap_or_else(|| panic!("{q}: no row for {e}"));
            assert_eq!(cents(&row["amount_before"]), totals[0].get(*e).copied().unwrap_or(0), "{q} {e}");
            assert_eq!(cents(&row["amount_after"]), totals[1][*e], "{q} {e}");
            assert!(!row["causes"].is_empty(), "{q} {e}: a cause");
        }
        let net: i64 = totals[1].values().sum::<i64>() - totals[0].values().sum::<i64>();
        let summary: serde_json::Value =
            serde_json::from_str(&w.read(&format!("{out}/summary.json"))).expect("summary");
        assert_eq!(cents(summary["net"].as_str().unwrap_or_default()), net, "{q}: {summary}");
    }
}
