//! Row-level faults (§6): every input row not used goes to `rejects.csv` with its
//! file, line and reason, and per input `read = used + rejected`, always.

use serde::Serialize;

use super::Kind;
use crate::parse::{parse_bool, parse_date, parse_money, Fault};

/// One rejected input row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Reject {
    pub file: String,
    pub line: i64,
    pub reason: String,
    /// The row's employer and quarter as written, where they could be read (empty
    /// otherwise): what an analyst filters `rejects.csv` by.
    pub employer_id: String,
    pub quarter: String,
}

/// The quarter of a date written as text, when it is one (the quarter of an
/// invalidity's or incapacity's start, for `rejects.csv`).
pub fn quarter_of_date(t: Option<&str>) -> Option<String> {
    t.and_then(|d| parse_date(d).ok()).map(|d| crate::quarter::Quarter::of_day(d).to_string())
}

impl Reject {
    pub fn new(file: impl Into<String>, line: i64, reason: impl Into<String>) -> Reject {
        Reject { file: file.into(), line, reason: reason.into(), ..Reject::default() }
    }
    /// With the row's employer and quarter, as far as they could be read.
    pub fn of_row(mut self, employer_id: Option<&str>, quarter: Option<&str>) -> Reject {
        self.employer_id = employer_id.unwrap_or("").trim().to_string();
        self.quarter = quarter.unwrap_or("").trim().to_string();
        self
    }
}

/// Row counts and fingerprint of one input (§4 `summary.json` → `inputs`).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct InputCounts {
    pub read: u64,
    pub used: u64,
    pub rejected: u64,
    pub sha256: String,
    pub files: Vec<String>,
    /// The rejected rows counted by reason (§6), most frequent first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected_by_reason: Vec<(String, u64)>,
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
            rejected_by_reason: Vec::new(),
        }
    }
}

/// Counts each input's rejects by reason, from the rejects of its files.
pub fn count_reasons(inputs: &mut std::collections::BTreeMap<&'static str, InputCounts>, rejects: &[Reject]) {
    for c in inputs.values_mut() {
        let own = rejects.iter().filter(|r| c.files.contains(&r.file));
        c.rejected_by_reason = count_by_reason(own);
    }
}

/// The terminal's lines on rejected rows: per input, the count and the most frequent
/// reasons; nothing when no row was rejected.
pub fn terminal_lines(inputs: &std::collections::BTreeMap<&'static str, InputCounts>) -> String {
    let mut s = String::new();
    for (name, c) in inputs.iter().filter(|(_, c)| c.rejected > 0) {
        s.push_str(&format!(
            "  {name}: {} of {} rows rejected\n",
            crate::parse::thousands(c.rejected),
            crate::parse::thousands(c.read)
        ));
        for (reason, n) in c.rejected_by_reason.iter().take(5) {
            s.push_str(&format!("    {:>9}  {reason}\n", crate::parse::thousands(*n)));
        }
        if c.rejected_by_reason.len() > 5 {
            s.push_str(&format!("    … and {} other reasons (rejects.csv)\n", c.rejected_by_reason.len() - 5));
        }
    }
    s
}

/// The named fields of one row read as text, each parsed with [`crate::parse`] or turned
/// into the reason its row is rejected (§6): the one wording of a missing or
/// unparseable field for the tables read row by row (invalidity, incapacity, ledger).
pub struct TextRow<F> {
    field: F,
}

impl<'a, F: Fn(&str) -> Option<&'a str>> TextRow<F> {
    /// `field` gives a column's text by its name in the contract (`None` when absent).
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

/// The kind of a reject reason, for counting by reason: the reason without the place of
/// the earlier row a duplicate repeats (`… as employers.csv:12 (the first is used)`).
pub fn reason_kind(reason: &str) -> &str {
    match reason.find(" as ") {
        Some(i) if reason.starts_with("duplicate") => &reason[..i],
        _ => reason,
    }
}

/// The rejects counted by [`reason_kind`], most frequent first (ties by reason).
pub fn count_by_reason<'a>(rejects: impl IntoIterator<Item = &'a Reject>) -> Vec<(String, u64)> {
    let mut counts: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for r in rejects {
        *counts.entry(reason_kind(&r.reason)).or_default() += 1;
    }
    let mut v: Vec<(String, u64)> = counts.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Whether `rejected` of `read` rows is more than `share` percent: exactly, in integers
/// (`rejected × 100 × 10^scale > units × read`).
pub fn above_share(rejected: u64, read: u64, share: crate::rules::Decimal) -> bool {
    let lhs = rejected as u128 * 100 * share.denominator() as u128;
    let rhs = share.units as u128 * read as u128;
    lhs > rhs
}

/// §6: nothing that looks like a result is made from data that did not hold. When
/// an input lost more than `share` percent of its rows, the error names the input, the
/// share, the most frequent reasons with their counts and a hint. `inputs` are the
/// inputs' counts with their rejects counted by reason ([`count_reasons`]), `ids` the
/// register's identifiers (for the leading-zeros hint). (`--strict`, which allows no
/// rejected row at all, is its own error: [`crate::error::Error::Strict`].)
pub fn gate(
    inputs: &std::collections::BTreeMap<&'static str, InputCounts>,
    share: crate::rules::Decimal,
    ids: &[compact_str::CompactString],
    rejects_path: &std::path::Path,
) -> Result<(), crate::error::Error> {
    for (name, c) in inputs {
        if c.rejected == 0 || !above_share(c.rejected, c.read, share) {
            continue;
        }
        let reasons = &c.rejected_by_reason;
        let top: Vec<String> =
            reasons.iter().take(3).map(|(r, n)| format!("{} × {r}", crate::parse::thousands(*n))).collect();
        let pct = c.rejected as f64 * 100.0 / c.read.max(1) as f64;
        let limit = format!("at most {share} % allowed, max_rejected_share");
        let mut msg = format!(
            "{name} ({}): {} of {} rows rejected ({pct:.2} %; {limit}): {}",
            c.files.join(", "),
            crate::parse::thousands(c.rejected),
            crate::parse::thousands(c.read),
            top.join("; ")
        );
        if let Some(h) = hint(reasons, ids) {
            msg.push_str(&format!("; hint: {h}"));
        }
        msg.push_str(&format!("; every row with its reason in {}", rejects_path.display()));
        return Err(crate::error::Error::Rejected(msg));
    }
    Ok(())
}

/// A hint for the most frequent reason, where one applies.
fn hint(reasons: &[(String, u64)], ids: &[compact_str::CompactString]) -> Option<String> {
    let (top, _) = reasons.first()?;
    if top == UNKNOWN_EMPLOYER || top.starts_with("employer_id: no register row") {
        let lengths: std::collections::BTreeSet<usize> = ids.iter().map(|i| i.len()).collect();
        if let [one] = lengths.iter().copied().collect::<Vec<_>>()[..] {
            return Some(format!(
                "the register's identifiers all have {one} characters: identifiers of the rejected rows that \
                 lost their leading zeros (a spreadsheet does that to numbers) are unknown; export them as text"
            ));
        }
        return Some("are the identifiers written as in the register (leading zeros, dots, spaces)?".into());
    }
    if top.contains(": not ") || top.contains("too many decimals") {
        return Some(
            "a file saved by a spreadsheet in a Belgian locale writes 1234,56 and 31/12/2025: pass --csv-dialect belgian"
                .into(),
        );
    }
    None
}
