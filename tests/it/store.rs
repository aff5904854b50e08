//! The quarterly store (§9): a run from `--store` gives the same reports as a run
//! from `--data`, on the example, on generated data across the 2025/2026 switch, from CSV
//! and Parquet sources; the store keeps no worker identifier of the employment lines; a
//! rule set it cannot serve is refused; a killed ingest leaves it as it was.

use std::collections::BTreeSet;

use crate::common::{example, ok, read_csv, show, Workdir};

/// Every CSV report of two output folders, byte for byte (summary.json differs by design:
/// it names where the inputs came from).
fn same_reports(w: &Workdir, a: &str, b: &str) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(w.path(a)).expect("out").flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if e.path().is_dir() {
            n += same_reports(w, &format!("{a}/{name}"), &format!("{b}/{name}"));
        } else if name.ends_with(".csv") && name != "rejects.csv" {
            assert!(
                w.read(&format!("{a}/{name}")) == w.read(&format!("{b}/{name}")),
                "{a}/{name} differs from {b}/{name}"
            );
            n += 1;
        }
    }
    n
}

#[test]
fn the_example_from_the_store_gives_the_same_reports() {
    let w = Workdir::new();
    let ex = example();
    ok(&w, &["ingest", "--data", &ex, "--store", "store", "-q"]);
    for (q, expect) in [("2023Q4", 5), ("2026Q1", 2)] {
        ok(&w, &["assess", "--quarter", q, "--data", &ex, "--out", &format!("d{q}"), "-q"]);
        ok(&w, &["assess", "--quarter", q, "--store", "store", "--out", &format!("s{q}"), "-q"]);
        assert_eq!(same_reports(&w, &format!("d{q}"), &format!("s{q}")), expect, "{q}");
    }
    // E05's entry of 2022 lies outside 2023Q4's reference quarters: explain still lists
    // it, so the store reads every row for explain, where assess reads Q-3..Q alone.
    for (q, e) in [("2023Q4", "E01"), ("2023Q4", "B01"), ("2023Q4", "E05"), ("2026Q1", "E04")] {
        let d = ok(&w, &["explain", "--quarter", q, "--employer", e, "--data", &ex]);
        let s = ok(&w, &["explain", "--quarter", q, "--employer", e, "--store", "store"]);
        assert_eq!(d, s, "explain {e} {q}");
    }
    let ledger = format!("{ex}/ledger.csv");
    ok(
        &w,
        &[
            "funds",
            "--year",
            "2024",
            "--data",
            &ex,
            "--out",
            "fd",
            "--ledger",
            &ledger,
            "--as-of",
            "2028-03-01",
            "-q",
            "--allow-incomplete-data",
        ],
    );
    ok(
        &w,
        &[
            "funds",
            "--year",
            "2024",
            "--store",
            "store",
            "--out",
            "fs",
            "--ledger",
            &ledger,
            "--as-of",
            "2028-03-01",
            "-q",
            "--allow-incomplete-data",
        ],
    );
    assert_eq!(same_reports(&w, "fd", "fs"), 2, "notice_2024.csv and ledger.csv");
}

#[test]
fn generated_quarters_across_the_switch_from_csv_and_parquet() {
    let w = Workdir::new();
    for fmt in ["csv", "parquet"] {
        ok(
            &w,
            &[
                "generate",
                "--scale",
                "tiny",
                "--seed",
                "5",
                "--quarters",
                "2024Q1..2026Q2",
                "--format",
                fmt,
                "--out",
                fmt,
                "-q",
            ],
        );
        ok(&w, &["ingest", "--data", fmt, "--store", &format!("store-{fmt}"), "-q"]);
        let range = "2025Q1..2026Q2";
        // Generated data begin in 2024Q1: the first levy quarters' denominators count as empty.
        let partial = "--allow-incomplete-data";
        ok(&w, &["assess", "--quarters", range, "--data", fmt, "--out", &format!("d-{fmt}"), "-q", partial]);
        ok(
            &w,
            &[
                "assess",
                "--quarters",
                range,
                "--store",
                &format!("store-{fmt}"),
                "--out",
                &format!("s-{fmt}"),
                "-q",
                partial,
            ],
        );
        let n = same_reports(&w, &format!("d-{fmt}"), &format!("s-{fmt}"));
        assert_eq!(n, 4 * 5 + 2 * 2, "{fmt}: five levy tables for 2025, two solidarity tables for 2026");
    }
}

#[test]
fn the_store_keeps_no_worker_identifier_of_the_employment_lines() {
    use polars::prelude::*;
    let w = Workdir::new();
    ok(&w, &["ingest", "--data", &example(), "--store", "store", "-q"]);
    let workers: BTreeSet<String> = read_csv(std::path::Path::new(&format!("{}/employment.csv", example())))
        .into_iter()
        .map(|r| r["worker_id"].clone())
        .collect();
    let mut files = 0;
    for q in std::fs::read_dir(w.path("store/quarters")).expect("quarters").flatten() {
        for f in std::fs::read_dir(q.path()).expect("quarter").flatten() {
            let name = f.file_name().to_string_lossy().to_string();
            let df = ParquetReader::new(std::fs::File::open(f.path()).expect("open"))
                .finish()
                .expect("a Parquet file any reader opens");
            files += 1;
            if name == "invalidity.parquet" || name == "incapacity.parquet" {
                continue; // the rows of entries and incapacities, which name their worker
            }
            for c in df.columns() {
                assert!(!c.name().contains("worker"), "{name}: column {}", c.name());
                if let Ok(s) = c.str() {
                    for v in s.iter().flatten() {
                        assert!(!workers.contains(v), "{name}: a worker identifier of the employment lines: {v}");
                    }
                }
            }
        }
    }
    assert_eq!(files, 15 * 5, "five files for each of the 15 quarters");
}

#[test]
fn a_rule_set_the_store_cannot_serve_is_refused() {
    let w = Workdir::new();
    let ex = example();
    ok(&w, &["ingest", "--data", &ex, "--store", "store", "--seniority-bound", "5", "-q"]);
    let at = |years: u32| crate::common::rules_with("levy.min_seniority_years", "2022Q4", &years.to_string());
    w.write("five.toml", at(5));
    w.write("six.toml", at(6));
    ok(&w, &["assess", "--quarter", "2023Q4", "--data", &ex, "--out", "d", "--rules", "five.toml", "-q"]);
    ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--out", "s", "--rules", "five.toml", "-q"]);
    assert_eq!(same_reports(&w, "d", "s"), 5, "min_seniority_years 5 within the stored bound");
    let o = w.run(&["assess", "--quarter", "2023Q4", "--store", "store", "--out", "x", "--rules", "six.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--seniority-bound 6") && err.contains("up to 5 years"), "{err}");
    let o = w.run(&["assess", "--quarter", "2027Q1", "--store", "store", "--out", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2027Q1 is not in the store"), "{}", show(&o));
}

#[test]
fn a_killed_ingest_leaves_the_store_as_it_was() {
    let w = Workdir::new();
    let ex = example();
    ok(&w, &["ingest", "--data", &ex, "--store", "store", "-q"]);
    ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--out", "before", "-q"]);
    let versions = |w: &Workdir| {
        let mut v: Vec<(String, String)> = std::fs::read_dir(w.path("store/versions"))
            .expect("versions")
            .flatten()
            .map(|e| {
                (e.file_name().to_string_lossy().to_string(), std::fs::read_to_string(e.path()).unwrap_or_default())
            })
            .collect();
        v.sort();
        v
    };
    let committed = versions(&w);
    // Another ingest of other data (2023Q4's wages doubled), held before it publishes, is killed.
    crate::common::doubled_wages(&w, "other");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_responsa"))
        .current_dir(w.dir.path())
        .env("RESPONSA_PAUSE_BEFORE_PUBLISH_MS", "20000")
        .args(["ingest", "--data", "other", "--store", "store", "-q"])
        .spawn()
        .expect("spawn");
    // Its quarters written: new folders, then none for a second (it waits to commit).
    let folders = |w: &Workdir| std::fs::read_dir(w.path("store/quarters")).map_or(0, |d| d.count());
    let first = folders(&w);
    let start = std::time::Instant::now();
    let mut last = (first, std::time::Instant::now());
    while start.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let n = folders(&w);
        if n != last.0 {
            last = (n, std::time::Instant::now());
        } else if n > first && last.1.elapsed() > std::time::Duration::from_secs(1) {
            break;
        }
    }
    assert!(folders(&w) > first, "the ingest never wrote its quarters");
    // A second ingest meanwhile, a real second process, stops at once naming the first.
    let second = w.run(&["ingest", "--data", &ex, "--store", "store", "-q"]);
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{}", show(&second));
    assert!(err.contains(&format!("pid {}", child.id())) && err.contains("is writing this store"), "{err}");
    child.kill().expect("kill");
    let _ = child.wait();
    assert_eq!(versions(&w), committed, "no version was committed");
    ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--out", "after", "-q"]);
    assert_eq!(same_reports(&w, "before", "after"), 5, "the store gives what it gave before");
    // The next ingest commits version 2 and removes what the killed one left; version 1
    // stays whole.
    let out = ok(&w, &["ingest", "--data", "other", "--store", "store"]);
    assert!(out.contains("version 2: ") && out.contains("replaced: 2022Q1"), "{out}");
    let named: BTreeSet<String> = versions(&w)
        .iter()
        .flat_map(|(_, text)| {
            let v: serde_json::Value = serde_json::from_str(text).expect("a version");
            let mut dirs = Vec::new();
            for e in v["quarters"].as_object().expect("quarters").values() {
                for f in e["files"].as_object().expect("files").values() {
                    let path = f["path"].as_str().expect("a path");
                    dirs.push(path.rsplit_once('/').map_or(path, |p| p.0).to_string());
                }
            }
            dirs
        })
        .collect();
    for e in std::fs::read_dir(w.path("store/quarters")).expect("quarters").flatten() {
        let rel = format!("quarters/{}", e.file_name().to_string_lossy());
        assert!(named.contains(&rel), "{rel}: a folder no version names");
    }
    assert_eq!(std::fs::read_dir(w.path("store/batches")).expect("batches").count(), 2, "one batch a version");
    ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--version", "1", "--out", "v1", "-q"]);
    assert_eq!(same_reports(&w, "before", "v1"), 5, "version 1 as it was");
    ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--out", "doubled", "-q"]);
    assert_ne!(w.read("doubled/levy.csv"), w.read("before/levy.csv"), "the new wages are assessed");
}

/// A store's own files are input like any other: an index naming a folder outside the
/// store is refused before anything is read from it or removed.
#[test]
fn an_index_naming_a_folder_outside_the_store_is_refused() {
    let w = Workdir::new();
    let ex = example();
    ok(&w, &["ingest", "--data", &ex, "--store", "store", "-q"]);
    w.write("victim/keep.txt", "not the store's");
    let index = w.read("store/versions/00000001.json");
    let first = index.split("\"path\": \"").nth(1).and_then(|s| s.split('"').next()).expect("a file's path");
    w.write("store/versions/00000001.json", index.replacen(first, "../victim/keep.txt", 1));
    for args in [
        vec!["ingest", "--data", ex.as_str(), "--store", "store", "-q"],
        vec!["assess", "--quarter", "2023Q4", "--store", "store", "--out", "out", "-q"],
    ] {
        let o = w.run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", show(&o));
        assert!(err.contains("00000001.json") && err.contains("not inside the store"), "{err}");
    }
    assert_eq!(w.read("victim/keep.txt"), "not the store's", "nothing outside the store is touched");
}

/// An extract of one quarter with a few lines of the quarter before, and an invalidity
/// file of every quarter: the stray lines are rejected with their line and reason (they
/// were counted as used and stored nowhere), and the quarters it holds only invalidity
/// rows of keep their stored register and aggregates (they were replaced by empty ones).
#[test]
fn an_extract_of_one_quarter_loses_nothing_and_wipes_nothing() {
    let w = Workdir::new();
    let ex = example();
    // The store first lacks one invalidity row, which the late extract brings (an extract
    // that brings nothing new commits nothing).
    for f in ["employers.csv", "employment.csv", "incapacity.csv"] {
        w.write(&format!("first/{f}"), std::fs::read(format!("{ex}/{f}")).expect("example"));
    }
    let invalidity = std::fs::read_to_string(format!("{ex}/invalidity.csv")).expect("example");
    let mut kept: Vec<&str> = invalidity.lines().collect();
    kept.pop();
    w.write("first/invalidity.csv", format!("{}\n", kept.join("\n")));
    ok(&w, &["ingest", "--data", "first", "--store", "store", "-q"]);
    ok(&w, &["assess", "--quarter", "2023Q4", "--data", &ex, "--out", "from-data", "-q"]);
    let only = |file: &str, q: &str| -> String {
        let text = std::fs::read_to_string(format!("{ex}/{file}")).expect("example");
        let mut lines = text.lines();
        let mut out = format!("{}\n", lines.next().unwrap_or_default());
        out.extend(lines.filter(|l| l.starts_with(q)).map(|l| format!("{l}\n")));
        out
    };
    let stray: Vec<String> = only("employment.csv", "2023Q3").lines().skip(1).take(3).map(str::to_string).collect();
    w.write("late/employers.csv", only("employers.csv", "2023Q4"));
    w.write("late/employment.csv", format!("{}{}\n", only("employment.csv", "2023Q4"), stray.join("\n")));
    w.write("late/invalidity.csv", std::fs::read(format!("{ex}/invalidity.csv")).expect("example"));
    let out = ok(&w, &["ingest", "--data", "late", "--store", "store"]);
    assert!(out.contains("rejected input rows: 3"), "{out}");
    let batch = std::fs::read_dir(w.path("store/batches"))
        .expect("batches")
        .flatten()
        .map(|e| e.path())
        .find(|p| std::fs::read_to_string(p.join("batch.json")).is_ok_and(|b| b.contains("late")))
        .expect("the late batch");
    let rejects = read_csv(&batch.join("rejects.csv"));
    assert_eq!(rejects.len(), 3, "{rejects:?}");
    assert!(rejects.iter().all(|r| r["reason"].contains("2023Q3 is not ingested") && r["quarter"] == "2023Q3"));
    let batch_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(batch.join("batch.json")).expect("batch")).expect("json");
    let e = &batch_json["inputs"]["employment"];
    assert_eq!(e["read"].as_u64(), Some(e["used"].as_u64().unwrap_or(0) + e["rejected"].as_u64().unwrap_or(0)));
    assert_eq!(e["rejected"], 3);
    ok(&w, &["assess", "--quarter", "2023Q4", "--store", "store", "--out", "from-store", "-q"]);
    for f in ["assessment.csv", "levy.csv", "warnings.csv", "sectors.csv"] {
        assert_eq!(w.read(&format!("from-store/{f}")), w.read(&format!("from-data/{f}")), "{f}: a quarter was wiped");
    }
}

/// Every stored file's sha256 is recorded with its quarter and checked on read: a flipped
/// bit, or a file copied from another quarter, stops the run naming the file (a flip used
/// to give exit 0 and a different solidarity.csv, a copied file was accepted).
#[test]
fn a_damaged_or_swapped_stored_file_is_named_never_read() {
    let w = Workdir::new();
    let ex = example();
    ok(&w, &["ingest", "--data", &ex, "--store", "store", "-q"]);
    let index: serde_json::Value = serde_json::from_str(&w.read("store/versions/00000001.json")).expect("index");
    let stored = |q: &str| {
        w.path(&format!(
            "store/{}",
            index["quarters"][q]["files"]["incapacity.parquet"]["path"].as_str().expect("path")
        ))
    };
    let file = stored("2026Q1");
    let good = std::fs::read(&file).expect("stored");
    for (what, bytes) in [
        ("a flipped bit", {
            let mut b = good.clone();
            b[good.len() / 2] ^= 0x01;
            b
        }),
        ("a file of another quarter", std::fs::read(stored("2025Q4")).expect("stored")),
    ] {
        std::fs::write(&file, &bytes).expect("write");
        let o = w.run(&["assess", "--quarter", "2026Q1", "--store", "store", "--out", "out", "-q"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", show(&o));
        assert!(err.contains("incapacity.parquet") && err.contains("checksum"), "{what}: {err}");
    }
    std::fs::write(&file, &good).expect("restore");
    ok(&w, &["assess", "--quarter", "2026Q1", "--store", "store", "--out", "out", "-q"]);
}
