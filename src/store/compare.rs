//! §12.1, what an ingest changes, said before it is committed: per quarter and input, the
//! rows added, withdrawn, changed and unchanged against the latest version. Rows are
//! compared by their key, on every stored column but where they were read from (`file`,
//! `line`): the same rows read from another folder are unchanged.
//!
//! | input | key |
//! |---|---|
//! | employers | employer (one register row per employer and quarter) |
//! | employment | employer: its aggregates of the quarter (lines, workers, wages, FTE by seniority, wages per joint committee) |
//! | invalidity | worker and `invalidity_start` |
//! | incapacity | employer, worker and `incapacity_start` |

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// The key columns of each stored file compared.
pub const REGISTER_KEY: &[&str] = &["employer_id"];
pub const OCCUPATION_KEY: &[&str] = &["employer_id"];
pub const COMMITTEES_KEY: &[&str] = &["employer_id", "joint_committee"];
pub const INVALIDITY_KEY: &[&str] = &["worker_id", "invalidity_start"];
pub const INCAPACITY_KEY: &[&str] = &["employer_id", "worker_id", "incapacity_start"];

/// Columns that say where a row was read, not what it holds.
const PROVENANCE: &[&str] = &["file", "line"];

/// The rows of one input of one quarter, against the version before.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    pub added: u64,
    pub withdrawn: u64,
    pub changed: u64,
    pub unchanged: u64,
}

impl Changes {
    /// Whether anything differs from the version before.
    pub fn any(&self) -> bool {
        self.added + self.withdrawn + self.changed > 0
    }
    /// Every row unchanged (a stored file identical to the one before).
    pub fn same(rows: usize) -> Changes {
        Changes { unchanged: rows as u64, ..Changes::default() }
    }
}

impl std::fmt::Display for Changes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::parse::thousands;
        write!(
            f,
            "{} added, {} withdrawn, {} changed, {} unchanged",
            thousands(self.added),
            thousands(self.withdrawn),
            thousands(self.changed),
            thousands(self.unchanged)
        )
    }
}

/// A frame's rows as key → the values of every other column but the provenance, as text.
pub fn keyed(df: &DataFrame, keys: &[&str]) -> Result<BTreeMap<String, String>> {
    let text = |c: &Column| -> Result<Series> { Ok(c.as_materialized_series().cast(&DataType::String)?) };
    let mut key_cols = Vec::with_capacity(keys.len());
    for k in keys {
        key_cols.push(text(df.column(k)?)?);
    }
    let value_cols: Vec<Series> = df
        .columns()
        .iter()
        .filter(|c| {
            let name = c.name().as_str();
            // A sum of the buckets compared beside it (a store written before it has none).
            !keys.contains(&name) && !PROVENANCE.contains(&name) && !name.starts_with(super::FTE_FROM)
        })
        .map(text)
        .collect::<Result<_>>()?;
    let key_strs: Vec<&StringChunked> = key_cols.iter().map(|s| s.str()).collect::<PolarsResult<_>>()?;
    let value_strs: Vec<&StringChunked> = value_cols.iter().map(|s| s.str()).collect::<PolarsResult<_>>()?;
    let mut out = BTreeMap::new();
    for i in 0..df.height() {
        let join = |cols: &[&StringChunked]| {
            cols.iter().map(|c| c.get(i).unwrap_or("\u{2205}")).collect::<Vec<_>>().join("\u{1f}")
        };
        out.insert(join(&key_strs), join(&value_strs));
    }
    Ok(out)
}

/// The employment of a quarter by employer: its aggregates, then its wages per committee.
pub fn employment(occupation: &DataFrame, committees: &DataFrame) -> Result<BTreeMap<String, String>> {
    let mut rows = keyed(occupation, OCCUPATION_KEY)?;
    for (key, wages) in keyed(committees, COMMITTEES_KEY)? {
        let (employer, committee) = key.split_once('\u{1f}').unwrap_or((key.as_str(), ""));
        let v = rows.entry(employer.to_string()).or_default();
        v.push_str(&format!("\u{1e}{committee}={wages}"));
    }
    Ok(rows)
}

/// The rows added, withdrawn, changed and unchanged from `old` to `new`.
pub fn diff(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Changes {
    let mut c = Changes::default();
    for (k, v) in new {
        match old.get(k) {
            None => c.added += 1,
            Some(o) if o == v => c.unchanged += 1,
            Some(_) => c.changed += 1,
        }
    }
    c.withdrawn = old.keys().filter(|k| !new.contains_key(*k)).count() as u64;
    c
}

/// `--amend` (§12.1): the stored rows whose key the correction does not bring, then the
/// correction's rows; nothing is withdrawn.
pub fn amend(old: &DataFrame, new: &DataFrame, keys: &[&str]) -> Result<DataFrame> {
    let brought = keyed(new, keys)?;
    let old_keys = keyed_keys(old, keys)?;
    let keep: BooleanChunked = old_keys.iter().map(|k| !brought.contains_key(k)).collect();
    let mut kept = old.filter(&keep)?;
    // The stored frame's column order and types are the writer's, as are the new one's.
    let new = new.select(old.get_column_names().into_iter().cloned())?;
    kept.vstack_mut(&new)?;
    kept.rechunk_mut();
    Ok(kept)
}

/// The key of every row, in order.
fn keyed_keys(df: &DataFrame, keys: &[&str]) -> Result<Vec<String>> {
    let mut cols = Vec::with_capacity(keys.len());
    for k in keys {
        cols.push(df.column(k)?.as_materialized_series().cast(&DataType::String)?);
    }
    let strs: Vec<&StringChunked> = cols.iter().map(|s| s.str()).collect::<PolarsResult<_>>()?;
    Ok((0..df.height())
        .map(|i| strs.iter().map(|c| c.get(i).unwrap_or("\u{2205}")).collect::<Vec<_>>().join("\u{1f}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(rows: &[(&str, &str, i64, i64)]) -> DataFrame {
        df!(
            "file" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            "worker_id" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            "invalidity_start" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            "seniority" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
        )
        .expect("a frame")
    }

    #[test]
    fn rows_are_compared_by_key_whatever_file_they_came_from() {
        let old = frame(&[("a.csv", "W1", 1, 5), ("a.csv", "W2", 1, 5), ("a.csv", "W3", 1, 5)]);
        let new = frame(&[("b.csv", "W1", 1, 5), ("b.csv", "W2", 1, 6), ("b.csv", "W4", 1, 5)]);
        let (o, n) = (keyed(&old, INVALIDITY_KEY).expect("old"), keyed(&new, INVALIDITY_KEY).expect("new"));
        assert_eq!(diff(&o, &n), Changes { added: 1, withdrawn: 1, changed: 1, unchanged: 1 });
        assert!(!diff(&o, &o).any(), "the same rows: nothing changes");
    }

    #[test]
    fn the_summed_fte_is_no_change_of_a_store_written_before_it() {
        let before = df!("employer_id" => ["E1", "E2"], "lines" => [3i64, 4], "fte_y3" => [10i64, 20]).expect("old");
        let after = df!(
            "employer_id" => ["E1", "E2"],
            "lines" => [3i64, 5],
            "fte_y3" => [10i64, 20],
            "fte_from_y3" => [10i64, 20],
        )
        .expect("new");
        let (o, n) = (keyed(&before, OCCUPATION_KEY).expect("old"), keyed(&after, OCCUPATION_KEY).expect("new"));
        assert_eq!(diff(&o, &n), Changes { added: 0, withdrawn: 0, changed: 1, unchanged: 1 }, "E2's lines alone");
    }

    #[test]
    fn amend_adds_and_replaces_by_key_and_withdraws_nothing() {
        let old = frame(&[("a.csv", "W1", 1, 5), ("a.csv", "W2", 1, 5)]);
        let new = frame(&[("b.csv", "W2", 1, 6), ("b.csv", "W3", 1, 5)]);
        let merged = amend(&old, &new, INVALIDITY_KEY).expect("merged");
        let rows = keyed(&merged, INVALIDITY_KEY).expect("rows");
        let o = keyed(&old, INVALIDITY_KEY).expect("old");
        assert_eq!(diff(&o, &rows), Changes { added: 1, withdrawn: 0, changed: 1, unchanged: 1 });
        assert_eq!(merged.column("file").expect("file").str().expect("text").get(0), Some("a.csv"), "kept rows first");
    }
}
