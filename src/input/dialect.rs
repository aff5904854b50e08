//! CSV files saved by a spreadsheet in a Belgian locale (§11): `;` as separator, a
//! decimal comma (and a dot or a space between thousands), a byte-order mark. With
//! `--csv-dialect belgian` such files are read: each CSV file of the data directory is
//! rewritten as the standard CSV of §2 into a private folder, the run reads that,
//! and every file name it reports (rejects, inputs) names the original file again, with
//! the original's sha256. Without the option such a file stops the run with a line that
//! names it and the option (see `input::open`).

use std::path::{Path, PathBuf};

use crate::error::{io, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// Comma-separated, decimal point (§2).
    #[default]
    Standard,
    /// Semicolon-separated, decimal comma, byte-order mark (a spreadsheet in a Belgian locale).
    Belgian,
}

/// The columns holding decimals, whose comma becomes a point.
const DECIMAL_COLUMNS: [&str; 4] = ["fte", "wages", "daily_benefit", "amount"];

/// The columns holding dates, which a spreadsheet in a Belgian locale writes `05/01/2026`.
const DATE_COLUMNS: [&str; 9] = [
    "seniority_date",
    "primary_incapacity_start",
    "invalidity_start",
    "birth_date",
    "incapacity_start",
    "incapacity_end",
    "service_start",
    "part_time_resumption",
    "date",
];

/// The columns holding booleans, which a spreadsheet writes in its language.
const BOOL_COLUMNS: [&str; 4] =
    ["private_sector", "in_service_at_quarter_end", "resumption_authorized", "disability_recognised"];

/// A day-first date (`5/1/2026`, `05/01/2026`, `05.01.2026`, `05-01-2026`) in the
/// standard form `2026-01-05`; other text unchanged (an ISO date stays as it is, and a
/// value that is no date is rejected by the reader with its reason).
pub fn date(v: &str) -> String {
    let t = v.trim();
    let parts: Vec<&str> = t.split(['/', '.', '-']).collect();
    match parts[..] {
        [d, m, y]
            if (1..=2).contains(&d.len())
                && (1..=2).contains(&m.len())
                && y.len() == 4
                && [d, m, y].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            format!("{y}-{m:0>2}-{d:0>2}")
        }
        _ => t.to_string(),
    }
}

/// A spreadsheet's boolean in Dutch, French or German (`WAAR`/`ONWAAR`, `VRAI`/`FAUX`,
/// `WAHR`/`FALSCH`, any case) as `true`/`false`; other text unchanged.
pub fn boolean(v: &str) -> String {
    let t = v.trim();
    match t.to_lowercase().as_str() {
        "waar" | "vrai" | "wahr" => "true".to_string(),
        "onwaar" | "faux" | "falsch" => "false".to_string(),
        _ => t.to_string(),
    }
}

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
    /// An error about the converted copy, naming the user's files instead (§6).
    pub fn restore_error(&self, e: Error) -> Error {
        let (copy, original) = (self.dir.display().to_string(), self.original.display().to_string());
        e.map_text(|m| m.replace(&copy, &original))
    }

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
    let (mut decimal_at, mut date_at, mut bool_at): (Vec<usize>, Vec<usize>, Vec<usize>) = Default::default();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(bad)?;
        if i == 0 {
            // A header of one field holding commas: a file in the standard dialect, which
            // would otherwise read as one column and miss every other.
            if rec.len() == 1 && rec.get(0).is_some_and(|h| h.contains(',')) {
                return Err(Error::at(
                    src,
                    Some(1),
                    None,
                    "the header is separated by commas, not ';': this file is in the standard dialect (drop \
                     --csv-dialect belgian)",
                ));
            }
            let names: Vec<String> = rec.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_string()).collect();
            let at = |cols: &[&str]| -> Vec<usize> {
                names.iter().enumerate().filter(|(_, n)| cols.contains(&n.as_str())).map(|(k, _)| k).collect()
            };
            (decimal_at, date_at, bool_at) = (at(&DECIMAL_COLUMNS), at(&DATE_COLUMNS), at(&BOOL_COLUMNS));
            w.write_record(&names).map_err(|e| Error::Other(anyhow::anyhow!("{}: {e}", dst.display())))?;
            continue;
        }
        let fields: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(k, v)| {
                if decimal_at.contains(&k) {
                    decimal(v)
                } else if date_at.contains(&k) {
                    date(v)
                } else if bool_at.contains(&k) {
                    boolean(v)
                } else {
                    v.to_string()
                }
            })
            .collect();
        w.write_record(&fields).map_err(|e| Error::Other(anyhow::anyhow!("{}: {e}", dst.display())))?;
    }
    w.flush().map_err(|e| io(dst, "write", e))?;
    Ok(())
}

impl Converted {
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

    #[test]
    fn day_first_dates() {
        assert_eq!(date("05/01/2026"), "2026-01-05", "day first, as a Belgian spreadsheet writes it");
        assert_eq!(date("5/1/2026"), "2026-01-05");
        assert_eq!(date("31.12.2025"), "2025-12-31");
        assert_eq!(date("31-12-2025"), "2025-12-31");
        assert_eq!(date("2025-12-31"), "2025-12-31", "an ISO date stays");
        assert_eq!(date("1/2/26"), "1/2/26", "a two-digit year is left for the reader to reject");
        assert_eq!(date(""), "");
    }

    #[test]
    fn spreadsheet_booleans() {
        for (v, want) in [("WAAR", "true"), ("onwaar", "false"), ("VRAI", "true"), ("Faux", "false")] {
            assert_eq!(boolean(v), want);
        }
        assert_eq!(boolean("WAHR"), "true");
        assert_eq!(boolean("FALSCH"), "false");
        assert_eq!(boolean("yes"), "yes", "the standard words stay");
        assert_eq!(boolean("misschien"), "misschien");
    }
}
