//! CSV files saved by a spreadsheet in a Belgian locale (§11): `;` as separator, a
//! decimal comma (and a dot or a space between thousands), a byte-order mark. With
//! `--csv-dialect belgian` such files are read as they are: split on `;`, each decimal,
//! date and boolean converted to the standard form of §2 as it passes, so that every
//! message, reject and fingerprint names the user's own file. Without the option such a
//! file stops the run with a line that names it and the option (see `input::open`).

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// Comma-separated, decimal point (§2).
    #[default]
    Standard,
    /// Semicolon-separated, decimal comma, byte-order mark (a spreadsheet in a Belgian locale).
    Belgian,
}

/// The columns holding decimals, whose comma becomes a point.
const DECIMAL_COLUMNS: [&str; 4] = ["fte", "wages", "daily_benefit", "amount"];

/// The columns holding dates, which a spreadsheet in a Belgian locale writes `05/01/2026`.
const DATE_COLUMNS: [&str; 9] = [
    "seniority_date",
    "primary_incapacity_start",
    "invalidity_start",
    "birth_date",
    "incapacity_start",
    "incapacity_end",
    "service_start",
    "part_time_resumption",
    "date",
];

/// The columns holding booleans, which a spreadsheet writes in its language.
const BOOL_COLUMNS: [&str; 4] =
    ["private_sector", "in_service_at_quarter_end", "resumption_authorized", "disability_recognised"];

/// A day-first date (`5/1/2026`, `05/01/2026`, `05.01.2026`, `05-01-2026`) in the
/// standard form `2026-01-05`; other text unchanged (an ISO date stays as it is, and a
/// value that is no date is rejected by the reader with its reason).
pub fn date(v: &str) -> String {
    let t = v.trim();
    let parts: Vec<&str> = t.split(['/', '.', '-']).collect();
    match parts[..] {
        [d, m, y]
            if (1..=2).contains(&d.len())
                && (1..=2).contains(&m.len())
                && y.len() == 4
                && [d, m, y].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            format!("{y}-{m:0>2}-{d:0>2}")
        }
        _ => t.to_string(),
    }
}

/// A spreadsheet's boolean in Dutch, French or German (`WAAR`/`ONWAAR`, `VRAI`/`FAUX`,
/// `WAHR`/`FALSCH`, any case) as `true`/`false`; other text unchanged.
pub fn boolean(v: &str) -> String {
    let t = v.trim();
    match t.to_lowercase().as_str() {
        "waar" | "vrai" | "wahr" => "true".to_string(),
        "onwaar" | "faux" | "falsch" => "false".to_string(),
        _ => t.to_string(),
    }
}

/// A decimal written with a comma (and maybe a dot or a space between thousands) in the
/// standard form; other text unchanged.
pub fn decimal(v: &str) -> String {
    let t: String = v.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
    if t.contains(',') {
        t.replace('.', "").replace(',', ".")
    } else {
        t
    }
}

impl Dialect {
    /// The field separator.
    pub fn delimiter(self) -> u8 {
        match self {
            Dialect::Standard => b',',
            Dialect::Belgian => b';',
        }
    }

    /// How the values of `column` are converted to the standard form as they are read
    /// (nothing in the standard dialect).
    pub fn conversion(self, column: &str) -> Convert {
        if self == Dialect::Standard {
            Convert::None
        } else if DECIMAL_COLUMNS.contains(&column) {
            Convert::Decimal
        } else if DATE_COLUMNS.contains(&column) {
            Convert::Date
        } else if BOOL_COLUMNS.contains(&column) {
            Convert::Bool
        } else {
            Convert::None
        }
    }
}

/// What a value of a Belgian-dialect column becomes in the standard form (§11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convert {
    None,
    Decimal,
    Date,
    Bool,
}

impl Convert {
    /// The value in the standard form; `None` when it is already.
    pub fn apply(self, v: &str) -> Option<String> {
        match self {
            Convert::None => None,
            Convert::Decimal => Some(decimal(v)),
            Convert::Date => Some(date(v)),
            Convert::Bool => Some(boolean(v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_commas() {
        assert_eq!(decimal("1234,56"), "1234.56");
        assert_eq!(decimal("1.234,56"), "1234.56");
        assert_eq!(decimal("1 234,5"), "1234.5");
        assert_eq!(decimal("0,5"), "0.5");
        assert_eq!(decimal("3000"), "3000");
        assert_eq!(decimal("12.5"), "12.5", "a point alone stays a decimal point");
    }

    #[test]
    fn day_first_dates() {
        assert_eq!(date("05/01/2026"), "2026-01-05", "day first, as a Belgian spreadsheet writes it");
        assert_eq!(date("5/1/2026"), "2026-01-05");
        assert_eq!(date("31.12.2025"), "2025-12-31");
        assert_eq!(date("31-12-2025"), "2025-12-31");
        assert_eq!(date("2025-12-31"), "2025-12-31", "an ISO date stays");
        assert_eq!(date("1/2/26"), "1/2/26", "a two-digit year is left for the reader to reject");
        assert_eq!(date(""), "");
    }

    #[test]
    fn spreadsheet_booleans() {
        for (v, want) in [("WAAR", "true"), ("onwaar", "false"), ("VRAI", "true"), ("Faux", "false")] {
            assert_eq!(boolean(v), want);
        }
        assert_eq!(boolean("WAHR"), "true");
        assert_eq!(boolean("FALSCH"), "false");
        assert_eq!(boolean("yes"), "yes", "the standard words stay");
        assert_eq!(boolean("misschien"), "misschien");
    }
}
