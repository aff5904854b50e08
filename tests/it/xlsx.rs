//! `--xlsx` (§11): one workbook per run, one sheet per table, numbers as numbers,
//! dates as dates, identifiers as text — read back with a spreadsheet reader.

use crate::common::{show, Workdir};
use calamine::{open_workbook, Data, Reader, Xlsx};

fn example() -> String {
    format!("{}/data/example", env!("CARGO_MANIFEST_DIR"))
}

fn column(header: &[Data], name: &str) -> usize {
    header.iter().position(|c| c == &Data::String(name.into())).unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn the_levy_workbook_has_typed_cells() {
    let w = Workdir::new();
    let o = w.run(&["assess", "--quarter", "2023Q4", "--data", &example(), "--out", "out", "--xlsx", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let mut wb: Xlsx<_> = open_workbook(w.path("out/responsa.xlsx")).expect("a workbook");
    let names = wb.sheet_names();
    for s in ["summary", "assessment", "levy", "warnings", "sectors", "receipts"] {
        assert!(names.iter().any(|n| n == s), "sheet {s} in {names:?}");
    }
    let r = wb.worksheet_range("assessment").expect("assessment");
    let rows: Vec<&[Data]> = r.rows().collect();
    let h = rows[0];
    let e01 = rows.iter().find(|row| row[column(h, "employer_id")] == Data::String("E01".into())).expect("E01");
    assert_eq!(e01[column(h, "levy")], Data::Float(4561.73), "money as a number");
    assert_eq!(e01[column(h, "entries")], Data::Float(3.0));
    assert_eq!(e01[column(h, "nace4")], Data::String("4711".into()), "a code stays text");
    assert_eq!(e01[column(h, "joint_committee")], Data::String("201".into()));
    let s01 = rows.iter().find(|row| row[column(h, "employer_id")] == Data::String("S01".into())).expect("S01");
    assert_eq!(s01[column(h, "employer_category")], Data::String("073".into()), "leading zeros kept");
    assert_eq!(rows.len(), 33, "the header and 32 employers");
}

#[test]
fn the_solidarity_workbook_has_dates_as_dates() {
    let w = Workdir::new();
    let o = w.run(&["assess", "--quarter", "2026Q1", "--data", &example(), "--out", "out", "--xlsx", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let mut wb: Xlsx<_> = open_workbook(w.path("out/responsa.xlsx")).expect("a workbook");
    let r = wb.worksheet_range("solidarity").expect("solidarity");
    let rows: Vec<&[Data]> = r.rows().collect();
    let h = rows[0];
    let e04 = rows.iter().find(|row| row[column(h, "worker_id")] == Data::String("E04-W001".into())).expect("E04-W001");
    match &e04[column(h, "window_start")] {
        Data::DateTime(d) => assert_eq!(d.as_f64(), 46057.0, "2026-02-04 as an Excel date"),
        other => panic!("window_start is not a date: {other:?}"),
    }
    assert_eq!(e04[column(h, "indemnified_days")], Data::Float(12.0));
    assert_eq!(e04[column(h, "contribution")], Data::Float(252.0));
    assert!(wb.sheet_names().iter().any(|n| n == "solidarity by employer"));
}

/// The XML of one part of a workbook.
fn part(path: &std::path::Path, name: &str) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).expect("the workbook")).expect("a zip");
    let mut f = z.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut text = String::new();
    f.read_to_string(&mut text).expect("xml");
    text
}

/// A workbook ready to use (§11): a summary sheet first, one sheet per table holding every
/// quarter of the run with a quarter column (not a sheet per table per quarter), no empty
/// sheet, money in euros with two decimals, and on every sheet a frozen header, a filter
/// and fitted widths.
#[test]
fn a_workbook_of_several_quarters_is_ready_to_use() {
    let w = Workdir::new();
    let o = w.run(&["assess", "--quarters", "2023Q4..2024Q1", "--data", &example(), "--out", "out", "--xlsx", "-q"]);
    assert!(o.status.success(), "{}", show(&o));
    let path = w.path("out/responsa.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).expect("a workbook");
    let names = wb.sheet_names();
    assert_eq!(names.first().map(String::as_str), Some("summary"), "{names:?}");
    assert_eq!(names.iter().filter(|n| n.starts_with("assessment")).count(), 1, "one assessment sheet: {names:?}");
    for name in &names {
        let r = wb.worksheet_range(name).expect("a sheet");
        assert!(r.rows().count() > 1, "{name}: an empty sheet");
    }
    assert!(!names.iter().any(|n| n == "rejects"), "the example rejects nothing: no rejects sheet");
    let summary = wb.worksheet_range("summary").expect("summary");
    let rows: Vec<&[Data]> = summary.rows().collect();
    assert_eq!(rows.len(), 3, "a line per quarter: {rows:?}");
    assert_eq!(rows[1][0], Data::String("2023Q4".into()));
    let total = std::fs::read_to_string(w.path("out/2023Q4/summary.json")).expect("summary.json");
    let total: serde_json::Value = serde_json::from_str(&total).expect("json");
    let total: f64 = total["levy_total"].as_str().and_then(|t| t.parse().ok()).expect("levy_total");
    assert_eq!(rows[1][4], Data::Float(total), "the quarter's levy total in euros: {:?}", rows[1]);
    let assessment = wb.worksheet_range("assessment").expect("assessment");
    let rows: Vec<&[Data]> = assessment.rows().collect();
    let q = column(rows[0], "quarter");
    let quarters: std::collections::BTreeSet<String> = rows[1..].iter().map(|r| r[q].to_string()).collect();
    assert_eq!(quarters.into_iter().collect::<Vec<_>>(), ["2023Q4", "2024Q1"], "both quarters in one sheet");
    let receipts = wb.worksheet_range("receipts").expect("receipts");
    assert_eq!(receipts.rows().next().map(|h| h[0].clone()), Some(Data::String("quarter".into())), "a quarter column");
    assert!(part(&path, "xl/styles.xml").contains("#,##0.00 &quot;€&quot;"), "a euro format with two decimals");
    for i in 1..=names.len() {
        let sheet = part(&path, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(sheet.contains("<autoFilter"), "sheet {i}: a filter");
        assert!(sheet.contains("state=\"frozen\""), "sheet {i}: a frozen header");
        assert!(sheet.contains("customWidth=\"1\""), "sheet {i}: fitted widths");
    }
}
