//! Where `assess`, `explain` and `funds` read their inputs: `--data DIR` (§2, in the
//! standard or the Belgian CSV dialect of §11) or `--store STORE` (§9). One
//! definition of the arguments and of the reading, flattened into each subcommand.

use std::path::PathBuf;

use crate::dataset::{Dataset, Needs};
use crate::error::Result;
use crate::input::dialect::{self, Dialect};
use crate::quarter::Quarter;
use crate::rules::Rules;
use crate::run::Origin;

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
    pub csv_dialect: Dialect,
}

impl Inputs {
    /// Reads the run's dataset; files read through the Belgian dialect are reported under
    /// their own names.
    pub fn open(
        &self,
        rules: &[Rules],
        quarters: &[Quarter],
        needs: Needs,
        progress: &dyn Fn(&str),
    ) -> Result<Dataset> {
        let from = Origin::of(self.data.as_deref(), self.store.as_deref(), self.store_version)?;
        let converted = match &from {
            Origin::Data(d) => dialect::convert(d, self.csv_dialect)?,
            Origin::Store(..) => None,
        };
        let from = converted.as_ref().map_or(from, |c| Origin::Data(c.dir.clone()));
        let data = crate::run::open(&from, rules, quarters, needs, progress);
        let mut data = match (&converted, data) {
            (Some(c), Err(e)) => return Err(c.restore_error(e)),
            (_, data) => data?,
        };
        if let Some(c) = &converted {
            data.restore_names(c)?;
        }
        Ok(data)
    }
}
