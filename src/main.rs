//! The `responsa` binary: parses arguments and calls the library.

use std::process::ExitCode;

use clap::Parser;

/// Polars and the aggregation allocate and free large buffers many times over; the
/// system allocator returns them to the kernel, which zeroes fresh pages on every reuse
/// (a fifth of a national run's time). mimalloc keeps them.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A bug must still end in one clear line, not a backtrace (SPEC §6); exit code 1.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("responsa: internal error{at}: {msg} (please report it with the command line)");
    }));
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
