//! Employment lines (§2.2) aggregated per employer and quarter:
//! - `fte3y(e, p)`: FTE of the lines of e in p whose seniority on the last day of p is at
//!   least `min_seniority_years` completed years (§3.2, the 3-year rule for the
//!   denominator), in integer millionths of an FTE;
//! - `headcount(e, p)`: distinct workers in service at the end of p (§3.4);
//! - `wages(e, p)`: wages in integer cents (§3.6);
//! - the wages of the lines that carry their own joint committee (§3.8).
//!
//! This is the national-scale part of the run (§7), so it is written for speed:
//! CSV files are split into records by [`crate::input::csvblocks`] on every core; Parquet files
//! are decoded piece by piece by Polars' eager reader, on every core, into the same
//! aggregation. Lines come in runs of one employer and quarter; a run is summed in place
//! and its distinct workers counted by sorting hashes of their ids (ids with equal hashes
//! are compared in full, so the count is exact). A group split over several
//! runs (a block boundary, an unsorted file) is merged exactly: the first and last run of
//! each block keep their worker ids, and a group split anywhere else has its ids
//! collected by a second pass over the file. Row faults (§6) are found on the way,
//! each by the one definition of a usable line, [`crate::input::employment::check`].
//!
//! This module states the aggregation (the runs, the merge of split groups, the line rule
//! for fte3y and headcount); `csv.rs` and `parquet.rs` read the two formats into it.
//!
//! The result is a pair of typed tables sorted by employer and quarter: no frame and no
//! null reaches the computations that read them.

mod csv;
mod dmfa;
mod parquet;

pub use dmfa::{lines as dmfa_lines, Held, Made as DmfaLine, Reading};

use polars::prelude::{InitHashMaps, PlHashMap, PlHashSet};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::input::employment::{self, Fields, RowBounds};
use crate::input::register::Register;
use crate::input::rejects::{InputCounts, Reject};
use crate::input::{Format, InputFile, Source};
use crate::quarter::Quarter;

/// The aggregates of one employer in one quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmployerQuarter {
    /// The employer's register index.
    pub employer: u32,
    pub quarter: Quarter,
    /// Employment lines used.
    pub lines: i64,
    /// `fte3y(e, p)` in FTE millionths (§3.2).
    pub fte3y: i64,
    /// `headcount(e, p)`, distinct workers in service at the quarter's end (§3.4);
    /// counted only in the quarters a computation needs, 0 elsewhere.
    pub headcount: i64,
    /// Wages in cents (§3.6).
    pub wages: i64,
}

/// The wages of one employer's lines that carry joint committee `joint_committee` in one
/// quarter (§3.8); the other lines' wages go to the employer's own committee.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CommitteeWages {
    pub employer: u32,
    pub quarter: Quarter,
    pub joint_committee: String,
    pub wages: i64,
}

/// The most seniority buckets the store keeps: completed years 0 ..= `MAX_BOUND` (the last
/// bucket holding that many years or more).
pub const MAX_BOUND: u32 = 15;

/// FTE millionths by completed years of seniority on the quarter's last day: index y for
/// y years, the bound's index for the bound or more (§9).
pub type Buckets = [i64; MAX_BOUND as usize + 1];

/// Per employer-quarter aggregates and per employer-quarter-committee wages.
pub struct Occupation {
    /// Sorted by (employer, quarter).
    pub by_quarter: Vec<EmployerQuarter>,
    /// When asked for (the store): the FTE by seniority years of each row of `by_quarter`.
    pub buckets: Vec<Buckets>,
    /// Sorted by (employer, quarter, joint_committee); only the committee quarters.
    pub by_committee: Vec<CommitteeWages>,
    pub rejects: Vec<Reject>,
    pub counts: InputCounts,
    /// The store, lines read from DmfA (§13): per employer, quarter and worker (INSS),
    /// the earliest occupation start held, sorted; kept so that a later extract's
    /// regime change finds the start of the service.
    pub starts: Vec<OccupationStart>,
}

/// The earliest occupation start of a worker with an employer, declared in a quarter
/// (§13): employer index, quarter, INSS, start (days since 1970-01-01).
pub type OccupationStart = (u32, i32, u64, i32);

impl Occupation {
    /// The quarters of one employer, sorted.
    pub fn of_employer(&self, employer: u32) -> &[EmployerQuarter] {
        let from = self.by_quarter.partition_point(|g| g.employer < employer);
        let to = self.by_quarter.partition_point(|g| g.employer <= employer);
        &self.by_quarter[from..to]
    }

    /// Where each employer's quarters start in `by_quarter`, for employers `0..n`, and
    /// where the last one's end (`n + 1` offsets): one walk, where a run over every
    /// employer would search twice per employer.
    pub fn employer_offsets(&self, n: usize) -> Vec<usize> {
        let mut offsets = Vec::with_capacity(n + 1);
        let mut at = 0;
        for e in 0..=n {
            while at < self.by_quarter.len() && (self.by_quarter[at].employer as usize) < e {
                at += 1;
            }
            offsets.push(at);
        }
        offsets
    }

    /// The committee wages of one employer, sorted.
    pub fn committees_of(&self, employer: u32) -> &[CommitteeWages] {
        let from = self.by_committee.partition_point(|g| g.employer < employer);
        let to = self.by_committee.partition_point(|g| g.employer <= employer);
        &self.by_committee[from..to]
    }
}

/// A group: employer (register index) and quarter.
type Key = (u32, i32);

/// The parameters of the aggregation, resolved once per run.
struct Params<'r> {
    register: &'r Register,
    min_seniority_years: u32,
    bounds: RowBounds,
    /// Quarters whose headcount is needed (§3.4), sorted.
    headcount_quarters: Vec<i32>,
    /// Quarters whose wages are split by joint committee (§3.8), sorted.
    committee_quarters: Vec<i32>,
    /// On a second pass: the split groups whose worker ids are collected.
    collect: Option<&'r PlHashSet<Key>>,
    /// For the store: FTE by completed years of seniority up to this bound (§9).
    bound: Option<u32>,
    /// Headcounts and committee wages of every quarter, not only the assessed ones'.
    all_quarters: bool,
    /// The store: the quarters it ingests, sorted; a line of another quarter is a fault
    /// (it would be stored nowhere). `None`: every quarter.
    kept_quarters: Option<Vec<i32>>,
    /// How DmfA files are read (§13), when the source holds some.
    dmfa: Option<&'r Reading>,
}

/// Sums of one run (or, after merging, one group).
#[derive(Clone, Copy)]
struct Sums {
    key: Key,
    n_lines: i64,
    fte3y: i64,
    /// Summed wider than a line's cents: a sum never wraps, and one that does not fit the
    /// cents of an output is an error naming its employer and quarter ([`to_cents`]).
    wages: i128,
}

/// The distinct workers of one run of a headcount quarter; the ids themselves are kept
/// for the first and last run of a block, which may continue in the next or previous one.
struct HeadRun {
    key: Key,
    count: i64,
    workers: Option<Vec<Box<str>>>,
}

/// What one block (CSV) or batch (Parquet) contributes.
#[derive(Default)]
struct Part {
    sums: Vec<Sums>,
    heads: Vec<HeadRun>,
    committee: Vec<(Key, String, i128)>,
    invalid: u64,
    /// Rejected lines (CSV): line within the block, reason.
    rejects: Vec<LineReject>,
    /// Second pass: worker ids of the split groups.
    collected: Vec<(Key, Box<str>)>,
    /// The store: FTE by seniority years of each run.
    buckets: Vec<(Key, Buckets)>,
    /// The store, DmfA lines: the earliest occupation starts (§13).
    starts: Vec<OccupationStart>,
}

/// A rejected CSV line: its line within the block, its reason, and its employer_id and
/// quarter as written.
type LineReject = (u64, String, Option<Box<str>>, Option<Box<str>>);

/// What a quarter means for a line, computed once per quarter.
#[derive(Clone, Copy)]
struct QuarterFacts {
    qi: i32,
    last_day: i32,
    cutoff: i32,
    headcount: bool,
    committee: bool,
    /// Lines of the quarter are kept (the store keeps only the quarters it ingests).
    kept: bool,
}

/// The running aggregation of one block or batch.
struct Agg<'p> {
    p: &'p Params<'p>,
    part: Part,
    run: Option<(Sums, QuarterFacts)>,
    first_run: bool,
    /// Worker ids of the current run (headcount quarters, in service), back to back.
    arena: Vec<u8>,
    /// Per worker id in `arena`: a hash of it, and where it lies.
    spans: Vec<(u64, u32, u32)>,
    /// Committee wages of the current run.
    run_committee: Vec<(String, i128)>,
    run_buckets: Buckets,
    quarter: Option<QuarterFacts>,
    /// With a bound, for the current quarter: the latest seniority date giving y
    /// completed years, y = 1 ..= bound.
    cutoffs: [i32; MAX_BOUND as usize + 1],
    /// The quarters met so far in this block, with their cutoffs.
    known: Vec<(QuarterFacts, [i32; MAX_BOUND as usize + 1])>,
}

impl<'p> Agg<'p> {
    fn new(p: &'p Params<'p>) -> Agg<'p> {
        Agg {
            p,
            part: Part::default(),
            run: None,
            first_run: true,
            arena: Vec::new(),
            spans: Vec::new(),
            run_committee: Vec::new(),
            run_buckets: [0; MAX_BOUND as usize + 1],
            quarter: None,
            cutoffs: [0; MAX_BOUND as usize + 1],
            known: Vec::new(),
        }
    }

    /// The facts of quarter `q`: those of the previous line, as lines come in runs of one
    /// quarter, else computed once.
    #[inline(always)]
    fn quarter_facts(&mut self, q: Quarter) -> QuarterFacts {
        match self.quarter {
            Some(f) if f.qi == q.0 => f,
            _ => self.new_quarter(q),
        }
    }

    /// A quarter other than the previous line's: lines of one employer run through its
    /// quarters, so each quarter's facts are computed once per block and then looked up.
    #[inline(never)]
    fn new_quarter(&mut self, q: Quarter) -> QuarterFacts {
        let (f, cutoffs) = match self.known.iter().find(|(f, _)| f.qi == q.0) {
            Some(k) => *k,
            None => {
                let mut cutoffs = [0; MAX_BOUND as usize + 1];
                for y in 1..=self.p.bound.unwrap_or(0).min(MAX_BOUND) {
                    cutoffs[y as usize] = q.seniority_cutoff(y);
                }
                let f = QuarterFacts {
                    qi: q.0,
                    last_day: q.last_day(),
                    cutoff: q.seniority_cutoff(self.p.min_seniority_years),
                    headcount: self.p.all_quarters || self.p.headcount_quarters.binary_search(&q.0).is_ok(),
                    committee: self.p.all_quarters || self.p.committee_quarters.binary_search(&q.0).is_ok(),
                    kept: self.p.kept_quarters.as_ref().is_none_or(|k| k.binary_search(&q.0).is_ok()),
                };
                self.known.push((f, cutoffs));
                (f, cutoffs)
            }
        };
        self.cutoffs = cutoffs;
        self.quarter = Some(f);
        f
    }

    /// Adds one line when it can be used (§6, [`employment::check`]); its fault
    /// otherwise.
    #[inline]
    fn push(&mut self, f: &Fields<'_>) -> std::result::Result<(), employment::LineFault> {
        let checked = employment::check_with(f, self.p.bounds, |q| self.quarter_facts(q).last_day);
        let l = match checked {
            Ok(l) => l,
            Err(e) => {
                self.part.invalid += 1;
                return Err(e);
            }
        };
        let q = self.quarter_facts(l.quarter);
        if !q.kept {
            self.part.invalid += 1;
            return Err(employment::LineFault::QuarterNotIngested(l.quarter));
        }
        let key = (l.employer, l.quarter.0);
        if self.run.is_none_or(|(r, _)| r.key != key) {
            self.end_run(false);
            self.run = Some((Sums { key, n_lines: 0, fte3y: 0, wages: 0 }, q));
        }
        if let Some((run, _)) = self.run.as_mut() {
            run.n_lines += 1;
            // §3.2: only lines with min_seniority_years completed years on the last
            // day of the quarter count in fte3y.
            if l.seniority_date <= q.cutoff {
                run.fte3y += l.fte;
            }
            run.wages += l.wages as i128;
        }
        if let Some(bound) = self.p.bound {
            // Completed years on the quarter's last day, capped at the bound: the number
            // of cutoffs the seniority date is not after.
            let years =
                (1..=bound.min(MAX_BOUND)).take_while(|&y| l.seniority_date <= self.cutoffs[y as usize]).count();
            self.run_buckets[years] += l.fte;
        }
        // §3.4: headcount counts distinct workers in service at the quarter's end.
        if q.headcount && l.in_service {
            if let Some(set) = self.p.collect {
                if set.contains(&key) {
                    self.part.collected.push((key, l.worker_id.into()));
                }
            } else {
                let from = self.arena.len() as u32;
                self.arena.extend_from_slice(l.worker_id.as_bytes());
                self.spans.push((hash_id(l.worker_id.as_bytes()), from, self.arena.len() as u32));
            }
        }
        // §3.8: lines carrying their own joint committee, in the committee quarters.
        if q.committee {
            if let Some(jc) = l.joint_committee {
                match self.run_committee.iter_mut().find(|(c, _)| c == jc) {
                    Some((_, w)) => *w += l.wages as i128,
                    None => self.run_committee.push((jc.to_string(), l.wages as i128)),
                }
            }
        }
        Ok(())
    }

    /// Closes the current run; `last` when it is the block's last.
    fn end_run(&mut self, last: bool) {
        let Some((run, q)) = self.run.take() else { return };
        self.part.sums.push(run);
        if self.p.bound.is_some() {
            self.part.buckets.push((run.key, self.run_buckets));
            self.run_buckets = [0; MAX_BOUND as usize + 1];
        }
        if q.headcount && !self.spans.is_empty() {
            let arena = &self.arena;
            let id = |s: &(u64, u32, u32)| &arena[s.1 as usize..s.2 as usize];
            // Distinct ids: sorted by hash, and ids with equal hashes compared in full.
            self.spans.sort_unstable_by_key(|s| s.0);
            let mut count = 0i64;
            for same_hash in self.spans.chunk_by_mut(|a, b| a.0 == b.0) {
                if let [_] = same_hash {
                    count += 1;
                } else {
                    same_hash.sort_unstable_by(|a, b| id(a).cmp(id(b)));
                    count += 1 + same_hash.windows(2).filter(|w| id(&w[0]) != id(&w[1])).count() as i64;
                }
            }
            let workers = (self.first_run || last).then(|| {
                let mut ids: Vec<Box<str>> =
                    self.spans.iter().map(|s| String::from_utf8_lossy(id(s)).into_owned().into_boxed_str()).collect();
                ids.sort_unstable();
                ids.dedup();
                ids
            });
            self.part.heads.push(HeadRun { key: run.key, count, workers });
        }
        self.arena.clear();
        self.spans.clear();
        for (jc, w) in self.run_committee.drain(..) {
            self.part.committee.push((run.key, jc, w));
        }
        self.first_run = false;
    }

    fn finish(mut self) -> Part {
        self.end_run(true);
        self.part
    }
}

/// A 64-bit hash of a worker id, to sort a run's ids by (equal hashes are then compared
/// in full, so the count stays exact).
fn hash_id(b: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = b.len() as u64;
    for c in b.chunks(8) {
        let mut w = [0u8; 8];
        w[..c.len()].copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// Reads every file of the employment source into parts, in parallel.
fn read_parts(source: &Source, p: &Params<'_>) -> Result<(Vec<Part>, Vec<Reject>, Option<String>)> {
    let (dmfa, files): (Vec<InputFile>, Vec<InputFile>) =
        source.files.iter().cloned().partition(|f| f.format == Format::Dmfa);
    let (csv, parquet): (Vec<InputFile>, Vec<InputFile>) = files.into_iter().partition(|f| f.format == Format::Csv);
    let mut parts = Vec::new();
    let mut rejects = Vec::new();
    let mut hasher = Sha256::new();
    for f in &csv {
        let (ps, rs, h) = csv::csv_file(f, p, hasher)?;
        parts.extend(ps);
        rejects.extend(rs);
        hasher = h;
    }
    if !parquet.is_empty() {
        parts.extend(parquet::parquet_files(&Source { table: source.table, files: parquet.clone() }, p)?);
    }
    if !dmfa.is_empty() {
        let (ps, rs) = dmfa::dmfa_files(&dmfa, p)?;
        parts.extend(ps);
        rejects.extend(rs);
    }
    let sha256 = (parquet.is_empty() && dmfa.is_empty()).then(|| crate::rules::hex(&hasher.finalize()));
    Ok((parts, rejects, sha256))
}

/// Aggregates the employment lines (§3.2, §3.4, §3.8) for the assessed quarters; DmfA
/// files are read under `dmfa` (§13).
pub fn aggregate(
    source: &Source,
    register: &Register,
    min_seniority_years: u32,
    bounds: RowBounds,
    assessed: &[Quarter],
    dmfa: &Reading,
) -> Result<Occupation> {
    aggregate_with(source, register, min_seniority_years, bounds, assessed, None, None, dmfa)
}

/// [`aggregate`] for the store (§9): every quarter's headcounts and committee wages,
/// and the FTE by completed years of seniority up to `bound`.
/// Lines of a quarter not in `ingested` are faults: the store would keep them nowhere.
pub fn aggregate_for_store(
    source: &Source,
    register: &Register,
    bound: u32,
    bounds: RowBounds,
    ingested: &[Quarter],
    dmfa: &Reading,
) -> Result<Occupation> {
    let kept = Some(ingested.iter().map(|q| q.0).collect::<Vec<_>>());
    aggregate_with(source, register, bound.min(MAX_BOUND), bounds, &[], Some(bound.min(MAX_BOUND)), kept, dmfa)
}

#[allow(clippy::too_many_arguments)]
fn aggregate_with(
    source: &Source,
    register: &Register,
    min_seniority_years: u32,
    bounds: RowBounds,
    assessed: &[Quarter],
    bound: Option<u32>,
    kept_quarters: Option<Vec<i32>>,
    dmfa: &Reading,
) -> Result<Occupation> {
    let kept_quarters = kept_quarters.map(|mut k| {
        k.sort_unstable();
        k
    });
    // Headcounts are needed for Q-4..Q-1 of each assessed quarter (§3.4), committee
    // wages for Q-1 (§3.8): the distinct-worker count, the costliest part, is
    // restricted to those quarters.
    let mut headcount_quarters: Vec<i32> =
        assessed.iter().flat_map(|q| crate::employer::headcount_quarters(*q)).map(|q| q.0).collect();
    headcount_quarters.sort();
    headcount_quarters.dedup();
    let mut committee_quarters: Vec<i32> = assessed.iter().map(|q| q.offset(-1).0).collect();
    committee_quarters.sort();
    committee_quarters.dedup();
    let mut p = Params {
        register,
        min_seniority_years,
        bounds,
        headcount_quarters,
        committee_quarters,
        collect: None,
        bound,
        all_quarters: bound.is_some(),
        kept_quarters,
        dmfa: Some(dmfa),
    };
    let (mut parts, mut rejects, sha256) = read_parts(source, &p)?;

    // Sums per group: runs of the same group, from any block, added up in place. The
    // vector is sized once and each part's runs freed as they are moved: collected by
    // doubling into a second vector, they were the national CSV run's peak of memory.
    let mut groups: Vec<Sums> = Vec::with_capacity(parts.iter().map(|p| p.sums.len()).sum());
    for part in &mut parts {
        groups.append(&mut std::mem::take(&mut part.sums));
    }
    groups.par_sort_unstable_by_key(|s| s.key);
    groups.dedup_by(|s, g| {
        let same = g.key == s.key;
        if same {
            g.n_lines += s.n_lines;
            g.fte3y += s.fte3y;
            g.wages += s.wages;
        }
        same
    });

    // Distinct workers per group: a group in one run has its run's count; runs that all
    // kept their ids are merged by them; other split groups are counted on a second pass.
    let mut heads: Vec<&HeadRun> = Vec::with_capacity(parts.iter().map(|p| p.heads.len()).sum());
    heads.extend(parts.iter().flat_map(|p| p.heads.iter()));
    heads.par_sort_unstable_by_key(|h| h.key);
    // (group, headcount), in group order.
    let mut headcount: Vec<(Key, i64)> = Vec::with_capacity(heads.len());
    let mut split: PlHashSet<Key> = PlHashSet::new();
    for runs in heads.chunk_by(|a, b| a.key == b.key) {
        let key = runs[0].key;
        if let [one] = runs {
            headcount.push((key, one.count));
        } else if runs.iter().all(|r| r.workers.is_some()) {
            let mut ids: Vec<&str> = runs.iter().flat_map(|r| r.workers.iter().flatten().map(|w| &**w)).collect();
            ids.sort_unstable();
            ids.dedup();
            headcount.push((key, ids.len() as i64));
        } else {
            split.insert(key);
        }
    }
    if !split.is_empty() {
        p.collect = Some(&split);
        let (second, _, _) = read_parts(source, &p)?;
        let mut ids: Vec<(Key, Box<str>)> = second.into_iter().flat_map(|p| p.collected).collect();
        ids.par_sort_unstable();
        ids.dedup();
        for same in ids.chunk_by(|a, b| a.0 == b.0) {
            headcount.push((same[0].0, same.len() as i64));
        }
        headcount.sort_unstable();
    }
    // Both sorted by group: a merge, not a lookup per group.
    let mut next = headcount.iter().peekable();
    let mut by_quarter: Vec<EmployerQuarter> = Vec::with_capacity(groups.len());
    for g in &groups {
        while next.next_if(|h| h.0 < g.key).is_some() {}
        by_quarter.push(EmployerQuarter {
            employer: g.key.0,
            quarter: Quarter(g.key.1),
            lines: g.n_lines,
            fte3y: g.fte3y,
            headcount: next.next_if(|h| h.0 == g.key).map_or(0, |h| h.1),
            wages: to_cents(g.wages, register, g.key)?,
        });
    }
    let used: i64 = groups.iter().map(|g| g.n_lines).sum();
    drop(groups);

    // The store's buckets, merged per group like the sums, aligned with `by_quarter`.
    let buckets: Vec<Buckets> = if bound.is_some() {
        let mut all: Vec<&(Key, Buckets)> = parts.iter().flat_map(|p| p.buckets.iter()).collect();
        all.par_sort_unstable_by_key(|b| b.0);
        let mut merged: Vec<(Key, Buckets)> = Vec::with_capacity(by_quarter.len());
        for (key, b) in all {
            match merged.last_mut() {
                Some((k, m)) if k == key => m.iter_mut().zip(b).for_each(|(x, y)| *x += y),
                _ => merged.push((*key, *b)),
            }
        }
        merged.into_iter().map(|(_, b)| b).collect()
    } else {
        Vec::new()
    };

    let mut committee: PlHashMap<(Key, String), i128> = PlHashMap::new();
    let mut invalid = 0u64;
    for part in &parts {
        invalid += part.invalid;
        for (key, jc, w) in &part.committee {
            *committee.entry((*key, jc.clone())).or_default() += w;
        }
    }
    let mut by_committee: Vec<CommitteeWages> = committee
        .into_iter()
        .map(|((key, jc), wages)| {
            Ok(CommitteeWages {
                employer: key.0,
                quarter: Quarter(key.1),
                joint_committee: jc,
                wages: to_cents(wages, register, key)?,
            })
        })
        .collect::<Result<_>>()?;
    by_committee.sort_unstable();

    // Rejected Parquet rows, located by a second scan only when there are some (CSV
    // faults were located on the way).
    let csv_rejects = rejects.len() as u64;
    if invalid > csv_rejects {
        let parquet: Vec<InputFile> = source.files.iter().filter(|f| f.format == Format::Parquet).cloned().collect();
        let files = Source { table: source.table, files: parquet };
        rejects.extend(parquet::locate(&files, register, bounds, p.kept_quarters.as_deref())?);
    }
    let counts = InputCounts {
        read: used as u64 + invalid,
        used: used as u64,
        rejected: rejects.len() as u64,
        sha256: sha256.unwrap_or_default(),
        files: source.files.iter().map(|f| f.path.display().to_string()).collect(),
        rejected_by_reason: Vec::new(),
    };
    if counts.read != counts.used + counts.rejected {
        // §6: read = used + rejected, always. A gap is a bug, never a silent loss.
        return Err(anyhow::anyhow!(
            "employment: {} lines read but {} used and {} rejected",
            counts.read,
            counts.used,
            counts.rejected
        )
        .into());
    }
    let mut starts: Vec<OccupationStart> = parts.iter_mut().flat_map(|p| std::mem::take(&mut p.starts)).collect();
    starts.par_sort_unstable();
    starts.dedup_by_key(|s| (s.0, s.1, s.2));
    Ok(Occupation { by_quarter, buckets, by_committee, rejects, counts, starts })
}

/// A sum of wages as the cents of an output, or the error that names what overflowed
/// (every line is bounded by `max_line_wages`, so only a what-if bound can get here).
fn to_cents(sum: i128, register: &Register, key: Key) -> Result<i64> {
    i64::try_from(sum).map_err(|_| {
        let id = register.ids.get(key.0 as usize).map(compact_str::CompactString::as_str).unwrap_or("?");
        crate::error::Error::Structure(format!(
            "employment: the wages of employer {id} in {} add up to more than can be counted exactly; \
             lower max_line_wages (the rule set) or correct the lines",
            Quarter(key.1)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_employer_s_quarters_start_where_the_offsets_say() {
        let g = |employer: u32, q: i32| EmployerQuarter {
            employer,
            quarter: Quarter(q),
            lines: 1,
            fte3y: 0,
            headcount: 0,
            wages: 0,
        };
        // Employer 0 has two quarters, 1 none, 2 one, 3 (the last) none.
        let occupation = Occupation {
            by_quarter: vec![g(0, 1), g(0, 2), g(2, 1)],
            buckets: Vec::new(),
            by_committee: Vec::new(),
            rejects: Vec::new(),
            counts: InputCounts::default(),
            starts: Vec::new(),
        };
        let offsets = occupation.employer_offsets(4);
        assert_eq!(offsets, vec![0, 2, 2, 3, 3]);
        for e in 0..4u32 {
            let (from, to) = (offsets[e as usize], offsets[e as usize + 1]);
            assert_eq!(&occupation.by_quarter[from..to], occupation.of_employer(e), "employer {e}");
        }
    }
}
