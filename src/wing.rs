//! What a contribution is to the rest of responsa (§1, §5): one interface each wing
//! (`src/levy/`, `src/solidarity/`) implements, so that the run, the store's history, the
//! corrections and the pages never branch on which contribution they handle. The wings
//! are listed once, in the registry ([`crate::contribution`]).
//!
//! A contribution says what it reads ([`Wing::employment_quarters`], [`Wing::reads`],
//! [`Wing::needs`]), when it is in force, and how it is named in outputs and notices; it
//! assesses a quarter into an [`crate::assessed::Assessed`], which knows its notices,
//! report tables, page, summary, what-if and regularisation.

use crate::dataset::Needs;
use crate::error::Result;
use crate::quarter::Quarter;
use crate::rules::Rules;

/// A contribution responsa computes: its wing, compared and ordered by its short name.
/// Each wing makes its own (`levy::LEVY`, `solidarity::SOLIDARITY`); the registry lists them.
#[derive(Clone, Copy)]
pub struct Contribution(&'static dyn Wing);

impl Contribution {
    pub const fn of(wing: &'static dyn Wing) -> Contribution {
        Contribution(wing)
    }
    pub fn wing(self) -> &'static dyn Wing {
        self.0
    }
}

impl PartialEq for Contribution {
    fn eq(&self, other: &Self) -> bool {
        self.0.short_name() == other.0.short_name()
    }
}
impl Eq for Contribution {}
impl PartialOrd for Contribution {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Contribution {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.short_name().cmp(other.0.short_name())
    }
}
impl std::hash::Hash for Contribution {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.short_name().hash(state)
    }
}
impl std::fmt::Debug for Contribution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.short_name())
    }
}

/// One contribution's part of every run.
pub trait Wing: Sync {
    /// Its name in reports and on the terminal.
    fn name(&self) -> &'static str;
    /// One word for it, in messages, the journal and history (`levy`, `solidarity`).
    fn short_name(&self) -> &'static str;
    /// Its code in the regularisation's tables (`invalidity_levy`, `solidarity`).
    fn code(&self) -> &'static str;
    /// Its name in a notice's language (`fr`, `nl`, `de`), as the law names it.
    fn local_name(&self, lang: &str) -> &'static str;
    /// The legal basis its notices cite, in the notice's language: the acts and articles
    /// of its switch's value in force, from the rule set (§12.3).
    fn basis(&self, r: &Rules, lang: &str) -> String {
        r.citation_of(self.switch(), lang).to_string()
    }
    /// A status code of its assessments (`fewer_than_3_cases`) in words, with the rule
    /// set's thresholds; an unknown code as it is.
    fn status_words(&self, code: &str, r: &Rules) -> String;
    /// The first part of its notices' references (`RESP`, `SOLI`).
    fn notice_code(&self) -> &'static str;
    /// The rule-set parameter that switches it on.
    fn switch(&self) -> &'static str;
    fn in_force(&self, r: &Rules) -> bool;
    /// The quarters of employment lines its computation for `q` reads.
    fn employment_quarters(&self, q: Quarter) -> Vec<Quarter>;
    /// Every quarter whose stored data its computation for `q` reads (§12): a correction
    /// of one of them makes an assessment of `q` out of date.
    fn reads(&self, q: Quarter) -> Vec<Quarter>;
    /// The inputs it reads besides the register and the employment lines.
    fn needs(&self) -> Needs;
    /// Assesses quarter `rules.quarter` from the run's data.
    fn assess(&self, data: &crate::dataset::Dataset, rules: Rules) -> Result<Box<dyn crate::assessed::Assessed>>;
}
