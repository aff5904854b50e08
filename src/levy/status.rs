//! The status of an employer (§3.5): the first row of the table that applies, in
//! order. Each variant's doc is the rule that gives it; [`Status::applies`] states each
//! row once, and both [`decide`] and `explain`'s checklist use it.
//!
//! > « Deze maatregel is enkel van toepassing op werkgevers die vallen onder het
//! > toepassingsgebied van de wet van 5 december 1968 [...], die gemiddeld 50 werknemers
//! > of meer in dienst hebben [...] en bij wie er minstens 3 werknemers in invaliditeit
//! > zijn getreden in de berekeningsperiode die 4 refertekwartalen omvat ((Q - 3) tot Q).
//! > Zijn uitgesloten, de werkgevers van de beschutte werkplaatsen en de maatwerkbedrijven
//! > [...] (werkgeverscategorieën 073, 176, 273, 373, 473, 573 en 673). »
//! > (ONSS/RSZ administrative instructions on the programmawet van 27 december 2021,
//! > art. 140 ff., as amended on 20 November 2022)

use crate::employer::Headcount;
use crate::rules::{Decimal, Rules};

use super::ratios::{meets, Pool};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// `private_sector` is false: outside the law of 5 December 1968.
    OutOfScope,
    /// `employer_category` in `sheltered_categories`, or `joint_committee` is
    /// `sheltered_joint_committee` or one of its sub-committees.
    ShelteredWorkshop,
    /// `average_headcount < min_workers` (§3.4).
    SmallEmployer,
    /// fewer than `min_cases` counted entries over Q-3..Q.
    FewerThanMinCases,
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
        Status::FewerThanMinCases,
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
            Status::FewerThanMinCases => "fewer_than_3_cases",
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
        let l = &r.levy;
        match self {
            Status::OutOfScope => "private_sector is false (§3.5, first row)".into(),
            Status::ShelteredWorkshop => format!("{} (§3.5)", crate::employer::sheltered_rule(&r.shared)),
            Status::SmallEmployer => {
                format!("average headcount below min_workers = {} (§3.4, §3.5)", l.min_workers)
            }
            Status::FewerThanMinCases => format!("fewer than min_cases = {} counted entries (§3.5)", l.min_cases),
            Status::NoReferenceEmployment => "no reference quarter with fte3y(r-4) > 0: ratio undefined (§3.3)".into(),
            Status::SectorTooSmall => {
                format!("no level of {:?} digits has {} base employers (§3.3)", l.sector_levels, l.min_sector_employers)
            }
            Status::BelowSectorMultiple => {
                format!("ratio(e) >= sector_factor {} × ratio(sector) fails (§3.3, §3.5)", l.sector_factor)
            }
            Status::BelowPrivateMultiple => {
                format!("ratio(e) >= private_factor {} × ratio(private) fails (§3.3, §3.5)", l.private_factor)
            }
            Status::Liable => "every condition of §3.5 is met".into(),
        }
    }

    /// The parameter whose source grounds the status; out of scope rests on the register.
    pub fn parameter(self) -> Option<&'static str> {
        match self {
            Status::OutOfScope => None,
            Status::ShelteredWorkshop => Some("shared.sheltered_categories"),
            Status::SmallEmployer => Some("levy.min_workers"),
            Status::FewerThanMinCases => Some("levy.min_cases"),
            Status::NoReferenceEmployment => Some("levy.min_seniority_years"),
            Status::SectorTooSmall => Some("levy.min_sector_employers"),
            Status::BelowSectorMultiple => Some("levy.sector_factor"),
            Status::BelowPrivateMultiple => Some("levy.private_factor"),
            Status::Liable => Some("levy.rate_percent"),
        }
    }
}

/// What the status depends on: the register row's facts, the headcount, and the pools.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub private_sector: bool,
    /// [`crate::employer::is_sheltered`] of the register row at Q.
    pub sheltered: bool,
    pub headcount: Headcount,
    pub pool: &'a Pool,
    /// The comparison group's pool, when a level of `sector_levels` qualified
    /// ([`super::sector::SectorChoice::found`]); `None` otherwise.
    pub sector: Option<&'a Pool>,
    pub private: &'a Pool,
}

impl Facts<'_> {
    /// A factor k is met against the sector (§3.3); never without a qualifying group.
    pub fn sector_factor_met(&self, k: Decimal) -> bool {
        self.sector.is_some_and(|s| meets(self.pool, k, s))
    }
    /// A factor k is met against the private sector (§3.3).
    pub fn private_factor_met(&self, k: Decimal) -> bool {
        meets(self.pool, k, self.private)
    }
}

impl Status {
    /// Whether this row of the status table applies (§3.5). [`decide`] takes the
    /// first row that applies; `explain` lists every row with this same answer.
    pub fn applies(self, f: &Facts, r: &Rules) -> bool {
        let l = &r.levy;
        match self {
            Status::OutOfScope => !f.private_sector,
            Status::ShelteredWorkshop => f.sheltered,
            Status::SmallEmployer => !f.headcount.at_least(l.min_workers),
            Status::FewerThanMinCases => f.pool.entries_total() < l.min_cases as i64,
            Status::NoReferenceEmployment => f.pool.quarters_used() == 0,
            Status::SectorTooSmall => f.sector.is_none(),
            Status::BelowSectorMultiple => !f.sector_factor_met(l.sector_factor),
            Status::BelowPrivateMultiple => !f.private_factor_met(l.private_factor),
            Status::Liable => true,
        }
    }
}

/// The first row of the status table that applies (§3.5).
pub fn decide(f: &Facts, r: &Rules) -> Status {
    Status::ALL.into_iter().find(|s| s.applies(f, r)).unwrap_or(Status::Liable)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::rules::RuleSet;

    pub fn rules() -> Rules {
        RuleSet::embedded().unwrap().resolve("2023Q4".parse().unwrap(), false).unwrap()
    }

    /// One FTE per quarter everywhere; `entries` per quarter for the employer.
    pub fn pool(entries: [i64; 4]) -> Pool {
        Pool { entries, fte: [100_000_000; 4] }
    }

    /// A liable employer: 60 workers, 3 entries over 100 FTE a quarter; its sector has 1
    /// entry a quarter over 1,000 FTE (ratio 0.001 → 7.5×), the private sector 1 over
    /// 2,000 (→ 15×).
    pub struct World {
        pub e: Pool,
        pub sector: Pool,
        pub private: Pool,
    }

    pub fn world() -> World {
        World {
            e: pool([1, 1, 1, 0]),
            sector: Pool { entries: [1; 4], fte: [1_000_000_000; 4] },
            private: Pool { entries: [1; 4], fte: [2_000_000_000; 4] },
        }
    }

    pub fn facts(w: &World) -> Facts<'_> {
        Facts {
            private_sector: true,
            sheltered: false,
            headcount: Headcount { sum: 240, quarters: 4 },
            pool: &w.e,
            sector: Some(&w.sector),
            private: &w.private,
        }
    }

    #[test]
    fn each_row_on_both_sides() {
        let r = rules();
        let w = world();
        assert_eq!(decide(&facts(&w), &r), Status::Liable, "the base case is liable");
        // The sector at exactly half the employer's ratio, the private sector at a third.
        // Employer ratio (1/100 × 3 + 0) / 4 = 0.0075 per FTE.
        let half = Pool { entries: [3, 3, 3, 3], fte: [800_000_000; 4] }; // 0.00375: exactly 2×
        let above_half = Pool { entries: [3, 3, 3, 3], fte: [799_999_999; 4] }; // a hair above: below 2×
        let third = Pool { entries: [1, 1, 1, 1], fte: [400_000_000; 4] }; // 0.0025: exactly 3×
        let above_third = Pool { entries: [1, 1, 1, 1], fte: [399_999_999; 4] };
        type Case<'a> = (&'a str, Box<dyn Fn(&mut Facts<'a>) + 'a>, Status);
        let cases: Vec<Case> = vec![
            ("public employer", Box::new(|f| f.private_sector = false), Status::OutOfScope),
            ("sheltered workshop", Box::new(|f| f.sheltered = true), Status::ShelteredWorkshop),
            ("average 49.75", Box::new(|f| f.headcount = Headcount { sum: 199, quarters: 4 }), Status::SmallEmployer),
            ("average exactly 50", Box::new(|f| f.headcount = Headcount { sum: 200, quarters: 4 }), Status::Liable),
            ("2 entries", Box::new(|f| f.pool = Box::leak(Box::new(pool([1, 1, 0, 0])))), Status::FewerThanMinCases),
            (
                "3 entries but no denominator",
                Box::new(|f| f.pool = Box::leak(Box::new(Pool { entries: [1, 1, 1, 0], fte: [0; 4] }))),
                Status::NoReferenceEmployment,
            ),
            ("no qualifying sector group", Box::new(|f| f.sector = None), Status::SectorTooSmall),
            (
                "sector at exactly half: 2× met",
                Box::new(move |f| f.sector = Some(Box::leak(Box::new(half)))),
                Status::Liable,
            ),
            (
                "sector a hair above half: 2× not met",
                Box::new(move |f| f.sector = Some(Box::leak(Box::new(above_half)))),
                Status::BelowSectorMultiple,
            ),
            (
                "private at exactly a third: 3× met",
                Box::new(move |f| f.private = Box::leak(Box::new(third))),
                Status::Liable,
            ),
            (
                "private a hair above a third: 3× not met",
                Box::new(move |f| f.private = Box::leak(Box::new(above_third))),
                Status::BelowPrivateMultiple,
            ),
        ];
        for (why, change, expected) in cases {
            let mut f = facts(&w);
            change(&mut f);
            assert_eq!(decide(&f, &r), expected, "{why}");
        }
    }

    #[test]
    fn earlier_rows_win() {
        let r = rules();
        let w = world();
        let mut f = facts(&w);
        f.private_sector = false;
        f.sheltered = true;
        f.headcount = Headcount::default();
        assert_eq!(decide(&f, &r), Status::OutOfScope, "out of scope comes before every other row");
        f.private_sector = true;
        assert_eq!(decide(&f, &r), Status::ShelteredWorkshop, "sheltered comes before small");
    }
}
