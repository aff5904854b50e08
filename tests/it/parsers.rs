//! Properties of the field parsers (§2): what is formatted parses back to the same
//! value, and no string whatsoever makes a parser panic.

use proptest::prelude::*;
use responsa::parse::{format_cents, format_micro, parse_bool, parse_date, parse_fte, parse_money, parse_nace, Fault};
use responsa::quarter::{format_date, parse_quarter, Quarter};

proptest! {
    #[test]
    fn money_round_trips(cents in 0i64..10_000_000_000_000) {
        prop_assert_eq!(parse_money(&format_cents(cents)), Ok(cents));
    }

    #[test]
    fn money_with_one_decimal(euros in 0i64..1_000_000_000, tenth in 0i64..10) {
        prop_assert_eq!(parse_money(&format!("{euros}.{tenth}")), Ok(euros * 100 + tenth * 10));
    }

    #[test]
    fn money_with_three_decimals_is_refused(euros in 0i64..1_000_000, mills in 0i64..1000) {
        prop_assert_eq!(parse_money(&format!("{euros}.{mills:03}")), Err(Fault::TooManyDecimals));
    }

    #[test]
    fn negative_money_is_refused(cents in 1i64..1_000_000_000) {
        prop_assert_eq!(parse_money(&format!("-{}", format_cents(cents))), Err(Fault::Negative));
    }

    #[test]
    fn fte_round_trips(micro in 0i64..1_000_000_000_000) {
        prop_assert_eq!(parse_fte(&format_micro(micro)), Ok(micro));
    }

    #[test]
    fn dates_round_trip(day in -300_000i32..2_900_000) {
        prop_assert_eq!(parse_date(&format_date(day)), Ok(day));
    }

    #[test]
    fn quarters_round_trip(q in 4000i32..40_000) {
        let q = Quarter(q);
        prop_assert_eq!(parse_quarter(&q.to_string()), Some(q));
        prop_assert_eq!(Quarter::of_day(q.first_day()), q);
        prop_assert_eq!(Quarter::of_day(q.last_day()), q);
        prop_assert_eq!(q.last_day() + 1, q.offset(1).first_day());
    }

    #[test]
    fn bools_in_any_case(b: bool, upper: bool, form in 0usize..3) {
        let s = match (form, b) {
            (0, true) => "true", (0, false) => "false",
            (1, true) => "1", (1, false) => "0",
            (_, true) => "yes", (_, false) => "no",
        };
        let s = if upper { s.to_uppercase() } else { s.to_string() };
        prop_assert_eq!(parse_bool(&s), Ok(b));
    }

    #[test]
    fn no_parser_panics_on_any_string(s in any::<String>()) {
        let _ = parse_money(&s);
        let _ = parse_fte(&s);
        let _ = parse_date(&s);
        let _ = parse_bool(&s);
        let _ = parse_quarter(&s);
        let _ = parse_nace(&s);
        let _ = s.parse::<responsa::quarter::QuarterRange>();
    }

    #[test]
    fn long_numbers_do_not_overflow(s in "[0-9]{1,22}(\\.[0-9]{0,7})?") {
        let _ = parse_money(&s);
        let _ = parse_fte(&s);
    }

    #[test]
    fn no_parser_panics_on_number_like_strings(s in "[-+0-9.eE ,Q-]{0,24}") {
        let _ = parse_money(&s);
        let _ = parse_fte(&s);
        let _ = parse_date(&s);
        let _ = parse_quarter(&s);
    }
}
