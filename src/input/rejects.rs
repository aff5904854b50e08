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

/// The reason text of a field that failed to parse.
pub fn field_reason(column: &str, fault: crate::parse::Fault, what: &str) -> String {
    format!("{column}: {}", fault.describe(what))
}

pub const UNKNOWN_EMPLOYER: &str = "employer_id: unknown employer (no register row in any quarter)";
