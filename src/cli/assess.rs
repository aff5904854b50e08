//! `responsa assess`: the contributions in force for one quarter (or several), end to
//! end (§2–§6, §5 for which contribution applies).

use std::path::{Path, PathBuf};

use responsa::error::Result;
use responsa::pipeline::{self, Plan};
use responsa::quarter::{Quarter, QuarterRange};

/// Assess a quarter under the contribution in force: reports, letters, report.html.
///
/// Reads the register, the employment lines and the invalidity entries or incapacities
/// of DATA (or STORE), decides every employer's status, warning and levy, or every
/// incapacity's contribution, and writes the reports to OUT. The rule set says which
/// contribution applies to which quarter (`responsa rules --quarter Q`): the invalidity
/// levy (cotisation de responsabilisation, §3) up to 2025Q4, the solidarity contribution
/// (cotisation de solidarité, §8) from 2026Q1; a quarter where none that responsa computes
/// is in force is refused. With --store STORE --bill, what the run bills is recorded in
/// the store's journal (§12.2).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Inputs, in DATA (or ingested into STORE), each as NAME.csv, NAME.parquet, or a folder NAME/
with one file per quarter:
  employers      the register: one row per employer and quarter (optional columns: language)
  employment     worker lines: FTE, seniority, in service at the quarter's end, wages
  invalidity     entries into invalidity             (needed for a levy quarter, up to 2025Q4)
  incapacity     primary incapacities, with end, part-time resumption and daily benefit
                                                     (needed for a solidarity quarter, from 2026Q1)

Outputs, in OUT (several quarters: one folder OUT/YYYYQn per quarter), written whole or not at all:
  levy quarter:
    assessment.csv                    every employer of the register at Q, every intermediate figure
    levy.csv                          the liable employers and their levy
    warnings.csv                      early warnings W1/W2/W3
    sectors.csv                       the pooled ratio of every sector group
    receipts_by_joint_committee.csv   the levy split over joint committees
  solidarity quarter:
    solidarity.csv                    every incapacity of Q: window, indemnified days, status, amount
    solidarity_by_employer.csv        per employer: incapacities, days and the contribution due
  both:
    report.html                       one self-contained page: key figures, plots, the largest amounts
    letters/EMPLOYER_ID.html          a printable notice per employer warned or liable under the levy,
                                      or owing the solidarity contribution (fr, nl, de; --letters)
    rejects.csv                       every input row not used, with file, line and reason
    summary.json                      counts, totals, rule set and input fingerprints
    responsa.xlsx                     with --xlsx: every table of the run in one workbook
    what_if.csv                       with --compare-to: what differs under the reference rule set

Examples:
  responsa assess --quarter 2023Q4 --data data/example --out out
  responsa assess --quarter 2026Q1 --data data/example --out out-2026
  responsa assess --quarters 2022Q4..2023Q4 --data DIR --out out --strict
  responsa assess --quarter 2023Q4 --data DIR --out what-if --rules my-rules.toml --compare-to default
  responsa assess --quarter 2026Q1 --store STORE --out out        # after responsa ingest
  responsa assess --quarter 2026Q1 --store STORE --out out --bill # and record what is billed

Exit codes: 0 success, 2 usage or structural error (an input missing, a file cut short, a quarter
not covered), 3 data that did not hold (--strict and rows were rejected, an input over
max_rejected_share, a quarter's volume dropping: rejects.csv alone is written), 1 other.")]
pub struct Args {
    /// The assessed quarter Q, e.g. 2023Q4.
    #[arg(long, value_name = "YYYYQn", required_unless_present = "quarters", conflicts_with = "quarters")]
    pub quarter: Option<Quarter>,
    /// Several quarters in one run, e.g. 2022Q4..2023Q4: inputs are read once, one report
    /// folder is written per quarter.
    #[arg(long, value_name = "FIRST..LAST")]
    pub quarters: Option<QuarterRange>,
    #[command(flatten)]
    pub inputs: super::inputs::Inputs,
    /// Folder the reports are written to (created if needed; previous reports are
    /// replaced only once the new ones are complete).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// A rule file to use instead of the embedded one, for a what-if.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// What-if: also assess under this reference rule set (`default` for the embedded
    /// one, or a file) and write what_if.csv, every employer whose status, warning or
    /// levy differs, with the change in liable count and levy total.
    #[arg(long, value_name = "default|FILE")]
    pub compare_to: Option<String>,
    /// The largest share of an input's rows, in percent, that may be rejected before the
    /// run stops with exit 3 instead of reporting (default: the rule set's
    /// max_rejected_share, 1 %; --strict: none).
    #[arg(long, value_name = "PERCENT")]
    pub max_rejected_share: Option<responsa::rules::Decimal>,
    /// Fail (exit 3) when any input row was rejected, after writing rejects.csv.
    #[arg(long)]
    pub strict: bool,
    /// Assess a quarter before the rule set's first_quarter (2022Q4).
    #[arg(long)]
    pub allow_before_first_quarter: bool,
    /// Assess a quarter even when the inputs do not cover every quarter its computation
    /// reads (the register at Q; for the levy the employment lines of Q-7..Q-1, for the
    /// solidarity contribution those of Q-4..Q-1): the missing quarters count as empty,
    /// which changes ratios and headcounts. Without it such a quarter is refused (exit 2).
    #[arg(long)]
    pub allow_incomplete_data: bool,
    /// Also write every table of the run into OUT/responsa.xlsx: a summary sheet, then one
    /// sheet per table across the run's quarters; money in euros, dates as dates, filters.
    #[arg(long)]
    pub xlsx: bool,
    /// The office's lines of the notices (sender, contact, appeal, signature in fr, nl and
    /// de) and their date: a copy of data/letters.toml with its bracketed lines filled in
    /// (the embedded one, which says what to fill in, by default).
    #[arg(long, value_name = "FILE")]
    pub letters: Option<PathBuf>,
    /// With --store: record in the store's journal what this run bills (§12.2): per quarter
    /// and contribution the version read, the totals, the notices' references and OUT.
    /// `responsa history` then lists the billed quarters a later ingest makes out of date,
    /// and `responsa regularise` compares with the version billed.
    #[arg(long, requires = "store", conflicts_with_all = ["compare_to", "allow_incomplete_data"])]
    pub bill: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the wall time of each stage (read, aggregate, decide, write) on stderr.
    #[arg(long)]
    pub timings: bool,
}

pub fn run(a: Args) -> Result<()> {
    let quarters: Vec<Quarter> = super::quarters(a.quarter, a.quarters)?;
    let set = super::rules::load(a.rules.as_deref())?;
    let reference = match a.compare_to.as_deref() {
        None => None,
        Some("default") => Some(responsa::rules::RuleSet::embedded()?),
        Some(c) => Some(super::rules::load(Some(Path::new(c)))?),
    };
    let resolved = responsa::run::Resolved::new(&set, quarters, reference.as_ref(), a.allow_before_first_quarter)?;
    let mut plan = Plan::new(resolved, a.inputs.source()?, a.out.clone())?;
    plan.strict = a.strict;
    plan.max_rejected_share = a.max_rejected_share;
    plan.allow_incomplete_data = a.allow_incomplete_data;
    plan.xlsx = a.xlsx;
    if a.bill {
        plan.bill = a.inputs.store.clone();
    }
    if let Some(f) = &a.letters {
        plan.office = responsa::html::letters::Office::from_file(f)?;
    }
    let pb = super::spinner(a.quiet);
    let clock = std::time::Instant::now();
    let outcome = pipeline::run(plan, &|m: &str| pb.set_message(m.to_string()));
    pb.finish_and_clear();
    let outcome = outcome?;
    let responsa::pipeline::Outcome { summaries, stages, data } = outcome;
    // The process ends right after: the OS takes the inputs' memory back at once, where
    // freeing it piece by piece would cost tens of milliseconds at national scale.
    std::mem::forget(data);
    if a.timings {
        for w in stages.windows(2) {
            eprintln!("{:>8.3} s  {}", w[1].1 - w[0].1, w[0].0);
        }
        eprintln!("{:>8.3} s  total", clock.elapsed().as_secs_f64());
    }
    if !a.quiet {
        println!("{}", summaries.join("\n"));
        println!("reports written to {}", a.out.display());
    }
    Ok(())
}
