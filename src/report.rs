//! Publishing reports (§4, §6), for every contribution: a run's files are written to
//! a staging folder beside `--out` and take its place all at once when every one is
//! complete ([`Publication`]), so a run that fails or is killed never leaves a
//! half-written report, and no file of another run stands beside the new ones. Same
//! inputs, same bytes. Also the formats every report shares (ratios, `rejects.csv`).

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{io, Error, Result};
use crate::input::rejects::Reject;

/// A ratio or multiple: full precision, `inf`, or empty when undefined (§4).
pub fn fmt_ratio(x: Option<f64>) -> String {
    let mut buf = Vec::new();
    write_ratio(&mut buf, x);
    String::from_utf8_lossy(&buf).into_owned()
}

/// A ratio written into `buf`: empty when undefined, `inf`, else its shortest decimal.
fn write_ratio(buf: &mut Vec<u8>, x: Option<f64>) {
    match x {
        None => {}
        Some(v) if v.is_infinite() => buf.extend_from_slice(b"inf"),
        Some(v) if v.is_nan() => buf.extend_from_slice(b"NaN"),
        Some(v) => crate::parse::write_shortest(buf, v),
    }
}

/// The rule set a report was computed under (`summary.json` → `rules`), shared by every
/// contribution's summary.
#[derive(Debug, Serialize)]
pub struct RulesSummary {
    pub origin: String,
    pub sha256: String,
    pub parameters: std::collections::BTreeMap<String, String>,
}

impl RulesSummary {
    pub fn of(r: &crate::rules::Rules) -> RulesSummary {
        RulesSummary {
            origin: r.origin.clone(),
            sha256: r.sha256.clone(),
            parameters: r.provenance.iter().map(|p| (p.name.clone(), p.value.clone())).collect(),
        }
    }
}

/// The outputs of one run (§6), published all at once: everything is written into a
/// staging folder beside `--out`, which then takes the place of `--out` in one step (on
/// Linux an atomic exchange of the two folders, elsewhere two renames), and the previous
/// outputs are removed. A run that fails or is killed never leaves a half-written report,
/// and no file of an earlier run (another quarter's levy.csv, letters of employers no
/// longer warned, a previous summary.json) stands beside the new ones. A folder that holds
/// anything responsa does not write is never replaced.
pub struct Publication {
    out: PathBuf,
    tmp: PathBuf,
    published: bool,
}

/// The file that marks a folder as a run's outputs, safe to replace by the next run.
const MARKER: &str = ".responsa-outputs";

impl Publication {
    pub fn new(out: &Path) -> Result<Publication> {
        if out.exists() && !out.is_dir() {
            return Err(Error::Usage(format!("{}: --out is a file, not a folder", out.display())));
        }
        if out.is_dir() {
            check_replaceable(out)?;
        }
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .map_err(|e| Error::Usage(format!("{}: cannot create the output folder (--out): {e}", out.display())))?;
        let name = out.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "out".into());
        remove_stale_staging(&parent, &name);
        let tmp = parent.join(format!(".{name}.responsa-partial-{}", std::process::id()));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(|e| io(&tmp, "remove a stale staging folder", e))?;
        }
        fs::create_dir_all(&tmp).map_err(|e| {
            Error::Usage(format!("{}: cannot create the output folder (--out) beside it: {e}", out.display()))
        })?;
        Ok(Publication { out: out.to_path_buf(), tmp, published: false })
    }

    /// Where a file or folder of the run is written before it is published (`rel` is its
    /// path inside `--out`).
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.tmp.join(rel)
    }

    /// A set of report files written into folder `rel` of the run (empty: `--out` itself).
    pub fn staging(&self, rel: impl AsRef<Path>) -> Result<Staging> {
        Staging::in_folder(self.path(rel))
    }

    /// Puts the run's outputs in the place of `--out`, all at once.
    pub fn publish(mut self) -> Result<()> {
        // Test hook: hold the complete staging folder before publishing, so that a test
        // can kill the run at the worst moment and check the previous reports survive.
        if let Some(ms) = std::env::var("RESPONSA_PAUSE_BEFORE_PUBLISH_MS").ok().and_then(|v| v.parse().ok()) {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        let marker = self.tmp.join(MARKER);
        fs::write(&marker, "The outputs of one responsa run: the next run into this folder replaces it whole.\n")
            .map_err(|e| io(&marker, "write", e))?;
        if self.out.is_dir() {
            check_replaceable(&self.out)?;
            exchange(&self.tmp, &self.out)?;
            // The staging folder now holds the previous outputs.
            fs::remove_dir_all(&self.tmp).map_err(|e| io(&self.tmp, "remove the previous outputs", e))?;
        } else {
            fs::rename(&self.tmp, &self.out).map_err(|e| io(&self.out, "publish", e))?;
        }
        self.published = true;
        Ok(())
    }
}

impl Drop for Publication {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Whether a folder may be replaced by a run's outputs: empty, marked as a run's outputs,
/// or holding only what responsa writes (outputs of a version before the mark).
fn check_replaceable(out: &Path) -> Result<()> {
    if out.join(MARKER).is_file() {
        return Ok(());
    }
    let entries = fs::read_dir(out).map_err(|e| io(out, "list", e))?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let is_dir = e.path().is_dir();
        let ours = if is_dir {
            name == "letters"
                || crate::quarter::parse_quarter(&name).is_some()
                || name.starts_with(".responsa-partial-")
        } else {
            [".csv", ".json", ".html", ".xlsx"].iter().any(|x| name.ends_with(x)) || name.ends_with(".tmp")
        };
        if !ours {
            return Err(Error::Usage(format!(
                "{}: --out holds '{name}', which responsa did not write; a run replaces its --out folder whole, \
                 so give an empty or new folder",
                out.display()
            )));
        }
    }
    Ok(())
}

/// Exchanges two folders in one step where the system can (Linux), else by two renames.
fn exchange(new: &Path, out: &Path) -> Result<()> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| {
            CString::new(p.as_os_str().as_bytes())
                .map_err(|_| io(p, "publish", std::io::Error::other("a NUL in the path")))
        };
        let (a, b) = (c(new)?, c(out)?);
        // SAFETY: two valid NUL-terminated paths relative to the working directory; the
        // call reads them and changes no memory of ours.
        let r =
            unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
        if r == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        // A file system without the exchange (EINVAL) falls back to two renames.
        if e.raw_os_error() != Some(libc::EINVAL) {
            return Err(io(out, "publish", e));
        }
    }
    let old = new.with_extension("previous");
    fs::rename(out, &old).map_err(|e| io(out, "move aside the previous outputs", e))?;
    fs::rename(new, out).map_err(|e| io(out, "publish", e))?;
    fs::rename(&old, new).map_err(|e| io(&old, "move the previous outputs", e))
}

/// A set of report files being written into one folder of a [`Publication`].
/// What a column of a table holds: how a reader that types its cells writes them (the
/// workbook, §11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Identifiers, codes, quarters, words: text whatever they look like (an employer
    /// number keeps its leading zeros).
    Text,
    /// A count, an FTE, a ratio: a number where it is one (`inf` stays text).
    Number,
    /// An amount in euros, two decimals.
    Money,
    /// A date, `YYYY-MM-DD`.
    Date,
}

/// One column of a report table: its name in the header and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    pub name: &'static str,
    pub kind: Kind,
}

impl Col {
    pub const fn text(name: &'static str) -> Col {
        Col { name, kind: Kind::Text }
    }
    pub const fn number(name: &'static str) -> Col {
        Col { name, kind: Kind::Number }
    }
    pub const fn money(name: &'static str) -> Col {
        Col { name, kind: Kind::Money }
    }
    pub const fn date(name: &'static str) -> Col {
        Col { name, kind: Kind::Date }
    }
}

/// A table as it was staged, its rows kept for the workbook (§11): the same fields as its
/// CSV file, typed by its columns. The fields are kept in one text, a national table's
/// millions of them without a string each.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    /// The CSV file's name (`levy.csv`).
    pub file: String,
    pub cols: Vec<Col>,
    cells: Cells,
}

/// Fields one after the other in one text: where each field ends, and where each row's
/// fields end.
#[derive(Debug, Clone, Default)]
pub struct Cells {
    text: String,
    ends: Vec<usize>,
    rows: Vec<usize>,
}

impl Cells {
    fn push(&mut self, field: &str) {
        self.text.push_str(field);
        self.ends.push(self.text.len());
    }
    fn end_row(&mut self) {
        self.rows.push(self.ends.len());
    }
    fn append(&mut self, other: Cells) {
        let (t, e) = (self.text.len(), self.ends.len());
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.into_iter().map(|x| x + t));
        self.rows.extend(other.rows.into_iter().map(|x| x + e));
    }
}

impl Kept {
    /// The rows, each as its fields.
    pub fn rows(&self) -> impl Iterator<Item = Vec<&str>> + '_ {
        let c = &self.cells;
        (0..c.rows.len()).map(move |r| {
            let (from, to) = (if r == 0 { 0 } else { c.rows[r - 1] }, c.rows[r]);
            (from..to)
                .map(|i| {
                    let start = if i == 0 { 0 } else { c.ends[i - 1] };
                    c.text.get(start..c.ends[i]).unwrap_or("")
                })
                .collect()
        })
    }
}

pub struct Staging {
    tmp: PathBuf,
    files: Vec<String>,
    /// With [`Staging::keep_tables`]: every table staged, its rows kept in memory.
    kept: Option<Vec<Kept>>,
    folders: Vec<String>,
    /// Folders being written on other threads ([`Staging::texts_in`]).
    pending: Vec<std::thread::JoinHandle<Result<()>>>,
    /// Its own publication, when the staging is the whole run ([`Staging::new`]).
    own: Option<Publication>,
}

impl Staging {
    /// A run whose outputs are the files of one folder, `out`, published whole.
    pub fn new(out: &Path) -> Result<Staging> {
        let p = Publication::new(out)?;
        let mut st = Staging::in_folder(p.path(""))?;
        st.own = Some(p);
        Ok(st)
    }

    fn in_folder(tmp: PathBuf) -> Result<Staging> {
        fs::create_dir_all(&tmp).map_err(|e| io(&tmp, "create the staging folder", e))?;
        Ok(Staging { tmp, files: Vec::new(), kept: None, folders: Vec::new(), pending: Vec::new(), own: None })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.join(name)
    }

    /// Keeps every table staged from now on in memory (for the workbook, §11).
    pub fn keep_tables(&mut self) {
        self.kept.get_or_insert_with(Vec::new);
    }

    /// The tables kept, in the order they were staged.
    pub fn kept(&self) -> &[Kept] {
        self.kept.as_deref().unwrap_or(&[])
    }

    pub fn csv(&mut self, name: &str, cols: &[Col], rows: impl IntoIterator<Item = Vec<String>>) -> Result<()> {
        let path = self.path(name);
        let fail = |e: csv::Error| Error::Other(anyhow::anyhow!("{}: cannot write: {e}", path.display()));
        let mut w = csv::Writer::from_path(&path).map_err(fail)?;
        w.write_record(cols.iter().map(|c| c.name)).map_err(fail)?;
        let mut kept = self.kept.is_some().then(Cells::default);
        for r in rows {
            w.write_record(&r).map_err(fail)?;
            if let Some(k) = kept.as_mut() {
                r.iter().for_each(|f| k.push(f));
                k.end_row();
            }
        }
        w.flush().map_err(|e| io(&path, "write", e))?;
        self.files.push(name.to_string());
        if let (Some(all), Some(cells)) = (self.kept.as_mut(), kept) {
            all.push(Kept { file: name.to_string(), cols: cols.to_vec(), cells });
        }
        Ok(())
    }

    /// [`Staging::csv`] for a table of national size: rows are formatted on every core, in
    /// chunks written in order, field by field into the file's bytes without a string per
    /// field; quoted as the csv crate quotes (a field holding a comma, a quote or a line end).
    pub fn csv_fields<T: Sync>(
        &mut self,
        name: &str,
        cols: &[Col],
        items: &[T],
        row: impl Fn(&T, &mut Fields<'_>) + Sync,
    ) -> Result<()> {
        use rayon::prelude::*;
        let keep = self.kept.is_some();
        // Each chunk's bytes and, for the workbook, the same fields one by one.
        let parts: Vec<(Vec<u8>, Option<Cells>)> = items
            .par_chunks(8192)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 160);
                let mut cells = keep.then(Cells::default);
                for item in chunk {
                    let mut f = Fields { buf: &mut buf, first: true, cells: cells.as_mut() };
                    row(item, &mut f);
                    buf.push(b'\n');
                    if let Some(c) = cells.as_mut() {
                        c.end_row();
                    }
                }
                (buf, cells)
            })
            .collect();
        let mut chunks = Vec::with_capacity(parts.len());
        let mut kept = Cells::default();
        for (bytes, cells) in parts {
            chunks.push(bytes);
            kept.append(cells.unwrap_or_default());
        }
        if let Some(all) = self.kept.as_mut() {
            all.push(Kept { file: name.to_string(), cols: cols.to_vec(), cells: kept });
        }
        let path = self.path(name);
        let mut file = std::io::BufWriter::new(fs::File::create(&path).map_err(|e| io(&path, "create", e))?);
        let mut head = Vec::new();
        let mut f = Fields { buf: &mut head, first: true, cells: None };
        for c in cols {
            f.text(c.name);
        }
        head.push(b'\n');
        use std::io::Write;
        file.write_all(&head).map_err(|e| io(&path, "write", e))?;
        for c in &chunks {
            file.write_all(c).map_err(|e| io(&path, "write", e))?;
        }
        file.flush().map_err(|e| io(&path, "write", e))?;
        self.files.push(name.to_string());
        Ok(())
    }

    pub fn json(&mut self, name: &str, value: &impl Serialize) -> Result<()> {
        let mut s = serde_json::to_string_pretty(value).map_err(anyhow::Error::from)?;
        s.push('\n');
        let path = self.path(name);
        fs::write(&path, s).map_err(|e| io(&path, "write", e))?;
        self.files.push(name.to_string());
        Ok(())
    }

    /// Text files in a folder of the staging area (`letters/E01.html`); the folder
    /// replaces the published one whole. They are written on a thread of their own while
    /// the caller goes on with the other reports, one after the other: threads creating
    /// files in one folder queue on its lock, so more of them only spin. [`Staging::publish`]
    /// waits for them.
    pub fn texts_in(&mut self, folder: &str, files: Vec<(String, String)>) -> Result<()> {
        let dir = self.tmp.join(folder);
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, "create", e))?;
        if !self.folders.iter().any(|f| f == folder) {
            self.folders.push(folder.to_string());
        }
        self.pending.push(std::thread::spawn(move || {
            for (name, content) in files {
                let path = dir.join(name);
                fs::write(&path, content).map_err(|e| io(&path, "write", e))?;
            }
            Ok(())
        }));
        Ok(())
    }

    /// Waits for the files being written on other threads; the first error, if any.
    fn wait(&mut self) -> Result<()> {
        let mut first = Ok(());
        for h in self.pending.drain(..) {
            let done = h.join().unwrap_or_else(|_| Err(anyhow::anyhow!("a report writer stopped unexpectedly").into()));
            if first.is_ok() {
                first = done;
            }
        }
        first
    }

    /// Waits for the files written on other threads; a staging of its own is then
    /// published ([`Publication::publish`]).
    pub fn publish(mut self) -> Result<()> {
        self.wait()?;
        match self.own.take() {
            Some(p) => p.publish(),
            None => Ok(()),
        }
    }
}

/// The fields of one CSV row being written.
pub struct Fields<'a> {
    buf: &'a mut Vec<u8>,
    first: bool,
    /// Each field as its own text too (the workbook's cells).
    cells: Option<&'a mut Cells>,
}

impl Fields<'_> {
    #[cfg(test)]
    fn of(buf: &mut Vec<u8>) -> Fields<'_> {
        Fields { buf, first: true, cells: None }
    }
    fn sep(&mut self) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
    }
    /// A field written by `write` into the row's bytes (and kept as a cell).
    fn field(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        self.sep();
        let start = self.buf.len();
        write(self.buf);
        if let Some(cells) = self.cells.as_deref_mut() {
            cells.push(std::str::from_utf8(&self.buf[start..]).unwrap_or(""));
        }
    }
    /// A text field, quoted when it holds a comma, a quote or a line end.
    pub fn text(&mut self, s: &str) {
        if let Some(cells) = self.cells.as_deref_mut() {
            cells.push(s);
        }
        self.sep();
        if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
            self.buf.push(b'"');
            for b in s.bytes() {
                if b == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(b);
            }
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(s.as_bytes());
        }
    }
    /// FTE millionths as [`crate::parse::format_micro`] writes them, without a string
    /// of their own (hundreds of thousands of rows, four a row).
    pub fn micro(&mut self, v: i64) {
        self.field(|b| crate::parse::write_micro(b, v));
    }
    /// A ratio as [`fmt_ratio`] writes it, without a string of its own.
    pub fn ratio(&mut self, x: Option<f64>) {
        self.field(|b| write_ratio(b, x));
    }
    /// A field that never needs quoting (a number, a quarter, a code of ours), as `{}`
    /// writes it.
    pub fn plain(&mut self, v: impl Plain) {
        self.field(|b| v.put(b));
    }
}

/// A value of a table's field written as Rust's `{}` writes it, straight into the row's
/// bytes: a national assessment.csv holds some five million numbers, which the
/// formatting machinery writes several times slower.
pub trait Plain {
    fn put(&self, buf: &mut Vec<u8>);
}

impl Plain for &str {
    fn put(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(self.as_bytes());
    }
}

impl Plain for String {
    fn put(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(self.as_bytes());
    }
}

macro_rules! plain_integers {
    ($($t:ty),*) => {$(
        impl Plain for $t {
            fn put(&self, buf: &mut Vec<u8>) {
                buf.extend_from_slice(itoa::Buffer::new().format(*self).as_bytes());
            }
        }
    )*};
}
plain_integers!(i64, u64, usize);

impl Plain for f64 {
    fn put(&self, buf: &mut Vec<u8>) {
        if self.is_finite() {
            crate::parse::write_shortest(buf, *self);
        } else {
            use std::io::Write;
            let _ = write!(buf, "{self}");
        }
    }
}

/// Removes the staging folders of `--out` left by runs that were killed (their process is
/// gone), and those of the previous version's layout inside `--out`.
fn remove_stale_staging(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let prefix = format!(".{name}.responsa-partial-");
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().to_string();
        let Some(pid) = file.strip_prefix(&prefix) else { continue };
        let pid = pid.trim_end_matches(".previous");
        let alive = Path::new("/proc").join(pid).exists();
        if !alive && pid != std::process::id().to_string() {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = self.wait();
    }
}

pub fn rejects_rows(rejects: &[Reject]) -> impl Iterator<Item = Vec<String>> + '_ {
    rejects
        .iter()
        .map(|r| vec![r.file.clone(), r.line.to_string(), r.reason.clone(), r.employer_id.clone(), r.quarter.clone()])
}

/// `rejects.csv` (§4, §6): the row's place and reason, then its employer and quarter where
/// they could be read.
pub const REJECTS_HEADER: &[Col] =
    &[Col::text("file"), Col::number("line"), Col::text("reason"), Col::text("employer_id"), Col::text("quarter")];

/// Writes only `rejects.csv`: a run that stops on rejected rows (§6) publishes it alone,
/// so that no output of an earlier run stands beside it.
pub fn write_rejects_only(out: &Path, rejects: &[Reject]) -> Result<()> {
    let mut st = Staging::new(out)?;
    st.csv("rejects.csv", REJECTS_HEADER, rejects_rows(rejects))?;
    st.publish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn micro_and_ratio_fields_are_written_in_the_row() {
        let mut buf = Vec::new();
        let mut f = super::Fields::of(&mut buf);
        f.micro(700_000);
        f.ratio(None);
        f.ratio(Some(f64::INFINITY));
        f.ratio(Some(0.0125));
        f.micro(60_000_000);
        assert_eq!(String::from_utf8_lossy(&buf), "0.7,,inf,0.0125,60");
    }
    use super::*;

    #[test]
    fn undefined_and_infinite_ratios() {
        assert_eq!(fmt_ratio(Some(f64::INFINITY)), "inf");
        assert_eq!(fmt_ratio(None), "");
        assert_eq!(fmt_ratio(Some(0.0125)), "0.0125");
    }

    fn letters(names: &[&str]) -> Vec<(String, String)> {
        names.iter().map(|n| (n.to_string(), format!("<p>{n}</p>"))).collect()
    }

    #[test]
    fn a_folder_written_on_another_thread_is_complete_when_published() {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let mut st = Staging::new(dir.path()).expect("staging");
        st.texts_in("letters", letters(&["E1.html", "E2.html"])).expect("started");
        st.json("summary.json", &1).expect("summary");
        st.publish().expect("published");
        let read = |n: &str| fs::read_to_string(dir.path().join("letters").join(n)).unwrap_or_default();
        assert_eq!(read("E1.html"), "<p>E1.html</p>");
        assert_eq!(read("E2.html"), "<p>E2.html</p>");
    }

    #[test]
    fn a_failed_letter_stops_the_publication_and_names_its_path() {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let mut st = Staging::new(dir.path()).expect("staging");
        st.json("summary.json", &1).expect("summary");
        st.publish().expect("the first run is published");
        let mut st = Staging::new(dir.path()).expect("staging");
        // A name below a folder that does not exist cannot be written.
        st.texts_in("letters", letters(&["E1.html", "missing/E2.html"])).expect("started");
        st.json("summary.json", &2).expect("summary");
        let err = st.publish().expect_err("a letter could not be written").to_string();
        assert!(err.contains("missing/E2.html"), "the error names the file: {err}");
        assert_eq!(
            fs::read_to_string(dir.path().join("summary.json")).unwrap_or_default(),
            "1\n",
            "the previous run stays"
        );
        assert!(!dir.path().join("letters").exists(), "nothing of the failed run is published");
    }

    #[test]
    fn no_file_of_an_earlier_run_stands_beside_the_new_ones() {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let out = dir.path().join("out");
        let mut st = Staging::new(&out).expect("staging");
        st.json("levy.csv", &1).expect("a file only the first run writes");
        st.texts_in("letters", letters(&["E1.html"])).expect("letters");
        st.json("summary.json", &1).expect("summary");
        st.publish().expect("the first run is published");
        let mut st = Staging::new(&out).expect("staging");
        st.json("summary.json", &2).expect("summary");
        st.publish().expect("the second run is published");
        assert!(!out.join("levy.csv").exists(), "the first run's levy.csv is gone");
        assert!(!out.join("letters").exists(), "the first run's letters are gone");
        assert_eq!(fs::read_to_string(out.join("summary.json")).unwrap_or_default(), "2\n");
        let left: Vec<String> =
            fs::read_dir(dir.path()).expect("list").flatten().map(|e| e.file_name().to_string_lossy().into()).collect();
        assert_eq!(left, vec!["out".to_string()], "no staging folder is left beside --out");
    }

    #[test]
    fn a_folder_holding_other_files_is_never_replaced() {
        let dir = tempfile::tempdir().expect("a scratch folder");
        fs::write(dir.path().join("notes.txt"), "mine").expect("a file of the user's");
        let err = Staging::new(dir.path()).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("notes.txt") && err.contains("did not write"), "{err}");
        assert_eq!(fs::read_to_string(dir.path().join("notes.txt")).unwrap_or_default(), "mine");
    }

    #[test]
    fn several_folders_appear_at_once() {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let out = dir.path().join("out");
        let run = Publication::new(&out).expect("a run");
        for q in ["2023Q3", "2023Q4"] {
            let mut st = run.staging(q).expect("staging");
            st.json("summary.json", &q).expect("summary");
            st.publish().expect("staged");
        }
        assert!(!out.exists(), "nothing is visible before the run is published");
        run.publish().expect("published");
        assert!(out.join("2023Q3/summary.json").is_file() && out.join("2023Q4/summary.json").is_file());
    }
}
