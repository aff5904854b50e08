//! Safe on the files analysts really get (§6): structural faults exit 2 with one line
//! naming file, line and column; row faults go to rejects.csv with their reason and are
//! counted; --strict exits 3; reports are never half-written.

use crate::common::{read_csv, show, Workdir};

const EMPLOYERS: &str = "quarter,employer_id,nace,employer_category,joint_committee,private_sector
2022Q4,A,47110,010,201,true
2023Q4,A,47110,010,201,true
2023Q4,B,47.110,010,201,yes
";
const EMPLOYMENT: &str = "quarter,employer_id,worker_id,fte,seniority_date,in_service_at_quarter_end,wages
2022Q4,A,w1,1,2010-01-01,true,3000.00
2023Q3,A,w1,1,2010-01-01,true,3000.00
2023Q3,B,w2,0.5,2015-06-30,false,1500
";
const INVALIDITY: &str =
    "worker_id,employer_id,primary_incapacity_start,invalidity_start,birth_date,seniority_date,resumption_authorized
w1,A,2022-05-10,2023-05-10,1975-04-12,2010-09-01,false
";

fn dataset(w: &Workdir, employers: &str, employment: &str, invalidity: &str) {
    w.write("data/employers.csv", employers);
    w.write("data/employment.csv", employment);
    w.write("data/invalidity.csv", invalidity);
}

/// The options of a row-fault universe: a few lines in a few quarters, most of them
/// faulty on purpose (§6's coverage and tolerance are tested in trust.rs).
const UNIVERSE: [&str; 3] = ["--allow-incomplete-data", "--max-rejected-share", "100"];

fn assess(w: &Workdir, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["assess", "--quarter", "2023Q4", "--data", "data", "--out", "out", "-q"];
    args.extend(UNIVERSE);
    args.extend(extra);
    w.run(&args)
}

/// Runs on a dataset that must fail structurally: exit 2, one line on stderr that names
/// the expected pieces, no panic.
fn structural(employers: &str, employment: &str, invalidity: &str, needles: &[&str]) {
    let w = Workdir::new();
    dataset(&w, employers, employment, invalidity);
    let o = assess(&w, &[]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{}", show(&o));
    assert_eq!(err.trim_end().lines().count(), 1, "one clear line expected:\n{err}");
    for n in needles {
        assert!(err.contains(n), "stderr should contain '{n}':\n{err}");
    }
    assert!(!w.path("out/assessment.csv").exists(), "no report on a structural error");
}

#[test]
fn the_valid_base_runs() {
    let w = Workdir::new();
    dataset(&w, EMPLOYERS, EMPLOYMENT, INVALIDITY);
    let o = assess(&w, &[]);
    assert!(o.status.success(), "{}", show(&o));
    assert_eq!(read_csv(&w.path("out/assessment.csv")).len(), 2);
}

#[test]
fn missing_file() {
    let w = Workdir::new();
    w.write("data/employers.csv", EMPLOYERS);
    w.write("data/invalidity.csv", INVALIDITY);
    let o = assess(&w, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing input 'employment'"), "{}", show(&o));
}

#[test]
fn missing_column_names_file_line_and_column() {
    let employment = EMPLOYMENT.replace(",wages\n", ",salary\n");
    structural(EMPLOYERS, &employment, INVALIDITY, &["employment.csv:1", "column 'wages'", "missing required column"]);
}

#[test]
fn wrong_delimiter_is_explained() {
    let employers = EMPLOYERS.replace(',', ";");
    structural(&employers, EMPLOYMENT, INVALIDITY, &["employers.csv:1", "column 'quarter'", "';'"]);
}

#[test]
fn empty_and_header_only_files() {
    structural("", EMPLOYMENT, INVALIDITY, &["employers.csv:1", "empty file"]);
    let header_only = EMPLOYMENT.lines().next().unwrap_or_default().to_string() + "\n";
    structural(EMPLOYERS, &header_only, INVALIDITY, &["employment.csv:2", "header only"]);
}

#[test]
fn binary_bytes_are_a_structural_error_with_a_line() {
    let w = Workdir::new();
    dataset(&w, EMPLOYERS, EMPLOYMENT, INVALIDITY);
    let mut bytes = EMPLOYMENT.as_bytes().to_vec();
    bytes.extend_from_slice(b"2023Q3,A,w9,1,2010-01-01,true,\xff\xfe\x00\x01\n");
    w.write("data/employment.csv", bytes);
    let o = assess(&w, &[]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(err.contains("employment.csv:5") && err.contains("UTF-8"), "{}", show(&o));
}

#[test]
fn a_record_with_too_many_fields_is_a_structural_error() {
    let employment = format!("{EMPLOYMENT}2023Q3,A,w3,1,2010-01-01,true,1,234.00\n");
    structural(EMPLOYERS, &employment, INVALIDITY, &["employment.csv:5", "8 fields where the header has 7"]);
}

#[test]
fn an_unterminated_quote_is_a_structural_error_with_its_line() {
    // The quote opened on line 5 would swallow the lines after it into one field.
    let employment = format!("{EMPLOYMENT}2023Q3,A,\"w9,1,2010-01-01,true,1.00\n2023Q3,A,w10,1,2010-01-01,true,1.00\n");
    structural(EMPLOYERS, &employment, INVALIDITY, &["employment.csv:5", "unterminated quoted field"]);
}

#[test]
fn a_file_cut_in_the_middle_of_its_last_line_is_a_structural_error() {
    // The last line is cut in the middle and has no final newline: the file was cut short
    // (§6), a structural error naming the line, never a reject and a report.
    let employment = format!("{EMPLOYMENT}2023Q3,A,w3,1,2010-01");
    structural(EMPLOYERS, &employment, INVALIDITY, &["employment.csv:5", "the file ends inside this line: cut short?"]);
}

#[test]
fn bom_crlf_and_quoted_fields_are_read() {
    let w = Workdir::new();
    let employers = format!("\u{feff}{}", EMPLOYERS.replace('\n', "\r\n"))
        .replace("2022Q4,A,47110,010,201", "2022Q4,\"A\",\"47,110\",010,201");
    // "47,110" inside quotes is one field (and not 5 digits once dots are removed: rejected).
    dataset(&w, &employers, &EMPLOYMENT.replace('\n', "\r\n"), INVALIDITY);
    let o = assess(&w, &[]);
    assert!(o.status.success(), "{}", show(&o));
    let rows = read_csv(&w.path("out/assessment.csv"));
    assert_eq!(rows.iter().map(|r| r["employer_id"].as_str()).collect::<Vec<_>>(), ["A", "B"]);
    let rejects = read_csv(&w.path("out/rejects.csv"));
    assert!(rejects.iter().all(|r| r["reason"].starts_with("nace:")), "{rejects:?}");
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!(rejects[0]["line"], "2");
}

#[test]
fn a_nace_code_with_blanks_and_dots_is_read_as_its_five_digits() {
    let w = Workdir::new();
    let employers = EMPLOYERS.replace("2023Q4,A,47110,", "2023Q4,A, 47.110 ,");
    dataset(&w, &employers, EMPLOYMENT, INVALIDITY);
    let o = assess(&w, &[]);
    assert!(o.status.success(), "{}", show(&o));
    let rows = read_csv(&w.path("out/assessment.csv"));
    let a = rows.iter().find(|r| r["employer_id"] == "A").expect("A");
    assert_eq!((a["nace4"].as_str(), a["sector"].as_str()), ("4711", "47"), "{a:?}");
}

#[test]
fn duplicate_register_rows_of_long_identifiers_keep_the_first() {
    // Identifiers longer than 16 bytes take the register's general sorting path.
    let long = "BE0123456789-SITE-0001";
    let employers = format!(
        "{}2023Q4,{long},47110,010,201,true\n2023Q4,{long},10110,010,302,true\n2023Q4,{long}X,47110,010,201,true\n",
        EMPLOYERS.replace("\n2023Q4,B,47.110,010,201,yes", "")
    );
    let w = Workdir::new();
    dataset(&w, &employers, EMPLOYMENT.replace("2023Q3,B,", &format!("2023Q3,{long},")).as_str(), INVALIDITY);
    let o = assess(&w, &[]);
    assert!(o.status.success(), "{}", show(&o));
    let rejects = read_csv(&w.path("out/rejects.csv"));
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!(rejects[0]["line"], "5", "the second row of {long} is the duplicate: {rejects:?}");
    assert!(rejects[0]["reason"].starts_with("duplicate register row"), "{rejects:?}");
    let rows = read_csv(&w.path("out/assessment.csv"));
    let kept = rows.iter().find(|r| r["employer_id"] == long).expect("the long identifier is assessed");
    assert_eq!((kept["nace4"].as_str(), kept["joint_committee"].as_str()), ("4711", "201"), "the first row is used");
    let ids: Vec<&str> = rows.iter().map(|r| r["employer_id"].as_str()).collect();
    assert_eq!(ids, ["A", long, &format!("{long}X")], "sorted by identifier");
}

#[test]
fn malformed_quarter_argument() {
    let w = Workdir::new();
    dataset(&w, EMPLOYERS, EMPLOYMENT, INVALIDITY);
    let o = w.run(&["assess", "--quarter", "2023-Q4", "--data", "data", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("'2023-Q4' is not a quarter"), "{}", show(&o));
}

/// Every row fault of §6 and issue 3 with its own reason; nothing else rejected.
#[test]
fn row_faults_go_to_rejects_with_their_reason() {
    let employers = format!(
        "{EMPLOYERS}2023Q4,A,47110,010,201,true
2023Q4,C,4711,010,201,true
2023Q9,D,47110,010,201,true
2023Q4,E,47110,010,201,maybe
"
    );
    let employment = format!(
        "{EMPLOYMENT}2023Q3,A,w3,1,2010-13-01,true,1.00
2023Q3,A,w4,one,2010-01-01,true,1.00
2023Q3,A,w5,-0.5,2010-01-01,true,1.00
2023Q3,A,w6,1,2010-01-01,true,-1.00
2023Q3,A,w7,1,2010-01-01,true,1.234
2023Q3,A,w8,1.6,2010-01-01,true,1.00
2023Q3,A,w9,1,2023-10-01,true,1.00
2023Q3,Z,w10,1,2010-01-01,true,1.00
2023Q3,A,w11,1,2010-01-01,perhaps,1.00
2023QX,A,w12,1,2010-01-01,true,1.00
2023Q3,A,w13,0.1234567,2010-01-01,true,1.00
"
    );
    let invalidity = format!(
        "{INVALIDITY}w2,A,2022-05-10,2023-05-10,2023-01-01,2010-09-01,false
w3,A,2022-05-10,2022-05-09,1975-04-12,2010-09-01,false
w1,A,2022-05-10,2023-05-10,1975-04-12,2010-09-01,false
w4,Z,2022-05-10,2023-05-10,1975-04-12,2010-09-01,false
w5,A,2022-02-30,2023-05-10,1975-04-12,2010-09-01,false
w6,A,2022-05-10,2023-05-10,1975-04-12,2010-09-01,sometimes
"
    );
    let w = Workdir::new();
    dataset(&w, &employers, &employment, &invalidity);
    let o = assess(&w, &[]);
    assert!(o.status.success(), "{}", show(&o));
    let got: Vec<(String, String, String)> = read_csv(&w.path("out/rejects.csv"))
        .into_iter()
        .map(|r| {
            let file = std::path::Path::new(&r["file"]).file_name().unwrap_or_default().to_string_lossy().to_string();
            (file, r["line"].clone(), r["reason"].clone())
        })
        .collect();
    let expected: &[(&str, &str, &str)] = &[
        ("employers.csv", "5", "duplicate register row"),
        ("employers.csv", "6", "nace: not a NACE-BEL code of 5 digits"),
        ("employers.csv", "7", "quarter: not a quarter"),
        ("employers.csv", "8", "private_sector: not a boolean"),
        ("employment.csv", "5", "seniority_date: not a date"),
        ("employment.csv", "6", "fte: not an FTE"),
        ("employment.csv", "7", "fte: negative value"),
        ("employment.csv", "8", "wages: negative value"),
        ("employment.csv", "9", "wages: too many decimals"),
        ("employment.csv", "10", "fte: above 1.5 FTE on one line"),
        ("employment.csv", "11", "seniority_date: after the end of the line's quarter"),
        ("employment.csv", "12", "employer_id: unknown employer"),
        ("employment.csv", "13", "in_service_at_quarter_end: not a boolean"),
        ("employment.csv", "14", "quarter: not a quarter"),
        ("employment.csv", "15", "fte: too many decimals"),
        ("invalidity.csv", "3", "birth_date after primary_incapacity_start"),
        ("invalidity.csv", "4", "invalidity_start before primary_incapacity_start"),
        ("invalidity.csv", "5", "duplicate invalidity row"),
        ("invalidity.csv", "6", "employer_id: unknown employer"),
        ("invalidity.csv", "7", "primary_incapacity_start: not a date"),
        ("invalidity.csv", "8", "resumption_authorized: not a boolean"),
    ];
    let mut problems = Vec::new();
    for (f, l, reason) in expected {
        match got.iter().find(|g| g.0 == *f && g.1 == *l) {
            Some(g) if g.2.starts_with(reason) => {}
            Some(g) => problems.push(format!("{f}:{l}: expected reason '{reason}…', got '{}'", g.2)),
            None => problems.push(format!("{f}:{l}: expected a reject '{reason}…', none")),
        }
    }
    for g in &got {
        if !expected.iter().any(|(f, l, _)| g.0 == *f && g.1 == *l) {
            problems.push(format!("unexpected reject {g:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Each fault has its own reason text.
    let mut reasons: Vec<&str> = expected.iter().map(|e| e.2).collect();
    reasons.sort_unstable();
    reasons.dedup();
    assert_eq!(reasons.len(), expected.len() - 2, "only 'unknown employer' and 'not a quarter' repeat, by design");

    let summary: serde_json::Value = serde_json::from_str(&w.read("out/summary.json")).expect("summary.json");
    for (input, read, rejected) in [("employers", 7, 4), ("employment", 14, 11), ("invalidity", 7, 6)] {
        let s = &summary["inputs"][input];
        assert_eq!(s["read"], read, "{input}: {s}");
        assert_eq!(s["rejected"], rejected, "{input}: {s}");
        assert_eq!(s["read"].as_u64(), Some(s["used"].as_u64().unwrap_or(0) + s["rejected"].as_u64().unwrap_or(0)));
        assert_eq!(s["sha256"].as_str().map(str::len), Some(64), "{input}: {s}");
    }
    assert_eq!(summary["rules"]["sha256"].as_str().map(str::len), Some(64));
}

#[test]
fn strict_fails_with_exit_3_after_writing_rejects() {
    let w = Workdir::new();
    let employment = format!("{EMPLOYMENT}2023Q3,A,w3,1,2010-13-01,true,1.00\n");
    dataset(&w, EMPLOYERS, &employment, INVALIDITY);
    let o = assess(&w, &["--strict"]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    assert_eq!(read_csv(&w.path("out/rejects.csv")).len(), 1);
    assert!(!w.path("out/levy.csv").exists(), "no levy list under --strict with rejects");
    dataset(&w, EMPLOYERS, EMPLOYMENT, INVALIDITY);
    let o = assess(&w, &["--strict"]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
}

#[test]
fn a_killed_run_leaves_the_previous_reports_intact() {
    let w = Workdir::new();
    let example = format!("{}/data/example", env!("CARGO_MANIFEST_DIR"));
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &example, "--out", "out", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let files = ["assessment.csv", "levy.csv", "warnings.csv", "summary.json"];
    let before: Vec<String> = files.iter().map(|f| w.read(&format!("out/{f}"))).collect();
    // A run of another quarter, held once its reports are complete in the staging folder
    // and before they are moved into place, is killed there.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_responsa"))
        .current_dir(w.dir.path())
        .env("RESPONSA_PAUSE_BEFORE_PUBLISH_MS", "20000")
        .args(["assess", "--quarter", "2023Q3", "--data", &example, "--out", "out", "-q", "--allow-incomplete-data"])
        .spawn()
        .expect("spawn");
    let staged = |w: &Workdir| {
        // The run stages its outputs beside --out (§6: they take its place at once).
        std::fs::read_dir(w.dir.path()).ok().into_iter().flatten().flatten().any(|e| {
            e.file_name().to_string_lossy().starts_with(".out.responsa-partial-")
                && e.path().join("summary.json").exists()
        })
    };
    let start = std::time::Instant::now();
    while !staged(&w) && start.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(staged(&w), "the run never staged its reports");
    child.kill().expect("kill");
    let _ = child.wait();
    let now: Vec<String> = files.iter().map(|f| w.read(&format!("out/{f}"))).collect();
    assert_eq!(now, before, "a run killed before publishing changed the reports");
    // The next run cleans the dead run's staging folder and publishes.
    let o =
        w.run(&["assess", "--quarter", "2023Q3", "--data", &example, "--out", "out", "-q", "--allow-incomplete-data"]);
    assert!(o.status.success(), "{}", show(&o));
    assert!(w.read("out/assessment.csv").contains("2023Q3,"));
    let leftovers = std::fs::read_dir(w.dir.path())
        .expect("the scratch folder")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("responsa-partial"))
        .count();
    assert_eq!(leftovers, 0, "stale staging folders remain");
}

/// The example's employment file with one line's worker_id emptied, as CSV or Parquet.
fn example_with_an_empty_worker_id(w: &Workdir, parquet: bool) {
    use polars::prelude::*;
    let example = format!("{}/data/example", env!("CARGO_MANIFEST_DIR"));
    for f in ["employers.csv", "invalidity.csv"] {
        w.write(&format!("data/{f}"), std::fs::read(format!("{example}/{f}")).expect("example"));
    }
    let mut r = csv::Reader::from_path(format!("{example}/employment.csv")).expect("example employment");
    let header: Vec<String> = r.headers().expect("header").iter().map(str::to_string).collect();
    let mut rows: Vec<Vec<String>> =
        r.records().map(|x| x.expect("record").iter().map(str::to_string).collect()).collect();
    let worker = header.iter().position(|h| h == "worker_id").expect("worker_id column");
    rows[0][worker] = String::new();
    if parquet {
        let cols: Vec<Column> = header
            .iter()
            .enumerate()
            .map(|(i, h)| Column::new(h.as_str().into(), rows.iter().map(|r| r[i].clone()).collect::<Vec<_>>()))
            .collect();
        let mut df = DataFrame::new_infer_height(cols).expect("frame");
        let file = std::fs::File::create(w.path("data/employment.parquet")).expect("create");
        ParquetWriter::new(file).finish(&mut df).expect("parquet");
    } else {
        let mut out = csv::Writer::from_path(w.path("data/employment.csv")).expect("create");
        out.write_record(&header).expect("header");
        for row in &rows {
            out.write_record(row).expect("row");
        }
        out.flush().expect("flush");
    }
}

#[test]
fn an_empty_worker_id_is_rejected_from_csv_and_from_parquet() {
    // §6: read = used + rejected, always. A line whose worker_id is empty cannot be
    // counted as a worker: it is rejected with its reason, from either format.
    for (parquet, file, line) in [(false, "employment.csv", "2"), (true, "employment.parquet", "1")] {
        let w = Workdir::new();
        example_with_an_empty_worker_id(&w, parquet);
        let o = assess(&w, &[]);
        assert!(o.status.success(), "{}", show(&o));
        let summary: serde_json::Value = serde_json::from_str(&w.read("out/summary.json")).expect("summary.json");
        let e = &summary["inputs"]["employment"];
        assert_eq!(
            (e["read"].as_u64(), e["used"].as_u64(), e["rejected"].as_u64()),
            (Some(18_760), Some(18_759), Some(1)),
            "{file}: {e}"
        );
        let rejects = read_csv(&w.path("out/rejects.csv"));
        assert_eq!(rejects.len(), 1, "{file}: {rejects:?}");
        assert!(rejects[0]["file"].ends_with(file), "{rejects:?}");
        assert_eq!(rejects[0]["line"], line, "{file}: the first data row");
        assert_eq!(rejects[0]["reason"], "worker_id: missing value");
    }
}

#[test]
fn incapacity_row_faults_go_to_rejects_with_their_reason() {
    // §8.1: each fault rejected with its reason, the run goes on, read = used + rejected.
    let w = Workdir::new();
    let employers = "quarter,employer_id,nace,employer_category,joint_committee,private_sector
2025Q4,A,47110,010,201,true
2026Q1,A,47110,010,201,true
2026Q2,B,47110,010,201,true
";
    let employment = "quarter,employer_id,worker_id,fte,seniority_date,in_service_at_quarter_end,wages
2025Q4,A,w1,1,2010-01-01,true,3000.00
";
    let h = "worker_id,employer_id,incapacity_start,incapacity_end,birth_date,service_start,worker_type,disability_recognised,part_time_resumption,daily_benefit";
    let rows = [
        ("w1,A,2026-01-05,,1980-01-01,2010-01-01,ordinary,false,,64.15", ""),
        ("w2,A,2026-01-05,,1980-01-01,2010-01-01,interim,false,,64.15", "worker_type: unknown type 'interim'"),
        ("w3,A,2026-01-05,,1980-01-01,2010-01-01,Ordinary,false,,64.15", "worker_type: unknown type 'Ordinary'"),
        (
            "w4,A,2026-01-05,2026-01-04,1980-01-01,2010-01-01,ordinary,false,,64.15",
            "incapacity_end before incapacity_start",
        ),
        (
            "w5,A,2026-01-05,,1980-01-01,2010-01-01,ordinary,false,2026-01-04,64.15",
            "part_time_resumption before incapacity_start",
        ),
        ("w6,B,2026-01-05,,1980-01-01,2010-01-01,ordinary,false,,64.15", "employer_id: no register row in 2026Q1"),
        ("w1,B,2026-01-05,,1980-01-01,2010-01-01,ordinary,false,,64.15", "employer_id: no register row in 2026Q1"),
        ("w1,A,2026-01-05,,1981-01-01,2011-01-01,ordinary,false,,70.00", "duplicate incapacity row"),
        ("w7,A,2026-02-30,,1980-01-01,2010-01-01,ordinary,false,,64.15", "incapacity_start: not a date"),
        ("w8,A,2026-01-05,,1980-01-01,2010-01-01,ordinary,maybe,,64.15", "disability_recognised: not a boolean"),
        ("w9,A,2026-01-05,,1980-01-01,2010-01-01,ordinary,false,,-1.00", "daily_benefit: negative value"),
        ("w10,A,2026-01-05,,1980-01-01,2010-01-01,ordinary,false,,1.234", "daily_benefit: too many decimals"),
    ];
    let mut incapacity = format!("{h}\n");
    for (r, _) in rows {
        incapacity.push_str(r);
        incapacity.push('\n');
    }
    w.write("data/employers.csv", employers);
    w.write("data/employment.csv", employment);
    w.write("data/incapacity.csv", incapacity);
    let mut args = vec!["assess", "--quarter", "2026Q1", "--data", "data", "--out", "out", "-q"];
    args.extend(UNIVERSE);
    let o = w.run(&args);
    assert!(o.status.success(), "{}", show(&o));
    let rejects = read_csv(&w.path("out/rejects.csv"));
    for (i, (_, reason)) in rows.iter().enumerate() {
        let line = (i + 2).to_string();
        let got = rejects.iter().find(|r| r["line"] == line).map(|r| r["reason"].as_str());
        if reason.is_empty() {
            assert_eq!(got, None, "line {line} is valid");
        } else {
            assert!(got.is_some_and(|g| g.starts_with(reason)), "line {line}: expected '{reason}', got {got:?}");
        }
    }
    let summary: serde_json::Value = serde_json::from_str(&w.read("out/summary.json")).expect("summary");
    let c = &summary["inputs"]["incapacity"];
    assert_eq!((c["read"].as_u64(), c["used"].as_u64(), c["rejected"].as_u64()), (Some(12), Some(1), Some(11)), "{c}");
    assert!(
        !summary["inputs"].as_object().is_some_and(|m| m.contains_key("invalidity")),
        "no invalidity input needed in 2026Q1"
    );
    let mut args = vec!["assess", "--quarter", "2026Q1", "--data", "data", "--out", "strict", "--strict", "-q"];
    args.extend(UNIVERSE);
    let o = w.run(&args);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
}
