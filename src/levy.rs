//! The levy (SPEC §3.6): for a liable employer, `rate_percent` of the wages of its
//! employment lines in Q-1, in cents, rounded half up to the cent; due at Q + payment_lag.

use crate::rules::Decimal;

/// `wage_base_cents × rate / 100`, rounded half up. With the rate 0.625 % this is
/// `(wage_base_cents × 625 + 50000) div 100000`.
pub fn levy_cents(wage_base_cents: i64, rate_percent: Decimal) -> i64 {
    let den = 100i128 * rate_percent.denominator() as i128;
    let num = wage_base_cents as i128 * rate_percent.units as i128;
    ((2 * num + den) / (2 * den)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_up() {
        let rate = Decimal::parse("0.625").unwrap();
        // 0.625 % of 1.00 € = 0.625 cents → 1 cent (half up).
        assert_eq!(levy_cents(100, rate), 1);
        // 0.625 % of 0.80 € = 0.5 cents → 1 cent; of 0.79 € = 0.49375 → 0.
        assert_eq!(levy_cents(80, rate), 1);
        assert_eq!(levy_cents(79, rate), 0);
        for wb in [0i64, 1, 7, 80, 12_345_678, 9_999_999_999] {
            assert_eq!(levy_cents(wb, rate), (wb * 625 + 50_000) / 100_000);
        }
    }
}
