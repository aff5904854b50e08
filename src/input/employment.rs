//! One employment line (§2.2) and the one definition of whether it can be used
//! (§6). Every reader — CSV blocks, Parquet batches, the pass that locates faulty
//! Parquet rows — parses its fields into [`Fields`] and asks [`check`]; nothing else
//! decides that a line is valid or says why it is not.

use crate::parse::Fault;
use crate::quarter::Quarter;

use super::rejects::{field_reason, UNKNOWN_EMPLOYER};
use super::Kind;

/// A field as parsed: its value, or why it has none.
pub type Parsed<T> = Result<T, Fault>;

/// The fields of one employment line, parsed from text or from typed Parquet columns.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    pub employer_id: Option<&'a str>,
    /// The employer's register index, when `employer_id` is known (§6: a line of an
    /// employer with no register row in any quarter is rejected).
    pub employer: Option<u32>,
    pub worker_id: Option<&'a str>,
    pub quarter: Parsed<Quarter>,
    /// FTE in millionths.
    pub fte: Parsed<i64>,
    /// Days since 1970-01-01.
    pub seniority_date: Parsed<i32>,
    pub in_service: Parsed<bool>,
    /// Cents.
    pub wages: Parsed<i64>,
    /// The line's own joint committee, when it carries one.
    pub joint_committee: Option<&'a str>,
}

/// A line that can be used.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    pub employer: u32,
    pub worker_id: &'a str,
    pub quarter: Quarter,
    pub fte: i64,
    pub seniority_date: i32,
    pub in_service: bool,
    pub wages: i64,
    pub joint_committee: Option<&'a str>,
}

/// Why a line cannot be used; the reason text is built only when it is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineFault {
    Field(&'static str, Fault, Kind),
    Missing(&'static str),
    UnknownEmployer,
    /// Above `max_line_fte` (millionths).
    FteAbove(i64),
    /// Above `max_line_wages` (cents).
    WagesAbove(i64),
    SeniorityAfterQuarterEnd,
    /// Its quarter is not one the ingest stores (no register row of it in the extract).
    QuarterNotIngested(Quarter),
}

impl LineFault {
    /// The reason written to `rejects.csv`.
    pub fn reason(self) -> String {
        match self {
            LineFault::Field(c, f, k) => field_reason(c, f, k.what()),
            LineFault::Missing(c) => field_reason(c, Fault::Missing, ""),
            LineFault::UnknownEmployer => UNKNOWN_EMPLOYER.to_string(),
            LineFault::FteAbove(max) => format!("fte: above {} FTE on one line", crate::parse::format_micro(max)),
            LineFault::WagesAbove(max) => {
                format!("wages: above {} on one line (max_line_wages)", crate::parse::format_cents(max))
            }
            LineFault::SeniorityAfterQuarterEnd => "seniority_date: after the end of the line's quarter".to_string(),
            LineFault::QuarterNotIngested(q) => format!(
                "quarter: {q} is not ingested by this extract (it holds no register row of {q}); ingest that \
                 quarter's extract whole"
            ),
        }
    }
}

/// Whether a line can be used, and if not the first fault, in this order: identifiers
/// missing, fields unparseable (quarter, fte, seniority_date, in_service_at_quarter_end,
/// wages), an unknown employer, an FTE above `max_line_fte` or wages above
/// `max_line_wages`, a seniority date
/// after the end of the line's quarter (§6).
pub fn check<'a>(f: &Fields<'a>, bounds: RowBounds) -> Result<Line<'a>, LineFault> {
    check_with(f, bounds, Quarter::last_day)
}

/// The data-quality bounds of an input row (§6), rule-set parameters: a value above
/// one is implausible, and the row a fault. They also keep every sum of a run far inside
/// exact integer arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowBounds {
    /// `max_line_fte`, in FTE millionths, for an employment line.
    pub fte_micro: i64,
    /// `max_line_wages`, in cents, for an employment line.
    pub wages_cents: i64,
    /// `max_daily_benefit`, in cents, for an incapacity row.
    pub daily_benefit_cents: i64,
}

impl RowBounds {
    pub fn of(rules: &crate::rules::SharedRules) -> RowBounds {
        RowBounds {
            fte_micro: rules.max_line_fte_micro,
            wages_cents: rules.max_line_wages_cents,
            daily_benefit_cents: rules.max_daily_benefit_cents,
        }
    }
}

/// [`check`] with the last day of a quarter from the caller, who computes it once per
/// quarter rather than once per line.
#[inline(always)]
pub fn check_with<'a>(
    f: &Fields<'a>,
    bounds: RowBounds,
    mut last_day_of: impl FnMut(Quarter) -> i32,
) -> Result<Line<'a>, LineFault> {
    f.employer_id.filter(|s| !s.is_empty()).ok_or(LineFault::Missing("employer_id"))?;
    let worker_id = f.worker_id.filter(|s| !s.is_empty()).ok_or(LineFault::Missing("worker_id"))?;
    let quarter = f.quarter.map_err(|e| LineFault::Field("quarter", e, Kind::Quarter))?;
    let fte = f.fte.map_err(|e| LineFault::Field("fte", e, Kind::Fte))?;
    let seniority_date = f.seniority_date.map_err(|e| LineFault::Field("seniority_date", e, Kind::Date))?;
    let in_service = f.in_service.map_err(|e| LineFault::Field("in_service_at_quarter_end", e, Kind::Bool))?;
    let wages = f.wages.map_err(|e| LineFault::Field("wages", e, Kind::Money))?;
    let employer = f.employer.ok_or(LineFault::UnknownEmployer)?;
    if fte > bounds.fte_micro {
        return Err(LineFault::FteAbove(bounds.fte_micro));
    }
    if wages > bounds.wages_cents {
        return Err(LineFault::WagesAbove(bounds.wages_cents));
    }
    if seniority_date > last_day_of(quarter) {
        return Err(LineFault::SeniorityAfterQuarterEnd);
    }
    let joint_committee = f.joint_committee.filter(|s| !s.is_empty());
    Ok(Line { employer, worker_id, quarter, fte, seniority_date, in_service, wages, joint_committee })
}

/// Parses the text fields of a line (CSV, or Parquet values cast to text), in the order
/// of `Table::Employment.columns()`: quarter, employer_id, worker_id, fte,
/// seniority_date, in_service_at_quarter_end, wages, joint_committee.
pub fn from_text<'a>(t: &[Option<&'a str>], employer: impl Fn(&str) -> Option<u32>) -> Fields<'a> {
    use crate::parse;
    let get = |i: usize| t.get(i).copied().flatten();
    let p = |i: usize, f: fn(&str) -> Result<i64, Fault>| get(i).map_or(Err(Fault::Missing), f);
    Fields {
        employer_id: get(1),
        employer: get(1).and_then(&employer),
        worker_id: get(2),
        quarter: get(0).map_or(Err(Fault::Missing), parse::parse_quarter_field),
        fte: p(3, parse::parse_fte),
        seniority_date: get(4).map_or(Err(Fault::Missing), parse::parse_date),
        in_service: get(5).map_or(Err(Fault::Missing), parse::parse_bool),
        wages: p(6, parse::parse_money),
        joint_committee: get(7),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line<'a>(t: [Option<&'a str>; 8]) -> Result<Line<'a>, String> {
        let f = from_text(&t, |id| (id == "E1").then_some(0));
        check(&f, RowBounds { fte_micro: 1_500_000, wages_cents: 1_000_000_000, daily_benefit_cents: 100_000 })
            .map_err(LineFault::reason)
    }

    const OK: [Option<&str>; 8] =
        [Some("2023Q1"), Some("E1"), Some("W1"), Some("1"), Some("2020-01-01"), Some("true"), Some("100.00"), None];

    #[test]
    fn each_fault_has_its_reason() {
        assert!(line(OK).is_ok());
        let changed = |i: usize, v: Option<&'static str>| {
            let mut t = OK;
            t[i] = v;
            line(t)
        };
        let with = |i: usize, v: Option<&'static str>| changed(i, v).err().unwrap_or_default();
        assert_eq!(with(2, Some("")), "worker_id: missing value", "an empty worker id is missing");
        assert_eq!(with(2, None), "worker_id: missing value");
        assert_eq!(with(1, None), "employer_id: missing value");
        assert_eq!(with(0, Some("2023-Q1")), "quarter: not a quarter (YYYYQn)");
        assert_eq!(with(3, Some("-1")), "fte: negative value");
        assert_eq!(with(3, Some("1.5000001")), "fte: too many decimals for an FTE with at most six decimals");
        assert_eq!(with(3, Some("1.500001")), "fte: above 1.5 FTE on one line");
        assert!(changed(3, Some("1.5")).is_ok(), "exactly 1.5 FTE is accepted");
        assert_eq!(with(4, Some("2023-04-01")), "seniority_date: after the end of the line's quarter");
        assert!(changed(4, Some("2023-03-31")).is_ok(), "seniority on the quarter's last day is accepted");
        assert_eq!(with(5, Some("maybe")), "in_service_at_quarter_end: not a boolean (true/false, 1/0, yes/no)");
        assert_eq!(with(6, Some("1.234")), "wages: too many decimals for an amount in euros with at most two decimals");
        assert_eq!(with(1, Some("E9")), UNKNOWN_EMPLOYER);
        assert_eq!(
            with(6, Some("10000000.01")),
            "wages: above 10000000.00 on one line (max_line_wages)",
            "a cent above the bound is implausible"
        );
        assert!(changed(6, Some("10000000.00")).is_ok(), "wages exactly at the bound are accepted");
        assert_eq!(with(6, Some("999999999999999.99")), "wages: above 10000000.00 on one line (max_line_wages)");
    }
}
