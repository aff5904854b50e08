//! CSV files saved by a spreadsheet in a Belgian locale (SPEC §11): `;` as separator, a
//! decimal comma (and a dot or a space between thousands), a byte-order mark. With
//! `--csv-dialect belgian` such files are read: each CSV file of the data directory is
//! rewritten as the standard CSV of SPEC §2 into a private folder, the run reads that,
//! and every file name it reports (rejects, inputs) names the original file again, with
//! the original's sha256. Without the option such a file stops the run with a line that
//! names it and the option (see `input::open`).

use std::path::{Path, PathBuf};

use crate::error::{io, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Dialect {
    /// Comma-separated, decimal point (SPEC §2).
    #[default]
    Standard,
    /// Semicolon-separated, decimal comma, byte-order mark (a spreadsheet in a Belgian locale).
    Belgian,
}

/// The columns holding decimals, whose comma becomes a point.
const DECIMAL_COLUMNS: [&str; 4] = ["fte", "wages", "daily_benefit", "amount"];

/// A data directory rewritten in the standard dialect, removed when dropped.
pub struct Converted {
    pub original: PathBuf,
    pub dir: PathBuf,
}

impl Drop for Converted {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Converted {
    /// A path of the converted folder, named as the original.
    pub fn restore(&self, path: &str) -> String {
        match Path::new(path).strip_prefix(&self.dir) {
            Ok(rest) => self.original.join(rest).display().to_string(),
            Err(_) => path.to_string(),
        }
    }
}

/// A decimal written with a comma (and maybe a dot or a space between thousands) in the
/// standard form; other text unchanged.
pub fn decimal(v: &str) -> String {
    let t: String = v.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
    if t.contains(',') {
        t.replace('.', "").replace(',', ".")
    } else {
        t
    }
}

/// Rewrites the CSV files of `data` (the tables' files and the files of their folders)
/// into a private folder; Parquet files are linked as they are.
pub fn convert(data: &Path, dialect: Dialect) -> Result<Option<Converted>> {
    if dialect == Dialect::Standard {
        return Ok(None);
    }
    if !data.is_dir() {
        return Err(Error::Structure(format!("{}: no such data directory", data.display())));
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("responsa-dialect-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, "create", e))?;
    let converted = Converted { original: data.to_path_buf(), dir: dir.clone() };
    copy_tree(data, &dir)?;
    Ok(Some(converted))
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let entries = std::fs::read_dir(from).map_err(|e| io(from, "list", e))?;
    for e in entries.flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            std::fs::create_dir_all(&dst).map_err(|e| io(&dst, "create", e))?;
            copy_tree(&src, &dst)?;
        } else if src.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")) {
            rewrite(&src, &dst)?;
        } else if src.extension().is_some_and(|x| x.eq_ignore_ascii_case("parquet") || x.eq_ignore_ascii_case("pq")) {
            std::fs::copy(&src, &dst).map_err(|e| io(&src, "copy", e))?;
        }
    }
    Ok(())
}

fn rewrite(src: &Path, dst: &Path) -> Result<()> {
    let bad = |e: csv::Error| {
        Error::at(
            src,
            e.position().map(|p| p.line()),
            None,
            format!("not a ';'-separated file of a Belgian locale: {e}"),
        )
    };
    let mut r =
        csv::ReaderBuilder::new().delimiter(b';').flexible(true).has_headers(false).from_path(src).map_err(bad)?;
    let mut w = csv::Writer::from_path(dst).map_err(|e| Error::Other(anyhow::anyhow!("{}: {e}", dst.display())))?;
    let mut decimal_at: Vec<usize> = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(bad)?;
        if i == 0 {
            let names: Vec<String> = rec.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_string()).collect();
            decimal_at = names
                .iter()
                .enumerate()
                .filter(|(_, n)| DECIMAL_COLUMNS.contains(&n.as_str()))
                .map(|(k, _)| k)
                .collect();
            w.write_record(&names).map_err(|e| Error::Other(anyhow::anyhow!("{}: {e}", dst.display())))?;
            continue;
        }
        let fields: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(k, v)| if decimal_at.contains(&k) { decimal(v) } else { v.to_string() })
            .collect();
        w.write_record(&fields).map_err(|e| Error::Other(anyhow::anyhow!("{}: {e}", dst.display())))?;
    }
    w.flush().map_err(|e| io(dst, "write", e))?;
    Ok(())
}

impl Converted {
    /// Names the original files again in what a run read, with the originals' sha256.
    pub fn restore_dataset(&self, data: &mut crate::dataset::Dataset) -> Result<()> {
        for r in &mut data.rejects {
            r.file = self.restore(&r.file);
        }
        for r in &mut data.invalidity {
            r.file = self.restore(&r.file);
        }
        for r in &mut data.incapacity {
            r.file = self.restore(&r.file).into();
        }
        for c in data.inputs.values_mut() {
            self.restore_counts(c)?;
        }
        Ok(())
    }

    /// An input's files named as the originals, with the originals' sha256.
    pub fn restore_counts(&self, c: &mut crate::input::rejects::InputCounts) -> Result<()> {
        use sha2::{Digest, Sha256};
        c.files = c.files.iter().map(|f| self.restore(f)).collect();
        let mut h = Sha256::new();
        for f in &c.files {
            let bytes = std::fs::read(f).map_err(|e| io(Path::new(f), "read", e))?;
            h.update(&bytes);
        }
        c.sha256 = crate::rules::hex(&h.finalize());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_commas() {
        assert_eq!(decimal("1234,56"), "1234.56");
        assert_eq!(decimal("1.234,56"), "1234.56");
        assert_eq!(decimal("1 234,5"), "1234.5");
        assert_eq!(decimal("0,5"), "0.5");
        assert_eq!(decimal("3000"), "3000");
        assert_eq!(decimal("12.5"), "12.5", "a point alone stays a decimal point");
    }
}
