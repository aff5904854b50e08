//! Ratios and multiples (§3.3), decided exactly.
//!
//! > « werkgevers bij wie gemiddeld de instroom van werknemers in de invaliditeit 2 maal
//! > hoger ligt dan in de ondernemingen uit dezelfde sector en 3 maal hoger dan in de
//! > privé sector in het algemeen »
//! > (ONSS/RSZ administrative instructions on the programmawet van 27 december 2021,
//! > art. 141)
//!
//! `ratio = mean over reference quarters r with fte3y(r-4) > 0 of entries(r) / fte3y(r-4)`,
//! for an employer (its own counts), a sector group or the private sector (pooled sums).
//! A factor k is met when `ratio(e) > 0` and `ratio(e) >= k × reference`.
//!
//! Counts are integers and FTE integer millionths, so every ratio is an exact rational.
//! The `f64` value is what the reports print; a decision is taken in `f64` only when the
//! two sides differ by far more than the float error, and otherwise settled in exact
//! big-rational arithmetic: an employer at exactly twice its sector meets the factor.

use num_bigint::BigInt;
use num_rational::{BigRational, Ratio};
use num_traits::{ToPrimitive, Zero};

use crate::rules::Decimal;

/// Relative gap above which `f64` arithmetic decides a comparison. The float ratios carry
/// a relative error of a few 1e-16; anything closer than this is settled exactly.
const FLOAT_SAFE_GAP: f64 = 1e-9;

/// Entries (numerators) and fte3y in millionths (denominators) of the four reference
/// quarters r1 = Q-3 … r4 = Q. Pools add up: a sector's pool is the sum of its employers'.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pool {
    pub entries: [i64; 4],
    pub fte: [i64; 4],
}

impl Pool {
    pub fn add(&mut self, o: &Pool) {
        for k in 0..4 {
            self.entries[k] += o.entries[k];
            self.fte[k] += o.fte[k];
        }
    }

    /// The quarters that count: denominator > 0 (§3.3, the zero-denominator skip).
    pub fn terms(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        (0..4).filter(|&k| self.fte[k] > 0).map(|k| (self.entries[k], self.fte[k]))
    }

    pub fn quarters_used(&self) -> usize {
        self.terms().count()
    }

    pub fn entries_total(&self) -> i64 {
        self.entries.iter().sum()
    }

    /// The ratio in entries per FTE as printed: the double nearest to the exact value,
    /// `None` when no quarter has a denominator.
    pub fn ratio(&self) -> Option<f64> {
        if !self.is_positive() {
            return (self.quarters_used() > 0).then_some(0.0);
        }
        // The nearest double of the unreduced fraction is the nearest double of the value:
        // no common divisor need be sought (most pools fit in 128 bits).
        if let Some((n, d)) = self.exact_fraction() {
            return Ratio::new_raw(n, d).to_f64();
        }
        self.exact().and_then(|r| r.to_f64())
    }

    /// The exact ratio as an unreduced fraction of 128-bit integers, `Σ n·10⁶·Π(other d) /
    /// (m·Π d)`, when it fits; `None` otherwise (or when no quarter counts).
    fn exact_fraction(&self) -> Option<(i128, i128)> {
        let mut terms = [(0i128, 0i128); 4];
        let mut m = 0;
        for (n, d) in self.terms() {
            terms[m] = (n as i128, d as i128);
            m += 1;
        }
        if m == 0 {
            return None;
        }
        let terms = &terms[..m];
        let mut den = m as i128;
        for &(_, d) in terms {
            den = den.checked_mul(d)?;
        }
        let mut num = 0i128;
        for (i, &(n, _)) in terms.iter().enumerate() {
            let mut term = n.checked_mul(1_000_000)?;
            for (j, &(_, d)) in terms.iter().enumerate() {
                if j != i {
                    term = term.checked_mul(d)?;
                }
            }
            num = num.checked_add(term)?;
        }
        Some((num, den))
    }

    /// A fast float estimate of the ratio, within a few 1e-16 relative of the exact value.
    pub fn estimate(&self) -> Option<f64> {
        let m = self.quarters_used();
        if m == 0 {
            return None;
        }
        let s: f64 = self.terms().map(|(n, d)| n as f64 * 1e6 / d as f64).sum();
        Some(s / m as f64)
    }

    /// The same ratio as an exact rational.
    pub fn exact(&self) -> Option<BigRational> {
        let m = self.quarters_used();
        if m == 0 {
            return None;
        }
        let mut s = BigRational::zero();
        for (n, d) in self.terms() {
            s += BigRational::new(BigInt::from(n) * BigInt::from(1_000_000), BigInt::from(d));
        }
        Some(s / BigRational::from_integer(BigInt::from(m)))
    }

    /// `ratio > 0`, exactly: some counted quarter has an entry.
    pub fn is_positive(&self) -> bool {
        self.terms().any(|(n, _)| n > 0)
    }
}

/// Whether `factor` is met by `e` against `reference` (§3.3): `ratio(e) > 0` and
/// `ratio(e) >= factor × ratio(reference)`. False when either ratio is undefined.
pub fn meets(e: &Pool, factor: Decimal, reference: &Pool) -> bool {
    if !e.is_positive() {
        return false;
    }
    let (Some(fe), Some(fr)) = (e.estimate(), reference.estimate()) else {
        return false;
    };
    let rhs = fr * factor.to_f64();
    if fe > rhs * (1.0 + FLOAT_SAFE_GAP) {
        return true;
    }
    if fe < rhs * (1.0 - FLOAT_SAFE_GAP) {
        return false;
    }
    meets_exactly(e, factor, reference)
}

/// [`meets`] in exact arithmetic only.
pub fn meets_exactly(e: &Pool, factor: Decimal, reference: &Pool) -> bool {
    match (e.exact(), reference.exact()) {
        (Some(re), Some(rr)) => e.is_positive() && re >= factor.to_rational() * rr,
        _ => false,
    }
}

/// [`multiple`] with the reference's exact ratio computed once by the caller (a sector
/// group's or the private sector's, shared by many employers).
pub fn multiple_with(e: &Pool, reference: &Pool, reference_exact: Option<&BigRational>) -> Option<f64> {
    if e.quarters_used() == 0 {
        return None;
    }
    let rr = reference_exact?;
    if !reference.is_positive() {
        return e.is_positive().then_some(f64::INFINITY);
    }
    if !e.is_positive() {
        return Some(0.0);
    }
    // (n / d) / (N / D) = n·D / (d·N), unreduced: its nearest double is the value's.
    if let Some((n, d)) = e.exact_fraction() {
        return BigRational::new_raw(BigInt::from(n) * rr.denom(), BigInt::from(d) * rr.numer()).to_f64();
    }
    (e.exact()? / rr).to_f64()
}

/// `ratio(e) / ratio(reference)`: `inf` when the reference is 0 and `ratio(e) > 0`,
/// undefined when both are 0 or either is undefined (§3.3).
pub fn multiple(e: &Pool, reference: &Pool) -> Option<f64> {
    multiple_with(e, reference, reference.exact().as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(entries: [i64; 4], fte: [i64; 4]) -> Pool {
        Pool { entries, fte }
    }

    #[test]
    fn zero_denominator_quarters_are_skipped() {
        let p = pool([1, 5, 0, 1], [1_000_000, 0, 2_000_000, 0]);
        assert_eq!(p.quarters_used(), 2);
        assert_eq!(p.ratio(), Some((1.0 + 0.0) / 2.0));
        assert_eq!(p.estimate(), Some(0.5));
        assert_eq!(pool([1, 0, 0, 0], [0; 4]).ratio(), None);
    }

    #[test]
    fn exactly_twice_meets_even_when_floats_land_below() {
        // Sector: 1 entry over 0.3 FTE and 1 over 0.7 FTE; employer twice that, written
        // with other denominators so that f64 rounding differs between the two sides.
        let sector = pool([1, 1, 0, 0], [300_000, 700_000, 0, 0]);
        let e = pool([2, 2, 0, 0], [300_000, 700_000, 0, 0]);
        let two = Decimal { units: 2, scale: 0 };
        assert!(meets(&e, two, &sector));
        assert!(meets_exactly(&e, two, &sector));
        // The same doubled with other denominators: 4/0.6 = 2 × 1/0.3 and 6/2.1 = 2 × 1/0.7.
        let e2 = pool([4, 6, 0, 0], [600_000, 2_100_000, 0, 0]);
        assert!(meets_exactly(&e2, two, &sector));
        assert!(meets(&e2, two, &sector));
        // A hair below: one millionth of an FTE more in a denominator.
        let below = pool([4, 6, 0, 0], [600_001, 2_100_000, 0, 0]);
        assert!(!meets(&below, two, &sector));
    }

    /// The fast fractions give the same doubles as the reduced big rationals, the pools
    /// that overflow 128 bits included (they fall back).
    #[test]
    fn unreduced_fractions_round_as_the_exact_value() {
        use proptest::prelude::*;
        let mut runner = proptest::test_runner::TestRunner::default();
        let term = (0i64..50, prop_oneof![Just(0i64), 1i64..2_000_000, 1i64..200_000_000_000]);
        runner
            .run(&(proptest::array::uniform4(term.clone()), proptest::array::uniform4(term)), |(a, b)| {
                let p = |t: [(i64, i64); 4]| Pool { entries: t.map(|x| x.0), fte: t.map(|x| x.1) };
                let (e, r) = (p(a), p(b));
                let slow_ratio = if e.is_positive() { e.exact().and_then(|x| x.to_f64()) } else { e.ratio() };
                prop_assert_eq!(e.ratio(), slow_ratio);
                let slow_multiple = match (e.quarters_used(), r.exact()) {
                    (0, _) | (_, None) => None,
                    _ if !r.is_positive() => e.is_positive().then_some(f64::INFINITY),
                    _ if !e.is_positive() => Some(0.0),
                    (_, Some(rr)) => (e.exact().expect("counted") / rr).to_f64(),
                };
                prop_assert_eq!(multiple(&e, &r), slow_multiple);
                Ok(())
            })
            .expect("the same doubles");
    }

    #[test]
    fn multiples() {
        let zero = pool([0; 4], [1_000_000; 4]);
        let e = pool([1, 0, 0, 0], [1_000_000; 4]);
        assert_eq!(multiple(&e, &zero), Some(f64::INFINITY));
        assert_eq!(multiple(&zero, &zero), None);
        assert!(meets(&e, Decimal { units: 3, scale: 0 }, &zero));
        assert!(!meets(&zero, Decimal { units: 0, scale: 0 }, &zero));
    }
}
