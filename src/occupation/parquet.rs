//! Employment lines from Parquet files (§2.2, §7): Polars' eager reader decodes
//! the files piece by piece (a row group, or a slice of a large one) on every core, the
//! columns are parsed and each piece is aggregated; a second pass with row numbers
//! locates the rows that were not used, each judged by the same [`employment::check`].

use compact_str::CompactString;
use polars::prelude::*;
use rayon::prelude::*;

use crate::error::Result;
use crate::input::employment::{self, Fields, RowBounds};
use crate::input::register::Register;
use crate::input::rejects::Reject;
use crate::input::{self, parse_column, Kind, Source, Table};
use crate::parse::Fault;
use crate::quarter::Quarter;

use super::{Agg, Params, Part};

/// The register index of each line's employer, null when unknown.
fn employer_index(s: &Series, index: &PlHashMap<CompactString, u32>) -> PolarsResult<Series> {
    let s = s.cast(&DataType::String)?;
    // Lines come in runs of one employer: the lookup is memoised.
    let mut last: Option<(&str, Option<u32>)> = None;
    let out = crate::input::map_texts::<UInt32Type>(s.str()?, |v| match last {
        Some((id, e)) if id == v => e,
        _ => {
            let e = index.get(v).copied();
            last = Some((v, e));
            e
        }
    });
    Ok(out.into_series())
}

/// Rows per piece read at once, at most about: whole row groups, as many pieces as a
/// multiple of the threads. Measured on the national file (27 million lines in row groups
/// of 262,144, 2 cores, interleaved, 5 runs), with freed memory kept two seconds
/// (`src/main.rs`): pieces of about 2 million rows held 1,099 MB at the peak against
/// 1,721 MB for 4 million, and took no longer (4.76 s against 5.74 s, a noisy series);
/// 1 million took more user time.
const PIECE_ROWS: usize = 1 << 21;

/// One piece of one file: (file index, first row, rows).
type Piece = (usize, usize, usize);

/// The pieces of every Parquet file of the source, whole row groups each, with each
/// file's metadata (read once).
fn pieces(source: &Source) -> Result<(Vec<Piece>, Vec<FileMetadataRef>)> {
    let mds: Vec<FileMetadataRef> =
        source.files.iter().map(|f| input::parquet_metadata(&f.path)).collect::<Result<_>>()?;
    // Pieces of about equal size, as many as a multiple of the threads: a last piece alone
    // on one core while the others wait cost a tenth of the national time.
    let total: usize = mds.iter().map(|m| m.num_rows).sum();
    let threads = rayon::current_num_threads().max(1);
    let rounds = total.div_ceil(threads * PIECE_ROWS).max(1);
    let target = total.div_ceil(threads * rounds).max(1);
    let mut out = Vec::new();
    for (i, md) in mds.iter().enumerate() {
        let mut piece: Option<Piece> = None;
        for (first, rows) in input::parquet_row_groups(md) {
            piece = match piece {
                Some((_, at, n)) if n < target => Some((i, at, n + rows)),
                Some(p) => {
                    out.push(p);
                    Some((i, first, rows))
                }
                None => Some((i, first, rows)),
            };
        }
        out.extend(piece);
    }
    Ok((out, mds))
}

/// Reads one piece: the employment columns the file has, under their names in the contract.
fn read_piece(source: &Source, mds: &[FileMetadataRef], (file, first, rows): Piece) -> Result<DataFrame> {
    let f = &source.files[file];
    let present: Vec<String> = f.names.iter().flatten().cloned().collect();
    let df = input::parquet_piece(&f.path, &mds[file], present, (first, rows))?;
    let mut cols = Vec::new();
    for (c, name) in Table::Employment.columns().iter().zip(&f.names) {
        let col = match name {
            Some(n) => df.column(n)?.as_materialized_series().clone().with_name((*c).into()),
            None => Series::full_null((*c).into(), df.height(), &DataType::String),
        };
        cols.push(col.into());
    }
    Ok(DataFrame::new(df.height(), cols)?)
}

/// The typed columns of a piece, parsed as every typed input is ([`parse_column`]), with
/// the employer's register index.
/// A column of a type no value of it can be read from (a list, a struct) is a structural
/// error naming the file and the column.
fn typed(df: &DataFrame, register: &Register, path: &std::path::Path) -> Result<Columns> {
    let c = |name: &str| -> Result<Series> { Ok(df.column(name)?.as_materialized_series().clone()) };
    let bad = |name: &'static str| {
        move |e: PolarsError| {
            crate::error::Error::at(path, None, Some(name), format!("a column of a type that cannot be read: {e}"))
        }
    };
    Ok(Columns {
        emp: employer_index(&c("employer_id")?, &register.index).map_err(bad("employer_id"))?,
        worker: c("worker_id")?.cast(&DataType::String).map_err(bad("worker_id"))?,
        qi: parse_column(&c("quarter")?, Kind::Quarter).map_err(bad("quarter"))?,
        fte: parse_column(&c("fte")?, Kind::Fte).map_err(bad("fte"))?,
        sen: parse_column(&c("seniority_date")?, Kind::Date).map_err(bad("seniority_date"))?,
        ins: parse_column(&c("in_service_at_quarter_end")?, Kind::Bool).map_err(bad("in_service_at_quarter_end"))?,
        wages: parse_column(&c("wages")?, Kind::Money).map_err(bad("wages"))?,
        jc: c("joint_committee")?.cast(&DataType::String).map_err(bad("joint_committee"))?,
    })
}

/// Parquet files: each piece is read by Polars' eager reader and aggregated, on every core.
pub(super) fn parquet_files(source: &Source, p: &Params<'_>) -> Result<Vec<Part>> {
    let (pieces, mds) = pieces(source)?;
    pieces
        .into_par_iter()
        .map(|piece| batch(&typed(&read_piece(source, &mds, piece)?, p.register, &source.files[piece.0].path)?, p))
        .collect()
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
    /// Calls `f(row, fields)` for each row. A value Polars could not parse is null here;
    /// it is reported as unparseable, and its precise reason is found from its text
    /// when the row is located ([`locate`]).
    /// The employer's identifier is the register's for its index (`ids`): a row whose
    /// employer is missing or unknown has no index, and is not used either way (its
    /// precise reason comes from its text in [`locate`]).
    fn each<'a>(&'a self, ids: &'a [CompactString], mut f: impl FnMut(usize, &Fields<'_>)) -> Result<()> {
        let (emp, worker, qi, fte) = (self.emp.u32()?, self.worker.str()?, self.qi.i32()?, self.fte.i64()?);
        let id_of = |e: u32| ids.get(e as usize).map(CompactString::as_str);
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

/// Aggregates one decoded piece.
fn batch(columns: &Columns, p: &Params<'_>) -> Result<Part> {
    let mut agg = Agg::new(p);
    columns.each(&p.register.ids, |_, f| {
        let _ = agg.push(f);
    })?;
    Ok(agg.finish())
}

/// The rejected rows of Parquet files, with their reasons: a second pass with row
/// numbers, where each row is checked by the same [`employment::check`] on the same
/// Polars-parsed values, and a rejected row's reason is taken from its text.
pub(super) fn locate(
    source: &Source,
    register: &Register,
    bounds: RowBounds,
    kept_quarters: Option<&[i32]>,
) -> Result<Vec<Reject>> {
    let (pieces, mds) = pieces(source)?;
    let found: Vec<Vec<Reject>> = pieces
        .into_par_iter()
        .map(|piece| -> Result<Vec<Reject>> {
            let (file, first, _) = piece;
            let df = read_piece(source, &mds, piece)?;
            let text_cols: Vec<Series> = Table::Employment
                .columns()
                .iter()
                .map(|c| {
                    df.column(c)?.as_materialized_series().cast(&DataType::String).map_err(|e| {
                        crate::error::Error::at(
                            &source.files[file].path,
                            None,
                            Some(c),
                            format!("unreadable column: {e}"),
                        )
                    })
                })
                .collect::<Result<_>>()?;
            let text_cols: Vec<&StringChunked> = text_cols.iter().map(|c| c.str()).collect::<PolarsResult<_>>()?;
            let mut out = Vec::new();
            typed(&df, register, &source.files[file].path)?.each(&register.ids, |i, f| {
                let typed_fault = match employment::check(f, bounds) {
                    Err(fault) => fault,
                    Ok(l) if kept_quarters.is_some_and(|k| k.binary_search(&l.quarter.0).is_err()) => {
                        employment::LineFault::QuarterNotIngested(l.quarter)
                    }
                    Ok(_) => return,
                };
                let t: Vec<Option<&str>> = text_cols.iter().map(|c| c.get(i)).collect();
                let from_text = employment::from_text(&t, |id| register.index.get(id).copied());
                let reason = match employment::check(&from_text, bounds) {
                    Err(fault) => fault.reason(),
                    Ok(_) => typed_fault.reason(),
                };
                out.push(Reject::new(source.file_name(file as u32), (first + i + 1) as i64, reason).of_row(t[1], t[0]));
            })?;
            Ok(out)
        })
        .collect::<Result<_>>()?;
    let mut rejects: Vec<Reject> = found.into_iter().flatten().collect();
    rejects.sort();
    Ok(rejects)
}
