//! The employer's comparison group (§3.3; loi-programme du 27 décembre 2021,
//! art. 142, § 1er, as replaced by the law of 20 November 2022).
//!
//! > « de garantie dat de vergelijkingsbasis voor de sectorale vergelijking altijd minstens
//! > 10 ondernemingen bevat »
//! > (the Council of Ministers on the bill that became the law of 20 November 2022,
//! > 15 July 2022; §3.3 reads art. 142 § 1er as: fewer than ten points of comparison
//! > on four digits → three digits, and so on)
//!
//! The group is found from the NACE code of the employer's register row at Q, at the
//! first level of `sector_levels` (4, 3, 2 digits) whose group holds at least
//! `min_sector_employers` (10) base employers. When no level qualifies, the group at the
//! last level is reported and the status is `sector_too_small`. This module states the
//! choice once; `assess` makes it and `explain` prints the choice `assess` made.

use compact_str::CompactString;
use serde::Serialize;

/// One level tried: its digits, the group's code there, its base employers, and whether
/// it holds enough of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelTried {
    pub level: usize,
    pub group: CompactString,
    pub employers: u64,
    pub qualifies: bool,
}

/// The choice made for one employer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectorChoice {
    /// The levels tried, in order, up to the first that qualifies.
    pub tried: Vec<LevelTried>,
    /// Whether a level qualified (else: `sector_too_small`).
    pub found: bool,
    /// The reported group: the qualifying one, else the one at the last level.
    pub level: usize,
    pub group: CompactString,
}

/// The group code of a NACE code (digits only) at `level` digits.
pub fn group_code(nace: &str, level: usize) -> &str {
    &nace[..level.min(nace.len())]
}

/// Chooses the comparison group. `employers_in(level, code)` is the number of base
/// employers of that group (0 when it has none).
pub fn choose(
    nace: &str,
    levels: &[usize],
    min_employers: u64,
    employers_in: impl Fn(usize, &str) -> u64,
) -> SectorChoice {
    let mut tried = Vec::new();
    for &level in levels {
        let group = CompactString::from(group_code(nace, level));
        let employers = employers_in(level, &group);
        let qualifies = employers >= min_employers;
        tried.push(LevelTried { level, group: group.clone(), employers, qualifies });
        if qualifies {
            return SectorChoice { tried, found: true, level, group };
        }
    }
    // No level qualifies: the last level's group is reported (§3.3).
    let (level, group) = match tried.last() {
        Some(t) => (t.level, t.group.clone()),
        None => (0, CompactString::default()),
    };
    SectorChoice { tried, found: false, level, group }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(table: &'static [(usize, &'static str, u64)]) -> impl Fn(usize, &str) -> u64 {
        move |l, c| table.iter().find(|(tl, tc, _)| *tl == l && *tc == c).map_or(0, |t| t.2)
    }

    #[test]
    fn ten_at_four_digits_is_enough() {
        let c = choose("47110", &[4, 3, 2], 10, sizes(&[(4, "4711", 10), (3, "471", 30)]));
        assert!(c.found);
        assert_eq!((c.level, c.group.as_str(), c.tried.len()), (4, "4711", 1));
    }

    #[test]
    fn nine_at_four_digits_falls_to_three() {
        let c = choose("47110", &[4, 3, 2], 10, sizes(&[(4, "4711", 9), (3, "471", 10)]));
        assert!(c.found);
        assert_eq!((c.level, c.group.as_str()), (3, "471"));
        assert_eq!(c.tried[0], LevelTried { level: 4, group: "4711".into(), employers: 9, qualifies: false });
    }

    #[test]
    fn falls_to_two_then_too_small() {
        let c = choose("47110", &[4, 3, 2], 10, sizes(&[(4, "4711", 3), (3, "471", 9), (2, "47", 10)]));
        assert_eq!((c.found, c.level, c.group.as_str()), (true, 2, "47"));
        let c = choose("47110", &[4, 3, 2], 10, sizes(&[(4, "4711", 3), (3, "471", 9), (2, "47", 9)]));
        assert_eq!((c.found, c.level, c.group.as_str(), c.tried.len()), (false, 2, "47", 3));
    }
}
