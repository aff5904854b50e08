//! The inputs of SPEC §2: locating the files (single CSV or Parquet file, or one file per
//! quarter in a sub-folder), checking their structure (SPEC §6: a missing file or column
//! is exit 2 with file, line and column) and scanning them lazily with Polars. What a
//! typed column holds and how it is parsed is [`kind`]; one module per table reads its
//! rows and their faults.

pub mod csvblocks;
pub mod dialect;
pub mod employment;
pub mod incapacity;
pub mod invalidity;
mod kind;
pub mod ledger;
pub mod register;
pub mod rejects;

pub use kind::{parsed, Kind};

use std::path::{Path, PathBuf};

use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The three inputs.
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
    /// Required columns (SPEC §2).
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
            Table::Employers => &["language"],
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
}

impl InputFile {
    /// The line (CSV, header on line 1) or row (Parquet, from 1) of a 0-based record.
    pub fn line_offset(&self) -> i64 {
        match self.format {
            Format::Csv => 2,
            Format::Parquet => 1,
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

/// Finds the files of `table` in `data` (SPEC §2) and checks their headers.
pub fn open(data: &Path, table: Table) -> Result<Source> {
    let name = table.name();
    if !data.is_dir() {
        return Err(Error::Structure(format!("{}: no such data directory", data.display())));
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
            Format::Csv => check_csv_header(&path, table)?,
            Format::Parquet => {
                let names = check_parquet_schema(&path, table)?;
                (names, 0, Vec::new())
            }
        };
        files.push(InputFile { path, format, names, width, positions });
    }
    Ok(Source { table, files })
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
fn check_csv_header(path: &Path, table: Table) -> Result<(Names, usize, Vec<Option<usize>>)> {
    let mut rdr = csv::ReaderBuilder::new()
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
    let names = match_columns(path, table, &header, &header_as_scanned(path, &header)?)?;
    let positions = table.columns().iter().map(|c| header.iter().position(|h| h == c)).collect();
    match rdr.read_record(&mut rec) {
        Ok(true) => {}
        Ok(false) => return Err(Error::at(path, Some(2), None, "header only: the file has no data row")),
        Err(e) => return Err(csv_error(path, &e)),
    }
    Ok((names, header.len(), positions))
}

/// The header names as the Polars scan reports them (it may keep a byte-order mark or
/// blanks that [`normalise_header`] removes).
fn header_as_scanned(path: &Path, header: &[String]) -> Result<Vec<String>> {
    let mut lf = csv_scan(path)?;
    let schema = lf
        .collect_schema()
        .map_err(|e| Error::at(path, Some(1), None, format!("unreadable header: {}", first_line(&e.to_string()))))?;
    let actual: Vec<String> = schema.iter_names().filter(|n| n.as_str() != "__row").map(|n| n.to_string()).collect();
    if actual.len() != header.len() {
        return Err(Error::at(path, Some(1), None, "unreadable header"));
    }
    Ok(actual)
}

fn csv_scan(path: &Path) -> Result<LazyFrame> {
    csv_scan_with(path, true)
}

fn utf8_path(path: &Path) -> Result<&str> {
    path.to_str().ok_or_else(|| Error::Structure(format!("{}: the path is not valid UTF-8", path.display())))
}

/// A CSV scan; `lines` adds the row index, which makes Polars count lines: only the
/// passes that report line numbers ask for it.
fn csv_scan_with(path: &Path, lines: bool) -> Result<LazyFrame> {
    LazyCsvReader::new(PlRefPath::new(utf8_path(path)?))
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_row_index(lines.then(|| RowIndex { name: "__row".into(), offset: 0 }))
        .finish()
        .map_err(|e| Error::at(path, None, None, first_line(&e.to_string())))
}

fn parquet_scan(path: &Path) -> Result<LazyFrame> {
    parquet_scan_with(path, true)
}

fn parquet_scan_with(path: &Path, lines: bool) -> Result<LazyFrame> {
    let row_index = lines.then(|| RowIndex { name: "__row".into(), offset: 0 });
    let args = ScanArgsParquet { row_index, ..Default::default() };
    LazyFrame::scan_parquet(PlRefPath::new(utf8_path(path)?), args)
        .map_err(|e| Error::at(path, None, None, first_line(&e.to_string())))
}

fn check_parquet_schema(path: &Path, table: Table) -> Result<Vec<Option<String>>> {
    let mut lf = parquet_scan(path)?;
    let schema = lf.collect_schema().map_err(|e| {
        Error::at(path, None, None, format!("not a readable Parquet file: {}", first_line(&e.to_string())))
    })?;
    let actual: Vec<String> = schema.iter_names().filter(|n| n.as_str() != "__row").map(|n| n.to_string()).collect();
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

/// After Polars failed to read a CSV file, finds the first record that explains why, so
/// that the error names its line (SPEC §6). Slow, but only on the error path.
pub fn diagnose_csv(path: &Path, polars_error: &str) -> Error {
    if let Ok(mut rdr) = csv::ReaderBuilder::new().has_headers(true).from_path(path) {
        let mut rec = csv::ByteRecord::new();
        loop {
            match rdr.read_byte_record(&mut rec) {
                Ok(true) => {
                    if let Some(i) = rec.iter().position(|f| std::str::from_utf8(f).is_err()) {
                        let line = rec.position().map(|p| p.line());
                        return Error::at(
                            path,
                            line,
                            Some(&format!("field {}", i + 1)),
                            "invalid UTF-8: the file must be UTF-8 text",
                        );
                    }
                }
                Ok(false) => break,
                Err(e) => return csv_error(path, &e),
            }
        }
    }
    Error::at(path, None, None, format!("unreadable: {}", first_line(polars_error)))
}

impl Source {
    /// A lazy scan of every file, with the table's columns under their SPEC names (absent
    /// optional ones null), plus `__file` (index into `files`) and `__line`.
    /// `as_text` casts every column to text (for the small tables parsed in Rust).
    pub fn scan(&self, as_text: bool) -> Result<LazyFrame> {
        self.scan_with(as_text, true)
    }

    /// [`Source::scan`]; without `lines`, no `__line` column (a faster scan).
    pub fn scan_with(&self, as_text: bool, lines: bool) -> Result<LazyFrame> {
        let mut frames = Vec::new();
        for (i, f) in self.files.iter().enumerate() {
            let lf = match f.format {
                Format::Csv => csv_scan_with(&f.path, lines)?,
                Format::Parquet => parquet_scan_with(&f.path, lines)?,
            };
            let mut exprs = vec![lit(i as u32).cast(DataType::UInt32).alias("__file")];
            if lines {
                exprs.push((col("__row").cast(DataType::Int64) + lit(f.line_offset())).alias("__line"));
            }
            for (c, name) in self.table.columns().iter().zip(&f.names) {
                let e = match name {
                    Some(n) => col(n.as_str()),
                    None => lit(NULL).cast(DataType::String),
                };
                let text_column = as_text || is_text_column(c);
                exprs.push(if text_column { e.cast(DataType::String) } else { e }.alias(*c));
            }
            frames.push(lf.select(exprs));
        }
        if frames.len() == 1 {
            return Ok(frames.pop().unwrap_or_default());
        }
        concat(frames, UnionArgs { to_supertypes: true, ..Default::default() }).map_err(Error::from)
    }

    /// Runs a collect, turning a read failure into a structural error that names the file
    /// and, for CSV, the line.
    pub fn collect_all(&self, plans: Vec<LazyFrame>) -> Result<Vec<DataFrame>> {
        let opt = plans.first().map(|p| p.get_current_optimizations()).unwrap_or_default();
        let dsl: Vec<DslPlan> = plans.into_iter().map(|p| p.logical_plan).collect();
        // Inspection aid: RESPONSA_EXPLAIN=1 prints the optimised plan on stderr.
        if std::env::var("RESPONSA_EXPLAIN").as_deref() == Ok("1") {
            if let Ok(plan) = LazyFrame::explain_all(dsl.clone(), opt) {
                eprintln!("{plan}");
            }
        }
        let engine = match std::env::var("RESPONSA_ENGINE").as_deref() {
            Ok("in-memory") => Engine::InMemory,
            _ => Engine::Streaming,
        };
        LazyFrame::collect_all_with_engine(dsl, engine, opt).map_err(|e| self.read_error(&e))
    }

    pub fn read_error(&self, e: &PolarsError) -> Error {
        let msg = e.to_string();
        // Polars names the file in some messages; otherwise find the first unreadable one.
        for f in &self.files {
            if f.format == Format::Csv {
                let d = diagnose_csv(&f.path, &msg);
                if !d.to_string().contains("unreadable:") {
                    return d;
                }
            }
        }
        let names: Vec<String> = self.files.iter().map(|f| f.path.display().to_string()).collect();
        Error::Structure(format!("{}: unreadable: {}", names.join(", "), first_line(&msg)))
    }

    /// sha256 of the file's bytes, or of the files' bytes in name order (SPEC §4).
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

/// Identifier and code columns stay text even when a Parquet writer typed them.
fn is_text_column(c: &str) -> bool {
    matches!(
        c,
        "employer_id"
            | "worker_id"
            | "joint_committee"
            | "nace"
            | "employer_category"
            | "quarter"
            | "worker_type"
            | "language"
    )
}

/// One row of a small table, as text, for validation in Rust.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub file: u32,
    pub line: i64,
    pub fields: Vec<Option<String>>,
}

/// Collects a frame made by [`Source::scan`] (or a selection of it keeping `__file`,
/// `__line` and then text columns) into rows.
pub fn raw_rows(df: &DataFrame) -> Result<Vec<RawRow>> {
    let files = df.column("__file")?.cast(&DataType::UInt32)?;
    let files = files.u32()?;
    let lines = df.column("__line")?.cast(&DataType::Int64)?;
    let lines = lines.i64()?;
    let text: Vec<Column> = df
        .columns()
        .iter()
        .filter(|c| !c.name().starts_with("__"))
        .map(|c| c.cast(&DataType::String))
        .collect::<PolarsResult<_>>()?;
    let cas: Vec<&StringChunked> = text.iter().map(|c| c.str()).collect::<PolarsResult<_>>()?;
    let mut iters: Vec<_> = cas.iter().map(|c| c.iter()).collect();
    let mut rows = Vec::with_capacity(df.height());
    for (f, l) in files.iter().zip(lines.iter()) {
        let fields = iters.iter_mut().map(|it| it.next().flatten().map(str::to_string)).collect();
        rows.push(RawRow { file: f.unwrap_or(0), line: l.unwrap_or(0), fields });
    }
    Ok(rows)
}
