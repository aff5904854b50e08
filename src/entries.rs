//! Counted entries into invalidity (SPEC §3.1), from the `invalidity` input (SPEC §2.3).
//!
//! An invalidity row is a counted entry of employer e in reference quarter r when:
//! 1. the quarter of `invalidity_start` is r, one of Q-3..Q;
//! 2. the worker's age in completed years on `primary_incapacity_start` is at most
//!    `max_age` (the 55-year rule: 55 counts, 56 does not);
//! 3. `resumption_authorized` is false (art. 100 §2 AMI/ZIV);
//! 4. seniority in completed years on `primary_incapacity_start` is at least
//!    `min_seniority_years` (the 3-year rule).
//!
//! Every row keeps each of these as a named value and the first rule that dropped it,
//! so that `explain` shows why a row did not count.

use std::collections::HashMap;

use polars::prelude::*;

use crate::error::Result;
use crate::input::{raw_rows, Kind, Source};
use crate::parse::{parse_bool, parse_date, Fault};
use crate::quarter::{completed_years, Quarter};
use crate::register::Register;
use crate::rejects::{field_reason, InputCounts, Reject, UNKNOWN_EMPLOYER};
use crate::rules::Rules;

/// A valid invalidity row.
#[derive(Debug, Clone)]
pub struct InvalidityRow {
    pub file: String,
    pub line: i64,
    pub worker_id: String,
    pub employer_id: String,
    pub primary_incapacity_start: i32,
    pub invalidity_start: i32,
    pub birth_date: i32,
    pub seniority_date: i32,
    pub resumption_authorized: bool,
}

/// Why an invalidity row is not a counted entry of the assessed quarter (SPEC §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dropped {
    /// Rule 1: invalidity starts outside Q-3..Q.
    OutsideWindow,
    /// Rule 2: older than `max_age` on the primary incapacity start.
    Age,
    /// Rule 3: authorised to resume work.
    Resumption,
    /// Rule 4: less than `min_seniority_years` on the primary incapacity start.
    Seniority,
}

impl Dropped {
    pub fn describe(self) -> &'static str {
        match self {
            Dropped::OutsideWindow => "invalidity starts outside the reference quarters Q-3..Q (SPEC §3.1.1)",
            Dropped::Age => "older than max_age on the primary incapacity start (SPEC §3.1.2)",
            Dropped::Resumption => "authorised to resume work (SPEC §3.1.3)",
            Dropped::Seniority => "seniority below min_seniority_years on the primary incapacity start (SPEC §3.1.4)",
        }
    }
}

/// Each criterion of SPEC §3.1 for one row, for one assessed quarter.
#[derive(Debug, Clone)]
pub struct Criteria {
    pub entry_quarter: Quarter,
    /// 1..=4 for Q-3..Q, None outside.
    pub reference_index: Option<usize>,
    pub age: i32,
    pub seniority_years: i32,
    pub dropped: Option<Dropped>,
}

impl InvalidityRow {
    pub fn criteria(&self, rules: &Rules) -> Criteria {
        let q = rules.quarter;
        let entry_quarter = Quarter::of_day(self.invalidity_start);
        let k = entry_quarter.0 - q.offset(-3).0;
        let reference_index = (0..4).contains(&k).then(|| k as usize + 1);
        let age = completed_years(self.birth_date, self.primary_incapacity_start);
        let seniority_years = completed_years(self.seniority_date, self.primary_incapacity_start);
        let dropped = if reference_index.is_none() {
            Some(Dropped::OutsideWindow)
        } else if age > rules.max_age {
            Some(Dropped::Age)
        } else if self.resumption_authorized {
            Some(Dropped::Resumption)
        } else if seniority_years < rules.min_seniority_years as i32 {
            Some(Dropped::Seniority)
        } else {
            None
        };
        Criteria { entry_quarter, reference_index, age, seniority_years, dropped }
    }
}

/// Reads and validates the invalidity input (SPEC §6: unparseable values,
/// `invalidity_start` before `primary_incapacity_start`, `birth_date` after it,
/// duplicates of (worker, invalidity_start) after the first, unknown employers).
pub fn load(source: &Source, register: &Register) -> Result<(Vec<InvalidityRow>, Vec<Reject>, InputCounts)> {
    let dfs = source.collect_all(vec![source.scan(true)?])?;
    let rows = raw_rows(&dfs[0])?;
    let cols = source.table.columns();
    let mut out = Vec::new();
    let mut rejects = Vec::new();
    let mut first: HashMap<(String, i32), (String, i64)> = HashMap::new();
    for raw in &rows {
        let file = source.file_name(raw.file);
        let f = |name: &str| raw.fields[cols.iter().position(|c| *c == name).unwrap_or(0)].as_deref();
        let reason = (|| -> std::result::Result<InvalidityRow, String> {
            let text =
                |name: &str| f(name).filter(|s| !s.is_empty()).ok_or_else(|| field_reason(name, Fault::Missing, ""));
            let date = |name: &str| {
                f(name)
                    .map(parse_date)
                    .unwrap_or(Err(Fault::Missing))
                    .map_err(|e| field_reason(name, e, Kind::Date.what()))
            };
            let worker_id = text("worker_id")?.to_string();
            let employer_id = text("employer_id")?.to_string();
            let pis = date("primary_incapacity_start")?;
            let inv = date("invalidity_start")?;
            let birth = date("birth_date")?;
            let sen = date("seniority_date")?;
            let resumption = f("resumption_authorized")
                .map(parse_bool)
                .unwrap_or(Err(Fault::Missing))
                .map_err(|e| field_reason("resumption_authorized", e, Kind::Bool.what()))?;
            if inv < pis {
                return Err("invalidity_start before primary_incapacity_start".to_string());
            }
            if birth > pis {
                return Err("birth_date after primary_incapacity_start".to_string());
            }
            Ok(InvalidityRow {
                file: file.clone(),
                line: raw.line,
                worker_id,
                employer_id,
                primary_incapacity_start: pis,
                invalidity_start: inv,
                birth_date: birth,
                seniority_date: sen,
                resumption_authorized: resumption,
            })
        })();
        let row = match reason {
            Ok(r) => r,
            Err(reason) => {
                rejects.push(Reject { file, line: raw.line, reason });
                continue;
            }
        };
        let key = (row.worker_id.clone(), row.invalidity_start);
        if let Some((ff, fl)) = first.get(&key) {
            rejects.push(Reject {
                file,
                line: raw.line,
                reason: format!(
                    "duplicate invalidity row: same worker_id and invalidity_start as {ff}:{fl} (the first is used)"
                ),
            });
            continue;
        }
        first.insert(key, (file.clone(), raw.line));
        if !register.is_known(&row.employer_id) {
            rejects.push(Reject { file, line: raw.line, reason: UNKNOWN_EMPLOYER.to_string() });
            continue;
        }
        out.push(row);
    }
    let counts = InputCounts {
        read: rows.len() as u64,
        used: out.len() as u64,
        rejected: rejects.len() as u64,
        sha256: String::new(),
        files: source.files.iter().map(|f| f.path.display().to_string()).collect(),
    };
    Ok((out, rejects, counts))
}

/// The criteria of every row as a frame (one row per invalidity row), with the counted
/// flag and the reference quarter index 1..=4 (0 outside).
pub fn criteria_frame(rows: &[InvalidityRow], rules: &Rules) -> Result<DataFrame> {
    let crit: Vec<Criteria> = rows.iter().map(|r| r.criteria(rules)).collect();
    let df = df!(
        "employer_id" => rows.iter().map(|r| r.employer_id.as_str()).collect::<Vec<_>>(),
        "reference_index" => crit.iter().map(|c| c.reference_index.unwrap_or(0) as i32).collect::<Vec<_>>(),
        "age" => crit.iter().map(|c| c.age).collect::<Vec<_>>(),
        "seniority_years" => crit.iter().map(|c| c.seniority_years).collect::<Vec<_>>(),
        "resumption_authorized" => rows.iter().map(|r| r.resumption_authorized).collect::<Vec<_>>(),
        "counted" => crit.iter().map(|c| c.dropped.is_none()).collect::<Vec<_>>(),
    )?;
    Ok(df)
}

/// `entries(e, r)` for r = Q-3..Q as columns `entries_r1..entries_r4` per employer
/// (SPEC §3.1), counted by Polars from the criteria frame.
pub fn entries_by_employer(criteria: DataFrame) -> LazyFrame {
    let per_r: Vec<Expr> = (1..=4)
        .map(|k| {
            col("counted")
                .and(col("reference_index").eq(lit(k)))
                .cast(DataType::Int64)
                .sum()
                .alias(format!("entries_r{k}"))
        })
        .collect();
    criteria.lazy().filter(col("counted")).group_by([col("employer_id")]).agg(per_r)
}
