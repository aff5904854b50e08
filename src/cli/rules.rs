//! `responsa rules`: prints the rule set in force for a quarter (§5).

use std::path::PathBuf;

use responsa::error::Result;
use responsa::quarter::Quarter;
use responsa::rules::RuleSet;

/// Print the rule set in force for a quarter, every value with its source.
///
/// Every parameter, its value, the quarter it applies from, its source and the rule of
/// the specification that uses it; the contributions in force are its first two lines.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  responsa rules\n  responsa rules --quarter 2024Q1 --rules what-if.toml")]
pub struct Args {
    /// Quarter to resolve the parameters for.
    #[arg(long, default_value = "2023Q4")]
    pub quarter: Quarter,
    /// A rule file to use instead of the embedded one (a copy of data/rules.toml).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Resolve a quarter before first_quarter anyway.
    #[arg(long)]
    pub allow_before_first_quarter: bool,
}

pub fn load(rules: Option<&std::path::Path>) -> Result<RuleSet> {
    match rules {
        Some(p) => RuleSet::from_file(p),
        None => RuleSet::embedded(),
    }
}

pub fn run(a: Args) -> Result<()> {
    let set = load(a.rules.as_deref())?;
    let r = set.resolve(a.quarter, a.allow_before_first_quarter)?;
    print!("{}", r.render());
    Ok(())
}
