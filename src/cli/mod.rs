//! The command line: one file per subcommand with its arguments and `run`. Raw arguments
//! become a validated configuration before any work; `main.rs` only calls [`run`].

pub mod assess;
pub mod explain;
pub mod generate;
pub mod rules;

use clap::{Parser, Subcommand};

use crate::error::Result;

#[derive(Debug, Parser)]
#[command(
    name = "responsa",
    version,
    about = "The Belgian employer cotisation de responsabilisation (invalidity inflow levy), exact to the cent",
    long_about = "responsa computes, for one quarter, which private-sector employers owe the \
cotisation de responsabilisation: 0.625 % of their wages when their inflow of workers into \
invalidity is at least twice their sector's and three times the whole private sector's \
(loi-programme of 27 December 2021, art. 140 ff.).\n\n\
Start with `responsa assess --help`. Exit codes: 0 success, 2 usage or structural error, \
3 --strict and rows were rejected, 1 anything else."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Assess(assess::Args),
    Explain(explain::Args),
    Rules(rules::Args),
    Generate(generate::Args),
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Assess(a) => assess::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Generate(a) => generate::run(a),
    }
}
