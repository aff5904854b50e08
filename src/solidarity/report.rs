//! The solidarity contribution's outputs (§8.3): `solidarity.csv`,
//! `solidarity_by_employer.csv` and its part of `summary.json`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Result;
use crate::input::rejects::InputCounts;
use crate::parse::format_cents;
use crate::quarter::format_date;
use crate::report::Col;
use crate::report::RulesSummary;
use crate::report::Staging;

use super::assess::Assessment;
use super::status::Status;
use super::whatif;

pub const INCAPACITY_HEADER: &[Col] = &[
    Col::text("employer_id"),
    Col::text("worker_id"),
    Col::date("incapacity_start"),
    Col::date("window_start"),
    Col::date("window_end"),
    Col::number("indemnified_days"),
    Col::money("daily_benefit"),
    Col::money("contribution"),
    Col::text("status"),
];

pub const EMPLOYER_HEADER: &[Col] = &[
    Col::text("employer_id"),
    Col::text("quarter"),
    Col::text("due_quarter"),
    Col::number("average_headcount"),
    Col::number("incapacities"),
    Col::number("due_incapacities"),
    Col::number("indemnified_days"),
    Col::money("contribution"),
];

/// The `solidarity` object of `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    pub due_quarter: String,
    pub incapacities: usize,
    pub status: BTreeMap<&'static str, usize>,
    pub contribution_total: String,
    pub contribution_total_cents: i64,
    pub employers: usize,
    pub employers_liable: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub what_if: Option<whatif::Totals>,
}

/// `summary.json` of a quarter under the solidarity contribution alone.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub quarter: String,
    pub contribution: &'static str,
    pub solidarity: Part,
    pub rules: RulesSummary,
    pub inputs: BTreeMap<&'static str, InputCounts>,
}

pub fn part(a: &Assessment) -> Part {
    Part {
        due_quarter: a.due_quarter().to_string(),
        incapacities: a.incapacities.len(),
        status: Status::ALL.iter().map(|s| (s.as_str(), a.count(*s))).collect(),
        contribution_total: format_cents(a.total()),
        contribution_total_cents: a.total(),
        employers: a.employers.len(),
        employers_liable: a.liable_employers(),
        what_if: None,
    }
}

pub fn summary(a: &Assessment, inputs: &BTreeMap<&'static str, InputCounts>, part: Part) -> Summary {
    Summary {
        quarter: a.quarter().to_string(),
        contribution: "solidarity",
        solidarity: part,
        rules: RulesSummary::of(&a.rules),
        inputs: inputs.clone(),
    }
}

/// Stages the tables of §8.3 and returns the summary part.
pub fn stage(st: &mut Staging, a: &Assessment, what_if: Option<(&[whatif::Change], &whatif::Totals)>) -> Result<Part> {
    st.csv(
        "solidarity.csv",
        INCAPACITY_HEADER,
        a.incapacities.iter().map(|x| {
            vec![
                x.row.employer_id.clone(),
                x.row.worker_id.clone(),
                format_date(x.row.incapacity_start),
                format_date(x.window.start),
                format_date(x.window.end),
                x.days.indemnified.to_string(),
                format_cents(x.row.daily_benefit),
                format_cents(x.contribution),
                x.status.as_str().to_string(),
            ]
        }),
    )?;
    let q = a.quarter().to_string();
    let due = a.due_quarter().to_string();
    st.csv(
        "solidarity_by_employer.csv",
        EMPLOYER_HEADER,
        a.employers.iter().map(|e| {
            vec![
                e.employer_id.clone(),
                q.clone(),
                due.clone(),
                format!("{}", e.headcount.average()),
                e.incapacities.to_string(),
                e.due_incapacities.to_string(),
                e.indemnified_days.to_string(),
                format_cents(e.contribution),
            ]
        }),
    )?;
    let mut p = part(a);
    if let Some((changes, totals)) = what_if {
        st.csv("solidarity_what_if.csv", whatif::HEADER, whatif::rows(changes))?;
        p.what_if = Some(totals.clone());
    }
    Ok(p)
}

/// The short human summary printed after a run.
pub fn terminal_summary(a: &Assessment) -> String {
    let mut s = format!(
        "quarter {}  (contribution due {})\nincapacities starting in the quarter: {}\n",
        a.quarter(),
        a.due_quarter(),
        a.incapacities.len()
    );
    for st in Status::ALL {
        s.push_str(&format!("  {:<24} {:>8}\n", st.as_str(), a.count(st)));
    }
    s.push_str(&format!(
        "employers liable: {}   contribution total: EUR {}\n",
        a.liable_employers(),
        format_cents(a.total())
    ));
    s
}
