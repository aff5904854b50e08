//! What a correction changed (§12): the rows of `regularisation.csv` and
//! `regularisation_incapacities.csv`, and what to bill and refund. Each contribution's
//! wing compares two assessments of one quarter ([`crate::levy::regularise`],
//! [`crate::solidarity::regularise`]); [`crate::regularise`] runs them on two versions of
//! the store. No I/O here.

pub mod notice;

/// What a cause that moved without deciding is told (§12.3: a pool's ratio that moved
/// without changing the status is named as such, so that a wage-only change reads as one).
pub const NOT_DECIDING: &str = " (moved; the status did not change)";

use serde::Serialize;

use crate::contribution::Contribution;
use crate::error::Result;
use crate::parse::format_cents;
use crate::quarter::Quarter;
use crate::report::Col;

/// One employer whose status or amount differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployerChange {
    pub employer_id: String,
    pub quarter: Quarter,
    pub contribution: Contribution,
    /// Empty for the solidarity contribution (its statuses are per incapacity), and for
    /// an employer the version does not assess.
    pub status_before: String,
    pub status_after: String,
    /// Cents; 0 when nothing is due.
    pub amount_before: i64,
    pub amount_after: i64,
    /// What moved, from the employer's own inputs to the pools it is compared with.
    pub causes: Vec<String>,
}

impl EmployerChange {
    /// After − before: positive to bill, negative to refund.
    pub fn difference(&self) -> Result<i64> {
        self.amount_after.checked_sub(self.amount_before).ok_or_else(|| overflow(&self.employer_id))
    }
}

/// One incapacity whose status, indemnified days or contribution differs (or that one
/// version has and the other not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncapacityChange {
    pub employer_id: String,
    pub worker_id: String,
    /// Days since 1970-01-01.
    pub incapacity_start: i32,
    /// `None`: the version does not have it (added or withdrawn).
    pub before: Option<IncapacityState>,
    pub after: Option<IncapacityState>,
    pub causes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncapacityState {
    pub status: &'static str,
    pub indemnified_days: i64,
    pub amount: i64,
}

impl IncapacityChange {
    pub fn difference(&self) -> Result<i64> {
        let (b, a) = (self.before.map_or(0, |s| s.amount), self.after.map_or(0, |s| s.amount));
        a.checked_sub(b).ok_or_else(|| overflow(&self.employer_id))
    }
}

fn overflow(id: &str) -> crate::error::Error {
    crate::error::Error::Other(anyhow::anyhow!("{id}: the difference of two amounts overflows"))
}

/// Adds a cause once, in the order found.
pub fn cause(causes: &mut Vec<String>, c: impl Into<String>) {
    let c = c.into();
    if !causes.contains(&c) {
        causes.push(c);
    }
}

pub const HEADER: &[Col] = &[
    Col::text("employer_id"),
    Col::text("quarter"),
    Col::money("contribution"),
    Col::text("status_before"),
    Col::text("status_after"),
    Col::money("amount_before"),
    Col::money("amount_after"),
    Col::money("difference"),
    Col::number("causes"),
];

pub const INCAPACITY_HEADER: &[Col] = &[
    Col::text("employer_id"),
    Col::text("worker_id"),
    Col::date("incapacity_start"),
    Col::text("status_before"),
    Col::text("status_after"),
    Col::number("indemnified_days_before"),
    Col::number("indemnified_days_after"),
    Col::money("amount_before"),
    Col::money("amount_after"),
    Col::money("difference"),
    Col::number("causes"),
];

/// The contribution as `regularisation.csv` writes it.
pub fn contribution_code(c: Contribution) -> &'static str {
    c.wing().code()
}

pub fn rows(changes: &[EmployerChange]) -> Result<Vec<Vec<String>>> {
    changes
        .iter()
        .map(|c| {
            Ok(vec![
                c.employer_id.clone(),
                c.quarter.to_string(),
                contribution_code(c.contribution).to_string(),
                c.status_before.clone(),
                c.status_after.clone(),
                format_cents(c.amount_before),
                format_cents(c.amount_after),
                format_cents(c.difference()?),
                c.causes.join("; "),
            ])
        })
        .collect()
}

pub fn incapacity_rows(changes: &[IncapacityChange]) -> Result<Vec<Vec<String>>> {
    changes
        .iter()
        .map(|c| {
            let (b, a) = (c.before.as_ref(), c.after.as_ref());
            let text =
                |s: Option<&IncapacityState>, f: &dyn Fn(&IncapacityState) -> String| s.map(f).unwrap_or_default();
            Ok(vec![
                c.employer_id.clone(),
                c.worker_id.clone(),
                crate::quarter::format_date(c.incapacity_start),
                text(b, &|s| s.status.to_string()),
                text(a, &|s| s.status.to_string()),
                text(b, &|s| s.indemnified_days.to_string()),
                text(a, &|s| s.indemnified_days.to_string()),
                text(b, &|s| format_cents(s.amount)),
                text(a, &|s| format_cents(s.amount)),
                format_cents(c.difference()?),
                c.causes.join("; "),
            ])
        })
        .collect()
}

/// What to bill and refund for one quarter and contribution.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    pub quarter: String,
    pub contribution: String,
    /// Employers whose status or amount changed.
    pub employers_changed: u64,
    pub employers_to_bill: u64,
    pub to_bill: String,
    pub employers_to_refund: u64,
    pub to_refund: String,
    /// to bill − to refund.
    pub net: String,
    /// Incapacities whose status, days or amount changed (solidarity quarters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incapacities_changed: Option<u64>,
    #[serde(skip)]
    pub cents: (i64, i64),
}

pub fn totals(q: Quarter, c: Contribution, changes: &[EmployerChange]) -> Result<Totals> {
    let (mut bill, mut refund, mut n_bill, mut n_refund) = (0i64, 0i64, 0u64, 0u64);
    let sum = |a: i64, b: i64| a.checked_add(b).ok_or_else(|| overflow("the quarter's total"));
    for ch in changes {
        let d = ch.difference()?;
        if d > 0 {
            bill = sum(bill, d)?;
            n_bill += 1;
        } else if d < 0 {
            refund = sum(refund, -d)?;
            n_refund += 1;
        }
    }
    Ok(Totals {
        quarter: q.to_string(),
        contribution: contribution_code(c).to_string(),
        employers_changed: changes.len() as u64,
        employers_to_bill: n_bill,
        to_bill: format_cents(bill),
        employers_to_refund: n_refund,
        to_refund: format_cents(refund),
        net: format_cents(bill - refund),
        incapacities_changed: None,
        cents: (bill, refund),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(id: &str, before: i64, after: i64) -> EmployerChange {
        EmployerChange {
            employer_id: id.into(),
            quarter: Quarter::new(2023, 4).expect("a quarter"),
            contribution: crate::levy::LEVY,
            status_before: "liable".into(),
            status_after: "liable".into(),
            amount_before: before,
            amount_after: after,
            causes: vec!["wage base Q-1".into()],
        }
    }

    #[test]
    fn to_bill_and_to_refund_are_counted_apart_and_the_net_is_their_difference() {
        let q = Quarter::new(2023, 4).expect("a quarter");
        let t = totals(q, crate::levy::LEVY, &[change("A", 0, 112_500), change("B", 5_000, 2_000), change("C", 7, 7)])
            .expect("totals");
        assert_eq!((t.employers_to_bill, t.to_bill.as_str()), (1, "1125.00"));
        assert_eq!((t.employers_to_refund, t.to_refund.as_str()), (1, "30.00"));
        assert_eq!(t.net, "1095.00");
        assert_eq!(t.employers_changed, 3, "a status change with no amount change is a change");
    }

    #[test]
    fn a_difference_that_overflows_is_an_error_not_a_wrap() {
        assert!(change("A", i64::MIN, 1).difference().is_err());
    }

    #[test]
    fn amounts_print_with_two_decimals_and_zero_when_nothing_is_due() {
        let r = rows(&[change("A", 0, 112_500)]).expect("rows");
        assert_eq!(r[0][5..8], ["0.00".to_string(), "1125.00".into(), "1125.00".into()]);
    }
}
