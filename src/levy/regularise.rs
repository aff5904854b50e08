//! A levy quarter assessed on two versions of the store (§12): every employer whose
//! status or levy differs, with what moved — its register row, its entries (§3.1), its
//! fte3y (§3.2), its average headcount (§3.4), its wage base (§3.6), its sector group's
//! pool or the private sector's (§3.3). No I/O.

use std::cmp::Ordering;

use crate::correction::{cause, EmployerChange, NOT_DECIDING};

use super::assess::{Assessment, EmployerRow};
use super::reference::Reference;

/// The employers of `before` and `after` (both sorted by employer) whose status or levy
/// differs, in employer order.
pub fn compare(before: &Assessment, after: &Assessment) -> Vec<EmployerChange> {
    let q = after.quarter();
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    let (b, a) = (&before.employers, &after.employers);
    while i < b.len() || j < a.len() {
        let order = match (b.get(i), a.get(j)) {
            (Some(x), Some(y)) => x.employer_id.cmp(&y.employer_id),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        let (x, y) = match order {
            Ordering::Less => {
                i += 1;
                (Some(&b[i - 1]), None)
            }
            Ordering::Greater => {
                j += 1;
                (None, Some(&a[j - 1]))
            }
            Ordering::Equal => {
                i += 1;
                j += 1;
                (Some(&b[i - 1]), Some(&a[j - 1]))
            }
        };
        let status = |e: Option<&EmployerRow>| e.map(|e| e.status.as_str().to_string()).unwrap_or_default();
        let levy = |e: Option<&EmployerRow>| e.and_then(|e| e.levy).unwrap_or(0);
        if status(x) == status(y) && levy(x) == levy(y) {
            continue;
        }
        let causes = match (x, y) {
            (Some(x), Some(y)) => deciding(causes(before, x, after, y), x.status == y.status),
            (None, _) => vec!["added".to_string()],
            (_, None) => vec!["withdrawn".to_string()],
        };
        let id = x.or(y).map(|e| e.employer_id.to_string()).unwrap_or_default();
        out.push(EmployerChange {
            employer_id: id,
            quarter: q,
            contribution: super::LEVY,
            status_before: status(x),
            status_after: status(y),
            amount_before: levy(x),
            amount_after: levy(y),
            causes,
        });
    }
    out
}

/// What moved between an employer's two rows, its own inputs first, then the pools.
/// When the status is the same, only the wage base decided the amount (§3.6): every other
/// value that moved is named as not deciding.
fn deciding(causes: Vec<String>, same_status: bool) -> Vec<String> {
    if !same_status {
        return causes;
    }
    causes
        .into_iter()
        .map(|c| if c == "wage base Q-1" || c == "rules" { c } else { format!("{c}{NOT_DECIDING}") })
        .collect()
}

fn causes(before: &Assessment, x: &EmployerRow, after: &Assessment, y: &EmployerRow) -> Vec<String> {
    let mut c = Vec::new();
    let r = Reference::of(after.quarter());
    for (field, old, new) in [
        ("nace", &x.nace, &y.nace),
        ("employer_category", &x.employer_category, &y.employer_category),
        ("joint_committee", &x.joint_committee, &y.joint_committee),
    ] {
        if old != new {
            cause(&mut c, format!("register: {field}"));
        }
    }
    if x.private_sector != y.private_sector {
        cause(&mut c, "register: private_sector");
    }
    // §3.1: the counted entries of r1..r4.
    let (sum_x, sum_y): (i64, i64) = (x.pool.entries.iter().sum(), y.pool.entries.iter().sum());
    if sum_x != sum_y {
        cause(&mut c, format!("entries {sum_x}→{sum_y}"));
    } else {
        for k in 0..4 {
            if x.pool.entries[k] != y.pool.entries[k] {
                cause(&mut c, format!("entries {} {}→{}", r.quarter(k), x.pool.entries[k], y.pool.entries[k]));
            }
        }
    }
    // §3.2: the denominators, each of its own quarter.
    for k in 0..4 {
        if x.pool.fte[k] != y.pool.fte[k] {
            cause(&mut c, format!("fte3y {}", r.denominator_quarter(k)));
        }
    }
    if x.headcount != y.headcount {
        cause(&mut c, "average headcount");
    }
    if x.wage_base != y.wage_base {
        cause(&mut c, "wage base Q-1");
    }
    // §3.3: the pools it is compared with.
    if (x.sector.level, &x.sector.group) != (y.sector.level, &y.sector.group) {
        cause(&mut c, format!("sector group {}→{}", x.sector.group, y.sector.group));
    } else if x.sector_pool != y.sector_pool || x.sector_employers != y.sector_employers {
        cause(&mut c, format!("sector ratio (group {})", y.sector.group));
    }
    if before.private != after.private {
        cause(&mut c, "private ratio");
    }
    if c.is_empty() {
        // Same inputs and pools, another outcome: the rule set differs between the runs.
        cause(&mut c, "rules");
    }
    c
}
