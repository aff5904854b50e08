//! "Why me?": the whole levy computation of §3 for one employer, in plain words or
//! as a JSON document (`responsa explain`). Every figure is read from the same
//! intermediates the assessment used (the employer's row with the sector choice it made,
//! its invalidity rows with their criteria, its employer-quarter aggregates, the sector
//! and private pools), and every decision is asked of the same rule functions: an
//! explanation is a filter over the computation, not a second implementation of it.

use serde::Serialize;

use crate::dataset::Dataset;
use crate::employer;
use crate::error::{Error, Result};
use crate::parse::{format_cents, format_micro};
use crate::quarter::format_date;
use crate::report::fmt_ratio;
use crate::rules::Rules;

use super::amount::exact_text;
use super::assess::{Assessment, EmployerRow};
use super::entries;
use super::ratios::Pool;
use super::reference::Reference;
use super::sector::LevelTried;
use super::status::Status;

#[derive(Debug, Serialize)]
pub struct Step<T: Serialize> {
    /// The rule of docs/contract.md applied.
    pub rule: String,
    /// The legal source of the parameters used, from the rule set.
    pub source: String,
    #[serde(flatten)]
    pub body: T,
}

#[derive(Debug, Serialize)]
pub struct Explanation {
    pub quarter: String,
    pub employer_id: String,
    pub rule_set: String,
    pub register: RegisterFacts,
    pub entries: Step<Entries>,
    pub denominators: Step<Denominators>,
    pub ratio: Step<RatioFacts>,
    pub sector: Step<SectorFacts>,
    pub private_sector: Step<PoolFacts>,
    pub multiples: Step<Multiples>,
    pub headcount: Step<Headcount>,
    pub status: Step<StatusFacts>,
    pub levy: Step<Option<LevyFacts>>,
    pub warning: Step<WarningFacts>,
}

#[derive(Debug, Serialize)]
pub struct RegisterFacts {
    pub nace: String,
    pub joint_committee: String,
    pub employer_category: String,
    pub private_sector: bool,
}

#[derive(Debug, Serialize)]
pub struct EntryRow {
    pub file: String,
    pub line: i64,
    pub worker_id: String,
    pub primary_incapacity_start: String,
    pub invalidity_start: String,
    pub entry_quarter: String,
    pub reference: Option<String>,
    pub age: i32,
    pub seniority_years: i32,
    pub resumption_authorized: bool,
    pub counted: bool,
    pub dropped_by: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Entries {
    /// Counted entries per reference quarter r1 = Q-3 … r4 = Q.
    pub per_quarter: Vec<(String, String, i64)>,
    pub total: i64,
    pub rows: Vec<EntryRow>,
}

#[derive(Debug, Serialize)]
pub struct Denominators {
    /// `(reference, quarter r-4, fte3y)`.
    pub per_quarter: Vec<(String, String, String)>,
}

#[derive(Debug, Serialize)]
pub struct RatioFacts {
    /// `(reference, entries, fte3y, entries/fte3y or null when skipped)`.
    pub terms: Vec<(String, i64, String, Option<f64>)>,
    pub quarters_used: usize,
    pub value: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct PoolFacts {
    pub entries: [i64; 4],
    pub fte: [String; 4],
    pub employers: u64,
    pub ratio: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct SectorFacts {
    /// Each level tried, as the assessment tried it.
    pub levels_tried: Vec<LevelTried>,
    pub group: String,
    pub level: usize,
    pub found: bool,
    pub pool: Option<PoolFacts>,
}

#[derive(Debug, Serialize)]
pub struct Multiples {
    pub sector_multiple: Option<f64>,
    pub private_multiple: Option<f64>,
    pub sector_factor: String,
    pub private_factor: String,
    pub sector_factor_met: bool,
    pub private_factor_met: bool,
}

#[derive(Debug, Serialize)]
pub struct Headcount {
    /// `(quarter, distinct workers in service at the end, has lines)` over Q-4..Q-1.
    pub quarters: Vec<(String, i64, bool)>,
    pub average: f64,
    pub min_workers: u64,
}

#[derive(Debug, Serialize)]
pub struct StatusFacts {
    pub status: String,
    pub because: String,
    /// Each row of the status table in order, with whether it applies.
    pub checks: Vec<(String, bool)>,
}

#[derive(Debug, Serialize)]
pub struct LevyFacts {
    pub wage_base: String,
    pub rate_percent: String,
    pub exact: String,
    pub levy: String,
    pub due_quarter: String,
}

#[derive(Debug, Serialize)]
pub struct WarningFacts {
    pub warning: Option<String>,
    pub because: String,
}

fn pool_facts(p: &Pool, employers: u64) -> PoolFacts {
    PoolFacts { entries: p.entries, fte: p.fte.map(format_micro), employers, ratio: p.ratio() }
}

/// The explanation of `employer_id` in an assessment computed from `loaded`.
pub fn explain(data: &Dataset, a: &Assessment, employer_id: &str) -> Result<Explanation> {
    let r: &Rules = &a.rules;
    let q = r.quarter;
    let reference = Reference::of(q);
    let e: &EmployerRow = a.employer(employer_id).ok_or_else(|| {
        Error::Usage(format!("employer '{employer_id}' has no register row at {q}: nothing to explain"))
    })?;
    let src = |names: &[&str]| {
        let mut v: Vec<&str> = Vec::new();
        for n in names {
            let s = r.source_of(n);
            if !v.contains(&s) {
                v.push(s);
            }
        }
        v.join("; ")
    };

    // §3.1: every invalidity row of the employer, with its criteria.
    let mut rows: Vec<EntryRow> = data
        .invalidity
        .iter()
        .filter(|x| x.employer_id == employer_id)
        .map(|x| {
            let c = entries::criteria(x, reference, &r.levy);
            EntryRow {
                file: x.file.clone(),
                line: x.line,
                worker_id: x.worker_id.clone(),
                primary_incapacity_start: format_date(x.primary_incapacity_start),
                invalidity_start: format_date(x.invalidity_start),
                entry_quarter: c.entry_quarter.to_string(),
                reference: c.reference_index.map(Reference::label),
                age: c.age,
                seniority_years: c.seniority_years,
                resumption_authorized: x.resumption_authorized,
                counted: c.dropped.is_none(),
                dropped_by: c.dropped.map(|d| d.describe().to_string()),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.invalidity_start.cmp(&b.invalidity_start).then(a.line.cmp(&b.line)));
    let entries = Entries {
        per_quarter: (0..4)
            .map(|k| (Reference::label(k), reference.quarter(k).to_string(), e.pool.entries[k]))
            .collect(),
        total: e.pool.entries_total(),
        rows,
    };

    // §3.2 and §3.4, from the employer-quarter aggregates.
    let index = data.register.position(employer_id);
    let groups = index.map(|i| data.occupation.of_employer(i)).unwrap_or_default();
    let headcount = Headcount {
        quarters: employer::headcount_quarters(q)
            .iter()
            .map(|p| {
                let g = groups.iter().find(|g| g.quarter == *p);
                (p.to_string(), g.map_or(0, |g| g.headcount), g.is_some())
            })
            .collect(),
        average: e.headcount.average(),
        min_workers: r.levy.min_workers,
    };

    let terms = (0..4)
        .map(|k| {
            let (n, d) = (e.pool.entries[k], e.pool.fte[k]);
            let term = (d > 0).then(|| Pool { entries: [n, 0, 0, 0], fte: [d, 0, 0, 0] }.ratio()).flatten();
            (Reference::label(k), n, format_micro(d), term)
        })
        .collect();

    let base_count = a.employers.iter().filter(|x| x.private_sector).count() as u64;
    let sector_pool = e.sector_pool.map(|p| pool_facts(&p, e.sector_employers));
    // The same facts the status and warning tables read: no factor is met against a
    // group that did not qualify.
    let facts = e.facts(&a.private);

    let checks: Vec<(String, bool)> = Status::ALL
        .iter()
        .take_while(|s| **s != Status::Liable)
        .map(|s| (format!("{}: {}", s.as_str(), s.rule(r)), s.applies(&facts, r)))
        .collect();

    let levy = e.levy.map(|l| LevyFacts {
        wage_base: format_cents(e.wage_base),
        rate_percent: r.levy.rate_percent.to_string(),
        exact: exact_text(e.wage_base, r.levy.rate_percent),
        levy: format_cents(l),
        due_quarter: a.due_quarter().to_string(),
    });

    Ok(Explanation {
        quarter: q.to_string(),
        employer_id: employer_id.to_string(),
        rule_set: format!("{} (sha256 {})", r.origin, r.sha256),
        register: RegisterFacts {
            nace: e.nace.to_string(),
            joint_committee: e.joint_committee.to_string(),
            employer_category: e.employer_category.to_string(),
            private_sector: e.private_sector,
        },
        entries: Step {
            rule: "§3.1: invalidity starting in Q-3..Q, age <= max_age and seniority >= min_seniority_years on the primary incapacity start, no authorisation to resume work".into(),
            source: src(&["levy.max_age", "levy.min_seniority_years"]),
            body: entries,
        },
        denominators: Step {
            rule: "§3.2: fte3y(e, r-4), FTE of lines with min_seniority_years completed years on the quarter's last day".into(),
            source: src(&["levy.min_seniority_years"]),
            body: Denominators {
                per_quarter: (0..4)
                    .map(|k| {
                        (Reference::label(k), reference.denominator_quarter(k).to_string(), format_micro(e.pool.fte[k]))
                    })
                    .collect(),
            },
        },
        ratio: Step {
            rule: "§3.3: mean over reference quarters with fte3y(r-4) > 0 of entries(r) / fte3y(r-4)".into(),
            source: String::new(),
            body: RatioFacts { terms, quarters_used: e.pool.quarters_used(), value: e.pool.ratio() },
        },
        sector: Step {
            rule: format!(
                "§3.3: first level of {:?} digits whose group holds at least {} base employers; pooled mean of Σ entries / Σ fte3y",
                r.levy.sector_levels, r.levy.min_sector_employers
            ),
            source: src(&["levy.sector_levels", "levy.min_sector_employers"]),
            body: SectorFacts {
                levels_tried: e.sector.tried.clone(),
                group: e.sector.group.to_string(),
                level: e.sector.level,
                found: e.sector.found,
                pool: sector_pool,
            },
        },
        private_sector: Step {
            rule: "§3.3: the same pooled mean over every base employer (private sector, register row at Q)".into(),
            source: String::new(),
            body: pool_facts(&a.private, base_count),
        },
        multiples: Step {
            rule: "§3.3: a factor k is met when ratio(e) > 0 and ratio(e) >= k × reference ratio, decided exactly".into(),
            source: src(&["levy.sector_factor", "levy.private_factor"]),
            body: Multiples {
                sector_multiple: e.sector_multiple,
                private_multiple: e.private_multiple,
                sector_factor: r.levy.sector_factor.to_string(),
                private_factor: r.levy.private_factor.to_string(),
                sector_factor_met: facts.sector_factor_met(r.levy.sector_factor),
                private_factor_met: facts.private_factor_met(r.levy.private_factor),
            },
        },
        headcount: Step {
            rule: "§3.4: distinct workers in service at quarter end, averaged over the quarters of Q-4..Q-1 with a line".into(),
            source: src(&["levy.min_workers"]),
            body: headcount,
        },
        status: Step {
            rule: "§3.5: the first row of the status table that applies".into(),
            source: e.status.parameter().map(|p| r.source_of(p).to_string()).unwrap_or_default(),
            body: StatusFacts { status: e.status.as_str().into(), because: e.status.rule(r), checks },
        },
        levy: Step {
            rule: "§3.6: rate_percent of the Q-1 wages, in cents, rounded half up; due at Q + payment_lag".into(),
            source: src(&["levy.rate_percent", "levy.payment_lag"]),
            body: levy,
        },
        warning: Step {
            rule: "§3.7: W1 liable; W2 one entry short with both factors met; W3 close to both thresholds".into(),
            source: src(&["levy.warn_sector_factor", "levy.warn_private_factor"]),
            body: WarningFacts {
                warning: e.warning.map(|w| w.as_str().to_string()),
                because: e.warning.map(|w| w.rule(r)).unwrap_or_else(|| "no warning condition is met".into()),
            },
        },
    })
}

/// A pool's sums in words: `entries 3, 3, 2, 1 over fte 825, 830, 830, 830`.
fn sums(p: &PoolFacts) -> String {
    let entries: Vec<String> = p.entries.iter().map(|n| n.to_string()).collect();
    format!("entries {} over fte {}", entries.join(", "), p.fte.join(", "))
}

fn opt(x: Option<f64>) -> String {
    let s = fmt_ratio(x);
    if s.is_empty() {
        "undefined".into()
    } else {
        s
    }
}

/// The explanation in plain words, one step per paragraph.
pub fn render(x: &Explanation) -> String {
    let mut s = String::new();
    let mut p = |t: String| {
        s.push_str(&t);
        s.push('\n');
    };
    p(format!("Employer {} — quarter {} — rule set {}", x.employer_id, x.quarter, x.rule_set));
    p(format!(
        "  register at {}: NACE {}, joint committee {}, category {}, private sector: {}",
        x.quarter, x.register.nace, x.register.joint_committee, x.register.employer_category, x.register.private_sector
    ));
    let step = |p: &mut dyn FnMut(String), n: usize, title: &str, rule: &str, source: &str| {
        p(String::new());
        p(format!("{n}. {title}"));
        p(format!("   rule: {rule}"));
        if !source.is_empty() {
            p(format!("   source: {source}"));
        }
    };
    step(&mut p, 1, "Counted entries into invalidity", &x.entries.rule, &x.entries.source);
    for (r, q, n) in &x.entries.body.per_quarter {
        p(format!("   {r} {q}: {n} counted"));
    }
    p(format!("   total: {}", x.entries.body.total));
    for e in &x.entries.body.rows {
        p(format!(
            "   - {}:{} worker {} invalidity {} ({}), primary incapacity {}, age {}, seniority {} years, resumption {}: {}",
            e.file,
            e.line,
            e.worker_id,
            e.invalidity_start,
            e.entry_quarter,
            e.primary_incapacity_start,
            e.age,
            e.seniority_years,
            e.resumption_authorized,
            match &e.dropped_by {
                None => format!("COUNTED in {}", e.reference.clone().unwrap_or_default()),
                Some(d) => format!("not counted: {d}"),
            }
        ));
    }
    step(&mut p, 2, "Denominators fte3y(e, r-4)", &x.denominators.rule, &x.denominators.source);
    for (r, q, f) in &x.denominators.body.per_quarter {
        p(format!("   {r}: fte3y in {q} = {f}"));
    }
    step(&mut p, 3, "Employer ratio", &x.ratio.rule, &x.ratio.source);
    for (r, n, d, t) in &x.ratio.body.terms {
        match t {
            Some(t) => p(format!("   {r}: {n} / {d} = {t}")),
            None => p(format!("   {r}: {n} / {d}: skipped, the denominator is 0")),
        }
    }
    p(format!("   ratio(e) = mean over {} quarter(s) = {}", x.ratio.body.quarters_used, opt(x.ratio.body.value)));
    step(&mut p, 4, "Comparison group (sector)", &x.sector.rule, &x.sector.source);
    for t in &x.sector.body.levels_tried {
        let verdict = if t.qualifies { ": used" } else { ": too few" };
        p(format!("   {} digits: group {} has {} base employers{verdict}", t.level, t.group, t.employers));
    }
    if !x.sector.body.found {
        p(format!("   no level qualifies: group {} reported, status sector_too_small", x.sector.body.group));
    }
    if let Some(sp) = &x.sector.body.pool {
        p(format!("   group {}: {} → ratio(s) = {}", x.sector.body.group, sums(sp), opt(sp.ratio)));
    }
    step(&mut p, 5, "Private sector", &x.private_sector.rule, &x.private_sector.source);
    let pp = &x.private_sector.body;
    p(format!("   {} base employers: {} → ratio = {}", pp.employers, sums(pp), opt(pp.ratio)));
    step(&mut p, 6, "Multiples", &x.multiples.rule, &x.multiples.source);
    let m = &x.multiples.body;
    p(format!(
        "   sector multiple {} (factor {}: {})",
        opt(m.sector_multiple),
        m.sector_factor,
        if m.sector_factor_met { "met" } else { "not met" }
    ));
    p(format!(
        "   private multiple {} (factor {}: {})",
        opt(m.private_multiple),
        m.private_factor,
        if m.private_factor_met { "met" } else { "not met" }
    ));
    step(&mut p, 7, "Average headcount", &x.headcount.rule, &x.headcount.source);
    for (q, n, has) in &x.headcount.body.quarters {
        p(format!("   {q}: {}", if *has { format!("{n} in service") } else { "no line: not averaged".into() }));
    }
    p(format!("   average {} (min_workers {})", x.headcount.body.average, x.headcount.body.min_workers));
    step(&mut p, 8, "Status", &x.status.rule, &x.status.source);
    for (c, applies) in &x.status.body.checks {
        p(format!("   [{}] {c}", if *applies { "x" } else { " " }));
    }
    p(format!("   → {}: {}", x.status.body.status, x.status.body.because));
    step(&mut p, 9, "Levy", &x.levy.rule, &x.levy.source);
    match &x.levy.body {
        Some(l) => p(format!(
            "   {} % of wage base {} = {} → {} (half up), due {}",
            l.rate_percent, l.wage_base, l.exact, l.levy, l.due_quarter
        )),
        None => p("   none: not liable".into()),
    }
    step(&mut p, 10, "Warning", &x.warning.rule, &x.warning.source);
    p(format!("   {}: {}", x.warning.body.warning.clone().unwrap_or_else(|| "none".into()), x.warning.body.because));
    s
}
