//! What-if runs of the levy (§5): the same inputs assessed under two rule sets, and every
//! employer whose status, warning or levy changes between them.

use serde::Serialize;

use crate::parse::format_cents;
use crate::report::Col;

use super::assess::Assessment;
use super::status::Status;

/// One employer whose outcome differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub employer_id: String,
    pub status_before: Status,
    pub status_after: Status,
    pub warning_before: String,
    pub warning_after: String,
    pub levy_before: Option<i64>,
    pub levy_after: Option<i64>,
}

/// The totals of a comparison, for summary.json and the terminal.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub compared_to: String,
    pub changed_employers: usize,
    pub liable_before: usize,
    pub liable_after: usize,
    pub liable_change: i64,
    pub levy_total_before: String,
    pub levy_total_after: String,
    pub levy_total_change: String,
}

/// Compares `after` (the run's rule set) with `before` (the reference); both assess the
/// same register, so employers pair up by position.
pub fn compare(before: &Assessment, after: &Assessment) -> (Vec<Change>, Totals) {
    let mut changes = Vec::new();
    for (b, a) in before.employers.iter().zip(&after.employers) {
        debug_assert_eq!(b.employer_id, a.employer_id);
        if b.status != a.status || b.warning != a.warning || b.levy != a.levy {
            changes.push(Change {
                employer_id: a.employer_id.to_string(),
                status_before: b.status,
                status_after: a.status,
                warning_before: b.warning.map(|w| w.as_str().to_string()).unwrap_or_default(),
                warning_after: a.warning.map(|w| w.as_str().to_string()).unwrap_or_default(),
                levy_before: b.levy,
                levy_after: a.levy,
            });
        }
    }
    let (lb, la) = (before.count(Status::Liable), after.count(Status::Liable));
    let (tb, ta) = (before.levy_total(), after.levy_total());
    let totals = Totals {
        compared_to: format!("{} (sha256 {})", before.rules.origin, before.rules.sha256),
        changed_employers: changes.len(),
        liable_before: lb,
        liable_after: la,
        liable_change: la as i64 - lb as i64,
        levy_total_before: format_cents(tb),
        levy_total_after: format_cents(ta),
        levy_total_change: format_cents(ta - tb),
    };
    (changes, totals)
}

pub const HEADER: &[Col] = &[
    Col::text("employer_id"),
    Col::text("status_before"),
    Col::text("status_after"),
    Col::text("warning_before"),
    Col::text("warning_after"),
    Col::money("levy_before"),
    Col::money("levy_after"),
    Col::money("levy_change"),
];

pub fn rows(changes: &[Change]) -> impl Iterator<Item = Vec<String>> + '_ {
    changes.iter().map(|c| {
        let money = |x: Option<i64>| x.map(format_cents).unwrap_or_default();
        vec![
            c.employer_id.clone(),
            c.status_before.as_str().to_string(),
            c.status_after.as_str().to_string(),
            c.warning_before.clone(),
            c.warning_after.clone(),
            money(c.levy_before),
            money(c.levy_after),
            format_cents(c.levy_after.unwrap_or(0) - c.levy_before.unwrap_or(0)),
        ]
    })
}

pub fn terminal(t: &Totals) -> String {
    format!(
        "what-if against {}: {} employer(s) change; liable {} → {} ({:+}); levy total {} → {} (change {})\n",
        t.compared_to,
        t.changed_employers,
        t.liable_before,
        t.liable_after,
        t.liable_change,
        t.levy_total_before,
        t.levy_total_after,
        t.levy_total_change
    )
}
