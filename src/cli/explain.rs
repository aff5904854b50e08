//! `responsa explain`: why an employer got its status, warning and levy (SPEC §3), for a
//! quarter under the levy.

use std::path::PathBuf;

use crate::contribution;
use crate::dataset;
use crate::error::Result;
use crate::levy::{self, assess::assess};
use crate::quarter::Quarter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Explain one employer's assessment step by step: its counted and uncounted invalidity
/// entries and the rule that dropped each, its denominators, its ratio, its sector's and
/// the private sector's ratios with their sums, both multiples, its average headcount, the
/// status and the rule that decided it, the levy arithmetic and the warning — each step
/// with its SPEC rule and the legal source from the rule set.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  responsa explain --quarter 2023Q4 --employer E01 --data data/example\n  responsa explain --quarter 2023Q4 --employer E01 --data data/example --format json"
)]
pub struct Args {
    #[arg(long, value_name = "YYYYQn")]
    pub quarter: Quarter,
    /// The employer_id to explain.
    #[arg(long, value_name = "ID")]
    pub employer: String,
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// A rule file to use instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    #[arg(long)]
    pub allow_before_first_quarter: bool,
}

pub fn run(a: Args) -> Result<()> {
    let set = super::rules::load(a.rules.as_deref())?;
    let rules = set.resolve(a.quarter, a.allow_before_first_quarter)?;
    contribution::to_compute(&set, &rules)?;
    let loaded = dataset::load(&a.data, &rules, &[a.quarter], &|_| {})?;
    let assessment = assess(&loaded, rules)?;
    let x = levy::explain::explain(&loaded, &assessment, &a.employer)?;
    match a.format {
        Format::Text => print!("{}", levy::explain::render(&x)),
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(&x).map_err(anyhow::Error::from)?)
        }
    }
    Ok(())
}
