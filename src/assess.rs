//! The computation for one quarter (SPEC §3), from loaded inputs to assessed employers.
//!
//! Polars does the heavy part: per employer, `fte_r1..fte_r4` (the denominators
//! `fte3y(e, r-4)`), the headcounts of Q-4..Q-1, the Q-1 wage base and the counted
//! entries; then the pooled sums of every sector group at each level of `sector_levels`
//! and of the whole private sector. Rust then decides each employer exactly (SPEC §3.3).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use polars::prelude::*;

use crate::entries::{self, InvalidityRow};
use crate::error::{Error, Result};
use crate::input::{self, Table};
use crate::levy::levy_cents;
use crate::occupation::{self, Occupation};
use crate::quarter::Quarter;
use crate::ratios::{multiple_with, Pool};
use crate::register::{self, Register};
use crate::rejects::{InputCounts, Reject};
use crate::rules::Rules;
use crate::status::{decide, Facts, Status};
use crate::warnings::{warn, Warning};

/// Everything read from a data directory, shared by every quarter assessed from it.
pub struct Loaded {
    pub register: Register,
    pub invalidity: Vec<InvalidityRow>,
    pub occupation: Occupation,
    pub rejects: Vec<Reject>,
    pub inputs: BTreeMap<&'static str, InputCounts>,
}

/// Reads and validates the three inputs. `rules` supplies the parameters the line
/// aggregation needs (`min_seniority_years`, `max_line_fte`); `quarters` are the
/// quarters that will be assessed (their Q-1 wages are kept per joint committee).
pub fn load(data: &Path, rules: &Rules, quarters: &[Quarter], progress: &dyn Fn(&str)) -> Result<Loaded> {
    let sources = [Table::Employers, Table::Employment, Table::Invalidity].map(|t| input::open(data, t));
    let [employers, employment, invalidity] = sources;
    let (employers, employment, invalidity) = (employers?, employment?, invalidity?);
    progress("checking input files");
    // The fingerprints (SPEC §4) are computed while the inputs are read; CSV employment
    // lines are fingerprinted by their reader, as they pass.
    let hashing = {
        let lines_by_reader = employment.files.iter().all(|f| f.format == input::Format::Csv);
        let sources = [employers.clone(), employment.clone(), invalidity.clone()];
        std::thread::spawn(move || {
            sources
                .map(|s| if lines_by_reader && s.table == Table::Employment { Ok(String::new()) } else { s.sha256() })
        })
    };
    progress("reading the employer register");
    let (register, mut rejects, reg_counts) = register::load(&employers, quarters)?;
    progress("reading invalidity entries");
    let (invalidity_rows, inv_rejects, inv_counts) = entries::load(&invalidity, &register)?;
    progress("aggregating employment lines");
    let occupation =
        occupation::aggregate(&employment, &register, rules.min_seniority_years, rules.max_line_fte_micro, quarters)?;
    rejects.sort();
    let mut emp_rejects = occupation.rejects.clone();
    emp_rejects.sort();
    let mut inv_rejects = inv_rejects;
    inv_rejects.sort();
    rejects.extend(emp_rejects);
    rejects.extend(inv_rejects);
    progress("fingerprinting the inputs");
    let [h_emp, h_lines, h_inv] = hashing.join().map_err(|_| anyhow::anyhow!("the hashing thread failed"))?;
    let mut inputs = BTreeMap::new();
    inputs.insert("employers", InputCounts { sha256: h_emp?, ..reg_counts });
    let h_lines = h_lines?;
    let mut lines = occupation.counts.clone();
    if lines.sha256.is_empty() {
        lines.sha256 = h_lines;
    }
    inputs.insert("employment", lines);
    inputs.insert("invalidity", InputCounts { sha256: h_inv?, ..inv_counts });
    Ok(Loaded { register, invalidity: invalidity_rows, occupation, rejects, inputs })
}

/// One assessed employer: every intermediate of SPEC §3 under its name.
#[derive(Debug, Clone)]
pub struct EmployerRow {
    pub employer_id: String,
    pub nace: String,
    pub joint_committee: String,
    pub employer_category: String,
    pub private_sector: bool,
    /// Σ headcount(e, p) over p in Q-4..Q-1 with a line, and the number of such quarters.
    pub headcount_sum: i64,
    pub headcount_quarters: i64,
    pub pool: Pool,
    /// The comparison group s: its code, its level, whether a level qualified.
    pub sector: String,
    pub sector_level: usize,
    pub sector_found: bool,
    pub sector_employers: u64,
    /// The pool of s, when s has base employers.
    pub sector_pool: Option<Pool>,
    /// The printed ratios and multiples (SPEC §3.3, §4), computed once.
    pub ratio: Option<f64>,
    pub sector_ratio: Option<f64>,
    pub sector_multiple: Option<f64>,
    pub private_multiple: Option<f64>,
    pub status: Status,
    pub warning: Option<Warning>,
    pub wage_base: i64,
    pub levy: Option<i64>,
}

impl EmployerRow {
    pub fn nace4(&self) -> &str {
        &self.nace[..4.min(self.nace.len())]
    }
    pub fn facts<'a>(&'a self, private: &'a Pool) -> Facts<'a> {
        Facts {
            private_sector: self.private_sector,
            employer_category: &self.employer_category,
            joint_committee: &self.joint_committee,
            headcount_sum: self.headcount_sum,
            headcount_quarters: self.headcount_quarters,
            pool: &self.pool,
            sector: if self.sector_found { self.sector_pool.as_ref() } else { None },
            private,
        }
    }
}

/// One sector group at one level (SPEC §4 `sectors.csv`).
#[derive(Debug, Clone)]
pub struct SectorRow {
    pub sector: String,
    pub level: usize,
    pub employers: u64,
    pub pool: Pool,
    pub ratio: Option<f64>,
}

/// The assessment of one quarter.
pub struct Assessment {
    pub rules: Rules,
    pub employers: Vec<EmployerRow>,
    pub sectors: Vec<SectorRow>,
    pub private: Pool,
    pub private_ratio: Option<f64>,
    /// `(joint_committee, employers, levy cents)`, by committee.
    pub receipts: Vec<(String, u64, i64)>,
}

impl Assessment {
    pub fn quarter(&self) -> Quarter {
        self.rules.quarter
    }
    pub fn due_quarter(&self) -> Quarter {
        self.rules.quarter.offset(self.rules.payment_lag)
    }
    pub fn levy_total(&self) -> i64 {
        self.employers.iter().filter_map(|e| e.levy).sum()
    }
    pub fn count(&self, s: Status) -> usize {
        self.employers.iter().filter(|e| e.status == s).count()
    }
    pub fn count_warning(&self, w: Warning) -> usize {
        self.employers.iter().filter(|e| e.warning == Some(w)).count()
    }
}

fn i64s(df: &DataFrame, name: &str) -> Result<Vec<i64>> {
    let c = df.column(name)?.cast(&DataType::Int64)?;
    Ok(c.i64()?.iter().map(|v| v.unwrap_or(0)).collect())
}

fn pools(df: &DataFrame) -> Result<Vec<Pool>> {
    let ent: Vec<Vec<i64>> = (1..=4).map(|k| i64s(df, &format!("entries_r{k}"))).collect::<Result<_>>()?;
    let fte: Vec<Vec<i64>> = (1..=4).map(|k| i64s(df, &format!("fte_r{k}"))).collect::<Result<_>>()?;
    Ok((0..df.height())
        .map(|i| Pool {
            entries: [ent[0][i], ent[1][i], ent[2][i], ent[3][i]],
            fte: [fte[0][i], fte[1][i], fte[2][i], fte[3][i]],
        })
        .collect())
}

fn pool_sums() -> Vec<Expr> {
    (1..=4).flat_map(|k| [col(format!("entries_r{k}")).sum(), col(format!("fte_r{k}")).sum()]).collect()
}

/// `fte_r1..fte_r4`, `headcount_sum`, `headcount_quarters` and `wage_base` of every
/// employer of the register (by index `emp`), for the assessment of `q`.
fn per_employer_occupation(by_quarter: &DataFrame, employers: usize, q: Quarter) -> Result<DataFrame> {
    let (emp, qi) = (by_quarter.column("emp")?.u32()?, by_quarter.column("qi")?.i32()?);
    let (fte3y, headcount, wages) =
        (i64s(by_quarter, "fte3y")?, i64s(by_quarter, "headcount")?, i64s(by_quarter, "wages")?);
    let mut fte = vec![[0i64; 4]; employers];
    let (mut hc_sum, mut hc_quarters, mut wage_base) =
        (vec![0i64; employers], vec![0i64; employers], vec![0i64; employers]);
    for (i, (e, p)) in emp.iter().zip(qi.iter()).enumerate() {
        let (Some(e), Some(p)) = (e, p) else { continue };
        let e = e as usize;
        if e >= employers {
            continue;
        }
        // fte_rk is fte3y of quarter r-4 with r = Q-4+k, i.e. of quarter Q-8+k.
        let k = p - (q.0 - 8);
        if (1..=4).contains(&k) {
            fte[e][(k - 1) as usize] += fte3y[i];
        }
        if (q.0 - 4..=q.0 - 1).contains(&p) {
            hc_sum[e] += headcount[i];
            hc_quarters[e] += 1;
        }
        if p == q.0 - 1 {
            wage_base[e] += wages[i];
        }
    }
    let mut df = df!("emp" => (0..employers as u32).collect::<Vec<u32>>())?;
    for k in 0..4 {
        df.with_column(Column::new(format!("fte_r{}", k + 1).into(), fte.iter().map(|f| f[k]).collect::<Vec<i64>>()))?;
    }
    df.with_column(Column::new("headcount_sum".into(), hc_sum))?;
    df.with_column(Column::new("headcount_quarters".into(), hc_quarters))?;
    df.with_column(Column::new("wage_base".into(), wage_base))?;
    Ok(df)
}

/// SPEC §3 for quarter `rules.quarter`.
pub fn assess(loaded: &Loaded, rules: Rules) -> Result<Assessment> {
    let q = rules.quarter;
    let reg_q = loaded.register.at(q);
    if reg_q.is_empty() {
        return Err(Error::Structure(format!(
            "employers: no register row for {q}: the assessed quarter must be in the register"
        )));
    }
    let levels = rules.sector_levels.clone();
    let code = |nace: &str, l: usize| nace[..l.min(nace.len())].to_string();

    // The register at Q, with the code of each sector level.
    let mut reg_df = df!(
        "employer_id" => reg_q.iter().map(|r| r.employer_id.as_str()).collect::<Vec<_>>(),
        "emp" => reg_q.iter().map(|r| loaded.register.index.get(&r.employer_id).copied()).collect::<Vec<_>>(),
        "private" => reg_q.iter().map(|r| r.private_sector).collect::<Vec<_>>(),
    )?;
    for &l in &levels {
        let codes: Vec<String> = reg_q.iter().map(|r| code(&r.nace, l)).collect();
        reg_df.with_column(Column::new(format!("s{l}").into(), codes))?;
    }
    // Per employer: denominators fte3y(e, r-4) for r = Q-3..Q (SPEC §3.2), headcount over
    // Q-4..Q-1 (SPEC §3.4), wage base of Q-1 (SPEC §3.6): one pass over the
    // employer-quarter rows into a table indexed by employer.
    let occ = per_employer_occupation(&loaded.occupation.by_quarter, loaded.register.ids.len(), q)?.lazy();
    let ent = entries::entries_by_employer(entries::criteria_frame(&loaded.invalidity, &rules)?);
    let mut numeric: Vec<String> = (1..=4).flat_map(|k| [format!("entries_r{k}"), format!("fte_r{k}")]).collect();
    numeric.extend(["headcount_sum", "headcount_quarters", "wage_base"].map(String::from));
    let per_employer = reg_df
        .lazy()
        .join(occ, [col("emp")], [col("emp")], JoinArgs::new(JoinType::Left))
        .join(ent, [col("employer_id")], [col("employer_id")], JoinArgs::new(JoinType::Left))
        .with_columns(
            numeric.iter().map(|c| col(c.as_str()).cast(DataType::Int64).fill_null(lit(0i64))).collect::<Vec<_>>(),
        )
        .sort(["employer_id"], Default::default());

    // Pooled sums of every sector group at each level, and of the private sector (SPEC §3.3),
    // from the per-employer frame computed once.
    let emp_df = per_employer.collect()?;
    let base = emp_df.clone().lazy().filter(col("private"));
    let mut plans = vec![base.clone().select(pool_sums())];
    for &l in &levels {
        let mut a = vec![len().cast(DataType::Int64).alias("employers")];
        a.extend(pool_sums());
        plans.push(base.clone().group_by([col(format!("s{l}").as_str()).alias("sector")]).agg(a));
    }
    let opt = plans[0].get_current_optimizations();
    let mut dfs =
        LazyFrame::collect_all_with_engine(plans.into_iter().map(|p| p.logical_plan).collect(), Engine::InMemory, opt)?
            .into_iter();
    let private_df = dfs.next().ok_or_else(|| anyhow::anyhow!("missing frame"))?;
    let private = pools(&private_df)?.first().copied().unwrap_or_default();

    let mut sectors = Vec::new();
    for (&l, df) in levels.iter().zip(dfs) {
        let codes = df.column("sector")?.str()?.clone();
        let counts = i64s(&df, "employers")?;
        for ((c, n), p) in codes.iter().zip(counts).zip(pools(&df)?) {
            let c = c.unwrap_or_default().to_string();
            sectors.push(SectorRow { sector: c, level: l, employers: n as u64, pool: p, ratio: None });
        }
    }
    use rayon::prelude::*;
    let level_rank = |l: usize| levels.iter().position(|x| *x == l).unwrap_or(usize::MAX);
    sectors.sort_by(|a, b| level_rank(a.level).cmp(&level_rank(b.level)).then_with(|| a.sector.cmp(&b.sector)));
    // Each pooled ratio once, exactly (SPEC §3.3); shared by the employers of the group.
    let exact: Vec<Option<num_rational::BigRational>> = sectors.par_iter().map(|s| s.pool.exact()).collect();
    let ratios: Vec<Option<f64>> = sectors.par_iter().map(|s| s.pool.ratio()).collect();
    for (s, r) in sectors.iter_mut().zip(ratios) {
        s.ratio = r;
    }
    // Each group by level and code, as its position in `sectors`.
    let mut by_level: Vec<HashMap<&str, usize>> = vec![HashMap::new(); levels.len()];
    for (ix, s) in sectors.iter().enumerate() {
        by_level[level_rank(s.level)].insert(s.sector.as_str(), ix);
    }

    // Per employer: comparison group, status, warning, levy.
    let ids = emp_df.column("employer_id")?.str()?.clone();
    let emp_pools = pools(&emp_df)?;
    let hc_sum = i64s(&emp_df, "headcount_sum")?;
    let hc_q = i64s(&emp_df, "headcount_quarters")?;
    let wage_base = i64s(&emp_df, "wage_base")?;
    let private_exact = private.exact();
    let private_ratio = private.ratio();
    let last = levels.len().saturating_sub(1);
    let prefix = |nace: &str, l: usize| -> String { code(nace, l) };
    let employers: Vec<EmployerRow> = (0..emp_df.height())
        .into_par_iter()
        .filter_map(|i| {
            let id = ids.get(i).unwrap_or_default();
            // Both are sorted by employer_id: the register row is found by position.
            let reg = match reg_q.get(i) {
                Some(r) if r.employer_id == id => *r,
                _ => reg_q[reg_q.binary_search_by(|r| r.employer_id.as_str().cmp(id)).ok()?],
            };
            let group_at = |li: usize| by_level[li].get(&reg.nace[..levels[li].min(reg.nace.len())]).copied();
            // SPEC §3.3: the first level whose group holds min_sector_employers base
            // employers (art. 142 §1: fewer than ten → one digit less); else the last level.
            let chosen = (0..levels.len())
                .find_map(|li| group_at(li).filter(|&ix| sectors[ix].employers >= rules.min_sector_employers));
            let found = chosen.is_some();
            let group = chosen.or_else(|| group_at(last)).map(|ix| (ix, &sectors[ix]));
            let (level, sector) = match chosen {
                Some(ix) => (sectors[ix].level, sectors[ix].sector.clone()),
                None => {
                    (levels.get(last).copied().unwrap_or(2), prefix(&reg.nace, levels.get(last).copied().unwrap_or(2)))
                }
            };
            let pool = emp_pools[i];
            let sector_pool = group.map(|g| g.1.pool);
            let mut row = EmployerRow {
                employer_id: id.to_string(),
                nace: reg.nace.clone(),
                joint_committee: reg.joint_committee.clone(),
                employer_category: reg.employer_category.clone(),
                private_sector: reg.private_sector,
                headcount_sum: hc_sum[i],
                headcount_quarters: hc_q[i],
                pool,
                sector,
                sector_level: level,
                sector_found: found,
                sector_employers: group.map(|g| g.1.employers).unwrap_or(0),
                sector_pool,
                ratio: pool.ratio(),
                sector_ratio: group.and_then(|g| g.1.ratio),
                sector_multiple: group.and_then(|(ix, g)| multiple_with(&pool, &g.pool, exact[ix].as_ref())),
                private_multiple: multiple_with(&pool, &private, private_exact.as_ref()),
                status: Status::OutOfScope,
                warning: None,
                wage_base: wage_base[i],
                levy: None,
            };
            let facts = row.facts(&private);
            let status = decide(&facts, &rules);
            let warning = warn(&facts, status, &rules);
            row.status = status;
            row.warning = warning;
            if status == Status::Liable {
                row.levy = Some(levy_cents(row.wage_base, rules.rate_percent));
            }
            Some(row)
        })
        .collect();
    let receipts = receipts_by_committee(loaded, q, &employers)?;
    Ok(Assessment { rules, employers, sectors, private, private_ratio, receipts })
}

/// SPEC §3.8, summed per joint committee. The wages of lines without a committee of
/// their own go to the employer's: its Q-1 wage base less the lines that carry one.
fn receipts_by_committee(loaded: &Loaded, q: Quarter, employers: &[EmployerRow]) -> Result<Vec<(String, u64, i64)>> {
    let index = &loaded.register.index;
    let liable: HashMap<u32, &EmployerRow> =
        employers.iter().filter(|e| e.levy.is_some()).filter_map(|e| Some((*index.get(&e.employer_id)?, e))).collect();
    let mut parts: BTreeMap<&str, BTreeMap<String, i64>> = BTreeMap::new();
    let df = &loaded.occupation.by_committee;
    let emps = df.column("emp")?.u32()?;
    let qis = df.column("qi")?.i32()?;
    let jcs = df.column("joint_committee")?.cast(&DataType::String)?;
    let jcs = jcs.str()?;
    let wages = i64s(df, "wages")?;
    for (i, ((emp, qi), jc)) in emps.iter().zip(qis.iter()).zip(jcs.iter()).enumerate() {
        let (Some(emp), Some(qi), Some(jc)) = (emp, qi, jc) else { continue };
        if qi != q.offset(-1).0 {
            continue;
        }
        let Some(e) = liable.get(&emp) else { continue };
        let jc = jc.trim();
        let jc = if jc.is_empty() { e.joint_committee.as_str() } else { jc };
        *parts.entry(e.employer_id.as_str()).or_default().entry(jc.to_string()).or_default() += wages[i];
    }
    let mut out: BTreeMap<String, (u64, i64)> = BTreeMap::new();
    for e in liable.values() {
        let mut p = parts.remove(e.employer_id.as_str()).unwrap_or_default();
        let carried: i64 = p.values().sum();
        *p.entry(e.joint_committee.clone()).or_default() += e.wage_base - carried;
        let p: Vec<(String, i64)> = p.into_iter().filter(|(_, w)| *w > 0).collect();
        for (jc, cents) in crate::receipts::split(e.levy.unwrap_or(0), &p, &e.joint_committee) {
            let slot = out.entry(jc).or_default();
            slot.0 += 1;
            slot.1 += cents;
        }
    }
    Ok(out.into_iter().map(|(jc, (n, c))| (jc, n, c)).collect())
}
