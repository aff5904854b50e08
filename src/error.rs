//! Errors and exit codes (SPEC §6): 0 success, 2 usage or structural error,
//! 3 `--strict` and rows were rejected, 1 anything else.

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
    /// Anything else: exit 1.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Structure(_) => 2,
            Error::Strict { .. } => 3,
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
