//! §6 "Volumes hold": an extract cut short, or a quarter half delivered, loses far more
//! employers and lines than the seasons move; its figures would look like results and be
//! wrong. These are the two checks on the volumes of the quarters a computation reads:
//!
//! > For every quarter a computation reads, the employers with employment lines and the
//! > lines themselves are counted; a quarter with more than max_quarter_drop = 10 % fewer
//! > than the median of the quarters read […] is refused, exit 3, naming the quarter and
//! > both counts. […] An employer of the register at Q with no lines in a quarter between
//! > two quarters where it has lines is listed in the data-quality panel and in
//! > `summary.json` (`gaps`).
//!
//! Plain integers: the drop is decided exactly, never through a float.

use crate::quarter::Quarter;
use crate::rules::Decimal;

/// What one quarter's employment lines hold: the employers declaring lines, and the lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Volume {
    pub employers: u64,
    pub lines: u64,
}

/// A quarter whose volume fell more than `max_quarter_drop` below the median of the
/// quarters read with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drop {
    pub quarter: Quarter,
    /// `employers declare lines` or `lines`.
    pub what: &'static str,
    pub count: u64,
    /// The smallest and largest counts of the other quarters read.
    pub others: (u64, u64),
}

impl std::fmt::Display for Drop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::parse::thousands;
        let (lo, hi) = self.others;
        let range = if lo == hi { thousands(lo) } else { format!("{}–{}", thousands(lo), thousands(hi)) };
        write!(
            f,
            "{}: {} {}, against {range} in the other quarters read: an extract cut short?",
            self.quarter,
            thousands(self.count),
            self.what
        )
    }
}

/// Whether `count` is more than `drop` percent below the median of `counts` (sorted),
/// exactly: `count × 100 < median × (100 − drop)`, the median of an even number of values
/// being the mean of the two middle ones.
fn below(count: u64, sorted: &[u64], drop: Decimal) -> bool {
    let n = sorted.len();
    if n < 2 {
        return false;
    }
    let den = drop.denominator() as u128;
    let keep = (100 * den).saturating_sub(drop.units.max(0) as u128);
    // Twice the median, so that an even count's mean stays an integer.
    let twice_median = if n % 2 == 1 { 2 * sorted[n / 2] as u128 } else { (sorted[n / 2 - 1] + sorted[n / 2]) as u128 };
    2 * count as u128 * 100 * den < twice_median * keep
}

/// The first quarter, in order, whose employers declaring lines (then whose lines) fall
/// more than `drop` percent below the median of the quarters read; `None` when every
/// quarter holds.
pub fn first_drop(volumes: &[(Quarter, Volume)], drop: Decimal) -> Option<Drop> {
    type Measure = (&'static str, fn(&Volume) -> u64);
    let measures: [Measure; 2] = [("employers declare lines", |v| v.employers), ("lines", |v| v.lines)];
    for (what, of) in measures {
        let mut sorted: Vec<u64> = volumes.iter().map(|(_, v)| of(v)).collect();
        sorted.sort_unstable();
        for (q, v) in volumes {
            let count = of(v);
            if below(count, &sorted, drop) {
                let others = volumes.iter().filter(|(p, _)| p != q).map(|(_, v)| of(v));
                let lo = others.clone().min().unwrap_or(0);
                let hi = others.max().unwrap_or(0);
                return Some(Drop { quarter: *q, what, count, others: (lo, hi) });
            }
        }
    }
    None
}

/// The quarters in which an employer with lines has none, between two quarters where it
/// has some: `with_lines` has bit i set when the employer has lines in the i-th quarter
/// read (in order, at most 64); the result has the bits of its gaps set.
pub fn gaps(with_lines: u64) -> u64 {
    if with_lines == 0 {
        return 0;
    }
    let (lo, hi) = (with_lines.trailing_zeros(), 63 - with_lines.leading_zeros());
    let span = if hi - lo >= 63 { u64::MAX } else { ((1u64 << (hi - lo + 1)) - 1) << lo };
    span & !with_lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quarter {
        s.parse().expect("a quarter")
    }

    fn vols(counts: &[u64]) -> Vec<(Quarter, Volume)> {
        counts
            .iter()
            .enumerate()
            .map(|(i, &c)| (q("2022Q1").offset(i as i32), Volume { employers: c, lines: c * 10 }))
            .collect()
    }

    const TEN: Decimal = Decimal { units: 10, scale: 0 };

    #[test]
    fn exactly_ten_percent_below_the_median_holds_one_more_does_not() {
        // Median 1,000 (odd count): 900 is 10 % below, allowed; 899 is more.
        assert_eq!(first_drop(&vols(&[1000, 1000, 900]), TEN), None);
        let d = first_drop(&vols(&[1000, 1000, 899]), TEN).expect("a drop");
        assert_eq!((d.quarter, d.count, d.others, d.what), (q("2022Q3"), 899, (1000, 1000), "employers declare lines"));
    }

    #[test]
    fn an_even_count_compares_with_the_mean_of_the_two_middle_values() {
        // Sorted 800, 1000, 1000, 1000: median 1,000; 800 is 20 % below.
        assert!(first_drop(&vols(&[1000, 800, 1000, 1000]), TEN).is_some());
        // Sorted 900, 900, 1000, 1000: median 950; 900 is 5.3 % below.
        assert_eq!(first_drop(&vols(&[900, 1000, 900, 1000]), TEN), None);
    }

    #[test]
    fn the_lines_alone_can_drop() {
        let mut v = vols(&[100, 100, 100]);
        v[1].1.lines = 500;
        let d = first_drop(&v, TEN).expect("the lines of 2022Q2");
        assert_eq!((d.quarter, d.what, d.count, d.others), (q("2022Q2"), "lines", 500, (1000, 1000)));
        assert_eq!(d.to_string(), "2022Q2: 500 lines, against 1,000 in the other quarters read: an extract cut short?");
    }

    #[test]
    fn one_quarter_read_has_nothing_to_compare_with() {
        assert_eq!(first_drop(&vols(&[5]), TEN), None);
        assert_eq!(first_drop(&[], TEN), None);
    }

    #[test]
    fn a_fractional_drop_is_exact() {
        // 10.5 %: 895 of a median of 1,000 is exactly 10.5 % below (kept), 894 is not.
        let d = Decimal { units: 105, scale: 1 };
        assert_eq!(first_drop(&vols(&[1000, 1000, 895]), d), None);
        assert!(first_drop(&vols(&[1000, 1000, 894]), d).is_some());
    }

    #[test]
    fn a_gap_lies_between_two_quarters_with_lines() {
        // Bit i: the i-th quarter read, the first on the right.
        assert_eq!(gaps(0b1001), 0b0110, "lines in the 1st and 4th: the 2nd and 3rd are gaps");
        assert_eq!(gaps(0b1100), 0, "a start is no gap");
        assert_eq!(gaps(0b0001), 0, "an end is no gap");
        assert_eq!(gaps(0), 0);
        assert_eq!(gaps(1 | 1 << 63), !(1 | 1 << 63), "the widest span");
    }
}
