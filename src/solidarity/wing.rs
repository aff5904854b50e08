//! The solidarity contribution's part of every run (§8): what it reads, and its assessed
//! quarter as the run, the corrections and the pages see it.

use std::any::Any;
use std::collections::BTreeMap;

use crate::assessed::{Assessed, Regularised, Summary};
use crate::dataset::{Dataset, Needs};
use crate::error::Result;
use crate::input::rejects::InputCounts;
use crate::quarter::Quarter;
use crate::report::Staging;
use crate::rules::Rules;
use crate::wing::{Contribution, Wing};

use super::assess::Assessment;

/// The solidarity contribution's wing.
pub struct Solidarity;

/// The solidarity contribution, as the registry lists it.
pub const SOLIDARITY: Contribution = Contribution::of(&Solidarity);

impl Wing for Solidarity {
    fn name(&self) -> &'static str {
        "solidarity contribution (cotisation de solidarité)"
    }
    fn short_name(&self) -> &'static str {
        "solidarity"
    }
    fn code(&self) -> &'static str {
        "solidarity"
    }
    fn notice_code(&self) -> &'static str {
        "SOLI"
    }
    fn status_words(&self, code: &str, r: &Rules) -> String {
        super::status::Status::ALL
            .into_iter()
            .find(|s| s.as_str() == code)
            .map_or_else(|| code.to_string(), |s| super::page::solidarity_status_words(s, &r.solidarity))
    }
    fn local_name(&self, lang: &str) -> &'static str {
        match lang {
            "nl" => "solidariteitsbijdrage",
            "de" => "Solidaritätsbeitrag",
            _ => "cotisation de solidarité",
        }
    }
    fn switch(&self) -> &'static str {
        "solidarity.in_force"
    }
    fn in_force(&self, r: &Rules) -> bool {
        r.in_force.solidarity
    }
    /// The headcount quarters (§8.2).
    fn employment_quarters(&self, q: Quarter) -> Vec<Quarter> {
        crate::employer::headcount_quarters(q).to_vec()
    }
    /// The headcount quarters and the incapacities of `q` (§8.1): the contribution of
    /// P..P+4 reads P.
    fn reads(&self, q: Quarter) -> Vec<Quarter> {
        let mut v = self.employment_quarters(q);
        v.push(q);
        v
    }
    fn needs(&self) -> Needs {
        Needs { incapacity: true, ..Needs::NONE }
    }
    fn assess(&self, data: &Dataset, rules: Rules) -> Result<Box<dyn Assessed>> {
        Ok(Box::new(super::assess::assess(data, rules)?))
    }
}

impl Assessed for Assessment {
    fn contribution(&self) -> Contribution {
        SOLIDARITY
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn quarter(&self) -> Quarter {
        Assessment::quarter(self)
    }
    fn due_quarter(&self) -> Quarter {
        Assessment::due_quarter(self)
    }
    fn employers(&self) -> u64 {
        self.employers.len() as u64
    }
    fn owing(&self) -> Vec<(&str, i64)> {
        self.employers.iter().filter(|e| e.contribution > 0).map(|e| (e.employer_id.as_str(), e.contribution)).collect()
    }
    fn amounts(&self) -> (BTreeMap<String, i64>, &'static str) {
        let now = self.owing().into_iter().map(|(id, c)| (id.to_string(), c)).collect();
        (now, "owing")
    }
    fn total(&self) -> Result<i64> {
        Ok(Assessment::total(self))
    }
    fn nothing_due(&self) -> Vec<String> {
        Vec::new()
    }
    /// §11: a notice for every employer owing the contribution, in its language.
    fn notices(&self, data: &Dataset, office: &crate::html::letters::Office) -> Result<Vec<(String, String)>> {
        let q = Assessment::quarter(self);
        let register: std::collections::HashMap<&str, &crate::input::register::RegisterRow> =
            data.register.at(q).into_iter().map(|row| (row.employer_id.as_str(), row)).collect();
        let owing: Vec<&super::assess::EmployerTotal> = self.employers.iter().filter(|e| e.contribution > 0).collect();
        // Each employer's due incapacities, in the assessment's order: gathered once, not
        // sought among every incapacity for each notice (4,000 notices of 100,000 rows).
        let mut due: std::collections::HashMap<&str, Vec<&super::assess::Incapacity>> =
            std::collections::HashMap::new();
        for i in self.incapacities.iter().filter(|i| i.status == super::status::Status::Due && i.contribution > 0) {
            due.entry(i.row.employer_id.as_str()).or_default().push(i);
        }
        crate::assessed::rendered(&owing, |e| {
            let to = crate::html::letters::Recipient {
                employer_id: &e.employer_id,
                language: register.get(e.employer_id.as_str()).and_then(|row| row.language.as_deref()),
                contact: data.register.contacts.get(&(e.employer_id.clone(), q.0)),
            };
            let rows = due.get(e.employer_id.as_str()).map_or(&[][..], Vec::as_slice);
            let html = super::notice::notice(self, rows, office, &to)?;
            Ok(html.map(|html| (crate::html::letters::file_name(&e.employer_id), html)))
        })
    }
    fn what_if(&self, reference: &dyn Assessed) -> Result<Box<dyn Any + Send>> {
        let reference = crate::assessed::own::<Assessment>(reference)?;
        Ok(Box::new(super::whatif::compare(reference, self)))
    }
    fn what_if_terminal(&self, what_if: &dyn Any) -> String {
        crate::assessed::what_if_of::<WhatIf>(Some(what_if))
            .map(|(_, t)| super::whatif::terminal(t))
            .unwrap_or_default()
    }
    fn stage(
        &self,
        st: &mut Staging,
        inputs: &BTreeMap<&'static str, InputCounts>,
        what_if: Option<&dyn Any>,
    ) -> Result<Summary> {
        let what_if = crate::assessed::what_if_of::<WhatIf>(what_if).map(|(c, t)| (c.as_slice(), t));
        let part = super::report::stage(st, self, what_if)?;
        let part_value = serde_json::to_value(&part).map_err(anyhow::Error::from)?;
        let main = serde_json::to_value(super::report::summary(self, inputs, part)).map_err(anyhow::Error::from)?;
        Ok(Summary { main, part: part_value })
    }
    fn page(&self) -> crate::html::Page {
        super::page::solidarity_page(self)
    }
    fn terminal(&self, rejected: u64, first: bool) -> String {
        let mut s = super::report::terminal_summary(self);
        if first && rejected > 0 {
            s.push_str(&format!("rejected input rows: {rejected} (see rejects.csv)\n"));
        }
        s
    }
    fn regularise(&self, before: &dyn Assessed) -> Result<Regularised> {
        let (employers, incapacities) = super::regularise::compare(crate::assessed::own::<Assessment>(before)?, self);
        Ok(Regularised { employers, incapacities: Some(incapacities) })
    }
    fn explain(&self, _data: &Dataset, employer: &str, json: bool) -> Result<String> {
        let x = super::explain::explain(self, employer)?;
        if json {
            let mut s = serde_json::to_string_pretty(&x).map_err(anyhow::Error::from)?;
            s.push('\n');
            return Ok(s);
        }
        Ok(super::explain::render(&x))
    }
    fn for_employer(&self, employer: &str, name: Option<&str>, lang: &'static str) -> Result<String> {
        Ok(super::for_employer::render(self, employer, name, lang))
    }
}

/// What a what-if found: the incapacities that differ and the totals.
type WhatIf = (Vec<super::whatif::Change>, super::whatif::Totals);
