//! Exact decimals for the rule set's factors and rates (§3.3, §5): "exactly twice
//! the sector" must be decided exactly, so a factor is never a float.

use std::fmt;

use num_bigint::BigInt;
use num_rational::BigRational;

/// An exact non-negative decimal: `units / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub units: i64,
    pub scale: u32,
}

impl Decimal {
    pub fn parse(s: &str) -> Option<Decimal> {
        let t = s.trim();
        let (i, f) = t.split_once('.').unwrap_or((t, ""));
        if i.is_empty() || !i.bytes().all(|c| c.is_ascii_digit()) || !f.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        if i.len() + f.len() > 17 || (t.contains('.') && f.is_empty()) {
            return None;
        }
        let units: i64 = format!("{i}{f}").parse().ok()?;
        Some(Decimal { units, scale: f.len() as u32 })
    }
    pub fn denominator(self) -> i64 {
        10i64.pow(self.scale)
    }
    pub fn to_f64(self) -> f64 {
        self.units as f64 / self.denominator() as f64
    }
    pub fn to_rational(self) -> BigRational {
        BigRational::new(BigInt::from(self.units), BigInt::from(self.denominator()))
    }
    /// The value in units of `10^-scale` (for `max_line_fte` in FTE millionths).
    pub fn in_units_of(self, scale: u32) -> Option<i64> {
        if scale >= self.scale {
            self.units.checked_mul(10i64.pow(scale - self.scale))
        } else {
            let d = 10i64.pow(self.scale - scale);
            (self.units % d == 0).then_some(self.units / d)
        }
    }

    /// `percent` % of `cents`, in cents, rounded half up, exactly (§3.6, §8.2):
    /// `(cents × units) / (100 × 10^scale)` with the half added before the division.
    pub fn percent_of_cents_half_up(self, cents: i128) -> i128 {
        let den = 100i128 * self.denominator() as i128;
        let num = cents * self.units as i128;
        (2 * num + den).div_euclid(2 * den)
    }
}

impl std::str::FromStr for Decimal {
    type Err = String;
    /// For a command-line value: a non-negative decimal (`1`, `2.5`).
    fn from_str(s: &str) -> Result<Decimal, String> {
        Decimal::parse(s).ok_or_else(|| format!("'{s}' is not a non-negative decimal number (e.g. 1 or 2.5)"))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.units);
        }
        let d = self.denominator();
        write!(f, "{}.{:0w$}", self.units / d, self.units % d, w = self.scale as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        assert_eq!(Decimal::parse("1.5"), Some(Decimal { units: 15, scale: 1 }));
        assert_eq!(Decimal::parse("0.625").map(|d| d.to_string()), Some("0.625".into()));
        assert!(Decimal::parse("-1").is_none());
        assert!(Decimal::parse("1.").is_none());
        assert_eq!(Decimal::parse("1.5").and_then(|d| d.in_units_of(6)), Some(1_500_000));
        assert_eq!(Decimal::parse("1.0000005").and_then(|d| d.in_units_of(6)), None);
    }

    #[test]
    fn percent_half_up() {
        let rate = Decimal::parse("0.625").unwrap();
        // 0.625 % of 0.80 € = 0.5 cent → 1 (half up); of 0.79 € = 0.49375 → 0.
        assert_eq!(rate.percent_of_cents_half_up(80), 1);
        assert_eq!(rate.percent_of_cents_half_up(79), 0);
        let thirty = Decimal::parse("30").unwrap();
        // 30 % of 0.05 € = 1.5 cents → 2; of 0.04 € = 1.2 → 1.
        assert_eq!(thirty.percent_of_cents_half_up(5), 2);
        assert_eq!(thirty.percent_of_cents_half_up(4), 1);
    }
}
