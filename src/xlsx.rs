//! `--xlsx`: every table of a run in one workbook (§11), ready to use: a summary sheet
//! first, then one sheet per table holding every quarter of the run (a `quarter` column
//! says which), no empty sheet; cells typed by each table's columns ([`Col`]) — numbers as
//! numbers, money in euros with two decimals, dates as dates, identifiers and codes as
//! text (an employer number keeps its leading zeros) — so that it opens correctly in any
//! locale; the header frozen, a filter on every column, widths fitted to the contents. The
//! tables come from the run as it staged them ([`Kept`]), never read back from their files.

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

use crate::error::{io, Error, Result};
use crate::report::{Col, Kept, Kind};

/// The rows a sheet may hold besides its header (Excel's limit, 1,048,576 rows): a table
/// beyond it continues on a sheet of its own (`assessment (2)`).
const MAX_ROWS: u32 = 1_048_575;

/// One sheet being filled: its table's header and the next free row.
struct Sheet {
    table: String,
    ws: Worksheet,
    header: Vec<String>,
    next: u32,
}

/// One line of the summary sheet: a quarter under one contribution.
#[derive(Debug, Clone)]
pub struct SummaryLine {
    pub quarter: String,
    pub contribution: String,
    pub employers: u64,
    /// Liable employers (levy), or employers owing a contribution (solidarity).
    pub owing: u64,
    /// Cents.
    pub amount: i64,
    pub due_quarter: String,
    pub rejected_rows: u64,
}

/// A workbook being filled.
pub struct Book {
    sheets: Vec<Sheet>,
    summary: Vec<SummaryLine>,
    date: Format,
    money: Format,
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
        Book {
            sheets: Vec::new(),
            summary: Vec::new(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            money: Format::new().set_num_format("#,##0.00 \"€\""),
            head: Format::new().set_bold(),
        }
    }

    /// A line of the summary sheet.
    pub fn summarise(&mut self, line: SummaryLine) {
        self.summary.push(line);
    }

    /// Adds the rows of a table of `quarter` to the sheet of its table (the file's name
    /// without `.csv`), with a `quarter` column first when the table has none, each cell
    /// typed by its column (§11). The rejects, the same for every quarter of a run, are
    /// added once.
    pub fn add_table(&mut self, quarter: &str, table: &Kept, path: &Path) -> Result<()> {
        let name = sheet_name(&table.file);
        let once = table.file == "rejects.csv";
        if once && self.sheets.iter().any(|s| s.table == name) {
            return Ok(());
        }
        let mut cols: Vec<Col> = table.cols.clone();
        let with_quarter = !cols.iter().any(|c| c.name == "quarter");
        if with_quarter {
            cols.insert(0, Col::text("quarter"));
        }
        let header: Vec<String> = cols.iter().map(|c| c.name.to_string()).collect();
        let (date, money) = (self.date.clone(), self.money.clone());
        for mut values in table.rows() {
            if with_quarter {
                values.insert(0, quarter);
            }
            let sheet = self.sheet(&name, &header, path)?;
            let row = sheet.next;
            sheet.next += 1;
            for (c, v) in values.iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                let col = c as u16;
                let ws = &mut sheet.ws;
                let done = match cols.get(c).map_or(Kind::Text, |c| c.kind) {
                    Kind::Text => ws.write_string(row, col, *v),
                    Kind::Date => match ExcelDateTime::parse_from_str(v) {
                        Ok(d) => ws.write_datetime_with_format(row, col, &d, &date),
                        Err(_) => ws.write_string(row, col, *v),
                    },
                    Kind::Money => match number(v) {
                        Some(x) => ws.write_number_with_format(row, col, x, &money),
                        None => ws.write_string(row, col, *v),
                    },
                    Kind::Number => match number(v) {
                        Some(x) => ws.write_number(row, col, x),
                        None => ws.write_string(row, col, *v),
                    },
                };
                done.map_err(|e| fail(path, e))?;
            }
        }
        Ok(())
    }

    /// The sheet the next row of `table` goes to: its last one with room, or a new one
    /// (a table with no row has no sheet).
    fn sheet(&mut self, table: &str, header: &[String], path: &Path) -> Result<&mut Sheet> {
        let n = self.sheets.iter().filter(|s| s.table == table).count();
        let full = self.sheets.iter().rposition(|s| s.table == table).is_none_or(|i| self.sheets[i].next > MAX_ROWS);
        if full {
            let mut ws = Worksheet::new();
            let name = if n == 0 { table.to_string() } else { format!("{table} ({})", n + 1) };
            ws.set_name(name.chars().take(31).collect::<String>()).map_err(|e| fail(path, e))?;
            for (c, h) in header.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, h, &self.head).map_err(|e| fail(path, e))?;
            }
            self.sheets.push(Sheet { table: table.to_string(), ws, header: header.to_vec(), next: 1 });
        }
        let i = self.sheets.iter().rposition(|s| s.table == table).unwrap_or(self.sheets.len() - 1);
        Ok(&mut self.sheets[i])
    }

    /// Writes the summary sheet first and every table's sheet after it, each with its
    /// header frozen, a filter and fitted widths; saved under a temporary name, then
    /// renamed into place.
    pub fn save(self, path: &Path) -> Result<()> {
        let mut wb = Workbook::new();
        let mut summary = Worksheet::new();
        summary.set_name("summary").map_err(|e| fail(path, e))?;
        let header =
            ["quarter", "contribution", "employers", "liable or owing", "amount", "due_quarter", "rejected input rows"];
        for (c, h) in header.iter().enumerate() {
            summary.write_string_with_format(0, c as u16, *h, &self.head).map_err(|e| fail(path, e))?;
        }
        for (i, l) in self.summary.iter().enumerate() {
            let row = i as u32 + 1;
            let w = |e: rust_xlsxwriter::XlsxError| fail(path, e);
            summary.write_string(row, 0, &l.quarter).map_err(w)?;
            summary.write_string(row, 1, &l.contribution).map_err(w)?;
            summary.write_number(row, 2, l.employers as f64).map_err(w)?;
            summary.write_number(row, 3, l.owing as f64).map_err(w)?;
            summary.write_number_with_format(row, 4, l.amount as f64 / 100.0, &self.money).map_err(w)?;
            summary.write_string(row, 5, &l.due_quarter).map_err(w)?;
            summary.write_number(row, 6, l.rejected_rows as f64).map_err(w)?;
        }
        let rows = self.summary.len() as u32;
        finish(&mut summary, rows, header.len(), path)?;
        wb.push_worksheet(summary);
        for mut s in self.sheets {
            let last = s.next - 1;
            finish(&mut s.ws, last, s.header.len(), path)?;
            wb.push_worksheet(s.ws);
        }
        let tmp = path.with_extension(format!("xlsx.{}.tmp", std::process::id()));
        wb.save(&tmp).map_err(|e| fail(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| io(path, "publish", e))
    }
}

/// The header frozen, a filter over the table, the widths fitted.
fn finish(ws: &mut Worksheet, last_row: u32, columns: usize, path: &Path) -> Result<()> {
    ws.set_freeze_panes(1, 0).map_err(|e| fail(path, e))?;
    if columns > 0 {
        ws.autofilter(0, 0, last_row.max(1), columns as u16 - 1).map_err(|e| fail(path, e))?;
    }
    ws.autofit();
    Ok(())
}

/// A plain decimal number (`-12.5`, `3`, `0.0018534630918621638`); `inf` and codes stay text.
fn number(v: &str) -> Option<f64> {
    let ok = !v.is_empty()
        && v.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'e' || b == b'E' || b == b'+')
        && v.bytes().any(|b| b.is_ascii_digit());
    ok.then(|| v.parse::<f64>().ok()).flatten().filter(|x| x.is_finite())
}

/// The sheet name of a report file: its name without `.csv`, shortened where needed.
pub fn sheet_name(file: &str) -> String {
    let stem = file.trim_end_matches(".csv");
    match stem {
        "receipts_by_joint_committee" => "receipts",
        "solidarity_by_employer" => "solidarity by employer",
        other => other,
    }
    .to_string()
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
        assert_eq!(sheet_name("receipts_by_joint_committee.csv"), "receipts");
        assert!(sheet_name("solidarity_by_employer.csv").len() <= 31);
        assert!(sheet_name("solidarity_what_if.csv").len() <= 31);
    }
}
