//! Never a wrong figure called a success (§6): each fault a user met, run as the user
//! met it — the real binary on real files in a scratch folder.

use std::fs;

use polars::prelude::*;

use crate::common::{read_csv, show, Workdir};

fn example() -> String {
    format!("{}/data/example", env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the example data in `data/`, with `employment.csv` replaced by `employment`.
fn example_with_employment(w: &Workdir, employment: &str) {
    for f in ["employers.csv", "invalidity.csv", "incapacity.csv"] {
        w.write(&format!("data/{f}"), fs::read(format!("{}/{f}", example())).expect("example"));
    }
    w.write("data/employment.csv", employment);
}

fn example_employment() -> String {
    fs::read_to_string(format!("{}/employment.csv", example())).expect("example employment")
}

fn assess(w: &Workdir, quarter: &str) -> std::process::Output {
    w.run(&["assess", "--quarter", quarter, "--data", "data", "--out", "out", "-q"])
}

fn levy_of(w: &Workdir, employer: &str) -> Option<String> {
    read_csv(&w.path("out/levy.csv")).into_iter().find(|r| r["employer_id"] == employer).map(|r| r["levy"].clone())
}

fn summary(w: &Workdir) -> serde_json::Value {
    serde_json::from_str(&w.read("out/summary.json")).expect("summary.json")
}

#[test]
fn the_last_line_is_read_without_a_final_newline_and_an_empty_last_field() {
    let w = Workdir::new();
    let full = example_employment();
    assert!(full.ends_with(",\n"), "the example's last line ends with an empty joint_committee");
    example_with_employment(&w, full.trim_end_matches('\n'));
    let o = assess(&w, "2023Q4");
    assert!(o.status.success(), "{}", show(&o));
    let lines = full.lines().count() as u64 - 1;
    assert_eq!(summary(&w)["inputs"]["employment"]["read"], lines, "every line is read, the last one too");
    let w2 = Workdir::new();
    example_with_employment(&w2, &full);
    assert!(assess(&w2, "2023Q4").status.success());
    assert_eq!(w.read("out/levy.csv"), w2.read("out/levy.csv"), "the same levies as with the final newline");
}

#[test]
fn wages_beyond_any_plausible_line_are_rejected_and_no_sum_wraps() {
    let w = Workdir::new();
    let employment: String = example_employment()
        .lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').collect();
            if f[1] == "E01" && f[0] == "2023Q3" {
                f[6] = "999999999999999.99";
            }
            f.join(",") + "\n"
        })
        .collect();
    example_with_employment(&w, &employment);
    let o = assess(&w, "2023Q4");
    assert!(o.status.success(), "a few implausible lines are row faults: {}", show(&o));
    let rejects = read_csv(&w.path("out/rejects.csv"));
    let above: Vec<_> = rejects.iter().filter(|r| r["reason"].contains("max_line_wages")).collect();
    assert!(!above.is_empty(), "the lines are rejected with their reason");
    assert!(above.iter().all(|r| r["employer_id"] == "E01" && r["quarter"] == "2023Q3"), "{above:?}");
    for r in read_csv(&w.path("out/levy.csv")) {
        assert!(!r["levy"].starts_with('-') && !r["wage_base"].starts_with('-'), "a negative amount: {r:?}");
    }
}

#[test]
fn an_input_that_lost_most_of_its_rows_gives_no_report() {
    let w = Workdir::new();
    // Every employer_id of the employment lines lost a character, as a spreadsheet strips
    // leading zeros: no line belongs to a known employer.
    let employment: String = example_employment()
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
            if i > 0 {
                f[1] = f[1][1..].to_string();
            }
            f.join(",") + "\n"
        })
        .collect();
    example_with_employment(&w, &employment);
    let o = assess(&w, "2023Q4");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    for needle in [
        "employment (data/employment.csv)",
        "rows rejected",
        "100.00 %",
        "max_rejected_share",
        "unknown employer",
        "hint",
    ] {
        assert!(err.contains(needle), "'{needle}' missing: {err}");
    }
    assert!(w.path("out/rejects.csv").is_file(), "the rejects are written");
    assert!(!w.path("out/assessment.csv").exists() && !w.path("out/levy.csv").exists(), "nothing looks like a result");
}

#[test]
fn a_small_share_of_rejected_rows_is_reported_by_reason() {
    let w = Workdir::new();
    let employment = format!("{}2023Q3,E01,X1,abc,2010-01-01,true,1.00,\n", example_employment());
    example_with_employment(&w, &employment);
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", "data", "--out", "out"]);
    assert!(o.status.success(), "{}", show(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("employment: 1 of") && out.contains("fte: not an FTE"), "{out}");
    let by_reason = &summary(&w)["inputs"]["employment"]["rejected_by_reason"];
    assert_eq!(by_reason[0][1], 1, "{by_reason}");
    let page = w.read("out/report.html");
    assert!(
        page.contains("Data quality") && page.contains("1 × fte: not an FTE"),
        "report.html counts rejects by reason"
    );
}

#[test]
fn a_quarter_the_data_do_not_cover_is_refused_naming_what_is_missing() {
    let w = Workdir::new();
    let o = w.run(&["assess", "--quarters", "2022Q4..2023Q4", "--data", &example(), "--out", "out", "-q"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(err.contains("2022Q4") && err.contains("employment lines of 2021Q1"), "{err}");
    let o = w.run(&["assess", "--quarter", "2027Q1", "--data", &example(), "--out", "out", "-q"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(err.contains("the register at 2027Q1") && err.contains("2026Q4"), "{err}");
    assert!(!w.path("out").exists(), "no report");
}

#[test]
fn a_run_replaces_every_output_of_the_previous_one() {
    let w = Workdir::new();
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &example(), "--out", "out", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    assert!(w.path("out/levy.csv").is_file() && w.path("out/letters").is_dir());
    let o = w.run(&["assess", "--quarter", "2026Q1", "--data", &example(), "--out", "out", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    assert!(w.path("out/solidarity.csv").is_file());
    assert!(!w.path("out/levy.csv").exists(), "2023Q4's levy.csv does not stand beside 2026Q1's outputs");
    assert!(!w.path("out/assessment.csv").exists());
    // Under --strict with rejected rows only rejects.csv is written, and nothing of the
    // previous run stays beside it.
    let employment = format!("{}2023Q3,E01,X1,abc,2010-01-01,true,1.00,\n", example_employment());
    example_with_employment(&w, &employment);
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", "data", "--out", "out", "--strict", "-q"]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    assert!(w.path("out/rejects.csv").is_file());
    assert!(!w.path("out/summary.json").exists(), "no summary of another run beside the new rejects");
}

#[test]
fn a_folder_with_other_files_is_not_used_as_out() {
    let w = Workdir::new();
    w.write("mine/notes.txt", "keep me");
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &example(), "--out", "mine", "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert_eq!(w.read("mine/notes.txt"), "keep me");
}

/// The example's employment lines as Parquet, FTE and wages as DECIMAL columns (what
/// DuckDB and Spark write for money).
fn employment_parquet_with_decimals(path: &std::path::Path) {
    let mut r = csv::Reader::from_path(format!("{}/employment.csv", example())).expect("example");
    let h = r.headers().expect("header").clone();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("record")).collect();
    let text =
        |k: usize| -> Column { Column::new(h[k].into(), rows.iter().map(|r| r[k].to_string()).collect::<Vec<_>>()) };
    let units = |k: usize, scale: u32| -> Vec<i128> {
        rows.iter()
            .map(|r| {
                let (i, f) = r[k].split_once('.').unwrap_or((&r[k], ""));
                let f = format!("{f:0<w$}", w = scale as usize);
                format!("{i}{f}").parse::<i128>().expect("a decimal")
            })
            .collect()
    };
    let decimal = |k: usize, p: usize, s: u32| -> Column {
        Int128Chunked::from_vec(h[k].into(), units(k, s))
            .into_decimal(p, s as usize)
            .expect("a decimal column")
            .into_series()
            .into()
    };
    let mut df = DataFrame::new_infer_height(vec![
        text(0),
        text(1),
        text(2),
        decimal(3, 12, 6),
        text(4),
        text(5),
        decimal(6, 18, 2),
        text(7),
    ])
    .expect("a frame");
    let f = fs::File::create(path).expect("create");
    ParquetWriter::new(f).finish(&mut df).expect("written");
}

#[test]
fn decimal_money_in_parquet_is_read_exactly() {
    let w = Workdir::new();
    example_with_employment(&w, &example_employment());
    let o = assess(&w, "2023Q4");
    assert!(o.status.success(), "{}", show(&o));
    let from_csv = w.read("out/levy.csv");
    fs::remove_file(w.path("data/employment.csv")).expect("remove");
    employment_parquet_with_decimals(&w.path("data/employment.parquet"));
    let o = assess(&w, "2023Q4");
    assert!(o.status.success(), "{}", show(&o));
    assert_eq!(w.read("out/levy.csv"), from_csv, "DECIMAL(18,2) wages give the same levies to the cent");
    assert_eq!(levy_of(&w, "E01").is_some(), from_csv.contains("E01,"));
}

#[test]
fn a_damaged_parquet_file_is_an_error_naming_it_never_a_panic() {
    let w = Workdir::new();
    example_with_employment(&w, "");
    fs::remove_file(w.path("data/employment.csv")).expect("remove");
    let path = w.path("data/employment.parquet");
    employment_parquet_with_decimals(&path);
    let good = fs::read(&path).expect("parquet");
    // Flip one byte at a spread of places, the footer included.
    let places: Vec<usize> = (0..24).map(|k| k * good.len() / 24).chain([good.len() - 9, good.len() - 20]).collect();
    for at in places {
        let mut bad = good.clone();
        bad[at] ^= 0x5a;
        fs::write(&path, &bad).expect("write");
        let o = assess(&w, "2023Q4");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(matches!(o.status.code(), Some(0 | 2 | 3)), "byte {at}: {}", show(&o));
        assert!(!err.contains("internal error"), "byte {at}: a panic: {err}");
        if o.status.code() == Some(2) {
            assert_eq!(err.lines().count(), 1, "byte {at}: one line: {err}");
            assert!(err.contains("employment.parquet") || err.contains("employment"), "byte {at}: {err}");
        }
    }
}

#[test]
fn a_panic_ends_in_one_line_and_exit_code_1() {
    let w = Workdir::new();
    let o = w.run_env(&["rules"], &[("RESPONSA_TEST_PANIC", "1")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(err.contains("internal error"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line, no backtrace: {err}");
}

#[test]
fn a_rule_file_error_is_one_line_naming_file_line_and_column() {
    let w = Workdir::new();
    w.write("bad.toml", "[max_age]\ndescription = \"x\"\nrule = 3 3\n");
    let o = w.run(&["rules", "--rules", "bad.toml"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bad.toml:3:"), "file and line: {err}");
}

#[test]
fn a_store_given_as_data_is_named_a_store() {
    let w = Workdir::new();
    let o = w.run(&["ingest", "--data", &example(), "--store", "store", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", "store", "--out", "out", "-q"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(err.contains("this is a responsa store") && err.contains("--store"), "{err}");
}

#[test]
fn an_employer_id_without_its_leading_zeros_is_suggested() {
    let w = Workdir::new();
    let employers =
        fs::read_to_string(format!("{}/employers.csv", example())).expect("example").replace(",E01,", ",0000000001,");
    for f in ["employment.csv", "invalidity.csv", "incapacity.csv"] {
        let t = fs::read_to_string(format!("{}/{f}", example())).expect("example").replace(",E01,", ",0000000001,");
        w.write(&format!("data/{f}"), t);
    }
    w.write("data/employers.csv", employers);
    let o = w.run(&["explain", "--quarter", "2023Q4", "--employer", "1", "--data", "data"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(err.contains("0000000001"), "{err}");
}

#[test]
fn belgian_dates_and_booleans_are_read() {
    let w = Workdir::new();
    // The example as a spreadsheet in a Dutch-speaking Belgian locale saves it.
    for f in ["employers.csv", "employment.csv", "invalidity.csv"] {
        let t = fs::read_to_string(format!("{}/{f}", example())).expect("example");
        // Read as CSV (the register's address holds commas), written with `;`.
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(t.as_bytes());
        let records: Vec<Vec<String>> =
            r.records().map(|rec| rec.expect("a record").iter().map(str::to_string).collect()).collect();
        let header: Vec<&str> = records[0].iter().map(String::as_str).collect();
        let converted: String = records
            .iter()
            .map(|l| {
                let fields: Vec<String> = l
                    .iter()
                    .map(String::as_str)
                    .zip(&header)
                    .map(|(v, column)| match (v, *column) {
                        ("true", _) => "WAAR".to_string(),
                        ("false", _) => "ONWAAR".to_string(),
                        (d, _) if d.len() == 10 && d.as_bytes()[4] == b'-' => {
                            format!("{}/{}/{}", &d[8..10], &d[5..7], &d[0..4])
                        }
                        (v, "fte" | "wages") => v.replace('.', ","),
                        (v, _) => v.to_string(),
                    })
                    .collect();
                fields.join(";") + "\r\n"
            })
            .collect();
        w.write(&format!("data/{f}"), format!("\u{feff}{converted}"));
    }
    let o =
        w.run(&["assess", "--quarter", "2023Q4", "--data", "data", "--out", "out", "--csv-dialect", "belgian", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let rejected = summary(&w)["inputs"]["employment"]["rejected"].clone();
    let standard = Workdir::new();
    let o = standard.run(&["assess", "--quarter", "2023Q4", "--data", &example(), "--out", "out", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    assert_eq!(rejected, summary(&standard)["inputs"]["employment"]["rejected"], "no row lost to the dialect");
    assert_eq!(w.read("out/levy.csv"), standard.read("out/levy.csv"));
}

/// A full disk, as a user meets it: a small tmpfs (mounting one needs root, as CI runs;
/// elsewhere the test says it did not run).
#[test]
fn a_full_disk_leaves_the_previous_outputs_whole() {
    struct Mounted(std::path::PathBuf);
    impl Drop for Mounted {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let w = Workdir::new();
    let disk = w.path("disk");
    fs::create_dir_all(&disk).expect("mkdir");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&disk)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("a_full_disk_leaves_the_previous_outputs_whole: not run (cannot mount a tmpfs: not root?)");
        return;
    }
    let _mounted = Mounted(disk.clone());
    // 2026Q1's reports (about 32 KB) fit; 2023Q4's (about 72 KB, letters included) do not
    // fit beside them.
    let o = w.run(&["assess", "--quarter", "2026Q1", "--data", &example(), "--out", "disk/out", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let before: Vec<(String, Vec<u8>)> = files_of(&w.path("disk/out"));
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &example(), "--out", "disk/out", "-q", "--xlsx"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "the disk is full: {}", show(&o));
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains("disk/") && !err.contains("internal error"), "the error names the path: {err}");
    assert_eq!(files_of(&w.path("disk/out")), before, "the previous outputs are whole and alone");
    let left: Vec<String> =
        fs::read_dir(&disk).expect("list").flatten().map(|e| e.file_name().to_string_lossy().into()).collect();
    assert_eq!(left, vec!["out".to_string()], "no staging folder is left on the full disk");
}

/// Every file under a folder with its bytes, sorted by path.
fn files_of(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap_or(&p).display().to_string();
                out.push((rel, fs::read(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn an_unknown_letter_language_is_named_not_turned_into_french() {
    let w = Workdir::new();
    let employers = fs::read_to_string(format!("{}/employers.csv", example())).expect("example");
    let mut lines: Vec<String> = employers.lines().map(str::to_string).collect();
    let at = lines.iter().position(|l| l.starts_with("2023Q4,E01,")).expect("E01 in 2023Q4");
    let mut f: Vec<String> = lines[at].split(',').map(str::to_string).collect();
    f[6] = "en".into();
    lines[at] = f.join(",");
    for file in ["employment.csv", "invalidity.csv", "incapacity.csv"] {
        w.write(&format!("data/{file}"), fs::read(format!("{}/{file}", example())).expect("example"));
    }
    w.write("data/employers.csv", lines.join("\n") + "\n");
    let o = assess(&w, "2023Q4");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(err.contains(&format!("employers.csv:{}", at + 1)) && err.contains("'en'"), "{err}");
}
