//! The `invalidity` input (§2.3): one row per worker entering invalidity, read and
//! checked for the row faults of §6 (unparseable values, `invalidity_start` before
//! `primary_incapacity_start`, `birth_date` after it, a duplicate of (worker,
//! invalidity_start) after the first, an unknown employer). Which rows count is the
//! levy's rule, in [`crate::levy::entries`].

use std::collections::HashMap;

use crate::error::Result;

use super::register::Register;
use super::rejects::{quarter_of_date, InputCounts, Reject, TextRow, UNKNOWN_EMPLOYER};
use super::Source;

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

/// Reads and validates the invalidity input (§6: unparseable values,
/// `invalidity_start` before `primary_incapacity_start`, `birth_date` after it,
/// duplicates of (worker, invalidity_start) after the first, unknown employers).
pub fn load(source: &Source, register: &Register) -> Result<(Vec<InvalidityRow>, Vec<Reject>, InputCounts)> {
    let rows = source.text_rows()?;
    let cols = source.table.columns();
    let mut out = Vec::new();
    let mut rejects = Vec::new();
    let mut first: HashMap<(String, i32), (String, i64)> = HashMap::new();
    for i in 0..rows.len() {
        let (file, line) = (source.file_name(rows.file[i]), rows.line[i]);
        let f = |name: &str| cols.iter().position(|c| *c == name).and_then(|k| rows.get(k, i));
        let reason = (|| -> std::result::Result<InvalidityRow, String> {
            let r = TextRow::new(f);
            let worker_id = r.text("worker_id")?.to_string();
            let employer_id = r.text("employer_id")?.to_string();
            let pis = r.date("primary_incapacity_start")?;
            let inv = r.date("invalidity_start")?;
            let birth = r.date("birth_date")?;
            let sen = r.date("seniority_date")?;
            let resumption = r.boolean("resumption_authorized")?;
            if inv < pis {
                return Err("invalidity_start before primary_incapacity_start".to_string());
            }
            if birth > pis {
                return Err("birth_date after primary_incapacity_start".to_string());
            }
            Ok(InvalidityRow {
                file: file.clone(),
                line,
                worker_id,
                employer_id,
                primary_incapacity_start: pis,
                invalidity_start: inv,
                birth_date: birth,
                seniority_date: sen,
                resumption_authorized: resumption,
            })
        })();
        let quarter = quarter_of_date(f("invalidity_start"));
        let reject =
            |file: String, reason: String| Reject::new(file, line, reason).of_row(f("employer_id"), quarter.as_deref());
        let row = match reason {
            Ok(r) => r,
            Err(reason) => {
                rejects.push(reject(file, reason));
                continue;
            }
        };
        let key = (row.worker_id.clone(), row.invalidity_start);
        if let Some((ff, fl)) = first.get(&key) {
            let reason = format!(
                "duplicate invalidity row: same worker_id and invalidity_start as {ff}:{fl} (the first is used)"
            );
            rejects.push(reject(file, reason));
            continue;
        }
        first.insert(key, (file.clone(), line));
        if !register.is_known(&row.employer_id) {
            rejects.push(reject(file, UNKNOWN_EMPLOYER.to_string()));
            continue;
        }
        out.push(row);
    }
    let counts = InputCounts::of(source, rows.len() as u64, out.len() as u64, rejects.len() as u64);
    Ok((out, rejects, counts))
}
