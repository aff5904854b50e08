//! `responsa ingest`: reads the inputs of whole quarters once, checks them (§6), and
//! writes per quarter the aggregates every computation needs (§9).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use crate::error::{io, Error, Result};
use crate::input::employment::RowBounds;
use crate::input::rejects::InputCounts;
use crate::input::{self, incapacity, invalidity, register, Table};
use crate::occupation;
use crate::quarter::Quarter;
use crate::report::{rejects_rows, REJECTS_HEADER};

use super::{batch_dir, read_manifest, Batch, Manifest, QuarterEntry, FORMAT, MANIFEST};

/// What an ingest wrote.
#[derive(Debug)]
pub struct Ingested {
    pub quarters: Vec<Quarter>,
    pub replaced: Vec<Quarter>,
    pub rejected: u64,
    pub batch: String,
}

fn has_input(data: &Path, t: Table) -> bool {
    let n = t.name();
    [format!("{n}.csv"), format!("{n}.parquet"), n.to_string()].iter().any(|f| data.join(f).exists())
}

/// A file being written, fingerprinted as its bytes pass (the store records each stored
/// file's sha256 without reading it back).
struct Fingerprinted {
    file: File,
    hash: sha2::Sha256,
}

impl std::io::Write for Fingerprinted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.file.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Writes a stored file and records its sha256 under its name in `sums`.
fn write(path: &Path, df: &mut DataFrame, sums: &mut BTreeMap<String, String>) -> Result<()> {
    use sha2::Digest;
    let file = File::create(path).map_err(|e| io(path, "create", e))?;
    let mut out = Fingerprinted { file, hash: sha2::Sha256::new() };
    ParquetWriter::new(&mut out)
        .finish(df)
        .map_err(|e| Error::Other(anyhow::anyhow!("{}: cannot write: {e}", path.display())))?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    sums.insert(name, crate::rules::hex(&out.hash.finalize()));
    Ok(())
}

fn date_col(name: &str, v: Vec<i32>) -> Result<Column> {
    Ok(Series::new(name.into(), v).cast(&DataType::Date)?.into())
}

fn opt_date_col(name: &str, v: Vec<Option<i32>>) -> Result<Column> {
    Ok(Series::new(name.into(), v).cast(&DataType::Date)?.into())
}

/// Ingests the inputs of `data` into `store`: every quarter of the register (and of the
/// invalidity and incapacity rows) replaces the stored one.
pub fn ingest(
    data: &Path,
    dialect: crate::input::dialect::Dialect,
    store: &Path,
    seniority_bound: u32,
    bounds: RowBounds,
    progress: &dyn Fn(&str),
) -> Result<Ingested> {
    if seniority_bound > occupation::MAX_BOUND {
        return Err(Error::Usage(format!("--seniority-bound {seniority_bound}: at most {}", occupation::MAX_BOUND)));
    }
    std::fs::create_dir_all(store)
        .map_err(|e| Error::Usage(format!("{}: cannot create the store (--store): {e}", store.display())))?;
    // Two ingests never write one store at once (§9): the second stops at once, naming
    // the first. The lock is the system's: it goes with the process that holds it, so a
    // killed ingest leaves nothing to clean and the next one takes over.
    let _lock = super::lock::StoreLock::take(store)?;
    let old = read_manifest(store)?;
    if let Some(m) = &old {
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
    // A Belgian spreadsheet export is read through a converted copy, named as the original.
    let converted = crate::input::dialect::convert(data, dialect)?;
    let original = data;
    let data: &Path = converted.as_ref().map_or(data, |c| c.dir.as_path());
    let employers = input::open(data, Table::Employers)?;
    let employment = input::open(data, Table::Employment)?;
    let invalidity_src =
        if has_input(data, Table::Invalidity) { Some(input::open(data, Table::Invalidity)?) } else { None };
    let incapacity_src =
        if has_input(data, Table::Incapacity) { Some(input::open(data, Table::Incapacity)?) } else { None };
    progress("reading the employer register");
    let (reg, mut rejects, reg_counts) = register::load(&employers, None)?;
    let quarters: BTreeSet<Quarter> = reg.rows.iter().map(|r| r.quarter).collect();
    let mut inputs: BTreeMap<String, InputCounts> = BTreeMap::new();
    let (mut inv_rows, mut inc_rows) = (Vec::new(), Vec::new());
    if let Some(src) = &invalidity_src {
        progress("reading invalidity entries");
        let (rows, rj, c) = invalidity::load(src, &reg)?;
        inv_rows = rows;
        rejects.extend(rj);
        inputs.insert("invalidity".into(), InputCounts { sha256: src.sha256()?, ..c });
    }
    if let Some(src) = &incapacity_src {
        progress("reading incapacities");
        let all: Vec<Quarter> = quarters.iter().copied().collect();
        let (rows, rj, c) = incapacity::load(src, &reg, &all, bounds.daily_benefit_cents)?;
        inc_rows = rows;
        rejects.extend(rj);
        inputs.insert("incapacity".into(), InputCounts { sha256: src.sha256()?, ..c });
    }
    progress("aggregating employment lines");
    let ingested: Vec<Quarter> = quarters.iter().copied().collect();
    let occ = occupation::aggregate_for_store(&employment, &reg, seniority_bound, bounds, &ingested)?;
    rejects.extend(occ.rejects.iter().cloned());
    let mut lines = occ.counts.clone();
    if lines.sha256.is_empty() {
        lines.sha256 = employment.sha256()?;
    }
    inputs.insert("employment".into(), lines);
    inputs.insert("employers".into(), InputCounts { sha256: employers.sha256()?, ..reg_counts });
    if let Some(c) = &converted {
        for r in &mut rejects {
            r.file = c.restore(&r.file);
        }
        for r in &mut inv_rows {
            r.file = c.restore(&r.file);
        }
        for r in &mut inc_rows {
            r.file = c.restore(&r.file).into();
        }
        for counts in inputs.values_mut() {
            c.restore_counts(counts)?;
        }
    }
    rejects.sort();

    let mut all_quarters = quarters.clone();
    all_quarters.extend(inv_rows.iter().map(|r| Quarter::of_day(r.invalidity_start)));
    all_quarters.extend(inc_rows.iter().map(|r| r.quarter()));
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let id = format!("{}-{}", std::process::id(), nanos);

    // The batch: its sources, counts and rejects.
    let bdir = batch_dir(store, &id);
    std::fs::create_dir_all(&bdir).map_err(|e| io(&bdir, "create", e))?;
    let batch = Batch {
        data: original.display().to_string(),
        quarters: all_quarters.iter().map(|q| q.to_string()).collect(),
        inputs,
    };
    let bpath = bdir.join("batch.json");
    std::fs::write(&bpath, serde_json::to_string_pretty(&batch).map_err(anyhow::Error::from)? + "\n")
        .map_err(|e| io(&bpath, "write", e))?;
    let rpath = bdir.join("rejects.csv");
    let mut w =
        csv::Writer::from_path(&rpath).map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", rpath.display()))?;
    w.write_record(REJECTS_HEADER).map_err(anyhow::Error::from)?;
    for r in rejects_rows(&rejects) {
        w.write_record(&r).map_err(anyhow::Error::from)?;
    }
    w.flush().map_err(|e| io(&rpath, "write", e))?;

    // Each quarter's files in a new folder.
    let bound = seniority_bound as usize;
    let mut entries = BTreeMap::new();
    // Every table split by quarter once, rather than filtered again for each quarter.
    let reg_by = by_quarter(&reg.rows, |r| r.quarter);
    let occ_by = by_quarter(&occ.by_quarter, |g| g.quarter);
    let com_by = by_quarter(&occ.by_committee, |c| c.quarter);
    let inv_by = by_quarter(&inv_rows, |r| Quarter::of_day(r.invalidity_start));
    let inc_by = by_quarter(&inc_rows, |r| r.quarter());
    for &q in &all_quarters {
        progress(&format!("writing {q}"));
        let rel = format!("quarters/{q}-{id}");
        let dir = store.join(&rel);
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, "create", e))?;
        let mut sha256 = BTreeMap::new();
        // A quarter this extract has invalidity or incapacity rows of, but no register row:
        // its stored register and aggregates carry over (only its rows are replaced), never
        // an empty register in their place.
        let carried =
            (!quarters.contains(&q)).then(|| old.as_ref().and_then(|m| m.quarters.get(&q.to_string()))).flatten();
        if let Some(prev) = carried {
            for f in ["register.parquet", "occupation.parquet", "committees.parquet"] {
                // Read through its recorded checksum, as every stored file is.
                let bytes = prev.read(store, f)?;
                let to = dir.join(f);
                std::fs::write(&to, &bytes).map_err(|e| io(&to, "carry over", e))?;
                use sha2::Digest;
                sha256.insert(f.to_string(), crate::rules::hex(&sha2::Sha256::digest(&bytes)));
            }
        } else {
            // Sorted by employer_id, as every stored table: readers merge instead of searching.
            let mut rows: Vec<&register::RegisterRow> =
                reg_by.get(&q).into_iter().flatten().map(|&i| &reg.rows[i]).collect();
            rows.sort_by(|a, b| a.employer_id.cmp(&b.employer_id));
            let mut df = df!(
                "employer_id" => rows.iter().map(|r| r.employer_id.as_str()).collect::<Vec<_>>(),
                "nace" => rows.iter().map(|r| r.nace.as_str()).collect::<Vec<_>>(),
                "employer_category" => rows.iter().map(|r| r.employer_category.as_str()).collect::<Vec<_>>(),
                "joint_committee" => rows.iter().map(|r| r.joint_committee.as_str()).collect::<Vec<_>>(),
                "private_sector" => rows.iter().map(|r| r.private_sector).collect::<Vec<_>>(),
                "language" => rows.iter().map(|r| r.language.clone()).collect::<Vec<Option<String>>>(),
            )?;
            write(&dir.join("register.parquet"), &mut df, &mut sha256)?;

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
            write(&dir.join("occupation.parquet"), &mut DataFrame::new_infer_height(cols)?, &mut sha256)?;

            let com: Vec<&occupation::CommitteeWages> =
                com_by.get(&q).into_iter().flatten().map(|&i| &occ.by_committee[i]).collect();
            let mut df = df!(
                "employer_id" => com.iter().map(|c| reg.ids[c.employer as usize].as_str()).collect::<Vec<_>>(),
                "joint_committee" => com.iter().map(|c| c.joint_committee.as_str()).collect::<Vec<_>>(),
                "wages_cents" => com.iter().map(|c| c.wages).collect::<Vec<_>>(),
            )?;
            write(&dir.join("committees.parquet"), &mut df, &mut sha256)?;
        }

        let inv: Vec<&invalidity::InvalidityRow> =
            inv_by.get(&q).into_iter().flatten().map(|&i| &inv_rows[i]).collect();
        let mut df = DataFrame::new_infer_height(vec![
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
        write(&dir.join("invalidity.parquet"), &mut df, &mut sha256)?;

        let inc: Vec<&incapacity::IncapacityRow> =
            inc_by.get(&q).into_iter().flatten().map(|&i| &inc_rows[i]).collect();
        let mut df = DataFrame::new_infer_height(vec![
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
        write(&dir.join("incapacity.parquet"), &mut df, &mut sha256)?;
        entries.insert(q.to_string(), QuarterEntry { dir: rel, batch: id.clone(), sha256 });
    }

    // Publish: the new manifest replaces the old one by a rename.
    let mut manifest = old.clone().unwrap_or(Manifest {
        format: FORMAT,
        seniority_bound,
        max_line_fte_micro: bounds.fte_micro,
        max_line_wages_cents: Some(bounds.wages_cents),
        quarters: BTreeMap::new(),
    });
    manifest.max_line_wages_cents = Some(bounds.wages_cents);
    let mut replaced = Vec::new();
    let mut obsolete = Vec::new();
    for (q, e) in entries {
        if let Some(prev) = manifest.quarters.insert(q.clone(), e) {
            replaced.push(q.parse().map_err(|m: String| anyhow::anyhow!(m))?);
            obsolete.push(prev.dir);
        }
    }
    if let Some(ms) = std::env::var("RESPONSA_PAUSE_BEFORE_PUBLISH_MS").ok().and_then(|v| v.parse().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    let tmp = store.join(format!("{MANIFEST}.{id}.tmp"));
    std::fs::write(&tmp, serde_json::to_string_pretty(&manifest).map_err(anyhow::Error::from)? + "\n")
        .map_err(|e| io(&tmp, "write", e))?;
    let target = store.join(MANIFEST);
    std::fs::rename(&tmp, &target).map_err(|e| io(&target, "publish", e))?;
    for d in obsolete {
        let _ = std::fs::remove_dir_all(store.join(d));
    }
    clean(store, &manifest);
    Ok(Ingested { quarters: all_quarters.into_iter().collect(), replaced, rejected: rejects.len() as u64, batch: id })
}

/// The positions of the items of each quarter, in order.
fn by_quarter<T>(items: &[T], quarter: impl Fn(&T) -> Quarter) -> BTreeMap<Quarter, Vec<usize>> {
    let mut out: BTreeMap<Quarter, Vec<usize>> = BTreeMap::new();
    for (i, x) in items.iter().enumerate() {
        out.entry(quarter(x)).or_default().push(i);
    }
    out
}

/// Removes what the manifest does not name: folders of replaced quarters, batches no
/// quarter refers to, and what killed ingests left.
fn clean(store: &Path, m: &Manifest) {
    let named: BTreeSet<&str> = m.quarters.values().map(|e| e.dir.as_str()).collect();
    let batches: BTreeSet<&str> = m.quarters.values().map(|e| e.batch.as_str()).collect();
    if let Ok(rd) = std::fs::read_dir(store.join("quarters")) {
        for e in rd.flatten() {
            let rel = format!("quarters/{}", e.file_name().to_string_lossy());
            if !named.contains(rel.as_str()) {
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
    if let Ok(rd) = std::fs::read_dir(store) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            if n.starts_with(&format!("{MANIFEST}.")) && n.ends_with(".tmp") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}
