//! The sector funds' receipts of a year (§10), end to end: assess the quarters whose levy
//! falls due in the year, write the notice to each joint committee and, with a ledger,
//! each committee's three-year position; publish them with the rejects and a summary.
//! The law it applies (deadlines, the X-2 return rule) is [`crate::levy::funds`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;

use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::input::ledger;
use crate::input::rejects::{InputCounts, Reject};
use crate::levy::assess::assess;
use crate::levy::funds::{self, Entry, NoticeLine};
use crate::parse::format_cents;
use crate::quarter::{format_date, Quarter};
use crate::report::Col;
use crate::report::RulesSummary;
use crate::report::{self, Staging};
use crate::rules::{Decimal, FundsRules, RuleSet};

/// A validated `funds` run.
pub struct Plan {
    pub rules: RuleSet,
    /// Where the levies' inputs are read.
    pub source: crate::run::Source,
    pub year: i32,
    pub out: PathBuf,
    /// The funds' ledger, with the date its position is computed for.
    pub ledger: Option<PathBuf>,
    pub as_of: Option<i32>,
    pub strict: bool,
    pub max_rejected_share: Option<Decimal>,
    /// §6: quarters missing or dropping are computed as they are.
    pub allow_incomplete_data: bool,
}

/// What a run did: its line for the terminal, the rows rejected, the inputs read.
pub struct Outcome {
    pub text: String,
    pub rejected: usize,
    pub data: Dataset,
}

#[derive(Serialize)]
struct Summary {
    year: i32,
    notice_date: String,
    quarters_assessed: Vec<String>,
    committees: usize,
    receipts_total: String,
    receipts_total_cents: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    ledger: Option<InputCounts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<String>,
    rules: RulesSummary,
    inputs: BTreeMap<&'static str, InputCounts>,
}

/// Runs a plan; `read` reads the inputs (from a data folder or a store).
pub fn run(plan: Plan) -> Result<Outcome> {
    let set = plan.rules;
    let as_of = plan.as_of;
    let (ledger_rows, mut ledger_rejects, ledger_read) = match &plan.ledger {
        Some(p) => ledger::load(p)?,
        None => (Vec::new(), Vec::new(), 0),
    };
    // The notice years: Y, and those the ledger refers to (up to Y).
    let mut years: BTreeSet<i32> = BTreeSet::from([plan.year]);
    let ledger_file = plan.ledger.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    let mut ledger_rows_kept = Vec::new();
    for r in ledger_rows {
        if r.notice_year > plan.year {
            ledger_rejects.push(Reject::new(
                ledger_file.clone(),
                r.line,
                format!("reference: notice year {} is after --year {}", r.notice_year, plan.year),
            ));
        } else {
            years.insert(r.notice_year);
            ledger_rows_kept.push(r);
        }
    }
    let mut due: BTreeMap<i32, Vec<(Quarter, usize)>> = BTreeMap::new();
    for &y in &years {
        let qs = funds::quarters_due_in(&set, y)?;
        if qs.is_empty() && y == plan.year {
            return Err(Error::Usage(format!(
                "no levy falls due in {y}: the invalidity levy is in force {} (rule set {}), due {} quarters later",
                crate::contribution::describe_periods(&set, crate::levy::LEVY),
                set.origin,
                set.resolve(Quarter::new(y, 1).unwrap_or(Quarter(0)), true)?.levy.payment_lag
            )));
        }
        due.insert(y, qs);
    }
    let quarters: Vec<Quarter> = due.values().flatten().map(|(q, _)| *q).collect::<BTreeSet<_>>().into_iter().collect();
    // §6: the checks of `assess` (coverage, volumes, the rejected share): data that did not
    // hold give no notice, rejects.csv alone is written. `--strict` is checked at the end,
    // with the ledger's rows.
    let resolved = crate::run::Resolved::new(&set, quarters.clone(), None, false)?;
    let gates = crate::run::Gates {
        allow_incomplete_data: plan.allow_incomplete_data,
        strict: false,
        max_rejected_share: plan.max_rejected_share,
    };
    let data = crate::run::read(&resolved, &plan.source, &gates, crate::run::Rejects::WriteTo(&plan.out), &|_| {})?;
    let rules = resolved.rules;
    // The quarters are assessed side by side; each keeps only its liable employers' parts.
    use rayon::prelude::*;
    let parts_by_quarter: BTreeMap<Quarter, Vec<Vec<(String, i64)>>> = rules
        .into_par_iter()
        .map(|r| {
            let q = r.quarter;
            let assessment = assess(&data, r)?;
            let parts = assessment.employers.iter().filter(|e| e.levy.is_some()).map(|e| e.parts.clone()).collect();
            std::thread::spawn(move || drop(assessment));
            Ok((q, parts))
        })
        .collect::<Result<_>>()?;
    let funds_rules: FundsRules = set.resolve(Quarter::new(plan.year, 4).unwrap_or(Quarter(0)), true)?.funds;
    let notice_of = |y: i32| -> Vec<NoticeLine> {
        let mut parts: [Vec<&[(String, i64)]>; 4] = Default::default();
        for (q, n) in &due[&y] {
            for p in parts_by_quarter.get(q).into_iter().flatten() {
                parts[n - 1].push(p.as_slice());
            }
        }
        funds::notice(&parts)
    };
    let notices: BTreeMap<i32, Vec<NoticeLine>> = years.iter().map(|y| (*y, notice_of(*y))).collect();
    let notice = &notices[&plan.year];
    let notice_date = funds::notice_date(plan.year, &funds_rules);

    let mut st = Staging::new(&plan.out)?;
    st.csv(
        &format!("notice_{}.csv", plan.year),
        &[
            Col::text("joint_committee"),
            Col::number("employers"),
            Col::number("receipts_q1"),
            Col::number("receipts_q2"),
            Col::number("receipts_q3"),
            Col::number("receipts_q4"),
            Col::number("receipts_total"),
            Col::date("notice_date"),
        ],
        notice.iter().map(|l| {
            let mut row = vec![l.joint_committee.clone(), l.employers.to_string()];
            row.extend(l.receipts.iter().map(|c| format_cents(*c)));
            row.push(format_cents(l.total()));
            row.push(format_date(notice_date));
            row
        }),
    )?;

    let mut ledger_counts = None;
    if let Some(as_of) = as_of {
        // Per committee and notice year: the accepted entries, checked against the notice.
        let mut groups: BTreeMap<(String, i32), Vec<Entry>> = BTreeMap::new();
        for r in ledger_rows_kept {
            let known = notices[&r.notice_year].iter().any(|l| l.joint_committee == r.joint_committee);
            if !known {
                ledger_rejects.push(Reject::new(
                    ledger_file.clone(),
                    r.line,
                    format!(
                        "joint_committee: unknown committee '{}' (no receipts in the notice of {})",
                        r.joint_committee, r.notice_year
                    ),
                ));
                continue;
            }
            groups.entry((r.joint_committee, r.notice_year)).or_default().push(Entry {
                date: r.date,
                event: r.event,
                cents: r.cents,
                line: r.line,
            });
        }
        let mut rows = Vec::new();
        for (&y, lines) in &notices {
            let nd = funds::notice_date(y, &funds_rules);
            for l in lines {
                let entries = groups.remove(&(l.joint_committee.clone(), y)).unwrap_or_default();
                let (ok, bad) = funds::check(l.total(), nd, entries, &funds_rules);
                for (line, reason) in bad {
                    ledger_rejects.push(Reject::new(ledger_file.clone(), line, reason));
                }
                let p = funds::position(l.total(), nd, &ok, as_of, &funds_rules);
                rows.push(vec![
                    l.joint_committee.clone(),
                    y.to_string(),
                    format_date(nd),
                    format_cents(p.receipts),
                    format_cents(p.requested),
                    format_cents(p.paid),
                    format_cents(p.allocated),
                    format_cents(p.returned),
                    format_date(p.request_deadline),
                    p.allocation_deadline.map(format_date).unwrap_or_default(),
                    format_cents(p.due_to_dg_hut),
                    format_cents(p.due_back_to_office),
                    format_cents(p.payment_overdue),
                    p.overdue().join(";"),
                ]);
            }
        }
        st.csv(
            "ledger.csv",
            &[
                Col::text("joint_committee"),
                Col::number("notice_year"),
                Col::date("notice_date"),
                Col::money("receipts"),
                Col::number("requested"),
                Col::number("paid"),
                Col::number("allocated"),
                Col::number("returned"),
                Col::date("request_deadline"),
                Col::date("allocation_deadline"),
                Col::number("due_to_dg_hut"),
                Col::number("due_back_to_office"),
                Col::number("payment_overdue"),
                Col::text("overdue"),
            ],
            rows,
        )?;
        ledger_rejects.sort_by_key(|r| r.line);
        ledger_counts = Some(InputCounts {
            read: ledger_read,
            used: ledger_read - ledger_rejects.len() as u64,
            rejected: ledger_rejects.len() as u64,
            sha256: file_sha256(std::path::Path::new(&ledger_file))?,
            files: vec![ledger_file.clone()],
            rejected_by_reason: crate::input::rejects::count_by_reason(&ledger_rejects),
        });
    }
    let mut rejects = data.rejects.clone();
    rejects.extend(ledger_rejects);
    st.csv("rejects.csv", report::REJECTS_HEADER, report::rejects_rows(&rejects))?;
    let total: i64 = notice.iter().map(NoticeLine::total).sum();
    let any_rules = set.resolve(Quarter::new(plan.year, 1).unwrap_or(Quarter(0)), true)?;
    st.json(
        "summary.json",
        &Summary {
            year: plan.year,
            notice_date: format_date(notice_date),
            quarters_assessed: due[&plan.year].iter().map(|(q, _)| q.to_string()).collect(),
            committees: notice.len(),
            receipts_total: format_cents(total),
            receipts_total_cents: total,
            ledger: ledger_counts,
            as_of: as_of.map(format_date),
            rules: RulesSummary::of(&any_rules),
            inputs: data.inputs.clone(),
        },
    )?;
    if plan.strict && !rejects.is_empty() {
        // §6: exit 3 publishes rejects.csv alone, never a notice beside it.
        drop(st);
        report::write_rejects_only(&plan.out, &rejects)?;
        return Err(Error::Strict {
            rejected: rejects.len() as u64,
            rejects: plan.out.join("rejects.csv").display().to_string(),
        });
    }
    st.publish()?;
    let text = format!(
        "receipts of {} (levies due in {}): EUR {} for {} joint committees; notice by {}",
        plan.year,
        due[&plan.year].iter().map(|(q, n)| format!("Q{n} from {q}")).collect::<Vec<_>>().join(", "),
        format_cents(total),
        notice.len(),
        format_date(notice_date)
    );
    Ok(Outcome { text, rejected: rejects.len(), data })
}

/// sha256 of a file's bytes (§4 `inputs`).
fn file_sha256(path: &std::path::Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).map_err(|e| crate::error::io(path, "read", e))?;
    Ok(crate::rules::hex(&Sha256::digest(&bytes)))
}
