//! The rows of a small input table (the register, invalidity, incapacity) as text, with
//! the file and line of each, for validation in Rust: CSV files are split into records on
//! every core by [`super::csvblocks`], Parquet files are read by Polars' eager reader and
//! their columns turned into text. Empty CSV fields are absent (`None`), as in the large
//! employment table.

use polars::prelude::{DataType, PolarsResult};
use sha2::Sha256;

use super::csvblocks::{self, Layout};
use super::{parquet_frame, Format, Source};
use crate::error::Result;

/// One text column: every value in one buffer.
#[derive(Debug, Default, Clone)]
pub struct TextColumn {
    bytes: String,
    /// `ends[i]`: the end of value i in `bytes` (its start is `ends[i - 1]`, or 0).
    ends: Vec<usize>,
    present: Vec<bool>,
}

impl TextColumn {
    pub fn push(&mut self, v: Option<&str>) {
        if let Some(v) = v {
            self.bytes.push_str(v);
        }
        self.ends.push(self.bytes.len());
        self.present.push(v.is_some());
    }
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    pub fn get(&self, i: usize) -> Option<&str> {
        if !*self.present.get(i)? {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.bytes.get(start..self.ends[i])
    }
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
    /// Whether no value is present (an optional column the files do not carry).
    pub fn all_absent(&self) -> bool {
        !self.present.iter().any(|p| *p)
    }
    fn append(&mut self, other: TextColumn) {
        let base = self.bytes.len();
        self.bytes.push_str(&other.bytes);
        self.ends.extend(other.ends.into_iter().map(|e| e + base));
        self.present.extend(other.present);
    }
}

/// The rows of a table as text: for each row its file (index into the source's files)
/// and line (CSV: the line of the record, header on line 1; Parquet: the row, from 1),
/// and one column per [`super::Table::columns`].
#[derive(Debug, Default, Clone)]
pub struct TextRows {
    pub file: Vec<u32>,
    pub line: Vec<i64>,
    pub columns: Vec<TextColumn>,
}

impl TextRows {
    fn new(width: usize) -> TextRows {
        TextRows { file: Vec::new(), line: Vec::new(), columns: vec![TextColumn::default(); width] }
    }
    pub fn len(&self) -> usize {
        self.line.len()
    }
    pub fn is_empty(&self) -> bool {
        self.line.is_empty()
    }
    /// The value of row `i` in the column at position `k` of [`super::Table::columns`].
    pub fn get(&self, k: usize, i: usize) -> Option<&str> {
        self.columns.get(k).and_then(|c| c.get(i))
    }
    fn append(&mut self, other: TextRows) {
        self.file.extend(other.file);
        self.line.extend(other.line);
        for (c, o) in self.columns.iter_mut().zip(other.columns) {
            c.append(o);
        }
    }
}

impl Source {
    /// Every row of every file, as text, in file order.
    pub fn text_rows(&self) -> Result<TextRows> {
        let width = self.table.columns().len();
        let mut out = TextRows::new(width);
        for (i, f) in self.files.iter().enumerate() {
            let rows = match f.format {
                Format::Csv => csv_rows(f, width, i as u32)?,
                Format::Parquet => parquet_rows(self, f, width, i as u32)?,
            };
            out.append(rows);
        }
        Ok(out)
    }
}

fn csv_rows(f: &super::InputFile, width: usize, file: u32) -> Result<TextRows> {
    let layout = Layout { width: f.width, positions: f.positions.clone() };
    let blocks = csvblocks::read(&f.path, &layout, Sha256::default(), |block, layout| {
        let mut part = TextRows::new(width);
        let lines = block.records(layout, |line, fields| {
            part.line.push(line as i64);
            for (c, v) in part.columns.iter_mut().zip(fields) {
                c.push(*v);
            }
        })?;
        Ok((lines, part))
    })?;
    let mut out = TextRows::new(width);
    let firsts: Vec<(usize, u64)> = blocks.parts().map(|(seq, _)| (seq, blocks.line(seq, 0))).collect();
    for ((_, mut part), (_, first)) in blocks.into_parts().zip(firsts) {
        for l in part.line.iter_mut() {
            *l += first as i64;
        }
        part.file = vec![file; part.line.len()];
        out.append(part);
    }
    Ok(out)
}

fn parquet_rows(source: &Source, f: &super::InputFile, width: usize, file: u32) -> Result<TextRows> {
    let present: Vec<String> = f.names.iter().flatten().cloned().collect();
    let df = parquet_frame(&f.path, Some(present), None)?;
    let n = df.height();
    let mut out = TextRows::new(width);
    out.file = vec![file; n];
    out.line = (1..=n as i64).collect();
    for (k, name) in f.names.iter().enumerate() {
        let col = &mut out.columns[k];
        let Some(name) = name else {
            (0..n).for_each(|_| col.push(None));
            continue;
        };
        let text = (|| -> PolarsResult<_> { df.column(name)?.cast(&DataType::String) })()
            .map_err(|e| source.unreadable(&f.path, &e.to_string()))?;
        let text = text.str().map_err(|e| source.unreadable(&f.path, &e.to_string()))?;
        text.iter().for_each(|v| col.push(v));
    }
    Ok(out)
}
