//! Row-level faults (SPEC §6): every input row not used goes to `rejects.csv` with its
//! file, line and reason, and per input `read = used + rejected`, always.

use serde::Serialize;

use super::Kind;
use crate::parse::{parse_bool, parse_date, parse_money, Fault};

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

/// The named fields of one row read as text, each parsed with [`crate::parse`] or turned
/// into the reason its row is rejected (SPEC §6): the one wording of a missing or
/// unparseable field for the tables read row by row (invalidity, incapacity, ledger).
pub struct TextRow<F> {
    field: F,
}

impl<'a, F: Fn(&str) -> Option<&'a str>> TextRow<F> {
    /// `field` gives a column's text by its SPEC name (`None` when absent).
    pub fn new(field: F) -> Self {
        TextRow { field }
    }
    /// A required text: missing when absent or empty.
    pub fn text(&self, name: &str) -> Result<&'a str, String> {
        (self.field)(name).filter(|s| !s.is_empty()).ok_or_else(|| field_reason(name, Fault::Missing, ""))
    }
    pub fn date(&self, name: &str) -> Result<i32, String> {
        self.parsed(name, Kind::Date, parse_date)
    }
    /// An optional date: absent or blank is none; anything else must be a date.
    pub fn optional_date(&self, name: &str) -> Result<Option<i32>, String> {
        match (self.field)(name).map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => parse_date(s).map(Some).map_err(|e| field_reason(name, e, Kind::Date.what())),
        }
    }
    pub fn boolean(&self, name: &str) -> Result<bool, String> {
        self.parsed(name, Kind::Bool, parse_bool)
    }
    /// An amount in euros, in cents.
    pub fn money(&self, name: &str) -> Result<i64, String> {
        self.parsed(name, Kind::Money, parse_money)
    }
    fn parsed<T>(&self, name: &str, kind: Kind, parse: fn(&str) -> Result<T, Fault>) -> Result<T, String> {
        (self.field)(name).map_or(Err(Fault::Missing), parse).map_err(|e| field_reason(name, e, kind.what()))
    }
}

/// The reason text of a field that failed to parse.
pub fn field_reason(column: &str, fault: Fault, what: &str) -> String {
    format!("{column}: {}", fault.describe(what))
}

pub const UNKNOWN_EMPLOYER: &str = "employer_id: unknown employer (no register row in any quarter)";
