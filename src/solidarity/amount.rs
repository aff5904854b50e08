//! The contribution of one incapacity (§8.2): `solidarity_rate_percent` of
//! `daily_benefit × indemnified_days`, in cents, rounded half up to the cent once per
//! incapacity, exactly (integer arithmetic, as §3.6).

use crate::rules::Decimal;

pub fn contribution_cents(daily_benefit_cents: i64, indemnified_days: i64, rate_percent: Decimal) -> i64 {
    rate_percent.percent_of_cents_half_up(daily_benefit_cents as i128 * indemnified_days as i128) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_up_once_per_incapacity() {
        let thirty = Decimal::parse("30").unwrap();
        // 51 days × 64.15 € = 3,271.65 €; 30 % = 981.495 → 981.50.
        assert_eq!(contribution_cents(6415, 51, thirty), 98150);
        // 1 day × 0.05 € = 1.5 cents → 2; 0.04 € → 1.2 → 1.
        assert_eq!(contribution_cents(5, 1, thirty), 2);
        assert_eq!(contribution_cents(4, 1, thirty), 1);
        // Rounded once, not per day: 3 days × 0.05 € = 0.15 € → 4.5 cents → 5 (per day: 6).
        assert_eq!(contribution_cents(5, 3, thirty), 5);
        assert_eq!(contribution_cents(6415, 0, thirty), 0);
    }
}
