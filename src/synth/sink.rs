//! Writing the synthetic inputs (§7) in employer order: CSV text, or Parquet
//! written in batches of a million rows.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{io, Result};

use super::{Columns, OutputFormat};

pub(super) const EMPLOYMENT_HEADER: &str =
    "quarter,employer_id,worker_id,fte,seniority_date,in_service_at_quarter_end,wages,joint_committee\n";
pub(super) const INVALIDITY_HEADER: &str =
    "worker_id,employer_id,primary_incapacity_start,invalidity_start,birth_date,seniority_date,resumption_authorized\n";

pub(super) const INCAPACITY_HEADER: &str = "worker_id,employer_id,incapacity_start,incapacity_end,birth_date,service_start,worker_type,disability_recognised,part_time_resumption,daily_benefit\n";

pub(super) fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<()> {
    let f = File::create(path).map_err(|e| io(path, "create", e))?;
    ParquetWriter::new(f).with_compression(ParquetCompression::Uncompressed).finish(df)?;
    Ok(())
}

/// An output file written in employer order: CSV text, or Parquet batches.
pub(super) struct Sink {
    pub(super) path: PathBuf,
    /// Data lines written so far (the header is line 1, so data line n is line n + 1).
    pub(super) lines: usize,
    csv: Option<BufWriter<File>>,
    parquet: Option<polars::io::parquet::write::BatchedWriter<File>>,
    pending: Vec<DataFrame>,
    pending_rows: usize,
}

impl Sink {
    pub(super) fn new(dir: &Path, name: &str, format: OutputFormat, header: &str) -> Result<Sink> {
        let ext = if format == OutputFormat::Csv { "csv" } else { "parquet" };
        let path = dir.join(format!("{name}.{ext}"));
        let mut sink = Sink { path, lines: 0, csv: None, parquet: None, pending: Vec::new(), pending_rows: 0 };
        if format == OutputFormat::Csv {
            let file = File::create(&sink.path).map_err(|e| io(&sink.path, "create", e))?;
            let mut w = BufWriter::with_capacity(1 << 20, file);
            w.write_all(header.as_bytes()).map_err(|e| io(&sink.path, "write", e))?;
            sink.csv = Some(w);
        }
        Ok(sink)
    }

    pub(super) fn push_text(&mut self, bytes: &[u8], rows: usize) -> Result<()> {
        if let Some(w) = &mut self.csv {
            w.write_all(bytes).map_err(|e| io(&self.path, "write", e))?;
            self.lines += rows;
        }
        Ok(())
    }

    fn push_frame(&mut self, df: DataFrame) -> Result<()> {
        self.pending_rows += df.height();
        self.pending.push(df);
        if self.pending_rows >= 1_000_000 {
            self.flush_frames()?;
        }
        Ok(())
    }

    fn flush_frames(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut frames = std::mem::take(&mut self.pending).into_iter();
        let mut df = frames.next().unwrap_or_default();
        for f in frames {
            df.vstack_mut_owned(f)?;
        }
        df.rechunk_mut();
        self.pending_rows = 0;
        if self.parquet.is_none() {
            let f = File::create(&self.path).map_err(|e| io(&self.path, "create", e))?;
            self.parquet =
                Some(ParquetWriter::new(f).with_compression(ParquetCompression::Uncompressed).batched(df.schema())?);
        }
        if let Some(w) = &mut self.parquet {
            w.write_batch(&df)?;
        }
        Ok(())
    }

    pub(super) fn push_employment(&mut self, c: &Columns) -> Result<()> {
        let sen = Series::new("seniority_date".into(), &c.seniority).cast(&DataType::Date)?;
        let df = DataFrame::new_infer_height(vec![
            Column::new("quarter".into(), &c.quarter),
            Column::new("employer_id".into(), &c.employer),
            Column::new("worker_id".into(), &c.worker),
            Column::new("fte".into(), &c.fte),
            sen.into(),
            Column::new("in_service_at_quarter_end".into(), &c.in_service),
            Column::new("wages".into(), &c.wages),
            Column::new("joint_committee".into(), &c.jc),
        ])?;
        self.push_frame(df)
    }

    pub(super) fn push_invalidity(&mut self, c: &Columns) -> Result<()> {
        let names = ["primary_incapacity_start", "invalidity_start", "birth_date", "seniority_date"];
        let mut cols = vec![Column::new("worker_id".into(), &c.inv[0]), Column::new("employer_id".into(), &c.inv[1])];
        for (n, d) in names.iter().zip(&c.inv_dates) {
            cols.push(Series::new((*n).into(), d).cast(&DataType::Date)?.into());
        }
        cols.push(Column::new("resumption_authorized".into(), &c.inv_resumption));
        self.push_frame(DataFrame::new_infer_height(cols)?)
    }

    pub(super) fn push_incapacity(&mut self, c: &Columns) -> Result<()> {
        let date =
            |n: &str, d: &Vec<i32>| -> Result<Column> { Ok(Series::new(n.into(), d).cast(&DataType::Date)?.into()) };
        let optional = |n: &str, d: &Vec<Option<i32>>| -> Result<Column> {
            Ok(Series::new(n.into(), d).cast(&DataType::Date)?.into())
        };
        let df = DataFrame::new_infer_height(vec![
            Column::new("worker_id".into(), &c.inc[0]),
            Column::new("employer_id".into(), &c.inc[1]),
            date("incapacity_start", &c.inc_dates[0])?,
            optional("incapacity_end", &c.inc_optional[0])?,
            date("birth_date", &c.inc_dates[1])?,
            date("service_start", &c.inc_dates[2])?,
            Column::new("worker_type".into(), &c.inc[2]),
            Column::new("disability_recognised".into(), &c.inc_disability),
            optional("part_time_resumption", &c.inc_optional[1])?,
            Column::new("daily_benefit".into(), &c.inc_benefit),
        ])?;
        self.push_frame(df)
    }

    pub(super) fn finish(mut self) -> Result<()> {
        if let Some(w) = &mut self.csv {
            w.flush().map_err(|e| io(&self.path, "write", e))?;
            return Ok(());
        }
        self.flush_frames()?;
        match &self.parquet {
            Some(w) => {
                w.finish()?;
            }
            None => {
                // No row at all: still write a file with the header's columns.
                let mut df = DataFrame::empty();
                write_parquet(&self.path, &mut df)?;
            }
        }
        Ok(())
    }
}

/// A DmfA file being written: its writer, path, number and declarations written.
type OpenFile = (BufWriter<File>, PathBuf, usize, usize);

/// The DmfA files of `generate --format dmfa` (§13): per quarter, files of
/// [`super::DMFA_DECLARATIONS_PER_FILE`] declarations, `dmfa/QUARTER-NNN.xml`, written in
/// employer order.
pub(super) struct DmfaSink {
    dir: PathBuf,
    quarters: Vec<String>,
    /// Per quarter: the open file.
    open: Vec<Option<OpenFile>>,
    /// Per quarter: files opened so far.
    files: Vec<usize>,
}

impl DmfaSink {
    pub(super) fn new(out: &Path, quarters: &[crate::quarter::Quarter]) -> Result<DmfaSink> {
        let dir = out.join(crate::dmfa::FOLDER);
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, "create", e))?;
        Ok(DmfaSink {
            dir,
            quarters: quarters.iter().map(|q| q.to_string()).collect(),
            open: quarters.iter().map(|_| None).collect(),
            files: vec![0; quarters.len()],
        })
    }

    /// One declaration of quarter `qi`.
    pub(super) fn push(&mut self, qi: usize, xml: &str) -> Result<()> {
        if self.open[qi].as_ref().is_some_and(|o| o.3 >= super::DMFA_DECLARATIONS_PER_FILE) {
            self.close(qi)?;
        }
        if self.open[qi].is_none() {
            let number = self.files[qi];
            self.files[qi] += 1;
            let path = self.dir.join(format!("{}-{number:03}.xml", self.quarters[qi]));
            let f = File::create(&path).map_err(|e| io(&path, "create", e))?;
            let mut w = BufWriter::with_capacity(1 << 20, f);
            w.write_all(crate::dmfa::write::HEAD.as_bytes()).map_err(|e| io(&path, "write", e))?;
            self.open[qi] = Some((w, path, number, 0));
        }
        if let Some((w, path, _, n)) = self.open[qi].as_mut() {
            w.write_all(xml.as_bytes()).map_err(|e| io(path, "write", e))?;
            *n += 1;
        }
        Ok(())
    }

    fn close(&mut self, qi: usize) -> Result<()> {
        if let Some((mut w, path, _, _)) = self.open[qi].take() {
            w.write_all(crate::dmfa::write::TAIL.as_bytes()).map_err(|e| io(&path, "write", e))?;
            w.flush().map_err(|e| io(&path, "write", e))?;
        }
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<()> {
        for qi in 0..self.open.len() {
            self.close(qi)?;
        }
        Ok(())
    }
}
