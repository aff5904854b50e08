//! The quarterly store (§9) and its history (§12): ingest the inputs once, assess any
//! quarter from aggregates in well under a second, as the store is now or as it was after
//! any earlier ingest.
//!
//! ```text
//! STORE/
//!   versions/00000001.json   one per ingest, never rewritten: the quarters and their files
//!   versions/00000002.json
//!   quarters/2023Q4-ID/      the Parquet files an ingest wrote for a quarter
//!   batches/ID/              that ingest's batch.json (sources, sha256, counts) and rejects.csv
//!   .lock                    the writer lock (one ingest at a time)
//! ```
//!
//! Every ingest commits version N+1: it writes its quarters' new files, then the version
//! file, linked into place under a name no other file has (a version is never
//! overwritten); a killed ingest leaves the versions as they were, and the next one
//! removes what it wrote. A file of a quarter identical to the one the previous version
//! names (same sha256) is not written again: the new version names the old file. Nothing
//! an earlier version names is ever removed, so a reader pinned to version N (`--version
//! N`, or the latest when it started) reads it whole whatever ingests run meanwhile.
//! Per quarter:
//!
//! | file | rows | columns |
//! |---|---|---|
//! | `register.parquet` | the register rows of the quarter | `employer_id, nace, employer_category, joint_committee, private_sector` |
//! | `occupation.parquet` | one per employer with lines | `employer_id, lines, headcount, wages_cents, fte_y0 … fte_yN` (FTE millionths by completed years of seniority on the quarter's last day; `fte_yN`: N years or more), and `fte_from_yM`: their sum from M years, M the ingest's `min_seniority_years` (§3.2's `fte3y`, read alone by a run under that M) |
//! | `committees.parquet` | one per employer and committee carried by lines | `employer_id, joint_committee, wages_cents` |
//! | `invalidity.parquet` | the invalidity rows starting in the quarter | `file, line, worker_id, employer_id, primary_incapacity_start, invalidity_start, birth_date, seniority_date, resumption_authorized` |
//! | `incapacity.parquet` | the incapacity rows starting in the quarter | `file, line, worker_id, employer_id, incapacity_start, incapacity_end, birth_date, service_start, worker_type, disability_recognised, part_time_resumption, daily_benefit_cents` |
//! | `starts.parquet` | lines read from DmfA only (§13): one per employer and worker of the quarter | `employer_id, inss, start` (the earliest occupation start held, for a later extract's regime change) |
//!
//! No worker identifier of CSV or Parquet employment lines is kept: the law needs only the
//! counts. Lines read from DmfA keep each worker's INSS with its earliest occupation start,
//! the one fact a later extract needs of them (§13).
//! A store written before versions (one `manifest.json`) reads as version 1; the first
//! ingest into it records that version before its own.

mod compare;
mod history;
mod ingest;
pub mod journal;
mod read;

pub use compare::Changes;
pub use history::{history, ranges, reach, History};
pub use ingest::{ingest, Ingested, Mode, Options};
pub use read::load;

use std::collections::BTreeMap;
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

pub mod lock;

use crate::error::{io, Error, Result};
use crate::input::rejects::InputCounts;

/// The format of a version file.
pub const FORMAT: u32 = 2;

/// The stored column of the FTE with `years` of seniority or more (§3.2), the sum of the
/// buckets `fte_y{years}` … `fte_yN` made at ingest: a run under the same
/// `min_seniority_years` reads it alone; another, or a store written before it, sums the
/// buckets.
pub fn fte_from(years: u32) -> String {
    format!("{FTE_FROM}{years}")
}

/// The name of every [`fte_from`] column up to its years.
pub const FTE_FROM: &str = "fte_from_y";
/// The index of a store written before versions (format 1).
pub const LEGACY_MANIFEST: &str = crate::input::STORE_MANIFEST;
pub const VERSIONS: &str = crate::input::STORE_VERSIONS;

/// One stored file of a quarter.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredFile {
    /// Relative to the store.
    pub path: String,
    /// Checked on every read: a damaged file, or one copied from another quarter, is an
    /// error naming it (empty in a store written before the checksums: read unchecked).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sha256: String,
    /// The ingest that brought its input (`batches/ID`: its sources, counts and rejects).
    pub batch: String,
    /// The rows' sha256 without where they were read (file and line): two ingests of the
    /// same rows from different folders hold the same data (invalidity and incapacity).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub content: String,
}

/// One stored quarter: its files by name.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct QuarterEntry {
    /// The last ingest that wrote the quarter.
    pub batch: String,
    pub files: BTreeMap<String, StoredFile>,
    /// The employers declaring lines and the lines of the quarter (§6, volumes hold), as
    /// the ingest that brought its lines counted them (absent in a store written before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<crate::volumes::Volume>,
}

impl QuarterEntry {
    fn file(&self, name: &str) -> Result<&StoredFile> {
        self.files.get(name).ok_or_else(|| {
            Error::Structure(format!("the store's index names no {name} for a quarter: the store is damaged"))
        })
    }

    /// A stored file of the quarter, its bytes checked against the recorded sha256.
    pub fn read(&self, store: &Path, name: &str) -> Result<Vec<u8>> {
        use sha2::{Digest, Sha256};
        let f = self.file(name)?;
        let path = store.join(&f.path);
        let bytes = std::fs::read(&path).map_err(|e| {
            Error::Structure(format!("{}: cannot read the stored file: {e} (the store is damaged)", path.display()))
        })?;
        if !f.sha256.is_empty() {
            let got = crate::rules::hex(&Sha256::digest(&bytes));
            if got != f.sha256 {
                return Err(Error::Structure(format!(
                    "{}: the stored file does not match its checksum (sha256 {got}, recorded {}): the store is \
                     damaged; ingest this quarter again",
                    path.display(),
                    f.sha256
                )));
            }
        }
        Ok(bytes)
    }
}

/// One version of the store: what an ingest committed (`versions/NNNNNNNN.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Version {
    pub format: u32,
    /// 1, 2, 3… in the order of the ingests.
    pub version: u64,
    /// When it was committed, UTC (`YYYY-MM-DD HH:MM:SS`; empty for a store's first
    /// version recorded from a store written before versions).
    pub committed: String,
    /// The ingest (`batches/ID`), and the folder it read.
    pub batch: String,
    pub data: String,
    /// Completed years of seniority kept (§9): a rule set with a larger
    /// `min_seniority_years` needs a new ingest.
    pub seniority_bound: u32,
    /// The data-quality bounds the lines were checked with, in FTE millionths and cents.
    pub max_line_fte_micro: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_line_wages_cents: Option<i64>,
    /// The quarters the ingest wrote, and those whose data differ from the version before.
    pub touched: Vec<String>,
    pub changed: Vec<String>,
    /// Per input the ingest brought: rows read, used, rejected, the files and their sha256.
    pub sources: BTreeMap<String, InputCounts>,
    /// §12.1: per quarter written and input brought, the rows added, withdrawn, changed
    /// and unchanged against the version before (empty in a store written before).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub changes: BTreeMap<String, BTreeMap<String, Changes>>,
    /// How a correction of one input was applied: `replace` or `amend` (§12.1; empty for
    /// whole quarters).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mode: String,
    /// Every stored quarter as of this version.
    pub quarters: BTreeMap<String, QuarterEntry>,
}

impl Version {
    /// The entry of a stored quarter, or the error naming what the version holds.
    pub fn quarter(&self, store: &Path, q: crate::quarter::Quarter) -> Result<&QuarterEntry> {
        self.quarters.get(&q.to_string()).ok_or_else(|| {
            Error::Usage(format!(
                "{}: quarter {q} is not in the store at version {} (stored: {}): responsa ingest --data DIR \
                 --store {} with its inputs",
                store.display(),
                self.version,
                self.quarters.keys().cloned().collect::<Vec<_>>().join(", "),
                store.display()
            ))
        })
    }
}

/// What an ingest records of its sources (`batches/ID/batch.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Batch {
    pub data: String,
    pub quarters: Vec<String>,
    /// Per input: rows read, used, rejected, the files and their sha256.
    pub inputs: BTreeMap<String, InputCounts>,
}

/// The file of version `n`.
fn version_path(store: &Path, n: u64) -> std::path::PathBuf {
    store.join(VERSIONS).join(format!("{n:08}.json"))
}

/// The version numbers the store holds, in order (empty: none, or a store written before
/// versions).
pub fn numbers(store: &Path) -> Result<Vec<u64>> {
    numbered(&store.join(VERSIONS))
}

/// The numbers of the `NNNNNNNN.json` files of a folder, in order (none when it is
/// missing): the store's versions and its journal. A half-written `.NNNNNNNN.json.PID.tmp`
/// of a killed run is not one.
pub(crate) fn numbered(dir: &Path) -> Result<Vec<u64>> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir, "read", e)),
    };
    let mut out = Vec::new();
    for e in rd {
        let e = e.map_err(|e| io(dir, "read", e))?;
        let name = e.file_name().to_string_lossy().to_string();
        if let Some(n) = name.strip_suffix(".json").filter(|s| s.len() == 8).and_then(|s| s.parse().ok()) {
            out.push(n);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// The store at version `n` (the latest when `None`), or `None` for an empty store.
pub fn read_version(store: &Path, n: Option<u64>) -> Result<Option<Version>> {
    let have = numbers(store)?;
    if have.is_empty() {
        let legacy = read_legacy(store)?;
        return match (legacy, n) {
            (Some(v), Some(n)) if n != 1 => Err(no_version(store, n, &[v.version])),
            (v, _) => Ok(v),
        };
    }
    let n = match n {
        Some(n) if have.contains(&n) => n,
        Some(n) => return Err(no_version(store, n, &have)),
        None => have[have.len() - 1],
    };
    let path = version_path(store, n);
    let text = std::fs::read_to_string(&path).map_err(|e| io(&path, "read", e))?;
    let v: Version = serde_json::from_str(&text)
        .map_err(|e| Error::Structure(format!("{}: not a responsa store version: {e}", path.display())))?;
    if v.format != FORMAT || v.version != n {
        return Err(Error::Structure(format!(
            "{}: store format {} version {} (this responsa reads format {FORMAT}; the file's name says version \
             {n}): the store is damaged, or written by another responsa",
            path.display(),
            v.format,
            v.version
        )));
    }
    check_paths(store, &path, &v)?;
    Ok(Some(v))
}

/// Every version, in order.
pub fn all_versions(store: &Path) -> Result<Vec<Version>> {
    let have = numbers(store)?;
    if have.is_empty() {
        return Ok(read_legacy(store)?.into_iter().collect());
    }
    have.into_iter().map(|n| read_version(store, Some(n))?.ok_or_else(|| no_version(store, n, &[]))).collect()
}

fn no_version(store: &Path, n: u64, have: &[u64]) -> Error {
    let held = match (have.first(), have.last()) {
        (Some(a), Some(b)) if a == b => format!("version {a}"),
        (Some(a), Some(b)) => format!("versions {a} to {b}"),
        _ => "no version".to_string(),
    };
    Error::Usage(format!(
        "{}: there is no version {n}: the store holds {held} (responsa history --store {} lists them)",
        store.display(),
        store.display()
    ))
}

/// A store's own files are input like any other: every quarter its index names is a
/// quarter, and every file and batch it names lies inside the store (never `..`, a root
/// or a link out).
fn check_paths(store: &Path, index: &Path, v: &Version) -> Result<()> {
    let root = store.canonicalize().ok();
    let inside = |rel: &str| {
        let plain = !rel.is_empty() && Path::new(rel).components().all(|c| matches!(c, Component::Normal(_)));
        let real = store.join(rel).canonicalize().ok();
        let within = match (&real, &root) {
            (Some(r), Some(s)) => r.starts_with(s),
            _ => true,
        };
        plain && within
    };
    let one = |id: &str| {
        let mut c = Path::new(id).components();
        id.is_empty() || (matches!(c.next(), Some(Component::Normal(_))) && c.next().is_none())
    };
    for (q, e) in &v.quarters {
        if crate::quarter::parse_quarter(q).is_none() {
            return Err(Error::Structure(format!(
                "{}: '{q}' is not a quarter (YYYYQn): the store's index is damaged",
                index.display()
            )));
        }
        for (name, f) in &e.files {
            if !inside(&f.path) || !one(&f.batch) || !one(&e.batch) {
                return Err(Error::Structure(format!(
                    "{}: quarter {q} names the file '{}' (batch '{}') for {name}, which is not inside the store: \
                     the index is damaged or was tampered with; nothing is read from or deleted there",
                    index.display(),
                    f.path,
                    f.batch
                )));
            }
        }
    }
    Ok(())
}

/// A store written before versions: its `manifest.json`, read as version 1.
fn read_legacy(store: &Path) -> Result<Option<Version>> {
    #[derive(Deserialize)]
    struct Entry {
        dir: String,
        batch: String,
        #[serde(default)]
        sha256: BTreeMap<String, String>,
    }
    #[derive(Deserialize)]
    struct Manifest {
        format: u32,
        seniority_bound: u32,
        max_line_fte_micro: i64,
        #[serde(default)]
        max_line_wages_cents: Option<i64>,
        quarters: BTreeMap<String, Entry>,
    }
    let path = store.join(LEGACY_MANIFEST);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| io(&path, "read", e))?;
    let m: Manifest = serde_json::from_str(&text)
        .map_err(|e| Error::Structure(format!("{}: not a responsa store manifest: {e}", path.display())))?;
    if m.format != 1 {
        return Err(Error::Structure(format!(
            "{}: store format {}: ingest again into a new store",
            path.display(),
            m.format
        )));
    }
    let names =
        ["register.parquet", "occupation.parquet", "committees.parquet", "invalidity.parquet", "incapacity.parquet"];
    let quarters: BTreeMap<String, QuarterEntry> = m
        .quarters
        .into_iter()
        .map(|(q, e)| {
            let files = names
                .iter()
                .map(|n| {
                    let f = StoredFile {
                        path: format!("{}/{n}", e.dir),
                        sha256: e.sha256.get(*n).cloned().unwrap_or_default(),
                        batch: e.batch.clone(),
                        content: String::new(),
                    };
                    (n.to_string(), f)
                })
                .collect();
            (q, QuarterEntry { batch: e.batch, files, volume: None })
        })
        .collect();
    let all: Vec<String> = quarters.keys().cloned().collect();
    let v = Version {
        format: FORMAT,
        version: 1,
        committed: String::new(),
        batch: String::new(),
        data: String::new(),
        seniority_bound: m.seniority_bound,
        max_line_fte_micro: m.max_line_fte_micro,
        max_line_wages_cents: m.max_line_wages_cents,
        touched: all.clone(),
        changed: all,
        sources: BTreeMap::new(),
        changes: BTreeMap::new(),
        mode: String::new(),
        quarters,
    };
    check_paths(store, &path, &v)?;
    Ok(Some(v))
}

/// Commits a version: written aside, then linked under its number, which fails rather
/// than replace a version that exists.
fn commit(store: &Path, v: &Version) -> Result<()> {
    let text = serde_json::to_string_pretty(v).map_err(anyhow::Error::from)? + "\n";
    link_new(&store.join(VERSIONS), v.version, &text, "version", || {})
}

/// Writes `text` aside in `dir`, then links it as `NNNNNNNN.json`: the file appears whole
/// or not at all, and an existing one is never replaced (the versions, the journal).
/// `before_link` runs between the two (a test hook).
pub(crate) fn link_new(dir: &Path, n: u64, text: &str, what: &str, before_link: impl FnOnce()) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, "create", e))?;
    let target = dir.join(format!("{n:08}.json"));
    let tmp = dir.join(format!(".{n:08}.json.{}.tmp", std::process::id()));
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp).map_err(|e| io(&tmp, "write", e))?;
        f.write_all(text.as_bytes()).map_err(|e| io(&tmp, "write", e))?;
        f.sync_all().map_err(|e| io(&tmp, "write", e))?;
    }
    before_link();
    let linked = std::fs::hard_link(&tmp, &target);
    let _ = std::fs::remove_file(&tmp);
    linked.map_err(|e| {
        Error::Structure(format!("{}: cannot commit {what} {n}: {e} (it is never replaced)", target.display()))
    })
}

fn batch_dir(store: &Path, id: &str) -> std::path::PathBuf {
    store.join("batches").join(id)
}
