//! The `incapacity` input (§8.1): one row per primary incapacity of a worker, as the
//! sickness funds report them (a relapse is already merged into its period), read and
//! checked for the row faults of §6 and §8.1: an unparseable field, an unknown
//! `worker_type` (matched exactly), `incapacity_end` or `part_time_resumption` before
//! `incapacity_start`, an employer without a register row in the quarter of
//! `incapacity_start`, a duplicate of an earlier used row (same worker and
//! `incapacity_start`, whatever the employer: the first is used).

use std::collections::HashMap;

use crate::error::Result;
use crate::quarter::Quarter;

use super::register::Register;
use super::rejects::{quarter_of_date, InputCounts, Reject, TextRow};
use super::Source;

/// The worker types of §8.1, as written in the input.
pub const WORKER_TYPES: [&str; 8] =
    ["ordinary", "statutory", "temporary_agency", "flexi_job", "student", "occasional", "foster_parent", "apprentice"];

/// A valid incapacity row.
#[derive(Debug, Clone)]
pub struct IncapacityRow {
    /// Shared by the rows of one file.
    pub file: std::sync::Arc<str>,
    pub line: i64,
    pub worker_id: String,
    pub employer_id: String,
    /// Days since 1970-01-01.
    pub incapacity_start: i32,
    pub incapacity_end: Option<i32>,
    pub birth_date: i32,
    pub service_start: i32,
    pub worker_type: String,
    pub disability_recognised: bool,
    pub part_time_resumption: Option<i32>,
    /// Cents per indemnified day.
    pub daily_benefit: i64,
}

impl IncapacityRow {
    /// The quarter the incapacity starts in: the quarter it is assessed in (§8.2).
    pub fn quarter(&self) -> Quarter {
        Quarter::of_day(self.incapacity_start)
    }
}

/// Reads and validates the incapacity input; the valid rows in file order. Rows are
/// checked in parallel; duplicates are then found in file order.
/// Only the rows of the `keep` quarters are returned (every row is checked and counted).
pub fn load(
    source: &Source,
    register: &Register,
    keep: &[Quarter],
    max_daily_benefit_cents: i64,
) -> Result<(Vec<IncapacityRow>, Vec<Reject>, InputCounts)> {
    use rayon::prelude::*;
    let rows = source.text_rows()?;
    let (file_index, lines, text) = (&rows.file, &rows.line, &rows.columns);
    let height = rows.len();
    let files: Vec<std::sync::Arc<str>> = (0..source.files.len()).map(|i| source.file_name(i as u32).into()).collect();
    let mut out: Vec<IncapacityRow> = Vec::new();
    let mut rejects = Vec::new();
    // (worker, start) → the file and line of the row used.
    let mut first: HashMap<(String, i32), (u32, i64)> = HashMap::with_capacity(height);
    let mut used = 0u64;
    // Checked in chunks, in parallel within a chunk: only a chunk's rows are in memory at
    // once besides the kept ones.
    const CHUNK: usize = 1 << 16;
    for from in (0..height).step_by(CHUNK) {
        let to = (from + CHUNK).min(height);
        let checked: Vec<std::result::Result<IncapacityRow, String>> = (from..to)
            .into_par_iter()
            .map(|i| {
                let t: Vec<Option<&str>> = text.iter().map(|c| c.get(i)).collect();
                let shared = files.get(file_index[i] as usize).cloned().unwrap_or_else(|| "".into());
                check(&t, shared, lines[i], register, max_daily_benefit_cents)
            })
            .collect();
        for (i, checked) in (from..to).zip(checked) {
            let quarter = quarter_of_date(text[2].get(i));
            let reject = |reason: String| {
                Reject::new(source.file_name(file_index[i]), lines[i], reason)
                    .of_row(text[1].get(i), quarter.as_deref())
            };
            let row = match checked {
                Ok(r) => r,
                Err(reason) => {
                    rejects.push(reject(reason));
                    continue;
                }
            };
            let key = (row.worker_id.clone(), row.incapacity_start);
            if let Some(&(ff, fl)) = first.get(&key) {
                let ff = source.file_name(ff);
                rejects.push(reject(format!(
                    "duplicate incapacity row: same worker_id and incapacity_start as {ff}:{fl} (the first is used)"
                )));
                continue;
            }
            first.insert(key, (file_index[i], lines[i]));
            used += 1;
            // A duplicate has the same start, hence the same quarter: keeping only the
            // assessed quarters loses no duplicate.
            if keep.contains(&row.quarter()) {
                out.push(row);
            }
        }
    }
    let counts = InputCounts::of(source, height as u64, used, rejects.len() as u64);
    Ok((out, rejects, counts))
}

/// One row's fields checked (§6, §8.1), or the reason it is rejected.
fn check(
    t: &[Option<&str>],
    shared: std::sync::Arc<str>,
    line: i64,
    register: &Register,
    max_daily_benefit_cents: i64,
) -> std::result::Result<IncapacityRow, String> {
    let cols = super::Table::Incapacity.columns();
    let f = |name: &str| cols.iter().position(|c| *c == name).and_then(|k| t[k]);

    let r = TextRow::new(f);
    let worker_id = r.text("worker_id")?.to_string();
    let employer_id = r.text("employer_id")?.to_string();
    let incapacity_start = r.date("incapacity_start")?;
    let incapacity_end = r.optional_date("incapacity_end")?;
    let birth_date = r.date("birth_date")?;
    let service_start = r.date("service_start")?;
    let worker_type = r.text("worker_type")?;
    let disability_recognised = r.boolean("disability_recognised")?;
    let part_time_resumption = r.optional_date("part_time_resumption")?;
    let daily_benefit = r.money("daily_benefit")?;
    if !WORKER_TYPES.contains(&worker_type) {
        return Err(format!("worker_type: unknown type '{worker_type}' (expected one of {})", WORKER_TYPES.join(", ")));
    }
    if daily_benefit > max_daily_benefit_cents {
        return Err(format!(
            "daily_benefit: above {} a day (max_daily_benefit)",
            crate::parse::format_cents(max_daily_benefit_cents)
        ));
    }
    if incapacity_end.is_some_and(|e| e < incapacity_start) {
        return Err("incapacity_end before incapacity_start".to_string());
    }
    if part_time_resumption.is_some_and(|p| p < incapacity_start) {
        return Err("part_time_resumption before incapacity_start".to_string());
    }
    let q = Quarter::of_day(incapacity_start);
    if !register.declares(&employer_id, q) {
        return Err(format!("employer_id: no register row in {q}, the quarter of incapacity_start"));
    }
    Ok(IncapacityRow {
        file: shared,
        line,
        worker_id,
        employer_id,
        incapacity_start,
        incapacity_end,
        birth_date,
        service_start,
        worker_type: worker_type.to_string(),
        disability_recognised,
        part_time_resumption,
        daily_benefit,
    })
}
