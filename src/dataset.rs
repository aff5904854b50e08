//! Everything read from a data directory for one run (§2, §6): the register, the
//! employment aggregates, the invalidity rows, every rejected row and the per-input
//! counts and fingerprints. Read once, shared by every quarter and every contribution
//! assessed in the run.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::Result;
use crate::input::incapacity::{self, IncapacityRow};
use crate::input::invalidity::{self, InvalidityRow};
use crate::input::register::{self, Register};
use crate::input::rejects::{InputCounts, Reject};
use crate::input::{self, Table};
use crate::occupation::{self, Occupation};
use crate::quarter::Quarter;
use crate::rules::Rules;

/// The inputs of a run.
pub struct Dataset {
    pub register: Register,
    /// Read when the levy is in force for an assessed quarter (§2.3).
    pub invalidity: Vec<InvalidityRow>,
    /// Read when the solidarity contribution is in force for an assessed quarter (§8.1).
    pub incapacity: Vec<IncapacityRow>,
    pub occupation: Occupation,
    /// Sorted by input, then file and line.
    pub rejects: Vec<Reject>,
    pub inputs: BTreeMap<&'static str, InputCounts>,
    /// Per quarter of employment lines held: the employers declaring lines and the lines
    /// used (§6, volumes hold), of every employer of the register, whatever the quarters
    /// assessed.
    pub volumes: BTreeMap<Quarter, crate::volumes::Volume>,
    /// The store version read (§12), for a run from a store.
    pub version: Option<u64>,
}

/// What a run's data must pass before anything is computed from it (§6), the same for
/// every command that computes (`assess`, `explain`, `funds`, `regularise`, `ingest`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Gates {
    /// `--allow-incomplete-data`: a quarter missing or dropping is assessed anyway.
    pub allow_incomplete_data: bool,
    /// `--strict`: no rejected row at all.
    pub strict: bool,
    /// `--max-rejected-share`; the rule set's when `None`.
    pub max_rejected_share: Option<crate::rules::Decimal>,
}

/// Which inputs a run needs besides the register and the employment lines: the
/// contributions in force for its quarters decide (§5, §8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub invalidity: bool,
    pub incapacity: bool,
    /// The invalidity rows a computation reads, from a store: those starting in the
    /// quarters Q - `invalidity_back` ..= Q of each assessed quarter Q (the levy's
    /// reference quarters, §3.1); `None`, every stored row (`explain` lists them all). A
    /// data folder's file is read whole either way.
    pub invalidity_back: Option<i32>,
}

impl Needs {
    /// Nothing besides the register and the employment lines.
    pub const NONE: Needs = Needs { invalidity: false, incapacity: false, invalidity_back: Some(0) };

    /// What two computations read together.
    pub fn and(self, o: Needs) -> Needs {
        let invalidity_back = match (self.invalidity, o.invalidity) {
            (false, _) => o.invalidity_back,
            (_, false) => self.invalidity_back,
            _ => self.invalidity_back.zip(o.invalidity_back).map(|(a, b)| a.max(b)),
        };
        Needs {
            invalidity: self.invalidity || o.invalidity,
            incapacity: self.incapacity || o.incapacity,
            invalidity_back,
        }
    }
}

/// Reads and validates the inputs. `rules` supplies the parameters the line aggregation
/// needs (`min_seniority_years`, `max_line_fte`); `quarters` are the quarters that will
/// be assessed (their headcount and Q-1 committee wages are kept).
pub fn load(
    data: &Path,
    dialect: crate::input::dialect::Dialect,
    dmfa_employer: crate::dmfa::EmployerKey,
    rules: &Rules,
    quarters: &[Quarter],
    needs: Needs,
    progress: &dyn Fn(&str),
) -> Result<Dataset> {
    let open = |t: Table| input::open_in(data, t, dialect);
    let employers = open(Table::Employers)?;
    let employment = open(Table::Employment)?;
    let invalidity = if needs.invalidity { Some(open(Table::Invalidity)?) } else { None };
    let incapacity = if needs.incapacity { Some(open(Table::Incapacity)?) } else { None };
    progress("checking input files");
    // The fingerprints (§4) are computed while the inputs are read; CSV employment
    // lines are fingerprinted by their reader, as they pass.
    let hashing = {
        let lines_by_reader = employment.files.iter().all(|f| f.format == input::Format::Csv);
        let mut sources = vec![employers.clone(), employment.clone()];
        sources.extend(invalidity.clone());
        sources.extend(incapacity.clone());
        std::thread::spawn(move || {
            sources
                .into_iter()
                .map(|s| {
                    let h =
                        if lines_by_reader && s.table == Table::Employment { Ok(String::new()) } else { s.sha256() };
                    (s.table.name(), h)
                })
                .collect::<Vec<_>>()
        })
    };
    progress("reading the employer register");
    let (register, mut rejects, reg_counts) = register::load(&employers, Some(quarters))?;
    let mut counts: Vec<(&'static str, InputCounts)> = vec![("employers", reg_counts)];
    let (mut invalidity_rows, mut inv_rejects) = (Vec::new(), Vec::new());
    if let Some(src) = &invalidity {
        progress("reading invalidity entries");
        let (rows, rj, c) = invalidity::load(src, &register)?;
        (invalidity_rows, inv_rejects) = (rows, rj);
        counts.push(("invalidity", c));
    }
    let (mut incapacity_rows, mut inc_rejects) = (Vec::new(), Vec::new());
    if let Some(src) = &incapacity {
        progress("reading incapacities");
        let (rows, rj, c) = incapacity::load(src, &register, quarters, rules.shared.max_daily_benefit_cents)?;
        (incapacity_rows, inc_rejects) = (rows, rj);
        counts.push(("incapacity", c));
    }
    progress("aggregating employment lines");
    let occupation = occupation::aggregate(
        &employment,
        &register,
        rules.levy.min_seniority_years,
        crate::input::employment::RowBounds::of(&rules.shared),
        quarters,
        &occupation::Reading::new(rules.dmfa.clone(), dmfa_employer),
    )?;
    // The aggregation's working memory, freed on its threads, before the assessment's.
    crate::memory::release();
    rejects.sort();
    let mut emp_rejects = occupation.rejects.clone();
    emp_rejects.sort();
    inv_rejects.sort();
    rejects.extend(emp_rejects);
    rejects.extend(inv_rejects);
    inc_rejects.sort();
    rejects.extend(inc_rejects);
    counts.push(("employment", occupation.counts.clone()));
    progress("fingerprinting the inputs");
    let hashes = hashing.join().map_err(|_| anyhow::anyhow!("the hashing thread failed"))?;
    let mut inputs = BTreeMap::new();
    for (name, mut c) in counts {
        let h = hashes.iter().find(|(n, _)| *n == name).map(|(_, h)| h);
        if let Some(h) = h {
            let h = h.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
            if c.sha256.is_empty() {
                c.sha256 = h.clone();
            }
        }
        inputs.insert(name, c);
    }
    let mut volumes = volumes(&occupation.by_quarter);
    // A quarter the register declares without a line holds none (§6: a drop to nothing).
    for (_, q) in &register.declared {
        volumes.entry(Quarter(*q)).or_default();
    }
    Ok(Dataset {
        register,
        invalidity: invalidity_rows,
        incapacity: incapacity_rows,
        occupation,
        rejects,
        inputs,
        volumes,
        version: None,
    })
}

/// The volume of every quarter of the aggregates: one group per employer with lines.
pub fn volumes(groups: &[crate::occupation::EmployerQuarter]) -> BTreeMap<Quarter, crate::volumes::Volume> {
    let mut out: BTreeMap<Quarter, crate::volumes::Volume> = BTreeMap::new();
    for g in groups.iter().filter(|g| g.lines > 0) {
        let v = out.entry(g.quarter).or_default();
        v.employers += 1;
        v.lines += g.lines as u64;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Needs;

    #[test]
    fn needs_together_read_the_wider_window_and_every_row_wins() {
        let levy = Needs { invalidity: true, incapacity: false, invalidity_back: Some(3) };
        let solidarity = Needs { incapacity: true, ..Needs::NONE };
        let both = levy.and(solidarity);
        assert_eq!(both, Needs { invalidity: true, incapacity: true, invalidity_back: Some(3) });
        assert_eq!(solidarity.and(levy), both, "in either order");
        let listing = Needs { invalidity_back: None, ..levy };
        assert_eq!(levy.and(listing).invalidity_back, None, "explain's every row");
        let shallow = Needs { invalidity_back: Some(1), ..levy };
        assert_eq!(shallow.and(levy).invalidity_back, Some(3));
        assert_eq!(Needs::NONE.and(Needs::NONE), Needs::NONE);
    }
}
