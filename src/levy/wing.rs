//! The invalidity-inflow levy's part of every run (§3): what it reads, and its assessed
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

/// The levy's wing.
pub struct Levy;

/// The levy, as the registry lists it.
pub const LEVY: Contribution = Contribution::of(&Levy);

impl Wing for Levy {
    fn name(&self) -> &'static str {
        "invalidity levy (cotisation de responsabilisation)"
    }
    fn short_name(&self) -> &'static str {
        "levy"
    }
    fn code(&self) -> &'static str {
        "invalidity_levy"
    }
    fn notice_code(&self) -> &'static str {
        "RESP"
    }
    fn status_words(&self, code: &str, r: &Rules) -> String {
        super::status::Status::ALL
            .into_iter()
            .find(|s| s.as_str() == code)
            .map_or_else(|| code.to_string(), |s| super::page::levy_status_words(s, &r.levy))
    }
    fn local_name(&self, lang: &str) -> &'static str {
        match lang {
            "nl" => "responsabiliseringsbijdrage",
            "de" => "Verantwortungsbeitrag",
            _ => "cotisation de responsabilisation",
        }
    }
    fn switch(&self) -> &'static str {
        "levy.in_force"
    }
    fn in_force(&self, r: &Rules) -> bool {
        r.in_force.invalidity_levy
    }
    /// The denominators of its reference quarters (§3.2), the headcount quarters (§3.4)
    /// and the wage base (§3.6).
    fn employment_quarters(&self, q: Quarter) -> Vec<Quarter> {
        let mut v: Vec<Quarter> = crate::employer::headcount_quarters(q).to_vec();
        let r = super::reference::Reference::of(q);
        v.extend((0..4).map(|k| r.denominator_quarter(k)));
        v.push(r.wage_quarter());
        v.sort();
        v.dedup();
        v
    }
    /// The employment quarters, the register at `q`, and the reference quarters of its
    /// entries (§3.1): the levy of P..P+7 reads P.
    fn reads(&self, q: Quarter) -> Vec<Quarter> {
        let mut v = self.employment_quarters(q);
        v.push(q);
        let r = super::reference::Reference::of(q);
        v.extend((0..4).map(|k| r.quarter(k)));
        v.sort();
        v.dedup();
        v
    }
    fn needs(&self) -> Needs {
        // §3.1: the entries counted start in the reference quarters Q-3..Q.
        let back = super::reference::REFERENCE_QUARTERS as i32 - 1;
        Needs { invalidity: true, incapacity: false, invalidity_back: Some(back) }
    }
    fn assess(&self, data: &Dataset, rules: Rules) -> Result<Box<dyn Assessed>> {
        Ok(Box::new(super::assess::assess(data, rules)?))
    }
}

impl Assessed for Assessment {
    fn contribution(&self) -> Contribution {
        LEVY
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
        self.employers.iter().filter_map(|e| e.levy.filter(|c| *c > 0).map(|c| (e.employer_id.as_str(), c))).collect()
    }
    fn amounts(&self) -> (BTreeMap<String, i64>, &'static str) {
        let now = self.employers.iter().filter_map(|e| Some((e.employer_id.to_string(), e.levy?))).collect();
        (now, "liable")
    }
    fn total(&self) -> Result<i64> {
        Ok(self.levy_total())
    }
    fn nothing_due(&self) -> Vec<String> {
        self.employers.iter().filter(|e| e.levy == Some(0)).map(|e| e.employer_id.to_string()).collect()
    }
    /// §11: a letter for every warned employer, in its language; none asks for 0.00 (§6).
    fn notices(&self, data: &Dataset, office: &crate::html::letters::Office) -> Result<Vec<(String, String)>> {
        let q = Assessment::quarter(self);
        let warned: Vec<&super::assess::EmployerRow> =
            self.employers.iter().filter(|e| e.warning.is_some() && e.levy != Some(0)).collect();
        crate::assessed::rendered(&warned, |e| {
            let to = crate::html::letters::Recipient {
                employer_id: &e.employer_id,
                language: e.language.as_deref(),
                contact: data.register.contacts.get(&(e.employer_id.to_string(), q.0)),
            };
            let html = super::notice::letter(self, e, office, &to)?;
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
        let summary = super::report::stage(st, self, inputs, what_if)?;
        let main = serde_json::to_value(&summary).map_err(anyhow::Error::from)?;
        Ok(Summary { part: main.clone(), main })
    }
    fn page(&self) -> crate::html::Page {
        super::page::levy_page(self)
    }
    fn terminal(&self, rejected: u64, _first: bool) -> String {
        super::report::terminal_summary(self, rejected)
    }
    fn regularise(&self, before: &dyn Assessed) -> Result<Regularised> {
        Ok(Regularised {
            employers: super::regularise::compare(crate::assessed::own::<Assessment>(before)?, self),
            incapacities: None,
        })
    }
    fn explain(&self, data: &Dataset, employer: &str, json: bool) -> Result<String> {
        let x = super::explain::explain(data, self, employer)?;
        if json {
            let mut s = serde_json::to_string_pretty(&x).map_err(anyhow::Error::from)?;
            s.push('\n');
            return Ok(s);
        }
        Ok(super::explain::render(&x))
    }
    fn for_employer(&self, employer: &str, name: Option<&str>, lang: &'static str) -> Result<String> {
        let e = self.employer(employer).ok_or_else(|| {
            crate::error::Error::Usage(format!("--employer {employer}: not assessed at {}", Assessment::quarter(self)))
        })?;
        Ok(super::for_employer::render(self, e, name, lang))
    }
}

/// What a what-if found: the employers that differ and the totals.
type WhatIf = (Vec<super::whatif::Change>, super::whatif::Totals);
