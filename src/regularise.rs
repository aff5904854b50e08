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
    /// The quarters, their rules and contributions (§5).
    pub resolved: crate::run::Resolved,
    /// The version billed (the store's journal, §12.2) when `None`.
    pub from: Option<u64>,
    /// The latest when `None`.
    pub to: Option<u64>,
    /// `--bill`: record the regularisation in the store's journal (§12.2).
    pub bill: bool,
    pub out: PathBuf,
    /// §6: a version is compared only if `assess` would assess it.
    pub gates: crate::run::Gates,
    /// The office's lines and date of the corrected notices (§12.3).
    pub office: crate::html::letters::Office,
    /// `--xlsx`: the tables in one workbook.
    pub xlsx: bool,
}

impl Plan {
    pub fn new(
        set: &RuleSet,
        store: PathBuf,
        quarters: Vec<Quarter>,
        from: Option<u64>,
        to: Option<u64>,
        out: PathBuf,
    ) -> Result<Plan> {
        let resolved = crate::run::Resolved::new(set, quarters, None, false)?;
        Ok(Plan {
            store,
            resolved,
            from,
            to,
            bill: false,
            out,
            gates: crate::run::Gates::default(),
            office: crate::html::letters::Office::embedded()?,
            xlsx: false,
        })
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
    let journal = crate::store::journal::read(&plan.store)?;
    let from = match plan.from {
        Some(n) => n,
        None => billed_version(&plan, &journal)?,
    };
    if from > to {
        return Err(Error::Usage(format!(
            "--from {from} is after --to {to}: a regularisation compares the version billed with a later one"
        )));
    }
    let source = crate::run::Source {
        origin: crate::run::Origin::Store(plan.store.clone(), None),
        dialect: crate::input::dialect::Dialect::Standard,
        dmfa_employer: crate::dmfa::EmployerKey::default(),
    };
    let batches = plan.store.join("batches");
    let read_with = |v: u64, progress: &dyn Fn(&str)| -> Result<crate::dataset::Dataset> {
        progress(&format!("reading version {v}"));
        let at = source.at_version(v)?;
        crate::run::read(&plan.resolved, &at, &plan.gates, crate::run::Rejects::Named(&batches), progress).map_err(
            |e| match e {
                Error::Structure(m) => Error::Structure(format!("version {v}: {m}")),
                Error::Volume(m) => Error::Volume(format!("version {v}: {m}")),
                Error::Rejected(m) => Error::Rejected(format!("version {v}: {m}")),
                other => other,
            },
        )
    };
    let read = |v: u64| read_with(v, progress);
    let read_quietly = |v: u64| read_with(v, &|_: &str| {});
    // The two versions read side by side: each read's single-threaded steps (opening the
    // version, the merges) overlap the other's parallel ones. The earlier one is read on
    // a worker without progress messages.
    let mut earlier = None;
    let after = rayon::in_place_scope(|s| {
        s.spawn(|_| earlier = Some(read_quietly(from)));
        read(to)
    });
    // The scope ends when its task has: the earlier version has been read.
    let before = earlier.ok_or_else(|| anyhow::anyhow!("version {from} was not read"))??;
    let after = after?;
    let mut changes: Vec<EmployerChange> = Vec::new();
    let mut incapacities: Vec<IncapacityChange> = Vec::new();
    let mut totals = Vec::new();
    for (i, r) in plan.resolved.rules.iter().enumerate() {
        let q = r.quarter;
        progress(&format!("comparing {q}"));
        for c in &plan.resolved.on[i] {
            let wing = c.wing();
            // Both versions assessed side by side.
            let (b, a) = rayon::join(|| wing.assess(&before, r.clone()), || wing.assess(&after, r.clone()));
            let (b, a) = (b?, a?);
            let found = a.regularise(b.as_ref())?;
            let mut t = correction::totals(q, *c, &found.employers)?;
            if let Some(inc) = found.incapacities {
                t.incapacities_changed = Some(inc.len() as u64);
                incapacities.extend(inc);
            }
            changes.extend(found.employers);
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
        from_version: from,
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
    if plan.xlsx {
        st.keep_tables();
    }
    st.csv("regularisation.csv", correction::HEADER, correction::rows(&changes)?)?;
    if plan.resolved.needs().incapacity {
        st.csv(
            "regularisation_incapacities.csv",
            correction::INCAPACITY_HEADER,
            correction::incapacity_rows(&incapacities)?,
        )?;
    }
    st.json("summary.json", &summary)?;
    // §12.3: a corrected notice for every employer whose amount changes, in its language.
    let notices = corrected_notices(&plan, &after, &changes, &incapacities, &journal)?;
    let unfilled = if notices.is_empty() { Vec::new() } else { plan.office.unfilled() };
    if !notices.is_empty() {
        st.texts_in("letters", notices)?;
    }
    // --xlsx: the regularisation's tables in one workbook, a summary sheet first (§11).
    if plan.xlsx {
        let path = publication.path("responsa.xlsx");
        let mut book = crate::xlsx::Book::new();
        let range = crate::store::ranges(&plan.resolved.quarters.iter().map(|q| q.to_string()).collect::<Vec<_>>());
        for table in st.kept() {
            book.add_table(&range, table, &path)?;
        }
        for t in &totals {
            book.summarise(crate::xlsx::SummaryLine {
                quarter: t.quarter.clone(),
                contribution: t.contribution.clone(),
                employers: t.employers_changed,
                owing: t.employers_to_bill,
                amount: t.cents.0 - t.cents.1,
                due_quarter: String::new(),
                rejected_rows: 0,
            });
        }
        book.save(&path)?;
    }
    st.publish()?;
    let page = page(&plan, (from, to), &summary, (bill, refund), &changes, &incapacities)?;
    let path = publication.path("report.html");
    std::fs::write(&path, crate::html::render(&page)?).map_err(|e| crate::error::io(&path, "write", e))?;
    publication.publish()?;

    let mut text = format!("regularisation of version {} against version {}\n", to, from);
    let mut billed = String::new();
    if plan.bill {
        let bills = bills(&totals, &changes, &journal, (from, to))?;
        let n = crate::store::journal::record(&plan.store, &plan.out, bills).map_err(|e| {
            anyhow::anyhow!(
                "the regularisation is written to {}, but not recorded as billed: {e}; run again with --bill",
                plan.out.display()
            )
        })?;
        billed = format!("billed: journal entry {n} in {}\n", plan.store.display());
    }
    for t in &totals {
        text.push_str(&format!(
            "{} {}: {} changed; to bill {}, {}; to refund {}, {}; net {}{}\n",
            t.quarter,
            t.contribution.replace('_', " "),
            plural(t.employers_changed, "employer", "employers"),
            plural(t.employers_to_bill, "employer", "employers"),
            t.to_bill,
            plural(t.employers_to_refund, "employer", "employers"),
            t.to_refund,
            t.net,
            t.incapacities_changed
                .map(|n| format!(" ({} changed)", plural(n, "incapacity", "incapacities")))
                .unwrap_or_default()
        ));
    }
    text.push_str(&billed);
    if !unfilled.is_empty() {
        text.push_str(&format!(
            "warning: the corrected notices carry the office's bracketed default lines ({}): fill in a copy of \
             data/letters.toml and pass it with --letters FILE before sending them\n",
            unfilled.join(", ")
        ));
    }
    Ok(Outcome { from, to, totals, text })
}

/// §12.2: without `--from`, the version the quarters were billed on, the same for every
/// quarter and contribution of the run; a quarter never billed needs `--from`.
fn billed_version(plan: &Plan, journal: &[crate::store::journal::Entry]) -> Result<u64> {
    let mut versions = std::collections::BTreeSet::new();
    for (q, on) in plan.resolved.quarters.iter().zip(&plan.resolved.on) {
        for c in on {
            let b = crate::store::journal::billed(journal, &q.to_string(), c.short_name()).ok_or_else(|| {
                Error::Usage(format!(
                    "{q} ({}): never billed from {} (assess --store STORE --bill records it): give --from N, the \
                     version its notices were computed on",
                    c.short_name(),
                    plan.store.display()
                ))
            })?;
            versions.insert(b.version);
        }
    }
    match versions.iter().collect::<Vec<_>>()[..] {
        [v] => Ok(*v),
        _ => Err(Error::Usage(format!(
            "the quarters were billed on different versions ({}): regularise them one by one, or give --from N",
            versions.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// The reference of an employer's next corrected notice of a quarter (§12.3): the
/// original's, with `/R1`, `/R2` … counting the regularisations the journal holds.
fn corrected_reference(journal: &[crate::store::journal::Entry], c: &EmployerChange) -> (String, String) {
    let original = c.contribution.reference(c.quarter, &c.employer_id);
    let n =
        crate::store::journal::regularisations(journal, &c.quarter.to_string(), c.contribution.short_name(), &original);
    let next = format!("{original}/R{}", n + 1);
    (original, next)
}

/// §12.3: per employer whose amount changes, its corrected notice (file, page), in the
/// language of its register row in the version compared.
fn corrected_notices(
    plan: &Plan,
    after: &crate::dataset::Dataset,
    changes: &[EmployerChange],
    incapacities: &[IncapacityChange],
    journal: &[crate::store::journal::Entry],
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for c in changes {
        if c.difference()? == 0 {
            continue;
        }
        let Some(rules) = plan.resolved.rules.iter().find(|r| r.quarter == c.quarter) else { continue };
        // The difference is collected (or refunded) regularisation_due_lag quarters after
        // the quarter of the notice's date.
        let collected = Quarter::of_day(plan.office.day()).offset(rules.shared.regularisation_due_lag);
        let (original, reference) = corrected_reference(journal, c);
        let row = after.register.rows.iter().find(|r| r.quarter == c.quarter && r.employer_id == c.employer_id);
        let to = crate::html::letters::Recipient {
            employer_id: &c.employer_id,
            language: row.and_then(|r| r.language.as_deref()),
            contact: after.register.contacts.get(&(c.employer_id.clone(), c.quarter.0)),
        };
        let corrected = correction::notice::Corrected {
            change: c,
            incapacities: incapacities
                .iter()
                .filter(|i| i.employer_id == c.employer_id && Quarter::of_day(i.incapacity_start) == c.quarter)
                .collect(),
            original,
            reference,
            collected,
            rules,
        };
        let html = correction::notice::notice(&corrected, &plan.office, &to)?;
        out.push((crate::html::letters::file_name(&c.employer_id), html));
    }
    Ok(out)
}

/// What a regularisation bills (§12.2): per quarter and contribution the net, and the
/// references of the corrected notices, `/R1`, `/R2` … after the original's (§12.2).
fn bills(
    totals: &[Totals],
    changes: &[EmployerChange],
    journal: &[crate::store::journal::Entry],
    (from, to): (u64, u64),
) -> Result<Vec<crate::store::journal::Bill>> {
    let mut out = Vec::new();
    for t in totals {
        let quarter: Quarter = t.quarter.parse().map_err(|e: String| anyhow::anyhow!(e))?;
        let mut references = Vec::new();
        let mut employers = 0u64;
        let code = |c: Contribution| correction::contribution_code(c) == t.contribution;
        for c in changes.iter().filter(|c| c.quarter == quarter && code(c.contribution)) {
            if c.difference()? == 0 {
                continue;
            }
            employers += 1;
            references.push(corrected_reference(journal, c).1);
        }
        let contribution = crate::contribution::ALL
            .into_iter()
            .find(|c| code(*c))
            .ok_or_else(|| anyhow::anyhow!("{}: not a contribution", t.contribution))?;
        let net = t.cents.0.checked_sub(t.cents.1).ok_or_else(|| anyhow::anyhow!("the net overflows"))?;
        out.push(crate::store::journal::Bill {
            quarter: t.quarter.clone(),
            contribution: contribution.short_name().to_string(),
            kind: "regularisation".into(),
            version: to,
            from_version: Some(from),
            employers,
            total: crate::parse::format_cents(net),
            total_cents: net,
            references,
        });
    }
    Ok(out)
}

/// report.html of a regularisation: the totals, then the changes, largest first.
fn page(
    plan: &Plan,
    (from, to): (u64, u64),
    s: &Summary<'_>,
    (bill, refund): (i64, i64),
    changes: &[EmployerChange],
    incapacities: &[IncapacityChange],
) -> Result<crate::html::Page> {
    use crate::html::{euros, Figure, Page, Table};
    let figure = |label: &str, value: String| Figure { label: label.to_string(), value };
    let words = |c: &EmployerChange, code: &str| -> String {
        if code.is_empty() {
            return String::new();
        }
        match plan.resolved.rules.iter().find(|r| r.quarter == c.quarter) {
            Some(r) => c.contribution.wing().status_words(code, r),
            None => code.to_string(),
        }
    };
    let causes =
        |cs: &[String]| cs.iter().map(|x| correction::notice::cause_words(x, "en")).collect::<Vec<_>>().join("; ");
    let mut sorted: Vec<(&EmployerChange, i64)> =
        changes.iter().map(|c| Ok((c, c.difference()?))).collect::<Result<_>>()?;
    sorted.sort_by(|a, b| b.1.abs().cmp(&a.1.abs()).then_with(|| a.0.employer_id.cmp(&b.0.employer_id)));
    const SHOWN: usize = 200;
    let rows: Vec<Vec<String>> = sorted
        .iter()
        .take(SHOWN)
        .map(|(c, d)| {
            let (b, a) = (words(c, &c.status_before), words(c, &c.status_after));
            vec![
                c.employer_id.clone(),
                c.quarter.to_string(),
                c.contribution.short_name().to_string(),
                if b == a { a } else { format!("{b} → {a}") },
                euros(c.amount_before),
                euros(c.amount_after),
                euros(*d),
                causes(&c.causes),
            ]
        })
        .collect();
    let quarters = plan.resolved.quarters.iter().map(|q| q.to_string()).collect::<Vec<_>>();
    let note = if changes.len() > SHOWN {
        format!("The {SHOWN} largest differences of {}; every one is in regularisation.csv.", changes.len())
    } else {
        "Every employer whose status or amount differs; positive: to bill, negative: to refund.".to_string()
    };
    let mut tables = vec![Table {
        id: "regularisation".into(),
        title: "What changed, and why".into(),
        note,
        header: ["employer", "quarter", "contribution", "status", "billed", "corrected", "difference", "causes"]
            .map(String::from)
            .to_vec(),
        numeric: vec![false, false, false, false, true, true, true, false],
        rows,
    }];
    if !incapacities.is_empty() {
        let days = |s: Option<crate::correction::IncapacityState>| {
            s.map_or("—".to_string(), |s| s.indemnified_days.to_string())
        };
        let amount = |s: Option<crate::correction::IncapacityState>| s.map_or("—".to_string(), |s| euros(s.amount));
        let rows = incapacities
            .iter()
            .take(SHOWN)
            .map(|i| {
                Ok(vec![
                    i.employer_id.clone(),
                    i.worker_id.clone(),
                    crate::quarter::format_date(i.incapacity_start),
                    format!("{} → {}", days(i.before), days(i.after)),
                    amount(i.before),
                    amount(i.after),
                    euros(i.difference()?),
                    causes(&i.causes),
                ])
            })
            .collect::<Result<Vec<_>>>()?;
        tables.push(Table {
            id: "incapacities".into(),
            title: "The incapacities that changed".into(),
            note: "Each incapacity whose status, indemnified days or contribution differs, added and withdrawn ones \
                   included; every one is in regularisation_incapacities.csv."
                .into(),
            header: [
                "employer",
                "worker",
                "incapacity start",
                "indemnified days",
                "before",
                "after",
                "difference",
                "causes",
            ]
            .map(String::from)
            .to_vec(),
            numeric: vec![false, false, false, true, true, true, true, false],
            rows,
        });
    }
    let collected = plan
        .resolved
        .rules
        .first()
        .map(|r| Quarter::of_day(plan.office.day()).offset(r.shared.regularisation_due_lag).to_string())
        .unwrap_or_default();
    Ok(Page {
        title: format!("Regularisation — {}", crate::store::ranges(&quarters)),
        subtitle: format!("Version {to} of the store against version {from} ({})", plan.store.display()),
        figures: vec![
            figure(&plural(s.employers_to_bill, "employer to bill", "employers to bill"), euros(bill)),
            figure(&plural(s.employers_to_refund, "employer to refund", "employers to refund"), euros(refund)),
            figure("net", euros(bill - refund)),
            figure("collected or refunded in", collected),
        ],
        scatter: None,
        charts: Vec::new(),
        trend: None,
        quality: Vec::new(),
        quality_notes: Vec::new(),
        tables,
        footer: "responsa regularise: both versions assessed under the same rule set; causes name what moved, \
                 from the employer's own inputs to the pools it is compared with."
            .into(),
        trend_values: Vec::new(),
    })
}

/// `1 employer`, `2 employers`.
fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
