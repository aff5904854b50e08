//! Row-level faults (SPEC §6): every input row not used goes to `rejects.csv` with its
//! file, line and reason, and per input `read = used + rejected`, always.

use serde::Serialize;

/// One rejected input row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reject {
    pub file: String,
    pub line: i64,
    pub reason: String,
}

/// Row counts and fingerprint of one input (SPEC §4 `summary.json` → `inputs`).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct InputCounts {
    pub read: u64,
    pub used: u64,
    pub rejected: u64,
    pub sha256: String,
    pub files: Vec<String>,
}

impl InputCounts {
    /// The counts of an input read from `source` (its fingerprint is added by the caller,
    /// who computes it while the input is read).
    pub fn of(source: &super::Source, read: u64, used: u64, rejected: u64) -> InputCounts {
        InputCounts {
            read,
            used,
            rejected,
            sha256: String::new(),
            files: source.files.iter().map(|f| f.path.display().to_string()).collect(),
        }
    }
}

/// The reason text of a field that failed to parse.
pub fn field_reason(column: &str, fault: crate::parse::Fault, what: &str) -> String {
    format!("{column}: {}", fault.describe(what))
}

pub const UNKNOWN_EMPLOYER: &str = "employer_id: unknown employer (no register row in any quarter)";
