//! Employment lines from Parquet files (SPEC §2.2, §7): a Polars streaming scan decodes
//! and parses the columns and hands its batches to the run aggregation on the other
//! threads; a second scan with row numbers locates the rows that were not used, each
//! judged by the same [`employment::check`].

use std::sync::Arc;

use polars::prelude::*;
use rayon::prelude::*;

use crate::error::Result;
use crate::input::employment::{self, Fields};
use crate::input::register::Register;
use crate::input::rejects::Reject;
use crate::input::{parsed, Kind, Source, Table};
use crate::parse::Fault;
use crate::quarter::Quarter;

use super::{Agg, Params, Part};

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

/// The typed columns of an employment scan, parsed by Polars as every typed input is
/// ([`parsed`]), with the employer's register index.
fn typed_columns(register: &Register) -> Vec<Expr> {
    let index = Arc::new(register.index.clone());
    vec![
        employer_index(col("employer_id"), index).alias("emp"),
        col("worker_id"),
        parsed("quarter", Kind::Quarter).alias("qi"),
        parsed("fte", Kind::Fte).alias("fte_micro"),
        parsed("seniority_date", Kind::Date).alias("sen"),
        parsed("in_service_at_quarter_end", Kind::Bool).alias("ins"),
        parsed("wages", Kind::Money).alias("wages_cents"),
        col("joint_committee"),
    ]
}

/// Runs a Polars streaming plan and hands its batches to `work` on the other threads.
fn stream_batches<T: Send>(
    source: &Source,
    plan: LazyFrame,
    work: impl Fn(&DataFrame) -> Result<T> + Sync,
) -> Result<Vec<T>> {
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
        let parts: Vec<Result<T>> = rx.into_iter().par_bridge().map(|df| work(&df)).collect();
        runner.join().map_err(|_| anyhow::anyhow!("the Parquet reader failed"))?.map_err(|e| source.read_error(&e))?;
        parts.into_iter().collect()
    })
}

/// Parquet files: a Polars streaming scan parses the columns and hands its batches to the
/// aggregation on the other threads.
pub(super) fn parquet_files(source: &Source, p: &Params<'_>) -> Result<Vec<Part>> {
    let plan = source.scan_with(false, false)?.select(typed_columns(p.register));
    stream_batches(source, plan, |df| batch(df, p))
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

/// The typed columns of one decoded batch.
struct Columns {
    emp: Series,
    worker: Series,
    qi: Series,
    fte: Series,
    sen: Series,
    ins: Series,
    wages: Series,
    jc: Series,
}

impl Columns {
    fn of(df: &DataFrame) -> Result<Columns> {
        let c = |name: &str| df.column(name).map(|c| c.as_materialized_series().clone());
        Ok(Columns {
            emp: c("emp")?,
            worker: c("worker_id")?.cast(&DataType::String)?,
            qi: c("qi")?,
            fte: c("fte_micro")?,
            sen: c("sen")?,
            ins: c("ins")?,
            wages: c("wages_cents")?,
            jc: c("joint_committee")?.cast(&DataType::String)?,
        })
    }

    /// Calls `f(row, fields)` for each row. A value Polars could not parse is null here;
    /// it is reported as unparseable, and its precise reason is found from its text
    /// when the row is located ([`locate`]).
    /// The employer's identifier is the register's for its index (`ids`): a row whose
    /// employer is missing or unknown has no index, and is not used either way (its
    /// precise reason comes from its text in [`locate`]).
    fn each<'a>(&'a self, ids: &'a [String], mut f: impl FnMut(usize, &Fields<'_>)) -> Result<()> {
        let (emp, worker, qi, fte) = (self.emp.u32()?, self.worker.str()?, self.qi.i32()?, self.fte.i64()?);
        let id_of = |e: u32| ids.get(e as usize).map(String::as_str);
        let (sen, ins, wages, jc) = (self.sen.i32()?, self.ins.bool()?, self.wages.i64()?, self.jc.str()?);
        let bad = || Fault::Unparseable;
        let no_nulls = [emp.null_count(), worker.null_count(), qi.null_count(), fte.null_count()]
            .into_iter()
            .chain([sen.null_count(), ins.null_count(), wages.null_count()])
            .all(|n| n == 0);
        if no_nulls {
            // The usual batch: every value present, read from contiguous slices.
            let (emp, qi, fte, sen, wages) =
                (emp.rechunk(), qi.rechunk(), fte.rechunk(), sen.rechunk(), wages.rechunk());
            let (emp, qi, fte, sen, wages) =
                (emp.cont_slice()?, qi.cont_slice()?, fte.cont_slice()?, sen.cont_slice()?, wages.cont_slice()?);
            let rows = worker.iter().zip(ins.iter()).zip(jc.iter());
            for (i, ((worker, ins), jc)) in rows.enumerate() {
                f(
                    i,
                    &Fields {
                        employer_id: id_of(emp[i]),
                        employer: Some(emp[i]),
                        worker_id: worker,
                        quarter: Ok(Quarter(qi[i])),
                        fte: Ok(fte[i]),
                        seniority_date: Ok(sen[i]),
                        in_service: ins.ok_or_else(bad),
                        wages: Ok(wages[i]),
                        joint_committee: jc,
                    },
                );
            }
            return Ok(());
        }
        let rows = emp.iter().zip(worker.iter()).zip(qi.iter().zip(fte.iter()));
        let rest = sen.iter().zip(ins.iter()).zip(wages.iter().zip(jc.iter()));
        for (i, (((emp, worker), (qi, fte)), ((sen, ins), (wages, jc)))) in rows.zip(rest).enumerate() {
            f(
                i,
                &Fields {
                    employer_id: emp.and_then(id_of),
                    employer: emp,
                    worker_id: worker,
                    quarter: qi.map(Quarter).ok_or_else(bad),
                    fte: fte.ok_or_else(bad),
                    seniority_date: sen.ok_or_else(bad),
                    in_service: ins.ok_or_else(bad),
                    wages: wages.ok_or_else(bad),
                    joint_committee: jc,
                },
            );
        }
        Ok(())
    }
}

/// Aggregates one decoded Parquet batch.
fn batch(df: &DataFrame, p: &Params<'_>) -> Result<Part> {
    let mut agg = Agg::new(p);
    Columns::of(df)?.each(&p.register.ids, |_, f| {
        let _ = agg.push(f);
    })?;
    Ok(agg.finish())
}

/// The rejected rows of Parquet files, with their reasons: a second scan with row
/// numbers, where each row is checked by the same [`employment::check`] on the same
/// Polars-parsed values, and a rejected row's reason is taken from its text.
pub(super) fn locate(source: &Source, register: &Register, max_line_fte_micro: i64) -> Result<Vec<Reject>> {
    let mut cols = vec![col("__file"), col("__line")];
    cols.extend(typed_columns(register));
    let text: Vec<Expr> = Table::Employment
        .columns()
        .iter()
        .map(|c| col(*c).cast(DataType::String).alias(format!("__text_{c}")))
        .collect();
    cols.extend(text);
    let plan = source.scan_with(false, true)?.select(cols);
    let found = stream_batches(source, plan, |df| {
        let files = df.column("__file")?.u32()?.clone();
        let lines = df.column("__line")?.i64()?.clone();
        let text_cols: Vec<StringChunked> = Table::Employment
            .columns()
            .iter()
            .map(|c| Ok(df.column(&format!("__text_{c}"))?.str()?.clone()))
            .collect::<Result<_>>()?;
        let mut out = Vec::new();
        Columns::of(df)?.each(&register.ids, |i, f| {
            let Err(typed_fault) = employment::check(f, max_line_fte_micro) else { return };
            let t: Vec<Option<&str>> = text_cols.iter().map(|c| c.get(i)).collect();
            let from_text = employment::from_text(&t, |id| register.index.get(id).copied());
            let reason = match employment::check(&from_text, max_line_fte_micro) {
                Err(fault) => fault.reason(),
                Ok(_) => typed_fault.reason(),
            };
            out.push(Reject {
                file: source.file_name(files.get(i).unwrap_or(u32::MAX)),
                line: lines.get(i).unwrap_or(-1),
                reason,
            });
        })?;
        Ok(out)
    })?;
    let mut rejects: Vec<Reject> = found.into_iter().flatten().collect();
    rejects.sort();
    Ok(rejects)
}
