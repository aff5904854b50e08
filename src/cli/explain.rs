//! `responsa explain`: why an employer got its status, warning and levy (SPEC §3), for a
//! quarter under the levy.

use std::path::PathBuf;

use crate::contribution::{self, Contribution};
use crate::dataset;
use crate::error::Result;
use crate::levy::{self, assess::assess};
use crate::solidarity;

mod erased {
    /// Pretty JSON of either explanation.
    pub trait Json {
        fn pretty(&self) -> crate::error::Result<String>;
    }
    impl<T: serde::Serialize> Json for T {
        fn pretty(&self) -> crate::error::Result<String> {
            let mut s = serde_json::to_string_pretty(self).map_err(anyhow::Error::from)?;
            s.push('\n');
            Ok(s)
        }
    }
}
use crate::quarter::Quarter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Explain one employer's assessment step by step. For a quarter under the solidarity
/// contribution: each of its incapacities starting in the quarter, the window, the days
/// counted and not (Sundays, after the end, after a part-time resumption), each row of
/// the status table with its rule and source, and the arithmetic. For the levy:: its counted and uncounted invalidity
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
    #[arg(long, value_name = "DIR", required_unless_present = "store", conflicts_with = "store")]
    pub data: Option<PathBuf>,
    /// A store written by `responsa ingest` to read instead of --data (SPEC §9).
    #[arg(long, value_name = "STORE")]
    pub store: Option<PathBuf>,
    /// How the CSV inputs are written: `standard` (SPEC §2) or `belgian` (a spreadsheet in
    /// a Belgian locale: `;` separator, decimal comma, byte-order mark).
    #[arg(long, value_enum, default_value = "standard", value_name = "DIALECT")]
    pub csv_dialect: crate::input::dialect::Dialect,
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
    let on = contribution::to_compute(&set, &rules)?;
    let needs = dataset::Needs {
        invalidity: on.contains(&Contribution::InvalidityLevy),
        incapacity: on.contains(&Contribution::Solidarity),
    };
    let from = dataset::Origin::of(a.data.as_deref(), a.store.as_deref())?;
    let converted = match (&from, a.data.as_deref()) {
        (dataset::Origin::Data(_), Some(d)) => crate::input::dialect::convert(d, a.csv_dialect)?,
        _ => None,
    };
    let from = converted.as_ref().map_or(from, |c| dataset::Origin::Data(c.dir.clone()));
    let mut loaded = dataset::open(&from, std::slice::from_ref(&rules), &[a.quarter], needs, &|_| {})?;
    if let Some(c) = &converted {
        c.restore_dataset(&mut loaded)?;
    }
    let json = |v: &dyn erased::Json| v.pretty();
    let mut texts = Vec::new();
    if needs.invalidity {
        let assessment = assess(&loaded, rules.clone())?;
        let x = levy::explain::explain(&loaded, &assessment, &a.employer)?;
        texts.push(match a.format {
            Format::Text => levy::explain::render(&x),
            Format::Json => json(&x)?,
        });
    }
    if needs.incapacity {
        let sa = solidarity::assess::assess(&loaded, rules)?;
        let x = solidarity::explain::explain(&sa, &a.employer)?;
        texts.push(match a.format {
            Format::Text => solidarity::explain::render(&x),
            Format::Json => json(&x)?,
        });
    }
    print!("{}", texts.join("\n"));
    Ok(())
}
