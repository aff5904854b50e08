//! `--xlsx`: every table of a run in one workbook (§11), one sheet per table, with
//! typed cells — numbers as numbers, dates as dates, identifiers and codes as text (an
//! employer number keeps its leading zeros) — so that it opens correctly in any locale.

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::error::{io, Error, Result};

/// Columns that are text whatever they look like: identifiers, codes, quarters, words.
const TEXT: [&str; 21] = [
    "quarter",
    "due_quarter",
    "employer_id",
    "worker_id",
    "nace4",
    "sector",
    "joint_committee",
    "employer_category",
    "status",
    "warning",
    "status_before",
    "status_after",
    "warning_before",
    "warning_after",
    "file",
    "reason",
    "worker_type",
    "overdue",
    "event",
    "reference",
    "compared_to",
];

/// Columns holding dates (`YYYY-MM-DD`).
const DATES: [&str; 7] = [
    "incapacity_start",
    "window_start",
    "window_end",
    "notice_date",
    "request_deadline",
    "allocation_deadline",
    "date",
];

/// A workbook being filled.
pub struct Book {
    wb: Workbook,
    date: Format,
    head: Format,
}

impl Default for Book {
    fn default() -> Self {
        Book::new()
    }
}

fn fail(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Other(anyhow::anyhow!("{}: cannot write the workbook: {e}", path.display()))
}

impl Book {
    pub fn new() -> Book {
        Book { wb: Workbook::new(), date: Format::new().set_num_format("yyyy-mm-dd"), head: Format::new().set_bold() }
    }

    /// Adds the table of a CSV file as the sheet `name` (at most 31 characters).
    pub fn add_csv(&mut self, name: &str, csv_path: &Path) -> Result<()> {
        let mut r = csv::Reader::from_path(csv_path).map_err(|e| fail(csv_path, e))?;
        let header: Vec<String> = r.headers().map_err(|e| fail(csv_path, e))?.iter().map(str::to_string).collect();
        let ws = self.wb.add_worksheet();
        let short: String = name.chars().take(31).collect();
        ws.set_name(short).map_err(|e| fail(csv_path, e))?;
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &self.head).map_err(|e| fail(csv_path, e))?;
        }
        for (i, rec) in r.records().enumerate() {
            let rec = rec.map_err(|e| fail(csv_path, e))?;
            let row = i as u32 + 1;
            for (c, v) in rec.iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                let col = c as u16;
                let name = header.get(c).map(String::as_str).unwrap_or("");
                let done = if TEXT.contains(&name) {
                    ws.write_string(row, col, v)
                } else if DATES.contains(&name) {
                    match ExcelDateTime::parse_from_str(v) {
                        Ok(d) => ws.write_datetime_with_format(row, col, &d, &self.date),
                        Err(_) => ws.write_string(row, col, v),
                    }
                } else if let Some(x) = number(v) {
                    ws.write_number(row, col, x)
                } else {
                    ws.write_string(row, col, v)
                };
                done.map_err(|e| fail(csv_path, e))?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(|e| fail(csv_path, e))?;
        Ok(())
    }

    /// Saves the workbook under a temporary name, then renames it into place.
    pub fn save(mut self, path: &Path) -> Result<()> {
        let tmp = path.with_extension(format!("xlsx.{}.tmp", std::process::id()));
        self.wb.save(&tmp).map_err(|e| fail(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| io(path, "publish", e))
    }
}

/// A plain decimal number (`-12.5`, `3`, `0.0018534630918621638`); `inf` and codes stay text.
fn number(v: &str) -> Option<f64> {
    let ok = !v.is_empty()
        && v.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'e' || b == b'E' || b == b'+')
        && v.bytes().any(|b| b.is_ascii_digit());
    ok.then(|| v.parse::<f64>().ok()).flatten().filter(|x| x.is_finite())
}

/// The sheet name of a report file: its name without `.csv`, shortened where needed,
/// after the quarter when a run writes several.
pub fn sheet_name(quarter: Option<&str>, file: &str) -> String {
    let stem = file.trim_end_matches(".csv");
    let stem = match stem {
        "receipts_by_joint_committee" => "receipts",
        "solidarity_by_employer" => "solidarity by employer",
        other => other,
    };
    match quarter {
        Some(q) => format!("{q} {stem}"),
        None => stem.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names() {
        assert_eq!(number("0.0125"), Some(0.0125));
        assert_eq!(number("-3"), Some(-3.0));
        assert_eq!(number("inf"), None);
        assert_eq!(number("W1"), None);
        assert_eq!(number("2023Q4"), None);
        assert_eq!(sheet_name(Some("2023Q4"), "receipts_by_joint_committee.csv"), "2023Q4 receipts");
        assert!(sheet_name(Some("2026Q1"), "solidarity_by_employer.csv").len() <= 31);
        assert!(sheet_name(Some("2026Q1"), "solidarity_what_if.csv").len() <= 31);
    }
}
