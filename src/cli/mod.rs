//! The command line: one file per subcommand with its arguments and `run`. Raw arguments
//! become a validated configuration before any work; `main.rs` only calls [`run`].

pub mod assess;
pub mod explain;
pub mod funds;
pub mod generate;
pub mod history;
pub mod ingest;
pub mod inputs;
pub mod lines;
pub mod regularise;
pub mod rules;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use responsa::error::Result;

/// How the CSV inputs are written (`--csv-dialect`), mapped to the library's dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DialectArg {
    /// Comma-separated, decimal point (§2).
    #[default]
    Standard,
    /// Semicolon-separated, decimal comma, byte-order mark (a spreadsheet in a Belgian locale).
    Belgian,
}

impl From<DialectArg> for responsa::input::dialect::Dialect {
    fn from(d: DialectArg) -> Self {
        match d {
            DialectArg::Standard => responsa::input::dialect::Dialect::Standard,
            DialectArg::Belgian => responsa::input::dialect::Dialect::Belgian,
        }
    }
}

/// Which identifier of a DmfA declaration is the register's employer key
/// (`--dmfa-employer-id`, §13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DmfaEmployerArg {
    /// `CompanyID`, the enterprise number: ten digits, leading zeros restored.
    #[default]
    CompanyId,
    /// `NOSSRegistrationNbr`, the office's registration number, as written.
    Noss,
}

impl From<DmfaEmployerArg> for responsa::dmfa::EmployerKey {
    fn from(d: DmfaEmployerArg) -> Self {
        match d {
            DmfaEmployerArg::CompanyId => responsa::dmfa::EmployerKey::CompanyId,
            DmfaEmployerArg::Noss => responsa::dmfa::EmployerKey::Noss,
        }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "responsa",
    version,
    about = "Belgian employer contributions for workers' long incapacity, exact to the cent",
    long_about = "responsa computes, quarter by quarter, the Belgian employer contributions for \
workers' long incapacity from the social security office's extracts. Up to 2025Q4: the \
cotisation de responsabilisation, 0.625 % of wages for private-sector employers whose inflow of \
workers into invalidity is at least twice their sector's and three times the whole private \
sector's (loi-programme of 27 December 2021, art. 140 ff.). From 2026Q1: the cotisation de \
solidarité, 30 % of the sickness benefit of the two months after the 30th day of a primary \
incapacity, for employers of 50 workers or more. Which contribution applies to a quarter is a \
dated switch of the rule set (`responsa rules --quarter Q`).\n\n\
The quarterly routine: `responsa ingest` the new quarter into a store, then `responsa assess \
--store --bill`; `responsa explain` for one employer; `responsa funds` for the sector funds. A \
correction: `responsa ingest` it (`--amend` or `--replace` for one input alone), `responsa \
history` lists the billed quarters it made out of date, `responsa regularise` says what to bill \
or refund and why. The employment lines may come as the employers' own DmfA declarations (a \
folder dmfa/ of .xml or .xml.gz files): `responsa lines` shows the lines they make.\n\n\
Start with `responsa assess --help`. Exit codes: 0 success; 2 usage or structural error (a \
missing input, a file cut short, a quarter not covered); 3 data that did not hold (an input \
over max_rejected_share, a quarter's volume dropping, --strict and rows were rejected); 1 \
anything else."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Whether the command reads its data from a store (`--store`, `regularise`,
    /// `history`) rather than from extracts (CSV, Parquet, DmfA): the two use memory
    /// differently (src/main.rs).
    pub fn reads_a_store(&self) -> bool {
        match &self.command {
            Command::Assess(a) => a.inputs.store.is_some(),
            Command::Explain(a) => a.inputs.store.is_some(),
            Command::Funds(a) => a.inputs.store.is_some(),
            Command::Regularise(_) | Command::History(_) => true,
            Command::Ingest(_) | Command::Rules(_) | Command::Generate(_) | Command::Lines(_) => false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Assess(assess::Args),
    Explain(explain::Args),
    Funds(funds::Args),
    Ingest(ingest::Args),
    History(history::Args),
    Regularise(regularise::Args),
    Rules(rules::Args),
    Generate(generate::Args),
    Lines(lines::Args),
}

pub fn run(cli: Cli) -> Result<()> {
    // Test hook: a panic on a worker thread, so that a test can check a bug still ends
    // in one line and exit code 1 (src/main.rs).
    if std::env::var_os("RESPONSA_TEST_PANIC").is_some() {
        use rayon::prelude::*;
        (0..2).into_par_iter().for_each(|i| {
            if i == 1 {
                panic!("a test panic (RESPONSA_TEST_PANIC)")
            }
        });
    }
    match cli.command {
        Command::Assess(a) => assess::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Funds(a) => funds::run(a),
        Command::Ingest(a) => ingest::run(a),
        Command::History(a) => history::run(a),
        Command::Regularise(a) => regularise::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Generate(a) => generate::run(a),
        Command::Lines(a) => lines::run(a),
    }
}

/// `--quarter Q` or `--quarters A..B` as the list of quarters of a run.
pub fn quarters(
    one: Option<responsa::quarter::Quarter>,
    range: Option<responsa::quarter::QuarterRange>,
) -> Result<Vec<responsa::quarter::Quarter>> {
    match (one, range) {
        (Some(q), _) => Ok(vec![q]),
        (None, Some(r)) => Ok(r.iter().collect()),
        (None, None) => Err(responsa::error::Error::Usage("give --quarter or --quarters".into())),
    }
}

/// The spinner of a long command (reading national inputs): elapsed time and the stage,
/// on the terminal's error stream; nothing with `--quiet`.
pub fn spinner(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// `--help` teaches: every option of every subcommand says what it is for.
    #[test]
    fn every_option_of_every_subcommand_has_a_line_of_help() {
        let cli = super::Cli::command();
        let mut missing = Vec::new();
        for sub in cli.get_subcommands() {
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{} --{id}", sub.get_name()));
                }
            }
        }
        assert!(missing.is_empty(), "options without help: {missing:?}");
    }
}
