//! A quarter assessed under one contribution, as the run, the corrections and the pages
//! see it ([`crate::wing::Wing::assess`] makes one): what it bills, its notices, its
//! tables, its page, its summary, a what-if against a reference rule set, and what
//! changed against the same quarter assessed on an earlier version of the store.

use std::any::Any;
use std::collections::BTreeMap;

use crate::correction::{EmployerChange, IncapacityChange};
use crate::dataset::Dataset;
use crate::error::Result;
use crate::input::rejects::InputCounts;
use crate::quarter::Quarter;
use crate::report::Staging;
use crate::wing::Contribution;

/// `summary.json`'s part of one contribution: `main` when it is the only (or first)
/// contribution of the quarter, `part` under its short name beside another's `main`.
pub struct Summary {
    pub main: serde_json::Value,
    pub part: serde_json::Value,
}

/// What a regularisation found for one contribution and quarter.
pub struct Regularised {
    pub employers: Vec<EmployerChange>,
    /// Per incapacity, for a contribution computed per incapacity.
    pub incapacities: Option<Vec<IncapacityChange>>,
}

/// One quarter assessed under one contribution.
pub trait Assessed: Send {
    fn contribution(&self) -> Contribution;
    /// The wing's own type, for its own comparisons.
    fn as_any(&self) -> &dyn Any;
    fn quarter(&self) -> Quarter;
    /// The quarter the amounts fall due.
    fn due_quarter(&self) -> Quarter;
    /// Employers assessed.
    fn employers(&self) -> u64;
    /// Employers who owe an amount (more than 0.00), with it, in cents: what is billed.
    fn owing(&self) -> Vec<(&str, i64)>;
    /// The amounts of the employers the page's change against the quarter before compares
    /// (employer → cents), and what they are called (`liable`, `owing`).
    fn amounts(&self) -> (BTreeMap<String, i64>, &'static str);
    /// The total assessed, in cents.
    fn total(&self) -> Result<i64>;
    /// Employers liable for nothing (a wage base of 0.00): no notice asks for 0.00 (§6).
    fn nothing_due(&self) -> Vec<String>;
    /// Every notice of the quarter: (file name, page), in the employer's language (§11).
    fn notices(&self, data: &Dataset, office: &crate::html::letters::Office) -> Result<Vec<(String, String)>>;
    /// What differs under a reference rule set's assessment of the same quarter.
    fn what_if(&self, reference: &dyn Assessed) -> Result<Box<dyn Any + Send>>;
    /// The terminal's lines of a what-if.
    fn what_if_terminal(&self, what_if: &dyn Any) -> String;
    /// Stages the quarter's tables (and what_if.csv) and returns its summary.
    fn stage(
        &self,
        st: &mut Staging,
        inputs: &BTreeMap<&'static str, InputCounts>,
        what_if: Option<&dyn Any>,
    ) -> Result<Summary>;
    /// The quarter's report page.
    fn page(&self) -> crate::html::Page;
    /// The terminal's summary; `first`: no other contribution of the quarter said the
    /// rejected rows.
    fn terminal(&self, rejected: u64, first: bool) -> String;
    /// What changed from `before`, the same quarter assessed on an earlier version (§12).
    fn regularise(&self, before: &dyn Assessed) -> Result<Regularised>;
    /// `explain` for one employer: every step (text or JSON), for an analyst.
    fn explain(&self, data: &Dataset, employer: &str, json: bool) -> Result<String>;
    /// `explain --for employer`: the page to send the employer, in its language.
    fn for_employer(&self, employer: &str, name: Option<&str>, lang: &'static str) -> Result<String>;
}

/// `summary.json` of a quarter: the first contribution's summary, then each other's part
/// under its short name.
pub fn summary(parts: Vec<(Contribution, Summary)>) -> Result<serde_json::Value> {
    let mut it = parts.into_iter();
    let Some((_, first)) = it.next() else {
        return Err(anyhow::anyhow!("a quarter without a contribution computed").into());
    };
    let mut main = first.main;
    let map = main.as_object_mut().ok_or_else(|| anyhow::anyhow!("a summary that is not an object"))?;
    for (c, s) in it {
        map.insert(c.short_name().to_string(), s.part);
    }
    Ok(main)
}

/// The wing's own assessment behind an assessed quarter of the same contribution.
pub fn own<T: 'static>(a: &dyn Assessed) -> Result<&T> {
    a.as_any().downcast_ref::<T>().ok_or_else(|| {
        anyhow::anyhow!("{} compared with another contribution's assessment", a.contribution().short_name()).into()
    })
}

/// A what-if of the wing's own type, when there is one.
pub fn what_if_of<T: 'static>(w: Option<&dyn Any>) -> Option<&T> {
    w.and_then(|w| w.downcast_ref::<T>())
}

/// Notices rendered on every core: `render` gives an item's (file, page), or nothing.
pub fn rendered<T: Sync>(
    items: &[T],
    render: impl Fn(&T) -> Result<Option<(String, String)>> + Sync + Send,
) -> Result<Vec<(String, String)>> {
    use rayon::prelude::*;
    let all: Vec<Option<(String, String)>> = items.par_iter().map(render).collect::<Result<_>>()?;
    Ok(all.into_iter().flatten().collect())
}
