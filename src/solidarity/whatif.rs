//! What-if runs of the solidarity contribution (§5, §8): the same quarter under two
//! rule sets, and every employer whose contribution changes (e.g. the announced
//! extension to the 4th and 5th month, `data/what-if/solidarity-months-4-5.toml`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::parse::format_cents;
use crate::report::Col;

use super::assess::Assessment;

/// One employer whose contribution differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub employer_id: String,
    pub due_before: u64,
    pub due_after: u64,
    pub days_before: i64,
    pub days_after: i64,
    pub before: i64,
    pub after: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub compared_to: String,
    pub changed_employers: usize,
    pub contribution_total_before: String,
    pub contribution_total_after: String,
    pub contribution_total_change: String,
}

pub fn compare(before: &Assessment, after: &Assessment) -> (Vec<Change>, Totals) {
    let b: BTreeMap<&str, _> = before.employers.iter().map(|e| (e.employer_id.as_str(), e)).collect();
    let mut changes = Vec::new();
    for e in &after.employers {
        let Some(o) = b.get(e.employer_id.as_str()) else { continue };
        if o.contribution != e.contribution || o.due_incapacities != e.due_incapacities {
            changes.push(Change {
                employer_id: e.employer_id.clone(),
                due_before: o.due_incapacities,
                due_after: e.due_incapacities,
                days_before: o.indemnified_days,
                days_after: e.indemnified_days,
                before: o.contribution,
                after: e.contribution,
            });
        }
    }
    let totals = Totals {
        compared_to: format!("{} (sha256 {})", before.rules.origin, before.rules.sha256),
        changed_employers: changes.len(),
        contribution_total_before: format_cents(before.total()),
        contribution_total_after: format_cents(after.total()),
        contribution_total_change: format_cents(after.total() - before.total()),
    };
    (changes, totals)
}

pub const HEADER: &[Col] = &[
    Col::text("employer_id"),
    Col::number("due_incapacities_before"),
    Col::number("due_incapacities_after"),
    Col::number("indemnified_days_before"),
    Col::number("indemnified_days_after"),
    Col::money("contribution_before"),
    Col::money("contribution_after"),
    Col::money("contribution_change"),
];

pub fn rows(changes: &[Change]) -> impl Iterator<Item = Vec<String>> + '_ {
    changes.iter().map(|c| {
        vec![
            c.employer_id.clone(),
            c.due_before.to_string(),
            c.due_after.to_string(),
            c.days_before.to_string(),
            c.days_after.to_string(),
            format_cents(c.before),
            format_cents(c.after),
            format_cents(c.after - c.before),
        ]
    })
}

pub fn terminal(t: &Totals) -> String {
    format!(
        "what-if against {}: {} employer(s) change; contribution total {} → {} (change {})\n",
        t.compared_to,
        t.changed_employers,
        t.contribution_total_before,
        t.contribution_total_after,
        t.contribution_total_change
    )
}
