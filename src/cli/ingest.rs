//! `responsa ingest`: the quarterly store (§9).

use std::path::PathBuf;

use responsa::error::Result;
use responsa::quarter::Quarter;
use responsa::store::{Mode, Options};

/// Ingest whole quarters into the store, to assess them in well under a second.
///
/// Reads the inputs of whole quarters once, checks them (rejects are kept in the store with
/// their file and line) and write per quarter the aggregates every computation needs:
/// the register, per employer the lines, the FTE by completed years of seniority, the
/// workers in service at the quarter's end, the wages per joint committee, and the
/// invalidity and incapacity rows. No worker identifier of the employment lines is kept.
/// Every ingest commits a new version of the store (1, 2, 3…); earlier versions stay
/// readable (`--version N` on `assess`, `explain`, `funds`; `responsa history`). DATA may
/// hold a correction alone: a corrected `invalidity` or `incapacity` file for quarters
/// already stored, whose other inputs carry over; the register and the employment lines
/// come together. Then `assess`, `explain` and `funds` read `--store STORE` instead of
/// `--data`.
///
/// One ingest writes a store at a time: a second one started meanwhile does not wait, it
/// exits 2 at once naming the running one (its pid and start time); a lock left by a killed
/// ingest goes with its process, so the next ingest simply runs.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The quarterly routine:
  responsa ingest --data /extracts/2026Q2 --store /srv/responsa/store     # the new quarter
  responsa assess --quarter 2026Q2 --store /srv/responsa/store --out /srv/responsa/2026Q2
  responsa explain --quarter 2026Q2 --employer 0123456789 --store /srv/responsa/store

A correction:
  responsa ingest --data /extracts/corrections/2026-05-12 --store /srv/responsa/store   # incapacity.csv alone
  responsa history --store /srv/responsa/store                                          # what is out of date
  responsa regularise --quarter 2026Q1 --from 3 --store /srv/responsa/store --out /srv/responsa/regul

A correction of one input that would withdraw stored rows needs --amend or --replace.
Ingesting what the store holds already commits nothing, and says so.

Exit codes: 0 success (or nothing new), 2 usage or structural error (a file cut short, a
correction withdrawing rows without --amend or --replace), 3 data that did not hold (an input
over max_rejected_share, a quarter's volume dropping, --strict and rows were rejected):
nothing is committed, 1 other.")]
pub struct Args {
    /// Folder holding the inputs of one or more whole quarters (§2).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// How the CSV inputs are written: `standard` (§2) or `belgian` (a spreadsheet in
    /// a Belgian locale: `;` separator, decimal comma, byte-order mark).
    #[arg(long, value_enum, default_value = "standard", value_name = "DIALECT")]
    pub csv_dialect: super::DialectArg,
    /// With DmfA declarations (`dmfa/*.xml`, `*.xml.gz`, read instead of `employment`,
    /// §13): the declaration's identifier that is the register's employer_id.
    #[arg(long, value_enum, default_value = "company-id", value_name = "ID")]
    pub dmfa_employer_id: super::DmfaEmployerArg,
    /// The store (created when missing).
    #[arg(long, value_name = "STORE")]
    pub store: PathBuf,
    /// Completed years of seniority kept per line (0 .. N, the last meaning N or more):
    /// what-if runs may then set min_seniority_years up to N.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub seniority_bound: u32,
    /// A rule file whose max_line_fte checks the lines (the embedded one by default).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Commit nothing (exit 3) when any input row was rejected; the rejects are written
    /// where the message says.
    #[arg(long)]
    pub strict: bool,
    /// The largest share of an input's rows, in percent, that may be rejected before the
    /// ingest commits nothing (exit 3), as `assess` refuses it (default: the rule set's
    /// max_rejected_share, 1 %).
    #[arg(long, value_name = "PERCENT")]
    pub max_rejected_share: Option<responsa::rules::Decimal>,
    /// Commit a quarter of lines even when it holds far fewer employers or lines than the
    /// quarters a computation reads with it (§6: more than max_quarter_drop, 10 %, below
    /// their median); without it such an ingest commits nothing (exit 3).
    #[arg(long)]
    pub allow_incomplete_data: bool,
    /// A correction of invalidity or incapacity alone: its rows are added, or replace the
    /// stored rows with the same key (worker and invalidity_start; employer, worker and
    /// incapacity_start); no stored row is withdrawn.
    #[arg(long, conflicts_with = "replace")]
    pub amend: bool,
    /// A correction of invalidity or incapacity alone is the whole truth for the quarters
    /// it holds: stored rows it lacks are withdrawn. Without --amend or --replace, a
    /// correction that would withdraw rows is refused (exit 2) with the counts.
    #[arg(long)]
    pub replace: bool,
    /// Print nothing on success (no spinner either).
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(a: Args) -> Result<()> {
    let set = super::rules::load(a.rules.as_deref())?;
    let mode = match (a.amend, a.replace) {
        (true, _) => Mode::Amend,
        (_, true) => Mode::Replace,
        _ => Mode::Ask,
    };
    let gates = responsa::run::Gates {
        allow_incomplete_data: a.allow_incomplete_data,
        strict: a.strict,
        max_rejected_share: a.max_rejected_share,
    };
    let opts =
        Options { dmfa_employer: a.dmfa_employer_id.into(), ..Options::new(&set, a.seniority_bound, gates, mode)? };
    let pb = super::spinner(a.quiet);
    let done = responsa::store::ingest(&a.data, a.csv_dialect.into(), &a.store, &opts, &|m: &str| {
        pb.set_message(m.to_string())
    });
    pb.finish_and_clear();
    let done = done?;
    if a.quiet {
        return Ok(());
    }
    let list = |v: &[Quarter]| v.iter().map(|q| q.to_string()).collect::<Vec<_>>().join(", ");
    // §12.1: what the ingest changes, per quarter and input.
    for (q, by) in &done.changes {
        for (input, c) in by.iter().filter(|(_, c)| **c != responsa::store::Changes::default()) {
            println!("{q} {input:<11} {c}");
        }
    }
    if done.nothing_new {
        println!(
            "nothing new: the store's latest version ({}) holds all of it already; no version committed",
            done.version
        );
        return Ok(());
    }
    println!("version {}: ingested {} into {}", done.version, list(&done.quarters), a.store.display());
    if !done.replaced.is_empty() {
        println!("replaced: {} (the versions before stay readable: --version N)", list(&done.replaced));
    }
    let changed: Vec<Quarter> = done.changed.iter().filter(|q| done.replaced.contains(q)).copied().collect();
    if !changed.is_empty() {
        println!(
            "changed: {} (responsa history --store {} lists the billed reports now out of date)",
            list(&changed),
            a.store.display()
        );
    }
    if done.rejected > 0 {
        println!(
            "rejected input rows: {} (kept in {}/batches/{}/rejects.csv)",
            done.rejected,
            a.store.display(),
            done.batch
        );
    }
    Ok(())
}
