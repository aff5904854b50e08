//! Where `assess`, `explain` and `funds` read their inputs: `--data DIR` (§2, in the
//! standard or the Belgian CSV dialect of §11) or `--store STORE` (§9). One
//! definition of the arguments and of the reading, flattened into each subcommand.

use std::path::PathBuf;

use responsa::error::Result;
use responsa::run::{Origin, Source};

#[derive(Debug, Clone, clap::Args)]
pub struct Inputs {
    /// Folder holding the inputs (§2).
    #[arg(long, value_name = "DIR", required_unless_present = "store", conflicts_with = "store")]
    pub data: Option<PathBuf>,
    /// A store written by `responsa ingest` to read instead of --data (§9).
    #[arg(long, value_name = "STORE")]
    pub store: Option<PathBuf>,
    /// With --store: read the store as it was after ingest N (`responsa history` lists
    /// them), to reproduce a past run byte for byte; the latest by default.
    #[arg(long = "version", value_name = "N", requires = "store")]
    pub store_version: Option<u64>,
    /// How the CSV inputs are written: `standard` (§2) or `belgian` (a spreadsheet in
    /// a Belgian locale: `;` separator, decimal comma, byte-order mark).
    #[arg(long, value_enum, default_value = "standard", value_name = "DIALECT")]
    pub csv_dialect: super::DialectArg,
    /// With a data folder holding DmfA declarations (`dmfa/*.xml`, `*.xml.gz`, read
    /// instead of `employment`, §13): the declaration's identifier that is the register's
    /// employer_id.
    #[arg(long, value_enum, default_value = "company-id", value_name = "ID")]
    pub dmfa_employer_id: super::DmfaEmployerArg,
}

impl Inputs {
    /// Where the run reads: the library's [`Source`].
    pub fn source(&self) -> Result<Source> {
        let origin = Origin::of(self.data.as_deref(), self.store.as_deref(), self.store_version)?;
        Ok(Source { origin, dialect: self.csv_dialect.into(), dmfa_employer: self.dmfa_employer_id.into() })
    }
}
