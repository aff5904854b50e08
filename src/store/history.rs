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

/// The assessments a version's changes make out of date, per contribution.
#[derive(Debug, Serialize, Default, PartialEq, Eq)]
pub struct Reach {
    pub version: u64,
    pub changed: Vec<String>,
    pub invalidity_levy: Vec<String>,
    pub solidarity: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct History {
    pub store: String,
    pub versions: Vec<Line>,
    /// What the latest version's changes reach.
    pub out_of_date: Option<Reach>,
}

/// The quarters among `stored` whose assessment reads one of `changed`, per contribution
/// in force there (a quarter where none is in force, or before the rule set's first, is
/// not assessed).
pub fn reach(set: &RuleSet, changed: &[Quarter], stored: &[Quarter]) -> (Vec<Quarter>, Vec<Quarter>) {
    let (mut levy, mut solidarity) = (Vec::new(), Vec::new());
    for &q in stored {
        let Ok(rules) = set.resolve(q, false) else { continue };
        for c in Contribution::ALL.into_iter().filter(|c| c.in_force(&rules)) {
            if c.reads(q).iter().any(|p| changed.contains(p)) {
                match c {
                    Contribution::InvalidityLevy => levy.push(q),
                    Contribution::Solidarity => solidarity.push(q),
                }
            }
        }
    }
    (levy, solidarity)
}

/// The store's versions, oldest first.
pub fn history(store: &Path, set: &RuleSet) -> Result<History> {
    let versions = super::all_versions(store)?;
    if versions.is_empty() {
        return Err(crate::error::Error::Usage(format!(
            "{}: no store here (no versions/): run responsa ingest first",
            store.display()
        )));
    }
    let parse = |v: &[String]| v.iter().filter_map(|q| q.parse::<Quarter>().ok()).collect::<Vec<_>>();
    let out_of_date = versions.last().map(|v| {
        let stored = parse(&v.quarters.keys().cloned().collect::<Vec<_>>());
        let (levy, solidarity) = reach(set, &parse(&v.changed), &stored);
        let names = |qs: Vec<Quarter>| qs.iter().map(|q| q.to_string()).collect();
        Reach {
            version: v.version,
            changed: v.changed.clone(),
            invalidity_levy: names(levy),
            solidarity: names(solidarity),
        }
    });
    let lines = versions
        .into_iter()
        .map(|v| Line {
            version: v.version,
            committed: v.committed,
            data: v.data,
            touched: v.touched,
            changed: v.changed,
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
    Ok(History { store: store.display().to_string(), versions: lines, out_of_date })
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
        let (levy, solidarity) = reach(&set, &[q("2025Q2")], &stored);
        assert_eq!(levy, vec![q("2025Q2"), q("2025Q3"), q("2025Q4")], "the levy ends with 2025");
        assert_eq!(solidarity, vec![q("2026Q1"), q("2026Q2")], "P..P+4, from 2026Q1");
        assert_eq!(reach(&set, &[q("2021Q1")], &stored), (vec![], vec![]), "too old to reach any");
    }
}
