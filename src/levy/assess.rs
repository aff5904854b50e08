//! The levy's computation for one quarter (§3), from the run's [`Dataset`] to
//! assessed employers, in plain Rust over typed tables: per employer the denominators
//! `fte3y(e, r-4)` ([`Reference`]), the headcount of Q-4..Q-1, the Q-1 wage base and
//! the counted entries; the pooled sums of every sector group at each level of
//! `sector_levels` and of the whole private sector; then each employer's comparison
//! group ([`sector::choose`]), status ([`decide`]), warning ([`warn`]), levy
//! ([`levy_cents`]) and receipts ([`receipts::attribute`]). The rules themselves live in
//! those modules; this one only gathers their facts.

use std::collections::BTreeMap;

// Keys of our own (identifiers, sector codes), looked up a million times a quarter: a
// fast hash, not one against hostile keys.
use rustc_hash::FxHashMap as HashMap;

use compact_str::CompactString;
use num_rational::BigRational;
use rayon::prelude::*;

use crate::dataset::Dataset;
use crate::employer::{self, Headcount};
use crate::error::{Error, Result};
use crate::input::register::positions;
use crate::quarter::Quarter;
use crate::rules::Rules;

use super::amount::levy_cents;
use super::entries;
use super::ratios::{multiple_with, Pool};
use super::receipts;
use super::reference::Reference;
use super::sector::{self, SectorChoice};
use super::status::{decide, Facts, Status};
use super::warnings::{warn, Warning};

/// One assessed employer: every intermediate of §3 under its name.
#[derive(Debug, Clone)]
pub struct EmployerRow {
    // The register's texts, held inline as there (no allocation per employer).
    pub employer_id: CompactString,
    /// Five digits.
    pub nace: CompactString,
    pub joint_committee: CompactString,
    pub employer_category: CompactString,
    pub private_sector: bool,
    /// For letters (§11), from the register's optional `language` column.
    pub language: Option<CompactString>,
    pub sheltered: bool,
    /// Over the quarters of Q-4..Q-1 with a line (§3.4).
    pub headcount: Headcount,
    pub pool: Pool,
    /// The comparison group, as [`sector::choose`] made it.
    pub sector: SectorChoice,
    /// Base employers of the reported group (0 when it has none).
    pub sector_employers: u64,
    /// The pool of the reported group, when it has base employers.
    pub sector_pool: Option<Pool>,
    /// The printed ratios and multiples (§3.3, §4), computed once.
    pub ratio: Option<f64>,
    pub sector_ratio: Option<f64>,
    pub sector_multiple: Option<f64>,
    pub private_multiple: Option<f64>,
    pub status: Status,
    pub warning: Option<Warning>,
    /// Q-1 wages in cents (§3.6).
    pub wage_base: i64,
    pub levy: Option<i64>,
    /// The levy's parts per joint committee (§3.8), by committee; empty unless liable.
    pub parts: Vec<(String, i64)>,
}

impl EmployerRow {
    pub fn nace4(&self) -> &str {
        sector::group_code(&self.nace, 4)
    }
    /// What the status and warning tables read (§3.5, §3.7).
    pub fn facts<'a>(&'a self, private: &'a Pool) -> Facts<'a> {
        Facts {
            private_sector: self.private_sector,
            sheltered: self.sheltered,
            headcount: self.headcount,
            pool: &self.pool,
            sector: if self.sector.found { self.sector_pool.as_ref() } else { None },
            private,
        }
    }
}

/// One sector group at one level (§4 `sectors.csv`).
#[derive(Debug, Clone)]
pub struct SectorRow {
    pub sector: String,
    pub level: usize,
    pub employers: u64,
    pub pool: Pool,
    pub ratio: Option<f64>,
}

/// One joint committee's share of the quarter's levies (§3.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub joint_committee: String,
    /// Liable employers with a part for the committee.
    pub employers: u64,
    pub cents: i64,
}

/// The assessment of one quarter.
pub struct Assessment {
    pub rules: Rules,
    /// Sorted by employer_id.
    pub employers: Vec<EmployerRow>,
    pub sectors: Vec<SectorRow>,
    pub private: Pool,
    pub private_ratio: Option<f64>,
    /// By committee.
    pub receipts: Vec<Receipt>,
    /// The counts the reports print, made once ([`Tally::of`]).
    pub tally: Tally,
}

/// The employers per status and per warning, and the levies' total: counted in one pass
/// over the quarter's employers, where each report asked for them one by one (some forty
/// passes over 250,000 rows).
#[derive(Debug, Clone, Default)]
pub struct Tally {
    status: [usize; Status::ALL.len()],
    warnings: [usize; Warning::ALL.len()],
    levy_total: i64,
}

impl Tally {
    pub fn of(employers: &[EmployerRow]) -> Tally {
        let mut t = Tally::default();
        for e in employers {
            if let Some(i) = Status::ALL.iter().position(|s| *s == e.status) {
                t.status[i] += 1;
            }
            if let Some(i) = e.warning.and_then(|w| Warning::ALL.iter().position(|x| *x == w)) {
                t.warnings[i] += 1;
            }
            t.levy_total += e.levy.unwrap_or(0);
        }
        t
    }
}

impl Assessment {
    pub fn quarter(&self) -> Quarter {
        self.rules.quarter
    }
    pub fn due_quarter(&self) -> Quarter {
        self.rules.quarter.offset(self.rules.levy.payment_lag)
    }
    pub fn levy_total(&self) -> i64 {
        self.tally.levy_total
    }
    pub fn count(&self, s: Status) -> usize {
        Status::ALL.iter().position(|x| *x == s).map_or(0, |i| self.tally.status[i])
    }
    pub fn count_warning(&self, w: Warning) -> usize {
        Warning::ALL.iter().position(|x| *x == w).map_or(0, |i| self.tally.warnings[i])
    }
    pub fn employer(&self, id: &str) -> Option<&EmployerRow> {
        self.employers.binary_search_by(|e| e.employer_id.as_str().cmp(id)).ok().map(|i| &self.employers[i])
    }
}

/// Per employer of the register at Q: denominators, headcount and wage base.
struct Occupied {
    fte: [i64; 4],
    headcount: Headcount,
    wage_base: i64,
}

/// `quarters`: the employer's aggregates, sorted by quarter.
fn occupied(quarters: &[crate::occupation::EmployerQuarter], q: Quarter) -> Occupied {
    let reference = Reference::of(q);
    let averaged = employer::headcount_quarters(q);
    let mut o = Occupied { fte: [0; 4], headcount: Headcount::default(), wage_base: 0 };
    for g in quarters {
        // fte_rk is fte3y of quarter r_k - 4 (§3.2).
        if let Some(k) = reference.denominator_index(g.quarter) {
            o.fte[k] += g.fte3y;
        }
        // §3.4: the quarters of Q-4..Q-1 with a line.
        if averaged.contains(&g.quarter) {
            o.headcount.add_quarter(g.headcount);
        }
        if g.quarter == reference.wage_quarter() {
            o.wage_base += g.wages;
        }
    }
    o
}

/// §3 for quarter `rules.quarter`.
pub fn assess(data: &Dataset, rules: Rules) -> Result<Assessment> {
    let q = rules.quarter;
    let reference = Reference::of(q);
    let reg_q = data.register.at(q);
    if reg_q.is_empty() {
        return Err(Error::Structure(format!(
            "employers: no register row for {q}: the assessed quarter must be in the register"
        )));
    }
    let levels = rules.levy.sector_levels.clone();

    // §3.1: counted entries per employer and reference quarter.
    let mut entries_of: HashMap<&str, [i64; 4]> = HashMap::default();
    // Rows starting outside Q-3..Q are dropped by rule 1 whatever the others say: they are
    // passed over before their ages are computed.
    let (first, last) = (reference.quarter(0).first_day(), reference.quarter(3).last_day());
    for row in data.invalidity.iter().filter(|r| (first..=last).contains(&r.invalidity_start)) {
        let c = entries::criteria(row, reference, &rules.levy);
        if let (None, Some(k)) = (c.dropped, c.reference_index) {
            entries_of.entry(row.employer_id.as_str()).or_default()[k] += 1;
        }
    }

    // Per employer of the register at Q, in employer_id order.
    struct Base<'a> {
        reg: &'a crate::input::register::RegisterRow,
        pool: Pool,
        occ: Occupied,
        employer: u32,
    }
    // Both lists are sorted by identifier: the employers' indexes by one walk.
    let ids: Vec<&str> = data.register.ids.iter().map(CompactString::as_str).collect();
    let index = positions(&ids, &reg_q.iter().map(|r| r.employer_id.as_str()).collect::<Vec<_>>());
    let offsets = data.occupation.employer_offsets(ids.len());
    let base: Vec<Base> = reg_q
        .par_iter()
        .zip(index.par_iter())
        .map(|(reg, employer)| {
            let employer = employer
                .ok_or_else(|| anyhow::anyhow!("register row of {} at {q} has no register index", reg.employer_id))?;
            let e = employer as usize;
            let occ = occupied(&data.occupation.by_quarter[offsets[e]..offsets[e + 1]], q);
            let entries = entries_of.get(reg.employer_id.as_str()).copied().unwrap_or([0; 4]);
            Ok(Base { reg, pool: Pool { entries, fte: occ.fte }, occ, employer })
        })
        .collect::<Result<_>>()?;

    // §3.3: pooled sums of the base employers (private sector, register row at Q),
    // for the private sector and for every sector group at each level.
    // Hashed, then listed by code: a quarter's 250,000 employers at three levels took a
    // tenth of a second in an ordered map.
    let mut private = Pool::default();
    let mut groups: Vec<HashMap<&str, (u64, Pool)>> = vec![HashMap::default(); levels.len()];
    for b in base.iter().filter(|b| b.reg.private_sector) {
        private.add(&b.pool);
        for (li, &l) in levels.iter().enumerate() {
            let g = groups[li].entry(sector::group_code(&b.reg.nace, l)).or_default();
            g.0 += 1;
            g.1.add(&b.pool);
        }
    }
    let mut sectors: Vec<SectorRow> = Vec::new();
    for (li, &l) in levels.iter().enumerate() {
        let mut level: Vec<(&str, (u64, Pool))> = groups[li].iter().map(|(c, g)| (*c, *g)).collect();
        level.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (code, (n, pool)) in level {
            sectors.push(SectorRow { sector: code.to_string(), level: l, employers: n, pool, ratio: None });
        }
    }
    // Each pooled ratio once, exactly (§3.3); shared by the employers of the group.
    let exact: Vec<Option<BigRational>> = sectors.par_iter().map(|s| s.pool.exact()).collect();
    let ratios: Vec<Option<f64>> = sectors.par_iter().map(|s| s.pool.ratio()).collect();
    for (s, r) in sectors.iter_mut().zip(ratios) {
        s.ratio = r;
    }
    let position: HashMap<(usize, &str), usize> =
        sectors.iter().enumerate().map(|(i, s)| ((s.level, s.sector.as_str()), i)).collect();
    let private_exact = private.exact();
    let private_ratio = private.ratio();

    // Per employer: comparison group, status, warning, levy.
    let employers: Vec<EmployerRow> = base
        .par_iter()
        .map(|b| {
            let reg = b.reg;
            let choice = sector::choose(&reg.nace, &levels, rules.levy.min_sector_employers, |l, code| {
                position.get(&(l, code)).map_or(0, |&i| sectors[i].employers)
            });
            let group = position.get(&(choice.level, choice.group.as_str())).copied();
            let pool = b.pool;
            let mut row = EmployerRow {
                employer_id: reg.employer_id.clone(),
                nace: reg.nace.clone(),
                joint_committee: reg.joint_committee.clone(),
                employer_category: reg.employer_category.clone(),
                private_sector: reg.private_sector,
                language: reg.language.clone(),
                sheltered: employer::is_sheltered(&reg.employer_category, &reg.joint_committee, &rules.shared),
                headcount: b.occ.headcount,
                pool,
                sector_employers: group.map_or(0, |i| sectors[i].employers),
                sector_pool: group.map(|i| sectors[i].pool),
                sector_ratio: group.and_then(|i| sectors[i].ratio),
                sector_multiple: group.and_then(|i| multiple_with(&pool, &sectors[i].pool, exact[i].as_ref())),
                sector: choice,
                ratio: pool.ratio(),
                private_multiple: multiple_with(&pool, &private, private_exact.as_ref()),
                status: Status::OutOfScope,
                warning: None,
                wage_base: b.occ.wage_base,
                levy: None,
                parts: Vec::new(),
            };
            let facts = row.facts(&private);
            let status = decide(&facts, &rules);
            row.warning = warn(&facts, status, &rules);
            row.status = status;
            if status == Status::Liable {
                row.levy = Some(levy_cents(row.wage_base, rules.levy.rate_percent));
            }
            row
        })
        .collect();

    // §3.8: each liable employer's parts, then summed per joint committee.
    let mut employers = employers;
    let mut out: BTreeMap<String, (u64, i64)> = BTreeMap::new();
    for (b, e) in base.iter().zip(employers.iter_mut()) {
        let Some(levy) = e.levy else { continue };
        let carried: Vec<(&str, i64)> = data
            .occupation
            .committees_of(b.employer)
            .iter()
            .filter(|c| c.quarter == reference.wage_quarter())
            .map(|c| {
                let jc = c.joint_committee.trim();
                (if jc.is_empty() { e.joint_committee.as_str() } else { jc }, c.wages)
            })
            .collect();
        let parts = receipts::attribute(levy, e.wage_base, &e.joint_committee, &carried);
        for (jc, cents) in &parts {
            let slot = out.entry(jc.clone()).or_default();
            slot.0 += 1;
            slot.1 += cents;
        }
        e.parts = parts;
    }
    let receipts = out
        .into_iter()
        .map(|(joint_committee, (employers, cents))| Receipt { joint_committee, employers, cents })
        .collect();
    let tally = Tally::of(&employers);
    Ok(Assessment { rules, employers, sectors, private, private_ratio, receipts, tally })
}
