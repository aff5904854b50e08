//! The assess pipeline (§2–§6, §8, §11), for every contribution in force at each
//! quarter of a run: read the inputs once, refuse data that did not hold (coverage,
//! tolerance, `--strict`), decide each quarter under its contributions, compare with a
//! reference rule set, and publish every output of the run at once. The command line
//! only turns its arguments into a [`Plan`] and prints the [`Outcome`].

use std::path::PathBuf;

use crate::contribution::Contribution;
use crate::dataset::Dataset;
use crate::error::Result;
use crate::quarter::Quarter;
use crate::report;
use crate::rules::Decimal;

/// A validated run: what it computes ([`crate::run::Resolved`]), where it reads, where it
/// writes and how.
pub struct Plan {
    pub resolved: crate::run::Resolved,
    pub source: crate::run::Source,
    pub out: PathBuf,
    pub strict: bool,
    pub max_rejected_share: Option<Decimal>,
    pub allow_incomplete_data: bool,
    pub xlsx: bool,
    /// The office's lines and date of the notices (§11).
    pub office: crate::html::letters::Office,
    /// `--bill`: the store whose journal records what this run bills (§12.2).
    pub bill: Option<PathBuf>,
}

impl Plan {
    pub fn new(resolved: crate::run::Resolved, source: crate::run::Source, out: PathBuf) -> Result<Plan> {
        Ok(Plan {
            resolved,
            source,
            out,
            strict: false,
            max_rejected_share: None,
            allow_incomplete_data: false,
            xlsx: false,
            office: crate::html::letters::Office::embedded()?,
            bill: None,
        })
    }

    /// The checks its data must pass (§6).
    pub fn gates(&self) -> crate::run::Gates {
        crate::run::Gates {
            allow_incomplete_data: self.allow_incomplete_data,
            strict: self.strict,
            max_rejected_share: self.max_rejected_share,
        }
    }
}

/// `summary.json` with what §6 lists without refusing: the employers with a gap in the
/// quarters read, and those liable for nothing (a wage base of 0.00) who get no notice.
#[derive(serde::Serialize)]
struct Listed<'a, S: serde::Serialize> {
    #[serde(flatten)]
    summary: S,
    gaps: &'a [crate::run::Gap],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    no_notice_nothing_due: &'a [String],
    /// §11: the office's lines the notices carry unfilled (the bracketed defaults).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notices_unfilled: &'a [String],
}

/// What a run did: the terminal's summary of each quarter, and the wall time at which
/// each stage began (seconds from the start).
pub struct Outcome {
    pub summaries: Vec<String>,
    pub stages: Vec<(String, f64)>,
    /// The inputs the run read, for the caller to keep or drop.
    pub data: Dataset,
}

/// Runs a plan end to end; `progress` hears each stage.
pub fn run(plan: Plan, progress: &dyn Fn(&str)) -> Result<Outcome> {
    let quarters = plan.resolved.quarters.clone();
    let on = plan.resolved.on.clone();
    let reference = plan.resolved.reference.clone();
    let rules = plan.resolved.rules.clone();
    let clock = std::time::Instant::now();
    let stages = std::cell::RefCell::new(Vec::<(String, f64)>::new());
    let mark = |what: &str| {
        let t = clock.elapsed().as_secs_f64();
        stages.borrow_mut().push((what.to_string(), t));
    };
    // §6: data that did not hold give no report; a run refused with exit 3 writes
    // rejects.csv alone, for the analyst to see why.
    let rejects = crate::run::Rejects::WriteTo(&plan.out);
    let loaded = crate::run::read(&plan.resolved, &plan.source, &plan.gates(), rejects, &|m: &str| {
        mark(m);
        progress(m)
    })?;
    mark("assessing");
    let rejected = loaded.rejects.len() as u64;
    let multi = quarters.len() > 1;
    let mut book = plan.xlsx.then(crate::xlsx::Book::new);
    // report.html of each quarter, written once the trend over the run's quarters is known.
    let mut pages: Vec<(PathBuf, crate::html::Page)> = Vec::new();
    let mut summaries = Vec::new();
    // §11: whether any notice carries an unfilled office line, said once per run.
    let mut any_unfilled = false;
    // §12.2: what each quarter and contribution bills, for the store's journal.
    let mut bills: Vec<crate::store::journal::Bill> = Vec::new();
    let bill = |c: Contribution, q: Quarter, owing: Vec<(&str, i64)>| -> Result<crate::store::journal::Bill> {
        let total = owing.iter().try_fold(0i64, |a, (_, x)| a.checked_add(*x));
        let total = total.ok_or_else(|| anyhow::anyhow!("{q}: the billed total overflows"))?;
        Ok(crate::store::journal::Bill {
            quarter: q.to_string(),
            contribution: c.short_name().to_string(),
            kind: "assessment".into(),
            version: loaded.version.unwrap_or_default(),
            from_version: None,
            employers: owing.len() as u64,
            total: crate::parse::format_cents(total),
            total_cents: total,
            references: owing.iter().map(|(id, _)| c.reference(q, id)).collect(),
        })
    };
    // §6: every output of the run (each quarter's folder, report.html, the workbook)
    // appears at once when all are written, or none does.
    let run = report::Publication::new(&plan.out)?;
    // The employers owing in the run's quarter before, per contribution (employer → cents),
    // for each page's change against it.
    let mut owing_before: std::collections::BTreeMap<Contribution, (Quarter, std::collections::BTreeMap<String, i64>)> =
        std::collections::BTreeMap::new();
    let mut change = |c: Contribution, q: Quarter, now: std::collections::BTreeMap<String, i64>, noun: &str| {
        let table = match owing_before.get(&c) {
            Some((p, before)) if *p == q.offset(-1) => Some(crate::html::change_table(*p, before, &now, noun)),
            _ => None,
        };
        owing_before.insert(c, (q, now));
        table
    };
    for (i, r) in rules.into_iter().enumerate() {
        let q = r.quarter;
        progress(&format!("assessing {q}"));
        let out = if multi { PathBuf::from(q.to_string()) } else { PathBuf::new() };
        let mut st = run.staging(&out)?;
        if book.is_some() {
            st.keep_tables();
        }
        let mut text = String::new();
        // The workbook's summary lines of this quarter.
        let mut lines: Vec<crate::xlsx::SummaryLine> = Vec::new();
        // §6: listed in summary.json and the data-quality panel, not refused.
        let gaps = crate::run::gaps(&loaded, q, &on[i]);
        let mut nothing_due: Vec<String> = Vec::new();
        let mut parts: Vec<(Contribution, crate::assessed::Summary)> = Vec::new();
        let mut wrote_notices = false;
        for (k, c) in on[i].iter().enumerate() {
            let wing = c.wing();
            let a = wing.assess(&loaded, r.clone())?;
            let what_if = match &reference {
                Some(refs) => Some(a.what_if(wing.assess(&loaded, refs[i].clone())?.as_ref())?),
                None => None,
            };
            if plan.bill.is_some() {
                bills.push(bill(*c, q, a.owing())?);
            }
            lines.push(crate::xlsx::SummaryLine {
                quarter: q.to_string(),
                contribution: c.name().to_string(),
                employers: a.employers(),
                owing: a.owing().len() as u64,
                amount: a.total()?,
                due_quarter: a.due_quarter().to_string(),
                rejected_rows: rejected,
            });
            // §11: a notice for every employer it concerns, in its language; §6: none asks
            // for 0.00.
            mark(&format!("writing the {} notices of {q}", c.short_name()));
            nothing_due.extend(a.nothing_due());
            let notices = a.notices(&loaded, &plan.office)?;
            wrote_notices |= !notices.is_empty();
            if !notices.is_empty() {
                st.texts_in("letters", notices)?;
            }
            mark(&format!("writing the {} reports of {q}", c.short_name()));
            parts.push((*c, a.stage(&mut st, &loaded.inputs, what_if.as_deref().map(|w| w as &dyn std::any::Any))?));
            let mut page = a.page();
            page.quality = crate::html::quality(&loaded.inputs);
            page.quality_notes = crate::run::quality_notes(&loaded, q, &on[i], &gaps, &nothing_due);
            let (now, noun) = a.amounts();
            page.tables.extend(change(*c, q, now, noun));
            match pages.last_mut() {
                // Several contributions in force (a what-if): one page with all.
                Some((o, p)) if *o == out && k > 0 => {
                    p.figures.extend(page.figures);
                    p.charts.extend(page.charts);
                    p.trend_values.extend(page.trend_values);
                }
                _ => pages.push((out.clone(), page)),
            }
            text.push_str(&format!("{}\n", c.name()));
            text.push_str(&a.terminal(rejected, k == 0));
            if let Some(w) = &what_if {
                text.push_str(&a.what_if_terminal(w.as_ref() as &dyn std::any::Any));
            }
            // Hundreds of thousands of rows are freed on another thread while this one
            // writes (tens of milliseconds at national scale).
            std::thread::spawn(move || drop((a, what_if)));
        }
        mark(&format!("writing {q}"));
        progress(&format!("writing {}", plan.out.join(&out).display()));
        text.push_str(&crate::input::rejects::terminal_lines(&loaded.inputs));
        st.csv("rejects.csv", report::REJECTS_HEADER, report::rejects_rows(&loaded.rejects))?;
        let summary = crate::assessed::summary(parts)?;
        let unfilled = if wrote_notices { plan.office.unfilled() } else { Vec::new() };
        any_unfilled |= !unfilled.is_empty();
        st.json(
            "summary.json",
            &Listed { summary, gaps: &gaps, no_notice_nothing_due: &nothing_due, notices_unfilled: &unfilled },
        )?;
        if let Some(b) = book.as_mut() {
            let qs = q.to_string();
            let path = run.path("responsa.xlsx");
            for table in st.kept() {
                b.add_table(&qs, table, &path)?;
            }
            for line in lines.drain(..) {
                b.summarise(line);
            }
        }
        st.publish()?;
        summaries.push(text);
    }
    if let Some(b) = book {
        b.save(&run.path("responsa.xlsx"))?;
    }
    // A what-if page with both contributions plots each in its own series: the trend
    // keeps one value per quarter, the first contribution's.
    let mut values: Vec<crate::html::TrendValue> = Vec::new();
    for (_, p) in &pages {
        values.extend(p.trend_values.first().cloned());
    }
    for (out, mut page) in pages {
        page.trend = crate::html::trend("Amount assessed per quarter in this run", &values);
        let path = run.path(out).join("report.html");
        std::fs::write(&path, crate::html::render(&page)?).map_err(|e| crate::error::io(&path, "write", e))?;
    }
    run.publish()?;
    if any_unfilled {
        summaries.push(format!(
            "warning: the notices carry the office's bracketed default lines ({}): fill in a copy of \
             data/letters.toml and pass it with --letters FILE before sending them\n",
            plan.office.unfilled().join(", ")
        ));
    }
    // §12.2: recorded once the notices are where the journal says.
    if let Some(store) = &plan.bill {
        let n = crate::store::journal::record(store, &plan.out, bills).map_err(|e| {
            anyhow::anyhow!(
                "the reports are written to {}, but not recorded as billed: {e}; run again with --bill",
                plan.out.display()
            )
        })?;
        summaries.push(format!("billed: journal entry {n} in {}\n", store.display()));
    }
    mark("done");
    let stages = stages.into_inner();
    Ok(Outcome { summaries, stages, data: loaded })
}
