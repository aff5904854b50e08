//! `responsa explain`: why an employer got its status, warning and levy (§3) in a
//! levy quarter, or why each of its incapacities is due or not (§8) in a solidarity
//! quarter.

use std::path::PathBuf;

use responsa::error::Result;

use responsa::quarter::Quarter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Who the explanation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Audience {
    /// Every step with its rule and legal source, in English: an audit trail.
    Analyst,
    /// What can be sent to the employer: in its language (the register's), the decision
    /// first, only the steps that led to it, each citing its act and article.
    Employer,
}

/// Explain one employer's assessment step by step, each rule with its source.
///
/// For a levy quarter: its counted and uncounted invalidity entries and the rule that
/// dropped each, its denominators, its ratio, its sector's and the private sector's ratios
/// with their sums, both multiples, its average headcount, the status and the rule that
/// decided it, the levy arithmetic and the warning. For a solidarity quarter: each of its
/// incapacities starting in the quarter, the window, the days counted and not (Sundays,
/// after the end, after a part-time resumption), each row of the status table, and the
/// arithmetic. Each step names its rule (§) and the legal source from the rule set.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  responsa explain --quarter 2023Q4 --employer E01 --data data/example\n  responsa explain --quarter 2023Q4 --employer E01 --data data/example --for employer\n  responsa explain --quarter 2023Q4 --employer E01 --data data/example --format json\n  responsa explain --quarter 2026Q1 --employer E04 --store STORE"
)]
pub struct Args {
    /// The assessed quarter, e.g. 2023Q4 (a levy quarter) or 2026Q1 (a solidarity quarter).
    #[arg(long, value_name = "YYYYQn")]
    pub quarter: Quarter,
    /// The employer_id to explain.
    #[arg(long, value_name = "ID")]
    pub employer: String,
    #[command(flatten)]
    pub inputs: super::inputs::Inputs,
    /// A rule file to use instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// `text` for a person, `json` for a program (the same steps, with their figures).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Explain a quarter before the rule set's first levy quarter (2022Q4).
    #[arg(long)]
    pub allow_before_first_quarter: bool,
    /// `analyst` (every step, rules and sources) or `employer` (a page to send it, in its
    /// language, with no internal reference).
    #[arg(long = "for", value_enum, default_value = "analyst", value_name = "WHOM")]
    pub audience: Audience,
    /// Explain a quarter even when the inputs do not cover every quarter its computation
    /// reads, or a quarter read holds far fewer employers or lines than the others (§6),
    /// as `assess --allow-incomplete-data` assesses it.
    #[arg(long)]
    pub allow_incomplete_data: bool,
    /// The largest share of an input's rows, in percent, that may have been rejected
    /// before the explanation is refused (exit 3), as `assess` refuses the report
    /// (default: the rule set's max_rejected_share, 1 %).
    #[arg(long, value_name = "PERCENT")]
    pub max_rejected_share: Option<responsa::rules::Decimal>,
}

pub fn run(a: Args) -> Result<()> {
    let set = super::rules::load(a.rules.as_deref())?;
    let req = responsa::explain::Request {
        quarter: a.quarter,
        employer: a.employer.clone(),
        for_employer: a.audience == Audience::Employer,
        json: a.format == Format::Json,
        allow_before_first_quarter: a.allow_before_first_quarter,
        gates: responsa::run::Gates {
            allow_incomplete_data: a.allow_incomplete_data,
            strict: false,
            max_rejected_share: a.max_rejected_share,
        },
    };
    print!("{}", responsa::explain::explain(&set, &a.inputs.source()?, &req)?);
    Ok(())
}
