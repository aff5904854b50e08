//! Publishing reports (SPEC §4, §6), for every contribution: files are written to a
//! temporary folder inside `--out` and renamed into place only when every one is
//! complete, `summary.json` last, so a run that fails or is killed never leaves a
//! half-written report. Same inputs, same bytes. Also the formats every report shares
//! (ratios, `rejects.csv`).

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{io, Error, Result};
use crate::input::rejects::Reject;

/// A ratio or multiple: full precision, `inf`, or empty when undefined (SPEC §4).
pub fn fmt_ratio(x: Option<f64>) -> String {
    match x {
        None => String::new(),
        Some(v) if v.is_infinite() => "inf".to_string(),
        Some(v) => format!("{v}"),
    }
}

/// A set of report files being written.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    files: Vec<String>,
    folders: Vec<String>,
    /// Folders being written on other threads ([`Staging::texts_in`]).
    pending: Vec<std::thread::JoinHandle<Result<()>>>,
}

impl Staging {
    pub fn new(out: &Path) -> Result<Staging> {
        fs::create_dir_all(out)
            .map_err(|e| Error::Usage(format!("{}: cannot create the output folder (--out): {e}", out.display())))?;
        remove_stale_staging(out);
        let tmp = out.join(format!(".responsa-partial-{}", std::process::id()));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(|e| io(&tmp, "remove a stale staging folder", e))?;
        }
        fs::create_dir_all(&tmp).map_err(|e| io(&tmp, "create the staging folder", e))?;
        Ok(Staging { out: out.to_path_buf(), tmp, files: Vec::new(), folders: Vec::new(), pending: Vec::new() })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.join(name)
    }

    pub fn csv(&mut self, name: &str, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<()> {
        let path = self.path(name);
        let fail = |e: csv::Error| Error::Other(anyhow::anyhow!("{}: cannot write: {e}", path.display()));
        let mut w = csv::Writer::from_path(&path).map_err(fail)?;
        w.write_record(header).map_err(fail)?;
        for r in rows {
            w.write_record(&r).map_err(fail)?;
        }
        w.flush().map_err(|e| io(&path, "write", e))?;
        self.files.push(name.to_string());
        Ok(())
    }

    /// [`Staging::csv`] for a table of national size: rows are formatted on every core, in
    /// chunks written in order, field by field into the file's bytes without a string per
    /// field; quoted as the csv crate quotes (a field holding a comma, a quote or a line end).
    pub fn csv_fields<T: Sync>(
        &mut self,
        name: &str,
        header: &[&str],
        items: &[T],
        row: impl Fn(&T, &mut Fields<'_>) + Sync,
    ) -> Result<()> {
        use rayon::prelude::*;
        let chunks: Vec<Vec<u8>> = items
            .par_chunks(8192)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 160);
                for item in chunk {
                    let mut f = Fields { buf: &mut buf, first: true };
                    row(item, &mut f);
                    buf.push(b'\n');
                }
                buf
            })
            .collect();
        let path = self.path(name);
        let mut file = std::io::BufWriter::new(fs::File::create(&path).map_err(|e| io(&path, "create", e))?);
        let mut head = Vec::new();
        let mut f = Fields { buf: &mut head, first: true };
        for h in header {
            f.text(h);
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

    /// The staged files so far, with their paths in the staging folder.
    pub fn staged(&self) -> Vec<(String, PathBuf)> {
        self.files.iter().map(|f| (f.clone(), self.tmp.join(f))).collect()
    }

    /// Moves every file into place, `summary.json` last, and removes the staging folder.
    pub fn publish(mut self) -> Result<()> {
        self.wait()?;
        // Test hook: hold the complete staging folder before publishing, so that a test
        // can kill the run at the worst moment and check the previous reports survive.
        if let Some(ms) = std::env::var("RESPONSA_PAUSE_BEFORE_PUBLISH_MS").ok().and_then(|v| v.parse().ok()) {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        self.files.sort_by_key(|f| f == "summary.json");
        for folder in &self.folders {
            let to = self.out.join(folder);
            if to.exists() {
                fs::remove_dir_all(&to).map_err(|e| io(&to, "replace", e))?;
            }
            fs::rename(self.tmp.join(folder), &to).map_err(|e| io(&to, "publish", e))?;
        }
        for f in &self.files {
            let to = self.out.join(f);
            fs::rename(self.tmp.join(f), &to).map_err(|e| io(&to, "publish", e))?;
        }
        fs::remove_dir_all(&self.tmp).map_err(|e| io(&self.tmp, "remove the staging folder", e))?;
        Ok(())
    }
}

/// The fields of one CSV row being written.
pub struct Fields<'a> {
    buf: &'a mut Vec<u8>,
    first: bool,
}

impl Fields<'_> {
    fn sep(&mut self) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
    }
    /// A text field, quoted when it holds a comma, a quote or a line end.
    pub fn text(&mut self, s: &str) {
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
    /// A field that never needs quoting (a number, a quarter, a code of ours).
    pub fn plain(&mut self, v: impl std::fmt::Display) {
        use std::io::Write;
        self.sep();
        let _ = write!(self.buf, "{v}");
    }
}

/// Writes one file atomically: a temporary name in the same folder, then a rename.
pub fn write_atomic(path: &Path, content: &str) -> Result<()> {
    let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
    fs::write(&tmp, content).map_err(|e| io(&tmp, "write", e))?;
    fs::rename(&tmp, path).map_err(|e| io(path, "publish", e))
}

/// Removes the staging folders left by runs that were killed (their process is gone).
fn remove_stale_staging(out: &Path) {
    let Ok(entries) = fs::read_dir(out) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(pid) = name.strip_prefix(".responsa-partial-") else { continue };
        let alive = Path::new("/proc").join(pid).exists();
        if !alive && pid != std::process::id().to_string() {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = self.wait();
        let _ = fs::remove_dir_all(&self.tmp);
    }
}

pub fn rejects_rows(rejects: &[Reject]) -> impl Iterator<Item = Vec<String>> + '_ {
    rejects.iter().map(|r| vec![r.file.clone(), r.line.to_string(), r.reason.clone()])
}

pub const REJECTS_HEADER: &[&str] = &["file", "line", "reason"];

/// Writes only `rejects.csv` (a `--strict` run that stops on rejected rows).
pub fn write_rejects_only(out: &Path, rejects: &[Reject]) -> Result<()> {
    let mut st = Staging::new(out)?;
    st.csv("rejects.csv", REJECTS_HEADER, rejects_rows(rejects))?;
    st.publish()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
