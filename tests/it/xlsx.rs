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
    for s in ["assessment", "levy", "warnings", "sectors", "receipts", "rejects"] {
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
