//! A solidarity quarter assessed on two versions of the store (§12): every incapacity
//! whose status, indemnified days or contribution differs, added and withdrawn ones
//! included, and every employer whose contribution differs, with what moved (an
//! incapacity's fields, §8.1; the employer's average headcount, §8.2). No I/O.

use std::cmp::Ordering;

use crate::correction::{cause, EmployerChange, IncapacityChange, IncapacityState};

use super::assess::{Assessment, EmployerTotal, Incapacity};

/// The changed incapacities, then the changed employers, both in employer order.
pub fn compare(before: &Assessment, after: &Assessment) -> (Vec<EmployerChange>, Vec<IncapacityChange>) {
    let key = |x: &Incapacity| (x.row.employer_id.clone(), x.row.worker_id.clone(), x.row.incapacity_start);
    let state = |x: &Incapacity| IncapacityState {
        status: x.status.as_str(),
        indemnified_days: x.days.indemnified,
        amount: x.contribution,
    };
    let mut incapacities = Vec::new();
    merge(&before.incapacities, &after.incapacities, key, |x, y| {
        let (sx, sy) = (x.map(state), y.map(state));
        if sx == sy {
            return;
        }
        let causes = match (x, y) {
            (Some(x), Some(y)) => causes(x, y),
            (None, _) => vec!["added".to_string()],
            (_, None) => vec!["withdrawn".to_string()],
        };
        let Some(either) = x.or(y) else { return };
        let (employer_id, worker_id, incapacity_start) = key(either);
        incapacities.push(IncapacityChange { employer_id, worker_id, incapacity_start, before: sx, after: sy, causes });
    });
    let mut employers = Vec::new();
    let q = after.quarter();
    merge(
        &before.employers,
        &after.employers,
        |e: &EmployerTotal| e.employer_id.clone(),
        |x, y| {
            let amount = |e: Option<&EmployerTotal>| e.map_or(0, |e| e.contribution);
            if amount(x) == amount(y) {
                return;
            }
            let id = x.or(y).map(|e| e.employer_id.clone()).unwrap_or_default();
            // The employer's causes: those of its incapacities, in their order.
            let mut c = Vec::new();
            if let (Some(x), Some(y)) = (x, y) {
                if x.headcount != y.headcount {
                    cause(&mut c, "average headcount");
                }
            }
            for i in incapacities.iter().filter(|i| i.employer_id == id) {
                for k in &i.causes {
                    cause(&mut c, k.clone());
                }
            }
            employers.push(EmployerChange {
                employer_id: id,
                quarter: q,
                contribution: super::SOLIDARITY,
                status_before: String::new(),
                status_after: String::new(),
                amount_before: amount(x),
                amount_after: amount(y),
                causes: c,
            });
        },
    );
    (employers, incapacities)
}

/// Walks two lists sorted by `key` side by side, calling `each` with the item of either
/// or both for every key.
fn merge<'a, T, K: Ord>(
    a: &'a [T],
    b: &'a [T],
    key: impl Fn(&T) -> K,
    mut each: impl FnMut(Option<&'a T>, Option<&'a T>),
) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => key(x).cmp(&key(y)),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                each(Some(&a[i]), None);
                i += 1;
            }
            Ordering::Greater => {
                each(None, Some(&b[j]));
                j += 1;
            }
            Ordering::Equal => {
                each(Some(&a[i]), Some(&b[j]));
                i += 1;
                j += 1;
            }
        }
    }
}

/// What moved between an incapacity's two assessments: its own fields first.
fn causes(x: &Incapacity, y: &Incapacity) -> Vec<String> {
    let mut c = Vec::new();
    let (a, b) = (&x.row, &y.row);
    for (field, moved) in [
        ("incapacity_end", a.incapacity_end != b.incapacity_end),
        ("part_time_resumption", a.part_time_resumption != b.part_time_resumption),
        ("daily_benefit", a.daily_benefit != b.daily_benefit),
        ("worker_type", a.worker_type != b.worker_type),
        ("disability_recognised", a.disability_recognised != b.disability_recognised),
        ("birth_date", a.birth_date != b.birth_date),
        ("service_start", a.service_start != b.service_start),
    ] {
        if moved {
            cause(&mut c, field);
        }
    }
    if x.headcount != y.headcount {
        cause(&mut c, "average headcount");
    }
    if x.sheltered != y.sheltered {
        cause(&mut c, "register: sheltered workshop");
    }
    if c.is_empty() {
        cause(&mut c, "rules");
    }
    c
}
