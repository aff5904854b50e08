//! `responsa history`: the versions of a store (§12).

use std::path::PathBuf;

use responsa::error::Result;
use responsa::store::ranges;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// A table for the terminal.
    Table,
    /// JSON, for scripts.
    Json,
}

/// List the versions of a store, what was billed, and which bills are out of date.
///
/// Every ingest commits a new version (1, 2, 3…) with its date, the quarters it wrote,
/// those whose data changed, per quarter and input the rows added, withdrawn, changed and
/// unchanged, and its source files with their sha256 and row counts. Every `assess --store
/// STORE --bill` (and `regularise --bill`) records in the store's journal what it billed.
/// A change in quarter P reaches the levy of P..P+7 and the solidarity contribution of
/// P..P+4: the billed quarters whose data changed since they were billed are listed as out
/// of date, each with the `responsa regularise` command to run (it compares the version
/// billed with the latest).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  responsa history --store /srv/responsa/store
  responsa history --store /srv/responsa/store --since 4          # what versions 5.. changed
  responsa history --store /srv/responsa/store --format json | jq '.out_of_date'
  responsa assess --quarter 2023Q4 --store /srv/responsa/store --version 1 --out billed-2023Q4")]
pub struct Args {
    /// The store written by `responsa ingest`.
    #[arg(long, value_name = "STORE")]
    pub store: PathBuf,
    /// Also list what the versions after N changed and the stored quarters whose
    /// assessment reads it, billed or not.
    #[arg(long, value_name = "N")]
    pub since: Option<u64>,
    /// `table` for the terminal, `json` for scripts.
    #[arg(long, value_enum, default_value = "table", value_name = "FORMAT")]
    pub format: Format,
    /// A rule file saying which contribution applies to which quarter (the embedded one
    /// by default), for what a change reaches.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    let set = super::rules::load(a.rules.as_deref())?;
    let h = responsa::store::history(&a.store, &set, a.since)?;
    match a.format {
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(&h).map_err(anyhow::Error::from)?);
        }
        Format::Table => print!("{}", table(&h)),
    }
    Ok(())
}

fn table(h: &responsa::store::History) -> String {
    let mut out = String::new();
    for v in &h.versions {
        let committed = if v.committed.is_empty() { "(before versions)" } else { v.committed.as_str() };
        let from = if v.data.is_empty() { String::new() } else { format!("  from {}", v.data) };
        let mode = if v.mode.is_empty() { String::new() } else { format!("  (--{})", v.mode) };
        out.push_str(&format!("version {}  {committed} UTC{from}{mode}\n", v.version));
        out.push_str(&format!("  wrote    {}\n", ranges(&v.touched)));
        out.push_str(&format!("  changed  {}\n", ranges(&v.changed)));
        for (q, by) in &v.changes {
            for (input, c) in by.iter().filter(|(_, c)| c.any()) {
                out.push_str(&format!("    {q} {input:<11} {c}\n"));
            }
        }
        for s in &v.sources {
            out.push_str(&format!(
                "  {:<11}{} rows, {} rejected, sha256 {}\n",
                s.input,
                responsa::parse::thousands(s.read),
                responsa::parse::thousands(s.rejected),
                s.sha256.get(..16).unwrap_or(&s.sha256)
            ));
        }
    }
    out.push('\n');
    if h.billed.is_empty() {
        out.push_str("Billed: nothing yet (assess --store STORE --bill records what is billed).\n");
    } else {
        out.push_str("Billed (quarter, contribution: the version billed, the latest):\n");
        for b in &h.billed {
            let state = if b.changed_in.is_empty() {
                "up to date".to_string()
            } else {
                format!(
                    "OUT OF DATE: changed in version {}",
                    b.changed_in.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
                )
            };
            out.push_str(&format!(
                "  {} {:<11} billed on version {}, latest {}: {state}\n",
                b.quarter, b.contribution, b.billed_version, b.latest_version
            ));
        }
    }
    if !h.out_of_date.is_empty() {
        out.push_str("\nOut of date since billed (regularise each):\n");
        for b in &h.out_of_date {
            out.push_str(&format!("  {} {:<11} {}\n", b.quarter, b.contribution, b.regularise));
        }
    }
    if let Some(r) = &h.since {
        out.push_str(&format!("\nSince version {}: changed {}.\n", r.version, ranges(&r.changed)));
        if r.reached.is_empty() {
            out.push_str("No stored quarter's assessment reads them.\n");
        } else {
            out.push_str("Stored quarters whose assessment reads them:\n");
            for (c, qs) in &r.reached {
                out.push_str(&format!("  {c:<11} {}\n", ranges(qs)));
            }
        }
    }
    out
}
