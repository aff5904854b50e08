//! The window of the solidarity contribution and its indemnified days (§8.2).
//!
//! - `window_start` = `incapacity_start` + (`window_first_day` − 1) days: the 31st day;
//! - `window_end` = `window_start` plus `window_months` calendar months, minus one day
//!   (n months after a date: the same day of the month, or the last day of that month
//!   when it has no such day);
//! - an indemnified day is a day d of the window with d ≤ `incapacity_end` (when given),
//!   d < `part_time_resumption` (when given), and a weekday of `benefit_weekdays` (the
//!   sickness insurance pays in a six-day week: Sundays bring no benefit).
//!
//! > "the contribution is 30 % of the sickness benefit (indemnité AMI / ZIV-uitkering) paid
//! > by the mutuality for each day of the two months of primary incapacity that follow the
//! > 30th day [...] it is computed by the office to the day from the 31st day"
//! > (§8, summarising the law of December 2025, M.B. 30.12.2025, as the social
//! > secretariats and sector federations reported it; the law's own text could not be
//! > checked here, so none is quoted)

use serde::Serialize;

use crate::quarter::{add_months, weekday};
use crate::rules::SolidarityRules;

/// The window of one incapacity, both ends included (days since 1970-01-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: i32,
    pub end: i32,
}

pub fn window(incapacity_start: i32, r: &SolidarityRules) -> Window {
    let start = incapacity_start + r.window_first_day as i32 - 1;
    Window { start, end: add_months(start, r.window_months) - 1 }
}

/// What one day of the window is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Day {
    /// Counted: a benefit day before the end and before any part-time resumption.
    Indemnified,
    /// After `incapacity_end`.
    AfterEnd,
    /// On or after `part_time_resumption`.
    AfterResumption,
    /// Not one of `benefit_weekdays` (a Sunday).
    NoBenefitWeekday,
}

/// A day of the window, by the first rule that excludes it: the end, then the
/// resumption, then the weekday.
pub fn classify(d: i32, end: Option<i32>, resumption: Option<i32>, r: &SolidarityRules) -> Day {
    if end.is_some_and(|e| d > e) {
        Day::AfterEnd
    } else if resumption.is_some_and(|p| d >= p) {
        Day::AfterResumption
    } else if !r.benefit_weekdays[weekday(d) as usize] {
        Day::NoBenefitWeekday
    } else {
        Day::Indemnified
    }
}

/// The days of a window counted by what they are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Days {
    pub indemnified: i64,
    pub after_end: i64,
    pub after_resumption: i64,
    pub no_benefit_weekday: i64,
}

pub fn days(w: Window, end: Option<i32>, resumption: Option<i32>, r: &SolidarityRules) -> Days {
    let mut out = Days::default();
    for d in w.start..=w.end {
        match classify(d, end, resumption, r) {
            Day::Indemnified => out.indemnified += 1,
            Day::AfterEnd => out.after_end += 1,
            Day::AfterResumption => out.after_resumption += 1,
            Day::NoBenefitWeekday => out.no_benefit_weekday += 1,
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::quarter::{days_from_civil, format_date};
    use crate::rules::RuleSet;

    pub fn rules() -> SolidarityRules {
        RuleSet::embedded().unwrap().resolve("2026Q1".parse().unwrap(), false).unwrap().solidarity
    }

    fn d(y: i32, m: u32, day: u32) -> i32 {
        days_from_civil(y, m, day)
    }

    #[test]
    fn windows() {
        let r = rules();
        // Start 2026-01-05: day 31 is 2026-02-04; two months later less a day: 2026-04-03.
        let w = window(d(2026, 1, 5), &r);
        assert_eq!((format_date(w.start), format_date(w.end)), ("2026-02-04".into(), "2026-04-03".into()));
        // Start 2026-01-01: day 31 is 2026-01-31; + 2 months = 2026-03-31, less a day.
        let w = window(d(2026, 1, 1), &r);
        assert_eq!((format_date(w.start), format_date(w.end)), ("2026-01-31".into(), "2026-03-30".into()));
        // Start 2025-12-01: day 31 is 2025-12-31; + 2 months = 2026-02-28 (no 31 February).
        let w = window(d(2025, 12, 1), &r);
        assert_eq!((format_date(w.start), format_date(w.end)), ("2025-12-31".into(), "2026-02-27".into()));
    }

    #[test]
    fn days_by_kind() {
        let r = rules();
        let w = window(d(2026, 1, 5), &r); // 2026-02-04 (Wednesday) .. 2026-04-03: 59 days
        let all = days(w, None, None, &r);
        assert_eq!(all.indemnified + all.no_benefit_weekday, 59);
        assert_eq!(all.no_benefit_weekday, 8, "8 Sundays from 8 February to 29 March");
        assert_eq!(all.indemnified, 51);
        // Ends on day 30: nothing in the window.
        let ended = days(w, Some(d(2026, 2, 3)), None, &r);
        assert_eq!((ended.indemnified, ended.after_end), (0, 59));
        // Ends on day 31, a Wednesday: one day.
        let one = days(w, Some(d(2026, 2, 4)), None, &r);
        assert_eq!(one.indemnified, 1);
        // Resumes on the window's first day: nothing; the day after: one day.
        assert_eq!(days(w, None, Some(w.start), &r).indemnified, 0);
        assert_eq!(days(w, None, Some(w.start + 1), &r).indemnified, 1);
        assert_eq!(classify(d(2026, 2, 8), None, None, &r), Day::NoBenefitWeekday, "a Sunday");
    }
}
