//! §13: one DmfA occupation as the employment line of §2.2 — its FTE, its wages, whether
//! the worker is in service at the quarter's end. The values are the occupation's as the
//! message writes them (amounts in euro cents, days and hours in hundredths); the codes
//! counted and the weeks of a quarter are the rule set's readings (`dmfa.*`).
//!
//! > fte = Σ ServiceNbrHours(P) / (W × RefMeanWorkingHours) when the paid services carry
//! > hours, else fte = Σ ServiceNbrDays(P) / (W × WorkingDaysSystem) × MeanWorkingHours /
//! > RefMeanWorkingHours; exact to six decimals, rounded half up once. (§13)
//!
//! Reading: the hours formula applies when every paid service carries its hours (DmfA
//! requires them of part-time work); when one lacks them, the days formula, which every
//! paid service can feed (DmfA requires days of every service). No paid service: FTE 0.

use crate::rules::DmfaRules;

/// One service of an occupation: its code, days and hours in hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    pub code: u16,
    pub days: Option<i64>,
    pub hours: Option<i64>,
}

/// One remuneration of an occupation: its code and amount in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remun {
    pub code: u16,
    pub amount: i64,
}

/// The values of one occupation that make its line, as the message writes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Occupation {
    /// `OccupationStartingDate`, days since 1970-01-01.
    pub start: Option<i32>,
    /// `OccupationEndingDate`, days since 1970-01-01.
    pub end: Option<i32>,
    /// `WorkingDaysSystem`, days a week in hundredths (500: five days).
    pub working_days_system: Option<i64>,
    /// `MeanWorkingHours`, the worker's weekly hours in hundredths.
    pub mean_hours: Option<i64>,
    /// `RefMeanWorkingHours`, the full-time reference's weekly hours in hundredths.
    pub ref_mean_hours: Option<i64>,
    pub services: Vec<Service>,
    pub remuns: Vec<Remun>,
}

/// How an occupation's FTE was computed, for explanations (§13, §11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// No paid service: FTE 0.
    Unpaid,
    /// Σ hours of the paid services / (weeks × reference hours), all in hundredths.
    Hours { hours: i64, weeks: u32, ref_mean_hours: i64 },
    /// Σ days / (weeks × days a week) × mean hours / reference hours, all in hundredths.
    Days { days: i64, weeks: u32, working_days_system: i64, mean_hours: i64, ref_mean_hours: i64 },
}

impl Basis {
    /// The computation in words, values in units (hours, days): `247.00 h / (13 × 38.00 h)`.
    pub fn describe(&self) -> String {
        let u = |x: i64| format!("{}.{:02}", x / 100, x % 100);
        match *self {
            Basis::Unpaid => "no paid service: 0".to_string(),
            Basis::Hours { hours, weeks, ref_mean_hours } => {
                format!("hours {} / ({weeks} weeks × {} h)", u(hours), u(ref_mean_hours))
            }
            Basis::Days { days, weeks, working_days_system, mean_hours, ref_mean_hours } => format!(
                "days {} / ({weeks} weeks × {} days) × {} h / {} h",
                u(days),
                u(working_days_system),
                u(mean_hours),
                u(ref_mean_hours)
            ),
        }
    }
}

/// An occupation whose line cannot be made: the element at fault and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub element: &'static str,
    pub why: &'static str,
}

impl Fault {
    pub fn reason(&self) -> String {
        format!("{}: {}", self.element, self.why)
    }
}

fn missing(element: &'static str) -> Fault {
    Fault { element, why: "missing value" }
}

fn positive(element: &'static str, v: Option<i64>) -> Result<i64, Fault> {
    match v {
        None => Err(missing(element)),
        Some(x) if x <= 0 => Err(Fault { element, why: "must be above zero" }),
        Some(x) => Ok(x),
    }
}

/// `num / den` in millionths, rounded half up once (both non-negative, `den` > 0).
fn millionths(num: i128, den: i128) -> Option<i64> {
    let scaled = num.checked_mul(1_000_000)?;
    i64::try_from((scaled * 2 + den) / (den * 2)).ok()
}

/// The occupation's FTE in millionths (§13), with how it was computed.
pub fn fte(o: &Occupation, r: &DmfaRules) -> Result<(i64, Basis), Fault> {
    let paid: Vec<&Service> = o.services.iter().filter(|s| r.paid_service_codes.contains(&s.code)).collect();
    if paid.is_empty() {
        return Ok((0, Basis::Unpaid));
    }
    let weeks = r.weeks_per_quarter;
    if weeks == 0 {
        return Err(Fault { element: "dmfa.weeks_per_quarter", why: "the rule set's weeks of a quarter are 0" });
    }
    let ref_mean_hours = positive("RefMeanWorkingHours", o.ref_mean_hours)?;
    if paid.iter().all(|s| s.hours.is_some()) {
        let hours: i64 = paid.iter().filter_map(|s| s.hours).sum();
        let f = millionths(hours as i128, weeks as i128 * ref_mean_hours as i128)
            .ok_or(Fault { element: "ServiceNbrHours", why: "too large" })?;
        return Ok((f, Basis::Hours { hours, weeks, ref_mean_hours }));
    }
    let mut days = 0i64;
    for s in &paid {
        days += s.days.ok_or(missing("ServiceNbrDays"))?;
    }
    let working_days_system = positive("WorkingDaysSystem", o.working_days_system)?;
    let mean_hours = o.mean_hours.ok_or(missing("MeanWorkingHours"))?;
    let den = weeks as i128 * working_days_system as i128 * ref_mean_hours as i128;
    let f = millionths(days as i128 * mean_hours as i128, den)
        .ok_or(Fault { element: "ServiceNbrDays", why: "too large" })?;
    Ok((f, Basis::Days { days, weeks, working_days_system, mean_hours, ref_mean_hours }))
}

/// The remunerations of the wage codes: those the wages count (§13).
pub fn counted<'o>(o: &'o Occupation, r: &'o DmfaRules) -> impl Iterator<Item = &'o Remun> {
    o.remuns.iter().filter(|m| r.wage_codes.contains(&m.code))
}

/// The occupation's wages in cents: its remunerations of the wage codes (§13).
pub fn wages(o: &Occupation, r: &DmfaRules) -> Result<i64, Fault> {
    counted(o, r).try_fold(0i64, |sum, m| {
        sum.checked_add(m.amount).ok_or(Fault { element: "RemunAmount", why: "the amounts add up beyond counting" })
    })
}

/// In service at the quarter's end (§13): no ending date, or one on or after the
/// quarter's last day.
pub fn in_service(end: Option<i32>, quarter_last_day: i32) -> bool {
    end.is_none_or(|d| d >= quarter_last_day)
}

/// A declaration's quarter as the message writes it (`20233`: 2023Q3).
pub fn quarter(code: &str) -> Option<crate::quarter::Quarter> {
    let t = code.trim();
    if t.len() != 5 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = t[..4].parse().ok()?;
    let q: u32 = t[4..].parse().ok()?;
    crate::quarter::Quarter::new(year, q)
}

/// A company number as the register keys it: ten digits, leading zeros restored (§13).
pub fn company_id(written: &str) -> Option<String> {
    let t = written.trim();
    (!t.is_empty() && t.len() <= 10 && t.bytes().all(|b| b.is_ascii_digit())).then(|| format!("{t:0>10}"))
}

/// A worker's INSS: eleven digits, as a number (the key of the earliest start, §13).
pub fn inss(written: &str) -> Option<u64> {
    let t = written.trim();
    (t.len() == 11 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> DmfaRules {
        DmfaRules {
            wage_codes: vec![1, 2, 3, 4, 5, 7, 9],
            paid_service_codes: vec![1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15],
            weeks_per_quarter: 13,
        }
    }

    fn occ(services: &[(u16, Option<i64>, Option<i64>)]) -> Occupation {
        Occupation {
            working_days_system: Some(500),
            mean_hours: Some(3800),
            ref_mean_hours: Some(3800),
            services: services.iter().map(|&(code, days, hours)| Service { code, days, hours }).collect(),
            ..Occupation::default()
        }
    }

    /// A full quarter full time by days: 65 days of 5 a week over 13 weeks, 38/38 h.
    #[test]
    fn full_time_by_days() {
        assert_eq!(fte(&occ(&[(1, Some(6500), None)]), &rules()).unwrap().0, 1_000_000);
    }

    /// Part time by hours: 247 hours over 13 × 38 h is exactly one half.
    #[test]
    fn part_time_by_hours() {
        let o = occ(&[(1, Some(3250), Some(24700))]);
        assert_eq!(
            fte(&o, &rules()).unwrap(),
            (500_000, Basis::Hours { hours: 24700, weeks: 13, ref_mean_hours: 3800 })
        );
    }

    /// Rounded half up once, at six decimals: 1/3 is 0.333333, 2/3 is 0.666667.
    #[test]
    fn rounded_half_up_once() {
        let mut o = occ(&[(1, Some(6500), None)]);
        (o.mean_hours, o.ref_mean_hours) = (Some(1300), Some(3900));
        assert_eq!(fte(&o, &rules()).unwrap().0, 333_333);
        o.mean_hours = Some(2600);
        assert_eq!(fte(&o, &rules()).unwrap().0, 666_667);
        // 0.0000005 exactly: half a millionth goes up.
        let half = Occupation {
            ref_mean_hours: Some(100),
            services: vec![Service { code: 1, days: None, hours: Some(1) }],
            ..Occupation::default()
        };
        let r = DmfaRules { weeks_per_quarter: 20_000, ..rules() };
        assert_eq!(fte(&half, &r).unwrap().0, 1);
    }

    /// Unpaid services are not counted; no paid service is FTE 0 (notice pay only).
    #[test]
    fn only_paid_services_count() {
        assert_eq!(fte(&occ(&[(1, Some(3250), None), (30, Some(3250), None)]), &rules()).unwrap().0, 500_000);
        assert_eq!(fte(&occ(&[(30, Some(6500), None)]), &rules()).unwrap(), (0, Basis::Unpaid));
        assert_eq!(fte(&occ(&[]), &rules()).unwrap(), (0, Basis::Unpaid));
    }

    /// Hours on some paid services only: the days formula.
    #[test]
    fn mixed_hours_fall_back_to_days() {
        let o = occ(&[(1, Some(3250), Some(12350)), (2, Some(3250), None)]);
        assert!(matches!(fte(&o, &rules()).unwrap(), (1_000_000, Basis::Days { .. })));
    }

    #[test]
    fn a_missing_or_zero_value_is_a_fault() {
        let mut o = occ(&[(1, Some(6500), None)]);
        o.ref_mean_hours = Some(0);
        assert_eq!(fte(&o, &rules()).unwrap_err().reason(), "RefMeanWorkingHours: must be above zero");
        o.ref_mean_hours = None;
        assert_eq!(fte(&o, &rules()).unwrap_err().reason(), "RefMeanWorkingHours: missing value");
        let mut o = occ(&[(1, None, None)]);
        assert_eq!(fte(&o, &rules()).unwrap_err().element, "ServiceNbrDays");
        o.services[0].days = Some(6500);
        o.working_days_system = None;
        assert_eq!(fte(&o, &rules()).unwrap_err().element, "WorkingDaysSystem");
    }

    #[test]
    fn wages_of_the_wage_codes() {
        let o = Occupation {
            remuns: vec![
                Remun { code: 1, amount: 912_345 },
                Remun { code: 11, amount: 500_000 },
                Remun { code: 2, amount: 10_000 },
            ],
            ..Occupation::default()
        };
        assert_eq!(wages(&o, &rules()), Ok(922_345));
    }

    /// In service at the end: no end date, or one on or after the last day (not the day before).
    #[test]
    fn in_service_at_the_quarter_end() {
        assert!(in_service(None, 100));
        assert!(in_service(Some(100), 100));
        assert!(!in_service(Some(99), 100));
    }

    #[test]
    fn identifiers() {
        assert_eq!(quarter("20233"), crate::quarter::Quarter::new(2023, 3));
        assert_eq!(quarter("20235"), None);
        assert_eq!(quarter("2023Q3"), None);
        assert_eq!(company_id("123456789").as_deref(), Some("0123456789"));
        assert_eq!(company_id("BE0123"), None);
        assert_eq!(inss("85073100123"), Some(85_073_100_123));
        assert_eq!(inss("8507310012"), None);
    }
}
