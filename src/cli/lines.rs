//! `responsa lines`: the employment lines of a data folder's DmfA declarations (§13).

use std::path::PathBuf;

use responsa::error::Result;
use responsa::quarter::Quarter;

/// Write the employment lines a data folder's DmfA declarations make, as CSV.
///
/// Reads DIR/dmfa/*.xml and *.xml.gz (one line per Occupation, §13) with DIR's employer
/// register, as `assess` and `ingest` read them, and writes OUT/employment.csv — the
/// columns of the employment input (§2.2), then each line's file and line, how its FTE was
/// computed (hours or days, the weeks, the reference week), the remuneration codes
/// counted in its wages and where its seniority date comes from — and OUT/rejects.csv,
/// the occupations that make no line with their reasons. The codes counted and the weeks
/// of a quarter are the rule set's readings (dmfa.wage_codes, dmfa.paid_service_codes,
/// dmfa.weeks_per_quarter: `responsa rules`).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  responsa lines --data /data/2023Q4 --out lines-2023Q4
  responsa lines --data /data/2023Q4 --out lines-0123456789 --employer 0123456789
  responsa lines --data /data/2023Q4 --out lines --dmfa-employer-id noss")]
pub struct Args {
    /// Folder holding dmfa/ and the employer register (§2, §13).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Folder to write employment.csv and rejects.csv into (replaced whole).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Only this employer's lines (its employer_id as the register writes it).
    #[arg(long, value_name = "ID")]
    pub employer: Option<String>,
    /// The declaration's identifier that is the register's employer_id.
    #[arg(long, value_enum, default_value = "company-id", value_name = "ID")]
    pub dmfa_employer_id: super::DmfaEmployerArg,
    /// A rule file whose dmfa.* readings and line bounds apply (the embedded one by default).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    let set = super::rules::load(a.rules.as_deref())?;
    let rules = set.resolve(Quarter(9999 * 4 + 3), true)?;
    let reading = responsa::occupation::Reading::new(rules.dmfa.clone(), a.dmfa_employer_id.into());
    let bounds = responsa::input::employment::RowBounds::of(&rules.shared);
    let w = responsa::lines::write(&a.data, &a.out, &reading, bounds, a.employer.as_deref())?;
    println!(
        "{} employment line(s) → {}; {} occupation(s) without a line → {}",
        w.lines,
        w.employment.display(),
        w.rejected,
        w.rejects.display()
    );
    Ok(())
}
