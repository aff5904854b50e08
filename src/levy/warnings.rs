//! Early warnings (§3.7; loi-programme du 27 décembre 2021, art. 145, and its royal
//! decree on the proactive notice to employers whose inflow evolves unfavourably).
//! The office warns employers two quarters before it collects. An employer can be warned
//! when it is private sector, not a sheltered workshop, has `average_headcount >=
//! min_workers`, a defined ratio and a sector group found at one of `sector_levels`.
//! Then W1, W2 or W3 as below.

use crate::rules::Rules;

use super::status::{Facts, Status};

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
        let l = &r.levy;
        match self {
            Warning::W1 => format!("liable: the levy will be collected at Q+{} (§3.7)", l.payment_lag),
            Warning::W2 => format!(
                "exactly min_cases - 1 = {} entries with both factors {} and {} met: one more entry makes it liable (§3.7)",
                l.min_cases as i64 - 1,
                l.sector_factor,
                l.private_factor
            ),
            Warning::W3 => format!(
                "at least min_cases = {} entries, not liable, warn factors {} (sector) and {} (private) met (§3.7)",
                l.min_cases, l.warn_sector_factor, l.warn_private_factor
            ),
        }
    }
}

/// Whether the employer can be warned at all (§3.7, first paragraph).
pub fn can_be_warned(f: &Facts, r: &Rules) -> bool {
    f.private_sector
        && !f.sheltered
        && f.headcount.at_least(r.levy.min_workers)
        && f.pool.quarters_used() > 0
        && f.sector.is_some()
}

/// The warning table of §3.7.
pub fn warn(f: &Facts, status: Status, r: &Rules) -> Option<Warning> {
    if !can_be_warned(f, r) {
        return None;
    }
    let l = &r.levy;
    let entries = f.pool.entries_total();
    if status == Status::Liable {
        return Some(Warning::W1);
    }
    if entries == l.min_cases as i64 - 1
        && f.sector_factor_met(l.sector_factor)
        && f.private_factor_met(l.private_factor)
    {
        return Some(Warning::W2);
    }
    if entries >= l.min_cases as i64
        && f.sector_factor_met(l.warn_sector_factor)
        && f.private_factor_met(l.warn_private_factor)
    {
        return Some(Warning::W3);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::ratios::Pool;
    use super::super::status::decide;
    use super::super::status::tests::{facts, pool, rules, world};
    use super::*;
    use crate::employer::Headcount;

    fn warned(f: &Facts, r: &Rules) -> Option<Warning> {
        warn(f, decide(f, r), r)
    }

    #[test]
    fn each_row_on_both_sides() {
        let r = rules();
        let w = world();
        // Employer ratio 0.0075 (3 entries); sector 0.001 (7.5×), private 0.0005 (15×).
        assert_eq!(warned(&facts(&w), &r), Some(Warning::W1), "liable: W1");

        // W2: exactly 2 entries with both factors met; 2 entries at 0.005 → 5× and 10×.
        let two = pool([1, 1, 0, 0]);
        let mut f = facts(&w);
        f.pool = &two;
        assert_eq!(warned(&f, &r), Some(Warning::W2), "2 entries, both factors met");
        let one = pool([1, 0, 0, 0]);
        f.pool = &one;
        assert_eq!(warned(&f, &r), None, "1 entry: not min_cases - 1");
        // 2 entries whose sector multiple is below 2: a sector at 0.0025 + a hair.
        let high_sector = Pool { entries: [1; 4], fte: [399_999_999; 4] };
        f.pool = &two;
        f.sector = Some(&high_sector);
        assert_eq!(warned(&f, &r), None, "2 entries, 2× not met: no W2");

        // W3: at least 3 entries, not liable, 1.5× and 2.5× met. Sector at exactly the
        // employer's ratio / 1.5 = 0.005 → 1.5× met, 2× not: below_sector_multiple.
        let sector_15 = Pool { entries: [1; 4], fte: [200_000_000; 4] };
        let sector_15_hair = Pool { entries: [1; 4], fte: [199_999_999; 4] };
        let mut f = facts(&w);
        f.sector = Some(&sector_15);
        assert_eq!(decide(&f, &r), Status::BelowSectorMultiple);
        assert_eq!(warned(&f, &r), Some(Warning::W3), "exactly 1.5× the sector: W3");
        f.sector = Some(&sector_15_hair);
        assert_eq!(warned(&f, &r), None, "a hair below 1.5×: no W3");
        // Private at exactly 0.0075 / 2.5 = 0.003 → 2.5× met, 3× not.
        let private_25 = Pool { entries: [3; 4], fte: [1_000_000_000; 4] };
        let private_25_hair = Pool { entries: [3; 4], fte: [999_999_999; 4] };
        let mut f = facts(&w);
        f.private = &private_25;
        assert_eq!(decide(&f, &r), Status::BelowPrivateMultiple);
        assert_eq!(warned(&f, &r), Some(Warning::W3), "exactly 2.5× the private sector: W3");
        f.private = &private_25_hair;
        assert_eq!(warned(&f, &r), None, "a hair below 2.5×: no W3");
    }

    #[test]
    fn who_can_be_warned() {
        let r = rules();
        let w = world();
        type Change = fn(&mut Facts);
        let changes: [(&str, Change); 4] = [
            ("public", |f| f.private_sector = false),
            ("sheltered", |f| f.sheltered = true),
            ("average 49.75", |f| f.headcount = Headcount { sum: 199, quarters: 4 }),
            ("no sector group", |f| f.sector = None),
        ];
        for (why, change) in changes {
            let mut f = facts(&w);
            change(&mut f);
            assert_eq!(warned(&f, &r), None, "{why}: never warned");
        }
    }
}
