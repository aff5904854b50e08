//! Reading the store into a run's [`Dataset`] (§9): the register of every stored
//! quarter, the aggregates of the quarters the assessed ones need, their invalidity and
//! incapacity rows — the same typed tables a run from `--data` builds, so every report
//! is the same.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use compact_str::CompactString;
use polars::prelude::*;

use crate::dataset::{Dataset, Needs};
use crate::error::{Error, Result};
use crate::input::incapacity::IncapacityRow;
use crate::input::invalidity::InvalidityRow;
use crate::input::register::{positions, Register, RegisterRow};
use crate::input::rejects::{InputCounts, Reject};
use crate::occupation::{CommitteeWages, EmployerQuarter, Occupation};
use crate::quarter::Quarter;
use crate::rules::Rules;

use super::{batch_dir, read_version, Batch, QuarterEntry, Version};

/// One stored file read back. The store writes every column complete but the optional
/// ones (an incapacity's end and resumption, an employer's language), so a missing value
/// is a damaged store: an error naming the file and column, never a zero or an empty text.
struct Stored {
    path: PathBuf,
    df: DataFrame,
}

impl Stored {
    /// A stored file of quarter entry `e`, checked against its recorded sha256.
    fn open(store: &Path, e: &QuarterEntry, name: &str) -> Result<Stored> {
        Stored::read(store, e, name, None, None, ParallelStrategy::None)
    }

    /// A stored file read while no other is: its columns decoded on every core.
    fn open_parallel(store: &Path, e: &QuarterEntry, name: &str) -> Result<Stored> {
        Stored::read(store, e, name, None, None, ParallelStrategy::Columns)
    }

    /// The `columns` (all when `None`) of a stored file, and `prefer`'s column when the
    /// file holds it, else its other columns; checked against its sha256. `strategy`:
    /// `None` (on the calling thread) where the store's files are read side by side, one
    /// per thread.
    fn read(
        store: &Path,
        e: &QuarterEntry,
        name: &str,
        columns: Option<&[&str]>,
        prefer: Option<(&str, &[&str])>,
        strategy: ParallelStrategy,
    ) -> Result<Stored> {
        let path = store.join(&e.file(name)?.path);
        let bytes = e.read(store, name)?;
        let df = crate::input::parquet_bytes(&path, bytes, columns, prefer, strategy).map_err(|e| {
            Error::Structure(format!("{e} (a stored file: the store is damaged; re-ingest this quarter)"))
        })?;
        Ok(Stored { path, df })
    }

    /// A column, or the error naming the file and the column the store should hold.
    fn column(&self, name: &str) -> Result<&Column> {
        self.df.column(name).map_err(|_| {
            Error::at(
                &self.path,
                None,
                Some(name),
                "no such column in the stored file: the store is damaged or \
             was written by another version; re-ingest this quarter",
            )
        })
    }

    /// A column of the type the store writes, or the error naming the file and column.
    fn typed<'a, T>(&'a self, name: &str, get: impl FnOnce(&'a Column) -> PolarsResult<T>) -> Result<T> {
        get(self.column(name)?).map_err(|e| {
            Error::at(
                &self.path,
                None,
                Some(name),
                format!("not the type the store writes ({e}): the store is damaged"),
            )
        })
    }

    fn height(&self) -> usize {
        self.df.height()
    }

    fn damaged(&self, name: &str) -> Error {
        Error::at(
            &self.path,
            None,
            Some(name),
            "a missing value in the store: re-ingest this quarter (responsa ingest)",
        )
    }

    fn complete<T>(&self, name: &str, values: impl Iterator<Item = Option<T>>) -> Result<Vec<T>> {
        values.map(|v| v.ok_or_else(|| self.damaged(name))).collect()
    }

    fn strs(&self, name: &str) -> Result<Vec<&str>> {
        let ca = self.typed(name, |c| c.str())?;
        // Without a missing value (as the store writes them), read array by array.
        if ca.null_count() == 0 {
            let mut out = Vec::with_capacity(ca.len());
            for chunk in ca.downcast_iter() {
                out.extend(chunk.values_iter());
            }
            return Ok(out);
        }
        self.complete(name, ca.iter())
    }

    fn ints(&self, name: &str) -> Result<Vec<i64>> {
        let c = self.typed(name, |c| c.cast(&DataType::Int64))?;
        let ca = c.i64().map_err(|e| self.wrong(name, e))?;
        // Without a missing value (as the store writes them), copied chunk by chunk.
        if ca.null_count() == 0 {
            let mut out = Vec::with_capacity(ca.len());
            for chunk in ca.downcast_iter() {
                out.extend_from_slice(chunk.values().as_slice());
            }
            return Ok(out);
        }
        self.complete(name, ca.iter())
    }

    /// The row-wise sum of integer columns (§3.2: the FTE of the seniority buckets kept),
    /// added column by column into one vector instead of a copy of each.
    fn sum_ints(&self, names: &[String]) -> Result<Vec<i64>> {
        let mut sum = vec![0i64; self.height()];
        for name in names {
            let c = self.typed(name, |c| c.cast(&DataType::Int64))?;
            let ca = c.i64().map_err(|e| self.wrong(name, e))?;
            if ca.null_count() > 0 {
                return Err(self.damaged(name));
            }
            let mut at = 0;
            for chunk in ca.downcast_iter() {
                let values = chunk.values().as_slice();
                for (s, v) in sum[at..at + values.len()].iter_mut().zip(values) {
                    *s = s.checked_add(*v).ok_or_else(|| self.damaged(name))?;
                }
                at += values.len();
            }
        }
        Ok(sum)
    }

    fn bools(&self, name: &str) -> Result<Vec<bool>> {
        self.complete(name, self.typed(name, |c| c.bool())?.iter())
    }

    fn dates(&self, name: &str) -> Result<Vec<i32>> {
        let c = self.typed(name, |c| c.cast(&DataType::Int32))?;
        self.complete(name, c.i32().map_err(|e| self.wrong(name, e))?.iter())
    }

    /// An optional date column: a missing value is no date.
    fn optional_dates(&self, name: &str) -> Result<Vec<Option<i32>>> {
        let c = self.typed(name, |c| c.cast(&DataType::Int32))?;
        Ok(c.i32().map_err(|e| self.wrong(name, e))?.iter().collect())
    }

    /// An optional text column, which a store written before it existed does not have.
    fn optional_strs(&self, name: &str) -> Result<Vec<Option<&str>>> {
        match self.df.column(name) {
            Ok(_) => Ok(self.typed(name, |c| c.str())?.iter().collect()),
            Err(_) => Ok(vec![None; self.height()]),
        }
    }

    fn wrong(&self, name: &str, e: PolarsError) -> Error {
        Error::at(&self.path, None, Some(name), format!("not the type the store writes ({e}): the store is damaged"))
    }
}

/// A stored file of quarter entry `e` as a frame, checked against its sha256.
pub(super) fn frame(store: &Path, e: &QuarterEntry, name: &str) -> Result<DataFrame> {
    Ok(Stored::open(store, e, name)?.df)
}

/// The volume of a stored quarter (§6): from its entry, or counted in its aggregates for
/// a store written before volumes were recorded.
pub(super) fn volume(store: &Path, e: &QuarterEntry) -> Result<crate::volumes::Volume> {
    if let Some(v) = e.volume {
        return Ok(v);
    }
    let df = Stored::open(store, e, "occupation.parquet")?;
    let lines = df.ints("lines")?;
    Ok(crate::volumes::Volume {
        employers: lines.iter().filter(|l| **l > 0).count() as u64,
        lines: lines.iter().map(|l| (*l).max(0) as u64).sum(),
    })
}

/// The union of two sorted lists without repeats.
fn merge_sorted<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                i += 1;
                j += 1;
                *x
            }
            (Some(x), Some(y)) if x < y => {
                i += 1;
                *x
            }
            (Some(x), None) => {
                i += 1;
                *x
            }
            (_, Some(y)) => {
                j += 1;
                *y
            }
            (None, None) => break,
        };
        out.push(next);
    }
    out
}

/// Whether the store can serve a rule set: its seniority bound covers
/// `min_seniority_years` and its lines were checked with the same `max_line_fte`.
pub fn check_rules(store: &Path, m: &Version, rules: &[Rules]) -> Result<()> {
    for r in rules {
        let years = r.levy.min_seniority_years;
        if years > m.seniority_bound {
            return Err(Error::Usage(format!(
                "{}: the store keeps seniority up to {} years; min_seniority_years = {years} ({}) needs \
                 the quarters ingested again with --seniority-bound {years} into a new store",
                store.display(),
                m.seniority_bound,
                r.origin
            )));
        }
        if m.max_line_wages_cents.is_some_and(|w| w != r.shared.max_line_wages_cents) {
            return Err(Error::Usage(format!(
                "{}: the store's lines were checked with max_line_wages {}; the rule set ({}) asks {}: \
                 ingest the quarters again with that rule set (--rules) into a new store",
                store.display(),
                m.max_line_wages_cents.map(crate::parse::format_cents).unwrap_or_default(),
                r.origin,
                crate::parse::format_cents(r.shared.max_line_wages_cents)
            )));
        }
        if r.shared.max_line_fte_micro != m.max_line_fte_micro {
            return Err(Error::Usage(format!(
                "{}: the store's lines were checked with max_line_fte {}; the rule set ({}) asks {}: \
                 ingest the quarters again with that rule set (--rules) into a new store",
                store.display(),
                crate::parse::format_micro(m.max_line_fte_micro),
                r.origin,
                crate::parse::format_micro(r.shared.max_line_fte_micro)
            )));
        }
    }
    Ok(())
}

/// The register of the stored quarters `only` (every stored quarter when `None`), as of
/// version `m`; with `declared`, the employer-quarters it declares too (§8.1: what an
/// incapacity is checked against when a correction brings it alone).
pub(super) fn register(store: &Path, m: &Version, only: Option<&[Quarter]>, declared: bool) -> Result<Register> {
    use rayon::prelude::*;
    let stored: Vec<(Quarter, &String)> = m
        .quarters
        .keys()
        .map(|q| Ok((q.parse::<Quarter>().map_err(|e: String| anyhow::anyhow!(e))?, q)))
        .filter(|r: &Result<(Quarter, &String)>| r.as_ref().map_or(true, |(q, _)| only.is_none_or(|o| o.contains(q))))
        .collect::<Result<_>>()?;
    // One quarter's file (a run's usual read) is decoded on every core; several, one per
    // thread.
    let frames: Vec<(Quarter, Stored)> = match stored[..] {
        [(quarter, q)] => vec![(quarter, Stored::open_parallel(store, &m.quarters[q.as_str()], "register.parquet")?)],
        _ => stored
            .par_iter()
            .map(|(quarter, q)| Ok((*quarter, Stored::open(store, &m.quarters[q.as_str()], "register.parquet")?)))
            .collect::<Result<_>>()?,
    };
    // Each file's text columns, taken on every core.
    const TEXTS: [&str; 4] = ["employer_id", "nace", "employer_category", "joint_committee"];
    let texts: Vec<Vec<Vec<&str>>> = frames
        .iter()
        .map(|(_, df)| TEXTS.par_iter().map(|c| df.strs(c)).collect::<Result<Vec<_>>>())
        .collect::<Result<_>>()?;
    // Each quarter's identifiers come sorted (the store writes them so): merged, not sorted.
    let mut all_ids: Vec<&str> = Vec::new();
    for t in &texts {
        let v = &t[0];
        if !v.windows(2).all(|w| w[0] < w[1]) {
            let mut v = v.clone();
            v.par_sort_unstable();
            v.dedup();
            all_ids = merge_sorted(&all_ids, &v);
        } else if all_ids.is_empty() {
            all_ids = v.clone();
        } else {
            all_ids = merge_sorted(&all_ids, v);
        }
    }
    let ids: Vec<CompactString> = all_ids.par_iter().map(|s| CompactString::from(*s)).collect();
    let mut rows: Vec<RegisterRow> = Vec::new();
    let mut contacts = std::collections::HashMap::new();
    for ((quarter, df), t) in frames.iter().zip(&texts) {
        let (id, nace, cat, jc) = (&t[0], &t[1], &t[2], &t[3]);
        let private = df.bools("private_sector")?;
        // The optional language (a store written before it was kept has none).
        let language = df.optional_strs("language")?;
        // The optional name and address, for the notices (§11).
        let (name, address) = (df.optional_strs("name")?, df.optional_strs("address")?);
        for i in 0..df.height() {
            if name[i].is_some() || address[i].is_some() {
                let contact = crate::input::register::Contact {
                    name: name[i].map(str::to_string),
                    address: address[i].map(str::to_string),
                };
                contacts.insert((id[i].to_string(), quarter.0), contact);
            }
        }
        // The rows' texts copied on every core: a national quarter is 250,000 rows.
        rows.par_extend((0..df.height()).into_par_iter().map(|i| RegisterRow {
            language: language[i].map(CompactString::from),
            quarter: *quarter,
            employer_id: id[i].into(),
            nace: nace[i].into(),
            employer_category: cat[i].into(),
            joint_committee: jc[i].into(),
            private_sector: private[i],
        }));
    }
    drop(texts);
    drop(frames);
    // No index map: positions come from the sorted ids. The declared pairs only when
    // asked: a run reads the checks that need them from the ingest.
    let mut register = Register { rows, ids, index: PlHashMap::new(), declared: Vec::new(), contacts };
    if declared {
        let mut pairs: Vec<(u32, i32)> =
            register.rows.iter().filter_map(|r| Some((register.position(&r.employer_id)?, r.quarter.0))).collect();
        pairs.sort_unstable();
        pairs.dedup();
        register.declared = pairs;
    }
    Ok(register)
}

/// The aggregates by (employer, quarter) from `parts`, one per quarter in quarter order,
/// each sorted by employer: merged employer by employer, a range of employers per task,
/// each task writing its own part of the result (a national run's 1.75 million rows;
/// written by one thread, their first touch of fresh memory was a tenth of the run).
fn merge_by_employer(parts: Vec<Vec<EmployerQuarter>>, employers: usize) -> Vec<EmployerQuarter> {
    use rayon::prelude::*;
    let total: usize = parts.iter().map(Vec::len).sum();
    let tasks = (rayon::current_num_threads() * 8).clamp(1, employers.max(1));
    let bounds: Vec<u32> = (0..=tasks).map(|t| (employers * t / tasks) as u32).collect();
    // Where each task's employers start in each part.
    let cuts: Vec<Vec<usize>> =
        parts.iter().map(|p| bounds.iter().map(|b| p.partition_point(|g| g.employer < *b)).collect()).collect();
    let blank = EmployerQuarter { employer: 0, quarter: Quarter(0), lines: 0, fte3y: 0, headcount: 0, wages: 0 };
    let mut out: Vec<EmployerQuarter> = Vec::with_capacity(total);
    out.par_extend((0..total).into_par_iter().map(|_| blank));
    let mut slices = Vec::with_capacity(tasks);
    let mut rest = &mut out[..];
    for t in 0..tasks {
        let len: usize = cuts.iter().map(|c| c[t + 1] - c[t]).sum();
        let (mine, after) = rest.split_at_mut(len);
        slices.push((t, mine));
        rest = after;
    }
    slices.into_par_iter().for_each(|(t, mine)| {
        let mut at: Vec<usize> = cuts.iter().map(|c| c[t]).collect();
        let mut slots = mine.iter_mut();
        for employer in bounds[t]..bounds[t + 1] {
            for (part, at) in parts.iter().zip(at.iter_mut()) {
                while let Some(g) = part.get(*at).filter(|g| g.employer == employer) {
                    if let Some(slot) = slots.next() {
                        *slot = *g;
                    }
                    *at += 1;
                }
            }
        }
    });
    out
}

/// The dataset of a run from the store, as of `version` (the latest when `None`): a
/// version is never rewritten and nothing it names is removed, so the run reads the store
/// as it was when it started, whatever ingests run meanwhile (§12).
pub fn load(
    store: &Path,
    version: Option<u64>,
    rules: &[Rules],
    line_rules: &Rules,
    quarters: &[Quarter],
    needs: Needs,
    progress: &dyn Fn(&str),
) -> Result<Dataset> {
    let m = read_version(store, version)?.ok_or_else(|| {
        Error::Usage(format!("{}: no store here (no versions/): run responsa ingest first", store.display()))
    })?;
    check_rules(store, &m, rules)?;
    let min_years = line_rules.levy.min_seniority_years as usize;
    for q in quarters {
        m.quarter(store, *q)?;
    }
    progress("reading the stored register");
    use rayon::prelude::*;
    // The register of the assessed quarters. Only their employers are assessed, and only
    // theirs enter the pooled sums (§3.3), so the aggregates of other employers are
    // not read; the checks that need every quarter's register were made at ingest.
    let register = register(store, &m, Some(quarters), false)?;
    let sorted_ids: Vec<&str> = register.ids.iter().map(CompactString::as_str).collect();

    // The aggregates of Q-7..Q of each assessed quarter (denominators, headcounts, wages),
    // one quarter per thread.
    progress("reading the stored aggregates");
    // The levy reads Q-7..Q-4 (denominators), Q-4..Q-1 (headcounts) and Q-1 (wages, their
    // committees); the solidarity contribution Q-4..Q-1 (headcounts).
    let deepest = if needs.invalidity { 7 } else { 4 };
    let needed: Vec<Quarter> = quarters
        .iter()
        .flat_map(|q| (1..=deepest).map(move |k| q.offset(-k)))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let wage_quarters: BTreeSet<Quarter> =
        if needs.invalidity { quarters.iter().map(|q| q.offset(-1)).collect() } else { BTreeSet::new() };
    // Per quarter read: its aggregates, its committee wages and its volume (§6).
    type Part = (Vec<EmployerQuarter>, Vec<CommitteeWages>, (Quarter, crate::volumes::Volume));
    let parts: Vec<Part> = needed
        .par_iter()
        .filter_map(|q| m.quarters.get(&q.to_string()).map(|e| (*q, e)))
        .map(|(q, d)| {
            // Only the columns read: the FTE of min_seniority_years or more as the store
            // summed it at ingest, else the buckets of those years (§3.2).
            let fte: Vec<String> = (min_years..=m.seniority_bound as usize).map(|y| format!("fte_y{y}")).collect();
            let buckets: Vec<&str> = fte.iter().map(String::as_str).collect();
            let summed = super::fte_from(min_years as u32);
            let columns = ["employer_id", "lines", "headcount", "wages_cents"];
            let prefer = Some((summed.as_str(), &buckets[..]));
            let df = Stored::read(store, d, "occupation.parquet", Some(&columns), prefer, ParallelStrategy::None)?;
            let (id, lines, head, wages) =
                (df.strs("employer_id")?, df.ints("lines")?, df.ints("headcount")?, df.ints("wages_cents")?);
            // §3.2: the FTE of lines with at least min_seniority_years.
            let fte3y = match df.df.column(&summed) {
                Ok(_) => df.ints(&summed)?,
                Err(_) => df.sum_ints(&fte)?,
            };
            // §6: the quarter's volume, of every employer with lines (one row each), not
            // only of the assessed quarters' employers read below.
            let volume = crate::volumes::Volume {
                employers: lines.iter().filter(|l| **l > 0).count() as u64,
                lines: lines.iter().map(|l| (*l).max(0) as u64).sum(),
            };
            let employers = positions(&sorted_ids, &id);
            let mut occ = Vec::with_capacity(df.height());
            for i in 0..df.height() {
                let Some(employer) = employers[i] else { continue };
                occ.push(EmployerQuarter {
                    employer,
                    quarter: q,
                    lines: lines[i],
                    fte3y: fte3y[i],
                    headcount: head[i],
                    wages: wages[i],
                });
            }
            // The store writes a quarter's rows sorted by identifier; a part that is not
            // is sorted here, for the merge below.
            if !occ.windows(2).all(|w| w[0].employer <= w[1].employer) {
                occ.sort_by_key(|g| g.employer);
            }
            if !wage_quarters.contains(&q) {
                return Ok((occ, Vec::new(), (q, volume)));
            }
            let df = Stored::open(store, d, "committees.parquet")?;
            let (id, jc, w) = (df.strs("employer_id")?, df.strs("joint_committee")?, df.ints("wages_cents")?);
            let employers = positions(&sorted_ids, &id);
            let com: Vec<CommitteeWages> = (0..df.height())
                .filter_map(|i| {
                    Some(CommitteeWages {
                        employer: employers[i]?,
                        quarter: q,
                        joint_committee: jc[i].to_string(),
                        wages: w[i],
                    })
                })
                .collect();
            Ok((occ, com, (q, volume)))
        })
        .collect::<Result<_>>()?;
    let mut by_committee: Vec<CommitteeWages> = Vec::new();
    let mut volumes = BTreeMap::new();
    let mut occs: Vec<Vec<EmployerQuarter>> = Vec::with_capacity(parts.len());
    for (o, c, (q, v)) in parts {
        occs.push(o);
        by_committee.extend(c);
        volumes.insert(q, v);
    }
    let by_quarter = merge_by_employer(occs, sorted_ids.len());
    by_committee.par_sort_unstable();

    progress("reading the stored rows");
    // One stored quarter per thread, each file decoded on its thread.
    type Rows = (Vec<InvalidityRow>, Vec<IncapacityRow>);
    let read = |(q, e): (&String, &QuarterEntry)| -> Result<Rows> {
        let mut invalidity = Vec::new();
        let mut incapacity = Vec::new();
        let quarter: Quarter = q.parse().map_err(|e: String| anyhow::anyhow!(e))?;
        // Only the rows a computation counts (§3.1), unless every row is listed.
        let counted =
            needs.invalidity_back.is_none_or(|back| quarters.iter().any(|q| (q.offset(-back)..=*q).contains(&quarter)));
        if needs.invalidity && counted {
            let df = Stored::open(store, e, "invalidity.parquet")?;
            let (file, line, w, id) =
                (df.strs("file")?, df.ints("line")?, df.strs("worker_id")?, df.strs("employer_id")?);
            let (pis, inv, birth, sen) = (
                df.dates("primary_incapacity_start")?,
                df.dates("invalidity_start")?,
                df.dates("birth_date")?,
                df.dates("seniority_date")?,
            );
            let res = df.bools("resumption_authorized")?;
            for i in 0..df.height() {
                invalidity.push(InvalidityRow {
                    file: file[i].to_string(),
                    line: line[i],
                    worker_id: w[i].to_string(),
                    employer_id: id[i].to_string(),
                    primary_incapacity_start: pis[i],
                    invalidity_start: inv[i],
                    birth_date: birth[i],
                    seniority_date: sen[i],
                    resumption_authorized: res[i],
                });
            }
        }
        if needs.incapacity && quarters.contains(&quarter) {
            let df = Stored::open(store, e, "incapacity.parquet")?;
            let (file, line, w, id) =
                (df.strs("file")?, df.ints("line")?, df.strs("worker_id")?, df.strs("employer_id")?);
            let (start, end, birth, service, res) = (
                df.dates("incapacity_start")?,
                df.optional_dates("incapacity_end")?,
                df.dates("birth_date")?,
                df.dates("service_start")?,
                df.optional_dates("part_time_resumption")?,
            );
            let (t, dis, benefit) =
                (df.strs("worker_type")?, df.bools("disability_recognised")?, df.ints("daily_benefit_cents")?);
            for i in 0..df.height() {
                incapacity.push(IncapacityRow {
                    file: file[i].into(),
                    line: line[i],
                    worker_id: w[i].to_string(),
                    employer_id: id[i].to_string(),
                    incapacity_start: start[i],
                    incapacity_end: end[i],
                    birth_date: birth[i],
                    service_start: service[i],
                    worker_type: t[i].to_string(),
                    disability_recognised: dis[i],
                    part_time_resumption: res[i],
                    daily_benefit: benefit[i],
                });
            }
        }
        Ok((invalidity, incapacity))
    };
    let parts: Vec<Rows> = m.quarters.par_iter().map(read).collect::<Result<_>>()?;
    let mut invalidity = Vec::with_capacity(parts.iter().map(|p| p.0.len()).sum());
    let mut incapacity = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
    for (inv, inc) in parts {
        invalidity.extend(inv);
        incapacity.extend(inc);
    }
    invalidity.sort_by(|a, b| (a.file.as_str(), a.line).cmp(&(b.file.as_str(), b.line)));
    incapacity.sort_by(|a, b| (a.file.as_ref(), a.line).cmp(&(b.file.as_ref(), b.line)));

    // The rejects and counts of the ingests the quarters' inputs came from: each input
    // from the ingest that brought its file (a correction brings one input alone).
    let mut taken: BTreeMap<&str, BTreeSet<&'static str>> = BTreeMap::new();
    for q in quarters {
        let e = m.quarter(store, *q)?;
        for (file, names) in [
            ("register.parquet", &["employers", "employment"][..]),
            ("invalidity.parquet", &["invalidity"][..]),
            ("incapacity.parquet", &["incapacity"][..]),
        ] {
            let batch = e.files.get(file).map_or(e.batch.as_str(), |f| f.batch.as_str());
            taken.entry(batch).or_default().extend(names.iter().copied());
        }
    }
    let mut rejects: Vec<Reject> = Vec::new();
    let mut inputs: BTreeMap<&'static str, InputCounts> = BTreeMap::new();
    for (b, names) in taken {
        let bd = batch_dir(store, b);
        let path = bd.join("batch.json");
        // A batch the version names is part of the store: its absence is a damaged store
        // (exit 2 naming the file), like a missing quarter file.
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::Structure(format!("{}: cannot read the ingest's record: {e} (the store is damaged)", path.display()))
        })?;
        let batch: Batch =
            serde_json::from_str(&text).map_err(|e| Error::Structure(format!("{}: {e}", path.display())))?;
        let mut files: BTreeSet<String> = BTreeSet::new();
        for (name, c) in batch.inputs {
            let key: &'static str = match name.as_str() {
                "employers" => "employers",
                "employment" => "employment",
                "invalidity" if needs.invalidity => "invalidity",
                "incapacity" if needs.incapacity => "incapacity",
                _ => continue,
            };
            if !names.contains(key) {
                continue;
            }
            files.extend(c.files.iter().cloned());
            let slot = inputs.entry(key).or_default();
            slot.read += c.read;
            slot.used += c.used;
            slot.rejected += c.rejected;
            slot.sha256 = if slot.sha256.is_empty() { c.sha256 } else { format!("{},{}", slot.sha256, c.sha256) };
            slot.files.extend(c.files);
        }
        let path = bd.join("rejects.csv");
        let mut r = csv::Reader::from_path(&path)
            .map_err(|e| Error::at(&path, None, None, format!("cannot read the stored rejects: {e}")))?;
        for rec in r.records() {
            let rec = rec.map_err(|e| Error::at(&path, e.position().map(|p| p.line()), None, e.to_string()))?;
            // Written by ingest with every field: anything else is a damaged store.
            let at = rec.position().map(|p| p.line());
            let damaged = |c: &str| Error::at(&path, at, Some(c), "a missing value in the store: re-ingest this batch");
            let file = rec.get(0).ok_or_else(|| damaged("file"))?;
            // Only the rejects of the inputs taken from this ingest.
            if !files.contains(file) {
                continue;
            }
            // A store written before rejects carried them has no employer_id and quarter.
            rejects.push(
                Reject::new(
                    file,
                    rec.get(1).and_then(|l| l.parse().ok()).ok_or_else(|| damaged("line"))?,
                    rec.get(2).ok_or_else(|| damaged("reason"))?,
                )
                .of_row(rec.get(3), rec.get(4)),
            );
        }
    }
    let occupation = Occupation {
        by_quarter,
        buckets: Vec::new(),
        by_committee,
        rejects: Vec::new(),
        counts: InputCounts::default(),
        starts: Vec::new(),
    };
    Ok(Dataset { register, invalidity, incapacity, occupation, rejects, inputs, volumes, version: Some(m.version) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_are_merged_by_employer_then_quarter() {
        let g = |employer: u32, q: i32| EmployerQuarter {
            employer,
            quarter: Quarter(q),
            lines: 1,
            fte3y: i64::from(employer) * 10 + i64::from(q),
            headcount: 1,
            wages: 0,
        };
        // Three quarters, employers missing from some, one employer in none; 1,000
        // employers so that every task has a range of its own.
        let parts: Vec<Vec<EmployerQuarter>> = (0..3)
            .map(|q| {
                (0..1000u32)
                    .filter(|e| !e.is_multiple_of(7) && !(e + q as u32).is_multiple_of(5))
                    .map(|e| g(e, q))
                    .collect()
            })
            .collect();
        let mut expected: Vec<EmployerQuarter> = parts.concat();
        expected.sort_by_key(|g| (g.employer, g.quarter));
        assert_eq!(merge_by_employer(parts, 1001), expected);
        assert_eq!(merge_by_employer(vec![Vec::new(), Vec::new()], 0), Vec::new());
    }

    /// `df` written as the stored file `name` of a quarter entry in `dir`, unchecked.
    fn stored(dir: &Path, name: &str, mut df: DataFrame) -> QuarterEntry {
        let path = dir.join(name);
        ParquetWriter::new(std::fs::File::create(&path).expect("a file")).finish(&mut df).expect("written");
        let file = super::super::StoredFile {
            path: name.into(),
            sha256: String::new(),
            batch: String::new(),
            content: String::new(),
        };
        QuarterEntry { batch: String::new(), files: [(name.to_string(), file)].into(), volume: None }
    }

    #[test]
    fn a_missing_value_in_a_complete_column_is_a_damaged_store() {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let df = DataFrame::new_infer_height(vec![
            Column::new("worker_id".into(), vec![Some("W1"), None]),
            Column::new("birth_date".into(), vec![Some(1000i32), None]),
            Column::new("incapacity_end".into(), vec![Some(2000i32), None]),
        ])
        .expect("a frame");
        let entry = stored(dir.path(), "invalidity.parquet", df);
        let stored = Stored::open(dir.path(), &entry, "invalidity.parquet").expect("read back");
        let worker = stored.strs("worker_id").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(worker.contains("invalidity.parquet") && worker.contains("'worker_id'"), "{worker}");
        let birth = stored.dates("birth_date").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(birth.contains("'birth_date'") && birth.contains("re-ingest"), "not read as 1970-01-01: {birth}");
        assert_eq!(stored.optional_dates("incapacity_end").ok(), Some(vec![Some(2000), None]), "optional: none");
        assert_eq!(stored.optional_strs("language").ok(), Some(vec![None, None]), "absent optional column");
    }

    #[test]
    fn the_seniority_buckets_are_summed_row_by_row_and_only_the_columns_asked_are_read() {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let df = DataFrame::new_infer_height(vec![
            Column::new("fte_y2".into(), vec![Some(7i64), Some(1)]),
            Column::new("fte_y3".into(), vec![Some(1_000_000i64), Some(2)]),
            Column::new("fte_y4".into(), vec![Some(500_000i64), None]),
            Column::new("fte_y5".into(), vec![Some(i64::MAX), Some(0)]),
        ])
        .expect("a frame");
        let entry = stored(dir.path(), "occupation.parquet", df);
        let columns = ["fte_y3", "fte_y4", "fte_y5"];
        let stored =
            Stored::read(dir.path(), &entry, "occupation.parquet", Some(&columns), None, ParallelStrategy::None)
                .expect("read");
        assert!(stored.df.column("fte_y2").is_err(), "a bucket below the rule's years is not read");
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Row 0: 1 + 0.5 FTE at three years or more; row 1 misses its four-year bucket.
        let missing = stored.sum_ints(&names(&["fte_y3", "fte_y4"])).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(missing.contains("'fte_y4'") && missing.contains("re-ingest"), "not summed as 0: {missing}");
        let overflow = stored.sum_ints(&names(&["fte_y3", "fte_y5"])).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(overflow.contains("'fte_y5'"), "a sum that does not fit is no wrapped number: {overflow}");
        assert_eq!(stored.sum_ints(&names(&["fte_y3"])).ok(), Some(vec![1_000_000, 2]));
        let reopened = Stored::open(dir.path(), &entry, "occupation.parquet").expect("read");
        assert_eq!(reopened.df.width(), 4, "no projection: every column");
    }
}
