//! The status of an employer (SPEC §3.5): the first of these that applies, in order.
//! Each variant's doc is the rule that gives it.

use crate::ratios::{meets, Pool};
use crate::rules::Rules;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// `private_sector` is false: outside the law of 5 December 1968.
    OutOfScope,
    /// `employer_category` in `sheltered_categories`, or `joint_committee` is
    /// `sheltered_joint_committee` or one of its sub-committees.
    ShelteredWorkshop,
    /// `average_headcount < min_workers` (SPEC §3.4).
    SmallEmployer,
    /// fewer than `min_cases` counted entries over Q-3..Q.
    FewerThan3Cases,
    /// `ratio(e)` undefined: no reference quarter with a denominator.
    NoReferenceEmployment,
    /// no level of `sector_levels` gives a group of `min_sector_employers` base employers.
    SectorTooSmall,
    /// `sector_factor` not met.
    BelowSectorMultiple,
    /// `private_factor` not met.
    BelowPrivateMultiple,
    /// every condition met: the levy is due.
    Liable,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::OutOfScope,
        Status::ShelteredWorkshop,
        Status::SmallEmployer,
        Status::FewerThan3Cases,
        Status::NoReferenceEmployment,
        Status::SectorTooSmall,
        Status::BelowSectorMultiple,
        Status::BelowPrivateMultiple,
        Status::Liable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::OutOfScope => "out_of_scope",
            Status::ShelteredWorkshop => "sheltered_workshop",
            Status::SmallEmployer => "small_employer",
            Status::FewerThan3Cases => "fewer_than_3_cases",
            Status::NoReferenceEmployment => "no_reference_employment",
            Status::SectorTooSmall => "sector_too_small",
            Status::BelowSectorMultiple => "below_sector_multiple",
            Status::BelowPrivateMultiple => "below_private_multiple",
            Status::Liable => "liable",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The rule that gives this status, in words, with its parameters.
    pub fn rule(self, r: &Rules) -> String {
        match self {
            Status::OutOfScope => "private_sector is false (SPEC §3.5, first row)".into(),
            Status::ShelteredWorkshop => format!(
                "employer_category in {} or joint_committee {}[.xx] (SPEC §3.5)",
                r.sheltered_categories.join("/"),
                r.sheltered_joint_committee
            ),
            Status::SmallEmployer => {
                format!("average headcount below min_workers = {} (SPEC §3.4, §3.5)", r.min_workers)
            }
            Status::FewerThan3Cases => format!("fewer than min_cases = {} counted entries (SPEC §3.5)", r.min_cases),
            Status::NoReferenceEmployment => {
                "no reference quarter with fte3y(r-4) > 0: ratio undefined (SPEC §3.3)".into()
            }
            Status::SectorTooSmall => format!(
                "no level of {:?} digits has {} base employers (SPEC §3.3)",
                r.sector_levels, r.min_sector_employers
            ),
            Status::BelowSectorMultiple => {
                format!("ratio(e) >= sector_factor {} × ratio(sector) fails (SPEC §3.3, §3.5)", r.sector_factor)
            }
            Status::BelowPrivateMultiple => {
                format!("ratio(e) >= private_factor {} × ratio(private) fails (SPEC §3.3, §3.5)", r.private_factor)
            }
            Status::Liable => "every condition of SPEC §3.5 is met".into(),
        }
    }
}

/// What the status depends on.
pub struct Facts<'a> {
    pub private_sector: bool,
    pub employer_category: &'a str,
    pub joint_committee: &'a str,
    /// Σ headcount(e, p) over the quarters of Q-4..Q-1 with a line, and their number.
    pub headcount_sum: i64,
    pub headcount_quarters: i64,
    pub pool: &'a Pool,
    /// The comparison group's pool, when a level of `sector_levels` qualified.
    pub sector: Option<&'a Pool>,
    pub private: &'a Pool,
}

impl Facts<'_> {
    /// SPEC §3.5 second row: a sheltered workshop by category or by joint committee.
    pub fn sheltered(&self, r: &Rules) -> bool {
        let jc = &r.sheltered_joint_committee;
        r.sheltered_categories.iter().any(|c| c == self.employer_category)
            || self.joint_committee == jc
            || self.joint_committee.strip_prefix(jc.as_str()).is_some_and(|rest| rest.starts_with('.'))
    }

    /// `average_headcount >= min_workers`, exactly: Σ headcount ≥ min_workers × quarters
    /// (an employer with no line in Q-4..Q-1 has average 0).
    pub fn large_enough(&self, r: &Rules) -> bool {
        self.headcount_quarters > 0 && self.headcount_sum >= r.min_workers as i64 * self.headcount_quarters
    }

    pub fn average_headcount(&self) -> f64 {
        if self.headcount_quarters == 0 {
            0.0
        } else {
            self.headcount_sum as f64 / self.headcount_quarters as f64
        }
    }
}

impl Status {
    /// Whether this row of the status table applies (SPEC §3.5). [`decide`] takes the
    /// first row that applies; `explain` lists every row with this same answer.
    pub fn applies(self, f: &Facts, r: &Rules) -> bool {
        match self {
            Status::OutOfScope => !f.private_sector,
            Status::ShelteredWorkshop => f.sheltered(r),
            Status::SmallEmployer => !f.large_enough(r),
            Status::FewerThan3Cases => f.pool.entries_total() < r.min_cases as i64,
            Status::NoReferenceEmployment => f.pool.quarters_used() == 0,
            Status::SectorTooSmall => f.sector.is_none(),
            Status::BelowSectorMultiple => !f.sector.is_some_and(|s| meets(f.pool, r.sector_factor, s)),
            Status::BelowPrivateMultiple => !meets(f.pool, r.private_factor, f.private),
            Status::Liable => true,
        }
    }
}

/// The first row of the status table that applies (SPEC §3.5).
pub fn decide(f: &Facts, r: &Rules) -> Status {
    Status::ALL.into_iter().find(|s| s.applies(f, r)).unwrap_or(Status::Liable)
}
