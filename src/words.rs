//! Quarters, dates, amounts and a few words as the notices and the employer's pages write
//! them, in French, Dutch or German (§11): one low module that the wings' notices and
//! pages and the report pages all use.

use serde::Serialize;

use crate::parse::format_cents;
use crate::quarter::Quarter;

/// A quarter as people write it: "4e trimestre 2023", "4de kwartaal 2023", "4. Quartal 2023"
/// (a non-breaking space after the number).
pub fn quarter_words(q: Quarter, lang: &str) -> String {
    let (y, n) = (q.year(), q.number());
    match lang {
        "nl" => format!("{n}{}\u{a0}kwartaal {y}", if n == 1 { "ste" } else { "de" }),
        "de" => format!("{n}.\u{a0}Quartal {y}"),
        _ => format!("{n}{}\u{a0}trimestre {y}", if n == 1 { "er" } else { "e" }),
    }
}

/// A date as the letter's language writes it: "1er décembre 2026", "1 december 2026",
/// "1. Dezember 2026".
pub fn date_words(days: i32, lang: &str) -> String {
    let (y, m, d) = crate::quarter::civil_from_days(days);
    let i = (m as usize).saturating_sub(1).min(11);
    match lang {
        "nl" => {
            const M: [&str; 12] = [
                "januari",
                "februari",
                "maart",
                "april",
                "mei",
                "juni",
                "juli",
                "augustus",
                "september",
                "oktober",
                "november",
                "december",
            ];
            format!("{d}\u{a0}{} {y}", M[i])
        }
        "de" => {
            const M: [&str; 12] = [
                "Januar",
                "Februar",
                "März",
                "April",
                "Mai",
                "Juni",
                "Juli",
                "August",
                "September",
                "Oktober",
                "November",
                "Dezember",
            ];
            format!("{d}.\u{a0}{} {y}", M[i])
        }
        _ => {
            const M: [&str; 12] = [
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ];
            format!("{d}{}\u{a0}{} {y}", if d == 1 { "er" } else { "" }, M[i])
        }
    }
}

/// A date as the three languages write it in a table: `05/01/2026`.
pub fn day_month_year(days: i32) -> String {
    let (y, m, d) = crate::quarter::civil_from_days(days);
    format!("{d:02}/{m:02}/{y}")
}

/// The words of `lang` among the French, Dutch and German ones (French by default).
pub fn in_language(lang: &str, fr: &str, nl: &str, de: &str) -> String {
    match lang {
        "nl" => nl,
        "de" => de,
        _ => fr,
    }
    .to_string()
}

/// A percentage with a decimal comma and a non-breaking space before `%`.
pub fn percent(d: &crate::rules::Decimal) -> String {
    format!("{}\u{a0}%", comma(d.to_string()))
}

/// The fixed words of a letter in one language.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Words {
    pub employer: &'static str,
    pub reference: &'static str,
    pub col_worker: &'static str,
    pub col_start: &'static str,
    pub col_window: &'static str,
    pub col_days: &'static str,
    pub col_benefit: &'static str,
    pub col_amount: &'static str,
    pub total: &'static str,
    pub contact: &'static str,
    pub appeal: &'static str,
    pub quarter: &'static str,
    pub title: &'static str,
    pub salutation: &'static str,
    pub col_quarter: &'static str,
    pub col_entries: &'static str,
    pub col_fte: &'static str,
    pub col_ratio: &'static str,
    pub col_multiple: &'static str,
    pub col_threshold: &'static str,
    pub yours: &'static str,
    pub sector: &'static str,
    pub private: &'static str,
    pub closing: &'static str,
}

pub const FR: Words = Words {
    employer: "Employeur",
    reference: "Référence",
    col_worker: "Travailleur",
    col_start: "Début de l'incapacité",
    col_window: "Période couverte",
    col_days: "Jours indemnisés",
    col_benefit: "Indemnité journalière",
    col_amount: "Cotisation",
    total: "Total",
    contact: "Contact",
    appeal: "Recours",
    quarter: "Trimestre",
    title: "Avertissement préalable — cotisation de responsabilisation",
    salutation: "Madame, Monsieur,",
    col_quarter: "Trimestre",
    col_entries: "Entrées en invalidité comptées",
    col_fte: "ETP de l'année précédente",
    col_ratio: "Rapport",
    col_multiple: "Multiple",
    col_threshold: "Seuil",
    yours: "Votre rapport moyen",
    sector: "Votre secteur, NACE",
    private: "Secteur privé",
    closing: "Nous restons à votre disposition pour toute question. Veuillez agréer, Madame, Monsieur, nos salutations distinguées.",
};

pub const NL: Words = Words {
    employer: "Werkgever",
    reference: "Referentie",
    col_worker: "Werknemer",
    col_start: "Begin van de ongeschiktheid",
    col_window: "Gedekte periode",
    col_days: "Vergoede dagen",
    col_benefit: "Dagelijkse uitkering",
    col_amount: "Bijdrage",
    total: "Totaal",
    contact: "Contact",
    appeal: "Beroep",
    quarter: "Kwartaal",
    title: "Voorafgaande waarschuwing — responsabiliseringsbijdrage",
    salutation: "Geachte mevrouw, geachte heer,",
    col_quarter: "Kwartaal",
    col_entries: "Getelde intredes in invaliditeit",
    col_fte: "VTE van het vorige jaar",
    col_ratio: "Verhouding",
    col_multiple: "Veelvoud",
    col_threshold: "Drempel",
    yours: "Uw gemiddelde verhouding",
    sector: "Uw sector, NACE",
    private: "Privésector",
    closing: "Voor vragen staan wij tot uw beschikking. Met vriendelijke groeten.",
};

pub const DE: Words = Words {
    employer: "Arbeitgeber",
    reference: "Aktenzeichen",
    col_worker: "Arbeitnehmer",
    col_start: "Beginn der Arbeitsunfähigkeit",
    col_window: "Erfasster Zeitraum",
    col_days: "Entschädigte Tage",
    col_benefit: "Tägliches Krankengeld",
    col_amount: "Beitrag",
    total: "Summe",
    contact: "Kontakt",
    appeal: "Rechtsbehelf",
    quarter: "Quartal",
    title: "Vorabwarnung — Verantwortungsbeitrag",
    salutation: "Sehr geehrte Damen und Herren,",
    col_quarter: "Quartal",
    col_entries: "Gezählte Eintritte in die Invalidität",
    col_fte: "VZÄ des Vorjahres",
    col_ratio: "Verhältnis",
    col_multiple: "Vielfaches",
    col_threshold: "Schwelle",
    yours: "Ihr durchschnittliches Verhältnis",
    sector: "Ihr Sektor, NACE",
    private: "Privatsektor",
    closing: "Für Fragen stehen wir Ihnen gerne zur Verfügung. Mit freundlichen Grüßen.",
};

/// The letter's language: `nl`, `de`, else French.
pub fn language(code: Option<&str>) -> &'static str {
    match code.map(|c| c.trim().to_ascii_lowercase()) {
        Some(c) if c == "nl" => "nl",
        Some(c) if c == "de" => "de",
        _ => "fr",
    }
}

pub fn words(lang: &str) -> Words {
    match lang {
        "nl" => NL,
        "de" => DE,
        _ => FR,
    }
}

/// A decimal with a comma, as the three languages write it.
pub fn comma(s: String) -> String {
    s.replace('.', ",")
}

/// Euros: thousands separated (a space in French, a point in Dutch and German), decimal comma.
pub fn euros(cents: i64, lang: &str) -> String {
    let s = format_cents(cents);
    let (int, dec) = s.split_once('.').unwrap_or((&s, "00"));
    let sep = if lang == "fr" { '\u{202f}' } else { '.' };
    format!("{},{dec}\u{a0}EUR", crate::parse::group_thousands(int, sep))
}

pub fn ratio(x: Option<f64>) -> String {
    match x {
        None => "—".into(),
        Some(v) if v.is_infinite() => "∞".into(),
        Some(v) => comma(format!("{v:.6}")),
    }
}

pub fn multiple(x: Option<f64>) -> String {
    match x {
        None => "—".into(),
        Some(v) if v.is_infinite() => "∞".into(),
        Some(v) => comma(format!("{v:.2}")),
    }
}

/// "Two quarters later" in the letter's language, from the rule set's payment lag.
pub fn quarters_later(lang: &str, n: i32) -> String {
    let words = |w: [&'static str; 4]| -> Option<&'static str> {
        usize::try_from(n).ok().and_then(|i| i.checked_sub(1)).and_then(|i| w.get(i).copied())
    };
    match lang {
        "nl" => match n {
            1 => "één kwartaal later".to_string(),
            _ => format!(
                "{} kwartalen later",
                words(["één", "twee", "drie", "vier"]).map_or(n.to_string(), str::to_string)
            ),
        },
        "de" => match n {
            1 => "ein Quartal später".to_string(),
            _ => format!(
                "{} Quartale später",
                words(["ein", "zwei", "drei", "vier"]).map_or(n.to_string(), str::to_string)
            ),
        },
        _ => match n {
            1 => "un trimestre plus tard".to_string(),
            _ => format!(
                "{} trimestres plus tard",
                words(["un", "deux", "trois", "quatre"]).map_or(n.to_string(), str::to_string)
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_dates_as_people_write_them() {
        let q = |s: &str| s.parse::<Quarter>().expect("a quarter");
        assert_eq!(quarter_words(q("2023Q4"), "fr"), "4e\u{a0}trimestre 2023");
        assert_eq!(quarter_words(q("2023Q1"), "fr"), "1er\u{a0}trimestre 2023");
        assert_eq!(quarter_words(q("2023Q4"), "nl"), "4de\u{a0}kwartaal 2023");
        assert_eq!(quarter_words(q("2023Q1"), "nl"), "1ste\u{a0}kwartaal 2023");
        assert_eq!(quarter_words(q("2023Q4"), "de"), "4.\u{a0}Quartal 2023");
        let day = crate::parse::parse_date("2026-12-01").expect("a date");
        assert_eq!(date_words(day, "fr"), "1er\u{a0}décembre 2026");
        assert_eq!(date_words(day, "nl"), "1\u{a0}december 2026");
        assert_eq!(date_words(day, "de"), "1.\u{a0}Dezember 2026");
        assert_eq!(percent(&crate::rules::Decimal::parse("0.625").expect("a decimal")), "0,625\u{a0}%");
    }

    #[test]
    fn languages_and_amounts() {
        assert_eq!(language(Some("NL")), "nl");
        assert_eq!(language(Some("de")), "de");
        assert_eq!(language(Some("en")), "fr", "French when the language is not one of the three");
        assert_eq!(language(None), "fr");
        assert_eq!(euros(456_173, "nl"), "4.561,73\u{a0}EUR");
        assert_eq!(euros(456_173, "fr"), "4\u{202f}561,73\u{a0}EUR");
        assert_eq!(euros(99, "de"), "0,99\u{a0}EUR");
    }
}
