//! Which contribution applies to a quarter (§1, §5).
//!
//! The invalidity-inflow levy (*cotisation de responsabilisation*, §3) applies to
//! quarters up to 2025Q4; the solidarity contribution (*cotisation de solidarité*,
//! §8) from 2026Q1. Which one applies is a dated switch of the rule set
//! (`levy.in_force`, `solidarity.in_force`), never a branch on a year in
//! code: a what-if rule file can switch the levy on for 2026.

use crate::error::{Error, Result};
use crate::quarter::Quarter;
use crate::rules::{RuleSet, Rules};
pub use crate::wing::{Contribution, Wing};

/// Every contribution responsa computes, in the order reports list them: the registry. A
/// new contribution is a folder `src/NAME/` whose wing implements [`Wing`], and one entry
/// here.
pub const ALL: [Contribution; 2] = [crate::levy::LEVY, crate::solidarity::SOLIDARITY];

impl Contribution {
    pub fn name(self) -> &'static str {
        self.wing().name()
    }

    /// One word for it, in messages and keys (`levy`, `solidarity`).
    pub fn short_name(self) -> &'static str {
        self.wing().short_name()
    }

    /// The reference of its notice to an employer for quarter `q` (§11): `RESP/2023Q4/E01`,
    /// `SOLI/2026Q1/E02`.
    pub fn reference(self, q: Quarter, employer_id: &str) -> String {
        format!("{}/{q}/{employer_id}", self.wing().notice_code())
    }

    /// The rule-set parameter that switches it on.
    pub fn switch(self) -> &'static str {
        self.wing().switch()
    }

    /// The quarters of employment lines its computation for `q` reads.
    pub fn employment_quarters(self, q: Quarter) -> Vec<Quarter> {
        self.wing().employment_quarters(q)
    }

    /// Every quarter whose stored data its computation for `q` reads: a correction of one
    /// of them makes an assessment of `q` out of date (§12).
    pub fn reads(self, q: Quarter) -> Vec<Quarter> {
        self.wing().reads(q)
    }

    pub fn in_force(self, r: &Rules) -> bool {
        self.wing().in_force(r)
    }

    /// The contribution whose short name is `name` (`levy`, `solidarity`).
    pub fn named(name: &str) -> Option<Contribution> {
        ALL.into_iter().find(|c| c.short_name() == name)
    }
}

/// What the contributions computed read besides the register and the employment lines.
pub fn needs<'a>(on: impl IntoIterator<Item = &'a Contribution>) -> crate::dataset::Needs {
    on.into_iter().fold(crate::dataset::Needs::NONE, |n, c| n.and(c.wing().needs()))
}

/// `2022Q4..2025Q4`, `from 2026Q1`, or `never` for a contribution's periods in a rule set.
pub fn describe_periods(set: &RuleSet, c: Contribution) -> String {
    let periods = set.periods(c.switch());
    if periods.is_empty() {
        return "never".into();
    }
    periods
        .iter()
        .map(|(a, b)| match b {
            Some(b) => format!("{a}..{b}"),
            None => format!("from {a}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The contributions to compute for a quarter: those in force. A quarter
/// with none is refused (exit 2) with one line naming every contribution and its periods.
pub fn to_compute(set: &RuleSet, rules: &Rules) -> Result<Vec<Contribution>> {
    let on: Vec<Contribution> = ALL.into_iter().filter(|c| c.in_force(rules)).collect();
    if !on.is_empty() {
        return Ok(on);
    }
    Err(Error::Usage(format!("{}: {}", rules.quarter, refusal(set, rules.quarter))))
}

fn refusal(set: &RuleSet, q: Quarter) -> String {
    let list: Vec<String> =
        ALL.iter().map(|c| format!("{} in force {}", c.name(), describe_periods(set, *c))).collect();
    format!("no contribution that responsa computes is in force for {q} (rule set {}): {}", set.origin, list.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quarter {
        s.parse().unwrap()
    }

    #[test]
    fn a_quarter_reaches_the_levy_of_eight_quarters_and_the_solidarity_of_five() {
        let reach = |c: Contribution| {
            let p = q("2023Q1");
            (0..12).filter(|k| c.reads(p.offset(*k)).contains(&p)).count()
        };
        assert_eq!(reach(crate::levy::LEVY), 8, "P..P+7");
        assert_eq!(reach(crate::solidarity::SOLIDARITY), 5, "P..P+4");
        assert_eq!(crate::solidarity::SOLIDARITY.reads(q("2026Q1")).first(), Some(&q("2025Q1")));
    }

    #[test]
    fn the_levy_ends_with_2025() {
        let set = RuleSet::embedded().unwrap();
        let at = |s| to_compute(&set, &set.resolve(q(s), false).unwrap());
        assert_eq!(at("2022Q4").unwrap(), vec![crate::levy::LEVY]);
        assert_eq!(at("2025Q4").unwrap(), vec![crate::levy::LEVY]);
        assert_eq!(describe_periods(&set, crate::levy::LEVY), "2022Q4..2025Q4");
        assert_eq!(describe_periods(&set, crate::solidarity::SOLIDARITY), "from 2026Q1");
    }

    #[test]
    fn a_levy_what_if_for_2026() {
        let text = crate::rules::DEFAULT_RULES.replace(
            "\"2026Q1\" = { value = false, source = { act = \"law-2025-12\"",
            "\"2026Q1\" = { value = true, source = { act = \"what-if\"",
        );
        let set = RuleSet::parse(&text, "what-if").unwrap();
        let r = set.resolve(q("2026Q2"), false).unwrap();
        assert!(to_compute(&set, &r).unwrap().contains(&crate::levy::LEVY));
    }
}
