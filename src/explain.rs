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
    let resolved = Resolved::new(set, vec![req.quarter], None, req.allow_before_first_quarter)?;
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
    }
    Ok(texts.join("\n"))
}
