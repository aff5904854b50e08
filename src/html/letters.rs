//! Warning letters (§11; loi-programme du 27 décembre 2021, art. 145: the office
//! informs in advance the employers whose inflow evolves unfavourably): for each warned
//! employer one printable page in its language — French, Dutch or German from the
//! register's optional `language` column, French when absent — with its entries and
//! ratios quarter by quarter, its sector's and the private sector's, the thresholds,
//! what its warning means and when a levy would fall due.

use minijinja::value::Serde;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::levy::assess::{Assessment, EmployerRow};
use crate::levy::reference::Reference;
use crate::levy::warnings::Warning;
use crate::parse::{format_cents, format_micro};

pub(crate) const LETTER: &str = include_str!("../../templates/letter.html");

/// The fixed words of a letter in one language.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Words {
    pub office: &'static str,
    pub employer: &'static str,
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
    pub basis: &'static str,
}

const FR: Words = Words {
    office: "Office national de sécurité sociale",
    employer: "Employeur",
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
    basis: "Loi-programme du 27 décembre 2021, art. 140 à 147 (M.B. 31.12.2021), modifiée par la loi du 20 novembre 2022.",
};

const NL: Words = Words {
    office: "Rijksdienst voor Sociale Zekerheid",
    employer: "Werkgever",
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
    basis: "Programmawet van 27 december 2021, art. 140 tot 147 (B.S. 31.12.2021), gewijzigd bij de wet van 20 november 2022.",
};

const DE: Words = Words {
    office: "Landesamt für soziale Sicherheit",
    employer: "Arbeitgeber",
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
    basis: "Programmgesetz vom 27. Dezember 2021, Art. 140 bis 147 (B.S. 31.12.2021), abgeändert durch das Gesetz vom 20. November 2022.",
};

/// The letter's language: `nl`, `de`, else French.
pub fn language(code: Option<&str>) -> &'static str {
    match code.map(|c| c.trim().to_ascii_lowercase()) {
        Some(c) if c == "nl" => "nl",
        Some(c) if c == "de" => "de",
        _ => "fr",
    }
}

fn words(lang: &str) -> Words {
    match lang {
        "nl" => NL,
        "de" => DE,
        _ => FR,
    }
}

/// A decimal with a comma, as the three languages write it.
fn comma(s: String) -> String {
    s.replace('.', ",")
}

/// Euros: thousands separated (a space in French, a point in Dutch and German), decimal comma.
fn euros(cents: i64, lang: &str) -> String {
    let s = format_cents(cents);
    let (int, dec) = s.split_once('.').unwrap_or((&s, "00"));
    let sep = if lang == "fr" { '\u{202f}' } else { '.' };
    format!("{},{dec} EUR", crate::parse::group_thousands(int, sep))
}

fn ratio(x: Option<f64>) -> String {
    match x {
        None => "—".into(),
        Some(v) if v.is_infinite() => "∞".into(),
        Some(v) => comma(format!("{v:.6}")),
    }
}

fn multiple(x: Option<f64>) -> String {
    match x {
        None => "—".into(),
        Some(v) if v.is_infinite() => "∞".into(),
        Some(v) => comma(format!("{v:.2}")),
    }
}

#[derive(Serialize)]
struct Row {
    quarter: String,
    entries: i64,
    fte: String,
    ratio: String,
}

#[derive(Serialize)]
struct Letter {
    lang: &'static str,
    t: Words,
    employer_id: String,
    quarter: String,
    warning: &'static str,
    intro: String,
    rows: Vec<Row>,
    ratio: String,
    sector: String,
    sector_ratio: String,
    sector_multiple: String,
    sector_threshold: String,
    private_ratio: String,
    private_multiple: String,
    private_threshold: String,
    meaning: String,
    thresholds: String,
}

/// The letter of one warned employer, in its language.
/// "Two quarters later" in the letter's language, from the rule set's payment lag.
fn quarters_later(lang: &str, n: i32) -> String {
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

pub fn letter(a: &Assessment, e: &EmployerRow) -> Result<Option<String>> {
    let Some(w) = e.warning else { return Ok(None) };
    let lang = language(e.language.as_deref());
    let r = &a.rules.levy;
    let (q, due) = (a.quarter().to_string(), a.due_quarter().to_string());
    let reference = Reference::of(a.quarter());
    let rows = (0..4)
        .map(|k| {
            let (n, d) = (e.pool.entries[k], e.pool.fte[k]);
            Row {
                quarter: reference.quarter(k).to_string(),
                entries: n,
                fte: comma(format_micro(d)),
                ratio: if d > 0 { comma(format!("{:.6}", n as f64 * 1e6 / d as f64)) } else { "—".into() },
            }
        })
        .collect();
    let levy = e.levy.map(|c| euros(c, lang)).unwrap_or_default();
    let wage_q = reference.wage_quarter().to_string();
    // The levy falls due payment_lag quarters after the assessed quarter (§3.6).
    let later = quarters_later(lang, r.payment_lag);
    let (intro, meaning, thresholds) = match lang {
        "nl" => (
            format!("De RSZ berekent elk kwartaal de instroom in invaliditeit van de werknemers van elke werkgever uit de privésector en vergelijkt die met zijn sector en met de hele privésector. Hieronder vindt u uw cijfers voor kwartaal {q}."),
            match w {
                Warning::W1 => format!("Uw instroom overschrijdt beide drempels: de responsabiliseringsbijdrage van {levy} ({} % van uw lonen van kwartaal {wage_q}) wordt geïnd in kwartaal {due}.", comma(r.rate_percent.to_string())),
                Warning::W2 => format!("U bent één getelde intrede verwijderd van de bijdrage: uw verhouding overschrijdt beide drempels al. Met één intrede meer zou een bijdrage van {} % van uw kwartaallonen worden geïnd in kwartaal {due}.", comma(r.rate_percent.to_string())),
                Warning::W3 => format!("Uw instroom nadert de drempels. Bereikt hij {}× uw sector en {}× de privésector, dan wordt een bijdrage van {} % van uw kwartaallonen geïnd {later} (voor dit kwartaal: {due}).", comma(r.sector_factor.to_string()), comma(r.private_factor.to_string()), comma(r.rate_percent.to_string())),
            },
            format!("Drempels: minstens {} getelde intredes, {}× de verhouding van de sector en {}× die van de privésector; waarschuwing vanaf {}× en {}×.", r.min_cases, comma(r.sector_factor.to_string()), comma(r.private_factor.to_string()), comma(r.warn_sector_factor.to_string()), comma(r.warn_private_factor.to_string())),
        ),
        "de" => (
            format!("Das LSS berechnet jedes Quartal den Eintritt der Arbeitnehmer jedes Arbeitgebers des Privatsektors in die Invalidität und vergleicht ihn mit seinem Sektor und dem gesamten Privatsektor. Hier sind Ihre Zahlen für das Quartal {q}."),
            match w {
                Warning::W1 => format!("Ihr Eintritt übersteigt beide Schwellen: der Verantwortungsbeitrag von {levy} ({} % Ihrer Löhne des Quartals {wage_q}) wird im Quartal {due} erhoben.", comma(r.rate_percent.to_string())),
                Warning::W2 => format!("Ihnen fehlt ein einziger gezählter Eintritt bis zum Beitrag: Ihr Verhältnis übersteigt beide Schwellen bereits. Mit einem Eintritt mehr würde ein Beitrag von {} % Ihrer Quartalslöhne im Quartal {due} erhoben.", comma(r.rate_percent.to_string())),
                Warning::W3 => format!("Ihr Eintritt nähert sich den Schwellen. Erreicht er das {}-fache Ihres Sektors und das {}-fache des Privatsektors, wird ein Beitrag von {} % Ihrer Quartalslöhne {later} erhoben (für dieses Quartal: {due}).", comma(r.sector_factor.to_string()), comma(r.private_factor.to_string()), comma(r.rate_percent.to_string())),
            },
            format!("Schwellen: mindestens {} gezählte Eintritte, das {}-fache des Verhältnisses des Sektors und das {}-fache des Privatsektors; Warnung ab dem {}- und {}-fachen.", r.min_cases, comma(r.sector_factor.to_string()), comma(r.private_factor.to_string()), comma(r.warn_sector_factor.to_string()), comma(r.warn_private_factor.to_string())),
        ),
        _ => (
            format!("L'ONSS calcule chaque trimestre l'entrée en invalidité des travailleurs de chaque employeur du secteur privé et la compare à celle de son secteur et de l'ensemble du secteur privé. Voici vos chiffres pour le trimestre {q}."),
            match w {
                Warning::W1 => format!("Votre entrée en invalidité dépasse les deux seuils : la cotisation de responsabilisation de {levy} ({} % de vos salaires du trimestre {wage_q}) sera perçue au trimestre {due}.", comma(r.rate_percent.to_string())),
                Warning::W2 => format!("Il ne vous manque qu'une entrée comptée pour être redevable : votre rapport dépasse déjà les deux seuils. Une entrée de plus entraînerait une cotisation de {} % de vos salaires trimestriels, perçue au trimestre {due}.", comma(r.rate_percent.to_string())),
                Warning::W3 => format!("Votre entrée en invalidité approche des seuils. Si elle atteignait {} fois celle de votre secteur et {} fois celle du secteur privé, une cotisation de {} % de vos salaires trimestriels serait perçue {later} (pour ce trimestre : {due}).", comma(r.sector_factor.to_string()), comma(r.private_factor.to_string()), comma(r.rate_percent.to_string())),
            },
            format!("Seuils : au moins {} entrées comptées, {} fois le rapport du secteur et {} fois celui du secteur privé ; avertissement à partir de {} et {} fois.", r.min_cases, comma(r.sector_factor.to_string()), comma(r.private_factor.to_string()), comma(r.warn_sector_factor.to_string()), comma(r.warn_private_factor.to_string())),
        ),
    };
    let letter = Letter {
        lang,
        t: words(lang),
        employer_id: e.employer_id.clone(),
        quarter: q,
        warning: w.as_str(),
        intro,
        rows,
        ratio: ratio(e.ratio),
        sector: e.sector.group.clone(),
        sector_ratio: ratio(e.sector_ratio),
        sector_multiple: multiple(e.sector_multiple),
        sector_threshold: format!(
            "{}× / {}×",
            comma(r.sector_factor.to_string()),
            comma(r.warn_sector_factor.to_string())
        ),
        private_ratio: ratio(a.private_ratio),
        private_multiple: multiple(e.private_multiple),
        private_threshold: format!(
            "{}× / {}×",
            comma(r.private_factor.to_string()),
            comma(r.warn_private_factor.to_string())
        ),
        meaning,
        thresholds,
    };
    let t = super::templates()?
        .get_template("letter.html")
        .map_err(|e| Error::Other(anyhow::anyhow!("letter template: {e}")))?;
    t.render(Serde(&letter)).map(Some).map_err(|e| Error::Other(anyhow::anyhow!("letter template: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_and_amounts() {
        assert_eq!(language(Some("NL")), "nl");
        assert_eq!(language(Some("de")), "de");
        assert_eq!(language(Some("en")), "fr", "French when the language is not one of the three");
        assert_eq!(language(None), "fr");
        assert_eq!(euros(456_173, "nl"), "4.561,73 EUR");
        assert_eq!(euros(456_173, "fr"), "4\u{202f}561,73 EUR");
        assert_eq!(euros(99, "de"), "0,99 EUR");
    }
}
