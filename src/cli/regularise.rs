//! `responsa regularise`: what a correction changed, employer by employer (§12).

use std::path::PathBuf;

use responsa::error::Result;
use responsa::quarter::{Quarter, QuarterRange};
use responsa::regularise::{self, Plan};

/// What to bill or refund after a correction, and why.
///
/// Assesses the quarter(s) on two versions of the store — version N (what was billed:
/// by default the version the store's journal records) and version M (the latest by default) — under the same rule set, and writes to OUT:
///   regularisation.csv                one row per employer whose status or amount differs:
///                                     employer_id, quarter, contribution, status_before,
///                                     status_after, amount_before, amount_after, difference
///                                     (after − before: positive to bill, negative to
///                                     refund), causes
///   regularisation_incapacities.csv   solidarity quarters: one row per incapacity whose
///                                     status, indemnified days or amount differs, added and
///                                     withdrawn ones included
///   summary.json, report.html         employers and amounts to bill, to refund, the net
///   letters/EMPLOYER_ID.html          per employer whose amount changes, its corrected notice
///                                     in its language (the original's reference with /R1,
///                                     /R2 …, the difference to pay or a credit note, the
///                                     quarter it is collected in, the causes in words)
/// `causes` names what moved: the employer's own inputs (`entries 2→3`, `wage base Q-1`,
/// `fte3y 2023Q2`, `average headcount`, `register: nace`, `incapacity_end`,
/// `part_time_resumption`, `daily_benefit`, `added`, `withdrawn`) then the pools it is
/// compared with (`sector ratio (group 4711)`, `private ratio`).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  responsa history --store STORE                                      # which version was billed, what changed
  responsa regularise --store STORE --quarter 2023Q4 --out regul-2023Q4          # billed → latest
  responsa regularise --store STORE --quarter 2023Q4 --out regul-2023Q4 --bill   # and record it
  responsa regularise --store STORE --quarter 2023Q4 --from 1 --out regul-2023Q4
  responsa regularise --store STORE --quarters 2025Q1..2025Q4 --from 3 --to 5 --out regul-2025

Exit codes: 0 success, 2 usage or structural error (a quarter never billed without --from, --from
after --to, a quarter not covered), 3 a version's data did not hold (an input over
max_rejected_share, a quarter's volume dropping), 1 other.")]
pub struct Args {
    /// The store written by `responsa ingest`.
    #[arg(long, value_name = "STORE")]
    pub store: PathBuf,
    /// The quarter to regularise, e.g. 2023Q4.
    #[arg(long, value_name = "YYYYQn", required_unless_present = "quarters", conflicts_with = "quarters")]
    pub quarter: Option<Quarter>,
    /// Several quarters, e.g. 2025Q1..2025Q4.
    #[arg(long, value_name = "FIRST..LAST")]
    pub quarters: Option<QuarterRange>,
    /// The version the amounts were billed on (default: the version the store's journal
    /// says was billed, `assess --store STORE --bill`; `responsa history` lists them).
    #[arg(long, value_name = "N")]
    pub from: Option<u64>,
    /// The version to compare it with (default: the latest).
    #[arg(long, value_name = "M")]
    pub to: Option<u64>,
    /// Folder the regularisation is written to (created if needed; written whole or not at all).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// A rule file to use instead of the embedded one (both versions are assessed under it).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Compare quarters whose stored inputs do not cover every quarter their computation
    /// reads (the missing ones count as empty); without it such a quarter is refused.
    #[arg(long)]
    pub allow_incomplete_data: bool,
    /// The largest share of an input's rows, in percent, that may have been rejected at
    /// ingest before a version is refused (exit 3), as `assess` refuses it (default: the
    /// rule set's max_rejected_share, 1 %).
    #[arg(long, value_name = "PERCENT")]
    pub max_rejected_share: Option<responsa::rules::Decimal>,
    /// Record the regularisation in the store's journal (§12.2): the quarters are then
    /// billed on the --to version, and `responsa history` no longer lists them.
    #[arg(long)]
    pub bill: bool,
    /// The office's lines of the corrected notices (sender, contact, appeal, signature in
    /// fr, nl and de) and their date: a copy of data/letters.toml with its bracketed lines
    /// filled in (the embedded one, which says what to fill in, by default).
    #[arg(long, value_name = "FILE")]
    pub letters: Option<PathBuf>,
    /// Also write the regularisation's tables into OUT/responsa.xlsx: a summary sheet, then
    /// one sheet per table; money in euros, dates as dates, filters.
    #[arg(long)]
    pub xlsx: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(a: Args) -> Result<()> {
    let quarters: Vec<Quarter> = super::quarters(a.quarter, a.quarters)?;
    let set = super::rules::load(a.rules.as_deref())?;
    let mut plan = Plan::new(&set, a.store.clone(), quarters, a.from, a.to, a.out.clone())?;
    plan.gates = responsa::run::Gates {
        allow_incomplete_data: a.allow_incomplete_data,
        strict: false,
        max_rejected_share: a.max_rejected_share,
    };
    plan.bill = a.bill;
    plan.xlsx = a.xlsx;
    if let Some(f) = &a.letters {
        plan.office = responsa::html::letters::Office::from_file(f)?;
    }
    let pb = super::spinner(a.quiet);
    let outcome = regularise::run(plan, &|m: &str| pb.set_message(m.to_string()));
    pb.finish_and_clear();
    let outcome = outcome?;
    if !a.quiet {
        print!("{}", outcome.text);
        println!("written to {}", a.out.display());
    }
    Ok(())
}
