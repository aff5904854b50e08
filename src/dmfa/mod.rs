//! Employment lines from the employers' own declarations, the DmfA (§13): a data folder's
//! `dmfa/` files (`*.xml`, `*.xml.gz`) read instead of `employment`, one line per
//! `Occupation`. `line.rs` states how an occupation becomes a line (the FTE formula, the
//! wages, in service at the end; no I/O); `xml.rs` streams a file into occupations;
//! `write.rs` writes lines as DmfA (the generator's). The lines then go through the same
//! checks and aggregation as CSV lines (`crate::occupation`).

pub mod line;
pub mod write;
pub mod xml;

/// Which identifier of a declaration is the register's employer key (§13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmployerKey {
    /// `CompanyID`, ten digits with leading zeros (the default).
    #[default]
    CompanyId,
    /// `NOSSRegistrationNbr`, as written.
    Noss,
}

impl EmployerKey {
    /// The element read, in messages.
    pub fn element(self) -> &'static str {
        match self {
            EmployerKey::CompanyId => "CompanyID",
            EmployerKey::Noss => "NOSSRegistrationNbr",
        }
    }

    /// A declaration's employer, as the register keys it; `None` when not readable.
    pub fn of(self, d: &xml::Declaration) -> Option<String> {
        match self {
            EmployerKey::CompanyId => line::company_id(&d.company),
            EmployerKey::Noss => {
                let t = d.noss.trim();
                (!t.is_empty()).then(|| t.to_string())
            }
        }
    }
}

/// The optional input `seniority` of §13: `worker_id, employer_id, service_start`, the
/// day a worker's service with an employer began (from Dimona, say), used instead of the
/// earliest occupation start held.
pub const SENIORITY: &str = "seniority";

/// The folder of DmfA files in a data folder.
pub const FOLDER: &str = "dmfa";

/// A DmfA file by its name: `.xml` or `.xml.gz`.
pub fn is_dmfa_file(p: &std::path::Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
    name.ends_with(".xml") || name.ends_with(".xml.gz")
}
