//! The `responsa` binary: parses arguments and calls the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match responsa::cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    match responsa::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match &e {
                responsa::Error::Other(inner) => eprintln!("responsa: {inner:#}"),
                other => eprintln!("responsa: {other}"),
            }
            ExitCode::from(e.exit_code())
        }
    }
}
