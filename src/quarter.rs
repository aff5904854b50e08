//! Quarters (`YYYYQn`) and the calendar arithmetic the law is written in (§1, §3).
//!
//! A quarter is kept as one integer, `year * 4 + (n - 1)`, so that "Q-3", "r-4" and
//! "Q + payment_lag" are plain additions. Dates are days since 1970-01-01 (the same
//! convention as Arrow/Polars `Date`), so a parsed date column feeds Polars directly.

use std::fmt;
use std::str::FromStr;

/// A calendar quarter. `Quarter(2023 * 4 + 3)` is `2023Q4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter(pub i32);

impl Quarter {
    pub fn new(year: i32, n: u32) -> Option<Quarter> {
        if (1..=4).contains(&n) && (1000..=9999).contains(&year) {
            Some(Quarter(year * 4 + n as i32 - 1))
        } else {
            None
        }
    }
    pub fn year(self) -> i32 {
        self.0.div_euclid(4)
    }
    /// 1..=4
    pub fn number(self) -> u32 {
        self.0.rem_euclid(4) as u32 + 1
    }
    pub fn offset(self, by: i32) -> Quarter {
        Quarter(self.0 + by)
    }
    /// Days since 1970-01-01 of the first day of the quarter.
    pub fn first_day(self) -> i32 {
        days_from_civil(self.year(), (self.number() - 1) * 3 + 1, 1)
    }
    /// Days since 1970-01-01 of the last day of the quarter.
    pub fn last_day(self) -> i32 {
        self.offset(1).first_day() - 1
    }
    /// The latest seniority date that still gives `years` completed years on the last day
    /// of the quarter (§3.2). Quarter ends are never 29 February, so "the same day
    /// `years` years earlier" always exists.
    pub fn seniority_cutoff(self, years: u32) -> i32 {
        let (y, m, d) = civil_from_days(self.last_day());
        days_from_civil(y - years as i32, m, d)
    }
    /// The quarter holding a date (days since 1970-01-01).
    pub fn of_day(days: i32) -> Quarter {
        let (y, m, _) = civil_from_days(days);
        Quarter(y * 4 + (m as i32 - 1) / 3)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year(), self.number())
    }
}

/// Parses `YYYYQn` (the `Q` in any case, surrounding blanks ignored).
pub fn parse_quarter(s: &str) -> Option<Quarter> {
    let b = s.trim().as_bytes();
    if b.len() != 6 || !(b[4] == b'Q' || b[4] == b'q') {
        return None;
    }
    if !b[..4].iter().all(u8::is_ascii_digit) || !b[5].is_ascii_digit() {
        return None;
    }
    let year = b[..4].iter().fold(0i32, |a, c| a * 10 + (c - b'0') as i32);
    Quarter::new(year, (b[5] - b'0') as u32)
}

impl FromStr for Quarter {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_quarter(s).ok_or_else(|| format!("'{s}' is not a quarter: expected YYYYQn, e.g. 2023Q4"))
    }
}

/// An inclusive range of quarters, written `2022Q4..2023Q4` (a single quarter is a range of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuarterRange {
    pub first: Quarter,
    pub last: Quarter,
}

impl QuarterRange {
    pub fn iter(self) -> impl Iterator<Item = Quarter> {
        (self.first.0..=self.last.0).map(Quarter)
    }
    pub fn len(self) -> usize {
        (self.last.0 - self.first.0 + 1) as usize
    }
    pub fn is_empty(self) -> bool {
        false
    }
}

impl FromStr for QuarterRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, b) = match s.split_once("..") {
            Some((a, b)) => (a, b),
            None => (s, s),
        };
        let first: Quarter = a.parse()?;
        let last: Quarter = b.parse()?;
        if last < first {
            return Err(format!("'{s}': the range ends before it starts"));
        }
        Ok(QuarterRange { first, last })
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian). H. Hinnant's algorithm.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy as i32;
    era * 146_097 + doe - 719_468
}

/// Civil date (year, month, day) of days since 1970-01-01.
pub fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Completed years from date `a` to date `b` (§3.1): `b.year - a.year`, minus one
/// when `(b.month, b.day) < (a.month, a.day)`. Someone born on 29 February is one year
/// older on 1 March in non-leap years, which this formula gives without a special case.
pub fn completed_years(a: i32, b: i32) -> i32 {
    let (ay, am, ad) = civil_from_days(a);
    let (by, bm, bd) = civil_from_days(b);
    by - ay - i32::from((bm, bd) < (am, ad))
}

/// Completed months from date `a` to date `b` (§8.2): `12 × (b.year − a.year) +
/// b.month − a.month`, minus one when `b.day < a.day`. Service from 31 January completes a
/// month on 1 March.
pub fn completed_months(a: i32, b: i32) -> i32 {
    let (ay, am, ad) = civil_from_days(a);
    let (by, bm, bd) = civil_from_days(b);
    12 * (by - ay) + bm as i32 - am as i32 - i32::from(bd < ad)
}

/// The number of days of a month (Gregorian leap years).
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// `n` calendar months after a date (§8.2): the same day of the month, or the last
/// day of that month when it has no such day (2025-12-31 + 2 months = 2026-02-28).
pub fn add_months(day: i32, n: u32) -> i32 {
    let (y, m, d) = civil_from_days(day);
    let months = y * 12 + (m as i32 - 1) + n as i32;
    let (ny, nm) = (months.div_euclid(12), months.rem_euclid(12) as u32 + 1);
    days_from_civil(ny, nm, d.min(days_in_month(ny, nm)))
}

/// The day of the week, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
pub fn weekday(day: i32) -> u32 {
    (day + 3).rem_euclid(7) as u32
}

/// `YYYY-MM-DD` of days since 1970-01-01.
pub fn format_date(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Seconds since 1970-01-01 as `YYYY-MM-DD HH:MM:SS` (UTC).
pub fn format_timestamp(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let t = secs.rem_euclid(86_400);
    format!("{} {:02}:{:02}:{:02}", format_date(days as i32), t / 3600, t % 3600 / 60, t % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_arithmetic() {
        let q: Quarter = "2023Q4".parse().unwrap();
        assert_eq!(q.offset(-3).to_string(), "2023Q1");
        assert_eq!(q.offset(-7).to_string(), "2022Q1");
        assert_eq!(q.offset(2).to_string(), "2024Q2");
        assert_eq!(format_date(q.first_day()), "2023-10-01");
        assert_eq!(format_date(q.last_day()), "2023-12-31");
        assert_eq!(format_date("2024Q1".parse::<Quarter>().unwrap().last_day()), "2024-03-31");
        assert_eq!(format_date(q.seniority_cutoff(3)), "2020-12-31");
        assert!("2023Q5".parse::<Quarter>().is_err());
        assert!("2023-Q4".parse::<Quarter>().is_err());
    }

    #[test]
    fn civil_round_trip() {
        for z in -800_000..800_000 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn months_and_weekdays() {
        let d = |y, m, dd| days_from_civil(y, m, dd);
        assert_eq!(format_date(add_months(d(2026, 1, 31), 2)), "2026-03-31");
        assert_eq!(format_date(add_months(d(2025, 12, 31), 2)), "2026-02-28");
        assert_eq!(format_date(add_months(d(2023, 12, 31), 2)), "2024-02-29");
        assert_eq!(format_date(add_months(d(2026, 11, 15), 2)), "2027-01-15");
        assert_eq!(completed_months(d(2026, 1, 31), d(2026, 3, 1)), 1, "from 31 January, a month on 1 March");
        assert_eq!(completed_months(d(2026, 1, 31), d(2026, 2, 28)), 0);
        assert_eq!(completed_months(d(2026, 1, 15), d(2026, 2, 15)), 1);
        assert_eq!(completed_months(d(2026, 1, 15), d(2026, 2, 14)), 0);
        assert_eq!(weekday(d(1970, 1, 1)), 3, "a Thursday");
        assert_eq!(weekday(d(2026, 1, 4)), 6, "a Sunday");
        assert_eq!(weekday(d(2026, 1, 5)), 0, "a Monday");
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2026, 2), 28);
    }

    #[test]
    fn completed_years_boundaries() {
        let d = |y, m, dd| days_from_civil(y, m, dd);
        assert_eq!(completed_years(d(1968, 3, 15), d(2023, 3, 15)), 55);
        assert_eq!(completed_years(d(1968, 3, 15), d(2023, 3, 14)), 54);
        // Born 29 February 1968: 55 on 1 March 2023, not on 28 February.
        assert_eq!(completed_years(d(1968, 2, 29), d(2023, 2, 28)), 54);
        assert_eq!(completed_years(d(1968, 2, 29), d(2023, 3, 1)), 55);
        assert_eq!(completed_years(d(1968, 2, 29), d(2024, 2, 29)), 56);
    }
}
