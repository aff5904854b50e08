//! Field parsers for the input formats of §2 and the row faults of §6.
//!
//! Every value enters the computation through one of these functions, on CSV text or on
//! typed Parquet values alike: money becomes integer cents, FTE integer millionths
//! (§3.3: decisions never depend on float rounding), dates days since 1970-01-01.

use crate::quarter::{days_from_civil, days_in_month, Quarter};

/// Why one field of a row could not be used. The row goes to `rejects.csv` with the
/// column name and this text (§6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Missing,
    Unparseable,
    Negative,
    TooManyDecimals,
}

impl Fault {
    pub fn describe(self, what: &str) -> String {
        match self {
            Fault::Missing => "missing value".to_string(),
            Fault::Unparseable => format!("not {what}"),
            Fault::Negative => "negative value".to_string(),
            Fault::TooManyDecimals => format!("too many decimals for {what}"),
        }
    }
}

/// A non-negative decimal with at most `scale` decimals, as an integer count of
/// `10^-scale` units. `"1234.5"` at scale 2 is `123450`.
pub fn parse_fixed(s: &str, scale: u32) -> Result<i64, Fault> {
    if let Some(v) = plain_fixed(s, scale) {
        return Ok(v);
    }
    full_fixed(s, scale)
}

/// [`parse_fixed`] for any text.
fn full_fixed(s: &str, scale: u32) -> Result<i64, Fault> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Fault::Missing);
    }
    let (neg, body) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if int.is_empty() || int.len() > 15 || !int.bytes().all(|c| c.is_ascii_digit()) {
        return Err(Fault::Unparseable);
    }
    let frac = frac.unwrap_or("");
    if s.contains('.') && frac.is_empty() {
        return Err(Fault::Unparseable);
    }
    if !frac.bytes().all(|c| c.is_ascii_digit()) {
        return Err(Fault::Unparseable);
    }
    if frac.len() > scale as usize {
        return Err(Fault::TooManyDecimals);
    }
    let digits = |s: &str| s.bytes().try_fold(0i64, |a, c| a.checked_mul(10)?.checked_add((c - b'0') as i64));
    let (Some(int), Some(mut f)) = (digits(int), digits(frac)) else {
        return Err(Fault::Unparseable);
    };
    for _ in frac.len()..scale as usize {
        f *= 10;
    }
    let v = int.checked_mul(10i64.pow(scale)).and_then(|v| v.checked_add(f)).ok_or(Fault::Unparseable)?;
    if neg && v != 0 {
        return Err(Fault::Negative);
    }
    Ok(v)
}

/// The common case of [`parse_fixed`] in one pass: `digits` or `digits.digits` with at
/// most `scale` decimals and at most 12 characters (so that no product overflows).
/// `None` sends the value through the full parser, which gives the same result.
fn plain_fixed(s: &str, scale: u32) -> Option<i64> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 12 || scale > 6 {
        return None;
    }
    let mut i = 0;
    let mut int = 0i64;
    while i < b.len() && b[i].is_ascii_digit() {
        int = int * 10 + (b[i] - b'0') as i64;
        i += 1;
    }
    if i == 0 {
        return None;
    }
    let mut frac = 0i64;
    let mut decimals = 0u32;
    if i < b.len() {
        if b[i] != b'.' {
            return None;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            frac = frac * 10 + (b[i] - b'0') as i64;
            decimals += 1;
            i += 1;
        }
        if i != b.len() || decimals == 0 || decimals > scale {
            return None;
        }
    }
    Some(int * 10i64.pow(scale) + frac * 10i64.pow(scale - decimals))
}

/// Money in euros with at most two decimals, as integer cents.
pub fn parse_money(s: &str) -> Result<i64, Fault> {
    parse_fixed(s, 2)
}

/// FTE with at most six decimals, as integer millionths.
pub fn parse_fte(s: &str) -> Result<i64, Fault> {
    parse_fixed(s, 6)
}

/// A typed (Parquet) number as units of `10^-scale`, exact when the value has at most
/// `scale` decimals: the nearest double of such a decimal, scaled, lies within far less
/// than 0.001 of the integer (for any amount below 10^9).
pub fn fixed_from_f64(x: f64, scale: u32) -> Result<i64, Fault> {
    if !x.is_finite() || x.abs() >= 1e15 {
        return Err(Fault::Unparseable);
    }
    if x < 0.0 {
        return Err(Fault::Negative);
    }
    // Exact powers of ten; `powi` and `round` are library calls per value on the baseline
    // x86-64 target, a measurable part of reading a national Parquet file's two columns.
    let unit = match scale {
        2 => 100.0,
        6 => 1e6,
        s => 10f64.powi(s as i32),
    };
    let scaled = x * unit;
    if scaled >= 9.0e18 {
        return Err(Fault::Unparseable);
    }
    // Rounded half away from zero in integers, as `f64::round` would: for 0 <= scaled < 2^63
    // the truncation and both differences are exact.
    let whole = scaled as i64;
    let frac = scaled - whole as f64;
    let (r, off) = if frac >= 0.5 { (whole + 1, 1.0 - frac) } else { (whole, frac) };
    if off > 1e-3 {
        return Err(Fault::TooManyDecimals);
    }
    Ok(r)
}

/// `YYYY-MM-DD`, a real calendar date, as days since 1970-01-01.
pub fn parse_date(s: &str) -> Result<i32, Fault> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Fault::Missing);
    }
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(Fault::Unparseable);
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |a, c| c.is_ascii_digit().then(|| a * 10 + (c - b'0') as u32))
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err(Fault::Unparseable);
    };
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y as i32, m) || y < 1000 {
        return Err(Fault::Unparseable);
    }
    Ok(days_from_civil(y as i32, m, d))
}

/// `true/false`, `1/0`, `yes/no`, in any case (§2).
pub fn parse_bool(s: &str) -> Result<bool, Fault> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Fault::Missing);
    }
    let is = |w: &str| t.eq_ignore_ascii_case(w);
    if is("true") || t == "1" || is("yes") {
        Ok(true)
    } else if is("false") || t == "0" || is("no") {
        Ok(false)
    } else {
        Err(Fault::Unparseable)
    }
}

/// `YYYYQn`.
pub fn parse_quarter_field(s: &str) -> Result<Quarter, Fault> {
    if s.trim().is_empty() {
        return Err(Fault::Missing);
    }
    crate::quarter::parse_quarter(s).ok_or(Fault::Unparseable)
}

/// A NACE-BEL code: five digits, dots allowed anywhere (`36.100` = `36100`).
pub fn parse_nace(s: &str) -> Result<String, Fault> {
    nace_digits(s).map(|()| s.trim().chars().filter(|c| *c != '.').collect())
}

/// Whether `s` is a NACE-BEL code, without allocating.
pub fn nace_digits(s: &str) -> Result<(), Fault> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Fault::Missing);
    }
    let ok = t.bytes().all(|c| c == b'.' || c.is_ascii_digit()) && t.bytes().filter(u8::is_ascii_digit).count() == 5;
    if ok {
        Ok(())
    } else {
        Err(Fault::Unparseable)
    }
}

/// Cents as `1234.56`.
pub fn format_cents(c: i64) -> String {
    let sign = if c < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", c.abs() / 100, c.abs() % 100)
}

/// A count with thousands separated by commas (`3242169` → `3,242,169`), for messages.
pub fn thousands(n: u64) -> String {
    group_thousands(&n.to_string(), ',')
}

/// ASCII digits with `sep` between groups of three, from the right (`1234567` → `1,234,567`):
/// counts in messages, amounts in reports and letters.
pub fn group_thousands(digits: &str, sep: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * sep.len_utf8());
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Millionths as a decimal without trailing zeros (`1500000` → `1.5`).
pub fn format_micro(v: i64) -> String {
    let mut buf = Vec::with_capacity(16);
    write_micro(&mut buf, v);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Millionths written into `buf` without trailing zeros (`1.5`, `3`, `0.7`): the one
/// implementation behind [`format_micro`] and the FTE fields of a national report.
pub fn write_micro(buf: &mut Vec<u8>, v: i64) {
    use std::io::Write;
    let _ = write!(buf, "{}", v / 1_000_000);
    let mut f = (v % 1_000_000).unsigned_abs();
    if f != 0 {
        let mut digits = [b'0'; 6];
        for d in digits.iter_mut().rev() {
            *d = b'0' + (f % 10) as u8;
            f /= 10;
        }
        let end = digits.iter().rposition(|d| *d != b'0').map_or(0, |i| i + 1);
        buf.push(b'.');
        buf.extend_from_slice(&digits[..end]);
    }
}

/// A finite double as Rust's `{}` writes it — the shortest digits that read back as the
/// same double, never an exponent — from ryu's digits, which come four times faster (a
/// national assessment.csv holds 1.25 million ratios): the ratios of the tables.
pub fn write_shortest(buf: &mut Vec<u8>, v: f64) {
    // Zero, the ratio of most employers (no entry), written at once.
    if v == 0.0 {
        buf.extend_from_slice(if v.is_sign_negative() { b"-0" } else { b"0" });
        return;
    }
    let mut ryu = ryu::Buffer::new();
    let text = ryu.format_finite(v).as_bytes();
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    // ryu writes `d.ddd`, `0.000ddd` or `d.ddde±x`: its digits, and where the point falls.
    let (mantissa, exponent) = match text.iter().position(|c| *c == b'e') {
        Some(i) => {
            let e = std::str::from_utf8(&text[i + 1..]).ok().and_then(|e| e.parse::<i32>().ok()).unwrap_or(0);
            (&text[..i], e)
        }
        None => (text, 0),
    };
    let dot = mantissa.iter().position(|c| *c == b'.').unwrap_or(mantissa.len());
    // The digits without the point, on the stack (ryu writes at most 17 of them).
    let mut held = [0u8; 32];
    let mut n = 0;
    for c in mantissa.iter().filter(|c| **c != b'.') {
        if let Some(slot) = held.get_mut(n) {
            *slot = *c;
            n += 1;
        }
    }
    let leading = held[..n].iter().take_while(|d| **d == b'0').count();
    let point = dot as i32 + exponent - leading as i32;
    let mut digits = &held[leading..n];
    while let Some((b'0', rest)) = digits.split_last() {
        digits = rest;
    }
    // ryu and Rust part only where the double lies exactly halfway between two shortest
    // candidates (ryu keeps the even digit, Rust rounds up). Two candidates of d digits
    // lie 10^-d apart relative to the value and both within its rounding interval, of
    // 2^-52 relative: so d >= 16, and the double's exact decimal value, their midpoint,
    // has 17 significant digits or more (and 18 at most: ryu gives at most 17). A double
    // m·2^-k (m odd) has k decimals, so `k + point` significant digits; an integer
    // (k <= 0) has at most `point`. Those of 17 to 19 digits, and the integers of 17
    // digits or more, go through Rust's own formatter; the others — the ratios of some
    // fifty digits, the averages of a few quarters (12.25), zero — are laid out from
    // ryu's digits.
    let bits = v.to_bits();
    let (biased, fraction) = (((bits >> 52) & 0x7ff) as i32, bits & ((1u64 << 52) - 1));
    let (m, e) = if biased == 0 { (fraction, -1074) } else { (fraction | (1u64 << 52), biased - 1075) };
    let k = -(e + m.trailing_zeros() as i32);
    let tie_possible = if k <= 0 { point >= 17 } else { (17..=19).contains(&(k + point)) };
    if tie_possible {
        use std::io::Write;
        let _ = write!(buf, "{v}");
        return;
    }
    if negative {
        buf.push(b'-');
    }
    if digits.is_empty() {
        buf.push(b'0');
    } else if point <= 0 {
        buf.extend_from_slice(b"0.");
        buf.extend(std::iter::repeat_n(b'0', point.unsigned_abs() as usize));
        buf.extend_from_slice(digits);
    } else if point as usize >= digits.len() {
        buf.extend_from_slice(digits);
        buf.extend(std::iter::repeat_n(b'0', point as usize - digits.len()));
    } else {
        buf.extend_from_slice(&digits[..point as usize]);
        buf.push(b'.');
        buf.extend_from_slice(&digits[point as usize..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shortest(v: f64) -> String {
        let mut buf = Vec::new();
        write_shortest(&mut buf, v);
        String::from_utf8(buf).unwrap_or_default()
    }

    #[test]
    fn doubles_are_written_as_rust_writes_them() {
        // The last three lie halfway between two shortest candidates, where ryu and Rust
        // round differently (the first two found by the property tests below).
        // 1134298445710606.25, 2446202217041.78125 and 0.50000762939453125 exactly.
        let halfway = [f64::from_bits(4832395994324014137), f64::from_bits(4792336226035338816), 0.5 + 2f64.powi(-17)];
        let named = [0.0, -0.0, 1.0, 0.5, 0.1, 1e-7, 1.5e-7, 1e-5, 0.0030111300154111293, 123.456, 1e15, 1e16, 5e-324];
        for v in named.into_iter().chain(halfway) {
            assert_eq!(shortest(v), format!("{v}"), "{v:e}");
        }
    }

    proptest::proptest! {
        // The cases found once are kept above, in the test of named values.
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        #[test]
        fn any_double_is_written_as_rust_writes_it(bits in proptest::prelude::any::<u64>()) {
            let v = f64::from_bits(bits);
            proptest::prop_assume!(v.is_finite());
            proptest::prop_assert_eq!(shortest(v), format!("{v}"));
        }

        /// The doubles of few decimal digits, where the ties between two shortest
        /// candidates lie (2446202217041.78125, 0.50000762939453125).
        #[test]
        fn any_short_dyadic_is_written_as_rust_writes_it(m in 1u64..(1u64 << 53), k in 0i32..80) {
            let v = m as f64 * 2f64.powi(-k);
            proptest::prop_assert_eq!(shortest(v), format!("{v}"));
        }

        /// The doubles of a few decimals (averages over quarters, halves, quarters) and the
        /// integers, written from ryu's digits.
        #[test]
        fn any_double_of_few_digits_is_written_as_rust_writes_it(m in 0u64..(1u64 << 40), k in 0i32..12, neg: bool) {
            let v = m as f64 * 2f64.powi(-k) * if neg { -1.0 } else { 1.0 };
            proptest::prop_assert_eq!(shortest(v), format!("{v}"));
        }

        #[test]
        fn any_integer_is_written_as_rust_writes_it(m in 0u64..(1u64 << 53), shift in 0i32..80) {
            let v = m as f64 * 2f64.powi(shift);
            proptest::prop_assert_eq!(shortest(v), format!("{v}"));
        }

        #[test]
        fn any_ratio_is_written_as_rust_writes_it(n in 0u64..1_000_000_000, d in 1u64..1_000_000_000) {
            let v = n as f64 / d as f64;
            proptest::prop_assert_eq!(shortest(v), format!("{v}"));
        }
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(3_242_169), "3,242,169");
    }

    #[test]
    fn money() {
        assert_eq!(parse_money("1234.5"), Ok(123450));
        assert_eq!(parse_money("1234.56"), Ok(123456));
        assert_eq!(parse_money("0"), Ok(0));
        assert_eq!(parse_money(" 7 "), Ok(700));
        assert_eq!(parse_money("1.234"), Err(Fault::TooManyDecimals));
        assert_eq!(parse_money("-1.00"), Err(Fault::Negative));
        assert_eq!(parse_money("1,00"), Err(Fault::Unparseable));
        assert_eq!(parse_money("1."), Err(Fault::Unparseable));
        assert_eq!(parse_money(".5"), Err(Fault::Unparseable));
        assert_eq!(parse_money(""), Err(Fault::Missing));
        assert_eq!(format_cents(123450), "1234.50");
        assert_eq!(format_cents(5), "0.05");
    }

    proptest::proptest! {
        /// The one-pass parser agrees with the full one wherever it answers.
        #[test]
        fn plain_fixed_agrees_with_the_full_parser(s in "[0-9.+ -]{0,14}", scale in 0u32..=6) {
            if let Some(v) = plain_fixed(&s, scale) {
                proptest::prop_assert_eq!(full_fixed(&s, scale), Ok(v));
            }
        }
        /// The integer rounding of a Parquet double agrees with `f64::round` on any value.
        #[test]
        fn fixed_from_f64_rounds_as_f64_round(x in 0f64..1e15, scale in proptest::sample::select(vec![2u32, 6])) {
            let scaled = x * 10f64.powi(scale as i32);
            let r = scaled.round();
            let expected = if scaled >= 9.0e18 {
                Err(Fault::Unparseable)
            } else if (scaled - r).abs() > 1e-3 {
                Err(Fault::TooManyDecimals)
            } else {
                Ok(r as i64)
            };
            proptest::prop_assert_eq!(fixed_from_f64(x, scale), expected);
        }
        #[test]
        fn fixed_from_f64_reads_decimals(units in 0i64..1_000_000_000_000, scale in proptest::sample::select(vec![2u32, 6])) {
            let x = units as f64 / 10f64.powi(scale as i32);
            proptest::prop_assert_eq!(fixed_from_f64(x, scale), Ok(units));
        }
        #[test]
        fn plain_fixed_answers_for_plain_numbers(int in 0u64..100_000, frac in proptest::option::of("[0-9]{1,2}")) {
            let s = match &frac { Some(f) => format!("{int}.{f}"), None => int.to_string() };
            proptest::prop_assert_eq!(plain_fixed(&s, 2), full_fixed(&s, 2).ok());
        }
    }

    #[test]
    fn fte() {
        assert_eq!(parse_fte("0.1"), Ok(100_000));
        assert_eq!(parse_fte("0.333333"), Ok(333_333));
        assert_eq!(parse_fte("0.3333333"), Err(Fault::TooManyDecimals));
        assert_eq!(fixed_from_f64(0.7, 6), Ok(700_000));
        assert_eq!(fixed_from_f64(-0.0, 2), Ok(0));
        assert_eq!(fixed_from_f64(-0.01, 2), Err(Fault::Negative));
        assert_eq!(fixed_from_f64(1234.565, 2), Err(Fault::TooManyDecimals), "a half cent");
        assert_eq!(fixed_from_f64(1234.56, 2), Ok(123_456));
        assert_eq!(fixed_from_f64(0.1234567, 6), Err(Fault::TooManyDecimals));
        assert_eq!(format_micro(1_500_000), "1.5");
        assert_eq!(format_micro(3_000_000), "3");
        assert_eq!(format_micro(700_000), "0.7");
        assert_eq!(format_micro(1_234_567), "1.234567");
        assert_eq!(format_micro(1), "0.000001");
        assert_eq!(format_micro(0), "0");
    }

    #[test]
    fn dates_and_bools() {
        assert_eq!(parse_date("1970-01-01"), Ok(0));
        assert_eq!(parse_date("2024-02-29"), Ok(19782));
        assert_eq!(parse_date("2023-02-29"), Err(Fault::Unparseable));
        assert_eq!(parse_date("2023-2-01"), Err(Fault::Unparseable));
        assert_eq!(parse_bool("YES"), Ok(true));
        assert_eq!(parse_bool("0"), Ok(false));
        assert_eq!(parse_bool("y"), Err(Fault::Unparseable));
        assert_eq!(parse_nace("36.100").as_deref(), Ok("36100"));
        assert_eq!(parse_nace("3610"), Err(Fault::Unparseable));
    }
}
