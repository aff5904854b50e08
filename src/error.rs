//! Errors and exit codes (§6): 0 success, 2 usage or structural error,
//! 3 data that did not hold (`--strict` and rows were rejected, an input over
//! `max_rejected_share`, a quarter's volume dropping), 1 anything else.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Wrong arguments or an unusable rule file: exit 2.
    #[error("{0}")]
    Usage(String),
    /// A structural fault in an input (missing file or column, unreadable file, malformed
    /// header or record): exit 2. The text names file, line and column.
    #[error("{0}")]
    Structure(String),
    /// `--strict` and rows were rejected: exit 3.
    #[error("{rejected} input row(s) rejected under --strict; see {rejects}")]
    Strict { rejected: u64, rejects: String },
    /// An input lost more rows than the rule set's `max_rejected_share` allows (§6):
    /// exit 3, with the input, the share, the most frequent reasons and a hint.
    #[error("{0}")]
    Rejected(String),
    /// A quarter read lost more employers or lines than `max_quarter_drop` allows (§6:
    /// volumes hold): exit 3, naming the quarter and both counts.
    #[error("{0}")]
    Volume(String),
    /// Anything else: exit 1.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Structure(_) => 2,
            Error::Strict { .. } | Error::Rejected(_) | Error::Volume(_) => 3,
            Error::Other(_) => 1,
        }
    }

    /// A structural fault at a place in a file. `line` and `column` are 1-based; `column`
    /// may be a column name.
    pub fn at(file: &Path, line: Option<u64>, column: Option<&str>, msg: impl std::fmt::Display) -> Error {
        let mut s = file.display().to_string();
        if let Some(l) = line {
            s.push_str(&format!(":{l}"));
        }
        if let Some(c) = column {
            s.push_str(&format!(": column '{c}'"));
        }
        Error::Structure(format!("{s}: {msg}"))
    }
}

impl From<polars::error::PolarsError> for Error {
    fn from(e: polars::error::PolarsError) -> Self {
        Error::Other(anyhow::Error::new(e))
    }
}

/// An I/O failure on `path`: every I/O error names its file (there is deliberately no
/// `From<std::io::Error>`, so that none can be passed on without one).
pub fn io(path: &Path, doing: &str, e: std::io::Error) -> Error {
    Error::Other(anyhow::anyhow!("{}: cannot {doing}: {e}", path.display()))
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Readers running under [`catch_panics`]: the binary's panic hook stays silent while one
/// runs, since its panic becomes an ordinary error naming the file.
static CATCHING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Whether a panic now is caught by a reader and turned into an error.
pub fn panics_are_caught() -> bool {
    CATCHING.load(std::sync::atomic::Ordering::SeqCst) > 0
}

/// Runs `f`, turning a panic inside it (a third-party reader on a damaged file) into `None`.
pub fn catch_panics<T>(f: impl FnOnce() -> T) -> Option<T> {
    use std::sync::atomic::Ordering;
    CATCHING.fetch_add(1, Ordering::SeqCst);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    CATCHING.fetch_sub(1, Ordering::SeqCst);
    r
}
