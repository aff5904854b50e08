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

/// One text column: every value in one buffer. Rows from `ends.len()` to `len` are absent
/// and take no room: a column a file does not carry (the register's optional `language`,
/// `name` and `address`) costs nothing per row.
#[derive(Debug, Default, Clone)]
pub struct TextColumn {
    bytes: String,
    /// `ends[i]`: the end of value i in `bytes` (its start is `ends[i - 1]`, or 0). Four
    /// bytes each, not eight: the national register's read held 96 MB less; a column of
    /// more than 4 GB of text is refused ([`TextColumn::fits`]).
    ends: Vec<u32>,
    present: Vec<bool>,
    len: usize,
}

impl TextColumn {
    pub fn push(&mut self, v: Option<&str>) {
        if let Some(v) = v {
            self.fill();
            self.bytes.push_str(v);
            self.ends.push(self.bytes.len() as u32);
            self.present.push(true);
        }
        self.len += 1;
    }
    /// Absent rows written out up to `len`, before a value is added after them.
    fn fill(&mut self) {
        let (end, missing) = (self.bytes.len() as u32, self.len - self.ends.len());
        self.ends.extend(std::iter::repeat_n(end, missing));
        self.present.extend(std::iter::repeat_n(false, missing));
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn get(&self, i: usize) -> Option<&str> {
        if !*self.present.get(i)? {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.bytes.get(start..self.ends[i] as usize)
    }
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
    /// Whether its text fits the four-byte ends (4 GB; a national register holds 74 MB).
    fn fits(&self) -> bool {
        u32::try_from(self.bytes.len()).is_ok()
    }
    /// Whether no value is present (an optional column the files do not carry).
    pub fn all_absent(&self) -> bool {
        !self.present.iter().any(|p| *p)
    }
    fn append(&mut self, other: TextColumn) {
        if !other.ends.is_empty() {
            self.fill();
            let base = self.bytes.len() as u32;
            self.bytes.push_str(&other.bytes);
            self.ends.extend(other.ends.into_iter().map(|e| e.wrapping_add(base)));
            self.present.extend(other.present);
        }
        self.len += other.len;
    }
    fn reserve(&mut self, parts: &[&TextColumn]) {
        if parts.iter().any(|c| !c.ends.is_empty()) {
            let rows = parts.iter().map(|c| c.len).sum();
            self.bytes.reserve(parts.iter().map(|c| c.bytes.len()).sum());
            self.ends.reserve(rows);
            self.present.reserve(rows);
        }
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
    /// The parts one after the other. Every buffer is sized once and each part is freed
    /// as soon as it is copied: growing by doubling while every part was still held took
    /// the national register's read to three times its text's size.
    fn concat(width: usize, parts: Vec<TextRows>) -> TextRows {
        let mut out = TextRows::new(width);
        let rows = parts.iter().map(TextRows::len).sum();
        out.file.reserve(rows);
        out.line.reserve(rows);
        for (k, c) in out.columns.iter_mut().enumerate() {
            c.reserve(&parts.iter().filter_map(|p| p.columns.get(k)).collect::<Vec<_>>());
        }
        for part in parts {
            out.file.extend(part.file);
            out.line.extend(part.line);
            for (c, o) in out.columns.iter_mut().zip(part.columns) {
                c.append(o);
            }
        }
        out
    }
}

impl Source {
    /// Every row of every file, as text, in file order.
    pub fn text_rows(&self) -> Result<TextRows> {
        let width = self.table.columns().len();
        let mut files = Vec::with_capacity(self.files.len());
        for (i, f) in self.files.iter().enumerate() {
            files.push(match f.format {
                Format::Csv => csv_rows(f, width, i as u32)?,
                Format::Parquet => parquet_rows(self, f, width, i as u32)?,
                Format::Dmfa => {
                    return Err(crate::error::Error::at(
                        &f.path,
                        None,
                        None,
                        "a DmfA file holds employment lines only (§13), not this input",
                    ))
                }
            });
        }
        let rows = if files.len() == 1 { files.remove(0) } else { TextRows::concat(width, files) };
        if let Some(k) = rows.columns.iter().position(|c| !c.fits()) {
            let column = self.table.columns().get(k).copied().unwrap_or_default();
            let path = self.files.first().map(|f| f.path.clone()).unwrap_or_default();
            return Err(crate::error::Error::at(
                &path,
                None,
                Some(column),
                "more than 4 GB of text in this column: not an input of this size (§2)",
            ));
        }
        Ok(rows)
    }
}

fn csv_rows(f: &super::InputFile, width: usize, file: u32) -> Result<TextRows> {
    let layout = Layout::of(f);
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
    let firsts: Vec<(usize, u64)> = blocks.parts().map(|(seq, _)| (seq, blocks.line(seq, 0))).collect();
    let parts: Vec<TextRows> = blocks
        .into_parts()
        .zip(firsts)
        .map(|((_, mut part), (_, first))| {
            for l in part.line.iter_mut() {
                *l += first as i64;
            }
            part.file = vec![file; part.line.len()];
            part
        })
        .collect();
    Ok(TextRows::concat(width, parts))
}

fn parquet_rows(source: &Source, f: &super::InputFile, width: usize, file: u32) -> Result<TextRows> {
    let present: Vec<String> = f.names.iter().flatten().cloned().collect();
    let df = parquet_frame(&f.path, Some(present), None)?;
    let n = df.height();
    let mut out = TextRows::new(width);
    out.file = vec![file; n];
    out.line = (1..=n as i64).collect();
    // Each column turned into text on a core of its own (the national register: six
    // columns of two million rows).
    use rayon::prelude::*;
    out.columns.par_iter_mut().zip(&f.names).try_for_each(|(col, name)| -> Result<()> {
        let Some(name) = name else {
            (0..n).for_each(|_| col.push(None));
            return Ok(());
        };
        let text = (|| -> PolarsResult<_> { df.column(name)?.cast(&DataType::String) })()
            .map_err(|e| source.unreadable(&f.path, &e.to_string()))?;
        let text = text.str().map_err(|e| source.unreadable(&f.path, &e.to_string()))?;
        text.iter().for_each(|v| col.push(v));
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(values: &[Option<&str>]) -> TextColumn {
        let mut c = TextColumn::default();
        values.iter().for_each(|v| c.push(*v));
        c
    }

    #[test]
    fn absent_rows_take_no_room_and_read_as_absent() {
        let c = column(&[None, None, Some("fr"), None, Some(""), None]);
        assert_eq!(c.len(), 6);
        assert_eq!(c.iter().collect::<Vec<_>>(), vec![None, None, Some("fr"), None, Some(""), None]);
        assert!(!c.all_absent());
        let none = column(&[None, None, None]);
        assert_eq!((none.len(), none.ends.len(), none.all_absent()), (3, 0, true));
        assert_eq!(none.get(1), None);
    }

    #[test]
    fn parts_are_concatenated_in_order() {
        let part = |values: &[Option<&str>], absent: &[Option<&str>]| TextRows {
            file: vec![0; values.len()],
            line: (1..=values.len() as i64).collect(),
            columns: vec![column(values), column(absent)],
        };
        let parts = vec![
            part(&[Some("a"), None], &[None, None]),
            part(&[Some("bc")], &[Some("x")]),
            part(&[None, Some("d")], &[None, None]),
        ];
        let all = TextRows::concat(2, parts);
        assert_eq!(all.len(), 5);
        assert_eq!(all.columns[0].iter().collect::<Vec<_>>(), vec![Some("a"), None, Some("bc"), None, Some("d")]);
        assert_eq!(all.columns[1].iter().collect::<Vec<_>>(), vec![None, None, Some("x"), None, None]);
        assert_eq!(all.line, vec![1, 2, 1, 1, 2]);
    }
}
