//! `responsa history`: the versions of a store (§12).

use std::path::PathBuf;

use crate::error::Result;
use crate::store::ranges;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// A table for the terminal.
    Table,
    /// JSON, for scripts.
    Json,
}

/// List the versions of a store, and which reports the latest ingest made out of date.
///
/// Every ingest commits a new version (1, 2, 3…) with its date, the quarters it wrote,
/// those whose data changed, and its source files with their sha256 and row counts. A
/// change in quarter P reaches the levy of P..P+7 and the solidarity contribution of
/// P..P+4: the assessments of those quarters that are stored are listed as out of date,
/// to run again (or regularise: `responsa regularise --from N`).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  responsa history --store /srv/responsa/store
  responsa history --store /srv/responsa/store --format json | jq '.out_of_date'
  responsa assess --quarter 2023Q4 --store /srv/responsa/store --version 1 --out billed-2023Q4")]
pub struct Args {
    /// The store written by `responsa ingest`.
    #[arg(long, value_name = "STORE")]
    pub store: PathBuf,
    /// `table` for the terminal, `json` for scripts.
    #[arg(long, value_enum, default_value = "table", value_name = "FORMAT")]
    pub format: Format,
    /// A rule file saying which contribution applies to which quarter (the embedded one
    /// by default), for the reports out of date.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    let set = super::rules::load(a.rules.as_deref())?;
    let h = crate::store::history(&a.store, &set)?;
    match a.format {
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(&h).map_err(anyhow::Error::from)?);
        }
        Format::Table => print!("{}", table(&h)),
    }
    Ok(())
}

fn table(h: &crate::store::History) -> String {
    let mut out = String::new();
    for v in &h.versions {
        let committed = if v.committed.is_empty() { "(before versions)" } else { v.committed.as_str() };
        let from = if v.data.is_empty() { String::new() } else { format!("  from {}", v.data) };
        out.push_str(&format!("version {}  {committed} UTC{from}\n", v.version));
        out.push_str(&format!("  wrote    {}\n", ranges(&v.touched)));
        out.push_str(&format!("  changed  {}\n", ranges(&v.changed)));
        for s in &v.sources {
            out.push_str(&format!(
                "  {:<11}{} rows, {} rejected, sha256 {}\n",
                s.input,
                crate::parse::thousands(s.read),
                crate::parse::thousands(s.rejected),
                s.sha256.get(..16).unwrap_or(&s.sha256)
            ));
        }
    }
    if let Some(r) = &h.out_of_date {
        out.push_str(&format!("\nVersion {} changed {}.\n", r.version, ranges(&r.changed)));
        if r.invalidity_levy.is_empty() && r.solidarity.is_empty() {
            out.push_str("No stored quarter's assessment reads them: no report is out of date.\n");
        } else {
            out.push_str(&format!(
                "Out of date if assessed before version {} (assess again, or regularise against the version billed):\n",
                r.version
            ));
            if !r.invalidity_levy.is_empty() {
                out.push_str(&format!("  invalidity levy:          {}\n", ranges(&r.invalidity_levy)));
            }
            if !r.solidarity.is_empty() {
                out.push_str(&format!("  solidarity contribution:  {}\n", ranges(&r.solidarity)));
            }
        }
    }
    out
}
