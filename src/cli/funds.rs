//! `responsa funds`: the sector funds' receipts of the levy (§10) — the yearly notice
//! to each joint committee and, with a ledger, each committee's three-year position. The
//! run is [`responsa::levy::funds_run`].

use std::path::PathBuf;

use responsa::error::{Error, Result};
use responsa::funds::{self as funds_run, Plan};
use responsa::parse::parse_date;

/// The sector funds' receipts of a year: the notice, and the three-year ledger.
///
/// Assesses the quarters whose levy falls due in Y
/// and writes notice_Y.csv, one row per joint committee with its receipts per due
/// quarter (the parts of §3.8, adding up to the cent to the levies) and the notice
/// date (15 February of Y+1). With --ledger and --as-of, also ledger.csv: per committee
/// and notice year, the receipts, what was requested, paid, allocated and returned, the
/// request and allocation deadlines, what is due to DG Humanisation of Work or back to
/// the office, and what is overdue on that date.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The ledger (CSV): joint_committee,date,event,amount,reference
  event: request, payment, allocation or return; reference: the notice year it concerns.
  Faulty rows go to rejects.csv with their line and reason (unknown committee or event,
  negative amount, a payment without a request, more paid than available, a late request).

Examples:
  responsa funds --year 2024 --data data/example --out funds --allow-incomplete-data
  responsa funds --year 2024 --store STORE --out funds --ledger data/example/ledger.csv --as-of 2028-03-01

Exit codes: 0 success, 2 usage or structural error (an input missing, a file cut short, a quarter
not covered), 3 data that did not hold (--strict and rows were rejected, an input over
max_rejected_share, a quarter's volume dropping: rejects.csv alone is written), 1 other.")]
pub struct Args {
    /// The year of collection Y (the levies due in its quarters).
    #[arg(long, value_name = "YYYY")]
    pub year: i32,
    #[command(flatten)]
    pub inputs: super::inputs::Inputs,
    /// Folder the reports are written to.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The funds' ledger: requests, payments, allocations, returns.
    #[arg(long, value_name = "FILE", requires = "as_of")]
    pub ledger: Option<PathBuf>,
    /// The date the ledger's position is computed for (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", requires = "ledger")]
    pub as_of: Option<String>,
    /// A rule file to use instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// The largest share of an input's rows, in percent, that may be rejected before the
    /// run stops with exit 3 instead of reporting (default: the rule set's
    /// max_rejected_share, 1 %; --strict: none).
    #[arg(long, value_name = "PERCENT")]
    pub max_rejected_share: Option<responsa::rules::Decimal>,
    /// Fail (exit 3) when any input or ledger row was rejected, after writing rejects.csv
    /// (alone: no notice and no ledger position).
    #[arg(long)]
    pub strict: bool,
    /// Compute the receipts even when the inputs do not cover every quarter a levy due in
    /// the year reads, or a quarter read holds far fewer employers or lines than the others
    /// (§6): the missing quarters count as empty. Without it such a year is refused.
    #[arg(long)]
    pub allow_incomplete_data: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(a: Args) -> Result<()> {
    let as_of = match &a.as_of {
        Some(s) => Some(parse_date(s).map_err(|_| Error::Usage(format!("--as-of '{s}' is not a date (YYYY-MM-DD)")))?),
        None => None,
    };
    let plan = Plan {
        rules: super::rules::load(a.rules.as_deref())?,
        source: a.inputs.source()?,
        year: a.year,
        out: a.out.clone(),
        ledger: a.ledger.clone(),
        as_of,
        strict: a.strict,
        max_rejected_share: a.max_rejected_share,
        allow_incomplete_data: a.allow_incomplete_data,
    };
    let outcome = funds_run::run(plan)?;
    // The process ends right after: its memory goes back to the OS at once.
    std::mem::forget(outcome.data);
    if !a.quiet {
        println!("{}", outcome.text);
        if outcome.rejected > 0 {
            println!("rejected rows: {} (see rejects.csv)", outcome.rejected);
        }
        println!("reports written to {}", a.out.display());
    }
    Ok(())
}
