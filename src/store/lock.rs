//! The store's writer lock (§9): one ingest at a time. An advisory lock of the system on
//! `STORE/.lock` (flock on Unix, LockFileEx on Windows), which the system releases with
//! the process that holds it; the file says who holds it, for the message of the next one.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::{io, Error, Result};

/// The lock, held until dropped.
pub struct StoreLock {
    file: File,
    path: PathBuf,
}

impl StoreLock {
    /// Takes the store's lock for an ingest, or exits 2 naming the writer that holds it.
    pub fn take(store: &Path) -> Result<StoreLock> {
        StoreLock::take_for(store, "ingest")
    }

    /// Takes the store's lock for `what` (`ingest`, `billing`), or exits 2 naming the
    /// writer that holds it.
    pub fn take_for(store: &Path, what: &str) -> Result<StoreLock> {
        let path = store.join(".lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io(&path, "open the store's lock", e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() { "another writer".to_string() } else { holder.to_string() };
                return Err(Error::Usage(format!(
                    "{}: {who} is writing this store; run again when it has ended (one writer at a time)",
                    store.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(&path, "lock", e)),
        }
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| crate::quarter::format_timestamp(d.as_secs() as i64))
            .unwrap_or_default();
        let me = format!("the {what} of pid {} (started {started} UTC)\n", std::process::id());
        file.set_len(0).map_err(|e| io(&path, "write", e))?;
        file.rewind().map_err(|e| io(&path, "write", e))?;
        file.write_all(me.as_bytes()).map_err(|e| io(&path, "write", e))?;
        file.sync_all().map_err(|e| io(&path, "write", e))?;
        Ok(StoreLock { file, path })
    }
}

impl Drop for StoreLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
        let _ = &self.path;
    }
}
