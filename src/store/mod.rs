//! The quarterly store (§9): ingest the inputs once, assess any quarter from
//! aggregates in well under a second.
//!
//! `STORE/manifest.json` lists every stored quarter with the folder holding its Parquet
//! files and the ingest (batch) it came from; `STORE/batches/ID/` keeps that ingest's
//! source files with their sha256, its row counts and its rejects. Per quarter:
//!
//! | file | rows | columns |
//! |---|---|---|
//! | `register.parquet` | the register rows of the quarter | `employer_id, nace, employer_category, joint_committee, private_sector` |
//! | `occupation.parquet` | one per employer with lines | `employer_id, lines, headcount, wages_cents, fte_y0 … fte_yN` (FTE millionths by completed years of seniority on the quarter's last day; `fte_yN`: N years or more) |
//! | `committees.parquet` | one per employer and committee carried by lines | `employer_id, joint_committee, wages_cents` |
//! | `invalidity.parquet` | the invalidity rows starting in the quarter | `file, line, worker_id, employer_id, primary_incapacity_start, invalidity_start, birth_date, seniority_date, resumption_authorized` |
//! | `incapacity.parquet` | the incapacity rows starting in the quarter | `file, line, worker_id, employer_id, incapacity_start, incapacity_end, birth_date, service_start, worker_type, disability_recognised, part_time_resumption, daily_benefit_cents` |
//!
//! No worker identifier of the employment lines is kept: the law needs only the counts.
//! Ingesting a quarter again replaces it atomically: the new folders are written first,
//! then `manifest.json` is replaced by a rename, then the old folders are removed; a
//! killed ingest leaves the previous manifest, which names only complete folders.

mod ingest;
mod read;

pub use ingest::{ingest, Ingested};
pub use read::load;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub mod lock;

use crate::error::{io, Error, Result};
use crate::input::rejects::InputCounts;

pub const FORMAT: u32 = 1;
pub const MANIFEST: &str = "manifest.json";

/// One stored quarter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuarterEntry {
    /// The folder of its files, relative to the store.
    pub dir: String,
    /// The ingest it came from (`batches/ID`).
    pub batch: String,
    /// The sha256 of each of its files, checked on every read: a damaged file, or one
    /// copied from another quarter, is an error naming it (empty in a store written
    /// before the checksums, whose files are read unchecked).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sha256: BTreeMap<String, String>,
}

impl QuarterEntry {
    /// A stored file of the quarter, its bytes checked against the recorded sha256.
    pub fn read(&self, store: &Path, name: &str) -> Result<Vec<u8>> {
        use sha2::{Digest, Sha256};
        let path = store.join(&self.dir).join(name);
        let bytes = std::fs::read(&path).map_err(|e| {
            Error::Structure(format!("{}: cannot read the stored file: {e} (the store is damaged)", path.display()))
        })?;
        if let Some(want) = self.sha256.get(name) {
            let got = crate::rules::hex(&Sha256::digest(&bytes));
            if &got != want {
                return Err(Error::Structure(format!(
                    "{}: the stored file does not match its checksum (sha256 {got}, recorded {want}): the store is \
                     damaged; ingest this quarter again",
                    path.display()
                )));
            }
        }
        Ok(bytes)
    }
}

/// The store's index.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// Completed years of seniority kept (§9): a rule set with a larger
    /// `min_seniority_years` needs a new ingest.
    pub seniority_bound: u32,
    /// The data-quality bound the lines were checked with, in FTE millionths.
    pub max_line_fte_micro: i64,
    /// The wages bound the lines were checked with, in cents (absent in a store written
    /// before the bound existed: its lines were checked for FTE only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_line_wages_cents: Option<i64>,
    pub quarters: BTreeMap<String, QuarterEntry>,
}

/// What an ingest records of its sources (`batches/ID/batch.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Batch {
    pub data: String,
    pub quarters: Vec<String>,
    /// Per input: rows read, used, rejected, the files and their sha256.
    pub inputs: BTreeMap<String, InputCounts>,
}

pub fn read_manifest(store: &Path) -> Result<Option<Manifest>> {
    let path = store.join(MANIFEST);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| io(&path, "read", e))?;
    let m: Manifest = serde_json::from_str(&text)
        .map_err(|e| Error::Structure(format!("{}: not a responsa store manifest: {e}", path.display())))?;
    if m.format != FORMAT {
        return Err(Error::Structure(format!(
            "{}: store format {} (this responsa reads format {FORMAT}): ingest again into a new store",
            path.display(),
            m.format
        )));
    }
    // A store's own files are input like any other: every quarter it names is a quarter,
    // and every folder it names lies inside the store (never `..`, a root or a link out).
    for (q, e) in &m.quarters {
        if crate::quarter::parse_quarter(q).is_none() {
            return Err(Error::Structure(format!(
                "{}: '{q}' is not a quarter (YYYYQn): the store's index is damaged",
                path.display()
            )));
        }
        let inside =
            Path::new(&e.dir).components().all(|c| matches!(c, std::path::Component::Normal(_))) && !e.dir.is_empty();
        let real = store.join(&e.dir).canonicalize().ok();
        let root = store.canonicalize().ok();
        let within = match (real, root) {
            (Some(r), Some(s)) => r.starts_with(&s),
            _ => true,
        };
        let batch_ok = Path::new(&e.batch).components().count() == 1
            && matches!(Path::new(&e.batch).components().next(), Some(std::path::Component::Normal(_)));
        if !inside || !within || !batch_ok {
            return Err(Error::Structure(format!(
                "{}: quarter {q} names the folder '{}' (batch '{}'), which is not inside the store: the index \
                 is damaged or was tampered with; nothing is read from or deleted there",
                path.display(),
                e.dir,
                e.batch
            )));
        }
    }
    Ok(Some(m))
}

fn batch_dir(store: &Path, id: &str) -> PathBuf {
    store.join("batches").join(id)
}
