//! The sector funds' receipts of the levy (§10; loi-programme du 27 décembre 2021,
//! art. 147, and the royal decree of 1 October 2023): the yearly notice to each joint
//! committee and the three-year ledger of requests, payments, allocations and returns.
//!
//! > "it informs each committee every year, by 15 February of the year after collection,
//! > of the receipts available; it pays a fund within 30 days of the fund's request [...];
//! > if no request comes within 3 years of the notice, the office transfers the receipts to
//! > the Directorate-General Humanisation of Work (DG HUT); a fund has 3 years from the
//! > payment to allocate it to prevention and reintegration measures, and returns to the
//! > office what it has not allocated (the means of year X-2 less the allocations of X-2,
//! > X-1 and X, when positive)"
//! > (§10, from the FGTB guide §9.2.6)
//!
//! The levy is collected in its due quarter (§3.6): the receipts of year Y are the
//! parts (§3.8) of the levies due in Y's quarters.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::quarter::{add_months, days_from_civil, Quarter};
use crate::rules::FundsRules;

/// One committee's line of the notice of year Y.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NoticeLine {
    pub joint_committee: String,
    /// Liable employers with a part of at least one cent.
    pub employers: u64,
    /// Cents due in quarter 1..4 of Y.
    pub receipts: [i64; 4],
}

impl NoticeLine {
    pub fn total(&self) -> i64 {
        self.receipts.iter().sum()
    }
}

/// The notice date of the receipts of year `year`: `notice_day` of year + 1.
pub fn notice_date(year: i32, r: &FundsRules) -> i32 {
    days_from_civil(year + 1, r.notice_day.0, r.notice_day.1)
}

/// The notice of a year from the employers' parts of the levies due in each of its
/// quarters: `parts[n]` lists, for quarter n + 1, each liable employer's parts by
/// committee. Committees that receive nothing are left out; sorted by committee.
pub fn notice(parts: &[Vec<&[(String, i64)]>; 4]) -> Vec<NoticeLine> {
    let mut by_jc: BTreeMap<&str, (std::collections::BTreeSet<usize>, [i64; 4])> = BTreeMap::new();
    let mut employer_key = 0usize;
    for (n, employers) in parts.iter().enumerate() {
        for parts_of_one in employers {
            employer_key += 1;
            for (jc, cents) in parts_of_one.iter() {
                let slot = by_jc.entry(jc.as_str()).or_default();
                slot.1[n] += cents;
                if *cents >= 1 {
                    slot.0.insert(employer_key);
                }
            }
        }
    }
    by_jc
        .into_iter()
        .filter(|(_, (_, r))| r.iter().sum::<i64>() > 0)
        .map(|(jc, (e, receipts))| NoticeLine { joint_committee: jc.to_string(), employers: e.len() as u64, receipts })
        .collect()
}

pub use crate::input::ledger::Event;

/// §10: the receipts of year Y are the levies due in Y's quarters. The quarters whose
/// levy falls due in `year`, each with the quarter of `year` (1..=4) it is due in, under
/// the rule set's dated switch and payment lag: every quarter from the first assessable
/// one to the last of `year` is looked at (a lag is never negative).
pub fn quarters_due_in(set: &crate::rules::RuleSet, year: i32) -> crate::error::Result<Vec<(Quarter, usize)>> {
    let last = Quarter::new(year, 4).ok_or_else(|| crate::error::Error::Usage(format!("{year}: not a year")))?;
    let first = set.resolve(last, true)?.shared.first_quarter;
    let mut out = Vec::new();
    let mut q = first;
    while q <= last {
        let r = set.resolve(q, true)?;
        let due = q.offset(r.levy.payment_lag);
        if r.in_force.invalidity_levy && q >= r.shared.first_quarter && due.year() == year {
            out.push((q, due.number() as usize));
        }
        q = q.offset(1);
    }
    Ok(out)
}

/// One accepted ledger row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub date: i32,
    pub event: Event,
    pub cents: i64,
    pub line: i64,
}

/// Checks one committee-year's entries in date order (then file order) and splits them
/// into accepted ones and rejected ones with their reason (§6, §10): a request after
/// the request deadline, a payment without a request (or above what was requested and
/// not yet paid), more paid than the receipts.
pub fn check(receipts: i64, notice: i32, mut entries: Vec<Entry>, r: &FundsRules) -> (Vec<Entry>, Vec<(i64, String)>) {
    entries.sort_by_key(|e| (e.date, e.line));
    let deadline = request_deadline(notice, r);
    let (mut requested, mut paid) = (0i64, 0i64);
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for e in entries {
        match e.event {
            Event::Request if e.date > deadline => {
                bad.push((
                    e.line,
                    format!(
                    "request after the request deadline {} (the notice date plus {} years): the receipts go to DG HUT",
                    crate::quarter::format_date(deadline),
                    r.request_years
                ),
                ));
                continue;
            }
            Event::Request => requested += e.cents,
            Event::Payment if paid + e.cents > receipts => {
                bad.push((
                    e.line,
                    format!(
                        "more paid than available: {} paid with this payment, {} of receipts",
                        crate::parse::format_cents(paid + e.cents),
                        crate::parse::format_cents(receipts)
                    ),
                ));
                continue;
            }
            Event::Payment if paid + e.cents > requested => {
                bad.push((e.line, "payment without a request (or above what was requested and not yet paid)".into()));
                continue;
            }
            Event::Payment => paid += e.cents,
            Event::Allocation | Event::Return => {}
        }
        ok.push(e);
    }
    (ok, bad)
}

/// The last day a fund may request the receipts of a notice: the notice date plus
/// `request_years` years (a request that day is in time, the day after is not).
pub fn request_deadline(notice: i32, r: &FundsRules) -> i32 {
    add_months(notice, 12 * r.request_years)
}

/// One committee's position for one notice year as of a date (§10 `ledger.csv`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Position {
    pub receipts: i64,
    pub requested: i64,
    pub paid: i64,
    pub allocated: i64,
    pub returned: i64,
    pub request_deadline: i32,
    /// The end of the allocation period of the earliest payment, when there is one.
    pub allocation_deadline: Option<i32>,
    /// Receipts not requested by the deadline, once it has passed.
    pub due_to_dg_hut: i64,
    /// Means not allocated in time (the X-2 rule), less what was returned.
    pub due_back_to_office: i64,
    /// Requested, not paid, more than `payment_days` after the request.
    pub payment_overdue: i64,
}

impl Position {
    pub fn overdue(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.payment_overdue > 0 {
            v.push("payment");
        }
        if self.due_to_dg_hut > 0 {
            v.push("request");
        }
        if self.due_back_to_office > 0 {
            v.push("return");
        }
        v
    }
}

/// The position as of `as_of` from accepted entries (those dated after `as_of` are not
/// yet known and are ignored).
pub fn position(receipts: i64, notice: i32, entries: &[Entry], as_of: i32, r: &FundsRules) -> Position {
    let known: Vec<&Entry> = entries.iter().filter(|e| e.date <= as_of).collect();
    let sum = |ev: Event| known.iter().filter(|e| e.event == ev).map(|e| e.cents).sum::<i64>();
    let deadline = request_deadline(notice, r);
    let mut p = Position {
        receipts,
        requested: sum(Event::Request),
        paid: sum(Event::Payment),
        allocated: sum(Event::Allocation),
        returned: sum(Event::Return),
        request_deadline: deadline,
        ..Position::default()
    };
    if as_of > deadline {
        p.due_to_dg_hut = (receipts - p.requested).max(0);
    }
    // Payments: each request is due `payment_days` after it; what was requested by a
    // passed due date and is still not paid is overdue.
    let requested_overdue: i64 = known
        .iter()
        .filter(|e| e.event == Event::Request && (e.date + r.payment_days as i32) < as_of)
        .map(|e| e.cents)
        .sum();
    p.payment_overdue = (requested_overdue - p.paid).max(0);
    // The X-2 rule: the means paid in year P, less the allocations of P .. P + n - 1
    // (n = allocation_years), are due back once year P + n - 1 has ended.
    let year_of = |d: i32| crate::quarter::civil_from_days(d).0;
    let mut paid_by_year: BTreeMap<i32, i64> = BTreeMap::new();
    let mut allocated_by_year: BTreeMap<i32, i64> = BTreeMap::new();
    for e in &known {
        match e.event {
            Event::Payment => *paid_by_year.entry(year_of(e.date)).or_default() += e.cents,
            Event::Allocation => *allocated_by_year.entry(year_of(e.date)).or_default() += e.cents,
            _ => {}
        }
    }
    let n = r.allocation_years.max(1) as i32;
    p.allocation_deadline = paid_by_year.keys().next().map(|y| days_from_civil(y + n - 1, 12, 31));
    let mut due_back = 0i64;
    for (&y, &paid) in &paid_by_year {
        let end = days_from_civil(y + n - 1, 12, 31);
        if as_of > end {
            let allocated: i64 = (y..y + n).map(|x| allocated_by_year.get(&x).copied().unwrap_or(0)).sum();
            due_back += (paid - allocated).max(0);
        }
    }
    p.due_back_to_office = (due_back - p.returned).max(0);
    p
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_receipts_of_a_year_are_the_levies_due_in_its_quarters() {
        let set = crate::rules::RuleSet::embedded().expect("rules");
        let due = |y| -> Vec<(String, usize)> {
            quarters_due_in(&set, y).expect("due").into_iter().map(|(q, n)| (q.to_string(), n)).collect()
        };
        let q = |s: &str, n| (s.to_string(), n);
        assert_eq!(due(2024), vec![q("2023Q3", 1), q("2023Q4", 2), q("2024Q1", 3), q("2024Q2", 4)]);
        assert_eq!(
            due(2023),
            vec![q("2022Q4", 2), q("2023Q1", 3), q("2023Q2", 4)],
            "the first levy, 2022Q4, due 2023Q2"
        );
        assert_eq!(due(2026), vec![q("2025Q3", 1), q("2025Q4", 2)], "the last levies, assessed up to 2025Q4");
        assert!(due(2027).is_empty());
    }

    use super::*;
    use crate::quarter::format_date;

    fn rules() -> FundsRules {
        FundsRules { notice_day: (2, 15), payment_days: 30, request_years: 3, allocation_years: 3 }
    }
    fn d(y: i32, m: u32, day: u32) -> i32 {
        days_from_civil(y, m, day)
    }
    fn e(date: i32, event: Event, cents: i64, line: i64) -> Entry {
        Entry { date, event, cents, line }
    }

    #[test]
    fn notice_adds_up_and_counts_employers_with_a_cent() {
        let a = vec![("200".to_string(), 700), ("302".to_string(), 300)];
        let b = vec![("200".to_string(), 5), ("302".to_string(), 0)];
        let c = vec![("111".to_string(), 1000)];
        let parts: [Vec<&[(String, i64)]>; 4] = [vec![&a], vec![&b, &c], vec![], vec![]];
        let n = notice(&parts);
        assert_eq!(n.iter().map(NoticeLine::total).sum::<i64>(), 2005, "the parts add up to the levies");
        let jc = |c: &str| n.iter().find(|l| l.joint_committee == c).cloned().unwrap_or_default();
        assert_eq!(jc("200").receipts, [700, 5, 0, 0]);
        assert_eq!(jc("200").employers, 2);
        assert_eq!(jc("302").employers, 1, "a part of 0 cents does not count the employer");
        assert_eq!(jc("111").receipts, [0, 1000, 0, 0]);
        assert_eq!(format_date(notice_date(2023, &rules())), "2024-02-15");
    }

    #[test]
    fn request_on_the_last_day_and_the_day_after() {
        let r = rules();
        let notice = notice_date(2023, &r); // 2024-02-15 → deadline 2027-02-15
        assert_eq!(format_date(request_deadline(notice, &r)), "2027-02-15");
        let (ok, bad) = check(1000, notice, vec![e(d(2027, 2, 15), Event::Request, 1000, 2)], &r);
        assert_eq!((ok.len(), bad.len()), (1, 0), "a request on the last day is in time");
        let (ok, bad) = check(1000, notice, vec![e(d(2027, 2, 16), Event::Request, 1000, 2)], &r);
        assert_eq!((ok.len(), bad.len()), (0, 1), "the day after is late");
        assert!(bad[0].1.starts_with("request after the request deadline 2027-02-15"), "{}", bad[0].1);
        // Unrequested receipts go to DG HUT once the deadline has passed.
        let p = position(1000, notice, &[], d(2027, 2, 15), &r);
        assert_eq!(p.due_to_dg_hut, 0, "not yet on the deadline itself");
        let p = position(1000, notice, &[], d(2027, 2, 16), &r);
        assert_eq!(p.due_to_dg_hut, 1000);
        assert_eq!(p.overdue(), vec!["request"]);
    }

    #[test]
    fn payment_within_30_days_of_the_request() {
        let r = rules();
        let notice = notice_date(2023, &r);
        let req = e(d(2024, 3, 1), Event::Request, 800, 2);
        // Paid 30 days after the request (31 March): in time, nothing overdue.
        let pay = e(d(2024, 3, 31), Event::Payment, 800, 3);
        let p = position(1000, notice, &[req.clone(), pay], d(2024, 4, 30), &r);
        assert_eq!((p.requested, p.paid, p.payment_overdue), (800, 800, 0));
        // Not paid: on the 30th day nothing is overdue yet; on the 31st, the request is.
        assert_eq!(position(1000, notice, std::slice::from_ref(&req), d(2024, 3, 31), &r).payment_overdue, 0);
        assert_eq!(position(1000, notice, std::slice::from_ref(&req), d(2024, 4, 1), &r).payment_overdue, 800);
        // A payment without a request, and more paid than available, are rejected.
        let (_, bad) = check(1000, notice, vec![e(d(2024, 3, 1), Event::Payment, 10, 2)], &r);
        assert!(bad[0].1.starts_with("payment without a request"), "{bad:?}");
        let entries = vec![req, e(d(2024, 3, 2), Event::Request, 500, 3), e(d(2024, 3, 3), Event::Payment, 1200, 4)];
        let (ok, bad) = check(1000, notice, entries, &r);
        assert_eq!(ok.len(), 2);
        assert!(bad[0].1.starts_with("more paid than available"), "{bad:?}");
    }

    #[test]
    fn the_x_minus_2_return_rule() {
        let r = rules();
        let notice = notice_date(2023, &r);
        // Paid 1,000 in 2024; allocated 300 in 2024, 200 in 2025, 100 in 2026, 50 in 2027.
        let entries = vec![
            e(d(2024, 3, 1), Event::Request, 1000, 2),
            e(d(2024, 3, 20), Event::Payment, 1000, 3),
            e(d(2024, 9, 1), Event::Allocation, 300, 4),
            e(d(2025, 9, 1), Event::Allocation, 200, 5),
            e(d(2026, 9, 1), Event::Allocation, 100, 6),
            e(d(2027, 1, 10), Event::Allocation, 50, 7),
        ];
        let p = position(1000, notice, &entries, d(2026, 12, 31), &r);
        assert_eq!(p.allocation_deadline.map(format_date), Some("2026-12-31".into()));
        assert_eq!(p.due_back_to_office, 0, "2024's means may be allocated until 31 December 2026");
        let p = position(1000, notice, &entries, d(2027, 1, 1), &r);
        assert_eq!(p.due_back_to_office, 400, "1,000 less the allocations of 2024, 2025 and 2026; 2027's do not count");
        let mut returned = entries.clone();
        returned.push(e(d(2027, 2, 1), Event::Return, 400, 8));
        assert_eq!(position(1000, notice, &returned, d(2027, 3, 1), &r).due_back_to_office, 0);
    }
}
