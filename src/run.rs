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
    rules: &[Rules],
    quarters: &[Quarter],
    needs: Needs,
    progress: &dyn Fn(&str),
) -> Result<Dataset> {
    let lines = line_rules(rules)?;
    let mut data = match from {
        Origin::Data(d) => dataset::load(d, lines, quarters, needs, progress)?,
        Origin::Store(s, v) => crate::store::load(s, *v, rules, lines, quarters, needs, progress)?,
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
