//! The levy (§3.6): for a liable employer, `rate_percent` of the wages of its
//! employment lines in Q-1, in cents, rounded half up to the cent; due at Q + payment_lag.
//!
//! > « De trimestriële responsabiliseringsbijdrage bedraagt 0,625 % van de lonen van het
//! > kwartaal (Q - 1) voorafgaand aan het berekeningskwartaal (Q). Deze bijdrage zal aan de
//! > RSZ voor het eerst verschuldigd zijn in het 2de kwartaal 2023 (Q + 2) »
//! > (ONSS/RSZ administrative instructions on the programmawet van 27 december 2021,
//! > art. 143–144)

use crate::rules::Decimal;

/// `wage_base_cents × rate / 100`, rounded half up. With the rate 0.625 % this is
/// `(wage_base_cents × 625 + 50000) div 100000`.
pub fn levy_cents(wage_base_cents: i64, rate_percent: Decimal) -> i64 {
    rate_percent.percent_of_cents_half_up(wage_base_cents as i128) as i64
}

/// The exact value before rounding, as a decimal text (`9780.985`), for explanations:
/// `wage_base_cents × units / 10^scale %` = euros × 10^-(scale + 4).
pub fn exact_text(wage_base_cents: i64, rate_percent: Decimal) -> String {
    let scaled = wage_base_cents as i128 * rate_percent.units as i128;
    let decimals = rate_percent.scale as usize + 4;
    let digits = format!("{scaled:0>w$}", w = decimals + 1);
    let (int, frac) = digits.split_at(digits.len() - decimals);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
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
        // 1,564,957.60 € × 0.625 % = 9,780.985 exactly → 9,780.99.
        assert_eq!(exact_text(156_495_760, rate), "9780.985");
        assert_eq!(levy_cents(156_495_760, rate), 978_099);
    }
}
