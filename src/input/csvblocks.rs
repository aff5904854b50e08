//! Reading a large CSV input in parallel (§7), with the structural checks of §6.
//!
//! One thread reads the file in blocks cut at record boundaries (a newline outside
//! quotes) and fingerprints the bytes as they pass (§4 `sha256`); the blocks are
//! split into records on the worker threads. A block without a quote character, the
//! usual case, is split on bare commas and newlines; a block with quotes goes through
//! `csv_core`, which reads RFC 4180 quoting. Workers know a record's line only relative
//! to their block; [`Blocks::line`] turns it into the file's line once every block has
//! reported how many lines it holds.
//!
//! Structural faults stop the run with the file and line (§6): bytes that are not
//! UTF-8, a record with more fields than the header, a quote the file never closes, and a
//! file cut short: a last line with fewer fields than the header and no final newline (a
//! transfer that stopped in the middle of a line). A complete last line without a final
//! newline is read. Any other record with fewer fields has its missing ones empty, and its
//! row is rejected by the table's own checks.

use std::io::Read;
use std::path::Path;
use std::sync::mpsc::sync_channel;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Bytes per block: large enough that a worker's per-block costs vanish, small enough
/// that the blocks in flight stay far below the file's size.
const BLOCK: usize = 8 << 20;

/// The block size; `RESPONSA_CSV_BLOCK_BYTES` changes it, so that tests can put block
/// boundaries inside small files.
fn block_size() -> usize {
    std::env::var("RESPONSA_CSV_BLOCK_BYTES").ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or(BLOCK)
}

/// One block of records, as the reader cut it.
pub struct Block {
    /// Position of the block in the file.
    pub seq: usize,
    data: Vec<u8>,
    quoted: bool,
    /// The file's last block: the only one that may end inside quotes (a broken file).
    last: bool,
}

/// A structural fault found by a worker, at a line relative to its block.
pub struct BadRecord {
    line: u64,
    column: Option<String>,
    message: String,
}

/// The fields of one record, in the order asked for, empty fields as `None`.
pub type Fields<'a> = [Option<&'a str>];

/// How the asked columns sit in the file's header, and how the file is written.
pub struct Layout {
    /// The header's field count.
    pub width: usize,
    /// For each asked column, its position in the header (`None`: absent, always empty).
    pub positions: Vec<Option<usize>>,
    /// The field separator (`,`; `;` in the Belgian dialect, §11).
    pub delimiter: u8,
    /// For each asked column, how its values become the standard form (empty: all are).
    pub convert: Vec<super::dialect::Convert>,
}

impl Layout {
    /// The layout of a checked input file.
    pub fn of(file: &super::InputFile) -> Layout {
        let convert: Vec<super::dialect::Convert> = file
            .names
            .iter()
            .map(|n| n.as_deref().map_or(super::dialect::Convert::None, |n| file.dialect.conversion(n)))
            .collect();
        let converts = convert.iter().any(|c| *c != super::dialect::Convert::None);
        Layout {
            width: file.width,
            positions: file.positions.clone(),
            delimiter: file.dialect.delimiter(),
            convert: if converts { convert } else { Vec::new() },
        }
    }
}

impl Block {
    /// Calls `f(line, fields)` for every non-empty record, `line` counted from 0 at the
    /// block's first line. Returns the number of lines the block holds.
    pub fn records(&self, layout: &Layout, mut f: impl FnMut(u64, &Fields<'_>)) -> std::result::Result<u64, BadRecord> {
        if !layout.convert.is_empty() {
            // The Belgian dialect (§11): each value in the standard form as it passes.
            let mut owned: Vec<Option<String>> = Vec::with_capacity(layout.convert.len());
            let converted = |line: u64, fields: &Fields<'_>| {
                owned.clear();
                owned.extend(
                    fields
                        .iter()
                        .zip(&layout.convert)
                        .map(|(v, c)| v.map(|s| c.apply(s).unwrap_or_else(|| s.to_string()))),
                );
                let refs: Vec<Option<&str>> = owned.iter().map(|o| o.as_deref()).collect();
                f(line, &refs);
            };
            return if self.quoted {
                self.quoted_records(layout, converted)
            } else {
                self.plain_records(layout, converted)
            };
        }
        if !self.quoted {
            return self.plain_records(layout, f);
        }
        self.quoted_records(layout, f)
    }

    /// Records of a block without quotes: one pass over its delimiters.
    fn plain_records(
        &self,
        layout: &Layout,
        mut f: impl FnMut(u64, &Fields<'_>),
    ) -> std::result::Result<u64, BadRecord> {
        let data = &self.data[..];
        // The block is checked as a whole; only a block that fails is gone through line
        // by line, to name the line.
        let text = match std::str::from_utf8(data) {
            Ok(t) => t,
            Err(_) => {
                for (line, bytes) in data.split(|b| *b == b'\n').enumerate() {
                    utf8(bytes, line as u64)?;
                }
                return Err(BadRecord { line: 0, column: None, message: "invalid UTF-8".into() });
            }
        };
        let bytes = text.as_bytes();
        let mut fields: Vec<Option<&str>> = vec![None; layout.positions.len()];
        let mut raw: Vec<&str> = Vec::with_capacity(layout.width + 1);
        let mut line = 0u64;
        let mut from = 0;
        for i in memchr::memchr2_iter(layout.delimiter, b'\n', bytes) {
            raw.push(&text[from..i]);
            from = i + 1;
            if bytes[i] == b'\n' {
                end_line(layout, &mut raw, &mut fields, line, &mut f)?;
                line += 1;
            }
        }
        // The last record when the file has no final newline: also when its last field is
        // empty (`...,1000.00,` then end of file), where nothing follows the last comma.
        if from < bytes.len() || !raw.is_empty() {
            raw.push(&text[from..]);
            if self.last {
                cut_short(layout, raw.len(), line)?;
            }
            end_line(layout, &mut raw, &mut fields, line, &mut f)?;
            line += 1;
        }
        Ok(line)
    }

    /// RFC 4180 records through `csv_core`, for a block that holds a quote character.
    fn quoted_records(
        &self,
        layout: &Layout,
        mut f: impl FnMut(u64, &Fields<'_>),
    ) -> std::result::Result<u64, BadRecord> {
        use csv_core::ReadRecordResult as R;
        let mut rdr = csv_core::ReaderBuilder::new().delimiter(layout.delimiter).build();
        let mut input = &self.data[..];
        let mut out = vec![0u8; 1024];
        let mut ends = vec![0usize; layout.width + 2];
        let mut line = 0u64;
        let mut last_record = 0u64;
        loop {
            // The record starts after the previous one's line end and any blank lines;
            // `csv_core` may consume those only with this record.
            let skipped = input.iter().take_while(|b| **b == b'\r' || **b == b'\n').filter(|b| **b == b'\n').count();
            let record_line = line + skipped as u64;
            let (mut n_out, mut n_ends) = (0, 0);
            let done = loop {
                let (res, consumed, o, e) = rdr.read_record(input, &mut out[n_out..], &mut ends[n_ends..]);
                line += memchr::memchr_iter(b'\n', &input[..consumed]).count() as u64;
                input = &input[consumed..];
                n_out += o;
                n_ends += e;
                match res {
                    R::InputEmpty => continue,
                    R::OutputFull => out.resize(out.len() * 2, 0),
                    R::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                    R::Record => break false,
                    R::End => break true,
                }
            };
            if done {
                // An odd number of quotes: the last record opened a quote that the file
                // never closes, and would swallow every line after it.
                if self.last && memchr::memchr_iter(b'"', &self.data).count() % 2 == 1 {
                    return Err(BadRecord {
                        line: last_record,
                        column: None,
                        message: format!(
                            "unterminated quoted field: a quote opened in this record is never closed; {CUT}"
                        ),
                    });
                }
                return Ok(line + u64::from(!self.data.ends_with(b"\n") && !self.data.is_empty()));
            }
            last_record = record_line;
            let text = utf8(&out[..n_out], record_line)?;
            let mut raw: Vec<&str> = Vec::with_capacity(n_ends);
            let mut from = 0;
            for &end in &ends[..n_ends] {
                raw.push(&text[from..end]);
                from = end;
            }
            if raw.len() == 1 && raw[0].is_empty() {
                continue;
            }
            if self.last && input.is_empty() && !self.data.ends_with(b"\n") {
                cut_short(layout, raw.len(), record_line)?;
            }
            let mut placed: Vec<Option<&str>> = vec![None; layout.positions.len()];
            place(layout, &raw, &mut placed, record_line)?;
            f(record_line, &placed);
        }
    }
}

/// What a file cut short is told (§6).
const CUT: &str = "the file ends inside this line: cut short?";

/// §6: the file's last line, without a final newline, holds fewer fields than the header:
/// the file was cut in the middle of a line, which is a structural error, not a row fault.
fn cut_short(layout: &Layout, fields: usize, line: u64) -> std::result::Result<(), BadRecord> {
    if fields >= layout.width {
        return Ok(());
    }
    Err(BadRecord {
        line,
        column: None,
        message: format!("{CUT} ({fields} fields where the header has {}, and no final newline)", layout.width),
    })
}

/// Hands one record of a plain block to `f`, unless the line is empty.
fn end_line<'a>(
    layout: &Layout,
    raw: &mut Vec<&'a str>,
    fields: &mut [Option<&'a str>],
    line: u64,
    f: &mut impl FnMut(u64, &Fields<'_>),
) -> std::result::Result<(), BadRecord> {
    if let Some(last) = raw.last_mut() {
        *last = last.strip_suffix('\r').unwrap_or(last);
    }
    if !(raw.len() == 1 && raw[0].is_empty()) {
        place(layout, raw, fields, line)?;
        f(line, fields);
    }
    raw.clear();
    Ok(())
}

/// UTF-8 text of one record, or the fault naming the field that is not.
fn utf8(bytes: &[u8], line: u64) -> std::result::Result<&str, BadRecord> {
    std::str::from_utf8(bytes).map_err(|e| {
        let field = bytes[..e.valid_up_to()].iter().filter(|b| **b == b',').count() + 1;
        BadRecord {
            line,
            column: Some(format!("field {field}")),
            message: "invalid UTF-8: the file must be UTF-8 text".to_string(),
        }
    })
}

/// Puts the raw fields of a record in the asked order.
fn place<'a>(
    layout: &Layout,
    raw: &[&'a str],
    fields: &mut [Option<&'a str>],
    line: u64,
) -> std::result::Result<(), BadRecord> {
    if raw.len() > layout.width {
        return Err(BadRecord {
            line,
            column: None,
            message: format!("{} fields where the header has {}", raw.len(), layout.width),
        });
    }
    for (slot, pos) in fields.iter_mut().zip(&layout.positions) {
        *slot = pos.and_then(|p| raw.get(p).copied()).filter(|s| !s.is_empty());
    }
    Ok(())
}

/// What a worker returns for one block: its line count and result, or its fault.
pub type Worked<T> = std::result::Result<(u64, T), BadRecord>;

/// What the workers returned, block by block, and the file's fingerprint.
pub struct Blocks<T> {
    /// `(seq, lines in the block, result)`, in file order.
    parts: Vec<(usize, u64, T)>,
    /// Line of the first record of each block, 1-based.
    first_lines: Vec<u64>,
    /// The fingerprint, continued over this file's bytes.
    pub hasher: Sha256,
}

impl<T> Blocks<T> {
    /// The file line of `line` of block `seq`.
    pub fn line(&self, seq: usize, line: u64) -> u64 {
        self.first_lines[seq] + line
    }
    pub fn into_parts(self) -> impl Iterator<Item = (usize, T)> {
        self.parts.into_iter().map(|(s, _, t)| (s, t))
    }
    pub fn parts(&self) -> impl Iterator<Item = (usize, &T)> {
        self.parts.iter().map(|(s, _, t)| (*s, t))
    }
}

/// Reads `path` (header on line 1) and runs `work` on every block, in parallel;
/// `hasher` goes on over the file's bytes.
pub fn read<T: Send>(
    path: &Path,
    layout: &Layout,
    hasher: Sha256,
    work: impl Fn(&Block, &Layout) -> std::result::Result<(u64, T), BadRecord> + Sync,
) -> Result<Blocks<T>> {
    let open_err = |e: std::io::Error| Error::at(path, None, None, format!("cannot read: {e}"));
    let mut file = std::fs::File::open(path).map_err(open_err)?;
    let (tx, rx) = sync_channel::<Block>(2);
    // Buffers come back from the workers to be filled again: the memory of a run stays a
    // few blocks, touched once, instead of a fresh allocation per block.
    let (give_back, take_back) = sync_channel::<Vec<u8>>(8);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> std::io::Result<Sha256> {
            let mut hasher = hasher;
            let block = block_size();
            let fresh = |rest: &[u8]| {
                let mut v = take_back.try_recv().unwrap_or_default();
                v.clear();
                v.reserve(block + rest.len());
                v.extend_from_slice(rest);
                v
            };
            let mut buf: Vec<u8> = fresh(&[]);
            let mut seq = 0usize;
            let mut header_done = false;
            let mut eof = false;
            while !eof {
                let old = buf.len();
                let n = (&mut file).take(block as u64).read_to_end(&mut buf)?;
                hasher.update(&buf[old..]);
                eof = n == 0;
                if !header_done {
                    // The header was checked before (input::open); skip it.
                    match memchr::memchr(b'\n', &buf) {
                        Some(i) => {
                            buf.drain(..=i);
                            header_done = true;
                        }
                        None if eof => break,
                        None => continue,
                    }
                }
                let cut = if eof { Some(buf.len()) } else { cut_point(&buf) };
                let Some(cut) = cut else { continue };
                if cut == 0 {
                    continue;
                }
                let next = fresh(&buf[cut..]);
                buf.truncate(cut);
                let quoted = memchr::memchr(b'"', &buf).is_some();
                let data = std::mem::replace(&mut buf, next);
                if tx.send(Block { seq, data, quoted, last: eof }).is_err() {
                    break;
                }
                seq += 1;
            }
            drop(tx);
            Ok(hasher)
        });
        let results: Vec<(usize, Worked<T>)> = rx
            .into_iter()
            .par_bridge()
            .map(|b| {
                let r = (b.seq, work(&b, layout));
                give_back.try_send(b.data).ok();
                r
            })
            .collect();
        let hasher = reader.join().map_err(|_| anyhow::anyhow!("the CSV reader thread failed"))?.map_err(open_err)?;
        let mut results = results;
        results.sort_by_key(|r| r.0);
        let mut first_lines = Vec::with_capacity(results.len());
        let mut next = 2u64;
        let mut parts = Vec::with_capacity(results.len());
        for (seq, r) in results {
            match r {
                Ok((lines, t)) => {
                    first_lines.push(next);
                    next += lines;
                    parts.push((seq, lines, t));
                }
                Err(f) => return Err(Error::at(path, Some(next + f.line), f.column.as_deref(), f.message)),
            }
        }
        Ok(Blocks { parts, first_lines, hasher })
    })
}

/// Where a block may end: after the last newline that lies outside quotes. The buffer
/// always starts outside quotes (it starts at a previous cut).
fn cut_point(buf: &[u8]) -> Option<usize> {
    if memchr::memchr(b'"', buf).is_none() {
        return memchr::memrchr(b'\n', buf).map(|i| i + 1);
    }
    let mut in_quotes = false;
    let mut cut = None;
    for i in memchr::memchr2_iter(b'"', b'\n', buf) {
        if buf[i] == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            cut = Some(i + 1);
        }
    }
    cut
}
