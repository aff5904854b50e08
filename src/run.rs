//! The run's inputs as a whole: where they are read (a data folder, §2, or a store, §9),
//! which rules read the lines of every quarter of the run, and whether they cover what
//! each assessed quarter's computation reads (§6). Above both readers ([`crate::dataset`]
//! for a data folder, [`crate::store`]), which know nothing of each other.

use std::path::Path;

use crate::dataset::{self, Dataset, Needs};
use crate::error::Result;
use crate::quarter::Quarter;
use crate::rules::Rules;

/// Where a run reads its inputs: a data directory (§2) or a store (§9) as of one of its
/// versions (§12; the latest when `None`).
#[derive(Debug, Clone)]
pub enum Origin {
    Data(std::path::PathBuf),
    Store(std::path::PathBuf, Option<u64>),
}

impl Origin {
    /// `--data` or `--store` (with `--version`), exactly one.
    pub fn of(data: Option<&Path>, store: Option<&Path>, version: Option<u64>) -> Result<Origin> {
        match (data, store, version) {
            (Some(_), None, Some(_)) => {
                Err(crate::error::Error::Usage("--version N reads a store: give --store STORE".into()))
            }
            (Some(d), None, None) => Ok(Origin::Data(d.to_path_buf())),
            (None, Some(s), v) => Ok(Origin::Store(s.to_path_buf(), v)),
            _ => Err(crate::error::Error::Usage("give --data DIR or --store STORE".into())),
        }
    }
}

/// The one place that decides which rules read a run's inputs: the lines are aggregated
/// once for every quarter of the run (§3.2's `min_seniority_years`) and checked once (§6's
/// row bounds), so every rule set of the run (its quarters', and a what-if's reference)
/// must agree on them; they are then the first quarter's, from a data folder and a store
/// alike. Disagreeing rule sets are refused, naming the quarters.
pub fn line_rules(rules: &[Rules]) -> Result<&Rules> {
    let first = rules.first().ok_or_else(|| anyhow::anyhow!("a run without a quarter"))?;
    let key = |r: &Rules| {
        (
            r.levy.min_seniority_years,
            r.shared.max_line_fte_micro,
            r.shared.max_line_wages_cents,
            r.shared.max_daily_benefit_cents,
        )
    };
    if let Some(other) = rules.iter().find(|r| key(r) != key(first)) {
        return Err(crate::error::Error::Usage(format!(
            "{} and {} ({}) use different min_seniority_years or row bounds (max_line_fte, max_line_wages, \
             max_daily_benefit), which read the lines of the whole run: assess them in separate runs",
            first.quarter, other.quarter, other.origin
        )));
    }
    Ok(first)
}

/// Reads a run's dataset from a data directory or a store. `rules` are the rule sets of
/// the run (the store checks it can serve each); [`line_rules`] decides which read the lines.
pub fn open(
    from: &Origin,
    dialect: crate::input::dialect::Dialect,
    dmfa_employer: crate::dmfa::EmployerKey,
    rules: &[Rules],
    quarters: &[Quarter],
    needs: Needs,
    progress: &dyn Fn(&str),
) -> Result<Dataset> {
    let lines = line_rules(rules)?;
    let mut data = match from {
        Origin::Data(d) => dataset::load(d, dialect, dmfa_employer, lines, quarters, needs, progress)?,
        Origin::Store(s, v) => crate::store::load(s, *v, rules, lines, quarters, needs, progress)?,
    };
    crate::input::rejects::count_reasons(&mut data.inputs, &data.rejects);
    Ok(data)
}

/// Where a run reads its inputs and how their CSV files are written (§2, §11).
#[derive(Debug, Clone)]
pub struct Source {
    pub origin: Origin,
    pub dialect: crate::input::dialect::Dialect,
    /// Which identifier of a DmfA declaration is the register's key (§13).
    pub dmfa_employer: crate::dmfa::EmployerKey,
}

impl Source {
    /// Reads the run's dataset; a Belgian-dialect file is read as it is (§11), so every
    /// message names the user's own file.
    pub fn open(
        &self,
        rules: &[Rules],
        quarters: &[Quarter],
        needs: Needs,
        progress: &dyn Fn(&str),
    ) -> Result<Dataset> {
        open(&self.origin, self.dialect, self.dmfa_employer, rules, quarters, needs, progress)
    }

    /// The same source at another version of its store (a regularisation reads two).
    pub fn at_version(&self, version: u64) -> Result<Source> {
        match &self.origin {
            Origin::Store(s, _) => Ok(Source { origin: Origin::Store(s.clone(), Some(version)), ..self.clone() }),
            Origin::Data(d) => {
                Err(crate::error::Error::Usage(format!("{}: versions are a store's: give --store STORE", d.display())))
            }
        }
    }
}

/// A run resolved before any input is read: its quarters, the rules of each, the
/// contributions computed for each, and a what-if's reference rules.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub quarters: Vec<Quarter>,
    pub rules: Vec<Rules>,
    /// Per quarter, the contributions in force (§5); never empty.
    pub on: Vec<Vec<crate::contribution::Contribution>>,
    pub reference: Option<Vec<Rules>>,
    /// Every invalidity row is read, not only those the computation counts (`explain`
    /// lists an employer's rows of every quarter, §3.1).
    pub every_invalidity_row: bool,
}

impl Resolved {
    /// Resolves the rules of every quarter (and of the reference); a quarter where no
    /// contribution is in force is refused before any input is read (§5).
    pub fn new(
        set: &crate::rules::RuleSet,
        quarters: Vec<Quarter>,
        reference: Option<&crate::rules::RuleSet>,
        allow_before_first_quarter: bool,
    ) -> Result<Resolved> {
        let rules: Vec<Rules> =
            quarters.iter().map(|q| set.resolve(*q, allow_before_first_quarter)).collect::<Result<_>>()?;
        let on = rules.iter().map(|r| crate::contribution::to_compute(set, r)).collect::<Result<_>>()?;
        let reference = match reference {
            None => None,
            Some(s) => Some(quarters.iter().map(|q| s.resolve(*q, allow_before_first_quarter)).collect::<Result<_>>()?),
        };
        Ok(Resolved { quarters, rules, on, reference, every_invalidity_row: false })
    }

    /// The quarters with the contributions computed for each.
    pub fn runs(&self) -> Vec<(Quarter, Vec<crate::contribution::Contribution>)> {
        self.quarters.iter().copied().zip(self.on.iter().cloned()).collect()
    }

    /// The inputs the run reads besides the register and the employment lines.
    pub fn needs(&self) -> Needs {
        let needs = crate::contribution::needs(self.on.iter().flatten());
        if self.every_invalidity_row {
            return Needs { invalidity_back: None, ..needs };
        }
        needs
    }

    /// Every rule set of the run: its quarters', then the reference's.
    pub fn all_rules(&self) -> Vec<Rules> {
        self.rules.iter().chain(self.reference.iter().flatten()).cloned().collect()
    }
}

/// The one way every command that computes reads its inputs (§6): resolve → open → check.
/// `rejects` is where a refusal with exit 3 writes `rejects.csv` alone (`assess`,
/// `funds`: their `--out`), or only names (`explain`, `regularise`: nowhere written).
pub fn read(
    resolved: &Resolved,
    source: &Source,
    gates: &Gates,
    rejects: Rejects<'_>,
    progress: &dyn Fn(&str),
) -> Result<Dataset> {
    let all = resolved.all_rules();
    let data = source.open(&all, &resolved.quarters, resolved.needs(), progress)?;
    let lines = line_rules(&all)?;
    let (path, write) = match rejects {
        Rejects::WriteTo(out) => (out.join("rejects.csv"), Some(out)),
        Rejects::Named(p) => (p.to_path_buf(), None),
    };
    if let Err(e) = check(&data, &resolved.runs(), lines, gates, &path) {
        if let (3, Some(out)) = (e.exit_code(), write) {
            crate::report::write_rejects_only(out, &data.rejects)?;
        }
        return Err(e);
    }
    Ok(data)
}

/// Where a refused run's rejects go.
#[derive(Debug, Clone, Copy)]
pub enum Rejects<'a> {
    /// `rejects.csv` alone is published in this folder (a run's `--out`).
    WriteTo(&'a Path),
    /// Only named in the message (where they are kept already).
    Named(&'a Path),
}

/// §6: a quarter whose inputs do not cover what its computation reads is refused,
/// naming the quarters missing: the register at Q, and the employment lines of the
/// quarters each contribution reads ([`crate::contribution::Contribution::employment_quarters`]). `runs` are the
/// assessed quarters, each with the contributions computed for it.
pub fn check_coverage(data: &Dataset, runs: &[(Quarter, Vec<crate::contribution::Contribution>)]) -> Result<()> {
    use std::collections::BTreeSet;
    let registered = distinct(data.register.rows.iter().map(|r| r.quarter.0));
    // A quarter the extract holds: employment lines, or register rows (a small universe may
    // declare a quarter without a line in it).
    let lines = data.occupation.by_quarter.iter().map(|g| g.quarter.0);
    let employed = distinct(lines.chain(data.register.declared.iter().map(|d| d.1)));
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

pub use crate::dataset::Gates;

/// §6: coverage (exit 2), volumes (exit 3), the rejected share and `--strict` (exit 3), in
/// that order. `rules` are the rules that read the lines ([`line_rules`]); `rejects` is
/// where the message says the rejected rows are.
pub fn check(
    data: &Dataset,
    runs: &[(Quarter, Vec<crate::contribution::Contribution>)],
    rules: &Rules,
    gates: &Gates,
    rejects: &Path,
) -> Result<()> {
    if !gates.allow_incomplete_data {
        check_coverage(data, runs)?;
        check_volumes(data, runs, rules.shared.max_quarter_drop)?;
    }
    let share = gates.max_rejected_share.unwrap_or(rules.shared.max_rejected_share);
    crate::input::rejects::gate(&data.inputs, share, &data.register.ids, rejects)?;
    let rejected = data.rejects.len() as u64;
    if gates.strict && rejected > 0 {
        return Err(crate::error::Error::Strict { rejected, rejects: rejects.display().to_string() });
    }
    Ok(())
}

/// §6, volumes hold: in the quarters of employment lines each computation reads, a quarter
/// whose employers declaring lines, or whose lines, fall more than `max_quarter_drop` below
/// the median of those quarters is refused (exit 3), naming it and both counts. A quarter
/// the data do not hold at all is [`check_coverage`]'s.
pub fn check_volumes(
    data: &Dataset,
    runs: &[(Quarter, Vec<crate::contribution::Contribution>)],
    max_quarter_drop: crate::rules::Decimal,
) -> Result<()> {
    for (q, on) in runs {
        let read: std::collections::BTreeSet<Quarter> = on.iter().flat_map(|c| c.employment_quarters(*q)).collect();
        let volumes: Vec<(Quarter, crate::volumes::Volume)> =
            read.iter().filter_map(|p| data.volumes.get(p).map(|v| (*p, *v))).collect();
        if let Some(d) = crate::volumes::first_drop(&volumes, max_quarter_drop) {
            return Err(crate::error::Error::Volume(format!(
                "{q}: the quarters it reads do not hold (max_quarter_drop {max_quarter_drop} %): {d}                  --allow-incomplete-data assesses it anyway"
            )));
        }
    }
    Ok(())
}

/// An employer of the register at an assessed quarter with no lines in a quarter read
/// between two where it has lines (§6): listed, not refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Gap {
    pub employer_id: String,
    pub quarters: Vec<String>,
}

/// The gaps of the employers of the register at `q`, in the quarters of employment lines
/// that `on` read for it, by employer. One pass over the aggregates with a bit per quarter
/// read (at most eight); the register is looked at only for the few employers with a hole.
pub fn gaps(data: &Dataset, q: Quarter, on: &[crate::contribution::Contribution]) -> Vec<Gap> {
    let read: Vec<Quarter> = on
        .iter()
        .flat_map(|c| c.employment_quarters(q))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if read.len() > 64 {
        return Vec::new();
    }
    let mut holes: Vec<(u32, u64)> = Vec::new();
    // The groups are sorted by (employer, quarter): one employer's quarters are one run.
    for run in data.occupation.by_quarter.chunk_by(|a, b| a.employer == b.employer) {
        let mut mask = 0u64;
        for g in run.iter().filter(|g| g.lines > 0) {
            if let Ok(i) = read.binary_search(&g.quarter) {
                mask |= 1 << i;
            }
        }
        if mask == 0 {
            continue;
        }
        let missing = crate::volumes::gaps(mask);
        if missing != 0 {
            holes.push((run[0].employer, missing));
        }
    }
    if holes.is_empty() {
        return Vec::new();
    }
    let registered: std::collections::HashSet<&str> =
        data.register.rows.iter().filter(|r| r.quarter == q).map(|r| r.employer_id.as_str()).collect();
    holes
        .into_iter()
        .filter_map(|(employer, missing)| {
            let id = data.register.ids.get(employer as usize)?;
            registered.contains(id.as_str()).then(|| Gap {
                employer_id: id.to_string(),
                quarters: (0..read.len()).filter(|i| missing & (1 << i) != 0).map(|i| read[i].to_string()).collect(),
            })
        })
        .collect()
}

/// The data-quality panel's lines of §6 for quarter `q`: the volume of each quarter of
/// employment lines read, the employers with a gap (the first twenty; all are in
/// summary.json), and the liable employers sent no notice because nothing is due.
pub fn quality_notes(
    data: &Dataset,
    q: Quarter,
    on: &[crate::contribution::Contribution],
    gaps: &[Gap],
    nothing_due: &[String],
) -> Vec<String> {
    use crate::parse::thousands;
    let read: std::collections::BTreeSet<Quarter> = on.iter().flat_map(|c| c.employment_quarters(q)).collect();
    let volumes: Vec<String> = read
        .iter()
        .map(|p| match data.volumes.get(p) {
            Some(v) => format!("{p}: {} employers, {} lines", thousands(v.employers), thousands(v.lines)),
            None => format!("{p}: none"),
        })
        .collect();
    let mut notes = vec![format!("Employment lines of the quarters read: {}.", volumes.join("; "))];
    if gaps.is_empty() {
        notes.push(format!("No employer of the register at {q} has a quarter without lines between two with lines."));
    } else {
        let first: Vec<String> =
            gaps.iter().take(20).map(|g| format!("{} ({})", g.employer_id, g.quarters.join(", "))).collect();
        let more =
            if gaps.len() > 20 { format!(" and {} more", thousands(gaps.len() as u64 - 20)) } else { String::new() };
        notes.push(format!(
            "{} employer{} of the register at {q} {} no lines in a quarter between two with lines (summary.json, gaps): {}{more}.",
            thousands(gaps.len() as u64),
            if gaps.len() == 1 { "" } else { "s" },
            if gaps.len() == 1 { "has" } else { "have" },
            first.join(", ")
        ));
    }
    if !nothing_due.is_empty() {
        notes.push(format!(
            "Liable with a wage base of 0.00, so sent no notice (summary.json, no_notice_nothing_due): {}.",
            nothing_due.join(", ")
        ));
    }
    notes
}

/// The distinct quarters among millions of rows' quarters: marks in a table over their
/// range (two passes), where a set insert per row cost a quarter of a second at national
/// scale.
fn distinct(quarters: impl Iterator<Item = i32> + Clone) -> std::collections::BTreeSet<Quarter> {
    let (min, max) = quarters.clone().fold((i32::MAX, i32::MIN), |(lo, hi), q| (lo.min(q), hi.max(q)));
    if min > max {
        return Default::default();
    }
    let mut seen = vec![false; (max - min) as usize + 1];
    for q in quarters {
        seen[(q - min) as usize] = true;
    }
    seen.iter().enumerate().filter(|(_, s)| **s).map(|(i, _)| Quarter(min + i as i32)).collect()
}
