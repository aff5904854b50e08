//! The status of an incapacity under the solidarity contribution (§8.2): the first
//! row of the table that applies, in this order. [`Status::applies`] states each row
//! once; [`decide`] and `explain` both use it.
//!
//! > "due by employers with on average 50 workers or more, private sector and public
//! > sector (contractual staff); for workers aged 18 to 54 at the start of the incapacity
//! > with at least one month of service; not for temporary agency workers, flexi-jobs,
//! > student jobs, occasional workers, foster parents, apprentices, nor for workers with
//! > a recognised work disability, psychosocial limitation or vulnerability, nor in
//! > sheltered and social workshops"
//! > (§8, summarising the law of December 2025, M.B. 30.12.2025)
//!
//! The employer's `private_sector` does not matter: public employers owe it for their
//! contractual staff, and statutory staff are excluded by worker type.

use crate::employer::Headcount;
use crate::rules::Rules;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// The employer's register row at Q is a sheltered workshop (§3.5's rule).
    ShelteredWorkshop,
    /// `average_headcount` (§3.4, over Q-4..Q-1) < `solidarity_min_workers`.
    SmallEmployer,
    /// `worker_type` in `solidarity_excluded_worker_types`.
    ExcludedWorkerType,
    /// A recognised work disability, psychosocial limitation or vulnerability.
    DisabilityRecognised,
    /// Completed years on `incapacity_start` below `solidarity_min_age` or above
    /// `solidarity_max_age`.
    AgeOutOfRange,
    /// Completed months of service on `incapacity_start` below
    /// `solidarity_min_service_months`.
    ShortService,
    /// No indemnified day in the window.
    NoIndemnifiedDay,
    /// Every condition met: the contribution is due.
    Due,
}

/// What the status depends on.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub sheltered: bool,
    pub headcount: Headcount,
    pub worker_type: &'a str,
    pub disability_recognised: bool,
    /// Completed years on `incapacity_start`.
    pub age: i32,
    /// Completed months of service on `incapacity_start`.
    pub service_months: i32,
    pub indemnified_days: i64,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::ShelteredWorkshop,
        Status::SmallEmployer,
        Status::ExcludedWorkerType,
        Status::DisabilityRecognised,
        Status::AgeOutOfRange,
        Status::ShortService,
        Status::NoIndemnifiedDay,
        Status::Due,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::ShelteredWorkshop => "sheltered_workshop",
            Status::SmallEmployer => "small_employer",
            Status::ExcludedWorkerType => "excluded_worker_type",
            Status::DisabilityRecognised => "disability_recognised",
            Status::AgeOutOfRange => "age_out_of_range",
            Status::ShortService => "short_service",
            Status::NoIndemnifiedDay => "no_indemnified_day",
            Status::Due => "due",
        }
    }

    /// Whether this row of the table applies (§8.2).
    pub fn applies(self, f: &Facts, r: &Rules) -> bool {
        let s = &r.solidarity;
        match self {
            Status::ShelteredWorkshop => f.sheltered,
            Status::SmallEmployer => !f.headcount.at_least(s.min_workers),
            Status::ExcludedWorkerType => s.excluded_worker_types.iter().any(|t| t == f.worker_type),
            Status::DisabilityRecognised => s.excludes_recognised_disability && f.disability_recognised,
            Status::AgeOutOfRange => f.age < s.min_age || f.age > s.max_age,
            Status::ShortService => f.service_months < s.min_service_months,
            Status::NoIndemnifiedDay => f.indemnified_days == 0,
            Status::Due => true,
        }
    }

    /// The rule in words, with its parameters.
    pub fn rule(self, r: &Rules) -> String {
        let s = &r.solidarity;
        match self {
            Status::ShelteredWorkshop => format!(
                "the employer's register row at Q is a sheltered workshop: {} (§8.2, §3.5)",
                crate::employer::sheltered_rule(&r.shared)
            ),
            Status::SmallEmployer => {
                format!("average headcount over Q-4..Q-1 below solidarity_min_workers = {} (§8.2, §3.4)", s.min_workers)
            }
            Status::ExcludedWorkerType => {
                format!("worker_type in {} (§8.2)", s.excluded_worker_types.join("/"))
            }
            Status::DisabilityRecognised => {
                "recognised work disability, psychosocial limitation or vulnerability (§8.2)".into()
            }
            Status::AgeOutOfRange => {
                format!("age on incapacity_start outside {}..{} completed years (§8.2)", s.min_age, s.max_age)
            }
            Status::ShortService => {
                format!("fewer than {} completed month(s) of service on incapacity_start (§8.2)", s.min_service_months)
            }
            Status::NoIndemnifiedDay => "no indemnified day in the window (§8.2)".into(),
            Status::Due => "every condition of §8.2 is met: the contribution is due".into(),
        }
    }

    /// The parameters whose sources ground the status.
    pub fn parameters(self) -> &'static [&'static str] {
        match self {
            Status::ShelteredWorkshop => &["shared.sheltered_categories", "shared.sheltered_joint_committee"],
            Status::SmallEmployer => &["solidarity.min_workers"],
            Status::ExcludedWorkerType => &["solidarity.excluded_worker_types"],
            Status::DisabilityRecognised => &["solidarity.excludes_recognised_disability"],
            Status::AgeOutOfRange => &["solidarity.min_age", "solidarity.max_age"],
            Status::ShortService => &["solidarity.min_service_months"],
            Status::NoIndemnifiedDay => &["solidarity.window_first_day"],
            Status::Due => &["solidarity.rate_percent"],
        }
    }
}

/// The first row that applies (§8.2).
pub fn decide(f: &Facts, r: &Rules) -> Status {
    Status::ALL.into_iter().find(|s| s.applies(f, r)).unwrap_or(Status::Due)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    fn rules() -> Rules {
        RuleSet::embedded().unwrap().resolve("2026Q1".parse().unwrap(), false).unwrap()
    }

    fn due() -> Facts<'static> {
        Facts {
            sheltered: false,
            headcount: Headcount { sum: 200, quarters: 4 },
            worker_type: "ordinary",
            disability_recognised: false,
            age: 40,
            service_months: 12,
            indemnified_days: 51,
        }
    }

    #[test]
    fn each_row_on_both_sides() {
        let r = rules();
        assert_eq!(decide(&due(), &r), Status::Due);
        type Change = fn(&mut Facts<'static>);
        let cases: Vec<(&str, Change, Status)> = vec![
            ("sheltered", |f| f.sheltered = true, Status::ShelteredWorkshop),
            ("average 49.75", |f| f.headcount = Headcount { sum: 199, quarters: 4 }, Status::SmallEmployer),
            ("average exactly 50", |f| f.headcount = Headcount { sum: 200, quarters: 4 }, Status::Due),
            ("statutory staff", |f| f.worker_type = "statutory", Status::ExcludedWorkerType),
            ("temporary agency", |f| f.worker_type = "temporary_agency", Status::ExcludedWorkerType),
            ("flexi-job", |f| f.worker_type = "flexi_job", Status::ExcludedWorkerType),
            ("student", |f| f.worker_type = "student", Status::ExcludedWorkerType),
            ("occasional", |f| f.worker_type = "occasional", Status::ExcludedWorkerType),
            ("foster parent", |f| f.worker_type = "foster_parent", Status::ExcludedWorkerType),
            ("apprentice", |f| f.worker_type = "apprentice", Status::ExcludedWorkerType),
            ("recognised disability", |f| f.disability_recognised = true, Status::DisabilityRecognised),
            ("age 17", |f| f.age = 17, Status::AgeOutOfRange),
            ("age 18", |f| f.age = 18, Status::Due),
            ("age 54", |f| f.age = 54, Status::Due),
            ("age 55", |f| f.age = 55, Status::AgeOutOfRange),
            ("no completed month", |f| f.service_months = 0, Status::ShortService),
            ("one month exactly", |f| f.service_months = 1, Status::Due),
            ("no indemnified day", |f| f.indemnified_days = 0, Status::NoIndemnifiedDay),
            ("one indemnified day", |f| f.indemnified_days = 1, Status::Due),
        ];
        for (why, change, expected) in cases {
            let mut f = due();
            change(&mut f);
            assert_eq!(decide(&f, &r), expected, "{why}");
        }
        let mut f = due();
        f.sheltered = true;
        f.worker_type = "student";
        f.indemnified_days = 0;
        assert_eq!(decide(&f, &r), Status::ShelteredWorkshop, "the first row that applies wins");
    }
}
