//! Notices (§11): for each employer warned or liable under the levy (loi-programme du 27
//! décembre 2021, art. 145: the office informs in advance the employers whose inflow
//! evolves unfavourably), and for each employer owing the solidarity contribution, one
//! printable page in its language — French, Dutch or German from the register's optional
//! `language` column, French when absent — dated, with a reference, addressed to the
//! employer's name and address when the register carries them, with its figures, the
//! sector group used and why, what is due and when, and the office's contact and appeal
//! lines from `data/letters.toml` (or `--letters FILE`).

use minijinja::value::Serde;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::input::register::Contact;
use crate::levy::assess::{Assessment, EmployerRow};
use crate::levy::reference::Reference;
use crate::levy::warnings::Warning;
use crate::parse::{format_cents, format_micro};
use crate::quarter::Quarter;

pub(crate) const LETTER: &str = include_str!("../../templates/letter.html");

/// The office's lines shipped with responsa, to be filled in (`data/letters.toml`).
pub const DEFAULT_OFFICE: &str = include_str!("../../data/letters.toml");

/// The office's own lines of the notices, in each language, and their date.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    /// `YYYY-MM-DD`; empty: the day of the run.
    #[serde(default)]
    pub date: String,
    pub fr: Lines,
    pub nl: Lines,
    pub de: Lines,
}

/// Who sends a notice, whom to contact, how to appeal, who signs.
#[derive(Debug, Clone, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lines {
    pub sender: String,
    pub contact: String,
    pub appeal: String,
    pub signature: String,
}

impl Office {
    pub fn embedded() -> Result<Office> {
        Office::parse(DEFAULT_OFFICE, "data/letters.toml (embedded)")
    }

    pub fn from_file(path: &std::path::Path) -> Result<Office> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Usage(format!("{}: cannot read the letters file (--letters): {e}", path.display())))?;
        Office::parse(&text, &path.display().to_string())
    }

    fn parse(text: &str, origin: &str) -> Result<Office> {
        let o: Office = toml::from_str(text).map_err(|e| {
            let msg = e.message().lines().next().unwrap_or("").trim().to_string();
            Error::Usage(format!("{origin}: not a letters file: {msg} (see data/letters.toml)"))
        })?;
        if !o.date.is_empty() && crate::parse::parse_date(&o.date).is_err() {
            return Err(Error::Usage(format!("{origin}: date '{}' is not YYYY-MM-DD (or leave it empty)", o.date)));
        }
        Ok(o)
    }

    /// The date printed on the notices, in days since 1970-01-01: the file's, else today.
    pub fn day(&self) -> i32 {
        crate::parse::parse_date(&self.date).unwrap_or_else(|_| {
            let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
            (secs / 86_400) as i32
        })
    }

    fn lines(&self, lang: &str) -> &Lines {
        match lang {
            "nl" => &self.nl,
            "de" => &self.de,
            _ => &self.fr,
        }
    }
}

/// Whom a notice is addressed to: the employer, its language and, when the register
/// carries them, its name and address at the quarter.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub employer_id: &'a str,
    pub language: Option<&'a str>,
    pub contact: Option<&'a Contact>,
}

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
pub(crate) fn day_month_year(days: i32) -> String {
    let (y, m, d) = crate::quarter::civil_from_days(days);
    format!("{d:02}/{m:02}/{y}")
}

/// The words of `lang` among the French, Dutch and German ones (French by default).
pub(crate) fn in_language(lang: &str, fr: &str, nl: &str, de: &str) -> String {
    match lang {
        "nl" => nl,
        "de" => de,
        _ => fr,
    }
    .to_string()
}

/// A percentage with a decimal comma and a non-breaking space before `%`.
pub(crate) fn percent(d: &crate::rules::Decimal) -> String {
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
    pub basis: &'static str,
}

const FR: Words = Words {
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
    basis: "Loi-programme du 27 décembre 2021, art. 140 à 147 (M.B. 31.12.2021), modifiée par la loi du 20 novembre 2022.",
};

const NL: Words = Words {
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
    basis: "Programmawet van 27 december 2021, art. 140 tot 147 (B.S. 31.12.2021), gewijzigd bij de wet van 20 november 2022.",
};

const DE: Words = Words {
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

pub(crate) fn words(lang: &str) -> Words {
    match lang {
        "nl" => NL,
        "de" => DE,
        _ => FR,
    }
}

/// A decimal with a comma, as the three languages write it.
pub(crate) fn comma(s: String) -> String {
    s.replace('.', ",")
}

/// Euros: thousands separated (a space in French, a point in Dutch and German), decimal comma.
pub(crate) fn euros(cents: i64, lang: &str) -> String {
    let s = format_cents(cents);
    let (int, dec) = s.split_once('.').unwrap_or((&s, "00"));
    let sep = if lang == "fr" { '\u{202f}' } else { '.' };
    format!("{},{dec}\u{a0}EUR", crate::parse::group_thousands(int, sep))
}

pub(crate) fn ratio(x: Option<f64>) -> String {
    match x {
        None => "—".into(),
        Some(v) if v.is_infinite() => "∞".into(),
        Some(v) => comma(format!("{v:.6}")),
    }
}

pub(crate) fn multiple(x: Option<f64>) -> String {
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

/// One incapacity of a solidarity notice.
#[derive(Serialize)]
struct IncapacityLine {
    worker: String,
    start: String,
    window: String,
    days: i64,
    benefit: String,
    amount: String,
}

/// The file of an employer's notice: its identifier, made safe for a file name.
pub fn file_name(employer_id: &str) -> String {
    let name: String =
        employer_id.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
    format!("{name}.html")
}

/// What every notice carries: its date, reference, addressee and the office's lines.
#[derive(Serialize)]
struct Head {
    lang: &'static str,
    t: Words,
    office: Lines,
    date: String,
    reference: String,
    employer_id: String,
    name: Option<String>,
    address: Option<String>,
    quarter: String,
    title: String,
}

#[derive(Serialize)]
struct Letter {
    #[serde(flatten)]
    head: Head,
    intro: String,
    rows: Vec<Row>,
    ratio: String,
    sector: String,
    sector_note: String,
    sector_ratio: String,
    sector_multiple: String,
    sector_threshold: String,
    private_ratio: String,
    private_multiple: String,
    private_threshold: String,
    meaning: String,
    thresholds: String,
    basis: &'static str,
}

#[derive(Serialize)]
struct Notice {
    #[serde(flatten)]
    head: Head,
    intro: String,
    incapacities: Vec<IncapacityLine>,
    total: String,
    due: String,
    basis: &'static str,
}

fn head(lang: &'static str, office: &Office, to: &Recipient<'_>, q: Quarter, code: &str, title: String) -> Head {
    Head {
        lang,
        t: words(lang),
        office: office.lines(lang).clone(),
        date: date_words(office.day(), lang),
        reference: format!("{code}/{q}/{}", to.employer_id),
        employer_id: to.employer_id.to_string(),
        name: to.contact.and_then(|c| c.name.clone()),
        address: to.contact.and_then(|c| c.address.clone()),
        quarter: quarter_words(q, lang),
        title,
    }
}

fn render(value: &impl Serialize) -> Result<String> {
    let t = super::templates()?
        .get_template("letter.html")
        .map_err(|e| Error::Other(anyhow::anyhow!("letter template: {e}")))?;
    t.render(Serde(value)).map_err(|e| Error::Other(anyhow::anyhow!("letter template: {e}")))
}

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

/// Why the sector group is the one used: the levels tried that held too few employers to
/// compare with (art. 142 §1: fewer than ten points of comparison on four digits, then
/// three, and so on). Empty when the first level qualified.
fn sector_note(e: &EmployerRow, min: u64, lang: &str) -> String {
    let fell: Vec<&crate::levy::sector::LevelTried> = e.sector.tried.iter().filter(|t| !t.qualifies).collect();
    if fell.is_empty() || !e.sector.found {
        return String::new();
    }
    let list = |digits: &str, employers: &str| -> String {
        fell.iter()
            .map(|t| format!("{} {digits} ({}) : {} {employers}", t.level, t.group, t.employers))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (level, group) = (e.sector.level, &e.sector.group);
    match lang {
        "nl" => format!(
            "Uw sector telt te weinig werkgevers om mee te vergelijken (minstens {min} nodig) op {}: de vergelijking gebeurt daarom met de NACE-groep op {level} cijfers ({group}).",
            list("cijfers", "werkgevers").replace(" : ", ": ")
        ),
        "de" => format!(
            "Ihr Sektor zählt zu wenige Arbeitgeber für einen Vergleich (mindestens {min} erforderlich) auf {}: der Vergleich erfolgt daher mit der NACE-Gruppe auf {level} Stellen ({group}).",
            list("Stellen", "Arbeitgeber").replace(" : ", ": ")
        ),
        _ => format!(
            "Votre secteur compte trop peu d'employeurs pour une comparaison (au moins {min} requis) à {} ; la comparaison se fait donc avec le groupe NACE à {level} chiffres ({group}).",
            list("chiffres", "employeurs")
        ),
    }
}

/// The notice of one employer warned or liable under the levy, in its language: a levy
/// notice for W1 (liable), a prior warning for W2 and W3.
pub fn letter(a: &Assessment, e: &EmployerRow, office: &Office, to: &Recipient<'_>) -> Result<Option<String>> {
    let Some(w) = e.warning else { return Ok(None) };
    let lang = language(to.language.or(e.language.as_deref()));
    let r = &a.rules.levy;
    let (quarter, due_quarter) = (a.quarter(), a.due_quarter());
    let (q, due) = (quarter_words(quarter, lang), quarter_words(due_quarter, lang));
    let reference = Reference::of(quarter);
    let rows = (0..4)
        .map(|k| {
            let (n, d) = (e.pool.entries[k], e.pool.fte[k]);
            Row {
                quarter: quarter_words(reference.quarter(k), lang),
                entries: n,
                fte: comma(format_micro(d)),
                ratio: if d > 0 { comma(format!("{:.6}", n as f64 * 1e6 / d as f64)) } else { "—".into() },
            }
        })
        .collect();
    let levy = e.levy.map(|c| euros(c, lang)).unwrap_or_default();
    let wage_q = quarter_words(reference.wage_quarter(), lang);
    // The levy falls due payment_lag quarters after the assessed quarter (§3.6).
    let later = quarters_later(lang, r.payment_lag);
    let (rate, sf, pf) =
        (percent(&r.rate_percent), comma(r.sector_factor.to_string()), comma(r.private_factor.to_string()));
    let (wsf, wpf) = (comma(r.warn_sector_factor.to_string()), comma(r.warn_private_factor.to_string()));
    let title = match (lang, w) {
        ("nl", Warning::W1) => "Bericht responsabiliseringsbijdrage",
        ("nl", _) => "Voorafgaande waarschuwing — responsabiliseringsbijdrage",
        ("de", Warning::W1) => "Mitteilung Verantwortungsbeitrag",
        ("de", _) => "Vorabwarnung — Verantwortungsbeitrag",
        (_, Warning::W1) => "Avis de cotisation de responsabilisation",
        (_, _) => "Avertissement préalable — cotisation de responsabilisation",
    };
    let (intro, meaning, thresholds) = match lang {
        "nl" => (
            format!("De RSZ berekent elk kwartaal de instroom in invaliditeit van de werknemers van elke werkgever uit de privésector en vergelijkt die met zijn sector en met de hele privésector. Hieronder vindt u uw cijfers voor het {q}."),
            match w {
                Warning::W1 => format!("Uw instroom overschrijdt beide drempels: u bent de responsabiliseringsbijdrage van {levy} verschuldigd ({rate} van uw lonen van het {wage_q}), te innen in het {due}."),
                Warning::W2 => format!("U bent één getelde intrede verwijderd van de bijdrage: uw verhouding overschrijdt beide drempels al. Met één intrede meer zou een bijdrage van {rate} van uw kwartaallonen worden geïnd in het {due}. Dit is een waarschuwing: er is niets verschuldigd."),
                Warning::W3 => format!("Uw instroom nadert de drempels. Bereikt hij {sf}× uw sector en {pf}× de privésector, dan wordt een bijdrage van {rate} van uw kwartaallonen geïnd {later} (voor dit kwartaal: in het {due}). Dit is een waarschuwing: er is niets verschuldigd."),
            },
            format!("Drempels: minstens {} getelde intredes, {sf}× de verhouding van de sector en {pf}× die van de privésector; waarschuwing vanaf {wsf}× en {wpf}×.", r.min_cases),
        ),
        "de" => (
            format!("Das LSS berechnet jedes Quartal den Eintritt der Arbeitnehmer jedes Arbeitgebers des Privatsektors in die Invalidität und vergleicht ihn mit seinem Sektor und dem gesamten Privatsektor. Hier sind Ihre Zahlen für das {q}."),
            match w {
                Warning::W1 => format!("Ihr Eintritt übersteigt beide Schwellen: Sie schulden den Verantwortungsbeitrag von {levy} ({rate} Ihrer Löhne des {wage_q}), erhoben im {due}."),
                Warning::W2 => format!("Ihnen fehlt ein einziger gezählter Eintritt bis zum Beitrag: Ihr Verhältnis übersteigt beide Schwellen bereits. Mit einem Eintritt mehr würde ein Beitrag von {rate} Ihrer Quartalslöhne im {due} erhoben. Dies ist eine Warnung: es ist nichts geschuldet."),
                Warning::W3 => format!("Ihr Eintritt nähert sich den Schwellen. Erreicht er das {sf}-fache Ihres Sektors und das {pf}-fache des Privatsektors, wird ein Beitrag von {rate} Ihrer Quartalslöhne {later} erhoben (für dieses Quartal: im {due}). Dies ist eine Warnung: es ist nichts geschuldet."),
            },
            format!("Schwellen: mindestens {} gezählte Eintritte, das {sf}-fache des Verhältnisses des Sektors und das {pf}-fache des Privatsektors; Warnung ab dem {wsf}- und {wpf}-fachen.", r.min_cases),
        ),
        _ => (
            format!("L'ONSS calcule chaque trimestre l'entrée en invalidité des travailleurs de chaque employeur du secteur privé et la compare à celle de son secteur et de l'ensemble du secteur privé. Voici vos chiffres pour le {q}."),
            match w {
                Warning::W1 => format!("Votre entrée en invalidité dépasse les deux seuils : vous êtes redevable de la cotisation de responsabilisation de {levy} ({rate} de vos salaires du {wage_q}), perçue au {due}."),
                Warning::W2 => format!("Il ne vous manque qu'une entrée comptée pour être redevable : votre rapport dépasse déjà les deux seuils. Une entrée de plus entraînerait une cotisation de {rate} de vos salaires trimestriels, perçue au {due}. Ceci est un avertissement : rien n'est dû."),
                Warning::W3 => format!("Votre entrée en invalidité approche des seuils. Si elle atteignait {sf} fois celle de votre secteur et {pf} fois celle du secteur privé, une cotisation de {rate} de vos salaires trimestriels serait perçue {later} (pour ce trimestre : au {due}). Ceci est un avertissement : rien n'est dû."),
            },
            format!("Seuils : au moins {} entrées comptées, {sf} fois le rapport du secteur et {pf} fois celui du secteur privé ; avertissement à partir de {wsf} et {wpf} fois.", r.min_cases),
        ),
    };
    let letter = Letter {
        head: head(lang, office, to, quarter, "RESP", title.to_string()),
        intro,
        rows,
        ratio: ratio(e.ratio),
        sector: e.sector.group.clone(),
        sector_note: sector_note(e, r.min_sector_employers, lang),
        sector_ratio: ratio(e.sector_ratio),
        sector_multiple: multiple(e.sector_multiple),
        sector_threshold: format!("{sf}× / {wsf}×"),
        private_ratio: ratio(a.private_ratio),
        private_multiple: multiple(e.private_multiple),
        private_threshold: format!("{pf}× / {wpf}×"),
        meaning,
        thresholds,
        basis: words(lang).basis,
    };
    render(&letter).map(Some)
}

/// The notice of one employer owing the solidarity contribution (§8), in its language:
/// its due incapacities with their windows, indemnified days and amounts, the total and
/// the quarter it is collected in. `None` when it owes nothing.
pub fn solidarity_notice(
    a: &crate::solidarity::assess::Assessment,
    employer: &str,
    office: &Office,
    to: &Recipient<'_>,
) -> Result<Option<String>> {
    use crate::solidarity::status::Status;
    let due_rows: Vec<&crate::solidarity::assess::Incapacity> = a
        .incapacities
        .iter()
        .filter(|i| i.row.employer_id == employer && i.status == Status::Due && i.contribution > 0)
        .collect();
    if due_rows.is_empty() {
        return Ok(None);
    }
    let lang = language(to.language);
    let r = &a.rules.solidarity;
    let (quarter, due_quarter) = (a.quarter(), a.due_quarter());
    let (q, due) = (quarter_words(quarter, lang), quarter_words(due_quarter, lang));
    let total: i64 = due_rows.iter().map(|i| i.contribution).sum();
    let (rate, months, day) = (percent(&r.rate_percent), r.window_months, r.window_first_day.saturating_sub(1));
    let min = r.min_workers;
    let incapacities = due_rows
        .iter()
        .map(|i| IncapacityLine {
            worker: i.row.worker_id.clone(),
            start: day_month_year(i.row.incapacity_start),
            window: format!("{} – {}", day_month_year(i.window.start), day_month_year(i.window.end)),
            days: i.days.indemnified,
            benefit: euros(i.row.daily_benefit, lang),
            amount: euros(i.contribution, lang),
        })
        .collect();
    let amount = euros(total, lang);
    let (title, intro) = match lang {
        "nl" => ("Bericht solidariteitsbijdrage", format!("De werkgever van minstens {min} werknemers betaalt een solidariteitsbijdrage van {rate} van de ziekte-uitkering van de {months} maanden na de {day}ste dag van een primaire arbeidsongeschiktheid van zijn werknemers. Voor de arbeidsongeschiktheden die begonnen in het {q} bent u {amount} verschuldigd, te innen in het {due}.")),
        "de" => ("Mitteilung Solidaritätsbeitrag", format!("Der Arbeitgeber mit mindestens {min} Arbeitnehmern zahlt einen Solidaritätsbeitrag von {rate} des Krankengeldes der {months} Monate nach dem {day}. Tag einer primären Arbeitsunfähigkeit seiner Arbeitnehmer. Für die im {q} begonnenen Arbeitsunfähigkeiten schulden Sie {amount}, erhoben im {due}.")),
        _ => ("Avis de cotisation de solidarité", format!("L'employeur d'au moins {min} travailleurs verse une cotisation de solidarité de {rate} de l'indemnité de maladie des {months} mois qui suivent le {day}e jour d'une incapacité primaire de ses travailleurs. Pour les incapacités ayant commencé au {q}, vous êtes redevable de {amount}, perçus au {due}.")),
    };
    let notice = Notice {
        head: head(lang, office, to, quarter, "SOLI", title.to_string()),
        intro,
        incapacities,
        total: amount,
        due,
        basis: "Loi de décembre 2025 exécutant une politique renforcée de retour au travail en cas d'incapacité de travail (M.B. 30.12.2025).",
    };
    render(&notice).map(Some)
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
    fn the_office_file_is_checked() {
        let office = Office::embedded().expect("the embedded letters file");
        assert!(office.fr.contact.contains("letters.toml"), "the default says what to fill in");
        let bad = DEFAULT_OFFICE.replace("date = \"\"", "date = \"01/12/2026\"");
        let e = Office::parse(&bad, "x.toml").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("x.toml") && e.contains("YYYY-MM-DD"), "{e}");
        let fixed = DEFAULT_OFFICE.replace("date = \"\"", "date = \"2026-12-01\"");
        assert_eq!(
            Office::parse(&fixed, "x").expect("a file").day(),
            crate::parse::parse_date("2026-12-01").expect("d")
        );
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
