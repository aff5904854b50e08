//! `responsa funds`: the sector funds' receipts of the levy (§10) — the yearly notice
//! to each joint committee and, with a ledger, each committee's three-year position.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;

use crate::dataset::Needs;
use crate::error::{Error, Result};
use crate::input::ledger;
use crate::input::rejects::{InputCounts, Reject};
use crate::levy::assess::assess;
use crate::levy::funds::{self, Entry, NoticeLine};
use crate::parse::{format_cents, parse_date};
use crate::quarter::{format_date, Quarter};
use crate::report::RulesSummary;
use crate::report::{self, Staging};
use crate::rules::FundsRules;

/// The sector funds' receipts of a year: the notice, and the three-year ledger.
///
/// Assesses the quarters whose levy falls due in Y
/// and writes notice_Y.csv, one row per joint committee with its receipts per due
/// quarter (the parts of §3.8, adding up to the cent to the levies) and the notice
/// date (15 February of Y+1). With --ledger and --as-of, also ledger.csv: per committee
/// and notice year, the receipts, what was requested, paid, allocated and returned, the
/// request and allocation deadlines, what is due to DG Humanisation of Work or back to
/// the office, and what is overdue on that date.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The ledger (CSV): joint_committee,date,event,amount,reference
  event: request, payment, allocation or return; reference: the notice year it concerns.
  Faulty rows go to rejects.csv with their line and reason (unknown committee or event,
  negative amount, a payment without a request, more paid than available, a late request).

Examples:
  responsa funds --year 2024 --data data/example --out funds
  responsa funds --year 2024 --store STORE --out funds --ledger data/example/ledger.csv --as-of 2028-03-01

Exit codes: 0 success, 2 usage or structural error, 3 --strict and rows were rejected, 1 other.")]
pub struct Args {
    /// The year of collection Y (the levies due in its quarters).
    #[arg(long, value_name = "YYYY")]
    pub year: i32,
    #[command(flatten)]
    pub inputs: super::inputs::Inputs,
    /// Folder the reports are written to.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The funds' ledger: requests, payments, allocations, returns.
    #[arg(long, value_name = "FILE", requires = "as_of")]
    pub ledger: Option<PathBuf>,
    /// The date the ledger's position is computed for (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", requires = "ledger")]
    pub as_of: Option<String>,
    /// A rule file to use instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// The largest share of an input's rows, in percent, that may be rejected before the
    /// run stops with exit 3 instead of reporting (default: the rule set's
    /// max_rejected_share, 1 %; --strict: none).
    #[arg(long, value_name = "PERCENT")]
    pub max_rejected_share: Option<crate::rules::Decimal>,
    /// Fail (exit 3) when any input or ledger row was rejected, after writing rejects.csv.
    #[arg(long)]
    pub strict: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
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

pub fn run(a: Args) -> Result<()> {
    let set = super::rules::load(a.rules.as_deref())?;
    let as_of = match &a.as_of {
        Some(s) => Some(parse_date(s).map_err(|_| Error::Usage(format!("--as-of '{s}' is not a date (YYYY-MM-DD)")))?),
        None => None,
    };
    let (ledger_rows, mut ledger_rejects, ledger_read) = match &a.ledger {
        Some(p) => ledger::load(p)?,
        None => (Vec::new(), Vec::new(), 0),
    };
    // The notice years: Y, and those the ledger refers to (up to Y).
    let mut years: BTreeSet<i32> = BTreeSet::from([a.year]);
    let ledger_file = a.ledger.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    let mut ledger_rows_kept = Vec::new();
    for r in ledger_rows {
        if r.notice_year > a.year {
            ledger_rejects.push(Reject::new(
                ledger_file.clone(),
                r.line,
                format!("reference: notice year {} is after --year {}", r.notice_year, a.year),
            ));
        } else {
            years.insert(r.notice_year);
            ledger_rows_kept.push(r);
        }
    }
    let mut due: BTreeMap<i32, Vec<(Quarter, usize)>> = BTreeMap::new();
    for &y in &years {
        let qs = funds::quarters_due_in(&set, y)?;
        if qs.is_empty() && y == a.year {
            return Err(Error::Usage(format!(
                "no levy falls due in {y}: the invalidity levy is in force {} (rule set {}), due {} quarters later",
                crate::contribution::describe_periods(&set, crate::contribution::Contribution::InvalidityLevy),
                set.origin,
                set.resolve(Quarter::new(y, 1).unwrap_or(Quarter(0)), true)?.levy.payment_lag
            )));
        }
        due.insert(y, qs);
    }
    let quarters: Vec<Quarter> = due.values().flatten().map(|(q, _)| *q).collect::<BTreeSet<_>>().into_iter().collect();
    let rules: Vec<_> = quarters.iter().map(|q| set.resolve(*q, false)).collect::<Result<_>>()?;
    let needs = Needs { invalidity: true, incapacity: false };
    let data = a.inputs.open(&rules, &quarters, needs, &|_| {})?;
    // §6: an input that lost more than max_rejected_share of its rows gives no notice.
    if let Some(r) = rules.last() {
        let rejects_path = a.out.join("rejects.csv");
        let share = a.max_rejected_share.unwrap_or(r.shared.max_rejected_share);
        if let Err(e) =
            crate::input::rejects::gate(&data.inputs, &data.rejects, share, false, &data.register.ids, &rejects_path)
        {
            crate::report::write_rejects_only(&a.out, &data.rejects)?;
            return Err(e);
        }
    }
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
    let funds_rules: FundsRules = set.resolve(Quarter::new(a.year, 4).unwrap_or(Quarter(0)), true)?.funds;
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
    let notice = &notices[&a.year];
    let notice_date = funds::notice_date(a.year, &funds_rules);

    let mut st = Staging::new(&a.out)?;
    st.csv(
        &format!("notice_{}.csv", a.year),
        &[
            "joint_committee",
            "employers",
            "receipts_q1",
            "receipts_q2",
            "receipts_q3",
            "receipts_q4",
            "receipts_total",
            "notice_date",
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
                "joint_committee",
                "notice_year",
                "notice_date",
                "receipts",
                "requested",
                "paid",
                "allocated",
                "returned",
                "request_deadline",
                "allocation_deadline",
                "due_to_dg_hut",
                "due_back_to_office",
                "payment_overdue",
                "overdue",
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
    let any_rules = set.resolve(Quarter::new(a.year, 1).unwrap_or(Quarter(0)), true)?;
    st.json(
        "summary.json",
        &Summary {
            year: a.year,
            notice_date: format_date(notice_date),
            quarters_assessed: due[&a.year].iter().map(|(q, _)| q.to_string()).collect(),
            committees: notice.len(),
            receipts_total: format_cents(total),
            receipts_total_cents: total,
            ledger: ledger_counts,
            as_of: as_of.map(format_date),
            rules: RulesSummary::of(&any_rules),
            inputs: data.inputs.clone(),
        },
    )?;
    if a.strict && !rejects.is_empty() {
        st.publish()?;
        return Err(Error::Strict {
            rejected: rejects.len() as u64,
            rejects: a.out.join("rejects.csv").display().to_string(),
        });
    }
    st.publish()?;
    // The process ends right after: its memory goes back to the OS at once.
    std::mem::forget(data);
    if !a.quiet {
        println!(
            "receipts of {} (levies due in {}): EUR {} for {} joint committees; notice by {}",
            a.year,
            due[&a.year].iter().map(|(q, n)| format!("Q{n} from {q}")).collect::<Vec<_>>().join(", "),
            format_cents(total),
            notice.len(),
            format_date(notice_date)
        );
        if !rejects.is_empty() {
            println!("rejected rows: {} (see rejects.csv)", rejects.len());
        }
        println!("reports written to {}", a.out.display());
    }
    Ok(())
}

/// sha256 of a file's bytes (§4 `inputs`).
fn file_sha256(path: &std::path::Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).map_err(|e| crate::error::io(path, "read", e))?;
    Ok(crate::rules::hex(&Sha256::digest(&bytes)))
}
