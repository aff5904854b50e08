//! The employer register (SPEC §2.1): one row per employer per quarter, validated in
//! Rust. A second row for the same employer and quarter is rejected, the first kept
//! (SPEC §6). Every employer known in any quarter gets a compact index (its rank in the
//! sorted list of identifiers) that the employment aggregation groups by.

use polars::prelude::{DataType, PlHashMap, PlHashSet};

use crate::error::Result;
use crate::input::{Kind, Source};
use crate::parse::{nace_digits, parse_bool, parse_nace, Fault};
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
    /// The valid rows of the quarters that were asked for.
    pub rows: Vec<RegisterRow>,
    /// Every employer with a register row in any quarter, sorted (SPEC §6: others are
    /// unknown); an employer's index is its position here.
    pub ids: Vec<String>,
    pub index: PlHashMap<String, u32>,
}

impl Register {
    /// The register rows of quarter `q`, sorted by employer_id.
    pub fn at(&self, q: Quarter) -> Vec<&RegisterRow> {
        let mut v: Vec<&RegisterRow> = self.rows.iter().filter(|r| r.quarter == q).collect();
        v.sort_by(|a, b| a.employer_id.cmp(&b.employer_id));
        v
    }
    pub fn is_known(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }
}

/// Reads the register; keeps the full rows of the quarters in `keep` (all rows are
/// validated and counted).
pub fn load(source: &Source, keep: &[Quarter]) -> Result<(Register, Vec<Reject>, InputCounts)> {
    let dfs = source.collect_all(vec![source.scan(true)?])?;
    let df = &dfs[0];
    let files = df.column("__file")?.cast(&DataType::UInt32)?;
    let files = files.u32()?;
    let lines = df.column("__line")?.cast(&DataType::Int64)?;
    let lines = lines.i64()?;
    let col = |name: &str| df.column(name).and_then(|c| c.str().cloned());
    let (quarter, id, nace, cat, jc, private) = (
        col("quarter")?,
        col("employer_id")?,
        col("nace")?,
        col("employer_category")?,
        col("joint_committee")?,
        col("private_sector")?,
    );
    let mut reg = Register::default();
    let mut rejects = Vec::new();
    let mut first: PlHashMap<(&str, Quarter), (u32, i64)> =
        PlHashMap::with_capacity_and_hasher(df.height(), Default::default());
    let mut known: PlHashSet<&str> = PlHashSet::with_capacity_and_hasher(df.height() / 4, Default::default());
    let rows = files
        .iter()
        .zip(lines.iter())
        .zip(quarter.iter().zip(id.iter()))
        .zip(nace.iter().zip(cat.iter()).zip(jc.iter().zip(private.iter())));
    for (((file, line), (q, employer_id)), ((nace, cat), (jc, private))) in rows {
        let (file, line) = (file.unwrap_or(0), line.unwrap_or(0));
        let reason = (|| -> std::result::Result<(Quarter, &str, &str, &str, &str, bool), String> {
            let quarter = q
                .map(|s| parse_quarter(s).ok_or(Fault::Unparseable))
                .unwrap_or(Err(Fault::Missing))
                .map_err(|e| field_reason("quarter", e, Kind::Quarter.what()))?;
            let employer_id =
                employer_id.filter(|s| !s.is_empty()).ok_or_else(|| field_reason("employer_id", Fault::Missing, ""))?;
            let nace = nace
                .map(|n| nace_digits(n).map(|()| n))
                .unwrap_or(Err(Fault::Missing))
                .map_err(|e| field_reason("nace", e, "a NACE-BEL code of 5 digits"))?;
            let cat = text(cat).ok_or_else(|| field_reason("employer_category", Fault::Missing, ""))?;
            let jc = text(jc).ok_or_else(|| field_reason("joint_committee", Fault::Missing, ""))?;
            let private = private
                .map(parse_bool)
                .unwrap_or(Err(Fault::Missing))
                .map_err(|e| field_reason("private_sector", e, Kind::Bool.what()))?;
            Ok((quarter, employer_id, nace, cat, jc, private))
        })();
        let (quarter, employer_id, nace, cat, jc, private) = match reason {
            Ok(v) => v,
            Err(reason) => {
                rejects.push(Reject { file: source.file_name(file), line, reason });
                continue;
            }
        };
        if let Some((f, l)) = first.get(&(employer_id, quarter)) {
            rejects.push(Reject {
                file: source.file_name(file),
                line,
                reason: format!(
                    "duplicate register row: same employer_id and quarter as {}:{l} (the first is used)",
                    source.file_name(*f)
                ),
            });
            continue;
        }
        first.insert((employer_id, quarter), (file, line));
        known.insert(employer_id);
        if keep.contains(&quarter) {
            reg.rows.push(RegisterRow {
                quarter,
                employer_id: employer_id.to_string(),
                nace: parse_nace(nace).unwrap_or_default(),
                employer_category: cat.to_string(),
                joint_committee: jc.to_string(),
                private_sector: private,
            });
        }
    }
    let used = first.len() as u64;
    let mut ids: Vec<String> = known.into_iter().map(str::to_string).collect();
    ids.sort_unstable();
    reg.index = ids.iter().enumerate().map(|(i, id)| (id.clone(), i as u32)).collect();
    reg.ids = ids;
    let counts = InputCounts {
        read: df.height() as u64,
        used,
        rejected: rejects.len() as u64,
        sha256: String::new(),
        files: source.files.iter().map(|f| f.path.display().to_string()).collect(),
    };
    Ok((reg, rejects, counts))
}

fn text(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}
