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
}

/// Which inputs a run needs besides the register and the employment lines: the
/// contributions in force for its quarters decide (§5, §8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub invalidity: bool,
    pub incapacity: bool,
}

/// Reads and validates the inputs. `rules` supplies the parameters the line aggregation
/// needs (`min_seniority_years`, `max_line_fte`); `quarters` are the quarters that will
/// be assessed (their headcount and Q-1 committee wages are kept).
pub fn load(
    data: &Path,
    rules: &Rules,
    quarters: &[Quarter],
    needs: Needs,
    progress: &dyn Fn(&str),
) -> Result<Dataset> {
    let employers = input::open(data, Table::Employers)?;
    let employment = input::open(data, Table::Employment)?;
    let invalidity = if needs.invalidity { Some(input::open(data, Table::Invalidity)?) } else { None };
    let incapacity = if needs.incapacity { Some(input::open(data, Table::Incapacity)?) } else { None };
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
    )?;
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
    Ok(Dataset { register, invalidity: invalidity_rows, incapacity: incapacity_rows, occupation, rejects, inputs })
}

/// Where a run reads its inputs: a data directory (§2) or a store (§9).
#[derive(Debug, Clone)]
pub enum Origin {
    Data(std::path::PathBuf),
    Store(std::path::PathBuf),
}

impl Origin {
    /// `--data` or `--store`, exactly one.
    pub fn of(data: Option<&Path>, store: Option<&Path>) -> Result<Origin> {
        match (data, store) {
            (Some(d), None) => Ok(Origin::Data(d.to_path_buf())),
            (None, Some(s)) => Ok(Origin::Store(s.to_path_buf())),
            _ => Err(crate::error::Error::Usage("give --data DIR or --store STORE".into())),
        }
    }
}

/// Reads a run's dataset from a data directory or a store. `rules` are the rule sets of
/// the run (the store checks it can serve each); the last one gives the line parameters.
pub fn open(
    from: &Origin,
    rules: &[Rules],
    quarters: &[Quarter],
    needs: Needs,
    progress: &dyn Fn(&str),
) -> Result<Dataset> {
    let mut data = match from {
        Origin::Data(d) => {
            let line_rules = rules.last().ok_or_else(|| anyhow::anyhow!("no rule set"))?;
            load(d, line_rules, quarters, needs, progress)?
        }
        Origin::Store(s) => crate::store::load(s, rules, quarters, needs, progress)?,
    };
    crate::input::rejects::count_reasons(&mut data.inputs, &data.rejects);
    Ok(data)
}

/// §6: a quarter whose inputs do not cover what its computation reads is refused,
/// naming the quarters missing: the register at Q, and the employment lines of the
/// quarters each contribution reads ([`crate::contribution::Contribution::employment_quarters`]). `runs` are the
/// assessed quarters, each with the contributions computed for it.
pub fn check_coverage(data: &Dataset, runs: &[(Quarter, Vec<crate::contribution::Contribution>)]) -> Result<()> {
    use std::collections::BTreeSet;
    let registered: BTreeSet<Quarter> = data.register.rows.iter().map(|r| r.quarter).collect();
    // A quarter the extract holds: employment lines, or register rows (a small universe may
    // declare a quarter without a line in it).
    let mut employed: BTreeSet<Quarter> = data.occupation.by_quarter.iter().map(|g| g.quarter).collect();
    employed.extend(data.register.declared.iter().map(|d| Quarter(d.1)));
    let list = |qs: &BTreeSet<Quarter>| qs.iter().map(|q| q.to_string()).collect::<Vec<_>>().join(", ");
    for (q, on) in runs {
        let mut missing = Vec::new();
        if !registered.contains(q) {
            missing.push(format!("the register at {q}"));
        }
        let lines: BTreeSet<Quarter> =
            on.iter().flat_map(|c| c.employment_quarters(*q)).filter(|p| !employed.contains(p)).collect();
        if !lines.is_empty() {
            missing.push(format!("employment lines of {}", list(&lines)));
        }
        if !missing.is_empty() {
            let held = if employed.is_empty() {
                "no quarter at all".to_string()
            } else {
                format!("quarters {}", list(&employed))
            };
            return Err(crate::error::Error::Structure(format!(
                "{q}: the inputs do not cover what its assessment reads: {} missing (they hold {held}); \
                 --allow-incomplete-data assesses it with those quarters empty",
                missing.join(" and ")
            )));
        }
    }
    Ok(())
}
