//! Early warnings (SPEC §3.7). The office warns employers two quarters before it collects.
//! An employer can be warned when it is private sector, not a sheltered workshop, has
//! `average_headcount >= min_workers`, a defined ratio and a sector group found at one of
//! `sector_levels`. Then W1, W2 or W3 as below.

use crate::ratios::meets;
use crate::rules::Rules;
use crate::status::{Facts, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Warning {
    /// Status `liable`: the levy will be collected at Q+2.
    W1,
    /// Exactly `min_cases - 1` entries, and both `sector_factor` and `private_factor` met:
    /// one more entry makes it liable.
    W2,
    /// At least `min_cases` entries, not liable, and `warn_sector_factor` and
    /// `warn_private_factor` met.
    W3,
}

impl Warning {
    pub const ALL: [Warning; 3] = [Warning::W1, Warning::W2, Warning::W3];
    pub fn as_str(self) -> &'static str {
        match self {
            Warning::W1 => "W1",
            Warning::W2 => "W2",
            Warning::W3 => "W3",
        }
    }
    pub fn rule(self, r: &Rules) -> String {
        match self {
            Warning::W1 => format!("liable: the levy will be collected at Q+{} (SPEC §3.7)", r.payment_lag),
            Warning::W2 => format!(
                "exactly min_cases - 1 = {} entries with both factors {} and {} met: one more entry makes it liable (SPEC §3.7)",
                r.min_cases as i64 - 1,
                r.sector_factor,
                r.private_factor
            ),
            Warning::W3 => format!(
                "at least min_cases = {} entries, not liable, warn factors {} (sector) and {} (private) met (SPEC §3.7)",
                r.min_cases, r.warn_sector_factor, r.warn_private_factor
            ),
        }
    }
}

/// Whether the employer can be warned at all (SPEC §3.7, first paragraph).
pub fn can_be_warned(f: &Facts, r: &Rules) -> bool {
    f.private_sector && !f.sheltered(r) && f.large_enough(r) && f.pool.quarters_used() > 0 && f.sector.is_some()
}

pub fn warn(f: &Facts, status: Status, r: &Rules) -> Option<Warning> {
    if !can_be_warned(f, r) {
        return None;
    }
    let sector = f.sector?;
    let entries = f.pool.entries_total();
    if status == Status::Liable {
        return Some(Warning::W1);
    }
    if entries == r.min_cases as i64 - 1
        && meets(f.pool, r.sector_factor, sector)
        && meets(f.pool, r.private_factor, f.private)
    {
        return Some(Warning::W2);
    }
    if entries >= r.min_cases as i64
        && meets(f.pool, r.warn_sector_factor, sector)
        && meets(f.pool, r.warn_private_factor, f.private)
    {
        return Some(Warning::W3);
    }
    None
}
