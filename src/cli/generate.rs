//! `responsa generate`: synthetic inputs at tiny, small or national scale (§7).

use std::path::PathBuf;

use responsa::error::Result;
use responsa::quarter::QuarterRange;
use responsa::synth::{self, OutputFormat, Scale};

/// `--scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScaleArg {
    /// ~200 employers, ~10,000 workers a quarter.
    Tiny,
    /// ~5,000 employers, ~150,000 workers a quarter.
    Small,
    /// ~250,000 employers, ~3,000,000 workers a quarter.
    National,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Csv,
    Parquet,
    /// The employment lines as DmfA declarations (dmfa/QUARTER-NNN.xml, §13); the other
    /// inputs as CSV.
    Dmfa,
}

/// Write synthetic inputs at tiny, small or national scale, deterministically.
///
/// Writes the four inputs: employers, employment and invalidity, and, when the quarters
/// reach 2025 or later, the incapacities of the solidarity contribution (§8.1) from
/// 2025Q1 on. The same seed gives the same bytes. No personal data: every identifier is
/// made up.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Scales (§7): tiny ~200 employers and ~10,000 workers a quarter; small ~5,000 and
~150,000; national ~250,000 and ~3,000,000 (8 quarters: ~24 million employment lines).

Examples:
  responsa generate --scale tiny --seed 1 --out /tmp/tiny
  responsa generate --scale national --seed 7 --out /data/national --format parquet
  responsa generate --scale small --seed 1 --out /tmp/dirty --faults 0.001   # + faults.csv
  responsa generate --scale tiny --seed 1 --quarters 2025Q1..2026Q4 --out /tmp/2026   # + incapacity.csv")]
pub struct Args {
    /// How many employers and workers (see below).
    #[arg(long, value_enum, default_value = "tiny")]
    pub scale: ScaleArg,
    /// The random seed: the same seed, scale and quarters give the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder to write the inputs into (employers, employment, invalidity, incapacity).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The files' format: `csv` or `parquet` (the same columns), or `dmfa` (the employment
    /// lines as DmfA declarations, the other inputs as CSV).
    #[arg(long, value_enum, default_value = "csv")]
    pub format: FormatArg,
    /// The quarters to cover.
    #[arg(long, default_value = "2022Q1..2023Q4", value_name = "FIRST..LAST")]
    pub quarters: QuarterRange,
    /// Share of rows to duplicate as malformed rows of every kind of §6, listed in
    /// DIR/faults.csv with the reason rejects.csv will give (CSV only).
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub faults: f64,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(a: Args) -> Result<()> {
    let cfg = synth::Config {
        scale: match a.scale {
            ScaleArg::Tiny => Scale::Tiny,
            ScaleArg::Small => Scale::Small,
            ScaleArg::National => Scale::National,
        },
        seed: a.seed,
        out: a.out.clone(),
        format: match a.format {
            FormatArg::Csv => OutputFormat::Csv,
            FormatArg::Parquet => OutputFormat::Parquet,
            FormatArg::Dmfa => OutputFormat::Dmfa,
        },
        quarters: a.quarters,
        faults: a.faults,
        progress: !a.quiet,
    };
    let g = synth::generate(&cfg)?;
    if !a.quiet {
        println!(
            "{} employers, {} register rows, {} employment lines, {} invalidity rows{}{} written to {}",
            g.employers,
            g.register_rows,
            g.employment_rows,
            g.invalidity_rows,
            if g.incapacity_rows > 0 { format!(", {} incapacity rows", g.incapacity_rows) } else { String::new() },
            if g.faults > 0 { format!(", {} faults (faults.csv)", g.faults) } else { String::new() },
            a.out.display()
        );
    }
    Ok(())
}
