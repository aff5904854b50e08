//! The solidarity contribution for one quarter (§8.2): each incapacity starting in
//! Q, its window, indemnified days, status and contribution, and per employer the sum
//! of its `due` incapacities, due at Q + `solidarity_payment_lag`. The rules live in
//! [`window`](super::window), [`status`](super::status) and [`amount`](super::amount);
//! this module gathers their facts.

use std::collections::BTreeMap;

use crate::dataset::Dataset;
use crate::employer::{self, Headcount};
use crate::error::Result;
use crate::input::incapacity::IncapacityRow;
use crate::quarter::{completed_months, completed_years, Quarter};
use crate::rules::Rules;

use super::amount::contribution_cents;
use super::status::{decide, Facts, Status};
use super::window::{days, window, Days, Window};

/// One assessed incapacity.
#[derive(Debug, Clone)]
pub struct Incapacity {
    pub row: IncapacityRow,
    pub window: Window,
    pub days: Days,
    pub age: i32,
    pub service_months: i32,
    pub sheltered: bool,
    pub headcount: Headcount,
    pub status: Status,
    /// Cents; 0 unless `due`.
    pub contribution: i64,
}

impl Incapacity {
    pub fn facts(&self) -> Facts<'_> {
        Facts {
            sheltered: self.sheltered,
            headcount: self.headcount,
            worker_type: &self.row.worker_type,
            disability_recognised: self.row.disability_recognised,
            age: self.age,
            service_months: self.service_months,
            indemnified_days: self.days.indemnified,
        }
    }
}

/// One employer with an incapacity in Q (§8.3 `solidarity_by_employer.csv`).
#[derive(Debug, Clone)]
pub struct EmployerTotal {
    pub employer_id: String,
    pub headcount: Headcount,
    pub incapacities: u64,
    pub due_incapacities: u64,
    /// Of its `due` incapacities.
    pub indemnified_days: i64,
    pub contribution: i64,
}

/// The solidarity assessment of one quarter.
pub struct Assessment {
    pub rules: Rules,
    /// Sorted by employer, worker, start.
    pub incapacities: Vec<Incapacity>,
    /// Sorted by employer.
    pub employers: Vec<EmployerTotal>,
}

impl Assessment {
    pub fn quarter(&self) -> Quarter {
        self.rules.quarter
    }
    pub fn due_quarter(&self) -> Quarter {
        self.rules.quarter.offset(self.rules.solidarity.payment_lag)
    }
    pub fn total(&self) -> i64 {
        self.employers.iter().map(|e| e.contribution).sum()
    }
    pub fn count(&self, s: Status) -> usize {
        self.incapacities.iter().filter(|i| i.status == s).count()
    }
    pub fn liable_employers(&self) -> usize {
        self.employers.iter().filter(|e| e.due_incapacities > 0).count()
    }
}

/// §8.2 for quarter `rules.quarter`.
pub fn assess(data: &Dataset, rules: Rules) -> Result<Assessment> {
    let q = rules.quarter;
    let s = &rules.solidarity;
    let averaged = employer::headcount_quarters(q);
    let register: BTreeMap<&str, &crate::input::register::RegisterRow> =
        data.register.at(q).into_iter().map(|r| (r.employer_id.as_str(), r)).collect();
    let mut incapacities = Vec::new();
    for row in data.incapacity.iter().filter(|r| r.quarter() == q) {
        // §8.1: a row whose employer has no register row in its quarter was rejected.
        let reg = register.get(row.employer_id.as_str()).ok_or_else(|| {
            anyhow::anyhow!("{}:{}: employer {} has no register row at {q}", row.file, row.line, row.employer_id)
        })?;
        let mut headcount = Headcount::default();
        if let Some(e) = data.register.position(&row.employer_id) {
            for g in data.occupation.of_employer(e).iter().filter(|g| averaged.contains(&g.quarter)) {
                headcount.add_quarter(g.headcount);
            }
        }
        let w = window(row.incapacity_start, s);
        let days = days(w, row.incapacity_end, row.part_time_resumption, s);
        let mut x = Incapacity {
            row: row.clone(),
            window: w,
            days,
            age: completed_years(row.birth_date, row.incapacity_start),
            service_months: completed_months(row.service_start, row.incapacity_start),
            sheltered: employer::is_sheltered(&reg.employer_category, &reg.joint_committee, &rules.shared),
            headcount,
            status: Status::Due,
            contribution: 0,
        };
        x.status = decide(&x.facts(), &rules);
        if x.status == Status::Due {
            x.contribution = contribution_cents(row.daily_benefit, days.indemnified, s.rate_percent);
        }
        incapacities.push(x);
    }
    incapacities.sort_by(|a, b| {
        (a.row.employer_id.as_str(), a.row.worker_id.as_str(), a.row.incapacity_start).cmp(&(
            b.row.employer_id.as_str(),
            b.row.worker_id.as_str(),
            b.row.incapacity_start,
        ))
    });
    let mut employers: Vec<EmployerTotal> = Vec::new();
    for x in &incapacities {
        if employers.last().is_none_or(|e| e.employer_id != x.row.employer_id) {
            employers.push(EmployerTotal {
                employer_id: x.row.employer_id.clone(),
                headcount: x.headcount,
                incapacities: 0,
                due_incapacities: 0,
                indemnified_days: 0,
                contribution: 0,
            });
        }
        if let Some(e) = employers.last_mut() {
            e.incapacities += 1;
            if x.status == Status::Due {
                e.due_incapacities += 1;
                e.indemnified_days += x.days.indemnified;
                e.contribution += x.contribution;
            }
        }
    }
    Ok(Assessment { rules, incapacities, employers })
}
