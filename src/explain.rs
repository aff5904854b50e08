//! `explain` (§3, §8, §11): why one employer got what it got in one quarter, for an
//! analyst (every step, text or JSON) or for the employer (a page in its language). The
//! quarter is read and checked as `assess` reads and checks it ([`crate::run::read`]),
//! then each contribution in force explains itself.

use crate::error::{Error, Result};
use crate::quarter::Quarter;
use crate::rules::RuleSet;
use crate::run::{Gates, Rejects, Resolved, Source};

/// What is asked.
#[derive(Debug, Clone)]
pub struct Request {
    pub quarter: Quarter,
    pub employer: String,
    /// The page to send the employer, in its language, instead of every step.
    pub for_employer: bool,
    /// JSON instead of text (an analyst's explanation only).
    pub json: bool,
    pub allow_before_first_quarter: bool,
    pub gates: Gates,
}

/// The explanation, ready to print.
pub fn explain(set: &RuleSet, source: &Source, req: &Request) -> Result<String> {
    if req.for_employer && req.json {
        return Err(Error::Usage("--for employer writes a page for the employer: drop --format json".into()));
    }
    let mut resolved = Resolved::new(set, vec![req.quarter], None, req.allow_before_first_quarter)?;
    resolved.every_invalidity_row = true;
    // §6: explain computes what assess would, so it refuses what assess refuses.
    let rejects = Rejects::Named(std::path::Path::new("the rejects.csv that responsa assess writes"));
    let data = crate::run::read(&resolved, source, &req.gates, rejects, &|_| {})?;
    let (q, employer) = (req.quarter, req.employer.as_str());
    if !data.register.rows.iter().any(|r| r.employer_id == employer) {
        let like = crate::input::register::similar_ids(&data.register, employer);
        let hint = match like.as_slice() {
            [] => String::new(),
            ids => format!(" (did you mean {}?)", ids.join(" or ")),
        };
        return Err(Error::Usage(format!("--employer {employer}: no register row at {q}{hint}: nothing to explain")));
    }
    let (rules, on) = (&resolved.rules[0], &resolved.on[0]);
    let mut texts = Vec::new();
    if req.for_employer {
        let row = data.register.at(q).into_iter().find(|r| r.employer_id == employer).cloned();
        let lang = crate::words::language(row.as_ref().and_then(|r| r.language.as_deref()));
        let contact = data.register.contacts.get(&(employer.to_string(), q.0));
        let name = contact.and_then(|c| c.name.as_deref());
        for c in on {
            let a = c.wing().assess(&data, rules.clone())?;
            texts.push(a.for_employer(employer, name, lang)?);
        }
    } else {
        for c in on {
            let a = c.wing().assess(&data, rules.clone())?;
            texts.push(a.explain(&data, employer, req.json)?);
        }
        // §13: lines read from DmfA declarations are shown as they were made.
        if let crate::run::Origin::Data(dir) = &source.origin {
            if !req.json && dir.join(crate::dmfa::FOLDER).is_dir() {
                texts.push(dmfa_lines(dir, &data.register, rules, source.dmfa_employer, employer)?);
            }
        }
    }
    Ok(texts.join("\n"))
}

/// The most DmfA lines an explanation lists; `responsa lines` lists them all.
const DMFA_LINES_SHOWN: usize = 40;

/// §13: the employer's employment lines as its DmfA declarations made them — each
/// occupation's FTE computation (hours or days, the reference week, the paid codes) and
/// the remuneration codes counted in its wages — and its occupations that made none.
fn dmfa_lines(
    dir: &std::path::Path,
    register: &crate::input::register::Register,
    rules: &crate::rules::Rules,
    key: crate::dmfa::EmployerKey,
    employer: &str,
) -> Result<String> {
    use crate::parse::{format_cents, format_micro};
    let source = crate::input::open(dir, crate::input::Table::Employment)?;
    let reading = crate::occupation::Reading::new(rules.dmfa.clone(), key);
    let bounds = crate::input::employment::RowBounds::of(&rules.shared);
    let keep = |e: &str| e == employer;
    let (mut lines, rejects) = crate::occupation::dmfa_lines(&source, register, &reading, bounds, &keep)?;
    // The latest quarter first: the wage base and the headcounts are read there.
    lines.sort_by(|a, b| (b.1.quarter, &a.1.worker_id, a.1.line).cmp(&(a.1.quarter, &b.1.worker_id, b.1.line)));
    let codes = |c: &[u16]| c.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    let mut s = format!(
        "Employment lines of {employer} from its DmfA declarations (§13): {} line(s), {} occupation(s) without one\n\
         (paid service codes {}; wage codes {}; {} weeks a quarter: the rule set's readings)\n",
        lines.len(),
        rejects.len(),
        codes(&rules.dmfa.paid_service_codes),
        codes(&rules.dmfa.wage_codes),
        rules.dmfa.weeks_per_quarter,
    );
    for (file, m) in lines.iter().take(DMFA_LINES_SHOWN) {
        let wage_codes: Vec<String> =
            m.wage_codes.iter().map(|(c, a)| format!("code {c} {}", format_cents(*a))).collect();
        s.push_str(&format!(
            "  {} worker {} ({}:{}): FTE {} = {}; wages {} = {}; {}; seniority {}{}\n",
            m.quarter,
            m.worker_id,
            file,
            m.line,
            format_micro(m.fte),
            m.basis.describe(),
            format_cents(m.wages),
            if wage_codes.is_empty() { "no wage code".to_string() } else { wage_codes.join(" + ") },
            if m.in_service { "in service at the end" } else { "left before the end" },
            crate::quarter::format_date(m.seniority_date),
            if m.seniority_given { " (seniority input)" } else { "" },
        ));
    }
    if lines.len() > DMFA_LINES_SHOWN {
        s.push_str(&format!(
            "  … {} more: responsa lines --data {} --employer {employer} --out DIR\n",
            lines.len() - DMFA_LINES_SHOWN,
            dir.display()
        ));
    }
    for r in &rejects {
        s.push_str(&format!("  rejected {}:{}: {}\n", r.file, r.line, r.reason));
    }
    Ok(s)
}
