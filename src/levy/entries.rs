//! Counted entries into invalidity (§3.1), from the rows of the `invalidity` input
//! ([`crate::input::invalidity`]).
//!
//! > « Er wordt voor de instroom van werknemers in invaliditeit enkel rekening gehouden
//! > met werknemers van 18 tot en met 54 jaar, die ten minste drie achtereenvolgende
//! > jaren zonder onderbreking bij de desbetreffende werkgever tewerkgesteld zijn. »
//! > (programmawet van 27 december 2021, art. 140 ff., as restated by Beswic,
//! > 2 February 2022; §3.1 sets the age bound at 55 completed years, `max_age`)
//!
//! An invalidity row is a counted entry of employer e in reference quarter r when:
//! 1. the quarter of `invalidity_start` is r, one of Q-3..Q;
//! 2. the worker's age in completed years on `primary_incapacity_start` is at most
//!    `max_age` (the 55-year rule: 55 counts, 56 does not);
//! 3. `resumption_authorized` is false (art. 100 §2 of the coordinated AMI/ZIV law);
//! 4. seniority in completed years on `primary_incapacity_start` is at least
//!    `min_seniority_years` (the 3-year rule).
//!
//! Every row keeps each of these as a named value and the first rule that dropped it,
//! so that `explain` shows why a row did not count.

use crate::input::invalidity::InvalidityRow;
use crate::quarter::{completed_years, Quarter};
use crate::rules::LevyRules;

use super::reference::Reference;

/// Why an invalidity row is not a counted entry of the assessed quarter (§3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dropped {
    /// Rule 1: invalidity starts outside Q-3..Q.
    OutsideWindow,
    /// Rule 2: older than `max_age` on the primary incapacity start.
    Age,
    /// Rule 3: authorised to resume work.
    Resumption,
    /// Rule 4: less than `min_seniority_years` on the primary incapacity start.
    Seniority,
}

impl Dropped {
    pub fn describe(self) -> &'static str {
        match self {
            Dropped::OutsideWindow => "invalidity starts outside the reference quarters Q-3..Q (§3.1.1)",
            Dropped::Age => "older than max_age on the primary incapacity start (§3.1.2)",
            Dropped::Resumption => "authorised to resume work (§3.1.3)",
            Dropped::Seniority => "seniority below min_seniority_years on the primary incapacity start (§3.1.4)",
        }
    }
}

/// Each criterion of §3.1 for one row, for one assessed quarter.
#[derive(Debug, Clone)]
pub struct Criteria {
    pub entry_quarter: Quarter,
    /// The reference quarter index 0..4 (r1..r4), `None` outside Q-3..Q.
    pub reference_index: Option<usize>,
    pub age: i32,
    pub seniority_years: i32,
    pub dropped: Option<Dropped>,
}

/// §3.1 for one row and the assessed quarter of `reference`.
pub fn criteria(row: &InvalidityRow, reference: Reference, r: &LevyRules) -> Criteria {
    let entry_quarter = Quarter::of_day(row.invalidity_start);
    let reference_index = reference.index_of(entry_quarter);
    let age = completed_years(row.birth_date, row.primary_incapacity_start);
    let seniority_years = completed_years(row.seniority_date, row.primary_incapacity_start);
    let dropped = if reference_index.is_none() {
        Some(Dropped::OutsideWindow)
    } else if age > r.max_age {
        Some(Dropped::Age)
    } else if row.resumption_authorized {
        Some(Dropped::Resumption)
    } else if seniority_years < r.min_seniority_years as i32 {
        Some(Dropped::Seniority)
    } else {
        None
    };
    Criteria { entry_quarter, reference_index, age, seniority_years, dropped }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quarter::days_from_civil;
    use crate::rules::RuleSet;

    fn rules() -> LevyRules {
        RuleSet::embedded().unwrap().resolve("2023Q4".parse().unwrap(), false).unwrap().levy
    }

    /// An entry with invalidity on 2023-05-10, primary incapacity one year earlier.
    fn row(birth: (i32, u32, u32), seniority: (i32, u32, u32), resumption: bool) -> InvalidityRow {
        InvalidityRow {
            file: "t".into(),
            line: 2,
            worker_id: "W".into(),
            employer_id: "E".into(),
            primary_incapacity_start: days_from_civil(2022, 5, 10),
            invalidity_start: days_from_civil(2023, 5, 10),
            birth_date: days_from_civil(birth.0, birth.1, birth.2),
            seniority_date: days_from_civil(seniority.0, seniority.1, seniority.2),
            resumption_authorized: resumption,
        }
    }

    #[test]
    fn each_rule_on_both_sides() {
        let r = rules();
        let q4 = Reference::of("2023Q4".parse().unwrap());
        let ok_sen = (2015, 1, 1);
        let cases: [(InvalidityRow, Option<Dropped>, &str); 8] = [
            (row((1967, 5, 10), ok_sen, false), None, "exactly 55 on the primary incapacity start: counted"),
            (row((1966, 5, 10), ok_sen, false), Some(Dropped::Age), "56 on the start: not counted"),
            (row((1966, 5, 11), ok_sen, false), None, "the day before the 56th birthday: still 55, counted"),
            (row((1980, 1, 1), (2019, 5, 10), false), None, "exactly 3 years of seniority: counted"),
            (row((1980, 1, 1), (2019, 5, 11), false), Some(Dropped::Seniority), "one day short of 3 years"),
            (row((1980, 1, 1), ok_sen, true), Some(Dropped::Resumption), "authorised to resume work"),
            (row((1980, 1, 1), ok_sen, false), None, "an ordinary entry in 2023Q2 (r2)"),
            (row((1980, 1, 1), ok_sen, false), None, "same row, checked for r2 below"),
        ];
        for (row, dropped, why) in &cases {
            assert_eq!(criteria(row, q4, &r).dropped, *dropped, "{why}");
        }
        assert_eq!(criteria(&cases[6].0, q4, &r).reference_index, Some(1));
        // The same entry assessed for 2024Q3 is outside Q-3..Q (2023Q4..2024Q3).
        let q = Reference::of("2024Q3".parse().unwrap());
        assert_eq!(criteria(&cases[6].0, q, &r).dropped, Some(Dropped::OutsideWindow));
        // And for 2024Q2 it is r1 (2023Q3..2024Q2 does not hold 2023Q2): outside too.
        let q = Reference::of("2024Q2".parse().unwrap());
        assert_eq!(criteria(&cases[6].0, q, &r).dropped, Some(Dropped::OutsideWindow));
        let q = Reference::of("2024Q1".parse().unwrap());
        assert_eq!(criteria(&cases[6].0, q, &r).reference_index, Some(0));
    }
}
