//! `responsa regularise` (§12): the quarters of a run assessed on two versions of the
//! store, and what changed between them: per employer what to bill or refund and why
//! (`regularisation.csv`), per incapacity for a solidarity quarter
//! (`regularisation_incapacities.csv`), the totals (`summary.json`, the terminal) and a
//! page (`report.html`). The comparisons are the wings' ([`crate::levy::regularise`],
//! [`crate::solidarity::regularise`]); this module reads, runs and publishes.

use std::path::PathBuf;

use serde::Serialize;

use crate::contribution::Contribution;
use crate::correction::{self, EmployerChange, IncapacityChange, Totals};
use crate::error::{Error, Result};
use crate::quarter::Quarter;
use crate::rules::RuleSet;

/// A validated regularisation.
pub struct Plan {
    pub store: PathBuf,
    pub quarters: Vec<Quarter>,
    pub rules: Vec<crate::rules::Rules>,
    /// Per quarter, the contributions in force (§5).
    pub on: Vec<Vec<Contribution>>,
    pub from: u64,
    /// The latest when `None`.
    pub to: Option<u64>,
    pub out: PathBuf,
    pub allow_incomplete_data: bool,
    /// §6's tolerance (the rule set's `max_rejected_share` when `None`): a version whose
    /// inputs lost more is not compared, as it would not be assessed.
    pub max_rejected_share: Option<crate::rules::Decimal>,
}

impl Plan {
    pub fn new(
        set: &RuleSet,
        store: PathBuf,
        quarters: Vec<Quarter>,
        from: u64,
        to: Option<u64>,
        out: PathBuf,
    ) -> Result<Plan> {
        let rules: Vec<_> = quarters.iter().map(|q| set.resolve(*q, false)).collect::<Result<_>>()?;
        let on = rules.iter().map(|r| crate::contribution::to_compute(set, r)).collect::<Result<_>>()?;
        Ok(Plan { store, quarters, rules, on, from, to, out, allow_incomplete_data: false, max_rejected_share: None })
    }
}

#[derive(Serialize)]
struct Summary<'a> {
    store: String,
    from_version: u64,
    to_version: u64,
    /// Per quarter and contribution.
    quarters: &'a [Totals],
    /// Over the run's quarters.
    employers_to_bill: u64,
    to_bill: String,
    employers_to_refund: u64,
    to_refund: String,
    net: String,
}

/// What a regularisation found: its totals, and the lines for the terminal.
pub struct Outcome {
    pub from: u64,
    pub to: u64,
    pub totals: Vec<Totals>,
    pub text: String,
}

/// Runs a plan; `progress` hears each stage.
pub fn run(plan: Plan, progress: &dyn Fn(&str)) -> Result<Outcome> {
    let latest = crate::store::read_version(&plan.store, None)?
        .ok_or_else(|| Error::Usage(format!("{}: no store here: run responsa ingest first", plan.store.display())))?
        .version;
    let to = plan.to.unwrap_or(latest);
    let needs = crate::dataset::Needs::of(plan.on.iter().flatten());
    let lines = crate::run::line_rules(&plan.rules)?;
    let runs: Vec<(Quarter, Vec<Contribution>)> = plan.quarters.iter().copied().zip(plan.on.iter().cloned()).collect();
    let read = |v: u64| -> Result<crate::dataset::Dataset> {
        progress(&format!("reading version {v}"));
        let from = crate::run::Origin::Store(plan.store.clone(), Some(v));
        let data = crate::run::open(&from, &plan.rules, &plan.quarters, needs, progress)?;
        if !plan.allow_incomplete_data {
            crate::run::check_coverage(&data, &runs).map_err(|e| Error::Structure(format!("version {v}: {e}")))?;
        }
        let share = plan.max_rejected_share.unwrap_or(lines.shared.max_rejected_share);
        crate::input::rejects::gate(&data.inputs, share, &data.register.ids, &plan.store.join("batches"))?;
        Ok(data)
    };
    let (before, after) = (read(plan.from)?, read(to)?);
    let mut changes: Vec<EmployerChange> = Vec::new();
    let mut incapacities: Vec<IncapacityChange> = Vec::new();
    let mut totals = Vec::new();
    for (i, r) in plan.rules.iter().enumerate() {
        let q = r.quarter;
        progress(&format!("comparing {q}"));
        for c in &plan.on[i] {
            let (found, t) = match c {
                Contribution::InvalidityLevy => {
                    let (b, a) = (
                        crate::levy::assess::assess(&before, r.clone())?,
                        crate::levy::assess::assess(&after, r.clone())?,
                    );
                    let found = crate::levy::regularise::compare(&b, &a);
                    let t = correction::totals(q, *c, &found)?;
                    (found, t)
                }
                Contribution::Solidarity => {
                    let (b, a) = (
                        crate::solidarity::assess::assess(&before, r.clone())?,
                        crate::solidarity::assess::assess(&after, r.clone())?,
                    );
                    let (found, inc) = crate::solidarity::regularise::compare(&b, &a);
                    let mut t = correction::totals(q, *c, &found)?;
                    t.incapacities_changed = Some(inc.len() as u64);
                    incapacities.extend(inc);
                    (found, t)
                }
            };
            changes.extend(found);
            totals.push(t);
        }
    }
    let sum = |f: &dyn Fn(&Totals) -> i64| -> Result<i64> {
        totals
            .iter()
            .try_fold(0i64, |acc, t| acc.checked_add(f(t)))
            .ok_or_else(|| anyhow::anyhow!("the totals overflow").into())
    };
    let (bill, refund) = (sum(&|t| t.cents.0)?, sum(&|t| t.cents.1)?);
    let count = |f: &dyn Fn(&Totals) -> u64| totals.iter().map(f).sum::<u64>();
    let summary = Summary {
        store: plan.store.display().to_string(),
        from_version: plan.from,
        to_version: to,
        quarters: &totals,
        employers_to_bill: count(&|t| t.employers_to_bill),
        to_bill: crate::parse::format_cents(bill),
        employers_to_refund: count(&|t| t.employers_to_refund),
        to_refund: crate::parse::format_cents(refund),
        net: crate::parse::format_cents(bill - refund),
    };
    progress(&format!("writing {}", plan.out.display()));
    let publication = crate::report::Publication::new(&plan.out)?;
    let mut st = publication.staging("")?;
    st.csv("regularisation.csv", &correction::HEADER, correction::rows(&changes)?)?;
    if needs.incapacity {
        st.csv(
            "regularisation_incapacities.csv",
            &correction::INCAPACITY_HEADER,
            correction::incapacity_rows(&incapacities)?,
        )?;
    }
    st.json("summary.json", &summary)?;
    st.publish()?;
    let page = page(&plan, (plan.from, to), &summary, (bill, refund), &changes)?;
    let path = publication.path("report.html");
    std::fs::write(&path, crate::html::render(&page)?).map_err(|e| crate::error::io(&path, "write", e))?;
    publication.publish()?;

    let mut text = format!("regularisation of version {} against version {}\n", to, plan.from);
    for t in &totals {
        text.push_str(&format!(
            "{} {}: {} employers changed; to bill {} employers, {}; to refund {} employers, {}; net {}{}\n",
            t.quarter,
            t.contribution,
            t.employers_changed,
            t.employers_to_bill,
            t.to_bill,
            t.employers_to_refund,
            t.to_refund,
            t.net,
            t.incapacities_changed.map(|n| format!(" ({n} incapacities changed)")).unwrap_or_default()
        ));
    }
    Ok(Outcome { from: plan.from, to, totals, text })
}

/// report.html of a regularisation: the totals, then the changes, largest first.
fn page(
    plan: &Plan,
    (from, to): (u64, u64),
    s: &Summary<'_>,
    (bill, refund): (i64, i64),
    changes: &[EmployerChange],
) -> Result<crate::html::Page> {
    use crate::html::{euros, Figure, Page, Table};
    let figure = |label: &str, value: String| Figure { label: label.to_string(), value };
    let mut sorted: Vec<(&EmployerChange, i64)> =
        changes.iter().map(|c| Ok((c, c.difference()?))).collect::<Result<_>>()?;
    sorted.sort_by(|a, b| b.1.abs().cmp(&a.1.abs()).then_with(|| a.0.employer_id.cmp(&b.0.employer_id)));
    const SHOWN: usize = 200;
    let rows: Vec<Vec<String>> = sorted
        .iter()
        .take(SHOWN)
        .map(|(c, d)| {
            vec![
                c.employer_id.clone(),
                c.quarter.to_string(),
                correction::contribution_code(c.contribution).to_string(),
                if c.status_before == c.status_after {
                    c.status_after.clone()
                } else {
                    format!("{} → {}", c.status_before, c.status_after)
                },
                euros(c.amount_before),
                euros(c.amount_after),
                euros(*d),
                c.causes.join("; "),
            ]
        })
        .collect();
    let quarters = plan.quarters.iter().map(|q| q.to_string()).collect::<Vec<_>>();
    let note = if changes.len() > SHOWN {
        format!("The {SHOWN} largest differences of {}; every one is in regularisation.csv.", changes.len())
    } else {
        "Every employer whose status or amount differs; positive: to bill, negative: to refund.".to_string()
    };
    Ok(Page {
        title: format!("Regularisation — {}", crate::store::ranges(&quarters)),
        subtitle: format!("Version {to} of the store against version {from} ({})", plan.store.display()),
        figures: vec![
            figure("employers to bill", format!("{} · {}", s.employers_to_bill, euros(bill))),
            figure("employers to refund", format!("{} · {}", s.employers_to_refund, euros(refund))),
            figure("net", euros(bill - refund)),
        ],
        scatter: None,
        charts: Vec::new(),
        trend: None,
        quality: Vec::new(),
        tables: vec![Table {
            id: "regularisation".into(),
            title: "What changed, and why".into(),
            note,
            header: ["employer", "quarter", "contribution", "status", "before", "after", "difference", "causes"]
                .map(String::from)
                .to_vec(),
            numeric: vec![false, false, false, false, true, true, true, false],
            rows,
        }],
        footer: "responsa regularise: both versions assessed under the same rule set; causes name what moved, \
                 from the employer's own inputs to the pools it is compared with."
            .into(),
        trend_values: Vec::new(),
    })
}
