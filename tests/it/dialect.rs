//! Inputs saved by a spreadsheet in a Belgian locale (§11): `;`, decimal comma, a
//! byte-order mark. Read with `--csv-dialect belgian`; named in a clear error without it.

use crate::common::{show, Workdir};

/// The example's files as a Belgian spreadsheet saves them.
fn belgian(w: &Workdir) {
    let ex = format!("{}/data/example", env!("CARGO_MANIFEST_DIR"));
    for f in ["employers.csv", "employment.csv", "invalidity.csv", "incapacity.csv"] {
        let mut r = csv::Reader::from_path(format!("{ex}/{f}")).expect("example");
        let header: Vec<String> = r.headers().expect("header").iter().map(str::to_string).collect();
        let decimals: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| ["fte", "wages", "daily_benefit"].contains(&h.as_str()))
            .map(|(i, _)| i)
            .collect();
        let mut out = String::from("\u{feff}");
        out.push_str(&header.join(";"));
        out.push_str("\r\n");
        for rec in r.records() {
            let rec = rec.expect("record");
            let fields: Vec<String> = rec
                .iter()
                .enumerate()
                .map(|(i, v)| if decimals.contains(&i) { v.replace('.', ",") } else { v.to_string() })
                .collect();
            out.push_str(&fields.join(";"));
            out.push_str("\r\n");
        }
        w.write(&format!("be/{f}"), out);
    }
}

#[test]
fn a_belgian_spreadsheet_export_gives_the_same_reports() {
    let w = Workdir::new();
    belgian(&w);
    let ex = format!("{}/data/example", env!("CARGO_MANIFEST_DIR"));
    for q in ["2023Q4", "2026Q1"] {
        let o = w.run(&["assess", "--quarter", q, "--data", &ex, "--out", &format!("std{q}"), "-q"]);
        assert!(o.status.success(), "{}", show(&o));
        let o = w.run(&[
            "assess",
            "--quarter",
            q,
            "--data",
            "be",
            "--out",
            &format!("be{q}"),
            "--csv-dialect",
            "belgian",
            "-q",
        ]);
        assert!(o.status.success(), "{}", show(&o));
        for f in [
            "assessment.csv",
            "levy.csv",
            "warnings.csv",
            "sectors.csv",
            "solidarity.csv",
            "solidarity_by_employer.csv",
        ] {
            let (a, b) = (w.path(&format!("std{q}/{f}")), w.path(&format!("be{q}/{f}")));
            if a.exists() {
                assert_eq!(std::fs::read(&a).expect("std"), std::fs::read(&b).expect("be"), "{q} {f}");
            }
        }
        let summary: serde_json::Value = serde_json::from_str(&w.read(&format!("be{q}/summary.json"))).expect("json");
        let files = summary["inputs"]["employment"]["files"].to_string();
        assert!(
            files.contains("be/employment.csv") && !files.contains("responsa-dialect"),
            "the original file is named: {files}"
        );
    }
}

#[test]
fn without_the_option_the_file_and_the_option_are_named() {
    let w = Workdir::new();
    belgian(&w);
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", "be", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("be/employers.csv") && err.contains("--csv-dialect belgian"), "{err}");
}

#[test]
fn a_belgian_export_is_ingested_under_its_own_names() {
    let w = Workdir::new();
    belgian(&w);
    let ex = format!("{}/data/example", env!("CARGO_MANIFEST_DIR"));
    let o = w.run(&["ingest", "--data", "be", "--store", "store", "--csv-dialect", "belgian", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let o = w.run(&["assess", "--quarter", "2023Q4", "--store", "store", "--out", "s", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &ex, "--out", "d", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    assert_eq!(w.read("s/assessment.csv"), w.read("d/assessment.csv"));
    let batch = std::fs::read_dir(w.path("store/batches")).expect("batches").flatten().next().expect("a batch");
    let record = std::fs::read_to_string(batch.path().join("batch.json")).expect("batch.json");
    assert!(record.contains("be/employment.csv") && !record.contains("responsa-dialect"), "{record}");
}

/// A Belgian file is read as it is, never through a copy: a fault names the user's own
/// file and line, structural (a file cut short) or a row's (a reject).
#[test]
fn a_belgian_file_is_read_in_place_and_its_faults_name_it() {
    let w = Workdir::new();
    belgian(&w);
    let lines = w.read("be/employment.csv");
    let cut = &lines[..lines.len() - 20];
    w.write("cut/employment.csv", cut);
    for f in ["employers.csv", "invalidity.csv", "incapacity.csv"] {
        w.write(&format!("cut/{f}"), w.read(&format!("be/{f}")));
    }
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", "cut", "--out", "out", "--csv-dialect", "belgian"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let line = cut.lines().count();
    assert!(err.contains(&format!("cut/employment.csv:{line}:")) && err.contains("cut short?"), "{err}");
    assert!(!err.contains("responsa-dialect"), "no copy named: {err}");
    // One wage that is no number: rejected, with the user's file and line.
    let bad = lines.replacen(";3000,00;", ";3000,00x;", 1);
    let at = bad.lines().position(|l| l.contains("3000,00x")).expect("the bad line") + 1;
    w.write("be/employment.csv", bad);
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", "be", "--out", "out", "--csv-dialect", "belgian", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let rejects = w.read("out/rejects.csv");
    assert!(rejects.contains(&format!("be/employment.csv,{at},wages")), "{rejects}");
}
