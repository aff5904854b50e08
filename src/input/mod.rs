//! The inputs of §2: locating the files (single CSV or Parquet file, or one file per
//! quarter in a sub-folder), checking their structure (§6: a missing file or column
//! is exit 2 with file, line and column) and reading Parquet files with Polars' eager
//! reader (a damaged file is an error naming it, never a panic). The small tables come as
//! text rows ([`text`]); what a typed column holds and how it is parsed is `kind.rs` ([`Kind`]); one
//! module per table reads its rows and their faults.

pub mod csvblocks;
pub mod dialect;
pub mod employment;
pub mod incapacity;
pub mod invalidity;
mod kind;
pub mod ledger;
pub mod register;
pub mod rejects;
pub mod text;

pub use kind::{map_texts, parse_column, Kind};

use std::path::{Path, PathBuf};

use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The four inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Employers,
    Employment,
    Invalidity,
    Incapacity,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Employers => "employers",
            Table::Employment => "employment",
            Table::Invalidity => "invalidity",
            Table::Incapacity => "incapacity",
        }
    }
    /// Required columns (§2).
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Table::Employers => {
                &["quarter", "employer_id", "nace", "employer_category", "joint_committee", "private_sector"]
            }
            Table::Employment => {
                &["quarter", "employer_id", "worker_id", "fte", "seniority_date", "in_service_at_quarter_end", "wages"]
            }
            Table::Invalidity => &[
                "worker_id",
                "employer_id",
                "primary_incapacity_start",
                "invalidity_start",
                "birth_date",
                "seniority_date",
                "resumption_authorized",
            ],
            Table::Incapacity => &[
                "worker_id",
                "employer_id",
                "incapacity_start",
                "birth_date",
                "service_start",
                "worker_type",
                "disability_recognised",
                "daily_benefit",
            ],
        }
    }
    /// Optional columns: read when present, null otherwise.
    pub fn optional(self) -> &'static [&'static str] {
        match self {
            Table::Employers => &["language", "name", "address"],
            Table::Employment => &["joint_committee"],
            Table::Incapacity => &["incapacity_end", "part_time_resumption"],
            _ => &[],
        }
    }
    pub fn columns(self) -> Vec<&'static str> {
        self.required().iter().chain(self.optional()).copied().collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
    /// A DmfA declaration file, `.xml` or `.xml.gz` (§13): employment lines only.
    Dmfa,
}

/// One checked input file.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    pub format: Format,
    /// For each of [`Table::columns`], the column's name as the scan reports it, or
    /// `None` for an absent optional column.
    pub names: Vec<Option<String>>,
    /// CSV: the header's field count, and the position there of each of
    /// [`Table::columns`] (Parquet: the column count, and no positions).
    pub width: usize,
    pub positions: Vec<Option<usize>>,
    /// How a CSV file is written (§11): read as it is, its values converted as they pass.
    pub dialect: dialect::Dialect,
}

impl InputFile {
    /// The line (CSV, header on line 1) or row (Parquet, from 1) of a 0-based record.
    pub fn line_offset(&self) -> i64 {
        match self.format {
            Format::Csv => 2,
            Format::Parquet | Format::Dmfa => 1,
        }
    }
}

/// An input table: its files in name order.
#[derive(Debug, Clone)]
pub struct Source {
    pub table: Table,
    pub files: Vec<InputFile>,
}

fn format_of(p: &Path) -> Option<Format> {
    match p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("csv") => Some(Format::Csv),
        Some("parquet") | Some("pq") => Some(Format::Parquet),
        _ => None,
    }
}

/// How a store (§9) is laid out, as far as a reader of data folders must know it to say
/// that it was given one: its index (the versions, or a first format's manifest) and its
/// quarters. The store itself takes its names from here.
pub const STORE_VERSIONS: &str = "versions";
pub const STORE_MANIFEST: &str = "manifest.json";
pub const STORE_QUARTERS: &str = "quarters";

/// A store given where a data directory is expected is named as one.
pub fn not_a_store(data: &Path) -> Result<()> {
    let index = data.join(STORE_MANIFEST).is_file() || data.join(STORE_VERSIONS).is_dir();
    if index && data.join(STORE_QUARTERS).is_dir() {
        return Err(Error::Usage(format!(
            "{}: this is a responsa store, not a data directory: pass --store {}",
            data.display(),
            data.display()
        )));
    }
    Ok(())
}

/// Finds the files of `table` in `data` (§2) and checks their headers, in the standard
/// CSV dialect.
pub fn open(data: &Path, table: Table) -> Result<Source> {
    open_in(data, table, dialect::Dialect::Standard)
}

/// Finds the files of `table` in `data` (§2) and checks their headers; CSV files are
/// written in `dialect` (§11).
pub fn open_in(data: &Path, table: Table, dialect: dialect::Dialect) -> Result<Source> {
    let name = table.name();
    if !data.is_dir() {
        return Err(Error::Structure(format!("{}: no such data directory", data.display())));
    }
    not_a_store(data)?;
    if table == Table::Employment {
        if let Some(source) = dmfa_source(data)? {
            return Ok(source);
        }
    }
    let candidates: Vec<PathBuf> = [format!("{name}.csv"), format!("{name}.parquet"), name.to_string()]
        .iter()
        .map(|n| data.join(n))
        .filter(|p| p.exists())
        .collect();
    let paths: Vec<(PathBuf, Format)> = match candidates.as_slice() {
        [] => {
            return Err(Error::Structure(format!(
                "{}: missing input '{name}': expected {name}.csv, {name}.parquet or a folder {name}/",
                data.display()
            )))
        }
        [one] if one.is_dir() => {
            let mut files: Vec<(PathBuf, Format)> = std::fs::read_dir(one)
                .map_err(|e| Error::Structure(format!("{}: cannot list the folder: {e}", one.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter_map(|p| format_of(&p).map(|f| (p, f)))
                .collect();
            files.sort_by(|a, b| a.0.cmp(&b.0));
            if files.is_empty() {
                return Err(Error::Structure(format!("{}: folder holds no .csv or .parquet file", one.display())));
            }
            files
        }
        [one] => vec![(one.clone(), format_of(one).unwrap_or(Format::Csv))],
        many => {
            let names: Vec<String> = many.iter().map(|p| p.display().to_string()).collect();
            return Err(Error::Structure(format!(
                "ambiguous input '{name}': {} all exist; keep one",
                names.join(" and ")
            )));
        }
    };
    let mut files = Vec::new();
    for (path, format) in paths {
        let (names, width, positions) = match format {
            Format::Csv => check_csv_header(&path, table, dialect)?,
            Format::Parquet => {
                let names = check_parquet_schema(&path, table)?;
                (names, 0, Vec::new())
            }
            Format::Dmfa => (Vec::new(), 0, Vec::new()),
        };
        files.push(InputFile { path, format, names, width, positions, dialect });
    }
    Ok(Source { table, files })
}

/// The DmfA folder of a data folder (§13), read instead of `employment`; both at once is
/// a structural error.
fn dmfa_source(data: &Path) -> Result<Option<Source>> {
    let dir = data.join(crate::dmfa::FOLDER);
    if !dir.is_dir() {
        return Ok(None);
    }
    let name = Table::Employment.name();
    if let Some(other) = [format!("{name}.csv"), format!("{name}.parquet"), name.to_string()]
        .iter()
        .map(|n| data.join(n))
        .find(|p| p.exists())
    {
        return Err(Error::Structure(format!(
            "{}: holds both {} and {}: the employment lines come from one of them; keep one",
            data.display(),
            dir.display(),
            other.display()
        )));
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| Error::Structure(format!("{}: cannot list the folder: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| crate::dmfa::is_dmfa_file(p))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::Structure(format!("{}: folder holds no .xml or .xml.gz file", dir.display())));
    }
    let files = files
        .into_iter()
        .map(|path| InputFile {
            path,
            format: Format::Dmfa,
            names: Vec::new(),
            width: 0,
            positions: Vec::new(),
            dialect: dialect::Dialect::Standard,
        })
        .collect();
    Ok(Some(Source { table: Table::Employment, files }))
}

fn normalise_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}').trim().to_string()
}

/// Maps the table's columns onto a header, or explains what is missing.
fn match_columns(path: &Path, table: Table, header: &[String], actual: &[String]) -> Result<Vec<Option<String>>> {
    let mut seen = std::collections::HashSet::new();
    for (i, h) in header.iter().enumerate() {
        if !h.is_empty() && !seen.insert(h.clone()) {
            return Err(Error::at(
                path,
                Some(1),
                Some(h),
                format!("column appears twice in the header (field {})", i + 1),
            ));
        }
    }
    let mut out = Vec::new();
    for c in table.columns() {
        let pos = header.iter().position(|h| h == c);
        if pos.is_none() && table.required().contains(&c) {
            let hint = if header.len() == 1 && header[0].contains(';') {
                " (the header is one field separated by ';': a file saved by a spreadsheet in a Belgian \
                 locale? pass --csv-dialect belgian)"
            } else if header.len() == 1 && header[0].contains('\t') {
                " (the header is one field: is the file separated by tabs instead of commas?)"
            } else {
                ""
            };
            return Err(Error::at(
                path,
                Some(1),
                Some(c),
                format!("missing required column{hint}; the header has: {}", header.join(", ")),
            ));
        }
        out.push(pos.map(|p| actual[p].clone()));
    }
    Ok(out)
}

/// For each of [`Table::columns`], its name in the file, when present.
type Names = Vec<Option<String>>;

/// The column names as Polars reads them, the header's width and each column's position.
fn check_csv_header(
    path: &Path,
    table: Table,
    dialect: dialect::Dialect,
) -> Result<(Names, usize, Vec<Option<usize>>)> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(dialect.delimiter())
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(|e| Error::at(path, None, None, format!("cannot open: {e}")))?;
    let mut rec = csv::StringRecord::new();
    match rdr.read_record(&mut rec) {
        Ok(true) => {}
        Ok(false) => return Err(Error::at(path, Some(1), None, "empty file: expected a header row")),
        Err(e) => return Err(csv_error(path, &e)),
    }
    let header: Vec<String> = rec.iter().map(normalise_header).collect();
    // A header of one field holding commas, read as the Belgian dialect: a file in the
    // standard one, which would otherwise miss every column.
    if dialect == dialect::Dialect::Belgian && header.len() == 1 && header[0].contains(',') {
        return Err(Error::at(
            path,
            Some(1),
            None,
            "the header is separated by commas, not ';': this file is in the standard dialect (drop \
             --csv-dialect belgian)",
        ));
    }
    let names = match_columns(path, table, &header, &header)?;
    let positions = table.columns().iter().map(|c| header.iter().position(|h| h == c)).collect();
    match rdr.read_record(&mut rec) {
        Ok(true) => {}
        Ok(false) => return Err(Error::at(path, Some(2), None, "header only: the file has no data row")),
        Err(e) => return Err(csv_error(path, &e)),
    }
    Ok((names, header.len(), positions))
}

fn utf8_path(path: &Path) -> Result<&str> {
    path.to_str().ok_or_else(|| Error::Structure(format!("{}: the path is not valid UTF-8", path.display())))
}

/// Runs a Parquet read, turning a panic inside the reader (a damaged file can make it
/// index past a buffer) into the error of an unreadable file: no panic escapes a reader.
fn parquet_guard<T>(path: &Path, read: impl FnOnce() -> PolarsResult<T>) -> Result<T> {
    match crate::error::catch_panics(read) {
        Some(Ok(t)) => Ok(t),
        Some(Err(e)) => {
            Err(Error::at(path, None, None, format!("not a readable Parquet file: {}", first_line(&e.to_string()))))
        }
        None => Err(Error::at(path, None, None, "not a readable Parquet file: damaged (the reader failed inside)")),
    }
}

fn parquet_reader(path: &Path) -> Result<ParquetReader<std::fs::File>> {
    utf8_path(path)?;
    let f = std::fs::File::open(path).map_err(|e| Error::at(path, None, None, format!("cannot open: {e}")))?;
    Ok(ParquetReader::new(f))
}

/// The column names of a Parquet file.
fn parquet_names(path: &Path) -> Result<Vec<String>> {
    let mut r = parquet_reader(path)?;
    let schema = parquet_guard(path, || r.schema())?;
    Ok(schema.iter_names().map(|n| n.to_string()).collect())
}

/// A Parquet file already read into memory (`path` names it in errors): `columns` of it
/// (all when `None`), decoded as `strategy` says — `None` (on the calling thread) for the
/// store's files read side by side, one per thread, where Polars' own threads beside
/// them would only contend; `Columns` for a file read alone.
///
/// `prefer`: one column read when the file holds it, else the columns given with it.
pub fn parquet_bytes(
    path: &Path,
    bytes: Vec<u8>,
    columns: Option<&[&str]>,
    prefer: Option<(&str, &[&str])>,
    strategy: ParallelStrategy,
) -> Result<DataFrame> {
    let mut columns: Option<Vec<String>> = columns.map(|c| c.iter().map(|s| s.to_string()).collect());
    // One reader: the footer it reads for the schema serves the read too.
    let mut reader = ParquetReader::new(std::io::Cursor::new(bytes));
    if let (Some(cols), Some((one, others))) = (columns.as_mut(), prefer) {
        // Whether the file holds the preferred column, from its footer.
        let schema = parquet_guard(path, || reader.schema())?;
        if schema.contains(one) {
            cols.push(one.to_string());
        } else {
            cols.extend(others.iter().map(|o| o.to_string()));
        }
    }
    parquet_guard(path, move || reader.with_columns(columns).read_parallel(strategy).finish())
}

/// A Parquet file's metadata (its footer), read once and shared by the reads of its pieces.
pub fn parquet_metadata(path: &Path) -> Result<FileMetadataRef> {
    let mut r = parquet_reader(path)?;
    parquet_guard(path, || r.get_metadata().cloned())
}

/// The row groups of a Parquet file, as (first row, rows).
pub fn parquet_row_groups(md: &FileMetadataRef) -> Vec<(usize, usize)> {
    let mut at = 0;
    md.row_groups
        .iter()
        .map(|g| {
            let s = (at, g.num_rows());
            at += g.num_rows();
            s
        })
        .collect()
}

/// Reads `columns` (all when `None`) of a Parquet file with Polars' eager reader, on
/// Polars' threads.
pub fn parquet_frame(path: &Path, columns: Option<Vec<String>>, slice: Option<(usize, usize)>) -> Result<DataFrame> {
    let r = parquet_reader(path)?;
    parquet_guard(path, move || r.with_columns(columns).with_slice(slice).finish())
}

/// Reads `columns` of the rows `slice` (first row, rows) of a Parquet file on the calling
/// thread, with the file's metadata read before: the pieces of a large file are read side
/// by side by the caller, each on one thread.
pub fn parquet_piece(
    path: &Path,
    md: &FileMetadataRef,
    columns: Vec<String>,
    slice: (usize, usize),
) -> Result<DataFrame> {
    let mut r = parquet_reader(path)?;
    r.set_metadata(md.clone());
    parquet_guard(path, move || {
        r.with_columns(Some(columns)).with_slice(Some(slice)).read_parallel(ParallelStrategy::None).finish()
    })
}

fn check_parquet_schema(path: &Path, table: Table) -> Result<Vec<Option<String>>> {
    let actual = parquet_names(path)?;
    let header: Vec<String> = actual.iter().map(|h| normalise_header(h)).collect();
    match_columns(path, table, &header, &actual)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    match e.kind() {
        csv::ErrorKind::Utf8 { pos, err } => Error::at(
            path,
            pos.as_ref().map(|p| p.line()),
            Some(&format!("field {}", err.field() + 1)),
            "invalid UTF-8: the file must be UTF-8 text",
        ),
        csv::ErrorKind::UnequalLengths { pos, expected_len, len } => Error::at(
            path,
            pos.as_ref().map(|p| p.line()),
            None,
            format!("{len} fields where the header has {expected_len}"),
        ),
        _ => Error::at(path, e.position().map(|p| p.line()), None, e.to_string()),
    }
}

impl Source {
    /// A structural error for a file of this input that could not be read.
    pub fn unreadable(&self, path: &Path, why: &str) -> Error {
        Error::at(path, None, None, format!("unreadable: {}", first_line(why)))
    }

    /// sha256 of the file's bytes, or of the files' bytes in name order (§4).
    pub fn sha256(&self) -> Result<String> {
        use std::io::Read;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        for f in &self.files {
            let mut file = std::fs::File::open(&f.path)
                .map_err(|e| Error::at(&f.path, None, None, format!("cannot open: {e}")))?;
            loop {
                let n = file.read(&mut buf).map_err(|e| crate::error::io(&f.path, "read", e))?;
                if n == 0 {
                    break;
                }
                h.update(&buf[..n]);
            }
        }
        Ok(crate::rules::hex(&h.finalize()))
    }

    pub fn file_name(&self, i: u32) -> String {
        self.files.get(i as usize).map(|f| f.path.display().to_string()).unwrap_or_default()
    }
}
