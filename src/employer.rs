//! What both contributions ask of an employer (§3.4, §3.5, §8.2): is it a sheltered
//! workshop, and how many workers does it employ on average.

use crate::quarter::Quarter;
use crate::rules::SharedRules;

/// §3.5, second row, and §8.2, first row: a sheltered workshop by its ONSS employer
/// category, or by its joint committee (`sheltered_joint_committee` or one of its
/// sub-committees, `327` or `327.xx`).
pub fn is_sheltered(employer_category: &str, joint_committee: &str, r: &SharedRules) -> bool {
    let jc = r.sheltered_joint_committee.as_str();
    r.sheltered_categories.iter().any(|c| c == employer_category)
        || joint_committee == jc
        || joint_committee.strip_prefix(jc).is_some_and(|rest| rest.starts_with('.'))
}

/// The sheltered-workshop rule in words, with its parameters (for explanations).
pub fn sheltered_rule(r: &SharedRules) -> String {
    format!(
        "employer_category in {} or joint_committee {}[.xx]",
        r.sheltered_categories.join("/"),
        r.sheltered_joint_committee
    )
}

/// The quarters whose headcount is averaged for quarter `q`: Q-4..Q-1 (§3.4).
pub fn headcount_quarters(q: Quarter) -> [Quarter; 4] {
    [q.offset(-4), q.offset(-3), q.offset(-2), q.offset(-1)]
}

/// §3.4: `average_headcount(e)` = Σ headcount(e, p) over the quarters p of Q-4..Q-1
/// where e has at least one employment line, divided by the number of such quarters
/// (0 when there is none). Kept as the exact sum and count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Headcount {
    pub sum: i64,
    pub quarters: i64,
}

impl Headcount {
    /// Adds one quarter in which the employer has a line.
    pub fn add_quarter(&mut self, headcount: i64) {
        self.sum += headcount;
        self.quarters += 1;
    }

    /// The average as printed (§4 `average_headcount`).
    pub fn average(&self) -> f64 {
        if self.quarters == 0 {
            0.0
        } else {
            self.sum as f64 / self.quarters as f64
        }
    }

    /// `average_headcount >= min`, exactly: Σ ≥ min × quarters. An employer with no line
    /// in Q-4..Q-1 averages 0, which is below any positive minimum.
    pub fn at_least(&self, min: u64) -> bool {
        if self.quarters == 0 {
            return min == 0;
        }
        self.sum as i128 >= min as i128 * self.quarters as i128
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared() -> SharedRules {
        SharedRules {
            first_quarter: crate::quarter::Quarter(0),
            sheltered_categories: vec!["073".into(), "176".into()],
            sheltered_joint_committee: "327".into(),
            max_line_fte_micro: 1_500_000,
            max_line_wages_cents: 1_000_000_000,
            max_daily_benefit_cents: 100_000,
            max_rejected_share: crate::rules::Decimal { units: 1, scale: 0 },
            max_quarter_drop: crate::rules::Decimal { units: 10, scale: 0 },
            regularisation_due_lag: 1,
        }
    }

    #[test]
    fn sheltered_by_category_or_committee() {
        let r = shared();
        let cases = [
            ("073", "200", true, "category 073"),
            ("176", "200", true, "category 176"),
            ("074", "200", false, "category 074 is not listed"),
            ("010", "327", true, "committee 327"),
            ("010", "327.02", true, "sub-committee 327.02"),
            ("010", "3270", false, "3270 is not 327 nor one of its sub-committees"),
            ("010", "32", false, "32 is a prefix of 327, not the committee"),
        ];
        for (cat, jc, expected, why) in cases {
            assert_eq!(is_sheltered(cat, jc, &r), expected, "{why}");
        }
    }

    #[test]
    fn average_headcount_boundaries() {
        // 50, 50, 50, 49 → 49.75: below 50.
        let mut h = Headcount::default();
        for n in [50, 50, 50, 49] {
            h.add_quarter(n);
        }
        assert_eq!(h.average(), 49.75);
        assert!(!h.at_least(50));
        // 50 in each quarter: exactly 50 meets it.
        let h = Headcount { sum: 200, quarters: 4 };
        assert!(h.at_least(50));
        // Only quarters with lines are averaged: 100 in one quarter → 100.
        let h = Headcount { sum: 100, quarters: 1 };
        assert!(h.at_least(50));
        // No line at all: average 0.
        assert!(!Headcount::default().at_least(50));
        assert_eq!(Headcount::default().average(), 0.0);
    }

    #[test]
    fn averaged_quarters() {
        let q: Quarter = "2023Q4".parse().unwrap();
        let names: Vec<String> = headcount_quarters(q).iter().map(|q| q.to_string()).collect();
        assert_eq!(names, ["2022Q4", "2023Q1", "2023Q2", "2023Q3"]);
    }
}
