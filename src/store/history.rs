//! `responsa history` (§12): the versions of a store, and which assessed quarters an
//! ingest's changes reach, hence which reports are out of date.

use std::path::Path;

use serde::Serialize;

use crate::contribution::Contribution;
use crate::error::Result;
use crate::quarter::Quarter;
use crate::rules::RuleSet;

/// One version as listed.
#[derive(Debug, Serialize)]
pub struct Line {
    pub version: u64,
    pub committed: String,
    pub data: String,
    pub touched: Vec<String>,
    pub changed: Vec<String>,
    /// How a correction of one input was applied (`replace`, `amend`; empty otherwise).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mode: String,
    /// §12.1: per quarter and input, the rows added, withdrawn, changed and unchanged.
    pub changes: std::collections::BTreeMap<String, std::collections::BTreeMap<String, super::Changes>>,
    /// Per input the ingest brought: its files with sha256 and its rows.
    pub sources: Vec<Source>,
}

#[derive(Debug, Serialize)]
pub struct Source {
    pub input: String,
    pub files: Vec<String>,
    pub sha256: String,
    pub read: u64,
    pub used: u64,
    pub rejected: u64,
}

/// The stored quarters whose assessment the changes after a version reach, per
/// contribution (by its short name).
#[derive(Debug, Serialize, Default, PartialEq, Eq)]
pub struct Reach {
    pub version: u64,
    pub changed: Vec<String>,
    pub reached: std::collections::BTreeMap<String, Vec<String>>,
}

/// A quarter and contribution billed (§12.2): the version billed, the latest, and whether
/// a version since changed what its assessment reads.
#[derive(Debug, Clone, Serialize)]
pub struct Billed {
    pub quarter: String,
    pub contribution: String,
    pub billed_version: u64,
    pub latest_version: u64,
    /// The journal entry and the folder of the notices.
    pub entry: u64,
    pub folder: String,
    /// The versions after the one billed whose changes reach it (empty: up to date).
    pub changed_in: Vec<u64>,
    /// What to run when it is out of date.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub regularise: String,
}

#[derive(Debug, Serialize)]
pub struct History {
    pub store: String,
    pub versions: Vec<Line>,
    /// Every quarter and contribution billed (the journal), oldest quarter first.
    pub billed: Vec<Billed>,
    /// Exactly the billed ones whose data changed since they were billed.
    pub out_of_date: Vec<Billed>,
    /// With `--since N`: what the versions after N changed, and the stored quarters whose
    /// assessment reads it, billed or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<Reach>,
}

/// The quarters among `stored` whose assessment reads one of `changed`, per contribution
/// in force there (a quarter where none is in force, or before the rule set's first, is
/// not assessed).
pub fn reach(
    set: &RuleSet,
    changed: &[Quarter],
    stored: &[Quarter],
) -> std::collections::BTreeMap<Contribution, Vec<Quarter>> {
    let mut out: std::collections::BTreeMap<Contribution, Vec<Quarter>> = std::collections::BTreeMap::new();
    for &q in stored {
        let Ok(rules) = set.resolve(q, false) else { continue };
        for c in crate::contribution::ALL.into_iter().filter(|c| c.in_force(&rules)) {
            if c.reads(q).iter().any(|p| changed.contains(p)) {
                out.entry(c).or_default().push(q);
            }
        }
    }
    out
}

/// The store's versions, oldest first, what was billed, and what is out of date since it
/// was billed (`since`: also what changed after that version).
pub fn history(store: &Path, set: &RuleSet, since: Option<u64>) -> Result<History> {
    let versions = super::all_versions(store)?;
    let Some(latest) = versions.last().map(|v| v.version) else {
        return Err(crate::error::Error::Usage(format!(
            "{}: no store here (no versions/): run responsa ingest first",
            store.display()
        )));
    };
    if let Some(n) = since.filter(|n| *n > latest) {
        return Err(crate::error::Error::Usage(format!(
            "--since {n}: the store's latest version is {latest} (responsa history --store {} lists them)",
            store.display()
        )));
    }
    let parse = |v: &[String]| v.iter().filter_map(|q| q.parse::<Quarter>().ok()).collect::<Vec<_>>();
    let since = since.map(|n| {
        let changed: Vec<Quarter> = versions
            .iter()
            .filter(|v| v.version > n)
            .flat_map(|v| parse(&v.changed))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let stored =
            versions.last().map(|v| parse(&v.quarters.keys().cloned().collect::<Vec<_>>())).unwrap_or_default();
        let names = |qs: &[Quarter]| qs.iter().map(|q| q.to_string()).collect::<Vec<_>>();
        let reached =
            reach(set, &changed, &stored).iter().map(|(c, qs)| (c.short_name().to_string(), names(qs))).collect();
        Reach { version: n, changed: names(&changed), reached }
    });
    // §12.2: per quarter and contribution, the last bill, and the versions since whose
    // changes its assessment reads.
    let journal = super::journal::read(store)?;
    let mut last: std::collections::BTreeMap<(String, String), (u64, &super::journal::Bill, String)> =
        std::collections::BTreeMap::new();
    for e in &journal {
        for b in &e.bills {
            last.insert((b.quarter.clone(), b.contribution.clone()), (e.entry, b, e.folder.clone()));
        }
    }
    let mut billed = Vec::new();
    for ((q, c), (entry, b, folder)) in last {
        let quarter: Quarter = q.parse().map_err(|e: String| anyhow::anyhow!(e))?;
        let contribution = Contribution::named(&c);
        let reads = contribution.map(|x| x.reads(quarter)).unwrap_or_default();
        let changed_in: Vec<u64> = versions
            .iter()
            .filter(|v| v.version > b.version && parse(&v.changed).iter().any(|p| reads.contains(p)))
            .map(|v| v.version)
            .collect();
        let regularise = if changed_in.is_empty() {
            String::new()
        } else {
            format!("responsa regularise --store {} --quarter {q} --out regularisation-{q}", store.display())
        };
        billed.push(Billed {
            quarter: q,
            contribution: c,
            billed_version: b.version,
            latest_version: latest,
            entry,
            folder,
            changed_in,
            regularise,
        });
    }
    let out_of_date = billed.iter().filter(|b| !b.changed_in.is_empty()).cloned().collect();
    let lines = versions
        .into_iter()
        .map(|v| Line {
            version: v.version,
            committed: v.committed,
            data: v.data,
            touched: v.touched,
            changed: v.changed,
            mode: v.mode,
            changes: v.changes,
            sources: v
                .sources
                .into_iter()
                .map(|(input, c)| Source {
                    input,
                    files: c.files,
                    sha256: c.sha256,
                    read: c.read,
                    used: c.used,
                    rejected: c.rejected,
                })
                .collect(),
        })
        .collect();
    Ok(History { store: store.display().to_string(), versions: lines, billed, out_of_date, since })
}

/// Quarters as a short list: runs of consecutive quarters as `A..B`.
pub fn ranges(qs: &[String]) -> String {
    let parsed: Vec<Quarter> = qs.iter().filter_map(|q| q.parse().ok()).collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < parsed.len() {
        let mut j = i;
        while j + 1 < parsed.len() && parsed[j + 1] == parsed[j].offset(1) {
            j += 1;
        }
        out.push(if j > i + 1 {
            format!("{}..{}", parsed[i], parsed[j])
        } else if j == i + 1 {
            format!("{}, {}", parsed[i], parsed[j])
        } else {
            parsed[i].to_string()
        });
        i = j + 1;
    }
    if out.is_empty() {
        "none".to_string()
    } else {
        out.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_quarters_print_as_a_range() {
        let qs: Vec<String> = ["2023Q1", "2023Q2", "2023Q3", "2024Q1", "2024Q3", "2024Q4"].map(String::from).to_vec();
        assert_eq!(ranges(&qs), "2023Q1..2023Q3, 2024Q1, 2024Q3, 2024Q4");
        assert_eq!(ranges(&[]), "none");
    }

    #[test]
    fn a_change_reaches_the_assessments_that_read_it() {
        let set = RuleSet::embedded().expect("the embedded rules");
        let q = |s: &str| s.parse::<Quarter>().expect("a quarter");
        let stored: Vec<Quarter> = (0..16).map(|k| q("2023Q1").offset(k)).collect();
        let r = reach(&set, &[q("2025Q2")], &stored);
        let of = |c| r.get(&c).cloned().unwrap_or_default();
        assert_eq!(of(crate::levy::LEVY), vec![q("2025Q2"), q("2025Q3"), q("2025Q4")], "the levy ends with 2025");
        assert_eq!(of(crate::solidarity::SOLIDARITY), vec![q("2026Q1"), q("2026Q2")], "P..P+4, from 2026Q1");
        assert!(reach(&set, &[q("2021Q1")], &stored).is_empty(), "too old to reach any");
    }
}
