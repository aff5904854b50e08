//! §13: employment lines read from DmfA declarations, as a user meets them: the same
//! generated data written as CSV and as DmfA give the same results (assess, ingest then
//! assess from the store), and bad declarations are refused or rejected as §6 says.

use crate::common::{ok, show, Workdir};

/// Every file of two output folders, but summary.json (it names the input files and
/// their fingerprints), byte for byte; returns the files compared.
fn same_outputs(w: &Workdir, a: &str, b: &str) -> usize {
    let mut files = Vec::new();
    fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).expect("an output folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                out.push(p.strip_prefix(base).expect("below").to_path_buf());
            }
        }
    }
    walk(&w.path(a), &w.path(a), &mut files);
    files.sort();
    let mut compared = 0;
    for f in &files {
        if f.ends_with("summary.json") {
            continue;
        }
        let (x, y) = (std::fs::read(w.path(a).join(f)), std::fs::read(w.path(b).join(f)));
        assert!(x.is_ok() && x.ok() == y.ok(), "{} differs between {a} and {b}", f.display());
        compared += 1;
    }
    compared
}

/// The same generated quarters as CSV and as DmfA: the levy and the solidarity
/// contribution identical, read from the folder and from a store.
#[test]
fn the_same_data_as_csv_and_as_dmfa_give_the_same_results() {
    let w = Workdir::new();
    for (dir, format) in [("csv", "csv"), ("dmfa", "dmfa")] {
        ok(
            &w,
            &[
                "generate",
                "--scale",
                "tiny",
                "--seed",
                "5",
                "--quarters",
                "2025Q1..2026Q1",
                "--out",
                dir,
                "--format",
                format,
            ],
        );
    }
    assert!(w.path("dmfa/dmfa").is_dir() && !w.path("dmfa/employment.csv").exists());
    for (q, extra) in [("2025Q4", Some("--allow-incomplete-data")), ("2026Q1", None)] {
        for dir in ["csv", "dmfa"] {
            let out = format!("{dir}-{q}");
            let mut args = vec!["assess", "--quarter", q, "--data", dir, "--out", &out, "-q"];
            args.extend(extra);
            ok(&w, &args);
        }
        let n = same_outputs(&w, &format!("csv-{q}"), &format!("dmfa-{q}"));
        assert!(n >= 4, "{q}: {n} files compared");
    }
    for dir in ["csv", "dmfa"] {
        ok(&w, &["ingest", "--data", dir, "--store", &format!("store-{dir}"), "-q"]);
        ok(
            &w,
            &["assess", "--quarter", "2026Q1", "--store", &format!("store-{dir}"), "--out", &format!("s-{dir}"), "-q"],
        );
    }
    assert!(same_outputs(&w, "s-csv", "s-dmfa") >= 4);
    // §13: explain shows each occupation's FTE computation and its wage codes.
    let incapacity = w.read("dmfa/incapacity.csv");
    let employer = incapacity.lines().nth(1).and_then(|l| l.split(',').nth(1)).expect("an incapacity");
    let text = ok(&w, &["explain", "--quarter", "2026Q1", "--employer", employer, "--data", "dmfa"]);
    assert!(text.contains(&format!("Employment lines of {employer} from its DmfA declarations")), "{text}");
    assert!(text.contains("2026Q1 worker") && text.contains("(dmfa/dmfa/2026Q1-000.xml:"), "{text}");
    assert!(text.contains("/ (13 weeks × ") && text.contains("= code 1 "), "{text}");
    assert!(same_outputs(&w, "s-csv", "csv-2026Q1") >= 4, "the store gives the folder's results");
}

/// A DmfA folder beside an employment file: which one holds the lines? Refused.
#[test]
fn dmfa_and_employment_together_are_refused() {
    let w = Workdir::new();
    ok(&w, &["generate", "--scale", "tiny", "--quarters", "2025Q1..2025Q4", "--out", "d", "--format", "dmfa"]);
    w.write("d/employment.csv", "quarter,employer_id,worker_id,fte,seniority_date,in_service_at_quarter_end,wages\n");
    let o = w.run(&["assess", "--quarter", "2025Q4", "--data", "d", "--out", "o", "--allow-incomplete-data"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds both"), "{}", show(&o));
}

/// §6: a declaration file cut short (.xml or .xml.gz) or not well-formed is exit 2 naming
/// the file (and the line and column where XML breaks); nothing is assessed.
#[test]
fn a_cut_or_broken_declaration_file_is_refused() {
    let w = Workdir::new();
    ok(&w, &["generate", "--scale", "tiny", "--quarters", "2025Q1..2025Q4", "--out", "d", "--format", "dmfa"]);
    let file = w.path("d/dmfa/2025Q4-000.xml");
    let xml = std::fs::read(&file).expect("a generated declaration file");
    let refused = |what: &str, expect: &[&str]| {
        let _ = std::fs::remove_dir_all(w.path("o"));
        let o = w.run(&["assess", "--quarter", "2025Q4", "--data", "d", "--out", "o", "--allow-incomplete-data"]);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(2), "{what}: {}", show(&o));
        for e in expect {
            assert!(err.contains(e), "{what}: «{e}» in {err}");
        }
        assert!(!w.path("o/assessment.csv").exists(), "{what}: nothing assessed");
    };
    // Cut in the middle of a line.
    std::fs::write(&file, &xml[..xml.len() / 2]).expect("write");
    refused("cut .xml", &["2025Q4-000.xml", "cut short"]);
    // A closing tag that does not match, on a known line.
    let text = String::from_utf8_lossy(&xml).replacen("</INSS>", "</INS>", 1);
    let line = text.lines().position(|l| l.contains("</INS>")).expect("the broken tag") + 1;
    std::fs::write(&file, text).expect("write");
    refused("not well-formed", &["2025Q4-000.xml", &format!("2025Q4-000.xml:{line}:"), "not well-formed XML"]);
    // The same file compressed, then cut.
    std::fs::remove_file(&file).expect("remove");
    let gz = w.path("d/dmfa/2025Q4-000.xml.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, &xml).expect("compress");
    let packed = enc.finish().expect("compress");
    std::fs::write(&gz, &packed).expect("write");
    ok(&w, &["assess", "--quarter", "2025Q4", "--data", "d", "--out", "o", "--allow-incomplete-data", "-q"]);
    std::fs::write(&gz, &packed[..packed.len() / 2]).expect("write");
    refused("cut .gz", &["2025Q4-000.xml.gz", "cut"]);
}

/// A .xml.gz reads as its .xml: the same lines.
#[test]
fn a_compressed_declaration_file_reads_as_the_plain_one() {
    let w = Workdir::new();
    ok(&w, &["generate", "--scale", "tiny", "--quarters", "2025Q1..2025Q4", "--out", "d", "--format", "dmfa"]);
    ok(&w, &["lines", "--data", "d", "--out", "plain"]);
    for entry in std::fs::read_dir(w.path("d/dmfa")).expect("dmfa").flatten() {
        let p = entry.path();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, &std::fs::read(&p).expect("read")).expect("compress");
        std::fs::write(p.with_extension("xml.gz"), enc.finish().expect("compress")).expect("write");
        std::fs::remove_file(&p).expect("remove");
    }
    ok(&w, &["lines", "--data", "d", "--out", "packed"]);
    let strip = |f: &str| -> Vec<String> { w.read(f).lines().map(|l| l.replace(".xml.gz", ".xml")).collect() };
    let plain = strip("plain/employment.csv");
    assert!(plain.len() > 1000, "{} lines", plain.len());
    assert_eq!(plain, strip("packed/employment.csv"));
}

/// §13: the earliest start "among the lines held, the store's and the extract's": a
/// regime change declared in a later extract keeps the seniority of the occupation an
/// earlier extract, ingested before, declared.
#[test]
fn a_later_extract_finds_the_start_the_store_holds() {
    let w = Workdir::new();
    let occupation = |start: &str, end: &str| {
        format!(
            "<Occupation><OccupationStartingDate>{start}</OccupationStartingDate>{end}<WorkingDaysSystem>500</WorkingDaysSystem>\
             <RefMeanWorkingHours>3800</RefMeanWorkingHours><MeanWorkingHours>3800</MeanWorkingHours>\
             <Service><ServiceCode>001</ServiceCode><ServiceNbrDays>6500</ServiceNbrDays></Service>\
             <Remun><RemunCode>001</RemunCode><RemunAmount>300000</RemunAmount></Remun></Occupation>\n"
        )
    };
    let declaration = |quarter: &str, occupations: &str| {
        format!(
            "{}<Form><EmployerDeclaration><Quarter>{quarter}</Quarter><CompanyID>0000000042</CompanyID>\n\
             <NaturalPerson><INSS>80010100101</INSS><WorkerRecord>\n{occupations}</WorkerRecord></NaturalPerson>\n\
             </EmployerDeclaration></Form>\n{}",
            responsa::dmfa::write::HEAD,
            responsa::dmfa::write::TAIL
        )
    };
    let register = |q: &str| {
        format!("quarter,employer_id,nace,employer_category,joint_committee,private_sector\n{q},0000000042,47110,010,200,true\n")
    };
    // 2023Q3: service since 2015, a new regime from 15/09/2023 (two occupations).
    w.write("q3/employers.csv", register("2023Q3"));
    let q3 = occupation("2015-03-01", "<OccupationEndingDate>2023-09-14</OccupationEndingDate>")
        + &occupation("2023-09-15", "");
    w.write("q3/dmfa/q3.xml", declaration("20233", &q3));
    // 2023Q4: the new regime's occupation only.
    w.write("q4/employers.csv", register("2023Q4"));
    w.write("q4/dmfa/q4.xml", declaration("20234", &occupation("2023-09-15", "")));
    ok(&w, &["ingest", "--data", "q3", "--store", "store", "-q"]);
    ok(&w, &["ingest", "--data", "q4", "--store", "store", "-q"]);
    // The 2023Q4 line counts 8 completed years (since 01/03/2015), not 0 (since 15/09/2023).
    let dir = std::fs::read_dir(w.path("store/quarters"))
        .expect("quarters")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("2023Q4")))
        .expect("the stored 2023Q4");
    let df = responsa::input::parquet_frame(&dir.join("occupation.parquet"), None, None).expect("stored aggregates");
    let fte = |y: usize| df.column(&format!("fte_y{y}")).expect("a bucket").i64().expect("ints").get(0).unwrap_or(-1);
    assert_eq!((fte(8), fte(0)), (1_000_000, 0), "{df}");
    // The extract alone, as a folder, knows only its own start.
    let lines = ok(&w, &["lines", "--data", "q4", "--out", "l4"]);
    assert!(lines.contains("1 employment line"), "{lines}");
    assert!(w.read("l4/employment.csv").contains(",2023-09-15,"), "{}", w.read("l4/employment.csv"));
}
