//! §12.2, what was billed: the store's journal records what the office sent, so that a
//! correction is compared with what was billed and not with what someone remembers.
//!
//! ```text
//! STORE/journal/00000001.json   one per billing run (`assess --store S --bill`,
//! STORE/journal/00000002.json   `regularise --bill`), never rewritten
//! ```
//!
//! An entry holds one bill per quarter and contribution of the run: the version read, the
//! totals, the notices' references, the folder written, the time. It is committed as a
//! version is: under the store's writer lock, written aside then linked under its number,
//! which fails rather than replace an entry; a killed run leaves every entry whole.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{io, Error, Result};

pub const JOURNAL: &str = "journal";

/// One quarter and contribution billed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Bill {
    pub quarter: String,
    /// `levy` or `solidarity`.
    pub contribution: String,
    /// `assessment` (the notices of `assess`) or `regularisation` (`regularise`).
    pub kind: String,
    /// The store version the amounts were computed from (for a regularisation, the
    /// version it brings the bill to).
    pub version: u64,
    /// A regularisation: the version it was compared with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_version: Option<u64>,
    /// Employers billed (notices asking an amount), and the amount (for a regularisation,
    /// the net: to bill less to refund).
    pub employers: u64,
    pub total: String,
    pub total_cents: i64,
    /// The references of the notices sent (a regularisation: of its corrected notices).
    pub references: Vec<String>,
}

/// One billing run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub entry: u64,
    /// When it was recorded, UTC (`YYYY-MM-DD HH:MM:SS`).
    pub time: String,
    /// The folder the notices were written to.
    pub folder: String,
    pub bills: Vec<Bill>,
}

fn path(store: &Path, n: u64) -> std::path::PathBuf {
    store.join(JOURNAL).join(format!("{n:08}.json"))
}

/// Every entry, in order (none for a store never billed).
pub fn read(store: &Path) -> Result<Vec<Entry>> {
    let dir = store.join(JOURNAL);
    let numbers = super::numbered(&dir)?;
    numbers
        .into_iter()
        .map(|n| {
            let p = path(store, n);
            let text = std::fs::read_to_string(&p).map_err(|e| io(&p, "read", e))?;
            let entry: Entry = serde_json::from_str(&text).map_err(|e| {
                Error::Structure(format!("{}: not a responsa journal entry: {e} (the store is damaged)", p.display()))
            })?;
            if entry.entry != n {
                return Err(Error::Structure(format!(
                    "{}: the entry says it is number {}: the store's journal is damaged",
                    p.display(),
                    entry.entry
                )));
            }
            Ok(entry)
        })
        .collect()
}

/// The last bill of a quarter and contribution: what the office sent last.
pub fn billed<'a>(entries: &'a [Entry], quarter: &str, contribution: &str) -> Option<&'a Bill> {
    entries.iter().flat_map(|e| &e.bills).rfind(|b| b.quarter == quarter && b.contribution == contribution)
}

/// How many regularisations of a quarter and contribution the journal holds for an
/// employer (the suffix of its next corrected notice is one more, §12.2).
pub fn regularisations(entries: &[Entry], quarter: &str, contribution: &str, reference: &str) -> usize {
    let prefix = format!("{reference}/R");
    entries
        .iter()
        .flat_map(|e| &e.bills)
        .filter(|b| b.quarter == quarter && b.contribution == contribution && b.kind == "regularisation")
        .filter(|b| b.references.iter().any(|r| r.starts_with(&prefix)))
        .count()
}

/// Records a billing run: the next entry, committed under the store's lock.
pub fn record(store: &Path, folder: &Path, bills: Vec<Bill>) -> Result<u64> {
    let _lock = super::lock::StoreLock::take_for(store, "billing")?;
    let next = read(store)?.last().map_or(1, |e| e.entry + 1);
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| crate::quarter::format_timestamp(d.as_secs() as i64))
        .unwrap_or_default();
    let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    let entry = Entry { entry: next, time, folder: folder.display().to_string(), bills };
    let dir = store.join(JOURNAL);
    let text = serde_json::to_string_pretty(&entry).map_err(anyhow::Error::from)? + "\n";
    // Test hook: hold the written entry before it is linked, so that a test can kill the
    // run at that moment and find the journal whole.
    let pause = std::env::var("RESPONSA_PAUSE_BEFORE_JOURNAL_MS").ok().and_then(|v| v.parse().ok());
    super::link_new(&dir, next, &text, "journal entry", || {
        if let Some(ms) = pause {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
    })?;
    // What killed runs left: their half-written entries.
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().ends_with(".tmp") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bill(q: &str, kind: &str, version: u64, refs: &[&str]) -> Bill {
        Bill {
            quarter: q.into(),
            contribution: "levy".into(),
            kind: kind.into(),
            version,
            from_version: None,
            employers: refs.len() as u64,
            total: "1.00".into(),
            total_cents: 100,
            references: refs.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn entries_are_numbered_and_the_last_bill_counts() {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let store = dir.path();
        assert_eq!(record(store, store, vec![bill("2023Q4", "assessment", 1, &["RESP/2023Q4/E01"])]).ok(), Some(1));
        assert_eq!(
            record(store, store, vec![bill("2023Q4", "regularisation", 3, &["RESP/2023Q4/E01/R1"])]).ok(),
            Some(2)
        );
        let entries = read(store).expect("the journal");
        assert_eq!(entries.len(), 2);
        assert_eq!(billed(&entries, "2023Q4", "levy").map(|b| b.version), Some(3), "the regularisation's version");
        assert_eq!(billed(&entries, "2023Q3", "levy"), None);
        assert_eq!(regularisations(&entries, "2023Q4", "levy", "RESP/2023Q4/E01"), 1);
        assert_eq!(regularisations(&entries, "2023Q4", "levy", "RESP/2023Q4/E02"), 0);
    }
}
