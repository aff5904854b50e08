//! "Why this amount?": one employer's incapacities under the solidarity contribution
//! (§8.2), in plain words or as JSON (`responsa explain` for a solidarity quarter):
//! each incapacity's window, its days counted and not (Sundays, after the end, after a
//! part-time resumption), each row of the status table with its rule and source, and
//! the arithmetic. Every answer comes from the same rule functions as the assessment.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::parse::format_cents;
use crate::quarter::format_date;

use super::assess::Assessment;
use super::window::{classify, Day};

#[derive(Debug, Serialize)]
pub struct Explanation {
    pub quarter: String,
    pub employer_id: String,
    pub rule_set: String,
    pub average_headcount: f64,
    pub incapacities: Vec<IncapacityFacts>,
    pub contribution_total: String,
    pub due_quarter: String,
}

#[derive(Debug, Serialize)]
pub struct IncapacityFacts {
    pub file: String,
    pub line: i64,
    pub worker_id: String,
    pub worker_type: String,
    pub incapacity_start: String,
    pub incapacity_end: Option<String>,
    pub part_time_resumption: Option<String>,
    pub age: i32,
    pub service_months: i32,
    pub window_start: String,
    pub window_end: String,
    pub window_rule: String,
    pub indemnified_days: i64,
    /// The days of the window not counted, by why: dates.
    pub not_benefit_weekdays: Vec<String>,
    pub after_end: Vec<String>,
    pub after_resumption: Vec<String>,
    /// Each row of the status table in order, with whether it applies.
    pub checks: Vec<(String, bool)>,
    pub status: String,
    pub source: String,
    pub arithmetic: Option<String>,
    pub contribution: String,
}

pub fn explain(a: &Assessment, employer_id: &str) -> Result<Explanation> {
    let r = &a.rules;
    let s = &r.solidarity;
    let total = a.employers.iter().find(|e| e.employer_id == employer_id).ok_or_else(|| {
        Error::Usage(format!(
            "employer '{employer_id}' has no incapacity starting in {}: nothing to explain",
            a.quarter()
        ))
    })?;
    let incapacities = a
        .incapacities
        .iter()
        .filter(|x| x.row.employer_id == employer_id)
        .map(|x| {
            let (mut sundays, mut after_end, mut after_resumption) = (Vec::new(), Vec::new(), Vec::new());
            for d in x.window.start..=x.window.end {
                match classify(d, x.row.incapacity_end, x.row.part_time_resumption, s) {
                    Day::Indemnified => {}
                    Day::NoBenefitWeekday => sundays.push(format_date(d)),
                    Day::AfterEnd => after_end.push(format_date(d)),
                    Day::AfterResumption => after_resumption.push(format_date(d)),
                }
            }
            let facts = x.facts();
            let checks = super::status::Status::ALL
                .iter()
                .take_while(|st| **st != super::status::Status::Due)
                .map(|st| (format!("{}: {}", st.as_str(), st.rule(r)), st.applies(&facts, r)))
                .collect();
            let base = x.row.daily_benefit as i128 * x.days.indemnified as i128;
            let arithmetic = (x.status == super::status::Status::Due).then(|| {
                format!(
                    "{} % of {} days × {} = {} % of {} → {} (half up, once per incapacity)",
                    s.rate_percent,
                    x.days.indemnified,
                    format_cents(x.row.daily_benefit),
                    s.rate_percent,
                    format_cents(base as i64),
                    format_cents(x.contribution)
                )
            });
            IncapacityFacts {
                file: x.row.file.to_string(),
                line: x.row.line,
                worker_id: x.row.worker_id.clone(),
                worker_type: x.row.worker_type.clone(),
                incapacity_start: format_date(x.row.incapacity_start),
                incapacity_end: x.row.incapacity_end.map(format_date),
                part_time_resumption: x.row.part_time_resumption.map(format_date),
                age: x.age,
                service_months: x.service_months,
                window_start: format_date(x.window.start),
                window_end: format_date(x.window.end),
                window_rule: format!(
                    "day {} of the incapacity to {} calendar month(s) later less a day (§8.2); source: {}",
                    s.window_first_day,
                    s.window_months,
                    r.source_of("solidarity.window_months")
                ),
                indemnified_days: x.days.indemnified,
                not_benefit_weekdays: sundays,
                after_end,
                after_resumption,
                checks,
                status: x.status.as_str().to_string(),
                source: {
                    let mut sources: Vec<&str> = x.status.parameters().iter().map(|p| r.source_of(p)).collect();
                    sources.dedup();
                    sources.join("; ")
                },
                arithmetic,
                contribution: format_cents(x.contribution),
            }
        })
        .collect();
    Ok(Explanation {
        quarter: a.quarter().to_string(),
        employer_id: employer_id.to_string(),
        rule_set: format!("{} (sha256 {})", r.origin, r.sha256),
        average_headcount: total.headcount.average(),
        incapacities,
        contribution_total: format_cents(total.contribution),
        due_quarter: a.due_quarter().to_string(),
    })
}

/// A list of dates, shortened for the terminal.
fn dates(v: &[String]) -> String {
    match v.len() {
        0 => "none".into(),
        1..=10 => v.join(", "),
        n => format!("{} days, {} .. {}", n, v[0], v[n - 1]),
    }
}

pub fn render(x: &Explanation) -> String {
    let mut s = format!(
        "Employer {} — quarter {} — solidarity contribution (§8) — rule set {}\n  average headcount over Q-4..Q-1: {}\n",
        x.employer_id, x.quarter, x.rule_set, x.average_headcount
    );
    for (i, c) in x.incapacities.iter().enumerate() {
        s.push_str(&format!(
            "\n{}. {}:{} worker {} ({}), incapacity from {}{}{}, age {}, {} completed month(s) of service\n",
            i + 1,
            c.file,
            c.line,
            c.worker_id,
            c.worker_type,
            c.incapacity_start,
            c.incapacity_end.as_ref().map(|e| format!(" to {e}")).unwrap_or_else(|| ", still running".into()),
            c.part_time_resumption.as_ref().map(|p| format!(", part-time resumption {p}")).unwrap_or_default(),
            c.age,
            c.service_months
        ));
        s.push_str(&format!("   window {} .. {}: {}\n", c.window_start, c.window_end, c.window_rule));
        s.push_str(&format!("   indemnified days: {}\n", c.indemnified_days));
        s.push_str(&format!("   not counted, not a benefit weekday (Sundays): {}\n", dates(&c.not_benefit_weekdays)));
        s.push_str(&format!("   not counted, after the end: {}\n", dates(&c.after_end)));
        s.push_str(&format!("   not counted, on or after the part-time resumption: {}\n", dates(&c.after_resumption)));
        for (rule, applies) in &c.checks {
            s.push_str(&format!("   [{}] {rule}\n", if *applies { "x" } else { " " }));
        }
        s.push_str(&format!("   → {} (source: {})\n", c.status, c.source));
        if let Some(a) = &c.arithmetic {
            s.push_str(&format!("   {a}\n"));
        }
    }
    s.push_str(&format!("\ncontribution total: EUR {}, due {}\n", x.contribution_total, x.due_quarter));
    s
}
