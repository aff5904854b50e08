//! The employer register (SPEC §2.1): one row per employer per quarter, validated in
//! Rust (it is small: one row per employer and quarter). A second row for the same
//! employer and quarter is rejected, the first kept (SPEC §6).

use std::collections::{HashMap, HashSet};

use crate::error::Result;
use crate::input::{raw_rows, Kind, Source};
use crate::parse::{parse_bool, parse_nace, Fault};
use crate::quarter::{parse_quarter, Quarter};
use crate::rejects::{field_reason, InputCounts, Reject};

#[derive(Debug, Clone)]
pub struct RegisterRow {
    pub quarter: Quarter,
    pub employer_id: String,
    /// Five digits, dots removed.
    pub nace: String,
    pub employer_category: String,
    pub joint_committee: String,
    pub private_sector: bool,
}

#[derive(Debug, Default)]
pub struct Register {
    pub rows: Vec<RegisterRow>,
    /// Every employer with a register row in any quarter (SPEC §6: others are unknown).
    pub known: HashSet<String>,
}

impl Register {
    /// The register rows of quarter `q`, sorted by employer_id.
    pub fn at(&self, q: Quarter) -> Vec<&RegisterRow> {
        let mut v: Vec<&RegisterRow> = self.rows.iter().filter(|r| r.quarter == q).collect();
        v.sort_by(|a, b| a.employer_id.cmp(&b.employer_id));
        v
    }
}

pub fn load(source: &Source) -> Result<(Register, Vec<Reject>, InputCounts)> {
    let dfs = source.collect_all(vec![source.scan(true)?])?;
    let rows = raw_rows(&dfs[0])?;
    let mut reg = Register::default();
    let mut rejects = Vec::new();
    let mut first_line: HashMap<(String, Quarter), (String, i64)> = HashMap::new();
    let cols = source.table.columns();
    for raw in &rows {
        let f = |name: &str| raw.fields[cols.iter().position(|c| *c == name).unwrap_or(0)].as_deref();
        let reject = |reason: String| Reject { file: source.file_name(raw.file), line: raw.line, reason };
        let quarter =
            match f("quarter").map(|s| parse_quarter(s).ok_or(Fault::Unparseable)).unwrap_or(Err(Fault::Missing)) {
                Ok(q) => q,
                Err(e) => {
                    rejects.push(reject(field_reason("quarter", e, Kind::Quarter.what())));
                    continue;
                }
            };
        let text = |name: &str| f(name).map(str::trim).filter(|s| !s.is_empty());
        let Some(employer_id) = f("employer_id").filter(|s| !s.is_empty()) else {
            rejects.push(reject(field_reason("employer_id", Fault::Missing, "")));
            continue;
        };
        let nace = match f("nace").map(parse_nace).unwrap_or(Err(Fault::Missing)) {
            Ok(n) => n,
            Err(e) => {
                rejects.push(reject(field_reason("nace", e, "a NACE-BEL code of 5 digits")));
                continue;
            }
        };
        let Some(category) = text("employer_category") else {
            rejects.push(reject(field_reason("employer_category", Fault::Missing, "")));
            continue;
        };
        let Some(jc) = text("joint_committee") else {
            rejects.push(reject(field_reason("joint_committee", Fault::Missing, "")));
            continue;
        };
        let private = match f("private_sector").map(parse_bool).unwrap_or(Err(Fault::Missing)) {
            Ok(b) => b,
            Err(e) => {
                rejects.push(reject(field_reason("private_sector", e, Kind::Bool.what())));
                continue;
            }
        };
        let key = (employer_id.to_string(), quarter);
        if let Some((file, line)) = first_line.get(&key) {
            rejects.push(reject(format!(
                "duplicate register row: same employer_id and quarter as {file}:{line} (the first is used)"
            )));
            continue;
        }
        first_line.insert(key, (source.file_name(raw.file), raw.line));
        reg.known.insert(employer_id.to_string());
        reg.rows.push(RegisterRow {
            quarter,
            employer_id: employer_id.to_string(),
            nace,
            employer_category: category.to_string(),
            joint_committee: jc.to_string(),
            private_sector: private,
        });
    }
    let counts = InputCounts {
        read: rows.len() as u64,
        used: reg.rows.len() as u64,
        rejected: rejects.len() as u64,
        sha256: source.sha256()?,
        files: source.files.iter().map(|f| f.path.display().to_string()).collect(),
    };
    Ok((reg, rejects, counts))
}
