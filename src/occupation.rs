//! Employment lines (SPEC §2.2) aggregated per employer and quarter:
//! - `fte3y(e, p)`: FTE of the lines of e in p whose seniority on the last day of p is at
//!   least `min_seniority_years` completed years (SPEC §3.2, the 3-year rule for the
//!   denominator), in integer millionths of an FTE;
//! - `headcount(e, p)`: distinct workers in service at the end of p (SPEC §3.4);
//! - `wages(e, p)`: wages in integer cents (SPEC §3.6);
//! - the wages of the lines that carry their own joint committee (SPEC §3.8).
//!
//! This is the national-scale part of the run (SPEC §7), so it is written for speed:
//! CSV files are split into records by [`crate::csvblocks`] on every core; Parquet files
//! are decoded by a Polars streaming scan whose batches are handed to the same
//! aggregation. Lines come in runs of one employer and quarter; a run is summed in place
//! and its distinct workers counted by sorting hashes of their ids (ids with equal hashes
//! are compared in full, so the count is exact). A group split over several
//! runs (a block boundary, an unsorted file) is merged exactly: the first and last run of
//! each block keep their worker ids, and a group split anywhere else has its ids
//! collected by a second pass over the file. Row faults (SPEC §6) are found on the way.

use std::sync::Arc;

use polars::prelude::*;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::csvblocks;
use crate::error::Result;
use crate::input::{parsed, quarter_day, raw_rows, Format, InputFile, Kind, Source, Table};
use crate::parse::{self, Fault};
use crate::quarter::Quarter;
use crate::register::Register;
use crate::rejects::{field_reason, InputCounts, Reject, UNKNOWN_EMPLOYER};

/// Per employer-quarter aggregates and per employer-quarter-committee wages.
pub struct Occupation {
    /// `emp` (register index), `qi`, `n_lines`, `fte3y`, `headcount`, `wages`.
    pub by_quarter: DataFrame,
    /// `emp`, `qi`, `joint_committee`, `wages` of the lines of the committee quarters that
    /// carry a joint committee; the other lines' wages go to the employer's own.
    pub by_committee: DataFrame,
    pub rejects: Vec<Reject>,
    pub counts: InputCounts,
}

/// The register index of each line's employer, null when unknown.
fn employer_index(e: Expr, index: Arc<PlHashMap<String, u32>>) -> Expr {
    e.map(
        move |c| {
            let s = c.as_materialized_series();
            // Lines come in runs of one employer: the lookup is memoised.
            let mut last: Option<(&str, Option<u32>)> = None;
            let out: UInt32Chunked = s
                .str()?
                .iter()
                .map(|o| {
                    let v = o?;
                    match last {
                        Some((id, e)) if id == v => e,
                        _ => {
                            let e = index.get(v).copied();
                            last = Some((v, e));
                            e
                        }
                    }
                })
                .collect();
            Ok(out.with_name(s.name().clone()).into_series().into())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::UInt32)),
    )
}

/// The typed columns of SPEC §2.2 parsed by Polars, the employer index, and `valid`.
fn typed(
    source: &Source,
    register: &Register,
    min_seniority_years: u32,
    max_line_fte_micro: i64,
    lines: bool,
) -> Result<LazyFrame> {
    let index = Arc::new(register.index.clone());
    let lf = source.scan_with(false, lines)?.with_columns([
        employer_index(col("employer_id"), index).alias("emp"),
        parsed("quarter", Kind::Quarter).alias("qi"),
        parsed("fte", Kind::Fte).alias("fte_micro"),
        parsed("seniority_date", Kind::Date).alias("sen"),
        parsed("in_service_at_quarter_end", Kind::Bool).alias("ins"),
        parsed("wages", Kind::Money).alias("wages_cents"),
    ]);
    let lf = lf.with_columns([
        quarter_day(col("qi"), Quarter::last_day).alias("qend"),
        quarter_day(col("qi"), move |q| q.seniority_cutoff(min_seniority_years)).alias("cutoff"),
    ]);
    let parsed_ok = ["emp", "worker_id", "qi", "fte_micro", "sen", "ins", "wages_cents"]
        .iter()
        .map(|c| col(*c).is_not_null())
        .reduce(|a, b| a.and(b))
        .unwrap_or(lit(true));
    let valid = parsed_ok.and(col("fte_micro").lt_eq(lit(max_line_fte_micro))).and(col("sen").lt_eq(col("qend")));
    Ok(lf.with_column(valid.fill_null(lit(false)).alias("valid")))
}

/// A group: employer (register index) and quarter.
type Key = (u32, i32);

/// The parameters of the aggregation, resolved once per run.
struct Params<'r> {
    register: &'r Register,
    min_seniority_years: u32,
    max_line_fte_micro: i64,
    /// Quarters whose headcount is needed (SPEC §3.4), sorted.
    headcount_quarters: Vec<i32>,
    /// Quarters whose wages are split by joint committee (SPEC §3.8), sorted.
    committee_quarters: Vec<i32>,
    /// On a second pass: the split groups whose worker ids are collected.
    collect: Option<&'r PlHashSet<Key>>,
}

/// One employment line, typed; `None` where a value is missing or not valid.
#[derive(Default)]
struct Line<'a> {
    emp: Option<u32>,
    worker: Option<&'a str>,
    qi: Option<i32>,
    fte: Option<i64>,
    sen: Option<i32>,
    ins: Option<bool>,
    wages: Option<i64>,
    jc: Option<&'a str>,
}

/// Sums of one run (or, after merging, one group).
#[derive(Clone, Copy)]
struct Sums {
    key: Key,
    n_lines: i64,
    fte3y: i64,
    wages: i64,
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
    committee: Vec<(Key, String, i64)>,
    invalid: u64,
    /// Rejected lines (CSV): line within the block, reason.
    rejects: Vec<(u64, String)>,
    /// Second pass: worker ids of the split groups.
    collected: Vec<(Key, Box<str>)>,
}

/// What a quarter index means for a line, computed once per quarter.
#[derive(Clone, Copy)]
struct QuarterFacts {
    qi: i32,
    last_day: i32,
    cutoff: i32,
    headcount: bool,
    committee: bool,
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
    run_committee: Vec<(String, i64)>,
    quarter: Option<QuarterFacts>,
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
            quarter: None,
        }
    }

    fn quarter_facts(&mut self, qi: i32) -> QuarterFacts {
        match self.quarter {
            Some(f) if f.qi == qi => f,
            _ => {
                let q = Quarter(qi);
                let f = QuarterFacts {
                    qi,
                    last_day: q.last_day(),
                    cutoff: q.seniority_cutoff(self.p.min_seniority_years),
                    headcount: self.p.headcount_quarters.binary_search(&qi).is_ok(),
                    committee: self.p.committee_quarters.binary_search(&qi).is_ok(),
                };
                self.quarter = Some(f);
                f
            }
        }
    }

    /// Adds one line; false when it is not valid (SPEC §6: a row fault).
    fn push(&mut self, l: &Line<'_>) -> bool {
        let (Some(emp), Some(worker), Some(qi), Some(fte), Some(sen), Some(ins), Some(wages)) =
            (l.emp, l.worker, l.qi, l.fte, l.sen, l.ins, l.wages)
        else {
            self.part.invalid += 1;
            return false;
        };
        let q = self.quarter_facts(qi);
        // SPEC §6: an FTE above the per-line maximum, or a seniority date after the end of
        // the line's quarter, makes the line unusable.
        if fte > self.p.max_line_fte_micro || sen > q.last_day {
            self.part.invalid += 1;
            return false;
        }
        let key = (emp, qi);
        if self.run.is_none_or(|(r, _)| r.key != key) {
            self.end_run(false);
            self.run = Some((Sums { key, n_lines: 0, fte3y: 0, wages: 0 }, q));
        }
        if let Some((run, _)) = self.run.as_mut() {
            run.n_lines += 1;
            // SPEC §3.2: only lines with min_seniority_years completed years on the last
            // day of the quarter count in fte3y.
            if sen <= q.cutoff {
                run.fte3y += fte;
            }
            run.wages += wages;
        }
        // SPEC §3.4: headcount counts distinct workers in service at the quarter's end.
        if q.headcount && ins {
            if let Some(set) = self.p.collect {
                if set.contains(&key) {
                    self.part.collected.push((key, worker.into()));
                }
            } else {
                let from = self.arena.len() as u32;
                self.arena.extend_from_slice(worker.as_bytes());
                self.spans.push((hash_id(worker.as_bytes()), from, self.arena.len() as u32));
            }
        }
        // SPEC §3.8: lines carrying their own joint committee, in the committee quarters.
        if q.committee {
            if let Some(jc) = l.jc {
                match self.run_committee.iter_mut().find(|(c, _)| c == jc) {
                    Some((_, w)) => *w += wages,
                    None => self.run_committee.push((jc.to_string(), wages)),
                }
            }
        }
        true
    }

    /// Closes the current run; `last` when it is the block's last.
    fn end_run(&mut self, last: bool) {
        let Some((run, q)) = self.run.take() else { return };
        self.part.sums.push(run);
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

/// The reason a line failed (SPEC §6), from its text.
fn line_fault(f: &dyn Fn(&str) -> Option<String>, register: &Register, max_line_fte_micro: i64) -> String {
    for id in ["employer_id", "worker_id"] {
        if f(id).is_none_or(|s| s.is_empty()) {
            return field_reason(id, Fault::Missing, "");
        }
    }
    let checks = [
        ("quarter", Kind::Quarter),
        ("fte", Kind::Fte),
        ("seniority_date", Kind::Date),
        ("in_service_at_quarter_end", Kind::Bool),
        ("wages", Kind::Money),
    ];
    for (c, k) in checks {
        if let Err(e) = k.check(f(c).as_deref()) {
            return field_reason(c, e, k.what());
        }
    }
    if !f("employer_id").is_some_and(|id| register.is_known(&id)) {
        return UNKNOWN_EMPLOYER.to_string();
    }
    let fte = f("fte").and_then(|s| crate::parse::parse_fte(&s).ok()).unwrap_or(0);
    if fte > max_line_fte_micro {
        return format!("fte: above {} FTE on one line", crate::parse::format_micro(max_line_fte_micro));
    }
    "seniority_date: after the end of the line's quarter".to_string()
}

/// Aggregates one CSV block: its records parsed with [`crate::parse`], its faults with
/// their reasons.
fn csv_block(
    block: &csvblocks::Block,
    layout: &csvblocks::Layout,
    p: &Params<'_>,
) -> std::result::Result<(u64, Part), csvblocks::BadRecord> {
    let cols = Table::Employment.columns();
    let mut agg = Agg::new(p);
    // Lines come in runs of one employer and one quarter: their lookups are memoised.
    let mut last_emp: Option<(String, Option<u32>)> = None;
    let mut last_quarter: Option<(String, Option<i32>)> = None;
    let lines = block.records(layout, |line, f| {
        let emp = f[1].and_then(|id| match &last_emp {
            Some((s, e)) if s == id => *e,
            _ => {
                let e = p.register.index.get(id).copied();
                last_emp = Some((id.to_string(), e));
                e
            }
        });
        let qi = f[0].and_then(|t| match &last_quarter {
            Some((s, q)) if s == t => *q,
            _ => {
                let q = parse::parse_quarter_field(t).ok().map(|q| q.0);
                last_quarter = Some((t.to_string(), q));
                q
            }
        });
        let l = Line {
            emp,
            worker: f[2],
            qi,
            fte: f[3].and_then(|s| parse::parse_fte(s).ok()),
            sen: f[4].and_then(|s| parse::parse_date(s).ok()),
            ins: f[5].and_then(|s| parse::parse_bool(s).ok()),
            wages: f[6].and_then(|s| parse::parse_money(s).ok()),
            jc: f[7],
        };
        if !agg.push(&l) && p.collect.is_none() {
            let text = |name: &str| cols.iter().position(|c| *c == name).and_then(|i| f[i]).map(str::to_string);
            agg.part.rejects.push((line, line_fault(&text, p.register, p.max_line_fte_micro)));
        }
    })?;
    Ok((lines, agg.finish()))
}

/// One CSV file, every block in parallel. `hasher` continues the fingerprint of the
/// source's files in name order.
fn csv_file(file: &InputFile, p: &Params<'_>, hasher: Sha256) -> Result<(Vec<Part>, Vec<Reject>, Sha256)> {
    let layout = csvblocks::Layout { width: file.width, positions: file.positions.clone() };
    let blocks = csvblocks::read(&file.path, &layout, hasher, |b, l| csv_block(b, l, p))?;
    let mut rejects = Vec::new();
    for (seq, part) in blocks.parts() {
        for (line, reason) in &part.rejects {
            rejects.push(Reject {
                file: file.path.display().to_string(),
                line: blocks.line(seq, *line) as i64,
                reason: reason.clone(),
            });
        }
    }
    let hasher = blocks.hasher.clone();
    Ok((blocks.into_parts().map(|(_, p)| p).collect(), rejects, hasher))
}

/// Parquet files: a Polars streaming scan parses the columns (as [`parsed`] does for
/// every typed input) and hands its batches to the aggregation on the other threads.
fn parquet_files(source: &Source, p: &Params<'_>) -> Result<Vec<Part>> {
    let index = Arc::new(p.register.index.clone());
    let plan = source.scan_with(false, false)?.select([
        employer_index(col("employer_id"), index).alias("emp"),
        col("worker_id"),
        parsed("quarter", Kind::Quarter).alias("qi"),
        parsed("fte", Kind::Fte).alias("fte_micro"),
        parsed("seniority_date", Kind::Date).alias("sen"),
        parsed("in_service_at_quarter_end", Kind::Bool).alias("ins"),
        parsed("wages", Kind::Money).alias("wages_cents"),
        col("joint_committee"),
    ]);
    let (tx, rx) = std::sync::mpsc::sync_channel::<DataFrame>(4);
    let tx = Arc::new(std::sync::Mutex::new(Some(tx)));
    let sender = tx.clone();
    let plan = plan.sink_batches(
        PlanCallback::new(move |df: DataFrame| {
            let sent = sender.lock().ok().as_ref().and_then(|g| g.as_ref().map(|t| t.send(df)));
            // Stop the scan when the aggregation is gone (it failed).
            Ok(!matches!(sent, Some(Ok(()))))
        }),
        false,
        None,
    )?;
    std::thread::scope(|scope| {
        let runner = scope.spawn(move || {
            // The batches end when the scan ends, even if it fails or panics.
            let _close = CloseOnDrop(tx);
            plan.collect_with_engine(Engine::Streaming).map(|_| ())
        });
        let parts: Vec<Result<Part>> = rx.into_iter().par_bridge().map(|df| batch(&df, p)).collect();
        runner.join().map_err(|_| anyhow::anyhow!("the Parquet reader failed"))?.map_err(|e| source.read_error(&e))?;
        parts.into_iter().collect()
    })
}

/// Closes the channel of Parquet batches when dropped.
struct CloseOnDrop(Arc<std::sync::Mutex<Option<std::sync::mpsc::SyncSender<DataFrame>>>>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        if let Ok(mut g) = self.0.lock() {
            g.take();
        }
    }
}

/// Aggregates one decoded Parquet batch.
fn batch(df: &DataFrame, p: &Params<'_>) -> Result<Part> {
    let c = |name: &str| df.column(name).map(|c| c.as_materialized_series().clone());
    let (emp, worker, qi, fte, sen, ins, wages, jc) = (
        c("emp")?,
        c("worker_id")?.cast(&DataType::String)?,
        c("qi")?,
        c("fte_micro")?,
        c("sen")?,
        c("ins")?,
        c("wages_cents")?,
        c("joint_committee")?.cast(&DataType::String)?,
    );
    let (emp, worker, qi, fte, sen, ins, wages, jc) =
        (emp.u32()?, worker.str()?, qi.i32()?, fte.i64()?, sen.i32()?, ins.bool()?, wages.i64()?, jc.str()?);
    let mut agg = Agg::new(p);
    let no_nulls = [emp.null_count(), worker.null_count(), qi.null_count(), fte.null_count()]
        .into_iter()
        .chain([sen.null_count(), ins.null_count(), wages.null_count()])
        .all(|n| n == 0);
    if no_nulls {
        // The usual batch: every value present, read from contiguous slices.
        let (emp, qi, fte, sen, wages) = (emp.rechunk(), qi.rechunk(), fte.rechunk(), sen.rechunk(), wages.rechunk());
        let (emp, qi, fte, sen, wages) =
            (emp.cont_slice()?, qi.cont_slice()?, fte.cont_slice()?, sen.cont_slice()?, wages.cont_slice()?);
        let rows =
            worker.iter().map(Option::unwrap_or_default).zip(ins.iter().map(Option::unwrap_or_default)).zip(jc.iter());
        for (i, ((worker, ins), jc)) in rows.enumerate() {
            agg.push(&Line {
                emp: Some(emp[i]),
                worker: Some(worker).filter(|s| !s.is_empty()),
                qi: Some(qi[i]),
                fte: Some(fte[i]),
                sen: Some(sen[i]),
                ins: Some(ins),
                wages: Some(wages[i]),
                jc: jc.filter(|s| !s.is_empty()),
            });
        }
        return Ok(agg.finish());
    }
    let rows = emp.iter().zip(worker.iter()).zip(qi.iter().zip(fte.iter())).zip(sen.iter().zip(ins.iter()));
    for ((((emp, worker), (qi, fte)), (sen, ins)), (wages, jc)) in rows.zip(wages.iter().zip(jc.iter())) {
        let jc = jc.filter(|s| !s.is_empty());
        agg.push(&Line { emp, worker: worker.filter(|s| !s.is_empty()), qi, fte, sen, ins, wages, jc });
    }
    Ok(agg.finish())
}

/// Reads every file of the employment source into parts, in parallel.
fn read_parts(source: &Source, p: &Params<'_>) -> Result<(Vec<Part>, Vec<Reject>, Option<String>)> {
    let (csv, parquet): (Vec<InputFile>, Vec<InputFile>) =
        source.files.iter().cloned().partition(|f| f.format == Format::Csv);
    let mut parts = Vec::new();
    let mut rejects = Vec::new();
    let mut hasher = Sha256::new();
    for f in &csv {
        let (ps, rs, h) = csv_file(f, p, hasher)?;
        parts.extend(ps);
        rejects.extend(rs);
        hasher = h;
    }
    if !parquet.is_empty() {
        parts.extend(parquet_files(&Source { table: source.table, files: parquet.clone() }, p)?);
    }
    let sha256 = parquet.is_empty().then(|| crate::rules::hex(&hasher.finalize()));
    Ok((parts, rejects, sha256))
}

pub fn aggregate(
    source: &Source,
    register: &Register,
    min_seniority_years: u32,
    max_line_fte_micro: i64,
    assessed: &[Quarter],
) -> Result<Occupation> {
    // Headcounts are needed for Q-4..Q-1 of each assessed quarter (SPEC §3.4), committee
    // wages for Q-1 (SPEC §3.8): the distinct-worker count, the costliest part, is
    // restricted to those quarters.
    let mut headcount_quarters: Vec<i32> = assessed.iter().flat_map(|q| (1..=4).map(move |k| q.offset(-k).0)).collect();
    headcount_quarters.sort();
    headcount_quarters.dedup();
    let mut committee_quarters: Vec<i32> = assessed.iter().map(|q| q.offset(-1).0).collect();
    committee_quarters.sort();
    committee_quarters.dedup();
    let mut p = Params {
        register,
        min_seniority_years,
        max_line_fte_micro,
        headcount_quarters,
        committee_quarters,
        collect: None,
    };
    let (parts, mut rejects, sha256) = read_parts(source, &p)?;

    // Sums per group: runs of the same group, from any block, added up.
    let mut sums: Vec<Sums> = parts.iter().flat_map(|p| p.sums.iter().copied()).collect();
    sums.par_sort_unstable_by_key(|s| s.key);
    let mut groups: Vec<Sums> = Vec::with_capacity(sums.len());
    for s in sums {
        match groups.last_mut() {
            Some(g) if g.key == s.key => {
                g.n_lines += s.n_lines;
                g.fte3y += s.fte3y;
                g.wages += s.wages;
            }
            _ => groups.push(s),
        }
    }

    // Distinct workers per group: a group in one run has its run's count; runs that all
    // kept their ids are merged by them; other split groups are counted on a second pass.
    let mut heads: Vec<&HeadRun> = parts.iter().flat_map(|p| p.heads.iter()).collect();
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
    let headcounts: Vec<i64> = groups
        .iter()
        .map(|g| {
            while next.next_if(|h| h.0 < g.key).is_some() {}
            next.next_if(|h| h.0 == g.key).map_or(0, |h| h.1)
        })
        .collect();

    let mut committee: PlHashMap<(Key, String), i64> = PlHashMap::new();
    let mut invalid = 0u64;
    for part in &parts {
        invalid += part.invalid;
        for (key, jc, w) in &part.committee {
            *committee.entry((*key, jc.clone())).or_default() += w;
        }
    }
    let used: i64 = groups.iter().map(|g| g.n_lines).sum();
    let by_quarter = df!(
        "emp" => groups.iter().map(|g| g.key.0).collect::<Vec<u32>>(),
        "qi" => groups.iter().map(|g| g.key.1).collect::<Vec<i32>>(),
        "n_lines" => groups.iter().map(|g| g.n_lines).collect::<Vec<i64>>(),
        "fte3y" => groups.iter().map(|g| g.fte3y).collect::<Vec<i64>>(),
        "headcount" => headcounts,
        "wages" => groups.iter().map(|g| g.wages).collect::<Vec<i64>>(),
    )?;
    let mut committee: Vec<((Key, String), i64)> = committee.into_iter().collect();
    committee.sort_unstable();
    let by_committee = df!(
        "emp" => committee.iter().map(|c| c.0 .0 .0).collect::<Vec<u32>>(),
        "qi" => committee.iter().map(|c| c.0 .0 .1).collect::<Vec<i32>>(),
        "joint_committee" => committee.iter().map(|c| c.0 .1.as_str()).collect::<Vec<&str>>(),
        "wages" => committee.iter().map(|c| c.1).collect::<Vec<i64>>(),
    )?;

    // Rejected Parquet rows, located by a second scan only when there are some (CSV
    // faults were located on the way).
    let csv_rejects = rejects.len() as u64;
    if invalid > csv_rejects {
        let parquet: Vec<InputFile> = source.files.iter().filter(|f| f.format == Format::Parquet).cloned().collect();
        rejects.extend(locate(
            &Source { table: source.table, files: parquet },
            register,
            min_seniority_years,
            max_line_fte_micro,
        )?);
    }
    let counts = InputCounts {
        read: used as u64 + invalid,
        used: used as u64,
        rejected: rejects.len() as u64,
        sha256: sha256.unwrap_or_default(),
        files: source.files.iter().map(|f| f.path.display().to_string()).collect(),
    };
    Ok(Occupation { by_quarter, by_committee, rejects, counts })
}

/// The rejected rows of Parquet files, with their reasons.
fn locate(
    source: &Source,
    register: &Register,
    min_seniority_years: u32,
    max_line_fte_micro: i64,
) -> Result<Vec<Reject>> {
    let mut raw_cols = vec![col("__file"), col("__line")];
    raw_cols.extend(source.table.columns().iter().map(|c| col(*c).cast(DataType::String)));
    let t = typed(source, register, min_seniority_years, max_line_fte_micro, true)?;
    let located = source.collect_all(vec![t.filter(col("valid").not()).select(raw_cols)])?;
    let cols = source.table.columns();
    Ok(raw_rows(&located[0])?
        .into_iter()
        .map(|r| {
            let f = |name: &str| r.fields[cols.iter().position(|c| *c == name).unwrap_or(0)].clone();
            Reject {
                file: source.file_name(r.file),
                line: r.line,
                reason: line_fault(&f, register, max_line_fte_micro),
            }
        })
        .collect())
}
