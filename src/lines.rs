//! `responsa lines`: the employment lines a data folder's DmfA declarations make (§13),
//! written as the employment CSV of §2.2 — each line with the file and line of its
//! occupation, how its FTE was computed and the remunerations counted in its wages — and
//! the occupations that make none, with their reasons. The lines an assessment of the
//! folder would read, to check them or to keep them as CSV.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::input::{self, register, Table};
use crate::occupation::{self, Reading};
use crate::parse::{format_cents, format_micro};
use crate::quarter::format_date;
use crate::report::Col;

/// `employment.csv`: the columns of §2.2, then where each line comes from and how it was
/// made.
const LINES_HEADER: &[Col] = &[
    Col::text("quarter"),
    Col::text("employer_id"),
    Col::text("worker_id"),
    Col::number("fte"),
    Col::date("seniority_date"),
    Col::text("in_service_at_quarter_end"),
    Col::money("wages"),
    Col::text("joint_committee"),
    Col::text("source_file"),
    Col::number("source_line"),
    Col::text("fte_computation"),
    Col::text("wage_codes"),
    Col::text("seniority_from"),
];

/// What `responsa lines` wrote.
#[derive(Debug, Clone)]
pub struct Written {
    pub lines: usize,
    pub rejected: usize,
    pub employment: PathBuf,
    pub rejects: PathBuf,
}

/// Reads the DmfA declarations of `data` under `reading` (the lines of `employer` only,
/// when given) and writes `OUT/employment.csv` and `OUT/rejects.csv`.
pub fn write(
    data: &Path,
    out: &Path,
    reading: &Reading,
    bounds: crate::input::employment::RowBounds,
    employer: Option<&str>,
) -> Result<Written> {
    let source = input::open(data, Table::Employment)?;
    if source.files.iter().any(|f| f.format != input::Format::Dmfa) {
        return Err(Error::Usage(format!(
            "{}: holds no {}/ folder: `responsa lines` reads DmfA declarations (§13)",
            data.display(),
            crate::dmfa::FOLDER
        )));
    }
    let (register, _, _) = register::load(&input::open(data, Table::Employers)?, None)?;
    let keep = |e: &str| employer.is_none_or(|x| x == e);
    let (lines, mut rejects) = occupation::dmfa_lines(&source, &register, reading, bounds, &keep)?;
    // Published whole, as every run's outputs are (§4).
    let mut st = crate::report::Staging::new(out)?;
    let rows = lines.iter().map(|(file, m)| {
        let codes: Vec<String> = m.wage_codes.iter().map(|(c, a)| format!("{c}: {}", format_cents(*a))).collect();
        vec![
            m.quarter.to_string(),
            m.employer_id.clone(),
            m.worker_id.clone(),
            format_micro(m.fte),
            format_date(m.seniority_date),
            m.in_service.to_string(),
            format_cents(m.wages),
            m.joint_committee.clone().unwrap_or_default(),
            file.clone(),
            m.line.to_string(),
            m.basis.describe(),
            codes.join("; "),
            if m.seniority_given { "seniority input" } else { "earliest occupation start" }.to_string(),
        ]
    });
    st.csv("employment.csv", LINES_HEADER, rows)?;
    rejects.sort();
    st.csv("rejects.csv", crate::report::REJECTS_HEADER, crate::report::rejects_rows(&rejects))?;
    st.publish()?;
    let (employment, rejects_path) = (out.join("employment.csv"), out.join("rejects.csv"));
    Ok(Written { lines: lines.len(), rejected: rejects.len(), employment, rejects: rejects_path })
}
