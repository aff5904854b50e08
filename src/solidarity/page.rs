//! The solidarity contribution's report.html (§8, §11): key figures, who owes it, the
//! incapacities by status and by worker type, the contribution by employer size.

use super::assess::Assessment as SolidarityAssessment;
use super::status::Status as SolidarityStatus;

use crate::html::{bars, euros, figure, Page, Table, TrendValue, SHOWN};

/// A solidarity status in words (§8.2), with the rule set's thresholds.
pub fn solidarity_status_words(s: SolidarityStatus, r: &crate::rules::SolidarityRules) -> String {
    match s {
        SolidarityStatus::ShelteredWorkshop => "sheltered workshop".into(),
        SolidarityStatus::SmallEmployer => format!("employer of fewer than {} workers", r.min_workers),
        SolidarityStatus::ExcludedWorkerType => "worker type not covered".into(),
        SolidarityStatus::DisabilityRecognised => "recognised work disability".into(),
        SolidarityStatus::AgeOutOfRange => format!("age outside {}–{}", r.min_age, r.max_age),
        SolidarityStatus::ShortService => format!("less than {} month(s) of service", r.min_service_months),
        SolidarityStatus::NoIndemnifiedDay => "no indemnified day in the window".into(),
        SolidarityStatus::Due => "due".into(),
    }
}

/// The solidarity contribution's page (§11): key figures, the contribution by
/// employer size, the incapacities by status.
pub fn solidarity_page(a: &SolidarityAssessment) -> Page {
    let q = a.quarter();
    let r = &a.rules.solidarity;
    let due = a.count(SolidarityStatus::Due);
    let figures = vec![
        figure("incapacities starting in the quarter", a.incapacities.len()),
        figure("due", due),
        figure("employers owing", a.liable_employers()),
        figure(&format!("contribution total, due {}", a.due_quarter()), euros(a.total())),
    ];
    let statuses = bars(
        "Incapacities by status",
        "Each incapacity gets the first status that applies, in this order.",
        SolidarityStatus::ALL
            .iter()
            .map(|s| (solidarity_status_words(*s, r), a.count(*s) as f64, crate::parse::thousands(a.count(*s) as u64)))
            .collect(),
    );
    // Sizes from the threshold up: below it nothing is owed (the status above counts them).
    let min = r.min_workers as f64;
    let mut edges: Vec<f64> = [min, 100.0, 250.0, 500.0, 1000.0].into_iter().filter(|x| *x >= min).collect();
    edges.dedup();
    let classes: Vec<(String, f64, f64)> = edges
        .iter()
        .enumerate()
        .map(|(i, lo)| match edges.get(i + 1) {
            Some(hi) => (format!("{}–{}", count(*lo), count(hi - 1.0)), *lo, *hi),
            None => (format!("{} or more", count(*lo)), *lo, f64::INFINITY),
        })
        .collect();
    let by_size = bars(
        "Contribution by employer size",
        &format!("Employers by their average headcount over Q-4..Q-1, from {} workers up.", r.min_workers),
        classes
            .iter()
            .map(|(l, lo, hi)| {
                let cents: i64 = a
                    .employers
                    .iter()
                    .filter(|e| (*lo..*hi).contains(&e.headcount.average()))
                    .map(|e| e.contribution)
                    .sum();
                (format!("{l} workers"), cents as f64, euros(cents))
            })
            .collect(),
    );
    let mut types: std::collections::BTreeMap<&str, (u64, u64, i64)> = std::collections::BTreeMap::new();
    for i in &a.incapacities {
        let t = types.entry(i.row.worker_type.as_str()).or_default();
        t.0 += 1;
        if i.status == SolidarityStatus::Due {
            t.1 += 1;
        }
        t.2 += i.contribution;
    }
    let by_type = bars(
        "Incapacities by worker type",
        "Incapacities starting in the quarter, by the worker's type; the contribution is due for the covered ones.",
        types
            .iter()
            .map(|(t, (n, d, c))| (t.to_string(), *n as f64, format!("{n} ({d} due, {})", euros(*c))))
            .collect(),
    );
    let mut owing: Vec<&crate::solidarity::assess::EmployerTotal> =
        a.employers.iter().filter(|e| e.contribution > 0).collect();
    owing.sort_by(|x, y| y.contribution.cmp(&x.contribution).then_with(|| x.employer_id.cmp(&y.employer_id)));
    let owing_table = Table {
        id: "owing".into(),
        title: format!("Employers owing the contribution ({}), largest first", owing.len()),
        note: if owing.len() > SHOWN {
            format!("The {SHOWN} largest; every one is in solidarity_by_employer.csv.")
        } else {
            "Every employer owing it; every incapacity is in solidarity.csv.".into()
        },
        header: ["employer", "average headcount", "incapacities due", "indemnified days", "contribution"]
            .map(String::from)
            .to_vec(),
        numeric: vec![false, true, true, true, true],
        rows: owing
            .iter()
            .take(SHOWN)
            .map(|e| {
                vec![
                    e.employer_id.clone(),
                    format!("{:.2}", e.headcount.average()),
                    e.due_incapacities.to_string(),
                    e.indemnified_days.to_string(),
                    euros(e.contribution),
                ]
            })
            .collect(),
    };
    Page {
        title: format!("Cotisation de solidarité — {q}"),
        subtitle: format!(
            "Solidarity contribution for incapacities starting in {q}, due {} (rule set {})",
            a.due_quarter(),
            a.rules.origin
        ),
        figures,
        scatter: None,
        charts: vec![statuses, by_size, by_type],
        trend: None,
        quality: Vec::new(),
        quality_notes: Vec::new(),
        tables: vec![owing_table],
        footer: "responsa. Every figure is in solidarity.csv and solidarity_by_employer.csv beside this page.".into(),
        trend_values: vec![TrendValue {
            quarter: q.to_string(),
            series: super::SOLIDARITY.short_name(),
            name: super::SOLIDARITY.name(),
            cents: a.total(),
        }],
    }
}

/// A whole number of workers as the page writes it (`1,000`).
fn count(x: f64) -> String {
    crate::parse::thousands(x.max(0.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_are_words() {
        let set = crate::rules::RuleSet::embedded().expect("rules");
        let r = set.resolve(crate::quarter::Quarter::new(2026, 1).expect("q"), false).expect("resolved");
        for s in SolidarityStatus::ALL {
            assert!(!solidarity_status_words(s, &r.solidarity).contains('_'), "{s:?}");
        }
    }
}
