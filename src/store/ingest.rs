//! `responsa ingest`: reads the inputs of whole quarters once, checks them (§6), and
//! writes per quarter the aggregates every computation needs (§9).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use polars::prelude::*;

use crate::error::{io, Error, Result};
use crate::input::employment::RowBounds;
use crate::input::rejects::InputCounts;
use crate::input::{self, incapacity, invalidity, register, Table};
use crate::occupation;
use crate::quarter::Quarter;
use crate::report::{rejects_rows, REJECTS_HEADER};

use super::compare::{self, Changes};
use super::{batch_dir, read_version, Batch, QuarterEntry, StoredFile, Version, FORMAT};

/// What an ingest committed.
#[derive(Debug)]
pub struct Ingested {
    /// The version it committed (the latest, unchanged, when nothing was new).
    pub version: u64,
    /// Nothing the extract brings differs from the latest version: no version committed.
    pub nothing_new: bool,
    /// The quarters it wrote, those of them the store held before, and those whose data
    /// differ from the version before (§12: the reports they reach are out of date).
    pub quarters: Vec<Quarter>,
    pub replaced: Vec<Quarter>,
    pub changed: Vec<Quarter>,
    /// §12.1: per quarter and input, the rows added, withdrawn, changed and unchanged.
    pub changes: BTreeMap<String, BTreeMap<String, Changes>>,
    pub rejected: u64,
    pub batch: String,
}

/// How a correction of one input (invalidity or incapacity alone) meets the rows stored
/// for its quarters (§12.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Refuse a correction that would withdraw stored rows, with the counts.
    #[default]
    Ask,
    /// The extract is the whole truth for the quarters it holds: rows it lacks are withdrawn.
    Replace,
    /// Its rows are added, or replace the stored rows with the same key; none is withdrawn.
    Amend,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Ask => "",
            Mode::Replace => "replace",
            Mode::Amend => "amend",
        }
    }
}

/// What an ingest is asked: the store's bounds, the rules its checks read (§6), and how a
/// correction is applied (§12.1).
pub struct Options<'a> {
    pub seniority_bound: u32,
    pub bounds: RowBounds,
    /// Which contributions are in force when (the volumes checked are those a computation
    /// reads), and the tolerances (`max_rejected_share`, `max_quarter_drop`).
    pub set: &'a crate::rules::RuleSet,
    pub rules: crate::rules::Rules,
    pub gates: crate::dataset::Gates,
    pub mode: Mode,
    /// Which identifier of a DmfA declaration is the register's key (§13).
    pub dmfa_employer: crate::dmfa::EmployerKey,
}

impl<'a> Options<'a> {
    /// An ingest under `set`: the data-quality bounds and tolerances the lines are checked
    /// with are the rule set's as it states them today (its latest values), since the
    /// store keeps them for every quarter (§9).
    pub fn new(
        set: &'a crate::rules::RuleSet,
        seniority_bound: u32,
        gates: crate::dataset::Gates,
        mode: Mode,
    ) -> Result<Options<'a>> {
        let rules = set.resolve(Quarter::new(9999, 4).unwrap_or(Quarter(0)), true)?;
        Ok(Options {
            seniority_bound,
            bounds: RowBounds::of(&rules.shared),
            set,
            rules,
            gates,
            mode,
            dmfa_employer: crate::dmfa::EmployerKey::default(),
        })
    }
}

/// The earliest occupation starts of a quarter's DmfA lines (§13), beside its aggregates.
const STARTS: &str = "starts.parquet";

/// The occupation starts the version `v` holds for the quarters this extract does not
/// bring again (§13: "the earliest start among the lines held, the store's and the
/// extract's"), read quarter by quarter when the DmfA reader asks.
fn held_starts(store: &Path, v: &Version, brought: &BTreeSet<Quarter>) -> std::sync::Arc<occupation::Held> {
    let entries: Vec<QuarterEntry> = v
        .quarters
        .iter()
        .filter(|(q, e)| e.files.contains_key(STARTS) && !brought.iter().any(|b| b.to_string() == **q))
        .map(|(_, e)| e.clone())
        .collect();
    let store = store.to_path_buf();
    std::sync::Arc::new(move |each: &mut dyn FnMut(&str, u64, i32)| {
        for e in &entries {
            let df = super::read::frame(&store, e, STARTS)?;
            let ids = df.column("employer_id")?.str()?.clone();
            let inss = df.column("inss")?.u64()?.clone();
            let start = df.column("start")?.i32()?.clone();
            for ((id, w), s) in ids.iter().zip(inss.iter()).zip(start.iter()) {
                if let (Some(id), Some(w), Some(s)) = (id, w, s) {
                    each(id, w, s);
                }
            }
        }
        Ok(())
    })
}

fn has_input(data: &Path, t: Table) -> bool {
    let n = t.name();
    let dmfa = t == Table::Employment && data.join(crate::dmfa::FOLDER).is_dir();
    dmfa || [format!("{n}.csv"), format!("{n}.parquet"), n.to_string()].iter().any(|f| data.join(f).exists())
}

/// Where one quarter's new files go, and what the version before held of it. Files are
/// encoded in memory and written only once the ingest is known to commit (§6, §12.1).
struct Slot<'a> {
    store: &'a Path,
    /// The quarter's new folder, relative to the store.
    dir: String,
    batch: &'a str,
    before: Option<&'a QuarterEntry>,
    files: BTreeMap<String, StoredFile>,
    /// New files to write when the version commits: (path, bytes).
    pending: Vec<(std::path::PathBuf, Vec<u8>)>,
}

impl Slot<'_> {
    /// Encodes a stored file; a file identical to the one the version before names is not
    /// kept twice: the new version names the old one. Returns whether it is identical.
    fn put(&mut self, name: &str, df: &mut DataFrame, content: String) -> Result<bool> {
        use sha2::Digest;
        let rel = format!("{}/{name}", self.dir);
        let path = self.store.join(&rel);
        // Encoded in memory (a stored file is a few megabytes at national scale): a file
        // the same as the one before is never written, and only a new one makes a folder.
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            .finish(df)
            .map_err(|e| Error::Other(anyhow::anyhow!("{}: cannot write: {e}", path.display())))?;
        let sha256 = crate::rules::hex(&sha2::Sha256::digest(&bytes));
        let (stored, same) = match self.before.and_then(|b| b.files.get(name)).filter(|f| f.sha256 == sha256) {
            Some(old) => (StoredFile { batch: self.batch.to_string(), ..old.clone() }, true),
            None => {
                self.pending.push((path, bytes));
                (StoredFile { path: rel, sha256, batch: self.batch.to_string(), content }, false)
            }
        };
        self.files.insert(name.to_string(), stored);
        Ok(same)
    }

    /// The frame of a file the version before holds for the quarter.
    fn old(&self, name: &str) -> Result<Option<DataFrame>> {
        match self.before.filter(|b| b.files.contains_key(name)) {
            Some(b) => Ok(Some(super::read::frame(self.store, b, name)?)),
            None => Ok(None),
        }
    }

    /// Keeps the file the version before names (an input this ingest does not bring).
    fn carry(&mut self, name: &str) -> bool {
        match self.before.and_then(|b| b.files.get(name)) {
            Some(f) => {
                self.files.insert(name.to_string(), f.clone());
                true
            }
            None => false,
        }
    }

    /// Stores the rows of an invalidity or incapacity file (merged with the stored ones
    /// under `--amend`) and returns what changed against the version before (§12.1).
    fn rows(&mut self, name: &str, mut df: DataFrame, keys: &[&str], mode: Mode) -> Result<Changes> {
        let old = self.old(name)?;
        if let (Mode::Amend, Some(old)) = (mode, &old) {
            df = compare::amend(old, &df, keys)?;
        }
        let new = compare::keyed(&df, keys)?;
        let same = self.put(name, &mut df, content(&new))?;
        Ok(match (&old, same) {
            (_, true) => Changes::same(df.height()),
            (Some(old), false) => compare::diff(&compare::keyed(old, keys)?, &new),
            (None, false) => Changes { added: new.len() as u64, ..Changes::default() },
        })
    }
}

/// The sha256 of rows without where they were read from (their key and values, in key
/// order): two ingests of the same rows from different folders hold the same data.
fn content(rows: &BTreeMap<String, String>) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for (k, v) in rows {
        h.update(k.as_bytes());
        h.update(b"\x1f");
        h.update(v.as_bytes());
        h.update(b"\n");
    }
    crate::rules::hex(&h.finalize())
}

fn date_col(name: &str, v: Vec<i32>) -> Result<Column> {
    Ok(Series::new(name.into(), v).cast(&DataType::Date)?.into())
}

fn opt_date_col(name: &str, v: Vec<Option<i32>>) -> Result<Column> {
    Ok(Series::new(name.into(), v).cast(&DataType::Date)?.into())
}

/// Ingests the inputs of `data` into `store` and commits the next version (§9, §12).
///
/// The quarters it writes are those of its rows. For each of them an input the extract
/// brings replaces that input's data; an input it does not bring carries over from the
/// version before: a corrected `invalidity` or `incapacity` file alone corrects only those
/// rows (withdrawing stored rows only under [`Mode::Replace`]). The register and the
/// employment lines come together (the lines are aggregated per register row).
///
/// Nothing is committed from data `assess` would refuse (§6: a file cut short, an input
/// over `max_rejected_share`, a quarter's volume dropping), nor when nothing differs from
/// the latest version (§12.1).
pub fn ingest(
    data: &Path,
    dialect: crate::input::dialect::Dialect,
    store: &Path,
    opts: &Options<'_>,
    progress: &dyn Fn(&str),
) -> Result<Ingested> {
    let (seniority_bound, bounds) = (opts.seniority_bound, opts.bounds);
    if seniority_bound > occupation::MAX_BOUND {
        return Err(Error::Usage(format!("--seniority-bound {seniority_bound}: at most {}", occupation::MAX_BOUND)));
    }
    std::fs::create_dir_all(store)
        .map_err(|e| Error::Usage(format!("{}: cannot create the store (--store): {e}", store.display())))?;
    // Two ingests never write one store at once (§9): the second stops at once, naming
    // the first. The lock is the system's: it goes with the process that holds it, so a
    // killed ingest leaves nothing to clean and the next one takes over.
    let _lock = super::lock::StoreLock::take(store)?;
    let old = read_version(store, None)?;
    if let Some(m) = &old {
        // A store written before versions: its index becomes version 1, kept as it was.
        if super::numbers(store)?.is_empty() {
            super::commit(store, m)?;
        }
        let same_wages = m.max_line_wages_cents.is_none_or(|w| w == bounds.wages_cents);
        if m.seniority_bound != seniority_bound || m.max_line_fte_micro != bounds.fte_micro || !same_wages {
            return Err(Error::Usage(format!(
                "{}: the store keeps {} years of seniority with max_line_fte {} and max_line_wages {}; this ingest \
                 asks {} with {} and {}: ingest every quarter into a new store",
                store.display(),
                m.seniority_bound,
                crate::parse::format_micro(m.max_line_fte_micro),
                m.max_line_wages_cents.map(crate::parse::format_cents).unwrap_or_else(|| "none".into()),
                seniority_bound,
                crate::parse::format_micro(bounds.fte_micro),
                crate::parse::format_cents(bounds.wages_cents)
            )));
        }
    }
    input::not_a_store(data)?;
    // A Belgian spreadsheet export is read as it is (§11): every message names its files.
    read_and_commit(data, dialect, store, old, opts, progress)
}

/// [`ingest`] once the store is locked and the extract located, its CSV files written in
/// `dialect`. The stages, in order: read,
/// check, compare, then the version is decided (nothing new, volumes), written and
/// committed.
fn read_and_commit(
    original: &Path,
    dialect: crate::input::dialect::Dialect,
    store: &Path,
    old: Option<Version>,
    opts: &Options<'_>,
    progress: &dyn Fn(&str),
) -> Result<Ingested> {
    let x = read(original, dialect, store, old.as_ref(), opts, progress)?;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let id = format!("{}-{}", std::process::id(), nanos);
    check(&x, store, &id, opts)?;
    let compared = compare(&x, store, old.as_ref(), &id, opts, progress)?;
    check_withdrawals(&x, &compared, original, opts.mode)?;
    let Compared { entries, changes, pending } = compared;
    let all_quarters = x.quarters_written();
    let (with_register, mode, rejects, inputs) = (x.with_register, opts.mode, &x.rejects, &x.inputs);
    let ingested = x.lines_brought();
    let (seniority_bound, bounds) = (opts.seniority_bound, opts.bounds);
    // Commit: the next version names every quarter, the written ones replaced.
    let mut quarters_now = old.as_ref().map(|m| m.quarters.clone()).unwrap_or_default();
    let mut replaced = Vec::new();
    let mut changed = Vec::new();
    for (q, e) in entries {
        let quarter: Quarter = q.parse().map_err(|m: String| anyhow::anyhow!(m))?;
        let moved = changes.get(&q).is_some_and(|by| by.values().any(Changes::any));
        match quarters_now.get(&q) {
            Some(_) => {
                replaced.push(quarter);
                if moved {
                    changed.push(quarter);
                }
            }
            None => changed.push(quarter),
        }
        quarters_now.insert(q, e);
    }
    let done = |version: u64, batch: String| Ingested {
        version,
        nothing_new: batch.is_empty(),
        quarters: all_quarters.iter().copied().collect(),
        replaced: replaced.clone(),
        changed: changed.clone(),
        changes: changes.clone(),
        rejected: rejects.len() as u64,
        batch,
    };
    if let Some(m) = old.as_ref().filter(|_| changed.is_empty()) {
        // §12.1: what the latest version holds already is not committed again.
        return Ok(done(m.version, String::new()));
    }
    // §6: volumes hold in every stored quarter whose computation reads the lines brought.
    if with_register && !opts.gates.allow_incomplete_data {
        if let Err(e) = check_volumes(store, opts, &quarters_now, &ingested) {
            return refuse(store, &id, rejects, not_committed(e, store));
        }
    }

    write(store, &id, original, &all_quarters, inputs, rejects, &pending, progress)?;
    let committed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| crate::quarter::format_timestamp(d.as_secs() as i64))
        .unwrap_or_default();
    let version = Version {
        format: FORMAT,
        version: old.as_ref().map_or(1, |m| m.version + 1),
        committed,
        batch: id.clone(),
        data: original.display().to_string(),
        seniority_bound,
        max_line_fte_micro: bounds.fte_micro,
        max_line_wages_cents: Some(bounds.wages_cents),
        touched: all_quarters.iter().map(|q| q.to_string()).collect(),
        changed: changed.iter().map(|q| q.to_string()).collect(),
        sources: inputs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        changes: changes.clone(),
        mode: if with_register { String::new() } else { mode.name().to_string() },
        quarters: quarters_now,
    };
    if let Some(ms) = std::env::var("RESPONSA_PAUSE_BEFORE_PUBLISH_MS").ok().and_then(|v| v.parse().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    super::commit(store, &version)?;
    clean(store)?;
    Ok(done(version.version, id))
}

/// What an extract brings, read and checked row by row (§6): the first stage of an ingest.
struct Extract {
    with_register: bool,
    with_invalidity: bool,
    with_incapacity: bool,
    /// The register brought, or the stored one a correction is checked against.
    reg: register::Register,
    /// The quarters of the register brought.
    quarters: BTreeSet<Quarter>,
    inputs: BTreeMap<&'static str, InputCounts>,
    inv_rows: Vec<invalidity::InvalidityRow>,
    inc_rows: Vec<incapacity::IncapacityRow>,
    occ: occupation::Occupation,
    /// Sorted.
    rejects: Vec<crate::input::rejects::Reject>,
}

impl Extract {
    /// The quarters it writes: those of the register rows brought, and of the invalidity
    /// and incapacity rows (a quarter of invalidity rows alone keeps its stored register).
    fn quarters_written(&self) -> BTreeSet<Quarter> {
        let mut all: BTreeSet<Quarter> = if self.with_register { self.quarters.clone() } else { BTreeSet::new() };
        all.extend(self.inv_rows.iter().map(|r| Quarter::of_day(r.invalidity_start)));
        all.extend(self.inc_rows.iter().map(|r| r.quarter()));
        all
    }
    /// The quarters of employment lines brought.
    fn lines_brought(&self) -> Vec<Quarter> {
        if self.with_register {
            self.quarters.iter().copied().collect()
        } else {
            Vec::new()
        }
    }
}

/// Stage 1, read: the extract's inputs, each row checked (§6); a correction alone is
/// checked against the stored register.
fn read(
    original: &Path,
    dialect: crate::input::dialect::Dialect,
    store: &Path,
    old: Option<&Version>,
    opts: &Options<'_>,
    progress: &dyn Fn(&str),
) -> Result<Extract> {
    let (seniority_bound, bounds, mode) = (opts.seniority_bound, opts.bounds, opts.mode);
    let data = original;
    let open = |t: Table| input::open_in(data, t, dialect);
    let (with_register, with_lines) = (has_input(data, Table::Employers), has_input(data, Table::Employment));
    let (with_invalidity, with_incapacity) = (has_input(data, Table::Invalidity), has_input(data, Table::Incapacity));
    if with_register != with_lines {
        let (has, lacks) = if with_register { ("employers", "employment") } else { ("employment", "employers") };
        return Err(Error::Usage(format!(
            "{}: holds {has} but no {lacks}: the register and the employment lines of a quarter come together \
             (the lines are counted per register row); a correction of invalidity or incapacity alone brings \
             only that file",
            original.display()
        )));
    }
    if !with_register && !with_invalidity && !with_incapacity {
        return Err(Error::Usage(format!(
            "{}: no input here (employers, employment, invalidity or incapacity, as .csv, .parquet or a folder)",
            original.display()
        )));
    }
    if with_register && mode != Mode::Ask {
        return Err(Error::Usage(format!(
            "{}: --{} applies to a correction of invalidity or incapacity alone; a register with its employment \
             lines replaces its quarters whole",
            original.display(),
            mode.name()
        )));
    }
    let (reg, mut rejects, reg_counts, employment) = if with_register {
        let employers = open(Table::Employers)?;
        progress("reading the employer register");
        let (reg, rejects, counts) = register::load(&employers, None)?;
        let counts = InputCounts { sha256: employers.sha256()?, ..counts };
        (reg, rejects, Some(counts), Some(open(Table::Employment)?))
    } else {
        // A correction alone is checked against the stored register.
        let m = old.ok_or_else(|| {
            Error::Usage(format!(
                "{}: a correction of invalidity or incapacity alone needs a store holding its quarters; {} holds \
                 none: ingest the quarters' employers and employment first",
                original.display(),
                store.display()
            ))
        })?;
        progress("reading the stored register");
        (super::read::register(store, m, None, true)?, Vec::new(), None, None)
    };
    let quarters: BTreeSet<Quarter> = reg.rows.iter().map(|r| r.quarter).collect();
    let mut inputs: BTreeMap<&'static str, InputCounts> = BTreeMap::new();
    let (mut inv_rows, mut inc_rows) = (Vec::new(), Vec::new());
    if with_invalidity {
        let src = open(Table::Invalidity)?;
        progress("reading invalidity entries");
        let (rows, rj, c) = invalidity::load(&src, &reg)?;
        inv_rows = rows;
        rejects.extend(rj);
        inputs.insert("invalidity", InputCounts { sha256: src.sha256()?, ..c });
    }
    if with_incapacity {
        let src = open(Table::Incapacity)?;
        progress("reading incapacities");
        let all: Vec<Quarter> = quarters.iter().copied().collect();
        let (rows, rj, c) = incapacity::load(&src, &reg, &all, bounds.daily_benefit_cents)?;
        inc_rows = rows;
        rejects.extend(rj);
        inputs.insert("incapacity", InputCounts { sha256: src.sha256()?, ..c });
    }
    let ingested: Vec<Quarter> = if with_register { quarters.iter().copied().collect() } else { Vec::new() };
    let occ = match &employment {
        Some(employment) => {
            progress("aggregating employment lines");
            let held = old.map(|v| held_starts(store, v, &quarters));
            let reading = occupation::Reading { rules: opts.rules.dmfa.clone(), employer: opts.dmfa_employer, held };
            let occ = occupation::aggregate_for_store(employment, &reg, seniority_bound, bounds, &ingested, &reading)?;
            rejects.extend(occ.rejects.iter().cloned());
            let mut lines = occ.counts.clone();
            if lines.sha256.is_empty() {
                lines.sha256 = employment.sha256()?;
            }
            inputs.insert("employment", lines);
            occ
        }
        None => occupation::Occupation {
            by_quarter: Vec::new(),
            buckets: Vec::new(),
            by_committee: Vec::new(),
            rejects: Vec::new(),
            counts: InputCounts::default(),
            starts: Vec::new(),
        },
    };
    if let Some(c) = reg_counts {
        inputs.insert("employers", c);
    }
    rejects.sort();
    crate::input::rejects::count_reasons(&mut inputs, &rejects);
    rejects.sort();
    crate::input::rejects::count_reasons(&mut inputs, &rejects);
    Ok(Extract {
        with_register,
        with_invalidity,
        with_incapacity,
        reg,
        quarters,
        inputs,
        inv_rows,
        inc_rows,
        occ,
        rejects,
    })
}

/// Stage 2, check: an input over `max_rejected_share`, or any rejected row under
/// `--strict`, is not committed (§6); the rejects go where the message says.
fn check(x: &Extract, store: &Path, id: &str, opts: &Options<'_>) -> Result<()> {
    let refused_rejects = store.join("refused").join(id).join("rejects.csv");
    let share = opts.gates.max_rejected_share.unwrap_or(opts.rules.shared.max_rejected_share);
    if let Err(e) = crate::input::rejects::gate(&x.inputs, share, &x.reg.ids, &refused_rejects) {
        return refuse(store, id, &x.rejects, not_committed(e, store));
    }
    if opts.gates.strict && !x.rejects.is_empty() {
        let rejected = x.rejects.len() as u64;
        return refuse(
            store,
            id,
            &x.rejects,
            Error::Strict { rejected, rejects: refused_rejects.display().to_string() },
        );
    }
    Ok(())
}

/// A refusal of §6: the rejects written to `STORE/refused/ID/rejects.csv`, which its
/// message names; nothing of the store changes.
fn refuse<T>(store: &Path, id: &str, rejects: &[crate::input::rejects::Reject], e: Error) -> Result<T> {
    let dir = store.join("refused").join(id);
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, "create", e))?;
    write_rejects(&dir.join("rejects.csv"), rejects)?;
    Err(e)
}

/// What the extract's quarters become, against the version before (§12.1).
struct Compared {
    /// Every quarter written: its files (new ones pending), its volume.
    entries: BTreeMap<String, QuarterEntry>,
    /// Per quarter and input, the rows added, withdrawn, changed and unchanged.
    changes: BTreeMap<String, BTreeMap<String, Changes>>,
    /// The new files to write when the version commits: (path, bytes).
    pending: Vec<(std::path::PathBuf, Vec<u8>)>,
}

/// Stage 3, compare: each quarter's files encoded, compared with the version before;
/// nothing is written yet.
fn compare(
    x: &Extract,
    store: &Path,
    old: Option<&Version>,
    id: &str,
    opts: &Options<'_>,
    progress: &dyn Fn(&str),
) -> Result<Compared> {
    let (seniority_bound, mode) = (opts.seniority_bound, opts.mode);
    let Extract { with_register, with_invalidity, with_incapacity, reg, quarters, inv_rows, inc_rows, occ, .. } = x;
    let (with_register, with_invalidity, with_incapacity) = (*with_register, *with_invalidity, *with_incapacity);
    let all_quarters = x.quarters_written();
    // Each quarter's new files, encoded; compared with the version before (§12.1).
    let bound = seniority_bound as usize;
    let mut entries = BTreeMap::new();
    let mut changes: BTreeMap<String, BTreeMap<String, Changes>> = BTreeMap::new();
    let mut pending = Vec::new();
    let volumes = crate::dataset::volumes(&occ.by_quarter);
    // Every table split by quarter once, rather than filtered again for each quarter.
    let reg_by = by_quarter(&reg.rows, |r| r.quarter);
    let occ_by = by_quarter(&occ.by_quarter, |g| g.quarter);
    let com_by = by_quarter(&occ.by_committee, |c| c.quarter);
    let inv_by = by_quarter(inv_rows, |r| Quarter::of_day(r.invalidity_start));
    let inc_by = by_quarter(inc_rows, |r| r.quarter());
    for &q in &all_quarters {
        progress(&format!("comparing {q}"));
        let rel = format!("quarters/{q}-{id}");
        let before = old.and_then(|m| m.quarters.get(&q.to_string()));
        let mut slot = Slot { store, dir: rel, batch: id, before, files: BTreeMap::new(), pending: Vec::new() };
        let mut said: BTreeMap<String, Changes> = BTreeMap::new();
        // The register and its aggregates: this extract's, when it holds the quarter's
        // register; else the stored ones carry over, never an empty register in their place.
        let brought = with_register && quarters.contains(&q);
        let carried =
            !brought && ["register.parquet", "occupation.parquet", "committees.parquet"].iter().all(|f| slot.carry(f));
        if carried {
            // The occupation starts of DmfA lines go with the lines they were read from.
            slot.carry(STARTS);
        }
        if !carried {
            // Sorted by employer_id, as every stored table: readers merge instead of searching.
            let mut rows: Vec<&register::RegisterRow> = if brought {
                reg_by.get(&q).into_iter().flatten().map(|&i| &reg.rows[i]).collect()
            } else {
                Vec::new()
            };
            rows.sort_by(|a, b| a.employer_id.cmp(&b.employer_id));
            let mut df = df!(
                "employer_id" => rows.iter().map(|r| r.employer_id.as_str()).collect::<Vec<_>>(),
                "nace" => rows.iter().map(|r| r.nace.as_str()).collect::<Vec<_>>(),
                "employer_category" => rows.iter().map(|r| r.employer_category.as_str()).collect::<Vec<_>>(),
                "joint_committee" => rows.iter().map(|r| r.joint_committee.as_str()).collect::<Vec<_>>(),
                "private_sector" => rows.iter().map(|r| r.private_sector).collect::<Vec<_>>(),
                "language" => rows.iter().map(|r| r.language.as_deref()).collect::<Vec<Option<&str>>>(),
            )?;
            // The notices' name and address, when the register carries them (§11).
            if !reg.contacts.is_empty() {
                let contact = |r: &register::RegisterRow| reg.contacts.get(&(r.employer_id.to_string(), r.quarter.0));
                let name: Vec<Option<String>> = rows.iter().map(|r| contact(r).and_then(|c| c.name.clone())).collect();
                let address: Vec<Option<String>> =
                    rows.iter().map(|r| contact(r).and_then(|c| c.address.clone())).collect();
                df.with_column(Column::new("name".into(), name))?;
                df.with_column(Column::new("address".into(), address))?;
            }
            let same = slot.put("register.parquet", &mut df, String::new())?;
            // The stored file is read back only when the new one differs from it.
            let old = if same { None } else { slot.old("register.parquet")? };
            let employers = match (same, old) {
                (true, _) => Changes::same(df.height()),
                (false, Some(old)) => compare::diff(
                    &compare::keyed(&old, compare::REGISTER_KEY)?,
                    &compare::keyed(&df, compare::REGISTER_KEY)?,
                ),
                (false, None) => Changes { added: df.height() as u64, ..Changes::default() },
            };
            said.insert("employers".into(), employers);

            let idx: &[usize] = occ_by.get(&q).map_or(&[], Vec::as_slice);
            let name = |i: usize| reg.ids[occ.by_quarter[i].employer as usize].as_str();
            let mut cols = vec![
                Column::new("employer_id".into(), idx.iter().map(|&i| name(i)).collect::<Vec<_>>()),
                Column::new("lines".into(), idx.iter().map(|&i| occ.by_quarter[i].lines).collect::<Vec<_>>()),
                Column::new("headcount".into(), idx.iter().map(|&i| occ.by_quarter[i].headcount).collect::<Vec<_>>()),
                Column::new("wages_cents".into(), idx.iter().map(|&i| occ.by_quarter[i].wages).collect::<Vec<_>>()),
            ];
            for y in 0..=bound {
                cols.push(Column::new(
                    format!("fte_y{y}").into(),
                    idx.iter().map(|&i| occ.buckets[i][y]).collect::<Vec<_>>(),
                ));
            }
            // §3.2: fte3y under the rule set's min_seniority_years, summed once here
            // rather than at every run.
            let from = opts.rules.levy.min_seniority_years as usize;
            if from <= bound {
                let sum = |i: usize| occ.buckets[i][from..=bound].iter().try_fold(0i64, |s, v| s.checked_add(*v));
                let summed: Option<Vec<i64>> = idx.iter().map(|&i| sum(i)).collect();
                let summed = summed.ok_or_else(|| {
                    Error::Other(anyhow::anyhow!("{q}: an employer's FTE does not fit the store's numbers"))
                })?;
                cols.push(Column::new(super::fte_from(from as u32).into(), summed));
            }
            let mut occ_df = DataFrame::new_infer_height(cols)?;
            let same_occ = slot.put("occupation.parquet", &mut occ_df, String::new())?;

            let com: Vec<&occupation::CommitteeWages> =
                com_by.get(&q).into_iter().flatten().map(|&i| &occ.by_committee[i]).collect();
            let mut com_df = df!(
                "employer_id" => com.iter().map(|c| reg.ids[c.employer as usize].as_str()).collect::<Vec<_>>(),
                "joint_committee" => com.iter().map(|c| c.joint_committee.as_str()).collect::<Vec<_>>(),
                "wages_cents" => com.iter().map(|c| c.wages).collect::<Vec<_>>(),
            )?;
            let same_com = slot.put("committees.parquet", &mut com_df, String::new())?;
            // §13: the earliest occupation starts of DmfA lines, for a later extract's.
            let starts_of: Vec<&occupation::OccupationStart> = occ.starts.iter().filter(|s| s.1 == q.0).collect();
            if !starts_of.is_empty() {
                let mut st_df = df!(
                    "employer_id" => starts_of.iter().map(|s| reg.ids[s.0 as usize].as_str()).collect::<Vec<_>>(),
                    "inss" => starts_of.iter().map(|s| s.2).collect::<Vec<_>>(),
                    "start" => starts_of.iter().map(|s| s.3).collect::<Vec<_>>(),
                )?;
                slot.put(STARTS, &mut st_df, String::new())?;
            }
            let lines = if same_occ && same_com {
                Changes::same(occ_df.height())
            } else {
                match (slot.old("occupation.parquet")?, slot.old("committees.parquet")?) {
                    (Some(o), Some(c)) => {
                        compare::diff(&compare::employment(&o, &c)?, &compare::employment(&occ_df, &com_df)?)
                    }
                    _ => Changes { added: occ_df.height() as u64, ..Changes::default() },
                }
            };
            said.insert("employment".into(), lines);
        }

        if with_invalidity || !slot.carry("invalidity.parquet") {
            let inv: Vec<&invalidity::InvalidityRow> =
                inv_by.get(&q).into_iter().flatten().map(|&i| &inv_rows[i]).collect();
            let df = DataFrame::new_infer_height(vec![
                Column::new("file".into(), inv.iter().map(|r| r.file.as_str()).collect::<Vec<_>>()),
                Column::new("line".into(), inv.iter().map(|r| r.line).collect::<Vec<_>>()),
                Column::new("worker_id".into(), inv.iter().map(|r| r.worker_id.as_str()).collect::<Vec<_>>()),
                Column::new("employer_id".into(), inv.iter().map(|r| r.employer_id.as_str()).collect::<Vec<_>>()),
                date_col("primary_incapacity_start", inv.iter().map(|r| r.primary_incapacity_start).collect())?,
                date_col("invalidity_start", inv.iter().map(|r| r.invalidity_start).collect())?,
                date_col("birth_date", inv.iter().map(|r| r.birth_date).collect())?,
                date_col("seniority_date", inv.iter().map(|r| r.seniority_date).collect())?,
                Column::new(
                    "resumption_authorized".into(),
                    inv.iter().map(|r| r.resumption_authorized).collect::<Vec<_>>(),
                ),
            ])?;
            let c = slot.rows("invalidity.parquet", df, compare::INVALIDITY_KEY, mode)?;
            if with_invalidity {
                said.insert("invalidity".into(), c);
            }
        }

        if with_incapacity || !slot.carry("incapacity.parquet") {
            let inc: Vec<&incapacity::IncapacityRow> =
                inc_by.get(&q).into_iter().flatten().map(|&i| &inc_rows[i]).collect();
            let df = DataFrame::new_infer_height(vec![
                Column::new("file".into(), inc.iter().map(|r| r.file.as_ref()).collect::<Vec<&str>>()),
                Column::new("line".into(), inc.iter().map(|r| r.line).collect::<Vec<_>>()),
                Column::new("worker_id".into(), inc.iter().map(|r| r.worker_id.as_str()).collect::<Vec<_>>()),
                Column::new("employer_id".into(), inc.iter().map(|r| r.employer_id.as_str()).collect::<Vec<_>>()),
                date_col("incapacity_start", inc.iter().map(|r| r.incapacity_start).collect())?,
                opt_date_col("incapacity_end", inc.iter().map(|r| r.incapacity_end).collect())?,
                date_col("birth_date", inc.iter().map(|r| r.birth_date).collect())?,
                date_col("service_start", inc.iter().map(|r| r.service_start).collect())?,
                Column::new("worker_type".into(), inc.iter().map(|r| r.worker_type.as_str()).collect::<Vec<_>>()),
                Column::new(
                    "disability_recognised".into(),
                    inc.iter().map(|r| r.disability_recognised).collect::<Vec<_>>(),
                ),
                opt_date_col("part_time_resumption", inc.iter().map(|r| r.part_time_resumption).collect())?,
                Column::new("daily_benefit_cents".into(), inc.iter().map(|r| r.daily_benefit).collect::<Vec<_>>()),
            ])?;
            let c = slot.rows("incapacity.parquet", df, compare::INCAPACITY_KEY, mode)?;
            if with_incapacity {
                said.insert("incapacity".into(), c);
            }
        }
        let volume =
            if brought { Some(volumes.get(&q).copied().unwrap_or_default()) } else { before.and_then(|b| b.volume) };
        pending.extend(slot.pending);
        entries.insert(q.to_string(), QuarterEntry { batch: id.to_string(), files: slot.files, volume });
        changes.insert(q.to_string(), said);
    }

    Ok(Compared { entries, changes, pending })
}

/// §12.1: a correction of one input that would withdraw stored rows needs a word.
fn check_withdrawals(x: &Extract, c: &Compared, original: &Path, mode: Mode) -> Result<()> {
    if x.with_register || mode != Mode::Ask {
        return Ok(());
    }
    let withdrawing: Vec<String> = c
        .changes
        .iter()
        .flat_map(|(q, by)| {
            by.iter().filter(|(_, c)| c.withdrawn > 0).map(move |(input, c)| format!("{q} {input}: {c}"))
        })
        .collect();
    if withdrawing.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{}: this correction brings {} alone and would withdraw stored rows ({}); nothing was committed. \
         Say what is meant: --amend adds its rows or replaces those with the same key and withdraws nothing; \
         --replace takes it as the whole truth for the quarters it holds",
        original.display(),
        x.inputs.keys().copied().collect::<Vec<_>>().join(" and "),
        withdrawing.join("; ")
    )))
}

/// Stage 4, write: the new quarters' files and the ingest's batch (its sources, counts
/// and rejects); no version names them yet.
#[allow(clippy::too_many_arguments)]
fn write(
    store: &Path,
    id: &str,
    original: &Path,
    quarters: &BTreeSet<Quarter>,
    inputs: &BTreeMap<&'static str, InputCounts>,
    rejects: &[crate::input::rejects::Reject],
    pending: &[(std::path::PathBuf, Vec<u8>)],
    progress: &dyn Fn(&str),
) -> Result<()> {
    progress("writing the new quarters");
    for (path, bytes) in pending {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, "create", e))?;
        }
        std::fs::write(path, bytes).map_err(|e| io(path, "write", e))?;
    }
    // The batch: its sources, counts and rejects.
    let bdir = batch_dir(store, id);
    std::fs::create_dir_all(&bdir).map_err(|e| io(&bdir, "create", e))?;
    let batch = Batch {
        data: original.display().to_string(),
        quarters: quarters.iter().map(|q| q.to_string()).collect(),
        inputs: inputs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
    };
    let bpath = bdir.join("batch.json");
    std::fs::write(&bpath, serde_json::to_string_pretty(&batch).map_err(anyhow::Error::from)? + "\n")
        .map_err(|e| io(&bpath, "write", e))?;
    write_rejects(&bdir.join("rejects.csv"), rejects)?;
    Ok(())
}

/// A refusal of §6 at ingest says that nothing was committed.
fn not_committed(e: Error, store: &Path) -> Error {
    let tail = format!("; nothing was committed to {}", store.display());
    match e {
        Error::Rejected(m) => Error::Rejected(m + &tail),
        Error::Volume(m) => Error::Volume(m + &tail),
        other => other,
    }
}

fn write_rejects(path: &Path, rejects: &[crate::input::rejects::Reject]) -> Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
    w.write_record(REJECTS_HEADER.iter().map(|c| c.name)).map_err(anyhow::Error::from)?;
    for r in rejects_rows(rejects) {
        w.write_record(&r).map_err(anyhow::Error::from)?;
    }
    w.flush().map_err(|e| io(path, "write", e))
}

/// §6 at ingest: for every stored quarter whose computation reads a quarter of lines
/// brought (the levy of P..P+7, the solidarity contribution of P..P+4, where in force),
/// and whose quarters read are all held, the volumes of those quarters hold, as `assess`
/// checks them.
fn check_volumes(
    store: &Path,
    opts: &Options<'_>,
    quarters: &BTreeMap<String, QuarterEntry>,
    brought: &[Quarter],
) -> Result<()> {
    let stored: Vec<Quarter> = quarters.keys().filter_map(|q| q.parse().ok()).collect();
    let mut volumes: BTreeMap<Quarter, crate::volumes::Volume> = BTreeMap::new();
    for q in &stored {
        let Ok(rules) = opts.set.resolve(*q, false) else { continue };
        for c in crate::contribution::ALL.into_iter().filter(|c| c.in_force(&rules)) {
            let read = c.employment_quarters(*q);
            if !c.reads(*q).iter().any(|p| brought.contains(p))
                || !read.iter().all(|p| quarters.contains_key(&p.to_string()))
            {
                continue;
            }
            let mut held = Vec::with_capacity(read.len());
            for p in read {
                let v = match volumes.get(&p) {
                    Some(v) => *v,
                    None => {
                        let v = super::read::volume(store, &quarters[&p.to_string()])?;
                        volumes.insert(p, v);
                        v
                    }
                };
                held.push((p, v));
            }
            // A quarter read without any line is incomplete data, which `assess` refuses
            // when it is asked for that quarter; the store may receive it later.
            if held.iter().any(|(_, v)| v.employers == 0) {
                continue;
            }
            if let Some(d) = crate::volumes::first_drop(&held, opts.rules.shared.max_quarter_drop) {
                return Err(Error::Volume(format!(
                    "{q} ({}): the quarters it reads would not hold (max_quarter_drop {} %): {d} \
                     --allow-incomplete-data ingests it anyway",
                    c.short_name(),
                    opts.rules.shared.max_quarter_drop
                )));
            }
        }
    }
    Ok(())
}

/// The positions of the items of each quarter, in order.
fn by_quarter<T>(items: &[T], quarter: impl Fn(&T) -> Quarter) -> BTreeMap<Quarter, Vec<usize>> {
    let mut out: BTreeMap<Quarter, Vec<usize>> = BTreeMap::new();
    for (i, x) in items.iter().enumerate() {
        out.entry(quarter(x)).or_default().push(i);
    }
    out
}

/// Removes what no version names: what killed ingests left (their folders, batches and
/// half-written version files). Nothing a version names is ever removed.
fn clean(store: &Path) -> Result<()> {
    let versions = super::all_versions(store)?;
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    let mut batches: BTreeSet<&str> = BTreeSet::new();
    for v in &versions {
        batches.insert(v.batch.as_str());
        for e in v.quarters.values() {
            batches.insert(e.batch.as_str());
            for f in e.files.values() {
                batches.insert(f.batch.as_str());
                if let Some(parent) = Path::new(&f.path).parent() {
                    dirs.insert(parent.to_string_lossy().to_string());
                }
            }
        }
    }
    if let Ok(rd) = std::fs::read_dir(store.join("quarters")) {
        for e in rd.flatten() {
            let rel = format!("quarters/{}", e.file_name().to_string_lossy());
            if !dirs.contains(&rel) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    if let Ok(rd) = std::fs::read_dir(store.join("batches")) {
        for e in rd.flatten() {
            if !batches.contains(e.file_name().to_string_lossy().as_ref()) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    if let Ok(rd) = std::fs::read_dir(store.join(super::VERSIONS)) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().ends_with(".tmp") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(())
}
